# batch_lib.sh - shared by the batch_*.sh tests: run from the repo root, a scratch directory, and
# failures that are counted (each script reports them all, then exits non-zero).
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${HEAPVIZ:?set HEAPVIZ to the heapviz binary}"
expected=tests/e2e/expected
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# check_output LABEL GOLDEN ACTUAL: the actual file must equal the golden one; show the difference if not.
check_output() {
	if ! diff -u "$2" "$3" >"$work/diff"; then
		fail "$1: output differs from $2"
		head -40 "$work/diff"
	fi
}

# check_status LABEL EXPECTED ACTUAL
check_status() {
	[ "$2" = "$3" ] || fail "$1: exit status $3, expected $2"
}
