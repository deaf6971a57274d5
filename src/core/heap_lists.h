/* heap_lists.h - segregated explicit free lists with in-band links: what seglist and tlsf share (heap_lists.c). */
#ifndef HEAPVIZ_HEAP_LISTS_H
#define HEAPVIZ_HEAP_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap_internal.h"

/*
 * Blocks are the fit policies' (header, boundary-tag footer, split and
 * coalesce at once); a free block also carries two links in the first 8
 * bytes of its payload: word 0 the offset of the next block on its list,
 * word 1 the previous one, LIST_NONE (ff ff ff ff) at either end. A list is
 * (class, sub), chosen by ops->list_of from the block size; a freed or
 * split-off block is pushed on the front of its list (LIFO, as tlsf.c and
 * CS:APP's explicit lists do). The heads and the bitmaps of non-empty lists
 * are in heap->lists (heap_internal.h).
 */

/* A list, as the allocator names it: seglist's class (sub 0), tlsf's (fl, sl). */
struct list_id {
	unsigned class_index;
	unsigned sub;
};

/* Block size (header, request, footer) a request takes; never below the minimum block that can hold the links. */
size_t lists_need(const struct heap *heap, size_t request);
/* Header, two links and footer, rounded up to the alignment: 20 B (align 4), 24 B (8), 32 B (16). */
size_t lists_min_block(const struct heap *heap);
/* A fresh heap: every head LIST_NONE; with tiled true the whole usable heap is one free block (tlsf). */
void lists_create(struct heap *heap, bool tiled);

struct list_id lists_list_of(const struct heap *heap, size_t size);
size_t list_head(const struct heap *heap, struct list_id list);
/* The in-band next link of a free block (LIST_NONE at the end). */
size_t list_next(const struct heap *heap, size_t block);
/* The first non-empty list at or after list (class-major order), by the bitmaps; false when there is none. */
bool lists_first_nonempty(const struct heap *heap, struct list_id from, struct list_id *found);

/* How an allocator picks a free block for need: true with block (its list in placement's found_*). */
typedef bool (*lists_search)(const struct heap *heap, size_t need, size_t *block, struct heap_placement *placement);

enum heap_status lists_malloc(struct heap *heap, lists_search search, size_t request, struct heap_placement *placement);
void lists_free(struct heap *heap, size_t block, struct heap_release *release);
bool lists_realloc_in_place(struct heap *heap, size_t block, size_t request, struct heap_placement *placement);

/* The checker's hooks: no two free blocks touch; every free block is on exactly its list; bitmaps match the heads. */
void lists_check_pair(const struct heap *heap, size_t previous, size_t block, struct heap_report *out);
void lists_check_heap(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out);

#endif
