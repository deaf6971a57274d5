/* session_internal.h - what the files of the session module (session.c, session_read.c) share. */
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

#endif
