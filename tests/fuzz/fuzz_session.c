/* fuzz_session.c - libFuzzer: lines of the command language run through a session, the heap checked after each. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fuzz_input.h"
#include "heap.h"
#include "session.h"

/*
 * The first byte picks the heap: policy (byte % 5), size (256 << (byte / 5 % 4),
 * 256 B .. 2 KiB) and alignment (8, 4, 16 by byte / 20 % 3). The rest is split
 * at '\n' into lines (a NUL ends a line early, as it would in C), each run
 * with session_run_line. After every line:
 * - heap_check finds nothing;
 * - a rejected line left the heap byte-for-byte unchanged (heap_equal, even
 *   failed_allocs) and the current and last step where they were;
 * - an accepted line that is not a step and did not move in history (check,
 *   note, sleep, help, quit, export, an empty line, goto to the current step)
 *   left the heap unchanged too;
 * - a refused request (an ok report: out of memory is an outcome) changed
 *   nothing but failed_allocs, which went up by one.
 * At the end, time travel must give the same bytes back: goto 0 reaches a
 * heap equal to a new one of the first byte's config, and goto back to the
 * step the lines ended at restores its heap exactly.
 * Kept fast so ten million inputs take hours, not days: only the first
 * LINES_MAX lines run (run with -max_len=256, see tests/fuzz/run.sh), and
 * `reset` to more than RESET_MAX bytes is skipped, not run: a large heap
 * cloned and checked after every line would make the fuzzer crawl, and the
 * small heaps reach the same code. With heaps this small the full checker
 * after every line costs little. Any violation aborts, so libFuzzer reports
 * it with the input.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RESET_MAX ((size_t)4 * 1024)
#define LINE_MAX_BYTES 512
#define LINES_MAX 8

static void violation(const char *what, const char *line, const struct session_report *report)
{
	fprintf(stderr, "fuzz_session: %s\n  line: \"", what);
	for (const char *p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;
		fprintf(stderr, c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
	}
	fprintf(stderr, "\"\n  ok %d, new_step %d, moved %d, error \"%s\", explain \"%s\"\n", report->ok,
		report->new_step, report->moved, report->error.message, report->explain);
	abort();
}

static size_t failed_allocs(const struct heap *heap)
{
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	return stats.failed_allocs;
}

/*
 * Run one line: parsed once here, so a large reset can be skipped, and run
 * with session_run as session_run_line would (a line that does not parse
 * goes to session_run_line, which reports it).
 */
static void run_line(struct session *session, const char *line)
{
	struct command command;
	struct command_error error;
	bool parsed = command_parse(line, strlen(line), &command, &error);
	if (parsed && command.kind == CMD_RESET && command.has_size && command.size > RESET_MAX) {
		command_release(&command);
		return;
	}
	struct heap *before = heap_clone(session_heap(session));
	size_t step = session_step(session), last = session_last_step(session);
	struct session_report report;

	if (parsed)
		session_run(session, &command, line, &report);
	else
		session_run_line(session, line, &report);
	command_release(&command);
	const struct heap *after = session_heap(session);
	struct heap_problem problem;
	if (heap_check(after, &problem, 1) != 0) {
		fprintf(stderr, "heap_check: 0x%zx: %s\n", problem.offset, problem.message);
		violation("heap_check found a problem", line, &report);
	}
	if (memchr(report.error.message, '\0', sizeof report.error.message) == NULL ||
	    memchr(report.explain, '\0', sizeof report.explain) == NULL ||
	    memchr(report.message, '\0', sizeof report.message) == NULL)
		violation("a report string without its NUL", line, &report);
	if (before != NULL) {
		if (!report.ok) {
			if (!heap_equal(before, after))
				violation("a rejected line changed the heap", line, &report);
			if (session_step(session) != step || session_last_step(session) != last)
				violation("a rejected line moved the history", line, &report);
			if (report.error.message[0] == '\0')
				violation("a rejected line without a message", line, &report);
		} else if (!report.new_step && !report.moved) {
			if (!heap_equal(before, after))
				violation("a command that is not a step changed the heap", line, &report);
		} else if (report.new_step && report.outcome.kind == OUTCOME_REFUSED) {
			if (!heap_equal_except_failures(before, after))
				violation("a refused request changed more than failed_allocs", line, &report);
			if (failed_allocs(after) != failed_allocs(before) + 1)
				violation("a refused request was not counted once", line, &report);
		}
		heap_destroy(before);
	}
	session_report_release(&report);
}

static void check_time_travel(struct session *session, const struct heap_config *config)
{
	static const struct session_report nothing;
	size_t step = session_step(session);
	struct heap *now = heap_clone(session_heap(session)), *empty = NULL;
	struct command_error error;
	if (now == NULL || heap_create(config, &empty) != HEAP_OK)
		goto out;
	if (!session_goto(session, 0, &error))
		violation("goto 0 failed", error.message, &nothing);
	if (!heap_equal(session_heap(session), empty))
		violation("goto 0 did not give back the empty heap", "goto 0", &nothing);
	if (!session_goto(session, step, &error))
		violation("goto back failed", error.message, &nothing);
	if (!heap_equal(session_heap(session), now))
		violation("goto back did not give the same heap", "goto back", &nothing);
out:
	heap_destroy(now);
	heap_destroy(empty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct heap_config config = fuzz_heap_config(data[0], 4);
	struct session *session = session_create(&config, NULL);
	if (session == NULL)
		abort();  /* every config above is allowed */

	char line[LINE_MAX_BYTES + 1];
	struct fuzz_lines lines = fuzz_lines_of(data, size, LINES_MAX);
	while (fuzz_next_line(&lines, line, LINE_MAX_BYTES))
		run_line(session, line);
	check_time_travel(session, &config);
	session_destroy(session);
	return 0;
}
