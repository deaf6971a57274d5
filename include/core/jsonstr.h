/* jsonstr.h - JSON string literals from user text (below the model: casts and JSON both use it). */
#ifndef HEAPVIZ_JSONSTR_H
#define HEAPVIZ_JSONSTR_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Append text as a JSON string literal: control characters, C1 controls and
 * invisible format characters (bidi, zero-width) as \uXXXX; each byte that is
 * not UTF-8 becomes U+FFFD (callers that must keep the bytes add a hex field).
 */
void json_string(struct strbuf *out, const char *text, size_t len);
/* True when text is well-formed UTF-8. */
bool json_is_utf8(const char *text, size_t len);

#endif
