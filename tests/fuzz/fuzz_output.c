/* fuzz_output.c - libFuzzer: a session run on hostile lines, its JSON read by json-c, its SVG by libxml2, its text snapshot checked. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "fuzz_input.h"
#include "fuzz_json.h"
#include "fuzz_text.h"
#include "heap.h"
#include "json.h"
#include "screen.h"
#include "session.h"
#include "snapshot.h"
#include "strbuf.h"

/*
 * The first byte picks the heap (policy, 256 or 512 B: every block's bytes
 * are in each JSON line, so a small heap keeps the fuzzer fast; alignment);
 * the rest is split at '\n' into at most LINES_MAX lines (names,
 * notes, written bytes and anything else a line may hold), each run with
 * session_run_line. Then every output heapviz writes about the session must
 * be read back by a real parser:
 * - after each line, json_trace_line parses with json-c (strict, UTF-8
 *   validated, no raw control byte) to an object whose step, ok and error agree with
 *   the session and its report and whose "command" decodes to the line as
 *   written when that line is UTF-8; at the end json_state parses too. In
 *   both, "blocks" lists what heap_walk visits, in order, with each used
 *   block's name and its bytes as hex;
 * - the SVG snapshot (snapshot_compose + snapshot_svg) parses with libxml2
 *   without an error or warning, its root is an <svg> in the SVG namespace,
 *   no <rect> or <text> runs past its width, and each <text> holds exactly
 *   the cells of the row and columns it covers (characters XML cannot hold
 *   shown as '?'), none of them a control or invisible character;
 * - the text snapshot is UTF-8 without a control character other than the
 *   line breaks, one line per screen row, each the row with its trailing
 *   spaces cut.
 * `reset` to more than RESET_MAX bytes is skipped, as in fuzz_session. Any
 * violation aborts, so libFuzzer reports it with the input.
 *
 * Composing, writing and parsing the snapshots is two thirds of an input's
 * cost (callgrind: 3.6 of 5.4 million instructions), so they are checked for
 * one input in SNAPSHOT_EVERY, chosen by a hash of the input: the choice is
 * the same every time an input runs (libFuzzer needs that), inputs that reach
 * new snapshot code are still kept, and the JSON, which every line writes, is
 * still checked for every input.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RESET_MAX ((size_t)4 * 1024)
#define LINE_MAX_BYTES 256
#define LINES_MAX 8
#define SNAPSHOT_EVERY 8
/* The SVG grid snapshot.c draws: cells of 9.6 x 20 units, text baselines 5 units above a cell's bottom. */
#define CELL_WIDTH 9.6
#define CELL_HEIGHT 20

static void violation(const char *what, const char *detail, size_t len)
{
	fprintf(stderr, "fuzz_output: %s\n", what);
	if (detail != NULL) {
		fputs("  near: \"", stderr);
		for (size_t i = 0; i < len && i < 400; i++) {
			unsigned char c = (unsigned char)detail[i];
			fprintf(stderr, c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
		}
		fputs("\"\n", stderr);
	}
	abort();
}

static struct json_object *parse_json(const struct strbuf *out)
{
	char why[200];
	if (out->failed)
		violation("the JSON writer ran out of memory", NULL, 0);
	struct json_object *value = fuzz_json_parse(out->text, out->len, why, sizeof why);
	if (value == NULL) {
		fprintf(stderr, "%s\n", why);
		violation("JSON that does not parse", out->text, out->len);
	}
	if (!json_object_is_type(value, json_type_object))
		violation("JSON that is not an object", out->text, out->len);
	return value;
}

static bool is_size(struct json_object *value, size_t expected)
{
	return json_object_is_type(value, json_type_int) && json_object_get_int64(value) >= 0 &&
	       (size_t)json_object_get_int64(value) == expected;
}

static bool is_string(struct json_object *value)
{
	return json_object_is_type(value, json_type_string);
}

struct block_check {
	const struct session *session;
	struct json_object *blocks;
	size_t index;
};

static bool check_block(const struct heap_block *block, void *context)
{
	struct block_check *check = context;
	if (check->index >= json_object_array_length(check->blocks))
		violation("the JSON lists fewer blocks than the walker visits", NULL, 0);
	struct json_object *item = json_object_array_get_idx(check->blocks, check->index++);
	if (!is_size(fuzz_json_get(item, "offset"), block->offset) || !is_size(fuzz_json_get(item, "size"), block->size))
		violation("a JSON block is not the block the walker visits", NULL, 0);
	if (block->state != BLOCK_USED)
		return true;
	const char *name = session_name_at(check->session, block->payload);
	struct json_object *decoded = fuzz_json_get(item, "name"), *bytes = fuzz_json_get(item, "data");
	if (!fuzz_json_has(item, "name") ||
	    (name == NULL ? decoded != NULL : !is_string(decoded) || strcmp(json_object_get_string(decoded), name) != 0))
		violation("a JSON block's name is not the block's name", name, name ? strlen(name) : 0);
	if (!is_string(bytes) || (size_t)json_object_get_string_len(bytes) != 2 * block->requested)
		violation("a JSON block's data is not its requested bytes in hex", NULL, 0);
	const uint8_t *heap = heap_bytes(session_heap(check->session)) + block->payload;
	const char *hex = json_object_get_string(bytes);
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < block->requested; i++) {
		char pair[2] = { digits[heap[i] >> 4], digits[heap[i] & 15] };
		if (memcmp(hex + 2 * i, pair, 2) != 0)
			violation("a JSON block's data is not the heap's bytes", hex, 2 * block->requested);
	}
	return true;
}

static void check_state(struct json_object *state, const struct session *session)
{
	if (!is_size(fuzz_json_get(state, "step"), session_step(session)))
		violation("the JSON step is not the session's", NULL, 0);
	if (!json_object_is_type(fuzz_json_get(state, "stats"), json_type_object))
		violation("the JSON has no stats object", NULL, 0);
	struct block_check check = { session, fuzz_json_get(state, "blocks"), 0 };
	if (!json_object_is_type(check.blocks, json_type_array))
		violation("the JSON has no blocks array", NULL, 0);
	heap_walk(session_heap(session), check_block, &check);
	if (check.index != json_object_array_length(check.blocks))
		violation("the JSON lists more blocks than the walker visits", NULL, 0);
}

static bool is_utf8(const char *text, size_t len)
{
	uint32_t ch;
	for (size_t i = 0, n; i < len; i += n)
		if ((n = fuzz_utf8_next((const unsigned char *)text + i, len - i, &ch)) == 0)
			return false;
	return true;
}

static void check_trace_line(const struct session *session, const char *line, const struct session_report *report)
{
	struct strbuf out;
	strbuf_init(&out);
	json_trace_line(&out, session, line, report);
	struct json_object *trace = parse_json(&out);
	check_state(trace, session);
	struct json_object *ok = fuzz_json_get(trace, "ok"), *error = fuzz_json_get(trace, "error");
	struct json_object *command = fuzz_json_get(trace, "command");
	if (!json_object_is_type(ok, json_type_boolean) || json_object_get_boolean(ok) != report->ok)
		violation("the JSON ok is not the report's", line, strlen(line));
	if (!fuzz_json_has(trace, "error") || (report->ok ? error != NULL : !is_string(error)))
		violation("the JSON error is not the report's", line, strlen(line));
	if (!is_string(command))
		violation("the JSON command is not a string", line, strlen(line));
	if (is_utf8(line, strlen(line)) && strcmp(json_object_get_string(command), line) != 0)
		violation("the JSON command does not decode to the line as written", line, strlen(line));
	json_object_put(trace);
	strbuf_release(&out);
}

static void xml_error(void *context, xmlErrorPtr error)
{
	*(int *)context += 1;
	fprintf(stderr, "libxml2: line %d: %s", error->line, error->message ? error->message : "(no message)\n");
}

static double number_attribute(xmlNodePtr node, const char *name)
{
	xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
	if (value == NULL)
		violation("an SVG element without the attribute", name, strlen(name));
	char *end;
	double number = strtod((const char *)value, &end);
	bool ok = end != (char *)value && *end == '\0';
	xmlFree(value);
	if (!ok)
		violation("an SVG attribute that is not a number", name, strlen(name));
	return number;
}

/* The cells a <text> at (x, y) of length textLength shows, as snapshot_svg writes them (XML's forbidden characters as '?'). */
static void expected_text(struct strbuf *out, const struct screen *screen, double x, double y, double length)
{
	int row = (int)(y / CELL_HEIGHT), start = (int)(x / CELL_WIDTH + 0.5), end = (int)((x + length) / CELL_WIDTH + 0.5);
	if (row < 0 || row >= screen->height || start < 0 || end > screen->width || start >= end)
		violation("an SVG <text> outside the screen's cells", NULL, 0);
	for (int column = start; column < end; column++) {
		uint32_t ch = screen_cell_const(screen, row, column)->ch;
		char bytes[4];
		if (ch == 0)
			continue;
		if (ch == 0xfffe || ch == 0xffff)
			ch = '?';
		strbuf_append(out, bytes, screen_encode_utf8(ch, bytes));
	}
}

static void check_svg_element(xmlNodePtr node, const struct screen *screen, double width)
{
	const char *name = (const char *)node->name;
	if (strcmp(name, "title") == 0)
		return;
	if (strcmp(name, "rect") == 0) {
		xmlChar *x = xmlGetProp(node, (const xmlChar *)"x");
		if (x != NULL && number_attribute(node, "x") + number_attribute(node, "width") > width + 0.05)
			violation("an SVG <rect> runs past the right edge", NULL, 0);
		xmlFree(x);
		return;
	}
	if (strcmp(name, "text") != 0)
		violation("an SVG element that is not title, rect or text", name, strlen(name));
	double x = number_attribute(node, "x"), length = number_attribute(node, "textLength");
	if (x + length > width + 0.05)
		violation("an SVG <text> runs past the right edge", NULL, 0);
	xmlChar *content = xmlNodeGetContent(node);
	size_t len = content ? strlen((const char *)content) : 0;
	if (content == NULL || !fuzz_text_is_inert((const char *)content, len, ""))
		violation("an SVG <text> holds a control or invisible character", (const char *)content, len);
	struct strbuf expected;
	strbuf_init(&expected);
	expected_text(&expected, screen, x, number_attribute(node, "y"), length);
	if (strcmp(strbuf_text(&expected), (const char *)content) != 0) {
		fprintf(stderr, "  the screen's cells: \"%s\"\n", strbuf_text(&expected));
		violation("an SVG <text> is not the screen's text at its place", (const char *)content, len);
	}
	strbuf_release(&expected);
	xmlFree(content);
}

static void check_svg(const struct screen *screen)
{
	struct strbuf svg;
	strbuf_init(&svg);
	snapshot_svg(&svg, screen);
	int errors = 0;
	xmlSetStructuredErrorFunc(&errors, xml_error);
	xmlDocPtr doc = xmlReadMemory(svg.text, (int)svg.len, "snapshot.svg", NULL, XML_PARSE_NONET);
	if (doc == NULL || errors != 0)
		violation("an SVG snapshot that libxml2 does not read without an error", svg.text, svg.len);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "svg") != 0 || root->ns == NULL ||
	    strcmp((const char *)root->ns->href, "http://www.w3.org/2000/svg") != 0)
		violation("an SVG snapshot whose root is not an svg element", svg.text, svg.len);
	double width = number_attribute(root, "width");
	for (xmlNodePtr node = root->children; node != NULL; node = node->next)
		if (node->type == XML_ELEMENT_NODE)
			check_svg_element(node, screen, width);
	xmlFreeDoc(doc);
	strbuf_release(&svg);
}

static void check_text(const struct screen *screen)
{
	struct strbuf text;
	strbuf_init(&text);
	snapshot_text(&text, screen);
	if (!fuzz_text_is_inert(text.text, text.len, "\n"))
		violation("a text snapshot with a control or invisible character", text.text, text.len);
	const char *line = text.text;
	for (int row = 0; row < screen->height; row++) {
		size_t need = screen_row_text(screen, row, NULL, 0);
		char *expected = malloc(need + 1);
		if (expected == NULL)
			abort();
		screen_row_text(screen, row, expected, need + 1);
		while (need > 0 && expected[need - 1] == ' ')
			expected[--need] = '\0';
		const char *end = strchr(line, '\n');
		if (end == NULL || (size_t)(end - line) != need || memcmp(line, expected, need) != 0)
			violation("a text snapshot line is not its screen row", line, end ? (size_t)(end - line) : strlen(line));
		line = end + 1;
		free(expected);
	}
	if (*line != '\0')
		violation("a text snapshot with more lines than the screen has rows", line, strlen(line));
	strbuf_release(&text);
}

/* A reset too large for the fuzzer's pace. */
static bool too_slow(const char *line)
{
	struct command command;
	struct command_error error;
	if (!command_parse(line, strlen(line), &command, &error))
		return false;
	bool slow = command.kind == CMD_RESET && command.has_size && command.size > RESET_MAX;
	command_release(&command);
	return slow;
}

/* FNV-1a: which inputs also check the snapshots. */
static bool checks_snapshots(const uint8_t *data, size_t size)
{
	uint32_t hash = 2166136261u;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ data[i]) * 16777619u;
	return hash % SNAPSHOT_EVERY == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct heap_config config = fuzz_heap_config(data[0], 2);
	struct session *session = session_create(&config, NULL);
	if (session == NULL)
		abort();  /* every config above is allowed */
	char line[LINE_MAX_BYTES + 1];
	struct fuzz_lines lines = fuzz_lines_of(data, size, LINES_MAX);
	while (fuzz_next_line(&lines, line, LINE_MAX_BYTES)) {
		if (too_slow(line))
			continue;
		struct session_report report;
		session_run_line(session, line, &report);
		check_trace_line(session, line, &report);
		session_report_release(&report);
	}
	struct strbuf state;
	strbuf_init(&state);
	json_state(&state, session);
	struct json_object *parsed = parse_json(&state);
	check_state(parsed, session);
	json_object_put(parsed);
	strbuf_release(&state);

	if (checks_snapshots(data, size) || getenv("HEAPVIZ_FUZZ_ALL_SNAPSHOTS")) {
		struct screen screen = { 0 };
		if (!snapshot_compose(session, &screen))
			abort();
		check_svg(&screen);
		check_text(&screen);
		screen_release(&screen);
	}
	session_destroy(session);
	return 0;
}
