#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bus check (issue 5): no key byte and no PIN crosses the TPM interface
# in clear. Boots KVER with swtpm logging at level 20 (every command and
# response in hex), runs selftests/seal-bus-guest.sh (import known material,
# seal, unseal; a tpm2-tools canary in clear), then parses the log on the
# host into one byte stream per command and per response and asserts:
#
#  - the log holds TPM2_Create (0x153) and TPM2_Unseal (0x15E) commands of
#    kvault's (so the check cannot pass vacuously), and the canary is found
#    where tpm2-tools sent it in clear (so the search works);
#  - kvault's Create commands have a decrypt session and its Unseal
#    commands an encrypt session (parameter encryption asked for);
#  - neither material (any 8 bytes of it, raw or as hex text) nor the PIN
#    (any 8 bytes) is in any command or response.
#
# Prints TAP. Run by scripts/check.sh for each kernel.
#
# usage: selftests/seal-bus-check.sh --kernel KVER --ko KVAULT_KO --out DIR
#          [--timeout SEC (300)]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KVER='' KO='' OUT='' TIMEOUT=300
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	*) echo "seal-bus-check: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -f "$KO" ] && [ -n "$OUT" ]; } ||
	{ sed -n '19,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

hexof() { printf '%s' "$1" | sha512sum | cut -c1-"$2"; }
M1=$(hexof "kvault bus check: material 1" 128)	# secret-64
M2=$(hexof "kvault bus check: material 2" 64)	# hmac-sha256
CANARY=$(hexof "kvault bus check: canary" 64)
PIN=BusPin-7f3a9c2e

"$HERE/vm/run-guest.sh" --kernel "$KVER" --tpm --tpm-log-level 20 --out "$OUT" \
	--timeout "$TIMEOUT" --env "KV_M1=$M1" --env "KV_M2=$M2" \
	--env "KV_CANARY=$CANARY" --env "KV_PIN=$PIN" --quiet -- \
	"$HERE/seal-bus-guest.sh" "$KO" >"$OUT/run.log" 2>&1
rc=$?

"$HERE/vm/dmesg-check.sh" "$OUT/dmesg.txt" >"$OUT/dmesg-reports.txt" 2>&1
dm=$?
M1=$M1 M2=$M2 CANARY=$CANARY PIN=$PIN RC=$rc DMESG=$dm OUT=$OUT perl "$HERE/seal-bus-scan.pl"
