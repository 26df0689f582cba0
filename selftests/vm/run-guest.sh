#!/bin/bash
# Boot a QEMU (TCG) guest on a Debian (or a custom) kernel and run one
# command in it.
#
# Usage: selftests/vm/run-guest.sh --kernel KVER|6.1|6.12 [--kernel-image FILE]
#          --out DIR [--tpm|--no-tpm] [--tpm-state DIR] [--tpm-log-level N (1)]
#          [--disk IMG] [--timeout SEC (600)] [--machine TYPE (pc)]
#          [--append 'kernel cmdline'] [--env NAME=VALUE]... [--quiet]
#          -- COMMAND [ARGS...]
#
# --kernel-image FILE boots FILE (a bzImage with everything the guest needs
# built in, such as the debug kernel of scripts/build-debug-kernel.sh)
# instead of a Debian kernel; KVER is then FILE's release (`uname -r`), it
# has no module tree, and the initramfs carries no modules.  --machine is
# QEMU's machine type: q35 suits a slow debug kernel (its ACPI PCI routing is
# a static table; pc's is an AML loop that takes a KASAN kernel tens of
# seconds under TCG).
#
# The guest's root is the host's / (9p, read-only) under a tmpfs overlay, so
# COMMAND is any host path or PATH command; it runs as root in the guest, in
# the caller's working directory, with stdin /dev/null.  DIR (the "results"
# 9p share) is /results in the guest and exported as KVAULT_RESULTS.  After
# the run DIR holds: console.log (serial), guest.log (command output),
# exit-code, dmesg.txt, boot-seconds (host-measured QEMU start -> guest
# userspace), qemu.log.  The guest console is streamed to stdout unless
# --quiet.  --tpm (default) attaches a fresh swtpm TPM 2.0 with sha1, sha256,
# sha384 and sha512 PCR banks; --tpm-state DIR keeps the TPM state in DIR
# (initialised on first use, reused after) so that a test can "reboot".
# swtpm logs to DIR/swtpm.log at --tpm-log-level (default 1; 20 dumps every
# command and response in hex), and its pid is in DIR/swtpm.pid while it
# runs (so a host-side test can kill it mid-operation).  --disk IMG attaches
# the raw image IMG (read-write) as a virtio disk: the guest loads
# virtio_blk and ext4 from its module tree, waits for the device and exports
# its node as KVAULT_DISK (e.g. /dev/vda); COMMAND mounts it where it wants.
# Files the command writes outside /results are lost; host /tmp, /run and
# /dev/shm are not visible in the guest (it mounts its own tmpfs there).
# Environment: KVAULT_CACHE (default <repo>/.cache), KVAULT_QEMU_ACCEL
# (default tcg,thread=multi), KVAULT_BOOT_RETRIES (default 2: re-boot when
# the guest dies before reaching userspace).
#
# Exit status: the command's, 124 on timeout, 125 if the guest never
# reported one (panic, crash, boot failure), 2 on usage errors.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${KVAULT_CACHE:-$REPO/.cache}

usage() { sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
KVER='' KIMAGE='' MACHINE=pc OUT='' TPM=1 TPMSTATE='' TPMLOG=1 DISK='' TIMEOUT=600 APPEND='' QUIET='' ENVS=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=${2:?}; shift ;;
	--kernel-image) KIMAGE=${2:?}; shift ;;
	--out) OUT=${2:?}; shift ;;
	--tpm) TPM=1 ;;
	--no-tpm) TPM= ;;
	--tpm-state) TPMSTATE=${2:?}; shift ;;
	--tpm-log-level) TPMLOG=${2:?}; shift ;;
	--disk) DISK=${2:?}; shift ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	--machine) MACHINE=${2:?}; shift ;;
	--append) APPEND=${2?}; shift ;;
	--env)
		[[ ${2:-} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "run-guest: bad --env '${2:-}'" >&2; exit 2; }
		ENVS+=("$2"); shift ;;
	--quiet) QUIET=1 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "run-guest: unknown option $1" >&2; usage ;;
	esac
	shift
done
{ [ -n "$KVER" ] && [ -n "$OUT" ] && [ $# -gt 0 ]; } || usage
[[ $TIMEOUT =~ ^[0-9]+$ ]] || usage
[[ $TPMLOG =~ ^[0-9]+$ ]] || usage
if [ -n "$DISK" ]; then
	if [ ! -f "$DISK" ] || [ ! -w "$DISK" ]; then
		echo "run-guest: --disk $DISK is not a writable file" >&2
		exit 2
	fi
	DISK=$(cd "$(dirname "$DISK")" && pwd)/$(basename "$DISK")
fi
[ -n "$KIMAGE" ] || case $KVER in 6.1|6.12) KVER=$("$REPO/scripts/kernel-versions.sh" "$KVER") ;; esac
INITRD=$CACHE/initramfs/$KVER.cpio.gz
if [ -n "$KIMAGE" ]; then
	# A self-contained image: no module tree, no modules in the initramfs.
	[ -r "$KIMAGE" ] || { echo "run-guest: no kernel image $KIMAGE" >&2; exit 2; }
	VMLINUZ=$KIMAGE MODDIR=''
	"$HERE/mkinitramfs.sh" --no-modules "$KVER" "$INITRD"
else
	# Kernel + modules (downloaded/extracted if not installed) and the initramfs.
	KENV=$("$REPO/scripts/fetch-kernel.sh" "$KVER")
	VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$KENV")
	MODDIR=$(sed -n 's/^MODDIR=//p' <<<"$KENV")
	"$HERE/mkinitramfs.sh" "$KVER" "$INITRD"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/.guest"
rm -f "$OUT"/{console.log,console-failed-boot*.log,guest.log,exit-code,dmesg.txt,boot-seconds,qemu.log,swtpm.log,swtpm.pid}
mkdir "$OUT/.guest"

QPID='' SPID='' TPID='' TMP=''
# shellcheck disable=SC2317 # invoked via trap
cleanup() {
	set +e
	[ -n "$QPID" ] && kill -KILL "$QPID" 2>/dev/null
	[ -n "$SPID" ] && { sleep 0.5; kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
	[ -n "$TPID" ] && { sleep 0.3; kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null; }
	[ -n "$TMP" ] && rm -rf "$TMP"
	rm -rf "$OUT/.guest"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
TMP=$(mktemp -d /tmp/kvault-vm.XXXXXX)  # short path: unix socket limit

# Command file: env exports, cd to the caller's directory, exec the command.
# Single-quote every word so any argument survives intact.
# Host /tmp, /run and /dev/shm are hidden in the guest by its own tmpfs.
for p in "$PWD" "$1"; do
	case $p in /tmp|/tmp/*|/run|/run/*|/dev/shm/*) echo "run-guest: warning: $p is not visible in the guest (tmpfs there)" >&2 ;; esac
done
q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }
{
	for e in "${ENVS[@]+"${ENVS[@]}"}"; do printf 'export %s=%s\n' "${e%%=*}" "$(q "${e#*=}")"; done
	printf 'cd %s 2>/dev/null || { echo run-guest: no %s in the guest, running in / >&2; cd /; }\n' "$(q "$PWD")" "$(q "$PWD")"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	printf '\n'
} >"$OUT/.guest/cmd.sh"
printf 'KVAULT_KVER=%s\nKVAULT_MODDIR=%s\nKVAULT_DISK=%s\n' "$(q "$KVER")" "$(q "$MODDIR")" \
	"$(q "${DISK:+/dev/vda}")" >"$OUT/.guest/config"

if [ -n "$TPM" ]; then
	STATE=${TPMSTATE:-$TMP/tpmstate}
	mkdir -p "$STATE"
	if [ ! -e "$STATE/tpm2-00.permall" ]; then
		swtpm_setup --tpm2 --tpm-state "$STATE" --pcr-banks sha1,sha256,sha384,sha512 \
			--overwrite --logfile "$TMP/swtpm_setup.log" >/dev/null 2>&1 ||
			{ cat "$TMP/swtpm_setup.log" >&2; echo "run-guest: swtpm_setup failed" >&2; exit 1; }
	fi
fi

# One boot attempt: fresh swtpm, QEMU, wait (sets BOOT, TIMEDOUT, QRC).
boot() {
	local TPMARGS=() DISKARGS=() NOW
	if [ -n "$TPM" ]; then
		rm -f "$TMP/swtpm.sock"
		swtpm socket --tpm2 --tpmstate dir="$STATE" --ctrl type=unixio,path="$TMP/swtpm.sock" \
			--terminate --log "file=$OUT/swtpm.log,level=$TPMLOG" &
		SPID=$!
		echo "$SPID" >"$OUT/swtpm.pid"
		for _ in $(seq 50); do [ -S "$TMP/swtpm.sock" ] && break; sleep 0.1; done
		[ -S "$TMP/swtpm.sock" ] || { echo "run-guest: swtpm did not start" >&2; exit 1; }
		# shellcheck disable=SC2054 # commas are QEMU option syntax
		TPMARGS=(-chardev "socket,id=chrtpm,path=$TMP/swtpm.sock"
			-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0)
	fi
	# shellcheck disable=SC2054 # commas are QEMU option syntax
	[ -z "$DISK" ] || DISKARGS=(-drive "file=$DISK,format=raw,if=none,id=kvdisk,cache=writeback"
		-device virtio-blk-pci,drive=kvdisk)
	: >"$OUT/console.log"
	T0=$(date +%s.%N)
	qemu-system-x86_64 -machine "$MACHINE" -accel "${KVAULT_QEMU_ACCEL:-tcg,thread=multi}" \
		-smp 2 -cpu max -m 1024 \
		-nodefaults -no-user-config -display none -monitor none -no-reboot \
		-chardev "file,id=con,path=$OUT/console.log" -serial chardev:con \
		-kernel "$VMLINUZ" -initrd "$INITRD" -append "$CMDLINE" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$OUT,mount_tag=results,security_model=none" \
		"${TPMARGS[@]+"${TPMARGS[@]}"}" "${DISKARGS[@]+"${DISKARGS[@]}"}" </dev/null >"$OUT/qemu.log" 2>&1 &
	QPID=$!
	[ -n "$QUIET" ] || { tail -n +1 -f --pid="$QPID" "$OUT/console.log" & TPID=$!; }

	# Wait for QEMU; note when guest userspace starts; enforce the timeout.
	BOOT='' TIMEDOUT=''
	while kill -0 "$QPID" 2>/dev/null; do
		NOW=$(date +%s.%N)
		if [ -z "$BOOT" ] && [ -e "$OUT/.guest/started" ]; then
			BOOT=$(awk -v a="$T0" -v b="$NOW" 'BEGIN { printf "%.1f", b - a }')
			echo "$BOOT" >"$OUT/boot-seconds"
		fi
		if awk -v a="$T0" -v b="$NOW" -v t="$TIMEOUT" 'BEGIN { exit !(b - a > t) }'; then
			TIMEDOUT=1
			kill -KILL "$QPID" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	QRC=0
	{ wait "$QPID"; } 2>/dev/null || QRC=$?  # quiet: no "Killed" job notice
	QPID=''
	[ -z "$TPID" ] || { wait "$TPID" 2>/dev/null || true; TPID=''; }
	if [ -n "$SPID" ]; then  # normally gone already (--terminate)
		for _ in $(seq 10); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.2; done
		kill "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
		SPID=''
		rm -f "$OUT/swtpm.pid"
	fi
}

# Retry a boot that died before reaching guest userspace (e.g. an early
# panic; MTTCG occasionally trips over kernel text patching).  Nothing of
# the command has run then, so a retry is safe.
#
# The guest's two vCPUs are host threads sharing two host cores with swtpm
# and whatever else runs: on a loaded host one vCPU can sit descheduled for
# tens of seconds while the other waits on it, which the stock kernels'
# 21 s RCU stall and 20 s soft-lockup detectors report as kernel bugs
# ("rcu_preempt kthread starved", NMI backtraces). Both are raised to their
# maxima (300 s and 120 s); a real hang in kvault is still caught by the
# test timeouts, the hung-task detector and, on the debug kernel, lockdep.
CMDLINE="console=ttyS0 panic=-1 quiet rcupdate.rcu_cpu_stall_timeout=300 watchdog_thresh=60"
CMDLINE="$CMDLINE kvault.guestrun=$HERE/guest-run.sh $APPEND"
TRIES=$((${KVAULT_BOOT_RETRIES:-2} + 1))
for try in $(seq "$TRIES"); do
	boot
	[ -n "$TIMEDOUT" ] || [ -e "$OUT/.guest/started" ] || [ "$try" -eq "$TRIES" ] && break
	cp "$OUT/console.log" "$OUT/console-failed-boot$try.log"
	echo "run-guest: boot $try of $KVER died before userspace (see $OUT/console-failed-boot$try.log); retrying" >&2
done

if [ -n "$TIMEDOUT" ]; then
	echo "run-guest: TIMEOUT after ${TIMEOUT}s ($KVER); see $OUT/console.log" >&2
	exit 124
fi
RC=$(cat "$OUT/exit-code" 2>/dev/null || true)
if ! [[ $RC =~ ^[0-9]+$ ]]; then
	echo "run-guest: guest reported no exit code (qemu status $QRC); last console lines:" >&2
	tail -n 25 "$OUT/console.log" >&2
	[ ! -s "$OUT/qemu.log" ] || { echo "--- qemu.log:" >&2; tail -n 10 "$OUT/qemu.log" >&2; }
	exit 125
fi
echo "run-guest: $KVER: boot ${BOOT:-?}s, command exit code $RC" >&2
exit "$RC"
