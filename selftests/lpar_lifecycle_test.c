// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: a partition's life: define -> act -> operating -> (stop/resume)
 * -> deact -> undefine, through ioctls and through the sysfs command
 * files, with the real runner and a real KVM guest (hello.bin, smp.bin).
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include "lpar_test.h"

FIXTURE(life) {
	int fd;
	struct lpar_version v;
	struct lpar_pool_info pool;
	struct lpar_extent ext;
	unsigned long long size;
};

FIXTURE_SETUP(life)
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

FIXTURE_TEARDOWN(life)
{
	lpar_param_write("fault_inject", "0");
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

static void greeting(char *buf, size_t len, unsigned int id, const char *name,
		     unsigned long long size, unsigned int vcpus)
{
	snprintf(buf, len,
		 "lpar: hello from partition %u (%s), %llu MiB, %u vCPU(s)",
		 id, name, size >> 20, vcpus);
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

static bool in_pool(const struct lpar_extent *e, unsigned long long origin,
		    unsigned long long size)
{
	return origin >= e->start && origin + size <= e->start + e->size;
}

TEST_F_TIMEOUT(life, ioctl_lifecycle, 300)
{
	static char con[65537];
	struct lpar_pool_info p;
	struct lpar_status st;
	struct lpar_def d;
	char buf[256], want[128];
	pid_t runner;

	lpar_def_init(&d, 1, "hello1", self->size, 1, "hello");
	greeting(want, sizeof(want), 1, "hello1", self->size, 1);
	ASSERT_OK(lpar_define(self->fd, &d));

	ASSERT_OK(lpar_act(self->fd, 1));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_TRUE(st.state == LPAR_STATE_ACTIVATING ||
		    st.state == LPAR_STATE_OPERATING)
		TH_LOG("state right after act: %s", lpar_state_name(st.state));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_OPERATING, T_ACT_MS);

	/* Status of a running partition. */
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	LOG_STATUS(&st);
	EXPECT_EQ(1, st.id);
	EXPECT_EQ(self->size, st.size);
	EXPECT_EQ(0, st.origin % self->v.increment);
	EXPECT_TRUE(in_pool(&self->ext, st.origin, st.size))
		TH_LOG("origin 0x%llx outside the pool", (unsigned long long)st.origin);
	EXPECT_LT(0, st.runner_pid);
	EXPECT_TRUE(pid_alive(st.runner_pid));
	EXPECT_EQ(1, st.activations);
	EXPECT_LT(0, st.act_ns);
	runner = st.runner_pid;

	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free - self->size, p.free);
	EXPECT_EQ(self->pool.total, p.total);

	/* The guest greets, reports PASS (value = activation) and beats. */
	ASSERT_REPORT(self->fd, 1, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_EQ(1, st.report_value);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 1, want, 30000))
		TH_LOG("no greeting '%s'", want);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 1, "lpar: activation 1\n", 30000));
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 1, 2, 60000, &st));
	EXPECT_LT(0, st.first_insn_ns);
	EXPECT_GT(120ULL * 1000000000ULL, st.first_insn_ns);
	EXPECT_LE(3, st.sc_count);	/* log, report, heartbeats */
	EXPECT_LE(strlen(want), st.console_bytes);
	EXPECT_EQ(LPAR_REPORT_PASS, st.report_code);

	/* sysfs agrees. */
	ASSERT_EQ(0, part_attr_read(1, "state", buf, sizeof(buf)));
	EXPECT_STREQ("operating", buf);
	ASSERT_EQ(0, part_attr_read(1, "runner_pid", buf, sizeof(buf)));
	EXPECT_EQ(runner, strtol(buf, NULL, 10));
	ASSERT_EQ(0, part_attr_read(1, "origin", buf, sizeof(buf)));
	EXPECT_EQ(st.origin, strtoull(buf, NULL, 16)) TH_LOG("origin file '%s'", buf);
	ASSERT_EQ(0, part_attr_read(1, "activations", buf, sizeof(buf)));
	EXPECT_EQ(1, strtoul(buf, NULL, 10));
	ASSERT_EQ(0, part_attr_read(1, "console", con, sizeof(con)));
	EXPECT_NE(NULL, strstr(con, want));
	ASSERT_EQ(0, sysfs_read("pool/map", con, sizeof(con)));
	EXPECT_NE(NULL, strstr(con, "hello1")) TH_LOG("pool/map:\n%s", con);

	/* Deact: graceful, storage back, runner gone. */
	ASSERT_OK(lpar_deact(self->fd, 1, 0, 0));
	ASSERT_STATE(self->fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	EXPECT_EQ(0, wait_pid_gone(runner, 10000)) TH_LOG("runner %d still there", runner);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
	EXPECT_EQ(self->pool.largest_free, p.largest_free);
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_EQ(0, st.runner_pid);
	EXPECT_EQ(1, st.activations);
	ASSERT_EQ(0, part_attr_read(1, "state", buf, sizeof(buf)));
	EXPECT_STREQ("deactivated", buf);
	ASSERT_EQ(0, part_attr_read(1, "origin", buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);

	/* The console log outlives the activation. */
	ASSERT_LT(0, lpar_console(self->fd, 1, con, sizeof(con)));
	EXPECT_NE(NULL, strstr(con, want));

	ASSERT_OK(lpar_undefine(self->fd, 1));
	EXPECT_FALSE(part_dir_exists(1));
	EXPECT_ERRNO(lpar_get_def(self->fd, 1, &d), ENOENT);
}

TEST_F_TIMEOUT(life, sysfs_lifecycle, 400)
{
	static char con[65537];
	struct lpar_pool_info p;
	struct lpar_status st;
	struct lpar_def d;
	char want[128];
	pid_t runner;

	lpar_def_init(&d, 2, "sysfs2", self->size, 1, "hello");
	greeting(want, sizeof(want), 2, "sysfs2", self->size, 1);
	ASSERT_OK(lpar_define(self->fd, &d));

	/* First activation through sysfs. */
	ASSERT_OK(part_attr_write(2, "act", "1"));
	EXPECT_OK(part_wait_attr(2, "state", "operating", T_ACT_MS));
	ASSERT_REPORT(self->fd, 2, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free - self->size, p.free);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 2, want, 30000));
	ASSERT_EQ(0, part_attr_read(2, "console", con, sizeof(con)));
	EXPECT_NE(NULL, strstr(con, want));
	ASSERT_OK(lpar_status(self->fd, 2, &st));
	runner = st.runner_pid;
	EXPECT_TRUE(pid_alive(runner));

	ASSERT_OK(part_attr_write(2, "deact", "1"));
	EXPECT_OK(part_wait_attr(2, "state", "deactivated", T_DEACT_MS));
	EXPECT_EQ(0, wait_pid_gone(runner, 10000));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);

	/* Second activation: the guest sees activation 2. */
	ASSERT_OK(part_attr_write(2, "act", "1"));
	EXPECT_OK(part_wait_attr(2, "state", "operating", T_ACT_MS));
	ASSERT_REPORT(self->fd, 2, LPAR_REPORT_PASS, 2, T_REPORT_MS);
	ASSERT_OK(lpar_status(self->fd, 2, &st));
	EXPECT_EQ(2, st.activations);
	EXPECT_EQ(2, st.report_value);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 2, "lpar: activation 2\n", 30000));
	runner = st.runner_pid;

	/* Forced deact through sysfs. */
	ASSERT_OK(part_attr_write(2, "deact", "force"));
	EXPECT_OK(part_wait_attr(2, "state", "deactivated", T_DEACT_MS));
	EXPECT_EQ(0, wait_pid_gone(runner, 10000));
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
}

TEST_F_TIMEOUT(life, stop_resume, 400)
{
	struct lpar_status st;
	struct lpar_def d;
	unsigned long long hb, sc;

	lpar_def_init(&d, 3, "stopper", self->size, 1, "hello");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_EQ(0, lpar_wait_heartbeats(self->fd, 3, 2, 60000, &st));

	/* ioctl stop: no more heartbeats while stopped. */
	ASSERT_OK(lpar_cmd(self->fd, LPAR_STOP, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_STOPPED, 30000);
	ASSERT_OK(lpar_status(self->fd, 3, &st));
	hb = st.heartbeats;
	sc = st.sc_count;
	msleep(3000);
	ASSERT_OK(lpar_status(self->fd, 3, &st));
	EXPECT_EQ(LPAR_STATE_STOPPED, st.state);
	EXPECT_EQ(hb, st.heartbeats) TH_LOG("guest ran while stopped");
	EXPECT_EQ(sc, st.sc_count);
	EXPECT_TRUE(pid_alive(st.runner_pid));

	/* Stopped storage stays allocated. */
	EXPECT_EQ(self->size, st.size);

	ASSERT_OK(lpar_cmd(self->fd, LPAR_RESUME, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_OPERATING, 30000);
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 3, hb + 2, 60000, &st));

	/* sysfs stop / resume. */
	ASSERT_OK(part_attr_write(3, "stop", "1"));
	EXPECT_OK(part_wait_attr(3, "state", "stopped", 30000));
	ASSERT_OK(lpar_status(self->fd, 3, &st));
	hb = st.heartbeats;
	msleep(2000);
	ASSERT_OK(lpar_status(self->fd, 3, &st));
	EXPECT_EQ(hb, st.heartbeats);
	ASSERT_OK(part_attr_write(3, "resume", "1"));
	EXPECT_OK(part_wait_attr(3, "state", "operating", 30000));
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 3, hb + 2, 60000, &st));

	/* A stopped partition can be deactivated. */
	ASSERT_OK(lpar_cmd(self->fd, LPAR_STOP, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_STOPPED, 30000);
	ASSERT_OK(lpar_deact(self->fd, 3, 0, 0));
	ASSERT_STATE(self->fd, 3, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
}

TEST_F_TIMEOUT(life, smp, 300)
{
	static char con[65537];
	struct lpar_status st;
	struct lpar_def d;
	unsigned int n = self->v.max_vcpus < 4 ? self->v.max_vcpus : 4;
	unsigned int i;
	char want[64];

	lpar_def_init(&d, 4, "smp4", self->size, n, "smp");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, n);
	ASSERT_OK(lpar_status(self->fd, 4, &st));
	EXPECT_EQ(n, st.report_value);
	EXPECT_LE(n + 1, st.sc_count);
	ASSERT_LT(0, lpar_console(self->fd, 4, con, sizeof(con)));
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "lpar: smp: vcpu %u of %u up", i, n);
		EXPECT_NE(NULL, strstr(con, want)) TH_LOG("missing '%s'", want);
	}
	ASSERT_OK(lpar_deact(self->fd, 4, 0, 0));
	ASSERT_STATE(self->fd, 4, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
}

/* Highest online host CPU, or -1. */
static int last_online_cpu(void)
{
	char buf[256], *p;
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int last = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		p = buf + strcspn(buf, "\n");
		while (p > buf && (p[-1] >= '0' && p[-1] <= '9'))
			p--;
		last = atoi(p);
	}
	fclose(f);
	return last;
}

/* Does some thread of @pid run only on CPU @cpu? */
static bool thread_pinned(pid_t pid, int cpu)
{
	char path[512], line[256], want[32];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	snprintf(want, sizeof(want), "%d", cpu);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", pid,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "Cpus_allowed_list:", 18))
				continue;
			line[strcspn(line, "\n")] = 0;
			if (!strcmp(line + 18 + strspn(line + 18, " \t"), want))
				found = true;
		}
		fclose(f);
	}
	closedir(dir);
	return found;
}

TEST_F_TIMEOUT(life, dedicated, 300)
{
	struct lpar_status st;
	struct lpar_def d;
	char buf[64];
	int cpu = last_online_cpu();

	ASSERT_LE(0, cpu);
	if (cpu >= 64)
		SKIP(return, "CPU %d beyond a 64-bit mask", cpu);
	lpar_def_init(&d, 5, "dedicated5", self->size, 1, "hello");
	d.flags = LPAR_DEF_DEDICATED;
	d.cpumask = 1ULL << cpu;
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_EQ(0, part_attr_read(5, "placement", buf, sizeof(buf)));
	EXPECT_STREQ("dedicated", buf);
	ASSERT_EQ(0, part_attr_read(5, "cpus", buf, sizeof(buf)));
	EXPECT_EQ(cpu, atoi(buf)) TH_LOG("cpus file '%s'", buf);
	ASSERT_OK(lpar_status(self->fd, 5, &st));
	EXPECT_TRUE(thread_pinned(st.runner_pid, cpu))
		TH_LOG("no runner thread pinned to CPU %d", cpu);
	ASSERT_OK(lpar_deact(self->fd, 5, 0, 0));
	ASSERT_STATE(self->fd, 5, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
}

TEST_F_TIMEOUT(life, console_read, 300)
{
	struct lpar_console c;
	struct lpar_status st;
	struct lpar_def d;
	char buf[256], want[128];
	unsigned long long head;

	lpar_def_init(&d, 6, "console6", self->size, 1, "hello");
	greeting(want, sizeof(want), 6, "console6", self->size, 1);
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_EQ(0, lpar_wait_console(self->fd, 6, "activation 1\n", 30000));
	ASSERT_OK(lpar_status(self->fd, 6, &st));

	/* A short read from 0: the start of the greeting. */
	memset(&c, 0, sizeof(c));
	memset(buf, 0, sizeof(buf));
	c.argsz = sizeof(c);
	c.id = 6;
	c.len = 10;
	c.pos = 0;
	c.buf_ptr = (uintptr_t)buf;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_CONSOLE_READ, &c));
	EXPECT_EQ(10, c.len);
	EXPECT_EQ(10, c.pos);
	EXPECT_EQ(0, memcmp(buf, want, 10)) TH_LOG("got '%.10s'", buf);
	EXPECT_LE(st.console_bytes, c.head);
	head = c.head;

	/* Continue from pos. */
	c.len = 20;
	c.buf_ptr = (uintptr_t)buf;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_CONSOLE_READ, &c));
	EXPECT_EQ(20, c.len);
	EXPECT_EQ(30, c.pos);
	EXPECT_EQ(0, memcmp(buf, want + 10, 20));

	/* At the head: nothing. */
	c.pos = head;
	c.len = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, LPAR_CONSOLE_READ, &c));
	EXPECT_EQ(0, c.len);
	EXPECT_EQ(head, c.pos);

	/* Zero-length read. */
	c.pos = 0;
	c.len = 0;
	EXPECT_EQ(0, ioctl(self->fd, LPAR_CONSOLE_READ, &c));
	EXPECT_EQ(0, c.len);
	ASSERT_OK(lpar_deact(self->fd, 6, LPAR_DEACT_FORCE, 0));
	ASSERT_STATE(self->fd, 6, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
}

/* Each state change raises a KOBJ_CHANGE uevent with LPAR_ID/STATE. */
TEST_F_TIMEOUT(life, uevents, 300)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	static char msg[8192];
	bool seen_op = false, seen_deact = false, deact_sent = false;
	struct lpar_def d;
	__u64 end;
	int sk, rcv = 1 << 20;

	sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	ASSERT_LE(0, sk);
	setsockopt(sk, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	ASSERT_EQ(0, bind(sk, (struct sockaddr *)&sa, sizeof(sa)));

	lpar_def_init(&d, 7, "uevent7", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &d));
	ASSERT_OK(lpar_act(self->fd, 7));
	end = now_ms() + lpar_ms(T_ACT_MS + T_DEACT_MS);
	while (!seen_deact && now_ms() < end) {
		struct pollfd pfd = { .fd = sk, .events = POLLIN };
		bool ours = false, change = false, op = false, da = false;
		ssize_t n;
		char *s;

		if (seen_op && !deact_sent) {
			ASSERT_OK(lpar_deact(self->fd, 7, 0, 0));
			deact_sent = true;
		}
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		n = recv(sk, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			continue;
		msg[n] = 0;
		for (s = msg; s < msg + n; s += strlen(s) + 1) {
			if (!strcmp(s, "LPAR_ID=7"))
				ours = true;
			else if (!strcmp(s, "ACTION=change"))
				change = true;
			else if (!strcmp(s, "LPAR_STATE=operating") ||
				 !strcmp(s, "LPAR_STATE=3"))
				op = true;
			else if (!strcmp(s, "LPAR_STATE=deactivated") ||
				 !strcmp(s, "LPAR_STATE=1"))
				da = true;
		}
		if (ours && change && op)
			seen_op = true;
		if (ours && change && da && deact_sent)
			seen_deact = true;
	}
	close(sk);
	EXPECT_TRUE(seen_op) TH_LOG("no change uevent with LPAR_ID=7 LPAR_STATE=operating");
	EXPECT_TRUE(seen_deact) TH_LOG("no change uevent with LPAR_STATE=deactivated");
	if (!deact_sent)
		lpar_deact(self->fd, 7, LPAR_DEACT_FORCE, 0);
	ASSERT_STATE(self->fd, 7, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
}

/* Two partitions run at once, each with its own runner and storage. */
TEST_F_TIMEOUT(life, two_at_once, 400)
{
	struct lpar_status a, b;
	struct lpar_def da, db;
	struct lpar_pool_info p;

	lpar_def_init(&da, 8, "twoA", self->size, 1, "hello");
	lpar_def_init(&db, 9, "twoB", self->size, 1, "hello");
	ASSERT_OK(lpar_define(self->fd, &da));
	ASSERT_OK(lpar_define(self->fd, &db));
	ASSERT_OK(lpar_act(self->fd, 8));
	ASSERT_OK(lpar_act(self->fd, 9));
	ASSERT_STATE(self->fd, 8, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_STATE(self->fd, 9, LPAR_STATE_OPERATING, T_ACT_MS);
	ASSERT_REPORT(self->fd, 8, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	ASSERT_REPORT(self->fd, 9, LPAR_REPORT_PASS, 1, T_REPORT_MS);
	ASSERT_OK(lpar_status(self->fd, 8, &a));
	ASSERT_OK(lpar_status(self->fd, 9, &b));
	EXPECT_NE(a.runner_pid, b.runner_pid);
	EXPECT_TRUE(a.origin + a.size <= b.origin || b.origin + b.size <= a.origin)
		TH_LOG("storage overlaps: 0x%llx+%llu and 0x%llx+%llu",
		       (unsigned long long)a.origin, (unsigned long long)a.size,
		       (unsigned long long)b.origin, (unsigned long long)b.size);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free - 2 * self->size, p.free);
	EXPECT_EQ(0, lpar_wait_console(self->fd, 8, "(twoA)", 30000));
	EXPECT_EQ(0, lpar_wait_console(self->fd, 9, "(twoB)", 30000));

	/* Deacting one leaves the other running. */
	ASSERT_OK(lpar_deact(self->fd, 8, 0, 0));
	ASSERT_STATE(self->fd, 8, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_status(self->fd, 9, &b));
	EXPECT_EQ(LPAR_STATE_OPERATING, b.state);
	EXPECT_EQ(0, lpar_wait_heartbeats(self->fd, 9, b.heartbeats + 2, 60000, &b));
	ASSERT_OK(lpar_deact(self->fd, 9, 0, 0));
	ASSERT_STATE(self->fd, 9, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
}

/*
 * Issue 16: act racing undefine of the same partition.  The act looked
 * the partition up before the undefine removed it; it must not then
 * reserve storage, load the image and start a runner for a partition
 * that no longer exists (storage the pool no longer counts as owned).
 * Exactly one of the two wins each round.  Every other round act waits
 * 200 ms after taking the partition (fault_inject 16), so the undefine
 * lands in that window for sure; the others race freely.  Bounded by
 * time (TCG).
 */
struct undef_racer {
	int fd;
	unsigned int id;
	unsigned int delay_us;
	bool undefine;
	int ret;
};

static void *undef_racer_fn(void *arg)
{
	struct undef_racer *r = arg;

	usleep(r->delay_us);
	r->ret = r->undefine ? lpar_undefine(r->fd, r->id) :
			       lpar_act(r->fd, r->id);
	return NULL;
}

TEST_F_TIMEOUT(life, act_races_undefine, 300)
{
	unsigned int rounds = 0, undef_won = 0, act_won = 0;
	struct lpar_pool_info p;
	__u64 end = now_ms() + 40000;
	struct lpar_def d;

	srand(getpid());
	while (now_ms() < end && rounds < 300) {
		struct undef_racer a = { .fd = self->fd, .id = 12 };
		struct undef_racer u = { .fd = self->fd, .id = 12,
					 .undefine = true,
					 .delay_us = rand() % 3000 };
		pthread_t ta, tu;

		if (rounds & 1) {
			ASSERT_OK(lpar_param_write("fault_inject", "16"));
			u.delay_us = 50000;
		} else {
			ASSERT_OK(lpar_param_write("fault_inject", "0"));
		}
		lpar_def_init(&d, 12, "undefrace", self->size, 1, "hello");
		ASSERT_OK(lpar_define(self->fd, &d));
		ASSERT_EQ(0, pthread_create(&ta, NULL, undef_racer_fn, &a));
		ASSERT_EQ(0, pthread_create(&tu, NULL, undef_racer_fn, &u));
		pthread_join(ta, NULL);
		pthread_join(tu, NULL);
		rounds++;
		if (!u.ret) {
			/* Undefined: the act must have found nothing to start. */
			ASSERT_EQ(-ENOENT, a.ret)
				TH_LOG("round %u: undefine won, act returned %s",
				       rounds, errname(a.ret));
			ASSERT_OK(lpar_pool(self->fd, &p));
			ASSERT_EQ(self->pool.free, p.free);
			undef_won++;
			continue;
		}
		/* The act came first: the undefine was refused. */
		ASSERT_EQ(-EBUSY, u.ret)
			TH_LOG("round %u: undefine returned %s", rounds,
			       errname(u.ret));
		if (!a.ret)
			act_won++;
		lpar_deact(self->fd, 12, LPAR_DEACT_FORCE, 0);
		ASSERT_STATE(self->fd, 12, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
		ASSERT_OK(lpar_undefine(self->fd, 12));
	}
	lpar_param_write("fault_inject", "0");
	TH_LOG("%u rounds: undefine first %u, act first %u", rounds, undef_won,
	       act_won);
	ASSERT_OK(lpar_pool(self->fd, &p));
	EXPECT_EQ(self->pool.free, p.free);
	/* No runner was left behind by an act of an undefined partition. */
	for (end = now_ms() + lpar_ms(5000); now_ms() < end; msleep(100))
		if (system("pgrep -x lpar-runner >/dev/null"))
			break;
	EXPECT_NE(0, system("pgrep -x lpar-runner >/dev/null"));
}
