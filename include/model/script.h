/* script.h - scripts (.hv, the command language) and malloc-lab traces (.rep) read into commands. */
#ifndef HEAPVIZ_SCRIPT_H
#define HEAPVIZ_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"

enum script_format { SCRIPT_HV, SCRIPT_REP };

/* One command of a script with where it came from. */
struct script_line {
	struct command command;
	size_t line;        /* 1-based line in the file */
	char *source;       /* the command as written (a .rep line is kept as written too) */
	char *error;        /* SCRIPT_KEEP_GOING: why this .hv line did not parse (command is CMD_EMPTY), else NULL */
	size_t error_column;
};

/* How script_parse_with/script_load_with read a script. */
enum script_flags {
	/* A .hv line that does not parse is kept as a line carrying its error, and
	 * parsing goes on: batch --keep-going reports it in place and continues. */
	SCRIPT_KEEP_GOING = 1
};

/* What a .rep header said; all zero for a .hv script. */
struct script_rep_header {
	size_t numbers;         /* 4, or 2 for the short variant */
	size_t suggested_heap;  /* first number of a 4-number header; advisory (0 when absent) */
	size_t num_ids;
	size_t num_ops;
	size_t weight;          /* last number of a 4-number header; advisory (0 when absent) */
};

struct script {
	enum script_format format;
	struct script_rep_header rep;   /* .rep only */
	struct script_line *lines;
	size_t count;
	size_t warning_count;
	char **warnings;    /* "FILE:LINE:COL: warning: ..." lines, owned */
};

struct script_error {
	size_t line;        /* 1-based */
	size_t column;      /* 1-based */
	char message[256];  /* without the FILE:LINE:COL: prefix */
};

/*
 * Parse a whole buffer. The format is recognised by content (a .rep starts
 * with header numbers and has only a/r/f lines); name is only used for
 * warnings. On failure nothing is returned half-built: *out is empty.
 * A .rep becomes commands on names "idN": a -> alloc (size 0 sets
 * zero_size_is_null), r -> realloc, or alloc when the id is not live, or free
 * for `r ID 0` on a live id; f -> free; `f -1` (free(NULL)) gives no command.
 * Exactly the header's num_ops operations are read; later lines only warn.
 */
bool script_parse(const char *name, const char *buffer, size_t len, struct script *out, struct script_error *error);
/* script_parse with flags (enum script_flags). */
bool script_parse_with(const char *name, const char *buffer, size_t len, unsigned flags, struct script *out,
		       struct script_error *error);
/* Largest file script_load reads; anything bigger is refused rather than half-read. */
#define SCRIPT_MAX_FILE ((size_t)256 * 1024 * 1024)

/* Read and parse a file; returns false with error->line 0 when it cannot be read. */
bool script_load(const char *path, struct script *out, struct script_error *error);
/* Free everything a script owns and leave it empty; safe on an empty or released script. */
/* script_load with flags (enum script_flags). */
bool script_load_with(const char *path, unsigned flags, struct script *out, struct script_error *error);
void script_release(struct script *script);
/* The format a buffer looks like. */
enum script_format script_detect(const char *buffer, size_t len);

#endif
