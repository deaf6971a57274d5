#!/usr/bin/env bash
# lessons.sh - the ready-made lessons in assets/lessons: each runs clean in batch mode (exit 0, ends with a
# consistent `check`), gives valid JSON Lines with --trace-json, behaves the same whatever the command line's
# policy/size/alignment, and shows what its notes claim (numbers checked against the JSON trace).
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${HEAPVIZ:?set HEAPVIZ to the heapviz binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

shopt -s nullglob
lessons=(assets/lessons/*.hv)
[ ${#lessons[@]} -ge 6 ] || fail "only ${#lessons[@]} lessons in assets/lessons (want at least 6)"
[ -f assets/lessons/README.md ] || fail "assets/lessons/README.md is missing"

for lesson in "${lessons[@]}"; do
	name=$(basename "$lesson" .hv)
	[ -f assets/lessons/README.md ] && ! grep -q "$name.hv" assets/lessons/README.md &&
		fail "$name: not listed in assets/lessons/README.md"

	"$HEAPVIZ" --batch "$lesson" >"$work/$name.txt" 2>"$work/$name.err"
	status=$?
	[ "$status" = 0 ] || fail "$name: batch exit status $status: $(head -3 "$work/$name.err")"
	grep -q "the heap is consistent" "$work/$name.txt" || fail "$name: no check line saying 'the heap is consistent'"
	grep -q "^check -> check: the heap is consistent" <(grep -v '^note ' "$work/$name.txt" | grep -v '^$' |
		sed -n '/^final state/q;p' | tail -1) || fail "$name: the last command is not a check reporting a consistent heap"

	"$HEAPVIZ" --batch --trace-json - "$lesson" >"$work/$name.jsonl" 2>"$work/$name.trace.err"
	status=$?
	[ "$status" = 0 ] || fail "$name: --trace-json exit status $status: $(head -3 "$work/$name.trace.err")"
	python3 -c '
import json, sys
for number, line in enumerate(open(sys.argv[1]), 1):
    try:
        json.loads(line)
    except ValueError as error:
        print(f"line {number}: {error}: {line[:80]!r}")
        sys.exit(1)
' "$work/$name.jsonl" || fail "$name: --trace-json output is not valid JSON on every line"

	# The lesson sets its own policy, alignment and heap size: other command-line settings change nothing.
	"$HEAPVIZ" --batch --json "$lesson" >"$work/$name.json" 2>/dev/null
	"$HEAPVIZ" --batch --json -p worst -s 4096 --align 16 "$lesson" >"$work/$name.other.json" 2>/dev/null
	cmp -s "$work/$name.json" "$work/$name.other.json" ||
		fail "$name: the final state depends on -p/-s/--align (the lesson should set its own)"

	python3 - "$name" "$work/$name.jsonl" <<'PY' || fail "$name: lesson checks failed (see above)"
import json, re, sys

name, path = sys.argv[1], sys.argv[2]
lines = [json.loads(line) for line in open(path)]
steps = [l for l in lines if l["command"] is not None and not re.match(r"(note|check|sleep)\b", l["command"])]
notes = [l["command"] for l in lines if l["command"] and l["command"].startswith("note")]
problems = []

def expect(condition, message):
    if not condition:
        problems.append(message)

def step(command, policy=None, nth=0):
    """The trace line of the nth step running `command` (under `policy` if given)."""
    found = [l for l in steps if l["command"] == command and (policy is None or l["policy"] == policy)]
    if len(found) <= nth:
        print(f"{name}: no step '{command}'" + (f" under {policy}" if policy else ""))
        sys.exit(1)
    return found[nth]

def before(line):
    """The state just before a step: the previous step's line."""
    return lines[lines.index(line) - 1]

def block(state, block_name):
    found = [b for b in state["blocks"] if b["state"] == "used" and b.get("name") == block_name]
    return found[0] if found else None

def free_blocks(state):
    return [(b["offset"], b["size"]) for b in state["blocks"] if b["state"] == "free"]

def need(request, alignment=8):
    size = -(-(8 + request + 4) // alignment) * alignment
    return max(size, 16)

# General: a lesson of 10-40 steps, with notes short enough for a caption.
expect(10 <= len(steps) <= 40, f"{len(steps)} steps (want 10-40)")
expect(len(notes) >= 5, f"only {len(notes)} notes")
for n in notes:
    expect(len(n) - len("note ") <= 150, f"note longer than 150 characters: {n[:60]!r}...")
expect(all(l["ok"] for l in lines), "a command was rejected")
noted = {l["step"] for l in lines if l["command"] and l["command"].startswith("note")}
paused = {l["step"] for l in lines if l["command"] and l["command"].startswith("sleep")}
expect(noted <= paused, f"steps {sorted(noted - paused)} have notes but no sleep to read them during playback")

if name == "splitting-and-coalescing":
    s = step("alloc 40 as s")
    expect(s["result"] == {"payload": 64, "block": 56, "size": 56}, f"s placed {s['result']}")
    expect((112, 56) in free_blocks(s) and "split, 56 B stay free" in s["explain"], "s did not split the 112 B hole")
    p = step("alloc 36 as p")
    expect(p["result"]["size"] == 56 and "too few to split off" in p["explain"], "p did not take the whole 56 B hole")
    right = step("free s")
    expect("coalesced it with 1 free neighbour" in right["explain"] and (56, 112) in free_blocks(right),
           "free s did not coalesce right into 112 B at 0x038")
    left = step("free c")
    expect("coalesced it with 1 free neighbour" in left["explain"] and (56, 168) in free_blocks(left),
           "free c did not coalesce left into 168 B at 0x038")
    both = step("free d")
    expect("coalesced it with 2 free neighbours" in both["explain"] and (56, 280) in free_blocks(both),
           "free d did not coalesce both ways into 280 B at 0x038")
    top = step("free top")
    expect(before(top)["break"] == 0x188 and top["break"] == 0x38 and "wilderness" in top["explain"],
           f"free top: break {before(top)['break']:#x} -> {top['break']:#x}, expected 0x188 -> 0x038")
    expect(top["stats"]["wilderness_bytes"] == 456 and top["stats"]["free_blocks"] == 0, "final wilderness not 456 B")

elif name == "first-best-worst":
    r1 = {p: step("alloc 40 as r1", p)["result"]["block"] for p in ("first", "best", "worst")}
    expect(r1 == {"first": 0x000, "best": 0x090, "worst": 0x0e8}, f"r1 placements {r1}")
    expect(len(set(r1.values())) == 3, "r1 lands in the same place under two policies")
    r2 = {p: step("alloc 100 as r2", p)["result"]["block"] for p in ("first", "best", "worst")}
    expect(r2 == {"first": 0x0e8, "best": 0x000, "worst": 0x120}, f"r2 placements {r2}")
    first_r3, best_r3 = step("alloc 200 as r3", "first"), step("alloc 200 as r3", "best")
    expect("failed" in first_r3["result"] and "fragmentation" in first_r3["result"]["failed"],
           f"first-fit r3: {first_r3['result']}")
    expect(first_r3["stats"]["free_bytes"] == 248 and first_r3["stats"]["largest_free"] == 104,
           f"first-fit r3: free {first_r3['stats']['free_bytes']}, largest {first_r3['stats']['largest_free']}")
    expect(best_r3["result"] == {"payload": 240, "block": 232, "size": 216}, f"best-fit r3: {best_r3['result']}")
    worst_r2 = step("alloc 100 as r2", "worst")
    expect(worst_r2["stats"]["largest_free"] < need(200), "worst fit still has room for r3")

elif name == "external-fragmentation":
    refused = [l for l in steps if l["result"] and "failed" in l["result"]]
    frag = [l for l in refused if "external fragmentation" in l["result"]["failed"]]
    expect(len(frag) == 1, f"{len(frag)} fragmentation refusals")
    if frag:
        f = frag[0]
        expect(f["command"] == "alloc 100 as big", f["command"])
        s = f["stats"]
        expect(s["free_bytes"] >= need(100) > s["largest_free"],
               f"refusal with free {s['free_bytes']}, largest {s['largest_free']}, need {need(100)}")
        expect((s["free_bytes"], s["largest_free"], s["external_fragmentation"]) == (256, 64, 0.75), f"stats {s}")
        expect(s["wilderness_bytes"] == 0 and s["free_blocks"] == 4, "the four holes are not the only free space")
    huge = step("alloc 300 as huge")
    expect(huge["result"] == {"failed": "out of memory: too little free space in total"}, f"huge: {huge['result']}")
    retry = step("alloc 100 as big", nth=1)
    expect(retry["result"] == {"payload": 136, "block": 128, "size": 112}, f"big after free b3: {retry['result']}")
    expect(before(retry)["stats"]["largest_free"] == 192, "free b3 did not make a 192 B hole")

elif name == "buddy-internal-fragmentation":
    buddy = [l for l in steps if l["policy"] == "buddy"]
    for l in buddy:
        for b in l["blocks"]:
            expect(b["size"] & (b["size"] - 1) == 0 and b["offset"] % b["size"] == 0,
                   f"step {l['step']}: buddy block {b['offset']:#x}/{b['size']} is not a power of two at a multiple")
    full = max(buddy, key=lambda l: l["stats"]["overhead_bytes"])["stats"]
    expect((full["used_bytes"], full["requested_bytes"], full["overhead_bytes"]) == (1024, 547, 477),
           f"buddy at its fullest: {full}")
    expect(full["overhead_bytes"] * 100 >= 40 * full["used_bytes"], "buddy overhead is under 40 % of the used bytes")
    c = step("alloc 121 as c", "buddy")
    expect(c["result"]["size"] == 256, f"121 B under buddy got {c['result']}")
    a = step("free a", "buddy")
    expect("merged 2 times" in a["explain"] and (0, 512) in free_blocks(a), f"free a: {a['explain']}")
    cfree = step("free c", "buddy")
    expect((0x80, 128) in free_blocks(cfree) and (0x100, 256) in free_blocks(cfree),
           "free c: adjacent non-buddies should stay apart")
    d = step("free d", "buddy")
    expect(free_blocks(d) == [(0, 1024)], "freeing everything did not merge back to one 1024 B block")
    first = step("alloc 249 as d", "first")["stats"]
    expect((first["used_bytes"], first["overhead_bytes"]) == (608, 61), f"first-fit comparison: {first}")

elif name == "realloc-moves":
    def msg_at(l):
        return block(l, "msg")
    text = "hello, heap!".encode().hex()
    written = msg_at(step('write msg "hello, heap!"'))
    expect(written["data"].startswith(text), "msg does not hold the text")
    shrink = step("realloc msg 16")
    expect(msg_at(shrink)["payload"] == 8 and shrink["result"]["size"] == 32 and (0x20, 24) in free_blocks(shrink),
           f"shrink: {shrink['result']}, free {free_blocks(shrink)}")
    grow = step("realloc msg 80")
    expect(grow["result"] == {"payload": 8, "block": 0, "size": 96} and (0x60, 16) in free_blocks(grow),
           f"grow into neighbour: {grow['result']}")
    wild = step("realloc top 60")
    expect(before(wild)["break"] == 0x180 and wild["break"] == 0x1b0 and wild["result"]["block"] == 0x168,
           f"grow into wilderness: break {before(wild)['break']:#x} -> {wild['break']:#x}")
    move = step("realloc msg 150")
    old, new = msg_at(before(move)), msg_at(move)
    expect(old["payload"] == 0x008 and new["payload"] == 0x098, f"msg moved {old['payload']:#x} -> {new['payload']:#x}")
    expect(new["data"][:2 * old["requested"]] == old["data"], "the moved block's bytes differ from the old ones")
    expect(new["data"].startswith(text), "the moved block lost the text")
    reuse = step("alloc 40 as new")
    expect(reuse["result"]["payload"] == old["payload"], "new does not reuse msg's old address")
    final = lines[-1]
    expect(msg_at(final)["payload"] == 0x098 and msg_at(final)["data"] == new["data"], "msg changed after moving")

elif name == "next-fit-rover":
    names = ("alloc 48 as r1", "alloc 48 as r2", "alloc 48 as r3", "alloc 48 as r4")
    placed = {p: [step(c, p)["result"]["block"] for c in names] for p in ("next", "first")}
    expect(placed["next"] == [0x040, 0x0c0, 0x140, 0x000], f"next fit placed {placed['next']}")
    expect(placed["first"] == [0x040, 0x000, 0x0c0, 0x140], f"first fit placed {placed['first']}")
    expect(placed["next"] != placed["first"], "next fit placed the sequence exactly like first fit")
    expect("searching on from 0x080" in step("alloc 48 as r2", "next")["explain"], "r2's search did not start at 0x080")
    expect("searching on from 0x180" in step("alloc 48 as r4", "next")["explain"], "r4's search did not start at 0x180")

elif name == "lifo-vs-address":
    def placed(command, order):
        found = [l for l in steps if l["command"] == command and l.get("order", "address") == order]
        expect(len(found) == 1, f"{command} under {order}: {len(found)} steps")
        return found[0]["result"]["block"] if found and found[0]["result"] else None
    got = {o: [placed(f"alloc 16 as {r}", o) for r in ("r1", "r3")] for o in ("address", "lifo")}
    expect(got["address"] == [0x000, 0x050], f"address order placed r1, r3 at {got['address']}")
    expect(got["lifo"] == [0x088, 0x000], f"LIFO placed r1, r3 at {got['lifo']}")
    r1 = [l for l in steps if l["command"] == "alloc 16 as r1" and l.get("order") == "lifo"][0]
    expect("first fit (LIFO list): the first block in list order" in r1["explain"], f"LIFO r1 explained as {r1['explain']!r}")
    freed = [l for l in steps if l["command"] == "free x1" and l.get("order") == "lifo"][0]
    expect({"offset": 0, "size": 56, "state": "free"} in freed["blocks"], "x1 did not merge into a 56 B block at 0x000")
    expect("(to the front of the list)" in freed["explain"], f"LIFO free explained as {freed['explain']!r}")

elif name == "alignment-padding":
    sizes = {}
    for l in steps:
        for b in l["blocks"]:
            if b["state"] == "used":
                expect(b["payload"] % l["alignment"] == 0, f"step {l['step']}: payload {b['payload']:#x} misaligned")
    for a in (4, 8, 16):
        final = [l for l in steps if l["alignment"] == a][-1]
        sizes[a] = [(b["payload"], b["size"]) for b in final["blocks"] if b["state"] == "used"]
    expect(sizes[4] == [(0x08, 16), (0x18, 28), (0x34, 32)], f"align 4: {sizes[4]}")
    expect(sizes[8] == [(0x08, 16), (0x18, 32), (0x38, 32)], f"align 8: {sizes[8]}")
    expect(sizes[16] == [(0x10, 32), (0x30, 48), (0x60, 48)], f"align 16: {sizes[16]}")

elif name == "calloc-zero-fill":
    m = step("alloc 32 as m")
    z = step("calloc 4 8 as z")
    expect(m["result"]["block"] == z["result"]["block"] == 0, "m and z are not the same reused block")
    expect(block(m, "m")["data"] == "aa" * 32, "malloc'd m does not show the old 0xAA bytes")
    expect(block(z, "z")["data"] == "00" * 32, "calloc'd z is not zero-filled")

elif name == "segregated-size-classes":
    expect("failed" in step("alloc 200 as r3", "first")["result"], "first fit did not refuse r3")
    placed = [step(c, "seglist")["result"].get("block") for c in ("alloc 40 as r1", "alloc 100 as r2", "alloc 200 as r3")]
    expect(placed == [0x090, 0x000, 0x0e8], f"seglist placed r1, r2, r3 at {placed}, not each in its class's hole")
    expect("class 32-63 B; the first block on its list that fits is 0x090" in step("alloc 40 as r1", "seglist")["explain"],
           "r1's explanation does not name its class and hole")
    t = step("alloc 16 as t", "seglist")
    expect("the next non-empty class, 64-127 B" in t["explain"] and "80 B stay free (to class 64-127 B)" in t["explain"],
           f"t did not come from the next class with its rest back in 64-127 B: {t['explain']}")
    u = step("alloc 30 as u", "seglist")
    expect(u["result"]["size"] == 56 and "padding" in u["explain"], "u did not take the 56 B hole whole")

elif name == "tlsf-good-fit":
    b = step("alloc 252 as b", "tlsf")
    expect(b["result"]["block"] == 0x128 and "rounded up to 272 B: list (8,1)" in b["explain"],
           f"tlsf's b did not round past the 264 B hole: {b['result']} {b['explain']}")
    expect((0, 264) in free_blocks(b), "the 264 B block at 0x000 is not still free after b")
    d = step("alloc 252 as d", "tlsf")
    expect("failed" in d["result"] and "passes over" in d["explain"] and d["stats"]["largest_free"] >= 264,
           f"tlsf's d was not refused by the rounding with a 264 B block free: {d['result']} {d['explain']}")
    e = step("alloc 100 as e", "tlsf")
    expect(e["result"]["block"] == 0 and "list (6,12)" in e["explain"], f"e did not take the passed-over block: {e['result']}")
    expect(step("alloc 252 as b", "first")["result"]["block"] == 0, "first fit's b did not take the 264 B hole")
    expect("payload" in step("alloc 252 as d", "first")["result"], "first fit refused d")

for problem in problems:
    print(f"{name}: {problem}")
sys.exit(1 if problems else 0)
PY
done

# Every lesson is also played: through the real drawing code into a screencast, which must end on
# the lesson's last step with its final statistics on screen.
work=$(mktemp -d)
for lesson in "${lessons[@]}"; do
	name=$(basename "$lesson" .hv)
	if ! "$HEAPVIZ" --render "$work/$name.cast" --size 100x30 --step-ms 50 "$lesson" 2>"$work/err"; then
		fail "$name: --render failed: $(cat "$work/err")"
		continue
	fi
	last=$("$HEAPVIZ" --batch --json "$lesson" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["step"], s["stats"]["used_blocks"])')
	python3 - "$work/$name.cast" $last <<'PY' || fail "$name: the played screencast does not end on the lesson's last step"
import json, re, sys
path, step, used = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
events = [json.loads(line) for line in open(path, encoding="utf-8").read().splitlines()[1:]]
# The frame the player ends on: the last event that repainted the title row.
text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(e[2] for e in events[-3:]))
assert f"step {step} / {step}" in text, text[:200]
assert re.search(r"used blocks +%d " % used, "".join(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", e[2]) for e in events)), "used blocks"
PY
done
rm -rf "$work"

if [ "$failures" -gt 0 ]; then
	echo "lessons.sh: $failures failure(s)"
	exit 1
fi
echo "lessons.sh: ${#lessons[@]} lessons ok"
