#!/usr/bin/env bash
# recording.sh - asciicast recordings (--record under tmux, --render without a terminal) checked with real players.
source "$(dirname "$0")/tmux_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SVG_TERM="$ROOT/build/npm/node_modules/.bin/svg-term"
LESSON="$ROOT/assets/lessons/splitting-and-coalescing.hv"
[ -x "$SVG_TERM" ] || fail "svg-term is not installed at $SVG_TERM (make test installs it)"
command -v asciinema >/dev/null || fail "asciinema is not installed (make test installs it)"

# Play a cast with asciinema under a pseudo-terminal; print what it wrote, escape sequences stripped.
play_text() {
	local cast=$1
	timeout 30 script -qec "asciinema cat '$cast'" /dev/null >"$E2E_DIR/played.raw" ||
		fail "asciinema cat refused $cast"
	# The last screen: what a terminal shows after the last event, via a tmux pane of the cast's size.
	local size
	size=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print(h["width"], h["height"])' "$cast")
	set -- $size
	start_in_tmux "$1" "$2" -- sh -c "asciinema cat '$cast'; sleep 30"
}

check_header() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "bad asciicast header or events in $1"
import json, sys
path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = open(path, encoding="utf-8").read().splitlines()
header = json.loads(lines[0])
assert header["version"] == 2, header
assert header["width"] == width and header["height"] == height, header
assert isinstance(header["timestamp"], int) and isinstance(header["title"], str), header
last = -1.0
for line in lines[1:]:
    event = json.loads(line)
    assert len(event) == 3 and event[1] in ("o", "r"), event
    assert event[0] >= last, (event[0], last)
    last = event[0]
    if event[1] == "o":
        # Only the screen's own escape sequences: ESC starts every control sequence used.
        for ch in event[2]:
            assert ch == "\x1b" or ch >= " ", repr(event[2][:80])
PY
}

# 1. --render: deterministic, accepted by asciinema and svg-term, and ends on the lesson's last step.
SOURCE_DATE_EPOCH=1700000000 "$HEAPVIZ" --render "$E2E_DIR/a.cast" --size 100x30 --step-ms 400 "$LESSON" ||
	fail "--render failed"
SOURCE_DATE_EPOCH=1700000000 "$HEAPVIZ" --render "$E2E_DIR/b.cast" --size 100x30 --step-ms 400 "$LESSON" ||
	fail "--render failed the second time"
cmp -s "$E2E_DIR/a.cast" "$E2E_DIR/b.cast" || fail "--render twice gave different bytes"
check_header "$E2E_DIR/a.cast" 100 30
grep -q '"timestamp": 1700000000' "$E2E_DIR/a.cast" || fail "the header does not take SOURCE_DATE_EPOCH"
steps=$("$HEAPVIZ" --batch --json "$LESSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["step"])')
play_text "$E2E_DIR/a.cast"
wait_for "step $steps / $steps" "the lesson's last step after asciinema cat"
expected_break=$("$HEAPVIZ" --batch --json "$LESSON" | python3 -c 'import json,sys; print("0x%03x" % json.load(sys.stdin)["break"])')
wait_for "break is now $expected_break" "the last step's explanation"
assert_has "splitting-and-coalescing.hv"
timeout 60 "$SVG_TERM" --in "$E2E_DIR/a.cast" --out "$E2E_DIR/a.svg" --window >/dev/null 2>&1 ||
	fail "svg-term could not render the --render output"
xmllint --noout "$E2E_DIR/a.svg" || fail "svg-term's SVG is not well-formed"
grep -q "step" "$E2E_DIR/a.svg" || fail "svg-term's SVG lacks the screen text"

# 2. --record under tmux: what the screen showed is in the recording.
start_heapviz 80 24 -- --record "$E2E_DIR/live.cast"
run_command "alloc 100"
wait_for "step 1 / 1"
run_command "alloc 50 as buf"
wait_for "step 2 / 2"
printf -v weird 'write buf "\\x1b]0;pwned\\x07"'
run_command "$weird"
wait_for "step 3 / 3"
run_command "quit"
wait_until "heapviz to exit" pane_dead
check_header "$E2E_DIR/live.cast" 80 24
# The command text is drawn escaped (\x1b), never sent on as a raw OSC sequence.
if grep -q '\\u001b\]0;pwned' "$E2E_DIR/live.cast"; then fail "raw escape sequence from user text reached the recording"; fi
play_text "$E2E_DIR/live.cast"
wait_for "step 3 / 3" "the recorded screen after asciinema cat"
assert_has "buf"
timeout 60 "$SVG_TERM" --in "$E2E_DIR/live.cast" --out "$E2E_DIR/live.svg" >/dev/null 2>&1 ||
	fail "svg-term could not render the --record output"

# 3. A killed recording still plays.
start_heapviz 80 24 -- --record "$E2E_DIR/killed.cast"
run_command "alloc 64 as survivor"
wait_for "step 1 / 1"
pid=$(pane_child_pid)
[ -n "$pid" ] && [ "$(pid_command "$pid")" = heapviz ] || fail "cannot find the recording heapviz"
kill -KILL "$pid"
wait_until "heapviz to die" pane_dead
check_header "$E2E_DIR/killed.cast" 80 24
play_text "$E2E_DIR/killed.cast"
wait_for "survivor" "the killed recording's last frame"

# 4. A resize during recording is an "r" event.
start_heapviz 80 24 -- --record "$E2E_DIR/resized.cast"
resize_to 100 30
wait_until "the pane to be 100x30" pane_size_is 100 30
run_command "alloc 8"
wait_for "step 1 / 1"
run_command "quit"
wait_until "heapviz to exit" pane_dead
grep -q '"r", "100x30"' "$E2E_DIR/resized.cast" || fail "no resize event in the recording"

pass
