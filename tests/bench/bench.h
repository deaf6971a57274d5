/* bench.h - the parts of `make bench` kept in their own files (tests/bench). */
#ifndef HEAPVIZ_BENCH_H
#define HEAPVIZ_BENCH_H

/* Lanes and history: a rejected command's cost, and what a step of history costs in memory. */
void bench_lanes(const char *dir);

#endif
