#!/usr/bin/env bash
# bare-machine.sh - README's two commands on a minimal Debian bookworm chroot, from a clean clone.
#
# Usage (as root; heavy, so `make test` never runs it):
#   tests/bare-machine.sh [--dir DIR] [--repo PATH_OR_URL] [--branch REF] [--fresh-base] [--keep]
#
# What a new user meets: `debootstrap --variant=minbase bookworm` plus exactly build-essential,
# git, pkg-config and ca-certificates; this machine's CA bundle, npm settings and apt sources
# copied in; /proc, /sys, a private /dev and /dev/pts mounted; a `git clone` of REF (default: the
# branch checked out where this script lives; committed work only); then, as root in the clone,
# `make run ARGS=--version`, `make run` itself under `script` (the screen comes up and `quit`
# leaves it) and `make test`. The debootstrapped base is kept in DIR/base.tar and downloaded .deb
# files in DIR/apt-archives, so a re-run starts from a pristine copy without downloading again.
# Logs go to DIR/logs/. Exit status 0 when every step passed.
set -u

dir=/work/chroot
repo=$(cd "$(dirname "$0")/.." && pwd)
branch=""
fresh_base=0
keep=0
mirror=http://deb.debian.org/debian
packages="build-essential git pkg-config ca-certificates"

usage() { sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
	--repo) [ $# -ge 2 ] || usage; repo=$2; shift 2 ;;
	--branch) [ $# -ge 2 ] || usage; branch=$2; shift 2 ;;
	--fresh-base) fresh_base=1; shift ;;
	--keep) keep=1; shift ;;
	*) usage ;;
	esac
done

say() { printf 'bare-machine: %s\n' "$*"; }
die() { printf 'bare-machine: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mounts): run it as root, e.g. sudo $0 $*"
command -v debootstrap >/dev/null 2>&1 || {
	say "installing debootstrap on this machine"
	{ apt-get install -y -qq debootstrap || { apt-get update -qq && apt-get install -y -qq debootstrap; }; } >/dev/null ||
		die "cannot install debootstrap"
}

mkdir -p "$dir/logs" "$dir/apt-archives/partial" || die "cannot create $dir"
dir=$(cd "$dir" && pwd)
exec 9>"$dir/lock"
flock -n 9 || die "another bare-machine run is using $dir"
root=$dir/root
log=$dir/logs/$(date -u +%Y%m%dT%H%M%SZ).log
exec > >(tee "$log") 2>&1

# Durations, printed at the end.
timings=()
phase_start=0
begin() { say "$1"; phase_name=$1; phase_start=$SECONDS; }
end() { timings+=("$(printf '%4d s  %s' $((SECONDS - phase_start)) "$phase_name")"); }

# Everything mounted under the chroot, innermost last, so cleanup can undo it in reverse.
mounts=()
mount_in() {  # mount_in TARGET MOUNT-ARGS...
	local target=$root$1
	shift
	mkdir -p "$target" && mount "$@" "$target" || die "cannot mount $target"
	mounts+=("$target")
}

# Processes left inside the chroot (a tmux server of a failed test, say) are ours: end them by pid.
kill_chroot_processes() {
	local p pids=()
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && pids+=("${p#/proc/}")
	done
	[ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null
	sleep 0.2
}

cleanup() {
	local i
	[ -d "$root" ] && kill_chroot_processes
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null ||
			say "could not unmount ${mounts[i]}"
	done
	mounts=()
	# The chroot goes unless --keep (the next run replaces it anyway); never while anything is mounted.
	[ "$keep" = 0 ] && [ -d "$root" ] && unmount_leftovers && rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Nothing may still be mounted under the old chroot before it is deleted (an interrupted run).
unmount_leftovers() {
	local m
	awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
	! awk -v r="$root/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts
}

# --- the pristine base --------------------------------------------------------
total_start=$SECONDS
if [ "$fresh_base" = 1 ] || [ ! -s "$dir/base.tar" ]; then
	begin "debootstrap --variant=minbase bookworm (once; kept in $dir/base.tar)"
	rm -rf "$dir/base-build"
	debootstrap --variant=minbase bookworm "$dir/base-build" "$mirror" >"$dir/logs/debootstrap.log" 2>&1 ||
		die "debootstrap failed: see $dir/logs/debootstrap.log"
	tar -C "$dir/base-build" -cf "$dir/base.tar.tmp" . && mv "$dir/base.tar.tmp" "$dir/base.tar" ||
		die "cannot write $dir/base.tar"
	rm -rf "$dir/base-build"
	end
fi

begin "a pristine copy of the base in $root"
unmount_leftovers || die "something is still mounted under $root"
rm -rf "$root" && mkdir -p "$root" && tar -C "$root" -xf "$dir/base.tar" || die "cannot unpack the base"
end

# --- what this machine gives a new user: certificates, npm settings, apt sources, DNS ----------
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
[ -f /etc/hosts ] && cp /etc/hosts "$root/etc/hosts"
for f in /etc/npmrc /root/.npmrc; do
	[ -f "$f" ] && cp -p "$f" "$root$f"
done
mkdir -p "$root/usr/local/share/ca-certificates"
cp -p /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null
mkdir -p "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
# The host's enabled apt sources replace debootstrap's one line; keyrings they name come along.
if ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
	rm -f "$root/etc/apt/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		cp "$f" "$root$f"
		grep -hoiE '(signed-by[:=] *)[^] ]+' "$f" | sed -E 's/^[^:=]*[:=] *//' | while read -r key; do
			[ -f "$key" ] && [ ! -e "$root$key" ] && mkdir -p "$root$(dirname "$key")" && cp "$key" "$root$key"
		done
	done
fi

# --- mounts ------------------------------------------------------------------------------
mount_in /proc -t proc proc
mount_in /sys -t sysfs -o ro sysfs
# A private /dev: the usual nodes, and a devpts instance of its own (tmux and script need ptys).
mount_in /dev -t tmpfs -o mode=755,nosuid tmpfs
for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
	set -- $node
	mknod -m 666 "$root/dev/$1" c "$2" "$3"
done
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount_in /dev/pts -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts
ln -s pts/ptmx "$root/dev/ptmx"
mount_in /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs
mount_in /var/cache/apt/archives --bind "$dir/apt-archives"

# A login-like environment: nothing of this shell's leaks in (no LANG, no TERM).
in_chroot() {
	chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

begin "apt-get install $packages (what a new machine has)"
in_chroot sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null" ||
	die "installing $packages failed"
# ca-certificates rebuilt the bundle: this machine's (with its local CAs) is the one npm is told about.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
end

# --- the clone -------------------------------------------------------------------------
if [ -d "$repo" ] && [ -z "$branch" ]; then
	branch=$(git -C "$repo" symbolic-ref -q --short HEAD || echo HEAD)
	[ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] &&
		say "note: $repo has uncommitted changes; only committed work is cloned"
fi
begin "git clone ${branch:-(default branch)} of $repo"
if [ -d "$repo" ]; then
	# A bundle carries the commits into the chroot, from a worktree or a bare repository alike.
	ref=$branch
	git -C "$repo" show-ref -q --verify "refs/heads/$branch" && ref=refs/heads/$branch
	git -C "$repo" bundle create "$root/tmp/heapviz.bundle" "$ref" 2>/dev/null ||
		die "cannot bundle $branch of $repo"
	source=/tmp/heapviz.bundle
	[ "$ref" = HEAD ] && clone_branch=() || clone_branch=(--branch "$branch")
else
	source=$repo
	[ -n "$branch" ] && clone_branch=(--branch "$branch") || clone_branch=()
fi
in_chroot git clone -q "${clone_branch[@]}" "$source" /root/heapviz || die "git clone failed"
commit=$(in_chroot git -C /root/heapviz log -1 --format='%h %s')
say "cloned: $commit"
end

# --- README's two commands -------------------------------------------------------------
results=()
run_step() {  # run_step LABEL COMMAND: a shell command in the clone, as root
	local label=$1 status
	begin "$label"
	# In the background, so a TERM or INT to this script is handled at once (cleanup ends the rest).
	in_chroot bash -c "cd /root/heapviz && $2" </dev/null &
	wait $!
	status=$?
	end
	results+=("$(printf '%-40s %s' "$label" "$([ $status -eq 0 ] && echo pass || echo "FAIL (exit $status)")")")
	return $status
}

run_step "make run ARGS=--version" "make run ARGS=--version"
# The first command as typed: make run starts the screen. Under script (a pty, TERM of a terminal)
# it must come up, take `quit` and exit 0.
run_step "make run (the screen, quit typed)" '
	export TERM=xterm-256color
	rm -f /tmp/keys /tmp/run.screen; mkfifo /tmp/keys
	script -qfec "make run" /tmp/run.screen </tmp/keys >/dev/null & pid=$!
	exec 3>/tmp/keys
	for i in $(seq 600); do grep -q "step 0 / 0" /tmp/run.screen 2>/dev/null && break; sleep 0.1; done
	grep -q "step 0 / 0" /tmp/run.screen || { echo "the screen did not come up:"; tail -c 600 /tmp/run.screen | cat -v; kill $pid; exit 1; }
	printf "quit\r" >&3
	wait $pid; status=$?
	exec 3>&-
	echo "make run: the screen came up; quit gave exit status $status"
	exit $status'
run_step "make test" "make test"
test_line=$(grep -a '^tests: [0-9]* passed, [0-9]* failed' "$log" | tail -n 1)

timings+=("$(printf '%4d s  %s' $((SECONDS - total_start)) "in all")")
echo
say "durations:"
printf '  %s\n' "${timings[@]}"
say "results ($commit):"
printf '  %s\n' "${results[@]}"
say "make test's last line: ${test_line:-none}"
say "log: $log"
[ "$keep" = 1 ] && say "the chroot stays in $root (--keep): chroot $root bash; the next run replaces it"
case "${results[*]}" in *FAIL*) exit 1 ;; esac
exit 0
