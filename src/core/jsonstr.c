/* jsonstr.c - JSON string literals from user text: the one escaper JSON, traces and asciicast lines share. */
#include "jsonstr.h"

#include <stdint.h>

/* Length of a well-formed UTF-8 sequence at s (at most len bytes) and its code point, or 0. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *code_point)
{
	unsigned char c = s[0];
	size_t need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
	if (need == 0 || need > len)
		return 0;
	uint32_t ch = c & (need == 2 ? 0x1f : need == 3 ? 0x0f : 0x07);
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		ch = ch << 6 | (s[k] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
	if ((need == 3 && ch < 0x800) || (ch >= 0xd800 && ch < 0xe000) || (need == 4 && (ch < 0x10000 || ch > 0x10ffff)))
		return 0;
	*code_point = ch;
	return need;
}

/*
 * Characters a terminal acts on or that change how text around them reads:
 * C1 controls (U+0080..U+009F, U+009B is CSI), bidi overrides and isolates,
 * zero-width characters, line/paragraph separators and the BOM. JSON allows
 * them raw, but `--trace-json -` goes to a terminal: they are written \uXXXX.
 */
static bool json_must_escape(uint32_t ch)
{
	return (ch >= 0x80 && ch < 0xa0) || ch == 0xad || ch == 0x061c || ch == 0x180e ||
	       (ch >= 0x200b && ch <= 0x200f) || (ch >= 0x2028 && ch <= 0x202e) || (ch >= 0x2060 && ch <= 0x206f) ||
	       ch == 0xfeff || (ch >= 0xfff9 && ch <= 0xfffb);
}

bool json_is_utf8(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		uint32_t ch;
		size_t n = s[i] < 0x80 ? 1 : utf8_decode(s + i, len - i, &ch);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

void json_string(struct strbuf *out, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)text;
	strbuf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			strbuf_putc(out, '\\');
			strbuf_putc(out, (char)c);
		} else if (c == '\n') {
			strbuf_puts(out, "\\n");
		} else if (c == '\t') {
			strbuf_puts(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			char escape[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			strbuf_puts(out, escape);
		} else if (c < 0x80) {
			strbuf_putc(out, (char)c);
		} else {
			/* Copy a well-formed UTF-8 sequence; anything else becomes U+FFFD. */
			uint32_t ch = 0;
			size_t need = utf8_decode(s + i, len - i, &ch);
			if (need == 0)
				strbuf_puts(out, "\\ufffd");
			else if (json_must_escape(ch))
				strbuf_printf(out, "\\u%04x", (unsigned)ch);
			else
				strbuf_append(out, text + i, need);
			if (need)
				i += need - 1;
		}
	}
	strbuf_putc(out, '"');
}
