/* stat_table.h - the one table of statistics: each one's key, names, JSON name, unit and formula, and its value in each output's form. */
#ifndef HEAPVIZ_STAT_TABLE_H
#define HEAPVIZ_STAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "heap.h"
#include "session.h"

/*
 * Why this table lives in view/: it holds words (labels, formulas) and
 * formats, which are presentation, so it does not belong in the core or the
 * model (they hand out numbers: struct heap_stats). Every place that prints a
 * statistic is in view/ (the panel, the compare panel, the help) or above it
 * in out/ (JSON, the batch report, snapshots drawn from the view), so view/
 * is the lowest layer all of them can read it from.
 *
 * Each output lists the statistics in its own documented order (the JSON
 * "stats" object, the batch report's rows): those orders are lists of keys
 * here too, and a unit test checks each lists exactly the entries it should.
 */

/* The key of each statistic, in the panel's order (pairs on a row: policy and step, heap size and alignment, ...). */
enum view_statistic_id {
	VIEW_STAT_POLICY, VIEW_STAT_STEP, VIEW_STAT_HEAP_SIZE, VIEW_STAT_ALIGNMENT,
	VIEW_STAT_USED_BLOCKS, VIEW_STAT_USED_BYTES, VIEW_STAT_REQUESTED, VIEW_STAT_OVERHEAD,
	VIEW_STAT_FREE_BLOCKS, VIEW_STAT_FREE_BYTES, VIEW_STAT_WILDERNESS, VIEW_STAT_LARGEST_FREE,
	VIEW_STAT_FRAGMENTATION, VIEW_STAT_UTILIZATION, VIEW_STAT_PEAK_UTILIZATION, VIEW_STAT_FAILED_ALLOCS,
	VIEW_STAT_COUNT
};

/* What a statistic's value is, which decides how each output writes it. */
enum stat_unit {
	STAT_UNIT_POLICY,  /* screen and report: "first fit"; JSON: "first" */
	STAT_UNIT_STEP,    /* screen: "3 / 40"; report and JSON: 3 */
	STAT_UNIT_COUNT,   /* 3 everywhere */
	STAT_UNIT_BYTES,   /* screen: "1024 B", "97 KiB"; report and JSON: 1024 */
	STAT_UNIT_RATIO    /* screen: "14 %"; report: "13.9 %"; JSON: 0.139 */
};

/* The outputs, each with its own form of a value. */
enum stat_form { STAT_FORM_SCREEN, STAT_FORM_REPORT, STAT_FORM_JSON };

struct stat_entry {
	const char *label;          /* the panel's and the help's name: "largest free" */
	const char *short_label;    /* the panel, where label and the widest value do not fit: "max free" */
	const char *compact_label;  /* a small terminal's summary; NULL when left out there */
	const char *compare_label;  /* beside each grid of the compare view: "largest" */
	const char *compare_short;  /* there, where a row is too narrow for both labels whole: "max" */
	const char *report_label;   /* its row in the batch report ("largest free"); NULL: in the report's first line */
	const char *json;           /* its JSON field: "largest_free" */
	bool json_in_stats;         /* in the state's "stats" object (else a field of the state itself) */
	enum stat_unit unit;
	const char *formula;        /* what the help says it is */
};

/* The entry of a statistic (an empty one for an id out of range: never NULL). */
const struct stat_entry *stat_entry(enum view_statistic_id id);

/* The JSON order of all statistics (the state's fields first, then "stats"); returns how many. */
size_t stat_json_order(const enum view_statistic_id **order);
/* The batch report's rows in order (every entry with a report_label); returns how many. */
size_t stat_report_order(const enum view_statistic_id **order);

/* The numbers of one lane at its current step, read once; the table says how to print each. */
struct stat_sample {
	enum heap_policy policy;
	size_t step, last_step;
	size_t alignment;
	struct heap_stats stats;
};
void stat_sample_of(const struct session *session, struct stat_sample *sample);
/* A statistic's number (steps, counts, bytes; 0 for the policy and ratios) and a ratio's value (0 otherwise). */
size_t stat_number(const struct stat_sample *sample, enum view_statistic_id id);
double stat_ratio(const struct stat_sample *sample, enum view_statistic_id id);
/* A statistic's value as form writes it ("1024 B" / "1024" / "1024"); JSON text is not quoted. */
void stat_format(const struct stat_sample *sample, enum view_statistic_id id, enum stat_form form, char *buffer,
		 size_t size);

#endif
