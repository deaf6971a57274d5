/* names.c - two small open-addressing tables (name -> payload, payload -> name) that copy with memcpy. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Both tables use linear probing with backward-shift deletion, so there are
 * no tombstones and a clone is two memcpy calls: sessions take a copy of the
 * names at every checkpoint.
 */
struct name_slot {
	bool used;
	char name[NAMES_NAME_MAX + 1];
	size_t payload;
};

struct names {
	struct name_slot *by_name;
	struct name_slot *by_payload; /* only bindings to real payloads (not NULL) */
	size_t capacity;              /* a power of two, same for both tables */
	size_t count;                 /* entries in by_name */
	size_t payload_count;
};

static uint64_t hash_name(const char *name)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t hash_payload(size_t payload)
{
	uint64_t h = (uint64_t)payload * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static struct names *names_alloc(size_t capacity)
{
	struct names *names = calloc(1, sizeof *names);
	if (!names)
		return NULL;
	names->by_name = calloc(capacity, sizeof *names->by_name);
	names->by_payload = calloc(capacity, sizeof *names->by_payload);
	if (!names->by_name || !names->by_payload) {
		names_destroy(names);
		return NULL;
	}
	names->capacity = capacity;
	return names;
}

struct names *names_create(void)
{
	return names_alloc(16);
}

void names_destroy(struct names *names)
{
	if (!names)
		return;
	free(names->by_name);
	free(names->by_payload);
	free(names);
}

struct names *names_clone(const struct names *names)
{
	/* Not names_alloc: every slot is copied over, so zeroing them first (calloc) was half of a checkpoint's cost. */
	struct names *copy = calloc(1, sizeof *copy);
	if (!copy)
		return NULL;
	copy->by_name = malloc(names->capacity * sizeof *copy->by_name);
	copy->by_payload = malloc(names->capacity * sizeof *copy->by_payload);
	copy->capacity = names->capacity;
	if (!copy->by_name || !copy->by_payload) {
		names_destroy(copy);
		return NULL;
	}
	memcpy(copy->by_name, names->by_name, names->capacity * sizeof *names->by_name);
	memcpy(copy->by_payload, names->by_payload, names->capacity * sizeof *names->by_payload);
	copy->count = names->count;
	copy->payload_count = names->payload_count;
	return copy;
}

bool names_copy_into(struct names *dst, const struct names *src)
{
	if (dst->capacity != src->capacity) {
		struct name_slot *by_name = calloc(src->capacity, sizeof *by_name);
		struct name_slot *by_payload = calloc(src->capacity, sizeof *by_payload);
		if (!by_name || !by_payload) {
			free(by_name);
			free(by_payload);
			return false;
		}
		free(dst->by_name);
		free(dst->by_payload);
		dst->by_name = by_name;
		dst->by_payload = by_payload;
		dst->capacity = src->capacity;
	}
	memcpy(dst->by_name, src->by_name, src->capacity * sizeof *src->by_name);
	memcpy(dst->by_payload, src->by_payload, src->capacity * sizeof *src->by_payload);
	dst->count = src->count;
	dst->payload_count = src->payload_count;
	return true;
}

static size_t find_name(const struct names *names, const char *name)
{
	size_t mask = names->capacity - 1;
	size_t i = (size_t)hash_name(name) & mask;
	while (names->by_name[i].used && strcmp(names->by_name[i].name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

static size_t find_payload(const struct names *names, size_t payload)
{
	size_t mask = names->capacity - 1;
	size_t i = (size_t)hash_payload(payload) & mask;
	while (names->by_payload[i].used && names->by_payload[i].payload != payload)
		i = (i + 1) & mask;
	return i;
}

/* Remove slot i from a table and shift later members of its probe run back into the gap. */
static void remove_slot(struct name_slot *table, size_t capacity, size_t i, bool keyed_by_name)
{
	size_t mask = capacity - 1;
	table[i].used = false;
	for (size_t j = (i + 1) & mask; table[j].used; j = (j + 1) & mask) {
		size_t home = (size_t)(keyed_by_name ? hash_name(table[j].name)
						     : hash_payload(table[j].payload)) & mask;
		/* Move j into the gap unless its home lies cyclically in (i, j]. */
		bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		table[i] = table[j];
		table[j].used = false;
		i = j;
	}
}

static bool grow(struct names *names)
{
	size_t capacity = names->capacity * 2;
	struct names *bigger = names_alloc(capacity);
	if (!bigger)
		return false;
	for (size_t i = 0; i < names->capacity; i++) {
		if (names->by_name[i].used)
			bigger->by_name[find_name(bigger, names->by_name[i].name)] = names->by_name[i];
		if (names->by_payload[i].used)
			bigger->by_payload[find_payload(bigger, names->by_payload[i].payload)] = names->by_payload[i];
	}
	free(names->by_name);
	free(names->by_payload);
	names->by_name = bigger->by_name;
	names->by_payload = bigger->by_payload;
	names->capacity = capacity;
	free(bigger);
	return true;
}

void names_unbind(struct names *names, const char *name)
{
	size_t i = find_name(names, name);
	if (!names->by_name[i].used)
		return;
	size_t payload = names->by_name[i].payload;
	remove_slot(names->by_name, names->capacity, i, true);
	names->count--;
	if (names_is_address(payload)) {
		size_t j = find_payload(names, payload);
		if (names->by_payload[j].used && strcmp(names->by_payload[j].name, name) == 0) {
			remove_slot(names->by_payload, names->capacity, j, false);
			names->payload_count--;
		}
	}
}

bool names_bind(struct names *names, const char *name, size_t payload)
{
	if (strlen(name) > NAMES_NAME_MAX)
		return false;
	names_unbind(names, name);
	if ((names->count + 1) * 4 > names->capacity * 3 && !grow(names))
		return false;
	if (names_is_address(payload)) {
		/* A payload carries one name: a stale binding to the same address goes. */
		const char *old = names_at(names, payload);
		if (old) {
			char copy[NAMES_NAME_MAX + 1];
			strcpy(copy, old);
			names_unbind(names, copy);
		}
	}
	struct name_slot slot = { .used = true, .payload = payload };
	strcpy(slot.name, name);
	names->by_name[find_name(names, name)] = slot;
	names->count++;
	if (names_is_address(payload)) {
		names->by_payload[find_payload(names, payload)] = slot;
		names->payload_count++;
	}
	return true;
}

bool names_lookup(const struct names *names, const char *name, size_t *payload)
{
	size_t i = find_name(names, name);
	if (!names->by_name[i].used)
		return false;
	*payload = names->by_name[i].payload;
	return true;
}

const char *names_at(const struct names *names, size_t payload)
{
	if (!names_is_address(payload))
		return NULL;
	size_t i = find_payload(names, payload);
	return names->by_payload[i].used ? names->by_payload[i].name : NULL;
}

size_t names_count(const struct names *names)
{
	return names->count;
}

void names_each(const struct names *names, bool (*visit)(const char *name, size_t payload, void *context), void *context)
{
	for (size_t i = 0; i < names->capacity; i++)
		if (names->by_name[i].used && !visit(names->by_name[i].name, names->by_name[i].payload, context))
			return;
}
