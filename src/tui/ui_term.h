/* ui_term.h - the terminal layer under the front end: curses set up and given back, signals, painting. */
#ifndef HEAPVIZ_UI_TERM_H
#define HEAPVIZ_UI_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "screen.h"
#include "ui.h"

/* What the terminal turned out to support, decided once at start. */
struct ui_term_caps {
	bool utf8;          /* the locale's codeset is UTF-8 */
	bool monochrome;    /* no colours used: no_color, NO_COLOR, or the terminal has fewer than 8 */
	bool mouse;         /* clicks are reported */
};

/*
 * Take the terminal: locale, curses, modes, colours, mouse, bracketed paste,
 * signal handlers (ui_signal.h); in the background, first wait for `fg`.
 * On failure writes a one-line reason (nothing has been changed) and returns false.
 */
bool ui_term_open(const struct ui_options *options, struct ui_term_caps *caps, char *reason, size_t size);
/* Give the terminal back as it was; safe to call twice and from atexit. */
void ui_term_close(void);

/* Signals seen since the last look, as flags the loop acts on (never drawn from a handler). */
enum ui_term_event {
	TERM_EVENT_NONE = 0,
	TERM_EVENT_QUIT = 1,      /* SIGINT, SIGTERM or SIGHUP: leave now */
	TERM_EVENT_SUSPEND = 2,   /* SIGTSTP, and no SIGCONT after it: give the terminal back and stop */
	TERM_EVENT_CONTINUE = 4,  /* SIGCONT: call ui_term_continue, then repaint everything */
	TERM_EVENT_LOST = 8       /* the terminal hung up: input is gone */
};
/* Take (and clear) the pending events; *quit_signal gets the signal that asked to quit. */
unsigned ui_term_take_events(int *quit_signal);
/* Give the terminal back, stop the process as SIGTSTP would, and take the terminal again on SIGCONT. */
void ui_term_suspend(void);
/* After SIGCONT (not our own suspend): wait for the foreground if we lost it, then take the terminal again. */
void ui_term_continue(void);
/* After ui_term_close: end the process with the signal that asked to quit, as if never caught. */
void ui_term_reraise(int signal_number);

/* Bytes of a paste handed over at once: small enough that the rest of a read can go back to curses. */
#define UI_PASTE_CHUNK 128

/* One key or mouse event; function keys and characters kept apart (their codes overlap). */
struct ui_key {
	bool function;      /* code is a curses KEY_* value; otherwise a Unicode code point */
	unsigned code;
	bool unknown;       /* an escape sequence the terminal description does not name: ignore it */
	bool mouse;         /* code == KEY_MOUSE: where, and what happened */
	int mouse_row, mouse_column;
	enum { MOUSE_NONE, MOUSE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN } mouse_action;
	bool pasted;        /* part of a bracketed paste: text for the bar, never a command key */
	char text[UI_PASTE_CHUNK]; /* pasted: many bytes at once as the terminal sent them (then code is unused) */
	size_t text_len;
	bool paste_end;     /* the paste is over (its closing sequence came, or it stopped arriving) */
};
/* Wait up to timeout_ms for input; false when none came (a signal may have arrived). */
bool ui_term_read(struct ui_key *key, int timeout_ms);
/* The terminal's size now. */
void ui_term_size(int *width, int *height);

/* Colours and attributes for painting, chosen per theme and terminal. */
struct ui_painter;
struct ui_painter *ui_painter_create(enum theme_id theme, const struct ui_term_caps *caps);
void ui_painter_destroy(struct ui_painter *painter);
/*
 * Paint a whole screen and put the terminal cursor at (cursor_row, cursor_column),
 * or hide it when cursor_row < 0; one terminal update. full forgets what the
 * terminal shows first (Ctrl-L, after a suspend).
 */
void ui_painter_show(struct ui_painter *painter, const struct screen *screen,
		     int cursor_row, int cursor_column, bool full);

/* A terminfo string capability of the terminal, or NULL when it has none. */
const char *ui_term_capability(const char *name);

#endif
