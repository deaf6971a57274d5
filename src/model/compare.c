/* compare.c - one session per policy run in lockstep: every command applies to all heaps or to none. */
#include "compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "strbuf.h"

struct compare {
	struct heap_config config;        /* size and alignment at creation; the policy is per member */
	size_t count;
	enum heap_policy policies[COMPARE_MAX];
	struct session *sessions[COMPARE_MAX];
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_error(struct command_error *error, size_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	error->column = column;
	vsnprintf(error->message, sizeof error->message, format, args);
	va_end(args);
}

/* --- the policies ----------------------------------------------------------- */

bool compare_parse_policies(const char *text, struct compare_policies *policies, char *error, size_t size)
{
	memset(policies, 0, sizeof *policies);
	const char *word = text ? text : "";
	for (;;) {
		size_t len = strcspn(word, ",");
		char name[16];
		enum heap_policy policy;
		if (len == 0) {
			snprintf(error, size, "--compare takes policies separated by commas, like first,best");
			return false;
		}
		if (len >= sizeof name) {
			snprintf(error, size, "--compare: unknown policy '%.*s': use first, next, best, worst or buddy",
				 (int)(len > 40 ? 40 : len), word);
			return false;
		}
		memcpy(name, word, len);
		name[len] = '\0';
		char candidates[80];
		enum command_match match = command_match_policy(name, len, &policy, candidates, sizeof candidates);
		if (match == COMMAND_MATCH_AMBIGUOUS) {
			snprintf(error, size, "--compare: ambiguous policy '%s': could be %s", name, candidates);
			return false;
		}
		if (match == COMMAND_MATCH_NONE) {
			snprintf(error, size, "--compare: unknown policy '%s': use first, next, best, worst or buddy", name);
			return false;
		}
		for (size_t i = 0; i < policies->count; i++) {
			if (policies->list[i] == policy) {
				snprintf(error, size, "--compare: %s is named twice: each policy once", heap_policy_name(policy));
				return false;
			}
		}
		if (policies->count == COMPARE_MAX) {
			snprintf(error, size, "--compare: at most %d policies", COMPARE_MAX);
			return false;
		}
		policies->list[policies->count++] = policy;
		if (word[len] == '\0')
			break;
		word += len + 1;
	}
	if (policies->count < COMPARE_MIN) {
		snprintf(error, size, "--compare needs at least %d policies, like first,best", COMPARE_MIN);
		return false;
	}
	return true;
}

const char *compare_config_problem(const struct heap_config *config, const struct compare_policies *policies,
				   enum heap_policy *culprit)
{
	for (size_t i = 0; i < policies->count; i++) {
		struct heap_config one = *config;
		one.policy = policies->list[i];
		const char *problem = heap_config_problem(&one);
		if (problem) {
			if (culprit)
				*culprit = one.policy;
			return problem;
		}
	}
	return NULL;
}

/* --- life ------------------------------------------------------------------- */

struct compare *compare_create(const struct heap_config *config, const struct compare_policies *policies,
			       enum heap_status *status)
{
	enum heap_status ignored;
	if (!status)
		status = &ignored;
	if (!policies || policies->count < COMPARE_MIN || policies->count > COMPARE_MAX ||
	    compare_config_problem(config, policies, NULL)) {
		*status = HEAP_ERR_BAD_CONFIG;
		return NULL;
	}
	struct compare *compare = calloc(1, sizeof *compare);
	if (!compare) {
		*status = HEAP_ERR_HOST_MEMORY;
		return NULL;
	}
	compare->config = *config;
	compare->count = policies->count;
	for (size_t i = 0; i < policies->count; i++) {
		struct heap_config one = *config;
		one.policy = policies->list[i];
		compare->policies[i] = one.policy;
		compare->sessions[i] = session_create(&one, status);
		if (!compare->sessions[i]) {
			compare_destroy(compare);
			return NULL;
		}
	}
	*status = HEAP_OK;
	return compare;
}

void compare_destroy(struct compare *compare)
{
	if (!compare)
		return;
	for (size_t i = 0; i < compare->count; i++)
		session_destroy(compare->sessions[i]);
	free(compare);
}

size_t compare_count(const struct compare *compare)
{
	return compare->count;
}

enum heap_policy compare_policy(const struct compare *compare, size_t index)
{
	return index < compare->count ? compare->policies[index] : POLICY_FIRST_FIT;
}

const struct session *compare_session(const struct compare *compare, size_t index)
{
	return index < compare->count ? compare->sessions[index] : NULL;
}

struct session *compare_session_mutable(struct compare *compare, size_t index)
{
	return index < compare->count ? compare->sessions[index] : NULL;
}

size_t compare_step(const struct compare *compare)
{
	return session_step(compare->sessions[0]);
}

size_t compare_last_step(const struct compare *compare)
{
	return session_last_step(compare->sessions[0]);
}

void compare_keep_branches(struct compare *compare, bool keep)
{
	for (size_t i = 0; i < compare->count; i++)
		session_keep_branches(compare->sessions[i], keep);
}

/* --- will a member accept a heap command? ------------------------------------ */

/* The live allocation a target names in one heap; false when it names none (NULL, freed, unknown, not a payload). */
static bool live_target(const struct session *session, const struct command_target *target, struct heap_block *block)
{
	size_t payload = target->address;
	if (target->is_name && !names_lookup(session_names(session), target->name, &payload))
		return false;
	return names_is_address(payload) && heap_find_allocation(session_heap(session), payload, block);
}

/* The binding of a target name in one heap; false when unbound (or the target is an address). */
static bool target_binding(const struct session *session, const struct command_target *target, size_t *payload)
{
	return target->is_name && names_lookup(session_names(session), target->name, payload);
}

/*
 * True when the member certainly accepts the command, provided the checks
 * that do not depend on the heap's state pass (`alloc 0`, `realloc X 0`,
 * calloc overflow): those are the same for every member, so the first member
 * to run catches them before any heap changes. False means "it depends":
 * the member is tried on a copy first. Only ever answers true for cases the
 * session accepts; anything subtler falls through to the exact check.
 */
static bool surely_accepted(const struct session *session, const struct command *command)
{
	struct heap_block block;
	size_t payload;
	switch (command->kind) {
	case CMD_ALLOC:
	case CMD_CALLOC:
		/* A name may be reused once its block is freed or it holds NULL; a live one is taken. */
		return !command->has_name || !names_lookup(session_names(session), command->name, &payload) ||
		       !names_is_address(payload);
	case CMD_FREE:
		/* free of a name holding NULL is C's free(NULL): nothing to do, accepted. */
		if (target_binding(session, &command->target, &payload) && payload == NAMES_NULL)
			return true;
		return live_target(session, &command->target, &block);
	case CMD_REALLOC:
		/* realloc of a name holding NULL is malloc. */
		if (target_binding(session, &command->target, &payload) && payload == NAMES_NULL)
			return true;
		return live_target(session, &command->target, &block);
	case CMD_WRITE:
		return live_target(session, &command->target, &block) && command->data_len <= block.requested;
	case CMD_FILL:
		return live_target(session, &command->target, &block);
	default:
		return false;
	}
}

/*
 * The exact answer, for the cases surely_accepted cannot vouch for: a
 * scratch session with the member's first configuration replays the
 * member's history up to its current step (the state goto reaches is the
 * state replaying gives) and runs the command there. Slow for long
 * histories, but only reached for commands some heap is likely to reject.
 */
static bool probe(const struct compare *compare, size_t index, const struct command *command,
		  struct command_error *error)
{
	const struct session *member = compare->sessions[index];
	struct heap_config config = compare->config;
	config.policy = compare->policies[index];
	enum heap_status status;
	struct session *scratch = session_create(&config, &status);
	if (!scratch) {
		set_error(error, 0, "%s", heap_status_message(status));
		return false;
	}
	size_t current = session_step(member);
	bool ok = true;
	for (size_t step = 1; step <= current && ok; step++) {
		struct step_info info;
		struct session_report replay;
		if (!session_step_info(member, step, &info) || !info.command)
			break;
		session_run(scratch, info.command, info.source, &replay);
		ok = replay.ok;
		session_report_release(&replay);
	}
	if (!ok) {
		set_error(error, 0, "out of host memory checking the command under %s", heap_policy_title(config.policy));
	} else {
		struct session_report trial;
		session_run(scratch, command, NULL, &trial);
		ok = trial.ok;
		if (!ok)
			*error = trial.error;
		session_report_release(&trial);
	}
	session_destroy(scratch);
	return ok;
}

/* --- running commands --------------------------------------------------------- */

static void append(char *buffer, size_t size, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

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

/* "first fit", "first fit and best fit", "first fit, next fit and buddy". */
static void list_policies(const struct compare *compare, const bool *chosen, char *buffer, size_t size)
{
	size_t total = 0, written = 0;
	for (size_t i = 0; i < compare->count; i++)
		total += chosen[i];
	buffer[0] = '\0';
	for (size_t i = 0; i < compare->count; i++) {
		if (!chosen[i])
			continue;
		const char *joint = written == 0 ? "" : written + 1 == total ? " and " : ", ";
		append(buffer, size, "%s%s", joint, heap_policy_title(compare->policies[i]));
		written++;
	}
}

/*
 * A heap command was rejected by at least one member (known[] / accepted[]
 * say what is known so far). Find out which members reject it, and word the
 * error: as the session words it when every heap rejects it, otherwise
 * naming the policies that do.
 */
static void report_rejection(const struct compare *compare, const struct command *command, bool *known,
			     bool *accepted, struct command_error *errors, struct compare_report *report)
{
	bool rejected[COMPARE_MAX] = { false };
	size_t first = compare->count, rejections = 0;
	for (size_t i = 0; i < compare->count; i++) {
		if (!known[i]) {
			accepted[i] = probe(compare, i, command, &errors[i]);
			known[i] = true;
		}
		rejected[i] = !accepted[i];
		if (rejected[i]) {
			rejections++;
			if (first == compare->count)
				first = i;
		}
	}
	report->ok = false;
	if (first == compare->count) {
		/* Every probe accepted what a member rejected: cannot happen unless the host ran out of memory. */
		set_error(&report->error, 0, "the command could not be run on every heap; no heap changed");
		return;
	}
	if (rejections == compare->count) {
		report->error = errors[first];
		return;
	}
	char who[160];
	list_policies(compare, rejected, who, sizeof who);
	set_error(&report->error, errors[first].column, "under %s: %s (no heap changed)", who, errors[first].message);
}

/* reset SIZE and align: each member's new configuration must be allowed (buddy needs a power of two). */
static bool config_allowed(const struct compare *compare, const struct command *command, struct compare_report *report)
{
	bool rejected[COMPARE_MAX] = { false };
	const char *problem = NULL;
	size_t rejections = 0;
	for (size_t i = 0; i < compare->count; i++) {
		const struct heap *heap = session_heap(compare->sessions[i]);
		struct heap_config config = { heap_size(heap), heap_policy(heap), heap_alignment(heap) };
		if (command->kind == CMD_ALIGN)
			config.alignment = command->alignment;
		else if (command->has_size)
			config.size = command->size;
		const char *why = heap_config_problem(&config);
		if (why) {
			rejected[i] = true;
			rejections++;
			if (!problem)
				problem = why;
		}
	}
	if (!problem)
		return true;
	size_t column = command->kind == CMD_RESET ? command->size_column : command->value_column;
	report->ok = false;
	if (rejections == compare->count) {
		set_error(&report->error, column, "%s", problem);
	} else {
		char who[160];
		list_policies(compare, rejected, who, sizeof who);
		set_error(&report->error, column, "%s (under %s; no heap changed)", problem, who);
	}
	return false;
}

static const char *kind_word(enum outcome_kind kind)
{
	switch (kind) {
	case OUTCOME_PLACED: return "placed";
	case OUTCOME_REFUSED: return "refused";
	case OUTCOME_NULL: return "NULL";
	case OUTCOME_FREED: return "freed";
	case OUTCOME_WRITTEN: return "written";
	case OUTCOME_NONE: return "new heap";
	}
	return "";
}

void compare_outcome_words(const struct compare *compare, size_t index, size_t step, char *buffer, size_t size)
{
	struct step_info info;
	buffer[0] = '\0';
	if (index >= compare->count || step == 0 || !session_step_info(compare->sessions[index], step, &info))
		return;
	const struct step_outcome *outcome = &info.outcome;
	const char *name = outcome->name;
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		if (outcome->from_null && name[0])
			snprintf(buffer, size, "%s = 0x%03zx", name, outcome->payload);  /* realloc(NULL, n) is malloc(n) */
		else if (info.command && info.command->kind == CMD_REALLOC && outcome->placement.source == SOURCE_MOVED)
			snprintf(buffer, size, "%s moved to 0x%03zx", name[0] ? name : "block", outcome->payload);
		else if (info.command && info.command->kind == CMD_REALLOC)
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
		if (info.command && info.command->kind == CMD_FREE)
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

/* "first: r1 = 0x000; best: r1 = 0x098" for the step just made. */
static void step_message(const struct compare *compare, const char *separator, char *buffer, size_t size)
{
	size_t step = compare_step(compare);
	buffer[0] = '\0';
	for (size_t i = 0; i < compare->count; i++) {
		char words[96];
		compare_outcome_words(compare, i, step, words, sizeof words);
		append(buffer, size, "%s%s: %s", i ? separator : "", heap_policy_name(compare->policies[i]), words);
	}
}

/* A heap command: check every member that might reject it, then run it on all. */
static void run_heap_command(struct compare *compare, const struct command *command, const char *source,
			     struct compare_report *report)
{
	bool known[COMPARE_MAX] = { false }, accepted[COMPARE_MAX] = { false };
	struct command_error errors[COMPARE_MAX];
	size_t unknown[COMPARE_MAX], unknown_count = 0;
	memset(errors, 0, sizeof errors);

	if (command->kind == CMD_RESET || command->kind == CMD_ALIGN) {
		if (!config_allowed(compare, command, report))
			return;
	} else {
		for (size_t i = 0; i < compare->count; i++)
			if (!surely_accepted(compare->sessions[i], command))
				unknown[unknown_count++] = i;
	}
	/* Every doubtful member but one is tried on a copy; that one runs first, for real. */
	for (size_t u = 0; u + 1 < unknown_count; u++) {
		size_t i = unknown[u];
		accepted[i] = probe(compare, i, command, &errors[i]);
		known[i] = true;
		if (!accepted[i]) {
			report_rejection(compare, command, known, accepted, errors, report);
			return;
		}
	}
	size_t order[COMPARE_MAX], n = 0;
	size_t lead = unknown_count ? unknown[unknown_count - 1] : 0;
	order[n++] = lead;
	for (size_t i = 0; i < compare->count; i++)
		if (i != lead)
			order[n++] = i;

	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		session_run(compare->sessions[i], command, source, &report->reports[i]);
		if (report->reports[i].ok)
			continue;
		if (k == 0) {
			/* Nothing has changed yet. */
			known[i] = true;
			accepted[i] = false;
			errors[i] = report->reports[i].error;
			session_report_release(&report->reports[i]);
			memset(&report->reports[i], 0, sizeof report->reports[i]);
			report_rejection(compare, command, known, accepted, errors, report);
			return;
		}
		/*
		 * A member the checks vouched for rejected it after others took the
		 * step: only a host out of memory does that. Say so rather than hide it.
		 */
		report->ran = true;
		report->ok = false;
		set_error(&report->error, 0, "under %s: %s (the heaps are now out of step)",
			  heap_policy_title(compare->policies[i]), report->reports[i].error.message);
		return;
	}
	report->ran = true;
	report->new_step = true;
	report->dropped_steps = report->reports[0].dropped_steps;
	report->differs = compare_step_differs(compare, compare_step(compare));
	step_message(compare, "; ", report->message, sizeof report->message);
	if (command->kind == CMD_RESET || command->kind == CMD_ALIGN) {
		const struct heap *heap = session_heap(compare->sessions[0]);
		snprintf(report->message, sizeof report->message, "new heaps: %zu B, align %u, one per policy",
			 heap_size(heap), heap_alignment(heap));
	}
}

/* Commands that are no step: run on every member, which all agree (they stand at the same step). */
static void run_everywhere(struct compare *compare, const struct command *command, const char *source,
			   struct compare_report *report)
{
	session_run(compare->sessions[0], command, source, &report->reports[0]);
	if (!report->reports[0].ok) {
		report->ok = false;
		report->error = report->reports[0].error;
		session_report_release(&report->reports[0]);
		memset(&report->reports[0], 0, sizeof report->reports[0]);
		return;
	}
	for (size_t i = 1; i < compare->count; i++)
		session_run(compare->sessions[i], command, source, &report->reports[i]);
	report->ran = true;
	const struct session_report *first = &report->reports[0];
	report->moved = first->moved;
	report->quit = first->quit;
	report->restored_steps = first->restored_steps;
	snprintf(report->message, sizeof report->message, "%s", first->message);
	if (report->moved && compare_step(compare) > 0 && compare_step_differs(compare, compare_step(compare))) {
		char difference[200];
		compare_describe_difference(compare, compare_step(compare), difference, sizeof difference);
		append(report->message, sizeof report->message, "; differs: %s", difference);
	}
}

/* check on every heap: one line when all are consistent, each heap's report otherwise. */
static void combine_checks(struct compare *compare, struct compare_report *report)
{
	struct strbuf text;
	strbuf_init(&text);
	size_t troubled = 0;
	for (size_t i = 0; i < compare->count; i++) {
		const struct session_report *one = &report->reports[i];
		if (one->text) {
			troubled++;
			strbuf_printf(&text, "%s:\n%s", heap_policy_title(compare->policies[i]), one->text);
		}
	}
	if (troubled == 0) {
		snprintf(report->message, sizeof report->message, "check: every heap is consistent");
		strbuf_release(&text);
		return;
	}
	report->message[0] = '\0';
	for (size_t i = 0; i < compare->count; i++) {
		const char *message = report->reports[i].message;
		if (strncmp(message, "check: ", 7) == 0)
			message += 7;
		append(report->message, sizeof report->message, "%scheck %s: %s", i ? "; " : "",
		       heap_policy_name(compare->policies[i]), message);
	}
	report->text = strbuf_take(&text);
}

void compare_run(struct compare *compare, const struct command *command, const char *source,
		 struct compare_report *report)
{
	memset(report, 0, sizeof *report);
	report->ok = true;
	report->kind = command->kind;
	report->count = compare->count;
	switch (command->kind) {
	case CMD_EMPTY:
		return;
	case CMD_POLICY: {
		/*
		 * Lessons written for one heap start with `policy X`. While comparing
		 * the policies are fixed, so it starts every heap over instead (what a
		 * policy change does to a heap anyway) and says so: lessons play here too.
		 */
		struct command as_reset = *command;
		as_reset.kind = CMD_RESET;
		as_reset.has_size = false;
		as_reset.size_column = 0;
		run_heap_command(compare, &as_reset, source, report);
		if (report->ok)
			snprintf(report->message, sizeof report->message,
				 "policy %s ignored: the policies are fixed by --compare, so every heap starts over instead",
				 heap_policy_name(command->policy));
		return;
	}
	case CMD_EXPORT:
		report->ok = false;
		set_error(&report->error, command->keyword_column,
			  "export writes one heap's snapshot: it is not available while comparing");
		return;
	case CMD_ALLOC: case CMD_FREE: case CMD_REALLOC: case CMD_CALLOC:
	case CMD_WRITE: case CMD_FILL: case CMD_RESET: case CMD_ALIGN:
		run_heap_command(compare, command, source, report);
		return;
	default:
		break;
	}
	run_everywhere(compare, command, source, report);
	if (!report->ok)
		return;
	if (command->kind == CMD_CHECK) {
		combine_checks(compare, report);
	} else if (command->kind == CMD_HELP) {
		report->text = report->reports[0].text;
		report->reports[0].text = NULL;
	}
}

void compare_run_line(struct compare *compare, const char *line, struct compare_report *report)
{
	struct command command;
	struct command_error error;
	if (!command_parse(line, strlen(line), &command, &error)) {
		memset(report, 0, sizeof *report);
		report->count = compare->count;
		report->ok = false;
		report->error = error;
		return;
	}
	compare_run(compare, &command, line, report);
	command_release(&command);
}

void compare_report_release(struct compare_report *report)
{
	if (!report)
		return;
	if (report->ran)
		for (size_t i = 0; i < report->count && i < COMPARE_MAX; i++)
			session_report_release(&report->reports[i]);
	free(report->text);
	report->text = NULL;
	report->ran = false;
}

/* --- moving through history ---------------------------------------------------- */

/* The members share the shape of their history, so what one accepts every one accepts. */
static bool move_all(struct compare *compare, bool (*move)(struct session *, size_t, struct command_error *),
		     size_t step, struct command_error *error)
{
	if (!move(compare->sessions[0], step, error))
		return false;
	for (size_t i = 1; i < compare->count; i++) {
		struct command_error ignored;
		move(compare->sessions[i], step, &ignored);
	}
	return true;
}

static bool move_undo(struct session *session, size_t step, struct command_error *error)
{
	(void)step;
	return session_undo(session, error);
}

static bool move_redo(struct session *session, size_t step, struct command_error *error)
{
	(void)step;
	return session_redo(session, error);
}

bool compare_undo(struct compare *compare, struct command_error *error)
{
	return move_all(compare, move_undo, 0, error);
}

bool compare_redo(struct compare *compare, struct command_error *error)
{
	return move_all(compare, move_redo, 0, error);
}

bool compare_goto(struct compare *compare, size_t step, struct command_error *error)
{
	return move_all(compare, session_goto, step, error);
}

/* --- differences --------------------------------------------------------------- */

bool compare_step_difference(const struct compare *compare, size_t step, struct compare_difference *difference)
{
	memset(difference, 0, sizeof *difference);
	if (step == 0 || step > compare_last_step(compare))
		return false;
	size_t blocks[COMPARE_MAX];
	bool all_placed = true;
	for (size_t i = 0; i < compare->count; i++) {
		struct step_info info;
		if (!session_step_info(compare->sessions[i], step, &info))
			return false;
		difference->kinds[i] = info.outcome.kind;
		blocks[i] = info.outcome.placement.block;
		all_placed = all_placed && info.outcome.kind == OUTCOME_PLACED;
		if (info.outcome.kind == OUTCOME_REFUSED) {
			difference->refused[i] = true;
			difference->refused_count++;
		}
		if (info.outcome.kind != difference->kinds[0])
			difference->kinds_differ = true;
	}
	for (size_t i = 1; all_placed && i < compare->count; i++)
		if (blocks[i] != blocks[0])
			difference->places_differ = true;
	return true;
}

bool compare_step_differs(const struct compare *compare, size_t step)
{
	struct compare_difference difference;
	return compare_step_difference(compare, step, &difference) && difference.kinds_differ;
}

void compare_describe_difference(const struct compare *compare, size_t step, char *buffer, size_t size)
{
	struct compare_difference difference;
	buffer[0] = '\0';
	if (!compare_step_difference(compare, step, &difference) || !difference.kinds_differ)
		return;
	if (difference.refused_count > 0) {
		char who[160];
		list_policies(compare, difference.refused, who, sizeof who);
		snprintf(buffer, size, "refused under %s", who);
		return;
	}
	for (size_t i = 0; i < compare->count; i++)
		append(buffer, size, "%s%s: %s", i ? ", " : "", heap_policy_title(compare->policies[i]),
		       kind_word(difference.kinds[i]));
}

size_t compare_differing_steps(const struct compare *compare, size_t *steps, size_t max)
{
	size_t found = 0, last = compare_last_step(compare);
	for (size_t step = 1; step <= last; step++) {
		if (!compare_step_differs(compare, step))
			continue;
		if (found < max)
			steps[found] = step;
		found++;
	}
	return found;
}
