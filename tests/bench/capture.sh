#!/usr/bin/env bash
# capture.sh - make bench's capture rows: an allocation-heavy program alone and under heapviz --capture
# (the log and its conversion to .rep included), best of 3 each, in the same run; then the replay
# rate of the captured trace on a 1 GiB heap. Usage: tests/bench/capture.sh BUILD [CALLS]
set -u
cd "$(dirname "$0")/../.." || exit 2
build=${1:-build} calls=${2:-1000000}
churn=$build/tests/capture_churn heapviz=$build/heapviz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# best_ms COMMAND...: the fastest of 3 runs, in milliseconds.
best_ms() {
	local best= i start end ms
	for i in 1 2 3; do
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "bench capture: $* failed" >&2; exit 1; }
		end=$(date +%s%N)
		ms=$(((end - start) / 1000000))
		[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
	done
	echo "$best"
}

alone=$(best_ms "$churn" "$calls")
captured=$(best_ms "$heapviz" --capture "$work/churn.rep" -- "$churn" "$calls")
rm -f "$work/churn.rep"
"$heapviz" --capture "$work/churn.rep" -- "$churn" "$calls" >/dev/null 2>&1
ops=$(sed -n 3p "$work/churn.rep")
replay=$(best_ms "$heapviz" --batch -s 1G "$work/churn.rep")
awk -v a="$alone" -v c="$captured" -v n="$calls" -v ops="$ops" -v r="$replay" 'BEGIN {
	printf "capture   %d malloc/free pairs: %d ms alone, %d ms under --capture: %.2fx (target < 3x)\n", n, a, c, c / (a > 0 ? a : 1)
	printf "replay    the captured trace (%d ops) with --batch -s 1G: %d ms, %.0f ops/s\n", ops, r, ops / ((r > 0 ? r : 1) / 1000)
	printf "summary: capture_vs_alone %.3f\nsummary: capture_replay_ops_per_s %.0f\n", c / (a > 0 ? a : 1), ops / ((r > 0 ? r : 1) / 1000)
}'
