/* step_codec.c - packing a step of history (command, source text, outcomes) into bytes and reading it back. */
#include "step_codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- bytes ----------------------------------------------------------------- */

static bool reserve(struct step_bytes *out, size_t more)
{
	if (out->failed)
		return false;
	if (out->len + more <= out->capacity)
		return true;
	size_t capacity = out->capacity ? out->capacity : 4096;
	while (capacity < out->len + more)
		capacity *= 2;
	uint8_t *grown = realloc(out->data, capacity);
	if (!grown) {
		out->failed = true;
		return false;
	}
	out->data = grown;
	out->capacity = capacity;
	return true;
}

static void put_byte(struct step_bytes *out, uint8_t byte)
{
	if (reserve(out, 1))
		out->data[out->len++] = byte;
}

static void put_raw(struct step_bytes *out, const void *data, size_t len)
{
	if (len && reserve(out, len)) {
		memcpy(out->data + out->len, data, len);
		out->len += len;
	}
}

static void put_varint(struct step_bytes *out, uint64_t value)
{
	while (value >= 0x80) {
		put_byte(out, (uint8_t)(value | 0x80));
		value >>= 7;
	}
	put_byte(out, (uint8_t)value);
}

/* Text as length + bytes + NUL, so a decoded pointer can point straight at it. */
static void put_text(struct step_bytes *out, const char *text, size_t len)
{
	put_varint(out, len);
	put_raw(out, text, len);
	put_byte(out, 0);
}

static uint64_t get_varint(struct step_reader *in)
{
	uint64_t value = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t byte = in->data[in->pos++];
		value |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return value;
	}
}

static const char *get_text(struct step_reader *in, size_t *len)
{
	*len = (size_t)get_varint(in);
	const char *text = (const char *)in->data + in->pos;
	in->pos += *len + 1;
	return text;
}

static void get_name(struct step_reader *in, char name[COMMAND_NAME_MAX + 1])
{
	size_t len;
	const char *text = get_text(in, &len);
	snprintf(name, COMMAND_NAME_MAX + 1, "%.*s", (int)len, text);
}

/* ---- commands ------------------------------------------------------------------ */

enum command_flags { FLAG_HAS_NAME = 1, FLAG_HAS_SIZE = 2, FLAG_TARGET_NAME = 4, FLAG_ZERO_IS_NULL = 8 };

/* How the text as written comes back. */
enum source_form { SOURCE_CANONICAL, SOURCE_REP_A, SOURCE_REP_R, SOURCE_REP_F, SOURCE_STORED };

static void put_target(struct step_bytes *out, const struct command_target *target)
{
	if (target->is_name)
		put_text(out, target->name, strlen(target->name));
	else
		put_varint(out, target->address);
}

/* The .rep line a command came from: "a 7 16", "r 7 32", "f 7" (ids are the digits after "id"). */
static size_t rep_form(const struct command *command, enum source_form form, char *buffer, size_t size)
{
	const char *name = command->kind == CMD_ALLOC ? command->name : command->target.name;
	bool named = command->kind == CMD_ALLOC ? command->has_name : command->target.is_name;
	if (!named || strncmp(name, "id", 2) != 0 || !name[2])
		return 0;
	int n;
	if (form == SOURCE_REP_F && command->kind == CMD_FREE)
		n = snprintf(buffer, size, "f %s", name + 2);
	else if (form == SOURCE_REP_R && command->kind == CMD_FREE)
		n = snprintf(buffer, size, "r %s 0", name + 2);
	else if (form != SOURCE_REP_F && (command->kind == CMD_ALLOC || command->kind == CMD_REALLOC))
		n = snprintf(buffer, size, "%c %s %zu", form == SOURCE_REP_A ? 'a' : 'r', name + 2, command->size);
	else
		return 0;
	return n > 0 ? (size_t)n : 0;
}

/* The text a form derives for a command (written into buffer); 0 when the form does not apply. */
static size_t derive_source(const struct command *command, enum source_form form, char *buffer, size_t size)
{
	if (form == SOURCE_CANONICAL)
		return command->kind == CMD_EMPTY ? (size ? (buffer[0] = '\0', 0) : 0) : command_format(command, buffer, size);
	return rep_form(command, form, buffer, size);
}

static enum source_form choose_form(const struct command *command, const char *source)
{
	char text[128];
	size_t len = strlen(source);
	if (len >= sizeof text)
		return SOURCE_STORED;
	for (int form = SOURCE_CANONICAL; form < SOURCE_STORED; form++) {
		size_t derived = derive_source(command, (enum source_form)form, text, sizeof text);
		if (derived == len && derived < sizeof text && memcmp(text, source, len) == 0 &&
		    (len > 0 || command->kind == CMD_EMPTY))
			return (enum source_form)form;
	}
	return SOURCE_STORED;
}

void step_codec_put_command(struct step_bytes *out, const struct command *command, const char *source)
{
	unsigned flags = (command->has_name ? FLAG_HAS_NAME : 0) | (command->has_size ? FLAG_HAS_SIZE : 0) |
			 (command->target.is_name ? FLAG_TARGET_NAME : 0) | (command->zero_size_is_null ? FLAG_ZERO_IS_NULL : 0);
	/* Only step kinds (1..9) and step 0's CMD_EMPTY are recorded: four bits. */
	put_byte(out, (uint8_t)(command->kind | flags << 4));
	switch (command->kind) {
	case CMD_CALLOC:
		put_varint(out, command->count);
		/* fall through */
	case CMD_ALLOC:
		put_varint(out, command->size);
		if (command->has_name)
			put_text(out, command->name, strlen(command->name));
		break;
	case CMD_REALLOC:
		put_target(out, &command->target);
		put_varint(out, command->size);
		break;
	case CMD_FREE:
		put_target(out, &command->target);
		break;
	case CMD_WRITE:
		put_target(out, &command->target);
		put_varint(out, command->data_len);
		put_raw(out, command->data, command->data_len);
		break;
	case CMD_FILL:
		put_target(out, &command->target);
		put_byte(out, command->byte);
		break;
	case CMD_POLICY:
		put_byte(out, (uint8_t)command->policy);
		break;
	case CMD_RESET:
		if (command->has_size)
			put_varint(out, command->size);
		break;
	case CMD_ALIGN:
		put_varint(out, command->alignment);
		break;
	default:
		break;
	}
	const char *text = source ? source : "";
	enum source_form form = choose_form(command, text);
	put_byte(out, (uint8_t)form);
	if (form == SOURCE_STORED)
		put_text(out, text, strlen(text));
}

static void get_target(struct step_reader *in, struct command_target *target, bool is_name)
{
	target->is_name = is_name;
	if (is_name)
		get_name(in, target->name);
	else
		target->address = (size_t)get_varint(in);
}

void step_codec_get_command(struct step_reader *in, struct command *command, const char **source, char *text,
			    size_t size)
{
	memset(command, 0, sizeof *command);
	uint8_t head = in->data[in->pos++];
	unsigned flags = head >> 4;
	command->kind = (enum command_kind)(head & 0x0f);
	command->has_name = flags & FLAG_HAS_NAME;
	command->has_size = flags & FLAG_HAS_SIZE;
	command->zero_size_is_null = flags & FLAG_ZERO_IS_NULL;
	bool target_name = flags & FLAG_TARGET_NAME;
	size_t len;
	switch (command->kind) {
	case CMD_CALLOC:
		command->count = (size_t)get_varint(in);
		/* fall through */
	case CMD_ALLOC:
		command->size = (size_t)get_varint(in);
		if (command->has_name)
			get_name(in, command->name);
		break;
	case CMD_REALLOC:
		get_target(in, &command->target, target_name);
		command->size = (size_t)get_varint(in);
		break;
	case CMD_FREE:
		get_target(in, &command->target, target_name);
		break;
	case CMD_WRITE:
		get_target(in, &command->target, target_name);
		command->data_len = (size_t)get_varint(in);
		/* The command owns nothing: its bytes are the record's. */
		command->data = (uint8_t *)(uintptr_t)(in->data + in->pos);
		in->pos += command->data_len;
		break;
	case CMD_FILL:
		get_target(in, &command->target, target_name);
		command->byte = in->data[in->pos++];
		break;
	case CMD_POLICY:
		command->policy = (enum heap_policy)in->data[in->pos++];
		break;
	case CMD_RESET:
		if (command->has_size)
			command->size = (size_t)get_varint(in);
		break;
	case CMD_ALIGN:
		command->alignment = (unsigned)get_varint(in);
		break;
	default:
		break;
	}
	enum source_form form = (enum source_form)in->data[in->pos++];
	if (form == SOURCE_STORED) {
		*source = get_text(in, &len);
		return;
	}
	if (size > 0)
		text[0] = '\0';
	derive_source(command, form, text, size);
	*source = text;
}

/* ---- outcomes ------------------------------------------------------------------- */

/* The outcome's fields in the order of the mask's bits: those most often non-zero first. */
#define FIELD(member) { offsetof(struct step_outcome, member), sizeof(((struct step_outcome *)0)->member) }
static const struct field {
	size_t offset;
	size_t size;
} fields[] = {
	FIELD(placement.payload), FIELD(placement.need), FIELD(placement.block), FIELD(placement.block_size),
	FIELD(placement.found_size), FIELD(placement.split_rest), FIELD(release.block), FIELD(release.block_size),
	FIELD(release.merged_offset), FIELD(release.merged_size), FIELD(release.merges), FIELD(release.to_wilderness),
	FIELD(payload), FIELD(bytes), FIELD(policy), FIELD(search_start), FIELD(status), FIELD(free_total),
	FIELD(largest_free), FIELD(placement.buddy_splits), FIELD(placement.source), FIELD(placement.moved_from),
	FIELD(placement.old_payload), FIELD(placement.copied), FIELD(from_null),
};
#define FIELD_COUNT (sizeof fields / sizeof fields[0])
#define PAYLOAD_FIELD 12

static uint64_t load(const void *at, size_t size)
{
	uint8_t u8;
	uint32_t u32;
	uint64_t u64;
	switch (size) {
	case 1: memcpy(&u8, at, 1); return u8;
	case 4: memcpy(&u32, at, 4); return u32;
	default: memcpy(&u64, at, 8); return u64;
	}
}

static void store(void *at, size_t size, uint64_t value)
{
	uint8_t u8 = (uint8_t)value;
	uint32_t u32 = (uint32_t)value;
	switch (size) {
	case 1: memcpy(at, &u8, 1); break;
	case 4: memcpy(at, &u32, 4); break;
	default: memcpy(at, &value, 8); break;
	}
}

/* How the outcome's name comes back: none, the command's `as NAME`, its target's name, or stored. */
enum name_form { NAME_NONE, NAME_OF_COMMAND, NAME_OF_TARGET, NAME_STORED };

static enum name_form choose_name(const struct command *command, const char *name)
{
	if (!name[0])
		return NAME_NONE;
	if (command->has_name && strcmp(name, command->name) == 0)
		return NAME_OF_COMMAND;
	if (command->target.is_name && strcmp(name, command->target.name) == 0)
		return NAME_OF_TARGET;
	return NAME_STORED;
}

void step_codec_put_outcome(struct step_bytes *out, const struct command *command, const struct step_outcome *outcome,
			    float utilization, float fragmentation)
{
	put_raw(out, &utilization, sizeof utilization);
	put_raw(out, &fragmentation, sizeof fragmentation);
	enum name_form name = choose_name(command, outcome->name);
	put_byte(out, (uint8_t)(outcome->kind | name << 4));
	if (name == NAME_STORED)
		put_text(out, outcome->name, strlen(outcome->name));
	uint64_t values[FIELD_COUNT], mask = 0;
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		values[i] = load((const uint8_t *)outcome + fields[i].offset, fields[i].size);
		/* Usually the payload is where the block was placed: stored as the difference, 0. */
		if (i == PAYLOAD_FIELD)
			values[i] ^= outcome->placement.payload;
		if (values[i])
			mask |= (uint64_t)1 << i;
	}
	put_varint(out, mask);
	for (size_t i = 0; i < FIELD_COUNT; i++)
		if (values[i])
			put_varint(out, values[i]);
}

void step_codec_get_outcome(struct step_reader *in, const struct command *command, struct step_outcome *outcome,
			    float *utilization, float *fragmentation)
{
	memcpy(utilization, in->data + in->pos, sizeof *utilization);
	memcpy(fragmentation, in->data + in->pos + sizeof *utilization, sizeof *fragmentation);
	in->pos += sizeof *utilization + sizeof *fragmentation;
	memset(outcome, 0, sizeof *outcome);
	uint8_t head = in->data[in->pos++];
	outcome->kind = (enum outcome_kind)(head & 0x0f);
	switch ((enum name_form)(head >> 4)) {
	case NAME_OF_COMMAND: snprintf(outcome->name, sizeof outcome->name, "%s", command->name); break;
	case NAME_OF_TARGET: snprintf(outcome->name, sizeof outcome->name, "%s", command->target.name); break;
	case NAME_STORED: get_name(in, outcome->name); break;
	default: break;
	}
	uint64_t mask = get_varint(in);
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		uint64_t value = mask & ((uint64_t)1 << i) ? get_varint(in) : 0;
		if (i == PAYLOAD_FIELD)
			value ^= outcome->placement.payload;
		store((uint8_t *)outcome + fields[i].offset, fields[i].size, value);
	}
}
