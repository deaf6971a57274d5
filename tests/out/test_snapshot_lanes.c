/* test_snapshot_lanes.c - a snapshot of a session of several lanes shows one heap: the lane of the handle it is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "session.h"
#include "snapshot.h"
#include "strbuf.h"

static struct session *compare_of(const char *list)
{
	struct compare_policies policies;
	char problem[200];
	assert_true(compare_parse_policies(list, &policies, problem, sizeof problem));
	struct heap_config config = { 512, POLICY_FIRST_FIT, 8, HEAP_ORDER_ADDRESS };
	enum heap_status status;
	struct session *session = compare_create(&config, &policies, &status);
	assert_non_null(session);
	return session;
}

static void run_ok(struct session *session, const char *line)
{
	struct session_report report;
	session_run_line(session, line, &report);
	if (!report.ok)
		fail_msg("'%s' rejected: %s", line, report.error.message);
	session_report_release(&report);
}

/* The snapshot's text, as `export FILE.txt` writes it. */
static char *snapshot_of(const struct session *lane)
{
	struct screen screen = { 0 };
	assert_true(snapshot_compose(lane, &screen));
	struct strbuf out;
	strbuf_init(&out);
	snapshot_text(&out, &screen);
	screen_release(&screen);
	assert_false(out.failed);
	char *text = strdup(strbuf_text(&out));
	strbuf_release(&out);
	assert_non_null(text);
	return text;
}

/* Holes in which first and best fit place the next request differently. */
static const char *const holes[] = {
	"alloc 100 as a", "alloc 16 as s1", "alloc 40 as b", "alloc 16 as s2", "free a", "free b", "alloc 30 as r",
};

static void each_lane_snapshot_shows_that_lane_alone(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("first,best");
	for (size_t i = 0; i < sizeof holes / sizeof holes[0]; i++)
		run_ok(compare, holes[i]);
	char *first = snapshot_of(session_lane(compare, 0));
	char *best = snapshot_of(session_lane(compare, 1));
	/* One heap each: its policy in the title and the panel, never the compare layout. */
	assert_non_null(strstr(first, "first fit"));
	assert_null(strstr(first, "best fit"));
	assert_non_null(strstr(best, "best fit"));
	assert_null(strstr(best, "first fit"));
	assert_null(strstr(first, "compare:"));
	assert_null(strstr(best, "compare:"));
	/* The heaps differ here (r went into a different hole), and so do the snapshots. */
	assert_true(strcmp(first, best) != 0);
	free(first);
	free(best);
	session_destroy(compare);
}

/* Batch has no cursor: the session's own handle is its first lane, so export writes the first policy's heap. */
static void the_session_handle_snapshots_the_first_lane(void **unused)
{
	(void)unused;
	struct session *compare = compare_of("best,worst");
	run_ok(compare, "alloc 24 as a");
	char *own = snapshot_of(compare);
	char *lane0 = snapshot_of(session_lane(compare, 0));
	assert_string_equal(own, lane0);
	assert_non_null(strstr(own, "best fit"));
	free(own);
	free(lane0);
	session_destroy(compare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_lane_snapshot_shows_that_lane_alone),
		cmocka_unit_test(the_session_handle_snapshots_the_first_lane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
