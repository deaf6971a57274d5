#!/usr/bin/env bash
# Commands typed in the bar change the grid, the panel and the step counter exactly as the core
# says (checked against `heapviz --batch`); a rejected command shows its error with a caret, keeps
# its text and changes nothing; undo/redo keys move the step counter and the grid.
source "$(dirname "$0")/tmux_lib.sh"

commands=("alloc 100" "alloc 50 as buf" "free p1")

# The grid, panel and counter agree with the core after the commands given.
expect_state() {
	local step=$1 last=$2
	shift 2
	wait_for "step $step / $last"
	local bytes_per_cell
	bytes_per_cell=$(screen_text | grep -oE '1 cell = [0-9]+ B' | head -n 1 | grep -oE '[0-9]+ B' | grep -oE '[0-9]+')
	[ -n "$bytes_per_cell" ] || fail "no cell scale in the title"
	assert_panel "used blocks" "$(batch_stat "used blocks" "$@")"
	assert_panel "free blocks" "$(batch_stat "free blocks" "$@")"
	assert_panel "requested" "$(batch_stat "requested bytes" "$@")"
	assert_panel "free bytes" "$(batch_stat "free bytes" "$@")"
	assert_panel "used bytes" "$(batch_stat "used bytes" "$@")"
	# Every cell of the grid shows its block's state: count free and wilderness cells.
	local free wild
	free=$(($(batch_block_bytes free "$@") / bytes_per_cell))
	wild=$(($(batch_block_bytes wilderness "$@") / bytes_per_cell))
	[ "$(grid_count '▒░')" = "$free" ] || fail "grid shows $(grid_count '▒░') free cells, expected $free"
	[ "$(grid_count '·')" = "$wild" ] || fail "grid shows $(grid_count '·') wilderness cells, expected $wild"
}

start_heapviz 80 24
expect_state 0 0

run_command "${commands[0]}"
expect_state 1 1 "${commands[@]:0:1}"
grid_text | grep -q 'p1' || fail "the grid does not name p1"

run_command "${commands[1]}"
expect_state 2 2 "${commands[@]:0:2}"
run_command "${commands[2]}"
expect_state 3 3 "${commands[@]}"
grid_text | grep -q 'buf' || fail "the grid does not name buf"
grid_text | grep -q 'p1' && fail "the grid still names p1 after free p1"
before=$(grid_text)

# A rejected command: error and caret under the bad word, text kept, nothing changed.
run_command "alloc 5 x"
wait_for "> alloc 5 x"
wait_for_regex "unexpected|expected"
bar=$(row_of "> alloc 5 x")
caret_row=$((bar + 1))
caret=$(column_of "$caret_row" "^") || fail "no caret under the bar"
bad=$(column_of "$bar" " x")
[ "$caret" = "$((bad + 1))" ] || fail "caret at column $caret, the bad word at $((bad + 1))"
expect_state 3 3 "${commands[@]}"
[ "$(grid_text)" = "$before" ] || fail "the grid changed after a rejected command"
# The cursor sits on the error: fix it in place.
[ "$(cursor_position)" = "$bar $((bad + 1))" ] || fail "cursor at $(cursor_position), expected on the error ($bar $((bad + 1)))"
send_keys End BSpace BSpace Enter
expect_state 4 4 "${commands[@]}" "alloc 5"
wait_until "an empty bar" screen_matches '^> ?$'

# Up recalls the last command; Ctrl-U clears the line.
send_keys Up
wait_for "> alloc 5"
send_keys C-u
wait_until "an empty bar" screen_matches '^> ?$'

# Undo and redo move the step counter and the grid, history kept.
send_keys C-z
expect_state 3 4 "${commands[@]}"
send_keys C-z
expect_state 2 4 "${commands[@]:0:2}"
grid_text | grep -q 'p1' || fail "undo did not bring p1 back into the grid"
send_keys C-y
expect_state 3 4 "${commands[@]}"
send_keys C-p
expect_state 2 4 "${commands[@]:0:2}"
send_keys C-n C-n
expect_state 4 4 "${commands[@]}" "alloc 5"
# Typed undo works the same and a new command after it drops the undone step.
run_command "undo"
expect_state 3 4 "${commands[@]}"
run_command "alloc 16 as key"
expect_state 4 4 "${commands[@]}" "alloc 16 as key"
grid_text | grep -q 'key' || fail "the grid does not name key"

# A paste longer than the bar holds is not cut silently: the bar says it is full, nothing runs.
type_text "note $(printf 'x%.0s' $(seq 1100))"
wait_for "the command line is full"
send_keys End C-u
wait_gone "xxxxxxxx"
expect_state 4 4 "${commands[@]}" "alloc 16 as key"

assert_alive
run_command "quit"
wait_until "heapviz to exit" pane_dead
[ "$(pane_exit_status)" = 0 ] || fail "exit status $(pane_exit_status) after quit"
pass
