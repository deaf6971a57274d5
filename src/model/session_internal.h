/* session_internal.h - what the files of the session module (session.c, session_read.c, session_words.c) share. */
#ifndef HEAPVIZ_SESSION_INTERNAL_H
#define HEAPVIZ_SESSION_INTERNAL_H

#include "history.h"
#include "lane.h"
#include "session.h"
#include "strbuf.h"

struct session_data;

/* A handle: the session seen from one lane. */
struct session {
	struct session_data *data;
	size_t lane;
};

struct session_data {
	struct session handles[SESSION_LANES_MAX];
	size_t lane_count;
	/* The live state: what the current step looks like in every lane. */
	struct lane lanes[SESSION_LANES_MAX];
	unsigned long next_auto;        /* next candidate for an automatic name pN, shared by the lanes */
	struct history *history;
	size_t current;
	bool keep_branches;
	bool quiet;                     /* steps' reports carry no sentences (session_set_quiet) */
	size_t work;                    /* bytes the steps since the checkpoint at or before current wrote (every lane) */
	size_t replayed;                /* recorded steps re-applied by time travel */
	size_t checks;                  /* lane_check calls */
};

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
