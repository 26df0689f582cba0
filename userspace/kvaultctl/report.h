/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's error messages; each is one line "kvaultctl: ..." on @f. */
#ifndef KVAULTCTL_REPORT_H
#define KVAULTCTL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "libkvault.h"

/* Exit status: success, runtime failure, usage error. */
#define KVAULTCTL_EXIT_OK	0
#define KVAULTCTL_EXIT_FAIL	1
#define KVAULTCTL_EXIT_USAGE	2

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

/*
 * kvault_open() with the transport @netlink says; on failure the error is
 * reported on stderr. Returns an exit status.
 */
int kvaultctl_open(struct kvault **kv, bool netlink);

/* Everything on stdout must really have been written: @status, or
 * KVAULTCTL_EXIT_FAIL after reporting that it was not. */
int kvaultctl_flush_stdout(int status);

/*
 * A key operation failed: as kvaultctl_report_error(), with what the
 * vault's errno values mean for keys ("the vault holds no such key").
 */
void kvaultctl_report_key_error(FILE *f, const char *what, int err,
				const char *errmsg, bool netlink);

/*
 * A seal, reseal, check or pcr extend failed: as kvaultctl_report_error(),
 * with what the errno values mean for sealing.
 */
void kvaultctl_report_seal_error(FILE *f, const char *what, int err,
				 const char *errmsg);

#endif
