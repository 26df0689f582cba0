#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of selftests/seal-reboot.sh: one boot of the reboot
# persistence test. The --disk image is mounted at the key store path
# (/var/lib/kvault, kvaultctl's default); records of what boot 1 produced
# live on it too (test-records/), as files on a real disk would.
#
#   boot 1: create an HMAC key (ioctl, kvaultctl) and seal it to sha256:7,16
#           into the store; create an AES key sealed at creation through
#           keyctl ("new aes-256 pcrs=sha256:7") and store its blob from
#           keyctl pipe; sign known data with the HMAC key and encrypt it
#           with the AES key; record both outputs on the disk.
#   boot 2: kvaultctl load-all; the HMAC key signs the data to the same
#           bytes, the AES key decrypts boot 1's ciphertext; key check.
#   boot 3: extend PCR 16 (tpm2_pcrextend, not the boot lock) first; then
#           load-all loads the AES key and refuses the HMAC key, naming
#           PCR 16; key load and key check say the same; the blob files
#           are intact.
#
# usage: seal-reboot-guest.sh 1|2|3 KVAULT_KO KVAULTCTL_DIR SELFTEST_DIR
# (SELFTEST_DIR has pkey_tool, which encrypts and decrypts with an AES key
# through keyctl(KEYCTL_PKEY_*) with each direction's own size; see pkey_tool.c)
# Writes "ok - ..." / "not ok - ..." lines (numbered by the host) to
# $KVAULT_RESULTS/reboot.res; details to stdout (guest.log).
set -u
phase=$1 ko=$2 ctldir=$3 bindir=$4
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
export PATH="$ctldir:$PATH"
store=/var/lib/kvault
rec=$store/test-records
res=$out/reboot.res
data=/tmp/reboot-data
: >"$res"

# shellcheck source=selftests/reboot-guest-lib.sh
. "$(dirname "$0")/reboot-guest-lib.sh"
# hex text (keyctl pipe) to bytes
unhex() { perl -ne 'chomp; print pack("H*", $_)'; }

mount_store
check "insmod kvault.ko" insmod "$ko" || { umount "$store"; exit 1; }
printf 'kvault reboot persistence test data\n' >"$data"
echo "PCRs: $(tpm2_pcrread sha256:7,16 2>&1 | tr -s ' \n' ' ')"

case $phase in
1)
	mkdir -p "$rec"
	check "key create rb-mac" kvaultctl key create rb-mac --alg hmac-sha256
	check "key seal rb-mac --pcrs sha256:7,16 (into the store)" \
		kvaultctl key seal rb-mac --pcrs sha256:7,16
	check "the store file is mode 0600" \
		test "$(stat -c %a "$store/rb-mac.blob" 2>/dev/null)" = 600
	id=$(key_id rb-mac)
	check "key rb-mac has an ID ($id)" test -n "$id"
	check "sign the data with rb-mac" \
		sh -c "keyctl pkey_sign $id 0 $data >$rec/rb-mac.sig"
	check "the signature is version 1 + 32 bytes" \
		test "$(stat -c %s "$rec/rb-mac.sig" 2>/dev/null)" = 36
	aes=$(keyctl add kvault rb-aes "new aes-256 pcrs=sha256:7" @u)
	check "keyctl add rb-aes \"new aes-256 pcrs=sha256:7\" ($aes)" test -n "$aes"
	keyctl pipe "$aes" | unhex >"$store/rb-aes.blob"
	check "keyctl pipe rb-aes into the store" test -s "$store/rb-aes.blob"
	chmod 600 "$store/rb-aes.blob"
	check "encrypt the data with rb-aes" \
		sh -c "$bindir/pkey_tool encrypt $aes $data >$rec/rb-aes.ct && test -s $rec/rb-aes.ct"
	ls -l "$store" "$rec"
	;;
2)
	kvaultctl load-all >/tmp/load-all.txt 2>&1
	rc=$?
	cat /tmp/load-all.txt
	check "load-all succeeds" test "$rc" -eq 0
	check "load-all loaded 2 keys" grep -q '^load-all: 2 loaded, 0 failed' /tmp/load-all.txt
	id=$(key_id rb-mac)
	check "rb-mac is loaded ($id)" test -n "$id"
	check "rb-mac signs the data to boot 1's bytes" \
		sh -c "keyctl pkey_sign $id 0 $data | cmp - $rec/rb-mac.sig"
	check "rb-mac verifies boot 1's signature" \
		keyctl pkey_verify "$id" 0 "$data" "$rec/rb-mac.sig"
	aes=$(key_id rb-aes)
	check "rb-aes is loaded ($aes)" test -n "$aes"
	check "rb-aes decrypts boot 1's ciphertext to the data" \
		sh -c "$bindir/pkey_tool decrypt $aes $rec/rb-aes.ct | cmp - $data"
	check "key check rb-mac: would unseal" kvaultctl key check rb-mac
	;;
3)
	check "extend PCR 16 (tpm2_pcrextend)" env TPM2TOOLS_TCTI=device:/dev/tpmrm0 \
		tpm2_pcrextend 16:sha256=0000000000000000000000000000000000000000000000000000000000000016
	cp "$store/rb-mac.blob" /tmp/rb-mac.blob.before
	kvaultctl load-all >/tmp/load-all.txt 2>&1
	rc=$?
	cat /tmp/load-all.txt
	check "load-all fails (exit 1)" test "$rc" -eq 1
	check "load-all: rb-aes (sha256:7) loaded" grep -q '^rb-aes: loaded' /tmp/load-all.txt
	check "load-all: rb-mac failed" grep -q '^rb-mac: failed' /tmp/load-all.txt
	check "load-all's reason names PCR 16" grep -q '^rb-mac: failed.*PCR 16' /tmp/load-all.txt
	check "rb-mac is not loaded" sh -c "! kvaultctl key show rb-mac >/dev/null 2>&1"
	kvaultctl key load rb-mac >/tmp/load.txt 2>&1
	rc=$?
	cat /tmp/load.txt
	check "key load rb-mac is refused (exit 1)" test "$rc" -eq 1
	check "key load names PCR 16" grep -q 'PCR 16 differs' /tmp/load.txt
	check "key load names no other PCR" sh -c "! grep -E 'PCR ([0-9]|1[0-5]|1[7-9]|2[0-3]) differs' /tmp/load.txt"
	kvaultctl key check rb-mac >/tmp/check.txt 2>&1
	rc=$?
	cat /tmp/check.txt
	check "key check rb-mac: would not unseal (exit 1)" test "$rc" -eq 1
	check "key check names PCR 16" grep -q 'PCR 16 differs' /tmp/check.txt
	check "the refused blob is intact" cmp "$store/rb-mac.blob" /tmp/rb-mac.blob.before
	;;
*)
	fail "unknown phase $phase"
	;;
esac

rmmod kvault
umount "$store"
exit 0
