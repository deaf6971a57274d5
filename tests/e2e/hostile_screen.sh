#!/usr/bin/env bash
# hostile_screen.sh - hostile text on the real screen: notes, written bytes and typed text holding escape
# sequences, C1 bytes, bidi overrides and invalid UTF-8 are drawn escaped (capture-pane -e shows no raw
# ESC but tmux's own colours), the pane title never changes, and hostile files end with one line.
source "$(dirname "$0")/tmux_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"

# The pane with its attributes, tmux's own SGR colour sequences removed: what is left must be clean.
capture_clean() {
	tm capture-pane -e -p -t "$TARGET" >"$E2E_DIR/raw"
	LC_ALL=C sed -E $'s/\e\\[[0-9;:]*m//g' "$E2E_DIR/raw" >"$E2E_DIR/stripped"
	check_clean_text "$E2E_DIR/stripped" >"$E2E_DIR/problems" ||
		fail "$1: the screen holds raw control characters: $(cat "$E2E_DIR/problems")"
}

pane_title() {
	tm display-message -p -t "$TARGET" '#{pane_title}'
}

# A lesson whose last step has one hostile note per piece (each fits a panel row) and payloads
# holding the same bytes, written raw between quotes and as escapes.
lesson=$E2E_DIR/hostile.hv
{
	echo 'alloc 48 as b'
	echo 'alloc 24 as c'
	printf 'write b "R%s%s%s%s%s"\n' "$HOSTILE_OSC" "$HOSTILE_C1" "$HOSTILE_C1_UTF8" "$HOSTILE_RLO" "$HOSTILE_BAD"
	echo 'write c "\x1b]0;PWNED\x07\x9b\xc2\x9b\xe2\x80\xae"'
	printf 'note A %s\n' "$HOSTILE_OSC"
	printf 'note B %sred\n' "$HOSTILE_SGR"
	printf 'note C %s2J\n' "$HOSTILE_C1"
	printf 'note D %s2J\n' "$HOSTILE_C1_UTF8"
	printf 'note E %srtl\n' "$HOSTILE_RLO"
	printf 'note F %s%s\n' "$HOSTILE_BAD" "$HOSTILE_DEL"
} >"$lesson"

start_heapviz 100 40 -- "$lesson"
title=$(pane_title)
capture_clean "the lesson at step 0"
run_command "goto 4"
wait_for "step 4 / 4"
wait_for '• A \x1b]0;PWNED\x07' "the OSC note, escaped"
assert_has '• B \x1b[31mred' "the SGR note, escaped"
assert_has '• C \x9b2J' "the raw C1 note, escaped"
assert_matches '• D \\(xc2\\x9b|u009b)2J' "the UTF-8 C1 note, escaped"
assert_matches '• E \\(xe2\\x80\\xae|u202e)rtl' "the bidi override note, escaped"
assert_has '• F \xff\xfe\x7f' "the invalid UTF-8 and DEL note, escaped"
capture_clean "the notes"
[ "$(pane_title)" = "$title" ] || fail "the pane title changed to '$(pane_title)' (was '$title')"

# The hex view shows the payloads' bytes; none reaches the terminal raw.
send_keys C-x
wait_for '52 1b 5d 30 3b 50 57 4e' "the hex view of b's bytes (R ESC ] 0 ; P W N)"
capture_clean "the hex view"
send_keys C-x
[ "$(pane_title)" = "$title" ] || fail "the pane title changed in the hex view"

# Typed text: C1 and bidi characters typed (as UTF-8) into the bar, then an OSC title change typed
# raw (tmux sends its bytes as keys). The line editor keeps no control character (it drops C1, see
# src/tui/lineedit.c), the bidi override is shown escaped, and the OSC changes nothing.
type_text "note T2 ${HOSTILE_C1_UTF8}2J ${HOSTILE_RLO}rtl"
capture_clean "C1 and bidi characters in the bar"
send_keys Enter
wait_for '• T2 2J \u202ertl' "the typed note, C1 dropped and the override escaped"
capture_clean "the typed note"
type_text "note T3 $HOSTILE_OSC"
sleep 0.2
assert_alive "after an OSC sequence typed into the bar"
# ESC switched to the grid (its hint line says "Esc bar"): back to the bar, and clear it.
for _ in 1 2 3; do
	screen_has "Esc grid" && break
	send_keys Escape
	sleep 0.2
done
assert_has "Esc grid" "the command bar again"
send_keys C-u
capture_clean "an OSC sequence typed into the bar"
[ "$(pane_title)" = "$title" ] || fail "typed text changed the pane title to '$(pane_title)'"
run_command "quit"
wait_until "heapviz to quit" pane_dead

# Hostile files on the way to the screen, run from a shell (output from a pane's very first moment
# can be lost by tmux): one line naming the file, the exit status, no screen left behind.
mkdir "$E2E_DIR/dir"
python3 -c 'import random,sys; r=random.Random(8); sys.stdout.buffer.write(b"\xca" + bytes(r.randrange(256) for _ in range(4095)))' >"$E2E_DIR/garbage.bin"
start_shell 120 24
title=$(pane_title)
type_text "cd '$E2E_DIR'"
send_keys Enter
for bad in missing.hv:1 dir:1 /dev/zero:1 garbage.bin:2; do
	file=${bad%:*} want=${bad##*:}
	send_keys C-l
	type_text "'$HEAPVIZ' $file; echo \"stat\"\"us=\$?\""
	send_keys Enter
	wait_for_regex '^status=[0-9]+' "the exit status of heapviz $file"
	assert_has "status=$want" "heapviz $file"
	case $file in
	garbage.bin) errors=$(screen_text | grep -cE "^garbage\.bin:1:[0-9]+: ") ;;
	*) errors=$(screen_text | grep -c "^heapviz: $file") ;;
	esac
	[ "$errors" = 1 ] || fail "heapviz $file: $errors error lines naming the file, expected 1"
	assert_lacks "step 0 / 0" "after heapviz $file"
	capture_clean "the error for $file"
	[ "$(pane_title)" = "$title" ] || fail "heapviz $file changed the pane title"
done

pass
