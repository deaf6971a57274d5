/* allocator.h - the one interface every allocator implements, and the registry that names and lists them. */
#ifndef HEAPVIZ_ALLOCATOR_H
#define HEAPVIZ_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "heap.h"

/*
 * An allocator is one const struct allocator_ops in its own file (first,
 * next, best and worst fit in heap_fit.c, buddy in heap_buddy.c, segregated
 * fits in heap_seglist.c and heap_tlsf.c over heap_lists.c) and one row
 * of include/core/allocators.def, which makes both its enum heap_policy
 * value and its registry entry (src/core/allocator.c). Everything
 * else — heap.h's functions, the session, views, JSON, SVG, the checker —
 * reaches an allocator only through this table: heap_alloc validates the
 * request and calls malloc; heap_realloc tries realloc_in_place and
 * otherwise does the one allocate-copy-free fallback itself; heap_check
 * checks what all block layouts share and calls the check_* hooks for the
 * rest.
 *
 * The operations work on the core's block layer (src/heap_internal.h:
 * block_place/block_forget, the block-start index, the registers), which is
 * the implementer's API. The caller has validated every address and request
 * (a live block, 0 < request <= heap size). An operation that returns a
 * status other than HEAP_OK must leave the heap unchanged.
 */

struct heap_report; /* where check hooks send problems: heap_report_problem (heap_internal.h) */
struct heap_tally;  /* what the checker's walk counted (heap_internal.h) */
struct free_lists;  /* the free structures in walk order (free_lists.h) */

/* Which rule chose a block, for the explanation: data only, the sentence is worded elsewhere. */
enum allocator_rule {
	RULE_LOWEST_FIT,      /* the lowest free block that fits */
	RULE_NEXT_FROM_START, /* the first that fits from the search start on, wrapping (search_start) */
	RULE_SMALLEST_FIT,    /* the smallest that fits, lowest address on ties */
	RULE_LARGEST_FREE,    /* the largest free block, lowest address on ties */
	RULE_BUDDY_SPLIT,     /* a power-of-two block, halving a larger one (placement.buddy_splits) */
	/*
	 * seglist: first fit in list order on the request's size class (want_class),
	 * else the first block of the next non-empty class (found_class); the
	 * split-off rest goes to its class (rest_class).
	 */
	RULE_SEGREGATED_FIT,
	/*
	 * tlsf: the need rounded up (rounded) to the lowest size of its list
	 * (want_class, want_sub), then the head of the first non-empty list at or
	 * above it by the bitmaps (found_class, found_sub): a good fit in O(1).
	 */
	RULE_TLSF_GOOD_FIT
};

struct allocator_ops {
	const char *name;  /* the word commands and --policy take: "first" */
	const char *title; /* for people: "first fit" */
	enum allocator_rule rule;

	/* The block layout the shared block code follows. */
	bool boundary_tags; /* every block ends in a footer copying its header word (4 bytes) */
	bool grows_break;   /* blocks tile [0, break) and a break moves up; else the heap is tiled from the start */
	bool size_classes;  /* keep free blocks counted per power of two (free_per_order) */
	/*
	 * Segregated free lists (heap_lists.c): second-level lists per first
	 * level, 0 when the allocator keeps none. With lists, free blocks carry
	 * next/prev links in their payload bytes, and the lists' heads and
	 * bitmaps are kept in the heap's index (derived data, like the
	 * block-start index); list_of says which list a free block belongs on.
	 */
	unsigned list_subs;
	/* Lists: freed and split-off blocks go on the back of their list (FIFO order, heap_order.c), not the front. */
	bool list_back;
	void (*list_of)(size_t size, unsigned *list_class, unsigned *list_sub);
	size_t (*min_block)(const struct heap *heap);
	/* Block size (metadata included) a request of this many bytes takes. */
	size_t (*need)(const struct heap *heap, size_t request);

	/* Why this config is not allowed for this allocator beyond the common rules, or NULL. May be NULL. */
	const char *(*config_problem)(const struct heap_config *config);
	/* Lay out a fresh, all-zero heap (buddy: one free block). May be NULL: all wilderness. */
	void (*create)(struct heap *heap);
	enum heap_status (*malloc)(struct heap *heap, size_t request, struct heap_placement *placement);
	/* block is a live block's offset; release says what merged. */
	void (*free)(struct heap *heap, size_t block, struct heap_release *release);
	/*
	 * Resize the block where it stands (shrink, or grow into free space
	 * beside it), filling block_size, found_size and split_rest; false,
	 * changing nothing, when it cannot. placement's need, payload, block and
	 * source (SOURCE_IN_PLACE) are already set.
	 */
	bool (*realloc_in_place)(struct heap *heap, size_t block, size_t request, struct heap_placement *placement);
	/* After any change to the blocks: keep per-allocator registers consistent. May be NULL. */
	void (*settle)(struct heap *heap);
	/* Where the next search starts (next fit's rover). NULL when the allocator has none. */
	size_t (*search_start)(const struct heap *heap);

	/* Invariants of this allocator's blocks, beyond the shared ones. Each may be NULL. */
	void (*check_block)(const struct heap *heap, size_t block, size_t size, struct heap_report *out);
	void (*check_pair)(const struct heap *heap, size_t previous, size_t block, struct heap_report *out);
	void (*check_heap)(const struct heap *heap, const struct heap_tally *tally, struct heap_report *out);

	/*
	 * The free structures in the order the search walks them, through
	 * free_lists_begin/free_lists_add, setting covers_all, in_band_links
	 * and the bitmaps (free_lists.h). May be NULL: no free-list view.
	 */
	void (*free_lists)(const struct heap *heap, struct free_lists *out);
};

/* The registry: one row per enum heap_policy value, in that order. */
size_t allocator_count(void);
/* The allocator of a policy; NULL when there is no such policy. */
const struct allocator_ops *allocator_get(enum heap_policy policy);
/* The policy whose name is word (case-insensitive, whole word); false when none is. */
bool allocator_find(const char *word, enum heap_policy *policy);
/*
 * The allocators' names in registry order, joined by separator and the last
 * two by last_separator ("first, next, best, worst or buddy" with ", " and
 * " or "), into buffer (always terminated, whole names only). Every list of
 * policies a user reads is made here, so a new allocator shows everywhere.
 * Returns the length written.
 */
size_t allocator_names(char *buffer, size_t size, const char *separator, const char *last_separator);
/* The heap's allocator. */
const struct allocator_ops *heap_allocator(const struct heap *heap);

#endif
