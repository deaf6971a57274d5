/* view.h - what the screen shows, composed into a logical screen by plain functions (no terminal code). */
#ifndef HEAPVIZ_VIEW_H
#define HEAPVIZ_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "keymap.h"
#include "screen.h"
#include "session.h"
#include "stat_table.h"

enum view_focus { FOCUS_BAR, FOCUS_GRID };

/*
 * The command bar as the front end's line editor holds it: text (valid UTF-8,
 * no controls), its length and the cursor's byte offset. Plain data, so the
 * view never depends on the editor that lives in the terminal layer.
 */
struct view_input {
	const char *text;
	size_t len;
	size_t cursor;
};

/* Everything the front end knows beyond the session, so a frame is a pure function of both. */
struct view_state {
	enum view_focus focus;
	bool ascii;                    /* ASCII glyphs instead of UTF-8 */
	bool monochrome;               /* no colours: glyphs and attributes carry the meaning */
	bool show_hex;                 /* hex view instead of the grid */
	bool show_help;                /* help overlay */
	bool show_free_lists;          /* the free-list view in the panel's place (view_free_lists.c) */
	size_t help_scroll;            /* first overlay line shown (the view clamps it) */
	const char *help_text;         /* overlay text (help COMMAND, a check report), NULL = the built-in help */
	size_t cursor;                 /* inspector cursor: a byte address in the heap */
	size_t lane;                   /* several lanes: the one the cursor is on (inspector, hex view) */
	bool has_selection;            /* the block under the cursor is shown in the panel */
	size_t hex_scroll;             /* first hex row shown (the view clamps it) */
	size_t grid_scroll;            /* first grid row shown when the heap does not fit (clamped) */
	struct view_input input;       /* the command bar (input.text NULL: none drawn) */
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
	int label_width;               /* width of the row address labels (margin and gap included) */
};

/*
 * The smallest power-of-two bytes per cell that fits heap_size in an area of
 * width x height cells (width includes the row labels). Never zero: a tiny
 * area gets one column and one row of a huge cell.
 */
struct grid_geometry layout_grid(size_t heap_size, int width, int height);

/* The smallest terminal the view can draw in. */
#define VIEW_MIN_WIDTH 40
#define VIEW_MIN_HEIGHT 12

/* A rectangle of the screen; width or height 0 when absent. */
struct view_rect {
	int row, column, width, height;
};

/* Where each part of the frame goes at a terminal size (the same at every step: nothing jumps). */
struct view_layout {
	bool too_small;                /* below VIEW_MIN_WIDTH x VIEW_MIN_HEIGHT: only a message */
	bool panel_beside;             /* statistics to the right of the grid (else below it) */
	int title_row;
	struct view_rect main;         /* everything between the title and the message line (the help overlay) */
	struct view_rect grid;         /* heap grid or hex view, legend included */
	struct view_rect panel;        /* statistics panel, its frame included */
	int message_row;               /* last outcome, or a rejected command's message */
	int bar_row;                   /* the command bar */
	int hint_row;                  /* key hints, or the caret under an error */
};

/* The layout of a width x height terminal. */
void view_layout(int width, int height, struct view_layout *layout);
/* The grid's geometry as view_render lays it out on a width x height terminal. */
struct grid_geometry view_grid_geometry(const struct heap *heap, const struct view_state *state, int width, int height);
/* The heap address of the grid cell at (row, column) of the screen; false when that is not a grid cell. */
bool view_grid_hit(const struct heap *heap, const struct view_state *state, int width, int height,
		   int row, int column, size_t *address);
/* Rows the hex view needs for the whole heap on a terminal width columns wide (a scroll limit). */
size_t view_hex_rows(const struct heap *heap, int width);
/* Bytes per hex view row on a terminal width columns wide. */
size_t view_hex_bytes_per_row(int width);

/* Where keys go in this state (the help, the grid or the bar), as the key table (keymap.h) looks them up. */
struct keymap_context view_key_context(const struct view_state *state);
/* The key hints for state on row, from the key table; comparing: the hints of several lanes side by side. */
void view_draw_hints(struct screen *screen, int row, const struct view_state *state, bool comparing);

/* The status line while moving through a timeline: "step N / M: explanation" (several lanes: each one's outcome). */
void view_timeline_message(const struct session *session, struct view_state *state);

/*
 * Compose a whole frame (screen already sized to the terminal); sets
 * screen->cursor_* to the bar's cursor. Any number of lanes: one lane is
 * the grid and panel of its heap, several the compare layout; with the
 * inspector's selection or the hex view, several lanes show the frame of the
 * lane the cursor is on (state->lane).
 */
void view_render(struct screen *screen, const struct session *session, const struct view_state *state);
/* The frame of the lane session reads (grid or hex view, panel), whatever the number of lanes. */
void view_render_lane(struct screen *screen, const struct session *session, const struct view_state *state);

/*
 * The frame in the layout of several lanes (--compare), whatever the
 * inspector's state: one grid per policy stacked, each with its key
 * statistics beside it, and whether the current step's outcomes differ. The
 * message line, command bar and help are as in view_render.
 */
void view_compare_render(struct screen *screen, const struct session *session, const struct view_state *state);
/* The parts of that layout view_render draws in place of one lane's title, grid and panel, and hints. */
void view_compare_draw_title(struct screen *screen, const struct session *session, const struct view_state *state,
			     const struct view_layout *layout);
void view_compare_draw_main(struct screen *screen, const struct session *session, const struct view_state *state,
			    const struct view_layout *layout);
void view_compare_draw_hints(struct screen *screen, const struct view_state *state, int row);
/* The grid geometry of each lane's section in the compare layout (the inspector cursor moves by its cells). */
struct grid_geometry view_compare_grid_geometry(const struct session *session, int width, int height);
/* The lane and heap address of the compare layout's grid cell at (row, column); false when that is not a cell. */
bool view_compare_grid_hit(const struct session *session, int width, int height, int row, int column, size_t *lane,
			   size_t *address);
/* The status line while moving through several lanes: "step N / M: COMMAND -> first: refused; best: r3 = 0x0f0". */
void view_compare_timeline_message(const struct session *session, struct view_state *state);

/* "1024 B", "97 KiB", "16.0 MiB": at most 8 characters, exact below 100000 bytes. */
void view_format_bytes(size_t bytes, char *buffer, size_t size);
/* The playback pace for the title: "1×", "16×", "¼×" ("1x", "1/4x" in ASCII), never a percentage. */
void view_format_pace(unsigned speed_percent, bool ascii, char *buffer, size_t size);

/* One statistic as the panel shows it: the model the panel is drawn from (and tests read); names from stat_table.h. */
struct view_statistic {
	const char *label;         /* its name, as in the help's formulas: "largest free" */
	const char *short_label;   /* where label and the widest value do not fit: "max free" */
	const char *compact_label; /* in the summary of a small terminal, NULL when left out there */
	char value[32];            /* "1024 B", "14 %", "3 / 40" */
	char narrow_value[32];     /* a shorter form for when value does not fit ("3" for the step), else value */
	int widest;                /* cells the widest value of this heap and history takes, so columns stay put */
	enum style_role role;
};
/* A statistic's name (as in the help) or its shorter form for narrow panels. */
const char *view_statistic_label(enum view_statistic_id id, bool short_form);
/* Every statistic of the current step, indexed by enum view_statistic_id. */
void view_statistics(const struct session *session, struct view_statistic out[VIEW_STAT_COUNT]);

/*
 * Building blocks shared by the parts of the view (src/view*.c), public so
 * other backends can draw the same pieces.
 */
enum view_symbol {
	SYM_HLINE, SYM_VLINE, SYM_CORNER_TL, SYM_CORNER_TR, SYM_CORNER_BL, SYM_CORNER_BR,
	SYM_OK, SYM_REFUSED, SYM_ERROR, SYM_NOTE, SYM_ARROW, SYM_TIMES, SYM_SEPARATOR,
	SYM_PLAY, SYM_PAUSE, SYM_PROGRESS, SYM_CARET, SYM_MINUS, SYM_UPDOWN, SYM_ROVER,
	SYM_COUNT
};
/* A symbol as UTF-8 or ASCII, as state->ascii asks. */
const char *view_symbol(const struct view_state *state, enum view_symbol symbol);
/* The glyph (UTF-8 or ASCII) that marks a grid cell of a role, so colour is never the only signal. */
uint32_t view_cell_glyph(enum style_role role, bool ascii);
/* screen_put with printf formatting (for trusted text; user text goes through screen_put as is). */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
int view_putf(struct screen *screen, int row, int column, int max_width, enum style_role role, const char *format, ...);
/*
 * Word wrap: the next line of text (len bytes) at most width cells wide. Sets
 * *line_len to the bytes to draw and returns the bytes to skip to the next
 * line (0 at the end). split_lines: a newline ends a line (trusted text);
 * otherwise it is just a character, drawn escaped.
 */
size_t view_wrap_next(const char *text, size_t len, int width, bool split_lines, size_t *line_len);
/* Draw text wrapped into at most max_rows rows; returns the rows used. */
int view_put_wrapped(struct screen *screen, int row, int column, int width, int max_rows, const char *text,
		     bool split_lines, enum style_role role);
/* Rows text takes when wrapped at width. */
int view_wrapped_rows(const char *text, int width, bool split_lines);
/* A section heading: "── title ─────" across width cells. */
void view_heading(struct screen *screen, int row, int column, int width, const struct view_state *state,
		  const char *title);
/* The parts of a frame, each drawn into its own area. */
void view_draw_grid(struct screen *screen, const struct session *session, const struct view_state *state,
		    struct view_rect area);
void view_draw_hex(struct screen *screen, const struct session *session, const struct view_state *state,
		   struct view_rect area);
void view_draw_panel(struct screen *screen, const struct session *session, const struct view_state *state,
		     const struct view_layout *layout);
void view_draw_help(struct screen *screen, const struct view_state *state, struct view_rect area);
/*
 * The free-list view (view_free_lists.c): the allocator's free structures in
 * walk order in the panel's place, the free block under the cursor marked.
 */
struct free_lists;
void view_draw_free_lists(struct screen *screen, const struct session *session, const struct view_state *state,
			  const struct view_layout *layout);
/* The list and place in it of the free block holding cursor; false when cursor is not on a listed free block. */
bool view_free_lists_selected(const struct heap *heap, const struct free_lists *lists, size_t cursor, size_t *list,
			      size_t *index);
/*
 * The free block after (forward) or before the one holding cursor in walk
 * order, across lists, wrapping; from off the lists: the first (last) one.
 * False when nothing is listed.
 */
bool view_free_lists_step(const struct heap *heap, size_t cursor, bool forward, size_t *offset);
/* The hex view's link labels: for count bytes from first, 'n' / 'p' on free blocks' link words, else 0 (caller frees; NULL: none). */
uint8_t *view_free_lists_link_marks(const struct heap *heap, size_t first, size_t count);

/* Lines of the help overlay at a content width (for scroll limits). */
size_t view_help_lines(const struct view_state *state, int width);

#endif
