/* render.c - deterministic screencasts: each step drawn by the view, encoded as ANSI, timed by the step count. */
#include "render.h"

#include <string.h>

#include "ansi.h"
#include "cast.h"
#include "screen.h"
#include "strbuf.h"
#include "view.h"

/* Draw the current step and append its event; previous holds the frame before (for a diff). */
static bool emit_frame(struct cast_writer *writer, double time, const struct session *session,
		       struct view_state *state, struct screen *screen, struct screen *previous,
		       const struct ansi_style *style)
{
	view_timeline_message(session, state);
	view_render(screen, session, state);
	struct strbuf data;
	strbuf_init(&data);
	ansi_encode(&data, screen, previous->cells ? previous : NULL, style, -1, -1);
	bool ok = !data.failed && cast_output(writer, time, data.text, data.len);
	strbuf_release(&data);
	if (ok && (previous->width != screen->width || previous->height != screen->height))
		ok = screen_resize(previous, screen->width, screen->height);
	if (ok)
		memcpy(previous->cells, screen->cells, (size_t)screen->width * (size_t)screen->height * sizeof *screen->cells);
	return ok;
}

static unsigned long step_sleep_ms(const struct session *session)
{
	struct step_info info;
	return session_step_info(session, session_step(session), &info) ? info.sleep_ms : 0;
}

/* "heapviz: PATH: REASON", the path shown escaped ("-" is standard output). */
static void report_failure(FILE *err, const char *path, const char *reason)
{
	struct strbuf line;
	strbuf_init(&line);
	if (strcmp(path, "-") == 0)
		strbuf_puts(&line, "standard output");
	else
		strbuf_put_escaped(&line, path, strlen(path));
	fprintf(err, "heapviz: %s: %s\n", strbuf_text(&line), reason);
	strbuf_release(&line);
}

int render_run(struct session *session, const struct render_options *options, FILE *err)
{
	char reason[200];
	struct cast_writer *writer = cast_open(options->output, options->width, options->height, options->timestamp,
					       options->title, reason, sizeof reason);
	if (!writer) {
		report_failure(err, options->output, reason);
		return 1;
	}
	struct screen screen = { 0 }, previous = { 0 };
	struct view_state state;
	memset(&state, 0, sizeof state);
	state.focus = FOCUS_BAR;
	state.ascii = options->ascii;
	state.monochrome = options->no_color;
	state.input = (struct view_input){ "", 0, 0 };
	state.title_file = options->title;
	state.timeline = true;
	state.playing = true;
	state.speed_percent = 100;
	struct ansi_style style = { options->theme, !options->no_color };

	struct command_error error;
	bool ok = screen_resize(&screen, options->width, options->height) && session_goto(session, 0, &error);
	/* Integer milliseconds, so the timestamps never depend on rounding. */
	unsigned long long now_ms = 0;
	while (ok) {
		ok = emit_frame(writer, (double)now_ms / 1000.0, session, &state, &screen, &previous, &style);
		now_ms += options->step_ms + step_sleep_ms(session);
		if (!ok || session_step(session) >= session_last_step(session))
			break;
		ok = session_redo(session, &error);
	}
	if (ok) {
		/* The last frame again, paused, so players hold it for a step before the end. */
		state.playing = false;
		ok = emit_frame(writer, (double)now_ms / 1000.0, session, &state, &screen, &previous, &style);
	}
	screen_release(&screen);
	screen_release(&previous);
	if (!cast_close(writer, reason, sizeof reason)) {
		report_failure(err, options->output, reason);
		return 1;
	}
	if (!ok) {
		report_failure(err, options->output, "out of memory while drawing: the recording stops early");
		return 1;
	}
	return 0;
}
