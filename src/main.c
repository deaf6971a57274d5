/* main.c - command-line options: headless batch mode or the interactive screen. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator.h"
#include "batch.h"
#include "capture.h"
#include "compare.h"
#include "outfile.h"
#include "render.h"
#include "snapshot.h"
#include "command.h"
#include "session.h"
#include "strbuf.h"
#include "theme.h"
#include "ui.h"

#define HEAPVIZ_VERSION "0.1.0"

/* A format: the two %s are the policies' names from the allocator registry ("first|next|..." and "first,next,..."). */
static const char usage_format[] =
	"usage: heapviz [OPTIONS] [FILE]\n"
	"A terminal memory-allocator visualizer: watch a simulated heap as you allocate.\n"
	"\n"
	"  -p, --policy NAME      %s (default first)\n"
	"  -s, --heap-size SIZE   default 1024 (64 B to 1G; a power of two for buddy)\n"
	"      --align N          4|8|16 (default 8)\n"
	"      --order ORDER      address|lifo|fifo: the free-list order of first, next, best and\n"
	"                         worst fit (default address; lifo and fifo keep an explicit list)\n"
	"      --batch            run FILE (or standard input) without a screen: print one line\n"
	"                         per step (step number, command, outcome) and a final report\n"
	"      --json             with --batch: print the final state as one JSON object instead\n"
	"                         (after a rejected command: that state, with \"error\")\n"
	"      --trace-json FILE  with --batch: write the state after step 0 (the empty heap) and\n"
	"                         after every step as JSON Lines (\"-\" = standard output)\n"
	"      --trace-form FORM  with --trace-json: full (default: every line holds every block)\n"
	"                         or changes (each line holds only the blocks that changed)\n"
	"      --keep-going       with --batch: report rejected commands and continue\n"
	"      --snapshot FILE    with --batch: write the final step's grid, legend and statistics\n"
	"                         as FILE.svg (for slides and handouts) or FILE.txt\n"
	"      --theme NAME       default|light|high-contrast|colorblind\n"
	"      --no-color         no colours (also when NO_COLOR is set)\n"
	"      --ascii            ASCII glyphs (also when the locale is not UTF-8)\n"
	"      --no-mouse         do not capture the mouse\n"
	"      --record FILE.cast record the screen as an asciicast v2 file while you work\n"
	"      --render OUT.cast  play FILE's timeline through the screen without a terminal and\n"
	"                         write the screencast (byte-identical on every run; the header's\n"
	"                         timestamp is SOURCE_DATE_EPOCH, or 0; \"-\" = standard output)\n"
	"      --size WxH         with --render: the screen size (default 80x24, each 1 to 1000)\n"
	"      --step-ms N        with --render: how long each step stays on screen (default 800)\n"
	"      --compare LIST     run the same commands on one heap per policy, shown side by side:\n"
	"                         two to five of %s (like first,best);\n"
	"                         in the screen, with --batch (a table per policy) and --render\n"
	"      --allow-write      let FILE's export commands write anywhere and replace files\n"
	"                         (a script may otherwise write only new files below the\n"
	"                         current directory): only for a script you trust\n"
	"      --force            let --record and --render write a name not ending in .cast\n"
	"      --capture OUT.rep -- COMMAND [ARGS...]\n"
	"                         run COMMAND and write its malloc/free calls as a .rep trace\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"FILE is a heapviz script (.hv, the command language) or a malloc-lab trace (.rep),\n"
	"recognised by its content. Without --batch it is loaded into the screen.\n"
	"Exit status: 0 success; 1 a file could not be read or written;\n"
	"2 bad usage or a rejected command (batch stops at the first one unless --keep-going).\n";

enum long_only {
	OPT_ALIGN = 256, OPT_BATCH, OPT_JSON, OPT_TRACE_JSON, OPT_KEEP_GOING,
	OPT_THEME, OPT_NO_COLOR, OPT_ASCII, OPT_NO_MOUSE, OPT_RECORD, OPT_RENDER, OPT_SIZE, OPT_STEP_MS, OPT_SNAPSHOT,
	OPT_COMPARE, OPT_TRACE_FORM, OPT_ALLOW_WRITE, OPT_FORCE, OPT_CAPTURE, OPT_ORDER
};

static const struct option long_options[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "heap-size", required_argument, NULL, 's' },
	{ "align", required_argument, NULL, OPT_ALIGN },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "trace-json", required_argument, NULL, OPT_TRACE_JSON },
	{ "trace-form", required_argument, NULL, OPT_TRACE_FORM },
	{ "keep-going", no_argument, NULL, OPT_KEEP_GOING },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "render", required_argument, NULL, OPT_RENDER },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "step-ms", required_argument, NULL, OPT_STEP_MS },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "allow-write", no_argument, NULL, OPT_ALLOW_WRITE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "capture", required_argument, NULL, OPT_CAPTURE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct options {
	struct batch_options batch;
	struct ui_options ui;
	struct render_options render;
	bool run_batch;
	const char *capture;      /* --capture OUT.rep: run capture_argv instead */
	char **capture_argv;
	bool size_given;
	bool step_ms_given;
	bool policy_given;
	bool trace_form_given;
	bool comparing;                    /* --compare: one heap per policy */
	bool force;                        /* --force: --record/--render may write a name without .cast */
	struct compare_policies compare;
};

/* "100x30" -> 100, 30; both within what a terminal can be. */
static bool parse_dimensions(const char *text, int *width, int *height)
{
	char *end;
	long w = strtol(text, &end, 10);
	if (end == text || (*end != 'x' && *end != 'X'))
		return false;
	const char *rest = end + 1;
	long h = strtol(rest, &end, 10);
	if (end == rest || *end != '\0' || w < 1 || h < 1 || w > 1000 || h > 1000)
		return false;
	*width = (int)w;
	*height = (int)h;
	return true;
}

static bool parse_milliseconds(const char *text, unsigned *ms)
{
	char *end;
	unsigned long value = strtoul(text, &end, 10);
	if (end == text || *end != '\0' || text[0] == '-' || value < 1 || value > 600000)
		return false;
	*ms = (unsigned)value;
	return true;
}

/* Print "heapviz: BEFORE'ARGUMENT'AFTER" (the argument escaped) and return the usage exit status. */
static int usage_error(const char *before, const char *argument, const char *after)
{
	struct strbuf line;
	strbuf_init(&line);
	strbuf_puts(&line, before);
	if (argument) {
		strbuf_putc(&line, '\'');
		strbuf_put_escaped(&line, argument, strlen(argument));
		strbuf_putc(&line, '\'');
	}
	strbuf_puts(&line, after);
	fprintf(stderr, "heapviz: %s\nTry 'heapviz --help'.\n", strbuf_text(&line));
	strbuf_release(&line);
	return EXIT_USAGE;
}

/*
 * getopt_long returned '?'. optopt says which option: 0 for an unknown long
 * option, a long option's value when it was given an argument it does not
 * take, otherwise an unknown short option letter. argv[optind - 1] is only
 * the culprit for long options: an unknown letter inside a group ("-xV")
 * leaves optind on the group, so it would name the argument before it.
 */
static int unknown_option(char **argv)
{
	if (optopt == 0)
		return usage_error("unknown option ", argv[optind - 1], "");
	if (optopt >= 256 || strchr("hV", optopt) != NULL)
		return usage_error("option ", argv[optind - 1], " takes no argument");
	char letter[3] = { '-', (char)optopt, '\0' };
	return usage_error("unknown option ", letter, "");
}

/* --help and --version: a write that fails (a full disk, a closed pipe) is an error, not a silent success. */
static int print_to_stdout(const char *text)
{
	if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "heapviz: standard output: write failed: %s\n", strerror(errno));
		return EXIT_FILE;
	}
	return EXIT_OK;
}

static int print_usage(void)
{
	char bars[128], commas[128];
	allocator_names(bars, sizeof bars, "|", "|");
	allocator_names(commas, sizeof commas, ",", ",");
	struct strbuf text;
	strbuf_init(&text);
	strbuf_printf(&text, usage_format, bars, commas);
	int status = text.failed ? (fputs("heapviz: out of memory\n", stderr), EXIT_FILE) : print_to_stdout(text.text);
	strbuf_release(&text);
	return status;
}

/* After setlocale: is the terminal's character set UTF-8? */
static bool locale_is_utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);
	return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* An output's name, unless it is a stream ("-") or not given. */
static const char *output_file(const char *name)
{
	return name && strcmp(name, "-") != 0 ? name : NULL;
}

/*
 * No output may be an input or another output: `--record l.hv` (the output
 * name forgotten) or `--trace-json s.hv s.hv` would destroy the lesson. A
 * recording must be named .cast unless --force. Returns -1 to go on, or an
 * exit status.
 */
static int check_outputs(const struct options *options)
{
	const struct { const char *option; const char *name; } outputs[] = {
		{ "--record ", output_file(options->ui.record) },
		{ "--render ", output_file(options->render.output) },
		{ "--trace-json ", output_file(options->batch.trace_json) },
		{ "--snapshot ", output_file(options->batch.snapshot) },
	};
	size_t count = sizeof outputs / sizeof outputs[0];
	const char *file = output_file(options->batch.file);
	for (size_t i = 0; i < count; i++) {
		const char *name = outputs[i].name;
		if (!name)
			continue;
		if (i < 2 && !options->force && !outfile_is_cast_name(name))
			return usage_error(outputs[i].option, name, " does not end in .cast: is it the output? (--force writes it anyway)");
		if (file && outfile_same_file(name, file))
			return usage_error(outputs[i].option, name, " is FILE itself: heapviz never writes over its input");
		if (!file && outfile_is_open_as(name, STDIN_FILENO))
			return usage_error(outputs[i].option, name, " is the script on standard input: heapviz never writes over its input");
		for (size_t j = 0; j < i; j++)
			if (outputs[j].name && outfile_same_file(name, outputs[j].name))
				return usage_error(outputs[i].option, name, " is also another output of this run");
	}
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, struct options *options)
{
	options->batch.config = (struct heap_config){ HEAP_DEFAULT_SIZE, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	options->ui.no_color = getenv("NO_COLOR") && getenv("NO_COLOR")[0];
	options->ui.ascii = !locale_is_utf8();
	opterr = 0;
	char candidates[80], could_be[160], names[128];
	int c;
	while ((c = getopt_long(argc, argv, ":p:s:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			switch (command_match_policy(optarg, strlen(optarg), &options->batch.config.policy, candidates,
						     sizeof candidates)) {
			case COMMAND_MATCH_NONE:
				allocator_names(names, sizeof names, ", ", " or ");
				snprintf(could_be, sizeof could_be, ": use %s", names);
				return usage_error("unknown policy ", optarg, could_be);
			case COMMAND_MATCH_AMBIGUOUS:
				snprintf(could_be, sizeof could_be, ": could be %s", candidates);
				return usage_error("ambiguous policy ", optarg, could_be);
			case COMMAND_MATCH_ONE:
				break;
			}
			options->policy_given = true;
			break;
		case 's':
			if (!command_parse_size(optarg, strlen(optarg), &options->batch.config.size))
				return usage_error("bad heap size ", optarg, ": expected a number like 1024, 0x400 or 4K");
			break;
		case OPT_ALIGN:
			if (strcmp(optarg, "4") && strcmp(optarg, "8") && strcmp(optarg, "16"))
				return usage_error("bad alignment ", optarg, ": use 4, 8 or 16");
			options->batch.config.alignment = (unsigned)atoi(optarg);
			break;
		case OPT_ORDER:
			if (!heap_order_find(optarg, &options->batch.config.order))
				return usage_error("bad free-list order ", optarg, ": use address, lifo or fifo");
			break;
		case OPT_BATCH: options->run_batch = true; break;
		case OPT_JSON: options->batch.json = true; break;
		case OPT_TRACE_JSON: options->batch.trace_json = optarg; break;
		case OPT_TRACE_FORM:
			if (strcmp(optarg, "full") && strcmp(optarg, "changes"))
				return usage_error("unknown trace form ", optarg, ": use full or changes");
			options->batch.trace_changes = strcmp(optarg, "changes") == 0;
			options->trace_form_given = true;
			break;
		case OPT_KEEP_GOING: options->batch.keep_going = true; break;
		case OPT_THEME:
			if (!theme_parse(optarg, &options->ui.theme))
				return usage_error("unknown theme ", optarg, ": use default, light, high-contrast or colorblind");
			break;
		case OPT_NO_COLOR: options->ui.no_color = true; break;
		case OPT_ASCII: options->ui.ascii = true; break;
		case OPT_NO_MOUSE: options->ui.no_mouse = true; break;
		case OPT_RECORD: options->ui.record = optarg; break;
		case OPT_SNAPSHOT:
			if (!export_format_of(optarg, &(enum export_format){ EXPORT_SVG }))
				return usage_error("--snapshot ", optarg, ": a snapshot is a .svg or a .txt file");
			options->batch.snapshot = optarg;
			break;
		case OPT_RENDER: options->render.output = optarg; break;
		case OPT_SIZE:
			if (!parse_dimensions(optarg, &options->render.width, &options->render.height))
				return usage_error("bad size ", optarg, ": expected WIDTHxHEIGHT like 100x30, each from 1 to 1000");
			options->size_given = true;
			break;
		case OPT_STEP_MS:
			if (!parse_milliseconds(optarg, &options->render.step_ms))
				return usage_error("bad --step-ms ", optarg, ": expected milliseconds from 1 to 600000");
			options->step_ms_given = true;
			break;
		case OPT_COMPARE: {
			char problem[200];
			if (!compare_parse_policies(optarg, &options->compare, problem, sizeof problem)) {
				/* The message quotes what was typed: escape it like any argument. */
				struct strbuf escaped;
				strbuf_init(&escaped);
				strbuf_put_escaped(&escaped, problem, strlen(problem));
				int status = usage_error(strbuf_text(&escaped), NULL, "");
				strbuf_release(&escaped);
				return status;
			}
			options->comparing = true;
			options->batch.compare = &options->compare;
			break;
		}
		case OPT_ALLOW_WRITE: options->batch.allow_write = true; break;
		case OPT_FORCE: options->force = true; break;
		case OPT_CAPTURE: options->capture = optarg; break;
		case 'h':
			return print_usage();
		case 'V':
			return print_to_stdout("heapviz " HEAPVIZ_VERSION "\n");
		case ':':
			return usage_error("option ", argv[optind - 1], " needs an argument");
		default:
			return unknown_option(argv);
		}
	}
	if (options->capture != NULL) {
		if (optind >= argc || strcmp(argv[optind - 1], "--") != 0)
			return usage_error("--capture OUT.rep needs -- COMMAND [ARGS...] after it", NULL, "");
		if (options->run_batch || options->ui.record || options->render.output)
			return usage_error(options->run_batch ? "--batch" : options->ui.record ? "--record" : "--render",
					   NULL, " does not go with --capture");
		options->capture_argv = argv + optind;
		return -1;
	}
	if (argc - optind > 1)
		return usage_error("one FILE at most (got ", argv[optind + 1], " too)");
	const char *file = optind < argc ? argv[optind] : NULL;
	options->batch.file = file;
	options->ui.file = file;
	if (!options->run_batch && (options->batch.json || options->batch.trace_json || options->batch.keep_going ||
				    options->batch.snapshot))
		return usage_error(options->batch.json ? "--json" : options->batch.trace_json ? "--trace-json"
				   : options->batch.keep_going ? "--keep-going" : "--snapshot",
				   NULL, " works only with --batch");
	if (options->trace_form_given && !options->batch.trace_json)
		return usage_error("--trace-form", NULL, " works only with --trace-json");
	if (options->run_batch && (options->ui.record || options->render.output))
		return usage_error(options->ui.record ? "--record" : "--render", NULL, " does not go with --batch");
	if (options->ui.record && strcmp(options->ui.record, "-") == 0)
		return usage_error("--record -", NULL, ": the screen is on standard output; name a .cast file");
	if (options->batch.json && options->batch.trace_json && strcmp(options->batch.trace_json, "-") == 0)
		return usage_error("--json and --trace-json -", NULL,
				   " would mix one object and JSON Lines on standard output: give --trace-json a FILE");
	if (options->ui.record && options->render.output)
		return usage_error("--record and --render", NULL, " do not go together (--render writes its own recording)");
	if (options->render.output && !file)
		return usage_error("--render needs a FILE to play", NULL, "");
	if (!options->render.output && (options->size_given || options->step_ms_given))
		return usage_error(options->size_given ? "--size" : "--step-ms", NULL, " works only with --render");
	int status = check_outputs(options);
	if (status >= 0)
		return status;
	if (options->comparing) {
		if (options->policy_given)
			return usage_error("--policy and --compare", NULL, " do not go together (--compare names the policies)");
		if (options->batch.snapshot)
			return usage_error("--snapshot", NULL, " shows one heap: it does not go with --compare");
		enum heap_policy culprit = POLICY_FIRST_FIT;
		const char *problem = compare_config_problem(&options->batch.config, &options->compare, &culprit);
		if (problem) {
			char text[200];
			snprintf(text, sizeof text, "--compare with %s: %s", heap_policy_title(culprit), problem);
			return usage_error(text, NULL, "");
		}
		return -1;
	}
	const char *problem = heap_config_problem(&options->batch.config);
	if (problem)
		return usage_error(problem, NULL, "");
	return -1;
}

/* What a timeline is loaded into: a session of one lane, or with --compare one lane per policy. */
struct timeline_target {
	struct session *session;
	struct outfile_rules write_rules;  /* what the file's exports are checked against */
};

/*
 * A loaded timeline's `export` writes nothing (the screen and --render show
 * the lesson; --batch writes its snapshots), but a lesson that asks for a
 * write its rules forbid is refused at load like any rejected command, as
 * --batch would refuse it.
 */
static bool timeline_export_allowed(const struct timeline_target *target, const struct script_line *line,
				    const char *path, struct command_error *error)
{
	char reason[160];
	if (outfile_check(path, &target->write_rules, reason, sizeof reason) != OUTFILE_REFUSED)
		return true;
	error->column = line->command.text_column;
	snprintf(error->message, sizeof error->message, "export refused: %s", reason);
	return false;
}

static bool timeline_run(struct timeline_target *target, const struct script_line *line, struct command_error *error)
{
	struct session_report report;
	session_run(target->session, &line->command, line->source, &report);
	bool ok = report.ok;
	*error = report.error;
	if (ok && report.export_path)
		ok = timeline_export_allowed(target, line, report.export_path, error);
	session_report_release(&report);
	return ok;
}

/* Load FILE into the session as a timeline: every command runs, then the screen starts at step 0. */
static int load_timeline(struct timeline_target *target, const char *file)
{
	struct script script;
	memset(&script, 0, sizeof script);
	int status = batch_load_script(file, 0, &script, stderr);
	if (status != EXIT_OK)
		return status;
	/* Nobody reads the steps' sentences while loading: only whether each was accepted. */
	session_set_quiet(target->session, true);
	for (size_t i = 0; i < script.count; i++) {
		struct command_error error;
		bool ok = timeline_run(target, &script.lines[i], &error);
		if (!ok) {
			struct strbuf line;
			strbuf_init(&line);
			strbuf_printf(&line, "%s:%zu:%zu: %s", file, script.lines[i].line,
				      error.column ? error.column : 1, error.message);
			struct strbuf escaped;
			strbuf_init(&escaped);
			strbuf_put_escaped(&escaped, strbuf_text(&line), line.len);
			fprintf(stderr, "%s\n", strbuf_text(&escaped));
			strbuf_release(&escaped);
			strbuf_release(&line);
		}
		if (!ok) {
			session_set_quiet(target->session, false);
			script_release(&script);
			return EXIT_USAGE;
		}
	}
	session_set_quiet(target->session, false);
	script_release(&script);
	struct command_error error;
	session_goto(target->session, 0, &error);
	return EXIT_OK;
}

/* The session (with --compare, one lane per policy) for the screen and --render. */
static bool target_create(const struct options *options, struct timeline_target *target)
{
	enum heap_status status;
	memset(target, 0, sizeof *target);
	if (options->comparing)
		target->session = compare_create(&options->batch.config, &options->compare, &status);
	else
		target->session = session_create(&options->batch.config, &status);
	if (!target->session) {
		fprintf(stderr, "heapviz: %s\n", heap_status_message(status));
		return false;
	}
	const char *file = options->batch.file;
	target->write_rules = (struct outfile_rules){
		.confined = !options->batch.allow_write,
		.keep = { { file, "the script loaded" }, { options->ui.record, "the --record output" },
			  { options->render.output, "the --render output" } },
		.keep_stdin = file && strcmp(file, "-") == 0,
	};
	return true;
}

static void target_destroy(struct timeline_target *target)
{
	session_destroy(target->session);
}

/* The cast header's timestamp: SOURCE_DATE_EPOCH when set, so builds of a screencast are reproducible. */
static long long render_timestamp(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (!epoch || !*epoch)
		return 0;
	char *end;
	long long value = strtoll(epoch, &end, 10);
	return *end == '\0' && value >= 0 ? value : 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int run_render(struct options *options)
{
	struct timeline_target target;
	if (!target_create(options, &target))
		return EXIT_USAGE;
	int exit_status = load_timeline(&target, options->batch.file);
	if (exit_status == EXIT_OK) {
		struct render_options *render = &options->render;
		if (!options->size_given) {
			render->width = 80;
			render->height = 24;
		}
		if (!options->step_ms_given)
			render->step_ms = 800;
		render->ascii = options->ui.ascii;
		render->no_color = options->ui.no_color;
		render->theme = options->ui.theme;
		render->title = base_name(options->batch.file);
		render->timestamp = render_timestamp();
		exit_status = render_run(target.session, render, stderr);
	}
	target_destroy(&target);
	return exit_status;
}

static int run_screen(struct options *options)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "heapviz: the screen needs a terminal; use --batch to run a script without one\n");
		return EXIT_USAGE;
	}
	struct timeline_target target;
	if (!target_create(options, &target))
		return EXIT_USAGE;
	int exit_status = EXIT_OK;
	if (options->batch.file)
		exit_status = load_timeline(&target, options->batch.file);
	if (exit_status == EXIT_OK)
		exit_status = ui_run(target.session, &options->ui);
	target_destroy(&target);
	return exit_status;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* Characters follow the user's locale; numbers in JSON, SVG and asciicast must keep a decimal point. */
	setlocale(LC_NUMERIC, "C");
	struct options options;
	memset(&options, 0, sizeof options);
	int status = parse_options(argc, argv, &options);
	if (status >= 0)
		return status;
	if (options.capture != NULL)
		return capture_run(options.capture, options.capture_argv);
	if (options.run_batch)
		return batch_run(&options.batch, stdout, stderr);
	if (options.render.output)
		return run_render(&options);
	return run_screen(&options);
}
