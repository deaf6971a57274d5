# hostile_lib.sh - shared by the hostile_*.sh tests: hostile text, a checker for what reaches users, /proc helpers.
# Source it after batch_lib.sh or tmux_lib.sh (it uses their fail).

# The hostile pieces, as raw bytes: an OSC title change ending in BEL, an SGR colour, a raw C1 CSI
# byte (0x9b), C1 CSI as UTF-8 (U+009B), a right-to-left override (U+202E), invalid UTF-8, DEL.
HOSTILE_OSC=$'\e]0;PWNED\a'
HOSTILE_SGR=$'\e[31m'
HOSTILE_C1=$'\x9b'
HOSTILE_C1_UTF8=$'\xc2\x9b'
HOSTILE_RLO=$'\xe2\x80\xae'
HOSTILE_BAD=$'\xff\xfe'
HOSTILE_DEL=$'\x7f'
HOSTILE_ALL="$HOSTILE_OSC ${HOSTILE_SGR}red ${HOSTILE_C1}2J ${HOSTILE_C1_UTF8}2J ${HOSTILE_RLO}rtl $HOSTILE_BAD $HOSTILE_DEL"

# check_clean KIND FILE: print each way FILE could hurt a terminal or a parser, and fail (status 1)
# if there is one. KIND: text (batch output, .txt snapshots), json (one object), jsonl (JSON
# Lines), svg (well-formed XML), cast (asciicast v2). Everywhere: valid UTF-8, no C0 control but
# newline (and tab), no DEL, no C1 (raw or as UTF-8), no bidi override or isolate. A cast's events
# decode to the screen's own escape sequences only: every ESC starts a CSI (ESC [), never an OSC
# (ESC ]) such as a title change, and no BEL.
check_clean() {
	[ "$1" = text ] && { check_clean_text "$2"; return; }
	python3 - "$1" "$2" <<'PY'
import json, re, sys
kind, path = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
problems = []
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as error:
    problems.append("invalid UTF-8 at byte %d" % error.start)
    text = raw.decode("utf-8", "replace")
DANGEROUS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A cast's lines are JSON; the raw bytes are checked like any other output.
for match in DANGEROUS.finditer(text):
    problems.append("raw U+%04X at character %d: %r" % (ord(match.group()), match.start(),
                                                         text[max(0, match.start() - 20):match.start() + 20]))
    if len(problems) > 5:
        break
if kind == "json":
    try:
        json.loads(text)
    except ValueError as error:
        problems.append("not JSON: %s" % error)
elif kind == "jsonl":
    for number, line in enumerate(text.splitlines(), 1):
        try:
            json.loads(line)
        except ValueError as error:
            problems.append("line %d is not JSON: %s" % (number, error))
            break
elif kind == "cast":
    lines = text.splitlines()
    try:
        header = json.loads(lines[0])
        if header.get("version") != 2:
            problems.append("not asciicast v2: %r" % header)
        for key in ("title", "command"):
            value = header.get(key)
            if isinstance(value, str) and (DANGEROUS.search(value) or "\x1b" in value):
                problems.append("the header's %s decodes to a control character: %r" % (key, value))
        for number, line in enumerate(lines[1:], 2):
            event = json.loads(line)
            if event[1] != "o":
                continue
            data = event[2]
            bad = DANGEROUS.sub("", data.replace("\x1b[", "")) != data.replace("\x1b[", "")
            if bad or re.search("\x1b(?!\\[)", data):
                problems.append("event on line %d holds a control sequence that is not the screen's: %r"
                                % (number, data[:120]))
                break
    except (ValueError, IndexError, TypeError) as error:
        problems.append("not an asciicast: %s" % error)
for problem in problems:
    print("%s: %s" % (path, problem))
sys.exit(1 if problems else 0)
PY
}

# check_clean_text FILE: check_clean's rules for plain text, without starting python (many small files).
check_clean_text() {
	if ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
		echo "$1: invalid UTF-8"
		return 1
	fi
	# C0 but tab and newline, DEL, C1 as UTF-8 (raw C1 bytes are invalid UTF-8), LRM/RLM, bidi embeddings and isolates.
	if LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1" |
		head -3 | cat -v | sed "s|^|$1: raw control character on line |" | grep .; then
		return 1
	fi
	return 0
}

# measure LABEL OUT -- COMMAND...: run COMMAND with stdout to OUT; print its wall time and peak
# memory (getrusage of the child: /usr/bin/time is not among make test's packages, python3 is),
# and fail (status 1) when either is past its bound (MAX_SECONDS, default 180, MAX_MEGABYTES,
# default 2048: generous, to catch a pathology, not to time anything) or the command fails.
measure() {
	local label=$1 out=$2
	shift 3
	python3 - "$label" "$out" "${MAX_SECONDS:-180}" "${MAX_MEGABYTES:-2048}" "$@" <<'PY'
import resource, subprocess, sys, time
label, out, max_seconds, max_megabytes, command = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5:]
start = time.monotonic()
with open(out, "wb") as stdout:
    status = subprocess.run(command, stdout=stdout).returncode
seconds = time.monotonic() - start
megabytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("%s: %.1f s, %.0f MB peak (exit %d)" % (label, seconds, megabytes, status))
problems = []
if status != 0:
    problems.append("exit status %d" % status)
if seconds > max_seconds:
    problems.append("took %.0f s (bound %.0f s)" % (seconds, max_seconds))
if megabytes > max_megabytes:
    problems.append("used %.0f MB (bound %.0f MB)" % (megabytes, max_megabytes))
for problem in problems:
    print("FAIL: %s: %s" % (label, problem))
sys.exit(1 if problems else 0)
PY
}

