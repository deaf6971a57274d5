/* view_stats.c - what the statistics panel says: each statistic's names, its value and how wide it can get. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "allocator.h"

/*
 * One table of names: the panel uses label where it fits beside the widest
 * value, short_label where it does not (an 80-column panel is 38 cells), and
 * the small-terminal summary its own words.
 */
static const struct {
	const char *label, *short_label, *compact_label;
} names[VIEW_STAT_COUNT] = {
	[VIEW_STAT_POLICY] = {"policy", "policy", NULL},
	[VIEW_STAT_STEP] = {"step", "step", "step"},
	[VIEW_STAT_HEAP_SIZE] = {"heap size", "heap", NULL},
	[VIEW_STAT_ALIGNMENT] = {"alignment", "align", NULL},
	[VIEW_STAT_USED_BLOCKS] = {"used blocks", "used blks", "blocks"},
	[VIEW_STAT_USED_BYTES] = {"used bytes", "used", "used"},
	[VIEW_STAT_REQUESTED] = {"requested", "asked", NULL},
	[VIEW_STAT_OVERHEAD] = {"overhead", "overhead", NULL},
	[VIEW_STAT_FREE_BLOCKS] = {"free blocks", "free blks", NULL},
	[VIEW_STAT_FREE_BYTES] = {"free bytes", "free", "free"},
	[VIEW_STAT_WILDERNESS] = {"wilderness", "wild", NULL},
	[VIEW_STAT_LARGEST_FREE] = {"largest free", "max free", "max free"},
	[VIEW_STAT_FRAGMENTATION] = {"external fragmentation", "ext. fragmentation", "frag"},
	[VIEW_STAT_UTILIZATION] = {"utilization", "utilization", "util"},
	[VIEW_STAT_PEAK_UTILIZATION] = {"peak utilization", "peak util", "peak"},
	[VIEW_STAT_FAILED_ALLOCS] = {"failed allocs", "failed", "failed"},
};

const char *view_statistic_label(enum view_statistic_id id, bool short_form)
{
	if ((unsigned)id >= VIEW_STAT_COUNT)
		return "";
	return short_form ? names[id].short_label : names[id].label;
}

static int text_width(const char *text)
{
	return (int)screen_text_width(text, strlen(text));
}

static int decimal_width(size_t value)
{
	char text[32];
	return snprintf(text, sizeof text, "%zu", value);
}

static int bytes_width(size_t bytes)
{
	char text[32];
	view_format_bytes(bytes, text, sizeof text);
	return text_width(text);
}

/* The widest byte count of a heap: the format is widest just below each unit change. */
static int bytes_widest(size_t heap_size)
{
	static const size_t unit_tops[] = {99999, (size_t)9999 * 1024 + 511};
	int widest = bytes_width(heap_size);
	for (size_t i = 0; i < sizeof unit_tops / sizeof unit_tops[0]; i++) {
		int width = bytes_width(heap_size < unit_tops[i] ? heap_size : unit_tops[i]);
		if (width > widest)
			widest = width;
	}
	return widest;
}

static void set_bytes(struct view_statistic *statistic, size_t bytes, int widest)
{
	view_format_bytes(bytes, statistic->value, sizeof statistic->value);
	statistic->widest = widest;
}

static void set_count(struct view_statistic *statistic, size_t count, int widest)
{
	snprintf(statistic->value, sizeof statistic->value, "%zu", count);
	statistic->widest = widest;
}

static void set_percent(struct view_statistic *statistic, double value)
{
	snprintf(statistic->value, sizeof statistic->value, "%.0f %%", value * 100.0);
	statistic->widest = text_width("100 %");
}

void view_statistics(const struct session *session, struct view_statistic out[VIEW_STAT_COUNT])
{
	const struct heap *heap = session_heap(session);
	struct heap_stats stats;
	heap_get_stats(heap, &stats);
	size_t step = session_step(session), last = session_last_step(session);
	int bytes = bytes_widest(stats.heap_size);
	/* Every block has at least a header and a footer: 8 bytes or more. */
	int blocks = decimal_width(stats.heap_size / 8);
	memset(out, 0, VIEW_STAT_COUNT * sizeof *out);
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		out[i].label = names[i].label;
		out[i].short_label = names[i].short_label;
		out[i].compact_label = names[i].compact_label;
		out[i].role = ROLE_VALUE;
	}
	snprintf(out[VIEW_STAT_POLICY].value, sizeof out[VIEW_STAT_POLICY].value, "%s",
		 heap_policy_title(heap_policy(heap)));
	for (size_t p = 0; p < allocator_count(); p++) {
		int width = text_width(allocator_get((enum heap_policy)p)->title);
		if (width > out[VIEW_STAT_POLICY].widest)
			out[VIEW_STAT_POLICY].widest = width;
	}
	snprintf(out[VIEW_STAT_STEP].value, sizeof out[VIEW_STAT_STEP].value, "%zu / %zu", step, last);
	snprintf(out[VIEW_STAT_STEP].narrow_value, sizeof out[VIEW_STAT_STEP].narrow_value, "%zu", step);
	out[VIEW_STAT_STEP].widest = 2 * decimal_width(last) + 3;
	set_bytes(&out[VIEW_STAT_HEAP_SIZE], stats.heap_size, bytes);
	set_count(&out[VIEW_STAT_ALIGNMENT], heap_alignment(heap), 2);
	set_count(&out[VIEW_STAT_USED_BLOCKS], stats.used_blocks, blocks);
	set_bytes(&out[VIEW_STAT_USED_BYTES], stats.used_bytes, bytes);
	set_bytes(&out[VIEW_STAT_REQUESTED], stats.requested_bytes, bytes);
	set_bytes(&out[VIEW_STAT_OVERHEAD], stats.overhead_bytes, bytes);
	set_count(&out[VIEW_STAT_FREE_BLOCKS], stats.free_blocks, blocks);
	set_bytes(&out[VIEW_STAT_FREE_BYTES], stats.free_bytes, bytes);
	set_bytes(&out[VIEW_STAT_WILDERNESS], stats.wilderness_bytes, bytes);
	set_bytes(&out[VIEW_STAT_LARGEST_FREE], stats.largest_free, bytes);
	set_percent(&out[VIEW_STAT_FRAGMENTATION], stats.external_fragmentation);
	set_percent(&out[VIEW_STAT_UTILIZATION], stats.utilization);
	set_percent(&out[VIEW_STAT_PEAK_UTILIZATION], stats.peak_utilization);
	/* At most one refusal per step. */
	set_count(&out[VIEW_STAT_FAILED_ALLOCS], stats.failed_allocs, decimal_width(last));
	if (stats.failed_allocs)
		out[VIEW_STAT_FAILED_ALLOCS].role = ROLE_REFUSED;
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		int width = text_width(out[i].value);
		if (width > out[i].widest)
			out[i].widest = width;
		if (!out[i].narrow_value[0])
			memcpy(out[i].narrow_value, out[i].value, sizeof out[i].value);
	}
}
