/* ui.c - the interactive front end: keys and clicks become session actions, each change one new frame. */
#include "ui.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ansi.h"
#include "cast.h"
#include "command.h"
#include "lineedit.h"
#include "names.h"
#include "outfile.h"
#include "screen.h"
#include "session.h"
#include "snapshot.h"
#include "strbuf.h"
#include "ui_complete.h"
#include "ui_term.h"
#include "view.h"
#include "words.h"

/* Control keys as wget_wch reports them. */
#define KEY_CTRL(letter) ((unsigned)((letter) & 0x1f))
#define KEY_ESCAPE 0x1bu
#define KEY_DELETE_CHAR 0x7fu

/* What handling an input asks of the loop (htop's HANDLED/REDRAW bits). */
enum reaction {
	REACT_NONE = 0,
	REACT_REDRAW = 1,     /* compose and paint a new frame */
	REACT_FULL = 2,       /* ... forgetting what the terminal shows (Ctrl-L) */
	REACT_QUIT = 4
};

/* --record: every frame painted is also encoded for the asciicast, from the same logical screen. */
struct recording {
	struct cast_writer *writer;
	struct screen last;       /* the frame the recording shows now, to encode only what changed */
	struct ansi_style style;
	long long start_ms;
	const char *path;         /* for the message when a write fails */
	bool reported;            /* that message was shown */
};

struct ui {
	struct session *session;   /* with --compare: a session of one lane per policy */
	struct view_state state;
	struct line_editor editor;
	struct screen screen;
	struct ui_painter *painter;
	char *overlay_text;   /* help or check text shown in the overlay (owned), NULL for the key help */
	long long next_tick_ms;  /* timeline playback: when the next step is due (monotonic clock) */
	struct recording recording;
	struct outfile_rules write_rules;  /* for exports typed in the bar: anywhere, but never over the lesson or the recording */
	struct line_paste paste; /* a bracketed paste on its way into the bar */
	bool pasting;
	size_t typed_dropped;    /* characters typed into a full bar since it filled */
};

/* A burst of keys (a paste) is drawn at least this often. */
#define BURST_FRAME_MS 100

/* Timeline playback: one step every PLAY_INTERVAL_MS at 100 %, plus the step's own sleep. */
#define PLAY_INTERVAL_MS 800
#define SPEED_MIN 25u
#define SPEED_MAX 1600u

static void set_message(struct ui *ui, enum style_role role, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void set_message(struct ui *ui, enum style_role role, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(ui->state.message, sizeof ui->state.message, format, args);
	va_end(args);
	ui->state.message_role = role;
	ui->state.error_column = 0;
}

/* n with thousands separators ("1,047,552"), whatever the locale, in buffer. */
static const char *group_digits(size_t n, char *buffer, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%zu", n);
	size_t used = 0;

	for (int i = 0; i < len && used + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buffer[used++] = ',';
		buffer[used++] = digits[i];
	}
	buffer[used] = '\0';
	return buffer;
}

static void clear_message(struct ui *ui)
{
	ui->state.message[0] = '\0';
	ui->state.message_role = ROLE_TEXT;
	ui->state.error_column = 0;
}

static size_t heap_bytes_total(const struct ui *ui)
{
	return heap_size(session_heap(ui->session));
}

/* --- help overlay ---------------------------------------------------------- */

static void open_help(struct ui *ui, char *text)
{
	free(ui->overlay_text);
	ui->overlay_text = text;
	ui->state.help_text = text;  /* kept in step at once: scroll limits read it before the next frame */
	ui->state.show_help = true;
	ui->state.help_scroll = 0;
}

static void close_help(struct ui *ui)
{
	free(ui->overlay_text);
	ui->overlay_text = NULL;
	ui->state.help_text = NULL;
	ui->state.show_help = false;
	ui->state.help_scroll = 0;
}

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

static unsigned help_key(struct ui *ui, const struct ui_key *key)
{
	long page = (long)page_rows(ui);
	size_t limit = help_scroll_limit(ui);

	if (key->function) {
		switch (key->code) {
		case KEY_F(1): close_help(ui); return REACT_REDRAW;
		case KEY_PPAGE: scroll_by(&ui->state.help_scroll, -page, limit); return REACT_REDRAW;
		case KEY_NPAGE: scroll_by(&ui->state.help_scroll, page, limit); return REACT_REDRAW;
		case KEY_UP: scroll_by(&ui->state.help_scroll, -1, limit); return REACT_REDRAW;
		case KEY_DOWN: scroll_by(&ui->state.help_scroll, 1, limit); return REACT_REDRAW;
		case KEY_HOME: ui->state.help_scroll = 0; return REACT_REDRAW;
		case KEY_END: ui->state.help_scroll = limit; return REACT_REDRAW;
		default: return REACT_NONE;
		}
	}
	if (key->code == KEY_ESCAPE || key->code == 'q' || key->code == 'Q') {
		close_help(ui);
		return REACT_REDRAW;
	}
	return REACT_NONE;
}

/* --- running commands ------------------------------------------------------ */

/* Several lanes (--compare) shown side by side: not zoomed into one lane by the inspector or the hex view. */
static bool comparing(const struct ui *ui)
{
	return session_lane_count(ui->session) > 1 && !ui->state.has_selection && !ui->state.show_hex;
}

/* The lane the cursor is on: what the inspector, the hex view and the grid's geometry read. */
static const struct session *cursor_lane(const struct ui *ui)
{
	const struct session *lane = session_lane(ui->session, ui->state.lane);
	return lane ? lane : ui->session;
}

/* Show what a report says in the status line; returns REACT_QUIT when it asked to leave. */
static unsigned show_report(struct ui *ui, struct session_report *report)
{
	if (!report->ok) {
		set_message(ui, ROLE_ERROR, "%s", report->error.message);
		return REACT_REDRAW;
	}
	if (report->quit)
		return REACT_QUIT;
	if (report->export_path) {
		char reason[200];
		if (snapshot_write(ui->session, report->export_path, &ui->write_rules, reason, sizeof reason) == OUTFILE_OK)
			set_message(ui, ROLE_OK, "wrote %s", report->export_path);
		else
			set_message(ui, ROLE_ERROR, "%s: %s", report->export_path, reason);
		return REACT_REDRAW;
	}
	if (report->new_step) {
		const char *text = report->explain[0] ? report->explain : report->message;
		/* Several lanes: a refusal anywhere, or outcomes that differ, is what to look at. */
		bool refused = report->differs;
		for (size_t i = 0; i < report->lane_count; i++)
			refused = refused || report->outcomes[i].kind == OUTCOME_REFUSED;
		enum style_role role = refused ? ROLE_REFUSED : ROLE_OK;

		if (report->dropped_future && report->dropped_steps > 0) {
			char line[sizeof ui->state.message];
			words_dropped(report->dropped_steps, ui->state.timeline, text, line, sizeof line);
			set_message(ui, ui->state.timeline ? ROLE_NOTE : role, "%s", line);
		} else {
			set_message(ui, role, "%s", text);
		}
	} else if (report->moved && ui->state.timeline && !report->restored_steps) {
		/* Stepping through a timeline: say what the step did, as playback does. */
		view_timeline_message(ui->session, &ui->state);
	} else if (report->message[0]) {
		set_message(ui, report->moved ? ROLE_NOTE : ROLE_TEXT, "%s", report->message);
	} else if (report->explain[0]) {
		set_message(ui, ROLE_NOTE, "%s", report->explain);
	} else {
		clear_message(ui);
	}
	if (report->kind == CMD_HELP && report->help_overview) {
		/* Plain `help` opens the same overlay as F1: keys, commands and formulas. */
		open_help(ui, NULL);
	} else if (report->text) {
		open_help(ui, report->text);
		report->text = NULL;
	}
	return REACT_REDRAW;
}

/* Put the bar's cursor on the byte the error points at, so the fix is one keystroke away. */
static void cursor_to_column(struct line_editor *editor, size_t column)
{
	lineedit_apply(editor, EDIT_HOME);
	while (editor->cursor + 1 < column && editor->cursor < editor->len)
		lineedit_apply(editor, EDIT_RIGHT);
}

/* After Enter: a rejected line stays in the bar with the cursor on the error; an accepted one goes. */
static void settle_bar(struct ui *ui, const char *line, bool ok, size_t error_column)
{
	if (ok) {
		lineedit_clear(&ui->editor);
		return;
	}
	lineedit_set(&ui->editor, line);
	ui->state.error_column = error_column;
	if (error_column > 0)
		cursor_to_column(&ui->editor, error_column);
}

/* Enter on the bar: run the line; keep it for editing when it was rejected. */
static unsigned run_bar_line(struct ui *ui)
{
	char line[LINEEDIT_MAX + 1];
	struct session_report report;
	unsigned reaction;

	memcpy(line, ui->editor.text, ui->editor.len);
	line[ui->editor.len] = '\0';
	if (line[strspn(line, " \t")] == '\0') {
		lineedit_clear(&ui->editor);
		clear_message(ui);
		return REACT_REDRAW;
	}
	memset(&report, 0, sizeof report);
	session_run_line(ui->session, line, &report);
	lineedit_remember(&ui->editor, line);
	reaction = show_report(ui, &report);
	settle_bar(ui, line, report.ok, report.error.column);
	session_report_release(&report);
	return reaction;
}

/* A command run by a key (undo, redo): its outcome is shown, the bar is left alone. */
static unsigned run_key_command(struct ui *ui, const char *line)
{
	struct session_report report;
	unsigned reaction;

	memset(&report, 0, sizeof report);
	session_run_line(ui->session, line, &report);
	reaction = show_report(ui, &report);
	if (report.ok && !report.message[0])
		set_message(ui, ROLE_NOTE, "step %zu / %zu", session_step(ui->session), session_last_step(ui->session));
	session_report_release(&report);
	return reaction;
}

/* --- Tab completion (ui_complete.c) ------------------------------------------- */

static unsigned complete(struct ui *ui)
{
	char note[sizeof ui->state.message];

	if (ui_complete(&ui->editor, session_names(ui->session), note, sizeof note))
		set_message(ui, ROLE_NOTE, "%s", note);
	else
		clear_message(ui);
	return REACT_REDRAW;
}

/* The file's name without its directories, for the title bar (NULL stays NULL). */
static const char *base_name(const char *path)
{
	if (!path)
		return NULL;
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* --- timeline playback ---------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* How long the current step stays on screen while playing: the base pace, scaled, plus its sleep. */
static long long step_duration_ms(const struct ui *ui)
{
	struct step_info info;
	long long duration = (long long)PLAY_INTERVAL_MS * 100 / (ui->state.speed_percent ? ui->state.speed_percent : 100);

	if (session_step_info(ui->session, session_step(ui->session), &info))
		duration += (long long)info.sleep_ms * 100 / (ui->state.speed_percent ? ui->state.speed_percent : 100);
	return duration;
}

/* The status line after moving through the timeline: the step and what it did. */
static void show_step(struct ui *ui)
{
	view_timeline_message(ui->session, &ui->state);
}

/* Home/End in the grid with a timeline: jump to the first or last step (history kept). */
static unsigned goto_step(struct ui *ui, size_t step)
{
	struct command_error error;

	if (!session_goto(ui->session, step, &error)) {
		set_message(ui, ROLE_ERROR, "%s", error.message);
		return REACT_REDRAW;
	}
	ui->next_tick_ms = now_ms() + step_duration_ms(ui);
	show_step(ui);
	return REACT_REDRAW;
}

/* F5: play from here (from the start when at the end), or pause. */
static unsigned toggle_play(struct ui *ui)
{
	if (!ui->state.timeline)
		return REACT_NONE;
	ui->state.playing = !ui->state.playing;
	if (ui->state.playing && session_step(ui->session) >= session_last_step(ui->session))
		return goto_step(ui, 0);
	ui->next_tick_ms = now_ms() + step_duration_ms(ui);
	return REACT_REDRAW;
}

/* F6 slower, F7 faster: halve or double the pace, within SPEED_MIN..SPEED_MAX percent. */
static unsigned change_speed(struct ui *ui, bool faster)
{
	unsigned speed = ui->state.speed_percent ? ui->state.speed_percent : 100;

	if (!ui->state.timeline)
		return REACT_NONE;
	speed = faster ? speed * 2 : speed / 2;
	if (speed < SPEED_MIN)
		speed = SPEED_MIN;
	if (speed > SPEED_MAX)
		speed = SPEED_MAX;
	ui->state.speed_percent = speed;
	char pace[16];
	view_format_pace(speed, ui->state.ascii, pace, sizeof pace);
	set_message(ui, ROLE_NOTE, "playback pace %s (F6 slower, F7 faster)", pace);
	return REACT_REDRAW;
}

/* While playing: step forward when the current step's time is up; stop at the last step. */
static unsigned play_tick(struct ui *ui)
{
	struct command_error error;

	if (!ui->state.playing || now_ms() < ui->next_tick_ms)
		return REACT_NONE;
	if (session_step(ui->session) >= session_last_step(ui->session) ||
	    !session_redo(ui->session, &error)) {
		ui->state.playing = false;
		return REACT_REDRAW;
	}
	show_step(ui);
	ui->next_tick_ms = now_ms() + step_duration_ms(ui);
	if (session_step(ui->session) >= session_last_step(ui->session))
		ui->state.playing = false;
	return REACT_REDRAW;
}

/* How long the loop may wait for a key before the next playback step is due. */
static int input_timeout_ms(const struct ui *ui)
{
	long long wait;

	if (!ui->state.playing)
		return 1000;
	wait = ui->next_tick_ms - now_ms();
	return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}

/* --- the grid and the inspector -------------------------------------------- */

/* The grid's geometry at the current size, as the view lays it out. */
static struct grid_geometry current_geometry(const struct ui *ui)
{
	if (comparing(ui))
		return view_compare_grid_geometry(ui->session, ui->screen.width, ui->screen.height);
	return view_grid_geometry(session_heap(cursor_lane(ui)), &ui->state, ui->screen.width, ui->screen.height);
}

/* Move the inspector cursor by whole cells; a move that would leave the heap does nothing. */
static void move_cursor(struct ui *ui, long cells)
{
	struct grid_geometry geometry = current_geometry(ui);
	size_t step = geometry.bytes_per_cell ? geometry.bytes_per_cell : 1;
	size_t cell = ui->state.cursor / step;
	size_t last = (heap_bytes_total(ui) - 1) / step;

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

static unsigned grid_key(struct ui *ui, const struct ui_key *key)
{
	struct grid_geometry geometry = current_geometry(ui);
	long row = geometry.columns > 0 ? geometry.columns : 1;

	if (key->function) {
		switch (key->code) {
		case KEY_LEFT: move_cursor(ui, -1); return REACT_REDRAW;
		case KEY_RIGHT: move_cursor(ui, 1); return REACT_REDRAW;
		case KEY_UP: move_cursor(ui, -row); return REACT_REDRAW;
		case KEY_DOWN: move_cursor(ui, row); return REACT_REDRAW;
		case KEY_HOME:
			if (ui->state.timeline)
				return goto_step(ui, 0);
			ui->state.cursor = 0;
			return REACT_REDRAW;
		case KEY_END:
			if (ui->state.timeline)
				return goto_step(ui, session_last_step(ui->session));
			ui->state.cursor = heap_bytes_total(ui) - 1;
			move_cursor(ui, 0);
			return REACT_REDRAW;
		case KEY_ENTER: ui->state.has_selection = true; return REACT_REDRAW;
		default: return REACT_NONE;
		}
	}
	switch (key->code) {
	case 'h': move_cursor(ui, -1); return REACT_REDRAW;
	case 'l': move_cursor(ui, 1); return REACT_REDRAW;
	case 'k': move_cursor(ui, -row); return REACT_REDRAW;
	case 'j': move_cursor(ui, row); return REACT_REDRAW;
	case '\r': case '\n': ui->state.has_selection = true; return REACT_REDRAW;
	case KEY_ESCAPE:
		ui->state.focus = FOCUS_BAR;
		ui->state.has_selection = false;
		return REACT_REDRAW;
	case '?': open_help(ui, NULL); return REACT_REDRAW;
	default:
		set_message(ui, ROLE_NOTE, "grid: arrows or hjkl move, Enter selects, Esc returns to the command bar");
		return REACT_REDRAW;
	}
}

/* --- the command bar ------------------------------------------------------- */

static unsigned bar_edit(struct ui *ui, enum edit_action action)
{
	lineedit_apply(&ui->editor, action);
	ui->state.error_column = 0;
	ui->typed_dropped = 0;
	return REACT_REDRAW;
}

static unsigned bar_key(struct ui *ui, const struct ui_key *key)
{
	if (key->function) {
		switch (key->code) {
		case KEY_LEFT: return bar_edit(ui, EDIT_LEFT);
		case KEY_RIGHT: return bar_edit(ui, EDIT_RIGHT);
		case KEY_HOME: return bar_edit(ui, EDIT_HOME);
		case KEY_END: return bar_edit(ui, EDIT_END);
		case KEY_BACKSPACE: return bar_edit(ui, EDIT_BACKSPACE);
		case KEY_DC: return bar_edit(ui, EDIT_DELETE);
		case KEY_UP: return bar_edit(ui, EDIT_HISTORY_PREV);
		case KEY_DOWN: return bar_edit(ui, EDIT_HISTORY_NEXT);
		case KEY_ENTER: return run_bar_line(ui);
		default: return REACT_NONE;
		}
	}
	switch (key->code) {
	case '\r': case '\n': return run_bar_line(ui);
	case KEY_DELETE_CHAR: case KEY_CTRL('H'): return bar_edit(ui, EDIT_BACKSPACE);
	case KEY_CTRL('U'): return bar_edit(ui, EDIT_KILL_LINE);
	case KEY_CTRL('W'): return bar_edit(ui, EDIT_KILL_WORD);
	case KEY_CTRL('A'): return bar_edit(ui, EDIT_HOME);
	case KEY_CTRL('E'): return bar_edit(ui, EDIT_END);
	case '\t': return complete(ui);
	case KEY_ESCAPE:
		ui->state.focus = FOCUS_GRID;
		return REACT_REDRAW;
	case KEY_CTRL('D'):
		return ui->editor.len == 0 ? REACT_QUIT : REACT_NONE;
	default:
		break;
	}
	if (key->code == '?' && ui->editor.len == 0) {
		open_help(ui, NULL);
		return REACT_REDRAW;
	}
	if (key->code >= 0x20 && key->code != KEY_DELETE_CHAR && key->code < 0x110000) {
		char bytes[4];
		size_t len = screen_encode_utf8(key->code, bytes);
		if (lineedit_insert(&ui->editor, bytes, len)) {
			ui->state.error_column = 0;
			ui->typed_dropped = 0;
			return REACT_REDRAW;
		}
		/* Never drop typing silently: say why the character was not taken, and how much was lost. */
		if (ui->editor.len + len > LINEEDIT_MAX) {
			char count[32];

			ui->typed_dropped += len;
			set_message(ui, ROLE_ERROR, "the command line is full (%d bytes): %s bytes dropped", LINEEDIT_MAX,
				    group_digits(ui->typed_dropped, count, sizeof count));
		} else
			set_message(ui, ROLE_ERROR, "U+%04X cannot be typed into the command bar", key->code);
		return REACT_REDRAW;
	}
	return REACT_NONE;
}

/* --- pasting into the bar ---------------------------------------------------- */

/* The status line after a paste: what the bar kept, and what it could not. */
static void paste_message(struct ui *ui, const struct line_paste *paste)
{
	char pasted[32], kept[32], dropped[32], controls[32];

	group_digits(paste->pasted, pasted, sizeof pasted);
	group_digits(paste->len, kept, sizeof kept);
	group_digits(paste->dropped, dropped, sizeof dropped);
	group_digits(paste->controls, controls, sizeof controls);
	if (paste->dropped > 0)
		set_message(ui, ROLE_ERROR, "the bar holds %d bytes: %s pasted bytes were dropped (%s kept%s%s%s)",
			    LINEEDIT_MAX, dropped, kept, paste->controls ? ", " : "", paste->controls ? controls : "",
			    paste->controls ? " control bytes dropped too" : "");
	else if (paste->controls > 0)
		set_message(ui, ROLE_NOTE, "pasted %s bytes: %s control characters or invalid bytes were dropped", pasted, controls);
	else if (paste->breaks > 0)
		set_message(ui, ROLE_NOTE, "pasted %s bytes: line breaks became spaces (Enter runs the line)", pasted);
	else
		clear_message(ui);
}

/*
 * A bracketed paste goes into the bar as text, whatever has the focus: each
 * character is kept aside in O(1) and the whole paste becomes one edit (and
 * one frame) when it ends, so a megabyte paste costs what reading it costs.
 */
static unsigned paste_key(struct ui *ui, const struct ui_key *key)
{
	if (!ui->pasting) {
		if (key->paste_end && key->text_len == 0)
			return REACT_NONE;  /* an empty paste */
		lineedit_paste_begin(&ui->editor, &ui->paste);
		ui->pasting = true;
	}
	if (key->text_len > 0) {
		lineedit_paste_add(&ui->paste, key->text, key->text_len);
	} else if (key->pasted && (key->function || key->unknown || key->mouse || key->code >= 0x110000)) {
		lineedit_paste_skip(&ui->paste, 1);  /* a key inside the paste: not text */
	} else if (key->pasted) {
		char bytes[4];
		size_t len = screen_encode_utf8(key->code, bytes);

		lineedit_paste_add(&ui->paste, bytes, len);
	}
	if (!key->paste_end)
		return REACT_NONE;  /* one frame when the paste ends */
	ui->pasting = false;
	lineedit_paste_end(&ui->editor, &ui->paste);
	if (ui->state.show_help)
		close_help(ui);
	ui->state.focus = FOCUS_BAR;
	ui->state.error_column = 0;
	paste_message(ui, &ui->paste);
	return REACT_REDRAW;
}

/* --- keys that mean the same everywhere ------------------------------------ */

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
		size_t rows = view_hex_rows(session_heap(cursor_lane(ui)), ui->screen.width);

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
		if (ui->state.show_help || ui->state.show_hex || comparing(ui))
			return REACT_NONE;
		if (view_grid_hit(session_heap(cursor_lane(ui)), &ui->state, ui->screen.width, ui->screen.height,
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

static unsigned handle_key(struct ui *ui, const struct ui_key *key)
{
	if (key->pasted || key->paste_end)
		return paste_key(ui, key);
	if (key->function && key->code == KEY_RESIZE)
		return REACT_REDRAW;
	if (!key->function && key->code == KEY_CTRL('L'))
		return REACT_FULL;
	if (key->unknown)
		return REACT_NONE;
	if (key->mouse)
		return mouse_event(ui, key);
	if (ui->state.show_help)
		return help_key(ui, key);
	if (key->function) {
		switch (key->code) {
		case KEY_F(1): open_help(ui, NULL); return REACT_REDRAW;
		case KEY_F(5): return toggle_play(ui);
		case KEY_F(6): return change_speed(ui, false);
		case KEY_F(7): return change_speed(ui, true);
		case KEY_PPAGE: return scroll_view(ui, -1, true);
		case KEY_NPAGE: return scroll_view(ui, 1, true);
		default: break;
		}
	} else {
		switch (key->code) {
		case KEY_CTRL('Z'): case KEY_CTRL('P'): return run_key_command(ui, "undo");
		case KEY_CTRL('Y'): case KEY_CTRL('N'): return run_key_command(ui, "redo");
		case KEY_CTRL('X'):
			/* Several lanes: the hex view of the lane the cursor is on. */
			ui->state.show_hex = !ui->state.show_hex;
			return REACT_REDRAW;
		default: break;
		}
	}
	return ui->state.focus == FOCUS_BAR ? bar_key(ui, key) : grid_key(ui, key);
}

/* --- the loop -------------------------------------------------------------- */

/* "PATH: write failed: REASON" for the bar and for stderr; false while the recording is fine. */
static bool recording_problem(const struct recording *recording, char *text, size_t size)
{
	const char *reason;
	if (!cast_failed(recording->writer, &reason))
		return false;
	struct strbuf path;
	strbuf_init(&path);
	strbuf_put_escaped(&path, recording->path, strlen(recording->path));
	snprintf(text, size, "%s: %s", strbuf_text(&path), reason);
	strbuf_release(&path);
	return true;
}

/* Append the frame just painted to the recording; a size change is an "r" event and a full frame. */
static void record_frame(struct recording *recording, const struct screen *screen, int cursor_row, int cursor_column)
{
	if (!recording->writer || cast_failed(recording->writer, NULL))
		return;
	double time = (double)(now_ms() - recording->start_ms) / 1000.0;
	bool first = recording->last.cells == NULL;
	bool resized = !first && (recording->last.width != screen->width || recording->last.height != screen->height);
	if (resized)
		cast_resize(recording->writer, time, screen->width, screen->height);
	if ((first || resized) && !screen_resize(&recording->last, screen->width, screen->height))
		return;
	struct strbuf data;
	strbuf_init(&data);
	ansi_encode(&data, screen, first || resized ? NULL : &recording->last, &recording->style, cursor_row, cursor_column);
	if (!data.failed)
		cast_output(recording->writer, time, data.text, data.len);
	strbuf_release(&data);
	memcpy(recording->last.cells, screen->cells,
	       (size_t)screen->width * (size_t)screen->height * sizeof *screen->cells);
}

/* Compose the frame for the current size and paint it in one terminal update. */
static void show_frame(struct ui *ui, bool full)
{
	int width, height, cursor_row = -1, cursor_column = -1;

	ui_term_size(&width, &height);
	if (width < 1 || height < 1)
		return;
	if ((ui->screen.width != width || ui->screen.height != height) && !screen_resize(&ui->screen, width, height))
		return;
	ui->state.input = (struct view_input){ ui->editor.text, ui->editor.len, ui->editor.cursor };
	if (ui->state.cursor >= heap_bytes_total(ui))  /* `reset SIZE` may have shrunk the heap */
		ui->state.cursor = 0;
	view_render(&ui->screen, ui->session, &ui->state);
	if (ui->state.focus == FOCUS_BAR && !ui->state.show_help) {
		cursor_row = ui->screen.cursor_row;
		cursor_column = ui->screen.cursor_column;
	}
	ui_painter_show(ui->painter, &ui->screen, cursor_row, cursor_column, full);
	record_frame(&ui->recording, &ui->screen, cursor_row, cursor_column);
	char problem[sizeof ui->state.message - 32];
	if (!ui->recording.reported && recording_problem(&ui->recording, problem, sizeof problem)) {
		/* Said at once, not at quit: the rest of the session is not being recorded. */
		ui->recording.reported = true;
		set_message(ui, ROLE_ERROR, "recording stopped: %s", problem);
		show_frame(ui, false);
	}
}

static int run_loop(struct ui *ui, int *quit_signal)
{
	unsigned reaction = REACT_REDRAW;

	for (;;) {
		unsigned events = ui_term_take_events(quit_signal);
		struct ui_key key;

		if (events & (TERM_EVENT_QUIT | TERM_EVENT_LOST))
			return 1;  /* a signal (re-raised by the caller) or a hung-up terminal */
		if (events & (TERM_EVENT_SUSPEND | TERM_EVENT_CONTINUE)) {
			if (events & TERM_EVENT_SUSPEND)
				ui_term_suspend();
			else
				ui_term_continue();
			reaction |= REACT_FULL;
			continue;  /* a quit signal may have come while stopped: look again before drawing */
		}
		if (reaction & REACT_QUIT)
			return 0;
		if (reaction & (REACT_REDRAW | REACT_FULL))
			show_frame(ui, (reaction & REACT_FULL) != 0);
		reaction = REACT_NONE;
		/*
		 * Take every key already typed (a paste without brackets) before
		 * drawing again: one frame per burst, and one at least every
		 * BURST_FRAME_MS so a long burst still shows progress.
		 */
		long long frame_due = now_ms() + BURST_FRAME_MS;
		for (unsigned burst = 0; !(reaction & REACT_QUIT) && ui_term_read(&key, burst ? 0 : input_timeout_ms(ui));
		     burst++) {
			reaction |= handle_key(ui, &key);
			if (burst % 256 == 255 && now_ms() >= frame_due)
				break;
		}
		reaction |= play_tick(ui);
	}
}

/* The screen over a session of any number of lanes. */
static int run_screen(struct session *session, const struct ui_options *options)
{
	struct ui ui;
	struct ui_term_caps caps;
	char reason[200];
	int quit_signal = 0, status;

	memset(&ui, 0, sizeof ui);
	ui.session = session;
	/* Typed in the bar: the user's own command, so not confined (a loaded file's exports were checked at load). */
	ui.write_rules.keep[0] = (struct outfile_keep){ options->file, "the script loaded" };
	ui.write_rules.keep[1] = (struct outfile_keep){ options->record, "the --record output" };
	lineedit_init(&ui.editor);
	if (!ui_term_open(options, &caps, reason, sizeof reason)) {
		fprintf(stderr, "heapviz: %s\n", reason);
		lineedit_release(&ui.editor);
		return 1;
	}
	ui.painter = ui_painter_create(options->theme, &caps);
	if (!ui.painter) {
		ui_term_close();
		fprintf(stderr, "heapviz: out of memory\n");
		lineedit_release(&ui.editor);
		return 1;
	}
	if (options->record) {
		int width, height;
		ui_term_size(&width, &height);
		ui.recording.writer = cast_open(options->record, width, height, (long long)time(NULL),
						options->file ? options->file : "heapviz", reason, sizeof reason);
		if (!ui.recording.writer) {
			ui_term_close();
			ui_painter_destroy(ui.painter);
			lineedit_release(&ui.editor);
			struct strbuf path;
			strbuf_init(&path);
			strbuf_put_escaped(&path, options->record, strlen(options->record));
			fprintf(stderr, "heapviz: %s: %s\n", strbuf_text(&path), reason);
			strbuf_release(&path);
			return 1;
		}
		ui.recording.style = (struct ansi_style){ options->theme, !caps.monochrome };
		ui.recording.start_ms = now_ms();
		ui.recording.path = options->record;
	}
	ui.state.focus = FOCUS_BAR;
	ui.state.ascii = options->ascii || !caps.utf8;
	ui.state.monochrome = caps.monochrome;
	ui.state.title_file = base_name(options->file);
	ui.state.message_role = ROLE_TEXT;
	ui.state.timeline = options->file != NULL && session_last_step(session) > 0;
	session_keep_branches(session, ui.state.timeline);
	ui.state.speed_percent = 100;
	if (ui.state.timeline)
		set_message(&ui, ROLE_NOTE, "%zu steps loaded: F5 plays them, Ctrl-N steps forward",
			    session_last_step(session));
	else
		set_message(&ui, ROLE_NOTE, "Type a command and press Enter, e.g. alloc 100 as buf. F1: keys and commands");

	status = run_loop(&ui, &quit_signal);

	ui_term_close();
	ui_painter_destroy(ui.painter);
	char problem[400];
	bool recording_failed = recording_problem(&ui.recording, problem, sizeof problem);
	if (!cast_close(ui.recording.writer, reason, sizeof reason) && !recording_failed) {
		recording_failed = true;   /* close(2) itself failed: the last events may be lost */
		struct strbuf path;
		strbuf_init(&path);
		strbuf_put_escaped(&path, options->record, strlen(options->record));
		snprintf(problem, sizeof problem, "%s: %s", strbuf_text(&path), reason);
		strbuf_release(&path);
	}
	if (recording_failed) {
		fprintf(stderr, "heapviz: recording stopped: %s\n", problem);
		status = 1;
	}
	screen_release(&ui.recording.last);
	screen_release(&ui.screen);
	lineedit_release(&ui.editor);
	free(ui.overlay_text);
	if (quit_signal)
		ui_term_reraise(quit_signal);
	return status;
}

int ui_run(struct session *session, const struct ui_options *options)
{
	return run_screen(session, options);
}
