/* heap_internal.h - the heap's registers and byte-level block helpers, shared by the core's files only. */
#ifndef HEAPVIZ_HEAP_INTERNAL_H
#define HEAPVIZ_HEAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

/*
 * The registers: everything about a heap that is not in its bytes. A snapshot
 * is this struct plus a copy of the bytes; heap_equal compares both. The
 * counters are kept incrementally by block_place/block_forget so statistics
 * are O(1); heap_check recomputes them from a walk and compares.
 */
struct heap {
	enum heap_policy policy;
	unsigned alignment;
	size_t size;
	size_t brk;              /* fit policies: the break; buddy: always size */
	size_t rover;            /* next fit: 0 or the start of a block below the break */
	size_t used_blocks;
	size_t free_blocks;      /* free blocks below the break, wilderness excluded */
	size_t requested_bytes;
	size_t used_bytes;
	size_t free_block_bytes; /* bytes in free blocks below the break */
	size_t failed_allocs;
	size_t peak_requested;   /* peak utilization = peak_requested / size, kept exact */
	uint8_t *bytes;
};

/* Header word 0 holds the block size with the allocated flag in bit 0. */
enum block_word_bits { BLOCK_ALLOCATED_FLAG = 1, BLOCK_FLAG_MASK = 3 };
enum { FIT_FOOTER_SIZE = 4 };

static inline uint32_t load_le32(const uint8_t *at)
{
	return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static inline void store_le32(uint8_t *at, uint32_t value)
{
	at[0] = (uint8_t)value;
	at[1] = (uint8_t)(value >> 8);
	at[2] = (uint8_t)(value >> 16);
	at[3] = (uint8_t)(value >> 24);
}

static inline size_t round_up(size_t n, size_t multiple)
{
	return (n + multiple - 1) / multiple * multiple;
}

static inline bool is_power_of_two(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline bool heap_is_buddy(const struct heap *heap)
{
	return heap->policy == POLICY_BUDDY;
}

/* 8 bytes (size word, requested word); 16 with alignment 16 so payloads stay 16-aligned. */
static inline size_t block_header_size(const struct heap *heap)
{
	return heap->alignment == 16 ? 16 : 8;
}

/* Fit blocks carry a boundary tag at their end; buddy blocks find their buddy by arithmetic instead. */
static inline size_t block_footer_size(const struct heap *heap)
{
	return heap_is_buddy(heap) ? 0 : FIT_FOOTER_SIZE;
}

/* Fit: header + footer rounded up to the alignment (12, 16, 32); buddy: 16 or 32. */
static inline size_t block_min_size(const struct heap *heap)
{
	if (heap_is_buddy(heap))
		return heap->alignment == 16 ? 32 : 16;
	return round_up(block_header_size(heap) + FIT_FOOTER_SIZE, heap->alignment);
}

/* Where fit blocks may end: the heap size rounded down to the alignment. */
static inline size_t heap_usable_end(const struct heap *heap)
{
	return heap->size / heap->alignment * heap->alignment;
}

static inline uint32_t block_word(const struct heap *heap, size_t block)
{
	return load_le32(heap->bytes + block);
}

static inline size_t block_size(const struct heap *heap, size_t block)
{
	return block_word(heap, block) & ~(uint32_t)BLOCK_FLAG_MASK;
}

static inline bool block_is_used(const struct heap *heap, size_t block)
{
	return (block_word(heap, block) & (uint32_t)BLOCK_ALLOCATED_FLAG) != 0;
}

static inline size_t block_requested(const struct heap *heap, size_t block)
{
	return load_le32(heap->bytes + block + 4);
}

static inline size_t block_payload(const struct heap *heap, size_t block)
{
	return block + block_header_size(heap);
}

/* Write a block's header (and footer) and count it in the registers. */
void block_place(struct heap *heap, size_t block, size_t size, bool used, size_t requested);
/* Take the block at this offset out of the registers; its bytes stay as they are. */
void block_forget(struct heap *heap, size_t block);

/* Policy operations: the caller has validated the request and the address. */
enum heap_status fit_alloc(struct heap *heap, size_t request, struct heap_placement *placement);
void fit_free(struct heap *heap, size_t block, struct heap_release *release);
enum heap_status fit_realloc(struct heap *heap, size_t block, size_t request, struct heap_placement *placement);
size_t fit_block_need(const struct heap *heap, size_t request);

enum heap_status buddy_alloc(struct heap *heap, size_t request, struct heap_placement *placement);
void buddy_free(struct heap *heap, size_t block, struct heap_release *release);
enum heap_status buddy_realloc(struct heap *heap, size_t block, size_t request, struct heap_placement *placement);
size_t buddy_block_need(const struct heap *heap, size_t request);

/* NO_SPACE when need exceeds the free bytes (plus bytes the request may reuse), else FRAGMENTED. */
enum heap_status heap_refusal(const struct heap *heap, size_t need, size_t reusable);

#endif
