/* view_panel.c - the statistics panel: every statistic named, sparklines, the inspector, the last step and notes. */
#include "view.h"

#include <stdio.h>
#include <string.h>

/* Sparkline levels, lowest first: a value of 0 still shows as a baseline. */
static const char *const spark_utf8[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const spark_ascii[] = {"_", ".", "-", ":", "=", "+", "*", "#"};
#define SPARK_LEVELS 8

/* Label at the left of width cells and value right-aligned; the label gives way to the value. */
static void segment(struct screen *screen, int row, int column, int width, const char *label, const char *value,
		    enum style_role value_role)
{
	int value_width = (int)screen_text_width(value, strlen(value));
	if (value_width > width)
		value_width = width;
	screen_put(screen, row, column + width - value_width, value_width, value, value_role);
	screen_put(screen, row, column, width - value_width - 1, label, ROLE_LABEL);
}

/* Two label/value pairs on one row, each in its own half, at fixed positions whatever the values. */
static void pair(struct screen *screen, int row, int column, int width, const char *label1, const char *value1,
		 const char *label2, const char *value2)
{
	int left = (width - 2) / 2;
	segment(screen, row, column, left, label1, value1, ROLE_VALUE);
	segment(screen, row, column + left + 2, width - left - 2, label2, value2, ROLE_VALUE);
}

static void percent(double value, char *buffer, size_t size)
{
	snprintf(buffer, size, "%.0f %%", value * 100.0);
}

static void sparkline(struct screen *screen, int row, int column, int width, const struct session *session,
		      const struct view_state *state, bool fragmentation)
{
	size_t current = session_step(session);
	size_t count = (size_t)width;
	size_t first = current + 1 > count ? current + 1 - count : 0;
	for (size_t step = first; step <= current; step++) {
		double utilization, frag;
		if (!session_history_stats(session, step, &utilization, &frag))
			break;
		double value = fragmentation ? frag : utilization;
		int level = (int)(value * (SPARK_LEVELS - 1) + 0.5);
		level = level < 0 ? 0 : level >= SPARK_LEVELS ? SPARK_LEVELS - 1 : level;
		screen_put(screen, row, column + (int)(step - first), 1,
			   state->ascii ? spark_ascii[level] : spark_utf8[level],
			   fragmentation ? ROLE_SPARK_FRAG : ROLE_SPARK_UTIL);
	}
}

/* A percentage row: the name, the value at a fixed column, then its history when there is room. */
static void percent_row(struct screen *screen, int row, int column, int width, const char *label, double value,
			const struct session *session, const struct view_state *state, int spark, bool fragmentation)
{
	char text[32];
	percent(value, text, sizeof text);
	int value_end = width < 28 ? width : 28;
	segment(screen, row, column, value_end, label, text, ROLE_VALUE);
	if (spark > 0)
		sparkline(screen, row, column + width - spark, spark, session, state, fragmentation);
}

/* The step's outcome after its command: where the block went, or why not. */
static void outcome_text(const struct step_info *info, const struct view_state *state, char *buffer, size_t size,
			 enum style_role *role, enum view_symbol *symbol)
{
	const struct step_outcome *outcome = &info->outcome;
	const char *arrow = view_symbol(state, SYM_ARROW);
	char bytes[32];
	*role = ROLE_OK;
	*symbol = SYM_OK;
	buffer[0] = '\0';
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "%s 0x%03zx (moved from 0x%03zx)", arrow, outcome->payload,
				 outcome->placement.old_payload);
		else
			snprintf(buffer, size, "%s 0x%03zx", arrow, outcome->payload);
		break;
	case OUTCOME_REFUSED:
		snprintf(buffer, size, "%s refused: %s", arrow, heap_status_message(outcome->status));
		*role = ROLE_REFUSED;
		*symbol = SYM_REFUSED;
		break;
	case OUTCOME_NULL:
		snprintf(buffer, size, "%s NULL", arrow);
		*role = ROLE_NOTE;
		*symbol = SYM_NOTE;
		break;
	case OUTCOME_FREED:
		view_format_bytes(outcome->release.block_size, bytes, sizeof bytes);
		snprintf(buffer, size, "%s freed %s", arrow, bytes);
		break;
	case OUTCOME_WRITTEN:
		view_format_bytes(outcome->bytes, bytes, sizeof bytes);
		snprintf(buffer, size, "%s wrote %s", arrow, bytes);
		break;
	case OUTCOME_NONE:
		break;
	}
}

/* One row: mark, the command as written (user text, escaped), its outcome. */
static void outcome_row(struct screen *screen, int row, int column, int width, const struct session *session,
			const struct view_state *state)
{
	struct step_info info;
	if (session_step(session) == 0 || !session_step_info(session, session_step(session), &info)) {
		screen_put(screen, row, column, width, "step 0: the heap is empty", ROLE_DIM);
		return;
	}
	char result[160];
	enum style_role role;
	enum view_symbol symbol;
	outcome_text(&info, state, result, sizeof result, &role, &symbol);
	int used = screen_put(screen, row, column, width, view_symbol(state, symbol), role);
	used += 1;
	used += screen_put(screen, row, column + used, width - used, info.source, ROLE_TEXT);
	if (result[0]) {
		used += 1;
		screen_put(screen, row, column + used, width - used, result, role);
	}
}

static const char *const state_names[] = {
	[BLOCK_USED] = "used", [BLOCK_FREE] = "free", [BLOCK_WILDERNESS] = "wilderness",
};

/* Bytes as "d1 00 00 00" in width cells, marked with an ellipsis when cut. */
static void hex_bytes(struct screen *screen, int row, int column, int width, const uint8_t *bytes, size_t count,
		      enum style_role role, uint8_t hue)
{
	for (size_t i = 0; i < count; i++) {
		int at = (int)i * 3;
		if (at + 2 > width)
			break;
		if (i + 1 < count && at + 5 > width) {
			screen_put(screen, row, column + at, 2, "..", ROLE_DIM);
			break;
		}
		char hex[3] = {"0123456789abcdef"[bytes[i] >> 4], "0123456789abcdef"[bytes[i] & 15], 0};
		screen_put_styled(screen, row, column + at, 2, hex, 2, role, hue, 0);
	}
}

/* The inspector: the block under the cursor, field by field; returns the rows used. */
static int draw_inspector(struct screen *screen, int row, int column, int width, int rows,
			  const struct session *session, const struct view_state *state)
{
	const struct heap *heap = session_heap(session);
	struct block_view block;
	if (rows < 1)
		return 0;
	if (!heap_block_at(heap, state->cursor, &block)) {
		view_heading(screen, row, column, width, state, "selected block");
		if (rows > 1)
			screen_put(screen, row + 1, column, width, "the cursor is outside the heap", ROLE_DIM);
		return rows > 1 ? 2 : 1;
	}
	char a[48], b[48], c[48], d[48];
	int used = 0;
	view_heading(screen, row + used++, column, width, state, "selected block");
	snprintf(a, sizeof a, "0x%03zx", block.offset);
	if (used < rows)
		pair(screen, row + used++, column, width, "offset", a, "state", state_names[block.state]);
	const char *name = block.state == BLOCK_USED ? session_name_at(session, block.payload) : NULL;
	view_format_bytes(block.size, a, sizeof a);
	if (used < rows)
		pair(screen, row + used++, column, width, "size", a, "name", name ? name : "-");
	bool is_used = block.state == BLOCK_USED;
	size_t padding = is_used ? block.size - block.header_size - block.footer_size - block.requested : 0;
	if (is_used) {
		view_format_bytes(block.requested, a, sizeof a);
		view_format_bytes(padding, b, sizeof b);
	}
	if (used < rows)
		pair(screen, row + used++, column, width, "requested", is_used ? a : "-", "padding", is_used ? b : "-");
	if (is_used)
		snprintf(c, sizeof c, "0x%03zx", block.payload);
	view_format_bytes(block.header_size + block.footer_size, d, sizeof d);
	if (used < rows)
		pair(screen, row + used++, column, width, "payload", is_used ? c : "-", "metadata", d);
	const uint8_t *bytes = heap_bytes(heap);
	if (used < rows && block.header_size > 0) {
		int label = screen_put(screen, row + used, column, width, "header ", ROLE_LABEL);
		hex_bytes(screen, row + used++, column + label, width - label, bytes + block.offset, block.header_size,
			  is_used ? ROLE_BLOCK_META : ROLE_FREE_META, 0);
	}
	if (used < rows && block.footer_size > 0) {
		int label = screen_put(screen, row + used, column, width, "footer ", ROLE_LABEL);
		hex_bytes(screen, row + used++, column + label, width - label,
			  bytes + block.offset + block.size - block.footer_size, block.footer_size,
			  is_used ? ROLE_BLOCK_META : ROLE_FREE_META, 0);
	}
	return used;
}

/* The statistics, at fixed rows so nothing moves between steps; returns the rows used. */
static int draw_statistics(struct screen *screen, int row, int column, int width, int rows,
			   const struct session *session, const struct view_state *state)
{
	const struct heap *heap = session_heap(session);
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	char a[48], b[48];
	int spark = width - 30;
	if (spark < 4)
		spark = 0;
	int used = 0;

	snprintf(b, sizeof b, "%zu / %zu", session_step(session), session_last_step(session));
	if (used < rows)
		pair(screen, row + used++, column, width, "policy", heap_policy_title(heap_policy(heap)), "step", b);
	view_format_bytes(stats.heap_size, a, sizeof a);
	snprintf(b, sizeof b, "%u", heap_alignment(heap));
	if (used < rows)
		pair(screen, row + used++, column, width, "heap size", a, "alignment", b);
	snprintf(a, sizeof a, "%zu", stats.used_blocks);
	view_format_bytes(stats.used_bytes, b, sizeof b);
	if (used < rows)
		pair(screen, row + used++, column, width, "used blocks", a, "used bytes", b);
	view_format_bytes(stats.requested_bytes, a, sizeof a);
	view_format_bytes(stats.overhead_bytes, b, sizeof b);
	if (used < rows)
		pair(screen, row + used++, column, width, "requested", a, "overhead", b);
	snprintf(a, sizeof a, "%zu", stats.free_blocks);
	view_format_bytes(stats.free_bytes, b, sizeof b);
	if (used < rows)
		pair(screen, row + used++, column, width, "free blocks", a, "free bytes", b);
	view_format_bytes(stats.wilderness_bytes, a, sizeof a);
	view_format_bytes(stats.largest_free, b, sizeof b);
	if (used < rows)
		pair(screen, row + used++, column, width, "wilderness", a, "largest free", b);
	if (used < rows)
		percent_row(screen, row + used++, column, width, "external fragmentation", stats.external_fragmentation,
			    session, state, spark, true);
	if (used < rows)
		percent_row(screen, row + used++, column, width, "utilization", stats.utilization, session, state, spark,
			    false);
	if (used < rows)
		percent_row(screen, row + used++, column, width, "peak utilization", stats.peak_utilization, session,
			    state, 0, false);
	snprintf(a, sizeof a, "%zu", stats.failed_allocs);
	if (used < rows)
		segment(screen, row + used++, column, width < 28 ? width : 28, "failed allocs", a,
			stats.failed_allocs ? ROLE_REFUSED : ROLE_VALUE);
	return used;
}

/* The last step: its command and outcome, the explanation, then the step's notes. */
static void draw_story(struct screen *screen, int row, int column, int width, int rows,
		       const struct session *session, const struct view_state *state)
{
	if (rows < 1)
		return;
	struct step_info info;
	bool has_info = session_step_info(session, session_step(session), &info);
	size_t notes = has_info ? info.note_count : 0;
	int used = 0;
	if (rows >= 3)
		view_heading(screen, row + used++, column, width, state, "last step");
	outcome_row(screen, row + used++, column, width, session, state);
	char explain[400];
	session_explain_current(session, explain, sizeof explain);
	/*
	 * The notes are the teacher's words, so they get their rows first; the
	 * explanation takes what is left (it is on the status line as well while a
	 * timeline plays), but always at least one row.
	 */
	const char *mark = view_symbol(state, SYM_NOTE);
	int indent = (int)screen_text_width(mark, strlen(mark)) + 1;
	int note_rows = 0;
	for (size_t i = 0; i < notes; i++)
		note_rows += view_wrapped_rows(info.notes[i], width - indent, false);
	int heading_rows = notes && rows - used >= 4 ? 1 : 0;
	int room_for_notes = rows - used - 1 - heading_rows;
	if (note_rows > room_for_notes)
		note_rows = room_for_notes > 0 ? room_for_notes : 0;
	int explain_rows = rows - used - (note_rows ? note_rows + heading_rows : 0);
	if (explain_rows > 0)
		used += view_put_wrapped(screen, row + used, column, width, explain_rows, explain, false, ROLE_TEXT);
	if (!notes || note_rows == 0 || used >= rows)
		return;
	if (heading_rows)
		view_heading(screen, row + used++, column, width, state, "notes");
	for (size_t i = 0; i < notes && used < rows; i++) {
		screen_put(screen, row + used, column, width, mark, ROLE_NOTE);
		used += view_put_wrapped(screen, row + used, column + indent, width - indent, rows - used, info.notes[i],
					 false, ROLE_NOTE);
	}
}

/* Two summary lines for small terminals, then the last step as far as it fits. */
static void draw_compact(struct screen *screen, int row, int column, int width, int rows,
			 const struct session *session, const struct view_state *state)
{
	struct heap_stats stats;
	heap_get_stats(session_heap(session), &stats);
	char used[32], free_bytes[32], line[200];
	view_format_bytes(stats.used_bytes, used, sizeof used);
	view_format_bytes(stats.free_bytes, free_bytes, sizeof free_bytes);
	snprintf(line, sizeof line, "used %zu blk %s  free %s  step %zu/%zu", stats.used_blocks, used, free_bytes,
		 session_step(session), session_last_step(session));
	if (rows > 0)
		screen_put(screen, row, column, width, line, ROLE_VALUE);
	snprintf(line, sizeof line, "frag %.0f%%  util %.0f%% (peak %.0f%%)  failed %zu",
		 stats.external_fragmentation * 100.0, stats.utilization * 100.0, stats.peak_utilization * 100.0,
		 stats.failed_allocs);
	if (rows > 1)
		screen_put(screen, row + 1, column, width, line, ROLE_VALUE);
	if (rows > 2 && state->has_selection)
		draw_inspector(screen, row + 2, column, width, rows - 2, session, state);
	else if (rows > 2)
		draw_story(screen, row + 2, column, width, rows - 2, session, state);
}

void view_draw_panel(struct screen *screen, const struct session *session, const struct view_state *state,
		     const struct view_layout *layout)
{
	struct view_rect panel = layout->panel;
	int row = panel.row, column, width, rows;
	if (panel.width <= 0 || panel.height <= 0)
		return;
	if (layout->panel_beside) {
		for (int r = 0; r < panel.height; r++)
			screen_put(screen, panel.row + r, panel.column, 1, view_symbol(state, SYM_VLINE), ROLE_BORDER);
		column = panel.column + 2;
		width = panel.width - 2;
		rows = panel.height;
	} else {
		if (panel.height >= 4) {
			for (int c = 0; c < panel.width; c++)
				screen_put(screen, row, panel.column + c, 1, view_symbol(state, SYM_HLINE), ROLE_BORDER);
			row++;
		}
		column = panel.column + 1;
		width = panel.width - 2;
		rows = panel.row + panel.height - row;
	}
	if (rows < 10 || width < 34) {
		draw_compact(screen, row, column, width, rows, session, state);
		return;
	}
	int used = draw_statistics(screen, row, column, width, rows, session, state);
	if (state->has_selection)
		used += draw_inspector(screen, row + used, column, width, rows - used, session, state);
	draw_story(screen, row + used, column, width, rows - used, session, state);
}
