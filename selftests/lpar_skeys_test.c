// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: honest storage-key reference (R) and change (C) bits, through
 * real guests (skeys.bin, see selftests/guest/skeys.c).
 *
 * - read_only_not_changed: a guest that only reads a range leaves R=1,
 *   C=0 on it (and R=0, C=0 on the frames it does not touch).
 * - written_frames_changed: read only / read then write / write only,
 *   frame by frame: C=1 on exactly the written frames, also again after
 *   C was reset with LPAR_SET_SKEYS.
 * - rrbe_race_keeps_references: LPAR_RESET_REF of the whole storage
 *   races a guest that touches its frames one after another and reports
 *   each touch.  Once a concurrent key read has seen the reset (every R
 *   of the range 0), every touch the guest reports from then on must
 *   show as R=1: an access between clearing R and unmapping the frame
 *   must not be lost.  (Clearing R first and unmapping after, a touch
 *   in between goes through the old mapping unseen; the next touch of
 *   the same frame faults, so the loss shows only until then.  Touch s
 *   is known to come after the key read once the read came before
 *   report s - 1: touch s follows that report.)
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "lpar_test.h"

#define SKEYS_GFN	1024	/* SKEYS_BASE of the guest: 4 MiB */
#define SKEYS_N		64
#define RC		(LPAR_SKEY_R | LPAR_SKEY_C)

FIXTURE(sk) {
	int fd;
	unsigned long long size;
};

FIXTURE_SETUP(sk)
{
	int fd = lpar_open();

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	lpar_cleanup_all(fd);
	self->size = lpar_test_size();
}

FIXTURE_TEARDOWN(sk)
{
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

static int keys(int fd, unsigned long req, unsigned int id,
		unsigned long long gfn, unsigned long long count, __u8 *buf,
		unsigned long long *referenced)
{
	struct lpar_skeys k = {
		.argsz = sizeof(k), .id = id, .start_gfn = gfn, .count = count,
		.skeydata_addr = (uintptr_t)buf,
	};
	int ret = ioctl(fd, req, &k) ? -errno : 0;

	if (referenced)
		*referenced = k.referenced;
	return ret;
}

static unsigned long long report_of(int fd, unsigned int id)
{
	struct lpar_status st;

	if (lpar_status(fd, id, &st) || st.report_code != LPAR_REPORT_PROGRESS)
		return 0;
	return st.report_value;
}

/* Wait until the guest has done @more passes after now. */
static int more_passes(int fd, unsigned int id, unsigned int more)
{
	return lpar_wait_report(fd, id, LPAR_REPORT_PROGRESS,
				report_of(fd, id) + more, lpar_ms(T_REPORT_MS),
				NULL);
}

TEST_F_TIMEOUT(sk, read_only_not_changed, 600)
{
	__u8 k[2 * SKEYS_N];
	unsigned long long ref = 0;
	struct lpar_def d;
	unsigned int i;

	lpar_def_init(&d, 1, "skr1", self->size, 1, "skeys");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PROGRESS, 2);
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, SKEYS_GFN, 2 * SKEYS_N, k,
		       NULL));
	for (i = 0; i < 2 * SKEYS_N; i++) {
		unsigned int want = i < SKEYS_N ? LPAR_SKEY_R : 0, key = k[i];

		EXPECT_EQ(want, key & RC)
			TH_LOG("%s frame %u: key %#x",
			       want ? "read-only" : "untouched", i, key);
	}

	/* R comes back, C stays 0. */
	ASSERT_OK(keys(self->fd, LPAR_RESET_REF, 1, SKEYS_GFN, SKEYS_N, NULL,
		       &ref));
	EXPECT_EQ(SKEYS_N, ref);
	ASSERT_OK(more_passes(self->fd, 1, 2));
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, SKEYS_GFN, SKEYS_N, k,
		       NULL));
	for (i = 0; i < SKEYS_N; i++) {
		unsigned int key = k[i];

		EXPECT_EQ(LPAR_SKEY_R, key & RC)
			TH_LOG("after rrbe, read-only frame %u: key %#x", i, key);
	}
}

static int check_written(struct __test_metadata *_metadata, const __u8 *k,
			 const char *when)
{
	unsigned int i, bad = 0;

	for (i = 0; i < SKEYS_N; i++) {
		__u8 want = LPAR_SKEY_R | (i % 3 ? LPAR_SKEY_C : 0);

		if ((k[i] & RC) != want) {
			TH_LOG("%s: frame %u (%s): key %#x, want R/C %#x", when,
			       i, i % 3 == 0 ? "read only" :
			       i % 3 == 1 ? "read then write" : "write only",
			       k[i], want);
			bad++;
		}
	}
	return bad;
}

TEST_F_TIMEOUT(sk, written_frames_changed, 600)
{
	__u8 k[SKEYS_N], set[SKEYS_N];
	struct lpar_status st;
	struct lpar_def d;
	unsigned int i;

	lpar_def_init(&d, 2, "skw2", self->size, 1, "skeys");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PROGRESS, 2);
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 2, SKEYS_GFN, SKEYS_N, k,
		       NULL));
	EXPECT_EQ(0, check_written(_metadata, k, "first passes"));

	/* Reset R and C (and set an access key): C must come back the same. */
	for (i = 0; i < SKEYS_N; i++)
		set[i] = 0x50;
	ASSERT_OK(keys(self->fd, LPAR_SET_SKEYS, 2, SKEYS_GFN, SKEYS_N, set,
		       NULL));
	ASSERT_OK(more_passes(self->fd, 2, 2));
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 2, SKEYS_GFN, SKEYS_N, k,
		       NULL));
	EXPECT_EQ(0, check_written(_metadata, k, "after C reset"));
	for (i = 0; i < SKEYS_N; i++)
		EXPECT_EQ(0x50, k[i] & ~RC);
	ASSERT_OK(lpar_status(self->fd, 2, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	EXPECT_EQ(LPAR_REPORT_PROGRESS, st.report_code);
}

struct resetter {
	int fd;
	unsigned long long frames;
	int ret;
	int done;
};

/*
 * The reset runs at the lowest priority while the guest's vCPU and the
 * key reads keep both CPUs busy: it is preempted at its first chance
 * (a might_sleep() on the way to unmapping, say) and stays off the CPU
 * for a while.  That widens whatever window it leaves open between
 * clearing R and unmapping, so that the test sees it, rather than
 * hitting it once in a blue moon.
 */
static void *reset_all(void *arg)
{
	struct sched_param sp = { .sched_priority = 0 };
	struct resetter *r = arg;

	pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	r->ret = keys(r->fd, LPAR_RESET_REF, 3, 0, r->frames, NULL, NULL);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool all_r(const __u8 *k, __u8 want)
{
	unsigned int i;

	for (i = 0; i < SKEYS_N; i++)
		if ((k[i] & LPAR_SKEY_R) != want)
			return false;
	return true;
}

#define RACE_ROUNDS	40
#define RACE_MS		240000

TEST_F_TIMEOUT(sk, rrbe_race_keeps_references, 900)
{
	unsigned int round, seen = 0, checks = 0, lost = 0;
	__u64 deadline = now_ms() + lpar_ms(RACE_MS);
	__u8 k[SKEYS_N];
	struct lpar_def d;

	lpar_def_init(&d, 3, "skt3", self->size, 1, "skeys");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PROGRESS, 2 * SKEYS_N);

	for (round = 0; round < RACE_ROUNDS && now_ms() < deadline && !lost;
	     round++) {
		struct resetter r = { .fd = self->fd,
				      .frames = self->size >> 12 };
		unsigned long long s_b = 0, s_now, s;
		bool witnessed = false;
		unsigned int after = 0;
		pthread_t t;
		__u64 end;

		/* Every frame of the range touched since the last reset. */
		end = now_ms() + lpar_ms(T_REPORT_MS);
		do {
			ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 3, SKEYS_GFN,
				       SKEYS_N, k, NULL));
		} while (!all_r(k, LPAR_SKEY_R) && now_ms() < end);
		ASSERT_TRUE(all_r(k, LPAR_SKEY_R));

		ASSERT_EQ(0, pthread_create(&t, NULL, reset_all, &r));
		/*
		 * The reset is done (for R) once the resetter returned, or
		 * once a key read sees every R of the range 0: only it
		 * clears them.  Touches reported from two reports after
		 * that on happened after it.
		 */
		for (;;) {
			int done = __atomic_load_n(&r.done, __ATOMIC_ACQUIRE);

			ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 3, SKEYS_GFN,
				       SKEYS_N, k, NULL));
			if (done || all_r(k, 0)) {
				witnessed = !done;
				s_b = report_of(self->fd, 3);
				break;
			}
		}
		seen += witnessed;
		/* Check while the reset finishes, and a little after. */
		while (after < 20) {
			if (__atomic_load_n(&r.done, __ATOMIC_ACQUIRE))
				after++;
			s_now = report_of(self->fd, 3);
			ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 3, SKEYS_GFN,
				       SKEYS_N, k, NULL));
			for (s = s_b + 2; !lost && s <= s_now &&
			     s < s_b + 2 + SKEYS_N; s++) {
				checks++;
				if (!(k[s % SKEYS_N] & LPAR_SKEY_R)) {
					TH_LOG("round %u: touch %llu (frame %llu) has R=0",
					       round, s, s % SKEYS_N);
					TH_LOG("  reset seen at report %llu (%s), now %llu",
					       s_b, witnessed ? "by a key read" :
					       "by its return", s_now);
					lost++;
				}
			}
		}
		pthread_join(t, NULL);
		ASSERT_OK(r.ret);
	}
	TH_LOG("%u rounds, reset seen by a key read in %u, %u touches checked, %u lost",
	       round, seen, checks, lost);
	EXPECT_EQ(0, lost);
	EXPECT_LT(0, checks);
}
