/* session.c - lanes sharing one history: checks a command in every lane, commits it to all, travels in time. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "history.h"
#include "lane.h"
#include "outfile.h"
#include "session_internal.h"
#include "strbuf.h"

/* Does this command kind record a step? */
static bool is_step_kind(enum command_kind kind)
{
	switch (kind) {
	case CMD_ALLOC: case CMD_FREE: case CMD_REALLOC: case CMD_CALLOC:
	case CMD_WRITE: case CMD_FILL: case CMD_POLICY: case CMD_RESET: case CMD_ALIGN:
		return true;
	default:
		return false;
	}
}

static void set_error(struct command_error *error, size_t column, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(struct command_error *error, size_t column, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	error->column = column;
	vsnprintf(error->message, sizeof error->message, format, args);
	va_end(args);
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
	data->next_auto = (command->kind == CMD_POLICY || command->kind == CMD_RESET || command->kind == CMD_ALIGN)
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

bool session_undo(struct session *session, struct command_error *error)
{
	struct session_data *data = session->data;
	if (data->current == 0) {
		set_error(error, 0, "nothing to undo: this is step 0");
		return false;
	}
	move_to(data, data->current - 1);
	return true;
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
	struct session_data *data = session->data;
	if (data->current + 1 >= history_count(data->history)) {
		set_error(error, 0, "nothing to redo: step %zu is the last", data->current);
		return false;
	}
	move_to(data, data->current + 1);
	return true;
}

bool session_goto(struct session *session, size_t step, struct command_error *error)
{
	struct session_data *data = session->data;
	if (step >= history_count(data->history)) {
		set_error(error, 0, "no step %zu: history has steps 0 to %zu", step, history_count(data->history) - 1);
		return false;
	}
	move_to(data, step);
	return true;
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

/* Word a rejection: as the lane words it when every lane rejects it, otherwise naming the policies that do. */
static void word_rejection(const struct session *session, const struct command *command, const bool *rejected,
			   const struct command_error *errors, struct command_error *error)
{
	size_t count = session_lane_count(session), first = count, rejections = 0;
	for (size_t i = 0; i < count; i++) {
		if (rejected[i] && first == count)
			first = i;
		rejections += rejected[i];
	}
	if (rejections == count) {
		*error = errors[first];
		return;
	}
	char who[160];
	compare_list_lanes(session, rejected, who, sizeof who);
	if (command->kind == CMD_RESET || command->kind == CMD_ALIGN || command->kind == CMD_POLICY)
		set_error(error, errors[first].column, "%s (under %s; no heap changed)", errors[first].message, who);
	else
		set_error(error, errors[first].column, "under %s: %s (no heap changed)", who, errors[first].message);
}

/* Check the command against every lane; false (nothing changed) with the error when any lane rejects it. */
static bool check_every_lane(struct session *session, const struct command *command, struct command_error *error)
{
	struct session_data *data = session->data;
	struct lane_request request;
	unsigned long next_auto;
	make_request(data, command, &request, &next_auto);
	bool rejected[SESSION_LANES_MAX] = { false }, any = false;
	struct command_error errors[SESSION_LANES_MAX];
	for (size_t i = 0; i < data->lane_count; i++) {
		data->checks++;
		rejected[i] = !lane_check(&data->lanes[i], &request, &errors[i]);
		any = any || rejected[i];
	}
	if (any)
		word_rejection(session, command, rejected, errors, error);
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
	if (policy_ignored) {
		as_reset = *command;
		as_reset.kind = CMD_RESET;
		as_reset.has_size = false;
		as_reset.size_column = 0;
		command = &as_reset;
	}
	if (!check_every_lane(session, command, &report->error)) {
		report->ok = false;
		return;
	}
	struct step_outcome outcomes[SESSION_LANES_MAX];
	if (!apply_step(data, command, outcomes)) {
		rebuild_current(data);
		report->ok = false;
		set_error(&report->error, 0, "%s", heap_status_message(HEAP_ERR_HOST_MEMORY));
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
		set_error(&report->error, 0, "out of host memory for history");
		return;
	}
	for (size_t i = 0; i < data->lane_count; i++)
		report->outcomes[i] = outcomes[i];
	data->current++;
	maybe_add_checkpoint(data);

	report->new_step = true;
	report->outcome = outcomes[0];
	/* What compare_step_differs reads back from the step just recorded, from the outcomes at hand. */
	for (size_t i = 1; i < data->lane_count; i++)
		report->differs = report->differs || outcomes[i].kind != outcomes[0].kind;
	if (data->quiet)
		return;
	if (data->lane_count == 1) {
		struct session_report one;
		session_lane_report(session, report, &one);
		memcpy(report->explain, one.explain, sizeof report->explain);
		memcpy(report->message, one.message, sizeof report->message);
	} else if (policy_ignored) {
		snprintf(report->message, sizeof report->message,
			 "policy %s ignored: the policies are fixed by --compare, so every heap starts over instead",
			 heap_policy_name(command->policy));
	} else if (command->kind == CMD_RESET || command->kind == CMD_ALIGN) {
		snprintf(report->message, sizeof report->message, "new heaps: %zu B, align %u, one per policy",
			 heap_size(data->lanes[0].heap), heap_alignment(data->lanes[0].heap));
	} else {
		session_words_lanes_step(session, report->message, sizeof report->message);
	}
}

void session_lane_report(const struct session *lane, const struct session_report *report, struct session_report *out)
{
	const struct session_data *data = lane->data;
	*out = *report;
	out->text = NULL;
	out->export_path = NULL;
	out->explain[0] = '\0';
	if (!report->ok || (!report->new_step && !report->moved))
		return;
	const struct step_record *record = history_record(data->history, data->current);
	const struct step_outcome *outcome = &record->outcomes[lane->lane];
	if (data->current > 0)
		session_explain_outcome(&record->command, outcome, out->explain, sizeof out->explain);
	if (!report->new_step)
		return;
	out->outcome = *outcome;
	session_words_outcome(data->lanes[lane->lane].heap, &record->command, outcome, out->message, sizeof out->message);
	const struct command *command = &record->command;
	if ((command->kind == CMD_POLICY || command->kind == CMD_RESET || command->kind == CMD_ALIGN) && outcome->bytes) {
		size_t len = strlen(out->message);
		snprintf(out->message + len, sizeof out->message - len, " (the heap was reset: %zu block%s dropped)",
			 outcome->bytes, outcome->bytes == 1 ? "" : "s");
	}
}

/* ---- every other command ----------------------------------------------------- */

static void run_check(const struct session *session, struct session_report *report)
{
	if (session_lane_count(session) == 1)
		session_words_check(session_heap(session), report->message, sizeof report->message, &report->text);
	else
		session_words_lanes_check(session, report->message, sizeof report->message, &report->text);
}

static void run_sleep(struct session_data *data, const struct command *command, struct session_report *report)
{
	unsigned long slept = history_sleep(data->history, data->current);
	/* Several sleeps on one step add up, to at most an hour: never a wrapped-around pause. */
	bool capped = command->ms > COMMAND_SLEEP_MAX - slept;
	if (!history_set_sleep(data->history, data->current, capped ? COMMAND_SLEEP_MAX : slept + command->ms)) {
		report->ok = false;
		set_error(&report->error, 0, "out of host memory");
	} else if (capped) {
		snprintf(report->message, sizeof report->message,
			 "sleep %lu ms during playback (playback caps the total pause at 1 h)", command->ms);
	} else {
		snprintf(report->message, sizeof report->message, "sleep %lu ms during playback", command->ms);
	}
}

static void run_export(const struct session *session, const struct command *command, struct session_report *report)
{
	(void)session;   /* any number of lanes: the front end writes one lane's snapshot (the screen: the cursor's) */
	/* Writing files is the caller's business: the core never touches the file system. */
	if (!export_format_of(command->text ? command->text : "", &(enum export_format){ EXPORT_SVG })) {
		report->ok = false;
		set_error(&report->error, command->text_column, "export writes a .svg or a .txt file");
		return;
	}
	report->export_path = strdup(command->text ? command->text : "");
	if (!report->export_path) {
		report->ok = false;
		set_error(&report->error, 0, "out of host memory");
	}
}

/* After undo/redo/goto: where we are now. */
static void report_move(const struct session *session, struct session_report *report)
{
	const struct session_data *data = session->data;
	report->moved = true;
	snprintf(report->message, sizeof report->message, "now at step %zu of %zu", data->current,
		 history_count(data->history) - 1);
	if (report->restored_steps)
		snprintf(report->message, sizeof report->message,
			 "back at step %zu: the timeline's %zu later step%s are back (redo or play to go on)",
			 data->current, report->restored_steps, report->restored_steps == 1 ? "" : "s");
	if (data->lane_count == 1) {
		struct session_report one;
		session_lane_report(session, report, &one);
		memcpy(report->explain, one.explain, sizeof report->explain);
	} else if (data->current > 0 && compare_step_differs(session, data->current)) {
		char difference[200];
		compare_describe_difference(session, data->current, difference, sizeof difference);
		size_t len = strlen(report->message);
		snprintf(report->message + len, sizeof report->message - len, "; differs: %s", difference);
	}
}

/* One lane's messages keep the length they always had (320 bytes with the NUL); several lanes' need more. */
static void keep_one_lane_length(struct session_report *report)
{
	if (report->lane_count == 1)
		report->message[319] = '\0';
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
		keep_one_lane_length(report);
		return;
	}
	size_t before = data->current;
	switch (command->kind) {
	case CMD_UNDO:
		report->ok = session_undo(session, &report->error);
		if (report->ok && data->keep_branches)
			report->restored_steps = restore_branch(data);
		break;
	case CMD_REDO:
		report->ok = session_redo(session, &report->error);
		break;
	case CMD_GOTO:
		report->ok = session_goto(session, command->step, &report->error);
		if (!report->ok)
			report->error.column = command->value_column;
		break;
	case CMD_CHECK:
		run_check(session, report);
		break;
	case CMD_NOTE:
		if (!history_add_note(data->history, data->current, command->text ? command->text : "")) {
			report->ok = false;
			set_error(&report->error, 0, "out of host memory for the note");
		}
		snprintf(report->message, sizeof report->message, "note: %s", command->text ? command->text : "");
		break;
	case CMD_SLEEP:
		run_sleep(data, command, report);
		break;
	case CMD_HELP:
		session_words_help(command, report);
		break;
	case CMD_QUIT:
		report->quit = true;
		break;
	case CMD_EXPORT:
		run_export(session, command, report);
		break;
	default:
		break;
	}
	if (report->ok && data->current != before)
		report_move(session, report);
	keep_one_lane_length(report);
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
