/* test_compare.c - a session of one lane per policy: same states as separate runs, all-or-nothing commands, differing steps, the compare view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "names.h"
#include "screen.h"
#include "view.h"
#include "words.h"

/* The classic case: three holes, then first fit spends the big ones on small requests and refuses r3. */
static const char *const holes_script[] = {
	"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
	"free m", "free s", "free b",
	"alloc 40 as r1", "alloc 100 as r2", "alloc 200 as r3",
	NULL,
};
#define HOLES_STEPS 12
#define R3_STEP 12

static struct session *compare_of(const char *list, size_t size)
{
	struct compare_policies policies;
	char error[200];
	if (!compare_parse_policies(list, &policies, error, sizeof error))
		fail_msg("%s: %s", list, error);
	struct heap_config config = { size, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *compare = compare_create(&config, &policies, &status);
	assert_non_null(compare);
	return compare;
}

static void run_ok(struct session *compare, const char *line)
{
	struct session_report report;
	session_run_line(compare, line, &report);
	if (!report.ok)
		fail_msg("'%s' rejected: %s", line, report.error.message);
	session_report_release(&report);
}

static void run_script(struct session *compare, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		run_ok(compare, lines[i]);
}

/* Run a line expecting a rejection; returns the message (static buffer). */
static const char *run_rejected(struct session *compare, const char *line)
{
	static char message[COMMAND_MESSAGE_MAX];
	struct session_report report;
	session_run_line(compare, line, &report);
	if (report.ok)
		fail_msg("'%s' was accepted", line);
	snprintf(message, sizeof message, "%s", report.error.message);
	session_report_release(&report);
	return message;
}

static struct session *single_session(enum heap_policy policy, size_t size, const char *const *lines)
{
	struct heap_config config = { size, policy, 8, HEAP_ORDER_ADDRESS };
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

static void save(const struct session *compare, struct saved *saved)
{
	saved->count = session_lane_count(compare);
	for (size_t i = 0; i < saved->count; i++) {
		saved->heaps[i] = heap_clone(session_heap(session_lane(compare, i)));
		assert_non_null(saved->heaps[i]);
	}
	saved->step = session_step(compare);
	saved->last = session_last_step(compare);
}

static void assert_unchanged(const struct session *compare, struct saved *saved)
{
	for (size_t i = 0; i < saved->count; i++) {
		const struct session *session = session_lane(compare, i);
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
	struct heap_config config = { 1000, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
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
	struct session *compare = compare_of("first,next,best,worst,buddy", 1024);
	run_script(compare, script);
	assert_int_equal(session_step(compare), 14);
	for (size_t i = 0; i < session_lane_count(compare); i++) {
		struct session *alone = single_session(session_lane_policy(compare, i), 1024, script);
		const struct session *member = session_lane(compare, i);
		assert_true(heap_equal(session_heap(alone), session_heap(member)));
		assert_int_equal(session_last_step(alone), session_last_step(member));
		assert_int_equal(heap_check(session_heap(member), NULL, 0), 0);
		session_destroy(alone);
	}
	session_destroy(compare);
}

static void undo_redo_and_goto_move_every_heap(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best,worst", 512);
	run_script(compare, holes_script);
	struct session *at_five[3];
	for (size_t i = 0; i < 3; i++)
		at_five[i] = single_session(session_lane_policy(compare, i), 512, (const char *const[]){
			holes_script[0], holes_script[1], holes_script[2], holes_script[3], holes_script[4], NULL });

	run_ok(compare, "goto 5");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(session_step(session_lane(compare, i)), 5);
		assert_true(heap_equal(session_heap(at_five[i]), session_heap(session_lane(compare, i))));
	}
	run_ok(compare, "undo");
	struct command_error error;
	assert_true(session_redo(compare, &error));
	for (size_t i = 0; i < 3; i++)
		assert_true(heap_equal(session_heap(at_five[i]), session_heap(session_lane(compare, i))));
	assert_true(session_undo(compare, &error));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(session_step(session_lane(compare, i)), 4);
	assert_true(session_goto(compare, HOLES_STEPS, &error));
	assert_int_equal(session_step(compare), HOLES_STEPS);
	assert_false(session_goto(compare, 99, &error));
	assert_non_null(strstr(error.message, "no step 99"));
	assert_int_equal(session_step(compare), HOLES_STEPS);
	assert_non_null(strstr(run_rejected(compare, "redo"), "nothing to redo"));

	/* A new command mid-history drops the future in every heap alike. */
	run_ok(compare, "goto 3");
	struct session_report report;
	session_run_line(compare, "alloc 8 as z", &report);
	assert_true(report.ok && report.new_step);
	assert_int_equal(report.dropped_steps, HOLES_STEPS - 3);
	session_report_release(&report);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(session_last_step(session_lane(compare, i)), 4);
	for (size_t i = 0; i < 3; i++)
		session_destroy(at_five[i]);
	session_destroy(compare);
}

static void notes_and_sleeps_attach_to_every_heap(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 1024);
	run_ok(compare, "alloc 10");
	run_ok(compare, "note the first block");
	run_ok(compare, "sleep 500");
	for (size_t i = 0; i < 2; i++) {
		struct step_info info;
		assert_true(session_step_info(session_lane(compare, i), 1, &info));
		assert_int_equal(info.note_count, 1);
		assert_string_equal(info.notes[0], "the first block");
		assert_int_equal(info.sleep_ms, 500);
	}
	struct session_report report;
	session_run_line(compare, "check", &report);
	assert_true(report.ok);
	assert_string_equal(report.message, "check: every heap is consistent");
	session_report_release(&report);
	session_run_line(compare, "help alloc", &report);
	assert_true(report.ok);
	assert_non_null(report.text);
	session_report_release(&report);
	session_run_line(compare, "quit", &report);
	assert_true(report.ok && report.quit);
	session_report_release(&report);
	session_destroy(compare);
}

/* --- all or nothing ------------------------------------------------------------------- */

static void reset_that_buddy_rejects_changes_no_heap(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,buddy", 1024);
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
		assert_int_equal(heap_size(session_heap(session_lane(compare, i))), 2048);
	run_ok(compare, "align 16");
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(heap_alignment(session_heap(session_lane(compare, i))), 16);
	session_destroy(compare);
}

/* The policies are fixed: a `policy` line (lessons start with one) starts every heap over, policies kept. */
static void policy_starts_every_heap_over_and_keeps_the_compared_policies(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 1024);
	run_ok(compare, "alloc 10");
	struct session_report report;
	session_run_line(compare, "policy worst", &report);
	assert_true(report.ok);
	assert_true(report.new_step);
	assert_non_null(strstr(report.message, "fixed by --compare"));
	session_report_release(&report);
	for (size_t i = 0; i < 2; i++) {
		const struct heap *heap = session_heap(session_lane(compare, i));
		assert_int_equal(heap_policy(heap), i == 0 ? POLICY_FIRST_FIT : POLICY_BEST_FIT);
		struct heap_stats stats;
		heap_get_stats(heap, &stats);
		assert_int_equal(stats.used_blocks, 0);
		assert_int_equal(session_step(session_lane(compare, i)), 2);
	}
	struct saved saved;
	save(compare, &saved);
	/* export is accepted (the front end writes the lane it shows) and, not being a step, changes nothing. */
	session_run_line(compare, "export out.svg", &report);
	assert_true(report.ok);
	assert_false(report.new_step);
	assert_string_equal(report.export_path, "out.svg");
	session_report_release(&report);
	assert_unchanged(compare, &saved);
	session_destroy(compare);
}

static void a_name_null_in_one_heap_is_rejected_for_all(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 512);
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
	assert_true(names_lookup(session_names(session_lane(compare, 1)), "r1", &payload));
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
	struct session_report report;
	session_run_line(compare, "free r3", &report);
	assert_true(report.ok && report.new_step && report.differs);
	assert_non_null(strstr(report.message, "free(NULL)"));
	session_report_release(&report);
	session_destroy(compare);
}

/* A name NULL in every heap stays NULL through free(NULL), undo, redo and goto; realloc of it is malloc. */
static void a_null_name_stays_null_in_every_heap(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 512);
	run_ok(compare, "alloc 5000 as z");   /* larger than the heap: NULL everywhere */
	for (int i = 0; i < 2; i++) {
		struct session_report report;
		session_run_line(compare, "free z", &report);
		assert_true(report.ok && report.new_step);
		assert_string_equal(report.message, "first: free(NULL); best: free(NULL)");
		session_report_release(&report);
	}
	struct command_error error;
	assert_true(session_undo(compare, &error));
	assert_true(session_redo(compare, &error));
	assert_true(session_goto(compare, 1, &error));
	assert_true(session_goto(compare, 3, &error));
	for (size_t i = 0; i < 2; i++) {
		size_t payload = 0;
		assert_true(names_lookup(session_names(session_lane(compare, i)), "z", &payload));
		assert_int_equal(payload, NAMES_NULL);
	}
	struct session_report report;
	session_run_line(compare, "realloc z 10", &report);
	assert_true(report.ok && report.new_step);
	assert_string_equal(report.message, "first: z = 0x008; best: z = 0x008");
	struct session_report first;
	words_lane_report(session_lane(compare, 0), &report, &first);
	assert_non_null(strstr(first.explain, "realloc(NULL, 10) is malloc(10)"));
	session_report_release(&report);
	session_destroy(compare);
}

/* --- differing outcomes ------------------------------------------------------------------ */

static void first_fit_refuses_what_best_fit_places(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 512);
	for (size_t i = 0; i + 1 < HOLES_STEPS; i++)
		run_ok(compare, holes_script[i]);
	for (size_t step = 1; step < HOLES_STEPS; step++)
		assert_false(compare_step_differs(compare, step));
	struct compare_difference difference;
	assert_true(compare_step_difference(compare, 10, &difference));
	assert_false(difference.kinds_differ);
	assert_true(difference.places_differ);   /* r1 at 0x000 under first fit, in the 56 B hole under best */

	struct session_report report;
	session_run_line(compare, "alloc 200 as r3", &report);
	assert_true(report.ok && report.new_step && report.differs);
	assert_non_null(strstr(report.message, "first: refused"));
	assert_non_null(strstr(report.message, "best: r3 = 0x"));
	session_report_release(&report);

	assert_true(compare_step_differs(compare, R3_STEP));
	assert_true(compare_step_difference(compare, R3_STEP, &difference));
	assert_int_equal(difference.refused_count, 1);
	assert_true(difference.refused[0]);
	assert_false(difference.refused[1]);
	char text[200];
	words_difference(compare, R3_STEP, text, sizeof text);
	assert_string_equal(text, "refused under first fit");
	words_difference(compare, 3, text, sizeof text);
	assert_string_equal(text, "");
	size_t steps[4];
	assert_int_equal(compare_differing_steps(compare, steps, 4), 1);
	assert_int_equal(steps[0], R3_STEP);
	words_lane_outcome(compare, 0, R3_STEP, text, sizeof text);
	assert_string_equal(text, "refused");
	assert_false(compare_step_difference(compare, 0, &difference));
	assert_false(compare_step_difference(compare, 99, &difference));

	/* Moving back onto the step says it differs. */
	run_ok(compare, "undo");
	session_run_line(compare, "redo", &report);
	assert_true(report.ok && report.moved);
	assert_non_null(strstr(report.message, "differs: refused under first fit"));
	session_report_release(&report);
	session_destroy(compare);
}

/* --- the compare view ---------------------------------------------------------------------- */

struct frame {
	struct screen screen;
	struct view_state state;
};

static void frame_draw(struct frame *frame, const struct session *compare, int width, int height, bool ascii)
{
	memset(frame, 0, sizeof *frame);
	assert_true(screen_resize(&frame->screen, width, height));
	frame->state.input = (struct view_input){ "", 0, 0 };
	frame->state.ascii = ascii;
	view_compare_timeline_message(compare, &frame->state);
	view_compare_render(&frame->screen, compare, &frame->state);
	if (getenv("HEAPVIZ_TEST_SHOW"))
		for (int row = 0; row < height; row++) {
			char line[4096];
			screen_row_text(&frame->screen, row, line, sizeof line);
			printf("|%s|\n", line);
		}
}

static void frame_close(struct frame *frame)
{
	screen_release(&frame->screen);
}

static const char *row_text(const struct frame *frame, int row)
{
	static char buffer[8192];
	screen_row_text(&frame->screen, row, buffer, sizeof buffer);
	return buffer;
}

static int find_row_from(const struct frame *frame, int first, const char *needle)
{
	for (int row = first; row < frame->screen.height; row++)
		if (strstr(row_text(frame, row), needle))
			return row;
	return -1;
}

static int find_row(const struct frame *frame, const char *needle)
{
	return find_row_from(frame, 0, needle);
}

static struct session *holes_compare(const char *list)
{
	struct session *compare = compare_of(list, 512);
	run_script(compare, holes_script);
	return compare;
}

/* The vertical rule between a section's grid and its statistics, on every row from first to last. */
static void assert_rule(const struct frame *frame, int first, int last, int column)
{
	for (int row = first; row <= last; row++) {
		const struct cell *cell = screen_cell_const(&frame->screen, row, column);
		assert_non_null(cell);
		if (cell->ch != 0x2502 && cell->ch != '|')
			fail_msg("row %d column %d: no rule between grid and statistics: '%s'", row, column,
				 row_text(frame, row));
	}
}

static void two_policies_at_80x24_stack_two_grids_with_their_statistics(void **unused)
{
	(void)unused;
	struct session *compare = holes_compare("first,best");
	struct frame frame;
	frame_draw(&frame, compare, 80, 24, false);
	assert_non_null(strstr(row_text(&frame, 0), "compare: first fit · best fit"));
	assert_non_null(strstr(row_text(&frame, 0), "step 12 / 12"));
	/* Each policy: a heading, then its grid from 0x000 with its statistics beside it. */
	assert_int_equal(find_row(&frame, "first fit ─"), 1);
	assert_non_null(strstr(row_text(&frame, 2), " 0x000 "));
	assert_non_null(strstr(row_text(&frame, 2), "! refused"));
	assert_non_null(strstr(row_text(&frame, 3), "used"));
	assert_non_null(strstr(row_text(&frame, 3), "free      248 B"));
	assert_non_null(strstr(row_text(&frame, 4), "largest   104 B"));
	assert_non_null(strstr(row_text(&frame, 4), "58 %"));
	assert_non_null(strstr(row_text(&frame, 5), "failed        1"));
	int best = find_row(&frame, "best fit ─");
	assert_int_equal(best, 10);
	assert_non_null(strstr(row_text(&frame, best + 1), " 0x000 "));
	assert_non_null(strstr(row_text(&frame, best + 1), "✓ r3 = 0x0f0"));
	assert_non_null(strstr(row_text(&frame, best + 4), "failed        0"));
	assert_rule(&frame, 2, 9, 45);
	assert_rule(&frame, best + 1, best + 8, 45);
	/* The refused outcome is marked as such, not only by its colour. */
	const struct cell *mark = screen_cell_const(&frame.screen, 2, 47);
	assert_int_equal(mark->ch, '!');
	assert_int_equal(mark->role, ROLE_REFUSED);
	/* One legend for all, the differing step, and the normal message, bar and hints below. */
	assert_non_null(strstr(row_text(&frame, 19), "header") ? row_text(&frame, 19) : strstr(row_text(&frame, 19), "hdr"));
	assert_non_null(strstr(row_text(&frame, 20), "! step 12 differs: refused under first fit"));
	assert_int_equal(screen_cell_const(&frame.screen, 20, 3)->role, ROLE_REFUSED);
	assert_non_null(strstr(row_text(&frame, 21), "first: refused; best: r3 = 0x0f0"));
	assert_int_equal(row_text(&frame, 22)[0], '>');
	assert_non_null(strstr(row_text(&frame, 23), "F1 help"));
	assert_null(strstr(row_text(&frame, 23), "hex"));
	frame_close(&frame);

	/* Where every policy placed r1 but at different addresses (first fit: 0x000, best fit: the 56 B hole). */
	run_ok(compare, "goto 10");
	frame_draw(&frame, compare, 80, 24, false);
	assert_non_null(strstr(row_text(&frame, 20), "step 10: placed at different addresses"));
	assert_non_null(strstr(row_text(&frame, 20), "differs at step 12"));
	assert_non_null(strstr(row_text(&frame, 0), "step 10 / 12"));
	frame_close(&frame);
	/* At a step where they agree, the line says so and still lists where they differ. */
	run_ok(compare, "goto 7");
	frame_draw(&frame, compare, 80, 24, false);
	assert_non_null(strstr(row_text(&frame, 20), "step 7: the same outcome under every policy"));
	assert_non_null(strstr(row_text(&frame, 20), "differs at step 12"));
	frame_close(&frame);
	run_ok(compare, "goto 0");
	frame_draw(&frame, compare, 80, 24, false);
	assert_non_null(strstr(row_text(&frame, 20), "step 0: 2 empty heaps of 512 B"));
	assert_true(find_row(&frame, "empty heap") > 0);
	frame_close(&frame);
	session_destroy(compare);
}

/* Big numbers beside narrow grids: labels give way to shorter ones or move the split, never get cut. */
static void big_numbers_never_cut_a_label_or_an_address(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best", 16 * 1024 * 1024);
	run_ok(compare, "alloc 9000000 as a");
	run_ok(compare, "alloc 8000000 as b");   /* refused everywhere */
	struct frame frame;
	frame_draw(&frame, compare, 80, 24, false);
	/* Each label whole, then its whole value (right-aligned in its half). */
	const char *labels[][2] = {{"largest", "7595 KiB"}, {"asked", "8789 KiB"}, {"free", "7595 KiB"}};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		int row = find_row(&frame, labels[i][0]);
		assert_true(row >= 0);
		const char *after = strstr(row_text(&frame, row), labels[i][0]) + strlen(labels[i][0]);
		after += strspn(after, " ");
		assert_true(strncmp(after, labels[i][1], strlen(labels[i][1])) == 0);
	}
	for (int row = 0; row < frame.screen.height; row++) {
		const char *text = row_text(&frame, row);
		if (strstr(text, "larges ") || strstr(text, "reques "))
			fail_msg("row %d cuts a label: %s", row, text);
	}
	frame_close(&frame);

	/* 40x12: the title keeps the policies whole; an outcome too wide for its room is left out, not cut. */
	session_destroy(compare);
	compare = compare_of("first,best,worst", 16 * 1024 * 1024);
	run_ok(compare, "alloc 9000000 as a");
	frame_draw(&frame, compare, 40, 12, false);
	assert_non_null(strstr(row_text(&frame, 0), "first · best · worst"));
	for (int row = 1; row < 7; row++) {
		const char *text = row_text(&frame, row);
		const char *words = strstr(text, "a = 0");
		if (words && strncmp(words, "a = 0x008", 9) != 0)
			fail_msg("row %d cuts the outcome: %s", row, text);
	}
	frame_close(&frame);
	session_destroy(compare);
}

static void five_policies_at_80x24_fit_compactly(void **unused)
{
	(void)unused;
	struct session *compare = holes_compare("first,next,best,worst,buddy");
	struct frame frame;
	frame_draw(&frame, compare, 80, 24, false);
	assert_non_null(strstr(row_text(&frame, 0), "compare: first · next · best · worst · buddy"));
	assert_non_null(strstr(row_text(&frame, 0), "step 12 / 12"));
	static const char *const names[] = {"first fit  ", "next fit  ", "best fit  ", "worst fit  ", "buddy  "};
	int previous = 0;
	for (size_t i = 0; i < 5; i++) {
		int row = find_row_from(&frame, previous + 1, names[i]);
		if (row < 0)
			fail_msg("no row names %s", names[i]);
		assert_true(row > previous);
		/* Its grid starts on the same row, its statistics below the name. */
		assert_non_null(strstr(row_text(&frame, row), " 0x000 "));
		assert_non_null(strstr(row_text(&frame, row + 1), "free"));
		assert_non_null(strstr(row_text(&frame, row + 2), "failed"));
		assert_rule(&frame, row, row + 2, 45);
		previous = row;
	}
	assert_non_null(strstr(row_text(&frame, find_row(&frame, "first fit  ")), "! refused"));
	assert_non_null(strstr(row_text(&frame, find_row(&frame, "best fit  ")), "✓ r3 = 0x0f0"));
	assert_non_null(strstr(row_text(&frame, 20), "differs: refused under first fit, next fit and worst fit"));
	assert_true(previous + 2 < 20);
	frame_close(&frame);

	/* In ASCII every cell is ASCII. */
	frame_draw(&frame, compare, 80, 24, true);
	for (int row = 0; row < 24; row++)
		for (int column = 0; column < 80; column++)
			assert_true(screen_cell_const(&frame.screen, row, column)->ch < 0x80);
	assert_non_null(strstr(row_text(&frame, 0), "compare: first - next - best - worst - buddy"));
	assert_non_null(strstr(row_text(&frame, 20), "! step 12 differs"));
	frame_close(&frame);
	session_destroy(compare);
}

static void small_and_large_terminals_never_crash(void **unused)
{
	(void)unused;
	static const char *const lists[] = {"first,best", "first,next,best,worst,buddy"};
	for (size_t l = 0; l < 2; l++) {
		struct session *compare = holes_compare(lists[l]);
		struct frame frame;
		frame_draw(&frame, compare, 40, 12, false);
		assert_true(find_row_from(&frame, 1, "first") >= 1);
		assert_true(find_row_from(&frame, 1, "best") > find_row_from(&frame, 1, "first"));
		assert_non_null(strstr(row_text(&frame, 8), "differs"));
		assert_int_equal(row_text(&frame, 10)[0], '>');
		frame_close(&frame);

		frame_draw(&frame, compare, 30, 8, false);
		assert_true(find_row(&frame, "terminal too small") >= 0);
		frame_close(&frame);

		frame_draw(&frame, compare, 200, 60, false);
		assert_true(find_row_from(&frame, 1, "first fit") >= 1);
		assert_true(find_row_from(&frame, 1, "best fit") > find_row_from(&frame, 1, "first fit"));
		assert_true(find_row(&frame, "differs: refused under first fit") > 0);
		frame_close(&frame);

		/* Every size in between, and degenerate ones, at two steps. */
		for (int step = 0; step < 2; step++) {
			for (int width = 0; width <= 120; width += 7)
				for (int height = 0; height <= 40; height += 3) {
					frame_draw(&frame, compare, width, height, step == 1);
					frame_close(&frame);
				}
			run_ok(compare, "goto 3");
		}
		session_destroy(compare);
	}
}

static void help_overlay_covers_the_grids(void **unused)
{
	(void)unused;
	struct session *compare = holes_compare("first,best");
	struct frame frame;
	memset(&frame, 0, sizeof frame);
	assert_true(screen_resize(&frame.screen, 80, 24));
	frame.state.input = (struct view_input){ "", 0, 0 };
	frame.state.show_help = true;
	view_compare_render(&frame.screen, compare, &frame.state);
	assert_true(find_row(&frame, "compare: first fit") == 0);
	assert_true(find_row(&frame, "0x000") < 0);
	frame_close(&frame);
	session_destroy(compare);
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
		cmocka_unit_test(policy_starts_every_heap_over_and_keeps_the_compared_policies),
		cmocka_unit_test(a_name_null_in_one_heap_is_rejected_for_all),
		cmocka_unit_test(a_null_name_stays_null_in_every_heap),
		cmocka_unit_test(first_fit_refuses_what_best_fit_places),
		cmocka_unit_test(two_policies_at_80x24_stack_two_grids_with_their_statistics),
		cmocka_unit_test(big_numbers_never_cut_a_label_or_an_address),
		cmocka_unit_test(five_policies_at_80x24_fit_compactly),
		cmocka_unit_test(small_and_large_terminals_never_crash),
		cmocka_unit_test(help_overlay_covers_the_grids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
