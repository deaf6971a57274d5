/* json.c - the session's state as JSON, built from the heap walker, the names and the statistics. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

static void json_text(struct strbuf *out, const char *text)
{
	if (text)
		json_string(out, text, strlen(text));
	else
		strbuf_puts(out, "null");
}

/* A ratio with enough digits to recompute the statistic, never NaN or infinity. */
static void json_ratio(struct strbuf *out, double value)
{
	if (!(value == value) || value < 0)
		value = 0;
	strbuf_printf(out, "%.6g", value);
}

struct block_context {
	struct strbuf *out;
	const struct session *session;
	bool first;
};

static bool json_block(const struct block_view *block, void *context)
{
	static const char *const states[] = { "used", "free", "wilderness" };
	struct block_context *ctx = context;
	struct strbuf *out = ctx->out;
	strbuf_puts(out, ctx->first ? "\n  " : ",\n  ");
	ctx->first = false;
	strbuf_printf(out, "{\"offset\": %zu, \"size\": %zu, \"state\": \"%s\"", block->offset, block->size,
		      states[block->state]);
	if (block->state == BLOCK_USED) {
		strbuf_printf(out, ", \"payload\": %zu, \"requested\": %zu, \"name\": ", block->payload, block->requested);
		json_text(out, session_name_at(ctx->session, block->payload));
		strbuf_puts(out, ", \"data\": \"");
		const uint8_t *bytes = heap_bytes(session_heap(ctx->session)) + block->payload;
		for (size_t i = 0; i < block->requested; i++)
			strbuf_printf(out, "%02x", bytes[i]);
		strbuf_putc(out, '"');
	}
	strbuf_putc(out, '}');
	return true;
}

static void json_stats(struct strbuf *out, const struct heap *heap)
{
	struct heap_stats s;
	heap_get_stats(heap, &s);
	strbuf_printf(out, "{\"used_blocks\": %zu, \"free_blocks\": %zu, \"requested_bytes\": %zu, "
		      "\"used_bytes\": %zu, \"overhead_bytes\": %zu, \"free_bytes\": %zu, \"largest_free\": %zu, "
		      "\"wilderness_bytes\": %zu, \"external_fragmentation\": ",
		      s.used_blocks, s.free_blocks, s.requested_bytes, s.used_bytes, s.overhead_bytes,
		      s.free_bytes, s.largest_free, s.wilderness_bytes);
	json_ratio(out, s.external_fragmentation);
	strbuf_puts(out, ", \"utilization\": ");
	json_ratio(out, s.utilization);
	strbuf_puts(out, ", \"peak_utilization\": ");
	json_ratio(out, s.peak_utilization);
	strbuf_printf(out, ", \"failed_allocs\": %zu}", s.failed_allocs);
}

static void json_state_fields(struct strbuf *out, const struct session *session)
{
	const struct heap *heap = session_heap(session);
	strbuf_printf(out, "\"step\": %zu, \"policy\": \"%s\", \"heap_size\": %zu, \"alignment\": %u, \"break\": %zu, ",
		      session_step(session), heap_policy_name(heap_policy(heap)), heap_size(heap), heap_alignment(heap),
		      heap_break(heap));
	/* Next fit's rover (where the next search starts): an extra field, only for next fit. */
	if (heap_policy(heap) == POLICY_NEXT_FIT)
		strbuf_printf(out, "\"rover\": %zu, ", heap_rover(heap));
	strbuf_puts(out, "\"blocks\": [");
	struct block_context ctx = { out, session, true };
	heap_walk(heap, json_block, &ctx);
	strbuf_puts(out, "],\n \"stats\": ");
	json_stats(out, heap);
}

void json_state(struct strbuf *out, const struct session *session)
{
	strbuf_putc(out, '{');
	json_state_fields(out, session);
	strbuf_putc(out, '}');
}

static void json_result(struct strbuf *out, const struct session_report *report)
{
	bool placing = report->kind == CMD_ALLOC || report->kind == CMD_CALLOC || report->kind == CMD_REALLOC;
	if (!report->ok || !report->new_step || !placing) {
		strbuf_puts(out, "null");
		return;
	}
	const struct step_outcome *o = &report->outcome;
	if (o->kind == OUTCOME_PLACED)
		strbuf_printf(out, "{\"payload\": %zu, \"block\": %zu, \"size\": %zu}", o->payload, o->placement.block,
			      o->placement.block_size);
	else if (o->kind == OUTCOME_REFUSED) {
		strbuf_puts(out, "{\"failed\": ");
		json_text(out, heap_status_message(o->status));
		strbuf_putc(out, '}');
	} else {
		strbuf_puts(out, "{\"payload\": null}");
	}
}

void json_trace_line(struct strbuf *out, const struct session *session, const char *source,
		     const struct session_report *report)
{
	strbuf_putc(out, '{');
	json_state_fields(out, session);
	strbuf_puts(out, ",\n \"command\": ");
	json_text(out, source);
	/* Bytes that are not UTF-8 show as U+FFFD in "command": the exact bytes, in hex like "data", keep it recoverable. */
	if (source && !json_is_utf8(source, strlen(source))) {
		strbuf_puts(out, ", \"command_bytes\": \"");
		for (const unsigned char *b = (const unsigned char *)source; *b; b++)
			strbuf_printf(out, "%02x", *b);
		strbuf_putc(out, '"');
	}
	strbuf_printf(out, ", \"ok\": %s, \"error\": ", report && !report->ok ? "false" : "true");
	json_text(out, report && !report->ok ? report->error.message : NULL);
	strbuf_puts(out, ", \"result\": ");
	if (report)
		json_result(out, report);
	else
		strbuf_puts(out, "null");
	strbuf_puts(out, ", \"explain\": ");
	json_text(out, report && report->explain[0] ? report->explain : NULL);
	strbuf_putc(out, '}');
}
