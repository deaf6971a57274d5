/* allocator.c - the registry of allocators: the one table that names, titles, parses and lists them. */
#include "allocator.h"

#include <stdio.h>
#include <strings.h>

#include "heap_internal.h"

/* Each allocator's table, defined in its own file. */
#define ALLOCATOR(policy, ops) extern const struct allocator_ops ops;
#include "allocators.def"
#undef ALLOCATOR

/* Adding an allocator: its file(s) and one row of allocators.def, which makes both the policy and this entry. */
static const struct allocator_ops *const registry[POLICY_COUNT] = {
#define ALLOCATOR(policy, ops) [policy] = &ops,
#include "allocators.def"
#undef ALLOCATOR
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

size_t allocator_names(char *buffer, size_t size, const char *separator, const char *last_separator)
{
	size_t len = 0;
	if (size == 0)
		return 0;
	buffer[0] = '\0';
	for (unsigned i = 0; i < POLICY_COUNT; i++) {
		const char *before = i == 0 ? "" : i + 1 == POLICY_COUNT ? last_separator : separator;
		int n = snprintf(buffer + len, size - len, "%s%s", before, registry[i]->name);
		if (n < 0 || (size_t)n >= size - len) {
			buffer[len] = '\0'; /* only whole names: a cut list would name a policy that is not there */
			return len;
		}
		len += (size_t)n;
	}
	return len;
}

bool heap_policy_parse(const char *word, enum heap_policy *policy)
{
	return allocator_find(word, policy);
}
