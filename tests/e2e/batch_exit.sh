#!/usr/bin/env bash
# batch_exit.sh - exit statuses (0 ok, 1 file not read or written, 2 usage or rejected command), --help, --version.
set -u
cd "$(dirname "$0")/../.." || exit 2
: "${HEAPVIZ:?set HEAPVIZ to the heapviz binary}"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect STATUS STDERR_PATTERN LABEL -- COMMAND...: run COMMAND (stdin from /dev/null unless redirected by the caller).
expect() {
	local want=$1 pattern=$2 label=$3 status
	shift 4
	"$@" >"$work/out" 2>"$work/err" </dev/null; status=$?
	if [ "$status" != "$want" ]; then
		fail "$label: exit status $status, expected $want (stderr: $(head -3 "$work/err"))"
		return
	fi
	if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$work/err"; then
		fail "$label: stderr does not match /$pattern/: $(head -3 "$work/err")"
	fi
}

run_case() {
	local bin=$1 tag=$2

	expect 0 "" "$tag ok" -- "$bin" --batch tests/data/batch_basic.hv
	expect 0 "" "$tag empty script from stdin" -- "$bin" --batch

	# 1: files that cannot be read or written.
	expect 1 "nonexistent" "$tag unreadable script" -- "$bin" --batch "$work/nonexistent.hv"
	expect 1 "" "$tag directory as script" -- "$bin" --batch "$work"
	expect 1 "no-such-dir" "$tag unwritable trace path" -- \
		"$bin" --batch --trace-json "$work/no-such-dir/trace.jsonl" tests/data/batch_basic.hv
	if [ -w /dev/full ]; then
		expect 1 "" "$tag trace to a full disk" -- "$bin" --batch --trace-json /dev/full tests/data/batch_basic.hv
		"$bin" --batch tests/data/batch_basic.hv >/dev/full 2>"$work/err"
		[ $? = 1 ] || fail "$tag report to a full disk: exit status is not 1"
	fi
	if [ "$(id -u)" != 0 ]; then
		printf 'alloc 1\n' >"$work/secret.hv"
		chmod 000 "$work/secret.hv"
		expect 1 "" "$tag unreadable permissions" -- "$bin" --batch "$work/secret.hv"
	fi

	# 2: bad usage.
	expect 2 "--json" "$tag --json without --batch" -- "$bin" --json tests/data/batch_basic.hv
	expect 2 "--trace-json" "$tag --trace-json without --batch" -- "$bin" --trace-json - tests/data/batch_basic.hv
	expect 2 "--keep-going" "$tag --keep-going without --batch" -- "$bin" --keep-going tests/data/batch_basic.hv
	expect 2 "policy" "$tag unknown policy" -- "$bin" --batch --policy nosuch tests/data/batch_basic.hv
	expect 2 "policy" "$tag unknown policy (short)" -- "$bin" --batch -p fastest tests/data/batch_basic.hv
	# One parser for policy names: --policy takes what `policy NAME` takes (a unique prefix).
	expect 2 "ambiguous policy 'b': could be best, buddy" "$tag ambiguous policy prefix" -- \
		"$bin" --batch -p b tests/data/batch_basic.hv
	expect 0 "" "$tag policy prefix" -- "$bin" --batch --policy WOR tests/data/batch_basic.hv
	grep -q "worst fit" "$work/out" || fail "$tag --policy WOR: the report does not say worst fit: $(head -2 "$work/out")"
	expect 2 "alignment" "$tag bad alignment" -- "$bin" --batch --align 3 tests/data/batch_basic.hv
	expect 2 "size" "$tag bad heap size" -- "$bin" --batch -s lots tests/data/batch_basic.hv
	expect 2 "" "$tag heap too small" -- "$bin" --batch -s 32 tests/data/batch_basic.hv
	expect 2 "1 GiB" "$tag heap too large" -- "$bin" --batch -s 2G tests/data/batch_basic.hv
	expect 2 "power" "$tag buddy heap not a power of two" -- "$bin" --batch -p buddy -s 1000 tests/data/batch_basic.hv
	expect 2 "" "$tag two files" -- "$bin" --batch tests/data/batch_basic.hv tests/data/batch_buddy.hv
	expect 2 "bogus" "$tag unknown long option" -- "$bin" --batch --bogus tests/data/batch_basic.hv
	expect 2 "unknown option '-x'" "$tag unknown short option" -- "$bin" --batch -x tests/data/batch_basic.hv
	expect 2 "unknown option '-x'" "$tag unknown short option in a group" -- "$bin" --batch -xV tests/data/batch_basic.hv
	expect 2 "'--json=1'" "$tag argument to a flag" -- "$bin" --batch --json=1 tests/data/batch_basic.hv
	expect 2 "needs an argument" "$tag missing option argument" -- "$bin" --batch --policy
	# 2: a rejected command, with its position.
	expect 2 "^tests/data/batch_reject\.hv:2:6: no block is named 'nosuch'$" "$tag rejected command" -- \
		"$bin" --batch tests/data/batch_reject.hv
	expect 2 "^tests/data/batch_reject\.hv:5:6: double free" "$tag rejected command, keep going" -- \
		"$bin" --batch --keep-going tests/data/batch_reject.hv
	expect 2 "^tests/data/batch_reject\.hv:2:6: " "$tag rejected command with --json" -- \
		"$bin" --batch --json tests/data/batch_reject.hv
	# The state it stopped at is still printed, with the error (issue 8): step 1, the rejection at 2:6.
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["step"] == 1 and d["error"] == {"line": 2, "column": 6, "message": "no block is named '"'nosuch'"'"}, d' \
		"$work/out" 2>/dev/null || fail "$tag rejected command with --json: no state with the error: $(head -c 300 "$work/out")"
	expect 2 "" "$tag rejected command with a trace" -- \
		"$bin" --batch --trace-json "$work/t.jsonl" tests/data/batch_reject.hv
	[ "$(wc -l <"$work/t.jsonl")" = 3 ] || fail "$tag rejected command with a trace: expected 3 records (step 0, step 1, the rejection)"
	# Bidi overrides and other invisible format characters in user text are shown escaped.
	printf 'note a\xe2\x80\xaeb\n' >"$work/bidi.hv"
	expect 0 "" "$tag bidi note" -- "$bin" --batch "$work/bidi.hv"
	grep -qF 'a\u202eb' "$work/out" || fail "$tag bidi note: not shown escaped"
	grep -q $'\xe2\x80\xae' "$work/out" && fail "$tag bidi note: the raw override reached the output"
	# A line that does not even parse: without --keep-going nothing runs; with it, it is reported in place.
	printf 'alloc 10\nbogus 1\nalloc 20 as x\nfree "\nwrite x "ok"\n' >"$work/syntax.hv"
	expect 2 "^$work/syntax\.hv:2:1: unknown command 'bogus'$" "$tag syntax error" -- "$bin" --batch "$work/syntax.hv"
	[ -s "$work/out" ] && fail "$tag syntax error: ran commands although the script does not parse"
	expect 2 "^$work/syntax\.hv:4:6: " "$tag syntax errors, keep going" -- "$bin" --batch --keep-going "$work/syntax.hv"
	grep -q "^$work/syntax\.hv:2:1: unknown command 'bogus'$" "$work/err" || fail "$tag keep going: line 2 not reported"
	grep -q '^step 3: write x "ok"' "$work/out" || fail "$tag keep going: did not run the lines after the errors"

	# Help and version: exit 0 on stdout, the documented interface verbatim.
	expect 0 "" "$tag --help" -- "$bin" --help
	for line in \
		'  -p, --policy NAME      first|next|best|worst|buddy|seglist|tlsf (default first)' \
		'      --align N          4|8|16 (default 8)' \
		'      --json             with --batch: print the final state as one JSON object instead' \
		'      --keep-going       with --batch: report rejected commands and continue'; do
		grep -qxF -- "$line" "$work/out" || fail "$tag --help lacks the line: $line"
	done
	for word in 'usage: heapviz [OPTIONS] [FILE]' '--heap-size SIZE' '--batch' '--trace-json FILE' '-h, --help' \
		'-V, --version' 'Exit status: 0 success; 1 a file could not be read or written;'; do
		grep -qF -- "$word" "$work/out" || fail "$tag --help lacks: $word"
	done
	expect 0 "" "$tag -h" -- "$bin" -h
	grep -qF 'usage: heapviz' "$work/out" || fail "$tag -h prints no usage"
	expect 0 "" "$tag --version" -- "$bin" --version
	grep -Eqx 'heapviz [0-9]+\.[0-9]+\.[0-9]+' "$work/out" || fail "$tag --version prints '$(cat "$work/out")'"
	expect 0 "" "$tag -V" -- "$bin" -V
	grep -Eqx 'heapviz [0-9]+\.[0-9]+\.[0-9]+' "$work/out" || fail "$tag -V prints '$(cat "$work/out")'"
}

run_case "$HEAPVIZ" "heapviz"
if [ -n "${HEAPVIZ_SAN:-}" ] && [ -x "$HEAPVIZ_SAN" ]; then
	run_case "$HEAPVIZ_SAN" "sanitizer build"
fi

if [ $failures -gt 0 ]; then
	echo "batch_exit: $failures failure(s)"
	exit 1
fi
echo "batch_exit: ok"
