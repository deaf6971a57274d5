/* test_history.c - checkpoints follow work (going back after steps that write megabytes replays at most one step); quiet steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
/* "A large heap" in these tests: 16 MiB, the figures were set at; HEAP_MAX_SIZE (1 GiB) has its own test. */
#define LARGE_HEAP ((size_t)16 * 1024 * 1024)

/*
 * What is counted is work, not time: session_replayed_steps says how many
 * recorded steps a move re-ran. Today's bound (checkpoints every 64 steps
 * only) would replay up to 63 fills of 16 MB for one undo.
 */

enum { FILLS = 160, BLOCK = 16000000 };

static struct session *new_session(size_t size)
{
	struct heap_config config = { size, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	enum heap_status status = HEAP_ERR_BAD_CONFIG;
	struct session *session = session_create(&config, &status);

	if (session == NULL)
		fail_msg("session_create: %s", heap_status_message(status));
	return session;
}

static void run_ok(struct session *session, const char *line)
{
	struct session_report report;

	session_run_line(session, line, &report);
	if (!report.ok)
		fail_msg("'%s' was rejected: %s", line, report.error.message);
	session_report_release(&report);
}

/* The byte fill number k (1..FILLS) wrote: never the same twice in a row, never 0. */
static unsigned fill_byte(size_t k)
{
	return 1 + (unsigned)(k * 37 % 255);
}

/* At step s (1: the alloc, 1 + k: fill k) the block holds fill k's byte (0 before any). */
static void assert_block_is_step(const struct session *session, size_t payload, size_t step)
{
	const uint8_t *bytes = heap_bytes(session_heap(session));
	unsigned want = step >= 2 ? fill_byte(step - 1) : 0;

	assert_int_equal(session_step(session), step);
	for (size_t offset = 0; offset < BLOCK; offset += 999983)
		if (bytes[payload + offset] != want)
			fail_msg("step %zu: byte %zu of the block is %u, not %u", step, offset, bytes[payload + offset], want);
	assert_int_equal(bytes[payload + BLOCK - 1], want);
}

/* alloc 16000000 then FILLS fills of other bytes on a 16 MiB heap; returns the block's payload. */
static size_t fill_timeline(struct session *session)
{
	char line[64];
	struct step_info info;

	run_ok(session, "alloc 16000000 as a");
	assert_true(session_step_info(session, 1, &info));
	for (size_t k = 1; k <= FILLS; k++) {
		snprintf(line, sizeof line, "fill a %u", fill_byte(k));
		run_ok(session, line);
	}
	return info.outcome.payload;
}

static void undo_after_big_fills_replays_at_most_one_step(void **state)
{
	struct session *session = new_session(LARGE_HEAP);
	size_t payload = fill_timeline(session);
	struct command_error error;

	(void)state;
	/* Each fill wrote 16 MB, past the work bound: each has its checkpoint, within the default budget. */
	assert_true(session_checkpoint_count(session) >= FILLS);
	assert_int_equal(session_checkpoint_interval(session), 64);
	for (size_t step = 1 + FILLS; step-- > 1;) {
		size_t before = session_replayed_steps(session);

		assert_true(session_undo(session, &error));
		if (session_replayed_steps(session) - before > 1)
			fail_msg("undo to step %zu replayed %zu steps", step, session_replayed_steps(session) - before);
		if (step % 16 == 0 || step < 3)
			assert_block_is_step(session, payload, step);
	}
	/* Forward again: one step each, as it always was. */
	for (size_t step = 2; step <= 1 + FILLS; step++) {
		size_t before = session_replayed_steps(session);

		assert_true(session_redo(session, &error));
		assert_true(session_replayed_steps(session) - before <= 1);
	}
	assert_block_is_step(session, payload, 1 + FILLS);
	/* Stepping back by goto (Ctrl-P) from anywhere, and jumping anywhere: at most one step replayed. */
	for (size_t step = 1 + FILLS; step > 1; step -= 7) {
		size_t before;

		assert_true(session_goto(session, step, &error));
		before = session_replayed_steps(session);
		assert_true(session_goto(session, step - 1, &error));
		assert_true(session_replayed_steps(session) - before <= 1);
		assert_block_is_step(session, payload, step - 1);
	}
	session_destroy(session);
}

/* Steps that write little still get checkpoints by step count only: work placement costs small heaps nothing. */
static void small_steps_keep_checkpoints_every_interval(void **state)
{
	struct session *session = new_session(HEAP_DEFAULT_SIZE);
	struct command_error error;

	(void)state;
	for (size_t i = 0; i < 640; i++)
		run_ok(session, i % 2 ? "free a" : "alloc 16 as a");
	assert_int_equal(session_checkpoint_interval(session), 64);
	/* Step 0's and one every 64 steps: 640 / 64 = 10 more. */
	assert_int_equal(session_checkpoint_count(session), 11);
	for (size_t step = 640; step > 600; step--) {
		size_t before = session_replayed_steps(session);

		assert_true(session_goto(session, step - 1, &error));
		assert_true(session_replayed_steps(session) - before <= 63);
	}
	session_destroy(session);
}

/*
 * A budget too small for a checkpoint per fill: older checkpoints are
 * thinned (the newest stay), memory stays within the budget, and reaching
 * any step still replays at most the interval the thinning widened to.
 */
static void a_small_budget_thins_fill_checkpoints_and_bounds_replay(void **state)
{
	struct session *session = new_session(LARGE_HEAP);
	size_t payload;
	struct command_error error;
	size_t worst = 0;

	(void)state;
	/* Step 0's checkpoint holds no page (an empty heap is all zeros): the 2 MiB are the fills'. */
	session_set_checkpoint_budget(session, (size_t)2 << 20);
	payload = fill_timeline(session);
	assert_true(session_checkpoint_interval(session) > 64);
	/* Each fill's checkpoint holds about 40 KiB: 2 MiB keep a few dozen at most. */
	assert_true(session_checkpoint_count(session) < FILLS / 2);
	assert_true(session_checkpoint_count(session) >= 2);
	for (size_t step = 1 + FILLS; step-- > 1;) {
		size_t before = session_replayed_steps(session);

		assert_true(session_undo(session, &error));
		if (session_replayed_steps(session) - before > worst)
			worst = session_replayed_steps(session) - before;
		if (step % 20 == 0)
			assert_block_is_step(session, payload, step);
	}
	assert_true(worst < session_checkpoint_interval(session));
	/* The newest checkpoints stay densest: the last undo from the end replays at most one step. */
	assert_true(session_goto(session, 1 + FILLS, &error));
	size_t before = session_replayed_steps(session);
	assert_true(session_undo(session, &error));
	assert_true(session_replayed_steps(session) - before <= 1);
	session_destroy(session);
}

/* A timeline's stashed steps brought back by undo get their checkpoints again, as when first run. */
static void a_restored_branch_keeps_checkpoints_by_work(void **state)
{
	struct session *session = new_session(LARGE_HEAP);
	struct session_report report;
	struct command_error error;
	char line[64];
	struct step_info info;

	(void)state;
	session_keep_branches(session, true);
	run_ok(session, "alloc 16000000 as a");
	assert_true(session_step_info(session, 1, &info));
	size_t payload = info.outcome.payload;
	for (size_t k = 1; k <= 12; k++) {
		snprintf(line, sizeof line, "fill a %u", fill_byte(k));
		run_ok(session, line);
	}
	assert_true(session_goto(session, 5, &error));
	run_ok(session, "fill a 0");
	assert_int_equal(session_last_step(session), 6);
	session_run_line(session, "undo", &report);
	assert_true(report.ok);
	assert_int_equal(report.restored_steps, 8);
	session_report_release(&report);
	assert_int_equal(session_last_step(session), 13);
	assert_true(session_goto(session, 13, &error));
	for (size_t step = 13; step-- > 1;) {
		size_t before = session_replayed_steps(session);

		assert_true(session_undo(session, &error));
		if (session_replayed_steps(session) - before > 1)
			fail_msg("undo to step %zu replayed %zu steps", step, session_replayed_steps(session) - before);
		assert_block_is_step(session, payload, step);
	}
	session_destroy(session);
}

/* Quiet steps: the same heaps, outcomes and errors as ever, only no sentences; then sentences again. */
static void quiet_steps_keep_data_and_drop_sentences(void **state)
{
	static const char *const lines[] = { "alloc 40 as a", "alloc 8", "free a", "free nosuch", "realloc p1 100",
					     "fill p1 7", "reset 2048" };
	struct session *loud = new_session(HEAP_DEFAULT_SIZE), *quiet = new_session(HEAP_DEFAULT_SIZE);

	(void)state;
	session_set_quiet(quiet, true);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct session_report a, b;

		session_run_line(loud, lines[i], &a);
		session_run_line(quiet, lines[i], &b);
		assert_int_equal(a.ok, b.ok);
		assert_int_equal(a.new_step, b.new_step);
		assert_string_equal(a.error.message, b.error.message);
		assert_int_equal(a.outcome.kind, b.outcome.kind);
		assert_int_equal(a.outcome.placement.payload, b.outcome.placement.payload);
		assert_true(heap_equal(session_heap(loud), session_heap(quiet)));
		if (a.new_step) {
			assert_true(a.message[0] != '\0');
			assert_string_equal(b.message, "");
			assert_string_equal(b.explain, "");
		}
		session_report_release(&a);
		session_report_release(&b);
	}
	session_set_quiet(quiet, false);
	struct session_report a, b;
	session_run_line(loud, "alloc 24 as z", &a);
	session_run_line(quiet, "alloc 24 as z", &b);
	assert_string_equal(a.message, b.message);
	assert_string_equal(a.explain, b.explain);
	session_report_release(&a);
	session_report_release(&b);
	session_destroy(loud);
	session_destroy(quiet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(undo_after_big_fills_replays_at_most_one_step),
		cmocka_unit_test(small_steps_keep_checkpoints_every_interval),
		cmocka_unit_test(a_small_budget_thins_fill_checkpoints_and_bounds_replay),
		cmocka_unit_test(a_restored_branch_keeps_checkpoints_by_work),
		cmocka_unit_test(quiet_steps_keep_data_and_drop_sentences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
