/* outfile.h - where and how heapviz may write a file: scripts confined below the current directory, never over an input, atomic replacement. */
#ifndef HEAPVIZ_OUTFILE_H
#define HEAPVIZ_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

enum outfile_status {
	OUTFILE_OK,
	OUTFILE_REFUSED,  /* the rules forbid this write: nothing was touched (for a script, a rejected command) */
	OUTFILE_FAILED,   /* allowed, but the system said no (the reason has errno's words): nothing was replaced */
};

#define OUTFILE_KEEP_MAX 4

/* A file this run reads or writes, which no output may replace. */
struct outfile_keep {
	const char *path;  /* NULL (unused) or "-" (a stream) are skipped */
	const char *what;  /* for the message: "the script being run", "the --trace-json output", ... */
};

/* The rules one write is made under. A zeroed struct: a command the user typed (no confinement, no inputs). */
struct outfile_rules {
	/*
	 * The command came from a file (a script, a trace, standard input): it
	 * may write only below the current directory (no absolute path, no
	 * `..`, no folder that leads out through a symbolic link) and never
	 * replace an existing file. --allow-write clears it.
	 */
	bool confined;
	struct outfile_keep keep[OUTFILE_KEEP_MAX];
	bool keep_stdin;   /* standard input is being read as a script: never write over the file behind it */
};

/*
 * Whether path may be written under rules, without writing it: OUTFILE_OK,
 * or REFUSED / FAILED with a one-line reason. What every write checks:
 * a symbolic link, a directory or another non-regular file at the target,
 * a read-only target, a target with several hard links (replacing it would
 * break them), a target that is one of rules->keep, and the confinement.
 */
enum outfile_status outfile_check(const char *path, const struct outfile_rules *rules, char *reason, size_t size);

/*
 * Write data to path under rules: into a new temporary file beside it
 * (O_EXCL | O_NOFOLLOW, the umask's mode for a new file, the old file's
 * mode kept when replacing one), then renamed into place, so a failure
 * never leaves half a file where a good one was. A confined write is
 * linked into place, which fails rather than replace a file that appeared
 * meanwhile.
 */
enum outfile_status outfile_write(const char *path, const struct outfile_rules *rules, const char *data, size_t len,
				  char *reason, size_t size);

/* Whether path and other name the same file: by device and inode when both exist, else by resolved path. */
bool outfile_same_file(const char *path, const char *other);
/* Whether path is the regular file open on fd (a script redirected into standard input). */
bool outfile_is_open_as(const char *path, int fd);
/* Whether path ends in .cast (what --record and --render write unless --force). */
bool outfile_is_cast_name(const char *path);

/*
 * The snapshot formats `export FILE` and --snapshot write, by the path's
 * extension (.svg or .txt); false for anything else. Here, below the model,
 * so the session can refuse a bad `export` before the front end writes.
 */
enum export_format { EXPORT_SVG, EXPORT_TEXT };
bool export_format_of(const char *path, enum export_format *format);

#endif
