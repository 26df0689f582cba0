#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz`: build kvault.ko for the guest kernel, libkvault, the
# selftests and kvault_fuzz; boot the kernel under QEMU with a fresh swtpm
# TPM 2.0 (selftests/vm/run-guest.sh); insmod kvault.ko, run kvault_fuzz
# for DURATION seconds, rmmod; then check the guest's dmesg with
# selftests/vm/dmesg-check.sh. Prints TAP lines and the fuzzer's report;
# exits non-zero on any finding or failure.
#
# usage: scripts/fuzz.sh [--kernel 6.1|6.12|debug|KVER] [--duration SEC]
#          [--seed S] [--threads N] [--no-unpriv] [--out DIR]
#          [--kdir DIR] [--ko PATH] [--replay FILE [--prefix N]]
#          [-- more kvault_fuzz arguments]
#
#   --kernel   default 6.1 (the Debian 6.1 kernel, scripts/kernel-versions.sh)
#   --duration default $DURATION, else 120
#   --seed     default $SEED, else kvault_fuzz picks one (and prints it)
#   --out      default build/fuzz-results/<kernel release>
#   --replay   re-run one reproducer file (fuzz-finding-*.txt) in the guest
#
# --kernel debug: the debug kernel of `make check-debug` (KASAN, UBSAN,
# lockdep, kmemleak, debugobjects), built by scripts/build-debug-kernel.sh
# (~12 min the first time, then from the cache). kvault.ko is built against
# its tree with KVAULT_SELFTEST=1, and it and kvault_fuzz go to
# build/fuzz-debug/<release>/ (--ko PATH takes a module built elsewhere;
# --kdir does not apply). The guest boots it as check-debug does (q35) and
# runs the fuzzer under selftests/vm/debug-guest.sh, whose kmemleak scan
# after the run is one more TAP result.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

KERNEL=6.1 DUR=${DURATION:-120} SEED_ARG=${SEED:-} THREADS='' UNPRIV='' OUT=''
KDIR=${KVAULT_FUZZ_KDIR:-} KO='' REPLAY='' PREFIX='' EXTRA=()
# Set for --kernel debug: its private build dir, boot options and the
# command that wraps the guest's run.
DEBUG_DIR='' BOOT_OPTS=() WRAPPER=() TIMEOUT_EXTRA=420
FUZZ_BUILD=$top/build/fuzz LOGS=build/logs
usage() { sed -n '10,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=${2:?}; shift ;;
	--duration) DUR=${2:?}; shift ;;
	--seed) SEED_ARG=${2:?}; shift ;;
	--threads) THREADS=${2:?}; shift ;;
	--no-unpriv) UNPRIV=1 ;;
	--out) OUT=${2:?}; shift ;;
	--kdir) KDIR=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--replay) REPLAY=${2:?}; shift ;;
	--prefix) PREFIX=${2:?}; shift ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) usage ;;
	*) echo "fuzz: unknown option $1" >&2; usage ;;
	esac
	shift
done
[[ $DUR =~ ^[0-9]+$ ]] || { echo "fuzz: bad duration '$DUR'" >&2; exit 2; }

# Which kernel boots (RUNK, for run-guest.sh) and which headers build the
# module (KDIR -> KREL).
RUNK=$KERNEL
case $KERNEL in
6.1|6.12)
	KREL=$(scripts/kernel-versions.sh "$KERNEL")
	[ -n "$KREL" ] || { echo "fuzz: no $KERNEL headers installed; run 'make deps'" >&2; exit 1; }
	RUNK=$KREL
	KDIR=${KDIR:-/usr/src/linux-headers-$KREL} ;;
debug)
	echo "== debug kernel (one not in the cache takes ~12 min to build)"
	mkdir -p build/fuzz-debug
	kenv=build/fuzz-debug/build-debug-kernel.log
	scripts/build-debug-kernel.sh > "$kenv" 2>&1 ||
		{ cat "$kenv"; echo "fuzz: debug kernel build failed" >&2; exit 1; }
	KREL=$(sed -n 's/^KREL=//p' "$kenv")
	KDIR=$(sed -n 's/^KDIR=//p' "$kenv")
	DEBUG_DIR=$top/build/fuzz-debug/$KREL
	KO=${KO:-$DEBUG_DIR/kmod/kvault.ko}
	FUZZ_BUILD=$DEBUG_DIR/fuzz LOGS=$DEBUG_DIR
	RUNK=$KREL TIMEOUT_EXTRA=900
	BOOT_OPTS=(--kernel-image "$(sed -n 's/^BZIMAGE=//p' "$kenv")" --machine q35)
	WRAPPER=("$top/selftests/vm/debug-guest.sh") ;;
*)
	KDIR=${KDIR:-/usr/src/linux-headers-$KERNEL} ;;
esac
if [ -z "$KO" ]; then
	KREL=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h" 2>/dev/null)
	[ -n "$KREL" ] || { echo "fuzz: no kernel headers at $KDIR" >&2; exit 1; }
	KO=$top/build/kmod/$KREL/kvault.ko
fi
KREL=${KREL:-$KERNEL}
OUT=${OUT:-$top/build/fuzz-results/$KREL}

echo "== build (kernel $KREL)"
mkdir -p "$LOGS"
log=$LOGS/fuzz-build-$KREL.log
{
	if [ "$KO" = "$top/build/kmod/$KREL/kvault.ko" ]; then
		make -s KDIR="$KDIR" module || exit 1
	elif [ -n "$DEBUG_DIR" ] && [ "$KO" = "$DEBUG_DIR/kmod/kvault.ko" ]; then
		# As check-debug builds it: the vault verifies every wipe.
		make -s KDIR="$KDIR" KMOD_OUT="$DEBUG_DIR/kmod" KVAULT_SELFTEST=1 module || exit 1
	fi
	if [ -z "$DEBUG_DIR" ]; then
		make -s userspace selftests || exit 1
	fi
	make -s -C selftests/fuzz TOP="$top" BUILD="$FUZZ_BUILD" || exit 1
} > "$log" 2>&1 || { cat "$log"; echo "fuzz: build failed" >&2; exit 1; }
[ -f "$KO" ] || { echo "fuzz: no module at $KO" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
args=(--duration "$DUR")
[ -n "$SEED_ARG" ] && args+=(--seed "$SEED_ARG")
[ -n "$THREADS" ] && args+=(--threads "$THREADS")
[ -n "$UNPRIV" ] && args+=(--no-unpriv)
if [ -n "$REPLAY" ]; then
	cp "$REPLAY" "$OUT/replay-input.txt"
	args=(--replay /results/replay-input.txt -v)
	[ -n "$PREFIX" ] && args+=(--prefix "$PREFIX")
fi
args+=("${EXTRA[@]+"${EXTRA[@]}"}")

if [ -n "$REPLAY" ]; then echo "== guest: $RUNK, replaying $REPLAY (results in $OUT)"; else echo "== guest: $RUNK, fuzzing for ${DUR}s (results in $OUT)"; fi
selftests/vm/run-guest.sh --kernel "$RUNK" "${BOOT_OPTS[@]+"${BOOT_OPTS[@]}"}" --tpm --out "$OUT" \
	--timeout $((DUR + TIMEOUT_EXTRA)) --quiet -- "${WRAPPER[@]+"${WRAPPER[@]}"}" \
	"$top/selftests/fuzz/guest-fuzz.sh" "$KO" "$FUZZ_BUILD/kvault_fuzz" "${args[@]}"
rc=$?

if [ -n "$REPLAY" ]; then
	sed -n '/^# replaying/,$p' "$OUT/guest.log"
	exit "$rc"
fi

# TAP: the guest's load/fuzz/unload lines, then the dmesg check.
n=0 failed=0
tap() {	# tap ok|not-ok description
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
echo "TAP version 13"
for f in "$OUT/fuzz-suite.tap" "$OUT/fuzz.tap" "$OUT/kmemleak.tap"; do
	[ -f "$f" ] || continue
	while IFS= read -r line; do
		case $line in
		"ok "*) tap ok "$(sed -E 's/^ok [0-9]+ //' <<<"$line")" ;;
		"not ok "*) tap not-ok "$(sed -E 's/^not ok [0-9]+ //' <<<"$line")" ;;
		esac
	done < "$f"
done
[ -f "$OUT/fuzz.tap" ] || tap not-ok "fuzz: no result (guest exit $rc; see $OUT/console.log and $OUT/fuzz-ring-w*.log)"
[ -f "$OUT/fuzz-done" ] || tap not-ok "guest did not finish (exit $rc; see $OUT/console.log)"
if [ -n "$DEBUG_DIR" ]; then
	[ -f "$OUT/kmemleak.tap" ] || tap not-ok "kmemleak: no scan after the run (guest exit $rc)"
	[ ! -s "$OUT/kmemleak.txt" ] || head -n 40 "$OUT/kmemleak.txt" | sed 's/^/#   /'
fi
if selftests/vm/dmesg-check.sh "$OUT/dmesg.txt" > "$OUT/dmesg-reports.txt"; then
	tap ok "dmesg has no kernel reports"
else
	tap not-ok "kernel reports in dmesg (see $OUT/dmesg-reports.txt)"
	sed 's/^/#   /' "$OUT/dmesg-reports.txt" | head -n 40
fi
echo "1..$n"
[ -f "$OUT/fuzz-report.txt" ] && sed 's/^/# /' "$OUT/fuzz-report.txt"
# Each unique finding's signature and description, so that a CI log alone
# says what was found.
for f in "$OUT"/fuzz-finding-*.txt; do
	[ -f "$f" ] || continue
	echo "# finding $(basename "$f"):"
	grep -E '^(signature=|what: |replay: )' "$f" | head -n 3 | sed 's/^/#   /'
done
ls "$OUT"/fuzz-finding-*.txt >/dev/null 2>&1 &&
	echo "# reproducers: $OUT/fuzz-finding-*.txt (scripts/fuzz.sh --kernel $KERNEL --replay FILE)"
[ "$failed" -eq 0 ]
