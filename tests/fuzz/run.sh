#!/usr/bin/env bash
# run.sh - runs one libFuzzer target with its dictionary, input size limit and corpora; a finding fails, naming its file.
# Usage: tests/fuzz/run.sh DIR TARGET [LIBFUZZER_OPTION...], e.g. -max_total_time=60 or -runs=10000000.
# DIR holds the binary fuzz_TARGET; new inputs go to DIR/corpus/TARGET, findings
# to DIR/crashes/TARGET-*, libFuzzer's output to DIR/fuzz_TARGET.log.
set -u
cd "$(dirname "$0")/../.." || exit 2
dir=$1 target=$2
shift 2
# The longest input a target is given: the session harnesses run only their
# first few dozen commands, so longer inputs would only slow them down.
case $target in
	session | output) max_len=256 ;;
	cast) max_len=1024 ;;
	*) max_len=4096 ;;
esac
mkdir -p "$dir/corpus/$target" "$dir/crashes"
log=$dir/fuzz_$target.log
# -timeout: an input that runs 10 s is a finding (a hang), not a wait. A
# smaller ASan quarantine than the 256 MB default: the harnesses free
# everything within one input, and fresh pages for every allocation cost more
# time than the fuzzing itself.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
"$dir/fuzz_$target" -max_len=$max_len -timeout=10 -print_final_stats=1 -dict="tests/fuzz/$target.dict" \
	-artifact_prefix="$dir/crashes/$target-" "$@" "$dir/corpus/$target" "tests/fuzz/corpus/$target" >"$log" 2>&1
status=$?
grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log"
if [ $status -ne 0 ]; then
	tail -n 40 "$log"
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "fuzz_$target: FINDING in ${artifact:-$log} (replay: build/tests/replay_$target FILE;" \
		"keep it as tests/fuzz/findings/$target/NAME with a unit test)"
	exit 1
fi
