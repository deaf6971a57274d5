/* history.c - the step list shared by a session's lanes (packed records), the stashed branch of a timeline, and checkpoints. */
#include "history.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "step_codec.h"

#define FIRST_INTERVAL 64
#define DEFAULT_BUDGET ((size_t)64 * 1024 * 1024)
/*
 * Work between checkpoints at first: bytes the steps wrote (heap_work_bytes,
 * summed over lanes). Replaying 256 KiB of writes is about what restoring
 * a checkpoint of as many changed pages costs, so going back stays within a
 * small multiple of one step forward even when each step writes megabytes.
 */
#define FIRST_WORK_BOUND ((size_t)256 * 1024)

/* What few steps carry: captions and pauses, kept aside so a plain step pays nothing for them. */
struct step_extra {
	size_t step;
	unsigned long sleep_ms;
	char **notes;
	size_t note_count;
};

/* Packed steps: each one's bytes in the arena, from offsets[i] to offsets[i + 1] (or the arena's end). */
struct packed_steps {
	struct step_bytes arena;
	uint32_t *offsets;
	size_t count;
	size_t capacity;
	struct step_extra *extras;      /* sorted by step */
	size_t extra_count;
};

/* A decoded step, as history_record hands it out. */
struct step_view {
	size_t step;
	unsigned long generation;
	struct step_record record;
	struct step_outcome outcomes[SESSION_LANES_MAX];
	float sparks[2 * SESSION_LANES_MAX];
	char text[128];
};

struct history {
	size_t lane_count;
	struct packed_steps steps;      /* steps[0] is the empty heap */

	/*
	 * Timelines (a lesson being played): a command typed in the middle drops
	 * the rest, but the dropped steps wait here, and undoing back to the
	 * branch point brings them back. One level: a new branch replaces it.
	 */
	struct packed_steps stash;
	bool has_stash;
	size_t stash_base;              /* the step the branch left the timeline at */

	/* Reading decodes into these; any change to the steps makes them stale. */
	struct step_view views[HISTORY_VIEWS];
	size_t next_view;
	unsigned long generation;

	struct checkpoint *checkpoints; /* sorted by step; checkpoints[0] is step 0 */
	size_t checkpoint_count;
	size_t checkpoint_capacity;
	size_t interval;
	size_t work_bound;
	size_t budget;
	size_t checkpoint_bytes;
};

static void extra_release(struct step_extra *extra)
{
	for (size_t i = 0; i < extra->note_count; i++)
		free(extra->notes[i]);
	free(extra->notes);
}

static void packed_release(struct packed_steps *packed)
{
	free(packed->arena.data);
	free(packed->offsets);
	for (size_t i = 0; i < packed->extra_count; i++)
		extra_release(&packed->extras[i]);
	free(packed->extras);
	memset(packed, 0, sizeof *packed);
}

struct history *history_create(size_t lane_count)
{
	struct history *history = calloc(1, sizeof *history);
	if (!history)
		return NULL;
	history->lane_count = lane_count;
	history->interval = FIRST_INTERVAL;
	history->work_bound = FIRST_WORK_BOUND;
	history->budget = DEFAULT_BUDGET;
	history->generation = 1;
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
	packed_release(&history->steps);
	history_forget_branch(history);
	for (size_t i = 0; i < history->checkpoint_count; i++)
		checkpoint_release(&history->checkpoints[i], history->lane_count);
	free(history->checkpoints);
	free(history);
}

size_t history_count(const struct history *history)
{
	return history->steps.count;
}

size_t history_bytes(const struct history *history)
{
	size_t bytes = history->steps.arena.len + history->steps.count * sizeof *history->steps.offsets;
	for (size_t i = 0; i < history->steps.extra_count; i++)
		bytes += sizeof(struct step_extra) + history->steps.extras[i].note_count * sizeof(char *);
	return bytes;
}

static void changed(struct history *history)
{
	history->generation++;
}

/* ---- the side table ------------------------------------------------------------ */

/* The index of step's extra, or where it would go (*found false). */
static size_t extra_index(const struct packed_steps *packed, size_t step, bool *found)
{
	size_t lo = 0, hi = packed->extra_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (packed->extras[mid].step < step)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < packed->extra_count && packed->extras[lo].step == step;
	return lo;
}

static const struct step_extra *extra_of(const struct packed_steps *packed, size_t step)
{
	bool found;
	size_t i = extra_index(packed, step, &found);
	return found ? &packed->extras[i] : NULL;
}

static struct step_extra *extra_for(struct packed_steps *packed, size_t step)
{
	bool found;
	size_t i = extra_index(packed, step, &found);
	if (found)
		return &packed->extras[i];
	struct step_extra *grown = realloc(packed->extras, (packed->extra_count + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	packed->extras = grown;
	memmove(&grown[i + 1], &grown[i], (packed->extra_count - i) * sizeof *grown);
	packed->extra_count++;
	memset(&grown[i], 0, sizeof grown[i]);
	grown[i].step = step;
	return &grown[i];
}

bool history_add_note(struct history *history, size_t step, const char *text)
{
	if (step >= history->steps.count)
		return false;
	changed(history);
	struct step_extra *extra = extra_for(&history->steps, step);
	if (!extra)
		return false;
	char **notes = realloc(extra->notes, (extra->note_count + 1) * sizeof *notes);
	if (!notes)
		return false;
	extra->notes = notes;
	char *copy = strdup(text);
	if (!copy)
		return false;
	notes[extra->note_count++] = copy;
	return true;
}

unsigned long history_sleep(const struct history *history, size_t step)
{
	const struct step_extra *extra = extra_of(&history->steps, step);
	return extra ? extra->sleep_ms : 0;
}

bool history_set_sleep(struct history *history, size_t step, unsigned long ms)
{
	if (step >= history->steps.count)
		return false;
	changed(history);
	struct step_extra *extra = extra_for(&history->steps, step);
	if (!extra)
		return false;
	extra->sleep_ms = ms;
	return true;
}

/* ---- steps ------------------------------------------------------------------- */

static bool reserve_offsets(struct packed_steps *packed, size_t count)
{
	if (count <= packed->capacity)
		return true;
	size_t capacity = packed->capacity ? packed->capacity : 64;
	while (capacity < count)
		capacity += capacity / 2;
	uint32_t *grown = realloc(packed->offsets, capacity * sizeof *grown);
	if (!grown)
		return false;
	packed->offsets = grown;
	packed->capacity = capacity;
	return true;
}

bool history_append(struct history *history, const char *source, const struct command *command,
		    const struct step_outcome *outcomes, const struct lane *lanes)
{
	struct packed_steps *packed = &history->steps;
	size_t start = packed->arena.len;
	if (start > UINT32_MAX || !reserve_offsets(packed, packed->count + 1))
		return false;
	changed(history);
	struct command empty;
	memset(&empty, 0, sizeof empty);
	if (!command)
		command = &empty;
	float sparks[2 * SESSION_LANES_MAX];
	for (size_t i = 0; i < history->lane_count; i++) {
		struct heap_stats stats;
		heap_get_stats(lanes[i].heap, &stats);
		sparks[2 * i] = (float)stats.utilization;
		sparks[2 * i + 1] = (float)stats.external_fragmentation;
	}
	step_codec_put_step(&packed->arena, command, source, outcomes, sparks, history->lane_count);
	if (packed->arena.failed) {
		/* Host OOM part-way: the record is not kept (the arena stays usable for what it held). */
		packed->arena.failed = false;
		packed->arena.len = start;
		return false;
	}
	packed->offsets[packed->count++] = (uint32_t)start;
	return true;
}

void history_outcome(const struct history *history, size_t step, size_t lane, struct step_outcome *outcome,
		     enum command_kind *kind)
{
	struct command command;
	struct step_outcome outcomes[SESSION_LANES_MAX];
	float sparks[2 * SESSION_LANES_MAX];
	struct step_reader in = { history->steps.arena.data, history->steps.offsets[step] };
	step_codec_get_step(&in, &command, NULL, NULL, 0, outcomes, sparks, lane + 1);
	*outcome = outcomes[lane];
	*kind = command.kind;
}

const struct step_record *history_record(const struct history *history, size_t step)
{
	if (step >= history->steps.count)
		return NULL;
	/* Reading fills a view: a cache, so the history itself stays const to its readers. */
	struct history *cache = (struct history *)(uintptr_t)history;
	for (size_t i = 0; i < HISTORY_VIEWS; i++)
		if (cache->views[i].generation == history->generation && cache->views[i].step == step)
			return &cache->views[i].record;
	struct step_view *view = &cache->views[cache->next_view];
	cache->next_view = (cache->next_view + 1) % HISTORY_VIEWS;
	struct step_reader in = { history->steps.arena.data, history->steps.offsets[step] };
	struct step_record *record = &view->record;
	step_codec_get_step(&in, &record->command, &record->source, view->text, sizeof view->text, view->outcomes,
			    view->sparks, history->lane_count);
	record->outcomes = view->outcomes;
	record->sparks = view->sparks;
	const struct step_extra *extra = extra_of(&history->steps, step);
	record->notes = extra ? (const char *const *)extra->notes : NULL;
	record->note_count = extra ? extra->note_count : 0;
	record->sleep_ms = extra ? extra->sleep_ms : 0;
	view->step = step;
	view->generation = history->generation;
	return record;
}

/* ---- branches ------------------------------------------------------------------ */

void history_forget_branch(struct history *history)
{
	packed_release(&history->stash);
	history->has_stash = false;
}

/* Move steps first.. of from to the end of to (offsets rebased, extras renumbered by shift); false on host OOM. */
static bool move_steps(struct packed_steps *from, size_t first, struct packed_steps *to, long shift)
{
	size_t count = from->count - first;
	size_t start = from->offsets[first], bytes = from->arena.len - start;
	size_t base = to->arena.len;
	if (base > UINT32_MAX || !reserve_offsets(to, to->count + count))
		return false;
	struct step_bytes *arena = &to->arena;
	if (bytes && arena->len + bytes > arena->capacity) {
		size_t capacity = arena->capacity ? arena->capacity : 4096;
		while (capacity < arena->len + bytes)
			capacity += capacity / 2;
		uint8_t *grown = realloc(arena->data, capacity);
		if (!grown)
			return false;
		arena->data = grown;
		arena->capacity = capacity;
	}
	size_t extras_from = from->extra_count;
	for (size_t i = 0; i < from->extra_count; i++)
		if (from->extras[i].step >= first) {
			extras_from = i;
			break;
		}
	size_t moved_extras = from->extra_count - extras_from;
	if (moved_extras) {
		struct step_extra *grown = realloc(to->extras, (to->extra_count + moved_extras) * sizeof *grown);
		if (!grown)
			return false;
		to->extras = grown;
		for (size_t i = 0; i < moved_extras; i++) {
			to->extras[to->extra_count + i] = from->extras[extras_from + i];
			to->extras[to->extra_count + i].step = (size_t)((long)from->extras[extras_from + i].step + shift);
		}
		to->extra_count += moved_extras;
		from->extra_count = extras_from;
	}
	if (bytes)
		memcpy(arena->data + arena->len, from->arena.data + start, bytes);
	arena->len += bytes;
	for (size_t i = 0; i < count; i++)
		to->offsets[to->count + i] = (uint32_t)(from->offsets[first + i] - start + base);
	to->count += count;
	from->count = first;
	from->arena.len = start;
	return true;
}

/* Forget the steps first.. (and their extras). */
static void truncate_steps(struct packed_steps *packed, size_t first)
{
	if (first >= packed->count)
		return;
	packed->arena.len = packed->offsets[first];
	packed->count = first;
	while (packed->extra_count > 0 && packed->extras[packed->extra_count - 1].step >= first)
		extra_release(&packed->extras[--packed->extra_count]);
}

size_t history_drop_after(struct history *history, size_t step, bool keep_branch)
{
	struct packed_steps *steps = &history->steps;
	if (step + 1 >= steps->count)
		return 0;
	changed(history);
	size_t dropped = steps->count - 1 - step;
	if (keep_branch) {
		/* Keep the steps about to be dropped so undo can bring them back; on host OOM they are just dropped. */
		history_forget_branch(history);
		if (move_steps(steps, step + 1, &history->stash, -(long)(step + 1))) {
			history->has_stash = true;
			history->stash_base = step;
		} else {
			history_forget_branch(history);
		}
	}
	truncate_steps(steps, step + 1);
	history_drop_checkpoints_after(history, step);
	return dropped;
}

size_t history_restore_branch(struct history *history, size_t step)
{
	if (!history->has_stash || step != history->stash_base)
		return 0;
	changed(history);
	struct packed_steps *steps = &history->steps;
	size_t count = history->stash.count;
	truncate_steps(steps, step + 1);
	history_drop_checkpoints_after(history, step);
	if (!move_steps(&history->stash, 0, steps, (long)(step + 1))) {
		history_forget_branch(history);
		return 0;
	}
	history_forget_branch(history);
	return count;
}

/* ---- checkpoints ------------------------------------------------------ */

/*
 * What keeping a checkpoint costs beyond the one before it: its heaps share
 * their 4 KiB pages copy-on-write with that checkpoint's (and with the live
 * heaps), so it holds only the pages changed between the two; so do its
 * names (their tables are in pages too).
 * The first checkpoint is counted at the pages its trees hold (never-written
 * pages are no page at all): counting it at the heaps' full size would put a
 * 1 GiB heap, or five lanes of 16 MiB, over the budget for ever, and every
 * later checkpoint would thin the rest. The sum is what the budget bounds.
 */
static size_t checkpoint_cost(const struct checkpoint *checkpoint, const struct checkpoint *before, size_t lane_count)
{
	size_t cost = 0;
	for (size_t i = 0; i < lane_count; i++) {
		const struct heap *heap = checkpoint->lanes[i].heap;
		cost += heap_bytes_not_shared_with(heap, before ? before->lanes[i].heap : NULL);
		cost += names_bytes_not_shared_with(checkpoint->lanes[i].names, before ? before->lanes[i].names : NULL);
	}
	return cost;
}

/*
 * Keep every other checkpoint, counted from the newest (which stays, as does
 * step 0's), and double the interval and the work bound: every gap at most
 * doubles, so the bounds on replay still hold at the new values.
 */
static void thin_checkpoints(struct history *history)
{
	size_t kept = 0, last = history->checkpoint_count - 1;
	history->checkpoint_bytes = 0;
	for (size_t i = 0; i < history->checkpoint_count; i++) {
		struct checkpoint *cp = &history->checkpoints[i];
		/* Two left: the newest goes, so thinning always frees something. */
		if (i != 0 && ((last - i) % 2 != 0 || last == 1)) {
			checkpoint_release(cp, history->lane_count);
			continue;
		}
		/* Its neighbour before it changed: what it shares is counted again. */
		cp->cost = checkpoint_cost(cp, kept ? &history->checkpoints[kept - 1] : NULL, history->lane_count);
		history->checkpoint_bytes += cp->cost;
		history->checkpoints[kept++] = *cp;
	}
	history->checkpoint_count = kept;
	history->interval *= 2;
	history->work_bound *= 2;
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
	cp.cost = checkpoint_cost(&cp, history->checkpoint_count ? &history->checkpoints[history->checkpoint_count - 1] : NULL,
				  history->lane_count);
	history->checkpoints[history->checkpoint_count++] = cp;
	history->checkpoint_bytes += cp.cost;
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
		history->checkpoint_bytes -= cp->cost;
		checkpoint_release(cp, history->lane_count);
	}
}

size_t history_interval(const struct history *history)
{
	return history->interval;
}

size_t history_work_bound(const struct history *history)
{
	return history->work_bound;
}

bool history_checkpoint_due(const struct history *history, size_t step, size_t work)
{
	const struct checkpoint *last = &history->checkpoints[history->checkpoint_count - 1];
	return step > last->step && (step - last->step >= history->interval || work >= history->work_bound);
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
