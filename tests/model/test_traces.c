/* test_traces.c - every malloc-lab trace replays to its end through a session, the checker clean after every step. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "allocator.h"
#include "script.h"
#include "session.h"

/*
 * The traces come from the course material in tests/traces/malloclab (see
 * tests/traces/README.md). They need a large heap: every one replays on the
 * 16 MiB heap (TRACE_HEAP_MAX; heapviz allows up to 1 GiB). Requests that do not fit there are
 * refused as out of memory (a result, counted in failed_allocs), never
 * rejected: a replay must reach the end of the trace.
 */

static const char *traces_dir(void)
{
	const char *dir = getenv("HEAPVIZ_TRACES");
	return dir && *dir ? dir : "tests/traces/malloclab";
}

/* Traces whose replay with the checker after every step is too slow under the sanitizers. */
static size_t max_operations(void)
{
	const char *limit = getenv("HEAPVIZ_TRACE_LIMIT");
	return limit && *limit ? (size_t)strtoull(limit, NULL, 10) : (size_t)-1;
}

/* Failed requests when the trace runs (without checks) on a heap of size bytes. */
static size_t refusals_at(const struct script *script, enum heap_policy policy, size_t size)
{
	struct heap_config config = { size, policy, 8, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	assert_non_null(session);
	for (size_t i = 0; i < script->count; i++) {
		struct session_report report;
		session_run(session, &script->lines[i].command, script->lines[i].source, &report);
		session_report_release(&report);
	}
	struct heap_stats stats;
	heap_get_stats(session_heap(session), &stats);
	session_destroy(session);
	return stats.failed_allocs;
}

/*
 * "A heap large enough": the smallest power of two from 64 KiB up on which the
 * trace has no refused request, or TRACE_HEAP_MAX for the few traces that
 * need more. The checker's cost grows with the bytes written, so this keeps
 * the every-step check affordable (tests/model/test_big_heap.c covers 1 GiB).
 */
#define TRACE_HEAP_MAX ((size_t)16 * 1024 * 1024)
static size_t heap_size_for(const struct script *script, enum heap_policy policy)
{
	for (size_t size = 64 * 1024; size < TRACE_HEAP_MAX; size *= 2)
		if (refusals_at(script, policy, size) == 0)
			return size;
	return TRACE_HEAP_MAX;
}

static void replay_ordered(const char *path, enum heap_policy policy, enum heap_order order, bool check_every_step)
{
	struct script script;
	struct script_error error;
	if (!script_load(path, &script, &error))
		fail_msg("%s:%zu:%zu: %s", path, error.line, error.column, error.message);
	/* Sized for the address order; a LIFO or FIFO list may refuse a request there, which is counted like any other. */
	struct heap_config config = { heap_size_for(&script, policy), policy, 8, order };
	struct session *session = session_create(&config, NULL);
	assert_non_null(session);
	assert_int_equal(heap_order(session_heap(session)), order);
	size_t refused = 0;
	for (size_t i = 0; i < script.count; i++) {
		struct session_report report;
		session_run(session, &script.lines[i].command, script.lines[i].source, &report);
		if (!report.ok)
			fail_msg("%s:%zu: rejected '%s': %s", path, script.lines[i].line, script.lines[i].source,
				 report.error.message);
		assert_true(report.new_step);
		refused += report.outcome.kind == OUTCOME_REFUSED;
		session_report_release(&report);
		if (check_every_step || i + 1 == script.count) {
			struct heap_problem problem;
			size_t problems = heap_check(session_heap(session), &problem, 1);
			if (problems)
				fail_msg("%s:%zu: after '%s': %zu problems, first at 0x%zx: %s", path, script.lines[i].line,
					 script.lines[i].source, problems, problem.offset, problem.message);
		}
	}
	assert_int_equal(session_last_step(session), script.count);
	struct heap_stats stats;
	heap_get_stats(session_heap(session), &stats);
	assert_int_equal(stats.failed_allocs, refused);
	session_destroy(session);
	script_release(&script);
}

static void replay(const char *path, enum heap_policy policy, bool check_every_step)
{
	replay_ordered(path, policy, HEAP_ORDER_ADDRESS, check_every_step);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .rep files of the traces directory, sorted. */
static size_t list_traces(char ***out)
{
	DIR *dir = opendir(traces_dir());
	assert_non_null(dir);
	char **names = NULL;
	size_t count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		size_t len = strlen(entry->d_name);
		if (len < 5 || strcmp(entry->d_name + len - 4, ".rep") != 0)
			continue;
		names = realloc(names, (count + 1) * sizeof *names);
		assert_non_null(names);
		size_t size = strlen(traces_dir()) + len + 2;
		names[count] = malloc(size);
		assert_non_null(names[count]);
		snprintf(names[count], size, "%s/%s", traces_dir(), entry->d_name);
		count++;
	}
	closedir(dir);
	qsort(names, count, sizeof *names, compare_names);
	*out = names;
	return count;
}

static size_t count_lines(const char *path)
{
	FILE *file = fopen(path, "r");
	assert_non_null(file);
	size_t lines = 0;
	int c;
	while ((c = fgetc(file)) != EOF)
		lines += c == '\n';
	fclose(file);
	return lines;
}

/* Every trace, first fit, the checker after every step. */
static void every_trace_replays_to_its_end_with_the_checker_clean(void **state)
{
	(void)state;
	char **paths;
	size_t count = list_traces(&paths);
	assert_true(count >= 60);
	size_t limit = max_operations(), replayed = 0;
	for (size_t i = 0; i < count; i++) {
		if (count_lines(paths[i]) <= limit) {
			clock_t start = clock();
			replay(paths[i], POLICY_FIRST_FIT, true);
			if (getenv("HEAPVIZ_TRACE_TIMES"))
				print_message("%-40s %.2f s\n", paths[i], (double)(clock() - start) / CLOCKS_PER_SEC);
			replayed++;
		}
		free(paths[i]);
	}
	free(paths);
	print_message("replayed %zu of %zu traces with the checker after every step\n", replayed, count);
	assert_true(replayed > 0);
}

/* Every policy on the smaller traces: the same replay, checked after every step. */
static void small_traces_replay_under_every_policy(void **state)
{
	(void)state;
	char **paths;
	size_t count = list_traces(&paths);
	for (size_t i = 0; i < count; i++) {
		if (count_lines(paths[i]) <= 2000)
			for (int policy = 0; policy < POLICY_COUNT; policy++)
				replay(paths[i], (enum heap_policy)policy, true);
		free(paths[i]);
	}
	free(paths);
}

/*
 * First and next fit over a LIFO and a FIFO free list (heap_order.c) on the
 * smaller traces, the checker (the list, its back links, the rover) after
 * every step: the list walks are linear, so the large traces are left to the
 * randomized test.
 */
static void small_traces_replay_under_lifo_and_fifo_lists(void **state)
{
	(void)state;
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_NEXT_FIT };
	static const enum heap_order orders[] = { HEAP_ORDER_LIFO, HEAP_ORDER_FIFO };
	char **paths;
	size_t count = list_traces(&paths), replayed = 0;
	for (size_t i = 0; i < count; i++) {
		if (count_lines(paths[i]) <= 2000) {
			for (size_t p = 0; p < 2; p++)
				for (size_t o = 0; o < 2; o++)
					replay_ordered(paths[i], policies[p], orders[o], true);
			replayed++;
		}
		free(paths[i]);
	}
	free(paths);
	assert_true(replayed > 0);
}

/*
 * The segregated fits (allocators with free lists in their blocks) on every
 * trace, not only the small ones: checked at the end (and after every step
 * on the small traces, above), within the same operation limit.
 */
static void every_trace_replays_under_the_segregated_fits(void **state)
{
	(void)state;
	char **paths;
	size_t count = list_traces(&paths), limit = max_operations(), replayed = 0;
	for (size_t i = 0; i < count; i++) {
		size_t lines = count_lines(paths[i]);
		if (lines > 2000 && lines <= limit) {
			for (int policy = 0; policy < POLICY_COUNT; policy++)
				if (allocator_get((enum heap_policy)policy)->list_subs != 0)
					replay(paths[i], (enum heap_policy)policy, false);
			replayed++;
		}
		free(paths[i]);
	}
	free(paths);
	print_message("replayed %zu larger traces under each segregated fit\n", replayed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_trace_replays_to_its_end_with_the_checker_clean),
		cmocka_unit_test(small_traces_replay_under_every_policy),
		cmocka_unit_test(small_traces_replay_under_lifo_and_fifo_lists),
		cmocka_unit_test(every_trace_replays_under_the_segregated_fits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
