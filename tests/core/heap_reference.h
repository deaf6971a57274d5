/* heap_reference.h - each allocator's documented rules, written out independently of the core, for the stress test. */
#ifndef HEAPVIZ_HEAP_REFERENCE_H
#define HEAPVIZ_HEAP_REFERENCE_H

#include "heap_testing.h"

/*
 * The reference reads only what README documents: the walk, and for the
 * segregated fits the in-band links (next at the payload, prev 4 bytes on,
 * ff ff ff ff at either end). An allocator it has no rules for (a new row of
 * allocators.def) still gets every other check of the stress test.
 */

enum { LIVE_MAX = 4096 };
#define LINK_NONE ((size_t)0xffffffffu)

/* The walk as the model sees it, taken fresh where needed. */
struct walk_summary {
	struct heap_block blocks[LIVE_MAX * 2 + 2];
	size_t count;
};

static inline bool summary_collect(const struct heap_block *block, void *context)
{
	struct walk_summary *summary = context;

	assert_true(summary->count < sizeof summary->blocks / sizeof summary->blocks[0]);
	summary->blocks[summary->count++] = *block;
	return true;
}

static inline void summarize(const struct heap *heap, struct walk_summary *summary)
{
	summary->count = 0;
	heap_walk(heap, summary_collect, summary);
}

/* The allocators whose rules are written out below. */
static inline bool reference_known(enum heap_policy policy)
{
	switch (policy) {
	case POLICY_FIRST_FIT: case POLICY_NEXT_FIT: case POLICY_BEST_FIT: case POLICY_WORST_FIT:
	case POLICY_BUDDY: case POLICY_SEGLIST: case POLICY_TLSF:
		return true;
	default:
		return false;
	}
}

static inline bool reference_segregated(enum heap_policy policy)
{
	return policy == POLICY_SEGLIST || policy == POLICY_TLSF;
}

/* Tiled from the start, no break to move: buddy, and tlsf's one pool. */
static inline bool reference_tiled(enum heap_policy policy)
{
	return policy == POLICY_BUDDY || policy == POLICY_TLSF;
}

static inline size_t expected_need(const struct heap *heap, size_t request)
{
	size_t align = heap_alignment(heap);
	size_t header = heap_header_size(heap);
	size_t links = reference_segregated(heap_policy(heap)) ? 8 : 0; /* a free block must hold its two links */

	if (heap_policy(heap) == POLICY_BUDDY) {
		size_t size = align == 16 ? 32 : 16;

		while (size < header + request)
			size <<= 1;
		return size;
	}
	size_t need = (header + request + 4 + align - 1) / align * align;
	size_t minimum = (header + links + 4 + align - 1) / align * align;

	return need < minimum ? minimum : need;
}

static inline size_t usable_wilderness(const struct heap *heap)
{
	size_t end = heap_size(heap) / heap_alignment(heap) * heap_alignment(heap);

	return reference_tiled(heap_policy(heap)) ? 0 : end - heap_break(heap);
}

/* --- segregated fits: lists as README documents them ---------------------------- */

static inline unsigned reference_log2(size_t n)
{
	unsigned k = 0;

	while (n >>= 1)
		k++;
	return k;
}

/* The list of a free block of this size, as one ordered key class * 16 + sub: seglist's class 2^c.., tlsf's (fl, sl). */
static inline size_t reference_list(enum heap_policy policy, size_t size)
{
	unsigned fl = reference_log2(size);

	if (policy == POLICY_SEGLIST)
		return (size_t)fl * 16;
	return (size_t)fl * 16 + ((size - ((size_t)1 << fl)) >> (fl - 4));
}

static inline size_t reference_link(const struct heap *heap, const struct heap_block *block, unsigned word)
{
	const uint8_t *at = heap_bytes(heap) + block->offset + heap_header_size(heap) + 4 * word;

	return (size_t)at[0] | (size_t)at[1] << 8 | (size_t)at[2] << 16 | (size_t)at[3] << 24;
}

/* The walk's index of the block at offset; the walk is in address order. */
static inline size_t reference_index_of(const struct walk_summary *w, size_t offset)
{
	size_t low = 0, high = w->count;

	while (low < high) {
		size_t mid = (low + high) / 2;

		if (w->blocks[mid].offset < offset)
			low = mid + 1;
		else
			high = mid;
	}
	assert_true(low < w->count && w->blocks[low].offset == offset);
	return low;
}

/* The head of a list: the one free block on it whose prev link is none; false when the list is empty. */
static inline bool reference_head(const struct heap *heap, const struct walk_summary *w, size_t list, size_t *index)
{
	for (size_t i = 0; i < w->count; i++) {
		const struct heap_block *b = &w->blocks[i];

		if (b->state == BLOCK_FREE && reference_list(heap_policy(heap), b->size) == list &&
		    reference_link(heap, b, 1) == LINK_NONE) {
			*index = i;
			return true;
		}
	}
	return false;
}

/* The lowest list at or above from holding a free block (any of its blocks: the list is non-empty). */
static inline bool reference_nonempty_from(const struct heap *heap, const struct walk_summary *w, size_t from,
					   size_t *list)
{
	bool have = false;

	for (size_t i = 0; i < w->count; i++) {
		size_t key;

		if (w->blocks[i].state != BLOCK_FREE) /* lists hold free blocks only (a wilderness tail may be tiny) */
			continue;
		key = reference_list(heap_policy(heap), w->blocks[i].size);
		if (key >= from && (!have || key < *list)) {
			have = true;
			*list = key;
		}
	}
	return have;
}

/*
 * seglist: first fit along the request's class list, in list order; else the
 * head of the next non-empty class. tlsf: the need rounded up to the start of
 * the next list (steps of 2^(fl-4)), then the head of the first non-empty
 * list at or above it.
 */
static inline bool reference_segregated_choice(const struct heap *heap, const struct walk_summary *w, size_t need,
					       size_t *block)
{
	enum heap_policy policy = heap_policy(heap);
	size_t list, index = 0;

	if (policy == POLICY_SEGLIST) {
		list = reference_list(policy, need);
		if (reference_head(heap, w, list, &index)) {
			for (size_t steps = 0; steps < w->count; steps++) {
				size_t next = reference_link(heap, &w->blocks[index], 0);

				if (w->blocks[index].size >= need) {
					*block = w->blocks[index].offset;
					return true;
				}
				if (next == LINK_NONE)
					break;
				index = reference_index_of(w, next);
			}
		}
		list += 16;
	} else {
		unsigned fl = reference_log2(need);
		size_t step = fl > 4 ? (size_t)1 << (fl - 4) : 1;

		list = reference_list(policy, (need + step - 1) / step * step);
	}
	if (!reference_nonempty_from(heap, w, list, &list))
		return false;
	assert_true(reference_head(heap, w, list, &index));
	*block = w->blocks[index].offset;
	return true;
}

/* --- every allocator's choice ------------------------------------------------------ */

static inline bool reference_choice(const struct heap *heap, const struct walk_summary *w, size_t need, size_t *block)
{
	enum heap_policy policy = heap_policy(heap);
	bool have = false;
	size_t chosen = 0;

	if (reference_segregated(policy))
		have = reference_segregated_choice(heap, w, need, block);
	for (size_t pass = 0; pass < 2 && !have && !reference_segregated(policy); pass++) {
		for (size_t i = 0; i < w->count; i++) {
			const struct heap_block *b = &w->blocks[i];
			bool in_pass = policy != POLICY_NEXT_FIT || (pass == 0) == (b->offset >= heap_rover(heap));

			if (b->state != BLOCK_FREE || b->size < need || !in_pass)
				continue;
			if (!have || (policy == POLICY_WORST_FIT && b->size > w->blocks[chosen].size) ||
			    ((policy == POLICY_BEST_FIT || policy == POLICY_BUDDY) && b->size < w->blocks[chosen].size)) {
				have = true;
				chosen = i;
			}
			if (have && (policy == POLICY_FIRST_FIT || policy == POLICY_NEXT_FIT))
				break;
		}
		if (have)
			*block = w->blocks[chosen].offset;
		if (policy != POLICY_NEXT_FIT)
			break;
	}
	if (have)
		return true;
	if (need <= usable_wilderness(heap)) {
		*block = heap_break(heap);
		return true;
	}
	return false;
}

static inline size_t free_total(const struct heap *heap, const struct walk_summary *w)
{
	size_t total = usable_wilderness(heap);

	for (size_t i = 0; i < w->count; i++)
		if (w->blocks[i].state == BLOCK_FREE)
			total += w->blocks[i].size;
	return total;
}

/* Where realloc must keep a block in place, and what size it leaves it, by the documented rules. */
static inline bool reference_in_place(const struct heap *heap, const struct walk_summary *w, size_t payload,
				      size_t need, size_t *new_size)
{
	size_t i = 0;
	const struct heap_block *b, *next;
	size_t minimum = expected_need(heap, 0); /* a block with no payload: the minimum block */

	while (w->blocks[i].payload != payload || w->blocks[i].state != BLOCK_USED)
		i++;
	b = &w->blocks[i];
	next = i + 1 < w->count ? &w->blocks[i + 1] : NULL;
	if (heap_policy(heap) == POLICY_BUDDY) {
		*new_size = need;
		if (need <= b->size)
			return true;
		if (b->offset % need != 0)
			return false;
		for (size_t half = b->size, j = i + 1; half < need; half <<= 1) {
			while (j < w->count && w->blocks[j].offset < b->offset + half)
				j++;
			if (j == w->count || w->blocks[j].state != BLOCK_FREE || w->blocks[j].size != half)
				return false;
		}
		return true;
	}
	if (need <= b->size) {
		size_t rest = b->size - need;
		/* A rest too small to be a block can join a free neighbour, or (break-growing) the wilderness. */
		bool joinable = reference_tiled(heap_policy(heap)) ? next != NULL && next->state == BLOCK_FREE
								   : next == NULL || next->state != BLOCK_USED;

		*new_size = rest >= minimum || (rest > 0 && joinable) ? need : b->size;
		return true;
	}
	if (next == NULL || next->state == BLOCK_WILDERNESS) {
		*new_size = need;
		return need <= b->size + usable_wilderness(heap);
	}
	if (next->state != BLOCK_FREE || b->size + next->size < need)
		return false;
	*new_size = b->size + next->size - need >= minimum ? need : b->size + next->size;
	return true;
}

#endif
