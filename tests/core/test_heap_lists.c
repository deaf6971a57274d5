/* test_heap_lists.c - seglist and tlsf worked by hand: the block table, the in-band lists and the explanation's data after each step. */
#include <stdlib.h>
#include <string.h>

#include "heap_links.h"
/* Two tests poke at the lists' bitmaps, which only the core's own header describes. */
#include "../../src/core/heap_internal.h"

/*
 * Default heap: alignment 8, 8-byte header, 4-byte footer; a free block's
 * payload starts with its next and prev links (ff ff ff ff: none), so the
 * minimum block is 24 B and a block is max(24, round8(12 + request)).
 */

static struct heap_placement alloc_placed(struct heap *heap, size_t request)
{
	struct heap_placement p;

	assert_int_equal(heap_alloc(heap, request, &p), HEAP_OK);
	assert_heap_sane(heap);
	return p;
}

static struct heap_release free_released(struct heap *heap, size_t payload)
{
	struct heap_release r;

	assert_int_equal(heap_free(heap, payload, &r), HEAP_OK);
	assert_heap_sane(heap);
	return r;
}

/* --- seglist ------------------------------------------------------------------- */

static void seglist_searches_its_class_first_fit_then_the_next_non_empty_class(void **state)
{
	struct heap *heap = make_default_heap(POLICY_SEGLIST);
	struct heap_placement p;
	struct heap_release r;

	(void)state;
	assert_blocks(heap, { 0, 1024, WILD });
	/* No free block yet: each request moves the break, like first fit. */
	p = alloc_placed(heap, 100);
	assert_int_equal(p.block_size, 112);
	assert_int_equal(p.source, SOURCE_WILDERNESS);
	assert_int_equal(p.want_class, 6);
	alloc_ok(heap, 40);
	alloc_ok(heap, 200);
	alloc_ok(heap, 20);
	assert_blocks(heap, { 0, 112, USED }, { 112, 56, USED }, { 168, 216, USED }, { 384, 32, USED }, { 416, 608, WILD });

	r = free_released(heap, 0x008);
	assert_int_equal(r.list_class, 6); /* 112 B: class 64-127 B */
	assert_list(heap, 0x000);
	r = free_released(heap, 0x0b0);
	assert_int_equal(r.list_class, 7); /* 216 B: class 128-255 B */
	assert_list(heap, 0x0a8);
	assert_blocks(heap, { 0, 112, FREE }, { 112, 56, USED }, { 168, 216, FREE }, { 384, 32, USED }, { 416, 608, WILD });

	/* 60 B needs 72 B, class 6: its first block fits and is split; the 40 B rest goes to class 5. */
	p = alloc_placed(heap, 60);
	assert_int_equal(p.block, 0);
	assert_int_equal(p.source, SOURCE_FREE_BLOCK);
	assert_int_equal(p.want_class, 6);
	assert_int_equal(p.found_class, 6);
	assert_int_equal(p.split_rest, 40);
	assert_int_equal(p.rest_class, 5);
	assert_blocks(heap, { 0, 72, USED }, { 72, 40, FREE }, { 112, 56, USED }, { 168, 216, FREE }, { 384, 32, USED },
		      { 416, 608, WILD });
	assert_list(heap, 0x048);

	/* 90 B needs 104 B: class 6 is empty now, so the next non-empty class, 7, gives its first block. */
	p = alloc_placed(heap, 90);
	assert_int_equal(p.block, 0xa8);
	assert_int_equal(p.want_class, 6);
	assert_int_equal(p.found_class, 7);
	assert_int_equal(p.split_rest, 112);
	assert_int_equal(p.rest_class, 6);
	assert_blocks(heap, { 0, 72, USED }, { 72, 40, FREE }, { 112, 56, USED }, { 168, 104, USED }, { 272, 112, FREE },
		      { 384, 32, USED }, { 416, 608, WILD });
	assert_list(heap, 0x110);

	/* Freed, the 56 B block merges with the 40 B one before it: 96 B, pushed on the front of class 6. */
	r = free_released(heap, 0x078);
	assert_int_equal(r.merges, 1);
	assert_int_equal(r.merged_offset, 0x48);
	assert_int_equal(r.merged_size, 96);
	assert_int_equal(r.list_class, 6);
	assert_blocks(heap, { 0, 72, USED }, { 72, 96, FREE }, { 168, 104, USED }, { 272, 112, FREE }, { 384, 32, USED },
		      { 416, 608, WILD });
	assert_list(heap, 0x048, 0x110);

	/* 100 B needs 112 B: the head (96 B) is too small, the next on the list fits exactly. */
	p = alloc_placed(heap, 100);
	assert_int_equal(p.block, 0x110);
	assert_int_equal(p.found_class, 6);
	assert_int_equal(p.split_rest, 0);
	assert_list(heap, 0x048);

	/* The block below the break goes back to the wilderness, as with first fit. */
	r = free_released(heap, 0x188);
	assert_true(r.to_wilderness);
	assert_blocks(heap, { 0, 72, USED }, { 72, 96, FREE }, { 168, 104, USED }, { 272, 112, USED }, { 384, 640, WILD });
	heap_destroy(heap);
}

static void seglist_free_block_links_are_little_endian_offsets_in_the_payload(void **state)
{
	struct heap *heap = make_default_heap(POLICY_SEGLIST);
	size_t a = alloc_ok(heap, 40), b;
	static const uint8_t head_alone[] = { 0x38, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	(void)state;
	alloc_ok(heap, 40);
	b = alloc_ok(heap, 40);
	alloc_ok(heap, 40);
	free_ok(heap, a);
	/* Header (56 B, free), requested 0, then next = none, prev = none. */
	assert_memory_equal(heap_bytes(heap), head_alone, sizeof head_alone);
	free_ok(heap, b);
	/* b's block (0x70) is the head now: next = 0x000; the old head's prev = 0x070. */
	assert_list(heap, 0x070, 0x000);
	assert_int_equal(heap_bytes(heap)[0x70 + 8], 0x00);
	assert_int_equal(heap_bytes(heap)[0x00 + 12], 0x70);
	heap_destroy(heap);
}

/* --- tlsf ------------------------------------------------------------------------ */

static void tlsf_rounds_up_to_a_list_where_every_block_fits(void **state)
{
	struct heap *heap = make_default_heap(POLICY_TLSF);
	struct heap_placement p;
	struct heap_release r;
	enum heap_status status;

	(void)state;
	/* One pool, one free block: 1024 B is list (10,0). */
	assert_blocks(heap, { 0, 1024, FREE });
	assert_list(heap, 0x000);

	/* 252 B needs 264 B; at fl 8 the lists are 16 B apart, so it rounds up to 272 B, list (8,1). */
	p = alloc_placed(heap, 252);
	assert_int_equal(p.need, 264);
	assert_int_equal(p.rounded, 272);
	assert_int_equal(p.want_class, 8);
	assert_int_equal(p.want_sub, 1);
	assert_int_equal(p.found_class, 10);
	assert_int_equal(p.found_sub, 0);
	assert_int_equal(p.split_rest, 760);
	assert_int_equal(p.rest_class, 9); /* 760 B: (9,7) */
	assert_int_equal(p.rest_sub, 7);
	assert_blocks(heap, { 0, 264, USED }, { 264, 760, FREE });

	p = alloc_placed(heap, 100);
	assert_int_equal(p.rounded, 112); /* (6,12): at fl 6 the lists are 4 B apart, 112 is where one starts */
	assert_int_equal(p.want_class, 6);
	assert_int_equal(p.want_sub, 12);
	assert_int_equal(p.block, 264);
	assert_int_equal(p.rest_class, 9); /* 648 B: (9,4) */
	assert_int_equal(p.rest_sub, 4);
	assert_blocks(heap, { 0, 264, USED }, { 264, 112, USED }, { 376, 648, FREE });

	r = free_released(heap, 0x008);
	assert_int_equal(r.list_class, 8); /* 264 B: (8,0) */
	assert_int_equal(r.list_sub, 0);
	assert_blocks(heap, { 0, 264, FREE }, { 264, 112, USED }, { 376, 648, FREE });

	/* The same request passes over the 264 B block on (8,0), which would fit exactly: the rounding's cost. */
	p = alloc_placed(heap, 252);
	assert_int_equal(p.want_class, 8);
	assert_int_equal(p.want_sub, 1);
	assert_int_equal(p.found_class, 9);
	assert_int_equal(p.found_sub, 4);
	assert_int_equal(p.block, 376);
	assert_int_equal(p.rest_class, 8); /* 384 B: (8,8) */
	assert_int_equal(p.rest_sub, 8);
	assert_blocks(heap, { 0, 264, FREE }, { 264, 112, USED }, { 376, 264, USED }, { 640, 384, FREE });

	p = alloc_placed(heap, 252);
	assert_int_equal(p.block, 640);
	assert_int_equal(p.found_class, 8);
	assert_int_equal(p.found_sub, 8);
	assert_int_equal(p.rest_class, 6); /* 120 B: (6,14) */
	assert_int_equal(p.rest_sub, 14);
	assert_blocks(heap, { 0, 264, FREE }, { 264, 112, USED }, { 376, 264, USED }, { 640, 264, USED },
		      { 904, 120, FREE });

	/* Now no list at or above (8,1) has a block: refused, though 0x000 holds exactly 264 B. */
	{
		struct heap *before = heap_clone(heap);

		assert_non_null(before);
		status = heap_alloc(heap, 252, &p);
		assert_int_equal(status, HEAP_ERR_FRAGMENTED);
		assert_int_equal(p.need, 264);
		/* The refusal keeps where the search looked, for its explanation. */
		assert_int_equal(p.rounded, 272);
		assert_int_equal(p.want_class, 8);
		assert_int_equal(p.want_sub, 1);
		assert_int_equal(p.block, 0);
		assert_true(heap_equal_except_failures(before, heap));
		heap_destroy(before);
	}

	/* Frees coalesce with both neighbours at once, back to the one pool block. */
	r = free_released(heap, 0x110);
	assert_int_equal(r.merged_size, 376);
	assert_int_equal(r.list_class, 8);
	assert_int_equal(r.list_sub, 7);
	r = free_released(heap, 0x180);
	assert_int_equal(r.merged_size, 640);
	r = free_released(heap, 0x288);
	assert_int_equal(r.merges, 2);
	assert_int_equal(r.merged_offset, 0);
	assert_int_equal(r.merged_size, 1024);
	assert_int_equal(r.list_class, 10);
	assert_blocks(heap, { 0, 1024, FREE });
	assert_list(heap, 0x000);
	heap_destroy(heap);
}

static void tlsf_takes_the_last_freed_block_of_a_list_first(void **state)
{
	struct heap *heap = make_default_heap(POLICY_TLSF);
	size_t a = alloc_ok(heap, 40), c;
	struct heap_placement p;

	(void)state;
	alloc_ok(heap, 40);
	c = alloc_ok(heap, 40);
	alloc_ok(heap, 40);
	free_ok(heap, a);
	free_ok(heap, c);
	/* Both 56 B blocks are on (5,12), the last freed at the front. */
	assert_blocks(heap, { 0, 56, FREE }, { 56, 56, USED }, { 112, 56, FREE }, { 168, 56, USED }, { 224, 800, FREE });
	assert_list(heap, 0x070, 0x000);
	p = alloc_placed(heap, 40);
	assert_int_equal(p.block, 0x70);
	assert_int_equal(p.found_class, 5);
	assert_int_equal(p.found_sub, 12);
	assert_list(heap, 0x000);
	heap_destroy(heap);
}

static void tlsf_realloc_grows_into_a_free_neighbour_and_shrinks_onto_a_list(void **state)
{
	struct heap *heap = make_default_heap(POLICY_TLSF);
	size_t a = alloc_ok(heap, 100);
	struct heap_placement p;

	(void)state;
	assert_blocks(heap, { 0, 112, USED }, { 112, 912, FREE });
	assert_int_equal(heap_realloc(heap, a, 300, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_blocks(heap, { 0, 312, USED }, { 312, 712, FREE });
	assert_int_equal(heap_realloc(heap, a, 20, &p), HEAP_OK);
	assert_int_equal(p.source, SOURCE_IN_PLACE);
	assert_int_equal(p.split_rest, 280);
	assert_blocks(heap, { 0, 32, USED }, { 32, 992, FREE });
	assert_int_equal(p.rest_class, 9); /* the rest merged with the free neighbour: 992 B, (9,15) */
	assert_int_equal(p.rest_sub, 15);
	assert_list(heap, 0x020);
	heap_destroy(heap);
}

/* --- both ------------------------------------------------------------------------- */

static const enum heap_policy segregated[] = { POLICY_SEGLIST, POLICY_TLSF };

/* A heap with used blocks and free blocks on two lists: 0x000 free (56 B), 0x038 used, 0x070 free (112 B), 0x0e0 used. */
static struct heap *holes_heap(enum heap_policy policy, size_t *live)
{
	struct heap *heap = make_default_heap(policy);
	size_t a = alloc_ok(heap, 40), c;

	*live = alloc_ok(heap, 40);
	c = alloc_ok(heap, 100);
	alloc_ok(heap, 40);
	free_ok(heap, a);
	free_ok(heap, c);
	return heap;
}

static void segregated_errors_leave_every_byte_unchanged(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof segregated / sizeof segregated[0]; i++) {
		size_t live;
		struct heap *heap = holes_heap(segregated[i], &live);
		size_t size = heap_size(heap);
		uint8_t *copy = malloc(size);
		struct heap *before = heap_clone(heap);
		struct heap_placement p;
		uint8_t data[64] = { 0 };

		assert_non_null(copy);
		assert_non_null(before);
		memcpy(copy, heap_bytes(heap), size);
		assert_int_equal(heap_alloc(heap, 0, &p), HEAP_ERR_ZERO_SIZE);
		assert_int_equal(heap_alloc(heap, size + 1, &p), HEAP_ERR_TOO_LARGE);
		assert_int_equal(heap_alloc(heap, size - 8, &p), HEAP_ERR_NO_SPACE);
		assert_int_equal(heap_calloc(heap, SIZE_MAX / 2, 3, &p), HEAP_ERR_OVERFLOW);
		assert_int_equal(heap_free(heap, 0x008, NULL), HEAP_ERR_DOUBLE_FREE);
		assert_int_equal(heap_free(heap, 0x078, NULL), HEAP_ERR_DOUBLE_FREE);
		assert_int_equal(heap_free(heap, live + 4, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_free(heap, size + 64, NULL), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_realloc(heap, 0x008, 10, &p), HEAP_ERR_DOUBLE_FREE);
		assert_int_equal(heap_realloc(heap, live, 0, &p), HEAP_ERR_ZERO_SIZE);
		assert_int_equal(heap_realloc(heap, live, size - 8, &p), HEAP_ERR_NO_SPACE);
		assert_int_equal(heap_write(heap, live, 0, data, 41), HEAP_ERR_OUT_OF_BOUNDS);
		assert_int_equal(heap_write(heap, 0x008, 0, data, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_int_equal(heap_fill(heap, 0x078, 1), HEAP_ERR_NOT_ALLOCATED);
		assert_memory_equal(heap_bytes(heap), copy, size);
		assert_true(heap_equal_except_failures(before, heap));
		assert_heap_sane(heap);
		free(copy);
		heap_destroy(before);
		heap_destroy(heap);
	}
}

static bool problems_mention(const struct heap *heap, const char *word)
{
	struct heap_problem problems[8];
	size_t found = heap_check(heap, problems, 8);

	for (size_t i = 0; i < found && i < 8; i++)
		if (strstr(problems[i].message, word) != NULL)
			return true;
	return false;
}

static void checker_catches_a_corrupted_link(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof segregated / sizeof segregated[0]; i++) {
		size_t live;
		struct heap *heap = holes_heap(segregated[i], &live);
		uint8_t *bytes = heap_bytes_for_testing(heap);
		/* The list heads: 0x070 (the last freed) on 112 B's list, 0x000 on 56 B's; the link words of each. */
		static const size_t links[] = { 0x078, 0x07c, 0x008, 0x00c, 0x079, 0x00b };

		for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
			uint8_t saved = bytes[links[k]];

			bytes[links[k]] ^= 0x10;
			if (!problems_mention(heap, "link") && !problems_mention(heap, "list"))
				fail_msg("%s: corrupting the byte at 0x%zx went unnoticed", heap_policy_name(segregated[i]),
					 links[k]);
			bytes[links[k]] = saved;
			assert_heap_sane(heap);
		}
		/* A link to a real free block, but one of another list. */
		bytes[0x008] = 0x70;
		bytes[0x009] = bytes[0x00a] = bytes[0x00b] = 0;
		assert_true(problems_mention(heap, "not its own list"));
		heap_destroy(heap);
	}
}

static void checker_catches_a_bitmap_that_disagrees_with_the_lists(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof segregated / sizeof segregated[0]; i++) {
		size_t live;
		struct heap *heap = holes_heap(segregated[i], &live);
		uint32_t saved = heap->lists[0];

		heap->lists[0] ^= 1u << 12; /* a class with no free block marked non-empty */
		assert_true(problems_mention(heap, "bitmap"));
		heap->lists[0] = saved;
		heap->lists[1 + 5] = 0; /* the second-level bitmap of 56 B's class cleared under its list */
		assert_true(problems_mention(heap, "bitmap"));
		heap_destroy(heap);
	}
}

/* The lists live in the index pages: copies share them, and a copy across allocators takes the other layout whole. */
static void lists_are_copied_with_the_heap(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof segregated / sizeof segregated[0]; i++) {
		size_t live;
		struct heap *heap = holes_heap(segregated[i], &live);
		struct heap *copy = heap_clone(heap);
		struct heap *other = make_default_heap(POLICY_FIRST_FIT);

		assert_non_null(copy);
		alloc_ok(heap, 40); /* takes a head: the copy's lists must not follow */
		assert_heap_sane(copy);
		assert_false(heap_equal(copy, heap));
		assert_int_equal(heap_copy_into(other, copy), HEAP_OK);
		assert_true(heap_equal(other, copy));
		assert_heap_sane(other);
		alloc_ok(other, 40);
		assert_true(heap_equal(other, heap));
		/* And back: a first-fit heap copied over the segregated one, its smaller index and all. */
		{
			struct heap *plain = make_default_heap(POLICY_FIRST_FIT);

			alloc_ok(plain, 100);
			assert_int_equal(heap_copy_into(copy, plain), HEAP_OK);
			assert_true(heap_equal(copy, plain));
			assert_heap_sane(copy);
			heap_destroy(plain);
		}
		heap_destroy(copy);
		heap_destroy(other);
		heap_destroy(heap);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seglist_searches_its_class_first_fit_then_the_next_non_empty_class),
		cmocka_unit_test(seglist_free_block_links_are_little_endian_offsets_in_the_payload),
		cmocka_unit_test(tlsf_rounds_up_to_a_list_where_every_block_fits),
		cmocka_unit_test(tlsf_takes_the_last_freed_block_of_a_list_first),
		cmocka_unit_test(tlsf_realloc_grows_into_a_free_neighbour_and_shrinks_onto_a_list),
		cmocka_unit_test(segregated_errors_leave_every_byte_unchanged),
		cmocka_unit_test(checker_catches_a_corrupted_link),
		cmocka_unit_test(checker_catches_a_bitmap_that_disagrees_with_the_lists),
		cmocka_unit_test(lists_are_copied_with_the_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
