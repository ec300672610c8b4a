// SPDX-License-Identifier: GPL-2.0
/*
 * hello.bin: greet on COM1, report PASS (value = activation count), then
 * heartbeat forever.  Other vCPUs check their boot state and park.
 */
#include "lib.h"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u32 err = boot_check(bi, vcpu, rsp);
	u64 seq = 0;

	if (err)
		fail_stop(0xB0070000UL | err, "hello: boot check failed");
	if (vcpu != 0)
		halt_forever();

	gprintf("lpar: hello from partition %u (%s), %llu MiB, %u vCPU(s)\n",
		bi->id, bi->name, bi->size >> 20, bi->vcpus);
	gprintf("lpar: activation %u\n", bi->activation);
	sc_log("hello: up");
	sc_report(LPAR_REPORT_PASS, bi->activation);
	for (;;) {
		sc_heartbeat(++seq);
		delay_ticks(HEARTBEAT_TICKS);
	}
}
