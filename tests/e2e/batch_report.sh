#!/usr/bin/env bash
# batch_report.sh - text reports of --batch against hand-checked golden files; scripts from files and standard input.
# Block sizes in the goldens follow the documented layout: fit blocks are 8 B header + request + 4 B footer,
# rounded up to 8 (minimum 16); see the comments in tests/data/batch_basic.hv.
source "$(dirname "$0")/batch_lib.sh"
# run_case BINARY LABEL: every text-report case, against one binary.
run_case() {
	local bin=$1 tag=$2 status

	"$bin" --batch tests/data/batch_basic.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag first fit" 0 $status
	check_output "$tag first fit" "$expected/batch_basic_first.txt" "$work/out"
	[ -s "$work/err" ] && fail "$tag first fit: unexpected stderr: $(head -3 "$work/err")"

	"$bin" --batch --policy best tests/data/batch_basic.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag best fit" 0 $status
	check_output "$tag best fit" "$expected/batch_basic_best.txt" "$work/out"

	# The same with the short option and an explicit heap size and alignment (the defaults).
	"$bin" --batch -p best -s 1K --align 8 tests/data/batch_basic.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag best fit (short options)" 0 $status
	check_output "$tag best fit (short options)" "$expected/batch_basic_best.txt" "$work/out"

	# Standard input, with no FILE and with "-".
	"$bin" --batch <tests/data/batch_basic.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag stdin" 0 $status
	check_output "$tag stdin" "$expected/batch_basic_first.txt" "$work/out"
	cat tests/data/batch_basic.hv | "$bin" --batch - >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag stdin '-'" 0 $status
	check_output "$tag stdin '-'" "$expected/batch_basic_first.txt" "$work/out"

	# A rejected command stops the batch: exit 2, FILE:LINE:COL on stderr, no final report.
	"$bin" --batch tests/data/batch_reject.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag rejected" 2 $status
	check_output "$tag rejected (stdout)" "$expected/batch_reject.txt" "$work/out"
	check_output "$tag rejected (stderr)" "$expected/batch_reject.stderr" "$work/err"

	# --keep-going reports every rejection, runs the rest, prints the report and still exits 2.
	"$bin" --batch --keep-going tests/data/batch_reject.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag keep going" 2 $status
	check_output "$tag keep going (stdout)" "$expected/batch_reject_keep_going.txt" "$work/out"
	check_output "$tag keep going (stderr)" "$expected/batch_reject_keep_going.stderr" "$work/err"

	# From standard input the position names <stdin>.
	"$bin" --batch <tests/data/batch_reject.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag rejected from stdin" 2 $status
	grep -qx "<stdin>:2:6: no block is named 'nosuch'" "$work/err" ||
		fail "$tag rejected from stdin: stderr is '$(cat "$work/err")'"

	# A parse error is positioned the same way, before anything runs.
	printf 'alloc 8\nalloc 8 as\n' | "$bin" --batch >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag parse error" 2 $status
	grep -q '^<stdin>:2:[0-9][0-9]*: ' "$work/err" || fail "$tag parse error: stderr is '$(cat "$work/err")'"
}

run_case "$HEAPVIZ" "heapviz"
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	run_case "$HEAPVIZ_SAN" "sanitizer build"
fi

if [ $failures -gt 0 ]; then
	echo "batch_report: $failures failure(s)"
	exit 1
fi
echo "batch_report: ok"
