/* heap.c - the simulated heap's public API: creation, dispatch to a policy, statistics, the walker and names. */
#include "heap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heap_internal.h"

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

/* Names of a policy, one row each: the short word the command line takes and the title. */
struct policy_names {
	const char *name;
	const char *title;
};

static const struct policy_names policy_table[POLICY_COUNT] = {
	[POLICY_FIRST_FIT] = { "first", "first fit" },
	[POLICY_NEXT_FIT] = { "next", "next fit" },
	[POLICY_BEST_FIT] = { "best", "best fit" },
	[POLICY_WORST_FIT] = { "worst", "worst fit" },
	[POLICY_BUDDY] = { "buddy", "buddy" },
};

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

/* The operations that differ between the fit policies and buddy. */
struct policy_ops {
	enum heap_status (*alloc)(struct heap *heap, size_t request, struct heap_placement *placement);
	void (*free)(struct heap *heap, size_t block, struct heap_release *release);
	enum heap_status (*realloc)(struct heap *heap, size_t block, size_t request,
				    struct heap_placement *placement);
	size_t (*need)(const struct heap *heap, size_t request);
};

static const struct policy_ops fit_ops = { fit_alloc, fit_free, fit_realloc, fit_block_need };
static const struct policy_ops buddy_ops = { buddy_alloc, buddy_free, buddy_realloc, buddy_block_need };

static const struct policy_ops *ops_of(const struct heap *heap)
{
	return heap_is_buddy(heap) ? &buddy_ops : &fit_ops;
}

/* --- registers ------------------------------------------------------------ */

unsigned size_order(size_t size)
{
	return lowest_bit((uint64_t)size);
}

static void starts_set(struct heap *heap, size_t block)
{
	size_t unit = unit_of(heap, block);

	heap->starts[unit / 64] |= (uint64_t)1 << (unit % 64);
}

static void starts_clear(struct heap *heap, size_t block)
{
	size_t unit = unit_of(heap, block);

	heap->starts[unit / 64] &= ~((uint64_t)1 << (unit % 64));
}

bool block_containing(const struct heap *heap, size_t address, size_t *block)
{
	size_t unit = unit_of(heap, address);
	size_t word = unit / 64;
	unsigned bit = (unsigned)(unit % 64);
	uint64_t bits = heap->starts[word] & (bit == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (bit + 1)) - 1);

	while (bits == 0) {
		if (word == 0)
			return false;
		bits = heap->starts[--word];
	}
	*block = (word * 64 + highest_bit(bits)) * heap->alignment;
	return true;
}

/* The largest free block starting in this index word, from the bitmap and the headers. */
size_t free_word_max(const struct heap *heap, size_t word)
{
	uint64_t bits = heap->free_starts[word];
	size_t largest = 0;

	while (bits != 0) {
		size_t size = block_size(heap, (word * 64 + lowest_bit(bits)) * heap->alignment);

		if (size > largest)
			largest = size;
		bits &= bits - 1;
	}
	return largest;
}

/* A free block of this size now starts in word: raise the leaf and its ancestors. */
static void free_max_raise(struct heap *heap, size_t word, size_t size)
{
	for (size_t node = heap->leaves + word; node >= 1 && heap->free_max[node] < size; node >>= 1)
		heap->free_max[node] = (uint32_t)size;
}

/* A free block left word: find the leaf again and mend the ancestors that change. */
static void free_max_refresh(struct heap *heap, size_t word)
{
	size_t node = heap->leaves + word;

	heap->free_max[node] = (uint32_t)free_word_max(heap, word);
	for (node >>= 1; node >= 1; node >>= 1) {
		uint32_t left = heap->free_max[2 * node], right = heap->free_max[2 * node + 1];
		uint32_t larger = left > right ? left : right;

		if (heap->free_max[node] == larger)
			break;
		heap->free_max[node] = larger;
	}
}

size_t free_word_at_least(const struct heap *heap, size_t word, size_t need)
{
	size_t node;

	if (word >= heap->leaves)
		return SIZE_MAX;
	/* Up and right until a subtree holds a block large enough, then down its leftmost such path. */
	for (node = heap->leaves + word; heap->free_max[node] < need; node++) {
		while (node & 1) {
			if (node == 1)
				return SIZE_MAX;
			node >>= 1;
		}
	}
	while (node < heap->leaves) {
		node *= 2;
		if (heap->free_max[node] < need)
			node++;
	}
	return node - heap->leaves;
}

bool first_free_block_of_size(const struct heap *heap, size_t size, size_t *found)
{
	if (size == 0)
		return false;
	for (size_t word = free_word_at_least(heap, 0, size); word != SIZE_MAX;
	     word = free_word_at_least(heap, word + 1, size)) {
		for (uint64_t bits = heap->free_starts[word]; bits != 0; bits &= bits - 1) {
			size_t block = (word * 64 + lowest_bit(bits)) * heap->alignment;

			if (block_size(heap, block) == size) {
				*found = block;
				return true;
			}
		}
	}
	return false;
}

static void free_block_indexed(struct heap *heap, size_t block, size_t size)
{
	size_t unit = unit_of(heap, block);

	heap->free_starts[unit / 64] |= (uint64_t)1 << (unit % 64);
	free_max_raise(heap, unit / 64, size);
	if (heap_is_buddy(heap))
		heap->free_per_order[size_order(size)]++;
}

static void free_block_unindexed(struct heap *heap, size_t block, size_t size)
{
	size_t unit = unit_of(heap, block);

	heap->free_starts[unit / 64] &= ~((uint64_t)1 << (unit % 64));
	if (heap->free_max[heap->leaves + unit / 64] == size)
		free_max_refresh(heap, unit / 64);
	if (heap_is_buddy(heap))
		heap->free_per_order[size_order(size)]--;
}

void block_place(struct heap *heap, size_t block, size_t size, bool used, size_t requested)
{
	size_t header = block_header_size(heap);
	uint32_t word = (uint32_t)size | (used ? (uint32_t)BLOCK_ALLOCATED_FLAG : 0u);

	note_written(heap, block + (heap_is_buddy(heap) ? header : size));
	store_le32(heap->bytes + block, word);
	store_le32(heap->bytes + block + 4, used ? (uint32_t)requested : 0u);
	memset(heap->bytes + block + 8, 0, header - 8);
	if (!heap_is_buddy(heap))
		store_le32(heap->bytes + block + size - FIT_FOOTER_SIZE, word);
	starts_set(heap, block);
	if (used) {
		heap->used_blocks++;
		heap->used_bytes += size;
		heap->requested_bytes += requested;
	} else {
		heap->free_blocks++;
		heap->free_block_bytes += size;
		free_block_indexed(heap, block, size);
	}
}

void block_forget(struct heap *heap, size_t block)
{
	size_t size = block_size(heap, block);

	if (block_is_used(heap, block)) {
		heap->used_blocks--;
		heap->used_bytes -= size;
		heap->requested_bytes -= block_requested(heap, block);
	} else {
		heap->free_blocks--;
		heap->free_block_bytes -= size;
		free_block_unindexed(heap, block, size);
	}
	starts_clear(heap, block);
}

enum heap_status heap_refusal(const struct heap *heap, size_t need, size_t reusable)
{
	size_t free_total = heap->free_block_bytes + reusable;

	if (!heap_is_buddy(heap))
		free_total += heap_usable_end(heap) - heap->brk;
	return need > free_total ? HEAP_ERR_NO_SPACE : HEAP_ERR_FRAGMENTED;
}

/* --- configuration -------------------------------------------------------- */

const char *heap_config_problem(const struct heap_config *config)
{
	if (config == NULL)
		return "no heap configuration given";
	if (config->size < HEAP_MIN_SIZE || config->size > HEAP_MAX_SIZE)
		return "heap size must be between 64 B and 16 MiB";
	if ((unsigned)config->policy >= POLICY_COUNT)
		return "unknown allocation policy";
	if (config->alignment != 4 && config->alignment != 8 && config->alignment != 16)
		return "alignment must be 4, 8 or 16";
	if (config->policy == POLICY_BUDDY && !is_power_of_two(config->size))
		return "buddy needs a power-of-two heap size";
	return NULL;
}

/* Point the index fields into one allocation of index_words(size) words, laid out as heap_internal.h says. */
static void index_attach(struct heap *heap, uint64_t *index, size_t size)
{
	heap->starts = index;
	heap->free_starts = index + starts_words(size);
	heap->free_max = (uint32_t *)(index + 2 * starts_words(size));
	heap->leaves = tree_leaves(size);
}

enum heap_status heap_create(const struct heap_config *config, struct heap **out)
{
	struct heap *heap;

	if (out == NULL || heap_config_problem(config) != NULL)
		return HEAP_ERR_BAD_CONFIG;
	heap = calloc(1, sizeof *heap);
	if (heap == NULL)
		return HEAP_ERR_HOST_MEMORY;
	heap->bytes = calloc(config->size, 1);
	heap->starts = calloc(index_words(config->size), sizeof *heap->starts);
	if (heap->bytes == NULL || heap->starts == NULL) {
		free(heap->bytes);
		free(heap->starts);
		free(heap);
		return HEAP_ERR_HOST_MEMORY;
	}
	index_attach(heap, heap->starts, config->size);
	heap->policy = config->policy;
	heap->alignment = config->alignment;
	heap->size = config->size;
	if (heap_is_buddy(heap)) {
		heap->brk = heap->size;
		block_place(heap, 0, heap->size, false, 0);
	}
	*out = heap;
	return HEAP_OK;
}

void heap_destroy(struct heap *heap)
{
	if (heap == NULL)
		return;
	free(heap->bytes);
	free(heap->starts);
	free(heap);
}

struct heap *heap_clone(const struct heap *heap)
{
	struct heap *copy = malloc(sizeof *copy);

	if (copy == NULL)
		return NULL;
	*copy = *heap;
	copy->bytes = malloc(heap->size);
	copy->starts = malloc(index_words(heap->size) * sizeof *copy->starts);
	if (copy->bytes == NULL || copy->starts == NULL) {
		free(copy->bytes);
		free(copy->starts);
		free(copy);
		return NULL;
	}
	memcpy(copy->bytes, heap->bytes, heap->size);
	memcpy(copy->starts, heap->starts, index_words(heap->size) * sizeof *copy->starts);
	index_attach(copy, copy->starts, heap->size);
	return copy;
}

enum heap_status heap_copy_into(struct heap *dst, const struct heap *src)
{
	uint8_t *bytes = dst->bytes;
	uint64_t *starts = dst->starts;

	if (dst == src)
		return HEAP_OK;
	if (dst->size != src->size) {
		bytes = malloc(src->size);
		starts = malloc(index_words(src->size) * sizeof *starts);
		if (bytes == NULL || starts == NULL) {
			free(bytes);
			free(starts);
			return HEAP_ERR_HOST_MEMORY;
		}
		free(dst->bytes);
		free(dst->starts);
	}
	*dst = *src;
	dst->bytes = bytes;
	memcpy(bytes, src->bytes, src->size);
	memcpy(starts, src->starts, index_words(src->size) * sizeof *starts);
	index_attach(dst, starts, src->size);
	return HEAP_OK;
}

/* Registers equal, failed_allocs aside; the derived data (largest free block, block-start index) follows from the bytes. */
static bool registers_equal_except_failures(const struct heap *a, const struct heap *b)
{
	return a->policy == b->policy && a->alignment == b->alignment && a->size == b->size &&
	       a->brk == b->brk && a->rover == b->rover && a->used_blocks == b->used_blocks &&
	       a->free_blocks == b->free_blocks && a->requested_bytes == b->requested_bytes &&
	       a->used_bytes == b->used_bytes && a->free_block_bytes == b->free_block_bytes &&
	       a->peak_requested == b->peak_requested;
}

bool heap_equal_except_failures(const struct heap *a, const struct heap *b)
{
	return registers_equal_except_failures(a, b) && memcmp(a->bytes, b->bytes, a->size) == 0;
}

bool heap_equal(const struct heap *a, const struct heap *b)
{
	return a->failed_allocs == b->failed_allocs && heap_equal_except_failures(a, b);
}

/* --- requests ------------------------------------------------------------- */

/* Block size a request needs, saturating for requests beyond the heap. */
static size_t request_need(const struct heap *heap, size_t request)
{
	if (request > heap->size)
		return request > SIZE_MAX - 64 ? SIZE_MAX : request + block_header_size(heap) + FIT_FOOTER_SIZE;
	return ops_of(heap)->need(heap, request);
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

/* Keep the next-fit rover at a block start below the break (or 0) after blocks changed. */
static void heap_settle(struct heap *heap)
{
	size_t block = 0;

	if (heap->policy != POLICY_NEXT_FIT)
		return;
	if (heap->rover >= heap->brk || !block_containing(heap, heap->rover, &block))
		heap->rover = 0;
	else
		heap->rover = block;
}

enum heap_status heap_alloc(struct heap *heap, size_t size, struct heap_placement *placement)
{
	struct heap_placement result = { 0 };
	enum heap_status status;

	if (size == 0)
		return HEAP_ERR_ZERO_SIZE;
	if (size > heap->size)
		return refuse(heap, HEAP_ERR_TOO_LARGE, request_need(heap, size), placement);
	status = ops_of(heap)->alloc(heap, size, &result);
	if (status != HEAP_OK)
		return refuse(heap, status, result.need, placement);
	heap_settle(heap);
	note_peak(heap);
	if (placement != NULL)
		*placement = result;
	return HEAP_OK;
}

enum heap_status heap_calloc(struct heap *heap, size_t count, size_t size, struct heap_placement *placement)
{
	struct heap_placement result;
	enum heap_status status;

	if (size != 0 && count > SIZE_MAX / size)
		return HEAP_ERR_OVERFLOW;
	status = heap_alloc(heap, count * size, &result);
	if (status == HEAP_OK) {
		note_written(heap, result.payload + count * size);
		memset(heap->bytes + result.payload, 0, count * size);
	}
	if (placement != NULL && status != HEAP_ERR_ZERO_SIZE)
		*placement = result;
	return status;
}

/* Find the block a payload address belongs to; says why when it is not a live allocation. */
static enum heap_status locate_allocation(const struct heap *heap, size_t address, size_t *found)
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

enum heap_status heap_free(struct heap *heap, size_t address, struct heap_release *release)
{
	struct heap_release result = { 0 };
	size_t block;
	enum heap_status status = locate_allocation(heap, address, &block);

	if (status != HEAP_OK)
		return status;
	ops_of(heap)->free(heap, block, &result);
	heap_settle(heap);
	if (release != NULL)
		*release = result;
	return HEAP_OK;
}

enum heap_status heap_realloc(struct heap *heap, size_t address, size_t size, struct heap_placement *placement)
{
	struct heap_placement result = { 0 };
	size_t block;
	enum heap_status status = locate_allocation(heap, address, &block);

	if (status != HEAP_OK)
		return status;
	if (size == 0)
		return HEAP_ERR_ZERO_SIZE;
	if (size > heap->size)
		return refuse(heap, HEAP_ERR_TOO_LARGE, request_need(heap, size), placement);
	status = ops_of(heap)->realloc(heap, block, size, &result);
	if (status != HEAP_OK)
		return refuse(heap, status, result.need, placement);
	heap_settle(heap);
	note_peak(heap);
	result.old_payload = address;
	if (placement != NULL)
		*placement = result;
	return HEAP_OK;
}

/* Writes reach only live payloads; a freed block is as foreign as any other address. */
static enum heap_status locate_payload(const struct heap *heap, size_t address, size_t *requested)
{
	size_t block;

	if (locate_allocation(heap, address, &block) != HEAP_OK)
		return HEAP_ERR_NOT_ALLOCATED;
	*requested = block_requested(heap, block);
	return HEAP_OK;
}

enum heap_status heap_write(struct heap *heap, size_t address, size_t offset, const void *data, size_t len)
{
	size_t requested;
	enum heap_status status = locate_payload(heap, address, &requested);

	if (status != HEAP_OK)
		return status;
	if (offset > requested || len > requested - offset)
		return HEAP_ERR_OUT_OF_BOUNDS;
	if (len > 0) {
		note_written(heap, address + offset + len);
		memcpy(heap->bytes + address + offset, data, len);
	}
	return HEAP_OK;
}

enum heap_status heap_fill(struct heap *heap, size_t address, uint8_t value)
{
	size_t requested;
	enum heap_status status = locate_payload(heap, address, &requested);

	if (status != HEAP_OK)
		return status;
	note_written(heap, address + requested);
	memset(heap->bytes + address, value, requested);
	return HEAP_OK;
}

/* --- walking -------------------------------------------------------------- */

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

	if (address >= heap->size)
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

	if (locate_allocation(heap, address, &block) != HEAP_OK)
		return false;
	describe_block(heap, block, view);
	return true;
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
	return heap->bytes;
}

uint8_t *heap_bytes_for_testing(struct heap *heap)
{
	heap->written_end = heap->size; /* the test may write anywhere: the checker reads every byte again */
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
	return heap->policy == POLICY_NEXT_FIT ? heap->rover : 0;
}

/* --- names ---------------------------------------------------------------- */

const char *heap_policy_name(enum heap_policy policy)
{
	return (unsigned)policy < POLICY_COUNT ? policy_table[policy].name : "unknown";
}

const char *heap_policy_title(enum heap_policy policy)
{
	return (unsigned)policy < POLICY_COUNT ? policy_table[policy].title : "unknown";
}

bool heap_policy_parse(const char *word, enum heap_policy *policy)
{
	if (word == NULL)
		return false;
	for (unsigned i = 0; i < POLICY_COUNT; i++) {
		if (strcasecmp(word, policy_table[i].name) == 0) {
			*policy = (enum heap_policy)i;
			return true;
		}
	}
	return false;
}

const char *heap_status_message(enum heap_status status)
{
	if ((unsigned)status >= sizeof status_messages / sizeof status_messages[0])
		return "unknown status";
	return status_messages[status];
}
