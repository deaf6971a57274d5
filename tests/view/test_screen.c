/* test_screen.c - the logical screen: clipping, escaping of control characters, wide characters, row export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "screen.h"

static char *row_text(const struct screen *screen, int row)
{
	static char buffer[4096];
	screen_row_text(screen, row, buffer, sizeof buffer);
	return buffer;
}

static void text_is_clipped_at_max_width_and_screen_edge(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 10, 2));
	assert_int_equal(screen_put(&screen, 0, 2, 4, "abcdefgh", ROLE_TEXT), 4);
	assert_string_equal(row_text(&screen, 0), "  abcd    ");
	assert_int_equal(screen_put(&screen, 1, 7, 100, "xyzzy", ROLE_TEXT), 3);
	assert_string_equal(row_text(&screen, 1), "       xyz");
	/* Outside the screen nothing is written and nothing crashes. */
	assert_int_equal(screen_put(&screen, 2, 0, 10, "no", ROLE_TEXT), 0);
	assert_int_equal(screen_put(&screen, -1, 0, 10, "no", ROLE_TEXT), 0);
	assert_int_equal(screen_put(&screen, 0, 10, 10, "no", ROLE_TEXT), 0);
	assert_int_equal(screen_put(&screen, 0, 0, 0, "no", ROLE_TEXT), 0);
	assert_int_equal(screen_put(&screen, 0, 0, 5, NULL, ROLE_TEXT), 0);
	assert_null(screen_cell(&screen, 2, 0));
	assert_null(screen_cell(&screen, 0, -1));
	assert_non_null(screen_cell(&screen, 1, 9));
	screen_release(&screen);
}

static void control_characters_are_escaped_never_raw(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 40, 1));
	int used = screen_put(&screen, 0, 0, 40, "a\nb\x1b[2Jc\td\x7f", ROLE_TEXT);
	const char *expected = "a\\nb\\x1b[2Jc\\td\\x7f";
	assert_int_equal(used, (int)strlen(expected));
	assert_memory_equal(row_text(&screen, 0), expected, strlen(expected));
	assert_int_equal(strlen(row_text(&screen, 0)), 40);
	for (int c = 0; c < screen.width; c++)
		assert_true(screen_cell(&screen, 0, c)->ch >= 0x20);
	screen_release(&screen);
}

static void invalid_utf8_c1_and_bidi_overrides_are_escaped(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 40, 1));
	/* An invalid byte, a C1 control (U+009B, CSI), an overlong '/', a right-to-left override. */
	screen_put(&screen, 0, 0, 40, "\xff" "\xc2\x9b" "\xc0\xaf" "\xe2\x80\xae", ROLE_TEXT);
	assert_string_equal(row_text(&screen, 0), "\\xff\\u009b\\xc0\\xaf\\u202e                ");
	screen_release(&screen);
}

static void escapes_are_never_cut_in_half(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 10, 1));
	assert_int_equal(screen_put(&screen, 0, 0, 5, "ab\x1b", ROLE_TEXT), 2);
	assert_string_equal(row_text(&screen, 0), "ab        ");
	screen_release(&screen);
}

static void nul_bytes_in_data_are_escaped(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 12, 1));
	screen_put_styled(&screen, 0, 0, 12, "a\0b", 3, ROLE_NOTE, 3, CELL_BOLD);
	assert_string_equal(row_text(&screen, 0), "a\\x00b      ");
	assert_int_equal(screen_cell(&screen, 0, 0)->role, ROLE_NOTE);
	assert_int_equal(screen_cell(&screen, 0, 0)->hue, 3);
	assert_int_equal(screen_cell(&screen, 0, 0)->flags, CELL_BOLD);
	screen_release(&screen);
}

static void wide_characters_take_two_cells_and_are_never_split(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 5, 2));
	/* 漢 and 字 are wide: two fit in four cells, the fifth stays blank. */
	assert_int_equal(screen_put(&screen, 0, 0, 5, "漢字漢", ROLE_TEXT), 4);
	assert_string_equal(row_text(&screen, 0), "漢字 ");
	assert_int_equal(screen_cell(&screen, 0, 1)->ch, 0);
	/* Overwriting the right half blanks the left half. */
	screen_put(&screen, 0, 1, 1, "x", ROLE_TEXT);
	assert_string_equal(row_text(&screen, 0), " x字 ");
	/* Overwriting a left half blanks the right half. */
	screen_put(&screen, 0, 2, 1, "y", ROLE_TEXT);
	assert_string_equal(row_text(&screen, 0), " xy  ");
	/* Accented letters precomposed are one cell; a lone combining mark is escaped. */
	assert_int_equal(screen_put(&screen, 1, 0, 5, "é", ROLE_TEXT), 1);
	assert_int_equal(screen_text_width("e\xcc\x81", 3), 7);
	assert_int_equal(screen_text_width("漢a", strlen("漢a")), 3);
	screen_release(&screen);
}

static void put_char_replaces_controls_and_clips_wide_at_edge(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 3, 1));
	screen_put_char(&screen, 0, 0, 0x1b, ROLE_TEXT, 0, 0);
	assert_int_equal(screen_cell(&screen, 0, 0)->ch, 0xfffd);
	screen_put_char(&screen, 0, 2, 0x6f22, ROLE_TEXT, 0, 0);
	assert_int_equal(screen_cell(&screen, 0, 2)->ch, ' ');
	screen_put_char(&screen, 0, 7, 'x', ROLE_TEXT, 0, 0);
	screen_put_char(&screen, -3, 0, 'x', ROLE_TEXT, 0, 0);
	screen_release(&screen);
}

static void fit_cuts_at_characters(void **state)
{
	(void)state;
	int width = -1;
	assert_int_equal(screen_text_fit("héllo", strlen("héllo"), 2, &width), 3);
	assert_int_equal(width, 2);
	assert_int_equal(screen_text_fit("漢字", strlen("漢字"), 3, &width), 3);
	assert_int_equal(width, 2);
	assert_int_equal(screen_text_fit("a\nb", 3, 2, &width), 1);
	assert_int_equal(width, 1);
}

static void zero_and_negative_sizes_are_empty_screens(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 0, 0));
	assert_null(screen.cells);
	screen_clear(&screen, ROLE_TEXT);
	assert_int_equal(screen_put(&screen, 0, 0, 10, "x", ROLE_TEXT), 0);
	assert_true(screen_resize(&screen, -5, 3));
	assert_int_equal(screen.width, 0);
	assert_true(screen_resize(&screen, 1, 1));
	screen_fill(&screen, -1, -1, 5, 5, '#', ROLE_BORDER);
	assert_string_equal(row_text(&screen, 0), "#");
	char small[1];
	assert_int_equal(screen_row_text(&screen, 0, small, sizeof small), 1);
	assert_string_equal(small, "");
	assert_int_equal(screen_row_text(&screen, 5, small, sizeof small), 0);
	screen_release(&screen);
	screen_release(&screen);
}

static void row_text_reports_the_length_it_needs(void **state)
{
	(void)state;
	struct screen screen = {0};
	assert_true(screen_resize(&screen, 4, 1));
	screen_put(&screen, 0, 0, 4, "a·b", ROLE_TEXT);
	char buffer[4];
	assert_int_equal(screen_row_text(&screen, 0, buffer, sizeof buffer), 5);
	assert_string_equal(buffer, "a\xc2\xb7");   /* "a·b" would need 4 bytes plus NUL */
	screen_release(&screen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_is_clipped_at_max_width_and_screen_edge),
		cmocka_unit_test(control_characters_are_escaped_never_raw),
		cmocka_unit_test(invalid_utf8_c1_and_bidi_overrides_are_escaped),
		cmocka_unit_test(escapes_are_never_cut_in_half),
		cmocka_unit_test(nul_bytes_in_data_are_escaped),
		cmocka_unit_test(wide_characters_take_two_cells_and_are_never_split),
		cmocka_unit_test(put_char_replaces_controls_and_clips_wide_at_edge),
		cmocka_unit_test(fit_cuts_at_characters),
		cmocka_unit_test(zero_and_negative_sizes_are_empty_screens),
		cmocka_unit_test(row_text_reports_the_length_it_needs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
