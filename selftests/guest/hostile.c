// SPDX-License-Identifier: GPL-2.0
/*
 * hostile.bin: what a guest can throw at the host's interfaces.
 *
 *  - an LPAR_SC_LOG text with a newline and, after it, a line dressed up
 *    as the kernel's own, control characters (CR, an ANSI escape, BEL,
 *    DEL) and bytes above 0x7e: the host log must show it escaped, on one
 *    line prefixed with the partition;
 *  - an LPAR_SC_LOG text of 400 bytes: the host log bounds it;
 *  - more than 4 KiB of console output ending with HOSTILE_END: the sysfs
 *    console file shows the newest bytes, the ioctl all of them.
 *
 * Then PASS (value 1) and halt: nothing more to see.
 */
#include "lib.h"

/* Not "BUG:": scripts/check-dmesg flags that anywhere on a line. */
#define FAKE_LINE	"FAKE-OOPS: kernel NULL pointer dereference"

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	static char longtext[401];
	u32 i;

	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "hostile: boot check failed");
	if (vcpu != 0)
		halt_forever();

	sc_log("x\n" FAKE_LINE "\r\x1b[2J\x07\x7f\xc3\xa9\\end");
	for (i = 0; i < 400; i++)
		longtext[i] = 'A' + i % 26;
	longtext[400] = 0;
	sc_log(longtext);
	for (i = 0; i < 90; i++)
		gprintf("lpar: hostile console line %u of 90 ........................\n",
			i);
	gprintf("lpar: HOSTILE_END\n");
	sc_report(LPAR_REPORT_PASS, 1);
	halt_forever();
}
