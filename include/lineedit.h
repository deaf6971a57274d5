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
	EDIT_WORD_LEFT, EDIT_WORD_RIGHT
};

#define LINEEDIT_MAX 1024     /* bytes in one command line */
#define LINEEDIT_HISTORY 500  /* lines of history kept */

struct line_editor {
	char text[LINEEDIT_MAX + 1]; /* UTF-8, NUL-terminated */
	size_t len;
	size_t cursor;               /* byte offset, always on a character boundary */
	char *history[LINEEDIT_HISTORY];
	size_t history_count;
	size_t history_pos;          /* == history_count when editing a new line */
	char *saved;                 /* the new line being typed while browsing history */
};

void lineedit_init(struct line_editor *editor);
void lineedit_release(struct line_editor *editor);
/* Insert UTF-8 text at the cursor (control characters are refused); false if it does not fit. */
bool lineedit_insert(struct line_editor *editor, const char *text, size_t len);
void lineedit_apply(struct line_editor *editor, enum edit_action action);
void lineedit_set(struct line_editor *editor, const char *text);
void lineedit_clear(struct line_editor *editor);
/* Remember a line run (blank lines and repeats of the last entry are not kept). */
void lineedit_remember(struct line_editor *editor, const char *line);
/* Display column (0-based, in characters) of the cursor. */
size_t lineedit_cursor_column(const struct line_editor *editor);

/*
 * Tab completion of the word before the cursor: candidates come from the
 * caller (commands when it is the first word, policy names after "policy",
 * block names elsewhere). Completes to the longest common prefix; returns the
 * number of candidates that matched (so the caller can list them when > 1).
 */
size_t lineedit_complete(struct line_editor *editor, const char *const *candidates, size_t count);
/* The word before the cursor and its index among the words of the line (0 = the command). */
size_t lineedit_current_word(const struct line_editor *editor, const char **start, size_t *len);

#endif
