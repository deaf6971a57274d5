/* bench_scaling.c - how each allocator's cost per operation grows with the number of live blocks. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "heap.h"

/*
 * For N live blocks (10 .. 100,000): allocate 2N blocks of seeded sizes
 * (16..128 bytes) on a 64 MiB heap and free every other one, so the heap
 * holds N live blocks and about N free holes between them — the shape in
 * which a linear search pays. Then, timed, OPS times: free a random live
 * block and allocate a new one of a random size (N stays N). ns/op is over
 * both operations, fastest of three runs from the same starting heap; the
 * baseline is the same allocator at N = 10 in the same run, so
 * NAME_slowdown_1e5_vs_10 = ns/op at 100,000 / ns/op at 10 (1 = flat;
 * target: best fit flat, first fit no more than logarithmic).
 */

#define SCALING_HEAP ((size_t)64 * 1024 * 1024)

static const size_t live_counts[] = { 10, 100, 1000, 10000, 100000 };
#define LIVE_COUNTS (sizeof live_counts / sizeof live_counts[0])

static size_t random_size(uint64_t *seed)
{
	return 16 + (size_t)(bench_random(seed) % 113);
}

/* The starting heap for N: 2N allocated, every other freed; payloads[0..N) the live ones. */
static struct heap *fragmented(enum heap_policy policy, size_t live, size_t *payloads)
{
	struct heap_config config = { SCALING_HEAP, policy, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap *heap;
	if (heap_create(&config, &heap) != HEAP_OK)
		bench_die("cannot create a 64 MiB %s heap", heap_policy_name(policy));
	uint64_t seed = 0x2545f4914f6cdd1du;
	/* Free the odd ones only after all are placed: freeing at once would let the next request reuse the hole. */
	size_t *holes = bench_calloc(live, sizeof *holes);
	for (size_t i = 0; i < 2 * live; i++) {
		struct heap_placement placement;
		if (heap_alloc(heap, random_size(&seed), &placement) != HEAP_OK)
			bench_die("%s: the 64 MiB heap is full at %zu blocks", heap_policy_name(policy), i);
		(i % 2 == 0 ? payloads : holes)[i / 2] = placement.payload;
	}
	for (size_t i = 0; i < live; i++)
		if (heap_free(heap, holes[i], NULL) != HEAP_OK)
			bench_die("free failed");
	free(holes);
	return heap;
}

static double steady_ns(const struct heap *start, size_t live, const size_t *initial, size_t ops)
{
	size_t *payloads = bench_calloc(live, sizeof *payloads);
	double best = 1e300;
	for (int run = 0; run < (bench_quick ? 1 : 3); run++) {
		struct heap *heap = heap_clone(start);
		if (!heap)
			bench_die("out of memory");
		for (size_t i = 0; i < live; i++)
			payloads[i] = initial[i];
		uint64_t seed = 0x9e3779b97f4a7c15u;
		double t = bench_now_ns();
		for (size_t i = 0; i < ops; i++) {
			size_t k = (size_t)(bench_random(&seed) % live);
			struct heap_placement placement;
			if (heap_free(heap, payloads[k], NULL) != HEAP_OK ||
			    heap_alloc(heap, random_size(&seed), &placement) != HEAP_OK)
				bench_die("%s: a steady-state operation failed", heap_policy_name(heap_policy(heap)));
			payloads[k] = placement.payload;
		}
		double ns = (bench_now_ns() - t) / (double)(2 * ops);
		best = ns < best ? ns : best;
		struct heap_problem problem;
		if (heap_check(heap, &problem, 1) != 0)
			bench_die("%s, %zu live: heap_check: 0x%zx: %s", heap_policy_name(heap_policy(heap)), live,
				  problem.offset, problem.message);
		heap_destroy(heap);
	}
	free(payloads);
	return best;
}

void bench_scaling(void)
{
	size_t counts = bench_quick ? 3 : LIVE_COUNTS;
	printf("\nscaling: ns/op (a free and an allocation) with N live blocks and about N free holes, 64 MiB heap\n");
	printf("%-8s", "policy");
	for (size_t c = 0; c < counts; c++)
		printf(" %9zu", live_counts[c]);
	printf("  %s\n", "slowdown");
	size_t *initial = bench_calloc(live_counts[counts - 1], sizeof *initial);
	for (int p = 0; p < POLICY_COUNT; p++) {
		double ns[LIVE_COUNTS];
		printf("%-8s", heap_policy_name((enum heap_policy)p));
		for (size_t c = 0; c < counts; c++) {
			size_t live = live_counts[c];
			struct heap *start = fragmented((enum heap_policy)p, live, initial);
			size_t ops = bench_quick ? 1000 : live <= 1000 ? 20000 : 4000;
			ns[c] = steady_ns(start, live, initial, ops);
			heap_destroy(start);
			printf(" %9.1f", ns[c]);
			fflush(stdout);
		}
		double slowdown = ns[counts - 1] / ns[0];
		printf("  %8.1fx\n", slowdown);
		char name[64];
		snprintf(name, sizeof name, "%s_slowdown_1e5_vs_10", heap_policy_name((enum heap_policy)p));
		bench_summary(name, slowdown);
	}
	free(initial);
}
