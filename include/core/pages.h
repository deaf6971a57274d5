/* pages.h - a byte buffer held in 4 KiB pages shared copy-on-write between copies: clone O(1), restore O(pages that differ). */
#ifndef HEAPVIZ_PAGES_H
#define HEAPVIZ_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Two representations of the same bytes:
 *
 * - the snapshot: a persistent radix tree (fan-out 64) of immutable,
 *   reference-counted 4 KiB pages. A NULL subtree is all zero bytes. Copies
 *   share the tree: cloning takes one reference on the root; changing a page
 *   copies only the path to it (at most PAGES_DEPTH_MAX nodes of 64
 *   pointers). Two trees are compared, and one is made into the other, by
 *   descending only where their pointers differ.
 * - the working copy: a contiguous buffer the owner reads and writes as
 *   plain memory (the allocator's hot loads stay single loads, and views get
 *   one pointer), with a bit per page saying the page may differ from the
 *   tree. It exists only once someone needs the bytes (pages_data): a
 *   checkpoint that is only ever restored from never has one.
 *
 * Every write into the working copy must be announced with pages_touch, or
 * a later publish will not see it.
 */

enum { PAGES_PAGE_SIZE = 4096, PAGES_FANOUT = 64, PAGES_DEPTH_MAX = 4 };

struct pages_node;

struct pages {
	size_t size;               /* bytes */
	size_t count;              /* pages: size / PAGES_PAGE_SIZE rounded up (at least 1) */
	unsigned depth;            /* interior levels above the pages (0: the root is the only page) */
	struct pages_node *root;   /* the snapshot; NULL when every byte is zero */
	uint8_t *data;             /* the working copy, or NULL */
	uint64_t *dirty;           /* with data: pages whose working copy may differ from the tree */
};

/* size zero bytes, with a working copy; false on host OOM (then nothing is held). */
bool pages_init(struct pages *pages, size_t size);
void pages_release(struct pages *pages);
/* dst (uninitialised) shares src's bytes: O(1) once src is published; no working copy. */
bool pages_clone(struct pages *dst, struct pages *src);
/* Make dst hold src's bytes, copying into dst's working copy only the pages that differ. */
bool pages_copy_into(struct pages *dst, struct pages *src);
/* Same bytes? Pages both share are skipped. */
bool pages_equal(const struct pages *a, const struct pages *b);
/* The working copy, made from the tree when there is none yet; NULL on host OOM. */
uint8_t *pages_data(struct pages *pages);
/* Note that [start, end) of the working copy is about to change (or has); pages_touch is the inline fast path. */
void pages_touch_range(struct pages *pages, size_t start, size_t end);

/* A store of at most 8 bytes at an 8-aligned offset: one page, no range to split. */
static inline void pages_touch_word(struct pages *pages, size_t offset)
{
	size_t page = offset / PAGES_PAGE_SIZE;

	pages->dirty[page / 64] |= (uint64_t)1 << (page % 64);
}

/* Every store the allocator makes comes through here, so marking one page is a shift and an or. */
static inline void pages_touch(struct pages *pages, size_t start, size_t end)
{
	size_t page = start / PAGES_PAGE_SIZE;

	if (end <= start || pages->dirty == NULL)
		return;
	if ((end - 1) / PAGES_PAGE_SIZE == page)
		pages->dirty[page / 64] |= (uint64_t)1 << (page % 64);
	else
		pages_touch_range(pages, start, end);
}

/*
 * Copy the changed pages into the tree (a page whose bytes did not change keeps its old page, and whole
 * pages of one byte value share one page); false on host OOM.
 */
bool pages_publish(struct pages *pages);
/* Bytes in pages marked changed since the last publish (whole pages). */
size_t pages_changed_bytes(const struct pages *pages);
/*
 * Host bytes that releasing these pages would give back: the working copy and every node no one else shares
 * (a page of one byte value shared by several places of this tree counts as shared: a lower bound).
 */
size_t pages_unshared_bytes(const struct pages *pages);
/* Host bytes of pages' tree (and working copy) not shared with base's tree at the same place. */
size_t pages_bytes_not_in(const struct pages *pages, const struct pages *base);

#endif
