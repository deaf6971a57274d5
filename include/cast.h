/* cast.h - asciicast v2 recordings: a header line, then one event a line, flushed as it happens. */
#ifndef HEAPVIZ_CAST_H
#define HEAPVIZ_CAST_H

#include <stdbool.h>
#include <stddef.h>

struct cast_writer;

/*
 * Create FILE and write the header ({"version": 2, "width", "height",
 * "timestamp", "title", "env"}). Returns NULL with a one-line reason in
 * error when the file cannot be written.
 */
struct cast_writer *cast_open(const char *path, int width, int height, long long timestamp, const char *title,
			      char *error, size_t error_size);
/* An "o" event: data the terminal receives at time seconds since the start. */
bool cast_output(struct cast_writer *writer, double time, const char *data, size_t len);
/* An "r" event: the terminal became width x height. */
bool cast_resize(struct cast_writer *writer, double time, int width, int height);
/* Close; false when any write failed. */
bool cast_close(struct cast_writer *writer);

#endif
