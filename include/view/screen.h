/* screen.h - a logical screen: a grid of cells (character + style role) that any backend can paint. */
#ifndef HEAPVIZ_SCREEN_H
#define HEAPVIZ_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The view composes every frame into a struct screen; backends paint it:
 * the terminal front end (src/ui*.c), ANSI text for asciicast recordings,
 * SVG and plain text for snapshots. Nothing here knows colours: a cell names
 * its role, and a theme (theme.h) maps roles to colours per backend.
 */
enum style_role {
	ROLE_TEXT,          /* ordinary text */
	ROLE_DIM,           /* secondary text, separators */
	ROLE_TITLE,         /* the title bar */
	ROLE_BORDER,        /* panel frames */
	ROLE_HEADING,       /* panel headings */
	ROLE_LABEL,         /* row addresses, statistic names */
	ROLE_VALUE,         /* numbers */
	ROLE_BLOCK_META,    /* a used block's header/footer bytes (hue = its allocation) */
	ROLE_BLOCK_PAYLOAD, /* a used block's requested bytes (hue = its allocation) */
	ROLE_BLOCK_PADDING, /* a used block's alignment padding (hue = its allocation) */
	ROLE_FREE_META,     /* a free block's header/footer */
	ROLE_FREE,          /* a free block's body */
	ROLE_WILDERNESS,    /* untouched space above the break */
	ROLE_CURSOR,        /* the inspector cursor */
	ROLE_SELECTED,      /* the selected block */
	ROLE_OK,            /* a successful outcome */
	ROLE_REFUSED,       /* a refused request (out of memory) */
	ROLE_ERROR,         /* a rejected command */
	ROLE_NOTE,          /* note captions */
	ROLE_KEY,           /* key names in hints and help */
	ROLE_INPUT,         /* the command bar */
	ROLE_SPARK_FRAG,    /* fragmentation sparkline */
	ROLE_SPARK_UTIL,    /* utilization sparkline */
	ROLE_PROGRESS,      /* timeline progress bar */
	ROLE_COUNT
};

enum { CELL_BOLD = 1, CELL_REVERSE = 2, CELL_UNDERLINE = 4 };

#define SCREEN_HUES 8   /* allocations cycle through this many hues */

struct cell {
	uint32_t ch;        /* a Unicode code point; 0 = the right half of a wide character */
	uint8_t role;       /* enum style_role */
	uint8_t hue;        /* allocation hue 0..SCREEN_HUES-1 for ROLE_BLOCK_* (and ROLE_SELECTED) */
	uint8_t flags;      /* CELL_BOLD | CELL_REVERSE | CELL_UNDERLINE, added to the role's own */
};

struct screen {
	int width;
	int height;
	struct cell *cells; /* height rows of width cells; NULL when either is 0 */
	int cursor_row;     /* where the terminal cursor belongs (the command bar), -1 = hidden */
	int cursor_column;
};

/* Resize (contents cleared, cursor hidden; negative sizes count as 0); false when the host is out of memory (screen unchanged). */
bool screen_resize(struct screen *screen, int width, int height);
/* Free the cells; the screen is left 0x0 and may be resized again. */
void screen_release(struct screen *screen);
/* Fill every cell with a space in role and hide the cursor. */
void screen_clear(struct screen *screen, enum style_role role);
/* The cell at (row, column), or NULL when outside the screen. */
struct cell *screen_cell(struct screen *screen, int row, int column);
const struct cell *screen_cell_const(const struct screen *screen, int row, int column);
/*
 * Write UTF-8 text at (row, column), clipped at max_width cells (and the
 * screen edge); control characters, invalid bytes and invisible format or
 * combining characters are drawn escaped (\n, \x1b, \u202e), never raw; East
 * Asian wide characters take two cells (never half of one). Backslash itself
 * is drawn as is, so what the user typed reads back unchanged. Returns the
 * number of cells used.
 */
int screen_put(struct screen *screen, int row, int column, int max_width, const char *text, enum style_role role);
/* screen_put for len bytes of text (NULs included, escaped) with a full style. */
int screen_put_styled(struct screen *screen, int row, int column, int max_width, const char *text, size_t len,
		      enum style_role role, uint8_t hue, uint8_t flags);
/* Put one code point with a full style (control and invisible code points become U+FFFD). */
void screen_put_char(struct screen *screen, int row, int column, uint32_t ch, enum style_role role, uint8_t hue, uint8_t flags);
/* Fill a rectangle (clipped to the screen) with one code point in role. */
void screen_fill(struct screen *screen, int row, int column, int width, int height, uint32_t ch, enum style_role role);
/* Cells screen_put would use for len bytes of text, without clipping. */
size_t screen_text_width(const char *text, size_t len);
/* How many bytes of text fit in max_width cells (cut at a character); *width gets the cells they use. */
size_t screen_text_fit(const char *text, size_t len, int max_width, int *width);
/* UTF-8 of one code point into out; returns its length (1 to 4). */
size_t screen_encode_utf8(uint32_t ch, char out[4]);
/*
 * The text of one row as UTF-8, trailing spaces kept (for tests and plain-text
 * export): returns the bytes the whole row needs, as snprintf does; writes
 * what fits (cut at a character) and always terminates when size > 0.
 */
size_t screen_row_text(const struct screen *screen, int row, char *buffer, size_t size);

#endif
