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
}

static void index_touch(struct heap *heap, const void *at, size_t len)
{
	size_t offset = (size_t)((const uint8_t *)at - (const uint8_t *)heap->starts);

	pages_touch(&heap->index, offset, offset + len);
}

static void bitmap_set(struct heap *heap, uint64_t *bitmap, size_t unit, bool on)
{
	uint64_t bit = (uint64_t)1 << (unit % 64);

	index_touch(heap, &bitmap[unit / 64], sizeof *bitmap);
	if (on)
		bitmap[unit / 64] |= bit;
	else
		bitmap[unit / 64] &= ~bit;
}

static void tree_store(struct heap *heap, size_t node, uint32_t value)
{
	index_touch(heap, &heap->free_max[node], sizeof *heap->free_max);
	heap->free_max[node] = value;
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
	for (size_t node = heap->leaves + word; node >= 1 && heap->free_max[node] < size; node >>= 1)
		tree_store(heap, node, (uint32_t)size);
}

/* A free block left word: find the leaf again and mend the ancestors that change. */
static void free_max_refresh(struct heap *heap, size_t word)
{
	size_t node = heap->leaves + word;

	tree_store(heap, node, (uint32_t)free_word_max(heap, word));
	for (node >>= 1; node >= 1; node >>= 1) {
		uint32_t left = heap->free_max[2 * node], right = heap->free_max[2 * node + 1];
		uint32_t larger = left > right ? left : right;

		if (heap->free_max[node] == larger)
			break;
		tree_store(heap, node, larger);
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
