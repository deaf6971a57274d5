/* view.c - composes a frame: layout, title, command bar, hints, messages and the too-small screen. */
#include "view.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "words.h"

/* --- symbols ---------------------------------------------------------------- */

/* Each symbol as UTF-8 and as ASCII, chosen once per frame from state->ascii. */
static const char *const symbols[SYM_COUNT][2] = {
	[SYM_HLINE] = {"─", "-"},      [SYM_VLINE] = {"│", "|"},
	[SYM_CORNER_TL] = {"┌", "+"},  [SYM_CORNER_TR] = {"┐", "+"},
	[SYM_CORNER_BL] = {"└", "+"},  [SYM_CORNER_BR] = {"┘", "+"},
	[SYM_OK] = {"✓", "+"},         [SYM_REFUSED] = {"!", "!"},
	[SYM_ERROR] = {"✗", "x"},      [SYM_NOTE] = {"•", "*"},
	[SYM_ARROW] = {"→", "->"},     [SYM_TIMES] = {"×", "x"},
	[SYM_SEPARATOR] = {" · ", " - "}, [SYM_PLAY] = {"▶", ">"},
	[SYM_PAUSE] = {"❚❚", "||"},    [SYM_PROGRESS] = {"━", "="},
	[SYM_CARET] = {"^", "^"},      [SYM_MINUS] = {"−", "-"},
	[SYM_UPDOWN] = {"↑↓", "Up/Down"}, [SYM_ROVER] = {"▸", ">"},
};

const char *view_symbol(const struct view_state *state, enum view_symbol symbol)
{
	return symbols[symbol][state->ascii ? 1 : 0];
}

/* --- text helpers ------------------------------------------------------------- */

int view_putf(struct screen *screen, int row, int column, int max_width, enum style_role role, const char *format, ...)
{
	char text[512];
	va_list args;
	va_start(args, format);
	vsnprintf(text, sizeof text, format, args);
	va_end(args);
	return screen_put(screen, row, column, max_width, text, role);
}

size_t view_wrap_next(const char *text, size_t len, int width, bool split_lines, size_t *line_len)
{
	*line_len = 0;
	if (len == 0)
		return 0;
	size_t segment = len, after = 0;
	if (split_lines) {
		const char *newline = memchr(text, '\n', len);
		if (newline) {
			segment = (size_t)(newline - text);
			after = 1;
		}
	}
	if (width < 1)
		width = 1;
	size_t fit = screen_text_fit(text, segment, width, NULL);
	if (fit >= segment) {
		*line_len = segment;
		return segment + after;
	}
	size_t line = fit, skip = fit;
	if (text[fit] != ' ') {
		size_t space = fit;
		while (space > 0 && text[space - 1] != ' ')
			space--;
		if (space > 0)
			line = skip = space - 1;
	}
	if (line == 0 && skip == 0) {
		/* One character wider than the line: take it whole and let drawing clip it. */
		line = skip = screen_text_fit(text, segment, 12, NULL);
		if (skip == 0)
			line = skip = 1;
	}
	while (line > 0 && text[line - 1] == ' ')
		line--;
	while (skip < segment && text[skip] == ' ')
		skip++;
	*line_len = line;
	return skip;
}

int view_put_wrapped(struct screen *screen, int row, int column, int width, int max_rows, const char *text,
		     bool split_lines, enum style_role role)
{
	int rows = 0;
	size_t len = text ? strlen(text) : 0;
	for (size_t pos = 0; pos < len && rows < max_rows;) {
		size_t line;
		size_t skip = view_wrap_next(text + pos, len - pos, width, split_lines, &line);
		if (skip == 0)
			break;
		screen_put_styled(screen, row + rows, column, width, text + pos, line, role, 0, 0);
		rows++;
		pos += skip;
	}
	return rows;
}

int view_wrapped_rows(const char *text, int width, bool split_lines)
{
	int rows = 0;
	size_t len = text ? strlen(text) : 0;
	for (size_t pos = 0; pos < len;) {
		size_t line;
		size_t skip = view_wrap_next(text + pos, len - pos, width, split_lines, &line);
		if (skip == 0)
			break;
		rows++;
		pos += skip;
	}
	return rows;
}

void view_format_bytes(size_t bytes, char *buffer, size_t size)
{
	if (bytes < 100000)
		snprintf(buffer, size, "%zu B", bytes);
	else if (bytes < (size_t)10000 * 1024)
		snprintf(buffer, size, "%zu KiB", (bytes + 512) / 1024);
	else
		snprintf(buffer, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
}

void view_format_pace(unsigned speed_percent, bool ascii, char *buffer, size_t size)
{
	const char *times = ascii ? "x" : "×";
	unsigned speed = speed_percent ? speed_percent : 100;
	if (speed % 100 == 0)
		snprintf(buffer, size, "%u%s", speed / 100, times);
	else if (100 % speed == 0 && !ascii && (100 / speed == 2 || 100 / speed == 4))
		snprintf(buffer, size, "%s%s", 100 / speed == 2 ? "½" : "¼", times);
	else if (100 % speed == 0)
		snprintf(buffer, size, "1/%u%s", 100 / speed, times);
	else
		snprintf(buffer, size, "%.2g%s", speed / 100.0, times);
}

void view_heading(struct screen *screen, int row, int column, int width, const struct view_state *state,
		  const char *title)
{
	const char *line = view_symbol(state, SYM_HLINE);
	for (int c = 0; c < width; c++)
		screen_put(screen, row, column + c, 1, line, ROLE_BORDER);
	int used = screen_put(screen, row, column + 3, width - 4, " ", ROLE_BORDER);
	used += screen_put(screen, row, column + 3 + used, width - 4 - used, title, ROLE_HEADING);
	screen_put(screen, row, column + 3 + used, width - 3 - used, " ", ROLE_BORDER);
}

/* --- layout ------------------------------------------------------------------- */

void view_layout(int width, int height, struct view_layout *layout)
{
	memset(layout, 0, sizeof *layout);
	if (width < VIEW_MIN_WIDTH || height < VIEW_MIN_HEIGHT) {
		layout->too_small = true;
		layout->title_row = layout->message_row = layout->bar_row = layout->hint_row = -1;
		return;
	}
	layout->title_row = 0;
	layout->message_row = height - 3;
	layout->bar_row = height - 2;
	layout->hint_row = height - 1;
	layout->main = (struct view_rect){1, 0, width, height - 4};
	if (width >= 72) {
		/* The panel grows a little with the terminal; the grid takes the rest (more columns). */
		int panel = width < 100 ? 40 : width < 140 ? 46 : 54;
		layout->panel_beside = true;
		layout->grid = (struct view_rect){1, 0, width - panel, layout->main.height};
		layout->panel = (struct view_rect){1, width - panel, panel, layout->main.height};
	} else {
		int panel = layout->main.height < 16 ? 2 : layout->main.height / 2;
		layout->grid = (struct view_rect){1, 0, width, layout->main.height - panel};
		layout->panel = (struct view_rect){1 + layout->grid.height, 0, width, panel};
	}
}

/* --- title -------------------------------------------------------------------- */

static int title_width(const char *text)
{
	return (int)screen_text_width(text, strlen(text));
}

static void draw_title(struct screen *screen, const struct session *session, const struct view_state *state,
		       const struct view_layout *layout)
{
	const struct heap *heap = session_heap(session);
	int row = layout->title_row, width = screen->width;
	screen_fill(screen, row, 0, width, 1, ' ', ROLE_TITLE);

	char right[96], pace[16];
	int right_len;
	/* The pace is a multiple (1×, 2×), never a percentage: a percentage there read as progress. */
	view_format_pace(state->speed_percent, state->ascii, pace, sizeof pace);
	if (state->timeline)
		right_len = snprintf(right, sizeof right, "%s %s  step %zu / %zu ",
				     view_symbol(state, state->playing ? SYM_PLAY : SYM_PAUSE), pace,
				     session_step(session), session_last_step(session));
	else
		right_len = snprintf(right, sizeof right, "step %zu / %zu ", session_step(session),
				     session_last_step(session));
	int right_width = (int)screen_text_width(right, (size_t)right_len);
	int right_column = width - right_width;
	screen_put(screen, row, right_column, right_width, right, ROLE_TITLE);

	int limit = right_column - 1;
	char size[32], cell[48], details[4][160];
	const char *sep = view_symbol(state, SYM_SEPARATOR);
	char policy[48];
	/* A LIFO or FIFO free list is part of the policy: "first fit (LIFO)"; address order says nothing, as before. */
	if (heap_order(heap) == HEAP_ORDER_ADDRESS)
		snprintf(policy, sizeof policy, "%s", heap_policy_title(heap_policy(heap)));
	else
		snprintf(policy, sizeof policy, "%s (%s)", heap_policy_title(heap_policy(heap)),
			 heap_order(heap) == HEAP_ORDER_LIFO ? "LIFO" : "FIFO");
	view_format_bytes(heap_size(heap), size, sizeof size);
	if (state->show_hex) {
		snprintf(cell, sizeof cell, "hex view");
	} else {
		char bytes[24];
		view_format_bytes(view_grid_geometry(heap, state, screen->width, screen->height).bytes_per_cell, bytes,
				  sizeof bytes);
		snprintf(cell, sizeof cell, "1 cell = %s", bytes);
	}
	/* From the most to the least verbose: a narrow terminal keeps the scale and drops the rest. */
	snprintf(details[0], sizeof details[0], "%s%s%s%salign %u%s%s", policy, sep, size, sep, heap_alignment(heap),
		 sep, cell);
	snprintf(details[1], sizeof details[1], "%s%s%s%s%s", policy, sep, size, sep, cell);
	snprintf(details[2], sizeof details[2], "%s%s%s", policy, sep, cell);
	snprintf(details[3], sizeof details[3], "%s", cell);
	int file_width = state->title_file ? (int)screen_text_width(state->title_file, strlen(state->title_file)) + 2 : 0;
	int column = 1;
	size_t choice = 0, choices = sizeof details / sizeof details[0];
	while (choice < 2 && 9 + file_width + title_width(details[choice]) > limit)
		choice++;
	if (9 + file_width + title_width(details[choice]) <= limit || limit > 40) {
		column += screen_put_styled(screen, row, column, limit - column, "heapviz", 7, ROLE_TITLE, 0, CELL_BOLD);
		column += screen_put(screen, row, column, limit - column, "  ", ROLE_TITLE);
	}
	if (state->title_file) {
		column += screen_put(screen, row, column, limit - column, state->title_file, ROLE_TITLE);
		column += screen_put(screen, row, column, limit - column, "  ", ROLE_TITLE);
	}
	/* Whole details or none: never half a number. */
	while (choice + 1 < choices && title_width(details[choice]) > limit - column)
		choice++;
	if (title_width(details[choice]) <= limit - column)
		column += screen_put(screen, row, column, limit - column, details[choice], ROLE_TITLE);

	/* Playback progress fills the gap between the details and the step counter. */
	if (state->timeline && session_last_step(session) > 0 && limit - column > 6) {
		int start = column + 2, bar = limit - column - 3;
		int done = (int)((double)bar * (double)session_step(session) / (double)session_last_step(session));
		for (int i = 0; i < bar; i++)
			screen_put(screen, row, start + i, 1, view_symbol(state, i < done ? SYM_PROGRESS : SYM_HLINE),
				   i < done ? ROLE_PROGRESS : ROLE_TITLE);
	}
}

/* --- message line, command bar, hints --------------------------------------------- */

static const struct {
	enum style_role role;
	enum view_symbol symbol;
} message_marks[] = {
	{ROLE_OK, SYM_OK}, {ROLE_REFUSED, SYM_REFUSED}, {ROLE_ERROR, SYM_ERROR}, {ROLE_NOTE, SYM_NOTE},
};

static void draw_message(struct screen *screen, const struct session *session, const struct view_state *state,
			 int row)
{
	int column = 1, width = screen->width - 1;
	if (state->message[0]) {
		/* The mark before the text says the same as its colour. */
		for (size_t i = 0; i < sizeof message_marks / sizeof message_marks[0]; i++) {
			if (message_marks[i].role == state->message_role) {
				column += screen_put(screen, row, column, width - column,
						     view_symbol(state, message_marks[i].symbol), state->message_role);
				column += screen_put(screen, row, column, width - column, " ", ROLE_TEXT);
			}
		}
		screen_put(screen, row, column, width - column, state->message, state->message_role);
		return;
	}
	struct step_info info;
	if (session_step(session) > 0 && session_step_info(session, session_step(session), &info)) {
		column += view_putf(screen, row, column, width - column, ROLE_DIM, "step %zu: ", session_step(session));
		screen_put(screen, row, column, width - column, info.source, ROLE_DIM);
	}
}

/* Byte offset where the visible part of the bar starts so the cursor stays on screen. */
static size_t bar_scroll(const struct view_input *input, int room)
{
	size_t start = 0;
	while (start < input->cursor && (int)screen_text_width(input->text + start, input->cursor - start) >= room) {
		start++;
		while (start < input->cursor && ((unsigned char)input->text[start] & 0xc0) == 0x80)
			start++;
	}
	return start;
}

static void draw_bar(struct screen *screen, const struct view_state *state, const struct view_layout *layout)
{
	int row = layout->bar_row;
	const char *prompt = "> ";
	int prompt_width = 2;
	screen_put(screen, row, 0, prompt_width, prompt, state->focus == FOCUS_BAR ? ROLE_KEY : ROLE_DIM);
	int room = screen->width - prompt_width;
	size_t start = 0;
	const struct view_input *input = state->input.text ? &state->input : NULL;
	if (input) {
		start = bar_scroll(input, room);
		screen_put_styled(screen, row, prompt_width, room, input->text + start, input->len - start, ROLE_INPUT, 0, 0);
		screen->cursor_row = row;
		screen->cursor_column = prompt_width + (int)screen_text_width(input->text + start, input->cursor - start);
	} else {
		screen->cursor_row = row;
		screen->cursor_column = prompt_width;
	}

	/* A rejected command: a caret under the offending column, on the line below the bar. */
	if (state->error_column > 0 && input) {
		size_t byte = state->error_column - 1;
		if (byte > input->len)
			byte = input->len;
		if (byte >= start) {
			int column = prompt_width + (int)screen_text_width(input->text + start, byte - start);
			if (column < screen->width) {
				screen_put(screen, layout->hint_row, column, 1, view_symbol(state, SYM_CARET), ROLE_ERROR);
			}
		}
	}
}

struct keymap_context view_key_context(const struct view_state *state)
{
	struct keymap_context context = {state->show_help ? KEYMAP_IN_HELP
					 : state->focus == FOCUS_GRID ? KEYMAP_IN_GRID : KEYMAP_IN_BAR,
					 state->timeline, state->input.len == 0};
	return context;
}

/* The hints of the key table (keymap.c) for where the keys go now; whole hints only: one that does not fit is left out. */
void view_draw_hints(struct screen *screen, int row, const struct view_state *state, bool comparing)
{
	struct keymap_context context = view_key_context(state);
	context.bar_empty = true;   /* what the keys do on an empty bar: the row stays put while typing (^D quit stays) */
	const struct keymap_hint *hints;
	size_t count = keymap_hints(&context, comparing, &hints);
	int column = 1;
	for (size_t i = 0; i < count; i++) {
		char key[48], word[48];
		keymap_hint_text(&hints[i], &context, state->ascii, key, sizeof key, word, sizeof word);
		if (!key[0])
			continue;
		int need = (int)(screen_text_width(key, strlen(key)) + 1 + strlen(word));
		if (column + need > screen->width)
			break;
		column += screen_put(screen, row, column, need, key, ROLE_KEY);
		column += screen_put(screen, row, column, need, " ", ROLE_DIM);
		column += screen_put(screen, row, column, need, word, ROLE_DIM);
		column += 2;
	}
}

static void draw_hint_row(struct screen *screen, const struct view_state *state, const struct view_layout *layout)
{
	if (state->error_column > 0 && state->input.text && !state->show_help)
		return;   /* the caret owns the row until the line is fixed */
	view_draw_hints(screen, layout->hint_row, state, false);
}

/* --- too small ---------------------------------------------------------------- */

static void draw_too_small(struct screen *screen, const struct view_state *state)
{
	char text[160];
	snprintf(text, sizeof text, "terminal too small:\nneed at least %d%s%d\n(now %d%s%d)", VIEW_MIN_WIDTH,
		 view_symbol(state, SYM_TIMES), VIEW_MIN_HEIGHT, screen->width, view_symbol(state, SYM_TIMES),
		 screen->height);
	int rows = view_wrapped_rows(text, screen->width, true);
	if (rows > screen->height)
		rows = screen->height;
	int top = (screen->height - rows) / 2;
	size_t len = strlen(text);
	int row = 0;
	for (size_t pos = 0; pos < len && row < rows;) {
		size_t line;
		size_t skip = view_wrap_next(text + pos, len - pos, screen->width, true, &line);
		if (skip == 0)
			break;
		int width = (int)screen_text_width(text + pos, line);
		int column = width < screen->width ? (screen->width - width) / 2 : 0;
		screen_put_styled(screen, top + row, column, screen->width, text + pos, line,
				  row == 0 ? ROLE_ERROR : ROLE_TEXT, 0, 0);
		row++;
		pos += skip;
	}
}

/* --- the frame ---------------------------------------------------------------- */

/*
 * The one frame for any number of lanes. Its geometry is chosen before
 * anything is drawn: one lane's (a grid or the hex view, and the panel), or
 * with several lanes the compare layout (view_compare.c: a section per lane),
 * which shares everything else - the message line, the command bar, the help
 * overlay, the too-small screen. With several lanes, the inspector's
 * selection and the hex view show the one-lane frame of the lane the cursor
 * is on.
 */
static void render_frame(struct screen *screen, const struct session *session, const struct view_state *state,
			 bool lanes)
{
	screen_clear(screen, ROLE_TEXT);
	if (!screen->cells || !session || !state)
		return;
	struct view_layout layout;
	view_layout(screen->width, screen->height, &layout);
	if (layout.too_small) {
		draw_too_small(screen, state);
		return;
	}
	if (lanes)
		view_compare_draw_title(screen, session, state, &layout);
	else
		draw_title(screen, session, state, &layout);
	if (state->show_help) {
		view_draw_help(screen, state, layout.main);
	} else if (lanes) {
		view_compare_draw_main(screen, session, state, &layout);
	} else {
		if (state->show_hex)
			view_draw_hex(screen, session, state, layout.grid);
		else
			view_draw_grid(screen, session, state, layout.grid);
		if (state->show_free_lists)
			view_draw_free_lists(screen, session, state, &layout);
		else
			view_draw_panel(screen, session, state, &layout);
	}
	draw_message(screen, session, state, layout.message_row);
	draw_bar(screen, state, &layout);
	if (lanes && !state->show_help && !(state->error_column > 0 && state->input.text))
		view_compare_draw_hints(screen, state, layout.hint_row);
	else
		draw_hint_row(screen, state, &layout);
}

void view_render(struct screen *screen, const struct session *session, const struct view_state *state)
{
	bool lanes = session && state && session_lane_count(session) > 1;
	const struct session *lane = lanes ? session_lane(session, state->lane) : NULL;
	if (lane && (state->has_selection || state->show_hex || state->show_free_lists))
		render_frame(screen, lane, state, false);
	else
		render_frame(screen, session, state, lanes);
}

void view_render_lane(struct screen *screen, const struct session *session, const struct view_state *state)
{
	render_frame(screen, session, state, false);
}

void view_compare_render(struct screen *screen, const struct session *session, const struct view_state *state)
{
	render_frame(screen, session, state, session != NULL);
}

void view_timeline_message(const struct session *session, struct view_state *state)
{
	if (session_lane_count(session) > 1) {
		view_compare_timeline_message(session, state);
		return;
	}
	char explain[280];
	words_explain_current(session, explain, sizeof explain);
	if (explain[0])
		snprintf(state->message, sizeof state->message, "step %zu / %zu: %s", session_step(session),
			 session_last_step(session), explain);
	else
		snprintf(state->message, sizeof state->message, "step %zu / %zu", session_step(session),
			 session_last_step(session));
	state->message_role = ROLE_NOTE;
}
