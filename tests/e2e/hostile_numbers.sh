#!/usr/bin/env bash
# hostile_numbers.sh - hostile numbers in a batch script (-1, 0, 2^64, 1e9, 0x, 99999999999999999999K,
# calloc overflow, goto out of range) as sizes, counts, addresses, bytes and steps: one FILE:LINE:COL:
# line each, and with --keep-going the run is exactly the run without that line (text and JSON).
source "$(dirname "$0")/batch_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"

before='alloc 24 as a
write a "hello"
alloc 40 as b
fill b 0x41
free a
alloc 5000 as big
note the heap before'
after='alloc 8 as after
write after "x"'
printf '%s\n%s\n' "$before" "$after" >"$work/plain.hv"
"$HEAPVIZ" --batch --keep-going "$work/plain.hv" >"$work/plain.txt" 2>"$work/plain.err" || fail "the plain script failed"
"$HEAPVIZ" --batch --keep-going --json "$work/plain.hv" >"$work/plain.json" 2>>"$work/plain.err" || fail "the plain script failed"
[ -s "$work/plain.err" ] && fail "the plain script has errors: $(cat "$work/plain.err")"
line_number=$(($(printf '%s\n' "$before" | wc -l) + 1))

# rejected LINE: LINE between before and after is one error at its line, and changes nothing.
rejected() {
	local line=$1 status
	printf '%s\n%s\n%s\n' "$before" "$line" "$after" >"$work/hostile.hv"
	"$HEAPVIZ" --batch --keep-going "$work/hostile.hv" >"$work/out.txt" 2>"$work/err.txt"
	status=$?
	check_status "'$line'" 2 $status
	local errors
	errors=$(wc -l <"$work/err.txt")
	[ "$errors" -eq 1 ] || fail "'$line': $errors error lines, expected 1: $(head -c 300 "$work/err.txt")"
	grep -Eq "^$work/hostile\\.hv:$line_number:[0-9]+: [^ ]" "$work/err.txt" ||
		fail "'$line': not a FILE:$line_number:COL: error: $(head -c 300 "$work/err.txt")"
	check_clean text "$work/err.txt" >/dev/null || fail "'$line': the error holds raw control characters"
	cmp -s "$work/out.txt" "$work/plain.txt" || fail "'$line': the batch text differs from the run without it"
	"$HEAPVIZ" --batch --keep-going --json "$work/hostile.hv" >"$work/out.json" 2>/dev/null
	# --json adds the first rejection ("error", "rejected"); the state itself must be the plain run's.
	python3 - "$work/out.json" "$work/plain.json" "$line_number" <<'PY' || fail "'$line': the JSON state differs from the run without it"
import json, sys
got, plain = (json.load(open(path)) for path in sys.argv[1:3])
error = got.pop("error")
assert got.pop("rejected") == 1 and error["line"] == int(sys.argv[3]) and error["message"], error
assert got == plain
PY
}

# Each number as a size, a count, an address, a byte and a step (tests/model/test_hostile.c tries every
# place a number goes on the model; here the whole path, file to output, once per kind).
for number in -1 0 18446744073709551616 1e9 0x 99999999999999999999K 0x10000000000000000 1KK; do
	for place in "alloc %s" "realloc b %s" "calloc %s 4" "free %s" "fill b %s" "goto %s"; do
		case "$place:$number" in
		"fill b %s:0" | "goto %s:0" | "sleep %s:0") continue ;;  # valid there
		esac
		rejected "${place//%s/$number}"
	done
done
for line in "calloc 4294967296 4294967296" "calloc 18446744073709551615 2" "calloc 2 0x8000000000000000" \
	"calloc 3 6148914691236517206" "calloc 65536 281474976710656 as z" "goto -1" "goto 99999999999999999999" \
	"goto 18446744073709551615" "goto 8" "goto 1000000" "fill b 256" "fill b 0x100" "align 3" "sleep 3600001" \
	"write b \"0123456789012345678901234567890123456789X\"" "write big \"x\"" "free a" "free 1" "free 1024"; do
	rejected "$line"
done

if [ $failures -gt 0 ]; then
	echo "hostile_numbers: $failures failure(s)"
	exit 1
fi
echo "hostile_numbers: ok"
