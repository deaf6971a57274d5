/* test_cast.c - the asciicast writer: the header, whole events, and a failed write cut back to the last whole event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cast.h"

/* A scratch file name in the temporary directory, unique to this process. */
static void scratch_path(char *path, size_t size, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/heapviz-test-cast-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), name);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	char *text = calloc(1, 1 << 16);
	assert_non_null(text);
	*len = fread(text, 1, (1 << 16) - 1, file);
	fclose(file);
	return text;
}

static void the_header_escapes_the_title_as_the_screen_shows_it(void **state)
{
	(void)state;
	char path[256], error[200];
	scratch_path(path, sizeof path, "title.cast");
	struct cast_writer *writer = cast_open(path, 80, 24, 7, "evil\x1b]0;x\x07\xe2\x80\xae.hv", error, sizeof error);
	assert_non_null(writer);
	assert_true(cast_output(writer, 0.5, "\x1b[H", 3));
	assert_true(cast_resize(writer, 1.0, 100, 30));
	assert_true(cast_close(writer, error, sizeof error));
	size_t len;
	char *text = read_all(path, &len);
	/* The escape sequence is text (\x1b, a backslash then x1b), never the byte the JSON would decode to. */
	assert_string_equal(text, "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 7, "
				  "\"title\": \"evil\\\\x1b]0;x\\\\x07\\\\u202e.hv\", \"env\": {\"TERM\": \"xterm-256color\"}}\n"
				  "[0.500000, \"o\", \"\\u001b[H\"]\n"
				  "[1.000000, \"r\", \"100x30\"]\n");
	free(text);
	unlink(path);
}

static void an_unwritable_path_says_why(void **state)
{
	(void)state;
	char error[200];
	assert_null(cast_open("/nonexistent-dir/x.cast", 80, 24, 0, "t", error, sizeof error));
	assert_string_equal(error, "cannot write: No such file or directory");
}

/*
 * In a child with RLIMIT_FSIZE (a real short write, then EFBIG, as on a full
 * disk): write events until one fails. Exit 0 when the writer reported the
 * failure with its reason, and both cast_close and further writes say so.
 */
static int fill_in_child(const char *path, rlim_t limit)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { limit, limit };
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(10);
		char error[200];
		struct cast_writer *writer = cast_open(path, 80, 24, 0, "full", error, sizeof error);
		if (!writer)
			_exit(11);
		char data[100];
		memset(data, 'x', sizeof data);
		int events = 0;
		while (cast_output(writer, events * 0.1, data, sizeof data))
			if (++events > 1000)
				_exit(12);
		const char *reason = NULL;
		if (!cast_failed(writer, &reason) || strcmp(reason, "write failed: File too large") != 0)
			_exit(13);
		if (cast_output(writer, 99.0, "y", 1))   /* nothing more after a failure */
			_exit(14);
		if (cast_close(writer, error, sizeof error) || strcmp(error, "write failed: File too large") != 0)
			_exit(15);
		_exit(0);
	}
	int status = 0;
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static void a_failed_write_leaves_only_whole_events(void **state)
{
	(void)state;
	char path[256];
	scratch_path(path, sizeof path, "full.cast");
	/* Limits that cut an event at different places. */
	static const rlim_t limits[] = { 500, 733, 1000, 1301 };
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		unlink(path);
		assert_int_equal(fill_in_child(path, limits[i]), 0);
		size_t len;
		char *text = read_all(path, &len);
		assert_true(len > 0 && len <= limits[i]);
		assert_int_equal(text[len - 1], '\n');
		/* Every line is the header or a whole event: "[T, "o", "x...x"]". */
		size_t lines = 0;
		for (char *line = text; *line; lines++) {
			char *end = strchr(line, '\n');
			assert_non_null(end);
			*end = '\0';
			if (lines == 0)
				assert_true(strncmp(line, "{\"version\": 2,", 14) == 0 && end[-1] == '}');
			else
				assert_true(line[0] == '[' && strstr(line, "\"o\", \"xxxx") && strcmp(end - 3, "x\"]") == 0);
			line = end + 1;
		}
		assert_true(lines >= 2);
		free(text);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_header_escapes_the_title_as_the_screen_shows_it),
		cmocka_unit_test(an_unwritable_path_says_why),
		cmocka_unit_test(a_failed_write_leaves_only_whole_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
