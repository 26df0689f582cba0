#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (started by scripts/bench.sh through
# vm/run-guest.sh): load kvault.ko, run kvault_bench with the remaining
# arguments, then seal_bench (with $KV_SEAL_ARGS), then crypto_bench (with
# $KV_CRYPTO_ARGS), unload (timed). Writes to $KVAULT_RESULTS: bench.txt
# (the report), bench.json, bench-progress.log (progress and errors,
# readable on the host while it runs), seal-bench.txt, seal-bench.json,
# seal-bench-progress.log, crypto-bench.txt, crypto-bench-progress.log and
# rmmod.txt. KV_BENCH_RUN: the benchmarks to run, words of "registry"
# (kvault_bench), "seal", "crypto"; default all three.
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
run=${KV_BENCH_RUN:-registry seal crypto}
runs() { case " $run " in *" $1 "*) return 0 ;; esac; return 1; }
rc=0
if runs registry; then
	"$bench" --json "$out/bench.json" "$@" >"$out/bench.txt" 2>"$out/bench-progress.log"
	rc=$?
	echo "kvault_bench exited $rc"
	[ "$rc" -eq 0 ] || tail -n 5 "$out/bench-progress.log"
fi
# seal_bench (next to kvault_bench): sealing's TPM commands and latencies
if runs seal; then
	# shellcheck disable=SC2086 # KV_SEAL_ARGS is a list of words
	"$(dirname "$bench")/seal_bench" --json "$out/seal-bench.json" ${KV_SEAL_ARGS:-} \
		>"$out/seal-bench.txt" 2>"$out/seal-bench-progress.log"
	src=$?
	echo "seal_bench exited $src"
	[ "$src" -eq 0 ] || { tail -n 5 "$out/seal-bench-progress.log"; [ "$rc" -ne 0 ] || rc=$src; }
fi
# crypto_bench (next to kvault_bench): kvault(ALG) against ALG, dm-crypt and
# AF_ALG; it runs `kvaultctl key show` for the usage counts (PATH)
if runs crypto; then
	# shellcheck disable=SC2086 # KV_CRYPTO_ARGS is a list of words
	"$(dirname "$bench")/crypto_bench" ${KV_CRYPTO_ARGS:-} \
		>"$out/crypto-bench.txt" 2>"$out/crypto-bench-progress.log"
	crc=$?
	echo "crypto_bench exited $crc"
	[ "$crc" -eq 0 ] || { tail -n 5 "$out/crypto-bench-progress.log"; [ "$rc" -ne 0 ] || rc=$crc; }
fi

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
