/* bench_heap.c - what copy-on-write pages make checkpoints cost: clone, restore and memory, 1 KiB against 16 MiB heaps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "heap.h"

/*
 * What this measures (`make bench`, after bench.c's figures; build/bench/bench_heap [REPS]):
 *
 * A session keeps checkpoints by heap_clone every interval steps and goes
 * back by heap_copy_into(live, checkpoint) and a replay. Between two
 * checkpoints a step changes a few pages. Here a heap (first fit, one block
 * filled over almost all of it) changes CHANGED pages (one byte each, in
 * distinct 4 KiB pages) and then:
 *
 *   clone    a checkpoint is taken (heap_clone) and the previous one dropped;
 *   restore  the live heap, published since (a later checkpoint), is restored
 *            from the checkpoint (heap_copy_into);
 *   equal    heap_equal between the live heap and a fresh clone of it.
 *
 * Each is timed on a 1 KiB and a 16 MiB heap in the same run, fastest of REPS
 * samples of BATCH operations, and printed as the ratio 16 MiB / 1 KiB: with
 * pages shared copy-on-write it is near 1 (it was about 16384 with whole
 * copies). The baseline a whole copy would cost (memcpy of 16 MiB) is
 * printed next to it as a second ratio. Memory: what a checkpoint costs on
 * top of the previous one (heap_bytes_not_shared_with) per changed page,
 * and what a checkpoint of an unchanged heap holds alone (heap_unshared_bytes).
 * Absolute times depend on the machine; the ratios are the result.
 */

enum { DEFAULT_REPS = 15, BATCH = 200, CHANGED = 1 };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_heap: %s\n", what);
	exit(1);
}

struct subject {
	struct heap *live;
	size_t block;
	size_t requested;
	unsigned stamp;
};

static struct subject subject_make(size_t size)
{
	struct heap_config config = { size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct heap_placement placement;
	struct subject s = { NULL, 0, size - 64, 0 };

	if (heap_create(&config, &s.live) != HEAP_OK || heap_alloc(s.live, s.requested, &placement) != HEAP_OK)
		die("cannot make the heap");
	s.block = placement.payload;
	if (heap_fill(s.live, s.block, 0x5a) != HEAP_OK)
		die("fill failed");
	return s;
}

/* One byte in each of pages distinct pages, spread over the block. */
static void touch_pages(struct subject *s, size_t pages)
{
	size_t stride = s->requested / (pages + 1);

	s->stamp++;
	for (size_t i = 0; i < pages; i++) {
		uint8_t byte = (uint8_t)(s->stamp + i);

		if (heap_write(s->live, s->block, (i + 1) * stride, &byte, 1) != HEAP_OK)
			die("write failed");
	}
}

/* ns per checkpoint: change the pages, clone, drop the previous checkpoint. */
static double time_clone(struct subject *s, size_t pages, size_t reps)
{
	double best = 1e300;
	struct heap *previous = heap_clone(s->live);

	for (size_t r = 0; r < reps; r++) {
		double elapsed = 0;

		for (size_t i = 0; i < BATCH; i++) {
			double start;
			struct heap *next;

			touch_pages(s, pages);
			start = now_ns();
			next = heap_clone(s->live);
			elapsed += now_ns() - start;
			if (next == NULL)
				die("clone failed");
			heap_destroy(previous);
			previous = next;
		}
		if (elapsed / BATCH < best)
			best = elapsed / BATCH;
	}
	heap_destroy(previous);
	return best;
}

/* ns per restore: the live heap moves on (and is checkpointed again), then goes back. */
static double time_restore(struct subject *s, size_t pages, size_t reps)
{
	double best = 1e300;
	struct heap *checkpoint = heap_clone(s->live);

	for (size_t r = 0; r < reps; r++) {
		double elapsed = 0;

		for (size_t i = 0; i < BATCH; i++) {
			double start;

			touch_pages(s, pages);
			heap_destroy(heap_clone(s->live)); /* a later checkpoint: the live heap's pages moved on */
			touch_pages(s, pages);
			start = now_ns();
			if (heap_copy_into(s->live, checkpoint) != HEAP_OK)
				die("restore failed");
			elapsed += now_ns() - start;
		}
		if (elapsed / BATCH < best)
			best = elapsed / BATCH;
	}
	heap_destroy(checkpoint);
	return best;
}

static double time_equal(struct subject *s, size_t pages, size_t reps)
{
	double best = 1e300;

	for (size_t r = 0; r < reps; r++) {
		double elapsed = 0;

		for (size_t i = 0; i < BATCH; i++) {
			struct heap *copy;
			double start;

			touch_pages(s, pages);
			copy = heap_clone(s->live);
			start = now_ns();
			if (!heap_equal(copy, s->live))
				die("a clone differs");
			elapsed += now_ns() - start;
			heap_destroy(copy);
		}
		if (elapsed / BATCH < best)
			best = elapsed / BATCH;
	}
	return best;
}

/* What a whole copy of the bytes costs: the old clone's floor. */
static double time_memcpy(size_t size, size_t reps)
{
	uint8_t *from = calloc(size, 1), *to = calloc(size, 1);
	double best = 1e300;

	if (from == NULL || to == NULL)
		die("out of memory");
	memset(from, 0x5a, size);
	for (size_t r = 0; r < reps; r++) {
		double start = now_ns();

		memcpy(to, from, size);
		from[r % size] = to[(r * 7) % size];
		if (now_ns() - start < best)
			best = now_ns() - start;
	}
	free(from);
	free(to);
	return best;
}

static void memory_per_page(size_t size, size_t pages)
{
	struct subject s = subject_make(size);
	struct heap *first = heap_clone(s.live), *second;
	size_t alone = heap_unshared_bytes(first);

	touch_pages(&s, pages);
	second = heap_clone(s.live);
	if (first == NULL || second == NULL)
		die("clone failed");
	printf("  %8zu KiB heap, %4zu pages changed: a checkpoint costs %8zu B over the previous one "
	       "(%6.0f B per changed page; heap size / changed bytes %.0fx); an unchanged one holds %zu B alone\n",
	       size >> 10, pages, heap_bytes_not_shared_with(second, first),
	       (double)heap_bytes_not_shared_with(second, first) / (double)pages,
	       (double)size / (double)(pages * 4096 < size ? pages * 4096 : size), alone);
	heap_destroy(first);
	heap_destroy(second);
	heap_destroy(s.live);
}

int main(int argc, char **argv)
{
	size_t reps = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : DEFAULT_REPS;
	struct subject small, large;
	double clone_small, clone_large, restore_small, restore_large, equal_small, equal_large, whole;

	if (reps == 0)
		die("usage: bench_heap [REPS]");
	small = subject_make(HEAP_DEFAULT_SIZE);
	large = subject_make(HEAP_MAX_SIZE);
	/* Interleaved, so machine noise falls on both sizes alike. */
	clone_small = time_clone(&small, CHANGED, reps);
	clone_large = time_clone(&large, CHANGED, reps);
	restore_small = time_restore(&small, CHANGED, reps);
	restore_large = time_restore(&large, CHANGED, reps);
	equal_small = time_equal(&small, CHANGED, reps);
	equal_large = time_equal(&large, CHANGED, reps);
	whole = time_memcpy(HEAP_MAX_SIZE, reps);

	printf("\ncheckpoints (copy-on-write pages): %d page changed between checkpoints, fastest of %zu x %d;\n"
	       "ratio = 16 MiB / 1 KiB (near 1: cost follows changed pages, not heap size; whole copies: ~16384)\n",
	       CHANGED, reps, BATCH);
	printf("  %-8s %10s %10s %8s   %s\n", "", "1 KiB ns", "16 MiB ns", "ratio", "16 MiB memcpy / 16 MiB op");
	printf("  %-8s %10.0f %10.0f %8.2f   %.0fx\n", "clone", clone_small, clone_large, clone_large / clone_small,
	       whole / clone_large);
	printf("  %-8s %10.0f %10.0f %8.2f   %.0fx\n", "restore", restore_small, restore_large,
	       restore_large / restore_small, whole / restore_large);
	printf("  %-8s %10.0f %10.0f %8.2f   %.0fx\n", "equal", equal_small, equal_large, equal_large / equal_small,
	       whole / equal_large);
	printf("checkpoint memory:\n");
	memory_per_page(HEAP_DEFAULT_SIZE, 1);
	memory_per_page(HEAP_MAX_SIZE, 1);
	memory_per_page(HEAP_MAX_SIZE, 16);
	memory_per_page(HEAP_MAX_SIZE, 256);
	heap_destroy(small.live);
	heap_destroy(large.live);
	return 0;
}
