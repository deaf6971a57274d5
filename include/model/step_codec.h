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
 * varints, names as a .rep id number or length + bytes, written bytes as
 * is), then per lane two floats and the outcome's non-zero fields as
 * varints under a bit mask (offsets as differences from a neighbouring
 * field), then the text as written only when it is neither the command's
 * canonical form nor its .rep line (which of them it is: three spare bits
 * of the first lane's outcome). Decoding gives the
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

/* Pack one step: the command, the text as written, and per lane its outcome and two sparkline floats. */
void step_codec_put_step(struct step_bytes *out, const struct command *command, const char *source,
			 const struct step_outcome *outcomes, const float *sparks, size_t lanes);

/* Where decoding reads; the text and bytes decoded point into data. */
struct step_reader {
	const uint8_t *data;
	size_t pos;
};

/*
 * Read a step back. The text as written is either pointed into the record
 * or, when it is derived, written into text (size: 128 is enough, longer
 * texts are always stored), and *source points at it. source NULL: the
 * text is not wanted (scans over the whole history).
 */
void step_codec_get_step(struct step_reader *in, struct command *command, const char **source, char *text, size_t size,
			 struct step_outcome *outcomes, float *sparks, size_t lanes);

#endif
