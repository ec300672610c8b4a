// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: PCI slots moving between running partitions (issue 4), through
 * the real path: lpar.ko's slot table and VFIO rebinding, the runner's
 * device side, the emulated GPE block and SCI, and a guest (hotplug.bin,
 * dmaloop.bin) that takes the SCI, configures the QEMU edu device of the
 * test VM and verifies DMA round trips into its own storage.
 *
 * A guest whose partition name has "-msi" programs and enables the edu's
 * MSI capability and takes the completions on its MSI vector; an INTx
 * guest finds the capability in its reset state.
 *
 * The guests report through LPAR_SC_METRIC: 0 = insertions configured,
 * 1 = DMA round trips verified, 2 = errors, 3 = ejects done; FAIL reports
 * on every error.  Their consoles say "slot S: device gone" when a
 * configured device stops answering.
 *
 * Skips (exit 4 / SKIP) when the VM has no edu device (1234:11e8), no
 * IOMMU groups or no vfio-pci.
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lpar_test.h"

#define MiB		(1024ULL * 1024)
#define T_GUEST_MS	120000	/* SCI -> configured and DMA verified */
#define T_REM_MS	60000
#define PART_A		20
#define PART_B		21

#define M_INS		0
#define M_DMA		1
#define M_ERR		2
#define M_EJ		3

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif

/* ---- host PCI ------------------------------------------------------------ */

static int read_hex(const char *path, unsigned int *v)
{
	char buf[32];
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -EIO;
	*v = strtoul(buf, NULL, 16);
	return 0;
}

/* First PCI function with vendor:device, its name in @bdf; 0 or -ENOENT. */
static int find_pci(unsigned int vendor, unsigned int device, char *bdf,
		    size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char p[PATH_MAX];
	unsigned int v, dv;
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (read_hex(p, &v) || v != vendor)
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (read_hex(p, &dv) || dv != device)
			continue;
		if (strlen(e->d_name) >= len)
			continue;
		memcpy(bdf, e->d_name, strlen(e->d_name) + 1);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* The host driver bound to @bdf ("" if none). */
static void pci_driver(const char *bdf, char *drv, size_t len)
{
	char p[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(p, link, sizeof(link) - 1);
	drv[0] = 0;
	if (n > 0) {
		link[n] = 0;
		const char *b = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		size_t n2 = strnlen(b, len - 1);

		memcpy(drv, b, n2);
		drv[n2] = 0;
	}
}

static int pci_group(const char *bdf)
{
	char p[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(p, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = 0;
	return atoi(strrchr(link, '/') + 1);
}

/* Why PCI slots cannot be tested here, or NULL. */
static const char *pci_unavailable(char *edu, size_t len)
{
	static char why[256];

	if (find_pci(0x1234, 0x11e8, edu, len))
		return "no edu device (1234:11e8) in this machine";
	if (pci_group(edu) < 0) {
		snprintf(why, sizeof(why), "%s has no IOMMU group (no IOMMU?)", edu);
		return why;
	}
	/* Not loaded here: binding the slot to vfio-pci is lpar.ko's job. */
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK) &&
	    system("modprobe -n vfio-pci >/dev/null 2>&1") != 0)
		return "vfio-pci is not available";
	return NULL;
}

/* ---- the slot ioctls ---------------------------------------------------- */

static int slot_add(int fd, const char *bdf, unsigned int slot,
		    struct lpar_slot *out)
{
	struct lpar_slot s;

	memset(&s, 0, sizeof(s));
	s.argsz = sizeof(s);
	s.slot = slot;
	snprintf(s.bdf, sizeof(s.bdf), "%s", bdf);
	if (ioctl(fd, LPAR_SLOT_ADD, &s))
		return -errno;
	if (out)
		*out = s;
	return 0;
}

static int slot_info(int fd, unsigned int slot, struct lpar_slot *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->slot = slot;
	if (ioctl(fd, LPAR_SLOT_INFO, out))
		return -errno;
	out->bdf[LPAR_SLOT_NAME_LEN - 1] = 0;
	out->driver[LPAR_DRIVER_LEN - 1] = 0;
	return 0;
}

static int slot_cmd(int fd, unsigned long req, unsigned int slot,
		    unsigned int id, unsigned int flags, unsigned int value,
		    unsigned int timeout_ms)
{
	struct lpar_slot_cmd c = {
		.argsz = sizeof(c), .flags = flags, .slot = slot, .id = id,
		.value = value, .timeout_ms = timeout_ms,
	};

	return ioctl(fd, req, &c) ? -errno : 0;
}

static int slot_remove(int fd, unsigned int slot)
{
	return slot_cmd(fd, LPAR_SLOT_REMOVE, slot, 0, 0, 0, 0);
}

static int pci_add(int fd, unsigned int slot, unsigned int id)
{
	return slot_cmd(fd, LPAR_PCI_ADD, slot, id, 0, 0, 0);
}

static int pci_rem(int fd, unsigned int slot, unsigned int id)
{
	return slot_cmd(fd, LPAR_PCI_REM, slot, id, 0, 0, 0);
}

static int slot_enable(int fd, unsigned int slot, unsigned int id,
		       unsigned int value)
{
	return slot_cmd(fd, LPAR_SLOT_ENABLE, slot, id, 0, value, 0);
}

/* The whole slot table, to check that a refused command changed nothing. */
struct slot_table {
	int err[LPAR_MAX_SLOTS];
	struct lpar_slot s[LPAR_MAX_SLOTS];
};

static void slot_table(int fd, struct slot_table *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 1; i < LPAR_MAX_SLOTS; i++)
		t->err[i] = slot_info(fd, i, &t->s[i]);
}

static int slot_table_cmp(const struct slot_table *a,
			  const struct slot_table *b, char *why, size_t len)
{
	unsigned int i;

	for (i = 1; i < LPAR_MAX_SLOTS; i++) {
		const struct lpar_slot *x = &a->s[i], *y = &b->s[i];

		if (a->err[i] != b->err[i]) {
			snprintf(why, len, "slot %u: info %s -> %s", i,
				 errname(a->err[i]), errname(b->err[i]));
			return 1;
		}
		if (a->err[i])
			continue;
		if (x->owner != y->owner || x->state != y->state ||
		    x->enable != y->enable || strcmp(x->bdf, y->bdf) ||
		    strcmp(x->driver, y->driver)) {
			snprintf(why, len,
				 "slot %u: %s owner %d state %u enable %u -> %s owner %d state %u enable %u",
				 i, x->bdf, (int)x->owner, x->state, x->enable,
				 y->bdf, (int)y->owner, y->state, y->enable);
			return 1;
		}
	}
	return 0;
}

/* /sys/kernel/lpar/slots/N/<attr> equals @want. */
static int slot_attr_is(unsigned int slot, const char *attr, const char *want,
			char *got, size_t len)
{
	char rel[64];
	int r;

	snprintf(rel, sizeof(rel), "slots/%u/%s", slot, attr);
	r = sysfs_read(rel, got, len);
	if (r < 0)
		return r;
	return strcmp(got, want) ? -EINVAL : 0;
}

#define EXPECT_SLOT_ATTR(slot, attr, want) do {				\
	char __g[64] = "";						\
	int __r = slot_attr_is((slot), (attr), (want), __g, sizeof(__g));\
	if (__r) {							\
		TH_LOG("sysfs slots/%u/%s: '%s' (%s), want '%s'", (slot),\
		       (attr), __g, errname(__r), (want));		\
		_metadata->passed = 0;					\
	}								\
} while (0)

static struct slot_table tab_before, tab_after;
static struct lpar_status st_dummy;
static char tab_why[512];

/*
 * SLOT_REFUSED(fd, expr, errnos...): refused with one of the errnos, and
 * neither the partition table / pool nor the slot table changed.
 */
#define SLOT_REFUSED(fd, expr, ...) do {				\
	slot_table((fd), &tab_before);					\
	EXPECT_REFUSED((fd), (expr), __VA_ARGS__);			\
	slot_table((fd), &tab_after);					\
	if (slot_table_cmp(&tab_before, &tab_after, tab_why,		\
			   sizeof(tab_why))) {				\
		TH_LOG("%s changed the slot table: %s", #expr, tab_why);\
		_metadata->passed = 0;					\
	}								\
} while (0)

/* Wait until the slot is in @state (and with @owner). */
static int wait_slot(int fd, unsigned int slot, unsigned int state,
		     unsigned int owner, unsigned int ms, struct lpar_slot *out)
{
	__u64 end = now_ms() + lpar_ms(ms);
	struct lpar_slot s;
	int r;

	for (;;) {
		r = slot_info(fd, slot, &s);
		if (!r && s.state == state && s.owner == owner)
			break;
		if (now_ms() > end)
			return r ? r : -ETIMEDOUT;
		msleep(100);
	}
	if (out)
		*out = s;
	return 0;
}

/* Guest metric @idx reaches @min; -EIO if the guest reports FAIL. */
static int wait_metric(int fd, unsigned int id, unsigned int idx,
		       unsigned long long min, unsigned int ms,
		       struct lpar_status *out)
{
	__u64 end = now_ms() + lpar_ms(ms);
	struct lpar_status st;
	int r;

	for (;;) {
		r = lpar_status(fd, id, &st);
		if (r)
			return r;
		if (out)
			*out = st;
		if (st.guest_metric[idx] >= min)
			return 0;
		if (st.report_code == LPAR_REPORT_FAIL)
			return -EIO;
		if (st.state != LPAR_STATE_OPERATING &&
		    st.state != LPAR_STATE_STOPPED)
			return -ESRCH;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(100);
	}
}

static void log_guest(struct __test_metadata *_metadata, int fd,
		      unsigned int id)
{
	struct lpar_status st;

	if (!lpar_status(fd, id, &st)) {
		LOG_STATUS(&st);
		TH_LOG("  metrics: insertions %llu DMA %llu errors %llu ejects %llu",
		       (unsigned long long)st.guest_metric[0],
		       (unsigned long long)st.guest_metric[1],
		       (unsigned long long)st.guest_metric[2],
		       (unsigned long long)st.guest_metric[3]);
	}
	lpar__log_console(_metadata, fd, id);
}

#define ASSERT_METRIC(fd, id, idx, min, ms) do {			\
	int __r = wait_metric((fd), (id), (idx), (min), (ms), NULL);	\
	if (__r) {							\
		TH_LOG("partition %u: metric %u >= %llu: %s", (id), (idx),\
		       (unsigned long long)(min), errname(__r));	\
		log_guest(_metadata, (fd), (id));			\
	}								\
	ASSERT_EQ(0, __r);						\
} while (0)

static unsigned long long metric_of(int fd, unsigned int id, unsigned int idx)
{
	struct lpar_status st;

	return lpar_status(fd, id, &st) ? 0 : st.guest_metric[idx];
}

/*
 * Recursively look for a file under /sys/kernel/lpar holding exactly
 * @value (the slot table in sysfs, whatever its layout).
 */
static int sysfs_find(const char *dir, const char *value, int depth,
		      char *where, size_t len)
{
	DIR *d;
	struct dirent *e;
	char p[PATH_MAX], buf[256];
	struct stat sb;
	int found = 0;

	if (depth > 4)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			found = sysfs_find(p, value, depth + 1, where, len);
		} else if (S_ISREG(sb.st_mode) && (sb.st_mode & 0444)) {
			FILE *f = fopen(p, "r");

			if (!f)
				continue;
			while (fgets(buf, sizeof(buf), f)) {
				if (strstr(buf, value)) {
					snprintf(where, len, "%s", p);
					found = 1;
					break;
				}
			}
			fclose(f);
		}
	}
	closedir(d);
	return found;
}

/*
 * The partition fd of partition @id, taken from its runner with
 * pidfd_getfd(): the fd that answers LPAR_RUNNER_INFO for @id.
 */
static int runner_partition_fd(int fd, unsigned int id)
{
	struct lpar_status st;
	struct lpar_runner_info ri;
	char p[64];
	struct dirent *e;
	int pidfd, got = -ENOENT;
	DIR *d;

	if (lpar_status(fd, id, &st) || !st.runner_pid)
		return -ESRCH;
	pidfd = syscall(SYS_pidfd_open, st.runner_pid, 0);
	if (pidfd < 0)
		return -errno;
	snprintf(p, sizeof(p), "/proc/%u/fd", st.runner_pid);
	d = opendir(p);
	if (!d) {
		close(pidfd);
		return -errno;
	}
	while (got < 0 && (e = readdir(d))) {
		int n, tfd;

		if (e->d_name[0] == '.')
			continue;
		n = atoi(e->d_name);
		tfd = syscall(SYS_pidfd_getfd, pidfd, n, 0);
		if (tfd < 0)
			continue;
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizeof(ri);
		if (!ioctl(tfd, LPAR_RUNNER_INFO, &ri) && ri.id == id)
			got = tfd;
		else
			close(tfd);
	}
	closedir(d);
	close(pidfd);
	return got;
}

/* LPAR_RUNNER_SLOT on a partition fd: 0 (the VFIO group fd closed) or -errno. */
static int runner_slot(int pfd, unsigned int slot)
{
	struct lpar_runner_slot rs = { .argsz = sizeof(rs), .slot = slot };

	if (ioctl(pfd, LPAR_RUNNER_SLOT, &rs))
		return -errno;
	if (rs.fd >= 0)
		close(rs.fd);
	return 0;
}

/*
 * The host's interrupts of @bdf as vfio-pci requested them (named
 * "vfio-msi[N](bdf)" / "vfio-intx(bdf)" in /proc/interrupts): how many
 * MSI vectors and INTx lines are taken now.
 */
static int host_irqs(const char *bdf, int *msi, int *intx)
{
	char line[1024], m[96], x[96];
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -errno;
	*msi = 0;
	*intx = 0;
	snprintf(m, sizeof(m), "](%s)", bdf);
	snprintf(x, sizeof(x), "vfio-intx(%s)", bdf);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "vfio-msi[") && strstr(line, m))
			(*msi)++;
		else if (strstr(line, x))
			(*intx)++;
	}
	fclose(f);
	return 0;
}

#define EXPECT_HOST_IRQS(bdf, want_msi, want_intx) do {			\
	const char *__b = (bdf);					\
	int __wm = (want_msi), __wx = (want_intx), __m = -1, __x = -1;	\
	EXPECT_OK(host_irqs(__b, &__m, &__x));				\
	EXPECT_EQ(__wm, __m)						\
		TH_LOG("%s: host MSI vectors %d, want %d", __b, __m, __wm);\
	EXPECT_EQ(__wx, __x)						\
		TH_LOG("%s: host INTx lines %d, want %d", __b, __x, __wx);\
} while (0)

/* The eventfds partition @id's runner holds (its irqfds' ends), or -errno. */
static int runner_eventfds(int fd, unsigned int id)
{
	struct lpar_status st;
	char p[64], l[PATH_MAX], link[64];
	struct dirent *e;
	int n = 0;
	ssize_t k;
	DIR *d;

	if (lpar_status(fd, id, &st) || !st.runner_pid)
		return -ESRCH;
	snprintf(p, sizeof(p), "/proc/%u/fd", st.runner_pid);
	d = opendir(p);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(l, sizeof(l), "%s/%s", p, e->d_name);
		k = readlink(l, link, sizeof(link) - 1);
		if (k <= 0)
			continue;
		link[k] = 0;
		if (!strcmp(link, "anon_inode:[eventfd]"))
			n++;
	}
	closedir(d);
	return n;
}

/* The guest's console has @fmt... (its requests' outcomes, what it set up). */
#define EXPECT_CONSOLE(fd, id, fmt, ...) do {				\
	char __n[160];							\
	int __r;							\
	snprintf(__n, sizeof(__n), fmt, ##__VA_ARGS__);			\
	__r = lpar_wait_console((fd), (id), __n, 10000);		\
	if (__r) {							\
		TH_LOG("partition %u console: no '%s' (%s)", (id), __n,	\
		       errname(__r));					\
		_metadata->passed = 0;					\
	}								\
} while (0)

/* Does the kernel log have a line with both @a and @b? */
static int dmesg_has(const char *a, const char *b)
{
	char line[1024];
	int found = 0;
	FILE *f = popen("dmesg", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, a) && strstr(line, b))
			found = 1;
	pclose(f);
	return found;
}

/* ---- fixture --------------------------------------------------------- */

FIXTURE(pci) {
	int fd;
	char edu[64];
	char nic[64];		/* e1000e, "" if none */
};

/* Give back every slot: pci rem --force, slot remove. */
static void slots_cleanup(int fd)
{
	struct lpar_slot s;
	unsigned int i;

	for (i = 1; i < LPAR_MAX_SLOTS; i++) {
		if (slot_info(fd, i, &s))
			continue;
		if (s.owner != LPAR_SLOT_NO_OWNER)
			slot_cmd(fd, LPAR_PCI_REM, i, s.owner, LPAR_PCI_FORCE,
				 0, 1000);
		slot_remove(fd, i);
	}
}

FIXTURE_SETUP(pci)
{
	const char *why;
	int fd;

	why = pci_unavailable(self->edu, sizeof(self->edu));
	if (why)
		SKIP(return, "%s", why);
	if (find_pci(0x8086, 0x10d3, self->nic, sizeof(self->nic)))
		self->nic[0] = 0;
	fd = lpar_open();
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	slots_cleanup(fd);
	lpar_cleanup_all(fd);
}

FIXTURE_TEARDOWN(pci)
{
	if (self->fd <= 0)
		return;
	lpar_param_write("runner_fault", "");
	lpar_param_write("fault_inject", "0");
	slots_cleanup(self->fd);
	lpar_cleanup_all(self->fd);
	close(self->fd);
}

static int start_guest(struct __test_metadata *_metadata, int fd,
		       unsigned int id, const char *name, const char *guest,
		       unsigned long long size)
{
	struct lpar_def d;

	lpar_def_init(&d, id, name, size, 1, guest);
	return lpar__start(_metadata, fd, &d, LPAR_REPORT_PROGRESS, 0);
}

/* Add the edu as a slot and check what the table says about it. */
static unsigned int add_edu(struct __test_metadata *_metadata, int fd,
			    const char *edu)
{
	struct lpar_slot s, i;
	char drv[64], where[PATH_MAX];
	int r;

	r = slot_add(fd, edu, 0, &s);
	if (r)
		TH_LOG("slot add %s: %s", edu, errname(r));
	if (r)
		return 0;
	EXPECT_LE(1, s.slot);
	EXPECT_GT(LPAR_MAX_SLOTS, s.slot);
	EXPECT_OK(slot_info(fd, s.slot, &i));
	EXPECT_STREQ(edu, i.bdf);
	EXPECT_EQ(0x1234, i.vendor);
	EXPECT_EQ(0x11e8, i.device);
	EXPECT_EQ(pci_group(edu), (int)i.group);
	EXPECT_EQ(LPAR_SLOT_FREE, i.state);
	EXPECT_EQ(LPAR_SLOT_NO_OWNER, i.owner);
	EXPECT_STREQ("", i.driver);	/* edu has no host driver */
	pci_driver(edu, drv, sizeof(drv));
	EXPECT_STREQ("vfio-pci", drv);
	EXPECT_TRUE(sysfs_find(LPAR_SYSFS, edu, 0, where, sizeof(where)))
		TH_LOG("%s is not in the sysfs slot table under %s", edu, LPAR_SYSFS);
	return s.slot;
}

#define ADD_EDU() ({							\
	unsigned int __s = add_edu(_metadata, self->fd, self->edu);	\
	ASSERT_NE(0, __s);						\
	__s;								\
})

/* ---- tests ----------------------------------------------------------- */

/*
 * The scenario: the slot goes to A (SCI, configure, DMA, verify),
 * is ejected, goes to B (the same there), is ejected, and is released to
 * the host; both partitions run throughout.
 */
TEST_F_TIMEOUT(pci, move_between_running_partitions, 900)
{
	int fd = self->fd;
	struct lpar_status a, b, a2, b2;
	struct lpar_slot s;
	char drv[64], where[PATH_MAX], rel[64];
	unsigned int slot;

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	ASSERT_OK(lpar_status(fd, PART_A, &a));
	ASSERT_OK(lpar_status(fd, PART_B, &b));
	EXPECT_EQ(0, a.guest_metric[M_INS]);	/* nothing at boot */
	EXPECT_EQ(0, b.guest_metric[M_INS]);

	/* add_pci to A. */
	EXPECT_SLOT_ATTR(slot, "state", "free");
	EXPECT_SLOT_ATTR(slot, "owner", "none");
	EXPECT_SLOT_ATTR(slot, "bdf", self->edu);
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(PART_A, s.owner);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	EXPECT_EQ(1, s.enable);
	EXPECT_SLOT_ATTR(slot, "state", "assigned");
	EXPECT_SLOT_ATTR(slot, "owner", "20");
	EXPECT_SLOT_ATTR(slot, "enable", "1");
	ASSERT_METRIC(fd, PART_A, M_INS, 1, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
	ASSERT_REPORT(fd, PART_A, LPAR_REPORT_PASS, 1, T_GUEST_MS);
	EXPECT_OK(lpar_wait_console(fd, PART_A, "DMA round trip verified",
				    lpar_ms(10000)));
	/* B saw nothing and kept running. */
	ASSERT_OK(lpar_wait_heartbeats(fd, PART_B, b.heartbeats + 1,
				       lpar_ms(30000), &b2));
	EXPECT_EQ(0, b2.guest_metric[M_INS]);

	/* rem_pci from A: the guest ejects, the slot is free. */
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(LPAR_SLOT_FREE, s.state);
	EXPECT_EQ(LPAR_SLOT_NO_OWNER, s.owner);
	EXPECT_OK(lpar_wait_console(fd, PART_A, "released, eject 1",
				    lpar_ms(10000)));

	/* add_pci to B, through the sysfs command file: the same there. */
	ASSERT_OK(lpar_status(fd, PART_A, &a));
	snprintf(rel, sizeof(rel), "slots/%u/pci_add", slot);
	ASSERT_OK(sysfs_write(rel, "21"));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(PART_B, s.owner);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	ASSERT_METRIC(fd, PART_B, M_INS, 1, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	ASSERT_REPORT(fd, PART_B, LPAR_REPORT_PASS, 1, T_GUEST_MS);
	EXPECT_SLOT_ATTR(slot, "owner", "21");
	/* A sysfs rem by the wrong partition is refused like the ioctl. */
	snprintf(rel, sizeof(rel), "slots/%u/pci_rem", slot);
	EXPECT_EQ(-EPERM, sysfs_write(rel, "20"));
	ASSERT_OK(sysfs_write(rel, "21"));
	EXPECT_EQ(1, metric_of(fd, PART_B, M_EJ));
	EXPECT_SLOT_ATTR(slot, "state", "free");

	/* Both ran throughout and neither saw an error. */
	ASSERT_OK(lpar_wait_heartbeats(fd, PART_A, a.heartbeats + 2,
				       lpar_ms(30000), &a2));
	ASSERT_OK(lpar_wait_heartbeats(fd, PART_B, b2.heartbeats + 2,
				       lpar_ms(30000), &b2));
	EXPECT_EQ(LPAR_STATE_OPERATING, a2.state);
	EXPECT_EQ(LPAR_STATE_OPERATING, b2.state);
	EXPECT_EQ(0, a2.guest_metric[M_ERR]);
	EXPECT_EQ(0, b2.guest_metric[M_ERR]);
	EXPECT_EQ(1, a2.guest_metric[M_INS]);	/* A got nothing more */
	if (!_metadata->passed) {
		log_guest(_metadata, fd, PART_A);
		log_guest(_metadata, fd, PART_B);
	}

	/* Releasing the slot gives the device back to the host. */
	ASSERT_OK(slot_remove(fd, slot));
	EXPECT_NE(0, slot_info(fd, slot, &s)) TH_LOG("slot %u still there after slot remove", slot);
	pci_driver(self->edu, drv, sizeof(drv));
	EXPECT_STREQ("", drv);
	EXPECT_FALSE(sysfs_find(LPAR_SYSFS, self->edu, 0, where, sizeof(where)))
		TH_LOG("%s still in sysfs (%s) after slot remove", self->edu, where);
}

/*
 * Only the owner gets the device: the VFIO group cannot be opened beside
 * lpar; a partition fd used by any process but its runner gets no slot;
 * add_pci to another partition is refused and its guest never sees the
 * device; enable = 0 makes the device vanish from the owner's guest, and
 * enable = 1 brings it back with a new insertion.
 */
TEST_F_TIMEOUT(pci, only_owner_gets_the_device, 900)
{
	int fd = self->fd, pfd_a, pfd_b, gfd, r;
	char path[64];
	struct lpar_slot s;
	struct lpar_status st;
	unsigned int slot;

	slot = ADD_EDU();
	snprintf(path, sizeof(path), "/dev/vfio/%d", pci_group(self->edu));
	gfd = open(path, O_RDWR);
	r = gfd < 0 ? -errno : 0;
	if (gfd >= 0)
		close(gfd);
	EXPECT_EQ(-EBUSY, r) TH_LOG("open %s beside lpar: %s", path, errname(r));

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);

	gfd = open(path, O_RDWR);
	EXPECT_GT(0, gfd) TH_LOG("%s opened beside lpar while A owns it", path);
	if (gfd >= 0)
		close(gfd);

	/*
	 * The partition fds of both runners, taken with pidfd_getfd(): the
	 * module hands a slot's VFIO group only to the owner's runner
	 * process itself, so neither fd gets it here -- not even the
	 * owner's, passed to another process.
	 */
	pfd_a = runner_partition_fd(fd, PART_A);
	pfd_b = runner_partition_fd(fd, PART_B);
	ASSERT_LE(0, pfd_a) TH_LOG("partition fd of A's runner: %s", errname(pfd_a));
	ASSERT_LE(0, pfd_b) TH_LOG("partition fd of B's runner: %s", errname(pfd_b));
	EXPECT_ERRNO(runner_slot(pfd_a, slot), EACCES, EPERM);
	EXPECT_ERRNO(runner_slot(pfd_b, slot), EACCES, EPERM);
	/* Nor does the admin side hand it over. */
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_B), EBUSY);
	/* B's guest never saw it. */
	EXPECT_EQ(0, metric_of(fd, PART_B, M_INS));

	/* enable = 0: A's guest loses the device (surprise removal). */
	ASSERT_OK(slot_enable(fd, slot, PART_A, 0));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(0, s.enable);
	EXPECT_EQ(LPAR_SLOT_DISABLED, s.state);
	EXPECT_EQ(PART_A, s.owner);
	r = lpar_wait_console(fd, PART_A, "device gone", lpar_ms(30000));
	EXPECT_EQ(0, r) TH_LOG("A's guest still reaches the disabled device");
	if (r)
		log_guest(_metadata, fd, PART_A);
	/* Only the owner sets the flag. */
	SLOT_REFUSED(fd, slot_enable(fd, slot, PART_B, 1), EPERM, EINVAL, EBUSY);
	SLOT_REFUSED(fd, slot_enable(fd, slot, PART_A, 2), EINVAL);

	/* enable = 1: attached again, with an insertion the guest takes. */
	ASSERT_OK(slot_enable(fd, slot, PART_A, 1));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(1, s.enable);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	ASSERT_METRIC(fd, PART_A, M_INS, 2, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_A, M_DMA, 2, T_GUEST_MS);
	close(pfd_a);
	close(pfd_b);

	/* It still moves on cleanly: rem from A, add to B, DMA there. */
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	ASSERT_OK(pci_add(fd, slot, PART_B));
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_ERR));
	ASSERT_OK(lpar_status(fd, PART_A, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
}

/* A device with a host driver gets it back when the slot is released. */
TEST_F_TIMEOUT(pci, slot_remove_restores_host_driver, 300)
{
	int fd = self->fd;
	char before[64], during[64], after[64];
	struct lpar_slot s, i;

	if (!self->nic[0])
		SKIP(return, "no e1000e (8086:10d3) in this machine");
	pci_driver(self->nic, before, sizeof(before));
	if (!before[0]) {
		/* The VM has no udev: give the NIC its driver first. */
		if (system("modprobe e1000e >/dev/null 2>&1") == 0)
			pci_driver(self->nic, before, sizeof(before));
	}
	if (!before[0])
		SKIP(return, "%s has no host driver bound", self->nic);
	ASSERT_OK(slot_add(fd, self->nic, 0, &s));
	pci_driver(self->nic, during, sizeof(during));
	EXPECT_STREQ("vfio-pci", during);
	ASSERT_OK(slot_info(fd, s.slot, &i));
	EXPECT_STREQ(before, i.driver);
	EXPECT_STREQ(self->nic, i.bdf);
	ASSERT_OK(slot_remove(fd, s.slot));
	pci_driver(self->nic, after, sizeof(after));
	EXPECT_STREQ(before, after);
	/* And a second round trip works the same. */
	ASSERT_OK(slot_add(fd, self->nic, 0, &s));
	ASSERT_OK(slot_remove(fd, s.slot));
	pci_driver(self->nic, after, sizeof(after));
	EXPECT_STREQ(before, after);
}

/*
 * MVSTOR while the partition's edu does DMA without a pause: the guest
 * verifies every round trip (and that earlier results stay put), so a
 * transfer lost or landing in the old frames is an error.
 */
static void mvstor_dma(struct __test_metadata *_metadata, int fd,
		       const char *edu, const char *name)
{
	struct lpar_extent ext;
	struct lpar_mvstor m;
	struct lpar_status st;
	struct lpar_def d;
	unsigned long long size = 32 * MiB, dma0, origin;
	unsigned int slot, k;

	ASSERT_OK(lpar_pool_extent(fd, &ext));
	ASSERT_LE(4 * size, ext.size);
	lpar_def_init(&d, PART_A, name, size, 1, "dmaloop");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = ext.start;
	ASSERT_EQ(0, lpar__start(_metadata, fd, &d, LPAR_REPORT_PROGRESS, 0));
	slot = add_edu(_metadata, fd, edu);
	ASSERT_NE(0, slot);
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 4, T_GUEST_MS);

	for (k = 0; k < 3; k++) {
		/* Up two sizes, back down, up one and a half (overlapping). */
		origin = k == 0 ? ext.start + 2 * size :
			 k == 1 ? ext.start : ext.start + size / 2;
		dma0 = metric_of(fd, PART_A, M_DMA);
		memset(&m, 0, sizeof(m));
		m.argsz = sizeof(m);
		m.id = PART_A;
		m.origin = origin;
		ASSERT_EQ(0, ioctl(fd, LPAR_MVSTOR, &m))
			TH_LOG("mvstor to 0x%llx: %s", origin, strerror(errno));
		EXPECT_EQ(0, m.res.result);
		EXPECT_EQ(origin, m.res.new_origin);
		ASSERT_OK(lpar_status(fd, PART_A, &st));
		EXPECT_EQ(origin, st.origin);
		/* Transfers go on after the move and verify. */
		ASSERT_METRIC(fd, PART_A, M_DMA, dma0 + 9, T_GUEST_MS);
		ASSERT_OK(lpar_status(fd, PART_A, &st));
		EXPECT_EQ(0, st.guest_metric[M_ERR]);
		EXPECT_NE(LPAR_REPORT_FAIL, st.report_code);
		TH_LOG("move %u to 0x%llx: %llu bytes in %llu ms, %llu round trips since",
		       k, origin, (unsigned long long)m.res.bytes,
		       (unsigned long long)m.res.time_ns / 1000000,
		       (unsigned long long)st.guest_metric[M_DMA] - dma0);
		if (!_metadata->passed) {
			log_guest(_metadata, fd, PART_A);
			return;
		}
	}
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
	EXPECT_EQ(0, metric_of(fd, PART_A, M_ERR));
}

TEST_F_TIMEOUT(pci, mvstor_during_dma, 900)
{
	mvstor_dma(_metadata, self->fd, self->edu, "PCIDMA");
}

/*
 * Fenced: disabled (taken back, still A's), or already back in the pool
 * (A's runner was killed, so its slots went back when it was gone).
 */
static bool slot_fenced(const struct lpar_slot *si)
{
	return si->state == LPAR_SLOT_DISABLED ||
	       (si->state == LPAR_SLOT_FREE && si->owner == LPAR_SLOT_NO_OWNER);
}

struct bg_mv {
	int fd;
	unsigned int id;
	unsigned long long origin;
	int ret;
	int done;		/* __atomic: read by the main thread */
};

static void *bg_mv_fn(void *arg)
{
	struct bg_mv *b = arg;
	struct lpar_mvstor m = { .argsz = sizeof(m), .id = b->id,
				 .origin = b->origin };

	b->ret = ioctl(b->fd, LPAR_MVSTOR, &m) ? -errno : 0;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Issue 9, item 3: the DMA gatekeeper does not trust the runner.  A's
 * runner acknowledges SALE without re-mapping (runner_fault=sale-skip),
 * so after the move its edu still writes into A's old frames.  The module
 * reads the IOMMU mappings back: A's old range stays out of the pool
 * until the slot is fenced (an act of B defined on exactly that range is
 * refused meanwhile; fault_inject 8 widens the window), the slot is
 * disabled and taken back, A fails with a reason that dmesg names, and
 * B, acted on the old range afterwards, keeps its pattern.
 */
TEST_F_TIMEOUT(pci, mvstor_sale_skipped_fences_slot, 900)
{
	int fd = self->fd;
	unsigned long long size = 16 * MiB, old, dst;
	struct bg_mv bg = { .fd = fd, .id = PART_A };
	struct lpar_status st;
	struct lpar_extent ext;
	struct lpar_slot si;
	struct lpar_def d;
	unsigned int slot, refused = 0;
	pthread_t t;
	int r;

	ASSERT_OK(lpar_pool_extent(fd, &ext));
	old = ext.start;
	dst = ext.start + 2 * size;
	/* Only A's runner, started now, skips SALE. */
	ASSERT_OK(lpar_param_write("runner_fault", "sale-skip"));
	lpar_def_init(&d, PART_A, "SALESKIP", size, 1, "dmaloop");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = old;
	r = lpar__start(_metadata, fd, &d, LPAR_REPORT_PROGRESS, 0);
	lpar_param_write("runner_fault", "");
	ASSERT_EQ(0, r);
	slot = ADD_EDU();
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 4, T_GUEST_MS);

	lpar_def_init(&d, PART_B, "OLDRANGE", size, 1, "pattern");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = old;
	ASSERT_OK(lpar_define(fd, &d));

	ASSERT_OK(lpar_param_write("fault_inject", "8"));
	bg.origin = dst;
	ASSERT_EQ(0, pthread_create(&t, NULL, bg_mv_fn, &bg));
	/* While the move (and its check) runs, the old range is A's. */
	while (!__atomic_load_n(&bg.done, __ATOMIC_ACQUIRE)) {
		r = lpar_act(fd, PART_B);
		if (!r) {
			/* Only once A's device is fenced. */
			ASSERT_OK(slot_info(fd, slot, &si));
			ASSERT_TRUE(slot_fenced(&si))
				TH_LOG("B got A's old range while slot %u is %u",
				       slot, si.state);
			break;
		}
		ASSERT_EQ(-EBUSY, r);
		refused++;
		msleep(20);
	}
	pthread_join(t, NULL);
	lpar_param_write("fault_inject", "0");
	TH_LOG("act of B refused %u times during the move", refused);
	EXPECT_EQ(-EIO, bg.ret);

	/* A failed, with the reason; the slot fenced. */
	ASSERT_OK(lpar_wait_state(fd, PART_A, LPAR_STATE_FAILED,
				  lpar_ms(T_FAIL_MS), &st));
	EXPECT_NE(NULL, strstr(st.reason, "SALE")) TH_LOG("reason: %s", st.reason);
	EXPECT_NE(NULL, strstr(st.reason, "fenced")) TH_LOG("reason: %s", st.reason);
	EXPECT_EQ(dst, st.origin);
	EXPECT_TRUE(dmesg_has("(SALESKIP) failed: DMA not re-pointed", "fenced"));
	EXPECT_TRUE(dmesg_has("(SALESKIP)", "fenced: disabled, taken back and reset"));
	ASSERT_OK(slot_info(fd, slot, &si));
	EXPECT_TRUE(slot_fenced(&si)) TH_LOG("slot %u is %u", slot, si.state);

	/* The old range is free again, and nothing writes into it. */
	if (lpar_status(fd, PART_B, &st) || st.state == LPAR_STATE_DEACTIVATED)
		ASSERT_OK(lpar_act(fd, PART_B));
	ASSERT_EQ(0, lpar_wait_report(fd, PART_B, LPAR_REPORT_PROGRESS, 3,
				      lpar_ms(T_REPORT_MS), &st))
		TH_LOG("B: report %u value %#llx", st.report_code,
		       (unsigned long long)st.report_value);
	ASSERT_OK(lpar_deact(fd, PART_A, LPAR_DEACT_FORCE, 0));
}

/* The same with the completions by MSI: quiesce and SALE leave it alone. */
TEST_F_TIMEOUT(pci, mvstor_during_dma_msi, 900)
{
	mvstor_dma(_metadata, self->fd, self->edu, "PCIDMA-msi");
	EXPECT_OK(lpar_wait_console(self->fd, PART_A, "by MSI", 10000));
}

/*
 * MSI belongs to its owner: A (MSI guest) takes the edu's completions on
 * its MSI vector -- the host has one vfio-msi vector and no INTx for the
 * device, the runner one eventfd (the MSI irqfd's) instead of INTx's
 * two.  A surprise removal (enable = 0) with MSI on tears all of it
 * down; re-enabled, A finds the capability reset and enables it afresh.
 * After rem_pci, B (INTx guest) finds the capability reset too and gets
 * its completions by INTx.
 */
TEST_F_TIMEOUT(pci, msi_follows_owner, 900)
{
	int fd = self->fd, ev0, ev;
	unsigned int slot, vec;

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA-msi", "hotplug", 16 * MiB));
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	vec = 0x60 + (slot - 1) % 8;
	ev0 = runner_eventfds(fd, PART_A);
	ASSERT_LE(0, ev0) TH_LOG("runner eventfds: %s", errname(ev0));
	EXPECT_HOST_IRQS(self->edu, 0, 0);

	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
	EXPECT_CONSOLE(fd, PART_A, "slot %u MSI: cap 0x", slot);
	EXPECT_CONSOLE(fd, PART_A, "vectors 1, vector 0x%x to APIC 0", vec);
	EXPECT_CONSOLE(fd, PART_A, "slot %u DMA round trip verified (1) by MSI",
		       slot);
	EXPECT_HOST_IRQS(self->edu, 1, 0);
	ev = runner_eventfds(fd, PART_A);
	EXPECT_EQ(ev0 + 1, ev) TH_LOG("runner eventfds %d with MSI on, %d before",
				      ev, ev0);

	/* Detach with MSI enabled: nothing of it stays. */
	ASSERT_OK(slot_enable(fd, slot, PART_A, 0));
	EXPECT_HOST_IRQS(self->edu, 0, 0);
	ev = runner_eventfds(fd, PART_A);
	EXPECT_EQ(ev0, ev) TH_LOG("runner eventfds %d after detach, %d before",
				  ev, ev0);
	ASSERT_OK(slot_enable(fd, slot, PART_A, 1));
	ASSERT_METRIC(fd, PART_A, M_INS, 2, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_A, M_DMA, 2, T_GUEST_MS);
	EXPECT_CONSOLE(fd, PART_A, "slot %u DMA round trip verified (2) by MSI",
		       slot);
	EXPECT_HOST_IRQS(self->edu, 1, 0);

	/* The guest disables MSI at its eject; the slot goes to B. */
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
	EXPECT_HOST_IRQS(self->edu, 0, 0);
	EXPECT_EQ(ev0, runner_eventfds(fd, PART_A));
	ASSERT_OK(pci_add(fd, slot, PART_B));
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	EXPECT_CONSOLE(fd, PART_B, "slot %u DMA round trip verified (1) by INTx",
		       slot);
	EXPECT_HOST_IRQS(self->edu, 0, 1);
	EXPECT_EQ(0, metric_of(fd, PART_A, M_ERR));
	EXPECT_EQ(0, metric_of(fd, PART_B, M_ERR));
	if (!_metadata->passed) {
		log_guest(_metadata, fd, PART_A);
		log_guest(_metadata, fd, PART_B);
	}
	ASSERT_OK(pci_rem(fd, slot, PART_B));
	EXPECT_HOST_IRQS(self->edu, 0, 0);
}

/*
 * A guest that ignores the eject request: rem_pci times out and nothing
 * changes; --force takes the device anyway, and it works elsewhere.
 */
TEST_F_TIMEOUT(pci, rem_timeout_and_force, 600)
{
	int fd = self->fd;
	struct lpar_def d;
	struct lpar_slot s;
	unsigned int slot;
	__u64 t0;

	lpar_def_init(&d, PART_A, "PCIDEAF", 16 * MiB, 1, "spin");
	ASSERT_EQ(0, lpar__start(_metadata, fd, &d, LPAR_REPORT_PROGRESS, 1));
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	ASSERT_OK(pci_add(fd, slot, PART_A));
	t0 = now_ms();
	SLOT_REFUSED(fd, slot_cmd(fd, LPAR_PCI_REM, slot, PART_A, 0, 0, 1500),
		     ETIMEDOUT);
	EXPECT_LE(1400, now_ms() - t0);		/* it did wait */
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(PART_A, s.owner);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	/* Forced: the slot is free at once and usable by B. */
	ASSERT_OK(slot_cmd(fd, LPAR_PCI_REM, slot, PART_A, LPAR_PCI_FORCE, 0, 1500));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(LPAR_SLOT_FREE, s.state);
	EXPECT_EQ(LPAR_SLOT_NO_OWNER, s.owner);
	ASSERT_OK(pci_add(fd, slot, PART_B));
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_ERR));
	/* A is still running (it never noticed). */
	ASSERT_OK(lpar_status(fd, PART_A, &st_dummy));
	EXPECT_EQ(LPAR_STATE_OPERATING, st_dummy.state);
}

/* Bad input: a clear errno and nothing changed. */
TEST_F_TIMEOUT(pci, bad_input_changes_nothing, 900)
{
	int fd = self->fd;
	struct lpar_def d;
	struct lpar_slot s;
	struct lpar_status st;
	char drv[64];
	unsigned int slot, other = 0;

	/* Unknown and malformed BDFs. */
	SLOT_REFUSED(fd, slot_add(fd, "0000:7f:1f.7", 0, NULL), ENODEV, ENOENT);
	SLOT_REFUSED(fd, slot_add(fd, "not-a-bdf", 0, NULL), EINVAL);
	SLOT_REFUSED(fd, slot_add(fd, "", 0, NULL), EINVAL);
	SLOT_REFUSED(fd, slot_add(fd, self->edu, LPAR_MAX_SLOTS, NULL), EINVAL);

	slot = ADD_EDU();
	/* The device is a slot already; the slot number is taken. */
	SLOT_REFUSED(fd, slot_add(fd, self->edu, 0, NULL), EBUSY, EEXIST);
	if (self->nic[0])
		SLOT_REFUSED(fd, slot_add(fd, self->nic, slot, NULL), EBUSY, EEXIST);
	/* Nothing in these slots. */
	other = slot == 30 ? 29 : 30;
	SLOT_REFUSED(fd, pci_add(fd, other, PART_A), ENOENT, ENODEV);
	SLOT_REFUSED(fd, slot_remove(fd, other), ENOENT, ENODEV);
	SLOT_REFUSED(fd, pci_add(fd, 0, PART_A), EINVAL, ENOENT);
	/* Partition undefined, then defined but not active. */
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_A), ENOENT, ESRCH, ENODEV);
	lpar_def_init(&d, PART_A, "PCIA", 16 * MiB, 1, "hotplug");
	ASSERT_OK(lpar_define(fd, &d));
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_A), EINVAL, ESRCH, ENODEV, EBUSY);
	/* Flags and reserved values. */
	SLOT_REFUSED(fd, slot_cmd(fd, LPAR_PCI_ADD, slot, PART_A, 0x80, 0, 0), EINVAL);
	SLOT_REFUSED(fd, slot_cmd(fd, LPAR_PCI_ADD, slot, PART_A, LPAR_PCI_FORCE, 0, 0), EINVAL);

	ASSERT_OK(lpar_act(fd, PART_A));
	ASSERT_EQ(0, lpar__wait_state(_metadata, fd, PART_A, LPAR_STATE_OPERATING, T_ACT_MS));
	ASSERT_REPORT(fd, PART_A, LPAR_REPORT_PROGRESS, 0, T_REPORT_MS);
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	/* rem of an unassigned slot. */
	SLOT_REFUSED(fd, pci_rem(fd, slot, PART_A), EINVAL, ENOENT, ENODEV);
	ASSERT_OK(pci_add(fd, slot, PART_A));
	/* Double add; add to another partition; rem by a non-owner. */
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_A), EBUSY, EEXIST, EALREADY);
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_B), EBUSY);
	SLOT_REFUSED(fd, pci_rem(fd, slot, PART_B), EINVAL, EPERM, EBUSY, ENOENT);
	/* An owned slot cannot be released to the host. */
	SLOT_REFUSED(fd, slot_remove(fd, slot), EBUSY);
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_INS));

	/* The runner killed while holding the device: reset, back in the pool. */
	ASSERT_OK(lpar_status(fd, PART_A, &st));
	ASSERT_NE(0, st.runner_pid);
	ASSERT_EQ(0, kill(st.runner_pid, SIGKILL));
	ASSERT_EQ(0, lpar__wait_state(_metadata, fd, PART_A,
				      LPAR_STATE_FAILED, T_FAIL_MS));
	ASSERT_OK(wait_slot(fd, slot, LPAR_SLOT_FREE, LPAR_SLOT_NO_OWNER, 30000, &s));
	EXPECT_STREQ(self->edu, s.bdf);
	pci_driver(self->edu, drv, sizeof(drv));
	EXPECT_STREQ("vfio-pci", drv);
	/* A failed partition cannot take it. */
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_A), EINVAL, ESRCH, ENODEV, EBUSY);
	/* Usable again: B configures it and its DMA verifies. */
	ASSERT_OK(pci_add(fd, slot, PART_B));
	ASSERT_METRIC(fd, PART_B, M_INS, 1, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_ERR));
	ASSERT_OK(pci_rem(fd, slot, PART_B));
	ASSERT_OK(slot_remove(fd, slot));
}

/* ---- add_pci / rem_pci from inside a partition (LPAR_SC_PCI) ---------- */

#define PART_C		22

/*
 * Start pcictl.bin as partition @id: its name spells the LPAR_SC_PCI
 * requests it makes after boot (see selftests/guest/hotplug.c), @flags
 * are the definition's (LPAR_DEF_PCI_CONTROL or 0).
 */
static int start_pcictl(struct __test_metadata *_metadata, int fd,
			unsigned int id, const char *name, unsigned int flags)
{
	struct lpar_def d;

	lpar_def_init(&d, id, name, 16 * MiB, 1, "pcictl");
	d.flags |= flags;
	return lpar__start(_metadata, fd, &d, LPAR_REPORT_PROGRESS, 0);
}

/*
 * The seed's failover flow driven by the standby's own software: B,
 * defined with LPAR_DEF_PCI_CONTROL, asks for rem_pci of A's slot (A's
 * guest gets the eject request and releases it) and add_pci of it to
 * itself, polls both requests until they are done, takes the insertion
 * SCI and verifies an edu DMA round trip.  Both keep running.
 */
TEST_F_TIMEOUT(pci, guest_moves_slot_by_service_call, 900)
{
	int fd = self->fd;
	struct lpar_status a, b, a2, b2;
	struct lpar_slot s;
	struct lpar_def d;
	unsigned int slot;
	char name[64];

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);

	snprintf(name, sizeof(name), "CTL-r%up%u-a%u", slot, PART_A, slot);
	ASSERT_EQ(0, start_pcictl(_metadata, fd, PART_B, name,
				  LPAR_DEF_PCI_CONTROL));
	ASSERT_OK(lpar_get_def(fd, PART_B, &d));
	EXPECT_TRUE(d.flags & LPAR_DEF_PCI_CONTROL);
	ASSERT_EQ(0, lpar_wait_console(fd, PART_B, "ops done (2)", T_GUEST_MS))
		log_guest(_metadata, fd, PART_B);
	EXPECT_CONSOLE(fd, PART_B, "op 1 rem slot %u partition %u: status 1 ",
		       slot, PART_A);
	EXPECT_CONSOLE(fd, PART_B, "op 2 add slot %u partition %u: status 1 ",
		       slot, PART_B);

	/* The slot is B's; A released it through its eject handshake. */
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(PART_B, s.owner);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	EXPECT_EQ(1, s.enable);
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
	EXPECT_OK(lpar_wait_console(fd, PART_A, "released, eject 1", 10000));
	/* B took the insertion SCI and its DMA verifies. */
	ASSERT_METRIC(fd, PART_B, M_INS, 1, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_B, M_DMA, 1, T_GUEST_MS);
	ASSERT_REPORT(fd, PART_B, LPAR_REPORT_PASS, 1, T_GUEST_MS);

	/* Both keep running, without errors. */
	ASSERT_OK(lpar_status(fd, PART_A, &a));
	ASSERT_OK(lpar_status(fd, PART_B, &b));
	ASSERT_OK(lpar_wait_heartbeats(fd, PART_A, a.heartbeats + 2,
				       lpar_ms(30000), &a2));
	ASSERT_OK(lpar_wait_heartbeats(fd, PART_B, b.heartbeats + 2,
				       lpar_ms(30000), &b2));
	EXPECT_EQ(LPAR_STATE_OPERATING, a2.state);
	EXPECT_EQ(LPAR_STATE_OPERATING, b2.state);
	EXPECT_EQ(0, a2.guest_metric[M_ERR]);
	EXPECT_EQ(0, b2.guest_metric[M_ERR]);
	EXPECT_EQ(1, a2.guest_metric[M_INS]);
	EXPECT_EQ(1, b2.guest_metric[M_INS]);
	if (!_metadata->passed) {
		log_guest(_metadata, fd, PART_A);
		log_guest(_metadata, fd, PART_B);
	}

	/* The administrator can still take it back from B. */
	ASSERT_OK(pci_rem(fd, slot, PART_B));
	EXPECT_EQ(1, metric_of(fd, PART_B, M_EJ));
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(LPAR_SLOT_FREE, s.state);
}

/*
 * Without LPAR_DEF_PCI_CONTROL the same requests fail with
 * LPAR_SCCB_BAD_CMD: A keeps its slot and never sees an eject request.
 */
TEST_F_TIMEOUT(pci, service_call_needs_pci_control, 600)
{
	int fd = self->fd;
	struct lpar_status a;
	unsigned int slot;
	char name[64];

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
	slot_table(fd, &tab_before);

	snprintf(name, sizeof(name), "CTL-r%up%u-a%u", slot, PART_A, slot);
	ASSERT_EQ(0, start_pcictl(_metadata, fd, PART_B, name, 0));
	ASSERT_EQ(0, lpar_wait_console(fd, PART_B, "ops done (2)", T_GUEST_MS))
		log_guest(_metadata, fd, PART_B);
	EXPECT_CONSOLE(fd, PART_B, "op 1 rem slot %u partition %u: refused, sccb 0x%x",
		       slot, PART_A, LPAR_SCCB_BAD_CMD);
	EXPECT_CONSOLE(fd, PART_B, "op 2 add slot %u partition %u: refused, sccb 0x%x",
		       slot, PART_B, LPAR_SCCB_BAD_CMD);

	/* Nothing changed: give a request time to have run, had it been taken. */
	msleep(lpar_ms(2000));
	slot_table(fd, &tab_after);
	EXPECT_EQ(0, slot_table_cmp(&tab_before, &tab_after, tab_why,
				    sizeof(tab_why)))
		TH_LOG("refused requests changed the slot table: %s", tab_why);
	ASSERT_OK(lpar_status(fd, PART_A, &a));
	EXPECT_EQ(LPAR_STATE_OPERATING, a.state);
	EXPECT_EQ(0, a.guest_metric[M_EJ]);
	EXPECT_EQ(0, a.guest_metric[M_ERR]);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_INS));
	/* A's device still works: it still moves by the admin path. */
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
}

/*
 * Bad LPAR_SC_PCI requests end with status 2 + errno (or, malformed,
 * LPAR_SCCB_BAD_CMD) and change nothing: an unknown slot, add_pci to a
 * partition that is defined but not active, rem_pci of a slot the
 * partition does not have, a slot number out of range.
 */
TEST_F_TIMEOUT(pci, service_call_bad_requests, 600)
{
	int fd = self->fd;
	struct lpar_def d;
	struct lpar_status a, b;
	unsigned int slot, other;
	char name[64];

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	other = slot == 30 ? 29 : 30;
	lpar_def_init(&d, PART_C, "PCIC", 16 * MiB, 1, "hotplug");
	ASSERT_OK(lpar_define(fd, &d));
	slot_table(fd, &tab_before);

	snprintf(name, sizeof(name), "CTL-a%u-a%up%u-r%up%u-a40", other, slot,
		 PART_C, slot, PART_A);
	ASSERT_EQ(0, start_pcictl(_metadata, fd, PART_B, name,
				  LPAR_DEF_PCI_CONTROL));
	ASSERT_EQ(0, lpar_wait_console(fd, PART_B, "ops done (4)", T_GUEST_MS))
		log_guest(_metadata, fd, PART_B);
	EXPECT_CONSOLE(fd, PART_B, "op 1 add slot %u partition %u: status %u ",
		       other, PART_B, 2 + ENOENT);
	EXPECT_CONSOLE(fd, PART_B, "op 2 add slot %u partition %u: status %u ",
		       slot, PART_C, 2 + EINVAL);
	EXPECT_CONSOLE(fd, PART_B, "op 3 rem slot %u partition %u: status %u ",
		       slot, PART_A, 2 + EINVAL);
	EXPECT_CONSOLE(fd, PART_B, "op 4 add slot 40 partition %u: refused, sccb 0x%x",
		       PART_B, LPAR_SCCB_BAD_CMD);

	slot_table(fd, &tab_after);
	EXPECT_EQ(0, slot_table_cmp(&tab_before, &tab_after, tab_why,
				    sizeof(tab_why)))
		TH_LOG("bad requests changed the slot table: %s", tab_why);
	ASSERT_OK(lpar_status(fd, PART_A, &a));
	ASSERT_OK(lpar_status(fd, PART_B, &b));
	EXPECT_EQ(LPAR_STATE_OPERATING, a.state);
	EXPECT_EQ(LPAR_STATE_OPERATING, b.state);
	EXPECT_EQ(0, a.guest_metric[M_INS] + a.guest_metric[M_EJ]);
	EXPECT_EQ(0, b.guest_metric[M_INS] + b.guest_metric[M_ERR]);
	ASSERT_OK(lpar_status(fd, PART_C, &a));
	EXPECT_EQ(LPAR_STATE_DEACTIVATED, a.state);
	/* The slot is still free for anyone. */
	ASSERT_OK(pci_add(fd, slot, PART_A));
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
}

/* ---- rem_pci while add_pci is in progress ------------------------------ */

struct add_thread {
	int fd;
	unsigned int slot, id;
	int ret;
	__u64 ms;
};

static void *add_thread_fn(void *arg)
{
	struct add_thread *t = arg;
	__u64 t0 = now_ms();

	t->ret = pci_add(t->fd, t->slot, t->id);
	t->ms = now_ms() - t0;
	return NULL;
}

/*
 * add_pci whose runner is held (SIGSTOP: the SLOT_ATTACH order is not
 * acknowledged) stays "attaching"; meanwhile rem_pci, forced or not, a
 * second add_pci, enable and slot remove are refused with EBUSY at once
 * and change nothing.  The runner let go again (SIGCONT, well inside the
 * module's watchdog), the add completes and the guest uses the device.
 */
TEST_F_TIMEOUT(pci, rem_refused_while_add_in_progress, 600)
{
	int fd = self->fd;
	struct add_thread t = { .fd = fd, .ret = 1 };
	struct lpar_status st;
	struct lpar_slot s;
	pthread_t th;
	__u64 t_stop, held;
	pid_t runner;
	unsigned int slot;
	int r;

	ASSERT_EQ(0, start_guest(_metadata, fd, PART_A, "PCIA", "hotplug", 16 * MiB));
	ASSERT_EQ(0, start_guest(_metadata, fd, PART_B, "PCIB", "hotplug", 16 * MiB));
	slot = ADD_EDU();
	ASSERT_OK(lpar_status(fd, PART_A, &st));
	runner = st.runner_pid;
	ASSERT_NE(0, runner);

	t.slot = slot;
	t.id = PART_A;
	ASSERT_EQ(0, kill(runner, SIGSTOP));
	t_stop = now_ms();
	ASSERT_EQ(0, pthread_create(&th, NULL, add_thread_fn, &t));
	r = wait_slot(fd, slot, LPAR_SLOT_ATTACHING, PART_A, 2000, &s);
	if (r) {
		kill(runner, SIGCONT);
		pthread_join(th, NULL);
		TH_LOG("slot never seen attaching (add: %s)", errname(t.ret));
		ASSERT_OK(r);
	}
	EXPECT_EQ(1, s.enable);
	SLOT_REFUSED(fd, pci_rem(fd, slot, PART_A), EBUSY);
	SLOT_REFUSED(fd, slot_cmd(fd, LPAR_PCI_REM, slot, PART_A,
				  LPAR_PCI_FORCE, 0, 1000), EBUSY);
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_B), EBUSY);
	SLOT_REFUSED(fd, pci_add(fd, slot, PART_A), EBUSY, EALREADY);
	SLOT_REFUSED(fd, slot_enable(fd, slot, PART_A, 0), EBUSY);
	SLOT_REFUSED(fd, slot_remove(fd, slot), EBUSY);
	held = now_ms() - t_stop;
	ASSERT_EQ(0, kill(runner, SIGCONT));
	ASSERT_EQ(0, pthread_join(th, NULL));
	TH_LOG("runner held %llu ms; add_pci returned %s after %llu ms",
	       (unsigned long long)held, errname(t.ret),
	       (unsigned long long)t.ms);

	/* The add completes: the runner attaches late, the guest uses it. */
	ASSERT_OK(t.ret);
	ASSERT_OK(slot_info(fd, slot, &s));
	EXPECT_EQ(PART_A, s.owner);
	EXPECT_EQ(LPAR_SLOT_ASSIGNED, s.state);
	ASSERT_METRIC(fd, PART_A, M_INS, 1, T_GUEST_MS);
	ASSERT_METRIC(fd, PART_A, M_DMA, 1, T_GUEST_MS);
	ASSERT_OK(lpar_status(fd, PART_A, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	EXPECT_EQ(runner, (pid_t)st.runner_pid);
	EXPECT_EQ(0, metric_of(fd, PART_B, M_INS));
	/* And rem_pci now works. */
	ASSERT_OK(pci_rem(fd, slot, PART_A));
	EXPECT_EQ(1, metric_of(fd, PART_A, M_EJ));
	EXPECT_EQ(0, metric_of(fd, PART_A, M_ERR));
}
