// SPDX-License-Identifier: GPL-2.0
/*
 * pattern.bin: storage isolation and scrub checker.
 *
 * 1. Scrub check: every byte of storage this guest has not written yet
 *    must read zero: [0, PT), [end of boot data, lowest stack), [stack top,
 *    image) and [end of image + bss, size).  Else FAIL, value = address.
 * 2. Rounds r = 1, 2, ...: re-verify round r - 1's pattern (nothing from
 *    outside may have changed it since, e.g. while another partition ran
 *    or this one was stopped), write round r's pattern, derived from
 *    (partition id, r, address), over [2 MiB-aligned end of image, size),
 *    verify it, remember its checksum, check the image itself is intact,
 *    report PROGRESS with value r.  Any mismatch: FAIL, value = address,
 *    and stop.
 * Other vCPUs park.
 */
#include "lib.h"

#define SZ_2M		0x200000UL
#define NR_SUMS		256

static u64 sums[NR_SUMS];	/* checksum of each round's pattern */
static u64 image_sum;

static inline u64 pat(u64 seed, u64 a)
{
	u64 v = (a ^ seed) * 0x9E3779B97F4A7C15UL;

	return v ^ (v >> 29);
}

static inline u64 seed_of(u32 id, u64 round)
{
	return ((u64)id << 48) | ((round & 0xffff) << 32);
}

static u64 sum_range(u64 lo, u64 hi)
{
	u64 s = 0, a;

	for (a = lo; a < hi; a += 8)
		s = (s << 7 | s >> 57) ^ ld64(a);
	return s;
}

static void check_zero(u64 lo, u64 hi)
{
	u64 a;

	for (a = lo; a < hi; a += 8)
		if (ld64(a))
			fail_stop(a, "pattern: storage not scrubbed");
}

/*
 * Check that [lo, hi) still holds the pattern of @old (if @check) and
 * write the pattern of @seed over it, in one pass.  Returns the checksum
 * of what was found.
 */
static u64 refill(u64 old, int check, u64 seed, u64 lo, u64 hi)
{
	u64 s = 0, a, v;

	for (a = lo; a < hi; a += 8) {
		if (check) {
			v = ld64(a);
			if (v != pat(old, a)) {
				gprintf("lpar: pattern: 0x%llx changed: 0x%llx, not 0x%llx\n",
					a, v, pat(old, a));
				fail_stop(a, "pattern changed from outside");
			}
			s = (s << 7 | s >> 57) ^ v;
		}
		st64(a, pat(seed, a));
	}
	return s;
}

/* Verify the pattern; returns its checksum, stops on a mismatch. */
static u64 verify(u64 seed, u64 lo, u64 hi, const char *what)
{
	u64 s = 0, a, v;

	for (a = lo; a < hi; a += 8) {
		v = ld64(a);
		if (v != pat(seed, a)) {
			gprintf("lpar: pattern: %s: 0x%llx holds 0x%llx, want 0x%llx\n",
				what, a, v, pat(seed, a));
			fail_stop(a, what);
		}
		s = (s << 7 | s >> 57) ^ v;
	}
	return s;
}

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u64 lo, hi, stack_lo, round, s;
	u32 err = boot_check(bi, vcpu, rsp);

	if (err)
		fail_stop(0xB0070000UL | err, "pattern: boot check failed");
	if (vcpu != 0)
		halt_forever();

	hi = bi->size;
	lo = ((u64)__end + SZ_2M - 1) & ~(SZ_2M - 1);
	if (lo + SZ_2M > hi)
		fail_stop(hi, "pattern: storage too small");
	stack_lo = LPAR_BOOT_STACK_TOP - (u64)bi->vcpus * LPAR_BOOT_STACK_SIZE;

	/* 1. Scrub check (our own stack and bss are the only writes yet). */
	check_zero(0, LPAR_BOOT_PT_GPA);
	check_zero(LPAR_BOOT_INFO_GPA + 0x800, stack_lo);
	check_zero(LPAR_BOOT_STACK_TOP, bi->load_addr);
	check_zero((u64)__end, hi);
	image_sum = sum_range((u64)__image_start, (u64)__ro_end);
	gprintf("lpar: pattern: partition %u activation %u: scrub check passed, %llu MiB\n",
		bi->id, bi->activation, (hi - lo) >> 20);

	for (round = 1; ; round++) {
		u64 seed = seed_of(bi->id, round);

		s = refill(seed_of(bi->id, round - 1), round > 1, seed, lo, hi);
		if (round > 1 && s != sums[(round - 1) % NR_SUMS])
			fail_stop(lo, "pattern: checksum changed");
		sums[round % NR_SUMS] = verify(seed, lo, hi, "pattern mismatch");
		if (sum_range((u64)__image_start, (u64)__ro_end) != image_sum)
			fail_stop((u64)__image_start, "pattern: image changed");
		if (round == 1 || round % 16 == 0)
			gprintf("lpar: pattern: round %llu ok, sum 0x%llx\n",
				round, sums[round % NR_SUMS]);
		sc_report(LPAR_REPORT_PROGRESS, round);
	}
}
