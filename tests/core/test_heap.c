/* test_heap.c - hand-worked allocator scenarios: the exact block table after each step, per policy, and every error. */
#include <stdlib.h>
#include <string.h>

#include "heap_testing.h"
/* One test pokes at the out-of-band index, which only the core's own header describes. */
#include "../../src/core/heap_internal.h"

/* Default heap: alignment 8, 8-byte header, 4-byte footer, minimum block 16, block = round8(12 + request). */

static enum heap_status realloc_status(struct heap *heap, size_t address, size_t size, struct heap_placement *p)
{
	return heap_realloc(heap, address, size, p);
}

/* An error leaves the heap exactly as it was; a refused request only counts a failure. */
static void assert_unchanged(const struct heap *before, const struct heap *after, bool refused)
{
	struct heap_stats a, b;

	heap_get_stats(before, &a);
	heap_get_stats(after, &b);
	assert_true(heap_equal_except_failures(before, after));
	assert_int_equal(b.failed_allocs, a.failed_allocs + (refused ? 1 : 0));
	if (!refused)
		assert_true(heap_equal(before, after));
	assert_heap_sane(after);
}

/* --- first fit ------------------------------------------------------------- */

static void first_fit_takes_blocks_from_the_wilderness_in_address_order(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;

	(void)state;
	assert_blocks(heap, { 0, 1024, WILD });
	assert_int_equal(heap_alloc(heap, 20, &p), HEAP_OK);
	assert_int_equal(p.payload, 8);
	assert_int_equal(p.block_size, 32);
	assert_int_equal(p.source, SOURCE_WILDERNESS);
	assert_blocks(heap, { 0, 32, USED }, { 32, 992, WILD });
	assert_int_equal(alloc_ok(heap, 100), 40);
	assert_blocks(heap, { 0, 32, USED }, { 32, 112, USED }, { 144, 880, WILD });
	assert_int_equal(alloc_ok(heap, 1), 152);
	assert_blocks(heap, { 0, 32, USED }, { 32, 112, USED }, { 144, 16, USED }, { 160, 864, WILD });
	assert_int_equal(heap_break(heap), 160);
	heap_destroy(heap);
}

static void header_and_footer_are_little_endian_bytes_in_the_heap(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	const uint8_t *bytes = heap_bytes(heap);
	static const uint8_t used_block[] = { 0x21, 0, 0, 0, 20, 0, 0, 0 };

	(void)state;
	alloc_ok(heap, 20);
	assert_memory_equal(bytes, used_block, 8);
	assert_memory_equal(bytes + 28, used_block, 4); /* footer repeats word 0 */
	assert_int_equal(heap_header_size(heap), 8);
	heap_destroy(heap);
}

static void free_coalesces_with_right_neighbour(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_release r;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 20);
	free_ok(heap, b);
	assert_blocks(heap, { 0, 32, USED }, { 32, 32, FREE }, { 64, 32, USED }, { 96, 928, WILD });
	assert_int_equal(heap_free(heap, a, &r), HEAP_OK);
	assert_int_equal(r.merges, 1);
	assert_int_equal(r.merged_offset, 0);
	assert_int_equal(r.merged_size, 64);
	assert_false(r.to_wilderness);
	assert_blocks(heap, { 0, 64, FREE }, { 64, 32, USED }, { 96, 928, WILD });
	heap_destroy(heap);
}

static void free_coalesces_with_left_neighbour(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_release r;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 20);
	free_ok(heap, a);
	assert_blocks(heap, { 0, 32, FREE }, { 32, 32, USED }, { 64, 32, USED }, { 96, 928, WILD });
	assert_int_equal(heap_free(heap, b, &r), HEAP_OK);
	assert_int_equal(r.block, 32);
	assert_int_equal(r.merges, 1);
	assert_int_equal(r.merged_offset, 0);
	assert_blocks(heap, { 0, 64, FREE }, { 64, 32, USED }, { 96, 928, WILD });
	heap_destroy(heap);
}

static void free_coalesces_with_both_neighbours(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_release r;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20), c = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 20);
	free_ok(heap, a);
	free_ok(heap, c);
	assert_blocks(heap, { 0, 32, FREE }, { 32, 32, USED }, { 64, 32, FREE }, { 96, 32, USED }, { 128, 896, WILD });
	assert_int_equal(heap_free(heap, b, &r), HEAP_OK);
	assert_int_equal(r.merges, 2);
	assert_int_equal(r.merged_size, 96);
	assert_blocks(heap, { 0, 96, FREE }, { 96, 32, USED }, { 128, 896, WILD });
	heap_destroy(heap);
}

static void freeing_the_block_below_the_break_returns_it_to_the_wilderness(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_release r;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20), c = alloc_ok(heap, 20);
	static const uint8_t zeros[64];

	(void)state;
	assert_int_equal(heap_fill(heap, c, 0xcc), HEAP_OK);
	free_ok(heap, b);
	assert_int_equal(heap_free(heap, c, &r), HEAP_OK);
	assert_true(r.to_wilderness);
	assert_int_equal(r.merges, 1);
	assert_int_equal(r.merged_offset, 32);
	assert_int_equal(r.merged_size, 64);
	assert_int_equal(heap_break(heap), 32);
	assert_memory_equal(heap_bytes(heap) + 32, zeros, 64);
	assert_blocks(heap, { 0, 32, USED }, { 32, 992, WILD });
	free_ok(heap, a);
	assert_blocks(heap, { 0, 1024, WILD });
	assert_int_equal(heap_break(heap), 0);
	heap_destroy(heap);
}

static void free_block_is_split_only_when_rest_holds_a_minimum_block(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 100);

	(void)state;
	alloc_ok(heap, 1);
	free_ok(heap, a);
	assert_blocks(heap, { 0, 112, FREE }, { 112, 16, USED }, { 128, 896, WILD });
	assert_int_equal(heap_alloc(heap, 20, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_FREE_BLOCK);
	assert_int_equal(p.found_size, 112);
	assert_int_equal(p.split_rest, 80);
	assert_blocks(heap, { 0, 32, USED }, { 32, 80, FREE }, { 112, 16, USED }, { 128, 896, WILD });
	/* 60 bytes need 72; the 8 left over cannot be a block, so the whole 80 is handed out. */
	assert_int_equal(heap_alloc(heap, 60, &p), HEAP_OK);
	assert_int_equal(p.need, 72);
	assert_int_equal(p.block_size, 80);
	assert_int_equal(p.split_rest, 0);
	assert_blocks(heap, { 0, 32, USED }, { 32, 80, USED }, { 112, 16, USED }, { 128, 896, WILD });
	heap_destroy(heap);
}

/*
 * Holes of 216 B (at 0) and 112 B (at 232), no wilderness left. A 100 B
 * request needs 112 B, a 200 B request needs 216 B.
 */
static struct heap *two_holes(enum heap_policy policy)
{
	struct heap *heap = make_default_heap(policy);
	size_t a = alloc_ok(heap, 200), b;

	alloc_ok(heap, 1);
	b = alloc_ok(heap, 100);
	alloc_ok(heap, 1);
	alloc_ok(heap, 652);
	free_ok(heap, a);
	free_ok(heap, b);
	assert_blocks(heap, { 0, 216, FREE }, { 216, 16, USED }, { 232, 112, FREE }, { 344, 16, USED },
		      { 360, 664, USED });
	return heap;
}

static void first_fit_spends_large_hole_so_later_large_request_fails(void **state)
{
	struct heap *heap = two_holes(POLICY_FIRST_FIT);
	struct heap *before;
	struct heap_placement p;
	struct heap_stats stats;

	(void)state;
	assert_int_equal(alloc_ok(heap, 100), 8);
	assert_blocks(heap, { 0, 112, USED }, { 112, 104, FREE }, { 216, 16, USED }, { 232, 112, FREE },
		      { 344, 16, USED }, { 360, 664, USED });
	before = heap_clone(heap);
	assert_int_equal(heap_alloc(heap, 200, &p), HEAP_ERR_FRAGMENTED);
	assert_int_equal(p.need, 216);
	assert_unchanged(before, heap, true);
	heap_get_stats(heap, &stats);
	assert_int_equal(stats.free_bytes, 216);
	assert_int_equal(stats.largest_free, 112);
	assert_int_equal(stats.failed_allocs, 1);
	assert_true(stats.external_fragmentation > 0.48 && stats.external_fragmentation < 0.49);
	heap_destroy(before);
	heap_destroy(heap);
}

static void best_fit_keeps_large_hole_for_later_request(void **state)
{
	struct heap *heap = two_holes(POLICY_BEST_FIT);

	(void)state;
	assert_int_equal(alloc_ok(heap, 100), 240);
	assert_blocks(heap, { 0, 216, FREE }, { 216, 16, USED }, { 232, 112, USED }, { 344, 16, USED },
		      { 360, 664, USED });
	assert_int_equal(alloc_ok(heap, 200), 8);
	assert_blocks(heap, { 0, 216, USED }, { 216, 16, USED }, { 232, 112, USED }, { 344, 16, USED },
		      { 360, 664, USED });
	heap_destroy(heap);
}

/* Free holes of 48 (at 0), 112 (at 64) and 64 (at 192) between 16-byte guards. */
static struct heap *three_holes(enum heap_policy policy)
{
	struct heap *heap = make_default_heap(policy);
	size_t a = alloc_ok(heap, 36), b, c;

	alloc_ok(heap, 1);
	b = alloc_ok(heap, 100);
	alloc_ok(heap, 1);
	c = alloc_ok(heap, 52);
	alloc_ok(heap, 1);
	free_ok(heap, a);
	free_ok(heap, b);
	free_ok(heap, c);
	assert_blocks(heap, { 0, 48, FREE }, { 48, 16, USED }, { 64, 112, FREE }, { 176, 16, USED },
		      { 192, 64, FREE }, { 256, 16, USED }, { 272, 752, WILD });
	return heap;
}

static void worst_fit_takes_the_largest_free_block_below_the_break(void **state)
{
	struct heap *heap = three_holes(POLICY_WORST_FIT);

	(void)state;
	assert_int_equal(alloc_ok(heap, 1), 72);
	assert_blocks(heap, { 0, 48, FREE }, { 48, 16, USED }, { 64, 16, USED }, { 80, 96, FREE }, { 176, 16, USED },
		      { 192, 64, FREE }, { 256, 16, USED }, { 272, 752, WILD });
	/* Now 96 is still the largest. */
	assert_int_equal(alloc_ok(heap, 1), 88);
	assert_blocks(heap, { 0, 48, FREE }, { 48, 16, USED }, { 64, 16, USED }, { 80, 16, USED }, { 96, 80, FREE },
		      { 176, 16, USED }, { 192, 64, FREE }, { 256, 16, USED }, { 272, 752, WILD });
	heap_destroy(heap);
}

static void best_fit_takes_the_smallest_hole_that_fits(void **state)
{
	struct heap *heap = three_holes(POLICY_BEST_FIT);

	(void)state;
	assert_int_equal(alloc_ok(heap, 40), 200); /* needs 56: 64 is the tightest */
	assert_blocks(heap, { 0, 48, FREE }, { 48, 16, USED }, { 64, 112, FREE }, { 176, 16, USED },
		      { 192, 64, USED }, { 256, 16, USED }, { 272, 752, WILD });
	assert_int_equal(alloc_ok(heap, 1), 8);
	assert_blocks(heap, { 0, 16, USED }, { 16, 32, FREE }, { 48, 16, USED }, { 64, 112, FREE },
		      { 176, 16, USED }, { 192, 64, USED }, { 256, 16, USED }, { 272, 752, WILD });
	heap_destroy(heap);
}

static void first_fit_takes_the_lowest_hole_that_fits(void **state)
{
	struct heap *heap = three_holes(POLICY_FIRST_FIT);

	(void)state;
	assert_int_equal(alloc_ok(heap, 40), 72); /* needs 56: 48 at 0 is too small */
	assert_blocks(heap, { 0, 48, FREE }, { 48, 16, USED }, { 64, 56, USED }, { 120, 56, FREE },
		      { 176, 16, USED }, { 192, 64, FREE }, { 256, 16, USED }, { 272, 752, WILD });
	heap_destroy(heap);
}

static void best_and_worst_fit_break_ties_at_the_lowest_address(void **state)
{
	for (enum heap_policy policy = POLICY_BEST_FIT; policy <= POLICY_WORST_FIT; policy++) {
		struct heap *heap = make_default_heap(policy);
		size_t a = alloc_ok(heap, 20), b;

		(void)state;
		alloc_ok(heap, 1);
		b = alloc_ok(heap, 20);
		alloc_ok(heap, 1);
		free_ok(heap, b);
		free_ok(heap, a);
		assert_int_equal(alloc_ok(heap, 20), 8);
		heap_destroy(heap);
	}
}

static void next_fit_resumes_at_the_rover_and_wraps_around(void **state)
{
	struct heap *heap = make_default_heap(POLICY_NEXT_FIT);
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20), d;

	(void)state;
	alloc_ok(heap, 20);
	d = alloc_ok(heap, 20);
	alloc_ok(heap, 20);
	alloc_ok(heap, 20);
	assert_int_equal(heap_rover(heap), 0); /* the last search ended at the break: wrapped to 0 */
	free_ok(heap, b);
	free_ok(heap, d);
	assert_int_equal(alloc_ok(heap, 1), 40);
	assert_int_equal(heap_rover(heap), 48);
	assert_blocks(heap, { 0, 32, USED }, { 32, 16, USED }, { 48, 16, FREE }, { 64, 32, USED }, { 96, 32, FREE },
		      { 128, 32, USED }, { 160, 32, USED }, { 192, 832, WILD });
	free_ok(heap, a);
	/* First fit would take the hole at 0; next fit carries on from 48. */
	assert_int_equal(alloc_ok(heap, 1), 56);
	assert_int_equal(heap_rover(heap), 64);
	assert_int_equal(alloc_ok(heap, 1), 104);
	assert_int_equal(heap_rover(heap), 112);
	assert_blocks(heap, { 0, 32, FREE }, { 32, 16, USED }, { 48, 16, USED }, { 64, 32, USED }, { 96, 16, USED },
		      { 112, 16, FREE }, { 128, 32, USED }, { 160, 32, USED }, { 192, 832, WILD });
	/* Nothing from 112 to the break fits 32 B: the search wraps to 0. */
	assert_int_equal(alloc_ok(heap, 20), 8);
	assert_int_equal(heap_rover(heap), 32);
	assert_blocks(heap, { 0, 32, USED }, { 32, 16, USED }, { 48, 16, USED }, { 64, 32, USED }, { 96, 16, USED },
		      { 112, 16, FREE }, { 128, 32, USED }, { 160, 32, USED }, { 192, 832, WILD });
	heap_destroy(heap);
}

static void next_fit_rover_moves_to_the_start_of_a_merged_block(void **state)
{
	struct heap *heap = make_default_heap(POLICY_NEXT_FIT);
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 20);
	free_ok(heap, a);
	assert_int_equal(alloc_ok(heap, 1), 8); /* rover now 16, at the 16-byte rest */
	assert_int_equal(heap_rover(heap), 16);
	free_ok(heap, b);                          /* the rest merges with b's block from 16 */
	assert_int_equal(heap_rover(heap), 16);
	free_ok(heap, 8);                          /* now everything from 0 merges */
	assert_int_equal(heap_rover(heap), 0);
	assert_blocks(heap, { 0, 64, FREE }, { 64, 32, USED }, { 96, 928, WILD });
	heap_destroy(heap);
}

/* --- realloc (fit) ---------------------------------------------------------- */

static void fill_pattern(struct heap *heap, size_t address, size_t len, uint8_t seed)
{
	uint8_t data[256];

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(seed + i * 7);
	assert_int_equal(heap_write(heap, address, 0, data, len), HEAP_OK);
}

static void assert_pattern(const struct heap *heap, size_t address, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		assert_int_equal(heap_bytes(heap)[address + i], (uint8_t)(seed + i * 7));
}

static void realloc_shrinks_in_place_and_splits_off_the_rest(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 100);

	(void)state;
	alloc_ok(heap, 1);
	fill_pattern(heap, a, 100, 3);
	assert_int_equal(realloc_status(heap, a, 20, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.payload, a);
	assert_int_equal(p.old_payload, a);
	assert_int_equal(p.split_rest, 80);
	assert_pattern(heap, a, 20, 3);
	assert_blocks(heap, { 0, 32, USED }, { 32, 80, FREE }, { 112, 16, USED }, { 128, 896, WILD });
	heap_destroy(heap);
}

static void realloc_shrink_returns_the_rest_to_the_wilderness(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	size_t a = alloc_ok(heap, 100);
	static const uint8_t zeros[80];

	(void)state;
	fill_pattern(heap, a, 100, 5);
	assert_int_equal(heap_realloc(heap, a, 20, NULL), HEAP_OK);
	assert_pattern(heap, a, 20, 5);
	assert_memory_equal(heap_bytes(heap) + 32, zeros, 80);
	assert_blocks(heap, { 0, 32, USED }, { 32, 992, WILD });
	heap_destroy(heap);
}

static void realloc_shrink_gives_a_small_rest_to_the_free_neighbour(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	size_t a = alloc_ok(heap, 100), b = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 1);
	free_ok(heap, b);
	/* 92 B need 104: the 8 B rest cannot stand alone but joins the free block at 112. */
	assert_int_equal(heap_realloc(heap, a, 92, NULL), HEAP_OK);
	assert_blocks(heap, { 0, 104, USED }, { 104, 40, FREE }, { 144, 16, USED }, { 160, 864, WILD });
	heap_destroy(heap);
}

static void realloc_shrink_keeps_a_small_rest_as_padding(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_block view;
	size_t a = alloc_ok(heap, 100);

	(void)state;
	alloc_ok(heap, 1);
	assert_int_equal(heap_realloc(heap, a, 92, NULL), HEAP_OK);
	assert_blocks(heap, { 0, 112, USED }, { 112, 16, USED }, { 128, 896, WILD });
	assert_true(heap_find_allocation(heap, a, &view));
	assert_int_equal(view.requested, 92);
	heap_destroy(heap);
}

static void realloc_grows_into_a_free_right_neighbour(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 100);

	(void)state;
	alloc_ok(heap, 1);
	free_ok(heap, b);
	fill_pattern(heap, a, 20, 9);
	assert_int_equal(heap_realloc(heap, a, 60, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.payload, a);
	assert_int_equal(p.found_size, 144);
	assert_int_equal(p.split_rest, 72);
	assert_pattern(heap, a, 20, 9);
	assert_blocks(heap, { 0, 72, USED }, { 72, 72, FREE }, { 144, 16, USED }, { 160, 864, WILD });
	heap_destroy(heap);
}

static void realloc_grows_into_the_wilderness(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20);

	(void)state;
	fill_pattern(heap, a, 20, 1);
	assert_int_equal(heap_realloc(heap, a, 100, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.payload, a);
	assert_pattern(heap, a, 20, 1);
	assert_blocks(heap, { 0, 112, USED }, { 112, 912, WILD });
	heap_destroy(heap);
}

static void realloc_moves_copies_and_frees_when_it_cannot_grow(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 1);
	fill_pattern(heap, a, 20, 77);
	assert_int_equal(heap_realloc(heap, a, 100, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_MOVED);
	assert_int_equal(p.old_payload, 8);
	assert_int_equal(p.payload, 56);
	assert_int_equal(p.copied, 20);
	assert_pattern(heap, 56, 20, 77);
	assert_blocks(heap, { 0, 32, FREE }, { 32, 16, USED }, { 48, 112, USED }, { 160, 864, WILD });
	heap_destroy(heap);
}

static void failed_realloc_leaves_the_old_block_untouched(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap *before;
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 1);
	alloc_ok(heap, 900);
	fill_pattern(heap, a, 20, 40);
	before = heap_clone(heap);
	assert_int_equal(heap_realloc(heap, a, 200, &p), HEAP_ERR_NO_SPACE);
	assert_int_equal(p.need, 216);
	assert_unchanged(before, heap, true);
	assert_int_equal(heap_realloc(heap, a, 2000, &p), HEAP_ERR_TOO_LARGE);
	assert_int_equal(heap_realloc(heap, a, 0, &p), HEAP_ERR_ZERO_SIZE);
	assert_pattern(heap, a, 20, 40);
	heap_destroy(before);
	heap_destroy(heap);
}

/* --- alignment and sizes ---------------------------------------------------- */

static void alignment_4_uses_12_byte_minimum_blocks(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, 1024, 4);
	size_t c;

	(void)state;
	assert_int_equal(alloc_ok(heap, 1), 8);   /* 8 + 1 + 4 -> 16 */
	assert_int_equal(alloc_ok(heap, 5), 24);  /* 8 + 5 + 4 = 17 -> 20 */
	c = alloc_ok(heap, 16);                   /* 28 */
	assert_int_equal(c, 44);
	alloc_ok(heap, 1);
	assert_blocks(heap, { 0, 16, USED }, { 16, 20, USED }, { 36, 28, USED }, { 64, 16, USED }, { 80, 944, WILD });
	free_ok(heap, c);
	assert_int_equal(alloc_ok(heap, 1), 44); /* 28 - 16 = 12 is a minimum block: split */
	assert_blocks(heap, { 0, 16, USED }, { 16, 20, USED }, { 36, 16, USED }, { 52, 12, FREE }, { 64, 16, USED },
		      { 80, 944, WILD });
	heap_destroy(heap);
}

static void alignment_16_pads_the_header_to_16_bytes(void **state)
{
	struct heap *heap = make_heap(POLICY_BEST_FIT, 1024, 16);
	static const uint8_t header[16] = { 0x21, 0, 0, 0, 1, 0, 0, 0 };

	(void)state;
	assert_int_equal(heap_header_size(heap), 16);
	assert_int_equal(alloc_ok(heap, 1), 16);   /* 16 + 1 + 4 -> 32 */
	assert_int_equal(alloc_ok(heap, 13), 48);  /* 33 -> 48 */
	assert_int_equal(alloc_ok(heap, 12), 96);  /* 32 */
	assert_memory_equal(heap_bytes(heap), header, 16);
	assert_blocks(heap, { 0, 32, USED }, { 32, 48, USED }, { 80, 32, USED }, { 112, 912, WILD });
	heap_destroy(heap);
}

static void heap_size_not_a_multiple_of_the_alignment_leaves_an_unusable_tail(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, 100, 16);
	struct heap_placement p;

	(void)state;
	assert_int_equal(alloc_ok(heap, 76), 16); /* 16 + 76 + 4 = 96 */
	assert_blocks(heap, { 0, 96, USED }, { 96, 4, WILD });
	assert_int_equal(heap_alloc(heap, 1, &p), HEAP_ERR_NO_SPACE);
	heap_destroy(heap);
}

static void smallest_heap_of_64_bytes(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, 64, 8);
	struct heap_placement p;
	size_t a;

	(void)state;
	assert_int_equal(heap_alloc(heap, 53, &p), HEAP_ERR_NO_SPACE);
	assert_int_equal(p.need, 72);
	assert_int_equal(heap_alloc(heap, 65, &p), HEAP_ERR_TOO_LARGE);
	a = alloc_ok(heap, 52);
	assert_blocks(heap, { 0, 64, USED });
	assert_int_equal(heap_alloc(heap, 1, &p), HEAP_ERR_NO_SPACE);
	free_ok(heap, a);
	assert_blocks(heap, { 0, 64, WILD });
	heap_destroy(heap);
}

static void largest_heap_of_1_gib(void **state)
{
	struct heap *heap = make_heap(POLICY_WORST_FIT, HEAP_MAX_SIZE, 8);
	struct heap *buddy = make_heap(POLICY_BUDDY, HEAP_MAX_SIZE, 16);
	size_t a;

	(void)state;
	a = alloc_ok(heap, HEAP_MAX_SIZE - 12);
	assert_blocks(heap, { 0, HEAP_MAX_SIZE, USED });
	free_ok(heap, a);
	assert_blocks(heap, { 0, HEAP_MAX_SIZE, WILD });
	a = alloc_ok(buddy, HEAP_MAX_SIZE - 16);
	assert_blocks(buddy, { 0, HEAP_MAX_SIZE, USED });
	free_ok(buddy, a);
	assert_int_equal(alloc_ok(buddy, 1), 16);
	heap_destroy(buddy);
	heap_destroy(heap);
}

/* --- buddy ------------------------------------------------------------------ */

static void buddy_halves_blocks_down_to_the_needed_power_of_two(void **state)
{
	struct heap *heap = make_default_heap(POLICY_BUDDY);
	struct heap_placement p;
	struct heap_stats stats;

	(void)state;
	assert_blocks(heap, { 0, 1024, FREE });
	assert_int_equal(heap_break(heap), 1024);
	assert_int_equal(heap_alloc(heap, 100, &p), HEAP_OK); /* 108 -> 128 */
	assert_int_equal(p.buddy_splits, 3);
	assert_int_equal(p.found_size, 1024);
	assert_int_equal(p.split_rest, 896);
	assert_int_equal(p.payload, 8);
	assert_blocks(heap, { 0, 128, USED }, { 128, 128, FREE }, { 256, 256, FREE }, { 512, 512, FREE });
	assert_int_equal(heap_alloc(heap, 20, &p), HEAP_OK); /* 28 -> 32, from the 128 at 128 */
	assert_int_equal(p.buddy_splits, 2);
	assert_int_equal(p.payload, 136);
	assert_blocks(heap, { 0, 128, USED }, { 128, 32, USED }, { 160, 32, FREE }, { 192, 64, FREE },
		      { 256, 256, FREE }, { 512, 512, FREE });
	assert_int_equal(heap_alloc(heap, 200, &p), HEAP_OK); /* 208 -> 256, exact */
	assert_int_equal(p.buddy_splits, 0);
	assert_int_equal(p.payload, 264);
	heap_get_stats(heap, &stats);
	assert_int_equal(stats.used_bytes, 416);
	assert_int_equal(stats.requested_bytes, 320);
	assert_int_equal(stats.overhead_bytes, 96); /* internal fragmentation: headers and rounding */
	assert_int_equal(stats.wilderness_bytes, 0);
	assert_int_equal(stats.free_bytes, 608);
	assert_int_equal(stats.largest_free, 512);
	heap_destroy(heap);
}

static void buddy_free_merges_buddies_at_once(void **state)
{
	struct heap *heap = make_default_heap(POLICY_BUDDY);
	struct heap_release r;
	size_t a = alloc_ok(heap, 100), b = alloc_ok(heap, 20), c = alloc_ok(heap, 200);

	(void)state;
	assert_int_equal(heap_free(heap, b, &r), HEAP_OK);
	assert_int_equal(r.merges, 2);
	assert_int_equal(r.merged_offset, 128);
	assert_int_equal(r.merged_size, 128);
	assert_blocks(heap, { 0, 128, USED }, { 128, 128, FREE }, { 256, 256, USED }, { 512, 512, FREE });
	assert_int_equal(heap_free(heap, a, &r), HEAP_OK);
	assert_int_equal(r.merges, 1);
	assert_blocks(heap, { 0, 256, FREE }, { 256, 256, USED }, { 512, 512, FREE });
	assert_int_equal(heap_free(heap, c, &r), HEAP_OK);
	assert_int_equal(r.merges, 2);
	assert_false(r.to_wilderness);
	assert_blocks(heap, { 0, 1024, FREE });
	heap_destroy(heap);
}

static void buddy_realloc_shrinks_by_halving_and_grows_into_free_buddies(void **state)
{
	struct heap *heap = make_default_heap(POLICY_BUDDY);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 100);

	(void)state;
	fill_pattern(heap, a, 100, 11);
	assert_int_equal(heap_realloc(heap, a, 20, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.buddy_splits, 2);
	assert_blocks(heap, { 0, 32, USED }, { 32, 32, FREE }, { 64, 64, FREE }, { 128, 128, FREE },
		      { 256, 256, FREE }, { 512, 512, FREE });
	assert_int_equal(heap_realloc(heap, a, 100, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.payload, a);
	assert_pattern(heap, a, 20, 11);
	assert_blocks(heap, { 0, 128, USED }, { 128, 128, FREE }, { 256, 256, FREE }, { 512, 512, FREE });
	heap_destroy(heap);
}

static void buddy_realloc_moves_when_its_buddy_is_in_use(void **state)
{
	struct heap *heap = make_default_heap(POLICY_BUDDY);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20);

	(void)state;
	assert_int_equal(alloc_ok(heap, 20), 40);
	fill_pattern(heap, a, 20, 21);
	assert_int_equal(heap_realloc(heap, a, 50, &p), HEAP_OK); /* 58 -> 64 */
	assert_int_equal(p.source, SOURCE_MOVED);
	assert_int_equal(p.payload, 72);
	assert_int_equal(p.copied, 20);
	assert_pattern(heap, 72, 20, 21);
	assert_blocks(heap, { 0, 32, FREE }, { 32, 32, USED }, { 64, 64, USED }, { 128, 128, FREE },
		      { 256, 256, FREE }, { 512, 512, FREE });
	heap_destroy(heap);
}

static void buddy_upper_block_cannot_grow_in_place(void **state)
{
	struct heap *heap = make_default_heap(POLICY_BUDDY);
	struct heap_placement p;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);

	(void)state;
	free_ok(heap, a);
	assert_int_equal(heap_realloc(heap, b, 50, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_MOVED);
	assert_int_equal(p.payload, 72);
	assert_blocks(heap, { 0, 64, FREE }, { 64, 64, USED }, { 128, 128, FREE }, { 256, 256, FREE },
		      { 512, 512, FREE });
	heap_destroy(heap);
}

static void buddy_reports_fragmentation_when_no_block_is_large_enough(void **state)
{
	struct heap *heap = make_heap(POLICY_BUDDY, 64, 8);
	struct heap *before;
	struct heap_placement p;
	size_t a = alloc_ok(heap, 1), c;

	(void)state;
	assert_blocks(heap, { 0, 16, USED }, { 16, 16, FREE }, { 32, 32, FREE });
	alloc_ok(heap, 1);
	c = alloc_ok(heap, 1);
	alloc_ok(heap, 1);
	free_ok(heap, a);
	free_ok(heap, c);
	assert_blocks(heap, { 0, 16, FREE }, { 16, 16, USED }, { 32, 16, FREE }, { 48, 16, USED });
	before = heap_clone(heap);
	assert_int_equal(heap_alloc(heap, 9, &p), HEAP_ERR_FRAGMENTED); /* 17 -> 32 */
	assert_int_equal(p.need, 32);
	assert_unchanged(before, heap, true);
	assert_int_equal(heap_alloc(heap, 40, &p), HEAP_ERR_NO_SPACE);
	heap_destroy(before);
	heap_destroy(heap);
}

static void buddy_needs_a_power_of_two_heap_size(void **state)
{
	struct heap_config config = { 1000, POLICY_BUDDY, 8, HEAP_ORDER_ADDRESS };
	struct heap *heap = NULL;

	(void)state;
	assert_int_equal(heap_create(&config, &heap), HEAP_ERR_BAD_CONFIG);
	assert_null(heap);
	assert_string_equal(heap_config_problem(&config), "buddy needs a power-of-two heap size");
	config.policy = POLICY_FIRST_FIT;
	assert_null(heap_config_problem(&config));
}

/* --- errors ----------------------------------------------------------------- */

static void every_error_leaves_the_heap_unchanged(void **state)
{
	(void)state;
	for (enum heap_policy policy = 0; policy < POLICY_COUNT; policy++) {
		struct heap *heap = make_default_heap(policy);
		struct heap *before;
		struct heap_placement p;
		size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);
		uint8_t data[32] = { 0 };

		alloc_ok(heap, 20);
		free_ok(heap, a);
		before = heap_clone(heap);
		assert_non_null(before);

		assert_int_equal(heap_alloc(heap, 0, &p), HEAP_ERR_ZERO_SIZE);
		assert_unchanged(before, heap, false);
		assert_int_equal(heap_calloc(heap, 0, 8, &p), HEAP_ERR_ZERO_SIZE);
		assert_unchanged(before, heap, false);
		assert_int_equal(heap_calloc(heap, SIZE_MAX / 2, 3, &p), HEAP_ERR_OVERFLOW);
		assert_unchanged(before, heap, false);
		assert_int_equal(heap_free(heap, b + 1, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_free(heap, b - 8, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_free(heap, 5000, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_free(heap, SIZE_MAX, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_free(heap, a, NULL), HEAP_ERR_DOUBLE_FREE);
		assert_int_equal(heap_realloc(heap, a, 10, &p), HEAP_ERR_DOUBLE_FREE);
		assert_int_equal(heap_realloc(heap, b + 4, 10, &p), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_realloc(heap, b, 0, &p), HEAP_ERR_ZERO_SIZE);
		assert_int_equal(heap_write(heap, b, 0, data, 21), HEAP_ERR_OUT_OF_BOUNDS);
		assert_int_equal(heap_write(heap, b, 20, data, 1), HEAP_ERR_OUT_OF_BOUNDS);
		assert_int_equal(heap_write(heap, b, SIZE_MAX, data, 2), HEAP_ERR_OUT_OF_BOUNDS);
		assert_int_equal(heap_write(heap, a, 0, data, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_fill(heap, a, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_fill(heap, 3, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_unchanged(before, heap, false);

		assert_int_equal(heap_alloc(heap, 1025, &p), HEAP_ERR_TOO_LARGE);
		assert_unchanged(before, heap, true);
		assert_int_equal(heap_alloc(heap, SIZE_MAX, &p), HEAP_ERR_TOO_LARGE);
		assert_int_equal(heap_calloc(heap, 1025, 1, &p), HEAP_ERR_TOO_LARGE);
		assert_int_equal(heap_realloc(heap, b, 1025, &p), HEAP_ERR_TOO_LARGE);
		assert_int_equal(heap_alloc(heap, 1000, &p), HEAP_ERR_NO_SPACE);
		assert_true(heap_equal_except_failures(before, heap));
		assert_int_equal(heap_realloc(heap, b, 1000, &p), HEAP_ERR_NO_SPACE);
		assert_true(heap_equal_except_failures(before, heap));
		{
			struct heap_stats stats;

			heap_get_stats(heap, &stats);
			assert_int_equal(stats.failed_allocs, 6);
		}
		heap_destroy(before);
		heap_destroy(heap);
	}
}

static void double_free_is_told_from_a_stray_address(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap *before;
	size_t a = alloc_ok(heap, 20), b = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 1);
	free_ok(heap, a);
	free_ok(heap, b); /* merged: one free block from 0 to 64 */
	before = heap_clone(heap);
	assert_int_equal(heap_free(heap, a, NULL), HEAP_ERR_DOUBLE_FREE);
	assert_int_equal(heap_free(heap, b, NULL), HEAP_ERR_DOUBLE_FREE); /* where b's payload was */
	assert_int_equal(heap_free(heap, b + 2, NULL), HEAP_ERR_NOT_ALLOCATED);
	assert_int_equal(heap_free(heap, 900, NULL), HEAP_ERR_NOT_ALLOCATED); /* wilderness */
	assert_unchanged(before, heap, false);
	assert_string_equal(heap_status_message(HEAP_ERR_DOUBLE_FREE), "double free: that block is already free");
	heap_destroy(before);
	heap_destroy(heap);
}

/* --- checker honesty -------------------------------------------------------- */

static size_t problems_after_poke(const struct heap *heap, size_t offset, uint8_t value)
{
	struct heap *copy = heap_clone(heap);
	struct heap_problem problems[4];
	size_t found;

	assert_non_null(copy);
	heap_bytes_for_testing(copy)[offset] = value;
	found = heap_check(copy, problems, 4);
	if (found > 0)
		assert_true(strlen(problems[0].message) > 0);
	heap_destroy(copy);
	return found;
}

static void checker_reports_corrupted_bytes(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap *buddy = make_default_heap(POLICY_BUDDY);
	size_t a = alloc_ok(heap, 20);

	(void)state;
	alloc_ok(heap, 20);
	alloc_ok(heap, 20);
	free_ok(heap, a);
	assert_true(problems_after_poke(heap, 0, 0x21) > 0);   /* free block marked used: footer disagrees */
	assert_true(problems_after_poke(heap, 28, 0x99) > 0);  /* footer */
	assert_true(problems_after_poke(heap, 36, 3) > 0);     /* requested size of a used block */
	assert_true(problems_after_poke(heap, 32, 0x31) > 0);  /* size runs into the next block */
	assert_true(problems_after_poke(heap, 32, 0x20) > 0);  /* used block marked free: accounting */
	assert_true(problems_after_poke(heap, 500, 1) > 0);    /* wilderness byte */
	assert_true(problems_after_poke(heap, 1, 0x10) > 0);   /* absurd size */
	assert_int_equal(problems_after_poke(heap, 10, 0xab), 0); /* stale payload of a free block is fine */

	alloc_ok(buddy, 100);
	assert_true(problems_after_poke(buddy, 0, 0x41) > 0);   /* 64: not what 100 bytes need */
	assert_true(problems_after_poke(buddy, 128, 0x81) > 0); /* free buddy marked used */
	assert_true(problems_after_poke(buddy, 129, 0x01) > 0); /* size 384 is not a power of two */
	assert_int_equal(heap_check(buddy, NULL, 0), 0);
	{
		struct heap *copy = heap_clone(heap);

		heap_bytes_for_testing(copy)[600] = 7;
		heap_bytes_for_testing(copy)[28] = 7;
		assert_true(heap_check(copy, NULL, 0) >= 2); /* counted even when none is written */
		heap_destroy(copy);
	}
	heap_destroy(buddy);
	heap_destroy(heap);
}

static void checker_reports_unmerged_free_buddies(void **state)
{
	struct heap *heap = make_heap(POLICY_BUDDY, 64, 8);
	struct heap *copy;
	size_t a = alloc_ok(heap, 1), b = alloc_ok(heap, 1);

	(void)state;
	free_ok(heap, a);
	copy = heap_clone(heap);
	/* Clear b's allocated bit by hand: two free 16 B buddies side by side. */
	heap_bytes_for_testing(copy)[b - 8] = 0x10;
	assert_true(heap_check(copy, NULL, 0) > 0);
	heap_destroy(copy);
	heap_destroy(heap);
}

/* A complete used block (header, requested, footer) forged inside a payload at offset inner. */
static void forge_used_block(struct heap *heap, size_t payload, size_t inner, size_t size, size_t requested)
{
	uint8_t words[12];
	uint32_t word = (uint32_t)size | 1u;

	for (unsigned i = 0; i < 4; i++) {
		words[i] = (uint8_t)(word >> (8 * i));
		words[4 + i] = (uint8_t)(requested >> (8 * i));
		words[8 + i] = words[i];
	}
	assert_int_equal(heap_write(heap, payload, inner, words, 8), HEAP_OK);
	if (heap_policy(heap) != POLICY_BUDDY)
		assert_int_equal(heap_write(heap, payload, inner + size - 4, words + 8, 4), HEAP_OK);
}

static void forged_header_inside_a_payload_is_no_allocation(void **state)
{
	(void)state;
	for (unsigned policy = 0; policy < POLICY_COUNT; policy++) {
		struct heap *heap = make_default_heap((enum heap_policy)policy);
		size_t p = alloc_ok(heap, 200);
		size_t fake = p + 32 + heap_header_size(heap);
		struct heap *before;
		struct heap_block view;
		uint8_t byte = 1;

		alloc_ok(heap, 20);
		forge_used_block(heap, p, 32, policy == POLICY_BUDDY ? 32 : 48, 16);
		assert_heap_sane(heap);
		before = heap_clone(heap);
		assert_non_null(before);
		assert_false(heap_find_allocation(heap, fake, &view));
		assert_int_equal(heap_free(heap, fake, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_realloc(heap, fake, 8, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_write(heap, fake, 0, &byte, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_fill(heap, fake, 0), HEAP_ERR_NOT_ALLOCATED);
		assert_true(heap_equal(before, heap));
		/* Freed, the forged header lies in a free block's payload: still no block of its own. */
		free_ok(heap, p);
		assert_int_equal(heap_free(heap, fake, NULL), policy == POLICY_BUDDY || fake % 8 == 0
				 ? HEAP_ERR_DOUBLE_FREE : HEAP_ERR_NOT_ALLOCATED);
		assert_false(heap_find_allocation(heap, fake, &view));
		assert_heap_sane(heap);
		heap_destroy(before);
		heap_destroy(heap);
	}
}

static size_t walked_largest_free(const struct heap *heap)
{
	struct block_table table = { .count = 0 };
	size_t largest = 0;

	heap_walk(heap, table_collect, &table);
	assert_true(table.total <= TABLE_MAX);
	for (size_t i = 0; i < table.count; i++)
		if (table.rows[i].state != BLOCK_USED && table.rows[i].size > largest)
			largest = table.rows[i].size;
	return largest;
}

static size_t stats_largest_free(const struct heap *heap)
{
	struct heap_stats stats;

	heap_get_stats(heap, &stats);
	assert_int_equal(stats.largest_free, walked_largest_free(heap));
	return stats.largest_free;
}

static void largest_free_follows_the_holes_as_they_are_taken(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap *copy;
	size_t a = alloc_ok(heap, 52), b, c;

	(void)state;
	alloc_ok(heap, 8);
	b = alloc_ok(heap, 116);
	alloc_ok(heap, 8);
	c = alloc_ok(heap, 116);
	alloc_ok(heap, 8);
	alloc_ok(heap, 620); /* the break reaches the end: no wilderness */
	assert_int_equal(heap_break(heap), 1024);
	assert_int_equal(stats_largest_free(heap), 0);
	free_ok(heap, a);
	assert_int_equal(stats_largest_free(heap), 64);
	free_ok(heap, c);
	free_ok(heap, b);
	assert_int_equal(stats_largest_free(heap), 128);
	copy = heap_clone(heap);
	assert_non_null(copy);
	assert_int_equal(stats_largest_free(copy), 128);
	assert_int_equal(alloc_ok(heap, 116), b); /* one of two 128 B holes taken */
	assert_int_equal(stats_largest_free(heap), 128);
	assert_int_equal(alloc_ok(heap, 116), c); /* the last one: the maximum falls back to 64 */
	assert_int_equal(stats_largest_free(heap), 64);
	assert_int_equal(alloc_ok(heap, 36), a);  /* split: 16 B left */
	assert_int_equal(stats_largest_free(heap), 16);
	assert_int_equal(heap_copy_into(copy, heap), HEAP_OK);
	assert_true(heap_equal(copy, heap));
	assert_int_equal(stats_largest_free(copy), 16);
	free_ok(heap, b);                         /* merges with nothing: 128 again */
	assert_int_equal(stats_largest_free(heap), 128);
	assert_false(heap_equal(copy, heap));
	heap_destroy(copy);
	heap_destroy(heap);
}

/* The checker rebuilds the out-of-band index from its walk: a wrong bit or tree node anywhere is reported. */
static size_t problems_after_index_poke(const struct heap *heap, int what, size_t at)
{
	struct heap *copy = heap_clone(heap);
	size_t found;

	assert_non_null(copy);
	assert_int_equal(heap_check(copy, NULL, 0), 0);
	switch (what) {
	case 0:
		copy->starts[at / 64] ^= (uint64_t)1 << (at % 64);
		break;
	case 1:
		copy->free_starts[at / 64] ^= (uint64_t)1 << (at % 64);
		break;
	default:
		copy->free_max[at] += 8;
		break;
	}
	found = heap_check(copy, NULL, 0);
	heap_destroy(copy);
	return found;
}

static void checker_reports_a_corrupted_index(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, 65536, 8);
	size_t a = alloc_ok(heap, 100);

	(void)state;
	alloc_ok(heap, 20000);
	alloc_ok(heap, 100);
	alloc_ok(heap, 30000);
	alloc_ok(heap, 100);
	free_ok(heap, a);
	/* Units of 8 bytes: block 0, block 112 (unit 14), a unit inside a payload, a few past the break. */
	assert_true(problems_after_index_poke(heap, 0, 0) > 0);
	assert_true(problems_after_index_poke(heap, 0, 14) > 0);
	assert_true(problems_after_index_poke(heap, 0, 100) > 0);
	assert_true(problems_after_index_poke(heap, 0, heap_break(heap) / 8 + 3) > 0);
	assert_true(problems_after_index_poke(heap, 1, 0) > 0);
	assert_true(problems_after_index_poke(heap, 1, 14) > 0);
	assert_true(problems_after_index_poke(heap, 1, 2000) > 0);
	/* Every node over the used part of the heap, and the leaves. */
	for (size_t node = 1; node < 2 * heap->leaves; node++)
		if (node >= heap->leaves ? node - heap->leaves < heap_break(heap) / 512 : heap->free_max[node] != 0)
			assert_true(problems_after_index_poke(heap, 2, node) > 0);
	heap_destroy(heap);
}

/* --- walker, stats, copies, names ------------------------------------------- */

static void walker_lookups_find_blocks_and_allocations(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_block view;
	size_t a = alloc_ok(heap, 20);

	(void)state;
	assert_true(heap_block_at(heap, 31, &view));
	assert_int_equal(view.offset, 0);
	assert_int_equal(view.state, BLOCK_USED);
	assert_int_equal(view.header_size, 8);
	assert_int_equal(view.footer_size, 4);
	assert_int_equal(view.payload, a);
	assert_int_equal(view.requested, 20);
	assert_true(heap_block_at(heap, 32, &view));
	assert_int_equal(view.state, BLOCK_WILDERNESS);
	assert_int_equal(view.size, 992);
	assert_false(heap_block_at(heap, 1024, &view));
	assert_true(heap_find_allocation(heap, a, &view));
	assert_false(heap_find_allocation(heap, a + 8, &view));
	assert_false(heap_find_allocation(heap, 40, &view));
	heap_destroy(heap);
}

static void calloc_zeroes_a_reused_block(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	size_t a = alloc_ok(heap, 20);
	struct heap_placement p;
	static const uint8_t zeros[20];

	(void)state;
	alloc_ok(heap, 1);
	assert_int_equal(heap_fill(heap, a, 0xaa), HEAP_OK);
	free_ok(heap, a);
	assert_int_equal(heap_calloc(heap, 4, 5, &p), HEAP_OK);
	assert_int_equal(p.payload, a);
	assert_memory_equal(heap_bytes(heap) + a, zeros, 20);
	assert_heap_sane(heap);
	heap_destroy(heap);
}

static void stats_follow_requests_and_peak(void **state)
{
	struct heap *heap = make_default_heap(POLICY_FIRST_FIT);
	struct heap_stats s;
	size_t a = alloc_ok(heap, 100), b = alloc_ok(heap, 20);

	(void)state;
	free_ok(heap, a);
	heap_get_stats(heap, &s);
	assert_int_equal(s.heap_size, 1024);
	assert_int_equal(s.brk, 144);
	assert_int_equal(s.used_blocks, 1);
	assert_int_equal(s.free_blocks, 1);
	assert_int_equal(s.requested_bytes, 20);
	assert_int_equal(s.used_bytes, 32);
	assert_int_equal(s.overhead_bytes, 12);
	assert_int_equal(s.wilderness_bytes, 880);
	assert_int_equal(s.free_bytes, 992);
	assert_int_equal(s.largest_free, 880);
	assert_true(s.utilization > 20.0 / 1024 - 1e-9 && s.utilization < 20.0 / 1024 + 1e-9);
	assert_true(s.peak_utilization > 120.0 / 1024 - 1e-9 && s.peak_utilization < 120.0 / 1024 + 1e-9);
	free_ok(heap, b);
	heap_get_stats(heap, &s);
	assert_true(s.external_fragmentation == 0.0);
	assert_int_equal(s.free_bytes, 1024);
	heap_destroy(heap);
}

static void clone_copy_and_equal_cover_bytes_and_registers(void **state)
{
	struct heap *heap = make_default_heap(POLICY_NEXT_FIT);
	struct heap *other = make_heap(POLICY_BUDDY, 64, 4);
	struct heap *clone;
	struct heap_placement p;

	(void)state;
	alloc_ok(heap, 20);
	clone = heap_clone(heap);
	assert_true(heap_equal(heap, clone));
	assert_int_equal(heap_alloc(heap, 5000, &p), HEAP_ERR_TOO_LARGE);
	assert_false(heap_equal(heap, clone));
	assert_true(heap_equal_except_failures(heap, clone));
	assert_int_equal(heap_copy_into(other, heap), HEAP_OK);
	assert_true(heap_equal(other, heap));
	assert_int_equal(heap_policy(other), POLICY_NEXT_FIT);
	assert_int_equal(heap_size(other), 1024);
	assert_int_equal(heap_alignment(other), 8);
	alloc_ok(other, 1);
	assert_false(heap_equal(other, heap));
	assert_int_equal(heap_copy_into(other, clone), HEAP_OK);
	assert_true(heap_equal(other, clone));
	heap_destroy(clone);
	heap_destroy(other);
	heap_destroy(heap);
}

static void names_parse_and_messages(void **state)
{
	static const char *const names[POLICY_COUNT] = { "first", "next", "best", "worst", "buddy", "seglist", "tlsf" };
	static const char *const titles[POLICY_COUNT] = { "first fit", "next fit", "best fit", "worst fit", "buddy",
							  "seglist", "TLSF" };
	struct heap_config config = { 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_policy policy;

	(void)state;
	for (enum heap_policy i = 0; i < POLICY_COUNT; i++) {
		assert_string_equal(heap_policy_name(i), names[i]);
		assert_string_equal(heap_policy_title(i), titles[i]);
		assert_true(heap_policy_parse(names[i], &policy));
		assert_int_equal(policy, i);
	}
	assert_true(heap_policy_parse("BeSt", &policy));
	assert_int_equal(policy, POLICY_BEST_FIT);
	assert_false(heap_policy_parse("best fit", &policy));
	assert_false(heap_policy_parse("fir", &policy));
	assert_false(heap_policy_parse("", &policy));
	assert_string_equal(heap_status_message(HEAP_ERR_NO_SPACE), "out of memory: too little free space in total");
	assert_string_equal(heap_status_message(HEAP_ERR_FRAGMENTED),
			    "out of memory: enough free space in total but no single block large enough "
			    "(external fragmentation)");
	for (enum heap_status s = HEAP_OK; s <= HEAP_ERR_HOST_MEMORY; s++)
		assert_true(strlen(heap_status_message(s)) > 0);
	config.size = 63;
	assert_string_equal(heap_config_problem(&config), "heap size must be between 64 B and 1 GiB");
	config.size = HEAP_MAX_SIZE + 1;
	assert_string_equal(heap_config_problem(&config), "heap size must be between 64 B and 1 GiB");
	config.size = 1024;
	config.alignment = 2;
	assert_string_equal(heap_config_problem(&config), "alignment must be 4, 8 or 16");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_fit_takes_blocks_from_the_wilderness_in_address_order),
		cmocka_unit_test(header_and_footer_are_little_endian_bytes_in_the_heap),
		cmocka_unit_test(free_coalesces_with_right_neighbour),
		cmocka_unit_test(free_coalesces_with_left_neighbour),
		cmocka_unit_test(free_coalesces_with_both_neighbours),
		cmocka_unit_test(freeing_the_block_below_the_break_returns_it_to_the_wilderness),
		cmocka_unit_test(free_block_is_split_only_when_rest_holds_a_minimum_block),
		cmocka_unit_test(first_fit_spends_large_hole_so_later_large_request_fails),
		cmocka_unit_test(best_fit_keeps_large_hole_for_later_request),
		cmocka_unit_test(worst_fit_takes_the_largest_free_block_below_the_break),
		cmocka_unit_test(best_fit_takes_the_smallest_hole_that_fits),
		cmocka_unit_test(first_fit_takes_the_lowest_hole_that_fits),
		cmocka_unit_test(best_and_worst_fit_break_ties_at_the_lowest_address),
		cmocka_unit_test(next_fit_resumes_at_the_rover_and_wraps_around),
		cmocka_unit_test(next_fit_rover_moves_to_the_start_of_a_merged_block),
		cmocka_unit_test(realloc_shrinks_in_place_and_splits_off_the_rest),
		cmocka_unit_test(realloc_shrink_returns_the_rest_to_the_wilderness),
		cmocka_unit_test(realloc_shrink_gives_a_small_rest_to_the_free_neighbour),
		cmocka_unit_test(realloc_shrink_keeps_a_small_rest_as_padding),
		cmocka_unit_test(realloc_grows_into_a_free_right_neighbour),
		cmocka_unit_test(realloc_grows_into_the_wilderness),
		cmocka_unit_test(realloc_moves_copies_and_frees_when_it_cannot_grow),
		cmocka_unit_test(failed_realloc_leaves_the_old_block_untouched),
		cmocka_unit_test(alignment_4_uses_12_byte_minimum_blocks),
		cmocka_unit_test(alignment_16_pads_the_header_to_16_bytes),
		cmocka_unit_test(heap_size_not_a_multiple_of_the_alignment_leaves_an_unusable_tail),
		cmocka_unit_test(smallest_heap_of_64_bytes),
		cmocka_unit_test(largest_heap_of_1_gib),
		cmocka_unit_test(buddy_halves_blocks_down_to_the_needed_power_of_two),
		cmocka_unit_test(buddy_free_merges_buddies_at_once),
		cmocka_unit_test(buddy_realloc_shrinks_by_halving_and_grows_into_free_buddies),
		cmocka_unit_test(buddy_realloc_moves_when_its_buddy_is_in_use),
		cmocka_unit_test(buddy_upper_block_cannot_grow_in_place),
		cmocka_unit_test(buddy_reports_fragmentation_when_no_block_is_large_enough),
		cmocka_unit_test(buddy_needs_a_power_of_two_heap_size),
		cmocka_unit_test(every_error_leaves_the_heap_unchanged),
		cmocka_unit_test(double_free_is_told_from_a_stray_address),
		cmocka_unit_test(checker_reports_corrupted_bytes),
		cmocka_unit_test(checker_reports_unmerged_free_buddies),
		cmocka_unit_test(forged_header_inside_a_payload_is_no_allocation),
		cmocka_unit_test(checker_reports_a_corrupted_index),
		cmocka_unit_test(largest_free_follows_the_holes_as_they_are_taken),
		cmocka_unit_test(walker_lookups_find_blocks_and_allocations),
		cmocka_unit_test(calloc_zeroes_a_reused_block),
		cmocka_unit_test(stats_follow_requests_and_peak),
		cmocka_unit_test(clone_copy_and_equal_cover_bytes_and_registers),
		cmocka_unit_test(names_parse_and_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
