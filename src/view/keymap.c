/* keymap.c - the one table of key bindings: the key handling looks keys up here, the hint line and the help name them from here. */
#include "keymap.h"

#include <stdio.h>
#include <string.h>

#define BAR KEYMAP_IN_BAR
#define GRID KEYMAP_IN_GRID
#define HELP KEYMAP_IN_HELP
#define ENTER_KEYS { '\r', '\n', KEYMAP_ENTER }

/*
 * In the help's order: a row with `help` starts a line, the rows after it
 * without one are listed on it too. A key may appear in several rows as long
 * as no two of them can match at once (test_keys checks that, and that every
 * key the screen handles is here, in the help, and named on the hint line
 * only where it works).
 */
static const struct keymap_binding bindings[] = {
	/* action, modes, when, keys, name, hint name, ASCII hint name, hint word, help line, where */
	{ACTION_HELP_OPEN, BAR | GRID, WHEN_ALWAYS, {KEYMAP_F1}, "F1", NULL, NULL, "help",
	 "this help (? on an empty bar or in the grid)", NULL},
	{ACTION_HELP_OPEN, BAR, WHEN_EMPTY_BAR, {'?'}, "?", NULL, NULL, "help", NULL, NULL},
	{ACTION_HELP_OPEN, GRID, WHEN_ALWAYS, {'?'}, "?", NULL, NULL, "help", NULL, NULL},
	{ACTION_HELP_CLOSE, HELP, WHEN_ALWAYS, {KEYMAP_ESC}, "Esc", NULL, NULL, "close", "close this help", "in the help"},
	{ACTION_HELP_CLOSE, HELP, WHEN_ALWAYS, {'q', 'Q'}, "q", NULL, NULL, "close", NULL, NULL},
	{ACTION_HELP_CLOSE, HELP, WHEN_ALWAYS, {KEYMAP_F1}, "F1", NULL, NULL, "close", NULL, NULL},
	{ACTION_HELP_LINE_UP, HELP, WHEN_ALWAYS, {KEYMAP_UP}, "Up", "↑", "Up", "scroll", "scroll a line, to the top or to the bottom",
	 "in the help"},
	{ACTION_HELP_LINE_DOWN, HELP, WHEN_ALWAYS, {KEYMAP_DOWN}, "Down", "↓", "Down", "scroll", NULL, NULL},
	{ACTION_HELP_TOP, HELP, WHEN_ALWAYS, {KEYMAP_HOME}, "Home", NULL, NULL, "top", NULL, NULL},
	{ACTION_HELP_BOTTOM, HELP, WHEN_ALWAYS, {KEYMAP_END}, "End", NULL, NULL, "bottom", NULL, NULL},
	{ACTION_RUN_LINE, BAR, WHEN_ALWAYS, ENTER_KEYS, "Enter", NULL, NULL, "run", "run the command in the bar", NULL},
	{ACTION_COMPLETE, BAR, WHEN_ALWAYS, {'\t'}, "Tab", NULL, NULL, "complete", "complete a command, policy or block name",
	 NULL},
	{ACTION_HISTORY_PREV, BAR, WHEN_ALWAYS, {KEYMAP_UP}, "Up", NULL, NULL, "history", "recall earlier commands", NULL},
	{ACTION_HISTORY_NEXT, BAR, WHEN_ALWAYS, {KEYMAP_DOWN}, "Down", NULL, NULL, "history", NULL, NULL},
	{ACTION_EDIT_LEFT, BAR, WHEN_ALWAYS, {KEYMAP_LEFT}, "Left", NULL, NULL, "left", "move the cursor in the bar", NULL},
	{ACTION_EDIT_RIGHT, BAR, WHEN_ALWAYS, {KEYMAP_RIGHT}, "Right", NULL, NULL, "right", NULL, NULL},
	{ACTION_EDIT_HOME, BAR, WHEN_ALWAYS, {KEYMAP_HOME}, "Home", NULL, NULL, "start", NULL, NULL},
	{ACTION_EDIT_END, BAR, WHEN_ALWAYS, {KEYMAP_END}, "End", NULL, NULL, "end", NULL, NULL},
	{ACTION_EDIT_HOME, BAR, WHEN_ALWAYS, {KEYMAP_CTRL('A')}, "Ctrl-A", "^A", NULL, "start",
	 "to the start / end of the bar", NULL},
	{ACTION_EDIT_END, BAR, WHEN_ALWAYS, {KEYMAP_CTRL('E')}, "Ctrl-E", "^E", NULL, "end", NULL, NULL},
	/* Terminals send DEL or Ctrl-H for Backspace. */
	{ACTION_EDIT_BACKSPACE, BAR, WHEN_ALWAYS, {KEYMAP_BACKSPACE, 0x7f, KEYMAP_CTRL('H')}, "Backspace", NULL, NULL,
	 "delete", "delete the character before / under the cursor", NULL},
	{ACTION_EDIT_DELETE, BAR, WHEN_ALWAYS, {KEYMAP_DELETE}, "Delete", NULL, NULL, "delete", NULL, NULL},
	{ACTION_EDIT_KILL_LINE, BAR, WHEN_ALWAYS, {KEYMAP_CTRL('U')}, "Ctrl-U", "^U", NULL, "kill",
	 "delete from the start of the bar to the cursor", NULL},
	{ACTION_EDIT_KILL_WORD, BAR, WHEN_ALWAYS, {KEYMAP_CTRL('W')}, "Ctrl-W", "^W", NULL, "kill word",
	 "delete the word before the cursor", NULL},
	{ACTION_FOCUS_GRID, BAR, WHEN_ALWAYS, {KEYMAP_ESC}, "Esc", NULL, NULL, "grid", "switch between the command bar and the grid",
	 NULL},
	{ACTION_FOCUS_BAR, GRID, WHEN_ALWAYS, {KEYMAP_ESC}, "Esc", NULL, NULL, "bar", NULL, NULL},
	{ACTION_MOVE_LEFT, GRID, WHEN_ALWAYS, {KEYMAP_LEFT}, "arrows", "←↑↓→", "arrows", "move", "move the cursor in the grid",
	 NULL},
	{ACTION_MOVE_RIGHT, GRID, WHEN_ALWAYS, {KEYMAP_RIGHT}, "arrows", "←↑↓→", "arrows", "move", NULL, NULL},
	{ACTION_MOVE_UP, GRID, WHEN_ALWAYS, {KEYMAP_UP}, "arrows", "←↑↓→", "arrows", "move", NULL, NULL},
	{ACTION_MOVE_DOWN, GRID, WHEN_ALWAYS, {KEYMAP_DOWN}, "arrows", "←↑↓→", "arrows", "move", NULL, NULL},
	{ACTION_MOVE_LEFT, GRID, WHEN_ALWAYS, {'h'}, "h j k l", "hjkl", NULL, "move", NULL, NULL},
	{ACTION_MOVE_DOWN, GRID, WHEN_ALWAYS, {'j'}, "h j k l", "hjkl", NULL, "move", NULL, NULL},
	{ACTION_MOVE_UP, GRID, WHEN_ALWAYS, {'k'}, "h j k l", "hjkl", NULL, "move", NULL, NULL},
	{ACTION_MOVE_RIGHT, GRID, WHEN_ALWAYS, {'l'}, "h j k l", "hjkl", NULL, "move", NULL, NULL},
	{ACTION_SELECT, GRID, WHEN_ALWAYS, ENTER_KEYS, "Enter", NULL, NULL, "select", "select the block under the cursor",
	 "in the grid"},
	{ACTION_FIRST_STEP, GRID, WHEN_TIMELINE, {KEYMAP_HOME}, "Home", NULL, NULL, "first", "timeline: first / last step",
	 "in the grid"},
	{ACTION_LAST_STEP, GRID, WHEN_TIMELINE, {KEYMAP_END}, "End", NULL, NULL, "last", NULL, NULL},
	{ACTION_CURSOR_FIRST, GRID, WHEN_NO_TIMELINE, {KEYMAP_HOME}, "Home", NULL, NULL, "first",
	 "no timeline: the first / last byte of the heap", "in the grid"},
	{ACTION_CURSOR_LAST, GRID, WHEN_NO_TIMELINE, {KEYMAP_END}, "End", NULL, NULL, "last", NULL, NULL},
	{ACTION_PAGE_UP, BAR | GRID, WHEN_ALWAYS, {KEYMAP_PAGE_UP}, "PgUp", NULL, NULL, "scroll",
	 "scroll the grid, the hex view or this help", NULL},
	{ACTION_PAGE_DOWN, BAR | GRID, WHEN_ALWAYS, {KEYMAP_PAGE_DOWN}, "PgDn", NULL, NULL, "scroll", NULL, NULL},
	{ACTION_HELP_PAGE_UP, HELP, WHEN_ALWAYS, {KEYMAP_PAGE_UP}, "PgUp", NULL, NULL, "page", NULL, NULL},
	{ACTION_HELP_PAGE_DOWN, HELP, WHEN_ALWAYS, {KEYMAP_PAGE_DOWN}, "PgDn", NULL, NULL, "page", NULL, NULL},
	{ACTION_UNDO, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('Z')}, "Ctrl-Z", "^Z", NULL, "undo", "undo / redo a step", NULL},
	{ACTION_REDO, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('Y')}, "Ctrl-Y", "^Y", NULL, "redo", NULL, NULL},
	{ACTION_UNDO, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('P')}, "Ctrl-P", "^P", NULL, "step",
	 "previous / next step in the history", NULL},
	{ACTION_REDO, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('N')}, "Ctrl-N", "^N", NULL, "step", NULL, NULL},
	{ACTION_HEX, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('X')}, "Ctrl-X", "^X", NULL, "hex",
	 "switch between the grid and the hex view", NULL},
	{ACTION_FREE_LISTS, BAR | GRID, WHEN_ALWAYS, {KEYMAP_CTRL('F')}, "Ctrl-F", "^F", NULL, "lists",
	 "free-list view: the free lists in the order the allocator walks them (f in the grid)", NULL},
	{ACTION_FREE_LISTS, GRID, WHEN_ALWAYS, {'f'}, "f", NULL, NULL, "lists", NULL, NULL},
	{ACTION_FREE_NEXT, GRID, WHEN_ALWAYS, {'n'}, "n", NULL, NULL, "next free",
	 "next / previous free block in walk order (opens the free-list view)", "in the grid"},
	{ACTION_FREE_PREV, GRID, WHEN_ALWAYS, {'p'}, "p", NULL, NULL, "prev free", NULL, NULL},
	{ACTION_REDRAW, BAR | GRID | HELP, WHEN_ALWAYS, {KEYMAP_CTRL('L')}, "Ctrl-L", "^L", NULL, "redraw", "redraw the screen",
	 NULL},
	{ACTION_QUIT, BAR, WHEN_EMPTY_BAR, {KEYMAP_CTRL('D')}, "Ctrl-D", "^D", NULL, "quit", "quit (or type quit)",
	 "on an empty bar"},
	{ACTION_PLAY, BAR | GRID, WHEN_TIMELINE, {KEYMAP_F5}, "F5", NULL, NULL, "play/pause", "timeline: play / pause", NULL},
	{ACTION_SLOWER, BAR | GRID, WHEN_TIMELINE, {KEYMAP_F6}, "F6", NULL, NULL, "slower", "timeline: slower / faster", NULL},
	{ACTION_FASTER, BAR | GRID, WHEN_TIMELINE, {KEYMAP_F7}, "F7", NULL, NULL, "faster", NULL, NULL},
};

size_t keymap_count(void)
{
	return sizeof bindings / sizeof bindings[0];
}

const struct keymap_binding *keymap_binding(size_t index)
{
	return index < keymap_count() ? &bindings[index] : NULL;
}

static bool applies(const struct keymap_binding *row, const struct keymap_context *context)
{
	if (!(row->modes & (unsigned)context->mode))
		return false;
	switch (row->when) {
	case WHEN_EMPTY_BAR: return context->bar_empty;
	case WHEN_TIMELINE: return context->timeline;
	case WHEN_NO_TIMELINE: return !context->timeline;
	default: return true;
	}
}

static bool has_key(const struct keymap_binding *row, unsigned key)
{
	for (size_t k = 0; k < KEYMAP_KEYS && row->keys[k]; k++)
		if (row->keys[k] == key)
			return true;
	return false;
}

const struct keymap_binding *keymap_find(unsigned key, const struct keymap_context *context)
{
	if (key == 0)
		return NULL;
	for (size_t i = 0; i < keymap_count(); i++)
		if (has_key(&bindings[i], key) && applies(&bindings[i], context))
			return &bindings[i];
	return NULL;
}

void keymap_keys_of(enum keymap_action action, enum keymap_mode mode, size_t most, char *buffer, size_t size)
{
	size_t used = 0, names = 0;
	if (size == 0)
		return;
	buffer[0] = '\0';
	for (size_t i = 0; i < keymap_count() && names < most; i++) {
		const struct keymap_binding *row = &bindings[i];
		if (row->action != action || !(row->modes & (unsigned)mode))
			continue;
		bool named = false;   /* the arrows are four rows of one name */
		for (size_t j = 0; j < i; j++)
			named = named || (bindings[j].action == action && (bindings[j].modes & (unsigned)mode) &&
					  strcmp(bindings[j].name, row->name) == 0);
		if (named || used >= size)
			continue;
		used += (size_t)snprintf(buffer + used, size - used, "%s%s", names ? " or " : "", row->name);
		names++;
	}
}

/* --- the help ------------------------------------------------------------------- */

size_t keymap_help_lines(void)
{
	size_t lines = 0;
	for (size_t i = 0; i < keymap_count(); i++)
		lines += bindings[i].help != NULL;
	return lines;
}

/* The row that starts help line index. */
static size_t line_start(size_t index)
{
	size_t i = 0;
	for (size_t line = 0; i < keymap_count(); i++)
		if (bindings[i].help && line++ == index)
			break;
	return i;
}

void keymap_help_line(size_t index, char *keys, size_t size, const char **description)
{
	size_t first = line_start(index);
	keys[0] = '\0';
	*description = "";
	if (first >= keymap_count() || size == 0)
		return;
	*description = bindings[first].help;
	size_t used = 0;
	for (size_t i = first; i < keymap_count() && (i == first || !bindings[i].help); i++) {
		bool named = false;   /* several rows of one key (Up in the bar and in the grid) name it once */
		for (size_t j = first; j < i; j++)
			named = named || strcmp(bindings[j].name, bindings[i].name) == 0;
		if (!named && used < size)
			used += (size_t)snprintf(keys + used, size - used, "%s%s", i == first ? "" : " / ", bindings[i].name);
	}
	if (bindings[first].where && used < size)
		snprintf(keys + used, size - used, " %s", bindings[first].where);
}

/* --- the hint line -------------------------------------------------------------- */

#define HINT1(key) {{(key), 0, 0}, NULL}
#define HINT2(key, other, word) {{(key), (other), 0}, (word)}

static const struct keymap_hint bar_hints[] = {
	HINT1(KEYMAP_F1), HINT1('\t'), HINT1(KEYMAP_ESC), HINT1(KEYMAP_CTRL('Z')), HINT1(KEYMAP_CTRL('Y')),
	HINT2(KEYMAP_CTRL('P'), KEYMAP_CTRL('N'), "step"), HINT1(KEYMAP_CTRL('X')), HINT1(KEYMAP_CTRL('D')),
	HINT1(KEYMAP_CTRL('F')),
};
static const struct keymap_hint grid_hints[] = {
	HINT2(KEYMAP_LEFT, 'h', "move"), HINT1('\r'), HINT1(KEYMAP_CTRL('F')), HINT1(KEYMAP_ESC),
	HINT2(KEYMAP_PAGE_UP, KEYMAP_PAGE_DOWN, "scroll"), HINT2(KEYMAP_CTRL('Z'), KEYMAP_CTRL('Y'), NULL),
	HINT1(KEYMAP_CTRL('X')), HINT1(KEYMAP_F1),
};
static const struct keymap_hint help_hints[] = {
	HINT2(KEYMAP_UP, KEYMAP_DOWN, "scroll"), HINT2(KEYMAP_PAGE_UP, KEYMAP_PAGE_DOWN, "page"), HINT1(KEYMAP_HOME),
	{{KEYMAP_ESC, 'q', KEYMAP_F1}, "close"},
};
/* With a timeline loaded, the playback keys come first: they are what a class needs. */
static const struct keymap_hint timeline_bar_hints[] = {
	HINT1(KEYMAP_F5), HINT2(KEYMAP_F6, KEYMAP_F7, "speed"), HINT2(KEYMAP_CTRL('P'), KEYMAP_CTRL('N'), "step"),
	HINT1(KEYMAP_F1), HINT1(KEYMAP_CTRL('Z')), HINT1(KEYMAP_ESC), HINT1(KEYMAP_CTRL('D')), HINT1('\t'),
};
static const struct keymap_hint timeline_grid_hints[] = {
	HINT1(KEYMAP_F5), HINT2(KEYMAP_HOME, KEYMAP_END, NULL), HINT2(KEYMAP_LEFT, 'h', "move"), HINT1('\r'),
	HINT1(KEYMAP_ESC), HINT1(KEYMAP_F1),
};
/* Several lanes side by side: stepping all of them matters more than scrolling one. */
static const struct keymap_hint compare_bar_hints[] = {
	HINT1(KEYMAP_F1), HINT1('\t'), HINT1(KEYMAP_CTRL('Z')), HINT1(KEYMAP_CTRL('Y')),
	HINT2(KEYMAP_CTRL('P'), KEYMAP_CTRL('N'), "step"), HINT1(KEYMAP_CTRL('D')),
};
static const struct keymap_hint compare_grid_hints[] = {
	HINT2(KEYMAP_LEFT, 'h', "move"), HINT1('\r'), HINT1(KEYMAP_ESC), HINT1(KEYMAP_CTRL('X')), HINT1(KEYMAP_CTRL('F')),
	HINT2(KEYMAP_CTRL('Z'), KEYMAP_CTRL('Y'), NULL), HINT1(KEYMAP_F1),
};
/* ... and with a timeline its keys: after the bar's (Home/End not there: in the bar they edit the line), before the grid's. */
static const struct keymap_hint compare_timeline_bar_hints[] = {
	HINT1(KEYMAP_F1), HINT1('\t'), HINT1(KEYMAP_CTRL('Z')), HINT1(KEYMAP_CTRL('Y')),
	HINT2(KEYMAP_CTRL('P'), KEYMAP_CTRL('N'), "step"), HINT1(KEYMAP_CTRL('D')),
	HINT1(KEYMAP_F5), HINT2(KEYMAP_F6, KEYMAP_F7, NULL),
};
static const struct keymap_hint compare_timeline_grid_hints[] = {
	HINT1(KEYMAP_F5), HINT2(KEYMAP_HOME, KEYMAP_END, NULL), HINT2(KEYMAP_LEFT, 'h', "move"), HINT1('\r'),
	HINT1(KEYMAP_ESC), HINT1(KEYMAP_CTRL('X')), HINT1(KEYMAP_F1), HINT2(KEYMAP_F6, KEYMAP_F7, NULL),
};

#define HINTS(list) (*hints = (list), sizeof (list) / sizeof (list)[0])

size_t keymap_hints(const struct keymap_context *context, bool comparing, const struct keymap_hint **hints)
{
	bool grid = context->mode == KEYMAP_IN_GRID;
	if (context->mode == KEYMAP_IN_HELP)
		return HINTS(help_hints);
	if (comparing && context->timeline)
		return grid ? HINTS(compare_timeline_grid_hints) : HINTS(compare_timeline_bar_hints);
	if (comparing)
		return grid ? HINTS(compare_grid_hints) : HINTS(compare_bar_hints);
	if (context->timeline)
		return grid ? HINTS(timeline_grid_hints) : HINTS(timeline_bar_hints);
	return grid ? HINTS(grid_hints) : HINTS(bar_hints);
}

/* Append "/text" (just text at the start), unless the last part already says it. */
static void join(char *out, size_t size, const char *last, const char *text)
{
	size_t used = strlen(out);
	if (last && strcmp(last, text) == 0)
		return;
	snprintf(out + used, size > used ? size - used : 0, "%s%s", used ? "/" : "", text);
}

static const char *hint_name(const struct keymap_binding *row, bool ascii)
{
	const char *name = row->hint_name ? row->hint_name : row->name;
	return ascii && row->ascii_hint_name ? row->ascii_hint_name : name;
}

void keymap_hint_text(const struct keymap_hint *hint, const struct keymap_context *context, bool ascii, char *keys,
		      size_t keys_size, char *word, size_t word_size)
{
	const char *last_name = NULL, *last_word = NULL;
	keys[0] = word[0] = '\0';
	for (size_t k = 0; k < KEYMAP_HINT_KEYS && hint->keys[k]; k++) {
		const struct keymap_binding *row = keymap_find(hint->keys[k], context);
		if (!row || !row->hint)
			continue;   /* a key that does nothing here is never hinted */
		join(keys, keys_size, last_name, hint_name(row, ascii));
		join(word, word_size, last_word, row->hint);
		last_name = hint_name(row, ascii);
		last_word = row->hint;
	}
	if (keys[0] && hint->word)
		snprintf(word, word_size, "%s", hint->word);
}
