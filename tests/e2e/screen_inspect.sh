#!/usr/bin/env bash
# The inspector (Esc to the grid, move, Enter selects: the panel shows the block), the hex view
# (Ctrl-X shows written bytes), the help overlay (F1, ?, the help command) and Tab completion.
source "$(dirname "$0")/tmux_lib.sh"

start_heapviz 80 24
run_command "alloc 100"
run_command "alloc 50 as buf"
run_command 'write buf "hello"'
wait_for "step 3 / 3"

# buf's block starts at 0x070 (after p1's 112 B block); one grid row is 64 B, one cell 2 B.
layout=$(printf '%s\n' "alloc 100" "alloc 50 as buf" | "$HEAPVIZ" --batch --json)
echo "$layout" | grep -q '"offset": 112, "size": 64, "state": "used", "payload": 120, "requested": 50, "name": "buf"' ||
	fail "unexpected block layout from the core: $layout"
assert_has "1 cell = 2 B"

# Esc moves focus to the grid; Down then 24 x l reaches 0x070; Enter selects.
send_keys Escape
wait_for "Enter select"
send_keys Down
for _ in $(seq 24); do send_keys l; done
send_keys Enter
wait_for "selected block"
assert_matches "offset +0x070"
assert_matches "size +64 B"
assert_matches "name +buf"
assert_matches "requested +50 B"
# Arrow keys move by cells and rows too: Up is p1's block at 0x030.
send_keys Up Left Enter
wait_for_regex "offset +0x000"
assert_matches "size +112 B"
assert_matches "name +p1"
# Esc returns to the bar, which takes text again.
send_keys Escape
wait_for "Tab complete"
type_text "fr"
send_keys Tab
wait_for "> free"
type_text "b"
send_keys Tab
wait_for "> free buf"
send_keys C-u
type_text "a"
send_keys Tab
wait_for_regex "align +alloc"
send_keys C-u
type_text "policy b"
send_keys Tab
wait_for_regex "best +buddy"
send_keys C-u

# The hex view shows the bytes written; Ctrl-X switches back.
send_keys C-x
wait_for "hex view"
assert_has "68 65 6c 6c 6f"
assert_has "hello"
send_keys NPage
wait_until "the hex view to scroll" screen_lacks " 0x000 "
send_keys PPage
wait_for " 0x000 "
send_keys C-x
wait_gone "hex view"
wait_for "1 cell = 2 B"

# Help: F1 opens it, Esc closes; ? on an empty bar opens it, q closes; PgDn scrolls it.
send_keys F1
wait_for "heapviz help"
send_keys NPage
wait_until "the help to scroll" screen_lacks "lines 1-"
send_keys Escape
wait_gone "heapviz help"
type_text "?"
wait_for "heapviz help"
send_keys q
wait_gone "heapviz help"
wait_until "an empty bar" screen_matches '^> ?$'
# ? in a line is just a character.
type_text "note why?"
wait_for "> note why?"
send_keys C-u
# The help command shows its text in the overlay.
run_command "help alloc"
wait_for "─ help ─"
assert_matches "│ +alloc SIZE"
send_keys Escape
wait_gone "─ help ─"

# A mouse click (xterm SGR mouse report, as the terminal would send it) on buf's name selects buf.
send_keys Escape
wait_for "Enter select"
send_keys Home Enter
wait_for_regex "offset +0x000"
send_keys Escape
wait_for "Tab complete"
row=$(row_of " 0x040 ")
column=$(column_of "$row" "buf") || fail "buf is not named in the 0x040 row"
type_text $'\e[<0;'"$((column + 1));$((row + 1))M"
type_text $'\e[<0;'"$((column + 1));$((row + 1))m"
wait_for_regex "offset +0x070"
assert_matches "name +buf"
assert_has "Enter select"   # the click moved focus to the grid

assert_alive
pass
