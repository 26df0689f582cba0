// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyutils.h>

#include "keyring.h"
#include "libkvault.h"

int kvaultctl_keyctl_payload(uint32_t alg, uint32_t alg_len, uint32_t usage,
			     bool exportable, char *buf, size_t len)
{
	char name[KVAULT_KEY_ALG_NAME_MAX], names[KVAULT_KEY_USAGE_NAMES_MAX];
	int ret, n;

	ret = kvault_key_alg_name(alg, alg_len, name, sizeof(name));
	if (!ret)
		ret = kvault_key_usage_names(usage, names, sizeof(names));
	if (ret)
		return ret;
	n = snprintf(buf, len, "new %s%s%s%s", name, usage ? " usage=" : "",
		     names, exportable ? " exportable=1" : "");
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

int32_t kvaultctl_keyctl_add(const char *name, const char *payload,
			     int32_t ring)
{
	key_serial_t id = add_key(KVAULT_KEY_TYPE, name, payload,
				  strlen(payload), ring);

	return id < 0 ? -errno : id;
}

int kvaultctl_keyctl_revoke(int32_t id)
{
	return keyctl_revoke(id) < 0 ? -errno : 0;
}

int32_t kvaultctl_keyring_resolve(int32_t ring)
{
	key_serial_t id = keyctl_get_keyring_ID(ring, 1);

	return id < 0 ? -errno : id;
}

int kvaultctl_keyctl_link(int32_t id, int32_t ring)
{
	return keyctl_link(id, ring) < 0 ? -errno : 0;
}

int kvaultctl_keyctl_description(int32_t id, char *buf, size_t len)
{
	char *desc = NULL, *last;
	int ret = 0;

	/* "type;uid;gid;perm;description": the description may hold ';' */
	if (keyctl_describe_alloc(id, &desc) < 0)
		return -errno;
	last = desc;
	for (int i = 0; i < 4 && last; i++) {
		last = strchr(last, ';');
		if (last)
			last++;
	}
	if (!last)
		ret = -EPROTO;
	else if (strlen(last) >= len)
		ret = -ENOSPC;
	else
		strcpy(buf, last);
	free(desc);
	return ret;
}
