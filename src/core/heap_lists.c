/* heap_lists.c - segregated explicit free lists with in-band links, split and coalesce: the machinery seglist and tlsf share. */
#include "heap_lists.h"

#include "heap_free_lists.h"

#include <stdio.h>
#include <string.h>

/* --- the lists' words in the index: bitmaps and heads ---------------------------- */

enum { WORD_FIRST_LEVEL = 0, WORD_SECOND_LEVEL = 1, WORD_HEADS = 1 + LIST_LEVELS };

static size_t head_word(const struct heap *heap, struct list_id list)
{
	return WORD_HEADS + (size_t)list.class_index * heap->ops->list_subs + list.sub;
}

/* Every store into the index goes through its pages, so clones and checkpoints see it. */
static void lists_store(struct heap *heap, size_t word, uint32_t value)
{
	size_t offset = index_words(heap->size) * sizeof(uint64_t) + word * sizeof(uint32_t);

	pages_touch_word(&heap->index, offset & ~(size_t)7);
	heap->lists[word] = value;
}

size_t list_head(const struct heap *heap, struct list_id list)
{
	return heap->lists[head_word(heap, list)];
}

static void set_head(struct heap *heap, struct list_id list, size_t block)
{
	uint32_t first = heap->lists[WORD_FIRST_LEVEL];
	uint32_t second = heap->lists[WORD_SECOND_LEVEL + list.class_index];

	lists_store(heap, head_word(heap, list), (uint32_t)block);
	if (block != LIST_NONE)
		second |= (uint32_t)1 << list.sub;
	else
		second &= ~((uint32_t)1 << list.sub);
	if (second != 0)
		first |= (uint32_t)1 << list.class_index;
	else
		first &= ~((uint32_t)1 << list.class_index);
	lists_store(heap, WORD_SECOND_LEVEL + list.class_index, second);
	lists_store(heap, WORD_FIRST_LEVEL, first);
}

struct list_id lists_list_of(const struct heap *heap, size_t size)
{
	struct list_id list;

	heap->ops->list_of(size, &list.class_index, &list.sub);
	return list;
}

bool lists_first_nonempty(const struct heap *heap, struct list_id from, struct list_id *found)
{
	uint32_t second, first;

	if (from.class_index >= LIST_LEVELS)
		return false;
	second = from.sub < 32 ? heap->lists[WORD_SECOND_LEVEL + from.class_index] & (~(uint32_t)0 << from.sub) : 0;
	if (second == 0) {
		first = from.class_index + 1 < 32 ? heap->lists[WORD_FIRST_LEVEL] & (~(uint32_t)0 << (from.class_index + 1)) : 0;
		if (first == 0)
			return false;
		found->class_index = lowest_bit(first);
		second = heap->lists[WORD_SECOND_LEVEL + found->class_index];
	} else {
		found->class_index = from.class_index;
	}
	found->sub = lowest_bit(second);
	return true;
}

/* --- the links, in the first 8 payload bytes of a free block --------------------- */

static size_t link_at(const struct heap *heap, size_t block)
{
	return block + block_header_size(heap);
}

size_t list_next(const struct heap *heap, size_t block)
{
	return load_le32(heap->bytes + link_at(heap, block));
}

static size_t list_prev(const struct heap *heap, size_t block)
{
	return load_le32(heap->bytes + link_at(heap, block) + 4);
}

static void store_link(struct heap *heap, size_t at, size_t value)
{
	note_written(heap, at, at + 4);
	store_le32(heap->bytes + at, (uint32_t)value);
}

/* Append a free block (its header placed) at the back of its list: FIFO order walks to the tail (no tail word is kept). */
static struct list_id list_append(struct heap *heap, size_t block, struct list_id list)
{
	size_t tail = list_head(heap, list);

	store_link(heap, link_at(heap, block), LIST_NONE);
	if (tail == LIST_NONE) {
		store_link(heap, link_at(heap, block) + 4, LIST_NONE);
		set_head(heap, list, block);
		return list;
	}
	while (list_next(heap, tail) != LIST_NONE)
		tail = list_next(heap, tail);
	store_link(heap, link_at(heap, block) + 4, tail);
	store_link(heap, link_at(heap, tail), block);
	return list;
}

/* Push a free block (its header placed) on the front of its list (the back with ops->list_back). */
static struct list_id list_push(struct heap *heap, size_t block)
{
	struct list_id list = lists_list_of(heap, block_size(heap, block));
	size_t head = list_head(heap, list);

	if (heap->ops->list_back)
		return list_append(heap, block, list);

	store_link(heap, link_at(heap, block), head);
	store_link(heap, link_at(heap, block) + 4, LIST_NONE);
	if (head != LIST_NONE)
		store_link(heap, link_at(heap, head) + 4, block);
	set_head(heap, list, block);
	return list;
}

/* Take a free block off its list; its link bytes stay as they were. */
static void list_unlink(struct heap *heap, size_t block)
{
	struct list_id list = lists_list_of(heap, block_size(heap, block));
	size_t next = list_next(heap, block), prev = list_prev(heap, block);

	if (prev != LIST_NONE)
		store_link(heap, link_at(heap, prev), next);
	else
		set_head(heap, list, next);
	if (next != LIST_NONE)
		store_link(heap, link_at(heap, next) + 4, prev);
}

static struct list_id place_free(struct heap *heap, size_t block, size_t size)
{
	block_place(heap, block, size, false, 0);
	return list_push(heap, block);
}

static void take_free(struct heap *heap, size_t block)
{
	list_unlink(heap, block);
	block_forget(heap, block);
}

/* --- layout ------------------------------------------------------------------------ */

size_t lists_min_block(const struct heap *heap)
{
	return round_up(block_header_size(heap) + 8 + FIT_FOOTER_SIZE, heap->alignment);
}

size_t lists_need(const struct heap *heap, size_t request)
{
	size_t need = round_up(block_header_size(heap) + request + FIT_FOOTER_SIZE, heap->alignment);

	return need < block_min_size(heap) ? block_min_size(heap) : need;
}

void lists_create(struct heap *heap, bool tiled)
{
	for (unsigned c = 0; c < LIST_LEVELS; c++)
		for (unsigned s = 0; s < heap->ops->list_subs; s++)
			lists_store(heap, head_word(heap, (struct list_id){ c, s }), LIST_NONE);
	if (tiled) {
		heap->brk = heap_usable_end(heap);
		place_free(heap, 0, heap->brk);
	}
}

/* --- malloc, free, realloc ---------------------------------------------------------- */

enum heap_status lists_malloc(struct heap *heap, lists_search search, size_t request, struct heap_placement *placement)
{
	size_t need = lists_need(heap, request);
	size_t block, found_size, size = need, rest = 0;

	placement->need = need;
	if (search(heap, need, &block, placement)) {
		found_size = block_size(heap, block);
		take_free(heap, block);
		rest = found_size - need;
		if (rest < block_min_size(heap)) {
			size = found_size;
			rest = 0;
		}
		block_place(heap, block, size, true, request);
		if (rest > 0) {
			struct list_id list = place_free(heap, block + size, rest);

			placement->rest_class = list.class_index;
			placement->rest_sub = list.sub;
		}
		placement->source = SOURCE_FREE_BLOCK;
	} else if (heap->ops->grows_break && need <= heap_usable_end(heap) - heap->brk) {
		block = heap->brk;
		found_size = heap_usable_end(heap) - heap->brk;
		heap->brk += need;
		block_place(heap, block, need, true, request);
		placement->source = SOURCE_WILDERNESS;
	} else {
		return heap_refusal(heap, need, 0);
	}
	placement->payload = block_payload(heap, block);
	placement->block = block;
	placement->block_size = size;
	placement->found_size = found_size;
	placement->split_rest = rest;
	return HEAP_OK;
}

/* Make [start, end) (its blocks forgotten) one free block on its list, or wilderness when it reaches the break. */
static void release_range(struct heap *heap, size_t start, size_t end, struct heap_release *release)
{
	if (heap->ops->grows_break && end == heap->brk) {
		clear_to_wilderness(heap, start, end);
		heap->brk = start;
		release->to_wilderness = true;
	} else {
		struct list_id list = place_free(heap, start, end - start);

		release->list_class = list.class_index;
		release->list_sub = list.sub;
	}
	release->merged_offset = start;
	release->merged_size = end - start;
}

static bool free_block_at(const struct heap *heap, size_t block)
{
	return block < heap->brk && !block_is_used(heap, block);
}

void lists_free(struct heap *heap, size_t block, struct heap_release *release)
{
	size_t size = block_size(heap, block);
	size_t start = block, end = block + size;

	release->block = block;
	release->block_size = size;
	block_forget(heap, block);
	if (block > 0) {
		/* The left neighbour's footer sits just below this block's header. */
		uint32_t left = load_le32(heap->bytes + block - FIT_FOOTER_SIZE);

		if ((left & (uint32_t)BLOCK_ALLOCATED_FLAG) == 0) {
			start = block - (left & ~(uint32_t)BLOCK_FLAG_MASK);
			take_free(heap, start);
			release->merges++;
		}
	}
	if (free_block_at(heap, end)) {
		size_t right = block_size(heap, end);

		take_free(heap, end);
		end += right;
		release->merges++;
	}
	release_range(heap, start, end, release);
}

/* Shrink where it stands: the rest is split off when it can be a block, joins a free right neighbour, or goes above the break. */
static void shrink_in_place(struct heap *heap, size_t block, size_t need, size_t request,
			    struct heap_placement *placement)
{
	struct heap_release release = { 0 };
	size_t size = block_size(heap, block);
	size_t end = block + size, rest = size - need;
	bool next_free = free_block_at(heap, end);
	bool at_break = heap->ops->grows_break && end == heap->brk;

	block_forget(heap, block);
	if (rest >= block_min_size(heap) || (rest > 0 && (next_free || at_break))) {
		size_t merged_end = end;

		block_place(heap, block, need, true, request);
		if (next_free) {
			merged_end += block_size(heap, end);
			take_free(heap, end);
		}
		release_range(heap, block + need, merged_end, &release);
		placement->rest_class = release.list_class;
		placement->rest_sub = release.list_sub;
	} else {
		block_place(heap, block, size, true, request);
		rest = 0;
	}
	placement->block_size = size - rest;
	placement->found_size = size;
	placement->split_rest = rest;
}

/* Grow into the wilderness when the block ends at the break, or into a free right neighbour. */
static bool grow_in_place(struct heap *heap, size_t block, size_t need, size_t request,
			  struct heap_placement *placement)
{
	size_t size = block_size(heap, block);
	size_t end = block + size, total, rest;

	if (heap->ops->grows_break && end == heap->brk) {
		if (need > heap_usable_end(heap) - block)
			return false;
		block_forget(heap, block);
		heap->brk = block + need;
		block_place(heap, block, need, true, request);
		placement->block_size = need;
		placement->found_size = heap_usable_end(heap) - block;
		placement->split_rest = 0;
		return true;
	}
	if (!free_block_at(heap, end) || size + block_size(heap, end) < need)
		return false;
	total = size + block_size(heap, end);
	rest = total - need;
	if (rest < block_min_size(heap)) {
		need = total;
		rest = 0;
	}
	take_free(heap, end);
	block_forget(heap, block);
	block_place(heap, block, need, true, request);
	if (rest > 0) {
		struct list_id list = place_free(heap, block + need, rest);

		placement->rest_class = list.class_index;
		placement->rest_sub = list.sub;
	}
	placement->block_size = need;
	placement->found_size = total;
	placement->split_rest = rest;
	return true;
}

bool lists_realloc_in_place(struct heap *heap, size_t block, size_t request, struct heap_placement *placement)
{
	size_t need = lists_need(heap, request);

	if (need <= block_size(heap, block)) {
		shrink_in_place(heap, block, need, request, placement);
		return true;
	}
	return grow_in_place(heap, block, need, request, placement);
}

/* --- the checker ------------------------------------------------------------------- */

void lists_check_pair(const struct heap *heap, size_t previous, size_t block, struct heap_report *out)
{
	if (!block_is_used(heap, previous) && !block_is_used(heap, block))
		heap_report_problem(out, block, "free blocks at 0x%zx and 0x%zx are adjacent, not coalesced", previous,
				    block);
}

/* "class 64-127 B" (seglist) or "list (6,9)" (tlsf): the allocator's own words for a list. */
static const char *list_name(const struct heap *heap, struct list_id list, char *buffer, size_t size)
{
	if (heap->ops->list_subs == 1)
		snprintf(buffer, size, "class %zu-%zu B", (size_t)1 << list.class_index,
			 ((size_t)2 << list.class_index) - 1);
	else
		snprintf(buffer, size, "list (%u,%u)", list.class_index, list.sub);
	return buffer;
}

/* Each bitmap bit says whether its list (or level) is non-empty, and no bit lies outside the lists. */
static void check_bitmaps(const struct heap *heap, struct heap_report *out)
{
	unsigned subs = heap->ops->list_subs;
	uint32_t first = heap->lists[WORD_FIRST_LEVEL];
	char name[40];

	if ((first >> (LIST_LEVELS - 1) >> 1) != 0)
		heap_report_problem(out, 0, "first-level bitmap 0x%08x marks classes above %u", (unsigned)first,
				    LIST_LEVELS - 1);
	for (unsigned c = 0; c < LIST_LEVELS; c++) {
		uint32_t second = heap->lists[WORD_SECOND_LEVEL + c];

		if (subs < 32 && (second >> subs) != 0)
			heap_report_problem(out, 0, "second-level bitmap %u is 0x%08x: bits past its %u lists", c,
					    (unsigned)second, subs);
		if (((first >> c) & 1u) != (second != 0))
			heap_report_problem(out, 0, "first-level bitmap bit %u is %u but class %u has %s", c,
					    (unsigned)((first >> c) & 1u), c, second != 0 ? "non-empty lists" : "no list");
		for (unsigned s = 0; s < subs; s++) {
			struct list_id list = { c, s };
			bool marked = ((second >> s) & 1u) != 0;

			if (marked != (list_head(heap, list) != LIST_NONE))
				heap_report_problem(out, 0, "%s: bitmap bit is %u but its head is 0x%zx",
						    list_name(heap, list, name, sizeof name), (unsigned)marked,
						    list_head(heap, list));
		}
	}
}

static bool is_free_block(const struct heap *heap, size_t block)
{
	return block_starts_at(heap, block) && !block_is_used(heap, block);
}

static bool same_list(struct list_id a, struct list_id b)
{
	return a.class_index == b.class_index && a.sub == b.sub;
}

/* Follow one list from its head; false with a problem reported when a link is wrong. */
static bool check_list(const struct heap *heap, struct list_id list, size_t expected, struct heap_report *out)
{
	char name[40];
	size_t node = list_head(heap, list), prev = LIST_NONE, count = 0;

	list_name(heap, list, name, sizeof name);
	for (; node != LIST_NONE; prev = node, node = list_next(heap, node), count++) {
		if (!is_free_block(heap, node)) {
			heap_report_problem(out, prev == LIST_NONE ? 0 : link_at(heap, prev),
					    "%s: %s 0x%zx is not a free block", name, prev == LIST_NONE ? "head" : "link to",
					    node);
			return false;
		}
		if (!same_list(lists_list_of(heap, block_size(heap, node)), list)) {
			heap_report_problem(out, node, "free block at 0x%zx (%zu B) is on %s, not its own list", node,
					    block_size(heap, node), name);
			return false;
		}
		if (list_prev(heap, node) != prev) {
			heap_report_problem(out, link_at(heap, node) + 4,
					    "free block at 0x%zx: back link 0x%zx should be 0x%zx", node,
					    list_prev(heap, node), prev);
			return false;
		}
		/* Back links that check out visit no block twice; this only bounds the walk. */
		if (count == expected) {
			heap_report_problem(out, node, "%s links more than its %zu free blocks", name, expected);
			return false;
		}
	}
	if (count != expected) {
		heap_report_problem(out, 0, "%s links %zu blocks but %zu free blocks belong on it", name, count, expected);
		return false;
	}
	return true;
}

/*
 * Every free block is on exactly the list of its size: the walk counts the
 * free blocks of each list, and each list, followed from its head, must
 * visit that many free blocks of its own sizes, each back link naming the
 * block before (so none twice), and end. Needs the block-start index (to
 * know a link names a block); when it is wrong the checker said so already.
 */
void lists_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out)
{
	static const size_t none[LIST_LEVELS * 32];
	size_t counts[LIST_LEVELS * 32];
	unsigned subs = heap->ops->list_subs;

	check_bitmaps(heap, out);
	if (!tally->index_ok)
		return;
	memcpy(counts, none, sizeof counts);
	for (size_t block = 0; block < heap->brk; block += block_size(heap, block)) {
		if (!block_is_used(heap, block)) {
			struct list_id list = lists_list_of(heap, block_size(heap, block));

			counts[(size_t)list.class_index * subs + list.sub]++;
		}
	}
	for (unsigned c = 0; c < LIST_LEVELS; c++)
		for (unsigned s = 0; s < subs; s++)
			if (!check_list(heap, (struct list_id){ c, s }, counts[(size_t)c * subs + s], out))
				return;
}

/* --- the free-list view (free_lists.h) ----------------------------------------------- */

/*
 * The non-empty lists in the order the bitmaps find them (class-major, the
 * search's order), each followed from its head by its in-band next links.
 * A walk is bounded by the free-block count, so a corrupted link cannot
 * loop; covers_all is false then (the checker says what is wrong).
 */
void lists_free_lists(const struct heap *heap, struct free_lists *out)
{
	unsigned subs = heap->ops->list_subs;
	size_t budget = heap->free_blocks;
	bool whole = true;

	out->in_band_links = true;
	out->link_offset = block_header_size(heap);
	out->has_bitmaps = subs > 1;
	out->first_level = heap->lists[WORD_FIRST_LEVEL];
	for (unsigned c = 0; c < LIST_LEVELS; c++)
		out->second_level[c] = heap->lists[WORD_SECOND_LEVEL + c];
	for (unsigned c = 0; c < LIST_LEVELS; c++) {
		for (unsigned s = 0; s < subs; s++) {
			struct list_id list = { c, s };
			size_t node = list_head(heap, list);
			size_t low = subs == 1 ? (size_t)1 << c : ((size_t)1 << c) + (size_t)s * (((size_t)1 << c) / subs);
			size_t high = subs == 1 ? ((size_t)2 << c) - 1 : low + ((size_t)1 << c) / subs - 1;

			if (node == LIST_NONE)
				continue;
			free_lists_begin(out, subs == 1 ? FREE_LIST_SIZE_CLASS : FREE_LIST_TLSF, c, s, low, high);
			for (; node != LIST_NONE; node = list_next(heap, node)) {
				if (budget == 0 || !is_free_block(heap, node)) {
					whole = false;
					break;
				}
				free_lists_add(out, node, block_size(heap, node));
				budget--;
			}
		}
	}
	out->covers_all = whole && budget == 0;
}
