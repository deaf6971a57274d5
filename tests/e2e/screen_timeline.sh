#!/usr/bin/env bash
# A script given on the command line is a timeline: the screen starts at step 0; F5 plays it,
# F6/F7 change the pace, Ctrl-N/Ctrl-P step, Home/End in the grid jump to the first/last step.
source "$(dirname "$0")/tmux_lib.sh"

script="$E2E_DIR/lesson.hv"
cat >"$script" <<'HV'
# three steps of a lesson
alloc 100 as a
alloc 50 as b
note b sits right after a
free a
HV

start_heapviz 80 24 -- "$script"
wait_for "step 0 / 3"
assert_has "lesson.hv"
assert_lacks "$E2E_DIR"          # the title names the file, not its whole path
assert_has "❚❚ 1×"                # the pace is a multiple, paused at the start ...
screen_row 0 | grep -q '%' && fail "the title still shows a percentage: $(screen_row 0)"   # nothing there reads as progress
assert_has "F5 play/pause"      # the playback keys are in the hint row at 80x24
send_keys C-n
wait_for "step 1 / 3"
wait_for "step 1 / 3: first fit: no free block below the break"   # stepping says what the step did
send_keys C-p
wait_for "step 0 / 3"

# Faster: 1× -> 2× -> 4× -> 8× -> 16× (the top); the message says the same.
send_keys F7 F7 F7 F7 F7
wait_for "16×  step"
assert_has "playback pace 16×"
send_keys F6
wait_for "8×  step"
send_keys F5
wait_for "step 3 / 3"
grid_text | grep -q 'b' || fail "the grid does not name b at the end of the timeline"

# Home/End in the grid: first and last step; the history is kept.
send_keys Escape
wait_for "Enter select"
send_keys Home
wait_for "step 0 / 3"
send_keys End
wait_for "step 3 / 3"
send_keys Escape

# A command typed mid-timeline branches: the rest is dropped and the screen says so ...
send_keys C-p C-p
wait_for "step 1 / 3"
run_command "alloc 8 as branch"
wait_for "step 2 / 2"
wait_for "branched"
assert_has "dropped"
assert_panel "requested" 108   # a (100) + branch (8): b is gone with the dropped steps
# ... and undo brings the timeline back: step 1, with steps 2 and 3 to replay.
send_keys C-z
wait_for "step 1 / 3"
wait_for "are back"
send_keys C-n
wait_for "step 2 / 3"
send_keys C-n
wait_for "step 3 / 3"
assert_panel "requested" 50    # the timeline's end: a freed, b (50) live, the branch gone
assert_alive
pass
