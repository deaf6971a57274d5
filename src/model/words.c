/* words.c - refusals and session messages in words: one table of refusal formats, and the words of a session report. */
#include "words.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "words_internal.h"

void words_append(char *buffer, size_t size, const char *format, ...)
{
	size_t len = strlen(buffer);
	if (len + 1 >= size)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(buffer + len, size - len, format, args);
	va_end(args);
}

const char *words_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- refusals ------------------------------------------------------------------ */

/* The words a refusal takes from elsewhere: the heap's own reason, a keyword. */
static const char *config_text(const struct refusal *refusal)
{
	const char *problem = heap_config_problem(&refusal->config);
	return problem ? problem : "";
}

static const char *command_text(const struct refusal *refusal)
{
	return command_keyword(refusal->command);
}

static const char *host_memory_text(const struct refusal *refusal)
{
	(void)refusal;
	return heap_status_message(HEAP_ERR_HOST_MEMORY);
}

/*
 * Each reason's sentence. A format is plain text with fields in braces:
 * {name} the refusal's name, {text} what its text function gives, and for
 * numbers[i] {di} in decimal, {hi} in hex (0x3e8) and {ai} as heapviz shows
 * an address (0x008: at least three digits).
 */
struct refusal_words {
	const char *format;
	const char *(*text)(const struct refusal *refusal);
};

static const struct refusal_words refusal_table[REFUSAL_COUNT] = {
	[REFUSAL_NONE] = { "", NULL },
	[REFUSAL_OUTSIDE_HEAP] = { "{h0} is outside the {d1}-byte heap", NULL },
	[REFUSAL_NO_SUCH_NAME] = { "no block is named '{name}'", NULL },
	[REFUSAL_DOUBLE_FREE_ADDRESS] = { "double free: {a0} is already free", NULL },
	[REFUSAL_DOUBLE_FREE_NAME] = { "double free: '{name}' was freed already", NULL },
	[REFUSAL_NOT_LIVE_NAMED] = { "'{name}' ({a0}) is not a live allocation", NULL },
	[REFUSAL_NOT_LIVE_ADDRESS] = { "{a0} is not the start of a live allocation", NULL },
	[REFUSAL_NAME_TAKEN] = { "'{name}' already names the block at {a0}; free it first", NULL },
	[REFUSAL_ZERO_SIZE] = { "size must be at least 1 byte", NULL },
	[REFUSAL_REALLOC_ZERO_SIZE] = { "size must be at least 1 byte (use free)", NULL },
	[REFUSAL_CALLOC_ZERO] = { "calloc needs a COUNT and SIZE of at least 1", NULL },
	[REFUSAL_CALLOC_OVERFLOW] = { "calloc: {d0} x {d1} overflows", NULL },
	[REFUSAL_USE_AFTER_FREE] = { "'{name}' was freed already (use after free)", NULL },
	[REFUSAL_NULL_TARGET] = { "'{name}' is NULL (its request was refused)", NULL },
	[REFUSAL_WRITE_TOO_LONG] = { "{d0} bytes do not fit in the {d1}-byte payload at {a2}", NULL },
	[REFUSAL_BAD_CONFIG] = { "{text}", config_text },
	[REFUSAL_NOT_HEAP_COMMAND] = { "'{text}' is not a heap command", command_text },
	[REFUSAL_NOTHING_TO_UNDO] = { "nothing to undo: this is step 0", NULL },
	[REFUSAL_NOTHING_TO_REDO] = { "nothing to redo: step {d0} is the last", NULL },
	[REFUSAL_NO_SUCH_STEP] = { "no step {d0}: history has steps 0 to {d1}", NULL },
	[REFUSAL_HOST_MEMORY] = { "{text}", host_memory_text },
	[REFUSAL_HISTORY_MEMORY] = { "out of host memory for history", NULL },
	[REFUSAL_NOTE_MEMORY] = { "out of host memory for the note", NULL },
	[REFUSAL_OTHER_MEMORY] = { "out of host memory", NULL },
	[REFUSAL_EXPORT_FORMAT] = { "export writes a .svg or a .txt file", NULL },
};

/* One {field} of a format onto buffer; false when the field is not one the table may use. */
static bool put_field(const struct refusal *refusal, const struct refusal_words *words, const char *field, size_t len,
		      char *buffer, size_t size)
{
	if (len == 4 && memcmp(field, "name", 4) == 0) {
		words_append(buffer, size, "%s", refusal->name);
		return true;
	}
	if (len == 4 && memcmp(field, "text", 4) == 0) {
		words_append(buffer, size, "%s", words->text ? words->text(refusal) : "");
		return true;
	}
	if (len != 2 || field[1] < '0' || field[1] >= '0' + REFUSAL_NUMBERS)
		return false;
	size_t number = refusal->numbers[field[1] - '0'];
	switch (field[0]) {
	case 'd': words_append(buffer, size, "%zu", number); return true;
	case 'h': words_append(buffer, size, "0x%zx", number); return true;
	case 'a': words_append(buffer, size, "0x%03zx", number); return true;
	default: return false;
	}
}

/* The lane's sentence of a refusal: its reason's format with the fields filled in. */
static void refusal_sentence(const struct refusal *refusal, char *buffer, size_t size)
{
	const struct refusal_words *words = &refusal_table[(unsigned)refusal->reason < REFUSAL_COUNT ? refusal->reason
										 : REFUSAL_NONE];
	const char *format = words->format ? words->format : "";
	buffer[0] = '\0';
	while (*format) {
		size_t plain = strcspn(format, "{");
		words_append(buffer, size, "%.*s", (int)plain, format);
		format += plain;
		if (!*format)
			break;
		const char *close = strchr(format, '}');
		size_t len = close ? (size_t)(close - format - 1) : 0;
		if (!close || !put_field(refusal, words, format + 1, len, buffer, size)) {
			words_append(buffer, size, "{"); /* not a field: shown as written */
			format++;
			continue;
		}
		format = close + 1;
	}
}

static size_t count_bits(unsigned bits)
{
	size_t count = 0;
	for (; bits; bits &= bits - 1)
		count++;
	return count;
}

void words_refusal(const struct session *session, const struct refusal *refusal, struct command_error *error)
{
	error->column = refusal->column;
	refusal_sentence(refusal, error->message, sizeof error->message);
	size_t lanes = session ? session_lane_count(session) : 1, refused = count_bits(refusal->lanes);
	if (refused == 0 || refused >= lanes)
		return;
	/* Some lanes would take it, some not: say which refuse, and that no heap changed. */
	bool chosen[SESSION_LANES_MAX] = { false };
	for (size_t i = 0; i < lanes && i < SESSION_LANES_MAX; i++)
		chosen[i] = (refusal->lanes >> i) & 1u;
	char who[160], sentence[sizeof error->message];
	words_lane_list(session, chosen, who, sizeof who);
	memcpy(sentence, error->message, sizeof sentence);
	error->message[0] = '\0';
	if (refusal->reason == REFUSAL_BAD_CONFIG) /* policy, reset, align: the settings are the trouble */
		words_append(error->message, sizeof error->message, "%s (under %s; no heap changed)", sentence, who);
	else
		words_append(error->message, sizeof error->message, "under %s: %s (no heap changed)", who, sentence);
}

/* ---- a session's report ------------------------------------------------------------ */

/* The words of a new step. */
static void step_words(const struct session *session, const struct command *command, struct session_report *report)
{
	if (session_lane_count(session) == 1) {
		struct session_report one;
		words_lane_report(session, report, &one);
		memcpy(report->explain, one.explain, sizeof report->explain);
		memcpy(report->message, one.message, sizeof report->message);
	} else if (report->policy_ignored) {
		snprintf(report->message, sizeof report->message,
			 "policy %s ignored: the policies are fixed by --compare, so every heap starts over instead",
			 heap_policy_name(command->policy));
	} else if (command->kind == CMD_RESET || command->kind == CMD_ALIGN || command->kind == CMD_ORDER) {
		const struct heap *heap = session_heap(session_lane(session, 0));
		snprintf(report->message, sizeof report->message, "new heaps: %zu B, align %u, one per policy",
			 heap_size(heap), heap_alignment(heap));
	} else {
		words_lanes_step(session, report->message, sizeof report->message);
	}
}

/* After undo/redo/goto: where we are now. */
static void move_words(const struct session *session, struct session_report *report)
{
	size_t step = session_step(session);
	snprintf(report->message, sizeof report->message, "now at step %zu of %zu", step, session_last_step(session));
	if (report->restored_steps)
		snprintf(report->message, sizeof report->message,
			 "back at step %zu: the timeline's %zu later step%s are back (redo or play to go on)", step,
			 report->restored_steps, words_plural(report->restored_steps));
	if (session_lane_count(session) == 1) {
		struct session_report one;
		words_lane_report(session, report, &one);
		memcpy(report->explain, one.explain, sizeof report->explain);
	} else if (step > 0 && compare_step_differs(session, step)) {
		char difference[200];
		words_difference(session, step, difference, sizeof difference);
		words_append(report->message, sizeof report->message, "; differs: %s", difference);
	}
}

static void sleep_words(const struct command *command, struct session_report *report)
{
	if (report->sleep_capped)
		snprintf(report->message, sizeof report->message,
			 "sleep %lu ms during playback (playback caps the total pause at 1 h)", command->ms);
	else
		snprintf(report->message, sizeof report->message, "sleep %lu ms during playback", command->ms);
}

void words_report(const struct session *session, const struct command *command, struct session_report *report)
{
	if (!report->ok && report->refusal.reason != REFUSAL_NONE)
		words_refusal(session, &report->refusal, &report->error);
	if (report->new_step) {
		step_words(session, command, report);
	} else {
		switch (command->kind) {
		case CMD_CHECK:
			if (session_lane_count(session) == 1)
				words_check(session_heap(session), report->message, sizeof report->message, &report->text);
			else
				words_lanes_check(session, report->message, sizeof report->message, &report->text);
			break;
		case CMD_NOTE:
			snprintf(report->message, sizeof report->message, "note: %s", command->text ? command->text : "");
			break;
		case CMD_SLEEP:
			if (report->ok)
				sleep_words(command, report);
			break;
		case CMD_HELP:
			words_help(command, report);
			break;
		default:
			break;
		}
		if (report->ok && report->moved)
			move_words(session, report);
	}
	/* One lane's messages keep the length they always had (320 bytes with the NUL); several lanes' need more. */
	if (report->lane_count == 1)
		report->message[319] = '\0';
}

void words_dropped(size_t steps, bool timeline, const char *undo_key, const char *text, char *buffer, size_t size)
{
	buffer[0] = '\0';
	if (timeline)
		words_append(buffer, size, "branched: the timeline's %zu later step%s dropped (%s brings them back). %s",
			     steps, steps == 1 ? " is" : "s are", undo_key, text);
	else
		words_append(buffer, size, "%s (%zu undone step%s dropped)", text, steps, words_plural(steps));
}

void words_lane_report(const struct session *lane, const struct session_report *report, struct session_report *out)
{
	*out = *report;
	out->text = NULL;
	out->export_path = NULL;
	out->explain[0] = '\0';
	if (!report->ok || (!report->new_step && !report->moved))
		return;
	struct step_info info;
	size_t step = session_step(lane);
	if (!session_step_info(lane, step, &info))
		return;
	if (step > 0)
		words_explain(info.command, &info.outcome, out->explain, sizeof out->explain);
	if (!report->new_step)
		return;
	out->outcome = info.outcome;
	words_outcome(session_heap(lane), info.command, &info.outcome, out->message, sizeof out->message);
	enum command_kind kind = info.command->kind;
	if ((kind == CMD_POLICY || kind == CMD_RESET || kind == CMD_ALIGN || kind == CMD_ORDER) && info.outcome.bytes)
		words_append(out->message, sizeof out->message, " (the heap was reset: %zu block%s dropped)",
			     info.outcome.bytes, words_plural(info.outcome.bytes));
}
