#!/bin/sh
# Installs the Debian packages named in $PACKAGES that are missing (and npm when
# $NEED_NPM is set): apt-get directly as root, through sudo otherwise.
set -u
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "${NEED_NPM:-}" ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0
echo "heapviz: installing missing packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "heapviz: no apt-get on this system; install these by hand:$missing" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "heapviz: installing needs root or sudo; as root run: apt-get install$missing" >&2
	exit 1
fi
$sudo apt-get update -qq || exit 1
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
