/* test_stat_table.c - the one table of statistics: every entry appears in JSON, the batch report, the help and both panels, with its value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "batch.h"
#include "compare.h"
#include "json.h"
#include "screen.h"
#include "stat_table.h"
#include "strbuf.h"
#include "view.h"

/* A refusal, a free block below the break and some padding: no statistic is 0 or equal to its neighbour by chance. */
static const char *const script_lines[] = {
	"alloc 100 as a", "alloc 13 as b", "alloc 40 as c", "free a", "alloc 2000 as big", "alloc 24 as d", NULL,
};

static struct session *session_of(const char *policies, size_t size)
{
	struct heap_config config = {size, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS};
	enum heap_status status;
	struct session *session;
	if (policies) {
		struct compare_policies list;
		char error[200];
		if (!compare_parse_policies(policies, &list, error, sizeof error))
			fail_msg("%s: %s", policies, error);
		session = compare_create(&config, &list, &status);
	} else {
		session = session_create(&config, &status);
	}
	assert_non_null(session);
	for (size_t i = 0; script_lines[i]; i++) {
		struct session_report report;
		session_run_line(session, script_lines[i], &report);
		if (!report.ok)
			fail_msg("'%s' rejected: %s", script_lines[i], report.error.message);
		session_report_release(&report);
	}
	return session;
}

static const struct stat_entry *entry_of(int id)
{
	return stat_entry((enum view_statistic_id)id);
}

/* --- the table itself -------------------------------------------------------------- */

static void each_statistic_has_every_name_once(void **unused)
{
	(void)unused;
	for (int i = 0; i < VIEW_STAT_COUNT; i++) {
		const struct stat_entry *entry = entry_of(i);
		assert_true(entry->label && entry->label[0]);
		assert_true(entry->short_label && entry->short_label[0]);
		assert_true(entry->json && entry->json[0]);
		assert_true(entry->formula && entry->formula[0]);
		/* A compare name has its shorter form (maybe the same), and none has one without the other. */
		assert_true((entry->compare_label == NULL) == (entry->compare_short == NULL));
		for (int j = 0; j < i; j++) {
			const struct stat_entry *other = entry_of(j);
			assert_string_not_equal(entry->label, other->label);
			assert_string_not_equal(entry->json, other->json);
			if (entry->report_label && other->report_label)
				assert_string_not_equal(entry->report_label, other->report_label);
			if (entry->compare_label && other->compare_label)
				assert_string_not_equal(entry->compare_label, other->compare_label);
		}
	}
	/* Out of range: an empty entry, never NULL. */
	assert_non_null(stat_entry(VIEW_STAT_COUNT));
	assert_string_equal(stat_entry(VIEW_STAT_COUNT)->label, "");
}

/* Each output's order lists exactly the entries it shows, each once. */
static void each_order_lists_its_statistics_once(void **unused)
{
	(void)unused;
	const enum view_statistic_id *order;
	int seen[VIEW_STAT_COUNT] = {0};
	size_t count = stat_json_order(&order);
	assert_int_equal(count, VIEW_STAT_COUNT);
	for (size_t i = 0; i < count; i++)
		seen[order[i]]++;
	for (int i = 0; i < VIEW_STAT_COUNT; i++)
		assert_int_equal(seen[i], 1);
	/* The state's own fields come before the "stats" object's. */
	for (size_t i = 1; i < count; i++)
		assert_true(entry_of(order[i - 1])->json_in_stats <= entry_of(order[i])->json_in_stats);

	memset(seen, 0, sizeof seen);
	count = stat_report_order(&order);
	for (size_t i = 0; i < count; i++)
		seen[order[i]]++;
	for (int i = 0; i < VIEW_STAT_COUNT; i++)
		assert_int_equal(seen[i], entry_of(i)->report_label ? 1 : 0);
}

/* --- JSON ------------------------------------------------------------------------------ */

/* Where "NAME": VALUE is in text (the value whole: followed by , or }), or NULL. */
static const char *find_field(const char *text, const char *name, const char *value, bool quoted)
{
	char field[160];
	snprintf(field, sizeof field, quoted ? "\"%s\": \"%s\"" : "\"%s\": %s", name, value);
	for (const char *at = strstr(text, field); at; at = strstr(at + 1, field)) {
		char next = at[strlen(field)];
		if (next == ',' || next == '}')
			return at;
	}
	return NULL;
}

static void every_statistic_is_in_the_json_state_with_its_value(void **unused)
{
	(void)unused;
	struct session *session = session_of(NULL, 1024);
	struct strbuf json;
	strbuf_init(&json);
	json_state(&json, session);
	const char *text = strbuf_text(&json);
	const char *stats = strstr(text, "\"stats\": {");
	assert_non_null(stats);
	struct stat_sample sample;
	stat_sample_of(session, &sample);
	const enum view_statistic_id *order;
	size_t count = stat_json_order(&order);
	const char *previous = text;
	size_t in_stats = 0;
	for (size_t i = 0; i < count; i++) {
		const struct stat_entry *entry = stat_entry(order[i]);
		char value[64];
		stat_format(&sample, order[i], STAT_FORM_JSON, value, sizeof value);
		const char *at = find_field(entry->json_in_stats ? stats : text, entry->json, value,
					    entry->unit == STAT_UNIT_POLICY);
		if (!at)
			fail_msg("JSON lacks \"%s\": %s\n%s", entry->json, value, text);
		/* In the table's JSON order, and the state's fields before the blocks. */
		assert_true(at > previous);
		previous = at;
		if (!entry->json_in_stats)
			assert_true(at < strstr(text, "\"blocks\""));
		in_stats += entry->json_in_stats;
	}
	/* Nothing in "stats" that the table does not hold: as many fields as entries. */
	size_t fields = 0;
	const char *stats_end = strchr(stats, '}');  /* "stats" holds no object: its first '}' closes it */
	assert_non_null(stats_end);
	for (const char *at = strchr(stats, '{'); (at = strstr(at, "\": ")) && at < stats_end; at++)
		fields++;
	assert_int_equal(fields, in_stats);
	/* Not a trivial state: a refusal was counted, a ratio is written as a fraction. */
	assert_non_null(strstr(stats, "\"failed_allocs\": 1}"));
	assert_true(sample.stats.external_fragmentation > 0 && sample.stats.external_fragmentation < 1);
	strbuf_release(&json);
	session_destroy(session);
}

/* --- the batch report --------------------------------------------------------------- */

/* The batch report of the script under options (compare or not), as text (owned). */
static char *batch_report(const char *policies, struct compare_policies *list)
{
	char path[] = "/tmp/heapviz_stat_table_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *script = fdopen(fd, "w");
	assert_non_null(script);
	for (size_t i = 0; script_lines[i]; i++)
		fprintf(script, "%s\n", script_lines[i]);
	fclose(script);
	struct batch_options options;
	memset(&options, 0, sizeof options);
	options.config = (struct heap_config){1024, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS};
	options.file = path;
	if (policies) {
		char error[200];
		assert_true(compare_parse_policies(policies, list, error, sizeof error));
		options.compare = list;
	}
	FILE *out = tmpfile(), *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	assert_int_equal(batch_run(&options, out, err), EXIT_OK);
	unlink(path);
	long size = ftell(out);
	assert_true(size > 0);
	char *text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	rewind(out);
	assert_int_equal(fread(text, 1, (size_t)size, out), (size_t)size);
	fclose(out);
	fclose(err);
	return text;
}

/* The report's line that starts with "  LABEL " (the label whole), or NULL. */
static const char *report_row(const char *text, const char *label)
{
	char start[96];
	snprintf(start, sizeof start, "\n  %s ", label);
	const char *at = strstr(text, start);
	return at ? at + 1 : NULL;
}

static void every_statistic_is_in_the_batch_report_with_its_value(void **unused)
{
	(void)unused;
	struct compare_policies list;
	char *text = batch_report(NULL, &list);
	struct session *session = session_of(NULL, 1024);
	struct stat_sample sample;
	stat_sample_of(session, &sample);
	const char *heading = strstr(text, "\nfinal state: ");
	assert_non_null(heading);
	size_t heading_len = strcspn(heading + 1, "\n");
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		const struct stat_entry *entry = entry_of(id);
		char value[64];
		stat_format(&sample, (enum view_statistic_id)id, STAT_FORM_REPORT, value, sizeof value);
		if (!entry->report_label) {
			/* The report's first line: "step 6 of 6, first fit, 1024 B heap, align 8, ...". */
			char *found = strstr(heading + 1, value);
			if (!found || found > heading + 1 + heading_len)
				fail_msg("the report's first line lacks %s '%s'", entry->label, value);
			continue;
		}
		const char *row = report_row(heading, entry->report_label);
		if (!row)
			fail_msg("the report has no row '%s'\n%s", entry->report_label, text);
		/* "  LABEL   VALUE", the value whole at the end of its row. */
		size_t len = strcspn(row, "\n");
		size_t value_len = strlen(value);
		assert_true(len > value_len);
		if (strncmp(row + len - value_len, value, value_len) != 0 || row[len - value_len - 1] != ' ')
			fail_msg("row '%.*s' does not end in '%s'", (int)len, row, value);
	}
	/* No row the table does not hold: a row per report entry. */
	const enum view_statistic_id *order;
	size_t rows = 0, expected = stat_report_order(&order);
	for (const char *at = strchr(heading + 1, '\n'); at && at[1] == ' '; at = strchr(at + 1, '\n'))
		rows++;
	assert_int_equal(rows, expected);
	free(text);
	session_destroy(session);
}

/* --compare: a row per statistic, a column per lane, each lane's value as its own report would print it. */
static void the_compare_report_has_every_row_for_every_lane(void **unused)
{
	(void)unused;
	struct compare_policies list;
	char *text = batch_report("first,worst", &list);
	struct session *lanes = session_of("first,worst", 1024);
	const char *heading = strstr(text, "\nfinal state: ");
	assert_non_null(heading);
	const enum view_statistic_id *order;
	size_t rows = stat_report_order(&order);
	for (size_t r = 0; r < rows; r++) {
		const char *row = report_row(heading, stat_entry(order[r])->report_label);
		if (!row)
			fail_msg("the compare report has no row '%s'\n%s", stat_entry(order[r])->report_label, text);
		const char *at = row + 2 + strlen(stat_entry(order[r])->report_label);
		size_t len = strcspn(row, "\n");
		for (size_t i = 0; i < session_lane_count(lanes); i++) {
			struct stat_sample sample;
			stat_sample_of(session_lane(lanes, i), &sample);
			char value[64];
			stat_format(&sample, order[r], STAT_FORM_REPORT, value, sizeof value);
			const char *found = strstr(at, value);
			if (!found || found >= row + len)
				fail_msg("row '%.*s' lacks lane %zu's '%s'", (int)len, row, i, value);
			at = found + strlen(value);
		}
	}
	free(text);
	session_destroy(lanes);
}

/* --- the help and the panels ---------------------------------------------------------- */

static bool screen_has(const struct screen *screen, const char *first, const char *then)
{
	char text[4096];
	for (int row = 0; row < screen->height; row++) {
		screen_row_text(screen, row, text, sizeof text);
		const char *at = strstr(text, first);
		if (at && (!then || strstr(at + strlen(first), then)))
			return true;
	}
	return false;
}

static void every_statistic_is_in_the_help_with_its_formula(void **unused)
{
	(void)unused;
	struct session *session = session_of(NULL, 1024);
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 200, 300));
	struct view_state state = {.show_help = true};
	view_render(&screen, session, &state);
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		const struct stat_entry *entry = entry_of(id);
		char label[96];
		snprintf(label, sizeof label, "  %s  ", entry->label);
		if (!screen_has(&screen, label, entry->formula))
			fail_msg("the help does not say that %s is '%s'", entry->label, entry->formula);
	}
	screen_release(&screen);
	session_destroy(session);
}

/* The compare view's sections name their statistics as the table does, each with its value. */
static void the_compare_panel_names_come_from_the_table(void **unused)
{
	(void)unused;
	struct session *lanes = session_of("first,worst", 1024);
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 120, 40));
	struct view_state state = {.focus = FOCUS_BAR};
	view_render(&screen, lanes, &state);
	struct view_statistic values[VIEW_STAT_COUNT];
	view_statistics(session_lane(lanes, 1), values);
	size_t named = 0;
	for (int id = 0; id < VIEW_STAT_COUNT; id++) {
		const struct stat_entry *entry = entry_of(id);
		if (!entry->compare_label)
			continue;
		named++;
		if (!screen_has(&screen, entry->compare_label, values[id].value))
			fail_msg("the compare view does not show '%s %s'", entry->compare_label, values[id].value);
	}
	assert_true(named >= 8);
	screen_release(&screen);
	session_destroy(lanes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_statistic_has_every_name_once),
		cmocka_unit_test(each_order_lists_its_statistics_once),
		cmocka_unit_test(every_statistic_is_in_the_json_state_with_its_value),
		cmocka_unit_test(every_statistic_is_in_the_batch_report_with_its_value),
		cmocka_unit_test(the_compare_report_has_every_row_for_every_lane),
		cmocka_unit_test(every_statistic_is_in_the_help_with_its_formula),
		cmocka_unit_test(the_compare_panel_names_come_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
