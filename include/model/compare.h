/* compare.h - one heap per policy driven in lockstep by the same commands, and where their outcomes differ. */
#ifndef HEAPVIZ_COMPARE_H
#define HEAPVIZ_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "heap.h"
#include "session.h"

/*
 * A compare holds one session per policy (two to five, all different), each
 * created with the same heap size and alignment. Every command goes to all
 * of them: heap commands make a step in each, undo/redo/goto move them
 * together, notes and sleeps attach to each, so the members always stand at
 * the same step of histories of the same length. Each session binds names
 * itself, so `alloc 40 as r1` names the r1 of every heap.
 *
 * A command applies to every heap or to none: before it runs anywhere, each
 * heap that might reject it (a name that is NULL in one heap and live in
 * another, an address, `reset SIZE` with buddy in the set) is checked, and a
 * rejection anywhere leaves all of them unchanged. `policy` is rejected: the
 * policies are fixed when the compare is made.
 */

#define COMPARE_MIN 2
#define COMPARE_MAX 5

/* The policies of a compare, in the order given (`--compare first,best`). */
struct compare_policies {
	size_t count;
	enum heap_policy list[COMPARE_MAX];
};

/*
 * Parse "first,best[,...]": two to five distinct policy names separated by
 * commas. On failure writes a message for a usage error and returns false.
 */
bool compare_parse_policies(const char *text, struct compare_policies *policies, char *error, size_t size);

/* Why config cannot be used with one of the policies (e.g. buddy and a size that is not a power of two), or NULL. */
const char *compare_config_problem(const struct heap_config *config, const struct compare_policies *policies,
				   enum heap_policy *culprit);

/* What running one command did to every heap. */
struct compare_report {
	bool ok;                          /* false: rejected, no heap changed */
	struct command_error error;       /* when !ok: column and message (naming the policy that refused it) */
	bool new_step;                    /* a step was recorded in every heap */
	bool moved;                       /* undo/redo/goto changed the current step */
	bool quit;
	bool differs;                     /* new_step: the outcomes differ in kind (compare_step_differs) */
	size_t dropped_steps;             /* the new step dropped undone steps */
	size_t restored_steps;            /* undo brought back a timeline's dropped steps */
	enum command_kind kind;
	char message[480];                /* one line: each policy's outcome, or the result of a non-step command */
	char *text;                       /* help text or the checks' full report: owned, free() it */
	size_t count;                     /* members, and reports[] entries when ran */
	bool ran;                         /* reports[] hold each member's own report */
	struct session_report reports[COMPARE_MAX];
};

struct compare;

/* A compare over a new heap per policy; NULL and *status set when a config is not allowed or the host is out of memory. */
struct compare *compare_create(const struct heap_config *config, const struct compare_policies *policies,
			       enum heap_status *status);
void compare_destroy(struct compare *compare);

size_t compare_count(const struct compare *compare);
enum heap_policy compare_policy(const struct compare *compare, size_t index);
/* The members, for reading (statistics, history, names). Never run commands on them directly: use compare_run. */
const struct session *compare_session(const struct compare *compare, size_t index);
/* The same, writable, for front ends that keep a session pointer; the same rule applies. */
struct session *compare_session_mutable(struct compare *compare, size_t index);
/* The step every member stands at, and the last step of their histories. */
size_t compare_step(const struct compare *compare);
size_t compare_last_step(const struct compare *compare);

/* Run one parsed command on every heap (source: the text as written, may be NULL). */
void compare_run(struct compare *compare, const struct command *command, const char *source,
		 struct compare_report *report);
/* Parse and run one line of the command language. */
void compare_run_line(struct compare *compare, const char *line, struct compare_report *report);
void compare_report_release(struct compare_report *report);

/* Move every member together; false (nothing moved) with an error when the step does not exist. */
bool compare_undo(struct compare *compare, struct command_error *error);
bool compare_redo(struct compare *compare, struct command_error *error);
bool compare_goto(struct compare *compare, size_t step, struct command_error *error);
/* Timelines: keep a dropped branch in every member (session_keep_branches). */
void compare_keep_branches(struct compare *compare, bool keep);

/* How the members' outcomes of one step compare. */
struct compare_difference {
	bool kinds_differ;                /* e.g. refused under one policy, placed under another */
	bool places_differ;               /* all placed, but not all at the same block offset */
	size_t refused_count;
	bool refused[COMPARE_MAX];        /* which members refused the request */
	enum outcome_kind kinds[COMPARE_MAX];
};

/* Compare the outcomes of step (1..last); false when there is no such step. */
bool compare_step_difference(const struct compare *compare, size_t step, struct compare_difference *difference);
/* True when the members' outcomes of step differ in kind (refused under one, placed under another, ...). */
bool compare_step_differs(const struct compare *compare, size_t step);
/* "refused under first fit" (or "first fit: NULL, best fit: freed"); "" when the outcomes agree in kind. */
void compare_describe_difference(const struct compare *compare, size_t step, char *buffer, size_t size);
/* One member's outcome of step in a few words: "r1 = 0x098", "refused", "freed r1", "NULL", "new heap". */
void compare_outcome_words(const struct compare *compare, size_t index, size_t step, char *buffer, size_t size);
/* The steps (1..last) whose outcomes differ, in order: writes up to max and returns how many there are. */
size_t compare_differing_steps(const struct compare *compare, size_t *steps, size_t max);

#endif
