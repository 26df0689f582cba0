#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test of dmesg-check.sh: each kind of kernel report fails a run, a
# clean boot log passes. TAP output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
clean='[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)
[    1.234567] tpm_tis MSFT0101:00: 2.0 TPM (device-id 0x1, rev-id 1)
[    9.876543] kvault: loading out-of-tree module taints kernel.
[    9.876600] kvault: module verification failed: signature and/or required key missing - tainting kernel
[    9.900000] kvault: kvault 0.1.0 loaded (ABI 1)
[   10.000000] kvault: `notanumber'"'"' invalid for parameter `group'"'"'
[    0.000000] kasan: KernelAddressSanitizer initialized
[    0.000000] rcu: 	RCU lockdep checking is enabled.
[    0.000000] ... MAX_LOCKDEP_SUBCLASSES:  8
[   64.120411] kmemleak: Kernel memory leak detector initialized (mem pool available: 15084)
[   81.766210] SLUB: Unable to allocate memory on node -1, gfp=0xdc0(GFP_KERNEL|__GFP_ZERO)'

check() {	# check EXPECTED_EXIT NAME LINE
	n=$((n + 1))
	printf '%s\n%s\n' "$clean" "$3" > "$tmp/dmesg"
	"$here/dmesg-check.sh" "$tmp/dmesg" > /dev/null
	if [ $? -eq "$1" ]; then echo "ok $n $2"; else echo "not ok $n $2"; bad=1; fi
}

echo "TAP version 13"
check 0 "clean boot log passes (incl. a debug kernel's banners)" ""
check 1 "WARN splat" "[   12.1] WARNING: CPU: 1 PID: 300 at kmod/tpm.c:42 kvault_tpm_get+0x10/0x20 [kvault]"
check 1 "oops" "[   12.1] Oops: 0000 [#1] PREEMPT SMP NOPTI"
check 1 "BUG" "[   12.1] BUG: kernel NULL pointer dereference, address: 0000000000000008"
check 1 "KASAN" "[   12.1] BUG: KASAN: slab-out-of-bounds in kvault_ioctl+0x1/0x2"
check 1 "UBSAN" "[   12.1] UBSAN: shift-out-of-bounds in kmod/tpm.c:100:3"
check 1 "lockdep" "[   12.1] WARNING: possible circular locking dependency detected"
check 1 "kmemleak" "[   12.1] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"
check 1 "refcount" "[   12.1] refcount_t: underflow; use-after-free."
check 1 "list corruption" "[   12.1] list_del corruption. prev->next should be ffff888, but was dead000000000122"
check 1 "hung task" "[  250.1] INFO: task insmod:300 blocked for more than 120 seconds."
check 1 "debugobjects" "[   12.1] ODEBUG: free active (active state 0) object: 00000000d1e5f4a0 object type: timer_list hint: kvault_timeout+0x0/0x10 [kvault]"
check 1 "kmemleak off" "[   12.1] kmemleak: Kernel memory leak detector disabled"
check 1 "kmemleak pool" "[   12.1] kmemleak: Memory pool empty, consider increasing CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE"
check 1 "lockdep off" "[   12.1] INFO: lockdep is turned off."
# the crypto manager's WARN on an injected allocation failure: left out in a
# fault-injection boot only, and nothing else with it
cryptomgr='[  200.7] WARNING: CPU: 0 PID: 505 at crypto/api.c:170 crypto_wait_for_test+0xa7/0xd0
[  200.7] Modules linked in: kvault(O)
[  200.7] Call Trace:
[  200.7]  crypto_register_instance+0x372/0x480
[  200.7]  kvault_skcipher_create+0x391/0x480 [kvault]
[  200.7] ---[ end trace 0000000000000000 ]---'
check 1 "crypto manager WARN outside a fault-injection boot" "$cryptomgr"
: > "$tmp/fault-injection.txt"
check 0 "crypto manager WARN in a fault-injection boot" "$cryptomgr"
check 1 "...but not another report after it" "$cryptomgr
[  201.1] BUG: KASAN: slab-out-of-bounds in kvault_ioctl+0x1/0x2"
check 1 "...nor another WARN" "[   12.1] WARNING: CPU: 1 PID: 300 at kmod/tpm.c:42 kvault_tpm_get+0x10/0x20 [kvault]"
rm -f "$tmp/fault-injection.txt"
n=$((n + 1))
: > "$tmp/empty"
if "$here/dmesg-check.sh" "$tmp/empty" > /dev/null; then echo "not ok $n empty dmesg fails"; bad=1; else echo "ok $n empty dmesg fails"; fi
echo "1..$n"
exit $bad
