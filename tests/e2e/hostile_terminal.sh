#!/usr/bin/env bash
# hostile_terminal.sh - a hostile terminal: fifty resizes during playback, 1x1 and back, SIGINT/SIGTERM/
# SIGHUP and SIGTSTP/SIGCONT at seeded random moments, the pane closed while recording. The terminal modes
# are restored (`stty -g` in the pane's shell, before and after) and each recording plays in asciinema.
source "$(dirname "$0")/tmux_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"
command -v asciinema >/dev/null || fail "asciinema is not installed (make test installs it)"

RANDOM=8   # seeded: the same "random" moments on every run
# A long timeline, so playback runs through everything below.
lesson=$E2E_DIR/long.hv
for i in $(seq 1 100); do
	printf 'alloc %d as n%d\nnote step %d\nfree n%d\n' $((i % 48 + 1)) "$i" "$i" "$i"
done >"$lesson"

# A millisecond pause below MAX, as sleep's seconds.
random_pause() {
	local ms=$((RANDOM % $1))
	sleep "$(printf '0.%03d' "$ms")"
}

# heapviz's pid: the process so named below the pane's shell, from /proc.
heapviz_pid() {
	descendant_named "$(tm display-message -p -t "$TARGET" '#{pane_pid}')" heapviz
}

# The state letter of a process (R, S, T for stopped, ...), from /proc.
proc_state() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	echo "${stat%% *}"
}

clear_shell() {
	send_keys C-l
	wait_until "a clear shell screen" shell_clear
}
shell_clear() {
	[ "$(screen_text | grep -c .)" -le 1 ] && screen_matches "^$SHELL_TAG"
}

# Save the terminal's modes as the pane's shell sees them, into FILE.
save_modes() {
	clear_shell
	type_text "stty -g >'$1'; echo sa\"\"ved"
	send_keys Enter
	wait_for_regex '^saved' "stty -g into $1"
}

# launch ARGS...: heapviz from the pane's shell (a job of an interactive bash, as a user runs it).
launch() {
	clear_shell
	type_text "'$HEAPVIZ' $*"
	send_keys Enter
	wait_for_heapviz
}

# After heapviz has gone: the prompt is back and the modes are what they were.
expect_restored() {
	local how=$1
	wait_until "the prompt after $how" screen_matches "^$SHELL_TAG\$"
	save_modes "$E2E_DIR/after"
	cmp -s "$E2E_DIR/before" "$E2E_DIR/after" ||
		fail "after $how the terminal modes differ: $(cat "$E2E_DIR/before") vs $(cat "$E2E_DIR/after")"
	assert_lacks "step 0 / " "after $how (the alternate screen is gone)"
}

# check_cast FILE: a valid asciicast with no raw control sequence from user text, which asciinema plays.
check_cast() {
	check_clean cast "$1" >"$E2E_DIR/problems" || fail "$1: $(cat "$E2E_DIR/problems")"
	timeout 30 script -qec "asciinema cat '$1'" /dev/null >"$E2E_DIR/played" 2>&1 ||
		fail "asciinema cat refused $1: $(tail -c 300 "$E2E_DIR/played")"
}

start_shell 80 24
save_modes "$E2E_DIR/before"

# 1. Fifty resizes during playback, recorded, with 1x1 among them and 80x24 at the end.
launch --record "'$E2E_DIR/resized.cast'" "'$lesson'"
send_keys F5
wait_for "▶" "playback"
for i in $(seq 1 50); do
	if [ "$i" -eq 25 ]; then
		cols=1 rows=1
	else
		cols=$((RANDOM % 181 + 20)) rows=$((RANDOM % 53 + 8))
	fi
	tm resize-window -t heapviz -x "$cols" -y "$rows" >/dev/null || fail "cannot resize to ${cols}x$rows"
	[ $((i % 10)) -eq 0 ] && random_pause 200
	assert_alive "after resize $i to ${cols}x$rows"
done
resize_to 1 1
sleep 0.3
resize_to 80 24
wait_for_heapviz
assert_has "▶" "playback goes on after the resizes"
pid=$(heapviz_pid) || fail "cannot find the heapviz process"
assert_alive "after fifty resizes"
run_command "quit"
expect_restored "fifty resizes during playback"
check_cast "$E2E_DIR/resized.cast"
# Resizes in quick succession may be drawn once (SIGWINCH coalesces), but the 1x1 that stayed a
# moment and the final 80x24 are both in the recording, in that order.
sizes=$(grep -o '"r", "[0-9]*x[0-9]*"' "$E2E_DIR/resized.cast" | grep -o '[0-9]*x[0-9]*' | tr '\n' ' ')
case " $sizes" in
*" 1x1 "*"80x24 ") ;;
*) fail "the recording's resize events are '$sizes': expected 1x1 and then 80x24 last" ;;
esac

# 2. A quit signal at a random moment during playback: heapviz ends and gives the terminal back.
for signal in INT TERM HUP; do
	launch --record "'$E2E_DIR/$signal.cast'" "'$lesson'"
	send_keys F5
	wait_for "▶" "playback"
	random_pause 800
	pid=$(heapviz_pid) || fail "cannot find the heapviz process"
	kill -"$signal" "$pid"
	expect_restored "SIG$signal during playback"
	[ -d "/proc/$pid" ] && [ "$(proc_state "$pid")" != Z ] && fail "heapviz $pid still runs after SIG$signal"
	check_cast "$E2E_DIR/$signal.cast"
done

# 3. Two hundred SIGTSTP/SIGCONT pairs at random moments, CONT last: heapviz runs on, redraws, and quits cleanly.
# heapviz runs under a non-interactive sh here, so the shell's job control does not take the
# terminal back while it is stopped: every CONT finds it in the foreground, as after `fg`.
clear_shell
type_text "sh -c '\"\$0\" \"\$@\"; true' '$HEAPVIZ' --record '$E2E_DIR/tstp.cast' '$lesson'"
send_keys Enter
wait_for_heapviz
send_keys F5
wait_for "▶" "playback"
pid=$(heapviz_pid) || fail "cannot find the heapviz process"
for i in $(seq 1 200); do
	kill -TSTP "$pid"
	random_pause 20
	kill -CONT "$pid"
	random_pause 20
done
running() { [ "$(proc_state "$pid")" != T ]; }
wait_until "heapviz to run again after the last SIGCONT" running
sleep 0.5
[ "$(proc_state "$pid")" = T ] && fail "heapviz stayed stopped after the last SIGCONT"
send_keys C-l
wait_for_heapviz
run_command "quit"
expect_restored "two hundred SIGTSTP/SIGCONT pairs"
check_cast "$E2E_DIR/tstp.cast"

# 4. The pane closed while recording: heapviz ends (SIGHUP from the closed terminal) and the
# recording made until then plays.
start_heapviz 80 24 -- --record "$E2E_DIR/closed.cast" "$lesson"
send_keys F5
wait_for "▶" "playback"
random_pause 800
pid=$(descendant_named "$(tm display-message -p -t "$TARGET" '#{pane_pid}')" heapviz) ||
	fail "cannot find the heapviz process"
tm kill-pane -t "$TARGET"
gone() { [ ! -d "/proc/$pid" ] || [ "$(proc_state "$pid")" = Z ]; }
wait_until "heapviz to end after its pane was closed" gone
check_cast "$E2E_DIR/closed.cast"
grep -q 'step [0-9]' "$E2E_DIR/played" || fail "the recording of the closed pane shows no step"

pass
