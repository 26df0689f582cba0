# SPDX-License-Identifier: GPL-2.0
#
# kvault top-level build. `make` builds the module, libkvault, kvaultctl and
# the selftests; `make check` is the test suite (see README).

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build
CACHE := $(TOP)/.cache
KSFT_DIR := $(CACHE)/kselftest

# The running kernel's build dir if it has one, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
KREL = $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KMOD_OUT = $(BUILD)/kmod/$(KREL)
KMOD_SRC := Kbuild $(wildcard kmod/*.c kmod/*.h) uapi/linux/kvault.h
# The first recipe line of the module targets: fail early without headers.
NEED_KREL = @test -n "$(KREL)" || { echo "no kernel headers at KDIR='$(KDIR)'; run 'make deps' or set KDIR" >&2; exit 1; }
# Extra kbuild arguments for `make module`, e.g. KBUILD_EXTRA='C=2' (sparse).
KBUILD_EXTRA ?=

.PHONY: all module test-module userspace selftests deps check check-unit demo \
	dkms-install dkms-uninstall clean fuzz install

all: module test-module userspace selftests

# Kbuild writes its objects next to the sources, so build from a copy per
# kernel: the tree stays clean and two kernels never share objects.
module:
	$(NEED_KREL)
	@mkdir -p $(KMOD_OUT)
	@cp -u --parents $(KMOD_SRC) $(KMOD_OUT)/
	$(MAKE) -C $(KDIR) M=$(KMOD_OUT) W=1 $(KBUILD_EXTRA) modules
	@echo "built $(KMOD_OUT)/kvault.ko"

# The test-only kvault_kernel_user.ko (selftests/kernel-user/), which
# crypto_ref_test loads to use the templates from kernel code, for the same
# kernel into build/selftests/kmod/<release>; never installed.
TEST_KMOD_OUT = $(BUILD)/selftests/kmod/$(KREL)
TEST_KMOD_SRC := selftests/kernel-user/Kbuild selftests/kernel-user/kvault_kernel_user.c

test-module:
	$(NEED_KREL)
	@mkdir -p $(TEST_KMOD_OUT)/uapi/linux
	@cp -u $(TEST_KMOD_SRC) $(TEST_KMOD_OUT)/
	@cp -u uapi/linux/kvault.h $(TEST_KMOD_OUT)/uapi/linux/
	$(MAKE) -C $(KDIR) M=$(TEST_KMOD_OUT) W=1 $(KBUILD_EXTRA) modules
	@echo "built $(TEST_KMOD_OUT)/kvault_kernel_user.ko"

$(KSFT_DIR)/kselftest_harness.h:
	@echo "the kselftest harness is not in $(KSFT_DIR); run 'make deps' first" >&2; exit 1

# libkvault and kvaultctl need only the distribution's packages; the tests
# (host unit tests, guest selftests) also need the kselftest harness that
# `make deps` extracts from linux-source.
userspace:
	$(MAKE) -C userspace TOP=$(TOP) BUILD=$(BUILD)/userspace KSFT_DIR=$(KSFT_DIR) lib kvaultctl

selftests: userspace $(KSFT_DIR)/kselftest_harness.h
	$(MAKE) -C selftests TOP=$(TOP) BUILD=$(BUILD)/selftests KSFT_DIR=$(KSFT_DIR) \
		LIBKVAULT=$(BUILD)/userspace/lib

deps:
	scripts/install-deps.sh

check: deps
	scripts/check.sh

# Static checks (checkpatch, sparse and W=1 on both kernels, userspace
# warnings, cppcheck, clang analyzer) and the unit tests under ASan + UBSan.
# One check alone: scripts/lint.sh <check>; scripts/lint.sh --list.
.PHONY: lint
lint: deps
	scripts/lint.sh

# The debug-kernel tier: KASAN, UBSAN, kmemleak, lockdep, fault injection.
.PHONY: check-debug
check-debug: deps
	scripts/check-debug.sh

check-unit: userspace $(KSFT_DIR)/kselftest_harness.h
	$(MAKE) -C userspace TOP=$(TOP) BUILD=$(BUILD)/userspace KSFT_DIR=$(KSFT_DIR) test

# The demo (scripts/demo.sh): a sealed key, a dm-crypt volume across a guest
# reboot, the boot lock, live revocation; `make demo [DEMO_ARGS='--kernel 6.12']`
demo: deps
	scripts/demo.sh $(DEMO_ARGS)

# The fuzzer in a QEMU guest: `make fuzz DURATION=300 [FUZZ_ARGS='--kernel 6.12']`
DURATION ?= 120
fuzz: deps
	DURATION=$(DURATION) scripts/fuzz.sh $(FUZZ_ARGS)

# The benchmark in a QEMU guest (prints figures, never fails on speed): the
# key registry, sealing, and kvault(ALG) against ALG for dm-crypt and AF_ALG;
# `make bench [BENCH_ARGS='--kernel 6.1 --crypto-only']`; see scripts/bench.sh.
.PHONY: bench
bench: deps
	scripts/bench.sh $(BENCH_ARGS)

dkms-install:
	scripts/dkms.sh install

# kvaultctl, libkvault and the kvault-load.service and kvault-volumes.service
# units (userspace/Makefile:
# DESTDIR, PREFIX, UNITDIR, STOREDIR); the module goes in with dkms-install.
install: userspace
	$(MAKE) -C userspace TOP=$(TOP) BUILD=$(BUILD)/userspace KSFT_DIR=$(KSFT_DIR) install

dkms-uninstall:
	scripts/dkms.sh uninstall

clean:
	rm -rf $(BUILD)
