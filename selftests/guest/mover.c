// SPDX-License-Identifier: GPL-2.0
/*
 * mover.bin: a guest whose storage is moved, exchanged and resized while
 * it runs.
 *
 * It keeps a pattern derived from (partition id, round, address) over its
 * storage above the image, in 64 KiB steps: each step re-verifies the
 * previous round's pattern there and writes this round's, so any byte
 * that a move loses, duplicates or takes from elsewhere is caught within
 * a round.  Between steps it reads the TSC: the longest gap between two
 * steps is the longest time it was held up (by a chunk being moved, or
 * by anything else), reported as metric 0 in TSC ticks; metric 1 is the
 * usual step time (the shortest seen), metric 2 the rounds done.
 *
 * Every round it polls LPAR_SC_EVENT.  LPAR_GEV_STORAGE(size): a shrink
 * stops using what lies above at once, a grow first checks that the new
 * storage reads zero (scrubbed); then it acknowledges.
 *
 * Reports PROGRESS(round) each round, FAIL(address) on any mismatch.
 */
#include "lib.h"

#define SZ_2M		0x200000UL
#define STEP		0x10000UL

static inline u64 pat(u64 seed, u64 a)
{
	u64 v = (a ^ seed) * 0x9E3779B97F4A7C15UL;

	return v ^ (v >> 29);
}

static inline u64 seed_of(u32 id, u64 round)
{
	return ((u64)id << 48) | ((round & 0xffff) << 32) | 0x5a5a;
}

static void mismatch(u64 a, u64 v, u64 want, const char *what)
{
	gprintf("lpar: mover: %s: 0x%llx holds 0x%llx, want 0x%llx\n", what,
		a, v, want);
	fail_stop(a, what);
}

/* Verify @old over [a, a + STEP) (if @check) and write @seed there. */
static void step(u64 a, int check, u64 old, u64 seed)
{
	u64 e = a + STEP, v;

	for (; a < e; a += 8) {
		if (check) {
			v = *(volatile u64 *)a;
			if (v != pat(old, a))
				mismatch(a, v, pat(old, a), "pattern lost");
		}
		*(volatile u64 *)a = pat(seed, a);
	}
}

static void check_zero(u64 lo, u64 hi)
{
	u64 a;

	for (a = lo; a < hi; a += 8)
		if (*(volatile u64 *)a)
			mismatch(a, *(volatile u64 *)a, 0, "new storage not scrubbed");
}

/* Handle a pending storage event; returns the size to use from now on. */
static u64 poll_event(u64 hi, u64 *valid_hi)
{
	u64 out[4];

	if (sc_call(LPAR_SC_EVENT, 0, 0, 0, 0, NULL, 0, out) != LPAR_SCCB_OK ||
	    out[0] != LPAR_GEV_STORAGE)
		return hi;
	if (out[2] < hi) {
		/* Give up the top: never touch it again. */
		hi = out[2];
		if (*valid_hi > hi)
			*valid_hi = hi;
	} else if (out[2] > hi) {
		check_zero(hi, out[2]);
		hi = out[2];
	}
	gprintf("lpar: mover: storage is now %llu MiB\n", hi >> 20);
	sc_call(LPAR_SC_ACK, out[1], 0, 0, 0, NULL, 0, NULL);
	return hi;
}

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u64 lo, hi, valid_hi = 0, round, a, t, last, gap, max_gap = 0;
	u64 min_step = ~0ULL;
	u32 err = boot_check(bi, vcpu, rsp);

	if (err)
		fail_stop(0xB0070000UL | err, "mover: boot check failed");
	if (vcpu != 0)
		halt_forever();
	hi = bi->size;
	lo = ((u64)__end + SZ_2M - 1) & ~(SZ_2M - 1);
	if (lo + SZ_2M > hi)
		fail_stop(hi, "mover: storage too small");
	gprintf("lpar: mover: partition %u, %llu MiB in %llu KiB steps\n",
		bi->id, (hi - lo) >> 20, STEP >> 10);

	for (round = 1; ; round++) {
		u64 old = seed_of(bi->id, round - 1);
		u64 seed = seed_of(bi->id, round);

		last = rdtsc();
		for (a = lo; a < hi; a += STEP) {
			step(a, a < valid_hi, old, seed);
			t = rdtsc();
			gap = t - last;
			if (gap > max_gap)
				max_gap = gap;
			if (gap < min_step)
				min_step = gap;
			last = t;
		}
		valid_hi = hi;
		sc_call(LPAR_SC_METRIC, 0, max_gap, 0, 0, NULL, 0, NULL);
		sc_call(LPAR_SC_METRIC, 1, min_step, 0, 0, NULL, 0, NULL);
		sc_call(LPAR_SC_METRIC, 2, round, 0, 0, NULL, 0, NULL);
		sc_report(LPAR_REPORT_PROGRESS, round);
		if (round == 1 || round % 16 == 0)
			gprintf("lpar: mover: round %llu ok, longest gap %llu ticks\n",
				round, max_gap);
		hi = poll_event(hi, &valid_hi);
	}
}
