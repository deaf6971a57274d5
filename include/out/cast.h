/* cast.h - asciicast v2 recordings: a header line, then one event a line, flushed as it happens. */
#ifndef HEAPVIZ_CAST_H
#define HEAPVIZ_CAST_H

#include <stdbool.h>
#include <stddef.h>

struct cast_writer;

/*
 * Create FILE ("-": standard output) and write the header ({"version": 2, "width", "height",
 * "timestamp", "title", "env"}). Returns NULL with a one-line reason in
 * error when the file cannot be written. The title is escaped as the screen
 * shows it. Events are written whole: after a failed write the file is cut
 * back to its last whole event and nothing more is written.
 */
struct cast_writer *cast_open(const char *path, int width, int height, long long timestamp, const char *title,
			      char *error, size_t error_size);
/* An "o" event: data the terminal receives at time seconds since the start. */
bool cast_output(struct cast_writer *writer, double time, const char *data, size_t len);
/* An "r" event: the terminal became width x height. */
bool cast_resize(struct cast_writer *writer, double time, int width, int height);
/* True once a write failed; *reason (if given) says why ("write failed: No space left on device"). */
bool cast_failed(const struct cast_writer *writer, const char **reason);
/* Close; false when any write failed, with the reason in error (if given). */
bool cast_close(struct cast_writer *writer, char *error, size_t error_size);

#endif
