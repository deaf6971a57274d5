#!/usr/bin/env bash
# batch_json.sh - --json and --trace-json against hand-checked goldens; every document validated by python3's json.
# Buddy goldens: blocks are powers of two holding an 8 B header + the request (alloc 20 -> 32 B, alloc 50 -> 64 B).
source "$(dirname "$0")/batch_lib.sh"
# validate_state FILE: one JSON object (python3 -m json.tool), with the documented fields and blocks tiling the heap.
validate_state() {
	if ! python3 -m json.tool "$1" >/dev/null 2>"$work/json_err"; then
		fail "$1 is not valid JSON: $(cat "$work/json_err")"
		return
	fi
	python3 - "$1" <<'PY' || fail "$1: state fields wrong (see above)"
import json, sys
sys.path.insert(0, ".")
state = json.load(open(sys.argv[1]))
def check_state(s, where):
    for key, kind in [("step", int), ("policy", str), ("heap_size", int), ("alignment", int), ("break", int),
                      ("blocks", list), ("stats", dict)]:
        assert isinstance(s.get(key), kind) and not isinstance(s.get(key), bool), f"{where}: {key} = {s.get(key)!r}"
    assert s["policy"] in ("first", "next", "best", "worst", "buddy"), where
    assert s.get("order", "lifo") in ("lifo", "fifo"), f"{where}: order = {s.get('order')!r} (absent means address)"
    offset = 0
    for b in s["blocks"]:
        assert b["offset"] == offset, f"{where}: block at {b['offset']}, expected {offset}"
        assert b["size"] > 0 and b["state"] in ("used", "free", "wilderness"), f"{where}: {b}"
        if b["state"] == "used":
            assert b["offset"] < b["payload"] and b["payload"] + b["requested"] <= b["offset"] + b["size"], f"{where}: {b}"
            assert b["name"] is None or isinstance(b["name"], str), f"{where}: {b}"
            assert len(b["data"]) == 2 * b["requested"] and all(c in "0123456789abcdef" for c in b["data"]), f"{where}: {b}"
        offset += b["size"]
    assert offset == s["heap_size"], f"{where}: blocks end at {offset}, heap is {s['heap_size']}"
    for key in ("used_blocks", "free_blocks", "requested_bytes", "used_bytes", "overhead_bytes", "free_bytes",
                "largest_free", "failed_allocs"):
        assert isinstance(s["stats"][key], int), f"{where}: stats.{key}"
    for key in ("external_fragmentation", "utilization", "peak_utilization"):
        assert isinstance(s["stats"][key], (int, float)) and 0 <= s["stats"][key] <= 1, f"{where}: stats.{key}"
    used = sum(b["size"] for b in s["blocks"] if b["state"] == "used")
    assert used == s["stats"]["used_bytes"], f"{where}: used_bytes {s['stats']['used_bytes']} != {used}"
check_state(state, sys.argv[1])
PY
}

# validate_trace FILE STEPS: JSON Lines, one object a line; step 0 first; trace fields with the documented types.
validate_trace() {
	python3 - "$1" "$2" <<'PY' || fail "$1: trace is not valid JSON Lines with the documented fields (see above)"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the last record must end with a newline"
records = []
for number, text in enumerate(lines[:-1], 1):
    try:
        records.append(json.loads(text))
    except ValueError as error:
        raise SystemExit(f"line {number}: {error}")
assert len(records) == int(sys.argv[2]), f"{len(records)} records, expected {sys.argv[2]}"
assert records[0]["step"] == 0 and records[0]["command"] is None and records[0]["ok"] is True, records[0]
for number, r in enumerate(records, 1):
    where = f"line {number}"
    assert isinstance(r["ok"], bool), where
    assert r["command"] is None or isinstance(r["command"], str), where
    assert (r["error"] is None) == r["ok"], f"{where}: ok {r['ok']} with error {r['error']!r}"
    assert r["explain"] is None or isinstance(r["explain"], str), where
    result = r["result"]
    if result is not None:
        word = r["command"].split()[0]
        assert word in ("alloc", "calloc", "realloc", "a", "r"), f"{where}: result for {r['command']!r}"
        assert set(result) in ({"payload", "block", "size"}, {"failed"}, {"payload"}), f"{where}: {result}"
    if not r["ok"]:
        assert result is None and r["explain"] is None, where
    offset = 0
    for b in r["blocks"]:
        assert b["offset"] == offset, where
        offset += b["size"]
    assert offset == r["heap_size"], where
PY
}

run_case() {
	local bin=$1 tag=$2 status

	# --json: the final state only.
	"$bin" --batch --json tests/data/batch_basic.hv >"$work/state.json" 2>"$work/err"; status=$?
	check_status "$tag --json" 0 $status
	check_output "$tag --json" "$expected/batch_basic_first.json" "$work/state.json"
	validate_state "$work/state.json"

	# --trace-json -: JSON Lines on standard output instead of the text report.
	"$bin" --batch -p buddy -s 256 --trace-json - tests/data/batch_buddy.hv >"$work/trace.jsonl" 2>"$work/err"; status=$?
	check_status "$tag buddy trace" 0 $status
	check_output "$tag buddy trace" "$expected/batch_buddy.jsonl" "$work/trace.jsonl"
	validate_trace "$work/trace.jsonl" 7

	# --trace-json FILE: the text report still goes to standard output.
	"$bin" --batch --trace-json "$work/file.jsonl" tests/data/batch_basic.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag trace to a file" 0 $status
	check_output "$tag trace to a file (stdout)" "$expected/batch_basic_first.txt" "$work/out"
	# 15 steps and one check: a record for each command, after the step 0 record.
	validate_trace "$work/file.jsonl" 17
	tail -n 1 "$work/file.jsonl" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["command"]=="check" and r["step"]==15, r' ||
		fail "$tag trace to a file: last record is not the check at step 15"
	# The last record's state is the --json state (up to the layout).
	python3 - "$work/file.jsonl" "$work/state.json" <<'PY' || fail "$tag: last trace state differs from --json"
import json, sys
last = json.loads(open(sys.argv[1]).read().splitlines()[-1])
state = json.load(open(sys.argv[2]))
for key in ("command", "ok", "error", "result", "explain"):
    del last[key]
assert last == state, (last, state)
PY

	# --json with a trace to a file: the state on stdout, the trace in the file.
	"$bin" --batch --json -p buddy -s 256 --trace-json "$work/buddy.jsonl" tests/data/batch_buddy.hv >"$work/out" 2>"$work/err"; status=$?
	check_status "$tag --json and trace file" 0 $status
	check_output "$tag --json and trace file (trace)" "$expected/batch_buddy.jsonl" "$work/buddy.jsonl"
	validate_state "$work/out"

	# Rejected commands appear in the trace with ok false and their message.
	"$bin" --batch --keep-going --trace-json - tests/data/batch_reject.hv >"$work/reject.jsonl" 2>"$work/err"; status=$?
	check_status "$tag keep going trace" 2 $status
	check_output "$tag keep going trace" "$expected/batch_reject_keep_going.jsonl" "$work/reject.jsonl"
	validate_trace "$work/reject.jsonl" 6
	check_output "$tag keep going trace (stderr)" "$expected/batch_reject_keep_going.stderr" "$work/err"

	# --order: the state says "order" (each lane's under --compare), after "break"; address leaves it out.
	printf 'alloc 16 as a\nalloc 8\nalloc 16 as c\nalloc 8\nfree a\nfree c\nalloc 16 as r\n' >"$work/order.hv"
	for order in lifo fifo; do
		"$bin" --batch --json --order $order -p next "$work/order.hv" >"$work/order.json" 2>"$work/err"; status=$?
		check_status "$tag --order $order" 0 $status
		validate_state "$work/order.json"
		grep -q "\"break\": [0-9]*, \"order\": \"$order\", \"rover\": " "$work/order.json" ||
			fail "$tag --order $order: no \"order\": \"$order\" after break: $(head -c 200 "$work/order.json")"
	done
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); r=[b for b in s["blocks"] if b.get("name")=="r"][0]
assert r["offset"] == 0x000, r' "$work/order.json" || fail "$tag --order fifo: r is not in the hole freed first"
	"$bin" --batch --json --order lifo "$work/order.hv" >"$work/order.json" 2>"$work/err"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); r=[b for b in s["blocks"] if b.get("name")=="r"][0]
assert r["offset"] == 0x038, r' "$work/order.json" || fail "$tag --order lifo: r is not in the hole freed last"
	"$bin" --batch --json --compare first,best --order fifo "$work/order.hv" >"$work/order.json" 2>"$work/err"
	[ "$(grep -o '"order": "fifo"' "$work/order.json" | wc -l)" = 2 ] || fail "$tag --compare --order fifo: not every lane has the order"
	"$bin" --batch --json "$work/order.hv" >"$work/order.json" 2>"$work/err"
	! grep -q '"order"' "$work/order.json" || fail "$tag: address order has an \"order\" field"
	# The screen's title names the list: "first fit (LIFO)"; address order keeps "first fit" alone.
	"$bin" --render - --order lifo "$work/order.hv" 2>"$work/err" | grep -q 'first fit (LIFO) ' ||
		fail "$tag --render --order lifo: the title does not say first fit (LIFO)"
	"$bin" --render - "$work/order.hv" 2>"$work/err" | grep -q 'first fit (' &&
		fail "$tag --render: address order shows an order in the title"

	# Hostile text in a command: control bytes and invalid UTF-8 must still give valid JSON Lines.
	printf 'alloc 8 as s\nwrite s "\\x01\\"\\\\\\t"\nnote caf\xc3\xa9 \xff\xfe end\nalloc 4 # \x01 \xc3\n' >"$work/hostile.hv"
	"$bin" --batch --trace-json - "$work/hostile.hv" >"$work/hostile.jsonl" 2>"$work/err"; status=$?
	check_status "$tag hostile text" 0 $status
	validate_trace "$work/hostile.jsonl" 5
	"$bin" --batch --json "$work/hostile.hv" >"$work/hostile.json" 2>"$work/err"
	validate_state "$work/hostile.json"
}

# validate_free_lists FILE POLICY: "free_lists" names every free block exactly once, in the policy's walk order.
validate_free_lists() {
	python3 - "$1" "$2" <<'PY' || fail "$1: free_lists wrong for $2 (see above)"
import json, sys
path, policy = sys.argv[1], sys.argv[2]
lines = [json.loads(t) for t in open(path, encoding="utf-8").read().splitlines()]
for number, s in enumerate(lines, 1):
    where = f"{path}:{number}"
    fl = s["free_lists"]
    assert fl["covers_all"] is True, where
    free = {b["offset"]: b["size"] for b in s["blocks"] if b["state"] == "free"}
    walked = [(w["offset"], w["size"]) for l in fl["lists"] for w in l["walk"]]
    assert sorted(walked) == sorted(free.items()), f"{where}: walk {walked} != free {free}"
    kinds = {"first": "address", "best": "address", "worst": "address", "next": "address",
             "buddy": "order", "seglist": "class", "tlsf": "tlsf"}
    for l in fl["lists"]:
        assert l["kind"] == kinds[policy], f"{where}: {l['kind']}"
        offsets = [w["offset"] for w in l["walk"]]
        if policy in ("first", "best", "worst", "buddy"):
            assert offsets == sorted(offsets), f"{where}: not address order {offsets}"
        if policy == "next":
            rover = s["rover"] if s["rover"] < s["break"] else 0
            assert offsets == sorted(o for o in offsets if o >= rover) + sorted(o for o in offsets if o < rover), where
        if policy in ("buddy", "seglist", "tlsf"):
            assert all(l["min_size"] <= w["size"] <= l["max_size"] for w in l["walk"]), f"{where}: {l}"
    assert (fl["links"] is not None) == (policy in ("seglist", "tlsf")), where
    assert (fl["bitmaps"] is not None) == (policy == "tlsf"), where
    if policy == "tlsf":
        first = sum(1 << c for c in {l["class"] for l in fl["lists"]})
        assert fl["bitmaps"]["first_level"] == first, where
PY
}

# Every allocator: a trace of mixed requests, each line's free_lists checked against its blocks.
free_lists_case() {
	local bin=$1 policy
	for policy in first next best worst buddy seglist tlsf; do
		"$bin" --batch -p "$policy" --trace-json "$work/fl_$policy.jsonl" "$work/fl.hv" >/dev/null 2>"$work/err" ||
			fail "free_lists trace under $policy: $(cat "$work/err")"
		validate_free_lists "$work/fl_$policy.jsonl" "$policy"
	done
}
{
	for i in 1 2 3 4 5 6 7 8; do echo "alloc $((i * 13)) as b$i"; done
	echo "free b2"; echo "free b5"; echo "free b7"; echo "alloc 5 as c1"; echo "free b3"; echo "alloc 30 as c2"
} >"$work/fl.hv"

run_case "$HEAPVIZ" "heapviz"
free_lists_case "$HEAPVIZ"
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	run_case "$HEAPVIZ_SAN" "sanitizer build"
fi

if [ $failures -gt 0 ]; then
	echo "batch_json: $failures failure(s)"
	exit 1
fi
echo "batch_json: ok"
