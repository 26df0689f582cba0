#!/bin/sh
# Usage: selftests/vm/mkinitramfs.sh [--no-modules] KVER OUT.cpio.gz
# Build a busybox-static initramfs for kernel KVER containing /init
# (selftests/vm/initramfs-init) and, decompressed, the modules needed to mount
# the host root over virtio-9p and put an overlayfs on it.  Modules are listed
# in /etc/modules.load in load order, resolved from KVER's modules.dep
# (`modprobe --show-depends`); built-in ones are skipped.  --no-modules: a
# kernel with all of that built in and no module tree (the debug kernel).
# Cached: OUT is rebuilt only when OUT.key (a hash of all inputs) changes.
set -eu
NOMODS=''
[ "${1:-}" != --no-modules ] || { NOMODS=1; shift; }
KVER=${1:?usage: $0 [--no-modules] KVER OUT.cpio.gz}
OUT=${2:?usage: $0 [--no-modules] KVER OUT.cpio.gz}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
INIT=$HERE/initramfs-init
BUSYBOX=/bin/busybox
WANT="virtio_pci 9pnet_virtio 9p overlay"

MODS=''
if [ -z "$NOMODS" ]; then
	# Locate the kernel's module tree (downloads/extracts it if needed).
	MODDIR=$("$REPO/scripts/fetch-kernel.sh" "$KVER" | sed -n 's/^MODDIR=//p')
	BASE=${MODDIR%/lib/modules/"$KVER"}
	[ -n "$BASE" ] || BASE=/

	# Resolve the ordered, de-duplicated module list.
	MODS=$(for m in $WANT; do
		modprobe -d "$BASE" -S "$KVER" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
fi

# Cache key: every input file's identity + this script + the init script.
KEY=$({
	echo "$KVER $NOMODS"
	cat "$0" "$INIT"
	# shellcheck disable=SC2086
	ls -lL --time-style=+%s "$BUSYBOX" $MODS
} | sha256sum | cut -d' ' -f1)
if [ -f "$OUT" ] && [ "$(cat "$OUT.key" 2>/dev/null)" = "$KEY" ]; then
	exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
R=$TMP/root
mkdir -p "$R/bin" "$R/dev" "$R/proc" "$R/sys" "$R/etc" "$R/lower" "$R/rw" "$R/newroot" "$R/lib/modules"
cp "$BUSYBOX" "$R/bin/busybox"
cp "$INIT" "$R/init"
chmod 755 "$R/init"
: >"$R/etc/modules.load"
for ko in $MODS; do
	name=$(basename "$ko")
	case "$name" in
	*.ko.xz) name=${name%.xz}; xz -dc "$ko" >"$R/lib/modules/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -qdc "$ko" >"$R/lib/modules/$name" ;;
	*.ko.gz) name=${name%.gz}; gzip -dc "$ko" >"$R/lib/modules/$name" ;;
	*) cp "$ko" "$R/lib/modules/$name" ;;
	esac
	echo "$name" >>"$R/etc/modules.load"
done
# The kernel needs /dev/console before /init runs.
mknod -m 600 "$R/dev/console" c 5 1

mkdir -p "$(dirname "$OUT")"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$OUT.tmp.$$"
mv "$OUT.tmp.$$" "$OUT"
echo "$KEY" >"$OUT.key"
echo "mkinitramfs: built $OUT for $KVER ($(wc -l <"$R/etc/modules.load") modules)" >&2
