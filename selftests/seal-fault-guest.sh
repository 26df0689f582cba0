#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of selftests/seal-fault.sh: seal a key, then unseal its
# blob in a loop while the host kills swtpm (it watches for
# $KVAULT_RESULTS/kill-now). Every attempt must end, with success before
# the kill and an error after it, within a bounded time; then sealing must
# fail too (EIO), and kvault must unload cleanly.
#
# usage: seal-fault-guest.sh KVAULT_KO
# Writes "ok - ..." / "not ok - ..." lines to $KVAULT_RESULTS/fault.res and
# one line per attempt ("N exit seconds") to $KVAULT_RESULTS/attempts.
set -u
ko=$1
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
res=$out/fault.res
: >"$res"
: >"$out/attempts"
ok() { echo "ok - guest: $*" >>"$res"; echo "ok - $*"; }
fail() { echo "not ok - guest: $*" >>"$res"; echo "NOT OK - $*"; }
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; fi
}
now() { cut -d' ' -f1 /proc/uptime; }
LIMIT=${KV_FAULT_LIMIT:-150}	# seconds one attempt may take

check "insmod kvault.ko" insmod "$ko" || exit 1
k=$(keyctl add kvault f-key "new hmac-sha256 pcrs=sha256:7" @u)
check "seal a key (keyctl new ... pcrs=sha256:7): $k" test -n "$k" || exit 1
hex=$(keyctl pipe "$k")
l=$(keyctl add kvault f-load0 "load $hex" @u)
check "unseal its blob while the TPM is up: $l" test -n "$l"

# keep unsealing until one fails; once the loop's first unseal has worked,
# tell the host to kill swtpm (a loaded host can make that first one slow,
# and a kill before it would test nothing)
i=1 first_fail=0 slow=0 ok_after=0
while [ "$i" -le 400 ]; do
	t0=$(now)
	keyctl add kvault "f-load$i" "load $hex" @u >/dev/null 2>"$out/err$i"
	rc=$?
	t1=$(now)
	d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "$i $rc $d $(cat "$out/err$i")" >>"$out/attempts"
	rm -f "$out/err$i"
	awk -v d="$d" -v l="$LIMIT" 'BEGIN { exit !(d > l) }' && slow=$((slow + 1))
	[ "$i" -eq 1 ] && [ "$rc" -eq 0 ] && now >"$out/kill-now"
	if [ "$rc" -ne 0 ] && [ "$first_fail" -eq 0 ]; then
		first_fail=$i
	elif [ "$rc" -eq 0 ] && [ "$first_fail" -ne 0 ]; then
		ok_after=$((ok_after + 1))
	fi
	[ "$first_fail" -ne 0 ] && [ "$i" -ge $((first_fail + 3)) ] && break
	i=$((i + 1))
done
check "an unseal failed after the kill (attempt $first_fail of $i)" test "$first_fail" -ne 0
check "...with EIO" sh -c "grep '^$first_fail ' '$out/attempts' | grep -q 'Input/output error'"
check "unseals worked until the kill ($((first_fail - 1)) did)" test "$first_fail" -gt 1
check "no attempt took more than ${LIMIT}s" test "$slow" -eq 0
check "no unseal succeeded after the first failure" test "$ok_after" -eq 0
tail -n 4 "$out/attempts"

# sealing fails too, within the bound, with EIO
t0=$(now)
keyctl add kvault f-seal2 "new aes-128 pcrs=sha256:7" @u >/dev/null 2>"$out/seal-err"
rc=$?
t1=$(now)
d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
check "sealing without a TPM fails (exit $rc, ${d}s: $(cat "$out/seal-err"))" test "$rc" -ne 0
check "...with EIO" grep -q 'Input/output error' "$out/seal-err"
check "...within ${LIMIT}s" awk -v d="$d" -v l="$LIMIT" 'BEGIN { exit !(d <= l) }'
# keys without sealing still work
check "a key without sealing can still be created" \
	sh -c "keyctl add kvault f-plain 'new aes-128' @u >/dev/null"
check "rmmod kvault" rmmod kvault
echo "done" >"$out/fault-done"
