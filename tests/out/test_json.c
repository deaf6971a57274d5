/* test_json.c - the JSON state and trace lines: exact text, blocks that tile the heap, escaping, field types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* --- a small JSON checker ------------------------------------------------------ */

/*
 * Enough of RFC 8259 to say whether text is one valid JSON value: the tests
 * must not trust the writer's own idea of validity.
 */
static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *check_value(const char *p, int depth);

static const char *check_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == '\0' || c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
				continue;
			}
			if (strchr("\"\\/bfnrt", *p) == NULL || *p == '\0')
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static const char *check_number(const char *p)
{
	const char *start = p;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p > start ? p : NULL;
}

static const char *check_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	p = skip_space(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool object = *p == '{';
		p = skip_space(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (object) {
				p = check_string(skip_space(p));
				if (p == NULL)
					return NULL;
				p = skip_space(p);
				if (*p++ != ':')
					return NULL;
			}
			p = check_value(p, depth + 1);
			if (p == NULL)
				return NULL;
			p = skip_space(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return check_string(p);
	if (strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	return check_number(p);
}

static void assert_valid_json(const char *text)
{
	const char *end = check_value(text, 0);

	if (end == NULL || *skip_space(end) != '\0')
		fail_msg("not one valid JSON value (trouble near offset %ld): %s",
			 end ? (long)(end - text) : -1L, text);
}

/* The text after `"key": ` at any depth (keys never occur inside escaped strings); fails if absent. */
static const char *field(const char *json, const char *key)
{
	char pattern[64];
	snprintf(pattern, sizeof pattern, "\"%s\": ", key);
	const char *at = strstr(json, pattern);
	if (at == NULL)
		fail_msg("no field \"%s\" in %s", key, json);
	return at + strlen(pattern);
}

static bool starts_with(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

static void assert_field_starts(const char *json, const char *key, const char *prefix)
{
	const char *value = field(json, key);
	if (!starts_with(value, prefix))
		fail_msg("field \"%s\" should start with %s but is %.80s", key, prefix, value);
}

static void assert_field_is_number(const char *json, const char *key)
{
	const char *value = field(json, key);
	if (check_number(value) == NULL)
		fail_msg("field \"%s\" should be a number: %.40s", key, value);
}

/* --- helpers --------------------------------------------------------------------- */

static struct session *new_session(enum heap_policy policy, size_t size, unsigned alignment)
{
	struct heap_config config = { size, policy, alignment, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);

	assert_non_null(session);
	return session;
}

static void run(struct session *session, const char *line, struct session_report *report, bool expect_ok)
{
	session_run_line(session, line, report);
	if (report->ok != expect_ok)
		fail_msg("'%s': ok = %d, expected %d (%s)", line, report->ok, expect_ok, report->error.message);
}

static void run_ok(struct session *session, const char *line)
{
	struct session_report report;
	run(session, line, &report, true);
	session_report_release(&report);
}

static char *state_text(const struct session *session)
{
	struct strbuf out;
	strbuf_init(&out);
	json_state(&out, session);
	assert_false(out.failed);
	return strbuf_take(&out);
}

static char *trace_text(const struct session *session, const char *source, const struct session_report *report)
{
	struct strbuf out;
	strbuf_init(&out);
	json_trace_line(&out, session, source, report);
	assert_false(out.failed);
	return strbuf_take(&out);
}

static char *escaped(const char *text, size_t len)
{
	struct strbuf out;
	strbuf_init(&out);
	json_string(&out, text, len);
	return strbuf_take(&out);
}

/* --- the state --------------------------------------------------------------------- */

static void state_of_a_small_heap_is_exactly_this_text(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);

	run_ok(session, "alloc 20 as p1");
	run_ok(session, "write p1 \"hello\"");
	char *json = state_text(session);
	/*
	 * By hand: the block needs 8 (header) + 20 + 4 (footer) = 32 bytes, a multiple of 8.
	 * It sits at 0, its payload at 8; the break is 32 and the wilderness 992 bytes.
	 * Data: "hello" then 15 zero bytes. Utilization 20/1024 = 0.01953125.
	 */
	const char *expected =
		"{\"step\": 2, \"policy\": \"first\", \"heap_size\": 1024, \"alignment\": 8, \"break\": 32, \"blocks\": [\n"
		"  {\"offset\": 0, \"size\": 32, \"state\": \"used\", \"payload\": 8, \"requested\": 20, \"name\": \"p1\", "
		"\"data\": \"68656c6c6f000000000000000000000000000000\"},\n"
		"  {\"offset\": 32, \"size\": 992, \"state\": \"wilderness\"}],\n"
		" \"stats\": {\"used_blocks\": 1, \"free_blocks\": 0, \"requested_bytes\": 20, \"used_bytes\": 32, "
		"\"overhead_bytes\": 12, \"free_bytes\": 992, \"largest_free\": 992, \"wilderness_bytes\": 992, "
		"\"external_fragmentation\": 0, \"utilization\": 0.0195312, \"peak_utilization\": 0.0195312, "
		"\"failed_allocs\": 0},\n"
		" \"free_lists\": {\"covers_all\": true, \"links\": null, \"bitmaps\": null, \"lists\": [\n"
		"  {\"kind\": \"address\", \"class\": 0, \"sub\": 0, \"min_size\": 0, \"max_size\": 0, \"walk\": []}]}}";
	assert_string_equal(json, expected);
	assert_valid_json(json);
	free(json);
	session_destroy(session);
}

/* "order" is in the state only for a LIFO or FIFO list, after "break" (and before next fit's "rover"). */
static void state_names_a_lifo_or_fifo_order(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_NEXT_FIT, 1024, 8);
	char *json = state_text(session);

	assert_null(strstr(json, "\"order\": "));
	free(json);
	run_ok(session, "order lifo");
	run_ok(session, "alloc 20 as p1");
	json = state_text(session);
	assert_valid_json(json);
	assert_field_starts(json, "order", "\"lifo\", \"rover\": ");
	assert_non_null(strstr(json, "\"break\": 32, \"order\": \"lifo\", "));
	free(json);
	run_ok(session, "order fifo");
	json = state_text(session);
	assert_field_starts(json, "order", "\"fifo\"");
	free(json);
	/* order is a step: undo brings back the LIFO heap with its block, redo the empty FIFO one. */
	run_ok(session, "undo");
	json = state_text(session);
	assert_field_starts(json, "order", "\"lifo\"");
	assert_non_null(strstr(json, "\"name\": \"p1\""));
	free(json);
	run_ok(session, "redo");
	json = state_text(session);
	assert_field_starts(json, "order", "\"fifo\"");
	assert_null(strstr(json, "\"name\": \"p1\""));
	free(json);
	/* policy keeps a fit policy's order, and goes back to address for buddy; order is refused there. */
	run_ok(session, "policy best");
	json = state_text(session);
	assert_field_starts(json, "order", "\"fifo\"");
	free(json);
	run_ok(session, "policy buddy");
	json = state_text(session);
	assert_null(strstr(json, "\"order\": "));
	free(json);
	struct session_report report;
	run(session, "order lifo", &report, false);
	assert_non_null(strstr(report.error.message, "first, next, best and worst fit only"));
	session_report_release(&report);
	run_ok(session, "policy next");
	/* Back to the default: the field goes again, so address-ordered output is what it always was. */
	run_ok(session, "order address");
	json = state_text(session);
	assert_null(strstr(json, "\"order\": "));
	free(json);
	/* A lane's state under --compare carries its order too (every lane has it). */
	session_destroy(session);
	struct heap_config config = { 1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_FIFO };
	const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_BEST_FIT };
	session = session_create_lanes(&config, policies, 2, NULL);
	assert_non_null(session);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(heap_order(session_heap(session_lane(session, i))), HEAP_ORDER_FIFO);
	session_destroy(session);
	/* The command while comparing: fit lanes take the order, a buddy lane stays in address order. */
	config.order = HEAP_ORDER_ADDRESS;
	const enum heap_policy mixed[] = { POLICY_NEXT_FIT, POLICY_BUDDY };
	session = session_create_lanes(&config, mixed, 2, NULL);
	assert_non_null(session);
	run_ok(session, "order lifo");
	assert_int_equal(heap_order(session_heap(session_lane(session, 0))), HEAP_ORDER_LIFO);
	assert_int_equal(heap_order(session_heap(session_lane(session, 1))), HEAP_ORDER_ADDRESS);
	session_destroy(session);
}

static void state_shows_free_blocks_unnamed_blocks_and_failures(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_BEST_FIT, 256, 8);
	struct session_report report;

	run_ok(session, "alloc 8 as a");      /* 8+8+4 = 20 -> 24 B at 0 */
	run_ok(session, "alloc 30");          /* 8+30+4 = 42 -> 48 B at 24, named p1 */
	run_ok(session, "alloc 1 as c");      /* 8+1+4 = 13 -> 16 B at 72 */
	run_ok(session, "fill c 0xAB");
	run_ok(session, "free p1");           /* 48 B free block at 24 */
	run(session, "alloc 300", &report, true);
	assert_int_equal(report.outcome.kind, OUTCOME_REFUSED);
	session_report_release(&report);
	char *json = state_text(session);
	assert_valid_json(json);
	assert_non_null(strstr(json, "{\"offset\": 24, \"size\": 48, \"state\": \"free\"}"));
	assert_non_null(strstr(json, "{\"offset\": 72, \"size\": 16, \"state\": \"used\", \"payload\": 80, "
				 "\"requested\": 1, \"name\": \"c\", \"data\": \"ab\"}"));
	assert_non_null(strstr(json, "{\"offset\": 88, \"size\": 168, \"state\": \"wilderness\"}"));
	assert_non_null(strstr(json, "\"step\": 6"));
	assert_non_null(strstr(json, "\"policy\": \"best\""));
	assert_non_null(strstr(json, "\"break\": 88"));
	assert_non_null(strstr(json, "\"failed_allocs\": 1}"));
	assert_non_null(strstr(json, "\"free_blocks\": 1,"));
	assert_non_null(strstr(json, "\"free_bytes\": 216,"));
	assert_non_null(strstr(json, "\"largest_free\": 168,"));
	/* 1 - 168/216 = 0.222222 */
	assert_non_null(strstr(json, "\"external_fragmentation\": 0.222222,"));
	free(json);

	/* Freeing the only block gives the space back: one wilderness block, and the peak remembers 4/128. */
	struct session *plain = new_session(POLICY_FIRST_FIT, 128, 8);
	run_ok(plain, "alloc 4 as a");
	run_ok(plain, "free a");
	json = state_text(plain);
	assert_string_equal(field(json, "blocks"), "[\n  {\"offset\": 0, \"size\": 128, \"state\": \"wilderness\"}],\n"
						   " \"stats\": {\"used_blocks\": 0, \"free_blocks\": 0, \"requested_bytes\": 0, "
						   "\"used_bytes\": 0, \"overhead_bytes\": 0, \"free_bytes\": 128, "
						   "\"largest_free\": 128, \"wilderness_bytes\": 128, \"external_fragmentation\": 0, "
						   "\"utilization\": 0, \"peak_utilization\": 0.03125, \"failed_allocs\": 0},\n"
						   " \"free_lists\": {\"covers_all\": true, \"links\": null, \"bitmaps\": null, \"lists\": [\n"
		"  {\"kind\": \"address\", \"class\": 0, \"sub\": 0, \"min_size\": 0, \"max_size\": 0, \"walk\": []}]}}");
	free(json);
	session_destroy(plain);
	session_destroy(session);
}

static void buddy_state_has_power_of_two_blocks(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_BUDDY, 256, 8);

	run_ok(session, "alloc 20 as a");  /* 8 + 20 = 28 -> 32 B block at 0 */
	run_ok(session, "alloc 50 as b");  /* 8 + 50 = 58 -> 64 B block at 64 */
	char *json = state_text(session);
	assert_valid_json(json);
	const char *expected_blocks =
		"[\n"
		"  {\"offset\": 0, \"size\": 32, \"state\": \"used\", \"payload\": 8, \"requested\": 20, \"name\": \"a\", "
		"\"data\": \"0000000000000000000000000000000000000000\"},\n"
		"  {\"offset\": 32, \"size\": 32, \"state\": \"free\"},\n"
		"  {\"offset\": 64, \"size\": 64, \"state\": \"used\", \"payload\": 72, \"requested\": 50, \"name\": \"b\", "
		"\"data\": \"";
	assert_true(starts_with(field(json, "blocks"), expected_blocks));
	assert_non_null(strstr(json, "{\"offset\": 128, \"size\": 128, \"state\": \"free\"}],"));
	assert_non_null(strstr(json, "\"policy\": \"buddy\""));
	assert_non_null(strstr(json, "\"break\": 256"));
	assert_null(strstr(json, "wilderness\"}"));
	free(json);
	session_destroy(session);
}

/* Walk the blocks array of a state: offsets contiguous from 0, sizes summing to heap_size, data well-formed. */
static void assert_blocks_tile(const char *json, size_t heap_size)
{
	const char *p = field(json, "blocks");
	size_t expected_offset = 0, blocks = 0;

	for (;;) {
		const char *at = strstr(p, "{\"offset\": ");
		const char *stats = strstr(p, "\"stats\": ");
		if (at == NULL || (stats != NULL && at > stats))
			break;
		size_t offset, size;
		char kind[16];
		if (sscanf(at, "{\"offset\": %zu, \"size\": %zu, \"state\": \"%15[a-z]\"", &offset, &size, kind) != 3)
			fail_msg("malformed block: %.100s", at);
		if (offset != expected_offset)
			fail_msg("block %zu starts at %zu, expected %zu", blocks, offset, expected_offset);
		if (size == 0)
			fail_msg("block %zu at %zu has size 0", blocks, offset);
		const char *end = strchr(at, '}');
		if (strcmp(kind, "used") == 0) {
			size_t payload, requested;
			const char *payload_at = strstr(at, "\"payload\": ");
			assert_true(payload_at != NULL && payload_at < end);
			assert_int_equal(sscanf(payload_at, "\"payload\": %zu, \"requested\": %zu", &payload, &requested), 2);
			assert_true(payload > offset && payload + requested <= offset + size);
			const char *data = strstr(at, "\"data\": \"");
			assert_true(data != NULL && data < end);
			data += strlen("\"data\": \"");
			size_t digits = strspn(data, "0123456789abcdef");
			if (digits != 2 * requested || data[digits] != '"')
				fail_msg("block at %zu: data has %zu lowercase hex digits for %zu bytes", offset, digits, requested);
		} else {
			assert_true(strcmp(kind, "free") == 0 || strcmp(kind, "wilderness") == 0);
			const char *payload_at = strstr(at, "\"payload\"");
			assert_true(payload_at == NULL || payload_at > end);
		}
		expected_offset = offset + size;
		blocks++;
		p = end;
	}
	if (expected_offset != heap_size)
		fail_msg("blocks end at %zu, heap is %zu bytes (%zu blocks)", expected_offset, heap_size, blocks);
}

static void blocks_tile_the_heap_in_every_policy(void **state)
{
	(void)state;
	const enum heap_policy policies[] = { POLICY_FIRST_FIT, POLICY_NEXT_FIT, POLICY_BEST_FIT, POLICY_WORST_FIT,
					      POLICY_BUDDY };
	const unsigned alignments[] = { 4, 8, 16 };
	uint64_t seed = 12345;

	for (size_t p = 0; p < 5; p++)
		for (size_t a = 0; a < 3; a++) {
			/* 1000 is not a multiple of 16: the unused tail must still be accounted for. */
			size_t size = policies[p] == POLICY_BUDDY ? 1024 : 1000;
			struct session *session = new_session(policies[p], size, alignments[a]);
			char line[64];
			for (size_t i = 0; i < 400; i++) {
				struct session_report report;
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				unsigned roll = (unsigned)(seed >> 33) % 10;
				size_t n = 1 + (size_t)(seed >> 40) % 90;
				size_t id = 1 + (size_t)(seed >> 20) % (i / 2 + 1);
				if (roll < 5)
					snprintf(line, sizeof line, "alloc %zu", n);
				else if (roll < 8)
					snprintf(line, sizeof line, "free p%zu", id);
				else if (roll < 9)
					snprintf(line, sizeof line, "realloc p%zu %zu", id, n * 2);
				else
					snprintf(line, sizeof line, "fill p%zu %zu", id, n);
				session_run_line(session, line, &report);
				session_report_release(&report);
				if (i % 20 == 0 || i == 399) {
					char *json = state_text(session);
					assert_valid_json(json);
					assert_blocks_tile(json, size);
					free(json);
				}
			}
			session_destroy(session);
		}
}

/* --- strings ------------------------------------------------------------------------ */

static void strings_escape_quotes_backslashes_and_control_characters(void **state)
{
	(void)state;
	char *json = escaped("say \"hi\" \\ o/", 13);
	assert_string_equal(json, "\"say \\\"hi\\\" \\\\ o/\"");
	free(json);
	json = escaped("a\nb\tc\rd\x01\x1f\x7f", 10);
	assert_string_equal(json, "\"a\\nb\\tc\\u000dd\\u0001\\u001f\\u007f\"");
	assert_valid_json(json);
	free(json);
	/* A NUL inside the given length is text too. */
	json = escaped("x\0y", 3);
	assert_string_equal(json, "\"x\\u0000y\"");
	free(json);
	json = escaped("", 0);
	assert_string_equal(json, "\"\"");
	free(json);
	/* Only len bytes count. */
	json = escaped("abcdef", 3);
	assert_string_equal(json, "\"abc\"");
	free(json);
}

static void strings_keep_utf8_and_replace_invalid_bytes(void **state)
{
	(void)state;
	struct {
		const char *bytes;
		const char *expected;
	} cases[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                        /* 2-byte */
		{ "\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"" },                  /* 3-byte euro sign */
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },              /* 4-byte emoji */
		{ "\xff", "\"\\ufffd\"" },                                   /* never valid */
		{ "a\x80z", "\"a\\ufffdz\"" },                               /* lone continuation */
		{ "\xc0\x80", "\"\\ufffd\\ufffd\"" },                        /* overlong NUL */
		{ "\xc1\xbf", "\"\\ufffd\\ufffd\"" },                        /* overlong */
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },             /* overlong 3-byte */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },             /* UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* beyond U+10FFFF */
		{ "\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },                        /* truncated at the end */
		{ "\xe2\x82x", "\"\\ufffd\\ufffdx\"" },                      /* truncated before ASCII */
		{ "\xc3", "\"\\ufffd\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *json = escaped(cases[i].bytes, strlen(cases[i].bytes));
		if (strcmp(json, cases[i].expected) != 0)
			fail_msg("case %zu: got %s, expected %s", i, json, cases[i].expected);
		assert_valid_json(json);
		free(json);
	}
}

static void every_byte_sequence_gives_valid_json(void **state)
{
	(void)state;
	uint64_t seed = 99;
	char bytes[24];

	for (size_t round = 0; round < 20000; round++) {
		size_t len = round % 24;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			bytes[i] = (char)(seed >> 56);
		}
		char *json = escaped(bytes, len);
		assert_valid_json(json);
		free(json);
	}
}

static void names_and_commands_are_escaped_in_the_output(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	const char *source = "write p1 \"a\\\"b\\n\"";

	run_ok(session, "alloc 8");
	run(session, source, &report, true);
	char *json = trace_text(session, source, &report);
	assert_valid_json(json);
	assert_field_starts(json, "command", "\"write p1 \\\"a\\\\\\\"b\\\\n\\\"\",");
	/* a, ", b, newline: 61 22 62 0a, then zeros. */
	assert_non_null(strstr(json, "\"data\": \"6122620a00000000\""));
	session_report_release(&report);
	free(json);
	session_destroy(session);
}

/* --- trace lines ------------------------------------------------------------------------- */

static void assert_state_fields(const char *json)
{
	assert_field_is_number(json, "step");
	assert_field_starts(json, "policy", "\"");
	assert_field_is_number(json, "heap_size");
	assert_field_is_number(json, "alignment");
	assert_field_is_number(json, "break");
	assert_field_starts(json, "blocks", "[");
	assert_field_starts(json, "stats", "{");
	const char *const stats[] = { "used_blocks", "free_blocks", "requested_bytes", "used_bytes", "overhead_bytes",
				      "free_bytes", "largest_free", "external_fragmentation", "utilization",
				      "peak_utilization", "failed_allocs" };
	for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++)
		assert_field_is_number(field(json, "stats"), stats[i]);
}

static void trace_lines_carry_command_outcome_and_explanation(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	char *json;

	/* Step 0: no command yet. */
	json = trace_text(session, NULL, NULL);
	assert_valid_json(json);
	assert_state_fields(json);
	assert_field_starts(json, "step", "0,");
	assert_field_starts(json, "command", "null,");
	assert_field_starts(json, "ok", "true,");
	assert_field_starts(json, "error", "null,");
	assert_field_starts(json, "result", "null,");
	assert_field_starts(json, "explain", "null}");
	free(json);

	/* An allocation that was placed. */
	run(session, "alloc 20 as p1", &report, true);
	json = trace_text(session, "alloc 20 as p1", &report);
	assert_valid_json(json);
	assert_state_fields(json);
	assert_field_starts(json, "step", "1,");
	assert_field_starts(json, "command", "\"alloc 20 as p1\",");
	assert_field_starts(json, "ok", "true,");
	assert_field_starts(json, "error", "null,");
	assert_field_starts(json, "result", "{\"payload\": 8, \"block\": 0, \"size\": 32},");
	assert_field_starts(json, "explain", "\"first fit: no free block below the break holds 32 B");
	session_report_release(&report);
	free(json);

	/* A refused request: a result, not an error. */
	run(session, "alloc 5000", &report, true);
	json = trace_text(session, "alloc 5000", &report);
	assert_valid_json(json);
	assert_field_starts(json, "step", "2,");
	assert_field_starts(json, "ok", "true,");
	assert_field_starts(json, "error", "null,");
	assert_field_starts(json, "result", "{\"failed\": \"request is larger than the whole heap\"},");
	assert_field_starts(json, "explain", "\"first fit: refused");
	assert_non_null(strstr(json, "\"failed_allocs\": 1}"));
	session_report_release(&report);
	free(json);

	/* A rejected command: the state is unchanged and the error is given. */
	run(session, "free nosuch", &report, false);
	json = trace_text(session, "free nosuch", &report);
	assert_valid_json(json);
	assert_state_fields(json);
	assert_field_starts(json, "step", "2,");
	assert_field_starts(json, "ok", "false,");
	assert_field_starts(json, "error", "\"no block is named 'nosuch'\",");
	assert_field_starts(json, "result", "null,");
	assert_field_starts(json, "explain", "null}");
	session_report_release(&report);
	free(json);

	/* A free: a step without a result. */
	run(session, "free p1", &report, true);
	json = trace_text(session, "free p1", &report);
	assert_valid_json(json);
	assert_field_starts(json, "result", "null,");
	assert_field_starts(json, "explain", "\"freed the 32 B block at 0x000");
	assert_field_starts(json, "break", "0,");
	session_report_release(&report);
	free(json);

	/* realloc and calloc results have the same shape as alloc's. */
	run(session, "calloc 3 4 as c", &report, true);
	json = trace_text(session, "calloc 3 4 as c", &report);
	assert_field_starts(json, "result", "{\"payload\": 8, \"block\": 0, \"size\": 24},");
	session_report_release(&report);
	free(json);
	run(session, "realloc c 40", &report, true);
	json = trace_text(session, "realloc c 40", &report);
	assert_valid_json(json);
	assert_field_starts(json, "result", "{\"payload\": 8, \"block\": 0, \"size\": 56},");
	session_report_release(&report);
	free(json);
	run(session, "realloc c 4000", &report, true);
	json = trace_text(session, "realloc c 4000", &report);
	assert_field_starts(json, "result", "{\"failed\": \"");
	session_report_release(&report);
	free(json);

	/* Non-step commands: no result; undo explains the step it lands on. */
	run(session, "check", &report, true);
	json = trace_text(session, "check", &report);
	assert_valid_json(json);
	assert_field_starts(json, "result", "null,");
	session_report_release(&report);
	free(json);
	run(session, "undo", &report, true);
	json = trace_text(session, "undo", &report);
	assert_valid_json(json);
	assert_field_starts(json, "step", "5,");
	assert_field_starts(json, "result", "null,");
	assert_field_starts(json, "explain", "\"realloc in place");
	session_report_release(&report);
	free(json);
	session_destroy(session);
}

static void terminal_acting_and_invisible_characters_are_escaped(void **state)
{
	(void)state;
	struct {
		const char *bytes;
		const char *expected;
	} cases[] = {
		{ "a\xc2\x9b" "31m", "\"a\\u009b31m\"" },      /* C1 CSI */
		{ "\xc2\x80\xc2\x9f", "\"\\u0080\\u009f\"" },  /* the ends of the C1 range */
		{ "\xc2\xa0", "\"\xc2\xa0\"" },                /* no-break space is printable: kept */
		{ "x\xe2\x80\xaey", "\"x\\u202ey\"" },          /* right-to-left override */
		{ "\xe2\x80\x8b", "\"\\u200b\"" },              /* zero-width space */
		{ "\xe2\x81\xa6", "\"\\u2066\"" },              /* left-to-right isolate */
		{ "\xef\xbb\xbf", "\"\\ufeff\"" },              /* BOM / zero-width no-break space */
		{ "\xe2\x80\xa8", "\"\\u2028\"" },              /* line separator */
		{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },         /* an ordinary character stays as it is */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *json = escaped(cases[i].bytes, strlen(cases[i].bytes));
		if (strcmp(json, cases[i].expected) != 0)
			fail_msg("case %zu: got %s, expected %s", i, json, cases[i].expected);
		assert_valid_json(json);
		free(json);
	}
}

static void invalid_bytes_in_a_command_stay_recoverable(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct session_report report;
	const char *source = "note \xff\xc2\x9b!";

	run(session, source, &report, true);
	char *json = trace_text(session, source, &report);
	assert_valid_json(json);
	assert_field_starts(json, "command", "\"note \\ufffd\\u009b!\"");
	assert_field_starts(json, "command_bytes", "\"6e6f746520ffc29b21\"");
	session_report_release(&report);
	free(json);
	/* Well-formed UTF-8 needs no second copy. */
	run(session, "note ok", &report, true);
	json = trace_text(session, "note ok", &report);
	assert_null(strstr(json, "command_bytes"));
	session_report_release(&report);
	free(json);
	session_destroy(session);
}

static char *changes_text(const struct session *session, const char *source, const struct session_report *report,
			  struct json_trace_memory *memory)
{
	struct strbuf out;
	strbuf_init(&out);
	assert_true(json_trace_changes_line(&out, session, source, report, memory));
	return strbuf_take(&out);
}

static void the_changes_form_lists_only_what_a_step_changed(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_FIRST_FIT, 1024, 8);
	struct json_trace_memory *memory = json_trace_memory_create();
	struct session_report report;
	assert_non_null(memory);

	/* The first line lists every block. */
	char *json = changes_text(session, NULL, NULL, memory);
	assert_valid_json(json);
	assert_null(strstr(json, "\"blocks\""));
	assert_field_starts(json, "changed", "[\n  {\"offset\": 0, \"size\": 1024, \"state\": \"wilderness\"}],");
	assert_field_starts(json, "removed", "[],");
	assert_non_null(strstr(json, "\"free_lists\": {"));
	free(json);

	run(session, "alloc 10 as a", &report, true);
	free(changes_text(session, "alloc 10 as a", &report, memory));
	session_report_release(&report);
	run(session, "alloc 10 as b", &report, true);
	json = changes_text(session, "alloc 10 as b", &report, memory);
	/* Only b and the wilderness it was cut from: a is untouched. */
	assert_field_starts(json, "changed", "[\n  {\"offset\": 24, \"size\": 24, \"state\": \"used\", \"payload\": 32, "
					      "\"requested\": 10, \"name\": \"b\", \"data\": \"00000000000000000000\"},\n"
					      "  {\"offset\": 48, \"size\": 976, \"state\": \"wilderness\"}],");
	assert_field_starts(json, "command", "\"alloc 10 as b\"");
	session_report_release(&report);
	free(json);

	/* Writing bytes changes the block's data: it is listed again, whole. */
	run(session, "write a \"hi\"", &report, true);
	json = changes_text(session, "write a \"hi\"", &report, memory);
	assert_field_starts(json, "changed", "[\n  {\"offset\": 0, \"size\": 24, \"state\": \"used\", \"payload\": 8, "
					      "\"requested\": 10, \"name\": \"a\", \"data\": \"68690000000000000000\"}],");
	/* Writing bytes leaves the free lists as they were: the field is left out. */
	assert_null(strstr(json, "\"free_lists\""));
	session_report_release(&report);
	free(json);

	/* A rejected command changes nothing. */
	run(session, "free nosuch", &report, false);
	json = changes_text(session, "free nosuch", &report, memory);
	assert_field_starts(json, "changed", "[],");
	assert_field_starts(json, "ok", "false");
	session_report_release(&report);
	free(json);

	/* Freeing b merges it into the wilderness: the block at 24 grows, the one at 48 is gone. */
	run(session, "free b", &report, true);
	json = changes_text(session, "free b", &report, memory);
	assert_field_starts(json, "changed", "[\n  {\"offset\": 24, \"size\": 1000, \"state\": \"wilderness\"}],");
	assert_field_starts(json, "removed", "[48],");
	assert_field_is_number(json, "step");
	session_report_release(&report);
	free(json);
	json_trace_memory_destroy(memory);
	session_destroy(session);
}

/* "free_lists": seglist's class list in its LIFO walk order, its link words, and tlsf's bitmaps. */
static void free_lists_follow_the_allocators_walk(void **state)
{
	(void)state;
	struct session *session = new_session(POLICY_SEGLIST, 1024, 8);

	/* 20 B take 32 B blocks at 0, 32, 64, 96; freeing a then c pushes each on the front of class 32-63 B. */
	run_ok(session, "alloc 20 as a");
	run_ok(session, "alloc 20 as b");
	run_ok(session, "alloc 20 as c");
	run_ok(session, "alloc 20 as d");
	run_ok(session, "free a");
	run_ok(session, "free c");
	char *json = state_text(session);
	assert_valid_json(json);
	assert_field_starts(json, "free_lists",
			    "{\"covers_all\": true, \"links\": {\"next\": 8, \"prev\": 12}, \"bitmaps\": null, \"lists\": [\n"
			    "  {\"kind\": \"class\", \"class\": 5, \"sub\": 0, \"min_size\": 32, \"max_size\": 63, "
			    "\"walk\": [{\"offset\": 64, \"size\": 32}, {\"offset\": 0, \"size\": 32}]}]}");
	free(json);
	session_destroy(session);

	/* tlsf: the pool is one 1024 B free block on list (10,0): bit 10 of the first level, bit 0 of its second. */
	session = new_session(POLICY_TLSF, 1024, 8);
	json = state_text(session);
	assert_valid_json(json);
	assert_non_null(strstr(json, "\"bitmaps\": {\"first_level\": 1024, \"second_level\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,"));
	assert_non_null(strstr(json, "{\"kind\": \"tlsf\", \"class\": 10, \"sub\": 0, \"min_size\": 1024, \"max_size\": 1087, "
				     "\"walk\": [{\"offset\": 0, \"size\": 1024}]}"));
	free(json);
	session_destroy(session);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_of_a_small_heap_is_exactly_this_text),
		cmocka_unit_test(state_shows_free_blocks_unnamed_blocks_and_failures),
		cmocka_unit_test(buddy_state_has_power_of_two_blocks),
		cmocka_unit_test(blocks_tile_the_heap_in_every_policy),
		cmocka_unit_test(strings_escape_quotes_backslashes_and_control_characters),
		cmocka_unit_test(strings_keep_utf8_and_replace_invalid_bytes),
		cmocka_unit_test(every_byte_sequence_gives_valid_json),
		cmocka_unit_test(names_and_commands_are_escaped_in_the_output),
		cmocka_unit_test(trace_lines_carry_command_outcome_and_explanation),
		cmocka_unit_test(terminal_acting_and_invisible_characters_are_escaped),
		cmocka_unit_test(invalid_bytes_in_a_command_stay_recoverable),
		cmocka_unit_test(the_changes_form_lists_only_what_a_step_changed),
		cmocka_unit_test(free_lists_follow_the_allocators_walk),
		cmocka_unit_test(state_names_a_lifo_or_fifo_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
