/* view_hues.c - each live allocation's hue: a map from payload to the step that created it, rebuilt from history. */
#include "view_hues.h"

#include <stdbool.h>
#include <stdlib.h>

#include "screen.h"

static size_t hue_slot(const struct view_hues *map, size_t key)
{
	uint64_t hash = (uint64_t)key * 0x9e3779b97f4a7c15u;
	size_t slot = (size_t)(hash >> 17) & (map->capacity - 1);
	while (map->keys[slot] && map->keys[slot] != key)
		slot = (slot + 1) & (map->capacity - 1);
	return slot;
}

static bool hue_grow(struct view_hues *map)
{
	struct view_hues bigger = {NULL, NULL, map->capacity ? map->capacity * 2 : 64, 0};
	bigger.keys = calloc(bigger.capacity, sizeof *bigger.keys);
	bigger.steps = calloc(bigger.capacity, sizeof *bigger.steps);
	if (!bigger.keys || !bigger.steps) {
		free(bigger.keys);
		free(bigger.steps);
		return false;
	}
	for (size_t i = 0; i < map->capacity; i++) {
		if (map->keys[i]) {
			size_t slot = hue_slot(&bigger, map->keys[i]);
			bigger.keys[slot] = map->keys[i];
			bigger.steps[slot] = map->steps[i];
			bigger.count++;
		}
	}
	free(map->keys);
	free(map->steps);
	*map = bigger;
	return true;
}

static bool hue_get(const struct view_hues *map, size_t payload, size_t *step)
{
	if (!map->capacity || payload == (size_t)-1)
		return false;
	size_t slot = hue_slot(map, payload + 1);
	if (!map->keys[slot])
		return false;
	*step = map->steps[slot];
	return true;
}

static bool hue_put(struct view_hues *map, size_t payload, size_t step)
{
	if (payload == (size_t)-1)
		return true;
	if ((map->count + 1) * 2 > map->capacity && !hue_grow(map))
		return false;
	size_t slot = hue_slot(map, payload + 1);
	if (!map->keys[slot])
		map->count++;
	map->keys[slot] = payload + 1;
	map->steps[slot] = step;
	return true;
}

void view_hues_build(struct view_hues *map, const struct session *session)
{
	size_t current = session_step(session);
	for (size_t step = 1; step <= current; step++) {
		struct step_outcome outcome;
		enum command_kind kind;
		if (!session_step_outcome(session, step, &outcome, &kind))
			break;
		if (outcome.kind != OUTCOME_PLACED)
			continue;
		size_t origin = step;
		if (kind == CMD_REALLOC)
			hue_get(map, outcome.placement.old_payload, &origin);
		if (!hue_put(map, outcome.placement.payload, origin))
			return;   /* out of host memory: the rest fall back to address hues */
	}
}

void view_hues_release(struct view_hues *map)
{
	free(map->keys);
	free(map->steps);
}

uint8_t view_hue_of(const struct view_hues *map, size_t payload, unsigned alignment)
{
	size_t step;
	if (!hue_get(map, payload, &step))
		step = payload / (alignment ? alignment : 8);
	return (uint8_t)(step % SCREEN_HUES);
}
