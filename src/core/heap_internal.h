/* heap_internal.h - the heap's registers and byte-level block helpers: the core's files and the allocators' API. */
#ifndef HEAPVIZ_HEAP_INTERNAL_H
#define HEAPVIZ_HEAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "allocator.h"
#include "heap.h"
#include "pages.h"

/* Buddy block sizes are powers of two up to HEAP_MAX_SIZE (1 << 30). */
enum { HEAP_ORDERS = 32 };

/*
 * The registers: everything about a heap that is not in its bytes. A snapshot
 * is this struct plus its pages; heap_equal compares both. The counters are
 * kept incrementally by block_place/block_forget so statistics are O(1);
 * heap_check recomputes them from a walk and compares.
 *
 * Storage: the bytes and the derived index are each a struct pages (pages.h),
 * 4 KiB pages shared copy-on-write with clones, plus a contiguous working
 * copy. Why a working copy instead of reading pages directly: every search
 * and walk reads headers at arbitrary offsets, and views, JSON and SVG read
 * heap_bytes() as one array; a working copy keeps those plain loads and one
 * pointer, while what history pays for (checkpoints: clone, restore) only
 * touches page trees. A clone has no working copy until it is used
 * (heap_ready); a checkpoint that is only restored from never gets one.
 * bytes, starts, free_starts and free_max point into the working copies, or
 * are NULL until heap_ready.
 */
struct heap {
	const struct allocator_ops *ops;
	size_t footer_size;      /* from ops and the alignment, kept here because every block step reads them */
	size_t min_block;
	enum heap_policy policy;
	enum heap_order order;   /* free-list order (heap_order.c); ops is the ordered variant when not ADDRESS */
	unsigned alignment;
	size_t size;
	size_t brk;              /* break-growing allocators: the break; others: always size */
	size_t rover;            /* next fit: 0 or the start of a block below the break */
	size_t used_blocks;
	size_t free_blocks;      /* free blocks below the break, wilderness excluded */
	size_t requested_bytes;
	size_t used_bytes;
	size_t free_block_bytes; /* bytes in free blocks below the break */
	size_t failed_allocs;
	size_t peak_requested;   /* peak utilization = peak_requested / size, kept exact */
	struct pages data;       /* the bytes */
	struct pages index;      /* the derived index below, index_words(size) words */
	uint8_t *bytes;
	/*
	 * Derived data: a function of the bytes and the break, kept so searches,
	 * statistics and address checks need no walk. heap_equal leaves it out
	 * (equal bytes and break give equal derived data); clone and copy_into
	 * copy it; heap_check recomputes it from the walk and compares.
	 *
	 * The index is starts, then free_starts, one bit per alignment unit
	 * each, grouped in 64-unit words; then free_max, a max tree over those
	 * words: leaf w (free_max[leaves + w]) is the largest free block starting
	 * in word w, node n the larger of 2n and 2n + 1, node 1 the largest free
	 * block of all.
	 */
	size_t free_per_order[HEAP_ORDERS]; /* size_classes allocators: free blocks of size 1 << order */
	uint64_t *starts;        /* set where a block below the break starts */
	uint64_t *free_starts;   /* set where a free block below the break starts */
	uint32_t *free_max;
	size_t leaves;           /* a power of two >= starts_words(size) */
	/* Allocators with segregated lists (ops->list_subs): their bitmaps and heads, after the tree (heap_lists.c). */
	uint32_t *lists;
	/*
	 * One past the highest byte the core has written since the heap was made
	 * (heap_bytes_for_testing: the size). Above it the bytes are still
	 * zeros, so heap_check reads the wilderness only up to here.
	 * Not heap state: heap_equal ignores it, clone and copy_into copy it.
	 */
	size_t written_end;
	/*
	 * Bytes written by the operations that made this state, since the heap
	 * was created (every note_written range): what replaying them costs, so
	 * a session places checkpoints by work done. Not heap state either.
	 */
	size_t work_bytes;
};

/* Make the working copies (a clone has none until used); false on host OOM. Logically const: the bytes do not change. */
bool heap_materialize(const struct heap *heap);

static inline bool heap_ready(const struct heap *heap)
{
	return heap->bytes != NULL || heap_materialize(heap);
}

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

/* n rounded up to a multiple of a power of two (the alignment). */
static inline size_t round_up(size_t n, size_t multiple)
{
	return (n + multiple - 1) & ~(multiple - 1);
}

static inline bool is_power_of_two(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* 8 bytes (size word, requested word); 16 with alignment 16 so payloads stay 16-aligned. */
static inline size_t block_header_size(const struct heap *heap)
{
	return heap->alignment == 16 ? 16 : 8;
}

/* Fit blocks carry a boundary tag at their end; buddy blocks find their buddy by arithmetic instead. */
static inline size_t block_footer_size(const struct heap *heap)
{
	return heap->footer_size;
}

/* The smallest block the allocator makes. */
static inline size_t block_min_size(const struct heap *heap)
{
	return heap->min_block;
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

/* --- the block-start index: one bit per alignment unit ------------------------ */

/* Words of one bitmap for a heap of this size; sized for the smallest alignment, so it depends on the size alone. */
static inline size_t starts_words(size_t size)
{
	return (size / 4 + 63) / 64;
}

static inline size_t tree_leaves(size_t size)
{
	size_t leaves = 1;

	while (leaves < starts_words(size))
		leaves <<= 1;
	return leaves;
}

/* 64-bit words of the whole index: two bitmaps and a tree of 2 * leaves 32-bit nodes. */
static inline size_t index_words(size_t size)
{
	return 2 * starts_words(size) + tree_leaves(size);
}

/*
 * Segregated free lists, kept after the tree in the index pages: word 0 the
 * first-level bitmap (bit c: some list of class c is non-empty), then one
 * second-level bitmap per class (bit s: list (c, s) is non-empty), then the
 * heads, class by class (LIST_NONE: empty). Classes 0..30 cover every block
 * size up to 1 GiB = 2^30. Derived data: each head is the one free block of
 * its list whose in-band prev link is LIST_NONE.
 */
enum { LIST_LEVELS = 31 };
#define LIST_NONE 0xffffffffu

static inline size_t list_words(const struct allocator_ops *ops)
{
	return ops->list_subs == 0 ? 0 : 1 + LIST_LEVELS + (size_t)LIST_LEVELS * ops->list_subs;
}

/* The largest free block below the break (fit) or anywhere (buddy): the root of the tree. */
static inline size_t largest_free_indexed(const struct heap *heap)
{
	return heap->free_max[1];
}

static inline bool starts_bit(const struct heap *heap, size_t unit)
{
	return (heap->starts[unit / 64] >> (unit % 64) & 1u) != 0;
}

/* Index of the highest set bit of a non-zero word. */
static inline unsigned highest_bit(uint64_t bits)
{
#if defined(__GNUC__)
	return 63u - (unsigned)__builtin_clzll(bits);
#else
	unsigned n = 0;

	while (bits >>= 1)
		n++;
	return n;
#endif
}

/* Index of the lowest set bit of a non-zero word. */
static inline unsigned lowest_bit(uint64_t bits)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(bits);
#else
	unsigned n = 0;

	while ((bits & 1u) == 0) {
		bits >>= 1;
		n++;
	}
	return n;
#endif
}

/* The index unit (alignment-sized) holding offset; the alignment is a power of two. */
static inline size_t unit_of(const struct heap *heap, size_t offset)
{
	return offset >> lowest_bit(heap->alignment);
}

/* True when a block below the break starts at offset (as the core placed it, whatever the bytes say). */
static inline bool block_starts_at(const struct heap *heap, size_t offset)
{
	return offset < heap->brk && (offset & (heap->alignment - 1)) == 0 && starts_bit(heap, unit_of(heap, offset));
}

/* Point starts, free_starts and free_max into the index's working copy (NULL: none yet). */
void index_attach(struct heap *heap, uint8_t *index);
/* Before the index pages are published or restored: mark the tree pages above the changed leaves. */
void index_settle(struct heap *heap);
/* A block was placed / forgotten: set or clear its bits, the free-size tree and the per-order count. */
void index_add(struct heap *heap, size_t block, size_t size, bool used);
void index_remove(struct heap *heap, size_t block, size_t size, bool used);
/* The start of the block holding address (below the break), by the index; false if the index has none. */
bool block_containing(const struct heap *heap, size_t address, size_t *block);
/* The first index word at or after word with a free block of at least need bytes; SIZE_MAX when none. */
size_t free_word_at_least(const struct heap *heap, size_t word, size_t need);
/* The largest free block starting in this index word, from the bitmap and the headers. */
size_t free_word_max(const struct heap *heap, size_t word);
/* The free block of exactly this size at the lowest address; false if there is none. */
bool first_free_block_of_size(const struct heap *heap, size_t size, size_t *found);

/* Every write into the bytes [start, end) is announced here first (block_place does it for headers). */
static inline void note_written(struct heap *heap, size_t start, size_t end)
{
	pages_touch(&heap->data, start, end);
	heap->work_bytes += end - start;
	if (end > heap->written_end)
		heap->written_end = end;
}

/*
 * Clear [start, end) back to wilderness zeros. Bytes from written_end up were
 * never written and are zero already, so only what lies below it is cleared:
 * freeing a large block nobody wrote costs nothing, and a 1 GiB heap keeps
 * using only the memory its writes touched.
 */
static inline void clear_to_wilderness(struct heap *heap, size_t start, size_t end)
{
	if (end > heap->written_end)
		end = heap->written_end;
	if (start >= end)
		return;
	note_written(heap, start, end);
	memset(heap->bytes + start, 0, end - start);
}

/* Find the block a payload address belongs to; says why when it is not a live allocation. */
enum heap_status locate_allocation(const struct heap *heap, size_t address, size_t *found);
/* Write a block's header (and footer) and count it in the registers. */
void block_place(struct heap *heap, size_t block, size_t size, bool used, size_t requested);
/* Take the block at this offset out of the registers; its bytes stay as they are. */
void block_forget(struct heap *heap, size_t block);
/* log2 of a power of two. */
unsigned size_order(size_t size);

/* --- the checker's hooks (allocator_ops.check_*) ------------------------------ */

/* Problems found so far; only the first max are written out, all are counted. */
struct heap_report {
	struct heap_problem *problems;
	size_t max;
	size_t count;
};

/* What the checker's walk counted, to compare with the registers. */
struct heap_tally {
	size_t used_blocks;
	size_t free_blocks;
	size_t requested_bytes;
	size_t used_bytes;
	size_t free_block_bytes;
	size_t largest_free;
	size_t free_per_order[HEAP_ORDERS];
	bool index_ok;           /* every block's index bits were right */
	bool rover_seen;         /* a block starts at heap->rover */
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void heap_report_problem(struct heap_report *report, size_t offset, const char *format, ...);

/* NO_SPACE when need exceeds the free bytes (plus bytes the request may reuse), else FRAGMENTED. */
enum heap_status heap_refusal(const struct heap *heap, size_t need, size_t reusable);

#endif
