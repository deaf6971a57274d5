/* view_panel.c - the statistics panel: every statistic named, sparklines, the inspector, the last step and notes. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "words.h"

/* Sparkline levels, lowest first: a value of 0 still shows as a baseline. */
static const char *const spark_utf8[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const spark_ascii[] = {"_", ".", "-", ":", "=", "+", "*", "#"};
#define SPARK_LEVELS 8

/* A label and its value as the panel lays them out: both whole, or not drawn at all. */
struct panel_item {
	const char *label, *short_label;
	const char *value, *narrow_value;
	int widest;                 /* cells the widest value takes (the columns are sized by it) */
	enum style_role role;
};

static int text_width(const char *text)
{
	return (int)screen_text_width(text, strlen(text));
}

static struct panel_item item_of(const struct view_statistic *statistic)
{
	return (struct panel_item){statistic->label, statistic->short_label, statistic->value, statistic->narrow_value,
				   statistic->widest, statistic->role};
}

static struct panel_item plain_item(const char *label, const char *value)
{
	return (struct panel_item){label, label, value, value, text_width(value), ROLE_VALUE};
}

/*
 * How hard a row has to squeeze, from the roomiest to the tightest: full
 * labels, then the short label wherever the full one does not fit its half,
 * then short labels throughout; first sized by the widest values (nothing
 * moves between steps), then by the values shown, then by their narrow forms.
 */
enum { LABELS_FULL, LABELS_SHORT_WHERE_NEEDED, LABELS_SHORT, LABEL_LEVELS };
enum { SIZE_WIDEST, SIZE_SHOWN, SIZE_NARROW, SIZE_MODES };

static const char *item_label(const struct panel_item *item, int level, int half)
{
	if (level == LABELS_FULL)
		return item->label;
	if (level == LABELS_SHORT_WHERE_NEEDED && text_width(item->label) + 1 + item->widest <= half)
		return item->label;
	return item->short_label;
}

static const char *item_value(const struct panel_item *item, int mode)
{
	return mode == SIZE_NARROW ? item->narrow_value : item->value;
}

/* Cells an item needs: its label, a space, its value (0 for no item). */
static int item_need(const struct panel_item *item, int level, int mode, int half)
{
	if (!item || !item->label)
		return 0;
	int value = text_width(item_value(item, mode));
	if (mode == SIZE_WIDEST && item->widest > value)
		value = item->widest;
	return text_width(item_label(item, level, half)) + 1 + value;
}

/* Label at the left of width cells and the value right-aligned. */
static void draw_item(struct screen *screen, int row, int column, int width, const struct panel_item *item,
		      int level, int mode, int half)
{
	const char *label = item_label(item, level, half), *value = item_value(item, mode);
	int value_width = text_width(value);
	if (text_width(label) + 1 + value_width > width)
		return;   /* never half a label or half a number */
	screen_put(screen, row, column + width - value_width, value_width, value, item->role);
	screen_put(screen, row, column, width - value_width - 1, label, ROLE_LABEL);
}

/* Where the right column starts (relative) so that both needs fit; -1 when they cannot. */
static int split_for(int width, int left, int right)
{
	if (left + 2 + right > width)
		return -1;
	int split = (width - 2) / 2;
	if (left > split)
		split = left;
	if (right > width - 2 - split)
		split = width - 2 - right;
	return split;
}

/* The first squeeze at which rows [first, first + count) fit under one split; false when none does. */
static bool choose_fit(struct panel_item (*rows)[2], int count, int width, int *level, int *mode, int *split)
{
	int half = (width - 2) / 2;
	for (*mode = 0; *mode < SIZE_MODES; (*mode)++) {
		for (*level = 0; *level < LABEL_LEVELS; (*level)++) {
			int left = 0, right = 0;
			for (int r = 0; r < count; r++) {
				int need = item_need(&rows[r][0], *level, *mode, half);
				left = need > left ? need : left;
				need = item_need(rows[r][1].label ? &rows[r][1] : NULL, *level, *mode, width - half - 2);
				right = need > right ? need : right;
			}
			*split = split_for(width, left, right);
			if (*split >= 0)
				return true;
		}
	}
	return false;
}

static void draw_row(struct screen *screen, int row, int column, int width, const struct panel_item *pair_items,
		     int level, int mode, int split)
{
	int half = (width - 2) / 2;
	bool two = pair_items[1].label != NULL;
	draw_item(screen, row, column, two ? split : width, &pair_items[0], level, mode, half);
	if (two)
		draw_item(screen, row, column + split + 2, width - split - 2, &pair_items[1], level, mode,
			  width - half - 2);
}

/*
 * Rows of label/value pairs, in two columns at one split so values line up;
 * when no squeeze fits every row, each row finds its own (a name sixteen
 * characters long beside a 16 MiB address). Returns the rows drawn.
 */
static int draw_pairs(struct screen *screen, int row, int column, int width, int rows,
		      struct panel_item (*items)[2], int count)
{
	if (count > rows)
		count = rows;
	int level, mode, split;
	if (choose_fit(items, count, width, &level, &mode, &split)) {
		for (int r = 0; r < count; r++)
			draw_row(screen, row + r, column, width, items[r], level, mode, split);
		return count;
	}
	for (int r = 0; r < count; r++) {
		if (choose_fit(&items[r], 1, width, &level, &mode, &split))
			draw_row(screen, row + r, column, width, items[r], level, mode, split);
		else
			draw_row(screen, row + r, column, width, items[r], LABELS_SHORT, SIZE_NARROW, (width - 2) / 2);
	}
	return count;
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

/* A row of one statistic in the first 28 cells (the widest label fits), then its history when there is room. */
static void statistic_row(struct screen *screen, int row, int column, int width, const struct view_statistic *statistic,
			  const struct session *session, const struct view_state *state, int spark, bool fragmentation)
{
	int value_end = width < 28 ? width : 28;
	struct panel_item item = item_of(statistic);
	int level = item_need(&item, LABELS_FULL, SIZE_WIDEST, value_end) <= value_end ? LABELS_FULL : LABELS_SHORT;
	draw_item(screen, row, column, value_end, &item, level, SIZE_SHOWN, value_end);
	if (spark > 0)
		sparkline(screen, row, column + width - spark, spark, session, state, fragmentation);
}

/* The step's outcome after its command: where the block went, or why not (worded by words.h, styled here). */
static void outcome_text(const struct step_info *info, const struct view_state *state, char *buffer, size_t size,
			 enum style_role *role, enum view_symbol *symbol)
{
	const struct step_outcome *outcome = &info->outcome;
	char bytes[32];
	*role = ROLE_OK;
	*symbol = SYM_OK;
	if (outcome->kind == OUTCOME_REFUSED) {
		*role = ROLE_REFUSED;
		*symbol = SYM_REFUSED;
	} else if (outcome->kind == OUTCOME_NULL) {
		*role = ROLE_NOTE;
		*symbol = SYM_NOTE;
	}
	view_format_bytes(outcome->kind == OUTCOME_FREED ? outcome->release.block_size : outcome->bytes, bytes,
			  sizeof bytes);
	buffer[0] = '\0';
	if (outcome->kind == OUTCOME_NONE)
		return; /* a new heap: the command says it all */
	int len = snprintf(buffer, size, "%s ", view_symbol(state, SYM_ARROW));
	if (len > 0 && (size_t)len < size)
		words_outcome_panel(outcome, bytes, buffer + len, size - (size_t)len);
}

/* One piece of a line drawn in its own style: the bytes up to end. */
struct text_span {
	size_t end;
	enum style_role role;
};

/* Wrapped as view_put_wrapped wraps (the same breaks on screen and in snapshots), each span in its role. */
static int put_wrapped_spans(struct screen *screen, int row, int column, int width, int max_rows, const char *text,
			     size_t len, const struct text_span *spans, size_t span_count)
{
	int rows = 0;
	for (size_t pos = 0; pos < len && rows < max_rows;) {
		size_t line;
		size_t skip = view_wrap_next(text + pos, len - pos, width, false, &line);
		if (skip == 0)
			break;
		size_t start = pos;
		for (size_t s = 0; s < span_count && start < pos + line; s++) {
			if (spans[s].end <= start)
				continue;
			size_t end = spans[s].end < pos + line ? spans[s].end : pos + line;
			int at = (int)screen_text_width(text + pos, start - pos);
			screen_put_styled(screen, row + rows, column + at, width - at, text + start, end - start, spans[s].role,
					  0, 0);
			start = end;
		}
		rows++;
		pos += skip;
	}
	return rows;
}

/* The mark, the command as written (user text, escaped) and its outcome, wrapped; returns the rows used. */
static int outcome_rows(struct screen *screen, int row, int column, int width, int max_rows,
			const struct session *session, const struct view_state *state)
{
	struct step_info info;
	if (max_rows < 1)
		return 0;
	if (session_step(session) == 0 || !session_step_info(session, session_step(session), &info))
		return view_put_wrapped(screen, row, column, width, max_rows, "step 0: the heap is empty", false, ROLE_DIM);
	char result[160];
	enum style_role role;
	enum view_symbol symbol;
	outcome_text(&info, state, result, sizeof result, &role, &symbol);
	/* No byte past what max_rows can show is needed: every byte takes at least a quarter of a cell. */
	size_t source_len = strlen(info.source), cap = (size_t)max_rows * (size_t)(width > 0 ? width : 1) * 4 + 4;
	if (source_len > cap)
		source_len = cap;
	struct strbuf line;
	strbuf_init(&line);
	strbuf_puts(&line, view_symbol(state, symbol));
	struct text_span spans[3] = {{line.len, role}, {0, ROLE_TEXT}, {0, role}};
	strbuf_putc(&line, ' ');
	strbuf_append(&line, info.source, source_len);
	spans[1].end = line.len;
	if (result[0]) {
		strbuf_putc(&line, ' ');
		strbuf_puts(&line, result);
	}
	spans[2].end = line.len;
	int rows = 0;
	if (!line.failed)
		rows = put_wrapped_spans(screen, row, column, width, max_rows, line.text, line.len, spans, 3);
	strbuf_release(&line);
	return rows;
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
	struct heap_block block;
	if (rows < 1)
		return 0;
	if (!heap_block_at(heap, state->cursor, &block)) {
		view_heading(screen, row, column, width, state, "selected block");
		if (rows > 1)
			screen_put(screen, row + 1, column, width, "the cursor is outside the heap", ROLE_DIM);
		return rows > 1 ? 2 : 1;
	}
	char offset[48], size[48], requested[48], padding[48], payload[48], metadata[48];
	int used = 0;
	view_heading(screen, row + used++, column, width, state, "selected block");
	snprintf(offset, sizeof offset, "0x%03zx", block.offset);
	const char *name = block.state == BLOCK_USED ? session_name_at(session, block.payload) : NULL;
	view_format_bytes(block.size, size, sizeof size);
	bool is_used = block.state == BLOCK_USED;
	size_t padding_bytes = is_used ? block.size - block.header_size - block.footer_size - block.requested : 0;
	snprintf(requested, sizeof requested, "-");
	snprintf(padding, sizeof padding, "-");
	snprintf(payload, sizeof payload, "-");
	if (is_used) {
		view_format_bytes(block.requested, requested, sizeof requested);
		view_format_bytes(padding_bytes, padding, sizeof padding);
		snprintf(payload, sizeof payload, "0x%03zx", block.payload);
	}
	view_format_bytes(block.header_size + block.footer_size, metadata, sizeof metadata);
	struct panel_item items[][2] = {
		{plain_item("offset", offset), plain_item("state", state_names[block.state])},
		{plain_item("size", size), plain_item("name", name ? name : "-")},
		{plain_item("requested", requested), plain_item("padding", padding)},
		{plain_item("payload", payload), plain_item("metadata", metadata)},
	};
	used += draw_pairs(screen, row + used, column, width, rows - used, items, (int)(sizeof items / sizeof items[0]));
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
	struct view_statistic stats[VIEW_STAT_COUNT];
	view_statistics(session, stats);
	int spark = width - 30;
	if (spark < 4)
		spark = 0;
	/* policy and step, heap size and alignment, ...: the table's first twelve, two to a row. */
	struct panel_item pairs[VIEW_STAT_FRAGMENTATION / 2][2];
	for (int i = 0; i < VIEW_STAT_FRAGMENTATION; i++)
		pairs[i / 2][i % 2] = item_of(&stats[i]);
	int used = draw_pairs(screen, row, column, width, rows, pairs, (int)(sizeof pairs / sizeof pairs[0]));
	static const struct {
		enum view_statistic_id id;
		bool spark, fragmentation;
	} singles[] = {
		{VIEW_STAT_FRAGMENTATION, true, true}, {VIEW_STAT_UTILIZATION, true, false},
		{VIEW_STAT_PEAK_UTILIZATION, false, false}, {VIEW_STAT_FAILED_ALLOCS, false, false},
	};
	for (size_t i = 0; i < sizeof singles / sizeof singles[0] && used < rows; i++)
		statistic_row(screen, row + used++, column, width, &stats[singles[i].id], session, state,
			      singles[i].spark ? spark : 0, singles[i].fragmentation);
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
	/* The outcome wraps like the explanation, but leaves the explanation a row. */
	used += outcome_rows(screen, row + used, column, width, rows - used > 1 ? rows - used - 1 : 1, session, state);
	if (used >= rows)
		return;
	char explain[400];
	words_explain_current(session, explain, sizeof explain);
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

/* The summary of a small terminal, most telling first; each "label value" whole on some row or left out. */
static const enum view_statistic_id compact_order[] = {
	VIEW_STAT_USED_BYTES, VIEW_STAT_FREE_BYTES, VIEW_STAT_FRAGMENTATION, VIEW_STAT_UTILIZATION,
	VIEW_STAT_FAILED_ALLOCS, VIEW_STAT_LARGEST_FREE, VIEW_STAT_USED_BLOCKS, VIEW_STAT_PEAK_UTILIZATION,
	VIEW_STAT_STEP,
};

/* Two summary lines for small terminals, then the last step as far as it fits. */
static void draw_compact(struct screen *screen, int row, int column, int width, int rows,
			 const struct session *session, const struct view_state *state)
{
	struct view_statistic stats[VIEW_STAT_COUNT];
	view_statistics(session, stats);
	int summary_rows = rows < 2 ? rows : 2, line = 0, at = 0;
	for (size_t i = 0; i < sizeof compact_order / sizeof compact_order[0] && summary_rows > 0; i++) {
		const struct view_statistic *statistic = &stats[compact_order[i]];
		int need = text_width(statistic->compact_label) + 1 + text_width(statistic->value);
		int gap = at ? 2 : 0;
		if (at + gap + need > width && line + 1 < summary_rows && need <= width) {
			line++;
			at = gap = 0;
		}
		if (at + gap + need > width)
			continue;   /* left out whole: a later, shorter one may still fit */
		at += gap;
		at += screen_put(screen, row + line, column + at, width - at, statistic->compact_label, ROLE_LABEL) + 1;
		at += screen_put(screen, row + line, column + at, width - at, statistic->value, statistic->role);
	}
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
