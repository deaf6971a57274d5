/* names.h - the names users give allocations ("buf", "p1", "id7"), mapped both ways to payload addresses. */
#ifndef HEAPVIZ_NAMES_H
#define HEAPVIZ_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* The longest name (`as NAME`); the command language takes its limit from here. */
#define NAMES_NAME_MAX 16

/* The payload of a name bound to C's NULL (a failed or zero-size request). */
#define NAMES_NULL ((size_t)-1)
/* The payload of a name whose block was freed (kept so a second free can say so). */
#define NAMES_FREED ((size_t)-2)

/* True when payload is a real address (not NAMES_NULL or NAMES_FREED). */
static inline bool names_is_address(size_t payload)
{
	return payload < NAMES_FREED;
}

struct names;

struct names *names_create(void);
void names_destroy(struct names *names);
/* An independent copy; NULL when the host is out of memory. */
struct names *names_clone(const struct names *names);
/* Make dst equal to src; false when the host is out of memory (dst is then unchanged). */
bool names_copy_into(struct names *dst, const struct names *src);
/* Host bytes names holds that base (a copy it was made from, or NULL) does not share: what keeping it costs on top of base. */
size_t names_bytes_not_shared_with(const struct names *names, const struct names *base);

/* Bind name to payload (or NAMES_NULL), replacing an earlier binding of name; false on host OOM. */
bool names_bind(struct names *names, const char *name, size_t payload);
/* Forget name; no effect when unbound. */
void names_unbind(struct names *names, const char *name);
/* The payload bound to name; false when name is unbound. */
bool names_lookup(const struct names *names, const char *name, size_t *payload);
/* The name of the allocation at payload, or NULL. */
const char *names_at(const struct names *names, size_t payload);
size_t names_count(const struct names *names);
/* Every binding, in no particular order; visit returns false to stop. */
void names_each(const struct names *names, bool (*visit)(const char *name, size_t payload, void *context), void *context);

#endif
