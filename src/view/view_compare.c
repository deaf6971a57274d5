/* view_compare.c - the compare view: one grid per policy stacked, each with its key statistics, and where outcomes differ. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "strbuf.h"
#include "words.h"

/*
 * The N > 1 layout of the frame view_render draws: the title, the main
 * area and the key hints are these; the message line, command bar, help
 * overlay and too-small screen are the frame's own. The main area is split
 * into one section per policy, all of the same height so every grid gets the
 * same scale, then a legend and a line saying whether the current step's
 * outcomes differ. view_render chooses this geometry before drawing: nothing
 * is drawn twice.
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

/* One statistic of a section: its names from the table (stat_table.c), its value as the panel has it. */
struct section_item {
	const char *label, *shorter, *value;
	enum style_role role;
};

static struct section_item section_item(const struct view_statistic *stats, enum view_statistic_id id)
{
	const struct stat_entry *entry = stat_entry(id);
	return (struct section_item){entry->compare_label, entry->compare_short, stats[id].value, stats[id].role};
}

/*
 * Two label/value pairs on a row (the second may be absent), each in its
 * half; where one would not fit its half the split moves so both are whole,
 * and where both labels whole do not fit the row, the shorter names do.
 */
static void pair(struct screen *screen, int row, int column, int width, const struct section_item *first,
		 const struct section_item *second)
{
	int left = (width - 2) / 2;
	const char *label1 = first->label, *label2 = second ? second->label : NULL;
	int need1 = cells(label1) + 1 + cells(first->value), need2 = second ? cells(label2) + 1 + cells(second->value) : 0;
	if (need1 + 2 + need2 > width) {
		label1 = first->shorter;
		label2 = second ? second->shorter : NULL;
		need1 = cells(label1) + 1 + cells(first->value);
		need2 = second ? cells(label2) + 1 + cells(second->value) : 0;
	}
	if (need1 + 2 + need2 <= width) {
		if (need1 > left)
			left = need1;
		if (need2 > width - 2 - left)
			left = width - 2 - need2;
	}
	segment(screen, row, column, second || need1 <= left ? left : width, label1, first->value, first->role);
	if (second)
		segment(screen, row, column + left + 2, width - left - 2, label2, second->value, second->role);
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

/* What each arrangement of a section shows, the most telling first; VIEW_STAT_COUNT: no second statistic. */
static const enum view_statistic_id narrow_lines[] = {
	VIEW_STAT_FRAGMENTATION, VIEW_STAT_FAILED_ALLOCS, VIEW_STAT_FREE_BYTES, VIEW_STAT_LARGEST_FREE,
	VIEW_STAT_USED_BYTES,
};
static const enum view_statistic_id one_line[] = {
	VIEW_STAT_FREE_BYTES, VIEW_STAT_FRAGMENTATION, VIEW_STAT_FAILED_ALLOCS,
};
static const enum view_statistic_id two_rows[][2] = {
	{VIEW_STAT_FREE_BYTES, VIEW_STAT_LARGEST_FREE}, {VIEW_STAT_FRAGMENTATION, VIEW_STAT_FAILED_ALLOCS},
};
static const enum view_statistic_id full_rows[][2] = {
	{VIEW_STAT_USED_BYTES, VIEW_STAT_FREE_BYTES}, {VIEW_STAT_LARGEST_FREE, VIEW_STAT_FRAGMENTATION},
	{VIEW_STAT_FAILED_ALLOCS, VIEW_STAT_UTILIZATION}, {VIEW_STAT_USED_BLOCKS, VIEW_STAT_FREE_BLOCKS},
	{VIEW_STAT_REQUESTED, VIEW_STAT_OVERHEAD}, {VIEW_STAT_PEAK_UTILIZATION, VIEW_STAT_COUNT},
};

static int pair_rows(struct screen *screen, int row, int column, int width, int rows, const struct view_statistic *stats,
		     const enum view_statistic_id (*ids)[2], size_t count)
{
	int line = 0;
	for (size_t i = 0; i < count && line < rows; i++) {
		struct section_item first = section_item(stats, ids[i][0]), second;
		if (ids[i][1] != VIEW_STAT_COUNT)
			second = section_item(stats, ids[i][1]);
		pair(screen, row + line++, column, width, &first, ids[i][1] != VIEW_STAT_COUNT ? &second : NULL);
	}
	return line;
}

/* The key statistics of one member in rows rows (its name too when there is no heading). */
static void draw_section_stats(struct screen *screen, int row, int column, int width, int rows,
			       const struct session *lanes, size_t index, bool named, const struct view_state *state)
{
	struct view_statistic stats[VIEW_STAT_COUNT];
	view_statistics(session_lane(lanes, index), stats);
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
		/* One statistic a row. */
		for (size_t i = 0; i < sizeof narrow_lines / sizeof narrow_lines[0] && line < rows; i++) {
			struct section_item item = section_item(stats, narrow_lines[i]);
			segment(screen, row + line++, column, width, item.label, item.value, item.role);
		}
		return;
	}
	if (left == 1) {
		/* "free 248 B  frag 58 %  failed 1" in the colour of a refusal when one failed. */
		struct strbuf text;
		strbuf_init(&text);
		for (size_t i = 0; i < sizeof one_line / sizeof one_line[0]; i++)
			strbuf_printf(&text, "%s%s %s", i ? "  " : "", stat_entry(one_line[i])->compare_label,
				      stats[one_line[i]].value);
		screen_put(screen, row + line, column, width, strbuf_text(&text), stats[VIEW_STAT_FAILED_ALLOCS].role);
		strbuf_release(&text);
		return;
	}
	if (left == 2)
		pair_rows(screen, row + line, column, width, rows - line, stats, two_rows,
			  sizeof two_rows / sizeof two_rows[0]);
	else
		pair_rows(screen, row + line, column, width, rows - line, stats, full_rows,
			  sizeof full_rows / sizeof full_rows[0]);
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

/* The key hints of the compare layout, from the key table (the help's own, and the caret under an error, are the frame's). */
void view_compare_draw_hints(struct screen *screen, const struct view_state *state, int row)
{
	screen_fill(screen, row, 0, screen->width, 1, ' ', ROLE_TEXT);
	view_draw_hints(screen, row, state, true);   /* the key table's hints for several lanes */
}

/* --- the layout's parts ------------------------------------------------------------------ */

/* The sections' geometry in the frame's main area, and the grids' (the same for every lane). */
static void sections_of(const struct session *lanes, const struct view_layout *layout, struct compare_layout *sections,
			struct grid_geometry *geometry)
{
	size_t heap_bytes = heap_size(session_heap(session_lane(lanes, 0)));
	compare_layout(layout, session_lane_count(lanes), heap_bytes, sections);
	*geometry = layout_grid(heap_bytes, sections->grid_width, grid_rows(sections));
}

void view_compare_draw_title(struct screen *screen, const struct session *lanes, const struct view_state *state,
			     const struct view_layout *layout)
{
	struct compare_layout sections;
	struct grid_geometry geometry;
	sections_of(lanes, layout, &sections, &geometry);
	draw_title(screen, lanes, state, layout->title_row, geometry.bytes_per_cell);
}

void view_compare_draw_main(struct screen *screen, const struct session *lanes, const struct view_state *state,
			    const struct view_layout *layout)
{
	struct compare_layout sections;
	struct grid_geometry geometry;
	sections_of(lanes, layout, &sections, &geometry);
	/* The sections show each lane's whole grid: the inspector and the hex view belong to one lane's frame. */
	struct view_state grid_state = *state;
	grid_state.show_hex = false;
	grid_state.has_selection = false;
	grid_state.grid_scroll = 0;
	draw_sections(screen, lanes, &grid_state, state, &sections);
	draw_difference(screen, lanes, state, sections.difference_row);
}

struct grid_geometry view_compare_grid_geometry(const struct session *lanes, int width, int height)
{
	struct view_layout layout;
	view_layout(width, height, &layout);
	struct compare_layout sections;
	struct grid_geometry geometry;
	sections_of(lanes, &layout, &sections, &geometry);
	return geometry;
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

bool view_compare_grid_hit(const struct session *lanes, int width, int height, int row, int column, size_t *lane,
			   size_t *address)
{
	struct view_layout layout;
	view_layout(width, height, &layout);
	if (layout.too_small)
		return false;
	size_t heap_bytes = heap_size(session_heap(session_lane(lanes, 0)));
	struct compare_layout sections;
	compare_layout(&layout, session_lane_count(lanes), heap_bytes, &sections);
	int rows = grid_rows(&sections);
	/* The cells as draw_sections lays them out: each section's grid below its heading, never scrolled. */
	struct grid_geometry geometry = layout_grid(heap_bytes, sections.grid_width, rows);
	int visible = geometry.rows < rows ? geometry.rows : rows;
	for (size_t i = 0; i < session_lane_count(lanes); i++) {
		int grid_top = sections.top + (int)i * sections.section_rows + (sections.headings ? 1 : 0);
		int r = row - grid_top, c = column - geometry.label_width;
		if (r < 0 || r >= visible || c < 0 || c >= geometry.columns)
			continue;
		size_t byte = ((size_t)r * (size_t)geometry.columns + (size_t)c) * geometry.bytes_per_cell;
		if (byte >= heap_bytes)
			return false;
		*lane = i;
		*address = byte;
		return true;
	}
	return false;
}
