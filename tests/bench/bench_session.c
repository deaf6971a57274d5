/* bench_session.c - a trace replayed through a session with history against the core alone, goto in it, the loader. */
#include "bench_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "session.h"
#include "strbuf.h"

#define GOTO_COUNT 1000

/* A new session (16 MiB, first fit) that has run script; *ns: per step, the run timed alone. */
static struct session *replay_session(const struct script *script, const char *name, bool quiet, size_t *refused,
				      double *ns)
{
	struct heap_config config = { BENCH_HEAP_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (session == NULL)
		bench_die("cannot create a session");
	session_set_quiet(session, quiet);
	*refused = 0;
	double start = bench_now_ns();
	for (size_t i = 0; i < script->count; i++) {
		struct session_report report;
		session_run(session, &script->lines[i].command, script->lines[i].source, &report);
		if (!report.ok)
			bench_die("%s: step %zu rejected: %s", name, i + 1, report.error.message);
		*refused += report.outcome.kind == OUTCOME_REFUSED;
		session_report_release(&report);
	}
	*ns = (bench_now_ns() - start) / (double)script->count;
	session_set_quiet(session, false);
	return session;
}

void bench_session(const char *dir, const char *name, size_t reps)
{
	char path[4096];
	struct script script;
	struct script_error error;
	bench_trace_path(path, sizeof path, dir, name);
	if (!script_load(path, &script, &error))
		bench_die("%s: %s", path, error.message);
	/* Quiet (as the screen loads a timeline: no sentences) and with every step's sentences (as --batch prints). */
	size_t refused = 0;
	struct session *session = NULL;
	double replay_ns = 1e300, loud_ns = 1e300;
	for (size_t r = 0; r < (reps < 5 ? reps : 5); r++) {
		for (int quiet = 1; quiet >= 0; quiet--) {
			double ns;
			struct session *run = replay_session(&script, name, quiet, &refused, &ns);
			if (quiet)
				replay_ns = ns < replay_ns ? ns : replay_ns;
			else
				loud_ns = ns < loud_ns ? ns : loud_ns;
			if (session == NULL && !quiet)
				session = run;
			else
				session_destroy(run);
		}
	}

	size_t last = session_last_step(session);
	uint64_t seed = 0x9e3779b97f4a7c15u;
	double total = 0, worst = 0;
	for (size_t i = 0; i < GOTO_COUNT; i++) {
		size_t step = (size_t)(bench_random(&seed) % (last + 1));
		struct command_error goto_error;
		double t = bench_now_ns();
		if (!session_goto(session, step, &goto_error))
			bench_die("goto failed: %s", goto_error.message);
		t = bench_now_ns() - t;
		total += t;
		if (t > worst)
			worst = t;
		if (session_step(session) != step)
			bench_die("goto did not reach its step");
	}

	struct trace trace = trace_load(dir, name);
	double core_ns = core_ns_per_op(&trace, POLICY_FIRST_FIT, reps);
	double goto_ns = total / GOTO_COUNT;
	printf("\nsession: %s, first fit, 16 MiB heap: %zu steps (%zu refused)\n", name, last, refused);
	printf("  replay with history, quiet (the screen's timeline load): %.0f ns/step = %.1f x the core's %.1f ns/op"
	       "  target <= 3 x  %s\n", replay_ns, replay_ns / core_ns, core_ns, replay_ns <= 3 * core_ns ? "PASS" : "MISS");
	printf("  replay with history and every step's sentences (--batch): %.0f ns/step = %.1f x the core\n", loud_ns,
	       loud_ns / core_ns);
	printf("  checkpoints: %zu, one every %zu steps at most (64 MiB budget)\n", session_checkpoint_count(session),
	       session_checkpoint_interval(session));
	printf("  goto to %d random steps: %.1f us per goto (worst %.1f us) = %.0f core ops of this trace\n",
	       GOTO_COUNT, goto_ns / 1e3, worst / 1e3, goto_ns / core_ns);
	free(trace.ops);
	session_destroy(session);
	script_release(&script);
}

/* The baseline for the loader: only finding the line ends of the same text, as fast as libc can. */
static double scan_lines_ns(const char *text, size_t len, size_t *lines)
{
	double begin = bench_now_ns();
	size_t count = 0;
	for (const char *p = text, *end = text + len; p < end; count++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	*lines = count;
	return bench_now_ns() - begin;
}

/* Best of three parses of text, and of three line scans of it; prints both and their ratio. */
static void bench_parse(const char *label, const char *name, const char *text, size_t len)
{
	struct script script;
	struct script_error error;
	double best = 0, scan = 0;
	size_t lines = 0;
	for (int run = 0; run < 3; run++) {
		double begin = bench_now_ns();
		if (!script_parse(name, text, len, &script, &error))
			bench_die("loader bench: %s:%zu:%zu: %s", name, error.line, error.column, error.message);
		double took = bench_now_ns() - begin;
		script_release(&script);
		best = run == 0 || took < best ? took : best;
		double scanned = scan_lines_ns(text, len, &lines);
		scan = run == 0 || scanned < scan ? scanned : scan;
	}
	printf("  %-34s %8.1f ms  %6.1f ns/line  %6.1fx a memchr line scan (%zu lines)\n", label, best / 1e6,
	       best / (double)(lines ? lines : 1), best / (scan > 0 ? scan : 1), lines);
}

/*
 * The script loader, as ratios to scanning the same bytes for line ends:
 * 100 MB of empty lines (issue 8 measured 7 s: it must stay linear with a
 * small constant) and the largest shipped trace (a timed unit test used to
 * guard this; timings belong here).
 */
void bench_loader(const char *dir)
{
	printf("\nloader (best of 3):\n");
	size_t len = bench_quick ? (size_t)1000 * 1000 : (size_t)100 * 1000 * 1000;
	char *text = malloc(len);
	if (!text)
		bench_die("out of memory for the loader bench");
	memset(text, '\n', len);
	bench_parse(bench_quick ? "1 MB of empty lines" : "100 MB of empty lines", "blank.hv", text, len);
	free(text);

	char path[4096];
	snprintf(path, sizeof path, "%s/needle.rep", dir);
	FILE *file = fopen(path, "rb");
	if (!file)
		bench_die("cannot open %s", path);
	struct strbuf data;
	strbuf_init(&data);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, file)) > 0)
		strbuf_append(&data, chunk, got);
	fclose(file);
	bench_parse("needle.rep (the largest trace)", path, strbuf_text(&data), data.len);
	strbuf_release(&data);
}


/*
 * The same trace quiet through a session (history, names, checkpoints: the
 * screen's timeline load), best of reps, per step over the core's ns/op.
 * The session's heap at the end must be the core's own replay's (failed
 * requests aside: the session counts refusals of its own): a ratio of two
 * different computations would mean nothing.
 */
double bench_session_vs_core(const char *dir, const char *name, double core_ns, size_t reps)
{
	char path[4096];
	struct script script;
	struct script_error error;
	bench_trace_path(path, sizeof path, dir, name);
	if (!script_load(path, &script, &error))
		bench_die("%s: %s", path, error.message);
	double best = 1e300;
	size_t refused;
	struct session *session = NULL;
	for (size_t r = 0; r < reps; r++) {
		double ns;
		struct session *run = replay_session(&script, name, true, &refused, &ns);
		best = ns < best ? ns : best;
		if (session)
			session_destroy(session);
		session = run;
	}
	struct trace trace = trace_load(dir, name);
	struct heap_config config = { BENCH_HEAP_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *heap;
	if (heap_create(&config, &heap) != HEAP_OK)
		bench_die("cannot create a 16 MiB heap");
	size_t *payloads = bench_calloc(trace.ids, sizeof *payloads);
	replay_core(heap, &trace, payloads, NULL, NULL);
	struct heap_stats core, lane;
	heap_get_stats(heap, &core);
	heap_get_stats(session_heap(session), &lane);
	if (core.used_blocks != lane.used_blocks || core.free_blocks != lane.free_blocks ||
	    core.used_bytes != lane.used_bytes || core.brk != lane.brk)
		bench_die("%s: the session's heap differs from the core's replay (%zu/%zu used blocks, break 0x%zx/0x%zx)",
			  name, lane.used_blocks, core.used_blocks, lane.brk, core.brk);
	struct heap_problem problem;
	if (heap_check(session_heap(session), &problem, 1) != 0)
		bench_die("%s: heap_check after the session's replay: 0x%zx: %s", name, problem.offset, problem.message);
	free(payloads);
	free(trace.ops);
	heap_destroy(heap);
	session_destroy(session);
	script_release(&script);
	return best / core_ns;
}
