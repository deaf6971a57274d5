#!/usr/bin/env bash
# `make bench BENCH_QUICK=1`: the benchmark builds, every part runs once on small
# inputs (its replays are checked against the core's checker and the session's
# heap against the core's: bench dies otherwise), and it prints every summary
# figure of issue 14 with a number. No time is asserted: figures are for `make bench`.
set -u
cd "$(dirname "$0")/../.." || exit 2
out=$(mktemp); trap 'rm -f "$out"' EXIT
if ! make --no-print-directory bench BENCH_QUICK=1 >"$out" 2>&1; then
	tail -30 "$out"; echo "FAIL: make bench BENCH_QUICK=1 failed"; exit 1
fi
fail=0
names="core_worst_ratio session_vs_core history_bytes_per_step first_slowdown_1e5_vs_10 best_slowdown_1e5_vs_10
goto_us_1e6_1k goto_us_1e6_16m goto_ratio_1e6_vs_1e3 undo_us frame_us_80x24 frame_us_250x80
bytes_per_step_vs_repaint cast_bytes_per_step_vs_repaint startup_ms peak_rss_kib load_ms_largest_trace
load_rss_mib_largest_trace capture_vs_alone capture_replay_ops_per_s"
# One core_NAME_vs_glibc and util_avg_NAME per allocator, from the binary's own list.
policies=$(./heapviz --help | sed -n 's/^ *-p, --policy NAME *\([a-z|]*\).*/\1/p' | tr '|' ' ')
[ -n "$policies" ] || { echo "FAIL: no policy names read from heapviz --help"; exit 1; }
for p in $policies; do names="$names core_${p}_vs_glibc util_avg_$p ${p}_slowdown_1e5_vs_10"; done
for n in $names; do
	if ! grep -Eq "^summary: $n -?[0-9]+(\.[0-9]+)?$" "$out"; then
		echo "FAIL: no 'summary: $n NUMBER' line"; fail=1
	fi
done
count=$(grep -c '^summary: ' "$out")
dups=$(grep '^summary: ' "$out" | awk '{print $2}' | sort | uniq -d)
[ -z "$dups" ] || { echo "FAIL: summary names printed twice: $dups"; fail=1; }
[ $fail -eq 0 ] && echo "ok: bench quick run, $count summary figures"
exit $fail
