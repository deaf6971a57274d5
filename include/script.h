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
};

struct script {
	enum script_format format;
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
 */
bool script_parse(const char *name, const char *buffer, size_t len, struct script *out, struct script_error *error);
/* Read and parse a file; returns false with error->line 0 when it cannot be read. */
bool script_load(const char *path, struct script *out, struct script_error *error);
void script_release(struct script *script);
/* The format a buffer looks like. */
enum script_format script_detect(const char *buffer, size_t len);

#endif
