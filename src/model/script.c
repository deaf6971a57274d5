/* script.c - read .hv scripts into positioned commands, and tell a script from a .rep trace. */
#include "script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script_internal.h"

/* --- .hv scripts ------------------------------------------------------------ */

/* SCRIPT_KEEP_GOING: keep a line that did not parse, with its error, in its place. */
static bool add_bad_line(struct builder *builder, size_t line, size_t column, const char *message,
			 const char *source, size_t source_len)
{
	struct command empty;
	memset(&empty, 0, sizeof empty);
	empty.kind = CMD_EMPTY;
	char *copy = script_copy_text(message, strlen(message));
	if (copy == NULL || !script_add_line(builder, &empty, line, source, source_len)) {
		free(copy);
		return false;
	}
	builder->script->lines[builder->script->count - 1].error = copy;
	builder->script->lines[builder->script->count - 1].error_column = column;
	return true;
}

static bool parse_hv(const char *buffer, size_t len, unsigned flags, struct builder *builder,
		     struct script_error *error)
{
	struct line_cursor cursor = { buffer, len, 0, 0 };
	const char *line;
	size_t line_len;

	while (script_next_line(&cursor, &line, &line_len)) {
		struct command command;
		struct command_error parse_error;
		const char *nul;
		size_t start, end;

		/* Blank lines skip the parser (and its zeroing of a command): loading stays linear with a small constant. */
		if (script_trimmed_start(line, line_len) == line_len)
			continue;
		if (script_lone_cr(line, line_len, cursor.number, error)) {
			if (!(flags & SCRIPT_KEEP_GOING))
				return false;
			start = script_trimmed_start(line, line_len);
			end = script_trimmed_end(line, line_len);
			if (!add_bad_line(builder, cursor.number, error->column, error->message, line + start, end - start)) {
				script_set_error(error, cursor.number, 1, "out of memory");
				return false;
			}
			memset(error, 0, sizeof *error);
			continue;
		}
		nul = memchr(line, '\0', line_len);

		/* A NUL cannot survive in the source string, and no command is spelled with one. */
		memset(&parse_error, 0, sizeof parse_error);
		if (nul != NULL) {
			parse_error.column = (size_t)(nul - line) + 1;
			snprintf(parse_error.message, sizeof parse_error.message, "NUL byte in a script line");
		}
		if (nul != NULL || !command_parse(line, line_len, &command, &parse_error)) {
			size_t column = parse_error.column ? parse_error.column : 1;
			if (!(flags & SCRIPT_KEEP_GOING)) {
				script_set_error(error, cursor.number, column, "%s", parse_error.message);
				return false;
			}
			/* The source is cut at a NUL: it is kept as a C string. */
			size_t kept = nul != NULL ? (size_t)(nul - line) : line_len;
			start = script_trimmed_start(line, kept);
			end = script_trimmed_end(line, kept);
			if (!add_bad_line(builder, cursor.number, column, parse_error.message, line + start,
					  end > start ? end - start : 0)) {
				script_set_error(error, cursor.number, 1, "out of memory");
				return false;
			}
			continue;
		}
		if (command.kind == CMD_EMPTY) {
			command_release(&command);
			continue;
		}
		start = script_trimmed_start(line, line_len);
		end = script_trimmed_end(line, line_len);
		if (!script_add_line(builder, &command, cursor.number, line + start, end - start)) {
			script_set_error(error, cursor.number, 1, "out of memory");
			return false;
		}
	}
	return true;
}

/* --- public ------------------------------------------------------------------ */

/*
 * A UTF-8 byte-order mark (some editors save one) is not part of the first
 * command: both detection and parsing skip it, so they always agree on the
 * format (fuzz_script found them disagreeing when only the parser did).
 */
static size_t byte_order_mark_length(const char *buffer, size_t len)
{
	return buffer && len >= 3 && memcmp(buffer, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

enum script_format script_detect(const char *buffer, size_t len)
{
	size_t i = byte_order_mark_length(buffer, len);
	struct token first;

	while (i < len && (script_is_blank(buffer[i]) || buffer[i] == '\n' || buffer[i] == '\r'))
		i++;
	if (i == len)
		return SCRIPT_HV;
	first.text = buffer + i;
	first.len = len - i;
	first.column = 1;
	return script_looks_numeric(&first) ? SCRIPT_REP : SCRIPT_HV;
}

bool script_parse(const char *name, const char *buffer, size_t len, struct script *out, struct script_error *error)
{
	return script_parse_with(name, buffer, len, 0, out, error);
}

bool script_parse_with(const char *name, const char *buffer, size_t len, unsigned flags, struct script *out,
		       struct script_error *error)
{
	struct builder builder;
	bool ok;

	memset(out, 0, sizeof *out);
	memset(error, 0, sizeof *error);
	memset(&builder, 0, sizeof builder);
	builder.script = out;
	if (name == NULL)
		name = "-";
	if (buffer == NULL)
		len = 0;
	/* Columns on line 1 count from after a byte-order mark. */
	size_t mark = byte_order_mark_length(buffer, len);
	if (mark) {
		buffer += mark;
		len -= mark;
	}
	out->format = script_detect(buffer, len);
	if (out->format == SCRIPT_REP)
		ok = script_parse_rep(name, buffer, len, &builder, error);
	else
		ok = parse_hv(buffer, len, flags, &builder, error);
	if (!ok) {
		script_release(out);
		return false;
	}
	return true;
}

bool script_load(const char *path, struct script *out, struct script_error *error)
{
	return script_load_with(path, 0, out, error);
}

bool script_load_with(const char *path, unsigned flags, struct script *out, struct script_error *error)
{
	FILE *file;
	char *buffer = NULL;
	size_t len = 0, capacity = 0;
	bool ok;

	memset(out, 0, sizeof *out);
	memset(error, 0, sizeof *error);
	file = fopen(path, "rb");
	if (file == NULL) {
		script_set_error(error, 0, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	for (;;) {
		size_t got;
		if (len == capacity) {
			size_t wanted = capacity ? capacity * 2 : 65536;
			char *grown;
			if (capacity >= SCRIPT_MAX_FILE + 1) {
				script_set_error(error, 0, 0, "cannot read: the file is larger than %zu MiB", SCRIPT_MAX_FILE >> 20);
				goto fail;
			}
			if (wanted > SCRIPT_MAX_FILE + 1)
				wanted = SCRIPT_MAX_FILE + 1;
			grown = realloc(buffer, wanted);
			if (grown == NULL) {
				script_set_error(error, 0, 0, "cannot read: out of memory");
				goto fail;
			}
			buffer = grown;
			capacity = wanted;
		}
		errno = 0;
		got = fread(buffer + len, 1, capacity - len, file);
		len += got;
		if (got == 0) {
			if (ferror(file)) {
				script_set_error(error, 0, 0, "cannot read: %s", strerror(errno ? errno : EIO));
				goto fail;
			}
			break;
		}
	}
	if (len > SCRIPT_MAX_FILE) {
		script_set_error(error, 0, 0, "cannot read: the file is larger than %zu MiB", SCRIPT_MAX_FILE >> 20);
		goto fail;
	}
	fclose(file);
	ok = script_parse_with(path, buffer, len, flags, out, error);
	free(buffer);
	return ok;
fail:
	fclose(file);
	free(buffer);
	return false;
}

void script_release(struct script *script)
{
	size_t i;

	if (script == NULL)
		return;
	for (i = 0; i < script->count; i++) {
		command_release(&script->lines[i].command);
		free(script->lines[i].source);
		free(script->lines[i].error);
	}
	free(script->lines);
	for (i = 0; i < script->warning_count; i++)
		free(script->warnings[i]);
	free(script->warnings);
	memset(script, 0, sizeof *script);
}
