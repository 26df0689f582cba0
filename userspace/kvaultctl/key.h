/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvaultctl's key, sealing, volume and monitor commands. */
#ifndef KVAULTCTL_KEY_H
#define KVAULTCTL_KEY_H

#include "args.h"

/* Run a "key ..." command; returns the exit status. */
int kvaultctl_key_run(const struct kvaultctl_args *a);

/* Run a sealing command (key seal, reseal, load, check, load-all, pcr
 * extend); returns the exit status. */
int kvaultctl_seal_run(const struct kvaultctl_args *a);

/* Run a "volume ..." command; returns the exit status. */
int kvaultctl_volume_run(const struct kvaultctl_args *a);

/* Run "monitor"; returns the exit status. */
int kvaultctl_monitor_run(const struct kvaultctl_args *a);

#endif
