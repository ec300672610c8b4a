// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: storage isolation and scrubbing, through real guests.
 *
 * pattern.bin fills its storage with a pattern derived from (partition
 * id, round, address), verifies it, and before each new round re-verifies
 * the previous one, so any change from outside is caught; it first checks
 * that its storage was scrubbed.  probe.bin checks that guest-physical
 * addresses beyond its storage read all ones and swallow writes.
 */
#include <stdint.h>

#include "lpar_test.h"

#define T_ROUNDS_MS	300000	/* a few pattern rounds, nested under TCG */

FIXTURE(stor) {
	int fd;
	struct lpar_version v;
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	unsigned long long size;
};

FIXTURE_SETUP(stor)
{
	int fd = lpar_open();

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	lpar_cleanup_all(fd);
	ASSERT_OK(lpar_version(fd, &self->v));
	ASSERT_OK(lpar_pool(fd, &self->pool));
	ASSERT_OK(lpar_pool_extent(fd, &self->ext));
	self->size = lpar_test_size();
}

FIXTURE_TEARDOWN(stor)
{
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

/* Is [origin, origin + size) listed in pool/map with @name? */
static bool map_has(const char *map, unsigned long long origin,
		    unsigned long long size, const char *name)
{
	const char *line = map;

	while (line && *line) {
		unsigned long long s, e;

		if (sscanf(line, "%llx-%llx", &s, &e) == 2 && s == origin &&
		    (e == origin + size || e == origin + size - 1)) {
			const char *nl = strchr(line, '\n');
			const char *hit = strstr(line, name);

			if (hit && (!nl || hit < nl))
				return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

TEST_F_TIMEOUT(stor, two_patterns_and_probe, 900)
{
	static char map[8192];
	unsigned long long sz = self->size, ra, rb;
	struct lpar_status a, b, c;
	struct lpar_def da, db, dc;
	struct lpar_pool_info p;

	lpar_def_init(&da, 1, "patA", sz, 1, "pattern");
	lpar_def_init(&db, 2, "patB", sz, 1, "pattern");
	lpar_def_init(&dc, 3, "probeC", sz, 1, "probe");
	ASSERT_OK(lpar_define(self->fd, &da));
	ASSERT_OK(lpar_define(self->fd, &db));
	ASSERT_OK(lpar_define(self->fd, &dc));

	ASSERT_OK(lpar_act(self->fd, 1));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_OK(lpar_act(self->fd, 2));
	ASSERT_STATE(self->fd, 2, LPAR_STATE_OPERATING, T_ACT_MS);

	/* First fit in an empty pool: A at its start, B right above. */
	ASSERT_OK(lpar_status(self->fd, 1, &a));
	ASSERT_OK(lpar_status(self->fd, 2, &b));
	EXPECT_EQ(self->ext.start, a.origin);
	EXPECT_EQ(a.origin + sz, b.origin);
	EXPECT_TRUE(a.origin + a.size <= b.origin || b.origin + b.size <= a.origin);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.total - 2 * sz, p.free);

	/* Both fill and verify their own storage, several rounds. */
	ASSERT_REPORT(self->fd, 1, LPAR_REPORT_PROGRESS, 3, T_ROUNDS_MS);
	ASSERT_REPORT(self->fd, 2, LPAR_REPORT_PROGRESS, 3, T_ROUNDS_MS);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 1,
				       "partition 1 activation 1: scrub check passed", 10000));
	EXPECT_EQ(0, lpar_wait_console(self->fd, 2,
				       "partition 2 activation 1: scrub check passed", 10000));

	/* A third partition probes beyond its storage meanwhile. */
	ra = lpar_progress_round(self->fd, 1);
	rb = lpar_progress_round(self->fd, 2);
	ASSERT_OK(lpar_act(self->fd, 3));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 3, LPAR_REPORT_PASS, 515, T_ROUNDS_MS);
	ASSERT_OK(lpar_status(self->fd, 3, &c));
	EXPECT_TRUE(c.origin + sz <= a.origin || a.origin + sz <= c.origin);
	EXPECT_TRUE(c.origin + sz <= b.origin || b.origin + sz <= c.origin);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.total - 3 * sz, p.free);
	ASSERT_EQ(0, sysfs_read("pool/map", map, sizeof(map)));
	EXPECT_TRUE(map_has(map, a.origin, sz, "patA")) TH_LOG("pool/map:\n%s", map);
	EXPECT_TRUE(map_has(map, b.origin, sz, "patB")) TH_LOG("pool/map:\n%s", map);
	EXPECT_TRUE(map_has(map, c.origin, sz, "probeC")) TH_LOG("pool/map:\n%s", map);

	/* The pattern partitions kept verifying while it ran. */
	ASSERT_REPORT(self->fd, 1, LPAR_REPORT_PROGRESS, ra + 2, T_ROUNDS_MS);
	ASSERT_REPORT(self->fd, 2, LPAR_REPORT_PROGRESS, rb + 2, T_ROUNDS_MS);

	/* Deact C and B; A goes on undisturbed. */
	ASSERT_OK(lpar_deact(self->fd, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_deact(self->fd, 2, 0, 0));
	ASSERT_STATE(self->fd, 2, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ra = lpar_progress_round(self->fd, 1);
	ASSERT_REPORT(self->fd, 1, LPAR_REPORT_PROGRESS, ra + 2, T_ROUNDS_MS);
	ASSERT_OK(lpar_deact(self->fd, 1, 0, 0));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.total, p.free);
}

/* Storage is scrubbed between activations, of the same or another partition. */
TEST_F_TIMEOUT(stor, scrub_between_activations, 900)
{
	unsigned long long sz = self->size;
	unsigned long long origin = self->ext.start + 2 * sz;
	struct lpar_status st;
	struct lpar_def d;

	lpar_def_init(&d, 4, "scrubA", sz, 1, "pattern");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = origin;
	ASSERT_START(self->fd, &d, LPAR_REPORT_PROGRESS, 1);
	ASSERT_OK(lpar_status(self->fd, 4, &st));
	EXPECT_EQ(origin, st.origin);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 4,
				       "partition 4 activation 1: scrub check passed", 10000));
	/* Its storage is full of pattern now. */
	ASSERT_OK(lpar_deact(self->fd, 4, 0, 0));
	ASSERT_STATE(self->fd, 4, LPAR_STATE_DEACTIVATED, T_DEACT_MS);

	/* Same partition, same origin: must find zeros. */
	ASSERT_OK(lpar_act(self->fd, 4));
	ASSERT_STATE(self->fd, 4, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_OK(lpar_status(self->fd, 4, &st));
	EXPECT_EQ(origin, st.origin);
	EXPECT_EQ(2, st.activations);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 4,
				       "partition 4 activation 2: scrub check passed",
				       T_ROUNDS_MS));
	ASSERT_REPORT(self->fd, 4, LPAR_REPORT_PROGRESS, 2, T_ROUNDS_MS);
	ASSERT_OK(lpar_deact(self->fd, 4, LPAR_DEACT_FORCE, 0));
	ASSERT_STATE(self->fd, 4, LPAR_STATE_DEACTIVATED, T_DEACT_MS);

	/* Another partition at the same origin: must find zeros too. */
	lpar_def_init(&d, 5, "scrubB", sz, 1, "pattern");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = origin;
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(lpar_act(self->fd, 5));
	ASSERT_STATE(self->fd, 5, LPAR_STATE_OPERATING, T_ACT_MS);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 5,
				       "partition 5 activation 1: scrub check passed",
				       T_ROUNDS_MS));
	ASSERT_REPORT(self->fd, 5, LPAR_REPORT_PROGRESS, 1, T_ROUNDS_MS);

	/* A partition overlapping half of it, after it: zeros as well. */
	ASSERT_OK(lpar_deact(self->fd, 5, 0, 0));
	ASSERT_STATE(self->fd, 5, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	lpar_def_init(&d, 6, "scrubC", sz, 1, "pattern");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = origin + sz / 2;
	d.origin &= ~(self->v.increment - 1);
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(lpar_act(self->fd, 6));
	ASSERT_STATE(self->fd, 6, LPAR_STATE_OPERATING, T_ACT_MS);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 6,
				       "partition 6 activation 1: scrub check passed",
				       T_ROUNDS_MS));
	ASSERT_REPORT(self->fd, 6, LPAR_REPORT_PROGRESS, 1, T_ROUNDS_MS);
}

/* A stopped partition does not run, and its storage stays intact. */
TEST_F_TIMEOUT(stor, pattern_survives_stop, 600)
{
	struct lpar_status st;
	struct lpar_def d;
	unsigned long long r;

	lpar_def_init(&d, 7, "stopPat", self->size, 1, "pattern");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PROGRESS, 2);
	ASSERT_OK(lpar_cmd(self->fd, LPAR_STOP, 7, 0, 0));
	ASSERT_STATE(self->fd, 7, LPAR_STATE_STOPPED, 30000);
	r = lpar_progress_round(self->fd, 7);
	msleep(3000);
	ASSERT_OK(lpar_status(self->fd, 7, &st));
	EXPECT_EQ(LPAR_STATE_STOPPED, st.state);
	EXPECT_EQ(r, st.report_value) TH_LOG("rounds went on while stopped");
	ASSERT_OK(lpar_cmd(self->fd, LPAR_RESUME, 7, 0, 0));
	ASSERT_STATE(self->fd, 7, LPAR_STATE_OPERATING, 30000);
	/* The next round first re-verifies the one before the stop. */
	ASSERT_REPORT(self->fd, 7, LPAR_REPORT_PROGRESS, r + 2, T_ROUNDS_MS);
}

/* probe.bin alone, in a small partition at the very end of the pool. */
TEST_F_TIMEOUT(stor, probe_at_pool_end, 600)
{
	unsigned long long inc = self->v.increment;
	unsigned long long sz = 4 * inc;
	struct lpar_status st;
	struct lpar_def d;

	if (sz < 8 * SZ_1M)
		sz = 8 * SZ_1M;
	lpar_def_init(&d, 8, "probeEnd", sz, 1, "probe");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = self->ext.start + self->ext.size - sz;
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 515);
	ASSERT_OK(lpar_status(self->fd, 8, &st));
	EXPECT_EQ(d.origin, st.origin);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 8, "read all ones", 10000));
}

