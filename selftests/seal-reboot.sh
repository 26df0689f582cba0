#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reboot persistence of sealed keys (issue 5): three guest boots of one
# kernel sharing one swtpm state and one ext4 disk image (the key store),
# running selftests/seal-reboot-guest.sh 1, 2 and 3: seal and record,
# load-all and reproduce, then PCR 16 extended first and refused. Prints
# TAP on stdout (one line per guest check, plus one per boot for a clean
# dmesg and a finished run). Run by scripts/check.sh for each kernel.
#
# usage: selftests/seal-reboot.sh --kernel KVER --ko KVAULT_KO
#          --ctl KVAULTCTL_DIR --bin SELFTEST_DIR --out DIR [--timeout SEC (300)]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KVER='' KO='' CTL='' BIN='' OUT='' TIMEOUT=300
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--ctl) CTL=${2:?}; shift ;;
	--bin) BIN=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	*) echo "seal-reboot: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -f "$KO" ] && [ -x "$CTL/kvaultctl" ] && [ -x "$BIN/pkey_tool" ] &&
  [ -n "$OUT" ]; } ||
	{ sed -n '10,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# shellcheck source=selftests/reboot-lib.sh
. "$HERE/reboot-lib.sh"
reboot_setup "$OUT"

echo "TAP version 13"
for boot in 1 2 3; do
	reboot_boot "$OUT" "$boot" "$KVER" "$TIMEOUT" reboot.res \
		"$HERE/seal-reboot-guest.sh" "$boot" "$KO" "$CTL" "$BIN"
done
echo "1..$n"
