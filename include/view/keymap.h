/* keymap.h - the one table of key bindings: what each key does where, read by the key handling, the hints and the help. */
#ifndef HEAPVIZ_KEYMAP_H
#define HEAPVIZ_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Keys as the table names them, independent of any terminal library (the
 * view layer never sees one): a character is its Unicode code point
 * (controls included: Esc is 0x1b, Ctrl-Z is 0x1a), and a key that is not a
 * character is one of these ids above Unicode. The terminal front end
 * (src/tui/ui_keymap.c) maps its own key codes onto them, so the table, the
 * hints and the help stay plain data the view tests read.
 */
#define KEYMAP_NAMED 0x110000u
enum keymap_key {
	KEYMAP_F1 = KEYMAP_NAMED, KEYMAP_F5, KEYMAP_F6, KEYMAP_F7,
	KEYMAP_UP, KEYMAP_DOWN, KEYMAP_LEFT, KEYMAP_RIGHT, KEYMAP_HOME, KEYMAP_END,
	KEYMAP_PAGE_UP, KEYMAP_PAGE_DOWN, KEYMAP_ENTER, KEYMAP_BACKSPACE, KEYMAP_DELETE,
	KEYMAP_NAMED_END
};
#define KEYMAP_CTRL(letter) ((unsigned)((letter) & 0x1f))
#define KEYMAP_ESC 0x1bu

/* What a key asks for; the front end has one handler per action. */
enum keymap_action {
	ACTION_NONE,
	ACTION_HELP_OPEN, ACTION_HELP_CLOSE, ACTION_HELP_LINE_UP, ACTION_HELP_LINE_DOWN,
	ACTION_HELP_PAGE_UP, ACTION_HELP_PAGE_DOWN, ACTION_HELP_TOP, ACTION_HELP_BOTTOM,
	ACTION_RUN_LINE, ACTION_COMPLETE, ACTION_HISTORY_PREV, ACTION_HISTORY_NEXT,
	ACTION_EDIT_LEFT, ACTION_EDIT_RIGHT, ACTION_EDIT_HOME, ACTION_EDIT_END,
	ACTION_EDIT_BACKSPACE, ACTION_EDIT_DELETE, ACTION_EDIT_KILL_LINE, ACTION_EDIT_KILL_WORD,
	ACTION_FOCUS_GRID, ACTION_FOCUS_BAR,
	ACTION_MOVE_LEFT, ACTION_MOVE_RIGHT, ACTION_MOVE_UP, ACTION_MOVE_DOWN, ACTION_SELECT,
	ACTION_CURSOR_FIRST, ACTION_CURSOR_LAST, ACTION_FIRST_STEP, ACTION_LAST_STEP,
	ACTION_PAGE_UP, ACTION_PAGE_DOWN, ACTION_UNDO, ACTION_REDO, ACTION_HEX, ACTION_REDRAW, ACTION_QUIT,
	ACTION_PLAY, ACTION_SLOWER, ACTION_FASTER,
	ACTION_FREE_LISTS, ACTION_FREE_NEXT, ACTION_FREE_PREV,
	ACTION_COUNT
};

/* Where a binding works (a bit set): the command bar, the grid, the help overlay. */
enum keymap_mode { KEYMAP_IN_BAR = 1, KEYMAP_IN_GRID = 2, KEYMAP_IN_HELP = 4 };

/* A further condition on a binding. */
enum keymap_when { WHEN_ALWAYS, WHEN_EMPTY_BAR, WHEN_TIMELINE, WHEN_NO_TIMELINE };

/* The situation a key arrives in: one mode, and what the conditions test. */
struct keymap_context {
	enum keymap_mode mode;
	bool timeline;      /* a loaded script is being stepped through */
	bool bar_empty;     /* nothing typed in the command bar */
};

#define KEYMAP_KEYS 3
/* One row of the table: keys, what they do where, and how the help and the hints name them. */
struct keymap_binding {
	enum keymap_action action;
	unsigned modes;               /* enum keymap_mode bits */
	enum keymap_when when;
	unsigned keys[KEYMAP_KEYS];   /* the key ids (0 ends): one key as the user knows it (Enter: CR, LF, keypad) */
	const char *name;             /* the help's name for the keys: "Ctrl-Z" */
	const char *hint_name;        /* the hint line's: "^Z" (NULL: name) */
	const char *ascii_hint_name;  /* in ASCII (NULL: hint_name) */
	const char *hint;             /* the hint line's word: "undo" (NULL: never hinted) */
	const char *help;             /* the help line this row starts (NULL: it is listed on the line above) */
	const char *where;            /* a qualifier after the line's keys: "in the grid" (line starts only) */
};

/* The rows, in the help's order. */
size_t keymap_count(void);
const struct keymap_binding *keymap_binding(size_t index);
/* The row that key (an id as above) matches in context, or NULL: what the key handling runs. */
const struct keymap_binding *keymap_find(unsigned key, const struct keymap_context *context);

/*
 * The keys bound to action in mode, as the help names them, distinct names
 * joined by " or " ("arrows or h j k l"), at most `most` of them: what a
 * status message says when it tells the user which key to press, so the
 * message can never name a key the table does not bind.
 */
void keymap_keys_of(enum keymap_action action, enum keymap_mode mode, size_t most, char *buffer, size_t size);

/* The help's key lines: how many, and line index's key column ("Ctrl-Z / Ctrl-Y") and description. */
size_t keymap_help_lines(void);
void keymap_help_line(size_t index, char *keys, size_t size, const char **description);

/* One item of the hint line: one to three keys ("^Z/^Y") and what they do ("undo/redo"). */
#define KEYMAP_HINT_KEYS 3
struct keymap_hint {
	unsigned keys[KEYMAP_HINT_KEYS];   /* key ids, 0 ends */
	const char *word;                  /* NULL: the rows' hint words joined by "/" */
};
/* The hints shown in a context (comparing: several lanes side by side), most wanted first. */
size_t keymap_hints(const struct keymap_context *context, bool comparing, const struct keymap_hint **hints);
/* An item's text ("^Z/^Y", "undo/redo") as the hint line draws it in context. */
void keymap_hint_text(const struct keymap_hint *hint, const struct keymap_context *context, bool ascii, char *keys,
		      size_t keys_size, char *word, size_t word_size);

#endif
