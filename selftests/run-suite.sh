#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (started by scripts/check.sh through vm/run-guest.sh):
# load kvault.ko, run this boot's selftests, unload. Each test binary's TAP
# goes to $KVAULT_RESULTS/<test>.tap; load/unload results to suite.tap.
#
# usage: run-suite.sh tpm|notpm KVAULT_KO SELFTEST_DIR KVAULTCTL_DIR
set -u
mode=$1 ko=$2 bindir=$3 ctldir=$4
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
export PATH="$ctldir:$PATH" KVAULT_KO="$ko"

case "$mode" in
tpm) tests="status_test pcr_test ioctl_abi_test netlink_abi_test permissions_test cli_test key_lifecycle_test key_keyctl_test key_netlink_test key_permissions_test key_cli_test key_use_test key_material_test key_stress_test seal_test crypto_ref_test key_unload_test load_test" ;;
notpm) tests="notpm_test" ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac

n=0
suite() {	# suite ok|not-ok description
	n=$((n + 1))
	if [ "$1" = ok ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi >> "$out/suite.tap"
}

echo "TAP version 13" > "$out/suite.tap"
if insmod "$ko"; then
	suite ok "insmod kvault.ko"
else
	suite not-ok "insmod kvault.ko"
	echo "1..$n" >> "$out/suite.tap"
	exit 1
fi

# A test binary that crashed, is missing or stopped early prints no "not ok"
# for the tests it never ran: its plan and exit code show it. (The harness
# exits 0 when all pass, 4 when all were skipped.)
binary_finished() {	# binary_finished NAME EXIT-CODE
	tap=$out/$1.tap
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" 2>/dev/null | head -n 1)
	ran=$(grep -scE '^(ok|not ok) ' "$tap")
	ran=${ran:-0}
	if [ -z "$plan" ] || [ "$ran" -ne "$plan" ]; then
		suite not-ok "$1 reported $ran of ${plan:-an unknown number of} tests (exit $2)"
	elif [ "$2" -ne 0 ] && [ "$2" -ne 4 ] && ! grep -q '^not ok ' "$tap"; then
		suite not-ok "$1 exited $2 with no failed test"
	fi
}

# Seconds per test binary go to test-seconds: the kselftest harness kills a
# test after its timeout, and these show how close a loaded host gets.
for t in $tests; do
	echo "== $t"
	t0=$(date +%s)
	"$bindir/$t" > "$out/$t.tap" 2>&1
	rc=$?
	echo "$t $(($(date +%s) - t0))" >> "$out/test-seconds"
	echo "== $t exited $rc"
	cat "$out/$t.tap"
	binary_finished "$t" "$rc"
done

if rmmod kvault; then
	suite ok "rmmod kvault"
else
	suite not-ok "rmmod kvault"
fi
if [ ! -e /dev/kvault ] && [ ! -e /sys/class/kvault ]; then
	suite ok "unload removed /dev/kvault and its class"
else
	suite not-ok "unload removed /dev/kvault and its class"
fi
echo "1..$n" >> "$out/suite.tap"
echo "done" > "$out/suite-done"
