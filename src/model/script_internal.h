/* script_internal.h - what the .hv parser and the .rep loader share: lines, tokens and the script being built. */
#ifndef HEAPVIZ_SCRIPT_INTERNAL_H
#define HEAPVIZ_SCRIPT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "script.h"

#define TOKEN_SHOWN 24                 /* bytes of a bad token quoted in a message */
#define SHOWN_SIZE (TOKEN_SHOWN * 4 + 4) /* ... each perhaps \xNN, then "..." */

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/*
 * Walks a buffer line by line: \n or \r\n ends a line. A lone \r does not
 * (it is not a line break anywhere else either): it stays in the line, and
 * both parsers report it with its column (see lone_cr).
 */
struct line_cursor {
	const char *buffer;
	size_t len;
	size_t pos;
	size_t number;      /* of the line last returned */
};

struct token {
	const char *text;
	size_t len;
	size_t column;      /* 1-based */
};

enum number_status { NUMBER_OK, NUMBER_BAD, NUMBER_TOO_LARGE };

/* The script being built, with room to grow. */
struct builder {
	struct script *script;
	size_t capacity;
	size_t warning_capacity;
};

void script_set_error(struct script_error *error, size_t line, size_t column, const char *format, ...) PRINTF_LIKE(4, 5);
bool script_next_line(struct line_cursor *cursor, const char **start, size_t *len);
bool script_lone_cr(const char *line, size_t len, size_t number, struct script_error *error);
bool script_is_blank(char c);
bool script_is_digit(char c);
size_t script_trimmed_end(const char *line, size_t len);
size_t script_trimmed_start(const char *line, size_t len);
size_t script_split_tokens(const char *line, size_t len, struct token *tokens, size_t max);
void script_show_token(const struct token *token, char *out, size_t size);
enum number_status script_parse_decimal(const struct token *token, size_t *out);
bool script_looks_numeric(const struct token *token);
bool script_reserve_lines(struct builder *builder, size_t wanted);
char *script_copy_text(const char *text, size_t len);
bool script_add_line(struct builder *builder, struct command *command, size_t line, const char *source, size_t source_len);
bool script_add_warning(struct builder *builder, const char *name, size_t line, size_t column, const char *text);

/* The .rep loader (script_rep.c): the whole trace into builder, or an error. */
bool script_parse_rep(const char *name, const char *buffer, size_t len, struct builder *builder, struct script_error *error);

#endif
