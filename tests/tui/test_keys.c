/* test_keys.c - the key table against what the screen handles: every key it acts on is in the help, every hint works where shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "keymap.h"
#include "screen.h"
#include "ui.h"
#include "view.h"

/* Every situation a key can arrive in. */
static const enum keymap_mode modes[] = {KEYMAP_IN_BAR, KEYMAP_IN_GRID, KEYMAP_IN_HELP};
#define CONTEXTS (3 * 2 * 2)

static struct keymap_context context_number(int n)
{
	struct keymap_context context = {modes[n / 4], (n / 2) % 2 == 1, n % 2 == 1};
	return context;
}

/* Every key curses can report: its KEY_* codes and characters (controls, ASCII, a few beyond). */
struct input {
	bool function;
	unsigned code;
};
#define INPUTS ((KEY_MAX - KEY_MIN + 1) + 0x7f + 3)

static struct input input_number(int n)
{
	static const unsigned beyond[] = {0xe9, 0x3000, 0x1f600};
	struct input input = {false, 0};
	if (n < KEY_MAX - KEY_MIN + 1) {
		input.function = true;
		input.code = (unsigned)(KEY_MIN + n);
	} else if (n < KEY_MAX - KEY_MIN + 1 + 0x7f) {
		input.code = (unsigned)(n - (KEY_MAX - KEY_MIN + 1) + 1);
	} else {
		input.code = beyond[n - (KEY_MAX - KEY_MIN + 1 + 0x7f)];
	}
	return input;
}

/* The help overlay's lines from "Keys" to the blank line after them, as drawn. */
struct help_keys {
	struct screen screen;
	int first, last;   /* screen rows of the key lines */
};

static void render_help(struct help_keys *help)
{
	memset(help, 0, sizeof *help);
	assert_true(screen_resize(&help->screen, 120, 400));
	struct view_state state;
	memset(&state, 0, sizeof state);
	state.show_help = true;
	view_draw_help(&help->screen, &state, (struct view_rect){0, 0, 120, 400});
	char text[1024];
	help->first = help->last = -1;
	for (int row = 0; row < help->screen.height; row++) {
		screen_row_text(&help->screen, row, text, sizeof text);
		if (help->first < 0 && strstr(text, "│ Keys"))
			help->first = row + 1;
		else if (help->first >= 0 && strspn(text + 3, " ") >= 110) {   /* past the border: a blank line */
			help->last = row - 1;
			break;
		}
	}
	assert_true(help->first > 0);
	assert_true(help->last >= help->first);
}

/* The row that starts the help line a binding is listed on. */
static const struct keymap_binding *line_of(const struct keymap_binding *binding)
{
	const struct keymap_binding *start = NULL;
	for (size_t i = 0; i < keymap_count(); i++) {
		if (keymap_binding(i)->help)
			start = keymap_binding(i);
		if (keymap_binding(i) == binding)
			return start;
	}
	return NULL;
}

/* Whether the drawn help has a key line saying what binding does, with its key named on that line. */
static bool help_lists(const struct help_keys *help, const struct keymap_binding *binding)
{
	const struct keymap_binding *line = line_of(binding);
	if (!line)
		return false;
	char text[1024], keys[1024];
	for (int row = help->first; row <= help->last; row++) {
		screen_row_text(&help->screen, row, text, sizeof text);
		char *description = strstr(text, line->help);
		if (!description)
			continue;
		*description = '\0';
		/* The key column is before the description, or on the row above when it was too wide. */
		if (strspn(text + 3, " ") == strlen(text + 3) && row > help->first)
			screen_row_text(&help->screen, row - 1, keys, sizeof keys);
		else
			snprintf(keys, sizeof keys, "%s", text);
		if (strstr(keys, binding->name))
			return true;
	}
	return false;
}

/* Every key the screen acts on, in every situation, is in the help: named on the line that says what it does. */
static void every_handled_key_is_in_the_help(void **state)
{
	(void)state;
	struct help_keys help;
	render_help(&help);
	int handled = 0;
	for (int c = 0; c < CONTEXTS; c++) {
		struct keymap_context context = context_number(c);
		for (int n = 0; n < INPUTS; n++) {
			struct input input = input_number(n);
			const struct keymap_binding *binding = keymap_find(ui_key_id(input.function, input.code), &context);
			if (!binding)
				continue;
			handled++;
			if (!help_lists(&help, binding))
				fail_msg("key %s%u (%s) is handled in mode %d but the help does not list it", input.function ? "KEY_" : "",
					 input.code, binding->name, context.mode);
		}
	}
	/* Not a vacuous pass: the table is wired to curses' codes (F1, Ctrl-Z, the arrows in three modes ...). */
	assert_true(handled > 100);
	screen_release(&help.screen);
}

/* A context where binding applies, in mode. */
static struct keymap_context context_for(const struct keymap_binding *binding, enum keymap_mode mode)
{
	struct keymap_context context = {mode, binding->when == WHEN_TIMELINE, true};
	return context;
}

/* Every key of every row (every key the help names) reaches that row from curses: none shadowed, none unsendable. */
static void every_binding_in_the_table_is_handled(void **state)
{
	(void)state;
	for (size_t i = 0; i < keymap_count(); i++) {
		const struct keymap_binding *binding = keymap_binding(i);
		assert_non_null(binding->name);
		assert_true(binding->keys[0] != 0);
		for (size_t k = 0; k < KEYMAP_KEYS && binding->keys[k]; k++) {
			bool function;
			unsigned code;
			if (!ui_key_code(binding->keys[k], &function, &code))
				fail_msg("%s: key id %#x cannot come from curses", binding->name, binding->keys[k]);
			assert_int_equal(ui_key_id(function, code), binding->keys[k]);
			for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
				if (!(binding->modes & (unsigned)modes[m]))
					continue;
				struct keymap_context context = context_for(binding, modes[m]);
				if (keymap_find(ui_key_id(function, code), &context) != binding)
					fail_msg("%s in mode %d does something else than its row says", binding->name, modes[m]);
			}
		}
	}
}

/* Whether a row's mode and condition hold in context (as the table's comment says they do). */
static bool row_applies(const struct keymap_binding *binding, const struct keymap_context *context)
{
	if (!(binding->modes & (unsigned)context->mode))
		return false;
	return binding->when == WHEN_ALWAYS || (binding->when == WHEN_EMPTY_BAR && context->bar_empty) ||
	       (binding->when == WHEN_TIMELINE && context->timeline) ||
	       (binding->when == WHEN_NO_TIMELINE && !context->timeline);
}

/* No situation has two rows for one key: the table's order never decides what a key does. */
static void no_key_has_two_meanings(void **state)
{
	(void)state;
	for (int c = 0; c < CONTEXTS; c++) {
		struct keymap_context context = context_number(c);
		for (int n = 0; n < INPUTS; n++) {
			struct input input = input_number(n);
			unsigned key = ui_key_id(input.function, input.code);
			int rows = 0;
			for (size_t i = 0; i < keymap_count() && key; i++) {
				const struct keymap_binding *binding = keymap_binding(i);
				for (size_t k = 0; k < KEYMAP_KEYS && binding->keys[k]; k++)
					rows += binding->keys[k] == key && row_applies(binding, &context);
			}
			if (rows > 1)
				fail_msg("key %#x has %d rows in mode %d (timeline %d, empty bar %d)", key, rows, context.mode,
					 context.timeline, context.bar_empty);
		}
	}
}

/* Every key the hint line names works where it is shown, and the hint line draws it as the table names it. */
static void every_hint_works_where_it_is_shown(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 400, 1));
	for (int c = 0; c < CONTEXTS; c++) {
		for (int comparing = 0; comparing < 2; comparing++) {
			struct keymap_context context = context_number(c);
			if (!context.bar_empty)
				continue;   /* the bar's hints are drawn as for an empty bar */
			const struct keymap_hint *hints;
			size_t count = keymap_hints(&context, comparing, &hints);
			assert_true(count > 0);
			struct view_state view;
			memset(&view, 0, sizeof view);
			view.show_help = context.mode == KEYMAP_IN_HELP;
			view.focus = context.mode == KEYMAP_IN_GRID ? FOCUS_GRID : FOCUS_BAR;
			view.timeline = context.timeline;
			view.input.text = "";
			screen_clear(&screen, ROLE_TEXT);
			view_draw_hints(&screen, 0, &view, comparing);
			char row[4096], typing[4096];
			screen_row_text(&screen, 0, row, sizeof row);
			/* The row stays put while a line is typed (it names what keys do on an empty bar). */
			view.input = (struct view_input){"alloc 2", 7, 7};
			screen_clear(&screen, ROLE_TEXT);
			view_draw_hints(&screen, 0, &view, comparing);
			screen_row_text(&screen, 0, typing, sizeof typing);
			assert_string_equal(row, typing);
			for (size_t i = 0; i < count; i++) {
				for (size_t k = 0; k < KEYMAP_HINT_KEYS && hints[i].keys[k]; k++) {
					bool function;
					unsigned code;
					assert_true(ui_key_code(hints[i].keys[k], &function, &code));
					const struct keymap_binding *binding = keymap_find(ui_key_id(function, code), &context);
					if (!binding || !binding->hint)
						fail_msg("hint %zu of mode %d (timeline %d, comparing %d) names key %#x, which does nothing there",
							 i, context.mode, context.timeline, comparing, hints[i].keys[k]);
				}
				char keys[64], word[64], item[140];
				keymap_hint_text(&hints[i], &context, false, keys, sizeof keys, word, sizeof word);
				snprintf(item, sizeof item, "%s %s", keys, word);
				if (!strstr(row, item))
					fail_msg("the hint line \"%s\" lacks \"%s\"", row, item);
			}
		}
	}
	screen_release(&screen);
}

/*
 * Status messages name keys through keymap_keys_of: the names are the help's,
 * each once, in the table's order, and a key the table does not bind in that
 * place is never named. Each message's keys then find their binding.
 */
static void messages_name_the_keys_the_table_binds(void **state)
{
	(void)state;
	char keys[64];
	keymap_keys_of(ACTION_MOVE_LEFT, KEYMAP_IN_GRID, 2, keys, sizeof keys);
	assert_string_equal(keys, "arrows or h j k l");
	keymap_keys_of(ACTION_MOVE_LEFT, KEYMAP_IN_GRID, 1, keys, sizeof keys);
	assert_string_equal(keys, "arrows");
	keymap_keys_of(ACTION_SLOWER, KEYMAP_IN_BAR, 1, keys, sizeof keys);
	assert_string_equal(keys, "F6");
	keymap_keys_of(ACTION_REDO, KEYMAP_IN_BAR, 3, keys, sizeof keys);
	assert_string_equal(keys, "Ctrl-Y or Ctrl-N");
	keymap_keys_of(ACTION_FOCUS_BAR, KEYMAP_IN_GRID, 1, keys, sizeof keys);
	assert_string_equal(keys, "Esc");
	/* Not bound there: nothing to name. */
	keymap_keys_of(ACTION_RUN_LINE, KEYMAP_IN_GRID, 1, keys, sizeof keys);
	assert_string_equal(keys, "");
	keymap_keys_of(ACTION_HELP_CLOSE, KEYMAP_IN_BAR, 1, keys, sizeof keys);
	assert_string_equal(keys, "");
	/* A short buffer is cut, never overrun. */
	char small[5];
	keymap_keys_of(ACTION_MOVE_LEFT, KEYMAP_IN_GRID, 2, small, sizeof small);
	assert_string_equal(small, "arro");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_handled_key_is_in_the_help),
		cmocka_unit_test(every_binding_in_the_table_is_handled),
		cmocka_unit_test(no_key_has_two_meanings),
		cmocka_unit_test(every_hint_works_where_it_is_shown),
		cmocka_unit_test(messages_name_the_keys_the_table_binds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
