#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (started by scripts/bench.sh through
# vm/run-guest.sh): load kvault.ko, run kvault_bench with the remaining
# arguments, unload (timed). Writes to $KVAULT_RESULTS: bench.txt (the
# report), bench.json, bench-progress.log (progress and errors, readable
# on the host while it runs) and rmmod.txt.
#
# usage: guest-bench.sh KVAULT_KO KVAULT_BENCH [kvault_bench args...]
set -u
ko=$1 bench=$2
shift 2
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}

now() { date +%s.%N; }

if ! insmod "$ko"; then
	echo "guest-bench: insmod $ko failed" >&2
	exit 1
fi
"$bench" --json "$out/bench.json" "$@" >"$out/bench.txt" 2>"$out/bench-progress.log"
rc=$?
echo "kvault_bench exited $rc"
[ "$rc" -eq 0 ] || tail -n 5 "$out/bench-progress.log"

keys=$(awk '$8 == "kvault" { n++ } END { print n + 0 }' /proc/keys 2>/dev/null)
t0=$(now)
rmmod kvault
rrc=$?
t1=$(now)
awk -v a="$t0" -v b="$t1" -v k="$keys" -v r="$rrc" 'BEGIN {
	printf "rmmod kvault: %.2f s with %d vault keys left (exit %d)\n", b - a, k, r }' \
	>"$out/rmmod.txt"
cat "$out/rmmod.txt"
[ "$rrc" -eq 0 ] || { echo "guest-bench: rmmod kvault failed" >&2; [ "$rc" -ne 0 ] || rc=1; }
exit "$rc"
