#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside a debug-kernel guest (scripts/check-debug.sh, through
# vm/run-guest.sh and vm/debug-guest.sh): kvault under memory-allocation
# fault injection. The kernel must stay clean; the tests' verdicts under
# injection do not count.
#
# usage: fault-injection.sh KVAULT_KO SELFTEST_DIR KVAULTCTL_DIR
#
# 1. insmod, then aim failslab and fail_page_alloc (debugfs) at kvault only:
#    require-start/-end = kvault's core text ([.text, .text + coresize)), so
#    an allocation fails only when kvault is within the innermost
#    stacktrace-depth frames of its call stack: depth 32 (default) takes in
#    the allocations the kernel makes on kvault's behalf (netlink skbs, the
#    TPM core) as well as kvault's own (kmalloc, tpm_buf_init's page).
#    Probability KVAULT_FAIL_PROBABILITY % (default 20), interval 1, verbose
#    0 (no log lines, so dmesg stays clean), ignore-gfp-wait off, min-order
#    0. `times` starts at 1000000 and counts down by one for each injected
#    failure: that is the count reported.
# 2. Run the TPM selftests (run-suite.sh's list, less those that reload
#    kvault) and KVAULT_LOOPS (default 25) rounds of kvaultctl
#    status / pcr read over ioctl and netlink with injection on. Each must
#    finish (no hang: a timeout fails); their verdicts and outputs go to
#    injected-*.log, not to TAP.
# 3. Injection off: status_test and pcr_test must pass again (their TAP is
#    counted), rmmod must succeed and remove /dev/kvault.
# 4. KVAULT_LOADS (default 15) insmods with injection aimed at any module
#    text (kvault is the only module of the debug kernel; checked) at
#    KVAULT_LOAD_PROBABILITY % (default 8): each load either fails cleanly
#    (no module, no /dev/kvault left) or gives a working module that
#    unloads. Stack depth 8 here (KVAULT_LOAD_DEPTH): allocations kvault's
#    init makes itself and those of the kernel helpers it calls directly
#    (measured on this kernel: a direct kmalloc caller is 5 frames from the
#    fault-injection check, a __get_free_page caller 4). Deeper, failures
#    inside 6.1's driver-core registration leak on their own
#    (__class_register forgets the class name when kset_register fails),
#    which is not kvault's to fix.
# Results: fault-injection.tap (counted), fault-injection.txt (figures),
# suite-done. kmemleak is scanned afterwards by vm/debug-guest.sh.
set -u
ko=$1 bindir=$2 ctldir=$3
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
export PATH="$ctldir:$PATH" KVAULT_KO="$ko"
prob=${KVAULT_FAIL_PROBABILITY:-20}
loops=${KVAULT_LOOPS:-25}
loads=${KVAULT_LOADS:-15}
load_prob=${KVAULT_LOAD_PROBABILITY:-8}
depth=${KVAULT_FAIL_DEPTH:-32} load_depth=${KVAULT_LOAD_DEPTH:-8}
# The TPM suite of run-suite.sh, less the tests that load or unload kvault
# themselves (their source reads KVAULT_KO): a reload moves kvault's text
# out of the aimed range.
here=$(cd "$(dirname "$0")" && pwd)
tests=''
# shellcheck disable=SC2013 # words: the list is one line
for t in $(sed -n 's/^tpm) tests="\(.*\)" ;;$/\1/p' "$here/run-suite.sh"); do
	grep -q KVAULT_KO "$here/$t.c" 2>/dev/null || tests="$tests $t"
done
dbg=/sys/kernel/debug
attrs="failslab fail_page_alloc"
times=1000000
tap=$out/fault-injection.tap
n=0

# result STATUS DESCRIPTION: a TAP line (STATUS 0 is ok).
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi | tee -a "$tap"
}
note() { echo "$*" | tee -a "$out/fault-injection.txt"; }
finish() { echo "1..$n" >> "$tap"; echo finished > "$out/suite-done"; exit 0; }

# aim START END PROBABILITY DEPTH: fail allocations with PROBABILITY % when
# one of the DEPTH innermost return addresses of their call stack is in
# [START, END); resets the counters.
aim() {
	local a d
	for a in $attrs; do
		d=$dbg/$a
		echo 0 > "$d/probability"
		echo N > "$d/task-filter"
		echo N > "$d/ignore-gfp-wait"
		echo "$4" > "$d/stacktrace-depth"
		echo "$1" > "$d/require-start"
		echo "$2" > "$d/require-end"
		echo 1 > "$d/interval"
		echo 0 > "$d/verbose"
		echo 0 > "$d/space"
		echo "$times" > "$d/times"
	done
	echo 0 > "$dbg/fail_page_alloc/min-order"
	echo N > "$dbg/fail_page_alloc/ignore-gfp-highmem"
	for a in $attrs; do echo "$3" > "$dbg/$a/probability"; done
}
injection_off() { local a; for a in $attrs; do echo 0 > "$dbg/$a/probability"; done; }
# injected ATTR: failures injected by ATTR since the last aim.
injected() { echo $((times - $(cat "$dbg/$1/times"))); }
hex() { printf '0x%016x' "$1"; }
kvault_gone() { [ ! -e /dev/kvault ] && [ ! -e /sys/module/kvault ]; }

echo "TAP version 13" > "$tap"
: > "$out/fault-injection.txt"
[ -n "$tests" ]
result $? "selftests to run under injection:$tests"
for a in $attrs; do
	[ -w "$dbg/$a/require-start" ] || {
		result 1 "$a with the stack-trace filter in debugfs (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER)"
		finish
	}
done
insmod "$ko"
result $? "insmod kvault.ko"
[ -e /sys/module/kvault ] || finish

# --- 1 + 2: the selftests and kvaultctl under injection ----------------------
text=$(cat /sys/module/kvault/sections/.text)
size=$(cat /sys/module/kvault/coresize)
start=$(hex "$text") end=$(hex $((text + size)))
note "kvault core text [$start, $end), probability $prob %, stack depth $depth"
aim "$start" "$end" "$prob" "$depth"
hung=0
for t in $tests; do
	timeout -k 10 600 "$bindir/$t" > "$out/injected-$t.log" 2>&1
	rc=$?
	[ $rc -lt 124 ] || [ $rc -gt 128 ] || hung=$((hung + 1))
	note "under injection: $t exited $rc ($(grep -cE '^ok ' "$out/injected-$t.log") ok, $(grep -cE '^not ok ' "$out/injected-$t.log") not ok)"
done
ok=0 bad=0
for i in $(seq "$loops"); do
	for cmd in "status" "pcr read" "pcr read --bank sha1 0-23" "--netlink status" \
		"--netlink pcr read" "--netlink pcr read --bank sha384 0,7,16"; do
		# shellcheck disable=SC2086 # cmd is a word list
		if timeout -k 10 60 kvaultctl $cmd >> "$out/injected-kvaultctl.log" 2>&1; then
			ok=$((ok + 1))
		else
			rc=$?
			bad=$((bad + 1))
			[ $rc -lt 124 ] || [ $rc -gt 128 ] || hung=$((hung + 1))
		fi
	done
done
slab=$(injected failslab) page=$(injected fail_page_alloc)
injection_off
enomem=$(grep -ch 'Cannot allocate memory' "$out"/injected-*.log | awk '{ s += $1 } END { print s + 0 }')
note "under injection: kvaultctl $((ok + bad)) runs: $ok succeeded, $bad failed"
note "injected: $slab slab + $page page allocation failures; 'Cannot allocate memory' seen $enomem times"
result "$hung" "every test and kvaultctl run under injection finished ($hung hung or killed)"
[ $((slab + page)) -gt 0 ]
result $? "faults were injected into kvault ($slab slab, $page page)"

# --- 3: injection off, the module still works and unloads ---------------------
for t in status_test pcr_test; do
	"$bindir/$t" > "$out/$t.tap" 2>&1
	result $? "$t passes after injection"
done
rmmod kvault
result $? "rmmod kvault after injection"
kvault_gone
result $? "unload removed /dev/kvault"

# --- 4: loads under injection -----------------------------------------------
# Any return address above the kernel image is module text; kvault is the
# only module this kernel has, so that aims at kvault's init and exit.
# With kvault unloaded, the highest symbol is the end of the kernel image.
kend=0x$(awk '{ print $1 }' /proc/kallsyms | sort | tail -n 1)
mods=$(wc -l < /proc/modules)
# (Both addresses are in the top half: their signed order is the same.)
[ $((text)) -gt $((kend)) ] && [ "$mods" -eq 0 ]
result $? "all module text is kvault's (kernel image ends at $kend, kvault was at $start, $mods modules now)"
loaded=0 refused=0 broken=0 lslab=0 lpage=0
for i in $(seq "$loads"); do
	aim "$kend" 0xffffffffffffffff "$load_prob" "$load_depth"
	insmod "$ko" 2> "$out/injected-insmod.log"
	rc=$?
	injection_off
	lslab=$((lslab + $(injected failslab))) lpage=$((lpage + $(injected fail_page_alloc)))
	if [ $rc -eq 0 ]; then
		loaded=$((loaded + 1))
		if ! { kvaultctl status > /dev/null 2>&1 && rmmod kvault && kvault_gone; }; then
			broken=$((broken + 1)); note "load $i: loaded but not working or not unloading"
			rmmod kvault 2>/dev/null
		fi
	else
		refused=$((refused + 1))
		kvault_gone || { broken=$((broken + 1)); note "load $i: insmod failed but left kvault behind"; }
	fi
done
note "loads under injection ($load_prob %, stack depth $load_depth): $loaded loaded and worked, $refused refused; injected $lslab slab + $lpage page failures"
result "$broken" "every load under injection either failed cleanly or worked ($loaded loaded, $refused refused, $broken broken)"
finish
