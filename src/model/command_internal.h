/* command_internal.h - the command parser's shared parts: the parser state, characters, tokens and argument parsers. */
#ifndef HEAPVIZ_COMMAND_INTERNAL_H
#define HEAPVIZ_COMMAND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "command.h"

#if defined(__GNUC__) || defined(__clang__)
#define COMMAND_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define COMMAND_PRINTF(fmt, args)
#endif

/* How much user text a message quotes: enough to recognise, short enough that any message fits. */
#define QUOTE_MAX 40

struct parser {
	const char *line;
	size_t len;
	size_t pos;                   /* next byte to read */
	struct command_error *error;
};

/* A word of the line: bytes up to a blank, a '#' or the end. */
struct token {
	const char *text;
	size_t len;
	size_t column;
};

/* --- characters: ASCII only, so the locale can never change what parses --- */

static inline bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_name_char(unsigned char c)
{
	return is_name_start(c) || is_digit(c);
}

static inline unsigned char to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True when word (len bytes) is the start of keyword, ignoring case. */
static inline bool keyword_has_prefix(const char *keyword, const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (keyword[i] == '\0' || to_lower((unsigned char)word[i]) != (unsigned char)keyword[i])
			return false;
	}
	return true;
}

static inline bool keyword_equals(const char *keyword, const char *word, size_t len)
{
	return keyword_has_prefix(keyword, word, len) && keyword[len] == '\0';
}

/* --- the lexer and argument parsers (command_lex.c) --- */

enum number_status { NUMBER_OK, NUMBER_BAD, NUMBER_TOO_LARGE };

/* What a numeric argument is called in its messages. */
struct number_words {
	const char *missing;      /* "needs a SIZE" */
	const char *bad;          /* "bad size " before the quoted token */
	const char *expected;     /* ": expected ..." after it */
	const char *too_large;    /* "size too large" */
	bool allow_suffix;
};

extern const struct number_words cmd_size_words, cmd_count_words, cmd_step_words, cmd_ms_words;

bool cmd_at_end(struct parser *parser);
bool cmd_expect_end(struct parser *parser);
bool cmd_fail(struct parser *parser, size_t column, const char *format, ...) COMMAND_PRINTF(3, 4);
bool cmd_fail_token(struct parser *parser, const struct token *token, const char *before, const char *after);
bool cmd_missing(struct parser *parser, const char *message);
bool cmd_next_token(struct parser *parser, struct token *token);
enum number_status cmd_parse_number(const char *text, size_t len, bool allow_suffix, uintmax_t max, uintmax_t *out);
bool cmd_parse_number_argument(struct parser *parser, const char *command_name, const struct number_words *words, uintmax_t max, uintmax_t *value, size_t *column);
bool cmd_parse_optional_name(struct parser *parser, struct command *command);
bool cmd_parse_size_argument(struct parser *parser, const char *command_name, const struct number_words *words, size_t *size, size_t *column);
bool cmd_parse_string(struct parser *parser, bool allow_nul, uint8_t **data, size_t *data_len);
bool cmd_parse_target(struct parser *parser, const char *command_name, struct command_target *target);
bool cmd_parse_text(struct parser *parser, const char *missing_message, struct command *command);
void cmd_quote_text(const char *text, size_t len, char *out, size_t size);

#endif
