/* strbuf.h - a growable text buffer: how the core hands text to callers without printing. */
#ifndef HEAPVIZ_STRBUF_H
#define HEAPVIZ_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A zeroed strbuf is empty and ready; text is always NUL-terminated once non-NULL. */
struct strbuf {
	char *text;
	size_t len;
	size_t cap;
	bool failed;        /* the host ran out of memory at some point; text is truncated */
};

void strbuf_init(struct strbuf *buf);
void strbuf_release(struct strbuf *buf);
void strbuf_clear(struct strbuf *buf);
void strbuf_append(struct strbuf *buf, const char *text, size_t len);
void strbuf_puts(struct strbuf *buf, const char *text);
void strbuf_putc(struct strbuf *buf, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void strbuf_printf(struct strbuf *buf, const char *format, ...);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
void strbuf_vprintf(struct strbuf *buf, const char *format, va_list args);
/* Append user text with control characters, backslash and non-UTF-8 bytes escaped (\n, \x01). */
void strbuf_put_escaped(struct strbuf *buf, const char *text, size_t len);
/* Append user text with only control characters and non-UTF-8 bytes escaped (for echoing commands). */
void strbuf_put_printable(struct strbuf *buf, const char *text, size_t len);
/* The text so far ("" when empty); valid until the next change. */
const char *strbuf_text(const struct strbuf *buf);
/* Hand the text over to the caller (who frees it); the buffer is left empty. */
char *strbuf_take(struct strbuf *buf);

#endif
