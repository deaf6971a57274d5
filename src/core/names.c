/* names.c - two small open-addressing tables (name -> payload, payload -> name) in copy-on-write pages. */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

/*
 * Both tables use linear probing with backward-shift deletion, so there are
 * no tombstones. Each table's slots live in copy-on-write 4 KiB pages
 * (pages.h), as a heap's bytes do: sessions take a copy of the names at
 * every checkpoint, and a copy then costs the pages the steps in between
 * changed, not the whole table (a trace's 3,000 names are 200 KiB).
 */
struct name_slot {
	bool used;
	char name[NAMES_NAME_MAX + 1];
	size_t payload;
};

enum { BY_NAME, BY_PAYLOAD };

struct names {
	struct pages store[2];        /* the slots of by_name and by_payload */
	struct name_slot *by_name;    /* the working copies; NULL in a clone until it is read or changed */
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

/* The working copies, made from the pages when there are none yet; false on host OOM. Logically const. */
static bool ready(const struct names *names)
{
	struct names *mutable = (struct names *)names; /* names are always malloc'd, never const objects */
	if (names->by_name)
		return true;
	uint8_t *by_name = pages_data(&mutable->store[BY_NAME]);
	uint8_t *by_payload = pages_data(&mutable->store[BY_PAYLOAD]);
	if (!by_name || !by_payload)
		return false;
	mutable->by_name = (struct name_slot *)(void *)by_name;
	mutable->by_payload = (struct name_slot *)(void *)by_payload;
	return true;
}

/* Every store into a slot is announced, or the next copy would not see it. */
static void put_slot(struct names *names, int table, size_t i, const struct name_slot *slot)
{
	struct name_slot *slots = table == BY_NAME ? names->by_name : names->by_payload;
	pages_touch(&names->store[table], i * sizeof *slots, (i + 1) * sizeof *slots);
	slots[i] = *slot;
}

static struct names *names_alloc(size_t capacity)
{
	struct names *names = calloc(1, sizeof *names);
	if (!names)
		return NULL;
	if (!pages_init(&names->store[BY_NAME], capacity * sizeof(struct name_slot))) {
		free(names);
		return NULL;
	}
	if (!pages_init(&names->store[BY_PAYLOAD], capacity * sizeof(struct name_slot))) {
		pages_release(&names->store[BY_NAME]);
		free(names);
		return NULL;
	}
	names->capacity = capacity;
	ready(names); /* pages_init made the working copies: cannot fail */
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
	pages_release(&names->store[BY_NAME]);
	pages_release(&names->store[BY_PAYLOAD]);
	free(names);
}

struct names *names_clone(const struct names *names)
{
	struct names *source = (struct names *)names; /* its slots do not change, only how their pages are shared */
	struct names *copy = calloc(1, sizeof *copy);
	if (!copy)
		return NULL;
	if (!pages_clone(&copy->store[BY_NAME], &source->store[BY_NAME])) {
		free(copy);
		return NULL;
	}
	if (!pages_clone(&copy->store[BY_PAYLOAD], &source->store[BY_PAYLOAD])) {
		pages_release(&copy->store[BY_NAME]);
		free(copy);
		return NULL;
	}
	copy->capacity = names->capacity;
	copy->count = names->count;
	copy->payload_count = names->payload_count;
	return copy;
}

bool names_copy_into(struct names *dst, const struct names *src)
{
	struct names *source = (struct names *)src;
	if (dst == src)
		return true;
	if (dst->capacity != src->capacity) {
		struct names *copy = names_clone(src);
		if (!copy || !ready(copy)) {
			names_destroy(copy);
			return false;
		}
		pages_release(&dst->store[BY_NAME]);
		pages_release(&dst->store[BY_PAYLOAD]);
		*dst = *copy;
		free(copy);
		return true;
	}
	/* Publishing is the only step that can fail; after it, copying pages allocates nothing. */
	if (!pages_publish(&source->store[BY_NAME]) || !pages_publish(&source->store[BY_PAYLOAD]))
		return false;
	pages_copy_into(&dst->store[BY_NAME], &source->store[BY_NAME]);
	pages_copy_into(&dst->store[BY_PAYLOAD], &source->store[BY_PAYLOAD]);
	dst->count = src->count;
	dst->payload_count = src->payload_count;
	return true;
}

size_t names_bytes_not_shared_with(const struct names *names, const struct names *base)
{
	return sizeof *names + pages_bytes_not_in(&names->store[BY_NAME], base ? &base->store[BY_NAME] : NULL) +
	       pages_bytes_not_in(&names->store[BY_PAYLOAD], base ? &base->store[BY_PAYLOAD] : NULL);
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
static void remove_slot(struct names *names, int table, size_t i)
{
	struct name_slot *slots = table == BY_NAME ? names->by_name : names->by_payload;
	const struct name_slot empty = { .used = false };
	size_t mask = names->capacity - 1;
	put_slot(names, table, i, &empty);
	for (size_t j = (i + 1) & mask; slots[j].used; j = (j + 1) & mask) {
		size_t home = (size_t)(table == BY_NAME ? hash_name(slots[j].name) : hash_payload(slots[j].payload)) & mask;
		/* Move j into the gap unless its home lies cyclically in (i, j]. */
		bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		put_slot(names, table, i, &slots[j]);
		put_slot(names, table, j, &empty);
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
			put_slot(bigger, BY_NAME, find_name(bigger, names->by_name[i].name), &names->by_name[i]);
		if (names->by_payload[i].used)
			put_slot(bigger, BY_PAYLOAD, find_payload(bigger, names->by_payload[i].payload), &names->by_payload[i]);
	}
	pages_release(&names->store[BY_NAME]);
	pages_release(&names->store[BY_PAYLOAD]);
	names->store[BY_NAME] = bigger->store[BY_NAME];
	names->store[BY_PAYLOAD] = bigger->store[BY_PAYLOAD];
	names->by_name = bigger->by_name;
	names->by_payload = bigger->by_payload;
	names->capacity = capacity;
	free(bigger);
	return true;
}

void names_unbind(struct names *names, const char *name)
{
	if (!ready(names))
		return;
	size_t i = find_name(names, name);
	if (!names->by_name[i].used)
		return;
	size_t payload = names->by_name[i].payload;
	remove_slot(names, BY_NAME, i);
	names->count--;
	if (names_is_address(payload)) {
		size_t j = find_payload(names, payload);
		if (names->by_payload[j].used && strcmp(names->by_payload[j].name, name) == 0) {
			remove_slot(names, BY_PAYLOAD, j);
			names->payload_count--;
		}
	}
}

bool names_bind(struct names *names, const char *name, size_t payload)
{
	if (strlen(name) > NAMES_NAME_MAX || !ready(names))
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
	put_slot(names, BY_NAME, find_name(names, name), &slot);
	names->count++;
	if (names_is_address(payload)) {
		put_slot(names, BY_PAYLOAD, find_payload(names, payload), &slot);
		names->payload_count++;
	}
	return true;
}

bool names_lookup(const struct names *names, const char *name, size_t *payload)
{
	if (!ready(names))
		return false;
	size_t i = find_name(names, name);
	if (!names->by_name[i].used)
		return false;
	*payload = names->by_name[i].payload;
	return true;
}

const char *names_at(const struct names *names, size_t payload)
{
	if (!names_is_address(payload) || !ready(names))
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
	if (!ready(names))
		return;
	for (size_t i = 0; i < names->capacity; i++)
		if (names->by_name[i].used && !visit(names->by_name[i].name, names->by_name[i].payload, context))
			return;
}
