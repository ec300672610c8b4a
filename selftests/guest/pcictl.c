// SPDX-License-Identifier: GPL-2.0
/*
 * pcictl.bin: hotplug.bin that first carries out the LPAR_SC_PCI
 * requests (add_pci / rem_pci from inside the partition) its name spells
 * (see hotplug.c): the seed's cluster software moving a slot.
 */
#define SC_CONTROL	1
#define GUEST		"pcictl"
#include "hotplug.c"
