/* compare.h - the lanes of a session side by side: parsing --compare's policy list, and where outcomes differ. */
#ifndef HEAPVIZ_COMPARE_H
#define HEAPVIZ_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "heap.h"
#include "session.h"

/*
 * `--compare first,best` is a session of one lane per policy (see
 * session.h: the lanes share one history and every command applies to all
 * of them or to none). This module holds what only comparing needs: the
 * policy list, and which steps' outcomes differ between the lanes (as data:
 * words.h says it in words).
 */

#define COMPARE_MIN 2
#define COMPARE_MAX SESSION_LANES_MAX

/* The policies of a compare, in the order given (`--compare first,best`). */
struct compare_policies {
	size_t count;
	enum heap_policy list[COMPARE_MAX];
};

/*
 * Parse "first,best[,...]": two to five distinct policy names separated by
 * commas. On failure writes a message for a usage error and returns false.
 */
bool compare_parse_policies(const char *text, struct compare_policies *policies, char *error, size_t size);

/* Why config cannot be used with one of the policies (e.g. buddy and a size that is not a power of two), or NULL. */
const char *compare_config_problem(const struct heap_config *config, const struct compare_policies *policies,
				   enum heap_policy *culprit);

/* A session of one lane per policy; NULL and *status set when a config is not allowed or the host is out of memory. */
struct session *compare_create(const struct heap_config *config, const struct compare_policies *policies,
			       enum heap_status *status);

/* How the lanes' outcomes of one step compare. */
struct compare_difference {
	bool kinds_differ;                /* e.g. refused under one policy, placed under another */
	bool places_differ;               /* all placed, but not all at the same block offset */
	size_t refused_count;
	bool refused[COMPARE_MAX];        /* which lanes refused the request */
	enum outcome_kind kinds[COMPARE_MAX];
};

/* Compare the outcomes of step (1..last); false when there is no such step. */
bool compare_step_difference(const struct session *session, size_t step, struct compare_difference *difference);
/* True when the lanes' outcomes of step differ in kind (refused under one, placed under another, ...). */
bool compare_step_differs(const struct session *session, size_t step);
/* The steps (1..last) whose outcomes differ, in order: writes up to max and returns how many there are. */
size_t compare_differing_steps(const struct session *session, size_t *steps, size_t max);

#endif
