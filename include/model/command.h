/* command.h - the command language: one line of text in, one command (or a positioned error) out. */
#ifndef HEAPVIZ_COMMAND_H
#define HEAPVIZ_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "names.h"

#define COMMAND_NAME_MAX NAMES_NAME_MAX  /* identifier length limit for `as NAME` */
#define COMMAND_MESSAGE_MAX 200
#define COMMAND_SLEEP_MAX 3600000ul  /* sleep MS: at most an hour */

enum command_kind {
	CMD_EMPTY,   /* blank line or comment only */
	CMD_ALLOC,
	CMD_FREE,
	CMD_REALLOC,
	CMD_CALLOC,
	CMD_WRITE,
	CMD_FILL,
	CMD_POLICY,
	CMD_RESET,
	CMD_ALIGN,
	CMD_ORDER,   /* order address|lifo|fifo: the free-list order (a new heap, like align); a step kind, so below 16 (step_codec.c keeps kinds in 4 bits) */
	CMD_UNDO,
	CMD_REDO,
	CMD_GOTO,
	CMD_CHECK,
	CMD_NOTE,
	CMD_SLEEP,
	CMD_HELP,
	CMD_QUIT,
	CMD_EXPORT,
	CMD_KIND_COUNT
};

/* A block named by the user: either a name or a payload address. */
struct command_target {
	bool is_name;
	char name[COMMAND_NAME_MAX + 1];
	size_t address;
	size_t column;          /* 1-based column of the target's first character */
};

struct command {
	enum command_kind kind;
	size_t keyword_column;          /* 1-based column of the command word */
	struct command_target target;   /* free, realloc, write, fill */
	size_t size;                    /* alloc, realloc, calloc (element size), reset (if has_size) */
	size_t count;                   /* calloc */
	size_t size_column;             /* 1-based column of the size argument */
	size_t count_column;            /* calloc: 1-based column of COUNT */
	bool has_size;                  /* reset SIZE given */
	bool has_name;                  /* alloc/calloc ... as NAME */
	char name[COMMAND_NAME_MAX + 1];
	size_t name_column;
	enum heap_policy policy;        /* policy */
	unsigned alignment;             /* align */
	enum heap_order order;          /* order */
	size_t step;                    /* goto */
	unsigned long ms;               /* sleep */
	uint8_t byte;                   /* fill */
	size_t value_column;            /* policy, align, goto, sleep, fill: column of that argument */
	uint8_t *data;                  /* write: decoded bytes (owned, may contain NUL) */
	size_t data_len;
	char *text;                     /* note text, help topic (may be NULL), export path (owned, NUL-free) */
	size_t text_column;             /* also write: column of the opening quote */
	enum command_kind help_topic;   /* help COMMAND: the command it names; CMD_EMPTY for plain help */
	/* Set by the .rep loader: C semantics for malloc(0), which may return NULL. */
	bool zero_size_is_null;
};

struct command_error {
	size_t column;                  /* 1-based; 0 when the error concerns the whole line */
	char message[COMMAND_MESSAGE_MAX];
};

/*
 * Parse one line (without its newline; len bytes, need not be NUL-terminated).
 * On success fills *out (release it with command_release) and returns true.
 * On failure fills *error and returns false; *out is left zeroed and needs no release.
 * Columns are 1-based byte offsets; a missing argument points just past the
 * last argument (the end of the line + 1, or the '#' of a trailing comment).
 */
bool command_parse(const char *line, size_t len, struct command *out, struct command_error *error);
/* Free what the command owns and zero it; safe on a zeroed or already released command. */
void command_release(struct command *command);
/* A deep copy into an unowned dst; false (dst zeroed) when the host is out of memory. */
bool command_copy(struct command *dst, const struct command *src);

/* Write the command in canonical form ("alloc 100 as buf"); returns the length it needed (snprintf-like). */
size_t command_format(const struct command *command, char *buffer, size_t size);
/* Canonical keyword of a kind ("alloc", "free", ...); "" for CMD_EMPTY. */
const char *command_keyword(enum command_kind kind);
/* Keywords that start with prefix (case-insensitive), for Tab completion: calls visit for each, in order. */
void command_complete(const char *prefix, void (*visit)(const char *keyword, void *context), void *context);
/* The same for the argument of `policy` (first, next, best, worst, buddy). */
void command_complete_policy(const char *prefix, void (*visit)(const char *keyword, void *context), void *context);
/* One-line usage ("alloc SIZE [as NAME]") and a short description, for help; "" for CMD_EMPTY. */
const char *command_usage(enum command_kind kind);
const char *command_summary(enum command_kind kind);
/*
 * The one parser of policy names, for `policy NAME`, --policy and --compare:
 * case-insensitive, an exact name wins, otherwise a prefix must pick out one
 * policy ("fir" is first; "b" could be best or buddy). On COMMAND_MATCH_ONE
 * *policy is set; on COMMAND_MATCH_AMBIGUOUS candidates holds "best, buddy".
 */
enum command_match { COMMAND_MATCH_NONE, COMMAND_MATCH_ONE, COMMAND_MATCH_AMBIGUOUS };
enum command_match command_match_policy(const char *word, size_t len, enum heap_policy *policy, char *candidates,
				       size_t size);
/* Parse a size: decimal or 0x hex with optional K/M suffix (1K = 1024); false on bad syntax or size_t overflow. */
bool command_parse_size(const char *text, size_t len, size_t *out);
/* True for a valid identifier of at most COMMAND_NAME_MAX characters. */
bool command_is_identifier(const char *text, size_t len);

#endif
