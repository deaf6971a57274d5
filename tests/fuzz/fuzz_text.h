/* fuzz_text.h - what the fuzz harnesses ask of text heapviz writes: strict UTF-8, nothing a terminal would act on. */
#ifndef HEAPVIZ_FUZZ_TEXT_H
#define HEAPVIZ_FUZZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "screen.h"

/*
 * Decode one UTF-8 sequence strictly (no overlongs, surrogates or values past
 * U+10FFFF); returns its length, or 0 when the bytes at s are not UTF-8.
 */
static inline size_t fuzz_utf8_next(const unsigned char *s, size_t len, uint32_t *ch)
{
	static const struct { unsigned char first, last; size_t need; uint32_t mask, min; } leads[] = {
		{ 0x00, 0x7f, 1, 0x7f, 0 }, { 0xc2, 0xdf, 2, 0x1f, 0x80 },
		{ 0xe0, 0xef, 3, 0x0f, 0x800 }, { 0xf0, 0xf4, 4, 0x07, 0x10000 },
	};
	for (size_t k = 0; len > 0 && k < sizeof leads / sizeof leads[0]; k++) {
		if (s[0] < leads[k].first || s[0] > leads[k].last)
			continue;
		if (len < leads[k].need)
			return 0;
		uint32_t value = s[0] & leads[k].mask;
		for (size_t i = 1; i < leads[k].need; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			value = value << 6 | (s[i] & 0x3fu);
		}
		if (value < leads[k].min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
			return 0;
		*ch = value;
		return leads[k].need;
	}
	return 0;
}

/*
 * A code point the screen draws as it is: not a C0/C1 control or DEL, and not
 * one screen_put escapes (bidi overrides, zero-width and combining characters:
 * it measures such a character as its escape, several cells wide).
 */
static inline bool fuzz_shown_as_is(uint32_t ch)
{
	if (ch < 0x7f)
		return ch >= 0x20;
	if (ch <= 0x9f)
		return false;
	/* The last answer is kept: a snapshot repeats the same few block glyphs thousands of times. */
	static uint32_t last;
	static bool last_shown;
	if (ch != last) {
		char bytes[4];
		last_shown = screen_text_width(bytes, screen_encode_utf8(ch, bytes)) <= 2;
		last = ch;
	}
	return last_shown;
}

/*
 * A code point that acts on a terminal or changes how text around it reads:
 * C0/C1 controls, DEL, and the invisible format characters (bidi overrides
 * and isolates, zero-width characters, the BOM). Combining marks are not:
 * they only decorate a character.
 */
static inline bool fuzz_is_control(uint32_t ch)
{
	return ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || (ch >= 0x200b && ch <= 0x200f) ||
	       (ch >= 0x2028 && ch <= 0x202e) || (ch >= 0x2060 && ch <= 0x206f) || ch == 0xfeff ||
	       (ch >= 0xfff9 && ch <= 0xfffb);
}

/* The whole text is UTF-8 without a single fuzz_is_control code point. */
static inline bool fuzz_text_has_no_control(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t ch;
		if ((n = fuzz_utf8_next(s + i, len - i, &ch)) == 0 || fuzz_is_control(ch))
			return false;
	}
	return true;
}

/* The whole text is UTF-8 and holds no code point a terminal would act on, except the bytes in allowed. */
static inline bool fuzz_text_is_inert(const char *text, size_t len, const char *allowed)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		uint32_t ch;
		size_t n = fuzz_utf8_next(s + i, len - i, &ch);
		if (n == 0)
			return false;
		bool allowed_byte = false;
		for (const char *a = allowed; ch < 0x80 && *a; a++)
			allowed_byte |= ch == (unsigned char)*a;
		if (!allowed_byte && !fuzz_shown_as_is(ch))
			return false;
		i += n;
	}
	return true;
}

#endif
