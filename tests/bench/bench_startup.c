/* bench_startup.c - start-up and loading: what a user waits for before the first frame, and the memory it takes. */
#define _DEFAULT_SOURCE /* wait4: the child's rusage with its status */
#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "script.h"
#include "session.h"

/*
 * - startup_ms, peak_rss_kib: `heapviz --batch` on a ten-line script, the
 *   real binary started with fork and exec, output to /dev/null; wall time
 *   from fork to the wait, median of RUNS, and the child's peak resident
 *   set (wait4's ru_maxrss). Baseline in the same run: /bin/true the same
 *   way (what starting any process costs here).
 * - load_ms_largest_trace, load_rss_mib_largest_trace: a child process reads
 *   the largest shipped trace (needle.rep) and runs it into a 16 MiB
 *   session quietly, as the screen loads a timeline; wall time and peak
 *   resident set of that child, less the same child that loads nothing.
 */

#define RUNS 21

static const char ten_lines[] =
	"alloc 24 as a\nalloc 100 as b\nalloc 8 as c\nfree b\nalloc 40 as d\n"
	"realloc a 64\nfree c\ncalloc 4 10 as e\nfree a\ncheck\n";

struct child_cost {
	double ms;
	double rss_kib;
};

/* Run argv (or, when argv is NULL, call work) in a child; its wall time and peak RSS. */
static struct child_cost run_child(char *const argv[], void (*work)(const char *), const char *arg)
{
	double start = bench_now_ns();
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork failed");
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (argv) {
			execv(argv[0], argv);
			_exit(127);
		}
		work(arg);
		_exit(0);
	}
	int status;
	struct rusage usage;
	if (wait4(pid, &status, 0, &usage) != pid)
		bench_die("wait4 failed");
	double ms = (bench_now_ns() - start) / 1e6;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_die("%s exited with status %d", argv ? argv[0] : "the loading child", status);
	return (struct child_cost){ ms, (double)usage.ru_maxrss };
}

static struct child_cost median_child(char *const argv[], void (*work)(const char *), const char *arg, size_t runs)
{
	double ms[RUNS], rss[RUNS];
	for (size_t i = 0; i < runs; i++) {
		struct child_cost cost = run_child(argv, work, arg);
		ms[i] = cost.ms;
		rss[i] = cost.rss_kib;
	}
	return (struct child_cost){ bench_median(ms, runs), bench_median(rss, runs) };
}

/* In the child: load path (NULL: nothing) into a 16 MiB session as the screen loads a timeline. */
static void load_trace(const char *path)
{
	if (!path)
		return;
	struct script script;
	struct script_error error;
	if (!script_load(path, &script, &error))
		_exit(3);
	struct heap_config config = { LARGE_HEAP, POLICY_FIRST_FIT, HEAP_DEFAULT_ALIGNMENT, HEAP_ORDER_ADDRESS };
	struct session *session = session_create(&config, NULL);
	if (!session)
		_exit(4);
	session_set_quiet(session, true);
	for (size_t i = 0; i < script.count; i++) {
		struct session_report report;
		session_run(session, &script.lines[i].command, script.lines[i].source, &report);
		session_report_release(&report);
	}
	if (session_last_step(session) != script.count)
		_exit(5);
	session_destroy(session);
	script_release(&script);
}

void bench_startup(const char *dir, const char *heapviz)
{
	char script[] = "/tmp/heapviz-bench-XXXXXX";
	int fd = mkstemp(script);
	if (fd < 0 || write(fd, ten_lines, strlen(ten_lines)) != (ssize_t)strlen(ten_lines) || close(fd) != 0)
		bench_die("cannot write the ten-line script");
	size_t runs = bench_quick ? 3 : RUNS;
	char *batch[] = { (char *)heapviz, "--batch", script, NULL };
	char *true_argv[] = { "/bin/true", NULL };
	struct child_cost start = median_child(batch, NULL, NULL, runs);
	struct child_cost baseline = median_child(true_argv, NULL, NULL, runs);
	unlink(script);

	char trace[4096];
	snprintf(trace, sizeof trace, "%s/%s.rep", dir, bench_quick ? "amptjp-bal" : "needle");
	size_t load_runs = bench_quick ? 1 : 3;
	struct child_cost load = median_child(NULL, load_trace, trace, load_runs);
	struct child_cost empty = median_child(NULL, load_trace, NULL, load_runs);

	printf("\nstart-up and loading (median of %zu):\n", runs);
	printf("  %-44s %8.2f ms  peak RSS %6.0f KiB  (/bin/true: %.2f ms, %.0f KiB)\n", "heapviz --batch, a ten-line script",
	       start.ms, start.rss_kib, baseline.ms, baseline.rss_kib);
	printf("  %-44s %8.1f ms  peak RSS %6.1f MiB more than a child that loads nothing\n",
	       bench_quick ? "amptjp-bal.rep into a 16 MiB session" : "needle.rep into a 16 MiB session", load.ms,
	       (load.rss_kib - empty.rss_kib) / 1024.0);
	bench_summary("startup_ms", start.ms);
	bench_summary("peak_rss_kib", start.rss_kib);
	bench_summary("load_ms_largest_trace", load.ms);
	bench_summary("load_rss_mib_largest_trace", (load.rss_kib - empty.rss_kib) / 1024.0);
}
