/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output of kvaultctl's commands, human-readable and JSON. */
#ifndef KVAULTCTL_FORMAT_H
#define KVAULTCTL_FORMAT_H

#include <stdint.h>
#include <stdio.h>

#include "libkvault.h"

/*
 * TPM_PT_MANUFACTURER as text: its four bytes, most significant first,
 * without NUL bytes and trailing spaces; bytes that are not printable ASCII
 * become '?'. @buf must hold 5 bytes.
 */
void kvaultctl_manufacturer_str(uint32_t id, char buf[5]);

/* Each returns 0, or -EIO if writing to @f failed. */
int kvaultctl_print_status(FILE *f, const struct kvault_status *st);
int kvaultctl_print_status_json(FILE *f, const struct kvault_status *st);
int kvaultctl_print_pcrs(FILE *f, const struct kvault_pcr_values *v);
int kvaultctl_print_pcrs_json(FILE *f, const struct kvault_pcr_values *v);

#endif
