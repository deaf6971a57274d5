#!/usr/bin/env bash
# A seeded storm of hostile input and resizes: printable text, control keys, function and cursor keys,
# raw escape sequences, long pastes, UTF-8 and invalid bytes, commands with hostile names and notes.
# Afterwards heapviz is alive, its heap passes `check`, no text it drew changed the terminal (the pane
# title set by an OSC sequence is the witness), and `quit` exits 0 with every terminal mode given back.
source "$(dirname "$0")/tmux_lib.sh"

SEED=${STORM_SEED:-20240611}
ROUNDS=${STORM_ROUNDS:-360}
MODES_BEFORE="$E2E_DIR/modes-before"
MODES_AFTER="$E2E_DIR/modes-after"
EXIT_FILE="$E2E_DIR/heapviz-status"
RELEASE_FILE="$E2E_DIR/release"

# heapviz under a non-interactive sh: the pane runs no shell that could execute stray keys should
# heapviz die mid-storm. The sh saves the line discipline (stty -g: every mode and control character,
# not the size) just before and just after heapviz, then heapviz's exit status, and keeps the pane
# alive until the test has looked at it (tmux resets a dead pane's cursor flag).
start_in_tmux 80 24 -- sh -c 'stty -g >"$1"; "$5"; status=$?; stty -g >"$2"; echo $status >"$3"
	i=0; while [ ! -e "$4" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done; exit $status' \
	e2e-storm "$MODES_BEFORE" "$MODES_AFTER" "$EXIT_FILE" "$RELEASE_FILE" "$HEAPVIZ"
wait_for_heapviz
title_before=$(tm display-message -p -t "$TARGET" '#{pane_title}')

# heapviz has exited (the sh around it wrote its status); assert_alive would wait for the sh.
heapviz_dead() { [ -s "$EXIT_FILE" ]; }
storm_alive() {
	heapviz_dead && fail "heapviz exited (status $(cat "$EXIT_FILE")) $1"
	return 0
}

RANDOM=$SEED

# pick WORD...: one of the words, chosen by the seeded generator.
pick() {
	local words=("$@")
	REPLY=${words[RANDOM % ${#words[@]}]}
}

# Printable ASCII without q/Q: "q" (a unique prefix of quit) or a recalled line holding it could end
# the program through Enter; everything else printable is fair game.
PRINTABLE=' !"#$%&'\''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPRSTUVWXYZ[\]^_`abcdefghijklmnoprstuvwxyz{|}~'

random_text() {
	local len=$1 text='' i
	for ((i = 0; i < len; i++)); do
		text+=${PRINTABLE:RANDOM % ${#PRINTABLE}:1}
	done
	REPLY=$text
}

# C-a..C-z except C-c (SIGINT: leaves) and C-d (leaves on an empty bar). C-z is undo here (the
# terminal's suspend character is switched off), C-s/C-q reach heapviz (no flow control).
CONTROL_KEYS=(C-a C-b C-e C-f C-g C-h C-i C-j C-k C-l C-m C-n C-o C-p C-r C-s C-t C-u C-v C-w C-x C-y C-z)
NAMED_KEYS=(F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 F11 F12 Up Down Left Right Home End PPage NPage Escape
	Tab Enter BSpace DC IC BTab)
# Raw byte strings (hex): CSI/SS3/OSC/DCS sequences, known and unknown, cut short or overlong; UTF-8
# (2-4 bytes, a bidi override, a zero-width space) and invalid bytes (stray continuations, overlongs,
# surrogates, 0xff, a lead byte left open).
RAW_SEQUENCES=(
	'1b 5b 41' '1b 5b 31 3b 35 43' '1b 4f 50' '1b 5b 32 34 7e' '1b 5b 39 39 39 7e' '1b 5b 3f 31 30 34 39 68'
	'1b 5d 30 3b 70 77 6e 65 64 07' '1b 5d 32 3b 78 1b 5c' '1b 50 71 1b 5c' '1b 5b' '1b 4f' '1b 1b 1b'
	'1b 5b 4d 20 21 21' '1b 5b 3c 30 3b 35 3b 35 4d' '1b 5b 32 30 30 7e 68 69 1b 5b 32 30 31 7e'
	'c3 a9' 'e2 82 ac' 'f0 9f 92 a5' 'e2 80 ae' 'e2 80 8b' 'cc 81' 'ef bf bf'
	'ff' 'fe' '80' 'bf' 'c0 af' 'e0 80 af' 'ed a0 80' 'f4 90 80 80' 'e2 82' 'f0 9f' 'c3' '00' '7f' '9b 33 31 6d'
)
# Whole commands, typed then entered: hostile names, notes and bytes, sizes at and past the limits.
COMMANDS=(
	'note "\x1b]0;pwned-by-note\x07"'
	'note \x1b]2;pwned\x07 \x1b[2J \x9b31m'
	'alloc 40 as evil'
	'write evil "\x1b]0;pwned-by-bytes\x07\x1b[2J"'
	'fill evil 0x1b'
	'alloc 24 as ‮rtl'
	'alloc 16M'
	'alloc 99999999999999999999'
	'calloc 4294967296 4294967296 as c'
	'realloc evil 0xffffffff'
	'realloc evil 300'
	'free evil'
	'free evil'
	'free 0x3'
	'goto 18446744073709551615'
	'reset 16M'
	'reset 64'
	'reset 1024'
	'policy buddy'
	'policy next'
	'align 16'
	'align 3'
	'sleep 5'
	'help write'
	'check'
	'undo'
	'redo'
	'alloc 100'
	'alloc 7 as _x9'
	'write p1 "\x00\x01\x02\x7f\xff"'
	'export '"$E2E_DIR"'/storm.bin'
	'note é 𝄞 中文 \t tab'
)
SIZES=('20 5' '40 12' '200 60' '80 24' '39 11' '1 1')

# type_bytes TEXT: the bytes of TEXT as keys, sent as hex (tmux would take a trailing ';' of a literal
# argument for a command separator).
type_bytes() {
	# shellcheck disable=SC2046  # one argument per byte
	tm send-keys -t "$TARGET" -H $(printf '%s' "$1" | od -An -v -tx1)
}

storm_action() {
	local roll=$((RANDOM % 100))
	if [ $roll -lt 22 ]; then
		random_text $((1 + RANDOM % 12))
		type_bytes "$REPLY"
	elif [ $roll -lt 36 ]; then
		pick "${CONTROL_KEYS[@]}"
		send_keys "$REPLY"
	elif [ $roll -lt 56 ]; then
		pick "${NAMED_KEYS[@]}"
		send_keys "$REPLY"
	elif [ $roll -lt 72 ]; then
		pick "${RAW_SEQUENCES[@]}"
		# shellcheck disable=SC2086  # the hex bytes are separate arguments
		tm send-keys -t "$TARGET" -H $REPLY
	elif [ $roll -lt 76 ]; then
		# A long paste: longer than the command bar holds (1024 bytes), mixed with UTF-8.
		random_text $((200 + RANDOM % 200))
		type_bytes "$REPLY é€💥$REPLY$REPLY$REPLY"
	elif [ $roll -lt 94 ]; then
		pick "${COMMANDS[@]}"
		send_keys C-e C-u
		run_command "$REPLY"
	else
		pick "${SIZES[@]}"
		resize_to $REPLY
		storm_alive "after a resize to ${REPLY/ /x} during the storm"
	fi
}

# Wait until heapviz has taken everything sent (the screen stops changing) or has died.
settle() {
	local last='' now stable=0 deadline=$((SECONDS + WAIT_TIMEOUT))
	while [ $stable -lt 3 ]; do
		heapviz_dead && return 0
		[ "$SECONDS" -ge "$deadline" ] && fail "the screen never settled after the storm (a hang?)"
		sleep 0.1
		now=$(tm capture-pane -p -e -t "$TARGET" 2>/dev/null; cursor_position)
		if [ "$now" = "$last" ]; then
			stable=$((stable + 1))
		else
			stable=0
			last=$now
		fi
	done
}

hint_row() { screen_row 23; }

# The command bar focused, no overlay, the bar empty: whatever the storm left behind.
back_to_bar() {
	local tries
	for ((tries = 0; tries < 10; tries++)); do
		settle
		storm_alive "while returning to the command bar"
		case "$(hint_row)" in
		*"Esc/q/F1 close"*) send_keys F1 ;;      # the help overlay
		*"Enter select"*) send_keys Escape ;;    # the grid has the focus
		*"Tab complete"*)
			send_keys C-e C-u
			settle
			return 0
			;;
		*) send_keys C-e C-u ;;                  # a rejected line's caret hides the hints
		esac
	done
	fail "cannot get back to the command bar"
}

for ((round = 0; round < ROUNDS; round++)); do
	storm_action
	if ((round % 40 == 39)); then
		settle
		storm_alive "after storm round $round (seed $SEED)"
	fi
done

resize_to 80 24
settle
storm_alive "after the storm (seed $SEED)"
back_to_bar

# Stray 8-bit bytes, one write each: what Alt-letter sends from a terminal with 8-bit meta, or
# Latin-1 text typed into a UTF-8 locale. Each is invalid input to drop, not a reason to leave.
for ((i = 0; i < 40; i++)); do
	tm send-keys -t "$TARGET" -H e9
done
type_text "note after-stray-bytes"
wait_until "heapviz to take 40 stray 8-bit bytes" eval 'heapviz_dead || screen_has "> note after-stray-bytes"'
storm_alive "after 40 stray 8-bit bytes sent one at a time (e.g. printf '\\xe9' 40 times)"
send_keys C-e C-u
settle

# The heap the storm left is consistent, and the panel agrees with the checker.
run_command "check"
wait_for_regex 'check: the heap is consistent \([0-9]+ used, [0-9]+ free blocks\)' "the checker's verdict"
used=$(screen_text | grep -oE 'consistent \([0-9]+ used' | grep -oE '[0-9]+')
panel_used=$(panel_number "used blocks")
if [ -n "$panel_used" ] && [ "$panel_used" != "$used" ]; then
	fail "the panel shows $panel_used used blocks, the checker counted $used"
fi

# Nothing the storm typed reached the terminal raw: no OSC changed the pane's title.
title_after=$(tm display-message -p -t "$TARGET" '#{pane_title}')
[ "$title_after" = "$title_before" ] ||
	fail "the pane title changed from '$title_before' to '$title_after': raw text reached the terminal"
case "$title_after" in *pwned*) fail "the pane title is '$title_after'" ;; esac

run_command "quit"
wait_until "heapviz's exit status" test -s "$EXIT_FILE"
status=$(cat "$EXIT_FILE")
[ "$status" = 0 ] || fail "quit after the storm exited with status $status"

# The terminal is given back: the same line discipline as before, the normal screen, a visible
# cursor, no mouse reporting, and the title untouched to the end.
wait_until "the modes after heapviz" test -s "$MODES_AFTER"
[ "$(cat "$MODES_AFTER")" = "$(cat "$MODES_BEFORE")" ] ||
	fail "terminal modes not restored: before $(cat "$MODES_BEFORE"), after $(cat "$MODES_AFTER")"
flags=$(tm display-message -p -t "$TARGET" \
	'#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{pane_title}')
[ "$flags" = "0 1 0 0 0 $title_before" ] ||
	fail "after quit: alternate screen, cursor, mouse flags and title are '$flags', expected '0 1 0 0 0 $title_before'"
assert_lacks "Tab complete" "after quit (heapviz's screen left behind)"
touch "$RELEASE_FILE"

pass "seed $SEED, $ROUNDS rounds"
