/* compare.c - the lanes of a session side by side: the --compare policy list, and where the lanes' outcomes differ (as data; words.h words it). */
#include "compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"

/* --- the policies ----------------------------------------------------------- */

bool compare_parse_policies(const char *text, struct compare_policies *policies, char *error, size_t size)
{
	memset(policies, 0, sizeof *policies);
	const char *word = text ? text : "";
	char names[120]; /* every allocator, from the registry */
	allocator_names(names, sizeof names, ", ", " or ");
	for (;;) {
		size_t len = strcspn(word, ",");
		char name[16];
		enum heap_policy policy;
		if (len == 0) {
			snprintf(error, size, "--compare takes policies separated by commas, like first,best");
			return false;
		}
		if (len >= sizeof name) {
			snprintf(error, size, "--compare: unknown policy '%.*s': use %s", (int)(len > 40 ? 40 : len), word,
				 names);
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
			snprintf(error, size, "--compare: unknown policy '%s': use %s", name, names);
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

struct session *compare_create(const struct heap_config *config, const struct compare_policies *policies,
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
	return session_create_lanes(config, policies->list, policies->count, status);
}

/* --- differences --------------------------------------------------------------- */

bool compare_step_difference(const struct session *session, size_t step, struct compare_difference *difference)
{
	memset(difference, 0, sizeof *difference);
	if (step == 0 || step > session_last_step(session))
		return false;
	size_t count = session_lane_count(session);
	size_t blocks[COMPARE_MAX];
	bool all_placed = true;
	for (size_t i = 0; i < count; i++) {
		struct step_outcome outcome;
		enum command_kind kind;
		if (!session_step_outcome(session_lane(session, i), step, &outcome, &kind))
			return false;
		difference->kinds[i] = outcome.kind;
		blocks[i] = outcome.placement.block;
		all_placed = all_placed && outcome.kind == OUTCOME_PLACED;
		if (outcome.kind == OUTCOME_REFUSED) {
			difference->refused[i] = true;
			difference->refused_count++;
		}
		if (outcome.kind != difference->kinds[0])
			difference->kinds_differ = true;
	}
	for (size_t i = 1; all_placed && i < count; i++)
		if (blocks[i] != blocks[0])
			difference->places_differ = true;
	return true;
}

bool compare_step_differs(const struct session *session, size_t step)
{
	struct compare_difference difference;
	return compare_step_difference(session, step, &difference) && difference.kinds_differ;
}

size_t compare_differing_steps(const struct session *session, size_t *steps, size_t max)
{
	size_t found = 0, last = session_last_step(session);
	for (size_t step = 1; step <= last; step++) {
		if (!compare_step_differs(session, step))
			continue;
		if (found < max)
			steps[found] = step;
		found++;
	}
	return found;
}
