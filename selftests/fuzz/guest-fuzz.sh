#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (started by scripts/fuzz.sh through vm/run-guest.sh):
# load kvault.ko, run kvault_fuzz with the remaining arguments, unload.
# kvault_fuzz writes its report, reproducers and ring logs to
# $KVAULT_RESULTS; load/unload results go to $KVAULT_RESULTS/fuzz-suite.tap.
#
# usage: guest-fuzz.sh KVAULT_KO KVAULT_FUZZ [kvault_fuzz args...]
set -u
ko=$1 fuzz=$2
shift 2
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
tap=$out/fuzz-suite.tap

n=0
step() {	# step DESCRIPTION COMMAND...: one TAP line for COMMAND's status
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then r=ok; else r="not ok"; fi
	echo "$r $n $desc" >> "$tap"
	[ "$r" = ok ]
}
# shellcheck disable=SC2317 # called through step()
gone() { [ ! -e /dev/kvault ] && [ ! -e /sys/class/kvault ]; }

echo "TAP version 13" > "$tap"
step "insmod kvault.ko" insmod "$ko" || { echo "1..$n" >> "$tap"; exit 1; }
"$fuzz" --out "$out" "$@"
rc=$?
echo "kvault_fuzz exited $rc"
step "rmmod kvault after fuzzing" rmmod kvault
step "unload removed /dev/kvault and its class" gone
echo "1..$n" >> "$tap"
echo "done" > "$out/fuzz-done"
exit "$rc"
