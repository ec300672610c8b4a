// SPDX-License-Identifier: GPL-2.0
/*
 * dmaloop.bin: hotplug.bin with back-to-back edu DMA round trips, new
 * patterns every round, through buffers spread over the storage (see
 * hotplug.c): the guest side of MVSTOR with a device doing DMA.
 */
#define DMA_CONTINUOUS	1
#define GUEST		"dmaloop"
#include "hotplug.c"
