// SPDX-License-Identifier: GPL-2.0
/*
 * skeys.bin: storage-key reference and change bits, seen from a guest.
 *
 * It works on SKEYS_N frames from SKEYS_BASE (guest-physical, see
 * lpar_skeys_test.c), nothing else above its image, and picks what to
 * do from the first three letters of its partition name:
 *
 * "skr": read every frame, again and again; report PROGRESS(pass).
 * "skw": frame i by i % 3: 0 read only, 1 read then write (and read
 *	back), 2 write only; again and again; report PROGRESS(pass).
 * "skt": touches frame s % SKEYS_N by writing s to it, then
 *	reports PROGRESS(s), for s = 1, 2, ...: when the host has seen
 *	report s, touch s is done.
 *
 * Anything else, or a write that does not read back: FAIL.
 */
#include "lib.h"

#define SKEYS_BASE	0x400000UL	/* 4 MiB: gfn 1024 */
#define SKEYS_N		64
#define FRAME		0x1000UL

static u64 frame(u32 i)
{
	return SKEYS_BASE + (u64)i * FRAME;
}

static void reader(void)
{
	u64 pass, sum = 0;
	u32 i;

	for (pass = 1; ; pass++) {
		for (i = 0; i < SKEYS_N; i++)
			sum += ld64(frame(i) + 8 * (pass & 7));
		sc_report(LPAR_REPORT_PROGRESS, pass);
		/* Keep the compiler from dropping the loads. */
		asm volatile("" : : "r"(sum));
	}
}

static void writer(void)
{
	u64 pass, v;
	u32 i;

	for (pass = 1; ; pass++) {
		for (i = 0; i < SKEYS_N; i++) {
			u64 a = frame(i) + 8 * (pass & 7);

			switch (i % 3) {
			case 0:
				v = ld64(a);
				asm volatile("" : : "r"(v));
				break;
			case 1:
				v = ld64(a);
				st64(a, v + pass);
				if (ld64(a) != v + pass)
					fail_stop(a, "skeys: write did not read back");
				break;
			default:
				st64(a, pass);
				break;
			}
		}
		sc_report(LPAR_REPORT_PROGRESS, pass);
	}
}

static void toucher(void)
{
	u64 s;

	for (s = 1; ; s++) {
		st64(frame(s % SKEYS_N), s);
		sc_report(LPAR_REPORT_PROGRESS, s);
	}
}

/* Other vCPUs park. */
void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	const char *n = bi->name;
	u32 err = boot_check(bi, vcpu, rsp);

	if (err)
		fail_stop(0xB0070000UL | err, "skeys: boot check failed");
	if ((u64)__end > SKEYS_BASE || frame(SKEYS_N) > bi->size)
		fail_stop(bi->size, "skeys: storage too small");
	if (n[0] != 's' || n[1] != 'k')
		fail_stop(0, "skeys: name must start with skr, skw or skt");
	if (vcpu != 0)
		halt_forever();
	switch (n[2]) {
	case 'r':
		reader();
		break;
	case 'w':
		writer();
		break;
	case 't':
		toucher();
		break;
	}
	fail_stop(n[2], "skeys: name must start with skr, skw or skt");
}
