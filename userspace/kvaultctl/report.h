/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's error messages; each is one line "kvaultctl: ..." on @f. */
#ifndef KVAULTCTL_REPORT_H
#define KVAULTCTL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

/* The device path libkvault opens: $KVAULT_DEVICE or /dev/kvault. */
const char *kvaultctl_device_path(void);

/* kvault_open() failed with @err (negative errno). */
void kvaultctl_report_open_error(FILE *f, int err, bool netlink,
				 const char *device);

/*
 * An operation failed with @err (negative errno); @what names it ("reading
 * the status"), @errmsg is kvault_errmsg() and @hint, if not NULL, is added
 * for EINVAL.
 */
void kvaultctl_report_error(FILE *f, const char *what, int err,
			    const char *errmsg, bool netlink, const char *hint);

#endif
