/* fuzz_input.h - how the session harnesses read an input: the first byte picks the heap, the rest is lines. */
#ifndef HEAPVIZ_FUZZ_INPUT_H
#define HEAPVIZ_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "heap.h"

/*
 * The heap an input runs on, from its first byte: the policy, the size (256 B
 * doubled up to sizes - 1 times: small heaps keep a harness fast) and the
 * alignment. Every config this gives is allowed, buddy's included.
 */
static inline struct heap_config fuzz_heap_config(uint8_t first, unsigned sizes)
{
	static const unsigned alignments[] = { 8, 4, 16 };
	struct heap_config config = {
		(size_t)256 << (first / POLICY_COUNT % sizes),
		(enum heap_policy)(first % POLICY_COUNT),
		alignments[first / 20 % 3],
		HEAP_ORDER_ADDRESS,
	};
	return config;
}

/* The lines after the first byte, split at '\n', at most max_lines of them. */
struct fuzz_lines {
	const uint8_t *data;
	size_t size;
	size_t pos;
	size_t count;
	size_t max_lines;
};

static inline struct fuzz_lines fuzz_lines_of(const uint8_t *data, size_t size, size_t max_lines)
{
	struct fuzz_lines lines = { data, size, 1, 0, max_lines };
	return lines;
}

/* The next line, cut to line_max bytes and NUL-terminated in line (line_max + 1 bytes); false after the last. */
static inline bool fuzz_next_line(struct fuzz_lines *lines, char *line, size_t line_max)
{
	if (lines->pos >= lines->size || lines->count >= lines->max_lines)
		return false;
	const uint8_t *start = lines->data + lines->pos;
	const uint8_t *end = memchr(start, '\n', lines->size - lines->pos);
	size_t len = end ? (size_t)(end - start) : lines->size - lines->pos;
	size_t copy = len < line_max ? len : line_max;
	memcpy(line, start, copy);
	line[copy] = '\0';
	lines->pos += len + 1;
	lines->count++;
	return true;
}

#endif
