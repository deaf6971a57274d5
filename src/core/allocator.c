/* allocator.c - the registry of allocators: the one table that names, titles, parses and lists them. */
#include "allocator.h"

#include <strings.h>

#include "heap_internal.h"

/* Each allocator's table, defined in its own file. */
extern const struct allocator_ops first_fit_allocator, next_fit_allocator, best_fit_allocator, worst_fit_allocator,
	buddy_allocator;

/* Adding an allocator: its file(s), a value in enum heap_policy and one row here. */
static const struct allocator_ops *const registry[POLICY_COUNT] = {
	[POLICY_FIRST_FIT] = &first_fit_allocator,
	[POLICY_NEXT_FIT] = &next_fit_allocator,
	[POLICY_BEST_FIT] = &best_fit_allocator,
	[POLICY_WORST_FIT] = &worst_fit_allocator,
	[POLICY_BUDDY] = &buddy_allocator,
};

size_t allocator_count(void)
{
	return POLICY_COUNT;
}

const struct allocator_ops *allocator_get(enum heap_policy policy)
{
	return (unsigned)policy < POLICY_COUNT ? registry[policy] : NULL;
}

bool allocator_find(const char *word, enum heap_policy *policy)
{
	if (word == NULL)
		return false;
	for (unsigned i = 0; i < POLICY_COUNT; i++) {
		if (strcasecmp(word, registry[i]->name) == 0) {
			*policy = (enum heap_policy)i;
			return true;
		}
	}
	return false;
}

const struct allocator_ops *heap_allocator(const struct heap *heap)
{
	return heap->ops;
}

const char *heap_policy_name(enum heap_policy policy)
{
	const struct allocator_ops *ops = allocator_get(policy);

	return ops != NULL ? ops->name : "unknown";
}

const char *heap_policy_title(enum heap_policy policy)
{
	const struct allocator_ops *ops = allocator_get(policy);

	return ops != NULL ? ops->title : "unknown";
}

bool heap_policy_parse(const char *word, enum heap_policy *policy)
{
	return allocator_find(word, policy);
}
