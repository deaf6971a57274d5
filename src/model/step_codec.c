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
	/* Grown by half: a long history's arena is most of its memory, and glibc grows big blocks in place. */
	while (capacity < out->len + more)
		capacity += capacity / 2;
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

/*
 * A name: "idN" (a .rep id, N without leading zeros) as the varint 2N + 1,
 * any other as 2 x its length, then its bytes.
 */
static void put_name(struct step_bytes *out, const char *name)
{
	size_t len = strlen(name);
	if (len > 2 && len <= 16 && name[0] == 'i' && name[1] == 'd' && name[2] >= '1' && name[2] <= '9' &&
	    strspn(name + 2, "0123456789") == len - 2) {
		put_varint(out, strtoull(name + 2, NULL, 10) * 2 + 1);
		return;
	}
	if (len == 3 && memcmp(name, "id0", 3) == 0) {
		put_varint(out, 1);
		return;
	}
	put_varint(out, (uint64_t)len * 2);
	put_raw(out, name, len);
}

static void get_name(struct step_reader *in, char name[COMMAND_NAME_MAX + 1])
{
	uint64_t head = get_varint(in);
	if (head & 1) {
		/* At most 14 digits (a .rep id fills COMMAND_NAME_MAX at that): written by hand, no truncation. */
		char digits[24];
		size_t n = 0;
		for (uint64_t id = head >> 1; n == 0 || id > 0; id /= 10)
			digits[n++] = (char)('0' + id % 10);
		size_t len = 0;
		name[len++] = 'i';
		name[len++] = 'd';
		while (n > 0 && len < COMMAND_NAME_MAX)
			name[len++] = digits[--n];
		name[len] = '\0';
		return;
	}
	size_t len = (size_t)(head >> 1), kept = len < COMMAND_NAME_MAX ? len : COMMAND_NAME_MAX;
	memcpy(name, in->data + in->pos, kept);
	name[kept] = '\0';
	in->pos += len;
}

/* ---- commands ------------------------------------------------------------------ */

enum command_flags { FLAG_HAS_NAME = 1, FLAG_HAS_SIZE = 2, FLAG_TARGET_NAME = 4, FLAG_ZERO_IS_NULL = 8 };

/* How the text as written comes back. */
enum source_form { SOURCE_CANONICAL, SOURCE_REP_A, SOURCE_REP_R, SOURCE_REP_F, SOURCE_STORED };

static void put_target(struct step_bytes *out, const struct command_target *target)
{
	if (target->is_name)
		put_name(out, target->name);
	else
		put_varint(out, target->address);
}

/* Text into a fixed buffer, counting what it would take (as snprintf does) when it does not fit. */
struct fixed_text {
	char *buffer;
	size_t size;
	size_t len;
};

static void fixed_put(struct fixed_text *out, const char *text)
{
	for (; *text; text++, out->len++)
		if (out->len + 1 < out->size)
			out->buffer[out->len] = *text;
}

static void fixed_put_size(struct fixed_text *out, size_t value)
{
	char digits[24];
	size_t n = sizeof digits;
	digits[--n] = '\0';
	do
		digits[--n] = (char)('0' + value % 10);
	while ((value /= 10) != 0);
	fixed_put(out, digits + n);
}

/* The .rep line a command came from: "a 7 16", "r 7 32", "f 7" (ids are the digits after "id"). */
static size_t rep_form(const struct command *command, enum source_form form, char *buffer, size_t size)
{
	const char *name = command->kind == CMD_ALLOC ? command->name : command->target.name;
	bool named = command->kind == CMD_ALLOC ? command->has_name : command->target.is_name;
	if (!named || strncmp(name, "id", 2) != 0 || !name[2])
		return 0;
	/* By hand, not snprintf: this runs for every step recorded, and formatting was most of its cost. */
	struct fixed_text out = { buffer, size, 0 };
	if (form == SOURCE_REP_F && command->kind == CMD_FREE) {
		fixed_put(&out, "f ");
		fixed_put(&out, name + 2);
	} else if (form == SOURCE_REP_R && command->kind == CMD_FREE) {
		fixed_put(&out, "r ");
		fixed_put(&out, name + 2);
		fixed_put(&out, " 0");
	} else if (form != SOURCE_REP_F && (command->kind == CMD_ALLOC || command->kind == CMD_REALLOC)) {
		fixed_put(&out, form == SOURCE_REP_A ? "a " : "r ");
		fixed_put(&out, name + 2);
		fixed_put(&out, " ");
		fixed_put_size(&out, command->size);
	} else {
		return 0;
	}
	if (size > 0)
		buffer[out.len < size ? out.len : size - 1] = '\0';
	return out.len;
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
	/* A canonical line starts with a whole keyword (4 letters at least); "a 7 16" cannot be one, so skip formatting it. */
	bool short_word = len >= 2 && source[1] == ' ';
	for (int form = short_word ? SOURCE_CANONICAL + 1 : SOURCE_CANONICAL; form < SOURCE_STORED; form++) {
		size_t derived = derive_source(command, (enum source_form)form, text, sizeof text);
		if (derived == len && derived < sizeof text && memcmp(text, source, len) == 0 &&
		    (len > 0 || command->kind == CMD_EMPTY))
			return (enum source_form)form;
	}
	return SOURCE_STORED;
}

static void put_command(struct step_bytes *out, const struct command *command)
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
			put_name(out, command->name);
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
	case CMD_ORDER:
		put_byte(out, (uint8_t)command->order);
		break;
	default:
		break;
	}
}

static void get_target(struct step_reader *in, struct command_target *target, bool is_name)
{
	target->is_name = is_name;
	if (is_name)
		get_name(in, target->name);
	else
		target->address = (size_t)get_varint(in);
}

/* A step's kind shares its head byte with four flags. */
_Static_assert(CMD_ORDER < 16, "CMD_ORDER_exceeds_4_bits");

static void get_command(struct step_reader *in, struct command *command)
{
	memset(command, 0, sizeof *command);
	uint8_t head = in->data[in->pos++];
	unsigned flags = head >> 4;
	command->kind = (enum command_kind)(head & 0x0f);
	command->has_name = flags & FLAG_HAS_NAME;
	command->has_size = flags & FLAG_HAS_SIZE;
	command->zero_size_is_null = flags & FLAG_ZERO_IS_NULL;
	bool target_name = flags & FLAG_TARGET_NAME;
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
	case CMD_ORDER:
		command->order = (enum heap_order)in->data[in->pos++];
		break;
	default:
		break;
	}
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
	/* Segregated fits' lists (seglist, tlsf): zero, so free, for every other allocator. */
	FIELD(placement.rounded), FIELD(placement.want_class), FIELD(placement.want_sub), FIELD(placement.found_class),
	FIELD(placement.found_sub), FIELD(placement.rest_class), FIELD(placement.rest_sub), FIELD(release.list_class),
	FIELD(release.list_sub),
	/* The free-list order: zero (address) unless --order or order chose lifo or fifo. */
	FIELD(order),
};
#define FIELD_COUNT (sizeof fields / sizeof fields[0])
enum {
	F_PLACED_PAYLOAD, F_NEED, F_BLOCK, F_BLOCK_SIZE, F_FOUND_SIZE, F_SPLIT_REST, F_FREED_BLOCK, F_FREED_SIZE,
	F_MERGED_OFFSET, F_MERGED_SIZE, F_MERGES, F_TO_WILDERNESS, F_PAYLOAD
};

static uint64_t zigzag(uint64_t a, uint64_t b)
{
	int64_t d = (int64_t)(a - b);
	return d < 0 ? ((uint64_t)~d << 1) | 1 : (uint64_t)d << 1;
}

static uint64_t unzigzag(uint64_t z)
{
	return z & 1 ? ~(z >> 1) : z >> 1;
}

/*
 * Offsets in a big heap take 4 bytes as varints; most are close to another
 * field (the block just below its payload, the free block it became part
 * of, ...), so those are stored as the difference: usually 0 or 1 byte.
 * Forward here, and inverted in the opposite order by untransform.
 */
static void transform(uint64_t *v)
{
	uint64_t payload = v[F_PAYLOAD], block = v[F_FREED_BLOCK];
	v[F_PAYLOAD] ^= v[F_PLACED_PAYLOAD];
	v[F_BLOCK] = zigzag(v[F_PLACED_PAYLOAD], v[F_BLOCK]);
	v[F_FOUND_SIZE] = zigzag(v[F_FOUND_SIZE], v[F_BLOCK_SIZE] + v[F_SPLIT_REST]);
	v[F_FREED_BLOCK] = zigzag(payload, block);
	v[F_MERGED_OFFSET] = zigzag(block, v[F_MERGED_OFFSET]);
	v[F_MERGED_SIZE] = zigzag(v[F_MERGED_SIZE], v[F_FREED_SIZE]);
}

static void untransform(uint64_t *v)
{
	v[F_PAYLOAD] ^= v[F_PLACED_PAYLOAD];
	v[F_BLOCK] = v[F_PLACED_PAYLOAD] - unzigzag(v[F_BLOCK]);
	v[F_FOUND_SIZE] = unzigzag(v[F_FOUND_SIZE]) + v[F_BLOCK_SIZE] + v[F_SPLIT_REST];
	v[F_FREED_BLOCK] = v[F_PAYLOAD] - unzigzag(v[F_FREED_BLOCK]);
	v[F_MERGED_OFFSET] = v[F_FREED_BLOCK] - unzigzag(v[F_MERGED_OFFSET]);
	v[F_MERGED_SIZE] = unzigzag(v[F_MERGED_SIZE]) + v[F_FREED_SIZE];
}

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

/* spare: three bits of the head byte the step lends out (the first lane's carries the source form). */
static void put_outcome(struct step_bytes *out, const struct command *command, const struct step_outcome *outcome,
			const float *sparks, unsigned spare)
{
	put_raw(out, sparks, 2 * sizeof *sparks);
	enum name_form name = choose_name(command, outcome->name);
	put_byte(out, (uint8_t)(outcome->kind | name << 3 | spare << 5));
	if (name == NAME_STORED)
		put_name(out, outcome->name);
	uint64_t values[FIELD_COUNT], mask = 0;
	for (size_t i = 0; i < FIELD_COUNT; i++)
		values[i] = load((const uint8_t *)outcome + fields[i].offset, fields[i].size);
	transform(values);
	for (size_t i = 0; i < FIELD_COUNT; i++)
		if (values[i])
			mask |= (uint64_t)1 << i;
	put_varint(out, mask);
	for (size_t i = 0; i < FIELD_COUNT; i++)
		if (values[i])
			put_varint(out, values[i]);
}

static unsigned get_outcome(struct step_reader *in, const struct command *command, struct step_outcome *outcome,
			    float *sparks)
{
	memcpy(sparks, in->data + in->pos, 2 * sizeof *sparks);
	in->pos += 2 * sizeof *sparks;
	memset(outcome, 0, sizeof *outcome);
	uint8_t head = in->data[in->pos++];
	outcome->kind = (enum outcome_kind)(head & 0x07);
	switch ((enum name_form)(head >> 3 & 0x03)) {
	case NAME_OF_COMMAND: memcpy(outcome->name, command->name, sizeof outcome->name); break;
	case NAME_OF_TARGET: memcpy(outcome->name, command->target.name, sizeof outcome->name); break;
	case NAME_STORED: get_name(in, outcome->name); break;
	default: break;
	}
	uint64_t mask = get_varint(in), values[FIELD_COUNT] = { 0 };
	for (uint64_t bits = mask; bits; bits &= bits - 1)
		values[__builtin_ctzll(bits)] = get_varint(in);
	untransform(values);
	/* The outcome is zeroed: only the fields read and those the differences derive need storing. */
	mask |= (uint64_t)1 << F_BLOCK | (uint64_t)1 << F_FOUND_SIZE | (uint64_t)1 << F_FREED_BLOCK |
		(uint64_t)1 << F_MERGED_OFFSET | (uint64_t)1 << F_MERGED_SIZE | (uint64_t)1 << F_PAYLOAD;
	for (uint64_t bits = mask; bits; bits &= bits - 1) {
		size_t i = (size_t)__builtin_ctzll(bits);
		store((uint8_t *)outcome + fields[i].offset, fields[i].size, values[i]);
	}
	return head >> 5;
}

/* ---- steps ------------------------------------------------------------------------ */

void step_codec_put_step(struct step_bytes *out, const struct command *command, const char *source,
			 const struct step_outcome *outcomes, const float *sparks, size_t lanes)
{
	const char *text = source ? source : "";
	enum source_form form = choose_form(command, text);
	put_command(out, command);
	for (size_t i = 0; i < lanes; i++)
		put_outcome(out, command, &outcomes[i], &sparks[2 * i], i == 0 ? (unsigned)form : 0);
	if (form == SOURCE_STORED)
		put_text(out, text, strlen(text));
}

void step_codec_get_step(struct step_reader *in, struct command *command, const char **source, char *text, size_t size,
			 struct step_outcome *outcomes, float *sparks, size_t lanes)
{
	get_command(in, command);
	enum source_form form = SOURCE_CANONICAL;
	for (size_t i = 0; i < lanes; i++) {
		unsigned spare = get_outcome(in, command, &outcomes[i], &sparks[2 * i]);
		if (i == 0)
			form = (enum source_form)spare;
	}
	if (!source)
		return;
	if (form == SOURCE_STORED) {
		size_t len;
		*source = get_text(in, &len);
		return;
	}
	if (size > 0)
		text[0] = '\0';
	derive_source(command, form, text, size);
	*source = text;
}
