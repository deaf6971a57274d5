#!/usr/bin/env bash
# batch_outputs.sh - outputs and their errors: failed writes name the file and the reason, machine-readable
# output stays well-formed (JSON parsed by python3), script errors carry FILE:LINE:COL and read in order.
source "$(dirname "$0")/batch_lib.sh"

# expect_err LABEL STATUS EXPECTED_STDERR -- COMMAND...: exact stderr and exit status (stdout kept in $work/out).
expect_err() {
	local label=$1 want=$2 message=$3 status
	shift 4
	"$@" >"$work/out" 2>"$work/err"; status=$?
	check_status "$label" "$want" "$status"
	[ "$(cat "$work/err")" = "$message" ] || fail "$label: stderr is '$(head -c 400 "$work/err")', expected '$message'"
}

run_case() {
	local bin=$1 tag=$2
	printf 'alloc 10 as a\nfree zz\nalloc 5\n' >"$work/reject.hv"

	# --- (a) failed writes: which file, why, exit 1 -------------------------------------------------
	"$bin" --batch tests/data/batch_basic.hv >/dev/full 2>"$work/err"; status=$?
	check_status "$tag batch >/dev/full" 1 "$status"
	[ "$(cat "$work/err")" = "heapviz: standard output: write failed: No space left on device" ] ||
		fail "$tag batch >/dev/full: stderr '$(cat "$work/err")'"
	for option in --help -V; do
		"$bin" $option >/dev/full 2>"$work/err"; status=$?
		check_status "$tag $option >/dev/full" 1 "$status"
		[ "$(cat "$work/err")" = "heapviz: standard output: write failed: No space left on device" ] ||
			fail "$tag $option >/dev/full: stderr '$(cat "$work/err")'"
	done
	expect_err "$tag trace to /dev/full" 1 "heapviz: /dev/full: write failed: No space left on device" -- \
		"$bin" --batch --trace-json /dev/full tests/data/batch_basic.hv
	"$bin" --batch --trace-json - tests/data/batch_basic.hv >/dev/full 2>"$work/err"; status=$?
	check_status "$tag trace - >/dev/full" 1 "$status"
	[ "$(cat "$work/err")" = "heapviz: standard output: write failed: No space left on device" ] ||
		fail "$tag trace - >/dev/full: stderr '$(cat "$work/err")'"
	"$bin" --batch </tmp >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag batch </tmp" 1 "$status"
	[ "$(cat "$work/err")" = "heapviz: <stdin>: reading standard input failed: Is a directory" ] ||
		fail "$tag batch </tmp: stderr '$(cat "$work/err")'"

	# --- (b) machine-readable output ----------------------------------------------------------------
	expect_err "$tag --json with --trace-json -" 2 "heapviz: --json and --trace-json - would mix one object and JSON Lines on standard output: give --trace-json a FILE
Try 'heapviz --help'." -- "$bin" --batch --json --trace-json - tests/data/batch_basic.hv
	expect_err "$tag --json after a rejection" 2 "$work/reject.hv:2:6: no block is named 'zz'" -- \
		"$bin" --batch --json "$work/reject.hv"
	python3 - "$work/out" <<'PY' || fail "$tag --json after a rejection: $(head -c 300 "$work/out")"
import json, sys
state = json.load(open(sys.argv[1]))
assert state["step"] == 1, state["step"]
assert state["error"] == {"line": 2, "column": 6, "message": "no block is named 'zz'"}, state["error"]
assert state["rejected"] == 1
assert [b.get("name") for b in state["blocks"] if b["state"] == "used"] == ["a"]
PY
	expect_err "$tag --json --keep-going after a rejection" 2 "$work/reject.hv:2:6: no block is named 'zz'" -- \
		"$bin" --batch --json --keep-going "$work/reject.hv"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["step"] == 2 and s["error"]["line"] == 2 and s["rejected"] == 1, s' \
		"$work/out" || fail "$tag --json --keep-going: $(head -c 300 "$work/out")"
	expect_err "$tag --compare --json after a rejection" 2 "$work/reject.hv:2:6: no block is named 'zz'" -- \
		"$bin" --batch --compare first,best --json "$work/reject.hv"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert len(s["compare"]) == 2 and s["compare"][0]["step"] == 1 and s["error"]["column"] == 6, s' \
		"$work/out" || fail "$tag --compare --json after a rejection: $(head -c 300 "$work/out")"
	# A clean run has no "error" field (the interface stays as it was).
	"$bin" --batch --json tests/data/batch_basic.hv >"$work/out"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert "error" not in s and "rejected" not in s' "$work/out" ||
		fail "$tag --json of a clean run has an error field"
	# C1 CSI, bidi override, zero-width space: \uXXXX in every trace field; invalid bytes kept in command_bytes.
	printf 'alloc 8 as a\nnote x\xc2\x9b31m \xe2\x80\xae \xe2\x80\x8b \xff\xfe end\n' >"$work/hostile.hv"
	"$bin" --batch --trace-json "$work/hostile.jsonl" "$work/hostile.hv" >/dev/null || fail "$tag hostile trace failed"
	grep -qF 'x\u009b31m \u202e \u200b \ufffd\ufffd end' "$work/hostile.jsonl" || fail "$tag hostile trace: not escaped"
	if LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae\|\xe2\x80\x8b' "$work/hostile.jsonl"; then
		fail "$tag hostile trace: a raw C1 or format character reached the JSON"
	fi
	python3 - "$work/hostile.jsonl" "$work/hostile.hv" <<'PY' || fail "$tag hostile trace: command_bytes"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
source = open(sys.argv[2], "rb").read().split(b"\n")[1]
note = lines[2]
assert bytes.fromhex(note["command_bytes"]) == source, note
assert "command_bytes" not in lines[1], "a UTF-8 command has no command_bytes"
PY
	# --trace-form changes: applying each line's "changed" and "removed" gives the full form's "blocks".
	printf 'alloc 10 as a\nalloc 20 as b\nwrite a "hi"\nfree a\nfree zz\nrealloc b 100\nalloc 8 as c\nundo\nfill b 0x41\nreset 2048\nalloc 5\npolicy best\ncalloc 3 4 as d\nalloc 1500\nreset 512\nalloc 7\n' >"$work/changes.hv"
	for policy in first buddy next seglist; do
		"$bin" --batch --keep-going -p $policy --trace-json "$work/full.jsonl" "$work/changes.hv" >/dev/null 2>&1
		"$bin" --batch --keep-going -p $policy --trace-json "$work/changes.jsonl" --trace-form changes "$work/changes.hv" >/dev/null 2>&1
		python3 - "$work/full.jsonl" "$work/changes.jsonl" <<'PY' || fail "$tag --trace-form changes ($policy) does not rebuild the full form"
import json, sys
full = [json.loads(l) for l in open(sys.argv[1])]
changes = [json.loads(l) for l in open(sys.argv[2])]
assert len(full) == len(changes) > 10, (len(full), len(changes))
blocks = {}
free_lists = None
for f, c in zip(full, changes):
    assert "blocks" not in c
    # "free_lists" is only on lines where it changed (always on the first).
    if "free_lists" in c:
        assert c["free_lists"] != free_lists, f["step"]
        free_lists = c["free_lists"]
    else:
        c["free_lists"] = free_lists
    for offset in c["removed"]:
        assert offset in blocks, offset
        del blocks[offset]
    for block in c["changed"]:
        blocks[block["offset"]] = block
    assert [blocks[o] for o in sorted(blocks)] == f["blocks"], (f["step"], f["command"])
    rest = {k: v for k, v in f.items() if k != "blocks"}
    assert rest == {k: v for k, v in c.items() if k not in ("changed", "removed")}, f["step"]
assert sum(len(c["changed"]) for c in changes[1:]) < sum(len(f["blocks"]) for f in full[1:])
PY
	done
	expect_err "$tag --trace-form without --trace-json" 2 "heapviz: --trace-form works only with --trace-json
Try 'heapviz --help'." -- "$bin" --batch --trace-form changes tests/data/batch_basic.hv
	expect_err "$tag unknown trace form" 2 "heapviz: unknown trace form 'delta': use full or changes
Try 'heapviz --help'." -- "$bin" --batch --trace-json - --trace-form delta tests/data/batch_basic.hv

	# --- (c) errors ---------------------------------------------------------------------------------
	# These exports fail in the system (no such folder), so --allow-write lets them past the
	# confinement of scripts (write_safety.sh tests that) to reach the write itself.
	printf 'alloc 10 as a\nexport %s/no-such-dir/x.txt\nalloc 5\n' "$work" >"$work/export.hv"
	expect_err "$tag failed export" 1 "$work/export.hv:2:8: $work/no-such-dir/x.txt: cannot write: No such file or directory" -- \
		"$bin" --batch --allow-write "$work/export.hv"
	[ "$(cat "$work/out")" = "step 1: alloc 10 as a -> a = 0x008 (24 B block at 0x000)" ] ||
		fail "$tag failed export: the run did not stop there: $(cat "$work/out")"
	expect_err "$tag failed export, keep going" 2 "$work/export.hv:2:8: $work/no-such-dir/x.txt: cannot write: No such file or directory" -- \
		"$bin" --batch --allow-write --keep-going "$work/export.hv"
	grep -qx 'step 2: alloc 5 -> p1 = 0x020 (24 B block at 0x018)' "$work/out" ||
		fail "$tag failed export, keep going: the run did not go on: $(head -3 "$work/out")"
	long=$(head -c 1048576 /dev/zero | tr '\0' a)
	printf 'export %s/no-such-dir/%s.txt\n' "$work" "$long" >"$work/long.hv"
	"$bin" --batch --allow-write "$work/long.hv" >/dev/null 2>"$work/err"
	[ "$(wc -c <"$work/err")" -lt 300 ] || fail "$tag 1 MB export path echoed whole ($(wc -c <"$work/err") bytes)"
	grep -q '^'"$work"'/long\.hv:1:8: .*aaa\.\.\.: cannot write: ' "$work/err" || fail "$tag 1 MB export path: $(head -c 300 "$work/err")"
	expect_err "$tag --size out of range" 2 "heapviz: bad size '1001x24': expected WIDTHxHEIGHT like 100x30, each from 1 to 1000
Try 'heapviz --help'." -- "$bin" --render "$work/x.cast" --size 1001x24 tests/data/batch_basic.hv
	# A BOM is skipped; a lone CR is an error at its column, not a line break; CRLF works.
	printf '\xef\xbb\xbfalloc 10\r\nfree p1\r\n' >"$work/bom.hv"
	expect_err "$tag BOM and CRLF" 0 "" -- "$bin" --batch "$work/bom.hv"
	grep -qx 'step 2: free p1 -> freed p1 at 0x008' "$work/out" || fail "$tag BOM and CRLF: $(head -2 "$work/out")"
	printf 'alloc 1\nalloc 2\nalloc 3\nalloc 4\nalloc 5\nalloc 6\nalloc 7\rfree p1\n' >"$work/cr.hv"
	expect_err "$tag lone CR" 2 "$work/cr.hv:7:8: a carriage return (\\r) that does not end a line: lines end with \\n or \\r\\n" -- \
		"$bin" --batch "$work/cr.hv"
	# .rep errors show control bytes escaped like everything else.
	printf '20000\n2\n2\n1\na 0 1\nq\x1b[31m 1\n' >"$work/bad.rep"
	expect_err "$tag .rep control bytes" 2 "$work/bad.rep:6:1: unknown operation 'q\\x1b[31m': expected a, r or f" -- \
		"$bin" --batch "$work/bad.rep"
	# In a log (>log 2>&1) the error follows the lines before it.
	printf 'alloc 1\nalloc 2\nfree zz\n' >"$work/order.hv"
	"$bin" --batch "$work/order.hv" >"$work/log" 2>&1
	printf 'step 1: alloc 1 -> p1 = 0x008 (16 B block at 0x000)\nstep 2: alloc 2 -> p2 = 0x018 (16 B block at 0x010)\n%s/order.hv:3:6: no block is named '"'zz'"'\n' "$work" >"$work/log.expected"
	check_output "$tag error order in a log" "$work/log.expected" "$work/log"
	# Two sleeps that playback caps at an hour together: the batch line says so.
	printf 'alloc 1\nsleep 3000000\nsleep 3000000\n' >"$work/sleep.hv"
	"$bin" --batch "$work/sleep.hv" >"$work/out"
	grep -qx 'sleep 3000000 -> sleep 3000000 ms during playback (playback caps the total pause at 1 h)' "$work/out" ||
		fail "$tag capped sleep: $(sed -n 3p "$work/out")"
	[ "$(grep -c 'caps' "$work/out")" = 1 ] || fail "$tag capped sleep: the first sleep says it was capped"

	# --- "-" as an output name: standard output; --record - is refused -----------------------------
	(cd "$work" && "$bin" --render - "$OLDPWD/tests/data/batch_basic.hv" >"$work/stdout.cast") ||
		fail "$tag --render - failed"
	[ -e "$work/-" ] && fail "$tag --render - wrote a file named -"
	python3 -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); assert json.loads(l[0])["version"] == 2 and len(l) > 2; [json.loads(x) for x in l]' \
		"$work/stdout.cast" || fail "$tag --render - is not an asciicast on standard output"
	expect_err "$tag --record -" 2 "heapviz: --record -: the screen is on standard output; name a .cast file
Try 'heapviz --help'." -- "$bin" --record -
	# The cast header's title is the file name as the screen shows it: no raw escape sequence.
	cp tests/data/batch_basic.hv "$work/$(printf 'evil\033]0;x\007.hv')"
	"$bin" --render "$work/title.cast" "$work/$(printf 'evil\033]0;x\007.hv')" || fail "$tag --render of an odd name failed"
	python3 -c 'import json,sys; t=json.loads(open(sys.argv[1]).readline())["title"]; assert t == "evil\\x1b]0;x\\x07.hv", repr(t)' \
		"$work/title.cast" || fail "$tag the cast title is not escaped"
}

run_case "$HEAPVIZ" heapviz
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	run_case "$HEAPVIZ_SAN" "sanitizer build"
fi
if [ $failures -gt 0 ]; then
	echo "batch_outputs: $failures failure(s)"
	exit 1
fi
echo "batch_outputs: ok"
