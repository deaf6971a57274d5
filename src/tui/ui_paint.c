/* ui_paint.c - paints a logical screen into curses: roles to colour pairs and attributes, one update per frame. */
#include "ui_term.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "theme.h"

/* A role and hue as curses draws them, worked out the first time a cell needs it. */
struct painted_style {
	bool known;
	attr_t attributes;
	short pair;
};

/* One (fg, bg) colour pair handed to curses; pairs are few, so a small open-addressed table. */
struct pair_slot {
	bool used;
	short fg, bg;
	short pair;
};

#define PAIR_SLOTS 512

struct ui_painter {
	enum theme_id theme;
	bool monochrome;
	bool utf8;
	int colors;           /* colours the terminal has: 8, 16, 88, 256 ... */
	short next_pair;
	bool pairs_exhausted;
	struct painted_style styles[ROLE_COUNT][SCREEN_HUES];
	struct pair_slot slots[PAIR_SLOTS];
};

/* The 16 ANSI colours as xterm draws them, for mapping 256-colour themes onto smaller terminals. */
static const uint32_t ansi_rgb[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
	0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

struct ui_painter *ui_painter_create(enum theme_id theme, const struct ui_term_caps *caps)
{
	struct ui_painter *painter = calloc(1, sizeof *painter);

	if (!painter)
		return NULL;
	painter->theme = theme;
	painter->monochrome = caps->monochrome;
	painter->utf8 = caps->utf8;
	painter->colors = caps->monochrome ? 0 : COLORS;
	painter->next_pair = 1;
	return painter;
}

void ui_painter_destroy(struct ui_painter *painter)
{
	free(painter);
}

/* The nearest of the terminal's first `limit` colours to an xterm-256 colour, by RGB distance. */
static int nearest_color(int color256, int limit)
{
	uint32_t rgb = theme_rgb(color256);
	long best_distance = -1;
	int best = 0;

	for (int i = 0; i < limit; i++) {
		long dr = (long)((rgb >> 16) & 0xff) - (long)((ansi_rgb[i] >> 16) & 0xff);
		long dg = (long)((rgb >> 8) & 0xff) - (long)((ansi_rgb[i] >> 8) & 0xff);
		long db = (long)(rgb & 0xff) - (long)(ansi_rgb[i] & 0xff);
		long distance = dr * dr * 3 + dg * dg * 4 + db * db * 2;

		if (best_distance < 0 || distance < best_distance) {
			best_distance = distance;
			best = i;
		}
	}
	return best;
}

/* A theme colour as this terminal can show it; -1 stays the terminal's default. */
static int terminal_color(const struct ui_painter *painter, int color)
{
	if (color < 0)
		return -1;
	if (painter->colors >= 256)
		return color;
	if (color < painter->colors && color < 16)
		return color;
	return nearest_color(color, painter->colors >= 16 ? 16 : 8);
}

/* The pair for (fg, bg), allocated on first use; 0 (default colours) when the terminal has no more. */
static short color_pair(struct ui_painter *painter, int fg, int bg, bool *ok)
{
	unsigned hash = ((unsigned)(fg + 1) * 257u + (unsigned)(bg + 1)) % PAIR_SLOTS;

	*ok = true;
	for (unsigned probe = 0; probe < PAIR_SLOTS; probe++) {
		struct pair_slot *slot = &painter->slots[(hash + probe) % PAIR_SLOTS];

		if (slot->used && slot->fg == fg && slot->bg == bg)
			return slot->pair;
		if (!slot->used) {
			if (painter->pairs_exhausted || painter->next_pair >= COLOR_PAIRS ||
			    init_pair(painter->next_pair, (short)fg, (short)bg) != OK) {
				painter->pairs_exhausted = true;
				*ok = false;
				return 0;
			}
			slot->used = true;
			slot->fg = (short)fg;
			slot->bg = (short)bg;
			slot->pair = painter->next_pair++;
			return slot->pair;
		}
	}
	*ok = false;
	return 0;
}

static attr_t cell_attributes(uint8_t flags)
{
	attr_t attributes = WA_NORMAL;

	if (flags & CELL_BOLD)
		attributes |= WA_BOLD;
	if (flags & CELL_REVERSE)
		attributes |= WA_REVERSE;
	if (flags & CELL_UNDERLINE)
		attributes |= WA_UNDERLINE;
	return attributes;
}

/* Work out how a role and hue are drawn on this terminal, once. */
static const struct painted_style *style_for(struct ui_painter *painter, unsigned role, unsigned hue)
{
	struct painted_style *style;

	if (role >= ROLE_COUNT)
		role = ROLE_TEXT;
	hue %= SCREEN_HUES;
	style = &painter->styles[role][hue];
	if (style->known)
		return style;
	style->known = true;
	if (painter->monochrome) {
		style->attributes = cell_attributes(theme_mono_flags((enum style_role)role));
		style->pair = 0;
		return style;
	}
	{
		struct theme_colors colors = theme_colors(painter->theme, (enum style_role)role, (uint8_t)hue);
		int fg = terminal_color(painter, colors.fg);
		int bg = terminal_color(painter, colors.bg);
		bool ok;

		style->attributes = cell_attributes(colors.flags);
		/* Colours a small terminal cannot tell apart say nothing: let attributes carry the role. */
		if (fg >= 0 && fg == bg) {
			style->attributes |= cell_attributes(theme_mono_flags((enum style_role)role));
			style->pair = 0;
			return style;
		}
		style->pair = color_pair(painter, fg, bg, &ok);
		if (!ok)
			style->attributes |= cell_attributes(theme_mono_flags((enum style_role)role));
	}
	return style;
}

/* A code point this terminal can draw without harm: never a control character, ASCII outside UTF-8. */
static wchar_t drawable(const struct ui_painter *painter, uint32_t ch)
{
	if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch > 0x10ffff || (ch >= 0xd800 && ch < 0xe000))
		return L'?';
	if (!painter->utf8 && ch > 0x7e)
		return L'?';
	return (wchar_t)ch;
}

void ui_painter_show(struct ui_painter *painter, const struct screen *screen,
		     int cursor_row, int cursor_column, bool full)
{
	int rows = screen->height < LINES ? screen->height : LINES;
	int columns = screen->width < COLS ? screen->width : COLS;

	if (full)
		clearok(curscr, TRUE);
	for (int row = 0; row < rows; row++) {
		int covered = 0;  /* columns still taken by the previous wide character */

		for (int column = 0; column < columns; column++) {
			const struct cell *cell = &screen->cells[(size_t)row * (size_t)screen->width + (size_t)column];
			const struct painted_style *style;
			wchar_t text[2] = { L' ', L'\0' };
			cchar_t shown;
			int width = 1;

			if (covered > 0) {
				covered--;
				continue;
			}
			style = style_for(painter, cell->role, cell->hue);
			if (cell->ch != 0) {
				text[0] = drawable(painter, cell->ch);
				width = wcwidth(text[0]);
				/* Combining marks, unprintables and a wide glyph cut by the edge: one '?' instead. */
				if (width < 1 || width > 2 || column + width > columns) {
					text[0] = L'?';
					width = 1;
				}
			}
			setcchar(&shown, text, style->attributes | cell_attributes(cell->flags), style->pair, NULL);
			/* The bottom-right cell reports ERR (the cursor cannot advance) yet is drawn. */
			mvwadd_wch(stdscr, row, column, &shown);
			covered = width - 1;
		}
	}
	if (cursor_row >= 0 && cursor_row < LINES && cursor_column >= 0 && cursor_column < COLS) {
		curs_set(1);
		wmove(stdscr, cursor_row, cursor_column);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}
