#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# The host side of selftests/seal-bus-check.sh: parse OUT/swtpm.log (swtpm
# at log level 20) into one byte stream per TPM command and response and
# print TAP (see seal-bus-check.sh for what is asserted). Environment: OUT
# (the run's --out dir, with bus.res and bus-done from the guest), RC (the
# guest run's exit status), DMESG (dmesg-check.sh's exit status), M1, M2
# and CANARY (hex), PIN.
use strict;
use warnings;

my ($n, $failed) = (0, 0);
sub tap {
	my ($ok, $d) = @_;
	$n++;
	$failed++ unless $ok;
	print(($ok ? "ok" : "not ok"), " $n $d\n");
}

print "TAP version 13\n";
# the guest side results
if (open(my $r, "<", "$ENV{OUT}/bus.res")) {
	while (<$r>) {
		chomp;
		tap(1, substr($_, 5)) if /^ok - /;
		tap(0, substr($_, 9)) if /^not ok - /;
	}
}
tap($ENV{RC} == 0 && -e "$ENV{OUT}/bus-done", "guest finished (exit $ENV{RC})");
tap(($ENV{DMESG} // 1) == 0, "no kernel reports in dmesg (vm/dmesg-check.sh)");

# swtpm.log -> [kind, declared length, bytes]: SWTPM_IO_Read is a command,
# SWTPM_IO_Write a response; the control channel is skipped.
my (@msgs, $cur);
open(my $log, "<", "$ENV{OUT}/swtpm.log") or do { tap(0, "swtpm.log exists"); print "1..$n\n"; exit 1 };
while (my $l = <$log>) {
	if ($l =~ /^\s*SWTPM_IO_(Read|Write): length (\d+)/) {
		$cur = [$1 eq "Read" ? "cmd" : "rsp", $2, ""];
		push @msgs, $cur;
	} elsif ($l =~ /^\s*Ctrl (Cmd|Rsp): length/) {
		$cur = undef;
	} elsif ($cur && $l =~ /^\s*((?:[0-9A-Fa-f]{2} ?)+)\s*$/) {
		(my $h = $1) =~ s/\s//g;
		$cur->[2] .= pack("H*", $h);
	} else {
		$cur = undef;
	}
}
my @bad = grep { length($_->[2]) != $_->[1] } @msgs;
tap(@msgs > 10 && !@bad, "swtpm.log parsed: " . scalar(@msgs) . " messages, " .
    scalar(@bad) . " with a length other than declared");

my $m1 = pack("H*", $ENV{M1});
my $m2 = pack("H*", $ENV{M2});
my $canary = pack("H*", $ENV{CANARY});
my $pin = $ENV{PIN};

# pair each response with its command code
my ($cc, @create, @unseal_cmd, @unseal_rsp) = (0);
for my $m (@msgs) {
	if ($m->[0] eq "cmd") {
		$cc = length($m->[2]) >= 10 ? unpack("N", substr($m->[2], 6, 4)) : 0;
		push @create, $m->[2] if $cc == 0x153;
		push @unseal_cmd, $m->[2] if $cc == 0x15E;
	} elsif ($cc == 0x15E) {
		push @unseal_rsp, $m->[2];
	}
}
my @kv_create = grep { index($_, $canary) < 0 } @create;
my @kv_unseal = grep { index($_, $canary) < 0 } @unseal_rsp;
tap(scalar(grep { index($_, $canary) >= 0 } @create) >= 1,
    "self-check: the canary is found in a TPM2_Create command (sent in clear by tpm2-tools)");
tap(scalar(grep { index($_, $canary) >= 0 } @unseal_rsp) >= 1,
    "self-check: the canary is found in a TPM2_Unseal response (in clear)");
tap(@kv_create >= 2, "the log holds kvault's TPM2_Create (0x153) commands: " . scalar(@kv_create));
tap(@kv_unseal >= 2, "the log holds kvault's TPM2_Unseal (0x15E) responses: " . scalar(@kv_unseal));

# session attributes of a command with @nh handles: the OR of them all
sub sess_attrs {
	my ($c, $nh) = @_;
	my $o = 10 + 4 * $nh;
	return -1 if unpack("n", $c) != 0x8002 || length($c) < $o + 4;
	my $end = $o + 4 + unpack("N", substr($c, $o, 4));
	my $a = 0;
	$o += 4;
	while ($o + 9 <= $end) {
		$o += 4;
		my $nl = unpack("n", substr($c, $o, 2)); $o += 2 + $nl;
		$a |= ord(substr($c, $o, 1)); $o += 1;
		my $hl = unpack("n", substr($c, $o, 2)); $o += 2 + $hl;
	}
	return $a;
}
my @kv_create_cmd = grep { index($_, $canary) < 0 } @create;
tap(@kv_create_cmd && !grep({ sess_attrs($_, 1) < 0 || !(sess_attrs($_, 1) & 0x20) } @kv_create_cmd),
    "every kvault TPM2_Create has a session with decrypt (parameter encryption)");
# kvault Unseal commands: the ones whose response is not the canary
my (@kv_unseal_cmd, $last);
for my $m (@msgs) {
	if ($m->[0] eq "cmd") { $last = $m->[2]; next; }
	next unless $last && length($last) >= 10 && unpack("N", substr($last, 6, 4)) == 0x15E;
	push @kv_unseal_cmd, $last if index($m->[2], $canary) < 0 && length($m->[2]) > 10;
}
tap(@kv_unseal_cmd && !grep({ sess_attrs($_, 1) < 0 || !(sess_attrs($_, 1) & 0x40) } @kv_unseal_cmd),
    "every successful kvault TPM2_Unseal has a session with encrypt (parameter encryption)");

# any 8-byte window of @secret (raw, or as hex text) in any message?
sub leaks {
	my ($secret) = @_;
	my @found;
	for my $w (0 .. length($secret) - 8) {
		my $raw = substr($secret, $w, 8);
		my $hex = unpack("H*", $raw);
		for my $i (0 .. $#msgs) {
			my $b = $msgs[$i][2];
			push @found, "message $i ($msgs[$i][0]) at window $w"
				if index($b, $raw) >= 0 || index(lc($b), $hex) >= 0;
		}
		last if @found > 5;
	}
	return @found;
}
tap(scalar(leaks($canary)) > 0, "self-check: the window search finds the canary");
for ([$m1, "material 1 (no PIN)"], [$m2, "material 2 (PIN)"], [$pin, "the PIN"]) {
	my @f = leaks($_->[0]);
	tap(!@f, "$_->[1] appears in no TPM command or response");
	print "# found: $_\n" for @f;
}
print "1..$n\n";
exit($failed ? 1 : 0);
