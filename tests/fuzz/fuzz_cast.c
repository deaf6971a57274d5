/* fuzz_cast.c - libFuzzer: hostile screens and titles through the ANSI encoder and the asciicast writer, the file read back and replayed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ansi.h"
#include "cast.h"
#include "fuzz_json.h"
#include "fuzz_text.h"
#include "screen.h"
#include "strbuf.h"

/*
 * The input drives the public screen API (screen_put_styled, screen_put,
 * screen_put_char, screen_fill, screen_clear, screen_resize) with any text,
 * code point, place and style, and now and then encodes a frame as --record
 * does (ansi_encode against the frame before, or after a size change an "r"
 * event and a whole frame) into an asciicast (cast_open with a hostile title,
 * cast_output, cast_resize).
 * The file is then read back and must be asciicast v2 that a player accepts:
 * - every line parses as JSON (json-c, strictly, UTF-8 validated, no raw
 *   control byte); the first is the header object (version 2, the width, height and
 *   timestamp given, a title, an env object), the others events [time, "o"
 *   or "r", string] with times that never go back, in the order written;
 * - the title decodes to text with no control or invisible format character
 *   (and to the title itself when that was plain text);
 * - an "o" event holds only the escape sequences the encoder means (cursor
 *   moves inside the screen, SGR, clear, cursor shown/hidden) and printable
 *   UTF-8: never a raw control byte, C1 code point, bidi override or
 *   zero-width character, whatever the cells were given;
 * - played through a minimal terminal (this file's), the events leave
 *   exactly each frame's characters on the screen, wide characters included.
 * Any violation aborts, so libFuzzer reports it with the input.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small screens and few frames: every input writes, reads back and replays its whole recording. */
#define MAX_WIDTH 40
#define MAX_HEIGHT 12
#define MAX_OPS 64
#define MAX_EVENTS 8
#define TIMESTAMP 1700000000LL

static void violation(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_cast: %s\n", what);
	if (detail != NULL) {
		fputs("  near: \"", stderr);
		for (const char *p = detail; *p && p - detail < 200; p++) {
			unsigned char c = (unsigned char)*p;
			fprintf(stderr, c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
		}
		fputs("\"\n", stderr);
	}
	abort();
}

struct input {
	const uint8_t *data;
	size_t size, pos;
};

static unsigned next(struct input *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

/* What was written, in order: a frame's cells ("o") or a new size ("r"). */
struct event {
	bool resize;
	int width, height;
	struct cell *cells;
};

struct run {
	struct screen screen, previous;
	struct ansi_style style;
	struct cast_writer *writer;
	int width, height;          /* the size of the last frame (at first, the header's) */
	double time;
	struct event events[MAX_EVENTS];
	size_t count;
};

/*
 * As --record does (src/tui/ui.c, record_frame): a frame of another size than the
 * last is an "r" event and then a whole frame; otherwise only what changed.
 */
static void emit_frame(struct run *run, int cursor_row, int cursor_column)
{
	bool resized = run->width != run->screen.width || run->height != run->screen.height;
	run->width = run->screen.width;
	run->height = run->screen.height;
	if (resized) {
		if (!cast_resize(run->writer, run->time, run->screen.width, run->screen.height))
			violation("writing a resize failed", NULL);
		run->events[run->count++] = (struct event){ true, run->screen.width, run->screen.height, NULL };
	}
	struct strbuf out;
	strbuf_init(&out);
	ansi_encode(&out, &run->screen, run->previous.cells && !resized ? &run->previous : NULL, &run->style, cursor_row,
		    cursor_column);
	if (out.failed || !cast_output(run->writer, run->time, out.text, out.len))
		violation("encoding or writing a frame failed", NULL);
	strbuf_release(&out);
	size_t cells = (size_t)run->screen.width * (size_t)run->screen.height;
	struct event *event = &run->events[run->count++];
	*event = (struct event){ false, run->screen.width, run->screen.height, malloc(cells * sizeof(struct cell)) };
	if (event->cells == NULL || !screen_resize(&run->previous, run->screen.width, run->screen.height))
		abort();
	memcpy(event->cells, run->screen.cells, cells * sizeof(struct cell));
	memcpy(run->previous.cells, run->screen.cells, cells * sizeof(struct cell));
}

static void put_text(struct run *run, struct input *in, bool styled)
{
	struct screen *s = &run->screen;
	int row = (int)(next(in) % (unsigned)(s->height + 1)), column = (int)(next(in) % (unsigned)(s->width + 1));
	int max_width = (int)(next(in) % (unsigned)(s->width + 2));
	enum style_role role = (enum style_role)(next(in) % ROLE_COUNT);
	uint8_t hue = (uint8_t)(next(in) % SCREEN_HUES), flags = (uint8_t)(next(in) & 7);
	size_t len = next(in) % 48;
	char text[48];
	for (size_t i = 0; i < len; i++)
		text[i] = (char)next(in);
	if (styled) {
		screen_put_styled(s, row, column, max_width, text, len, role, hue, flags);
	} else {
		text[len < sizeof text ? len : sizeof text - 1] = '\0';
		screen_put(s, row, column, max_width, text, role);
	}
}

static uint32_t next_code_point(struct input *in)
{
	uint32_t high = next(in), mid = next(in);
	return high << 16 | mid << 8 | next(in);
}

/* One operation on the screen or the recording; false when the recording is full. */
static bool run_op(struct run *run, struct input *in)
{
	struct screen *s = &run->screen;
	switch (next(in) % 8) {
	case 0: put_text(run, in, true); break;
	case 7: put_text(run, in, false); break;
	case 1: {
		int row = (int)(next(in) % (unsigned)(s->height + 1)), column = (int)(next(in) % (unsigned)(s->width + 1));
		uint32_t ch = next_code_point(in);
		enum style_role role = (enum style_role)(next(in) % ROLE_COUNT);
		uint8_t hue = (uint8_t)(next(in) % SCREEN_HUES);
		screen_put_char(s, row, column, ch, role, hue, (uint8_t)(next(in) & 7));
		break;
	}
	case 2: {
		int row = (int)(next(in) % (unsigned)s->height) - 1, column = (int)(next(in) % (unsigned)s->width) - 1;
		int width = (int)(next(in) % (unsigned)(s->width + 2)), height = (int)(next(in) % (unsigned)(s->height + 2));
		uint32_t ch = next_code_point(in);
		screen_fill(s, row, column, width, height, ch, (enum style_role)(next(in) % ROLE_COUNT));
		break;
	}
	case 3: screen_clear(s, (enum style_role)(next(in) % ROLE_COUNT)); break;
	case 4: {
		if (run->count + 2 > MAX_EVENTS)
			return false;
		int cursor_row = (int)(next(in) % (unsigned)(s->height + 2)) - 1;
		int cursor_column = (int)(next(in) % (unsigned)(s->width + 2)) - 1;
		run->time += next(in) / 16.0;
		emit_frame(run, cursor_row, cursor_column);
		break;
	}
	case 5: {
		int width = 1 + (int)(next(in) % MAX_WIDTH), height = 1 + (int)(next(in) % MAX_HEIGHT);
		if (!screen_resize(s, width, height))
			violation("resizing the screen failed", NULL);
		break;
	}
	default:
		run->style.theme = (enum theme_id)(next(in) % THEME_COUNT);
		run->style.color = next(in) & 1;
	}
	return true;
}

/* A minimal terminal: a grid of code points (0 = covered by the wide character to its left) and a cursor. */
struct terminal {
	int width, height, row, column;
	uint32_t grid[MAX_WIDTH * MAX_HEIGHT];
};

static void terminal_clear(struct terminal *t)
{
	for (int i = 0; i < t->width * t->height; i++)
		t->grid[i] = ' ';
}

/* One escape sequence at s (ESC [ ...); returns its length. */
static size_t terminal_escape(struct terminal *t, const char *s, size_t len)
{
	size_t i = 1;
	if (i >= len || s[i] != '[')
		violation("an escape that is not a CSI sequence", s);
	i++;
	bool private = i < len && s[i] == '?';
	i += private;
	size_t params = i;
	while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
		i++;
	if (i >= len)
		violation("an unfinished escape sequence", s);
	char final = s[i];
	size_t plen = i - params;
	const char *p = s + params;
	if (private && (final == 'l' || final == 'h') && plen == 2 && memcmp(p, "25", 2) == 0)
		return i + 1;
	if (!private && final == 'm')
		return i + 1;
	if (!private && final == 'J' && plen == 1 && p[0] == '2') {
		terminal_clear(t);
		return i + 1;
	}
	if (!private && final == 'H') {
		int row = 1, column = 1;
		if (plen > 0 && sscanf(p, "%d;%d", &row, &column) != 2)
			violation("a cursor move that is not ROW;COLUMN", s);
		if (row < 1 || row > t->height || column < 1 || column > t->width)
			violation("a cursor move outside the screen", s);
		t->row = row - 1;
		t->column = column - 1;
		return i + 1;
	}
	violation("an escape sequence the encoder does not mean", s);
	return len;
}

static void terminal_play(struct terminal *t, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			i += terminal_escape(t, s + i, len - i);
			continue;
		}
		uint32_t ch;
		size_t n = fuzz_utf8_next((const unsigned char *)s + i, len - i, &ch);
		if (n == 0)
			violation("bytes that are not UTF-8 in an output event", s + i);
		if (!fuzz_shown_as_is(ch))
			violation("a control or invisible character reached the recording", s + i);
		int width = (int)screen_text_width(s + i, n);
		if (t->row < t->height && t->column < t->width) {
			t->grid[t->row * t->width + t->column] = ch;
			if (width == 2 && t->column + 1 < t->width)
				t->grid[t->row * t->width + t->column + 1] = 0;
		}
		t->column += width;
		i += n;
	}
}

static bool is_int(struct json_object *value, long long expected)
{
	return json_object_is_type(value, json_type_int) && json_object_get_int64(value) == expected;
}

static void check_header(struct json_object *header, int width, int height, const char *title)
{
	struct json_object *decoded = fuzz_json_get(header, "title"), *env = fuzz_json_get(header, "env");
	if (!json_object_is_type(header, json_type_object) || !is_int(fuzz_json_get(header, "version"), 2))
		violation("the header is not an asciicast v2 object", NULL);
	if (!is_int(fuzz_json_get(header, "width"), width) || !is_int(fuzz_json_get(header, "height"), height))
		violation("the header's width or height is not the screen's", NULL);
	if (!is_int(fuzz_json_get(header, "timestamp"), TIMESTAMP) || !json_object_is_type(env, json_type_object))
		violation("the header's timestamp or env is wrong", NULL);
	if (!json_object_is_type(decoded, json_type_string))
		violation("the header has no title string", NULL);
	const char *text = json_object_get_string(decoded);
	size_t len = (size_t)json_object_get_string_len(decoded);
	if (!fuzz_text_has_no_control(text, len))
		violation("the title decodes to a control or invisible format character", title);
	if (fuzz_text_has_no_control(title, strlen(title)) && strchr(title, '\\') == NULL && strcmp(text, title) != 0)
		violation("a plain-text title did not decode to itself", title);
}

static void check_event(struct json_object *event, const struct event *expected, double *time, struct terminal *t)
{
	if (!json_object_is_type(event, json_type_array) || json_object_array_length(event) != 3)
		violation("an event that is not [time, code, data]", NULL);
	struct json_object *stamp = json_object_array_get_idx(event, 0), *kind = json_object_array_get_idx(event, 1);
	struct json_object *payload = json_object_array_get_idx(event, 2);
	if (!(json_object_is_type(stamp, json_type_double) || json_object_is_type(stamp, json_type_int)) ||
	    !json_object_is_type(kind, json_type_string) || !json_object_is_type(payload, json_type_string))
		violation("an event that is not [time, code, data]", NULL);
	double at = json_object_get_double(stamp);
	if (at + 1e-9 < *time)
		violation("an event's time goes back", NULL);
	*time = at;
	const char *code = json_object_get_string(kind);
	const char *text = json_object_get_string(payload);
	size_t len = (size_t)json_object_get_string_len(payload);
	if (expected->resize) {
		char size[32];
		snprintf(size, sizeof size, "%dx%d", expected->width, expected->height);
		if (strcmp(code, "r") != 0 || strcmp(text, size) != 0)
			violation("a resize event is not the resize written", text);
		/*
		 * A resize to the same size leaves the terminal as it was (the next
		 * frame is a diff); after a real change of size its content is
		 * anyone's guess, and the next frame redraws everything.
		 */
		if (t->width != expected->width || t->height != expected->height) {
			t->width = expected->width;
			t->height = expected->height;
			terminal_clear(t);
		}
		return;
	}
	if (strcmp(code, "o") != 0)
		violation("an output event is not an \"o\" event", code);
	if (t->width != expected->width || t->height != expected->height)
		violation("a frame of another size than the last resize", NULL);
	terminal_play(t, text, len);
	for (int i = 0; i < t->width * t->height; i++)
		if (t->grid[i] != expected->cells[i].ch) {
			fprintf(stderr, "row %d column %d: the terminal shows U+%04x, the screen holds U+%04x\n", i / t->width,
				i % t->width, (unsigned)t->grid[i], (unsigned)expected->cells[i].ch);
			violation("the recording played does not show the screen", text);
		}
}

static char *read_all(const char *path, size_t *len)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		violation("the recording cannot be read back", path);
	struct strbuf text;
	strbuf_init(&text);
	char chunk[4096];
	for (size_t got; (got = fread(chunk, 1, sizeof chunk, file)) > 0;)
		strbuf_append(&text, chunk, got);
	fclose(file);
	*len = text.len;
	return strbuf_take(&text);
}

static void check_file(const char *path, const struct run *run, int width, int height, const char *title)
{
	size_t len;
	char *text = read_all(path, &len);
	if (text == NULL || len == 0 || text[len - 1] != '\n')
		violation("the recording does not end with a whole line", NULL);
	struct terminal *t = calloc(1, sizeof *t);
	if (t == NULL)
		abort();
	*t = (struct terminal){ .width = width, .height = height };
	terminal_clear(t);
	double time = 0;
	size_t line = 0;
	for (char *start = text; start < text + len; line++) {
		char *end = memchr(start, '\n', (size_t)(text + len - start));
		char why[200];
		struct json_object *value = fuzz_json_parse(start, (size_t)(end - start), why, sizeof why);
		if (value == NULL) {
			fprintf(stderr, "line %zu: %s\n", line + 1, why);
			violation("a recording line that is not JSON", start);
		}
		if (line == 0)
			check_header(value, width, height, title);
		else if (line > run->count)
			violation("more events than were written", start);
		else
			check_event(value, &run->events[line - 1], &time, t);
		json_object_put(value);
		start = end + 1;
	}
	if (line != run->count + 1)
		violation("fewer events than were written", NULL);
	free(t);
	free(text);
}

static char recording[64];

static void remove_recording(void)
{
	unlink(recording);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (recording[0] == '\0') {
		/* In memory (tmpfs) where there is one: the file is written and read back for every input. */
		snprintf(recording, sizeof recording, "%s/heapviz-fuzz-cast-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		int fd = mkstemp(recording);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_recording);
	}
	struct input in = { data, size, 0 };
	int width = 1 + (int)(next(&in) % MAX_WIDTH), height = 1 + (int)(next(&in) % MAX_HEIGHT);
	char title[64];
	size_t title_len = next(&in) % sizeof title;
	for (size_t i = 0; i < title_len; i++)
		title[i] = (char)next(&in);
	title[title_len] = '\0';

	struct run *run = calloc(1, sizeof *run);
	char error[200];
	if (run == NULL || !screen_resize(&run->screen, width, height))
		abort();
	run->style = (struct ansi_style){ THEME_DEFAULT, true };
	run->width = width;
	run->height = height;
	run->writer = cast_open(recording, width, height, TIMESTAMP, title, error, sizeof error);
	if (run->writer == NULL)
		violation("cast_open failed", error);
	for (int op = 0; op < MAX_OPS && in.pos < in.size; op++)
		if (!run_op(run, &in))
			break;
	if (run->count + 2 <= MAX_EVENTS)
		emit_frame(run, -1, -1);
	char reason[256];
	if (!cast_close(run->writer, reason, sizeof reason))
		violation("cast_close failed", reason);
	check_file(recording, run, width, height, title);
	for (size_t i = 0; i < run->count; i++)
		free(run->events[i].cells);
	screen_release(&run->screen);
	screen_release(&run->previous);
	free(run);
	return 0;
}
