/* ui_signal.h - signals and job control under the screen: flags for the loop, an async-signal-safe restore. */
#ifndef HEAPVIZ_UI_SIGNAL_H
#define HEAPVIZ_UI_SIGNAL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Before anything touches the terminal: while heapviz's process group is in
 * the background, stop (SIGTTOU, as the kernel would) until it is brought to
 * the foreground. No handler is installed yet, so SIGINT, SIGTERM and SIGHUP
 * end heapviz at once, stopped or not.
 */
void ui_signal_wait_for_foreground_at_start(void);

/*
 * Save the terminal's modes, open the wake-up pipe and catch every signal
 * whose default would stop or end heapviz (those ignored or owned by someone
 * else, such as a sanitizer, are left alone). From here until
 * ui_signal_screen_up a quit signal gives the modes back and ends heapviz at
 * once: curses is half set up and the loop is not running.
 */
void ui_signal_take(void);
/* The bytes that undo what curses turned on (alternate screen, keypad, mouse...), copied for the handlers. */
void ui_signal_set_restore(const char *bytes, size_t len);
/* Curses is putting its modes back (a resume): as while first taking the terminal, a quit signal ends heapviz at once. */
void ui_signal_screen_taking(void);
/* The screen is up and the loop reads the flags: quit signals become a flag, SIGTSTP is held pending. */
void ui_signal_screen_up(void);
/* The terminal has been given back (endwin): a fatal signal now ends heapviz without writing to it. */
void ui_signal_screen_down(void);
/* Every signal back to its default and the pipe closed; safe to call twice. */
void ui_signal_release(void);

/* Signals seen since the last look. */
struct ui_signal_events {
	int quit;        /* SIGINT, SIGTERM or SIGHUP: the signal number, 0 = none (stays set) */
	bool suspend;    /* a SIGTSTP is pending (no SIGCONT since): give the terminal back, then ui_signal_stop */
	bool resumed;    /* SIGCONT: someone may have drawn or changed the modes */
};
struct ui_signal_events ui_signal_take_events(void);
/* A held SIGTSTP is only seen when the loop looks: it must look at least this often. */
#define UI_SIGNAL_CHECK_MS 100
/* A quit or continue flag the loop has not taken yet (cheap: no system call; a held SIGTSTP is not seen here). */
bool ui_signal_pending(void);
/* Our process group holds the terminal (true too when it has no job control). */
bool ui_signal_in_foreground(void);
/* Readable whenever a handler has run: poll it with the terminal so a signal wakes the wait at once. */
int ui_signal_wake_fd(void);
/* Empty the wake-up pipe (after poll said it is readable). */
void ui_signal_drain_wake(void);

/*
 * Let the pending SIGTSTP stop the process; returns after SIGCONT, or at once
 * if a SIGCONT has overtaken it meanwhile (the last signal said "go on").
 */
void ui_signal_stop(void);
/*
 * After a SIGCONT: while the process group is in the background, stop again
 * (SIGTTOU) instead of touching the terminal. False when a quit signal
 * arrived meanwhile (the caller leaves); true once in the foreground.
 */
bool ui_signal_wait_for_foreground(void);

/* After the terminal is given back: end the process with signal_number and its default action. */
void ui_signal_reraise(int signal_number);

#endif
