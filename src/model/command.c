/* command.c - the command language: a command table, a tokenizer and one small parser per command. */
#include "command.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

typedef bool (*command_parser)(struct parser *parser, struct command *command);

struct command_entry {
	const char *name;
	const char *aliases[3];       /* NULL-terminated; an exact alias beats any prefix */
	enum command_kind kind;
	const char *usage;
	const char *summary;
	command_parser parse;
};

/* --- characters: ASCII only, so the locale can never change what parses --- */

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || is_digit(c);
}

static unsigned char to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True when word (len bytes) is the start of keyword, ignoring case. */
static bool keyword_has_prefix(const char *keyword, const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (keyword[i] == '\0' || to_lower((unsigned char)word[i]) != (unsigned char)keyword[i])
			return false;
	}
	return true;
}

static bool keyword_equals(const char *keyword, const char *word, size_t len)
{
	return keyword_has_prefix(keyword, word, len) && keyword[len] == '\0';
}

/*
 * User text in a message is escaped and cut short, so that a hostile line can
 * neither put control bytes on the screen nor overflow the message.
 */
static void quote_text(const char *text, size_t len, char *out, size_t size)
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

static bool fail(struct parser *parser, size_t column, const char *format, ...) COMMAND_PRINTF(3, 4);

static bool fail(struct parser *parser, size_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	parser->error->column = column;
	vsnprintf(parser->error->message, sizeof parser->error->message, format, args);
	va_end(args);
	return false;
}

/* An error that quotes one token between before and after: "bad size 'x': ...". */
static bool fail_token(struct parser *parser, const struct token *token, const char *before, const char *after)
{
	char quoted[QUOTE_MAX + 8];
	quote_text(token->text, token->len, quoted, sizeof quoted);
	return fail(parser, token->column, "%s'%s'%s", before, quoted, after);
}

/* --- tokens --- */

static void skip_blanks(struct parser *parser)
{
	while (parser->pos < parser->len && is_blank((unsigned char)parser->line[parser->pos]))
		parser->pos++;
}

/* True when only blanks or a comment are left. */
static bool at_end(struct parser *parser)
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

static bool next_token(struct parser *parser, struct token *token)
{
	if (at_end(parser))
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

static bool missing(struct parser *parser, const char *message)
{
	return fail(parser, end_column(parser), "%s", message);
}

static bool expect_end(struct parser *parser)
{
	struct token extra;
	if (!next_token(parser, &extra))
		return true;
	return fail_token(parser, &extra, "unexpected ", " after the command");
}

/* --- numbers --- */

enum number_status { NUMBER_OK, NUMBER_BAD, NUMBER_TOO_LARGE };

/*
 * Decimal or 0x hex, with a K or M suffix when allow_suffix. The syntax is
 * checked before the value, so "99999999999999999999x" is bad, not too large.
 */
static enum number_status parse_number(const char *text, size_t len, bool allow_suffix, uintmax_t max,
				       uintmax_t *out)
{
	uintmax_t multiplier = 1;
	if (allow_suffix && len > 0) {
		unsigned char last = to_lower((unsigned char)text[len - 1]);
		if (last == 'k' || last == 'm') {
			multiplier = last == 'k' ? 1024u : 1024u * 1024u;
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
	if (text == NULL || parse_number(text, len, true, SIZE_MAX, &value) != NUMBER_OK)
		return false;
	*out = (size_t)value;
	return true;
}

/* What a numeric argument is called in its messages. */
struct number_words {
	const char *missing;      /* "needs a SIZE" */
	const char *bad;          /* "bad size " before the quoted token */
	const char *expected;     /* ": expected ..." after it */
	const char *too_large;    /* "size too large" */
	bool allow_suffix;
};

static const struct number_words size_words = {
	"needs a SIZE", "bad size ", ": expected a number like 64, 0x40 or 4K", "size too large", true,
};
static const struct number_words count_words = {
	"needs a COUNT", "bad count ", ": expected a number like 4, 0x10 or 1K", "count too large", true,
};
static const struct number_words step_words = {
	"needs a STEP", "bad step ", ": expected a step number like 3", "step too large", false,
};
static const struct number_words ms_words = {
	"needs a duration in MS", "bad duration ", ": expected milliseconds like 500",
	"a sleep is at most 3600000 ms (an hour)",
	false,
};

static bool parse_number_argument(struct parser *parser, const char *command_name,
				  const struct number_words *words, uintmax_t max, uintmax_t *value,
				  size_t *column)
{
	struct token token;
	if (!next_token(parser, &token))
		return fail(parser, end_column(parser), "%s %s", command_name, words->missing);
	*column = token.column;
	switch (parse_number(token.text, token.len, words->allow_suffix, max, value)) {
	case NUMBER_OK:
		return true;
	case NUMBER_TOO_LARGE:
		return fail(parser, token.column, "%s", words->too_large);
	case NUMBER_BAD:
		break;
	}
	return fail_token(parser, &token, words->bad, words->expected);
}

static bool parse_size_argument(struct parser *parser, const char *command_name,
				const struct number_words *words, size_t *size, size_t *column)
{
	uintmax_t value;
	if (!parse_number_argument(parser, command_name, words, SIZE_MAX, &value, column))
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
		return fail_token(parser, token, "", " is not a name: names start with a letter or _");
	for (size_t i = 1; i < token->len; i++) {
		if (!is_name_char((unsigned char)token->text[i]))
			return fail_token(parser, token, "", " is not a name: use only letters, digits and _");
	}
	if (token->len > COMMAND_NAME_MAX)
		return fail_token(parser, token, "name ", " is longer than 16 characters");
	memcpy(name, token->text, token->len);
	name[token->len] = '\0';
	return true;
}

/* A name, or (when it starts with a digit) a payload address. */
static bool parse_target(struct parser *parser, const char *command_name, struct command_target *target)
{
	struct token token;
	if (!next_token(parser, &token))
		return fail(parser, end_column(parser), "%s needs a TARGET (a name or an address)", command_name);
	target->column = token.column;
	if (!is_digit((unsigned char)token.text[0])) {
		target->is_name = true;
		return check_name(parser, &token, target->name);
	}
	uintmax_t address;
	switch (parse_number(token.text, token.len, false, SIZE_MAX, &address)) {
	case NUMBER_OK:
		target->is_name = false;
		target->address = (size_t)address;
		return true;
	case NUMBER_TOO_LARGE:
		return fail(parser, token.column, "address too large");
	case NUMBER_BAD:
		break;
	}
	return fail_token(parser, &token, "bad address ", ": expected a number like 64 or 0x40");
}

/* The optional "as NAME" after alloc and calloc. */
static bool parse_optional_name(struct parser *parser, struct command *command)
{
	struct token token;
	size_t before = parser->pos;
	if (!next_token(parser, &token))
		return true;
	if (!keyword_equals("as", token.text, token.len)) {
		parser->pos = before;
		return true;   /* expect_end reports it */
	}
	struct token name;
	if (!next_token(parser, &name))
		return missing(parser, "as needs a NAME");
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
static bool parse_string(struct parser *parser, bool allow_nul, uint8_t **data, size_t *data_len)
{
	size_t open = parser->pos;
	uint8_t *buffer = malloc(parser->len - open);
	size_t used = 0;
	if (buffer == NULL)
		return fail(parser, 0, "out of memory");
	parser->pos++;
	for (;;) {
		if (parser->pos >= parser->len) {
			free(buffer);
			return fail(parser, open + 1, "unterminated string");
		}
		size_t at = parser->pos;
		unsigned char c = (unsigned char)parser->line[parser->pos++];
		if (c == '"')
			break;
		if (c == '\\') {
			if (parser->pos >= parser->len) {
				free(buffer);
				return fail(parser, open + 1, "unterminated string");
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
					return fail_token(parser, &bad, "escape ", " needs two hex digits");
				}
				c = (unsigned char)(high * 16 + low);
				parser->pos += 2;
				break;
			}
			default: {
				struct token bad = { parser->line + at, 2, at + 1 };
				free(buffer);
				return fail_token(parser, &bad, "unknown escape ", "");
			}
			}
		}
		if (c == '\0' && !allow_nul) {
			free(buffer);
			return fail(parser, at + 1, "a NUL byte is not allowed here");
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
static bool parse_text(struct parser *parser, const char *missing_message, struct command *command)
{
	if (at_end(parser))
		return missing(parser, missing_message);
	command->text_column = parser->pos + 1;
	if (parser->line[parser->pos] == '"') {
		uint8_t *data;
		size_t len;
		if (!parse_string(parser, false, &data, &len))
			return false;
		/* The buffer is as long as the rest of the line, quotes included, so there is room for NUL. */
		data[len] = '\0';
		command->text = (char *)data;
		return expect_end(parser);
	}
	size_t start = parser->pos;
	size_t end = start;
	while (end < parser->len && parser->line[end] != '#') {
		if (parser->line[end] == '\0')
			return fail(parser, end + 1, "a NUL byte is not allowed here");
		end++;
	}
	while (end > start && is_blank((unsigned char)parser->line[end - 1]))
		end--;
	command->text = malloc(end - start + 1);
	if (command->text == NULL)
		return fail(parser, 0, "out of memory");
	memcpy(command->text, parser->line + start, end - start);
	command->text[end - start] = '\0';
	parser->pos = parser->len;
	return true;
}

/* --- keyword lookup --- */

/* Gives the words an entry answers to: which 0 is its canonical name; NULL past the last. */
typedef const char *(*entry_word)(size_t entry, size_t which);

enum match { MATCH_NONE, MATCH_ONE, MATCH_AMBIGUOUS };

/*
 * tmux's rule: an exact name or alias wins; otherwise a prefix must pick out a
 * single entry. *found is that entry; on MATCH_AMBIGUOUS, *candidates has a bit
 * per entry that matched.
 */
static enum match match_keyword(entry_word word_of, size_t count, const char *word, size_t len, size_t *found,
				uint32_t *candidates)
{
	*candidates = 0;
	if (len == 0)
		return MATCH_NONE;
	for (size_t entry = 0; entry < count; entry++) {
		for (size_t which = 0; word_of(entry, which) != NULL; which++) {
			if (keyword_equals(word_of(entry, which), word, len)) {
				*found = entry;
				return MATCH_ONE;
			}
		}
	}
	size_t matches = 0;
	for (size_t entry = 0; entry < count; entry++) {
		for (size_t which = 0; word_of(entry, which) != NULL; which++) {
			if (keyword_has_prefix(word_of(entry, which), word, len)) {
				*candidates |= (uint32_t)1 << entry;
				*found = entry;
				matches++;
				break;
			}
		}
	}
	return matches == 0 ? MATCH_NONE : matches == 1 ? MATCH_ONE : MATCH_AMBIGUOUS;
}

/* "align, alloc": the canonical names of the candidates, in table order. */
static void list_candidates(entry_word word_of, size_t count, uint32_t candidates, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t entry = 0; entry < count; entry++) {
		if (!(candidates & ((uint32_t)1 << entry)))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used > 0 ? ", " : "", word_of(entry, 0));
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

static const char *const policy_names[POLICY_COUNT] = {
	[POLICY_FIRST_FIT] = "first",
	[POLICY_NEXT_FIT] = "next",
	[POLICY_BEST_FIT] = "best",
	[POLICY_WORST_FIT] = "worst",
	[POLICY_BUDDY] = "buddy",
};

static const char *policy_word(size_t entry, size_t which)
{
	return which == 0 ? policy_names[entry] : NULL;
}

/* --- one parser per command --- */

static bool parse_alloc(struct parser *parser, struct command *command)
{
	return parse_size_argument(parser, "alloc", &size_words, &command->size, &command->size_column) &&
	       parse_optional_name(parser, command) && expect_end(parser);
}

static bool parse_free(struct parser *parser, struct command *command)
{
	return parse_target(parser, "free", &command->target) && expect_end(parser);
}

static bool parse_realloc(struct parser *parser, struct command *command)
{
	return parse_target(parser, "realloc", &command->target) &&
	       parse_size_argument(parser, "realloc", &size_words, &command->size, &command->size_column) &&
	       expect_end(parser);
}

static bool parse_calloc(struct parser *parser, struct command *command)
{
	return parse_size_argument(parser, "calloc", &count_words, &command->count, &command->count_column) &&
	       parse_size_argument(parser, "calloc", &size_words, &command->size, &command->size_column) &&
	       parse_optional_name(parser, command) && expect_end(parser);
}

static bool parse_write(struct parser *parser, struct command *command)
{
	if (!parse_target(parser, "write", &command->target))
		return false;
	if (at_end(parser))
		return missing(parser, "write needs a \"TEXT\" in double quotes");
	if (parser->line[parser->pos] != '"') {
		struct token token;
		next_token(parser, &token);
		return fail_token(parser, &token, "write needs a \"TEXT\" in double quotes, not ", "");
	}
	command->text_column = parser->pos + 1;
	return parse_string(parser, true, &command->data, &command->data_len) && expect_end(parser);
}

static bool parse_fill(struct parser *parser, struct command *command)
{
	if (!parse_target(parser, "fill", &command->target))
		return false;
	struct token token;
	if (!next_token(parser, &token))
		return missing(parser, "fill needs a BYTE (0..255)");
	command->value_column = token.column;
	uintmax_t value;
	switch (parse_number(token.text, token.len, false, UINTMAX_MAX, &value)) {
	case NUMBER_OK:
		if (value > 255)
			return fail(parser, token.column, "byte must be 0..255");
		command->byte = (uint8_t)value;
		return expect_end(parser);
	case NUMBER_TOO_LARGE:
		return fail(parser, token.column, "byte must be 0..255");
	case NUMBER_BAD:
		break;
	}
	return fail_token(parser, &token, "bad byte ", ": expected a number 0..255 like 65 or 0x41");
}

enum command_match command_match_policy(const char *word, size_t len, enum heap_policy *policy, char *candidates,
				       size_t size)
{
	size_t found;
	uint32_t matched;
	enum match match = match_keyword(policy_word, POLICY_COUNT, word, len, &found, &matched);
	if (size > 0)
		candidates[0] = '\0';
	if (match == MATCH_ONE)
		*policy = (enum heap_policy)found;
	else if (match == MATCH_AMBIGUOUS && size > 0)
		list_candidates(policy_word, POLICY_COUNT, matched, candidates, size);
	return match == MATCH_ONE ? COMMAND_MATCH_ONE : match == MATCH_AMBIGUOUS ? COMMAND_MATCH_AMBIGUOUS
										  : COMMAND_MATCH_NONE;
}

static bool parse_policy(struct parser *parser, struct command *command)
{
	static const char must_be[] = "policy must be first, next, best, worst or buddy";
	struct token token;
	if (!next_token(parser, &token))
		return missing(parser, must_be);
	command->value_column = token.column;
	char list[80];
	switch (command_match_policy(token.text, token.len, &command->policy, list, sizeof list)) {
	case COMMAND_MATCH_ONE:
		return expect_end(parser);
	case COMMAND_MATCH_AMBIGUOUS: {
		char quoted[QUOTE_MAX + 8];
		quote_text(token.text, token.len, quoted, sizeof quoted);
		return fail(parser, token.column, "ambiguous policy '%s': could be %s", quoted, list);
	}
	case COMMAND_MATCH_NONE:
		break;
	}
	return fail(parser, token.column, "%s", must_be);
}

static bool parse_reset(struct parser *parser, struct command *command)
{
	if (at_end(parser))
		return true;
	command->has_size = true;
	return parse_size_argument(parser, "reset", &size_words, &command->size, &command->size_column) &&
	       expect_end(parser);
}

static bool parse_align(struct parser *parser, struct command *command)
{
	static const char must_be[] = "alignment must be 4, 8 or 16";
	struct token token;
	if (!next_token(parser, &token))
		return missing(parser, must_be);
	command->value_column = token.column;
	uintmax_t value;
	if (parse_number(token.text, token.len, false, UINTMAX_MAX, &value) != NUMBER_OK ||
	    (value != 4 && value != 8 && value != 16))
		return fail(parser, token.column, "%s", must_be);
	command->alignment = (unsigned)value;
	return expect_end(parser);
}

static bool parse_no_arguments(struct parser *parser, struct command *command)
{
	(void)command;
	return expect_end(parser);
}

static bool parse_goto(struct parser *parser, struct command *command)
{
	uintmax_t value;
	if (!parse_number_argument(parser, "goto", &step_words, SIZE_MAX, &value, &command->value_column))
		return false;
	command->step = (size_t)value;
	return expect_end(parser);
}

static bool parse_sleep(struct parser *parser, struct command *command)
{
	uintmax_t value;
	if (!parse_number_argument(parser, "sleep", &ms_words, COMMAND_SLEEP_MAX, &value, &command->value_column))
		return false;
	command->ms = (unsigned long)value;
	return expect_end(parser);
}

static bool parse_note(struct parser *parser, struct command *command)
{
	return parse_text(parser, "note needs a TEXT", command);
}

static bool parse_export(struct parser *parser, struct command *command)
{
	return parse_text(parser, "export needs a FILE", command);
}

static bool find_command(struct parser *parser, const struct token *token, enum command_kind *kind);

static bool parse_help(struct parser *parser, struct command *command)
{
	struct token token;
	if (!next_token(parser, &token))
		return true;
	command->text_column = token.column;
	if (!find_command(parser, &token, &command->help_topic))
		return false;
	const char *keyword = command_keyword(command->help_topic);
	command->text = malloc(strlen(keyword) + 1);
	if (command->text == NULL)
		return fail(parser, 0, "out of memory");
	strcpy(command->text, keyword);
	return expect_end(parser);
}

/* In alphabetical order, so "could be ..." lists read alphabetically. */
static const struct command_entry commands[] = {
	{ "align", { NULL }, CMD_ALIGN, "align 4|8|16",
	  "set the payload alignment (resets the heap)", parse_align },
	{ "alloc", { "malloc", "a", NULL }, CMD_ALLOC, "alloc SIZE [as NAME]",
	  "allocate SIZE bytes, optionally naming the block", parse_alloc },
	{ "calloc", { NULL }, CMD_CALLOC, "calloc COUNT SIZE [as NAME]",
	  "allocate COUNT x SIZE zero-filled bytes", parse_calloc },
	{ "check", { NULL }, CMD_CHECK, "check",
	  "check every heap invariant", parse_no_arguments },
	{ "export", { NULL }, CMD_EXPORT, "export FILE",
	  "save the current view to FILE", parse_export },
	{ "fill", { NULL }, CMD_FILL, "fill TARGET BYTE",
	  "set every byte of a block to BYTE", parse_fill },
	{ "free", { "f", NULL }, CMD_FREE, "free TARGET",
	  "free a block by name or address", parse_free },
	{ "goto", { NULL }, CMD_GOTO, "goto STEP",
	  "jump to a step of the history", parse_goto },
	{ "help", { NULL }, CMD_HELP, "help [COMMAND]",
	  "list the commands or explain one", parse_help },
	{ "note", { NULL }, CMD_NOTE, "note TEXT",
	  "show TEXT as a caption", parse_note },
	{ "policy", { NULL }, CMD_POLICY, "policy first|next|best|worst|buddy",
	  "choose the placement policy (resets the heap)", parse_policy },
	{ "quit", { NULL }, CMD_QUIT, "quit",
	  "leave heapviz", parse_no_arguments },
	{ "realloc", { "r", NULL }, CMD_REALLOC, "realloc TARGET SIZE",
	  "resize a block, moving it if needed", parse_realloc },
	{ "redo", { NULL }, CMD_REDO, "redo",
	  "redo the step just undone", parse_no_arguments },
	{ "reset", { NULL }, CMD_RESET, "reset [SIZE]",
	  "start again with an empty heap", parse_reset },
	{ "sleep", { NULL }, CMD_SLEEP, "sleep MS",
	  "pause a script for MS milliseconds", parse_sleep },
	{ "undo", { NULL }, CMD_UNDO, "undo",
	  "undo the last step", parse_no_arguments },
	{ "write", { NULL }, CMD_WRITE, "write TARGET \"TEXT\"",
	  "copy TEXT into a block's payload", parse_write },
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

_Static_assert(COMMAND_COUNT == CMD_KIND_COUNT - 1, "one table entry per command kind");
_Static_assert(COMMAND_COUNT <= 32, "candidate sets are 32-bit masks");

static const char *command_word(size_t entry, size_t which)
{
	return which == 0 ? commands[entry].name : commands[entry].aliases[which - 1];
}

static const struct command_entry *entry_for(enum command_kind kind)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++) {
		if (commands[i].kind == kind)
			return &commands[i];
	}
	return NULL;
}

static bool find_command(struct parser *parser, const struct token *token, enum command_kind *kind)
{
	size_t found;
	uint32_t candidates;
	char quoted[QUOTE_MAX + 8];
	switch (match_keyword(command_word, COMMAND_COUNT, token->text, token->len, &found, &candidates)) {
	case MATCH_ONE:
		*kind = commands[found].kind;
		return true;
	case MATCH_AMBIGUOUS: {
		char list[120];
		list_candidates(command_word, COMMAND_COUNT, candidates, list, sizeof list);
		quote_text(token->text, token->len, quoted, sizeof quoted);
		return fail(parser, token->column, "ambiguous command '%s': could be %s", quoted, list);
	}
	case MATCH_NONE:
		break;
	}
	return fail_token(parser, token, "unknown command ", "");
}

/* --- public entry points --- */

bool command_parse(const char *line, size_t len, struct command *out, struct command_error *error)
{
	struct parser parser = { line, line == NULL ? 0 : len, 0, error };
	memset(out, 0, sizeof *out);
	error->column = 0;
	error->message[0] = '\0';
	struct token token;
	if (!next_token(&parser, &token)) {
		out->kind = CMD_EMPTY;
		return true;
	}
	enum command_kind kind;
	if (!find_command(&parser, &token, &kind))
		return false;
	out->kind = kind;
	out->keyword_column = token.column;
	if (!entry_for(kind)->parse(&parser, out)) {
		command_release(out);
		return false;
	}
	return true;
}

void command_release(struct command *command)
{
	free(command->data);
	free(command->text);
	memset(command, 0, sizeof *command);
}

bool command_copy(struct command *dst, const struct command *src)
{
	*dst = *src;
	dst->data = NULL;
	dst->text = NULL;
	if (src->data != NULL) {
		dst->data = malloc(src->data_len > 0 ? src->data_len : 1);
		if (dst->data == NULL)
			goto out_of_memory;
		if (src->data_len > 0)
			memcpy(dst->data, src->data, src->data_len);
	}
	if (src->text != NULL) {
		size_t n = strlen(src->text) + 1;
		dst->text = malloc(n);
		if (dst->text == NULL)
			goto out_of_memory;
		memcpy(dst->text, src->text, n);
	}
	return true;
out_of_memory:
	command_release(dst);
	return false;
}

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
		put(&sink, (unsigned)command->policy < POLICY_COUNT ? policy_names[command->policy] : "?");
		break;
	case CMD_RESET:
		if (command->has_size)
			put_decimal(&sink, command->size);
		break;
	case CMD_ALIGN:
		put_decimal(&sink, command->alignment);
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

const char *command_keyword(enum command_kind kind)
{
	const struct command_entry *entry = entry_for(kind);
	return entry != NULL ? entry->name : "";
}

const char *command_usage(enum command_kind kind)
{
	const struct command_entry *entry = entry_for(kind);
	return entry != NULL ? entry->usage : "";
}

const char *command_summary(enum command_kind kind)
{
	const struct command_entry *entry = entry_for(kind);
	return entry != NULL ? entry->summary : "";
}

/* Completion offers canonical names and the long aliases; one-letter aliases complete nothing. */
static void complete(entry_word word_of, size_t count, const char *prefix,
		     void (*visit)(const char *keyword, void *context), void *context)
{
	size_t len = prefix != NULL ? strlen(prefix) : 0;
	for (size_t entry = 0; entry < count; entry++) {
		for (size_t which = 0; word_of(entry, which) != NULL; which++) {
			const char *word = word_of(entry, which);
			if (strlen(word) > 1 && keyword_has_prefix(word, prefix, len))
				visit(word, context);
		}
	}
}

void command_complete(const char *prefix, void (*visit)(const char *keyword, void *context), void *context)
{
	complete(command_word, COMMAND_COUNT, prefix, visit, context);
}

void command_complete_policy(const char *prefix, void (*visit)(const char *keyword, void *context),
			     void *context)
{
	complete(policy_word, POLICY_COUNT, prefix, visit, context);
}
