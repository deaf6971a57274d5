/* test_names.c - the name table: both directions, rebinding, growth against a reference, independent copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "names.h"

/* --- helpers ----------------------------------------------------------------- */

static void assert_bound(const struct names *names, const char *name, size_t payload)
{
	size_t found = 12345;

	if (!names_lookup(names, name, &found))
		fail_msg("'%s' should be bound to %zu but is unbound", name, payload);
	if (found != payload)
		fail_msg("'%s' should be bound to %zu but is bound to %zu", name, payload, found);
}

static void assert_unbound(const struct names *names, const char *name)
{
	size_t found;

	if (names_lookup(names, name, &found))
		fail_msg("'%s' should be unbound but is bound to %zu", name, found);
}

static void assert_name_at(const struct names *names, size_t payload, const char *expected)
{
	const char *name = names_at(names, payload);

	if (expected == NULL) {
		if (name != NULL)
			fail_msg("payload %zu should carry no name but carries '%s'", payload, name);
		return;
	}
	if (name == NULL)
		fail_msg("payload %zu should carry '%s' but carries none", payload, expected);
	assert_string_equal(name, expected);
}

/* --- basics ------------------------------------------------------------------ */

static void a_new_table_is_empty(void **state)
{
	(void)state;
	struct names *names = names_create();

	assert_non_null(names);
	assert_int_equal(names_count(names), 0);
	assert_unbound(names, "p1");
	assert_name_at(names, 8, NULL);
	assert_name_at(names, 0, NULL);
	names_destroy(names);
	names_destroy(NULL);
}

static void bind_is_seen_both_ways(void **state)
{
	(void)state;
	struct names *names = names_create();

	assert_true(names_bind(names, "buf", 0x28));
	assert_true(names_bind(names, "p1", 8));
	assert_int_equal(names_count(names), 2);
	assert_bound(names, "buf", 0x28);
	assert_bound(names, "p1", 8);
	assert_name_at(names, 0x28, "buf");
	assert_name_at(names, 8, "p1");
	assert_name_at(names, 16, NULL);
	/* Address 0 is a real address (a payload can never be there, but the table must not care). */
	assert_true(names_bind(names, "zero", 0));
	assert_name_at(names, 0, "zero");
	names_destroy(names);
}

static void unbind_forgets_both_ways_and_ignores_unknown_names(void **state)
{
	(void)state;
	struct names *names = names_create();

	names_bind(names, "a", 100);
	names_bind(names, "b", 200);
	names_unbind(names, "a");
	assert_unbound(names, "a");
	assert_name_at(names, 100, NULL);
	assert_bound(names, "b", 200);
	assert_int_equal(names_count(names), 1);
	names_unbind(names, "nosuch");
	names_unbind(names, "a");
	assert_int_equal(names_count(names), 1);
	names_destroy(names);
}

static void rebinding_a_name_moves_it_and_frees_the_old_address(void **state)
{
	(void)state;
	struct names *names = names_create();

	names_bind(names, "buf", 0x28);
	assert_true(names_bind(names, "buf", 0x80));
	assert_int_equal(names_count(names), 1);
	assert_bound(names, "buf", 0x80);
	assert_name_at(names, 0x28, NULL);
	assert_name_at(names, 0x80, "buf");
	names_destroy(names);
}

static void null_and_freed_bindings_have_no_address(void **state)
{
	(void)state;
	struct names *names = names_create();

	assert_false(names_is_address(NAMES_NULL));
	assert_false(names_is_address(NAMES_FREED));
	assert_true(names_is_address(0));
	assert_true(names_is_address(HEAP_MAX_SIZE));
	assert_true(names_bind(names, "n", NAMES_NULL));
	assert_true(names_bind(names, "f", NAMES_FREED));
	assert_true(names_bind(names, "m", NAMES_NULL));
	assert_bound(names, "n", NAMES_NULL);
	assert_bound(names, "f", NAMES_FREED);
	assert_bound(names, "m", NAMES_NULL);
	assert_int_equal(names_count(names), 3);
	assert_name_at(names, NAMES_NULL, NULL);
	assert_name_at(names, NAMES_FREED, NULL);
	/* A freed name bound again to a real block is seen at that address. */
	names_bind(names, "f", 0x40);
	assert_name_at(names, 0x40, "f");
	/* ... and going back to freed leaves the address unnamed. */
	names_bind(names, "f", NAMES_FREED);
	assert_name_at(names, 0x40, NULL);
	names_destroy(names);
}

static void a_payload_carries_the_newest_name(void **state)
{
	(void)state;
	struct names *names = names_create();

	names_bind(names, "old", 0x10);
	names_bind(names, "new", 0x10);
	assert_name_at(names, 0x10, "new");
	assert_bound(names, "new", 0x10);
	/* Unbinding the stale name, whatever became of it, must not take the new one's address. */
	names_unbind(names, "old");
	assert_name_at(names, 0x10, "new");
	names_destroy(names);
}

static void names_longer_than_the_limit_are_refused(void **state)
{
	(void)state;
	struct names *names = names_create();
	char longest[NAMES_NAME_MAX + 1];
	char too_long[NAMES_NAME_MAX + 2];

	memset(longest, 'x', NAMES_NAME_MAX);
	longest[NAMES_NAME_MAX] = '\0';
	memset(too_long, 'y', NAMES_NAME_MAX + 1);
	too_long[NAMES_NAME_MAX + 1] = '\0';
	assert_true(names_bind(names, longest, 64));
	assert_bound(names, longest, 64);
	assert_name_at(names, 64, longest);
	assert_false(names_bind(names, too_long, 72));
	assert_unbound(names, too_long);
	assert_name_at(names, 72, NULL);
	assert_int_equal(names_count(names), 1);
	names_destroy(names);
}

struct visit_log {
	size_t visits;
	size_t payload_sum;
	size_t stop_after;
};

static bool log_visit(const char *name, size_t payload, void *context)
{
	struct visit_log *log = context;

	assert_non_null(name);
	log->visits++;
	log->payload_sum += payload;
	return log->stop_after == 0 || log->visits < log->stop_after;
}

static void each_visits_every_binding_once_and_can_stop(void **state)
{
	(void)state;
	struct names *names = names_create();
	char name[16];
	size_t sum = 0;

	for (size_t i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "n%zu", i);
		names_bind(names, name, i * 16);
		sum += i * 16;
	}
	struct visit_log log = { 0, 0, 0 };
	names_each(names, log_visit, &log);
	assert_int_equal(log.visits, 100);
	assert_int_equal(log.payload_sum, sum);

	struct visit_log stopped = { 0, 0, 7 };
	names_each(names, log_visit, &stopped);
	assert_int_equal(stopped.visits, 7);
	names_destroy(names);
}

/* --- growth against a reference ------------------------------------------------ */

enum { REFERENCE_NAMES = 6000 };

struct reference {
	bool bound[REFERENCE_NAMES];
	size_t payload[REFERENCE_NAMES];
};

static void reference_name(size_t i, char *out, size_t size)
{
	/* Names that share prefixes and lengths, so hashing and probing get exercised. */
	snprintf(out, size, "%s%zu", i % 3 == 0 ? "p" : i % 3 == 1 ? "id" : "buffer_", i);
}

/* Mirror the one-name-per-address rule: binding an address drops any other name bound to it. */
static void reference_bind(struct reference *ref, size_t index, size_t payload)
{
	if (names_is_address(payload))
		for (size_t i = 0; i < REFERENCE_NAMES; i++)
			if (i != index && ref->bound[i] && ref->payload[i] == payload)
				ref->bound[i] = false;
	ref->bound[index] = true;
	ref->payload[index] = payload;
}

static void compare_with_reference(const struct names *names, const struct reference *ref)
{
	char name[32];
	size_t count = 0;

	for (size_t i = 0; i < REFERENCE_NAMES; i++) {
		reference_name(i, name, sizeof name);
		if (ref->bound[i]) {
			count++;
			assert_bound(names, name, ref->payload[i]);
			if (names_is_address(ref->payload[i]))
				assert_name_at(names, ref->payload[i], name);
		} else {
			assert_unbound(names, name);
		}
	}
	assert_int_equal(names_count(names), count);
}

static void thousands_of_names_with_deletions_match_a_reference(void **state)
{
	(void)state;
	struct names *names = names_create();
	struct reference *ref = calloc(1, sizeof *ref);
	char name[32];
	unsigned long long seed = 0x9e3779b97f4a7c15ull;

	assert_non_null(ref);
	for (size_t round = 0; round < 60000; round++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t index = (size_t)(seed >> 33) % REFERENCE_NAMES;
		unsigned action = (unsigned)(seed >> 20) % 10;
		reference_name(index, name, sizeof name);
		if (action < 6) {
			/* Payloads from a range small enough that addresses collide now and then. */
			size_t payload = action == 0 ? NAMES_NULL : action == 1 ? NAMES_FREED
				: ((seed >> 40) % 20000) * 8;
			assert_true(names_bind(names, name, payload));
			reference_bind(ref, index, payload);
		} else {
			names_unbind(names, name);
			ref->bound[index] = false;
		}
		if (round % 5000 == 4999)
			compare_with_reference(names, ref);
	}
	compare_with_reference(names, ref);

	/* Delete everything: the table must come back empty, with no stale addresses. */
	for (size_t i = 0; i < REFERENCE_NAMES; i++) {
		reference_name(i, name, sizeof name);
		names_unbind(names, name);
		ref->bound[i] = false;
	}
	compare_with_reference(names, ref);
	for (size_t p = 0; p < 20000; p++)
		assert_name_at(names, p * 8, NULL);
	free(ref);
	names_destroy(names);
}

/* --- copies --------------------------------------------------------------------- */

static void clone_is_independent(void **state)
{
	(void)state;
	struct names *names = names_create();

	names_bind(names, "a", 8);
	names_bind(names, "b", NAMES_NULL);
	struct names *copy = names_clone(names);
	assert_non_null(copy);
	assert_bound(copy, "a", 8);
	assert_bound(copy, "b", NAMES_NULL);
	assert_name_at(copy, 8, "a");

	names_bind(names, "a", 64);
	names_bind(names, "c", 128);
	names_unbind(names, "b");
	assert_bound(copy, "a", 8);
	assert_name_at(copy, 8, "a");
	assert_name_at(copy, 64, NULL);
	assert_unbound(copy, "c");
	assert_bound(copy, "b", NAMES_NULL);
	assert_int_equal(names_count(copy), 2);

	names_bind(copy, "d", 256);
	assert_unbound(names, "d");
	names_destroy(names);
	/* The copy outlives its source. */
	assert_bound(copy, "d", 256);
	names_destroy(copy);
}

static void copy_into_works_across_capacities(void **state)
{
	(void)state;
	struct names *small = names_create();
	struct names *big = names_create();
	char name[16];

	names_bind(small, "only", 8);
	for (size_t i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "x%zu", i);
		names_bind(big, name, 16 + i * 8);
	}
	struct names *target = names_create();
	/* Small into empty, then big into the same table (it must grow), then small again (it shrinks). */
	assert_true(names_copy_into(target, small));
	assert_int_equal(names_count(target), 1);
	assert_bound(target, "only", 8);
	assert_true(names_copy_into(target, big));
	assert_int_equal(names_count(target), 1000);
	assert_unbound(target, "only");
	assert_name_at(target, 8, NULL);
	for (size_t i = 0; i < 1000; i += 37) {
		snprintf(name, sizeof name, "x%zu", i);
		assert_bound(target, name, 16 + i * 8);
		assert_name_at(target, 16 + i * 8, name);
	}
	/* Still independent after the copy: changing the target leaves big alone, and the reverse. */
	names_unbind(target, "x0");
	assert_bound(big, "x0", 16);
	names_bind(big, "x1", 99999);
	assert_bound(target, "x1", 24);
	assert_true(names_copy_into(target, small));
	assert_int_equal(names_count(target), 1);
	assert_bound(target, "only", 8);
	assert_unbound(target, "x5");
	assert_name_at(target, 56, NULL);
	/* The shrunk table still grows correctly. */
	for (size_t i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "y%zu", i);
		assert_true(names_bind(target, name, 4096 + i));
	}
	assert_int_equal(names_count(target), 501);
	assert_bound(target, "y499", 4096 + 499);
	names_destroy(small);
	names_destroy(big);
	names_destroy(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_table_is_empty),
		cmocka_unit_test(bind_is_seen_both_ways),
		cmocka_unit_test(unbind_forgets_both_ways_and_ignores_unknown_names),
		cmocka_unit_test(rebinding_a_name_moves_it_and_frees_the_old_address),
		cmocka_unit_test(null_and_freed_bindings_have_no_address),
		cmocka_unit_test(a_payload_carries_the_newest_name),
		cmocka_unit_test(names_longer_than_the_limit_are_refused),
		cmocka_unit_test(each_visits_every_binding_once_and_can_stop),
		cmocka_unit_test(thousands_of_names_with_deletions_match_a_reference),
		cmocka_unit_test(clone_is_independent),
		cmocka_unit_test(copy_into_works_across_capacities),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
