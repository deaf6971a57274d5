/* view_free_lists.c - the free-list view: the allocator's free structures in walk order, beside the grid, the cursor's block marked. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "free_lists.h"

/*
 * Drawn in the panel's place (next to the grid at 80x24, under it on a
 * narrow terminal). It reads the lane the frame is of, so in compare mode
 * it is the lane under the cursor (view_render zooms into it). The block
 * under the inspector cursor, when it is free, is the selected entry: the
 * grid marks the same block, and n / p move the cursor along the walk
 * (ui_keys.c), so both directions follow from the cursor alone. Lines are
 * whole or left out, never cut: a list's heading is kept with the selected
 * entry when the view has to scroll.
 */

enum { LINE_TEXT = 48 };

struct fl_line {
	char text[LINE_TEXT];
	enum style_role role;
	bool selected;
};

static int address_digits(size_t heap_size)
{
	size_t last = heap_size ? heap_size - 1 : 0;
	int digits = 1;

	while (last >>= 4)
		digits++;
	return digits < 3 ? 3 : digits;
}

/* A list's heading in the allocator's own terms. */
static void list_label(const struct free_list *list, const struct heap *heap, char *out, size_t size)
{
	char low[16];

	view_format_bytes(list->min_size, low, sizeof low);
	switch (list->kind) {
	case FREE_LIST_ADDRESS:
		if (heap_allocator(heap)->search_start != NULL)
			snprintf(out, size, "from rover 0x%0*zx", address_digits(heap_size(heap)),
				 heap_rover(heap) < heap_break(heap) ? heap_rover(heap) : (size_t)0);
		else
			snprintf(out, size, "address order");
		break;
	case FREE_LIST_ORDER:
		snprintf(out, size, "order %u: %s", list->class_index, low);
		break;
	case FREE_LIST_SIZE_CLASS:
		snprintf(out, size, "class %zu-%zu B", list->min_size, list->max_size);
		break;
	case FREE_LIST_TLSF:
		snprintf(out, size, "(%u,%u) %zu-%zu B", list->class_index, list->sub, list->min_size, list->max_size);
		break;
	case FREE_LIST_EXPLICIT:
		snprintf(out, size, "%s list", list->insert == FREE_INSERT_FIFO ? "fifo" : "lifo");
		break;
	case FREE_LIST_SLAB:
		snprintf(out, size, "slab 0x%zx: %s", list->slab, low);
		break;
	}
}

/* The free block holding the cursor, as its place in lists; false when the cursor is not on a listed free block. */
bool view_free_lists_selected(const struct heap *heap, const struct free_lists *lists, size_t cursor, size_t *list,
			      size_t *index)
{
	struct heap_block block;

	if (!heap_block_at(heap, cursor, &block) || block.state != BLOCK_FREE)
		return false;
	return free_lists_find(lists, block.offset, list, index);
}

static size_t build_lines(const struct heap *heap, const struct free_lists *lists, const struct view_state *state,
			  struct fl_line *lines, size_t most, size_t *selected_line, size_t *selected_head)
{
	size_t count = 0, sel_list = SIZE_MAX, sel_index = SIZE_MAX;
	int digits = address_digits(heap_size(heap));
	const char *mark = view_symbol(state, SYM_ROVER);

	*selected_line = *selected_head = SIZE_MAX;
	view_free_lists_selected(heap, lists, state->cursor, &sel_list, &sel_index);
	if (lists->has_bitmaps && count < most) {
		snprintf(lines[count].text, LINE_TEXT, "FL bitmap 0x%08x", (unsigned)lists->first_level);
		lines[count++].role = ROLE_LABEL;
	}
	for (size_t l = 0; l < lists->list_count && count < most; l++) {
		const struct free_list *one = &lists->lists[l];
		size_t head = count;

		list_label(one, heap, lines[count].text, LINE_TEXT);
		lines[count++].role = ROLE_HEADING;
		if (one->kind == FREE_LIST_TLSF && count < most &&
		    (l == 0 || lists->lists[l - 1].class_index != one->class_index)) {
			snprintf(lines[count].text, LINE_TEXT, " SL %u bitmap 0x%04x", one->class_index,
				 (unsigned)lists->second_level[one->class_index]);
			lines[count++].role = ROLE_LABEL;
		}
		for (size_t i = 0; i < one->count && count < most; i++) {
			const struct free_list_block *block = &lists->blocks[one->first + i];
			char size[16];
			bool selected = l == sel_list && i == sel_index;

			view_format_bytes(block->size, size, sizeof size);
			snprintf(lines[count].text, LINE_TEXT, "%s 0x%0*zx %8s", selected ? mark : " ", digits, block->offset,
				 size);
			lines[count].role = selected ? ROLE_SELECTED : ROLE_VALUE;
			lines[count].selected = selected;
			if (selected) {
				*selected_line = count;
				*selected_head = head;
			}
			count++;
		}
	}
	if (count == most && sel_list != SIZE_MAX && *selected_line == SIZE_MAX && most >= 2) {
		/* A walk longer than the lines kept: the selected entry and its list's heading take the last two. */
		const struct free_list *one = &lists->lists[sel_list];
		const struct free_list_block *block = &lists->blocks[one->first + sel_index];
		char size[16];

		list_label(one, heap, lines[most - 2].text, LINE_TEXT);
		lines[most - 2].role = ROLE_HEADING;
		lines[most - 2].selected = false;
		view_format_bytes(block->size, size, sizeof size);
		snprintf(lines[most - 1].text, LINE_TEXT, "%s 0x%0*zx %8s", mark, digits, block->offset, size);
		lines[most - 1].role = ROLE_SELECTED;
		lines[most - 1].selected = true;
		*selected_line = most - 1;
		*selected_head = most - 2;
	}
	if (lists->list_count == 0 && count < most) {
		/* covers_all false with nothing listed: the allocator has no free_lists hook (or the host ran out of memory). */
		snprintf(lines[count].text, LINE_TEXT, lists->covers_all ? "no free blocks" : "not described");
		lines[count++].role = ROLE_DIM;
	}
	if (!lists->covers_all && lists->list_count > 0 && count < most) {
		snprintf(lines[count].text, LINE_TEXT, "not every free block");
		lines[count++].role = ROLE_ERROR;
	}
	return count;
}

/*
 * The first line to show in rows rows: from the top, or from the selected
 * entry's list heading; when the entry is further down its list than rows,
 * the heading is kept on the first row (*sticky) and the entry is the last.
 */
static size_t first_shown(size_t count, size_t rows, size_t selected_line, size_t selected_head, size_t *sticky)
{
	*sticky = SIZE_MAX;
	if (count <= rows || selected_line == SIZE_MAX || selected_line < rows || rows < 2)
		return 0;
	if (selected_line - selected_head < rows)
		return selected_head;
	*sticky = selected_head;
	return selected_line - (rows - 2);
}

void view_draw_free_lists(struct screen *screen, const struct session *session, const struct view_state *state,
			  const struct view_layout *layout)
{
	/* A screen shows far fewer: the lines kept are bounded, the selected entry always among them. */
	enum { MOST_LINES = 256 };
	struct fl_line lines[MOST_LINES];
	struct view_rect panel = layout->panel;
	const struct heap *heap = session_heap(session);
	struct free_lists lists = { 0 };
	int row = panel.row, column, width, rows;
	size_t count, selected_line, selected_head, start, sticky;

	if (panel.width <= 0 || panel.height <= 0 || heap == NULL)
		return;
	if (layout->panel_beside) {
		for (int r = 0; r < panel.height; r++)
			screen_put(screen, panel.row + r, panel.column, 1, view_symbol(state, SYM_VLINE), ROLE_BORDER);
		column = panel.column + 2;
		width = panel.width - 2;
	} else {
		column = panel.column + 1;
		width = panel.width - 2;
	}
	view_heading(screen, row++, column, width, state, "free lists");
	rows = panel.row + panel.height - row;
	heap_free_lists(heap, &lists);
	count = build_lines(heap, &lists, state, lines, MOST_LINES, &selected_line, &selected_head);
	if (rows == 1 && selected_line != SIZE_MAX) {
		/* One row (a small terminal, the view under the grid): the entry, after its list's label where both fit. */
		char both[2 * LINE_TEXT + 2];
		const char *text = lines[selected_line].text;

		snprintf(both, sizeof both, "%s %s", lines[selected_head].text, text);
		if ((int)screen_text_width(both, strlen(both)) <= width)
			screen_put(screen, row, column, width, both, ROLE_SELECTED);
		else if ((int)screen_text_width(text, strlen(text)) <= width)
			screen_put(screen, row, column, width, text, ROLE_SELECTED);
		free_lists_release(&lists);
		return;
	}
	start = first_shown(count, rows > 0 ? (size_t)rows : 0, selected_line, selected_head, &sticky);
	if (sticky != SIZE_MAX)
		screen_put(screen, row++, column, width, lines[sticky].text, lines[sticky].role);
	for (size_t i = start; i < count && row < panel.row + panel.height; i++) {
		int need = (int)screen_text_width(lines[i].text, strlen(lines[i].text));

		if (need > width)
			continue; /* whole lines only */
		screen_put(screen, row++, column, width, lines[i].text, lines[i].role);
	}
	free_lists_release(&lists);
}

bool view_free_lists_step(const struct heap *heap, size_t cursor, bool forward, size_t *offset)
{
	struct free_lists lists = { 0 };
	size_t list, index, at;
	bool found = false;

	heap_free_lists(heap, &lists);
	if (lists.block_count > 0) {
		if (view_free_lists_selected(heap, &lists, cursor, &list, &index)) {
			at = lists.lists[list].first + index;
			at = forward ? (at + 1) % lists.block_count : (at + lists.block_count - 1) % lists.block_count;
		} else {
			at = forward ? 0 : lists.block_count - 1;
		}
		*offset = lists.blocks[at].offset;
		found = true;
	}
	free_lists_release(&lists);
	return found;
}

/*
 * For the count bytes from first: 'n' where a listed free block's next link
 * word lies, 'p' for its prev link, else 0 (free_lists.h). NULL when the
 * allocator keeps no in-band links or the host is out of memory.
 */
uint8_t *view_free_lists_link_marks(const struct heap *heap, size_t first, size_t count)
{
	struct free_lists lists = { 0 };
	uint8_t *marks = NULL;

	heap_free_lists(heap, &lists);
	if (lists.in_band_links && count > 0 && (marks = calloc(count, 1)) != NULL) {
		for (size_t b = 0; b < lists.block_count; b++) {
			size_t at = lists.blocks[b].offset + lists.link_offset;

			for (size_t k = 0; k < 8; k++)
				if (at + k >= first && at + k < first + count)
					marks[at + k - first] = k < 4 ? 'n' : 'p';
		}
	}
	free_lists_release(&lists);
	return marks;
}
