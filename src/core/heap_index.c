/* heap_index.c - the block-start index: bitmaps of where blocks and free blocks start, and a max tree of free sizes. */
#include "heap_internal.h"

/*
 * The index is derived from the bytes and the break, and kept by
 * block_place/block_forget through index_add/index_remove, so searches,
 * statistics and address checks need no walk and a header forged inside a
 * payload never counts as a block. It lives in its own pages (heap->index),
 * shared copy-on-write with clones like the bytes: every store into it goes
 * through index_store_* so the pages know what changed.
 */

void index_attach(struct heap *heap, uint8_t *index)
{
	size_t words = starts_words(heap->size);

	heap->starts = (uint64_t *)(void *)index;
	heap->free_starts = index != NULL ? heap->starts + words : NULL;
	heap->free_max = index != NULL ? (uint32_t *)(void *)(heap->starts + 2 * words) : NULL;
	heap->leaves = tree_leaves(heap->size);
	heap->lists = index != NULL && heap->ops->list_subs != 0
			      ? (uint32_t *)(void *)(heap->starts + index_words(heap->size))
			      : NULL;
}

static inline void bitmap_set(struct heap *heap, uint64_t *bitmap, size_t unit, bool on)
{
	uint64_t bit = (uint64_t)1 << (unit % 64);
	size_t word = (size_t)(bitmap - heap->starts) + unit / 64;

	pages_touch_word(&heap->index, word * sizeof *bitmap);
	if (on)
		bitmap[unit / 64] |= bit;
	else
		bitmap[unit / 64] &= ~bit;
}

/* Byte offset of tree node n in the index. */
static size_t tree_offset(const struct heap *heap, size_t node)
{
	return 2 * starts_words(heap->size) * sizeof(uint64_t) + node * sizeof(uint32_t);
}

/*
 * A store into the tree marks only the leaf's page: every stored node lies on
 * the path from a stored leaf to the root, so index_settle, run before the
 * pages are shared or restored, marks the ancestors' pages from the leaves'
 * (one range per level per changed page, not a mark per node per store).
 */
static inline void tree_touch_leaf(struct heap *heap, size_t leaf)
{
	pages_touch_word(&heap->index, tree_offset(heap, leaf) & ~(size_t)7);
}

void index_settle(struct heap *heap)
{
	struct pages *index = &heap->index;
	size_t base = tree_offset(heap, 0), nodes = 2 * heap->leaves;

	if (index->dirty == NULL)
		return;
	for (size_t word = 0; word < (index->count + 63) / 64; word++) {
		for (uint64_t bits = index->dirty[word]; bits != 0; bits &= bits - 1) {
			size_t lo = (word * 64 + lowest_bit(bits)) * PAGES_PAGE_SIZE;
			size_t hi = lo + PAGES_PAGE_SIZE < index->size ? lo + PAGES_PAGE_SIZE : index->size;
			size_t first, last;

			if (hi <= base)
				continue; /* bitmaps only */
			first = lo > base ? (lo - base) / sizeof(uint32_t) : 0;
			last = (hi - base + sizeof(uint32_t) - 1) / sizeof(uint32_t);
			if (last > nodes)
				last = nodes;
			/* Parents of nodes [first, last) are [first / 2, (last - 1) / 2 + 1); from node 1 they are in range already. */
			while (first > 1 && first < last) {
				first /= 2;
				last = (last - 1) / 2 + 1;
				pages_touch(index, tree_offset(heap, first), tree_offset(heap, last));
			}
		}
	}
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
	size_t node = heap->leaves + word;

	for (; node >= 1 && heap->free_max[node] < size; node >>= 1)
		heap->free_max[node] = (uint32_t)size;
	if (node != heap->leaves + word)
		tree_touch_leaf(heap, heap->leaves + word);
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
	tree_touch_leaf(heap, heap->leaves + word);
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

void index_add(struct heap *heap, size_t block, size_t size, bool used)
{
	size_t unit = unit_of(heap, block);

	bitmap_set(heap, heap->starts, unit, true);
	if (used)
		return;
	bitmap_set(heap, heap->free_starts, unit, true);
	free_max_raise(heap, unit / 64, size);
	if (heap->ops->size_classes)
		heap->free_per_order[size_order(size)]++;
}

void index_remove(struct heap *heap, size_t block, size_t size, bool used)
{
	size_t unit = unit_of(heap, block);

	bitmap_set(heap, heap->starts, unit, false);
	if (used)
		return;
	bitmap_set(heap, heap->free_starts, unit, false);
	if (heap->free_max[heap->leaves + unit / 64] == size)
		free_max_refresh(heap, unit / 64);
	if (heap->ops->size_classes)
		heap->free_per_order[size_order(size)]--;
}
