/* cast.c - writes asciicast v2: every event is one complete line written with one write(2) call. */
#include "cast.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "strbuf.h"

/*
 * Why write(2) and not stdio: a recording must stay playable when heapviz is
 * killed, so each event reaches the file whole as soon as it happens; a
 * buffered FILE could leave half a line behind.
 */
struct cast_writer {
	int fd;
	bool failed;
};

static bool write_line(struct cast_writer *writer, struct strbuf *line)
{
	strbuf_putc(line, '\n');
	if (line->failed) {
		writer->failed = true;
		return false;
	}
	const char *data = line->text;
	size_t left = line->len;
	while (left > 0) {
		ssize_t done = write(writer->fd, data, left);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			writer->failed = true;
			return false;
		}
		data += done;
		left -= (size_t)done;
	}
	return true;
}

struct cast_writer *cast_open(const char *path, int width, int height, long long timestamp, const char *title,
			      char *error, size_t error_size)
{
	struct cast_writer *writer = calloc(1, sizeof *writer);
	if (!writer) {
		snprintf(error, error_size, "out of memory");
		return NULL;
	}
	writer->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (writer->fd < 0) {
		snprintf(error, error_size, "cannot write: %s", strerror(errno));
		free(writer);
		return NULL;
	}
	struct strbuf line;
	strbuf_init(&line);
	strbuf_printf(&line, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, \"title\": ",
		      width, height, timestamp);
	/* The title is user text (a file name): escaped as everywhere else, so a player never shows a raw control. */
	struct strbuf shown;
	strbuf_init(&shown);
	strbuf_put_printable(&shown, title, strlen(title));
	json_string(&line, strbuf_text(&shown), shown.len);
	strbuf_release(&shown);
	strbuf_puts(&line, ", \"env\": {\"TERM\": \"xterm-256color\"}}");
	bool ok = write_line(writer, &line);
	strbuf_release(&line);
	if (!ok) {
		snprintf(error, error_size, "cannot write: %s", strerror(errno));
		close(writer->fd);
		free(writer);
		return NULL;
	}
	return writer;
}

bool cast_output(struct cast_writer *writer, double time, const char *data, size_t len)
{
	if (len == 0)
		return !writer->failed;
	struct strbuf line;
	strbuf_init(&line);
	strbuf_printf(&line, "[%.6f, \"o\", ", time);
	json_string(&line, data, len);
	strbuf_putc(&line, ']');
	bool ok = write_line(writer, &line);
	strbuf_release(&line);
	return ok;
}

bool cast_resize(struct cast_writer *writer, double time, int width, int height)
{
	struct strbuf line;
	strbuf_init(&line);
	strbuf_printf(&line, "[%.6f, \"r\", \"%dx%d\"]", time, width, height);
	bool ok = write_line(writer, &line);
	strbuf_release(&line);
	return ok;
}

bool cast_close(struct cast_writer *writer)
{
	if (!writer)
		return true;
	bool ok = !writer->failed;
	if (close(writer->fd) != 0)
		ok = false;
	free(writer);
	return ok;
}
