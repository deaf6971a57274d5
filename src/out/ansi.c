/* ansi.c - encodes logical screens as xterm escape sequences (SGR colours, cursor moves, UTF-8). */
#include "ansi.h"

#include <string.h>

#include "theme.h"

struct sgr {
	int fg;
	int bg;
	uint8_t flags;
};

static struct sgr cell_sgr(const struct cell *cell, const struct ansi_style *style)
{
	struct sgr sgr = { -1, -1, cell->flags };
	if (style->color) {
		struct theme_colors colors = theme_colors(style->theme, (enum style_role)cell->role, cell->hue);
		sgr.fg = colors.fg;
		sgr.bg = colors.bg;
		sgr.flags |= colors.flags;
	} else {
		sgr.flags |= theme_mono_flags((enum style_role)cell->role);
	}
	return sgr;
}

static bool same_sgr(struct sgr a, struct sgr b)
{
	return a.fg == b.fg && a.bg == b.bg && a.flags == b.flags;
}

static void put_sgr(struct strbuf *out, struct sgr sgr)
{
	strbuf_puts(out, "\x1b[0");
	if (sgr.flags & CELL_BOLD)
		strbuf_puts(out, ";1");
	if (sgr.flags & CELL_UNDERLINE)
		strbuf_puts(out, ";4");
	if (sgr.flags & CELL_REVERSE)
		strbuf_puts(out, ";7");
	if (sgr.fg >= 0)
		strbuf_printf(out, ";38;5;%d", sgr.fg);
	if (sgr.bg >= 0)
		strbuf_printf(out, ";48;5;%d", sgr.bg);
	strbuf_putc(out, 'm');
}

/* UTF-8 of a code point; anything a terminal would act on was escaped by the screen already. */
static void put_char(struct strbuf *out, uint32_t ch)
{
	char bytes[4];
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) || ch > 0x10ffff || (ch >= 0xd800 && ch < 0xe000))
		ch = '?';
	strbuf_append(out, bytes, screen_encode_utf8(ch, bytes));
}

static bool row_changed(const struct screen *screen, const struct screen *previous, int row)
{
	if (!previous)
		return true;
	const struct cell *a = screen->cells + (size_t)row * (size_t)screen->width;
	const struct cell *b = previous->cells + (size_t)row * (size_t)screen->width;
	return memcmp(a, b, (size_t)screen->width * sizeof *a) != 0;
}

static void put_row(struct strbuf *out, const struct screen *screen, int row, const struct ansi_style *style)
{
	strbuf_printf(out, "\x1b[%d;1H", row + 1);
	bool first = true;
	struct sgr current = { -1, -1, 0 };
	for (int column = 0; column < screen->width; column++) {
		const struct cell *cell = screen_cell_const(screen, row, column);
		if (cell->ch == 0)
			continue; /* the right half of a wide character */
		struct sgr sgr = cell_sgr(cell, style);
		if (first || !same_sgr(sgr, current)) {
			put_sgr(out, sgr);
			current = sgr;
			first = false;
		}
		put_char(out, cell->ch);
	}
	strbuf_puts(out, "\x1b[0m");
}

void ansi_encode(struct strbuf *out, const struct screen *screen, const struct screen *previous,
		 const struct ansi_style *style, int cursor_row, int cursor_column)
{
	if (previous && (previous->width != screen->width || previous->height != screen->height))
		previous = NULL;
	if (!previous)
		strbuf_puts(out, "\x1b[?25l\x1b[0m\x1b[H\x1b[2J");
	else
		strbuf_puts(out, "\x1b[?25l");
	for (int row = 0; row < screen->height; row++)
		if (row_changed(screen, previous, row))
			put_row(out, screen, row, style);
	if (cursor_row >= 0 && cursor_row < screen->height && cursor_column >= 0 && cursor_column < screen->width)
		strbuf_printf(out, "\x1b[%d;%dH\x1b[?25h", cursor_row + 1, cursor_column + 1);
}
