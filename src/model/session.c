/* session.c - a heap plus its history: runs commands, records steps, travels in time through checkpoints. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfile.h"
#include "strbuf.h"

/*
 * Memory cost of history (also in README):
 * - every step keeps its parsed command, the text as written, its outcome
 *   and two floats for the sparklines: about 400 bytes a step plus the
 *   command's text and any bytes it writes;
 * - checkpoints are full copies of the heap and of the name table, taken
 *   every `interval` steps (64 at first). When they would use more than
 *   the budget (64 MiB by default) every other checkpoint is dropped and
 *   the interval doubles, so memory stays bounded for any history length,
 *   and reaching any step replays at most `interval` - 1 commands from the
 *   nearest checkpoint at or before it.
 */

#define FIRST_INTERVAL 64
#define DEFAULT_BUDGET ((size_t)64 * 1024 * 1024)

struct step_record {
	char *source;
	struct command command;
	struct step_outcome outcome;
	char **notes;
	size_t note_count;
	unsigned long sleep_ms;
	float utilization;
	float fragmentation;
};

struct checkpoint {
	size_t step;
	struct heap *heap;
	struct names *names;
	unsigned long next_auto;
};

struct session {
	/* The live state: what the current step looks like. */
	struct heap *heap;
	struct names *names;
	unsigned long next_auto;        /* next candidate for an automatic name pN */

	struct step_record *steps;      /* steps[0] is the empty heap */
	size_t step_count;              /* last step + 1 */
	size_t step_capacity;
	size_t current;

	struct checkpoint *checkpoints; /* sorted by step; checkpoints[0] is step 0 */
	size_t checkpoint_count;
	size_t checkpoint_capacity;
	size_t interval;
	size_t budget;
	size_t checkpoint_bytes;

	/*
	 * Timelines (a lesson being played): a command typed in the middle drops
	 * the rest, but the dropped steps wait here, and undoing back to the
	 * branch point brings them back. One level: a new branch replaces it.
	 */
	bool keep_branches;
	struct step_record *stash;
	size_t stash_count;
	size_t stash_base;              /* the step the branch left the timeline at */
};

/* Does this command kind record a step? */
static bool is_step_kind(enum command_kind kind)
{
	switch (kind) {
	case CMD_ALLOC: case CMD_FREE: case CMD_REALLOC: case CMD_CALLOC:
	case CMD_WRITE: case CMD_FILL: case CMD_POLICY: case CMD_RESET: case CMD_ALIGN:
		return true;
	default:
		return false;
	}
}

static void set_error(struct command_error *error, size_t column, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct command_error *error, size_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	error->column = column;
	vsnprintf(error->message, sizeof error->message, format, args);
	va_end(args);
}

/* ---- checkpoints ------------------------------------------------------ */

static size_t checkpoint_cost(const struct heap *heap, const struct names *names)
{
	return heap_size(heap) + 64 + names_count(names) * 2 * 40;
}

static void checkpoint_release(struct checkpoint *checkpoint)
{
	heap_destroy(checkpoint->heap);
	names_destroy(checkpoint->names);
}

/* Keep every other checkpoint (step 0 always stays) and double the interval. */
static void thin_checkpoints(struct session *session)
{
	size_t wider = session->interval * 2;
	size_t kept = 0;
	session->checkpoint_bytes = 0;
	for (size_t i = 0; i < session->checkpoint_count; i++) {
		struct checkpoint *cp = &session->checkpoints[i];
		if (cp->step % wider != 0) {
			checkpoint_release(cp);
			continue;
		}
		session->checkpoint_bytes += checkpoint_cost(cp->heap, cp->names);
		session->checkpoints[kept++] = *cp;
	}
	session->checkpoint_count = kept;
	session->interval = wider;
}

/* Copy the live state as a checkpoint for the current step; false on host OOM (history still works). */
static bool add_checkpoint(struct session *session)
{
	if (session->checkpoint_count == session->checkpoint_capacity) {
		size_t capacity = session->checkpoint_capacity ? session->checkpoint_capacity * 2 : 16;
		struct checkpoint *grown = realloc(session->checkpoints, capacity * sizeof *grown);
		if (!grown)
			return false;
		session->checkpoints = grown;
		session->checkpoint_capacity = capacity;
	}
	struct checkpoint cp = {
		.step = session->current,
		.heap = heap_clone(session->heap),
		.names = names_clone(session->names),
		.next_auto = session->next_auto,
	};
	if (!cp.heap || !cp.names) {
		checkpoint_release(&cp);
		return false;
	}
	session->checkpoints[session->checkpoint_count++] = cp;
	session->checkpoint_bytes += checkpoint_cost(cp.heap, cp.names);
	while (session->checkpoint_bytes > session->budget && session->checkpoint_count > 1)
		thin_checkpoints(session);
	return true;
}

/* Drop checkpoints of steps after step (they belong to a dropped future). */
static void drop_checkpoints_after(struct session *session, size_t step)
{
	while (session->checkpoint_count > 1 &&
	       session->checkpoints[session->checkpoint_count - 1].step > step) {
		struct checkpoint *cp = &session->checkpoints[--session->checkpoint_count];
		session->checkpoint_bytes -= checkpoint_cost(cp->heap, cp->names);
		checkpoint_release(cp);
	}
}

/* ---- records ------------------------------------------------------------- */

static void record_release(struct step_record *record)
{
	free(record->source);
	command_release(&record->command);
	for (size_t i = 0; i < record->note_count; i++)
		free(record->notes[i]);
	free(record->notes);
	memset(record, 0, sizeof *record);
}

static void record_stats(struct step_record *record, const struct heap *heap)
{
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	record->utilization = (float)stats.utilization;
	record->fragmentation = (float)stats.external_fragmentation;
}


/* Room for at least count records. */
static bool reserve_step_room(struct session *session, size_t count)
{
	if (count <= session->step_capacity)
		return true;
	size_t capacity = session->step_capacity ? session->step_capacity : 64;
	while (capacity < count)
		capacity *= 2;
	struct step_record *grown = realloc(session->steps, capacity * sizeof *grown);
	if (!grown)
		return false;
	session->steps = grown;
	session->step_capacity = capacity;
	return true;
}

/* Room for one more step record. */
static bool reserve_step(struct session *session)
{
	return reserve_step_room(session, session->step_count + 1);
}

static char *copy_text(const char *text)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);
	if (copy)
		memcpy(copy, text, len + 1);
	return copy;
}

/* ---- the commands' effects ------------------------------------------------ */

/* Find the payload a target names; false with an error when it names no live block. */
static bool resolve_target(const struct session *session, const struct command_target *target,
			   size_t *payload, struct command_error *error)
{
	if (!target->is_name) {
		/* Checked here, before anything reads it: huge values would alias the NULL/freed markers. */
		if (target->address >= heap_size(session->heap)) {
			set_error(error, target->column, "0x%zx is outside the %zu-byte heap", target->address,
				  heap_size(session->heap));
			return false;
		}
		*payload = target->address;
		return true;
	}
	if (!names_lookup(session->names, target->name, payload)) {
		set_error(error, target->column, "no block is named '%s'", target->name);
		return false;
	}
	return true;
}

static void auto_name(struct session *session, char *name)
{
	size_t ignored;
	for (;;) {
		snprintf(name, COMMAND_NAME_MAX + 1, "p%lu", session->next_auto);
		if (!names_lookup(session->names, name, &ignored))
			return;
		session->next_auto++;
	}
}

/* The name an alloc/calloc will bind, or false with an error when the name is taken. */
static bool choose_name(struct session *session, const struct command *command, char *name,
			struct command_error *error)
{
	if (!command->has_name) {
		auto_name(session, name);
		return true;
	}
	size_t payload;
	if (names_lookup(session->names, command->name, &payload) && names_is_address(payload)) {
		set_error(error, command->name_column, "'%s' already names the block at 0x%03zx; free it first",
			  command->name, payload);
		return false;
	}
	snprintf(name, COMMAND_NAME_MAX + 1, "%s", command->name);
	return true;
}

static bool is_refusal(enum heap_status status)
{
	return status == HEAP_ERR_NO_SPACE || status == HEAP_ERR_FRAGMENTED || status == HEAP_ERR_TOO_LARGE;
}

static void note_free_space(const struct heap *heap, struct step_outcome *outcome)
{
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	outcome->free_total = stats.free_bytes;
	outcome->largest_free = stats.largest_free;
}

/* Bind name after a successful placement; on host OOM the name is simply not kept. */
static void bind_placed(struct session *session, const char *name, size_t payload, bool automatic)
{
	names_bind(session->names, name, payload);
	if (automatic)
		session->next_auto++;
}

static bool apply_alloc(struct session *session, const struct command *command,
			struct step_outcome *outcome, struct command_error *error)
{
	char name[COMMAND_NAME_MAX + 1];
	if (!choose_name(session, command, name, error))
		return false;
	if (command->kind == CMD_ALLOC && command->size == 0) {
		if (!command->zero_size_is_null) {
			set_error(error, command->size_column, "size must be at least 1 byte");
			return false;
		}
		outcome->kind = OUTCOME_NULL;
		snprintf(outcome->name, sizeof outcome->name, "%s", name);
		names_bind(session->names, name, NAMES_NULL);
		return true;
	}
	if (command->kind == CMD_CALLOC && (command->size == 0 || command->count == 0)) {
		set_error(error, command->count == 0 ? command->count_column : command->size_column,
			  "calloc needs a COUNT and SIZE of at least 1");
		return false;
	}
	outcome->search_start = heap_rover(session->heap);
	enum heap_status status = command->kind == CMD_CALLOC
		? heap_calloc(session->heap, command->count, command->size, &outcome->placement)
		: heap_alloc(session->heap, command->size, &outcome->placement);
	snprintf(outcome->name, sizeof outcome->name, "%s", name);
	outcome->status = status;
	if (status == HEAP_OK) {
		outcome->kind = OUTCOME_PLACED;
		outcome->payload = outcome->placement.payload;
		bind_placed(session, name, outcome->payload, !command->has_name);
		return true;
	}
	if (is_refusal(status)) {
		/* As in C, a named pointer that receives NULL is NULL afterwards. */
		outcome->kind = OUTCOME_REFUSED;
		note_free_space(session->heap, outcome); /* a refusal left the heap as it was */
		if (command->has_name)
			names_bind(session->names, name, NAMES_NULL);
		return true;
	}
	if (status == HEAP_ERR_OVERFLOW)
		set_error(error, command->size_column, "calloc: %zu x %zu overflows", command->count, command->size);
	else
		set_error(error, command->size_column, "%s", heap_status_message(status));
	return false;
}

/* Say why address is not something free/realloc/write can take. */
static void explain_bad_address(const struct session *session, const struct command_target *target,
				size_t address, enum heap_status status, struct command_error *error)
{
	const char *name = target->is_name ? target->name : NULL;
	if (status == HEAP_ERR_DOUBLE_FREE)
		set_error(error, target->column, "double free: 0x%03zx is already free", address);
	else if (address >= heap_size(session->heap))
		set_error(error, target->column, "0x%zx is outside the %zu-byte heap", address, heap_size(session->heap));
	else if (name)
		set_error(error, target->column, "'%s' (0x%03zx) is not a live allocation", name, address);
	else
		set_error(error, target->column, "0x%03zx is not the start of a live allocation", address);
}

/* Resolve a target that must be a live block; handles names bound to NULL or freed blocks. */
static bool live_target(struct session *session, const struct command *command, size_t *payload,
			struct command_error *error)
{
	if (!resolve_target(session, &command->target, payload, error))
		return false;
	if (*payload == NAMES_FREED) {
		set_error(error, command->target.column, "'%s' was freed already (use after free)", command->target.name);
		return false;
	}
	if (*payload == NAMES_NULL) {
		set_error(error, command->target.column, "'%s' is NULL (its request was refused)", command->target.name);
		return false;
	}
	struct heap_block block;
	if (!heap_find_allocation(session->heap, *payload, &block)) {
		explain_bad_address(session, &command->target, *payload, HEAP_ERR_NOT_ALLOCATED, error);
		return false;
	}
	return true;
}

/* The name of the block at payload, copied (the table may change during the step), "" if none. */
static void copy_owner_name(const struct session *session, size_t payload, char name[COMMAND_NAME_MAX + 1])
{
	const char *owner = names_at(session->names, payload);
	snprintf(name, COMMAND_NAME_MAX + 1, "%s", owner ? owner : "");
}

static bool apply_free(struct session *session, const struct command *command,
		       struct step_outcome *outcome, struct command_error *error)
{
	size_t payload;
	if (!resolve_target(session, &command->target, &payload, error))
		return false;
	if (payload == NAMES_FREED) {
		set_error(error, command->target.column, "double free: '%s' was freed already", command->target.name);
		return false;
	}
	if (payload == NAMES_NULL) {
		outcome->kind = OUTCOME_NULL;
		snprintf(outcome->name, sizeof outcome->name, "%s", command->target.name);
		/* As in C, free(p) leaves p as it was: the name holds NULL until it is bound again. */
		return true;
	}
	char name[COMMAND_NAME_MAX + 1];
	copy_owner_name(session, payload, name);
	enum heap_status status = heap_free(session->heap, payload, &outcome->release);
	if (status != HEAP_OK) {
		explain_bad_address(session, &command->target, payload, status, error);
		return false;
	}
	outcome->kind = OUTCOME_FREED;
	outcome->payload = payload;
	snprintf(outcome->name, sizeof outcome->name, "%s", name);
	if (name[0])
		names_bind(session->names, name, NAMES_FREED);
	return true;
}

static bool apply_realloc(struct session *session, const struct command *command,
			  struct step_outcome *outcome, struct command_error *error)
{
	size_t payload;
	if (!resolve_target(session, &command->target, &payload, error))
		return false;
	if (command->size == 0) {
		set_error(error, command->size_column, "size must be at least 1 byte (use free)");
		return false;
	}
	if (payload == NAMES_NULL) {
		/* realloc(NULL, n) is malloc(n). */
		struct command as_alloc = *command;
		as_alloc.kind = CMD_ALLOC;
		as_alloc.has_name = true;
		as_alloc.name_column = command->target.column;
		snprintf(as_alloc.name, sizeof as_alloc.name, "%s", command->target.name);
		if (!apply_alloc(session, &as_alloc, outcome, error))
			return false;
		outcome->from_null = true;
		return true;
	}
	if (payload == NAMES_FREED) {
		set_error(error, command->target.column, "'%s' was freed already (use after free)", command->target.name);
		return false;
	}
	char name[COMMAND_NAME_MAX + 1];
	copy_owner_name(session, payload, name);
	outcome->search_start = heap_rover(session->heap);
	enum heap_status status = heap_realloc(session->heap, payload, command->size, &outcome->placement);
	snprintf(outcome->name, sizeof outcome->name, "%s", name);
	outcome->status = status;
	if (status == HEAP_OK) {
		outcome->kind = OUTCOME_PLACED;
		outcome->payload = outcome->placement.payload;
		if (name[0] && outcome->payload != payload)
			names_bind(session->names, name, outcome->payload);
		return true;
	}
	if (is_refusal(status)) {
		outcome->kind = OUTCOME_REFUSED;
		outcome->payload = payload;
		note_free_space(session->heap, outcome);
		return true;
	}
	explain_bad_address(session, &command->target, payload, status, error);
	return false;
}

static bool apply_write(struct session *session, const struct command *command,
			struct step_outcome *outcome, struct command_error *error)
{
	size_t payload;
	if (!live_target(session, command, &payload, error))
		return false;
	struct heap_block block;
	heap_find_allocation(session->heap, payload, &block);
	enum heap_status status;
	if (command->kind == CMD_WRITE) {
		status = heap_write(session->heap, payload, 0, command->data, command->data_len);
		outcome->bytes = command->data_len;
	} else {
		status = heap_fill(session->heap, payload, command->byte);
		outcome->bytes = block.requested;
	}
	if (status == HEAP_ERR_OUT_OF_BOUNDS) {
		set_error(error, command->text_column ? command->text_column : command->target.column,
			  "%zu bytes do not fit in the %zu-byte payload at 0x%03zx",
			  command->data_len, block.requested, payload);
		return false;
	}
	if (status != HEAP_OK) {
		set_error(error, command->target.column, "%s", heap_status_message(status));
		return false;
	}
	outcome->kind = OUTCOME_WRITTEN;
	outcome->payload = payload;
	const char *owner = names_at(session->names, payload);
	snprintf(outcome->name, sizeof outcome->name, "%s", owner ? owner : "");
	return true;
}

/* policy, reset and align: a new empty heap with the changed setting. */
static bool apply_config(struct session *session, const struct command *command,
			 struct step_outcome *outcome, struct command_error *error)
{
	struct heap_config config = {
		.size = heap_size(session->heap),
		.policy = heap_policy(session->heap),
		.alignment = heap_alignment(session->heap),
	};
	/* Point at the argument that made the config impossible: SIZE for reset, the word for policy/align. */
	size_t column = command->kind == CMD_RESET ? command->size_column : command->value_column;
	if (command->kind == CMD_POLICY)
		config.policy = command->policy;
	else if (command->kind == CMD_ALIGN)
		config.alignment = command->alignment;
	else if (command->has_size)
		config.size = command->size;
	const char *problem = heap_config_problem(&config);
	if (problem) {
		set_error(error, column, "%s", problem);
		return false;
	}
	struct heap *fresh;
	enum heap_status status = heap_create(&config, &fresh);
	if (status != HEAP_OK) {
		set_error(error, column, "%s", heap_status_message(status));
		return false;
	}
	struct names *names = names_create();
	if (!names) {
		heap_destroy(fresh);
		set_error(error, 0, "out of host memory");
		return false;
	}
	struct heap_stats stats;
	heap_get_stats(session->heap, &stats);
	outcome->kind = OUTCOME_NONE;
	outcome->bytes = stats.used_blocks; /* blocks dropped by the reset */
	heap_destroy(session->heap);
	names_destroy(session->names);
	session->heap = fresh;
	session->names = names;
	session->next_auto = 1;
	return true;
}

/* Apply a step command to the live state; on false nothing changed. */
static bool apply(struct session *session, const struct command *command, struct step_outcome *outcome,
		  struct command_error *error)
{
	memset(outcome, 0, sizeof *outcome);
	outcome->policy = heap_policy(session->heap);
	switch (command->kind) {
	case CMD_ALLOC:
	case CMD_CALLOC: {
		/* Choosing an automatic name skips taken names by moving next_auto; a rejected
		 * request must not keep that move, or replaying history would name blocks differently. */
		unsigned long next_auto = session->next_auto;
		if (apply_alloc(session, command, outcome, error))
			return true;
		session->next_auto = next_auto;
		return false;
	}
	case CMD_FREE:
		return apply_free(session, command, outcome, error);
	case CMD_REALLOC:
		return apply_realloc(session, command, outcome, error);
	case CMD_WRITE:
	case CMD_FILL:
		return apply_write(session, command, outcome, error);
	case CMD_POLICY:
	case CMD_RESET:
	case CMD_ALIGN:
		return apply_config(session, command, outcome, error);
	default:
		set_error(error, 0, "'%s' is not a heap command", command_keyword(command->kind));
		return false;
	}
}

static void release_stash(struct session *session)
{
	for (size_t i = 0; i < session->stash_count; i++)
		record_release(&session->stash[i]);
	free(session->stash);
	session->stash = NULL;
	session->stash_count = 0;
}

/* ---- time travel --------------------------------------------------------- */

static void restore(struct session *session, const struct checkpoint *cp)
{
	/* Both copies reuse storage; on host OOM the live state would be torn, so check both first. */
	if (heap_copy_into(session->heap, cp->heap) != HEAP_OK) {
		struct heap *copy = heap_clone(cp->heap);
		if (copy) {
			heap_destroy(session->heap);
			session->heap = copy;
		}
	}
	names_copy_into(session->names, cp->names);
	session->next_auto = cp->next_auto;
	session->current = cp->step;
}

static const struct checkpoint *checkpoint_at_or_before(const struct session *session, size_t step)
{
	size_t lo = 0, hi = session->checkpoint_count;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (session->checkpoints[mid].step <= step)
			lo = mid;
		else
			hi = mid;
	}
	return &session->checkpoints[lo];
}

/* Re-run recorded steps current+1..target on the live state. */
static void replay_to(struct session *session, size_t target)
{
	while (session->current < target) {
		struct step_outcome outcome;
		struct command_error error;
		session->current++;
		apply(session, &session->steps[session->current].command, &outcome, &error);
	}
}

static void move_to(struct session *session, size_t target)
{
	if (target == session->current)
		return;
	const struct checkpoint *cp = checkpoint_at_or_before(session, target);
	bool forward_is_short = target > session->current && cp->step <= session->current;
	if (!forward_is_short)
		restore(session, cp);
	replay_to(session, target);
}

/* Put the stashed timeline back after the branch point (the current step), dropping the branch. */
static size_t restore_stash(struct session *session)
{
	size_t base = session->stash_base, count = session->stash_count;
	if (!session->stash || session->current != base)
		return 0;
	if (!reserve_step_room(session, base + 1 + count))
		return 0;
	for (size_t i = base + 1; i < session->step_count; i++)
		record_release(&session->steps[i]);
	drop_checkpoints_after(session, base);
	memcpy(&session->steps[base + 1], session->stash, count * sizeof *session->stash);
	session->step_count = base + 1 + count;
	free(session->stash);
	session->stash = NULL;
	session->stash_count = 0;
	/* Checkpoints again, so reaching the restored steps stays one interval of replay. */
	for (size_t step = (base / session->interval + 1) * session->interval; step < session->step_count;
	     step += session->interval) {
		replay_to(session, step);
		add_checkpoint(session);
	}
	move_to(session, base);
	return count;
}

bool session_undo(struct session *session, struct command_error *error)
{
	if (session->current == 0) {
		set_error(error, 0, "nothing to undo: this is step 0");
		return false;
	}
	move_to(session, session->current - 1);
	return true;
}

void session_keep_branches(struct session *session, bool keep)
{
	session->keep_branches = keep;
	if (!keep)
		release_stash(session);
}

bool session_redo(struct session *session, struct command_error *error)
{
	if (session->current + 1 >= session->step_count) {
		set_error(error, 0, "nothing to redo: step %zu is the last", session->current);
		return false;
	}
	move_to(session, session->current + 1);
	return true;
}

bool session_goto(struct session *session, size_t step, struct command_error *error)
{
	if (step >= session->step_count) {
		set_error(error, 0, "no step %zu: history has steps 0 to %zu", step, session->step_count - 1);
		return false;
	}
	move_to(session, step);
	return true;
}

/* ---- public --------------------------------------------------------------- */

struct session *session_create(const struct heap_config *config, enum heap_status *status)
{
	enum heap_status ignored;
	if (!status)
		status = &ignored;
	struct session *session = calloc(1, sizeof *session);
	if (!session) {
		*status = HEAP_ERR_HOST_MEMORY;
		return NULL;
	}
	*status = heap_create(config, &session->heap);
	if (*status != HEAP_OK) {
		free(session);
		return NULL;
	}
	session->names = names_create();
	session->next_auto = 1;
	session->interval = FIRST_INTERVAL;
	session->budget = DEFAULT_BUDGET;
	if (!session->names || !reserve_step(session)) {
		*status = HEAP_ERR_HOST_MEMORY;
		session_destroy(session);
		return NULL;
	}
	struct step_record *first = &session->steps[0];
	memset(first, 0, sizeof *first);
	first->source = copy_text("");
	record_stats(first, session->heap);
	session->step_count = 1;
	if (!first->source || !add_checkpoint(session)) {
		*status = HEAP_ERR_HOST_MEMORY;
		session_destroy(session);
		return NULL;
	}
	return session;
}

void session_destroy(struct session *session)
{
	if (!session)
		return;
	for (size_t i = 0; i < session->step_count; i++)
		record_release(&session->steps[i]);
	free(session->steps);
	release_stash(session);
	for (size_t i = 0; i < session->checkpoint_count; i++)
		checkpoint_release(&session->checkpoints[i]);
	free(session->checkpoints);
	heap_destroy(session->heap);
	names_destroy(session->names);
	free(session);
}

/* Forget the undone steps after the current one. */
/* Keep the steps about to be dropped so undo can bring them back; false on host OOM (they are just dropped). */
static bool stash_future(struct session *session)
{
	size_t count = session->step_count - 1 - session->current;
	struct step_record *stash = malloc(count * sizeof *stash);
	if (!stash)
		return false;
	release_stash(session);
	memcpy(stash, &session->steps[session->current + 1], count * sizeof *stash);
	session->stash = stash;
	session->stash_count = count;
	session->stash_base = session->current;
	return true;
}

static size_t drop_future(struct session *session)
{
	size_t dropped = session->step_count - 1 - session->current;
	if (session->keep_branches && dropped > 0 && stash_future(session))
		memset(&session->steps[session->current + 1], 0, dropped * sizeof *session->steps);
	for (size_t i = session->current + 1; i < session->step_count; i++)
		record_release(&session->steps[i]);
	session->step_count = session->current + 1;
	drop_checkpoints_after(session, session->current);
	return dropped;
}

static void short_outcome(const struct session *session, const struct command *command,
			  const struct step_outcome *outcome, char *buffer, size_t size)
{
	const char *name = outcome->name;
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->from_null)
			snprintf(buffer, size, "%s = 0x%03zx (%zu B block at 0x%03zx; realloc of NULL allocates)", name,
				 outcome->payload, outcome->placement.block_size, outcome->placement.block);
		else if (command->kind == CMD_REALLOC && outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "%s moved 0x%03zx -> 0x%03zx (%zu B block)", name[0] ? name : "block",
				 outcome->placement.old_payload, outcome->payload, outcome->placement.block_size);
		else if (command->kind == CMD_REALLOC)
			snprintf(buffer, size, "%s resized in place at 0x%03zx (%zu B block)", name[0] ? name : "block",
				 outcome->payload, outcome->placement.block_size);
		else
			snprintf(buffer, size, "%s = 0x%03zx (%zu B block at 0x%03zx)", name, outcome->payload,
				 outcome->placement.block_size, outcome->placement.block);
		break;
	case OUTCOME_REFUSED:
		snprintf(buffer, size, "refused: %s", heap_status_message(outcome->status));
		break;
	case OUTCOME_NULL:
		if (command->kind == CMD_FREE)
			snprintf(buffer, size, "free(NULL): nothing to do");
		else
			snprintf(buffer, size, "%s = NULL", name);
		break;
	case OUTCOME_FREED:
		snprintf(buffer, size, "freed %s%s0x%03zx", name, name[0] ? " at " : "", outcome->payload);
		break;
	case OUTCOME_WRITTEN:
		snprintf(buffer, size, "wrote %zu B into %s%s0x%03zx", outcome->bytes, name, name[0] ? " at " : "",
			 outcome->payload);
		break;
	case OUTCOME_NONE:
		snprintf(buffer, size, "new heap: %s, %zu B, align %u", heap_policy_title(heap_policy(session->heap)),
			 heap_size(session->heap), heap_alignment(session->heap));
		break;
	}
}

static void run_step(struct session *session, const struct command *command, const char *source,
		     struct session_report *report)
{
	if (!reserve_step(session)) {
		set_error(&report->error, 0, "out of host memory for history");
		report->ok = false;
		return;
	}
	struct step_outcome outcome;
	if (!apply(session, command, &outcome, &report->error)) {
		report->ok = false;
		return;
	}
	/* Applied: from here the step is recorded whatever happens. */
	if (session->current + 1 < session->step_count) {
		report->dropped_future = true;
		report->dropped_steps = drop_future(session);
	}
	struct step_record *record = &session->steps[session->step_count];
	memset(record, 0, sizeof *record);
	record->source = copy_text(source ? source : "");
	if (!command_copy(&record->command, command))
		memset(&record->command, 0, sizeof record->command);
	record->outcome = outcome;
	record_stats(record, session->heap);
	session->step_count++;
	session->current++;
	if (session->current % session->interval == 0)
		add_checkpoint(session);

	report->new_step = true;
	report->outcome = outcome;
	session_explain_outcome(command, &outcome, report->explain, sizeof report->explain);
	short_outcome(session, command, &outcome, report->message, sizeof report->message);
	if (command->kind == CMD_POLICY || command->kind == CMD_RESET || command->kind == CMD_ALIGN) {
		size_t len = strlen(report->message);
		if (outcome.bytes)
			snprintf(report->message + len, sizeof report->message - len,
				 " (the heap was reset: %zu block%s dropped)", outcome.bytes, outcome.bytes == 1 ? "" : "s");
	}
}

static bool attach_note(struct session *session, const char *text)
{
	struct step_record *record = &session->steps[session->current];
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

static void run_check(const struct session *session, struct session_report *report)
{
	struct heap_problem problems[32];
	size_t count = heap_check(session->heap, problems, 32);
	struct heap_stats stats;
	heap_get_stats(session->heap, &stats);
	if (count == 0) {
		snprintf(report->message, sizeof report->message,
			 "check: the heap is consistent (%zu used, %zu free blocks)", stats.used_blocks, stats.free_blocks);
		return;
	}
	snprintf(report->message, sizeof report->message, "check: %zu problem%s; first at 0x%03zx: %s",
		 count, count == 1 ? "" : "s", problems[0].offset, problems[0].message);
	struct strbuf text;
	strbuf_init(&text);
	for (size_t i = 0; i < count && i < 32; i++)
		strbuf_printf(&text, "0x%03zx: %s\n", problems[i].offset, problems[i].message);
	if (count > 32)
		strbuf_printf(&text, "... and %zu more\n", count - 32);
	report->text = strbuf_take(&text);
}

static void help_text(const struct command *command, struct session_report *report)
{
	struct strbuf text;
	strbuf_init(&text);
	if (command->help_topic != CMD_EMPTY) {
		enum command_kind kind = command->help_topic;
		strbuf_printf(&text, "%s\n  %s\n", command_usage(kind), command_summary(kind));
		snprintf(report->message, sizeof report->message, "%s: %s", command_usage(kind), command_summary(kind));
	} else {
		report->help_overview = true;
		strbuf_puts(&text, "Commands:\n");
		for (int k = CMD_ALLOC; k < CMD_KIND_COUNT; k++)
			strbuf_printf(&text, "  %-28s %s\n", command_usage((enum command_kind)k),
				      command_summary((enum command_kind)k));
		strbuf_puts(&text, "Sizes are decimal or hex (0x40) with optional K or M (1K = 1024).\n");
		snprintf(report->message, sizeof report->message, "commands: alloc free realloc calloc write fill policy "
			 "reset align undo redo goto check note sleep export help quit");
	}
	report->text = strbuf_take(&text);
}

void session_run(struct session *session, const struct command *command, const char *source,
		 struct session_report *report)
{
	memset(report, 0, sizeof *report);
	report->ok = true;
	report->kind = command->kind;
	if (is_step_kind(command->kind)) {
		run_step(session, command, source, report);
		return;
	}
	size_t before = session->current;
	switch (command->kind) {
	case CMD_EMPTY:
		break;
	case CMD_UNDO:
		report->ok = session_undo(session, &report->error);
		if (report->ok && session->keep_branches)
			report->restored_steps = restore_stash(session);
		break;
	case CMD_REDO:
		report->ok = session_redo(session, &report->error);
		break;
	case CMD_GOTO:
		report->ok = session_goto(session, command->step, &report->error);
		if (!report->ok)
			report->error.column = command->value_column;
		break;
	case CMD_CHECK:
		run_check(session, report);
		break;
	case CMD_NOTE:
		if (!attach_note(session, command->text ? command->text : "")) {
			report->ok = false;
			set_error(&report->error, 0, "out of host memory for the note");
		}
		snprintf(report->message, sizeof report->message, "note: %s", command->text ? command->text : "");
		break;
	case CMD_SLEEP:
		/* Several sleeps on one step add up, to at most an hour: never a wrapped-around pause. */
		if (command->ms > COMMAND_SLEEP_MAX - session->steps[session->current].sleep_ms) {
			session->steps[session->current].sleep_ms = COMMAND_SLEEP_MAX;
			snprintf(report->message, sizeof report->message,
				 "sleep %lu ms during playback (playback caps the total pause at 1 h)", command->ms);
		} else {
			session->steps[session->current].sleep_ms += command->ms;
			snprintf(report->message, sizeof report->message, "sleep %lu ms during playback", command->ms);
		}
		break;
	case CMD_HELP:
		help_text(command, report);
		break;
	case CMD_QUIT:
		report->quit = true;
		break;
	case CMD_EXPORT:
		/* Writing files is the caller's business: the core never touches the file system. */
		if (!export_format_of(command->text ? command->text : "", &(enum export_format){ EXPORT_SVG })) {
			report->ok = false;
			set_error(&report->error, command->text_column, "export writes a .svg or a .txt file");
			break;
		}
		report->export_path = copy_text(command->text ? command->text : "");
		if (!report->export_path) {
			report->ok = false;
			set_error(&report->error, 0, "out of host memory");
		}
		break;
	default:
		break;
	}
	if (report->ok && session->current != before) {
		report->moved = true;
		snprintf(report->message, sizeof report->message, "now at step %zu of %zu", session->current,
			 session->step_count - 1);
		if (report->restored_steps)
			snprintf(report->message, sizeof report->message,
				 "back at step %zu: the timeline's %zu later step%s are back (redo or play to go on)",
				 session->current, report->restored_steps, report->restored_steps == 1 ? "" : "s");
		const struct step_record *record = &session->steps[session->current];
		if (session->current > 0)
			session_explain_outcome(&record->command, &record->outcome, report->explain, sizeof report->explain);
	}
}

void session_run_line(struct session *session, const char *line, struct session_report *report)
{
	struct command command;
	struct command_error error;
	if (!command_parse(line, strlen(line), &command, &error)) {
		memset(report, 0, sizeof *report);
		report->ok = false;
		report->error = error;
		return;
	}
	session_run(session, &command, line, report);
	command_release(&command);
}

void session_report_release(struct session_report *report)
{
	free(report->text);
	report->text = NULL;
	free(report->export_path);
	report->export_path = NULL;
}

const struct heap *session_heap(const struct session *session)
{
	return session->heap;
}

const struct names *session_names(const struct session *session)
{
	return session->names;
}

size_t session_step(const struct session *session)
{
	return session->current;
}

size_t session_last_step(const struct session *session)
{
	return session->step_count - 1;
}

bool session_step_info(const struct session *session, size_t step, struct step_info *info)
{
	if (step >= session->step_count)
		return false;
	const struct step_record *record = &session->steps[step];
	info->source = record->source ? record->source : "";
	info->command = &record->command;
	info->outcome = record->outcome;
	info->note_count = record->note_count;
	info->notes = (const char *const *)record->notes;
	info->sleep_ms = record->sleep_ms;
	return true;
}

void session_explain_current(const struct session *session, char *buffer, size_t size)
{
	if (size == 0)
		return;
	buffer[0] = '\0';
	if (session->current == 0)
		return;
	const struct step_record *record = &session->steps[session->current];
	session_explain_outcome(&record->command, &record->outcome, buffer, size);
}

const char *session_name_at(const struct session *session, size_t payload)
{
	return names_at(session->names, payload);
}

bool session_history_stats(const struct session *session, size_t step, double *utilization, double *fragmentation)
{
	if (step >= session->step_count)
		return false;
	*utilization = session->steps[step].utilization;
	*fragmentation = session->steps[step].fragmentation;
	return true;
}

size_t session_checkpoint_interval(const struct session *session)
{
	return session->interval;
}

size_t session_checkpoint_count(const struct session *session)
{
	return session->checkpoint_count;
}

void session_set_checkpoint_budget(struct session *session, size_t bytes)
{
	session->budget = bytes;
	while (session->checkpoint_bytes > session->budget && session->checkpoint_count > 1)
		thin_checkpoints(session);
}
