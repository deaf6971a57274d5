/* batch.c - headless mode: one line per command, a final report, JSON, and JSON Lines traces. */
#include "batch.h"
#include "batch_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "json.h"
#include "outfile.h"
#include "session.h"
#include "snapshot.h"
#include "strbuf.h"
#include "words.h"

static const char *display_name(const char *file)
{
	return file && strcmp(file, "-") != 0 ? file : "<stdin>";
}

/* Standard input read whole, so a script from a pipe is parsed like a file; false with the reason. */
static bool read_stream(FILE *in, struct strbuf *buffer, char *reason, size_t reason_size)
{
	char chunk[65536];
	size_t got;
	errno = 0;
	while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) {
		if (buffer->len + got > SCRIPT_MAX_FILE) {
			snprintf(reason, reason_size, "it is larger than %zu MiB", SCRIPT_MAX_FILE >> 20);
			return false;
		}
		strbuf_append(buffer, chunk, got);
	}
	if (ferror(in)) {
		snprintf(reason, reason_size, "%s", strerror(errno ? errno : EIO));
		return false;
	}
	if (buffer->failed) {
		snprintf(reason, reason_size, "out of memory");
		return false;
	}
	return true;
}

/* The error text with control characters escaped: messages may quote a file name. */
static void print_escaped_line(FILE *err, const char *text);

/*
 * The errno of the first failed write to each output, caught right after the
 * write (stdio keeps only an error flag): so the message can say why.
 */
struct write_errors {
	int trace;
	int out;
};

static void watch_writes(struct write_errors *errors, FILE *trace, FILE *out)
{
	if (trace && !errors->trace && ferror(trace))
		errors->trace = errno ? errno : EIO;
	if (!errors->out && ferror(out))
		errors->out = errno ? errno : EIO;
}

/*
 * A path quoted in a message: escaped, and cut after PATH_SHOWN bytes like
 * other quoted user text (a 1 MB path is not echoed whole).
 */
#define PATH_SHOWN 60
static void put_path(struct strbuf *line, const char *path)
{
	size_t len = strlen(path), shown = len;
	if (len > PATH_SHOWN) {
		shown = PATH_SHOWN;
		while (shown > 0 && ((unsigned char)path[shown] & 0xc0) == 0x80)
			shown--;   /* never half a UTF-8 character */
	}
	strbuf_put_escaped(line, path, shown);
	if (shown < len)
		strbuf_puts(line, "...");
}

/* "heapviz: PATH: write failed: REASON", the path shown safely ("-" is standard output). */
static void report_write_failure(FILE *err, const char *path, int saved)
{
	struct strbuf line;
	strbuf_init(&line);
	strbuf_printf(&line, "heapviz: %s: write failed: %s", strcmp(path, "-") == 0 ? "standard output" : path,
		      strerror(saved ? saved : EIO));
	print_escaped_line(err, strbuf_text(&line));
	strbuf_release(&line);
}

static void print_escaped_line(FILE *err, const char *text)
{
	struct strbuf escaped;
	strbuf_init(&escaped);
	/* Printable, not escaped: parser messages already show user bytes as \xNN, so backslashes stay single. */
	strbuf_put_printable(&escaped, text, strlen(text));
	fprintf(err, "%s\n", strbuf_text(&escaped));
	strbuf_release(&escaped);
}

/* A line kept by SCRIPT_KEEP_GOING that did not parse: rejected like any other command. */
static void set_line_error(const struct script_line *line, struct command_error *error)
{
	error->column = line->error_column;
	snprintf(error->message, sizeof error->message, "%s", line->error);
}

int batch_load_script(const char *file, unsigned flags, struct script *script, FILE *err)
{
	struct script_error error;
	const char *name = display_name(file);
	bool ok;
	if (!file || strcmp(file, "-") == 0) {
		struct strbuf buffer;
		strbuf_init(&buffer);
		char reason[120];
		if (!read_stream(stdin, &buffer, reason, sizeof reason)) {
			fprintf(err, "heapviz: <stdin>: reading standard input failed: %s\n", reason);
			strbuf_release(&buffer);
			return EXIT_FILE;
		}
		ok = script_parse_with(name, strbuf_text(&buffer), buffer.len, flags, script, &error);
		strbuf_release(&buffer);
	} else {
		ok = script_load_with(file, flags, script, &error);
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

/*
 * One record in the chosen form: the full state (memory NULL) or, for
 * --trace-form changes, what changed since the line before. false when out of
 * host memory.
 */
static bool trace_record(struct strbuf *line, const struct session *session, const char *source,
			 const struct session_report *report, struct json_trace_memory *memory)
{
	if (memory)
		return json_trace_changes_line(line, session, source, report, memory);
	json_trace_line(line, session, source, report);
	return !line->failed;
}

/* The trace's buffers (one per heap) for the changes form; all NULL for the full form. */
struct trace_memories {
	struct json_trace_memory *heaps[COMPARE_MAX];
};

static bool trace_memories_create(struct trace_memories *memories, const struct batch_options *options, size_t heaps)
{
	memset(memories, 0, sizeof *memories);
	if (!options->trace_json || !options->trace_changes)
		return true;
	for (size_t i = 0; i < heaps; i++)
		if (!(memories->heaps[i] = json_trace_memory_create()))
			return false;
	return true;
}

static void trace_memories_destroy(struct trace_memories *memories)
{
	for (size_t i = 0; i < COMPARE_MAX; i++)
		json_trace_memory_destroy(memories->heaps[i]);
}

/*
 * One JSON Lines record per command: a lane's line, or for several lanes
 * {"compare": [line, line, ...]}, each lane's line as --trace-json writes it
 * for that lane alone.
 */
static void write_trace_line(FILE *trace, const struct session *session, const char *source,
			     const struct session_report *report, struct trace_memories *memories,
			     struct write_errors *errors)
{
	size_t lanes = session_lane_count(session);
	struct strbuf line;
	bool ok = true;
	strbuf_init(&line);
	if (lanes > 1)
		strbuf_puts(&line, "{\"compare\": [");
	for (size_t i = 0; i < lanes; i++) {
		if (i)
			strbuf_puts(&line, ", ");
		/* With several lanes each line says what the command did there; one lane's is the session's own report. */
		struct session_report one;
		const struct session_report *lane_report = report;
		if (report && lanes > 1) {
			words_lane_report(session_lane(session, i), report, &one);
			lane_report = &one;
		}
		ok = trace_record(&line, session_lane(session, i), source, lane_report, memories->heaps[i]) && ok;
	}
	if (lanes > 1)
		strbuf_puts(&line, "]}");
	if (!ok && !errors->trace)
		errors->trace = ENOMEM;
	/* One record per line: JSON Lines forbids the newlines the pretty state contains. */
	for (size_t i = 0; i < line.len; i++)
		if (line.text[i] == '\n')
			line.text[i] = ' ';
	fprintf(trace, "%s\n", strbuf_text(&line));
	strbuf_release(&line);
}

/* Errors go to err after out's lines so far: in a `>log 2>&1` log they follow the lines before them. */
static void report_rejection(FILE *out, FILE *err, const char *file, const struct script_line *line,
			     const struct session_report *report)
{
	fflush(out);
	struct strbuf text;
	strbuf_init(&text);
	size_t column = report->error.column ? report->error.column : 1;
	strbuf_printf(&text, "%s:%zu:%zu: %s", display_name(file), line->line, column, report->error.message);
	print_escaped_line(err, strbuf_text(&text));
	strbuf_release(&text);
}

/* The rules for the batch's writes: the script and the other outputs are never written over. */
static struct outfile_rules batch_write_rules(const struct batch_options *options, bool from_script)
{
	struct outfile_rules rules = {
		.confined = from_script && !options->allow_write,
		.keep = { { options->file, "the script being run" }, { options->trace_json, "the --trace-json output" } },
		.keep_stdin = !options->file || strcmp(options->file, "-") == 0,
	};
	if (from_script)
		rules.keep[2] = (struct outfile_keep){ options->snapshot, "the --snapshot output" };
	return rules;
}

/*
 * export FILE (from_script) or --snapshot: write the current step as SVG or
 * text. Not OUTFILE_OK: problem holds the one-line reason — "export refused:
 * ..." when the rules forbid the write, "PATH: cannot write: ..." (the path
 * cut and escaped) when the system failed it.
 */
static enum outfile_status export_snapshot(const struct session *session, const struct batch_options *options,
					   const char *path, bool from_script, struct session_report *report,
					   struct strbuf *problem)
{
	char reason[COMMAND_MESSAGE_MAX - 20];
	struct outfile_rules rules = batch_write_rules(options, from_script);
	enum outfile_status status = snapshot_write(session, path, &rules, reason, sizeof reason);
	if (status == OUTFILE_OK) {
		if (report)
			snprintf(report->message, sizeof report->message, "wrote %.280s", path);
	} else if (status == OUTFILE_REFUSED && from_script) {
		strbuf_printf(problem, "export refused: %s", reason);
	} else {
		put_path(problem, path);
		strbuf_printf(problem, ": %s", reason);
	}
	return status;
}

/* A script's export that failed: rejected like a command, at the path's column, the path cut and escaped. */
static void reject_export(const struct script_line *line, struct session_report *report, const struct strbuf *problem)
{
	report->ok = false;
	report->error.column = line->command.text_column;
	snprintf(report->error.message, sizeof report->error.message, "%s", strbuf_text(problem));
}

/* The first rejected command, for --json: {"line", "column", "message"}. */
struct first_error {
	size_t line, column;
	char message[COMMAND_MESSAGE_MAX];
	size_t count;
};

static void note_error(struct first_error *first, const struct script_line *line, const struct command_error *error)
{
	if (first->count++ == 0) {
		first->line = line->line;
		first->column = error->column ? error->column : 1;
		snprintf(first->message, sizeof first->message, "%s", error->message);
	}
}

/* Print the JSON state (an object in state) with "error" and "rejected" added when a command was rejected. */
static void print_json_state(FILE *out, struct strbuf *state, const struct first_error *first)
{
	if (first->count > 0 && state->len > 0 && state->text[state->len - 1] == '}') {
		state->text[--state->len] = '\0';
		strbuf_printf(state, ",\n \"error\": {\"line\": %zu, \"column\": %zu, \"message\": ", first->line,
			      first->column);
		json_string(state, first->message, strlen(first->message));
		strbuf_printf(state, "}, \"rejected\": %zu}", first->count);
	}
	fprintf(out, "%s\n", strbuf_text(state));
}

/* Close the trace and flush out; a failed write says which file and why, and makes the status 1. */
static int finish_outputs(const struct batch_options *options, FILE *trace, FILE *out, FILE *err, int status,
			  struct write_errors *errors)
{
	if (trace && trace != out) {
		errno = 0;
		if (fclose(trace) != 0 && !errors->trace)
			errors->trace = errno ? errno : EIO;
		if (errors->trace) {
			report_write_failure(err, options->trace_json, errors->trace);
			status = EXIT_FILE;
		}
	}
	errno = 0;
	if (fflush(out) != 0)
		watch_writes(errors, NULL, out);
	if (errors->out || (trace == out && errors->trace)) {
		report_write_failure(err, "-", errors->out ? errors->out : errors->trace);
		status = EXIT_FILE;
	}
	return status;
}

/* The session the options ask for: one heap, or one lane per policy of --compare; NULL (and the reason on err) when it cannot be made. */
static struct session *open_session(const struct batch_options *options, FILE *err)
{
	enum heap_status heap_status;
	struct session *session = options->compare ? compare_create(&options->config, options->compare, &heap_status)
						   : session_create(&options->config, &heap_status);
	if (session)
		return session;
	enum heap_policy culprit = POLICY_FIRST_FIT;
	const char *problem =
		options->compare ? compare_config_problem(&options->config, options->compare, &culprit) : NULL;
	if (problem)
		fprintf(err, "heapviz: %s: %s\n", heap_policy_title(culprit), problem);
	else
		fprintf(err, "heapviz: %s\n", heap_status_message(heap_status));
	return NULL;
}

/* The final state as JSON: one lane's state, or {"compare": [STATE, ...]}, each as --json prints it for that lane alone. */
static void print_final_json(FILE *out, const struct session *session, const struct first_error *first)
{
	size_t lanes = session_lane_count(session);
	struct strbuf state;
	strbuf_init(&state);
	if (lanes > 1)
		strbuf_puts(&state, "{\"compare\": [\n");
	for (size_t i = 0; i < lanes; i++) {
		if (i)
			strbuf_puts(&state, ",\n");
		json_state(&state, session_lane(session, i));
	}
	if (lanes > 1)
		strbuf_puts(&state, "]}");
	print_json_state(out, &state, first);
	strbuf_release(&state);
}

int batch_run(const struct batch_options *options, FILE *out, FILE *err)
{
	struct script script;
	memset(&script, 0, sizeof script);
	int status = batch_load_script(options->file, options->keep_going ? SCRIPT_KEEP_GOING : 0, &script, err);
	if (status != EXIT_OK)
		return status;
	struct session *session = open_session(options, err);
	if (!session) {
		script_release(&script);
		return EXIT_USAGE;
	}
	FILE *trace = open_trace(options->trace_json, out, err);
	if (options->trace_json && !trace) {
		session_destroy(session);
		script_release(&script);
		return EXIT_FILE;
	}
	struct write_errors written = { 0, 0 };
	struct trace_memories memories;
	if (!trace_memories_create(&memories, options, session_lane_count(session)))
		written.trace = ENOMEM;
	if (trace)
		write_trace_line(trace, session, NULL, NULL, &memories, &written);

	bool rejected = false, quit = false, export_failed = false;
	struct first_error first;
	memset(&first, 0, sizeof first);
	for (size_t i = 0; i < script.count && !quit; i++) {
		const struct script_line *line = &script.lines[i];
		struct session_report report;
		if (line->error) {
			memset(&report, 0, sizeof report);
			report.lane_count = session_lane_count(session);
			set_line_error(line, &report.error);
		} else {
			session_run(session, &line->command, line->source, &report);
		}
		/*
		 * Before the trace line, so a refused or failed export is traced as the rejected command it is.
		 * No cursor here: while comparing, export writes the first policy's heap (README, "Comparing policies").
		 */
		if (report.ok && report.export_path) {
			struct strbuf problem;
			strbuf_init(&problem);
			enum outfile_status written_status =
				export_snapshot(session_lane(session, 0), options, report.export_path, true, &report, &problem);
			if (written_status != OUTFILE_OK) {
				reject_export(line, &report, &problem);
				export_failed |= written_status == OUTFILE_FAILED;
			}
			strbuf_release(&problem);
		}
		if (trace)
			write_trace_line(trace, session, line->source, &report, &memories, &written);
		watch_writes(&written, trace, out);
		if (!report.ok) {
			rejected = true;
			note_error(&first, line, &report.error);
			report_rejection(out, err, options->file, line, &report);
			session_report_release(&report);
			if (!options->keep_going)
				break;
			continue;
		}
		quit = report.quit;
		if (!options->json && trace != out)
			batch_print_step_line(out, session, line->source, &report);
		watch_writes(&written, trace, out);
		session_report_release(&report);
	}

	/* A failed export stops the run like an unwritable file (1); with --keep-going it is one more rejected line (2). */
	if (export_failed && !options->keep_going)
		status = EXIT_FILE;
	if (status == EXIT_OK && options->snapshot && (!rejected || options->keep_going)) {
		struct strbuf problem;
		strbuf_init(&problem);
		if (export_snapshot(session, options, options->snapshot, false, NULL, &problem) != OUTFILE_OK) {
			fflush(out);
			struct strbuf line;
			strbuf_init(&line);
			strbuf_printf(&line, "heapviz: %s", strbuf_text(&problem));
			fprintf(err, "%s\n", strbuf_text(&line));
			strbuf_release(&line);
			status = EXIT_FILE;
		}
		strbuf_release(&problem);
	}
	/* Also after a rejection: the state it stopped at, with the error. */
	if (options->json && (status == EXIT_OK || rejected))
		print_final_json(out, session, &first);
	else if (status == EXIT_OK && (!rejected || options->keep_going) && trace != out)
		batch_print_final_report(out, session);
	status = finish_outputs(options, trace, out, err, status, &written);
	trace_memories_destroy(&memories);
	session_destroy(session);
	script_release(&script);
	if (status == EXIT_OK && rejected)
		status = EXIT_USAGE;
	return status;
}
