/* command.c - the command language: the command table, keyword lookup and one small parser per command. */
#include "command.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "command_internal.h"

typedef bool (*command_parser)(struct parser *parser, struct command *command);

struct command_entry {
	const char *name;
	const char *aliases[3];       /* NULL-terminated; an exact alias beats any prefix */
	enum command_kind kind;
	const char *usage;
	const char *summary;
	command_parser parse;
};

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

static const char *policy_word(size_t entry, size_t which)
{
	/* The allocators' registry names them: a new allocator is a policy word with no change here. */
	return which == 0 && entry < allocator_count() ? allocator_get((enum heap_policy)entry)->name : NULL;
}

/* --- one parser per command --- */

static bool parse_alloc(struct parser *parser, struct command *command)
{
	return cmd_parse_size_argument(parser, "alloc", &cmd_size_words, &command->size, &command->size_column) &&
	       cmd_parse_optional_name(parser, command) && cmd_expect_end(parser);
}

static bool parse_free(struct parser *parser, struct command *command)
{
	return cmd_parse_target(parser, "free", &command->target) && cmd_expect_end(parser);
}

static bool parse_realloc(struct parser *parser, struct command *command)
{
	return cmd_parse_target(parser, "realloc", &command->target) &&
	       cmd_parse_size_argument(parser, "realloc", &cmd_size_words, &command->size, &command->size_column) &&
	       cmd_expect_end(parser);
}

static bool parse_calloc(struct parser *parser, struct command *command)
{
	return cmd_parse_size_argument(parser, "calloc", &cmd_count_words, &command->count, &command->count_column) &&
	       cmd_parse_size_argument(parser, "calloc", &cmd_size_words, &command->size, &command->size_column) &&
	       cmd_parse_optional_name(parser, command) && cmd_expect_end(parser);
}

static bool parse_write(struct parser *parser, struct command *command)
{
	if (!cmd_parse_target(parser, "write", &command->target))
		return false;
	if (cmd_at_end(parser))
		return cmd_missing(parser, "write needs a \"TEXT\" in double quotes");
	if (parser->line[parser->pos] != '"') {
		struct token token;
		cmd_next_token(parser, &token);
		return cmd_fail_token(parser, &token, "write needs a \"TEXT\" in double quotes, not ", "");
	}
	command->text_column = parser->pos + 1;
	return cmd_parse_string(parser, true, &command->data, &command->data_len) && cmd_expect_end(parser);
}

static bool parse_fill(struct parser *parser, struct command *command)
{
	if (!cmd_parse_target(parser, "fill", &command->target))
		return false;
	struct token token;
	if (!cmd_next_token(parser, &token))
		return cmd_missing(parser, "fill needs a BYTE (0..255)");
	command->value_column = token.column;
	uintmax_t value;
	switch (cmd_parse_number(token.text, token.len, false, UINTMAX_MAX, &value)) {
	case NUMBER_OK:
		if (value > 255)
			return cmd_fail(parser, token.column, "byte must be 0..255");
		command->byte = (uint8_t)value;
		return cmd_expect_end(parser);
	case NUMBER_TOO_LARGE:
		return cmd_fail(parser, token.column, "byte must be 0..255");
	case NUMBER_BAD:
		break;
	}
	return cmd_fail_token(parser, &token, "bad byte ", ": expected a number 0..255 like 65 or 0x41");
}

enum command_match command_match_policy(const char *word, size_t len, enum heap_policy *policy, char *candidates,
				       size_t size)
{
	size_t found;
	uint32_t matched;
	enum match match = match_keyword(policy_word, allocator_count(), word, len, &found, &matched);
	if (size > 0)
		candidates[0] = '\0';
	if (match == MATCH_ONE)
		*policy = (enum heap_policy)found;
	else if (match == MATCH_AMBIGUOUS && size > 0)
		list_candidates(policy_word, allocator_count(), matched, candidates, size);
	return match == MATCH_ONE ? COMMAND_MATCH_ONE : match == MATCH_AMBIGUOUS ? COMMAND_MATCH_AMBIGUOUS
										  : COMMAND_MATCH_NONE;
}

static bool parse_policy(struct parser *parser, struct command *command)
{
	char must_be[160], names[128];
	allocator_names(names, sizeof names, ", ", " or ");
	snprintf(must_be, sizeof must_be, "policy must be %s", names);
	struct token token;
	if (!cmd_next_token(parser, &token))
		return cmd_missing(parser, must_be);
	command->value_column = token.column;
	char list[80];
	switch (command_match_policy(token.text, token.len, &command->policy, list, sizeof list)) {
	case COMMAND_MATCH_ONE:
		return cmd_expect_end(parser);
	case COMMAND_MATCH_AMBIGUOUS: {
		char quoted[QUOTE_MAX + 8];
		cmd_quote_text(token.text, token.len, quoted, sizeof quoted);
		return cmd_fail(parser, token.column, "ambiguous policy '%s': could be %s", quoted, list);
	}
	case COMMAND_MATCH_NONE:
		break;
	}
	return cmd_fail(parser, token.column, "%s", must_be);
}

static bool parse_reset(struct parser *parser, struct command *command)
{
	if (cmd_at_end(parser))
		return true;
	command->has_size = true;
	return cmd_parse_size_argument(parser, "reset", &cmd_size_words, &command->size, &command->size_column) &&
	       cmd_expect_end(parser);
}

static bool parse_align(struct parser *parser, struct command *command)
{
	static const char must_be[] = "alignment must be 4, 8 or 16";
	struct token token;
	if (!cmd_next_token(parser, &token))
		return cmd_missing(parser, must_be);
	command->value_column = token.column;
	uintmax_t value;
	if (cmd_parse_number(token.text, token.len, false, UINTMAX_MAX, &value) != NUMBER_OK ||
	    (value != 4 && value != 8 && value != 16))
		return cmd_fail(parser, token.column, "%s", must_be);
	command->alignment = (unsigned)value;
	return cmd_expect_end(parser);
}

static bool parse_order(struct parser *parser, struct command *command)
{
	static const char must_be[] = "order must be address, lifo or fifo";
	struct token token;
	char word[16];
	if (!cmd_next_token(parser, &token))
		return cmd_missing(parser, must_be);
	command->value_column = token.column;
	if (token.len >= sizeof word)
		return cmd_fail(parser, token.column, "%s", must_be);
	memcpy(word, token.text, token.len);
	word[token.len] = '\0';
	if (!heap_order_find(word, &command->order))
		return cmd_fail(parser, token.column, "%s", must_be);
	return cmd_expect_end(parser);
}

static bool parse_no_arguments(struct parser *parser, struct command *command)
{
	(void)command;
	return cmd_expect_end(parser);
}

static bool parse_goto(struct parser *parser, struct command *command)
{
	uintmax_t value;
	if (!cmd_parse_number_argument(parser, "goto", &cmd_step_words, SIZE_MAX, &value, &command->value_column))
		return false;
	command->step = (size_t)value;
	return cmd_expect_end(parser);
}

static bool parse_sleep(struct parser *parser, struct command *command)
{
	uintmax_t value;
	if (!cmd_parse_number_argument(parser, "sleep", &cmd_ms_words, COMMAND_SLEEP_MAX, &value, &command->value_column))
		return false;
	command->ms = (unsigned long)value;
	return cmd_expect_end(parser);
}

static bool parse_note(struct parser *parser, struct command *command)
{
	return cmd_parse_text(parser, "note needs a TEXT", command);
}

static bool parse_export(struct parser *parser, struct command *command)
{
	return cmd_parse_text(parser, "export needs a FILE", command);
}

static bool find_command(struct parser *parser, const struct token *token, enum command_kind *kind);

static bool parse_help(struct parser *parser, struct command *command)
{
	struct token token;
	if (!cmd_next_token(parser, &token))
		return true;
	command->text_column = token.column;
	if (!find_command(parser, &token, &command->help_topic))
		return false;
	const char *keyword = command_keyword(command->help_topic);
	command->text = malloc(strlen(keyword) + 1);
	if (command->text == NULL)
		return cmd_fail(parser, 0, "out of memory");
	strcpy(command->text, keyword);
	return cmd_expect_end(parser);
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
	{ "order", { NULL }, CMD_ORDER, "order address|lifo|fifo",
	  "set the fit policies' free-list order (resets the heap)", parse_order },
	{ "policy", { NULL }, CMD_POLICY, "policy", /* + the policies' names: command_usage */
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
		cmd_quote_text(token->text, token->len, quoted, sizeof quoted);
		return cmd_fail(parser, token->column, "ambiguous command '%s': could be %s", quoted, list);
	}
	case MATCH_NONE:
		break;
	}
	return cmd_fail_token(parser, token, "unknown command ", "");
}

/* --- public entry points --- */

bool command_parse(const char *line, size_t len, struct command *out, struct command_error *error)
{
	struct parser parser = { line, line == NULL ? 0 : len, 0, error };
	memset(out, 0, sizeof *out);
	error->column = 0;
	error->message[0] = '\0';
	struct token token;
	if (!cmd_next_token(&parser, &token)) {
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

const char *command_keyword(enum command_kind kind)
{
	const struct command_entry *entry = entry_for(kind);
	return entry != NULL ? entry->name : "";
}

const char *command_usage(enum command_kind kind)
{
	/* The policy command's usage lists the allocators' names, from their registry, so a new one shows in help. */
	static char policy_usage[160];
	const struct command_entry *entry = entry_for(kind);
	if (entry != NULL && kind == CMD_POLICY) {
		if (policy_usage[0] == '\0') {
			size_t len = (size_t)snprintf(policy_usage, sizeof policy_usage, "%s ", entry->usage);
			allocator_names(policy_usage + len, sizeof policy_usage - len, "|", "|");
		}
		return policy_usage;
	}
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
	complete(policy_word, allocator_count(), prefix, visit, context);
}
