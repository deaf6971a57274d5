/* outfile.c - where and how heapviz may write a file: confinement for scripts, never over an input, atomic replacement. */
/* realpath is an XSI function: POSIX.1-2008's, not the base _POSIX_C_SOURCE set. */
#define _XOPEN_SOURCE 700
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Where a write lands: the folder, opened once so every later step works on the folder that was checked. */
struct target {
	int dir_fd;
	char *dir;           /* the folder part of the path ("." when none) */
	const char *base;    /* the file name inside it (points into the path) */
	bool exists;
	struct stat st;      /* lstat of the target when it exists */
};

/* The clause every confinement refusal ends with. */
#define LIFT " (--allow-write lets a script you trust)"

static enum outfile_status refuse(char *reason, size_t size, const char *text)
{
	snprintf(reason, size, "%s", text);
	return OUTFILE_REFUSED;
}

static enum outfile_status fail_errno(char *reason, size_t size, int error)
{
	snprintf(reason, size, "cannot write: %s", strerror(error));
	return OUTFILE_FAILED;
}

static bool has_dotdot_component(const char *path)
{
	for (const char *p = path; *p;) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += len;
		while (*p == '/')
			p++;
	}
	return false;
}

/* inner is outer or below it (both resolved: absolute, no symbolic links, no trailing slash but for "/"). */
static bool is_inside(const char *inner, const char *outer)
{
	size_t len = strlen(outer);
	if (strcmp(outer, "/") == 0)
		return true;
	return strncmp(inner, outer, len) == 0 && (inner[len] == '\0' || inner[len] == '/');
}

/* The folder the target is in must resolve below the current directory, and be the folder dir_fd holds. */
static enum outfile_status check_confined_folder(const struct target *target, char *reason, size_t size)
{
	char *folder = realpath(target->dir, NULL);
	char *here = realpath(".", NULL);
	enum outfile_status status = OUTFILE_OK;
	struct stat opened, resolved;
	if (!folder || !here) {
		status = fail_errno(reason, size, errno);
	} else if (!is_inside(folder, here)) {
		status = refuse(reason, size, "a script may write only below the current directory, and this folder "
					      "leads out of it through a symbolic link" LIFT);
	} else if (fstat(target->dir_fd, &opened) != 0 || stat(folder, &resolved) != 0 ||
		   opened.st_dev != resolved.st_dev || opened.st_ino != resolved.st_ino) {
		/* The folder was swapped between opening and resolving it: write nothing. */
		status = refuse(reason, size, "the folder changed while heapviz was checking it");
	}
	free(folder);
	free(here);
	return status;
}

static void target_close(struct target *target)
{
	if (target->dir_fd >= 0)
		close(target->dir_fd);
	target->dir_fd = -1;
	free(target->dir);
	target->dir = NULL;
}

/* Which of the run's own files (inputs, other outputs) path is, or NULL. */
static const char *kept_file(const char *path, const struct outfile_rules *rules)
{
	for (size_t i = 0; i < OUTFILE_KEEP_MAX; i++) {
		const struct outfile_keep *keep = &rules->keep[i];
		if (keep->path && strcmp(keep->path, "-") != 0 && outfile_same_file(path, keep->path))
			return keep->what ? keep->what : "a file this run uses";
	}
	if (rules->keep_stdin && outfile_is_open_as(path, STDIN_FILENO))
		return "the script being read from standard input";
	return NULL;
}

/* What the existing file at the target forbids, checked for every write (also the ones the user typed). */
static enum outfile_status check_existing(const struct target *target, const struct outfile_rules *rules,
					  char *reason, size_t size)
{
	const struct stat *st = &target->st;
	if (S_ISLNK(st->st_mode))
		return refuse(reason, size, "the file is a symbolic link, and heapviz never writes through one");
	if (S_ISDIR(st->st_mode))
		return refuse(reason, size, "that is a directory");
	if (!S_ISREG(st->st_mode))
		return refuse(reason, size, "that is not a regular file");
	if (rules->confined)
		return refuse(reason, size, "the file exists, and a script never replaces a file" LIFT);
	/* No write bit at all counts too: root may write anything, but a 0444 file says "keep". */
	if ((st->st_mode & 0222) == 0 || faccessat(target->dir_fd, target->base, W_OK, AT_EACCESS) != 0)
		return refuse(reason, size, "the file is read-only, and heapviz does not replace a file you cannot write");
	if (st->st_nlink > 1) {
		/* The rename would leave the other names holding the old bytes: the links would silently part. */
		snprintf(reason, size, "the file has %ju hard links, and replacing it would break them: "
				       "write to a new name", (uintmax_t)st->st_nlink);
		return OUTFILE_REFUSED;
	}
	return OUTFILE_OK;
}

static enum outfile_status target_open(const char *path, const struct outfile_rules *rules, struct target *target,
				       char *reason, size_t size)
{
	memset(target, 0, sizeof *target);
	target->dir_fd = -1;
	const char *slash = strrchr(path, '/');
	target->base = slash ? slash + 1 : path;
	if (!path[0])
		return refuse(reason, size, "no file name");
	if (!target->base[0] || strcmp(target->base, ".") == 0 || strcmp(target->base, "..") == 0)
		return refuse(reason, size, "that names a directory, not a file");
	if (rules->confined && path[0] == '/')
		return refuse(reason, size, "a script may write only below the current directory, not to an absolute path" LIFT);
	if (rules->confined && has_dotdot_component(path))
		return refuse(reason, size, "a script may write only below the current directory, not through '..'" LIFT);
	size_t dir_len = slash ? (size_t)(slash - path) : 0;
	target->dir = slash ? strndup(path, dir_len ? dir_len : 1) : strdup(".");
	if (!target->dir) {
		snprintf(reason, size, "out of memory");
		return OUTFILE_FAILED;
	}
	target->dir_fd = open(target->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (target->dir_fd < 0)
		return fail_errno(reason, size, errno);
	enum outfile_status status = rules->confined ? check_confined_folder(target, reason, size) : OUTFILE_OK;
	if (status != OUTFILE_OK)
		return status;
	if (fstatat(target->dir_fd, target->base, &target->st, AT_SYMLINK_NOFOLLOW) == 0)
		target->exists = true;
	else if (errno != ENOENT)
		return fail_errno(reason, size, errno);
	const char *what = kept_file(path, rules);
	if (what) {
		snprintf(reason, size, "that is %s, and heapviz never writes over a file it reads or writes", what);
		return OUTFILE_REFUSED;
	}
	return target->exists ? check_existing(target, rules, reason, size) : OUTFILE_OK;
}

enum outfile_status outfile_check(const char *path, const struct outfile_rules *rules, char *reason, size_t size)
{
	struct target target;
	enum outfile_status status = target_open(path, rules, &target, reason, size);
	target_close(&target);
	return status;
}

/* A new temporary file beside the target, never through a symbolic link; its name goes to name. */
static int create_temporary(const struct target *target, mode_t mode, char *name, size_t name_size)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	uint64_t state = (uint64_t)now.tv_nsec * 2654435761u ^ (uint64_t)getpid() << 32 ^ (uint64_t)now.tv_sec;
	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		for (int i = 0; i < 6; i++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			suffix[i] = letters[state % (sizeof letters - 1)];
		}
		suffix[6] = '\0';
		if ((size_t)snprintf(name, name_size, "%s.tmp.%s", target->base, suffix) >= name_size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		int fd = openat(target->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static bool write_all(int fd, const char *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t wrote = write(fd, data + done, len - done);
		if (wrote < 0 && errno == EINTR)
			continue;
		if (wrote <= 0) {
			if (wrote == 0)
				errno = EIO;
			return false;
		}
		done += (size_t)wrote;
	}
	return true;
}

/* Put the finished temporary file in place: linked (never replacing) when confined or new, else renamed. */
static enum outfile_status place(const struct target *target, const struct outfile_rules *rules, const char *temporary,
				 char *reason, size_t size)
{
	if (rules->confined) {
		if (linkat(target->dir_fd, temporary, target->dir_fd, target->base, 0) == 0) {
			unlinkat(target->dir_fd, temporary, 0);
			return OUTFILE_OK;
		}
		if (errno == EEXIST)
			return refuse(reason, size, "the file exists, and a script never replaces a file" LIFT);
		/* A file system without hard links: check once more, then rename. */
		struct stat st;
		if (fstatat(target->dir_fd, target->base, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return refuse(reason, size, "the file exists, and a script never replaces a file" LIFT);
	}
	/* rename replaces a symbolic link put there meanwhile, never the file it points to. */
	if (renameat(target->dir_fd, temporary, target->dir_fd, target->base) != 0)
		return fail_errno(reason, size, errno);
	return OUTFILE_OK;
}

enum outfile_status outfile_write(const char *path, const struct outfile_rules *rules, const char *data, size_t len,
				  char *reason, size_t size)
{
	struct target target;
	enum outfile_status status = target_open(path, rules, &target, reason, size);
	if (status != OUTFILE_OK) {
		target_close(&target);
		return status;
	}
	size_t name_size = strlen(target.base) + 16;
	char *temporary = malloc(name_size);
	if (!temporary) {
		target_close(&target);
		snprintf(reason, size, "out of memory");
		return OUTFILE_FAILED;
	}
	/* A new file gets 0666 less the umask; a replaced one starts private and then takes the old file's mode. */
	int fd = create_temporary(&target, target.exists ? 0600 : 0666, temporary, name_size);
	if (fd < 0) {
		status = fail_errno(reason, size, errno);
	} else {
		bool ok = (!target.exists || fchmod(fd, target.st.st_mode & 0777) == 0) && write_all(fd, data, len);
		int saved = errno;
		if (close(fd) != 0 && ok) {
			ok = false;
			saved = errno;
		}
		status = ok ? place(&target, rules, temporary, reason, size) : fail_errno(reason, size, saved);
		if (status != OUTFILE_OK)
			unlinkat(target.dir_fd, temporary, 0);
	}
	free(temporary);
	target_close(&target);
	return status;
}

/* path with its folder resolved (the file itself need not exist); NULL when the folder does not resolve. */
static char *resolve_name(const char *path)
{
	char *whole = realpath(path, NULL);
	if (whole)
		return whole;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	char *folder = dir ? realpath(dir, NULL) : NULL;
	free(dir);
	if (!folder)
		return NULL;
	size_t len = strlen(folder) + strlen(base) + 2;
	char *name = malloc(len);
	if (name)
		snprintf(name, len, "%s%s%s", folder, strcmp(folder, "/") == 0 ? "" : "/", base);
	free(folder);
	return name;
}

bool outfile_same_file(const char *path, const char *other)
{
	struct stat a, b;
	if (stat(path, &a) == 0 && stat(other, &b) == 0)
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	char *first = resolve_name(path);
	char *second = resolve_name(other);
	bool same = first && second && strcmp(first, second) == 0;
	free(first);
	free(second);
	return same;
}

bool outfile_is_open_as(const char *path, int fd)
{
	struct stat open_file, named;
	return fstat(fd, &open_file) == 0 && S_ISREG(open_file.st_mode) && stat(path, &named) == 0 &&
	       open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

bool outfile_is_cast_name(const char *path)
{
	size_t len = strlen(path);
	return len > 5 && strcmp(path + len - 5, ".cast") == 0;
}

bool export_format_of(const char *path, enum export_format *format)
{
	size_t len = strlen(path);
	if (len > 4 && strcmp(path + len - 4, ".svg") == 0)
		*format = EXPORT_SVG;
	else if (len > 4 && strcmp(path + len - 4, ".txt") == 0)
		*format = EXPORT_TEXT;
	else
		return false;
	return true;
}
