/* heap_tlsf.c - Two-Level Segregated Fit (Masmano et al., ECRTS 2004): bitmaps find a good fit in O(1). */
#include "heap_lists.h"
#include "heap_free_lists.h"

/*
 * As in the reference tlsf.c, with SL = 4: a free block of size n is on list
 * (fl, sl) with fl = floor(log2 n) and sl = (n - 2^fl) / 2^(fl-4), the 16
 * equal steps of [2^fl, 2^(fl+1)). A request's need is first rounded up to
 * the lowest size of the next list (unless it is one already), so every
 * block on that list or any list above is large enough: the head of the
 * first non-empty list at or above it, found with two find-first-set
 * operations on the bitmaps, is taken without a search ("good fit"). The
 * cost: a block on the need's own list that would fit is passed over. The
 * heap is one pool, tiled from the start as one free block; freed blocks
 * coalesce with both physical neighbours at once.
 */
enum { TLSF_SL_LOG2 = 4, TLSF_SL_COUNT = 1 << TLSF_SL_LOG2 };

static void tlsf_list_of(size_t size, unsigned *fl, unsigned *sl)
{
	unsigned level = highest_bit((uint64_t)size);

	*fl = level;
	/* Below 2^4 the 16 steps would be under a byte; blocks are at least 20 B, so this is only for safety. */
	*sl = level >= TLSF_SL_LOG2 ? (unsigned)(size >> (level - TLSF_SL_LOG2)) - TLSF_SL_COUNT
				    : (unsigned)((size - ((size_t)1 << level)) << (TLSF_SL_LOG2 - level));
}

/* tlsf.c's mapping_search: round up to where the next list starts, so any block from there on fits. */
static size_t tlsf_round(size_t need)
{
	unsigned level = highest_bit((uint64_t)need);
	size_t step = level > TLSF_SL_LOG2 ? (size_t)1 << (level - TLSF_SL_LOG2) : 1;

	return round_up(need, step);
}

static bool tlsf_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	size_t rounded = tlsf_round(need);
	struct list_id want = lists_list_of(heap, rounded), found;

	placement->rounded = rounded;
	placement->want_class = want.class_index;
	placement->want_sub = want.sub;
	if (!lists_first_nonempty(heap, want, &found))
		return false;
	*block = list_head(heap, found);
	placement->found_class = found.class_index;
	placement->found_sub = found.sub;
	return true;
}

static enum heap_status tlsf_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return lists_malloc(heap, tlsf_search, request, placement);
}

static void tlsf_create(struct heap *heap)
{
	lists_create(heap, true);
}

static void tlsf_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	if (heap->brk != heap_usable_end(heap))
		heap_report_problem(out, heap->brk, "tlsf pool ends at 0x%zx, not at the usable end 0x%zx", heap->brk,
				    heap_usable_end(heap));
	lists_check_heap(heap, tally, out);
}

const struct allocator_ops tlsf_allocator = {
	.name = "tlsf",
	.title = "TLSF",
	.rule = RULE_TLSF_GOOD_FIT,
	.boundary_tags = true,
	.grows_break = false,
	.list_subs = TLSF_SL_COUNT,
	.list_of = tlsf_list_of,
	.min_block = lists_min_block,
	.need = lists_need,
	.create = tlsf_create,
	.malloc = tlsf_malloc,
	.free = lists_free,
	.realloc_in_place = lists_realloc_in_place,
	.check_pair = lists_check_pair,
	.check_heap = tlsf_check_heap,
	.free_lists = lists_free_lists,
};
