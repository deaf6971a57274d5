/* ui_keys.c - keys and clicks to what they do: the key table (keymap.c) picks the action, one handler per action. */
#include "ui_internal.h"

#include <curses.h>

/* Rows a page key moves: most of what is visible, never zero. */
static size_t page_rows(const struct ui *ui)
{
	return ui->screen.height > 8 ? (size_t)(ui->screen.height - 6) : 1;
}

static void scroll_by(size_t *position, long delta, size_t limit)
{
	if (delta < 0)
		*position = (size_t)-delta > *position ? 0 : *position - (size_t)-delta;
	else
		*position += (size_t)delta;
	if (*position > limit)
		*position = limit;
}

/* The furthest the help overlay scrolls: its last line at the bottom of the area it has. */
static size_t help_scroll_limit(const struct ui *ui)
{
	struct view_layout layout;
	size_t lines;

	view_layout(ui->screen.width, ui->screen.height, &layout);
	lines = view_help_lines(&ui->state, layout.main.width);
	return lines > (size_t)layout.main.height ? lines - (size_t)layout.main.height : 0;
}


/* Several lanes (--compare) shown side by side: not zoomed into one lane by the inspector or the hex view. */
static bool comparing(const struct ui *ui)
{
	return session_lane_count(ui->session) > 1 && !ui->state.has_selection && !ui->state.show_hex &&
	       !ui->state.show_free_lists;
}

/* The lane the cursor is on: what the inspector, the hex view and the grid's geometry read. */
const struct session *ui_cursor_lane(const struct ui *ui)
{
	const struct session *lane = session_lane(ui->session, ui->state.lane);
	return lane ? lane : ui->session;
}


/* --- the grid and the inspector -------------------------------------------- */

/* The grid's geometry at the current size, as the view lays it out. */
static struct grid_geometry current_geometry(const struct ui *ui)
{
	if (comparing(ui))
		return view_compare_grid_geometry(ui->session, ui->screen.width, ui->screen.height);
	return view_grid_geometry(session_heap(ui_cursor_lane(ui)), &ui->state, ui->screen.width, ui->screen.height);
}

/* Move the inspector cursor by whole cells; a move that would leave the heap does nothing. */
static void move_cursor(struct ui *ui, long cells)
{
	struct grid_geometry geometry = current_geometry(ui);
	size_t step = geometry.bytes_per_cell ? geometry.bytes_per_cell : 1;
	size_t cell = ui->state.cursor / step;
	size_t last = (heap_size(session_heap(ui->session)) - 1) / step;

	if (cell > last)
		cell = last;
	if (cells < 0 && (size_t)-cells <= cell) {
		cell -= (size_t)-cells;
	} else if (cells > 0 && (size_t)cells <= last - cell) {
		cell += (size_t)cells;
	} else if (comparing(ui) && geometry.columns > 0 && (cells == geometry.columns || cells == -geometry.columns)) {
		/* Up from a lane's first row or down from its last: the same column of the lane above or below. */
		size_t column = cell % (size_t)geometry.columns, last_row = last - last % (size_t)geometry.columns;
		if (cells < 0 && ui->state.lane > 0) {
			ui->state.lane--;
			cell = last_row + column <= last ? last_row + column : last;
		} else if (cells > 0 && ui->state.lane + 1 < session_lane_count(ui->session)) {
			ui->state.lane++;
			cell = column;
		}
	}
	ui->state.cursor = cell * step;
}


/* Rows beyond those the grid area shows, i.e. how far a view of `rows` rows can scroll. */
static size_t scroll_limit(const struct ui *ui, size_t rows)
{
	struct view_layout layout;

	view_layout(ui->screen.width, ui->screen.height, &layout);
	return rows > (size_t)layout.grid.height ? rows - (size_t)layout.grid.height : 0;
}

/* PgUp/PgDn and the wheel: scroll the hex view when it is shown, else the grid (the view clamps too). */
static unsigned scroll_view(struct ui *ui, long pages_or_rows, bool page)
{
	long delta = page ? pages_or_rows * (long)page_rows(ui) : pages_or_rows;

	if (ui->state.show_hex) {
		size_t rows = view_hex_rows(session_heap(ui_cursor_lane(ui)), ui->screen.width);

		scroll_by(&ui->state.hex_scroll, delta, scroll_limit(ui, rows));
	} else {
		struct grid_geometry geometry = current_geometry(ui);

		scroll_by(&ui->state.grid_scroll, delta, scroll_limit(ui, geometry.rows > 0 ? (size_t)geometry.rows : 0));
	}
	return REACT_REDRAW;
}

static unsigned mouse_event(struct ui *ui, const struct ui_key *key)
{
	size_t address;

	switch (key->mouse_action) {
	case MOUSE_WHEEL_UP:
		if (ui->state.show_help) {
			scroll_by(&ui->state.help_scroll, -3, help_scroll_limit(ui));
			return REACT_REDRAW;
		}
		return scroll_view(ui, -3, false);
	case MOUSE_WHEEL_DOWN:
		if (ui->state.show_help) {
			scroll_by(&ui->state.help_scroll, 3, help_scroll_limit(ui));
			return REACT_REDRAW;
		}
		return scroll_view(ui, 3, false);
	case MOUSE_CLICK:
		if (ui->state.show_help || ui->state.show_hex)
			return REACT_NONE;
		if (comparing(ui)) {
			/* Several lanes side by side: the click picks the lane as well as the block, as the cursor would. */
			size_t lane;
			if (!view_compare_grid_hit(ui->session, ui->screen.width, ui->screen.height, key->mouse_row,
						   key->mouse_column, &lane, &address))
				return REACT_NONE;
			ui->state.lane = lane;
			ui->state.cursor = address;
			ui->state.has_selection = true;
			ui->state.focus = FOCUS_GRID;
			return REACT_REDRAW;
		}
		if (view_grid_hit(session_heap(ui_cursor_lane(ui)), &ui->state, ui->screen.width, ui->screen.height,
				  key->mouse_row, key->mouse_column, &address)) {
			ui->state.cursor = address;
			ui->state.has_selection = true;
			ui->state.focus = FOCUS_GRID;
			return REACT_REDRAW;
		}
		return REACT_NONE;
	default:
		return REACT_NONE;
	}
}

/* --- one handler per action of the key table ---------------------------------- */

static unsigned help_open(struct ui *ui)
{
	ui_open_help(ui, NULL);
	return REACT_REDRAW;
}

static unsigned help_close(struct ui *ui)
{
	ui_close_help(ui);
	return REACT_REDRAW;
}

static unsigned help_scroll(struct ui *ui, long delta)
{
	scroll_by(&ui->state.help_scroll, delta, help_scroll_limit(ui));
	return REACT_REDRAW;
}

static unsigned help_line_up(struct ui *ui) { return help_scroll(ui, -1); }
static unsigned help_line_down(struct ui *ui) { return help_scroll(ui, 1); }
static unsigned help_page_up(struct ui *ui) { return help_scroll(ui, -(long)page_rows(ui)); }
static unsigned help_page_down(struct ui *ui) { return help_scroll(ui, (long)page_rows(ui)); }

static unsigned help_top(struct ui *ui)
{
	ui->state.help_scroll = 0;
	return REACT_REDRAW;
}

static unsigned help_bottom(struct ui *ui)
{
	ui->state.help_scroll = help_scroll_limit(ui);
	return REACT_REDRAW;
}

static unsigned history_prev(struct ui *ui) { return ui_bar_edit(ui, EDIT_HISTORY_PREV); }
static unsigned history_next(struct ui *ui) { return ui_bar_edit(ui, EDIT_HISTORY_NEXT); }
static unsigned edit_left(struct ui *ui) { return ui_bar_edit(ui, EDIT_LEFT); }
static unsigned edit_right(struct ui *ui) { return ui_bar_edit(ui, EDIT_RIGHT); }
static unsigned edit_home(struct ui *ui) { return ui_bar_edit(ui, EDIT_HOME); }
static unsigned edit_end(struct ui *ui) { return ui_bar_edit(ui, EDIT_END); }
static unsigned edit_backspace(struct ui *ui) { return ui_bar_edit(ui, EDIT_BACKSPACE); }
static unsigned edit_delete(struct ui *ui) { return ui_bar_edit(ui, EDIT_DELETE); }
static unsigned edit_kill_line(struct ui *ui) { return ui_bar_edit(ui, EDIT_KILL_LINE); }
static unsigned edit_kill_word(struct ui *ui) { return ui_bar_edit(ui, EDIT_KILL_WORD); }

static unsigned focus_grid(struct ui *ui)
{
	ui->state.focus = FOCUS_GRID;
	return REACT_REDRAW;
}

static unsigned focus_bar(struct ui *ui)
{
	ui->state.focus = FOCUS_BAR;
	ui->state.has_selection = false;
	return REACT_REDRAW;
}

/* Up and down move by one row of the grid as it is laid out now. */
static unsigned move_rows(struct ui *ui, long rows)
{
	struct grid_geometry geometry = current_geometry(ui);
	move_cursor(ui, rows * (geometry.columns > 0 ? geometry.columns : 1));
	return REACT_REDRAW;
}

static unsigned move_left(struct ui *ui) { move_cursor(ui, -1); return REACT_REDRAW; }
static unsigned move_right(struct ui *ui) { move_cursor(ui, 1); return REACT_REDRAW; }
static unsigned move_up(struct ui *ui) { return move_rows(ui, -1); }
static unsigned move_down(struct ui *ui) { return move_rows(ui, 1); }

static unsigned select_block(struct ui *ui)
{
	ui->state.has_selection = true;
	return REACT_REDRAW;
}

static unsigned cursor_first(struct ui *ui)
{
	ui->state.cursor = 0;
	return REACT_REDRAW;
}

static unsigned cursor_last(struct ui *ui)
{
	ui->state.cursor = heap_size(session_heap(ui->session)) - 1;
	move_cursor(ui, 0);
	return REACT_REDRAW;
}

static unsigned first_step(struct ui *ui) { return ui_goto_step(ui, 0); }
static unsigned last_step(struct ui *ui) { return ui_goto_step(ui, session_last_step(ui->session)); }
static unsigned page_up(struct ui *ui) { return scroll_view(ui, -1, true); }
static unsigned page_down(struct ui *ui) { return scroll_view(ui, 1, true); }
static unsigned undo(struct ui *ui) { return ui_run_key_command(ui, "undo"); }
static unsigned redo(struct ui *ui) { return ui_run_key_command(ui, "redo"); }

/* Several lanes: the hex view of the lane the cursor is on. */
static unsigned toggle_hex(struct ui *ui)
{
	ui->state.show_hex = !ui->state.show_hex;
	return REACT_REDRAW;
}

/* The free-list view (view_free_lists.c) in the panel's place; several lanes: of the lane the cursor is on. */
static unsigned toggle_free_lists(struct ui *ui)
{
	ui->state.show_free_lists = !ui->state.show_free_lists;
	return REACT_REDRAW;
}

/* n / p: the cursor to the next / previous free block in the allocator's walk order, the view opened to show it. */
static unsigned free_step(struct ui *ui, bool forward)
{
	size_t offset;

	if (!view_free_lists_step(session_heap(ui_cursor_lane(ui)), ui->state.cursor, forward, &offset)) {
		ui_set_message(ui, ROLE_NOTE, "free lists: no free block to move to");
		return REACT_REDRAW;
	}
	ui->state.show_free_lists = true;
	ui->state.has_selection = true;
	ui->state.cursor = offset; /* the block's first byte: its cell is the block's even when a cell holds more */
	return REACT_REDRAW;
}

static unsigned free_next(struct ui *ui) { return free_step(ui, true); }
static unsigned free_prev(struct ui *ui) { return free_step(ui, false); }

static unsigned redraw(struct ui *ui)
{
	(void)ui;
	return REACT_FULL;
}

static unsigned quit(struct ui *ui)
{
	(void)ui;
	return REACT_QUIT;
}

static unsigned play(struct ui *ui) { return ui_toggle_play(ui); }
static unsigned slower(struct ui *ui) { return ui_change_speed(ui, false); }
static unsigned faster(struct ui *ui) { return ui_change_speed(ui, true); }

static unsigned (*const handlers[ACTION_COUNT])(struct ui *) = {
	[ACTION_HELP_OPEN] = help_open, [ACTION_HELP_CLOSE] = help_close,
	[ACTION_HELP_LINE_UP] = help_line_up, [ACTION_HELP_LINE_DOWN] = help_line_down,
	[ACTION_HELP_PAGE_UP] = help_page_up, [ACTION_HELP_PAGE_DOWN] = help_page_down,
	[ACTION_HELP_TOP] = help_top, [ACTION_HELP_BOTTOM] = help_bottom,
	[ACTION_RUN_LINE] = ui_run_bar_line, [ACTION_COMPLETE] = ui_bar_complete,
	[ACTION_HISTORY_PREV] = history_prev, [ACTION_HISTORY_NEXT] = history_next,
	[ACTION_EDIT_LEFT] = edit_left, [ACTION_EDIT_RIGHT] = edit_right, [ACTION_EDIT_HOME] = edit_home,
	[ACTION_EDIT_END] = edit_end, [ACTION_EDIT_BACKSPACE] = edit_backspace, [ACTION_EDIT_DELETE] = edit_delete,
	[ACTION_EDIT_KILL_LINE] = edit_kill_line, [ACTION_EDIT_KILL_WORD] = edit_kill_word,
	[ACTION_FOCUS_GRID] = focus_grid, [ACTION_FOCUS_BAR] = focus_bar,
	[ACTION_MOVE_LEFT] = move_left, [ACTION_MOVE_RIGHT] = move_right, [ACTION_MOVE_UP] = move_up,
	[ACTION_MOVE_DOWN] = move_down, [ACTION_SELECT] = select_block,
	[ACTION_CURSOR_FIRST] = cursor_first, [ACTION_CURSOR_LAST] = cursor_last,
	[ACTION_FIRST_STEP] = first_step, [ACTION_LAST_STEP] = last_step,
	[ACTION_PAGE_UP] = page_up, [ACTION_PAGE_DOWN] = page_down, [ACTION_UNDO] = undo, [ACTION_REDO] = redo,
	[ACTION_HEX] = toggle_hex, [ACTION_REDRAW] = redraw, [ACTION_QUIT] = quit,
	[ACTION_PLAY] = play, [ACTION_SLOWER] = slower, [ACTION_FASTER] = faster,
	[ACTION_FREE_LISTS] = toggle_free_lists, [ACTION_FREE_NEXT] = free_next, [ACTION_FREE_PREV] = free_prev,
};

unsigned ui_handle_key(struct ui *ui, const struct ui_key *key)
{
	if (key->pasted || key->paste_end)
		return ui_paste_key(ui, key);
	if (key->function && key->code == KEY_RESIZE)
		return REACT_REDRAW;
	if (key->unknown)
		return REACT_NONE;
	if (key->mouse)
		return mouse_event(ui, key);
	struct keymap_context context = {
		ui->state.show_help ? KEYMAP_IN_HELP : ui->state.focus == FOCUS_GRID ? KEYMAP_IN_GRID : KEYMAP_IN_BAR,
		ui->state.timeline, ui->editor.len == 0,
	};
	const struct keymap_binding *binding = keymap_find(ui_key_id(key->function, key->code), &context);
	if (binding && handlers[binding->action])
		return handlers[binding->action](ui);
	/* Not a binding: text for the bar; in the grid, a reminder of its keys; nothing in the help. */
	if (context.mode == KEYMAP_IN_HELP || key->function)
		return REACT_NONE;
	if (context.mode == KEYMAP_IN_GRID) {
		char move[48], select[32], back[32];
		keymap_keys_of(ACTION_MOVE_LEFT, KEYMAP_IN_GRID, 2, move, sizeof move);
		keymap_keys_of(ACTION_SELECT, KEYMAP_IN_GRID, 1, select, sizeof select);
		keymap_keys_of(ACTION_FOCUS_BAR, KEYMAP_IN_GRID, 1, back, sizeof back);
		ui_set_message(ui, ROLE_NOTE, "grid: %s move, %s selects, %s returns to the command bar", move, select, back);
		return REACT_REDRAW;
	}
	return ui_bar_type(ui, key->code);
}
