/* bench_core.c - the allocator core against glibc malloc on the same operations of a real trace, and its utilization. */
#include "bench_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "script.h"

/* "id17" -> 17, as the .rep loader names ids. */
static size_t id_of(const char *name, const char *trace)
{
	char *end;
	if (strncmp(name, "id", 2) != 0)
		bench_die("%s: unexpected name %s in a .rep trace", trace, name);
	unsigned long long id = strtoull(name + 2, &end, 10);
	if (*end != '\0')
		bench_die("%s: unexpected name %s in a .rep trace", trace, name);
	return (size_t)id;
}

void bench_trace_path(char *path, size_t size, const char *dir, const char *name)
{
	if (strchr(name, '/') != NULL)
		snprintf(path, size, "%s", name);
	else
		snprintf(path, size, "%s/%s.rep", dir, name);
}

/* Read a .rep trace into flat operations; the loader has already resolved r-on-dead-id and r ID 0. */
struct trace trace_load(const char *dir, const char *name)
{
	char path[4096];
	struct script script;
	struct script_error error;
	bench_trace_path(path, sizeof path, dir, name);
	if (!script_load(path, &script, &error)) {
		bench_die("%s:%zu:%zu: %s", path, error.line, error.column, error.message);
	}
	if (script.format != SCRIPT_REP)
		bench_die("%s: not a malloc-lab trace", path);
	struct trace trace = { name, bench_calloc(script.count, sizeof(struct op)), 0, script.rep.num_ids };
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
			bench_die("%s: unexpected command in a .rep trace: %s", path, script.lines[i].source);
		}
		if (op->id >= trace.ids)
			bench_die("%s: id out of the header's range: %s", path, script.lines[i].source);
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
size_t replay_core(struct heap *heap, const struct trace *trace, size_t *payloads, size_t *requested,
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
		bench_die("out of memory");
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
		bench_die("%s: failed_allocs disagrees with the replay's count", trace->name);
	result->failed = stats.failed;
	result->utilization = stats.high_water ? (double)stats.peak_requested / (double)stats.high_water : 0;
	heap_destroy(heap);
}

void bench_core_trace(const struct trace *trace, size_t reps, unsigned *checksum, struct core_result *out)
{
	struct heap *empty[POLICY_COUNT], *work[POLICY_COUNT];
	double *samples[POLICY_COUNT + 1];
	size_t *payloads = bench_calloc(trace->ids, sizeof *payloads);
	size_t *requested = bench_calloc(trace->ids, sizeof *requested);
	unsigned char **pointers = bench_calloc(trace->ids, sizeof *pointers);
	struct policy_result results[POLICY_COUNT];

	for (int p = 0; p < POLICY_COUNT; p++) {
		struct heap_config config = { BENCH_HEAP_SIZE, (enum heap_policy)p, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
		if (heap_create(&config, &empty[p]) != HEAP_OK || (work[p] = heap_clone(empty[p])) == NULL)
			bench_die("cannot create a 16 MiB heap");
		samples[p] = bench_calloc(reps, sizeof(double));
		measure_utilization(empty[p], trace, payloads, requested, &results[p]);
	}
	samples[POLICY_COUNT] = bench_calloc(reps, sizeof(double));

	/* Interleaved, so a slow moment of the machine hits every allocator alike. */
	for (size_t r = 0; r < reps; r++) {
		double start = bench_now_ns();
		*checksum += replay_libc(trace, pointers);
		samples[POLICY_COUNT][r] = bench_now_ns() - start;
		for (size_t i = 0; i < trace->ids; i++) {  /* the unbalanced traces leave blocks live */
			free(pointers[i]);
			pointers[i] = NULL;
		}
		for (int p = 0; p < POLICY_COUNT; p++) {
			if (heap_copy_into(work[p], empty[p]) != HEAP_OK)
				bench_die("out of memory");
			start = bench_now_ns();
			size_t failed = replay_core(work[p], trace, payloads, NULL, NULL);
			samples[p][r] = bench_now_ns() - start;
			*checksum += (unsigned)failed;
		}
	}

	double ops = (double)trace->count;
	double libc_ns = bench_fastest(samples[POLICY_COUNT], reps) / ops;
	for (int p = 0; p < POLICY_COUNT; p++) {
		double ns = bench_fastest(samples[p], reps) / ops;
		double ratio = libc_ns > 0 ? ns / libc_ns : 0;
		printf("%-15s %-7s %7zu %10.1f %10.1f %8.2f %7.3f %7zu\n", trace->name,
		       heap_policy_name((enum heap_policy)p), trace->count, ns, libc_ns, ratio,
		       results[p].utilization, results[p].failed);
		out[p] = (struct core_result){ ns, libc_ns, ratio, results[p].utilization, results[p].failed };
		heap_destroy(empty[p]);
		heap_destroy(work[p]);
		free(samples[p]);
	}
	free(samples[POLICY_COUNT]);
	free(payloads);
	free(requested);
	free(pointers);
}

/* Core ns/op of a trace under one policy (fastest of reps), the yardstick for the session figures. */
double core_ns_per_op(const struct trace *trace, enum heap_policy policy, size_t reps)
{
	struct heap_config config = { BENCH_HEAP_SIZE, policy, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *empty, *work;
	if (heap_create(&config, &empty) != HEAP_OK || (work = heap_clone(empty)) == NULL)
		bench_die("cannot create a 16 MiB heap");
	size_t *payloads = bench_calloc(trace->ids, sizeof *payloads);
	double *samples = bench_calloc(reps, sizeof *samples);
	for (size_t r = 0; r < reps; r++) {
		heap_copy_into(work, empty);
		double start = bench_now_ns();
		replay_core(work, trace, payloads, NULL, NULL);
		samples[r] = bench_now_ns() - start;
	}
	double ns = bench_fastest(samples, reps) / (double)trace->count;
	free(samples);
	free(payloads);
	heap_destroy(work);
	heap_destroy(empty);
	return ns;
}

