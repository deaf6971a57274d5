/* lane.h - one allocator of a session: its heap and names, a pure check of a command, then its commit. */
#ifndef HEAPVIZ_LANE_H
#define HEAPVIZ_LANE_H

#include <stdbool.h>
#include <stddef.h>

#include "command.h"
#include "heap.h"
#include "names.h"
#include "refusal.h"
#include "session.h"

/*
 * A session runs every heap command on each of its lanes in two phases:
 * lane_check on every lane (reads only, so a command any lane rejects
 * leaves every lane as it was), then lane_commit on every lane. What the
 * lanes of one step share (the command, the automatic name chosen once for
 * all of them) is a lane_request.
 */
struct lane {
	struct heap *heap;
	struct names *names;
};

struct lane_request {
	const struct command *command;         /* a step command (alloc ... align) */
	char auto_name[COMMAND_NAME_MAX + 1];  /* the name an unnamed alloc/calloc binds; "" otherwise */
	bool several_lanes;                    /* comparing: `order` leaves buddy, seglist and tlsf lanes in address order */
};

/* A lane over a new heap; false (lane zeroed) with *status set when config is not allowed or the host is out of memory. */
bool lane_create(struct lane *lane, const struct heap_config *config, enum heap_status *status);
void lane_release(struct lane *lane);
/* Make dst's state equal to src's (heap and names); false when the host is out of memory. */
bool lane_copy_into(struct lane *dst, const struct lane *src);

/* True when the lane would accept the request; false with the reason as data (refusal.h) otherwise. Changes nothing. */
bool lane_check(const struct lane *lane, const struct lane_request *request, struct refusal *refusal);
/*
 * Apply a request lane_check accepted; fills *outcome. False only when the
 * host ran out of memory part-way (the caller rebuilds the lane).
 */
bool lane_commit(struct lane *lane, const struct lane_request *request, struct step_outcome *outcome);

#endif
