/* test_lineedit.c - the command bar's editing, UTF-8 handling, history and completion, without a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lineedit.h"

/* The editor is about 5 KiB: keep it off the stack and let each test start fresh. */
static int setup(void **state)
{
	struct line_editor *editor = malloc(sizeof *editor);
	if (!editor)
		return -1;
	lineedit_init(editor);
	*state = editor;
	return 0;
}

static int teardown(void **state)
{
	struct line_editor *editor = *state;
	lineedit_release(editor);
	free(editor);
	return 0;
}

static void type(struct line_editor *editor, const char *text)
{
	assert_true(lineedit_insert(editor, text, strlen(text)));
}

static void press(struct line_editor *editor, enum edit_action action, int times)
{
	for (int i = 0; i < times; i++)
		lineedit_apply(editor, action);
}

/* The whole visible state of the line: text, length and cursor byte offset. */
static void expect_line(const struct line_editor *editor, const char *text, size_t cursor)
{
	assert_string_equal(editor->text, text);
	assert_int_equal(editor->len, strlen(text));
	assert_int_equal(editor->cursor, cursor);
}

/* ---- insertion ---- */

static void insert_puts_text_at_cursor_and_moves_past_it(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc 8");
	expect_line(editor, "alloc 8", 7);
	press(editor, EDIT_LEFT, 1);
	type(editor, "12");
	expect_line(editor, "alloc 128", 8);
}

static void insert_accepts_two_three_and_four_byte_characters(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "é→😀");
	expect_line(editor, "é→😀", 2 + 3 + 4);
	assert_int_equal(lineedit_cursor_column(editor), 3);
}

static void insert_refuses_control_characters_and_leaves_line_unchanged(void **state)
{
	struct line_editor *editor = *state;
	static const char *const refused[] = {
		"\n", "\t", "\r", "\x1b[A", "\x7f", "\x01", "ab\x1b", "\xc2\x85", /* C1 NEL */
	};
	type(editor, "free a");
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		assert_false(lineedit_insert(editor, refused[i], strlen(refused[i])));
	/* An embedded NUL is a control byte too. */
	assert_false(lineedit_insert(editor, "a\0b", 3));
	expect_line(editor, "free a", 6);
}

static void insert_refuses_invalid_utf8_all_or_nothing(void **state)
{
	struct line_editor *editor = *state;
	static const char *const refused[] = {
		"\x80",             /* lone continuation byte */
		"ab\xc3",           /* character cut short: "ab" must not go in either */
		"\xc0\xaf",         /* overlong '/' */
		"\xe0\x80\xaf",     /* overlong, three bytes */
		"\xed\xa0\x80",     /* UTF-16 surrogate */
		"\xf4\x90\x80\x80", /* past U+10FFFF */
		"\xff",
		"\xe2\x86",         /* "→" without its last byte */
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		assert_false(lineedit_insert(editor, refused[i], strlen(refused[i])));
	expect_line(editor, "", 0);
}

static void insert_respects_explicit_length_of_unterminated_text(void **state)
{
	struct line_editor *editor = *state;
	assert_true(lineedit_insert(editor, "alloc 64", 5));
	expect_line(editor, "alloc", 5);
	assert_true(lineedit_insert(editor, "ignored", 0));
	expect_line(editor, "alloc", 5);
}

static void insert_never_overflows_the_line(void **state)
{
	struct line_editor *editor = *state;
	char fill[LINEEDIT_MAX];
	memset(fill, 'a', sizeof fill);

	assert_true(lineedit_insert(editor, fill, LINEEDIT_MAX - 1));
	assert_false(lineedit_insert(editor, "é", strlen("é"))); /* two bytes, one free */
	assert_int_equal(editor->len, LINEEDIT_MAX - 1);
	type(editor, "b");
	assert_int_equal(editor->len, LINEEDIT_MAX);
	assert_false(lineedit_insert(editor, "c", 1));
	assert_int_equal(editor->len, LINEEDIT_MAX);
	assert_int_equal(editor->text[LINEEDIT_MAX], '\0');
	assert_int_equal(editor->text[LINEEDIT_MAX - 1], 'b');
}

static void insert_larger_than_the_whole_line_is_refused(void **state)
{
	struct line_editor *editor = *state;
	char *big = malloc(LINEEDIT_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', LINEEDIT_MAX + 1);
	big[LINEEDIT_MAX + 1] = '\0';
	assert_false(lineedit_insert(editor, big, LINEEDIT_MAX + 1));
	assert_true(lineedit_insert(editor, big, LINEEDIT_MAX));
	assert_int_equal(editor->len, LINEEDIT_MAX);
	free(big);
}

/* ---- cursor motion ---- */

static void left_and_right_move_by_whole_characters(void **state)
{
	struct line_editor *editor = *state;
	/* Byte offsets of the boundaries in "aé→b": 0 1 3 6 7. */
	static const size_t boundary[] = { 0, 1, 3, 6, 7 };
	type(editor, "aé→b");
	for (size_t i = 5; i-- > 0;) {
		assert_int_equal(editor->cursor, boundary[i]);
		assert_int_equal(lineedit_cursor_column(editor), i);
		press(editor, EDIT_LEFT, 1);
	}
	expect_line(editor, "aé→b", 0); /* Left at the start stays there */
	for (size_t i = 1; i < 5; i++) {
		press(editor, EDIT_RIGHT, 1);
		assert_int_equal(editor->cursor, boundary[i]);
	}
	press(editor, EDIT_RIGHT, 1);
	expect_line(editor, "aé→b", 7); /* Right at the end stays there */
}

static void home_and_end_jump_to_the_ends(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "show →x");
	press(editor, EDIT_HOME, 1);
	expect_line(editor, "show →x", 0);
	assert_int_equal(lineedit_cursor_column(editor), 0);
	press(editor, EDIT_END, 1);
	expect_line(editor, "show →x", strlen("show →x"));
	assert_int_equal(lineedit_cursor_column(editor), 7);
}

static void word_left_stops_at_word_starts(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc  big   block");
	press(editor, EDIT_WORD_LEFT, 1);
	assert_int_equal(editor->cursor, 13);
	press(editor, EDIT_WORD_LEFT, 1);
	assert_int_equal(editor->cursor, 7);
	press(editor, EDIT_LEFT, 1); /* inside the spaces: back to the start of "alloc" */
	press(editor, EDIT_WORD_LEFT, 1);
	assert_int_equal(editor->cursor, 0);
	press(editor, EDIT_WORD_LEFT, 1);
	assert_int_equal(editor->cursor, 0);
}

static void word_right_stops_at_word_ends(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc  big   block ");
	press(editor, EDIT_HOME, 1);
	press(editor, EDIT_WORD_RIGHT, 1);
	assert_int_equal(editor->cursor, 5);
	press(editor, EDIT_WORD_RIGHT, 1);
	assert_int_equal(editor->cursor, 10);
	press(editor, EDIT_WORD_RIGHT, 1);
	assert_int_equal(editor->cursor, 18);
	press(editor, EDIT_WORD_RIGHT, 1);
	assert_int_equal(editor->cursor, 19);
}

static void word_motions_treat_multibyte_letters_as_part_of_words(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "free é→ü x");
	press(editor, EDIT_WORD_LEFT, 2);
	assert_int_equal(editor->cursor, 5);
	assert_int_equal(lineedit_cursor_column(editor), 5);
	press(editor, EDIT_WORD_RIGHT, 1);
	assert_int_equal(editor->cursor, strlen("free é→ü"));
	assert_int_equal(lineedit_cursor_column(editor), 8);
}

/* ---- deletion ---- */

static void backspace_removes_the_whole_character_before_the_cursor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "a→é");
	press(editor, EDIT_BACKSPACE, 1);
	expect_line(editor, "a→", 4);
	press(editor, EDIT_BACKSPACE, 1);
	expect_line(editor, "a", 1);
	press(editor, EDIT_BACKSPACE, 2); /* the second one, at the start, does nothing */
	expect_line(editor, "", 0);
}

static void backspace_in_the_middle_keeps_the_tail(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "x→y");
	press(editor, EDIT_LEFT, 1);
	press(editor, EDIT_BACKSPACE, 1);
	expect_line(editor, "xy", 1);
}

static void delete_removes_the_whole_character_under_the_cursor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "é→z");
	press(editor, EDIT_HOME, 1);
	press(editor, EDIT_DELETE, 1);
	expect_line(editor, "→z", 0);
	press(editor, EDIT_DELETE, 1);
	expect_line(editor, "z", 0);
	press(editor, EDIT_END, 1);
	press(editor, EDIT_DELETE, 1); /* at the end: nothing to delete */
	expect_line(editor, "z", 1);
}

static void kill_line_deletes_from_start_to_cursor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc 10 →x");
	press(editor, EDIT_HOME, 1);
	press(editor, EDIT_WORD_RIGHT, 1);
	press(editor, EDIT_RIGHT, 1);
	press(editor, EDIT_KILL_LINE, 1);
	expect_line(editor, "10 →x", 0);
	press(editor, EDIT_KILL_LINE, 1); /* at the start: nothing before the cursor */
	expect_line(editor, "10 →x", 0);
	press(editor, EDIT_END, 1);
	press(editor, EDIT_KILL_LINE, 1);
	expect_line(editor, "", 0);
}

static void kill_word_deletes_the_word_before_the_cursor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc 10");
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "alloc ", 6);
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "", 0);
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "", 0);
}

static void kill_word_on_trailing_spaces_takes_them_and_the_word(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "free big   ");
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "free ", 5);
}

static void kill_word_on_a_line_of_spaces_empties_it(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "    ");
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "", 0);
}

static void kill_word_inside_a_word_keeps_the_part_after_the_cursor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc 1024 →é");
	press(editor, EDIT_WORD_LEFT, 1);
	press(editor, EDIT_LEFT, 1);
	press(editor, EDIT_LEFT, 2); /* inside "1024", after "10" */
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "alloc 24 →é", 6);
	press(editor, EDIT_END, 1);
	press(editor, EDIT_KILL_WORD, 1);
	expect_line(editor, "alloc 24 ", 9);
}

/* ---- set and clear ---- */

static void set_replaces_the_line_with_cursor_at_end(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "old");
	press(editor, EDIT_HOME, 1);
	lineedit_set(editor, "policy →best");
	expect_line(editor, "policy →best", strlen("policy →best"));
	assert_int_equal(lineedit_cursor_column(editor), 12);
}

static void set_cleans_text_from_outside(void **state)
{
	struct line_editor *editor = *state;
	lineedit_set(editor, "alloc\t8\x1b\xff\n");
	expect_line(editor, "alloc 8", 7);
}

static void set_cuts_long_text_at_a_character_boundary(void **state)
{
	struct line_editor *editor = *state;
	char *long_text = malloc(LINEEDIT_MAX + 8);
	assert_non_null(long_text);
	memset(long_text, 'a', LINEEDIT_MAX - 1);
	strcpy(long_text + LINEEDIT_MAX - 1, "é tail"); /* "é" would straddle the limit */
	lineedit_set(editor, long_text);
	assert_int_equal(editor->len, LINEEDIT_MAX - 1);
	assert_int_equal(editor->cursor, LINEEDIT_MAX - 1);
	assert_int_equal(editor->text[LINEEDIT_MAX - 2], 'a');
	assert_int_equal(editor->text[LINEEDIT_MAX - 1], '\0');
	free(long_text);
}

static void clear_empties_the_line(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "stats");
	lineedit_clear(editor);
	expect_line(editor, "", 0);
	type(editor, "x");
	expect_line(editor, "x", 1);
}

static void release_leaves_a_usable_empty_editor(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc 4");
	lineedit_remember(editor, "alloc 4");
	lineedit_release(editor);
	expect_line(editor, "", 0);
	assert_int_equal(editor->history_count, 0);
	assert_null(editor->saved);
	lineedit_remember(editor, "free a");
	assert_int_equal(editor->history_count, 1);
	/* teardown releases once more: that must be safe too */
}

/* ---- history ---- */

static void remember_three(struct line_editor *editor)
{
	lineedit_remember(editor, "alloc 8");
	lineedit_remember(editor, "alloc 16");
	lineedit_remember(editor, "free a");
}

static void history_up_with_no_history_keeps_the_line(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "typed");
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "typed", 5);
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "typed", 5);
	assert_null(editor->saved);
}

static void history_up_from_new_line_saves_it_and_shows_newest(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	type(editor, "half");
	press(editor, EDIT_HOME, 1);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "free a", 6);
	assert_int_equal(editor->history_pos, 2);
	assert_non_null(editor->saved);
	assert_string_equal(editor->saved, "half");
}

static void history_up_walks_back_and_stops_at_oldest(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "free a", 6);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "alloc 16", 8);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "alloc 8", 7);
	press(editor, EDIT_HISTORY_PREV, 3);
	expect_line(editor, "alloc 8", 7);
	assert_int_equal(editor->history_pos, 0);
}

static void history_down_past_newest_restores_the_new_line(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	type(editor, "al→");
	press(editor, EDIT_HISTORY_PREV, 2);
	expect_line(editor, "alloc 16", 8);
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "free a", 6);
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "al→", strlen("al→"));
	assert_int_equal(editor->history_pos, 3);
	assert_null(editor->saved);
	press(editor, EDIT_HISTORY_NEXT, 1); /* already on the new line */
	expect_line(editor, "al→", strlen("al→"));
}

static void history_down_restores_an_empty_new_line(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	press(editor, EDIT_HISTORY_PREV, 1);
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "", 0);
}

static void history_edits_to_a_recalled_entry_are_dropped_when_moving_on(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	type(editor, "new");
	press(editor, EDIT_HISTORY_PREV, 1);
	type(editor, "b");
	expect_line(editor, "free ab", 7);
	press(editor, EDIT_HISTORY_PREV, 1);
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "free a", 6);           /* the entry itself is unchanged */
	assert_string_equal(editor->history[2], "free a");
	press(editor, EDIT_HISTORY_NEXT, 1);
	expect_line(editor, "new", 3);              /* and the new line survived the trip */
}

static void remember_skips_blank_lines_and_immediate_repeats(void **state)
{
	struct line_editor *editor = *state;
	lineedit_remember(editor, "");
	lineedit_remember(editor, "   ");
	lineedit_remember(editor, "\t\n");
	assert_int_equal(editor->history_count, 0);
	lineedit_remember(editor, "stats");
	lineedit_remember(editor, "stats");
	assert_int_equal(editor->history_count, 1);
	lineedit_remember(editor, "undo");
	lineedit_remember(editor, "stats"); /* a repeat, but not of the last entry */
	assert_int_equal(editor->history_count, 3);
	assert_string_equal(editor->history[0], "stats");
	assert_string_equal(editor->history[1], "undo");
	assert_string_equal(editor->history[2], "stats");
}

static void remember_stores_the_cleaned_line(void **state)
{
	struct line_editor *editor = *state;
	lineedit_remember(editor, "alloc 8\n");
	lineedit_remember(editor, "alloc 8"); /* the same once cleaned, so a repeat */
	assert_int_equal(editor->history_count, 1);
	assert_string_equal(editor->history[0], "alloc 8");
}

static void remember_resets_browsing_to_a_new_line(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	type(editor, "draft");
	press(editor, EDIT_HISTORY_PREV, 3);
	assert_int_equal(editor->history_pos, 0);
	lineedit_remember(editor, editor->text); /* run "alloc 8" again from history */
	lineedit_clear(editor);
	assert_int_equal(editor->history_count, 4);
	assert_int_equal(editor->history_pos, 4);
	assert_null(editor->saved);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "alloc 8", 7);
}

static void remember_of_a_skipped_line_still_resets_browsing(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	press(editor, EDIT_HISTORY_PREV, 1);
	lineedit_remember(editor, editor->text); /* "free a" repeats the last entry */
	assert_int_equal(editor->history_count, 3);
	assert_int_equal(editor->history_pos, 3);
	assert_null(editor->saved);
}

static void clear_while_browsing_returns_to_a_new_line(void **state)
{
	struct line_editor *editor = *state;
	remember_three(editor);
	type(editor, "draft");
	press(editor, EDIT_HISTORY_PREV, 2);
	lineedit_clear(editor); /* Esc: abandon the command */
	assert_int_equal(editor->history_pos, 3);
	assert_null(editor->saved);
	press(editor, EDIT_HISTORY_PREV, 1);
	expect_line(editor, "free a", 6);
}

static void history_keeps_only_the_newest_entries(void **state)
{
	struct line_editor *editor = *state;
	char line[32];
	for (int i = 0; i < LINEEDIT_HISTORY + 2; i++) {
		snprintf(line, sizeof line, "alloc %d", i);
		lineedit_remember(editor, line);
	}
	assert_int_equal(editor->history_count, LINEEDIT_HISTORY);
	assert_int_equal(editor->history_pos, LINEEDIT_HISTORY);
	assert_string_equal(editor->history[0], "alloc 2");
	snprintf(line, sizeof line, "alloc %d", LINEEDIT_HISTORY + 1);
	assert_string_equal(editor->history[LINEEDIT_HISTORY - 1], line);
	press(editor, EDIT_HISTORY_PREV, LINEEDIT_HISTORY + 5);
	expect_line(editor, "alloc 2", 7);
}

/* ---- current word ---- */

static void current_word_of_an_empty_line_is_the_empty_command(void **state)
{
	struct line_editor *editor = *state;
	const char *start = NULL;
	size_t len = 99;
	assert_int_equal(lineedit_current_word(editor, &start, &len), 0);
	assert_ptr_equal(start, editor->text);
	assert_int_equal(len, 0);
}

static void current_word_counts_words_and_spans_to_the_cursor(void **state)
{
	struct line_editor *editor = *state;
	const char *start;
	size_t len;

	type(editor, "  poli");
	assert_int_equal(lineedit_current_word(editor, &start, &len), 0);
	assert_ptr_equal(start, editor->text + 2);
	assert_int_equal(len, 4);

	type(editor, "cy ");
	assert_int_equal(lineedit_current_word(editor, &start, &len), 1);
	assert_ptr_equal(start, editor->text + editor->len);
	assert_int_equal(len, 0);

	type(editor, "best  fi");
	assert_int_equal(lineedit_current_word(editor, &start, &len), 2);
	assert_int_equal(len, 2);
	assert_memory_equal(start, "fi", 2);

	press(editor, EDIT_HOME, 1);
	press(editor, EDIT_RIGHT, 4); /* after "  po" */
	assert_int_equal(lineedit_current_word(editor, &start, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(start, "po", 2);
	assert_int_equal(lineedit_current_word(editor, NULL, NULL), 0);
}

/* ---- completion ---- */

static const char *const commands[] = { "alloc", "free", "freeze", "fill", "policy" };
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void complete_with_no_match_changes_nothing(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "zap");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 0);
	expect_line(editor, "zap", 3);
	assert_int_equal(lineedit_complete(editor, commands, 0), 0);
	expect_line(editor, "zap", 3);
}

static void complete_with_one_match_finishes_the_word_and_adds_a_space(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "al");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 1);
	expect_line(editor, "alloc ", 6);
}

static void complete_of_a_finished_word_just_adds_the_space(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "policy");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 1);
	expect_line(editor, "policy ", 7);
}

static void complete_with_many_matches_extends_to_their_common_prefix(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "fr");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 2);
	expect_line(editor, "free", 4); /* no space: "freeze" is still possible */
}

static void complete_with_many_matches_and_no_longer_prefix_leaves_the_word(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "f");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 3);
	expect_line(editor, "f", 1);
}

static void complete_an_empty_word_counts_every_candidate(void **state)
{
	struct line_editor *editor = *state;
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), COMMAND_COUNT);
	expect_line(editor, "", 0);
}

static void complete_matches_case_sensitively(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "AL");
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 0);
	expect_line(editor, "AL", 2);
}

static void complete_works_on_the_word_after_the_command(void **state)
{
	static const char *const policies[] = { "first-fit", "best-fit", "fifo", "worst-fit" };
	struct line_editor *editor = *state;
	type(editor, "policy f");
	assert_int_equal(lineedit_complete(editor, policies, 4), 2);
	expect_line(editor, "policy fi", 9);
	type(editor, "r");
	assert_int_equal(lineedit_complete(editor, policies, 4), 1);
	expect_line(editor, "policy first-fit ", 17);
}

static void complete_in_mid_line_steps_over_an_existing_space(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "al 8");
	press(editor, EDIT_WORD_LEFT, 1);
	press(editor, EDIT_LEFT, 1); /* right after "al" */
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 1);
	expect_line(editor, "alloc 8", 6);
}

static void complete_cuts_the_common_prefix_to_a_whole_character(void **state)
{
	static const char *const names[] = { "café", "cafè" };
	struct line_editor *editor = *state;
	type(editor, "c");
	/* Both start "caf\xc3": the shared lead byte alone must not be inserted. */
	assert_int_equal(lineedit_complete(editor, names, 2), 2);
	expect_line(editor, "caf", 3);
	type(editor, "é");
	assert_int_equal(lineedit_complete(editor, names, 2), 1);
	expect_line(editor, "café ", strlen("café "));
	assert_int_equal(lineedit_cursor_column(editor), 5);
}

static void complete_skips_null_candidates(void **state)
{
	static const char *const names[] = { NULL, "block", NULL };
	struct line_editor *editor = *state;
	type(editor, "free b");
	assert_int_equal(lineedit_complete(editor, names, 3), 1);
	expect_line(editor, "free block ", 11);
}

static void complete_that_does_not_fit_leaves_the_line(void **state)
{
	struct line_editor *editor = *state;
	char fill[LINEEDIT_MAX];
	memset(fill, 'x', sizeof fill);
	assert_true(lineedit_insert(editor, fill, LINEEDIT_MAX - 4));
	type(editor, " al");
	assert_int_equal(editor->len, LINEEDIT_MAX - 1);
	assert_int_equal(lineedit_complete(editor, commands, COMMAND_COUNT), 1);
	assert_int_equal(editor->len, LINEEDIT_MAX - 1);
	assert_int_equal(editor->cursor, LINEEDIT_MAX - 1);
	assert_memory_equal(editor->text + LINEEDIT_MAX - 4, " al", 4);
}

/* --- pasting ---------------------------------------------------------------- */

/* Paste text in pieces of `piece` bytes, as the terminal layer hands them over. */
static struct line_paste *paste_in_pieces(struct line_editor *editor, const char *text, size_t len, size_t piece)
{
	struct line_paste *paste = malloc(sizeof *paste);

	assert_non_null(paste);
	lineedit_paste_begin(editor, paste);
	for (size_t at = 0; at < len; at += piece)
		lineedit_paste_add(paste, text + at, len - at < piece ? len - at : piece);
	lineedit_paste_end(editor, paste);
	return paste;
}

static void paste_goes_in_at_the_cursor_as_one_edit(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "alloc  as x");
	press(editor, EDIT_LEFT, 5);
	struct line_paste *paste = paste_in_pieces(editor, "100", 3, 1);
	assert_string_equal(editor->text, "alloc 100 as x");
	assert_int_equal(editor->cursor, 9);
	assert_int_equal(paste->pasted, 3);
	assert_int_equal(paste->len, 3);
	assert_int_equal(paste->dropped + paste->controls + paste->breaks, 0);
	free(paste);
}

static void paste_of_a_megabyte_keeps_the_first_bytes_and_counts_the_rest(void **state)
{
	struct line_editor *editor = *state;
	size_t size = 1024 * 1024;
	char *big = malloc(size);
	assert_non_null(big);
	memset(big, 'x', size);
	big[0] = 'a';
	struct line_paste *paste = paste_in_pieces(editor, big, size, 128);
	assert_int_equal(editor->len, LINEEDIT_MAX);
	assert_int_equal(editor->text[0], 'a');
	assert_int_equal(paste->pasted, size);
	assert_int_equal(paste->len, LINEEDIT_MAX);
	assert_int_equal(paste->dropped, size - LINEEDIT_MAX);  /* 1,047,552: what the bar says */
	free(paste);
	free(big);
}

static void paste_into_a_partly_full_line_gets_only_the_room_left(void **state)
{
	struct line_editor *editor = *state;
	type(editor, "note ");
	char text[LINEEDIT_MAX];
	memset(text, 'y', sizeof text);
	struct line_paste *paste = paste_in_pieces(editor, text, sizeof text, 100);
	assert_int_equal(editor->len, LINEEDIT_MAX);
	assert_memory_equal(editor->text, "note y", 6);
	assert_int_equal(paste->len, LINEEDIT_MAX - 5);
	assert_int_equal(paste->dropped, 5);
	free(paste);
}

static void paste_line_breaks_become_spaces_and_crlf_is_one(void **state)
{
	struct line_editor *editor = *state;
	const char *text = "alloc 1\r\nalloc 2\nalloc 3\ralloc\t4";
	/* In pieces of one byte, so the CR and the LF of a CR LF arrive apart. */
	struct line_paste *paste = paste_in_pieces(editor, text, strlen(text), 1);
	assert_string_equal(editor->text, "alloc 1 alloc 2 alloc 3 alloc 4");
	assert_int_equal(paste->breaks, 3);
	assert_int_equal(paste->controls, 0);
	free(paste);
}

static void paste_drops_and_counts_control_bytes_and_invalid_utf8(void **state)
{
	struct line_editor *editor = *state;
	const char text[] = "a\x1b]0;t\x07" "b\xff\xc2\x9b" "c";
	struct line_paste *paste = paste_in_pieces(editor, text, sizeof text - 1, 4);
	assert_string_equal(editor->text, "a]0;tbc");
	assert_int_equal(paste->controls, 5);  /* ESC, BEL, 0xff and the two bytes of U+009B (C1) */
	assert_int_equal(paste->dropped, 0);
	free(paste);
}

static void paste_never_splices_after_a_character_that_did_not_fit(void **state)
{
	struct line_editor *editor = *state;
	char fill[LINEEDIT_MAX - 1];
	memset(fill, 'f', sizeof fill);
	assert_true(lineedit_insert(editor, fill, sizeof fill));
	/* One byte of room: "é" (2 bytes) does not fit, so the "z" after it is dropped too. */
	struct line_paste *paste = paste_in_pieces(editor, "\xc3\xa9z", 3, 3);
	assert_int_equal(editor->len, LINEEDIT_MAX - 1);
	assert_int_equal(paste->len, 0);
	assert_int_equal(paste->dropped, 3);
	free(paste);
}

static void paste_skip_counts_keys_that_are_not_text(void **state)
{
	struct line_editor *editor = *state;
	struct line_paste paste;
	lineedit_paste_begin(editor, &paste);
	lineedit_paste_add(&paste, "ab", 2);
	lineedit_paste_skip(&paste, 2);
	lineedit_paste_end(editor, &paste);
	assert_string_equal(editor->text, "ab");
	assert_int_equal(paste.controls, 2);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(insert_puts_text_at_cursor_and_moves_past_it),
		TEST(insert_accepts_two_three_and_four_byte_characters),
		TEST(insert_refuses_control_characters_and_leaves_line_unchanged),
		TEST(insert_refuses_invalid_utf8_all_or_nothing),
		TEST(insert_respects_explicit_length_of_unterminated_text),
		TEST(insert_never_overflows_the_line),
		TEST(insert_larger_than_the_whole_line_is_refused),
		TEST(left_and_right_move_by_whole_characters),
		TEST(home_and_end_jump_to_the_ends),
		TEST(word_left_stops_at_word_starts),
		TEST(word_right_stops_at_word_ends),
		TEST(word_motions_treat_multibyte_letters_as_part_of_words),
		TEST(backspace_removes_the_whole_character_before_the_cursor),
		TEST(backspace_in_the_middle_keeps_the_tail),
		TEST(delete_removes_the_whole_character_under_the_cursor),
		TEST(kill_line_deletes_from_start_to_cursor),
		TEST(kill_word_deletes_the_word_before_the_cursor),
		TEST(kill_word_on_trailing_spaces_takes_them_and_the_word),
		TEST(kill_word_on_a_line_of_spaces_empties_it),
		TEST(kill_word_inside_a_word_keeps_the_part_after_the_cursor),
		TEST(set_replaces_the_line_with_cursor_at_end),
		TEST(set_cleans_text_from_outside),
		TEST(set_cuts_long_text_at_a_character_boundary),
		TEST(clear_empties_the_line),
		TEST(release_leaves_a_usable_empty_editor),
		TEST(history_up_with_no_history_keeps_the_line),
		TEST(history_up_from_new_line_saves_it_and_shows_newest),
		TEST(history_up_walks_back_and_stops_at_oldest),
		TEST(history_down_past_newest_restores_the_new_line),
		TEST(history_down_restores_an_empty_new_line),
		TEST(history_edits_to_a_recalled_entry_are_dropped_when_moving_on),
		TEST(remember_skips_blank_lines_and_immediate_repeats),
		TEST(remember_stores_the_cleaned_line),
		TEST(remember_resets_browsing_to_a_new_line),
		TEST(remember_of_a_skipped_line_still_resets_browsing),
		TEST(clear_while_browsing_returns_to_a_new_line),
		TEST(history_keeps_only_the_newest_entries),
		TEST(current_word_of_an_empty_line_is_the_empty_command),
		TEST(current_word_counts_words_and_spans_to_the_cursor),
		TEST(complete_with_no_match_changes_nothing),
		TEST(complete_with_one_match_finishes_the_word_and_adds_a_space),
		TEST(complete_of_a_finished_word_just_adds_the_space),
		TEST(complete_with_many_matches_extends_to_their_common_prefix),
		TEST(complete_with_many_matches_and_no_longer_prefix_leaves_the_word),
		TEST(complete_an_empty_word_counts_every_candidate),
		TEST(complete_matches_case_sensitively),
		TEST(complete_works_on_the_word_after_the_command),
		TEST(complete_in_mid_line_steps_over_an_existing_space),
		TEST(complete_cuts_the_common_prefix_to_a_whole_character),
		TEST(complete_skips_null_candidates),
		TEST(complete_that_does_not_fit_leaves_the_line),
		TEST(paste_goes_in_at_the_cursor_as_one_edit),
		TEST(paste_of_a_megabyte_keeps_the_first_bytes_and_counts_the_rest),
		TEST(paste_into_a_partly_full_line_gets_only_the_room_left),
		TEST(paste_line_breaks_become_spaces_and_crlf_is_one),
		TEST(paste_drops_and_counts_control_bytes_and_invalid_utf8),
		TEST(paste_never_splices_after_a_character_that_did_not_fit),
		TEST(paste_skip_counts_keys_that_are_not_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

