/* ui_bar.c - the command bar: running its line and showing the outcome, typing, completion and pastes. */
#include "ui_internal.h"

#include <stdio.h>
#include <string.h>

#include "snapshot.h"
#include "ui_complete.h"
#include "words.h"

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

/* Show what a report says in the status line; returns REACT_QUIT when it asked to leave. */
static unsigned show_report(struct ui *ui, struct session_report *report)
{
	if (!report->ok) {
		ui_set_message(ui, ROLE_ERROR, "%s", report->error.message);
		return REACT_REDRAW;
	}
	if (report->quit)
		return REACT_QUIT;
	if (report->export_path) {
		char reason[200];
		/* Comparing: the heap the cursor is on (lane 0 until the cursor moves), and the message says which. */
		const struct session *lane = ui_cursor_lane(ui);
		if (snapshot_write(lane, report->export_path, &ui->write_rules, reason, sizeof reason) != OUTFILE_OK)
			ui_set_message(ui, ROLE_ERROR, "%s: %s", report->export_path, reason);
		else if (session_lane_count(ui->session) > 1)
			ui_set_message(ui, ROLE_OK, "wrote %s (%s)", report->export_path,
				       heap_policy_title(session_lane_policy(lane, session_lane_index(lane))));
		else
			ui_set_message(ui, ROLE_OK, "wrote %s", report->export_path);
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
			char undo[32];
			keymap_keys_of(ACTION_UNDO, KEYMAP_IN_BAR, 1, undo, sizeof undo);
			words_dropped(report->dropped_steps, ui->state.timeline, undo, text, line, sizeof line);
			ui_set_message(ui, ui->state.timeline ? ROLE_NOTE : role, "%s", line);
		} else {
			ui_set_message(ui, role, "%s", text);
		}
	} else if (report->moved && ui->state.timeline && !report->restored_steps) {
		/* Stepping through a timeline: say what the step did, as playback does. */
		view_timeline_message(ui->session, &ui->state);
	} else if (report->message[0]) {
		ui_set_message(ui, report->moved ? ROLE_NOTE : ROLE_TEXT, "%s", report->message);
	} else if (report->explain[0]) {
		ui_set_message(ui, ROLE_NOTE, "%s", report->explain);
	} else {
		ui_clear_message(ui);
	}
	if (report->kind == CMD_HELP && report->help_overview) {
		/* Plain `help` opens the same overlay as F1: keys, commands and formulas. */
		ui_open_help(ui, NULL);
	} else if (report->text) {
		ui_open_help(ui, report->text);
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
unsigned ui_run_bar_line(struct ui *ui)
{
	char line[LINEEDIT_MAX + 1];
	struct session_report report;
	unsigned reaction;

	memcpy(line, ui->editor.text, ui->editor.len);
	line[ui->editor.len] = '\0';
	if (line[strspn(line, " \t")] == '\0') {
		lineedit_clear(&ui->editor);
		ui_clear_message(ui);
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
unsigned ui_run_key_command(struct ui *ui, const char *line)
{
	struct session_report report;
	unsigned reaction;

	memset(&report, 0, sizeof report);
	session_run_line(ui->session, line, &report);
	reaction = show_report(ui, &report);
	if (report.ok && !report.message[0])
		ui_set_message(ui, ROLE_NOTE, "step %zu / %zu", session_step(ui->session), session_last_step(ui->session));
	session_report_release(&report);
	return reaction;
}

/* --- Tab completion (ui_complete.c) ------------------------------------------- */

unsigned ui_bar_complete(struct ui *ui)
{
	char note[sizeof ui->state.message];

	if (ui_complete(&ui->editor, session_names(ui->session), note, sizeof note))
		ui_set_message(ui, ROLE_NOTE, "%s", note);
	else
		ui_clear_message(ui);
	return REACT_REDRAW;
}

unsigned ui_bar_edit(struct ui *ui, enum edit_action action)
{
	lineedit_apply(&ui->editor, action);
	ui->state.error_column = 0;
	ui->typed_dropped = 0;
	return REACT_REDRAW;
}

unsigned ui_bar_type(struct ui *ui, unsigned code)
{
	if (code < 0x20 || code == 0x7f || code >= 0x110000)
		return REACT_NONE;   /* a control key the key table does not bind */
	char bytes[4];
	size_t len = screen_encode_utf8(code, bytes);
	if (lineedit_insert(&ui->editor, bytes, len)) {
		ui->state.error_column = 0;
		ui->typed_dropped = 0;
		return REACT_REDRAW;
	}
	/* Never drop typing silently: say why the character was not taken, and how much was lost. */
	if (ui->editor.len + len > LINEEDIT_MAX) {
		char count[32];

		ui->typed_dropped += len;
		ui_set_message(ui, ROLE_ERROR, "the command line is full (%d bytes): %s bytes dropped", LINEEDIT_MAX,
			       group_digits(ui->typed_dropped, count, sizeof count));
	} else
		ui_set_message(ui, ROLE_ERROR, "U+%04X cannot be typed into the command bar", code);
	return REACT_REDRAW;
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
		ui_set_message(ui, ROLE_ERROR, "the bar holds %d bytes: %s pasted bytes were dropped (%s kept%s%s%s)",
			    LINEEDIT_MAX, dropped, kept, paste->controls ? ", " : "", paste->controls ? controls : "",
			    paste->controls ? " control bytes dropped too" : "");
	else if (paste->controls > 0)
		ui_set_message(ui, ROLE_NOTE, "pasted %s bytes: %s control characters or invalid bytes were dropped", pasted, controls);
	else if (paste->breaks > 0)
	{
		char run[32];
		keymap_keys_of(ACTION_RUN_LINE, KEYMAP_IN_BAR, 1, run, sizeof run);
		ui_set_message(ui, ROLE_NOTE, "pasted %s bytes: line breaks became spaces (%s runs the line)", pasted, run);
	}
	else
		ui_clear_message(ui);
}

/*
 * A bracketed paste goes into the bar as text, whatever has the focus: each
 * character is kept aside in O(1) and the whole paste becomes one edit (and
 * one frame) when it ends, so a megabyte paste costs what reading it costs.
 */
unsigned ui_paste_key(struct ui *ui, const struct ui_key *key)
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
		ui_close_help(ui);
	ui->state.focus = FOCUS_BAR;
	ui->state.error_column = 0;
	paste_message(ui, &ui->paste);
	return REACT_REDRAW;
}
