/* test_compare_hit.c - a click in the compare layout: which lane's grid cell, at which heap address, as drawn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "screen.h"
#include "view.h"

static struct session *compare_of(const char *list, size_t size)
{
	struct compare_policies policies;
	char error[200];
	if (!compare_parse_policies(list, &policies, error, sizeof error))
		fail_msg("%s: %s", list, error);
	struct heap_config config = { size, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *compare = compare_create(&config, &policies, &status);
	assert_non_null(compare);
	struct session_report report;
	session_run_line(compare, "alloc 100 as a", &report);
	assert_true(report.ok);
	session_report_release(&report);
	return compare;
}

/*
 * Every screen cell: a hit must be a cell of a grid row whose drawn address
 * label plus the column's offset is the address reported, lanes top to
 * bottom, and every cell of every lane's heap must be hit exactly once.
 */
static void check_hits(const char *list, size_t size, int width, int height)
{
	struct session *compare = compare_of(list, size);
	struct screen screen = { 0 };
	assert_true(screen_resize(&screen, width, height));
	struct view_state state;
	memset(&state, 0, sizeof state);
	state.focus = FOCUS_BAR;
	view_render(&screen, compare, &state);
	struct grid_geometry geometry = view_compare_grid_geometry(compare, width, height);
	size_t lanes = session_lane_count(compare);
	size_t cells = (size + geometry.bytes_per_cell - 1) / geometry.bytes_per_cell;
	size_t hits[8] = { 0 }, last_lane = 0;
	char text[4096];
	for (int row = 0; row < height; row++) {
		screen_row_text(&screen, row, text, sizeof text);
		for (int column = 0; column < width; column++) {
			size_t lane = 99, address = 0;
			if (!view_compare_grid_hit(compare, width, height, row, column, &lane, &address))
				continue;
			assert_true(lane < lanes);
			assert_true(lane >= last_lane);
			last_lane = lane;
			size_t label = 0;
			const char *mark = strstr(text, "0x");   /* after the margin (next fit's rover mark may be there) */
			if (!mark || sscanf(mark, "0x%zx", &label) != 1)
				fail_msg("row %d has a hit but no address label: %s", row, text);
			assert_int_equal(address, label + (size_t)(column - geometry.label_width) * geometry.bytes_per_cell);
			hits[lane]++;
		}
	}
	for (size_t i = 0; i < lanes; i++)
		assert_int_equal(hits[i], cells);
	/* The title and the command bar are not cells. */
	size_t lane, address;
	assert_false(view_compare_grid_hit(compare, width, height, 0, geometry.label_width, &lane, &address));
	assert_false(view_compare_grid_hit(compare, width, height, height - 2, geometry.label_width, &lane, &address));
	screen_release(&screen);
	session_destroy(compare);
}

static void a_click_finds_the_lane_and_address_drawn_there(void **unused)
{
	(void)unused;
	check_hits("first,best", 1024, 80, 24);
	check_hits("first,best", 512, 100, 30);
	check_hits("first,next,best", 1024, 80, 24);
	check_hits("first,next,best,worst,buddy", 1024, 120, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_click_finds_the_lane_and_address_drawn_there),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
