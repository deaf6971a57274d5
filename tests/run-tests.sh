#!/usr/bin/env bash
# Runs every test program and end-to-end script; prints one closing tally line.
# Usage: tests/run-tests.sh BUILD_DIR [SANITIZER_BUILD_DIR]
#
# The trace replay (every malloc-lab trace, the checker after every step) takes
# a few minutes on its own, so it runs on the second core while the rest of the
# suite runs, and its result is collected at the end. Under the sanitizers it
# replays the traces of up to 15,000 lines (HEAPVIZ_TRACE_LIMIT): the full set
# runs in the normal build.
set -u
cd "$(dirname "$0")/.." || exit 2
build=${1:-build}
san=${2:-}
passed=0 failed=0 failures=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

record() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failures+=("$1")
	fi
}

run_one() {
	local label=$1; shift
	echo "=== $label"
	"$@" 2>&1
	record "$label" $?
}

is_long() { case "$(basename "$1")" in test_traces*) return 0 ;; esac; return 1; }

# Long tests first, in the background.
background=()
for t in "$build"/tests/test_*; do
	[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] && is_long "$t" || continue
	label="unit $(basename "$t")"
	( "$t" >"$logs/$(basename "$t").log" 2>&1; echo $? >"$logs/$(basename "$t").status" ) &
	background+=("$label|$(basename "$t")")
done

for t in "$build"/tests/test_*; do
	[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] && ! is_long "$t" && run_one "unit $(basename "$t")" "$t"
done
if [ -n "$san" ]; then
	for t in "$san"/tests/test_*; do
		[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] || continue
		run_one "asan+ubsan $(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 HEAPVIZ_TRACE_LIMIT=15000 "$t"
	done
fi
# Every fuzz seed and saved finding through its harness, without libFuzzer
# (replay_TARGET), in the normal and the sanitizer build; the list of files
# replayed is shown only when one fails.
replay() {
	local program=$1 target=${1##*/replay_} log=$logs/replay.log
	local paths=("tests/fuzz/corpus/$target")
	[ -d "tests/fuzz/findings/$target" ] && paths+=("tests/fuzz/findings/$target")
	# A replay checks every output of every input (fuzz_output samples the snapshots while fuzzing).
	HEAPVIZ_FUZZ_ALL_SNAPSHOTS=1 ASAN_OPTIONS=detect_leaks=1 "$program" "${paths[@]}" >"$log" 2>&1
	local status=$?
	[ $status -eq 0 ] && tail -n 1 "$log" || tail -n 40 "$log"
	return $status
}
for t in "$build"/tests/replay_* ${san:+"$san"/tests/replay_*}; do
	[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] || continue
	run_one "fuzz replay $(basename "$(dirname "$(dirname "$t")")")/$(basename "$t")" \
		replay "$t"
done
# Each libFuzzer target for a few seconds, where the runtime is installed (see the Makefile's FUZZ_PROBE).
# A fixed seed (HEAPVIZ_FUZZ_SEED) makes the run repeatable, so a finding here can be reproduced
# from the same tree; `make fuzz` explores with fresh seeds and for longer.
if [ -n "${HEAPVIZ_FUZZ:-}" ]; then
	for f in "$HEAPVIZ_FUZZ"/fuzz_*; do
		[ -x "$f" ] && [ "${f%.[od]}" = "$f" ] || continue
		run_one "fuzz ${f##*/} (${HEAPVIZ_FUZZ_SECONDS:-20} s)" \
			tests/fuzz/run.sh "$HEAPVIZ_FUZZ" "${f##*/fuzz_}" -max_total_time="${HEAPVIZ_FUZZ_SECONDS:-20}" \
			-seed="${HEAPVIZ_FUZZ_SEED:-1}"
	done
fi

export HEAPVIZ="$PWD/heapviz"
[ -n "$san" ] && export HEAPVIZ_SAN="$PWD/$san/heapviz"
for e in tests/e2e/*.sh; do
	case "$e" in *_lib.sh) continue ;; esac
	[ -f "$e" ] && run_one "e2e $(basename "$e")" bash "$e"
done

wait
for entry in "${background[@]}"; do
	label=${entry%%|*} name=${entry#*|}
	echo "=== $label (ran alongside the others)"
	cat "$logs/$name.log"
	record "$label" "$(cat "$logs/$name.status" 2>/dev/null || echo 1)"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
