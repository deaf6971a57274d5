/* ui.h - the interactive ncurses front end: the only module that draws on a terminal. */
#ifndef HEAPVIZ_UI_H
#define HEAPVIZ_UI_H

#include <stdbool.h>

#include "keymap.h"
#include "session.h"
#include "theme.h"

struct ui_options {
	bool no_color;        /* --no-color or NO_COLOR set */
	bool ascii;           /* --ascii, or the locale is not UTF-8 */
	bool no_mouse;        /* --no-mouse */
	enum theme_id theme;  /* --theme */
	const char *file;     /* the script loaded as a timeline (for the title), or NULL */
	const char *record;   /* --record: write an asciicast of every frame here, or NULL */
};

/*
 * Run the screen over session until the user quits; returns the process exit
 * status (0 after quit or Ctrl-D, 1 when the terminal cannot be used, with the
 * reason on stderr). The terminal is always given back; after SIGINT, SIGTERM
 * or SIGHUP it is restored and the signal re-raised, so ui_run does not return.
 */
int ui_run(struct session *session, const struct ui_options *options);

/*
 * The key table's id (keymap.h) of a key as curses reports it (function:
 * code is a KEY_* value, else a code point); 0 when the table has no name
 * for it. ui_key_code is the way back; false for an id curses cannot send.
 */
unsigned ui_key_id(bool function, unsigned code);
bool ui_key_code(unsigned key, bool *function, unsigned *code);


#endif
