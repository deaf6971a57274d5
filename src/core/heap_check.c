/* heap_check.c - the heap checker: walks the bytes and lists every broken invariant instead of aborting. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heap_internal.h"
#include "heap_order.h"

void heap_report_problem(struct heap_report *report, size_t offset, const char *format, ...)
{
	if (report->count < report->max) {
		struct heap_problem *problem = &report->problems[report->count];
		va_list args;

		problem->offset = offset;
		va_start(args, format);
		vsnprintf(problem->message, sizeof problem->message, format, args);
		va_end(args);
	}
	report->count++;
}

static void check_registers(const struct heap *heap, struct heap_report *out)
{
	if (order_allocator(heap->policy, heap->order) != heap->ops || heap->ops == NULL ||
	    (heap->alignment != 4 && heap->alignment != 8 && heap->alignment != 16)) {
		heap_report_problem(out, 0, "unknown policy %u or alignment %u", (unsigned)heap->policy, heap->alignment);
		return;
	}
	if (heap->size < HEAP_MIN_SIZE || heap->size > HEAP_MAX_SIZE)
		heap_report_problem(out, 0, "heap size %zu is outside 64 B..1 GiB", heap->size);
	if (heap->brk > heap_usable_end(heap))
		heap_report_problem(out, heap->brk, "break 0x%zx lies past the usable end 0x%zx", heap->brk, heap_usable_end(heap));
	if (heap->brk % heap->alignment != 0)
		heap_report_problem(out, heap->brk, "break 0x%zx is not a multiple of the alignment %u", heap->brk, heap->alignment);
}

/* The header word 1 and the header's padding must say what the block's state says. */
static void check_header(const struct heap *heap, size_t block, size_t size, struct heap_report *out)
{
	size_t header = block_header_size(heap);
	size_t requested = block_requested(heap, block);
	uint32_t word = block_word(heap, block);

	if ((word & (uint32_t)BLOCK_FLAG_MASK & ~(uint32_t)BLOCK_ALLOCATED_FLAG) != 0)
		heap_report_problem(out, block, "block at 0x%zx has unknown flag bits set", block);
	for (size_t i = 8; i < header; i++) {
		if (heap->bytes[block + i] != 0) {
			heap_report_problem(out, block + i, "block at 0x%zx has non-zero header padding", block);
			break;
		}
	}
	if (!block_is_used(heap, block)) {
		if (requested != 0)
			heap_report_problem(out, block, "free block at 0x%zx records a requested size of %zu", block, requested);
		return;
	}
	if (requested == 0)
		heap_report_problem(out, block, "used block at 0x%zx records a requested size of 0", block);
	else if (header + requested + block_footer_size(heap) > size)
		heap_report_problem(out, block, "used block at 0x%zx (%zu B) is too small for its %zu requested bytes", block, size,
		       requested);
	if ((block_payload(heap, block) & (heap->alignment - 1)) != 0)
		heap_report_problem(out, block, "payload at 0x%zx is not %u-aligned", block_payload(heap, block), heap->alignment);
}

/* Shape rules; false when the size is too broken to step over. */
static bool check_shape(const struct heap *heap, size_t block, size_t size, struct heap_report *out)
{
	bool walkable = true;

	if (size < block_min_size(heap)) {
		heap_report_problem(out, block, "block at 0x%zx is %zu B, below the minimum %zu B", block, size, block_min_size(heap));
		walkable = false;
	} else if (size > heap->brk - block) {
		heap_report_problem(out, block, "block at 0x%zx (%zu B) runs past the %s at 0x%zx", block, size,
		       heap->ops->grows_break ? "break" : "heap end", heap->brk);
		walkable = false;
	}
	if ((size & (heap->alignment - 1)) != 0)
		heap_report_problem(out, block, "block at 0x%zx: size %zu is not a multiple of the alignment %u", block, size,
		       heap->alignment);
	if (heap->ops->check_block != NULL)
		heap->ops->check_block(heap, block, size, out);
	if (heap->ops->boundary_tags && walkable) {
		uint32_t footer = load_le32(heap->bytes + block + size - FIT_FOOTER_SIZE);

		if (footer != block_word(heap, block))
			heap_report_problem(out, block + size - FIT_FOOTER_SIZE,
			       "block at 0x%zx: footer 0x%08x does not match header 0x%08x", block, (unsigned)footer,
			       (unsigned)block_word(heap, block));
	}
	return walkable;
}

/* Rules between a block and the one before it. */
static void check_neighbours(const struct heap *heap, size_t previous, size_t block, struct heap_report *out)
{
	if (heap->ops->check_pair != NULL)
		heap->ops->check_pair(heap, previous, block, out);
}

static void count_block(const struct heap *heap, size_t block, size_t size, struct heap_tally *tally)
{
	if (block_is_used(heap, block)) {
		tally->used_blocks++;
		tally->used_bytes += size;
		tally->requested_bytes += block_requested(heap, block);
	} else {
		tally->free_blocks++;
		tally->free_block_bytes += size;
		if (size > tally->largest_free)
			tally->largest_free = size;
		if (heap->ops->size_classes && is_power_of_two(size))
			tally->free_per_order[size_order(size)]++;
	}
	if (block == heap->rover)
		tally->rover_seen = true;
}

static bool index_bit(const uint64_t *bitmap, size_t unit)
{
	return (bitmap[unit / 64] >> (unit % 64) & 1u) != 0;
}

/* Each block's bits: set in the start index, and in the free-block index exactly when it is free. */
static void check_block_index(const struct heap *heap, size_t block, struct heap_tally *tally, struct heap_report *out)
{
	size_t unit = unit_of(heap, block);

	if (!tally->index_ok)
		return;
	if (!index_bit(heap->starts, unit)) {
		heap_report_problem(out, block, "block-start index misses the block at 0x%zx", block);
		tally->index_ok = false;
	} else if (index_bit(heap->free_starts, unit) == block_is_used(heap, block)) {
		heap_report_problem(out, block, "free-block index disagrees with the %s block at 0x%zx",
		       block_is_used(heap, block) ? "used" : "free", block);
		tally->index_ok = false;
	}
}

/* Walk the blocks below the break; false when the walk could not reach the break. */
static bool check_blocks(const struct heap *heap, struct heap_tally *tally, struct heap_report *out)
{
	size_t block = 0;
	size_t previous = 0;

	while (block < heap->brk) {
		size_t size;

		if (heap->brk - block < block_header_size(heap)) {
			heap_report_problem(out, block, "no room for a block header at 0x%zx below the break", block);
			return false;
		}
		size = block_size(heap, block);
		if (!check_shape(heap, block, size, out))
			return false;
		check_header(heap, block, size, out);
		check_block_index(heap, block, tally, out);
		if (block > 0)
			check_neighbours(heap, previous, block, out);
		count_block(heap, block, size, tally);
		previous = block;
		block += size;
	}
	if (heap->ops->grows_break && heap->brk > 0 && !block_is_used(heap, previous))
		heap_report_problem(out, previous, "free block at 0x%zx lies just below the break instead of in the wilderness",
		       previous);
	return true;
}

/*
 * The wilderness must be zero. Above written_end no write has ever landed
 * (every write notes its end; heap_bytes_for_testing sets it to the size), so
 * the bytes there are calloc's zeros and only [brk, written_end) is read.
 */
static void check_wilderness(const struct heap *heap, struct heap_report *out)
{
	static const uint8_t zeros[4096];
	size_t end = heap->written_end < heap->size ? heap->written_end : heap->size;
	size_t at = heap->brk;

	/* Compare a page at a time; look byte by byte only within a page that differs. */
	while (at < end) {
		size_t len = end - at < sizeof zeros ? end - at : sizeof zeros;

		if (memcmp(heap->bytes + at, zeros, len) != 0) {
			while (heap->bytes[at] == 0)
				at++;
			heap_report_problem(out, at, "wilderness byte at 0x%zx is 0x%02x, not zero", at, heap->bytes[at]);
			return;
		}
		at += len;
	}
}

static void check_counter(const char *name, size_t kept, size_t walked, struct heap_report *out)
{
	if (kept != walked)
		heap_report_problem(out, 0, "%s: the registers say %zu, the walk counts %zu", name, kept, walked);
}

static unsigned bits_set(uint64_t bits)
{
	bits -= bits >> 1 & 0x5555555555555555u;
	bits = (bits & 0x3333333333333333u) + (bits >> 2 & 0x3333333333333333u);
	bits = (bits + (bits >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (unsigned)((bits * 0x0101010101010101u) >> 56);
}

/*
 * Once every block's bits are right: as many bits as blocks (so no stray bit),
 * each leaf of the tree the largest free block starting in its word, each
 * node the larger of its children. The index is only ever marked for blocks
 * block_place wrote, all below written_end, so as with the wilderness the
 * words above it are calloc's zeros and the pass stops there.
 */
static void check_index(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	const uint32_t *tree = heap->free_max;
	size_t written = heap->written_end < heap->size ? heap->written_end : heap->size;
	size_t top = (unit_of(heap, written + heap->alignment - 1) + 63) / 64; /* index words that may be marked */
	size_t starts = 0, free_starts = 0;
	size_t bad_leaf = SIZE_MAX;
	uint32_t node_diff = 0;

	for (size_t word = 0; word < top; word++) {
		uint64_t all = heap->starts[word];
		uint64_t free_bits = heap->free_starts[word];

		if ((all | free_bits) == 0) {
			if (tree[heap->leaves + word] != 0 && bad_leaf == SIZE_MAX)
				bad_leaf = word;
			continue;
		}
		starts += bits_set(all);
		free_starts += bits_set(free_bits);
		if (tree[heap->leaves + word] != free_word_max(heap, word) && bad_leaf == SIZE_MAX)
			bad_leaf = word;
	}
	if (starts != tally->used_blocks + tally->free_blocks)
		heap_report_problem(out, 0, "block-start index marks %zu blocks, the walk counts %zu", starts,
		       tally->used_blocks + tally->free_blocks);
	if (free_starts != tally->free_blocks)
		heap_report_problem(out, 0, "free-block index marks %zu blocks, the walk counts %zu", free_starts, tally->free_blocks);
	if (starts != tally->used_blocks + tally->free_blocks || free_starts != tally->free_blocks)
		return;
	if (bad_leaf != SIZE_MAX) {
		heap_report_problem(out, bad_leaf * 64 * heap->alignment,
		       "free-size tree: leaf for 0x%zx is %zu B, the largest free block there is %zu B",
		       bad_leaf * 64 * heap->alignment, (size_t)tree[heap->leaves + bad_leaf],
		       free_word_max(heap, bad_leaf));
		return;
	}
	/* Level by level, the nodes over the first top leaves: node first + i spans leaves [i * span, (i + 1) * span). */
	for (size_t first = 1, span = heap->leaves; first < heap->leaves; first *= 2, span /= 2) {
		size_t count = (top + span - 1) / span;

		for (size_t node = first; node < first + count; node++) {
			uint32_t left = tree[2 * node], right = tree[2 * node + 1];

			node_diff |= tree[node] ^ (left > right ? left : right);
		}
	}
	if (node_diff != 0)
		heap_report_problem(out, 0, "free-size tree: a node is not the larger of its children");
	check_counter("largest free block", largest_free_indexed(heap), tally->largest_free, out);
}

static void check_accounting(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	check_counter("used blocks", heap->used_blocks, tally->used_blocks, out);
	check_counter("free blocks", heap->free_blocks, tally->free_blocks, out);
	check_counter("requested bytes", heap->requested_bytes, tally->requested_bytes, out);
	check_counter("used bytes", heap->used_bytes, tally->used_bytes, out);
	check_counter("free block bytes", heap->free_block_bytes, tally->free_block_bytes, out);
	if (heap->ops->size_classes)
		for (unsigned order = 0; order < HEAP_ORDERS; order++)
			if (heap->free_per_order[order] != tally->free_per_order[order])
				heap_report_problem(out, 0, "free buddy blocks of %zu B: the registers say %zu, the walk counts %zu",
				       (size_t)1 << order, heap->free_per_order[order], tally->free_per_order[order]);
	if (tally->index_ok)
		check_index(heap, tally, out);
	if (heap->peak_requested < heap->requested_bytes)
		heap_report_problem(out, 0, "peak requested bytes %zu is below the current %zu", heap->peak_requested,
		       heap->requested_bytes);
	if (heap->ops->search_start == NULL && heap->rover != 0)
		heap_report_problem(out, heap->rover, "rover 0x%zx set under a policy without one", heap->rover);
	if (heap->ops->check_heap != NULL)
		heap->ops->check_heap(heap, tally, out);
}

size_t heap_check(const struct heap *heap, struct heap_problem *problems, size_t max)
{
	struct heap_report out = { problems, problems == NULL ? 0 : max, 0 };
	struct heap_tally tally = { .index_ok = true };

	if (!heap_ready(heap)) {
		heap_report_problem(&out, 0, "the host is out of memory: the heap cannot be read");
		return out.count;
	}
	check_registers(heap, &out);
	if (out.count > 0)
		return out.count;
	if (check_blocks(heap, &tally, &out))
		check_accounting(heap, &tally, &out);
	check_wilderness(heap, &out);
	return out.count;
}
