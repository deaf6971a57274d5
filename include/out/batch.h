/* batch.h - headless mode: run a script or trace through a session and report as text, JSON or JSON Lines. */
#ifndef HEAPVIZ_BATCH_H
#define HEAPVIZ_BATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "heap.h"
#include "script.h"

struct compare_policies;

struct batch_options {
	struct heap_config config;
	const char *file;          /* NULL or "-" = standard input */
	bool json;                 /* final state as one JSON object instead of the text report */
	const char *trace_json;    /* JSON Lines destination, "-" = standard output, NULL = none */
	bool trace_changes;        /* --trace-form changes: each line lists only the blocks that changed */
	bool keep_going;           /* report rejected commands and continue */
	const char *snapshot;      /* --snapshot: write the final step as SVG or text here, or NULL */
	const struct compare_policies *compare; /* --compare: one heap per policy, or NULL for one heap */
	bool allow_write;          /* --allow-write: the script's exports may go anywhere and replace files */
};

/* Exit statuses, as documented in --help and the man page. */
enum { EXIT_OK = 0, EXIT_FILE = 1, EXIT_USAGE = 2 };

/* Run the batch; out gets the report, err the diagnostics. Returns the exit status. */
int batch_run(const struct batch_options *options, FILE *out, FILE *err);

/* Read FILE (or standard input for NULL/"-") as a script (flags: enum script_flags); prints FILE:LINE:COL errors to err. */
int batch_load_script(const char *file, unsigned flags, struct script *script, FILE *err);

#endif
