#!/usr/bin/env bash
# The free-list view at 80x24: Ctrl-F opens it beside the grid, its entries are --json's "free_lists"
# in walk order, n / p move the marked entry and the grid's highlight along the walk, f closes it;
# it degrades to 40x12 and works in compare mode (the lane under the cursor).
source "$(dirname "$0")/tmux_lib.sh"

commands=("alloc 20 as a" "alloc 20 as b" "alloc 20 as c" "alloc 20 as d" "free a" "free c")
# The walk as the core reports it: seglist pushes a freed block on the front of its class.
walk=$(printf '%s\n' "${commands[@]}" | "$HEAPVIZ" --batch --json -p seglist |
	python3 -c 'import json,sys; d=json.load(sys.stdin)["free_lists"]
print(" ".join("0x%03x:%d" % (w["offset"], w["size"]) for l in d["lists"] for w in l["walk"]))')
[ "$walk" = "0x040:32 0x000:32" ] || fail "unexpected walk from --json: $walk"

start_heapviz 80 24 -- -p seglist
for c in "${commands[@]}"; do run_command "$c"; done
wait_for "step 6 / 6"
# In the grid the key is on the hint line (at 80 columns the bar's hints end before it).
send_keys Escape
wait_for "^F lists"

send_keys C-f
wait_for "free lists"
assert_has "class 32-63 B"
assert_lacks "utilization"   # the view is in the panel's place
# The entries, row by row, in the order --json gives.
previous=-1
for entry in $walk; do
	text="${entry%%:*}     ${entry##*:} B"
	row=$(row_of "$text")
	[ -n "$row" ] || { show_screen; fail "entry '$text' not in the view"; }
	[ "$row" -gt "$previous" ] || { show_screen; fail "entry '$text' out of walk order"; }
	previous=$row
done

# n: the cursor to the first block of the walk, marked in the view and selected in the grid.
grid_row=$(row_of " 0x040 ")
unselected=$(tm capture-pane -e -p -t "$TARGET" | sed -n "$((grid_row + 1))p")
send_keys n
wait_for "▸ 0x040"
selected=$(tm capture-pane -e -p -t "$TARGET" | sed -n "$((grid_row + 1))p")
[ "$selected" != "$unselected" ] || fail "the grid row of 0x040 did not change when its block was selected"
send_keys n
wait_for "▸ 0x000"
assert_lacks "▸ 0x040"
after=$(tm capture-pane -e -p -t "$TARGET" | sed -n "$((grid_row + 1))p")
[ "$after" != "$selected" ] || fail "the grid's highlight stayed on 0x040 after n moved on"
send_keys n
wait_for "▸ 0x040"   # the walk wraps round
send_keys p
wait_for "▸ 0x000"
# Selecting a free block in the grid shows it in the view: Home is byte 0, in a's block.
send_keys Down Home
wait_for "▸ 0x000"

# f closes the view and the statistics come back.
send_keys f
wait_for "utilization"
assert_lacks "free lists"
send_keys f
wait_for "free lists"

# Down to 40x12: the marked entry stays whole.
resize_to 40 12
wait_for "▸ 0x000"
assert_lacks "too small"
resize_to 80 24
wait_for "class 32-63 B"
assert_alive
send_keys C-d 2>/dev/null || true

# Compare mode: the view is of the lane under the cursor (lane 0, first fit: its address-ordered list).
start_heapviz 80 24 -- --compare first,tlsf
for c in "${commands[@]}"; do run_command "$c"; done
wait_for "step 6 / 6"
send_keys C-f
wait_for "address order"
assert_has "first fit"
send_keys Escape
wait_for "▸ 0x000"   # the cursor starts at byte 0, in a's free block
send_keys n
wait_for "▸ 0x040"
assert_has "address order"
assert_alive
pass
