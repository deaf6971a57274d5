/* batch.c - headless mode: one line per command, a final report, JSON, and JSON Lines traces. */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "session.h"
#include "snapshot.h"
#include "strbuf.h"

static const char *display_name(const char *file)
{
	return file && strcmp(file, "-") != 0 ? file : "<stdin>";
}

/* Standard input read whole, so a script from a pipe is parsed like a file. */
static bool read_stream(FILE *in, struct strbuf *buffer)
{
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
		if (buffer->len + got > SCRIPT_MAX_FILE)
			return false;
		strbuf_append(buffer, chunk, got);
	}
	return !ferror(in) && !buffer->failed;
}

/* The error text with control characters escaped: messages may quote a file name. */
static void print_escaped_line(FILE *err, const char *text)
{
	struct strbuf escaped;
	strbuf_init(&escaped);
	strbuf_put_escaped(&escaped, text, strlen(text));
	fprintf(err, "%s\n", strbuf_text(&escaped));
	strbuf_release(&escaped);
}

int batch_load_script(const char *file, struct script *script, FILE *err)
{
	struct script_error error;
	const char *name = display_name(file);
	bool ok;
	if (!file || strcmp(file, "-") == 0) {
		struct strbuf buffer;
		strbuf_init(&buffer);
		if (!read_stream(stdin, &buffer)) {
			fprintf(err, "heapviz: <stdin>: cannot read standard input\n");
			strbuf_release(&buffer);
			return EXIT_FILE;
		}
		ok = script_parse(name, strbuf_text(&buffer), buffer.len, script, &error);
		strbuf_release(&buffer);
	} else {
		ok = script_load(file, script, &error);
	}
	if (ok) {
		for (size_t i = 0; i < script->warning_count; i++)
			print_escaped_line(err, script->warnings[i]);
		return EXIT_OK;
	}
	struct strbuf line;
	strbuf_init(&line);
	if (error.line == 0) {
		strbuf_printf(&line, "heapviz: %s: %s", name, error.message);
		print_escaped_line(err, strbuf_text(&line));
		strbuf_release(&line);
		return EXIT_FILE;
	}
	strbuf_printf(&line, "%s:%zu:%zu: %s", name, error.line, error.column, error.message);
	print_escaped_line(err, strbuf_text(&line));
	strbuf_release(&line);
	return EXIT_USAGE;
}

static void print_step_line(FILE *out, const struct session *session, const char *source,
			    const struct session_report *report)
{
	struct strbuf line;
	strbuf_init(&line);
	if (report->new_step)
		strbuf_printf(&line, "step %zu: ", session_step(session));
	strbuf_put_printable(&line, source, strlen(source));
	if (report->message[0]) {
		strbuf_puts(&line, " -> ");
		strbuf_put_printable(&line, report->message, strlen(report->message));
	}
	fprintf(out, "%s\n", strbuf_text(&line));
	strbuf_release(&line);
}

static void print_final_report(FILE *out, const struct session *session)
{
	const struct heap *heap = session_heap(session);
	struct heap_stats s;
	heap_get_stats(heap, &s);
	fprintf(out, "\nfinal state: step %zu of %zu, %s, %zu B heap, align %u, break 0x%03zx\n",
		session_step(session), session_last_step(session), heap_policy_title(heap_policy(heap)),
		s.heap_size, heap_alignment(heap), s.brk);
	fprintf(out, "  used blocks             %zu\n", s.used_blocks);
	fprintf(out, "  requested bytes         %zu\n", s.requested_bytes);
	fprintf(out, "  used bytes              %zu\n", s.used_bytes);
	fprintf(out, "  overhead bytes          %zu\n", s.overhead_bytes);
	fprintf(out, "  free blocks             %zu\n", s.free_blocks);
	fprintf(out, "  free bytes              %zu\n", s.free_bytes);
	fprintf(out, "  wilderness bytes        %zu\n", s.wilderness_bytes);
	fprintf(out, "  largest free            %zu\n", s.largest_free);
	fprintf(out, "  external fragmentation  %.1f %%\n", 100.0 * s.external_fragmentation);
	fprintf(out, "  utilization             %.1f %%\n", 100.0 * s.utilization);
	fprintf(out, "  peak utilization        %.1f %%\n", 100.0 * s.peak_utilization);
	fprintf(out, "  failed allocations      %zu\n", s.failed_allocs);
}

static FILE *open_trace(const char *path, FILE *out, FILE *err)
{
	if (!path)
		return NULL;
	if (strcmp(path, "-") == 0)
		return out;
	FILE *trace = fopen(path, "w");
	if (!trace) {
		struct strbuf line;
		strbuf_init(&line);
		strbuf_printf(&line, "heapviz: %s: cannot write: %s", path, strerror(errno));
		print_escaped_line(err, strbuf_text(&line));
		strbuf_release(&line);
	}
	return trace;
}

static void write_trace_line(FILE *trace, const struct session *session, const char *source,
			     const struct session_report *report)
{
	struct strbuf line;
	strbuf_init(&line);
	json_trace_line(&line, session, source, report);
	/* One record per line: JSON Lines forbids the newlines the pretty state contains. */
	for (size_t i = 0; i < line.len; i++)
		if (line.text[i] == '\n')
			line.text[i] = ' ';
	fprintf(trace, "%s\n", strbuf_text(&line));
	strbuf_release(&line);
}

static void report_rejection(FILE *err, const char *file, const struct script_line *line,
			     const struct session_report *report)
{
	struct strbuf text;
	strbuf_init(&text);
	size_t column = report->error.column ? report->error.column : 1;
	strbuf_printf(&text, "%s:%zu:%zu: %s", display_name(file), line->line, column, report->error.message);
	print_escaped_line(err, strbuf_text(&text));
	strbuf_release(&text);
}

/* export FILE (or --snapshot): write the current step as SVG or text; false after saying why on err. */
static bool export_snapshot(const struct session *session, const char *path, struct session_report *report, FILE *err)
{
	char reason[200];
	struct strbuf line;
	strbuf_init(&line);
	bool ok = snapshot_write(session, path, reason, sizeof reason);
	if (ok) {
		if (report)
			snprintf(report->message, sizeof report->message, "wrote %.280s", path);
	} else {
		strbuf_puts(&line, "heapviz: ");
		strbuf_put_escaped(&line, path, strlen(path));
		strbuf_printf(&line, ": %s", reason);
		fprintf(err, "%s\n", strbuf_text(&line));
	}
	strbuf_release(&line);
	return ok;
}

int batch_run(const struct batch_options *options, FILE *out, FILE *err)
{
	struct script script;
	memset(&script, 0, sizeof script);
	int status = batch_load_script(options->file, &script, err);
	if (status != EXIT_OK)
		return status;
	enum heap_status heap_status;
	struct session *session = session_create(&options->config, &heap_status);
	if (!session) {
		fprintf(err, "heapviz: %s\n", heap_status_message(heap_status));
		script_release(&script);
		return EXIT_USAGE;
	}
	FILE *trace = open_trace(options->trace_json, out, err);
	if (options->trace_json && !trace) {
		session_destroy(session);
		script_release(&script);
		return EXIT_FILE;
	}
	if (trace)
		write_trace_line(trace, session, NULL, NULL);

	bool rejected = false, quit = false;
	for (size_t i = 0; i < script.count && !quit; i++) {
		const struct script_line *line = &script.lines[i];
		struct session_report report;
		session_run(session, &line->command, line->source, &report);
		if (trace)
			write_trace_line(trace, session, line->source, &report);
		if (!report.ok) {
			rejected = true;
			report_rejection(err, options->file, line, &report);
			session_report_release(&report);
			if (!options->keep_going)
				break;
			continue;
		}
		quit = report.quit;
		if (report.export_path && !export_snapshot(session, report.export_path, &report, err)) {
			status = EXIT_FILE;
			session_report_release(&report);
			break;
		}
		if (!options->json && trace != out)
			print_step_line(out, session, line->source, &report);
		session_report_release(&report);
	}

	if (status == EXIT_OK && options->snapshot && (!rejected || options->keep_going) &&
	    !export_snapshot(session, options->snapshot, NULL, err))
		status = EXIT_FILE;
	if (status == EXIT_OK && (!rejected || options->keep_going)) {
		if (options->json) {
			struct strbuf state;
			strbuf_init(&state);
			json_state(&state, session);
			fprintf(out, "%s\n", strbuf_text(&state));
			strbuf_release(&state);
		} else if (trace != out) {
			print_final_report(out, session);
		}
	}
	if (trace && trace != out && fclose(trace) != 0) {
		fprintf(err, "heapviz: %s: write failed\n", options->trace_json);
		status = EXIT_FILE;
	}
	if (fflush(out) != 0)
		status = EXIT_FILE;
	session_destroy(session);
	script_release(&script);
	if (status == EXIT_OK && rejected)
		status = EXIT_USAGE;
	return status;
}
