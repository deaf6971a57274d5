/* heap_order.c - first, next, best and worst fit over one explicit free list in LIFO or FIFO order. */
#include "heap_order.h"

#include <strings.h>

#include "heap_free_lists.h"
#include "heap_lists.h"

/*
 * With --order lifo or fifo every free block below the break is on one
 * doubly linked list whose links are in its payload bytes, exactly as a
 * seglist class (heap_lists.c: word 0 next, word 1 prev, LIST_NONE at the
 * ends; the minimum block grows to hold them). The list is the single list
 * (1, 0) of heap_lists.c, so its head, its bitmap bit and the checker's
 * "every free block on its list exactly once, back links right" are shared.
 *
 * Insertion (the choice for each case):
 *   a freed block, after coalescing: the coalesced block's neighbours are
 *     taken off the list and the one merged block goes on the front (lifo)
 *     or the back (fifo), as CS:APP's explicit lists do;
 *   a split-off rest: a new free block, so it goes on the front or back
 *     too (it does not keep the split block's place);
 *   realloc's shrunk or absorbed rests: the same.
 * Searches walk the list from its head:
 *   first  the first block in list order that fits;
 *   next   the same from the rover, wrapping at the end of the list to
 *          the head. The rover is the block that followed the last chosen
 *          one on the list (the head when that one was last); when the
 *          rover's block is allocated or merged away it moves to the head.
 *          It is 0 only with the list empty (or the free block at 0);
 *   best   the smallest that fits, the first in list order on ties;
 *   worst  the largest, the first in list order on ties.
 * Nothing fits: the break moves up, as under address order.
 */

static void order_list_of(size_t size, unsigned *list_class, unsigned *list_sub)
{
	(void)size;
	*list_class = 1;
	*list_sub = 0;
}

static size_t order_head(const struct heap *heap)
{
	return list_head(heap, (struct list_id){ 1, 0 });
}

static void note_found(size_t block, size_t *found, struct heap_placement *placement)
{
	*found = block;
	placement->want_class = 1;
	placement->found_class = 1;
}

static bool first_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	for (size_t node = order_head(heap); node != LIST_NONE; node = list_next(heap, node)) {
		if (block_size(heap, node) >= need) {
			note_found(node, block, placement);
			return true;
		}
	}
	return false;
}

/* Best (smallest) or worst (largest): strict comparisons keep the first in list order on ties. */
static bool extreme_search(const struct heap *heap, size_t need, bool largest, size_t *block,
			   struct heap_placement *placement)
{
	size_t chosen = LIST_NONE, chosen_size = 0;

	for (size_t node = order_head(heap); node != LIST_NONE; node = list_next(heap, node)) {
		size_t size = block_size(heap, node);

		if (size < need)
			continue;
		if (chosen == LIST_NONE || (largest ? size > chosen_size : size < chosen_size)) {
			chosen = node;
			chosen_size = size;
		}
	}
	if (chosen == LIST_NONE)
		return false;
	note_found(chosen, block, placement);
	return true;
}

static bool best_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	return extreme_search(heap, need, false, block, placement);
}

static bool worst_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	return extreme_search(heap, need, true, block, placement);
}

/* The rover names a free block on the list (every free block is on it), or is 0 with the list empty. */
static bool rover_on_list(const struct heap *heap, size_t rover)
{
	return block_starts_at(heap, rover) && !block_is_used(heap, rover);
}

static size_t head_or_zero(const struct heap *heap)
{
	return order_head(heap) == LIST_NONE ? 0 : order_head(heap);
}

static bool next_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	size_t start = rover_on_list(heap, heap->rover) ? heap->rover : order_head(heap);

	for (size_t node = start; node != LIST_NONE; node = list_next(heap, node)) {
		if (block_size(heap, node) >= need) {
			note_found(node, block, placement);
			return true;
		}
	}
	for (size_t node = order_head(heap); node != LIST_NONE && node != start; node = list_next(heap, node)) {
		if (block_size(heap, node) >= need) {
			note_found(node, block, placement);
			return true;
		}
	}
	return false;
}

static enum heap_status first_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return lists_malloc(heap, first_search, request, placement);
}

static enum heap_status best_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return lists_malloc(heap, best_search, request, placement);
}

static enum heap_status worst_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return lists_malloc(heap, worst_search, request, placement);
}

/* Next fit: the rover moves to the block after the chosen one in list order (0: the head). */
static enum heap_status next_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	struct heap_placement probe = { 0 };
	size_t chosen, after = LIST_NONE;
	enum heap_status status;

	if (next_search(heap, lists_need(heap, request), &chosen, &probe))
		after = list_next(heap, chosen);
	status = lists_malloc(heap, next_search, request, placement);
	if (status == HEAP_OK && placement->source == SOURCE_FREE_BLOCK)
		heap->rover = after == LIST_NONE ? head_or_zero(heap) : after;
	return status;
}

static void next_settle(struct heap *heap)
{
	if (!rover_on_list(heap, heap->rover))
		heap->rover = head_or_zero(heap);
}

static size_t next_search_start(const struct heap *heap)
{
	return heap->rover;
}

static void order_create(struct heap *heap)
{
	lists_create(heap, false);
}

static void next_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	lists_check_heap(heap, tally, out);
	if (tally->index_ok && !rover_on_list(heap, heap->rover) && (heap->rover != 0 || order_head(heap) != LIST_NONE))
		heap_report_problem(out, heap->rover, "next-fit rover 0x%zx is not a free block on the list", heap->rover);
}

/*
 * The free_lists hook: the one explicit list in the order the search walks
 * it, from the head (first, best, worst) or from the rover, wrapping to the
 * head (next). The walk stops at as many blocks as are free, so a corrupted
 * loop ends and says the list does not cover them (check says why).
 */
static void walk_explicit(const struct heap *heap, struct free_lists *out, bool from_rover)
{
	size_t head = order_head(heap), budget = heap->free_blocks;
	size_t start = from_rover && rover_on_list(heap, heap->rover) ? heap->rover : head;
	bool whole = true;

	out->in_band_links = true;
	out->link_offset = block_header_size(heap);
	if (head == LIST_NONE) {
		out->covers_all = budget == 0;
		return;
	}
	free_lists_begin(out, FREE_LIST_EXPLICIT, 0, 0, 0, 0);
	if (out->list_count > 0)
		out->lists[out->list_count - 1].insert = heap->ops->list_back ? FREE_INSERT_FIFO : FREE_INSERT_LIFO;
	for (int pass = 0; pass < 2 && whole && !(pass == 1 && start == head); pass++) {
		size_t stop = pass == 0 ? LIST_NONE : start;
		for (size_t node = pass == 0 ? start : head; node != LIST_NONE && node != stop; node = list_next(heap, node)) {
			if (budget == 0 || !block_starts_at(heap, node) || block_is_used(heap, node)) {
				whole = false;
				break;
			}
			free_lists_add(out, node, block_size(heap, node));
			budget--;
		}
	}
	out->covers_all = whole && budget == 0;
}

static void ordered_free_lists(const struct heap *heap, struct free_lists *out)
{
	walk_explicit(heap, out, false);
}

static void next_ordered_free_lists(const struct heap *heap, struct free_lists *out)
{
	walk_explicit(heap, out, true);
}

#define ORDER_ALLOCATOR(NAME, TITLE, RULE, MALLOC, BACK, CHECK) \
	.name = NAME, .title = TITLE, .rule = RULE, .boundary_tags = true, .grows_break = true, .list_subs = 1, \
	.list_back = BACK, .list_of = order_list_of, .min_block = lists_min_block, .need = lists_need, \
	.create = order_create, .malloc = MALLOC, .free = lists_free, .realloc_in_place = lists_realloc_in_place, \
	.check_pair = lists_check_pair, .check_heap = CHECK
#define ORDER_PLAIN .free_lists = ordered_free_lists
#define ORDER_NEXT .settle = next_settle, .search_start = next_search_start, .free_lists = next_ordered_free_lists

/* [policy][order - 1]: lifo, fifo. */
static const struct allocator_ops ordered[4][2] = {
	{ { ORDER_ALLOCATOR("first", "first fit", RULE_LOWEST_FIT, first_malloc, false, lists_check_heap), ORDER_PLAIN },
	  { ORDER_ALLOCATOR("first", "first fit", RULE_LOWEST_FIT, first_malloc, true, lists_check_heap), ORDER_PLAIN } },
	{ { ORDER_ALLOCATOR("next", "next fit", RULE_NEXT_FROM_START, next_malloc, false, next_check_heap), ORDER_NEXT },
	  { ORDER_ALLOCATOR("next", "next fit", RULE_NEXT_FROM_START, next_malloc, true, next_check_heap), ORDER_NEXT } },
	{ { ORDER_ALLOCATOR("best", "best fit", RULE_SMALLEST_FIT, best_malloc, false, lists_check_heap), ORDER_PLAIN },
	  { ORDER_ALLOCATOR("best", "best fit", RULE_SMALLEST_FIT, best_malloc, true, lists_check_heap), ORDER_PLAIN } },
	{ { ORDER_ALLOCATOR("worst", "worst fit", RULE_LARGEST_FREE, worst_malloc, false, lists_check_heap), ORDER_PLAIN },
	  { ORDER_ALLOCATOR("worst", "worst fit", RULE_LARGEST_FREE, worst_malloc, true, lists_check_heap), ORDER_PLAIN } },
};

static bool is_fit(enum heap_policy policy)
{
	return policy == POLICY_FIRST_FIT || policy == POLICY_NEXT_FIT || policy == POLICY_BEST_FIT ||
	       policy == POLICY_WORST_FIT;
}

bool heap_policy_has_order(enum heap_policy policy)
{
	return is_fit(policy);
}

const struct allocator_ops *order_allocator(enum heap_policy policy, enum heap_order order)
{
	if (order == HEAP_ORDER_ADDRESS)
		return allocator_get(policy);
	if (order >= HEAP_ORDER_COUNT || !is_fit(policy))
		return NULL;
	return &ordered[policy - POLICY_FIRST_FIT][order - 1];
}

const char *order_config_problem(const struct heap_config *config)
{
	if ((unsigned)config->order >= HEAP_ORDER_COUNT)
		return "free-list order must be address, lifo or fifo";
	if (config->order != HEAP_ORDER_ADDRESS && !is_fit(config->policy))
		return "free-list order lifo or fifo applies to first, next, best and worst fit only";
	return NULL;
}

static const char *const order_names[HEAP_ORDER_COUNT] = { "address", "lifo", "fifo" };

const char *heap_order_name(enum heap_order order)
{
	return (unsigned)order < HEAP_ORDER_COUNT ? order_names[order] : NULL;
}

bool heap_order_find(const char *word, enum heap_order *order)
{
	if (word == NULL)
		return false;
	for (unsigned i = 0; i < HEAP_ORDER_COUNT; i++) {
		if (strcasecmp(word, order_names[i]) == 0) {
			*order = (enum heap_order)i;
			return true;
		}
	}
	return false;
}

enum heap_order heap_order(const struct heap *heap)
{
	return heap->order;
}
