#!/usr/bin/env bash
# layers.sh - the build enforces the layers: an upward #include does not compile.
# Usage: tests/layers.sh (from make check-layers; CC and MAKE from the environment).
#
# For every layer below the top, a real source file of that layer is compiled
# with its own flags (make layer-flags) three ways: as it is (must build: the
# control), and with a header of each higher layer included first (must fail,
# naming that header). Every public header must also compile on its own with
# its layer's flags: a header that reaches upward fails here even if no source
# happens to include it yet.
set -u
cd "$(dirname "$0")/.." || exit 2
CC=${CC:-cc}
MAKE=${MAKE:-make}
layers=(core model view out tui)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0

flags_of() { "$MAKE" -s --no-print-directory layer-flags LAYER="$1"; }
fail() { echo "layers: $*"; failures=$((failures + 1)); }

for ((i = 0; i < ${#layers[@]}; i++)); do
	layer=${layers[i]}
	read -r -a flags <<<"$(flags_of "$layer")"
	source=$(ls src/"$layer"/*.c | head -n 1)
	checks=$((checks + 1))
	if ! "$CC" "${flags[@]}" -fsyntax-only -Isrc/"$layer" "$source" 2>"$work/err"; then
		fail "$source does not build with its own layer's flags (the control):"; cat "$work/err"
		continue
	fi
	for header in include/"$layer"/*.h; do
		checks=$((checks + 1))
		printf '#include "%s"\n' "$(basename "$header")" >"$work/alone.c"
		"$CC" "${flags[@]}" -fsyntax-only "$work/alone.c" 2>"$work/err" ||
			{ fail "$header does not compile on its own with the $layer layer's include paths:"; cat "$work/err"; }
	done
	for ((j = i + 1; j < ${#layers[@]}; j++)); do
		above=${layers[j]}
		for header in include/"$above"/*.h; do
			name=$(basename "$header")
			checks=$((checks + 1))
			{ printf '#include "%s"\n' "$name"; cat "$source"; } >"$work/upward.c"
			if "$CC" "${flags[@]}" -fsyntax-only -Isrc/"$layer" "$work/upward.c" 2>"$work/err"; then
				fail "$source built with $above's $name included: the $layer layer can reach upward"
			elif ! grep -q "$name" "$work/err"; then
				fail "$source with $name included failed, but not for the missing header:"; cat "$work/err"
			fi
		done
	done
done
# The words module (README, "Words in one place") sits on top of the model:
# below it nothing words anything, so only the session's edge (session.c) may
# include words.h, and the words module reads the model through its public
# headers only (no header of src/model/ but its own).
for file in src/model/*.c src/model/*.h; do
	case $(basename "$file") in words*|session.c) continue ;; esac
	checks=$((checks + 1))
	grep -q '#include "words.h"' "$file" && fail "$file includes words.h: only the words module and session.c's edge may"
done
for file in src/model/words*.c src/model/words*.h; do
	checks=$((checks + 1))
	for private in src/model/*.h; do
		name=$(basename "$private")
		case $name in words*) continue ;; esac
		grep -q "#include \"$name\"" "$file" && fail "$file includes the model's private $name: words read public data only"
	done
done
# And the data side holds no sentences: no string literal of two words or more
# in the lanes, the session, its readers and its history (comments aside).
for file in src/model/lane.c src/model/session.c src/model/session_read.c src/model/history.c src/model/step_codec.c; do
	checks=$((checks + 1))
	words=$(sed -e 's|/\*.*\*/||g' -e 's|^[[:space:]]*/*\*.*||' "$file" |
		grep -nE '"[^"]*[A-Za-z]+ [A-Za-z]+[^"]*"' | grep -v '#include')
	[ -z "$words" ] || fail "$file holds English (the words module words the data):"$'\n'"$words"
done
if [ "$failures" -ne 0 ]; then
	echo "layers: $failures of $checks checks failed"
	exit 1
fi
echo "layers: $checks checks passed (each layer builds alone; every upward #include fails; words only at the model's edge)"
