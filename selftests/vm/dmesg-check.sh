#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmesg-check.sh FILE: print the kernel reports in a guest's dmesg that fail
# a run (oopses, BUGs, WARNs, KASAN, UBSAN, lockdep, kmemleak, debugobjects,
# refcount and list corruption, hung tasks, and a debug facility switching
# itself off). Exit 1 if there is any, or if FILE is empty.
#
# One exception, only in a fault-injection boot (fault-injection.txt next
# to FILE): the crypto manager's own WARN_ON_ONCE in crypto_wait_for_test()
# (crypto/api.c), which fires when cryptomgr_schedule_test() cannot
# allocate its test thread's parameters. Injection reaches that allocation
# because it runs on kvault's stack (registering a kvault(...) template
# instance); the splat is the injected failure itself, not a bug. That one
# splat, up to its end-of-trace line, is left out (and named on stdout).
set -u
file=${1:?usage: dmesg-check.sh FILE}
reports='Oops|BUG:|WARNING:|kernel BUG|KASAN|UBSAN|general protection fault|Kernel panic|Call Trace|suspected memory leak|unreferenced object|refcount_t:|list_add corruption|list_del corruption|inconsistent lock state|possible circular locking|possible recursive locking|suspicious RCU usage|blocked for more than|ODEBUG:|leak detector disabled|kmemleak: Memory pool empty|lockdep is turned off'
if [ ! -s "$file" ]; then
	echo "no dmesg captured"
	exit 1
fi
if [ -e "$(dirname "$file")/fault-injection.txt" ] &&
   grep -qE 'WARNING: .* at crypto/api\.c:[0-9]+ crypto_wait_for_test' "$file"; then
	echo "# left out: the crypto manager's WARN on an injected allocation failure (crypto_wait_for_test)"
	awk '/WARNING: .* at crypto\/api\.c:[0-9]+ crypto_wait_for_test/ { skip = 1 }
	     !skip { print }
	     skip && /---\[ end trace/ { skip = 0 }' "$file" | grep -E "$reports" && exit 1
	exit 0
fi
if grep -E "$reports" "$file"; then
	exit 1
fi
exit 0
