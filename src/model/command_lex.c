/* command_lex.c - the command language's tokens, errors and arguments: numbers, names, targets and quoted strings. */
#include "command_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * User text in a message is escaped and cut short, so that a hostile line can
 * neither put control bytes on the screen nor overflow the message.
 */
void cmd_quote_text(const char *text, size_t len, char *out, size_t size)
{
	size_t used = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		char piece[5];
		if (c >= 0x20 && c < 0x7f) {
			piece[0] = (char)c;
			piece[1] = '\0';
		} else {
			snprintf(piece, sizeof piece, "\\x%02x", c);
		}
		size_t piece_len = strlen(piece);
		if (used + piece_len > QUOTE_MAX || used + piece_len + 4 > size) {
			memcpy(out + used, "...", 4);
			return;
		}
		memcpy(out + used, piece, piece_len);
		used += piece_len;
	}
	out[used] = '\0';
}

/* --- errors --- */

bool cmd_fail(struct parser *parser, size_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	parser->error->column = column;
	vsnprintf(parser->error->message, sizeof parser->error->message, format, args);
	va_end(args);
	return false;
}

/* An error that quotes one token between before and after: "bad size 'x': ...". */
bool cmd_fail_token(struct parser *parser, const struct token *token, const char *before, const char *after)
{
	char quoted[QUOTE_MAX + 8];
	cmd_quote_text(token->text, token->len, quoted, sizeof quoted);
	return cmd_fail(parser, token->column, "%s'%s'%s", before, quoted, after);
}

/* --- tokens --- */

static void skip_blanks(struct parser *parser)
{
	while (parser->pos < parser->len && is_blank((unsigned char)parser->line[parser->pos]))
		parser->pos++;
}

/* True when only blanks or a comment are left. */
bool cmd_at_end(struct parser *parser)
{
	skip_blanks(parser);
	return parser->pos == parser->len || parser->line[parser->pos] == '#';
}

/* Where a missing argument would have been: past the blanks, at the end or the comment. */
static size_t end_column(struct parser *parser)
{
	skip_blanks(parser);
	return parser->pos + 1;
}

bool cmd_next_token(struct parser *parser, struct token *token)
{
	if (cmd_at_end(parser))
		return false;
	size_t start = parser->pos;
	while (parser->pos < parser->len) {
		unsigned char c = (unsigned char)parser->line[parser->pos];
		if (is_blank(c) || c == '#')
			break;
		parser->pos++;
	}
	token->text = parser->line + start;
	token->len = parser->pos - start;
	token->column = start + 1;
	return true;
}

bool cmd_missing(struct parser *parser, const char *message)
{
	return cmd_fail(parser, end_column(parser), "%s", message);
}

bool cmd_expect_end(struct parser *parser)
{
	struct token extra;
	if (!cmd_next_token(parser, &extra))
		return true;
	return cmd_fail_token(parser, &extra, "unexpected ", " after the command");
}

/* --- numbers --- */


/*
 * Decimal or 0x hex, with a K, M or G suffix when allow_suffix. The syntax is
 * checked before the value, so "99999999999999999999x" is bad, not too large.
 */
enum number_status cmd_parse_number(const char *text, size_t len, bool allow_suffix, uintmax_t max,
				       uintmax_t *out)
{
	uintmax_t multiplier = 1;
	if (allow_suffix && len > 0) {
		unsigned char last = to_lower((unsigned char)text[len - 1]);
		if (last == 'k' || last == 'm' || last == 'g') {
			multiplier = last == 'k' ? 1024u : last == 'm' ? 1024u * 1024u : 1024u * 1024u * 1024u;
			len--;
		}
	}
	unsigned base = 10;
	size_t start = 0;
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		start = 2;
	}
	if (start == len)
		return NUMBER_BAD;
	for (size_t i = start; i < len; i++) {
		int digit = hex_value((unsigned char)text[i]);
		if (digit < 0 || (unsigned)digit >= base)
			return NUMBER_BAD;
	}
	uintmax_t value = 0;
	for (size_t i = start; i < len; i++) {
		unsigned digit = (unsigned)hex_value((unsigned char)text[i]);
		if (value > (max - digit) / base)
			return NUMBER_TOO_LARGE;
		value = value * base + digit;
	}
	if (value > max / multiplier)
		return NUMBER_TOO_LARGE;
	*out = value * multiplier;
	return NUMBER_OK;
}

bool command_parse_size(const char *text, size_t len, size_t *out)
{
	uintmax_t value;
	if (text == NULL || cmd_parse_number(text, len, true, SIZE_MAX, &value) != NUMBER_OK)
		return false;
	*out = (size_t)value;
	return true;
}


const struct number_words cmd_size_words = {
	"needs a SIZE", "bad size ", ": expected a number like 64, 0x40 or 4K", "size too large", true,
};
const struct number_words cmd_count_words = {
	"needs a COUNT", "bad count ", ": expected a number like 4, 0x10 or 1K", "count too large", true,
};
const struct number_words cmd_step_words = {
	"needs a STEP", "bad step ", ": expected a step number like 3", "step too large", false,
};
const struct number_words cmd_ms_words = {
	"needs a duration in MS", "bad duration ", ": expected milliseconds like 500",
	"a sleep is at most 3600000 ms (an hour)",
	false,
};

bool cmd_parse_number_argument(struct parser *parser, const char *command_name,
				  const struct number_words *words, uintmax_t max, uintmax_t *value,
				  size_t *column)
{
	struct token token;
	if (!cmd_next_token(parser, &token))
		return cmd_fail(parser, end_column(parser), "%s %s", command_name, words->missing);
	*column = token.column;
	switch (cmd_parse_number(token.text, token.len, words->allow_suffix, max, value)) {
	case NUMBER_OK:
		return true;
	case NUMBER_TOO_LARGE:
		return cmd_fail(parser, token.column, "%s", words->too_large);
	case NUMBER_BAD:
		break;
	}
	return cmd_fail_token(parser, &token, words->bad, words->expected);
}

bool cmd_parse_size_argument(struct parser *parser, const char *command_name,
				const struct number_words *words, size_t *size, size_t *column)
{
	uintmax_t value;
	if (!cmd_parse_number_argument(parser, command_name, words, SIZE_MAX, &value, column))
		return false;
	*size = (size_t)value;
	return true;
}

/* --- names and targets --- */

bool command_is_identifier(const char *text, size_t len)
{
	if (text == NULL || len == 0 || len > COMMAND_NAME_MAX || !is_name_start((unsigned char)text[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		if (!is_name_char((unsigned char)text[i]))
			return false;
	}
	return true;
}

static bool check_name(struct parser *parser, const struct token *token, char name[COMMAND_NAME_MAX + 1])
{
	if (!is_name_start((unsigned char)token->text[0]))
		return cmd_fail_token(parser, token, "", " is not a name: names start with a letter or _");
	for (size_t i = 1; i < token->len; i++) {
		if (!is_name_char((unsigned char)token->text[i]))
			return cmd_fail_token(parser, token, "", " is not a name: use only letters, digits and _");
	}
	if (token->len > COMMAND_NAME_MAX)
		return cmd_fail_token(parser, token, "name ", " is longer than 16 characters");
	memcpy(name, token->text, token->len);
	name[token->len] = '\0';
	return true;
}

/* A name, or (when it starts with a digit) a payload address. */
bool cmd_parse_target(struct parser *parser, const char *command_name, struct command_target *target)
{
	struct token token;
	if (!cmd_next_token(parser, &token))
		return cmd_fail(parser, end_column(parser), "%s needs a TARGET (a name or an address)", command_name);
	target->column = token.column;
	if (!is_digit((unsigned char)token.text[0])) {
		target->is_name = true;
		return check_name(parser, &token, target->name);
	}
	uintmax_t address;
	switch (cmd_parse_number(token.text, token.len, false, SIZE_MAX, &address)) {
	case NUMBER_OK:
		target->is_name = false;
		target->address = (size_t)address;
		return true;
	case NUMBER_TOO_LARGE:
		return cmd_fail(parser, token.column, "address too large");
	case NUMBER_BAD:
		break;
	}
	return cmd_fail_token(parser, &token, "bad address ", ": expected a number like 64 or 0x40");
}

/* The optional "as NAME" after alloc and calloc. */
bool cmd_parse_optional_name(struct parser *parser, struct command *command)
{
	struct token token;
	size_t before = parser->pos;
	if (!cmd_next_token(parser, &token))
		return true;
	if (!keyword_equals("as", token.text, token.len)) {
		parser->pos = before;
		return true;   /* expect_end reports it */
	}
	struct token name;
	if (!cmd_next_token(parser, &name))
		return cmd_missing(parser, "as needs a NAME");
	command->name_column = name.column;
	if (!check_name(parser, &name, command->name))
		return false;
	command->has_name = true;
	return true;
}

/* --- quoted strings --- */

/*
 * A C-style string starting at the '"' under the cursor. The decoded bytes go
 * to a new buffer (never longer than the rest of the line). Without allow_nul
 * a NUL byte, raw or escaped, is an error: the text becomes a C string.
 */
bool cmd_parse_string(struct parser *parser, bool allow_nul, uint8_t **data, size_t *data_len)
{
	size_t open = parser->pos;
	uint8_t *buffer = malloc(parser->len - open);
	size_t used = 0;
	if (buffer == NULL)
		return cmd_fail(parser, 0, "out of memory");
	parser->pos++;
	for (;;) {
		if (parser->pos >= parser->len) {
			free(buffer);
			return cmd_fail(parser, open + 1, "unterminated string");
		}
		size_t at = parser->pos;
		unsigned char c = (unsigned char)parser->line[parser->pos++];
		if (c == '"')
			break;
		if (c == '\\') {
			if (parser->pos >= parser->len) {
				free(buffer);
				return cmd_fail(parser, open + 1, "unterminated string");
			}
			unsigned char e = (unsigned char)parser->line[parser->pos++];
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = '\0'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x': {
				int high = parser->pos < parser->len ? hex_value((unsigned char)parser->line[parser->pos]) : -1;
				int low = parser->pos + 1 < parser->len
					? hex_value((unsigned char)parser->line[parser->pos + 1]) : -1;
				if (high < 0 || low < 0) {
					struct token bad = { parser->line + at, 2, at + 1 };
					for (size_t i = parser->pos; i < parser->len && i < parser->pos + 2; i++) {
						if (parser->line[i] == '"')
							break;
						bad.len++;
					}
					free(buffer);
					return cmd_fail_token(parser, &bad, "escape ", " needs two hex digits");
				}
				c = (unsigned char)(high * 16 + low);
				parser->pos += 2;
				break;
			}
			default: {
				struct token bad = { parser->line + at, 2, at + 1 };
				free(buffer);
				return cmd_fail_token(parser, &bad, "unknown escape ", "");
			}
			}
		}
		if (c == '\0' && !allow_nul) {
			free(buffer);
			return cmd_fail(parser, at + 1, "a NUL byte is not allowed here");
		}
		buffer[used++] = c;
	}
	*data = buffer;
	*data_len = used;
	return true;
}

/*
 * The free text of note and export: the rest of the line (up to a comment)
 * with blanks trimmed, or one quoted string, which may then hold '#'.
 */
bool cmd_parse_text(struct parser *parser, const char *missing_message, struct command *command)
{
	if (cmd_at_end(parser))
		return cmd_missing(parser, missing_message);
	command->text_column = parser->pos + 1;
	if (parser->line[parser->pos] == '"') {
		uint8_t *data;
		size_t len;
		if (!cmd_parse_string(parser, false, &data, &len))
			return false;
		/* The buffer is as long as the rest of the line, quotes included, so there is room for NUL. */
		data[len] = '\0';
		command->text = (char *)data;
		return cmd_expect_end(parser);
	}
	size_t start = parser->pos;
	size_t end = start;
	while (end < parser->len && parser->line[end] != '#') {
		if (parser->line[end] == '\0')
			return cmd_fail(parser, end + 1, "a NUL byte is not allowed here");
		end++;
	}
	while (end > start && is_blank((unsigned char)parser->line[end - 1]))
		end--;
	command->text = malloc(end - start + 1);
	if (command->text == NULL)
		return cmd_fail(parser, 0, "out of memory");
	memcpy(command->text, parser->line + start, end - start);
	command->text[end - start] = '\0';
	parser->pos = parser->len;
	return true;
}
