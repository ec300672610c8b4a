// SPDX-License-Identifier: GPL-2.0
/* Shared helpers for the lpar selftests (see lpar_util.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "lpar_util.h"

unsigned int lpar_ms(unsigned int ms)
{
	const char *s = getenv("LPAR_TIMEOUT_SCALE");
	double f = s ? atof(s) : 1.0;

	if (f <= 0)
		f = 1.0;
	return (unsigned int)(ms * f);
}

unsigned long long lpar_test_size(void)
{
	const char *s = getenv("LPAR_TEST_MIB");
	unsigned long long mib = s ? strtoull(s, NULL, 0) : TEST_MIB;

	if (mib < 4)
		mib = 4;
	return mib * SZ_1M;
}

__u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const char *errname(int err)
{
	static __thread char buf[32];

	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENXIO: return "ENXIO";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EALREADY: return "EALREADY";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EOVERFLOW: return "EOVERFLOW";
	case ESRCH: return "ESRCH";
	case ECHILD: return "ECHILD";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int lpar_open(void)
{
	int fd = open(LPAR_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int lpar_version(int fd, struct lpar_version *v)
{
	memset(v, 0, sizeof(*v));
	v->argsz = sizeof(*v);
	return xioctl(fd, LPAR_GET_VERSION, v);
}

int lpar_pool(int fd, struct lpar_pool_info *p)
{
	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	return xioctl(fd, LPAR_POOL_INFO, p);
}

int lpar_pool_extent(int fd, struct lpar_extent *e)
{
	struct lpar_extent ext[16];
	struct lpar_pool_info p;
	int ret;

	memset(&p, 0, sizeof(p));
	memset(ext, 0, sizeof(ext));
	p.argsz = sizeof(p);
	p.nr_extents_max = 16;
	p.extents_ptr = (uintptr_t)ext;
	ret = xioctl(fd, LPAR_POOL_INFO, &p);
	if (ret)
		return ret;
	if (p.nr_extents_ret < 1)
		return -ENODATA;
	*e = ext[0];
	return 0;
}

const char *lpar_guest_path(const char *guest, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		n = 0;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(buf, len, "%s/guest/%s.bin", exe, guest);
	return buf;
}

void lpar_def_init(struct lpar_def *d, unsigned int id, const char *name,
		   unsigned long long size, unsigned int vcpus,
		   const char *guest)
{
	memset(d, 0, sizeof(*d));
	d->argsz = sizeof(*d);
	d->id = id;
	d->vcpus = vcpus;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->size = size;
	d->weight = 0;
	d->image_format = LPAR_IMAGE_FLAT64;
	d->load_addr = 0x100000;
	d->entry = 0;
	if (guest)
		lpar_guest_path(guest, d->image, sizeof(d->image));
}

int lpar_define(int fd, struct lpar_def *d)
{
	return xioctl(fd, LPAR_DEFINE, d);
}

int lpar_get_def(int fd, unsigned int id, struct lpar_def *d)
{
	memset(d, 0, sizeof(*d));
	d->argsz = sizeof(*d);
	d->id = id;
	return xioctl(fd, LPAR_GET_DEF, d);
}

int lpar_cmd(int fd, unsigned long req, unsigned int id, unsigned int flags,
	     unsigned int timeout_ms)
{
	struct lpar_cmd c = {
		.argsz = sizeof(c),
		.flags = flags,
		.id = id,
		.timeout_ms = timeout_ms,
	};

	return xioctl(fd, req, &c);
}

int lpar_undefine(int fd, unsigned int id)
{
	return lpar_cmd(fd, LPAR_UNDEFINE, id, 0, 0);
}

int lpar_act(int fd, unsigned int id)
{
	return lpar_cmd(fd, LPAR_ACT, id, 0, 0);
}

int lpar_deact(int fd, unsigned int id, unsigned int flags,
	       unsigned int timeout_ms)
{
	return lpar_cmd(fd, LPAR_DEACT, id, flags, timeout_ms);
}

int lpar_status(int fd, unsigned int id, struct lpar_status *st)
{
	memset(st, 0, sizeof(*st));
	st->argsz = sizeof(*st);
	st->id = id;
	return xioctl(fd, LPAR_GET_STATUS, st);
}

const char *lpar_state_name(unsigned int state)
{
	static const char * const names[] = {
		"undefined", "deactivated", "activating", "operating",
		"stopped", "deactivating", "failed",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

int lpar_wait_state(int fd, unsigned int id, unsigned int state,
		    unsigned int timeout_ms, struct lpar_status *out)
{
	__u64 end = now_ms() + lpar_ms(timeout_ms);
	struct lpar_status st;
	int ret;

	for (;;) {
		ret = lpar_status(fd, id, &st);
		if (out)
			*out = st;
		if (ret)
			return ret;
		if (st.state == state)
			return 0;
		if (st.state == LPAR_STATE_FAILED ||
		    (state == LPAR_STATE_OPERATING &&
		     st.state == LPAR_STATE_DEACTIVATED))
			return -EIO;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(50);
	}
}

int lpar_wait_report(int fd, unsigned int id, unsigned int code,
		     unsigned long long min, unsigned int timeout_ms,
		     struct lpar_status *out)
{
	__u64 end = now_ms() + lpar_ms(timeout_ms);
	struct lpar_status st;
	int ret;

	for (;;) {
		ret = lpar_status(fd, id, &st);
		if (out)
			*out = st;
		if (ret)
			return ret;
		if (st.report_code == code && st.report_value >= min)
			return 0;
		if (st.report_code == LPAR_REPORT_FAIL && code != LPAR_REPORT_FAIL)
			return -EIO;
		if (st.state != LPAR_STATE_OPERATING &&
		    st.state != LPAR_STATE_ACTIVATING &&
		    st.state != LPAR_STATE_STOPPED)
			return -EIO;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(50);
	}
}

int lpar_wait_heartbeats(int fd, unsigned int id, unsigned long long min,
			 unsigned int timeout_ms, struct lpar_status *out)
{
	__u64 end = now_ms() + lpar_ms(timeout_ms);
	struct lpar_status st;
	int ret;

	for (;;) {
		ret = lpar_status(fd, id, &st);
		if (out)
			*out = st;
		if (ret)
			return ret;
		if (st.heartbeats >= min)
			return 0;
		if (st.state != LPAR_STATE_OPERATING &&
		    st.state != LPAR_STATE_ACTIVATING)
			return -EIO;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(50);
	}
}

ssize_t lpar_console(int fd, unsigned int id, char *buf, size_t len)
{
	unsigned long long pos = 0;
	size_t got = 0;
	int i;

	if (!len)
		return -EINVAL;
	/* Bounded: the log keeps 64 KiB, a read returns some of it. */
	for (i = 0; i < 1024 && got + 1 < len; i++) {
		struct lpar_console c = {
			.argsz = sizeof(c),
			.id = id,
			.len = (unsigned int)(len - 1 - got),
			.pos = pos,
			.buf_ptr = (uintptr_t)(buf + got),
		};
		int ret = xioctl(fd, LPAR_CONSOLE_READ, &c);

		if (ret)
			return ret;
		if (c.len > len - 1 - got)
			return -EOVERFLOW;
		got += c.len;
		if (c.len == 0 || c.pos >= c.head)
			break;
		pos = c.pos;
	}
	buf[got] = 0;
	return got;
}

int lpar_wait_console(int fd, unsigned int id, const char *needle,
		      unsigned int timeout_ms)
{
	__u64 end = now_ms() + lpar_ms(timeout_ms);
	static char buf[65536 + 1];
	struct lpar_status st;
	ssize_t n;

	for (;;) {
		n = lpar_console(fd, id, buf, sizeof(buf));
		if (n < 0)
			return n;
		if (strstr(buf, needle))
			return 0;
		/* No more output to come: a guest that failed or stopped running. */
		if (lpar_status(fd, id, &st) == 0 &&
		    (st.report_code == LPAR_REPORT_FAIL ||
		     (st.state != LPAR_STATE_ACTIVATING &&
		      st.state != LPAR_STATE_OPERATING &&
		      st.state != LPAR_STATE_STOPPED)))
			return -EIO;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(100);
	}
}

int lpar_start(int fd, struct lpar_def *d, unsigned int code,
	       unsigned long long min, struct lpar_status *st)
{
	int ret = lpar_define(fd, d);

	if (ret)
		return ret;
	ret = lpar_act(fd, d->id);
	if (ret)
		return ret;
	ret = lpar_wait_state(fd, d->id, LPAR_STATE_OPERATING, T_ACT_MS, st);
	if (ret)
		return ret;
	return lpar_wait_report(fd, d->id, code, min, T_REPORT_MS, st);
}

int sysfs_read(const char *rel, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", LPAR_SYSFS, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int sysfs_write(const char *rel, const char *val)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", LPAR_SYSFS, rel);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

int lpar_start_mover(int fd, unsigned int id, const char *name,
		     unsigned long long origin, unsigned long long size)
{
	struct lpar_def d;

	lpar_def_init(&d, id, name, size, 1, "mover");
	d.flags |= LPAR_DEF_ORIGIN;
	d.origin = origin;
	return lpar_start(fd, &d, LPAR_REPORT_PROGRESS, 1, NULL);
}

unsigned long long lpar_progress_round(int fd, unsigned int id)
{
	struct lpar_status st;

	if (lpar_status(fd, id, &st) || st.report_code != LPAR_REPORT_PROGRESS)
		return 0;
	return st.report_value;
}

int lpar_param_write(const char *name, const char *val)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "../../module/lpar/parameters/%s", name);
	/* A write of 0 bytes would not reach the parameter: "" is "\n". */
	return sysfs_write(rel, *val ? val : "\n");
}

int lpar_param_get(const char *name, char *buf, size_t len)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "../../module/lpar/parameters/%s", name);
	return sysfs_read(rel, buf, len);
}

long lpar_param_read(const char *name)
{
	char buf[32];

	if (lpar_param_get(name, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

int part_attr_read(unsigned int id, const char *attr, char *buf, size_t len)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "partitions/%u/%s", id, attr);
	return sysfs_read(rel, buf, len);
}

int part_attr_write(unsigned int id, const char *attr, const char *val)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "partitions/%u/%s", id, attr);
	return sysfs_write(rel, val);
}

bool part_dir_exists(unsigned int id)
{
	char path[256];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/partitions/%u", LPAR_SYSFS, id);
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int part_wait_attr(unsigned int id, const char *attr, const char *want,
		   unsigned int timeout_ms)
{
	__u64 end = now_ms() + lpar_ms(timeout_ms);
	char buf[256];
	int ret;

	for (;;) {
		ret = part_attr_read(id, attr, buf, sizeof(buf));
		if (ret)
			return ret;
		if (!strcmp(buf, want))
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(50);
	}
}

int lpar_cleanup_all(int fd)
{
	struct lpar_version v;
	struct lpar_status st;
	unsigned int id, max;
	int n = 0;

	if (lpar_version(fd, &v) || !v.max_partitions)
		max = LPAR_MAX_PARTITIONS;
	else
		max = v.max_partitions;
	for (id = 0; id < max; id++) {
		if (lpar_status(fd, id, &st))
			continue;
		if (st.state == LPAR_STATE_UNDEFINED)
			continue;
		if (st.state != LPAR_STATE_DEACTIVATED) {
			lpar_deact(fd, id, LPAR_DEACT_FORCE, 0);
			lpar_wait_state(fd, id, LPAR_STATE_DEACTIVATED,
					T_DEACT_MS, NULL);
		}
		if (!lpar_undefine(fd, id))
			n++;
	}
	return n;
}

bool pid_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool alive = false;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		p = strrchr(buf, ')');
		alive = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	}
	fclose(f);
	return alive;
}

int lpar_snapshot(int fd, struct lpar_snapshot *s)
{
	struct lpar_version v;
	struct lpar_status st;
	unsigned int id;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = lpar_version(fd, &v);
	if (ret)
		return ret;
	s->nr = v.max_partitions < LPAR_MAX_PARTITIONS ?
		v.max_partitions : LPAR_MAX_PARTITIONS;
	ret = lpar_pool(fd, &s->pool);
	if (ret)
		return ret;
	for (id = 0; id < s->nr; id++) {
		struct lpar_part_snap *p = &s->part[id];

		if (lpar_get_def(fd, id, &p->def)) {
			memset(&p->def, 0, sizeof(p->def));
			continue;
		}
		p->defined = true;
		if (lpar_status(fd, id, &st) == 0) {
			p->state = st.state;
			p->origin = st.origin;
			p->size = st.size;
			p->runner_pid = st.runner_pid;
			p->activations = st.activations;
		}
	}
	if (sysfs_read("pool/map", s->map, sizeof(s->map)))
		s->map[0] = 0;
	return 0;
}

int lpar_snapshot_cmp(const struct lpar_snapshot *a,
		      const struct lpar_snapshot *b, char *why, size_t len)
{
	const struct lpar_pool_info *pa = &a->pool, *pb = &b->pool;
	unsigned int id;

	if (pa->total != pb->total || pa->free != pb->free ||
	    pa->largest_free != pb->largest_free ||
	    pa->nr_extents != pb->nr_extents) {
		snprintf(why, len,
			 "pool changed: total %llu->%llu free %llu->%llu largest %llu->%llu",
			 pa->total, pb->total, pa->free, pb->free,
			 pa->largest_free, pb->largest_free);
		return 1;
	}
	if (a->nr != b->nr) {
		snprintf(why, len, "max_partitions changed");
		return 1;
	}
	for (id = 0; id < a->nr; id++) {
		const struct lpar_part_snap *x = &a->part[id], *y = &b->part[id];

		if (x->defined != y->defined) {
			snprintf(why, len, "partition %u %s", id,
				 x->defined ? "disappeared" : "appeared");
			return 1;
		}
		if (!x->defined)
			continue;
		if (memcmp(&x->def, &y->def, sizeof(x->def))) {
			snprintf(why, len, "partition %u definition changed", id);
			return 1;
		}
		if (x->state != y->state || x->origin != y->origin ||
		    x->size != y->size || x->runner_pid != y->runner_pid ||
		    x->activations != y->activations) {
			snprintf(why, len,
				 "partition %u status changed: state %s->%s origin 0x%llx->0x%llx activations %u->%u runner %u->%u",
				 id, lpar_state_name(x->state),
				 lpar_state_name(y->state), x->origin, y->origin,
				 x->activations, y->activations,
				 x->runner_pid, y->runner_pid);
			return 1;
		}
	}
	if (strcmp(a->map, b->map)) {
		snprintf(why, len, "sysfs pool/map changed:\n%s\n--->\n%s",
			 a->map, b->map);
		return 1;
	}
	return 0;
}
