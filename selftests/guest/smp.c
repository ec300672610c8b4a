// SPDX-License-Identifier: GPL-2.0
/*
 * smp.bin: every vCPU checks its boot state, says so on COM1 and in a
 * PROGRESS report (value = 0x100 + index); vCPU 0 waits for all of them
 * and reports PASS with value = number of vCPUs (FAIL, value = number
 * seen, if they do not all come up), then heartbeats.
 */
#include "lib.h"

static u32 up;

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u32 err = boot_check(bi, vcpu, rsp);
	u64 t0, seq = 0;

	if (err)
		fail_stop(0xB0070000UL | ((u64)vcpu << 8) | err,
			  "smp: boot check failed");
	gprintf("lpar: smp: vcpu %u of %u up\n", vcpu, bi->vcpus);
	sc_report(LPAR_REPORT_PROGRESS, 0x100 + vcpu);
	atomic_inc_return(&up);
	if (vcpu != 0)
		halt_forever();

	t0 = rdtsc();
	while (__atomic_load_n(&up, __ATOMIC_ACQUIRE) < bi->vcpus) {
		/* Roughly a minute or more: slow nested vCPUs start late. */
		if (rdtsc() - t0 > 0x4000000000ULL)
			fail_stop(__atomic_load_n(&up, __ATOMIC_ACQUIRE),
				  "smp: not all vCPUs came up");
		cpu_relax();
	}
	gprintf("lpar: smp: all %u vCPUs up\n", up);
	sc_report(LPAR_REPORT_PASS, up);
	for (;;) {
		sc_heartbeat(++seq);
		delay_ticks(HEARTBEAT_TICKS);
	}
}
