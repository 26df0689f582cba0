#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boot Debian's 6.1 kernel in QEMU with a fresh swtpm TPM 2.0,
# load kvault.ko and show what kvaultctl sees.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=$(scripts/kernel-versions.sh 6.1)
make -s KDIR="/usr/src/linux-headers-$kver" module userspace
out=$top/build/demo
rm -rf "$out"
mkdir -p "$out"
cat > "$out/demo-guest.sh" <<GUEST
#!/bin/sh
set -e
export PATH="$top/build/userspace:\$PATH"
run() { echo; echo "\$ \$*"; "\$@"; }
insmod "$top/build/kmod/$kver/kvault.ko"
run kvaultctl status
run kvaultctl pcr read 0-7
run kvaultctl pcr read --bank sha1 0,2,7
run kvaultctl --netlink --json pcr read --bank sha384 16
rmmod kvault
GUEST
chmod +x "$out/demo-guest.sh"
echo "booting $kver under QEMU with swtpm (10-20 s under TCG)..."
selftests/vm/run-guest.sh --kernel "$kver" --tpm --out "$out/guest" --quiet \
	-- "$out/demo-guest.sh" || { echo "demo failed; see $out/guest/console.log" >&2; exit 1; }
cat "$out/guest/guest.log"
