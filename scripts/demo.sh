#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: kvault from a fresh Debian 12 machine, in a QEMU guest with a
# swtpm TPM 2.0 and a persistent disk, booted twice:
#
#   boot 1: (1) create a vault key (aes-xts-512, usage crypto-api) and seal
#           it to PCRs sha256:7,16 into the key store; (2) open a dm-crypt
#           volume with it on a loop device; (3) mkfs, mount, write files,
#           close the volume;
#   (4) reboot: the same disk image and the same TPM state;
#   boot 2: (5) kvaultctl load-all and volume open-all (/etc/kvault/volumes,
#           as the boot units do): the files are intact;
#           (6) extend PCR 16 (kvaultctl pcr extend, the boot lock): unseal
#           is refused, and key check says why; (7) revoke the key while
#           the volume is live: I/O fails at once.
#
# Every command is echoed before it runs, with a line on what it shows. The
# demo stops at the first step that does not do what it says, and exits
# non-zero. It prints how long it took.
#
# usage: scripts/demo.sh [--kernel 6.1|6.12] [--out DIR] [--ko FILE --ctl DIR]
#   --kernel  the guest kernel (default 6.1, Debian 12's own)
#   --out     default build/demo
#   --ko, --ctl  use this kvault.ko and the kvaultctl in DIR instead of
#             building them (`make module userspace`)
#
# The same file is the guest side: scripts/demo.sh --guest 1|2 KO CTLDIR.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# ---- guest side ---------------------------------------------------------

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() { printf '\n=== %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
# run CMD...: echo it, run it, fail the demo if it fails
run() {
	printf '\n# %s\n' "$*"
	"$@" || die "'$*' failed (exit $?)"
}
# refused CMD...: echo it, run it, fail the demo if it succeeds
refused() {
	printf '\n# %s\n' "$*"
	"$@"
	rc=$?
	[ "$rc" -ne 0 ] || die "'$*' succeeded; it should have been refused"
	say "(refused, exit $rc, as it should be)"
}
die() {
	printf '\nDEMO FAILED: %s\n' "$*" >&2
	exit 1
}

DISK=/disk
STORE=/var/lib/kvault
IMG=$DISK/volume.img
VOL=demo
KEY=demo-key
MNT=/mnt/demo

guest_setup() {	# KO CTLDIR
	export PATH="$2:$PATH"
	[ -b "${KVAULT_DISK:-}" ] || die "no persistent disk (run-guest.sh --disk)"
	mkdir -p "$DISK" "$STORE" "$MNT"
	mount -t ext4 "$KVAULT_DISK" "$DISK" || die "cannot mount the disk"
	mkdir -p "$DISK/kvault-store" "$DISK/etc-kvault" /etc/kvault
	mount --bind "$DISK/kvault-store" "$STORE" || die "cannot bind the key store"
	mount --bind "$DISK/etc-kvault" /etc/kvault || die "cannot bind /etc/kvault"
	modprobe -a loop dm-crypt || die "modprobe loop dm-crypt"
	insmod "$1" || die "insmod $1"
	say "guest: $(uname -r), TPM: $(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null || echo none)," \
		"disk $KVAULT_DISK at $DISK; $STORE and /etc/kvault are on it"
}

guest_boot1() {
	step "0. The TPM and the measured-boot state, read by the kernel"
	say "kvault talks to the TPM through the kernel's TPM driver, not /dev/tpm*."
	run kvaultctl status
	run kvaultctl pcr read 7,16
	step "1. Create a vault key and seal it to PCRs"
	say "The kernel makes the key's 64 bytes; no process ever sees them."
	run kvaultctl key create "$KEY" --alg aes-xts-512 --usage crypto-api
	say "Seal it to PCR 7 (measured by the firmware at boot) and PCR 16:"
	say "the TPM only unseals it while both hold today's values."
	run kvaultctl key seal "$KEY" --pcrs sha256:7,16
	run ls -l "$STORE"
	run kvaultctl key show "$KEY"

	step "2. Open a dm-crypt volume with the key, on a loop device"
	run truncate -s 64M "$IMG"
	loop=$(losetup -f --show "$IMG") || die "losetup $IMG"
	say "loop device: $loop ($IMG on the persistent disk)"
	say "The mapping uses capi:kvault(xts(aes))-plain64 with a key *reference*:"
	say "the table names the key, it does not hold it."
	run kvaultctl volume open "$loop" "$VOL" --key "$KEY"
	run kvaultctl volume status "$VOL"
	say "The table's \"key\" field is the reference, not secret: magic \"KVRK\","
	say "version, size, then the key's name (hex of \"$KEY\"):"
	run dmsetup table --showkeys "$VOL"
	say "List it in /etc/kvault/volumes (crypttab-like) so that the next boot opens"
	say "it: kvault-volumes.service runs 'kvaultctl volume open-all' after load-all."
	printf '%s %s %s\n' "$VOL" "$loop" "$KEY" >/etc/kvault/volumes
	run cat /etc/kvault/volumes

	step "3. Write files, close the volume"
	run mkfs.ext4 -q -L demo "/dev/mapper/$VOL"
	run mount "/dev/mapper/$VOL" "$MNT"
	printf 'Hello from kvault: this file lives on an encrypted volume.\n' >"$MNT/hello.txt"
	printf 'kvault demo %s\n' "$(date -u)" >"$MNT/written-at.txt"
	run dd if=/dev/urandom of="$MNT/random.bin" bs=1M count=4 status=none
	(cd "$MNT" && sha256sum hello.txt written-at.txt random.bin) >"$DISK/files.sha256" ||
		die "sha256sum"
	run ls -l "$MNT"
	run cat "$MNT/hello.txt"
	run sync
	run umount "$MNT"
	run kvaultctl volume close "$VOL"
	run losetup -d "$loop"
	say "On the raw disk the text is nowhere to be found:"
	printf '\n# grep -c "Hello from kvault" %s\n' "$IMG"
	n=$(grep -c "Hello from kvault" "$IMG")
	say "$n matches"
	[ "$n" = 0 ] || die "plaintext found on the raw volume image"
	run sync
}

guest_boot2() {
	step "5. After the reboot: load the sealed keys, open the volume, read the files"
	say "What kvault-load.service and kvault-volumes.service do at boot. The TPM's"
	say "PCRs 7 and 16 hold the same values as at boot 1, so the key unseals."
	run kvaultctl load-all
	run kvaultctl key show "$KEY"
	loop=$(losetup -f --show "$IMG") || die "losetup $IMG"
	say "loop device: $loop"
	run cat /etc/kvault/volumes
	run kvaultctl volume open-all
	run mount "/dev/mapper/$VOL" "$MNT"
	run ls -l "$MNT"
	run cat "$MNT/hello.txt"
	printf '\n# (cd %s && sha256sum -c %s)\n' "$MNT" "$DISK/files.sha256"
	(cd "$MNT" && sha256sum -c "$DISK/files.sha256") || die "the files changed"
	say "The vault counts what each consumer did with the key (per-CPU counters):"
	run kvaultctl key show "$KEY"

	step "6. Extend a PCR: the key no longer unseals"
	say "kvaultctl pcr extend is the boot lock: once the boot is done, extend a"
	say "PCR the key is sealed to, so nothing later in this boot can unseal it."
	run kvaultctl pcr extend 16
	refused kvaultctl key load "$KEY-again" --blob "$STORE/$KEY.blob"
	say "key check asks the TPM whether the blob would unseal, and says why not:"
	refused kvaultctl key check "$KEY"
	say "The key loaded before the extend is still in the kernel: the volume stays usable."

	step "7. Revoke the key while the volume is live: I/O fails at once"
	say "A reader streams the raw volume (O_DIRECT, past every cache) in a loop..."
	rm -f /tmp/reads /tmp/reader.err /tmp/reader.end
	(
		n=0
		while dd if="/dev/mapper/$VOL" of=/dev/null bs=64k count=16 skip=$((n % 64 * 16)) \
			iflag=direct status=none; do n=$((n + 1)); done
		now >/tmp/reader.end
		echo "$n" >/tmp/reads
	) 2>/tmp/reader.err &
	reader=$!
	sleep 2
	[ ! -e /tmp/reads ] || die "the reader failed before the revoke: $(cat /tmp/reader.err)"
	run kvaultctl key revoke "$KEY"
	t1=$(now)
	i=0
	while kill -0 "$reader" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$reader" 2>/dev/null; then
		kill "$reader"
		die "the reader still reads 10 s after the revoke"
	fi
	say "the reader read $(cat /tmp/reads) MiB, then failed $(awk -v a="$t1" -v b="$(cat /tmp/reader.end)" \
		'BEGIN { d = b - a; printf "%.2f", d < 0 ? 0 : d }') s after 'key revoke' returned:"
	sed 's/^/    /' /tmp/reader.err
	[ "$(cat /tmp/reads)" -gt 0 ] || die "the reader never read before the revoke"
	refused dd if="/dev/mapper/$VOL" of=/dev/null bs=4k count=1 iflag=direct status=none
	say "Files not in the page cache cannot be read either:"
	echo 3 >/proc/sys/vm/drop_caches
	refused sh -c "cat $MNT/random.bin >/dev/null"
	printf '\n# dmesg | grep -i error | tail -n 3\n'
	dmesg | grep -i error | tail -n 3
	run kvaultctl volume status "$VOL"
	umount "$MNT" 2>/dev/null || umount -l "$MNT"
	run kvaultctl volume close "$VOL"
	losetup -d "$loop"
}

if [ "${1:-}" = --guest ]; then
	phase=${2:?} ko=${3:?} ctl=${4:?}
	guest_setup "$ko" "$ctl"
	case $phase in
	1) guest_boot1 ;;
	2) guest_boot2 ;;
	*) die "unknown phase $phase" ;;
	esac
	sync
	umount /etc/kvault "$STORE" "$DISK" 2>/dev/null
	exit 0
fi

# ---- host side ----------------------------------------------------------

KERNEL=6.1 OUT=$top/build/demo KO='' CTL=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--ctl) CTL=${2:?}; shift ;;
	*) sed -n '21,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
	shift
done
cd "$top" || exit 1
t_start=$(now)
{ kver=$(scripts/kernel-versions.sh "$KERNEL") && [ -n "$kver" ]; } ||
	{ echo "demo: no $KERNEL kernel headers; run 'make deps'" >&2; exit 1; }
if [ -z "$KO" ]; then
	echo "== building kvault.ko for $kver and kvaultctl"
	make -s KDIR="/usr/src/linux-headers-$kver" module userspace || exit 1
	KO=$top/build/kmod/$kver/kvault.ko CTL=$top/build/userspace
fi
{ [ -f "$KO" ] && [ -x "$CTL/kvaultctl" ]; } || { echo "demo: no $KO or $CTL/kvaultctl" >&2; exit 1; }
KO=$(cd "$(dirname "$KO")" && pwd)/$(basename "$KO")
CTL=$(cd "$CTL" && pwd)

rm -rf "$OUT"
mkdir -p "$OUT/tpmstate"
OUT=$(cd "$OUT" && pwd)
truncate -s 160M "$OUT/disk.img"
mkfs.ext4 -q -F -L demo-disk "$OUT/disk.img" || exit 1

boot() {	# N: one guest boot; its output streams here
	echo
	echo "################ boot $1 of 2: $kver under QEMU (TCG) with swtpm, disk $OUT/disk.img"
	t=$(now)
	selftests/vm/run-guest.sh --kernel "$kver" --tpm --tpm-state "$OUT/tpmstate" \
		--disk "$OUT/disk.img" --out "$OUT/boot$1" --timeout 600 --quiet \
		-- "$top/scripts/demo.sh" --guest "$1" "$KO" "$CTL" &
	pid=$!
	# stream the guest's output as it comes
	while [ ! -e "$OUT/boot$1/guest.log" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	tail -n +1 -f --pid="$pid" "$OUT/boot$1/guest.log" 2>/dev/null
	wait "$pid"
	rc=$?
	echo "################ boot $1: exit $rc, $(since "$t") s including boot ($(cat "$OUT/boot$1/boot-seconds" 2>/dev/null || echo '?') s to userspace)"
	if ! selftests/vm/dmesg-check.sh "$OUT/boot$1/dmesg.txt" >"$OUT/boot$1/dmesg-reports.txt"; then
		echo "demo: the kernel logged a report in boot $1:" >&2
		head -n 20 "$OUT/boot$1/dmesg-reports.txt" >&2
		rc=1
	fi
	if [ "$rc" -ne 0 ]; then
		echo "demo: boot $1 failed; see $OUT/boot$1/guest.log and console.log" >&2
		exit 1
	fi
}

boot 1
echo
echo "=== 4. Reboot the guest: power off, start again with the same disk image and TPM state"
boot 2
echo
echo "demo: steps 0-7 done in $(since "$t_start") s (guest kernel $kver)"
