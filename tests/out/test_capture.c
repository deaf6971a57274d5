/* test_capture.c - the raw capture log into .rep: ids, realloc's cases, calls with no .rep form, an exec, a cut-off log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "capture_record.h"

#define MAX_RECS 32

struct log { unsigned char bytes[CAPTURE_HEADER + MAX_RECS * sizeof(struct capture_rec)]; size_t n; };

static void log_start(struct log *log)
{
	struct capture_header header = { CAPTURE_MAGIC, 0, 0 };

	memset(log, 0, sizeof *log);
	memcpy(log->bytes, &header, sizeof header);
}

static void put(struct log *log, uint32_t op, uint64_t ptr, uint64_t size, uint64_t old)
{
	struct capture_rec r = { op, 1, ptr, size, old };
	struct capture_header header = { CAPTURE_MAGIC, 0, 0 };

	assert_true(log->n < MAX_RECS);
	memcpy(log->bytes + CAPTURE_HEADER + log->n * sizeof r, &r, sizeof r);
	log->n++;
	header.count = log->n;
	memcpy(log->bytes, &header, sizeof header);
}

static char *convert(const struct log *log, size_t len, struct capture_counts *counts)
{
	char *rep = NULL;
	size_t rep_len = 0;

	assert_int_equal(capture_convert(log->bytes, len, &rep, &rep_len, counts), 0);
	assert_int_equal(strlen(rep), rep_len);
	return rep;
}

static size_t full(const struct log *log)
{
	return CAPTURE_HEADER + log->n * sizeof(struct capture_rec);
}

static void every_kind_of_call_becomes_its_rep_line(void **state)
{
	struct log log;
	struct capture_counts counts;
	char *rep;

	(void)state;
	log_start(&log);
	put(&log, CAPTURE_IMAGE, 0, 0, 0);
	put(&log, CAPTURE_MALLOC, 0x1000, 10, 0);       /* a 0 10 */
	put(&log, CAPTURE_CALLOC, 0x2000, 12, 0);       /* a 1 12 */
	put(&log, CAPTURE_REALLOC, 0x3000, 100, 0x1000);/* r 0 100: moved, same id */
	put(&log, CAPTURE_REALLOC, 0x4000, 7, 0);       /* realloc(NULL, 7): a 2 7 */
	put(&log, CAPTURE_FREE, 0, 0, 0);               /* free(NULL): nothing */
	put(&log, CAPTURE_CALLOC, 0, 0, 0);             /* overflowed calloc: nothing */
	put(&log, CAPTURE_ALIGNED, 0x5000, 40, 64);     /* a 3 40: the alignment is dropped */
	put(&log, CAPTURE_REALLOC, 0, 1000, 0x2000);    /* a failed realloc: nothing, the block stays */
	put(&log, CAPTURE_REALLOC, 0, 0, 0x4000);       /* realloc(p, 0) freed it: f 2 */
	put(&log, CAPTURE_FREE, 0, 0, 0x9999);          /* a pointer never allocated: nothing */
	put(&log, CAPTURE_FREE, 0, 0, 0x3000);          /* the realloc's new address: f 0 */
	put(&log, CAPTURE_FREE, 0, 0, 0x2000);          /* f 1 */
	rep = convert(&log, full(&log), &counts);
	/* Peak: 100 + 12 + 7 + 40 live at once. */
	assert_string_equal(rep, "159\n4\n8\n1\n"
			    "a 0 10\na 1 12\nr 0 100\na 2 7\na 3 40\nf 2\nf 0\nf 1\n");
	assert_int_equal(counts.ops, 8);
	assert_int_equal(counts.ids, 4);
	assert_int_equal(counts.images, 1);
	assert_int_equal(counts.free_null, 1);
	assert_int_equal(counts.failed, 2);
	assert_int_equal(counts.unknown, 1);
	assert_false(counts.stopped);
	free(rep);
}

static void an_exec_starts_new_pointers_and_a_reused_address_closes_the_old_id(void **state)
{
	struct log log;
	struct capture_counts counts;
	char *rep;

	(void)state;
	log_start(&log);
	put(&log, CAPTURE_IMAGE, 0, 0, 0);
	put(&log, CAPTURE_MALLOC, 0x1000, 8, 0);        /* a 0 8 */
	put(&log, CAPTURE_MALLOC, 0x1000, 16, 0);       /* returned again without a recorded free: f 0, a 1 16 */
	put(&log, CAPTURE_IMAGE, 0, 0, 0);              /* exec: 0x1000 is no longer id 1 */
	put(&log, CAPTURE_FREE, 0, 0, 0x1000);          /* unknown in the new image */
	put(&log, CAPTURE_REALLOC, 0x1000, 24, 0x7000); /* of an unknown pointer: a new block, a 2 24 */
	rep = convert(&log, full(&log), &counts);
	/* The old image's 16 bytes stay live in the trace: 16 + 24 at the peak. */
	assert_string_equal(rep, "40\n3\n4\n1\na 0 8\nf 0\na 1 16\na 2 24\n");
	assert_int_equal(counts.images, 2);
	assert_int_equal(counts.unknown, 2);
	free(rep);
}

static void a_cut_off_log_gives_its_complete_records_only(void **state)
{
	struct log log;
	struct capture_counts counts;
	char *rep;

	(void)state;
	log_start(&log);
	put(&log, CAPTURE_IMAGE, 0, 0, 0);
	put(&log, CAPTURE_MALLOC, 0x1000, 8, 0);
	put(&log, CAPTURE_MALLOC, 0x2000, 9, 0);
	/* The file ends inside the last record: only the two before it are read. */
	rep = convert(&log, full(&log) - 5, &counts);
	assert_string_equal(rep, "8\n1\n1\n1\na 0 8\n");
	free(rep);
	/* A record written but not yet counted (killed between the two) is not read either. */
	{
		struct capture_header header = { CAPTURE_MAGIC, 2, 1 };
		memcpy(log.bytes, &header, sizeof header);
	}
	rep = convert(&log, full(&log), &counts);
	assert_string_equal(rep, "8\n1\n1\n1\na 0 8\n");
	assert_true(counts.stopped);
	free(rep);
}

static void what_is_not_a_log_is_refused(void **state)
{
	struct log log;
	struct capture_counts counts;
	char *rep = NULL;
	size_t len = 0;

	(void)state;
	log_start(&log);
	assert_int_equal(capture_convert(log.bytes, CAPTURE_HEADER - 1, &rep, &len, &counts), -1);
	log.bytes[0] ^= 1;
	assert_int_equal(capture_convert(log.bytes, sizeof log.bytes, &rep, &len, &counts), -1);
	assert_null(rep);
}

static void many_blocks_grow_the_pointer_table(void **state)
{
	static unsigned char bytes[CAPTURE_HEADER + 20001 * sizeof(struct capture_rec)];
	struct capture_header header = { CAPTURE_MAGIC, 20001, 0 };
	struct capture_counts counts;
	char *rep = NULL;
	size_t len = 0, i;

	(void)state;
	memcpy(bytes, &header, sizeof header);
	for (i = 0; i < 10000; i++) {
		struct capture_rec a = { CAPTURE_MALLOC, 1, 0x10000 + i * 16, 1, 0 };
		struct capture_rec f = { CAPTURE_FREE, 1, 0, 0, 0x10000 + (9999 - i) * 16 };
		memcpy(bytes + CAPTURE_HEADER + i * sizeof a, &a, sizeof a);
		memcpy(bytes + CAPTURE_HEADER + (10000 + i) * sizeof f, &f, sizeof f);
	}
	assert_int_equal(capture_convert(bytes, sizeof bytes, &rep, &len, &counts), 0);
	assert_int_equal(counts.ops, 20000);
	assert_int_equal(counts.unknown, 0);
	assert_int_equal(counts.peak_bytes, 10000);
	assert_non_null(strstr(rep, "\nf 9999\nf 9998\n"));
	free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kind_of_call_becomes_its_rep_line),
		cmocka_unit_test(an_exec_starts_new_pointers_and_a_reused_address_closes_the_old_id),
		cmocka_unit_test(a_cut_off_log_gives_its_complete_records_only),
		cmocka_unit_test(what_is_not_a_log_is_refused),
		cmocka_unit_test(many_blocks_grow_the_pointer_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
