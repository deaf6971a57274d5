/* ui_paste.h - bracketed paste for the terminal layer (ui_term.c): set up, switched, and read as text. */
#ifndef HEAPVIZ_UI_PASTE_H
#define HEAPVIZ_UI_PASTE_H

#include <stdbool.h>

#include "ui_term.h"

/* Before newterm: no paste mode known yet. */
void ui_paste_forget(void);
/* After newterm: whether the terminal brackets pastes (terminfo's BE/BD). */
void ui_paste_find(void);
/* After keypad(): the sequences around a paste bound to two key codes of our own. */
void ui_paste_bind_keys(void);
/* Ask the terminal to bracket pastes, or to stop; nothing when it cannot. */
void ui_paste_mode(bool on);
/* The terminal's string that switches bracketed paste off, for the signal-safe restore; NULL when none. */
const char *ui_paste_off_sequence(void);

/* Inside a paste: ui_term_read hands over ui_paste_read's chunks instead of keys. */
bool ui_paste_active(void);
/* Mark a key read by curses as pasted, or as the paste's opening or closing sequence. */
void ui_paste_follow(struct ui_key *key);
/* The next chunk of a paste (false when none came); counts reads that find the terminal gone in *dead_reads. */
bool ui_paste_read(struct ui_key *key, int timeout_ms, int *dead_reads);
/* A paste quiet too long has lost its end: close it (key->paste_end) and return true. */
bool ui_paste_lost(struct ui_key *key);

#endif
