/* session.c - lanes sharing one history: checks a command in every lane, commits it to all, travels in time. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "history.h"
#include "lane.h"
#include "outfile.h"
#include "session_internal.h"
#include "strbuf.h"
#include "words.h"

/* Does this command kind record a step? */
static bool is_step_kind(enum command_kind kind)
{
	switch (kind) {
	case CMD_ALLOC: case CMD_FREE: case CMD_REALLOC: case CMD_CALLOC:
	case CMD_WRITE: case CMD_FILL: case CMD_POLICY: case CMD_RESET: case CMD_ALIGN: case CMD_ORDER:
		return true;
	default:
		return false;
	}
}

/*
 * Why a command was not taken is a refusal record (refusal.h), never a
 * sentence: the words module words it (words_report at the end of
 * session_run, words_refusal for the moves' own errors).
 */
static bool refuse(struct refusal *refusal, enum refusal_reason reason, size_t column, size_t a, size_t b)
{
	memset(refusal, 0, sizeof *refusal);
	refusal->reason = reason;
	refusal->column = column;
	refusal->numbers[0] = a;
	refusal->numbers[1] = b;
	return false;
}

/* ---- one step in every lane ------------------------------------------------ */

/*
 * The shared part of a step: an unnamed alloc's automatic name is chosen
 * once, from the names bound so far (the same set in every lane: a step
 * binds a name in all lanes or in none). *next_auto is where the choice
 * left the counter.
 */
static void make_request(const struct session_data *data, const struct command *command, struct lane_request *request,
			 unsigned long *next_auto)
{
	request->command = command;
	request->auto_name[0] = '\0';
	request->several_lanes = data->lane_count > 1;
	*next_auto = data->next_auto;
	if ((command->kind != CMD_ALLOC && command->kind != CMD_CALLOC) || command->has_name)
		return;
	size_t ignored;
	for (;;) {
		snprintf(request->auto_name, sizeof request->auto_name, "p%lu", *next_auto);
		if (!names_lookup(data->lanes[0].names, request->auto_name, &ignored))
			return;
		(*next_auto)++;
	}
}

/*
 * Commit a checked command to every lane (also how time travel replays a
 * recorded step). An automatic name placed in any lane is bound in all of
 * them: NULL where the request was refused. False on host OOM part-way.
 */
static bool apply_step(struct session_data *data, const struct command *command, struct step_outcome *outcomes)
{
	struct lane_request request;
	unsigned long next_auto;
	make_request(data, command, &request, &next_auto);
	bool placed = false, ok = true;
	for (size_t i = 0; i < data->lane_count && ok; i++) {
		size_t before = heap_work_bytes(data->lanes[i].heap);
		ok = lane_commit(&data->lanes[i], &request, &outcomes[i]);
		size_t after = heap_work_bytes(data->lanes[i].heap);
		/* A reset makes a new heap, whose count starts again. */
		data->work += after >= before ? after - before : after;
		placed = placed || outcomes[i].kind == OUTCOME_PLACED;
	}
	if (!ok)
		return false;
	if (request.auto_name[0] && placed) {
		for (size_t i = 0; i < data->lane_count; i++)
			if (outcomes[i].kind == OUTCOME_REFUSED)
				names_bind(data->lanes[i].names, request.auto_name, NAMES_NULL);
		next_auto++;
	}
	data->next_auto = (command->kind == CMD_POLICY || command->kind == CMD_RESET || command->kind == CMD_ALIGN ||
			   command->kind == CMD_ORDER)
		? 1 : next_auto;
	return true;
}

/* ---- time travel --------------------------------------------------------- */

static void restore(struct session_data *data, const struct checkpoint *cp)
{
	for (size_t i = 0; i < data->lane_count; i++)
		lane_copy_into(&data->lanes[i], &cp->lanes[i]);
	data->next_auto = cp->next_auto;
	data->current = cp->step;
	data->work = 0;
}

/* Re-run recorded steps current+1..target on the live state. */
static void replay_to(struct session_data *data, size_t target)
{
	struct step_outcome outcomes[SESSION_LANES_MAX];
	while (data->current < target) {
		data->current++;
		data->replayed++;
		apply_step(data, &history_record(data->history, data->current)->command, outcomes);
	}
}

static void move_to(struct session_data *data, size_t target)
{
	if (target == data->current)
		return;
	const struct checkpoint *cp = history_checkpoint_at_or_before(data->history, target);
	bool forward_is_short = target > data->current && cp->step <= data->current;
	if (!forward_is_short)
		restore(data, cp);
	replay_to(data, target);
}

/* Rebuild the current step from its checkpoint (after a commit the host's memory cut short). */
static void rebuild_current(struct session_data *data)
{
	size_t target = data->current;
	restore(data, history_checkpoint_at_or_before(data->history, target));
	replay_to(data, target);
}

static bool add_checkpoint(struct session_data *data)
{
	if (!history_add_checkpoint(data->history, data->current, data->lanes, data->next_auto))
		return false;
	data->work = 0;
	return true;
}

/* A checkpoint at the current step when the steps or the work since the last one ask for it. */
static void maybe_add_checkpoint(struct session_data *data)
{
	if (history_checkpoint_due(data->history, data->current, data->work))
		add_checkpoint(data);
}

/* Put the stashed timeline back after the branch point (the current step), dropping the branch. */
static size_t restore_branch(struct session_data *data)
{
	size_t base = data->current;
	size_t count = history_restore_branch(data->history, base);
	if (count == 0)
		return 0;
	/* Checkpoints again, as the steps were first run, so reaching the restored steps stays as short. */
	for (size_t step = base + 1; step < history_count(data->history); step++) {
		replay_to(data, step);
		maybe_add_checkpoint(data);
	}
	move_to(data, base);
	return count;
}

static bool undo(struct session_data *data, struct refusal *refusal)
{
	if (data->current == 0)
		return refuse(refusal, REFUSAL_NOTHING_TO_UNDO, 0, 0, 0);
	move_to(data, data->current - 1);
	return true;
}

static bool redo(struct session_data *data, struct refusal *refusal)
{
	if (data->current + 1 >= history_count(data->history))
		return refuse(refusal, REFUSAL_NOTHING_TO_REDO, 0, data->current, 0);
	move_to(data, data->current + 1);
	return true;
}

static bool go_to(struct session_data *data, size_t step, struct refusal *refusal)
{
	if (step >= history_count(data->history))
		return refuse(refusal, REFUSAL_NO_SUCH_STEP, 0, step, history_count(data->history) - 1);
	move_to(data, step);
	return true;
}

/* The public moves say why not in words, as they always have. */
static bool worded(const struct session *session, bool ok, const struct refusal *refusal, struct command_error *error)
{
	if (!ok)
		words_refusal(session, refusal, error);
	return ok;
}

bool session_undo(struct session *session, struct command_error *error)
{
	struct refusal refusal;
	return worded(session, undo(session->data, &refusal), &refusal, error);
}

void session_set_quiet(struct session *session, bool quiet)
{
	session->data->quiet = quiet;
}

void session_keep_branches(struct session *session, bool keep)
{
	session->data->keep_branches = keep;
	if (!keep)
		history_forget_branch(session->data->history);
}

bool session_redo(struct session *session, struct command_error *error)
{
	struct refusal refusal;
	return worded(session, redo(session->data, &refusal), &refusal, error);
}

bool session_goto(struct session *session, size_t step, struct command_error *error)
{
	struct refusal refusal;
	return worded(session, go_to(session->data, step, &refusal), &refusal, error);
}

/* ---- life ------------------------------------------------------------------ */

struct session *session_create(const struct heap_config *config, enum heap_status *status)
{
	return session_create_lanes(config, &config->policy, 1, status);
}

struct session *session_create_lanes(const struct heap_config *config, const enum heap_policy *policies, size_t count,
				     enum heap_status *status)
{
	enum heap_status ignored;
	if (!status)
		status = &ignored;
	if (count < 1 || count > SESSION_LANES_MAX) {
		*status = HEAP_ERR_BAD_CONFIG;
		return NULL;
	}
	struct session_data *data = calloc(1, sizeof *data);
	if (!data) {
		*status = HEAP_ERR_HOST_MEMORY;
		return NULL;
	}
	data->lane_count = count;
	data->next_auto = 1;
	for (size_t i = 0; i < SESSION_LANES_MAX; i++)
		data->handles[i] = (struct session){ data, i };
	struct session *session = &data->handles[0];
	for (size_t i = 0; i < count; i++) {
		struct heap_config one = *config;
		one.policy = policies[i];
		if (!lane_create(&data->lanes[i], &one, status)) {
			session_destroy(session);
			return NULL;
		}
	}
	data->history = history_create(count);
	struct step_outcome none[SESSION_LANES_MAX];
	memset(none, 0, sizeof none);
	if (!data->history || !history_append(data->history, "", NULL, none, data->lanes) || !add_checkpoint(data)) {
		*status = HEAP_ERR_HOST_MEMORY;
		session_destroy(session);
		return NULL;
	}
	*status = HEAP_OK;
	return session;
}

void session_destroy(struct session *session)
{
	if (!session)
		return;
	struct session_data *data = session->data;
	history_destroy(data->history);
	for (size_t i = 0; i < data->lane_count; i++)
		lane_release(&data->lanes[i]);
	free(data);
}

/* ---- running a step ---------------------------------------------------------- */

/* The first lane's refusal, marked with every lane that refuses (the words say which when not all do). */
static void collect_refusals(size_t count, const bool *rejected, const struct refusal *refusals, struct refusal *refusal)
{
	size_t first = count;
	unsigned lanes = 0;
	for (size_t i = 0; i < count; i++) {
		if (rejected[i] && first == count)
			first = i;
		lanes |= rejected[i] ? 1u << i : 0u;
	}
	*refusal = refusals[first];
	refusal->lanes = lanes;
}

/* Check the command against every lane; false (nothing changed) with the refusal when any lane rejects it. */
static bool check_every_lane(struct session *session, const struct command *command, struct refusal *refusal)
{
	struct session_data *data = session->data;
	struct lane_request request;
	unsigned long next_auto;
	make_request(data, command, &request, &next_auto);
	bool rejected[SESSION_LANES_MAX] = { false }, any = false;
	struct refusal refusals[SESSION_LANES_MAX];
	for (size_t i = 0; i < data->lane_count; i++) {
		data->checks++;
		rejected[i] = !lane_check(&data->lanes[i], &request, &refusals[i]);
		any = any || rejected[i];
	}
	if (any)
		collect_refusals(data->lane_count, rejected, refusals, refusal);
	return !any;
}

static void run_step(struct session *session, const struct command *command, const char *source,
		     struct session_report *report)
{
	struct session_data *data = session->data;
	/*
	 * Lessons written for one heap start with `policy X`. While comparing the
	 * policies are fixed, so it starts every heap over instead (what a policy
	 * change does to a heap anyway) and says so: lessons play here too.
	 */
	struct command as_reset;
	bool policy_ignored = data->lane_count > 1 && command->kind == CMD_POLICY;
	report->policy_ignored = policy_ignored;
	if (policy_ignored) {
		as_reset = *command;
		as_reset.kind = CMD_RESET;
		as_reset.has_size = false;
		as_reset.size_column = 0;
		command = &as_reset;
	}
	if (!check_every_lane(session, command, &report->refusal)) {
		report->ok = false;
		return;
	}
	struct step_outcome outcomes[SESSION_LANES_MAX];
	if (!apply_step(data, command, outcomes)) {
		rebuild_current(data);
		report->ok = false;
		refuse(&report->refusal, REFUSAL_HOST_MEMORY, 0, 0, 0);
		return;
	}
	/* Applied: from here the step is recorded whatever happens. */
	if (data->current + 1 < history_count(data->history)) {
		report->dropped_future = true;
		report->dropped_steps = history_drop_after(data->history, data->current, data->keep_branches);
	}
	if (!history_append(data->history, source, command, outcomes, data->lanes)) {
		rebuild_current(data);
		report->ok = false;
		refuse(&report->refusal, REFUSAL_HISTORY_MEMORY, 0, 0, 0);
		return;
	}
	for (size_t i = 0; i < data->lane_count; i++)
		report->outcomes[i] = outcomes[i];
	data->current++;
	maybe_add_checkpoint(data);

	report->new_step = true;
	report->outcome = outcomes[0];
	/* What compare_step_differs would read back from the step just recorded, from the outcomes at hand. */
	for (size_t i = 1; i < data->lane_count; i++)
		report->differs = report->differs || outcomes[i].kind != outcomes[0].kind;
}

/* ---- every other command ----------------------------------------------------- */

static void run_sleep(struct session_data *data, const struct command *command, struct session_report *report)
{
	unsigned long slept = history_sleep(data->history, data->current);
	/* Several sleeps on one step add up, to at most an hour: never a wrapped-around pause. */
	bool capped = command->ms > COMMAND_SLEEP_MAX - slept;
	if (!history_set_sleep(data->history, data->current, capped ? COMMAND_SLEEP_MAX : slept + command->ms)) {
		report->ok = false;
		refuse(&report->refusal, REFUSAL_OTHER_MEMORY, 0, 0, 0);
	}
	report->sleep_capped = capped;
}

static void run_export(const struct session *session, const struct command *command, struct session_report *report)
{
	(void)session;   /* any number of lanes: the front end writes one lane's snapshot (the screen: the cursor's) */
	/* Writing files is the caller's business: the core never touches the file system. */
	if (!export_format_of(command->text ? command->text : "", &(enum export_format){ EXPORT_SVG })) {
		report->ok = false;
		refuse(&report->refusal, REFUSAL_EXPORT_FORMAT, command->text_column, 0, 0);
		return;
	}
	report->export_path = strdup(command->text ? command->text : "");
	if (!report->export_path) {
		report->ok = false;
		refuse(&report->refusal, REFUSAL_OTHER_MEMORY, 0, 0, 0);
	}
}

void session_run(struct session *session, const struct command *command, const char *source,
		 struct session_report *report)
{
	struct session_data *data = session->data;
	memset(report, 0, sizeof *report);
	report->ok = true;
	report->kind = command->kind;
	report->lane_count = data->lane_count;
	if (is_step_kind(command->kind)) {
		run_step(session, command, source, report);
		if (!(data->quiet && report->ok))   /* quiet: a step taken has no sentences; a refusal is still worded */
			words_report(session, command, report);
		return;
	}
	size_t before = data->current;
	switch (command->kind) {
	case CMD_UNDO:
		report->ok = undo(data, &report->refusal);
		if (report->ok && data->keep_branches)
			report->restored_steps = restore_branch(data);
		break;
	case CMD_REDO:
		report->ok = redo(data, &report->refusal);
		break;
	case CMD_GOTO:
		report->ok = go_to(data, command->step, &report->refusal);
		report->refusal.column = command->value_column;
		break;
	case CMD_CHECK:
		break; /* all in the words: the check reads the heaps */
	case CMD_NOTE:
		if (!history_add_note(data->history, data->current, command->text ? command->text : "")) {
			report->ok = false;
			refuse(&report->refusal, REFUSAL_NOTE_MEMORY, 0, 0, 0);
		}
		break;
	case CMD_SLEEP:
		run_sleep(data, command, report);
		break;
	case CMD_HELP:
		break; /* all in the words */
	case CMD_QUIT:
		report->quit = true;
		break;
	case CMD_EXPORT:
		run_export(session, command, report);
		break;
	default:
		break;
	}
	report->moved = report->ok && data->current != before;
	words_report(session, command, report);
}

void session_run_line(struct session *session, const char *line, struct session_report *report)
{
	struct command command;
	struct command_error error;
	if (!command_parse(line, strlen(line), &command, &error)) {
		memset(report, 0, sizeof *report);
		report->ok = false;
		report->error = error;
		report->lane_count = session->data->lane_count;
		return;
	}
	session_run(session, &command, line, report);
	command_release(&command);
}

void session_report_release(struct session_report *report)
{
	free(report->text);
	report->text = NULL;
	free(report->export_path);
	report->export_path = NULL;
}
