/* ansi.h - a logical screen as the escape sequences a terminal needs to show it (for recordings). */
#ifndef HEAPVIZ_ANSI_H
#define HEAPVIZ_ANSI_H

#include <stdbool.h>

#include "screen.h"
#include "strbuf.h"
#include "theme.h"

struct ansi_style {
	enum theme_id theme;
	bool color;          /* false: monochrome, attributes only */
};

/*
 * Append what turns a terminal showing `previous` into `screen`: the whole
 * screen when previous is NULL or of another size, otherwise only the rows
 * that changed. The cursor is left hidden unless cursor_row >= 0.
 */
void ansi_encode(struct strbuf *out, const struct screen *screen, const struct screen *previous,
		 const struct ansi_style *style, int cursor_row, int cursor_column);

#endif
