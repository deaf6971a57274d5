#!/usr/bin/env bash
# hostile_files.sh - hostile input files (missing, a directory, /dev/zero, binary garbage, traces that
# disagree with their header, ids out of range, a million lines) and output paths that cannot be written:
# one error line each, naming the file (FILE:LINE:COL: inside a file), nothing run, nothing written.
source "$(dirname "$0")/batch_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"

# expect_error STATUS PATTERN LABEL -- ARGS...: heapviz ARGS (stdin from /dev/null) in $work/dir exits
# STATUS with exactly one stderr line, matching PATTERN, and prints nothing on stdout (unless
# RAN=1: --snapshot is written after the run, whose steps are printed as usual).
expect_error() {
	local want=$1 pattern=$2 label=$3 status lines
	shift 4
	(cd "$work/dir" && "$HEAPVIZ" "$@" >"$work/out" 2>"$work/err" </dev/null)
	status=$?
	check_status "$label" "$want" "$status"
	[ "${RAN:-0}" = 0 ] && [ -s "$work/out" ] && fail "$label: something ran or was printed: $(head -c 200 "$work/out")"
	lines=$(wc -l <"$work/err")
	[ "$lines" -eq 1 ] || fail "$label: $lines stderr lines, expected 1: $(head -c 400 "$work/err")"
	grep -Eq -- "$pattern" "$work/err" || fail "$label: stderr does not match /$pattern/: $(head -c 300 "$work/err")"
	check_clean text "$work/err" >/dev/null || fail "$label: the error holds raw control characters"
}

mkdir "$work/dir"
d=$work/dir
printf 'alloc 10 as a\n' >"$d/ok.hv"

# 1. Inputs that are not readable scripts.
expect_error 1 'missing\.hv.*(No such file|not found)' "a missing file" -- --batch missing.hv
expect_error 1 'missing\.hv.*(No such file|not found)' "a missing file to render" -- --render out.cast missing.hv
expect_error 1 "$d.*(directory)" "a directory" -- --batch "$d"
expect_error 1 '/dev/zero.*(256 MiB|too large|larger)' "/dev/zero" -- --batch /dev/zero
[ -e "$d/out.cast" ] && fail "a failed --render left $d/out.cast"
# Standard input that is a directory or endless: the same, with the reason (expected with w-outputs' messages).
(cd "$d" && "$HEAPVIZ" --batch </tmp >"$work/out" 2>"$work/err"); status=$?
check_status "stdin a directory" 1 $status
grep -Eq 'standard input|<stdin>' "$work/err" && grep -q 'directory' "$work/err" ||
	fail "stdin a directory: the error does not say why: $(cat "$work/err")"
(cd "$d" && timeout 20 "$HEAPVIZ" --batch - </dev/zero >"$work/out" 2>"$work/err"); status=$?
check_status "stdin /dev/zero" 1 $status
grep -Eq '256 MiB|too large|larger' "$work/err" || fail "stdin /dev/zero: the error does not say why: $(cat "$work/err")"

# 2. Binary garbage: one error at its first line, nothing run; with --keep-going every bad line is
# reported in place and nothing crashes.
# Seeded, so every run reads the same bytes (its first byte is not a digit: it is read as a script).
python3 -c 'import random,sys; r=random.Random(8); sys.stdout.buffer.write(b"\xca" + bytes(r.randrange(256) for _ in range(65535)))' >"$d/garbage.bin"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00' >"$d/elf.bin"
expect_error 2 '^garbage\.bin:1:[0-9]+: ' "binary garbage" -- --batch garbage.bin
expect_error 2 '^elf\.bin:1:[0-9]+: ' "an ELF header" -- --batch elf.bin
(cd "$d" && "$HEAPVIZ" --batch --keep-going garbage.bin >"$work/out" 2>"$work/err"); status=$?
check_status "garbage --keep-going" 2 $status
check_clean text "$work/err" >/dev/null || fail "garbage --keep-going: errors hold raw control characters"
check_clean text "$work/out" >/dev/null || fail "garbage --keep-going: output holds raw control characters"
grep -vEq '^garbage\.bin:[0-9]+:[0-9]+: ' "$work/err" && fail "garbage --keep-going: an error without FILE:LINE:COL: $(grep -vE '^garbage\.bin:[0-9]+:[0-9]+: ' "$work/err" | head -2)"
grep -q '^final state' "$work/out" || fail "garbage --keep-going: no final report"
# Every message is cut: no error line quotes a long run of the garbage.
awk 'length($0) > 400 { exit 1 }' "$work/err" || fail "garbage --keep-going: an error line is over 400 bytes"

# 3. Traces that disagree with their header, and ids out of range.
printf '1024\n2\n3\n1\na 0 10\na 1 20\n' >"$d/short.rep"
printf '1024\n2\n3\n1\na 0 10\na 5 20\nf 0\n' >"$d/id-high.rep"
printf '1024\n2\n3\n1\na 0 10\na -1 20\nf 0\n' >"$d/id-negative.rep"
printf '1024\n2\n3\n1\na 0 10\na 99999999999999999999 20\nf 0\n' >"$d/id-huge.rep"
printf '1024\n2\n3\n1\na 0 10\nf 1\nf 0\n' >"$d/id-never.rep"
printf '1024\n99999999999999999999\n3\n1\na 0 10\n' >"$d/header-ids.rep"
printf '1024\n2\n18446744073709551616\n1\na 0 10\n' >"$d/header-ops.rep"
printf '1024\n2\n2\n1\na 0 18446744073709551616\nf 0\n' >"$d/size-huge.rep"
printf '1024\n2\n2\n1\na 0 -1\nf 0\n' >"$d/size-negative.rep"
expect_error 2 '^short\.rep:[0-9]+:[0-9]+: .*(2|two).*3' "fewer operations than the header" -- --batch short.rep
expect_error 2 '^id-high\.rep:6:[0-9]+: .*5' "an id above the header's range" -- --batch id-high.rep
expect_error 2 '^id-negative\.rep:6:[0-9]+: ' "a negative id" -- --batch id-negative.rep
expect_error 2 '^id-huge\.rep:6:[0-9]+: ' "a huge id" -- --batch id-huge.rep
expect_error 2 '^id-never\.rep:6:[0-9]+: ' "a free of an id never allocated" -- --batch id-never.rep
expect_error 2 '^header-ids\.rep:2:[0-9]+: ' "a huge id count in the header" -- --batch header-ids.rep
expect_error 2 '^header-ops\.rep:3:[0-9]+: ' "a huge operation count in the header" -- --batch header-ops.rep
expect_error 2 '^size-huge\.rep:5:[0-9]+: ' "a size past 2^64" -- --batch size-huge.rep
expect_error 2 '^size-negative\.rep:5:[0-9]+: ' "a negative size" -- --batch size-negative.rep
# More operations than the header says: the classic driver's habit, a warning, and the extra lines ignored.
printf '1024\n2\n2\n1\na 0 10\na 1 20\nf 0\nf 1\n' >"$d/long.rep"
(cd "$d" && "$HEAPVIZ" --batch --json long.rep >"$work/out" 2>"$work/err"); status=$?
check_status "more operations than the header" 0 $status
grep -Eq '^long\.rep:7:[0-9]+: warning' "$work/err" || fail "more operations: no warning at line 7: $(cat "$work/err")"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["step"] == 2 and s["stats"]["used_blocks"] == 2, s' \
	"$work/out" || fail "more operations: the ignored lines ran"

# 4. A million-line script with its only bad line last: the error names line 1000000, and nothing runs.
python3 - "$d/million.hv" <<'PY'
import sys
with open(sys.argv[1], "w") as out:
    out.write("alloc 16 as a\nfree a\n# a comment\n\n" * 249999)
    out.write("alloc 16 as a\nfree a\nnote the end\nalloc 10 as\n")
PY
[ "$(wc -l <"$d/million.hv")" -eq 1000000 ] || fail "the million-line script is $(wc -l <"$d/million.hv") lines"
expect_error 2 '^million\.hv:1000000:12: ' "a million lines, the last one bad" -- --batch million.hv
# (A million-line script that runs whole, with its time and peak memory, is hostile_history.sh's.)

# 5. Output paths that cannot be written: in a directory that does not exist, and unwritable ones.
# Tests run as root in CI, where permission bits do not stop a write, so "unwritable" is a path in
# /proc: procfs lets nobody, root included, create a file in its directories, and /proc/version has
# no write method (the kernel refuses the bytes). That needs no privilege, no mount and no extra
# package, and works the same in a container. A 0555 directory is tried too when not root.
unwritable=(/proc/heapviz-hostile /proc/self/heapviz-hostile)
[ "$(id -u)" -ne 0 ] && { mkdir "$work/readonly" && chmod 555 "$work/readonly" && unwritable+=("$work/readonly/x"); }
for base in "$d/no/such/dir/x" "${unwritable[@]}"; do
	RAN=1 expect_error 1 "$base\.svg: .*[A-Za-z]" "--snapshot $base.svg" -- --batch --snapshot "$base.svg" ok.hv
	RAN=1 expect_error 1 "$base\.txt: .*[A-Za-z]" "--snapshot $base.txt" -- --batch --snapshot "$base.txt" ok.hv
	expect_error 1 "$base\.jsonl: .*[A-Za-z]" "--trace-json $base.jsonl" -- --batch --trace-json "$base.jsonl" ok.hv
	expect_error 1 "$base\.cast: .*[A-Za-z]" "--render $base.cast" -- --render "$base.cast" ok.hv
done
# An existing file that cannot be written: the failure is reported (expected with w-outputs' write checks).
for args in "--batch --trace-json /proc/version ok.hv" "--batch --snapshot /proc/version.txt ok.hv"; do
	(cd "$d" && "$HEAPVIZ" $args >"$work/out" 2>"$work/err" </dev/null); status=$?
	check_status "$args" 1 $status
	grep -q '/proc/version' "$work/err" || fail "$args: the error does not name the file: $(cat "$work/err")"
done
# From a script: export into a directory that does not exist is FILE:LINE:COL:, and --keep-going goes on.
printf 'alloc 10 as a\nexport no/such/dir/x.svg\nalloc 20 as b\n' >"$d/export.hv"
(cd "$d" && "$HEAPVIZ" --batch --keep-going export.hv >"$work/out" 2>"$work/err" </dev/null); status=$?
[ "$status" -ne 0 ] || fail "export into a missing directory: exit status 0"
grep -Eq '^export\.hv:2:[0-9]+: .*no/such/dir/x\.svg' "$work/err" ||
	fail "export into a missing directory: no FILE:LINE:COL: error naming it: $(cat "$work/err")"
grep -q '^step 2: alloc 20 as b' "$work/out" || fail "export into a missing directory: --keep-going stopped the run"
[ -e "$d/no" ] && fail "export into a missing directory created $d/no"
ls "$d" | grep -q '^\.\?x\.svg' && fail "export into a missing directory left a file in $d"

# 6. The hostile files through the sanitizer build: no report, the same exit statuses.
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	for entry in 1:missing.hv 1:/dev/zero 2:garbage.bin 2:elf.bin 2:short.rep 2:id-high.rep 2:id-negative.rep \
		2:id-huge.rep 2:id-never.rep 2:header-ids.rep 2:header-ops.rep 2:size-huge.rep 0:long.rep; do
		want=${entry%%:*} file=${entry#*:}
		(cd "$d" && "$HEAPVIZ_SAN" --batch --keep-going "$file" >/dev/null 2>"$work/san.err" </dev/null)
		check_status "sanitizer build: $file" "$want" $?
		grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer' "$work/san.err" &&
			fail "sanitizer build: $file: $(grep -E 'runtime error|Sanitizer' "$work/san.err" | head -2)"
	done
fi

if [ $failures -gt 0 ]; then
	echo "hostile_files: $failures failure(s)"
	exit 1
fi
echo "hostile_files: ok"
