#!/usr/bin/env bash
# hostile_options.sh - out-of-range options (-s 63, -s 1025M, --align 3, --size 0x0, --size 100000x100000,
# --step-ms -1, ...): exit 2, one error line naming the option, nothing on stdout, no file written or changed.
source "$(dirname "$0")/batch_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"

lesson=$PWD/assets/lessons/splitting-and-coalescing.hv
[ -f "$lesson" ] || { echo "FAIL: no lesson at $lesson"; exit 1; }

# expect_refused PATTERN LABEL -- ARGS...: run heapviz in an empty directory holding one output
# file from before; it must exit 2 with one error line matching PATTERN (the usual "Try 'heapviz
# --help'." hint aside), print nothing on stdout, and leave the directory as it was.
expect_refused() {
	local pattern=$1 label=$2 status
	shift 3
	rm -rf "$work/dir" && mkdir "$work/dir" && echo before >"$work/dir/keep.cast"
	(cd "$work/dir" && "$HEAPVIZ" "$@" >"$work/out" 2>"$work/err" </dev/null)
	status=$?
	check_status "$label" 2 "$status"
	[ -s "$work/out" ] && fail "$label: wrote to stdout: $(head -c 200 "$work/out")"
	grep -v "^Try 'heapviz --help'\.\$" "$work/err" >"$work/err.lines"
	local lines
	lines=$(wc -l <"$work/err.lines")
	[ "$lines" -eq 1 ] || fail "$label: $lines error lines, expected 1: $(cat "$work/err")"
	grep -Eq -- "$pattern" "$work/err.lines" || fail "$label: the error does not name the option (/$pattern/): $(cat "$work/err")"
	check_clean text "$work/err" >/dev/null || fail "$label: the error holds raw control characters"
	[ "$(ls -A "$work/dir")" = keep.cast ] || fail "$label: files were written: $(ls -A "$work/dir" | tr '\n' ' ')"
	[ "$(cat "$work/dir/keep.cast")" = before ] || fail "$label: an existing output file was changed"
}

batch_outputs=(--batch --snapshot out.svg --trace-json out.jsonl)
heap_size='(-s|--heap-size|heap size)'
for value in 63 1025M 0 -1 0x 1e9 18446744073709551616 99999999999999999999K 4G; do
	expect_refused "$heap_size" "-s $value (batch)" -- -s "$value" "${batch_outputs[@]}" "$lesson"
	expect_refused "$heap_size" "--heap-size $value (render)" -- --heap-size "$value" --render out.cast "$lesson"
done
# buddy needs a power of two
expect_refused "$heap_size|power of two" "-s 1000 -p buddy" -- -s 1000 -p buddy "${batch_outputs[@]}" "$lesson"
for value in 3 0 -1 32 1e9 99999999999999999999; do
	expect_refused 'align' "--align $value" -- --align "$value" "${batch_outputs[@]}" "$lesson"
done
for value in 0x0 100000x100000 -1x-1 80x 18446744073709551616x24 1e9x1e9 80x24x2; do
	expect_refused "size.*'?$value|$value.*size|--size" "--size $value" -- --render out.cast --size "$value" "$lesson"
done
for value in -1 0 1e9 99999999999999999999 0x; do
	expect_refused 'step-ms' "--step-ms $value" -- --render keep.cast --step-ms "$value" "$lesson"
done
expect_refused 'policy' "-p bogus" -- -p bogus "${batch_outputs[@]}" "$lesson"
for value in bogus LIF '' lifo,fifo $'lifo\x1b[2J'; do
	expect_refused 'order' "--order $value" -- --order "$value" "${batch_outputs[@]}" "$lesson"
done
# a free-list order is for the fit policies only
expect_refused 'order' "--order lifo -p buddy" -- --order lifo -p buddy "${batch_outputs[@]}" "$lesson"
expect_refused 'order' "--order fifo --compare first,tlsf" -- --order fifo --compare first,tlsf --render out.cast "$lesson"
expect_refused 'compare' "--compare first" -- --compare first --render out.cast "$lesson"
# Hostile text in an option's value is quoted escaped, and its length is bounded.
expect_refused 'policy' "-p with an escape sequence" -- -p $'\e]0;PWNED\a' "${batch_outputs[@]}" "$lesson"
expect_refused "$heap_size" "-s with a C1 byte" -- -s $'\x9b2J' "${batch_outputs[@]}" "$lesson"

if [ $failures -gt 0 ]; then
	echo "hostile_options: $failures failure(s)"
	exit 1
fi
echo "hostile_options: ok"
