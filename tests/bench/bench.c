/* bench.c - heapviz's allocator core against glibc malloc on real malloc-lab traces, the cost of goto in a session, the loader. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "allocator.h"
#include "bench.h"
#include "heap.h"
#include "script.h"
#include "strbuf.h"
#include "session.h"

/*
 * What this measures (`make bench`, or build/bench/bench [-r REPS] [-d DIR] [-s TRACE] [TRACE...]):
 *
 * 1. Throughput of the core. Each trace (tests/traces/malloclab/NAME.rep,
 *    read with script_load) is turned into a flat list of malloc / realloc /
 *    free operations on ids and replayed directly on the core API — no
 *    session, no names, no history: an id -> payload-offset table over a
 *    16 MiB heap (the largest heapviz allows), alignment 8, once per policy.
 *    In the same run, interleaved with it, the same operations are replayed on
 *    glibc's malloc/realloc/free, touching one byte of every block so the
 *    work cannot be optimised away. Heap setup (a warm copy of an empty 16 MiB
 *    heap) is outside the timed region; glibc's arena is likewise warm after
 *    the first repetition. Each figure is the fastest of REPS timed runs: on a
 *    shared machine interference only ever adds time, so the minimum is the
 *    steadiest estimate of what each allocator costs.
 *    Printed per trace and policy: operations, ns/op for heapviz, ns/op for
 *    glibc and the ratio heapviz/glibc. Absolute times depend on the
 *    machine; the ratio is what performance targets are stated in.
 *
 * 2. Utilization as the classic malloc-lab driver scores it: peak live
 *    requested bytes / the heap's final high-water mark — the highest break
 *    for the fit policies, the highest end of a block ever handed out for
 *    buddy and tlsf (whose "break" is always the whole heap). Measured in a separate
 *    untimed replay that also runs heap_check at the end.
 *
 * 3. Failed allocations: some traces need more than 16 MiB live, and some
 *    policies fragment a 16 MiB heap past serving a trace (random-bal under
 *    worst fit and buddy). Refused requests are counted and printed; the id
 *    then holds NULL, as in C (freeing it does nothing, reallocating it
 *    allocates), and the run's utilization only counts what was served.
 *
 * 4. Time travel: one trace is replayed through a session (session_run,
 *    history and checkpoints as the program keeps them), then `goto` to 1,000
 *    random steps (fixed seed) is timed and reported per goto, with the
 *    checkpoint interval it had to work with and the same time expressed as
 *    core operations of that trace (goto ns / core ns per op). The replay
 *    itself is timed quiet (no sentences, as the screen loads a timeline:
 *    the target, at most 3x the core per step) and with every sentence.
 * 5. Time travel against its targets (bench_history.c).
 */

enum op_kind { OP_MALLOC, OP_REALLOC, OP_FREE };

struct op {
	enum op_kind kind;
	size_t id;
	size_t size;
};

struct trace {
	const char *name;
	struct op *ops;
	size_t count;
	size_t ids;
};

/* The payload table's "C NULL": never a payload offset in a 16 MiB heap. */
#define NO_BLOCK ((size_t)-1)
#define BENCH_HEAP_SIZE HEAP_MAX_SIZE
#define DEFAULT_REPS 21
#define SHORT_TRACE_OPS 1000    /* traces this short get SHORT_TRACE_REPS runs: each is only microseconds */
#define SHORT_TRACE_REPS 51
#define GOTO_COUNT 1000

static const char *const default_traces[] = {
	"amptjp-bal", "cccp-bal", "coalescing-bal", "random-bal", "realloc-bal",
	"binary2-bal", "short1-bal", "xterm", "freeciv",
};
static const char *const default_session_trace = "amptjp-bal";

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	exit(1);
}

static void *checked_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);
	if (p == NULL)
		die("out of memory");
	return p;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double fastest(const double *samples, size_t count)
{
	double best = samples[0];
	for (size_t i = 1; i < count; i++)
		if (samples[i] < best)
			best = samples[i];
	return best;
}

/* "id17" -> 17, as the .rep loader names ids. */
static size_t id_of(const char *name, const char *trace)
{
	char *end;
	if (strncmp(name, "id", 2) != 0)
		die("%s: unexpected name %s in a .rep trace", trace, name);
	unsigned long long id = strtoull(name + 2, &end, 10);
	if (*end != '\0')
		die("%s: unexpected name %s in a .rep trace", trace, name);
	return (size_t)id;
}

static void trace_path(char *path, size_t size, const char *dir, const char *name)
{
	if (strchr(name, '/') != NULL)
		snprintf(path, size, "%s", name);
	else
		snprintf(path, size, "%s/%s.rep", dir, name);
}

/* Read a .rep trace into flat operations; the loader has already resolved r-on-dead-id and r ID 0. */
static struct trace trace_load(const char *dir, const char *name)
{
	char path[4096];
	struct script script;
	struct script_error error;
	trace_path(path, sizeof path, dir, name);
	if (!script_load(path, &script, &error)) {
		die("%s:%zu:%zu: %s", path, error.line, error.column, error.message);
	}
	if (script.format != SCRIPT_REP)
		die("%s: not a malloc-lab trace", path);
	struct trace trace = { name, checked_calloc(script.count, sizeof(struct op)), 0, script.rep.num_ids };
	for (size_t i = 0; i < script.count; i++) {
		const struct command *command = &script.lines[i].command;
		struct op *op = &trace.ops[trace.count++];
		switch (command->kind) {
		case CMD_ALLOC:
			*op = (struct op){ OP_MALLOC, id_of(command->name, name), command->size };
			break;
		case CMD_REALLOC:
			*op = (struct op){ OP_REALLOC, id_of(command->target.name, name), command->size };
			break;
		case CMD_FREE:
			*op = (struct op){ OP_FREE, id_of(command->target.name, name), 0 };
			break;
		default:
			die("%s: unexpected command in a .rep trace: %s", path, script.lines[i].source);
		}
		if (op->id >= trace.ids)
			die("%s: id out of the header's range: %s", path, script.lines[i].source);
	}
	script_release(&script);
	return trace;
}

/* What one replay on the core saw, for utilization and failure counts. */
struct replay_stats {
	size_t failed;
	size_t peak_requested;  /* peak of the live requested bytes */
	size_t high_water;      /* highest break (fit) or highest block end (buddy, tlsf) */
};

/*
 * Replay the trace on heap. payloads and requested are per-id tables; when
 * stats is NULL this is the timed loop and tracks nothing but failures.
 */
static size_t replay_core(struct heap *heap, const struct trace *trace, size_t *payloads, size_t *requested,
			  struct replay_stats *stats)
{
	size_t failed = 0, live = 0;
	/* A tiled heap (buddy, tlsf) has no break to measure: the highest block end stands for it. */
	bool buddy = stats != NULL && !heap_allocator(heap)->grows_break;
	for (size_t i = 0; i < trace->ids; i++)
		payloads[i] = NO_BLOCK;
	for (size_t i = 0; i < trace->count; i++) {
		const struct op *op = &trace->ops[i];
		struct heap_placement placement;
		enum heap_status status = HEAP_OK;
		size_t *payload = &payloads[op->id];
		switch (op->kind) {
		case OP_MALLOC:
		case OP_REALLOC:
			if (op->size == 0)      /* malloc(0) gives NULL here, as C allows */
				break;
			status = *payload == NO_BLOCK ? heap_alloc(heap, op->size, &placement)
						      : heap_realloc(heap, *payload, op->size, &placement);
			if (status != HEAP_OK) {
				failed++;
				break;
			}
			*payload = placement.payload;
			if (stats != NULL) {
				live += op->size - requested[op->id];
				requested[op->id] = op->size;
				if (live > stats->peak_requested)
					stats->peak_requested = live;
				size_t end = buddy ? placement.block + placement.block_size : heap_break(heap);
				if (end > stats->high_water)
					stats->high_water = end;
			}
			break;
		case OP_FREE:
			if (*payload == NO_BLOCK)
				break;
			status = heap_free(heap, *payload, NULL);
			if (status != HEAP_OK) {
				fprintf(stderr, "bench: %s: op %zu: free of id %zu at 0x%zx: %s\n", trace->name, i, op->id,
					*payload, heap_status_message(status));
				exit(1);
			}
			*payload = NO_BLOCK;
			if (stats != NULL) {
				live -= requested[op->id];
				requested[op->id] = 0;
			}
			break;
		}
	}
	return failed;
}

/* The same operations on the C library; returns a checksum of touched bytes so nothing is elided. */
static unsigned replay_libc(const struct trace *trace, unsigned char **pointers)
{
	unsigned checksum = 0;
	for (size_t i = 0; i < trace->count; i++) {
		const struct op *op = &trace->ops[i];
		unsigned char **p = &pointers[op->id];
		switch (op->kind) {
		case OP_MALLOC:
		case OP_REALLOC:
			if (op->size == 0)
				break;
			{
				unsigned char *q = *p == NULL ? malloc(op->size) : realloc(*p, op->size);
				if (q == NULL)
					break;
				checksum += q[0];
				q[0] = (unsigned char)i;
				*p = q;
			}
			break;
		case OP_FREE:
			free(*p);
			*p = NULL;
			break;
		}
	}
	return checksum;
}

struct policy_result {
	size_t failed;
	double utilization;
};

/* Untimed replay for utilization and failures, then heap_check: a benchmark of a broken heap means nothing. */
static void measure_utilization(const struct heap *empty, const struct trace *trace, size_t *payloads,
				size_t *requested, struct policy_result *result)
{
	struct heap *heap = heap_clone(empty);
	if (heap == NULL)
		die("out of memory");
	memset(requested, 0, trace->ids * sizeof *requested);
	struct replay_stats stats = { 0, 0, 0 };
	stats.failed = replay_core(heap, trace, payloads, requested, &stats);
	struct heap_problem problem;
	if (heap_check(heap, &problem, 1) != 0) {
		fprintf(stderr, "bench: %s, %s fit: heap_check after the replay: 0x%zx: %s\n", trace->name,
			heap_policy_name(heap_policy(heap)), problem.offset, problem.message);
		exit(1);
	}
	struct heap_stats heap_stats;
	heap_get_stats(heap, &heap_stats);
	if (heap_stats.failed_allocs != stats.failed)
		die("%s: failed_allocs disagrees with the replay's count", trace->name);
	result->failed = stats.failed;
	result->utilization = stats.high_water ? (double)stats.peak_requested / (double)stats.high_water : 0;
	heap_destroy(heap);
}

static double geometric_sum[POLICY_COUNT];
static size_t geometric_count;

static void bench_trace(const struct trace *trace, size_t reps, unsigned *checksum)
{
	struct heap *empty[POLICY_COUNT], *work[POLICY_COUNT];
	double *samples[POLICY_COUNT + 1];
	size_t *payloads = checked_calloc(trace->ids, sizeof *payloads);
	size_t *requested = checked_calloc(trace->ids, sizeof *requested);
	unsigned char **pointers = checked_calloc(trace->ids, sizeof *pointers);
	struct policy_result results[POLICY_COUNT];

	for (int p = 0; p < POLICY_COUNT; p++) {
		struct heap_config config = { BENCH_HEAP_SIZE, (enum heap_policy)p, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
		if (heap_create(&config, &empty[p]) != HEAP_OK || (work[p] = heap_clone(empty[p])) == NULL)
			die("cannot create a 16 MiB heap");
		samples[p] = checked_calloc(reps, sizeof(double));
		measure_utilization(empty[p], trace, payloads, requested, &results[p]);
	}
	samples[POLICY_COUNT] = checked_calloc(reps, sizeof(double));

	/* Interleaved, so a slow moment of the machine hits every allocator alike. */
	for (size_t r = 0; r < reps; r++) {
		double start = now_ns();
		*checksum += replay_libc(trace, pointers);
		samples[POLICY_COUNT][r] = now_ns() - start;
		for (size_t i = 0; i < trace->ids; i++) {  /* the unbalanced traces leave blocks live */
			free(pointers[i]);
			pointers[i] = NULL;
		}
		for (int p = 0; p < POLICY_COUNT; p++) {
			if (heap_copy_into(work[p], empty[p]) != HEAP_OK)
				die("out of memory");
			start = now_ns();
			size_t failed = replay_core(work[p], trace, payloads, NULL, NULL);
			samples[p][r] = now_ns() - start;
			*checksum += (unsigned)failed;
		}
	}

	double ops = (double)trace->count;
	double libc_ns = fastest(samples[POLICY_COUNT], reps) / ops;
	for (int p = 0; p < POLICY_COUNT; p++) {
		double ns = fastest(samples[p], reps) / ops;
		double ratio = libc_ns > 0 ? ns / libc_ns : 0;
		printf("%-15s %-6s %7zu %10.1f %10.1f %8.2f %7.3f %7zu\n", trace->name,
		       heap_policy_name((enum heap_policy)p), trace->count, ns, libc_ns, ratio,
		       results[p].utilization, results[p].failed);
		if (ratio > 0)
			geometric_sum[p] += log(ratio);
		heap_destroy(empty[p]);
		heap_destroy(work[p]);
		free(samples[p]);
	}
	geometric_count++;
	free(samples[POLICY_COUNT]);
	free(payloads);
	free(requested);
	free(pointers);
}

/* Core ns/op of a trace under one policy (fastest of reps), the yardstick for the session figures. */
static double core_ns_per_op(const struct trace *trace, enum heap_policy policy, size_t reps)
{
	struct heap_config config = { BENCH_HEAP_SIZE, policy, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *empty, *work;
	if (heap_create(&config, &empty) != HEAP_OK || (work = heap_clone(empty)) == NULL)
		die("cannot create a 16 MiB heap");
	size_t *payloads = checked_calloc(trace->ids, sizeof *payloads);
	double *samples = checked_calloc(reps, sizeof *samples);
	for (size_t r = 0; r < reps; r++) {
		heap_copy_into(work, empty);
		double start = now_ns();
		replay_core(work, trace, payloads, NULL, NULL);
		samples[r] = now_ns() - start;
	}
	double ns = fastest(samples, reps) / (double)trace->count;
	free(samples);
	free(payloads);
	heap_destroy(work);
	heap_destroy(empty);
	return ns;
}

/* A small fixed-seed generator, so every run visits the same steps. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* A new session (16 MiB, first fit) that has run script; *ns: per step, the run timed alone. */
static struct session *replay_session(const struct script *script, const char *name, bool quiet, size_t *refused,
				      double *ns)
{
	struct heap_config config = { BENCH_HEAP_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (session == NULL)
		die("cannot create a session");
	session_set_quiet(session, quiet);
	*refused = 0;
	double start = now_ns();
	for (size_t i = 0; i < script->count; i++) {
		struct session_report report;
		session_run(session, &script->lines[i].command, script->lines[i].source, &report);
		if (!report.ok)
			die("%s: step %zu rejected: %s", name, i + 1, report.error.message);
		*refused += report.outcome.kind == OUTCOME_REFUSED;
		session_report_release(&report);
	}
	*ns = (now_ns() - start) / (double)script->count;
	session_set_quiet(session, false);
	return session;
}

static void bench_session(const char *dir, const char *name, size_t reps)
{
	char path[4096];
	struct script script;
	struct script_error error;
	trace_path(path, sizeof path, dir, name);
	if (!script_load(path, &script, &error))
		die("%s: %s", path, error.message);
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
		size_t step = (size_t)(next_random(&seed) % (last + 1));
		struct command_error goto_error;
		double t = now_ns();
		if (!session_goto(session, step, &goto_error))
			die("goto failed: %s", goto_error.message);
		t = now_ns() - t;
		total += t;
		if (t > worst)
			worst = t;
		if (session_step(session) != step)
			die("goto did not reach its step");
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
	double begin = now_ns();
	size_t count = 0;
	for (const char *p = text, *end = text + len; p < end; count++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	*lines = count;
	return now_ns() - begin;
}

/* Best of three parses of text, and of three line scans of it; prints both and their ratio. */
static void bench_parse(const char *label, const char *name, const char *text, size_t len)
{
	struct script script;
	struct script_error error;
	double best = 0, scan = 0;
	size_t lines = 0;
	for (int run = 0; run < 3; run++) {
		double begin = now_ns();
		if (!script_parse(name, text, len, &script, &error))
			die("loader bench: %s:%zu:%zu: %s", name, error.line, error.column, error.message);
		double took = now_ns() - begin;
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
static void bench_loader(const char *dir)
{
	printf("\nloader (best of 3):\n");
	size_t len = (size_t)100 * 1000 * 1000;
	char *text = malloc(len);
	if (!text)
		die("out of memory for the loader bench");
	memset(text, '\n', len);
	bench_parse("100 MB of empty lines", "blank.hv", text, len);
	free(text);

	char path[4096];
	snprintf(path, sizeof path, "%s/needle.rep", dir);
	FILE *file = fopen(path, "rb");
	if (!file)
		die("cannot open %s", path);
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

static void usage(void)
{
	fprintf(stderr, "usage: bench [-r REPS] [-d DIR] [-s SESSION_TRACE] [-l] [-t] [TRACE...]\n"
			"  -l: only the lanes and history figures (bench_lanes.c)\n"
			"  -t: only the time travel targets (bench_history.c)\n"
			"  TRACE is a name in DIR (default tests/traces/malloclab) or a path to a .rep file\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = "tests/traces/malloclab";
	const char *session_trace = default_session_trace;
	size_t reps = DEFAULT_REPS;
	bool lanes_only = false, travel_only = false;
	int opt;
	while ((opt = getopt(argc, argv, "r:d:s:lth")) != -1) {
		switch (opt) {
		case 'l': lanes_only = true; break;
		case 't': travel_only = true; break;
		case 'r': reps = (size_t)strtoul(optarg, NULL, 10); break;
		case 'd': dir = optarg; break;
		case 's': session_trace = optarg; break;
		default: usage();
		}
	}
	if (reps == 0)
		usage();
	if (lanes_only) {
		bench_lanes(dir);
		return 0;
	}
	if (travel_only) {
		bench_history_travel();
		return 0;
	}
	const char *const *names = default_traces;
	size_t count = sizeof default_traces / sizeof default_traces[0];
	if (optind < argc) {
		names = (const char *const *)&argv[optind];
		count = (size_t)(argc - optind);
	}

	printf("heapviz bench: %zu MiB heap, alignment %u, fastest of %zu runs (%d for traces under %d ops);\n"
	       "glibc malloc measured in the same run; ratio = heapviz ns/op / glibc ns/op (lower is better)\n\n",
	       BENCH_HEAP_SIZE >> 20, HEAP_DEFAULT_ALIGNMENT, reps, SHORT_TRACE_REPS, SHORT_TRACE_OPS);
	printf("%-15s %-6s %7s %10s %10s %8s %7s %7s\n", "trace", "policy", "ops", "heapviz", "glibc", "ratio",
	       "util", "failed");
	printf("%-15s %-6s %7s %10s %10s %8s %7s %7s\n", "", "", "", "ns/op", "ns/op", "", "", "allocs");
	unsigned checksum = 0;
	double start = now_ns();
	for (size_t i = 0; i < count; i++) {
		struct trace trace = trace_load(dir, names[i]);
		if (trace.count == 0) {
			printf("%-15s (no operations)\n", trace.name);
			free(trace.ops);
			continue;
		}
		bench_trace(&trace, trace.count < SHORT_TRACE_OPS && reps < SHORT_TRACE_REPS ? SHORT_TRACE_REPS : reps,
			    &checksum);
		free(trace.ops);
	}
	if (geometric_count > 0) {
		printf("\ngeometric mean of the ratio over %zu traces:", geometric_count);
		for (int p = 0; p < POLICY_COUNT; p++)
			printf(" %s %.2f%s", heap_policy_name((enum heap_policy)p),
			       exp(geometric_sum[p] / (double)geometric_count), p + 1 < POLICY_COUNT ? "," : "\n");
	}
	bench_session(dir, session_trace, reps);
	bench_loader(dir);
	bench_lanes(dir);
	bench_history_travel();
	printf("\n(%.1f s; checksum %u)\n", (now_ns() - start) / 1e9, checksum);
	return 0;
}
