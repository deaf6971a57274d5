/* history.c - the step list shared by a session's lanes, the stashed branch of a timeline, and checkpoints. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_INTERVAL 64
#define DEFAULT_BUDGET ((size_t)64 * 1024 * 1024)

struct history {
	size_t lane_count;
	struct step_record *steps;      /* steps[0] is the empty heap */
	size_t count;
	size_t capacity;

	/*
	 * Timelines (a lesson being played): a command typed in the middle drops
	 * the rest, but the dropped steps wait here, and undoing back to the
	 * branch point brings them back. One level: a new branch replaces it.
	 */
	struct step_record *stash;
	size_t stash_count;
	size_t stash_base;              /* the step the branch left the timeline at */

	struct checkpoint *checkpoints; /* sorted by step; checkpoints[0] is step 0 */
	size_t checkpoint_count;
	size_t checkpoint_capacity;
	size_t interval;
	size_t budget;
	size_t checkpoint_bytes;
};

static char *copy_text(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	if (copy)
		memcpy(copy, text, len + 1);
	return copy;
}

static void record_release(struct step_record *record)
{
	free(record->source);
	command_release(&record->command);
	free(record->outcomes);
	free(record->sparks);
	for (size_t i = 0; i < record->note_count; i++)
		free(record->notes[i]);
	free(record->notes);
	memset(record, 0, sizeof *record);
}

static void release_records(struct step_record *records, size_t count)
{
	for (size_t i = 0; i < count; i++)
		record_release(&records[i]);
}

struct history *history_create(size_t lane_count)
{
	struct history *history = calloc(1, sizeof *history);
	if (!history)
		return NULL;
	history->lane_count = lane_count;
	history->interval = FIRST_INTERVAL;
	history->budget = DEFAULT_BUDGET;
	return history;
}

static void checkpoint_release(struct checkpoint *checkpoint, size_t lane_count)
{
	for (size_t i = 0; i < lane_count; i++)
		lane_release(&checkpoint->lanes[i]);
}

void history_destroy(struct history *history)
{
	if (!history)
		return;
	release_records(history->steps, history->count);
	free(history->steps);
	history_forget_branch(history);
	for (size_t i = 0; i < history->checkpoint_count; i++)
		checkpoint_release(&history->checkpoints[i], history->lane_count);
	free(history->checkpoints);
	free(history);
}

size_t history_count(const struct history *history)
{
	return history->count;
}

const struct step_record *history_record(const struct history *history, size_t step)
{
	return step < history->count ? &history->steps[step] : NULL;
}

struct step_record *history_record_mutable(struct history *history, size_t step)
{
	return step < history->count ? &history->steps[step] : NULL;
}

/* Room for at least count records. */
static bool reserve_room(struct history *history, size_t count)
{
	if (count <= history->capacity)
		return true;
	size_t capacity = history->capacity ? history->capacity : 64;
	while (capacity < count)
		capacity *= 2;
	struct step_record *grown = realloc(history->steps, capacity * sizeof *grown);
	if (!grown)
		return false;
	history->steps = grown;
	history->capacity = capacity;
	return true;
}

struct step_record *history_append(struct history *history, const char *source, const struct command *command)
{
	if (!reserve_room(history, history->count + 1))
		return NULL;
	struct step_record *record = &history->steps[history->count];
	memset(record, 0, sizeof *record);
	record->source = copy_text(source ? source : "");
	record->outcomes = calloc(history->lane_count, sizeof *record->outcomes);
	record->sparks = calloc(history->lane_count * 2, sizeof *record->sparks);
	if (!record->source || !record->outcomes || !record->sparks) {
		record_release(record);
		return NULL;
	}
	if (command && !command_copy(&record->command, command))
		memset(&record->command, 0, sizeof record->command);
	history->count++;
	return record;
}

void history_set_sparks(struct step_record *record, size_t lane, const struct heap *heap)
{
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	record->sparks[2 * lane] = (float)stats.utilization;
	record->sparks[2 * lane + 1] = (float)stats.external_fragmentation;
}

bool history_add_note(struct history *history, size_t step, const char *text)
{
	struct step_record *record = history_record_mutable(history, step);
	if (!record)
		return false;
	char **notes = realloc(record->notes, (record->note_count + 1) * sizeof *notes);
	if (!notes)
		return false;
	record->notes = notes;
	char *copy = copy_text(text);
	if (!copy)
		return false;
	notes[record->note_count++] = copy;
	return true;
}

void history_forget_branch(struct history *history)
{
	release_records(history->stash, history->stash_count);
	free(history->stash);
	history->stash = NULL;
	history->stash_count = 0;
}

size_t history_drop_after(struct history *history, size_t step, bool keep_branch)
{
	if (step + 1 >= history->count)
		return 0;
	size_t dropped = history->count - 1 - step;
	struct step_record *stash = keep_branch ? malloc(dropped * sizeof *stash) : NULL;
	if (stash) {
		/* Keep the steps about to be dropped so undo can bring them back; on host OOM they are just dropped. */
		history_forget_branch(history);
		memcpy(stash, &history->steps[step + 1], dropped * sizeof *stash);
		history->stash = stash;
		history->stash_count = dropped;
		history->stash_base = step;
	} else {
		release_records(&history->steps[step + 1], dropped);
	}
	history->count = step + 1;
	history_drop_checkpoints_after(history, step);
	return dropped;
}

size_t history_restore_branch(struct history *history, size_t step)
{
	size_t count = history->stash_count;
	if (!history->stash || step != history->stash_base || !reserve_room(history, step + 1 + count))
		return 0;
	release_records(&history->steps[step + 1], history->count - 1 - step);
	history_drop_checkpoints_after(history, step);
	memcpy(&history->steps[step + 1], history->stash, count * sizeof *history->stash);
	history->count = step + 1 + count;
	free(history->stash);
	history->stash = NULL;
	history->stash_count = 0;
	return count;
}

/* ---- checkpoints ------------------------------------------------------ */

static size_t checkpoint_cost(const struct checkpoint *checkpoint, size_t lane_count)
{
	size_t cost = 0;
	for (size_t i = 0; i < lane_count; i++)
		cost += heap_size(checkpoint->lanes[i].heap) + 64 + names_count(checkpoint->lanes[i].names) * 2 * 40;
	return cost;
}

/* Keep every other checkpoint (step 0 always stays) and double the interval. */
static void thin_checkpoints(struct history *history)
{
	size_t wider = history->interval * 2;
	size_t kept = 0;
	history->checkpoint_bytes = 0;
	for (size_t i = 0; i < history->checkpoint_count; i++) {
		struct checkpoint *cp = &history->checkpoints[i];
		if (cp->step % wider != 0) {
			checkpoint_release(cp, history->lane_count);
			continue;
		}
		history->checkpoint_bytes += checkpoint_cost(cp, history->lane_count);
		history->checkpoints[kept++] = *cp;
	}
	history->checkpoint_count = kept;
	history->interval = wider;
}

bool history_add_checkpoint(struct history *history, size_t step, const struct lane *lanes, unsigned long next_auto)
{
	if (history->checkpoint_count == history->checkpoint_capacity) {
		size_t capacity = history->checkpoint_capacity ? history->checkpoint_capacity * 2 : 16;
		struct checkpoint *grown = realloc(history->checkpoints, capacity * sizeof *grown);
		if (!grown)
			return false;
		history->checkpoints = grown;
		history->checkpoint_capacity = capacity;
	}
	struct checkpoint cp;
	memset(&cp, 0, sizeof cp);
	cp.step = step;
	cp.next_auto = next_auto;
	bool ok = true;
	for (size_t i = 0; i < history->lane_count && ok; i++) {
		cp.lanes[i].heap = heap_clone(lanes[i].heap);
		cp.lanes[i].names = names_clone(lanes[i].names);
		ok = cp.lanes[i].heap && cp.lanes[i].names;
	}
	if (!ok) {
		checkpoint_release(&cp, history->lane_count);
		return false;
	}
	history->checkpoints[history->checkpoint_count++] = cp;
	history->checkpoint_bytes += checkpoint_cost(&cp, history->lane_count);
	while (history->checkpoint_bytes > history->budget && history->checkpoint_count > 1)
		thin_checkpoints(history);
	return true;
}

const struct checkpoint *history_checkpoint_at_or_before(const struct history *history, size_t step)
{
	size_t lo = 0, hi = history->checkpoint_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (history->checkpoints[mid].step <= step)
			lo = mid;
		else
			hi = mid;
	}
	return &history->checkpoints[lo];
}

void history_drop_checkpoints_after(struct history *history, size_t step)
{
	while (history->checkpoint_count > 1 && history->checkpoints[history->checkpoint_count - 1].step > step) {
		struct checkpoint *cp = &history->checkpoints[--history->checkpoint_count];
		history->checkpoint_bytes -= checkpoint_cost(cp, history->lane_count);
		checkpoint_release(cp, history->lane_count);
	}
}

size_t history_interval(const struct history *history)
{
	return history->interval;
}

size_t history_checkpoint_count(const struct history *history)
{
	return history->checkpoint_count;
}

void history_set_budget(struct history *history, size_t bytes)
{
	history->budget = bytes;
	while (history->checkpoint_bytes > history->budget && history->checkpoint_count > 1)
		thin_checkpoints(history);
}
