/* snapshot.h - the current step's grid, legend and statistics as a standalone SVG or plain-text file. */
#ifndef HEAPVIZ_SNAPSHOT_H
#define HEAPVIZ_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "outfile.h"
#include "screen.h"
#include "session.h"
#include "strbuf.h"

/* Compose the snapshot's screen: the view without the command bar, sized for a page. */
bool snapshot_compose(const struct session *session, struct screen *screen);
/* The snapshot as SVG (light theme: readable on white paper) or text. */
void snapshot_svg(struct strbuf *out, const struct screen *screen);
void snapshot_text(struct strbuf *out, const struct screen *screen);
/*
 * Write a snapshot to path under rules (outfile.h: where a script may write,
 * never over an input, never through a symbolic link): into a temporary file
 * beside it, then renamed into place, so a failure never leaves half a file
 * where a good one was. Otherwise returns REFUSED or FAILED with a one-line
 * reason in error.
 */
enum outfile_status snapshot_write(const struct session *session, const char *path, const struct outfile_rules *rules,
				   char *error, size_t error_size);

#endif
