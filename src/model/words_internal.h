/* words_internal.h - what the files of the words module (words.c, words_outcome.c, words_explain.c) share. */
#ifndef HEAPVIZ_WORDS_INTERNAL_H
#define HEAPVIZ_WORDS_INTERNAL_H

#include <stddef.h>

#include "session.h"

/* printf onto the end of buffer (NUL-terminated), truncating as snprintf does; nothing when it is full. */
void words_append(char *buffer, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* "" or "s": the plural ending for n things. */
const char *words_plural(size_t n);

/* check on one heap: the message line, and the full list of problems (owned, NULL when none). */
void words_check(const struct heap *heap, char *message, size_t size, char **text);
/* check on every lane: one line when all are consistent, each troubled heap's report in *text otherwise. */
void words_lanes_check(const struct session *session, char *message, size_t size, char **text);
/* help [COMMAND]: the text (owned) and the message line. */
void words_help(const struct command *command, struct session_report *report);
/* Several lanes: "first: r1 = 0x000; best: r1 = 0x098" for the step just made. */
void words_lanes_step(const struct session *session, char *buffer, size_t size);

#endif
