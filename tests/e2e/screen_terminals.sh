#!/usr/bin/env bash
# heapviz works under many TERMs (colours where the terminal has them, attributes where it has
# none), honours NO_COLOR and --no-color, draws only ASCII under LANG=C / LC_ALL=C or --ascii,
# and leaves with status 0 each time.
source "$(dirname "$0")/tmux_lib.sh"

# The SGR colour parameters the pane shows (38;5;N, 3x, 4x, 9x ...; not 39/49, the defaults tmux always adds).
colour_codes() {
	tm capture-pane -e -p -t "$TARGET" | grep -oE $'\e\\[[0-9;]*m' | tr -d $'\e[m' | tr ';' '\n' |
		awk '(($1 >= 30 && $1 <= 49) || ($1 >= 90 && $1 <= 107)) && $1 != 39 && $1 != 49'
}

sgr_attributes() {
	tm capture-pane -e -p -t "$TARGET" | grep -oE $'\e\\[[0-9;]*m' | tr -d $'\e[m' | tr ';' '\n' | sort -u
}

# Run a short session: one allocation shown, then quit with status 0.
exercise() {
	local what=$1
	run_command "alloc 100 as first"
	wait_for_regex "step 1 */ *1" "$what"
	grid_text | grep -q 'first' || fail "$what: the grid does not name the block"
}

quit_cleanly() {
	local what=$1
	run_command "quit"
	wait_until "heapviz to exit ($what)" pane_dead
	[ "$(pane_exit_status)" = 0 ] || fail "$what: exit status $(pane_exit_status)"
}

for term in xterm-256color xterm screen tmux-256color linux vt100; do
	infocmp "$term" >/dev/null 2>&1 || { echo "skip TERM=$term: no terminfo entry"; continue; }
	start_heapviz 80 24 TERM="$term"
	exercise "TERM=$term"
	colours=$(tput -T "$term" colors 2>/dev/null || echo -1)
	if [ "$colours" -ge 8 ]; then
		[ -n "$(colour_codes)" ] || fail "TERM=$term has $colours colours but none are used"
	else
		[ -z "$(colour_codes)" ] || fail "TERM=$term has no colours but colour codes were sent"
		sgr_attributes | grep -qx 7 || fail "TERM=$term: no reverse video to stand in for colour"
	fi
	if [ "$colours" -lt 256 ]; then
		colour_codes | grep -qx '38\|48' && fail "TERM=$term has $colours colours but 256-colour codes were sent"
	fi
	quit_cleanly "TERM=$term"
done

# NO_COLOR (any non-empty value) and --no-color: attributes only.
start_heapviz 80 24 NO_COLOR=1
exercise "NO_COLOR=1"
[ -z "$(colour_codes)" ] || fail "NO_COLOR=1 but colour codes were sent: $(colour_codes | tr '\n' ' ')"
sgr_attributes | grep -qx 7 || fail "NO_COLOR=1: no reverse video for the title"
quit_cleanly "NO_COLOR=1"

start_heapviz 80 24 -- --no-color
exercise "--no-color"
[ -z "$(colour_codes)" ] || fail "--no-color but colour codes were sent"
quit_cleanly "--no-color"

# A non-UTF-8 locale, and --ascii: nothing but ASCII on screen, the states still told apart.
ascii_only() {
	! screen_text | LC_ALL=C grep -q '[^ -~]'
}
for setting in "LANG=C" "LC_ALL=C" "--ascii"; do
	if [ "$setting" = "--ascii" ]; then
		start_heapviz 80 24 -- --ascii
	else
		start_heapviz 80 24 "$setting"
	fi
	exercise "$setting"
	run_command "alloc 40"
	run_command "free first"
	wait_for_regex "step 3 */ *3"
	ascii_only || fail "$setting: non-ASCII characters on screen: $(screen_text | LC_ALL=C grep -o '[^ -~]' | head -n 3 | tr -d '\n' | od -c | head -n 2)"
	# Free, used and wilderness cells use different glyphs.
	kinds=$(grid_text | grep -o . | grep -v '[0-9a-z ]' | sort -u | wc -l)
	[ "$kinds" -ge 3 ] || fail "$setting: only $kinds kinds of grid glyph"
	quit_cleanly "$setting"
done

pass
