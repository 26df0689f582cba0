#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DKMS packaging of kvault.ko.
#
#   dkms.sh install            copy the source to /usr/src/kvault-VER and
#                              dkms add/build/install it for the running kernel
#   dkms.sh uninstall          dkms remove it from every kernel
#   dkms.sh build KVER OUTDIR  build for KVER inside a private DKMS tree under
#                              .cache (nothing system-wide is touched), and
#                              copy the resulting kvault.ko to OUTDIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
kver=$(sed -n 's/^#define KVAULT_VERSION "\(.*\)"/\1/p' "$top/kmod/kvault.h")
if [ "$ver" != "$kver" ]; then
	echo "dkms.conf says $ver but kmod/kvault.h says $kver" >&2
	exit 1
fi

stage() {	# stage DIR: the files DKMS needs, nothing else
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$top" && cp -r --parents dkms.conf Kbuild kmod uapi/linux/kvault.h "$1/")
}

case "${1:-}" in
install)
	stage "/usr/src/kvault-$ver"
	dkms remove -m kvault -v "$ver" --all >/dev/null 2>&1 || true
	dkms add -m kvault -v "$ver"
	dkms install -m kvault -v "$ver"
	echo "installed; load it with: modprobe kvault"
	;;
uninstall)
	dkms remove -m kvault -v "$ver" --all
	rm -rf "/usr/src/kvault-$ver"
	;;
build)
	kernel=$2 outdir=$3
	base="$top/.cache/dkms"
	rm -rf "$base/tree"
	mkdir -p "$base/tree" "$outdir"
	stage "$base/src/kvault-$ver"
	dkms add -m kvault -v "$ver" --sourcetree "$base/src" --dkmstree "$base/tree"
	dkms build -m kvault -v "$ver" -k "$kernel" --sourcetree "$base/src" \
		--dkmstree "$base/tree"
	built="$base/tree/kvault/$ver/$kernel/x86_64/module"
	if [ -f "$built/kvault.ko.xz" ]; then
		xz -dc "$built/kvault.ko.xz" > "$outdir/kvault.ko"
	else
		cp "$built/kvault.ko" "$outdir/kvault.ko"
	fi
	echo "dkms built $outdir/kvault.ko for $kernel"
	;;
*)
	echo "usage: $0 install | uninstall | build KVER OUTDIR" >&2
	exit 2
	;;
esac
