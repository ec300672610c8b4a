// SPDX-License-Identifier: GPL-2.0
/*
 * spin.bin: one report (PROGRESS, value 1), then spin forever with
 * interrupts off and without any further I/O.
 */
#include "lib.h"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "spin: boot check failed");
	if (vcpu == 0)
		sc_report(LPAR_REPORT_PROGRESS, 1);
	asm volatile("cli\n1:\tjmp 1b" ::: "memory");
	__builtin_unreachable();
}
