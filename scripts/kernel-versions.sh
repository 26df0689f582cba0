#!/bin/sh
# Print the kernel releases kvault is built and tested on: the newest
# installed Debian 6.1 headers and the newest 6.12.*+deb12 headers.
# With an argument (6.1 or 6.12), print only that one.
set -eu
newest() {
	ls -d /usr/src/linux-headers-$1 2>/dev/null | sed 's|/usr/src/linux-headers-||' | sort -V | tail -n 1
}
v61=$(newest '6.1.0-*-amd64')
v612=$(newest '6.12.*+deb12-amd64')
case "${1:-all}" in
6.1) echo "$v61" ;;
6.12) echo "$v612" ;;
all) echo "$v61 $v612" ;;
*) echo "usage: $0 [6.1|6.12]" >&2; exit 2 ;;
esac
