/* fuzz_script.c - libFuzzer: script_parse on arbitrary bytes, .hv scripts and malloc-lab .rep traces alike. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "session.h"

/*
 * For every input:
 * - a rejected buffer leaves the script empty and gives a NUL-terminated
 *   message with a 1-based line;
 * - an accepted one has the format script_detect names, line numbers that
 *   never go back, a source for every line, and commands whose canonical text
 *   parses back to the same kind;
 * - an accepted .rep only holds alloc/realloc/free on names idN with N below
 *   the header's number of ids, and replays on a small session without a
 *   single rejected step (refusals are outcomes; "malformed traces ... nothing
 *   is run", so a trace that loaded must run to its end), the heap checker
 *   clean at the end.
 * Any violation aborts, so libFuzzer reports it with the input.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_LINES 4096

static void violation(const char *what, const struct script *script, size_t index)
{
	fprintf(stderr, "fuzz_script: %s", what);
	if (script != NULL && index < script->count)
		fprintf(stderr, " (line %zu: %s)", script->lines[index].line, script->lines[index].source);
	fputc('\n', stderr);
	abort();
}

static void check_rep_line(const struct script *script, size_t i)
{
	const struct command *command = &script->lines[i].command;
	const char *name;
	switch (command->kind) {
	case CMD_ALLOC: name = command->name; break;
	case CMD_REALLOC: case CMD_FREE: name = command->target.name; break;
	default: violation("a .rep line that is not alloc, realloc or free", script, i); return;
	}
	char *end;
	if (strncmp(name, "id", 2) != 0)
		violation("a .rep command on a name that is not idN", script, i);
	unsigned long long id = strtoull(name + 2, &end, 10);
	if (*end != '\0' || id >= script->rep.num_ids)
		violation("a .rep id outside the header's range", script, i);
}

static void replay_rep(const struct script *script)
{
	struct heap_config config = { 1024, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (session == NULL)
		return;
	for (size_t i = 0; i < script->count && i < REPLAY_MAX_LINES; i++) {
		struct session_report report;
		session_run(session, &script->lines[i].command, script->lines[i].source, &report);
		if (!report.ok) {
			fprintf(stderr, "rejected: %s\n", report.error.message);
			violation("a loaded .rep line was rejected by the session", script, i);
		}
		session_report_release(&report);
	}
	struct heap_problem problem;
	if (heap_check(session_heap(session), &problem, 1) != 0) {
		fprintf(stderr, "heap_check: 0x%zx: %s\n", problem.offset, problem.message);
		violation("heap_check after a .rep replay", NULL, 0);
	}
	session_destroy(session);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script script;
	struct script_error error;

	/* A copy exactly size bytes long, so ASan sees any read past the end of the buffer. */
	char *buffer = malloc(size ? size : 1);
	if (buffer == NULL)
		return 0;
	memcpy(buffer, data, size);
	enum script_format detected = script_detect(buffer, size);
	if (!script_parse("fuzz", buffer, size, &script, &error)) {
		free(buffer);
		if (memchr(error.message, '\0', sizeof error.message) == NULL || error.message[0] == '\0')
			violation("rejected without a NUL-terminated message", NULL, 0);
		if (error.line == 0)
			violation("rejected with line 0 (reserved for unreadable files)", NULL, 0);
		if (script.count != 0 || script.lines != NULL || script.warnings != NULL)
			violation("rejected buffer left a half-built script", NULL, 0);
		script_release(&script);
		return 0;
	}
	free(buffer);
	if (script.format != detected)
		violation("script_parse and script_detect disagree on the format", NULL, 0);
	for (size_t i = 0; i < script.warning_count; i++)
		if (script.warnings[i] == NULL)
			violation("a NULL warning", NULL, 0);
	size_t previous = 0;
	for (size_t i = 0; i < script.count; i++) {
		const struct script_line *line = &script.lines[i];
		if (line->source == NULL || line->line == 0 || line->line < previous)
			violation("a line without a source or with a line number going back", &script, i);
		previous = line->line;
		if (script.format == SCRIPT_REP) {
			check_rep_line(&script, i);
			continue;
		}
		size_t need = command_format(&line->command, NULL, 0);
		char *text = malloc(need + 1);
		if (text == NULL)
			break;
		command_format(&line->command, text, need + 1);
		struct command again;
		struct command_error command_error;
		if (!command_parse(text, need, &again, &command_error) || again.kind != line->command.kind) {
			fprintf(stderr, "canonical: %s\n", text);
			violation("a script command's canonical text does not parse back", &script, i);
		}
		command_release(&again);
		free(text);
	}
	if (script.format == SCRIPT_REP)
		replay_rep(&script);
	script_release(&script);
	script_release(&script);  /* documented safe on a released script */
	return 0;
}
