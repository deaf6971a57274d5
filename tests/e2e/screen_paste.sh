#!/usr/bin/env bash
# Pasting into the command bar: a 1 MiB paste (bracketed, as tmux sends it to a program that asks)
# keeps the bar's first 1024 bytes and says how much was dropped, and the bar works afterwards; a
# pasted line break never runs a line; control bytes in a paste are dropped and counted; the same
# paste without brackets (typed keys) is counted too. Prints how long each megabyte took (a figure for
# the record, not an assertion: the machine's load decides it).
source "$(dirname "$0")/tmux_lib.sh"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

MEGABYTE="$E2E_DIR/megabyte"
head -c 1048576 /dev/zero | tr '\0' x >"$MEGABYTE"

start_heapviz 80 24
tm load-buffer -b mega "$MEGABYTE"

# 1. A bracketed 1 MiB paste: one edit, a message with the counts, no command run.
started=$(now_ms)
tm paste-buffer -p -b mega -t "$TARGET"
wait_for "the bar holds 1024 bytes: 1,047,552 pasted bytes were dropped (1,024 kept)"
took=$(($(now_ms) - started))
echo "measure $TEST_NAME: bracketed paste of 1,048,576 bytes into the bar: $took ms"
assert_has "step 0 / 0" "a paste runs nothing"
screen_row 22 | grep -q '^> x\{70,\}' || fail "the bar does not show the pasted text: $(screen_row 22)"
# The bar works afterwards: Ctrl-U empties it (the cursor is at the end of the paste), a command runs.
send_keys C-u
wait_until "an empty bar" screen_matches '^> *$'
run_command "alloc 24 as after"
wait_for "step 1 / 1"
grid_text | grep -q after || fail "the grid does not name the block allocated after the paste"

# 2. Pasted line breaks become spaces: nothing runs until Enter, then the line runs as one command.
printf 'alloc 10 as one\nalloc 20 as two\n' >"$E2E_DIR/lines"
tm load-buffer -b lines "$E2E_DIR/lines"
tm paste-buffer -p -b lines -t "$TARGET"
wait_for "line breaks became spaces"
assert_has "> alloc 10 as one alloc 20 as two" "both lines in the bar, joined"
assert_has "step 1 / 1" "a pasted line break must not run the line"
send_keys C-u
printf 'alloc 32 as pasted' >"$E2E_DIR/line"
tm load-buffer -b line "$E2E_DIR/line"
tm paste-buffer -p -b line -t "$TARGET"
wait_for "> alloc 32 as pasted"
assert_has "step 1 / 1" "a paste without a line break runs nothing either"
send_keys Enter
wait_for "step 2 / 2"
grid_text | grep -q pasted || fail "the pasted command did not run"

# 3. Control bytes in a paste (an escape sequence, a bell) are dropped and counted, never drawn.
printf 'note a\033]0;pwned\007b' >"$E2E_DIR/controls"
tm load-buffer -b controls "$E2E_DIR/controls"
tm paste-buffer -p -b controls -t "$TARGET"
wait_for "control characters or invalid bytes were dropped"
[ "$(tm display-message -p -t "$TARGET" '#{pane_title}')" != pwned ] || fail "a pasted OSC sequence reached the terminal"
send_keys C-u

# 4. A paste goes to the bar even when the grid has the focus.
send_keys Escape
tm paste-buffer -p -b line -t "$TARGET"
wait_for "> alloc 32 as pasted"
send_keys C-u

# 5. Without brackets a paste arrives as typed keys, each read through curses: 256 KiB of them still
# come with a frame per burst, not per key, and the full bar counts what it dropped.
QUARTER="$E2E_DIR/quarter"
head -c 262144 "$MEGABYTE" >"$QUARTER"
tm load-buffer -b quarter "$QUARTER"
started=$(now_ms)
tm paste-buffer -b quarter -t "$TARGET"
E2E_TIMEOUT=60 WAIT_TIMEOUT=60 wait_for "the command line is full (1024 bytes): 261,120 bytes dropped"
took=$(($(now_ms) - started))
echo "measure $TEST_NAME: unbracketed paste of 262,144 bytes (typed keys): $took ms"
send_keys C-u
wait_until "an empty bar" screen_matches '^> *$'
run_command "alloc 8 as last"
wait_for "step 3 / 3"

assert_alive
run_command "quit"
wait_until "heapviz to exit" pane_dead
[ "$(pane_exit_status)" = 0 ] || fail "exit status $(pane_exit_status) after quit"
pass
