#!/usr/bin/env bash
# hostile_text.sh - escape sequences, C1 bytes, bidi overrides, invalid UTF-8 and DEL in names, notes and
# written bytes never reach batch text, JSON, SVG, text snapshots or recordings raw, and the bytes are kept.
source "$(dirname "$0")/batch_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"
command -v xmllint >/dev/null || { echo "FAIL: xmllint is not installed (make test installs it)"; exit 1; }
command -v asciinema >/dev/null || { echo "FAIL: asciinema is not installed (make test installs it)"; exit 1; }

# A lesson whose last step carries every hostile piece: bytes written raw between quotes and as
# escapes, and a note. The note is attached to the last step so every snapshot shows it.
lesson=$work/hostile.hv
{
	echo 'alloc 48 as b'
	echo 'alloc 24 as c'
	printf 'write b "R%s%s%s%s%s"\n' "$HOSTILE_OSC" "$HOSTILE_C1" "$HOSTILE_C1_UTF8" "$HOSTILE_RLO" "$HOSTILE_BAD"
	echo 'write c "\x1b]0;PWNED\x07\x9b\xc2\x9b\xe2\x80\xae"'
	printf 'note N1 %s end\n' "$HOSTILE_ALL"
} >"$lesson"
expected_b_hex=$(printf 'R%s%s%s%s%s' "$HOSTILE_OSC" "$HOSTILE_C1" "$HOSTILE_C1_UTF8" "$HOSTILE_RLO" "$HOSTILE_BAD" |
	od -An -tx1 | tr -d ' \n')

# 1. Batch text: every line is clean, and the hostile text is there, escaped (not dropped).
"$HEAPVIZ" --batch "$lesson" >"$work/out.txt" 2>"$work/err.txt"
check_status "batch" 0 $?
check_clean text "$work/out.txt" || fail "batch text output holds raw control characters"
check_clean text "$work/err.txt" || fail "batch stderr holds raw control characters"
grep -qF 'N1 \x1b]0;PWNED\x07' "$work/out.txt" || fail "batch text does not show the note escaped"
grep -qF 'write b "R\x1b]0;PWNED\x07' "$work/out.txt" || fail "batch text does not show the written command escaped"

# 2. JSON: parses, is clean as bytes, and the payload's data is exactly the bytes written.
"$HEAPVIZ" --batch --json "$lesson" >"$work/state.json" 2>"$work/err.txt"
check_status "--json" 0 $?
check_clean json "$work/state.json" || fail "--json output is not clean JSON"
got_hex=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print([b["data"] for b in s["blocks"] if b.get("name") == "b"][0][:len(sys.argv[2])])' \
	"$work/state.json" "$expected_b_hex")
[ "$got_hex" = "$expected_b_hex" ] || fail "--json data of b is $got_hex, expected $expected_b_hex"

# 3. JSON Lines: every line parses, and the raw bytes hold no C1 or bidi character (the commands
# as written carry them).
"$HEAPVIZ" --batch --trace-json "$work/trace.jsonl" "$lesson" >/dev/null 2>"$work/err.txt"
check_status "--trace-json" 0 $?
check_clean jsonl "$work/trace.jsonl" || fail "--trace-json output is not clean JSON Lines"
python3 - "$work/trace.jsonl" <<'PY' || fail "--trace-json does not keep the command as written"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
commands = [line.get("command") or "" for line in lines]
assert any(command.startswith("write b \"R\x1b]0;PWNED\x07") for command in commands), commands
assert any("N1 \x1b]0;PWNED\x07" in command for command in commands), commands
PY

# 4. Snapshots: SVG well-formed and clean, text clean; both show the note (escaped).
for ext in svg txt; do
	"$HEAPVIZ" --batch --snapshot "$work/snap.$ext" "$lesson" >/dev/null 2>"$work/err.txt"
	check_status "--snapshot .$ext" 0 $?
	[ -s "$work/snap.$ext" ] || { fail "--snapshot wrote no $ext"; continue; }
	check_clean text "$work/snap.$ext" || fail "the $ext snapshot holds raw control characters"
	grep -qF 'N1' "$work/snap.$ext" || fail "the $ext snapshot does not show the note"
	grep -qF 'PWNED' "$work/snap.$ext" || fail "the $ext snapshot dropped the note's text instead of escaping it"
done
xmllint --noout "$work/snap.svg" 2>"$work/xml.err" || fail "the SVG snapshot is not well-formed: $(head -3 "$work/xml.err")"

# 5. A recording of the lesson: every event holds only the screen's own sequences, and asciinema plays it.
"$HEAPVIZ" --render "$work/hostile.cast" --size 100x30 --step-ms 10 "$lesson" >/dev/null 2>"$work/err.txt"
check_status "--render" 0 $?
check_clean cast "$work/hostile.cast" || fail "the recording carries raw control sequences from user text"
grep -qF 'PWNED' "$work/hostile.cast" || fail "the recording does not show the hostile text at all"
timeout 30 script -qec "asciinema cat '$work/hostile.cast'" /dev/null >"$work/played" 2>&1 ||
	fail "asciinema cat refused the recording"
grep -aqF 'N1' "$work/played" || fail "the played recording lacks the note"
# The same lesson from a file whose name is hostile: the header's title (shown by players) is escaped.
hostile_name=$work/$'t\e]0;PWNED\a\xe2\x80\xae.hv'
cp "$lesson" "$hostile_name"
"$HEAPVIZ" --render "$work/named.cast" --size 100x30 --step-ms 10 "$hostile_name" >/dev/null 2>"$work/err.txt"
check_status "--render of a hostile file name" 0 $?
check_clean cast "$work/named.cast" || fail "the recording's header carries the file name's control characters raw"

# 6. Names holding hostile text are rejected, and the error quotes them escaped, in text and JSON.
{
	printf 'alloc 10 as a%s\n' "$HOSTILE_OSC"
	printf 'alloc 10 as %s2J\n' "$HOSTILE_C1"
	printf 'alloc 10 as x%sy\n' "$HOSTILE_RLO"
	printf 'free %s\n' "$HOSTILE_SGR"
	printf 'write %s "x"\n' "$HOSTILE_BAD"
	printf '%s\n' "$HOSTILE_DEL"
} >"$work/names.hv"
"$HEAPVIZ" --batch --keep-going "$work/names.hv" >"$work/out.txt" 2>"$work/err.txt"
check_status "hostile names" 2 $?
check_clean text "$work/out.txt" || fail "hostile names: stdout holds raw control characters"
check_clean text "$work/err.txt" || fail "hostile names: stderr holds raw control characters"
errors=$(grep -c "^$work/names.hv:[0-9]*:[0-9]*: " "$work/err.txt")
[ "$errors" = 6 ] || fail "hostile names: $errors FILE:LINE:COL: errors, expected 6: $(cat "$work/err.txt")"
grep -qF "'a\\x1b]0;PWNED\\x07'" "$work/err.txt" || fail "hostile names: the OSC name is not quoted escaped"
"$HEAPVIZ" --batch --keep-going --json "$work/names.hv" >"$work/names.json" 2>"$work/err.txt"
check_status "hostile names --json" 2 $?
check_clean json "$work/names.json" || fail "hostile names: --json output is not clean JSON"

# 7. Lines of a megabyte: a name, a path, written bytes or escape bytes that are rejected give one
# error line that quotes a cut of the text, never all of it; a megabyte note is kept and printed clean.
python3 - "$work" <<'PY'
import sys
work, mb = sys.argv[1], 1 << 20
shapes = {
    "name": "alloc 10 as " + "n" * mb,
    "path": "export " + "p" * mb + ".txt",
    "bytes": 'write p1 "' + "w" * mb + '"',
    "escapes": "\x1b" * mb,
    "c1": "alloc 10 as " + "\u009b" * (mb // 2),
}
for label, line in shapes.items():
    with open("%s/mb-%s.hv" % (work, label), "w", encoding="utf-8") as out:
        out.write("alloc 10\n" + line + "\n")
with open(work + "/mb-note.hv", "w") as out:
    out.write("alloc 10\nnote " + "x" * mb + "\x1b]0;PWNED\x07\n")
PY
for label in name path bytes escapes c1; do
	(cd "$work" && "$HEAPVIZ" --batch "mb-$label.hv" >"$work/out.txt" 2>"$work/err.txt")
	status=$?
	[ "$status" -ne 0 ] || fail "a megabyte $label line: exit status 0"
	[ "$(wc -l <"$work/err.txt")" -eq 1 ] || fail "a megabyte $label line: $(wc -l <"$work/err.txt") error lines, expected 1"
	grep -q "^mb-$label\.hv:2:[0-9]*: " "$work/err.txt" || fail "a megabyte $label line: no FILE:LINE:COL: error"
	size=$(wc -c <"$work/err.txt")
	[ "$size" -le 1000 ] || fail "a megabyte $label line: the error is $size bytes (the text is not cut)"
	check_clean text "$work/err.txt" >/dev/null || fail "a megabyte $label line: the error holds raw control characters"
done
"$HEAPVIZ" --batch "$work/mb-note.hv" >"$work/out.txt" 2>"$work/err.txt"
check_status "a megabyte note" 0 $?
check_clean text "$work/out.txt" >/dev/null || fail "a megabyte note: the batch text holds raw control characters"
"$HEAPVIZ" --batch --json "$work/mb-note.hv" >"$work/out.json" 2>"$work/err.txt"
check_status "a megabyte note, --json" 0 $?
check_clean json "$work/out.json" || fail "a megabyte note: --json is not clean JSON"
"$HEAPVIZ" --batch --snapshot "$work/mb.svg" "$work/mb-note.hv" >/dev/null 2>"$work/err.txt"
check_status "a megabyte note, SVG snapshot" 0 $?
xmllint --noout "$work/mb.svg" 2>/dev/null || fail "a megabyte note: the SVG snapshot is not well-formed"
check_clean text "$work/mb.svg" >/dev/null || fail "a megabyte note: the SVG snapshot holds raw control characters"

# 8. The same hostile inputs through the sanitizer build: no report, the same exit statuses.
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	for args in "--batch $lesson" "--batch --json $lesson" "--batch --trace-json $work/san.jsonl $lesson" \
		"--batch --snapshot $work/san.svg $lesson" "--batch --snapshot $work/san.txt $lesson" \
		"--render $work/san.cast --size 100x30 --step-ms 10 $lesson" "--batch --keep-going $work/names.hv"; do
		"$HEAPVIZ_SAN" $args >/dev/null 2>"$work/san.err"
		status=$?
		case $args in *names.hv) want=2 ;; *) want=0 ;; esac
		check_status "sanitizer build: $args" $want $status
		grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer' "$work/san.err" &&
			fail "sanitizer build: $args: $(grep -E 'runtime error|Sanitizer' "$work/san.err" | head -2)"
	done
fi

if [ $failures -gt 0 ]; then
	echo "hostile_text: $failures failure(s)"
	exit 1
fi
echo "hostile_text: ok"
