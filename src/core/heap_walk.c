/* heap_walk.c - the walker, the only window outside code has onto blocks, and the lookups built on it. */
#include "heap.h"

#include <string.h>

#include "heap_internal.h"

static void describe_block(const struct heap *heap, size_t block, struct heap_block *view)
{
	bool used = block_is_used(heap, block);

	view->offset = block;
	view->size = block_size(heap, block);
	view->state = used ? BLOCK_USED : BLOCK_FREE;
	view->header_size = block_header_size(heap);
	view->footer_size = block_footer_size(heap);
	view->payload = used ? block_payload(heap, block) : 0;
	view->requested = used ? block_requested(heap, block) : 0;
}

static void describe_wilderness(const struct heap *heap, struct heap_block *view)
{
	memset(view, 0, sizeof *view);
	view->offset = heap->brk;
	view->size = heap->size - heap->brk;
	view->state = BLOCK_WILDERNESS;
}

/* A block the walker can step over: guards the walk against corrupted sizes. */
static bool block_walkable(const struct heap *heap, size_t block)
{
	size_t size = block_size(heap, block);

	return size >= block_min_size(heap) && size <= heap->brk - block;
}

void heap_walk(const struct heap *heap, heap_visitor visit, void *context)
{
	struct heap_block view;
	size_t block = 0;

	if (!heap_ready(heap))
		return; /* host out of memory making a clone's working copy: nothing to show */
	while (block < heap->brk && block_walkable(heap, block)) {
		describe_block(heap, block, &view);
		if (!visit(&view, context))
			return;
		block += view.size;
	}
	if (heap->brk < heap->size) {
		describe_wilderness(heap, &view);
		visit(&view, context);
	}
}

bool heap_block_at(const struct heap *heap, size_t address, struct heap_block *view)
{
	size_t block = 0;

	if (address >= heap->size || !heap_ready(heap))
		return false;
	if (address >= heap->brk) {
		describe_wilderness(heap, view);
		return true;
	}
	while (block < heap->brk && block_walkable(heap, block)) {
		size_t next = block + block_size(heap, block);

		if (address < next) {
			describe_block(heap, block, view);
			return true;
		}
		block = next;
	}
	return false;
}

bool heap_find_allocation(const struct heap *heap, size_t address, struct heap_block *view)
{
	size_t block;

	if (!heap_ready(heap) || locate_allocation(heap, address, &block) != HEAP_OK)
		return false;
	describe_block(heap, block, view);
	return true;
}

