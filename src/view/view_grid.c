/* view_grid.c - the heap as a grid of cells and as hex: cell roles, names, legend (hues: view_hues.c). */
#include "view.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "view_hues.h"

/* --- cell styles ---------------------------------------------------------------- */

/*
 * One row per state a cell can show: its glyph (UTF-8 and ASCII), the words
 * for the legend, and its priority when one cell covers bytes of several
 * roles - headers win so block boundaries stay visible, and used bytes beat
 * free ones so a small allocation never disappears at a coarse scale.
 */
static const struct cell_style {
	enum style_role role;
	uint32_t utf8;
	uint32_t ascii;
	const char *word;
	const char *short_word;
	uint8_t priority;
} cell_styles[] = {
	{ROLE_BLOCK_META, 0x2588, '#', "header", "hdr", 6},       /* █ */
	{ROLE_BLOCK_PAYLOAD, 0x2593, '=', "payload", "data", 4},   /* ▓ */
	{ROLE_BLOCK_PADDING, 0x2573, 'x', "padding", "pad", 3},    /* ╳ */
	{ROLE_FREE_META, 0x2592, ':', "free header", "f.hdr", 5},  /* ▒ */
	{ROLE_FREE, 0x2591, '-', "free", "free", 2},               /* ░ */
	{ROLE_WILDERNESS, 0x00b7, '.', "wilderness", "wild", 1},   /* · */
};
#define CELL_STYLES (sizeof cell_styles / sizeof cell_styles[0])

static const struct cell_style *style_of(enum style_role role)
{
	for (size_t i = 0; i < CELL_STYLES; i++)
		if (cell_styles[i].role == role)
			return &cell_styles[i];
	return NULL;
}

uint32_t view_cell_glyph(enum style_role role, bool ascii)
{
	const struct cell_style *style = style_of(role);
	if (!style)
		return ' ';
	return ascii ? style->ascii : style->utf8;
}

/* --- geometry ----------------------------------------------------------------- */

static int hex_digits(size_t heap_size)
{
	size_t last = heap_size ? heap_size - 1 : 0;
	int digits = 1;
	while (last >>= 4)
		digits++;
	return digits < 3 ? 3 : digits;
}

/* Label: a margin, "0x", the digits of the highest address, a gap. */
static int label_width(size_t heap_size)
{
	return 1 + 2 + hex_digits(heap_size) + 1;
}

static size_t rows_needed(size_t heap_size, size_t columns, size_t bytes_per_cell)
{
	size_t cells = heap_size / bytes_per_cell + (heap_size % bytes_per_cell != 0);
	size_t rows = cells / columns + (cells % columns != 0);
	return rows ? rows : 1;
}

static size_t cell_bytes(size_t heap_size, size_t columns, int height)
{
	size_t bytes = 1;
	while (rows_needed(heap_size, columns, bytes) > (size_t)height && bytes < heap_size)
		bytes *= 2;
	return bytes;
}

struct grid_geometry layout_grid(size_t heap_size, int width, int height)
{
	struct grid_geometry geometry = {1, 1, 1, 0};
	if (height < 1)
		height = 1;
	int label = label_width(heap_size);
	int room = width - label - 1;
	if (room < 1) {
		label = 0;
		room = width > 0 ? width : 1;
	}
	geometry.label_width = label;
	/*
	 * A power of two of columns keeps row addresses round (0x040, 0x080); a
	 * wide area may instead use a multiple of 16 when that buys finer cells.
	 */
	int power = 1;
	while (power <= room / 2)
		power *= 2;
	geometry.columns = power;
	geometry.bytes_per_cell = cell_bytes(heap_size, (size_t)power, height);
	int sixteens = room / 16 * 16;
	if (sixteens > power) {
		size_t bytes = cell_bytes(heap_size, (size_t)sixteens, height);
		if (bytes < geometry.bytes_per_cell) {
			geometry.columns = sixteens;
			geometry.bytes_per_cell = bytes;
		}
	}
	geometry.rows = (int)rows_needed(heap_size, (size_t)geometry.columns, geometry.bytes_per_cell);
	return geometry;
}

/* Where the grid sits inside its area: the first heap row shown and how many fit. */
struct grid_frame {
	struct grid_geometry geometry;
	int first_row;
	int visible_rows;
	int top;
	int cells_column;
};

static void frame_grid(size_t heap_size, struct view_rect area, size_t scroll, struct grid_frame *frame)
{
	int rows = area.height - 1;   /* at least one row for the legend */
	if (rows < 1)
		rows = 1;
	frame->geometry = layout_grid(heap_size, area.width, rows);
	frame->visible_rows = frame->geometry.rows < rows ? frame->geometry.rows : rows;
	size_t last_first = (size_t)(frame->geometry.rows - frame->visible_rows);
	frame->first_row = (int)(scroll < last_first ? scroll : last_first);
	frame->top = area.row;
	frame->cells_column = area.column + frame->geometry.label_width;
}

struct grid_geometry view_grid_geometry(const struct heap *heap, const struct view_state *state, int width, int height)
{
	(void)state;
	struct view_layout layout;
	view_layout(width, height, &layout);
	struct grid_frame frame;
	frame_grid(heap_size(heap), layout.grid, 0, &frame);
	return frame.geometry;
}

bool view_grid_hit(const struct heap *heap, const struct view_state *state, int width, int height,
		   int row, int column, size_t *address)
{
	struct view_layout layout;
	view_layout(width, height, &layout);
	if (layout.too_small || state->show_help || state->show_hex)
		return false;
	struct grid_frame frame;
	frame_grid(heap_size(heap), layout.grid, state->grid_scroll, &frame);
	int r = row - frame.top, c = column - frame.cells_column;
	if (r < 0 || r >= frame.visible_rows || c < 0 || c >= frame.geometry.columns)
		return false;
	size_t cell = (size_t)(frame.first_row + r) * (size_t)frame.geometry.columns + (size_t)c;
	size_t byte = cell * frame.geometry.bytes_per_cell;
	if (byte >= heap_size(heap))
		return false;
	*address = byte;
	return true;
}

static size_t hex_row_bytes(size_t heap_size, int area_width)
{
	/* Each byte takes "xx " in the hex columns and one cell in the ASCII column. */
	int room = area_width - label_width(heap_size) - 1;
	size_t bytes = 1;
	while ((int)(bytes * 2) * 4 <= room && bytes < 64)
		bytes *= 2;
	return bytes;
}

size_t view_hex_bytes_per_row(int width)
{
	struct view_layout layout;
	view_layout(width, VIEW_MIN_HEIGHT, &layout);
	return hex_row_bytes(HEAP_DEFAULT_SIZE, layout.grid.width);
}

size_t view_hex_rows(const struct heap *heap, int width)
{
	struct view_layout layout;
	view_layout(width, VIEW_MIN_HEIGHT, &layout);
	size_t per_row = hex_row_bytes(heap_size(heap), layout.grid.width);
	return heap_size(heap) / per_row + (heap_size(heap) % per_row != 0);
}

/* --- painting cells ------------------------------------------------------------ */

struct grid_cell {
	uint8_t role;
	uint8_t hue;
	uint8_t priority;
	bool used;       /* owner is a used block (names go on its payload cells) */
	size_t block;    /* offset of the block the cell shows */
};

struct painter {
	struct grid_cell *cells;
	size_t count;
	size_t first_byte;
	size_t bytes_per_cell;
	struct view_hues hues;
	unsigned alignment;
};

static void paint_range(struct painter *painter, size_t start, size_t end, enum style_role role, uint8_t hue,
			const struct heap_block *block)
{
	size_t view_end = painter->first_byte + painter->count * painter->bytes_per_cell;
	if (start < painter->first_byte)
		start = painter->first_byte;
	if (end > view_end)
		end = view_end;
	if (end <= start)
		return;
	uint8_t priority = style_of(role)->priority;
	size_t first = (start - painter->first_byte) / painter->bytes_per_cell;
	size_t last = (end - 1 - painter->first_byte) / painter->bytes_per_cell;
	for (size_t i = first; i <= last; i++) {
		struct grid_cell *cell = &painter->cells[i];
		if (priority > cell->priority)
			*cell = (struct grid_cell){(uint8_t)role, hue, priority, block->state == BLOCK_USED, block->offset};
	}
}

static bool paint_block(const struct heap_block *block, void *context)
{
	struct painter *painter = context;
	size_t end = block->offset + block->size;
	if (end <= painter->first_byte)
		return true;
	if (block->offset >= painter->first_byte + painter->count * painter->bytes_per_cell)
		return false;
	size_t body = block->offset + block->header_size, body_end = end - block->footer_size;
	if (block->state == BLOCK_USED) {
		uint8_t hue = view_hue_of(&painter->hues, block->payload, painter->alignment);
		size_t requested_end = block->payload + block->requested;
		paint_range(painter, block->offset, body, ROLE_BLOCK_META, hue, block);
		paint_range(painter, body_end, end, ROLE_BLOCK_META, hue, block);
		paint_range(painter, block->payload, requested_end, ROLE_BLOCK_PAYLOAD, hue, block);
		paint_range(painter, body, block->payload, ROLE_BLOCK_PADDING, hue, block);
		paint_range(painter, requested_end, body_end, ROLE_BLOCK_PADDING, hue, block);
	} else if (block->state == BLOCK_FREE) {
		paint_range(painter, block->offset, body, ROLE_FREE_META, 0, block);
		paint_range(painter, body_end, end, ROLE_FREE_META, 0, block);
		paint_range(painter, body, body_end, ROLE_FREE, 0, block);
	} else {
		paint_range(painter, block->offset, end, ROLE_WILDERNESS, 0, block);
	}
	return true;
}

/* Roles of count cells of bytes_per_cell bytes from first_byte; false when the host is out of memory. */
static bool painter_run(struct painter *painter, const struct session *session, size_t first_byte, size_t count,
			size_t bytes_per_cell)
{
	const struct heap *heap = session_heap(session);
	memset(painter, 0, sizeof *painter);
	painter->cells = calloc(count ? count : 1, sizeof *painter->cells);
	if (!painter->cells)
		return false;
	painter->count = count;
	painter->first_byte = first_byte;
	painter->bytes_per_cell = bytes_per_cell;
	painter->alignment = heap_alignment(heap);
	view_hues_build(&painter->hues, session);
	heap_walk(heap, paint_block, painter);
	return true;
}

static void painter_release(struct painter *painter)
{
	free(painter->cells);
	view_hues_release(&painter->hues);
}

/* The selected block, if any: the view highlights every cell it owns. */
static bool selected_block(const struct session *session, const struct view_state *state, size_t *offset)
{
	struct heap_block block;
	if (!state->has_selection || !heap_block_at(session_heap(session), state->cursor, &block))
		return false;
	*offset = block.offset;
	return true;
}

static bool cursor_shown(const struct session *session, const struct view_state *state)
{
	return (state->focus == FOCUS_GRID || state->has_selection) && state->cursor < heap_size(session_heap(session));
}

/*
 * Next fit's roving pointer, where the next search starts: a mark left of the
 * row that holds it (the label's margin), so a class can follow it step by step.
 */
static void draw_rover(struct screen *screen, const struct heap *heap, const struct view_state *state,
		       const struct grid_frame *frame, struct view_rect area)
{
	if (heap_allocator(heap)->search_start == NULL || frame->geometry.label_width < 3)
		return;
	size_t row_bytes = (size_t)frame->geometry.columns * frame->geometry.bytes_per_cell;
	size_t row = heap_rover(heap) / row_bytes;
	if (row < (size_t)frame->first_row || row >= (size_t)frame->first_row + (size_t)frame->visible_rows)
		return;
	screen_put(screen, frame->top + (int)(row - (size_t)frame->first_row), area.column, 1,
		   view_symbol(state, SYM_ROVER), ROLE_KEY);
}

static void draw_label(struct screen *screen, int row, int column, int width, size_t address, size_t heap_size)
{
	if (width < 3)
		return;
	view_putf(screen, row, column + 1, width - 2, ROLE_LABEL, "0x%0*zx", hex_digits(heap_size), address);
}

/* --- legend ------------------------------------------------------------------- */

/* Rows the legend needs at width with long or short words. */
static int legend_rows(int width, bool short_words)
{
	int rows = 1, column = 1;
	for (size_t i = 0; i < CELL_STYLES; i++) {
		const char *word = short_words ? cell_styles[i].short_word : cell_styles[i].word;
		int need = 2 + (int)strlen(word);
		if (column + need > width - 1 && column > 1) {
			rows++;
			column = 1;
		}
		column += need + 2;
	}
	return rows;
}

static void draw_legend(struct screen *screen, const struct view_state *state, struct view_rect area, int top, int rows)
{
	bool short_words = legend_rows(area.width, false) > rows;
	int row = top, column = 1;
	for (size_t i = 0; i < CELL_STYLES && row < top + rows; i++) {
		const char *word = short_words ? cell_styles[i].short_word : cell_styles[i].word;
		int need = 2 + (int)strlen(word);
		if (column + need > area.width - 1 && column > 1) {
			row++;
			column = 1;
			if (row >= top + rows)
				break;
		}
		screen_put_char(screen, row, area.column + column, view_cell_glyph(cell_styles[i].role, state->ascii),
				cell_styles[i].role, (uint8_t)i, 0);
		screen_put(screen, row, area.column + column + 2, area.width - column - 2, word, ROLE_DIM);
		column += need + 2;
	}
}

static void legend_below(struct screen *screen, const struct view_state *state, struct view_rect area, int used_rows)
{
	int spare = area.height - used_rows;
	if (spare < 1)
		return;
	int gap = spare >= 3 ? 1 : 0;
	int rows = spare - gap;
	int need = legend_rows(area.width, false);
	if (need > rows)
		need = legend_rows(area.width, true);
	if (need > rows)
		need = rows;
	draw_legend(screen, state, area, area.row + used_rows + gap, need);
}

/* --- the grid ------------------------------------------------------------------- */

struct namer {
	struct screen *screen;
	const struct session *session;
	const struct painter *painter;
	const struct grid_frame *frame;
	bool has_selected;
	size_t selected;
};

static bool is_body(const struct grid_cell *cell, size_t block)
{
	return cell->block == block && cell->used &&
	       (cell->role == ROLE_BLOCK_PAYLOAD || cell->role == ROLE_BLOCK_PADDING);
}

static void place_name(const struct namer *namer, const char *name, int width, size_t run_start, size_t run,
		       size_t block)
{
	size_t columns = (size_t)namer->frame->geometry.columns;
	size_t at = run_start + (run - (size_t)width) / 2;
	bool selected = namer->has_selected && namer->selected == block;
	screen_put_styled(namer->screen, namer->frame->top + (int)(at / columns),
			  namer->frame->cells_column + (int)(at % columns), width, name, strlen(name),
			  selected ? ROLE_SELECTED : ROLE_BLOCK_PAYLOAD, namer->painter->cells[at].hue,
			  CELL_REVERSE | CELL_BOLD);
}

/* Draw a block's name centred in the first run of its payload cells on one row wide enough to hold it. */
static bool name_block(const struct heap_block *block, void *context)
{
	struct namer *namer = context;
	const struct painter *painter = namer->painter;
	size_t view_end = painter->first_byte + painter->count * painter->bytes_per_cell;
	if (block->offset >= view_end)
		return false;
	if (block->state != BLOCK_USED || block->offset + block->size <= painter->first_byte)
		return true;
	const char *name = session_name_at(namer->session, block->payload);
	if (!name || !name[0])
		return true;
	int width = (int)screen_text_width(name, strlen(name));
	size_t start = block->offset < painter->first_byte ? painter->first_byte : block->offset;
	size_t end = block->offset + block->size < view_end ? block->offset + block->size : view_end;
	size_t first = (start - painter->first_byte) / painter->bytes_per_cell;
	size_t last = (end - 1 - painter->first_byte) / painter->bytes_per_cell;
	size_t columns = (size_t)namer->frame->geometry.columns;
	size_t run_start = 0, run = 0;
	for (size_t i = first; i <= last; i++) {
		bool body = is_body(&painter->cells[i], block->offset);
		if (body && run > 0 && i % columns != 0) {
			run++;
			continue;
		}
		if (run >= (size_t)width) {
			place_name(namer, name, width, run_start, run, block->offset);
			return true;
		}
		run = body ? 1 : 0;
		run_start = i;
	}
	if (run >= (size_t)width)
		place_name(namer, name, width, run_start, run, block->offset);
	return true;
}

void view_draw_grid(struct screen *screen, const struct session *session, const struct view_state *state,
		    struct view_rect area)
{
	const struct heap *heap = session_heap(session);
	size_t size = heap_size(heap);
	struct grid_frame frame;
	frame_grid(size, area, state->grid_scroll, &frame);
	size_t columns = (size_t)frame.geometry.columns, bytes = frame.geometry.bytes_per_cell;
	size_t count = (size_t)frame.visible_rows * columns;
	size_t first_byte = (size_t)frame.first_row * columns * bytes;

	struct painter painter;
	if (!painter_run(&painter, session, first_byte, count, bytes)) {
		screen_put(screen, area.row, area.column + 1, area.width - 2, "out of memory drawing the grid", ROLE_ERROR);
		return;
	}
	size_t selected = 0;
	bool has_selected = selected_block(session, state, &selected);
	for (int r = 0; r < frame.visible_rows; r++) {
		size_t row_address = first_byte + (size_t)r * columns * bytes;
		draw_label(screen, frame.top + r, area.column, frame.geometry.label_width, row_address, size);
		for (size_t c = 0; c < columns; c++) {
			const struct grid_cell *cell = &painter.cells[(size_t)r * columns + c];
			if (row_address + c * bytes >= size || cell->priority == 0)
				continue;
			enum style_role role = cell->role;
			uint32_t glyph = view_cell_glyph(role, state->ascii);
			if (has_selected && cell->block == selected)
				role = ROLE_SELECTED;
			screen_put_char(screen, frame.top + r, frame.cells_column + (int)c, glyph, role, cell->hue, 0);
		}
	}
	struct namer namer = {screen, session, &painter, &frame, has_selected, selected};
	heap_walk(heap, name_block, &namer);
	draw_rover(screen, heap, state, &frame, area);

	if (cursor_shown(session, state)) {
		size_t cell = state->cursor / bytes;
		size_t first_cell = (size_t)frame.first_row * columns;
		if (cell >= first_cell && cell < first_cell + count) {
			size_t i = cell - first_cell;
			struct cell *target = screen_cell(screen, frame.top + (int)(i / columns),
							  frame.cells_column + (int)(i % columns));
			if (target) {
				target->role = ROLE_CURSOR;
				target->flags |= CELL_BOLD;
			}
		}
	}
	painter_release(&painter);
	legend_below(screen, state, area, frame.visible_rows);
}

/* --- the hex view --------------------------------------------------------------- */

void view_draw_hex(struct screen *screen, const struct session *session, const struct view_state *state,
		   struct view_rect area)
{
	const struct heap *heap = session_heap(session);
	size_t size = heap_size(heap);
	size_t per_row = hex_row_bytes(size, area.width);
	size_t rows = size / per_row + (size % per_row != 0);
	size_t room = area.height > 1 ? (size_t)area.height - 1 : 1;
	size_t visible = rows < room ? rows : room;
	size_t first_row = state->hex_scroll < rows - visible ? state->hex_scroll : rows - visible;
	size_t first_byte = first_row * per_row;

	struct painter painter;
	if (!painter_run(&painter, session, first_byte, visible * per_row, 1)) {
		screen_put(screen, area.row, area.column + 1, area.width - 2, "out of memory drawing the bytes", ROLE_ERROR);
		return;
	}
	size_t selected = 0;
	bool has_selected = selected_block(session, state, &selected);
	bool show_cursor = cursor_shown(session, state);
	const uint8_t *data = heap_bytes(heap);
	int label = label_width(size);
	int hex_column = area.column + label, ascii_column = hex_column + (int)per_row * 3;
	/* Free blocks' in-band link words (seglist, tlsf): 'n' / 'p' in the ASCII column, the free-header style in hex. */
	uint8_t *links = view_free_lists_link_marks(heap, first_byte, visible * per_row);
	for (size_t r = 0; r < visible; r++) {
		int row = area.row + (int)r;
		size_t address = first_byte + r * per_row;
		draw_label(screen, row, area.column, label, address, size);
		for (size_t i = 0; i < per_row && address + i < size; i++) {
			const struct grid_cell *cell = &painter.cells[r * per_row + i];
			enum style_role role = cell->priority ? cell->role : ROLE_TEXT;
			if (has_selected && cell->block == selected)
				role = ROLE_SELECTED;
			if (show_cursor && address + i == state->cursor)
				role = ROLE_CURSOR;
			uint8_t byte = data[address + i];
			uint8_t link = links ? links[r * per_row + i] : 0;
			if (link && role == ROLE_FREE)
				role = ROLE_FREE_META;
			char hex[3] = {"0123456789abcdef"[byte >> 4], "0123456789abcdef"[byte & 15], 0};
			screen_put_styled(screen, row, hex_column + (int)i * 3, 2, hex, 2, role, cell->hue, 0);
			/* Only printable ASCII reaches the screen as itself. */
			screen_put_char(screen, row, ascii_column + (int)i,
					link ? link : byte >= 0x20 && byte < 0x7f ? byte : '.', role, cell->hue, 0);
		}
	}
	painter_release(&painter);
	int used = (int)visible;
	if (links && used < area.height) {
		view_putf(screen, area.row + used, area.column + 1, area.width - 2, ROLE_LABEL, "%s",
			  area.width >= 44 ? "n p: a free block's next / prev link word" : "n p: next / prev link");
		used++;
	}
	free(links);
	legend_below(screen, state, area, used);
}
