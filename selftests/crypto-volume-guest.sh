#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of selftests/crypto-volume.sh: dm-crypt volumes keyed by a
# vault key reference (capi:kvault(xts(aes))-plain64), one boot of two. The
# --disk image is an ext4 key store mounted at /var/lib/kvault (kvaultctl's
# default); the persistent volume's backing file and the data written to
# it live there too.
#
#   boot 1: a sealed aes-xts-512 key; `kvaultctl volume open` on a loop
#           device; data written, closed, reopened, read back; dm-crypt
#           usage accounting and transform count; with plaintext import
#           and a known key, the device's ciphertext equals a plain
#           aes-xts-plain64 mapping's; a key the caller may not search is
#           refused in a table; `key wipe` makes I/O fail, `key set` with a
#           valid reference restores it; the logon mirror
#           (:64:logon:kvault:NAME) reads the same data, cannot be read,
#           updated or re-permissioned, and goes with its vault key;
#           revoke / disable while I/O runs makes I/O fail from then on, a
#           close and reopen with a valid key works; `volume open-all` and
#           `close-all` with a volumes file holding one good line and bad
#           ones (malformed, a duplicate name, over the length cap, a NUL
#           byte), `volume status` and its --json fields; an untrusted
#           volumes file (a FIFO, group-writable) is not read.
#   boot 2: kvaultctl load-all; the volume opens and reads boot 1's data.
#
# usage: crypto-volume-guest.sh 1|2 KVAULT_KO KVAULTCTL_DIR
# Writes "ok - ..." / "not ok - ..." lines (numbered by the host) to
# $KVAULT_RESULTS/volume.res; details to stdout (guest.log).
# shellcheck disable=SC2317 # the helpers are called through check()
set -u
phase=$1 ko=$2 ctldir=$3
out=${KVAULT_RESULTS:?KVAULT_RESULTS is not set}
export PATH="$ctldir:$PATH"
store=/var/lib/kvault
res=$out/volume.res
t=/tmp/cv
: >"$res"
mkdir -p "$t"

# shellcheck source=selftests/reboot-guest-lib.sh
. "$(dirname "$0")/reboot-guest-lib.sh"


# little-endian hex of a 32-bit and a 16-bit number
le32() { printf '%08x' "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'; }
le16() { printf '%04x' "$1" | sed 's/\(..\)\(..\)/\2\1/'; }
# struct kvault_key_ref in hex: by ID (ref_id ID [VERSION]) or by name
# (ref_name NAME [VERSION])
ref_id() { echo "4b56524b0100$(le16 24)$(le32 "$1")$(le32 "${2:-0}")0000000000000000"; }
ref_name() {
	n=$(printf '%s' "$1" | wc -c)
	echo "4b56524b0100$(le16 $((24 + n + 1)))00000000$(le32 "${2:-0}")0000000000000000$(printf '%s' "$1" | od -An -tx1 | tr -d ' \n')00"
}
# "OPS BYTES" of a consumer kind (dm-crypt, af-alg, kernel) from key show
usage_of() { kvaultctl key show "$1" | sed -n "s/^ *$2: *\([0-9]*\) ops, \([0-9]*\) bytes.*/\1 \2/p"; }
transforms() { kvaultctl key show "$1" | sed -n 's/^ *transforms: *\([0-9]*\).*/\1/p'; }
sectors() { blockdev --getsz "$1"; }
# dmsetup create NAME TABLE, making the node itself (no udev in the guest)
dmc() { dmsetup create "$1" --noudevsync --table "$2" && dmsetup mknodes "$1" && test -b "/dev/mapper/$1"; }
kv_table() { echo "0 $(sectors "$1") crypt capi:kvault(xts(aes))-plain64 $2 0 $1 0"; }
plain_table() { echo "0 $(sectors "$1") crypt aes-xts-plain64 $2 0 $1 0"; }
# write FILE to a mapping (direct I/O, so errors show at once); read LEN back
# (every dd has a timeout: I/O to a suspended mapping would wait forever)
# (and a node that is missing must not become a regular file in /dev/mapper)
put() { test -b "/dev/mapper/$2" && timeout 120 dd if="$1" of="/dev/mapper/$2" bs=64k oflag=direct conv=fsync status=none; }
same() {	# same MAPPING FILE: the mapping's first bytes are FILE's
	test -b "/dev/mapper/$1" || return 1
	timeout 120 dd if="/dev/mapper/$1" bs=64k count=$(($(stat -c %s "$2") / 65536)) \
		iflag=direct status=none | cmp - "$2"
}
put_same() { put "$1" "$2" && same "$2" "$1"; }
readfails() {
	test -b "/dev/mapper/$1" && ! timeout 60 dd if="/dev/mapper/$1" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null
}
writefails() {
	test -b "/dev/mapper/$1" && ! timeout 60 dd if=/dev/zero of="/dev/mapper/$1" bs=4k count=1 oflag=direct status=none 2>/dev/null
}
newloop() {	# newloop FILE MIB: a zeroed backing file on a loop device
	rm -f "$1"
	truncate -s "${2}M" "$1"
	losetup -f --show "$1"
}

# run kvaultctl ARGS...: stdout in $t/out, stderr in $t/err, exit in $rc
ctl() {
	kvaultctl "$@" >"$t/out" 2>"$t/err"
	rc=$?
	echo "kvaultctl $*: exit $rc"
	cat "$t/out" "$t/err"
}
has_line() { grep -qxF -- "$1" "$2"; }
# the --json object in $t/out matches a jq expression
json_is() { jq -e "$1" "$t/out" >/dev/null; }

# open-all, status and close-all with a volumes file of one good line and
# one of each kind of bad line
volumes_file() {
	check "key create vol-cfg" kvaultctl key create vol-cfg --alg aes-xts-256
	lc=$(newloop "$t/cfg.img" 2)
	cfg=$t/volumes
	{
		echo "# NAME DEVICE KEY [OPTIONS]"
		echo "kvcfg $lc vol-cfg key-version=1"
		echo "kvbad $lc"
		echo "kvcfg $lc vol-cfg"
		printf 'kvlong %s vol-cfg #%05000d\n' "$lc" 0
		printf 'kvnul %s vol-cfg\0x\n' "$lc"
	} >"$cfg"
	chmod 600 "$cfg"
	ctl volume open-all --config "$cfg"
	check "open-all with 4 bad lines exits 1 ($rc)" test "$rc" = 1
	check "open-all: line 3 is malformed" has_line \
		"kvaultctl: $cfg:3: expected NAME DEVICE KEY [OPTIONS], found 2 fields" "$t/err"
	check "open-all: line 4 repeats line 2's name" has_line \
		"kvaultctl: $cfg:4: volume name 'kvcfg' is used on line 2 already" "$t/err"
	check "open-all: line 5 is over the length cap" has_line \
		"kvaultctl: $cfg:5: line too long (more than 4096 bytes)" "$t/err"
	check "open-all: line 6 has a NUL byte" has_line \
		"kvaultctl: $cfg:6: the line contains a NUL byte (the volumes file is text)" "$t/err"
	check "open-all: one message per bad line ($(wc -l <"$t/err"))" test "$(wc -l <"$t/err")" = 4
	check "open-all: line 2 opened" has_line \
		"opened /dev/mapper/kvcfg: $lc, aes-xts-plain64, key vol-cfg version 1, $(sectors "$lc") sectors" "$t/out"
	check "open-all: 1 opened, 0 open already, 4 failed" has_line \
		"$cfg: 1 opened, 0 open already, 4 failed" "$t/out"
	check "/dev/mapper/kvcfg exists" test -b /dev/mapper/kvcfg
	tbl=$(dmsetup table --showkeys kvcfg)
	echo "dmsetup table --showkeys kvcfg: $tbl"
	check "dmsetup table: kvault(xts(aes)) keyed by vol-cfg's reference, version 1, not key bytes" \
		test "$(echo "$tbl" | cut -d' ' -f3-5)" = "crypt capi:kvault(xts(aes))-plain64 $(ref_name vol-cfg 1)"
	check "write 1 MiB through kvcfg" put "$t/d1" kvcfg

	ctl volume status kvcfg
	check "volume status kvcfg exits 0 ($rc)" test "$rc" = 0
	check "status: the key reference is vol-cfg version 1" has_line "  key ref:      vol-cfg version 1" "$t/out"
	check "status: the table in full" grep -qF \
		"  table:        capi:kvault(xts(aes))-plain64 $(ref_name vol-cfg 1) 0 " "$t/out"
	check "status: one transform" has_line "  transforms:   1" "$t/out"
	check "status: dm-crypt ops and bytes counted" grep -q '^  dm-crypt: *[1-9][0-9]* ops, [1-9][0-9]* bytes' "$t/out"
	check "status: no af-alg use" has_line "  af-alg:       0 ops, 0 bytes" "$t/out"
	ctl volume status kvcfg --json
	check "volume status kvcfg --json exits 0 ($rc)" test "$rc" = 0
	check "status --json: name, cipher, sectors, sector size" json_is \
		".name == \"kvcfg\" and .cipher == \"capi:kvault(xts(aes))-plain64\" and .sectors == $(sectors "$lc") and .sector_size == 512"
	check "status --json: key_ref names vol-cfg version 1 (not by id)" json_is \
		'.key_ref == {"name": "vol-cfg", "id": 0, "version": 1}'
	check "status --json: the table holds the reference" json_is \
		".table | startswith(\"capi:kvault(xts(aes))-plain64 $(ref_name vol-cfg 1) 0 \")"
	check "status --json: key vol-cfg, version 1, enabled, aes-xts-256" json_is \
		'.key.name == "vol-cfg" and .key.version == 1 and .key.state == "enabled" and .key.alg == "aes-xts-256"'
	check "status --json: one transform, dm-crypt >= 1 MiB, no af-alg or kernel use" json_is \
		'.key.transforms == 1 and .key.consumers."dm-crypt".ops > 0 and .key.consumers."dm-crypt".bytes >= 1048576 and .key.consumers."af-alg" == {"ops": 0, "bytes": 0} and .key.consumers.kernel == {"ops": 0, "bytes": 0}'

	ctl volume open-all --config "$cfg"
	check "open-all again: kvcfg counted as open already" has_line \
		"$cfg: 0 opened, 1 open already, 4 failed" "$t/out"
	ctl volume close-all --config "$cfg"
	check "close-all exits 1 (the same 4 bad lines) ($rc)" test "$rc" = 1
	check "close-all: one message per bad line ($(wc -l <"$t/err"))" test "$(wc -l <"$t/err")" = 4
	check "close-all closed kvcfg" has_line "closed /dev/mapper/kvcfg" "$t/out"
	check "close-all: 1 closed, 0 not open, 4 failed" has_line \
		"$cfg: 1 closed, 0 not open, 4 failed" "$t/out"
	check "kvcfg is gone" sh -c '! dmsetup info kvcfg >/dev/null 2>&1'
	check "no transform of vol-cfg after close-all" test "$(transforms vol-cfg)" = 0

	# the good line alone: exit 0 both ways, --json summaries
	head -n 2 "$cfg" >"$cfg.good"
	chmod 600 "$cfg.good"
	ctl volume open-all --config "$cfg.good" --json
	check "open-all of the good line alone exits 0 ($rc)" test "$rc" = 0
	check "open-all --json: the summary" sh -c "tail -n 1 '$t/out' | jq -e '. == {\"config\": \"$cfg.good\", \"opened\": 1, \"open_already\": 0, \"failed\": 0}' >/dev/null"
	check "reads back through the volume opened again" same kvcfg "$t/d1"
	ctl volume close-all --config "$cfg.good" --json
	check "close-all of the good line alone exits 0 ($rc)" test "$rc" = 0
	check "close-all --json: the summary" sh -c "tail -n 1 '$t/out' | jq -e '. == {\"config\": \"$cfg.good\", \"closed\": 1, \"not_open\": 0, \"failed\": 0}' >/dev/null"

	# files that are not read at all
	chmod 620 "$cfg.good"
	ctl volume open-all --config "$cfg.good"
	check "a group-writable volumes file is refused ($rc)" sh -c "test $rc = 1 && grep -qxF 'kvaultctl: cannot read $cfg.good: writable by its group or others (mode 0620; chmod go-w it)' '$t/err'"
	check "... and nothing is opened" sh -c '! dmsetup info kvcfg >/dev/null 2>&1'
	rm -f "$t/fifo"
	mkfifo "$t/fifo"
	timeout 30 kvaultctl volume open-all --config "$t/fifo" >"$t/out" 2>"$t/err"
	rc=$?
	cat "$t/err"
	check "a FIFO as the volumes file is refused at once ($rc)" sh -c "test $rc = 1 && grep -qxF 'kvaultctl: cannot read $t/fifo: not a regular file (a FIFO)' '$t/err'"
	losetup -d "$lc"
}

mount_store
for m in loop dm-mod dm-crypt; do modprobe "$m" 2>/dev/null; done
check "dm-crypt is available" sh -c 'dmsetup targets | grep -q "^crypt"'
check "insmod kvault.ko" insmod "$ko" || { umount "$store"; exit 1; }
data=$store/data

case $phase in
1)
	head -c 1048576 /dev/urandom >"$data"
	check "key create vol-key --alg aes-xts-512" kvaultctl key create vol-key --alg aes-xts-512
	check "key seal vol-key --pcrs sha256:7" kvaultctl key seal vol-key --pcrs sha256:7
	lo=$(newloop "$store/vol.img" 4)
	check "loop device for the volume ($lo)" test -b "$lo"
	check "volume open $lo kvvol --key vol-key" kvaultctl volume open "$lo" kvvol --key vol-key
	kvaultctl volume status kvvol
	check "the table uses capi:kvault(xts(aes))-plain64" \
		sh -c 'dmsetup table kvvol | grep -q "capi:kvault(xts(aes))-plain64"'
	check "one transform keyed with vol-key while open" test "$(transforms vol-key)" -ge 1
	check "write 1 MiB through the volume" put "$data" kvvol
	check "read it back" same kvvol "$data"
	check "volume close kvvol" kvaultctl volume close kvvol
	check "no transform after close" test "$(transforms vol-key)" = 0
	check "the backing file holds no plaintext" sh -c "! cmp -s -n 1048576 $data $store/vol.img"
	check "volume open again" kvaultctl volume open "$lo" kvvol --key vol-key
	check "reads back after close and reopen" same kvvol "$data"
	u=$(usage_of vol-key dm-crypt)
	echo "vol-key dm-crypt usage: $u"
	check "dm-crypt usage counted (ops > 0, bytes >= 3 MiB: $u)" \
		sh -c "set -- $u; test \"\${1:-0}\" -gt 0 && test \"\${2:-0}\" -ge 3145728"
	check "no af-alg usage counted" test "$(usage_of vol-key af-alg)" = "0 0"

	# key wipe and key set (dm-crypt messages, device suspended). dm-crypt
	# itself refuses to resume without a valid key, so I/O never reaches
	# the wiped transform through dm-crypt (the AF_ALG test checks that a
	# wiped transform has no key).
	# the reference as volume status shows it, read while the key is live
	# (once wiped, the table holds random bytes, no reference)
	ref=$(kvaultctl volume status kvvol | sed -n 's/^ *table: *capi:kvault(xts(aes))-plain64 \([0-9a-f]*\) .*/\1/p')
	check "volume status shows the reference to vol-key version 1" \
		test "$ref" = "$(ref_name vol-key 1)"
	check "suspend kvvol" dmsetup suspend kvvol
	# dm-crypt's wipe is setkey with random bytes, which kvault refuses
	# (EINVAL): the message reports that, and the key is gone either way
	dmsetup message kvvol 0 key wipe
	echo "key wipe message: exit $?"
	check "resume is refused with the key wiped" sh -c "! dmsetup resume kvvol 2>/dev/null"
	check "key set with raw key bytes is refused" sh -c \
		"! dmsetup message kvvol 0 key set $(printf '%064d' 0) 2>/dev/null"
	check "resume is still refused" sh -c "! dmsetup resume kvvol 2>/dev/null"
	check "key set with a valid reference" dmsetup message kvvol 0 key set "$ref"
	check "resume after key set" dmsetup resume kvvol
	check "after key set, the data reads back" same kvvol "$data"
	check "volume close" kvaultctl volume close kvvol

	# the logon mirror: same material, read through dm-crypt's logon form
	check "key publish vol-key --keyring @u" kvaultctl key publish vol-key --keyring @u
	mirror=$(keyctl search @u logon kvault:vol-key 2>/dev/null)
	check "the mirror kvault:vol-key is in @u ($mirror)" test -n "$mirror"
	keyctl describe "$mirror"
	check "keyctl read of the mirror fails" sh -c "! keyctl read $mirror >/dev/null 2>&1"
	check "keyctl update of the mirror fails" sh -c "! echo x | keyctl pupdate $mirror 2>/dev/null"
	check "keyctl setperm of the mirror fails" sh -c "! keyctl setperm $mirror 0x3f3f3f3f 2>/dev/null"
	check "dm-crypt with :64:logon:kvault:vol-key" \
		dmc kvlogon "0 $(sectors "$lo") crypt aes-xts-plain64 :64:logon:kvault:vol-key 0 $lo 0"
	dmsetup table kvlogon; ls -l /dev/mapper
	check "the logon mapping reads the volume's data" same kvlogon "$data"
	dmsetup remove kvlogon
	check "key unpublish vol-key" kvaultctl key unpublish vol-key
	check "the mirror is gone after unpublish" sh -c "! keyctl describe $mirror >/dev/null 2>&1"
	losetup -d "$lo"

	# a published key revoked: the mirror goes, new logon tables fail
	check "key create vol-pub" kvaultctl key create vol-pub --alg aes-xts-512
	kvaultctl key publish vol-pub --keyring @u
	pm=$(keyctl search @u logon kvault:vol-pub 2>/dev/null)
	lp=$(newloop "$t/pub.img" 2)
	check "dm-crypt with the vol-pub mirror ($pm)" \
		dmc kvpub "0 $(sectors "$lp") crypt aes-xts-plain64 :64:logon:kvault:vol-pub 0 $lp 0"
	check "key revoke vol-pub" kvaultctl key revoke vol-pub
	check "the mirror is revoked or gone" sh -c "! keyctl describe $pm >/dev/null 2>&1"
	check "a new logon table for vol-pub is refused" sh -c \
		"! dmsetup create kvpub2 --noudevsync --table '0 $(sectors "$lp") crypt aes-xts-plain64 :64:logon:kvault:vol-pub 0 $lp 0' 2>/dev/null"
	dmsetup remove kvpub
	losetup -d "$lp"

	# known material: kvault's ciphertext is plain aes-xts-plain64's
	known=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	known=$known$(echo "$known" | tr '0123456789abcdef' 'fedcba9876543210')
	echo 1 >/sys/module/kvault/parameters/allow_plaintext_import
	kid=$(keyctl add kvault vol-known "import aes-xts-512 $known usage=crypto-api" @u)
	echo 0 >/sys/module/kvault/parameters/allow_plaintext_import
	check "import vol-known (aes-xts-512, crypto-api) ($kid)" test -n "$kid"
	la=$(newloop "$t/a.img" 2)
	lb=$(newloop "$t/b.img" 2)
	head -c 1048576 "$data" >"$t/d1"
	check "dmsetup create with the kvault table (reference by ID)" \
		dmc kvk "$(kv_table "$la" "$(ref_id "$kid")")"
	check "dmsetup create a plain aes-xts-plain64 mapping" dmc plk "$(plain_table "$lb" "$known")"
	put "$t/d1" kvk
	put "$t/d1" plk
	kvaultctl key show vol-known
	u=$(usage_of vol-known dm-crypt)
	check "dm-crypt usage of vol-known counts the 1 MiB written ($u)" \
		sh -c "set -- $u; test \"\${2:-0}\" -ge 1048576"
	dmsetup remove kvk
	dmsetup remove plk
	kvaultctl key show vol-known
	check "the counts stay after the table is removed ($(usage_of vol-known dm-crypt))" \
		test "$(usage_of vol-known dm-crypt)" = "$u"
	check "the ciphertext on the device equals plain aes-xts-plain64's" cmp "$t/a.img" "$t/b.img"
	dmc plk "$(plain_table "$la" "$known")"
	check "plain aes-xts-plain64 decrypts the kvault volume" same plk "$t/d1"
	dmsetup remove plk

	# a key the caller may not search is refused in a table
	check "key create vol-noperm" kvaultctl key create vol-noperm --alg aes-xts-512
	np=$(key_id vol-noperm)
	check "keyctl setperm vol-noperm: no search for anyone" keyctl setperm "$np" 0x37370000
	check "a table naming vol-noperm is refused" sh -c \
		"! dmsetup create kvnp --noudevsync --table '$(kv_table "$la" "$(ref_name vol-noperm)")' 2>/dev/null"
	check "volume open with vol-noperm is refused" sh -c \
		"! kvaultctl volume open $la kvnp --key vol-noperm 2>/dev/null"
	check "a table with raw key bytes is refused" sh -c \
		"! dmsetup create kvraw --noudevsync --table '0 4096 crypt capi:kvault(xts(aes))-plain64 $known 0 $la 0' 2>/dev/null"
	check "a table for an aes-256 key (wrong kind) is refused" sh -c \
		"kvaultctl key create vol-aes --alg aes-256 && ! dmsetup create kvaes --noudevsync --table '$(kv_table "$la" "$(ref_name vol-aes)")' 2>/dev/null"
	dmsetup remove kvnp kvraw kvaes 2>/dev/null
	losetup -d "$la"
	losetup -d "$lb"

	# revocation while I/O runs; close and reopen with a valid key
	check "key create vol-rev" kvaultctl key create vol-rev --alg aes-xts-512
	lr=$(newloop "$t/rev.img" 8)
	check "volume open kvrev --key vol-rev" kvaultctl volume open "$lr" kvrev --key vol-rev
	(
		i=0
		while timeout 60 dd if=/dev/zero of=/dev/mapper/kvrev bs=64k count=64 oflag=direct \
			status=none 2>/dev/null; do
			i=$((i + 1))
			[ $i -lt 100000 ] || break
		done
		echo "$i" >"$t/rev-writes"
	) &
	wpid=$!
	sleep 3
	check "the writer is running before the revocation" kill -0 "$wpid"
	check "key revoke vol-rev under I/O" kvaultctl key revoke vol-rev
	i=0
	while kill -0 "$wpid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	check "the writer's I/O failed after the revocation ($(cat "$t/rev-writes" 2>/dev/null) rounds)" \
		sh -c "! kill -0 $wpid 2>/dev/null"
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	check "reads fail from then on" readfails kvrev
	check "writes fail from then on" writefails kvrev
	check "volume close kvrev" kvaultctl volume close kvrev
	check "key create vol-rev2" kvaultctl key create vol-rev2 --alg aes-xts-512
	check "volume open kvrev --key vol-rev2" kvaultctl volume open "$lr" kvrev --key vol-rev2
	check "write and read back with the new key" put_same "$t/d1" kvrev
	# disable and enable a live volume's key
	check "key disable vol-rev2" kvaultctl key disable vol-rev2
	check "I/O fails while disabled" readfails kvrev
	check "key enable vol-rev2" kvaultctl key enable vol-rev2
	check "I/O works again once enabled" same kvrev "$t/d1"
	check "volume close kvrev" kvaultctl volume close kvrev
	losetup -d "$lr"
	volumes_file
	;;
2)
	kvaultctl load-all >"$t/load-all.txt" 2>&1
	rc=$?
	cat "$t/load-all.txt"
	check "load-all succeeds" test "$rc" -eq 0
	check "vol-key is loaded" test -n "$(key_id vol-key)"
	lo=$(losetup -f --show "$store/vol.img")
	check "loop device for the volume ($lo)" test -b "$lo"
	check "volume open after the reboot" kvaultctl volume open "$lo" kvvol --key vol-key
	check "boot 1's data reads back after the reboot" same kvvol "$data"
	check "volume close" kvaultctl volume close kvvol
	losetup -d "$lo"
	;;
*)
	fail "unknown phase $phase"
	;;
esac

dmsetup remove_all 2>/dev/null
losetup -D 2>/dev/null
check "rmmod kvault" rmmod kvault
umount "$store"
exit 0
