/* json.c - the session's state as JSON, built from the heap walker, the names and the statistics. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "free_lists.h"
#include "stat_table.h"
#include "words.h"

static void json_text(struct strbuf *out, const char *text)
{
	if (text)
		json_string(out, text, strlen(text));
	else
		strbuf_puts(out, "null");
}

struct block_context {
	struct strbuf *out;
	const struct session *session;
	bool first;
};

/* One element of "blocks" (and of "changed" in the changes form). */
static void json_block_object(struct strbuf *out, const struct session *session, const struct heap_block *block)
{
	static const char *const states[] = { "used", "free", "wilderness" };
	strbuf_printf(out, "{\"offset\": %zu, \"size\": %zu, \"state\": \"%s\"", block->offset, block->size,
		      states[block->state]);
	if (block->state == BLOCK_USED) {
		strbuf_printf(out, ", \"payload\": %zu, \"requested\": %zu, \"name\": ", block->payload, block->requested);
		json_text(out, session_name_at(session, block->payload));
		strbuf_puts(out, ", \"data\": \"");
		const uint8_t *bytes = heap_bytes(session_heap(session)) + block->payload;
		static const char hex[] = "0123456789abcdef";
		for (size_t i = 0; i < block->requested; i++) {
			char pair[2] = { hex[bytes[i] >> 4], hex[bytes[i] & 15] };
			strbuf_append(out, pair, 2);
		}
		strbuf_putc(out, '"');
	}
	strbuf_putc(out, '}');
}

static bool json_block(const struct heap_block *block, void *context)
{
	struct block_context *ctx = context;
	strbuf_puts(ctx->out, ctx->first ? "\n  " : ",\n  ");
	ctx->first = false;
	json_block_object(ctx->out, ctx->session, block);
	return true;
}

/* One statistic as a JSON field, its name and form from the table (stat_table.c). */
static void json_statistic(struct strbuf *out, const struct stat_sample *sample, enum view_statistic_id id)
{
	const struct stat_entry *entry = stat_entry(id);
	char value[64];
	stat_format(sample, id, STAT_FORM_JSON, value, sizeof value);
	strbuf_printf(out, "\"%s\": ", entry->json);
	if (entry->unit == STAT_UNIT_POLICY)
		json_text(out, value);
	else
		strbuf_puts(out, value);
}

/* The table's statistics that are fields of the state (in_stats false) or of its "stats" object, in JSON order. */
static void json_statistics(struct strbuf *out, const struct stat_sample *sample, bool in_stats)
{
	const enum view_statistic_id *order;
	size_t count = stat_json_order(&order);
	bool first = true;
	for (size_t i = 0; i < count; i++) {
		if (stat_entry(order[i])->json_in_stats != in_stats)
			continue;
		if (in_stats && !first)
			strbuf_puts(out, ", ");
		first = false;
		json_statistic(out, sample, order[i]);
		if (!in_stats)
			strbuf_puts(out, ", ");
	}
}

static void json_stats(struct strbuf *out, const struct stat_sample *sample)
{
	strbuf_putc(out, '{');
	json_statistics(out, sample, true);
	strbuf_putc(out, '}');
}

/* "step" to "rover": the fields before the blocks. */
static void json_state_head(struct strbuf *out, const struct session *session, const struct stat_sample *sample)
{
	const struct heap *heap = session_heap(session);
	json_statistics(out, sample, false);
	strbuf_printf(out, "\"break\": %zu, ", heap_break(heap));
	/* The free-list order (heap_order.c): an extra field, only when it is not the default address order. */
	if (heap_order(heap) != HEAP_ORDER_ADDRESS)
		strbuf_printf(out, "\"order\": \"%s\", ", heap_order_name(heap_order(heap)));
	/* Next fit's rover (where the next search starts): an extra field, only for an allocator that has one. */
	if (heap_allocator(heap)->search_start != NULL)
		strbuf_printf(out, "\"rover\": %zu, ", heap_rover(heap));
}

/* "free_lists": the allocator's free structures in its walk order (free_lists.h); null when it has none. */
static void json_free_lists(struct strbuf *out, const struct heap *heap)
{
	static const char *const inserts[] = { NULL, "lifo", "fifo" };
	struct free_lists lists = { 0 };

	strbuf_puts(out, ",\n \"free_lists\": ");
	heap_free_lists(heap, &lists);
	if (heap_allocator(heap)->free_lists == NULL) {
		strbuf_puts(out, "null");
		return;
	}
	strbuf_printf(out, "{\"covers_all\": %s, \"links\": ", lists.covers_all ? "true" : "false");
	if (lists.in_band_links)
		strbuf_printf(out, "{\"next\": %zu, \"prev\": %zu}", lists.link_offset, lists.link_offset + 4);
	else
		strbuf_puts(out, "null");
	strbuf_puts(out, ", \"bitmaps\": ");
	if (lists.has_bitmaps) {
		strbuf_printf(out, "{\"first_level\": %u, \"second_level\": [", (unsigned)lists.first_level);
		for (unsigned c = 0; c < 31; c++)
			strbuf_printf(out, "%s%u", c == 0 ? "" : ", ", (unsigned)lists.second_level[c]);
		strbuf_puts(out, "]}");
	} else {
		strbuf_puts(out, "null");
	}
	strbuf_puts(out, ", \"lists\": [");
	for (size_t l = 0; l < lists.list_count; l++) {
		const struct free_list *one = &lists.lists[l];

		strbuf_printf(out, "%s\n  {\"kind\": \"%s\", \"class\": %u, \"sub\": %u, \"min_size\": %zu, \"max_size\": %zu",
			      l == 0 ? "" : ",", free_list_kind_name(one->kind), one->class_index, one->sub, one->min_size,
			      one->max_size);
		if (one->kind == FREE_LIST_SLAB)
			strbuf_printf(out, ", \"slab\": %zu", one->slab);
		if (one->insert != FREE_INSERT_NONE)
			strbuf_printf(out, ", \"insert\": \"%s\"", inserts[one->insert]);
		strbuf_puts(out, ", \"walk\": [");
		for (size_t i = 0; i < one->count; i++) {
			const struct free_list_block *block = &lists.blocks[one->first + i];

			strbuf_printf(out, "%s{\"offset\": %zu, \"size\": %zu}", i == 0 ? "" : ", ", block->offset, block->size);
		}
		strbuf_puts(out, "]}");
	}
	strbuf_puts(out, "]}");
	free_lists_release(&lists);
}

static void json_state_fields(struct strbuf *out, const struct session *session)
{
	const struct heap *heap = session_heap(session);
	struct stat_sample sample;
	stat_sample_of(session, &sample);
	json_state_head(out, session, &sample);
	strbuf_puts(out, "\"blocks\": [");
	struct block_context ctx = { out, session, true };
	heap_walk(heap, json_block, &ctx);
	strbuf_puts(out, "],\n \"stats\": ");
	json_stats(out, &sample);
	json_free_lists(out, heap);
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
		json_text(out, words_refused_reason(o));
		strbuf_putc(out, '}');
	} else {
		strbuf_puts(out, "{\"payload\": null}");
	}
}

/* The command's part of a trace line: "command" (and "command_bytes"), "ok", "error", "result", "explain". */
static void json_trace_tail(struct strbuf *out, const char *source, const struct session_report *report)
{
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
}

void json_trace_line(struct strbuf *out, const struct session *session, const char *source,
		     const struct session_report *report)
{
	strbuf_putc(out, '{');
	json_state_fields(out, session);
	json_trace_tail(out, source, report);
	strbuf_putc(out, '}');
}

/* --- the changes form: only the blocks that differ from the line before ------------- */

/* A block as the previous line left it; its data bytes are kept in json_trace_memory.bytes. */
struct remembered_block {
	size_t offset, size, payload, requested;
	enum block_state state;
	char name[COMMAND_NAME_MAX + 1];
};

struct json_trace_memory {
	struct remembered_block *blocks;   /* the previous line's blocks, in address order */
	size_t count, capacity;
	struct remembered_block *next;     /* the blocks being written now */
	size_t next_count, next_capacity;
	uint8_t *bytes;                    /* the previous line's heap bytes, correct inside its used blocks */
	size_t bytes_size;
	bool failed;                       /* out of host memory: the form cannot go on */
	char *free_lists;                  /* the previous line's "free_lists" text (NULL: none written yet) */
};

struct json_trace_memory *json_trace_memory_create(void)
{
	return calloc(1, sizeof(struct json_trace_memory));
}

void json_trace_memory_destroy(struct json_trace_memory *memory)
{
	if (!memory)
		return;
	free(memory->blocks);
	free(memory->next);
	free(memory->bytes);
	free(memory->free_lists);
	free(memory);
}

struct changes_context {
	struct strbuf *out;
	const struct session *session;
	struct json_trace_memory *memory;
	size_t previous;      /* index into memory->blocks: the merge walk's position */
	bool all_changed;     /* the heap was resized: no byte of the line before compares */
	bool first;
	struct strbuf removed;
};

static void note_removed(struct changes_context *ctx, size_t offset)
{
	strbuf_printf(&ctx->removed, "%s%zu", ctx->removed.len ? ", " : "", offset);
}

static bool same_block(const struct json_trace_memory *memory, const struct remembered_block *old,
		       const struct heap_block *block, const char *name, const uint8_t *bytes)
{
	if (old->size != block->size || old->state != block->state)
		return false;
	if (block->state != BLOCK_USED)
		return true;
	return old->payload == block->payload && old->requested == block->requested && strcmp(old->name, name) == 0 &&
	       block->payload + block->requested <= memory->bytes_size &&
	       memcmp(memory->bytes + block->payload, bytes + block->payload, block->requested) == 0;
}

static bool changes_block(const struct heap_block *block, void *context)
{
	struct changes_context *ctx = context;
	struct json_trace_memory *memory = ctx->memory;
	const uint8_t *bytes = heap_bytes(session_heap(ctx->session));
	const char *name = block->state == BLOCK_USED ? session_name_at(ctx->session, block->payload) : NULL;
	if (!name)
		name = "";
	/* Both lists are in address order: blocks of the line before that start below this one are gone. */
	while (ctx->previous < memory->count && memory->blocks[ctx->previous].offset < block->offset)
		note_removed(ctx, memory->blocks[ctx->previous++].offset);
	bool unchanged = !ctx->all_changed && ctx->previous < memory->count &&
			 memory->blocks[ctx->previous].offset == block->offset &&
			 same_block(memory, &memory->blocks[ctx->previous], block, name, bytes);
	if (ctx->previous < memory->count && memory->blocks[ctx->previous].offset == block->offset)
		ctx->previous++;
	if (!unchanged) {
		strbuf_puts(ctx->out, ctx->first ? "\n  " : ",\n  ");
		ctx->first = false;
		json_block_object(ctx->out, ctx->session, block);
		if (block->state == BLOCK_USED && block->payload + block->requested <= memory->bytes_size)
			memcpy(memory->bytes + block->payload, bytes + block->payload, block->requested);
	}
	if (memory->next_count == memory->next_capacity) {
		size_t capacity = memory->next_capacity ? memory->next_capacity * 2 : 64;
		struct remembered_block *grown = realloc(memory->next, capacity * sizeof *grown);
		if (!grown) {
			memory->failed = true;
			return true;
		}
		memory->next = grown;
		memory->next_capacity = capacity;
	}
	struct remembered_block *kept = &memory->next[memory->next_count++];
	kept->offset = block->offset;
	kept->size = block->size;
	kept->state = block->state;
	kept->payload = block->payload;
	kept->requested = block->requested;
	snprintf(kept->name, sizeof kept->name, "%s", name);
	return true;
}

/* "free_lists" only when it differs from the line before (the first line always has it): most steps leave it be. */
static void changes_free_lists(struct strbuf *out, const struct heap *heap, struct json_trace_memory *memory)
{
	struct strbuf text;

	strbuf_init(&text);
	json_free_lists(&text, heap);
	if (text.failed || memory->free_lists == NULL || strcmp(memory->free_lists, strbuf_text(&text)) != 0) {
		strbuf_append(out, strbuf_text(&text), text.len);
		free(memory->free_lists);
		/* Out of memory keeping it: the next line writes it again, which is always correct. */
		memory->free_lists = text.failed ? NULL : strbuf_take(&text);
	}
	strbuf_release(&text);
}

bool json_trace_changes_line(struct strbuf *out, const struct session *session, const char *source,
			     const struct session_report *report, struct json_trace_memory *memory)
{
	const struct heap *heap = session_heap(session);
	size_t size = heap_size(heap);
	bool all_changed = false;
	if (memory->failed)
		return false;
	if (memory->bytes_size != size) {
		/* The first line, or a new heap size (reset SIZE): every block is written. */
		uint8_t *bytes = realloc(memory->bytes, size ? size : 1);
		if (!bytes) {
			memory->failed = true;
			return false;
		}
		memory->bytes = bytes;
		memory->bytes_size = size;
		all_changed = true;
	}
	struct stat_sample sample;
	stat_sample_of(session, &sample);
	strbuf_putc(out, '{');
	json_state_head(out, session, &sample);
	strbuf_puts(out, "\"changed\": [");
	struct changes_context ctx = { out, session, memory, 0, all_changed, true, { NULL, 0, 0, false } };
	memory->next_count = 0;
	heap_walk(heap, changes_block, &ctx);
	while (ctx.previous < memory->count)
		note_removed(&ctx, memory->blocks[ctx.previous++].offset);
	strbuf_printf(out, "],\n \"removed\": [%s], \"stats\": ", strbuf_text(&ctx.removed));
	strbuf_release(&ctx.removed);
	json_stats(out, &sample);
	changes_free_lists(out, heap, memory);
	json_trace_tail(out, source, report);
	strbuf_putc(out, '}');
	/* The blocks just written become the line before. */
	struct remembered_block *swap = memory->blocks;
	size_t swap_capacity = memory->capacity;
	memory->blocks = memory->next;
	memory->capacity = memory->next_capacity;
	memory->count = memory->next_count;
	memory->next = swap;
	memory->next_capacity = swap_capacity;
	memory->next_count = 0;
	return !memory->failed && !out->failed;
}
