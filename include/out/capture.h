/* capture.h - heapviz --capture OUT -- COMMAND: run a program under the preload library and write its allocations as a .rep trace. */
#ifndef HEAPVIZ_CAPTURE_H
#define HEAPVIZ_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

/* What the conversion from the raw log to .rep counted (README, "Capturing a program"). */
struct capture_counts {
	size_t ops;               /* .rep operations written */
	size_t ids;
	size_t images;            /* program images recorded: 1, plus one per exec */
	size_t free_null;         /* free(NULL) and realloc(NULL, 0)-like no-ops: not written */
	size_t failed;            /* calls that returned NULL (calloc's overflow included): not written */
	size_t unknown;           /* frees and reallocs of pointers the log never saw allocated */
	int stopped;              /* the library stopped recording before the program ended */
	uint64_t peak_bytes;      /* the most bytes live at once: the header's suggested heap size */
};

/*
 * Convert a raw log (include/out/capture_record.h) of len bytes into .rep
 * text, malloc'ed into *rep. Returns 0, or -1 (out of memory, or not a log).
 */
int capture_convert(const unsigned char *log, size_t len, char **rep, size_t *rep_len, struct capture_counts *counts);

/*
 * Run argv (argv[0] looked up in PATH) with the preload library, and write
 * its trace to out (a new temporary file renamed into place, like every
 * output). Returns the exit status for heapviz: COMMAND's own, 128+N when a
 * signal N killed it, 127 when it could not be run, 1 or 2 for heapviz's
 * own failures; each failure is one line on standard error.
 */
int capture_run(const char *out, char *const argv[]);

#endif
