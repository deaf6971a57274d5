/* lineedit.c - the command bar's editing buffer, word motions, history and completion, as plain data. */
#include "lineedit.h"

#include <stdlib.h>
#include <string.h>

/*
 * Invariant: text[0..len) is always valid UTF-8 holding no control
 * characters, text[len] is NUL, and cursor sits on a character boundary.
 * Every way in (insert, set, history, completion) goes through the same
 * validation, so the motions below may step over continuation bytes blindly.
 */

static bool is_continuation(unsigned char byte)
{
	return (byte & 0xC0) == 0x80;
}

/*
 * Length of the character starting at s (at most avail bytes), or 0 when it
 * is not one we accept: a control character (C0, DEL, or C1 - terminals may
 * act on U+0080..U+009F too), an overlong form, a surrogate, a value past
 * U+10FFFF, or a sequence cut short.
 */
static size_t accepted_char_length(const unsigned char *s, size_t avail)
{
	unsigned char lead = s[0];
	unsigned char low = 0x80, high = 0xBF; /* allowed range of the second byte */
	size_t length;

	if (lead < 0x80)
		return lead < 0x20 || lead == 0x7F ? 0 : 1;
	if (lead >= 0xC2 && lead <= 0xDF) {
		length = 2;
		if (lead == 0xC2)
			low = 0xA0; /* U+0080..U+009F are the C1 controls */
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		length = 3;
		if (lead == 0xE0)
			low = 0xA0; /* overlong */
		else if (lead == 0xED)
			high = 0x9F; /* surrogates */
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		length = 4;
		if (lead == 0xF0)
			low = 0x90; /* overlong */
		else if (lead == 0xF4)
			high = 0x8F; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (avail < length || s[1] < low || s[1] > high)
		return 0;
	for (size_t i = 2; i < length; i++)
		if (!is_continuation(s[i]))
			return 0;
	return length;
}

static size_t previous_boundary(const struct line_editor *editor, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && is_continuation((unsigned char)editor->text[at]))
		at--;
	return at;
}

static size_t next_boundary(const struct line_editor *editor, size_t at)
{
	if (at >= editor->len)
		return editor->len;
	at++;
	while (at < editor->len && is_continuation((unsigned char)editor->text[at]))
		at++;
	return at;
}

/* Words are separated by spaces only: insertion refuses tabs and newlines. */
static size_t word_start_before(const struct line_editor *editor, size_t at)
{
	while (at > 0 && editor->text[at - 1] == ' ')
		at--;
	while (at > 0 && editor->text[at - 1] != ' ')
		at--;
	return at;
}

static size_t word_end_after(const struct line_editor *editor, size_t at)
{
	while (at < editor->len && editor->text[at] == ' ')
		at++;
	while (at < editor->len && editor->text[at] != ' ')
		at++;
	return at;
}

static void delete_range(struct line_editor *editor, size_t from, size_t to)
{
	memmove(editor->text + from, editor->text + to, editor->len - to + 1);
	editor->len -= to - from;
	if (editor->cursor >= to)
		editor->cursor -= to - from;
	else if (editor->cursor > from)
		editor->cursor = from;
}

/*
 * Copy the acceptable characters of text into out (room for LINEEDIT_MAX
 * bytes plus NUL), turning tabs into spaces, dropping other control
 * characters and invalid bytes, and stopping before a character that would not fit. Lines from outside the
 * editor (history, scripts, lineedit_set) may carry a newline or stray bytes;
 * this keeps them from breaking the invariant instead of rejecting them.
 */
static size_t sanitize(const char *text, char out[LINEEDIT_MAX + 1])
{
	const unsigned char *s = (const unsigned char *)text;
	size_t avail = strlen(text), used = 0;

	while (avail > 0) {
		size_t length = accepted_char_length(s, avail);
		if (*s == '\t' && used < LINEEDIT_MAX) {
			out[used++] = ' '; /* keep pasted words apart */
			s++;
			avail--;
			continue;
		}
		if (length == 0) {
			s++;
			avail--;
			continue;
		}
		if (used + length > LINEEDIT_MAX)
			break;
		memcpy(out + used, s, length);
		used += length;
		s += length;
		avail -= length;
	}
	out[used] = '\0';
	return used;
}

static void load(struct line_editor *editor, const char *text)
{
	editor->len = sanitize(text, editor->text);
	editor->cursor = editor->len;
}

static void forget_saved(struct line_editor *editor)
{
	free(editor->saved);
	editor->saved = NULL;
}

void lineedit_init(struct line_editor *editor)
{
	memset(editor, 0, sizeof *editor);
}

void lineedit_release(struct line_editor *editor)
{
	for (size_t i = 0; i < editor->history_count; i++)
		free(editor->history[i]);
	free(editor->saved);
	lineedit_init(editor);
}

bool lineedit_insert(struct line_editor *editor, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;

	if (len > LINEEDIT_MAX - editor->len)
		return false;
	/* Check it all before changing anything, so a refusal leaves the line as it was. */
	for (size_t at = 0; at < len;) {
		size_t length = accepted_char_length(s + at, len - at);
		if (length == 0)
			return false;
		at += length;
	}
	if (len == 0)
		return true;
	memmove(editor->text + editor->cursor + len, editor->text + editor->cursor,
	        editor->len - editor->cursor + 1);
	memcpy(editor->text + editor->cursor, text, len);
	editor->len += len;
	editor->cursor += len;
	return true;
}

/* Up: leaving the new line keeps a copy of it so Down can bring it back. */
static void history_previous(struct line_editor *editor)
{
	if (editor->history_pos == 0)
		return;
	if (editor->history_pos == editor->history_count) {
		char *copy = malloc(editor->len + 1);
		if (!copy)
			return; /* stay put rather than lose what was typed */
		memcpy(copy, editor->text, editor->len + 1);
		forget_saved(editor);
		editor->saved = copy;
	}
	editor->history_pos--;
	load(editor, editor->history[editor->history_pos]);
}

/* Down: edits made to a recalled entry are dropped, as in bash without revert-all-at-newline. */
static void history_next(struct line_editor *editor)
{
	if (editor->history_pos >= editor->history_count)
		return;
	editor->history_pos++;
	if (editor->history_pos == editor->history_count) {
		load(editor, editor->saved ? editor->saved : "");
		forget_saved(editor);
	} else {
		load(editor, editor->history[editor->history_pos]);
	}
}

void lineedit_apply(struct line_editor *editor, enum edit_action action)
{
	size_t at;

	switch (action) {
	case EDIT_LEFT:
		editor->cursor = previous_boundary(editor, editor->cursor);
		break;
	case EDIT_RIGHT:
		editor->cursor = next_boundary(editor, editor->cursor);
		break;
	case EDIT_HOME:
		editor->cursor = 0;
		break;
	case EDIT_END:
		editor->cursor = editor->len;
		break;
	case EDIT_BACKSPACE:
		at = previous_boundary(editor, editor->cursor);
		delete_range(editor, at, editor->cursor);
		break;
	case EDIT_DELETE:
		delete_range(editor, editor->cursor, next_boundary(editor, editor->cursor));
		break;
	case EDIT_KILL_LINE:
		delete_range(editor, 0, editor->cursor);
		break;
	case EDIT_KILL_WORD:
		delete_range(editor, word_start_before(editor, editor->cursor), editor->cursor);
		break;
	case EDIT_HISTORY_PREV:
		history_previous(editor);
		break;
	case EDIT_HISTORY_NEXT:
		history_next(editor);
		break;
	case EDIT_WORD_LEFT:
		editor->cursor = word_start_before(editor, editor->cursor);
		break;
	case EDIT_WORD_RIGHT:
		editor->cursor = word_end_after(editor, editor->cursor);
		break;
	}
}

void lineedit_set(struct line_editor *editor, const char *text)
{
	load(editor, text);
	forget_saved(editor);
	editor->history_pos = editor->history_count;
}

void lineedit_clear(struct line_editor *editor)
{
	lineedit_set(editor, "");
}

static bool is_blank(const char *line)
{
	for (; *line; line++)
		if (*line != ' ')
			return false;
	return true;
}

void lineedit_remember(struct line_editor *editor, const char *line)
{
	char clean[LINEEDIT_MAX + 1];
	char *copy;
	size_t len = sanitize(line, clean);

	forget_saved(editor);
	editor->history_pos = editor->history_count;
	if (is_blank(clean))
		return;
	if (editor->history_count > 0 && strcmp(editor->history[editor->history_count - 1], clean) == 0)
		return;
	copy = malloc(len + 1);
	if (!copy)
		return; /* history is a convenience: losing one entry beats failing the command */
	memcpy(copy, clean, len + 1);
	if (editor->history_count == LINEEDIT_HISTORY) {
		free(editor->history[0]);
		memmove(editor->history, editor->history + 1,
		        (LINEEDIT_HISTORY - 1) * sizeof editor->history[0]);
		editor->history_count--;
	}
	editor->history[editor->history_count++] = copy;
	editor->history_pos = editor->history_count;
}

void lineedit_paste_begin(const struct line_editor *editor, struct line_paste *paste)
{
	memset(paste, 0, sizeof *paste);
	paste->room = LINEEDIT_MAX - editor->len;
}

static void paste_keep(struct line_paste *paste, const unsigned char *bytes, size_t len)
{
	if (paste->full || len > paste->room - paste->len) {
		paste->full = true;
		paste->dropped += len;
		return;
	}
	memcpy(paste->text + paste->len, bytes, len);
	paste->len += len;
}

/*
 * A character cut between two pieces is not rejoined: the terminal layer
 * hands over whole characters, and a stray part is an invalid byte anyway.
 */
void lineedit_paste_add(struct line_paste *paste, const char *bytes, size_t len)
{
	const unsigned char *s = (const unsigned char *)bytes;

	paste->pasted += len;
	while (len > 0) {
		size_t length = accepted_char_length(s, len);
		bool line_feed_after_cr = *s == '\n' && paste->after_cr;

		paste->after_cr = *s == '\r';
		if (line_feed_after_cr) {
			length = 1;  /* the LF of a CR LF: one break, already a space */
		} else if (*s == '\r' || *s == '\n' || *s == '\t') {
			if (*s != '\t')
				paste->breaks++;
			paste_keep(paste, (const unsigned char *)" ", 1);
			length = 1;
		} else if (length == 0) {
			paste->controls++;
			length = 1;
		} else {
			paste_keep(paste, s, length);
		}
		s += length;
		len -= length;
	}
}

void lineedit_paste_skip(struct line_paste *paste, size_t n)
{
	paste->controls += n;
	paste->after_cr = false;
}

void lineedit_paste_end(struct line_editor *editor, struct line_paste *paste)
{
	/* Cleaned and sized against the room at the start: this insert cannot be refused. */
	if (paste->len > LINEEDIT_MAX - editor->len || !lineedit_insert(editor, paste->text, paste->len)) {
		paste->dropped += paste->len;
		paste->len = 0;
	}
}

size_t lineedit_cursor_column(const struct line_editor *editor)
{
	size_t column = 0;

	for (size_t i = 0; i < editor->cursor; i++)
		if (!is_continuation((unsigned char)editor->text[i]))
			column++;
	return column;
}

size_t lineedit_current_word(const struct line_editor *editor, const char **start, size_t *len)
{
	size_t begin = editor->cursor, index = 0;

	while (begin > 0 && editor->text[begin - 1] != ' ')
		begin--;
	for (size_t i = 0; i < begin; i++)
		if (editor->text[i] != ' ' && (i == 0 || editor->text[i - 1] == ' '))
			index++;
	if (start)
		*start = editor->text + begin;
	if (len)
		*len = editor->cursor - begin;
	return index;
}

size_t lineedit_complete(struct line_editor *editor, const char *const *candidates, size_t count)
{
	const char *word, *first = NULL;
	size_t word_len, matches = 0, common = 0;

	lineedit_current_word(editor, &word, &word_len);
	for (size_t i = 0; i < count; i++) {
		const char *candidate = candidates[i];
		if (!candidate || strncmp(candidate, word, word_len) != 0)
			continue;
		if (!first) {
			first = candidate;
			common = strlen(candidate);
		} else {
			size_t same = 0;
			while (same < common && candidate[same] == first[same])
				same++;
			common = same;
		}
		matches++;
	}
	if (matches == 0)
		return 0;
	/* Two candidates may share only the first bytes of a character ("é" and "è"). */
	while (common > word_len && is_continuation((unsigned char)first[common]))
		common--;
	if (!lineedit_insert(editor, first + word_len, common - word_len))
		return matches;
	if (matches == 1) {
		if (editor->cursor < editor->len && editor->text[editor->cursor] == ' ')
			editor->cursor++;
		else
			lineedit_insert(editor, " ", 1);
	}
	return matches;
}
