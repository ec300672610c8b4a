// SPDX-License-Identifier: GPL-2.0
/*
 * crash.bin: report PROGRESS (value 1), then triple-fault: empty IDT and
 * ud2.  The module must put the partition in failed (checkstop).
 */
#include "lib.h"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	if (vcpu != 0)
		halt_forever();
	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "crash: boot check failed");
	gprintf("lpar: crash: partition %u going down\n", bi->id);
	sc_report(LPAR_REPORT_PROGRESS, 1);
	triple_fault();
}
