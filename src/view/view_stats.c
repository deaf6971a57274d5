/* view_stats.c - what the statistics panel says: each statistic's names, its value and how wide it can get. */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "allocator.h"

const char *view_statistic_label(enum view_statistic_id id, bool short_form)
{
	const struct stat_entry *entry = stat_entry(id);
	return short_form ? entry->short_label : entry->label;
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

/*
 * The names and values come from the table (stat_table.c); what is the
 * panel's own is how wide each value can get in this heap and history, so
 * its columns stay put from step to step.
 */
void view_statistics(const struct session *session, struct view_statistic out[VIEW_STAT_COUNT])
{
	struct stat_sample sample;
	stat_sample_of(session, &sample);
	const struct heap_stats *stats = &sample.stats;
	int bytes = bytes_widest(stats->heap_size);
	/* Every block has at least a header and a footer: 8 bytes or more. */
	int blocks = decimal_width(stats->heap_size / 8);
	memset(out, 0, VIEW_STAT_COUNT * sizeof *out);
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		const struct stat_entry *entry = stat_entry((enum view_statistic_id)i);
		out[i].label = entry->label;
		out[i].short_label = entry->short_label;
		out[i].compact_label = entry->compact_label;
		out[i].role = ROLE_VALUE;
		stat_format(&sample, (enum view_statistic_id)i, STAT_FORM_SCREEN, out[i].value, sizeof out[i].value);
		if (entry->unit == STAT_UNIT_BYTES)
			out[i].widest = bytes;
		else if (entry->unit == STAT_UNIT_RATIO)
			out[i].widest = text_width("100 %");
	}
	for (size_t p = 0; p < allocator_count(); p++) {
		int width = text_width(allocator_get((enum heap_policy)p)->title);
		if (width > out[VIEW_STAT_POLICY].widest)
			out[VIEW_STAT_POLICY].widest = width;
	}
	snprintf(out[VIEW_STAT_STEP].narrow_value, sizeof out[VIEW_STAT_STEP].narrow_value, "%zu", sample.step);
	out[VIEW_STAT_STEP].widest = 2 * decimal_width(sample.last_step) + 3;
	out[VIEW_STAT_ALIGNMENT].widest = 2;
	out[VIEW_STAT_USED_BLOCKS].widest = blocks;
	out[VIEW_STAT_FREE_BLOCKS].widest = blocks;
	/* At most one refusal per step. */
	out[VIEW_STAT_FAILED_ALLOCS].widest = decimal_width(sample.last_step);
	if (stats->failed_allocs)
		out[VIEW_STAT_FAILED_ALLOCS].role = ROLE_REFUSED;
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		int width = text_width(out[i].value);
		if (width > out[i].widest)
			out[i].widest = width;
		if (!out[i].narrow_value[0])
			memcpy(out[i].narrow_value, out[i].value, sizeof out[i].value);
	}
}
