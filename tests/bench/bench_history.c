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
 * 1. goto to MOVES random steps (fixed seed) of histories of 10^3 .. 10^6 steps
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

enum { STEPS_MAX = 1000000, MOVES = 1000, FILLS = 3000, UNDOS = 300 };
enum { QUICK_MOVES = 50, QUICK_FILLS = 30 };

#define now_ns bench_now_ns
#define median bench_median
#define next_random bench_random

static void die(const char *what)
{
	bench_die("%s", what);
}

static void verdict(const char *label, double value_ns, double target_ns, double baseline_ns, const char *baseline)
{
	printf("  %-44s %9.1f us  target < %6.0f us  %s  = %7.0f x %s\n", label, value_ns / 1e3, target_ns / 1e3,
	       value_ns < target_ns ? "PASS" : "MISS", baseline_ns > 0 ? value_ns / baseline_ns : 0, baseline);
}

/* The core alone on the same two commands: ns per heap_alloc / heap_free. */
static double core_alloc_free_ns(size_t heap_size, size_t steps)
{
	struct heap_config config = { heap_size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *heap;
	if (heap_create(&config, &heap) != HEAP_OK)
		die("cannot create a heap");
	double best = 1e300;
	for (int r = 0; r < 5; r++) {
		double start = now_ns();
		for (size_t i = 0; i < steps / 2; i++) {
			struct heap_placement placement;
			if (heap_alloc(heap, 16, &placement) != HEAP_OK || heap_free(heap, placement.payload, NULL) != HEAP_OK)
				die("core alloc/free failed");
		}
		double ns = (now_ns() - start) / (double)steps;
		best = ns < best ? ns : best;
	}
	heap_destroy(heap);
	return best;
}

static struct session *history_of(size_t heap_size, size_t steps)
{
	struct heap_config config = { heap_size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	static const char *const text[] = { "alloc 16 as a", "free a" };
	struct command parsed[2];
	struct command_error error;
	if (!session || !command_parse(text[0], strlen(text[0]), &parsed[0], &error) ||
	    !command_parse(text[1], strlen(text[1]), &parsed[1], &error))
		die("cannot build the history");
	session_set_quiet(session, true);
	for (size_t i = 0; i < steps; i++) {
		struct session_report report;
		session_run(session, &parsed[i % 2], text[i % 2], &report);
		if (!report.ok)
			die("a step of the history was rejected");
		session_report_release(&report);
	}
	session_set_quiet(session, false);
	command_release(&parsed[0]);
	command_release(&parsed[1]);
	return session;
}

/* What time travel in one history measured: medians, in ns. */
struct travel {
	double goto_median, goto_worst, undo_median, redo_median;
};

static struct travel time_travel(const char *label, size_t heap_size, size_t steps, double goto_target_ns)
{
	static double gotos[MOVES], undos[MOVES], redos[MOVES];
	size_t moves = bench_quick ? QUICK_MOVES : MOVES;
	double core = core_alloc_free_ns(heap_size, steps < 100000 ? 100000 : steps);
	double start = now_ns();
	struct session *session = history_of(heap_size, steps);
	double build = now_ns() - start;
	struct command_error error;
	uint64_t seed = 0x9e3779b97f4a7c15u;
	size_t last = session_last_step(session);
	struct travel travel = { 0, 0, 0, 0 };
	for (size_t i = 0; i < moves; i++) {
		size_t step = 1 + (size_t)(next_random(&seed) % (last - 1));
		double t = now_ns();
		if (!session_goto(session, step, &error) || session_step(session) != step)
			die("goto failed");
		gotos[i] = now_ns() - t;
		travel.goto_worst = gotos[i] > travel.goto_worst ? gotos[i] : travel.goto_worst;
		t = now_ns();
		if (!session_undo(session, &error) || session_step(session) != step - 1)
			die("undo failed");
		undos[i] = now_ns() - t;
		t = now_ns();
		if (!session_redo(session, &error) || session_step(session) != step)
			die("redo failed");
		redos[i] = now_ns() - t;
	}
	travel.goto_median = median(gotos, moves);
	travel.undo_median = median(undos, moves);
	travel.redo_median = median(redos, moves);
	printf("\ntime travel, %s: %zu steps of alloc 16 as a / free a (built quiet in %.1f s), %zu checkpoints, "
	       "one every %zu steps; core alone %.1f ns/op\n", label, last, build / 1e9, session_checkpoint_count(session),
	       session_checkpoint_interval(session), core);
	verdict("goto to a random step (median)", travel.goto_median, goto_target_ns, core, "a core op");
	printf("  %-44s %9.1f us\n", "goto, worst", travel.goto_worst / 1e3);
	verdict("undo of one step (median)", travel.undo_median, 20e3, core, "a core op");
	verdict("redo of one step (median)", travel.redo_median, 20e3, core, "a core op");
	session_destroy(session);
	return travel;
}

static void undo_after_fills(void)
{
	static double undos[UNDOS], redos[UNDOS];
	struct heap_config config = { LARGE_HEAP, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	struct session_report report;
	struct command_error error;
	char line[64];
	if (!session)
		die("cannot create a 16 MiB session");
	double start = now_ns();
	session_run_line(session, "alloc 16000000 as a", &report);
	session_report_release(&report);
	size_t fills = bench_quick ? QUICK_FILLS : FILLS, undo_count = bench_quick ? QUICK_FILLS : UNDOS;
	for (size_t k = 1; k <= fills; k++) {
		snprintf(line, sizeof line, "fill a %u", 1 + (unsigned)(k * 37 % 255));
		session_run_line(session, line, &report);
		if (!report.ok)
			die("a fill was rejected");
		session_report_release(&report);
	}
	double build = now_ns() - start;
	double worst = 0;
	size_t replayed = session_replayed_steps(session), worst_replayed = 0;
	for (size_t i = 0; i < undo_count; i++) {
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
	for (size_t i = 0; i < undo_count; i++) {
		double t = now_ns();
		if (!session_redo(session, &error))
			die("redo failed");
		redos[i] = now_ns() - t;
	}
	double redo = median(redos, undo_count), undo = median(undos, undo_count);
	printf("\nCtrl-Z after `alloc 16000000` and %d fills of other bytes, 16 MiB heap (built in %.1f s; %zu checkpoints, "
	       "one every %zu steps at most, work bound grown to fit the budget)\n", (int)fills, build / 1e9,
	       session_checkpoint_count(session), session_checkpoint_interval(session));
	printf("  %d undos from the end: %zu steps replayed (at most %zu by one undo)\n", (int)undo_count, replayed, worst_replayed);
	printf("  undo median %9.1f us (worst %.1f us) vs redo median %.1f us = %.2f x a step forward  target <= 2 x  %s\n",
	       undo / 1e3, worst / 1e3, redo / 1e3, undo / redo, undo <= 2 * redo ? "PASS" : "MISS");
	session_destroy(session);
}

/*
 * Histories of 10^3 .. 10^6 steps on both heaps (quick: 10^3 and 10^4): goto
 * must not grow with the length of history (goto_ratio_1e6_vs_1e3: the
 * median at the longest over the median at 10^3, 1 KiB heap).
 */
void bench_history_travel(void)
{
	static const size_t lengths[] = { 1000, 10000, 100000, STEPS_MAX };
	size_t count = bench_quick ? 2 : sizeof lengths / sizeof lengths[0];
	struct travel small[4], large[4];
	char label[64];
	for (size_t i = 0; i < count; i++) {
		snprintf(label, sizeof label, "default heap (1 KiB), %zu steps", lengths[i]);
		small[i] = time_travel(label, HEAP_DEFAULT_SIZE, lengths[i], 100e3);
		snprintf(label, sizeof label, "16 MiB heap, %zu steps", lengths[i]);
		large[i] = time_travel(label, LARGE_HEAP, lengths[i], 1e6);
	}
	undo_after_fills();
	bench_summary("goto_us_1e6_1k", small[count - 1].goto_median / 1e3);
	bench_summary("goto_worst_us_1e6_1k", small[count - 1].goto_worst / 1e3);
	bench_summary("goto_us_1e6_16m", large[count - 1].goto_median / 1e3);
	bench_summary("goto_worst_us_1e6_16m", large[count - 1].goto_worst / 1e3);
	bench_summary("goto_ratio_1e6_vs_1e3", small[count - 1].goto_median / small[0].goto_median);
	bench_summary("undo_us", small[count - 1].undo_median / 1e3);
}
