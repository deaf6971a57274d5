/* script_rep.c - CS:APP malloc-lab traces (.rep) read into positioned commands on names idN. */
#include "script_internal.h"

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

	script_show_token(token, shown, sizeof shown);
	if (status == NUMBER_TOO_LARGE)
		script_set_error(parser->error, line, token->column, "%s '%s' is too large", what, shown);
	else
		script_set_error(parser->error, line, token->column, "bad %s '%s': expected a decimal number", what, shown);
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
	size_t count = script_split_tokens(line, line_len, tokens, 3);
	size_t end_column = script_trimmed_end(line, line_len) + 1;
	char op, shown[SHOWN_SIZE];
	size_t id, size = 0, size_column = 0, fields, start;
	enum number_status status;
	struct id_slot *slot;
	struct command command;
	bool live;

	op = tokens[0].len == 1 ? tokens[0].text[0] : '\0';
	if (op != 'a' && op != 'r' && op != 'f') {
		script_show_token(&tokens[0], shown, sizeof shown);
		script_set_error(error, line_number, tokens[0].column, "unknown operation '%s': expected a, r or f", shown);
		return false;
	}
	fields = op == 'f' ? 2 : 3;
	if (count < 2) {
		script_set_error(error, line_number, end_column, "missing id after '%c'", op);
		return false;
	}
	if (count > fields) {
		/* Find the first extra field: split again with room for it. */
		struct token all[4];
		script_split_tokens(line, line_len, all, 4);
		script_show_token(&all[fields], shown, sizeof shown);
		script_set_error(error, line_number, all[fields].column, "unexpected '%s' after the %s", shown,
		          op == 'f' ? "id" : "size");
		return false;
	}
	if (op == 'f' && tokens[1].len == 2 && memcmp(tokens[1].text, "-1", 2) == 0)
		return true;    /* free(NULL): an operation that changes nothing */
	status = script_parse_decimal(&tokens[1], &id);
	if (status != NUMBER_OK)
		return rep_number_error(parser, line_number, &tokens[1], "id", status);
	if (id >= parser->num_ids) {
		script_set_error(error, line_number, tokens[1].column, "id %zu is outside the header's range [0, %zu)", id, parser->num_ids);
		return false;
	}
	if (id > ID_NAME_MAX) {
		script_set_error(error, line_number, tokens[1].column, "id %zu is too large to name (at most %llu)", id, ID_NAME_MAX);
		return false;
	}
	if (op != 'f') {
		if (count == 3) {
			status = script_parse_decimal(&tokens[2], &size);
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
			script_set_error(error, line_number, end_column, "missing size after the id");
			return false;
		}
	}

	slot = id_find(&parser->ids, id);
	live = slot != NULL && slot->state == ID_LIVE;
	memset(&command, 0, sizeof command);
	if (op == 'a' && live) {
		script_set_error(error, line_number, tokens[1].column, "alloc of id %zu, which is still live (since line %zu)", id, slot->line);
		return false;
	}
	if (op == 'f' && !live) {
		if (slot == NULL)
			script_set_error(error, line_number, tokens[1].column, "free of id %zu, which was never allocated", id);
		else
			script_set_error(error, line_number, tokens[1].column, "double free of id %zu (already freed at line %zu)", id, slot->line);
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
		script_set_error(error, line_number, 1, "out of memory");
		return false;
	}
	start = script_trimmed_start(line, line_len);
	if (!script_add_line(parser->builder, &command, line_number, line + start, end_column - 1 - start)) {
		script_set_error(error, line_number, 1, "out of memory");
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

	while (script_next_line(&cursor, &text, &text_len))
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

	while (script_next_line(&cursor, &line, &line_len)) {
		if (script_trimmed_start(line, line_len) == line_len)
			continue;
		if (script_lone_cr(line, line_len, cursor.number, error))
			return false;
		if (in_header) {
			struct token tokens[5];
			/* Five tokens are enough: a fifth on one line is an error whatever it is. */
			size_t count = script_split_tokens(line, line_len, tokens, 5), i;
			bool operation = false;

			if (count > 5)
				count = 5;
			for (i = 0; i < count; i++) {
				struct token *token = &tokens[i];
				enum number_status status;
				if (!script_looks_numeric(token)) {
					if (i > 0) {
						char shown[SHOWN_SIZE];
						script_show_token(token, shown, sizeof shown);
						script_set_error(error, cursor.number, token->column, "unexpected '%s' in the header: an operation starts its own line", shown);
						return false;
					}
					operation = true;
					break;
				}
				if (numbers == 4) {
					script_set_error(error, cursor.number, token->column, "a header has 4 numbers (or 2), not more");
					return false;
				}
				status = script_parse_decimal(token, &header[numbers]);
				if (status != NUMBER_OK)
					return rep_number_error(parser, cursor.number, token, "header number", status);
				numbers++;
			}
			if (!operation)
				continue;
			if (numbers != 4 && numbers != 2) {
				script_set_error(error, cursor.number, tokens[0].column,
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
			if (!script_reserve_lines(parser->builder, script->rep.num_ops < len / 4 + 1 ? script->rep.num_ops : len / 4 + 1)) {
				script_set_error(error, cursor.number, 1, "out of memory");
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
			script_set_error(error, end_line, end_column, "the trace ends inside its header after %zu number%s; expected 4 (or 2)",
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
		script_set_error(error, end_line, end_column, "trace ends after %zu operation%s; the header says %zu",
		          ops, ops == 1 ? "" : "s", script->rep.num_ops);
		return false;
	}
	if (parser->sizeless > 0) {
		char text[200];
		snprintf(text, sizeof text, "%zu operation%s without a size reuse%s the previous size, as the classic driver does",
		         parser->sizeless, parser->sizeless == 1 ? "" : "s", parser->sizeless == 1 ? "s" : "");
		if (!script_add_warning(parser->builder, parser->name, parser->sizeless_line, parser->sizeless_column, text)) {
			script_set_error(error, parser->sizeless_line, 1, "out of memory");
			return false;
		}
	}
	if (extra > 0) {
		char text[200];
		snprintf(text, sizeof text, "%zu line%s after the header's %zu operations %s ignored",
		         extra, extra == 1 ? "" : "s", script->rep.num_ops, extra == 1 ? "is" : "are");
		if (!script_add_warning(parser->builder, parser->name, extra_line, 1, text)) {
			script_set_error(error, extra_line, 1, "out of memory");
			return false;
		}
	}
	return true;
}

bool script_parse_rep(const char *name, const char *buffer, size_t len, struct builder *builder, struct script_error *error)
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
