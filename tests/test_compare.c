/* test_compare.c - one heap per policy in lockstep: same states as separate runs, all-or-nothing commands, differing steps, the compare view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "lineedit.h"
#include "names.h"
#include "screen.h"
#include "view.h"

/* The classic case: three holes, then first fit spends the big ones on small requests and refuses r3. */
static const char *const holes_script[] = {
	"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
	"free m", "free s", "free b",
	"alloc 40 as r1", "alloc 100 as r2", "alloc 200 as r3",
	NULL,
};
#define HOLES_STEPS 12
#define R3_STEP 12

static struct compare *compare_of(const char *list, size_t size)
{
	struct compare_policies policies;
	char error[200];
	if (!compare_parse_policies(list, &policies, error, sizeof error))
		fail_msg("%s: %s", list, error);
	struct heap_config config = { size, POLICY_FIRST_FIT, 8 };
	enum heap_status status;
	struct compare *compare = compare_create(&config, &policies, &status);
	assert_non_null(compare);
	return compare;
}

static void run_ok(struct compare *compare, const char *line)
{
	struct compare_report report;
	compare_run_line(compare, line, &report);
	if (!report.ok)
		fail_msg("'%s' rejected: %s", line, report.error.message);
	compare_report_release(&report);
}

static void run_script(struct compare *compare, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		run_ok(compare, lines[i]);
}

/* Run a line expecting a rejection; returns the message (static buffer). */
static const char *run_rejected(struct compare *compare, const char *line)
{
	static char message[COMMAND_MESSAGE_MAX];
	struct compare_report report;
	compare_run_line(compare, line, &report);
	if (report.ok)
		fail_msg("'%s' was accepted", line);
	snprintf(message, sizeof message, "%s", report.error.message);
	compare_report_release(&report);
	return message;
}

static struct session *single_session(enum heap_policy policy, size_t size, const char *const *lines)
{
	struct heap_config config = { size, policy, 8 };
	enum heap_status status;
	struct session *session = session_create(&config, &status);
	assert_non_null(session);
	for (size_t i = 0; lines && lines[i]; i++) {
		struct session_report report;
		session_run_line(session, lines[i], &report);
		if (!report.ok)
			fail_msg("'%s' rejected: %s", lines[i], report.error.message);
		session_report_release(&report);
	}
	return session;
}

/* Copies of every member's heap, to check that a rejected command changed none. */
struct saved {
	size_t count;
	struct heap *heaps[COMPARE_MAX];
	size_t step, last;
};

static void save(const struct compare *compare, struct saved *saved)
{
	saved->count = compare_count(compare);
	for (size_t i = 0; i < saved->count; i++) {
		saved->heaps[i] = heap_clone(session_heap(compare_session(compare, i)));
		assert_non_null(saved->heaps[i]);
	}
	saved->step = compare_step(compare);
	saved->last = compare_last_step(compare);
}

static void assert_unchanged(const struct compare *compare, struct saved *saved)
{
	for (size_t i = 0; i < saved->count; i++) {
		const struct session *session = compare_session(compare, i);
		assert_true(heap_equal(saved->heaps[i], session_heap(session)));
		assert_int_equal(session_step(session), saved->step);
		assert_int_equal(session_last_step(session), saved->last);
		heap_destroy(saved->heaps[i]);
	}
}

/* --- parsing the list ------------------------------------------------------------ */

static void policy_lists_need_two_to_five_distinct_names(void **unused)
{
	(void)unused;
	struct compare_policies policies;
	char error[200];
	assert_true(compare_parse_policies("first,best", &policies, error, sizeof error));
	assert_int_equal(policies.count, 2);
	assert_int_equal(policies.list[0], POLICY_FIRST_FIT);
	assert_int_equal(policies.list[1], POLICY_BEST_FIT);
	assert_true(compare_parse_policies("buddy,worst,next,best,first", &policies, error, sizeof error));
	assert_int_equal(policies.count, 5);
	assert_int_equal(policies.list[0], POLICY_BUDDY);

	assert_false(compare_parse_policies("first", &policies, error, sizeof error));
	assert_non_null(strstr(error, "at least 2"));
	assert_false(compare_parse_policies("first,bogus", &policies, error, sizeof error));
	assert_non_null(strstr(error, "unknown policy 'bogus'"));
	assert_false(compare_parse_policies("first,first", &policies, error, sizeof error));
	assert_non_null(strstr(error, "twice"));
	assert_false(compare_parse_policies("first,,best", &policies, error, sizeof error));
	assert_false(compare_parse_policies("", &policies, error, sizeof error));
	assert_false(compare_parse_policies("first,best,", &policies, error, sizeof error));
	assert_false(compare_parse_policies("first,next,best,worst,buddy,first", &policies, error, sizeof error));
	assert_false(compare_parse_policies("first,averyveryverylongpolicyname", &policies, error, sizeof error));
	assert_non_null(strstr(error, "unknown policy"));
}

static void buddy_in_the_set_needs_a_power_of_two_size(void **unused)
{
	(void)unused;
	struct compare_policies policies;
	char error[200];
	assert_true(compare_parse_policies("first,buddy", &policies, error, sizeof error));
	struct heap_config config = { 1000, POLICY_FIRST_FIT, 8 };
	enum heap_policy culprit = POLICY_FIRST_FIT;
	assert_non_null(compare_config_problem(&config, &policies, &culprit));
	assert_int_equal(culprit, POLICY_BUDDY);
	enum heap_status status;
	assert_null(compare_create(&config, &policies, &status));
	assert_int_equal(status, HEAP_ERR_BAD_CONFIG);
	config.size = 1024;
	assert_null(compare_config_problem(&config, &policies, NULL));
}

/* --- lockstep ---------------------------------------------------------------------- */

static void same_commands_give_the_same_states_as_separate_sessions(void **unused)
{
	(void)unused;
	static const char *const script[] = {
		"alloc 100 as a", "alloc 30", "calloc 4 10 as c", "write a \"hello\"", "free p1", "alloc 16 as d",
		"realloc a 300", "fill d 0x41", "alloc 500 as big", "free c", "realloc d 60", "alloc 2000 as huge",
		"free big", "alloc 64", NULL,
	};
	struct compare *compare = compare_of("first,next,best,worst,buddy", 1024);
	run_script(compare, script);
	assert_int_equal(compare_step(compare), 14);
	for (size_t i = 0; i < compare_count(compare); i++) {
		struct session *alone = single_session(compare_policy(compare, i), 1024, script);
		const struct session *member = compare_session(compare, i);
		assert_true(heap_equal(session_heap(alone), session_heap(member)));
		assert_int_equal(session_last_step(alone), session_last_step(member));
		assert_int_equal(heap_check(session_heap(member), NULL, 0), 0);
		session_destroy(alone);
	}
	compare_destroy(compare);
}

static void undo_redo_and_goto_move_every_heap(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,best,worst", 512);
	run_script(compare, holes_script);
	struct session *at_five[3];
	for (size_t i = 0; i < 3; i++)
		at_five[i] = single_session(compare_policy(compare, i), 512, (const char *const[]){
			holes_script[0], holes_script[1], holes_script[2], holes_script[3], holes_script[4], NULL });

	run_ok(compare, "goto 5");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(session_step(compare_session(compare, i)), 5);
		assert_true(heap_equal(session_heap(at_five[i]), session_heap(compare_session(compare, i))));
	}
	run_ok(compare, "undo");
	struct command_error error;
	assert_true(compare_redo(compare, &error));
	for (size_t i = 0; i < 3; i++)
		assert_true(heap_equal(session_heap(at_five[i]), session_heap(compare_session(compare, i))));
	assert_true(compare_undo(compare, &error));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(session_step(compare_session(compare, i)), 4);
	assert_true(compare_goto(compare, HOLES_STEPS, &error));
	assert_int_equal(compare_step(compare), HOLES_STEPS);
	assert_false(compare_goto(compare, 99, &error));
	assert_non_null(strstr(error.message, "no step 99"));
	assert_int_equal(compare_step(compare), HOLES_STEPS);
	assert_non_null(strstr(run_rejected(compare, "redo"), "nothing to redo"));

	/* A new command mid-history drops the future in every heap alike. */
	run_ok(compare, "goto 3");
	struct compare_report report;
	compare_run_line(compare, "alloc 8 as z", &report);
	assert_true(report.ok && report.new_step);
	assert_int_equal(report.dropped_steps, HOLES_STEPS - 3);
	compare_report_release(&report);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(session_last_step(compare_session(compare, i)), 4);
	for (size_t i = 0; i < 3; i++)
		session_destroy(at_five[i]);
	compare_destroy(compare);
}

static void notes_and_sleeps_attach_to_every_heap(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,best", 1024);
	run_ok(compare, "alloc 10");
	run_ok(compare, "note the first block");
	run_ok(compare, "sleep 500");
	for (size_t i = 0; i < 2; i++) {
		struct step_info info;
		assert_true(session_step_info(compare_session(compare, i), 1, &info));
		assert_int_equal(info.note_count, 1);
		assert_string_equal(info.notes[0], "the first block");
		assert_int_equal(info.sleep_ms, 500);
	}
	struct compare_report report;
	compare_run_line(compare, "check", &report);
	assert_true(report.ok);
	assert_string_equal(report.message, "check: every heap is consistent");
	compare_report_release(&report);
	compare_run_line(compare, "help alloc", &report);
	assert_true(report.ok);
	assert_non_null(report.text);
	compare_report_release(&report);
	compare_run_line(compare, "quit", &report);
	assert_true(report.ok && report.quit);
	compare_report_release(&report);
	compare_destroy(compare);
}

/* --- all or nothing ------------------------------------------------------------------- */

static void reset_that_buddy_rejects_changes_no_heap(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,buddy", 1024);
	run_ok(compare, "alloc 100 as a");
	run_ok(compare, "alloc 40 as b");
	struct saved saved;
	save(compare, &saved);
	const char *message = run_rejected(compare, "reset 1000");
	assert_non_null(strstr(message, "power-of-two"));
	assert_non_null(strstr(message, "under buddy"));
	assert_unchanged(compare, &saved);

	/* Allowed for both: every heap is reset. */
	run_ok(compare, "reset 2048");
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(heap_size(session_heap(compare_session(compare, i))), 2048);
	run_ok(compare, "align 16");
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(heap_alignment(session_heap(compare_session(compare, i))), 16);
	compare_destroy(compare);
}

static void policy_is_fixed_while_comparing(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,best", 1024);
	run_ok(compare, "alloc 10");
	struct saved saved;
	save(compare, &saved);
	const char *message = run_rejected(compare, "policy worst");
	assert_non_null(strstr(message, "fixed by --compare first,best"));
	assert_unchanged(compare, &saved);
	save(compare, &saved);
	run_rejected(compare, "export out.svg");
	assert_unchanged(compare, &saved);
	compare_destroy(compare);
}

static void a_name_null_in_one_heap_is_rejected_for_all(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,best", 512);
	run_script(compare, holes_script);
	/* r3 is NULL under first fit (refused) and a live block under best fit. */
	struct saved saved;
	save(compare, &saved);
	const char *message = run_rejected(compare, "write r3 \"hi\"");
	assert_non_null(strstr(message, "under first fit"));
	assert_non_null(strstr(message, "NULL"));
	assert_unchanged(compare, &saved);

	/* An address that is a payload in one heap only. */
	size_t payload = 0;
	assert_true(names_lookup(session_names(compare_session(compare, 1)), "r1", &payload));
	char line[64];
	snprintf(line, sizeof line, "free 0x%zx", payload);
	save(compare, &saved);
	message = run_rejected(compare, line);
	assert_non_null(strstr(message, "under first fit"));
	assert_unchanged(compare, &saved);

	/* Rejected everywhere: worded as a single heap would word it. */
	save(compare, &saved);
	message = run_rejected(compare, "free nobody");
	assert_string_equal(message, "no block is named 'nobody'");
	assert_unchanged(compare, &saved);
	save(compare, &saved);
	message = run_rejected(compare, "alloc 0");
	assert_null(strstr(message, "under"));
	assert_unchanged(compare, &saved);
	save(compare, &saved);
	run_rejected(compare, "alloc 10 as r1");
	assert_unchanged(compare, &saved);

	/* free of a name that is NULL in one heap is free(NULL) there: accepted by both. */
	struct compare_report report;
	compare_run_line(compare, "free r3", &report);
	assert_true(report.ok && report.new_step && report.differs);
	assert_non_null(strstr(report.message, "free(NULL)"));
	compare_report_release(&report);
	compare_destroy(compare);
}

/* --- differing outcomes ------------------------------------------------------------------ */

static void first_fit_refuses_what_best_fit_places(void **unused)
{
	(void)unused;
	struct compare *compare = compare_of("first,best", 512);
	for (size_t i = 0; i + 1 < HOLES_STEPS; i++)
		run_ok(compare, holes_script[i]);
	for (size_t step = 1; step < HOLES_STEPS; step++)
		assert_false(compare_step_differs(compare, step));
	struct compare_difference difference;
	assert_true(compare_step_difference(compare, 10, &difference));
	assert_false(difference.kinds_differ);
	assert_true(difference.places_differ);   /* r1 at 0x000 under first fit, in the 56 B hole under best */

	struct compare_report report;
	compare_run_line(compare, "alloc 200 as r3", &report);
	assert_true(report.ok && report.new_step && report.differs);
	assert_non_null(strstr(report.message, "first: refused"));
	assert_non_null(strstr(report.message, "best: r3 = 0x"));
	compare_report_release(&report);

	assert_true(compare_step_differs(compare, R3_STEP));
	assert_true(compare_step_difference(compare, R3_STEP, &difference));
	assert_int_equal(difference.refused_count, 1);
	assert_true(difference.refused[0]);
	assert_false(difference.refused[1]);
	char text[200];
	compare_describe_difference(compare, R3_STEP, text, sizeof text);
	assert_string_equal(text, "refused under first fit");
	compare_describe_difference(compare, 3, text, sizeof text);
	assert_string_equal(text, "");
	size_t steps[4];
	assert_int_equal(compare_differing_steps(compare, steps, 4), 1);
	assert_int_equal(steps[0], R3_STEP);
	compare_outcome_words(compare, 0, R3_STEP, text, sizeof text);
	assert_string_equal(text, "refused");
	assert_false(compare_step_difference(compare, 0, &difference));
	assert_false(compare_step_difference(compare, 99, &difference));

	/* Moving back onto the step says it differs. */
	run_ok(compare, "undo");
	compare_run_line(compare, "redo", &report);
	assert_true(report.ok && report.moved);
	assert_non_null(strstr(report.message, "differs: refused under first fit"));
	compare_report_release(&report);
	compare_destroy(compare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_lists_need_two_to_five_distinct_names),
		cmocka_unit_test(buddy_in_the_set_needs_a_power_of_two_size),
		cmocka_unit_test(same_commands_give_the_same_states_as_separate_sessions),
		cmocka_unit_test(undo_redo_and_goto_move_every_heap),
		cmocka_unit_test(notes_and_sleeps_attach_to_every_heap),
		cmocka_unit_test(reset_that_buddy_rejects_changes_no_heap),
		cmocka_unit_test(policy_is_fixed_while_comparing),
		cmocka_unit_test(a_name_null_in_one_heap_is_rejected_for_all),
		cmocka_unit_test(first_fit_refuses_what_best_fit_places),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
