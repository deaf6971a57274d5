/* heap_free_lists.c - the free structures as plain data: the builder the hooks call, and the fits' and buddy's hooks. */
#include "free_lists.h"

#include <stdlib.h>
#include <string.h>

#include "heap_free_lists.h"
#include "heap_internal.h"

/* Growth by doubling; on host OOM the record says so and the rest is dropped. */
static bool grow(void **items, size_t *capacity, size_t count, size_t item_size, struct free_lists *out)
{
	size_t wanted = *capacity == 0 ? 8 : *capacity * 2;
	void *bigger;

	if (count < *capacity)
		return true;
	bigger = realloc(*items, wanted * item_size);
	if (bigger == NULL) {
		out->host_memory_failed = true;
		return false;
	}
	*items = bigger;
	*capacity = wanted;
	return true;
}

/* Capacities live beside the counts so struct free_lists stays plain data; a power of two >= count (0: none). */
static size_t capacity_of(size_t count)
{
	size_t capacity = 0;

	if (count == 0)
		return 0;
	capacity = 8;
	while (capacity < count)
		capacity *= 2;
	return capacity;
}

void free_lists_begin(struct free_lists *out, enum free_list_kind kind, unsigned class_index, unsigned sub,
		      size_t min_size, size_t max_size)
{
	size_t capacity = capacity_of(out->list_count);
	struct free_list *list;

	if (out->host_memory_failed ||
	    !grow((void **)&out->lists, &capacity, out->list_count, sizeof *out->lists, out))
		return;
	list = &out->lists[out->list_count++];
	memset(list, 0, sizeof *list);
	list->kind = kind;
	list->class_index = class_index;
	list->sub = sub;
	list->min_size = min_size;
	list->max_size = max_size;
	list->first = out->block_count;
}

void free_lists_add(struct free_lists *out, size_t offset, size_t size)
{
	size_t capacity = capacity_of(out->block_count);

	if (out->host_memory_failed || out->list_count == 0 ||
	    !grow((void **)&out->blocks, &capacity, out->block_count, sizeof *out->blocks, out))
		return;
	out->blocks[out->block_count++] = (struct free_list_block){ offset, size };
	out->lists[out->list_count - 1].count++;
}

void free_lists_release(struct free_lists *lists)
{
	free(lists->lists);
	free(lists->blocks);
	memset(lists, 0, sizeof *lists);
}

bool heap_free_lists(const struct heap *heap, struct free_lists *out)
{
	free_lists_release(out);
	if (heap == NULL || !heap_ready(heap) || heap->ops->free_lists == NULL)
		return !out->host_memory_failed;
	heap->ops->free_lists(heap, out);
	if (out->host_memory_failed)
		out->covers_all = false;
	return !out->host_memory_failed;
}

bool free_lists_find(const struct free_lists *lists, size_t offset, size_t *list, size_t *index)
{
	for (size_t l = 0; l < lists->list_count; l++) {
		const struct free_list *one = &lists->lists[l];

		for (size_t i = 0; i < one->count; i++) {
			if (lists->blocks[one->first + i].offset == offset) {
				*list = l;
				*index = i;
				return true;
			}
		}
	}
	return false;
}

const char *free_list_kind_name(enum free_list_kind kind)
{
	switch (kind) {
	case FREE_LIST_ADDRESS:
		return "address";
	case FREE_LIST_ORDER:
		return "order";
	case FREE_LIST_SIZE_CLASS:
		return "class";
	case FREE_LIST_TLSF:
		return "tlsf";
	case FREE_LIST_EXPLICIT:
		return "explicit";
	case FREE_LIST_SLAB:
		return "slab";
	}
	return "unknown";
}

/* --- the hooks of the allocators without lists: they walk the blocks themselves --- */

/* The free blocks starting in [from, to), in address order; false when a size is corrupt. */
static bool add_free_between(const struct heap *heap, size_t from, size_t to, struct free_lists *out)
{
	for (size_t block = 0; block < heap->brk && block < to;) {
		size_t size = block_size(heap, block);

		if (size < block_min_size(heap) || size > heap->brk - block)
			return false; /* the checker says what is wrong; the view shows what it can */
		if (block >= from && !block_is_used(heap, block))
			free_lists_add(out, block, size);
		block += size;
	}
	return true;
}

/* first, best, worst fit: one implicit list in address order (best and worst read all of it). */
void fit_free_lists(const struct heap *heap, struct free_lists *out)
{
	free_lists_begin(out, FREE_LIST_ADDRESS, 0, 0, 0, 0);
	out->covers_all = add_free_between(heap, 0, heap->brk, out);
}

/* next fit: as its search, the blocks starting from the rover to the break, then from 0 up to the rover. */
void next_fit_free_lists(const struct heap *heap, struct free_lists *out)
{
	size_t rover = heap->rover < heap->brk ? heap->rover : heap->brk;

	free_lists_begin(out, FREE_LIST_ADDRESS, 0, 0, 0, 0);
	out->covers_all = add_free_between(heap, rover, heap->brk, out) && add_free_between(heap, 0, rover, out);
}

/* buddy: its free blocks of each order, smallest order first, lowest address first (its search's order). */
void buddy_free_lists(const struct heap *heap, struct free_lists *out)
{
	bool whole = true;

	for (unsigned order = 0; order < HEAP_ORDERS; order++) {
		size_t size = (size_t)1 << order, seen = 0;

		if (heap->free_per_order[order] == 0)
			continue;
		free_lists_begin(out, FREE_LIST_ORDER, order, 0, size, size);
		for (size_t block = 0; block < heap->brk && seen < heap->free_per_order[order];) {
			size_t bsize = block_size(heap, block);

			if (bsize < block_min_size(heap) || bsize > heap->brk - block) {
				whole = false;
				break;
			}
			if (bsize == size && !block_is_used(heap, block)) {
				free_lists_add(out, block, size);
				seen++;
			}
			block += bsize;
		}
	}
	out->covers_all = whole;
}
