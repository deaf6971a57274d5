/* view_help.c - the help overlay: keys, every command with its usage, the statistics' formulas, the glyphs. */
#include "view.h"

#include <string.h>

#include "command.h"

/* The widest key column the descriptions are aligned after (a wider one has its description below it). */
#define KEY_COLUMN_MAX 24

struct help_entry {
	const char *left;
	const char *right;
};

/* The statistics' formulas come from their table (stat_table.c); padding is a block's, shown by the inspector. */
static const struct help_entry block_formula_help[] = {
	{"padding", "block size - header - footer - requested"},
};

static const struct help_entry glyph_help[] = {
	{"header", "a used block's header or footer (a darker shade of its colour)"},
	{"payload", "the bytes asked for; every allocation has its own colour"},
	{"padding", "bytes added to keep the next block aligned"},
	{"free header", "a free block's header or footer"},
	{"free", "a free block, ready for reuse"},
	{"wilderness", "never used: above the break, where the heap can still grow"},
};
static const enum style_role glyph_roles[] = {
	ROLE_BLOCK_META, ROLE_BLOCK_PAYLOAD, ROLE_BLOCK_PADDING, ROLE_FREE_META, ROLE_FREE, ROLE_WILDERNESS,
};
_Static_assert(sizeof glyph_help / sizeof glyph_help[0] == sizeof glyph_roles / sizeof glyph_roles[0],
	       "every glyph line needs its role");

/* Emits help lines, drawing those inside the window [first, first + visible) and counting all. */
struct help_writer {
	struct screen *screen;
	int top, column, width;
	size_t first, visible;
	size_t index;
};

static bool shown(const struct help_writer *writer)
{
	return writer->screen && writer->index >= writer->first && writer->index < writer->first + writer->visible;
}

static int line_row(const struct help_writer *writer)
{
	return writer->top + (int)(writer->index - writer->first);
}

static void text_line(struct help_writer *writer, const char *text, enum style_role role)
{
	if (shown(writer))
		screen_put(writer->screen, line_row(writer), writer->column, writer->width, text, role);
	writer->index++;
}

/* left in its own column, right wrapped beside it (below it when left is too long). */
static void entry_line(struct help_writer *writer, const char *left, enum style_role left_role, int indent,
		       const char *right)
{
	if (indent > writer->width / 2)
		indent = writer->width / 2;
	int left_width = (int)screen_text_width(left, strlen(left));
	if (shown(writer))
		screen_put(writer->screen, line_row(writer), writer->column + 2, writer->width - 2, left, left_role);
	if (left_width + 3 > indent)
		writer->index++;
	size_t len = strlen(right);
	int width = writer->width - indent;
	for (size_t pos = 0; pos < len;) {
		size_t line;
		size_t skip = view_wrap_next(right + pos, len - pos, width, true, &line);
		if (skip == 0)
			break;
		if (shown(writer))
			screen_put_styled(writer->screen, line_row(writer), writer->column + indent, width, right + pos,
					  line, ROLE_TEXT, 0, 0);
		writer->index++;
		pos += skip;
	}
}

static int widest(const struct help_entry *entries, size_t count)
{
	int widest_left = 0;
	for (size_t i = 0; i < count; i++) {
		int width = (int)strlen(entries[i].left);
		widest_left = width > widest_left ? width : widest_left;
	}
	return widest_left;
}

static void builtin_help(struct help_writer *writer, const struct view_state *state)
{
	size_t block_formulas = sizeof block_formula_help / sizeof block_formula_help[0];
	int formula_indent = widest(block_formula_help, block_formulas);
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		int width = (int)strlen(stat_entry((enum view_statistic_id)id)->label);
		formula_indent = width > formula_indent ? width : formula_indent;
	}
	formula_indent += 4;
	size_t glyphs = sizeof glyph_help / sizeof glyph_help[0];

	/* The keys from the key table (keymap.c), the one the key handling reads; longer key columns put the text below. */
	text_line(writer, "Keys", ROLE_HEADING);
	int key_indent = 0;
	for (size_t i = 0; i < keymap_help_lines(); i++) {
		char keys[96];
		const char *description;
		keymap_help_line(i, keys, sizeof keys, &description);
		int width = (int)strlen(keys);
		key_indent = width > key_indent && width <= KEY_COLUMN_MAX ? width : key_indent;
	}
	for (size_t i = 0; i < keymap_help_lines(); i++) {
		char keys[96];
		const char *description;
		keymap_help_line(i, keys, sizeof keys, &description);
		entry_line(writer, keys, ROLE_KEY, key_indent + 4, description);
	}

	text_line(writer, "", ROLE_TEXT);
	text_line(writer, "Commands (type them in the bar; names may be shortened when unambiguous)", ROLE_HEADING);
	int indent = 0;
	for (int kind = CMD_EMPTY + 1; kind < CMD_KIND_COUNT; kind++) {
		int width = (int)strlen(command_usage((enum command_kind)kind));
		indent = width > indent ? width : indent;
	}
	for (int kind = CMD_EMPTY + 1; kind < CMD_KIND_COUNT; kind++) {
		const char *usage = command_usage((enum command_kind)kind);
		if (usage[0])
			entry_line(writer, usage, ROLE_KEY, indent + 4, command_summary((enum command_kind)kind));
	}

	text_line(writer, "", ROLE_TEXT);
	text_line(writer, "Statistics", ROLE_HEADING);
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		const struct stat_entry *entry = stat_entry((enum view_statistic_id)id);
		entry_line(writer, entry->label, ROLE_LABEL, formula_indent, entry->formula);
	}
	for (size_t i = 0; i < block_formulas; i++)
		entry_line(writer, block_formula_help[i].left, ROLE_LABEL, formula_indent, block_formula_help[i].right);

	text_line(writer, "", ROLE_TEXT);
	text_line(writer, "Shorter names where the panel is narrow", ROLE_HEADING);
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		const char *label = view_statistic_label((enum view_statistic_id)id, false);
		const char *short_label = view_statistic_label((enum view_statistic_id)id, true);
		if (strcmp(label, short_label) != 0)
			entry_line(writer, short_label, ROLE_LABEL, formula_indent, label);
	}

	text_line(writer, "", ROLE_TEXT);
	text_line(writer, "The grid (colour is a second signal; these glyphs are the first)", ROLE_HEADING);
	for (size_t i = 0; i < glyphs; i++) {
		if (shown(writer))
			screen_put_char(writer->screen, line_row(writer), writer->column + 2,
					view_cell_glyph(glyph_roles[i], state->ascii), glyph_roles[i], (uint8_t)i, 0);
		if (shown(writer))
			screen_put(writer->screen, line_row(writer), writer->column + 4, writer->width - 4, glyph_help[i].left,
				   ROLE_LABEL);
		entry_line(writer, "", ROLE_TEXT, widest(glyph_help, glyphs) + 6, glyph_help[i].right);
	}
	/* Not a cell but a mark before a row: next fit's rover. */
	if (shown(writer))
		screen_put(writer->screen, line_row(writer), writer->column + 2, 1, view_symbol(state, SYM_ROVER), ROLE_KEY);
	if (shown(writer))
		screen_put(writer->screen, line_row(writer), writer->column + 4, writer->width - 4, "rover", ROLE_LABEL);
	entry_line(writer, "", ROLE_TEXT, widest(glyph_help, glyphs) + 6,
		   "next fit: the row where the next search starts");
}

static void text_help(struct help_writer *writer, const char *text)
{
	size_t len = strlen(text);
	for (size_t pos = 0; pos < len;) {
		size_t line;
		size_t skip = view_wrap_next(text + pos, len - pos, writer->width, true, &line);
		if (skip == 0)
			break;
		if (shown(writer))
			screen_put_styled(writer->screen, line_row(writer), writer->column, writer->width, text + pos, line,
					  ROLE_TEXT, 0, 0);
		writer->index++;
		pos += skip;
	}
}

static size_t write_help(struct help_writer *writer, const struct view_state *state)
{
	if (state->help_text)
		text_help(writer, state->help_text);
	else
		builtin_help(writer, state);
	return writer->index;
}

size_t view_help_lines(const struct view_state *state, int width)
{
	struct help_writer writer = {NULL, 0, 0, width, 0, 0, 0};
	return write_help(&writer, state);
}

void view_draw_help(struct screen *screen, const struct view_state *state, struct view_rect area)
{
	if (area.width < 6 || area.height < 3)
		return;
	int inner_width = area.width - 4, inner_rows = area.height - 2;
	size_t total = view_help_lines(state, inner_width);
	size_t visible = (size_t)inner_rows;
	size_t first = state->help_scroll;
	if (first + visible > total)
		first = total > visible ? total - visible : 0;

	/* The frame. */
	int bottom = area.row + area.height - 1, right = area.column + area.width - 1;
	for (int c = area.column + 1; c < right; c++) {
		screen_put(screen, area.row, c, 1, view_symbol(state, SYM_HLINE), ROLE_BORDER);
		screen_put(screen, bottom, c, 1, view_symbol(state, SYM_HLINE), ROLE_BORDER);
	}
	for (int r = area.row + 1; r < bottom; r++) {
		screen_put(screen, r, area.column, 1, view_symbol(state, SYM_VLINE), ROLE_BORDER);
		screen_put(screen, r, right, 1, view_symbol(state, SYM_VLINE), ROLE_BORDER);
	}
	screen_put(screen, area.row, area.column, 1, view_symbol(state, SYM_CORNER_TL), ROLE_BORDER);
	screen_put(screen, area.row, right, 1, view_symbol(state, SYM_CORNER_TR), ROLE_BORDER);
	screen_put(screen, bottom, area.column, 1, view_symbol(state, SYM_CORNER_BL), ROLE_BORDER);
	screen_put(screen, bottom, right, 1, view_symbol(state, SYM_CORNER_BR), ROLE_BORDER);
	screen_put(screen, area.row, area.column + 2, area.width - 4, state->help_text ? " help " : " heapviz help ",
		   ROLE_HEADING);
	if (total > visible)
		view_putf(screen, bottom, area.column + 2, area.width - 4, ROLE_DIM, " lines %zu-%zu of %zu ", first + 1,
			  first + visible, total);

	struct help_writer writer = {screen, area.row + 1, area.column + 2, inner_width, first, visible, 0};
	write_help(&writer, state);
}
