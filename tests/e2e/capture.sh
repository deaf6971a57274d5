#!/usr/bin/env bash
# capture.sh - heapviz --capture: a program whose calls are known, system programs (same output with and
# without capture, a trace that replays with the checker clean), a killed program, exec, failures.
source "$(dirname "$0")/batch_lib.sh"
build=${HEAPVIZ_BUILD:-build}
calls=$PWD/$build/tests/capture_calls
[ -x "$calls" ] || { echo "FAIL: $calls missing (make capture-tests)"; exit 1; }
cd "$work" || exit 2

# between FILE: the .rep lines from the first marker allocation (1000001) to the second (1000002).
between() { awk '/^a [0-9]+ 1000001$/ { on = 1 } on { print } /^a [0-9]+ 1000002$/ { exit }' "$1"; }

# replay_checked LABEL TRACE POLICY: the trace as a heapviz script with a check every 200 lines and at
# the end; every check must say the heap is consistent and the batch must end with status 0.
replay_checked() {
	awk 'NR > 4 && $1 == "a" && $3 > 0 { print "alloc " $3 " as id" $2 }
	     NR > 4 && $1 == "a" && $3 == 0 { print "alloc 1 as id" $2 }
	     NR > 4 && $1 == "r" { print "realloc id" $2 " " ($3 > 0 ? $3 : 1) }
	     NR > 4 && $1 == "f" { print "free id" $2 }
	     NR > 4 && NR % 200 == 0 { print "check" }
	     END { print "check" }' "$2" >"$2.hv"
	"$HEAPVIZ" --batch -s 1G -p "$3" "$2.hv" >"$2.out" 2>"$2.err" || { fail "$1 ($3): batch failed: $(tail -2 "$2.err")"; return; }
	local checks bad
	checks=$(grep -c 'the heap is consistent' "$2.out")
	bad=$(grep -c '^check -> ' "$2.out")
	[ "$checks" -ge 1 ] && [ "$checks" = "$bad" ] || fail "$1 ($3): $checks consistent checks of $bad"
	# The .rep itself reads as a trace: as many steps as operations (heapviz's own .rep reader).
	"$HEAPVIZ" --batch -s 1G -p "$3" "$2" >"$2.rep.out" 2>"$2.err" || fail "$1 ($3): the .rep does not replay: $(head -2 "$2.err")"
	local ops steps
	ops=$(sed -n 3p "$2")
	steps=$(grep -c '^step [0-9]*: ' "$2.rep.out")
	[ "$ops" = "$steps" ] || fail "$1 ($3): $steps steps for the header's $ops operations"
}

# --- the known program ---------------------------------------------------------
"$HEAPVIZ" --capture calls.rep -- "$calls" calls >out 2>err; status=$?
check_status "capture_calls" 0 $status
[ -s calls.rep ] || fail "capture_calls: no trace"
# The threads' pairs (3000+, 4000+) and the threads' own 288-byte blocks are counted below, not listed.
mine() { between calls.rep | awk '$1 == "a" && ($3 ~ /^[34][0-9][0-9][0-9]$/ || $3 == 288) { skip[$2] = 1; next }
	$1 == "f" && skip[$2] { next } { print }'; }
mine | sed -E 's/^(.) [0-9]+/\1 #/' >got
cat >want <<'TXT'
a # 1000001
f #
a # 10
a # 12
r # 100
a # 7
a # 30
a # 40
a # 64
a # 50
a # 20
a # 30
f #
f #
f #
f #
f #
f #
f #
f #
f #
a # 1000002
TXT
check_output "capture_calls: the calls in order" want got
# The ids: each call's own, freed in the order the program freed them (b, c by realloc(p, 0), a, d..k).
ids=$(mine | awk '{ print $2 }' | tr '\n' ' ')
read -r -a id <<<"$ids"
want_frees="${id[3]} ${id[5]} ${id[2]} ${id[6]} ${id[7]} ${id[8]} ${id[9]} ${id[10]} ${id[11]}"
got_frees="${id[12]} ${id[13]} ${id[14]} ${id[15]} ${id[16]} ${id[17]} ${id[18]} ${id[19]} ${id[20]}"
[ "$want_frees" = "$got_frees" ] || fail "capture_calls: frees of ids $got_frees, expected $want_frees"
[ "${id[2]}" = "${id[4]}" ] || fail "capture_calls: realloc kept id ${id[2]} as ${id[4]}"
# Two threads, 100 pairs each; the forked child's 5000+ sizes are not traced.
for base in 3 4; do
	n=$(between calls.rep | grep -c "^a [0-9]* ${base}[0-9][0-9][0-9]$")
	[ "$n" = 100 ] || fail "capture_calls: $n allocations from thread ${base}000, expected 100"
done
n=$(between calls.rep | awk '$1 == "f"' | wc -l)
[ "$n" -ge 210 ] || fail "capture_calls: $n frees between the markers, expected at least 210"
grep -q ' 5[0-9][0-9][0-9]$' calls.rep && fail "capture_calls: the forked child's allocations are in the trace"
grep -q 'free(NULL)' err || fail "capture_calls: no summary line: $(cat err)"
replay_checked capture_calls calls.rep first
replay_checked capture_calls calls.rep best

# --- killed by a signal: a readable trace up to then, 128+9, one line saying so ---
"$HEAPVIZ" --capture kill.rep -- "$calls" kill >out 2>err; status=$?
check_status "killed" 137 $status
grep -q 'killed by signal 9' err || fail "killed: no message: $(cat err)"
grep -q '^a [0-9]* 222$' kill.rep || fail "killed: the last allocation before the kill is missing"
"$HEAPVIZ" --batch -s 1G kill.rep >/dev/null 2>&1 || fail "killed: the trace does not replay"

# --- exec: the new image's calls follow; COMMAND's exit status is passed on ---
"$HEAPVIZ" --capture exec.rep -- "$calls" exec >out 2>err; status=$?
check_status "exec" 3 $status
grep -q '^a [0-9]* 333$' exec.rep && grep -q '^a [0-9]* 6000$' exec.rep || fail "exec: a side of the exec is missing"
grep -q '2 images' err || fail "exec: the summary does not count 2 images: $(cat err)"
replay_checked exec exec.rep first

# --- a program that never frees ---
"$HEAPVIZ" --capture leak.rep -- "$calls" leak >out 2>err; status=$?
check_status "leak" 0 $status
[ "$(cat out)" = leaked ] || fail "leak: the program's output changed"
n=$(grep -c '^a ' leak.rep)
[ "$n" -ge 1000 ] || fail "leak: $n allocations, expected 1000"
replay_checked leak leak.rep first

# --- a program that closes the capture's descriptor and reuses its number: its file is its own ---
"$HEAPVIZ" --capture closed.rep -- "$calls" closefds >out 2>err; status=$?
check_status "closefds" 0 $status
[ "$(cat own.txt 2>/dev/null)" = mine ] || fail "closefds: the program's own file was touched: $(head -c 100 own.txt | od -c | head -3)"
grep -q 'stops there' err || fail "closefds: no line saying the trace stops early: $(cat err)"
"$HEAPVIZ" --batch -s 1G closed.rep >/dev/null 2>&1 || fail "closefds: the trace (cut where the log could not grow) does not replay"

# --- system programs: identical output with and without capture, a clean replay ---
sys_program() {
	local label=$1; shift
	"$@" >plain.out 2>plain.err; local plain=$?
	"$HEAPVIZ" --capture "$label.rep" -- "$@" >cap.out 2>cap.err; local captured=$?
	[ $plain = $captured ] || fail "$label: exit status $captured under capture, $plain without"
	cmp -s plain.out cap.out || fail "$label: output differs under capture"
	grep -v '^heapviz: ' cap.err | cmp -s plain.err - || fail "$label: standard error differs under capture"
	replay_checked "$label" "$label.rep" first
}
sys_program ls ls -l /usr/bin
printf 'pear\napple\nfig\n%.0s' {1..300} >words
sys_program sort sort words
command -v python3 >/dev/null && sys_program python3 python3 -c 'import json; print(len(json.dumps(list(range(20000)))))'
sys_program sh sh -c 'ls / | sort -r'

# --- failures: one line each, nothing written ---
"$HEAPVIZ" --capture nothing.rep -- /nonexistent/program >out 2>err; status=$?
check_status "missing command" 127 $status
[ "$(wc -l <err)" = 1 ] || fail "missing command: not one line: $(cat err)"
[ -e nothing.rep ] && fail "missing command: a trace was written"
"$HEAPVIZ" --capture esc.rep -- $'/no/such\e[2Jprogram' 2>err; status=$?
check_status "an escape in COMMAND" 127 $status
grep -q $'\e' err && fail "an escape in COMMAND reached standard error raw"
grep -qF '\x1b' err || fail "an escape in COMMAND is not shown escaped: $(cat -v err)"
"$HEAPVIZ" --capture calls.rep -- true 2>err; status=$?
[ $status = 0 ] || fail "over an existing trace: exit status $status ($(cat err))"
ln -s /tmp/heapviz-capture-elsewhere link.rep
"$HEAPVIZ" --capture link.rep -- true 2>err; status=$?
check_status "a symbolic link as OUT" 2 $status
[ -e /tmp/heapviz-capture-elsewhere ] && fail "a symbolic link as OUT: written through the link"
"$HEAPVIZ" --capture x.rep true 2>err; status=$?
check_status "no --" 2 $status
"$HEAPVIZ" --capture - -- true 2>err; status=$?
check_status "--capture -" 2 $status
[ -e ./- ] && fail "--capture -: wrote a file named -"
"$HEAPVIZ" --capture nodir/x.rep -- true 2>err; status=$?
check_status "a missing folder" 2 $status
[ "$(wc -l <err)" = 1 ] || fail "a missing folder: not one line: $(cat err)"
"$HEAPVIZ" --batch --capture x.rep -- true 2>err; status=$?
check_status "--batch with --capture" 2 $status
[ -e x.rep ] && fail "a usage error wrote a trace"
# ^C reaches COMMAND, not heapviz: the trace of what it did is still written, status 128+2.
( "$HEAPVIZ" --capture int.rep -- "$calls" leak-then-sleep >out 2>err & pid=$!
  for _ in $(seq 50); do grep -q slept out 2>/dev/null && break; sleep 0.1; done
  # What a ^C does: SIGINT to heapviz and to COMMAND (the whole foreground group, here by hand).
  kill -INT $pid $(cat /proc/$pid/task/$pid/children 2>/dev/null)
  wait $pid; echo $? >int.status )
check_status "interrupted" 130 "$(cat int.status)"
grep -q '^a [0-9]* 444$' int.rep 2>/dev/null || fail "interrupted: no trace of what the program did: $(cat err)"
ls -a | grep -q 'capture-' && fail "a temporary log was left behind: $(ls -a)"
# A static binary cannot be preloaded: one line saying so, status 1, nothing written.
printf '#include <stdlib.h>\nint main(void) { free(malloc(5)); return 0; }\n' >static.c
if ${CC:-cc} -static -o static static.c 2>/dev/null; then
	"$HEAPVIZ" --capture static.rep -- ./static 2>err; status=$?
	check_status "static binary" 1 $status
	grep -q 'static binary' err && [ "$(wc -l <err)" = 1 ] || fail "static binary: not one line saying so: $(cat err)"
	[ -e static.rep ] && fail "static binary: a trace was written"
fi

[ $failures = 0 ] && echo "capture: all passed"
exit $((failures > 0))
