/* session_internal.h - what the files of the session module (session.c, session_words.c) share. */
#ifndef HEAPVIZ_SESSION_INTERNAL_H
#define HEAPVIZ_SESSION_INTERNAL_H

#include "session.h"
#include "strbuf.h"

/* The one-line result of a step in one lane ("r1 = 0x010 (48 B block at 0x008)", "refused: ..."). */
void session_words_outcome(const struct heap *heap, const struct command *command, const struct step_outcome *outcome,
			   char *buffer, size_t size);
/* check on one heap: the message line, and the full list of problems (owned, NULL when none). */
void session_words_check(const struct heap *heap, char *message, size_t size, char **text);
/* help [COMMAND]: the text and the message line. */
void session_words_help(const struct command *command, struct session_report *report);
/* Several lanes: "first: r1 = 0x000; best: r1 = 0x098" for the step just made. */
void session_words_lanes_step(const struct session *session, char *buffer, size_t size);
/* Several lanes: every heap's check in one line (and each troubled heap's report in *text). */
void session_words_lanes_check(const struct session *session, char *message, size_t size, char **text);

#endif
