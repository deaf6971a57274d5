/* bench.c - `make bench`: every figure users feel, each against a baseline measured in the same run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator.h"
#include "bench_core.h"
#include "heap.h"

/*
 * What this measures (`make bench`, or build/bench/bench [-q] [-r REPS] [-d DIR] [-s TRACE] [TRACE...]);
 * each part's file says how, and ends in `summary: NAME VALUE` lines (issue 14):
 *
 * 1. The core against glibc (bench_core.c): every `*-bal.rep` trace and the
 *    traces of real programs, turned into flat malloc / realloc / free
 *    operations on ids and replayed on the core API (no session) and on
 *    glibc's malloc, interleaved; the fastest of REPS runs of each, ns/op
 *    and the ratio heapviz / glibc. Summary: core_NAME_vs_glibc (geometric
 *    mean over the traces, per allocator), core_worst_ratio.
 * 2. Utilization as the malloc-lab driver scores it (peak live requested
 *    bytes / high-water mark), per trace and allocator, in an untimed replay
 *    that runs heap_check at the end. Summary: util_avg_NAME (mean over the
 *    `*-bal` traces).
 * 3. The same replay through a session with history, quiet (bench_session.c):
 *    session_vs_core (geometric mean over the `*-bal` traces of session
 *    ns/step / core ns/op, first fit), then goto in that session and the
 *    loader against a memchr line scan.
 * 4. Lanes and history memory (bench_lanes.c): history_bytes_per_step.
 * 5. Scaling (bench_scaling.c): ops/s as live blocks grow from 10 to 100,000.
 * 6. Time travel (bench_history.c): goto in 10^3 .. 10^6 steps, undo.
 * 7. Drawing (bench_draw.c): frames through curses into a file, recordings.
 * 0. Start-up and loading (bench_startup.c, run first): heapviz --batch, the largest trace.
 * Times depend on the machine; the ratios and the targets in README's
 * Performance section are what the figures are judged by.
 */

#define DEFAULT_REPS 21
#define QUICK_REPS 1
#define SHORT_TRACE_OPS 1000    /* traces this short get SHORT_TRACE_REPS runs: each is only microseconds */
#define SHORT_TRACE_REPS 51

/* The malloc-lab's balanced traces, then traces taken from real programs (tests/traces/README.md). */
static const char *const balanced_traces[] = {
	"amptjp-bal", "binary-bal", "binary2-bal", "cccp-bal", "coalescing-bal", "cp-decl-bal", "expr-bal",
	"random-bal", "random2-bal", "realloc-bal", "realloc2-bal", "short1-bal", "short2-bal",
};
static const char *const program_traces[] = {
	"bash", "chrome", "firefox", "freeciv", "login", "ls", "mutt", "perl", "pulseaudio", "xterm",
};
static const char *const quick_traces[] = { "short1-bal", "amptjp-bal", "ls" };
static const char *const default_session_trace = "amptjp-bal";

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool is_balanced(const char *name)
{
	size_t len = strlen(name);
	return len > 4 && strcmp(name + len - 4, "-bal") == 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench [-q] [-r REPS] [-d DIR] [-s SESSION_TRACE] [-x HEAPVIZ] [-L LESSON] [-l] [-t] [TRACE...]\n"
			"  -q: quick: every part once on small inputs (make test); the figures mean nothing\n"
			"  -l: only the lanes and history figures (bench_lanes.c)\n"
			"  -t: only the time travel targets (bench_history.c)\n"
			"  -x: the heapviz binary the start-up figures run (default ./heapviz)\n"
			"  TRACE is a name in DIR (default tests/traces/malloclab) or a path to a .rep file\n");
	exit(2);
}

/* Part 1 to 3 over the given traces; the session ratio over the balanced ones only. */
static void bench_traces(const char *dir, const char *const *names, size_t count, size_t reps, unsigned *checksum)
{
	double log_ratio[POLICY_COUNT] = { 0 }, util_sum[POLICY_COUNT] = { 0 }, worst = 0, log_session = 0;
	size_t traces = 0, balanced = 0;
	const char *worst_at = "", *worst_policy = "";

	printf("heapviz bench: %zu MiB heap, alignment %u, fastest of %zu runs (%d for traces under %d ops);\n"
	       "glibc malloc measured in the same run; ratio = heapviz ns/op / glibc ns/op (lower is better)\n\n",
	       BENCH_HEAP_SIZE >> 20, HEAP_DEFAULT_ALIGNMENT, reps, SHORT_TRACE_REPS, SHORT_TRACE_OPS);
	printf("%-15s %-7s %7s %10s %10s %8s %7s %7s\n", "trace", "policy", "ops", "heapviz", "glibc", "ratio",
	       "util", "failed");
	printf("%-15s %-7s %7s %10s %10s %8s %7s %7s\n", "", "", "", "ns/op", "ns/op", "", "", "allocs");
	double *session_ratio = bench_calloc(count, sizeof *session_ratio);
	double *first_ns = bench_calloc(count, sizeof *first_ns);
	for (size_t i = 0; i < count; i++) {
		struct trace trace = trace_load(dir, names[i]);
		if (trace.count == 0) {
			printf("%-15s (no operations)\n", trace.name);
			free(trace.ops);
			continue;
		}
		struct core_result results[POLICY_COUNT];
		size_t runs = !bench_quick && trace.count < SHORT_TRACE_OPS && reps < SHORT_TRACE_REPS ? SHORT_TRACE_REPS : reps;
		bench_core_trace(&trace, runs, checksum, results);
		traces++;
		for (int p = 0; p < POLICY_COUNT; p++) {
			log_ratio[p] += log(results[p].ratio > 0 ? results[p].ratio : 1);
			if (results[p].ratio > worst) {
				worst = results[p].ratio;
				worst_at = names[i];
				worst_policy = heap_policy_name((enum heap_policy)p);
			}
			if (is_balanced(names[i]))
				util_sum[p] += results[p].utilization;
		}
		first_ns[i] = results[POLICY_FIRST_FIT].ns;
		if (is_balanced(names[i]))
			balanced++;
		free(trace.ops);
	}
	if (traces == 0)
		bench_die("no trace had operations");
	printf("\ngeometric mean of the ratio over %zu traces:", traces);
	for (int p = 0; p < POLICY_COUNT; p++)
		printf(" %s %.2f%s", heap_policy_name((enum heap_policy)p), exp(log_ratio[p] / (double)traces),
		       p + 1 < POLICY_COUNT ? "," : "\n");
	printf("largest ratio: %.2f (%s, %s)\n", worst, worst_at, worst_policy);

	printf("\nsession vs core (first fit, quiet replay with history, best of %zu):\n", reps < 3 ? reps : 3);
	size_t sessions = 0;
	for (size_t i = 0; i < count; i++) {
		if (!is_balanced(names[i]) || first_ns[i] <= 0)
			continue;
		session_ratio[i] = bench_session_vs_core(dir, names[i], first_ns[i], reps < 3 ? reps : 3);
		printf("  %-15s %6.1f x the core's %.1f ns/op\n", names[i], session_ratio[i], first_ns[i]);
		log_session += log(session_ratio[i]);
		sessions++;
	}

	char name[64];
	for (int p = 0; p < POLICY_COUNT; p++) {
		snprintf(name, sizeof name, "core_%s_vs_glibc", heap_policy_name((enum heap_policy)p));
		bench_summary(name, exp(log_ratio[p] / (double)traces));
	}
	bench_summary("core_worst_ratio", worst);
	for (int p = 0; p < POLICY_COUNT && balanced > 0; p++) {
		snprintf(name, sizeof name, "util_avg_%s", heap_policy_name((enum heap_policy)p));
		bench_summary(name, util_sum[p] / (double)balanced);
	}
	if (sessions > 0)
		bench_summary("session_vs_core", exp(log_session / (double)sessions));
	free(session_ratio);
	free(first_ns);
}

int main(int argc, char **argv)
{
	const char *dir = "tests/traces/malloclab";
	const char *session_trace = default_session_trace;
	const char *heapviz = "./heapviz";
	const char *lesson = "assets/lessons/first-best-worst.hv";
	size_t reps = DEFAULT_REPS;
	bool lanes_only = false, travel_only = false, reps_given = false;
	int opt;
	while ((opt = getopt(argc, argv, "qr:d:s:x:L:lth")) != -1) {
		switch (opt) {
		case 'q': bench_quick = true; break;
		case 'l': lanes_only = true; break;
		case 't': travel_only = true; break;
		case 'r': reps = (size_t)strtoul(optarg, NULL, 10); reps_given = true; break;
		case 'd': dir = optarg; break;
		case 's': session_trace = optarg; break;
		case 'x': heapviz = optarg; break;
		case 'L': lesson = optarg; break;
		default: usage();
		}
	}
	if (reps == 0)
		usage();
	if (bench_quick && !reps_given)
		reps = QUICK_REPS;
	if (lanes_only) {
		bench_lanes(dir);
		return 0;
	}
	if (travel_only) {
		bench_history_travel();
		return 0;
	}

	const char **names;
	size_t count;
	if (optind < argc) {
		names = (const char **)&argv[optind];
		count = (size_t)(argc - optind);
	} else if (bench_quick) {
		names = (const char **)quick_traces;
		count = COUNT(quick_traces);
	} else {
		count = COUNT(balanced_traces) + COUNT(program_traces);
		names = bench_calloc(count, sizeof *names);
		memcpy(names, balanced_traces, sizeof balanced_traces);
		memcpy(names + COUNT(balanced_traces), program_traces, sizeof program_traces);
	}

	unsigned checksum = 0;
	double start = bench_now_ns();
	/* First, while this process is small: a forked child's peak RSS counts the pages it shares with it. */
	bench_startup(dir, heapviz);
	bench_traces(dir, names, count, reps, &checksum);
	bench_session(dir, session_trace, reps);
	bench_loader(dir);
	bench_lanes(dir);
	bench_scaling();
	bench_history_travel();
	bench_draw(dir, lesson);
	printf("\n(%.1f s; checksum %u)\n", (bench_now_ns() - start) / 1e9, checksum);
	bench_summary_print();
	if (names != (const char **)&argv[optind] && names != (const char **)quick_traces)
		free(names);
	return 0;
}
