#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/build-debug-kernel.sh [--cached-only]
# Build (or find in the cache) the kvault debug kernel: Debian's
# linux-source-6.1 configured as allnoconfig + selftests/vm/debug-kernel.config
# (merged with scripts/kconfig/merge_config.sh -n; KASAN, UBSAN, kmemleak,
# lockdep, debugobjects, fault injection, everything the guest needs built
# in), built with `make -j2`. Prints, and writes to DIR/env (sourceable):
#   KREL=<uname -r>  BZIMAGE=<bzImage>  KDIR=<tree for `make -C KDIR M=...`>
# The cache is $CACHE/debug-kernel/<key>/, keyed on the fragment's
# settings, the linux-source-6.1 version and RECIPE below; a complete build is marked by
# <key>/.done, so a warm run costs seconds. Other keys' trees are deleted
# after a successful build. --cached-only: fail instead of building.
# Environment: KVAULT_CACHE (default <repo>/.cache), KVAULT_JOBS (default 2).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KVAULT_CACHE:-$REPO/.cache}
FRAG=$REPO/selftests/vm/debug-kernel.config
SRC=/usr/src/linux-source-6.1.tar.xz
T=linux-source-6.1
# Bump when the way the tree is prepared or built changes.
RECIPE=1

[ -r "$SRC" ] || { echo "build-debug-kernel: $SRC missing; run 'make deps'" >&2; exit 1; }
SRCVER=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || ls -l "$SRC")
# The key takes the fragment's settings only, so editing its comments
# does not cost a rebuild.
KEY=$({
	printf 'recipe %s\nsource %s\n' "$RECIPE" "$SRCVER"
	grep -E '^CONFIG_|^# CONFIG_.* is not set$' "$FRAG"
} | sha256sum | cut -c1-16)
BASE=$CACHE/debug-kernel
DIR=$BASE/$KEY
TREE=$DIR/$T

emit() {
	KREL=$(cat "$TREE/include/config/kernel.release")
	printf 'KREL=%s\nBZIMAGE=%s\nKDIR=%s\n' "$KREL" "$TREE/arch/x86/boot/bzImage" "$TREE" >"$DIR/env.tmp"
	mv "$DIR/env.tmp" "$DIR/env"
	cat "$DIR/env"
	exit 0
}

[ -f "$DIR/.done" ] && emit
[ "${1:-}" != --cached-only ] || { echo "build-debug-kernel: no cached build for key $KEY" >&2; exit 1; }

mkdir -p "$BASE"
exec 9>"$BASE/.lock"
flock 9  # one build at a time; the winner's result serves the others
[ -f "$DIR/.done" ] && emit

rm -rf "$DIR"
mkdir -p "$DIR"
LOG=$DIR/build.log
START=$(date +%s)
echo "build-debug-kernel: extracting $SRC ($SRCVER) into $DIR" >&2
tar -xJf "$SRC" -C "$DIR"
# 6.1 excludes x86_64 from the fault-injection stack-trace filter (a 2007
# unwinder limitation; ORC unwinds reliably). Lift it so require-start/-end
# can aim failslab and fail_page_alloc at kvault's text only.
sed -i '/^config FAULT_INJECTION_STACKTRACE_FILTER$/,/^config /{/^\tdepends on !X86_64$/d}' \
	"$TREE/lib/Kconfig.debug"

echo "build-debug-kernel: configuring (allnoconfig + $(basename "$FRAG"))" >&2
(cd "$TREE" && scripts/kconfig/merge_config.sh -n "$FRAG") >"$LOG" 2>&1 ||
	{ tail -n 30 "$LOG" >&2; echo "build-debug-kernel: merge_config failed" >&2; exit 1; }
# merge_config only warns when a requested value did not stick (a missing
# dependency or a renamed symbol); that must not go unnoticed.
if grep -q 'not in final .config\|Actual value' "$LOG"; then
	grep -A3 'Value requested' "$LOG" >&2
	echo "build-debug-kernel: the fragment does not apply cleanly" >&2
	exit 1
fi

echo "build-debug-kernel: building (make -j${KVAULT_JOBS:-2}; about 12 min on 2 cores; log $LOG)" >&2
if ! make -C "$TREE" -j"${KVAULT_JOBS:-2}" KBUILD_BUILD_USER=kvault KBUILD_BUILD_HOST=debug \
	>>"$LOG" 2>&1; then
	tail -n 40 "$LOG" >&2
	echo "build-debug-kernel: kernel build failed" >&2
	exit 1
fi
SECS=$(( $(date +%s) - START ))
echo "$SECS" >"$DIR/build-seconds"
echo "build-debug-kernel: built $(cat "$TREE/include/config/kernel.release") in ${SECS}s" >&2
touch "$DIR/.done"
# Drop other keys' trees (a stale fragment, an interrupted build): each is
# several GB. Safe under the lock.
for d in "$BASE"/*/; do
	[ "${d%/}" = "$DIR" ] || rm -rf "${d%/}"
done
emit
