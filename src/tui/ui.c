/* ui.c - the interactive front end's run loop: input through the key table to session actions, each change one new frame. */
#include "ui_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

/* A burst of keys (a paste) is drawn at least this often. */
#define BURST_FRAME_MS 100

void ui_set_message(struct ui *ui, enum style_role role, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(ui->state.message, sizeof ui->state.message, format, args);
	va_end(args);
	ui->state.message_role = role;
	ui->state.error_column = 0;
}

void ui_clear_message(struct ui *ui)
{
	ui->state.message[0] = '\0';
	ui->state.message_role = ROLE_TEXT;
	ui->state.error_column = 0;
}

/* --- help overlay ---------------------------------------------------------- */

void ui_open_help(struct ui *ui, char *text)
{
	free(ui->overlay_text);
	ui->overlay_text = text;
	ui->state.help_text = text;  /* kept in step at once: scroll limits read it before the next frame */
	ui->state.show_help = true;
	ui->state.help_scroll = 0;
}

void ui_close_help(struct ui *ui)
{
	free(ui->overlay_text);
	ui->overlay_text = NULL;
	ui->state.help_text = NULL;
	ui->state.show_help = false;
	ui->state.help_scroll = 0;
}

/* The file's name without its directories, for the title bar (NULL stays NULL). */
static const char *base_name(const char *path)
{
	if (!path)
		return NULL;
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
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
	double time = (double)(ui_now_ms() - recording->start_ms) / 1000.0;
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
	if (ui->state.cursor >= heap_size(session_heap(ui->session)))  /* `reset SIZE` may have shrunk the heap */
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
		ui_set_message(ui, ROLE_ERROR, "recording stopped: %s", problem);
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
		long long frame_due = ui_now_ms() + BURST_FRAME_MS;
		for (unsigned burst = 0; !(reaction & REACT_QUIT) && ui_term_read(&key, burst ? 0 : ui_input_timeout_ms(ui));
		     burst++) {
			reaction |= ui_handle_key(ui, &key);
			if (burst % 256 == 255 && ui_now_ms() >= frame_due)
				break;
		}
		reaction |= ui_play_tick(ui);
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
		ui.recording.start_ms = ui_now_ms();
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
	/* The keys a first message names come from the key table, as the hints' do. */
	char first[32], second[32];
	if (ui.state.timeline) {
		keymap_keys_of(ACTION_PLAY, KEYMAP_IN_BAR, 1, first, sizeof first);
		keymap_keys_of(ACTION_REDO, KEYMAP_IN_BAR, 1, second, sizeof second);
		ui_set_message(&ui, ROLE_NOTE, "%zu steps loaded: %s plays them, %s steps forward", session_last_step(session),
			    first, second);
	} else {
		keymap_keys_of(ACTION_RUN_LINE, KEYMAP_IN_BAR, 1, first, sizeof first);
		keymap_keys_of(ACTION_HELP_OPEN, KEYMAP_IN_BAR, 1, second, sizeof second);
		ui_set_message(&ui, ROLE_NOTE, "Type a command and press %s, e.g. alloc 100 as buf. %s: keys and commands", first,
			    second);
	}

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
