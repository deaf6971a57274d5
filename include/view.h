/* view.h - what the screen shows, composed into a logical screen by plain functions (no terminal code). */
#ifndef HEAPVIZ_VIEW_H
#define HEAPVIZ_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "screen.h"
#include "session.h"

enum view_focus { FOCUS_BAR, FOCUS_GRID };

/* Everything the front end knows beyond the session, so a frame is a pure function of both. */
struct view_state {
	enum view_focus focus;
	bool ascii;                    /* ASCII glyphs instead of UTF-8 */
	bool monochrome;               /* no colours: glyphs and attributes carry the meaning */
	bool show_hex;                 /* hex view instead of the grid */
	bool show_help;                /* help overlay */
	size_t help_scroll;
	size_t cursor;                 /* inspector cursor: a byte address in the heap */
	bool has_selection;            /* the block under the cursor is shown in the panel */
	size_t hex_scroll;             /* first hex row shown */
	size_t grid_scroll;            /* first grid row shown when the heap does not fit */
	const struct line_editor *input;
	char message[320];             /* status line: last outcome or result */
	enum style_role message_role;  /* ROLE_OK, ROLE_REFUSED, ROLE_ERROR, ROLE_NOTE, ROLE_TEXT */
	size_t error_column;           /* 1-based caret position under the bar for an error, 0 = none */
	const char *title_file;        /* file shown in the title, or NULL */
	/* Timeline playback (a later issue); zero means no timeline. */
	bool timeline;
	bool playing;
	unsigned speed_percent;
};

/* Grid geometry for a heap in a given area. */
struct grid_geometry {
	size_t bytes_per_cell;         /* a power of two */
	int columns;                   /* cells per row */
	int rows;                      /* rows needed for the whole heap */
	int label_width;               /* width of the row address labels */
};

/* The smallest power-of-two bytes per cell that fits heap_size in width x height cells. */
struct grid_geometry layout_grid(size_t heap_size, int width, int height);

/* The smallest terminal the view can draw in. */
#define VIEW_MIN_WIDTH 40
#define VIEW_MIN_HEIGHT 12

/* Compose a whole frame (screen already sized to the terminal). */
void view_render(struct screen *screen, const struct session *session, const struct view_state *state);

#endif
