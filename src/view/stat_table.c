/* stat_table.c - the one table of statistics (why it lives in view/: stat_table.h) and each output's form of a value. */
#include "stat_table.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

/*
 * One row per statistic: every name it goes by, where JSON has it, its unit
 * and what the help says it is. The panel's, the compare panel's, the batch
 * report's, JSON's and the help's words all come from here.
 */
static const struct stat_entry table[VIEW_STAT_COUNT] = {
	[VIEW_STAT_POLICY] = {"policy", "policy", NULL, NULL, NULL, NULL, "policy", false, STAT_UNIT_POLICY,
			      "how a free block is chosen: first, next, best or worst fit, or buddy"},
	[VIEW_STAT_STEP] = {"step", "step", "step", NULL, NULL, NULL, "step", false, STAT_UNIT_STEP,
			    "the step shown / the last step of the history"},
	[VIEW_STAT_HEAP_SIZE] = {"heap size", "heap", NULL, NULL, NULL, NULL, "heap_size", false, STAT_UNIT_BYTES,
				 "every byte of the heap, metadata included"},
	[VIEW_STAT_ALIGNMENT] = {"alignment", "align", NULL, NULL, NULL, NULL, "alignment", false, STAT_UNIT_COUNT,
				 "every payload address is a multiple of it"},
	[VIEW_STAT_USED_BLOCKS] = {"used blocks", "used blks", "blocks", "used blk", "used blk", "used blocks",
				   "used_blocks", true, STAT_UNIT_COUNT, "blocks in use"},
	[VIEW_STAT_USED_BYTES] = {"used bytes", "used", "used", "used", "used", "used bytes", "used_bytes", true,
				  STAT_UNIT_BYTES, "sizes of the used blocks, headers, footers and padding included"},
	[VIEW_STAT_REQUESTED] = {"requested", "asked", NULL, "requested", "asked", "requested bytes", "requested_bytes",
				 true, STAT_UNIT_BYTES, "the sizes asked for by the live allocations"},
	[VIEW_STAT_OVERHEAD] = {"overhead", "overhead", NULL, "overhead", "overhead", "overhead bytes", "overhead_bytes",
				true, STAT_UNIT_BYTES, "used bytes - requested"},
	[VIEW_STAT_FREE_BLOCKS] = {"free blocks", "free blks", NULL, "free blk", "free blk", "free blocks",
				   "free_blocks", true, STAT_UNIT_COUNT,
				   "free blocks below the break (the wilderness is not a block)"},
	[VIEW_STAT_FREE_BYTES] = {"free bytes", "free", "free", "free", "free", "free bytes", "free_bytes", true,
				  STAT_UNIT_BYTES, "free blocks + wilderness"},
	[VIEW_STAT_WILDERNESS] = {"wilderness", "wild", NULL, NULL, NULL, "wilderness bytes", "wilderness_bytes", true,
				  STAT_UNIT_BYTES, "the bytes above the break, never used yet"},
	[VIEW_STAT_LARGEST_FREE] = {"largest free", "max free", "max free", "largest", "max", "largest free",
				    "largest_free", true, STAT_UNIT_BYTES,
				    "the largest free block, or the wilderness if larger"},
	[VIEW_STAT_FRAGMENTATION] = {"external fragmentation", "ext. fragmentation", "frag", "frag", "frag",
				     "external fragmentation", "external_fragmentation", true, STAT_UNIT_RATIO,
				     "1 - largest free / free bytes (0 when nothing is free)"},
	[VIEW_STAT_UTILIZATION] = {"utilization", "utilization", "util", "util", "util", "utilization", "utilization",
				   true, STAT_UNIT_RATIO, "requested / heap size"},
	[VIEW_STAT_PEAK_UTILIZATION] = {"peak utilization", "peak util", "peak", "peak util", "peak util",
					"peak utilization", "peak_utilization", true, STAT_UNIT_RATIO,
					"the highest utilization since the heap was created"},
	[VIEW_STAT_FAILED_ALLOCS] = {"failed allocs", "failed", "failed", "failed", "failed", "failed allocations",
				     "failed_allocs", true, STAT_UNIT_COUNT, "requests refused for want of space"},
};

/* The documented JSON order (README, "Batch mode and JSON"): the state's fields, then the "stats" object's. */
static const enum view_statistic_id json_order[] = {
	VIEW_STAT_STEP, VIEW_STAT_POLICY, VIEW_STAT_HEAP_SIZE, VIEW_STAT_ALIGNMENT,
	VIEW_STAT_USED_BLOCKS, VIEW_STAT_FREE_BLOCKS, VIEW_STAT_REQUESTED, VIEW_STAT_USED_BYTES,
	VIEW_STAT_OVERHEAD, VIEW_STAT_FREE_BYTES, VIEW_STAT_LARGEST_FREE, VIEW_STAT_WILDERNESS,
	VIEW_STAT_FRAGMENTATION, VIEW_STAT_UTILIZATION, VIEW_STAT_PEAK_UTILIZATION, VIEW_STAT_FAILED_ALLOCS,
};
_Static_assert(sizeof json_order / sizeof json_order[0] == VIEW_STAT_COUNT, "JSON has every statistic");

/* The batch report's rows, used side then free side, as tests/e2e/expected pins them. */
static const enum view_statistic_id report_order[] = {
	VIEW_STAT_USED_BLOCKS, VIEW_STAT_REQUESTED, VIEW_STAT_USED_BYTES, VIEW_STAT_OVERHEAD,
	VIEW_STAT_FREE_BLOCKS, VIEW_STAT_FREE_BYTES, VIEW_STAT_WILDERNESS, VIEW_STAT_LARGEST_FREE,
	VIEW_STAT_FRAGMENTATION, VIEW_STAT_UTILIZATION, VIEW_STAT_PEAK_UTILIZATION, VIEW_STAT_FAILED_ALLOCS,
};

/* Where each number is in a sample; SIZE_MAX for the policy. */
static const size_t sample_offset[VIEW_STAT_COUNT] = {
	[VIEW_STAT_POLICY] = SIZE_MAX,
	[VIEW_STAT_STEP] = offsetof(struct stat_sample, step),
	[VIEW_STAT_HEAP_SIZE] = offsetof(struct stat_sample, stats.heap_size),
	[VIEW_STAT_ALIGNMENT] = offsetof(struct stat_sample, alignment),
	[VIEW_STAT_USED_BLOCKS] = offsetof(struct stat_sample, stats.used_blocks),
	[VIEW_STAT_USED_BYTES] = offsetof(struct stat_sample, stats.used_bytes),
	[VIEW_STAT_REQUESTED] = offsetof(struct stat_sample, stats.requested_bytes),
	[VIEW_STAT_OVERHEAD] = offsetof(struct stat_sample, stats.overhead_bytes),
	[VIEW_STAT_FREE_BLOCKS] = offsetof(struct stat_sample, stats.free_blocks),
	[VIEW_STAT_FREE_BYTES] = offsetof(struct stat_sample, stats.free_bytes),
	[VIEW_STAT_WILDERNESS] = offsetof(struct stat_sample, stats.wilderness_bytes),
	[VIEW_STAT_LARGEST_FREE] = offsetof(struct stat_sample, stats.largest_free),
	[VIEW_STAT_FRAGMENTATION] = offsetof(struct stat_sample, stats.external_fragmentation),
	[VIEW_STAT_UTILIZATION] = offsetof(struct stat_sample, stats.utilization),
	[VIEW_STAT_PEAK_UTILIZATION] = offsetof(struct stat_sample, stats.peak_utilization),
	[VIEW_STAT_FAILED_ALLOCS] = offsetof(struct stat_sample, stats.failed_allocs),
};

const struct stat_entry *stat_entry(enum view_statistic_id id)
{
	static const struct stat_entry none = {"", "", NULL, NULL, NULL, NULL, "", false, STAT_UNIT_COUNT, ""};
	return (unsigned)id < VIEW_STAT_COUNT ? &table[id] : &none;
}

size_t stat_json_order(const enum view_statistic_id **order)
{
	*order = json_order;
	return sizeof json_order / sizeof json_order[0];
}

size_t stat_report_order(const enum view_statistic_id **order)
{
	*order = report_order;
	return sizeof report_order / sizeof report_order[0];
}

void stat_sample_of(const struct session *session, struct stat_sample *sample)
{
	const struct heap *heap = session_heap(session);
	memset(sample, 0, sizeof *sample);
	sample->policy = heap_policy(heap);
	sample->step = session_step(session);
	sample->last_step = session_last_step(session);
	sample->alignment = heap_alignment(heap);
	heap_get_stats(heap, &sample->stats);
}

size_t stat_number(const struct stat_sample *sample, enum view_statistic_id id)
{
	size_t number = 0;
	if ((unsigned)id < VIEW_STAT_COUNT && table[id].unit != STAT_UNIT_POLICY && table[id].unit != STAT_UNIT_RATIO)
		memcpy(&number, (const char *)sample + sample_offset[id], sizeof number);
	return number;
}

double stat_ratio(const struct stat_sample *sample, enum view_statistic_id id)
{
	double ratio = 0;
	if ((unsigned)id < VIEW_STAT_COUNT && table[id].unit == STAT_UNIT_RATIO)
		memcpy(&ratio, (const char *)sample + sample_offset[id], sizeof ratio);
	return ratio;
}

void stat_format(const struct stat_sample *sample, enum view_statistic_id id, enum stat_form form, char *buffer,
		 size_t size)
{
	if (size == 0)
		return;
	buffer[0] = '\0';
	if ((unsigned)id >= VIEW_STAT_COUNT)
		return;
	size_t number = stat_number(sample, id);
	double ratio = stat_ratio(sample, id);
	switch (table[id].unit) {
	case STAT_UNIT_POLICY:
		snprintf(buffer, size, "%s",
			 form == STAT_FORM_JSON ? heap_policy_name(sample->policy) : heap_policy_title(sample->policy));
		break;
	case STAT_UNIT_STEP:
		if (form == STAT_FORM_SCREEN)
			snprintf(buffer, size, "%zu / %zu", number, sample->last_step);
		else
			snprintf(buffer, size, "%zu", number);
		break;
	case STAT_UNIT_BYTES:
		if (form == STAT_FORM_SCREEN)
			view_format_bytes(number, buffer, size);
		else
			snprintf(buffer, size, "%zu", number);
		break;
	case STAT_UNIT_COUNT:
		snprintf(buffer, size, "%zu", number);
		break;
	case STAT_UNIT_RATIO:
		if (form == STAT_FORM_SCREEN) {
			snprintf(buffer, size, "%.0f %%", ratio * 100.0);
		} else if (form == STAT_FORM_REPORT) {
			snprintf(buffer, size, "%.1f %%", 100.0 * ratio);
		} else {
			/* Enough digits to recompute the statistic, never NaN or infinity. */
			if (!(ratio == ratio) || ratio < 0)
				ratio = 0;
			snprintf(buffer, size, "%.6g", ratio);
		}
		break;
	}
}
