/* ui_complete.c - Tab in the command bar: a keyword, a policy or a block name completed in the line editor. */
#include "ui_complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"

#define COMPLETION_MAX 256       /* candidates kept for one Tab */
#define COMPLETION_WORD_MAX 32   /* longer than any keyword or name */

/* Candidates for one Tab: keywords, policies or block names, each short (names are identifiers). */
struct completion {
	char prefix[LINEEDIT_MAX + 1];  /* the word typed so far */
	size_t prefix_len;
	char storage[COMPLETION_MAX][COMPLETION_WORD_MAX + 1];
	const char *candidates[COMPLETION_MAX];
	size_t count;
	size_t matches;                 /* all that matched, even past COMPLETION_MAX */
};

/* Keep a candidate in the case typed, so "AL" completes to "ALloc" (the line editor matches exactly). */
static void add_keyword(const char *keyword, void *context)
{
	struct completion *completion = context;
	size_t len = strlen(keyword);

	if (len < completion->prefix_len || len > COMPLETION_WORD_MAX)
		return;
	completion->matches++;
	if (completion->count >= COMPLETION_MAX)
		return;
	memcpy(completion->storage[completion->count], completion->prefix, completion->prefix_len);
	memcpy(completion->storage[completion->count] + completion->prefix_len, keyword + completion->prefix_len,
	       len - completion->prefix_len + 1);
	completion->candidates[completion->count] = completion->storage[completion->count];
	completion->count++;
}

static bool add_name(const char *name, size_t payload, void *context)
{
	struct completion *completion = context;

	(void)payload;
	if (strncmp(name, completion->prefix, completion->prefix_len) == 0)
		add_keyword(name, context);
	return true;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The command word of the line, for deciding what its arguments complete to. */
static bool first_word_is(const struct line_editor *editor, const char *word)
{
	const char *text = editor->text + strspn(editor->text, " ");
	size_t len = strcspn(text, " ");

	return len == strlen(word) && strncasecmp(text, word, len) == 0;
}

bool ui_complete(struct line_editor *editor, const struct names *names, char *note, size_t size)
{
	struct completion *completion = calloc(1, sizeof *completion);
	const char *start;
	size_t len, word, matched;
	bool noted = true;

	if (!completion)
		return false;
	word = lineedit_current_word(editor, &start, &len);
	memcpy(completion->prefix, start, len);
	completion->prefix[len] = '\0';
	completion->prefix_len = len;
	if (word == 0)
		command_complete(completion->prefix, add_keyword, completion);
	else if (word == 1 && first_word_is(editor, "policy"))
		command_complete_policy(completion->prefix, add_keyword, completion);
	else
		names_each(names, add_name, completion);
	if (completion->matches > completion->count) {
		/* Completing from a part of the matches could go past their real common prefix. */
		snprintf(note, size, "%zu names start with '%s': type more", completion->matches, completion->prefix);
		free(completion);
		return true;
	}
	if (word != 0 && !(word == 1 && first_word_is(editor, "policy")))
		qsort(completion->candidates, completion->count, sizeof completion->candidates[0], compare_strings);
	matched = lineedit_complete(editor, completion->candidates, completion->count);
	if (matched > 1) {
		size_t used = 0;

		note[0] = '\0';
		for (size_t i = 0; i < completion->count && used + 1 < size; i++) {
			int n = snprintf(note + used, size - used, "%s%s", i ? "  " : "", completion->candidates[i]);

			if (n < 0)
				break;
			used += (size_t)n;
		}
	} else if (matched == 0) {
		snprintf(note, size, "no completion for '%s'", completion->prefix);
	} else {
		noted = false;
	}
	free(completion);
	return noted;
}
