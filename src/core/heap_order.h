/* heap_order.h - free-list order for the fit policies: the LIFO and FIFO explicit-list variants (heap_order.c). */
#ifndef HEAPVIZ_HEAP_ORDER_H
#define HEAPVIZ_HEAP_ORDER_H

#include "heap_internal.h"

/* The allocator a config runs: the policy's own for ADDRESS, else its list-ordered variant; NULL when there is none. */
const struct allocator_ops *order_allocator(enum heap_policy policy, enum heap_order order);
/* Why this config's order is not allowed, or NULL. */
const char *order_config_problem(const struct heap_config *config);

#endif
