/* test_big_heap.c - a 1 GiB heap (HEAP_MAX_SIZE) costs the memory its writes touch, not its size, and travels in time like any other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "script.h"
#include "session.h"

/* The process's resident memory now (not its peak: earlier tests do not count), from /proc/self/statm. */
static size_t resident_bytes(void)
{
	FILE *statm = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;
	assert_non_null(statm);
	assert_int_equal(fscanf(statm, "%lu %lu", &size, &resident), 2);
	fclose(statm);
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static const char *trace_path(void)
{
	const char *dir = getenv("HEAPVIZ_TRACES");
	static char path[4096];
	snprintf(path, sizeof path, "%s/amptjp-bal.rep", dir && *dir ? dir : "tests/traces/malloclab");
	return path;
}

/*
 * A real trace on a 1 GiB heap under each kind of allocator: it replays
 * without a refusal, the checker is clean, and the process holds far less
 * than the heap's size — a few MiB of touched pages plus history. The bound
 * (128 MiB) leaves room for the sanitizers' shadow memory; touching the heap
 * would cost 1 GiB and fail it.
 */
static void a_trace_on_a_1_gib_heap_uses_what_it_touches(void **state)
{
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT, POLICY_BUDDY, POLICY_TLSF };
	struct script script;
	struct script_error error;
	(void)state;
	if (!script_load(trace_path(), &script, &error))
		fail_msg("%s:%zu:%zu: %s", trace_path(), error.line, error.column, error.message);
	for (size_t p = 0; p < sizeof policies / sizeof policies[0]; p++) {
		size_t before = resident_bytes();
		struct heap_config config = { HEAP_MAX_SIZE, policies[p], 8, HEAP_ORDER_ADDRESS };
		struct session *session = session_create(&config, NULL);
		assert_non_null(session);
		for (size_t i = 0; i < script.count; i++) {
			struct session_report report;
			session_run(session, &script.lines[i].command, script.lines[i].source, &report);
			assert_true(report.ok);
			assert_int_not_equal(report.outcome.kind, OUTCOME_REFUSED);
			session_report_release(&report);
		}
		struct heap_problem problem;
		assert_int_equal(heap_check(session_heap(session), &problem, 1), 0);
		size_t grown = resident_bytes() - before;
		if (grown >= (size_t)128 << 20)
			fail_msg("policy %d: %zu MiB resident after the replay", (int)policies[p], grown >> 20);

		struct heap *end = heap_clone(session_heap(session));
		assert_non_null(end);
		/*
		 * History is not thinned by the heap's size: the checkpoints count
		 * the pages they hold, so a trace of a few MiB keeps the first
		 * interval, and reaching a step replays less than one interval.
		 */
		assert_int_equal(session_checkpoint_interval(session), 64);
		size_t replayed = session_replayed_steps(session);
		struct command_error travel;
		assert_true(session_goto(session, script.count / 2 + 7, &travel));
		assert_true(session_replayed_steps(session) - replayed < 64);

		/* Back to the start and to the end: the same heap, byte for byte. */
		assert_true(session_goto(session, 0, &travel));
		struct heap_stats stats;
		heap_get_stats(session_heap(session), &stats);
		assert_int_equal(stats.used_blocks, 0);
		assert_true(session_goto(session, script.count, &travel));
		if (!heap_equal(session_heap(session), end))
			fail_msg("policy %d: goto back to the end is not the heap the replay made", (int)policies[p]);
		heap_destroy(end);
		session_destroy(session);
	}
	script_release(&script);
}

/* The largest heap is 1 GiB, and one byte more is a clear error. */
static void the_largest_heap_is_1_gib(void **state)
{
	(void)state;
	struct heap_config config = { HEAP_MAX_SIZE, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	assert_int_equal(HEAP_MAX_SIZE, (size_t)1 << 30);
	assert_null(heap_config_problem(&config));
	config.size = HEAP_MAX_SIZE + 1;
	assert_string_equal(heap_config_problem(&config), "heap size must be between 64 B and 1 GiB");
	struct session *session = session_create(&(struct heap_config){ 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS }, NULL);
	assert_non_null(session);
	struct session_report report;
	session_run_line(session, "reset 1G", &report);
	assert_true(report.ok);
	session_report_release(&report);
	assert_int_equal(heap_size(session_heap(session)), HEAP_MAX_SIZE);
	session_run_line(session, "alloc 1023M as big", &report);
	assert_true(report.ok);
	assert_int_equal(report.outcome.kind, OUTCOME_PLACED);
	session_report_release(&report);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_trace_on_a_1_gib_heap_uses_what_it_touches),
		cmocka_unit_test(the_largest_heap_is_1_gib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
