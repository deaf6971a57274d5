#!/usr/bin/env bash
# batch_traces.sh - malloc-lab .rep traces replayed in batch mode on a 16 MiB heap: exit 0, every step reported, valid JSON.
source "$(dirname "$0")/batch_lib.sh"
traces=tests/traces/malloclab

# replay BINARY TRACE POLICY: text report, --json and --trace-json must agree with each other and with the trace.
replay() {
	local bin=$1 trace=$traces/$2 policy=$3 label="$(basename "$1") $2 ($3)" status steps records

	"$bin" --batch -s 16M -p "$policy" "$trace" >"$work/out" 2>"$work/err"; status=$?
	if [ $status != 0 ]; then
		fail "$label: exit status $status: $(head -3 "$work/err")"
		return
	fi
	# Every operation of the trace is a step, except free(NULL) ("f -1"), which gives no command.
	local ops frees_of_null
	ops=$(awk 'NR > 1 && /^[arf] / { n++ } END { print n + 0 }' "$trace")
	frees_of_null=$(grep -c '^f -1' "$trace")
	steps=$(grep -c '^step [0-9]*: ' "$work/out")
	[ "$steps" = $((ops - frees_of_null)) ] || fail "$label: $steps step lines for $ops operations"
	grep -q '^final state: step '"$steps"' of '"$steps"', ' "$work/out" || fail "$label: no final report for step $steps"
	# A trace that only frees what it allocated ends with nothing in use.
	if [[ $2 == *-bal.rep ]]; then
		grep -qx '  used blocks             0' "$work/out" || fail "$label: a balanced trace left blocks in use"
	fi

	"$bin" --batch --json -s 16M -p "$policy" "$trace" >"$work/state.json" 2>"$work/err"; status=$?
	[ $status = 0 ] || fail "$label --json: exit status $status"
	python3 -m json.tool "$work/state.json" >/dev/null || fail "$label --json: not valid JSON"
	python3 - "$work/state.json" "$steps" <<'PY' || fail "$label --json: wrong state"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["step"] == int(sys.argv[2]) and s["heap_size"] == 16 * 1024 * 1024, (s["step"], s["heap_size"])
offset = 0
for b in s["blocks"]:
    assert b["offset"] == offset
    offset += b["size"]
assert offset == s["heap_size"]
PY
}

# trace_lines BINARY TRACE: the JSON Lines trace has one valid record per step plus step 0.
trace_lines() {
	local bin=$1 trace=$traces/$2 label="$(basename "$1") $2 trace" status
	"$bin" --batch -s 16M --trace-json "$work/trace.jsonl" "$trace" >"$work/out" 2>"$work/err"; status=$?
	[ $status = 0 ] || { fail "$label: exit status $status"; return; }
	python3 - "$work/trace.jsonl" <<'PY' || fail "$label: invalid JSON Lines"
import json, sys
step = 0
with open(sys.argv[1], encoding="utf-8") as lines:
    for number, line in enumerate(lines, 1):
        r = json.loads(line)
        assert r["step"] == number - 1 and r["ok"] is True, (number, r["step"], r["ok"])
        if number > 1:
            assert r["command"][0] in "arf", r["command"]
            assert r["explain"], number
assert number > 1
PY
}

for policy in first next best worst buddy seglist tlsf; do
	replay "$HEAPVIZ" short1-bal.rep "$policy"
done
replay "$HEAPVIZ" amptjp-bal.rep first
replay "$HEAPVIZ" binary-bal.rep best
replay "$HEAPVIZ" coalescing-bal.rep buddy
trace_lines "$HEAPVIZ" short1-bal.rep
trace_lines "$HEAPVIZ" hostname.rep
# Each record holds every live block's data as hex, so a trace's JSON Lines grow with steps x live bytes:
# keep these to small traces (cccp-bal's would be tens of gigabytes on a 16 MiB heap).
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	replay "$HEAPVIZ_SAN" short1-bal.rep next
	replay "$HEAPVIZ_SAN" amptjp-bal.rep worst
	trace_lines "$HEAPVIZ_SAN" short1-bal.rep
fi

if [ $failures -gt 0 ]; then
	echo "batch_traces: $failures failure(s)"
	exit 1
fi
echo "batch_traces: ok"
