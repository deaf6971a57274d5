/* words_outcome.c - what a step did in words (a sentence, a few words, the panel's line), check, help, several lanes. */
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "strbuf.h"
#include "words_internal.h"

/*
 * Every wording of an outcome is here, side by side, so the message line,
 * the compare columns and the panel say the same thing in their own length.
 */

void words_outcome(const struct heap *heap, const struct command *command, const struct step_outcome *outcome,
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
		snprintf(buffer, size, "refused: %s", words_refused_reason(outcome));
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

void words_check(const struct heap *heap, char *message, size_t size, char **text)
{
	struct heap_problem problems[32];
	size_t count = heap_check(heap, problems, 32);
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	*text = NULL;
	if (count == 0) {
		snprintf(message, size, "check: the heap is consistent (%zu used, %zu free block%s)", stats.used_blocks,
			 stats.free_blocks, words_plural(stats.free_blocks));
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

void words_help(const struct command *command, struct session_report *report)
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
			 "reset align order undo redo goto check note sleep export help quit");
	}
	report->text = strbuf_take(&text);
}

void words_lanes_step(const struct session *session, char *buffer, size_t size)
{
	size_t step = session_step(session);
	buffer[0] = '\0';
	for (size_t i = 0; i < session_lane_count(session); i++) {
		char words[96];
		words_lane_outcome(session, i, step, words, sizeof words);
		words_append(buffer, size, "%s%s: %s", i ? "; " : "", heap_policy_name(session_lane_policy(session, i)), words);
	}
}

void words_lanes_check(const struct session *session, char *message, size_t size, char **text)
{
	size_t count = session_lane_count(session), troubled = 0;
	char lines[SESSION_LANES_MAX][480];
	struct strbuf reports;
	strbuf_init(&reports);
	for (size_t i = 0; i < count; i++) {
		char *one = NULL;
		words_check(session_heap(session_lane(session, i)), lines[i], sizeof lines[i], &one);
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
		words_append(message, size, "%scheck %s: %s", i ? "; " : "", heap_policy_name(session_lane_policy(session, i)),
		       line);
	}
	*text = strbuf_take(&reports);
}

/* ---- several lanes side by side ------------------------------------------------ */

void words_lane_list(const struct session *session, const bool *chosen, char *buffer, size_t size)
{
	size_t count = session_lane_count(session), total = 0, written = 0;
	for (size_t i = 0; i < count; i++)
		total += chosen[i];
	buffer[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (!chosen[i])
			continue;
		const char *joint = written == 0 ? "" : written + 1 == total ? " and " : ", ";
		words_append(buffer, size, "%s%s", joint, heap_policy_title(session_lane_policy(session, i)));
		written++;
	}
}

/* An outcome's kind in one word, for "first fit: NULL, best fit: freed". */
static const char *const kind_words[] = {
	[OUTCOME_NONE] = "new heap",
	[OUTCOME_PLACED] = "placed",
	[OUTCOME_REFUSED] = "refused",
	[OUTCOME_NULL] = "NULL",
	[OUTCOME_FREED] = "freed",
	[OUTCOME_WRITTEN] = "written",
};

static const char *kind_word(enum outcome_kind kind)
{
	return (unsigned)kind < sizeof kind_words / sizeof kind_words[0] ? kind_words[kind] : "";
}

void words_outcome_short(const struct command *command, const struct step_outcome *outcome, char *buffer, size_t size)
{
	const char *name = outcome->name;
	bool is_realloc = command && command->kind == CMD_REALLOC;
	buffer[0] = '\0';
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->from_null && name[0])
			snprintf(buffer, size, "%s = 0x%03zx", name, outcome->payload);  /* realloc(NULL, n) is malloc(n) */
		else if (is_realloc && outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "%s moved to 0x%03zx", name[0] ? name : "block", outcome->payload);
		else if (is_realloc)
			snprintf(buffer, size, "%s resized at 0x%03zx", name[0] ? name : "block", outcome->payload);
		else if (name[0])
			snprintf(buffer, size, "%s = 0x%03zx", name, outcome->payload);
		else
			snprintf(buffer, size, "0x%03zx", outcome->payload);
		break;
	case OUTCOME_REFUSED:
		snprintf(buffer, size, "refused");
		break;
	case OUTCOME_NULL:
		if (command && command->kind == CMD_FREE)
			snprintf(buffer, size, "free(NULL)");
		else
			snprintf(buffer, size, "%s%sNULL", name, name[0] ? " = " : "");
		break;
	case OUTCOME_FREED:
		snprintf(buffer, size, "freed %s%s0x%03zx", name, name[0] ? " at " : "", outcome->payload);
		break;
	case OUTCOME_WRITTEN:
		snprintf(buffer, size, "wrote %zu B", outcome->bytes);
		break;
	case OUTCOME_NONE:
		snprintf(buffer, size, "new heap");
		break;
	}
}

void words_lane_outcome(const struct session *session, size_t lane, size_t step, char *buffer, size_t size)
{
	struct step_info info;
	buffer[0] = '\0';
	const struct session *one = session_lane(session, lane);
	if (!one || step == 0 || !session_step_info(one, step, &info))
		return;
	words_outcome_short(info.command, &info.outcome, buffer, size);
}

void words_outcome_panel(const struct step_outcome *outcome, const char *bytes, char *buffer, size_t size)
{
	buffer[0] = '\0';
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "0x%03zx (moved from 0x%03zx)", outcome->payload, outcome->placement.old_payload);
		else
			snprintf(buffer, size, "0x%03zx", outcome->payload);
		break;
	case OUTCOME_REFUSED:
		snprintf(buffer, size, "refused: %s", words_refused_reason(outcome));
		break;
	case OUTCOME_NULL:
		snprintf(buffer, size, "NULL");
		break;
	case OUTCOME_FREED:
		snprintf(buffer, size, "freed %s", bytes);
		break;
	case OUTCOME_WRITTEN:
		snprintf(buffer, size, "wrote %s", bytes);
		break;
	case OUTCOME_NONE:
		break;
	}
}

void words_difference(const struct session *session, size_t step, char *buffer, size_t size)
{
	struct compare_difference difference;
	buffer[0] = '\0';
	if (!compare_step_difference(session, step, &difference) || !difference.kinds_differ)
		return;
	if (difference.refused_count > 0) {
		char who[160];
		words_lane_list(session, difference.refused, who, sizeof who);
		snprintf(buffer, size, "refused under %s", who);
		return;
	}
	for (size_t i = 0; i < session_lane_count(session); i++)
		words_append(buffer, size, "%s%s: %s", i ? ", " : "", heap_policy_title(session_lane_policy(session, i)),
			     kind_word(difference.kinds[i]));
}

bool words_compare_step(const struct session *session, size_t step, const char *size, char *buffer, size_t size_of)
{
	char difference[200];
	words_difference(session, step, difference, sizeof difference);
	buffer[0] = '\0';
	if (step == 0) {
		words_append(buffer, size_of, "step 0: %zu empty heaps of %s, one per policy", session_lane_count(session),
			     size);
		return false;
	}
	if (difference[0]) {
		words_append(buffer, size_of, "step %zu differs: %s", step, difference);
		return true;
	}
	/* Same kind of outcome everywhere; a placement may still land at different addresses. */
	struct compare_difference places;
	bool moved = compare_step_difference(session, step, &places) && places.places_differ;
	if (moved)
		words_append(buffer, size_of, "step %zu: placed at different addresses", step);
	else
		words_append(buffer, size_of, "step %zu: the same outcome under every policy", step);
	return false;
}

void words_differing_steps(const struct session *session, char *buffer, size_t size)
{
	size_t steps[8];
	size_t found = compare_differing_steps(session, steps, 8);
	buffer[0] = '\0';
	if (found == 0)
		return;
	words_append(buffer, size, "differs at step%s ", words_plural(found));
	for (size_t i = 0; i < found && i < 8; i++)
		words_append(buffer, size, "%s%zu", i ? ", " : "", steps[i]);
	if (found > 8)
		words_append(buffer, size, ", ... (%zu)", found);
}
