# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The shared part of scripts/check.sh and scripts/check-debug.sh, sourced
# after setting SUITE (the name in messages) and cd'ing to the repository:
# result directories, totals, build steps, guest boots and the summary line
# "N passed, N failed". Results and logs go to build/results and build/logs,
# with SUITE_SUFFIX appended if set (so check and check-debug keep theirs).

top=$PWD
build=$top/build
results=$build/results${SUITE_SUFFIX:-}
logs=$build/logs${SUITE_SUFFIX:-}
rm -rf "$results" "$logs"
mkdir -p "$results" "$logs"

passed=0 failed=0
start=$(date +%s)
failures=$results/failures.txt
say() { printf '%s\n' "$*"; }
# note_failure TEXT...: remember a failure for the summary, which repeats
# them just above the totals (CI shows only the tail of the output).
note_failure() { printf '%s\n' "$@" >> "$failures"; }
fail_hard() { say "$SUITE: $*" >&2; say "$passed passed, $((failed + 1)) failed"; exit 1; }

# count_tap FILE...: add the ok / not ok lines of TAP files to the totals
# (only top-level results: subtest lines are indented); prints "p f". A
# skipped test ("ok N name # SKIP reason") is not a pass: summary() lists
# the skips with their reasons instead.
count_tap() {
	local p f
	p=$(cat "$@" 2>/dev/null | grep -E '^ok( |$)' | grep -cvE '# SKIP')
	f=$(cat "$@" 2>/dev/null | grep -cE '^not ok( |$)')
	echo "$p $f"
}

# counted NAME TAPFILE CMD...: run CMD with its output (TAP) in TAPFILE and
# add its ok / not ok lines to the totals; a failing CMD that printed no
# "not ok" line counts as one failure. Prints the failures and a total.
counted() {
	local name=$1 tap=$2 rc p f
	shift 2
	"$@" > "$tap" 2>&1
	rc=$?
	read -r p f < <(count_tap "$tap")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		note_failure "[$name] exited $rc without a 'not ok' line; see $tap"
	fi
	grep -A20 -E '^not ok' "$tap" | grep -E '^(not ok|#)' | head -n 40
	grep -E '^not ok' "$tap" | sed "s/^/[$name] /" >> "$failures"
	say "$name: $p passed, $f failed"
	passed=$((passed + p)) failed=$((failed + f))
}

# tally OK DESCRIPTION: one result of the run itself (OK is 0 for a pass).
tally() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1)); say "ok - $2"
	else
		failed=$((failed + 1)); say "not ok - $2"
		note_failure "not ok - $2"
	fi
}

# run_logged LOG WHAT COMMAND...: run COMMAND with its output in $logs/LOG;
# on failure show the log and stop with "WHAT failed".
run_logged() {
	local log=$logs/$1 what=$2
	shift 2
	"$@" > "$log" 2>&1 || { cat "$log"; fail_hard "$what failed"; }
}

# build_module KREL KDIR [MAKE-VAR=VALUE...]: kvault.ko at W=1 into
# build/kmod/KREL, and the test-only kvault_kernel_user.ko that
# crypto_ref_test loads into build/selftests/kmod/KREL.
build_module() {
	run_logged "build-$1.log" "module build for $1" \
		make -s KDIR="$2" "${@:3}" module test-module
}

# warning_free WHAT LOG...: a result line for "the builds in LOG... have no
# compiler warnings".
warning_free() {
	local what=$1
	shift
	! grep -h 'warning:' "$@"
	tally $? "W=1 build is warning-free on $what"
}

build_userspace() {
	run_logged build-userspace.log "userspace build" make -s userspace selftests
}

# boot NAME MODE [RUN-GUEST-OPTION...] -- COMMAND [ARGS...]: one QEMU boot
# (selftests/vm/run-guest.sh; MODE notpm boots without a TPM) running
# COMMAND, with results in build/results/NAME-MODE. Adds the TAP files the
# guest wrote there to the totals, plus one failure for a guest that did not
# finish (no suite-done file) and one for kernel reports in its dmesg.
# BOOT_TIMEOUT (seconds, default 900) bounds the boot.
boot() {
	local name=$1 mode=$2 out=$results/$1-$2 rc p f extra=0 secs opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	if [ "$mode" = notpm ]; then opts+=(--no-tpm); else opts+=(--tpm); fi
	mkdir -p "$out"
	selftests/vm/run-guest.sh "${opts[@]}" --out "$out" --timeout "${BOOT_TIMEOUT:-900}" \
		--quiet -- "$@" > "$logs/guest-$name-$mode.log" 2>&1
	rc=$?
	read -r p f < <(count_tap "$out"/*.tap)
	grep -hE '^not ok' "$out"/*.tap 2>/dev/null | sed "s/^/  [$name $mode] /" | tee -a "$failures"
	if [ ! -f "$out/suite-done" ]; then
		say "  [$name $mode] guest did not finish the suite (exit $rc); see $out/console.log"
		tail -n 30 "$out/console.log" 2>/dev/null | sed 's/^/    /'
		note_failure "  [$name $mode] guest did not finish the suite (exit $rc)"
		extra=$((extra + 1))
	fi
	if ! selftests/vm/dmesg-check.sh "$out/dmesg.txt" > "$out/dmesg-reports.txt"; then
		say "  [$name $mode] kernel reports in dmesg:"
		sed 's/^/    /' "$out/dmesg-reports.txt" | head -n 40
		note_failure "  [$name $mode] kernel reports in dmesg:"
		sed 's/^/    /' "$out/dmesg-reports.txt" | head -n 10 >> "$failures"
		extra=$((extra + 1))
	fi
	secs=$(cat "$out/boot-seconds" 2>/dev/null || echo '?')
	say "$name ($mode): $p passed, $((f + extra)) failed (boot ${secs}s)"
	passed=$((passed + p)) failed=$((failed + f + extra))
}

# summary: the final lines; the exit status is the verdict.
summary() {
	local skips
	skips=$(find "$results" -name '*.tap' -exec grep -hE '^ok .*# SKIP' {} + 2>/dev/null)
	if [ -n "$skips" ]; then
		say "skipped (not counted as passed): $(grep -c . <<<"$skips")"
		sed 's/^ok [0-9]* */  /' <<<"$skips" | sort | uniq -c
	fi
	if [ -s "$failures" ]; then
		say "failures: $(grep -c '' "$failures") line(s), also in $failures"
		head -n 40 "$failures"
	fi
	say "== done in $(( $(date +%s) - start ))s; results in $results"
	say "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
