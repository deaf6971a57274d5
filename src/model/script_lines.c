/* script_lines.c - lines, tokens and the growing script: the parts the .hv parser and the .rep loader share. */
#include "script_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void script_set_error(struct script_error *error, size_t line, size_t column, const char *format, ...)
{
	va_list args;

	error->line = line;
	error->column = column;
	va_start(args, format);
	vsnprintf(error->message, sizeof error->message, format, args);
	va_end(args);
}

/* --- lines and tokens ------------------------------------------------------ */

bool script_next_line(struct line_cursor *cursor, const char **start, size_t *len)
{
	size_t end;

	if (cursor->pos >= cursor->len)
		return false;
	if (cursor->buffer[cursor->pos] == '\n') {
		/* An empty line, the common case in a file of blank lines: no call at all. */
		*start = cursor->buffer + cursor->pos++;
		*len = 0;
		cursor->number++;
		return true;
	}
	/* memchr: a long line is one fast scan, not a loop of byte tests. */
	const char *newline = memchr(cursor->buffer + cursor->pos, '\n', cursor->len - cursor->pos);
	end = newline ? (size_t)(newline - cursor->buffer) : cursor->len;
	*start = cursor->buffer + cursor->pos;
	*len = end - cursor->pos;
	if (newline && *len > 0 && (*start)[*len - 1] == '\r')
		(*len)--;    /* CRLF */
	cursor->number++;
	cursor->pos = newline ? end + 1 : end;
	return true;
}

/* A carriage return left inside a line (not part of CRLF): an error at its column, for both formats. */
bool script_lone_cr(const char *line, size_t len, size_t number, struct script_error *error)
{
	const char *cr = memchr(line, '\r', len);
	if (cr == NULL)
		return false;
	script_set_error(error, number, (size_t)(cr - line) + 1,
		  "a carriage return (\\r) that does not end a line: lines end with \\n or \\r\\n");
	return true;
}

bool script_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

bool script_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Position of a line's end once trailing blanks are dropped. */
size_t script_trimmed_end(const char *line, size_t len)
{
	while (len > 0 && script_is_blank(line[len - 1]))
		len--;
	return len;
}

size_t script_trimmed_start(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && script_is_blank(line[i]))
		i++;
	return i;
}

/* Split a line into at most max tokens; returns how many were found, max + 1 meaning "more". */
size_t script_split_tokens(const char *line, size_t len, struct token *tokens, size_t max)
{
	size_t count = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && script_is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !script_is_blank(line[i]))
			i++;
		if (count == max)
			return max + 1;
		tokens[count].text = line + start;
		tokens[count].len = i - start;
		tokens[count].column = start + 1;
		count++;
	}
	return count;
}

/*
 * A token made printable and short enough to quote: bytes outside printable
 * ASCII are written \xNN, as the command parser quotes them (the message is
 * printed without escaping backslashes again).
 */
void script_show_token(const struct token *token, char *out, size_t size)
{
	size_t n = token->len < TOKEN_SHOWN ? token->len : TOKEN_SHOWN;
	size_t used = 0, i;

	for (i = 0; i < n && used + 8 <= size; i++) {
		unsigned char c = (unsigned char)token->text[i];
		if (c >= 0x20 && c < 0x7f)
			out[used++] = (char)c;
		else
			used += (size_t)snprintf(out + used, size - used, "\\x%02x", c);
	}
	if (i < token->len) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
}

/* Plain decimal only: a trace has no signs, hex or suffixes, and overflow is an error, not a wrap. */
enum number_status script_parse_decimal(const struct token *token, size_t *out)
{
	size_t value = 0, i;

	if (token->len == 0)
		return NUMBER_BAD;
	for (i = 0; i < token->len; i++)
		if (!script_is_digit(token->text[i]))
			return NUMBER_BAD;
	for (i = 0; i < token->len; i++) {
		size_t digit = (size_t)(token->text[i] - '0');
		if (value > (SIZE_MAX - digit) / 10)
			return NUMBER_TOO_LARGE;
		value = value * 10 + digit;
	}
	*out = value;
	return NUMBER_OK;
}

bool script_looks_numeric(const struct token *token)
{
	char c = token->text[0];

	return script_is_digit(c) || ((c == '-' || c == '+') && token->len > 1 && script_is_digit(token->text[1]));
}

/* --- building the script --------------------------------------------------- */

bool script_reserve_lines(struct builder *builder, size_t wanted)
{
	struct script_line *grown;

	if (wanted <= builder->capacity)
		return true;
	if (wanted > SIZE_MAX / sizeof *grown)
		return false;
	grown = realloc(builder->script->lines, wanted * sizeof *grown);
	if (grown == NULL)
		return false;
	builder->script->lines = grown;
	builder->capacity = wanted;
	return true;
}

char *script_copy_text(const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy != NULL) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

/* Append a command; the builder takes ownership of *command even on failure. */
bool script_add_line(struct builder *builder, struct command *command, size_t line, const char *source, size_t source_len)
{
	struct script *script = builder->script;
	char *copy;

	if (script->count == builder->capacity &&
	    !script_reserve_lines(builder, builder->capacity < 16 ? 16 : builder->capacity * 2)) {
		command_release(command);
		return false;
	}
	copy = script_copy_text(source, source_len);
	if (copy == NULL) {
		command_release(command);
		return false;
	}
	script->lines[script->count].command = *command;
	script->lines[script->count].line = line;
	script->lines[script->count].source = copy;
	script->lines[script->count].error = NULL;
	script->lines[script->count].error_column = 0;
	script->count++;
	return true;
}

bool script_add_warning(struct builder *builder, const char *name, size_t line, size_t column, const char *text)
{
	struct script *script = builder->script;
	int needed;
	char *warning;

	if (script->warning_count == builder->warning_capacity) {
		size_t wanted = builder->warning_capacity ? builder->warning_capacity * 2 : 4;
		char **grown = realloc(script->warnings, wanted * sizeof *grown);
		if (grown == NULL)
			return false;
		script->warnings = grown;
		builder->warning_capacity = wanted;
	}
	needed = snprintf(NULL, 0, "%s:%zu:%zu: warning: %s", name, line, column, text);
	if (needed < 0)
		return false;
	warning = malloc((size_t)needed + 1);
	if (warning == NULL)
		return false;
	snprintf(warning, (size_t)needed + 1, "%s:%zu:%zu: warning: %s", name, line, column, text);
	script->warnings[script->warning_count++] = warning;
	return true;
}
