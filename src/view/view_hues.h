/* view_hues.h - each live allocation's hue, from the step that created it (the grid's and the hex view's colours). */
#ifndef HEAPVIZ_VIEW_HUES_H
#define HEAPVIZ_VIEW_HUES_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/*
 * A live allocation's hue comes from the step that created it (a realloc
 * keeps its block's hue), so it never changes while the allocation lives and
 * consecutive allocations - usually neighbours - get different hues. The map
 * from payload to creating step is rebuilt from history each frame: open
 * addressing, later placements at an address overwrite earlier ones.
 */
struct view_hues {
	size_t *keys;    /* payload + 1; 0 = empty */
	size_t *steps;
	size_t capacity; /* a power of two */
	size_t count;
};

/* Build the map for the session's current step (zeroed first by the caller); out of host memory, it stays partial. */
void view_hues_build(struct view_hues *map, const struct session *session);
void view_hues_release(struct view_hues *map);
/* The hue of the allocation at payload: its creating step's, or from its address when the map lacks it. */
uint8_t view_hue_of(const struct view_hues *map, size_t payload, unsigned alignment);

#endif
