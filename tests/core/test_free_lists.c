/* test_free_lists.c - the free_lists hook of every allocator: walk order, each free block exactly once, agreement with the walker. */
#include <stdlib.h>
#include <string.h>

#include "free_lists.h"
#include "heap_links.h"

struct free_set {
	size_t offset[512], size[512], count;
	size_t brk;
};

static bool collect_free(const struct heap_block *block, void *context)
{
	struct free_set *set = context;

	if (block->state == BLOCK_FREE && set->count < 512) {
		set->offset[set->count] = block->offset;
		set->size[set->count++] = block->size;
	}
	return true;
}

/* Every free block the walker sees is in the structures exactly once with its size, and nothing else is. */
static void check_covers_walker(const struct heap *heap, const struct free_lists *lists)
{
	struct free_set set = { .count = 0 };
	size_t list, index;

	heap_walk(heap, collect_free, &set);
	assert_true(lists->covers_all);
	assert_int_equal(lists->block_count, set.count);
	for (size_t i = 0; i < set.count; i++) {
		size_t hits = 0;

		for (size_t b = 0; b < lists->block_count; b++) {
			if (lists->blocks[b].offset == set.offset[i]) {
				hits++;
				assert_int_equal(lists->blocks[b].size, set.size[i]);
			}
		}
		assert_int_equal(hits, 1);
		assert_true(free_lists_find(lists, set.offset[i], &list, &index));
		assert_int_equal(lists->blocks[lists->lists[list].first + index].offset, set.offset[i]);
	}
	/* The lists' ranges tile the block array in order. */
	for (size_t l = 0, next = 0; l < lists->list_count; l++) {
		assert_int_equal(lists->lists[l].first, next);
		next += lists->lists[l].count;
	}
}

/* The search's own order, per allocator. */
static void check_walk_order(const struct heap *heap, const struct free_lists *lists)
{
	enum heap_policy policy = heap_policy(heap);

	if (heap_order(heap) != HEAP_ORDER_ADDRESS) {
		/*
		 * --order lifo|fifo: one explicit list, walked along its in-band
		 * links from the head (next fit: from the rover, wrapping), so the
		 * walk is the list itself, rotated for next fit.
		 */
		assert_true(lists->in_band_links);
		assert_int_equal(lists->list_count, lists->block_count > 0 ? 1 : 0);
		if (lists->block_count == 0)
			return;
		assert_int_equal(lists->lists[0].kind, FREE_LIST_EXPLICIT);
		assert_int_equal(lists->lists[0].insert,
				 heap_order(heap) == HEAP_ORDER_LIFO ? FREE_INSERT_LIFO : FREE_INSERT_FIFO);
		size_t n = lists->block_count, head = n;
		for (size_t i = 0; i < n; i++)
			if (word_at(heap, lists->blocks[i].offset + lists->link_offset + 4) == NONE)
				head = i;
		assert_true(head < n);
		assert_true(policy == POLICY_NEXT_FIT || head == 0);
		for (size_t k = 0; k < n; k++) {
			size_t i = (head + k) % n, at = lists->blocks[i].offset + lists->link_offset;
			assert_int_equal(word_at(heap, at), k + 1 < n ? lists->blocks[(i + 1) % n].offset : NONE);
			assert_int_equal(word_at(heap, at + 4), k > 0 ? lists->blocks[(i + n - 1) % n].offset : NONE);
		}
		if (policy == POLICY_NEXT_FIT && heap_rover(heap) != 0)
			assert_int_equal(lists->blocks[0].offset, heap_rover(heap));
		return;
	}
	switch (policy) {
	case POLICY_FIRST_FIT:
	case POLICY_BEST_FIT:
	case POLICY_WORST_FIT:
		assert_int_equal(lists->list_count, 1);
		assert_int_equal(lists->lists[0].kind, FREE_LIST_ADDRESS);
		for (size_t b = 1; b < lists->block_count; b++)
			assert_true(lists->blocks[b - 1].offset < lists->blocks[b].offset);
		assert_false(lists->in_band_links);
		break;
	case POLICY_NEXT_FIT: {
		/* Ascending from the rover, then wrapping once to ascending from 0 below it. */
		size_t rover = heap_rover(heap) < heap_break(heap) ? heap_rover(heap) : 0;
		bool wrapped = false;

		assert_int_equal(lists->list_count, 1);
		for (size_t b = 0; b < lists->block_count; b++) {
			size_t at = lists->blocks[b].offset;

			if (at < rover)
				wrapped = true;
			else
				assert_false(wrapped); /* no block at or above the rover after the wrap */
			if (b > 0 && (lists->blocks[b - 1].offset < rover) == (at < rover))
				assert_true(lists->blocks[b - 1].offset < at);
		}
		break;
	}
	case POLICY_BUDDY:
		assert_false(lists->in_band_links);
		for (size_t l = 0; l < lists->list_count; l++) {
			const struct free_list *one = &lists->lists[l];

			assert_int_equal(one->kind, FREE_LIST_ORDER);
			assert_true(one->count > 0);
			if (l > 0)
				assert_true(lists->lists[l - 1].class_index < one->class_index);
			for (size_t i = 0; i < one->count; i++) {
				assert_int_equal(lists->blocks[one->first + i].size, (size_t)1 << one->class_index);
				if (i > 0)
					assert_true(lists->blocks[one->first + i - 1].offset < lists->blocks[one->first + i].offset);
			}
		}
		break;
	default: {
		/* seglist, tlsf: each list follows the in-band next links from its head, classes in search order. */
		uint32_t first = 0;

		assert_true(lists->in_band_links);
		assert_int_equal(lists->link_offset, heap_header_size(heap));
		for (size_t l = 0; l < lists->list_count; l++) {
			const struct free_list *one = &lists->lists[l];
			const struct free_list_block *blocks = lists->blocks + one->first;

			assert_int_equal(one->kind, policy == POLICY_SEGLIST ? FREE_LIST_SIZE_CLASS : FREE_LIST_TLSF);
			if (l > 0)
				assert_true(lists->lists[l - 1].class_index * 64 + lists->lists[l - 1].sub <
					    one->class_index * 64 + one->sub);
			first |= (uint32_t)1 << one->class_index;
			if (policy == POLICY_TLSF)
				assert_true((lists->second_level[one->class_index] >> one->sub & 1u) != 0);
			for (size_t i = 0; i < one->count; i++) {
				size_t at = blocks[i].offset + lists->link_offset;

				assert_true(blocks[i].size >= one->min_size && blocks[i].size <= one->max_size);
				assert_int_equal(word_at(heap, at), i + 1 < one->count ? blocks[i + 1].offset : NONE);
				assert_int_equal(word_at(heap, at + 4), i > 0 ? blocks[i - 1].offset : NONE);
			}
		}
		assert_int_equal(lists->has_bitmaps, policy == POLICY_TLSF);
		assert_int_equal(lists->first_level, first);
		break;
	}
	}
}

/* A seeded mix of 600 allocations and frees on heap, the hook checked after each step. */
static void check_a_random_mix(struct heap *heap, unsigned seed)
{
	size_t live[64], count = 0;
	struct free_lists lists = { 0 };

	for (int step = 0; step < 600; step++) {
		seed = seed * 1103515245u + 12345u;
		if (count > 0 && ((seed >> 16) % 3 == 0 || count == 64)) {
			size_t pick = (seed >> 8) % count;

			free_ok(heap, live[pick]);
			live[pick] = live[--count];
		} else {
			struct heap_placement placement;

			if (heap_alloc(heap, 1 + (seed >> 12) % 200, &placement) == HEAP_OK)
				live[count++] = placement.payload;
		}
		assert_true(heap_free_lists(heap, &lists));
		check_covers_walker(heap, &lists);
		check_walk_order(heap, &lists);
	}
	free_lists_release(&lists);
}

static void every_allocator_lists_each_free_block_once_in_walk_order(void **state)
{
	(void)state;
	for (unsigned p = 0; p < POLICY_COUNT; p++) {
		struct heap *heap = make_heap((enum heap_policy)p, 4096, 8);

		check_a_random_mix(heap, 12345u + p);
		heap_destroy(heap);
	}
}

/* The same mix under every fit policy with --order lifo and fifo: the hook walks the explicit list. */
static void ordered_lists_are_walked_along_their_links(void **state)
{
	(void)state;
	for (unsigned p = POLICY_FIRST_FIT; p <= POLICY_WORST_FIT; p++) {
		for (unsigned o = HEAP_ORDER_LIFO; o < HEAP_ORDER_COUNT; o++) {
			struct heap_config config = { 4096, (enum heap_policy)p, 8, (enum heap_order)o };
			struct heap *heap;

			assert_int_equal(heap_create(&config, &heap), HEAP_OK);
			check_a_random_mix(heap, 777u + p * 3 + o);
			heap_destroy(heap);
		}
	}
}

/* By hand: first fit's holes low to high; next fit starts at the rover and wraps. */
static void next_fit_walk_starts_at_the_rover(void **state)
{
	struct heap *first = make_default_heap(POLICY_FIRST_FIT), *next = make_default_heap(POLICY_NEXT_FIT);
	struct free_lists lists = { 0 };
	size_t a[6];

	(void)state;
	for (int i = 0; i < 6; i++) {
		a[i] = alloc_ok(first, 20);
		assert_int_equal(alloc_ok(next, 20), a[i]);
	}
	/* Blocks are 32 B at 0x00, 0x20, ...: free 0x20 and 0x80, keep the rest. */
	free_ok(first, a[1]);
	free_ok(first, a[4]);
	free_ok(next, a[1]);
	free_ok(next, a[4]);
	assert_true(heap_free_lists(first, &lists));
	assert_int_equal(lists.block_count, 2);
	assert_int_equal(lists.blocks[0].offset, 0x20);
	assert_int_equal(lists.blocks[1].offset, 0x80);
	/* next fit's rover is after the last block placed (0xc0, the break): wrap to 0 at once. */
	assert_true(heap_free_lists(next, &lists));
	assert_int_equal(lists.blocks[0].offset, 0x20);
	/* A 16 B block split from 0x20 moves the rover to its end, the free rest at 0x30: walked first, then 0x80. */
	alloc_ok(next, 4);
	assert_int_equal(heap_rover(next), 0x30);
	assert_true(heap_free_lists(next, &lists));
	assert_int_equal(lists.block_count, 2);
	assert_int_equal(lists.blocks[0].offset, 0x30);
	assert_int_equal(lists.blocks[1].offset, 0x80);
	/* The next takes all of 0x30 (16 B): the rover is at 0x40, and only 0x80 is left. */
	alloc_ok(next, 4);
	assert_int_equal(heap_rover(next), 0x40);
	assert_true(heap_free_lists(next, &lists));
	assert_int_equal(lists.block_count, 1);
	assert_int_equal(lists.blocks[0].offset, 0x80);
	free_lists_release(&lists);
	heap_destroy(first);
	heap_destroy(next);
}

/* seglist pushes freed blocks on the front: the last freed of a class is walked first. */
static void seglist_walks_the_last_freed_first(void **state)
{
	struct heap *heap = make_default_heap(POLICY_SEGLIST);
	struct free_lists lists = { 0 };
	size_t a[5];

	(void)state;
	for (int i = 0; i < 5; i++)
		a[i] = alloc_ok(heap, 20); /* 32 B blocks at 0x00, 0x20, ... */
	free_ok(heap, a[0]);
	free_ok(heap, a[2]);
	assert_true(heap_free_lists(heap, &lists));
	assert_int_equal(lists.list_count, 1);
	assert_int_equal(lists.lists[0].class_index, 5);
	assert_int_equal(lists.lists[0].min_size, 32);
	assert_int_equal(lists.lists[0].max_size, 63);
	assert_int_equal(lists.blocks[0].offset, 0x40);
	assert_int_equal(lists.blocks[1].offset, 0x00);
	free_lists_release(&lists);
	heap_destroy(heap);
}

/* A link that loops back is walked no further than the free-block count, and the record says it is not whole. */
static void a_looping_link_stops_and_says_not_whole(void **state)
{
	struct heap *heap = make_default_heap(POLICY_SEGLIST);
	struct free_lists lists = { 0 };
	size_t a[5];
	uint8_t *bytes;

	(void)state;
	for (int i = 0; i < 5; i++)
		a[i] = alloc_ok(heap, 20);
	free_ok(heap, a[0]);
	free_ok(heap, a[2]);
	bytes = heap_bytes_for_testing(heap);
	/* The head 0x40's second link target 0x00 now points back at 0x40. */
	bytes[0x08] = 0x40;
	bytes[0x09] = bytes[0x0a] = bytes[0x0b] = 0;
	assert_true(heap_free_lists(heap, &lists));
	assert_false(lists.covers_all);
	assert_true(lists.block_count <= 2);
	free_lists_release(&lists);
	heap_destroy(heap);
}

/* tlsf: one free pool block at first, its list's bits set in both bitmaps. */
static void tlsf_reports_its_bitmaps(void **state)
{
	struct heap *heap = make_default_heap(POLICY_TLSF);
	struct free_lists lists = { 0 };

	(void)state;
	assert_true(heap_free_lists(heap, &lists));
	assert_int_equal(lists.list_count, 1);
	assert_int_equal(lists.lists[0].kind, FREE_LIST_TLSF);
	assert_int_equal(lists.lists[0].class_index, 10); /* 1024 B: fl 10, sl 0 */
	assert_int_equal(lists.lists[0].sub, 0);
	assert_int_equal(lists.first_level, 1u << 10);
	assert_int_equal(lists.second_level[10], 1u);
	assert_string_equal(free_list_kind_name(lists.lists[0].kind), "tlsf");
	free_lists_release(&lists);
	heap_destroy(heap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_allocator_lists_each_free_block_once_in_walk_order),
		cmocka_unit_test(ordered_lists_are_walked_along_their_links),
		cmocka_unit_test(next_fit_walk_starts_at_the_rover),
		cmocka_unit_test(seglist_walks_the_last_freed_first),
		cmocka_unit_test(a_looping_link_stops_and_says_not_whole),
		cmocka_unit_test(tlsf_reports_its_bitmaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
