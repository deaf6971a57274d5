/* test_words.c - refusals are data the words module words: every reason has a sentence, checks return reasons, not text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lane.h"
#include "session.h"
#include "words.h"

static struct session *new_lanes(const enum heap_policy *policies, size_t count)
{
	struct heap_config config = { 1024, policies[0], 8, HEAP_ORDER_ADDRESS };
	enum heap_status status = HEAP_ERR_BAD_CONFIG;
	struct session *session = session_create_lanes(&config, policies, count, &status);
	if (!session)
		fail_msg("session_create_lanes: %s", heap_status_message(status));
	return session;
}

static void run(struct session *session, const char *line, struct session_report *report)
{
	session_run_line(session, line, report);
}

/* Every reason the table knows says something, and every field its format names is one the formatter fills. */
static void every_reason_has_a_sentence_with_its_fields_filled(void **state)
{
	(void)state;
	for (int reason = REFUSAL_NONE + 1; reason < REFUSAL_COUNT; reason++) {
		struct refusal refusal = { .reason = (enum refusal_reason)reason, .column = 7, .numbers = { 8, 1024, 40 },
					   .name = "r1", .config = { 100, POLICY_BUDDY, 8, HEAP_ORDER_ADDRESS }, .command = CMD_CHECK };
		struct command_error error = { 0, "" };
		words_refusal(NULL, &refusal, &error);
		assert_int_equal(error.column, 7);
		if (strlen(error.message) == 0)
			fail_msg("reason %d has no sentence", reason);
		if (strchr(error.message, '{') || strchr(error.message, '}'))
			fail_msg("reason %d leaves a field unfilled: %s", reason, error.message);
	}
}

/* The fields come out as heapviz has always printed them: addresses with three digits, sizes in decimal. */
static void a_refusal_record_is_worded_with_its_numbers_and_name(void **state)
{
	(void)state;
	struct command_error error;
	struct refusal refusal = { .reason = REFUSAL_WRITE_TOO_LONG, .column = 9, .numbers = { 57, 32, 0x28 } };
	words_refusal(NULL, &refusal, &error);
	assert_string_equal(error.message, "57 bytes do not fit in the 32-byte payload at 0x028");
	refusal = (struct refusal){ .reason = REFUSAL_OUTSIDE_HEAP, .numbers = { 0x999999, 1024 } };
	words_refusal(NULL, &refusal, &error);
	assert_string_equal(error.message, "0x999999 is outside the 1024-byte heap");
	refusal = (struct refusal){ .reason = REFUSAL_NAME_TAKEN, .numbers = { 8 }, .name = "a" };
	words_refusal(NULL, &refusal, &error);
	assert_string_equal(error.message, "'a' already names the block at 0x008; free it first");
	refusal = (struct refusal){ .reason = REFUSAL_BAD_CONFIG, .config = { 1000, POLICY_BUDDY, 8, HEAP_ORDER_ADDRESS } };
	words_refusal(NULL, &refusal, &error);
	assert_string_equal(error.message, "buddy needs a power-of-two heap size");
}

/* lane_check answers with a reason and its data; the sentence is not its business. */
static void a_lane_check_returns_the_reason_and_its_numbers(void **state)
{
	(void)state;
	struct lane lane;
	enum heap_status status;
	struct heap_config config = { 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	assert_true(lane_create(&lane, &config, &status));
	struct command command;
	struct command_error parse;
	assert_true(command_parse("free 0x999999", strlen("free 0x999999"), &command, &parse));
	struct lane_request request = { .command = &command, .auto_name = "" };
	struct refusal refusal;
	assert_false(lane_check(&lane, &request, &refusal));
	assert_int_equal(refusal.reason, REFUSAL_OUTSIDE_HEAP);
	assert_int_equal(refusal.numbers[0], 0x999999);
	assert_int_equal(refusal.numbers[1], 1024);
	assert_int_equal(refusal.column, 6);
	command_release(&command);
	assert_true(command_parse("write zz \"x\"", strlen("write zz \"x\""), &command, &parse));
	assert_false(lane_check(&lane, &request, &refusal));
	assert_int_equal(refusal.reason, REFUSAL_NO_SUCH_NAME);
	assert_string_equal(refusal.name, "zz");
	command_release(&command);
	lane_release(&lane);
}

/* The session's report carries the refusal as data and its words; a refusal in some lanes says which. */
static void a_report_carries_the_refusal_and_names_the_lanes_that_refuse(void **state)
{
	(void)state;
	const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BUDDY };
	struct session *session = new_lanes(policies, 2);
	struct session_report report;
	run(session, "alloc 100 as a", &report);
	session_report_release(&report);
	run(session, "alloc 100 as b", &report); /* first fit: b at 0x078; buddy: b at 0x088 */
	session_report_release(&report);
	run(session, "free 0x088", &report);
	assert_false(report.ok);
	assert_int_equal(report.refusal.reason, REFUSAL_NOT_LIVE_ADDRESS);
	assert_int_equal(report.refusal.lanes, 1u); /* first fit only */
	assert_string_equal(report.error.message,
			    "under first fit: 0x088 is not the start of a live allocation (no heap changed)");
	session_report_release(&report);
	run(session, "reset 1000", &report);
	assert_false(report.ok);
	assert_int_equal(report.refusal.reason, REFUSAL_BAD_CONFIG);
	assert_int_equal(report.refusal.lanes, 2u); /* buddy only */
	assert_string_equal(report.error.message, "buddy needs a power-of-two heap size (under buddy; no heap changed)");
	session_report_release(&report);
	run(session, "goto 99", &report);
	assert_int_equal(report.refusal.reason, REFUSAL_NO_SUCH_STEP);
	assert_int_equal(report.refusal.numbers[0], 99);
	assert_int_equal(report.refusal.numbers[1], 2);
	assert_string_equal(report.error.message, "no step 99: history has steps 0 to 2");
	session_report_release(&report);
	session_destroy(session);
}

/* The same outcome, worded at three lengths from one place: the message, the compare column, the panel. */
static void one_outcome_worded_at_three_lengths(void **state)
{
	(void)state;
	const enum heap_policy policy = POLICY_FIRST_FIT;
	struct session *session = new_lanes(&policy, 1);
	struct session_report report;
	run(session, "alloc 16 as a", &report);
	session_report_release(&report);
	run(session, "realloc a 300", &report);
	assert_string_equal(report.message, "a resized in place at 0x008 (312 B block)");
	session_report_release(&report);
	run(session, "alloc 8 as b", &report);
	session_report_release(&report);
	run(session, "realloc a 600", &report);
	assert_string_equal(report.message, "a moved 0x008 -> 0x158 (616 B block)");
	char words[96];
	words_lane_outcome(session, 0, session_step(session), words, sizeof words);
	assert_string_equal(words, "a moved to 0x158");
	words_outcome_panel(&report.outcome, "616 B", words, sizeof words);
	assert_string_equal(words, "0x158 (moved from 0x008)");
	session_report_release(&report);
	session_destroy(session);
}

/* Segregated allocators explain a placement in their own terms: the class or (fl,sl) list asked for and the one used. */
static void segregated_placements_name_their_lists(void **state)
{
	(void)state;
	static const char *const lines[] = { "alloc 60 as a", "alloc 100 as b", "alloc 20 as c", "free a", "free c" };
	const enum heap_policy policies[] = { POLICY_SEGLIST, POLICY_TLSF };
	const char *const expected[] = {
		"seglist: 48 B needed, class 32-63 B, which has none that large; the next non-empty class, 64-127 B, "
		"gives its first block 0x000 (72 B); split, 24 B stay free (to class 16-31 B)",
		"TLSF: 48 B needed, rounded up to 48 B: list (5,8); the first non-empty list at or above it is (6,2); "
		"its 72 B block at 0x000; split, 24 B stay free (to list (4,8))",
	};
	const char *const freed[] = {
		"freed the 72 B block at 0x000; no free neighbour to merge with (to class 64-127 B)",
		"freed the 72 B block at 0x000; no free neighbour to merge with (to list (6,2))",
	};
	for (size_t k = 0; k < 2; k++) {
		struct session *session = new_lanes(&policies[k], 1);
		struct session_report report;
		for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
			run(session, lines[i], &report);
			assert_true(report.ok);
			if (i == 3)   /* free a: the freed block goes onto its class or list */
				assert_string_equal(report.explain, freed[k]);
			session_report_release(&report);
		}
		run(session, "alloc 30 as d", &report);
		assert_string_equal(report.explain, expected[k]);
		session_report_release(&report);
		session_destroy(session);
	}
	/* tlsf rounds a need that falls inside a list up to the next list's start: 100 B asks for 104 B, list (6,10). */
	const enum heap_policy tlsf = POLICY_TLSF;
	struct session *session = new_lanes(&tlsf, 1);
	struct session_report report;
	run(session, "alloc 90", &report);
	assert_non_null(strstr(report.explain, "rounded up to 104 B: list (6,10)"));
	session_report_release(&report);
	session_destroy(session);
}

/*
 * tlsf refuses a request that a free block would hold when that block is on a
 * list below the rounded need: the words say so, not "no block large enough"
 * (first fit, on the same steps, takes that block).
 */
static void a_tlsf_refusal_names_the_rounding_not_fragmentation(void **state)
{
	(void)state;
	static const char *const lines[] = { "alloc 252 as a", "alloc 20 as x", "free a", "alloc 252 as b", "alloc 452 as c" };
	const enum heap_policy tlsf = POLICY_TLSF;
	struct session *session = new_lanes(&tlsf, 1);
	struct session_report report;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		run(session, lines[i], &report);
		assert_true(report.ok);
		session_report_release(&report);
	}
	run(session, "alloc 252 as d", &report); /* 264 B needed; the one free block is 264 B, on list (8,0) */
	assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
	assert_int_equal(report.outcome.status, HEAP_ERR_FRAGMENTED);
	assert_string_equal(report.explain,
			    "TLSF: refused: 264 B needed, rounded up to 272 B: list (8,1); no list at or above it has a block, "
			    "though the largest free block (264 B) would hold the need: the good fit passes over blocks below "
			    "the rounded size");
	assert_string_equal(report.message, "refused: out of memory: a free block would hold the need, but none is on a "
					    "list at or above the need rounded up for the good fit");
	session_report_release(&report);
	session_destroy(session);

	/* A refusal where no block is large enough keeps the fragmentation words. */
	session = new_lanes(&tlsf, 1);
	static const char *const apart[] = { "alloc 300 as a", "alloc 300 as b", "alloc 300 as c", "free a", "free c" };
	for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
		run(session, apart[i], &report); /* free: 312 B at 0x000 and 400 B at 0x270 */
		assert_true(report.ok);
		session_report_release(&report);
	}
	run(session, "alloc 420", &report); /* 432 B needed */
	assert_int_equal(report.outcome.status, HEAP_ERR_FRAGMENTED);
	assert_non_null(strstr(report.explain, "(external fragmentation)"));
	assert_string_equal(report.message, "refused: out of memory: enough free space in total but no single block "
					    "large enough (external fragmentation)");
	session_report_release(&report);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_reason_has_a_sentence_with_its_fields_filled),
		cmocka_unit_test(a_refusal_record_is_worded_with_its_numbers_and_name),
		cmocka_unit_test(a_lane_check_returns_the_reason_and_its_numbers),
		cmocka_unit_test(a_report_carries_the_refusal_and_names_the_lanes_that_refuse),
		cmocka_unit_test(one_outcome_worded_at_three_lengths),
		cmocka_unit_test(segregated_placements_name_their_lists),
		cmocka_unit_test(a_tlsf_refusal_names_the_rounding_not_fragmentation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
