#!/usr/bin/env bash
# Signals at any moment: heapviz started in the background (script + timeout, `&` in bash) ends on
# SIGTERM, SIGHUP or SIGINT + SIGCONT instead of staying stopped; a quit signal during curses start-up
# ends it with the terminal given back; after 200 SIGTSTP/SIGCONT pairs it runs and answers; and
# every signal whose default ends the process (QUIT, PIPE, ALRM, USR1, USR2, SEGV, ABRT and more)
# leaves the alternate screen, mouse and keypad modes off, the line discipline as it was (stty -g),
# and an exit status that names the signal.
source "$(dirname "$0")/tmux_lib.sh"

# --- processes, from /proc only (no procps on a minimal machine) ----------------------------------

pane_heapviz_pid() {
	descendant_named "$(tm display-message -p -t "$TARGET" '#{pane_pid}')" heapviz
}

# The state letter of PID (R, S, T, ...) from /proc/PID/stat; nothing once it is gone.
proc_state() {
	local stat
	stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
	stat=${stat##*) }
	echo "${stat%% *}"
}

proc_is_stopped() { [ "$(proc_state "$1")" = T ]; }
proc_runs() { local state; state=$(proc_state "$1") && [ "$state" != T ] && [ "$state" != Z ]; }
# Gone, or a zombie its parent has not reaped yet: either way it has ended.
proc_gone() { local state; ! state=$(proc_state "$1") || [ "$state" = Z ]; }

# --- 1. script + timeout: the background job that SIGTTOU stops ------------------------------------

# timeout(1) puts heapviz in a background process group of script's terminal; after 3 s it sends
# SIGTERM then SIGCONT. Both forms must return: the shell running timeout itself, and timeout as the
# shell's last command (exec'd: heapviz in the foreground, running its screen until the signal).
script_returns() {
	local command=$1 started=$SECONDS output
	output=$(TERM=xterm-256color timeout 30 script -qec "$command" /dev/null </dev/null 2>&1)
	local took=$((SECONDS - started))
	# (script -e passes on timeout's own 124: only the time tells a hang.)
	[ $took -le 12 ] || fail "script -qc \"$command\" took $took s (timeout 3 should end it in about 3)"
	REPLY=$output
}
script_returns "timeout 3 $HEAPVIZ; echo timeout-status=\$?"
case "$REPLY" in
*timeout-status=124*) ;;
*) fail "timeout did not report killing heapviz (124): $(printf '%s' "$REPLY" | tr -cd '[:print:]' | tail -c 200)" ;;
esac
script_returns "timeout 3 $HEAPVIZ"

# --- 2. a background job in bash: stopped until fg, ended by TERM, HUP, INT + CONT -----------------

start_shell 80 24
MODES_BEFORE="$E2E_DIR/shell-modes"
run_command "stty -g >$MODES_BEFORE"
send_keys C-l

# shell_says REGEX: wait for a line of the shell's output starting with REGEX.
shell_says() {
	wait_until "'$1' from the shell" screen_matches "^$1"
}

# Each in a shell of its own, so `%1` is always this heapviz (a shell slow to reap the last one
# would still hold it as job 1) and the modes compared are this shell's.
launch_in_background() {
	start_shell 80 24
	run_command "stty -g >$MODES_BEFORE"
	send_keys C-l
	run_command "$HEAPVIZ & echo bg\"\"pid=\$!"
	shell_says 'bgpid=[0-9]+'
	BG_PID=$(screen_text | sed -n 's/^bgpid=\([0-9]*\).*/\1/p' | tail -n 1)
	[ -n "$BG_PID" ] || fail "no pid for the background heapviz"
	wait_until "heapviz $BG_PID to stop in the background (SIGTTOU)" proc_is_stopped "$BG_PID"
}

expect_job_ended() {
	local how=$1
	wait_until "heapviz $BG_PID to end after $how" proc_gone "$BG_PID"
	# Ended, not stopped: /proc says so directly (Z until the shell reaps it, then gone; a job left
	# stopped would stay T and fail above). The shell's own job table is not asked: bash has been
	# seen here to leave the ended job a zombie and list it as "Stopped" for seconds (20 "jobs" in a
	# row, /proc: state Z, parent that bash), which is bash's bookkeeping, not heapviz's state.
	[ "$(proc_state "$BG_PID")" != T ] || fail "heapviz $BG_PID is stopped after $how"
	send_keys C-l
	run_command "stty -g | cmp -s - $MODES_BEFORE && echo modes\"\"=same || echo modes\"\"=changed"
	shell_says 'modes=(same|changed)'
	assert_has "modes=same" "the line discipline after $how"
}

launch_in_background
run_command "kill %1"
expect_job_ended "kill %1 (SIGTERM)"

launch_in_background
run_command "kill -HUP %1"
expect_job_ended "kill -HUP %1"

launch_in_background
run_command "kill -INT %1; kill -CONT %1"
expect_job_ended "kill -INT %1 then kill -CONT %1"

# Brought to the foreground it works; then stopped from outside, put in the background with bg (so it
# stops again for the terminal, SIGTTOU) and ended there by kill %1.
launch_in_background
run_command "fg"
wait_for_heapviz
run_command "alloc 24 as fg"
wait_for "step 1 / 1"
kill -TSTP "$BG_PID"
wait_until "the prompt after SIGTSTP" screen_matches "^$SHELL_TAG"
wait_until "heapviz to stop on SIGTSTP" proc_is_stopped "$BG_PID"
run_command "bg"
sleep 0.3
wait_until "heapviz to stop again in the background" proc_is_stopped "$BG_PID"
run_command "kill %1"
expect_job_ended "SIGTSTP, bg and kill %1"
pass "background jobs"

# --- 3. a quit signal during start-up ---------------------------------------------------------------

# In a pane whose sh has no job control (heapviz in the foreground group), SIGTERM at delays from 0
# to 300 ms lands before, during and after curses starts: heapviz always ends with status 143 and
# gives back the modes it may have changed.
# sh_run COMMAND...: COMMAND under a non-interactive sh that saves stty -g before and after it and its
# exit status, then keeps the pane alive (tmux resets a dead pane's flags) until $E2E_DIR/release.
sh_run() {
	rm -f "$E2E_DIR/release" "$E2E_DIR/status" "$E2E_DIR/before" "$E2E_DIR/after"
	start_in_tmux 80 24 -- sh -c 'dir=$1; shift; ulimit -c 0; stty -g >"$dir/before"; "$@"; echo $? >"$dir/status"
		stty -g >"$dir/after"; i=0; while [ ! -e "$dir/release" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done' \
		e2e-signals "$E2E_DIR" "$@"
}

heapviz_exited() { [ -s "$E2E_DIR/status" ]; }

# expect_given_back WHAT STATUS: heapviz ended with STATUS and the terminal is as before it.
expect_given_back() {
	local what=$1 want=$2 flags
	wait_until "heapviz to end after $what" heapviz_exited
	[ "$(cat "$E2E_DIR/status")" = "$want" ] ||
		fail "after $what the exit status is $(cat "$E2E_DIR/status"), expected $want"
	wait_until "the modes after $what" test -s "$E2E_DIR/after"
	cmp -s "$E2E_DIR/before" "$E2E_DIR/after" ||
		fail "after $what stty -g differs: before $(cat "$E2E_DIR/before"), after $(cat "$E2E_DIR/after")"
	flags=$(tm display-message -p -t "$TARGET" \
		'alternate=#{alternate_on} mouse=#{mouse_any_flag} keypad=#{keypad_flag} cursor-keys=#{keypad_cursor_flag}')
	[ "$flags" = "alternate=0 mouse=0 keypad=0 cursor-keys=0" ] || fail "after $what the pane still has: $flags"
	touch "$E2E_DIR/release"
}

for delay in 0 0.002 0.005 0.01 0.02 0.05 0.1 0.3; do
	sh_run sh -c '"$1" </dev/tty & pid=$!; sleep "$2"; kill -TERM $pid; wait $pid' e2e-startup "$HEAPVIZ" "$delay"
	expect_given_back "SIGTERM ${delay}s after the start" 143
done
pass "SIGTERM during start-up"

# --- 4. 200 SIGTSTP/SIGCONT pairs: CONT came last, so it runs ------------------------------------

# A pane whose sh runs no job control puts heapviz in an orphaned process group, where the kernel
# discards SIGTSTP: nothing would ever stop. So a small parent (python3) does what a shell does for
# a foreground job - its own process group, given the terminal - but never takes the terminal
# back when heapviz stops: heapviz stops and continues for real, and keeps the terminal.
cat >"$E2E_DIR/foreground.py" <<'PYTHON'
import os, signal, sys
signal.signal(signal.SIGTTOU, signal.SIG_IGN)
child = os.fork()
if child == 0:
    os.setpgid(0, 0)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
try:
    os.setpgid(child, child)
except OSError:
    pass
_, status = os.waitpid(child, 0)
os.tcsetpgrp(0, os.getpgrp())
sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
PYTHON
sh_run python3 "$E2E_DIR/foreground.py" "$HEAPVIZ"
wait_for_heapviz
pid=$(pane_heapviz_pid) || fail "cannot find the heapviz process"
run_command "alloc 16 as before"
wait_for "step 1 / 1"
# Each pair: SIGTSTP, 0 to 190 microseconds, SIGCONT; then, 20 ms later, heapviz must not be stopped
# (CONT came last). The pairs start while heapviz is busy with a 256 KiB paste without brackets, so
# both signals often arrive before the loop looks at them: a TSTP taken after its CONT must not stop
# it. (Back to back, the kernel mostly discards the TSTP itself, which would test nothing.)
cat >"$E2E_DIR/pairs.py" <<'PYTHON'
import os, signal, sys, time
pid, pairs = int(sys.argv[1]), int(sys.argv[2])
def state():
    with open("/proc/%d/stat" % pid) as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]
stopped = 0
for i in range(pairs):
    os.kill(pid, signal.SIGTSTP)
    until = time.perf_counter() + (i % 20) * 10e-6
    while time.perf_counter() < until:
        pass
    os.kill(pid, signal.SIGCONT)
    time.sleep(0.02)
    if state() == "T":
        stopped += 1
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.02)
print("stopped-after-cont=%d" % stopped)
PYTHON
head -c 262144 /dev/zero | tr '\0' x >"$E2E_DIR/paste"
tm load-buffer -b raw "$E2E_DIR/paste"
tm paste-buffer -b raw -t "$TARGET"
pairs=$(python3 "$E2E_DIR/pairs.py" "$pid" 200) || fail "the SIGTSTP/SIGCONT sender failed"
[ "$pairs" = "stopped-after-cont=0" ] ||
	fail "heapviz was left stopped after a SIGTSTP/SIGCONT pair (CONT last): $pairs of 200"
proc_runs "$pid" || fail "heapviz is '$(proc_state "$pid")' after 200 SIGTSTP/SIGCONT pairs (SIGCONT came last)"
# Typing into a full bar is not dropped silently: the count of what was lost.
wait_for "(1024 bytes): 261,120 bytes dropped" "262,144 pasted bytes, 1024 kept"
send_keys C-u
send_keys C-l
run_command "alloc 32 as after"
wait_for "step 2 / 2"
# A SIGTSTP last does stop it, and SIGCONT brings the screen back.
kill -TSTP "$pid"
wait_until "heapviz to stop on a last SIGTSTP" proc_is_stopped "$pid"
kill -CONT "$pid"
wait_until "heapviz to run after SIGCONT" proc_runs "$pid"
wait_for "step 2 / 2"
run_command "alloc 8 as again"
wait_for "step 3 / 3"
run_command "quit"
expect_given_back "quit after the SIGTSTP/SIGCONT pairs" 0
pass "200 SIGTSTP/SIGCONT pairs"

# --- 5. signals whose default ends the process: terminal given back, then the signal --------------

for name in QUIT PIPE ALRM USR1 USR2 SEGV ABRT BUS FPE ILL TRAP XCPU XFSZ VTALRM PROF SYS; do
	number=$(kill -l "$name")
	sh_run "$HEAPVIZ"
	wait_for_heapviz
	flags=$(tm display-message -p -t "$TARGET" '#{alternate_on}#{mouse_any_flag}#{keypad_flag}#{keypad_cursor_flag}')
	[ "$flags" = 1111 ] || fail "heapviz's screen should have the alternate screen, mouse and keypad on: $flags"
	pid=$(pane_heapviz_pid) || fail "cannot find the heapviz process"
	kill -"$name" "$pid"
	expect_given_back "SIG$name" $((128 + number))
done
pass "every signal that ends heapviz"
