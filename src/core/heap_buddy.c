/* heap_buddy.c - the binary buddy allocator: power-of-two blocks aligned to their size, merged with their buddy at once. */
#include <string.h>

#include "heap_free_lists.h"
#include "heap_internal.h"

static size_t buddy_block_need(const struct heap *heap, size_t request)
{
	size_t need = block_header_size(heap) + request;
	size_t size = block_min_size(heap);

	while (size < need)
		size <<= 1;
	return size;
}

/* A block's buddy: the other half of the block twice its size. */
static size_t buddy_of(size_t block, size_t size)
{
	return block ^ size;
}

/* The smallest free block that fits, the lowest address on ties: the smallest order with a free block, then its first. */
static bool smallest_free_block(const struct heap *heap, size_t need, size_t *found)
{
	for (unsigned order = size_order(need); order < HEAP_ORDERS; order++)
		if (heap->free_per_order[order] > 0)
			return first_free_block_of_size(heap, (size_t)1 << order, found);
	return false;
}

/* Halve the block at block (already forgotten) down to need, leaving each upper half free; returns the halvings. */
static unsigned split_down(struct heap *heap, size_t block, size_t size, size_t need)
{
	unsigned splits = 0;

	while (size > need) {
		size >>= 1;
		block_place(heap, block + size, size, false, 0);
		splits++;
	}
	return splits;
}

static enum heap_status buddy_alloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	size_t need = buddy_block_need(heap, request);
	size_t block;
	size_t found_size;

	placement->need = need;
	if (need > heap->size || !smallest_free_block(heap, need, &block))
		return heap_refusal(heap, need, 0);
	found_size = block_size(heap, block);
	block_forget(heap, block);
	placement->buddy_splits = split_down(heap, block, found_size, need);
	block_place(heap, block, need, true, request);
	placement->payload = block_payload(heap, block);
	placement->block = block;
	placement->block_size = need;
	placement->found_size = found_size;
	placement->split_rest = found_size - need;
	placement->source = SOURCE_FREE_BLOCK;
	return HEAP_OK;
}

static void buddy_free(struct heap *heap, size_t block, struct heap_release *release)
{
	size_t size = block_size(heap, block);

	release->block = block;
	release->block_size = size;
	block_forget(heap, block);
	while (size < heap->size) {
		size_t buddy = buddy_of(block, size);

		if (block_is_used(heap, buddy) || block_size(heap, buddy) != size)
			break;
		block_forget(heap, buddy);
		if (buddy < block)
			block = buddy;
		size <<= 1;
		release->merges++;
	}
	block_place(heap, block, size, false, 0);
	release->merged_offset = block;
	release->merged_size = size;
}

/* Growing in place needs the block to be the lower buddy at every level up to need, each upper buddy whole and free. */
static bool upper_buddies_free(const struct heap *heap, size_t block, size_t size, size_t need)
{
	if (block % need != 0)
		return false;
	for (; size < need; size <<= 1) {
		size_t buddy = buddy_of(block, size);

		if (block_is_used(heap, buddy) || block_size(heap, buddy) != size)
			return false;
	}
	return true;
}

static bool buddy_realloc_in_place(struct heap *heap, size_t block, size_t request, struct heap_placement *placement)
{
	size_t size = block_size(heap, block);
	size_t need = buddy_block_need(heap, request);

	placement->block_size = need;
	placement->found_size = size;
	if (need <= size) {
		block_forget(heap, block);
		placement->buddy_splits = split_down(heap, block, size, need);
		placement->split_rest = size - need;
		block_place(heap, block, need, true, request);
		return true;
	}
	if (need <= heap->size && upper_buddies_free(heap, block, size, need)) {
		block_forget(heap, block);
		for (size_t half = size; half < need; half <<= 1)
			block_forget(heap, block + half);
		block_place(heap, block, need, true, request);
		placement->found_size = need;
		return true;
	}
	return false;
}

static size_t buddy_min_block(const struct heap *heap)
{
	return heap->alignment == 16 ? 32 : 16;
}

static const char *buddy_config_problem(const struct heap_config *config)
{
	return is_power_of_two(config->size) ? NULL : "buddy needs a power-of-two heap size";
}

/* The whole heap starts as one free block; there is no break to move. */
static void buddy_create(struct heap *heap)
{
	heap->brk = heap->size;
	block_place(heap, 0, heap->size, false, 0);
}

/* Sizes are powers of two, each block a multiple of its size, and exactly what its request needs. */
static void buddy_check_block(const struct heap *heap, size_t block, size_t size, struct heap_report *out)
{
	size_t requested = block_requested(heap, block);

	if (!is_power_of_two(size))
		heap_report_problem(out, block, "buddy block at 0x%zx: size %zu is not a power of two", block, size);
	else if ((block & (size - 1)) != 0)
		heap_report_problem(out, block, "buddy block at 0x%zx is not a multiple of its size %zu", block, size);
	if (block_is_used(heap, block) && requested != 0 &&
	    block_header_size(heap) + requested <= size && buddy_block_need(heap, requested) != size)
		heap_report_problem(out, block, "buddy block at 0x%zx is %zu B but %zu requested bytes need %zu B", block,
				    size, requested, buddy_block_need(heap, requested));
}

static void buddy_check_pair(const struct heap *heap, size_t previous, size_t block, struct heap_report *out)
{
	size_t size = block_size(heap, block);

	if (!block_is_used(heap, previous) && !block_is_used(heap, block) && block_size(heap, previous) == size &&
	    previous % (2 * size) == 0)
		heap_report_problem(out, previous, "free buddies at 0x%zx and 0x%zx (%zu B) were not merged", previous,
				    block, size);
}

static void buddy_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	(void)tally;
	if (heap->brk != heap->size)
		heap_report_problem(out, heap->brk, "buddy break 0x%zx is not the heap size", heap->brk);
}

const struct allocator_ops buddy_allocator = {
	.name = "buddy",
	.title = "buddy",
	.rule = RULE_BUDDY_SPLIT,
	.size_classes = true,
	.min_block = buddy_min_block,
	.need = buddy_block_need,
	.config_problem = buddy_config_problem,
	.create = buddy_create,
	.malloc = buddy_alloc,
	.free = buddy_free,
	.realloc_in_place = buddy_realloc_in_place,
	.check_block = buddy_check_block,
	.check_pair = buddy_check_pair,
	.check_heap = buddy_check_heap,
	.free_lists = buddy_free_lists,
};
