/* test_view.c - the composed frame: grid scale and cell roles, hues, names, panel text, hex, help, small terminals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"
#include "view.h"
#include "words.h"

/* --- helpers --- */

static struct session *session_with(size_t size, enum heap_policy policy, const char *const *lines)
{
	struct heap_config config = {size, policy, 8, HEAP_ORDER_ADDRESS};
	enum heap_status status;
	struct session *session = session_create(&config, &status);
	assert_non_null(session);
	for (size_t i = 0; lines && lines[i]; i++) {
		struct session_report report;
		memset(&report, 0, sizeof report);
		session_run_line(session, lines[i], &report);
		if (!report.ok)
			fail_msg("line '%s' rejected: %s", lines[i], report.error.message);
		session_report_release(&report);
	}
	return session;
}

static void run(struct session *session, const char *line)
{
	struct session_report report;
	memset(&report, 0, sizeof report);
	session_run_line(session, line, &report);
	assert_true(report.ok);
	session_report_release(&report);
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
}

static void frame_close(struct frame *frame)
{
	screen_release(&frame->screen);
}

static const char *row_text(const struct frame *frame, int row)
{
	static char buffer[8192];
	screen_row_text(&frame->screen, row, buffer, sizeof buffer);
	return buffer;
}

/* The first row containing needle, or -1. */
static int find_row(const struct frame *frame, const char *needle)
{
	for (int row = 0; row < frame->screen.height; row++)
		if (strstr(row_text(frame, row), needle))
			return row;
	return -1;
}

/* The first row at or after first containing needle, or -1. */
static int find_row_from(const struct frame *frame, int first, const char *needle)
{
	for (int row = first; row < frame->screen.height; row++)
		if (strstr(row_text(frame, row), needle))
			return row;
	return -1;
}

/* The text after label on the first row at or after first that has it, up to two spaces (the next column). */
static const char *value_after_from(const struct frame *frame, int first, const char *label)
{
	static char value[128];
	int row = find_row_from(frame, first, label);
	if (row < 0)
		fail_msg("no row has '%s'", label);
	const char *text = strstr(row_text(frame, row), label) + strlen(label);
	while (*text == ' ')
		text++;
	size_t len = 0;
	while (text[len] && !(text[len] == ' ' && text[len + 1] == ' ') && len + 1 < sizeof value)
		len++;
	while (len > 0 && text[len - 1] == ' ')
		len--;
	memcpy(value, text, len);
	value[len] = '\0';
	return value;
}

static const char *value_after(const struct frame *frame, const char *label)
{
	return value_after_from(frame, 0, label);
}

/* The first row of the grid area whose first width cells (the grid beside the panel) contain needle, or -1. */
static int find_grid_row(const struct frame *frame, int width, const char *needle)
{
	struct view_layout layout;
	view_layout(frame->screen.width, frame->screen.height, &layout);
	for (int row = layout.grid.row; row < layout.grid.row + layout.grid.height; row++) {
		char text[1024];
		size_t len = 0;
		for (int column = 0; column < width && column < frame->screen.width && len + 5 < sizeof text; column++) {
			uint32_t ch = screen_cell_const(&frame->screen, row, column)->ch;
			text[len++] = ch < 0x80 ? (char)ch : '?';
		}
		text[len] = '\0';
		if (strstr(text, needle))
			return row;
	}
	return -1;
}

/* The screen cell that shows a heap address in the grid. */
static const struct cell *grid_cell_at(const struct frame *frame, const struct session *session, size_t address)
{
	const struct heap *heap = session_heap(session);
	struct grid_geometry geometry =
		view_grid_geometry(heap, &frame->state, frame->screen.width, frame->screen.height);
	size_t cell_start = address / geometry.bytes_per_cell * geometry.bytes_per_cell;
	for (int row = 0; row < frame->screen.height; row++) {
		for (int column = 0; column < frame->screen.width; column++) {
			size_t hit;
			if (view_grid_hit(heap, &frame->state, frame->screen.width, frame->screen.height, row, column, &hit) &&
			    hit == cell_start)
				return screen_cell_const(&frame->screen, row, column);
		}
	}
	fail_msg("address 0x%zx is not on the grid", address);
	return NULL;
}

static struct heap_block allocation(const struct session *session, const char *name)
{
	size_t payload;
	struct heap_block block;
	assert_true(names_lookup(session_names(session), name, &payload));
	assert_true(heap_find_allocation(session_heap(session), payload, &block));
	return block;
}

static bool screen_has_control_characters(const struct frame *frame)
{
	for (int i = 0; i < frame->screen.width * frame->screen.height; i++) {
		uint32_t ch = frame->screen.cells[i].ch;
		if (ch != 0 && (ch < 0x20 || (ch >= 0x7f && ch < 0xa0)))
			return true;
	}
	return false;
}

/* --- grid scale --- */

static void grid_1024_bytes_at_80x24_is_32_columns_of_2_bytes(void **state)
{
	(void)state;
	/* At 80x24 the grid area is 40 wide (the panel takes 40) and 19 rows tall (one for the legend). */
	struct view_layout layout;
	view_layout(80, 24, &layout);
	assert_false(layout.too_small);
	assert_true(layout.panel_beside);
	assert_int_equal(layout.grid.width, 40);
	assert_int_equal(layout.grid.height, 20);
	struct grid_geometry g = layout_grid(1024, 40, 19);
	assert_int_equal(g.bytes_per_cell, 2);
	assert_int_equal(g.columns, 32);
	assert_int_equal(g.rows, 16);
	assert_int_equal(g.label_width, 7);   /* " 0x3c0 " */

	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct view_state view = {0};
	g = view_grid_geometry(session_heap(session), &view, 80, 24);
	assert_int_equal(g.bytes_per_cell, 2);
	assert_int_equal(g.columns, 32);
	session_destroy(session);
}

static void grid_small_and_huge_heaps(void **state)
{
	(void)state;
	struct grid_geometry g = layout_grid(64, 40, 19);
	assert_int_equal(g.bytes_per_cell, 1);
	assert_int_equal(g.columns, 32);
	assert_int_equal(g.rows, 2);

	/* 16 MiB: the longer labels (" 0xffffff ") leave 29 cells, so 16 columns; 16 x 19 cells need 64 KiB each. */
	g = layout_grid((size_t)16 << 20, 40, 19);
	assert_int_equal(g.label_width, 10);
	assert_int_equal(g.columns, 16);
	assert_int_equal(g.bytes_per_cell, 65536);
	assert_int_equal(g.rows, 16);

	/* 1 GiB (HEAP_MAX_SIZE): labels of " 0x3fffffff " still leave 16 columns; 16 x 19 cells need 4 MiB each. */
	g = layout_grid(HEAP_MAX_SIZE, 40, 19);
	assert_int_equal(g.label_width, 12);
	assert_int_equal(g.columns, 16);
	assert_int_equal(g.bytes_per_cell, (size_t)4 << 20);
	assert_int_equal(g.rows, 16);

	/* A wider terminal buys finer cells. */
	g = layout_grid(1024, 84, 23);
	assert_int_equal(g.columns, 64);
	assert_int_equal(g.bytes_per_cell, 1);
}

static void grid_tiny_areas_never_divide_by_zero(void **state)
{
	(void)state;
	const int sizes[][2] = {{0, 0}, {1, 1}, {-5, -5}, {3, 100}, {100, 0}, {8, 1}, {12, 2}};
	const size_t heaps[] = {0, 1, 64, 1000, 1024, HEAP_MAX_SIZE};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		for (size_t h = 0; h < sizeof heaps / sizeof heaps[0]; h++) {
			struct grid_geometry g = layout_grid(heaps[h], sizes[s][0], sizes[s][1]);
			assert_true(g.columns >= 1);
			assert_true(g.rows >= 1);
			assert_true(g.bytes_per_cell >= 1);
			assert_int_equal(g.bytes_per_cell & (g.bytes_per_cell - 1), 0);
			assert_true(g.bytes_per_cell * (size_t)g.columns * (size_t)g.rows >= heaps[h]);
			assert_true(g.label_width >= 0);
		}
	}
}

/* --- cell roles --- */

static void cells_show_header_payload_padding_free_and_wilderness(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 100 as a", "alloc 13 as b", "alloc 40 as c", "free a", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 130, 30);   /* 1 byte a cell */
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(view_grid_geometry(session_heap(session), &frame.state, 130, 30).bytes_per_cell, 1);

	struct heap_block b = allocation(session, "b");
	assert_true(b.header_size > 0);
	assert_int_equal(grid_cell_at(&frame, session, b.offset)->role, ROLE_BLOCK_META);
	assert_int_equal(grid_cell_at(&frame, session, b.offset)->ch, view_cell_glyph(ROLE_BLOCK_META, false));
	assert_int_equal(grid_cell_at(&frame, session, b.payload)->role, ROLE_BLOCK_PAYLOAD);
	assert_int_equal(grid_cell_at(&frame, session, b.payload + 12)->role, ROLE_BLOCK_PAYLOAD);
	/* 13 bytes asked for, aligned to 8: three bytes of padding. */
	assert_int_equal(grid_cell_at(&frame, session, b.payload + 13)->role, ROLE_BLOCK_PADDING);
	assert_int_equal(grid_cell_at(&frame, session, b.payload + 13)->ch, view_cell_glyph(ROLE_BLOCK_PADDING, false));
	if (b.footer_size)
		assert_int_equal(grid_cell_at(&frame, session, b.offset + b.size - 1)->role, ROLE_BLOCK_META);

	/* a was freed: a free block at the start of the heap (its header, then its body). */
	struct heap_block freed;
	assert_true(heap_block_at(session_heap(session), 0, &freed));
	assert_int_equal(freed.state, BLOCK_FREE);
	assert_int_equal(grid_cell_at(&frame, session, 0)->role, ROLE_FREE_META);
	assert_int_equal(grid_cell_at(&frame, session, freed.offset + freed.header_size)->role, ROLE_FREE);
	assert_int_equal(grid_cell_at(&frame, session, 1023)->role, ROLE_WILDERNESS);
	assert_int_equal(grid_cell_at(&frame, session, 1023)->ch, view_cell_glyph(ROLE_WILDERNESS, false));

	/* Every state has its own glyph, in both sets, so colour is never the only signal. */
	const enum style_role roles[] = {ROLE_BLOCK_META, ROLE_BLOCK_PAYLOAD, ROLE_BLOCK_PADDING,
					 ROLE_FREE_META, ROLE_FREE, ROLE_WILDERNESS};
	for (size_t i = 0; i < 6; i++)
		for (size_t j = i + 1; j < 6; j++) {
			assert_int_not_equal(view_cell_glyph(roles[i], false), view_cell_glyph(roles[j], false));
			assert_int_not_equal(view_cell_glyph(roles[i], true), view_cell_glyph(roles[j], true));
		}
	assert_true(find_row(&frame, "wilderness") >= 0);   /* the legend */
	frame_close(&frame);
	session_destroy(session);
}

static void header_wins_a_cell_shared_with_payload(void **state)
{
	(void)state;
	/* At 16 bytes a cell (64 B x ... on a 40x12 terminal) headers and payloads share cells. */
	const char *lines[] = {"alloc 20 as a", "alloc 20 as b", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 40, 12);
	view_render(&frame.screen, session, &frame.state);
	struct grid_geometry g = view_grid_geometry(session_heap(session), &frame.state, 40, 12);
	assert_true(g.bytes_per_cell >= 8);
	struct heap_block b = allocation(session, "b");
	assert_true(b.offset % g.bytes_per_cell != 0 || b.offset > 0);
	assert_int_equal(grid_cell_at(&frame, session, b.offset)->role, ROLE_BLOCK_META);
	/* A cell with a used block and the wilderness shows the used block. */
	size_t end = b.offset + b.size;
	if (end % g.bytes_per_cell != 0)
		assert_int_not_equal(grid_cell_at(&frame, session, end)->role, ROLE_WILDERNESS);
	frame_close(&frame);
	session_destroy(session);
}

static void hues_are_stable_when_another_block_is_freed(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 48 as a", "alloc 48 as b", "alloc 48 as c", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	uint8_t hue_a = grid_cell_at(&frame, session, allocation(session, "a").payload)->hue;
	uint8_t hue_b = grid_cell_at(&frame, session, allocation(session, "b").payload)->hue;
	uint8_t hue_c = grid_cell_at(&frame, session, allocation(session, "c").payload)->hue;
	assert_int_not_equal(hue_a, hue_b);
	assert_int_not_equal(hue_b, hue_c);
	/* Header cells carry the hue too: the theme draws them a darker shade of it. */
	assert_int_equal(grid_cell_at(&frame, session, allocation(session, "c").offset)->hue, hue_c);

	run(session, "free a");
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(grid_cell_at(&frame, session, allocation(session, "b").payload)->hue, hue_b);
	assert_int_equal(grid_cell_at(&frame, session, allocation(session, "c").payload)->hue, hue_c);

	/* A realloc that moves c keeps its colour. */
	run(session, "realloc c 400");
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(grid_cell_at(&frame, session, allocation(session, "c").payload)->hue, hue_c);
	frame_close(&frame);
	session_destroy(session);
}

static void names_are_drawn_inside_blocks_with_room(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 200 as alpha", "alloc 8 as tiny_block_name", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	int row = find_grid_row(&frame, 40, "alpha");
	assert_true(row >= 1);
	/* The name sits on grid cells of alpha's payload, drawn reversed so it reads on the block's colour. */
	const char *at = strstr(row_text(&frame, row), "alpha");
	int column = 0;
	for (const char *p = row_text(&frame, row); p < at; p++)
		column += ((unsigned char)*p & 0xc0) != 0x80;
	const struct cell *cell = screen_cell_const(&frame.screen, row, column);
	assert_int_equal(cell->role, ROLE_BLOCK_PAYLOAD);
	assert_true(cell->flags & CELL_REVERSE);
	assert_int_equal(cell->hue, grid_cell_at(&frame, session, allocation(session, "alpha").payload)->hue);
	/* 8 bytes are 4 cells: no room for a 15-letter name in the grid (the panel still quotes the command). */
	assert_int_equal(find_grid_row(&frame, 40, "tiny_block_name"), -1);
	assert_true(find_row(&frame, "alloc 8 as tiny_block_name") >= 0);
	frame_close(&frame);
	session_destroy(session);
}

/* --- selection and cursor --- */

static void selection_highlights_the_block_and_fills_the_inspector(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 100 as a", "alloc 24 as b", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct heap_block b = allocation(session, "b");
	struct frame frame;
	frame_open(&frame, 80, 30);
	frame.state.focus = FOCUS_GRID;
	frame.state.has_selection = true;
	frame.state.cursor = b.payload + 4;
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(grid_cell_at(&frame, session, b.payload + 4)->role, ROLE_CURSOR);
	assert_int_equal(grid_cell_at(&frame, session, b.payload + 10)->role, ROLE_SELECTED);
	assert_int_equal(grid_cell_at(&frame, session, 1000)->role, ROLE_WILDERNESS);
	int inspector = find_row(&frame, "selected block");
	assert_true(inspector >= 0);
	char expected[32];
	snprintf(expected, sizeof expected, "0x%03zx", b.offset);
	assert_string_equal(value_after_from(&frame, inspector, "offset"), expected);
	assert_string_equal(value_after_from(&frame, inspector, "state"), "used");
	assert_string_equal(value_after_from(&frame, inspector, "name"), "b");
	assert_string_equal(value_after_from(&frame, inspector, "requested"), "24 B");
	snprintf(expected, sizeof expected, "%zu B", b.size - b.header_size - b.footer_size - 24);
	assert_string_equal(value_after_from(&frame, inspector, "padding"), expected);
	/* Header bytes in hex: the first byte of the header as stored. */
	char header[8];
	snprintf(header, sizeof header, "%02x", heap_bytes(session_heap(session))[b.offset]);
	assert_true(strncmp(value_after_from(&frame, inspector, "header "), header, 2) == 0);
	frame_close(&frame);
	session_destroy(session);
}

/* --- panel --- */

static void panel_names_every_statistic_with_its_value(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 100 as a", "alloc 40 as b", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct heap_stats stats;
	heap_get_stats(session_heap(session), &stats);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);

	char expected[64];
	assert_string_equal(value_after(&frame, "policy"), "first fit");
	assert_string_equal(value_after(&frame, "heap size"), "1024 B");
	assert_string_equal(value_after(&frame, "alignment"), "8");
	assert_string_equal(value_after(&frame, "used blocks"), "2");
	snprintf(expected, sizeof expected, "%zu B", stats.used_bytes);
	assert_string_equal(value_after(&frame, "used bytes"), expected);
	assert_string_equal(value_after(&frame, "requested"), "140 B");
	snprintf(expected, sizeof expected, "%zu B", stats.overhead_bytes);
	assert_string_equal(value_after(&frame, "overhead"), expected);
	assert_string_equal(value_after(&frame, "free blocks"), "0");
	snprintf(expected, sizeof expected, "%zu B", stats.free_bytes);
	assert_string_equal(value_after(&frame, "free bytes"), expected);
	snprintf(expected, sizeof expected, "%zu B", stats.wilderness_bytes);
	assert_string_equal(value_after(&frame, "wilderness"), expected);
	assert_string_equal(value_after(&frame, "largest free"), expected);
	assert_string_equal(value_after(&frame, "external fragmentation"), "0 %");
	assert_string_equal(value_after(&frame, "peak utilization"), "14 %");
	assert_string_equal(value_after(&frame, "failed allocs"), "0");
	assert_true(strstr(row_text(&frame, 0), "step 2 / 2") != NULL);
	assert_string_equal(value_after(&frame, "step"), "2 / 2");
	assert_true(strstr(row_text(&frame, 0), "1 cell = 2 B") != NULL);

	/* The last step, its outcome and the start of its explanation. */
	assert_true(find_row(&frame, "alloc 40 as b") >= 0);
	char explain[400];
	words_explain_current(session, explain, sizeof explain);
	assert_true(strlen(explain) > 10);
	char start[12];
	memcpy(start, explain, 11);
	start[11] = '\0';
	assert_true(find_row(&frame, start) >= 0);
	frame_close(&frame);
	session_destroy(session);
}

static void panel_rows_stay_put_between_steps(void **state)
{
	(void)state;
	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	int used_row = find_row(&frame, "used blocks"), frag_row = find_row(&frame, "external fragmentation");
	run(session, "alloc 300 as big");
	run(session, "alloc 10 as small");
	run(session, "free big");
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(find_row(&frame, "used blocks"), used_row);
	assert_int_equal(find_row(&frame, "external fragmentation"), frag_row);
	assert_string_equal(value_after(&frame, "free blocks"), "1");
	assert_string_equal(value_after(&frame, "step"), "3 / 3");
	frame_close(&frame);
	session_destroy(session);
}

static void notes_and_refusals_are_shown(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 900 as big", "alloc 500 as nope", "note watch the refusal", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "watch the refusal") >= 0);
	assert_true(find_row(&frame, "refused") >= 0);
	assert_string_equal(value_after(&frame, "failed allocs"), "1");
	frame_close(&frame);
	session_destroy(session);
}

static void control_characters_in_notes_messages_and_the_bar_are_escaped(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 16 as s", "write s \"\\x1b[2J\"", "note \"bell\\x07 clear\\x1b[2J\"", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	snprintf(frame.state.message, sizeof frame.state.message, "bad input \x1b]0;pwned\x07");
	frame.state.message_role = ROLE_ERROR;
	view_render(&frame.screen, session, &frame.state);
	assert_false(screen_has_control_characters(&frame));
	assert_true(find_row(&frame, "bell\\x07 clear\\x1b[2J") >= 0);
	assert_true(find_row(&frame, "bad input \\x1b]0;pwned\\x07") >= 0);

	/* The hex view: the written ESC is 1b in hex and '.' in the ASCII column. */
	frame.state.show_hex = true;
	view_render(&frame.screen, session, &frame.state);
	assert_false(screen_has_control_characters(&frame));
	struct heap_block s = allocation(session, "s");
	size_t per_row = view_hex_bytes_per_row(80);
	char label[32];
	snprintf(label, sizeof label, "0x%03zx", s.payload / per_row * per_row);
	int row = find_row(&frame, label);
	assert_true(row >= 0);
	assert_true(strstr(row_text(&frame, row), "1b 5b 32 4a") != NULL);
	assert_true(strstr(row_text(&frame, row), ".[2J") != NULL);
	frame_close(&frame);
	session_destroy(session);
}

static void hex_view_shows_written_bytes_and_header_roles(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 16 as s", "write s \"ABC\"", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	frame.state.show_hex = true;
	view_render(&frame.screen, session, &frame.state);
	struct heap_block s = allocation(session, "s");
	size_t per_row = view_hex_bytes_per_row(80);
	assert_true(per_row >= 8);
	assert_true(s.payload % per_row == 0);
	char label[32];
	snprintf(label, sizeof label, "0x%03zx", s.payload);
	int row = find_row(&frame, label);
	assert_true(row >= 0);
	const char *text = row_text(&frame, row);
	assert_true(strstr(text, "41 42 43") != NULL);
	assert_true(strstr(text, "ABC") != NULL);
	assert_true(strstr(row_text(&frame, 0), "hex view") != NULL);
	/* The header's first byte is drawn in the block-meta role. */
	snprintf(label, sizeof label, "0x%03zx", s.offset / per_row * per_row);
	row = find_row(&frame, label);
	const char *hex_start = strstr(row_text(&frame, row), label) + strlen(label) + 1;
	int column = (int)(hex_start - row_text(&frame, row)) + (int)(s.offset % per_row) * 3;
	assert_int_equal(screen_cell_const(&frame.screen, row, column)->role, ROLE_BLOCK_META);
	/* Scrolling past the end is clamped: the last row still shows. */
	frame.state.hex_scroll = 100000;
	view_render(&frame.screen, session, &frame.state);
	snprintf(label, sizeof label, "0x%03zx", 1024 - per_row);
	assert_true(find_row(&frame, label) >= 0);
	assert_int_equal(view_hex_rows(session_heap(session), 80), 1024 / per_row);
	frame_close(&frame);
	session_destroy(session);
}

/* --- help, bar, small terminals --- */

static void help_lists_every_command_and_formula(void **state)
{
	(void)state;
	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct frame frame;
	frame_open(&frame, 100, 200);
	frame.state.show_help = true;
	view_render(&frame.screen, session, &frame.state);
	for (int kind = CMD_EMPTY + 1; kind < CMD_KIND_COUNT; kind++) {
		const char *usage = command_usage((enum command_kind)kind);
		if (usage[0] && find_row(&frame, usage) < 0)
			fail_msg("help does not list '%s'", usage);
	}
	assert_true(find_row(&frame, "1 - largest free / free bytes") >= 0);
	assert_true(find_row(&frame, "requested / heap size") >= 0);
	assert_true(find_row(&frame, "used bytes - requested") >= 0);
	assert_true(find_row(&frame, "Ctrl-X") >= 0);
	assert_true(find_row(&frame, "F5") >= 0);

	/* Scrolled at 80x24 the overlay shows later lines and clamps at the end. */
	screen_resize(&frame.screen, 80, 24);
	frame.state.help_scroll = 1000;
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "wilderness") >= 0);
	assert_true(find_row(&frame, "of ") >= 0);

	/* A help text from the session (help COMMAND, a check report) replaces the built-in one. */
	frame.state.help_text = "first line\nsecond \x1b line";
	frame.state.help_scroll = 0;
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "first line") >= 0);
	assert_true(find_row(&frame, "second \\x1b line") >= 0);
	frame_close(&frame);
	session_destroy(session);
}

static void bar_cursor_and_error_caret(void **state)
{
	(void)state;
	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct frame frame;
	frame_open(&frame, 80, 24);
	/* The bar as the line editor hands it over: the text, the cursor three characters in. */
	frame.state.input = (struct view_input){ "alloc 1O as x", 13, 3 };
	frame.state.error_column = 7;
	snprintf(frame.state.message, sizeof frame.state.message, "expected a size");
	frame.state.message_role = ROLE_ERROR;
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(frame.screen.cursor_row, 22);
	assert_int_equal(frame.screen.cursor_column, 2 + 3);
	assert_true(strstr(row_text(&frame, 22), "> alloc 1O as x") == row_text(&frame, 22));
	/* The caret sits under column 7 ('1'), on the line below the bar. */
	assert_int_equal(screen_cell_const(&frame.screen, 23, 2 + 6)->ch, '^');
	assert_true(strstr(row_text(&frame, 21), "expected a size") != NULL);

	/* Without an error the bottom line is the key hint. */
	frame.state.error_column = 0;
	view_render(&frame.screen, session, &frame.state);
	assert_true(strstr(row_text(&frame, 23), "F1 help") != NULL);
	assert_true(strstr(row_text(&frame, 23), "^Z undo") != NULL);
	frame.state.focus = FOCUS_GRID;
	view_render(&frame.screen, session, &frame.state);
	assert_true(strstr(row_text(&frame, 23), "Enter select") != NULL);
	frame_close(&frame);
	session_destroy(session);
}

static void long_lines_scroll_to_keep_the_cursor_visible(void **state)
{
	(void)state;
	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct frame frame;
	frame_open(&frame, 40, 12);
	char line[200];
	memset(line, 'n', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	frame.state.input = (struct view_input){ line, strlen(line), strlen(line) };
	view_render(&frame.screen, session, &frame.state);
	assert_true(frame.screen.cursor_column < 40);
	assert_int_equal(frame.screen.cursor_row, 10);
	frame_close(&frame);
	session_destroy(session);
}

static void too_small_terminals_get_a_message_and_never_crash(void **state)
{
	(void)state;
	struct session *session = session_with(1024, POLICY_FIRST_FIT, NULL);
	struct frame frame;
	frame_open(&frame, 30, 8);
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "terminal too small") >= 0);
	assert_true(find_row(&frame, "40×12") >= 0);
	frame.state.ascii = true;
	view_render(&frame.screen, session, &frame.state);
	assert_true(find_row(&frame, "40x12") >= 0);

	const int sizes[][2] = {{0, 0}, {1, 1}, {1, 30}, {200, 1}, {39, 12}, {40, 11}, {40, 12}, {41, 13},
				{71, 20}, {72, 12}, {100, 12}, {300, 100}};
	const char *lines[] = {"alloc 100 as a", "alloc 40 as b", "note hello", NULL};
	struct session *busy = session_with(1024, POLICY_BEST_FIT, lines);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_true(screen_resize(&frame.screen, sizes[i][0], sizes[i][1]));
		for (int mode = 0; mode < 8; mode++) {
			frame.state.show_hex = mode & 1;
			frame.state.show_help = mode & 2;
			frame.state.has_selection = mode & 4;
			frame.state.cursor = 150;
			frame.state.ascii = mode & 1;
			view_render(&frame.screen, busy, &frame.state);
		}
	}
	/* At the minimum size the screen is still useful: the grid, a summary and the bar. */
	assert_true(screen_resize(&frame.screen, 40, 12));
	frame.state = (struct view_state){.input = { "", 0, 0 }};
	view_render(&frame.screen, busy, &frame.state);
	assert_true(find_row(&frame, "0x000") >= 0);
	struct heap_stats busy_stats;
	heap_get_stats(session_heap(busy), &busy_stats);
	char used[32];
	snprintf(used, sizeof used, "used %zu B", busy_stats.used_bytes);
	assert_true(find_row(&frame, used) >= 0);
	assert_true(find_row(&frame, "frag 0 %") >= 0);
	assert_int_equal(frame.screen.cursor_row, 10);
	session_destroy(busy);
	frame_close(&frame);
	session_destroy(session);
}

static void wide_terminals_show_more(void **state)
{
	(void)state;
	const char *lines[] = {"alloc 100 as a", NULL};
	struct session *session = session_with(1024, POLICY_FIRST_FIT, lines);
	struct grid_geometry narrow = view_grid_geometry(session_heap(session), NULL, 80, 24);
	struct grid_geometry wide = view_grid_geometry(session_heap(session), NULL, 160, 40);
	assert_true(wide.columns > narrow.columns);
	assert_true(wide.bytes_per_cell < narrow.bytes_per_cell);
	struct view_layout small, big;
	view_layout(80, 24, &small);
	view_layout(160, 40, &big);
	assert_true(big.panel.width > small.panel.width);
	session_destroy(session);
}

/* Next fit: the row holding the rover is marked, and the mark follows the rover; other policies show none. */
static void next_fit_marks_the_rovers_row(void **state)
{
	(void)state;
	static const char *const lines[] = { "alloc 100 as a", "alloc 30 as b", "alloc 60 as c", "free a", NULL };
	struct session *session = session_with(1024, POLICY_NEXT_FIT, lines);
	struct frame frame;
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	size_t rover = heap_rover(session_heap(session));
	int marked = -1;
	for (int row = 1; row < 20; row++)
		if (strncmp(row_text(&frame, row), "▸0x", strlen("▸0x")) == 0) {
			assert_int_equal(marked, -1);
			marked = row;
		}
	assert_true(marked > 0);
	char label[32];
	snprintf(label, sizeof label, "▸0x%03zx", rover / 64 * 64);
	assert_non_null(strstr(row_text(&frame, marked), label));

	run(session, "alloc 20 as d"); /* lands after the rover, so the rover moves on */
	assert_int_not_equal(heap_rover(session_heap(session)), rover);
	view_render(&frame.screen, session, &frame.state);
	snprintf(label, sizeof label, "▸0x%03zx", heap_rover(session_heap(session)) / 64 * 64);
	assert_true(find_row(&frame, label) > 0);
	frame_close(&frame);
	session_destroy(session);

	session = session_with(1024, POLICY_FIRST_FIT, lines);
	frame_open(&frame, 80, 24);
	view_render(&frame.screen, session, &frame.state);
	assert_int_equal(find_row(&frame, "▸"), -1);
	frame_close(&frame);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grid_1024_bytes_at_80x24_is_32_columns_of_2_bytes),
		cmocka_unit_test(next_fit_marks_the_rovers_row),
		cmocka_unit_test(grid_small_and_huge_heaps),
		cmocka_unit_test(grid_tiny_areas_never_divide_by_zero),
		cmocka_unit_test(cells_show_header_payload_padding_free_and_wilderness),
		cmocka_unit_test(header_wins_a_cell_shared_with_payload),
		cmocka_unit_test(hues_are_stable_when_another_block_is_freed),
		cmocka_unit_test(names_are_drawn_inside_blocks_with_room),
		cmocka_unit_test(selection_highlights_the_block_and_fills_the_inspector),
		cmocka_unit_test(panel_names_every_statistic_with_its_value),
		cmocka_unit_test(panel_rows_stay_put_between_steps),
		cmocka_unit_test(notes_and_refusals_are_shown),
		cmocka_unit_test(control_characters_in_notes_messages_and_the_bar_are_escaped),
		cmocka_unit_test(hex_view_shows_written_bytes_and_header_roles),
		cmocka_unit_test(help_lists_every_command_and_formula),
		cmocka_unit_test(bar_cursor_and_error_caret),
		cmocka_unit_test(long_lines_scroll_to_keep_the_cursor_visible),
		cmocka_unit_test(too_small_terminals_get_a_message_and_never_crash),
		cmocka_unit_test(wide_terminals_show_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
