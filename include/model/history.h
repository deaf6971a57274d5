/* history.h - a session's step list (one command, one outcome per lane) and its checkpoints. */
#ifndef HEAPVIZ_HISTORY_H
#define HEAPVIZ_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "lane.h"
#include "session.h"

/*
 * Memory cost of history (also in README):
 * - every step is one packed record in a byte arena: the command in a
 *   compact encoding (the text as written is kept only when it differs
 *   from the command's canonical form or its .rep line), and per lane the
 *   two floats of the sparklines and the outcome's non-zero fields as
 *   varints; plus a 4-byte offset. About 30 bytes a step for a .rep trace,
 *   plus any bytes a write stores. Notes and sleeps sit in a side table.
 * - checkpoints are copies of every lane's heap and name table (pages
 *   shared copy-on-write), taken after `interval` steps (64 at first) or
 *   once the steps since the last one wrote `work bound` bytes (256 KiB at
 *   first, summed over lanes), whichever comes first: a step that fills
 *   16 MiB gets a checkpoint of its own. When they would use more than the
 *   budget (64 MiB by default) every other checkpoint is dropped and both
 *   bounds double, so memory stays bounded for any history length, and
 *   reaching any step replays from the nearest checkpoint at or before it
 *   at most `interval` - 1 steps that wrote less than the work bound
 *   (plus the one step that crossed it).
 */

/*
 * One step as read back (decoded from its packed record): the command once,
 * what it did in each lane. A view: valid until the history changes or
 * HISTORY_VIEWS other steps have been read.
 */
#define HISTORY_VIEWS 8

struct step_record {
	const char *source;               /* the command as written */
	struct command command;           /* as run (when comparing, `policy` is recorded as the reset it does); owns nothing */
	const struct step_outcome *outcomes; /* one per lane */
	const float *sparks;              /* per lane: utilization, external fragmentation */
	const char *const *notes;
	size_t note_count;
	unsigned long sleep_ms;
};

/* Every lane's state at one step, and what automatic naming had reached. */
struct checkpoint {
	size_t step;
	struct lane lanes[SESSION_LANES_MAX];
	unsigned long next_auto;
	size_t cost;       /* host bytes it holds beyond the checkpoint before it (copy-on-write pages shared) */
};

struct history;

/* An empty history (no step yet) for lane_count lanes; NULL on host OOM. */
struct history *history_create(size_t lane_count);
void history_destroy(struct history *history);

/* Steps kept (the last step + 1). */
size_t history_count(const struct history *history);
/* Step 0..count-1 as read back; NULL when out of range or the host is out of memory. */
const struct step_record *history_record(const struct history *history, size_t step);
/* What step did in one lane and its command's kind, without the text (for scans over the whole history); step must exist. */
void history_outcome(const struct history *history, size_t step, size_t lane, struct step_outcome *outcome,
		     enum command_kind *kind);
/* Record one more step: its command, each lane's outcome, and the lanes' heaps after it (for the sparklines). */
bool history_append(struct history *history, const char *source, const struct command *command,
		    const struct step_outcome *outcomes, const struct lane *lanes);
/* Attach a caption to a step; false on host OOM. */
bool history_add_note(struct history *history, size_t step, const char *text);
/* The pause after a step during playback, and setting it; false on host OOM. */
unsigned long history_sleep(const struct history *history, size_t step);
bool history_set_sleep(struct history *history, size_t step, unsigned long ms);
/* Bytes the step records take (arena, offsets, side table), for the docs and make bench. */
size_t history_bytes(const struct history *history);

/*
 * Drop the steps after step. With keep_branch they wait as one stashed
 * branch (replacing an earlier one) that history_restore_branch can bring
 * back. Returns how many steps were dropped.
 */
size_t history_drop_after(struct history *history, size_t step, bool keep_branch);
/* Put the stashed steps back after step when they left the timeline there; returns how many (0: none). */
size_t history_restore_branch(struct history *history, size_t step);
void history_forget_branch(struct history *history);

/* Checkpoints: a copy of lanes[0..lane_count) as the state of step; false on host OOM (history still works). */
bool history_add_checkpoint(struct history *history, size_t step, const struct lane *lanes, unsigned long next_auto);
/* The checkpoint nearest at or before step (step 0's always exists once taken). */
const struct checkpoint *history_checkpoint_at_or_before(const struct history *history, size_t step);
void history_drop_checkpoints_after(struct history *history, size_t step);
size_t history_interval(const struct history *history);
size_t history_work_bound(const struct history *history);
/* After step, whose steps since the last checkpoint wrote work bytes: is a checkpoint due here? */
bool history_checkpoint_due(const struct history *history, size_t step, size_t work);
size_t history_checkpoint_count(const struct history *history);
void history_set_budget(struct history *history, size_t bytes);

#endif
