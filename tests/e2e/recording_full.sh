#!/usr/bin/env bash
# recording_full.sh - recordings on a full disk (a 64 KiB tmpfs): the failure is said at once, with the
# file and the reason, the exit status is 1, and the cast stays valid up to its last whole event.
source "$(dirname "$0")/tmux_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v asciinema >/dev/null || fail "asciinema is not installed (make test installs it)"
FULL="$E2E_DIR/full"
mkdir -p "$FULL"
if ! mount -t tmpfs -o size=64k heapviz-e2e "$FULL" 2>/dev/null; then
	# Mounting needs root (make test in a container or chroot runs as root); say so rather than pass quietly.
	echo "SKIP $TEST_NAME: cannot mount a 64 KiB tmpfs (needs root)"
	exit 0
fi
trap 'stop_tmux; umount "$FULL" 2>/dev/null; rm -rf "$E2E_DIR"' EXIT

# Every line parses as JSON (the header, then [time, "o"|"r", data]), and the file ends with a newline.
check_whole_events() {
	python3 - "$1" <<'PY' || fail "$1 is not a valid asciicast up to its last event"
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "the last event is cut: %r" % data[-40:]
lines = data.decode("utf-8").split("\n")[:-1]
assert json.loads(lines[0])["version"] == 2
for line in lines[1:]:
    event = json.loads(line)
    assert len(event) == 3 and event[1] in ("o", "r"), event
print(len(lines) - 1, "whole events")
PY
	timeout 30 script -qec "asciinema cat '$1'" /dev/null >/dev/null || fail "asciinema cat refused $1"
}

# 1. --render onto the full disk: path and reason, exit 1, a valid cast up to the last whole event.
for i in $(seq 120); do echo "alloc $((i * 3))"; echo "note step $i"; done >"$E2E_DIR/long.hv"
"$HEAPVIZ" --render "$FULL/render.cast" "$E2E_DIR/long.hv" 2>"$E2E_DIR/render.err"
status=$?
[ "$status" = 1 ] || fail "--render on a full disk exited $status, expected 1"
expected="heapviz: $FULL/render.cast: write failed: No space left on device"
[ "$(cat "$E2E_DIR/render.err")" = "$expected" ] ||
	fail "--render said '$(cat "$E2E_DIR/render.err")', expected '$expected'"
check_whole_events "$FULL/render.cast"
rm -f "$FULL/render.cast"

# 2. Interactive --record: 120 commands fill the disk; the bar says so at once, quitting exits 1 with
#    the same message on stderr.
start_shell 80 24
type_text "$HEAPVIZ --record $FULL/live.cast 2>$E2E_DIR/live.err; echo \"exit=\$?\""
send_keys Enter
wait_for_heapviz
for i in $(seq 120); do
	run_command "alloc $((i % 50 + 1))"
	screen_has "recording stopped" && break
	# Each command is drawn before the next is typed, so the recording grows step by step.
	wait_for "step $i / $i"
done
# The bar wraps at 80 columns: the path and the start of the reason are on its first line.
wait_for "✗ recording stopped: $FULL/live.cast: write failed: No" "the bar, at once"
run_command "alloc 7"
assert_alive "after the recording stopped"
run_command "quit"
wait_for "exit=1" "heapviz's exit status after a failed recording"
expected="heapviz: recording stopped: $FULL/live.cast: write failed: No space left on device"
[ "$(cat "$E2E_DIR/live.err")" = "$expected" ] ||
	fail "stderr said '$(cat "$E2E_DIR/live.err")', expected '$expected'"
check_whole_events "$FULL/live.cast"
pass "render and record on a full disk"
