/* snapshot.c - SVG and text snapshots drawn from the same logical screen as the terminal. */
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "view.h"

/* A page-sized screen: wide enough for the grid beside the panel at the classic 2 B a cell. */
#define SNAPSHOT_WIDTH 100
#define SNAPSHOT_HEIGHT 30
#define CELL_WIDTH 9.6
#define CELL_HEIGHT 20
#define FONT_SIZE 16

bool snapshot_compose(const struct session *session, struct screen *full)
{
	struct screen screen = { 0 };
	if (!screen_resize(&screen, SNAPSHOT_WIDTH, SNAPSHOT_HEIGHT))
		return false;
	struct view_state state;
	memset(&state, 0, sizeof state);
	state.focus = FOCUS_BAR;
	state.message_role = ROLE_TEXT;
	view_render_lane(&screen, session, &state);   /* the lane this handle reads: one heap, even when comparing */
	/* Keep the title, grid, legend and panel; the status line, command bar and key hints are for the terminal. */
	struct view_layout layout;
	view_layout(SNAPSHOT_WIDTH, SNAPSHOT_HEIGHT, &layout);
	int rows = layout.message_row;
	if (!screen_resize(full, SNAPSHOT_WIDTH, rows)) {
		screen_release(&screen);
		return false;
	}
	memcpy(full->cells, screen.cells, (size_t)SNAPSHOT_WIDTH * (size_t)rows * sizeof *screen.cells);
	screen_release(&screen);
	return true;
}

static void put_utf8(struct strbuf *out, uint32_t ch)
{
	char bytes[4];
	strbuf_append(out, bytes, screen_encode_utf8(ch, bytes));
}

/* A code point as XML character data (the screen already escaped control characters). */
static void put_xml_char(struct strbuf *out, uint32_t ch)
{
	switch (ch) {
	case '&': strbuf_puts(out, "&amp;"); break;
	case '<': strbuf_puts(out, "&lt;"); break;
	case '>': strbuf_puts(out, "&gt;"); break;
	default:
		if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || (ch >= 0xd800 && ch < 0xe000) || ch > 0x10ffff ||
		    ch == 0xfffe || ch == 0xffff)
			ch = '?';
		put_utf8(out, ch);
	}
}

struct svg_style {
	uint32_t fg;
	int bg;              /* -1: the page */
	uint8_t flags;
};

static struct svg_style svg_style_of(const struct cell *cell)
{
	struct theme_colors colors = theme_colors(THEME_LIGHT, (enum style_role)cell->role, cell->hue);
	uint8_t flags = cell->flags | colors.flags;
	int fg = colors.fg, bg = colors.bg;
	if (flags & CELL_REVERSE) {
		int swap = fg;
		fg = bg < 0 ? 15 : bg;
		bg = swap < 0 ? 0 : swap;
	}
	struct svg_style style = { fg < 0 ? 0x000000 : theme_rgb(fg), bg, flags };
	return style;
}

static bool same_style(struct svg_style a, struct svg_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.flags == b.flags;
}

static void svg_run(struct strbuf *out, const struct screen *screen, int row, int start, int end, struct svg_style style)
{
	double x = start * CELL_WIDTH, y = row * CELL_HEIGHT;
	if (style.bg >= 0)
		strbuf_printf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#%06x\"/>\n", x, (int)y,
			      (end - start) * CELL_WIDTH, CELL_HEIGHT, (unsigned)theme_rgb(style.bg));
	bool blank = true;
	for (int column = start; column < end; column++) {
		uint32_t ch = screen_cell_const(screen, row, column)->ch;
		if (ch != ' ' && ch != 0)
			blank = false;
	}
	if (blank)
		return;
	strbuf_printf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#%06x\"%s%s textLength=\"%.1f\">", x,
		      (int)y + CELL_HEIGHT - 5, (unsigned)style.fg,
		      style.flags & CELL_BOLD ? " font-weight=\"bold\"" : "",
		      style.flags & CELL_UNDERLINE ? " text-decoration=\"underline\"" : "",
		      (end - start) * CELL_WIDTH);
	for (int column = start; column < end; column++) {
		uint32_t ch = screen_cell_const(screen, row, column)->ch;
		if (ch == 0)
			continue; /* the right half of a wide character */
		put_xml_char(out, ch);
	}
	strbuf_puts(out, "</text>\n");
}

void snapshot_svg(struct strbuf *out, const struct screen *screen)
{
	double width = screen->width * CELL_WIDTH;
	int height = screen->height * CELL_HEIGHT;
	strbuf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%d\" viewBox=\"0 0 %.1f %d\" "
		      "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"%d\" xml:space=\"preserve\">\n"
		      "<title>heapviz snapshot</title>\n"
		      "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
		      width, height, width, height, FONT_SIZE);
	for (int row = 0; row < screen->height; row++) {
		int start = 0;
		struct svg_style style = svg_style_of(screen_cell_const(screen, row, 0));
		for (int column = 1; column <= screen->width; column++) {
			struct svg_style next = column < screen->width ? svg_style_of(screen_cell_const(screen, row, column)) : style;
			if (column == screen->width || !same_style(next, style)) {
				svg_run(out, screen, row, start, column, style);
				start = column;
				style = next;
			}
		}
	}
	strbuf_puts(out, "</svg>\n");
}

void snapshot_text(struct strbuf *out, const struct screen *screen)
{
	for (int row = 0; row < screen->height; row++) {
		size_t mark = out->len, keep = out->len;
		for (int column = 0; column < screen->width; column++) {
			uint32_t ch = screen_cell_const(screen, row, column)->ch;
			if (ch == 0)
				continue;
			put_utf8(out, ch);
			if (ch != ' ')
				keep = out->len;
		}
		/* Trailing spaces go: a text file for handouts, not a terminal image. */
		if (!out->failed && keep >= mark) {
			out->len = keep;
			out->text[keep] = '\0';
		}
		strbuf_putc(out, '\n');
	}
}

enum outfile_status snapshot_write(const struct session *session, const char *path, const struct outfile_rules *rules,
				   char *error, size_t error_size)
{
	enum export_format format;
	if (!export_format_of(path, &format)) {
		snprintf(error, error_size, "a snapshot is a .svg or a .txt file");
		return OUTFILE_REFUSED;
	}
	/* Refused before composing: a script's forbidden write costs nothing and says why at once. */
	enum outfile_status status = outfile_check(path, rules, error, error_size);
	if (status != OUTFILE_OK)
		return status;
	struct screen screen = { 0 };
	if (!snapshot_compose(session, &screen)) {
		snprintf(error, error_size, "out of memory");
		return OUTFILE_FAILED;
	}
	struct strbuf out;
	strbuf_init(&out);
	if (format == EXPORT_SVG)
		snapshot_svg(&out, &screen);
	else
		snapshot_text(&out, &screen);
	screen_release(&screen);
	if (out.failed) {
		snprintf(error, error_size, "out of memory");
		status = OUTFILE_FAILED;
	} else {
		status = outfile_write(path, rules, out.text, out.len, error, error_size);
	}
	strbuf_release(&out);
	return status;
}
