/* json.h - the JSON state of a session (a public interface: graders and tools read these field names). */
#ifndef HEAPVIZ_JSON_H
#define HEAPVIZ_JSON_H

#include "jsonstr.h"
#include "session.h"
#include "strbuf.h"

/* Append the current state as one JSON object (no newline). */
void json_state(struct strbuf *out, const struct session *session);
/* Append one JSON Lines record: the state after a command plus command, ok, error, result and explain. */
void json_trace_line(struct strbuf *out, const struct session *session, const char *source,
		     const struct session_report *report);
/*
 * --trace-form changes: what the line before wrote, so each line lists only
 * the blocks that differ ("changed": whole block objects, as in "blocks";
 * "removed": offsets where a block no longer starts). The first line lists
 * every block. Create one per heap; NULL when out of memory.
 */
struct json_trace_memory;
struct json_trace_memory *json_trace_memory_create(void);
void json_trace_memory_destroy(struct json_trace_memory *memory);
/* Append one changes-form record; false when out of host memory (the form cannot go on). */
bool json_trace_changes_line(struct strbuf *out, const struct session *session, const char *source,
			     const struct session_report *report, struct json_trace_memory *memory);

#endif
