/* words_explain.c - one sentence per step on why the allocator decided what it did, for the panel and JSON. */
#include "words.h"

#include <stdio.h>
#include <string.h>

#include "allocator.h"
#include "words_internal.h"

/*
 * Part of the words module, in its own file because the sentences are the
 * lesson: each names the policy's rule and the numbers that made the decision.
 */

/* The rule that chose the block, from the allocator's table: no sentence here tests for a policy. */
static enum allocator_rule rule_of(const struct step_outcome *outcome)
{
	const struct allocator_ops *ops = allocator_get(outcome->policy);
	return ops ? ops->rule : RULE_LOWEST_FIT;
}

static const char *title_of(const struct step_outcome *outcome)
{
	const struct allocator_ops *ops = allocator_get(outcome->policy);
	return ops ? ops->title : "?";
}

/* seglist's class c holds blocks of 2^c to 2^(c+1) - 1 bytes (heap_seglist.c). */
static void size_class(unsigned c, char *buffer, size_t size)
{
	if (c == 0 || c >= 8 * sizeof(size_t) - 1)
		snprintf(buffer, size, "?");
	else
		snprintf(buffer, size, "%zu-%zu B", (size_t)1 << c, ((size_t)1 << (c + 1)) - 1);
}

/*
 * With a LIFO or FIFO list (heap_order.c) the search walks the list, so the
 * sentence says list order, not address; best and worst fit still go by size
 * and say that the list only breaks ties.
 */
static bool explain_list_choice(const struct step_outcome *outcome, char *buffer, size_t size)
{
	const struct heap_placement *p = &outcome->placement;
	const char *title = title_of(outcome);
	const char *list = outcome->order == HEAP_ORDER_LIFO ? "LIFO list" : "FIFO list";

	if (outcome->order == HEAP_ORDER_ADDRESS)
		return false;
	switch (rule_of(outcome)) {
	case RULE_LOWEST_FIT:
		snprintf(buffer, size, "%s (%s): the first block in list order that fits %zu B is 0x%03zx (%zu B)",
			 title, list, p->need, p->block, p->found_size);
		return true;
	case RULE_NEXT_FROM_START:
		snprintf(buffer, size, "%s (%s): walking the list on from 0x%03zx, the first block that fits %zu B is 0x%03zx (%zu B)",
			 title, list, outcome->search_start, p->need, p->block, p->found_size);
		return true;
	case RULE_SMALLEST_FIT:
		snprintf(buffer, size, "%s (%s): 0x%03zx is the smallest free block of at least %zu B (%zu B); the list order only breaks ties",
			 title, list, p->block, p->need, p->found_size);
		return true;
	case RULE_LARGEST_FREE:
		snprintf(buffer, size, "%s (%s): 0x%03zx is the largest free block (%zu B; %zu B needed); the list order only breaks ties",
			 title, list, p->block, p->found_size, p->need);
		return true;
	default:
		return false;
	}
}

/* Why this free block: the policy's rule, in words. */
static void explain_choice(const struct step_outcome *outcome, char *buffer, size_t size)
{
	const struct heap_placement *p = &outcome->placement;
	const char *title = title_of(outcome);
	if (explain_list_choice(outcome, buffer, size))
		return;
	switch (rule_of(outcome)) {
	case RULE_LOWEST_FIT:
		snprintf(buffer, size, "%s: 0x%03zx is the lowest free block of at least %zu B (%zu B)",
			 title, p->block, p->need, p->found_size);
		break;
	case RULE_NEXT_FROM_START:
		snprintf(buffer, size, "%s: searching on from 0x%03zx, 0x%03zx is the first free block of at least %zu B (%zu B)",
			 title, outcome->search_start, p->block, p->need, p->found_size);
		break;
	case RULE_SMALLEST_FIT:
		snprintf(buffer, size, "%s: 0x%03zx is the smallest free block of at least %zu B (%zu B)",
			 title, p->block, p->need, p->found_size);
		break;
	case RULE_LARGEST_FREE:
		snprintf(buffer, size, "%s: 0x%03zx is the largest free block (%zu B; %zu B needed)",
			 title, p->block, p->found_size, p->need);
		break;
	case RULE_BUDDY_SPLIT:
		snprintf(buffer, size, "0x%03zx", p->block);
		break;
	case RULE_SEGREGATED_FIT: {
		char want[48], found[48];
		size_class(p->want_class, want, sizeof want);
		size_class(p->found_class, found, sizeof found);
		if (p->found_class == p->want_class)
			snprintf(buffer, size, "%s: %zu B needed, class %s; the first block on its list that fits is 0x%03zx (%zu B)",
				 title, p->need, want, p->block, p->found_size);
		else
			snprintf(buffer, size, "%s: %zu B needed, class %s, which has none that large; the next non-empty class, %s, gives its first block 0x%03zx (%zu B)",
				 title, p->need, want, found, p->block, p->found_size);
		break;
	}
	case RULE_TLSF_GOOD_FIT:
		snprintf(buffer, size, "%s: %zu B needed, rounded up to %zu B: list (%u,%u); the first non-empty list at or above it is (%u,%u); its %zu B block at 0x%03zx",
			 title, p->need, p->rounded, p->want_class, p->want_sub, p->found_class, p->found_sub, p->found_size,
			 p->block);
		break;
	}
}

/* Which list a free block of a segregated allocator went onto, " (to class 16-31 B)"; "" for other allocators. */
static void list_words(const struct step_outcome *outcome, unsigned list_class, unsigned list_sub, char *buffer,
		       size_t size)
{
	char range[48];
	buffer[0] = '\0';
	if (rule_of(outcome) == RULE_SEGREGATED_FIT) {
		size_class(list_class, range, sizeof range);
		snprintf(buffer, size, " (to class %s)", range);
	} else if (rule_of(outcome) == RULE_TLSF_GOOD_FIT) {
		snprintf(buffer, size, " (to list (%u,%u))", list_class, list_sub);
	} else if (outcome->order != HEAP_ORDER_ADDRESS) {
		snprintf(buffer, size, outcome->order == HEAP_ORDER_LIFO ? " (to the front of the list)"
									    : " (to the back of the list)");
	}
}

static void explain_split(const struct step_outcome *outcome, char *buffer, size_t size)
{
	const struct heap_placement *p = &outcome->placement;
	char list[64];
	list_words(outcome, p->rest_class, p->rest_sub, list, sizeof list);
	if (p->split_rest)
		snprintf(buffer, size, "; split, %zu B stay free%s", p->split_rest, list);
	else if (p->found_size > p->need)
		snprintf(buffer, size, "; the %zu B left over are too few to split off, so they stay in the block as padding",
			 p->found_size - p->need);
	else
		snprintf(buffer, size, "; an exact fit");
}

static void explain_placed(const struct command *command, const struct step_outcome *outcome,
			   char *buffer, size_t size)
{
	const struct heap_placement *p = &outcome->placement;
	enum placement_source origin = p->source == SOURCE_MOVED ? p->moved_from : p->source;
	char choice[320], split[200];
	if (command->kind == CMD_REALLOC && p->source == SOURCE_IN_PLACE) {
		snprintf(buffer, size, "realloc in place: the block at 0x%03zx is now %zu B (%zu B needed)%s",
			 p->block, p->block_size, p->need,
			 p->split_rest ? ", the rest was split off and freed" : "");
		return;
	}
	if (rule_of(outcome) == RULE_BUDDY_SPLIT) {
		/* p->need is already the power of two: show what was rounded up (header + request). */
		size_t header = p->payload - p->block;
		size_t request = command->kind == CMD_CALLOC ? command->count * command->size : command->size;
		if (p->buddy_splits)
			snprintf(choice, sizeof choice, "buddy: %zu B header + %zu B = %zu B, rounded up to a %zu B block; the free %zu B block at 0x%03zx was halved %u time%s",
				 header, request, header + request, p->block_size, p->found_size, p->block, p->buddy_splits,
				 words_plural(p->buddy_splits));
		else
			snprintf(choice, sizeof choice, "buddy: %zu B header + %zu B = %zu B, rounded up to a %zu B block; the free block at 0x%03zx is exactly that size",
				 header, request, header + request, p->block_size, p->block);
		split[0] = '\0';
	} else if (origin == SOURCE_WILDERNESS) {
		snprintf(choice, sizeof choice, "%s: no free block below the break holds %zu B, so the break moves up from 0x%03zx to 0x%03zx",
			 heap_policy_title(outcome->policy), p->need, p->block, p->block + p->block_size);
		split[0] = '\0';
	} else {
		explain_choice(outcome, choice, sizeof choice);
		explain_split(outcome, split, sizeof split);
	}
	if (outcome->from_null)
		snprintf(buffer, size, "realloc(NULL, %zu) is malloc(%zu): %s%s", command->size, command->size, choice, split);
	else if (command->kind == CMD_REALLOC)
		snprintf(buffer, size, "realloc could not grow in place: %s%s; %zu B copied from 0x%03zx, the old block freed",
			 choice, split, p->copied, p->old_payload);
	else
		snprintf(buffer, size, "%s%s", choice, split);
}

/* tlsf refused with a free block at least the need: the rounding passed it over (tlsf_round). */
static bool passed_over(const struct step_outcome *outcome)
{
	return outcome->status == HEAP_ERR_FRAGMENTED && rule_of(outcome) == RULE_TLSF_GOOD_FIT &&
	       outcome->largest_free >= outcome->placement.need;
}

const char *words_refused_reason(const struct step_outcome *outcome)
{
	if (passed_over(outcome))
		return "out of memory: a free block would hold the need, but none is on a list at or above the need rounded up for the good fit";
	return heap_status_message(outcome->status);
}

static void explain_refused(const struct command *command, const struct step_outcome *outcome, char *buffer,
			    size_t size)
{
	char policy[80];
	if (outcome->from_null)
		snprintf(policy, sizeof policy, "realloc(NULL, %zu) is malloc(%zu): %s", command->size, command->size,
			 heap_policy_title(outcome->policy));
	else
		snprintf(policy, sizeof policy, "%s", heap_policy_title(outcome->policy));
	size_t need = outcome->placement.need;
	switch (outcome->status) {
	case HEAP_ERR_TOO_LARGE:
		snprintf(buffer, size, "%s: refused, the request is larger than the whole heap", policy);
		break;
	case HEAP_ERR_FRAGMENTED:
		if (passed_over(outcome)) {
			snprintf(buffer, size, "%s: refused: %zu B needed, rounded up to %zu B: list (%u,%u); no list at or above it has a block, though the largest free block (%zu B) would hold the need: the good fit passes over blocks below the rounded size",
				 policy, need, outcome->placement.rounded, outcome->placement.want_class,
				 outcome->placement.want_sub, outcome->largest_free);
			break;
		}
		snprintf(buffer, size, "%s: refused: %zu B needed and %zu B are free in total, but the largest free block is %zu B (external fragmentation)",
			 policy, need, outcome->free_total, outcome->largest_free);
		break;
	default:
		snprintf(buffer, size, "%s: refused: %zu B needed but only %zu B are free in total",
			 policy, need, outcome->free_total);
		break;
	}
}

static void explain_freed(const struct step_outcome *outcome, char *buffer, size_t size)
{
	const struct heap_release *r = &outcome->release;
	char list[64];
	list_words(outcome, r->list_class, r->list_sub, list, sizeof list);
	if (r->to_wilderness)
		snprintf(buffer, size, "freed the %zu B block at 0x%03zx%s; it touched the break, so the space goes back to the wilderness (the break is now 0x%03zx)",
			 r->block_size, r->block, r->merges ? " and merged it with the free block before it" : "",
			 r->merged_offset);
	else if (rule_of(outcome) == RULE_BUDDY_SPLIT && r->merges)
		snprintf(buffer, size, "freed the %zu B block at 0x%03zx; its free buddy merged %u time%s, into a %zu B block at 0x%03zx",
			 r->block_size, r->block, r->merges, words_plural(r->merges), r->merged_size, r->merged_offset);
	else if (r->merges)
		snprintf(buffer, size, "freed the %zu B block at 0x%03zx and coalesced it with %u free neighbour%s: one %zu B free block at 0x%03zx%s",
			 r->block_size, r->block, r->merges, words_plural(r->merges), r->merged_size, r->merged_offset, list);
	else
		snprintf(buffer, size, "freed the %zu B block at 0x%03zx; no free neighbour%s to merge with%s",
			 r->block_size, r->block, rule_of(outcome) == RULE_BUDDY_SPLIT ? " (buddy)" : "", list);
}

void words_explain(const struct command *command, const struct step_outcome *outcome, char *buffer, size_t size)
{
	if (size == 0)
		return;
	buffer[0] = '\0';
	switch (outcome->kind) {
	case OUTCOME_PLACED:
		explain_placed(command, outcome, buffer, size);
		break;
	case OUTCOME_REFUSED:
		explain_refused(command, outcome, buffer, size);
		break;
	case OUTCOME_FREED:
		explain_freed(outcome, buffer, size);
		break;
	case OUTCOME_NULL:
		if (command->kind == CMD_FREE)
			snprintf(buffer, size, "free(NULL) does nothing: '%s' holds no block and still holds NULL",
				 outcome->name);
		else
			snprintf(buffer, size, "malloc(0) may return NULL in C, and here it does: '%s' is NULL", outcome->name);
		break;
	case OUTCOME_WRITTEN:
		snprintf(buffer, size, "%zu byte%s of the payload at 0x%03zx changed; the metadata is untouched",
			 outcome->bytes, words_plural(outcome->bytes), outcome->payload);
		break;
	case OUTCOME_NONE:
		if (command->kind == CMD_POLICY || command->kind == CMD_RESET || command->kind == CMD_ALIGN ||
		    command->kind == CMD_ORDER)
			snprintf(buffer, size, "a fresh, empty heap%s",
				 outcome->bytes ? ": changing the heap's settings starts it over" : "");
		break;
	}
}

void words_explain_current(const struct session *session, char *buffer, size_t size)
{
	struct step_info info;
	if (size == 0)
		return;
	buffer[0] = '\0';
	size_t step = session_step(session);
	if (step > 0 && session_step_info(session, step, &info))
		words_explain(info.command, &info.outcome, buffer, size);
}
