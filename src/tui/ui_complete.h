/* ui_complete.h - Tab completion for the command bar, apart from the key loop. */
#ifndef HEAPVIZ_UI_COMPLETE_H
#define HEAPVIZ_UI_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "names.h"

/*
 * Complete the word under the bar's cursor: the first word to a command
 * keyword, `policy`'s argument to a policy, any other word to a block name
 * in names. One match is completed in the editor; several complete to their
 * common prefix. Returns true with a note for the status line (the
 * candidates, "no completion for 'x'", or too many to list); false when the
 * line was completed and there is nothing to say.
 */
bool ui_complete(struct line_editor *editor, const struct names *names, char *note, size_t size);

#endif
