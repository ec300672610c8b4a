// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: MVSTOR, exchange, resize, configuration tables and storage keys,
 * through real guests.
 *
 * mover.bin keeps a pattern over its storage and re-verifies the previous
 * round's pattern before writing the next, so a byte lost, duplicated or
 * taken from elsewhere by a move makes it report FAIL.  It acknowledges
 * storage events (resize).  Every check below waits for the guest to
 * complete two more rounds after the operation: everything it owns has
 * then been verified at the new place.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>

#include "lpar_test.h"

#define MiB		(1024ULL * 1024)
#define T_ROUNDS_MS	300000

FIXTURE(mv) {
	int fd;
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	unsigned long long base;
};

FIXTURE_SETUP(mv)
{
	int fd = lpar_open();

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	lpar_cleanup_all(fd);
	lpar_param_write("fault_inject", "0");
	ASSERT_OK(lpar_pool(fd, &self->pool));
	ASSERT_OK(lpar_pool_extent(fd, &self->ext));
	ASSERT_LE(256 * MiB, self->ext.size);
	self->base = self->ext.start;
}

FIXTURE_TEARDOWN(mv)
{
	lpar_param_write("fault_inject", "0");
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

/* Two more full rounds, verified, with no FAIL report. */
static int two_more_rounds(int fd, unsigned int id)
{
	return lpar_wait_report(fd, id, LPAR_REPORT_PROGRESS,
				lpar_progress_round(fd, id) + 2, T_ROUNDS_MS, NULL);
}

static int mvstor(int fd, unsigned int id, unsigned long long origin,
		  unsigned long long chunk, struct lpar_mvstor *m)
{
	memset(m, 0, sizeof(*m));
	m->argsz = sizeof(*m);
	m->id = id;
	m->origin = origin;
	m->chunk = chunk;
	return ioctl(fd, LPAR_MVSTOR, m) ? -errno : 0;
}

/* LPAR_RESIZE, which a running mover guest must ACK: 0 or -errno. */
static int resize(int fd, unsigned int id, unsigned long long size)
{
	struct lpar_resize r = { .argsz = sizeof(r), .id = id, .size = size,
				 .timeout_ms = lpar_ms(60000) };

	return ioctl(fd, LPAR_RESIZE, &r) ? -errno : 0;
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

#define KEY_GFN		512	/* 2 MiB into the storage */
#define KEY_N		64

static void key_pattern(__u8 *k, unsigned int salt)
{
	unsigned int i;

	for (i = 0; i < KEY_N; i++)
		k[i] = (((i + salt) & 0xf) << 4) | ((i & 1) ? LPAR_SKEY_F : 0);
}

/* ACC and F exactly as set; R and C only ever added by guest accesses. */
static int keys_match(const __u8 *set, const __u8 *now)
{
	unsigned int i;

	for (i = 0; i < KEY_N; i++)
		if ((now[i] & (LPAR_SKEY_ACC | LPAR_SKEY_F)) != set[i] ||
		    (now[i] & 0x01))
			return i + 1;
	return 0;
}

TEST_F_TIMEOUT(mv, moves_keep_pattern_and_keys, 900)
{
	unsigned long long b = self->base, o[25];
	__u8 set[KEY_N], now[KEY_N];
	struct lpar_mvstor m;
	struct lpar_status st;
	unsigned int i, n = 0;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "mover", b + 16 * MiB, 16 * MiB));
	key_pattern(set, 3);
	ASSERT_OK(keys(self->fd, LPAR_SET_SKEYS, 1, KEY_GFN, KEY_N, set, NULL));

	o[n++] = b + 18 * MiB;		/* up, overlapping its own range */
	o[n++] = b + 14 * MiB;		/* down, overlapping */
	o[n++] = b + 96 * MiB;		/* disjoint, up */
	o[n++] = b + 96 * MiB;		/* same origin */
	o[n++] = b + 16 * MiB;		/* disjoint, down */
	for (i = 0; i < 20; i++)	/* 20 in a row */
		o[n++] = b + (16 + 2 * ((i * 7) % 5)) * MiB;

	for (i = 0; i < n; i++) {
		unsigned long long before = 0;

		ASSERT_OK(lpar_status(self->fd, 1, &st));
		before = st.origin;
		ASSERT_EQ(0, mvstor(self->fd, 1, o[i], 0, &m))
			TH_LOG("move %u to %#llx", i, o[i]);
		ASSERT_EQ(0, m.res.result);
		ASSERT_EQ(before, m.res.old_origin);
		ASSERT_EQ(o[i], m.res.new_origin);
		ASSERT_EQ(before == o[i] ? 0 : 16 * MiB, m.res.bytes);
		ASSERT_OK(lpar_status(self->fd, 1, &st));
		ASSERT_EQ(o[i], st.origin);
		ASSERT_EQ(LPAR_STATE_OPERATING, st.state);
		ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, KEY_GFN, KEY_N, now,
			       NULL));
		ASSERT_EQ(0, keys_match(set, now))
			TH_LOG("move %u: key of frame %u changed", i,
			       keys_match(set, now) - 1);
		if (i < 5 || i == n - 1)
			ASSERT_EQ(0, two_more_rounds(self->fd, 1))
				TH_LOG("guest after move %u to %#llx", i, o[i]);
	}
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(0, st.mv_last.result);
	ASSERT_NE(LPAR_REPORT_FAIL, st.report_code);
}

TEST_F_TIMEOUT(mv, exchange_running, 900)
{
	unsigned long long b = self->base;
	__u8 ka[KEY_N], kb[KEY_N], now[KEY_N];
	struct lpar_exchange x = { .argsz = sizeof(x), .id = 1, .id2 = 2 };
	struct lpar_status sa, sb;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "xa", b, 16 * MiB));
	ASSERT_OK(lpar_start_mover(self->fd, 2, "xb", b + 16 * MiB, 16 * MiB));
	key_pattern(ka, 1);
	key_pattern(kb, 9);
	ASSERT_OK(keys(self->fd, LPAR_SET_SKEYS, 1, KEY_GFN, KEY_N, ka, NULL));
	ASSERT_OK(keys(self->fd, LPAR_SET_SKEYS, 2, KEY_GFN, KEY_N, kb, NULL));
	ASSERT_EQ(0, ioctl(self->fd, LPAR_EXCHANGE, &x)) TH_LOG("%s", strerror(errno));
	ASSERT_OK(lpar_status(self->fd, 1, &sa));
	ASSERT_OK(lpar_status(self->fd, 2, &sb));
	ASSERT_EQ(b + 16 * MiB, sa.origin);
	ASSERT_EQ(b, sb.origin);
	/* Keys went with the data. */
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, KEY_GFN, KEY_N, now, NULL));
	ASSERT_EQ(0, keys_match(ka, now));
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 2, KEY_GFN, KEY_N, now, NULL));
	ASSERT_EQ(0, keys_match(kb, now));
	ASSERT_OK(two_more_rounds(self->fd, 1));
	ASSERT_OK(two_more_rounds(self->fd, 2));
}

TEST_F_TIMEOUT(mv, seed004_shrink_move_grow, 900)
{
	unsigned long long b = self->base;
	struct lpar_config_entry e[2] = {
		{ .id = 2, .flags = LPAR_DEF_ORIGIN, .size = 8 * MiB,
		  .origin = b + 24 * MiB },
		{ .id = 1, .size = 24 * MiB, .weight = 900 },
	};
	struct lpar_config c = {
		.argsz = sizeof(c), .nr = 2, .timeout_ms = lpar_ms(120000),
		.entries_ptr = (uintptr_t)e,
	};
	struct lpar_status s1, s2;
	struct lpar_def d;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "p1", b, 16 * MiB));
	ASSERT_OK(lpar_start_mover(self->fd, 2, "p2", b + 16 * MiB, 16 * MiB));
	ASSERT_EQ(0, ioctl(self->fd, LPAR_CONFIG_APPLY, &c))
		TH_LOG("config: %s", strerror(errno));
	ASSERT_EQ(4ULL, c.steps);	/* shrink, move, grow, weight */
	ASSERT_OK(lpar_status(self->fd, 1, &s1));
	ASSERT_OK(lpar_status(self->fd, 2, &s2));
	ASSERT_EQ(b, s1.origin);
	ASSERT_EQ(24 * MiB, s1.size);
	ASSERT_EQ(b + 24 * MiB, s2.origin);
	ASSERT_EQ(8 * MiB, s2.size);
	ASSERT_OK(lpar_get_def(self->fd, 1, &d));
	ASSERT_EQ(900U, d.weight);
	ASSERT_OK(lpar_wait_console(self->fd, 2, "storage is now 8 MiB",
				    lpar_ms(60000)));
	ASSERT_OK(lpar_wait_console(self->fd, 1, "storage is now 24 MiB",
				    lpar_ms(60000)));
	ASSERT_OK(two_more_rounds(self->fd, 1));
	ASSERT_OK(two_more_rounds(self->fd, 2));
}

TEST_F_TIMEOUT(mv, resize_grow_shrink, 900)
{
	unsigned long long b = self->base;
	struct lpar_resize r = { .argsz = sizeof(r), .id = 1,
				 .timeout_ms = lpar_ms(120000) };
	struct lpar_snapshot s0, s1;
	struct lpar_status st;
	char why[256];

	ASSERT_OK(lpar_start_mover(self->fd, 1, "rs", b, 16 * MiB));
	ASSERT_OK(lpar_start_mover(self->fd, 2, "above", b + 32 * MiB, 16 * MiB));
	r.size = 32 * MiB;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_RESIZE, &r)) TH_LOG("%s", strerror(errno));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(32 * MiB, st.size);
	ASSERT_OK(lpar_wait_console(self->fd, 1, "storage is now 32 MiB",
				    lpar_ms(60000)));
	ASSERT_OK(two_more_rounds(self->fd, 1));
	/* Growing into a running neighbour changes nothing. */
	ASSERT_OK(lpar_snapshot(self->fd, &s0));
	r.size = 48 * MiB;
	ASSERT_EQ(-1, ioctl(self->fd, LPAR_RESIZE, &r));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_OK(lpar_snapshot(self->fd, &s1));
	ASSERT_EQ(0, lpar_snapshot_cmp(&s0, &s1, why, sizeof(why))) TH_LOG("%s", why);
	r.size = 8 * MiB;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_RESIZE, &r)) TH_LOG("%s", strerror(errno));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(8 * MiB, st.size);
	ASSERT_OK(two_more_rounds(self->fd, 1));
}

/*
 * Issue 16: a resize waits for the guest's ACK as long as the
 * caller asked (here 120 s, to a guest that never answers); the caller
 * can be killed meanwhile, and the grow is undone.
 */
TEST_F_TIMEOUT(mv, resize_wait_is_killable, 300)
{
	unsigned long long b = self->base;
	struct lpar_status st;
	struct lpar_def d;
	__u64 t0;
	int status;
	pid_t pid;

	lpar_def_init(&d, 1, "deaf", 16 * MiB, 1, "idle");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = b;
	ASSERT_OK(lpar_start(self->fd, &d, LPAR_REPORT_PASS, 1, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct lpar_resize r = { .argsz = sizeof(r), .id = 1,
					 .size = 32 * MiB, .timeout_ms = 120000 };

		ioctl(self->fd, LPAR_RESIZE, &r);
		_exit(0);
	}
	/* Let it reach the wait for the guest (the grow is mapped by then). */
	t0 = now_ms() + lpar_ms(30000);
	do {
		msleep(100);
		ASSERT_OK(lpar_status(self->fd, 1, &st));
	} while (st.size != 32 * MiB && now_ms() < t0);
	ASSERT_EQ(32 * MiB, st.size) TH_LOG("the grow never started");
	msleep(500);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	t0 = now_ms();
	while (waitpid(pid, &status, WNOHANG) == 0) {
		ASSERT_LT(now_ms() - t0, lpar_ms(15000))
			TH_LOG("resize caller still not dead %llu ms after SIGKILL",
			       (unsigned long long)(now_ms() - t0));
		msleep(50);
	}
	ASSERT_TRUE(WIFSIGNALED(status));
	/* Undone: the partition runs on at its old size. */
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_EQ(16 * MiB, st.size);
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
}

struct bg_move {
	int fd;
	unsigned int id;
	unsigned long long origin;
	int ret;
	struct lpar_mvstor m;
};

static void *bg_move_fn(void *arg)
{
	struct bg_move *bg = arg;

	/* 4 KiB chunks: slow enough to act on while it runs. */
	bg->ret = mvstor(bg->fd, bg->id, bg->origin, 4096, &bg->m);
	return NULL;
}

static int wait_moving(int fd, unsigned int id)
{
	__u64 end = now_ms() + lpar_ms(60000);
	struct lpar_status st;

	while (now_ms() < end) {
		if (!lpar_status(fd, id, &st) && st.mv_active && st.mv_done)
			return 0;
		msleep(5);
	}
	return -ETIMEDOUT;
}

TEST_F_TIMEOUT(mv, bad_input_changes_nothing, 900)
{
	unsigned long long b = self->base;
	struct lpar_snapshot s0, s1;
	struct lpar_mvstor m;
	struct bg_move bg = { .fd = self->fd, .id = 1, .origin = b + 128 * MiB };
	struct lpar_def d;
	pthread_t t;
	char why[256];

	ASSERT_OK(lpar_start_mover(self->fd, 1, "ma", b, 16 * MiB));
	ASSERT_OK(lpar_start_mover(self->fd, 2, "mb", b + 16 * MiB, 16 * MiB));
	ASSERT_OK(lpar_snapshot(self->fd, &s0));
	ASSERT_EQ(-EBUSY, mvstor(self->fd, 1, b + 8 * MiB, 0, &m));
	ASSERT_EQ(-ERANGE, mvstor(self->fd, 1, self->ext.start + self->ext.size,
				  0, &m));
	ASSERT_EQ(-ERANGE, mvstor(self->fd, 1, 0x1000000000ULL, 0, &m));
	ASSERT_EQ(-EINVAL, mvstor(self->fd, 1, b + 64 * MiB + 4096, 0, &m));
	ASSERT_EQ(-EINVAL, mvstor(self->fd, 1, b + 64 * MiB, 3000, &m));
	ASSERT_EQ(-ENOENT, mvstor(self->fd, 63, b + 64 * MiB, 0, &m));
	m.flags = 1;
	ASSERT_EQ(-1, ioctl(self->fd, LPAR_MVSTOR, &m));
	ASSERT_EQ(EINVAL, errno);
	/* A default chunk that no move could use is refused where it enters. */
	ASSERT_EQ(-EINVAL, lpar_param_write("mv_chunk_kb", "3"));
	ASSERT_EQ(-EINVAL, lpar_param_write("mv_chunk_kb", "4096"));
	ASSERT_EQ(0, lpar_param_write("mv_chunk_kb", "256"));
	ASSERT_OK(lpar_snapshot(self->fd, &s1));
	ASSERT_EQ(0, lpar_snapshot_cmp(&s0, &s1, why, sizeof(why))) TH_LOG("%s", why);

	/* While a move runs: a second one, and an act into its target. */
	lpar_def_init(&d, 3, "intruder", 16 * MiB, 1, "hello");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = b + 128 * MiB;
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_EQ(0, pthread_create(&t, NULL, bg_move_fn, &bg));
	ASSERT_OK(wait_moving(self->fd, 1));
	ASSERT_EQ(-EBUSY, mvstor(self->fd, 1, b + 160 * MiB, 0, &m));
	ASSERT_EQ(-EBUSY, lpar_act(self->fd, 3));
	pthread_join(t, NULL);
	ASSERT_EQ(0, bg.ret);
	ASSERT_EQ(b + 128 * MiB, bg.m.res.new_origin);
	ASSERT_OK(two_more_rounds(self->fd, 1));
	ASSERT_OK(two_more_rounds(self->fd, 2));
	/* The vacated range is free again: the intruder fits there now. */
	d.id = 4;
	snprintf(d.name, sizeof(d.name), "latecomer");
	d.origin = b;
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(lpar_act(self->fd, 4));
}

TEST_F_TIMEOUT(mv, runner_killed_during_move, 900)
{
	unsigned long long b = self->base;
	struct bg_move bg = { .fd = self->fd, .id = 1, .origin = b + 64 * MiB };
	struct lpar_pool_info pool;
	struct lpar_status st;
	pthread_t t;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "victim", b, 16 * MiB));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(0, pthread_create(&t, NULL, bg_move_fn, &bg));
	ASSERT_OK(wait_moving(self->fd, 1));
	ASSERT_EQ(0, kill(st.runner_pid, SIGKILL));
	pthread_join(t, NULL);
	/* The move does not need the runner: it completes. */
	ASSERT_EQ(0, bg.ret);
	ASSERT_OK(lpar_wait_state(self->fd, 1, LPAR_STATE_FAILED,
				  lpar_ms(T_FAIL_MS), &st));
	ASSERT_EQ(b + 64 * MiB, st.origin);
	ASSERT_OK(lpar_pool(self->fd, &pool));
	ASSERT_EQ(pool.total - 16 * MiB, pool.free);
	ASSERT_OK(lpar_deact(self->fd, 1, 0, 0));
	ASSERT_OK(lpar_pool(self->fd, &pool));
	ASSERT_EQ(pool.total, pool.free);
}

TEST_F_TIMEOUT(mv, failed_move_leaves_it_in_place, 900)
{
	unsigned long long b = self->base;
	struct lpar_mvstor m;
	struct lpar_status st;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "stay", b, 16 * MiB));
	/* SALE fails after the copy: the data is moved back. */
	lpar_param_write("fault_inject", "1");
	ASSERT_EQ(-EIO, mvstor(self->fd, 1, b + 2 * MiB, 0, &m));
	lpar_param_write("fault_inject", "0");
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(b, st.origin);
	ASSERT_EQ(-EIO, st.mv_last.result);
	ASSERT_EQ(LPAR_STATE_OPERATING, st.state);
	ASSERT_OK(two_more_rounds(self->fd, 1));
	/* A device that does not stop DMA: refused before any copy. */
	lpar_param_write("fault_inject", "2");
	ASSERT_EQ(-EBUSY, mvstor(self->fd, 1, b + 64 * MiB, 0, &m));
	lpar_param_write("fault_inject", "0");
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(b, st.origin);
	ASSERT_NE(NULL, strstr(st.reason, "fault-inject"));
	ASSERT_EQ(0, st.mv_last.bytes);
	ASSERT_OK(two_more_rounds(self->fd, 1));
}

TEST_F_TIMEOUT(mv, keys_interface, 900)
{
	unsigned long long b = self->base, ref = 0;
	__u8 k[KEY_N], before[KEY_N];
	__u64 end;
	unsigned int i;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "keys", b, 16 * MiB));
	ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, KEY_GFN, KEY_N, before,
		       NULL));
	/* The guest writes there every round: referenced and changed. */
	for (i = 0; i < KEY_N; i++)
		ASSERT_EQ(LPAR_SKEY_R | LPAR_SKEY_C,
			  before[i] & (LPAR_SKEY_R | LPAR_SKEY_C));
	memset(k, 0x31, sizeof(k));	/* bit 0 set: refused whole */
	k[0] = 0x30;
	ASSERT_EQ(-EINVAL, keys(self->fd, LPAR_SET_SKEYS, 1, KEY_GFN, KEY_N, k,
				NULL));
	ASSERT_EQ(-EINVAL, keys(self->fd, LPAR_GET_SKEYS, 1, 0, 0, k, NULL));
	ASSERT_EQ(-EINVAL, keys(self->fd, LPAR_GET_SKEYS, 1, 0,
				LPAR_SKEYS_MAX + 1, k, NULL));
	ASSERT_EQ(-ERANGE, keys(self->fd, LPAR_GET_SKEYS, 1,
				(16 * MiB >> 12) - 1, 2, k, NULL));
	ASSERT_EQ(-ENOENT, keys(self->fd, LPAR_GET_SKEYS, 40, 0, 1, k, NULL));
	/* Reset R: it comes back because the guest really touches them. */
	ASSERT_OK(keys(self->fd, LPAR_RESET_REF, 1, KEY_GFN, KEY_N, NULL, &ref));
	ASSERT_LT(0, ref);
	end = now_ms() + lpar_ms(T_ROUNDS_MS);
	do {
		msleep(50);
		ASSERT_OK(keys(self->fd, LPAR_GET_SKEYS, 1, KEY_GFN, KEY_N, k,
			       NULL));
	} while (!(k[KEY_N - 1] & LPAR_SKEY_R) && now_ms() < end);
	ASSERT_TRUE(k[KEY_N - 1] & LPAR_SKEY_R);
	/* Large counts in one call. */
	ASSERT_OK(keys(self->fd, LPAR_RESET_REF, 1, 0, 16 * MiB >> 12, NULL,
		       &ref));
	ASSERT_LT(0, ref);
}

TEST_F_TIMEOUT(mv, deactivated_origin_moves, 900)
{
	unsigned long long b = self->base;
	struct lpar_mvstor m;
	struct lpar_status st;
	struct lpar_def d;

	lpar_def_init(&d, 1, "parked", 16 * MiB, 1, "mover");
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(mvstor(self->fd, 1, b + 32 * MiB, 0, &m));
	ASSERT_OK(lpar_get_def(self->fd, 1, &d));
	ASSERT_TRUE(d.flags & LPAR_DEF_ORIGIN);
	ASSERT_EQ(b + 32 * MiB, d.origin);
	ASSERT_OK(lpar_act(self->fd, 1));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	ASSERT_EQ(b + 32 * MiB, st.origin);
}

/*
 * Issue 9, item 2: the target of a move is claimed when it is checked.
 * Four commands race for one free range T while every quiesce takes
 * LPAR_FI_SLOW_MS (fault_inject 4), the window in which the target used
 * to be checked but not yet claimed: MVSTOR of A to T, act of B (defined
 * at T), MVSTOR of C to T and a grow of D, right below T, into T
 * (issue 16: a grow reserves what it checked, before it zeroes it).
 * Exactly one may win; the pool map never shows two owners of a frame
 * and no guest ever reports FAIL.  Bounded by time, not by rounds (TCG
 * is slow).
 */
#define RACE_SIZE	(4 * MiB)
#define RACE_SECS	45
#define RACE_MAX_ROUNDS	400

enum { RACE_MOVE, RACE_ACT, RACE_GROW };

struct racer {
	int fd;
	int kind;
	unsigned int id;
	unsigned long long origin;
	unsigned int delay_us;
	int ret;
};

static void *racer_fn(void *arg)
{
	struct racer *r = arg;
	struct lpar_mvstor m;

	usleep(r->delay_us);
	if (r->kind == RACE_ACT) {
		r->ret = lpar_act(r->fd, r->id);
	} else if (r->kind == RACE_GROW) {
		/* @origin is the size to grow to. */
		r->ret = resize(r->fd, r->id, r->origin);
	} else {
		r->ret = mvstor(r->fd, r->id, r->origin, 0, &m);
	}
	return NULL;
}

/* Two owned ranges of the sysfs pool map that overlap: 1 and why. */
static int map_overlap(char *why, size_t len)
{
	unsigned long long s[64], e[64], a, z;
	char buf[8192], who[64], *line, *save;
	unsigned int n = 0, i;

	if (sysfs_read("pool/map", buf, sizeof(buf)))
		return 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%llx-%llx %63s", &a, &z, who) != 3 ||
		    !strcmp(who, "free"))
			continue;
		for (i = 0; i < n; i++) {
			if (a <= e[i] && s[i] <= z) {
				snprintf(why, len, "%#llx-%#llx and %#llx-%#llx both owned",
					 s[i], e[i], a, z);
				return 1;
			}
		}
		if (n < ARRAY_SIZE(s)) {
			s[n] = a;
			e[n++] = z;
		}
	}
	return 0;
}

static int race_guest_ok(int fd, unsigned int id, char *why, size_t len)
{
	struct lpar_status st;

	if (lpar_status(fd, id, &st))
		return 1;
	if (st.report_code == LPAR_REPORT_FAIL ||
	    st.state == LPAR_STATE_FAILED) {
		snprintf(why, len, "partition %u: %s, report %u value %#llx (%s)",
			 id, lpar_state_name(st.state), st.report_code,
			 (unsigned long long)st.report_value, st.reason);
		return 0;
	}
	return 1;
}

TEST_F_TIMEOUT(mv, race_for_move_target, 300)
{
	unsigned long long b = self->base, home_a = b + 16 * MiB;
	unsigned long long home_c = b + 32 * MiB, t = b + 64 * MiB;
	unsigned int rounds = 0, wins[4] = { 0 }, i;
	struct lpar_status sa, sb, sc, sd;
	struct lpar_def d;
	char why[256];
	__u64 end;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "racer-a", home_a, RACE_SIZE));
	ASSERT_OK(lpar_start_mover(self->fd, 3, "racer-c", home_c, RACE_SIZE));
	/* D ends where T begins: growing it takes T. */
	ASSERT_OK(lpar_start_mover(self->fd, 4, "racer-d", t - RACE_SIZE,
				   RACE_SIZE));
	lpar_def_init(&d, 2, "racer-b", RACE_SIZE, 1, "pattern");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = t;
	ASSERT_OK(lpar_define(self->fd, &d));
	lpar_param_write("fault_inject", "4");
	srand(getpid());
	end = now_ms() + RACE_SECS * 1000;
	while (now_ms() < end && rounds < RACE_MAX_ROUNDS) {
		struct racer r[4] = {
			{ .fd = self->fd, .kind = RACE_MOVE, .id = 1, .origin = t },
			{ .fd = self->fd, .kind = RACE_ACT, .id = 2 },
			{ .fd = self->fd, .kind = RACE_MOVE, .id = 3, .origin = t },
			{ .fd = self->fd, .kind = RACE_GROW, .id = 4,
			  .origin = 2 * RACE_SIZE },
		};
		pthread_t th[4];
		unsigned int won = 0;
		bool a_at_t, b_on, c_at_t, d_grown;

		/* One starts, the others come within the quiesce window. */
		for (i = 0; i < 4; i++)
			r[i].delay_us = i == rounds % 4 ? 0 :
					10000 + rand() % 70000;
		for (i = 0; i < 4; i++)
			ASSERT_EQ(0, pthread_create(&th[i], NULL, racer_fn, &r[i]));
		for (i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		ASSERT_EQ(0, map_overlap(why, sizeof(why)))
			TH_LOG("round %u: pool map: %s", rounds, why);
		ASSERT_OK(lpar_status(self->fd, 1, &sa));
		ASSERT_OK(lpar_status(self->fd, 2, &sb));
		ASSERT_OK(lpar_status(self->fd, 3, &sc));
		ASSERT_OK(lpar_status(self->fd, 4, &sd));
		a_at_t = sa.origin == t;
		b_on = sb.state != LPAR_STATE_DEACTIVATED;
		c_at_t = sc.origin == t;
		d_grown = sd.size > RACE_SIZE;
		won = a_at_t + b_on + c_at_t + d_grown;
		ASSERT_EQ(1, won)
			TH_LOG("round %u: A %s at %#llx (%s), B %s (%s), C %s at %#llx (%s), D %llu MiB (%s)",
			       rounds, lpar_state_name(sa.state),
			       (unsigned long long)sa.origin, errname(r[0].ret),
			       lpar_state_name(sb.state), errname(r[1].ret),
			       lpar_state_name(sc.state),
			       (unsigned long long)sc.origin, errname(r[2].ret),
			       (unsigned long long)sd.size / MiB, errname(r[3].ret));
		/* The losers were refused as the target is taken. */
		for (i = 0; i < 4; i++) {
			int ret = r[i].ret;

			ASSERT_TRUE(!ret || ret == -EBUSY)
				TH_LOG("round %u: racer %u: %s", rounds, i,
				       errname(ret));
		}
		if (b_on)
			ASSERT_EQ(0, lpar_wait_report(self->fd, 2,
						      LPAR_REPORT_PROGRESS, 1,
						      lpar_ms(T_REPORT_MS), NULL))
				TH_LOG("round %u: B's guest", rounds);
		ASSERT_TRUE(race_guest_ok(self->fd, 1, why, sizeof(why)))
			TH_LOG("round %u: %s", rounds, why);
		ASSERT_TRUE(race_guest_ok(self->fd, 2, why, sizeof(why)))
			TH_LOG("round %u: %s", rounds, why);
		ASSERT_TRUE(race_guest_ok(self->fd, 3, why, sizeof(why)))
			TH_LOG("round %u: %s", rounds, why);
		ASSERT_TRUE(race_guest_ok(self->fd, 4, why, sizeof(why)))
			TH_LOG("round %u: %s", rounds, why);
		/* Put the winner back, without the slow quiesce. */
		lpar_param_write("fault_inject", "0");
		if (a_at_t) {
			struct lpar_mvstor m;

			wins[0]++;
			ASSERT_OK(mvstor(self->fd, 1, home_a, 0, &m));
		}
		if (b_on) {
			wins[1]++;
			ASSERT_OK(lpar_deact(self->fd, 2, LPAR_DEACT_FORCE, 0));
		}
		if (c_at_t) {
			struct lpar_mvstor m;

			wins[2]++;
			ASSERT_OK(mvstor(self->fd, 3, home_c, 0, &m));
		}
		if (d_grown) {
			wins[3]++;
			ASSERT_OK(resize(self->fd, 4, RACE_SIZE));
		}
		lpar_param_write("fault_inject", "4");
		rounds++;
	}
	lpar_param_write("fault_inject", "0");
	TH_LOG("%u rounds: A won %u, B %u, C %u, D %u", rounds, wins[0],
	       wins[1], wins[2], wins[3]);
	ASSERT_LE(20, rounds);
	ASSERT_OK(two_more_rounds(self->fd, 1));
	ASSERT_OK(two_more_rounds(self->fd, 3));
}

/*
 * Issue 16: exchange of partitions of different sizes (three MVSTORs
 * through a free range) racing the act of partitions defined at that free
 * range (E) and at the range the first step vacates (F).  Every step
 * claims its target when it checks it: whoever loses is refused or undone,
 * the pool map never shows two owners and the mover guests of A and B
 * never report FAIL.  Bounded by time.
 */
#define XR_SECS		40

static void xr_home(struct __test_metadata *_metadata, int fd,
		    unsigned long long b)
{
	struct lpar_status sa, sb;
	struct lpar_mvstor m;

	ASSERT_OK(lpar_status(fd, 1, &sa));
	ASSERT_OK(lpar_status(fd, 2, &sb));
	if ((sa.origin == b && sb.origin == b + 8 * MiB) ||
	    (sb.origin == b && sa.origin == b + 4 * MiB))
		return;
	/* A failed exchange left them apart: put them back in order. */
	ASSERT_OK(mvstor(fd, 1, b + 64 * MiB, 0, &m));
	ASSERT_OK(mvstor(fd, 2, b + 8 * MiB, 0, &m));
	ASSERT_OK(mvstor(fd, 1, b, 0, &m));
}

TEST_F_TIMEOUT(mv, exchange_races_act, 300)
{
	unsigned long long b = self->base;
	unsigned int rounds = 0, xok = 0, eon = 0, fon = 0, i;
	struct lpar_def d;
	char why[256];
	__u64 end;

	ASSERT_OK(lpar_start_mover(self->fd, 1, "xr-a", b, 8 * MiB));
	ASSERT_OK(lpar_start_mover(self->fd, 2, "xr-b", b + 8 * MiB, 4 * MiB));
	/* E: the first free range, which the exchange passes through. */
	lpar_def_init(&d, 3, "xr-e", 8 * MiB, 1, "pattern");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = b + 12 * MiB;
	ASSERT_OK(lpar_define(self->fd, &d));
	/* F: where the lower partition was, free between two steps. */
	lpar_def_init(&d, 4, "xr-f", 4 * MiB, 1, "pattern");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = b;
	ASSERT_OK(lpar_define(self->fd, &d));
	srand(getpid());
	end = now_ms() + XR_SECS * 1000;
	while (now_ms() < end) {
		struct lpar_exchange x = { .argsz = sizeof(x), .id = 1, .id2 = 2 };
		struct racer r[2] = {
			{ .fd = self->fd, .kind = RACE_ACT, .id = 3,
			  .delay_us = rand() % 1200000 },
			{ .fd = self->fd, .kind = RACE_ACT, .id = 4,
			  .delay_us = rand() % 1200000 },
		};
		struct lpar_status st;
		pthread_t th[2];
		int xret;

		/* Every other round one act comes first, before the exchange. */
		if (rounds & 1)
			r[rounds / 2 % 2].delay_us = 0;
		lpar_param_write("fault_inject", "4");
		for (i = 0; i < 2; i++)
			ASSERT_EQ(0, pthread_create(&th[i], NULL, racer_fn, &r[i]));
		if (rounds & 1)
			msleep(300);
		xret = ioctl(self->fd, LPAR_EXCHANGE, &x) ? -errno : 0;
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		lpar_param_write("fault_inject", "0");
		ASSERT_EQ(0, map_overlap(why, sizeof(why)))
			TH_LOG("round %u: pool map: %s", rounds, why);
		ASSERT_TRUE(!xret || xret == -EBUSY || xret == -ENOSPC)
			TH_LOG("round %u: exchange: %s", rounds, errname(xret));
		for (i = 0; i < 2; i++) {
			int ret = r[i].ret;

			ASSERT_TRUE(!ret || ret == -EBUSY)
				TH_LOG("round %u: act of %u: %s", rounds,
				       r[i].id, errname(ret));
		}
		for (i = 1; i <= 4; i++)
			ASSERT_TRUE(race_guest_ok(self->fd, i, why, sizeof(why)))
				TH_LOG("round %u: %s", rounds, why);
		xok += !xret;
		eon += !r[0].ret;
		fon += !r[1].ret;
		for (i = 0; i < 2; i++) {
			unsigned int id = r[i].id;

			ASSERT_OK(lpar_status(self->fd, id, &st));
			if (st.state != LPAR_STATE_DEACTIVATED) {
				ASSERT_OK(lpar_deact(self->fd, id, LPAR_DEACT_FORCE, 0));
				ASSERT_STATE(self->fd, id, LPAR_STATE_DEACTIVATED,
					     T_DEACT_MS);
			}
		}
		xr_home(_metadata, self->fd, b);
		rounds++;
	}
	TH_LOG("%u rounds: exchange done %u, E active %u, F active %u",
	       rounds, xok, eon, fon);
	ASSERT_LE(5, rounds);
	ASSERT_OK(two_more_rounds(self->fd, 1));
	ASSERT_OK(two_more_rounds(self->fd, 2));
}
