/* test_session.c - the session: time travel equals replay, names follow blocks, rejections change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "session.h"
#include "words.h"

/* --- helpers ----------------------------------------------------------------- */

/* Every row of the allocator table, in its order. */
static const enum heap_policy all_policies[POLICY_COUNT] = {
#define ALLOCATOR(policy, ops) policy,
#include "allocators.def"
#undef ALLOCATOR
};

static struct session *new_session(enum heap_policy policy, size_t size, unsigned alignment)
{
	struct heap_config config = { size, policy, alignment, HEAP_ORDER_ADDRESS };
	enum heap_status status = HEAP_ERR_BAD_CONFIG;
	struct session *session = session_create(&config, &status);

	if (session == NULL)
		fail_msg("session_create(%s, %zu, %u): %s", heap_policy_name(policy), size, alignment,
			 heap_status_message(status));
	assert_int_equal(status, HEAP_OK);
	return session;
}

static void assert_heap_consistent(const struct session *session)
{
	struct heap_problem problems[4];
	size_t count = heap_check(session_heap(session), problems, 4);

	if (count != 0)
		fail_msg("heap_check: %zu problem(s); first at 0x%zx: %s", count, problems[0].offset,
			 problems[0].message);
}

/* Run a line that must be accepted; the report is released unless the caller wants it. */
static void run_ok_report(struct session *session, const char *line, struct session_report *report)
{
	session_run_line(session, line, report);
	if (!report->ok)
		fail_msg("'%s' was rejected at column %zu: %s", line, report->error.column, report->error.message);
	assert_heap_consistent(session);
}

static void run_ok(struct session *session, const char *line)
{
	struct session_report report;

	run_ok_report(session, line, &report);
	session_report_release(&report);
}

struct names_pair {
	const struct names *other;
	bool equal;
	const char *first_difference;
};

static bool binding_is_in_other(const char *name, size_t payload, void *context)
{
	struct names_pair *pair = context;
	size_t found;

	if (!names_lookup(pair->other, name, &found) || found != payload) {
		pair->equal = false;
		pair->first_difference = name;
		return false;
	}
	return true;
}

/* Same bindings both ways: every name's lookup is equal. */
static bool names_equal(const struct names *a, const struct names *b, const char **difference)
{
	struct names_pair pair = { b, true, NULL };

	if (names_count(a) != names_count(b)) {
		*difference = "(count)";
		return false;
	}
	names_each(a, binding_is_in_other, &pair);
	*difference = pair.first_difference;
	return pair.equal;
}

static void assert_names_equal(const struct names *a, const struct names *b, const char *what)
{
	const char *difference = NULL;

	if (!names_equal(a, b, &difference))
		fail_msg("%s: names differ (%zu vs %zu names; first difference '%s')", what, names_count(a),
			 names_count(b), difference ? difference : "?");
}

/* A copy of the live state, to compare later states with. */
struct snapshot {
	struct heap *heap;
	struct names *names;
};

static struct snapshot snapshot_take(const struct session *session)
{
	struct snapshot snap = { heap_clone(session_heap(session)), names_clone(session_names(session)) };

	assert_non_null(snap.heap);
	assert_non_null(snap.names);
	return snap;
}

static void snapshot_release(struct snapshot *snap)
{
	heap_destroy(snap->heap);
	names_destroy(snap->names);
	snap->heap = NULL;
	snap->names = NULL;
}

static void assert_matches_snapshot(const struct session *session, const struct snapshot *snap, const char *what)
{
	if (!heap_equal(session_heap(session), snap->heap))
		fail_msg("%s: heap differs from the recorded state (step %zu)", what, session_step(session));
	assert_names_equal(session_names(session), snap->names, what);
}

/* Run a line that must be rejected at column: nothing may change, no step may be recorded. */
static void run_rejected(struct session *session, const char *line, size_t column, const char *message_part)
{
	struct snapshot before = snapshot_take(session);
	size_t step = session_step(session);
	size_t last = session_last_step(session);
	struct session_report report;

	session_run_line(session, line, &report);
	if (report.ok)
		fail_msg("'%s' should have been rejected (message: %s)", line, report.message);
	if (report.error.column != column)
		fail_msg("'%s': error at column %zu, expected %zu (%s)", line, report.error.column, column,
			 report.error.message);
	if (message_part != NULL && strstr(report.error.message, message_part) == NULL)
		fail_msg("'%s': error '%s' does not mention '%s'", line, report.error.message, message_part);
	assert_false(report.new_step);
	assert_false(report.moved);
	assert_int_equal(session_step(session), step);
	assert_int_equal(session_last_step(session), last);
	if (!heap_equal(session_heap(session), before.heap))
		fail_msg("'%s' was rejected but changed the heap", line);
	assert_names_equal(session_names(session), before.names, line);
	session_report_release(&report);
	snapshot_release(&before);
}

static size_t lookup(const struct session *session, const char *name)
{
	size_t payload = 0;

	if (!names_lookup(session_names(session), name, &payload))
		fail_msg("'%s' is not bound", name);
	return payload;
}

static bool is_bound(const struct session *session, const char *name)
{
	size_t payload;

	return names_lookup(session_names(session), name, &payload);
}

/* A small deterministic generator (PCG-like LCG), so every run sees the same histories. */
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

/* --- undo, redo, goto over a scripted history, in every policy ---------------- */

static const char *const scripted_history[] = {
	"alloc 24 as a",
	"alloc 100",
	"write a \"hello, heap\"",
	"calloc 4 10 as c",
	"alloc 5000",           /* refused: larger than the heap */
	"free p1",
	"alloc 40",
	"realloc a 200",
	"fill c 0xab",
	"alloc 900 as big",     /* refused: not enough space */
	"free big",             /* big is NULL: free(NULL) */
	"realloc c 8",
	"free a",
	"free 0x008",           /* whatever sits first, by address (maybe rejected: that is fine) */
	"alloc 16",
};

static void undo_redo_goto_walk_the_recorded_states_in_every_policy(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct snapshot states[32];
		size_t count = 0;
		struct command_error error;
		struct session_report report;
		bool saw_refusal = false;

		states[count++] = snapshot_take(session);
		for (size_t i = 0; i < sizeof scripted_history / sizeof scripted_history[0]; i++) {
			session_run_line(session, scripted_history[i], &report);
			if (report.ok) {
				assert_true(report.new_step);
				assert_int_equal(session_step(session), count);
				assert_int_equal(session_last_step(session), count);
				saw_refusal |= report.outcome.kind == OUTCOME_REFUSED;
				states[count++] = snapshot_take(session);
			}
			session_report_release(&report);
			assert_heap_consistent(session);
		}
		assert_true(saw_refusal);
		assert_true(count >= 13);
		size_t last = count - 1;

		/* Undo all the way back, each state as it was. */
		for (size_t step = last; step > 0; step--) {
			assert_true(session_undo(session, &error));
			assert_int_equal(session_step(session), step - 1);
			assert_matches_snapshot(session, &states[step - 1], heap_policy_name(all_policies[p]));
		}
		assert_false(session_undo(session, &error));
		assert_int_equal(error.column, 0);
		assert_int_equal(session_step(session), 0);
		/* Redo all the way forward. */
		for (size_t step = 1; step <= last; step++) {
			assert_true(session_redo(session, &error));
			assert_int_equal(session_step(session), step);
			assert_matches_snapshot(session, &states[step], heap_policy_name(all_policies[p]));
		}
		assert_false(session_redo(session, &error));
		assert_int_equal(session_last_step(session), last);
		/* Jumps both ways, through the command language too. */
		const size_t jumps[] = { 3, 0, last, 7, 6, 1, last - 1, 2, last, 0 };
		for (size_t j = 0; j < sizeof jumps / sizeof jumps[0]; j++) {
			char line[32];
			snprintf(line, sizeof line, "goto %zu", jumps[j]);
			session_run_line(session, line, &report);
			assert_true(report.ok);
			assert_false(report.new_step);
			assert_int_equal(session_step(session), jumps[j]);
			assert_matches_snapshot(session, &states[jumps[j]], line);
			session_report_release(&report);
		}
		/* Undo and redo as commands report the move. */
		run_ok_report(session, "redo", &report);
		assert_true(report.moved);
		assert_int_equal(session_step(session), 1);
		assert_true(report.explain[0] != '\0');
		session_report_release(&report);
		run_ok_report(session, "undo", &report);
		assert_true(report.moved);
		assert_int_equal(session_step(session), 0);
		session_report_release(&report);
		assert_false(session_goto(session, last + 1, &error));
		assert_int_equal(session_step(session), 0);

		for (size_t i = 0; i < count; i++)
			snapshot_release(&states[i]);
		session_destroy(session);
	}
}

/* --- goto N equals replaying steps 1..N, over long random histories ---------- */

/* Make up one random command for the session as it is now. */
static void random_line(const struct session *session, char *line, size_t size)
{
	static const char *const fixed_names[] = { "n0", "n1", "n2", "n3", "buf", "tmp" };
	char target[32];
	unsigned roll = (unsigned)rng_below(1000);

	/* Half the time a live-looking target from the history of auto names, else a fixed name or an address. */
	if (rng_below(2) == 0) {
		snprintf(target, sizeof target, "p%zu", 1 + rng_below(session_last_step(session) / 2 + 2));
	} else if (rng_below(10) == 0) {
		snprintf(target, sizeof target, "0x%zx", rng_below(heap_size(session_heap(session))));
	} else {
		snprintf(target, sizeof target, "%s", fixed_names[rng_below(6)]);
	}
	if (roll < 330) {
		size_t request = rng_below(8) == 0 ? 1 + rng_below(700) : 1 + rng_below(120);
		if (rng_below(6) == 0)
			snprintf(line, size, "alloc %zu as %s", request, fixed_names[rng_below(6)]);
		else
			snprintf(line, size, "alloc %zu", request);
	} else if (roll < 380) {
		snprintf(line, size, "calloc %zu %zu", 1 + rng_below(8), 1 + rng_below(24));
	} else if (roll < 630) {
		snprintf(line, size, "free %s", target);
	} else if (roll < 760) {
		snprintf(line, size, "realloc %s %zu", target, 1 + rng_below(rng_below(5) == 0 ? 500 : 150));
	} else if (roll < 880) {
		char text[24];
		size_t len = 1 + rng_below(20);
		for (size_t i = 0; i < len; i++)
			text[i] = (char)('a' + rng_below(26));
		text[len] = '\0';
		snprintf(line, size, "write %s \"%s\"", target, text);
	} else if (roll < 990) {
		snprintf(line, size, "fill %s %zu", target, rng_below(256));
	} else if (roll < 994) {
		snprintf(line, size, "reset");
	} else if (roll < 997) {
		static const char *const alignments[] = { "4", "8", "16" };
		snprintf(line, size, "align %s", alignments[rng_below(3)]);
	} else {
		snprintf(line, size, "alloc 0");  /* always rejected */
	}
}

struct history {
	char (*lines)[64];
	size_t count;
	size_t capacity;
};

static void history_push(struct history *history, const char *line)
{
	if (history->count == history->capacity) {
		history->capacity = history->capacity ? history->capacity * 2 : 1024;
		history->lines = realloc(history->lines, history->capacity * sizeof *history->lines);
		assert_non_null(history->lines);
	}
	snprintf(history->lines[history->count++], sizeof history->lines[0], "%s", line);
}

/* Grow the session's history by random commands until it has `until` steps; accepted lines go to history. */
static void grow_randomly(struct session *session, struct history *history, size_t until)
{
	char line[64];
	size_t tries = 0;

	while (session_last_step(session) < until) {
		struct session_report report;
		assert_true(++tries < until * 20);
		random_line(session, line, sizeof line);
		session_run_line(session, line, &report);
		if (report.ok) {
			assert_true(report.new_step);
			history_push(history, line);
			assert_int_equal(history->count, session_last_step(session));
		}
		session_report_release(&report);
	}
}

static void goto_equals_replay_for_random_histories(void **state)
{
	(void)state;
	enum { STEPS = 3000, HALF = 1500, PROBES = 400 };

	for (size_t p = 0; p < POLICY_COUNT; p++) {
		const char *policy = heap_policy_name(all_policies[p]);
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct history history = { NULL, 0, 0 };
		struct command_error error;

		rng_state = 0x5eed0000u + p;
		/* About three checkpoints' worth: thinning must happen many times over. */
		session_set_checkpoint_budget(session, 12 * 1024);
		grow_randomly(session, &history, HALF);
		/* Go back and branch off: the future is dropped along with its checkpoints. */
		size_t branch = HALF / 3 + rng_below(HALF / 2);
		assert_true(session_goto(session, branch, &error));
		history.count = branch;
		grow_randomly(session, &history, STEPS);
		assert_int_equal(session_last_step(session), STEPS);
		assert_true(session_checkpoint_interval(session) > 64);
		assert_true(session_checkpoint_count(session) >= 1);
		assert_true(session_checkpoint_count(session) <= 12);

		/* The reference: a fresh session that ran the same accepted lines, its state kept after each. */
		struct session *fresh = new_session(all_policies[p], 1024, 8);
		struct snapshot *states = calloc(STEPS + 1, sizeof *states);
		assert_non_null(states);
		states[0] = snapshot_take(fresh);
		for (size_t i = 0; i < history.count; i++) {
			struct session_report report;
			session_run_line(fresh, history.lines[i], &report);
			if (!report.ok)
				fail_msg("%s: replaying step %zu '%s' was rejected: %s", policy, i + 1, history.lines[i],
					 report.error.message);
			session_report_release(&report);
			states[i + 1] = snapshot_take(fresh);
		}
		/* The live state after the last step is the replayed one. */
		assert_matches_snapshot(session, &states[STEPS], policy);

		/* Random jumps from wherever the last one left off, forwards and backwards. */
		for (size_t probe = 0; probe < PROBES; probe++) {
			size_t target = rng_below(STEPS + 1);
			char what[64];
			snprintf(what, sizeof what, "%s goto %zu from %zu", policy, target, session_step(session));
			assert_true(session_goto(session, target, &error));
			assert_int_equal(session_step(session), target);
			assert_matches_snapshot(session, &states[target], what);
			assert_heap_consistent(session);
			/* Now and then a short walk with undo/redo from there. */
			if (probe % 10 == 0) {
				for (size_t k = 0; k < 5 && session_step(session) > 0; k++) {
					assert_true(session_undo(session, &error));
					assert_matches_snapshot(session, &states[session_step(session)], "undo");
				}
				for (size_t k = 0; k < 7 && session_step(session) < STEPS; k++) {
					assert_true(session_redo(session, &error));
					assert_matches_snapshot(session, &states[session_step(session)], "redo");
				}
			}
		}
		/* Every step once, walking backwards from the end, then the checkpoints' neighbourhoods forwards. */
		for (size_t target = STEPS + 1; target-- > 0;) {
			assert_true(session_goto(session, target, &error));
			assert_matches_snapshot(session, &states[target], policy);
		}
		size_t interval = session_checkpoint_interval(session);
		for (size_t base = 0; base <= STEPS; base += interval)
			for (size_t target = base > 0 ? base - 1 : 0; target <= base + 1 && target <= STEPS; target++) {
				assert_true(session_goto(session, target, &error));
				assert_matches_snapshot(session, &states[target], "checkpoint neighbourhood");
			}

		for (size_t i = 0; i <= STEPS; i++)
			snapshot_release(&states[i]);
		free(states);
		free(history.lines);
		session_destroy(fresh);
		session_destroy(session);
	}
}

static void a_new_command_after_undo_drops_the_future(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	struct command_error error;
	struct step_info info;

	run_ok(session, "alloc 10");
	run_ok(session, "alloc 20");
	run_ok(session, "alloc 30");
	run_ok(session, "alloc 40");
	assert_true(session_undo(session, &error));
	assert_true(session_undo(session, &error));
	assert_int_equal(session_step(session), 2);
	assert_int_equal(session_last_step(session), 4);

	/* A non-step command keeps the future. */
	run_ok_report(session, "check", &report);
	assert_false(report.dropped_future);
	session_report_release(&report);
	assert_int_equal(session_last_step(session), 4);

	run_ok_report(session, "alloc 50 as x", &report);
	assert_true(report.new_step);
	assert_true(report.dropped_future);
	assert_int_equal(report.dropped_steps, 2);
	session_report_release(&report);
	assert_int_equal(session_step(session), 3);
	assert_int_equal(session_last_step(session), 3);
	assert_false(session_redo(session, &error));
	assert_true(session_step_info(session, 3, &info));
	assert_string_equal(info.source, "alloc 50 as x");
	assert_int_equal(info.command->kind, CMD_ALLOC);
	assert_int_equal(info.command->size, 50);
	assert_false(session_step_info(session, 4, &info));
	/* p3 went with the dropped future: the name is free again. */
	assert_false(is_bound(session, "p3"));
	assert_true(is_bound(session, "x"));
	run_ok_report(session, "alloc 8", &report);
	assert_string_equal(report.outcome.name, "p3");
	session_report_release(&report);
	/* Undo then redo the new step gives it back exactly. */
	struct snapshot now = snapshot_take(session);
	assert_true(session_undo(session, &error));
	assert_true(session_redo(session, &error));
	assert_matches_snapshot(session, &now, "after branch");
	snapshot_release(&now);
	session_destroy(session);
}

/* --- a long history stays cheap to travel -------------------------------------- */

static void a_long_history_keeps_checkpoints_within_budget(void **state)
{
	(void)state;
	enum { STEPS = 200000 };
	const size_t budget = 256 * 1024;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct command_error error;
	char line[48];

	session_set_checkpoint_budget(session, budget);
	run_ok(session, "alloc 16 as x");
	size_t payload = lookup(session, "x");
	size_t max_count = 0;
	for (size_t step = 2; step <= STEPS; step++) {
		struct session_report report;
		snprintf(line, sizeof line, "fill x %zu", step % 251);
		session_run_line(session, line, &report);
		if (!report.ok)
			fail_msg("step %zu: %s", step, report.error.message);
		if (session_checkpoint_count(session) > max_count)
			max_count = session_checkpoint_count(session);
	}
	assert_int_equal(session_last_step(session), STEPS);
	/* Each checkpoint holds a 1 KiB heap at least: the budget caps how many there can be. */
	assert_true(max_count * 1024 <= budget);
	assert_true(session_checkpoint_count(session) >= 2);
	assert_true(session_checkpoint_interval(session) >= 512);
	/* Checkpoints are spread over the whole history: the interval is within a factor of 4 of ideal. */
	assert_true(session_checkpoint_interval(session) * session_checkpoint_count(session) <= 4 * STEPS);

	const size_t targets[] = { 1, STEPS, 2, STEPS / 2 + 7, STEPS - 1, 12345, 199999, 3, 0, 150001 };
	const uint8_t *bytes;
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		size_t target = targets[i];
		assert_true(session_goto(session, target, &error));
		assert_int_equal(session_step(session), target);
		bytes = heap_bytes(session_heap(session));
		if (target == 0) {
			assert_int_equal(heap_break(session_heap(session)), 0);
			continue;
		}
		uint8_t expected = target == 1 ? 0 : (uint8_t)(target % 251);
		for (size_t k = 0; k < 16; k++)
			if (bytes[payload + k] != expected)
				fail_msg("goto %zu: byte %zu is 0x%02x, expected 0x%02x", target, k, bytes[payload + k], expected);
	}
	/* Travel never adds checkpoints beyond the budget either. */
	assert_true(session_checkpoint_count(session) * 1024 <= budget);
	session_destroy(session);
}

static void lowering_the_budget_thins_existing_checkpoints(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_BEST_FIT, 4096, 8);
	struct command_error error;

	run_ok(session, "alloc 16 as x");
	for (size_t i = 0; i < 2000; i++)
		run_ok(session, i % 2 ? "fill x 1" : "fill x 2");
	size_t before = session_checkpoint_count(session);
	assert_true(before > 20);
	assert_int_equal(session_checkpoint_interval(session), 64);
	/*
	 * Checkpoints share pages copy-on-write: each costs the pages changed
	 * since the one before (one here), not the whole heap, so a budget of
	 * five and a half heaps keeps more than five of them, but fewer than before.
	 */
	session_set_checkpoint_budget(session, 5 * 4096 + 4096 / 2);
	assert_true(session_checkpoint_count(session) > 5);
	assert_true(session_checkpoint_count(session) < before);
	/* One and a half heaps: the first checkpoint counts a whole heap, so only a few stay. */
	session_set_checkpoint_budget(session, 4096 + 4096 / 2);
	assert_true(session_checkpoint_count(session) <= 5);
	assert_true(session_checkpoint_count(session) >= 1);
	assert_true(session_checkpoint_interval(session) > 64);
	/* Step k >= 2 is the fill of round k - 2: odd rounds fill 1, even rounds 2. */
	assert_true(session_goto(session, 1001, &error));
	assert_int_equal(heap_bytes(session_heap(session))[lookup(session, "x")], 1);
	assert_true(session_goto(session, 1000, &error));
	assert_int_equal(heap_bytes(session_heap(session))[lookup(session, "x")], 2);
	assert_true(session_goto(session, 1, &error));
	assert_int_equal(heap_bytes(session_heap(session))[lookup(session, "x")], 0);
	session_destroy(session);
}

/* --- names ------------------------------------------------------------------------ */

static void auto_names_count_up_and_skip_taken_names(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;

	run_ok_report(session, "alloc 10", &report);
	assert_string_equal(report.outcome.name, "p1");
	session_report_release(&report);
	run_ok(session, "alloc 10 as p3");
	run_ok_report(session, "alloc 10", &report);
	assert_string_equal(report.outcome.name, "p2");
	session_report_release(&report);
	run_ok_report(session, "alloc 10", &report);
	assert_string_equal(report.outcome.name, "p4");
	assert_int_equal(lookup(session, "p4"), report.outcome.payload);
	assert_string_equal(session_name_at(session, report.outcome.payload), "p4");
	session_report_release(&report);
	/* A freed auto name is not handed out again (a later free of it must still say double free). */
	run_ok(session, "free p1");
	run_ok_report(session, "alloc 10", &report);
	assert_string_equal(report.outcome.name, "p5");
	session_report_release(&report);
	session_destroy(session);
}

static void a_live_name_cannot_be_taken_again(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);

	run_ok(session, "alloc 10 as x");
	run_rejected(session, "alloc 20 as x", 13, "already names");
	run_rejected(session, "calloc 2 2 as x", 15, "already names");
	/* Once freed, the name is free to use. */
	run_ok(session, "free x");
	run_ok(session, "alloc 20 as x");
	assert_int_equal(heap_find_allocation(session_heap(session), lookup(session, "x"), &(struct heap_block){0}), true);
	session_destroy(session);
}

static void free_by_name_and_by_address(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct session_report report;
		struct heap_block block;
		char line[32];

		run_ok(session, "alloc 10 as a");
		run_ok(session, "alloc 10 as b");
		size_t a = lookup(session, "a"), b = lookup(session, "b");
		run_ok_report(session, "free a", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_FREED);
		assert_int_equal(report.outcome.payload, a);
		assert_string_equal(report.outcome.name, "a");
		session_report_release(&report);
		assert_false(heap_find_allocation(session_heap(session), a, &block));
		assert_int_equal(lookup(session, "a"), NAMES_FREED);
		assert_null(session_name_at(session, a));

		snprintf(line, sizeof line, "free 0x%zx", b);
		run_ok_report(session, line, &report);
		assert_int_equal(report.outcome.kind, OUTCOME_FREED);
		/* Freed by address, the name still learns that its block is gone. */
		assert_string_equal(report.outcome.name, "b");
		session_report_release(&report);
		assert_int_equal(lookup(session, "b"), NAMES_FREED);
		assert_null(session_name_at(session, b));
		/* Both blocks gone: a break-growing heap is all wilderness again, a tiled one (buddy, tlsf) all one block. */
		assert_int_equal(heap_break(session_heap(session)), heap_allocator(session_heap(session))->grows_break ? 0 : 1024);
		session_destroy(session);
	}
}

static void double_free_is_rejected_by_name_and_by_address(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	char line[32];

	run_ok(session, "alloc 10 as a");
	run_ok(session, "alloc 10 as b");  /* keeps a's block below the break once freed */
	size_t a = lookup(session, "a");
	run_ok(session, "free a");
	run_rejected(session, "free a", 6, "double free");
	snprintf(line, sizeof line, "free 0x%zx", a);
	run_rejected(session, line, 6, "double free");
	/* Use after free is refused for the other commands too. */
	run_rejected(session, "write a \"x\"", 7, "freed");
	run_rejected(session, "fill a 1", 6, "freed");
	run_rejected(session, "realloc a 20", 9, "freed");
	session_destroy(session);
}

static void freeing_a_null_name_is_a_step_that_changes_nothing(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct session_report report;

		run_ok(session, "alloc 10 as keep");
		run_ok_report(session, "alloc 2000 as big", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
		assert_int_equal(report.outcome.status, HEAP_ERR_TOO_LARGE);
		session_report_release(&report);
		assert_int_equal(lookup(session, "big"), NAMES_NULL);
		struct snapshot before = snapshot_take(session);
		size_t step = session_step(session);

		run_ok_report(session, "free big", &report);
		assert_true(report.new_step);
		assert_int_equal(report.outcome.kind, OUTCOME_NULL);
		assert_string_equal(report.outcome.name, "big");
		assert_non_null(strstr(report.message, "NULL"));
		session_report_release(&report);
		assert_int_equal(session_step(session), step + 1);
		assert_true(heap_equal(session_heap(session), before.heap));
		/* As in C, free(big) leaves big as it was: NULL. */
		assert_int_equal(lookup(session, "big"), NAMES_NULL);
		/* A NULL name given to realloc is malloc. */
		run_ok(session, "alloc 3000 as n");
		run_ok_report(session, "realloc n 16", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_PLACED);
		assert_int_equal(lookup(session, "n"), report.outcome.payload);
		session_report_release(&report);
		snapshot_release(&before);
		session_destroy(session);
	}
}

/* A name holding NULL keeps holding NULL until it is bound again: free after free, and through time travel. */
static void a_null_name_stays_null_until_bound_again(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct session_report report;
		run_ok(session, "alloc 10 as b");
		run_ok(session, "free b");
		run_ok(session, "alloc 2000 as b");   /* refused: b holds NULL again */
		size_t refused_step = session_step(session);
		for (int i = 0; i < 2; i++) {
			run_ok_report(session, "free b", &report);
			assert_int_equal(report.outcome.kind, OUTCOME_NULL);
			assert_string_equal(report.message, "free(NULL): nothing to do");
			assert_string_equal(report.explain, "free(NULL) does nothing: 'b' holds no block and still holds NULL");
			session_report_release(&report);
			assert_int_equal(lookup(session, "b"), NAMES_NULL);
		}
		size_t last_free = session_step(session);
		struct command_error error;
		assert_true(session_undo(session, &error));
		assert_int_equal(lookup(session, "b"), NAMES_NULL);
		assert_true(session_redo(session, &error));
		assert_int_equal(lookup(session, "b"), NAMES_NULL);
		assert_true(session_goto(session, refused_step, &error));
		assert_int_equal(lookup(session, "b"), NAMES_NULL);
		assert_true(session_goto(session, last_free, &error));
		assert_int_equal(lookup(session, "b"), NAMES_NULL);
		/* ... and write still says why it cannot, by the name. */
		run_rejected(session, "write b \"x\"", 7, "'b' is NULL");

		/* realloc of NULL is a fresh allocation, and binds the name. */
		run_ok_report(session, "realloc b 10", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_PLACED);
		assert_true(report.outcome.from_null);
		assert_int_equal(lookup(session, "b"), report.outcome.payload);
		session_report_release(&report);
		run_ok(session, "free b");
		run_rejected(session, "free b", 6, "double free");
		session_destroy(session);
	}
}

/* realloc(NULL, n) is malloc(n): said as such, not as a move from another block. */
static void realloc_of_a_null_name_is_explained_as_malloc(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	run_ok(session, "alloc 2000 as b");
	run_ok_report(session, "realloc b 10", &report);
	assert_string_equal(report.explain, "realloc(NULL, 10) is malloc(10): first fit: no free block below the break "
					    "holds 24 B, so the break moves up from 0x000 to 0x018");
	assert_string_equal(report.message, "b = 0x008 (24 B block at 0x000; realloc of NULL allocates)");
	session_report_release(&report);
	char explain[400];
	words_explain_current(session, explain, sizeof explain);
	assert_null(strstr(explain, "copied"));
	assert_null(strstr(explain, "in place"));

	/* Into a free block below the break, with the fit rule's words. */
	run_ok(session, "alloc 40 as x");
	run_ok(session, "alloc 8 as y");
	run_ok(session, "free x");
	run_ok(session, "alloc 3000 as c");
	run_ok_report(session, "realloc c 20", &report);
	assert_string_equal(report.explain, "realloc(NULL, 20) is malloc(20): first fit: 0x018 is the lowest free block "
					    "of at least 32 B (56 B); split, 24 B stay free");
	session_report_release(&report);

	/* Refused: still malloc's refusal, and the name still holds NULL. */
	run_ok(session, "alloc 3000 as d");
	run_ok_report(session, "realloc d 5000", &report);
	assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
	assert_string_equal(report.explain,
			    "realloc(NULL, 5000) is malloc(5000): first fit: refused, the request is larger than the whole heap");
	session_report_release(&report);
	assert_int_equal(lookup(session, "d"), NAMES_NULL);
	session_destroy(session);
}

static void realloc_that_moves_keeps_the_name(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct session_report report;
		const uint8_t *bytes;

		run_ok(session, "alloc 16 as a");
		run_ok(session, "alloc 16 as b");
		run_ok(session, "write a \"0123456789abcdef\"");
		size_t old = lookup(session, "a");
		run_ok_report(session, "realloc a 100", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_PLACED);
		assert_int_equal(report.outcome.placement.source, SOURCE_MOVED);
		assert_int_equal(report.outcome.placement.old_payload, old);
		assert_string_equal(report.outcome.name, "a");
		size_t moved = report.outcome.payload;
		assert_true(moved != old);
		assert_non_null(strstr(report.message, "moved"));
		session_report_release(&report);
		assert_int_equal(lookup(session, "a"), moved);
		assert_string_equal(session_name_at(session, moved), "a");
		assert_null(session_name_at(session, old));
		bytes = heap_bytes(session_heap(session));
		assert_memory_equal(bytes + moved, "0123456789abcdef", 16);
		/* A refused realloc leaves the name where it was, as C leaves the old pointer valid. */
		run_ok_report(session, "realloc a 990", &report);
		assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
		session_report_release(&report);
		assert_int_equal(lookup(session, "a"), moved);
		assert_string_equal(session_name_at(session, moved), "a");
		/* realloc by address finds the name too. */
		char line[32];
		snprintf(line, sizeof line, "realloc 0x%zx 300", lookup(session, "b"));
		run_ok_report(session, line, &report);
		assert_int_equal(report.outcome.kind, OUTCOME_PLACED);
		assert_string_equal(report.outcome.name, "b");
		assert_int_equal(lookup(session, "b"), report.outcome.payload);
		session_report_release(&report);
		assert_string_equal(session_name_at(session, lookup(session, "b")), "b");
		session_destroy(session);
	}
}

static void settings_changes_start_a_new_heap_and_say_so(void **state)
{
	(void)state;
	const char *const changes[] = { "policy best", "reset", "align 16", "reset 2048", "policy buddy" };

	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
		struct session_report report;

		/* On an empty heap: a new heap, nothing to say about dropped blocks. */
		run_ok_report(session, changes[i], &report);
		assert_true(report.new_step);
		assert_int_equal(report.outcome.kind, OUTCOME_NONE);
		assert_null(strstr(report.message, "dropped"));
		session_report_release(&report);

		run_ok(session, "alloc 10");
		run_ok(session, "alloc 20 as buf");
		run_ok(session, "alloc 30");
		run_ok(session, "free p1");
		run_ok_report(session, changes[i], &report);
		assert_true(report.new_step);
		if (strstr(report.message, "2 blocks dropped") == NULL)
			fail_msg("'%s' on a non-empty heap says '%s'", changes[i], report.message);
		if (strstr(report.explain, "starts it over") == NULL)
			fail_msg("'%s' explains '%s'", changes[i], report.explain);
		session_report_release(&report);
		const struct heap *heap = session_heap(session);
		struct heap_stats stats;
		heap_get_stats(heap, &stats);
		enum heap_policy policy = heap_policy(heap);
		size_t size = heap_size(heap);
		assert_int_equal(stats.used_blocks, 0);
		assert_int_equal(stats.requested_bytes, 0);
		assert_int_equal(names_count(session_names(session)), 0);
		assert_int_equal(heap_policy(heap), i == 0 ? POLICY_BEST_FIT : i == 4 ? POLICY_BUDDY : POLICY_FIRST_FIT);
		assert_int_equal(heap_alignment(heap), i == 2 ? 16 : 8);
		assert_int_equal(heap_size(heap), i == 3 ? 2048 : 1024);
		/* Names start over with the heap. */
		run_ok_report(session, "alloc 10", &report);
		assert_string_equal(report.outcome.name, "p1");
		session_report_release(&report);
		/* And the change undoes like any step. */
		struct command_error error;
		assert_true(session_undo(session, &error));
		assert_true(session_undo(session, &error));
		assert_int_equal(session_step(session), 5);
		assert_int_equal(heap_policy(session_heap(session)), policy);
		assert_int_equal(heap_size(session_heap(session)), size);
		assert_true(is_bound(session, "buf"));
		heap_get_stats(session_heap(session), &stats);
		assert_int_equal(stats.used_blocks, 2);
		session_destroy(session);
	}
}

/* --- rejections ------------------------------------------------------------------- */

static void rejected_commands_change_nothing_and_record_no_step(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);

		run_ok(session, "alloc 10 as p1");
		run_ok(session, "alloc 20 as q");
		run_ok(session, "fill q 7");
		run_ok(session, "alloc 3000 as gone");
		run_rejected(session, "free nosuch", 6, "nosuch");
		run_rejected(session, "free 0x3", 6, NULL);
		run_rejected(session, "free 0x5000", 6, "outside");
		run_rejected(session, "alloc 0", 7, NULL);
		run_rejected(session, "alloc 0 as z", 7, NULL);
		run_rejected(session, "calloc 0 4", 8, NULL);
		run_rejected(session, "calloc 4 0", 10, NULL);
		run_rejected(session, "write p1 \"0123456789x\"", 10, "do not fit");
		run_rejected(session, "write nosuch \"x\"", 7, "nosuch");
		run_rejected(session, "write gone \"x\"", 7, "NULL");
		run_rejected(session, "fill nosuch 1", 6, "nosuch");
		run_rejected(session, "realloc p1 0", 12, NULL);
		run_rejected(session, "realloc nosuch 10", 9, "nosuch");
		run_rejected(session, "realloc 0x5 10", 9, NULL);
		run_rejected(session, "alloc 10 as q", 13, "already");
		run_rejected(session, "goto 99", 6, NULL);
		run_rejected(session, "reset 10", 7, NULL);
		if (all_policies[p] == POLICY_BUDDY)
			run_rejected(session, "reset 1000", 7, "power");
		session_destroy(session);
	}
	/* Buddy needs a power-of-two heap: the error points at the policy's name. */
	struct session *session = new_session(POLICY_FIRST_FIT, 1000, 8);
	run_ok(session, "alloc 10");
	run_rejected(session, "policy buddy", 8, "power");
	session_destroy(session);
	/* Nothing to undo or redo is an error of the whole line. */
	session = new_session(POLICY_FIRST_FIT, 1024, 8);
	run_rejected(session, "undo", 0, NULL);
	run_rejected(session, "redo", 0, NULL);
	session_destroy(session);
}

static void rejected_commands_leave_no_trace_in_later_names(void **state)
{
	(void)state;
	const char *const with_rejections[] = {
		"alloc 5000 as p1", "alloc 0", "calloc 0 1", "free p1", "alloc 10", "alloc 10",
	};
	const char *const without[] = { "alloc 5000 as p1", "free p1", "alloc 10", "alloc 10" };
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session *fresh = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	struct command_error error;

	for (size_t i = 0; i < sizeof with_rejections / sizeof with_rejections[0]; i++) {
		session_run_line(session, with_rejections[i], &report);
		session_report_release(&report);
	}
	for (size_t i = 0; i < sizeof without / sizeof without[0]; i++)
		run_ok(fresh, without[i]);
	assert_int_equal(session_last_step(session), 4);
	assert_names_equal(session_names(session), session_names(fresh), "live state after rejections");
	assert_true(heap_equal(session_heap(session), session_heap(fresh)));
	/* And the state time travel rebuilds is the same one. */
	assert_true(session_goto(session, 0, &error));
	assert_true(session_goto(session, 4, &error));
	assert_names_equal(session_names(session), session_names(fresh), "replayed state");
	session_destroy(session);
	session_destroy(fresh);
}

static void error_columns_point_at_the_culprit(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);

	run_ok(session, "alloc 4 as p1");
	run_rejected(session, "free nosuch", 6, NULL);
	run_rejected(session, "free   nosuch   # comment", 8, NULL);
	run_rejected(session, "goto 99", 6, NULL);
	run_rejected(session, "goto   99", 8, NULL);
	run_rejected(session, "alloc 0", 7, NULL);
	run_rejected(session, "  alloc   0 as z", 11, NULL);
	run_rejected(session, "write p1 \"toolong\"", 10, NULL);
	run_rejected(session, "write  p1  \"toolong\"", 12, NULL);
	run_rejected(session, "fill ghost 0", 6, NULL);
	/* Parse errors come through run_line with their columns too. */
	run_rejected(session, "alloc", 6, NULL);
	run_rejected(session, "frobnicate 1", 1, NULL);
	session_destroy(session);
}

/* --- notes, check, explanations ---------------------------------------------------- */

static void notes_attach_to_the_current_step_and_survive_time_travel(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_NEXT_FIT, 1024, 8);
	struct session_report report;
	struct step_info info;
	struct command_error error;

	run_ok(session, "note the empty heap");
	run_ok(session, "alloc 10");
	run_ok(session, "alloc 20");
	run_ok_report(session, "note two blocks now", &report);
	assert_false(report.new_step);
	assert_int_equal(session_last_step(session), 2);
	session_report_release(&report);
	run_ok(session, "note and a second caption");
	run_ok(session, "sleep 250");

	assert_true(session_step_info(session, 0, &info));
	assert_int_equal(info.note_count, 1);
	assert_string_equal(info.notes[0], "the empty heap");
	assert_true(session_step_info(session, 1, &info));
	assert_int_equal(info.note_count, 0);
	assert_true(session_step_info(session, 2, &info));
	assert_int_equal(info.note_count, 2);
	assert_string_equal(info.notes[0], "two blocks now");
	assert_string_equal(info.notes[1], "and a second caption");
	assert_int_equal(info.sleep_ms, 250);

	assert_true(session_undo(session, &error));
	run_ok(session, "note on step one");
	assert_true(session_redo(session, &error));
	assert_true(session_goto(session, 0, &error));
	assert_true(session_goto(session, 2, &error));
	assert_true(session_step_info(session, 2, &info));
	assert_int_equal(info.note_count, 2);
	assert_string_equal(info.notes[1], "and a second caption");
	assert_true(session_step_info(session, 1, &info));
	assert_int_equal(info.note_count, 1);
	assert_string_equal(info.notes[0], "on step one");
	assert_true(session_step_info(session, 0, &info));
	assert_string_equal(info.notes[0], "the empty heap");
	assert_string_equal(info.source, "");
	session_destroy(session);
}

static void check_reports_a_consistent_heap_and_a_corrupted_one(void **state)
{
	(void)state;
	for (size_t p = 0; p < POLICY_COUNT; p++) {
		struct session *session = new_session(all_policies[p], 1024, 8);
		struct session_report report;

		run_ok(session, "alloc 10");
		run_ok(session, "alloc 50");
		run_ok(session, "alloc 20");
		run_ok(session, "free p2");
		run_ok_report(session, "check", &report);
		assert_false(report.new_step);
		assert_null(report.text);
		if (strstr(report.message, "consistent") == NULL || strstr(report.message, "2 used") == NULL)
			fail_msg("check says '%s'", report.message);
		session_report_release(&report);
		assert_int_equal(session_last_step(session), 4);

		/* Tests only: scribble over the first header and check must notice. */
		uint8_t *bytes = heap_bytes_for_testing((struct heap *)session_heap(session));
		uint8_t saved[4];
		memcpy(saved, bytes, 4);
		memset(bytes, 0xff, 4);
		session_run_line(session, "check", &report);
		assert_true(report.ok);
		assert_non_null(strstr(report.message, "problem"));
		assert_non_null(report.text);
		assert_true(strlen(report.text) > 0);
		session_report_release(&report);
		assert_null(report.text);
		memcpy(bytes, saved, 4);
		run_ok_report(session, "check", &report);
		assert_non_null(strstr(report.message, "consistent"));
		session_report_release(&report);
		session_destroy(session);
	}
}

static void step_reports_explain_the_decision(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_BEST_FIT, 1024, 8);
	struct session_report report;
	char explain[320];

	words_explain_current(session, explain, sizeof explain);
	assert_string_equal(explain, "");
	run_ok_report(session, "alloc 20 as a", &report);
	assert_string_equal(report.message, "a = 0x008 (32 B block at 0x000)");
	assert_non_null(strstr(report.explain, "break moves up from 0x000 to 0x020"));
	session_report_release(&report);
	run_ok(session, "alloc 100 as b");
	run_ok(session, "alloc 20 as c");
	run_ok(session, "free b");
	run_ok_report(session, "alloc 40", &report);
	/* 8 + 40 + 4 = 52, rounded up to 56; the 112 B hole at 0x020 is the only one. */
	assert_non_null(strstr(report.explain, "best fit: 0x020 is the smallest free block of at least 56 B (112 B)"));
	assert_non_null(strstr(report.explain, "split, 56 B stay free"));
	words_explain_current(session, explain, sizeof explain);
	assert_string_equal(explain, report.explain);
	session_report_release(&report);
	run_ok_report(session, "alloc 2000", &report);
	assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
	assert_non_null(strstr(report.message, "refused"));
	assert_non_null(strstr(report.explain, "refused"));
	session_report_release(&report);
	double utilization, fragmentation;
	assert_true(session_history_stats(session, 1, &utilization, &fragmentation));
	assert_true(utilization > 20.0 / 1024 - 1e-6 && utilization < 20.0 / 1024 + 1e-6);
	assert_false(session_history_stats(session, 7, &utilization, &fragmentation));
	session_destroy(session);
}

static void create_refuses_a_bad_config(void **state)
{
	(void)state;
	struct heap_config config = { 1000, POLICY_BUDDY, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status = HEAP_OK;

	assert_null(session_create(&config, &status));
	assert_int_equal(status, HEAP_ERR_BAD_CONFIG);
	config = (struct heap_config){ 1024, POLICY_FIRST_FIT, 3, HEAP_ORDER_ADDRESS };
	assert_null(session_create(&config, &status));
	assert_int_equal(status, HEAP_ERR_BAD_CONFIG);
	session_destroy(NULL);
}


/* A timeline: a command in the middle drops the rest, and undo back to the branch point brings it back. */
static void undo_after_a_branch_brings_a_timeline_back(void **state)
{
	(void)state;
	struct session *timeline = new_session(POLICY_BEST_FIT, 4096, 8);
	struct session *reference = new_session(POLICY_BEST_FIT, 4096, 8);
	session_keep_branches(timeline, true);
	char line[64];
	for (int i = 1; i <= 300; i++) {
		if (i % 3 == 0)
			snprintf(line, sizeof line, "free b%d", i - 1);
		else
			snprintf(line, sizeof line, "alloc %d as b%d", 8 + i % 40, i);
		run_ok(timeline, line);
		run_ok(reference, line);
	}
	struct command_error error;
	assert_true(session_goto(timeline, 20, &error));

	struct session_report report;
	run_ok_report(timeline, "alloc 999 as branch", &report);
	assert_true(report.dropped_future);
	assert_int_equal(report.dropped_steps, 280);
	session_report_release(&report);
	assert_int_equal(session_last_step(timeline), 21);
	run_ok(timeline, "alloc 5 as more");
	assert_int_equal(session_last_step(timeline), 22);

	run_ok(timeline, "undo");
	run_ok_report(timeline, "undo", &report);
	assert_int_equal(report.restored_steps, 280);
	assert_non_null(strstr(report.message, "280 later steps are back"));
	session_report_release(&report);
	assert_int_equal(session_step(timeline), 20);
	assert_int_equal(session_last_step(timeline), 300);

	/* Every restored step is the original one: compare with the reference at many points. */
	for (size_t step = 300; step >= 20; step -= 7) {
		assert_true(session_goto(timeline, step, &error));
		assert_true(session_goto(reference, step, &error));
		if (!heap_equal(session_heap(timeline), session_heap(reference)))
			fail_msg("step %zu differs from the original timeline after the restore", step);
		assert_names_equal(session_names(timeline), session_names(reference), "restored timeline");
	}
	session_destroy(timeline);
	session_destroy(reference);
}

/* Without keep_branches (the default) a dropped future stays dropped, as in an editor. */
static void without_a_timeline_undo_does_not_bring_dropped_steps_back(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	run_ok(session, "alloc 10");
	run_ok(session, "alloc 20");
	run_ok(session, "undo");
	run_ok(session, "alloc 30");
	struct session_report report;
	run_ok_report(session, "undo", &report);
	assert_int_equal(report.restored_steps, 0);
	session_report_release(&report);
	assert_int_equal(session_last_step(session), 2);
	struct step_info info;
	assert_true(session_step_info(session, 2, &info));
	assert_string_equal(info.source, "alloc 30");
	session_destroy(session);
}

/* A realloc that moves into the wilderness says the break moved, not that a free block was found. */
static void realloc_moving_into_the_wilderness_is_explained_as_such(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 512, 8);
	run_ok(session, "alloc 40 as a");
	run_ok(session, "alloc 8 as b");
	struct session_report report;
	run_ok_report(session, "realloc a 150", &report);
	assert_int_equal(report.outcome.placement.source, SOURCE_MOVED);
	assert_int_equal(report.outcome.placement.moved_from, SOURCE_WILDERNESS);
	assert_non_null(strstr(report.explain, "the break moves up from 0x050 to 0x0f8"));
	assert_null(strstr(report.explain, "lowest free block"));
	session_report_release(&report);
	session_destroy(session);
}

/* Addresses past the heap are refused before anything reads them, whatever their value. */
static void addresses_outside_the_heap_are_rejected_however_large(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	run_ok(session, "alloc 10");
	run_rejected(session, "free 0xffffffffffffffff", 6, "outside the 1024-byte heap");
	run_rejected(session, "free 18446744073709551614", 6, "outside the 1024-byte heap");
	run_rejected(session, "realloc 0xffffffffffffffff 16", 9, "outside the 1024-byte heap");
	run_rejected(session, "write 0xffffffffffffffff \"a\"", 7, "outside the 1024-byte heap");
	run_rejected(session, "fill 1024 1", 6, "outside the 1024-byte heap");
	assert_int_equal(session_last_step(session), 1);
	session_destroy(session);
}

/* sleep adds up on a step but never past an hour (a bigger sum would wrap). */
static void sleeps_add_up_to_at_most_an_hour(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	run_ok(session, "alloc 10");
	run_ok(session, "sleep 3000000");
	run_ok(session, "sleep 3000000");
	struct step_info info;
	assert_true(session_step_info(session, 1, &info));
	assert_int_equal(info.sleep_ms, COMMAND_SLEEP_MAX);
	run_rejected(session, "sleep 3600001", 7, "at most 3600000 ms");
	session_destroy(session);
}

/* The lists a segregated fit searched and used are part of the step's record: history packs and unpacks them. */
static void history_keeps_the_segregated_fits_list_data(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_TLSF, 1024, 8);
	struct step_outcome outcome;
	enum command_kind kind;

	run_ok(session, "alloc 252 as a");
	run_ok(session, "alloc 100 as b");
	run_ok(session, "free a");
	for (int pass = 0; pass < 2; pass++) {
		assert_true(session_step_outcome(session, 1, &outcome, &kind));
		assert_int_equal(outcome.placement.rounded, 272);
		assert_int_equal(outcome.placement.want_class, 8);
		assert_int_equal(outcome.placement.want_sub, 1);
		assert_int_equal(outcome.placement.found_class, 10);
		assert_int_equal(outcome.placement.found_sub, 0);
		assert_int_equal(outcome.placement.rest_class, 9);
		assert_int_equal(outcome.placement.rest_sub, 7);
		assert_true(session_step_outcome(session, 3, &outcome, &kind));
		assert_int_equal(outcome.release.list_class, 8);
		assert_int_equal(outcome.release.list_sub, 0);
		/* Again after travelling back: the record, not the live heap, holds them. */
		run_ok(session, "goto 1");
	}
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(undo_redo_goto_walk_the_recorded_states_in_every_policy),
		cmocka_unit_test(goto_equals_replay_for_random_histories),
		cmocka_unit_test(a_new_command_after_undo_drops_the_future),
		cmocka_unit_test(undo_after_a_branch_brings_a_timeline_back),
		cmocka_unit_test(without_a_timeline_undo_does_not_bring_dropped_steps_back),
		cmocka_unit_test(a_long_history_keeps_checkpoints_within_budget),
		cmocka_unit_test(lowering_the_budget_thins_existing_checkpoints),
		cmocka_unit_test(auto_names_count_up_and_skip_taken_names),
		cmocka_unit_test(a_live_name_cannot_be_taken_again),
		cmocka_unit_test(free_by_name_and_by_address),
		cmocka_unit_test(double_free_is_rejected_by_name_and_by_address),
		cmocka_unit_test(freeing_a_null_name_is_a_step_that_changes_nothing),
		cmocka_unit_test(a_null_name_stays_null_until_bound_again),
		cmocka_unit_test(realloc_of_a_null_name_is_explained_as_malloc),
		cmocka_unit_test(realloc_that_moves_keeps_the_name),
		cmocka_unit_test(realloc_moving_into_the_wilderness_is_explained_as_such),
		cmocka_unit_test(addresses_outside_the_heap_are_rejected_however_large),
		cmocka_unit_test(sleeps_add_up_to_at_most_an_hour),
		cmocka_unit_test(settings_changes_start_a_new_heap_and_say_so),
		cmocka_unit_test(rejected_commands_change_nothing_and_record_no_step),
		cmocka_unit_test(rejected_commands_leave_no_trace_in_later_names),
		cmocka_unit_test(error_columns_point_at_the_culprit),
		cmocka_unit_test(notes_attach_to_the_current_step_and_survive_time_travel),
		cmocka_unit_test(check_reports_a_consistent_heap_and_a_corrupted_one),
		cmocka_unit_test(step_reports_explain_the_decision),
		cmocka_unit_test(create_refuses_a_bad_config),
		cmocka_unit_test(history_keeps_the_segregated_fits_list_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
