/* test_heap_random.c - seeded randomized stress per policy and alignment: checker, shadow copies and a reference chooser after every step. */
#include <stdlib.h>
#include <string.h>

#include "heap_reference.h"

/*
 * Each step is one random operation (alloc, calloc, free, realloc, write,
 * stray free) followed by: heap_check with zero problems, every live payload
 * compared byte for byte with its shadow copy, the statistics recomputed
 * from a walk, and after a failure the heap compared with a copy taken
 * before the step. For alloc the block chosen is compared with a reference
 * chooser that knows each policy's rule. HEAP_STRESS_SEED varies the seeds.
 */

struct live {
	size_t payload;
	size_t size;
	uint8_t *shadow;
};

struct stress {
	struct walk_summary walk;
	struct heap *heap;
	struct heap *before;
	struct live live[LIVE_MAX];
	size_t live_count;
	uint64_t rng;
	size_t max_request;      /* ordinary requests go up to this */
	size_t peak_requested;
	size_t failed_allocs;
	size_t refusals_seen;
	size_t successes_seen;
};

static uint64_t next_random(struct stress *s)
{
	/* splitmix64: small, seedable, good enough to shake an allocator. */
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t random_below(struct stress *s, size_t bound)
{
	return (size_t)(next_random(s) % bound);
}

/* Mostly small requests, some large, a few zero or larger than the heap. */
static size_t random_request(struct stress *s)
{
	size_t roll = random_below(s, 100);
	size_t size = heap_size(s->heap);

	if (roll < 55)
		return 1 + random_below(s, 64);
	if (roll < 85)
		return 1 + random_below(s, s->max_request / 4);
	if (roll < 97)
		return 1 + random_below(s, s->max_request);
	if (roll < 98)
		return 0;
	return size + 1 + random_below(s, 100);
}

/* The reference chooser knows the address-ordered rules; a LIFO/FIFO heap is checked by its own list checker. */
static bool reference_for(const struct heap *heap)
{
	return heap_order(heap) == HEAP_ORDER_ADDRESS && reference_known(heap_policy(heap));
}

/* --- checks after every step ------------------------------------------------ */

static void check_shadows(const struct stress *s)
{
	const uint8_t *bytes = heap_bytes(s->heap);

	for (size_t i = 0; i < s->live_count; i++) {
		const struct live *l = &s->live[i];
		struct heap_block view;

		assert_true(heap_find_allocation(s->heap, l->payload, &view));
		assert_int_equal(view.requested, l->size);
		assert_memory_equal(bytes + l->payload, l->shadow, l->size);
	}
}

static void check_stats(struct stress *s)
{
	struct walk_summary *w = &s->walk;
	struct heap_stats stats;
	size_t used = 0, used_bytes = 0, free_blocks = 0, free_bytes = 0, requested = 0, largest = 0, wild = 0;

	summarize(s->heap, w);
	for (size_t i = 0; i < w->count; i++) {
		const struct heap_block *b = &w->blocks[i];

		if (b->state == BLOCK_USED) {
			used++;
			used_bytes += b->size;
			requested += b->requested;
		} else {
			if (b->state == BLOCK_FREE)
				free_blocks++;
			else
				wild = b->size;
			free_bytes += b->size;
			if (b->size > largest)
				largest = b->size;
		}
	}
	heap_get_stats(s->heap, &stats);
	assert_int_equal(stats.used_blocks, used);
	assert_int_equal(stats.used_blocks, s->live_count);
	assert_int_equal(stats.used_bytes, used_bytes);
	assert_int_equal(stats.requested_bytes, requested);
	assert_int_equal(stats.overhead_bytes, used_bytes - requested);
	assert_int_equal(stats.free_blocks, free_blocks);
	assert_int_equal(stats.free_bytes, free_bytes);
	assert_int_equal(stats.wilderness_bytes, wild);
	assert_int_equal(stats.largest_free, largest);
	assert_int_equal(stats.free_bytes + stats.used_bytes, heap_size(s->heap));
	assert_int_equal(stats.failed_allocs, s->failed_allocs);
	if (requested > s->peak_requested)
		s->peak_requested = requested;
	assert_true(stats.peak_utilization == (double)s->peak_requested / (double)heap_size(s->heap));
}

/* A refused request counts one failure and changes nothing else; other errors change nothing at all. */
static void check_unchanged(struct stress *s, enum heap_status status)
{
	bool refused = status == HEAP_ERR_NO_SPACE || status == HEAP_ERR_FRAGMENTED || status == HEAP_ERR_TOO_LARGE;

	assert_true(heap_equal_except_failures(s->before, s->heap));
	if (refused) {
		s->failed_allocs++;
		s->refusals_seen++;
	} else {
		assert_true(heap_equal(s->before, s->heap));
	}
}

/* --- operations ------------------------------------------------------------- */

static void fill_new_bytes(struct stress *s, struct live *l, size_t from)
{
	for (size_t i = from; i < l->size; i++)
		l->shadow[i] = (uint8_t)next_random(s);
	if (l->size > from)
		assert_int_equal(heap_write(s->heap, l->payload, from, l->shadow + from, l->size - from), HEAP_OK);
}

static void step_alloc(struct stress *s, bool zeroed)
{
	struct walk_summary *w = &s->walk;
	struct heap_placement p;
	size_t request = random_request(s);
	size_t count = 1;
	size_t expected_block = 0;
	bool expected_ok;
	enum heap_status status;

	summarize(s->heap, w);
	if (zeroed && request > 1 && random_below(s, 4) == 0) {
		count = request / 2 + 1;
		request = random_below(s, 5) == 0 ? SIZE_MAX / 2 + 1 : 2;
	}
	status = zeroed ? heap_calloc(s->heap, count, request, &p) : heap_alloc(s->heap, request, &p);
	if (zeroed && count > 1 && request == SIZE_MAX / 2 + 1) {
		assert_int_equal(status, HEAP_ERR_OVERFLOW);
		check_unchanged(s, status);
		return;
	}
	request *= count;
	if (request == 0) {
		assert_int_equal(status, HEAP_ERR_ZERO_SIZE);
		check_unchanged(s, status);
		return;
	}
	if (request > heap_size(s->heap)) {
		assert_int_equal(status, HEAP_ERR_TOO_LARGE);
		check_unchanged(s, status);
		return;
	}
	if (!reference_for(s->heap)) {
		/* No rules written out for this allocator: a refusal must still change nothing. */
		expected_ok = status == HEAP_OK;
		if (!expected_ok)
			assert_true(status == HEAP_ERR_NO_SPACE || status == HEAP_ERR_FRAGMENTED);
		expected_block = p.block;
	} else {
		assert_int_equal(p.need, expected_need(s->heap, request));
		expected_ok = reference_choice(s->before, w, p.need, &expected_block);
	}
	if (!expected_ok) {
		assert_int_equal(status, p.need > free_total(s->before, w) ? HEAP_ERR_NO_SPACE : HEAP_ERR_FRAGMENTED);
		check_unchanged(s, status);
		return;
	}
	assert_int_equal(status, HEAP_OK);
	assert_int_equal(p.block, expected_block);
	if (reference_segregated(heap_policy(s->heap)) && p.source == SOURCE_FREE_BLOCK)
		assert_int_equal(p.found_class, reference_log2(p.found_size)); /* the explanation's data says where it was */
	assert_int_equal(p.payload, expected_block + heap_header_size(s->heap));
	assert_int_equal(p.payload % heap_alignment(s->heap), 0);
	assert_true(s->live_count < LIVE_MAX);
	{
		struct live *l = &s->live[s->live_count++];

		l->payload = p.payload;
		l->size = request;
		l->shadow = malloc(request);
		assert_non_null(l->shadow);
		if (zeroed) {
			memset(l->shadow, 0, request);
			assert_memory_equal(heap_bytes(s->heap) + p.payload, l->shadow, request);
		}
		if (!zeroed || random_below(s, 2) == 0)
			fill_new_bytes(s, l, 0);
		else
			memcpy(l->shadow, heap_bytes(s->heap) + p.payload, request);
	}
	s->successes_seen++;
}

static void forget_live(struct stress *s, size_t index)
{
	free(s->live[index].shadow);
	s->live[index] = s->live[--s->live_count];
}

/* What free should say about an address that is not a live payload: the documented double-free rule. */
static enum heap_status expected_stray_status(const struct heap *heap, size_t address)
{
	struct heap_block view;

	if (!heap_block_at(heap, address, &view) || view.state != BLOCK_FREE)
		return HEAP_ERR_NOT_ALLOCATED;
	if (address >= view.offset + view.header_size && address < view.offset + view.size - view.footer_size &&
	    address % heap_alignment(heap) == 0)
		return HEAP_ERR_DOUBLE_FREE;
	return HEAP_ERR_NOT_ALLOCATED;
}

static bool is_live(const struct stress *s, size_t address)
{
	for (size_t i = 0; i < s->live_count; i++)
		if (s->live[i].payload == address)
			return true;
	return false;
}

static void step_free(struct stress *s)
{
	enum heap_status status;

	if (s->live_count == 0 || random_below(s, 10) == 0) {
		size_t address = random_below(s, heap_size(s->heap) + 64);

		if (random_below(s, 2) == 0)
			address = address / heap_alignment(s->heap) * heap_alignment(s->heap);
		if (is_live(s, address))
			return;
		status = heap_free(s->heap, address, NULL);
		assert_int_equal(status, expected_stray_status(s->heap, address));
		check_unchanged(s, status);
		return;
	}
	{
		size_t index = random_below(s, s->live_count);

		assert_int_equal(heap_free(s->heap, s->live[index].payload, NULL), HEAP_OK);
		forget_live(s, index);
	}
}

static void step_realloc(struct stress *s)
{
	struct heap_placement p;
	size_t index, request, old_size;
	enum heap_status status;
	struct live *l;

	if (s->live_count == 0)
		return;
	index = random_below(s, s->live_count);
	l = &s->live[index];
	request = random_request(s);
	summarize(s->heap, &s->walk);
	status = heap_realloc(s->heap, l->payload, request, &p);
	if (request == 0) {
		assert_int_equal(status, HEAP_ERR_ZERO_SIZE);
		check_unchanged(s, status);
		return;
	}
	if (request > heap_size(s->heap)) {
		assert_int_equal(status, HEAP_ERR_TOO_LARGE);
		check_unchanged(s, status);
		return;
	}
	if (!reference_for(s->heap)) {
		if (status != HEAP_OK) {
			assert_true(status == HEAP_ERR_NO_SPACE || status == HEAP_ERR_FRAGMENTED);
			check_unchanged(s, status);
			return;
		}
	} else {
		size_t need = expected_need(s->heap, request);
		size_t new_size = 0, block = 0;
		struct heap_block old;

		assert_true(heap_find_allocation(s->before, l->payload, &old));
		if (reference_in_place(s->before, &s->walk, l->payload, need, &new_size)) {
			assert_int_equal(status, HEAP_OK);
			assert_int_equal(p.source, SOURCE_IN_PLACE);
			assert_int_equal(p.block_size, new_size);
		} else if (reference_choice(s->before, &s->walk, need, &block)) {
			assert_int_equal(status, HEAP_OK);
			assert_int_equal(p.source, SOURCE_MOVED);
			assert_int_equal(p.block, block);
		} else {
			assert_int_equal(status, need > free_total(s->before, &s->walk) + old.size ? HEAP_ERR_NO_SPACE
												   : HEAP_ERR_FRAGMENTED);
			assert_int_equal(p.need, need);
			check_unchanged(s, status);
			return;
		}
	}
	assert_int_equal(p.old_payload, l->payload);
	assert_true(p.source == SOURCE_IN_PLACE || p.source == SOURCE_MOVED);
	assert_true((p.source == SOURCE_IN_PLACE) == (p.payload == l->payload));
	old_size = l->size;
	/* The kept prefix must have survived the move or the resize. */
	assert_memory_equal(heap_bytes(s->heap) + p.payload, l->shadow, old_size < request ? old_size : request);
	if (p.source == SOURCE_MOVED)
		assert_int_equal(p.copied, old_size < request ? old_size : request);
	l->payload = p.payload;
	l->shadow = realloc(l->shadow, request);
	assert_non_null(l->shadow);
	l->size = request;
	fill_new_bytes(s, l, old_size < request ? old_size : request);
	s->successes_seen++;
}

/*
 * The bytes just written at at (inside a live payload) become a plausible
 * used-block header: free, realloc and the lookups must still see only the
 * blocks the heap made, never one forged in a payload.
 */
static void try_forged_header(struct stress *s, size_t at)
{
	size_t payload = at + heap_header_size(s->heap);
	size_t size = heap_policy(s->heap) == POLICY_BUDDY ? 16u << random_below(s, 4) : 16 + 8 * random_below(s, 8);
	uint8_t *bytes = heap_bytes_for_testing(s->heap);
	struct heap_block view;
	enum heap_status status;

	if (random_below(s, 4) != 0 || at % heap_alignment(s->heap) != 0 || payload >= heap_size(s->heap))
		return;
	/* Write through the API so the shadow copies stay right: the header words are ordinary payload bytes. */
	for (size_t i = 0; i < s->live_count; i++) {
		struct live *l = &s->live[i];

		if (at >= l->payload && at + 8 <= l->payload + l->size) {
			uint8_t words[8] = { (uint8_t)(size | 1u), (uint8_t)(size >> 8), 0, 0, 8, 0, 0, 0 };

			assert_int_equal(heap_write(s->heap, l->payload, at - l->payload, words, 8), HEAP_OK);
			memcpy(l->shadow + (at - l->payload), words, 8);
			assert_memory_equal(bytes + at, words, 8);
			break;
		}
	}
	if (is_live(s, payload))
		return;
	assert_int_equal(heap_copy_into(s->before, s->heap), HEAP_OK);
	assert_false(heap_find_allocation(s->heap, payload, &view));
	status = heap_free(s->heap, payload, NULL);
	assert_int_equal(status, expected_stray_status(s->heap, payload));
	check_unchanged(s, status);
	status = heap_realloc(s->heap, payload, 8, NULL);
	assert_int_equal(status, expected_stray_status(s->heap, payload));
	check_unchanged(s, status);
}

static void step_write(struct stress *s)
{
	uint8_t data[64] = { 0 };
	size_t index, offset, len;
	enum heap_status status;
	struct live *l;

	if (s->live_count == 0)
		return;
	index = random_below(s, s->live_count);
	l = &s->live[index];
	offset = random_below(s, l->size + 4);
	len = random_below(s, 40);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)next_random(s);
	status = heap_write(s->heap, l->payload, offset, data, len);
	if (offset + len > l->size) {
		assert_int_equal(status, HEAP_ERR_OUT_OF_BOUNDS);
		check_unchanged(s, status);
		return;
	}
	assert_int_equal(status, HEAP_OK);
	memcpy(l->shadow + offset, data, len);
	if (len >= 8)
		try_forged_header(s, l->payload + offset);
}

static void run_stress_ordered(enum heap_policy policy, enum heap_order order, size_t size, unsigned alignment,
			       size_t steps, uint64_t seed)
{
	struct stress *s = calloc(1, sizeof *s);
	const char *env = getenv("HEAP_STRESS_SEED");

	assert_non_null(s);
	if (env != NULL)
		seed ^= strtoull(env, NULL, 0);
	s->rng = seed;
	{
		struct heap_config config = { size, policy, alignment, order };

		assert_int_equal(heap_create(&config, &s->heap), HEAP_OK);
		assert_heap_sane(s->heap);
	}
	s->before = heap_clone(s->heap);
	assert_non_null(s->before);
	s->max_request = size / 2;
	for (size_t step = 0; step < steps; step++) {
		size_t roll = random_below(s, 100);

		assert_int_equal(heap_copy_into(s->before, s->heap), HEAP_OK);
		if (roll < 40)
			step_alloc(s, false);
		else if (roll < 45)
			step_alloc(s, true);
		else if (roll < 75)
			step_free(s);
		else if (roll < 92)
			step_realloc(s);
		else
			step_write(s);
		assert_heap_sane(s->heap);
		check_shadows(s);
		check_stats(s);
	}
	/* The run must have exercised both outcomes, not just one. */
	assert_true(s->refusals_seen > steps / 100);
	assert_true(s->successes_seen > steps / 10);
	while (s->live_count > 0) {
		assert_int_equal(heap_free(s->heap, s->live[0].payload, NULL), HEAP_OK);
		forget_live(s, 0);
		assert_heap_sane(s->heap);
	}
	if (reference_known(policy)) {
		/* All freed: one free block over the tiled heap (and the few bytes past the usable end), or all wilderness. */
		size_t usable = size / alignment * alignment;
		const struct expected_block empty[] = {
			{ 0, reference_tiled(policy) ? usable : size, reference_tiled(policy) ? BLOCK_FREE : BLOCK_WILDERNESS },
			{ usable, size - usable, BLOCK_WILDERNESS },
		};

		check_block_table(s->heap, empty, reference_tiled(policy) && usable < size ? 2 : 1, __FILE__, __LINE__);
	}
	heap_destroy(s->before);
	heap_destroy(s->heap);
	free(s);
}

static void run_stress(enum heap_policy policy, size_t size, unsigned alignment, size_t steps, uint64_t seed)
{
	run_stress_ordered(policy, HEAP_ORDER_ADDRESS, size, alignment, steps, seed);
}

/* 100,000 steps per policy at the default alignment; fewer at 4 and 16, and on larger or odd-sized heaps. */
enum { STEPS_DEFAULT = 100000, STEPS_OTHER_ALIGNMENT = 30000, STEPS_LARGE_HEAP = 4000, STEPS_ODD_SIZE = 20000 };

static void stress_policy(enum heap_policy policy)
{
	uint64_t seed = 0x5eed0000u + (uint64_t)policy * 101;

	run_stress(policy, HEAP_DEFAULT_SIZE, 8, STEPS_DEFAULT, seed);
	run_stress(policy, HEAP_DEFAULT_SIZE, 4, STEPS_OTHER_ALIGNMENT, seed + 1);
	run_stress(policy, HEAP_DEFAULT_SIZE, 16, STEPS_OTHER_ALIGNMENT, seed + 2);
	run_stress(policy, 64, 8, STEPS_ODD_SIZE / 4, seed + 3);
	run_stress(policy, 65536, 8, STEPS_LARGE_HEAP, seed + 4);
	/* Many words of the block-start index, so the free-size tree has depth and searches cross words. */
	run_stress(policy, 262144, 4, STEPS_LARGE_HEAP, seed + 6);
	if (policy != POLICY_BUDDY)
		run_stress(policy, 1000, 16, STEPS_ODD_SIZE, seed + 5);
}

/* One test per row of the allocator table, so a new allocator is stressed without a line here. */
static void allocator_survives_random_operations(void **state)
{
	stress_policy(*(const enum heap_policy *)*state);
}

/*
 * Free-list order (heap_order.c): first, next, best and worst fit over a
 * LIFO and a FIFO list, 100,000 steps each at the default heap, some at the
 * other alignments and a larger heap; the checker (every free block on the
 * list once, back links right, rover on the list) after every step.
 */
static const enum heap_policy fits[] = { POLICY_FIRST_FIT, POLICY_NEXT_FIT, POLICY_BEST_FIT, POLICY_WORST_FIT };
enum { ORDERED_TESTS = 2 * 4 };

static void ordered_survives_random_operations(void **state)
{
	size_t row = *(const size_t *)*state;
	enum heap_policy policy = fits[row % 4];
	enum heap_order order = row < 4 ? HEAP_ORDER_LIFO : HEAP_ORDER_FIFO;
	uint64_t seed = 0x0e1de000u + (uint64_t)row * 131;

	run_stress_ordered(policy, order, HEAP_DEFAULT_SIZE, 8, STEPS_DEFAULT, seed);
	run_stress_ordered(policy, order, HEAP_DEFAULT_SIZE, 4, STEPS_OTHER_ALIGNMENT / 3, seed + 1);
	run_stress_ordered(policy, order, HEAP_DEFAULT_SIZE, 16, STEPS_OTHER_ALIGNMENT / 3, seed + 2);
	run_stress_ordered(policy, order, 65536, 8, STEPS_LARGE_HEAP, seed + 3);
	run_stress_ordered(policy, order, 1000, 16, STEPS_ODD_SIZE / 4, seed + 4);
}

int main(void)
{
	static enum heap_policy policies[POLICY_COUNT];
	static char names[POLICY_COUNT + ORDERED_TESTS][64];
	static size_t rows[ORDERED_TESTS];
	struct CMUnitTest tests[POLICY_COUNT + ORDERED_TESTS];

	for (size_t p = 0; p < POLICY_COUNT; p++) {
		policies[p] = (enum heap_policy)p;
		snprintf(names[p], sizeof names[p], "%s_survives_random_operations", heap_policy_name(policies[p]));
		tests[p] = (struct CMUnitTest){ names[p], allocator_survives_random_operations, NULL, NULL, &policies[p] };
	}
	for (size_t r = 0; r < ORDERED_TESTS; r++) {
		rows[r] = r;
		snprintf(names[POLICY_COUNT + r], sizeof names[0], "%s_%s_survives_random_operations",
			 heap_policy_name(fits[r % 4]), r < 4 ? "lifo" : "fifo");
		tests[POLICY_COUNT + r] = (struct CMUnitTest){ names[POLICY_COUNT + r], ordered_survives_random_operations,
							      NULL, NULL, &rows[r] };
	}
	return _cmocka_run_group_tests("tests", tests, POLICY_COUNT + ORDERED_TESTS, NULL, NULL);
}
