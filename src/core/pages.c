/* pages.c - a byte buffer in copy-on-write 4 KiB pages: a persistent radix tree for copies, a working copy for use. */
#include "pages.h"

#include <stdlib.h>
#include <string.h>

/*
 * A node is a reference count and then either 64 child pointers (interior)
 * or the page's bytes (a leaf, as long as its page: the last page of a small
 * buffer is short, so a 64-byte heap holds a 64-byte page, not 4 KiB). Which
 * one a node is follows from its level, so it is not stored. Nodes are
 * immutable while shared (refs > 1); a holder with the only reference may
 * change it in place.
 */
struct pages_node {
	size_t refs;
	struct pages_node *child[];
};

enum { FANOUT_BITS = 6 };

static const uint8_t zero_page[PAGES_PAGE_SIZE];

/* Index of the lowest set bit of a non-zero word. */
static size_t lowest_set(uint64_t bits)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctzll(bits);
#else
	size_t n = 0;

	while ((bits & 1u) == 0) {
		bits >>= 1;
		n++;
	}
	return n;
#endif
}

static uint8_t *leaf_bytes(struct pages_node *leaf)
{
	return (uint8_t *)leaf->child;
}

static size_t page_length(const struct pages *pages, size_t page)
{
	size_t left = pages->size - page * PAGES_PAGE_SIZE;

	return left < PAGES_PAGE_SIZE ? left : PAGES_PAGE_SIZE;
}

static size_t dirty_words(const struct pages *pages)
{
	return (pages->count + 63) / 64;
}

static bool is_dirty(const struct pages *pages, size_t page)
{
	return pages->dirty != NULL && (pages->dirty[page / 64] >> (page % 64) & 1u) != 0;
}

static size_t node_bytes(const struct pages *pages, unsigned level, size_t page)
{
	return sizeof(struct pages_node) +
	       (level > 0 ? PAGES_FANOUT * sizeof(struct pages_node *) : page_length(pages, page));
}

static void node_unref(struct pages_node *node, unsigned level)
{
	if (node == NULL || --node->refs > 0)
		return;
	if (level > 0)
		for (size_t c = 0; c < PAGES_FANOUT; c++)
			node_unref(node->child[c], level - 1);
	free(node);
}

/* The child slot of page at this level (level 1 holds leaves). */
static size_t child_index(size_t page, unsigned level)
{
	return page >> (FANOUT_BITS * (level - 1)) & (PAGES_FANOUT - 1);
}

/* The leaf holding page, or NULL when the page is all zero. */
static const struct pages_node *leaf_of(const struct pages *pages, size_t page)
{
	const struct pages_node *node = pages->root;

	for (unsigned level = pages->depth; level > 0 && node != NULL; level--)
		node = node->child[child_index(page, level)];
	return node;
}

/* What page holds now: the working copy where it may differ, else the tree. */
static const uint8_t *page_content(const struct pages *pages, size_t page)
{
	const struct pages_node *leaf;

	if (is_dirty(pages, page))
		return pages->data + page * PAGES_PAGE_SIZE;
	leaf = leaf_of(pages, page);
	return leaf != NULL ? (const uint8_t *)leaf->child : zero_page;
}

static void layout(struct pages *pages, size_t size)
{
	size_t capacity = 1;

	memset(pages, 0, sizeof *pages);
	pages->size = size;
	pages->count = size == 0 ? 1 : (size + PAGES_PAGE_SIZE - 1) / PAGES_PAGE_SIZE;
	while (capacity < pages->count) {
		capacity *= PAGES_FANOUT;
		pages->depth++;
	}
}

bool pages_init(struct pages *pages, size_t size)
{
	layout(pages, size);
	pages->data = calloc(size == 0 ? 1 : size, 1);
	pages->dirty = calloc(dirty_words(pages), sizeof *pages->dirty);
	if (pages->data == NULL || pages->dirty == NULL) {
		pages_release(pages);
		return false;
	}
	return true;
}

void pages_release(struct pages *pages)
{
	node_unref(pages->root, pages->depth);
	free(pages->data);
	free(pages->dirty);
	memset(pages, 0, sizeof *pages);
}

/* Put leaf (NULL: zeros) at page, copying every shared node on the path first; false on host OOM (bytes unchanged). */
static bool set_leaf(struct pages *pages, size_t page, struct pages_node *leaf)
{
	struct pages_node **slot = &pages->root;

	for (unsigned level = pages->depth; level > 0; level--) {
		struct pages_node *node = *slot;

		if (node == NULL || node->refs > 1) {
			struct pages_node *copy = calloc(1, node_bytes(pages, level, 0));

			if (copy == NULL)
				return false;
			copy->refs = 1;
			if (node != NULL) {
				for (size_t c = 0; c < PAGES_FANOUT; c++)
					if ((copy->child[c] = node->child[c]) != NULL)
						copy->child[c]->refs++;
				node->refs--; /* shared, so never the last reference */
			}
			*slot = copy;
		}
		slot = &(*slot)->child[child_index(page, level)];
	}
	node_unref(*slot, 0);
	*slot = leaf;
	return true;
}

static bool all_zero(const uint8_t *bytes, size_t len)
{
	return memcmp(bytes, zero_page, len) == 0;
}

/* Every byte of a whole page the same (a fill's inside): such pages can share one leaf. */
static bool is_uniform(const uint8_t *bytes, size_t len)
{
	return len == PAGES_PAGE_SIZE && memcmp(bytes, bytes + 1, len - 1) == 0;
}

bool pages_publish(struct pages *pages)
{
	/*
	 * Whole pages of one byte value (what `fill` leaves) share one leaf per
	 * publish: a checkpoint after filling 16 MiB holds one page and the tree's
	 * nodes, not 4,096 pages, so checkpoints can follow fills closely.
	 */
	struct pages_node *uniform = NULL;

	if (pages->dirty == NULL)
		return true;
	for (size_t word = 0; word < dirty_words(pages); word++) {
		while (pages->dirty[word] != 0) {
			size_t page = word * 64 + lowest_set(pages->dirty[word]);
			size_t len = page_length(pages, page);
			const uint8_t *now = pages->data + page * PAGES_PAGE_SIZE;
			const struct pages_node *old = leaf_of(pages, page);
			struct pages_node *leaf = NULL;

			/* A page written back to what it was keeps its page (a fill with the same byte, a freed tail). */
			if (old != NULL ? memcmp(old->child, now, len) != 0 : !all_zero(now, len)) {
				bool same = is_uniform(now, len);

				if (same && uniform != NULL && leaf_bytes(uniform)[0] == now[0]) {
					leaf = uniform;
					leaf->refs++;
				} else if (!all_zero(now, len)) {
					leaf = malloc(node_bytes(pages, 0, page));
					if (leaf == NULL)
						return false;
					leaf->refs = 1;
					memcpy(leaf_bytes(leaf), now, len);
					if (same)
						uniform = leaf;
				}
				if (!set_leaf(pages, page, leaf)) {
					node_unref(leaf, 0);
					return false;
				}
			}
			pages->dirty[word] &= pages->dirty[word] - 1;
		}
	}
	return true;
}

bool pages_clone(struct pages *dst, struct pages *src)
{
	if (!pages_publish(src))
		return false;
	layout(dst, src->size);
	dst->root = src->root;
	if (dst->root != NULL)
		dst->root->refs++;
	return true;
}

/* Write src's leaves into data wherever src's subtree differs from the one data last held. */
static void copy_differing(uint8_t *data, const struct pages *shape, const struct pages_node *have,
			   const struct pages_node *want, unsigned level, size_t page)
{
	if (have == want || page >= shape->count)
		return;
	if (level == 0) {
		memcpy(data + page * PAGES_PAGE_SIZE, want != NULL ? (const uint8_t *)want->child : zero_page,
		       page_length(shape, page));
		return;
	}
	for (size_t c = 0; c < PAGES_FANOUT; c++)
		copy_differing(data, shape, have != NULL ? have->child[c] : NULL, want != NULL ? want->child[c] : NULL,
			       level - 1, page * PAGES_FANOUT + c);
}

bool pages_copy_into(struct pages *dst, struct pages *src)
{
	if (dst == src)
		return true;
	if (!pages_publish(src))
		return false;
	if (dst->size != src->size) {
		struct pages fresh;

		pages_clone(&fresh, src); /* src is published: cannot fail */
		if (dst->data != NULL && pages_data(&fresh) == NULL) {
			pages_release(&fresh);
			return false;
		}
		pages_release(dst);
		*dst = fresh;
		return true;
	}
	if (dst->data != NULL) {
		/* Pages dst changed since its tree: take src's bytes; then every page where the trees differ. */
		for (size_t word = 0; word < dirty_words(dst); word++) {
			for (uint64_t bits = dst->dirty[word]; bits != 0; bits &= bits - 1) {
				size_t page = word * 64 + lowest_set(bits);

				memcpy(dst->data + page * PAGES_PAGE_SIZE, page_content(src, page), page_length(dst, page));
			}
			dst->dirty[word] = 0;
		}
		copy_differing(dst->data, dst, dst->root, src->root, dst->depth, 0);
	}
	if (src->root != NULL)
		src->root->refs++;
	node_unref(dst->root, dst->depth);
	dst->root = src->root;
	return true;
}

/* Compare the pages under two subtrees that neither holder has changed since (the dirty ones were compared first). */
static bool subtrees_equal(const struct pages *a, const struct pages *b, const struct pages_node *x,
			   const struct pages_node *y, unsigned level, size_t page)
{
	if (x == y || page >= a->count)
		return true;
	if (level == 0)
		return is_dirty(a, page) || is_dirty(b, page) ||
		       memcmp(x != NULL ? (const uint8_t *)x->child : zero_page,
			      y != NULL ? (const uint8_t *)y->child : zero_page, page_length(a, page)) == 0;
	for (size_t c = 0; c < PAGES_FANOUT; c++)
		if (!subtrees_equal(a, b, x != NULL ? x->child[c] : NULL, y != NULL ? y->child[c] : NULL, level - 1,
				    page * PAGES_FANOUT + c))
			return false;
	return true;
}

bool pages_equal(const struct pages *a, const struct pages *b)
{
	if (a->size != b->size)
		return false;
	if (a == b)
		return true;
	for (size_t word = 0; word < dirty_words(a); word++) {
		uint64_t bits = (a->dirty != NULL ? a->dirty[word] : 0) | (b->dirty != NULL ? b->dirty[word] : 0);

		for (; bits != 0; bits &= bits - 1) {
			size_t page = word * 64 + lowest_set(bits);

			if (memcmp(page_content(a, page), page_content(b, page), page_length(a, page)) != 0)
				return false;
		}
	}
	return subtrees_equal(a, b, a->root, b->root, a->depth, 0);
}

static void fill_from(uint8_t *data, const struct pages *shape, const struct pages_node *node, unsigned level,
		      size_t page)
{
	if (node == NULL || page >= shape->count)
		return;
	if (level == 0) {
		memcpy(data + page * PAGES_PAGE_SIZE, node->child, page_length(shape, page));
		return;
	}
	for (size_t c = 0; c < PAGES_FANOUT; c++)
		fill_from(data, shape, node->child[c], level - 1, page * PAGES_FANOUT + c);
}

uint8_t *pages_data(struct pages *pages)
{
	if (pages->data != NULL)
		return pages->data;
	pages->data = calloc(pages->size == 0 ? 1 : pages->size, 1);
	pages->dirty = calloc(dirty_words(pages), sizeof *pages->dirty);
	if (pages->data == NULL || pages->dirty == NULL) {
		free(pages->data);
		free(pages->dirty);
		pages->data = NULL;
		pages->dirty = NULL;
		return NULL;
	}
	fill_from(pages->data, pages, pages->root, pages->depth, 0);
	return pages->data;
}

void pages_touch_range(struct pages *pages, size_t start, size_t end)
{
	if (end <= start || pages->dirty == NULL)
		return;
	for (size_t page = start / PAGES_PAGE_SIZE; page <= (end - 1) / PAGES_PAGE_SIZE; page++)
		pages->dirty[page / 64] |= (uint64_t)1 << (page % 64);
}

size_t pages_changed_bytes(const struct pages *pages)
{
	size_t count = 0;

	if (pages->dirty == NULL)
		return 0;
	for (size_t word = 0; word < dirty_words(pages); word++)
		for (uint64_t bits = pages->dirty[word]; bits != 0; bits &= bits - 1)
			count++;
	return count * PAGES_PAGE_SIZE;
}

static size_t working_bytes(const struct pages *pages)
{
	return pages->data != NULL ? pages->size + dirty_words(pages) * sizeof *pages->dirty : 0;
}

static size_t owned_bytes(const struct pages *pages, const struct pages_node *node, unsigned level, size_t page)
{
	size_t total;

	if (node == NULL || node->refs > 1)
		return 0;
	total = node_bytes(pages, level, page);
	if (level > 0)
		for (size_t c = 0; c < PAGES_FANOUT; c++)
			total += owned_bytes(pages, node->child[c], level - 1, page * PAGES_FANOUT + c);
	return total;
}

size_t pages_unshared_bytes(const struct pages *pages)
{
	return working_bytes(pages) + owned_bytes(pages, pages->root, pages->depth, 0);
}

/* *last: the leaf counted last, so a run of pages sharing one leaf (a fill's) counts it once. */
static size_t bytes_not_in(const struct pages *pages, const struct pages_node *have, const struct pages_node *base,
			   unsigned level, size_t page, const struct pages_node **last)
{
	size_t total;

	if (have == NULL || have == base || (level == 0 && have == *last))
		return 0;
	total = node_bytes(pages, level, page);
	if (level == 0)
		*last = have;
	else
		for (size_t c = 0; c < PAGES_FANOUT; c++)
			total += bytes_not_in(pages, have->child[c], base != NULL ? base->child[c] : NULL, level - 1,
					      page * PAGES_FANOUT + c, last);
	return total;
}

size_t pages_bytes_not_in(const struct pages *pages, const struct pages *base)
{
	const struct pages_node *other = base != NULL && base->size == pages->size ? base->root : NULL;
	const struct pages_node *last = NULL;

	return working_bytes(pages) + bytes_not_in(pages, pages->root, other, pages->depth, 0, &last);
}
