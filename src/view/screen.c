/* screen.c - the logical screen: cells, clipped and escaped UTF-8 text, row export. */
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xfffdu
#define INVALID_BYTE 0xffffffffu

/* Inclusive code point ranges, searched linearly: the lists are short and frames are small. */
struct range {
	uint32_t first, last;
};

/*
 * Code points that draw nothing or change how their neighbours draw: a cell
 * grid cannot hold them honestly, and bidirectional overrides could disguise
 * text, so they are shown as escapes.
 */
static const struct range invisible[] = {
	{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a}, {0x061c, 0x061c},
	{0x064b, 0x065f}, {0x0e31, 0x0e31}, {0x0e34, 0x0e3a}, {0x0e47, 0x0e4e}, {0x1160, 0x11ff},
	{0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x2028, 0x202e}, {0x2060, 0x206f},
	{0x20d0, 0x20ff}, {0x3099, 0x309a}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff},
	{0xfff9, 0xfffb}, {0x1d167, 0x1d169}, {0x1d173, 0x1d182}, {0xe0000, 0xe0fff},
};

/* East Asian wide and emoji code points, which terminals draw two cells wide. */
static const struct range wide[] = {
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0},
	{0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f},
	{0x2693, 0x2693}, {0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5},
	{0x26ce, 0x26ce}, {0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
	{0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728},
	{0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27b0, 0x27b0}, {0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55},
	{0x2e80, 0x303e}, {0x3041, 0x3096}, {0x309b, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
	{0xa000, 0xa4cf}, {0xa960, 0xa97f}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe10, 0xfe19},
	{0xfe30, 0xfe6f}, {0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x16fe0, 0x16fe4}, {0x17000, 0x18cff},
	{0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e},
	{0x1f191, 0x1f19a}, {0x1f200, 0x1f251}, {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff},
	{0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f9ff}, {0x1fa70, 0x1faff}, {0x20000, 0x3fffd},
};

static bool in_ranges(const struct range *ranges, size_t count, uint32_t ch)
{
	for (size_t i = 0; i < count; i++)
		if (ch >= ranges[i].first && ch <= ranges[i].last)
			return true;
	return false;
}

static bool is_wide(uint32_t ch)
{
	return ch >= 0x1100 && in_ranges(wide, sizeof wide / sizeof wide[0], ch);
}

/* Code points that must never reach a terminal as they are. */
static bool needs_escape(uint32_t ch)
{
	if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
		return true;
	return ch >= 0x0300 && in_ranges(invisible, sizeof invisible / sizeof invisible[0], ch);
}

/* Decode one UTF-8 sequence strictly (no overlongs, surrogates or values past U+10FFFF). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *ch)
{
	unsigned char b = s[0];
	size_t need;
	uint32_t value, min;
	if (b < 0x80) {
		*ch = b;
		return 1;
	} else if (b >= 0xc2 && b <= 0xdf) {
		need = 2, value = b & 0x1fu, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 3, value = b & 0x0fu, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 4, value = b & 0x07u, min = 0x10000;
	} else {
		*ch = INVALID_BYTE;
		return 1;
	}
	if (len < need) {
		*ch = INVALID_BYTE;
		return 1;
	}
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*ch = INVALID_BYTE;
			return 1;
		}
		value = (value << 6) | (s[i] & 0x3fu);
	}
	if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
		*ch = INVALID_BYTE;
		return 1;
	}
	*ch = value;
	return need;
}

/* What one source character becomes on screen: one glyph (maybe wide) or an escape of several. */
struct unit {
	uint32_t ch[12];
	int count;      /* code points in ch */
	int width;      /* cells they take */
	size_t bytes;   /* source bytes consumed */
};

static void unit_ascii(struct unit *unit, const char *text)
{
	unit->count = 0;
	for (; *text && unit->count < (int)(sizeof unit->ch / sizeof unit->ch[0]); text++)
		unit->ch[unit->count++] = (unsigned char)*text;
	unit->width = unit->count;
}

static void next_unit(const unsigned char *s, size_t len, struct unit *unit)
{
	uint32_t ch;
	char escape[16];
	unit->bytes = decode(s, len, &ch);
	if (ch == INVALID_BYTE) {
		snprintf(escape, sizeof escape, "\\x%02x", s[0]);
		unit_ascii(unit, escape);
	} else if (ch == '\n') {
		unit_ascii(unit, "\\n");
	} else if (ch == '\r') {
		unit_ascii(unit, "\\r");
	} else if (ch == '\t') {
		unit_ascii(unit, "\\t");
	} else if (ch < 0x20 || ch == 0x7f) {
		snprintf(escape, sizeof escape, "\\x%02x", (unsigned)ch);
		unit_ascii(unit, escape);
	} else if (needs_escape(ch)) {
		if (ch <= 0xffff)
			snprintf(escape, sizeof escape, "\\u%04x", (unsigned)ch);
		else
			snprintf(escape, sizeof escape, "\\U%08lx", (unsigned long)ch);
		unit_ascii(unit, escape);
	} else {
		unit->ch[0] = ch;
		unit->count = 1;
		unit->width = is_wide(ch) ? 2 : 1;
	}
}

bool screen_resize(struct screen *screen, int width, int height)
{
	if (width < 0)
		width = 0;
	if (height < 0)
		height = 0;
	struct cell *cells = NULL;
	if (width > 0 && height > 0) {
		cells = calloc((size_t)width * (size_t)height, sizeof *cells);
		if (!cells)
			return false;
	}
	free(screen->cells);
	screen->cells = cells;
	screen->width = cells ? width : 0;
	screen->height = cells ? height : 0;
	screen_clear(screen, ROLE_TEXT);
	return true;
}

void screen_release(struct screen *screen)
{
	free(screen->cells);
	screen->cells = NULL;
	screen->width = 0;
	screen->height = 0;
	screen->cursor_row = -1;
	screen->cursor_column = -1;
}

void screen_clear(struct screen *screen, enum style_role role)
{
	size_t count = screen->cells ? (size_t)screen->width * (size_t)screen->height : 0;
	for (size_t i = 0; i < count; i++)
		screen->cells[i] = (struct cell){.ch = ' ', .role = (uint8_t)role};
	screen->cursor_row = -1;
	screen->cursor_column = -1;
}

struct cell *screen_cell(struct screen *screen, int row, int column)
{
	if (!screen->cells || row < 0 || column < 0 || row >= screen->height || column >= screen->width)
		return NULL;
	return &screen->cells[(size_t)row * (size_t)screen->width + (size_t)column];
}

const struct cell *screen_cell_const(const struct screen *screen, int row, int column)
{
	if (!screen->cells || row < 0 || column < 0 || row >= screen->height || column >= screen->width)
		return NULL;
	return &screen->cells[(size_t)row * (size_t)screen->width + (size_t)column];
}

/*
 * Overwrite one cell, first blanking the other half of any wide character it
 * cuts through, so a row never holds half a wide character.
 */
static void store(struct screen *screen, int row, int column, uint32_t ch, uint8_t role, uint8_t hue, uint8_t flags)
{
	struct cell *cell = screen_cell(screen, row, column);
	if (!cell)
		return;
	if (cell->ch == 0) {
		struct cell *left = screen_cell(screen, row, column - 1);
		if (left)
			left->ch = ' ';
	}
	struct cell *right = screen_cell(screen, row, column + 1);
	if (right && right->ch == 0)
		right->ch = ' ';
	*cell = (struct cell){.ch = ch, .role = role, .hue = hue, .flags = flags};
}

int screen_put_styled(struct screen *screen, int row, int column, int max_width, const char *text, size_t len,
		      enum style_role role, uint8_t hue, uint8_t flags)
{
	if (!text || max_width <= 0 || row < 0 || row >= screen->height)
		return 0;
	const unsigned char *s = (const unsigned char *)text;
	int used = 0;
	struct unit unit;
	for (size_t pos = 0; pos < len; pos += unit.bytes) {
		next_unit(s + pos, len - pos, &unit);
		if (used + unit.width > max_width || column + used + unit.width > screen->width)
			break;
		if (unit.width == 2 && unit.count == 1) {
			store(screen, row, column + used, unit.ch[0], (uint8_t)role, hue, flags);
			store(screen, row, column + used + 1, 0, (uint8_t)role, hue, flags);
		} else {
			for (int i = 0; i < unit.count; i++)
				store(screen, row, column + used + i, unit.ch[i], (uint8_t)role, hue, flags);
		}
		used += unit.width;
	}
	return used;
}

int screen_put(struct screen *screen, int row, int column, int max_width, const char *text, enum style_role role)
{
	if (!text)
		return 0;
	return screen_put_styled(screen, row, column, max_width, text, strlen(text), role, 0, 0);
}

void screen_put_char(struct screen *screen, int row, int column, uint32_t ch, enum style_role role, uint8_t hue, uint8_t flags)
{
	if (ch == 0 || ch > 0x10ffff || needs_escape(ch) || (ch >= 0xd800 && ch <= 0xdfff))
		ch = REPLACEMENT;
	if (is_wide(ch)) {
		if (!screen_cell(screen, row, column + 1)) {
			store(screen, row, column, ' ', (uint8_t)role, hue, flags);
			return;
		}
		store(screen, row, column, ch, (uint8_t)role, hue, flags);
		store(screen, row, column + 1, 0, (uint8_t)role, hue, flags);
		return;
	}
	store(screen, row, column, ch, (uint8_t)role, hue, flags);
}

void screen_fill(struct screen *screen, int row, int column, int width, int height, uint32_t ch, enum style_role role)
{
	if (is_wide(ch))
		ch = '?';
	for (int r = row < 0 ? 0 : row; r < row + height && r < screen->height; r++)
		for (int c = column < 0 ? 0 : column; c < column + width && c < screen->width; c++)
			screen_put_char(screen, r, c, ch, role, 0, 0);
}

size_t screen_text_width(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t width = 0;
	struct unit unit;
	for (size_t pos = 0; text && pos < len; pos += unit.bytes) {
		next_unit(s + pos, len - pos, &unit);
		width += (size_t)unit.width;
	}
	return width;
}

size_t screen_text_fit(const char *text, size_t len, int max_width, int *width)
{
	const unsigned char *s = (const unsigned char *)text;
	int used = 0;
	size_t pos = 0;
	struct unit unit;
	while (text && pos < len) {
		next_unit(s + pos, len - pos, &unit);
		if (used + unit.width > max_width)
			break;
		used += unit.width;
		pos += unit.bytes;
	}
	if (width)
		*width = used;
	return pos;
}

size_t screen_encode_utf8(uint32_t ch, char out[4])
{
	if (ch < 0x80) {
		out[0] = (char)ch;
		return 1;
	} else if (ch < 0x800) {
		out[0] = (char)(0xc0 | (ch >> 6));
		out[1] = (char)(0x80 | (ch & 0x3f));
		return 2;
	} else if (ch < 0x10000) {
		out[0] = (char)(0xe0 | (ch >> 12));
		out[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		out[2] = (char)(0x80 | (ch & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (ch >> 18));
	out[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
	out[3] = (char)(0x80 | (ch & 0x3f));
	return 4;
}

size_t screen_row_text(const struct screen *screen, int row, char *buffer, size_t size)
{
	size_t need = 0;
	bool full = false;
	if (buffer && size > 0)
		buffer[0] = '\0';
	for (int column = 0; row >= 0 && row < screen->height && column < screen->width; column++) {
		const struct cell *cell = screen_cell_const(screen, row, column);
		if (cell->ch == 0)
			continue;
		char bytes[4];
		size_t n = screen_encode_utf8(cell->ch, bytes);
		if (!full && buffer && need + n < size) {
			memcpy(buffer + need, bytes, n);
			buffer[need + n] = '\0';
		} else {
			full = true;
		}
		need += n;
	}
	return need;
}
