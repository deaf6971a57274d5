/* bench.h - the parts of `make bench` kept in their own files (tests/bench), and what they share. */
#ifndef HEAPVIZ_BENCH_H
#define HEAPVIZ_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The large heap the figures are measured on: 16 MiB (HEAP_MAX_SIZE is 1 GiB, which only adds untouched pages). */
#define LARGE_HEAP ((size_t)16 * 1024 * 1024)

/*
 * BENCH_QUICK=1 (`bench -q`): every part runs once on small inputs, so
 * `make test` can check that the benchmark builds, runs and that its replays
 * agree with the core's checker; its figures mean nothing.
 */
extern bool bench_quick;

/* Shared helpers (bench_util.c). */
double bench_now_ns(void);
double bench_median(double *samples, size_t count);   /* sorts samples */
double bench_fastest(const double *samples, size_t count);
uint64_t bench_random(uint64_t *state);              /* xorshift64: the same steps every run */
__attribute__((format(printf, 1, 2), noreturn)) void bench_die(const char *format, ...);
void *bench_calloc(size_t count, size_t size);       /* dies when out of memory */

/*
 * The figures of issue 14, each one `summary: NAME VALUE` line printed at the
 * end in the order they were measured (bench_summary_print), so scripts can
 * read them; the tables above them are for people.
 */
void bench_summary(const char *name, double value);
void bench_summary_print(void);

/* Lanes and history: a rejected command's cost, and what a step of history costs in memory. */
void bench_lanes(const char *dir);
/* Time travel against its targets: goto in 10^3 .. 10^6 steps, undo/redo, undo after 16 MB fills. */
void bench_history_travel(void);
/* Ops/s as the live blocks grow from 10 to 100,000, for each allocator. */
void bench_scaling(void);
/* Start-up and loading: heapviz --batch on a ten-line script (the binary at heapviz), the largest trace. */
void bench_startup(const char *dir, const char *heapviz);
/* Drawing through curses into a file and recordings: frame time and bytes per step against a full repaint. */
void bench_draw(const char *dir, const char *lesson);

#endif
