/* heap.c - the simulated heap: its layout, creation, copy-on-write copies, statistics and queries. */
#include "heap.h"

#include <stdlib.h>
#include <string.h>

#include "heap_internal.h"
#include "heap_order.h"

/*
 * Block layout
 * ============
 * The heap is a byte array; every address is an offset into it. All metadata
 * is in-band, written as little-endian 32-bit words, so a hex view shows it.
 *
 * Fit policies (first, next, best, worst fit):
 *
 *   +--------------+--------------+ (pad) +-----------------+---------+--------+
 *   | size | used  | requested    | 0 x 8 | payload ...     | padding | footer |
 *   +--------------+--------------+-------+-----------------+---------+--------+
 *   ^ block        ^ block+4              ^ block+header    (internal  ^ last 4
 *                                                            fragmentation) bytes
 *
 *   header  8 bytes for alignment 4 and 8, 16 for alignment 16 (the 8 extra
 *           bytes are zero so the payload stays 16-aligned). Word 0 is the
 *           block size with bit 0 set when allocated; word 1 is the requested
 *           size (0 in a free block).
 *   footer  4 bytes, the last of every block, used or free: a copy of word 0,
 *           so a freed block can find its left neighbour (boundary tags).
 *   size    max(minimum block, round_up(header + requested + 4, alignment)).
 *   minimum header + footer rounded up to the alignment: 12 B (align 4),
 *           16 B (align 8), 32 B (align 16).
 *   split   a free block is split when what is left over can hold a minimum
 *           block; otherwise the whole block is handed out and the rest is
 *           padding.
 *   break   blocks tile [0, break); above the break lies the wilderness, all
 *           zero bytes, like fresh pages from sbrk. A request no free block
 *           can serve moves the break up; freeing the block just below the
 *           break gives its space back and clears it to zero. Free neighbours
 *           coalesce at once, so no two free blocks touch and the block just
 *           below the break is never free. If the heap size is not a multiple
 *           of the alignment, its last few bytes are wilderness no block uses.
 *   next fit  the rover is where the last search ended (the end of the block
 *           just placed); a search runs from the block holding the rover to
 *           the break, then wraps from 0 up to the rover. The rover is kept at
 *           the start of a block: when blocks merge it moves to the start of
 *           the merged block, and when the break falls to or below it, it
 *           wraps to 0.
 *
 * Buddy: the same header (8 or 16 bytes), no footer. Block sizes are powers
 *   of two, the smallest >= max(minimum, header + requested), minimum 16 B
 *   (32 B for alignment 16), and each block's offset is a multiple of its
 *   size. The heap starts as one free block; a request takes the smallest
 *   free block that fits (lowest address on ties) and halves it, keeping the
 *   lower half, until it is the needed size. A freed block merges with its
 *   buddy (offset XOR size) while the buddy is a free block of the same size.
 *
 * Segregated fits (seglist) and TLSF: the fit policies' blocks, each free
 *   block also on a doubly linked list whose next/prev offsets are its first
 *   8 payload bytes (heap_lists.c has the layout; the heads and bitmaps are
 *   derived data in the index). seglist grows a break; tlsf tiles the heap
 *   as one pool from the start.
 *
 * Double free: free or realloc of an address that is the payload of a free
 *   block, or lies inside a free block's payload area at a payload-aligned
 *   spot (where a freed block's payload may have been), is a double free. Any
 *   other address that is not a live payload, including the wilderness, is
 *   "not allocated".
 *
 * Realloc where it reuses the old block's own bytes (in place) counts them as
 *   free when telling "no space" from "fragmented".
 *
 * Out of band, derived from the bytes and kept by block_place/block_forget:
 *   an index with one bit per alignment unit where a block starts and one
 *   where a free block starts, and over the latter a max tree of free block
 *   sizes. Free, realloc, write and the lookups find a block from the index
 *   without a walk, so a header forged inside a payload never counts; the
 *   fit searches visit only free blocks, skipping every stretch of the heap
 *   whose free blocks are all too small, in address order, so they choose
 *   exactly what a walk would; the tree's root is the largest free block for
 *   the statistics. heap_equal does not compare the index (equal bytes and
 *   break imply an equal index); heap_check rebuilds it from its walk.
 */

static const char *const status_messages[] = {
	[HEAP_OK] = "ok",
	[HEAP_ERR_ZERO_SIZE] = "cannot allocate 0 bytes",
	[HEAP_ERR_TOO_LARGE] = "request is larger than the whole heap",
	[HEAP_ERR_NO_SPACE] = "out of memory: too little free space in total",
	[HEAP_ERR_FRAGMENTED] = ("out of memory: enough free space in total but no single block large enough "
				 "(external fragmentation)"),
	[HEAP_ERR_NOT_ALLOCATED] = "address is not the start of a live allocation",
	[HEAP_ERR_DOUBLE_FREE] = "double free: that block is already free",
	[HEAP_ERR_OUT_OF_BOUNDS] = "write past the end of the payload",
	[HEAP_ERR_OVERFLOW] = "count x size overflows",
	[HEAP_ERR_BAD_CONFIG] = "heap configuration not allowed",
	[HEAP_ERR_HOST_MEMORY] = "the host is out of memory",
};

/* --- configuration -------------------------------------------------------- */

const char *heap_config_problem(const struct heap_config *config)
{
	const struct allocator_ops *ops;

	if (config == NULL)
		return "no heap configuration given";
	if (config->size < HEAP_MIN_SIZE || config->size > HEAP_MAX_SIZE)
		return "heap size must be between 64 B and 1 GiB";
	ops = allocator_get(config->policy);
	if (ops == NULL)
		return "unknown allocation policy";
	if (config->alignment != 4 && config->alignment != 8 && config->alignment != 16)
		return "alignment must be 4, 8 or 16";
	if (order_config_problem(config) != NULL)
		return order_config_problem(config);
	return ops->config_problem != NULL ? ops->config_problem(config) : NULL;
}

/* --- storage: the bytes and the index in copy-on-write pages --------------- */

bool heap_materialize(const struct heap *heap)
{
	struct heap *mutable = (struct heap *)heap; /* heaps are always malloc'd, never const objects */
	uint8_t *bytes, *index;

	if (heap->bytes != NULL)
		return true;
	bytes = pages_data(&mutable->data);
	index = pages_data(&mutable->index);
	if (bytes == NULL || index == NULL)
		return false;
	mutable->bytes = bytes;
	index_attach(mutable, index);
	return true;
}

/* Point bytes and the index at the working copies, or NULL where there are none yet. */
static void storage_attach(struct heap *heap)
{
	heap->bytes = heap->data.data != NULL && heap->index.data != NULL ? heap->data.data : NULL;
	index_attach(heap, heap->bytes != NULL ? heap->index.data : NULL);
}

enum heap_status heap_create(const struct heap_config *config, struct heap **out)
{
	struct heap *heap;

	if (out == NULL || heap_config_problem(config) != NULL)
		return HEAP_ERR_BAD_CONFIG;
	heap = calloc(1, sizeof *heap);
	if (heap == NULL)
		return HEAP_ERR_HOST_MEMORY;
	if (!pages_init(&heap->data, config->size)) {
		free(heap);
		return HEAP_ERR_HOST_MEMORY;
	}
	if (!pages_init(&heap->index, index_words(config->size) * sizeof(uint64_t) +
					      list_words(order_allocator(config->policy, config->order)) * sizeof(uint32_t))) {
		pages_release(&heap->data);
		free(heap);
		return HEAP_ERR_HOST_MEMORY;
	}
	heap->ops = order_allocator(config->policy, config->order);
	heap->policy = config->policy;
	heap->order = config->order;
	heap->alignment = config->alignment;
	heap->size = config->size;
	heap->footer_size = heap->ops->boundary_tags ? FIT_FOOTER_SIZE : 0;
	heap->min_block = heap->ops->min_block(heap);
	storage_attach(heap);
	if (heap->ops->create != NULL)
		heap->ops->create(heap);
	*out = heap;
	return HEAP_OK;
}

void heap_destroy(struct heap *heap)
{
	if (heap == NULL)
		return;
	pages_release(&heap->data);
	pages_release(&heap->index);
	free(heap);
}

/*
 * Copies share pages: publishing the source's changed pages is the only
 * copying, then the copy takes a reference on each tree's root. The source
 * is logically const (its bytes do not change, only how they are shared).
 */
struct heap *heap_clone(const struct heap *heap)
{
	struct heap *source = (struct heap *)heap;
	struct heap *copy = malloc(sizeof *copy);

	if (copy == NULL)
		return NULL;
	*copy = *heap;
	index_settle(source);
	if (!pages_clone(&copy->data, &source->data)) {
		free(copy);
		return NULL;
	}
	if (!pages_clone(&copy->index, &source->index)) {
		pages_release(&copy->data);
		free(copy);
		return NULL;
	}
	storage_attach(copy);
	return copy;
}

/*
 * All or nothing: publishing src's changed pages is the only step that can
 * fail for heaps of one size, so it goes first; after it, copying page trees
 * (and the differing pages into dst's working copies) allocates nothing. A
 * heap of another size, or whose index holds another allocator's lists, is
 * built whole as a clone first, then swapped in.
 */
enum heap_status heap_copy_into(struct heap *dst, const struct heap *src)
{
	struct heap *source = (struct heap *)src;
	struct pages data, index;

	if (dst == src)
		return HEAP_OK;
	if (dst->size != src->size || dst->index.size != src->index.size) { /* the index holds an allocator's lists */
		struct heap *copy = heap_clone(src);

		if (copy == NULL || (dst->bytes != NULL && !heap_ready(copy))) {
			heap_destroy(copy);
			return HEAP_ERR_HOST_MEMORY;
		}
		pages_release(&dst->data);
		pages_release(&dst->index);
		*dst = *copy;
		free(copy);
		return HEAP_OK;
	}
	index_settle(source);
	index_settle(dst);
	if (!pages_publish(&source->data) || !pages_publish(&source->index))
		return HEAP_ERR_HOST_MEMORY;
	data = dst->data;
	index = dst->index;
	pages_copy_into(&data, &source->data);
	pages_copy_into(&index, &source->index);
	*dst = *src;
	dst->data = data;
	dst->index = index;
	storage_attach(dst);
	return HEAP_OK;
}

/* Registers equal, failed_allocs aside; the derived data (largest free block, block-start index) follows from the bytes. */
static bool registers_equal_except_failures(const struct heap *a, const struct heap *b)
{
	return a->policy == b->policy && a->alignment == b->alignment && a->size == b->size &&
	       a->order == b->order && a->brk == b->brk && a->rover == b->rover && a->used_blocks == b->used_blocks &&
	       a->free_blocks == b->free_blocks && a->requested_bytes == b->requested_bytes &&
	       a->used_bytes == b->used_bytes && a->free_block_bytes == b->free_block_bytes &&
	       a->peak_requested == b->peak_requested;
}

bool heap_equal_except_failures(const struct heap *a, const struct heap *b)
{
	return registers_equal_except_failures(a, b) && pages_equal(&a->data, &b->data);
}

bool heap_equal(const struct heap *a, const struct heap *b)
{
	return a->failed_allocs == b->failed_allocs && heap_equal_except_failures(a, b);
}

size_t heap_unshared_bytes(const struct heap *heap)
{
	return sizeof *heap + pages_unshared_bytes(&heap->data) + pages_unshared_bytes(&heap->index);
}

size_t heap_changed_bytes(const struct heap *heap)
{
	return pages_changed_bytes(&heap->data);
}

size_t heap_work_bytes(const struct heap *heap)
{
	return heap->work_bytes;
}

size_t heap_bytes_not_shared_with(const struct heap *heap, const struct heap *base)
{
	return sizeof *heap + pages_bytes_not_in(&heap->data, base != NULL ? &base->data : NULL) +
	       pages_bytes_not_in(&heap->index, base != NULL ? &base->index : NULL);
}

/* --- statistics ----------------------------------------------------------- */

/* The largest free block, from the registers, compared with the wilderness. */
static size_t largest_free_block(const struct heap *heap)
{
	size_t largest = heap->size - heap->brk;
	size_t below = largest_free_indexed(heap);

	return below > largest ? below : largest;
}

void heap_get_stats(const struct heap *heap, struct heap_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	if (!heap_ready(heap))
		return; /* host out of memory making a clone's working copy */
	stats->heap_size = heap->size;
	stats->brk = heap->brk;
	stats->used_blocks = heap->used_blocks;
	stats->free_blocks = heap->free_blocks;
	stats->requested_bytes = heap->requested_bytes;
	stats->used_bytes = heap->used_bytes;
	stats->overhead_bytes = heap->used_bytes - heap->requested_bytes;
	stats->wilderness_bytes = heap->size - heap->brk;
	stats->free_bytes = heap->free_block_bytes + stats->wilderness_bytes;
	stats->largest_free = largest_free_block(heap);
	stats->failed_allocs = heap->failed_allocs;
	if (stats->free_bytes > 0)
		stats->external_fragmentation = 1.0 - (double)stats->largest_free / (double)stats->free_bytes;
	stats->utilization = (double)heap->requested_bytes / (double)heap->size;
	stats->peak_utilization = (double)heap->peak_requested / (double)heap->size;
}

/* --- queries -------------------------------------------------------------- */

const uint8_t *heap_bytes(const struct heap *heap)
{
	return heap_ready(heap) ? heap->bytes : NULL;
}

uint8_t *heap_bytes_for_testing(struct heap *heap)
{
	if (!heap_ready(heap))
		return NULL;
	note_written(heap, 0, heap->size); /* the test may write anywhere: every page may change, the checker reads every byte */
	return heap->bytes;
}

size_t heap_size(const struct heap *heap)
{
	return heap->size;
}

size_t heap_break(const struct heap *heap)
{
	return heap->brk;
}

enum heap_policy heap_policy(const struct heap *heap)
{
	return heap->policy;
}

unsigned heap_alignment(const struct heap *heap)
{
	return heap->alignment;
}

size_t heap_header_size(const struct heap *heap)
{
	return block_header_size(heap);
}

size_t heap_rover(const struct heap *heap)
{
	return heap->ops->search_start != NULL ? heap->ops->search_start(heap) : 0;
}

const char *heap_status_message(enum heap_status status)
{
	if ((unsigned)status >= sizeof status_messages / sizeof status_messages[0])
		return "unknown status";
	return status_messages[status];
}
