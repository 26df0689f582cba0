/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels kvault supports (Debian 12's 6.1 and
 * 6.12) lives here, so the rest of the code reads as if there were one.
 */
#ifndef _KVAULT_COMPAT_H
#define _KVAULT_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* class_create() lost its owner argument in 6.4. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define kvault_class_create(name) class_create(name)
#else
#define kvault_class_create(name) class_create(THIS_MODULE, name)
#endif

/* device_type.devnode() takes a const device since 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define KVAULT_DEVNODE_CONST const
#else
#define KVAULT_DEVNODE_CONST
#endif

#endif /* _KVAULT_COMPAT_H */
