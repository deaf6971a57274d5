/* heap_testing.h - test helpers: expected block tables, a checker assertion, allocation shorthands. */
#ifndef HEAPVIZ_HEAP_TESTING_H
#define HEAPVIZ_HEAP_TESTING_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "heap.h"

/* One row of an expected block table: {offset, size, state}. */
struct expected_block {
	size_t offset;
	size_t size;
	enum block_state state;
};

/* Short names so expected tables read like the picture: {0, 32, USED}. */
#define USED BLOCK_USED
#define FREE BLOCK_FREE
#define WILD BLOCK_WILDERNESS

enum { TABLE_MAX = 64 };

struct block_table {
	struct heap_block rows[TABLE_MAX];
	size_t count;
	size_t total; /* blocks seen, even beyond TABLE_MAX */
};

static inline bool table_collect(const struct heap_block *block, void *context)
{
	struct block_table *table = context;

	if (table->count < TABLE_MAX)
		table->rows[table->count++] = *block;
	table->total++;
	return true;
}

static inline const char *state_word(enum block_state state)
{
	return state == BLOCK_USED ? "USED" : state == BLOCK_FREE ? "FREE" : "WILD";
}

static inline void print_table(const struct block_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		print_error("    {%zu, %zu, %s}\n", table->rows[i].offset, table->rows[i].size,
			    state_word(table->rows[i].state));
}

/* Compare the walk with an expected table; prints both on a mismatch. */
static inline void check_block_table(const struct heap *heap, const struct expected_block *expected, size_t count,
				     const char *file, int line)
{
	struct block_table table = { .count = 0 };
	bool same;

	heap_walk(heap, table_collect, &table);
	same = table.total == count;
	for (size_t i = 0; same && i < count; i++)
		same = table.rows[i].offset == expected[i].offset && table.rows[i].size == expected[i].size &&
		       table.rows[i].state == expected[i].state;
	if (!same) {
		print_error("%s:%d: block table differs; expected:\n", file, line);
		for (size_t i = 0; i < count; i++)
			print_error("    {%zu, %zu, %s}\n", expected[i].offset, expected[i].size,
				    state_word(expected[i].state));
		print_error("  actual:\n");
		print_table(&table);
		_fail(file, line);
	}
}

/* Run the checker; any problem fails the test with the checker's messages. */
static inline void check_heap_sane(const struct heap *heap, const char *file, int line)
{
	struct heap_problem problems[8];
	size_t found = heap_check(heap, problems, 8);

	if (found == 0)
		return;
	for (size_t i = 0; i < found && i < 8; i++)
		print_error("%s:%d: heap problem at 0x%zx: %s\n", file, line, problems[i].offset, problems[i].message);
	_fail(file, line);
}

#define assert_heap_sane(heap) check_heap_sane((heap), __FILE__, __LINE__)

/* assert_blocks(heap, {0, 32, USED}, {32, 992, WILD}) also runs the checker. */
#define assert_blocks(heap, ...)                                                                         \
	do {                                                                                             \
		static const struct expected_block expected_[] = { __VA_ARGS__ };                        \
		check_block_table((heap), expected_, sizeof expected_ / sizeof expected_[0], __FILE__,    \
				  __LINE__);                                                             \
		check_heap_sane((heap), __FILE__, __LINE__);                                             \
	} while (0)

static inline struct heap *make_heap_at(enum heap_policy policy, size_t size, unsigned alignment, const char *file,
					int line)
{
	struct heap_config config = { size, policy, alignment, HEAP_ORDER_ADDRESS };
	struct heap *heap = NULL;
	enum heap_status status = heap_create(&config, &heap);

	if (status != HEAP_OK) {
		print_error("%s:%d: heap_create: %s\n", file, line, heap_status_message(status));
		_fail(file, line);
	}
	check_heap_sane(heap, file, line);
	return heap;
}

#define make_heap(policy, size, alignment) make_heap_at((policy), (size), (alignment), __FILE__, __LINE__)
#define make_default_heap(policy) make_heap((policy), HEAP_DEFAULT_SIZE, HEAP_DEFAULT_ALIGNMENT)

static inline size_t alloc_ok_at(struct heap *heap, size_t size, const char *file, int line)
{
	struct heap_placement placement;
	enum heap_status status = heap_alloc(heap, size, &placement);

	if (status != HEAP_OK) {
		print_error("%s:%d: heap_alloc(%zu): %s\n", file, line, size, heap_status_message(status));
		_fail(file, line);
	}
	check_heap_sane(heap, file, line);
	return placement.payload;
}

static inline void free_ok_at(struct heap *heap, size_t address, const char *file, int line)
{
	enum heap_status status = heap_free(heap, address, NULL);

	if (status != HEAP_OK) {
		print_error("%s:%d: heap_free(0x%zx): %s\n", file, line, address, heap_status_message(status));
		_fail(file, line);
	}
	check_heap_sane(heap, file, line);
}

#define alloc_ok(heap, size) alloc_ok_at((heap), (size), __FILE__, __LINE__)
#define free_ok(heap, address) free_ok_at((heap), (address), __FILE__, __LINE__)

#endif
