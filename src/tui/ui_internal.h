/* ui_internal.h - what the parts of the screen front end share (ui.c, ui_keys.c, ui_bar.c, ui_play.c): private to src/tui. */
#ifndef HEAPVIZ_UI_INTERNAL_H
#define HEAPVIZ_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ansi.h"
#include "cast.h"
#include "keymap.h"
#include "lineedit.h"
#include "outfile.h"
#include "screen.h"
#include "session.h"
#include "ui.h"
#include "ui_term.h"
#include "view.h"

/* What handling an input asks of the loop (htop's HANDLED/REDRAW bits). */
enum reaction {
	REACT_NONE = 0,
	REACT_REDRAW = 1,     /* compose and paint a new frame */
	REACT_FULL = 2,       /* ... forgetting what the terminal shows (Ctrl-L) */
	REACT_QUIT = 4
};

/* --record: every frame painted is also encoded for the asciicast, from the same logical screen. */
struct recording {
	struct cast_writer *writer;
	struct screen last;       /* the frame the recording shows now, to encode only what changed */
	struct ansi_style style;
	long long start_ms;
	const char *path;         /* for the message when a write fails */
	bool reported;            /* that message was shown */
};

struct ui {
	struct session *session;   /* with --compare: a session of one lane per policy */
	struct view_state state;
	struct line_editor editor;
	struct screen screen;
	struct ui_painter *painter;
	char *overlay_text;   /* help or check text shown in the overlay (owned), NULL for the key help */
	long long next_tick_ms;  /* timeline playback: when the next step is due (monotonic clock) */
	struct recording recording;
	struct outfile_rules write_rules;  /* for exports typed in the bar: anywhere, but never over the lesson or the recording */
	struct line_paste paste; /* a bracketed paste on its way into the bar */
	bool pasting;
	size_t typed_dropped;    /* characters typed into a full bar since it filled */
};

/* ui.c: the status line and the help overlay. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void ui_set_message(struct ui *ui, enum style_role role, const char *format, ...);
void ui_clear_message(struct ui *ui);
/* Open the overlay on text (owned from now on), or on the built-in help when NULL. */
void ui_open_help(struct ui *ui, char *text);
void ui_close_help(struct ui *ui);

/* ui_keys.c: a key or click, through the key table, to what it does. */
unsigned ui_handle_key(struct ui *ui, const struct ui_key *key);
/* The lane the cursor is on: what the inspector, the hex view and export read. */
const struct session *ui_cursor_lane(const struct ui *ui);

/* ui_bar.c: the command bar. */
unsigned ui_run_bar_line(struct ui *ui);
/* A command run by a key (undo, redo): its outcome is shown, the bar is left alone. */
unsigned ui_run_key_command(struct ui *ui, const char *line);
unsigned ui_bar_edit(struct ui *ui, enum edit_action action);
unsigned ui_bar_complete(struct ui *ui);
/* A character typed into the bar (code >= 0x20), or why it was not taken. */
unsigned ui_bar_type(struct ui *ui, unsigned code);
/* A piece of a bracketed paste. */
unsigned ui_paste_key(struct ui *ui, const struct ui_key *key);

/* ui_play.c: timeline playback. */
long long ui_now_ms(void);
/* Jump to a step (history kept), showing what it did. */
unsigned ui_goto_step(struct ui *ui, size_t step);
unsigned ui_toggle_play(struct ui *ui);
unsigned ui_change_speed(struct ui *ui, bool faster);
/* While playing: the next step when its time is up. */
unsigned ui_play_tick(struct ui *ui);
/* How long the loop may wait for a key before the next playback step is due. */
int ui_input_timeout_ms(const struct ui *ui);

#endif
