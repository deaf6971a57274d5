/* test_command.c - the command language: every command, alias, prefix, error column and canonical form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"

/* --- helpers --- */

static bool parse_bytes(const char *line, size_t len, struct command *command, struct command_error *error)
{
	return command_parse(line, len, command, error);
}

/* Parses a line that must be accepted; the caller releases the command. */
static struct command parse_ok(const char *line)
{
	struct command command;
	struct command_error error;
	if (!parse_bytes(line, strlen(line), &command, &error)) {
		print_message("line: '%s' -> col %zu: %s\n", line, error.column, error.message);
		fail_msg("expected the line to parse");
	}
	return command;
}

static enum command_kind kind_of(const char *line)
{
	struct command command = parse_ok(line);
	enum command_kind kind = command.kind;
	command_release(&command);
	return kind;
}

static void expect_error_bytes(const char *line, size_t len, size_t column, const char *message)
{
	struct command command;
	struct command_error error;
	memset(&command, 0xab, sizeof command);
	if (parse_bytes(line, len, &command, &error)) {
		print_message("line: '%s'\n", line);
		command_release(&command);
		fail_msg("expected an error: %s", message);
	}
	if (error.column != column || strcmp(error.message, message) != 0)
		print_message("line: '%s' -> col %zu: %s\n", line, error.column, error.message);
	assert_string_equal(error.message, message);
	assert_int_equal(error.column, column);
	/* A failed parse leaves nothing to release. */
	assert_null(command.data);
	assert_null(command.text);
}

static void expect_error(const char *line, size_t column, const char *message)
{
	expect_error_bytes(line, strlen(line), column, message);
}

/* Every message is one printable ASCII line, whatever the input was. */
static void assert_message_is_clean(const struct command_error *error)
{
	size_t len = strnlen(error->message, sizeof error->message);
	assert_true(len < sizeof error->message);
	assert_true(len > 0);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)error->message[i];
		assert_true(c >= 0x20 && c < 0x7f);
	}
}

static void expect_format(const struct command *command, const char *expected)
{
	char buffer[512];
	size_t needed = command_format(command, buffer, sizeof buffer);
	assert_string_equal(buffer, expected);
	assert_int_equal(needed, strlen(expected));
}

/* The fields a command means, not where it was written. */
static void assert_same_meaning(const struct command *a, const struct command *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->target.is_name, b->target.is_name);
	assert_string_equal(a->target.name, b->target.name);
	assert_int_equal(a->target.address, b->target.address);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->has_size, b->has_size);
	assert_int_equal(a->has_name, b->has_name);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->policy, b->policy);
	assert_int_equal(a->alignment, b->alignment);
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->ms, b->ms);
	assert_int_equal(a->byte, b->byte);
	assert_int_equal(a->data_len, b->data_len);
	if (a->data_len > 0)
		assert_memory_equal(a->data, b->data, a->data_len);
	assert_int_equal(a->text == NULL, b->text == NULL);
	if (a->text != NULL)
		assert_string_equal(a->text, b->text);
	assert_int_equal(a->help_topic, b->help_topic);
}

/* --- every command and its aliases --- */

static void test_alloc_and_its_aliases(void **state)
{
	(void)state;
	const char *lines[] = { "alloc 100", "malloc 100", "a 100", "ALLOC 100", "AlLoC 0x64", "all 100",
				"mall 100", "MALLOC 100" };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct command command = parse_ok(lines[i]);
		assert_int_equal(command.kind, CMD_ALLOC);
		assert_int_equal(command.size, 100);
		assert_false(command.has_name);
		command_release(&command);
	}
	struct command named = parse_ok("  alloc 100 as buf");
	assert_true(named.has_name);
	assert_string_equal(named.name, "buf");
	assert_int_equal(named.keyword_column, 3);
	assert_int_equal(named.size_column, 9);
	assert_int_equal(named.name_column, 16);
	command_release(&named);

	/* `as` is a keyword (any case); names keep their case. */
	named = parse_ok("a 8 AS Buf_2");
	assert_string_equal(named.name, "Buf_2");
	command_release(&named);
	named = parse_ok("a 8 as as");
	assert_string_equal(named.name, "as");
	command_release(&named);
}

static void test_free_by_name_and_by_address(void **state)
{
	(void)state;
	struct command command = parse_ok("free p1");
	assert_int_equal(command.kind, CMD_FREE);
	assert_true(command.target.is_name);
	assert_string_equal(command.target.name, "p1");
	assert_int_equal(command.target.column, 6);
	command_release(&command);

	command = parse_ok("f 0x40");
	assert_int_equal(command.kind, CMD_FREE);
	assert_false(command.target.is_name);
	assert_int_equal(command.target.address, 64);
	command_release(&command);

	command = parse_ok("FREE 64");
	assert_false(command.target.is_name);
	assert_int_equal(command.target.address, 64);
	command_release(&command);

	command = parse_ok("fr _x");
	assert_string_equal(command.target.name, "_x");
	command_release(&command);
}

static void test_realloc_and_calloc(void **state)
{
	(void)state;
	struct command command = parse_ok("realloc buf 200");
	assert_int_equal(command.kind, CMD_REALLOC);
	assert_string_equal(command.target.name, "buf");
	assert_int_equal(command.size, 200);
	assert_int_equal(command.size_column, 13);
	command_release(&command);

	command = parse_ok("r 0x10 0");
	assert_int_equal(command.kind, CMD_REALLOC);
	assert_int_equal(command.target.address, 16);
	assert_int_equal(command.size, 0);
	command_release(&command);

	command = parse_ok("calloc 4 16 as arr");
	assert_int_equal(command.kind, CMD_CALLOC);
	assert_int_equal(command.count, 4);
	assert_int_equal(command.count_column, 8);
	assert_int_equal(command.size, 16);
	assert_int_equal(command.size_column, 10);
	assert_string_equal(command.name, "arr");
	command_release(&command);

	command = parse_ok("ca 1K 2");
	assert_int_equal(command.kind, CMD_CALLOC);
	assert_int_equal(command.count, 1024);
	assert_false(command.has_name);
	command_release(&command);
}

static void test_write_and_fill(void **state)
{
	(void)state;
	struct command command = parse_ok("write buf \"hi\"");
	assert_int_equal(command.kind, CMD_WRITE);
	assert_string_equal(command.target.name, "buf");
	assert_int_equal(command.data_len, 2);
	assert_memory_equal(command.data, "hi", 2);
	assert_int_equal(command.text_column, 11);
	command_release(&command);

	command = parse_ok("w 0x40 \"\"");
	assert_int_equal(command.kind, CMD_WRITE);
	assert_int_equal(command.data_len, 0);
	assert_non_null(command.data);
	command_release(&command);

	command = parse_ok("fill buf 255");
	assert_int_equal(command.kind, CMD_FILL);
	assert_int_equal(command.byte, 255);
	assert_int_equal(command.value_column, 10);
	command_release(&command);

	command = parse_ok("fi 0x40 0xAB");
	assert_int_equal(command.byte, 0xab);
	command_release(&command);

	command = parse_ok("fill p 0");
	assert_int_equal(command.byte, 0);
	command_release(&command);
}

static void test_policy_names_are_keywords(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum heap_policy policy;
	} cases[] = {
		{ "policy first", POLICY_FIRST_FIT }, { "policy next", POLICY_NEXT_FIT },
		{ "policy best", POLICY_BEST_FIT },   { "policy worst", POLICY_WORST_FIT },
		{ "policy buddy", POLICY_BUDDY },     { "POLICY BEST", POLICY_BEST_FIT },
		{ "p f", POLICY_FIRST_FIT },          { "pol n", POLICY_NEXT_FIT },
		{ "policy be", POLICY_BEST_FIT },     { "policy bu", POLICY_BUDDY },
		{ "policy W", POLICY_WORST_FIT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct command command = parse_ok(cases[i].line);
		assert_int_equal(command.kind, CMD_POLICY);
		assert_int_equal(command.policy, cases[i].policy);
		command_release(&command);
	}
	expect_error("policy b", 8, "ambiguous policy 'b': could be best, buddy");
	expect_error("policy bogus", 8, "policy must be first, next, best, worst, buddy, seglist or tlsf");
	expect_error("policy", 7, "policy must be first, next, best, worst, buddy, seglist or tlsf");
	expect_error("policy firstfit", 8, "policy must be first, next, best, worst, buddy, seglist or tlsf");
	expect_error("policy best worst", 13, "unexpected 'worst' after the command");
}

static void test_reset_align_and_history(void **state)
{
	(void)state;
	struct command command = parse_ok("reset");
	assert_int_equal(command.kind, CMD_RESET);
	assert_false(command.has_size);
	command_release(&command);

	command = parse_ok("reset 2K # bigger");
	assert_true(command.has_size);
	assert_int_equal(command.size, 2048);
	command_release(&command);

	const unsigned alignments[] = { 4, 8, 16 };
	const char *align_lines[] = { "align 4", "ALI 8", "align 0x10" };
	for (size_t i = 0; i < 3; i++) {
		command = parse_ok(align_lines[i]);
		assert_int_equal(command.kind, CMD_ALIGN);
		assert_int_equal(command.alignment, alignments[i]);
		command_release(&command);
	}

	const enum heap_order orders[] = { HEAP_ORDER_ADDRESS, HEAP_ORDER_LIFO, HEAP_ORDER_FIFO };
	const char *order_lines[] = { "order address", "ORD LIFO # newest first", "order fifo" };
	for (size_t i = 0; i < 3; i++) {
		command = parse_ok(order_lines[i]);
		assert_int_equal(command.kind, CMD_ORDER);
		assert_int_equal(command.order, orders[i]);
		command_release(&command);
	}

	assert_int_equal(kind_of("undo"), CMD_UNDO);
	assert_int_equal(kind_of("u"), CMD_UNDO);
	assert_int_equal(kind_of("redo"), CMD_REDO);
	assert_int_equal(kind_of("red"), CMD_REDO);
	assert_int_equal(kind_of("check"), CMD_CHECK);
	assert_int_equal(kind_of("ch"), CMD_CHECK);
	assert_int_equal(kind_of("quit"), CMD_QUIT);
	assert_int_equal(kind_of("Q"), CMD_QUIT);

	command = parse_ok("goto 12");
	assert_int_equal(command.kind, CMD_GOTO);
	assert_int_equal(command.step, 12);
	assert_int_equal(command.value_column, 6);
	command_release(&command);

	command = parse_ok("g 0");
	assert_int_equal(command.step, 0);
	command_release(&command);

	command = parse_ok("sleep 500");
	assert_int_equal(command.kind, CMD_SLEEP);
	assert_int_equal(command.ms, 500);
	command_release(&command);
}

static void test_note_export_and_help(void **state)
{
	(void)state;
	struct command command = parse_ok("note   First fit takes the first hole.   ");
	assert_int_equal(command.kind, CMD_NOTE);
	assert_string_equal(command.text, "First fit takes the first hole.");
	assert_int_equal(command.text_column, 8);
	command_release(&command);

	command = parse_ok("note C# is not C # the rest is a comment");
	assert_string_equal(command.text, "C");
	command_release(&command);

	command = parse_ok("note \"  C# keeps its \\\"hash\\\"\\n\" # comment");
	assert_string_equal(command.text, "  C# keeps its \"hash\"\n");
	command_release(&command);

	command = parse_ok("note \"\"");
	assert_string_equal(command.text, "");
	command_release(&command);

	command = parse_ok("note a\\qb");   /* bare text has no escapes */
	assert_string_equal(command.text, "a\\qb");
	command_release(&command);

	command = parse_ok("export  out/heap view.svg ");
	assert_int_equal(command.kind, CMD_EXPORT);
	assert_string_equal(command.text, "out/heap view.svg");
	command_release(&command);

	command = parse_ok("export \"a#b.svg\"");
	assert_string_equal(command.text, "a#b.svg");
	command_release(&command);

	command = parse_ok("help");
	assert_int_equal(command.kind, CMD_HELP);
	assert_int_equal(command.help_topic, CMD_EMPTY);
	assert_null(command.text);
	command_release(&command);

	command = parse_ok("h MALL");
	assert_int_equal(command.help_topic, CMD_ALLOC);
	assert_string_equal(command.text, "alloc");
	assert_int_equal(command.text_column, 3);
	command_release(&command);

	command = parse_ok("help f");
	assert_int_equal(command.help_topic, CMD_FREE);
	command_release(&command);

	expect_error("help re", 6, "ambiguous command 're': could be realloc, redo, reset");
	expect_error("help zap", 6, "unknown command 'zap'");
	expect_error("help free alloc", 11, "unexpected 'alloc' after the command");
}

/* --- prefixes, aliases, unknown and ambiguous words --- */

static void test_aliases_beat_prefixes(void **state)
{
	(void)state;
	/* `a` prefixes align and alloc, `r` realloc/redo/reset, `f` fill/free: the alias wins. */
	assert_int_equal(kind_of("a 1"), CMD_ALLOC);
	assert_int_equal(kind_of("A 1"), CMD_ALLOC);
	assert_int_equal(kind_of("r p 1"), CMD_REALLOC);
	assert_int_equal(kind_of("f p"), CMD_FREE);
}

static void test_unique_prefixes_are_accepted(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum command_kind kind;
	} cases[] = {
		{ "ali 4", CMD_ALIGN },     { "allo 1", CMD_ALLOC },   { "ca 1 1", CMD_CALLOC },
		{ "che", CMD_CHECK },       { "e x", CMD_EXPORT },     { "fi p 1", CMD_FILL },
		{ "fre p", CMD_FREE },      { "go 1", CMD_GOTO },      { "he", CMD_HELP },
		{ "n x", CMD_NOTE },        { "po best", CMD_POLICY }, { "q", CMD_QUIT },
		{ "rea p 1", CMD_REALLOC }, { "red", CMD_REDO },       { "res", CMD_RESET },
		{ "s 1", CMD_SLEEP },       { "un", CMD_UNDO },        { "wr p \"\"", CMD_WRITE },
		{ "m 1", CMD_ALLOC },       { "Realloc p 1", CMD_REALLOC },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(kind_of(cases[i].line), cases[i].kind);
}

static void test_ambiguous_and_unknown_commands(void **state)
{
	(void)state;
	expect_error("re", 1, "ambiguous command 're': could be realloc, redo, reset");
	expect_error("Re 0x40", 1, "ambiguous command 'Re': could be realloc, redo, reset");
	expect_error("al 10", 1, "ambiguous command 'al': could be align, alloc");
	expect_error("c", 1, "ambiguous command 'c': could be calloc, check");
	expect_error("  fr", 5, "free needs a TARGET (a name or an address)");
	expect_error("alocc 10", 1, "unknown command 'alocc'");
	expect_error("   allocate 10", 4, "unknown command 'allocate'");
	expect_error("as 10", 1, "unknown command 'as'");
	expect_error("\"alloc\" 1", 1, "unknown command '\"alloc\"'");
}

/* --- every error, with its column --- */

static void test_missing_arguments_point_past_the_line(void **state)
{
	(void)state;
	expect_error("alloc", 6, "alloc needs a SIZE");
	expect_error("alloc   ", 9, "alloc needs a SIZE");
	expect_error("alloc # no size", 7, "alloc needs a SIZE");
	expect_error("alloc 10 as", 12, "as needs a NAME");
	expect_error("free", 5, "free needs a TARGET (a name or an address)");
	expect_error("realloc", 8, "realloc needs a TARGET (a name or an address)");
	expect_error("realloc p", 10, "realloc needs a SIZE");
	expect_error("calloc", 7, "calloc needs a COUNT");
	expect_error("calloc 4", 9, "calloc needs a SIZE");
	expect_error("write", 6, "write needs a TARGET (a name or an address)");
	expect_error("write p", 8, "write needs a \"TEXT\" in double quotes");
	expect_error("fill p", 7, "fill needs a BYTE (0..255)");
	expect_error("align", 6, "alignment must be 4, 8 or 16");
	expect_error("order", 6, "order must be address, lifo or fifo");
	expect_error("order lif", 7, "order must be address, lifo or fifo");
	expect_error("order first", 7, "order must be address, lifo or fifo");
	expect_error("order lifo fifo", 12, "unexpected 'fifo' after the command");
	expect_error("goto", 5, "goto needs a STEP");
	expect_error("sleep", 6, "sleep needs a duration in MS");
	expect_error("note", 5, "note needs a TEXT");
	expect_error("note   # only a comment", 8, "note needs a TEXT");
	expect_error("export", 7, "export needs a FILE");
}

static void test_bad_arguments_point_at_their_token(void **state)
{
	(void)state;
	expect_error("alloc x12", 7, "bad size 'x12': expected a number like 64, 0x40 or 4K");
	expect_error("alloc -1", 7, "bad size '-1': expected a number like 64, 0x40 or 4K");
	expect_error("alloc 10 foo", 10, "unexpected 'foo' after the command");
	expect_error("alloc 10 as p q", 15, "unexpected 'q' after the command");
	expect_error("alloc 1 as toolongname_over16", 12, "name 'toolongname_over16' is longer than 16 characters");
	expect_error("alloc 1 as 9abc", 12, "'9abc' is not a name: names start with a letter or _");
	expect_error("alloc 1 as a-b", 12, "'a-b' is not a name: use only letters, digits and _");
	expect_error("calloc x 1", 8, "bad count 'x': expected a number like 4, 0x10 or 1K");
	expect_error("calloc 1 x", 10, "bad size 'x': expected a number like 64, 0x40 or 4K");
	expect_error("free 9abc", 6, "bad address '9abc': expected a number like 64 or 0x40");
	expect_error("free 0x", 6, "bad address '0x': expected a number like 64 or 0x40");
	expect_error("free 4K", 6, "bad address '4K': expected a number like 64 or 0x40");
	expect_error("free 99999999999999999999999", 6, "address too large");
	expect_error("free -p", 6, "'-p' is not a name: names start with a letter or _");
	expect_error("free p extra", 8, "unexpected 'extra' after the command");
	expect_error("realloc p x", 11, "bad size 'x': expected a number like 64, 0x40 or 4K");
	expect_error("write p hi", 9, "write needs a \"TEXT\" in double quotes, not 'hi'");
	expect_error("write p \"hi\" there", 14, "unexpected 'there' after the command");
	expect_error("write p \"hi\"x", 13, "unexpected 'x' after the command");
	expect_error("fill p 256", 8, "byte must be 0..255");
	expect_error("fill p 0x100", 8, "byte must be 0..255");
	expect_error("fill p 99999999999999999999999999", 8, "byte must be 0..255");
	expect_error("fill p x", 8, "bad byte 'x': expected a number 0..255 like 65 or 0x41");
	expect_error("align 3", 7, "alignment must be 4, 8 or 16");
	expect_error("align 32", 7, "alignment must be 4, 8 or 16");
	expect_error("align eight", 7, "alignment must be 4, 8 or 16");
	expect_error("reset x", 7, "bad size 'x': expected a number like 64, 0x40 or 4K");
	expect_error("reset 1K 2K", 10, "unexpected '2K' after the command");
	expect_error("undo now", 6, "unexpected 'now' after the command");
	expect_error("redo 2", 6, "unexpected '2' after the command");
	expect_error("check all", 7, "unexpected 'all' after the command");
	expect_error("quit now", 6, "unexpected 'now' after the command");
	expect_error("goto two", 6, "bad step 'two': expected a step number like 3");
	expect_error("goto 99999999999999999999999", 6, "step too large");
	expect_error("sleep 1.5", 7, "bad duration '1.5': expected milliseconds like 500");
	expect_error("sleep 99999999999999999999999", 7, "a sleep is at most 3600000 ms (an hour)");
	expect_error("sleep 3600001", 7, "a sleep is at most 3600000 ms (an hour)");
	expect_error("note \"a\" b", 10, "unexpected 'b' after the command");
}

/* --- sizes --- */

static void test_sizes_decimal_hex_and_suffixes(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t value;
	} good[] = {
		{ "0", 0 },       { "64", 64 },          { "0x40", 64 },       { "0X40", 64 },
		{ "0xfF", 255 },  { "4K", 4096 },        { "4k", 4096 },       { "1M", 1048576 },
		{ "2m", 2097152 }, { "0x10K", 16384 },   { "007", 7 },         { "0K", 0 },
		{ "1G", 1073741824 }, { "2g", 2147483648u },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t value = 12345;
		assert_true(command_parse_size(good[i].text, strlen(good[i].text), &value));
		assert_int_equal(value, good[i].value);
	}
	static const char *const bad[] = { "", "0x", "K", "1KK", "1KM", "-1", "+1", "1.5", " 1", "1 ",
					   "12a", "0xg", "x12", "0b101", "1e3", "1T", "1GK" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t value = 12345;
		assert_false(command_parse_size(bad[i], strlen(bad[i]), &value));
		assert_int_equal(value, 12345);
	}
	/* Only len bytes count. */
	size_t value;
	assert_true(command_parse_size("64junk", 2, &value));
	assert_int_equal(value, 64);

	struct command command = parse_ok("alloc 0");   /* the session rejects 0, not the parser */
	assert_int_equal(command.size, 0);
	command_release(&command);
}

static void test_size_overflow_is_too_large(void **state)
{
	(void)state;
	char text[64];
	size_t value;

	snprintf(text, sizeof text, "%zu", (size_t)SIZE_MAX);
	assert_true(command_parse_size(text, strlen(text), &value));
	assert_int_equal(value, SIZE_MAX);

	snprintf(text, sizeof text, "0x%zx", (size_t)SIZE_MAX);
	assert_true(command_parse_size(text, strlen(text), &value));
	assert_int_equal(value, SIZE_MAX);

	snprintf(text, sizeof text, "%zuK", (size_t)SIZE_MAX / 1024);
	assert_true(command_parse_size(text, strlen(text), &value));
	assert_int_equal(value, SIZE_MAX / 1024 * 1024);

	/* One past: the last digit, the suffix, or one more hex digit. */
	snprintf(text, sizeof text, "%zu0", (size_t)SIZE_MAX);
	assert_false(command_parse_size(text, strlen(text), &value));
	snprintf(text, sizeof text, "%zuK", (size_t)SIZE_MAX / 1024 + 1);
	assert_false(command_parse_size(text, strlen(text), &value));
	snprintf(text, sizeof text, "%zuM", (size_t)SIZE_MAX / 1048576 + 1);
	assert_false(command_parse_size(text, strlen(text), &value));
	snprintf(text, sizeof text, "0x1%zx", (size_t)SIZE_MAX);
	assert_false(command_parse_size(text, strlen(text), &value));

	char line[96];
	snprintf(line, sizeof line, "alloc %zu0", (size_t)SIZE_MAX);
	expect_error(line, 7, "size too large");
	snprintf(line, sizeof line, "calloc %zu1 2", (size_t)SIZE_MAX);
	expect_error(line, 8, "count too large");
	snprintf(line, sizeof line, "realloc p %zuM", (size_t)SIZE_MAX);
	expect_error(line, 11, "size too large");
	/* Bad syntax is reported as such even when the digits overflow too. */
	expect_error("alloc 99999999999999999999999x", 7,
		     "bad size '99999999999999999999999x': expected a number like 64, 0x40 or 4K");
}

/* --- strings --- */

static void test_write_decodes_escapes(void **state)
{
	(void)state;
	struct command command = parse_ok("write p \"a\\n\\t\\\\\\\"\\x41\\xfF\\r\\0z\"");
	static const uint8_t expected[] = { 'a', '\n', '\t', '\\', '"', 'A', 0xff, '\r', 0, 'z' };
	assert_int_equal(command.data_len, sizeof expected);
	assert_memory_equal(command.data, expected, sizeof expected);
	command_release(&command);

	/* Bytes other than " and \ go in as they are, UTF-8 and raw NUL included. */
	static const char raw[] = "write p \"\xc3\xa9\0#\t\"";
	assert_true(command_parse(raw, sizeof raw - 1, &command, &(struct command_error){ 0 }));
	assert_int_equal(command.data_len, 5);
	assert_memory_equal(command.data, "\xc3\xa9\0#\t", 5);
	command_release(&command);
}

static void test_string_errors_point_at_the_escape(void **state)
{
	(void)state;
	expect_error("write p \"ab\\qc\"", 12, "unknown escape '\\q'");
	expect_error("write p \"\\a\"", 10, "unknown escape '\\a'");
	expect_error("write p \"\\101\"", 10, "unknown escape '\\1'");
	expect_error("write p \"\\x4\"", 10, "escape '\\x4' needs two hex digits");
	expect_error("write p \"\\xg0\"", 10, "escape '\\xg0' needs two hex digits");
	expect_error("write p \"abc", 9, "unterminated string");
	expect_error("write p \"abc\\\"", 9, "unterminated string");
	expect_error("write p \"abc\\", 9, "unterminated string");
	expect_error("note \"abc", 6, "unterminated string");
	/* Captions and file names become C strings: no NUL in them. */
	expect_error("note \"a\\0b\"", 8, "a NUL byte is not allowed here");
	expect_error_bytes("note a\0b", 8, 7, "a NUL byte is not allowed here");
	expect_error_bytes("export \"a\0\"", 11, 10, "a NUL byte is not allowed here");
}

/* --- blank lines and comments --- */

static void test_blank_and_comment_lines_are_empty(void **state)
{
	(void)state;
	const char *lines[] = { "", "   ", "\t \r", "# a comment", "   # indented", "#alloc 10" };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		assert_int_equal(kind_of(lines[i]), CMD_EMPTY);

	struct command command;
	struct command_error error;
	assert_true(command_parse(NULL, 0, &command, &error));
	assert_int_equal(command.kind, CMD_EMPTY);

	command = parse_ok("alloc 10 # why");
	assert_int_equal(command.size, 10);
	command_release(&command);
	command = parse_ok("alloc 10#tight");
	assert_int_equal(command.size, 10);
	command_release(&command);
	command = parse_ok("write p \"a # b\" # real comment");
	assert_int_equal(command.data_len, 5);
	assert_memory_equal(command.data, "a # b", 5);
	command_release(&command);
	command = parse_ok("\tundo\t");
	assert_int_equal(command.kind, CMD_UNDO);
	command_release(&command);
}

/* --- identifiers --- */

static void test_identifiers_up_to_16_characters(void **state)
{
	(void)state;
	assert_true(command_is_identifier("abcdefghijklmnop", 16));
	assert_false(command_is_identifier("abcdefghijklmnopq", 17));
	assert_true(command_is_identifier("_", 1));
	assert_true(command_is_identifier("x9_Y", 4));
	assert_false(command_is_identifier("9x", 2));
	assert_false(command_is_identifier("", 0));
	assert_false(command_is_identifier("a-b", 3));
	assert_false(command_is_identifier("a\0b", 3));
	assert_false(command_is_identifier("caf\xc3\xa9", 5));

	struct command command = parse_ok("alloc 1 as abcdefghijklmnop");
	assert_string_equal(command.name, "abcdefghijklmnop");
	command_release(&command);
	command = parse_ok("free abcdefghijklmnop");
	assert_string_equal(command.target.name, "abcdefghijklmnop");
	command_release(&command);
	expect_error("alloc 1 as abcdefghijklmnopq", 12, "name 'abcdefghijklmnopq' is longer than 16 characters");
	expect_error("free abcdefghijklmnopq", 6, "name 'abcdefghijklmnopq' is longer than 16 characters");
}

/* --- canonical text --- */

static void test_format_writes_canonical_text(void **state)
{
	(void)state;
	static const struct {
		const char *input;
		const char *canonical;
	} cases[] = {
		{ "a 0x64 AS buf", "alloc 100 as buf" },
		{ "malloc 1K", "alloc 1024" },
		{ "f p1", "free p1" },
		{ "free 64", "free 0x40" },
		{ "r 0x40 2k", "realloc 0x40 2048" },
		{ "calloc 0x4 16 as arr", "calloc 4 16 as arr" },
		{ "write buf \"hi\\n\"", "write buf \"hi\\n\"" },
		{ "w b \"\\x41\\x01\\xff\\0\\\\\\\"\\t\\r\"", "write b \"A\\x01\\xff\\0\\\\\\\"\\t\\r\"" },
		{ "fill p 255", "fill p 0xff" },
		{ "fill p 0", "fill p 0x00" },
		{ "pol BE", "policy best" },
		{ "policy buddy", "policy buddy" },
		{ "reset 2K", "reset 2048" },
		{ "reset", "reset" },
		{ "align 0x10", "align 16" },
		{ "UNDO", "undo" },
		{ "redo", "redo" },
		{ "goto 3", "goto 3" },
		{ "check", "check" },
		{ "note   text  ", "note text" },
		{ "note \"C# \\\\o/\"", "note \"C# \\\\o/\"" },
		{ "note \"  padded\"", "note \"  padded\"" },
		{ "note \"\\\"quoted\\\" start\"", "note \"\\\"quoted\\\" start\"" },
		{ "note \"\"", "note \"\"" },
		{ "note caf\xc3\xa9 \\o/", "note caf\xc3\xa9 \\o/" },
		{ "sleep 0x10", "sleep 16" },
		{ "help", "help" },
		{ "help mal", "help alloc" },
		{ "q", "quit" },
		{ "export out.svg", "export out.svg" },
		{ "", "" },
		{ "# only a comment", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct command command = parse_ok(cases[i].input);
		expect_format(&command, cases[i].canonical);
		command_release(&command);
	}
}

static void test_parse_of_format_gives_the_same_command(void **state)
{
	(void)state;
	const char *lines[] = {
		"alloc 100 as buf", "alloc 0", "free p1", "free 0x40", "realloc q 7", "calloc 3 5 as c",
		"write buf \"hi\\n\"", "write p \"\\0\\x01\\x7f\\x80\\xff \\\"\\\\#\"", "fill p 7", "policy first",
		"policy next", "policy best", "policy worst", "policy buddy", "reset", "reset 2048", "align 4",
		"undo", "redo", "goto 0", "check", "note text", "note \" lead # and \\t tab\"",
		"note \"\\x01ctrl\"", "note \"#\"", "sleep 250", "help", "help policy", "quit", "export a b.svg",
		"export \"#x\"",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct command original = parse_ok(lines[i]);
		char text[512];
		size_t len = command_format(&original, text, sizeof text);
		assert_true(len < sizeof text);
		struct command again = parse_ok(text);
		assert_same_meaning(&original, &again);
		command_release(&original);
		command_release(&again);
	}
}

static void test_format_is_snprintf_like(void **state)
{
	(void)state;
	struct command command = parse_ok("alloc 100 as buf");
	char small[6];
	memset(small, 'X', sizeof small);
	assert_int_equal(command_format(&command, small, sizeof small), 16);
	assert_string_equal(small, "alloc");
	assert_int_equal(command_format(&command, NULL, 0), 16);
	char one[1] = { 'X' };
	assert_int_equal(command_format(&command, one, 1), 16);
	assert_int_equal(one[0], '\0');
	command_release(&command);
}

/* --- ownership --- */

static void test_copy_is_deep_and_release_is_safe(void **state)
{
	(void)state;
	struct command original = parse_ok("write p \"a\\0b\"");
	struct command copy;
	assert_true(command_copy(&copy, &original));
	assert_ptr_not_equal(copy.data, original.data);
	command_release(&original);
	assert_int_equal(copy.data_len, 3);
	assert_memory_equal(copy.data, "a\0b", 3);
	command_release(&copy);

	original = parse_ok("note keep me");
	assert_true(command_copy(&copy, &original));
	assert_ptr_not_equal(copy.text, original.text);
	command_release(&original);
	assert_string_equal(copy.text, "keep me");
	command_release(&copy);
	command_release(&copy);   /* a released command is zeroed: releasing again is harmless */

	struct command zeroed;
	memset(&zeroed, 0, sizeof zeroed);
	command_release(&zeroed);
	assert_true(command_copy(&copy, &zeroed));
	assert_null(copy.data);
	assert_null(copy.text);
	command_release(&copy);
}

/* --- help and completion --- */

static void collect(const char *keyword, void *context)
{
	char *list = context;
	if (list[0] != '\0')
		strcat(list, " ");
	strcat(list, keyword);
}

static void test_complete_visits_matching_keywords(void **state)
{
	(void)state;
	char list[512];

	list[0] = '\0';
	command_complete("re", collect, list);
	assert_string_equal(list, "realloc redo reset");

	list[0] = '\0';
	command_complete("AL", collect, list);
	assert_string_equal(list, "align alloc");

	list[0] = '\0';
	command_complete("m", collect, list);
	assert_string_equal(list, "malloc");

	list[0] = '\0';
	command_complete("zz", collect, list);
	assert_string_equal(list, "");

	list[0] = '\0';
	command_complete("", collect, list);
	assert_string_equal(list, "align alloc malloc calloc check export fill free goto help note order policy quit "
				  "realloc redo reset sleep undo write");

	list[0] = '\0';
	command_complete_policy("b", collect, list);
	assert_string_equal(list, "best buddy");

	list[0] = '\0';
	command_complete_policy("", collect, list);
	assert_string_equal(list, "first next best worst buddy seglist tlsf");
}

static void test_every_command_has_usage_and_summary(void **state)
{
	(void)state;
	for (int kind = CMD_EMPTY + 1; kind < CMD_KIND_COUNT; kind++) {
		const char *keyword = command_keyword((enum command_kind)kind);
		const char *usage = command_usage((enum command_kind)kind);
		const char *summary = command_summary((enum command_kind)kind);
		assert_true(strlen(keyword) > 0);
		assert_true(strncmp(usage, keyword, strlen(keyword)) == 0);
		assert_true(strlen(summary) > 0 && strlen(summary) < 60);
		assert_null(strchr(usage, '\n'));
		assert_null(strchr(summary, '\n'));
		/* The keyword parses back to its kind, and help knows it. */
		char line[32];
		snprintf(line, sizeof line, "help %s", keyword);
		struct command command = parse_ok(line);
		assert_int_equal(command.help_topic, kind);
		command_release(&command);
	}
	assert_string_equal(command_keyword(CMD_EMPTY), "");
	assert_string_equal(command_usage(CMD_EMPTY), "");
	assert_string_equal(command_usage(CMD_ALLOC), "alloc SIZE [as NAME]");
	assert_string_equal(command_keyword(CMD_KIND_COUNT), "");
}

/* --- hostile input --- */

static void test_control_characters_are_escaped_in_messages(void **state)
{
	(void)state;
	expect_error("\x01zz", 1, "unknown command '\\x01zz'");
	expect_error("\x1b[2Jx", 1, "unknown command '\\x1b[2Jx'");
	expect_error("alloc \x7f", 7, "bad size '\\x7f': expected a number like 64, 0x40 or 4K");
	expect_error("all\xc3\xb6" "c 1", 1, "unknown command 'all\\xc3\\xb6c'");
	expect_error("write p \"\\\x01\"", 10, "unknown escape '\\\\x01'");
	expect_error("free p \x1b]0;pwned\x07", 8, "unexpected '\\x1b]0;pwned\\x07' after the command");
}

static void test_embedded_nul_is_just_a_byte(void **state)
{
	(void)state;
	expect_error_bytes("alloc 1\0 0", 10, 7, "bad size '1\\x00': expected a number like 64, 0x40 or 4K");
	expect_error_bytes("\0alloc", 6, 1, "unknown command '\\x00alloc'");
	expect_error_bytes("al\0loc 1", 8, 1, "unknown command 'al\\x00loc'");
	/* Bytes past len are never read: "alloc 12" cut to "alloc 1". */
	struct command command;
	struct command_error error;
	assert_true(command_parse("alloc 12", 7, &command, &error));
	assert_int_equal(command.size, 1);
	command_release(&command);
}

static void test_very_long_lines(void **state)
{
	(void)state;
	size_t len = 100 * 1024;
	char *line = malloc(len + 1);
	assert_non_null(line);
	struct command command;
	struct command_error error;

	memset(line, 'a', len);
	line[len] = '\0';
	assert_false(command_parse(line, len, &command, &error));
	assert_int_equal(error.column, 1);
	assert_message_is_clean(&error);
	assert_non_null(strstr(error.message, "unknown command 'aaaa"));
	assert_non_null(strstr(error.message, "...'"));

	memcpy(line, "note ", 5);
	assert_true(command_parse(line, len, &command, &error));
	assert_int_equal(strlen(command.text), len - 5);
	command_release(&command);

	memcpy(line, "write p \"", 9);
	line[len - 1] = '"';
	assert_true(command_parse(line, len, &command, &error));
	assert_int_equal(command.data_len, len - 10);
	command_release(&command);

	line[len - 1] = 'a';
	assert_false(command_parse(line, len, &command, &error));
	assert_string_equal(error.message, "unterminated string");
	assert_int_equal(error.column, 9);

	memcpy(line, "alloc ", 6);
	memset(line + 6, '9', len - 6);
	assert_false(command_parse(line, len, &command, &error));
	assert_string_equal(error.message, "size too large");

	memset(line, ' ', len);
	assert_true(command_parse(line, len, &command, &error));
	assert_int_equal(command.kind, CMD_EMPTY);
	memcpy(line + len - 5, "alloc", 5);
	assert_false(command_parse(line, len, &command, &error));
	assert_int_equal(error.column, len + 1);
	free(line);
}

/* Random bytes drawn from the language's own alphabet: nothing crashes, every message stays clean. */
static void test_random_lines_are_handled_safely(void **state)
{
	(void)state;
	static const char *const pieces[] = { "alloc", "a", "free", "write", "note", "policy", "b", " ", " ",
					      "\"", "\\", "\\x", "#", "0x", "9", "K", "as", "\0", "\x01",
					      "\xff", "\t", "p", "help", "re", "fill", "calloc" };
	uint32_t seed = 12345;
	char line[256];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		size_t parts = (seed >> 16) % 10;
		for (size_t i = 0; i < parts; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			size_t piece_len = piece[0] == '\0' ? 1 : strlen(piece);
			memcpy(line + len, piece, piece_len);
			len += piece_len;
		}
		struct command command;
		struct command_error error;
		if (command_parse(line, len, &command, &error)) {
			char text[1024];
			command_format(&command, text, sizeof text);
			command_release(&command);
		} else {
			assert_message_is_clean(&error);
			assert_true(error.column <= len + 1);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_and_its_aliases),
		cmocka_unit_test(test_free_by_name_and_by_address),
		cmocka_unit_test(test_realloc_and_calloc),
		cmocka_unit_test(test_write_and_fill),
		cmocka_unit_test(test_policy_names_are_keywords),
		cmocka_unit_test(test_reset_align_and_history),
		cmocka_unit_test(test_note_export_and_help),
		cmocka_unit_test(test_aliases_beat_prefixes),
		cmocka_unit_test(test_unique_prefixes_are_accepted),
		cmocka_unit_test(test_ambiguous_and_unknown_commands),
		cmocka_unit_test(test_missing_arguments_point_past_the_line),
		cmocka_unit_test(test_bad_arguments_point_at_their_token),
		cmocka_unit_test(test_sizes_decimal_hex_and_suffixes),
		cmocka_unit_test(test_size_overflow_is_too_large),
		cmocka_unit_test(test_write_decodes_escapes),
		cmocka_unit_test(test_string_errors_point_at_the_escape),
		cmocka_unit_test(test_blank_and_comment_lines_are_empty),
		cmocka_unit_test(test_identifiers_up_to_16_characters),
		cmocka_unit_test(test_format_writes_canonical_text),
		cmocka_unit_test(test_parse_of_format_gives_the_same_command),
		cmocka_unit_test(test_format_is_snprintf_like),
		cmocka_unit_test(test_copy_is_deep_and_release_is_safe),
		cmocka_unit_test(test_complete_visits_matching_keywords),
		cmocka_unit_test(test_every_command_has_usage_and_summary),
		cmocka_unit_test(test_control_characters_are_escaped_in_messages),
		cmocka_unit_test(test_embedded_nul_is_just_a_byte),
		cmocka_unit_test(test_very_long_lines),
		cmocka_unit_test(test_random_lines_are_handled_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
