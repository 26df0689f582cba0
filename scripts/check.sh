#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: build kvault for both Debian kernels (6.12 through DKMS),
# run the host unit tests, then boot each kernel in QEMU with a fresh swtpm
# TPM 2.0 and run the selftests, plus a boot per kernel with no TPM. Fails
# on any failed test, a guest that did not finish, or a kernel report in
# dmesg. Ends with the line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=$top/build
results=$build/results
logs=$build/logs
rm -rf "$results" "$logs"
mkdir -p "$results" "$logs"

passed=0 failed=0
start=$(date +%s)
say() { printf '%s\n' "$*"; }
fail_hard() { say "check: $*" >&2; say "$passed passed, $((failed + 1)) failed"; exit 1; }

# count_tap FILE...: add the ok / not ok lines of TAP files to the totals
# (only top-level results: subtest lines are indented); prints "p f".
count_tap() {
	local p f
	p=$(cat "$@" 2>/dev/null | grep -cE '^ok [0-9]+')
	f=$(cat "$@" 2>/dev/null | grep -cE '^not ok [0-9]+')
	echo "$p $f"
}

read -r k61 k612 < <(scripts/kernel-versions.sh)
[ -n "$k61" ] && [ -n "$k612" ] || fail_hard "missing kernel headers; run 'make deps'"

# --- build -----------------------------------------------------------------
say "== build"
make -s KDIR="/usr/src/linux-headers-$k61" module > "$logs/build-$k61.log" 2>&1 ||
	{ cat "$logs/build-$k61.log"; fail_hard "module build failed for $k61"; }
scripts/dkms.sh build "$k612" "$build/kmod/$k612-dkms" > "$logs/dkms-$k612.log" 2>&1 ||
	{ cat "$logs/dkms-$k612.log"; fail_hard "DKMS build failed for $k612"; }
# W=1 must stay warning-free on both kernels
make -s KDIR="/usr/src/linux-headers-$k612" module > "$logs/build-$k612.log" 2>&1 ||
	{ cat "$logs/build-$k612.log"; fail_hard "module build failed for $k612"; }
if grep -h 'warning:' "$logs/build-$k61.log" "$logs/build-$k612.log"; then
	failed=$((failed + 1)); say "not ok - W=1 build has warnings"
else
	passed=$((passed + 1)); say "ok - W=1 build is warning-free on $k61 and $k612"
fi
make -s userspace selftests > "$logs/build-userspace.log" 2>&1 ||
	{ cat "$logs/build-userspace.log"; fail_hard "userspace build failed"; }
say "built kvault.ko for $k61 (kbuild) and $k612 (DKMS), libkvault, kvaultctl, selftests"

# --- host unit tests ---------------------------------------------------------
say "== host unit tests"
{ make -s check-unit; } > "$results/host-unit.tap" 2>&1
unit_rc=$?
selftests/vm/dmesg-check-test.sh > "$results/host-dmesg-check.tap" 2>&1 || unit_rc=1
read -r p f < <(count_tap "$results/host-unit.tap" "$results/host-dmesg-check.tap")
if [ "$unit_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
grep -hE '^not ok' "$results"/host-*.tap
say "host: $p passed, $f failed"
passed=$((passed + p)) failed=$((failed + f))

# --- guest boots ------------------------------------------------------------
# boot KVER KO MODE: one QEMU boot running selftests/run-suite.sh MODE
boot() {
	local kver=$1 ko=$2 mode=$3 out=$results/$1-$3 rc p f extra=0 boot
	local tpmopt=--tpm
	[ "$mode" = notpm ] && tpmopt=--no-tpm
	mkdir -p "$out"
	selftests/vm/run-guest.sh --kernel "$kver" "$tpmopt" --out "$out" \
		--timeout 900 --quiet -- \
		"$top/selftests/run-suite.sh" "$mode" "$ko" "$build/selftests" \
		"$build/userspace" > "$logs/guest-$kver-$mode.log" 2>&1
	rc=$?
	read -r p f < <(count_tap "$out"/*.tap)
	grep -hE '^not ok' "$out"/*.tap 2>/dev/null | sed "s/^/  [$kver $mode] /"
	if [ ! -f "$out/suite-done" ]; then
		say "  [$kver $mode] guest did not finish the suite (exit $rc); see $out/console.log"
		tail -n 30 "$out/console.log" 2>/dev/null | sed 's/^/    /'
		extra=$((extra + 1))
	fi
	if ! selftests/vm/dmesg-check.sh "$out/dmesg.txt" > "$out/dmesg-reports.txt"; then
		say "  [$kver $mode] kernel reports in dmesg:"
		sed 's/^/    /' "$out/dmesg-reports.txt" | head -n 40
		extra=$((extra + 1))
	fi
	boot=$(cat "$out/boot-seconds" 2>/dev/null || echo '?')
	say "$kver ($mode): $p passed, $((f + extra)) failed (boot ${boot}s)"
	passed=$((passed + p)) failed=$((failed + f + extra))
}

say "== guest: $k61"
boot "$k61" "$build/kmod/$k61/kvault.ko" tpm
boot "$k61" "$build/kmod/$k61/kvault.ko" notpm
say "== guest: $k612 (DKMS-built module)"
boot "$k612" "$build/kmod/$k612-dkms/kvault.ko" tpm
boot "$k612" "$build/kmod/$k612-dkms/kvault.ko" notpm

say "== done in $(( $(date +%s) - start ))s; results in $results"
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
