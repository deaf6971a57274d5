/* session_words.c - the sentences a session's reports carry: outcomes, checks, help, and several lanes at once. */
#include "session_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/*
 * Part of the session module (session_internal.h declares these), kept
 * apart so session.c is about running commands and this file about words.
 */

static void append(char *buffer, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buffer, size_t size, const char *format, ...)
{
	size_t len = strlen(buffer);
	if (len + 1 >= size)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(buffer + len, size - len, format, args);
	va_end(args);
}

void session_words_outcome(const struct heap *heap, const struct command *command, const struct step_outcome *outcome,
			   char *buffer, size_t size)
{
	const char *name = outcome->name;
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->from_null)
			snprintf(buffer, size, "%s = 0x%03zx (%zu B block at 0x%03zx; realloc of NULL allocates)", name,
				 outcome->payload, outcome->placement.block_size, outcome->placement.block);
		else if (command->kind == CMD_REALLOC && outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "%s moved 0x%03zx -> 0x%03zx (%zu B block)", name[0] ? name : "block",
				 outcome->placement.old_payload, outcome->payload, outcome->placement.block_size);
		else if (command->kind == CMD_REALLOC)
			snprintf(buffer, size, "%s resized in place at 0x%03zx (%zu B block)", name[0] ? name : "block",
				 outcome->payload, outcome->placement.block_size);
		else
			snprintf(buffer, size, "%s = 0x%03zx (%zu B block at 0x%03zx)", name, outcome->payload,
				 outcome->placement.block_size, outcome->placement.block);
		break;
	case OUTCOME_REFUSED:
		snprintf(buffer, size, "refused: %s", heap_status_message(outcome->status));
		break;
	case OUTCOME_NULL:
		if (command->kind == CMD_FREE)
			snprintf(buffer, size, "free(NULL): nothing to do");
		else
			snprintf(buffer, size, "%s = NULL", name);
		break;
	case OUTCOME_FREED:
		snprintf(buffer, size, "freed %s%s0x%03zx", name, name[0] ? " at " : "", outcome->payload);
		break;
	case OUTCOME_WRITTEN:
		snprintf(buffer, size, "wrote %zu B into %s%s0x%03zx", outcome->bytes, name, name[0] ? " at " : "",
			 outcome->payload);
		break;
	case OUTCOME_NONE:
		snprintf(buffer, size, "new heap: %s, %zu B, align %u", heap_policy_title(heap_policy(heap)),
			 heap_size(heap), heap_alignment(heap));
		break;
	}
}

void session_words_check(const struct heap *heap, char *message, size_t size, char **text)
{
	struct heap_problem problems[32];
	size_t count = heap_check(heap, problems, 32);
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	*text = NULL;
	if (count == 0) {
		snprintf(message, size, "check: the heap is consistent (%zu used, %zu free blocks)", stats.used_blocks,
			 stats.free_blocks);
		return;
	}
	snprintf(message, size, "check: %zu problem%s; first at 0x%03zx: %s", count, count == 1 ? "" : "s",
		 problems[0].offset, problems[0].message);
	struct strbuf list;
	strbuf_init(&list);
	for (size_t i = 0; i < count && i < 32; i++)
		strbuf_printf(&list, "0x%03zx: %s\n", problems[i].offset, problems[i].message);
	if (count > 32)
		strbuf_printf(&list, "... and %zu more\n", count - 32);
	*text = strbuf_take(&list);
}

void session_words_help(const struct command *command, struct session_report *report)
{
	struct strbuf text;
	strbuf_init(&text);
	if (command->help_topic != CMD_EMPTY) {
		enum command_kind kind = command->help_topic;
		strbuf_printf(&text, "%s\n  %s\n", command_usage(kind), command_summary(kind));
		snprintf(report->message, sizeof report->message, "%s: %s", command_usage(kind), command_summary(kind));
	} else {
		report->help_overview = true;
		strbuf_puts(&text, "Commands:\n");
		for (int k = CMD_ALLOC; k < CMD_KIND_COUNT; k++)
			strbuf_printf(&text, "  %-28s %s\n", command_usage((enum command_kind)k),
				      command_summary((enum command_kind)k));
		strbuf_puts(&text, "Sizes are decimal or hex (0x40) with optional K or M (1K = 1024).\n");
		snprintf(report->message, sizeof report->message, "commands: alloc free realloc calloc write fill policy "
			 "reset align undo redo goto check note sleep export help quit");
	}
	report->text = strbuf_take(&text);
}

void session_words_lanes_step(const struct session *session, char *buffer, size_t size)
{
	size_t step = session_step(session);
	buffer[0] = '\0';
	for (size_t i = 0; i < session_lane_count(session); i++) {
		char words[96];
		compare_outcome_words(session, i, step, words, sizeof words);
		append(buffer, size, "%s%s: %s", i ? "; " : "", heap_policy_name(session_lane_policy(session, i)), words);
	}
}

/* check on every heap: one line when all are consistent, each heap's report otherwise. */
void session_words_lanes_check(const struct session *session, char *message, size_t size, char **text)
{
	size_t count = session_lane_count(session), troubled = 0;
	char lines[SESSION_LANES_MAX][480];
	struct strbuf reports;
	strbuf_init(&reports);
	for (size_t i = 0; i < count; i++) {
		char *one = NULL;
		session_words_check(session_heap(session_lane(session, i)), lines[i], sizeof lines[i], &one);
		if (one) {
			troubled++;
			strbuf_printf(&reports, "%s:\n%s", heap_policy_title(session_lane_policy(session, i)), one);
			free(one);
		}
	}
	*text = NULL;
	if (troubled == 0) {
		snprintf(message, size, "check: every heap is consistent");
		strbuf_release(&reports);
		return;
	}
	message[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		const char *line = lines[i];
		if (strncmp(line, "check: ", 7) == 0)
			line += 7;
		append(message, size, "%scheck %s: %s", i ? "; " : "", heap_policy_name(session_lane_policy(session, i)),
		       line);
	}
	*text = strbuf_take(&reports);
}
