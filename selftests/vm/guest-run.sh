#!/bin/sh
# Runs inside the test VM as PID 1 right after switch_root (see
# initramfs-init); the root is a tmpfs overlay on the host's read-only /.
# Mounts the basics and the "results" 9p share at /results (= the host's
# --out DIR; exported as KVAULT_RESULTS), bind-mounts the guest kernel's
# module tree onto /lib/modules/$(uname -r), with --disk loads virtio_blk
# and ext4 and waits for the disk (exported as KVAULT_DISK), runs
# /results/.guest/cmd.sh (written by run-guest.sh: env exports, cd, exec of
# the command) with output to /results/guest.log and the console, then
# writes dmesg.txt and exit-code and powers off.  No `set -e`: this must
# always reach the power-off.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=linux
R=/results

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm "$R"
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "$R" || {
	echo "guest-run: cannot mount the results share" >&2
	/bin/busybox poweroff -f
}
# Marks "guest userspace is up" for the host's boot-time measurement.
cut -d' ' -f1 /proc/uptime >"$R/.guest/started"
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t configfs configfs /sys/kernel/config 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname kvault-vm 2>/dev/null
ip link set lo up 2>/dev/null

# KVAULT_MODDIR (host path of the kernel's module tree), KVAULT_KVER and
# KVAULT_DISK (the --disk device node, empty without one).
KVAULT_MODDIR='' KVAULT_KVER='' KVAULT_DISK=''
# shellcheck source=/dev/null
[ -f "$R/.guest/config" ] && . "$R/.guest/config"
KREL=$(uname -r)
[ "$KREL" = "$KVAULT_KVER" ] || echo "guest-run: WARNING: running $KREL, expected $KVAULT_KVER" >&2
if [ -n "$KVAULT_MODDIR" ] && [ "$KVAULT_MODDIR" != "/lib/modules/$KREL" ]; then
	mkdir -p "/lib/modules/$KREL"
	mount --bind "$KVAULT_MODDIR" "/lib/modules/$KREL"
fi
export KVAULT_RESULTS="$R"
if [ -n "$KVAULT_DISK" ]; then
	# Modules in Debian's kernels (built in, for a --kernel-image kernel).
	modprobe virtio_blk 2>/dev/null
	modprobe ext4 2>/dev/null
	i=0
	while [ ! -b "$KVAULT_DISK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -b "$KVAULT_DISK" ] || echo "guest-run: WARNING: no disk at $KVAULT_DISK" >&2
	export KVAULT_DISK
fi

echo "guest-run: $KREL up after $(cat "$R/.guest/started")s of guest uptime; running command" >/dev/console
{
	sh "$R/.guest/cmd.sh" </dev/null 2>&1
	echo $? >/tmp/.kvault-rc
} | tee "$R/guest.log"
rc=$(cat /tmp/.kvault-rc 2>/dev/null || echo 125)
echo "guest-run: command exited with $rc" >/dev/console

dmesg >"$R/dmesg.txt" 2>&1
echo "$rc" >"$R/exit-code"
sync
umount "$R" 2>/dev/null
/bin/busybox poweroff -f
echo o >/proc/sysrq-trigger
sleep 30
