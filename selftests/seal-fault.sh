#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TPM fault (issue 5): kill swtpm in the middle of kvault's unseals. Boots
# KVER running selftests/seal-fault-guest.sh, waits until the guest says it
# is unsealing in a loop ($OUT/kill-now), lets it run for --delay seconds,
# then kills swtpm (its pid from run-guest.sh's $OUT/swtpm.pid) with
# SIGKILL. The guest checks that every attempt ends within a bound, that
# unsealing and sealing fail (EIO) after the kill, and that kvault unloads;
# the host checks that the guest finished and that dmesg has no kernel
# report. Prints TAP.
#
# Recovery when a TPM comes back is not tested: QEMU's tpm-emulator backend
# sets up its data channel to swtpm once, at VM start (CMD_SET_DATAFD on
# the control socket), and does not reconnect, so a restarted swtpm is not
# reachable from the running guest.
#
# usage: selftests/seal-fault.sh --kernel KVER --ko KVAULT_KO --out DIR
#          [--delay SEC (1)] [--timeout SEC (900)]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KVER='' KO='' OUT='' DELAY=1 TIMEOUT=900
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--ko) KO=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--delay) DELAY=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	*) echo "seal-fault: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -f "$KO" ] && [ -n "$OUT" ]; } ||
	{ sed -n '17,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/kill-now" "$OUT/fault-done" "$OUT/fault.res"

echo "TAP version 13"
n=0
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

"$HERE/vm/run-guest.sh" --kernel "$KVER" --tpm --out "$OUT" --timeout "$TIMEOUT" \
	--quiet -- "$HERE/seal-fault-guest.sh" "$KO" >"$OUT/run.log" 2>&1 &
rg=$!
killed=1
while kill -0 "$rg" 2>/dev/null; do
	if [ -e "$OUT/kill-now" ] && [ -s "$OUT/swtpm.pid" ]; then
		sleep "$DELAY"
		pid=$(cat "$OUT/swtpm.pid")
		if kill -KILL "$pid" 2>/dev/null; then
			killed=0
			echo "# killed swtpm (pid $pid) ${DELAY}s after the guest started unsealing"
		fi
		break
	fi
	sleep 0.1
done
wait "$rg"
rc=$?
tap "$killed" "swtpm was killed while the guest was unsealing"
if [ -f "$OUT/fault.res" ]; then
	while read -r status rest; do
		case $status in
		ok) tap 0 "${rest#- }" ;;
		not) tap 1 "${rest#ok - }" ;;
		esac
	done <"$OUT/fault.res"
fi
[ -f "$OUT/attempts" ] && sed 's/^/# attempt /' "$OUT/attempts" | tail -n 6
tap "$([ -e "$OUT/fault-done" ]; echo $?)" "the guest finished (run-guest exit $rc)"
[ -e "$OUT/fault-done" ] || tail -n 30 "$OUT/console.log" 2>/dev/null | sed 's/^/# console: /'
"$HERE/vm/dmesg-check.sh" "$OUT/dmesg.txt" >"$OUT/dmesg-reports.txt" 2>&1
r=$?
tap "$r" "no kernel reports in dmesg"
[ "$r" -eq 0 ] || sed 's/^/# /' "$OUT/dmesg-reports.txt" | head -n 30
echo "1..$n"
