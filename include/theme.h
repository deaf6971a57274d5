/* theme.h - colour themes: style roles and allocation hues mapped to colours for every backend. */
#ifndef HEAPVIZ_THEME_H
#define HEAPVIZ_THEME_H

#include <stdbool.h>
#include <stdint.h>

#include "screen.h"
#include "ui.h"

/* A colour as an xterm-256 index, or -1 for the terminal's default. */
struct theme_colors {
	int fg;
	int bg;
	uint8_t flags;        /* extra CELL_* attributes this role always has */
};

/* Colours of a cell's role and hue under a theme (with colour). */
struct theme_colors theme_colors(enum ui_theme theme, enum style_role role, uint8_t hue);
/* Attributes that carry a role on a monochrome terminal (reverse, bold, underline). */
uint8_t theme_mono_flags(enum style_role role);
/* 24-bit RGB of an xterm-256 index, for SVG and other file backends. */
uint32_t theme_rgb(int color256);
/* Parse a theme name ("default", "light", "high-contrast", "colorblind"). */
bool theme_parse(const char *name, enum ui_theme *theme);
const char *theme_name(enum ui_theme theme);

#endif
