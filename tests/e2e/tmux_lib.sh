# tmux_lib.sh - end-to-end test helpers: heapviz in a private tmux server, keys in, screen text out.
# Source it from a tests/e2e/screen_*.sh script; $HEAPVIZ names the binary under test.
# Every wait polls the screen (never a fixed sleep) and a failure prints what was on it.

set -u

if [ -z "${HEAPVIZ:-}" ]; then
	HEAPVIZ="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/heapviz"
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "FAIL $(basename "$0"): tmux is not installed (make test installs it)" >&2
	exit 1
fi
if [ ! -x "$HEAPVIZ" ]; then
	echo "FAIL $(basename "$0"): no heapviz binary at $HEAPVIZ" >&2
	exit 1
fi

# The scripts' own text handling (grep -o of grid glyphs) needs a UTF-8 locale.
export LC_ALL=C.UTF-8
TEST_NAME=$(basename "$0" .sh)
TMUX_BASE="heapviz-test-$$"
TMUX_SOCKET="$TMUX_BASE"
TMUX_STARTS=0                       # each start gets a fresh server: no race with the last one's exit
TARGET="heapviz:0.0"
WAIT_TIMEOUT=${E2E_TIMEOUT:-10}     # seconds any one wait may take
E2E_LANG=${E2E_LANG:-C.UTF-8}       # a UTF-8 locale that every glibc has
SHELL_PROMPT='e2e-prompt$ '
SHELL_TAG='e2e-prompt[$]'           # a regex for the prompt (capture-pane drops trailing spaces)

# The private server: never the user's tmux, no user config.
tm() {
	tmux -L "$TMUX_SOCKET" -f /dev/null "$@"
}

# Kill the server and wait for it to be gone, so the next start does not race its shutdown.
# Scratch space for exit statuses; removed on exit with the server.
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/heapviz-e2e.XXXXXX")
STATUS_FILE="$E2E_DIR/status-0"

stop_tmux() {
	local socket tries=0
	socket="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET"
	tm kill-server >/dev/null 2>&1 || return 0
	while [ -S "$socket" ] && tm list-sessions >/dev/null 2>&1 && [ $tries -lt 100 ]; do
		sleep 0.02
		tries=$((tries + 1))
	done
	rm -f "$socket"
}
trap 'stop_tmux; rm -rf "$E2E_DIR"' EXIT

# The pane as text (what a person would read), one line per row.
screen_text() {
	tm capture-pane -p -t "$TARGET" 2>/dev/null
}

# Print the screen framed, for failure messages.
show_screen() {
	local size
	size=$(tm display-message -p -t "$TARGET" '#{pane_width}x#{pane_height}' 2>/dev/null)
	echo "--- screen ($size) ---"
	screen_text | sed 's/^/|/'
	echo "--- end of screen ---"
}

fail() {
	echo "FAIL $TEST_NAME: $*" >&2
	show_screen >&2
	exit 1
}

pass() {
	echo "ok $TEST_NAME${1:+: $1}"
}

# start_in_tmux COLS ROWS ENV... -- COMMAND...: a fresh server with one pane running COMMAND.
# The pane stays after its program exits, so a crash is seen rather than a vanished pane.
start_in_tmux() {
	local cols=$1 rows=$2
	shift 2
	local env=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		env+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	stop_tmux
	TMUX_STARTS=$((TMUX_STARTS + 1))
	TMUX_SOCKET="$TMUX_BASE-$TMUX_STARTS"
	STATUS_FILE="$E2E_DIR/status-$TMUX_STARTS"
	# The program's exit status is written by a small sh around it: tmux sometimes sees the pty
	# close without reaping the child, so #{pane_dead_status} cannot be relied on.
	# remain-on-exit is set before the pane exists: a program that dies at once still leaves its pane.
	tm start-server \; set-option -g remain-on-exit on \; \
		new-session -d -s heapviz -x "$cols" -y "$rows" \
		env -u TMUX TERM=xterm-256color LANG="$E2E_LANG" LC_ALL= "${env[@]}" \
		E2E_STATUS_FILE="$STATUS_FILE" sh -c '"$@"; echo $? >"$E2E_STATUS_FILE"' e2e-run "$@" ||
		fail "cannot start tmux"
}

# start_heapviz [COLS ROWS] [ENV=VALUE...] [-- ARGS...]: heapviz straight in a pane, ready for input.
start_heapviz() {
	local cols=80 rows=24
	if [ $# -ge 2 ] && [[ $1 =~ ^[0-9]+$ ]] && [[ $2 =~ ^[0-9]+$ ]]; then
		cols=$1 rows=$2
		shift 2
	fi
	local env=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		env+=("$1")
		shift
	done
	[ "${1:-}" = "--" ] && shift
	start_in_tmux "$cols" "$rows" "${env[@]}" -- "$HEAPVIZ" "$@"
	wait_for_heapviz
}

# start_shell [COLS ROWS] [ENV=VALUE...]: an interactive bash with a known prompt, to run heapviz from.
start_shell() {
	local cols=80 rows=24
	if [ $# -ge 2 ] && [[ $1 =~ ^[0-9]+$ ]] && [[ $2 =~ ^[0-9]+$ ]]; then
		cols=$1 rows=$2
		shift 2
	fi
	start_in_tmux "$cols" "$rows" "$@" PS1="$SHELL_PROMPT" -- bash --norc --noprofile -i
	wait_for_regex "^$SHELL_TAG" "the shell prompt"
}

# The screen is up once the title bar says heapviz and the step counter shows.
wait_for_heapviz() {
	wait_for_regex 'heapviz' "heapviz's title"
	wait_for_regex 'step [0-9]+ */ *[0-9]+' "the step counter"
}

# send_keys KEY...: tmux key names (Enter, Escape, C-z, Up, F1, ...).
send_keys() {
	tm send-keys -t "$TARGET" "$@"
}

# type_text TEXT: literal characters, as typed.
type_text() {
	tm send-keys -t "$TARGET" -l -- "$1"
}

# run_command TEXT: type a line into the command bar and press Enter.
run_command() {
	type_text "$1"
	send_keys Enter
}

# wait_until DESCRIPTION COMMAND...: poll until COMMAND succeeds, or fail after the timeout.
wait_until() {
	local what=$1
	shift
	local deadline=$((SECONDS + WAIT_TIMEOUT))
	while ! "$@"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			fail "timed out after ${WAIT_TIMEOUT}s waiting for $what"
		fi
		sleep 0.05
	done
}

screen_has() { screen_text | grep -qF -- "$1"; }
screen_matches() { screen_text | grep -qE -- "$1"; }
screen_lacks() { ! screen_text | grep -qF -- "$1"; }

wait_for() { wait_until "'$1' on screen${2:+ ($2)}" screen_has "$1"; }
wait_for_regex() { wait_until "/$1/ on screen${2:+ ($2)}" screen_matches "$1"; }
wait_gone() { wait_until "'$1' to leave the screen${2:+ ($2)}" screen_lacks "$1"; }

assert_has() { screen_has "$1" || fail "expected '$1' on screen${2:+ ($2)}"; }
assert_matches() { screen_matches "$1" || fail "expected /$1/ on screen${2:+ ($2)}"; }
assert_lacks() { screen_lacks "$1" || fail "did not expect '$1' on screen${2:+ ($2)}"; }

# The text of row N (0-based).
screen_row() {
	screen_text | sed -n "$(($1 + 1))p"
}

# The first row (0-based) holding TEXT, or nothing.
row_of() {
	screen_text | grep -nF -- "$1" | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'
}

# Column (0-based, in characters) of TEXT within row N.
column_of() {
	local line
	line=$(screen_row "$1")
	local before=${line%%"$2"*}
	[ "$before" = "$line" ] && return 1
	echo "${#before}"
}

# The terminal cursor as "ROW COLUMN".
cursor_position() {
	tm display-message -p -t "$TARGET" '#{cursor_y} #{cursor_x}'
}

resize_to() {
	tm resize-window -t heapviz -x "$1" -y "$2" >/dev/null ||
		fail "cannot resize to $1x$2"
	wait_until "the pane to be $1x$2" pane_size_is "$1" "$2"
}

pane_size_is() {
	[ "$(tm display-message -p -t "$TARGET" '#{pane_width}x#{pane_height}')" = "$1x$2" ]
}

# True once the program in the pane has exited.
pane_dead() {
	[ -s "$STATUS_FILE" ]
}

# The exit status of the pane's program (128 + N when signal N ended it).
pane_exit_status() {
	wait_until "an exit status" pane_dead
	cat "$STATUS_FILE"
}

# Fail when heapviz has died (a crash), showing how.
assert_alive() {
	if pane_dead; then
		fail "heapviz exited (status $(pane_exit_status))${1:+ $1}"
	fi
}

# What the core says after COMMANDS (one per line): `heapviz --batch` output, for expected numbers.
batch_report() {
	printf '%s\n' "$@" | "$HEAPVIZ" --batch
}

# One statistic from the batch report ("used blocks", "free bytes", ...).
batch_stat() {
	local name=$1
	shift
	batch_report "$@" | sed -n "s/^  $name  *\([0-9][0-9.]*\).*/\1/p" | head -n 1
}

# The heap grid as drawn: the rows labelled with an address, labels and everything right of the
# grid's frame removed (one line per grid row).
grid_text() {
	screen_text | grep -E '^ ?0x[0-9a-f]+ ' | sed -E 's/^ ?0x[0-9a-f]+ //; s/ *[│|].*$//'
}

# How many grid cells show one of the characters in SET (a bracket expression body, e.g. '▒░').
grid_count() {
	grid_text | grep -o "[$1]" | wc -l | tr -d ' '
}

# The number the panel shows after LABEL ("used blocks", "free bytes", ...), first match.
panel_number() {
	screen_text | grep -oE -- "$1 +[0-9]+" | head -n 1 | grep -oE '[0-9]+$'
}

# assert_panel LABEL EXPECTED: the panel's number after LABEL is EXPECTED.
assert_panel() {
	local got
	got=$(panel_number "$1")
	[ "$got" = "$2" ] || fail "panel '$1' shows '${got:-nothing}', expected $2"
}

# Total bytes of blocks in STATE (used, free, wilderness) after COMMANDS, from `--batch --json`.
batch_block_bytes() {
	local state=$1
	shift
	printf '%s\n' "$@" | "$HEAPVIZ" --batch --json |
		grep -oE "\"size\": [0-9]+, \"state\": \"$state\"" | grep -oE '[0-9]+' |
		awk '{ total += $1 } END { print total + 0 }'
}

screen_is() { [ "$(screen_text)" = "$1" ]; }

# child_pids PID [NAME]: PID's children (only those whose command name is NAME), lowest pid first.
# Read from /proc rather than with pgrep, so the tests need no procps (not on a minimal Debian).
child_pids() {
	local stat line fields
	for stat in /proc/[0-9]*/stat; do
		IFS= read -r line 2>/dev/null <"$stat" || continue
		# "PID (COMMAND) STATE PPID ...": COMMAND may hold spaces and parentheses, so cut at the last ')'.
		read -r -a fields <<<"${line##*) }"
		[ "${fields[1]}" = "$1" ] || continue
		if [ -n "${2:-}" ]; then
			line=${line#*(}
			[ "${line%) *}" = "$2" ] || continue
		fi
		echo "${stat//[^0-9]/}"
	done | sort -n
}

# descendant_named PID NAME: the first process named NAME below PID, searched breadth first.
descendant_named() {
	local queue=("$1") pid child
	while [ ${#queue[@]} -gt 0 ]; do
		pid=${queue[0]}
		queue=("${queue[@]:1}")
		for child in $(child_pids "$pid"); do
			if [ "$(pid_command "$child")" = "$2" ]; then
				echo "$child"
				return 0
			fi
			queue+=("$child")
		done
	done
	return 1
}

# The command name of PID (what `ps -o comm=` prints), empty when there is no such process.
pid_command() {
	cat "/proc/$1/comm" 2>/dev/null
}

# The pid of the program in the pane (heapviz started by start_heapviz), a child of the pane's sh.
pane_child_pid() {
	local top
	top=$(tm display-message -p -t "$TARGET" '#{pane_pid}')
	[ -n "$top" ] && child_pids "$top" | head -n 1
}

# The pid of the program the pane's shell is running (heapviz started from start_shell's bash).
shell_child_pid() {
	local top shell
	top=$(tm display-message -p -t "$TARGET" '#{pane_pid}')
	shell=$(child_pids "$top" bash | head -n 1)
	[ -n "$shell" ] && child_pids "$shell" | head -n 1
}
