// SPDX-License-Identifier: GPL-2.0
/*
 * olp.bin: the guest of the on-line patch test.  vCPU 0 asks LPAR_SC_INFO
 * in a loop and reports through LPAR_SC_METRIC
 *
 *   metric[0]  iterations so far
 *   metric[1]  the code level of the last answer (args[3])
 *   metric[2]  how often the level changed (the first answer counts)
 *   metric[3]  longest time between two answers, in TSC ticks
 *
 * after one PROGRESS report (value 1).  An answer that is not OK or a level
 * other than 1 or 2 reports FAIL and stops.
 */
#include "lib.h"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u64 out[4], n = 0, level, prev = 0, changes = 0, gap = 0, t, last;

	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "olp: boot check failed");
	if (vcpu)
		halt_forever();
	sc_report(LPAR_REPORT_PROGRESS, 1);
	last = rdtsc();
	for (;;) {
		if (sc_call(LPAR_SC_INFO, 0, 0, 0, 0, NULL, 0, out) !=
		    LPAR_SCCB_OK)
			fail_stop(0x01B00001UL, "olp: LPAR_SC_INFO failed");
		level = out[3];
		if (level != 1 && level != 2)
			fail_stop(0x01B00100UL | level, "olp: unexpected level");
		t = rdtsc();
		if (t - last > gap)
			gap = t - last;
		last = t;
		if (level != prev) {
			changes++;
			prev = level;
		}
		n++;
		sc_call(LPAR_SC_METRIC, 1, level, 0, 0, NULL, 0, NULL);
		sc_call(LPAR_SC_METRIC, 2, changes, 0, 0, NULL, 0, NULL);
		sc_call(LPAR_SC_METRIC, 3, gap, 0, 0, NULL, 0, NULL);
		sc_call(LPAR_SC_METRIC, 0, n, 0, 0, NULL, 0, NULL);
	}
}
