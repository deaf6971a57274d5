#!/usr/bin/env bash
# snapshot.sh - SVG and text snapshots: well-formed, rendered by rsvg-convert, the numbers the core has, atomic.
source "$(dirname "$0")/tmux_lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$E2E_DIR" || fail "no temp dir"

script='alloc 100
alloc 50 as buf
write buf "<tag> & \"quotes\" \x1b[31m"
free p1
export step4.svg
export step4.txt
alloc 20 as late'
printf '%s\n' "$script" >s.hv
"$HEAPVIZ" --batch --snapshot final.svg s.hv >report.txt || fail "batch with exports failed"
for f in step4.svg final.svg; do
	xmllint --noout "$f" || fail "$f is not well-formed XML"
	rsvg-convert -b white "$f" -o "${f%.svg}.png" || fail "rsvg-convert cannot render $f"
	[ -s "${f%.svg}.png" ] || fail "rsvg-convert wrote nothing for $f"
done
grep -q 'step 4 / 4' step4.txt || fail "the text snapshot is not of step 4"
grep -q 'step 5 / 5' final.svg || fail "--snapshot is not of the final step"
grep -q 'buf' step4.svg || fail "the block's name is not in the SVG"
if grep -q $'\x1b' step4.svg step4.txt final.svg; then fail "a raw escape character reached a snapshot"; fi
# The statistics in the snapshot are the core's: compare with the JSON of the same step.
head -4 s.hv | "$HEAPVIZ" --batch --json >state.json || fail "batch --json failed"
used=$(python3 -c 'import json; print(json.load(open("state.json"))["stats"]["used_bytes"])')
grep -qE "used bytes +$used B" step4.txt || fail "the text snapshot does not show used bytes $used"
# Light theme: the page is white.
grep -q 'fill="#ffffff"' step4.svg || fail "the SVG has no white page"
# Snapshots are ordinary files, and no temporary file is left behind.
[ "$(stat -c %a step4.svg)" = "$(umask -S >/dev/null; printf '%o' $((0666 & ~0$(umask))))" ] ||
	fail "snapshot mode $(stat -c %a step4.svg) does not follow the umask"
ls | grep -q '\.tmp\.' && fail "a temporary file was left behind"

# A refusal whose outcome is wider than the panel: the snapshot wraps it as the screen does, and no
# text element runs past the SVG's right edge (checked with a real XML parser).
printf 'alloc 1000\nalloc 100 as big\nexport wrap.svg\nexport wrap.txt\n' >wrap.hv
"$HEAPVIZ" --batch wrap.hv >/dev/null || fail "batch with a refusal failed"
python3 - wrap.svg wrap.txt <<'PY' || fail "the SVG runs past its edge, differs from the text snapshot or cuts the outcome line"
import sys, xml.etree.ElementTree as ET
svg, txt = sys.argv[1], sys.argv[2]
root = ET.parse(svg).getroot()
ns = "{http://www.w3.org/2000/svg}"
width = float(root.get("width"))
cell = 9.6            # CELL_WIDTH in src/out/snapshot.c: one monospace cell
rows = {}
for text in root.iter(ns + "text"):
    x, y, s = float(text.get("x")), int(text.get("y")), text.text or ""
    if x + len(s) * cell > width + 0.01:
        sys.exit(f"text at x={x} runs past the right edge {width}: {s!r}")
    rows.setdefault(y, []).append((x, s))
lines = []
for y in sorted(rows):
    line = ""
    for x, s in sorted(rows[y]):
        column = round(x / cell)
        line = line.ljust(column) + s
    lines.append((y, line.rstrip()))
text_rows = open(txt, encoding="utf-8").read().split("\n")
for y, line in lines:
    row = (y + 5) // 20 - 1
    if text_rows[row].rstrip() != line:
        sys.exit(f"row {row}: SVG {line!r} but text {text_rows[row]!r}")
if "out of memory: too little free space in total" not in " ".join(r.split("│")[-1].strip() for r in text_rows):
    sys.exit("the outcome line is not shown whole (wrapped) in the snapshot")
PY
# The screen at the snapshot's size shows the same rows, wrapped the same way.
start_heapviz 100 30
run_command "alloc 1000"
wait_for "step 1 / 1"
run_command "alloc 100 as big"
wait_for "step 2 / 2"
screen_text | head -n 27 | sed 's/ *$//' >screen-wrap.txt
sed 's/ *$//' wrap.txt | head -n 27 | diff - screen-wrap.txt >wrap.diff ||
	fail "the snapshot differs from the screen: $(cat wrap.diff)"
stop_tmux

# A bad path: exit 1, one clear line, and the good file from before is untouched.
cp step4.svg keep.svg
printf 'alloc 8\nexport no/such/dir/x.svg\n' >bad.hv
"$HEAPVIZ" --batch bad.hv >/dev/null 2>err.txt
[ $? -eq 1 ] || fail "an unwritable export should exit 1"
grep -q 'no/such/dir/x.svg: cannot write' err.txt || fail "unclear error: $(cat err.txt)"
cmp -s step4.svg keep.svg || fail "a failed export touched another file"
# A wrong extension is a rejected command with its position.
printf 'alloc 8\nexport x.png\n' >ext.hv
"$HEAPVIZ" --batch ext.hv >/dev/null 2>err.txt
[ $? -eq 2 ] || fail "export x.png should be rejected (exit 2)"
grep -q '^ext.hv:2:8: ' err.txt || fail "no FILE:LINE:COL for a bad export: $(cat err.txt)"
[ ! -e x.png ] || fail "a rejected export wrote a file"

# export from the command bar of the screen.
start_heapviz 80 24
run_command "alloc 64 as shown"
wait_for "step 1 / 1"
run_command "export $E2E_DIR/from-screen.svg"
wait_for "wrote"
xmllint --noout "$E2E_DIR/from-screen.svg" || fail "the screen's export is not well-formed"
grep -q 'shown' "$E2E_DIR/from-screen.svg" || fail "the screen's export lacks the block name"

# The README's picture is a snapshot too.
xmllint --noout "$ROOT/assets/heapviz.svg" || fail "assets/heapviz.svg is not well-formed"
rsvg-convert "$ROOT/assets/heapviz.svg" -o readme.png || fail "assets/heapviz.svg does not render"
pass
