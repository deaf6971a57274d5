/* heap_seglist.c - segregated fits: power-of-two size classes, each an explicit LIFO free list searched first fit. */
#include "heap_lists.h"
#include "heap_free_lists.h"

/*
 * As in CS:APP §9.9.14: size class c holds the free blocks of 2^c up to
 * 2^(c+1) - 1 bytes (metadata included; blocks start at 20 B, so the first
 * class in use is 16-31 B). A request searches its own class's list first
 * fit in list order, then takes the first block of the next non-empty class
 * above (every block there is large enough), found through a bitmap of
 * non-empty classes (dlmalloc's binmap); with none, the break moves up.
 * Freed and split-off blocks are pushed on the front of their class.
 */

static void seglist_list_of(size_t size, unsigned *list_class, unsigned *list_sub)
{
	*list_class = highest_bit((uint64_t)size);
	*list_sub = 0;
}

static bool seglist_search(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement)
{
	struct list_id want = lists_list_of(heap, need), found;

	placement->want_class = want.class_index;
	for (size_t node = list_head(heap, want); node != LIST_NONE; node = list_next(heap, node)) {
		if (block_size(heap, node) >= need) {
			*block = node;
			placement->found_class = want.class_index;
			return true;
		}
	}
	want.class_index++;
	if (!lists_first_nonempty(heap, want, &found))
		return false;
	*block = list_head(heap, found);
	placement->found_class = found.class_index;
	return true;
}

static enum heap_status seglist_malloc(struct heap *heap, size_t request, struct heap_placement *placement)
{
	return lists_malloc(heap, seglist_search, request, placement);
}

static void seglist_create(struct heap *heap)
{
	lists_create(heap, false);
}

const struct allocator_ops seglist_allocator = {
	.name = "seglist",
	/* A title at most as wide as "first fit": the panel sizes its policy column for the widest. */
	.title = "seglist",
	.rule = RULE_SEGREGATED_FIT,
	.boundary_tags = true,
	.grows_break = true,
	.list_subs = 1,
	.list_of = seglist_list_of,
	.min_block = lists_min_block,
	.need = lists_need,
	.create = seglist_create,
	.malloc = seglist_malloc,
	.free = lists_free,
	.realloc_in_place = lists_realloc_in_place,
	.check_pair = lists_check_pair,
	.check_heap = lists_check_heap,
	.free_lists = lists_free_lists,
};
