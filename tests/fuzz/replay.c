/* replay.c - runs a fuzz harness on the files given, without libFuzzer: how `make test` replays seeds and findings with any compiler. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Usage: replay_TARGET PATH...  Each PATH is a file (one input) or a
 * directory (every file in it, in name order, dot files skipped). Each input
 * is handed to LLVMFuzzerTestOneInput in a buffer of exactly its size, as
 * libFuzzer does, so a sanitizer build sees any read past its end. A harness
 * reports a violation by aborting, so the exit status of a run that finishes
 * is 0, or 1 when a path could not be read.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t inputs;

static int replay_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	for (size_t got; data != NULL && (got = fread(data + len, 1, cap - len, file)) > 0;) {
		len += got;
		if (len < cap)
			continue;
		uint8_t *bigger = realloc(data, cap * 2);
		if (bigger == NULL)
			free(data);
		data = bigger;
		cap *= 2;
	}
	bool failed = ferror(file) != 0;
	fclose(file);
	if (data == NULL || failed) {
		fprintf(stderr, "replay: %s: %s\n", path, data == NULL ? "out of memory" : "read error");
		free(data);
		return 1;
	}
	/* Exactly len bytes, as libFuzzer gives them (a 0-byte input gets a 1-byte block). */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL) {
		free(data);
		return 1;
	}
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	inputs++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	struct dirent **entries;
	int count = scandir(path, &entries, NULL, by_name);
	if (count < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int status = 0;
	for (int i = 0; i < count; i++) {
		if (entries[i]->d_name[0] != '.') {
			size_t need = strlen(path) + strlen(entries[i]->d_name) + 2;
			char *child = malloc(need);
			if (child == NULL) {
				status = 1;
			} else {
				snprintf(child, need, "%s/%s", path, entries[i]->d_name);
				fprintf(stderr, "replay: %s\n", child);
				status |= replay_file(child);
				free(child);
			}
		}
		free(entries[i]);
	}
	free(entries);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= replay_path(argv[i]);
	printf("%s: %zu inputs replayed, none failed\n", argc > 0 ? argv[0] : "replay", inputs);
	return status;
}
