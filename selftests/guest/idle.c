// SPDX-License-Identifier: GPL-2.0
/*
 * idle.bin: report PASS (value 1) and halt with interrupts off, costing
 * the host nothing: for tests that need many partitions running at once.
 */
#include "lib.h"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "idle: boot check failed");
	if (vcpu == 0)
		sc_report(LPAR_REPORT_PASS, 1);
	halt_forever();
}
