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
#include <unistd.h>

/* Non-NULL while curses owns the terminal. */
static SCREEN *term_screen;
static bool atexit_registered;

/* Set by the handlers, read by the loop: a handler never draws (kilo's mistake). */
static volatile sig_atomic_t pending_quit;     /* the signal number, 0 = none */
static volatile sig_atomic_t pending_suspend;
static volatile sig_atomic_t pending_continue;

/* Polls in a row where input was ready but nothing could be read: the tty is gone. */
static int dead_reads;

static void on_quit_signal(int signal_number)
{
	pending_quit = signal_number;
}

static void on_suspend_signal(int signal_number)
{
	(void)signal_number;
	pending_suspend = 1;
}

static void on_continue_signal(int signal_number)
{
	(void)signal_number;
	pending_continue = 1;
}

/* Catch signal_number unless it was ignored when we started (nohup, shells without job control). */
static void catch_signal(int signal_number, void (*handler)(int))
{
	struct sigaction old, action;

	if (sigaction(signal_number, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	memset(&action, 0, sizeof action);
	action.sa_handler = handler;
	sigemptyset(&action.sa_mask);
	action.sa_flags = 0;  /* no SA_RESTART: a signal wakes the input wait at once */
	sigaction(signal_number, &action, NULL);
}

static void default_signal(int signal_number)
{
	struct sigaction old, action;

	if (sigaction(signal_number, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	memset(&action, 0, sizeof action);
	action.sa_handler = SIG_DFL;
	sigemptyset(&action.sa_mask);
	sigaction(signal_number, &action, NULL);
}

/* Installed before curses starts, so ncurses leaves these signals to us (it only takes SIG_DFL ones). */
static void catch_signals(void)
{
	catch_signal(SIGINT, on_quit_signal);
	catch_signal(SIGTERM, on_quit_signal);
	catch_signal(SIGHUP, on_quit_signal);
	catch_signal(SIGTSTP, on_suspend_signal);
	catch_signal(SIGCONT, on_continue_signal);
}

static void release_signals(void)
{
	default_signal(SIGINT);
	default_signal(SIGTERM);
	default_signal(SIGHUP);
	default_signal(SIGTSTP);
	default_signal(SIGCONT);
}

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
	pending_quit = pending_suspend = pending_continue = 0;
	dead_reads = 0;
	catch_signals();

	set_escdelay(25);  /* Esc acts at once (nnn); sequences still arrive within 25 ms */
	term_screen = newterm(NULL, stdout, stdin);
	if (!term_screen) {
		const char *term = getenv("TERM");

		release_signals();
		snprintf(reason, size, "cannot use the terminal type '%s'", term ? term : "(unset)");
		return false;
	}
	set_term(term_screen);
	if (!can_address_cursor()) {
		const char *term = getenv("TERM");

		endwin();
		delscreen(term_screen);
		term_screen = NULL;
		release_signals();
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
	}
	return true;
}

void ui_term_close(void)
{
	if (!term_screen)
		return;
	if (!isendwin()) {
		curs_set(1);
		endwin();
	}
	delscreen(term_screen);
	term_screen = NULL;
	release_signals();
	fflush(stdout);
}

unsigned ui_term_take_events(int *quit_signal)
{
	unsigned events = TERM_EVENT_NONE;

	if (pending_quit) {
		events |= TERM_EVENT_QUIT;
		if (quit_signal)
			*quit_signal = pending_quit;
	}
	if (pending_suspend) {
		pending_suspend = 0;
		events |= TERM_EVENT_SUSPEND;
	}
	if (pending_continue) {
		pending_continue = 0;
		events |= TERM_EVENT_CONTINUE;
	}
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

void ui_term_suspend(void)
{
	sigset_t stop, old;

	if (!term_screen)
		return;
	endwin();
	fflush(stdout);
	default_signal(SIGTSTP);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &stop, &old);
	raise(SIGTSTP);  /* stops here until SIGCONT */
	sigprocmask(SIG_SETMASK, &old, NULL);
	catch_signal(SIGTSTP, on_suspend_signal);
	pending_continue = 0;
	reset_prog_mode();
	follow_terminal_size();
	clearok(curscr, TRUE);
}

void ui_term_reraise(int signal_number)
{
	struct sigaction action;
	sigset_t set;

	memset(&action, 0, sizeof action);
	action.sa_handler = SIG_DFL;
	sigemptyset(&action.sa_mask);
	sigaction(signal_number, &action, NULL);
	sigemptyset(&set);
	sigaddset(&set, signal_number);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(signal_number);
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
	struct pollfd input = { .fd = STDIN_FILENO, .events = POLLIN, .revents = 0 };
	wint_t code;
	int got, ready;

	memset(key, 0, sizeof *key);
	/* ncurses may hold bytes it read ahead (an Esc then a letter): ask it before waiting. */
	nodelay(stdscr, TRUE);
	got = wget_wch(stdscr, &code);
	if (got == ERR) {
		ready = poll(&input, 1, timeout_ms);
		if (ready <= 0)
			return false;  /* timeout, or a signal (EINTR) for the loop to look at */
		got = wget_wch(stdscr, &code);
		if (got == ERR) {
			/*
			 * Ready but no character. A hang-up, or end of file (still
			 * readable with nothing to read), again and again means the
			 * terminal is gone. Otherwise ncurses took bytes that make no
			 * character (an 8-bit Meta key, Latin-1 in a UTF-8 locale):
			 * they are dropped, and heapviz goes on.
			 */
			if ((input.revents & (POLLHUP | POLLERR | POLLNVAL)) || input_at_end())
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
	return true;
}

void ui_term_size(int *width, int *height)
{
	*width = COLS;
	*height = LINES;
}
