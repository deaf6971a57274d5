/* cast.c - writes asciicast v2: every event is one complete line written with one write(2) call. */
#include "cast.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonstr.h"
#include "strbuf.h"

/*
 * Why write(2) and not stdio: a recording must stay playable when heapviz is
 * killed, so each event reaches the file whole as soon as it happens; a
 * buffered FILE could leave half a line behind.
 */
struct cast_writer {
	int fd;
	bool failed;
	bool is_stdout;         /* "-": standard output, not closed here */
	off_t whole;            /* bytes of whole events written: a failed write is cut back to here */
	char reason[160];       /* why the first failed write failed */
};

/* Remember the first failure, and cut a partly written event off so the file stays valid. */
static void fail_write(struct cast_writer *writer, int saved)
{
	if (writer->failed)
		return;
	writer->failed = true;
	snprintf(writer->reason, sizeof writer->reason, "write failed: %s", strerror(saved));
	if (!writer->is_stdout && ftruncate(writer->fd, writer->whole) != 0)
		snprintf(writer->reason, sizeof writer->reason, "write failed: %s (and cutting the last event off failed: %s)",
			 strerror(saved), strerror(errno));
}

static bool write_line(struct cast_writer *writer, struct strbuf *line)
{
	if (writer->failed)
		return false;   /* after a failure nothing more: the file ends at its last whole event */
	strbuf_putc(line, '\n');
	if (line->failed) {
		fail_write(writer, ENOMEM);
		return false;
	}
	const char *data = line->text;
	size_t left = line->len;
	while (left > 0) {
		ssize_t done = write(writer->fd, data, left);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			fail_write(writer, done < 0 ? errno : ENOSPC);
			return false;
		}
		data += done;
		left -= (size_t)done;
	}
	writer->whole += (off_t)line->len;
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
	writer->is_stdout = strcmp(path, "-") == 0;
	writer->fd = writer->is_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (writer->fd < 0) {
		snprintf(error, error_size, "cannot write: %s", strerror(errno));
		free(writer);
		return NULL;
	}
	struct strbuf line;
	strbuf_init(&line);
	strbuf_printf(&line, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, \"title\": ",
		      width, height, timestamp);
	/* The title is a file name: escaped as the screen shows it, so a player never decodes a raw escape sequence. */
	struct strbuf shown;
	strbuf_init(&shown);
	strbuf_put_escaped(&shown, title, strlen(title));
	json_string(&line, strbuf_text(&shown), shown.len);
	strbuf_release(&shown);
	strbuf_puts(&line, ", \"env\": {\"TERM\": \"xterm-256color\"}}");
	bool ok = write_line(writer, &line);
	strbuf_release(&line);
	if (!ok) {
		snprintf(error, error_size, "%s", writer->reason);
		if (!writer->is_stdout)
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

bool cast_failed(const struct cast_writer *writer, const char **reason)
{
	if (!writer || !writer->failed)
		return false;
	if (reason)
		*reason = writer->reason;
	return true;
}

bool cast_close(struct cast_writer *writer, char *error, size_t error_size)
{
	if (!writer)
		return true;
	if (!writer->is_stdout && close(writer->fd) != 0 && !writer->failed) {
		writer->failed = true;   /* too late to cut anything off: the descriptor is gone */
		snprintf(writer->reason, sizeof writer->reason, "write failed: %s", strerror(errno));
	}
	bool ok = !writer->failed;
	if (!ok && error)
		snprintf(error, error_size, "%s", writer->reason);
	free(writer);
	return ok;
}
