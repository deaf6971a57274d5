/* step_codec.h - a step of history packed into a few bytes: the command, the text as written, each lane's outcome. */
#ifndef HEAPVIZ_STEP_CODEC_H
#define HEAPVIZ_STEP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "command.h"
#include "session.h"

/*
 * A packed step: the command (kind and flags in one byte, numbers as
 * varints, names as length + bytes, written bytes as is), how to get the
 * text as written back (it is stored only when it is neither the command's
 * canonical form nor its .rep line), then per lane two floats and the
 * outcome's non-zero fields as varints under a bit mask. Decoding gives the
 * same command (columns excepted: a recorded step never reports an error)
 * and the same outcomes, byte for byte.
 */

/* A growable byte array; failed is set (and nothing more written) when the host is out of memory. */
struct step_bytes {
	uint8_t *data;
	size_t len;
	size_t capacity;
	bool failed;
};

void step_codec_put_command(struct step_bytes *out, const struct command *command, const char *source);
void step_codec_put_outcome(struct step_bytes *out, const struct command *command, const struct step_outcome *outcome,
			    float utilization, float fragmentation);

/* Where decoding reads; the text and bytes decoded point into data. */
struct step_reader {
	const uint8_t *data;
	size_t pos;
};

/*
 * Read a command back. The text as written is either *source (pointing into
 * the record) or, when it is derived, written into text (at most size
 * bytes, truncated like snprintf: size should be COMMAND text limits + 1).
 */
void step_codec_get_command(struct step_reader *in, struct command *command, const char **source, char *text,
			    size_t size);
void step_codec_get_outcome(struct step_reader *in, const struct command *command, struct step_outcome *outcome,
			    float *utilization, float *fragmentation);

#endif
