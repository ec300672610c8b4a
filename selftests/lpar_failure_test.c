// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: failures and hostile conditions, through the real path.
 *
 *  - deact of a guest that spins with interrupts off completes in time;
 *  - a runner killed (SIGKILL) or frozen (SIGSTOP, watchdog) puts its
 *    partition in failed with a reason; storage is kept until deact;
 *  - a guest that triple-faults (crash.bin) checkstops: failed;
 *  - no CAP_SYS_ADMIN / non-root: refused;
 *  - racing commands end in a consistent state.
 */
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "lpar_test.h"

FIXTURE(fail) {
	int fd;
	struct lpar_version v;
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	unsigned long long size;
};

FIXTURE_SETUP(fail)
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

FIXTURE_TEARDOWN(fail)
{
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

static int wait_pid_gone(pid_t pid, unsigned int ms)
{
	__u64 end = now_ms() + lpar_ms(ms);

	while (pid_alive(pid)) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(50);
	}
	return 0;
}

/* Number of live processes whose command line is "...runner ... --id N". */
static int count_runners(unsigned int id)
{
	char path[300], cmd[4096], want[16];
	struct dirent *de;
	int n = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -1;
	snprintf(want, sizeof(want), "%u", id);
	while ((de = readdir(dir))) {
		ssize_t len;
		char *a, *prev = NULL;
		bool runner = false, ours = false;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (len <= 0)
			continue;
		cmd[len] = 0;
		for (a = cmd; a < cmd + len; a += strlen(a) + 1) {
			if (a == cmd && strstr(a, "runner"))
				runner = true;
			if (prev && !strcmp(prev, "--id") && !strcmp(a, want))
				ours = true;
			prev = a;
		}
		if (runner && ours && pid_alive(atoi(de->d_name)))
			n++;
	}
	closedir(dir);
	return n;
}

/* What the helpers below need of the fixture. */
struct fail_ctx {
	int fd;
	struct lpar_pool_info pool;
	unsigned long long size;
};

static void deact_spin(struct __test_metadata *_metadata,
		       const struct fail_ctx *self, unsigned int flags,
		       unsigned int timeout_ms, unsigned int limit_ms)
{
	struct lpar_pool_info p;
	struct lpar_status st;
	__u64 t0, dt;
	pid_t runner;

	ASSERT_OK(lpar_act(self->fd, 1));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 1, LPAR_REPORT_PROGRESS, 1, T_REPORT_MS);
	msleep(1000);		/* now it spins, interrupts off */
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	runner = st.runner_pid;

	t0 = now_ms();
	ASSERT_OK(lpar_deact(self->fd, 1, flags, timeout_ms));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	dt = now_ms() - t0;
	TH_LOG("deact (flags %u, timeout %u ms) took %llu ms", flags, timeout_ms,
	       (unsigned long long)dt);
	EXPECT_GT(lpar_ms(limit_ms), dt);
	EXPECT_EQ(0, wait_pid_gone(runner, 10000));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
}

TEST_F_TIMEOUT(fail, deact_spinning_guest, 400)
{
	struct fail_ctx c = { self->fd, self->pool, self->size };
	struct lpar_def d;

	/* Two vCPUs, both spinning with interrupts off. */
	lpar_def_init(&d, 1, "spinner", self->size, 2, "spin");
	ASSERT_OK(lpar_define(self->fd, &d));
	/* Graceful with a 2 s period, then forced; then at once. */
	deact_spin(_metadata, &c, 0, 2000, 30000);
	deact_spin(_metadata, &c, 0, 0, 60000);
	deact_spin(_metadata, &c, LPAR_DEACT_FORCE, 0, 30000);
}

static void runner_fault(struct __test_metadata *_metadata,
			 const struct fail_ctx *self, int sig, const char *name)
{
	struct lpar_pool_info p_run, p;
	struct lpar_status st, st2;
	struct lpar_def d;
	char buf[LPAR_REASON_LEN + 1];
	pid_t runner;

	lpar_def_init(&d, 2, name, self->size, 1, "hello");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_OK(lpar_status(self->fd, 2, &st));
	ASSERT_OK(lpar_pool(self->fd, &p_run));
	runner = st.runner_pid;
	ASSERT_LT(0, runner);
	ASSERT_TRUE(pid_alive(runner));

	ASSERT_EQ(0, kill(runner, sig));
	ASSERT_STATE(self->fd, 2, LPAR_STATE_FAILED, T_FAIL_MS);
	ASSERT_OK(lpar_status(self->fd, 2, &st2));
	LOG_STATUS(&st2);
	EXPECT_NE(0, st2.reason[0]) TH_LOG("failed without a reason");
	ASSERT_EQ(0, part_attr_read(2, "state", buf, sizeof(buf)));
	EXPECT_STREQ("failed", buf);
	ASSERT_EQ(0, part_attr_read(2, "reason", buf, sizeof(buf)));
	EXPECT_NE(0, buf[0]);

	/* Storage kept (for a dump or failover) ... */
	msleep(2000);
	ASSERT_OK(lpar_status(self->fd, 2, &st2));
	EXPECT_EQ(LPAR_STATE_FAILED, st2.state);
	EXPECT_EQ(st.origin, st2.origin);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(p_run.free, p.free);
	EXPECT_EQ(p_run.largest_free, p.largest_free);
	/* ... and cannot be undefined from under the failed partition. */
	EXPECT_REFUSED(self->fd, lpar_undefine(self->fd, 2), EBUSY);

	/* ... until deact, which releases it and ends the runner. */
	ASSERT_OK(lpar_deact(self->fd, 2, 0, 0));
	ASSERT_STATE(self->fd, 2, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	if (sig == SIGSTOP)
		kill(runner, SIGCONT);
	EXPECT_EQ(0, wait_pid_gone(runner, 15000));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
	EXPECT_EQ(0, count_runners(2));

	/* And it can run again. */
	ASSERT_OK(lpar_act(self->fd, 2));
	ASSERT_STATE(self->fd, 2, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 2, LPAR_REPORT_PASS, 2, T_REPORT_MS);
}

TEST_F_TIMEOUT(fail, runner_killed, 400)
{
	struct fail_ctx c = { self->fd, self->pool, self->size };

	runner_fault(_metadata, &c, SIGKILL, "killed");
}

/* A frozen runner stops calling LPAR_RUNNER_WAIT: watchdog -> failed. */
TEST_F_TIMEOUT(fail, runner_not_answering, 400)
{
	struct fail_ctx c = { self->fd, self->pool, self->size };

	runner_fault(_metadata, &c, SIGSTOP, "frozen");
}

TEST_F_TIMEOUT(fail, guest_checkstop, 400)
{
	struct lpar_pool_info p;
	struct lpar_status st;
	struct lpar_def d;

	lpar_def_init(&d, 3, "crasher", self->size, 1, "crash");
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(lpar_act(self->fd, 3));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_FAILED, T_ACT_MS + T_FAIL_MS);
	ASSERT_OK(lpar_status(self->fd, 3, &st));
	LOG_STATUS(&st);
	EXPECT_NE(0, st.reason[0]);
	/* It got as far as its report: the guest ran, then checkstopped. */
	EXPECT_EQ(LPAR_REPORT_PROGRESS, st.report_code);
	EXPECT_EQ(1, st.report_value);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 3, "crash: partition 3 going down", 5000));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free - self->size, p.free);

	ASSERT_OK(lpar_deact(self->fd, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
	EXPECT_EQ(0, count_runners(3));
}

/* Drop every capability of this process (all sets, bounding set). */
static int drop_caps(bool keep_uid0)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int c;

	if (!keep_uid0) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			return -errno;
	}
	for (c = 0; c <= 63; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* Check: no CAP_SYS_ADMIN left. */
	memset(data, 0xff, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (data[0].effective || data[0].permitted || data[1].effective)
		return -EPERM;
	return 0;
}

/*
 * In a child without privileges: every mutating command on @fd (opened
 * by root) fails with EPERM, and opening /dev/lpar fails unless
 * @keep_uid0.  Returns a bit mask of the checks that failed (0 = all
 * good), or 0x80 if privileges could not be dropped.
 */
static int unprivileged_child(int fd, bool keep_uid0, unsigned int id,
			      const char *image)
{
	struct lpar_def d;
	struct lpar_cmd c = { .argsz = sizeof(c), .id = id };
	int bad = 0, r, nfd;

	if (drop_caps(keep_uid0))
		return 0x80;

	nfd = open(LPAR_DEV, O_RDWR);
	if (!keep_uid0) {
		if (nfd >= 0 || (errno != EACCES && errno != EPERM)) {
			fprintf(stderr, "# open %s as uid 65534: %s\n", LPAR_DEV,
				nfd >= 0 ? "succeeded" : strerror(errno));
			bad |= 1;
		}
	}
	if (nfd >= 0)
		close(nfd);

	lpar_def_init(&d, id + 1, "unpriv", lpar_test_size(), 1, NULL);
	snprintf(d.image, sizeof(d.image), "%s", image);
	r = ioctl(fd, LPAR_DEFINE, &d);
	if (r == 0 || errno != EPERM) {
		fprintf(stderr, "# LPAR_DEFINE without CAP_SYS_ADMIN: %s\n",
			r ? strerror(errno) : "succeeded");
		bad |= 2;
	}
#define UNPRIV(cmd, b) do {						\
	r = ioctl(fd, cmd, &c);						\
	if (r == 0 || errno != EPERM) {					\
		fprintf(stderr, "# " #cmd " without CAP_SYS_ADMIN: %s\n", \
			r ? strerror(errno) : "succeeded");		\
		bad |= (b);						\
	}								\
} while (0)
	UNPRIV(LPAR_DEACT, 4);
	UNPRIV(LPAR_STOP, 8);
	UNPRIV(LPAR_UNDEFINE, 16);
	c.id = id + 2;		/* defined, deactivated */
	UNPRIV(LPAR_ACT, 32);
	c.id = id;
	c.flags = LPAR_DEACT_FORCE;
	UNPRIV(LPAR_DEACT, 4);
#undef UNPRIV
	/* sysfs command files: root-only. */
	r = part_attr_write(id, "deact", "force");
	if (r != -EACCES && r != -EPERM) {
		fprintf(stderr, "# sysfs deact without privileges: %s\n", errname(r));
		bad |= 64;
	}
	return bad;
}

static void check_unprivileged(struct __test_metadata *_metadata,
			       const struct fail_ctx *self, bool keep_uid0)
{
	static struct lpar_snapshot before, after;
	struct lpar_status st;
	struct lpar_def d;
	char image[LPAR_PATH_LEN];
	int status;
	pid_t pid;

	lpar_guest_path("hello", image, sizeof(image));
	lpar_def_init(&d, 4, "privileged", self->size, 1, "hello");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	lpar_def_init(&d, 6, "spare", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_EQ(0, lpar_snapshot(self->fd, &before));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_child(self->fd, keep_uid0, 4, image));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("checks without privileges failed: mask 0x%x",
		       WEXITSTATUS(status));

	ASSERT_EQ(0, lpar_snapshot(self->fd, &after));
	EXPECT_EQ(0, lpar_snapshot_cmp(&before, &after, lpar__why, sizeof(lpar__why)))
		TH_LOG("commands without privileges changed: %s", lpar__why);
	ASSERT_OK(lpar_status(self->fd, 4, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 4, st.heartbeats + 1, 60000, &st));
}

TEST_F_TIMEOUT(fail, non_root_refused, 300)
{
	struct fail_ctx c = { self->fd, self->pool, self->size };

	check_unprivileged(_metadata, &c, false);
}

TEST_F_TIMEOUT(fail, no_cap_sys_admin_refused, 300)
{
	struct fail_ctx c = { self->fd, self->pool, self->size };

	check_unprivileged(_metadata, &c, true);
}

/* act immediately followed by deact, a few times: no leaks, no strays. */
TEST_F_TIMEOUT(fail, act_deact_race, 600)
{
	struct lpar_pool_info p;
	struct lpar_def d;
	int i, r;

	lpar_def_init(&d, 5, "racer", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	for (i = 0; i < 3; i++) {
		ASSERT_OK(lpar_act(self->fd, 5));
		r = lpar_deact(self->fd, 5, i == 2 ? LPAR_DEACT_FORCE : 0, 0);
		if (r == -EBUSY || r == -EAGAIN) {
			TH_LOG("deact while activating: %s; retrying", errname(r));
			lpar_wait_state(self->fd, 5, LPAR_STATE_OPERATING, T_ACT_MS, NULL);
			r = lpar_deact(self->fd, 5, 0, 0);
		}
		EXPECT_EQ(0, r) TH_LOG("deact: %s", errname(r));
		ASSERT_STATE(self->fd, 5, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
		ASSERT_OK(lpar_pool(self->fd, &p));
		EXPECT_EQ(self->pool.free, p.free);
	}
	msleep(1000);
	EXPECT_EQ(0, count_runners(5));
	/* Still good for a normal run. */
	ASSERT_OK(lpar_act(self->fd, 5));
	ASSERT_STATE(self->fd, 5, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 5, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	EXPECT_EQ(1, count_runners(5));
}

struct racer {
	int fd;
	unsigned long req;
	unsigned int id;
	pthread_barrier_t *bar;
	int ret;
};

static void *race_thread(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->bar);
	r->ret = lpar_cmd(r->fd, r->req, r->id, 0, 0);
	return NULL;
}

static void race2(int fd, unsigned long req1, unsigned int id1,
		  unsigned long req2, unsigned int id2, int *r1, int *r2)
{
	pthread_barrier_t bar;
	struct racer a = { fd, req1, id1, &bar, 0 };
	struct racer b = { fd, req2, id2, &bar, 0 };
	pthread_t ta, tb;

	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&ta, NULL, race_thread, &a);
	pthread_create(&tb, NULL, race_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&bar);
	*r1 = a.ret;
	*r2 = b.ret;
}

/*
 * Two threads act the same partition, then two partitions at the same
 * origin: exactly one wins; then two deacts at once.
 */
TEST_F_TIMEOUT(fail, concurrent_commands, 600)
{
	unsigned long long origin = self->ext.start + 4 * self->size;
	struct lpar_pool_info p;
	struct lpar_status sx, sy;
	struct lpar_def d;
	int r1, r2, i;

	lpar_def_init(&d, 7, "same", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	race2(self->fd, LPAR_ACT, 7, LPAR_ACT, 7, &r1, &r2);
	TH_LOG("act || act: %s, %s", errname(r1), errname(r2));
	EXPECT_TRUE((r1 == 0) != (r2 == 0));
	EXPECT_TRUE(r1 == -EBUSY || r2 == -EBUSY || r1 == -EALREADY || r2 == -EALREADY);
	ASSERT_STATE(self->fd, 7, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 7, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	EXPECT_EQ(1, count_runners(7));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free - self->size, p.free);

	race2(self->fd, LPAR_DEACT, 7, LPAR_DEACT, 7, &r1, &r2);
	TH_LOG("deact || deact: %s, %s", errname(r1), errname(r2));
	EXPECT_TRUE(r1 == 0 || r2 == 0);
	ASSERT_STATE(self->fd, 7, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
	ASSERT_OK(lpar_undefine(self->fd, 7));

	/* Same origin. */
	lpar_def_init(&d, 8, "sameX", self->size, 1, "hello");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = origin;
	ASSERT_OK(lpar_define(self->fd, &d));
	lpar_def_init(&d, 9, "sameY", self->size, 1, "hello");
	d.flags = LPAR_DEF_ORIGIN;
	d.origin = origin;
	ASSERT_OK(lpar_define(self->fd, &d));
	for (i = 0; i < 2; i++) {
		race2(self->fd, LPAR_ACT, 8, LPAR_ACT, 9, &r1, &r2);
		TH_LOG("act X || act Y: %s, %s", errname(r1), errname(r2));
		EXPECT_TRUE((r1 == 0) != (r2 == 0));
		EXPECT_TRUE(r1 == -EBUSY || r2 == -EBUSY);
		msleep(500);
		ASSERT_OK(lpar_status(self->fd, 8, &sx));
		ASSERT_OK(lpar_status(self->fd, 9, &sy));
		EXPECT_TRUE((sx.state == LPAR_STATE_DEACTIVATED) !=
			    (sy.state == LPAR_STATE_DEACTIVATED));
		ASSERT_OK(lpar_pool(self->fd, &p));
		EXPECT_EQ(self->pool.free - self->size, p.free);
		lpar_deact(self->fd, 8, LPAR_DEACT_FORCE, 0);
		lpar_deact(self->fd, 9, LPAR_DEACT_FORCE, 0);
		ASSERT_STATE(self->fd, 8, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
		ASSERT_STATE(self->fd, 9, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	}
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
}

/* Failing commands, each leaving its own reason, in a loop. */
struct reason_writer {
	int fd;
	unsigned int id;
	unsigned long req;	/* LPAR_MVSTOR or LPAR_RESIZE */
	unsigned int rounds;
	unsigned long long bad;	/* unaligned origin, or size */
	int *finished;		/* __atomic */
};

static void *reason_writer_fn(void *arg)
{
	struct reason_writer *w = arg;
	unsigned int i;

	for (i = 0; i < w->rounds; i++) {
		if (w->req == LPAR_MVSTOR) {
			struct lpar_mvstor m = {
				.argsz = sizeof(m), .id = w->id, .origin = w->bad,
			};

			ioctl(w->fd, LPAR_MVSTOR, &m);
		} else {
			struct lpar_resize r = {
				.argsz = sizeof(r), .id = w->id, .size = w->bad,
			};

			ioctl(w->fd, LPAR_RESIZE, &r);
		}
	}
	__atomic_add_fetch(w->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static bool reason_known(const char *r, unsigned long long origin,
			 unsigned long long size)
{
	char a[LPAR_REASON_LEN], b[LPAR_REASON_LEN];

	snprintf(a, sizeof(a), "origin %#llx is not aligned to the increment",
		 origin);
	snprintf(b, sizeof(b),
		 "size %llu is not a multiple of the increment above the image",
		 size);
	return !r[0] || !strcmp(r, a) || !strcmp(r, b) ||
	       !strcmp(r, "another command is in progress on the partition");
}

/*
 * Commands that fail race on one partition, each with its own reason
 * (some writers hold lpar_mutex, the "another command" one did not), while
 * LPAR_GET_STATUS and sysfs read the reason: every read is one whole
 * reason, never the start of one and the end of another.
 */
TEST_F_TIMEOUT(fail, reason_whole_under_races, 300)
{
	unsigned long long origin = self->ext.start + (1 << 20) + 4096;
	unsigned long long size = self->size + 4096;
	int finished = 0;
	struct reason_writer w[3] = {
		{ self->fd, 12, LPAR_MVSTOR, 400, origin, &finished },
		{ self->fd, 12, LPAR_RESIZE, 400, size, &finished },
		{ self->fd, 12, LPAR_MVSTOR, 400, origin, &finished },
	};
	struct lpar_status st;
	struct lpar_def d;
	char path[64], buf[LPAR_REASON_LEN + 8];
	unsigned int reads = 0, torn = 0, i;
	pthread_t t[3];

	lpar_def_init(&d, 12, "reasons", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	snprintf(path, sizeof(path), "partitions/%u/reason", 12);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, reason_writer_fn, &w[i]));
	do {
		size_t n;

		ASSERT_OK(lpar_status(self->fd, 12, &st));
		if (!reason_known(st.reason, origin, size) && torn++ < 3)
			TH_LOG("status: torn reason \"%s\"", st.reason);
		if (!sysfs_read(path, buf, sizeof(buf))) {
			n = strlen(buf);
			if (n && buf[n - 1] == '\n')
				buf[n - 1] = 0;
			if (!reason_known(buf, origin, size) && torn++ < 3)
				TH_LOG("sysfs: torn reason \"%s\"", buf);
		}
		reads++;
	} while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < 3);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%u reads, %u torn", reads, torn);
	EXPECT_EQ(0, torn);
	ASSERT_OK(lpar_undefine(self->fd, 12));
}

/* ---- Hardening (issue 16) ---------------------------------------------- */

#define PARAM_DIR	"/sys/module/lpar/parameters"

/* Parameters that change what runs or how long waits last: root only. */
static const char * const runtime_params[] = {
	"runner", "attach_timeout_ms", "deact_timeout_ms", "watchdog_ms",
	"mv_chunk_kb", "fault_inject", "olp_timeout_ms", "olp_test_gap_ms",
	"pci_eject_timeout_ms", "pci_order_timeout_ms", "runner_fault",
};

/* Fixed at load. */
static const char * const load_params[] = {
	"boot_pool", "host_pool", "increment",
};

/*
 * Root without CAP_SYS_ADMIN (uid 0 owns the files, so DAC lets it write)
 * cannot change a parameter; it writes each one's own value back, so a
 * write that wrongly succeeds changes nothing.  Returns a bit per
 * parameter that was writable, 0x80000000 if privileges stayed.
 */
static int param_child(char vals[][PATH_MAX])
{
	unsigned int i;
	int bad = 0, r;

	if (drop_caps(true))
		return 0x80000000;
	for (i = 0; i < ARRAY_SIZE(runtime_params); i++) {
		r = lpar_param_write(runtime_params[i], vals[i]);
		if (r != -EPERM && r != -EACCES) {
			fprintf(stderr, "# write %s without CAP_SYS_ADMIN: %s\n",
				runtime_params[i], r ? strerror(-r) : "succeeded");
			bad |= 1 << i;
		}
	}
	return bad;
}

TEST_F_TIMEOUT(fail, params_need_cap_sys_admin, 120)
{
	static char vals[ARRAY_SIZE(runtime_params)][PATH_MAX];
	char again[PATH_MAX], path[256];
	struct stat sb;
	unsigned int i;
	int pipefd[2], bad = 0, status;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(runtime_params); i++)
		ASSERT_OK(lpar_param_get(runtime_params[i], vals[i], PATH_MAX));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		bad = param_child(vals);
		if (write(pipefd[1], &bad, sizeof(bad)) != sizeof(bad))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(bad), read(pipefd[0], &bad, sizeof(bad)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, bad) TH_LOG("writable without CAP_SYS_ADMIN: mask 0x%x", bad);

	for (i = 0; i < ARRAY_SIZE(runtime_params); i++) {
		/* Unchanged, and root with CAP_SYS_ADMIN may still set it. */
		ASSERT_OK(lpar_param_get(runtime_params[i], again, sizeof(again)));
		EXPECT_STREQ(vals[i], again);
		EXPECT_OK(lpar_param_write(runtime_params[i], vals[i]));
	}
	for (i = 0; i < ARRAY_SIZE(load_params); i++) {
		snprintf(path, sizeof(path), "%s/%s", PARAM_DIR, load_params[i]);
		ASSERT_EQ(0, stat(path, &sb));
		EXPECT_EQ(0, sb.st_mode & 0222)
			TH_LOG("%s is mode %o", load_params[i], sb.st_mode & 0777);
	}
}

/* What a guest prints is for root only: the console file is 0400. */
TEST_F_TIMEOUT(fail, guest_data_root_only, 120)
{
	char path[256];
	struct lpar_def d;
	struct stat sb;
	int status;
	pid_t pid;

	lpar_def_init(&d, 15, "secrets", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	snprintf(path, sizeof(path), "%s/partitions/15/console", LPAR_SYSFS);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0400, sb.st_mode & 0777)
		TH_LOG("%s is mode %o", path, sb.st_mode & 0777);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		if (drop_caps(false))
			_exit(2);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			fprintf(stderr, "# uid 65534 opened %s\n", path);
			_exit(1);
		}
		_exit(errno == EACCES ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_OK(lpar_undefine(self->fd, 15));
}

/* The kernel log as dmesg shows it (one line per line); malloc'ed. */
static char *klog_read(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf;
	int n;

	if (size <= 0)
		size = 1 << 20;
	buf = malloc(size + 1);
	if (!buf)
		return NULL;
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* The message of a syslog line: past "<N>" and "[ time] ". */
static const char *klog_msg(const char *line)
{
	if (*line == '<') {
		const char *e = strchr(line, '>');

		if (e)
			line = e + 1;
	}
	if (*line == '[') {
		const char *e = strchr(line, ']');

		if (e)
			line = e + 1 + (e[1] == ' ');
	}
	return line;
}

/*
 * A guest's LPAR_SC_LOG text reaches the host log on one line, prefixed
 * with the partition, printable ASCII only, bounded: a newline in it does
 * not start a line of its own that looks like the kernel's.
 */
TEST_F_TIMEOUT(fail, guest_log_sanitised, 300)
{
	const char *prefix = "lpar: partition 16 (hostile16) guest: ";
	/* What hostile.bin sends, escaped ("\\" is one backslash). */
	char want[128];
	bool fake_line = false, escaped = false, longline = false;
	unsigned int ours = 0;
	struct lpar_def d;
	char *log, *line, *save;

	snprintf(want, sizeof(want), "%s%s",
		 "x\\x0aFAKE-OOPS: kernel NULL pointer dereference",
		 "\\x0d\\x1b[2J\\x07\\x7f\\xc3\\xa9\\\\end");
	lpar_def_init(&d, 16, "hostile16", self->size, 1, "hostile");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	log = klog_read();
	ASSERT_NE(NULL, log);
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *msg = klog_msg(line);
		const char *c;

		if (!strncmp(msg, "FAKE-OOPS:", 10)) {
			TH_LOG("a guest wrote a line of its own: \"%s\"", msg);
			fake_line = true;
		}
		if (!strstr(msg, "(hostile16)"))
			continue;
		ours++;
		for (c = msg; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
				TH_LOG("byte 0x%02x in \"%s\"", (unsigned char)*c,
				       msg);
				_metadata->passed = 0;
				break;
			}
		if (!strncmp(msg, prefix, strlen(prefix)) &&
		    strstr(msg, want))
			escaped = true;
		if (!strncmp(msg, prefix, strlen(prefix)) &&
		    strstr(msg, "ABCDEFGHIJ")) {
			longline = true;
			EXPECT_GT(300, strlen(msg)) TH_LOG("unbounded: %s", msg);
		}
	}
	free(log);
	EXPECT_FALSE(fake_line);
	EXPECT_TRUE(escaped)
		TH_LOG("no escaped, prefixed line of the guest's text (%u lines name it)",
		       ours);
	EXPECT_TRUE(longline);
}

/* Did the kernel complain about a sysfs show returning a page or more? */
static bool klog_has_bad_count(struct __test_metadata *_metadata)
{
	char *log = klog_read(), *hit;
	bool bad = false;

	if (!log)
		return true;
	hit = strstr(log, "returned bad count");
	if (hit) {
		char *s = hit;

		while (s > log && s[-1] != '\n')
			s--;
		*strchrnul(hit, '\n') = 0;
		TH_LOG("kernel: %s", s);
		bad = true;
	}
	free(log);
	return bad;
}

/*
 * More than a page of console output: the sysfs file shows the newest
 * bytes (at most a page less one, as the ioctl has them), never a bad
 * count; the ioctl has all of it.
 */
TEST_F_TIMEOUT(fail, console_sysfs_newest, 300)
{
	static char full[65536], sys[8192];
	struct lpar_def d;
	ssize_t n, len;
	char path[256];
	int fd;

	lpar_def_init(&d, 17, "hostile17", self->size, 1, "hostile");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_EQ(0, lpar_wait_console(self->fd, 17, "HOSTILE_END", 60000));
	n = lpar_console(self->fd, 17, full, sizeof(full));
	ASSERT_LT(4096, n);
	snprintf(path, sizeof(path), "%s/partitions/17/console", LPAR_SYSFS);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	len = read(fd, sys, sizeof(sys));
	close(fd);
	ASSERT_LT(0, len);
	EXPECT_GT(4096, len);
	EXPECT_EQ(0, memcmp(sys, full + n - len, len))
		TH_LOG("sysfs console is not the newest %zd bytes; it ends \"%.40s\"",
		       len, sys + len - 40);
	EXPECT_FALSE(klog_has_bad_count(_metadata));
}

/*
 * A pool map longer than a page: every range is shown or counted in a
 * last line that says how many more there are, never dropped silently.
 */
TEST_F_TIMEOUT(fail, pool_map_bounded, 900)
{
	static char map[8192];
	unsigned long long inc = self->v.increment;
	unsigned int i, nr, shown = 0, more = 0;
	struct lpar_status st;
	struct lpar_def d;
	char path[256], *last, *l;
	ssize_t len;
	int fd;

	nr = self->ext.size / (2 * inc);
	if (nr > LPAR_MAX_PARTITIONS)
		nr = LPAR_MAX_PARTITIONS;
	ASSERT_LE(50, nr);
	for (i = 0; i < nr; i++) {
		char name[LPAR_NAME_LEN];

		/* Long names and a gap after each: two long lines apiece. */
		snprintf(name, sizeof(name), "map%02u-xxxxxxxxxxxxxxxxxxxxxxxxx", i);
		lpar_def_init(&d, i, name, inc, 1, "idle");
		d.flags |= LPAR_DEF_ORIGIN;
		d.origin = self->ext.start + 2 * i * inc;
		ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
		/* A failed partition keeps its storage, without a runner. */
		ASSERT_OK(lpar_status(self->fd, i, &st));
		ASSERT_NE(0, st.runner_pid);
		kill(st.runner_pid, SIGKILL);
		ASSERT_STATE(self->fd, i, LPAR_STATE_FAILED, T_FAIL_MS);
	}
	snprintf(path, sizeof(path), "%s/pool/map", LPAR_SYSFS);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	len = read(fd, map, sizeof(map) - 1);
	close(fd);
	ASSERT_LT(0, len);
	map[len] = 0;
	EXPECT_GT(4096, len);
	for (l = map; (l = strstr(l, "-xxxx")); l++)
		shown++;
	last = map + len - 1;
	while (last > map && last[-1] != '\n')
		last--;
	if (shown < nr) {
		int got = sscanf(last, "... %u more", &more);

		EXPECT_EQ(1, got)
			TH_LOG("%u of %u partitions shown, last line \"%s\"",
			       shown, nr, last);
		EXPECT_LE(nr - shown, more);
	}
	TH_LOG("%u of %u partitions shown, %u more counted", shown, nr, more);
	EXPECT_FALSE(klog_has_bad_count(_metadata));
}

/*
 * deact with a long graceful period whose runner does not exit (frozen):
 * the caller dies of SIGKILL at once; the partition is failed (its runner
 * killed, its storage kept), and deact --force then ends it.
 */
TEST_F_TIMEOUT(fail, deact_killable, 400)
{
	struct lpar_pool_info p;
	struct lpar_status st;
	struct lpar_def d;
	pid_t runner, pid;
	__u64 t0, dt;
	int status, i;

	lpar_def_init(&d, 18, "killdeact", self->size, 1, "hello");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_OK(lpar_status(self->fd, 18, &st));
	runner = st.runner_pid;
	ASSERT_EQ(0, kill(runner, SIGSTOP));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(-lpar_deact(self->fd, 18, 0, 60000));
	/* In the graceful wait: deactivating, the caller asleep in it. */
	for (i = 0; i < 100; i++) {
		ASSERT_OK(lpar_status(self->fd, 18, &st));
		if (st.state == LPAR_STATE_DEACTIVATING)
			break;
		msleep(50);
	}
	EXPECT_EQ(LPAR_STATE_DEACTIVATING, st.state);
	msleep(500);
	t0 = now_ms();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	while (waitpid(pid, &status, WNOHANG) == 0 &&
	       now_ms() - t0 < lpar_ms(3000))
		msleep(20);
	dt = now_ms() - t0;
	EXPECT_GT(lpar_ms(3000), dt)
		TH_LOG("the deact caller took %llu ms to die of SIGKILL",
		       (unsigned long long)dt);
	if (dt >= lpar_ms(3000))
		waitpid(pid, &status, 0);
	TH_LOG("caller dead %llu ms after SIGKILL", (unsigned long long)dt);

	ASSERT_OK(lpar_wait_state(self->fd, 18, LPAR_STATE_FAILED, 10000, &st));
	TH_LOG("left %s: %s", lpar_state_name(st.state), st.reason);
	EXPECT_NE(NULL, strstr(st.reason, "interrupted"));
	EXPECT_EQ(0, wait_pid_gone(runner, 60000));
	ASSERT_OK(lpar_deact(self->fd, 18, LPAR_DEACT_FORCE, 0));
	ASSERT_STATE(self->fd, 18, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
}

/*
 * An image that grew past the storage above its load address after
 * define, to one byte too many or to 64 GiB (sparse): act refuses with
 * EFBIG before it allocates anything, and nothing changed.
 */
TEST_F_TIMEOUT(fail, oversize_image_at_act, 300)
{
	char path[] = "/tmp/lpar-grow-XXXXXX", src[LPAR_PATH_LEN];
	static char buf[1 << 16];
	struct lpar_status st;
	struct lpar_def d;
	ssize_t n;
	int tfd, sfd;

	tfd = mkstemp(path);
	ASSERT_LE(0, tfd);
	sfd = open(lpar_guest_path("hello", src, sizeof(src)), O_RDONLY);
	ASSERT_LE(0, sfd);
	while ((n = read(sfd, buf, sizeof(buf))) > 0)
		ASSERT_EQ(n, write(tfd, buf, n));
	close(sfd);
	close(tfd);	/* open for writing, the image could not be loaded */
	lpar_def_init(&d, 19, "growing", self->size, 1, NULL);
	snprintf(d.image, sizeof(d.image), "%s", path);
	ASSERT_OK(lpar_define(self->fd, &d));

	ASSERT_EQ(0, truncate(path, self->size - d.load_addr + 1));
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 19), EFBIG);
	ASSERT_OK(lpar_status(self->fd, 19, &st));
	EXPECT_EQ(LPAR_STATE_DEACTIVATED, st.state);
	TH_LOG("one byte too many: %s", st.reason);
	if (st.state != LPAR_STATE_DEACTIVATED) {
		/* Loaded truncated and running: end it, try the next case. */
		lpar_deact(self->fd, 19, LPAR_DEACT_FORCE, 0);
		ASSERT_STATE(self->fd, 19, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	}

	ASSERT_EQ(0, truncate(path, 64ULL << 30));
	EXPECT_REFUSED(self->fd, lpar_act(self->fd, 19), EFBIG);
	ASSERT_OK(lpar_status(self->fd, 19, &st));
	EXPECT_EQ(LPAR_STATE_DEACTIVATED, st.state);
	TH_LOG("64 GiB: %s", st.reason);

	/* Refused at define too, with the same errno. */
	d.id = 20;
	snprintf(d.name, sizeof(d.name), "grown");
	EXPECT_REFUSED(self->fd, lpar_define(self->fd, &d), EFBIG);
	unlink(path);
	ASSERT_OK(lpar_undefine(self->fd, 19));
}
