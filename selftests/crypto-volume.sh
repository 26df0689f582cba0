#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dm-crypt volumes keyed by vault key references (issue 6): two guest boots
# of one kernel sharing one swtpm state and one ext4 disk image (the key
# store, which also holds the volume's backing file), running
# selftests/crypto-volume-guest.sh 1 and 2: volume open/close/reopen,
# ciphertext equal to plain aes-xts-plain64, refused tables, key wipe/set,
# the logon mirror, revocation under I/O; then load-all after the reboot
# and the data read back. Prints TAP on stdout (one line per guest check,
# plus one per boot for a clean dmesg and a finished run). Run by
# scripts/check.sh for each kernel, and by scripts/check-debug.sh on the
# debug kernel (--kernel-image, --machine, and --kmemleak: a kmemleak scan
# after each boot's checks, one more TAP line per boot).
#
# usage: selftests/crypto-volume.sh --kernel KVER --ko KVAULT_KO
#          --ctl KVAULTCTL_DIR --out DIR [--timeout SEC (400)]
#          [--kernel-image BZIMAGE] [--machine TYPE] [--kmemleak]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KVER='' KO='' CTL='' OUT='' TIMEOUT=400 KMEMLEAK='' GUEST_OPTS=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--ctl) CTL=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	--kernel-image | --machine) GUEST_OPTS+=("$1" "${2:?}"); shift ;;
	--kmemleak) KMEMLEAK=1 ;;
	*) echo "crypto-volume: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -f "$KO" ] && [ -x "$CTL/kvaultctl" ] && [ -n "$OUT" ]; } ||
	{ sed -n '15,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# shellcheck source=selftests/reboot-lib.sh
. "$HERE/reboot-lib.sh"
reboot_setup "$OUT"
REBOOT_GUEST_OPTS=("${GUEST_OPTS[@]}") REBOOT_KMEMLEAK=$KMEMLEAK

echo "TAP version 13"
for boot in 1 2; do
	reboot_boot "$OUT" "$boot" "$KVER" "$TIMEOUT" volume.res \
		"$HERE/crypto-volume-guest.sh" "$boot" "$KO" "$CTL"
done
echo "1..$n"
