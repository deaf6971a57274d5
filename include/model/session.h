/* session.h - one to five lanes (an allocator and its heap each) sharing one history: runs commands, travels in time. */
#ifndef HEAPVIZ_SESSION_H
#define HEAPVIZ_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "heap.h"
#include "names.h"
#include "refusal.h"

/*
 * A session holds 1..SESSION_LANES_MAX lanes, each one allocator (policy)
 * with its heap and names; --compare is a session of several lanes, one heap
 * is the case of one. All lanes share one step list: a step records the
 * command once and one outcome per lane, names are bound once per step for
 * every lane (`p3` is the same request everywhere, NULL in a lane that
 * refused it), and a command is checked against every lane before any lane
 * changes, so a rejected command replays nothing.
 *
 * A `struct session *` is the session seen from one of its lanes: the
 * readers (session_heap, session_names, session_step_info, ...) read that
 * lane; session_lane gives the handle of another lane of the same session.
 * Commands and moves through any handle apply to every lane.
 *
 * A step is a command that changed (or tried to change) the heap: alloc,
 * calloc, realloc, free, write, fill, policy, reset, align. Step 0 is the
 * empty heap. undo/redo/goto move through the steps; check, note, sleep and
 * help are not steps (note and sleep attach to the current step).
 *
 * History keeps every step's command and a short outcome; heap states are
 * kept as checkpoints (copy-on-write copies) after `interval` steps or once
 * the steps since the last one wrote a work bound of bytes (history.h),
 * thinned to stay within a memory budget, and any step is reached by
 * restoring the nearest checkpoint at or before it and replaying at most
 * `interval` commands.
 */

enum outcome_kind {
	OUTCOME_NONE,       /* step 0, policy/reset/align */
	OUTCOME_PLACED,     /* alloc/calloc/realloc succeeded */
	OUTCOME_REFUSED,    /* out of memory: a result, not an error */
	OUTCOME_NULL,       /* C semantics: malloc(0) gave NULL, or free(NULL) did nothing */
	OUTCOME_FREED,
	OUTCOME_WRITTEN     /* write/fill */
};

/* What one step did. */
struct step_outcome {
	enum outcome_kind kind;
	enum heap_status status;          /* HEAP_OK, or why a request was refused */
	struct heap_placement placement;  /* PLACED, REFUSED (need) */
	struct heap_release release;      /* FREED */
	size_t payload;                   /* the payload concerned (PLACED, FREED, WRITTEN) */
	size_t bytes;                     /* WRITTEN: bytes written */
	char name[COMMAND_NAME_MAX + 1];  /* the name concerned, "" if none */
	size_t search_start;              /* next fit: where the search began */
	size_t free_total;                /* REFUSED: free bytes at the time */
	size_t largest_free;              /* REFUSED: largest free block or wilderness at the time */
	enum heap_policy policy;          /* the policy in force for this step */
	enum heap_order order;            /* and its free-list order (address unless --order/order said otherwise) */
	bool from_null;                   /* realloc of a name holding NULL: realloc(NULL, n) is malloc(n) */
};

/* One step of history as kept (explanations are recomputed when needed). */
struct step_info {
	const char *source;               /* the command as written */
	const struct command *command;
	struct step_outcome outcome;
	size_t note_count;
	const char *const *notes;         /* captions attached to this step */
	unsigned long sleep_ms;           /* pause after this step during playback */
};

/* The most lanes a session holds (one per policy). */
#define SESSION_LANES_MAX 5

/* What running one command did, for the caller to show (the words filled in by the words module, words.h). */
struct session_report {
	bool ok;                          /* false: rejected, nothing changed */
	struct command_error error;       /* when !ok: column (1-based, 0 = whole line) and message */
	bool new_step;                    /* a step was recorded (ok && a heap command) */
	bool moved;                       /* undo/redo/goto changed the current step */
	bool dropped_future;              /* the new step dropped undone steps */
	size_t dropped_steps;
	size_t restored_steps;            /* undo brought back a timeline's dropped steps (session_keep_branches) */
	bool quit;                        /* quit was asked for */
	enum command_kind kind;
	struct step_outcome outcome;      /* new_step: what it did */
	char explain[320];                /* one sentence on the decision ("" when none) */
	char message[480];                /* a one-line result (several lanes: each lane's outcome) */
	char *text;                       /* help text or a check's full report: owned, free() it */
	bool help_overview;               /* plain `help` (no COMMAND): a front end may show its own fuller help */
	char *export_path;                /* export FILE: where the caller should write the snapshot (owned) */
	size_t lane_count;                /* lanes of the session that ran it */
	bool differs;                     /* new_step: the lanes' outcomes differ in kind */
	struct step_outcome outcomes[SESSION_LANES_MAX]; /* new_step: each lane's outcome (outcome is lane 0's) */
	/* The data the words come from (words.h): error, message and explain are worded from these and the session. */
	struct refusal refusal;           /* when !ok, unless the line did not parse: why */
	bool policy_ignored;              /* several lanes: `policy X` started every heap over instead */
	bool sleep_capped;                /* sleep: the step's pauses reached the cap */
};

struct session;

/* A session over a new heap; NULL and *status set when config is not allowed or the host is out of memory. */
struct session *session_create(const struct heap_config *config, enum heap_status *status);
/* A session of count lanes (1..SESSION_LANES_MAX, distinct policies), each with config's size and alignment. */
struct session *session_create_lanes(const struct heap_config *config, const enum heap_policy *policies, size_t count,
				     enum heap_status *status);
/* Destroys the whole session (every lane), whichever of its handles is given. */
void session_destroy(struct session *session);

/* Lanes: how many, the handle that reads lane index (NULL when out of range), and which lane a handle reads. */
size_t session_lane_count(const struct session *session);
const struct session *session_lane(const struct session *session, size_t index);
struct session *session_lane_mutable(struct session *session, size_t index);
size_t session_lane_index(const struct session *session);
/* The policy of lane index now (fixed when there are several lanes; a one-lane session's `policy` changes it). */
enum heap_policy session_lane_policy(const struct session *session, size_t index);

/* Run one parsed command. source is the text as written (for history); it may be NULL. */
void session_run(struct session *session, const struct command *command, const char *source, struct session_report *report);
/* Parse and run one line of the command language. */
void session_run_line(struct session *session, const char *line, struct session_report *report);
void session_report_release(struct session_report *report);

const struct heap *session_heap(const struct session *session);
const struct names *session_names(const struct session *session);
/* Current step (0 = empty heap) and the number of the last step in history. */
size_t session_step(const struct session *session);
size_t session_last_step(const struct session *session);
/* History entry for step 0..last; false when out of range. Its pointers hold until history changes or several other steps are read. */
bool session_step_info(const struct session *session, size_t step, struct step_info *info);
/* What step did in this handle's lane, and its command's kind: what scans over the whole history need, read faster. */
bool session_step_outcome(const struct session *session, size_t step, struct step_outcome *outcome,
			  enum command_kind *kind);

bool session_undo(struct session *session, struct command_error *error);
/*
 * For a timeline being played: a command run in the middle still drops the
 * steps after it, but they are kept, and an `undo` back to where the branch
 * began brings them back (dropping the branch). Off by default: there a new
 * command drops the undone future for good, as an editor does.
 */
void session_keep_branches(struct session *session, bool keep);
/*
 * Quiet: a step's report carries its data (ok, error, outcomes, new_step,
 * differs, ...) but no sentences (message and explain stay ""), which are
 * most of what a step costs: for running a timeline nobody reads, such as
 * a script loaded before the screen starts. Off by default.
 */
void session_set_quiet(struct session *session, bool quiet);
bool session_redo(struct session *session, struct command_error *error);
bool session_goto(struct session *session, size_t step, struct command_error *error);

/* Name of the allocation at payload (NULL if unnamed). */
const char *session_name_at(const struct session *session, size_t payload);

/* Per-step utilization and external fragmentation (0..1) for steps 0..last, for sparklines. */
bool session_history_stats(const struct session *session, size_t step, double *utilization, double *fragmentation);

/* Memory tuning and introspection, for tests and the docs. */
size_t session_checkpoint_interval(const struct session *session);
size_t session_checkpoint_count(const struct session *session);
void session_set_checkpoint_budget(struct session *session, size_t bytes);
/* Bytes the packed step list takes (checkpoints and the live heaps not included), for make bench and the docs. */
size_t session_history_bytes(const struct session *session);
/* For tests: how many recorded steps were re-applied (time travel), and lane checks made, since creation. */
size_t session_replayed_steps(const struct session *session);
size_t session_lane_checks(const struct session *session);

#endif
