/* bench_lanes.c - what a rejected command costs under several lanes, and the memory a step of history takes. */
#include "bench.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "script.h"
#include "session.h"

/*
 * 1. A rejected command: a session of three lanes (first, best, worst fit;
 *    1 KiB heaps) with 20,000 steps of history, standing at step 15,001,
 *    is given commands every lane rejects. Each is timed
 *    (median of REJECT_RUNS) against the same command in a one-lane session
 *    of one step, measured in the same run: the ratio is what the design
 *    promises to keep near 1 x the number of lanes (a pure check per lane,
 *    nothing replayed), whatever the length of history.
 * 2. History's memory: steps run through a session whose checkpoint budget
 *    is 0 (so only step 0's checkpoint stays), per step: the packed step
 *    list's bytes (session_history_bytes), and the growth of glibc's in-use
 *    bytes (mallinfo2), which also counts the arena's spare capacity and the
 *    live state's growth (a trace's name table): a .rep trace (needle.rep
 *    when present) and a million-step `alloc 16 as a` / `free a` script.
 */

#define REJECT_RUNS 2001
#define HISTORY_STEPS 20000

#define now_ns bench_now_ns

static struct session *make_session(size_t lanes)
{
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT, POLICY_WORST_FIT };
	struct heap_config config = { HEAP_DEFAULT_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create_lanes(&config, policies, lanes, NULL);
	if (!session) {
		fprintf(stderr, "bench: cannot create a session\n");
		exit(1);
	}
	return session;
}

static void run_line(struct session *session, const char *line)
{
	struct session_report report;
	session_run_line(session, line, &report);
	session_report_release(&report);
}

/* Median ns of running command (which must be rejected) on session. */
static double median_rejection(struct session *session, const struct command *command)
{
	static double samples[REJECT_RUNS];
	size_t runs = bench_quick ? 11 : REJECT_RUNS;
	for (size_t i = 0; i < runs; i++) {
		struct session_report report;
		double t = now_ns();
		session_run(session, command, NULL, &report);
		samples[i] = now_ns() - t;
		if (report.ok) {
			fprintf(stderr, "bench: a command meant to be rejected was accepted\n");
			exit(1);
		}
		session_report_release(&report);
	}
	return bench_median(samples, runs);
}

static void bench_rejection(void)
{
	struct session *single = make_session(1);
	struct session *lanes = make_session(3);
	static const char *const setup[] = {
		"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
		"free m", "free s", "free b", "alloc 40 as r1", "alloc 100 as r2", "alloc 2000 as r3", NULL,
	};
	for (size_t i = 0; setup[i]; i++) {
		run_line(lanes, setup[i]);
		if (i < 2)
			run_line(single, setup[i]);
	}
	char line[64];
	while (session_last_step(lanes) < HISTORY_STEPS) {
		snprintf(line, sizeof line, session_last_step(lanes) % 2 ? "free t" : "alloc %zu as t",
			 1 + session_last_step(lanes) % 24);
		run_line(lanes, line);
	}
	session_goto(lanes, 15001, &(struct command_error){ 0 });
	static const char *const rejected[] = {
		"free nosuch", "alloc 8 as x1", "write x1 \"much longer than twenty bytes\"", "write r3 \"x\"",
	};
	printf("\nrejected commands (median of %d): 3 lanes at step 15,001 of %d against 1 lane with 1 step\n",
	       REJECT_RUNS, HISTORY_STEPS);
	size_t replayed = session_replayed_steps(lanes);
	for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		struct command command;
		struct command_error error;
		if (!command_parse(rejected[i], strlen(rejected[i]), &command, &error)) {
			fprintf(stderr, "bench: %s: %s\n", rejected[i], error.message);
			exit(1);
		}
		/* r3 was refused (NULL) in the lanes: the one lane is given a NULL r3 too, so both reject it alike. */
		if (i == 3)
			run_line(single, "alloc 2000 as r3");
		double base = median_rejection(single, &command);
		double three = median_rejection(lanes, &command);
		printf("  %-44s %8.0f ns vs %6.0f ns = %5.1fx\n", rejected[i], three, base, three / base);
		command_release(&command);
	}
	printf("  steps replayed by all of them: %zu\n", session_replayed_steps(lanes) - replayed);
	session_destroy(single);
	session_destroy(lanes);
}

/* Bytes glibc has handed out and not had back. */
static size_t in_use(void)
{
	struct mallinfo2 info = mallinfo2();
	return info.uordblks + info.hblkhd;
}

static double history_bytes(const char *label, const struct script_line *lines, size_t count, size_t heap)
{
	struct heap_config config = { heap, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (!session) {
		fprintf(stderr, "bench: cannot create a session\n");
		exit(1);
	}
	session_set_checkpoint_budget(session, 0);
	size_t before = in_use();
	double start = now_ns();
	for (size_t i = 0; i < count; i++) {
		struct session_report report;
		session_run(session, &lines[i].command, lines[i].source, &report);
		session_report_release(&report);
	}
	double elapsed = now_ns() - start;
	size_t steps = session_last_step(session);
	double bytes = (double)(in_use() - before) / (double)(steps ? steps : 1);
	double packed = (double)session_history_bytes(session) / (double)(steps ? steps : 1);
	printf("  %-34s %8zu steps %6.1f bytes/step packed, %6.1f allocated %7.0f ns/step\n", label, steps, packed,
	       bytes, elapsed / (double)count);
	session_destroy(session);
	return packed;
}

static void bench_history(const char *dir)
{
	printf("\nhistory's memory (checkpoint budget 0; target: at most 32 bytes/step):\n");
	char path[4096];
	snprintf(path, sizeof path, "%s/needle.rep", dir);
	struct script script;
	struct script_error error;
	if (script_load(path, &script, &error)) {
		/* The figure of issue 14: the largest real trace's packed steps. */
		bench_summary("history_bytes_per_step",
			      history_bytes("needle.rep, 16 MiB heap", script.lines, script.count, LARGE_HEAP));
		script_release(&script);
	}
	size_t count = bench_quick ? 10000 : 1000000;
	struct script_line *lines = calloc(count, sizeof *lines);
	static const char *const text[] = { "alloc 16 as a", "free a" };
	struct command parsed[2];
	struct command_error parse_error;
	if (!lines || !command_parse(text[0], strlen(text[0]), &parsed[0], &parse_error) ||
	    !command_parse(text[1], strlen(text[1]), &parsed[1], &parse_error)) {
		fprintf(stderr, "bench: cannot build the million-step script\n");
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		lines[i].command = parsed[i % 2];
		lines[i].source = (char *)text[i % 2];
	}
	(void)history_bytes("alloc 16 as a / free a, 1 KiB heap", lines, count, HEAP_DEFAULT_SIZE);
	free(lines);
}

void bench_lanes(const char *dir)
{
	bench_rejection();
	bench_history(dir);
}
