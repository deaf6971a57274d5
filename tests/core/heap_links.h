/* heap_links.h - test helpers for allocators with in-band free-list links (seglist, tlsf, --order lifo|fifo). */
#ifndef HEAPVIZ_HEAP_LINKS_H
#define HEAPVIZ_HEAP_LINKS_H

#include "heap_testing.h"

/* A link word that names no block (the ends of a list): ff ff ff ff. */
#define NONE ((size_t)0xffffffffu)

/* The little-endian 32-bit word at a heap offset. */
static inline size_t word_at(const struct heap *heap, size_t at)
{
	const uint8_t *b = heap_bytes(heap) + at;

	return (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
}

/* One list, head first: the head's prev link is none, each next link names the block after it, the last's is none. */
static inline void check_list(const struct heap *heap, const size_t *blocks, size_t count, const char *file, int line)
{
	size_t header = heap_header_size(heap);

	for (size_t i = 0; i < count; i++) {
		size_t next = word_at(heap, blocks[i] + header), prev = word_at(heap, blocks[i] + header + 4);
		size_t want_next = i + 1 < count ? blocks[i + 1] : NONE, want_prev = i > 0 ? blocks[i - 1] : NONE;

		if (next != want_next || prev != want_prev) {
			print_error("%s:%d: list entry %zu (0x%zx): links next 0x%zx prev 0x%zx, expected 0x%zx 0x%zx\n", file,
				    line, i, blocks[i], next, prev, want_next, want_prev);
			_fail(file, line);
		}
	}
}

#define assert_list(heap, ...)                                                                               \
	check_list((heap), (const size_t[]){ __VA_ARGS__ }, sizeof((const size_t[]){ __VA_ARGS__ }) / sizeof(size_t), \
		   __FILE__, __LINE__)

#endif
