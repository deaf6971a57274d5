#!/usr/bin/env bash
# locale.sh - under a locale with a decimal comma, JSON, asciicast and SVG keep their decimal points.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL locale: $*" >&2; exit 1; }
command -v localedef >/dev/null || fail "localedef is missing (make test installs locales)"
mkdir -p "$work/loc"
localedef -i de_DE -f UTF-8 "$work/loc/de_DE.UTF-8" 2>/dev/null || fail "cannot build the de_DE.UTF-8 locale"
# Every program below runs in the comma locale; env keeps bash itself out of it.
in_locale() { env LOCPATH="$work/loc" LC_ALL=de_DE.UTF-8 "$@"; }
# The locale really uses a comma: C's own localeconv says so.
in_locale python3 -c 'import locale; locale.setlocale(locale.LC_ALL, ""); assert locale.localeconv()["decimal_point"] == ","' ||
	fail "the test locale does not use a decimal comma"

printf 'alloc 10\nalloc 20 as b\nfree p1\n' >"$work/s.hv"
in_locale "$HEAPVIZ" --batch --json "$work/s.hv" >"$work/state.json" || fail "batch --json failed"
python3 -m json.tool "$work/state.json" >/dev/null || fail "--json is not valid JSON under a comma locale: $(head -c 300 "$work/state.json")"
in_locale "$HEAPVIZ" --batch --trace-json "$work/t.jsonl" --snapshot "$work/s.svg" "$work/s.hv" >/dev/null || fail "batch --trace-json failed"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/t.jsonl" || fail "--trace-json is not valid JSON Lines"
grep -q 'viewBox="0 0 [0-9.]* [0-9]*"' "$work/s.svg" || fail "the SVG viewBox has commas: $(grep -o 'viewBox="[^"]*"' "$work/s.svg")"
grep -q ' x="[0-9]*,[0-9]' "$work/s.svg" && fail "SVG coordinates use a decimal comma"
in_locale "$HEAPVIZ" --render "$work/r.cast" --step-ms 250 "$work/s.hv" || fail "--render failed"
python3 - "$work/r.cast" <<'PY' || fail "the asciicast is not valid under a comma locale"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
json.loads(lines[0])
times = [json.loads(l)[0] for l in lines[1:]]
assert times == sorted(times) and times[1] == 0.25, times[:3]
PY
echo "ok locale"
