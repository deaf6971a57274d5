/* free_lists.h - the allocator's free structures in the order it walks them, as plain data (heap_free_lists.c). */
#ifndef HEAPVIZ_FREE_LISTS_H
#define HEAPVIZ_FREE_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"

/*
 * What the free-list view, --json's "free_lists" and the hex view's link
 * labels read: a list of structures, each a kind, a label's data and its
 * free blocks (offset, size) in the order the allocator's search visits
 * them; the structures themselves in the order the search tries them.
 * Made by the allocator's optional free_lists hook (allocator.h) through
 * free_lists_begin/free_lists_add; an allocator without the hook shows
 * nothing (count 0, covers_all false).
 *
 * Kinds, and who makes them:
 *   FREE_LIST_ADDRESS     first/best/worst fit: one implicit list, address order;
 *                         next fit: the same list starting at the rover, wrapping.
 *   FREE_LIST_ORDER       buddy: the free blocks of one order (2^class_index B),
 *                         smallest order first, address order in each.
 *   FREE_LIST_SIZE_CLASS  seglist: class class_index (min_size..max_size B), list order.
 *   FREE_LIST_TLSF        tlsf: list (class_index, sub) = (fl, sl), list order; the
 *                         bitmaps are in struct free_lists.
 *   FREE_LIST_EXPLICIT    an explicit list in LIFO or FIFO order (--order, w-order).
 *   FREE_LIST_SLAB        one slab's object free list (slab, w-slab): slab is the
 *                         slab's offset, min_size = max_size its object size.
 * The integrator implements the hook for slab and for --order lifo|fifo.
 */
enum free_list_kind {
	FREE_LIST_ADDRESS,
	FREE_LIST_ORDER,
	FREE_LIST_SIZE_CLASS,
	FREE_LIST_TLSF,
	FREE_LIST_EXPLICIT,
	FREE_LIST_SLAB
};

/* How an explicit list takes freed blocks (FREE_LIST_EXPLICIT). */
enum free_list_insert { FREE_INSERT_NONE, FREE_INSERT_LIFO, FREE_INSERT_FIFO };

struct free_list_block {
	size_t offset; /* the block's header */
	size_t size;   /* metadata included */
};

struct free_list {
	enum free_list_kind kind;
	unsigned class_index;      /* ORDER: the order; SIZE_CLASS: the class; TLSF: fl */
	unsigned sub;              /* TLSF: sl; else 0 */
	size_t min_size, max_size; /* block sizes this structure holds (0, 0: any) */
	size_t slab;               /* SLAB: the slab's offset */
	enum free_list_insert insert;
	size_t first;              /* its blocks: blocks[first .. first + count) */
	size_t count;
};

struct free_lists {
	struct free_list *lists;
	size_t list_count;
	struct free_list_block *blocks;
	size_t block_count;
	/* True when the structures hold every free block below the break exactly once. */
	bool covers_all;
	/*
	 * Free blocks carry next/prev links in their payload: word next at
	 * offset + link_offset, prev 4 bytes after (LIST_NONE ff ff ff ff at
	 * the ends). in_band_links false: the allocator keeps no in-band links.
	 */
	bool in_band_links;
	size_t link_offset;
	/* tlsf: the first-level bitmap (bit fl) and one second-level bitmap per fl (bit sl). */
	bool has_bitmaps;
	uint32_t first_level;
	uint32_t second_level[32];
	bool host_memory_failed; /* the host's malloc failed: what is here is incomplete */
};

/* Fill out from heap (out's old contents released); false only on host OOM (out then holds what fit). */
bool heap_free_lists(const struct heap *heap, struct free_lists *out);
void free_lists_release(struct free_lists *lists);
/* The structure and place of the free block at offset; false when no structure holds it. */
bool free_lists_find(const struct free_lists *lists, size_t offset, size_t *list, size_t *index);

/* For the hooks: start a structure, then add its blocks in walk order. */
void free_lists_begin(struct free_lists *out, enum free_list_kind kind, unsigned class_index, unsigned sub,
		      size_t min_size, size_t max_size);
void free_lists_add(struct free_lists *out, size_t offset, size_t size);

/* The kind's word in JSON and the view: "address", "order", "class", "tlsf", "explicit", "slab". */
const char *free_list_kind_name(enum free_list_kind kind);

#endif
