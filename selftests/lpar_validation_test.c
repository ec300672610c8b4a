// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: bad input is refused with a clear errno and nothing changed.
 *
 * Every refusal is checked against a snapshot of LPAR_POOL_INFO and the
 * whole partition table (definitions, states, origins, runners, sysfs
 * pool/map) taken before and after the command.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include "lpar_test.h"

FIXTURE(val) {
	int fd;
	struct lpar_version v;
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	unsigned long long size;
};

FIXTURE_SETUP(val)
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

FIXTURE_TEARDOWN(val)
{
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

static void def_hello(struct lpar_def *d, unsigned int id, const char *name,
		      unsigned long long size)
{
	lpar_def_init(d, id, name, size, 1, "hello");
}

/* Refused when defined, with nothing changed. */
#define EXPECT_DEF_REFUSED(d, ...) \
	EXPECT_REFUSED(self->fd, lpar_define(self->fd, d), __VA_ARGS__)

/*
 * Refused either when defined or, if the module checks it only then,
 * when activated: both times with nothing changed (except the definition
 * itself in the second case).
 */
static void refused_define_or_act(struct __test_metadata *_metadata,
				  int fd, struct lpar_def *d,
				  const int *errs, size_t n, const char *what)
{
	struct lpar_status st;
	int r;

	ASSERT_EQ(0, lpar_snapshot(fd, &lpar__snap_before));
	r = lpar_define(fd, d);
	ASSERT_EQ(0, lpar_snapshot(fd, &lpar__snap_after));
	if (r) {
		if (!lpar__errno_in(r, errs, n)) {
			TH_LOG("%s: define: got %s, want %s", what, errname(r),
			       lpar__errlist(errs, n));
			_metadata->passed = 0;
		}
		if (lpar_snapshot_cmp(&lpar__snap_before, &lpar__snap_after,
				      lpar__why, sizeof(lpar__why))) {
			TH_LOG("%s: refused define changed: %s", what, lpar__why);
			_metadata->passed = 0;
		}
		return;
	}
	TH_LOG("%s: define accepted, checking act (info)", what);
	lpar__snap_before = lpar__snap_after;
	r = lpar_act(fd, d->id);
	if (r == 0) {
		/* Maybe refused asynchronously: it must not get far. */
		lpar_wait_state(fd, d->id, LPAR_STATE_OPERATING, 5000, &st);
		TH_LOG("%s: act accepted, state %s reason '%s'", what,
		       lpar_state_name(st.state), st.reason);
		_metadata->passed = 0;
		lpar_deact(fd, d->id, LPAR_DEACT_FORCE, 0);
		lpar_wait_state(fd, d->id, LPAR_STATE_DEACTIVATED, T_DEACT_MS,
				NULL);
		lpar_undefine(fd, d->id);
		return;
	}
	if (!lpar__errno_in(r, errs, n)) {
		TH_LOG("%s: act: got %s, want %s", what, errname(r),
		       lpar__errlist(errs, n));
		_metadata->passed = 0;
	}
	ASSERT_EQ(0, lpar_snapshot(fd, &lpar__snap_after));
	if (lpar_snapshot_cmp(&lpar__snap_before, &lpar__snap_after,
			      lpar__why, sizeof(lpar__why))) {
		TH_LOG("%s: refused act changed: %s", what, lpar__why);
		_metadata->passed = 0;
	}
	if (lpar_status(fd, d->id, &st) == 0 && st.reason[0] == 0)
		TH_LOG("%s: no reason recorded for the refused act (info)", what);
	EXPECT_EQ(0, lpar_undefine(fd, d->id));
}

#define EXPECT_DEF_OR_ACT_REFUSED(d, what, ...) do {			\
	static const int __e[] = { __VA_ARGS__ };			\
	refused_define_or_act(_metadata, self->fd, (d), __e,		\
			      ARRAY_SIZE(__e), (what));	\
} while (0)

TEST_F(val, version)
{
	struct lpar_version v;
	char buf[64];

	EXPECT_EQ(LPAR_API_VERSION, self->v.api);
	EXPECT_LE(1, self->v.max_partitions);
	EXPECT_GE(LPAR_MAX_PARTITIONS, self->v.max_partitions);
	EXPECT_LE(1, self->v.max_vcpus);
	EXPECT_GE(LPAR_MAX_VCPUS, self->v.max_vcpus);
	EXPECT_LE(2ULL << 20, self->v.increment);
	EXPECT_EQ(0, self->v.increment & (self->v.increment - 1));
	EXPECT_EQ(self->pool.increment, self->v.increment);

	EXPECT_EQ(0, sysfs_read("version", buf, sizeof(buf)));
	ASSERT_EQ(0, sysfs_read("increment", buf, sizeof(buf)));
	EXPECT_EQ(self->v.increment, strtoull(buf, NULL, 0));

	memset(&v, 0, sizeof(v));
	v.argsz = 4;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_GET_VERSION, &v) ? -errno : 0,
		       EINVAL);
	memset(&v, 0, sizeof(v));
	v.argsz = sizeof(v);
	v.flags = 1;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_GET_VERSION, &v) ? -errno : 0,
		       EINVAL);
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_GET_VERSION, NULL) ? -errno : 0,
		       EFAULT);
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_GET_VERSION, (void *)16) ? -errno : 0,
		       EFAULT);
}

TEST_F(val, pool_info)
{
	struct lpar_pool_info p;
	struct lpar_extent ext[64];
	unsigned long long sum = 0;
	unsigned int i;
	char buf[64];

	EXPECT_LT(0, self->pool.total);
	EXPECT_EQ(0, self->pool.total % self->v.increment);
	/* Setup removed every partition: the whole pool is free. */
	EXPECT_EQ(self->pool.total, self->pool.free);
	EXPECT_GE(self->pool.free, self->pool.largest_free);
	EXPECT_LT(0, self->pool.largest_free);
	EXPECT_LE(1, self->pool.nr_extents);
	EXPECT_EQ(0, self->pool.nr_extents_ret);

	memset(&p, 0, sizeof(p));
	memset(ext, 0, sizeof(ext));
	p.argsz = sizeof(p);
	p.nr_extents_max = 64;
	p.extents_ptr = (uintptr_t)ext;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_POOL_INFO, &p));
	EXPECT_EQ(self->pool.nr_extents < 64 ? self->pool.nr_extents : 64,
		  p.nr_extents_ret);
	for (i = 0; i < p.nr_extents_ret; i++) {
		EXPECT_EQ(0, ext[i].start % self->v.increment);
		EXPECT_EQ(0, ext[i].size % self->v.increment);
		EXPECT_NE(0, ext[i].flags & (LPAR_EXTENT_BOOT | LPAR_EXTENT_HOST));
		EXPECT_EQ(0, ext[i].pad);
		sum += ext[i].size;
	}
	if (p.nr_extents_ret == p.nr_extents)
		EXPECT_EQ(self->pool.total, sum);

	/* Room for one only: one written. */
	memset(ext, 0xa5, sizeof(ext));
	p.nr_extents_max = 1;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_POOL_INFO, &p));
	EXPECT_EQ(1, p.nr_extents_ret);
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, ext[1].start);

	ASSERT_EQ(0, sysfs_read("pool/total", buf, sizeof(buf)));
	EXPECT_EQ(self->pool.total, strtoull(buf, NULL, 0));
	ASSERT_EQ(0, sysfs_read("pool/free", buf, sizeof(buf)));
	EXPECT_EQ(self->pool.free, strtoull(buf, NULL, 0));
	ASSERT_EQ(0, sysfs_read("pool/largest_free", buf, sizeof(buf)));
	EXPECT_EQ(self->pool.largest_free, strtoull(buf, NULL, 0));

	/* Bad input. */
	memset(&p, 0, sizeof(p));
	p.argsz = sizeof(p);
	p.nr_extents_max = 4;
	p.extents_ptr = 8;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_POOL_INFO, &p) ? -errno : 0,
		       EFAULT);
	p.extents_ptr = 0xffff888000000000ULL;	/* a kernel address */
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_POOL_INFO, &p) ? -errno : 0,
		       EFAULT);
	memset(&p, 0, sizeof(p));
	p.argsz = offsetof(struct lpar_pool_info, free);
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_POOL_INFO, &p) ? -errno : 0,
		       EINVAL);
	memset(&p, 0, sizeof(p));
	p.argsz = sizeof(p);
	p.flags = 0x80000000;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_POOL_INFO, &p) ? -errno : 0,
		       EINVAL);
	memset(&p, 0, sizeof(p));
	p.argsz = sizeof(p);
	p.pad = 1;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_POOL_INFO, &p) ? -errno : 0,
		       EINVAL);
}

TEST_F(val, define_roundtrip)
{
	struct lpar_def d, g;
	struct lpar_status st;
	struct lpar_snapshot *before = malloc(sizeof(*before));
	char buf[512];

	ASSERT_NE(NULL, before);
	ASSERT_EQ(0, lpar_snapshot(self->fd, before));
	def_hello(&d, 3, "Round-trip_3", self->size);
	d.weight = 250;
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = self->ext.start + self->v.increment;
	ASSERT_OK(lpar_define(self->fd, &d));

	ASSERT_OK(lpar_get_def(self->fd, 3, &g));
	EXPECT_EQ(d.id, g.id);
	EXPECT_EQ(d.flags, g.flags);
	EXPECT_EQ(d.vcpus, g.vcpus);
	EXPECT_STREQ(d.name, g.name);
	EXPECT_EQ(d.size, g.size);
	EXPECT_EQ(d.origin, g.origin);
	EXPECT_EQ(250, g.weight);
	EXPECT_EQ(LPAR_IMAGE_FLAT64, g.image_format);
	EXPECT_EQ(d.load_addr, g.load_addr);
	EXPECT_TRUE(g.entry == 0 || g.entry == d.load_addr);
	EXPECT_STREQ(d.image, g.image);

	ASSERT_OK(lpar_status(self->fd, 3, &st));
	EXPECT_EQ(LPAR_STATE_DEACTIVATED, st.state);
	EXPECT_EQ(0, st.runner_pid);
	EXPECT_EQ(0, st.activations);

	ASSERT_TRUE(part_dir_exists(3));
	ASSERT_EQ(0, part_attr_read(3, "name", buf, sizeof(buf)));
	EXPECT_STREQ("Round-trip_3", buf);
	ASSERT_EQ(0, part_attr_read(3, "state", buf, sizeof(buf)));
	EXPECT_STREQ("deactivated", buf);
	ASSERT_EQ(0, part_attr_read(3, "size", buf, sizeof(buf)));
	EXPECT_EQ(d.size, strtoull(buf, NULL, 0));
	ASSERT_EQ(0, part_attr_read(3, "vcpus", buf, sizeof(buf)));
	EXPECT_EQ(1, strtoul(buf, NULL, 0));
	ASSERT_EQ(0, part_attr_read(3, "placement", buf, sizeof(buf)));
	EXPECT_STREQ("shared", buf);
	ASSERT_EQ(0, part_attr_read(3, "weight", buf, sizeof(buf)));
	EXPECT_EQ(250, strtoul(buf, NULL, 0));
	ASSERT_EQ(0, part_attr_read(3, "image", buf, sizeof(buf)));
	EXPECT_STREQ(d.image, buf);
	/* Not active: the origin of the definition (ABI doc), or "none". */
	ASSERT_EQ(0, part_attr_read(3, "origin", buf, sizeof(buf)));
	EXPECT_EQ(d.origin, strtoull(buf, NULL, 16)) TH_LOG("origin file '%s'", buf);
	ASSERT_EQ(0, part_attr_read(3, "activations", buf, sizeof(buf)));
	EXPECT_EQ(0, strtoul(buf, NULL, 0));

	/* A first-fit definition has no origin until it is active. */
	lpar_def_init(&g, 2, "firstfit", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &g));
	ASSERT_EQ(0, part_attr_read(2, "origin", buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
	ASSERT_OK(lpar_undefine(self->fd, 2));

	/* Pool untouched by a definition. */
	ASSERT_OK(lpar_pool(self->fd, &lpar__snap_after.pool));
	EXPECT_EQ(self->pool.free, lpar__snap_after.pool.free);

	ASSERT_OK(lpar_undefine(self->fd, 3));
	EXPECT_ERRNO(lpar_get_def(self->fd, 3, &g), ENOENT);
	EXPECT_FALSE(part_dir_exists(3));
	ASSERT_EQ(0, lpar_snapshot(self->fd, &lpar__snap_after));
	EXPECT_EQ(0, lpar_snapshot_cmp(before, &lpar__snap_after, lpar__why,
				       sizeof(lpar__why)))
		TH_LOG("define + undefine left something: %s", lpar__why);
	/* Undefine twice. */
	EXPECT_REFUSED(self->fd, lpar_undefine(self->fd, 3), ENOENT);
	free(before);
}

TEST_F(val, bad_id)
{
	struct lpar_def d;

	def_hello(&d, self->v.max_partitions, "badid", self->size);
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE);
	d.id = 0xffffffff;
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE);
	d.id = LPAR_MAX_PARTITIONS;
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE);
}

TEST_F(val, duplicate_id_and_name)
{
	struct lpar_def d;

	def_hello(&d, 4, "dup", self->size);
	ASSERT_OK(lpar_define(self->fd, &d));
	/* Same id, other name. */
	def_hello(&d, 4, "other", self->size);
	EXPECT_DEF_REFUSED(&d, EEXIST, EBUSY);
	/* Same name, other id. */
	def_hello(&d, 5, "dup", self->size);
	EXPECT_DEF_REFUSED(&d, EEXIST);
}

TEST_F(val, bad_names)
{
	static const char * const bad[] = {
		"", "-abc", "_abc", ".abc", "a b", "a/b", "ab\n",
		"a\tb", "\xc3\xa9t\xc3\xa9", "a:b", "../x", "..", ".",
		/* Latin-1 letters: the kernel's isalpha() takes them. */
		"caf\xe9", "\xc0\x62\x63", "a\xe0", "a\x7f", "a~b", "a*b",
	};
	struct lpar_def d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		def_hello(&d, 6, "x", self->size);
		memset(d.name, 0, sizeof(d.name));
		memcpy(d.name, bad[i], strlen(bad[i]));
		EXPECT_DEF_REFUSED(&d, EINVAL);
	}
	/* No terminating NUL. */
	def_hello(&d, 6, "x", self->size);
	memset(d.name, 'a', sizeof(d.name));
	EXPECT_DEF_REFUSED(&d, EINVAL, ENAMETOOLONG);
	/* The longest legal name. */
	def_hello(&d, 6, "x", self->size);
	memset(d.name, 'b', LPAR_NAME_LEN - 1);
	d.name[LPAR_NAME_LEN - 1] = 0;
	EXPECT_OK(lpar_define(self->fd, &d));
}

/* [A-Za-z0-9._-], first alphanumeric: what sysfs, udev and lparctl take. */
TEST_F(val, good_names)
{
	static const char * const good[] = {
		"1abc", "a.b", "A-1_b.c", "9", "LPAR1", "x..y", "z-",
	};
	struct lpar_def d;
	char back[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		def_hello(&d, 6, good[i], self->size);
		EXPECT_OK(lpar_define(self->fd, &d));
		if (part_attr_read(6, "name", back, sizeof(back)) == 0)
			EXPECT_STREQ(good[i], back);
		lpar_undefine(self->fd, 6);
	}
}

TEST_F(val, bad_vcpus)
{
	struct lpar_def d;

	def_hello(&d, 7, "vcpus", self->size);
	d.vcpus = 0;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.vcpus = self->v.max_vcpus + 1;
	EXPECT_DEF_REFUSED(&d, EINVAL, E2BIG, ERANGE);
	d.vcpus = LPAR_MAX_VCPUS + 1;
	EXPECT_DEF_REFUSED(&d, EINVAL, E2BIG, ERANGE);
	d.vcpus = 0xffffffff;
	EXPECT_DEF_REFUSED(&d, EINVAL, E2BIG, ERANGE);
	/* The largest legal count is accepted. */
	d.vcpus = self->v.max_vcpus;
	EXPECT_OK(lpar_define(self->fd, &d));
}

TEST_F(val, bad_size)
{
	unsigned long long inc = self->v.increment;
	struct lpar_def d;

	def_hello(&d, 8, "size", 0);
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.size = inc / 2;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.size = self->size + 4096;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.size = ~0ULL & ~(inc - 1);
	EXPECT_DEF_REFUSED(&d, EINVAL, E2BIG, ENOSPC, ENOMEM, ERANGE, EFBIG);
	/* Larger than the whole pool: can never be placed. */
	d.size = self->pool.total + inc;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "size > pool", EINVAL, E2BIG, ENOSPC, ENOMEM,
				  ERANGE, EFBIG);
	/* Image does not fit below size: 2 MiB storage, image at 2 MiB. */
	def_hello(&d, 8, "size", inc);
	d.load_addr = inc;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "load_addr >= size", EINVAL, E2BIG, EFBIG,
				  ENOSPC, ERANGE);
}

TEST_F(val, bad_origin)
{
	unsigned long long inc = self->v.increment;
	unsigned long long start = self->ext.start;
	unsigned long long end = self->ext.start + self->ext.size;
	struct lpar_def d;

	def_hello(&d, 9, "origin", self->size);
	d.flags = LPAR_DEF_ORIGIN;

	/* Misaligned. */
	d.origin = start + inc / 2;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "misaligned origin", EINVAL);
	d.origin = start + 4096;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "origin + 4K", EINVAL);

	/* Outside the pool (assumes one extent, as with boot_pool=). */
	if (self->pool.nr_extents == 1) {
		if (start >= inc) {
			d.origin = start - inc;
			EXPECT_DEF_OR_ACT_REFUSED(&d, "origin below pool", EINVAL,
						  ERANGE, ENXIO);
		}
		d.origin = end;
		EXPECT_DEF_OR_ACT_REFUSED(&d, "origin at pool end", EINVAL, ERANGE,
					  ENXIO);
		d.origin = 0;
		EXPECT_DEF_OR_ACT_REFUSED(&d, "origin 0", EINVAL, ERANGE, ENXIO);
		/* Starts inside, ends outside. */
		d.origin = end - inc;
		EXPECT_DEF_OR_ACT_REFUSED(&d, "range crosses pool end", EINVAL,
					  ERANGE, ENXIO, ENOSPC);
	} else {
		TH_LOG("pool has %u extents: outside-pool origins not tried",
		       self->pool.nr_extents);
	}
	/* Wraps around. */
	d.origin = ~0ULL & ~(inc - 1);
	EXPECT_DEF_OR_ACT_REFUSED(&d, "origin + size wraps", EINVAL, ERANGE,
				  ENXIO, EOVERFLOW);
	/* Origin without the flag is ignored or refused, never used. */
}

TEST_F(val, bad_flags_and_reserved)
{
	struct lpar_def d;
	unsigned int i;

	def_hello(&d, 10, "flags", self->size);
	d.flags = 1U << 7;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.flags = 0x80000000;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.flags = ~LPAR_DEF_FLAGS;
	EXPECT_DEF_REFUSED(&d, EINVAL);

	for (i = 0; i < 4; i++) {
		def_hello(&d, 10, "flags", self->size);
		d.reserved[i] = 1ULL << (i * 9);
		EXPECT_DEF_REFUSED(&d, EINVAL);
	}

	/* argsz too small. */
	def_hello(&d, 10, "flags", self->size);
	d.argsz = 0;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.argsz = 8;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.argsz = offsetof(struct lpar_def, image);
	EXPECT_DEF_REFUSED(&d, EINVAL);

	/* Image format, weight, load address. */
	def_hello(&d, 10, "flags", self->size);
	d.image_format = 0;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.image_format = 2;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	d.image_format = 0xffffffff;
	EXPECT_DEF_REFUSED(&d, EINVAL);
	def_hello(&d, 10, "flags", self->size);
	d.weight = LPAR_WEIGHT_MAX + 1;
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE);
	d.weight = 0xffffffff;
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE);
	def_hello(&d, 10, "flags", self->size);
	d.load_addr = 0;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "load_addr 0", EINVAL);
	def_hello(&d, 10, "flags", self->size);
	d.load_addr = LPAR_BOOT_MIN_LOAD - 0x1000;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "load_addr < MIN_LOAD", EINVAL);

	/* Image path: relative, empty, unterminated. */
	def_hello(&d, 10, "flags", self->size);
	snprintf(d.image, sizeof(d.image), "guest/hello.bin");
	EXPECT_DEF_OR_ACT_REFUSED(&d, "relative image", EINVAL, ENOENT);
	memset(d.image, 0, sizeof(d.image));
	EXPECT_DEF_OR_ACT_REFUSED(&d, "empty image", EINVAL, ENOENT);
	memset(d.image, '/', sizeof(d.image));
	EXPECT_DEF_REFUSED(&d, EINVAL, ENAMETOOLONG);

	/* Dedicated placement. */
	def_hello(&d, 10, "flags", self->size);
	d.flags = LPAR_DEF_DEDICATED;
	d.cpumask = 0;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "dedicated, no CPUs", EINVAL);
	d.vcpus = 2;
	d.cpumask = 1;
	EXPECT_DEF_OR_ACT_REFUSED(&d, "dedicated, too few CPUs", EINVAL);
	d.vcpus = 1;
	d.cpumask = 1ULL << 63;		/* the test VM has no CPU 63 */
	EXPECT_DEF_OR_ACT_REFUSED(&d, "dedicated, offline CPU", EINVAL, ENODEV);
}

TEST_F_TIMEOUT(val, unknown_image, 120)
{
	char path[] = "/tmp/lpar-big-XXXXXX";
	struct lpar_def d;
	int tfd;

	def_hello(&d, 11, "noimage", self->size);
	snprintf(d.image, sizeof(d.image), "/nonexistent/lpar/no-such.bin");
	EXPECT_DEF_OR_ACT_REFUSED(&d, "missing image", ENOENT);

	def_hello(&d, 11, "noimage", self->size);
	snprintf(d.image, sizeof(d.image), "/tmp");
	EXPECT_DEF_OR_ACT_REFUSED(&d, "directory image", EISDIR, EINVAL, EACCES,
				  ENOEXEC);

	/* An image larger than the storage above load_addr. */
	tfd = mkstemp(path);
	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, ftruncate(tfd, self->v.increment * 2));
	close(tfd);
	def_hello(&d, 11, "bigimage", self->v.increment * 2);
	snprintf(d.image, sizeof(d.image), "%s", path);
	EXPECT_DEF_OR_ACT_REFUSED(&d, "image larger than storage", EFBIG, E2BIG,
				  EINVAL, ENOSPC, ENOMEM, ERANGE);
	unlink(path);
}

TEST_F(val, bad_commands)
{
	struct lpar_cmd c;
	struct lpar_def d;
	struct lpar_status st;
	struct lpar_console con;
	char buf[64];

	/* Undefined partition. */
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 12), ENOENT);
	EXPECT_REFUSED(self->fd, lpar_deact(self->fd, 12, 0, 0), ENOENT);
	EXPECT_REFUSED(self->fd, lpar_cmd(self->fd, LPAR_STOP, 12, 0, 0), ENOENT);
	EXPECT_REFUSED(self->fd, lpar_cmd(self->fd, LPAR_RESUME, 12, 0, 0), ENOENT);
	EXPECT_REFUSED(self->fd, lpar_undefine(self->fd, 12), ENOENT);
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 0xffffffff), ENOENT, EINVAL);
	EXPECT_ERRNO(lpar_status(self->fd, 0xffffffff, &st), ENOENT, EINVAL);

	def_hello(&d, 12, "cmds", self->size);
	ASSERT_OK(lpar_define(self->fd, &d));

	/* Bad flags, timeouts, argsz on a defined partition. */
	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.id = 12;
	c.flags = 1;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_ACT, &c) ? -errno : 0, EINVAL);
	c.flags = 0;
	c.timeout_ms = 100;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_ACT, &c) ? -errno : 0, EINVAL);
	c.timeout_ms = 0;
	c.argsz = 8;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_ACT, &c) ? -errno : 0, EINVAL);
	c.argsz = 0;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_UNDEFINE, &c) ? -errno : 0, EINVAL);
	c.argsz = sizeof(c);
	c.flags = 2;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_DEACT, &c) ? -errno : 0, EINVAL);
	c.flags = 0x80000000;
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_UNDEFINE, &c) ? -errno : 0, EINVAL);
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_ACT, NULL) ? -errno : 0, EFAULT);
	EXPECT_REFUSED(self->fd, ioctl(self->fd, LPAR_DEFINE, (void *)8) ? -errno : 0, EFAULT);

	/* State: stop/resume a deactivated partition. */
	EXPECT_REFUSED(self->fd, lpar_cmd(self->fd, LPAR_STOP, 12, 0, 0),
		       EINVAL, EBUSY, EPERM, ENXIO);
	EXPECT_REFUSED(self->fd, lpar_cmd(self->fd, LPAR_RESUME, 12, 0, 0),
		       EINVAL, EBUSY, EPERM, ENXIO);

	/* GET_STATUS / CONSOLE_READ with bad input. */
	memset(&st, 0, sizeof(st));
	st.argsz = 8;
	st.id = 12;
	EXPECT_ERRNO(ioctl(self->fd, LPAR_GET_STATUS, &st) ? -errno : 0, EINVAL);
	memset(&con, 0, sizeof(con));
	con.argsz = sizeof(con);
	con.id = 12;
	con.len = 64;
	con.buf_ptr = 16;
	EXPECT_ERRNO(ioctl(self->fd, LPAR_CONSOLE_READ, &con) ? -errno : 0,
		     EFAULT, 0);
	con.buf_ptr = (uintptr_t)buf;
	con.flags = 4;
	EXPECT_ERRNO(ioctl(self->fd, LPAR_CONSOLE_READ, &con) ? -errno : 0, EINVAL);

	/* sysfs command files validate too. */
	EXPECT_REFUSED(self->fd, part_attr_write(12, "act", "2"), EINVAL);
	EXPECT_REFUSED(self->fd, part_attr_write(12, "act", "bogus"), EINVAL);
	EXPECT_REFUSED(self->fd, part_attr_write(12, "deact", "bogus"), EINVAL);
	EXPECT_REFUSED(self->fd, part_attr_write(12, "stop", "1"),
		       EINVAL, EBUSY, EPERM, ENXIO);
	EXPECT_REFUSED(self->fd, part_attr_write(12, "state", "operating"),
		       EACCES, EPERM, EIO, EINVAL);
}

TEST_F(val, unknown_ioctl)
{
	static const unsigned long cmds[] = {
		_IO(LPAR_IOC_MAGIC, 0x3f),
		_IO(LPAR_IOC_MAGIC, 0x3e),
		_IOWR(LPAR_IOC_MAGIC, 0x3d, struct lpar_cmd),
		_IOWR(LPAR_IOC_MAGIC, 0x30, struct lpar_def),
		_IOWR(LPAR_IOC_MAGIC, 0xff, struct lpar_status),
		_IOW(LPAR_IOC_MAGIC, 0x7f, struct lpar_cmd),
		/*
		 * Known numbers with size or direction bits: the commands
		 * are _IO(0xB8, nr) (structs carry argsz), these are not.
		 */
		_IOW(LPAR_IOC_MAGIC, 0x02, char[8]),
		_IOR(LPAR_IOC_MAGIC, 0x06, struct lpar_cmd),
		_IOR(LPAR_IOC_MAGIC, 0x00, struct lpar_version),
		_IOWR(LPAR_IOC_MAGIC, 0x05, struct lpar_status),
		_IOW(LPAR_IOC_MAGIC, 0x03, struct lpar_cmd),
		/* Other magics. */
		_IO('Z', 1),
		_IOWR(0xAE, 0x01, struct lpar_cmd),	/* KVM's magic */
		0,
		0xdeadbeef,
	};
	static const unsigned long runner_cmds[] = {
		LPAR_RUNNER_INFO, LPAR_RUNNER_WAIT, LPAR_RUNNER_EVENT, LPAR_IO,
	};
	char buf[1024];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(buf, 0, sizeof(buf));
		*(unsigned int *)buf = 512;
		TH_LOG("cmd 0x%lx", cmds[i]);
		EXPECT_REFUSED(self->fd, ioctl(self->fd, cmds[i], buf) ? -errno : 0,
			       ENOTTY);
	}
	/* Partition-fd commands are not control-device commands. */
	for (i = 0; i < ARRAY_SIZE(runner_cmds); i++) {
		memset(buf, 0, sizeof(buf));
		*(unsigned int *)buf = 512;
		EXPECT_REFUSED(self->fd,
			       ioctl(self->fd, runner_cmds[i], buf) ? -errno : 0,
			       ENOTTY, EINVAL, EBADF, EPERM, EACCES);
	}
}

/* Nobody attaches to a partition but the runner the module started. */
TEST_F_TIMEOUT(val, attach_refused, 300)
{
	static const unsigned long long tokens[] = {
		0, 1, 0xffffffffffffffffULL, 0x8000000000000000ULL,
	};
	struct lpar_attach a;
	struct lpar_status st, st2;
	struct lpar_def d;
	unsigned int i;
	int r;

	def_hello(&d, 13, "attach", self->size);
	ASSERT_OK(lpar_define(self->fd, &d));
	for (i = 0; i < 4; i++) {
		memset(&a, 0, sizeof(a));
		a.argsz = sizeof(a);
		a.id = 13;
		a.token = tokens[i];
		EXPECT_REFUSED(self->fd,
			       ioctl(self->fd, LPAR_ATTACH, &a) < 0 ? -errno : 0,
			       EPERM, EACCES, EINVAL, ENOENT, EBUSY, ENXIO);
	}

	ASSERT_OK(lpar_act(self->fd, 13));
	ASSERT_STATE(self->fd, 13, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 13, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	ASSERT_OK(lpar_status(self->fd, 13, &st));
	for (i = 0; i < 4; i++) {
		memset(&a, 0, sizeof(a));
		a.argsz = sizeof(a);
		a.id = 13;
		a.token = tokens[i];
		r = ioctl(self->fd, LPAR_ATTACH, &a);
		if (r >= 0) {
			TH_LOG("LPAR_ATTACH with token 0x%llx succeeded", tokens[i]);
			close(r);
			_metadata->passed = 0;
		}
	}
	/* A bad flag or argsz is refused before any token check. */
	memset(&a, 0, sizeof(a));
	a.argsz = 4;
	a.id = 13;
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_ATTACH, &a));
	ASSERT_OK(lpar_status(self->fd, 13, &st2));
	EXPECT_EQ(LPAR_STATE_OPERATING, st2.state);
	EXPECT_EQ(st.runner_pid, st2.runner_pid);
	EXPECT_EQ(st.origin, st2.origin);
	/* ... and the partition still runs. */
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 13, st2.heartbeats + 1,
					  60000, &st2));
}

/*
 * Act refused with EBUSY when the origin overlaps an active partition's
 * storage; act refused when no free range is large enough; undefine and
 * act of an active partition refused.  Nothing changes.
 */
TEST_F_TIMEOUT(val, overlap_active, 300)
{
	unsigned long long inc = self->v.increment;
	unsigned long long sz = self->size;
	struct lpar_def a, b, c, e;

	def_hello(&a, 14, "ovA", sz);
	a.flags = LPAR_DEF_ORIGIN;
	a.origin = self->ext.start + sz;
	def_hello(&b, 15, "ovB", sz);
	b.flags = LPAR_DEF_ORIGIN;
	b.origin = a.origin + sz / 2;
	b.origin &= ~(inc - 1);
	def_hello(&c, 16, "ovC", sz);		/* ends inside A */
	c.flags = LPAR_DEF_ORIGIN;
	c.origin = a.origin - sz + inc;
	def_hello(&e, 17, "ovBig", self->pool.total - inc);	/* first fit */

	/* Overlapping definitions are fine; overlapping activations not. */
	ASSERT_OK(lpar_define(self->fd, &a));
	ASSERT_OK(lpar_define(self->fd, &b));
	if (c.origin >= self->ext.start)
		ASSERT_OK(lpar_define(self->fd, &c));
	ASSERT_OK(lpar_define(self->fd, &e));
	ASSERT_OK(lpar_act(self->fd, 14));
	ASSERT_STATE(self->fd, 14, LPAR_STATE_OPERATING, T_ACT_MS);

	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 15), EBUSY);
	EXPECT_REFUSED(self->fd, part_attr_write(15, "act", "1"), EBUSY);
	if (c.origin >= self->ext.start)
		EXPECT_REFUSED(self->fd, lpar_act(self->fd, 16), EBUSY);
	/* Pool total - inc: fits the pool, not the pool minus A. */
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 17), ENOSPC, ENOMEM, EBUSY);
	/* A itself: already active, cannot be undefined. */
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 14), EBUSY, EALREADY);
	EXPECT_REFUSED(self->fd, lpar_undefine(self->fd, 14), EBUSY);
	ASSERT_REPORT(self->fd, 14, LPAR_REPORT_PASS, 1, T_REPORT_MS);

	/* After A is gone, B can take the range. */
	ASSERT_OK(lpar_deact(self->fd, 14, 0, 0));
	ASSERT_STATE(self->fd, 14, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_act(self->fd, 15));
	ASSERT_STATE(self->fd, 15, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 15, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 14), EBUSY);
}

#ifdef LPAR_RESIZE
static int resize(int fd, unsigned int id, unsigned long long size)
{
	struct lpar_resize r = {
		.argsz = sizeof(r),
		.id = id,
		.size = size,
	};

	return ioctl(fd, LPAR_RESIZE, &r) ? -errno : 0;
}

/*
 * A deactivated partition's size can be changed with LPAR_RESIZE; the
 * new size is validated as LPAR_DEFINE would (no act is tried after a
 * wrong acceptance: act would then use storage outside the pool).
 */
TEST_F(val, resize_deactivated)
{
	unsigned long long inc = self->v.increment;
	struct lpar_def d, g;

	def_hello(&d, 18, "resizeMe", inc);
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = self->ext.start + self->ext.size - inc;	/* pool end */
	ASSERT_OK(lpar_define(self->fd, &d));

	/* Would cross the end of the pool. */
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, 2 * inc),
		       ERANGE, EINVAL, ENOSPC);
	/* Larger than the pool, or absurd. */
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, self->pool.total + inc),
		       ERANGE, EINVAL, ENOSPC);
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, 0xd2cc400000ULL),
		       ERANGE, EINVAL, ENOSPC);
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, ~0ULL & ~(inc - 1)),
		       ERANGE, EINVAL, ENOSPC);
	/* Not a multiple of the increment, zero. */
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, inc + 4096), EINVAL);
	EXPECT_REFUSED(self->fd, resize(self->fd, 18, 0), EINVAL);
	ASSERT_OK(lpar_get_def(self->fd, 18, &g));
	EXPECT_EQ(inc, g.size);

	/* A first-fit partition may grow while deactivated. */
	def_hello(&d, 19, "growMe", inc);
	ASSERT_OK(lpar_define(self->fd, &d));
	EXPECT_EQ(0, resize(self->fd, 19, 4 * inc));
	ASSERT_OK(lpar_get_def(self->fd, 19, &g));
	EXPECT_EQ(4 * inc, g.size);
	EXPECT_REFUSED(self->fd, resize(self->fd, 19, self->pool.total + inc),
		       ERANGE, EINVAL, ENOSPC);
}
#endif

/* As many definitions as there are partition numbers, then no more. */
TEST_F(val, table_full)
{
	struct lpar_def d;
	unsigned int id;
	char name[32];

	for (id = 0; id < self->v.max_partitions; id++) {
		snprintf(name, sizeof(name), "full%u", id);
		def_hello(&d, id, name, self->size);
		ASSERT_OK(lpar_define(self->fd, &d));
	}
	def_hello(&d, self->v.max_partitions, "onemore", self->size);
	EXPECT_DEF_REFUSED(&d, EINVAL, ERANGE, ENOSPC);
	for (id = 0; id < self->v.max_partitions; id++)
		ASSERT_OK(lpar_undefine(self->fd, id));
}

