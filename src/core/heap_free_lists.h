/* heap_free_lists.h - the allocators' free_lists hooks (allocator.h), for their ops tables. */
#ifndef HEAPVIZ_HEAP_FREE_LISTS_H
#define HEAPVIZ_HEAP_FREE_LISTS_H

#include "free_lists.h"

struct heap;

void fit_free_lists(const struct heap *heap, struct free_lists *out);      /* heap_free_lists.c */
void next_fit_free_lists(const struct heap *heap, struct free_lists *out); /* heap_free_lists.c */
void buddy_free_lists(const struct heap *heap, struct free_lists *out);    /* heap_free_lists.c */
void lists_free_lists(const struct heap *heap, struct free_lists *out);    /* heap_lists.c: seglist, tlsf */

#endif
