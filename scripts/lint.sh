#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make lint`: kvault's static checks and the sanitizer run of the host unit
# tests. One TAP line per check, the findings of each failed check after it;
# exits 1 if any check failed, 2 on bad usage.
#
#   scripts/lint.sh              every check
#   scripts/lint.sh sparse w1    only these
#   scripts/lint.sh --list       the checks' names
#
# Outputs go below $KVAULT_BUILD (default <repo>/build)/lint, never into
# build/kmod or build/userspace, so a lint run does not disturb a build.
# The kselftest harness and checkpatch come from $KVAULT_CACHE (default
# <repo>/.cache), as scripts/install-deps.sh leaves them.
#
# KVAULT_LINT_NO_LSAN=1 runs the sanitizer check without leak detection
# where LeakSanitizer cannot work (it needs ptrace-like thread suspension;
# it refuses to run under strace or gdb); without it, that is a failure.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KVAULT_CACHE:-$REPO/.cache}
BUILD=${KVAULT_BUILD:-$REPO/build}
OUT=$BUILD/lint
KSFT=$CACHE/kselftest
CHECKPATCH=$CACHE/checkpatch/checkpatch.pl
JOBS=$(nproc 2>/dev/null || echo 2)
cd "$REPO" || exit 2

CHECKS="checkpatch sparse w1 cc-warnings cppcheck clang-analyzer sanitizers"

# --- helpers ---------------------------------------------------------------

# Print a check's findings as TAP diagnostics, at most 200 lines.
show() {
	local n
	n=$(wc -l <"$1")
	sed -n '1,200s/^/#   /p' "$1"
	[ "$n" -le 200 ] || echo "#   ... $((n - 200)) more lines in $1"
}

# The kernel releases to check: the two of scripts/kernel-versions.sh.
kernels() {
	local k
	KERNELS=$(scripts/kernel-versions.sh)
	# shellcheck disable=SC2086
	set -- $KERNELS
	[ $# -eq 2 ] || { echo "kernel headers missing (found: '$KERNELS'); run 'make deps'"; return 1; }
	for k; do
		[ -d "/usr/src/linux-headers-$k" ] || { echo "no /usr/src/linux-headers-$k"; return 1; }
	done
}

# Build the module and the test module for both kernels through the top
# Makefile's `module test-module`, each into a fresh $OUT/$1/<release> (so
# every file is compiled again and warns again). With extra kbuild arguments $2, that build is only
# the ground for a second one with them, whose output then is the check's
# alone (C=2 runs sparse on every file, the compiler on none). The lines of
# the output that `grep "${@:3}"` selects are findings; a failed build is
# one too, with all its output.
kbuild_both() {
	local name=$1 extra=$2 k log dir rc=0
	shift 2
	kernels || return 1
	for k in $KERNELS; do
		log=$OUT/$name-$k.log
		dir=$OUT/$name/$k
		rm -rf "$dir"
		if ! { [ -z "$extra" ] || kmodule "$k" "$dir" '' >"$log"; } ||
			! kmodule "$k" "$dir" "$extra" >"$log"; then
			cat "$log"
			rc=1
			continue
		fi
		grep "$@" "$log" | sed "s|$dir/||; s|^|$k: |" | grep . && rc=1
	done
	return $rc
}

# `make module test-module` for kernel $1 into $2 (the test module into
# $2/kernel-user) with extra kbuild arguments $3.
kmodule() {
	make -C "$REPO" --no-print-directory module test-module \
		KDIR="/usr/src/linux-headers-$1" KMOD_OUT="$2" \
		TEST_KMOD_OUT="$2/kernel-user" KBUILD_EXTRA="$3" 2>&1
}

need() {
	local t
	for t; do
		command -v "$t" >/dev/null 2>&1 || { echo "$t is not installed; run 'make deps'"; return 1; }
	done
}

# The userspace C files that are linted: the library, kvaultctl, the host
# unit tests and the guest selftests (not selftests/fuzz/ or selftests/vm/).
userspace_sources() {
	ls userspace/lib/*.c userspace/kvaultctl/*.c userspace/tests/*.c selftests/*.c \
		selftests/fuzz/*.c selftests/bench/*.c
}

# --- the checks; each writes its findings to stdout, returns non-zero on any ---

# checkpatch --strict on every kernel file. Two narrow exceptions, both for
# what the file exists to do: compat.h is where the LINUX_VERSION_CODE tests
# live (and checkpatch also calls those constant comparisons the wrong way
# round), and the uapi header cannot use BIT(), which is kernel-only.
check_checkpatch() {
	local f ignore rc=0
	[ -x "$CHECKPATCH" ] || { echo "no $CHECKPATCH; run 'make deps'"; return 1; }
	for f in kmod/* uapi/linux/kvault.h selftests/kernel-user/*.c; do
		case $f in
		kmod/compat.h) ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
		uapi/*) ignore=BIT_MACRO ;;
		*) ignore= ;;
		esac
		"$CHECKPATCH" --strict --no-tree --quiet --show-types --terse \
			${ignore:+--ignore "$ignore"} -f "$f" >"$OUT/checkpatch.tmp" || rc=1
		grep -v '^total: ' "$OUT/checkpatch.tmp"
	done
	rm -f "$OUT/checkpatch.tmp"
	return $rc
}

# sparse (C=2: every file, whether or not it is rebuilt) on both kernels.
# Any line that is not kbuild's own progress output is a finding.
check_sparse() {
	need sparse || return 1
	kbuild_both sparse 'C=2 CHECK=sparse' -Ev \
		'^(  [A-Z]+( \[M\])? +|make(\[[0-9]+\])?: |make -C |built |Skipping BTF generation )'
}

# The module's build at W=1 (what `make module` uses) on both kernels:
# any compiler or modpost warning fails.
check_w1() {
	kbuild_both w1 '' -iE 'warning:|error:'
}

# libkvault, kvaultctl, the unit tests and the selftests with their
# makefiles' -Wall -Wextra -Wconversion -Werror (and the rest).
check_cc_warnings() {
	local log=$OUT/cc-warnings.log rc=0
	[ -f "$KSFT/kselftest_harness.h" ] || { echo "no $KSFT/kselftest_harness.h; run 'make deps'"; return 1; }
	make -C userspace --no-print-directory -k -j"$JOBS" TOP="$REPO" \
		BUILD="$OUT/userspace" KSFT_DIR="$KSFT" all >"$log" 2>&1 || rc=1
	rm -rf "$OUT/selftests"	# its makefile does not rebuild when flags change
	make -C selftests --no-print-directory -k -s -j"$JOBS" TOP="$REPO" \
		BUILD="$OUT/selftests" KSFT_DIR="$KSFT" LIBKVAULT="$OUT/userspace/lib" >>"$log" 2>&1 || rc=1
	# the fuzzer and the benchmarks, which make check builds only in guests' runs
	rm -rf "$OUT/fuzz" "$OUT/bench"
	make -C selftests/fuzz --no-print-directory -k -s -j"$JOBS" TOP="$REPO" \
		BUILD="$OUT/fuzz" >>"$log" 2>&1 || rc=1
	make -C selftests/bench --no-print-directory -k -s -j"$JOBS" TOP="$REPO" \
		BUILD="$OUT/bench" >>"$log" 2>&1 || rc=1
	grep -Ev '^  (CC|LD|AR) +/' "$log"
	return $rc
}

# cppcheck's warning, performance and portability classes. Its findings in
# the kselftest harness headers (printf formats of its own counters) are
# the harness's, not ours: suppressed for those two files only.
check_cppcheck() {
	need cppcheck || return 1
	# incremental: unchanged files (and includes) are not analysed again
	mkdir -p "$OUT/cppcheck-build"
	# shellcheck disable=SC2046
	cppcheck --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr --quiet --std=c11 --platform=unix64 -j "$JOBS" \
		--cppcheck-build-dir="$OUT/cppcheck-build" \
		-D_GNU_SOURCE -I uapi -I userspace/lib -I userspace/kvaultctl \
		-I selftests -I "$KSFT" --suppress="*:$KSFT/*" \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		$(userspace_sources) 2>&1
}

# The clang static analyzer on each file, plus the valist and portability
# checkers. Test files built on the kselftest harness are analysed without
# unix.Malloc: the harness's setjmp()/longjmp() and its "setup failed,
# return" path (the runner sets _metadata->passed before, the analyzer
# cannot know) make every fixture that allocates a "leak". Leaks in those
# tests are caught at run time by the sanitizers check instead.
# A file whose preprocessed text, flags and clang are those of a clean
# earlier run is not analysed again (the analysis is slow, the result the
# same): $OUT/clang-analyzer.cache holds the keys of clean runs.
analyze_one() {
	local f=$1 key out rc cflags opts
	# shellcheck disable=SC2207
	cflags=(-std=gnu11 -D_GNU_SOURCE '-DKVAULTCTL_VERSION="lint"'
		-Iuapi -Iuserspace/lib -Iuserspace/kvaultctl -Iselftests
		-isystem "$KSFT" $(pkg-config --cflags libnl-genl-3.0))
	# shellcheck disable=SC2054
	opts=(--analyze -Xanalyzer -analyzer-output=text
	      -Xanalyzer -analyzer-checker=valist,optin.portability.UnixAPI)
	! grep -q '#include "kselftest_harness.h"' "$f" ||
		opts+=(-Xanalyzer -analyzer-disable-checker=unix.Malloc)
	key=$({ clang --version; echo "${opts[*]} ${cflags[*]}"
		clang -E -D__clang_analyzer__ "${cflags[@]}" "$f"; } | sha256sum)
	key=$OUT/clang-analyzer.cache/${key%% *}
	[ ! -e "$key" ] || return 0
	out=$(clang "${opts[@]}" "${cflags[@]}" -o /dev/null "$f" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	if [ $rc -eq 0 ] && ! printf '%s' "$out" | grep -qE 'warning:|error:'; then
		touch "$key"
	else
		return 1
	fi
}

check_clang_analyzer() {
	local log=$OUT/clang-analyzer.log rc
	need clang pkg-config || return 1
	mkdir -p "$OUT/clang-analyzer.cache"
	userspace_sources | xargs -P "$JOBS" -n 1 "$0" --analyze-one >"$log" 2>&1
	rc=$?	# non-zero if a file had findings or did not compile
	if [ $rc -ne 0 ] || grep -qE 'warning:|error:' "$log"; then
		grep -E 'warning:|error:' "$log"
		echo "(each finding's path: $log)"
		return 1
	fi
}

# libkvault, kvaultctl and the host unit tests built with ASan + UBSan
# (userspace/Makefile SANITIZE=1), the unit tests run under them, and
# LeakSanitizer proven to work here first.
check_sanitizers() {
	local canary=$OUT/lsan-canary asan_opts=detect_leaks=1
	need cc || return 1
	printf '#include <stdlib.h>\nvoid *volatile p;\nint main(void) { p = malloc(42); p = 0; return 0; }\n' >"$canary.c"
	cc -fsanitize=address -g -o "$canary" "$canary.c" || return 1
	if ASAN_OPTIONS=detect_leaks=1 "$canary" >"$canary.log" 2>&1 ||
		! grep -q 'LeakSanitizer: detected memory leaks' "$canary.log"; then
		echo "LeakSanitizer does not work here: a leaking program was not caught:"
		sed 's/^/  /' "$canary.log"
		if [ "${KVAULT_LINT_NO_LSAN:-0}" != 1 ]; then
			echo "(KVAULT_LINT_NO_LSAN=1 runs ASan + UBSan without leak detection)"
			return 1
		fi
		# said on the TAP output even when the check passes
		echo "leak detection OFF: LeakSanitizer does not work here (KVAULT_LINT_NO_LSAN=1)" >"$OUT/sanitizers.note"
		asan_opts=detect_leaks=0
	fi
	export ASAN_OPTIONS=$asan_opts:halt_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	make -C userspace --no-print-directory -j"$JOBS" TOP="$REPO" \
		BUILD="$OUT/userspace-asan" KSFT_DIR="$KSFT" SANITIZE=1 all >"$OUT/sanitizers.log" 2>&1 &&
	make -C userspace --no-print-directory TOP="$REPO" \
		BUILD="$OUT/userspace-asan" KSFT_DIR="$KSFT" SANITIZE=1 test >>"$OUT/sanitizers.log" 2>&1
	local rc=$?
	# A report in a process whose status nobody checks still counts.
	if [ $rc -ne 0 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$OUT/sanitizers.log"; then
		grep -E '^not ok|Sanitizer|runtime error:|^ *#[0-9]+ |^SUMMARY|Error [0-9]|error:' "$OUT/sanitizers.log"
		echo "(full log: $OUT/sanitizers.log)"
		return 1
	fi
	grep -h '^# Totals' "$OUT/sanitizers.log"
}

# --- main ------------------------------------------------------------------

case "${1:-}" in
--analyze-one) analyze_one "$2"; exit ;;	# internal, for xargs
--list) echo "$CHECKS" | tr ' ' '\n'; exit 0 ;;
-h|--help) sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
want=${*:-$CHECKS}
for c in $want; do
	case " $CHECKS " in
	*" $c "*) ;;
	*) echo "lint.sh: no check '$c'; the checks are: $CHECKS" >&2; exit 2 ;;
	esac
done

mkdir -p "$OUT"
# shellcheck disable=SC2086
set -- $want
echo "1..$#"
failed=0
for c in $want; do
	start=$(date +%s)
	rm -f "$OUT/$c.note"
	( "check_${c//-/_}" ) >"$OUT/$c.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok - $c"
	else
		echo "not ok - $c"
		show "$OUT/$c.out"
		failed=$((failed + 1))
	fi
	# what a check wants said whatever its result (e.g. a part it could not do)
	[ ! -s "$OUT/$c.note" ] || sed "s/^/# $c: /" "$OUT/$c.note"
	echo "# $c: $(($(date +%s) - start))s"
done
[ $failed -eq 0 ] || { echo "# lint: $failed of $# checks failed"; exit 1; }
echo "# lint: all $# checks passed"
