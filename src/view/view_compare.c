/* view_compare.c - the compare view: one grid per policy stacked, each with its key statistics, and where outcomes differ. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "words.h"

/*
 * The frame is the normal one (message line, command bar, hints, help
 * overlay, too-small screen: view_render draws them for the first member)
 * with the title and the main area redrawn: the main area is split into one
 * section per policy, all of the same height so every grid gets the same
 * scale, then a legend and a line saying whether the current step's
 * outcomes differ.
 *
 *   first fit ──────────────────────────────── (a heading when there is room)
 *   0x000 ▓▓▓▓░░░░░░ ... │ ✓ r3 = 0x0f0
 *   0x080 ░░░░░░░░░░ ... │ used   312 B  free   200 B
 *                        │ largest 96 B  frag    52 %
 *   ...
 *   ▐ header ▓ payload ...
 *   ! step 12 differs: refused under first fit · differing steps: 12
 */

/* Where the parts of the compare view go (the same at every step). */
struct compare_layout {
	int top;               /* first row of the first section */
	int section_rows;      /* rows per policy, heading included */
	bool headings;         /* each section starts with a heading row */
	int grid_width;        /* the grid column, row labels included */
	int stats_column;      /* first column of the statistics, after the separator */
	int stats_width;
	int difference_row;    /* the last row of the main area */
};

#define STATS_ROWS 7   /* the outcome and six rows of statistics: more never helps */

static void compare_layout(const struct view_layout *layout, size_t count, size_t heap_bytes,
			   struct compare_layout *out)
{
	int width = layout->main.width;
	int stats = width < 60 ? width * 2 / 5 : width < 100 ? 34 : width < 140 ? 40 : 46;
	out->top = layout->main.row;
	/* One row for the legend, one for the difference line; the sections share the rest evenly. */
	int rows = layout->main.height - 2;
	out->section_rows = rows / (int)count;
	if (out->section_rows < 1)
		out->section_rows = 1;
	out->headings = out->section_rows >= 6;
	out->grid_width = width - stats - 1;
	/* A small heap on a tall terminal: sections as tall as their grid or statistics, no more. */
	int heading = out->headings ? 1 : 0;
	struct grid_geometry geometry = layout_grid(heap_bytes, out->grid_width, out->section_rows - heading);
	int need = heading + (geometry.rows > STATS_ROWS ? geometry.rows : STATS_ROWS);
	if (need < out->section_rows)
		out->section_rows = need;
	out->stats_column = out->grid_width + 2;
	out->stats_width = width - out->stats_column - 1;
	out->difference_row = layout->main.row + layout->main.height - 1;
}

static int grid_rows(const struct compare_layout *layout)
{
	return layout->section_rows - (layout->headings ? 1 : 0);
}

/* --- statistics beside each grid --------------------------------------------------- */

static int cells(const char *text)
{
	return text ? (int)screen_text_width(text, strlen(text)) : 0;
}

/* Label at the left of width cells and value right-aligned: both whole, or nothing (never half a number). */
static void segment(struct screen *screen, int row, int column, int width, const char *label, const char *value,
		    enum style_role value_role)
{
	int value_width = cells(value);
	if (width < 1 || cells(label) + 1 + value_width > width)
		return;
	screen_put(screen, row, column + width - value_width, value_width, value, value_role);
	screen_put(screen, row, column, width - value_width - 1, label, ROLE_LABEL);
}

/* Where a row is too narrow for both labels whole: shorter names ("asked" as in the panel). */
static const char *shorter(const char *label)
{
	static const struct {
		const char *label, *shorter;
	} names[] = {
		{"largest", "max"}, {"requested", "asked"},
	};
	for (size_t i = 0; label && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(label, names[i].label) == 0)
			return names[i].shorter;
	return label;
}

/*
 * Two label/value pairs on a row (the second may be absent), each in its
 * half; where one would not fit its half the split moves so both are whole.
 */
static void pair(struct screen *screen, int row, int column, int width, const char *label1, const char *value1,
		 enum style_role role1, const char *label2, const char *value2, enum style_role role2)
{
	int left = (width - 2) / 2;
	int need1 = cells(label1) + 1 + cells(value1), need2 = label2 ? cells(label2) + 1 + cells(value2) : 0;
	if (need1 + 2 + need2 > width) {
		label1 = shorter(label1);
		label2 = shorter(label2);
		need1 = cells(label1) + 1 + cells(value1);
		need2 = label2 ? cells(label2) + 1 + cells(value2) : 0;
	}
	if (need1 + 2 + need2 <= width) {
		if (need1 > left)
			left = need1;
		if (need2 > width - 2 - left)
			left = width - 2 - need2;
	}
	segment(screen, row, column, label2 || need1 <= left ? left : width, label1, value1, role1);
	if (label2)
		segment(screen, row, column + left + 2, width - left - 2, label2, value2, role2);
}

/* Mark and role of one member's outcome of the current step, and whether it is one of the differing ones. */
static enum style_role outcome_role(const struct session *lanes, size_t index, size_t step,
				    const struct view_state *state, const char **mark)
{
	struct compare_difference difference;
	*mark = view_symbol(state, SYM_OK);
	if (!compare_step_difference(lanes, step, &difference))
		return ROLE_DIM;
	if (difference.kinds[index] == OUTCOME_REFUSED) {
		*mark = view_symbol(state, SYM_REFUSED);
		return ROLE_REFUSED;
	}
	if (difference.kinds_differ && difference.refused_count == 0) {
		*mark = view_symbol(state, SYM_NOTE);
		return ROLE_NOTE;
	}
	if (difference.kinds[index] == OUTCOME_NULL) {
		*mark = view_symbol(state, SYM_NOTE);
		return ROLE_NOTE;
	}
	return ROLE_OK;
}

/* The member's outcome of the current step: a mark and a few words. */
static void draw_outcome(struct screen *screen, int row, int column, int width, const struct session *lanes,
			 size_t index, const struct view_state *state)
{
	size_t step = session_step(lanes);
	if (width < 1)
		return;
	if (step == 0) {
		screen_put(screen, row, column, width, "empty heap", ROLE_DIM);
		return;
	}
	const char *mark;
	enum style_role role = outcome_role(lanes, index, step, state, &mark);
	char words[96];
	words_lane_outcome(lanes, index, step, words, sizeof words);
	int used = screen_put(screen, row, column, width, mark, role);
	used += screen_put(screen, row, column + used, width - used, " ", ROLE_TEXT);
	if (cells(words) <= width - used)   /* whole words or none: never half an address */
		screen_put(screen, row, column + used, width - used, words, role == ROLE_DIM ? ROLE_TEXT : role);
}

static void percent(double value, char *buffer, size_t size)
{
	snprintf(buffer, size, "%.0f %%", value * 100.0);
}

/* The key statistics of one member in rows rows (its name too when there is no heading). */
static void draw_section_stats(struct screen *screen, int row, int column, int width, int rows,
			       const struct session *lanes, size_t index, bool named, const struct view_state *state)
{
	const struct heap *heap = session_heap(session_lane(lanes, index));
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	char used[32], free_bytes[32], largest[32], frag[32], failed[32], blocks_used[32], blocks_free[32];
	char requested[32], overhead[32], util[32], peak[32];
	view_format_bytes(stats.used_bytes, used, sizeof used);
	view_format_bytes(stats.free_bytes, free_bytes, sizeof free_bytes);
	view_format_bytes(stats.largest_free, largest, sizeof largest);
	view_format_bytes(stats.requested_bytes, requested, sizeof requested);
	view_format_bytes(stats.overhead_bytes, overhead, sizeof overhead);
	percent(stats.external_fragmentation, frag, sizeof frag);
	percent(stats.utilization, util, sizeof util);
	percent(stats.peak_utilization, peak, sizeof peak);
	snprintf(failed, sizeof failed, "%zu", stats.failed_allocs);
	snprintf(blocks_used, sizeof blocks_used, "%zu", stats.used_blocks);
	snprintf(blocks_free, sizeof blocks_free, "%zu", stats.free_blocks);
	enum style_role failed_role = stats.failed_allocs ? ROLE_REFUSED : ROLE_VALUE;
	if (rows < 1 || width < 1)
		return;

	bool narrow = width < 26;
	int line = 0;
	if (named) {
		enum heap_policy policy = session_lane_policy(lanes, index);
		const char *title = narrow ? heap_policy_name(policy) : heap_policy_title(policy);
		int used_cells = screen_put_styled(screen, row, column, width, title, strlen(title), ROLE_HEADING, 0,
						   CELL_BOLD);
		used_cells += 2;
		draw_outcome(screen, row, column + used_cells, width - used_cells, lanes, index, state);
	} else {
		draw_outcome(screen, row, column, width, lanes, index, state);
	}
	line++;
	int left = rows - line;
	if (left <= 0)
		return;
	if (narrow) {
		/* One statistic a row, the most telling first. */
		const struct { const char *label, *value; enum style_role role; } lines[] = {
			{"frag", frag, ROLE_VALUE}, {"failed", failed, failed_role}, {"free", free_bytes, ROLE_VALUE},
			{"largest", largest, ROLE_VALUE}, {"used", used, ROLE_VALUE},
		};
		for (size_t i = 0; i < sizeof lines / sizeof lines[0] && line < rows; i++)
			segment(screen, row + line++, column, width, lines[i].label, lines[i].value, lines[i].role);
		return;
	}
	if (left == 1) {
		char text[160];
		snprintf(text, sizeof text, "free %s  frag %s  failed %s", free_bytes, frag, failed);
		screen_put(screen, row + line, column, width, text, stats.failed_allocs ? ROLE_REFUSED : ROLE_VALUE);
		return;
	}
	if (left == 2) {
		pair(screen, row + line++, column, width, "free", free_bytes, ROLE_VALUE, "largest", largest, ROLE_VALUE);
		pair(screen, row + line, column, width, "frag", frag, ROLE_VALUE, "failed", failed, failed_role);
		return;
	}
	pair(screen, row + line++, column, width, "used", used, ROLE_VALUE, "free", free_bytes, ROLE_VALUE);
	pair(screen, row + line++, column, width, "largest", largest, ROLE_VALUE, "frag", frag, ROLE_VALUE);
	pair(screen, row + line++, column, width, "failed", failed, failed_role, "util", util, ROLE_VALUE);
	if (line < rows)
		pair(screen, row + line++, column, width, "used blk", blocks_used, ROLE_VALUE, "free blk", blocks_free,
		     ROLE_VALUE);
	if (line < rows)
		pair(screen, row + line++, column, width, "requested", requested, ROLE_VALUE, "overhead", overhead,
		     ROLE_VALUE);
	if (line < rows)
		pair(screen, row + line++, column, width, "peak util", peak, ROLE_VALUE, NULL, NULL, ROLE_VALUE);
}

/* --- sections, legend, difference line ------------------------------------------------ */

static void draw_sections(struct screen *screen, const struct session *lanes, const struct view_state *grid_state,
			  const struct view_state *state, const struct compare_layout *layout)
{
	size_t count = session_lane_count(lanes);
	int rows = grid_rows(layout);
	for (size_t i = 0; i < count; i++) {
		int top = layout->top + (int)i * layout->section_rows;
		const struct session *session = session_lane(lanes, i);
		if (layout->headings)
			view_heading(screen, top, 0, screen->width, state, heap_policy_title(session_lane_policy(lanes, i)));
		int grid_top = top + (layout->headings ? 1 : 0);
		/* One row more than the cells get: view_draw_grid keeps its last row for the legend. */
		struct view_rect area = { grid_top, 0, layout->grid_width, rows + 1 };
		/* The cursor is drawn in the section of the lane it is on. */
		struct view_state section_state = *grid_state;
		section_state.focus = i == state->lane ? state->focus : FOCUS_BAR;
		view_draw_grid(screen, session, &section_state, area);
		if (i + 1 < count) {
			/* Only the last grid keeps its legend: it serves them all. */
			struct grid_geometry geometry = layout_grid(heap_size(session_heap(session)), layout->grid_width, rows);
			int visible = geometry.rows < rows ? geometry.rows : rows;
			screen_fill(screen, grid_top + visible, 0, layout->grid_width, rows + 1 - visible, ' ', ROLE_TEXT);
		}
		for (int r = 0; r < rows; r++)
			screen_put(screen, grid_top + r, layout->grid_width, 1, view_symbol(state, SYM_VLINE), ROLE_BORDER);
		draw_section_stats(screen, grid_top, layout->stats_column, layout->stats_width, rows, lanes, i,
				   !layout->headings, state);
	}
}

/* "! step 12 differs: refused under first fit · differing steps: 5, 12". */
static void draw_difference(struct screen *screen, const struct session *lanes, const struct view_state *state,
			    int row)
{
	size_t step = session_step(lanes);
	int column = 1, width = screen->width - 1;
	char text[320], size[32];
	view_format_bytes(heap_size(session_heap(session_lane(lanes, 0))), size, sizeof size);
	bool differs = words_compare_step(lanes, step, size, text, sizeof text);
	if (differs) {
		column += screen_put(screen, row, column, width - column, view_symbol(state, SYM_REFUSED), ROLE_REFUSED);
		column += screen_put(screen, row, column, width - column, " ", ROLE_TEXT);
	}
	column += screen_put(screen, row, column, width - column, text, differs ? ROLE_REFUSED : ROLE_DIM);
	/* Where else they differ, for Ctrl-P/N or goto. */
	char steps[200];
	words_differing_steps(lanes, steps, sizeof steps);
	if (!steps[0])
		return;
	snprintf(text, sizeof text, "%s%s", view_symbol(state, SYM_SEPARATOR), steps);
	/* Only whole: a cut list of step numbers would mislead. */
	if (column + (int)screen_text_width(text, strlen(text)) <= width)
		screen_put(screen, row, column, width - column, text, ROLE_DIM);
}

/* --- title and hints ------------------------------------------------------------------ */

static void draw_title(struct screen *screen, const struct session *lanes, const struct view_state *state,
		       int row, size_t bytes_per_cell)
{
	int width = screen->width;
	size_t step = session_step(lanes), last = session_last_step(lanes);
	screen_fill(screen, row, 0, width, 1, ' ', ROLE_TITLE);
	char right[96], pace[16];
	view_format_pace(state->speed_percent, state->ascii, pace, sizeof pace);
	if (state->timeline)
		snprintf(right, sizeof right, "%s %s  step %zu / %zu ",
			 view_symbol(state, state->playing ? SYM_PLAY : SYM_PAUSE), pace, step, last);
	else
		snprintf(right, sizeof right, "step %zu / %zu ", step, last);
	int right_width = (int)screen_text_width(right, strlen(right));
	screen_put(screen, row, width - right_width, right_width, right, ROLE_TITLE);
	int limit = width - right_width - 1;

	const char *sep = view_symbol(state, SYM_SEPARATOR);
	const struct heap *heap = session_heap(session_lane(lanes, 0));
	char titles[200] = "", names[120] = "", size[32], cell[32], details[6][320];
	for (size_t i = 0; i < session_lane_count(lanes); i++) {
		size_t len = strlen(titles);
		snprintf(titles + len, sizeof titles - len, "%s%s", i ? sep : "", heap_policy_title(session_lane_policy(lanes, i)));
		len = strlen(names);
		snprintf(names + len, sizeof names - len, "%s%s", i ? sep : "", heap_policy_name(session_lane_policy(lanes, i)));
	}
	view_format_bytes(heap_size(heap), size, sizeof size);
	view_format_bytes(bytes_per_cell, cell, sizeof cell);
	/* From the most to the least verbose. */
	snprintf(details[0], sizeof details[0], "compare: %s%s%s%salign %u%s1 cell = %s", titles, sep, size, sep,
		 heap_alignment(heap), sep, cell);
	snprintf(details[1], sizeof details[1], "compare: %s%s%s%s1 cell = %s", titles, sep, size, sep, cell);
	snprintf(details[2], sizeof details[2], "compare: %s%s1 cell = %s", titles, sep, cell);
	snprintf(details[3], sizeof details[3], "compare: %s%s1 cell = %s", names, sep, cell);
	snprintf(details[4], sizeof details[4], "compare: %s", names);
	snprintf(details[5], sizeof details[5], "%s", names);
	int file_width = state->title_file ? (int)screen_text_width(state->title_file, strlen(state->title_file)) + 2 : 0;
	/*
	 * The policies' full names matter most, then "heapviz", then the file:
	 * try the detailed titles with and without the file before the short
	 * names, and drop "heapviz" only when nothing else fits.
	 */
	static const struct { bool named, with_file; size_t first, last; } tries[] = {
		{true, true, 0, 2}, {true, false, 0, 2}, {true, true, 3, 4}, {true, false, 3, 4}, {false, false, 0, 5},
	};
	size_t choice = 4;
	bool named = false, with_file = false, found = false;
	for (size_t t = 0; t < sizeof tries / sizeof tries[0] && !found; t++) {
		if (tries[t].with_file && !state->title_file)
			continue;
		int prefix = tries[t].named ? 10 + (tries[t].with_file ? file_width : 0) : 1;
		for (size_t c = tries[t].first; c <= tries[t].last && !found; c++) {
			if (prefix + (int)screen_text_width(details[c], strlen(details[c])) <= limit) {
				found = true;
				choice = c;
				named = tries[t].named;
				with_file = tries[t].with_file;
			}
		}
	}
	int column = 1;
	if (named) {
		column += screen_put_styled(screen, row, column, limit - column, "heapviz", 7, ROLE_TITLE, 0, CELL_BOLD);
		column += screen_put(screen, row, column, limit - column, "  ", ROLE_TITLE);
	}
	if (with_file && named) {
		column += screen_put(screen, row, column, limit - column, state->title_file, ROLE_TITLE);
		column += screen_put(screen, row, column, limit - column, "  ", ROLE_TITLE);
	}
	if (found)   /* whole or not at all: never half a name or number */
		column += screen_put(screen, row, column, limit - column, details[choice], ROLE_TITLE);
	if (state->timeline && last > 0 && limit - column > 6) {
		int start = column + 2, bar = limit - column - 3;
		int done = (int)((double)bar * (double)step / (double)last);
		for (int i = 0; i < bar; i++)
			screen_put(screen, row, start + i, 1, view_symbol(state, i < done ? SYM_PROGRESS : SYM_HLINE),
				   i < done ? ROLE_PROGRESS : ROLE_TITLE);
	}
}

struct key_hint {
	const char *key;
	const char *action;
};

/* What the keys do here: the inspector and the hex view belong to the single heap view. */
static const struct key_hint bar_hints[] = {
	{"F1", "help"}, {"Tab", "complete"}, {"^Z", "undo"}, {"^Y", "redo"}, {"^P/^N", "step"}, {"^D", "quit"},
};
static const struct key_hint grid_hints[] = {
	{"Esc", "bar"}, {"^Z/^Y", "undo/redo"}, {"^P/^N", "step"}, {"F1", "help"},
};
static const struct key_hint timeline_hints[] = {
	{"F5", "play/pause"}, {"F6/F7", "slower/faster"}, {"Home/End", "first/last"},
};

static int draw_hints(struct screen *screen, int row, int column, const struct key_hint *hints, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int need = (int)(strlen(hints[i].key) + 1 + strlen(hints[i].action));
		if (column + need > screen->width)
			break;
		column += screen_put(screen, row, column, need, hints[i].key, ROLE_KEY);
		column += screen_put(screen, row, column, need, " ", ROLE_DIM);
		column += screen_put(screen, row, column, need, hints[i].action, ROLE_DIM);
		column += 2;
	}
	return column;
}

static void draw_hint_row(struct screen *screen, const struct view_state *state, int row)
{
	if (state->show_help || (state->error_column > 0 && state->input.text))
		return;   /* the help's own hints, or the caret under an error, stay as view_render drew them */
	screen_fill(screen, row, 0, screen->width, 1, ' ', ROLE_TEXT);
	int column = state->focus == FOCUS_GRID
		? draw_hints(screen, row, 1, grid_hints, sizeof grid_hints / sizeof grid_hints[0])
		: draw_hints(screen, row, 1, bar_hints, sizeof bar_hints / sizeof bar_hints[0]);
	if (state->timeline)
		draw_hints(screen, row, column, timeline_hints, sizeof timeline_hints / sizeof timeline_hints[0]);
}

/* --- the frame -------------------------------------------------------------------------- */

void view_compare_render(struct screen *screen, const struct session *lanes, const struct view_state *state)
{
	if (!screen->cells || !lanes || !state) {
		screen_clear(screen, ROLE_TEXT);
		return;
	}
	/* The inspector and the hex view show the frame of one lane (view_render): not here. */
	struct view_state base = *state;
	base.show_hex = false;
	base.has_selection = false;
	base.grid_scroll = 0;
	view_render_lane(screen, session_lane(lanes, 0), &base);
	struct view_layout layout;
	view_layout(screen->width, screen->height, &layout);
	if (layout.too_small)
		return;
	size_t heap_bytes = heap_size(session_heap(session_lane(lanes, 0)));
	struct compare_layout sections;
	compare_layout(&layout, session_lane_count(lanes), heap_bytes, &sections);
	struct grid_geometry geometry = layout_grid(heap_bytes, sections.grid_width, grid_rows(&sections));
	draw_title(screen, lanes, state, layout.title_row, geometry.bytes_per_cell);
	draw_hint_row(screen, state, layout.hint_row);
	if (state->show_help)
		return;
	screen_fill(screen, layout.main.row, 0, layout.main.width, layout.main.height, ' ', ROLE_TEXT);
	struct view_state grid_state = base;
	draw_sections(screen, lanes, &grid_state, state, &sections);
	draw_difference(screen, lanes, state, sections.difference_row);
}

struct grid_geometry view_compare_grid_geometry(const struct session *lanes, int width, int height)
{
	struct view_layout layout;
	view_layout(width, height, &layout);
	size_t heap_bytes = heap_size(session_heap(session_lane(lanes, 0)));
	struct compare_layout sections;
	compare_layout(&layout, session_lane_count(lanes), heap_bytes, &sections);
	return layout_grid(heap_bytes, sections.grid_width, grid_rows(&sections));
}

void view_compare_timeline_message(const struct session *lanes, struct view_state *state)
{
	size_t step = session_step(lanes), last = session_last_step(lanes);
	struct step_info info;
	const char *source = step > 0 && session_step_info(session_lane(lanes, 0), step, &info) ? info.source : "";
	int len = snprintf(state->message, sizeof state->message, "step %zu / %zu", step, last);
	if (step > 0 && len > 0 && (size_t)len < sizeof state->message) {
		snprintf(state->message + len, sizeof state->message - (size_t)len, ": %.100s ->", source);
		for (size_t i = 0; i < session_lane_count(lanes); i++) {
			char words[96];
			size_t used = strlen(state->message);
			words_lane_outcome(lanes, i, step, words, sizeof words);
			snprintf(state->message + used, sizeof state->message - used, "%s %s: %s", i ? ";" : "",
				 heap_policy_name(session_lane_policy(lanes, i)), words);
		}
	}
	state->message_role = compare_step_differs(lanes, step) ? ROLE_REFUSED : ROLE_NOTE;
}
