/* heap_buddy.c - the binary buddy allocator: power-of-two blocks aligned to their size, merged with their buddy at once. */
#include <string.h>

#include "heap_internal.h"

size_t buddy_block_need(const struct heap *heap, size_t request)
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

enum heap_status buddy_alloc(struct heap *heap, size_t request, struct heap_placement *placement)
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

void buddy_free(struct heap *heap, size_t block, struct heap_release *release)
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

enum heap_status buddy_realloc(struct heap *heap, size_t block, size_t request, struct heap_placement *placement)
{
	struct heap_release release = { 0 };
	size_t size = block_size(heap, block);
	size_t need = buddy_block_need(heap, request);
	size_t old_requested = block_requested(heap, block);
	size_t copied = old_requested < request ? old_requested : request;

	placement->need = need;
	placement->payload = block_payload(heap, block);
	placement->block = block;
	placement->block_size = need;
	placement->found_size = size;
	placement->source = SOURCE_IN_PLACE;
	if (need <= size) {
		block_forget(heap, block);
		placement->buddy_splits = split_down(heap, block, size, need);
		placement->split_rest = size - need;
		block_place(heap, block, need, true, request);
		return HEAP_OK;
	}
	if (need <= heap->size && upper_buddies_free(heap, block, size, need)) {
		block_forget(heap, block);
		for (size_t half = size; half < need; half <<= 1)
			block_forget(heap, block + half);
		block_place(heap, block, need, true, request);
		placement->found_size = need;
		return HEAP_OK;
	}
	if (buddy_alloc(heap, request, placement) != HEAP_OK)
		return heap_refusal(heap, need, size);
	note_written(heap, placement->payload + copied);
	memcpy(heap->bytes + placement->payload, heap->bytes + block_payload(heap, block), copied);
	buddy_free(heap, block, &release);
	placement->moved_from = placement->source;
	placement->source = SOURCE_MOVED;
	placement->copied = copied;
	return HEAP_OK;
}
