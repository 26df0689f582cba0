# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The host side shared by the multi-boot guest tests (seal-reboot.sh,
# crypto-volume.sh): a fresh swtpm state and ext4 disk image, and one guest
# boot per call whose "ok - ..." / "not ok - ..." result lines become TAP,
# plus a line each for a finished guest and a clean dmesg. Sourced; the
# caller prints "TAP version 13" first and "1..$n" last.

n=0
tap() {	# tap 0|1 DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

# reboot_setup OUT: a fresh OUT/tpmstate and OUT/store.img (32 MiB ext4)
reboot_setup() {
	rm -rf "$1/tpmstate" "$1"/boot*
	mkdir -p "$1/tpmstate"
	rm -f "$1/store.img"
	truncate -s 32M "$1/store.img"
	mkfs.ext4 -q -F -L kvault-store "$1/store.img" ||
		{ echo "Bail out! mkfs.ext4 failed"; exit 1; }
}

# Extra run-guest.sh options for every boot (e.g. the debug kernel's
# --kernel-image and --machine), and REBOOT_KMEMLEAK=1 to run the guest
# command under vm/debug-guest.sh with its kmemleak verdict as a TAP line.
REBOOT_GUEST_OPTS=()
REBOOT_KMEMLEAK=

# reboot_boot OUT BOOT KVER TIMEOUT RESFILE GUEST-COMMAND...: boot BOOT of
# KVER with OUT's TPM state and disk, running GUEST-COMMAND, which writes
# its result lines to $KVAULT_RESULTS/RESFILE.
reboot_boot() {
	local out=$1 boot=$2 kver=$3 timeout=$4 res=$5 o rc r status rest
	local here wrap=()
	shift 5
	o=$out/boot$boot
	here=$(dirname "${BASH_SOURCE[0]}")
	[ -z "$REBOOT_KMEMLEAK" ] || wrap=("$(cd "$here" && pwd)/vm/debug-guest.sh")
	"$here/vm/run-guest.sh" --kernel "$kver" "${REBOOT_GUEST_OPTS[@]}" --tpm \
		--tpm-state "$out/tpmstate" --disk "$out/store.img" --out "$o" \
		--timeout "$timeout" --quiet -- "${wrap[@]}" "$@" >"$o.log" 2>&1
	rc=$?
	if [ -f "$o/$res" ]; then
		while read -r status rest; do
			case $status in
			ok) tap 0 "${rest#- }" ;;
			not) tap 1 "${rest#ok - }" ;;
			esac
		done <"$o/$res"
	fi
	tap "$rc" "boot $boot: the guest finished (exit $rc)"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/# /' "$o/guest.log" 2>/dev/null | tail -n 30
		tail -n 20 "$o/console.log" 2>/dev/null | sed 's/^/# console: /'
	fi
	"$here/vm/dmesg-check.sh" "$o/dmesg.txt" >"$o/dmesg-reports.txt" 2>&1
	r=$?
	tap "$r" "boot $boot: no kernel reports in dmesg"
	[ "$r" -eq 0 ] || sed 's/^/# /' "$o/dmesg-reports.txt" | head -n 20
	if [ -n "$REBOOT_KMEMLEAK" ]; then
		grep -q '^ok 1 ' "$o/kmemleak.tap" 2>/dev/null
		r=$?
		tap "$r" "boot $boot: kmemleak: no new suspected leaks"
		[ "$r" -eq 0 ] || head -n 40 "$o/kmemleak.txt" 2>/dev/null | sed 's/^/# /'
	fi
	grep -q '^not ok' "$o/$res" 2>/dev/null && sed 's/^/# /' "$o/guest.log" | tail -n 60
	return 0
}
