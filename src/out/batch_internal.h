/* batch_internal.h - what the files of batch mode share: the text report's printers (batch_report.c). */
#ifndef HEAPVIZ_BATCH_INTERNAL_H
#define HEAPVIZ_BATCH_INTERNAL_H

#include <stdio.h>

#include "session.h"

/*
 * Both take a session of any number of lanes: one lane is the single-heap
 * form, several the --compare form (a column per lane), from one code path.
 */

/* "step 3: free p1 -> freed p1 at 0x008"; several lanes: "... -> first: refused | best: r3 = 0x0f0  * differs: ...". */
void batch_print_step_line(FILE *out, const struct session *session, const char *source,
			   const struct session_report *report);
/* "final state: ..." and one row per statistic of the table (stat_table.h), a column per lane. */
void batch_print_final_report(FILE *out, const struct session *session);

#endif
