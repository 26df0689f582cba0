#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside a debug-kernel guest (scripts/check-debug.sh through
# run-guest.sh): debug-guest.sh COMMAND [ARGS...]
# Runs COMMAND between two kmemleak checkpoints. Before: a scan, then
# `clear`, so that suspects from boot (not kvault's doing) are forgotten.
# After: waits for the last objects to age past kmemleak's 5 s reporting
# threshold, scans twice (a short sleep between), and keeps the report in
# $KVAULT_RESULTS/kmemleak.txt with its verdict in kmemleak.tap. Exits with
# COMMAND's status.
set -u
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
kml=/sys/kernel/debug/kmemleak

[ -w "$kml" ] && { echo scan > "$kml"; echo clear > "$kml"; }
"$@"
rc=$?

{
	echo "TAP version 13"
	if [ ! -w "$kml" ]; then
		echo "not ok 1 kmemleak is active (no $kml)"
	else
		sleep 6
		echo scan > "$kml"
		sleep 2
		echo scan > "$kml"
		cat "$kml" > "$out/kmemleak.txt"
		leaks=$(grep -c '^unreferenced object' "$out/kmemleak.txt")
		if [ "$leaks" -eq 0 ]; then
			echo "ok 1 kmemleak: no new suspected leaks"
		else
			echo "not ok 1 kmemleak: $leaks new suspected leaks (see kmemleak.txt)"
		fi
	fi
	echo "1..1"
} > "$out/kmemleak.tap"
cat "$out/kmemleak.tap"
exit "$rc"
