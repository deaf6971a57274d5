/* batch_report.c - batch mode's text: a line per command and the final report, for any number of lanes. */
#include "batch_internal.h"

#include <string.h>

#include "compare.h"
#include "stat_table.h"
#include "strbuf.h"
#include "words.h"

void batch_print_step_line(FILE *out, const struct session *session, const char *source,
			   const struct session_report *report)
{
	struct strbuf line;
	strbuf_init(&line);
	size_t step = session_step(session), lanes = session_lane_count(session);
	if (report->new_step)
		strbuf_printf(&line, "step %zu: ", step);
	strbuf_put_printable(&line, source, strlen(source));
	if (report->new_step && lanes > 1) {
		/* Each lane's outcome in a few words, then what differs between them. */
		strbuf_puts(&line, " ->");
		for (size_t i = 0; i < lanes; i++) {
			char words[96];
			words_lane_outcome(session, i, step, words, sizeof words);
			strbuf_printf(&line, "%s %s: ", i ? " |" : "", heap_policy_name(session_lane_policy(session, i)));
			strbuf_put_printable(&line, words, strlen(words));
		}
		if (report->differs) {
			char difference[200];
			words_difference(session, step, difference, sizeof difference);
			strbuf_printf(&line, "  * differs: %s", difference);
		}
	} else if (report->message[0]) {
		strbuf_puts(&line, " -> ");
		strbuf_put_printable(&line, report->message, strlen(report->message));
	}
	fprintf(out, "%s\n", strbuf_text(&line));
	strbuf_release(&line);
}

/*
 * The report's columns: one lane writes each value after its label, several
 * right-align each lane's value under its policy's title (at least 12 wide).
 */
struct report_columns {
	int label_width;
	int widths[SESSION_LANES_MAX];
};

static void report_columns(const struct session *session, struct report_columns *columns)
{
	size_t lanes = session_lane_count(session);
	memset(columns, 0, sizeof *columns);
	columns->label_width = lanes > 1 ? 22 : 24;
	for (size_t i = 0; lanes > 1 && i < lanes; i++) {
		int title = (int)strlen(heap_policy_title(session_lane_policy(session, i)));
		columns->widths[i] = title + 2 > 12 ? title + 2 : 12;
	}
}

/* "final state: step 15 of 15, first fit, 1024 B heap, align 8, break 0x0e0" (several lanes: the heaps' size and a title row). */
static void print_report_heading(FILE *out, const struct session *session, const struct stat_sample *first,
				 const struct report_columns *columns)
{
	size_t lanes = session_lane_count(session);
	char step[32], last[32], size[32], align[32], policy[64];
	stat_format(first, VIEW_STAT_STEP, STAT_FORM_REPORT, step, sizeof step);
	snprintf(last, sizeof last, "%zu", first->last_step);
	stat_format(first, VIEW_STAT_HEAP_SIZE, STAT_FORM_REPORT, size, sizeof size);
	stat_format(first, VIEW_STAT_ALIGNMENT, STAT_FORM_REPORT, align, sizeof align);
	stat_format(first, VIEW_STAT_POLICY, STAT_FORM_REPORT, policy, sizeof policy);
	if (lanes == 1) {
		fprintf(out, "\nfinal state: step %s of %s, %s, %s B heap, align %s, break 0x%03zx\n", step, last, policy,
			size, align, first->stats.brk);
		return;
	}
	fprintf(out, "\nfinal state: step %s of %s, %s B heaps, align %s\n", step, last, size, align);
	fprintf(out, "  %-*s", columns->label_width, "");
	for (size_t i = 0; i < lanes; i++)
		fprintf(out, "%*s", columns->widths[i], heap_policy_title(session_lane_policy(session, i)));
	fputc('\n', out);
}

/* Several lanes: "outcomes differ at steps 5, 12" (the first sixteen, then how many). */
static void print_differing_steps(FILE *out, const struct session *session, const struct report_columns *columns)
{
	size_t steps[16];
	size_t found = compare_differing_steps(session, steps, 16);
	fprintf(out, "  %-*s  ", columns->label_width, "outcomes differ at");
	if (found == 0)
		fputs("no step", out);
	else
		fputs(found == 1 ? "step " : "steps ", out);
	for (size_t i = 0; i < found && i < 16; i++)
		fprintf(out, "%s%zu", i ? ", " : "", steps[i]);
	if (found > 16)
		fprintf(out, ", ... (%zu steps)", found);
	fputc('\n', out);
}

void batch_print_final_report(FILE *out, const struct session *session)
{
	size_t lanes = session_lane_count(session);
	struct stat_sample samples[SESSION_LANES_MAX];
	for (size_t i = 0; i < lanes; i++)
		stat_sample_of(session_lane(session, i), &samples[i]);
	struct report_columns columns;
	report_columns(session, &columns);
	print_report_heading(out, session, &samples[0], &columns);
	const enum view_statistic_id *order;
	size_t rows = stat_report_order(&order);
	for (size_t row = 0; row < rows; row++) {
		fprintf(out, "  %-*s", columns.label_width, stat_entry(order[row])->report_label);
		for (size_t i = 0; i < lanes; i++) {
			char value[64];
			stat_format(&samples[i], order[row], STAT_FORM_REPORT, value, sizeof value);
			fprintf(out, "%*s", columns.widths[i], value);
		}
		fputc('\n', out);
	}
	if (lanes > 1)
		print_differing_steps(out, session, &columns);
}
