/* bench_draw.c - drawing: a frame through the real view and curses code, and the bytes a step costs a terminal or a recording. */
#include "bench.h"

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "screen.h"
#include "script.h"
#include "session.h"
#include "strbuf.h"
#include "ui_term.h"
#include "view.h"

/*
 * A timeline (a lesson, then the first steps of a trace on a 16 MiB heap) is
 * played step by step as the screen plays it: view_render lays out the
 * frame, ui_painter_show (the front end's own painter) puts it into curses,
 * and curses writes to a file standing in for the terminal (newterm on a
 * temporary file, TERM xterm-256color, UTF-8): nothing is watched, every
 * byte is counted.
 *
 * - frame_us_WxH: median time of one frame (layout and paint, doupdate
 *   included) at 80x24 and 250x80 while playing the lesson.
 * - bytes_per_step_vs_repaint: bytes curses wrote per step over the bytes
 *   of a full repaint of the same frames (clearok), the larger of the lesson's
 *   and the trace's figures.
 * - cast_bytes_per_step_vs_repaint: the same for recordings: ansi_encode of
 *   each frame against the one before (what --record and --render write)
 *   over ansi_encode of the whole frame.
 */

#define TRACE_STEPS 2000

struct draw_figures {
	double frame_median_ns;
	double curses_ratio;
	double cast_ratio;
};

static struct session *load_timeline(const char *path, size_t heap_size, size_t limit)
{
	struct script script;
	struct script_error error;
	if (!script_load(path, &script, &error))
		bench_die("%s:%zu:%zu: %s", path, error.line, error.column, error.message);
	struct heap_config config = { heap_size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (!session)
		bench_die("cannot create a session");
	session_set_quiet(session, true);
	for (size_t i = 0; i < script.count && i < limit; i++) {
		struct session_report report;
		session_run(session, &script.lines[i].command, script.lines[i].source, &report);
		session_report_release(&report);
	}
	session_set_quiet(session, false);
	script_release(&script);
	struct command_error goto_error;
	if (!session_goto(session, 0, &goto_error))
		bench_die("goto 0 failed");
	return session;
}

static long written(FILE *out)
{
	fflush(out);
	return ftell(out);
}

static size_t encoded(const struct screen *screen, const struct screen *previous, const struct ansi_style *style)
{
	struct strbuf data;
	strbuf_init(&data);
	ansi_encode(&data, screen, previous, style, -1, -1);
	size_t len = data.len;
	strbuf_release(&data);
	return len;
}

static struct draw_figures play(struct session *session, int width, int height, size_t steps)
{
	char lines[16], columns[16];
	snprintf(lines, sizeof lines, "%d", height);
	snprintf(columns, sizeof columns, "%d", width);
	setenv("LINES", lines, 1);
	setenv("COLUMNS", columns, 1);
	use_env(TRUE);
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	if (!out || !in)
		bench_die("cannot open a file for curses");
	SCREEN *term = newterm("xterm-256color", out, in);
	if (!term)
		bench_die("newterm(xterm-256color) failed: is ncurses-term's terminfo installed?");
	set_term(term);
	struct ui_term_caps caps = { true, !(has_colors() && start_color() == OK), false };
	if (!caps.monochrome)
		use_default_colors();
	struct ui_painter *painter = ui_painter_create(THEME_DEFAULT, &caps);
	struct screen frame = { 0 }, previous = { 0 };
	if (!painter || !screen_resize(&frame, width, height) || !screen_resize(&previous, width, height))
		bench_die("out of memory");
	struct view_state state;
	memset(&state, 0, sizeof state);
	state.focus = FOCUS_BAR;
	state.input = (struct view_input){ "", 0, 0 };
	state.timeline = state.playing = true;
	state.speed_percent = 100;
	struct ansi_style style = { THEME_DEFAULT, true };

	/* The first frame is a full one either way: it is not counted. */
	view_timeline_message(session, &state);
	view_render(&frame, session, &state);
	ui_painter_show(painter, &frame, -1, -1, false);
	memcpy(previous.cells, frame.cells, (size_t)width * (size_t)height * sizeof *frame.cells);

	size_t left = session_last_step(session) - session_step(session);
	steps = steps < left ? steps : left;
	double *samples = bench_calloc(steps, sizeof *samples);
	double step_bytes = 0, repaint_bytes = 0, cast_bytes = 0, cast_full = 0;
	size_t played = 0, repaints = 0;
	struct command_error error;
	while (played < steps && session_step(session) < session_last_step(session) && session_redo(session, &error)) {
		view_timeline_message(session, &state);
		long before = written(out);
		double t = bench_now_ns();
		view_render(&frame, session, &state);
		ui_painter_show(painter, &frame, -1, -1, false);
		samples[played] = bench_now_ns() - t;
		step_bytes += (double)(written(out) - before);
		cast_bytes += (double)encoded(&frame, &previous, &style);
		cast_full += (double)encoded(&frame, NULL, &style);
		/* A full repaint of the same frame, every eighth step (it is only the yardstick). */
		if (played % 8 == 0) {
			before = written(out);
			ui_painter_show(painter, &frame, -1, -1, true);
			repaint_bytes += (double)(written(out) - before);
			repaints++;
		}
		memcpy(previous.cells, frame.cells, (size_t)width * (size_t)height * sizeof *frame.cells);
		played++;
	}
	if (played == 0)
		bench_die("the timeline has no step to play");
	struct draw_figures figures = {
		bench_median(samples, played),
		(step_bytes / (double)played) / (repaint_bytes / (double)repaints),
		cast_bytes / cast_full,
	};
	free(samples);
	ui_painter_destroy(painter);
	screen_release(&frame);
	screen_release(&previous);
	endwin();
	delscreen(term);
	fclose(out);
	fclose(in);
	return figures;
}

void bench_draw(const char *dir, const char *lesson)
{
	/* The painter draws UTF-8 glyphs as the screen does in a UTF-8 locale. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	char trace[4096];
	snprintf(trace, sizeof trace, "%s/amptjp-bal.rep", dir);
	size_t trace_steps = bench_quick ? 100 : TRACE_STEPS;

	printf("\ndrawing through curses into a file (xterm-256color) and into recordings (median frame; "
	       "bytes per step / a full repaint):\n");
	struct session *session = load_timeline(lesson, HEAP_DEFAULT_SIZE, (size_t)-1);
	struct draw_figures small = play(session, 80, 24, (size_t)-1);
	session_goto(session, 0, &(struct command_error){ 0 });
	struct draw_figures large = play(session, 250, 80, (size_t)-1);
	session_destroy(session);
	session = load_timeline(trace, LARGE_HEAP, trace_steps);
	struct draw_figures replay = play(session, 80, 24, trace_steps);
	session_destroy(session);

	printf("  %-40s %8.1f us/frame  curses %.3f  recording %.3f\n", "lesson at 80x24", small.frame_median_ns / 1e3,
	       small.curses_ratio, small.cast_ratio);
	printf("  %-40s %8.1f us/frame  curses %.3f  recording %.3f\n", "lesson at 250x80", large.frame_median_ns / 1e3,
	       large.curses_ratio, large.cast_ratio);
	printf("  %-40s %8.1f us/frame  curses %.3f  recording %.3f\n", "amptjp-bal (16 MiB heap) at 80x24",
	       replay.frame_median_ns / 1e3, replay.curses_ratio, replay.cast_ratio);
	bench_summary("frame_us_80x24", small.frame_median_ns / 1e3);
	bench_summary("frame_us_250x80", large.frame_median_ns / 1e3);
	bench_summary("bytes_per_step_vs_repaint", small.curses_ratio > replay.curses_ratio ? small.curses_ratio
											     : replay.curses_ratio);
	bench_summary("cast_bytes_per_step_vs_repaint", small.cast_ratio > replay.cast_ratio ? small.cast_ratio
											      : replay.cast_ratio);
}
