# SPDX-License-Identifier: GPL-2.0
#
# Build rules shared by the patch directories (olp/example, olp/template,
# your own copy of the template).  A patch directory's Makefile sets
#
#   PATCH_MODULE := name of its patch module (NAME.c, Kbuild: obj-m)
#   SPECS        := its patch specs (X.spec -> X.olp)
#
# and includes this file.  LPAR is the lpar tree whose lpar.ko the patch is
# for (built first: its Module.symvers and lpar.ko are read), KDIR the
# kernel build directory lpar.ko was built with.
#
#   make [LPAR=/path/to/lpar] [KDIR=...]     the patch module and patch files
#   make clean

OLP_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PDIR    := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
LPAR    ?= $(abspath $(OLP_DIR)/..)
KDIR    ?= $(shell $(LPAR)/scripts/kdir 2>/dev/null)
MKPATCH := /usr/bin/python3 $(OLP_DIR)/mkpatch

.PHONY: all module clean

all: module $(addprefix $(PDIR)/,$(notdir $(SPECS:.spec=.olp)))

module: $(PDIR)/$(PATCH_MODULE).ko

$(PDIR)/$(PATCH_MODULE).ko: $(PDIR)/$(PATCH_MODULE).c $(PDIR)/Kbuild \
		$(LPAR)/Module.symvers $(LPAR)/lpar/lpar.h $(LPAR)/lpar/olp.h \
		$(LPAR)/uapi/linux/lpar.h
	@test -n "$(KDIR)" || { echo "olp: set KDIR (kernel build directory)" >&2; exit 1; }
	$(MAKE) --no-print-directory -C $(KDIR) M=$(PDIR) LPAR=$(LPAR) \
		KBUILD_EXTRA_SYMBOLS=$(LPAR)/Module.symvers $(if $(W),W=$(W)) \
		$(if $(C),C=$(C)) modules

# Old data come from lpar.ko itself: rebuild the patch when it changes.
$(PDIR)/%.olp: $(PDIR)/%.spec $(LPAR)/lpar.ko $(OLP_DIR)/mkpatch
	@$(MKPATCH) $(LPAR)/lpar.ko $< $@

clean:
	rm -f $(PDIR)/*.olp $(PDIR)/*.o $(PDIR)/*.ko $(PDIR)/*.mod \
		$(PDIR)/*.mod.c $(PDIR)/.*.cmd $(PDIR)/modules.order \
		$(PDIR)/Module.symvers
