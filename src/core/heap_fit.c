/* heap_fit.c - first, next, best and worst fit over boundary-tagged blocks below a program break. */
#include <string.h>

#include "heap_free_lists.h"
#include "heap_internal.h"

/* Where a request will go: a free block below the break, or the wilderness above it. */
struct fit_spot {
	size_t block;
	size_t found_size;
	enum placement_source source;
};

static size_t fit_block_need(const struct heap *heap, size_t request)
{
	size_t need = round_up(block_header_size(heap) + request + FIT_FOOTER_SIZE, heap->alignment);
	size_t minimum = block_min_size(heap);

	return need < minimum ? minimum : need;
}

static bool block_fits(const struct heap *heap, size_t block, size_t need)
{
	return !block_is_used(heap, block) && block_size(heap, block) >= need;
}

/* The first free block that fits starting in [from, to); the index skips words with no free block that large. */
static bool first_fit_between(const struct heap *heap, size_t from, size_t to, size_t need, size_t *found)
{
	size_t unit = unit_of(heap, from);
	size_t word = unit / 64;

	while ((word = free_word_at_least(heap, word, need)) != SIZE_MAX) {
		uint64_t bits = heap->free_starts[word];

		if (word == unit / 64) /* only the first word holds blocks before from */
			bits &= ~(uint64_t)0 << (unit % 64);

		if (word * 64 * heap->alignment >= to)
			return false;
		for (; bits != 0; bits &= bits - 1) {
			size_t block = (word * 64 + lowest_bit(bits)) * heap->alignment;

			if (block >= to)
				return false;
			if (block_fits(heap, block, need)) {
				*found = block;
				return true;
			}
		}
		word++;
	}
	return false;
}

/* Next fit: from the rover to the break, then wrapping from 0 up to the rover. */
static bool next_fit(const struct heap *heap, size_t need, size_t *found)
{
	return first_fit_between(heap, heap->rover, heap->brk, need, found) ||
	       first_fit_between(heap, 0, heap->rover, need, found);
}

/* The smallest free block that fits, the lowest address on ties; only index words holding a fit are read. */
static bool best_fit(const struct heap *heap, size_t need, size_t *found)
{
	bool have = false;
	size_t chosen_size = 0;
	size_t word = 0;

	while ((word = free_word_at_least(heap, word, need)) != SIZE_MAX) {
		for (uint64_t bits = heap->free_starts[word]; bits != 0; bits &= bits - 1) {
			size_t block = (word * 64 + lowest_bit(bits)) * heap->alignment;
			size_t size = block_size(heap, block);

			if (size < need || (have && size >= chosen_size))
				continue;
			have = true;
			chosen_size = size;
			*found = block;
			if (size == need) /* nothing smaller fits, and this is the lowest address of its size */
				return true;
		}
		word++;
	}
	return have;
}

/* The largest free block, the lowest address on ties, when it fits. */
static bool worst_fit(const struct heap *heap, size_t need, size_t *found)
{
	size_t largest = largest_free_indexed(heap);

	return largest >= need && first_free_block_of_size(heap, largest, found);
}

static bool first_fit(const struct heap *heap, size_t need, size_t *found)
{
	return first_fit_between(heap, 0, heap->brk, need, found);
}

/* How a fit policy chooses among the free blocks below the break. */
typedef bool (*fit_search)(const struct heap *heap, size_t need, size_t *found);

/* A free block below the break when one fits, otherwise the wilderness when it is large enough. */
static bool find_spot(const struct heap *heap, fit_search search, size_t need, struct fit_spot *spot)
{
	if (search(heap, need, &spot->block)) {
		spot->found_size = block_size(heap, spot->block);
		spot->source = SOURCE_FREE_BLOCK;
		return true;
	}
	if (need <= heap_usable_end(heap) - heap->brk) {
		spot->block = heap->brk;
		spot->found_size = heap_usable_end(heap) - heap->brk;
		spot->source = SOURCE_WILDERNESS;
		return true;
	}
	return false;
}

/* Make the used block; a free block is split when its rest can hold a minimum block. */
static void place(struct heap *heap, const struct fit_spot *spot, size_t need, size_t request,
		  struct heap_placement *placement)
{
	size_t size = need;
	size_t rest = 0;

	if (spot->source == SOURCE_WILDERNESS) {
		heap->brk += need;
	} else {
		block_forget(heap, spot->block);
		rest = spot->found_size - need;
		if (rest < block_min_size(heap)) {
			size = spot->found_size;
			rest = 0;
		}
	}
	block_place(heap, spot->block, size, true, request);
	if (rest > 0)
		block_place(heap, spot->block + size, rest, false, 0);
	placement->payload = block_payload(heap, spot->block);
	placement->block = spot->block;
	placement->block_size = size;
	placement->found_size = spot->found_size;
	placement->split_rest = rest;
	placement->source = spot->source;
}

static enum heap_status fit_alloc(struct heap *heap, fit_search search, size_t request,
				  struct heap_placement *placement)
{
	struct fit_spot spot;
	size_t need = fit_block_need(heap, request);

	placement->need = need;
	if (!find_spot(heap, search, need, &spot))
		return heap_refusal(heap, need, 0);
	place(heap, &spot, need, request, placement);
	return HEAP_OK;
}

/*
 * Make [start, end) free space, its blocks already forgotten: merge it with a
 * free right neighbour, and give it back to the wilderness (cleared to zero)
 * when it reaches the break. Returns the end of the merged space.
 */
static size_t release_range(struct heap *heap, size_t start, size_t end, struct heap_release *release)
{
	if (end < heap->brk && !block_is_used(heap, end)) {
		size_t neighbour = block_size(heap, end);

		block_forget(heap, end);
		end += neighbour;
		release->merges++;
	}
	if (end == heap->brk) {
		clear_to_wilderness(heap, start, end);
		heap->brk = start;
		release->to_wilderness = true;
	} else {
		block_place(heap, start, end - start, false, 0);
	}
	release->merged_offset = start;
	release->merged_size = end - start;
	return end;
}

static void fit_free(struct heap *heap, size_t block, struct heap_release *release)
{
	size_t start = block;
	size_t size = block_size(heap, block);

	release->block = block;
	release->block_size = size;
	block_forget(heap, block);
	if (block > 0) {
		/* The left neighbour's footer sits just below this block's header. */
		uint32_t left = load_le32(heap->bytes + block - FIT_FOOTER_SIZE);

		if ((left & (uint32_t)BLOCK_ALLOCATED_FLAG) == 0) {
			start = block - (left & ~(uint32_t)BLOCK_FLAG_MASK);
			block_forget(heap, start);
			release->merges++;
		}
	}
	release_range(heap, start, block + size, release);
}

/* Shrink where it stands; the rest is split off when it can be a block, join a free neighbour, or go above the break. */
static void shrink_in_place(struct heap *heap, size_t block, size_t need, size_t request,
			    struct heap_placement *placement)
{
	struct heap_release release = { 0 };
	size_t size = block_size(heap, block);
	size_t end = block + size;
	size_t rest = size - need;
	bool next_free = end < heap->brk && !block_is_used(heap, end);
	bool can_split = rest >= block_min_size(heap) || (rest > 0 && (next_free || end == heap->brk));

	block_forget(heap, block);
	if (can_split) {
		block_place(heap, block, need, true, request);
		release_range(heap, block + need, end, &release);
	} else {
		block_place(heap, block, size, true, request);
		rest = 0;
	}
	placement->block_size = size - rest;
	placement->found_size = size;
	placement->split_rest = rest;
}

/* Grow into the wilderness when the block ends at the break, or into a free right neighbour. */
static bool grow_in_place(struct heap *heap, size_t block, size_t need, size_t request,
			  struct heap_placement *placement)
{
	size_t size = block_size(heap, block);
	size_t end = block + size;
	size_t total;
	size_t rest;

	if (end == heap->brk) {
		if (need > heap_usable_end(heap) - block)
			return false;
		block_forget(heap, block);
		heap->brk = block + need;
		block_place(heap, block, need, true, request);
		placement->block_size = need;
		placement->found_size = heap_usable_end(heap) - block;
		placement->split_rest = 0;
		return true;
	}
	if (block_is_used(heap, end) || size + block_size(heap, end) < need)
		return false;
	total = size + block_size(heap, end);
	rest = total - need;
	if (rest < block_min_size(heap)) {
		need = total;
		rest = 0;
	}
	block_forget(heap, block);
	block_forget(heap, end);
	block_place(heap, block, need, true, request);
	if (rest > 0)
		block_place(heap, block + need, rest, false, 0);
	placement->block_size = need;
	placement->found_size = total;
	placement->split_rest = rest;
	return true;
}

static bool fit_realloc_in_place(struct heap *heap, size_t block, size_t request, struct heap_placement *placement)
{
	size_t need = fit_block_need(heap, request);

	if (need <= block_size(heap, block)) {
		shrink_in_place(heap, block, need, request, placement);
		return true;
	}
	return grow_in_place(heap, block, need, request, placement);
}

static size_t fit_min_block(const struct heap *heap)
{
	return round_up(block_header_size(heap) + FIT_FOOTER_SIZE, heap->alignment);
}

static enum heap_status first_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return fit_alloc(heap, first_fit, request, placement);
}

static enum heap_status best_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return fit_alloc(heap, best_fit, request, placement);
}

static enum heap_status worst_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return fit_alloc(heap, worst_fit, request, placement);
}

/* Next fit: the rover moves to where this search ended, the end of the block just placed. */
static enum heap_status next_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	enum heap_status status = fit_alloc(heap, next_fit, request, placement);

	if (status == HEAP_OK)
		heap->rover = placement->block + placement->block_size;
	return status;
}

/* Keep the rover at a block start below the break (or 0) after blocks changed. */
static void next_settle(struct heap *heap)
{
	size_t block = 0;

	if (heap->rover >= heap->brk || !block_containing(heap, heap->rover, &block))
		heap->rover = 0;
	else
		heap->rover = block;
}

static size_t next_search_start(const struct heap *heap)
{
	return heap->rover;
}

/* Boundary tags: a free block's neighbours are never free (they coalesce at once). */
static void fit_check_pair(const struct heap *heap, size_t previous, size_t block, struct heap_report *out)
{
	if (!block_is_used(heap, previous) && !block_is_used(heap, block))
		heap_report_problem(out, block, "free blocks at 0x%zx and 0x%zx are adjacent, not coalesced", previous,
				    block);
}

static void next_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	if (heap->rover != 0 && !tally->rover_seen)
		heap_report_problem(out, heap->rover, "next-fit rover 0x%zx is not the start of a block below the break",
				    heap->rover);
}

#define FIT_ALLOCATOR(NAME, TITLE, RULE, MALLOC) \
	.name = NAME, .title = TITLE, .rule = RULE, .boundary_tags = true, .grows_break = true, \
	.min_block = fit_min_block, .need = fit_block_need, .malloc = MALLOC, .free = fit_free, \
	.realloc_in_place = fit_realloc_in_place, .check_pair = fit_check_pair

const struct allocator_ops first_fit_allocator = { FIT_ALLOCATOR("first", "first fit", RULE_LOWEST_FIT, first_malloc), .free_lists = fit_free_lists };
const struct allocator_ops next_fit_allocator = {
	FIT_ALLOCATOR("next", "next fit", RULE_NEXT_FROM_START, next_malloc),
	.settle = next_settle,
	.search_start = next_search_start,
	.check_heap = next_check_heap,
	.free_lists = next_fit_free_lists,
};
const struct allocator_ops best_fit_allocator = { FIT_ALLOCATOR("best", "best fit", RULE_SMALLEST_FIT, best_malloc), .free_lists = fit_free_lists };
const struct allocator_ops worst_fit_allocator = { FIT_ALLOCATOR("worst", "worst fit", RULE_LARGEST_FREE, worst_malloc), .free_lists = fit_free_lists };
