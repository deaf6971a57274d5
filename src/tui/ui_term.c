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

#include "ui_paste.h"
#include "ui_signal.h"

/* Non-NULL while curses owns the terminal. */
static SCREEN *term_screen;
static bool atexit_registered;

/* Polls in a row where input was ready but nothing could be read: the tty is gone. */
static int dead_reads;

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
const char *ui_term_capability(const char *name)
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
		const char *xterm_mouse = ui_term_capability("XM");

		append(bytes, sizeof bytes, &used, xterm_mouse ? tiparm(xterm_mouse, 0) : "\033[?1000l");
	}
	append(bytes, sizeof bytes, &used, ui_paste_off_sequence());
	append(bytes, sizeof bytes, &used, ui_term_capability("sgr0"));
	append(bytes, sizeof bytes, &used, ui_term_capability("cnorm"));
	append(bytes, sizeof bytes, &used, ui_term_capability("rmcup"));
	append(bytes, sizeof bytes, &used, ui_term_capability("rmkx"));
	ui_signal_set_restore(bytes, used);
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
	ui_paste_forget();
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
	ui_paste_find();
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
	ui_paste_bind_keys();

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
	ui_paste_mode(true);
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
		ui_paste_mode(false);
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
	ui_paste_mode(true);
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
		ui_paste_mode(false);
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
	if (ui_paste_active())
		return ui_paste_read(key, timeout_ms, &dead_reads);
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
			if (ready == 0 && ui_paste_lost(key))
				return true;
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
	ui_paste_follow(key);
	return true;
}

void ui_term_size(int *width, int *height)
{
	*width = COLS;
	*height = LINES;
}
