#!/usr/bin/env bash
# hostile_history.sh - a million steps, then goto 0, the end and back: every state reached equals a fresh
# replay (the --json state), and the million-line run stays within generous time and memory bounds.
source "$(dirname "$0")/batch_lib.sh"
source "$(dirname "$0")/hostile_lib.sh"

STEPS=1000000
MIDDLE=618034
# measure's bounds (hostile_lib.sh) are ones only a pathology crosses: measured here about 5 s and
# 760 MB for the million steps; never tight timings.


# A seeded history where every step changes the heap: allocations, frees, reallocs (some moving)
# and writes over four names, so two different steps rarely have the same state.
python3 - "$work/steps.hv" "$STEPS" <<'PY'
import random, sys
path, steps = sys.argv[1], int(sys.argv[2])
r = random.Random(8)
names = "abcd"
sizes = {}  # live name -> its payload's requested size (a write never goes past it)
with open(path, "w") as out:
    for _ in range(steps):
        name = r.choice(names)
        if name not in sizes:
            sizes[name] = r.randint(1, 40)
            out.write("alloc %d as %s\n" % (sizes[name], name))
            continue
        k = r.random()
        if k < 0.4:
            out.write("free %s\n" % name)
            del sizes[name]
        elif k < 0.7:
            sizes[name] = r.randint(1, 40)
            out.write("realloc %s %d\n" % (name, sizes[name]))
        else:
            text = "".join(r.choice("xyz") for _ in range(r.randint(1, min(8, sizes[name]))))
            out.write('write %s "%s"\n' % (name, text))
PY
[ "$(wc -l <"$work/steps.hv")" -eq $STEPS ] || fail "the history script is not $STEPS lines"
head -n $MIDDLE "$work/steps.hv" >"$work/middle.hv"
with_gotos() {
	cat "$work/steps.hv"
	printf 'goto %s\n' "$@"
}
with_gotos 0 >"$work/to-zero.hv"
with_gotos 0 $STEPS >"$work/to-end.hv"
with_gotos 0 $STEPS 0 $MIDDLE >"$work/and-back.hv"

# Two at a time (two cores): the forward run is the measured million-line script.
measure "a million steps, forward" "$work/end.json" -- "$HEAPVIZ" --batch --json "$work/steps.hv" &
forward=$!
measure "a million steps, then goto 0" "$work/zero.json" -- "$HEAPVIZ" --batch --json "$work/to-zero.hv" || fail "goto 0 run"
wait $forward || fail "the forward run"
measure "a million steps, goto 0, goto $STEPS" "$work/back-to-end.json" -- "$HEAPVIZ" --batch --json "$work/to-end.hv" &
to_end=$!
measure "a million steps, goto 0, $STEPS, 0, $MIDDLE" "$work/middle-again.json" -- "$HEAPVIZ" --batch --json "$work/and-back.hv" ||
	fail "the round trip"
wait $to_end || fail "the goto 0, goto end run"
measure "a fresh replay of $MIDDLE steps" "$work/middle.json" -- "$HEAPVIZ" --batch --json "$work/middle.hv" || fail "the replay"
"$HEAPVIZ" --batch --json </dev/null >"$work/empty.json" || fail "the empty heap"

# same_state LABEL A B: the two --json states are equal, field by field, and at the expected step.
same_state() {
	python3 - "$@" <<'PY' || fail "$1"
import json, sys
label, expected_step, a, b = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
assert a["step"] == expected_step, "%s: at step %d, expected %d" % (label, a["step"], expected_step)
if a != b:
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            print("%s: %s differs:\n  %r\n  %r" % (label, key, a.get(key), b.get(key)))
    sys.exit(1)
PY
}
same_state "goto 0 after a million steps equals the empty heap" 0 "$work/zero.json" "$work/empty.json"
same_state "goto 0, goto the end equals the forward run" $STEPS "$work/back-to-end.json" "$work/end.json"
same_state "goto 0, the end, 0, then $MIDDLE equals a fresh replay" $MIDDLE "$work/middle-again.json" "$work/middle.json"
# The states are not trivially equal: the middle and the end differ.
cmp -s "$work/middle.json" "$work/end.json" && fail "the middle and the end have the same state: a weak history"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["stats"]["used_blocks"] > 0' "$work/middle.json" ||
	fail "the middle state has no blocks: a weak history"

if [ $failures -gt 0 ]; then
	echo "hostile_history: $failures failure(s)"
	exit 1
fi
echo "hostile_history: ok"
