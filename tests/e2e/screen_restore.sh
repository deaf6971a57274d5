#!/usr/bin/env bash
# The terminal is given back: after `quit`, Ctrl-D, SIGTERM, Ctrl-C (SIGINT) and SIGHUP the shell
# prompt returns with canonical mode and echo on; a suspend (SIGTSTP) and resume (fg) redraws the screen.
source "$(dirname "$0")/tmux_lib.sh"

# Run heapviz from the shell in the pane and wait for its screen.
launch() {
	send_keys C-l
	wait_until "a clear shell screen" shell_ready
	type_text "$HEAPVIZ $*"
	send_keys Enter
	wait_for_heapviz
}

shell_ready() {
	[ "$(screen_text | grep -c .)" -le 1 ] && screen_matches "^$SHELL_TAG"
}

# After heapviz has left: the prompt is back and stty reports a sane line discipline.
expect_restored() {
	local how=$1
	wait_until "the prompt after $how" screen_matches "^$SHELL_TAG\$"
	send_keys C-l
	wait_until "a clear shell screen after $how" shell_ready
	# mo""des= keeps the typed line from matching its own output.
	type_text "echo mo\"\"des=\$(stty -a | tr ' ;' '\\n\\n' | grep -xE -e '-?(icanon|echo|isig|icrnl|opost)' | tr '\\n' ' ')"
	send_keys Enter
	wait_for_regex '^modes=' "stty's report after $how"
	local modes
	modes=$(screen_text | grep '^modes=' | head -n 1)
	modes=${modes#modes=}
	for mode in icanon echo isig icrnl opost; do
		case " $modes " in
		*" $mode "*) ;;
		*) fail "after $how the terminal mode '$mode' is not on: $modes" ;;
		esac
	done
	# The alternate screen is gone: heapviz's title is not left on the shell's screen.
	assert_lacks "step 0 / 0" "after $how"
}

start_shell 80 24

launch
run_command "quit"
expect_restored "quit"

launch
send_keys C-d
expect_restored "Ctrl-D on an empty bar"

launch
run_command "alloc 10"
wait_for "step 1 / 1"
# Ctrl-D with text in the bar does not quit.
type_text "alloc"
send_keys C-d
sleep 0.2
assert_has "step 1 / 1" "Ctrl-D on a non-empty bar must not quit"
send_keys C-u C-d
expect_restored "Ctrl-D after clearing the bar"

launch
pid=$(shell_child_pid) || fail "cannot find the heapviz process"
[ "$(pid_command "$pid")" = heapviz ] || fail "pid $pid is not heapviz"
kill -TERM "$pid"
expect_restored "SIGTERM"

launch
send_keys C-c
expect_restored "Ctrl-C (SIGINT)"

launch
pid=$(shell_child_pid) || fail "cannot find the heapviz process"
[ "$(pid_command "$pid")" = heapviz ] || fail "pid $pid is not heapviz"
kill -HUP "$pid"
expect_restored "SIGHUP"

launch
run_command "alloc 24"
wait_for "step 1 / 1"
pid=$(shell_child_pid) || fail "cannot find the heapviz process"
[ "$(pid_command "$pid")" = heapviz ] || fail "pid $pid is not heapviz"
kill -TSTP "$pid"
wait_until "the shell after a suspend" screen_matches "^$SHELL_TAG\$"
type_text "fg"
send_keys Enter
wait_for "step 1 / 1"
run_command "alloc 8"
wait_for "step 2 / 2"
run_command "quit"
expect_restored "suspend, resume and quit"

pass
