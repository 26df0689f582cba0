#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of selftests/seal-bus-check.sh (swtpm logs every TPM
# command and response in hex): import two keys of known material with
# allow_plaintext_import=1 and seal them at creation, one with a PIN; load
# (unseal) both from their blobs; and, as the host's self-check, seal and
# unseal a canary with tpm2-tools without parameter encryption, so that
# the canary is on the bus in clear.
#
# usage: seal-bus-guest.sh KVAULT_KO   (env: KV_M1 KV_M2 KV_CANARY hex,
#                                       KV_PIN)
# Writes "ok - ..." / "not ok - ..." lines to $KVAULT_RESULTS/bus.res.
set -u
ko=$1
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
res=$out/bus.res
: >"$res"
ok() { echo "ok - guest: $*" >>"$res"; echo "ok - $*"; }
fail() { echo "not ok - guest: $*" >>"$res"; echo "NOT OK - $*"; }
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}
unhex() { perl -ne 'chomp; print pack("H*", $_)'; }
param=/sys/module/kvault/parameters/allow_plaintext_import

check "insmod kvault.ko" insmod "$ko" || exit 1
echo 1 >"$param"
k1=$(keyctl add kvault bus-1 "import secret-64 $KV_M1 pcrs=sha256:7" @u)
check "import + seal material 1 (secret-64, no PIN): $k1" test -n "$k1"
k2=$(keyctl add kvault bus-2 "import hmac-sha256 $KV_M2 pcrs=sha256:7,16 pin=$KV_PIN" @u)
check "import + seal material 2 (hmac-sha256, PIN): $k2" test -n "$k2"
echo 0 >"$param"

b1=$(keyctl pipe "$k1")
b2=$(keyctl pipe "$k2")
l1=$(keyctl add kvault bus-1l "load $b1" @u)
check "load (unseal) material 1: $l1" test -n "$l1"
l2=$(keyctl add kvault bus-2l "load $b2 pin=$KV_PIN" @u)
check "load (unseal) material 2 with its PIN: $l2" test -n "$l2"
printf 'bus check' >/tmp/d
keyctl pkey_sign "$k2" 0 /tmp/d >/tmp/d.sig
check "the unsealed key 2 signs as the imported one" \
	sh -c "test -s /tmp/d.sig && keyctl pkey_sign $l2 0 /tmp/d | cmp - /tmp/d.sig"
rmmod kvault

# the self-check's canary, in clear: tpm2-tools without session encryption
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
mkdir -p /tmp/c && cd /tmp/c || exit 1
printf '%s' "$KV_CANARY" | unhex >canary
check "tpm2-tools seal and unseal the canary in clear" sh -c '
	tpm2_createprimary -Q -C o -G ecc -c p.ctx &&
	tpm2_create -Q -C p.ctx -i canary -u pub -r priv &&
	tpm2_load -Q -C p.ctx -u pub -r priv -c o.ctx &&
	tpm2_unseal -c o.ctx -o out && cmp out canary'
echo done >"$out/bus-done"
