#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: the static checks (scripts/lint.sh), then build kvault for
# both Debian kernels (6.12 through DKMS), run the host unit tests, boot
# each kernel in QEMU with a fresh swtpm TPM 2.0 and run the selftests, plus
# a boot per kernel with no TPM, the sealing reboot, bus and TPM-fault
# checks (three boots, one and one per kernel), the dm-crypt volume checks
# (two boots per kernel), and finally a short fuzz (FUZZ_SECONDS,
# default 120) on 6.12. Fails on any failed test or check, a guest that did
# not finish, or a kernel report in dmesg. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
SUITE=check
# shellcheck source=scripts/suite-lib.sh
. scripts/suite-lib.sh

read -r k61 k612 < <(scripts/kernel-versions.sh)
if [ -z "$k61" ] || [ -z "$k612" ]; then fail_hard "missing kernel headers; run 'make deps'"; fi

# --- static checks -----------------------------------------------------------
say "== lint"
counted lint "$results/lint.tap" scripts/lint.sh

# --- build -----------------------------------------------------------------
say "== build"
build_module "$k61" "/usr/src/linux-headers-$k61"
run_logged "dkms-$k612.log" "DKMS build for $k612" \
	scripts/dkms.sh build "$k612" "$build/kmod/$k612-dkms"
build_module "$k612" "/usr/src/linux-headers-$k612"
warning_free "$k61 and $k612" "$logs/build-$k61.log" "$logs/build-$k612.log"
build_userspace
say "built kvault.ko for $k61 (kbuild) and $k612 (DKMS), libkvault, kvaultctl, selftests"

# --- host unit tests ---------------------------------------------------------
say "== host unit tests"
counted "host unit tests" "$results/host-unit.tap" make -s check-unit
counted "host dmesg-check tests" "$results/host-dmesg-check.tap" \
	selftests/vm/dmesg-check-test.sh

# --- guest boots ------------------------------------------------------------
# suite KVER KO MODE: a boot of Debian kernel KVER running run-suite.sh MODE
suite() {
	boot "$1" "$3" --kernel "$1" -- \
		"$top/selftests/run-suite.sh" "$3" "$2" "$build/selftests" "$build/userspace"
}

say "== guest: $k61"
suite "$k61" "$build/kmod/$k61/kvault.ko" tpm
suite "$k61" "$build/kmod/$k61/kvault.ko" notpm
say "== guest: $k612 (DKMS-built module)"
suite "$k612" "$build/kmod/$k612-dkms/kvault.ko" tpm
suite "$k612" "$build/kmod/$k612-dkms/kvault.ko" notpm

# --- sealing across reboots, on the TPM bus, and when the TPM dies ------------
# seal-reboot.sh: three boots sharing one swtpm state and one disk image;
# seal-bus-check.sh: swtpm's hex log of every command holds no key byte;
# seal-fault.sh: swtpm killed while the guest unseals.
for k in "$k61" "$k612"; do
	ko=$build/kmod/$k/kvault.ko
	[ "$k" = "$k612" ] && ko=$build/kmod/$k612-dkms/kvault.ko
	say "== sealing: reboot persistence and bus check on $k"
	counted "seal reboot $k" "$results/seal-reboot-$k.tap" selftests/seal-reboot.sh \
		--kernel "$k" --ko "$ko" --ctl "$build/userspace" --bin "$build/selftests" \
		--out "$results/seal-reboot-$k"
	counted "seal bus check $k" "$results/seal-bus-$k.tap" selftests/seal-bus-check.sh \
		--kernel "$k" --ko "$ko" --out "$results/seal-bus-$k"
	counted "seal TPM fault $k" "$results/seal-fault-$k.tap" selftests/seal-fault.sh \
		--kernel "$k" --ko "$ko" --out "$results/seal-fault-$k"
done

# --- dm-crypt volumes keyed by reference, across a reboot ---------------------
# crypto-volume.sh: two boots sharing one swtpm state and one disk image.
for k in "$k61" "$k612"; do
	ko=$build/kmod/$k/kvault.ko
	[ "$k" = "$k612" ] && ko=$build/kmod/$k612-dkms/kvault.ko
	say "== dm-crypt volumes on $k"
	counted "crypto volume $k" "$results/crypto-volume-$k.tap" selftests/crypto-volume.sh \
		--kernel "$k" --ko "$ko" --ctl "$build/userspace" --out "$results/crypto-volume-$k"
done

# --- short fuzz --------------------------------------------------------------
say "== fuzz: ${FUZZ_SECONDS:-120}s on $k612"
counted fuzz "$results/fuzz.tap" scripts/fuzz.sh --kernel "$k612" \
	--duration "${FUZZ_SECONDS:-120}" --out "$results/fuzz"
grep -E '^# .*(ops|seed)' "$results/fuzz.tap" | head -n 3
grep -E '^# (finding |  (signature|what|replay))' "$results/fuzz.tap" | head -n 40

summary
