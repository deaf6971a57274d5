/* ui_signal.c - signals while heapviz owns the terminal: flags for the loop, job control, a restore safe in a handler. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700  /* sigaltstack and SA_ONSTACK (XSI): a stack overflow still gives the terminal back */
#endif
#include "ui_signal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/*
 * How heapviz meets signals, and why each step is there.
 *
 * 1. Nothing is caught until heapviz's process group is the terminal's
 *    foreground group. A background job that sets terminal modes is stopped
 *    by SIGTTOU inside tcsetattr, and the kernel restarts that call after
 *    SIGCONT: with a handler that only sets a flag, SIGTERM + SIGCONT
 *    (`kill %1`, timeout(1)) would run the handler and stop again inside the
 *    same tcsetattr, forever. So heapviz first waits with every signal at its
 *    default: it stops itself with SIGTTOU (as the kernel would) until `fg`,
 *    and SIGTERM, SIGHUP or SIGINT end it at once, even while it is stopped.
 *
 * 2. Then the modes are saved (tcgetattr, before curses changes anything) and
 *    the handlers installed, before newterm, so ncurses leaves these signals
 *    to us (it only takes those still at SIG_DFL). A signal that is ignored
 *    (nohup, a background job of a shell without job control) or already
 *    handled by someone else (a sanitizer's SIGSEGV) is left as it is.
 *
 * 3. While curses is being set up (phase TAKING: newterm, modes, keypad,
 *    mouse; again while a resume puts the modes back) the loop is not
 *    running, so a quit signal cannot wait for it: the handler gives the
 *    terminal back and ends heapviz itself. The same happens for a second quit
 *    signal while the first is still pending, so a stuck loop cannot keep
 *    heapviz alive.
 *
 * 4. Once the screen is up (phase ON), SIGINT, SIGTERM and SIGHUP only set a
 *    flag and write a byte to a pipe the input wait polls, so the loop wakes
 *    at once, leaves through endwin (the full restore) and re-raises the
 *    signal with its default action: the exit status shows it.
 *
 * 5. Every other signal whose default ends the process (SIGQUIT, SIGPIPE,
 *    SIGALRM, SIGUSR1/2, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
 *    SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGSYS, the real-time signals...)
 *    cannot wait for the loop: a SIGSEGV handler that returns faults again.
 *    Its handler uses only async-signal-safe calls: write(2) of escape
 *    sequences computed beforehand (leave the alternate screen, mouse and
 *    keypad modes off, bracketed paste off, normal cursor and attributes),
 *    tcsetattr(2) with the saved modes, then SIG_DFL and raise(). It never
 *    draws. The sequences start with CAN, which cancels an escape sequence
 *    curses may have been half way through writing. It runs on an alternate
 *    stack, so a stack overflow still gets there. SIGKILL and SIGSTOP cannot
 *    be caught: nothing can be done for them.
 *
 * 6. The restore is only written while the terminal is ours: after the screen
 *    is taken, and only when our group is in the foreground. A job stopped
 *    and put in the background has handed the terminal to the shell (which
 *    puts back its own modes); writing our saved modes there would clobber
 *    whoever holds it now. Job-control signals are blocked in the handlers,
 *    so a handler itself can never be stopped by SIGTTOU.
 *
 * 7. SIGTSTP is caught only while curses starts (so ncurses leaves it to
 *    us). Once the screen is up it is held: blocked, at its default action.
 *    The kernel then keeps a SIGTSTP pending and a later SIGCONT discards it:
 *    its own record of which came last, so after any burst of TSTP/CONT pairs
 *    a stop is pending exactly when TSTP came last. The loop looks at the
 *    pending set (sigpending) each time round, at least every
 *    UI_SIGNAL_CHECK_MS; to suspend it gives the terminal back and unblocks
 *    SIGTSTP, and the stop happens then - or not at all if a SIGCONT overtook
 *    it meanwhile. Catching SIGTSTP and raising it again later cannot do this:
 *    raising a stop signal discards a SIGCONT not yet delivered, so a CONT
 *    landing just then would be lost and heapviz left stopped. (Only a
 *    SIGTSTP caught during the milliseconds of start-up is raised again into
 *    the held state - unless a SIGCONT was counted after it - and keeps that
 *    small window.)
 *
 * 8. After any SIGCONT heapviz may be in the background (`bg`, or `kill -CONT`
 *    after the shell took the terminal back). It must not touch the terminal
 *    then, so it stops itself again with SIGTTOU, in a loop that checks the
 *    quit flag each time it is continued: `kill %1` (bash sends SIGCONT after
 *    SIGTERM and SIGHUP) or SIGINT + SIGCONT ends it.
 */

enum phase {
	PHASE_OFF,     /* the terminal is not ours (not yet, given back, or held by another job) */
	PHASE_TAKING,  /* curses half set up: a quit signal restores and ends heapviz in the handler */
	PHASE_ON       /* the screen is up: quit signals are flags for the loop */
};
static volatile sig_atomic_t phase = PHASE_OFF;

static volatile sig_atomic_t pending_quit;      /* the signal number, 0 = none */
static volatile sig_atomic_t pending_resumed;
/* A SIGTSTP caught while curses started, and how many SIGCONTs had come by then (7). */
static volatile sig_atomic_t early_suspend;
static volatile sig_atomic_t continue_count;    /* SIGCONTs seen, modulo CONTINUE_WRAP */
static volatile sig_atomic_t suspend_mark;
#define CONTINUE_WRAP 0x4000                    /* keeps the count within any sig_atomic_t */
static bool tstp_taken;                         /* SIGTSTP was ours to catch (not ignored) */
static bool holding_stop;                       /* SIGTSTP blocked at its default (7) */

/* The modes to give back, saved before curses changed them (both ends: curses sets the output's). */
static struct termios saved_input, saved_output;
static volatile sig_atomic_t have_saved_input, have_saved_output;

/* Two copies of the restore bytes, so a handler never reads one being rewritten. */
#define RESTORE_MAX 512
static char restore_bytes[2][RESTORE_MAX];
static size_t restore_len[2];
static volatile sig_atomic_t restore_slot = -1;

static int wake_pipe[2] = { -1, -1 };

/* The signals we took over, to put back at release. */
static int caught[96];
static size_t caught_count;

static char alternate_stack[64 * 1024];

/* Signals that end heapviz and cannot wait for the loop (5); the real-time ones are added at run time. */
static const int fatal_signals[] = {
	SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGSYS,
#ifdef SIGPOLL
	SIGPOLL,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};

/* Our group holds the terminal (or there is no job control on it). Async-signal-safe. */
static bool in_foreground(void)
{
	pid_t group = tcgetpgrp(STDIN_FILENO);

	return group == -1 || group == getpgrp();
}

static void wake_loop(void)
{
	if (wake_pipe[1] >= 0) {
		ssize_t ignored = write(wake_pipe[1], "", 1);  /* full pipe: the loop is awake anyway */
		(void)ignored;
	}
}

static void write_all(int fd, const char *bytes, size_t len)
{
	for (int tries = 0; len > 0 && tries < 64; tries++) {
		ssize_t done = write(fd, bytes, len);

		if (done > 0) {
			bytes += done;
			len -= (size_t)done;
		} else if (done < 0 && errno != EINTR && errno != EAGAIN) {
			return;
		}
	}
}

/* Undo what curses did, with async-signal-safe calls only (6). */
static void give_back_terminal(void)
{
	int slot = restore_slot;

	if (phase == PHASE_OFF || !in_foreground())
		return;
	if (slot == 0 || slot == 1)
		write_all(STDOUT_FILENO, restore_bytes[slot], restore_len[slot]);
	if (have_saved_output)
		tcsetattr(STDOUT_FILENO, TCSANOW, &saved_output);
	if (have_saved_input)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_input);
	phase = PHASE_OFF;
}

/* End the process as signal_number's default action would; async-signal-safe. */
static void die(int signal_number)
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
	_exit(128 + signal_number);  /* not reached for a signal whose default ends the process */
}

static void on_fatal_signal(int signal_number)
{
	give_back_terminal();
	die(signal_number);
}

static void on_quit_signal(int signal_number)
{
	int saved_errno = errno;

	if (phase == PHASE_TAKING || pending_quit)
		on_fatal_signal(signal_number);  /* (3): nobody would look at the flag */
	pending_quit = signal_number;
	wake_loop();
	errno = saved_errno;
}

static void on_suspend_signal(int signal_number)
{
	int saved_errno = errno;

	(void)signal_number;
	suspend_mark = continue_count;
	early_suspend = 1;
	wake_loop();
	errno = saved_errno;
}

static void on_continue_signal(int signal_number)
{
	int saved_errno = errno;

	(void)signal_number;
	continue_count = (continue_count + 1) % CONTINUE_WRAP;
	pending_resumed = 1;
	wake_loop();
	errno = saved_errno;
}

/* Install handler for signal_number if it is at its default (2); remember it for release. */
static bool take_over(int signal_number, void (*handler)(int), int flags)
{
	struct sigaction old, action;

	if (caught_count >= sizeof caught / sizeof caught[0])
		return false;
	if (sigaction(signal_number, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
		return false;
	memset(&action, 0, sizeof action);
	action.sa_handler = handler;
	sigfillset(&action.sa_mask);  /* nothing interrupts a handler, and none can be stopped by SIGTTOU */
	action.sa_flags = flags;      /* no SA_RESTART: a signal wakes the input wait at once */
	if (sigaction(signal_number, &action, NULL) != 0)
		return false;
	caught[caught_count++] = signal_number;
	return true;
}

static void set_disposition(int signal_number, void (*handler)(int))
{
	struct sigaction action;

	memset(&action, 0, sizeof action);
	action.sa_handler = handler;
	sigemptyset(&action.sa_mask);
	sigaction(signal_number, &action, NULL);
}

static void mask_stop_signal(int how)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTSTP);
	sigprocmask(how, &stop, NULL);
}

/* From catching SIGTSTP to holding it (7); a SIGTSTP caught during start-up stays pending unless a SIGCONT followed. */
static void hold_stop_signal(void)
{
	if (!tstp_taken || holding_stop)
		return;
	mask_stop_signal(SIG_BLOCK);
	set_disposition(SIGTSTP, SIG_DFL);
	holding_stop = true;
	if (early_suspend && suspend_mark == continue_count)
		raise(SIGTSTP);
	early_suspend = 0;
}

/* Back to nothing held: a pending SIGTSTP is dropped (SIG_IGN discards it) - heapviz is leaving. */
static void let_go_of_stop_signal(void)
{
	if (!holding_stop)
		return;
	set_disposition(SIGTSTP, SIG_IGN);
	mask_stop_signal(SIG_UNBLOCK);
	set_disposition(SIGTSTP, SIG_DFL);
	holding_stop = false;
}

static bool stop_is_pending(void)
{
	sigset_t pending;

	return holding_stop && sigpending(&pending) == 0 && sigismember(&pending, SIGTSTP);
}

/* A stack for the fatal handlers, unless one is set already (a sanitizer's). */
static int alternate_stack_flag(void)
{
	stack_t current, ours;

	if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE))
		return SA_ONSTACK;
	memset(&ours, 0, sizeof ours);
	ours.ss_sp = alternate_stack;
	ours.ss_size = sizeof alternate_stack;
	return sigaltstack(&ours, NULL) == 0 ? SA_ONSTACK : 0;
}

static void open_wake_pipe(void)
{
	if (wake_pipe[0] >= 0 || pipe(wake_pipe) != 0)
		return;
	for (int i = 0; i < 2; i++) {
		fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
	}
}

/*
 * Stop with SIGTTOU, as the kernel stops a background job touching the
 * terminal. False when that cannot stop us (SIGTTOU ignored or blocked: then
 * the kernel lets us set modes from the background anyway).
 */
static bool stop_for_terminal(void)
{
	struct sigaction current;
	sigset_t mask;

	if (sigaction(SIGTTOU, NULL, &current) != 0 || current.sa_handler == SIG_IGN)
		return false;
	if (sigprocmask(SIG_BLOCK, NULL, &mask) != 0 || sigismember(&mask, SIGTTOU))
		return false;
	kill(0, SIGTTOU);
	if (!in_foreground()) {
		/* Continued in the background, or an orphaned group the kernel will not stop: do not spin. */
		struct timespec pause = { 0, 50 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	return true;
}

bool ui_signal_wait_for_foreground(void)
{
	sig_atomic_t was = phase;

	phase = PHASE_OFF;  /* while we wait, the terminal is someone else's (6) */
	while (!pending_quit && !in_foreground())
		if (!stop_for_terminal())
			break;
	phase = was;
	return !pending_quit;
}

void ui_signal_wait_for_foreground_at_start(void)
{
	ui_signal_wait_for_foreground();
}

void ui_signal_take(void)
{
	int stack_flag;

	ui_signal_release();
	have_saved_input = tcgetattr(STDIN_FILENO, &saved_input) == 0;
	have_saved_output = tcgetattr(STDOUT_FILENO, &saved_output) == 0;
	restore_slot = -1;
	pending_quit = early_suspend = pending_resumed = 0;
	open_wake_pipe();
	phase = PHASE_TAKING;
	take_over(SIGINT, on_quit_signal, 0);
	take_over(SIGTERM, on_quit_signal, 0);
	take_over(SIGHUP, on_quit_signal, 0);
	tstp_taken = take_over(SIGTSTP, on_suspend_signal, 0);
	take_over(SIGCONT, on_continue_signal, 0);
	stack_flag = alternate_stack_flag();
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		take_over(fatal_signals[i], on_fatal_signal, stack_flag);
#ifdef SIGRTMIN
	for (int signal_number = SIGRTMIN; signal_number <= SIGRTMAX; signal_number++)
		take_over(signal_number, on_fatal_signal, stack_flag);
#endif
}

void ui_signal_set_restore(const char *bytes, size_t len)
{
	int slot = restore_slot == 0 ? 1 : 0;

	if (len > RESTORE_MAX)
		len = RESTORE_MAX;
	memcpy(restore_bytes[slot], bytes, len);
	restore_len[slot] = len;
	restore_slot = slot;  /* one store: a handler sees the old copy or the new one, whole */
}

void ui_signal_screen_taking(void)
{
	phase = PHASE_TAKING;
}

void ui_signal_screen_up(void)
{
	hold_stop_signal();
	phase = PHASE_ON;
}

void ui_signal_screen_down(void)
{
	phase = PHASE_OFF;
}

void ui_signal_release(void)
{
	struct sigaction action;

	phase = PHASE_OFF;
	let_go_of_stop_signal();
	tstp_taken = false;
	memset(&action, 0, sizeof action);
	action.sa_handler = SIG_DFL;
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < caught_count; i++)
		sigaction(caught[i], &action, NULL);
	caught_count = 0;
	for (int i = 0; i < 2; i++) {
		if (wake_pipe[i] >= 0)
			close(wake_pipe[i]);
		wake_pipe[i] = -1;
	}
}

struct ui_signal_events ui_signal_take_events(void)
{
	struct ui_signal_events events;

	events.quit = pending_quit;
	events.suspend = stop_is_pending();  /* (7): pending means no SIGCONT since */
	events.resumed = pending_resumed != 0;
	pending_resumed = 0;
	return events;
}

bool ui_signal_pending(void)
{
	return pending_quit || pending_resumed;
}

bool ui_signal_in_foreground(void)
{
	return in_foreground();
}

int ui_signal_wake_fd(void)
{
	return wake_pipe[0];
}

void ui_signal_drain_wake(void)
{
	char sink[64];

	while (wake_pipe[0] >= 0 && read(wake_pipe[0], sink, sizeof sink) > 0)
		continue;
}

void ui_signal_stop(void)
{
	if (!holding_stop)
		return;
	mask_stop_signal(SIG_UNBLOCK);  /* a SIGTSTP still pending stops us here until SIGCONT (7) */
	mask_stop_signal(SIG_BLOCK);
}

void ui_signal_reraise(int signal_number)
{
	die(signal_number);
}
