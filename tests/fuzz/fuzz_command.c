/* fuzz_command.c - libFuzzer: command_parse on arbitrary bytes; what parses must format and parse back to the same command. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"

/*
 * For every input (one line, not NUL-terminated, any bytes):
 * - a rejected line gives a NUL-terminated message and a column no further
 *   than one past the end of the line, and a zeroed command;
 * - an accepted line formats (command_format, measured and then written) to a
 *   canonical text that parses again to a command with the same fields, and
 *   whose own canonical text is the same string.
 * Any violation aborts, so libFuzzer reports it with the input.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void violation(const char *what, const uint8_t *data, size_t size, const char *canonical)
{
	fprintf(stderr, "fuzz_command: %s\n  input (%zu bytes): \"", what, size);
	for (size_t i = 0; i < size; i++)
		fprintf(stderr, data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' && data[i] != '\\' ? "%c" : "\\x%02x",
			data[i]);
	fprintf(stderr, "\"\n  canonical: %s\n", canonical ? canonical : "(none)");
	abort();
}

static bool same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The fields a command's canonical text must carry (columns aside: the text moved). */
static const char *first_difference(const struct command *a, const struct command *b)
{
	if (a->kind != b->kind)
		return "kind";
	if (a->target.is_name != b->target.is_name || strcmp(a->target.name, b->target.name) != 0 ||
	    a->target.address != b->target.address)
		return "target";
	if (a->size != b->size || a->count != b->count || a->has_size != b->has_size)
		return "size/count";
	if (a->has_name != b->has_name || strcmp(a->name, b->name) != 0)
		return "name";
	if (a->policy != b->policy || a->alignment != b->alignment || a->step != b->step || a->ms != b->ms ||
	    a->byte != b->byte)
		return "policy/alignment/step/ms/byte";
	if (a->data_len != b->data_len || (a->data_len && memcmp(a->data, b->data, a->data_len) != 0))
		return "write data";
	if (!same_text(a->text, b->text))
		return "text";
	if (a->help_topic != b->help_topic || a->zero_size_is_null != b->zero_size_is_null)
		return "help topic / zero_size_is_null";
	return NULL;
}

static char *format(const struct command *command)
{
	size_t need = command_format(command, NULL, 0);
	char *text = malloc(need + 1);
	if (text == NULL)
		abort();
	if (command_format(command, text, need + 1) != need || strlen(text) != need)
		return NULL;
	return text;
}

/* Field by field: padding bytes are not the parser's promise. */
static bool is_zeroed(const struct command *command)
{
	return command->kind == CMD_EMPTY && command->data == NULL && command->text == NULL &&
	       command->data_len == 0 && command->size == 0 && !command->has_name && command->name[0] == '\0' &&
	       !command->target.is_name && command->target.name[0] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command command, again;
	struct command_error error;

	/* A copy exactly size bytes long, so ASan sees any read past the end of the line. */
	char *line = malloc(size ? size : 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	memset(&command, 0x5a, sizeof command);
	if (!command_parse(line, size, &command, &error)) {
		if (memchr(error.message, '\0', sizeof error.message) == NULL || error.message[0] == '\0')
			violation("rejected without a NUL-terminated message", data, size, NULL);
		if (error.column > size + 1)
			violation("error column past the end of the line + 1", data, size, NULL);
		if (!is_zeroed(&command))
			violation("rejected line left the command not zeroed", data, size, NULL);
		command_release(&command);
		free(line);
		return 0;
	}
	free(line);

	char *canonical = format(&command);
	if (canonical == NULL)
		violation("command_format's length disagrees with what it wrote", data, size, NULL);
	if (!command_parse(canonical, strlen(canonical), &again, &error)) {
		fprintf(stderr, "reparse error at column %zu: %s\n", error.column, error.message);
		violation("canonical text does not parse", data, size, canonical);
	}
	const char *difference = first_difference(&command, &again);
	if (difference != NULL) {
		fprintf(stderr, "field: %s\n", difference);
		violation("canonical text parses to a different command", data, size, canonical);
	}
	char *twice = format(&again);
	if (twice == NULL || strcmp(twice, canonical) != 0)
		violation("canonical text is not a fixed point of format(parse())", data, size, canonical);

	struct command copy;
	if (command_copy(&copy, &command)) {
		if (first_difference(&copy, &command) != NULL)
			violation("command_copy differs from its source", data, size, canonical);
		command_release(&copy);
	}
	free(twice);
	free(canonical);
	command_release(&again);
	command_release(&command);
	command_release(&command);  /* documented safe on a released command */
	return 0;
}
