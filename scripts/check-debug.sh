#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check-debug`: the debug-kernel tier. Builds (or takes from the cache)
# the debug kernel (scripts/build-debug-kernel.sh: linux-source-6.1 with
# KASAN, UBSAN, kmemleak, lockdep, debugobjects and fault injection), builds
# kvault.ko against it at W=1 with KVAULT_SELFTEST=1 (wipes verified), and
# boots it in QEMU five times: the selftest suite with a TPM, the suite
# without one, selftests/fault-injection.sh (failslab + fail_page_alloc
# aimed at kvault), and selftests/crypto-volume.sh's two boots (dm-crypt
# volumes keyed by reference). Each boot ends with a kmemleak scan
# (selftests/vm/debug-guest.sh). Fails on any failed test, a
# leak, a guest that did not finish, or a kernel report in dmesg. Ends with
# the line "N passed, N failed". Results: build/results-debug/.
# Environment: BOOT_TIMEOUT (seconds per boot, default 1800), and
# KVAULT_FAIL_PROBABILITY etc. as documented in selftests/fault-injection.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
SUITE=check-debug SUITE_SUFFIX=-debug
# shellcheck source=scripts/suite-lib.sh
. scripts/suite-lib.sh
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800}

# --- build -----------------------------------------------------------------
say "== build (a debug kernel not in the cache takes ~12 min)"
run_logged build-debug-kernel.log "debug kernel build" scripts/build-debug-kernel.sh
kenv=$logs/build-debug-kernel.log
krel=$(sed -n 's/^KREL=//p' "$kenv")
bzimage=$(sed -n 's/^BZIMAGE=//p' "$kenv")
kdir=$(sed -n 's/^KDIR=//p' "$kenv")
if grep -q '^build-debug-kernel: built' "$kenv"; then
	say "debug kernel $krel built in $(cat "$kdir/../build-seconds")s"
else
	say "debug kernel $krel from the cache ($kdir)"
fi
# KVAULT_SELFTEST=1: the vault verifies and counts every wipe of key
# material, and key_unload_test checks the counts.
build_module "$krel" "$kdir" KVAULT_SELFTEST=1
warning_free "$krel" "$logs/build-$krel.log"
build_userspace
ko=$build/kmod/$krel/kvault.ko

# --- guest boots ------------------------------------------------------------
# debug_boot MODE COMMAND...: a boot of the debug kernel running COMMAND
# under vm/debug-guest.sh (kmemleak checkpoints)
debug_boot() {
	local mode=$1
	shift
	boot "$krel" "$mode" --kernel "$krel" --kernel-image "$bzimage" --machine q35 -- \
		"$top/selftests/vm/debug-guest.sh" "$@"
	sed 's/^/    /' "$results/$krel-$mode/fault-injection.txt" 2>/dev/null
	[ ! -s "$results/$krel-$mode/kmemleak.txt" ] ||
		head -n 40 "$results/$krel-$mode/kmemleak.txt" | sed "s/^/  [$krel $mode] /"
}
suite_args=("$ko" "$build/selftests" "$build/userspace")

say "== guest: $krel (debug)"
debug_boot tpm "$top/selftests/run-suite.sh" tpm "${suite_args[@]}"
debug_boot notpm "$top/selftests/run-suite.sh" notpm "${suite_args[@]}"
debug_boot faultinject "$top/selftests/fault-injection.sh" "${suite_args[@]}"

# dm-crypt volumes keyed by reference (two boots: revocation under I/O, key
# wipe, the mirror, load-all after a reboot), with a kmemleak scan after each
say "== dm-crypt volumes on $krel (debug)"
counted "crypto volume $krel" "$results/crypto-volume-$krel.tap" selftests/crypto-volume.sh \
	--kernel "$krel" --kernel-image "$bzimage" --machine q35 --kmemleak --timeout 1500 \
	--ko "$ko" --ctl "$build/userspace" --out "$results/crypto-volume-$krel"

summary
