/* test_script.c - the script and trace loader: real malloc-lab traces, translations, positioned errors, .hv scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script.h"

/* --- helpers ----------------------------------------------------------------- */

static const char *traces_dir(void)
{
	const char *dir = getenv("HEAPVIZ_TRACES");

	return dir != NULL && dir[0] != '\0' ? dir : "tests/traces/malloclab";
}

static void parse_ok(const char *text, struct script *script)
{
	struct script_error error;

	if (!script_parse("t.rep", text, strlen(text), script, &error))
		fail_msg("unexpected error %zu:%zu: %s", error.line, error.column, error.message);
}

/* Parse text expecting failure at line:column with exactly this message; *out must come back empty. */
static void expect_error(const char *text, size_t len, size_t line, size_t column, const char *message)
{
	struct script script;
	struct script_error error;

	if (script_parse("t.rep", text, len, &script, &error)) {
		script_release(&script);
		fail_msg("expected an error at %zu:%zu (%s)", line, column, message);
	}
	assert_string_equal(error.message, message);
	assert_int_equal(error.line, line);
	assert_int_equal(error.column, column);
	assert_null(script.lines);
	assert_int_equal(script.count, 0);
	assert_null(script.warnings);
	assert_int_equal(script.warning_count, 0);
	script_release(&script);
}

static void expect_text_error(const char *text, size_t line, size_t column, const char *message)
{
	expect_error(text, strlen(text), line, column, message);
}

static void assert_alloc(const struct script_line *line, const char *name, size_t size, bool zero_is_null)
{
	assert_int_equal(line->command.kind, CMD_ALLOC);
	assert_true(line->command.has_name);
	assert_string_equal(line->command.name, name);
	assert_int_equal(line->command.size, size);
	assert_int_equal(line->command.zero_size_is_null, zero_is_null);
}

static void assert_targets(const struct script_line *line, enum command_kind kind, const char *name)
{
	assert_int_equal(line->command.kind, kind);
	assert_true(line->command.target.is_name);
	assert_string_equal(line->command.target.name, name);
}

/* --- the real traces ------------------------------------------------------------- */

struct expected_trace {
	const char *file;
	size_t commands;        /* the header's operations minus the `f -1` lines among them */
};

static const struct expected_trace expected_traces[] = {
	{ "alaska.rep", 100000 }, { "amptjp-bal.rep", 5694 }, { "amptjp.rep", 4805 },
	{ "bash.rep", 4154 }, { "binary-bal.rep", 6000 }, { "binary.rep", 4000 },
	{ "binary2-bal.rep", 7200 }, { "binary2.rep", 4800 }, { "boat.rep", 57716 },
	{ "cccp-bal.rep", 5848 }, { "cccp.rep", 5032 }, { "chrome.rep", 11982 },
	{ "coalesce-big.rep", 20000 }, { "coalescing-bal.rep", 14400 }, { "coalescing.rep", 14400 },
	{ "corners.rep", 14 }, { "cp-decl-bal.rep", 6648 }, { "cp-decl.rep", 5683 },
	{ "exhaust.rep", 200400 }, { "expr-bal.rep", 5380 }, { "expr.rep", 4537 },
	{ "firefox-reddit.rep", 99517 }, { "firefox-reddit2.rep", 99255 }, { "firefox.rep", 7992 },
	{ "freeciv.rep", 54510 }, { "fs.rep", 420 }, { "hostname.rep", 118 },
	{ "login.rep", 19401 }, { "lrucd.rep", 200 }, { "ls.1.rep", 155 },
	{ "ls.rep", 372 }, { "malloc-free.rep", 17 }, { "malloc.rep", 10 },
	{ "merry-go-round.rep", 20000 }, { "mutt.rep", 32783 }, { "needle.rep", 301350 },
	{ "nlydf.rep", 200 }, { "perl.1.rep", 1474 }, { "perl.2.rep", 1476 },
	{ "perl.3.rep", 1447 }, { "perl.rep", 1493 }, { "pulseaudio.rep", 6596 },
	{ "qyqyc.rep", 200 }, { "random-bal.rep", 4800 }, { "random.rep", 4800 },
	{ "random2-bal.rep", 4800 }, { "random2.rep", 4800 }, { "realloc-bal.rep", 14401 },
	{ "realloc.rep", 14401 }, { "realloc2-bal.rep", 14401 }, { "realloc2.rep", 14401 },
	{ "rm.1.rep", 143 }, { "rm.rep", 147 }, { "rulsr.rep", 200 },
	{ "seglist.rep", 6495 }, { "short1-bal.rep", 12 }, { "short1.rep", 12 },
	{ "short2-bal.rep", 12 }, { "short2.rep", 12 }, { "stty.rep", 124 },
	{ "tty.rep", 119 }, { "xterm.rep", 11913 },
};

#define TRACE_COUNT (sizeof expected_traces / sizeof expected_traces[0])

/* The traces with more operation lines than their header: warnings after the path prefix. */
struct expected_warnings {
	const char *file;
	const char *warnings[2];
};

static const struct expected_warnings traces_with_warnings[] = {
	{ "alaska.rep", { ":7:4: warning: 29923 operations without a size reuse the previous size, as the classic driver does",
	                  ":100005:1: warning: 1 line after the header's 100000 operations is ignored" } },
	{ "lrucd.rep", { ":205:1: warning: 1 line after the header's 200 operations is ignored", NULL } },
	{ "nlydf.rep", { ":205:1: warning: 1 line after the header's 200 operations is ignored", NULL } },
	{ "qyqyc.rep", { ":205:1: warning: 1 line after the header's 200 operations is ignored", NULL } },
	{ "rulsr.rep", { ":205:1: warning: 1 line after the header's 200 operations is ignored", NULL } },
};

static const struct expected_warnings *warnings_for(const char *file)
{
	size_t i;

	for (i = 0; i < sizeof traces_with_warnings / sizeof traces_with_warnings[0]; i++)
		if (strcmp(traces_with_warnings[i].file, file) == 0)
			return &traces_with_warnings[i];
	return NULL;
}

static void load_trace(const char *file, struct script *script)
{
	char path[4096];
	struct script_error error;

	snprintf(path, sizeof path, "%s/%s", traces_dir(), file);
	if (!script_load(path, script, &error))
		fail_msg("%s:%zu:%zu: %s", path, error.line, error.column, error.message);
}

static void every_malloclab_trace_loads_with_its_operation_count(void **state)
{
	size_t i, w;

	(void)state;
	for (i = 0; i < TRACE_COUNT; i++) {
		const struct expected_trace *expected = &expected_traces[i];
		const struct expected_warnings *warnings = warnings_for(expected->file);
		struct script script;
		char path[4096];

		load_trace(expected->file, &script);
		snprintf(path, sizeof path, "%s/%s", traces_dir(), expected->file);
		if (script.count != expected->commands)
			fail_msg("%s: %zu commands, expected %zu", expected->file, script.count, expected->commands);
		assert_int_equal(script.format, SCRIPT_REP);
		assert_int_equal(script.rep.numbers, 4);
		if (warnings == NULL) {
			if (script.warning_count != 0)
				fail_msg("%s: unexpected warning %s", expected->file, script.warnings[0]);
		} else {
			size_t want = warnings->warnings[1] != NULL ? 2 : 1;
			assert_int_equal(script.warning_count, want);
			for (w = 0; w < want; w++) {
				char full[4400];
				snprintf(full, sizeof full, "%s%s", path, warnings->warnings[w]);
				assert_string_equal(script.warnings[w], full);
			}
		}
		script_release(&script);
	}
}

/* The table above must cover the directory exactly, so a new trace cannot slip by untested. */
static void the_trace_directory_holds_exactly_the_known_traces(void **state)
{
	DIR *dir = opendir(traces_dir());
	struct dirent *entry;
	size_t found = 0;

	(void)state;
	assert_non_null(dir);
	while ((entry = readdir(dir)) != NULL) {
		size_t len = strlen(entry->d_name), i;
		bool known = false;
		if (len < 4 || strcmp(entry->d_name + len - 4, ".rep") != 0)
			continue;
		for (i = 0; i < TRACE_COUNT; i++)
			known = known || strcmp(expected_traces[i].file, entry->d_name) == 0;
		if (!known)
			fail_msg("trace %s is not in the expected table", entry->d_name);
		found++;
	}
	closedir(dir);
	assert_int_equal(found, 62);
	assert_int_equal(TRACE_COUNT, 62);
}

static void corners_trace_translates_realloc_variants_and_free_null(void **state)
{
	struct script script;

	(void)state;
	load_trace("corners.rep", &script);
	assert_int_equal(script.rep.num_ids, 11);
	assert_int_equal(script.rep.num_ops, 15);
	/* Line 5, `f -1`, gives no command: the first one is line 6. */
	assert_int_equal(script.lines[0].line, 6);
	assert_string_equal(script.lines[0].source, "a 1 1");
	assert_alloc(&script.lines[0], "id1", 1, false);
	/* Line 11, `r 6 10`: id 6 was never allocated, so realloc(NULL, 10) is malloc. */
	assert_int_equal(script.lines[5].line, 11);
	assert_alloc(&script.lines[5], "id6", 10, false);
	/* Line 13, `r 7 200`: a real realloc. */
	assert_int_equal(script.lines[7].line, 13);
	assert_targets(&script.lines[7], CMD_REALLOC, "id7");
	assert_int_equal(script.lines[7].command.size, 200);
	/* Line 19, `r 10 0`: realloc to zero frees. */
	assert_int_equal(script.lines[13].line, 19);
	assert_string_equal(script.lines[13].source, "r 10 0");
	assert_targets(&script.lines[13], CMD_FREE, "id10");
	script_release(&script);
}

/* The largest shipped trace loads whole (how fast is `make bench`'s business, not a unit test's). */
static void needle_trace_loads_whole(void **state)
{
	struct script script;

	(void)state;
	load_trace("needle.rep", &script);
	assert_int_equal(script.count, 301350);
	script_release(&script);
}

/* --- translations ------------------------------------------------------------------ */

static void alloc_realloc_free_become_named_commands_with_columns(void **state)
{
	struct script script;

	(void)state;
	parse_ok("0\n3\n3\n1\na 0 512\nr  0\t640\nf 0\n", &script);
	assert_int_equal(script.format, SCRIPT_REP);
	assert_int_equal(script.count, 3);
	assert_int_equal(script.rep.suggested_heap, 0);
	assert_int_equal(script.rep.weight, 1);

	assert_alloc(&script.lines[0], "id0", 512, false);
	assert_int_equal(script.lines[0].line, 5);
	assert_int_equal(script.lines[0].command.keyword_column, 1);
	assert_int_equal(script.lines[0].command.name_column, 3);
	assert_int_equal(script.lines[0].command.size_column, 5);

	assert_targets(&script.lines[1], CMD_REALLOC, "id0");
	assert_int_equal(script.lines[1].command.size, 640);
	assert_int_equal(script.lines[1].command.target.column, 4);
	assert_int_equal(script.lines[1].command.size_column, 6);
	assert_string_equal(script.lines[1].source, "r  0\t640");

	assert_targets(&script.lines[2], CMD_FREE, "id0");
	assert_int_equal(script.lines[2].command.target.column, 3);
	assert_int_equal(script.warning_count, 0);
	script_release(&script);
}

static void realloc_of_a_never_allocated_id_is_an_alloc(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n2\n2\n1\nr 1 64\nr 1 128\n", &script);
	assert_alloc(&script.lines[0], "id1", 64, false);
	assert_targets(&script.lines[1], CMD_REALLOC, "id1");
	script_release(&script);
}

static void realloc_after_free_is_an_alloc_again(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n3\na 0 8\nf 0\nr 0 16\n", &script);
	assert_alloc(&script.lines[2], "id0", 16, false);
	script_release(&script);
}

static void realloc_to_zero_of_a_live_id_is_a_free(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n1\n3\n1\na 0 8\nr 0 0\na 0 4\n", &script);
	assert_targets(&script.lines[1], CMD_FREE, "id0");
	assert_int_equal(script.lines[1].command.target.column, 3);
	/* The id is free again, so allocating it is no error. */
	assert_alloc(&script.lines[2], "id0", 4, false);
	script_release(&script);
}

static void realloc_to_zero_of_a_dead_id_is_malloc_zero(void **state)
{
	struct script script;

	(void)state;
	/* realloc(NULL, 0) is malloc(0): an alloc that may bind the name to NULL; freeing it later is fine. */
	parse_ok("1\n1\n2\n1\nr 0 0\nf 0\n", &script);
	assert_alloc(&script.lines[0], "id0", 0, true);
	assert_targets(&script.lines[1], CMD_FREE, "id0");
	script_release(&script);
}

static void free_null_gives_no_command_but_counts_as_an_operation(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n1\n3\n1\nf -1\na 0 8\nf -1\n", &script);
	assert_int_equal(script.count, 1);
	assert_int_equal(script.lines[0].line, 6);
	assert_int_equal(script.warning_count, 0);
	script_release(&script);
}

static void alloc_of_zero_bytes_may_be_null(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n1\n2\n1\na 0 0\nf 0\n", &script);
	assert_alloc(&script.lines[0], "id0", 0, true);
	assert_int_equal(script.lines[0].command.size_column, 5);
	script_release(&script);
}

static void crlf_line_endings_are_not_part_of_the_source(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\r\n2\r\n2\r\n1\r\na 1 24 \r\nf 1\r\n", &script);
	assert_int_equal(script.count, 2);
	assert_string_equal(script.lines[0].source, "a 1 24");
	assert_int_equal(script.lines[0].line, 5);
	assert_int_equal(script.lines[1].line, 6);
	assert_string_equal(script.lines[1].source, "f 1");
	script_release(&script);
}

static void two_number_header_is_ids_then_operations(void **state)
{
	struct script script;

	(void)state;
	parse_ok("3\n2\na 2 100\nf 2\n", &script);
	assert_int_equal(script.rep.numbers, 2);
	assert_int_equal(script.rep.num_ids, 3);
	assert_int_equal(script.rep.num_ops, 2);
	assert_int_equal(script.count, 2);
	script_release(&script);
}

static void missing_final_newline_blank_lines_and_tabs_are_fine(void **state)
{
	struct script script;

	(void)state;
	parse_ok("\n  \t\n1 2\t2 1\n\n\ta\t0\t10\t\n   \nf 0", &script);
	assert_int_equal(script.count, 2);
	assert_int_equal(script.lines[0].line, 5);
	assert_string_equal(script.lines[0].source, "a\t0\t10");
	assert_int_equal(script.lines[0].command.size_column, 6);
	assert_int_equal(script.lines[1].line, 7);
	assert_string_equal(script.lines[1].source, "f 0");
	script_release(&script);
}

static void lines_after_the_header_operations_are_ignored_with_a_warning(void **state)
{
	struct script script;

	(void)state;
	/* The extra lines are not even read: a malformed one and a double free pass. */
	parse_ok("1\n1\n2\n1\na 0 8\nf 0\n\nf 0\na 1 \nzzz\n", &script);
	assert_int_equal(script.count, 2);
	assert_int_equal(script.warning_count, 1);
	assert_string_equal(script.warnings[0], "t.rep:8:1: warning: 3 lines after the header's 2 operations are ignored");
	script_release(&script);
}

static void alloc_without_size_reuses_the_previous_size_like_the_classic_driver(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n4\n4\n1\na 0 16\na 1 \nr 0 40\na 2\n", &script);
	assert_alloc(&script.lines[1], "id1", 16, false);
	assert_int_equal(script.lines[1].command.size_column, 4);
	assert_alloc(&script.lines[3], "id2", 40, false);
	assert_int_equal(script.warning_count, 1);
	assert_string_equal(script.warnings[0],
	                    "t.rep:6:4: warning: 2 operations without a size reuse the previous size, as the classic driver does");
	script_release(&script);
}

static void an_empty_trace_is_a_script_with_no_commands(void **state)
{
	struct script script;

	(void)state;
	parse_ok("1\n0\n0\n1\n", &script);
	assert_int_equal(script.format, SCRIPT_REP);
	assert_int_equal(script.count, 0);
	script_release(&script);
}

/* --- malformed traces ------------------------------------------------------------------ */

static void bad_numbers_are_errors_at_the_token(void **state)
{
	(void)state;
	expect_text_error("1\n2\n1\n1\na 0 12x\n", 5, 5, "bad size '12x': expected a decimal number");
	expect_text_error("1\n2\n1\n1\na x 12\n", 5, 3, "bad id 'x': expected a decimal number");
	expect_text_error("1\n2\n1\n1\na -1 12\n", 5, 3, "bad id '-1': expected a decimal number");
	expect_text_error("1\n2\n1\n1\na 0 0x10\n", 5, 5, "bad size '0x10': expected a decimal number");
	expect_text_error("1\n2x\n1\n1\na 0 1\n", 2, 1, "bad header number '2x': expected a decimal number");
	expect_text_error("1\n-2\n1\n1\na 0 1\n", 2, 1, "bad header number '-2': expected a decimal number");
}

static void giant_numbers_are_errors_not_wraparounds(void **state)
{
	(void)state;
	expect_text_error("1\n2\n1\n1\na 0 99999999999999999999999\n", 5, 5, "size '99999999999999999999999' is too large");
	expect_text_error("1\n2\n1\n1\na 0 18446744073709551616\n", 5, 5, "size '18446744073709551616' is too large");
	expect_text_error("1\n2\n1\n1\nf 99999999999999999999999999999999\n", 5, 3,
	                  "id '999999999999999999999999...' is too large");
	expect_text_error("1\n99999999999999999999\n1\n1\n", 2, 1, "header number '99999999999999999999' is too large");
}

static void unknown_operation_letters_are_errors(void **state)
{
	(void)state;
	expect_text_error("1\n2\n2\n1\na 0 8\nx 0\n", 6, 1, "unknown operation 'x': expected a, r or f");
	expect_text_error("1\n2\n1\n1\n  alloc 0 8\n", 5, 3, "unknown operation 'alloc': expected a, r or f");
	expect_text_error("1\n2\n1\n1\nA 0 8\n", 5, 1, "unknown operation 'A': expected a, r or f");
}

static void missing_and_extra_fields_are_errors(void **state)
{
	(void)state;
	expect_text_error("1\n2\n1\n1\nf\n", 5, 2, "missing id after 'f'");
	expect_text_error("1\n2\n1\n1\na  \n", 5, 2, "missing id after 'a'");
	expect_text_error("1\n2\n1\n1\na 0\n", 5, 4, "missing size after the id");
	expect_text_error("1\n2\n1\n1\nr 1\r\n", 5, 4, "missing size after the id");
	expect_text_error("1\n2\n2\n1\na 0 8\nf 0 8\n", 6, 5, "unexpected '8' after the id");
	expect_text_error("1\n2\n1\n1\na 0 8 9\n", 5, 7, "unexpected '9' after the size");
	expect_text_error("1\n2\n1\n1\nf -1 x\n", 5, 6, "unexpected 'x' after the id");
}

static void ids_outside_the_header_range_are_errors(void **state)
{
	(void)state;
	expect_text_error("1\n2\n1\n1\na 2 8\n", 5, 3, "id 2 is outside the header's range [0, 2)");
	expect_text_error("1\n0\n1\n1\nf 0\n", 5, 3, "id 0 is outside the header's range [0, 0)");
	expect_text_error("1\n999999999999999\n1\n1\na 100000000000000 8\n", 5, 3,
	                  "id 100000000000000 is too large to name (at most 99999999999999)");
}

static void free_of_a_never_allocated_id_is_an_error(void **state)
{
	(void)state;
	expect_text_error("1\n5\n2\n1\na 0 8\nf  3\n", 6, 4, "free of id 3, which was never allocated");
}

static void double_free_in_the_trace_is_an_error(void **state)
{
	(void)state;
	expect_text_error("1\n5\n3\n1\na 3 8\nf 3\nf 3\n", 7, 3, "double free of id 3 (already freed at line 6)");
	/* A realloc to zero frees too. */
	expect_text_error("1\n5\n3\n1\na 3 8\nr 3 0\nf 3\n", 7, 3, "double free of id 3 (already freed at line 6)");
}

static void alloc_of_a_live_id_is_an_error(void **state)
{
	(void)state;
	expect_text_error("1\n5\n2\n1\na 4 8\n\na 4 16\n", 7, 3, "alloc of id 4, which is still live (since line 5)");
}

static void too_few_operations_is_an_error_at_the_end(void **state)
{
	(void)state;
	expect_text_error("1\n5\n3\n1\na 4 8\nf 4\n", 6, 4, "trace ends after 2 operations; the header says 3");
	expect_text_error("1\n5\n1\n1\n", 4, 2, "trace ends after 0 operations; the header says 1");
	expect_text_error("1\n5\n3\n1\na 4 8", 5, 6, "trace ends after 1 operation; the header says 3");
}

static void headers_with_the_wrong_count_are_errors(void **state)
{
	(void)state;
	expect_text_error("1\n5\n3\na 0 8\n", 4, 1, "the header has 3 numbers before the first operation; expected 4 (or 2)");
	expect_text_error("7\na 0 8\n", 2, 1, "the header has 1 number before the first operation; expected 4 (or 2)");
	expect_text_error("1\n5\n3\n1\n9\na 0 8\n", 5, 1, "a header has 4 numbers (or 2), not more");
	expect_text_error("1 5 3 1 9\na 0 8\n", 1, 9, "a header has 4 numbers (or 2), not more");
	expect_text_error("1 5 a 0 8\n", 1, 5, "unexpected 'a' in the header: an operation starts its own line");
	expect_text_error("1\n5\n3\n", 3, 2, "the trace ends inside its header after 3 numbers; expected 4 (or 2)");
}

/* --- hostile input ---------------------------------------------------------------------- */

static void embedded_nul_is_an_error_not_a_truncation(void **state)
{
	static const char trace[] = "1\n2\n1\n1\na 0\0 8\n";
	static const char script[] = "alloc 8 as a\nfree\0 a\n";

	(void)state;
	expect_error(trace, sizeof trace - 1, 5, 3, "bad id '0\\x00': expected a decimal number");
	expect_error(script, sizeof script - 1, 2, 5, "NUL byte in a script line");
}

static void huge_id_count_allocates_nothing_in_proportion(void **state)
{
	struct script script;

	(void)state;
	/* 10^14 ids claimed, two used: the loader's memory follows the file, not the header. */
	parse_ok("1\n100000000000000\n2\n1\na 99999999999999 8\nf 99999999999999\n", &script);
	assert_alloc(&script.lines[0], "id99999999999999", 8, false);
	script_release(&script);
	/* A header promising more operations than the file could hold fails cleanly at the end. */
	expect_text_error("1\n2\n18446744073709551615\n1\na 0 8\n", 5, 6,
	                  "trace ends after 1 operation; the header says 18446744073709551615");
}

static void very_long_lines_are_reported_with_a_short_quote(void **state)
{
	size_t pad = 1 << 20, len;
	char *text = malloc(pad + 64);

	(void)state;
	assert_non_null(text);
	len = (size_t)sprintf(text, "1\n2\n1\n1\na 0 ");
	memset(text + len, '7', pad);
	len += pad;
	text[len++] = 'x';
	text[len++] = '\n';
	expect_error(text, len, 5, 5, "bad size '777777777777777777777777...': expected a decimal number");
	free(text);
}

static void many_ids_reused_in_turn_stay_consistent(void **state)
{
	/* Exercise the id table's growth: 5000 ids allocated, then all freed, then allocated again. */
	size_t ids = 5000, i, len = 0, cap = ids * 3 * 24 + 64;
	char *text = malloc(cap);
	struct script script;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len, "1\n%zu\n%zu\n1\n", ids, ids * 3);
	for (i = 0; i < ids; i++)
		len += (size_t)snprintf(text + len, cap - len, "a %zu %zu\n", i, i + 1);
	for (i = 0; i < ids; i++)
		len += (size_t)snprintf(text + len, cap - len, "f %zu\n", ids - 1 - i);
	for (i = 0; i < ids; i++)
		len += (size_t)snprintf(text + len, cap - len, "r %zu 7\n", i);
	parse_ok(text, &script);
	assert_int_equal(script.count, ids * 3);
	assert_alloc(&script.lines[2 * ids + 4321], "id4321", 7, false);
	script_release(&script);
	free(text);
}

/* --- .hv scripts --------------------------------------------------------------------------- */

static void hv_script_keeps_line_numbers_and_sources_and_skips_comments(void **state)
{
	static const char text[] = "# a tour\r\n\n  alloc 100 as buf   # first\r\n\tfree buf\n";
	struct script script;
	struct script_error error;

	(void)state;
	assert_true(script_parse("tour.hv", text, sizeof text - 1, &script, &error));
	assert_int_equal(script.format, SCRIPT_HV);
	assert_int_equal(script.count, 2);
	assert_int_equal(script.lines[0].line, 3);
	assert_int_equal(script.lines[0].command.kind, CMD_ALLOC);
	assert_int_equal(script.lines[0].command.size, 100);
	assert_string_equal(script.lines[0].command.name, "buf");
	/* The source is the line as written: comment kept, only surrounding blanks trimmed. */
	assert_string_equal(script.lines[0].source, "alloc 100 as buf   # first");
	assert_int_equal(script.lines[1].line, 4);
	assert_int_equal(script.lines[1].command.kind, CMD_FREE);
	assert_string_equal(script.lines[1].source, "free buf");
	assert_int_equal(script.warning_count, 0);
	script_release(&script);
}

static void hv_parse_error_keeps_the_parser_position_and_message(void **state)
{
	static const char bad_line[] = "   frobnicate 12";
	struct command command;
	struct command_error parser_error;
	char text[128];

	(void)state;
	assert_false(command_parse(bad_line, strlen(bad_line), &command, &parser_error));
	assert_true(parser_error.column >= 4);
	snprintf(text, sizeof text, "alloc 8 as a\n# fine\n\n%s\nfree a\n", bad_line);
	expect_text_error(text, 4, parser_error.column, parser_error.message);
}

static void empty_and_comment_only_scripts_have_no_commands(void **state)
{
	struct script script;
	struct script_error error;

	(void)state;
	assert_true(script_parse("e.hv", "", 0, &script, &error));
	assert_int_equal(script.format, SCRIPT_HV);
	assert_int_equal(script.count, 0);
	script_release(&script);
	assert_true(script_parse("e.hv", NULL, 0, &script, &error));
	assert_int_equal(script.count, 0);
	script_release(&script);
	assert_true(script_parse("c.hv", "# only\n\n   \n", 12, &script, &error));
	assert_int_equal(script.count, 0);
	script_release(&script);
}

static void detection_goes_by_the_first_token(void **state)
{
	(void)state;
	assert_int_equal(script_detect("  \r\n\t20000\n", 11), SCRIPT_REP);
	assert_int_equal(script_detect("-1\n", 3), SCRIPT_REP);
	assert_int_equal(script_detect("alloc 8\n", 8), SCRIPT_HV);
	assert_int_equal(script_detect("# 1 2 3\n", 8), SCRIPT_HV);
	assert_int_equal(script_detect("-x", 2), SCRIPT_HV);
	assert_int_equal(script_detect("", 0), SCRIPT_HV);
}

/* --- files ------------------------------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "wb");

	assert_non_null(file);
	assert_int_equal(fwrite(text, 1, strlen(text), file), strlen(text));
	assert_int_equal(fclose(file), 0);
}

static void files_are_recognised_by_content_not_extension(void **state)
{
	char dir[] = "/tmp/heapviz-script-XXXXXX", hv_path[64], rep_path[64];
	struct script script;
	struct script_error error;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(hv_path, sizeof hv_path, "%s/x.rep", dir);
	snprintf(rep_path, sizeof rep_path, "%s/x.txt", dir);
	write_file(hv_path, "alloc 16 as a\nfree a\n");
	write_file(rep_path, "1\n1\n3\n1\na 0 8\nf 0\nf 0\n");

	assert_true(script_load(hv_path, &script, &error));
	assert_int_equal(script.format, SCRIPT_HV);
	assert_int_equal(script.count, 2);
	script_release(&script);

	/* The trace has a double free: its error proves it was read as a trace. */
	assert_false(script_load(rep_path, &script, &error));
	assert_int_equal(error.line, 7);
	assert_int_equal(error.column, 3);
	assert_string_equal(error.message, "double free of id 0 (already freed at line 6)");
	assert_int_equal(script.count, 0);
	script_release(&script);

	write_file(rep_path, "1\n1\n2\n1\na 0 8\nf 0\n");
	assert_true(script_load(rep_path, &script, &error));
	assert_int_equal(script.format, SCRIPT_REP);
	assert_int_equal(script.count, 2);
	script_release(&script);

	assert_int_equal(unlink(hv_path), 0);
	assert_int_equal(unlink(rep_path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void unreadable_files_are_errors_at_line_zero(void **state)
{
	struct script script;
	struct script_error error;

	(void)state;
	assert_false(script_load("/nonexistent/heapviz/none.rep", &script, &error));
	assert_int_equal(error.line, 0);
	assert_string_equal(error.message, "cannot read: No such file or directory");
	assert_int_equal(script.count, 0);
	script_release(&script);

	assert_false(script_load("/tmp", &script, &error));
	assert_int_equal(error.line, 0);
	assert_string_equal(error.message, "cannot read: Is a directory");
	script_release(&script);
}

static void release_is_safe_twice_and_on_an_empty_script(void **state)
{
	struct script script;

	(void)state;
	memset(&script, 0, sizeof script);
	script_release(&script);
	parse_ok("1\n1\n1\n1\na 0 1\n", &script);
	script_release(&script);
	script_release(&script);
	assert_null(script.lines);
	script_release(NULL);
}

/* SCRIPT_KEEP_GOING: a .hv line that does not parse stays in its place with its error; the rest parses. */
static void keep_going_keeps_bad_lines_in_place_with_their_errors(void **state)
{
	(void)state;
	static const char text[] = "alloc 10\nbogus 1\n# comment\nfree \"\nalloc 5 as ok\n";
	struct script script;
	struct script_error error;
	assert_false(script_parse("k.hv", text, sizeof text - 1, &script, &error));
	assert_int_equal(error.line, 2);
	assert_true(script_parse_with("k.hv", text, sizeof text - 1, SCRIPT_KEEP_GOING, &script, &error));
	assert_int_equal(script.count, 4);
	assert_null(script.lines[0].error);
	assert_non_null(script.lines[1].error);
	assert_int_equal(script.lines[1].line, 2);
	assert_int_equal(script.lines[1].error_column, 1);
	assert_non_null(strstr(script.lines[1].error, "unknown command 'bogus'"));
	assert_int_equal(script.lines[1].command.kind, CMD_EMPTY);
	assert_int_equal(script.lines[2].line, 4);
	assert_int_equal(script.lines[2].error_column, 6);
	assert_string_equal(script.lines[3].source, "alloc 5 as ok");
	assert_null(script.lines[3].error);
	assert_int_equal(script.lines[3].command.kind, CMD_ALLOC);
	script_release(&script);
}

/*
 * fuzz_script finding tests/fuzz/findings/script/bom-then-blank-then-header:
 * script_detect read a byte-order mark as the first word (a .hv script)
 * while script_parse skipped it and found a .rep header.
 */
static void detection_and_parsing_agree_after_a_byte_order_mark(void **state)
{
	static const char text[] = "\xef\xbb\xbf \t\n0\n1\n1\n1\na 0 8\n";
	struct script script;
	struct script_error error;

	(void)state;
	assert_int_equal(script_detect(text, sizeof text - 1), SCRIPT_REP);
	assert_true(script_parse("bom.rep", text, sizeof text - 1, &script, &error));
	assert_int_equal(script.format, SCRIPT_REP);
	assert_int_equal(script.count, 1);
	script_release(&script);
	assert_int_equal(script_detect("\xef\xbb\xbf" "alloc 8", 10), SCRIPT_HV);
}

static void a_byte_order_mark_is_skipped_and_columns_start_after_it(void **state)
{
	struct script script;

	(void)state;
	parse_ok("\xef\xbb\xbf" "alloc 8 as a\nfree a\n", &script);
	assert_int_equal(script.format, SCRIPT_HV);
	assert_int_equal(script.count, 2);
	assert_int_equal(script.lines[0].command.kind, CMD_ALLOC);
	assert_string_equal(script.lines[0].source, "alloc 8 as a");
	assert_int_equal(script.lines[0].command.keyword_column, 1);
	script_release(&script);
	/* A trace with a BOM is still recognised as a trace. */
	parse_ok("\xef\xbb\xbf" "1\n2\n1\n1\na 0 8\n", &script);
	assert_int_equal(script.format, SCRIPT_REP);
	assert_int_equal(script.count, 1);
	script_release(&script);
	/* Only at the start: later it is an error like any other stray byte. */
	expect_text_error("alloc 8\n\xef\xbb\xbf" "free p1\n", 2, 1, "unknown command '\\xef\\xbb\\xbffree'");
}

static void a_lone_carriage_return_is_not_a_line_break(void **state)
{
	struct script script;

	(void)state;
	/* 3 lines, not 4: the error is on line 2, at the CR's column. */
	expect_text_error("alloc 8\nalloc 2\rfree p1\nalloc 3\n", 2, 8,
			  "a carriage return (\\r) that does not end a line: lines end with \\n or \\r\\n");
	expect_text_error("1\n2\n1\n1\na 0 8\rf 0\n", 5, 6,
			  "a carriage return (\\r) that does not end a line: lines end with \\n or \\r\\n");
	/* CRLF keeps working, and the line numbers count LF. */
	parse_ok("alloc 8\r\n\r\nfree p1\r\n", &script);
	assert_int_equal(script.count, 2);
	assert_int_equal(script.lines[1].line, 3);
	assert_string_equal(script.lines[1].source, "free p1");
	script_release(&script);
	/* With --keep-going the line is kept in place with its error, and parsing goes on. */
	struct script_error error;
	static const char text[] = "alloc 8\nalloc 2\rx\nalloc 3\n";
	assert_true(script_parse_with("t.hv", text, strlen(text), SCRIPT_KEEP_GOING, &script, &error));
	assert_int_equal(script.count, 3);
	assert_non_null(script.lines[1].error);
	assert_int_equal(script.lines[1].error_column, 8);
	assert_int_equal(script.lines[2].command.kind, CMD_ALLOC);
	script_release(&script);
}

static void trace_errors_show_control_bytes_escaped(void **state)
{
	(void)state;
	expect_text_error("1\n2\n1\n1\nq\x1b[31m 1\n", 5, 1, "unknown operation 'q\\x1b[31m': expected a, r or f");
	expect_text_error("1\n2\n1\n1\na \x9b" "0 1\n", 5, 3, "bad id '\\x9b0': expected a decimal number");
}

static void many_blank_lines_are_counted_and_skipped(void **state)
{
	struct script script;
	size_t blank = 100000;
	char *text = malloc(blank + 32);

	(void)state;
	assert_non_null(text);
	memset(text, '\n', blank);
	strcpy(text + blank, "alloc 8\n \t\n");
	parse_ok(text, &script);
	assert_int_equal(script.count, 1);
	assert_int_equal(script.lines[0].line, blank + 1);
	script_release(&script);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_malloclab_trace_loads_with_its_operation_count),
		cmocka_unit_test(the_trace_directory_holds_exactly_the_known_traces),
		cmocka_unit_test(corners_trace_translates_realloc_variants_and_free_null),
		cmocka_unit_test(needle_trace_loads_whole),
		cmocka_unit_test(alloc_realloc_free_become_named_commands_with_columns),
		cmocka_unit_test(realloc_of_a_never_allocated_id_is_an_alloc),
		cmocka_unit_test(realloc_after_free_is_an_alloc_again),
		cmocka_unit_test(realloc_to_zero_of_a_live_id_is_a_free),
		cmocka_unit_test(realloc_to_zero_of_a_dead_id_is_malloc_zero),
		cmocka_unit_test(free_null_gives_no_command_but_counts_as_an_operation),
		cmocka_unit_test(alloc_of_zero_bytes_may_be_null),
		cmocka_unit_test(crlf_line_endings_are_not_part_of_the_source),
		cmocka_unit_test(two_number_header_is_ids_then_operations),
		cmocka_unit_test(missing_final_newline_blank_lines_and_tabs_are_fine),
		cmocka_unit_test(lines_after_the_header_operations_are_ignored_with_a_warning),
		cmocka_unit_test(alloc_without_size_reuses_the_previous_size_like_the_classic_driver),
		cmocka_unit_test(an_empty_trace_is_a_script_with_no_commands),
		cmocka_unit_test(bad_numbers_are_errors_at_the_token),
		cmocka_unit_test(giant_numbers_are_errors_not_wraparounds),
		cmocka_unit_test(unknown_operation_letters_are_errors),
		cmocka_unit_test(missing_and_extra_fields_are_errors),
		cmocka_unit_test(ids_outside_the_header_range_are_errors),
		cmocka_unit_test(free_of_a_never_allocated_id_is_an_error),
		cmocka_unit_test(double_free_in_the_trace_is_an_error),
		cmocka_unit_test(alloc_of_a_live_id_is_an_error),
		cmocka_unit_test(too_few_operations_is_an_error_at_the_end),
		cmocka_unit_test(headers_with_the_wrong_count_are_errors),
		cmocka_unit_test(embedded_nul_is_an_error_not_a_truncation),
		cmocka_unit_test(huge_id_count_allocates_nothing_in_proportion),
		cmocka_unit_test(very_long_lines_are_reported_with_a_short_quote),
		cmocka_unit_test(many_ids_reused_in_turn_stay_consistent),
		cmocka_unit_test(hv_script_keeps_line_numbers_and_sources_and_skips_comments),
		cmocka_unit_test(hv_parse_error_keeps_the_parser_position_and_message),
		cmocka_unit_test(empty_and_comment_only_scripts_have_no_commands),
		cmocka_unit_test(detection_goes_by_the_first_token),
		cmocka_unit_test(files_are_recognised_by_content_not_extension),
		cmocka_unit_test(unreadable_files_are_errors_at_line_zero),
		cmocka_unit_test(release_is_safe_twice_and_on_an_empty_script),
		cmocka_unit_test(keep_going_keeps_bad_lines_in_place_with_their_errors),
		cmocka_unit_test(a_byte_order_mark_is_skipped_and_columns_start_after_it),
		cmocka_unit_test(detection_and_parsing_agree_after_a_byte_order_mark),
		cmocka_unit_test(a_lone_carriage_return_is_not_a_line_break),
		cmocka_unit_test(trace_errors_show_control_bytes_escaped),
		cmocka_unit_test(many_blank_lines_are_counted_and_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
