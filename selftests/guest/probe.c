// SPDX-License-Identifier: GPL-2.0
/*
 * probe.bin: what lies beyond the partition's storage?
 *
 * Guest-physical addresses at or above the storage size are not storage:
 * reads return all ones, writes are dropped.  Read the 4 KiB at gpa =
 * size (all ones), a few far addresses (1 GiB, 3 GiB, 4 GiB - 8), write
 * a marker there, read again (still all ones) and check the marker landed
 * nowhere in the partition's own storage.  PASS (value = number of
 * probes) or FAIL (value = offending address).
 */
#include "lib.h"

#define MARKER	0x5a17c0dedeadbeefUL

static void expect_ones(u64 a)
{
	u64 v = ld64(a);

	if (v != ~0UL) {
		gprintf("lpar: probe: 0x%llx reads 0x%llx, want all ones\n", a, v);
		fail_stop(a, "probe: beyond storage is not all ones");
	}
}

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	static const u64 far[] = { 0x40000000UL, 0xc0000000UL, 0xfffff000UL,
				   0xfffffff8UL };
	u64 size, a, n = 0;
	unsigned int i;

	if (boot_check(bi, vcpu, rsp))
		fail_stop(0xB0070000UL, "probe: boot check failed");
	if (vcpu != 0)
		halt_forever();
	size = bi->size;

	for (a = size; a < size + 4096; a += 8, n++)
		expect_ones(a);
	for (i = 0; i < ARRAY_SIZE(far); i++)
		if (far[i] >= size + 4096) {
			expect_ones(far[i]);
			n++;
		}

	/* Writes beyond storage must be dropped. */
	st64(size, MARKER);
	st64(size + 8, MARKER);
	st64(size + 4088, MARKER);
	for (i = 0; i < ARRAY_SIZE(far); i++)
		if (far[i] >= size + 4096)
			st64(far[i], MARKER);
	expect_ones(size);
	expect_ones(size + 8);
	expect_ones(size + 4088);
	n += 3;

	/* ... and must not land in our own storage (e.g. wrapped around). */
	for (a = 0; a < size; a += 8) {
		/* Skip PT/GDT/boot info, the stacks and the image itself. */
		if (a == LPAR_BOOT_PT_GPA)
			a = LPAR_BOOT_INFO_GPA + 0x800;
		if (a == LPAR_BOOT_STACK_TOP - LPAR_MAX_VCPUS * LPAR_BOOT_STACK_SIZE)
			a = LPAR_BOOT_STACK_TOP;
		if (a == (u64)__image_start)
			a = (u64)__end;
		if (ld64(a) == MARKER)
			fail_stop(a, "probe: write beyond storage landed inside");
	}

	gprintf("lpar: probe: partition %u: %llu probes beyond %llu MiB read all ones\n",
		bi->id, n, size >> 20);
	sc_report(LPAR_REPORT_PASS, n);
	halt_forever();
}
