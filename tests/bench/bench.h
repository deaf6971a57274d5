/* bench.h - the parts of `make bench` kept in their own files (tests/bench). */
#ifndef HEAPVIZ_BENCH_H
#define HEAPVIZ_BENCH_H

#include <stddef.h>

/* The large heap the figures are measured on: 16 MiB (HEAP_MAX_SIZE is 1 GiB, which only adds untouched pages). */
#define LARGE_HEAP ((size_t)16 * 1024 * 1024)

/* Lanes and history: a rejected command's cost, and what a step of history costs in memory. */
void bench_lanes(const char *dir);
/* Time travel against its targets: goto and undo/redo in a million steps, undo after 16 MB fills. */
void bench_history_travel(void);

#endif
