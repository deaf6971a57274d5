#!/usr/bin/env bash
# write_safety.sh - a hostile lesson cannot write outside the current directory or over a file; outputs never destroy inputs.
source "$(dirname "$0")/tmux_lib.sh"

WORK="$E2E_DIR/work"          # the current directory a lesson is run from
OUTSIDE="$E2E_DIR/outside"    # a folder next to it
FAKE_HOME="$E2E_DIR/home"     # stands for ~: its .bashrc.txt is what the attack aims at
LOGS="$E2E_DIR/logs"          # stderr and stdout of each run, outside the trees compared
mkdir -p "$WORK" "$OUTSIDE" "$FAKE_HOME" "$LOGS" || fail "no scratch folders"
cd "$WORK" || fail "no work folder"
printf '# my shell settings\n' >"$FAKE_HOME/.bashrc.txt"
printf 'precious\n' >evil.txt
ln -s ../outside out

# The issue's attack: a note a shell would run, exported where a shell reads it.
lesson() {
	printf 'alloc 10\nnote $(echo PWNED >&2)\nexport %s\nalloc 20\n' "$2" >"$1"
}
lesson abs.hv "$FAKE_HOME/.bashrc.txt"
lesson up.hv ../x.txt
lesson link.hv out/evil.txt
lesson exist.hv evil.txt
ATTACKS="abs.hv up.hv link.hv exist.hv"

# Every file under the scratch root (but the logs) with its type, mode, size and contents' checksum.
tree_state() {
	(cd "$E2E_DIR" && find work outside home x.txt -printf '%p %y %m %s\n' 2>/dev/null | sort &&
		find work outside home -type f -exec md5sum {} + | sort)
}

# refused LABEL FILE STATUS: the run exited STATUS with FILE:3:8 (line and column of the export's path) and touched nothing.
refused() {
	local label=$1 file=$2 want=$3 status=$4
	[ "$status" = "$want" ] || fail "$label: exit status $status, expected $want: $(head -3 "$LOGS/err")"
	grep -q "^$file:3:8: export refused: " "$LOGS/err" || fail "$label: no '$file:3:8: export refused' line: $(cat "$LOGS/err")"
	[ "$(wc -l <"$LOGS/err")" -eq 1 ] || fail "$label: more than one line of error: $(cat "$LOGS/err")"
	[ "$(tree_state)" = "$before" ] || fail "$label: files changed: $(diff <(echo "$before") <(tree_state))"
	grep -q PWNED "$FAKE_HOME/.bashrc.txt" && fail "$label: the note reached the fake ~/.bashrc"
	return 0
}

bins=("$HEAPVIZ")
[ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ] && bins+=("$HEAPVIZ_SAN")

for bin in "${bins[@]}"; do
	tag=$(basename "$(dirname "$bin")")
	before=$(tree_state)
	for attack in $ATTACKS; do
		"$bin" --batch "$attack" >"$LOGS/out" 2>"$LOGS/err" </dev/null
		refused "$tag --batch $attack" "$attack" 2 $?
		# Standard input is a script too.
		"$bin" --batch <"$attack" >"$LOGS/out" 2>"$LOGS/err"
		refused "$tag --batch <$attack" "<stdin>" 2 $?
		"$bin" --render "$LOGS/r.cast" "$attack" >"$LOGS/out" 2>"$LOGS/err" </dev/null
		refused "$tag --render $attack" "$attack" 2 $?
		[ -e "$LOGS/r.cast" ] && fail "$tag --render $attack wrote a recording of a refused lesson"
	done
	# --keep-going reports the refusal in place and goes on, still exiting 2.
	"$bin" --batch --keep-going abs.hv >"$LOGS/out" 2>"$LOGS/err" </dev/null
	refused "$tag --keep-going abs.hv" abs.hv 2 $?
	grep -q '^step 2: alloc 20' "$LOGS/out" || fail "$tag --keep-going did not go on after the refused export"
	# The trace records the refusal as a rejected command.
	"$bin" --batch --keep-going --trace-json - up.hv >"$LOGS/out" 2>"$LOGS/err" </dev/null
	python3 - "$LOGS/out" <<'PY' || fail "$tag: the refused export is not a rejected line in --trace-json"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
export = [l for l in lines if (l.get("command") or "").startswith("export")]
assert len(export) == 1 and export[0]["ok"] is False and "refused" in export[0]["error"], export
PY
done
pass "a lesson's export outside the current directory or over a file is refused by --batch and --render"

# A new file below the current directory is fine; the file is an ordinary one (the umask's mode).
lesson new.hv sub/handout.txt
mkdir sub
"$HEAPVIZ" --batch new.hv >"$LOGS/out" 2>"$LOGS/err" </dev/null || fail "a new file below the cwd was refused: $(cat "$LOGS/err")"
grep -q 'alloc 10' sub/handout.txt || fail "the allowed export is not a snapshot"
[ "$(stat -c %a sub/handout.txt)" = "$(printf '%o' $((0666 & ~0$(umask))))" ] || fail "export mode does not follow the umask"
rm -r sub new.hv

# The screen: a loaded lesson that asks for a forbidden write does not start; the error has its place.
for attack in $ATTACKS; do
	before=$(tree_state)
	start_in_tmux 80 24 -- bash -c 'cd "$1" && exec "$2" "$3" 2>"$4"' run "$WORK" "$HEAPVIZ" "$attack" "$LOGS/err"
	refused "screen $attack" "$attack" 2 "$(pane_exit_status)"
done
pass "the screen refuses to load a lesson whose export is forbidden"

# Typed in the bar, export keeps its freedom: anywhere, replacing a file; never through a symlink or over a read-only file.
before=$(tree_state)
start_in_tmux 80 24 -- bash -c 'cd "$1" && exec "$2" "$3" 2>"$4"' run "$WORK" "$HEAPVIZ" exist.hv "$LOGS/err"
refused "screen exist.hv (again)" exist.hv 2 "$(pane_exit_status)"
start_in_tmux 80 24 -- bash -c 'cd "$1" && exec "$2"' run "$WORK" "$HEAPVIZ"
wait_for_heapviz
run_command "alloc 64 as typed"
wait_for "step 1 / 1"
run_command "export $OUTSIDE/typed.txt"
wait_for "wrote"
grep -q typed "$OUTSIDE/typed.txt" || fail "the typed export to an absolute path was not written"
run_command "export evil.txt"
wait_until "evil.txt to be replaced" grep -q typed evil.txt
ln -s "$FAKE_HOME/.bashrc.txt" "$WORK/bashrc-link.txt"
run_command "export bashrc-link.txt"
wait_for "symbolic link"
printf 'keep\n' >ro.txt
chmod 444 ro.txt
run_command "export ro.txt"
wait_for "read-only"
send_keys C-d
[ "$(pane_exit_status)" = 0 ] || fail "the screen did not quit cleanly"
grep -q PWNED "$FAKE_HOME/.bashrc.txt" && fail "the typed export wrote through a symlink"
[ "$(cat "$FAKE_HOME/.bashrc.txt")" = "# my shell settings" ] || fail "the fake ~/.bashrc changed"
[ -L bashrc-link.txt ] || fail "the symlink was replaced"
[ "$(cat ro.txt)" = keep ] && [ "$(stat -c %a ro.txt)" = 444 ] || fail "the read-only file changed"
rm -f bashrc-link.txt ro.txt "$OUTSIDE/typed.txt"
printf 'precious\n' >evil.txt
pass "commands typed in the bar write anywhere, but never through a symlink or over a read-only file"

# --allow-write: the user trusts the script, so it may write anywhere and replace files.
for attack in $ATTACKS; do
	"$HEAPVIZ" --batch --allow-write "$attack" >"$LOGS/out" 2>"$LOGS/err" </dev/null ||
		fail "--allow-write $attack: $(cat "$LOGS/err")"
done
grep -q 'PWNED' "$FAKE_HOME/.bashrc.txt" || fail "--allow-write did not write the absolute path"
[ -f "$E2E_DIR/x.txt" ] || fail "--allow-write did not write ../x.txt"
[ -f "$OUTSIDE/evil.txt" ] || fail "--allow-write did not write through the folder link"
grep -q 'alloc 10' evil.txt || fail "--allow-write did not replace the existing file"
# The screen and --render check, but do not write, a loaded file's exports: with --allow-write they load.
"$HEAPVIZ" --render "$LOGS/r.cast" --allow-write abs.hv 2>"$LOGS/err" || fail "--render --allow-write: $(cat "$LOGS/err")"
[ -s "$LOGS/r.cast" ] || fail "--render --allow-write wrote no recording"
pass "--allow-write lets a trusted script write"

# Outputs that would destroy inputs: usage errors (exit 2) before anything is read or written.
printf 'alloc 10\n' >x.hv
printf 'alloc 10\n' >x.cast
printf 'alloc 10\n' >s.txt
cp x.hv s.hv
ln s.hv s-link.hv
before=$(tree_state)
usage() {
	local label=$1 pattern=$2
	shift 2
	"$@" >"$LOGS/out" 2>"$LOGS/err"
	local status=$?
	[ "$status" = 2 ] || fail "$label: exit status $status, expected 2: $(cat "$LOGS/err")"
	grep -q -- "$pattern" "$LOGS/err" || fail "$label: stderr lacks '$pattern': $(cat "$LOGS/err")"
	[ "$(tree_state)" = "$before" ] || fail "$label: files changed"
}
usage "--record l.hv" "does not end in .cast" "$HEAPVIZ" --record x.hv </dev/null
usage "--record x.hv x.hv" "does not end in .cast" "$HEAPVIZ" --record x.hv x.hv </dev/null
usage "--force --record x.hv x.hv" "is FILE itself" "$HEAPVIZ" --force --record x.hv x.hv </dev/null
usage "--record x.cast x.cast" "is FILE itself" "$HEAPVIZ" --record ./x.cast x.cast </dev/null
usage "--render x.hv x.hv" "does not end in .cast" "$HEAPVIZ" --render x.hv x.hv </dev/null
usage "--force --render x.hv x.hv" "is FILE itself" "$HEAPVIZ" --force --render x.hv x.hv </dev/null
usage "--render x.cast x.cast" "is FILE itself" "$HEAPVIZ" --render x.cast "$WORK/x.cast" </dev/null
usage "--trace-json s.hv s.hv" "is FILE itself" "$HEAPVIZ" --batch --trace-json s.hv s.hv </dev/null
usage "--trace-json hard link" "is FILE itself" "$HEAPVIZ" --batch --trace-json s-link.hv s.hv </dev/null
usage "--trace-json s.hv <s.hv" "standard input" "$HEAPVIZ" --batch --trace-json s.hv <s.hv
usage "--snapshot s.txt s.txt" "is FILE itself" "$HEAPVIZ" --batch --snapshot s.txt s.txt </dev/null
usage "--snapshot s.txt <s.txt" "standard input" "$HEAPVIZ" --batch --snapshot s.txt <s.txt
usage "--trace-json and --snapshot both o.txt" "another output" "$HEAPVIZ" --batch --trace-json o.txt --snapshot ./o.txt x.hv </dev/null
[ -e o.txt ] && fail "a refused output was created"
# A script's export over its own file is refused even with --allow-write.
printf 'alloc 8\nexport self.txt\n' >self.txt
cp self.txt self.orig
"$HEAPVIZ" --batch --allow-write self.txt >"$LOGS/out" 2>"$LOGS/err" </dev/null
status=$?
[ "$status" = 2 ] || fail "export over its own script: exit $status, expected 2"
grep -q '^self.txt:2:8: export refused: that is the script being run' "$LOGS/err" || fail "export over its own script: $(cat "$LOGS/err")"
cmp -s self.txt self.orig || fail "the script was overwritten by its own export"
# Typed in the bar too: an export over the lesson loaded into the screen is refused.
cp s.txt s.orig
start_in_tmux 80 24 -- bash -c 'cd "$1" && exec "$2" s.txt' run "$WORK" "$HEAPVIZ"
wait_for_heapviz
run_command "export s.txt"
wait_for "the script loaded"
send_keys C-d
[ "$(pane_exit_status)" = 0 ] || fail "the screen did not quit cleanly"
cmp -s s.txt s.orig || fail "a typed export overwrote the loaded lesson"
pass "no output may be an input"

# The .cast rule: --force writes another name; "-" is a stream, not checked.
"$HEAPVIZ" --force --render "$LOGS/forced.out" x.hv 2>"$LOGS/err" || fail "--force --render: $(cat "$LOGS/err")"
head -1 "$LOGS/forced.out" | grep -q '"version": 2' || fail "--force --render did not write a cast"
"$HEAPVIZ" --render - x.hv >"$LOGS/dash.out" 2>"$LOGS/err" || fail "--render - was refused: $(cat "$LOGS/err")"
rm -f ./-
pass "--record/--render names end in .cast unless --force"

# Protected targets of a user-given --snapshot: read-only and hard-linked refused, a private mode kept.
"$HEAPVIZ" --batch --snapshot priv.svg x.hv >/dev/null 2>"$LOGS/err" || fail "--snapshot: $(cat "$LOGS/err")"
chmod 600 priv.svg
"$HEAPVIZ" --batch --snapshot priv.svg s.hv >/dev/null 2>"$LOGS/err" || fail "--snapshot over a 0600 file: $(cat "$LOGS/err")"
[ "$(stat -c %a priv.svg)" = 600 ] || fail "a 0600 snapshot became $(stat -c %a priv.svg)"
cp priv.svg ro.svg && chmod 444 ro.svg && cp ro.svg ro.orig
"$HEAPVIZ" --batch --snapshot ro.svg x.hv >/dev/null 2>"$LOGS/err"
[ $? = 1 ] || fail "--snapshot over a 0444 file should exit 1"
grep -q 'ro.svg: the file is read-only' "$LOGS/err" || fail "unclear read-only message: $(cat "$LOGS/err")"
cmp -s ro.svg ro.orig && [ "$(stat -c %a ro.svg)" = 444 ] || fail "the 0444 file was replaced"
ln priv.svg twin.svg
"$HEAPVIZ" --batch --snapshot twin.svg x.hv >/dev/null 2>"$LOGS/err"
[ $? = 1 ] || fail "--snapshot over a hard-linked file should exit 1"
grep -q 'twin.svg: the file has 2 hard links' "$LOGS/err" || fail "unclear hard-link message: $(cat "$LOGS/err")"
[ "$(stat -c %h priv.svg)" = 2 ] || fail "the hard link was broken"
ln -s "$FAKE_HOME/.bashrc.txt" snap-link.txt
cp "$FAKE_HOME/.bashrc.txt" "$LOGS/bashrc.orig"
"$HEAPVIZ" --batch --snapshot snap-link.txt x.hv >/dev/null 2>"$LOGS/err"
[ $? = 1 ] || fail "--snapshot through a symlink should exit 1"
grep -q 'symbolic link' "$LOGS/err" || fail "unclear symlink message: $(cat "$LOGS/err")"
cmp -s "$FAKE_HOME/.bashrc.txt" "$LOGS/bashrc.orig" || fail "--snapshot wrote through a symlink"
ls -a | grep -q '\.tmp\.' && fail "a temporary file was left behind"
pass "snapshots keep modes and refuse read-only, hard-linked and symlinked targets"
