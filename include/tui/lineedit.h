/* lineedit.h - the command bar's line editor and command history, free of any terminal code. */
#ifndef HEAPVIZ_LINEEDIT_H
#define HEAPVIZ_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

/* Editing actions; the front end maps its keys onto these. */
enum edit_action {
	EDIT_LEFT, EDIT_RIGHT, EDIT_HOME, EDIT_END,
	EDIT_BACKSPACE, EDIT_DELETE,
	EDIT_KILL_LINE,       /* Ctrl-U: delete from the start of the line to the cursor */
	EDIT_KILL_WORD,       /* Ctrl-W: delete the word before the cursor */
	EDIT_HISTORY_PREV,    /* Up */
	EDIT_HISTORY_NEXT,    /* Down */
	EDIT_WORD_LEFT,       /* to the start of this or the previous word */
	EDIT_WORD_RIGHT       /* to the end of this or the next word, as readline's M-f */
};

#define LINEEDIT_MAX 1024     /* bytes in one command line */
#define LINEEDIT_HISTORY 500  /* lines of history kept */

/* Read the fields freely; change them only through the functions below. */
struct line_editor {
	char text[LINEEDIT_MAX + 1]; /* valid UTF-8 without control characters, NUL-terminated */
	size_t len;
	size_t cursor;               /* byte offset, always on a character boundary */
	char *history[LINEEDIT_HISTORY];
	size_t history_count;
	size_t history_pos;          /* == history_count when editing a new line */
	char *saved;                 /* the new line being typed while browsing history */
};

/* Start with an empty line and no history. */
void lineedit_init(struct line_editor *editor);
/* Free the history; the editor is left empty and ready, as after lineedit_init. */
void lineedit_release(struct line_editor *editor);
/*
 * Insert UTF-8 text at the cursor, all or nothing: false (and no change) when
 * it does not fit in LINEEDIT_MAX bytes or holds invalid UTF-8 or a control
 * character (C0, DEL, C1).
 */
bool lineedit_insert(struct line_editor *editor, const char *text, size_t len);
/* Perform one editing action; actions that cannot apply (Left at the start) do nothing. */
void lineedit_apply(struct line_editor *editor, enum edit_action action);
/*
 * Replace the line, cursor at the end, and leave history browsing (the next Up
 * shows the newest entry). Tabs become spaces; other control characters and
 * invalid bytes are dropped; text past LINEEDIT_MAX is cut at a character.
 */
void lineedit_set(struct line_editor *editor, const char *text);
/* Empty the line and leave history browsing, as lineedit_set(editor, ""). */
void lineedit_clear(struct line_editor *editor);
/*
 * Remember a line run (cleaned as by lineedit_set; blank lines and repeats of
 * the last entry are not kept; past LINEEDIT_HISTORY the oldest is dropped).
 * Always leaves history browsing, whether or not the line was kept.
 */
void lineedit_remember(struct line_editor *editor, const char *line);
/*
 * A paste, which a terminal delivers a character at a time: the pieces are
 * cleaned and kept here, then inserted at the cursor as one edit, so a paste
 * costs O(its length) however long it is. Line breaks and tabs become spaces
 * (CR LF is one break) - a paste never runs a line; other control characters
 * and invalid bytes are dropped; once a character does not fit in the room the
 * line had, it and everything after it are dropped (so the text kept is the
 * paste's beginning, never a splice).
 */
struct line_paste {
	char text[LINEEDIT_MAX];  /* the cleaned text to insert */
	size_t len;
	size_t room;              /* bytes free in the line when the paste began */
	size_t pasted;            /* bytes that arrived */
	size_t dropped;           /* bytes dropped for want of room */
	size_t controls;          /* control characters and invalid bytes dropped */
	size_t breaks;            /* line breaks turned into spaces */
	bool full;                /* a character did not fit: the rest is dropped too */
	bool after_cr;            /* the last byte was a CR: an LF now is the same break */
};
/* Start a paste into the line as it is now. */
void lineedit_paste_begin(const struct line_editor *editor, struct line_paste *paste);
/* Add the next len bytes of the paste (whole characters or not). */
void lineedit_paste_add(struct line_paste *paste, const char *bytes, size_t len);
/* Count n things the terminal sent that are not text (function keys) as dropped controls. */
void lineedit_paste_skip(struct line_paste *paste, size_t n);
/* Insert what was kept at the cursor (one edit); the counts stay in *paste for the caller's message. */
void lineedit_paste_end(struct line_editor *editor, struct line_paste *paste);

/* Display column (0-based, in characters - wide CJK glyphs count as one) of the cursor. */
size_t lineedit_cursor_column(const struct line_editor *editor);

/*
 * Tab completion of the word before the cursor: candidates come from the
 * caller (commands when it is the first word, policy names after "policy",
 * block names elsewhere). Matching is case-sensitive; a caller wanting
 * case-insensitive keywords passes candidates in the case typed. NULL
 * candidates are skipped. Completes to the longest common prefix (cut back to
 * a whole character); a sole match also gets a trailing space (or the cursor
 * steps over one already there). Returns the number of candidates that
 * matched (so the caller can list them when > 1).
 */
size_t lineedit_complete(struct line_editor *editor, const char *const *candidates, size_t count);
/*
 * The word before the cursor and its index among the words of the line (0 =
 * the command): start points into editor->text and len counts the bytes from
 * there to the cursor (0 right after a space). Either pointer may be NULL.
 */
size_t lineedit_current_word(const struct line_editor *editor, const char **start, size_t *len);

#endif
