// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: the module cannot be unloaded while a partition is active; once
 * every partition is deactivated it unloads cleanly (definitions are
 * dropped, the pool released).  Then main storage taken from the running
 * host (host_pool=) end to end.  This test leaves the module UNLOADED:
 * run_all.sh loads it again afterwards.
 */
#include <limits.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "lpar_test.h"

static bool module_loaded(void)
{
	return access("/sys/module/lpar", F_OK) == 0;
}

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool iomem_has_lpar(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "lpar"))
			found = true;
	fclose(f);
	return found;
}

static int unload_lpar(void)
{
	__u64 end = now_ms() + lpar_ms(20000);
	int r;

	do {
		r = delete_module("lpar");
		if (r != -EBUSY && r != -EAGAIN)
			break;
		msleep(200);
	} while (now_ms() < end);
	return r;
}

FIXTURE(unload) {
	int unused;
};

FIXTURE_SETUP(unload)
{
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F_TIMEOUT(unload, refused_while_active, 400)
{
	struct lpar_status st;
	struct lpar_def d;
	__u64 end;
	int fd, r;
	pid_t runner;
	bool had_iomem;

	ASSERT_TRUE(module_loaded());
	had_iomem = iomem_has_lpar();
	fd = lpar_open();
	ASSERT_LE(0, fd);
	lpar_cleanup_all(fd);
	lpar_def_init(&d, 1, "unloadme", lpar_test_size(), 1, "hello");
	ASSERT_START(fd, &d, LPAR_REPORT_PASS, 1);
	lpar_def_init(&d, 2, "defined", lpar_test_size(), 1, "hello");
	ASSERT_OK(lpar_define(fd, &d));
	ASSERT_OK(lpar_status(fd, 1, &st));
	runner = st.runner_pid;
	close(fd);	/* our fd must not be what holds the module */

	/* Active partition: unload refused, partition untouched. */
	r = delete_module("lpar");
	EXPECT_TRUE(r == -EBUSY || r == -EAGAIN)
		TH_LOG("rmmod with an active partition: %s", errname(r));
	ASSERT_TRUE(module_loaded()) TH_LOG("module unloaded under an active partition");
	fd = lpar_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(lpar_status(fd, 1, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	EXPECT_EQ(runner, st.runner_pid);
	EXPECT_EQ(0, lpar_wait_heartbeats(fd, 1, st.heartbeats + 1, 60000, &st));

	/* Also refused while it is stopped. */
	ASSERT_OK(lpar_cmd(fd, LPAR_STOP, 1, 0, 0));
	ASSERT_STATE(fd, 1, LPAR_STATE_STOPPED, 30000);
	close(fd);
	r = delete_module("lpar");
	EXPECT_TRUE(r == -EBUSY || r == -EAGAIN)
		TH_LOG("rmmod with a stopped partition: %s", errname(r));
	ASSERT_TRUE(module_loaded());

	/* Deactivated (one still defined): unload works. */
	fd = lpar_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(lpar_deact(fd, 1, 0, 0));
	ASSERT_STATE(fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	close(fd);
	r = unload_lpar();
	ASSERT_EQ(0, r) TH_LOG("rmmod after deact: %s", errname(r));
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(pid_alive(runner));
	end = now_ms() + 5000;
	while (access(LPAR_DEV, F_OK) == 0 && now_ms() < end)
		msleep(100);
	EXPECT_NE(0, access(LPAR_DEV, F_OK)) TH_LOG("%s still there", LPAR_DEV);
	EXPECT_NE(0, access(LPAR_SYSFS, F_OK)) TH_LOG("%s still there", LPAR_SYSFS);
	if (had_iomem)
		EXPECT_FALSE(iomem_has_lpar()) TH_LOG("pool still claimed in /proc/iomem");
}

/* ---- host_pool= (issue 16) --------------------------------------------- */

#define MiB		(1024ULL * 1024)
#define HOST_POOL	(128 * MiB)
/*
 * What the host's free memory may move by for reasons of its own (page
 * cache, slab, the runners): well below the pool, whose loss it detects.
 */
#define SLACK		(48 * MiB)

/* Load lpar.ko from this tree with @params: 0 or -errno. */
static int load_lpar(const char *params)
{
	char exe[PATH_MAX], ko[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int fd, ret;

	if (n <= 0)
		return -errno;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;			/* .../selftests */
	snprintf(ko, sizeof(ko), "%s/../lpar.ko", exe);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static void runner_path(char *buf, size_t len)
{
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = 0;
	snprintf(buf, len, "%s/../tools/runner/lpar-runner", exe);
}

/* MemFree in bytes, page cache dropped first so that it is the host's free memory. */
static unsigned long long mem_free(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "we");
	if (f) {
		fputs("3", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/*
 * How many pages of [@start, @start + @size) the kernel has marked
 * reserved (/proc/kpageflags, KPF_RESERVED): lpar marks the pages it takes
 * from the host, and clears the mark when it gives them back.  -1 if the
 * flags cannot be read.
 */
static long reserved_pages(unsigned long long start, unsigned long long size)
{
	unsigned long long pfn = start / 4096, n = size / 4096, i, *fl;
	long count = 0;
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	fl = calloc(n, sizeof(*fl));
	if (!fl || pread(fd, fl, n * sizeof(*fl), pfn * sizeof(*fl)) !=
		   (ssize_t)(n * sizeof(*fl))) {
		free(fl);
		close(fd);
		return -1;
	}
	for (i = 0; i < n; i++)
		count += (fl[i] >> 32) & 1;	/* KPF_RESERVED */
	free(fl);
	close(fd);
	return count;
}

/* Do the last lines of the kernel log hold @needle? */
static bool dmesg_has(const char *needle)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "dmesg | tail -n 20 | grep -qF '%s'", needle);
	return system(cmd) == 0;
}

/*
 * Main storage taken from the running host: load with host_pool= only,
 * two mover guests (each verifies its pattern every round) on it, moves
 * and an exchange across it, unload; the host's free memory returns to
 * what it was.  Then a host_pool= larger than the host can give: the
 * load fails saying so, and nothing is leaked.
 */
TEST_F_TIMEOUT(unload, host_pool_end_to_end, 600)
{
	struct lpar_exchange x = { .argsz = sizeof(x), .id = 1, .id2 = 2 };
	unsigned long long before, loaded, after, base, r1, r2;
	char runner[PATH_MAX], params[PATH_MAX + 64];
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	struct lpar_mvstor m;
	struct lpar_status st;
	int fd;

	if (module_loaded())
		ASSERT_OK(unload_lpar());
	runner_path(runner, sizeof(runner));
	before = mem_free();
	ASSERT_LT(2 * HOST_POOL, before);
	snprintf(params, sizeof(params), "host_pool=%llu runner=%s",
		 HOST_POOL, runner);
	ASSERT_OK(load_lpar(params));
	loaded = mem_free();
	TH_LOG("MemFree %llu MiB before, %llu MiB with a %llu MiB pool",
	       before / MiB, loaded / MiB, HOST_POOL / MiB);
	EXPECT_FALSE(iomem_has_lpar());	/* host RAM: no iomem claim */

	fd = lpar_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(lpar_pool(fd, &pool));
	ASSERT_EQ(HOST_POOL, pool.total);
	ASSERT_OK(lpar_pool_extent(fd, &ext));
	ASSERT_TRUE(ext.flags & LPAR_EXTENT_HOST);
	base = ext.start;
	ASSERT_LE(64 * MiB, ext.size);
	/* Every page of the extent is the module's, marked reserved. */
	EXPECT_EQ((long)(ext.size / 4096), reserved_pages(ext.start, ext.size));

	ASSERT_OK(lpar_start_mover(fd, 1, "hostA", base, 16 * MiB));
	ASSERT_OK(lpar_start_mover(fd, 2, "hostB", base + 16 * MiB, 16 * MiB));
	/* Moves across the host pool, then an exchange. */
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.id = 1;
	m.origin = base + 48 * MiB;
	ASSERT_EQ(0, ioctl(fd, LPAR_MVSTOR, &m)) TH_LOG("MVSTOR: %s", strerror(errno));
	m.origin = base + 32 * MiB;
	ASSERT_EQ(0, ioctl(fd, LPAR_MVSTOR, &m)) TH_LOG("MVSTOR: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, LPAR_EXCHANGE, &x)) TH_LOG("exchange: %s", strerror(errno));
	ASSERT_OK(lpar_status(fd, 1, &st));
	EXPECT_EQ(base + 16 * MiB, st.origin);
	ASSERT_OK(lpar_status(fd, 2, &st));
	EXPECT_EQ(base + 32 * MiB, st.origin);
	/* Both keep verifying their patterns: two more rounds each, no FAIL. */
	r1 = lpar_progress_round(fd, 1);
	r2 = lpar_progress_round(fd, 2);
	EXPECT_OK(lpar_wait_report(fd, 1, LPAR_REPORT_PROGRESS, r1 + 2,
				   300000, NULL));
	EXPECT_OK(lpar_wait_report(fd, 2, LPAR_REPORT_PROGRESS, r2 + 2,
				   300000, NULL));
	ASSERT_OK(lpar_deact(fd, 1, 0, 0));
	ASSERT_OK(lpar_deact(fd, 2, 0, 0));
	ASSERT_STATE(fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_STATE(fd, 2, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	close(fd);
	ASSERT_OK(unload_lpar());
	after = mem_free();
	/* Every page went back to the host: none reserved, MemFree back. */
	EXPECT_EQ(0, reserved_pages(ext.start, ext.size));
	EXPECT_LE(before, after + SLACK)
		TH_LOG("MemFree %llu MiB before load, %llu MiB after unload",
		       before / MiB, after / MiB);

	/*
	 * More than the host has: refused before anything is taken (the
	 * module never drains the host), said why, nothing kept.
	 */
	snprintf(params, sizeof(params), "host_pool=%llu runner=%s",
		 ((before * 2) / (2 * MiB)) * 2 * MiB, runner);
	ASSERT_EQ(-ENOMEM, load_lpar(params));
	EXPECT_FALSE(module_loaded());
	EXPECT_TRUE(dmesg_has("the host has"));
	after = mem_free();
	EXPECT_LE(before, after + SLACK)
		TH_LOG("MemFree %llu MiB before, %llu MiB after a refused load",
		       before / MiB, after / MiB);
}
