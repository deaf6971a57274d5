/* test_hostile.c - hostile commands (bad numbers, huge lines, NUL, escapes): one error line, nothing changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* --- the state a rejected command must leave alone ------------------------------------- */

enum { BLOCKS_MAX = 64 };

/* Everything a command could change: heap bytes and metadata, the block table, the names, where
 * the session is in its history, and the current step's notes and sleep. */
struct state {
	struct heap *heap;
	struct names *names;
	struct heap_block blocks[BLOCKS_MAX];
	size_t block_count;
	size_t step;
	size_t last_step;
	size_t note_count;
	unsigned long sleep_ms;
};

static bool collect_block(const struct heap_block *block, void *context)
{
	struct state *state = context;

	assert_true(state->block_count < BLOCKS_MAX);
	state->blocks[state->block_count++] = *block;
	return true;
}

static struct state state_take(const struct session *session)
{
	struct state state;
	struct step_info info;

	memset(&state, 0, sizeof state);
	state.heap = heap_clone(session_heap(session));
	state.names = names_clone(session_names(session));
	assert_non_null(state.heap);
	assert_non_null(state.names);
	heap_walk(session_heap(session), collect_block, &state);
	state.step = session_step(session);
	state.last_step = session_last_step(session);
	assert_true(session_step_info(session, state.step, &info));
	state.note_count = info.note_count;
	state.sleep_ms = info.sleep_ms;
	return state;
}

static void state_release(struct state *state)
{
	heap_destroy(state->heap);
	names_destroy(state->names);
}

struct names_check {
	const struct names *other;
	const char *missing;
};

static bool name_in_other(const char *name, size_t payload, void *context)
{
	struct names_check *check = context;
	size_t found;

	if (!names_lookup(check->other, name, &found) || found != payload) {
		check->missing = name;
		return false;
	}
	return true;
}

/* The session must be exactly as before: bytes, blocks, names, step, notes. */
static void assert_unchanged(const struct session *session, const struct state *before, const char *what)
{
	struct state after = state_take(session);
	struct names_check check = { before->names, NULL };
	const struct heap *heap = session_heap(session);

	if (heap_size(heap) != heap_size(before->heap) ||
	    memcmp(heap_bytes(heap), heap_bytes(before->heap), heap_size(heap)) != 0)
		fail_msg("%s: the heap bytes changed", what);
	if (!heap_equal(heap, before->heap))
		fail_msg("%s: the heap changed (break, policy, rover or failed allocations)", what);
	if (after.block_count != before->block_count ||
	    memcmp(after.blocks, before->blocks, after.block_count * sizeof after.blocks[0]) != 0)
		fail_msg("%s: the block table changed (%zu blocks before, %zu after)", what, before->block_count,
			 after.block_count);
	if (names_count(after.names) != names_count(before->names))
		fail_msg("%s: %zu names before, %zu after", what, names_count(before->names), names_count(after.names));
	names_each(after.names, name_in_other, &check);
	if (check.missing != NULL)
		fail_msg("%s: the name '%s' changed", what, check.missing);
	if (after.step != before->step || after.last_step != before->last_step)
		fail_msg("%s: step %zu of %zu became %zu of %zu", what, before->step, before->last_step, after.step,
			 after.last_step);
	if (after.note_count != before->note_count || after.sleep_ms != before->sleep_ms)
		fail_msg("%s: the step's notes or sleep changed", what);
	state_release(&after);
}

/* --- what an error line may contain -------------------------------------------------------- */

/* Length of the UTF-8 sequence at text (1..4), or 0 when it is not valid UTF-8. */
static size_t utf8_length(const unsigned char *text, size_t left)
{
	size_t length = text[0] < 0x80 ? 1 : (text[0] & 0xe0) == 0xc0 ? 2 : (text[0] & 0xf0) == 0xe0 ? 3
		      : (text[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (length == 0 || length > left || (length == 2 && text[0] < 0xc2))
		return 0;
	for (size_t i = 1; i < length; i++)
		if ((text[i] & 0xc0) != 0x80)
			return 0;
	return length;
}

/* The code point of a valid sequence. */
static unsigned long utf8_decode(const unsigned char *text, size_t length)
{
	static const unsigned char first_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned long code = text[0] & first_mask[length];

	for (size_t i = 1; i < length; i++)
		code = code << 6 | (text[i] & 0x3f);
	return code;
}

/* Control characters (C0, DEL, C1) and bidi overrides/isolates: what must never reach a terminal raw. */
static bool is_dangerous(unsigned long code)
{
	return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) ||
	       (code >= 0x2066 && code <= 0x2069) || code == 0x200e || code == 0x200f;
}

/* Text shown to a user: valid UTF-8, no control or bidi characters. */
static void assert_safe_text(const char *text, size_t len, const char *what)
{
	const unsigned char *bytes = (const unsigned char *)text;

	for (size_t i = 0; i < len;) {
		size_t length = utf8_length(bytes + i, len - i);

		if (length == 0)
			fail_msg("%s: invalid UTF-8 at byte %zu of '%.80s'", what, i, text);
		if (is_dangerous(utf8_decode(bytes + i, length)))
			fail_msg("%s: raw control or bidi character U+%04lX at byte %zu of '%.80s'", what,
				 utf8_decode(bytes + i, length), i, text);
		i += length;
	}
}

/* A rejection: one non-empty line, safe to print, with a column inside the line (or 0). */
static void assert_one_error_line(const struct session_report *report, size_t line_len, const char *what)
{
	const char *message = report->error.message;
	size_t len = strnlen(message, sizeof report->error.message);

	if (report->ok)
		fail_msg("%s: accepted, expected a rejection", what);
	if (len == 0)
		fail_msg("%s: rejected with an empty message", what);
	assert_true(len < sizeof report->error.message);
	if (strchr(message, '\n') != NULL || strchr(message, '\r') != NULL)
		fail_msg("%s: the message is more than one line: '%s'", what, message);
	assert_safe_text(message, len, what);
	if (report->error.column > line_len + 1)
		fail_msg("%s: column %zu is past the end of a %zu-byte line", what, report->error.column, line_len);
	assert_false(report->new_step);
	assert_false(report->moved);
	assert_null(report->text);
	assert_null(report->export_path);
}

/* --- running lines that may hold NUL bytes ------------------------------------------------- */

/* Parse len bytes as the bar and scripts do, and run the command when it parses. */
static void run_bytes(struct session *session, const char *line, size_t len, struct session_report *report)
{
	struct command command;
	struct command_error error;

	if (!command_parse(line, len, &command, &error)) {
		memset(report, 0, sizeof *report);
		report->error = error;
		return;
	}
	session_run(session, &command, NULL, report);
	command_release(&command);
}

/* The line must be rejected with one error line, and the session must be as it was. */
static void expect_rejected_bytes(struct session *session, const char *line, size_t len, const char *what)
{
	struct state before = state_take(session);
	struct session_report report;

	run_bytes(session, line, len, &report);
	assert_one_error_line(&report, len, what);
	session_report_release(&report);
	assert_unchanged(session, &before, what);
	state_release(&before);
}

static void expect_rejected(struct session *session, const char *line)
{
	expect_rejected_bytes(session, line, strlen(line), line);
}

/* A session with history and every kind of binding: live blocks with bytes, a hole, a freed
 * name and a name holding NULL, a note and a sleep on the current step; the current step is
 * in the middle of the history, so a change would also drop the future. */
static struct session *hostile_target(void)
{
	static const char *const lines[] = {
		"alloc 24 as a", "write a \"hello\"", "alloc 40 as b", "fill b 0x41", "alloc 16 as c",
		"free a", "alloc 5000 as big", "alloc 8 as d", "note a note", "sleep 100", "alloc 8 as e",
		"undo",
	};
	struct heap_config config = { 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *session = session_create(&config, &status);

	assert_non_null(session);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct session_report report;

		session_run_line(session, lines[i], &report);
		if (!report.ok)
			fail_msg("setup '%s' rejected: %s", lines[i], report.error.message);
		session_report_release(&report);
	}
	assert_int_equal(session_step(session), 8);
	assert_int_equal(session_last_step(session), 9);
	return session;
}

/* --- numbers ------------------------------------------------------------------------------- */

/* Each hostile number in each place a number goes, where the value is not a valid one there. */
static const char *const hostile_numbers[] = {
	"-1", "0", "18446744073709551616", "1e9", "0x", "99999999999999999999K", "99999999999999999999",
	"0x10000000000000000", "1KK", "+5", "1.5", "0x-1", "",
};

/* Where each goes: %s is the number. Places where 0 is valid are marked. */
struct number_place {
	const char *format;
	bool zero_is_valid;
	bool empty_is_valid;   /* reset without a size keeps the size */
};

static const struct number_place number_places[] = {
	{ "alloc %s", false, false },      { "alloc %s as z", false, false }, { "realloc b %s", false, false },
	{ "calloc %s 4", false, false },   { "calloc 4 %s", false, false },   { "calloc %s %s", false, false },
	{ "reset %s", false, true },       { "free %s", false, false },       { "realloc %s 8", false, false },
	{ "write %s \"x\"", false, false }, { "fill %s 1", false, false },     { "fill b %s", true, false },
	{ "goto %s", true, false },        { "sleep %s", true, false },       { "align %s", false, false },
};

/* The place with every "%s" replaced by the number (the formats are data, not printf formats). */
static void place_number(const char *format, const char *number, char *line, size_t size)
{
	size_t used = 0, number_len = strlen(number);

	for (const char *at = format; *at != '\0'; at++) {
		if (at[0] == '%' && at[1] == 's') {
			assert_true(used + number_len < size);
			memcpy(line + used, number, number_len);
			used += number_len;
			at++;
		} else {
			assert_true(used + 1 < size);
			line[used++] = *at;
		}
	}
	line[used] = '\0';
}

static void hostile_numbers_are_rejected_everywhere(void **state)
{
	(void)state;
	struct session *session = hostile_target();
	char line[256];

	for (size_t p = 0; p < sizeof number_places / sizeof number_places[0]; p++)
		for (size_t n = 0; n < sizeof hostile_numbers / sizeof hostile_numbers[0]; n++) {
			const char *number = hostile_numbers[n];

			if ((number_places[p].zero_is_valid && strcmp(number, "0") == 0) ||
			    (number_places[p].empty_is_valid && number[0] == '\0'))
				continue;
			/* The empty number makes a missing argument: also an error, also no change. */
			place_number(number_places[p].format, number, line, sizeof line);
			expect_rejected(session, line);
		}
	session_destroy(session);
}

static void calloc_count_times_size_overflow_is_rejected(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"calloc 4294967296 4294967296", "calloc 18446744073709551615 2", "calloc 2 0x8000000000000000",
		"calloc 3 6148914691236517206", "calloc 0xffffffffffffffff 0xffffffffffffffff",
		"calloc 65536 281474976710656 as z", "calloc 16M 1099511627776",
	};
	struct session *session = hostile_target();

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct state before = state_take(session);
		struct session_report report;

		session_run_line(session, lines[i], &report);
		assert_one_error_line(&report, strlen(lines[i]), lines[i]);
		if (strstr(report.error.message, "overflow") == NULL)
			fail_msg("%s: '%s' does not say it overflows", lines[i], report.error.message);
		session_report_release(&report);
		assert_unchanged(session, &before, lines[i]);
		state_release(&before);
	}
	session_destroy(session);
}

static void goto_out_of_range_is_rejected(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"goto -1", "goto 99999999999999999999", "goto 18446744073709551615", "goto 18446744073709551616",
		"goto 10", "goto 1000000", "goto 0x", "goto 1e9", "goto", "goto 1 2",
	};
	struct session *session = hostile_target();

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		expect_rejected(session, lines[i]);
	session_destroy(session);
}

/* --- text: huge lines, NUL, invalid UTF-8, escape sequences -------------------------------- */

/* A 1 MB line in every shape that must be rejected; the message stays one short line. */
static void megabyte_lines_are_rejected_in_one_short_line(void **state)
{
	(void)state;
	static const struct {
		const char *prefix;
		char fill;
		const char *suffix;
	} shapes[] = {
		{ "alloc ", '9', "" },          { "alloc 10 as ", 'n', "" },    { "", 'x', "" },
		{ "free ", 'q', "" },           { "goto ", '7', "" },           { "write b \"", 'w', "\"" },
		{ "write b \"", '\x1b', "\"" }, { "alloc 8 as z ", ' ', "junk" }, { "calloc 1 ", '1', "" },
	};
	enum { MEGABYTE = 1 << 20 };
	struct session *session = hostile_target();
	char *line = malloc(MEGABYTE + 64);

	assert_non_null(line);
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		size_t prefix = strlen(shapes[i].prefix), suffix = strlen(shapes[i].suffix);

		memcpy(line, shapes[i].prefix, prefix);
		memset(line + prefix, shapes[i].fill, MEGABYTE);
		memcpy(line + prefix + MEGABYTE, shapes[i].suffix, suffix + 1);
		expect_rejected_bytes(session, line, prefix + MEGABYTE + suffix, shapes[i].prefix);
	}
	free(line);
	session_destroy(session);
}

#define BYTES(literal) literal, sizeof literal - 1

static void nul_bytes_are_rejected(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		size_t len;
	} lines[] = {
		{ BYTES("alloc 1\0000") },        { BYTES("alloc 10 as a\0b") },  { BYTES("free b\0") },
		{ BYTES("\0alloc 10") },          { BYTES("note hi\0there") },    { BYTES("write b \"a\" \0") },
		{ BYTES("goto 1\0") },
		{ BYTES("export x\0.txt") },      { BYTES("fill b 1\0") },        { BYTES("policy best\0") },
	};
	struct session *session = hostile_target();

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		expect_rejected_bytes(session, lines[i].line, lines[i].len, lines[i].line);
	}
	session_destroy(session);
}

/* Names, targets and keywords holding escape sequences, C1 controls, bidi overrides, invalid
 * UTF-8: rejected, and the message quoting them shows them escaped. */
static void escape_sequences_in_names_are_rejected_and_quoted_escaped(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"alloc 10 as a\x1b]0;PWNED\x07", "alloc 10 as \x1b[31mred", "alloc 10 as \x9b" "31m",
		"alloc 10 as \xc2\x9b" "2J", "alloc 10 as x\xe2\x80\xaey", "alloc 10 as \xff\xfe",
		"free \x1b[2J", "free b\x1b[2J", "realloc \x9b 8", "write \xe2\x80\xae \"x\"", "fill \xc0\xaf 1",
		"\x1b[31malloc 10", "al\x1b" "loc 10", "\x9b" "2J", "policy \x1b]0;t\x07", "goto \x1b[5~",
		"alloc \x1b[31m", "alloc 10 as", "alloc 10 as b",  /* b is live: its name is taken */
		"write b \"unterminated", "write b \"\\xZZ\"", "write b \"\\x4\"", "write b \"\\q\"",
		"write b \"x\" trailing\x1b[2J",
	};
	struct session *session = hostile_target();

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		expect_rejected(session, lines[i]);
	session_destroy(session);
}

/* Writing past the end of a payload, into a free block, through a NULL or freed name. */
static void writes_that_do_not_fit_change_nothing(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"write b \"0123456789012345678901234567890123456789X\"", "write a \"x\"", "write big \"x\"",
		"write 0 \"x\"", "write 1023 \"x\"", "write 99999999999999999999 \"x\"", "fill a 1", "fill big 1",
		"realloc a 8", "free a", "free 0", "free 1", "free 1024", "free 0x1000000000000000",
	};
	struct session *session = hostile_target();

	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		expect_rejected(session, lines[i]);
	session_destroy(session);
}

/* Hostile text that is accepted (a note, written bytes) is kept exactly as written: the model
 * holds bytes, and every front end escapes them when it shows them (tests/e2e/hostile_*.sh). */
static void hostile_text_that_is_accepted_is_kept_as_written(void **state)
{
	(void)state;
	static const char note[] = "\x1b]0;PWNED\x07 \x1b[31mred \x9b" "2J \xc2\x9b" "2J \xe2\x80\xae rtl \xff\xfe \x7f";
	static const char written[] = "\x1b]0;PWNED\x07\x9b\xc2\x9b\xe2\x80\xae\x00\xff";
	struct session *session = hostile_target();
	struct session_report report;
	struct step_info info;
	char line[256];
	size_t payload;

	snprintf(line, sizeof line, "note %s", note);
	session_run_line(session, line, &report);
	if (!report.ok)
		fail_msg("the note was rejected: %s", report.error.message);
	session_report_release(&report);
	assert_true(session_step_info(session, session_step(session), &info));
	assert_int_equal(info.note_count, 2);
	assert_string_equal(info.notes[1], note);

	session_run_line(session, "write b \"\\x1b]0;PWNED\\x07\\x9b\\xc2\\x9b\\xe2\\x80\\xae\\x00\\xff\"", &report);
	if (!report.ok)
		fail_msg("the write was rejected: %s", report.error.message);
	session_report_release(&report);
	assert_true(names_lookup(session_names(session), "b", &payload));
	assert_memory_equal(heap_bytes(session_heap(session)) + payload, written, sizeof written - 1);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_numbers_are_rejected_everywhere),
		cmocka_unit_test(calloc_count_times_size_overflow_is_rejected),
		cmocka_unit_test(goto_out_of_range_is_rejected),
		cmocka_unit_test(megabyte_lines_are_rejected_in_one_short_line),
		cmocka_unit_test(nul_bytes_are_rejected),
		cmocka_unit_test(escape_sequences_in_names_are_rejected_and_quoted_escaped),
		cmocka_unit_test(writes_that_do_not_fit_change_nothing),
		cmocka_unit_test(hostile_text_that_is_accepted_is_kept_as_written),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
