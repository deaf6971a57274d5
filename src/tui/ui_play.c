/* ui_play.c - timeline playback in the screen: play, pause, pace, and the step that is due. */
#include "ui_internal.h"

#include <time.h>

/* Timeline playback: one step every PLAY_INTERVAL_MS at 100 %, plus the step's own sleep. */
#define PLAY_INTERVAL_MS 800
#define SPEED_MIN 25u
#define SPEED_MAX 1600u

long long ui_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* How long the current step stays on screen while playing: the base pace, scaled, plus its sleep. */
static long long step_duration_ms(const struct ui *ui)
{
	struct step_info info;
	long long duration = (long long)PLAY_INTERVAL_MS * 100 / (ui->state.speed_percent ? ui->state.speed_percent : 100);

	if (session_step_info(ui->session, session_step(ui->session), &info))
		duration += (long long)info.sleep_ms * 100 / (ui->state.speed_percent ? ui->state.speed_percent : 100);
	return duration;
}

/* The status line after moving through the timeline: the step and what it did. */
static void show_step(struct ui *ui)
{
	view_timeline_message(ui->session, &ui->state);
}

/* Home/End in the grid with a timeline: jump to the first or last step (history kept). */
unsigned ui_goto_step(struct ui *ui, size_t step)
{
	struct command_error error;

	if (!session_goto(ui->session, step, &error)) {
		ui_set_message(ui, ROLE_ERROR, "%s", error.message);
		return REACT_REDRAW;
	}
	ui->next_tick_ms = ui_now_ms() + step_duration_ms(ui);
	show_step(ui);
	return REACT_REDRAW;
}

/* F5: play from here (from the start when at the end), or pause. */
unsigned ui_toggle_play(struct ui *ui)
{
	if (!ui->state.timeline)
		return REACT_NONE;
	ui->state.playing = !ui->state.playing;
	if (ui->state.playing && session_step(ui->session) >= session_last_step(ui->session))
		return ui_goto_step(ui, 0);
	ui->next_tick_ms = ui_now_ms() + step_duration_ms(ui);
	return REACT_REDRAW;
}

/* F6 slower, F7 faster: halve or double the pace, within SPEED_MIN..SPEED_MAX percent. */
unsigned ui_change_speed(struct ui *ui, bool faster)
{
	unsigned speed = ui->state.speed_percent ? ui->state.speed_percent : 100;

	if (!ui->state.timeline)
		return REACT_NONE;
	speed = faster ? speed * 2 : speed / 2;
	if (speed < SPEED_MIN)
		speed = SPEED_MIN;
	if (speed > SPEED_MAX)
		speed = SPEED_MAX;
	ui->state.speed_percent = speed;
	char pace[16];
	view_format_pace(speed, ui->state.ascii, pace, sizeof pace);
	char slower_key[32], faster_key[32];
	keymap_keys_of(ACTION_SLOWER, KEYMAP_IN_BAR, 1, slower_key, sizeof slower_key);
	keymap_keys_of(ACTION_FASTER, KEYMAP_IN_BAR, 1, faster_key, sizeof faster_key);
	ui_set_message(ui, ROLE_NOTE, "playback pace %s (%s slower, %s faster)", pace, slower_key, faster_key);
	return REACT_REDRAW;
}

/* While playing: step forward when the current step's time is up; stop at the last step. */
unsigned ui_play_tick(struct ui *ui)
{
	struct command_error error;

	if (!ui->state.playing || ui_now_ms() < ui->next_tick_ms)
		return REACT_NONE;
	if (session_step(ui->session) >= session_last_step(ui->session) ||
	    !session_redo(ui->session, &error)) {
		ui->state.playing = false;
		return REACT_REDRAW;
	}
	show_step(ui);
	ui->next_tick_ms = ui_now_ms() + step_duration_ms(ui);
	if (session_step(ui->session) >= session_last_step(ui->session))
		ui->state.playing = false;
	return REACT_REDRAW;
}

/* How long the loop may wait for a key before the next playback step is due. */
int ui_input_timeout_ms(const struct ui *ui)
{
	long long wait;

	if (!ui->state.playing)
		return 1000;
	wait = ui->next_tick_ms - ui_now_ms();
	return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}
