#!/usr/bin/env bash
# install.sh - make install puts the binary and the man page under DESTDIR/PREFIX; make uninstall removes both.
set -u
cd "$(dirname "$0")/../.." || exit 1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL install: $*" >&2; exit 1; }

run_make() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s "$@"; }

run_make install DESTDIR="$dest" PREFIX=/opt/hv >/dev/null || fail "make install failed"
[ -x "$dest/opt/hv/bin/heapviz" ] || fail "no binary at DESTDIR/PREFIX/bin/heapviz"
[ -f "$dest/opt/hv/share/man/man1/heapviz.1" ] || fail "no man page at DESTDIR/PREFIX/share/man/man1"
"$dest/opt/hv/bin/heapviz" --version | grep -q '^heapviz ' || fail "the installed binary does not run"
warnings=$(groff -man -Tutf8 -wall "$dest/opt/hv/share/man/man1/heapviz.1" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "the man page has groff warnings: $warnings"
groff -man -Tascii "$dest/opt/hv/share/man/man1/heapviz.1" 2>/dev/null | sed 's/.\x08//g' | grep -q -- '--trace-json' ||
	fail "the man page does not describe --trace-json"
# Every long option --help lists is in the man page too.
man_source=$(sed 's/\\-/-/g' assets/heapviz.1)
for option in $(./heapviz --help | grep -oE -- '--[a-z-]+' | sort -u); do
	grep -qF -- "$option" <<<"$man_source" || fail "the man page lacks $option"
done
[ -f "$dest/opt/hv/lib/heapviz/libheapviz-capture.so" ] || fail "no capture library at DESTDIR/PREFIX/lib/heapviz"
# The installed binary finds it there (beside its bin/, not in the source tree).
( cd "$dest" && env -u HEAPVIZ_CAPTURE_LIB "$dest/opt/hv/bin/heapviz" --capture installed.rep -- ls / >/dev/null 2>&1 ) &&
	grep -q '^a ' "$dest/installed.rep" || fail "the installed heapviz --capture does not find its library"
run_make uninstall DESTDIR="$dest" PREFIX=/opt/hv >/dev/null || fail "make uninstall failed"
[ ! -e "$dest/opt/hv/bin/heapviz" ] || fail "uninstall left the binary"
[ ! -e "$dest/opt/hv/share/man/man1/heapviz.1" ] || fail "uninstall left the man page"
[ ! -e "$dest/opt/hv/lib/heapviz/libheapviz-capture.so" ] || fail "uninstall left the capture library"
echo "ok install"
