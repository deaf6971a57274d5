/* test_cast_title.c - the asciicast writer (fuzz_cast findings): a header and events a player reads, with user text never raw (fuzz_cast's findings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cast.h"

/* A fresh file name for a recording (the file itself is created by cast_open). */
static void temporary_path(char *path, size_t size)
{
	snprintf(path, size, "/tmp/heapviz-test-cast-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static char *read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	static char text[8192];
	size_t len = fread(text, 1, sizeof text - 1, file);
	fclose(file);
	text[len] = '\0';
	return text;
}

static char *write_cast(const char *title, const char *data)
{
	char path[64], error[200];
	temporary_path(path, sizeof path);
	struct cast_writer *writer = cast_open(path, 80, 24, 0, title, error, sizeof error);
	assert_non_null(writer);
	if (data)
		assert_true(cast_output(writer, 0.5, data, strlen(data)));
	assert_true(cast_resize(writer, 1.25, 100, 30));
	assert_true(cast_close(writer, error, sizeof error));
	char *text = read_file(path);
	unlink(path);
	return text;
}

static void a_plain_title_is_written_as_it_is(void **state)
{
	(void)state;
	const char *text = write_cast("lessons/first-fit.hv", NULL);
	assert_string_equal(text, "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 0, "
				  "\"title\": \"lessons/first-fit.hv\", \"env\": {\"TERM\": \"xterm-256color\"}}\n"
				  "[1.250000, \"r\", \"100x30\"]\n");
}

/*
 * fuzz_cast finding tests/fuzz/findings/cast/raw-escape-in-title: a file name
 * holding an OSC sequence, a C1 CSI and a bidi override was JSON-escaped
 * (\u001b) but decoded to the raw bytes, which a player sends to the terminal.
 * The title is now escaped as the screen shows it.
 */
static void control_characters_in_the_title_are_escaped_not_decoded_raw(void **state)
{
	(void)state;
	const char *text = write_cast("\x1b]0;pwn\x07\xc2\x9b\xe2\x80\xaex.hv", NULL);
	assert_non_null(strstr(text, "\"title\": \"\\\\x1b]0;pwn\\\\x07\\\\xc2\\\\x9b\\\\u202ex.hv\""));
	assert_null(strstr(text, "\\u001b"));
	assert_null(strstr(text, "\\u0007"));
	assert_null(strstr(text, "\xc2\x9b"));
	assert_null(strstr(text, "\xe2\x80\xae"));
}

static void invalid_utf8_in_the_title_is_escaped_byte_by_byte(void **state)
{
	(void)state;
	const char *text = write_cast("a\xff" "b\xed\xa0\x80.hv", NULL);
	assert_non_null(strstr(text, "\"title\": \"a\\\\xffb\\\\xed\\\\xa0\\\\x80.hv\""));
	assert_null(strstr(text, "\\ufffd"));
}

/* Output events carry the encoder's escape sequences: JSON-escaped, decoded raw by design. */
static void output_events_are_json_strings_of_the_terminal_data(void **state)
{
	(void)state;
	const char *text = write_cast("t", "\x1b[2J\"\\a");
	assert_non_null(strstr(text, "\n[0.500000, \"o\", \"\\u001b[2J\\\"\\\\a\"]\n[1.250000, \"r\", \"100x30\"]\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_plain_title_is_written_as_it_is),
		cmocka_unit_test(control_characters_in_the_title_are_escaped_not_decoded_raw),
		cmocka_unit_test(invalid_utf8_in_the_title_is_escaped_byte_by_byte),
		cmocka_unit_test(output_events_are_json_strings_of_the_terminal_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
