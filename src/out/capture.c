/* capture.c - heapviz --capture: run COMMAND under libheapviz-capture.so, then turn its raw log into a .rep trace. */
#include "capture.h"
#include "capture_record.h"
#include "outfile.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIB_NAME "libheapviz-capture.so"

/* --- pointer -> id, open addressing with tombstones ----------------------- */
struct live { uint64_t ptr; uint64_t id; uint64_t size; };  /* ptr 0: empty, 1: tombstone */
struct live_map { struct live *slots; size_t cap, used, dead; };

static size_t slot_of(uint64_t ptr, size_t cap)
{
	uint64_t h = ptr * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

static struct live *map_find(const struct live_map *map, uint64_t ptr)
{
	size_t i;

	if (map->cap == 0)
		return NULL;
	for (i = slot_of(ptr, map->cap);; i = (i + 1) & (map->cap - 1)) {
		if (map->slots[i].ptr == 0)
			return NULL;
		if (map->slots[i].ptr == ptr)
			return &map->slots[i];
	}
}

static int map_put(struct live_map *map, uint64_t ptr, uint64_t id, uint64_t size);

static int map_rebuild(struct live_map *map, size_t cap)
{
	struct live_map fresh = { calloc(cap, sizeof(struct live)), cap, 0, 0 };
	size_t i;

	if (fresh.slots == NULL)
		return -1;
	for (i = 0; i < map->cap; i++)
		if (map->slots[i].ptr > 1)
			map_put(&fresh, map->slots[i].ptr, map->slots[i].id, map->slots[i].size);
	free(map->slots);
	*map = fresh;
	return 0;
}

static int map_put(struct live_map *map, uint64_t ptr, uint64_t id, uint64_t size)
{
	size_t i;

	if ((map->used + map->dead + 1) * 2 > map->cap &&
	    map_rebuild(map, map->used * 4 > map->cap ? (map->cap ? map->cap * 2 : 1024) : (map->cap ? map->cap : 1024)) != 0)
		return -1;
	for (i = slot_of(ptr, map->cap); map->slots[i].ptr > 1; i = (i + 1) & (map->cap - 1))
		;
	if (map->slots[i].ptr == 1)
		map->dead--;
	map->slots[i] = (struct live){ ptr, id, size };
	map->used++;
	return 0;
}

static void map_remove(struct live_map *map, struct live *slot)
{
	slot->ptr = 1;
	map->used--;
	map->dead++;
}

static void map_clear(struct live_map *map)
{
	free(map->slots);
	*map = (struct live_map){ NULL, 0, 0, 0 };
}

/* --- conversion ------------------------------------------------------------ */
struct converter {
	struct live_map map;
	struct strbuf body;
	struct capture_counts *counts;
	uint64_t next_id, live_bytes;
};

/* One .rep line ("f ID" or "a ID SIZE"): by hand, as printf was most of the conversion's time. */
static void put_line(struct strbuf *body, char op, uint64_t id, const uint64_t *size)
{
	char line[48], digits[20];
	size_t n = 0, d;
	uint64_t numbers[2] = { id, size ? *size : 0 };
	int k;

	line[n++] = op;
	for (k = 0; k < (size ? 2 : 1); k++) {
		uint64_t v = numbers[k];
		line[n++] = ' ';
		d = 0;
		do
			digits[d++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		while (d > 0)
			line[n++] = digits[--d];
	}
	line[n++] = '\n';
	strbuf_append(body, line, n);
}

static int convert_alloc(struct converter *c, uint64_t ptr, uint64_t size)
{
	struct live *stale = map_find(&c->map, ptr);

	if (stale != NULL) {
		/* Returned again without a recorded free (a free from inside a hook): close the old id first. */
		put_line(&c->body, 'f', stale->id, NULL);
		c->live_bytes -= stale->size;
		c->counts->ops++;
		map_remove(&c->map, stale);
	}
	put_line(&c->body, 'a', c->next_id, &size);
	c->counts->ops++;
	c->live_bytes += size;
	if (c->live_bytes > c->counts->peak_bytes)
		c->counts->peak_bytes = c->live_bytes;
	return map_put(&c->map, ptr, c->next_id++, size);
}

static int convert_one(struct converter *c, const struct capture_rec *r)
{
	struct live *known;

	switch (r->op) {
	case CAPTURE_IMAGE:
		/* An exec: the old image's blocks are gone with it, never freed in the trace. */
		c->counts->images++;
		map_clear(&c->map);
		return 0;
	case CAPTURE_MALLOC:
	case CAPTURE_CALLOC:
	case CAPTURE_ALIGNED:
		if (r->ptr == 0) {
			c->counts->failed++;
			return 0;
		}
		return convert_alloc(c, r->ptr, r->size);
	case CAPTURE_FREE:
		if (r->old == 0) {
			c->counts->free_null++;
			return 0;
		}
		known = map_find(&c->map, r->old);
		if (known == NULL) {
			c->counts->unknown++;
			return 0;
		}
		put_line(&c->body, 'f', known->id, NULL);
		c->counts->ops++;
		c->live_bytes -= known->size;
		map_remove(&c->map, known);
		return 0;
	case CAPTURE_REALLOC:
		known = r->old != 0 ? map_find(&c->map, r->old) : NULL;
		if (r->old != 0 && known == NULL)
			c->counts->unknown++;
		if (known == NULL) {
			/* realloc(NULL, n), or of a block allocated before recording began: a new block. */
			if (r->ptr == 0) {
				c->counts->failed++;
				return 0;
			}
			return convert_alloc(c, r->ptr, r->size);
		}
		if (r->ptr == 0) {
			if (r->size != 0) {
				c->counts->failed++;   /* the old block stays */
				return 0;
			}
			put_line(&c->body, 'f', known->id, NULL);  /* realloc(p, 0) freed it */
			c->live_bytes -= known->size;
			map_remove(&c->map, known);
		} else {
			uint64_t id = known->id;
			put_line(&c->body, 'r', id, &r->size);
			c->live_bytes += r->size - known->size;
			map_remove(&c->map, known);
			if (c->live_bytes > c->counts->peak_bytes)
				c->counts->peak_bytes = c->live_bytes;
			if (map_put(&c->map, r->ptr, id, r->size) != 0)
				return -1;
		}
		c->counts->ops++;
		return 0;
	default:
		return 0;   /* a record kind from a newer library: skipped */
	}
}

int capture_convert(const unsigned char *log, size_t len, char **rep, size_t *rep_len, struct capture_counts *counts)
{
	struct capture_header header;
	struct converter c = { { NULL, 0, 0, 0 }, { NULL, 0, 0, false }, counts, 0, 0 };
	struct strbuf out;
	uint64_t i, n;
	int status = 0;

	memset(counts, 0, sizeof *counts);
	if (len < CAPTURE_HEADER)
		return -1;
	memcpy(&header, log, sizeof header);
	if (header.magic != CAPTURE_MAGIC)
		return -1;
	counts->stopped = header.stopped != 0;
	n = (len - CAPTURE_HEADER) / sizeof(struct capture_rec);
	if (header.count < n)
		n = header.count;
	strbuf_init(&c.body);
	for (i = 0; i < n && status == 0; i++) {
		struct capture_rec r;
		memcpy(&r, log + CAPTURE_HEADER + i * sizeof r, sizeof r);
		status = convert_one(&c, &r);
	}
	map_clear(&c.map);
	counts->ids = (size_t)c.next_id;
	strbuf_init(&out);
	/* The malloc-lab header: suggested heap size, ids, operations, weight. */
	strbuf_printf(&out, "%llu\n%llu\n%zu\n1\n", (unsigned long long)counts->peak_bytes,
		      (unsigned long long)(c.next_id ? c.next_id : 1), counts->ops);
	strbuf_append(&out, c.body.text ? c.body.text : "", c.body.len);
	if (status != 0 || c.body.failed || out.failed) {
		strbuf_release(&c.body);
		strbuf_release(&out);
		return -1;
	}
	strbuf_release(&c.body);
	*rep_len = out.len;
	*rep = strbuf_take(&out);
	return 0;
}

/* --- running the command --------------------------------------------------- */

/* The library: $HEAPVIZ_CAPTURE_LIB, else beside the program (build/), in the source tree's build/, or installed. */
static int find_library(char *path, size_t size)
{
	static const char *const beside[] = { "/" LIB_NAME, "/build/" LIB_NAME, "/../lib/heapviz/" LIB_NAME };
	const char *env = getenv("HEAPVIZ_CAPTURE_LIB");
	char self[PATH_MAX];
	ssize_t n;
	size_t i;

	if (env != NULL && *env != '\0') {
		snprintf(path, size, "%s", env);
		return access(path, R_OK) == 0 ? 0 : -1;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	if (strrchr(self, '/') != NULL)
		*strrchr(self, '/') = '\0';
	for (i = 0; i < sizeof beside / sizeof beside[0]; i++) {
		if ((size_t)snprintf(path, size, "%s%s", self, beside[i]) < size && access(path, R_OK) == 0)
			return 0;
	}
	return -1;
}

/* A new raw log beside out (same file system, never a file that existed): its absolute path in log_path. */
static int make_log(const char *out, char *log_path, size_t size)
{
	char cwd[PATH_MAX];
	const char *slash = strrchr(out, '/'), *base = slash ? slash + 1 : out;
	struct capture_header header = { CAPTURE_MAGIC, 0, 0 };
	int fd, n;

	if (out[0] == '/')
		n = snprintf(log_path, size, "%.*s/.%s.capture-XXXXXX", (int)(slash - out), out, base);
	else if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	else
		n = snprintf(log_path, size, "%s/%.*s.%s.capture-XXXXXX", cwd, slash ? (int)(slash - out + 1) : 0, out, base);
	if (n < 0 || (size_t)n >= size)
		return -1;
	fd = mkstemp(log_path);
	if (fd < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || ftruncate(fd, CAPTURE_HEADER) != 0 ||
	    pwrite(fd, &header, sizeof header, 0) != (ssize_t)sizeof header) {
		close(fd);
		unlink(log_path);
		return -1;
	}
	return fd;
}

static void run_child(const char *library, const char *log_path, char *const argv[], const char *command)
{
	char pid[32], preload[PATH_MAX * 2];
	const char *old = getenv("LD_PRELOAD");

	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	if (old != NULL && *old != '\0')
		snprintf(preload, sizeof preload, "%s:%s", library, old);
	else
		snprintf(preload, sizeof preload, "%s", library);
	setenv("LD_PRELOAD", preload, 1);
	setenv("HEAPVIZ_CAPTURE_LOG", log_path, 1);
	setenv("HEAPVIZ_CAPTURE_PID", pid, 1);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "heapviz: --capture: cannot run %s: %s\n", command, strerror(errno));
	_exit(127);
}

static int write_trace(const char *out, const char *out_shown, int fd, const char *command, int *exit_status)
{
	struct stat st;
	struct capture_counts counts;
	struct outfile_rules rules;
	unsigned char *log;
	char *rep = NULL, reason[512];
	size_t rep_len = 0;
	int status;

	if (fstat(fd, &st) != 0 || (size_t)st.st_size < CAPTURE_HEADER) {
		fprintf(stderr, "heapviz: --capture: the log of %s is unreadable: %s\n", command, strerror(errno));
		return -1;
	}
	log = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (log == MAP_FAILED) {
		fprintf(stderr, "heapviz: --capture: the log of %s is unreadable: %s\n", command, strerror(errno));
		return -1;
	}
	status = capture_convert(log, (size_t)st.st_size, &rep, &rep_len, &counts);
	munmap(log, (size_t)st.st_size);
	if (status != 0) {
		fprintf(stderr, "heapviz: --capture: out of memory converting the log of %s\n", command);
		return -1;
	}
	if (counts.images == 0) {
		if (*exit_status != 127)
			fprintf(stderr, "heapviz: --capture: %s was not traced (a static binary, or one that cannot be preloaded): %s not written\n",
				command, out_shown);
		free(rep);
		return -1;
	}
	memset(&rules, 0, sizeof rules);
	if (outfile_write(out, &rules, rep, rep_len, reason, sizeof reason) != OUTFILE_OK) {
		fprintf(stderr, "heapviz: --capture %s: %s\n", out_shown, reason);
		free(rep);
		return -1;
	}
	free(rep);
	if (counts.stopped)
		fprintf(stderr, "heapviz: --capture: %s took the trace's descriptor or filled the disk: %s stops there\n", command, out_shown);
	fprintf(stderr, "heapviz: %s: %zu operations on %zu ids from %s (%zu image%s; not written: %zu free(NULL), %zu failed, %zu of unknown pointers)\n",
		out_shown, counts.ops, counts.ids, command, counts.images, counts.images == 1 ? "" : "s",
		counts.free_null, counts.failed, counts.unknown);
	return 0;
}

/* User text (a file name, a command) escaped for standard error: never raw control characters. */
static char *shown_of(const char *text)
{
	struct strbuf buf;

	strbuf_init(&buf);
	strbuf_put_escaped(&buf, text, strlen(text));
	return buf.failed ? NULL : strbuf_take(&buf);
}

static int capture_run_shown(const char *out, char *const argv[], const char *out_shown, const char *command);

int capture_run(const char *out, char *const argv[])
{
	char *out_shown = shown_of(out), *command = shown_of(argv[0]);
	int status = 2;

	if (out_shown != NULL && command != NULL)
		status = capture_run_shown(out, argv, out_shown, command);
	else
		fprintf(stderr, "heapviz: --capture: out of memory\n");
	free(out_shown);
	free(command);
	return status;
}

static int capture_run_shown(const char *out, char *const argv[], const char *out_shown, const char *command)
{
	char library[PATH_MAX], log_path[PATH_MAX + 64], reason[512];
	struct outfile_rules rules;
	struct sigaction ignore, old_int, old_quit;
	int fd, wstatus = 0, exit_status;
	pid_t child;

	memset(&rules, 0, sizeof rules);
	if (strcmp(out, "-") == 0) {
		fprintf(stderr, "heapviz: --capture -: the trace needs a file (standard output is COMMAND's)\n");
		return 2;
	}
	if (outfile_check(out, &rules, reason, sizeof reason) != OUTFILE_OK) {
		fprintf(stderr, "heapviz: --capture %s: %s\n", out_shown, reason);
		return 2;
	}
	if (find_library(library, sizeof library) != 0) {
		fprintf(stderr, "heapviz: --capture: %s not found (set HEAPVIZ_CAPTURE_LIB, or make install)\n", LIB_NAME);
		return 2;
	}
	fd = make_log(out, log_path, sizeof log_path);
	if (fd < 0) {
		fprintf(stderr, "heapviz: --capture %s: cannot create its temporary log: %s\n", out_shown, strerror(errno));
		return 1;
	}
	/* Like system(): a ^C or ^\ goes to COMMAND, and heapviz lives to write what it did. */
	memset(&ignore, 0, sizeof ignore);
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGINT, &ignore, &old_int);
	sigaction(SIGQUIT, &ignore, &old_quit);
	fflush(NULL);
	child = fork();
	if (child == 0)
		run_child(library, log_path, argv, command);
	if (child < 0) {
		fprintf(stderr, "heapviz: --capture: cannot start %s: %s\n", command, strerror(errno));
		exit_status = 1;
	} else {
		while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR)
			;
		exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (child > 0) {
		int written = write_trace(out, out_shown, fd, command, &exit_status);
		if (WIFSIGNALED(wstatus))
			fprintf(stderr, "heapviz: --capture: %s was killed by signal %d (%s)%s\n", command, WTERMSIG(wstatus),
				strsignal(WTERMSIG(wstatus)), written == 0 ? ": the trace holds its operations up to then" : "");
		else if (written != 0 && exit_status == 0)
			exit_status = 1;
	}
	close(fd);
	unlink(log_path);
	return exit_status;
}
