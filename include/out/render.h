/* render.h - a lesson played through the real drawing code into an asciicast, without a terminal. */
#ifndef HEAPVIZ_RENDER_H
#define HEAPVIZ_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "session.h"
#include "theme.h"

struct render_options {
	const char *output;        /* the .cast file */
	int width;                 /* --size WxH */
	int height;
	unsigned step_ms;          /* --step-ms: how long each step stays on screen */
	bool ascii;
	bool no_color;
	enum theme_id theme;
	const char *title;         /* shown in the title bar and the cast header */
	long long timestamp;       /* SOURCE_DATE_EPOCH, or 0: the file must not depend on the clock */
};

/*
 * Play session's whole history from step 0 to its last step at a fixed pace
 * (each step stays step_ms plus its own `sleep`) and write every frame.
 * Running it twice on the same input gives byte-identical files. Returns an
 * exit status; messages go to err.
 */
int render_run(struct session *session, const struct render_options *options, FILE *err);


#endif
