/* words.h - the one place heapviz's model data becomes English: refusals, outcomes, explanations, session messages, help. */
#ifndef HEAPVIZ_WORDS_H
#define HEAPVIZ_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "heap.h"
#include "refusal.h"
#include "session.h"

/*
 * The lanes, the history and the session return data: refusal records
 * (refusal.h), step outcomes and the flags of a session_report. This module
 * sits on top of the model layer and reads only that data, through the
 * model's public headers; nothing below it words anything. The session
 * calls it once, at the edge of session_run (words_report), so the reports
 * front ends read keep their message and explain lines; the front ends call
 * the rest directly. It is one module in three files that share this header:
 * words.c (refusals and session messages), words_outcome.c (what a step did,
 * check, help, several lanes) and words_explain.c (why the allocator decided).
 */

/* The sentence of a refusal, and its column, into *error. session names the lanes when only some refused (may be NULL). */
void words_refusal(const struct session *session, const struct refusal *refusal, struct command_error *error);

/*
 * Fill a report's words from its data: error.message from report->refusal
 * (a parse error's message, with no refusal, is kept), message, explain and
 * text. command is the command as run (before the session adapted it).
 */
void words_report(const struct session *session, const struct command *command, struct session_report *report);

/*
 * The report as a one-lane session of this handle's lane would have made it
 * (outcome, explain and message of that lane; ok and error as given); owns
 * nothing, so it needs no release.
 */
void words_lane_report(const struct session *lane, const struct session_report *report, struct session_report *out);

/* The one-line result of a step in one lane ("r1 = 0x010 (48 B block at 0x008)", "refused: ..."); heap is the lane's now. */
void words_outcome(const struct heap *heap, const struct command *command, const struct step_outcome *outcome,
		   char *buffer, size_t size);
/* The same outcome in a few words, where lanes sit side by side: "r1 = 0x098", "refused", "freed r1 at 0x008", "new heap". */
void words_outcome_short(const struct command *command, const struct step_outcome *outcome, char *buffer, size_t size);
/* words_outcome_short of one lane's step (1..last); "" for step 0 or no such step. */
void words_lane_outcome(const struct session *session, size_t lane, size_t step, char *buffer, size_t size);
/*
 * The same outcome as the panel's line after its command, without the
 * panel's arrow: "0x098", "0x098 (moved from 0x008)", "refused: ...",
 * "NULL", "freed 48 B", "wrote 3 B"; "" for a new heap. bytes is the size
 * the outcome concerns, as the caller formats it (the panel says "1.5 KiB").
 */
void words_outcome_panel(const struct step_outcome *outcome, const char *bytes, char *buffer, size_t size);

/*
 * Why a refused request was refused, as a status line ("out of memory: ...").
 * The heap's status message, except where the status's words would be false:
 * tlsf refuses with a block that fits still free (on a list below the need
 * rounded up for its good fit), which is not "no single block large enough".
 */
const char *words_refused_reason(const struct step_outcome *outcome);

/* One sentence on why the allocator decided what it did, from a step's command and outcome. */
void words_explain(const struct command *command, const struct step_outcome *outcome, char *buffer, size_t size);
/* words_explain of the step that led to the handle's lane's current state ("" at step 0). */
void words_explain_current(const struct session *session, char *buffer, size_t size);

/*
 * A new step's line when it dropped steps after it: a timeline being played
 * branches ("branched: the timeline's 3 later steps are dropped (Ctrl-Z
 * brings them back). TEXT", the key named by undo_key, from the
 * front end's key table); otherwise "TEXT (3 undone steps dropped)".
 */
void words_dropped(size_t steps, bool timeline, const char *undo_key, const char *text, char *buffer, size_t size);

/* "refused under first fit" (or "first fit: NULL, best fit: freed"); "" when the outcomes agree in kind. */
void words_difference(const struct session *session, size_t step, char *buffer, size_t size);
/*
 * The compare view's line on one step: "step 0: 3 empty heaps of 1 KiB, one
 * per policy", "step 12 differs: refused under first fit" (true: the kinds
 * differ), "step 4: placed at different addresses", "step 5: the same
 * outcome under every policy". size is the heap size as the caller shows it.
 */
bool words_compare_step(const struct session *session, size_t step, const char *size, char *buffer, size_t size_of);
/* "differs at steps 5, 12" (the first eight, then ", ... (N)"); "" when no step differs. */
void words_differing_steps(const struct session *session, char *buffer, size_t size);
/* "first fit", "first fit and best fit", "first fit, next fit and buddy": the lanes chosen[] marks. */
void words_lane_list(const struct session *session, const bool *chosen, char *buffer, size_t size);

#endif
