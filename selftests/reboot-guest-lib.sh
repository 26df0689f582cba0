# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2154 # phase, res and store are set by the caller
# The guest side shared by the multi-boot tests (seal-reboot-guest.sh,
# crypto-volume-guest.sh): result lines "ok - boot N: ..." / "not ok - ..."
# into $res (numbered by the host, selftests/reboot-lib.sh), details on
# stdout (guest.log). Sourced after setting phase and res.

ok() { echo "ok - boot $phase: $*" >>"$res"; echo "ok - $*"; }
fail() { echo "not ok - boot $phase: $*" >>"$res"; echo "NOT OK - $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}
# id of a vault key by name, from kvaultctl key show --json
key_id() { kvaultctl key show "$1" --json | sed -n 's/.*"id": *\([0-9]*\).*/\1/p'; }

# mount_store: the --disk image at /var/lib/kvault (kvaultctl's key store)
mount_store() {
	if [ -z "${KVAULT_DISK:-}" ] || [ ! -b "$KVAULT_DISK" ]; then
		fail "no disk (run-guest.sh --disk)"
		exit 1
	fi
	mkdir -p "$store"
	check "mount the disk at $store" mount -t ext4 "$KVAULT_DISK" "$store" || exit 1
}
