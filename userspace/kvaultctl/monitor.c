// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "kvaultctl monitor": one line per lifecycle event, flushed at once, until
 * killed or --count events were printed. A line on stderr says when the
 * listener has joined the group: events from then on are seen.
 */
#include <errno.h>
#include <stdio.h>

#include "key.h"
#include "key_format.h"
#include "libkvault.h"
#include "report.h"

#define PFX	"kvaultctl: "

int kvaultctl_monitor_run(const struct kvaultctl_args *a)
{
	int status = KVAULTCTL_EXIT_OK;
	struct kvault_events *ev;
	struct kvault_event e;
	uint64_t seen = 0;
	int ret;

	ret = kvault_events_open(&ev);
	if (ret) {
		if (ret == -ENOENT)
			kvaultctl_report_open_error(stderr, ret, true, NULL);
		else
			kvaultctl_report_error(stderr, "listening for key events",
					       ret, NULL, true, NULL);
		return KVAULTCTL_EXIT_FAIL;
	}
	fputs(PFX "listening for key events\n", stderr);
	fflush(stderr);

	while (!a->count || seen < a->count) {
		ret = kvault_events_recv(ev, &e, -1);
		if (ret == -ENOBUFS) {
			fputs(PFX "events were lost: the socket's buffer overflowed\n",
			      stderr);
			continue;
		}
		if (ret == -EINTR)
			continue;
		if (ret) {
			kvaultctl_report_error(stderr, "receiving key events",
					       ret, NULL, true, NULL);
			status = KVAULTCTL_EXIT_FAIL;
			break;
		}
		if (a->json)
			kvaultctl_print_event_json(stdout, &e);
		else
			kvaultctl_print_event(stdout, &e);
		status = kvaultctl_flush_stdout(KVAULTCTL_EXIT_OK);
		if (status)
			break;
		seen++;
	}
	kvault_events_close(ev);
	return status;
}
