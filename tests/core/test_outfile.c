/* test_outfile.c - where heapviz may write: a script confined below the current directory, never over an input or through a link. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* Each test runs in a fresh directory (the "current directory" a script is confined to) with a sibling outside it. */
struct sandbox {
	char root[64];      /* holds both */
	char here[96];      /* the current directory during the test */
	char outside[96];   /* a folder next to it: scripts must not reach it */
	char previous[PATH_MAX];
};

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int sandbox_setup(void **state)
{
	struct sandbox *box = calloc(1, sizeof *box);
	if (!box)
		return -1;
	snprintf(box->root, sizeof box->root, "%s", "/tmp/heapviz-outfile.XXXXXX");
	if (!mkdtemp(box->root) || !getcwd(box->previous, sizeof box->previous))
		return -1;
	snprintf(box->here, sizeof box->here, "%s/here", box->root);
	snprintf(box->outside, sizeof box->outside, "%s/outside", box->root);
	if (mkdir(box->here, 0755) != 0 || mkdir(box->outside, 0755) != 0 || chdir(box->here) != 0)
		return -1;
	*state = box;
	return 0;
}

static int sandbox_teardown(void **state)
{
	struct sandbox *box = *state;
	int status = chdir(box->previous);
	nftw(box->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(box);
	return status;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The file holds exactly text (a missing file holds nothing). */
static void assert_file_text(const char *path, const char *text)
{
	char got[256] = "";
	FILE *file = fopen(path, "r");
	if (file) {
		got[fread(got, 1, sizeof got - 1, file)] = '\0';
		fclose(file);
	}
	assert_string_equal(got, text);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

/* Entries in a folder besides . and ..: a refused or finished write leaves no temporary file. */
static int entries_in(const char *folder)
{
	DIR *dir = opendir(folder);
	assert_non_null(dir);
	int count = 0;
	for (struct dirent *entry; (entry = readdir(dir)) != NULL;)
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			count++;
	closedir(dir);
	return count;
}

static const struct outfile_rules confined = { .confined = true };
static const struct outfile_rules typed = { .confined = false };

static enum outfile_status write_text(const char *path, const struct outfile_rules *rules, char *reason)
{
	return outfile_write(path, rules, "NEW\n", 4, reason, 200);
}

static void script_writes_new_file_below_cwd(void **state)
{
	(void)state;
	char reason[200];
	assert_int_equal(mkdir("sub", 0755), 0);
	assert_int_equal(write_text("fresh.txt", &confined, reason), OUTFILE_OK);
	assert_int_equal(write_text("sub/deeper.txt", &confined, reason), OUTFILE_OK);
	assert_file_text("fresh.txt", "NEW\n");
	assert_file_text("sub/deeper.txt", "NEW\n");
	assert_int_equal(entries_in("."), 2);
}

static void script_absolute_path_refused(void **state)
{
	struct sandbox *box = *state;
	char path[160], reason[200];
	snprintf(path, sizeof path, "%s/abs.txt", box->here);
	assert_int_equal(write_text(path, &confined, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "absolute path"));
	assert_non_null(strstr(reason, "--allow-write"));
	assert_false(exists(path));
	assert_int_equal(entries_in("."), 0);
}

static void script_dotdot_refused(void **state)
{
	struct sandbox *box = *state;
	char reason[200], escaped[160];
	assert_int_equal(mkdir("sub", 0755), 0);
	assert_int_equal(write_text("../outside/x.txt", &confined, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "'..'"));
	/* Even a `..` that stays inside: the rule is simple enough to check by eye. */
	assert_int_equal(write_text("sub/../inside.txt", &confined, reason), OUTFILE_REFUSED);
	snprintf(escaped, sizeof escaped, "%s/x.txt", box->outside);
	assert_false(exists(escaped));
	assert_false(exists("inside.txt"));
}

static void script_symlinked_folder_leading_out_refused(void **state)
{
	struct sandbox *box = *state;
	char reason[200], victim[160];
	assert_int_equal(symlink(box->outside, "out"), 0);
	assert_int_equal(write_text("out/x.txt", &confined, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "symbolic link"));
	snprintf(victim, sizeof victim, "%s/x.txt", box->outside);
	assert_false(exists(victim));
	assert_int_equal(entries_in(box->outside), 0);
	/* A link that stays inside is fine. */
	assert_int_equal(mkdir("real", 0755), 0);
	assert_int_equal(symlink("real", "alias"), 0);
	assert_int_equal(write_text("alias/ok.txt", &confined, reason), OUTFILE_OK);
	assert_file_text("real/ok.txt", "NEW\n");
}

static void symlink_at_target_refused_for_everyone(void **state)
{
	struct sandbox *box = *state;
	char reason[200], victim[160];
	snprintf(victim, sizeof victim, "%s/bashrc", box->outside);
	write_file(victim, "OLD\n", 0644);
	assert_int_equal(symlink(victim, "snap.txt"), 0);
	assert_int_equal(write_text("snap.txt", &typed, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "symbolic link"));
	assert_int_equal(write_text("snap.txt", &confined, reason), OUTFILE_REFUSED);
	/* A dangling link must not be followed to create its target either. */
	char missing[160];
	snprintf(missing, sizeof missing, "%s/created", box->outside);
	assert_int_equal(symlink(missing, "dangling.txt"), 0);
	assert_int_equal(write_text("dangling.txt", &typed, reason), OUTFILE_REFUSED);
	assert_false(exists(missing));
	assert_file_text(victim, "OLD\n");
	struct stat st;
	assert_int_equal(lstat("snap.txt", &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(entries_in("."), 2);
}

static void script_never_replaces_existing_file(void **state)
{
	(void)state;
	char reason[200];
	write_file("evil.txt", "OLD\n", 0644);
	assert_int_equal(write_text("evil.txt", &confined, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "exists"));
	assert_file_text("evil.txt", "OLD\n");
	assert_int_equal(entries_in("."), 1);
	assert_int_equal(outfile_check("evil.txt", &confined, reason, sizeof reason), OUTFILE_REFUSED);
}

static void allow_write_lifts_both_rules(void **state)
{
	struct sandbox *box = *state;
	char reason[200], path[160];
	write_file("old.txt", "OLD\n", 0644);
	/* --allow-write is the rules a typed command has: anywhere, replacing. */
	assert_int_equal(write_text("old.txt", &typed, reason), OUTFILE_OK);
	assert_file_text("old.txt", "NEW\n");
	assert_int_equal(write_text("../outside/up.txt", &typed, reason), OUTFILE_OK);
	snprintf(path, sizeof path, "%s/abs.txt", box->outside);
	assert_int_equal(write_text(path, &typed, reason), OUTFILE_OK);
	assert_file_text(path, "NEW\n");
	assert_int_equal(entries_in(box->outside), 2);
	assert_int_equal(entries_in("."), 1);
}

static void replacing_keeps_a_private_mode(void **state)
{
	(void)state;
	char reason[200];
	write_file("secret.txt", "OLD\n", 0600);
	assert_int_equal(write_text("secret.txt", &typed, reason), OUTFILE_OK);
	assert_file_text("secret.txt", "NEW\n");
	assert_int_equal(mode_of("secret.txt"), 0600);
	write_file("shared.txt", "OLD\n", 0664);
	mode_t old = umask(077);
	assert_int_equal(write_text("shared.txt", &typed, reason), OUTFILE_OK);
	umask(old);
	assert_int_equal(mode_of("shared.txt"), 0664);
}

static void read_only_target_refused(void **state)
{
	(void)state;
	char reason[200];
	write_file("keep.txt", "OLD\n", 0444);
	assert_int_equal(write_text("keep.txt", &typed, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "read-only"));
	assert_file_text("keep.txt", "OLD\n");
	assert_int_equal(mode_of("keep.txt"), 0444);
	assert_int_equal(entries_in("."), 1);
}

static void hard_linked_target_refused(void **state)
{
	(void)state;
	char reason[200];
	write_file("one.txt", "OLD\n", 0644);
	assert_int_equal(link("one.txt", "two.txt"), 0);
	assert_int_equal(write_text("one.txt", &typed, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "2 hard links"));
	assert_file_text("one.txt", "OLD\n");
	assert_file_text("two.txt", "OLD\n");
	assert_int_equal(entries_in("."), 2);
}

static void same_inode_as_input_refused(void **state)
{
	(void)state;
	char reason[200];
	write_file("lesson.hv", "alloc 10\n", 0644);
	struct outfile_rules rules = { .keep = { { "lesson.hv", "the script being run" } } };
	/* Another spelling of the same file. */
	assert_int_equal(write_text("./lesson.hv", &rules, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "the script being run"));
	/* A second name for the same inode. */
	assert_int_equal(link("lesson.hv", "alias.txt"), 0);
	assert_int_equal(write_text("alias.txt", &rules, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "the script being run"));
	assert_file_text("lesson.hv", "alloc 10\n");
	/* An output that does not exist yet, by its resolved name. */
	assert_int_equal(mkdir("sub", 0755), 0);
	struct outfile_rules later = { .keep = { { "sub/final.svg", "the --snapshot output" } } };
	assert_int_equal(write_text("./sub/final.svg", &later, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "--snapshot"));
	assert_false(exists("sub/final.svg"));
	/* A different file is not confused with it. */
	assert_int_equal(write_text("other.txt", &rules, reason), OUTFILE_OK);
}

static void same_file_and_open_file_queries(void **state)
{
	(void)state;
	write_file("a.hv", "a\n", 0644);
	write_file("b.hv", "b\n", 0644);
	assert_true(outfile_same_file("a.hv", "./a.hv"));
	assert_false(outfile_same_file("a.hv", "b.hv"));
	assert_true(outfile_same_file("new.cast", "./new.cast"));
	assert_false(outfile_same_file("new.cast", "other.cast"));
	int fd = open("a.hv", O_RDONLY);
	assert_true(fd >= 0);
	assert_true(outfile_is_open_as("a.hv", fd));
	assert_false(outfile_is_open_as("b.hv", fd));
	close(fd);
	assert_true(outfile_is_cast_name("x.cast"));
	assert_true(outfile_is_cast_name("dir/x.cast"));
	assert_false(outfile_is_cast_name("l.hv"));
	assert_false(outfile_is_cast_name(".cast"));
	assert_false(outfile_is_cast_name("x.cast.hv"));
}

static void new_file_follows_umask(void **state)
{
	(void)state;
	char reason[200];
	mode_t old = umask(027);
	assert_int_equal(write_text("a.txt", &confined, reason), OUTFILE_OK);
	umask(002);
	assert_int_equal(write_text("b.txt", &typed, reason), OUTFILE_OK);
	umask(old);
	assert_int_equal(mode_of("a.txt"), 0640);
	assert_int_equal(mode_of("b.txt"), 0664);
}

static void directories_and_missing_folders(void **state)
{
	(void)state;
	char reason[200];
	assert_int_equal(mkdir("d.txt", 0755), 0);
	assert_int_equal(write_text("d.txt", &typed, reason), OUTFILE_REFUSED);
	assert_non_null(strstr(reason, "directory"));
	assert_int_equal(write_text("sub/", &typed, reason), OUTFILE_REFUSED);
	/* An allowed write the system cannot do is a failure with errno's words, not a refusal. */
	assert_int_equal(write_text("no/such/dir/x.txt", &confined, reason), OUTFILE_FAILED);
	assert_non_null(strstr(reason, "No such file or directory"));
	assert_int_equal(entries_in("."), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(script_writes_new_file_below_cwd, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(script_absolute_path_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(script_dotdot_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(script_symlinked_folder_leading_out_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(symlink_at_target_refused_for_everyone, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(script_never_replaces_existing_file, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(allow_write_lifts_both_rules, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(replacing_keeps_a_private_mode, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(read_only_target_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(hard_linked_target_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(same_inode_as_input_refused, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(same_file_and_open_file_queries, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(new_file_follows_umask, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(directories_and_missing_folders, sandbox_setup, sandbox_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
