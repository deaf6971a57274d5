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
