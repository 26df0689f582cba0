#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dmesg-check.sh FILE: print the kernel reports in a guest's dmesg that fail
# a run (oopses, BUGs, WARNs, KASAN, UBSAN, lockdep, kmemleak, debugobjects,
# refcount and list corruption, hung tasks, and a debug facility switching
# itself off). Exit 1 if there is any, or if FILE is empty.
set -u
file=${1:?usage: dmesg-check.sh FILE}
reports='Oops|BUG:|WARNING:|kernel BUG|KASAN|UBSAN|general protection fault|Kernel panic|Call Trace|suspected memory leak|unreferenced object|refcount_t:|list_add corruption|list_del corruption|inconsistent lock state|possible circular locking|possible recursive locking|suspicious RCU usage|blocked for more than|ODEBUG:|leak detector disabled|kmemleak: Memory pool empty|lockdep is turned off'
if [ ! -s "$file" ]; then
	echo "no dmesg captured"
	exit 1
fi
if grep -E "$reports" "$file"; then
	exit 1
fi
exit 0
