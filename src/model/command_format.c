/* command_format.c - a command written back in canonical form ("alloc 100 as buf"), for history and traces. */
#include "allocator.h"
#include "command_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- formatting --- */

/* An snprintf-like sink: counts every byte, stores what fits, always terminates. */
struct sink {
	char *buffer;
	size_t size;
	size_t len;
};

static void put_bytes(struct sink *sink, const char *text, size_t len)
{
	if (sink->len < sink->size) {
		size_t room = sink->size - 1 - sink->len;
		size_t n = len < room ? len : room;
		memcpy(sink->buffer + sink->len, text, n);
		sink->buffer[sink->len + n] = '\0';
	}
	sink->len += len;
}

static void put(struct sink *sink, const char *text)
{
	put_bytes(sink, text, strlen(text));
}

/* " 100": numbers in canonical text are decimal, with a leading blank. */
static void put_decimal(struct sink *sink, uintmax_t value)
{
	char digits[32];
	snprintf(digits, sizeof digits, " %ju", value);
	put(sink, digits);
}

/* Addresses and bytes read best in hex, as the memory view shows them. */
static void put_hex(struct sink *sink, const char *prefix, uintmax_t value, int min_digits)
{
	char digits[40];
	snprintf(digits, sizeof digits, "%s%0*jx", prefix, min_digits, value);
	put(sink, digits);
}

/* Re-encodes bytes so that parsing the result gives them back; high bytes stay raw only in text. */
static void put_quoted(struct sink *sink, const uint8_t *data, size_t len, bool keep_high_bytes)
{
	put(sink, "\"");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = data[i];
		switch (c) {
		case '\n': put(sink, "\\n"); break;
		case '\t': put(sink, "\\t"); break;
		case '\r': put(sink, "\\r"); break;
		case '\0': put(sink, "\\0"); break;
		case '\\': put(sink, "\\\\"); break;
		case '"': put(sink, "\\\""); break;
		default:
			if ((c >= 0x20 && c < 0x7f) || (c >= 0x80 && keep_high_bytes))
				put_bytes(sink, (const char *)&data[i], 1);
			else
				put_hex(sink, "\\x", c, 2);
		}
	}
	put(sink, "\"");
}

/* Free text goes out bare when reading it back bare would give the same text. */
static void put_text(struct sink *sink, const char *text)
{
	size_t len = strlen(text);
	bool bare = len > 0 && text[0] != '"' && !is_blank((unsigned char)text[0]) &&
		    !is_blank((unsigned char)text[len - 1]);
	for (size_t i = 0; bare && i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '#' || c < 0x20 || c == 0x7f)
			bare = false;
	}
	if (bare)
		put(sink, text);
	else
		put_quoted(sink, (const uint8_t *)text, len, true);
}

static void put_target(struct sink *sink, const struct command_target *target)
{
	put(sink, " ");
	if (target->is_name)
		put(sink, target->name);
	else
		put_hex(sink, "0x", target->address, 1);
}

static void put_name(struct sink *sink, const struct command *command)
{
	if (command->has_name) {
		put(sink, " as ");
		put(sink, command->name);
	}
}

size_t command_format(const struct command *command, char *buffer, size_t size)
{
	struct sink sink = { buffer, size, 0 };
	if (size > 0)
		buffer[0] = '\0';
	put(&sink, command_keyword(command->kind));
	switch (command->kind) {
	case CMD_ALLOC:
		put_decimal(&sink, command->size);
		put_name(&sink, command);
		break;
	case CMD_CALLOC:
		put_decimal(&sink, command->count);
		put_decimal(&sink, command->size);
		put_name(&sink, command);
		break;
	case CMD_FREE:
		put_target(&sink, &command->target);
		break;
	case CMD_REALLOC:
		put_target(&sink, &command->target);
		put_decimal(&sink, command->size);
		break;
	case CMD_WRITE:
		put_target(&sink, &command->target);
		put(&sink, " ");
		put_quoted(&sink, command->data, command->data_len, false);
		break;
	case CMD_FILL:
		put_target(&sink, &command->target);
		put_hex(&sink, " 0x", command->byte, 2);
		break;
	case CMD_POLICY:
		put(&sink, " ");
		put(&sink, (unsigned)command->policy < allocator_count() ? allocator_get(command->policy)->name : "?");
		break;
	case CMD_RESET:
		if (command->has_size)
			put_decimal(&sink, command->size);
		break;
	case CMD_ALIGN:
		put_decimal(&sink, command->alignment);
		break;
	case CMD_ORDER:
		put(&sink, " ");
		put(&sink, heap_order_name(command->order) ? heap_order_name(command->order) : "?");
		break;
	case CMD_GOTO:
		put_decimal(&sink, command->step);
		break;
	case CMD_SLEEP:
		put_decimal(&sink, command->ms);
		break;
	case CMD_HELP:
		if (command->help_topic != CMD_EMPTY) {
			put(&sink, " ");
			put(&sink, command_keyword(command->help_topic));
		}
		break;
	case CMD_NOTE:
	case CMD_EXPORT:
		put(&sink, " ");
		put_text(&sink, command->text != NULL ? command->text : "");
		break;
	case CMD_EMPTY:
	case CMD_UNDO:
	case CMD_REDO:
	case CMD_CHECK:
	case CMD_QUIT:
	case CMD_KIND_COUNT:
		break;
	}
	return sink.len;
}
