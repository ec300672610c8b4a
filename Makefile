# SPDX-License-Identifier: GPL-2.0
#
# lpar: build, check and run.  The module itself is described by ./Kbuild;
# the kernel's build system reads that one, this file drives everything.
#
#   make                the module (lpar.ko), tools/ and selftests/ (with
#                       the example OLP patch the selftests use)
#   make olp-patch      olp/example: patch module + patch files for lpar.ko
#   make deps           install what is missing from Debian (apt-get)
#   make check          deps, W=1 C=2 build with zero warnings, the
#                       selftests in the VM, dmesg scan; last line
#                       "N passed, M failed"  (CHECKPATCH=1: checkpatch too)
#   make check-debug    the same against a debug kernel (lockdep, KASAN,
#                       atomic sleep, debug objects, lockup detectors)
#                       booted in the VM; built first if not cached
#   make debug-kernel   only build that kernel (scripts/debug-kernel:
#                       Debian's linux-source-6.1, ~25 min once, cached
#                       in .build/debug-kernel-HASH/); prints its directory
#   make checkpatch     checkpatch.pl --strict over our C sources
#   make demo           scripts/demo.sh in the VM
#   make bench          bench/ built, bench/run_all.sh in the VM
#   make vm CMD='...'   any command in the VM (no CMD: a shell)
#   make check-dkms     selftests/lpar_dkms_test.sh in the VM: DKMS builds
#                       the module there (~10 min under TCG) and modprobe
#                       loads it
#   make dkms-install   the module's sources to /usr/src/lpar-VERSION/ and
#                       dkms add/build/install (KVER=: for that kernel;
#                       default every installed kernel DKMS finds headers
#                       for); make dkms-remove undoes it
#   make clean / distclean
#
# KDIR: kernel build directory (default: scripts/kdir -- the running
# kernel's headers if present, else the newest linux-headers-*-amd64).
# The test VM boots the same release's /boot/vmlinuz.  V=1: verbose.
# LPAR_VM=vng: the VM is started by virtme-ng (vng) instead of
# scripts/lpar-vm's own QEMU command line.  LPAR_KERNEL=DIR|IMAGE: the
# VM boots a kernel of your own build, lpar.ko is built against its tree.

# Evaluated once; an empty KDIR inherited from a parent make (run before
# "make deps" installed the headers) is looked up again.
KDIR := $(strip $(KDIR))
ifeq ($(KDIR),)
KDIR := $(shell LPAR_KERNEL='$(LPAR_KERNEL)' scripts/kdir 2>/dev/null)
endif

BUILD := $(CURDIR)/.build
# The kernel source Debian ships: kselftest_harness.h for the selftests and
# checkpatch.pl, extracted on demand, never copied into the tree.
KSRC_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
KSRC := $(BUILD)/linux-source-6.1
KSRC_FILES := tools/testing/selftests/kselftest*.h \
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch \
	$(KSRC_EXTRA)
export KDIR KSRC

ifeq ($(V),1)
Q :=
else
Q := @
endif
SUBMAKE := $(MAKE) --no-print-directory
# Kbuild flags we pass on to the module build, and only there.
KBUILD_FLAGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V))

VM := scripts/lpar-vm
VMFLAGS ?=

.PHONY: all module tools selftests olp-patch deps ksrc checkpatch check demo bench vm \
	check-debug check-dkms debug-kernel dkms-install dkms-remove clean module-clean \
	distclean help

all: module tools selftests

help:
	$(Q)sed -n '3,30p' Makefile | sed 's/^# \{0,1\}//'

# --- build -------------------------------------------------------------------

kdir-ok = $(if $(KDIR),,$(error no kernel headers found: run "make deps" (or set KDIR)))

module:
	$(kdir-ok)
	$(Q)$(SUBMAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_FLAGS) modules

# On-line patches are built against lpar.ko (its Module.symvers, and its
# bytes for the old data): olp/example, by the rules in olp/patch.mk.  The
# module is built first only if it is missing, so that "make module W=1"
# followed by "make selftests" does not rebuild it with other flags.
olp-patch:
	$(kdir-ok)
	$(Q)if [ ! -f lpar.ko ] || [ ! -f Module.symvers ]; then \
		$(SUBMAKE) module; fi
	$(Q)$(SUBMAKE) -C olp/example KDIR=$(KDIR) LPAR=$(CURDIR) $(KBUILD_FLAGS)

# tools/ and selftests/ have their own Makefiles; KDIR and KSRC are in
# their environment (and on their command line).
tools: ksrc
	$(Q)if [ -f tools/Makefile ]; then \
		$(SUBMAKE) -C tools KDIR=$(KDIR) KSRC=$(KSRC); \
	else \
		echo "  SKIP    tools (no tools/Makefile)"; \
	fi

selftests: ksrc olp-patch
	$(Q)if [ -f selftests/Makefile ]; then \
		$(SUBMAKE) -C selftests KDIR=$(KDIR) KSRC=$(KSRC); \
	else \
		echo "  SKIP    selftests (no selftests/Makefile)"; \
	fi

# --- DKMS ------------------------------------------------------------------------

# The release, from one place: the module (Kbuild), lparctl and DKMS read
# VERSION.  DKMS gets what Kbuild needs and nothing else.
VERSION := $(shell cat VERSION)
DKMS_SRC = $(DESTDIR)/usr/src/lpar-$(VERSION)
DKMS_FILES := Kbuild VERSION $(wildcard lpar/*.c lpar/*.h) uapi/linux/lpar.h

dkms-install:
	$(Q)command -v dkms >/dev/null || { echo "dkms-install: no dkms (apt-get install dkms)" >&2; exit 1; }
	$(Q)rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	$(Q)tar -cf - $(DKMS_FILES) | tar -xf - -C $(DKMS_SRC)
	$(Q)sed 's/@VERSION@/$(VERSION)/g' dkms.conf.in >$(DKMS_SRC)/dkms.conf
	$(Q)dkms remove -m lpar -v $(VERSION) --all >/dev/null 2>&1 || true
	$(Q)dkms add -m lpar -v $(VERSION)
	$(Q)dkms build -m lpar -v $(VERSION) $(if $(KVER),-k $(KVER))
	$(Q)dkms install -m lpar -v $(VERSION) $(if $(KVER),-k $(KVER))

dkms-remove:
	$(Q)dkms remove -m lpar -v $(VERSION) --all || true
	$(Q)rm -rf $(DKMS_SRC)

# Not in make check's suite: gcc under TCG makes the DKMS build in the VM
# take about 10 minutes.
check-dkms:
	$(Q)scripts/deps $(DEPS_FLAGS)
	$(Q)$(SUBMAKE) all
	$(Q)LPAR_TESTS=lpar_dkms_test.sh LPAR_NO_SKIP=1 \
		$(VM) --timeout 1800 $(VMFLAGS) -- selftests/run_all.sh

# --- dependencies ----------------------------------------------------------------

deps:
	$(Q)scripts/deps

# The stamp's name carries the file list: a new list means a new extraction.
KSRC_STAMP := $(KSRC)/.stamp-$(shell echo '$(KSRC_FILES)' | md5sum | cut -c1-8)

ksrc: $(KSRC_STAMP)
	@:

# tar has to read the whole archive either way; a few seconds, done once
# (again only when the tarball or the list of files changes).
$(KSRC_STAMP): $(wildcard $(KSRC_TARBALL))
	$(Q)test -f $(KSRC_TARBALL) || { \
		echo "$(KSRC_TARBALL) missing: run \"make deps\" (package linux-source-6.1)" >&2; \
		exit 1; }
	@echo "  KSRC    $(KSRC) (from $(KSRC_TARBALL))"
	$(Q)rm -rf $(KSRC) && mkdir -p $(BUILD)
	$(Q)tar -xf $(KSRC_TARBALL) -C $(BUILD) --wildcards --no-wildcards-match-slash \
		$(addprefix linux-source-6.1/,$(KSRC_FILES))
	$(Q)touch $@

# --- quality ---------------------------------------------------------------------

# Kernel code, and code outside the kernel (the uapi header, tools,
# selftests): there BIT(), __noreturn, __printf() do not exist, PRIx64 &
# co. are no CamelCase of ours, msleep() is the suite's own helper (not
# the kernel timer the MSLEEP advice is about), the freestanding test
# guests have volatile and no READ_ONCE(), the test assertion macros are
# given plain variables (MACRO_ARG_REUSE), and messages tests and people
# grep for stay whole on one line (LONG_LINE_STRING).
CHECKPATCH_KERNEL = $(wildcard lpar/*.c lpar/*.h)
CHECKPATCH_USER = $(wildcard uapi/linux/lpar.h) \
	$(shell find tools selftests -name '*.c' -not -path '*/.build/*' 2>/dev/null | sort)
CHECKPATCH_USER_IGNORE := BIT_MACRO,PREFER_DEFINED_ATTRIBUTE_MACRO,CAMELCASE,MSLEEP
CHECKPATCH_USER_IGNORE := $(CHECKPATCH_USER_IGNORE),VOLATILE,MACRO_ARG_REUSE,LONG_LINE_STRING
CHECKPATCH := perl $(KSRC)/scripts/checkpatch.pl --strict --no-tree --quiet \
	--show-types $(CHECKPATCH_FLAGS)

checkpatch: ksrc
	@echo "  CHECKPATCH $(words $(CHECKPATCH_KERNEL) $(CHECKPATCH_USER)) files"
	$(Q)rc=0; \
	$(if $(CHECKPATCH_KERNEL),$(CHECKPATCH) -f $(CHECKPATCH_KERNEL) || rc=1;) \
	$(if $(CHECKPATCH_USER),$(CHECKPATCH) --ignore $(CHECKPATCH_USER_IGNORE) \
		-f $(CHECKPATCH_USER) || rc=1;) \
	if [ $$rc = 0 ]; then echo "  CHECKPATCH clean"; fi; exit $$rc

# check: install what is missing first, then a fresh make (KDIR is only
# known once the headers are installed).  scripts/run-check does the rest
# and prints the final "N passed, M failed".
# LPAR_VM=vng: the VM is virtme-ng's (scripts/lpar-vm); logs in
# .build/check-vng/, the VM's results in .build/vm-out-check-vng/.
# LPAR_KERNEL: a kernel of one's own build for the VM, the module built
# against its tree (scripts/kdir).
DEPS_FLAGS := $(if $(filter vng auto,$(LPAR_VM)),--vng)

check:
	$(Q)scripts/deps $(DEPS_FLAGS)
	$(Q)$(SUBMAKE) ksrc
	$(Q)$(if $(filter vng,$(LPAR_VM)),CHECK_NAME=$${CHECK_NAME:-check-vng}) \
		MAKE="$(MAKE)" scripts/run-check

# check-debug: scripts/run-check again, with the module built against the
# debug kernel's build tree (KDIR) and the VM booting that kernel's
# bzImage (LPAR_VM_KERNEL); logs in .build/check-debug/, the VM's results
# in .build/vm-out-check-debug/.  KASAN's shadow is an eighth of the VM's
# memory, lockdep and the quarantine want more: the VM gets 3 GiB, the
# tests' own timeouts are doubled.  The kernel build needs no VM: when it
# is not cached yet, "make debug-kernel" first keeps it out of a VM lock.
DEBUG_VMFLAGS ?= --mem 3072
DEBUG_SUITE_TIMEOUT ?= 3300
DEBUG_TIMEOUT_SCALE ?= 2

debug-kernel:
	$(Q)scripts/debug-kernel

check-debug:
	$(Q)scripts/deps $(DEPS_FLAGS)
	$(Q)$(SUBMAKE) ksrc
	$(Q)dk=$$(scripts/debug-kernel) || { \
		echo "check-debug: FAIL: the debug kernel does not build"; \
		echo "0 passed, 1 failed"; exit 1; }; \
	KDIR=$$dk LPAR_VM_KERNEL=$$dk/arch/x86/boot/bzImage CHECK_NAME=check-debug \
	CHECK_VM_FLAGS="$(DEBUG_VMFLAGS) $(VMFLAGS)" \
	SUITE_TIMEOUT=$(DEBUG_SUITE_TIMEOUT) \
	LPAR_TIMEOUT_SCALE=$${LPAR_TIMEOUT_SCALE:-$(DEBUG_TIMEOUT_SCALE)} \
	MAKE="$(MAKE)" scripts/run-check

# --- the VM ------------------------------------------------------------------------

# The benchmarks run under multi-threaded TCG (a vCPU per host thread: the
# nested Linux of slot_move's QEMU baseline boots in seconds, not minutes);
# they rewrite no text of lpar.ko while it runs (olp_window loads its patch
# before its partition starts).  Everything else runs single-threaded
# (scripts/lpar-vm).

demo:
	$(Q)scripts/deps $(DEPS_FLAGS)
	$(Q)$(SUBMAKE) all
	$(Q)$(VM) --timeout 900 $(VMFLAGS) -- scripts/demo.sh

bench:
	$(Q)scripts/deps $(DEPS_FLAGS)
	$(Q)$(SUBMAKE) all
	$(Q)if [ -f bench/Makefile ]; then $(SUBMAKE) -C bench KDIR=$(KDIR) KSRC=$(KSRC); fi
	$(Q)LPAR_VM_TCG_THREAD=$${LPAR_VM_TCG_THREAD:-multi} \
		$(VM) --timeout 2400 $(VMFLAGS) -- bench/run_all.sh

# CMD reaches sh -c as written: unexpanded by make ($HOME stays $HOME),
# single quotes escaped.  No CMD: an interactive shell.
vm:
	$(Q)cmd='$(subst ','\'',$(value CMD))'; \
	if [ -n "$$cmd" ]; then \
		$(VM) --timeout 0 $(VMFLAGS) -- sh -c "$$cmd"; \
	else \
		$(VM) --timeout 0 $(VMFLAGS) --interactive; \
	fi

# --- cleaning ------------------------------------------------------------------------

# What Kbuild leaves for an external module, here and under lpar/ (not
# "make M=. clean": that would sweep tools/ and selftests/ too, *.s sources
# included).
module-clean:
	$(Q)rm -f modules.order Module.symvers
	$(Q)find . -maxdepth 1 -type f \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' -o -name '*.su' \
		-o -name '*.dwo' -o -name '*.lst' -o -name '*.symtypes' -o -name '.*.tmp' \) -delete
	$(Q)if [ -d lpar ]; then find lpar -type f \( -name '*.o' -o -name '*.ko' \
		-o -name '.*.cmd' -o -name '.*.d' -o -name '*.su' -o -name '*.dwo' \
		-o -name '*.lst' -o -name '*.symtypes' -o -name '*.i' -o -name '.*.tmp' \) \
		-delete; fi

clean: module-clean
	$(Q)if [ -f tools/Makefile ]; then $(SUBMAKE) -C tools clean; fi
	$(Q)if [ -f selftests/Makefile ]; then $(SUBMAKE) -C selftests clean; fi
	$(Q)if [ -f bench/Makefile ]; then $(SUBMAKE) -C bench clean; fi
	$(Q)$(SUBMAKE) -C olp/example clean >/dev/null
	$(Q)rm -rf $(BUILD)/vm-out $(BUILD)/check $(BUILD)/vm-out-check-debug \
		$(BUILD)/check-debug $(BUILD)/vm-out-check-vng $(BUILD)/check-vng

# Also the extracted kernel source, the initramfs and the VM's results.
distclean: clean
	$(Q)rm -rf $(BUILD)
