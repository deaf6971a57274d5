/* theme.c - colour themes: a role x theme table of xterm-256 colours, allocation hues, monochrome attributes. */
#include "theme.h"

#include <string.h>

#define DEFAULT_COLOR (-1)

/* Fixed roles; the ROLE_BLOCK_* rows give only the background and attributes (the hue gives fg). */
static const struct theme_colors role_colors[THEME_COUNT][ROLE_COUNT] = {
	[THEME_DEFAULT] = {
		[ROLE_TEXT] = {-1, -1, 0},          [ROLE_DIM] = {244, -1, 0},
		[ROLE_TITLE] = {231, 24, CELL_BOLD}, [ROLE_BORDER] = {240, -1, 0},
		[ROLE_HEADING] = {75, -1, CELL_BOLD}, [ROLE_LABEL] = {250, -1, 0},
		[ROLE_VALUE] = {231, -1, CELL_BOLD}, [ROLE_BLOCK_META] = {-1, -1, 0},
		[ROLE_BLOCK_PAYLOAD] = {-1, -1, 0}, [ROLE_BLOCK_PADDING] = {-1, -1, 0},
		[ROLE_FREE_META] = {250, -1, 0},    [ROLE_FREE] = {246, -1, 0},
		[ROLE_WILDERNESS] = {240, -1, 0},   [ROLE_CURSOR] = {16, 231, CELL_BOLD},
		[ROLE_SELECTED] = {16, 220, 0},     [ROLE_OK] = {78, -1, 0},
		[ROLE_REFUSED] = {214, -1, CELL_BOLD}, [ROLE_ERROR] = {203, -1, CELL_BOLD},
		[ROLE_NOTE] = {229, -1, 0},         [ROLE_KEY] = {81, -1, CELL_BOLD},
		[ROLE_INPUT] = {231, -1, 0},        [ROLE_SPARK_FRAG] = {209, -1, 0},
		[ROLE_SPARK_UTIL] = {114, -1, 0},   [ROLE_PROGRESS] = {75, -1, 0},
	},
	[THEME_LIGHT] = {
		[ROLE_TEXT] = {-1, -1, 0},          [ROLE_DIM] = {243, -1, 0},
		[ROLE_TITLE] = {231, 25, CELL_BOLD}, [ROLE_BORDER] = {248, -1, 0},
		[ROLE_HEADING] = {25, -1, CELL_BOLD}, [ROLE_LABEL] = {238, -1, 0},
		[ROLE_VALUE] = {16, -1, CELL_BOLD}, [ROLE_BLOCK_META] = {-1, -1, 0},
		[ROLE_BLOCK_PAYLOAD] = {-1, -1, 0}, [ROLE_BLOCK_PADDING] = {-1, -1, 0},
		[ROLE_FREE_META] = {242, -1, 0},    [ROLE_FREE] = {245, -1, 0},
		[ROLE_WILDERNESS] = {250, -1, 0},   [ROLE_CURSOR] = {231, 16, CELL_BOLD},
		[ROLE_SELECTED] = {16, 220, 0},     [ROLE_OK] = {28, -1, 0},
		[ROLE_REFUSED] = {130, -1, CELL_BOLD}, [ROLE_ERROR] = {160, -1, CELL_BOLD},
		[ROLE_NOTE] = {94, -1, 0},          [ROLE_KEY] = {25, -1, CELL_BOLD},
		[ROLE_INPUT] = {16, -1, 0},         [ROLE_SPARK_FRAG] = {166, -1, 0},
		[ROLE_SPARK_UTIL] = {28, -1, 0},    [ROLE_PROGRESS] = {25, -1, 0},
	},
	/* White on true black, nothing dimmer than grey 250 except the wilderness: for projectors. */
	[THEME_HIGH_CONTRAST] = {
		[ROLE_TEXT] = {231, 16, 0},         [ROLE_DIM] = {250, 16, 0},
		[ROLE_TITLE] = {16, 231, CELL_BOLD}, [ROLE_BORDER] = {231, 16, 0},
		[ROLE_HEADING] = {226, 16, CELL_BOLD}, [ROLE_LABEL] = {231, 16, 0},
		[ROLE_VALUE] = {231, 16, CELL_BOLD}, [ROLE_BLOCK_META] = {-1, 16, CELL_BOLD},
		[ROLE_BLOCK_PAYLOAD] = {-1, 16, 0}, [ROLE_BLOCK_PADDING] = {-1, 16, 0},
		[ROLE_FREE_META] = {231, 16, 0},    [ROLE_FREE] = {252, 16, 0},
		[ROLE_WILDERNESS] = {245, 16, 0},   [ROLE_CURSOR] = {16, 226, CELL_BOLD},
		[ROLE_SELECTED] = {16, 51, CELL_BOLD}, [ROLE_OK] = {46, 16, CELL_BOLD},
		[ROLE_REFUSED] = {226, 16, CELL_BOLD}, [ROLE_ERROR] = {196, 16, CELL_BOLD},
		[ROLE_NOTE] = {226, 16, 0},         [ROLE_KEY] = {51, 16, CELL_BOLD},
		[ROLE_INPUT] = {231, 16, CELL_BOLD}, [ROLE_SPARK_FRAG] = {208, 16, 0},
		[ROLE_SPARK_UTIL] = {46, 16, 0},    [ROLE_PROGRESS] = {226, 16, 0},
	},
	/* Okabe-Ito: outcomes differ in lightness as well as hue (bluish green, orange, vermillion). */
	[THEME_COLORBLIND] = {
		[ROLE_TEXT] = {-1, -1, 0},          [ROLE_DIM] = {244, -1, 0},
		[ROLE_TITLE] = {231, 25, CELL_BOLD}, [ROLE_BORDER] = {240, -1, 0},
		[ROLE_HEADING] = {74, -1, CELL_BOLD}, [ROLE_LABEL] = {250, -1, 0},
		[ROLE_VALUE] = {231, -1, CELL_BOLD}, [ROLE_BLOCK_META] = {-1, -1, 0},
		[ROLE_BLOCK_PAYLOAD] = {-1, -1, 0}, [ROLE_BLOCK_PADDING] = {-1, -1, 0},
		[ROLE_FREE_META] = {250, -1, 0},    [ROLE_FREE] = {246, -1, 0},
		[ROLE_WILDERNESS] = {240, -1, 0},   [ROLE_CURSOR] = {16, 231, CELL_BOLD},
		[ROLE_SELECTED] = {16, 185, 0},     [ROLE_OK] = {36, -1, 0},
		[ROLE_REFUSED] = {214, -1, CELL_BOLD}, [ROLE_ERROR] = {166, -1, CELL_BOLD},
		[ROLE_NOTE] = {185, -1, 0},         [ROLE_KEY] = {74, -1, CELL_BOLD},
		[ROLE_INPUT] = {231, -1, 0},        [ROLE_SPARK_FRAG] = {166, -1, 0},
		[ROLE_SPARK_UTIL] = {74, -1, 0},    [ROLE_PROGRESS] = {74, -1, 0},
	},
};

/*
 * Allocation hues: neighbours in the cycle differ strongly, because hues go by
 * allocation order and consecutive allocations often sit side by side. The
 * shade row is the same hue darker, for headers, footers and padding.
 */
static const int hue_colors[THEME_COUNT][SCREEN_HUES] = {
	[THEME_DEFAULT] = {39, 208, 42, 205, 220, 141, 51, 203},
	[THEME_LIGHT] = {26, 166, 28, 162, 136, 91, 30, 160},
	[THEME_HIGH_CONTRAST] = {33, 208, 46, 201, 226, 129, 51, 196},
	[THEME_COLORBLIND] = {214, 74, 36, 185, 25, 166, 175, 250},
};
static const int hue_shades[THEME_COUNT][SCREEN_HUES] = {
	[THEME_DEFAULT] = {25, 130, 28, 162, 136, 97, 30, 124},
	[THEME_LIGHT] = {18, 94, 22, 89, 94, 54, 23, 88},
	[THEME_HIGH_CONTRAST] = {19, 130, 28, 127, 142, 54, 30, 124},
	[THEME_COLORBLIND] = {136, 24, 29, 100, 17, 130, 132, 244},
};

/* Monochrome: every role whose glyph alone is not enough gets an attribute. */
static const uint8_t mono_flags[ROLE_COUNT] = {
	[ROLE_TITLE] = CELL_REVERSE,
	[ROLE_HEADING] = CELL_BOLD,
	[ROLE_VALUE] = CELL_BOLD,
	[ROLE_BLOCK_META] = CELL_BOLD,
	[ROLE_CURSOR] = CELL_REVERSE | CELL_BOLD | CELL_UNDERLINE,
	[ROLE_SELECTED] = CELL_REVERSE,
	[ROLE_REFUSED] = CELL_BOLD,
	[ROLE_ERROR] = CELL_BOLD | CELL_UNDERLINE,
	[ROLE_NOTE] = CELL_UNDERLINE,
	[ROLE_KEY] = CELL_BOLD,
	[ROLE_PROGRESS] = CELL_REVERSE,
};

static const struct {
	const char *name;
	enum theme_id theme;
} theme_names[] = {
	{"default", THEME_DEFAULT}, {"light", THEME_LIGHT}, {"high-contrast", THEME_HIGH_CONTRAST},
	{"colorblind", THEME_COLORBLIND},
	/* Aliases people type. */
	{"dark", THEME_DEFAULT}, {"contrast", THEME_HIGH_CONTRAST}, {"high_contrast", THEME_HIGH_CONTRAST},
	{"colourblind", THEME_COLORBLIND}, {"okabe-ito", THEME_COLORBLIND},
};

struct theme_colors theme_colors(enum theme_id theme, enum style_role role, uint8_t hue)
{
	if ((unsigned)theme >= THEME_COUNT || (unsigned)role >= ROLE_COUNT)
		return (struct theme_colors){DEFAULT_COLOR, DEFAULT_COLOR, 0};
	struct theme_colors colors = role_colors[theme][role];
	hue %= SCREEN_HUES;
	if (role == ROLE_BLOCK_PAYLOAD)
		colors.fg = hue_colors[theme][hue];
	else if (role == ROLE_BLOCK_META || role == ROLE_BLOCK_PADDING)
		colors.fg = hue_shades[theme][hue];
	return colors;
}

uint8_t theme_mono_flags(enum style_role role)
{
	return (unsigned)role < ROLE_COUNT ? mono_flags[role] : 0;
}

uint32_t theme_rgb(int color256)
{
	/* The 16 system colours as xterm sets them by default. */
	static const uint32_t system[16] = {
		0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
		0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
	};
	static const uint32_t cube[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};
	if (color256 < 0 || color256 > 255)
		return 0;
	if (color256 < 16)
		return system[color256];
	if (color256 < 232) {
		int i = color256 - 16;
		return cube[i / 36] << 16 | cube[i / 6 % 6] << 8 | cube[i % 6];
	}
	uint32_t level = 8 + 10 * (uint32_t)(color256 - 232);
	return level << 16 | level << 8 | level;
}

bool theme_parse(const char *name, enum theme_id *theme)
{
	for (size_t i = 0; name && i < sizeof theme_names / sizeof theme_names[0]; i++) {
		if (strcmp(name, theme_names[i].name) == 0) {
			*theme = theme_names[i].theme;
			return true;
		}
	}
	return false;
}

const char *theme_name(enum theme_id theme)
{
	/* The first THEME_COUNT entries are the canonical names, in enum order. */
	return (unsigned)theme < THEME_COUNT ? theme_names[theme].name : "default";
}
