#!/usr/bin/env bash
# Resizing at any moment reflows the screen: 40x12 (the minimum), 30x8 (too small: a message, no
# crash), 200x60 (a finer grid), tiny sizes, and back to 80x24 showing exactly what it showed before.
source "$(dirname "$0")/tmux_lib.sh"

start_heapviz 80 24
run_command "alloc 100"
run_command "alloc 50 as buf"
run_command "free p1"
wait_for "step 3 / 3"
type_text "alloc 8"   # half-typed text survives every resize
wait_for "> alloc 8"
sleep 0.2
original=$(screen_text)

resize_to 40 12
assert_alive "at 40x12"
wait_for "> alloc 8"
wait_for_regex "3 / 3"
wait_for_regex '^ ?0x[0-9a-f]+ '  # a grid is still drawn

resize_to 30 8
assert_alive "at 30x8"
wait_for_regex "(too small|terminal)"

for size in "1 1" "2 2" "10 3" "39 12" "40 11"; do
	resize_to $size
	sleep 0.1
	assert_alive "at ${size/ /x}"
done

resize_to 200 60
assert_alive "at 200x60"
wait_for "> alloc 8"
wait_for "step 3 / 3"
grid_text | grep -q 'buf' || fail "the grid does not name buf at 200x60"
# Finer or equal scale than at 80x24 and all 1024 bytes still drawn.
scale=$(screen_text | grep -oE '1 cell = [0-9]+ B' | head -n 1 | grep -oE '[0-9]+ B' | grep -oE '[0-9]+')
[ -n "$scale" ] && [ "$scale" -le 2 ] || fail "scale at 200x60 is '$scale' B a cell, expected at most 2"
wild=$(($(batch_block_bytes wilderness "alloc 100" "alloc 50 as buf" "free p1") / scale))
[ "$(grid_count '·')" = "$wild" ] || fail "grid shows $(grid_count '·') wilderness cells at 200x60, expected $wild"

resize_to 80 24
wait_until "the 80x24 screen to come back as it was" screen_is "$original"

# Still responsive after all that: the half-typed command runs.
send_keys Enter
wait_for "step 4 / 4"
# A resize while the help overlay is open, then closing it.
send_keys F1
wait_for "heapviz help"
resize_to 50 14
wait_for "help"
resize_to 80 24
send_keys Escape
wait_gone "heapviz help"
assert_alive
pass
