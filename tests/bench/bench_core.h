/* bench_core.h - a malloc-lab trace as flat operations, replayed on the core and on glibc (bench_core.c). */
#ifndef HEAPVIZ_BENCH_CORE_H
#define HEAPVIZ_BENCH_CORE_H

#include "bench.h"
#include "heap.h"

/*
 * The core's figures are measured on a 16 MiB heap, alignment 8: the largest
 * shipped traces fit it, and it is what earlier runs measured (a larger heap
 * only adds untouched pages).
 */
#define BENCH_HEAP_SIZE LARGE_HEAP

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

/* The payload table's "C NULL": never a payload offset in the heap. */
#define NO_BLOCK ((size_t)-1)

/* What one allocator did on one trace. */
struct core_result {
	double ns;           /* heapviz ns/op, fastest of the runs */
	double libc_ns;      /* glibc ns/op on the same operations, same run */
	double ratio;        /* ns / libc_ns */
	double utilization;  /* peak live requested bytes / high-water mark, as the lab's driver scores it */
	size_t failed;       /* refused requests (the id then holds NULL, as in C) */
};

/* DIR/NAME.rep, or NAME itself when it is a path. */
void bench_trace_path(char *path, size_t size, const char *dir, const char *name);
/* Read a .rep trace (a name in dir, or a path) into flat operations; dies on any problem. */
struct trace trace_load(const char *dir, const char *name);
/*
 * Replay the trace on heap; payloads and requested are per-id tables. With
 * stats NULL this is the timed loop; returns the requests refused.
 */
struct replay_stats;
size_t replay_core(struct heap *heap, const struct trace *trace, size_t *payloads, size_t *requested,
		   struct replay_stats *stats);
/*
 * Every allocator against glibc on trace, interleaved, fastest of reps; out
 * has POLICY_COUNT entries. Prints one table row per allocator. Each
 * allocator's replay is checked with heap_check first (a benchmark of a
 * broken heap means nothing).
 */
void bench_core_trace(const struct trace *trace, size_t reps, unsigned *checksum, struct core_result *out);
/* Core ns/op of a trace under one policy (fastest of reps). */
double core_ns_per_op(const struct trace *trace, enum heap_policy policy, size_t reps);
/* The session figures: a trace through a session with history, goto in it (bench_session.c). */
void bench_session(const char *dir, const char *name, size_t reps);
/* Session ns/step over core ns/op for one trace, quiet (the screen's timeline load); checks they agree. */
double bench_session_vs_core(const char *dir, const char *name, double core_ns, size_t reps);
/* The loader against a memchr line scan (bench_session.c). */
void bench_loader(const char *dir);

#endif
