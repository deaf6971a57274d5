/* ui_paste.c - bracketed paste: the terminal's paste taken as text in large reads, never run as keys. */
#include "ui_paste.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui_signal.h"

/*
 * Bracketed paste: the terminal wraps a paste in two sequences, which become
 * these key codes (chosen among those curses leaves unbound), so a paste is
 * taken as text and never runs a line. paste_on/paste_off are the terminal's
 * own strings to switch the mode (terminfo's BE/BD), NULL when it has none.
 */
static int paste_begin_code, paste_end_code;
static const char *paste_on, *paste_off;
static bool in_paste;
static char paste_carry[16];      /* the start of a character or closing sequence cut off by the last read */
static const char *paste_end_sequence = "\033[201~";
static size_t paste_carry_len;
static long long paste_heard_ms;  /* when the paste last sent something */
#define PASTE_SILENCE_MS 1000      /* a paste quiet this long has lost its end: close it */

/* A key code curses has not bound, for a sequence of our own. */
static int unbound_code(int from)
{
	for (int code = from; code < from + 200; code++) {
		char *bound = keybound(code, 0);  /* a copy the caller frees */

		if (!bound)
			return code;
		free(bound);
	}
	return 0;
}

static long long monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Whether the terminal brackets pastes, and how to ask it to (terminfo's BE/BD). */
void ui_paste_find(void)
{
	paste_on = ui_term_capability("BE");
	paste_off = ui_term_capability("BD");
	in_paste = false;
	if (!paste_on || !paste_off)
		paste_on = paste_off = NULL;
}

/* The sequences around a paste (PS/PE, or xterm's) as two keys of our own; after keypad() set up the rest. */
void ui_paste_bind_keys(void)
{
	const char *begin = ui_term_capability("PS"), *end = ui_term_capability("PE");

	if (!paste_on)
		return;
	paste_begin_code = unbound_code(KEY_MAX + 64);
	define_key(begin ? begin : "\033[200~", paste_begin_code);
	paste_end_code = unbound_code(paste_begin_code + 1);
	paste_end_sequence = end && strlen(end) < sizeof paste_carry ? end : "\033[201~";
	define_key(paste_end_sequence, paste_end_code);
	if (!paste_begin_code || !paste_end_code)
		paste_on = paste_off = NULL;
}

/* Switch bracketed paste on or off: a mode of its own, so the order against curses' output does not matter. */
void ui_paste_mode(bool on)
{
	const char *sequence = on ? paste_on : paste_off;
	size_t left = sequence ? strlen(sequence) : 0;

	fflush(stdout);
	while (left > 0) {
		ssize_t done = write(STDOUT_FILENO, sequence, left);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return;
		sequence += done;
		left -= (size_t)done;
	}
}

void ui_paste_forget(void)
{
	paste_on = paste_off = NULL;
	in_paste = false;
}

bool ui_paste_active(void)
{
	return in_paste;
}

const char *ui_paste_off_sequence(void)
{
	return paste_on ? paste_off : NULL;
}

bool ui_paste_lost(struct ui_key *key)
{
	if (!in_paste || monotonic_ms() - paste_heard_ms < PASTE_SILENCE_MS)
		return false;
	in_paste = false;
	key->paste_end = true;
	return true;
}

/* Mark key as part of a bracketed paste, or as one of its two bracketing sequences. */
void ui_paste_follow(struct ui_key *key)
{
	if (paste_on && key->function && (int)key->code == paste_begin_code) {
		in_paste = true;
		paste_carry_len = 0;
		paste_heard_ms = monotonic_ms();
		key->unknown = true;  /* the paste's characters come next, marked pasted */
		return;
	}
	if (paste_on && key->function && (int)key->code == paste_end_code) {
		in_paste = false;
		key->paste_end = true;
		return;
	}
	key->pasted = in_paste;
}

/* Bytes at the end of text[0..len) that begin a UTF-8 character not yet complete. */
static size_t incomplete_tail(const char *text, size_t len)
{
	for (size_t back = 1; back <= 3 && back <= len; back++) {
		unsigned char byte = (unsigned char)text[len - back];

		if ((byte & 0xC0) == 0x80)
			continue;  /* a continuation: look further back for the lead */
		size_t need = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
		return need > back ? back : 0;
	}
	return 0;
}

/*
 * The body of a bracketed paste, read straight from the terminal up to
 * UI_PASTE_CHUNK bytes at a time instead of a system call and a curses lookup
 * per byte: a megabyte takes milliseconds, not seconds. The closing sequence
 * is found here (curses would not decode bytes given back to it: ungetch makes
 * them finished keys); an Esc that does not open it is pasted text, dropped
 * and counted as a control byte by the line editor. A closing sequence or a
 * character cut by the end of a read is carried to the next. Bytes read past
 * the closing sequence (keys typed at once after the paste) go back to curses
 * as typed characters; an escape sequence among them is lost.
 */
bool ui_paste_read(struct ui_key *key, int timeout_ms, int *dead_reads)
{
	struct pollfd input = { .fd = STDIN_FILENO, .events = POLLIN, .revents = 0 };
	char chunk[UI_PASTE_CHUNK];
	size_t end_len = strlen(paste_end_sequence), len, text_len, at;
	ssize_t got;

	if (poll(&input, 1, timeout_ms > UI_SIGNAL_CHECK_MS ? UI_SIGNAL_CHECK_MS : timeout_ms) <= 0) {
		if (monotonic_ms() - paste_heard_ms < PASTE_SILENCE_MS)
			return false;
		in_paste = false;  /* its end never came: close it rather than swallow every key after it */
		key->paste_end = true;
		return true;
	}
	memcpy(chunk, paste_carry, paste_carry_len);
	got = read(STDIN_FILENO, chunk + paste_carry_len, sizeof chunk - paste_carry_len);
	if (got <= 0) {
		if (got == 0 || (errno != EINTR && errno != EAGAIN))
			(*dead_reads)++;
		return false;
	}
	*dead_reads = 0;
	paste_heard_ms = monotonic_ms();
	len = paste_carry_len + (size_t)got;
	paste_carry_len = 0;
	key->pasted = true;
	for (at = 0; at < len; at++) {
		const char *rest = chunk + at;
		size_t left = len - at;

		if (*rest != paste_end_sequence[0])
			continue;
		if (left >= end_len && memcmp(rest, paste_end_sequence, end_len) == 0) {
			for (size_t i = len; i > at + end_len; i--)
				ungetch((unsigned char)chunk[i - 1]);
			in_paste = false;
			key->paste_end = true;
			break;
		}
		if (left < end_len && memcmp(rest, paste_end_sequence, left) == 0) {
			memcpy(paste_carry, rest, left);  /* perhaps the closing sequence, cut */
			paste_carry_len = left;
			break;
		}
	}
	text_len = at;
	if (!key->paste_end && paste_carry_len == 0) {
		paste_carry_len = incomplete_tail(chunk, text_len);
		text_len -= paste_carry_len;
		memcpy(paste_carry, chunk + text_len, paste_carry_len);
	}
	memcpy(key->text, chunk, text_len);
	key->text_len = text_len;
	return true;
}
