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
# scripts/check.sh for each kernel.
#
# usage: selftests/crypto-volume.sh --kernel KVER --ko KVAULT_KO
#          --ctl KVAULTCTL_DIR --out DIR [--timeout SEC (400)]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KVER='' KO='' CTL='' OUT='' TIMEOUT=400
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--ctl) CTL=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	*) echo "crypto-volume: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -f "$KO" ] && [ -x "$CTL/kvaultctl" ] && [ -n "$OUT" ]; } ||
	{ sed -n '12,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/tpmstate" "$OUT"/boot*
mkdir -p "$OUT/tpmstate"
disk=$OUT/store.img
rm -f "$disk"
truncate -s 32M "$disk"
mkfs.ext4 -q -F -L kvault-store "$disk" || { echo "Bail out! mkfs.ext4 failed"; exit 1; }

echo "TAP version 13"
n=0
tap() {	# tap 0|1 DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

for boot in 1 2; do
	o=$OUT/boot$boot
	"$HERE/vm/run-guest.sh" --kernel "$KVER" --tpm --tpm-state "$OUT/tpmstate" \
		--disk "$disk" --out "$o" --timeout "$TIMEOUT" --quiet -- \
		"$HERE/crypto-volume-guest.sh" "$boot" "$KO" "$CTL" >"$o.log" 2>&1
	rc=$?
	if [ -f "$o/volume.res" ]; then
		while read -r status rest; do
			case $status in
			ok) tap 0 "${rest#- }" ;;
			not) tap 1 "${rest#ok - }" ;;
			esac
		done <"$o/volume.res"
	fi
	tap "$rc" "boot $boot: the guest finished (exit $rc)"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/# /' "$o/guest.log" 2>/dev/null | tail -n 30
		tail -n 20 "$o/console.log" 2>/dev/null | sed 's/^/# console: /'
	fi
	"$HERE/vm/dmesg-check.sh" "$o/dmesg.txt" >"$o/dmesg-reports.txt" 2>&1
	r=$?
	tap "$r" "boot $boot: no kernel reports in dmesg"
	[ "$r" -eq 0 ] || sed 's/^/# /' "$o/dmesg-reports.txt" | head -n 20
	grep -q '^not ok' "$o/volume.res" 2>/dev/null && sed 's/^/# /' "$o/guest.log" | tail -n 60
done
echo "1..$n"
