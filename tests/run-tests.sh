#!/usr/bin/env bash
# Runs every test program and end-to-end script; prints one closing tally line.
# Usage: tests/run-tests.sh BUILD_DIR [SANITIZER_BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 2
build=${1:-build}
san=${2:-}
passed=0 failed=0 failures=()

run_one() {
	local label=$1; shift
	echo "=== $label"
	if "$@" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); failures+=("$label")
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] && run_one "unit $(basename "$t")" "$t"
done
if [ -n "$san" ]; then
	for t in "$san"/tests/test_*; do
		[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] &&
			run_one "asan+ubsan $(basename "$t")" env ASAN_OPTIONS=detect_leaks=1 "$t"
	done
fi
export HEAPVIZ="$PWD/heapviz"
[ -n "$san" ] && export HEAPVIZ_SAN="$PWD/$san/heapviz"
for e in tests/e2e/*.sh; do
	case "$e" in *_lib.sh) continue ;; esac
	[ -f "$e" ] && run_one "e2e $(basename "$e")" bash "$e"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
