/* test_lanes.c - a session of several lanes: each lane is exactly a one-lane session of its policy, and rejections replay nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "screen.h"
#include "script.h"
#include "session.h"
#include "view.h"
#include "words.h"

/* Every row of the allocator table, in its order. */
static const enum heap_policy all_policies[POLICY_COUNT] = {
#define ALLOCATOR(policy, ops) policy,
#include "allocators.def"
#undef ALLOCATOR
};

static struct session *new_lanes(const enum heap_policy *policies, size_t count, size_t size)
{
	struct heap_config config = { size, policies[0], 8, HEAP_ORDER_ADDRESS };
	enum heap_status status = HEAP_ERR_BAD_CONFIG;
	struct session *session = session_create_lanes(&config, policies, count, &status);
	if (!session)
		fail_msg("session_create_lanes: %s", heap_status_message(status));
	assert_int_equal(session_lane_count(session), count);
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

static uint64_t rng_state;

static uint32_t rng_next(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static size_t rng_below(size_t n)
{
	return n ? rng_next() % n : 0;
}

/* --- comparing a lane with a one-lane session ---------------------------------- */

struct names_probe {
	const struct names *other;
	const char *missing;
};

static bool binding_in_other(const char *name, size_t payload, void *context)
{
	struct names_probe *probe = context;
	size_t found;
	if (!names_lookup(probe->other, name, &found) || found != payload) {
		probe->missing = name;
		return false;
	}
	return true;
}

static void assert_names_equal(const struct names *a, const struct names *b, const char *what)
{
	struct names_probe probe = { b, NULL };
	if (names_count(a) != names_count(b))
		fail_msg("%s: %zu names against %zu", what, names_count(a), names_count(b));
	names_each(a, binding_in_other, &probe);
	if (probe.missing)
		fail_msg("%s: '%s' is bound differently", what, probe.missing);
}

/* Lane k of lanes and the one-lane session alone: same step, heap bytes, names and recorded outcome. */
static void assert_lane_is(const struct session *lanes, size_t k, const struct session *alone, const char *line)
{
	const struct session *lane = session_lane(lanes, k);
	char what[160];
	snprintf(what, sizeof what, "%s lane after '%s'", heap_policy_name(session_lane_policy(lanes, k)), line);
	assert_int_equal(session_step(lane), session_step(alone));
	if (!heap_equal(session_heap(lane), session_heap(alone)))
		fail_msg("%s: the heap differs from the one-lane session's", what);
	assert_names_equal(session_names(lane), session_names(alone), what);
	struct step_info mine, theirs;
	assert_true(session_step_info(lane, session_step(lane), &mine));
	assert_true(session_step_info(alone, session_step(alone), &theirs));
	assert_string_equal(mine.source, theirs.source);
	if (memcmp(&mine.outcome, &theirs.outcome, sizeof mine.outcome) != 0)
		fail_msg("%s: the recorded outcome differs", what);
	double u1, f1, u2, f2;
	assert_true(session_history_stats(lane, session_step(lane), &u1, &f1));
	assert_true(session_history_stats(alone, session_step(alone), &u2, &f2));
	assert_true(u1 == u2 && f1 == f2);
}

/* A random command over explicit names n0..n7 (policy changes are not lockstep: comparing fixes the policies). */
static void random_line(char *line, size_t size, size_t heap)
{
	size_t name = rng_below(8);
	switch (rng_below(16)) {
	case 0: case 1: case 2: case 3:
		snprintf(line, size, "alloc %zu as n%zu", 1 + rng_below(heap / 4), name);
		break;
	case 4: {
		/* Drawn one by one: the order a call's arguments are evaluated in is the compiler's choice. */
		size_t count = 1 + rng_below(8), each = 1 + rng_below(40);
		snprintf(line, size, "calloc %zu %zu as n%zu", count, each, name);
		break;
	}
	case 5: case 6: case 7:
		snprintf(line, size, "free n%zu", name);
		break;
	case 8:
		snprintf(line, size, "realloc n%zu %zu", name, 1 + rng_below(heap / 3));
		break;
	case 9:
		snprintf(line, size, "write n%zu \"%.*s\"", name, (int)(1 + rng_below(20)), "abcdefghijklmnopqrstuvwxyz");
		break;
	case 10:
		snprintf(line, size, "fill n%zu 0x%02zx", name, rng_below(256));
		break;
	case 11:
		snprintf(line, size, "free 0x%03zx", 8 * rng_below(heap / 8));
		break;
	case 12:
		snprintf(line, size, "%s", rng_below(2) ? "undo" : "redo");
		break;
	case 13:
		snprintf(line, size, "goto %zu", rng_below(40));
		break;
	case 14:
		/* Rarely: a new heap; 1000 B is refused by buddy alone, so partly rejected. */
		snprintf(line, size, "%s", rng_below(8) ? "check" : rng_below(2) ? "reset 1000" : "align 16");
		break;
	default:
		snprintf(line, size, "alloc 0 as n%zu", name);
		break;
	}
}

/*
 * A lone session took a step the lanes rejected: make it again from the
 * lanes' history (every recorded step must be accepted alone too), at the
 * lanes' step, with their undone future kept as well.
 */
static struct session *rebuild_alone(struct session *old, const struct session *lanes, size_t k, size_t heap)
{
	/* The lanes' step 0 heap: the size and alignment the session was created with (a `reset 1000` may have changed it since). */
	struct heap_config config = { heap, session_lane_policy(lanes, k), 8, HEAP_ORDER_ADDRESS };
	session_destroy(old);
	struct session *alone = session_create(&config, NULL);
	assert_non_null(alone);
	for (size_t step = 1; step <= session_last_step(lanes); step++) {
		struct step_info info;
		assert_true(session_step_info(session_lane(lanes, k), step, &info));
		struct session_report report;
		session_run_line(alone, info.source, &report);
		if (!report.ok)
			fail_msg("rebuilding: step %zu '%s' rejected alone: %s", step, info.source, report.error.message);
		session_report_release(&report);
	}
	assert_true(session_goto(alone, session_step(lanes), &(struct command_error){ 0 }));
	return alone;
}

/*
 * Feed the same random stream to an N-lane session and to one one-lane
 * session per policy. What the lanes accept every lone session accepts, with
 * the same words; what they reject at least one lone session rejects (the
 * others are rebuilt from the lanes' history, so they stay in step).
 */
/* What the streams exercised, so the test can tell it saw partial rejections and refusals. */
static size_t partly_rejected, lanes_disagreed;

static void run_lockstep(const enum heap_policy *policies, size_t count, size_t heap, size_t commands)
{
	struct session *lanes = new_lanes(policies, count, heap);
	struct session *alone[SESSION_LANES_MAX];
	for (size_t k = 0; k < count; k++) {
		struct heap_config config = { heap, policies[k], 8, HEAP_ORDER_ADDRESS };
		alone[k] = session_create(&config, NULL);
		assert_non_null(alone[k]);
	}
	char line[128];
	for (size_t i = 0; i < commands; i++) {
		random_line(line, sizeof line, heap);
		struct session_report report;
		session_run_line(lanes, line, &report);
		bool some_rejected = false;
		for (size_t k = 0; k < count; k++) {
			struct session_report one;
			session_run_line(alone[k], line, &one);
			if (report.ok && !one.ok)
				fail_msg("'%s': the lanes accepted it, %s alone rejected it: %s", line,
					 heap_policy_name(policies[k]), one.error.message);
			if (!report.ok && !one.ok) {
				if (!some_rejected && !strstr(report.error.message, one.error.message))
					fail_msg("'%s': the lanes say '%s', the first to reject says '%s'", line,
						 report.error.message, one.error.message);
				some_rejected = true;
			}
			if (!report.ok && one.ok && one.new_step) {
				partly_rejected++;
				alone[k] = rebuild_alone(alone[k], lanes, k, heap);
			}
			if (report.ok && report.new_step) {
				/* What history keeps (packed) reads back as what the step did and the text as written. */
				struct step_info kept;
				assert_true(session_step_info(session_lane(lanes, k), session_step(lanes), &kept));
				if (memcmp(&kept.outcome, &report.outcomes[k], sizeof kept.outcome) != 0)
					fail_msg("'%s': the %s outcome reads back differently from history", line,
						 heap_policy_name(policies[k]));
				assert_string_equal(kept.source, line);
				struct session_report mine;
				words_lane_report(session_lane(lanes, k), &report, &mine);
				assert_string_equal(mine.explain, one.explain);
				if (count == 1)
					assert_string_equal(report.message, one.message);
				assert_string_equal(mine.message, one.message);
			}
			session_report_release(&one);
			assert_lane_is(lanes, k, alone[k], line);
		}
		lanes_disagreed += report.ok && report.differs;
		if (!report.ok && !some_rejected)
			fail_msg("'%s' was rejected (%s) though every lone session accepts it", line, report.error.message);
		session_report_release(&report);
	}
	for (size_t k = 0; k < count; k++)
		session_destroy(alone[k]);
	session_destroy(lanes);
}

static void each_lane_equals_a_one_lane_session_of_its_policy(void **state)
{
	(void)state;
	rng_state = 9;
	/* Every allocator, as many lanes at once as a session holds. */
	for (size_t first = 0; first < POLICY_COUNT; first += SESSION_LANES_MAX)
		run_lockstep(all_policies + first, POLICY_COUNT - first < SESSION_LANES_MAX ? POLICY_COUNT - first
											 : SESSION_LANES_MAX, 1024, 1500);
	for (unsigned seed = 1; seed <= 12; seed++) {
		rng_state = seed * 7919u;
		/* A random subset of two to four distinct policies, in a random order. */
		enum heap_policy chosen[POLICY_COUNT];
		memcpy(chosen, all_policies, sizeof chosen);
		for (size_t i = POLICY_COUNT - 1; i > 0; i--) {
			size_t j = rng_below(i + 1);
			enum heap_policy swap = chosen[i];
			chosen[i] = chosen[j];
			chosen[j] = swap;
		}
		run_lockstep(chosen, 2 + rng_below(3), seed % 2 ? 1024 : 512, 400);
	}
	/* The streams must reach the interesting cases: one lane rejecting alone, outcomes that differ. */
	assert_true(partly_rejected > 10);
	assert_true(lanes_disagreed > 10);
}

static void one_lane_is_a_plain_session(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		rng_state = 100 + p;
		run_lockstep(&all_policies[p], 1, 1024, 500);
	}
}

/* --- names are bound once per step --------------------------------------------- */

static void an_automatic_name_is_the_same_request_in_every_lane(void **state)
{
	(void)state;
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT };
	struct session *lanes = new_lanes(policies, 2, 512);
	/* Three holes; then first fit spends the big ones on small requests and must refuse the 200. */
	static const char *const script[] = {
		"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
		"free m", "free s", "free b", "alloc 40", "alloc 100", "alloc 200", "alloc 30", NULL,
	};
	for (size_t i = 0; script[i]; i++)
		run_ok(lanes, script[i]);
	size_t first, best;
	/* p3 (the 200) was placed under best fit and refused under first fit: NULL there, not a name left free. */
	assert_true(names_lookup(session_names(session_lane(lanes, 0)), "p3", &first));
	assert_true(names_lookup(session_names(session_lane(lanes, 1)), "p3", &best));
	assert_int_equal(first, NAMES_NULL);
	assert_true(names_is_address(best));
	/* So the next request is p4 in both lanes (alone, first fit would call it p3): the names did not drift apart. */
	assert_true(names_lookup(session_names(session_lane(lanes, 0)), "p4", &first));
	assert_true(names_lookup(session_names(session_lane(lanes, 1)), "p4", &best));
	assert_true(names_is_address(first) || names_is_address(best));
	for (size_t k = 0; k < 2; k++) {
		struct step_info info;
		assert_true(session_step_info(session_lane(lanes, k), session_step(lanes), &info));
		assert_string_equal(info.outcome.name, "p4");
	}
	/* Time travel reaches the same binding. */
	assert_true(session_goto(lanes, 0, &(struct command_error){ 0 }));
	assert_true(session_goto(lanes, session_last_step(lanes), &(struct command_error){ 0 }));
	assert_true(names_lookup(session_names(session_lane(lanes, 0)), "p3", &first));
	assert_int_equal(first, NAMES_NULL);
	session_destroy(lanes);
}

/* --- a rejection replays nothing ------------------------------------------------ */

struct frozen {
	struct heap *heaps[SESSION_LANES_MAX];
	size_t step, last, replayed;
};

static struct frozen freeze(const struct session *session)
{
	struct frozen frozen = { { NULL }, session_step(session), session_last_step(session),
				 session_replayed_steps(session) };
	for (size_t k = 0; k < session_lane_count(session); k++)
		frozen.heaps[k] = heap_clone(session_heap(session_lane(session, k)));
	return frozen;
}

static void assert_unchanged(const struct session *session, const struct frozen *frozen, const char *line)
{
	if (session_replayed_steps(session) != frozen->replayed)
		fail_msg("'%s' replayed %zu steps", line, session_replayed_steps(session) - frozen->replayed);
	assert_int_equal(session_step(session), frozen->step);
	assert_int_equal(session_last_step(session), frozen->last);
	for (size_t k = 0; k < session_lane_count(session); k++)
		if (!heap_equal_except_failures(session_heap(session_lane(session, k)), frozen->heaps[k]) ||
		    !heap_equal(session_heap(session_lane(session, k)), frozen->heaps[k]))
			fail_msg("'%s' changed the %s heap", line, heap_policy_name(session_lane_policy(session, k)));
}

static void a_rejected_command_after_20000_steps_changes_nothing_and_replays_nothing(void **state)
{
	(void)state;
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT, POLICY_WORST_FIT };
	struct session *lanes = new_lanes(policies, 3, 512);
	static const char *const holes[] = {
		"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
		"free m", "free s", "free b", "alloc 40 as r1", "alloc 100 as r2", "alloc 200 as r3", NULL,
	};
	for (size_t i = 0; holes[i]; i++)
		run_ok(lanes, holes[i]);
	char line[64];
	while (session_last_step(lanes) < 20000) {
		snprintf(line, sizeof line, session_last_step(lanes) % 2 ? "free t" : "alloc %zu as t",
			 1 + session_last_step(lanes) % 24);
		run_ok(lanes, line);
	}
	/* Somewhere in the middle of history, so that the future is kept too. */
	assert_true(session_goto(lanes, 15001, &(struct command_error){ 0 }));
	static const struct {
		const char *line;
		const char *message;
	} rejected[] = {
		{ "free nosuch", "no block is named 'nosuch'" },
		{ "alloc 8 as x1", "'x1' already names the block at" },
		{ "write x1 \"this is much longer than twenty bytes\"", "bytes do not fit in the 20-byte payload" },
		{ "write r3 \"x\"", "under first fit and worst fit: 'r3' is NULL (its request was refused) (no heap changed)" },
		{ "free 0x1f8", "is not the start of a live allocation" },
		{ "calloc 0 8", "calloc needs a COUNT and SIZE of at least 1" },
		{ "align 3", "" },
		{ "goto 99999", "no step 99999" },
	};
	for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		struct frozen frozen = freeze(lanes);
		size_t checks = session_lane_checks(lanes);
		struct session_report report;
		session_run_line(lanes, rejected[i].line, &report);
		if (report.ok)
			fail_msg("'%s' was accepted", rejected[i].line);
		if (!strstr(report.error.message, rejected[i].message))
			fail_msg("'%s': '%s' lacks '%s'", rejected[i].line, report.error.message, rejected[i].message);
		session_report_release(&report);
		assert_unchanged(lanes, &frozen, rejected[i].line);
		/* Checked once in every lane that could see it (a line the parser rejects reaches no lane). */
		assert_true(session_lane_checks(lanes) - checks == 0 || session_lane_checks(lanes) - checks == 3);
		for (size_t k = 0; k < 3; k++)
			heap_destroy(frozen.heaps[k]);
	}
	/* And the session still runs: the rejections left it able to go on. */
	assert_true(session_goto(lanes, session_last_step(lanes), &(struct command_error){ 0 }));
	run_ok(lanes, "alloc 8 as late");
	session_destroy(lanes);
}

/* --- the report of one lane ----------------------------------------------------- */

static void a_lane_report_is_what_that_lane_alone_says(void **state)
{
	(void)state;
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BUDDY };
	struct session *lanes = new_lanes(policies, 2, 1024);
	struct session_report report;
	session_run_line(lanes, "alloc 40 as a", &report);
	assert_true(report.ok && report.new_step);
	assert_int_equal(report.lane_count, 2);
	assert_string_equal(report.message, "first: a = 0x008; buddy: a = 0x008");
	struct session_report buddy;
	words_lane_report(session_lane(lanes, 1), &report, &buddy);
	assert_string_equal(buddy.message, "a = 0x008 (64 B block at 0x000)");
	assert_int_equal(buddy.outcome.placement.block_size, 64);
	assert_null(buddy.text);
	session_report_release(&report);
	assert_int_equal(session_lane_index(session_lane(lanes, 1)), 1);
	assert_null(session_lane(lanes, 2));
	session_destroy(lanes);
}

/* --- history reads back what was run -------------------------------------------- */

static void a_rep_trace_reads_back_from_history_line_for_line(void **state)
{
	(void)state;
	static const char *const traces[] = { "corners", "realloc-bal", "coalescing" };
	for (size_t t = 0; t < sizeof traces / sizeof traces[0]; t++) {
		char path[256];
		snprintf(path, sizeof path, "tests/traces/malloclab/%s.rep", traces[t]);
		struct script script;
		struct script_error error;
		if (!script_load(path, &script, &error))
			fail_msg("%s: %s", path, error.message);
		static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BUDDY };
		struct heap_config config = { (size_t)1 << 20, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
		struct session *lanes = session_create_lanes(&config, policies, 2, NULL);
		assert_non_null(lanes);
		for (size_t i = 0; i < script.count; i++) {
			struct session_report report;
			session_run(lanes, &script.lines[i].command, script.lines[i].source, &report);
			assert_true(report.ok);
			for (size_t k = 0; k < 2; k++) {
				struct step_info info;
				assert_true(session_step_info(session_lane(lanes, k), session_step(lanes), &info));
				assert_string_equal(info.source, script.lines[i].source);
				assert_int_equal(info.command->kind, script.lines[i].command.kind);
				assert_int_equal(info.command->size, script.lines[i].command.size);
				assert_int_equal(info.command->zero_size_is_null, script.lines[i].command.zero_size_is_null);
				if (memcmp(&info.outcome, &report.outcomes[k], sizeof info.outcome) != 0)
					fail_msg("%s line %zu: the outcome reads back differently", path, script.lines[i].line);
			}
			session_report_release(&report);
		}
		session_destroy(lanes);
		script_release(&script);
	}
}

/* --- the lane under the cursor ---------------------------------------------------- */

/* A row with text on it (and also also_text, when given). */
static bool frame_row_has(const struct screen *screen, const char *text, const char *also_text)
{
	for (int row = 0; row < screen->height; row++) {
		char line[4096];
		screen_row_text(screen, row, line, sizeof line);
		if (getenv("HEAPVIZ_TEST_SHOW"))
			printf("|%s|\n", line);
		if (strstr(line, text) && (!also_text || strstr(strstr(line, text), also_text)))
			return true;
	}
	return false;
}

static bool frame_has(const struct screen *screen, const char *text)
{
	return frame_row_has(screen, text, NULL);
}

static void the_inspector_and_hex_view_show_the_lane_under_the_cursor(void **state)
{
	(void)state;
	static const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT };
	struct session *lanes = new_lanes(policies, 2, 512);
	static const char *const holes[] = {
		"alloc 100 as m", "alloc 20 as x1", "alloc 40 as s", "alloc 20 as x2", "alloc 200 as b", "alloc 20 as x3",
		"free m", "free s", "free b", "alloc 40 as r1", "alloc 100 as r2", "alloc 200 as r3", NULL,
	};
	for (size_t i = 0; holes[i]; i++)
		run_ok(lanes, holes[i]);
	size_t r3;
	assert_true(names_lookup(session_names(session_lane(lanes, 1)), "r3", &r3));
	assert_true(names_is_address(r3));
	struct screen screen = { 0 };
	assert_true(screen_resize(&screen, 100, 30));
	struct view_state view;
	memset(&view, 0, sizeof view);
	view.input = (struct view_input){ "", 0, 0 };
	view.ascii = true;
	/* Side by side: both policies' sections. */
	view_render(&screen, lanes, &view);
	assert_true(frame_has(&screen, "compare: first fit"));
	/* The inspector on best fit's r3: the frame of that lane, with the block selected. */
	view.focus = FOCUS_GRID;
	view.lane = 1;
	view.cursor = r3;
	view.has_selection = true;
	view_render(&screen, lanes, &view);
	assert_false(frame_has(&screen, "compare: first fit"));
	assert_true(frame_has(&screen, "best fit"));
	assert_true(frame_row_has(&screen, "name", "r3"));
	/* Under first fit the same address holds no r3 (it was refused there). */
	view.lane = 0;
	view_render(&screen, lanes, &view);
	assert_true(frame_has(&screen, "first fit"));
	assert_false(frame_row_has(&screen, "name", "r3"));
	/* The hex view of the lane the cursor is on. */
	view.has_selection = false;
	view.show_hex = true;
	view.lane = 1;
	view_render(&screen, lanes, &view);
	assert_false(frame_has(&screen, "compare: first fit"));
	assert_true(frame_has(&screen, "best fit"));
	screen_release(&screen);
	session_destroy(lanes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_lane_equals_a_one_lane_session_of_its_policy),
		cmocka_unit_test(one_lane_is_a_plain_session),
		cmocka_unit_test(an_automatic_name_is_the_same_request_in_every_lane),
		cmocka_unit_test(a_rejected_command_after_20000_steps_changes_nothing_and_replays_nothing),
		cmocka_unit_test(a_lane_report_is_what_that_lane_alone_says),
		cmocka_unit_test(the_inspector_and_hex_view_show_the_lane_under_the_cursor),
		cmocka_unit_test(a_rep_trace_reads_back_from_history_line_for_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
