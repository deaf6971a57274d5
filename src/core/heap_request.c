/* heap_request.c - the heap's requests: validate, dispatch to the allocator's table, keep the shared registers. */
#include "heap.h"

#include <string.h>

#include "heap_internal.h"

unsigned size_order(size_t size)
{
	return lowest_bit((uint64_t)size);
}

void block_place(struct heap *heap, size_t block, size_t size, bool used, size_t requested)
{
	size_t header = block_header_size(heap);
	uint32_t word = (uint32_t)size | (used ? (uint32_t)BLOCK_ALLOCATED_FLAG : 0u);

	note_written(heap, block, block + header);
	store_le32(heap->bytes + block, word);
	store_le32(heap->bytes + block + 4, used ? (uint32_t)requested : 0u);
	memset(heap->bytes + block + 8, 0, header - 8);
	if (heap->ops->boundary_tags) {
		note_written(heap, block + size - FIT_FOOTER_SIZE, block + size);
		store_le32(heap->bytes + block + size - FIT_FOOTER_SIZE, word);
	}
	index_add(heap, block, size, used);
	if (used) {
		heap->used_blocks++;
		heap->used_bytes += size;
		heap->requested_bytes += requested;
	} else {
		heap->free_blocks++;
		heap->free_block_bytes += size;
	}
}

void block_forget(struct heap *heap, size_t block)
{
	size_t size = block_size(heap, block);
	bool used = block_is_used(heap, block);

	if (used) {
		heap->used_blocks--;
		heap->used_bytes -= size;
		heap->requested_bytes -= block_requested(heap, block);
	} else {
		heap->free_blocks--;
		heap->free_block_bytes -= size;
	}
	index_remove(heap, block, size, used);
}

enum heap_status heap_refusal(const struct heap *heap, size_t need, size_t reusable)
{
	size_t free_total = heap->free_block_bytes + reusable;

	if (heap->ops->grows_break)
		free_total += heap_usable_end(heap) - heap->brk;
	return need > free_total ? HEAP_ERR_NO_SPACE : HEAP_ERR_FRAGMENTED;
}

/* Block size a request needs, saturating for requests beyond the heap. */
static size_t request_need(const struct heap *heap, size_t request)
{
	if (request > heap->size)
		return request > SIZE_MAX - 64 ? SIZE_MAX : request + block_header_size(heap) + FIT_FOOTER_SIZE;
	return heap->ops->need(heap, request);
}

/* A refused request is counted; the bytes stay as they were. */
static enum heap_status refuse(struct heap *heap, enum heap_status status, size_t need,
			       struct heap_placement *placement)
{
	heap->failed_allocs++;
	if (placement != NULL) {
		memset(placement, 0, sizeof *placement);
		placement->need = need;
	}
	return status;
}

/* Peak utilization is sampled after each operation, so a moving realloc's brief overlap does not count. */
static void note_peak(struct heap *heap)
{
	if (heap->requested_bytes > heap->peak_requested)
		heap->peak_requested = heap->requested_bytes;
}

/* After blocks changed: the allocator's own registers (next fit's rover). */
static void heap_settle(struct heap *heap)
{
	if (heap->ops->settle != NULL)
		heap->ops->settle(heap);
}

/* A request's size, checked the same way for malloc, calloc and realloc: 0 is refused, so is more than the heap. */
static enum heap_status check_request(struct heap *heap, size_t size, struct heap_placement *placement)
{
	if (size == 0)
		return HEAP_ERR_ZERO_SIZE;
	if (size > heap->size)
		return refuse(heap, HEAP_ERR_TOO_LARGE, request_need(heap, size), placement);
	return HEAP_OK;
}

/* After an allocator placed a request (or could not): count a refusal, or settle and hand the placement out. */
static enum heap_status finish_request(struct heap *heap, enum heap_status status, const struct heap_placement *result,
				       struct heap_placement *placement)
{
	if (status != HEAP_OK) {
		refuse(heap, status, result->need, placement);
		/* Where the search looked stays: a tlsf refusal is explained by its rounded need's list. */
		if (placement != NULL) {
			placement->rounded = result->rounded;
			placement->want_class = result->want_class;
			placement->want_sub = result->want_sub;
		}
		return status;
	}
	heap_settle(heap);
	note_peak(heap);
	if (placement != NULL)
		*placement = *result;
	return HEAP_OK;
}

enum heap_status heap_alloc(struct heap *heap, size_t size, struct heap_placement *placement)
{
	struct heap_placement result = { 0 };
	enum heap_status status;

	if (!heap_ready(heap))
		return size == 0 ? HEAP_ERR_ZERO_SIZE : HEAP_ERR_HOST_MEMORY;
	status = check_request(heap, size, placement);
	if (status != HEAP_OK)
		return status;
	return finish_request(heap, heap->ops->malloc(heap, size, &result), &result, placement);
}

enum heap_status heap_calloc(struct heap *heap, size_t count, size_t size, struct heap_placement *placement)
{
	struct heap_placement result;
	enum heap_status status;

	if (size != 0 && count > SIZE_MAX / size)
		return HEAP_ERR_OVERFLOW;
	status = heap_alloc(heap, count * size, &result);
	if (status == HEAP_OK) {
		note_written(heap, result.payload, result.payload + count * size);
		memset(heap->bytes + result.payload, 0, count * size);
	}
	if (placement != NULL && status != HEAP_ERR_ZERO_SIZE)
		*placement = result;
	return status;
}

enum heap_status locate_allocation(const struct heap *heap, size_t address, size_t *found)
{
	size_t header = block_header_size(heap);
	size_t block;
	size_t size;

	/* The block-start index, not the bytes, says where blocks are: a header forged inside a payload is no block. */
	if (address >= heap->brk)
		return HEAP_ERR_NOT_ALLOCATED;
	if (address >= header && block_starts_at(heap, address - header))
		block = address - header;
	else if (!block_containing(heap, address, &block))
		return HEAP_ERR_NOT_ALLOCATED;
	size = block_size(heap, block);
	if (address >= block + size)
		return HEAP_ERR_NOT_ALLOCATED;
	if (block_is_used(heap, block)) {
		if (address != block + header)
			return HEAP_ERR_NOT_ALLOCATED;
		*found = block;
		return HEAP_OK;
	}
	if (address >= block + header && address < block + size - block_footer_size(heap) &&
	    address % heap->alignment == 0)
		return HEAP_ERR_DOUBLE_FREE;
	return HEAP_ERR_NOT_ALLOCATED;
}

/* The live block whose payload is at address, on a heap whose bytes are there. */
static enum heap_status live_block(const struct heap *heap, size_t address, size_t *block)
{
	if (!heap_ready(heap))
		return HEAP_ERR_HOST_MEMORY;
	return locate_allocation(heap, address, block);
}

enum heap_status heap_free(struct heap *heap, size_t address, struct heap_release *release)
{
	struct heap_release result = { 0 };
	size_t block;
	enum heap_status status = live_block(heap, address, &block);

	if (status != HEAP_OK)
		return status;
	heap->ops->free(heap, block, &result);
	heap_settle(heap);
	if (release != NULL)
		*release = result;
	return HEAP_OK;
}

/*
 * Resize in place if the allocator can; otherwise the one fallback every
 * allocator shares, as C's realloc: allocate a new block, copy the payload,
 * free the old block. Where that fails the old block is untouched, and the
 * old block's bytes count as free when telling "no space" from "fragmented".
 */
static enum heap_status resize(struct heap *heap, size_t block, size_t request, struct heap_placement *placement)
{
	struct heap_release release = { 0 };
	size_t size = block_size(heap, block);
	size_t need = heap->ops->need(heap, request);
	size_t old_requested = block_requested(heap, block);
	size_t copied = old_requested < request ? old_requested : request;

	placement->need = need;
	placement->payload = block_payload(heap, block);
	placement->block = block;
	placement->source = SOURCE_IN_PLACE;
	if (heap->ops->realloc_in_place(heap, block, request, placement))
		return HEAP_OK;
	memset(placement, 0, sizeof *placement);
	if (heap->ops->malloc(heap, request, placement) != HEAP_OK) {
		placement->need = need;
		return heap_refusal(heap, need, size);
	}
	note_written(heap, placement->payload, placement->payload + copied);
	memcpy(heap->bytes + placement->payload, heap->bytes + block_payload(heap, block), copied);
	heap->ops->free(heap, block, &release);
	placement->moved_from = placement->source;
	placement->source = SOURCE_MOVED;
	placement->copied = copied;
	return HEAP_OK;
}

enum heap_status heap_realloc(struct heap *heap, size_t address, size_t size, struct heap_placement *placement)
{
	struct heap_placement result = { 0 };
	size_t block;
	enum heap_status status = live_block(heap, address, &block);

	if (status == HEAP_OK)
		status = check_request(heap, size, placement);
	if (status != HEAP_OK)
		return status;
	status = finish_request(heap, resize(heap, block, size, &result), &result, placement);
	if (status == HEAP_OK && placement != NULL)
		placement->old_payload = address;
	return status;
}

/* Writes reach only live payloads; a freed block is as foreign as any other address. */
static enum heap_status locate_payload(const struct heap *heap, size_t address, size_t *requested)
{
	size_t block;
	enum heap_status status = live_block(heap, address, &block);

	if (status == HEAP_OK)
		*requested = block_requested(heap, block);
	return status == HEAP_ERR_HOST_MEMORY ? status : status == HEAP_OK ? HEAP_OK : HEAP_ERR_NOT_ALLOCATED;
}

enum heap_status heap_write(struct heap *heap, size_t address, size_t offset, const void *data, size_t len)
{
	size_t requested;
	enum heap_status status;

	status = locate_payload(heap, address, &requested);
	if (status != HEAP_OK)
		return status;
	if (offset > requested || len > requested - offset)
		return HEAP_ERR_OUT_OF_BOUNDS;
	if (len > 0) {
		note_written(heap, address + offset, address + offset + len);
		memcpy(heap->bytes + address + offset, data, len);
	}
	return HEAP_OK;
}

enum heap_status heap_fill(struct heap *heap, size_t address, uint8_t value)
{
	size_t requested;
	enum heap_status status;

	status = locate_payload(heap, address, &requested);
	if (status != HEAP_OK)
		return status;
	note_written(heap, address, address + requested);
	memset(heap->bytes + address, value, requested);
	return HEAP_OK;
}

