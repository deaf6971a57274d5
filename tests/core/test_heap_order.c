/* test_heap_order.c - LIFO and FIFO free lists worked by hand under first, next, best and worst fit: blocks, list and rover after each step. */
#include <stdlib.h>
#include <string.h>

#include "heap_links.h"

/*
 * Default heap: alignment 8, 8-byte header, 4-byte footer, a free block's
 * payload starts with its next and prev links (so the minimum block is
 * 24 B). The same six requests make the same blocks under every order:
 *   a 16 -> 0x000 (32 B), x1 8 -> 0x020 (24 B), b 40 -> 0x038 (56 B),
 *   x2 8 -> 0x070 (24 B), c 16 -> 0x088 (32 B), x3 8 -> 0x0a8 (24 B),
 * the break at 0x0c0; then a, b and c are freed in that order, so the list
 * is c, b, a under LIFO and a, b, c under FIFO.
 */

static struct heap *make_ordered(enum heap_policy policy, enum heap_order order)
{
	struct heap_config config = { HEAP_DEFAULT_SIZE, policy, HEAP_DEFAULT_ALIGNMENT, order };
	struct heap *heap = NULL;

	assert_int_equal(heap_create(&config, &heap), HEAP_OK);
	assert_int_equal(heap_order(heap), order);
	assert_heap_sane(heap);
	return heap;
}

static size_t placed(struct heap *heap, size_t request, size_t want_block, size_t want_size)
{
	struct heap_placement p;

	assert_int_equal(heap_alloc(heap, request, &p), HEAP_OK);
	assert_int_equal(p.block, want_block);
	assert_int_equal(p.block_size, want_size);
	assert_heap_sane(heap);
	return p.payload;
}

/* The six blocks, then a, b and c freed. */
static struct heap *three_holes(enum heap_policy policy, enum heap_order order)
{
	struct heap *heap = make_ordered(policy, order);

	placed(heap, 16, 0x000, 32);
	placed(heap, 8, 0x020, 24);
	placed(heap, 40, 0x038, 56);
	placed(heap, 8, 0x070, 24);
	placed(heap, 16, 0x088, 32);
	placed(heap, 8, 0x0a8, 24);
	free_ok(heap, 0x008);
	free_ok(heap, 0x040);
	free_ok(heap, 0x090);
	assert_blocks(heap, { 0x000, 32, FREE }, { 0x020, 24, USED }, { 0x038, 56, FREE }, { 0x070, 24, USED },
		      { 0x088, 32, FREE }, { 0x0a8, 24, USED }, { 0x0c0, 832, WILD });
	if (order == HEAP_ORDER_LIFO)
		assert_list(heap, 0x088, 0x038, 0x000);
	else
		assert_list(heap, 0x000, 0x038, 0x088);
	return heap;
}

static void first_fit_lifo_takes_the_last_freed_block_that_fits(void **state)
{
	struct heap *heap = three_holes(POLICY_FIRST_FIT, HEAP_ORDER_LIFO);

	(void)state;
	/* Address order would take 0x000; the list starts with c, freed last. */
	placed(heap, 16, 0x088, 32);
	assert_list(heap, 0x038, 0x000);
	/* b is split: its 32 B rest is a new free block, pushed on the front. */
	placed(heap, 8, 0x038, 24);
	assert_blocks(heap, { 0x000, 32, FREE }, { 0x020, 24, USED }, { 0x038, 24, USED }, { 0x050, 32, FREE },
		      { 0x070, 24, USED }, { 0x088, 32, USED }, { 0x0a8, 24, USED }, { 0x0c0, 832, WILD });
	assert_list(heap, 0x050, 0x000);
	/* x1 coalesces with a: the 56 B block at 0x000 leaves its place and goes on the front. */
	free_ok(heap, 0x028);
	assert_blocks(heap, { 0x000, 56, FREE }, { 0x038, 24, USED }, { 0x050, 32, FREE }, { 0x070, 24, USED },
		      { 0x088, 32, USED }, { 0x0a8, 24, USED }, { 0x0c0, 832, WILD });
	assert_list(heap, 0x000, 0x050);
	heap_destroy(heap);
}

static void first_fit_fifo_takes_the_first_freed_block_that_fits(void **state)
{
	struct heap *heap = three_holes(POLICY_FIRST_FIT, HEAP_ORDER_FIFO);

	(void)state;
	placed(heap, 16, 0x000, 32);
	assert_list(heap, 0x038, 0x088);
	/* b's 32 B rest goes on the back, behind c. */
	placed(heap, 8, 0x038, 24);
	assert_blocks(heap, { 0x000, 32, USED }, { 0x020, 24, USED }, { 0x038, 24, USED }, { 0x050, 32, FREE },
		      { 0x070, 24, USED }, { 0x088, 32, FREE }, { 0x0a8, 24, USED }, { 0x0c0, 832, WILD });
	assert_list(heap, 0x088, 0x050);
	/* x1 has no free neighbour: appended. Then x2 joins 0x050 and 0x088 into one 88 B block, appended alone. */
	free_ok(heap, 0x028);
	assert_list(heap, 0x088, 0x050, 0x020);
	free_ok(heap, 0x078);
	assert_blocks(heap, { 0x000, 32, USED }, { 0x020, 24, FREE }, { 0x038, 24, USED }, { 0x050, 88, FREE },
		      { 0x0a8, 24, USED }, { 0x0c0, 832, WILD });
	assert_list(heap, 0x020, 0x050);
	/* The next 60 B block is carved from the head's successor, as the walk finds it. */
	placed(heap, 48, 0x050, 64);
	assert_list(heap, 0x020, 0x090);
	heap_destroy(heap);
}

static void next_fit_lifo_walks_on_from_the_block_after_the_last_choice(void **state)
{
	struct heap *heap = three_holes(POLICY_NEXT_FIT, HEAP_ORDER_LIFO);

	(void)state;
	/* The rover is 0 and the block at 0 is free, so the search starts there (a, the tail). */
	assert_int_equal(heap_rover(heap), 0x000);
	placed(heap, 8, 0x000, 32); /* 8 B left over: too small to split */
	assert_int_equal(heap_rover(heap), 0x088); /* a was last: the rover goes round to the head */
	placed(heap, 8, 0x088, 32);
	assert_int_equal(heap_rover(heap), 0x038);
	assert_list(heap, 0x038);
	placed(heap, 8, 0x038, 24);
	assert_list(heap, 0x050);
	assert_int_equal(heap_rover(heap), 0x050);
	heap_destroy(heap);
}

static void next_fit_lifo_wraps_to_the_head(void **state)
{
	struct heap *heap = three_holes(POLICY_NEXT_FIT, HEAP_ORDER_LIFO);

	(void)state;
	/* From a (32 B, too small for 56) the walk ends, wraps to c (too small) and b fits. */
	placed(heap, 40, 0x038, 56);
	assert_int_equal(heap_rover(heap), 0x000);
	assert_list(heap, 0x088, 0x000);
	heap_destroy(heap);
}

static void next_fit_fifo_walks_in_freeing_order(void **state)
{
	struct heap *heap = three_holes(POLICY_NEXT_FIT, HEAP_ORDER_FIFO);

	(void)state;
	placed(heap, 8, 0x000, 32);
	assert_int_equal(heap_rover(heap), 0x038);
	placed(heap, 8, 0x038, 24);
	assert_list(heap, 0x088, 0x050);
	assert_int_equal(heap_rover(heap), 0x088);
	placed(heap, 8, 0x088, 32);
	assert_int_equal(heap_rover(heap), 0x050);
	assert_list(heap, 0x050);
	/* The rover's block is taken by a first request that goes there: it moves to the head (none left: 0). */
	placed(heap, 8, 0x050, 32);
	assert_int_equal(heap_rover(heap), 0x000);
	heap_destroy(heap);
}

static void best_and_worst_fit_break_ties_in_list_order(void **state)
{
	struct heap *heap;

	(void)state;
	/* a and c are both 32 B: the first on the list wins. */
	heap = three_holes(POLICY_BEST_FIT, HEAP_ORDER_LIFO);
	placed(heap, 16, 0x088, 32);
	heap_destroy(heap);
	heap = three_holes(POLICY_BEST_FIT, HEAP_ORDER_FIFO);
	placed(heap, 16, 0x000, 32);
	heap_destroy(heap);
	/* The size still decides first: the smallest that fits, then the largest. */
	heap = three_holes(POLICY_BEST_FIT, HEAP_ORDER_LIFO);
	placed(heap, 40, 0x038, 56);
	heap_destroy(heap);
	heap = three_holes(POLICY_WORST_FIT, HEAP_ORDER_FIFO);
	placed(heap, 8, 0x038, 24);
	assert_list(heap, 0x000, 0x088, 0x050);
	heap_destroy(heap);
}

static void order_is_refused_where_it_does_not_apply(void **state)
{
	struct heap_config config = { HEAP_DEFAULT_SIZE, POLICY_BUDDY, 8, HEAP_ORDER_LIFO };
	struct heap *heap = NULL;
	enum heap_order order;

	(void)state;
	assert_int_equal(heap_create(&config, &heap), HEAP_ERR_BAD_CONFIG);
	assert_null(heap);
	assert_non_null(heap_config_problem(&config));
	config.policy = POLICY_SEGLIST;
	assert_non_null(heap_config_problem(&config));
	config.policy = POLICY_TLSF;
	assert_non_null(heap_config_problem(&config));
	config.policy = POLICY_FIRST_FIT;
	assert_null(heap_config_problem(&config));
	config.order = (enum heap_order)7;
	assert_non_null(heap_config_problem(&config));
	assert_int_equal(heap_create(&config, &heap), HEAP_ERR_BAD_CONFIG);
	assert_true(heap_order_find("LIFO", &order));
	assert_int_equal(order, HEAP_ORDER_LIFO);
	assert_true(heap_order_find("address", &order));
	assert_int_equal(order, HEAP_ORDER_ADDRESS);
	assert_false(heap_order_find("lif", &order));
	assert_false(heap_order_find("", &order));
	assert_string_equal(heap_order_name(HEAP_ORDER_FIFO), "fifo");
	assert_null(heap_order_name((enum heap_order)9));
}

static void errors_leave_an_ordered_heap_unchanged(void **state)
{
	struct heap *heap = three_holes(POLICY_FIRST_FIT, HEAP_ORDER_FIFO);
	struct heap *before = heap_clone(heap);

	(void)state;
	assert_non_null(before);
	assert_int_equal(heap_free(heap, 0x008, NULL), HEAP_ERR_DOUBLE_FREE);
	assert_int_equal(heap_free(heap, 0x030, NULL), HEAP_ERR_NOT_ALLOCATED);
	assert_true(heap_equal(heap, before));
	/* A refused request is counted (heap.h), and nothing else changes: every byte stays. */
	assert_int_equal(heap_alloc(heap, 2000, NULL), HEAP_ERR_TOO_LARGE);
	assert_int_equal(heap_alloc(heap, 900, NULL), HEAP_ERR_FRAGMENTED);
	assert_memory_equal(heap_bytes(heap), heap_bytes(before), heap_size(heap));
	assert_int_equal(heap_break(heap), heap_break(before));
	assert_list(heap, 0x000, 0x038, 0x088);
	heap_destroy(before);
	heap_destroy(heap);
}

static void checker_catches_a_wrong_back_link(void **state)
{
	struct heap *heap = three_holes(POLICY_FIRST_FIT, HEAP_ORDER_LIFO);
	struct heap_problem problems[4];
	uint8_t *bytes = heap_bytes_for_testing(heap);

	(void)state;
	/* b's prev link (at 0x038 + 8 + 4) should name c, 0x088; make it name a. */
	bytes[0x038 + 12] = 0x00;
	assert_true(heap_check(heap, problems, 4) > 0);
	heap_destroy(heap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_fit_lifo_takes_the_last_freed_block_that_fits),
		cmocka_unit_test(first_fit_fifo_takes_the_first_freed_block_that_fits),
		cmocka_unit_test(next_fit_lifo_walks_on_from_the_block_after_the_last_choice),
		cmocka_unit_test(next_fit_lifo_wraps_to_the_head),
		cmocka_unit_test(next_fit_fifo_walks_in_freeing_order),
		cmocka_unit_test(best_and_worst_fit_break_ties_in_list_order),
		cmocka_unit_test(order_is_refused_where_it_does_not_apply),
		cmocka_unit_test(errors_leave_an_ordered_heap_unchanged),
		cmocka_unit_test(checker_catches_a_wrong_back_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
