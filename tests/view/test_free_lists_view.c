/* test_free_lists_view.c - the free-list view on the logical screen: walk order, the cursor's block marked in view and grid, compare lanes, small terminals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "free_lists.h"
#include "view.h"

static void run_all(struct session *session, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++) {
		struct session_report report;

		memset(&report, 0, sizeof report);
		session_run_line(session, lines[i], &report);
		if (!report.ok)
			fail_msg("line '%s' rejected: %s", lines[i], report.error.message);
		session_report_release(&report);
	}
}

static struct session *session_with(enum heap_policy policy, const char *const *lines)
{
	struct heap_config config = { 1024, policy, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *session = session_create(&config, &status);

	assert_non_null(session);
	run_all(session, lines);
	return session;
}

struct frame {
	struct screen screen;
	struct view_state state;
};

static void frame_open(struct frame *frame, int width, int height)
{
	memset(frame, 0, sizeof *frame);
	assert_true(screen_resize(&frame->screen, width, height));
	frame->state.input = (struct view_input){ "", 0, 0 };
	frame->state.show_free_lists = true;
	frame->state.focus = FOCUS_GRID;
}

static const char *row_text(const struct frame *frame, int row)
{
	static char buffer[8192];

	screen_row_text(&frame->screen, row, buffer, sizeof buffer);
	return buffer;
}

static int find_row(const struct frame *frame, const char *needle)
{
	for (int row = 0; row < frame->screen.height; row++)
		if (strstr(row_text(frame, row), needle))
			return row;
	return -1;
}

static void dump(const struct frame *frame)
{
	for (int row = 0; row < frame->screen.height; row++)
		print_message("|%s|\n", row_text(frame, row));
}

/* The column of needle's first byte on row, counted in cells (the text before it is ASCII or box drawing). */
static int column_of(const struct frame *frame, int row, const char *needle)
{
	const char *text = row_text(frame, row), *at = strstr(text, needle);

	assert_non_null(at);
	return (int)screen_text_width(text, (size_t)(at - text));
}

static const char *const seglist_lines[] = { "alloc 20 as a", "alloc 20 as b", "alloc 20 as c", "alloc 20 as d",
					     "free a",        "free c",        NULL };

/* seglist: class 32-63 B lists c (freed last) before a; the cursor's block is marked in the view and in the grid. */
static void the_view_lists_the_walk_and_marks_the_cursors_block(void **state)
{
	(void)state;
	struct session *session = session_with(POLICY_SEGLIST, seglist_lines);
	struct frame frame;

	frame_open(&frame, 80, 24);
	frame.state.cursor = 0x40;
	frame.state.has_selection = true;
	view_render(&frame.screen, session, &frame.state);
	int heading = find_row(&frame, "free lists"), list = find_row(&frame, "class 32-63 B");
	int first = find_row(&frame, "▸ 0x040"), second = find_row(&frame, "  0x000     32 B");
	if (heading < 0 || list != heading + 1 || first != list + 1 || second != first + 1) {
		dump(&frame);
		fail_msg("rows: heading %d list %d first %d second %d", heading, list, first, second);
	}
	/* The marked entry is drawn selected; the other is not. */
	int column = column_of(&frame, first, "0x040");
	assert_int_equal(screen_cell_const(&frame.screen, first, column)->role, ROLE_SELECTED);
	assert_int_equal(screen_cell_const(&frame.screen, second, column_of(&frame, second, "0x000"))->role, ROLE_VALUE);
	/* The panel's statistics give way to the view. */
	assert_int_equal(find_row(&frame, "utilization"), -1);
	/* The grid marks the same block: the cell of 0x040 (row 0x040 at 2 B a cell). */
	int grid_row = find_row(&frame, "0x040 ");
	assert_true(grid_row > 0);
	int cell = column_of(&frame, grid_row, "0x040 ") + 7; /* 0x042: the cursor cell itself is drawn as the cursor */
	assert_int_equal(screen_cell_const(&frame.screen, grid_row, cell)->role, ROLE_SELECTED);
	screen_release(&frame.screen);
	session_destroy(session);
}

/* n / p follow the walk: c, then a, then round to c; p goes back. From a used block: the first / last. */
static void stepping_follows_the_walk_order(void **state)
{
	(void)state;
	struct session *session = session_with(POLICY_SEGLIST, seglist_lines);
	const struct heap *heap = session_heap(session);
	size_t at;

	assert_true(view_free_lists_step(heap, 0x20, true, &at)); /* b is used: the first listed */
	assert_int_equal(at, 0x40);
	assert_true(view_free_lists_step(heap, at, true, &at));
	assert_int_equal(at, 0x00);
	assert_true(view_free_lists_step(heap, at + 5, true, &at)); /* inside a's block counts as a */
	assert_int_equal(at, 0x40);
	assert_true(view_free_lists_step(heap, at, false, &at));
	assert_int_equal(at, 0x00);
	assert_true(view_free_lists_step(heap, 0x20, false, &at));
	assert_int_equal(at, 0x00);
	session_destroy(session);

	/* Nothing free below the break: nothing to step to. */
	static const char *const none[] = { "alloc 20 as a", NULL };
	session = session_with(POLICY_FIRST_FIT, none);
	assert_false(view_free_lists_step(session_heap(session), 0, true, &at));
	session_destroy(session);
}

/* Compare mode: the view is of the lane under the cursor. */
static void in_compare_mode_the_view_is_the_cursors_lane(void **state)
{
	(void)state;
	struct heap_config config = { 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_TLSF };
	enum heap_status status;
	struct session *session = session_create_lanes(&config, policies, 2, &status);
	struct frame frame;

	assert_non_null(session);
	run_all(session, seglist_lines);
	frame_open(&frame, 80, 24);
	frame.state.lane = 0;
	frame.state.cursor = 0;
	view_render(&frame.screen, session, &frame.state);
	if (find_row(&frame, "address order") < 0 || find_row(&frame, "▸ 0x000") < 0) {
		dump(&frame);
		fail_msg("lane 0 (first fit) should show its address-ordered list, 0x000 marked");
	}
	frame.state.lane = 1;
	view_render(&frame.screen, session, &frame.state);
	if (find_row(&frame, "FL bitmap") < 0 || find_row(&frame, "SL 5 bitmap") < 0 || find_row(&frame, "(5,0) 32-33 B") < 0) {
		dump(&frame);
		fail_msg("lane 1 (tlsf) should show its bitmaps and list (5,0)");
	}
	screen_release(&frame.screen);
	session_destroy(session);
}

/* Many free blocks: at 80x24 down to 40x12 the selected entry and its list's heading show, and no line is cut. */
static void small_terminals_keep_the_selected_entry_and_whole_lines(void **state)
{
	(void)state;
	struct session *session = session_with(POLICY_FIRST_FIT, (const char *const[]){ NULL });
	char line[64];

	/* 30 blocks of 24 B, every other one freed: 15 free blocks at 0x000, 0x030, ... 0x2a0. */
	for (int i = 0; i < 30; i++) {
		snprintf(line, sizeof line, "alloc 8 as b%d", i);
		run_all(session, (const char *const[]){ line, NULL });
	}
	for (int i = 0; i < 30; i += 2) {
		snprintf(line, sizeof line, "free b%d", i);
		run_all(session, (const char *const[]){ line, NULL });
	}
	static const int sizes[][2] = { { 80, 24 }, { 60, 16 }, { 40, 12 }, { 45, 14 } };
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		struct frame frame;

		frame_open(&frame, sizes[s][0], sizes[s][1]);
		frame.state.cursor = 0x2a0;
		frame.state.has_selection = true;
		view_render(&frame.screen, session, &frame.state);
		int heading = find_row(&frame, "free lists"), marked = find_row(&frame, " 0x2a0     24 B");
		if (heading < 0 || marked < 0 || find_row(&frame, "address order") < 0) {
			dump(&frame);
			fail_msg("%dx%d: heading %d, marked entry %d", sizes[s][0], sizes[s][1], heading, marked);
		}
		assert_int_equal(screen_cell_const(&frame.screen, marked, column_of(&frame, marked, "0x2a0"))->role, ROLE_SELECTED);
		/* Every entry line shows a whole address and a whole size. */
		for (int row = heading + 1; row < frame.screen.height; row++) {
			const char *text = row_text(&frame, row), *at = strstr(text, " 0x");
			if (at == NULL || strstr(text, "free lists") || row >= heading + 20)
				continue;
			unsigned address, size;
			char unit[4];
			if (sscanf(at, " 0x%3x %u %3s", &address, &size, unit) == 3 && strcmp(unit, "B") != 0) {
				dump(&frame);
				fail_msg("%dx%d: row %d has a cut entry", sizes[s][0], sizes[s][1], row);
			}
		}
		screen_release(&frame.screen);
	}
	session_destroy(session);
}

/* The hex view labels a free block's link words: 'n' (next) and 'p' (prev) in the ASCII column, with a key line. */
static void the_hex_view_labels_link_words(void **state)
{
	(void)state;
	struct session *session = session_with(POLICY_SEGLIST, seglist_lines);
	struct frame frame;

	frame_open(&frame, 80, 24);
	frame.state.show_free_lists = false;
	frame.state.show_hex = true;
	frame.state.cursor = 0x3ff;
	view_render(&frame.screen, session, &frame.state);
	/* 8 bytes a row here. c's block at 0x040: header 8 bytes, then next = 0x000 (a) and prev = none (ff ff ff ff). */
	int row = find_row(&frame, "0x048 ");
	if (row < 0 || !strstr(row_text(&frame, row), "00 00 00 00 ff ff ff ff nnnnpppp") ||
	    !strstr(row_text(&frame, find_row(&frame, "0x008 ")), "ff ff ff ff 40 00 00 00 nnnnpppp") ||
	    find_row(&frame, "n p: next / prev link") < 0) {
		dump(&frame);
		fail_msg("the link words of 0x040 are not labelled");
	}
	/* A used block's bytes are never labelled as links: b at 0x020. */
	for (int r = find_row(&frame, "0x020 "); r >= 0 && r <= find_row(&frame, "0x038 "); r++)
		assert_null(strstr(row_text(&frame, r), "nnnn"));
	screen_release(&frame.screen);
	session_destroy(session);

	/* first fit keeps no links in the heap: no labels, no key line. */
	session = session_with(POLICY_FIRST_FIT, seglist_lines);
	frame_open(&frame, 80, 24);
	frame.state.show_free_lists = false;
	frame.state.show_hex = true;
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(find_row(&frame, "n p:"), -1);
	assert_int_equal(find_row(&frame, "nnnn"), -1);
	screen_release(&frame.screen);
	session_destroy(session);
}

/* A walk longer than the lines the view keeps: the marked entry still shows, under its list's heading. */
static void a_long_walk_still_shows_the_marked_entry(void **state)
{
	(void)state;
	struct heap_config config = { 16384, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *session = session_create(&config, &status);
	struct frame frame;
	char line[64];

	assert_non_null(session);
	/* 600 blocks of 24 B, every other one freed: 300 free blocks, the last at 598 * 24 = 0x3810. */
	for (int i = 0; i < 600; i++) {
		snprintf(line, sizeof line, "alloc 8 as b%d", i);
		run_all(session, (const char *const[]){ line, NULL });
	}
	for (int i = 0; i < 600; i += 2) {
		snprintf(line, sizeof line, "free b%d", i);
		run_all(session, (const char *const[]){ line, NULL });
	}
	frame_open(&frame, 80, 24);
	frame.state.cursor = 0x3810;
	view_render(&frame.screen, session, &frame.state);
	int marked = find_row(&frame, "▸ 0x3810"), heading = find_row(&frame, "address order");
	if (marked < 0 || heading < 0 || heading >= marked) {
		dump(&frame);
		fail_msg("marked %d heading %d", marked, heading);
	}
	screen_release(&frame.screen);
	session_destroy(session);
}

/* A fresh seglist heap has nothing free below the break: the view says so rather than showing an empty frame. */
static void an_empty_walk_says_no_free_blocks(void **state)
{
	(void)state;
	struct session *session = session_with(POLICY_SEGLIST, (const char *const[]){ "alloc 20 as a", NULL });
	struct frame frame;

	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "free lists") >= 0);
	assert_true(find_row(&frame, "no free blocks") >= 0);
	assert_int_equal(find_row(&frame, "not described"), -1);
	screen_release(&frame.screen);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_view_lists_the_walk_and_marks_the_cursors_block),
		cmocka_unit_test(stepping_follows_the_walk_order),
		cmocka_unit_test(in_compare_mode_the_view_is_the_cursors_lane),
		cmocka_unit_test(small_terminals_keep_the_selected_entry_and_whole_lines),
		cmocka_unit_test(the_hex_view_labels_link_words),
		cmocka_unit_test(a_long_walk_still_shows_the_marked_entry),
		cmocka_unit_test(an_empty_walk_says_no_free_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
