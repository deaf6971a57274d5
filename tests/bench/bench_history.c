/* bench_history.c - time travel against its targets: goto in a million steps, undo/redo, undo after 16 MB fills. */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "session.h"

/*
 * The targets of issue 9, each printed with its baseline measured in the
 * same run and the ratio to it, and PASS or MISS (figures, not assertions:
 * a shared machine only ever adds time, so a MISS here is a reason to look,
 * while unit tests count work instead):
 *
 * 1. goto to MOVES random steps (fixed seed) of a history of STEPS steps
 *    (`alloc 16 as a` / `free a`), median, on the default heap (target
 *    < 100 us) and on a 16 MiB heap (target < 1 ms). Baseline: the same two
 *    operations on the core alone (heap_alloc / heap_free), ns per op.
 * 2. undo and redo of one step from random steps of the same histories,
 *    median (target < 20 us each), same baseline.
 * 3. The timeline of issue 9: `alloc 16000000` then FILLS fills of other
 *    bytes on a 16 MiB heap; undo from the end step by step (every Ctrl-Z),
 *    median and worst, against redo (one step forward) measured on the same
 *    steps: target undo <= 2x redo ("as instant as stepping forward").
 */

enum { STEPS = 1000000, MOVES = 1000, FILLS = 3000, UNDOS = 300 };

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *samples, size_t count)
{
	qsort(samples, count, sizeof *samples, compare_doubles);
	return samples[count / 2];
}

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static void verdict(const char *label, double value_ns, double target_ns, double baseline_ns, const char *baseline)
{
	printf("  %-44s %9.1f us  target < %6.0f us  %s  = %7.0f x %s\n", label, value_ns / 1e3, target_ns / 1e3,
	       value_ns < target_ns ? "PASS" : "MISS", baseline_ns > 0 ? value_ns / baseline_ns : 0, baseline);
}

/* The core alone on the same two commands: ns per heap_alloc / heap_free. */
static double core_alloc_free_ns(size_t heap_size)
{
	struct heap_config config = { heap_size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *heap;
	if (heap_create(&config, &heap) != HEAP_OK)
		die("cannot create a heap");
	double best = 1e300;
	for (int r = 0; r < 5; r++) {
		double start = now_ns();
		for (size_t i = 0; i < STEPS / 2; i++) {
			struct heap_placement placement;
			if (heap_alloc(heap, 16, &placement) != HEAP_OK || heap_free(heap, placement.payload, NULL) != HEAP_OK)
				die("core alloc/free failed");
		}
		double ns = (now_ns() - start) / STEPS;
		best = ns < best ? ns : best;
	}
	heap_destroy(heap);
	return best;
}

static struct session *million_steps(size_t heap_size)
{
	struct heap_config config = { heap_size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	static const char *const text[] = { "alloc 16 as a", "free a" };
	struct command parsed[2];
	struct command_error error;
	if (!session || !command_parse(text[0], strlen(text[0]), &parsed[0], &error) ||
	    !command_parse(text[1], strlen(text[1]), &parsed[1], &error))
		die("cannot build the million-step history");
	session_set_quiet(session, true);
	for (size_t i = 0; i < STEPS; i++) {
		struct session_report report;
		session_run(session, &parsed[i % 2], text[i % 2], &report);
		if (!report.ok)
			die("a step of the million was rejected");
		session_report_release(&report);
	}
	session_set_quiet(session, false);
	command_release(&parsed[0]);
	command_release(&parsed[1]);
	return session;
}

static void time_travel(const char *label, size_t heap_size, double goto_target_ns)
{
	static double gotos[MOVES], undos[MOVES], redos[MOVES];
	double core = core_alloc_free_ns(heap_size);
	double start = now_ns();
	struct session *session = million_steps(heap_size);
	double build = now_ns() - start;
	struct command_error error;
	uint64_t seed = 0x9e3779b97f4a7c15u;
	size_t last = session_last_step(session);
	for (size_t i = 0; i < MOVES; i++) {
		size_t step = 1 + (size_t)(next_random(&seed) % (last - 1));
		double t = now_ns();
		if (!session_goto(session, step, &error) || session_step(session) != step)
			die("goto failed");
		gotos[i] = now_ns() - t;
		t = now_ns();
		if (!session_undo(session, &error))
			die("undo failed");
		undos[i] = now_ns() - t;
		t = now_ns();
		if (!session_redo(session, &error) || session_step(session) != step)
			die("redo failed");
		redos[i] = now_ns() - t;
	}
	printf("\ntime travel, %s: %zu steps of alloc 16 as a / free a (built quiet in %.1f s), %zu checkpoints, "
	       "one every %zu steps; core alone %.1f ns/op\n", label, last, build / 1e9, session_checkpoint_count(session),
	       session_checkpoint_interval(session), core);
	verdict("goto to a random step (median of 1000)", median(gotos, MOVES), goto_target_ns, core, "a core op");
	verdict("undo of one step (median)", median(undos, MOVES), 20e3, core, "a core op");
	verdict("redo of one step (median)", median(redos, MOVES), 20e3, core, "a core op");
	session_destroy(session);
}

static void undo_after_fills(void)
{
	static double undos[UNDOS], redos[UNDOS];
	struct heap_config config = { HEAP_MAX_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	struct session_report report;
	struct command_error error;
	char line[64];
	if (!session)
		die("cannot create a 16 MiB session");
	double start = now_ns();
	session_run_line(session, "alloc 16000000 as a", &report);
	session_report_release(&report);
	for (size_t k = 1; k <= FILLS; k++) {
		snprintf(line, sizeof line, "fill a %u", 1 + (unsigned)(k * 37 % 255));
		session_run_line(session, line, &report);
		if (!report.ok)
			die("a fill was rejected");
		session_report_release(&report);
	}
	double build = now_ns() - start;
	double worst = 0;
	size_t replayed = session_replayed_steps(session), worst_replayed = 0;
	for (size_t i = 0; i < UNDOS; i++) {
		size_t before = session_replayed_steps(session);
		double t = now_ns();
		if (!session_undo(session, &error))
			die("undo failed");
		undos[i] = now_ns() - t;
		worst = undos[i] > worst ? undos[i] : worst;
		if (session_replayed_steps(session) - before > worst_replayed)
			worst_replayed = session_replayed_steps(session) - before;
	}
	replayed = session_replayed_steps(session) - replayed;
	for (size_t i = 0; i < UNDOS; i++) {
		double t = now_ns();
		if (!session_redo(session, &error))
			die("redo failed");
		redos[i] = now_ns() - t;
	}
	double redo = median(redos, UNDOS), undo = median(undos, UNDOS);
	printf("\nCtrl-Z after `alloc 16000000` and %d fills of other bytes, 16 MiB heap (built in %.1f s; %zu checkpoints, "
	       "one every %zu steps at most, work bound grown to fit the budget)\n", FILLS, build / 1e9,
	       session_checkpoint_count(session), session_checkpoint_interval(session));
	printf("  %d undos from the end: %zu steps replayed (at most %zu by one undo)\n", UNDOS, replayed, worst_replayed);
	printf("  undo median %9.1f us (worst %.1f us) vs redo median %.1f us = %.2f x a step forward  target <= 2 x  %s\n",
	       undo / 1e3, worst / 1e3, redo / 1e3, undo / redo, undo <= 2 * redo ? "PASS" : "MISS");
	session_destroy(session);
}

void bench_history_travel(void)
{
	time_travel("default heap (1 KiB)", HEAP_DEFAULT_SIZE, 100e3);
	time_travel("16 MiB heap", HEAP_MAX_SIZE, 1e6);
	undo_after_fills();
}
