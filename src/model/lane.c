/* lane.c - one allocator of a session: the checks a command must pass, then its effect on the heap and names. */
#include "lane.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * The checks say why a command cannot be taken as a refusal record (see
 * refusal.h): a reason, the column it points at, the numbers and the name;
 * the words module words it. Each refuse_* returns false, so a check reads
 * `return refuse(...)`.
 */
static bool refuse(struct refusal *refusal, enum refusal_reason reason, size_t column)
{
	memset(refusal, 0, sizeof *refusal);
	refusal->reason = reason;
	refusal->column = column;
	return false;
}

static bool refuse_numbers(struct refusal *refusal, enum refusal_reason reason, size_t column, size_t a, size_t b,
			   size_t c)
{
	refuse(refusal, reason, column);
	refusal->numbers[0] = a;
	refusal->numbers[1] = b;
	refusal->numbers[2] = c;
	return false;
}

static bool refuse_name(struct refusal *refusal, enum refusal_reason reason, size_t column, const char *name,
			size_t number)
{
	refuse_numbers(refusal, reason, column, number, 0, 0);
	snprintf(refusal->name, sizeof refusal->name, "%s", name ? name : "");
	return false;
}

bool lane_create(struct lane *lane, const struct heap_config *config, enum heap_status *status)
{
	memset(lane, 0, sizeof *lane);
	*status = heap_create(config, &lane->heap);
	if (*status != HEAP_OK)
		return false;
	lane->names = names_create();
	if (!lane->names) {
		*status = HEAP_ERR_HOST_MEMORY;
		lane_release(lane);
		return false;
	}
	return true;
}

void lane_release(struct lane *lane)
{
	heap_destroy(lane->heap);
	names_destroy(lane->names);
	memset(lane, 0, sizeof *lane);
}

bool lane_copy_into(struct lane *dst, const struct lane *src)
{
	/* Both copies reuse storage; when heap_copy_into cannot, a fresh clone takes its place. */
	if (heap_copy_into(dst->heap, src->heap) != HEAP_OK) {
		struct heap *copy = heap_clone(src->heap);
		if (!copy)
			return false;
		heap_destroy(dst->heap);
		dst->heap = copy;
	}
	return names_copy_into(dst->names, src->names);
}

/* ---- checks: read only ---------------------------------------------------- */

static void copy_name(char name[COMMAND_NAME_MAX + 1], const char *text)
{
	/* A bounded copy, not snprintf: it runs for every step. */
	size_t len = 0;
	for (; text && text[len] && len < COMMAND_NAME_MAX; len++)
		name[len] = text[len];
	name[len] = '\0';
}

/* Find the payload a target names; false with an refusal when it names no live block. */
static bool resolve_target(const struct lane *lane, const struct command_target *target, size_t *payload,
			   struct refusal *refusal)
{
	if (!target->is_name) {
		/* Checked here, before anything reads it: huge values would alias the NULL/freed markers. */
		if (target->address >= heap_size(lane->heap))
			return refuse_numbers(refusal, REFUSAL_OUTSIDE_HEAP, target->column, target->address,
					      heap_size(lane->heap), 0);
		*payload = target->address;
		return true;
	}
	if (!names_lookup(lane->names, target->name, payload))
		return refuse_name(refusal, REFUSAL_NO_SUCH_NAME, target->column, target->name, 0);
	return true;
}

/*
 * Why heap_free or heap_realloc would not take address (it is no live
 * allocation): the payload of a free block is a double free, anything else
 * is not allocated. The same rule as the heap's, read through the walker.
 */
static enum heap_status dead_address_status(const struct heap *heap, size_t address)
{
	struct heap_block block;
	if (address >= heap_break(heap) || !heap_block_at(heap, address, &block) || block.state != BLOCK_FREE)
		return HEAP_ERR_NOT_ALLOCATED;
	if (address >= block.offset + block.header_size && address < block.offset + block.size - block.footer_size &&
	    address % heap_alignment(heap) == 0)
		return HEAP_ERR_DOUBLE_FREE;
	return HEAP_ERR_NOT_ALLOCATED;
}

/* Why address is not something free/realloc/write can take; false. */
static bool refuse_bad_address(const struct lane *lane, const struct command_target *target, size_t address,
			       enum heap_status status, struct refusal *refusal)
{
	if (status == HEAP_ERR_DOUBLE_FREE)
		return refuse_numbers(refusal, REFUSAL_DOUBLE_FREE_ADDRESS, target->column, address, 0, 0);
	if (address >= heap_size(lane->heap))
		return refuse_numbers(refusal, REFUSAL_OUTSIDE_HEAP, target->column, address, heap_size(lane->heap), 0);
	if (target->is_name)
		return refuse_name(refusal, REFUSAL_NOT_LIVE_NAMED, target->column, target->name, address);
	return refuse_numbers(refusal, REFUSAL_NOT_LIVE_ADDRESS, target->column, address, 0, 0);
}

/* A payload free or realloc can take; false with the heap's reason otherwise. */
static bool check_live_address(const struct lane *lane, const struct command_target *target, size_t payload,
			       struct refusal *refusal)
{
	struct heap_block block;
	if (heap_find_allocation(lane->heap, payload, &block))
		return true;
	return refuse_bad_address(lane, target, payload, dead_address_status(lane->heap, payload), refusal);
}

/* The explicit name an alloc binds must not name a live block. */
static bool check_name(const struct lane *lane, const struct command *command, struct refusal *refusal)
{
	size_t payload;
	if (command->has_name && names_lookup(lane->names, command->name, &payload) && names_is_address(payload))
		return refuse_name(refusal, REFUSAL_NAME_TAKEN, command->name_column, command->name, payload);
	return true;
}

static bool check_alloc(const struct lane *lane, const struct command *command, struct refusal *refusal)
{
	if (!check_name(lane, command, refusal))
		return false;
	if (command->kind == CMD_ALLOC && command->size == 0 && !command->zero_size_is_null)
		return refuse(refusal, REFUSAL_ZERO_SIZE, command->size_column);
	if (command->kind == CMD_CALLOC && (command->size == 0 || command->count == 0))
		return refuse(refusal, REFUSAL_CALLOC_ZERO, command->count == 0 ? command->count_column : command->size_column);
	if (command->kind == CMD_CALLOC && command->count > SIZE_MAX / command->size)
		return refuse_numbers(refusal, REFUSAL_CALLOC_OVERFLOW, command->size_column, command->count, command->size, 0);
	return true;
}

static bool check_free(const struct lane *lane, const struct command *command, struct refusal *refusal)
{
	size_t payload;
	if (!resolve_target(lane, &command->target, &payload, refusal))
		return false;
	if (payload == NAMES_FREED)
		return refuse_name(refusal, REFUSAL_DOUBLE_FREE_NAME, command->target.column, command->target.name, 0);
	return payload == NAMES_NULL || check_live_address(lane, &command->target, payload, refusal);
}

/* realloc(NULL, n) is malloc(n) under the target's name. */
static struct command realloc_as_alloc(const struct command *command)
{
	struct command as_alloc = *command;
	as_alloc.kind = CMD_ALLOC;
	as_alloc.has_name = true;
	as_alloc.name_column = command->target.column;
	copy_name(as_alloc.name, command->target.name);
	return as_alloc;
}

static bool check_realloc(const struct lane *lane, const struct command *command, struct refusal *refusal)
{
	size_t payload;
	if (!resolve_target(lane, &command->target, &payload, refusal))
		return false;
	if (command->size == 0)
		return refuse(refusal, REFUSAL_REALLOC_ZERO_SIZE, command->size_column);
	if (payload == NAMES_NULL) {
		struct command as_alloc = realloc_as_alloc(command);
		return check_alloc(lane, &as_alloc, refusal);
	}
	if (payload == NAMES_FREED)
		return refuse_name(refusal, REFUSAL_USE_AFTER_FREE, command->target.column, command->target.name, 0);
	return check_live_address(lane, &command->target, payload, refusal);
}

/* The live block write and fill reach; handles names bound to NULL or freed blocks. */
static bool live_target(const struct lane *lane, const struct command *command, struct heap_block *block,
			struct refusal *refusal)
{
	size_t payload;
	if (!resolve_target(lane, &command->target, &payload, refusal))
		return false;
	if (payload == NAMES_FREED)
		return refuse_name(refusal, REFUSAL_USE_AFTER_FREE, command->target.column, command->target.name, 0);
	if (payload == NAMES_NULL)
		return refuse_name(refusal, REFUSAL_NULL_TARGET, command->target.column, command->target.name, 0);
	if (!heap_find_allocation(lane->heap, payload, block))
		return refuse_bad_address(lane, &command->target, payload, HEAP_ERR_NOT_ALLOCATED, refusal);
	return true;
}

static bool check_write(const struct lane *lane, const struct command *command, struct refusal *refusal)
{
	struct heap_block block;
	if (!live_target(lane, command, &block, refusal))
		return false;
	if (command->kind == CMD_WRITE && command->data_len > block.requested)
		return refuse_numbers(refusal, REFUSAL_WRITE_TOO_LONG,
				      command->text_column ? command->text_column : command->target.column,
				      command->data_len, block.requested, block.payload);
	return true;
}

/* policy, reset and align: the configuration of the new empty heap. */
static struct heap_config new_config(const struct lane *lane, const struct command *command, bool several_lanes)
{
	struct heap_config config = {
		.size = heap_size(lane->heap),
		.policy = heap_policy(lane->heap),
		.alignment = heap_alignment(lane->heap),
		.order = heap_order(lane->heap),
	};
	if (command->kind == CMD_POLICY) {
		config.policy = command->policy;
		/* buddy, seglist and tlsf keep lists of their own: a change to one of them goes back to address order */
		if (!heap_policy_has_order(config.policy))
			config.order = HEAP_ORDER_ADDRESS;
	} else if (command->kind == CMD_ORDER) {
		/* While comparing, a lane whose allocator keeps its own lists (buddy, seglist, tlsf) stays in address order. */
		config.order = several_lanes && !heap_policy_has_order(config.policy) ? HEAP_ORDER_ADDRESS : command->order;
	}
	else if (command->kind == CMD_ALIGN)
		config.alignment = command->alignment;
	else if (command->has_size)
		config.size = command->size;
	return config;
}

/* Point at the argument that made the config impossible: SIZE for reset, the word for policy/align. */
static size_t config_column(const struct command *command)
{
	return command->kind == CMD_RESET ? command->size_column : command->value_column;
}

static bool check_config(const struct lane *lane, const struct command *command, bool several_lanes,
			 struct refusal *refusal)
{
	struct heap_config config = new_config(lane, command, several_lanes);
	if (heap_config_problem(&config)) {
		refuse(refusal, REFUSAL_BAD_CONFIG, config_column(command));
		refusal->config = config;
		return false;
	}
	return true;
}

bool lane_check(const struct lane *lane, const struct lane_request *request, struct refusal *refusal)
{
	const struct command *command = request->command;
	switch (command->kind) {
	case CMD_ALLOC:
	case CMD_CALLOC:
		return check_alloc(lane, command, refusal);
	case CMD_FREE:
		return check_free(lane, command, refusal);
	case CMD_REALLOC:
		return check_realloc(lane, command, refusal);
	case CMD_WRITE:
	case CMD_FILL:
		return check_write(lane, command, refusal);
	case CMD_POLICY:
	case CMD_RESET:
	case CMD_ALIGN:
	case CMD_ORDER:
		return check_config(lane, command, request->several_lanes, refusal);
	default:
		refuse(refusal, REFUSAL_NOT_HEAP_COMMAND, 0);
		refusal->command = command->kind;
		return false;
	}
}

/* ---- commits: the checks passed ------------------------------------------- */

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

/* The name of the block at payload, copied (the table may change during the step), "" if none. */
static void copy_owner_name(const struct lane *lane, size_t payload, char name[COMMAND_NAME_MAX + 1])
{
	copy_name(name, names_at(lane->names, payload));
}

static bool commit_alloc(struct lane *lane, const struct command *command, const char *auto_name,
			 struct step_outcome *outcome)
{
	const char *name = command->has_name ? command->name : auto_name;
	copy_name(outcome->name, name);
	if (command->kind == CMD_ALLOC && command->size == 0) {
		/* zero_size_is_null (checked): malloc(0) gave NULL. */
		outcome->kind = OUTCOME_NULL;
		names_bind(lane->names, name, NAMES_NULL);
		return true;
	}
	outcome->search_start = heap_rover(lane->heap);
	enum heap_status status = command->kind == CMD_CALLOC
		? heap_calloc(lane->heap, command->count, command->size, &outcome->placement)
		: heap_alloc(lane->heap, command->size, &outcome->placement);
	outcome->status = status;
	if (status == HEAP_OK) {
		outcome->kind = OUTCOME_PLACED;
		outcome->payload = outcome->placement.payload;
		/* On host OOM the name is simply not kept. */
		names_bind(lane->names, name, outcome->payload);
		return true;
	}
	if (!is_refusal(status))
		return false;
	/* As in C, a named pointer that receives NULL is NULL afterwards. */
	outcome->kind = OUTCOME_REFUSED;
	note_free_space(lane->heap, outcome); /* a refusal left the heap as it was */
	if (command->has_name)
		names_bind(lane->names, name, NAMES_NULL);
	return true;
}

static bool commit_free(struct lane *lane, const struct command *command, struct step_outcome *outcome)
{
	size_t payload = command->target.address;
	if (command->target.is_name)
		names_lookup(lane->names, command->target.name, &payload);
	if (payload == NAMES_NULL) {
		outcome->kind = OUTCOME_NULL;
		copy_name(outcome->name, command->target.name);
		/* As in C, free(p) leaves p as it was: the name holds NULL until it is bound again. */
		return true;
	}
	char name[COMMAND_NAME_MAX + 1];
	copy_owner_name(lane, payload, name);
	if (heap_free(lane->heap, payload, &outcome->release) != HEAP_OK)
		return false;
	outcome->kind = OUTCOME_FREED;
	outcome->payload = payload;
	copy_name(outcome->name, name);
	if (name[0])
		names_bind(lane->names, name, NAMES_FREED);
	return true;
}

static bool commit_realloc(struct lane *lane, const struct command *command, struct step_outcome *outcome)
{
	size_t payload = command->target.address;
	if (command->target.is_name)
		names_lookup(lane->names, command->target.name, &payload);
	if (payload == NAMES_NULL) {
		struct command as_alloc = realloc_as_alloc(command);
		if (!commit_alloc(lane, &as_alloc, "", outcome))
			return false;
		outcome->from_null = true;
		return true;
	}
	char name[COMMAND_NAME_MAX + 1];
	copy_owner_name(lane, payload, name);
	outcome->search_start = heap_rover(lane->heap);
	enum heap_status status = heap_realloc(lane->heap, payload, command->size, &outcome->placement);
	copy_name(outcome->name, name);
	outcome->status = status;
	if (status == HEAP_OK) {
		outcome->kind = OUTCOME_PLACED;
		outcome->payload = outcome->placement.payload;
		if (name[0] && outcome->payload != payload)
			names_bind(lane->names, name, outcome->payload);
		return true;
	}
	if (!is_refusal(status))
		return false;
	outcome->kind = OUTCOME_REFUSED;
	outcome->payload = payload;
	note_free_space(lane->heap, outcome);
	return true;
}

static bool commit_write(struct lane *lane, const struct command *command, struct step_outcome *outcome)
{
	size_t payload = command->target.address;
	if (command->target.is_name)
		names_lookup(lane->names, command->target.name, &payload);
	struct heap_block block;
	if (!heap_find_allocation(lane->heap, payload, &block))
		return false;
	enum heap_status status;
	if (command->kind == CMD_WRITE) {
		status = heap_write(lane->heap, payload, 0, command->data, command->data_len);
		outcome->bytes = command->data_len;
	} else {
		status = heap_fill(lane->heap, payload, command->byte);
		outcome->bytes = block.requested;
	}
	if (status != HEAP_OK)
		return false;
	outcome->kind = OUTCOME_WRITTEN;
	outcome->payload = payload;
	copy_owner_name(lane, payload, outcome->name);
	return true;
}

static bool commit_config(struct lane *lane, const struct command *command, bool several_lanes,
			  struct step_outcome *outcome)
{
	struct heap_config config = new_config(lane, command, several_lanes);
	struct lane fresh;
	enum heap_status status;
	if (!lane_create(&fresh, &config, &status))
		return false;
	struct heap_stats stats;
	heap_get_stats(lane->heap, &stats);
	outcome->kind = OUTCOME_NONE;
	outcome->bytes = stats.used_blocks; /* blocks dropped by the reset */
	lane_release(lane);
	*lane = fresh;
	return true;
}

bool lane_commit(struct lane *lane, const struct lane_request *request, struct step_outcome *outcome)
{
	const struct command *command = request->command;
	memset(outcome, 0, sizeof *outcome);
	outcome->policy = heap_policy(lane->heap);
	outcome->order = heap_order(lane->heap);
	switch (command->kind) {
	case CMD_ALLOC:
	case CMD_CALLOC:
		return commit_alloc(lane, command, request->auto_name, outcome);
	case CMD_FREE:
		return commit_free(lane, command, outcome);
	case CMD_REALLOC:
		return commit_realloc(lane, command, outcome);
	case CMD_WRITE:
	case CMD_FILL:
		return commit_write(lane, command, outcome);
	case CMD_POLICY:
	case CMD_RESET:
	case CMD_ALIGN:
	case CMD_ORDER:
		return commit_config(lane, command, request->several_lanes, outcome);
	default:
		return false;
	}
}
