// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linked into the host unit tests of a SANITIZE=1 build only, with
 * -Wl,--wrap=_exit. The kselftest harness ends every test's child process
 * with _exit(), which skips LeakSanitizer's check at exit: run it there, so
 * that a leak inside a test fails that test.
 */
#include <sanitizer/lsan_interface.h>

void __real__exit(int status) __attribute__((noreturn));
void __wrap__exit(int status) __attribute__((noreturn));

void __wrap__exit(int status)
{
	/* reports the leaks and exits non-zero if there are any */
	__lsan_do_leak_check();
	__real__exit(status);
}
