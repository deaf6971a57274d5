/* ui_term.c - the terminal layer: curses taken and always given back, signals turned into flags, input read. */
#include "ui_term.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ui_signal.h"

/* Non-NULL while curses owns the terminal. */
static SCREEN *term_screen;
static bool atexit_registered;

/* Polls in a row where input was ready but nothing could be read: the tty is gone. */
static int dead_reads;

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
static bool mouse_on;

/*
 * cbreak keeps Ctrl-C as SIGINT, but the keys we bind must reach us: Ctrl-Z
 * (undo) must not suspend, Ctrl-\ must not dump core with the terminal in our
 * modes, Ctrl-S must not freeze output, Ctrl-V/Ctrl-O must not be eaten.
 * ncurses' endwin puts back the modes saved at newterm, so this needs no undo.
 */
static void free_bound_keys(void)
{
	struct termios modes;

	if (tcgetattr(STDIN_FILENO, &modes) != 0)
		return;
	modes.c_cc[VSUSP] = _POSIX_VDISABLE;
	modes.c_cc[VQUIT] = _POSIX_VDISABLE;
#ifdef VDSUSP
	modes.c_cc[VDSUSP] = _POSIX_VDISABLE;
#endif
	modes.c_iflag &= ~(tcflag_t)IXON;
	modes.c_lflag &= ~(tcflag_t)IEXTEN;
	tcsetattr(STDIN_FILENO, TCSANOW, &modes);
	def_prog_mode();  /* so a refresh after endwin (resume) restores these modes */
}

/* A full-screen program needs cursor addressing; "dumb" and printing terminals have none. */
static bool can_address_cursor(void)
{
	char name[] = "cup";
	const char *cup = tigetstr(name);

	return cup != NULL && cup != (const char *)-1;
}

/*
 * Home/End and friends as the common terminals send them, for when TERM names a
 * different one (xterm-256color inside tmux sends ESC[1~ and ESC[4~, which its
 * terminfo does not list); only sequences the terminfo leaves unbound are added.
 */
static void define_common_keys(void)
{
	static const struct {
		const char *sequence;
		int key;
	} keys[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END }, { "\033[8~", KEY_END }, { "\033[F", KEY_END }, { "\033OF", KEY_END },
		{ "\033[3~", KEY_DC }, { "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033OP", KEY_F(1) }, { "\033[11~", KEY_F(1) },
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (key_defined(keys[i].sequence) == 0)
			define_key(keys[i].sequence, keys[i].key);
}

static bool locale_is_utf8(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

static bool no_color_requested(const struct ui_options *options)
{
	const char *env = getenv("NO_COLOR");

	return options->no_color || (env && *env);
}

/* A terminfo string capability, or NULL when the terminal has none. */
static const char *capability(const char *name)
{
	char copy[16];
	const char *value;

	snprintf(copy, sizeof copy, "%s", name);
	value = tigetstr(copy);
	return value == NULL || value == (const char *)-1 || !*value ? NULL : value;
}

static void append(char *buffer, size_t size, size_t *used, const char *text)
{
	size_t len = text ? strlen(text) : 0;

	if (*used + len < size) {
		memcpy(buffer + *used, text, len);
		*used += len;
	}
}

/*
 * What a signal handler writes to give the terminal back (see ui_signal.c): the
 * strings endwin would send, in its order, computed now because a handler may
 * not call tparm. CAN first ends any escape sequence curses was half way
 * through. Mouse and paste strings are added once those modes are on.
 */
static void prepare_restore(void)
{
	char bytes[512];
	size_t used = 0;

	append(bytes, sizeof bytes, &used, "\030");
	if (mouse_on) {
		const char *xterm_mouse = capability("XM");

		append(bytes, sizeof bytes, &used, xterm_mouse ? tiparm(xterm_mouse, 0) : "\033[?1000l");
	}
	if (paste_on)
		append(bytes, sizeof bytes, &used, paste_off);
	append(bytes, sizeof bytes, &used, capability("sgr0"));
	append(bytes, sizeof bytes, &used, capability("cnorm"));
	append(bytes, sizeof bytes, &used, capability("rmcup"));
	append(bytes, sizeof bytes, &used, capability("rmkx"));
	ui_signal_set_restore(bytes, used);
}

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

/* Whether the terminal brackets pastes, and how to ask it to (terminfo's BE/BD). */
static void find_bracketed_paste(void)
{
	paste_on = capability("BE");
	paste_off = capability("BD");
	in_paste = false;
	if (!paste_on || !paste_off)
		paste_on = paste_off = NULL;
}

/* The sequences around a paste (PS/PE, or xterm's) as two keys of our own; after keypad() set up the rest. */
static void bind_paste_keys(void)
{
	const char *begin = capability("PS"), *end = capability("PE");

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
static void bracketed_paste(bool on)
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

bool ui_term_open(const struct ui_options *options, struct ui_term_caps *caps, char *reason, size_t size)
{
	memset(caps, 0, sizeof *caps);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(reason, size, "the screen needs a terminal (use --batch for scripts and pipes)");
		return false;
	}
	setlocale(LC_ALL, "");
	/* Characters follow the user's locale; numbers in JSON, SVG and asciicast must keep a decimal point. */
	setlocale(LC_NUMERIC, "C");
	caps->utf8 = locale_is_utf8();
	if (!atexit_registered) {
		atexit(ui_term_close);
		atexit_registered = true;
	}
	dead_reads = 0;
	mouse_on = false;
	paste_on = paste_off = NULL;
	/* In the background: wait for `fg` before touching the terminal (ui_signal.c, steps 1 and 2). */
	ui_signal_wait_for_foreground_at_start();
	ui_signal_take();

	set_escdelay(25);  /* Esc acts at once (nnn); sequences still arrive within 25 ms */
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen) {
		const char *term = getenv("TERM");

		ui_signal_release();
		snprintf(reason, size, "cannot use the terminal type '%s'", term ? term : "(unset)");
		return false;
	}
	set_term(term_screen);
	/*
	 * The restore covers every mode about to be switched on before any is:
	 * a signal between a mode's escape going out and a later update would
	 * otherwise leave it on (switching off one never on does no harm).
	 * newterm's own output is still in curses' buffer here.
	 */
	find_bracketed_paste();
	mouse_on = !options->no_mouse;
	prepare_restore();
	if (!can_address_cursor()) {
		const char *term = getenv("TERM");

		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		ui_signal_release();
		snprintf(reason, size, "the terminal type '%s' cannot move the cursor", term ? term : "(unset)");
		return false;
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	leaveok(stdscr, FALSE);
	free_bound_keys();
	define_common_keys();
	bind_paste_keys();

	caps->monochrome = true;
	if (!no_color_requested(options) && has_colors() && start_color() == OK && COLORS >= 8 && COLOR_PAIRS >= 8) {
		use_default_colors();
		caps->monochrome = false;
	}
	if (!options->no_mouse) {
		mmask_t wanted = BUTTON1_PRESSED | BUTTON1_CLICKED;
#ifdef BUTTON5_PRESSED
		wanted |= BUTTON4_PRESSED | BUTTON5_PRESSED;
#endif
		mouseinterval(0);  /* report presses at once rather than waiting to see a click */
		caps->mouse = mousemask(wanted, NULL) != 0;
		mouse_on = caps->mouse;
	}
	bracketed_paste(true);
	prepare_restore();
	ui_signal_screen_up();
	return true;
}

void ui_term_close(void)
{
	if (!term_screen)
		return;
	/* In the background the terminal is the shell's (it put its modes back): touching it would stop us. */
	if (!isendwin() && ui_signal_in_foreground()) {
		bracketed_paste(false);
		curs_set(1);
		endwin();
	}
	ui_signal_screen_down();
	delscreen(term_screen);
	term_screen = NULL;
	ui_signal_release();
	fflush(stdout);
}

unsigned ui_term_take_events(int *quit_signal)
{
	struct ui_signal_events signals = ui_signal_take_events();
	unsigned events = TERM_EVENT_NONE;

	if (signals.quit) {
		events |= TERM_EVENT_QUIT;
		if (quit_signal)
			*quit_signal = signals.quit;
	}
	if (signals.suspend)
		events |= TERM_EVENT_SUSPEND;
	if (signals.resumed)
		events |= TERM_EVENT_CONTINUE;
	if (dead_reads > 20)
		events |= TERM_EVENT_LOST;
	return events;
}

/* The kernel's idea of the size, which may have changed while we were stopped. */
static void follow_terminal_size(void)
{
	struct winsize size;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0 &&
	    (size.ws_row != LINES || size.ws_col != COLS))
		resizeterm(size.ws_row, size.ws_col);
}

/* Back in the foreground after a stop: our modes again, and a full repaint at the next frame. */
static void take_terminal_again(void)
{
	ui_signal_screen_taking();
	reset_prog_mode();
	bracketed_paste(true);
	follow_terminal_size();
	clearok(curscr, TRUE);
	prepare_restore();
	ui_signal_screen_up();
}

void ui_term_suspend(void)
{
	if (!term_screen || isendwin())
		return;
	if (ui_signal_in_foreground()) {  /* else the terminal is not ours to give back (ui_term_close) */
		bracketed_paste(false);
		endwin();
		fflush(stdout);
	}
	ui_signal_screen_down();
	ui_signal_stop();  /* until SIGCONT, unless one came after the SIGTSTP */
	if (!ui_signal_wait_for_foreground())
		return;  /* a quit signal came while stopped: the loop leaves, the terminal stays given back */
	take_terminal_again();
}

void ui_term_continue(void)
{
	if (!term_screen || isendwin())
		return;
	/* A SIGSTOP and `bg` (or `kill -CONT` after the shell took the terminal): wait for `fg` first. */
	if (!ui_signal_in_foreground() && !ui_signal_wait_for_foreground())
		return;
	take_terminal_again();
}

void ui_term_reraise(int signal_number)
{
	ui_signal_reraise(signal_number);
}

/* Translate one mouse event; only clicks and the wheel mean anything here. */
static void read_mouse(struct ui_key *key)
{
	MEVENT event;

	key->mouse = true;
	key->mouse_action = MOUSE_NONE;
	if (getmouse(&event) != OK)
		return;
	key->mouse_row = event.y;
	key->mouse_column = event.x;
	if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		key->mouse_action = MOUSE_CLICK;
#ifdef BUTTON5_PRESSED
	else if (event.bstate & BUTTON4_PRESSED)
		key->mouse_action = MOUSE_WHEEL_UP;
	else if (event.bstate & BUTTON5_PRESSED)
		key->mouse_action = MOUSE_WHEEL_DOWN;
#endif
}

/*
 * ncurses hands back an escape sequence it does not know as Esc and the bytes
 * after it, all already read: swallow such a sequence whole (CSI/SS3 up to its
 * final byte) rather than let Esc switch focus and "[4~" land in the bar. Any
 * other character after Esc is simply the next key (Esc has one meaning).
 */
static void read_after_escape(struct ui_key *key)
{
	wint_t next;
	int got = wget_wch(stdscr, &next);

	if (got == ERR)
		return;  /* a lone Esc (nodelay is on: nothing else was waiting) */
	if (got == OK && (next == '[' || next == 'O')) {
		key->code = 0;
		key->unknown = true;
		for (int i = 0; i < 32 && wget_wch(stdscr, &next) == OK; i++)
			if (next >= 0x40 && next <= 0x7e)
				break;
		return;
	}
	if (got == KEY_CODE_YES)
		ungetch((int)next);
	else
		unget_wch((wchar_t)next);
}

/* Standard input reports readable but holds no byte: end of file. */
static bool input_at_end(void)
{
	struct pollfd input = { .fd = STDIN_FILENO, .events = POLLIN, .revents = 0 };
	int pending = 0;
	return poll(&input, 1, 0) == 1 && (input.revents & POLLIN) && ioctl(STDIN_FILENO, FIONREAD, &pending) == 0 &&
	       pending == 0;
}

static long long monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Mark key as part of a bracketed paste, or as one of its two bracketing sequences. */
static void follow_paste(struct ui_key *key)
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
static bool read_paste(struct ui_key *key, int timeout_ms)
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
			dead_reads++;
		return false;
	}
	dead_reads = 0;
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

bool ui_term_read(struct ui_key *key, int timeout_ms)
{
	struct pollfd input[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN, .revents = 0 },
		{ .fd = ui_signal_wake_fd(), .events = POLLIN, .revents = 0 },
	};
	wint_t code;
	int got, ready;

	memset(key, 0, sizeof *key);
	if (ui_signal_pending())
		return false;  /* a signal first: even in the middle of a long paste */
	if (in_paste)
		return read_paste(key, timeout_ms);
	/* ncurses may hold bytes it read ahead (an Esc then a letter): ask it before waiting. */
	nodelay(stdscr, TRUE);
	got = wget_wch(stdscr, &code);
	if (got == ERR) {
		/* A held SIGTSTP wakes nothing: come back to the loop often enough to see it (ui_signal.c, 7). */
		ready = poll(input, input[1].fd >= 0 ? 2 : 1,
			     timeout_ms < 0 || timeout_ms > UI_SIGNAL_CHECK_MS ? UI_SIGNAL_CHECK_MS : timeout_ms);
		if (ready > 0 && input[1].revents) {
			ui_signal_drain_wake();
			return false;  /* a handler ran: the loop looks at its flags */
		}
		if (ready <= 0) {
			/* A paste whose end never came (a lost sequence): end it rather than swallow every key after it. */
			if (ready == 0 && in_paste && monotonic_ms() - paste_heard_ms >= PASTE_SILENCE_MS) {
				in_paste = false;
				key->paste_end = true;
				return true;
			}
			return false;  /* timeout, or a signal (EINTR) for the loop to look at */
		}
		got = wget_wch(stdscr, &code);
		if (got == ERR) {
			/*
			 * Ready but no character. A hang-up, or end of file (still
			 * readable with nothing to read), again and again means the
			 * terminal is gone. Otherwise ncurses took bytes that make no
			 * character (an 8-bit Meta key, Latin-1 in a UTF-8 locale):
			 * they are dropped, and heapviz goes on.
			 */
			if ((input[0].revents & (POLLHUP | POLLERR | POLLNVAL)) || input_at_end())
				dead_reads++;
			return false;
		}
	}
	dead_reads = 0;
	key->function = got == KEY_CODE_YES;
	key->code = (unsigned)code;
	if (key->function && code == KEY_MOUSE)
		read_mouse(key);
	else if (!key->function && code == 0x1b)
		read_after_escape(key);
	follow_paste(key);
	return true;
}

void ui_term_size(int *width, int *height)
{
	*width = COLS;
	*height = LINES;
}
