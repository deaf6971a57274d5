/* script.c - read .hv scripts and CS:APP malloc-lab traces (.rep) into positioned commands. */
#include "script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Translation of a .rep trace (ids become names "idN"):
 *   a ID N       alloc N as idN          (N == 0: zero_size_is_null, as malloc(0) may return NULL)
 *   r ID N       realloc idN N           when idN is live
 *   r ID 0       free idN                when idN is live (C's realloc(p, 0) frees)
 *   r ID N       alloc N as idN          when idN is not live (realloc(NULL, N) is malloc);
 *                                        N == 0 gives an alloc with zero_size_is_null
 *   f ID         free idN
 *   f -1         no command at all: free(NULL) does nothing, though it counts as an operation
 * Exactly num_ops operations are read, like the classic driver; later lines are
 * ignored with a warning. An a/r line without a size reuses the previous a/r
 * size, which is what the classic driver's fscanf("%u %u") does (alaska.rep has
 * ~30000 such lines); it is reported once as a warning, and is an error when
 * no earlier size exists.
 */

#define ID_NAME_MAX 99999999999999ULL  /* "id" + 14 digits fills COMMAND_NAME_MAX */
#define TOKEN_SHOWN 24                 /* bytes of a bad token quoted in a message */
#define SHOWN_SIZE (TOKEN_SHOWN * 4 + 4) /* ... each perhaps \xNN, then "..." */

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void set_error(struct script_error *error, size_t line, size_t column, const char *format, ...) PRINTF_LIKE(4, 5);

static void set_error(struct script_error *error, size_t line, size_t column, const char *format, ...)
{
	va_list args;

	error->line = line;
	error->column = column;
	va_start(args, format);
	vsnprintf(error->message, sizeof error->message, format, args);
	va_end(args);
}

/* --- lines and tokens ------------------------------------------------------ */

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

static bool next_line(struct line_cursor *cursor, const char **start, size_t *len)
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
static bool lone_cr(const char *line, size_t len, size_t number, struct script_error *error)
{
	const char *cr = memchr(line, '\r', len);
	if (cr == NULL)
		return false;
	set_error(error, number, (size_t)(cr - line) + 1,
		  "a carriage return (\\r) that does not end a line: lines end with \\n or \\r\\n");
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Position of a line's end once trailing blanks are dropped. */
static size_t trimmed_end(const char *line, size_t len)
{
	while (len > 0 && is_blank(line[len - 1]))
		len--;
	return len;
}

static size_t trimmed_start(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && is_blank(line[i]))
		i++;
	return i;
}

struct token {
	const char *text;
	size_t len;
	size_t column;      /* 1-based */
};

/* Split a line into at most max tokens; returns how many were found, max + 1 meaning "more". */
static size_t split_tokens(const char *line, size_t len, struct token *tokens, size_t max)
{
	size_t count = 0, i = 0;

	while (i < len) {
		size_t start;

		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_blank(line[i]))
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
static void show_token(const struct token *token, char *out, size_t size)
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

enum number_status { NUMBER_OK, NUMBER_BAD, NUMBER_TOO_LARGE };

/* Plain decimal only: a trace has no signs, hex or suffixes, and overflow is an error, not a wrap. */
static enum number_status parse_decimal(const struct token *token, size_t *out)
{
	size_t value = 0, i;

	if (token->len == 0)
		return NUMBER_BAD;
	for (i = 0; i < token->len; i++)
		if (!is_digit(token->text[i]))
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

static bool looks_numeric(const struct token *token)
{
	char c = token->text[0];

	return is_digit(c) || ((c == '-' || c == '+') && token->len > 1 && is_digit(token->text[1]));
}

/* --- building the script --------------------------------------------------- */

struct builder {
	struct script *script;
	size_t capacity;
	size_t warning_capacity;
};

static bool reserve_lines(struct builder *builder, size_t wanted)
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

static char *copy_text(const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy != NULL) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

/* Append a command; the builder takes ownership of *command even on failure. */
static bool add_line(struct builder *builder, struct command *command, size_t line, const char *source, size_t source_len)
{
	struct script *script = builder->script;
	char *copy;

	if (script->count == builder->capacity &&
	    !reserve_lines(builder, builder->capacity < 16 ? 16 : builder->capacity * 2)) {
		command_release(command);
		return false;
	}
	copy = copy_text(source, source_len);
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

static bool add_warning(struct builder *builder, const char *name, size_t line, size_t column, const char *text)
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

/* --- .hv scripts ------------------------------------------------------------ */

/* SCRIPT_KEEP_GOING: keep a line that did not parse, with its error, in its place. */
static bool add_bad_line(struct builder *builder, size_t line, size_t column, const char *message,
			 const char *source, size_t source_len)
{
	struct command empty;
	memset(&empty, 0, sizeof empty);
	empty.kind = CMD_EMPTY;
	char *copy = copy_text(message, strlen(message));
	if (copy == NULL || !add_line(builder, &empty, line, source, source_len)) {
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

	while (next_line(&cursor, &line, &line_len)) {
		struct command command;
		struct command_error parse_error;
		const char *nul;
		size_t start, end;

		/* Blank lines skip the parser (and its zeroing of a command): loading stays linear with a small constant. */
		if (trimmed_start(line, line_len) == line_len)
			continue;
		if (lone_cr(line, line_len, cursor.number, error)) {
			if (!(flags & SCRIPT_KEEP_GOING))
				return false;
			start = trimmed_start(line, line_len);
			end = trimmed_end(line, line_len);
			if (!add_bad_line(builder, cursor.number, error->column, error->message, line + start, end - start)) {
				set_error(error, cursor.number, 1, "out of memory");
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
				set_error(error, cursor.number, column, "%s", parse_error.message);
				return false;
			}
			/* The source is cut at a NUL: it is kept as a C string. */
			size_t kept = nul != NULL ? (size_t)(nul - line) : line_len;
			start = trimmed_start(line, kept);
			end = trimmed_end(line, kept);
			if (!add_bad_line(builder, cursor.number, column, parse_error.message, line + start,
					  end > start ? end - start : 0)) {
				set_error(error, cursor.number, 1, "out of memory");
				return false;
			}
			continue;
		}
		if (command.kind == CMD_EMPTY) {
			command_release(&command);
			continue;
		}
		start = trimmed_start(line, line_len);
		end = trimmed_end(line, line_len);
		if (!add_line(builder, &command, cursor.number, line + start, end - start)) {
			set_error(error, cursor.number, 1, "out of memory");
			return false;
		}
	}
	return true;
}

/* --- .rep traces ------------------------------------------------------------- */

enum id_state { ID_LIVE = 1, ID_FREED = 2 };

/* Ids seen so far, hashed: a hostile header may claim 10^13 ids, so nothing is sized by num_ids. */
struct id_slot {
	size_t id_plus_one;     /* 0 marks an empty slot */
	size_t line;            /* where it became live, or was freed */
	unsigned char state;
};

struct id_table {
	struct id_slot *slots;
	size_t capacity;        /* a power of two, or 0 */
	size_t used;
};

static size_t id_hash(size_t id, size_t capacity)
{
	uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t)(h ^ (h >> 29)) & (capacity - 1);
}

static struct id_slot *id_find(const struct id_table *table, size_t id)
{
	size_t i;

	if (table->capacity == 0)
		return NULL;
	for (i = id_hash(id, table->capacity);; i = (i + 1) & (table->capacity - 1)) {
		if (table->slots[i].id_plus_one == 0)
			return NULL;
		if (table->slots[i].id_plus_one == id + 1)
			return &table->slots[i];
	}
}

static bool id_grow(struct id_table *table)
{
	size_t capacity = table->capacity ? table->capacity * 2 : 256, i;
	struct id_slot *slots = calloc(capacity, sizeof *slots);

	if (slots == NULL)
		return false;
	for (i = 0; i < table->capacity; i++) {
		size_t j;
		if (table->slots[i].id_plus_one == 0)
			continue;
		j = id_hash(table->slots[i].id_plus_one - 1, capacity);
		while (slots[j].id_plus_one != 0)
			j = (j + 1) & (capacity - 1);
		slots[j] = table->slots[i];
	}
	free(table->slots);
	table->slots = slots;
	table->capacity = capacity;
	return true;
}

/* Record id's new state; false only when the host is out of memory. */
static bool id_set(struct id_table *table, size_t id, enum id_state state, size_t line)
{
	struct id_slot *slot = id_find(table, id);
	size_t i;

	if (slot == NULL) {
		if ((table->used + 1) * 2 > table->capacity && !id_grow(table))
			return false;
		i = id_hash(id, table->capacity);
		while (table->slots[i].id_plus_one != 0)
			i = (i + 1) & (table->capacity - 1);
		slot = &table->slots[i];
		slot->id_plus_one = id + 1;
		table->used++;
	}
	slot->state = (unsigned char)state;
	slot->line = line;
	return true;
}

struct rep_parser {
	const char *name;
	struct builder *builder;
	struct script_error *error;
	struct id_table ids;
	size_t num_ids;
	size_t last_size;           /* for a/r lines without a size */
	bool has_last_size;
	size_t sizeless;            /* how many a/r lines reused last_size */
	size_t sizeless_line, sizeless_column;
};

static bool rep_number_error(struct rep_parser *parser, size_t line, const struct token *token, const char *what, enum number_status status)
{
	char shown[SHOWN_SIZE];

	show_token(token, shown, sizeof shown);
	if (status == NUMBER_TOO_LARGE)
		set_error(parser->error, line, token->column, "%s '%s' is too large", what, shown);
	else
		set_error(parser->error, line, token->column, "bad %s '%s': expected a decimal number", what, shown);
	return false;
}

static void name_id(char *name, size_t id)
{
	snprintf(name, COMMAND_NAME_MAX + 1, "id%zu", id);
}

/* One operation line: checked, translated and appended (or skipped for f -1). */
static bool rep_operation(struct rep_parser *parser, size_t line_number, const char *line, size_t line_len)
{
	struct script_error *error = parser->error;
	struct token tokens[3];
	size_t count = split_tokens(line, line_len, tokens, 3);
	size_t end_column = trimmed_end(line, line_len) + 1;
	char op, shown[SHOWN_SIZE];
	size_t id, size = 0, size_column = 0, fields, start;
	enum number_status status;
	struct id_slot *slot;
	struct command command;
	bool live;

	op = tokens[0].len == 1 ? tokens[0].text[0] : '\0';
	if (op != 'a' && op != 'r' && op != 'f') {
		show_token(&tokens[0], shown, sizeof shown);
		set_error(error, line_number, tokens[0].column, "unknown operation '%s': expected a, r or f", shown);
		return false;
	}
	fields = op == 'f' ? 2 : 3;
	if (count < 2) {
		set_error(error, line_number, end_column, "missing id after '%c'", op);
		return false;
	}
	if (count > fields) {
		/* Find the first extra field: split again with room for it. */
		struct token all[4];
		split_tokens(line, line_len, all, 4);
		show_token(&all[fields], shown, sizeof shown);
		set_error(error, line_number, all[fields].column, "unexpected '%s' after the %s", shown,
		          op == 'f' ? "id" : "size");
		return false;
	}
	if (op == 'f' && tokens[1].len == 2 && memcmp(tokens[1].text, "-1", 2) == 0)
		return true;    /* free(NULL): an operation that changes nothing */
	status = parse_decimal(&tokens[1], &id);
	if (status != NUMBER_OK)
		return rep_number_error(parser, line_number, &tokens[1], "id", status);
	if (id >= parser->num_ids) {
		set_error(error, line_number, tokens[1].column, "id %zu is outside the header's range [0, %zu)", id, parser->num_ids);
		return false;
	}
	if (id > ID_NAME_MAX) {
		set_error(error, line_number, tokens[1].column, "id %zu is too large to name (at most %llu)", id, ID_NAME_MAX);
		return false;
	}
	if (op != 'f') {
		if (count == 3) {
			status = parse_decimal(&tokens[2], &size);
			if (status != NUMBER_OK)
				return rep_number_error(parser, line_number, &tokens[2], "size", status);
			size_column = tokens[2].column;
			parser->last_size = size;
			parser->has_last_size = true;
		} else if (parser->has_last_size) {
			size = parser->last_size;
			size_column = end_column;
			if (parser->sizeless++ == 0) {
				parser->sizeless_line = line_number;
				parser->sizeless_column = end_column;
			}
		} else {
			set_error(error, line_number, end_column, "missing size after the id");
			return false;
		}
	}

	slot = id_find(&parser->ids, id);
	live = slot != NULL && slot->state == ID_LIVE;
	memset(&command, 0, sizeof command);
	if (op == 'a' && live) {
		set_error(error, line_number, tokens[1].column, "alloc of id %zu, which is still live (since line %zu)", id, slot->line);
		return false;
	}
	if (op == 'f' && !live) {
		if (slot == NULL)
			set_error(error, line_number, tokens[1].column, "free of id %zu, which was never allocated", id);
		else
			set_error(error, line_number, tokens[1].column, "double free of id %zu (already freed at line %zu)", id, slot->line);
		return false;
	}
	if (op == 'f' || (op == 'r' && live && size == 0)) {
		command.kind = CMD_FREE;
		command.target.is_name = true;
		name_id(command.target.name, id);
		command.target.column = tokens[1].column;
	} else if (op == 'r' && live) {
		command.kind = CMD_REALLOC;
		command.target.is_name = true;
		name_id(command.target.name, id);
		command.target.column = tokens[1].column;
		command.size = size;
		command.size_column = size_column;
	} else {
		command.kind = CMD_ALLOC;
		command.has_name = true;
		name_id(command.name, id);
		command.name_column = tokens[1].column;
		command.size = size;
		command.size_column = size_column;
		command.zero_size_is_null = size == 0;
	}
	command.keyword_column = tokens[0].column;
	if (!id_set(&parser->ids, id, command.kind == CMD_FREE ? ID_FREED : ID_LIVE, line_number)) {
		set_error(error, line_number, 1, "out of memory");
		return false;
	}
	start = trimmed_start(line, line_len);
	if (!add_line(parser->builder, &command, line_number, line + start, end_column - 1 - start)) {
		set_error(error, line_number, 1, "out of memory");
		return false;
	}
	return true;
}

/* Position just past the last character, for errors about a trace that ends too soon. */
static void end_position(const char *buffer, size_t len, size_t *line, size_t *column)
{
	struct line_cursor cursor = { buffer, len, 0, 0 };
	const char *text;
	size_t text_len, last_len = 0;

	while (next_line(&cursor, &text, &text_len))
		last_len = text_len;
	*line = cursor.number ? cursor.number : 1;
	*column = last_len + 1;
}

static bool parse_rep_body(struct rep_parser *parser, const char *buffer, size_t len)
{
	struct script *script = parser->builder->script;
	struct script_error *error = parser->error;
	struct line_cursor cursor = { buffer, len, 0, 0 };
	size_t header[4], numbers = 0, ops = 0, extra = 0, extra_line = 0;
	bool in_header = true;
	const char *line;
	size_t line_len;

	while (next_line(&cursor, &line, &line_len)) {
		if (trimmed_start(line, line_len) == line_len)
			continue;
		if (lone_cr(line, line_len, cursor.number, error))
			return false;
		if (in_header) {
			struct token tokens[5];
			/* Five tokens are enough: a fifth on one line is an error whatever it is. */
			size_t count = split_tokens(line, line_len, tokens, 5), i;
			bool operation = false;

			if (count > 5)
				count = 5;
			for (i = 0; i < count; i++) {
				struct token *token = &tokens[i];
				enum number_status status;
				if (!looks_numeric(token)) {
					if (i > 0) {
						char shown[SHOWN_SIZE];
						show_token(token, shown, sizeof shown);
						set_error(error, cursor.number, token->column, "unexpected '%s' in the header: an operation starts its own line", shown);
						return false;
					}
					operation = true;
					break;
				}
				if (numbers == 4) {
					set_error(error, cursor.number, token->column, "a header has 4 numbers (or 2), not more");
					return false;
				}
				status = parse_decimal(token, &header[numbers]);
				if (status != NUMBER_OK)
					return rep_number_error(parser, cursor.number, token, "header number", status);
				numbers++;
			}
			if (!operation)
				continue;
			if (numbers != 4 && numbers != 2) {
				set_error(error, cursor.number, tokens[0].column,
				          "the header has %zu number%s before the first operation; expected 4 (or 2)",
				          numbers, numbers == 1 ? "" : "s");
				return false;
			}
			in_header = false;
			script->rep.numbers = numbers;
			if (numbers == 4) {
				script->rep.suggested_heap = header[0];
				script->rep.num_ids = header[1];
				script->rep.num_ops = header[2];
				script->rep.weight = header[3];
			} else {
				script->rep.num_ids = header[0];
				script->rep.num_ops = header[1];
			}
			parser->num_ids = script->rep.num_ids;
			/* Reserve what the file can hold ("f 0\n" is 4 bytes), not what the header claims. */
			if (!reserve_lines(parser->builder, script->rep.num_ops < len / 4 + 1 ? script->rep.num_ops : len / 4 + 1)) {
				set_error(error, cursor.number, 1, "out of memory");
				return false;
			}
		}
		if (ops == script->rep.num_ops) {
			if (extra++ == 0)
				extra_line = cursor.number;
			continue;
		}
		if (!rep_operation(parser, cursor.number, line, line_len))
			return false;
		ops++;
	}
	if (in_header) {
		size_t end_line, end_column;
		end_position(buffer, len, &end_line, &end_column);
		if (numbers != 4 && numbers != 2) {
			set_error(error, end_line, end_column, "the trace ends inside its header after %zu number%s; expected 4 (or 2)",
			          numbers, numbers == 1 ? "" : "s");
			return false;
		}
		script->rep.numbers = numbers;
		script->rep.num_ids = numbers == 4 ? header[1] : header[0];
		script->rep.num_ops = numbers == 4 ? header[2] : header[1];
		script->rep.suggested_heap = numbers == 4 ? header[0] : 0;
		script->rep.weight = numbers == 4 ? header[3] : 0;
	}
	if (ops < script->rep.num_ops) {
		size_t end_line, end_column;
		end_position(buffer, len, &end_line, &end_column);
		set_error(error, end_line, end_column, "trace ends after %zu operation%s; the header says %zu",
		          ops, ops == 1 ? "" : "s", script->rep.num_ops);
		return false;
	}
	if (parser->sizeless > 0) {
		char text[200];
		snprintf(text, sizeof text, "%zu operation%s without a size reuse%s the previous size, as the classic driver does",
		         parser->sizeless, parser->sizeless == 1 ? "" : "s", parser->sizeless == 1 ? "s" : "");
		if (!add_warning(parser->builder, parser->name, parser->sizeless_line, parser->sizeless_column, text)) {
			set_error(error, parser->sizeless_line, 1, "out of memory");
			return false;
		}
	}
	if (extra > 0) {
		char text[200];
		snprintf(text, sizeof text, "%zu line%s after the header's %zu operations %s ignored",
		         extra, extra == 1 ? "" : "s", script->rep.num_ops, extra == 1 ? "is" : "are");
		if (!add_warning(parser->builder, parser->name, extra_line, 1, text)) {
			set_error(error, extra_line, 1, "out of memory");
			return false;
		}
	}
	return true;
}

static bool parse_rep(const char *name, const char *buffer, size_t len, struct builder *builder, struct script_error *error)
{
	struct rep_parser parser;
	bool ok;

	memset(&parser, 0, sizeof parser);
	parser.name = name;
	parser.builder = builder;
	parser.error = error;
	ok = parse_rep_body(&parser, buffer, len);
	free(parser.ids.slots);
	return ok;
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

	while (i < len && (is_blank(buffer[i]) || buffer[i] == '\n' || buffer[i] == '\r'))
		i++;
	if (i == len)
		return SCRIPT_HV;
	first.text = buffer + i;
	first.len = len - i;
	first.column = 1;
	return looks_numeric(&first) ? SCRIPT_REP : SCRIPT_HV;
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
		ok = parse_rep(name, buffer, len, &builder, error);
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
		set_error(error, 0, 0, "cannot read: %s", strerror(errno));
		return false;
	}
	for (;;) {
		size_t got;
		if (len == capacity) {
			size_t wanted = capacity ? capacity * 2 : 65536;
			char *grown;
			if (capacity >= SCRIPT_MAX_FILE + 1) {
				set_error(error, 0, 0, "cannot read: the file is larger than %zu MiB", SCRIPT_MAX_FILE >> 20);
				goto fail;
			}
			if (wanted > SCRIPT_MAX_FILE + 1)
				wanted = SCRIPT_MAX_FILE + 1;
			grown = realloc(buffer, wanted);
			if (grown == NULL) {
				set_error(error, 0, 0, "cannot read: out of memory");
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
				set_error(error, 0, 0, "cannot read: %s", strerror(errno ? errno : EIO));
				goto fail;
			}
			break;
		}
	}
	if (len > SCRIPT_MAX_FILE) {
		set_error(error, 0, 0, "cannot read: the file is larger than %zu MiB", SCRIPT_MAX_FILE >> 20);
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
