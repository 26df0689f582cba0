#!/bin/sh
# Install everything kvault needs to build and test on Debian 12 (as root),
# then extract the kselftest headers and checkpatch from linux-source-6.1.
# Idempotent; a warm run (stamp + dpkg-query agree) skips apt entirely.
# Cache dir: $KVAULT_CACHE, default <repo>/.cache.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KVAULT_CACHE:-$REPO/.cache}
STAMP=$CACHE/deps.stamp
export DEBIAN_FRONTEND=noninteractive

# libclang-rt-14-dev: clang's own sanitizer headers, which the clang
# analyzer needs for userspace/tests/lsan_exit.c (gcc's are not on its path).
# jq and python3: the guest tests check kvaultctl's --json output with them.
PKGS="build-essential pkg-config qemu-system-x86 swtpm swtpm-tools
linux-headers-amd64 busybox-static keyutils libkeyutils-dev libkcapi-dev
kcapi-tools libnl-3-dev libnl-genl-3-dev tpm2-tools dmsetup libdevmapper-dev dkms
linux-source-6.1 sparse cpio xz-utils kmod openssl util-linux
flex bison bc libelf-dev libssl-dev clang clang-tidy cppcheck
libclang-rt-14-dev jq python3"

# True when every package named in $* is installed.
all_installed() {
	# shellcheck disable=SC2046,SC2086
	n=$(dpkg-query -W -f '${db:Status-Status}\n' "$@" 2>/dev/null | grep -cx installed || true)
	[ "$n" -eq "$#" ]
}

mkdir -p "$CACHE"
# shellcheck disable=SC2046
# The stamp remembers which 6.12 headers were newest; PKGS itself is always
# checked, so adding a package here installs it on the next run.
if [ -s "$STAMP" ] && all_installed $PKGS $(grep '^linux-headers-6\.12' "$STAMP"); then
	echo "install-deps: packages present (stamp $STAMP)"
else
	[ "$(id -u)" -eq 0 ] || { echo "install-deps: run as root" >&2; exit 1; }
	echo "install-deps: apt-get update"
	apt-get -q update >/dev/null
	# The newest Debian 12 6.12 kernel headers (linux-image comes as a dependency).
	H612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$H612" ] || { echo "install-deps: no linux-headers-6.12.*+deb12-amd64 in apt" >&2; exit 1; }
	# shellcheck disable=SC2086
	set -- $PKGS "$H612"
	echo "install-deps: apt-get install $*"
	apt-get -q install -y --no-install-recommends "$@" >"$CACHE/apt-install.log" 2>&1 ||
		{ tail -n 30 "$CACHE/apt-install.log" >&2; exit 1; }
	all_installed "$@" || { echo "install-deps: dpkg-query disagrees after install" >&2; exit 1; }
	echo "$*" | tr ' ' '\n' >"$STAMP"
fi

# kselftest harness + checkpatch (--no-tree needs spelling.txt and
# const_structs.checkpatch next to checkpatch.pl).
SRC=/usr/src/linux-source-6.1.tar.xz
KS=$CACHE/kselftest
CP=$CACHE/checkpatch
if [ -f "$KS/kselftest_harness.h" ] && [ -f "$KS/kselftest.h" ] &&
	[ -f "$CP/checkpatch.pl" ] && [ -f "$CP/spelling.txt" ] && [ -f "$CP/const_structs.checkpatch" ]; then
	echo "install-deps: kselftest headers and checkpatch present in $CACHE"
else
	echo "install-deps: extracting kselftest headers + checkpatch from $SRC"
	TMP=$(mktemp -d "$CACHE/.extract.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	T=linux-source-6.1
	tar -xJf "$SRC" -C "$TMP" \
		"$T/tools/testing/selftests/kselftest_harness.h" \
		"$T/tools/testing/selftests/kselftest.h" \
		"$T/scripts/checkpatch.pl" "$T/scripts/spelling.txt" \
		"$T/scripts/const_structs.checkpatch"
	mkdir -p "$KS" "$CP"
	mv "$TMP/$T/tools/testing/selftests/kselftest_harness.h" "$TMP/$T/tools/testing/selftests/kselftest.h" "$KS/"
	mv "$TMP/$T/scripts/checkpatch.pl" "$TMP/$T/scripts/spelling.txt" "$TMP/$T/scripts/const_structs.checkpatch" "$CP/"
	chmod +x "$CP/checkpatch.pl"
fi
echo "install-deps: done"
