/* strbuf.c - a growable text buffer; out-of-memory truncates and sets a flag instead of aborting. */
#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *buf)
{
	buf->text = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->failed = false;
}

void strbuf_release(struct strbuf *buf)
{
	free(buf->text);
	strbuf_init(buf);
}

void strbuf_clear(struct strbuf *buf)
{
	buf->len = 0;
	if (buf->text)
		buf->text[0] = '\0';
}

/* Make room for extra more bytes plus the terminator; false when the host is out of memory. */
static bool strbuf_reserve(struct strbuf *buf, size_t extra)
{
	if (buf->failed)
		return false;
	if (extra > ((size_t)-1) / 2 - buf->len) {
		buf->failed = true;
		return false;
	}
	size_t want = buf->len + extra + 1;
	if (want <= buf->cap)
		return true;
	size_t cap = buf->cap ? buf->cap : 64;
	while (cap < want)
		cap *= 2;
	char *text = realloc(buf->text, cap);
	if (!text) {
		buf->failed = true;
		return false;
	}
	buf->text = text;
	buf->cap = cap;
	return true;
}

void strbuf_append(struct strbuf *buf, const char *text, size_t len)
{
	if (!strbuf_reserve(buf, len))
		return;
	if (len)
		memcpy(buf->text + buf->len, text, len);
	buf->len += len;
	buf->text[buf->len] = '\0';
}

void strbuf_puts(struct strbuf *buf, const char *text)
{
	strbuf_append(buf, text, strlen(text));
}

void strbuf_putc(struct strbuf *buf, char c)
{
	strbuf_append(buf, &c, 1);
}

/* Marked as a printf-like va_list function so clang's -Wformat-nonliteral (in -Wformat=2) accepts the pass-through. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
void strbuf_vprintf(struct strbuf *buf, const char *format, va_list args)
{
	va_list copy;
	va_copy(copy, args);
	int need = vsnprintf(NULL, 0, format, copy);
	va_end(copy);
	if (need < 0 || !strbuf_reserve(buf, (size_t)need))
		return;
	vsnprintf(buf->text + buf->len, (size_t)need + 1, format, args);
	buf->len += (size_t)need;
}

void strbuf_printf(struct strbuf *buf, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	strbuf_vprintf(buf, format, args);
	va_end(args);
}

/* Length of a well-formed UTF-8 sequence starting at s (at most len bytes), or 0. */
static size_t utf8_sequence_length(const unsigned char *s, size_t len)
{
	size_t need;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Reject overlong 3/4-byte forms, surrogates and code points past U+10FFFF. */
	if (need == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (need == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	/* C1 controls (U+0080..U+009F) act on terminals: escape them too. */
	if (need == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return need;
}

static void put_escaped(struct strbuf *buf, const char *text, size_t len, bool escape_backslash);

/*
 * Invisible format characters that change how a terminal shows the text around
 * them (bidi overrides and isolates, zero-width characters, the BOM): escaped
 * like control characters, so a name or note cannot reorder or hide a line.
 */
static bool is_format_control(uint32_t ch)
{
	return (ch >= 0x200b && ch <= 0x200f) || (ch >= 0x2028 && ch <= 0x202e) || (ch >= 0x2060 && ch <= 0x206f) ||
	       ch == 0xfeff || (ch >= 0xfff9 && ch <= 0xfffb);
}

void strbuf_put_escaped(struct strbuf *buf, const char *text, size_t len)
{
	put_escaped(buf, text, len, true);
}

void strbuf_put_printable(struct strbuf *buf, const char *text, size_t len)
{
	put_escaped(buf, text, len, false);
}

static void put_escaped(struct strbuf *buf, const char *text, size_t len, bool escape_backslash)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && (c != '\\' || !escape_backslash)) {
			strbuf_putc(buf, (char)c);
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_sequence_length(s + i, len - i);
			uint32_t ch = n == 3 ? (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f) : 0;
			if (n && is_format_control(ch)) {
				strbuf_printf(buf, "\\u%04x", (unsigned)ch);
				i += n;
				continue;
			}
			if (n) {
				strbuf_append(buf, text + i, n);
				i += n;
				continue;
			}
		}
		switch (c) {
		case '\\': strbuf_puts(buf, "\\\\"); break;
		case '\n': strbuf_puts(buf, "\\n"); break;
		case '\t': strbuf_puts(buf, "\\t"); break;
		case '\r': strbuf_puts(buf, "\\r"); break;
		default: strbuf_printf(buf, "\\x%02x", c); break;
		}
		i++;
	}
}

const char *strbuf_text(const struct strbuf *buf)
{
	return buf->text ? buf->text : "";
}

char *strbuf_take(struct strbuf *buf)
{
	char *text = buf->text;
	if (!text) {
		text = malloc(1);
		if (text)
			text[0] = '\0';
	}
	strbuf_init(buf);
	return text;
}
