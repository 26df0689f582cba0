#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: build kvault.ko for the guest kernel and the benchmarks
# (selftests/bench/); boot the kernel under QEMU with a fresh swtpm TPM 2.0
# (selftests/vm/run-guest.sh --tpm); insmod, run kvault_bench (the key
# registry at --keys keys), then seal_bench (sealing: TPM commands per seal
# and unseal, unseal latency against tpm2-tools, load-all of --seal-keys
# keys), then crypto_bench (kvault(ALG) against ALG with the same key bytes:
# dm-crypt sequential write and read, AF_ALG cbc/gcm/hmac), rmmod (timed);
# check the guest's dmesg with selftests/vm/dmesg-check.sh; print the
# report and save it to build/bench/<kernel release>/report.txt.
#
# usage: scripts/bench.sh [--kernel 6.1|6.12|KVER] [--keys N] [--rounds N]
#          [--lookups N] [--seal-only | --no-seal] [--seal-rounds N]
#          [--seal-keys N] [--crypto-only | --no-crypto] [--crypto-rounds N]
#          [--crypto-mib N] [--out DIR] [--prebuilt DIR] [--timeout SEC]
#          [-- kvault_bench args]
#
#   --kernel   default 6.12 (scripts/kernel-versions.sh gives the release)
#   --keys     default 100000; e.g. 2000 for a quick smoke run
#   --rounds, --lookups: kvault_bench's (defaults 5 and 20000)
#   --seal-only: only seal_bench (a few minutes); --no-seal: without it
#   --seal-rounds, --seal-keys: seal_bench's --rounds and --keys (10, 100)
#   --crypto-only: only crypto_bench (a few minutes); --no-crypto: without it
#   --crypto-rounds, --crypto-mib: crypto_bench's --rounds and --mib (9, 64:
#              MiB per dm-crypt pass)
#   --out      default build/bench/<kernel release>
#   --prebuilt DIR: use DIR/kvault.ko, DIR/userspace/kvaultctl and DIR/bench/
#              (built for this kernel) instead of building into build/;
#              DIR/source, if there, says what they were built from
#   --timeout  guest timeout, default 1200 s + 60 ms per key
#
# A benchmark, not a test: slowness never fails it. It exits non-zero when
# it cannot run (build, boot, module load or unload, a failing call) or
# when the kernel logged a report (oops, warning, ...) during the run.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

KERNEL=6.12 KEYS=100000 ROUNDS='' LOOKUPS='' OUT='' TIMEOUT='' PREBUILT='' EXTRA=()
REG=1 SEAL=1 SEAL_ROUNDS=10 SEAL_KEYS=100 CRYPTO=1 CRYPTO_ROUNDS=9 CRYPTO_MIB=64
usage() { sed -n '13,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KERNEL=${2:?}; shift ;;
	--keys) KEYS=${2:?}; shift ;;
	--rounds) ROUNDS=${2:?}; shift ;;
	--lookups) LOOKUPS=${2:?}; shift ;;
	--seal-only) REG=0 SEAL=1 CRYPTO=0 ;;
	--no-seal) SEAL=0 ;;
	--crypto-only) REG=0 SEAL=0 CRYPTO=1 ;;
	--no-crypto) CRYPTO=0 ;;
	--crypto-rounds) CRYPTO_ROUNDS=${2:?}; shift ;;
	--crypto-mib) CRYPTO_MIB=${2:?}; shift ;;
	--seal-rounds) SEAL_ROUNDS=${2:?}; shift ;;
	--seal-keys) SEAL_KEYS=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--prebuilt) PREBUILT=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) usage ;;
	*) echo "bench: unknown option $1" >&2; usage ;;
	esac
	shift
done
for v in "$KEYS" "${ROUNDS:-1}" "${LOOKUPS:-1}" "${TIMEOUT:-1}" "$SEAL_ROUNDS" "$SEAL_KEYS" \
	"$CRYPTO_ROUNDS" "$CRYPTO_MIB"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "bench: '$v' is not a number" >&2; exit 2; }
done
[ "$REG$SEAL$CRYPTO" != 000 ] || { echo "bench: nothing to run" >&2; exit 2; }
if [ "$REG" = 0 ]; then KEYS=0; fi
TIMEOUT=${TIMEOUT:-$((1200 + KEYS * 60 / 1000))}

case $KERNEL in
6.1|6.12)
	KREL=$(scripts/kernel-versions.sh "$KERNEL")
	[ -n "$KREL" ] || { echo "bench: no $KERNEL headers installed; run 'make deps'" >&2; exit 1; } ;;
*) KREL=$KERNEL ;;
esac
KDIR=/usr/src/linux-headers-$KREL
[ -d "$KDIR" ] || { echo "bench: no kernel headers at $KDIR" >&2; exit 1; }
OUT=${OUT:-$top/build/bench/$KREL}
if [ -n "$PREBUILT" ]; then
	PREBUILT=$(cd "$PREBUILT" && pwd) || exit 1
	KO=$PREBUILT/kvault.ko BIN=$PREBUILT/bench/kvault_bench CTLDIR=$PREBUILT/userspace
	echo "== prebuilt: $PREBUILT"
else
	KO=$top/build/kmod/$KREL/kvault.ko BIN=$top/build/bench/kvault_bench
	CTLDIR=$top/build/userspace
	echo "== build (kernel $KREL)"
	mkdir -p build/logs
	log=build/logs/bench-build-$KREL.log
	{
		make -s KDIR="$KDIR" module &&
		make -s userspace &&
		make -s -C selftests/bench TOP="$top" BUILD="$top/build/bench"
	} >"$log" 2>&1 || { cat "$log"; echo "bench: build failed (log: $log)" >&2; exit 1; }
fi
[ -f "$KO" ] || { echo "bench: no module at $KO" >&2; exit 1; }
for b in "$BIN" "$CTLDIR/kvaultctl"; do
	[ -x "$b" ] || { echo "bench: no $b" >&2; exit 1; }
done

args=(--keys "$KEYS")
[ -n "$ROUNDS" ] && args+=(--rounds "$ROUNDS")
[ -n "$LOOKUPS" ] && args+=(--lookups "$LOOKUPS")
args+=("${EXTRA[@]+"${EXTRA[@]}"}")

mkdir -p "$OUT"
rm -f "$OUT"/{bench.txt,bench.json,bench-progress.log,rmmod.txt,report.txt,dmesg-reports.txt} \
	"$OUT"/seal-bench{.txt,.json,-progress.log} "$OUT"/crypto-bench{.txt,-progress.log}
# what runs (guest list, messages, the report's first line)
cargs="--rounds $CRYPTO_ROUNDS --mib $CRYPTO_MIB"
run='' whatl=() shownl=()
if [ "$REG" = 1 ]; then
	run+=' registry' whatl+=("kvault_bench ${args[*]}") shownl+=("${args[@]}")
fi
if [ "$SEAL" = 1 ]; then
	run+=' seal' whatl+=("seal_bench --rounds $SEAL_ROUNDS --keys $SEAL_KEYS")
	[ "$REG$CRYPTO" = 00 ] && shownl+=(--seal-only)
	shownl+=(--seal-rounds "$SEAL_ROUNDS" --seal-keys "$SEAL_KEYS")
elif [ "$REG" = 1 ]; then
	shownl+=(--no-seal)
fi
if [ "$CRYPTO" = 1 ]; then
	run+=' crypto' whatl+=("crypto_bench $cargs")
	[ "$REG$SEAL" = 00 ] && shownl+=(--crypto-only)
	shownl+=(--crypto-rounds "$CRYPTO_ROUNDS" --crypto-mib "$CRYPTO_MIB")
elif [ "$REG$SEAL" != 00 ]; then
	shownl+=(--no-crypto)
fi
what=$(printf '%s, then ' "${whatl[@]}")
what=${what%, then }
shown=${shownl[*]}
echo "== guest: $KREL, $what (progress: $OUT/*-progress.log, timeout ${TIMEOUT}s)"
start=$(date +%s)
# kvault_bench runs `kvaultctl key list` at full population: put it on PATH
selftests/vm/run-guest.sh --kernel "$KREL" --tpm --out "$OUT" --timeout "$TIMEOUT" \
	--env "PATH=$CTLDIR:/usr/sbin:/usr/bin:/sbin:/bin" \
	--env "KV_BENCH_RUN=${run# }" --env "KV_SEAL_ARGS=--rounds $SEAL_ROUNDS --keys $SEAL_KEYS" \
	--env "KV_CRYPTO_ARGS=$cargs" \
	--quiet -- "$top/selftests/bench/guest-bench.sh" "$KO" "$BIN" "${args[@]}"
rc=$?
wall=$(($(date +%s) - start))

dmesg_ok=1
if selftests/vm/dmesg-check.sh "$OUT/dmesg.txt" >"$OUT/dmesg-reports.txt"; then
	dmesg_line="dmesg: no kernel reports (selftests/vm/dmesg-check.sh)"
else
	dmesg_ok=0
	dmesg_line="dmesg: KERNEL REPORTS, see $OUT/dmesg-reports.txt"
fi

src=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$top" diff --quiet HEAD -- kmod uapi Kbuild 2>/dev/null ||
	src="$src + uncommitted changes in kmod/, uapi/ or Kbuild"
[ -z "$PREBUILT" ] ||
	src="prebuilt in $PREBUILT: $(cat "$PREBUILT/source" 2>/dev/null || echo 'source not recorded')"
{
	echo "kvault benchmark report ($(date -u +%F), scripts/bench.sh --kernel $KERNEL $shown)"
	echo "module source: $src"
	echo "machine: $(nproc)-core $(uname -m) host ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
	echo "  QEMU TCG guest (2 vCPUs, 1 GiB) with swtpm TPM 2.0; guest boot $(cat "$OUT/boot-seconds" 2>/dev/null || echo '?') s, whole run ${wall} s"
	echo "  (TCG emulates the CPU: absolute figures are far below real hardware; the ratios are the point)"
	echo
	if [ "$REG" = 1 ]; then
		if [ -s "$OUT/bench.txt" ]; then cat "$OUT/bench.txt"; else echo "(no benchmark output)"; fi
		echo
	fi
	if [ "$SEAL" = 1 ]; then
		echo "Sealing (seal_bench --rounds $SEAL_ROUNDS --keys $SEAL_KEYS)"
		if [ -s "$OUT/seal-bench.txt" ]; then sed 's/^/   /' "$OUT/seal-bench.txt"
		else echo "   (no output; see $OUT/seal-bench-progress.log)"; fi
		echo
	fi
	if [ "$CRYPTO" = 1 ]; then
		echo "Crypto API: kvault(ALG) against ALG (crypto_bench $cargs)"
		if [ -s "$OUT/crypto-bench.txt" ]; then sed 's/^/   /' "$OUT/crypto-bench.txt"
		else echo "   (no output; see $OUT/crypto-bench-progress.log)"; fi
		echo
	fi
	echo "6. Unload"
	if [ -s "$OUT/rmmod.txt" ]; then sed 's/^/   /' "$OUT/rmmod.txt"; else echo "   (not reached)"; fi
	echo "   $dmesg_line"
} >"$OUT/report.txt"
cat "$OUT/report.txt"
echo "report saved to $OUT/report.txt"

if [ "$rc" -ne 0 ]; then
	echo "bench: the guest run failed (exit $rc); last progress lines:" >&2
	tail -n 10 "$OUT/bench-progress.log" >&2 2>/dev/null
	echo "bench: see $OUT/guest.log and $OUT/console.log" >&2
	exit 1
fi
[ "$dmesg_ok" -eq 1 ] || { head -n 40 "$OUT/dmesg-reports.txt" >&2; exit 1; }
exit 0
