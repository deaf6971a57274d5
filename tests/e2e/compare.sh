#!/usr/bin/env bash
# compare.sh - --compare: batch table and JSON against separate single-policy runs, usage errors, the screen, --render.
source "$(dirname "$0")/tmux_lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v python3 >/dev/null || fail "python3 is not installed (make test installs it)"

# The classic case: three holes; first fit spends the big ones on small requests and refuses r3.
HOLES="$E2E_DIR/holes.hv"
cat >"$HOLES" <<'EOF'
reset 512
alloc 100 as m
alloc 20 as x1
alloc 40 as s
alloc 20 as x2
alloc 200 as b
alloc 20 as x3
free m
free s
free b
alloc 40 as r1
alloc 100 as r2
alloc 200 as r3
note first fit refuses r3, best fit places it
free r1
realloc r2 150
calloc 3 12 as c
write c "abc"
EOF

# 1. The batch table holds exactly the numbers of separate single-policy runs, for every policy set.
check_table() {
	local file=$1 policies=$2
	shift 2
	"$HEAPVIZ" --batch --compare "$policies" "$@" "$file" >"$E2E_DIR/table.txt" ||
		fail "--batch --compare $policies $file failed"
	local singles=()
	for policy in ${policies//,/ }; do
		"$HEAPVIZ" --batch --json -p "$policy" "$@" "$file" >"$E2E_DIR/single-$policy.json" ||
			fail "--batch --json -p $policy $file failed"
		singles+=("$E2E_DIR/single-$policy.json")
	done
	python3 - "$E2E_DIR/table.txt" "$policies" "${singles[@]}" <<'PY' || fail "the --compare table for $policies on $file differs from separate runs"
import json, re, sys
table_path, policies, singles = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
text = open(table_path, encoding="utf-8").read()
tail = text[text.index("\nfinal state:"):].splitlines()
rows = {}
for line in tail[3:]:
    m = re.match(r"^  (\S.*?)\s{2,}(.*)$", line)
    if m:
        rows[m.group(1)] = m.group(2)
fields = [("used blocks", "used_blocks"), ("requested bytes", "requested_bytes"), ("used bytes", "used_bytes"),
          ("overhead bytes", "overhead_bytes"), ("free blocks", "free_blocks"), ("free bytes", "free_bytes"),
          ("wilderness bytes", "wilderness_bytes"), ("largest free", "largest_free"),
          ("external fragmentation", "external_fragmentation"), ("utilization", "utilization"),
          ("peak utilization", "peak_utilization"), ("failed allocations", "failed_allocs")]
states = [json.load(open(path)) for path in singles]
for label, key in fields:
    assert label in rows, ("missing row", label, rows)
    got = re.findall(r"[0-9.]+", rows[label])
    want = []
    for state in states:
        value = state["stats"][key]
        want.append("%.1f" % (100.0 * value) if isinstance(value, float) or key in
                    ("external_fragmentation", "utilization", "peak_utilization") else str(value))
    assert got == want, (label, got, want)
header = tail[2].split()
titles = " ".join(header)
for policy in policies:
    assert policy in titles, (policy, titles)
m = re.search(r"step (\d+) of (\d+)", tail[1])
assert m and all(int(m.group(1)) == s["step"] for s in states), (tail[1], [s["step"] for s in states])
PY
}
check_table "$HOLES" first,best
check_table "$HOLES" first,next,best,worst,buddy
check_table "$HOLES" buddy,worst --align 16
TRACE="$ROOT/tests/traces/malloclab/short1-bal.rep"
[ -f "$TRACE" ] && check_table "$TRACE" first,best,buddy -s 16M

# The per-step lines: each policy's outcome, the differing step marked.
"$HEAPVIZ" --batch --compare first,best "$HOLES" >"$E2E_DIR/steps.txt" || fail "batch --compare failed"
grep -qx 'step 13: alloc 200 as r3 -> first: refused | best: r3 = 0x0f0  \* differs: refused under first fit' \
	"$E2E_DIR/steps.txt" || fail "step 13 is not marked as differing: $(sed -n 13p "$E2E_DIR/steps.txt")"
grep -q '^step 12: alloc 100 as r2 -> first: r2 = 0x0f0 | best: r2 = 0x008$' "$E2E_DIR/steps.txt" ||
	fail "step 12's outcomes are wrong"
grep -q '^  outcomes differ at *steps 13, ' "$E2E_DIR/steps.txt" ||
	fail "the table does not list the differing steps: $(tail -n 1 "$E2E_DIR/steps.txt")"
pass "batch table equals separate runs; differing steps marked"

# 2. --json: {"compare": [state, ...]}, each state exactly what --json prints for that policy alone.
"$HEAPVIZ" --batch --json --compare first,next,best,worst,buddy "$HOLES" >"$E2E_DIR/compare.json" ||
	fail "--batch --json --compare failed"
for policy in first next best worst buddy; do
	"$HEAPVIZ" --batch --json -p "$policy" "$HOLES" >"$E2E_DIR/single-$policy.json" || fail "-p $policy failed"
done
python3 - "$E2E_DIR" <<'PY' || fail "--json --compare is not the single-policy states in order"
import json, sys
d = sys.argv[1]
doc = json.load(open(d + "/compare.json"))
assert list(doc) == ["compare"], list(doc)
states = doc["compare"]
assert [s["policy"] for s in states] == ["first", "next", "best", "worst", "buddy"], [s["policy"] for s in states]
for state in states:
    assert state == json.load(open(d + "/single-%s.json" % state["policy"])), state["policy"]
PY
"$HEAPVIZ" --batch --compare first,best --trace-json "$E2E_DIR/trace.jsonl" "$HOLES" >/dev/null ||
	fail "--trace-json with --compare failed"
python3 - "$E2E_DIR/trace.jsonl" <<'PY' || fail "--trace-json --compare lines are not one compare object per step"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 19, len(lines)      # step 0 and 18 commands
assert all(len(l["compare"]) == 2 for l in lines)
r3 = lines[13]["compare"]
assert r3[0]["command"] == "alloc 200 as r3" and r3[0]["result"]["failed"], r3[0]["result"]
assert r3[1]["result"]["payload"] == 0xf0, r3[1]["result"]
PY
pass "--json and --trace-json"

# 3. Usage errors: exit 2 and a message that says what is wrong.
expect_usage() {
	local want=$1
	shift
	local status=0
	"$HEAPVIZ" "$@" >"$E2E_DIR/out" 2>"$E2E_DIR/err" </dev/null || status=$?
	[ "$status" -eq 2 ] || fail "heapviz $* exited $status, expected 2"
	grep -qF -- "$want" "$E2E_DIR/err" || fail "heapviz $*: expected '$want' in: $(cat "$E2E_DIR/err")"
}
expect_usage "needs at least 2 policies" --batch --compare first "$HOLES"
expect_usage "unknown policy 'bogus'" --batch --compare first,bogus "$HOLES"
expect_usage "first is named twice" --batch --compare first,first "$HOLES"
expect_usage "ambiguous policy 'b': could be best, buddy" --batch --compare first,b "$HOLES"
# The same parser as `policy NAME`: unique prefixes name policies, and a prefix that repeats one is a repeat.
expect_usage "first is named twice" --batch --compare fi,FIRST "$HOLES"
"$HEAPVIZ" --batch --compare fir,wo "$HOLES" >"$E2E_DIR/out" 2>"$E2E_DIR/err" ||
	fail "--compare fir,wo: exit $?: $(cat "$E2E_DIR/err")"
grep -q "first fit" "$E2E_DIR/out" && grep -q "worst fit" "$E2E_DIR/out" ||
	fail "--compare fir,wo does not compare first fit with worst fit: $(head -3 "$E2E_DIR/out")"
expect_usage "--compare with buddy: buddy needs a power-of-two heap size" --batch --compare first,buddy -s 1000 "$HOLES"
expect_usage "--policy and --compare do not go together" --batch -p best --compare first,buddy "$HOLES"
expect_usage "option '--compare' needs an argument" --batch --compare
# A command one heap rejects is rejected for all, naming the policy.
printf 'alloc 10\nreset 1000\n' >"$E2E_DIR/reject.hv"
expect_usage "reject.hv:2:7: buddy needs a power-of-two heap size (under buddy; no heap changed)" \
	--batch --compare first,buddy "$E2E_DIR/reject.hv"
# Lessons start with `policy X`: while comparing it starts every heap over, so every lesson plays.
for lesson in "$ROOT"/assets/lessons/*.hv; do
	"$HEAPVIZ" --batch --compare first,best,buddy "$lesson" >/dev/null 2>"$E2E_DIR/lesson.err" ||
		fail "$(basename "$lesson") does not run under --compare first,best,buddy: $(cat "$E2E_DIR/lesson.err")"
done
# With no cursor (batch), a script's export writes the first policy's heap.
printf 'alloc 100 as a\nexport lane.txt\n' >"$E2E_DIR/export.hv"
(cd "$E2E_DIR" && "$HEAPVIZ" --batch --compare best,worst export.hv >/dev/null) || fail "--batch --compare with export failed"
grep -q "best fit" "$E2E_DIR/lane.txt" || fail "batch export under --compare best,worst does not show best fit's heap"
! grep -q "worst fit" "$E2E_DIR/lane.txt" || fail "batch export under --compare shows more than the first heap"
"$HEAPVIZ" --help | grep -q -- "--compare LIST" || fail "--help does not mention --compare"
pass "usage errors"

# 4. The screen at 80x24: both grids, their names and the differing step.
start_heapviz 80 24 -- --compare first,best -s 512
wait_for "compare: first fit · best fit" "the compare title"
for line in "alloc 100 as m" "alloc 20 as x1" "alloc 40 as s" "alloc 20 as x2" "alloc 200 as b" \
	    "alloc 20 as x3" "free m" "free s" "free b" "alloc 40 as r1" "alloc 100 as r2"; do
	run_command "$line"
done
wait_for "step 11 / 11"
assert_has "step 11: placed at different addresses"   # r2: 0x0f0 vs 0x008
run_command "alloc 200 as r3"
wait_for "step 12 / 12"
wait_for "step 12 differs: refused under first fit"
first=$(row_of "first fit ─")
best=$(row_of "best fit ─")
[ -n "$first" ] && [ -n "$best" ] && [ "$first" -lt "$best" ] || fail "the two policies' sections are not stacked"
screen_row $((first + 1)) | grep -q "! refused" || fail "first fit's section does not show the refusal"
screen_row $((best + 1)) | grep -q "r3 = 0x0f0" || fail "best fit's section does not show where r3 went"
assert_has "first: refused; best: r3 = 0x0f0"
# A command one heap rejects leaves the bar for editing, the heaps as they were.
run_command "write r3 \"x\""
wait_for "under first fit: 'r3' is NULL"
assert_has "step 12 / 12"
send_keys C-e C-u
# Undo moves both; export writes the snapshot of the heap the cursor is on: first fit's until it moves.
send_keys C-z
wait_for "step 11 / 12"
assert_lacks "step 12 differs"
run_command "export $E2E_DIR/lane-first.txt"
wait_for "lane-first.txt (first fit)"
# The cursor down past first fit's grid into best fit's, back to the bar, export again.
send_keys Escape
for _ in $(seq 1 30); do send_keys Down; done
send_keys Escape
run_command "export $E2E_DIR/lane-best.txt"
wait_for "lane-best.txt (best fit)"
for lane in first best; do
	other=$([ $lane = first ] && echo best || echo first)
	[ -s "$E2E_DIR/lane-$lane.txt" ] || fail "export in the compare screen did not write lane-$lane.txt"
	grep -q "$lane fit" "$E2E_DIR/lane-$lane.txt" || fail "lane-$lane.txt does not show $lane fit's heap"
	! grep -q "$other fit" "$E2E_DIR/lane-$lane.txt" || fail "lane-$lane.txt shows $other fit too: not one lane"
	! grep -q "compare:" "$E2E_DIR/lane-$lane.txt" || fail "lane-$lane.txt is the compare layout, not one heap"
done
# Step 11 placed r2 differently, so the two heaps' snapshots differ.
! cmp -s "$E2E_DIR/lane-first.txt" "$E2E_DIR/lane-best.txt" || fail "the two lanes' snapshots are the same"
# A click on a cell of first fit's grid (the cursor was in best fit's) opens the inspector of that heap.
first=$(row_of "first fit ─")
[ -n "$first" ] || fail "no first fit section to click"
type_text $'\e[<0;'"10;$((first + 2))M"
type_text $'\e[<0;'"10;$((first + 2))m"
wait_for "selected block" "the inspector after a click in the compare screen"
assert_matches "^ heapviz +first fit ·"
send_keys Escape
wait_for "compare: first fit · best fit" "the lanes side by side again after Esc"
send_keys C-y
wait_for "step 12 / 12"
wait_for "differs: refused under first fit"
resize_to 40 12
wait_for "differs" "the difference line at 40x12"
resize_to 30 8
wait_for "terminal too small"
resize_to 120 40
wait_for "step 12 differs: refused under first fit"
assert_alive
run_command "quit"
wait_until "heapviz to exit" pane_dead
[ "$(pane_exit_status)" = 0 ] || fail "heapviz --compare exited $(pane_exit_status)"

# Five policies from a loaded FILE: a timeline playing through every heap.
start_heapviz 80 24 -- --compare first,next,best,worst,buddy "$HOLES"
wait_for "compare: first · next · best · worst · buddy"
wait_for "step 0 / 17"
send_keys Escape  # to the grid, where End jumps to the timeline's last step
send_keys End
wait_for "step 17 / 17"
for name in "first fit" "next fit" "best fit" "worst fit" "buddy"; do
	assert_has "$name  "
done
send_keys Escape
run_command "goto 13"
wait_for "step 13 differs: refused under first fit, next fit and worst fit"
assert_alive
run_command "quit"
wait_until "heapviz to exit" pane_dead
pass "the screen"

# 5. --render with --compare: a deterministic cast that asciinema plays.
command -v asciinema >/dev/null || fail "asciinema is not installed (make test installs it)"
SOURCE_DATE_EPOCH=1700000000 "$HEAPVIZ" --render "$E2E_DIR/a.cast" --compare first,best --step-ms 200 "$HOLES" ||
	fail "--render --compare failed"
SOURCE_DATE_EPOCH=1700000000 "$HEAPVIZ" --render "$E2E_DIR/b.cast" --compare first,best --step-ms 200 "$HOLES" ||
	fail "--render --compare failed the second time"
cmp -s "$E2E_DIR/a.cast" "$E2E_DIR/b.cast" || fail "--render --compare twice gave different bytes"
python3 - "$E2E_DIR/a.cast" <<'PY' || fail "the --compare cast is not a valid asciicast of the compare view"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = json.loads(lines[0])
assert header["version"] == 2 and header["width"] == 80 and header["height"] == 24, header
events = [json.loads(l) for l in lines[1:]]
assert len(events) == 19, len(events)    # step 0, 17 steps, the last again paused
text = "".join(e[2] for e in events if e[1] == "o")
assert "compare: first fit" in text and "differs: refused under first fit" in text
PY
timeout 30 script -qec "asciinema cat '$E2E_DIR/a.cast'" /dev/null >"$E2E_DIR/played.raw" ||
	fail "asciinema cat refused the --compare cast"
grep -q "differs" "$E2E_DIR/played.raw" || fail "asciinema cat did not play the compare view"
pass "--render"
