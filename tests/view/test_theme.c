/* test_theme.c - themes: every role has colours in every theme, hues differ, xterm-256 to RGB, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "theme.h"

static void allocation_hues_are_distinct_and_meta_is_a_different_shade(void **state)
{
	(void)state;
	for (int theme = 0; theme < THEME_COUNT; theme++) {
		for (int a = 0; a < SCREEN_HUES; a++) {
			struct theme_colors payload = theme_colors((enum theme_id)theme, ROLE_BLOCK_PAYLOAD, (uint8_t)a);
			struct theme_colors meta = theme_colors((enum theme_id)theme, ROLE_BLOCK_META, (uint8_t)a);
			assert_in_range(payload.fg, 0, 255);
			assert_in_range(meta.fg, 0, 255);
			assert_int_not_equal(payload.fg, meta.fg);
			for (int b = a + 1; b < SCREEN_HUES; b++)
				assert_int_not_equal(payload.fg,
						     theme_colors((enum theme_id)theme, ROLE_BLOCK_PAYLOAD, (uint8_t)b).fg);
		}
	}
}

static void every_role_is_defined_and_states_differ(void **state)
{
	(void)state;
	for (int theme = 0; theme < THEME_COUNT; theme++) {
		for (int role = 0; role < ROLE_COUNT; role++) {
			struct theme_colors c = theme_colors((enum theme_id)theme, (enum style_role)role, 0);
			assert_true(c.fg >= -1 && c.fg <= 255);
			assert_true(c.bg >= -1 && c.bg <= 255);
		}
		struct theme_colors free_body = theme_colors((enum theme_id)theme, ROLE_FREE, 0);
		struct theme_colors wild = theme_colors((enum theme_id)theme, ROLE_WILDERNESS, 0);
		struct theme_colors ok = theme_colors((enum theme_id)theme, ROLE_OK, 0);
		struct theme_colors error = theme_colors((enum theme_id)theme, ROLE_ERROR, 0);
		assert_int_not_equal(free_body.fg, wild.fg);
		assert_int_not_equal(ok.fg, error.fg);
	}
	/* Out of range: defaults, no crash. */
	struct theme_colors none = theme_colors(THEME_COUNT, ROLE_TEXT, 0);
	assert_int_equal(none.fg, -1);
	none = theme_colors(THEME_DEFAULT, ROLE_COUNT, 200);
	assert_int_equal(none.bg, -1);
}

static void monochrome_marks_cursor_selection_and_errors(void **state)
{
	(void)state;
	assert_true(theme_mono_flags(ROLE_CURSOR) & CELL_REVERSE);
	assert_true(theme_mono_flags(ROLE_SELECTED) & CELL_REVERSE);
	assert_int_not_equal(theme_mono_flags(ROLE_CURSOR), theme_mono_flags(ROLE_SELECTED));
	assert_true(theme_mono_flags(ROLE_ERROR) != 0);
	assert_int_equal(theme_mono_flags(ROLE_COUNT), 0);
}

static void rgb_follows_the_xterm_cube_and_grey_ramp(void **state)
{
	(void)state;
	assert_int_equal(theme_rgb(0), 0x000000);
	assert_int_equal(theme_rgb(15), 0xffffff);
	assert_int_equal(theme_rgb(16), 0x000000);
	assert_int_equal(theme_rgb(21), 0x0000ff);
	assert_int_equal(theme_rgb(196), 0xff0000);
	assert_int_equal(theme_rgb(208), 0xff8700);
	assert_int_equal(theme_rgb(231), 0xffffff);
	assert_int_equal(theme_rgb(232), 0x080808);
	assert_int_equal(theme_rgb(255), 0xeeeeee);
	assert_int_equal(theme_rgb(-1), 0);
	assert_int_equal(theme_rgb(256), 0);
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int theme = 0; theme < THEME_COUNT; theme++) {
		enum theme_id parsed = THEME_COUNT;
		assert_true(theme_parse(theme_name((enum theme_id)theme), &parsed));
		assert_int_equal(parsed, theme);
	}
	enum theme_id t;
	assert_true(theme_parse("high-contrast", &t));
	assert_int_equal(t, THEME_HIGH_CONTRAST);
	assert_true(theme_parse("colourblind", &t));
	assert_int_equal(t, THEME_COLORBLIND);
	assert_false(theme_parse("neon", &t));
	assert_false(theme_parse(NULL, &t));
	assert_string_equal(theme_name(THEME_COUNT), "default");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocation_hues_are_distinct_and_meta_is_a_different_shade),
		cmocka_unit_test(every_role_is_defined_and_states_differ),
		cmocka_unit_test(monochrome_marks_cursor_selection_and_errors),
		cmocka_unit_test(rgb_follows_the_xterm_cube_and_grey_ramp),
		cmocka_unit_test(names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
