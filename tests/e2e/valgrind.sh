#!/usr/bin/env bash
# valgrind.sh - no leaks and no memory errors under valgrind: the binary in every mode, and the quick unit tests.
source "$(dirname "$0")/tmux_lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || fail "valgrind is not installed (make test installs it)"
VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99)

vg() {
	"${VG[@]}" --log-file="$E2E_DIR/vg.log" "$@" >/dev/null 2>"$E2E_DIR/stderr"
	local status=$?
	if [ "$status" -eq 99 ] || [ -s "$E2E_DIR/vg.log" ]; then
		cat "$E2E_DIR/vg.log" >&2
		fail "valgrind found a problem in: $*"
	fi
	return "$status"
}

for lesson in "$ROOT"/assets/lessons/*.hv; do
	vg "$HEAPVIZ" --batch "$lesson" || fail "batch $lesson exited $?"
done
vg "$HEAPVIZ" --batch --json -p buddy "$ROOT/assets/lessons/buddy-internal-fragmentation.hv" || fail "--json"
vg "$HEAPVIZ" --batch --trace-json "$E2E_DIR/t.jsonl" --snapshot "$E2E_DIR/s.svg" -s 16M \
	"$ROOT/tests/traces/malloclab/corners.rep" || fail "--trace-json/--snapshot on a trace"
printf 'alloc 10\nfree nosuch\nwrite p1 "toolongtoolong"\nalloc 5 as p1\nbogus\n' >"$E2E_DIR/bad.hv"
vg "$HEAPVIZ" --batch --keep-going "$E2E_DIR/bad.hv"
[ $? -eq 2 ] || fail "rejected commands should exit 2 under valgrind too"
vg "$HEAPVIZ" --render "$E2E_DIR/r.cast" --size 100x30 "$ROOT/assets/lessons/realloc-moves.hv" || fail "--render"
vg "$HEAPVIZ" --batch "$E2E_DIR/missing.hv"
[ $? -eq 1 ] || fail "a missing file should exit 1"

# The screen, with a recording, help, hex view, inspector and export.
start_in_tmux 80 24 -- "${VG[@]}" --log-file="$E2E_DIR/vg-screen.log" "$HEAPVIZ" --record "$E2E_DIR/s.cast"
WAIT_TIMEOUT=30 wait_for_heapviz
for line in "alloc 100" "alloc 50 as buf" 'write buf "hello"' "free p1" "export $E2E_DIR/x.svg" "bogus"; do
	run_command "$line"
done
WAIT_TIMEOUT=30 wait_for "unknown command"
send_keys C-x; send_keys F1; send_keys Escape; send_keys Escape; send_keys Right; send_keys Enter; send_keys Escape
send_keys End; send_keys C-u
run_command "quit"
WAIT_TIMEOUT=30 wait_until "heapviz to exit" pane_dead
[ "$(cat "$STATUS_FILE" 2>/dev/null)" = 0 ] || { cat "$E2E_DIR/vg-screen.log" >&2; fail "the screen under valgrind exited $(cat "$STATUS_FILE")"; }
[ -s "$E2E_DIR/vg-screen.log" ] && { cat "$E2E_DIR/vg-screen.log" >&2; fail "valgrind found a problem in the screen"; }

# The quick unit tests (the long randomized ones run under ASan+UBSan instead).
for t in test_command test_json test_lineedit test_names test_screen test_theme test_heap test_view; do
	[ -x "$ROOT/build/tests/$t" ] || fail "no unit test binary build/tests/$t"
	vg "$ROOT/build/tests/$t" || fail "$t failed under valgrind"
done
pass
