/* test_panel.c - the statistics panel at every size and heap size: each label and each number whole, never cut. */
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

/* --- helpers --- */

static struct session *new_session(size_t size, enum heap_policy policy)
{
	struct heap_config config = {size, policy, 8, HEAP_ORDER_ADDRESS};
	enum heap_status status;
	struct session *session = session_create(&config, &status);
	if (!session)
		fail_msg("session_create(%zu): %s", size, heap_status_message(status));
	return session;
}

static void run(struct session *session, const char *line)
{
	struct session_report report;
	session_run_line(session, line, &report);
	if (!report.ok)
		fail_msg("'%s' rejected: %s", line, report.error.message);
	session_report_release(&report);
}

/* The panel's part of a screen row as UTF-8 (the grid and legend left of it are not the panel's). */
static void panel_text(const struct screen *screen, int row, int first_column, char *out, size_t size)
{
	size_t len = 0;
	for (int column = first_column; column < screen->width; column++) {
		uint32_t ch = screen_cell_const(screen, row, column)->ch;
		if (ch == 0)
			continue;
		char bytes[4];
		size_t n = screen_encode_utf8(ch, bytes);
		if (len + n + 1 > size)
			break;
		memcpy(out + len, bytes, n);
		len += n;
	}
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
}

/* Does text hold `label`, one or more spaces, `value`, as whole words (a space, a border or an edge around them)? */
static bool has_whole(const char *text, const char *label, const char *value)
{
	size_t label_len = strlen(label), value_len = strlen(value);
	for (const char *at = strstr(text, label); at; at = strstr(at + 1, label)) {
		if (at != text && at[-1] != ' ' && strncmp(at - 3, "│", 3) != 0 && at[-1] != '|')
			continue;
		const char *after = at + label_len;
		if (*after != ' ')
			continue;
		while (*after == ' ')
			after++;
		if (strncmp(after, value, value_len) == 0 && (after[value_len] == ' ' || after[value_len] == '\0'))
			return true;
	}
	return false;
}

/* The value of each statistic worked out here from the core's numbers, to check the panel's table against. */
static void expected_values(const struct session *session, char values[VIEW_STAT_COUNT][32])
{
	const struct heap *heap = session_heap(session);
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	snprintf(values[VIEW_STAT_POLICY], 32, "%s", heap_policy_title(heap_policy(heap)));
	snprintf(values[VIEW_STAT_STEP], 32, "%zu / %zu", session_step(session), session_last_step(session));
	view_format_bytes(stats.heap_size, values[VIEW_STAT_HEAP_SIZE], 32);
	snprintf(values[VIEW_STAT_ALIGNMENT], 32, "%u", heap_alignment(heap));
	snprintf(values[VIEW_STAT_USED_BLOCKS], 32, "%zu", stats.used_blocks);
	view_format_bytes(stats.used_bytes, values[VIEW_STAT_USED_BYTES], 32);
	view_format_bytes(stats.requested_bytes, values[VIEW_STAT_REQUESTED], 32);
	view_format_bytes(stats.overhead_bytes, values[VIEW_STAT_OVERHEAD], 32);
	snprintf(values[VIEW_STAT_FREE_BLOCKS], 32, "%zu", stats.free_blocks);
	view_format_bytes(stats.free_bytes, values[VIEW_STAT_FREE_BYTES], 32);
	view_format_bytes(stats.wilderness_bytes, values[VIEW_STAT_WILDERNESS], 32);
	view_format_bytes(stats.largest_free, values[VIEW_STAT_LARGEST_FREE], 32);
	snprintf(values[VIEW_STAT_FRAGMENTATION], 32, "%.0f %%", stats.external_fragmentation * 100.0);
	snprintf(values[VIEW_STAT_UTILIZATION], 32, "%.0f %%", stats.utilization * 100.0);
	snprintf(values[VIEW_STAT_PEAK_UTILIZATION], 32, "%.0f %%", stats.peak_utilization * 100.0);
	snprintf(values[VIEW_STAT_FAILED_ALLOCS], 32, "%zu", stats.failed_allocs);
}

/* Every word of a statistics row is a whole word of some label or value (or a sparkline). */
static bool word_is_known(const char *word, size_t len, const struct view_statistic *table)
{
	if (len % 3 == 0 && len > 0 && strncmp(word, "\xe2\x96", 2) == 0)
		return true;   /* sparkline levels are U+2581..U+2588 */
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		const char *texts[] = {table[i].label, table[i].short_label, table[i].value, table[i].narrow_value,
				       table[i].compact_label};
		for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
			const char *text = texts[t];
			while (text && *text) {
				size_t word_len = strcspn(text, " ");
				if (word_len == len && strncmp(text, word, len) == 0)
					return true;
				text += word_len;
				text += strspn(text, " ");
			}
		}
	}
	return false;
}

static void assert_words_known(const char *row, const struct view_statistic *table, const char *where)
{
	const char *at = row;
	if (strncmp(at, "│", 3) == 0)
		at += 3;
	while (*at) {
		at += strspn(at, " ");
		size_t len = strcspn(at, " ");
		if (len && !word_is_known(at, len, table))
			fail_msg("%s: '%.*s' in \"%s\" is no whole label or value", where, (int)len, at, row);
		at += len;
	}
}

/*
 * Check one frame: in the full panel every statistic shows as (label or
 * short label) + value, whole, and every word on those rows is whole; in a
 * small terminal's summary every "label value" is whole or left out.
 */
static void check_panel(const struct session *session, int width, int height, const char *what)
{
	struct screen screen = {0};
	assert_true(screen_resize(&screen, width, height));
	struct view_state state = {.input = { "", 0, 0 }};
	view_render(&screen, session, &state);
	struct view_layout layout;
	view_layout(width, height, &layout);

	struct view_statistic table[VIEW_STAT_COUNT];
	view_statistics(session, table);
	char values[VIEW_STAT_COUNT][32];
	expected_values(session, values);
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		if (strcmp(table[i].value, values[i]) != 0)
			fail_msg("%s: the table says %s = '%s', the core '%s'", what, table[i].label, table[i].value, values[i]);
	}

	char where[160], row_text[1024];
	/* The title: the scale whole or not at all, and the step counter. */
	panel_text(&screen, 0, 0, row_text, sizeof row_text);
	char scale[48], bytes[24];
	view_format_bytes(view_grid_geometry(session_heap(session), &state, width, height).bytes_per_cell, bytes,
			  sizeof bytes);
	snprintf(scale, sizeof scale, "1 cell = %s", bytes);
	if (strstr(row_text, "1 cell") && !has_whole(row_text, "1 cell =", bytes))
		fail_msg("%s at %dx%d: the title cuts '%s': \"%s\"", what, width, height, scale, row_text);
	char counter[64];
	snprintf(counter, sizeof counter, "step %s", values[VIEW_STAT_STEP]);
	if (!strstr(row_text, counter))
		fail_msg("%s at %dx%d: the title lacks '%s': \"%s\"", what, width, height, counter, row_text);
	bool full = false;
	for (int r = layout.panel.row; r < layout.panel.row + layout.panel.height; r++) {
		panel_text(&screen, r, layout.panel.column, row_text, sizeof row_text);
		full = full || has_whole(row_text, table[VIEW_STAT_POLICY].label, table[VIEW_STAT_POLICY].value);
	}
	if (full) {
		for (int i = 0; i < VIEW_STAT_COUNT; i++) {
			bool found = false;
			for (int r = layout.panel.row; r < layout.panel.row + layout.panel.height && !found; r++) {
				panel_text(&screen, r, layout.panel.column, row_text, sizeof row_text);
				const char *labels[] = {table[i].label, table[i].short_label};
				const char *shown[] = {table[i].value, table[i].narrow_value};
				for (int l = 0; l < 2 && !found; l++)
					for (int v = 0; v < 2 && !found; v++)
						if (has_whole(row_text, labels[l], shown[v])) {
							found = true;
							snprintf(where, sizeof where, "%s at %dx%d, row %d", what, width, height, r);
							assert_words_known(row_text, table, where);
						}
			}
			if (!found)
				fail_msg("%s at %dx%d: '%s' (or '%s') with '%s' is not shown whole", what, width, height,
					 table[i].label, table[i].short_label, table[i].value);
		}
	} else {
		/* The summary: the row that starts with used bytes (always first) and the row after it. */
		int first = -1, summaries = 0;
		char used[64];
		snprintf(used, sizeof used, "%s %s", table[VIEW_STAT_USED_BYTES].compact_label,
			 table[VIEW_STAT_USED_BYTES].value);
		for (int r = layout.panel.row; r < layout.panel.row + layout.panel.height && first < 0; r++) {
			panel_text(&screen, r, layout.panel.column, row_text, sizeof row_text);
			const char *start = row_text + strspn(row_text, " ");
			if (strncmp(start, "│", 3) == 0)
				start += 3 + strspn(start + 3, " ");
			if (strncmp(start, used, strlen(used)) == 0)
				first = r;
		}
		for (int r = first; first >= 0 && r < first + 2 && r < layout.panel.row + layout.panel.height; r++) {
			panel_text(&screen, r, layout.panel.column, row_text, sizeof row_text);
			summaries++;
			const char *at = row_text + strspn(row_text, " ");
			if (strncmp(at, "│", 3) == 0)
				at += 3 + strspn(at + 3, " ");
			while (*at) {
				const char *end = strstr(at, "  ");
				size_t len = end ? (size_t)(end - at) : strlen(at);
				bool whole = false;
				for (int i = 0; i < VIEW_STAT_COUNT && !whole; i++) {
					char chunk[80];
					if (!table[i].compact_label)
						continue;
					int n = snprintf(chunk, sizeof chunk, "%s %s", table[i].compact_label, table[i].value);
					whole = (size_t)n == len && strncmp(at, chunk, len) == 0;
				}
				if (len && !whole)
					fail_msg("%s at %dx%d: '%.*s' in the summary \"%s\" is not a whole statistic", what, width,
						 height, (int)len, at, row_text);
				at += len;
				at += strspn(at, " ");
			}
		}
		if (summaries == 0)
			fail_msg("%s at %dx%d: no summary row starts with used bytes", what, width, height);
	}
	screen_release(&screen);
}

static const int sizes[][2] = {
	{40, 12}, {80, 24}, {100, 30}, {200, 60},   /* the classic sizes */
	{41, 13}, {60, 30}, {71, 40}, {72, 14}, {99, 24}, {140, 40},   /* either side of each layout's threshold */
};

static void check_every_size(const struct session *session, const char *what)
{
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_panel(session, sizes[i][0], sizes[i][1], what);
}

/* --- the panel at every size --- */

static const size_t heap_sizes[] = {64, 1024, 64 * 1024, 16 * 1024 * 1024, HEAP_MAX_SIZE};

/* Step 0: free bytes, wilderness and largest free are the whole heap: "1024 B" is where 'largest free' was cut. */
static void an_empty_heap_shows_every_label_whole(void **unused)
{
	(void)unused;
	for (size_t h = 0; h < sizeof heap_sizes / sizeof heap_sizes[0]; h++) {
		struct session *session = new_session(heap_sizes[h], POLICY_FIRST_FIT);
		check_every_size(session, "step 0");
		session_destroy(session);
	}
}

/*
 * As many blocks as each heap holds (up to 30000), every other one freed,
 * then refusals: block counts, free blocks and failed allocs as wide as
 * the history makes them, and a step counter in the tens of thousands.
 */
static void a_heap_full_of_small_blocks_shows_every_number_whole(void **unused)
{
	(void)unused;
	for (size_t h = 0; h < sizeof heap_sizes / sizeof heap_sizes[0]; h++) {
		struct session *session = new_session(heap_sizes[h], POLICY_FIRST_FIT);
		size_t blocks = heap_sizes[h] / 16 < 30000 ? heap_sizes[h] / 16 : 30000;
		char line[64];
		for (size_t i = 0; i < blocks; i++) {
			snprintf(line, sizeof line, "alloc 1 as b%zu", i);
			run(session, line);
		}
		check_every_size(session, "full of small blocks");
		for (size_t i = 0; i < blocks; i += 2) {
			snprintf(line, sizeof line, "free b%zu", i);
			run(session, line);
		}
		snprintf(line, sizeof line, "alloc %zu", heap_sizes[h] + 1);
		for (int i = 0; i < 12; i++)
			run(session, line);   /* refused: larger than the heap */
		check_every_size(session, "every other block freed");
		session_destroy(session);
	}
}

/* Byte counts at their widest: a buddy block just over half the heap doubles it (overhead ~ heap / 2). */
static void wide_byte_counts_are_whole(void **unused)
{
	(void)unused;
	for (size_t h = 0; h < sizeof heap_sizes / sizeof heap_sizes[0]; h++) {
		struct session *session = new_session(heap_sizes[h], POLICY_BUDDY);
		char line[64];
		snprintf(line, sizeof line, "alloc %zu as half", heap_sizes[h] / 2 + 1 - 16);
		struct session_report report;
		session_run_line(session, line, &report);
		session_report_release(&report);
		check_every_size(session, "buddy, just over half");
		session_destroy(session);

		session = new_session(heap_sizes[h], POLICY_BEST_FIT);
		snprintf(line, sizeof line, "alloc %zu as most", heap_sizes[h] - heap_sizes[h] / 4);
		run(session, line);
		check_every_size(session, "best fit, most of the heap");
		session_destroy(session);
	}
}

/* The step counter past 99999 no longer fits beside the policy with its total: it shows whole, as the step. */
static void a_long_history_shows_the_step_whole(void **unused)
{
	(void)unused;
	struct session *session = new_session(1024, POLICY_WORST_FIT);
	for (int i = 0; i < 50001; i++) {
		run(session, "alloc 8 as a");
		run(session, "free a");
	}
	check_every_size(session, "100002 steps");
	session_destroy(session);
}

/* The inspector: a sixteen-character name on a block high in a 16 MiB heap, every field whole. */
static void the_inspector_shows_every_field_whole(void **unused)
{
	(void)unused;
	struct session *session = new_session(16 * 1024 * 1024, POLICY_FIRST_FIT);
	run(session, "alloc 16000000 as filler");
	run(session, "alloc 700000 as abcdefghijklmnop");
	size_t payload;
	assert_true(names_lookup(session_names(session), "abcdefghijklmnop", &payload));
	struct heap_block block;
	assert_true(heap_find_allocation(session_heap(session), payload, &block));
	char offset[32], payload_text[32], size[32], requested[32];
	snprintf(offset, sizeof offset, "0x%03zx", block.offset);
	snprintf(payload_text, sizeof payload_text, "0x%03zx", block.payload);
	view_format_bytes(block.size, size, sizeof size);
	view_format_bytes(block.requested, requested, sizeof requested);
	const char *fields[][2] = {
		{"offset", offset}, {"state", "used"}, {"size", size}, {"name", "abcdefghijklmnop"},
		{"requested", requested}, {"payload", payload_text},
	};
	const int inspector_sizes[][2] = {{80, 30}, {100, 36}, {200, 60}, {60, 50}};
	for (size_t s = 0; s < sizeof inspector_sizes / sizeof inspector_sizes[0]; s++) {
		struct screen screen = {0};
		assert_true(screen_resize(&screen, inspector_sizes[s][0], inspector_sizes[s][1]));
		struct view_state state = {.has_selection = true, .cursor = block.payload, .focus = FOCUS_GRID};
		view_render(&screen, session, &state);
		struct view_layout layout;
		view_layout(screen.width, screen.height, &layout);
		for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
			bool found = false;
			char text[1024];
			for (int r = layout.panel.row; r < layout.panel.row + layout.panel.height && !found; r++) {
				panel_text(&screen, r, layout.panel.column, text, sizeof text);
				found = has_whole(text, fields[f][0], fields[f][1]);
			}
			if (!found)
				fail_msg("at %dx%d the inspector does not show '%s %s' whole", screen.width, screen.height,
					 fields[f][0], fields[f][1]);
		}
		screen_release(&screen);
	}
	session_destroy(session);
}

/* The table the panel is drawn from names every statistic the help explains, once. */
static void the_statistics_table_names_each_statistic_once(void **unused)
{
	(void)unused;
	struct session *session = new_session(1024, POLICY_FIRST_FIT);
	struct view_statistic table[VIEW_STAT_COUNT];
	view_statistics(session, table);
	assert_string_equal(table[VIEW_STAT_LARGEST_FREE].label, "largest free");
	assert_string_equal(table[VIEW_STAT_LARGEST_FREE].value, "1024 B");
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		assert_non_null(table[i].label);
		assert_non_null(table[i].short_label);
		assert_true(strlen(table[i].short_label) <= strlen(table[i].label));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(table[i].label, table[j].label);
	}
	/* The help says what each shorter name stands for. */
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 100, 200));
	struct view_state state = {.show_help = true};
	view_render(&screen, session, &state);
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		if (strcmp(table[i].label, table[i].short_label) == 0)
			continue;
		bool listed = false;
		for (int row = 0; row < screen.height && !listed; row++) {
			char text[1024];
			panel_text(&screen, row, 0, text, sizeof text);
			listed = has_whole(text, table[i].short_label, table[i].label);
		}
		if (!listed)
			fail_msg("the help does not say that '%s' is '%s'", table[i].short_label, table[i].label);
	}
	screen_release(&screen);
	session_destroy(session);
}

/* The pace is a multiple, never a percentage (a percentage there read as progress). */
static void the_title_shows_the_pace_as_a_multiple(void **unused)
{
	(void)unused;
	static const struct {
		unsigned speed;
		bool ascii;
		const char *text;
	} paces[] = {
		{100, false, "1×"}, {0, false, "1×"}, {200, false, "2×"}, {1600, false, "16×"}, {50, false, "½×"},
		{25, false, "¼×"}, {100, true, "1x"}, {50, true, "1/2x"}, {25, true, "1/4x"},
	};
	for (size_t i = 0; i < sizeof paces / sizeof paces[0]; i++) {
		char text[16];
		view_format_pace(paces[i].speed, paces[i].ascii, text, sizeof text);
		assert_string_equal(text, paces[i].text);
	}
	struct session *session = new_session(1024, POLICY_FIRST_FIT);
	for (int i = 0; i < 40; i++)
		run(session, i % 2 ? "free a" : "alloc 8 as a");
	struct command_error error;
	assert_true(session_goto(session, 9, &error));
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 80, 24));
	struct view_state state = {.timeline = true, .playing = true, .speed_percent = 100};
	view_render(&screen, session, &state);
	char title[512];
	panel_text(&screen, 0, 0, title, sizeof title);
	assert_non_null(strstr(title, "▶ 1×  step 9 / 40"));
	assert_null(strchr(title, '%'));
	assert_non_null(strstr(title, "━"));   /* the progress bar */
	screen_release(&screen);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_statistics_table_names_each_statistic_once),
		cmocka_unit_test(an_empty_heap_shows_every_label_whole),
		cmocka_unit_test(a_heap_full_of_small_blocks_shows_every_number_whole),
		cmocka_unit_test(wide_byte_counts_are_whole),
		cmocka_unit_test(a_long_history_shows_the_step_whole),
		cmocka_unit_test(the_inspector_shows_every_field_whole),
		cmocka_unit_test(the_title_shows_the_pace_as_a_multiple),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
