/* theme.h - colour themes: style roles and allocation hues mapped to colours for every backend. */
#ifndef HEAPVIZ_THEME_H
#define HEAPVIZ_THEME_H

#include <stdbool.h>
#include <stdint.h>

#include "screen.h"

/* The colour themes (--theme); the terminal, ANSI, SVG and render all draw with one of them. */
enum theme_id { THEME_DEFAULT, THEME_LIGHT, THEME_HIGH_CONTRAST, THEME_COLORBLIND, THEME_COUNT };

/* A colour as an xterm-256 index, or -1 for the terminal's default. */
struct theme_colors {
	int fg;
	int bg;
	uint8_t flags;        /* extra CELL_* attributes this role always has */
};

/*
 * Colours of a cell's role and hue under a theme (with colour): ROLE_BLOCK_PAYLOAD
 * takes the hue's colour, ROLE_BLOCK_META and ROLE_BLOCK_PADDING a darker shade
 * of it; other roles ignore the hue. Out-of-range arguments give the defaults.
 */
struct theme_colors theme_colors(enum theme_id theme, enum style_role role, uint8_t hue);
/* Attributes that carry a role on a monochrome terminal (reverse, bold, underline). */
uint8_t theme_mono_flags(enum style_role role);
/* 24-bit RGB (0xRRGGBB) of an xterm-256 index, for SVG and other file backends; 0 for -1 or out of range. */
uint32_t theme_rgb(int color256);
/* Parse a theme name ("default", "light", "high-contrast", "colorblind", and a few aliases). */
bool theme_parse(const char *name, enum theme_id *theme);
/* The canonical name of a theme. */
const char *theme_name(enum theme_id theme);

#endif
