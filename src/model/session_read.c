/* session_read.c - reading a session: each handle reads its own lane's heap, names and history. */
#include "session_internal.h"

/* ---- reading: each handle reads its lane ------------------------------------- */

size_t session_lane_count(const struct session *session)
{
	return session->data->lane_count;
}

const struct session *session_lane(const struct session *session, size_t index)
{
	return index < session->data->lane_count ? &session->data->handles[index] : NULL;
}

struct session *session_lane_mutable(struct session *session, size_t index)
{
	return index < session->data->lane_count ? &session->data->handles[index] : NULL;
}

size_t session_lane_index(const struct session *session)
{
	return session->lane;
}

enum heap_policy session_lane_policy(const struct session *session, size_t index)
{
	return index < session->data->lane_count ? heap_policy(session->data->lanes[index].heap) : POLICY_FIRST_FIT;
}

const struct heap *session_heap(const struct session *session)
{
	return session->data->lanes[session->lane].heap;
}

const struct names *session_names(const struct session *session)
{
	return session->data->lanes[session->lane].names;
}

size_t session_step(const struct session *session)
{
	return session->data->current;
}

size_t session_last_step(const struct session *session)
{
	return history_count(session->data->history) - 1;
}

bool session_step_info(const struct session *session, size_t step, struct step_info *info)
{
	const struct step_record *record = history_record(session->data->history, step);
	if (!record)
		return false;
	info->source = record->source ? record->source : "";
	info->command = &record->command;
	info->outcome = record->outcomes[session->lane];
	info->note_count = record->note_count;
	info->notes = record->notes;
	info->sleep_ms = record->sleep_ms;
	return true;
}

bool session_step_outcome(const struct session *session, size_t step, struct step_outcome *outcome,
			  enum command_kind *kind)
{
	if (step >= history_count(session->data->history))
		return false;
	history_outcome(session->data->history, step, session->lane, outcome, kind);
	return true;
}

const char *session_name_at(const struct session *session, size_t payload)
{
	return names_at(session_names(session), payload);
}

bool session_history_stats(const struct session *session, size_t step, double *utilization, double *fragmentation)
{
	const struct step_record *record = history_record(session->data->history, step);
	if (!record)
		return false;
	*utilization = record->sparks[2 * session->lane];
	*fragmentation = record->sparks[2 * session->lane + 1];
	return true;
}

size_t session_checkpoint_interval(const struct session *session)
{
	return history_interval(session->data->history);
}

size_t session_checkpoint_count(const struct session *session)
{
	return history_checkpoint_count(session->data->history);
}

void session_set_checkpoint_budget(struct session *session, size_t bytes)
{
	history_set_budget(session->data->history, bytes);
}

size_t session_replayed_steps(const struct session *session)
{
	return session->data->replayed;
}

size_t session_lane_checks(const struct session *session)
{
	return session->data->checks;
}

size_t session_history_bytes(const struct session *session)
{
	return history_bytes(session->data->history);
}
