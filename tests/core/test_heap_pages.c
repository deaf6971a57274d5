/* test_heap_pages.c - copy-on-write heap storage: clones, copy_into and heap_equal stay exact; sharing costs what changed. */
#include <stdlib.h>
#include <string.h>

#include "heap_testing.h"
/* "A large heap" in these tests: 16 MiB, the figures were set at; HEAP_MAX_SIZE (1 GiB) has its own test. */
#define LARGE_HEAP ((size_t)16 * 1024 * 1024)
#include "allocator.h"

/*
 * The reference for every comparison is a heap that is never cloned or
 * copied, driven by the same operations: if sharing pages ever let a write
 * on one side show on the other, or a restore missed a page, the shared
 * heap and its reference part ways, byte for byte or in a register.
 */

struct rng {
	uint64_t state;
};

static uint64_t next_random(struct rng *rng)
{
	rng->state ^= rng->state << 13;
	rng->state ^= rng->state >> 7;
	rng->state ^= rng->state << 17;
	return rng->state;
}

static size_t random_below(struct rng *rng, size_t n)
{
	return n == 0 ? 0 : (size_t)(next_random(rng) % n);
}

/* The live payloads, in address order, from the walker (the same on equal heaps). */
struct live {
	size_t payload[256];
	size_t requested[256];
	size_t count;
};

static bool collect_live(const struct heap_block *block, void *context)
{
	struct live *live = context;

	if (block->state == BLOCK_USED && live->count < 256) {
		live->payload[live->count] = block->payload;
		live->requested[live->count++] = block->requested;
	}
	return true;
}

/* One random operation, chosen from the rng and the heap's state: equal heaps and equal rngs do the same thing. */
static void random_operation(struct heap *heap, struct rng *rng, size_t max_request)
{
	struct live live = { .count = 0 };
	size_t roll = random_below(rng, 100);
	size_t pick;

	heap_walk(heap, collect_live, &live);
	pick = random_below(rng, live.count);
	if (roll < 40 || live.count == 0) {
		(void)heap_alloc(heap, 1 + random_below(rng, max_request), NULL);
	} else if (roll < 60) {
		assert_int_equal(heap_free(heap, live.payload[pick], NULL), HEAP_OK);
	} else if (roll < 75) {
		(void)heap_realloc(heap, live.payload[pick], 1 + random_below(rng, max_request), NULL);
	} else if (roll < 90) {
		uint8_t data[64];
		size_t len = 1 + random_below(rng, live.requested[pick] < 64 ? live.requested[pick] : 64);
		size_t offset = random_below(rng, live.requested[pick] - len + 1);

		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)next_random(rng);
		assert_int_equal(heap_write(heap, live.payload[pick], offset, data, len), HEAP_OK);
	} else {
		assert_int_equal(heap_fill(heap, live.payload[pick], (uint8_t)next_random(rng)), HEAP_OK);
	}
}

/* Byte for byte and register for register, by every window the API has. */
static void assert_same_heap(const struct heap *a, const struct heap *b)
{
	struct heap_stats sa, sb;

	assert_true(heap_equal(a, b));
	assert_int_equal(heap_size(a), heap_size(b));
	assert_memory_equal(heap_bytes(a), heap_bytes(b), heap_size(a));
	heap_get_stats(a, &sa);
	heap_get_stats(b, &sb);
	assert_memory_equal(&sa, &sb, sizeof sa);
	assert_int_equal(heap_break(a), heap_break(b));
	assert_int_equal(heap_rover(a), heap_rover(b));
	assert_heap_sane(a);
	assert_heap_sane(b);
}

static size_t buddy_size(enum heap_policy policy, size_t size)
{
	size_t power = 64;

	if (allocator_get(policy)->config_problem == NULL)
		return size;
	while (power < size)
		power <<= 1;
	return power;
}

/*
 * a and its reference run together; at a random step b is cloned from a
 * (its reference is a second plain heap that ran the same steps). Then both
 * sides change on their own. Every few steps one side is checkpointed, runs
 * ahead and is restored from the checkpoint (its reference never ran
 * ahead), or is copied into a clone that was never used.
 */
static void fork_and_diverge(enum heap_policy policy, size_t size, size_t steps, uint64_t seed)
{
	struct heap_config config = { buddy_size(policy, size), policy, 8, HEAP_ORDER_ADDRESS };
	struct heap *a, *ref_a, *b = NULL, *ref_b, *scratch;
	struct rng rng_a = { seed }, rng_b = { seed ^ 0x9e3779b97f4a7c15u };
	size_t max_request = config.size / 8 > 4096 ? 4096 : config.size / 8;
	size_t fork = steps / 4 + random_below(&rng_b, steps / 4 + 1);

	assert_int_equal(heap_create(&config, &a), HEAP_OK);
	assert_int_equal(heap_create(&config, &ref_a), HEAP_OK);
	assert_int_equal(heap_create(&config, &ref_b), HEAP_OK);
	assert_int_equal(heap_create(&config, &scratch), HEAP_OK);
	for (size_t step = 0; step < steps; step++) {
		struct rng same_a = rng_a, same_b = rng_b;

		if (step == fork) {
			b = heap_clone(a);
			assert_non_null(b);
			assert_same_heap(b, ref_b);
		}
		if (b == NULL) {
			struct rng for_ref_b = rng_a;

			random_operation(a, &rng_a, max_request);
			random_operation(ref_a, &same_a, max_request);
			random_operation(ref_b, &for_ref_b, max_request);
			continue;
		}
		random_operation(a, &rng_a, max_request);
		random_operation(ref_a, &same_a, max_request);
		random_operation(b, &rng_b, max_request);
		random_operation(ref_b, &same_b, max_request);
		assert_same_heap(a, ref_a);
		assert_same_heap(b, ref_b);
		if (step % 5 == 2) {
			/* A checkpoint; run ahead; restore (the working copy is reused, only differing pages copied). */
			struct heap *side = step % 2 ? a : b, *ref = step % 2 ? ref_a : ref_b;
			struct heap *checkpoint = heap_clone(side);
			struct rng ahead = { next_random(&rng_a) | 1 };

			assert_non_null(checkpoint);
			/* Later checkpoints while running ahead: side's own pages move on, so the restore must mend them. */
			for (size_t i = 0; i < 1 + step % 4; i++) {
				random_operation(side, &ahead, max_request);
				heap_destroy(heap_clone(side));
			}
			assert_int_equal(heap_copy_into(side, checkpoint), HEAP_OK);
			assert_same_heap(side, ref);
			assert_same_heap(checkpoint, ref);
			heap_destroy(checkpoint);
		} else if (step % 5 == 4) {
			/* copy_into a heap that was never used (no working copy): it must still read the same. */
			struct heap *unused = heap_clone(scratch);

			assert_non_null(unused);
			assert_int_equal(heap_copy_into(unused, a), HEAP_OK);
			assert_same_heap(unused, ref_a);
			assert_true(heap_equal(unused, a));
			heap_destroy(unused);
		}
	}
	heap_destroy(a);
	heap_destroy(ref_a);
	heap_destroy(b);
	heap_destroy(ref_b);
	heap_destroy(scratch);
}

static void clones_stay_exact_for_every_policy_and_size(void **state)
{
	static const size_t sizes[] = { 64, 1024, 65536 };

	(void)state;
	for (unsigned policy = 0; policy < POLICY_COUNT; policy++)
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
			fork_and_diverge((enum heap_policy)policy, sizes[s], sizes[s] == 64 ? 300 : 200,
					 0x1234567u + policy * 31 + s);
}

/* 16 MiB, sparingly: a short stream for one fit policy and buddy. */
static void clones_stay_exact_at_the_largest_heap(void **state)
{
	(void)state;
	fork_and_diverge(POLICY_NEXT_FIT, LARGE_HEAP, 40, 77);
	fork_and_diverge(POLICY_BUDDY, LARGE_HEAP, 40, 78);
}

static void writing_to_a_clone_never_changes_the_original(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, 16384, 8);
	size_t a = alloc_ok(heap, 9000);
	struct heap *copy, *before;

	(void)state;
	assert_int_equal(heap_fill(heap, a, 0x11), HEAP_OK);
	before = heap_clone(heap);
	copy = heap_clone(heap);
	assert_int_equal(heap_fill(copy, a, 0x22), HEAP_OK);
	assert_int_equal(heap_bytes(heap)[a + 5000], 0x11);
	assert_int_equal(heap_bytes(copy)[a + 5000], 0x22);
	assert_false(heap_equal(heap, copy));
	assert_true(heap_equal(heap, before));
	/* And the other way round. */
	assert_int_equal(heap_fill(heap, a, 0x33), HEAP_OK);
	assert_int_equal(heap_bytes(copy)[a + 5000], 0x22);
	assert_int_equal(heap_bytes(before)[a + 5000], 0x11);
	free_ok(copy, a);
	assert_int_equal(heap_bytes(heap)[a + 5000], 0x33);
	assert_heap_sane(heap);
	assert_heap_sane(copy);
	assert_heap_sane(before);
	heap_destroy(copy);
	heap_destroy(before);
	heap_destroy(heap);
}

/* A heap of 16 MiB with one block filled, a checkpoint, then k pages touched and a second checkpoint. */
static size_t checkpoint_cost_after_touching(size_t heap_size_bytes, size_t pages, size_t *old_alone)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, heap_size_bytes, 8);
	size_t block = alloc_ok(heap, heap_size_bytes - 64);
	struct heap *first, *second;
	size_t cost;

	assert_int_equal(heap_fill(heap, block, 0x5a), HEAP_OK);
	/* One other byte in every page: pages of a single byte value share one leaf, and these must be pages of their own. */
	for (size_t offset = 2048; offset < heap_size_bytes - 64; offset += 4096)
		assert_int_equal(heap_write(heap, block, offset, &(uint8_t){ 0xa5 }, 1), HEAP_OK);
	first = heap_clone(heap);
	assert_non_null(first);
	/* A checkpoint of an unchanged heap shares everything: only its struct is its own. */
	assert_true(heap_unshared_bytes(first) < 1024);
	assert_int_equal(heap_changed_bytes(heap), 0);
	for (size_t i = 0; i < pages; i++) {
		uint8_t byte = (uint8_t)(i + 1);

		assert_int_equal(heap_write(heap, block, i * 4096 * 3 + 100, &byte, 1), HEAP_OK);
	}
	/* Each write is in a page of its own (the block starts below 4 KiB, the writes 12 KiB apart). */
	assert_int_equal(heap_changed_bytes(heap), pages * 4096);
	second = heap_clone(heap);
	assert_non_null(second);
	cost = heap_bytes_not_shared_with(second, first);
	*old_alone = heap_unshared_bytes(first);
	assert_false(heap_equal(first, second));
	assert_true(heap_equal(second, heap));
	heap_destroy(first);
	heap_destroy(second);
	heap_destroy(heap);
	return cost;
}

static void checkpoint_memory_follows_pages_touched_not_heap_size(void **state)
{
	size_t alone_small, alone_large, alone_more;
	size_t small = checkpoint_cost_after_touching(1 << 20, 4, &alone_small);
	size_t large = checkpoint_cost_after_touching(LARGE_HEAP, 4, &alone_large);
	size_t more = checkpoint_cost_after_touching(LARGE_HEAP, 40, &alone_more);

	(void)state;
	/* 4 pages of 4 KiB, plus the tree nodes on their paths: never a whole heap. */
	assert_true(large >= 4 * 4096);
	assert_true(large < 4 * 4096 + 4 * 1200 + 2048);
	assert_true(small >= 4 * 4096 && small < 4 * 4096 + 4 * 1200 + 2048);
	assert_true(more >= 40 * 4096 && more < 40 * 4096 + 40 * 1200 + 2048);
	/* The first checkpoint now alone holds the pages as they were: the same few pages. */
	assert_true(alone_large >= 4 * 4096 && alone_large < 4 * 4096 + 4 * 1200 + 2048);
	assert_true(alone_more > alone_large);
	assert_true(alone_small >= 4 * 4096 && alone_small < 4 * 4096 + 4 * 1200 + 2048);
}

/*
 * Fills with ever other bytes over a 16 MiB block: each checkpoint holds one
 * page of the new byte shared by every page of the block (and the tree's
 * nodes), not 16 MiB, and every checkpoint still restores exactly.
 */
static void checkpoints_of_fills_share_one_page_per_byte(void **state)
{
	struct heap *heap = make_heap(POLICY_FIRST_FIT, LARGE_HEAP, 8);
	size_t size = LARGE_HEAP - 64, block = alloc_ok(heap, size);
	struct heap *checkpoints[4];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(heap_fill(heap, block, (uint8_t)(0x11 * (i + 1))), HEAP_OK);
		checkpoints[i] = heap_clone(heap);
		assert_non_null(checkpoints[i]);
		if (i > 0) {
			size_t cost = heap_bytes_not_shared_with(checkpoints[i], checkpoints[i - 1]);

			/* One shared page, the block's two partial pages, 65 interior nodes of 520 B: far below 16 MiB. */
			assert_true(cost >= 4096);
			assert_true(cost < 3 * 4096 + 66 * 600 + 2048);
			assert_false(heap_equal(checkpoints[i], checkpoints[i - 1]));
		}
	}
	/* Back to each one in turn: byte for byte the fill it was. */
	for (size_t i = 4; i-- > 0;) {
		const uint8_t *bytes;

		assert_int_equal(heap_copy_into(heap, checkpoints[i]), HEAP_OK);
		assert_true(heap_equal(heap, checkpoints[i]));
		bytes = heap_bytes(heap);
		for (size_t offset = 0; offset < size; offset += 4093)
			assert_int_equal(bytes[block + offset], 0x11 * (i + 1));
		assert_int_equal(bytes[block + size - 1], 0x11 * (i + 1));
		assert_heap_sane(heap);
	}
	/* A page of a shared run written on its own gets its own leaf; its neighbours keep the shared one. */
	assert_int_equal(heap_write(heap, block, 3 * 4096, &(uint8_t){ 0x99 }, 1), HEAP_OK);
	assert_int_equal(heap_copy_into(heap, checkpoints[3]), HEAP_OK);
	assert_int_equal(heap_bytes(heap)[block + 3 * 4096], 0x44);
	assert_true(heap_equal(heap, checkpoints[3]));
	for (size_t i = 0; i < 4; i++)
		heap_destroy(checkpoints[i]);
	heap_destroy(heap);
}

/* copy_into between heaps of different sizes and policies: all of dst becomes src. */
static void copy_into_another_size_and_policy(void **state)
{
	struct heap *small = make_heap(POLICY_BUDDY, 64, 8);
	struct heap *large = make_heap(POLICY_WORST_FIT, 1 << 16, 16);
	struct heap *large_again;
	size_t p = alloc_ok(large, 5000);

	(void)state;
	assert_int_equal(heap_fill(large, p, 0xee), HEAP_OK);
	large_again = heap_clone(large);
	assert_int_equal(heap_copy_into(small, large), HEAP_OK);
	assert_same_heap(small, large_again);
	alloc_ok(small, 100);
	assert_true(heap_equal(large, large_again));
	assert_false(heap_equal(small, large));
	assert_int_equal(heap_copy_into(large, small), HEAP_OK);
	assert_same_heap(large, small);
	heap_destroy(small);
	heap_destroy(large);
	heap_destroy(large_again);
}

/* The registry drives names: every row parses back to itself, and a check passes through its allocator's hooks. */
static void registry_names_every_allocator(void **state)
{
	(void)state;
	assert_int_equal(allocator_count(), POLICY_COUNT);
	for (unsigned i = 0; i < POLICY_COUNT; i++) {
		const struct allocator_ops *ops = allocator_get((enum heap_policy)i);
		enum heap_policy found;

		assert_non_null(ops);
		assert_non_null(ops->malloc);
		assert_non_null(ops->free);
		assert_non_null(ops->realloc_in_place);
		assert_true(allocator_find(ops->name, &found));
		assert_int_equal(found, i);
		assert_string_equal(heap_policy_name((enum heap_policy)i), ops->name);
		assert_string_equal(heap_policy_title((enum heap_policy)i), ops->title);
	}
	assert_null(allocator_get(POLICY_COUNT));
	assert_false(allocator_find("fir", &(enum heap_policy){ POLICY_FIRST_FIT }));
	assert_non_null(allocator_get(POLICY_NEXT_FIT)->search_start);
	assert_null(allocator_get(POLICY_FIRST_FIT)->search_start);
}

/* Every list of policies users read is the registry's names in order, whole names only when it must be cut. */
static void registry_lists_every_name_in_order(void **state)
{
	(void)state;
	char list[256], expected[256] = "";
	size_t len = allocator_names(list, sizeof list, ", ", " or ");
	for (unsigned i = 0; i < POLICY_COUNT; i++) {
		const char *before = i == 0 ? "" : i + 1 == POLICY_COUNT ? " or " : ", ";
		strcat(expected, before);
		strcat(expected, allocator_get((enum heap_policy)i)->name);
	}
	assert_string_equal(list, expected);
	assert_int_equal(len, strlen(expected));
	assert_non_null(strstr(list, "first, next"));

	/* Room for the first two names and a bit of the third: the list stops after the second. */
	size_t room = strlen(allocator_get(POLICY_FIRST_FIT)->name) + 1 + strlen(allocator_get(POLICY_NEXT_FIT)->name) + 3;
	char cut[64];
	memset(cut, 'x', sizeof cut);
	allocator_names(cut, room, "|", "|");
	assert_int_equal(strlen(cut), room - 3);
	assert_int_equal(strncmp(cut, allocator_get(POLICY_FIRST_FIT)->name, strlen(allocator_get(POLICY_FIRST_FIT)->name)), 0);
	assert_int_equal(allocator_names(cut, 0, "|", "|"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clones_stay_exact_for_every_policy_and_size),
		cmocka_unit_test(clones_stay_exact_at_the_largest_heap),
		cmocka_unit_test(writing_to_a_clone_never_changes_the_original),
		cmocka_unit_test(checkpoint_memory_follows_pages_touched_not_heap_size),
		cmocka_unit_test(checkpoints_of_fills_share_one_page_per_byte),
		cmocka_unit_test(copy_into_another_size_and_policy),
		cmocka_unit_test(registry_names_every_allocator),
		cmocka_unit_test(registry_lists_every_name_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
