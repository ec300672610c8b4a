// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: on-line patch (OLP) of lpar.ko while partitions run.
 *
 * Uses the example patch module and patch files that "make olp-patch"
 * builds in olp/example: sc_level2.olp (lpar_sc_info() answers code
 * level 2; a DATA entry sets attach_timeout_ms to 12345), busy.olp
 * (runner_wait(), where every runner sleeps), freeze.olp
 * (lpar_relocate_ioctl() refuses) and bench10.olp.  The olp
 * guest asks LPAR_SC_INFO in a loop and reports the level it sees.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lpar_test.h"

#define PATCH_MODULE	"lpar_olp_example"
#define ATTACH_DEFAULT	"20000"		/* attach_timeout_ms in lpar.ko */
#define T_GUEST_MS	120000

FIXTURE(olp) {
	int fd;
	char dir[4096];			/* olp/example */
};

static void example_dir(char *buf, size_t len)
{
	char exe[2048];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	exe[n > 0 ? n : 0] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(buf, len, "%s/../olp/example", exe);
}

static int mod_insert(const char *dir)
{
	char path[4200];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, PATCH_MODULE);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		ret = -errno;
	close(fd);
	return ret;
}

static int mod_remove(void)
{
	return syscall(SYS_delete_module, PATCH_MODULE, O_NONBLOCK) ? -errno : 0;
}

static bool mod_loaded(void)
{
	return access("/sys/module/" PATCH_MODULE, F_OK) == 0;
}

/* The file's bytes in *buf (malloc'd); its size or -errno. */
static ssize_t read_patch(const char *dir, const char *name, unsigned char **buf)
{
	char path[4200];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.olp", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*buf = malloc(LPAR_OLP_MAX_FILE);
	n = read(fd, *buf, LPAR_OLP_MAX_FILE);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int olp_load(int fd, const void *data, size_t len)
{
	struct lpar_olp_load l = {
		.argsz = sizeof(l),
		.len = len,
		.data_ptr = (uintptr_t)data,
	};

	return ioctl(fd, LPAR_OLP_LOAD, &l) ? -errno : 0;
}

static int olp_load_file(int fd, const char *dir, const char *name)
{
	unsigned char *buf = NULL;
	ssize_t n = read_patch(dir, name, &buf);
	int ret = n < 0 ? n : olp_load(fd, buf, n);

	free(buf);
	return ret;
}

static int olp_cmd(int fd, unsigned long req, unsigned int timeout_ms,
		   struct lpar_olp_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->timeout_ms = timeout_ms;
	return ioctl(fd, req, c) ? -errno : 0;
}

static int olp_status(int fd, struct lpar_olp_status *s,
		      struct lpar_olp_entry_status *e, unsigned int nr)
{
	memset(s, 0, sizeof(*s));
	s->argsz = sizeof(*s);
	s->nr_max = nr;
	s->entries_ptr = (uintptr_t)e;
	return ioctl(fd, LPAR_OLP_STATUS, s) ? -errno : 0;
}

static int olp_sysfs_int(const char *rel)
{
	char buf[64];

	if (sysfs_read(rel, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

/* Revert and unload whatever is loaded; remove the patch module. */
static void olp_reset(int fd)
{
	struct lpar_olp_cmd c;

	olp_cmd(fd, LPAR_OLP_REVERT, 0, &c);
	olp_cmd(fd, LPAR_OLP_UNLOAD, 0, &c);
}

FIXTURE_SETUP(olp)
{
	int fd = lpar_open(), ret;

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	lpar_cleanup_all(fd);
	olp_reset(fd);
	lpar_param_write("attach_timeout_ms", ATTACH_DEFAULT);
	example_dir(self->dir, sizeof(self->dir));
	ret = mod_insert(self->dir);
	if (ret)
		TH_LOG("%s/%s.ko: %s (build it with \"make olp-patch\")",
		       self->dir, PATCH_MODULE, errname(ret));
	ASSERT_OK(ret);
}

FIXTURE_TEARDOWN(olp)
{
	lpar_cleanup_all(self->fd);
	olp_reset(self->fd);
	mod_remove();
	lpar_param_write("attach_timeout_ms", ATTACH_DEFAULT);
	lpar_param_write("olp_test_gap_ms", "0");
	close(self->fd);
}

/* Samples the guest's iteration counter; records the longest standstill. */
struct sampler {
	int fd;
	unsigned int id;
	int stop;			/* __atomic */
	__u64 longest_ms;
	__u64 samples;
	pthread_t thread;
};

static void *sampler_fn(void *arg)
{
	struct sampler *s = arg;
	struct lpar_status st;
	__u64 last_n = 0, last_t = now_ms(), t;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		if (lpar_status(s->fd, s->id, &st) == 0) {
			t = now_ms();
			if (st.guest_metric[0] != last_n) {
				last_n = st.guest_metric[0];
				last_t = t;
			} else if (t - last_t > s->longest_ms) {
				s->longest_ms = t - last_t;
			}
			s->samples++;
		}
		msleep(20);
	}
	return NULL;
}

static int wait_metric(int fd, unsigned int id, int idx, __u64 want,
		       bool at_least, unsigned int ms, struct lpar_status *st)
{
	__u64 end = now_ms() + lpar_ms(ms);

	for (;;) {
		int ret = lpar_status(fd, id, st);

		if (ret)
			return ret;
		if (st->report_code == LPAR_REPORT_FAIL)
			return -EIO;
		if (at_least ? st->guest_metric[idx] >= want :
			       st->guest_metric[idx] == want)
			return 0;
		if (now_ms() > end)
			return -ETIMEDOUT;
		msleep(20);
	}
}

/*
 * The hot path: lpar_sc_info() is replaced while the guest calls it in a
 * loop; the guest sees level 2 and never stops; applying again changes
 * nothing; the patch module cannot go while applied; revert gives level 1.
 */
TEST_F_TIMEOUT(olp, apply_revert_hot_path, 600)
{
	struct lpar_olp_entry_status es[4];
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	struct lpar_status st;
	struct sampler smp = { .fd = self->fd, .id = 1 };
	struct lpar_def d;
	__u64 n0;
	char buf[64];

	lpar_def_init(&d, 1, "olp", lpar_test_size(), 1, "olp");
	ASSERT_OK(lpar_start(self->fd, &d, LPAR_REPORT_PROGRESS, 1, &st));
	ASSERT_OK(wait_metric(self->fd, 1, 0, 20, true, T_GUEST_MS, &st));
	EXPECT_EQ(1, st.guest_metric[1]);

	ASSERT_OK(olp_load_file(self->fd, self->dir, "sc_level2"));
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(LPAR_OLP_LOADED, s.flags);
	EXPECT_STREQ("sc_level2", s.name);
	EXPECT_STREQ(PATCH_MODULE, s.module);
	ASSERT_EQ(2, s.nr_entries);
	EXPECT_EQ(0, s.nr_applied);
	EXPECT_STREQ("lpar_sc_info", es[0].target);
	EXPECT_EQ(LPAR_OLP_FUNC, es[0].kind);
	EXPECT_EQ(LPAR_OLP_DATA, es[1].kind);
	EXPECT_EQ(0, es[0].applied);
	EXPECT_EQ(0, olp_sysfs_int("olp/k0"));
	EXPECT_EQ(0, olp_sysfs_int("olp/k1"));
	EXPECT_EQ(0, olp_sysfs_int("olp/entries/0/applied"));
	ASSERT_OK(sysfs_read("olp/state", buf, sizeof(buf)));
	EXPECT_STREQ("loaded", buf);

	ASSERT_EQ(0, pthread_create(&smp.thread, NULL, sampler_fn, &smp));
	msleep(500);
	n0 = st.guest_metric[0];
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c));
	EXPECT_EQ(2, c.applied);
	EXPECT_EQ(0, c.mismatches);
	EXPECT_LT(0, c.window_ns);
	TH_LOG("apply: stop window %llu ns", (unsigned long long)c.window_ns);
	EXPECT_EQ(12345, lpar_param_read("attach_timeout_ms"));
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(LPAR_OLP_LOADED, s.flags);	/* K0, K1 cleared */
	EXPECT_EQ(2, s.nr_applied);
	EXPECT_EQ(1, es[0].applied);
	EXPECT_EQ(1, es[1].applied);
	EXPECT_EQ(0, s.last_result);
	EXPECT_EQ(1, olp_sysfs_int("olp/entries/0/applied"));
	EXPECT_EQ(1, olp_sysfs_int("olp/entries/1/applied"));
	ASSERT_OK(sysfs_read("olp/state", buf, sizeof(buf)));
	EXPECT_STREQ("applied", buf);

	/* The guest sees the new code, and goes on. */
	ASSERT_OK(wait_metric(self->fd, 1, 1, 2, false, T_GUEST_MS, &st));
	n0 = st.guest_metric[0];
	ASSERT_OK(wait_metric(self->fd, 1, 0, n0 + 20, true, T_GUEST_MS, &st));
	EXPECT_EQ(2, st.guest_metric[1]);

	/* Again: a no-op. */
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c));
	EXPECT_EQ(2, c.applied);
	EXPECT_EQ(0, c.window_ns);
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(2, s.nr_applied);

	/* Pinned while applied; unload refused while applied. */
	EXPECT_ERRNO(mod_remove(), EWOULDBLOCK, EBUSY);
	EXPECT_TRUE(mod_loaded());
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c), EBUSY);

	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 0, &c));
	EXPECT_EQ(0, c.applied);
	EXPECT_EQ(0, c.mismatches);
	EXPECT_EQ(20000, lpar_param_read("attach_timeout_ms"));
	ASSERT_OK(wait_metric(self->fd, 1, 1, 1, false, T_GUEST_MS, &st));
	n0 = st.guest_metric[0];
	ASSERT_OK(wait_metric(self->fd, 1, 0, n0 + 20, true, T_GUEST_MS, &st));
	EXPECT_EQ(1, st.guest_metric[1]);
	/* 0 -> 1 at start, 1 -> 2 at apply, 2 -> 1 at revert: no flapping. */
	EXPECT_EQ(3, st.guest_metric[2]);
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(0, s.nr_applied);
	EXPECT_EQ(0, es[0].applied);
	EXPECT_EQ(0, es[1].applied);

	__atomic_store_n(&smp.stop, 1, __ATOMIC_RELEASE);
	pthread_join(smp.thread, NULL);
	TH_LOG("guest: %llu iterations, longest pause %llu TSC ticks",
	       (unsigned long long)st.guest_metric[0],
	       (unsigned long long)st.guest_metric[3]);
	TH_LOG("host saw no progress for at most %llu ms (%llu samples)",
	       (unsigned long long)smp.longest_ms,
	       (unsigned long long)smp.samples);
	EXPECT_LT(smp.longest_ms, lpar_ms(3000));
	ASSERT_OK(lpar_status(self->fd, 1, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);

	/* Released after revert. */
	EXPECT_OK(mod_remove());
	EXPECT_FALSE(mod_loaded());
	EXPECT_OK(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c));
	ASSERT_OK(olp_status(self->fd, &s, NULL, 0));
	EXPECT_EQ(0, s.flags);
}

/* Change the first compared byte of the first entry's old data. */
static bool flip_func_byte(unsigned char *buf)
{
	struct lpar_olp_file_entry *e = (void *)(buf + sizeof(struct lpar_olp_file_hdr));
	unsigned char *old = (unsigned char *)(e + 1);
	unsigned char *mask = old + e->length;
	unsigned int i;

	for (i = 0; i < e->length; i++) {
		if (!mask[i]) {
			old[i] ^= 0xff;
			return true;
		}
	}
	return false;
}

/* Old data that do not match: reported, nothing of the patch applied. */
TEST_F(olp, mismatch_all_or_nothing)
{
	struct lpar_olp_entry_status es[4];
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	unsigned char *buf = NULL;
	ssize_t n;

	/* The DATA entry expects attach_timeout_ms at its initial value. */
	ASSERT_OK(lpar_param_write("attach_timeout_ms", "777"));
	ASSERT_OK(olp_load_file(self->fd, self->dir, "sc_level2"));
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c), EILSEQ);
	EXPECT_EQ(1, c.mismatches);
	EXPECT_EQ(0, c.applied);
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(LPAR_OLP_LOADED, s.flags);
	EXPECT_EQ(0, s.nr_applied);
	EXPECT_EQ(-EILSEQ, s.last_result);
	EXPECT_EQ(0, es[0].applied);
	EXPECT_EQ(0, es[0].mismatch);
	EXPECT_EQ(0, es[1].applied);
	EXPECT_EQ(1, es[1].mismatch);
	EXPECT_EQ(1, olp_sysfs_int("olp/entries/1/mismatch"));
	EXPECT_EQ(777, lpar_param_read("attach_timeout_ms"));
	/* Nothing pins the patch module. */
	EXPECT_OK(mod_remove());
	ASSERT_OK(mod_insert(self->dir));

	/* With the expected value back, the same patch applies whole. */
	ASSERT_OK(lpar_param_write("attach_timeout_ms", ATTACH_DEFAULT));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c));
	EXPECT_EQ(2, c.applied);
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(0, es[1].mismatch);
	/* Revert checks the new data are still there. */
	ASSERT_OK(lpar_param_write("attach_timeout_ms", "778"));
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_REVERT, 0, &c), EILSEQ);
	EXPECT_EQ(2, c.applied);
	ASSERT_OK(lpar_param_write("attach_timeout_ms", "12345"));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 0, &c));
	EXPECT_EQ(0, c.applied);
	EXPECT_EQ(20000, lpar_param_read("attach_timeout_ms"));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c));

	/* A FUNC entry whose old text differs (one byte of its data). */
	n = read_patch(self->dir, "sc_level2", &buf);
	ASSERT_LT(0, n);
	ASSERT_TRUE(flip_func_byte(buf));
	ASSERT_OK(olp_load(self->fd, buf, n));
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c), EILSEQ);
	EXPECT_EQ(1, c.mismatches);
	ASSERT_OK(olp_status(self->fd, &s, es, 4));
	EXPECT_EQ(0, s.nr_applied);
	EXPECT_EQ(1, es[0].mismatch);
	EXPECT_EQ(0, es[1].mismatch);
	EXPECT_EQ(20000, lpar_param_read("attach_timeout_ms"));
	EXPECT_OK(mod_remove());
	free(buf);
}

static unsigned char *entry_at(unsigned char *buf, unsigned int idx)
{
	unsigned char *p = buf + sizeof(struct lpar_olp_file_hdr);

	while (idx--)
		p += ((struct lpar_olp_file_entry *)p)->size;
	return p;
}

/* Bad patch files: each refused with its errno, nothing loaded. */
TEST_F(olp, bad_files)
{
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	unsigned char *good = NULL, *b = malloc(LPAR_OLP_MAX_FILE);
	struct lpar_olp_file_hdr *h = (void *)b;
	struct lpar_olp_file_entry *e0, *e1;
	ssize_t n = read_patch(self->dir, "sc_level2", &good);
	size_t len;
	int i, ret;

	ASSERT_LT(0, n);
	for (i = 0; i < 20; i++) {
		const char *what;
		int want;

		memcpy(b, good, n);
		len = n;
		e0 = (void *)entry_at(b, 0);
		e1 = (void *)entry_at(b, 1);
		switch (i) {
		case 0:
			what = "truncated by one byte";
			len = n - 1;
			want = EINVAL;
			break;
		case 1:
			what = "truncated in the header";
			len = 100;
			want = EINVAL;
			break;
		case 2:
			what = "truncated in an entry, header adjusted";
			len = n - 10;
			h->file_size = len;
			want = EINVAL;
			break;
		case 3:
			what = "entry size does not match its length";
			e0->size += 1;
			want = EINVAL;
			break;
		case 4:
			what = "entry length 0";
			e1->length = 0;
			want = EINVAL;
			break;
		case 5:
			what = "entry length too large";
			e1->length = LPAR_OLP_MAX_LEN + 1;
			e1->size = sizeof(*e1) + 2 * e1->length;
			want = EINVAL;
			break;
		case 6:
			what = "unknown symbol";
			strcpy(e0->target, "lpar_no_such_function");
			want = ENOENT;
			break;
		case 7:
			what = "target outside lpar.ko (kernel symbol)";
			strcpy(e0->target, "printk");
			want = ENOENT;
			break;
		case 8:
			what = "DATA beyond its variable";
			e1->offset = 4096;
			want = ERANGE;
			break;
		case 9:
			what = "DATA into lpar.ko's text";
			strcpy(e1->target, "lpar_sc_info");
			want = ERANGE;
			break;
		case 10:
			what = "FUNC longer than its function";
			strcpy(e0->target, "lpar_storage_put");
			want = ERANGE;
			break;
		case 11:
			what = "duplicate entry";
			memcpy(e1, e0, e0->size);
			len = (unsigned char *)e1 + e0->size - b;
			h->file_size = len;
			want = EEXIST;
			break;
		case 12:
			what = "unknown patch module";
			strcpy(h->module, "lpar_olp_nope");
			want = ENXIO;
			break;
		case 13:
			what = "unknown replacement function";
			strcpy(e0->new_sym, "new_nope");
			want = ENOENT;
			break;
		case 14:
			what = "bad magic";
			h->magic ^= 1;
			want = EINVAL;
			break;
		case 15:
			what = "no entries";
			h->nr_entries = 0;
			want = EINVAL;
			break;
		case 16:
			what = "bytes after the last entry";
			b[n] = 0;
			len = n + 1;
			h->file_size = len;
			want = EINVAL;
			break;
		case 17:
			what = "FUNC not at offset 0";
			e0->offset = 1;
			want = EINVAL;
			break;
		case 18:
			what = "target is OLP itself";
			strcpy(e1->target, "olp_timeout_ms");
			want = EPERM;
			break;
		default:
			what = "bad kind";
			e1->kind = 7;
			want = EINVAL;
			break;
		}
		ret = olp_load(self->fd, b, len);
		EXPECT_EQ(-want, ret)
			TH_LOG("case %d: %s: got %s, want %s", i, what,
			       errname(ret), errname(-want));
		ASSERT_OK(olp_status(self->fd, &s, NULL, 0));
		EXPECT_EQ(0, s.flags) TH_LOG("case %d: %s: kept", i, what);
		if (s.flags)
			olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c);
	}
	/* The good one loads; a second load is refused while it is there. */
	ASSERT_OK(olp_load(self->fd, good, n));
	EXPECT_ERRNO(olp_load(self->fd, good, n), EBUSY);
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_APPLY, 70000, &c), EINVAL);
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c));
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c), ENOENT);
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c), ENOENT);
	/* Without the patch module a FUNC patch cannot load. */
	EXPECT_OK(mod_remove());
	EXPECT_ERRNO(olp_load(self->fd, good, n), ENXIO);
	free(good);
	free(b);
}

struct applier {
	int fd;
	unsigned int timeout_ms;
	int ret;
	struct lpar_olp_cmd c;
	int done;			/* __atomic */
};

static void *applier_fn(void *arg)
{
	struct applier *a = arg;

	a->ret = olp_cmd(a->fd, LPAR_OLP_APPLY, a->timeout_ms, &a->c);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * K0/K1 seen from a second thread while apply waits for its stack check:
 * busy.olp replaces runner_wait(), in which every runner sleeps, so it
 * cannot pass while partitions run and is aborted on its timeout; with no
 * partition left it applies, and a partition runs on the replacement.
 */
TEST_F_TIMEOUT(olp, k0k1_stack_check_timeout, 600)
{
	struct lpar_olp_entry_status es[2];
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	struct lpar_status st;
	struct applier a = { .fd = self->fd, .timeout_ms = 2000 };
	struct lpar_def d;
	pthread_t t;
	bool seen_ioctl = false, seen_sysfs = false, applied_during = false;
	unsigned int id;
	__u64 hb;

	for (id = 1; id <= 2; id++) {
		char name[16];

		snprintf(name, sizeof(name), "busy%u", id);
		lpar_def_init(&d, id, name, lpar_test_size(), 1, "olp");
		ASSERT_OK(lpar_start(self->fd, &d, LPAR_REPORT_PROGRESS, 1, &st));
	}
	ASSERT_OK(olp_load_file(self->fd, self->dir, "busy"));
	ASSERT_OK(olp_status(self->fd, &s, es, 2));
	EXPECT_EQ(LPAR_OLP_LOADED, s.flags);

	ASSERT_EQ(0, pthread_create(&t, NULL, applier_fn, &a));
	while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE)) {
		ASSERT_OK(olp_status(self->fd, &s, es, 2));
		if ((s.flags & (LPAR_OLP_K0 | LPAR_OLP_K1)) ==
		    (LPAR_OLP_K0 | LPAR_OLP_K1))
			seen_ioctl = true;
		if (es[0].applied)
			applied_during = true;
		if (olp_sysfs_int("olp/k0") == 1 && olp_sysfs_int("olp/k1") == 1)
			seen_sysfs = true;
		msleep(20);
	}
	pthread_join(t, NULL);
	EXPECT_TRUE(seen_ioctl);
	EXPECT_TRUE(seen_sysfs);
	EXPECT_FALSE(applied_during);
	EXPECT_EQ(-ETIMEDOUT, a.ret);
	EXPECT_EQ(0, a.c.applied);
	ASSERT_OK(olp_status(self->fd, &s, es, 2));
	EXPECT_EQ(LPAR_OLP_LOADED, s.flags);
	EXPECT_EQ(-ETIMEDOUT, s.last_result);
	EXPECT_EQ(0, es[0].applied);
	EXPECT_EQ(0, olp_sysfs_int("olp/k0"));
	EXPECT_EQ(0, olp_sysfs_int("olp/k1"));
	/* The aborted apply left nothing behind: the module can go. */
	EXPECT_OK(mod_remove());
	ASSERT_OK(mod_insert(self->dir));

	/* The partitions never stopped. */
	for (id = 1; id <= 2; id++) {
		ASSERT_OK(lpar_status(self->fd, id, &st));
		EXPECT_EQ(LPAR_STATE_OPERATING, st.state)
			TH_LOG("partition %u: %s", id, st.reason);
		hb = st.guest_metric[0];
		ASSERT_OK(wait_metric(self->fd, id, 0, hb + 10, true,
				      T_GUEST_MS, &st));
	}

	/* No runner left: the stack check passes. */
	for (id = 1; id <= 2; id++)
		ASSERT_OK(lpar_deact(self->fd, id, 0, 0));
	for (id = 1; id <= 2; id++)
		ASSERT_OK(lpar_wait_state(self->fd, id,
					  LPAR_STATE_DEACTIVATED, T_DEACT_MS,
					  NULL));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 2000, &c));
	EXPECT_EQ(1, c.applied);
	/* A runner now waits for its orders in the replacement. */
	ASSERT_OK(lpar_act(self->fd, 1));
	ASSERT_OK(lpar_wait_state(self->fd, 1, LPAR_STATE_OPERATING,
				  T_ACT_MS, &st));
	ASSERT_OK(wait_metric(self->fd, 1, 0, 10, true, T_GUEST_MS, &st));
	/* ... so revert cannot pass now either, */
	EXPECT_ERRNO(olp_cmd(self->fd, LPAR_OLP_REVERT, 300, &c),
		     ETIMEDOUT);
	EXPECT_EQ(1, c.applied);
	EXPECT_ERRNO(mod_remove(), EWOULDBLOCK, EBUSY);
	/* ... and the replacement takes orders: deact works. */
	ASSERT_OK(lpar_deact(self->fd, 1, 0, 0));
	ASSERT_OK(lpar_wait_state(self->fd, 1, LPAR_STATE_DEACTIVATED,
				  T_DEACT_MS, NULL));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 2000, &c));
	EXPECT_EQ(0, c.applied);
	EXPECT_OK(mod_remove());
}

/* CALIBRATE: empty stop_machine windows. */
TEST_F(olp, calibrate)
{
	struct lpar_olp_cmd c;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.count = 5;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_OLP_CALIBRATE, &c));
	EXPECT_LT(0, c.window_ns);
	TH_LOG("empty stop_machine: median %llu ns",
	       (unsigned long long)c.window_ns);
	c.count = 0;
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_OLP_CALIBRATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.count = 1;
	c.flags = 0x80;
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_OLP_CALIBRATE, &c));
	EXPECT_EQ(EINVAL, errno);
	/* Prepared: as an apply of the loaded patch would, window empty. */
	c.flags = LPAR_OLP_CAL_PREPARED;
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_OLP_CALIBRATE, &c));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_OK(olp_load_file(self->fd, self->dir, "bench10"));
	c.count = 3;
	c.window_ns = 0;
	ASSERT_EQ(0, ioctl(self->fd, LPAR_OLP_CALIBRATE, &c));
	EXPECT_LT(0, c.window_ns);
	EXPECT_EQ(0, c.applied);
	TH_LOG("prepared empty stop_machine: median %llu ns",
	       (unsigned long long)c.window_ns);
	/* Nothing of it stays: the patch module is free. */
	EXPECT_OK(mod_remove());
}

/* The ten-entry patch of the benchmark applies and reverts cleanly. */
TEST_F(olp, ten_entries)
{
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	struct lpar_status st;
	struct lpar_def d;

	ASSERT_OK(olp_load_file(self->fd, self->dir, "bench10"));
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c));
	EXPECT_EQ(10, c.applied);
	/* A partition runs on the faithful copies. */
	lpar_def_init(&d, 3, "ten", lpar_test_size(), 1, "olp");
	ASSERT_OK(lpar_start(self->fd, &d, LPAR_REPORT_PROGRESS, 1, &st));
	ASSERT_OK(wait_metric(self->fd, 3, 0, 10, true, T_GUEST_MS, &st));
	EXPECT_EQ(1, st.guest_metric[1]);
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 0, &c));
	EXPECT_EQ(0, c.applied);
	ASSERT_OK(olp_status(self->fd, &s, NULL, 0));
	EXPECT_EQ(0, s.nr_applied);
	ASSERT_OK(wait_metric(self->fd, 3, 0, st.guest_metric[0] + 10, true,
			      T_GUEST_MS, &st));
}

/* Without CAP_SYS_ADMIN only LPAR_OLP_STATUS works (on an open fd). */
TEST_F(olp, unprivileged)
{
	struct lpar_olp_status s;
	struct lpar_olp_cmd c;
	int status;
	pid_t pid;

	ASSERT_OK(olp_load_file(self->fd, self->dir, "sc_level2"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = 0;

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		bad |= olp_status(self->fd, &s, NULL, 0) != 0;
		bad |= !(s.flags & LPAR_OLP_LOADED);
		bad |= olp_cmd(self->fd, LPAR_OLP_APPLY, 0, &c) != -EPERM;
		bad |= olp_cmd(self->fd, LPAR_OLP_UNLOAD, 0, &c) != -EPERM;
		bad |= olp_cmd(self->fd, LPAR_OLP_CALIBRATE, 0, &c) != -EPERM;
		bad |= olp_load(self->fd, "x", 1) != -EPERM;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_OK(olp_status(self->fd, &s, NULL, 0));
	EXPECT_EQ(0, s.nr_applied);
}

/* A thread that sleeps, then sleeps inside lpar_relocate_ioctl(). */
struct gap_sleeper {
	int fd;
	unsigned int start_ms;		/* asleep in user space this long */
	unsigned int inside_ms;		/* then inside the function this long */
	__u64 t_enter, t_exit;
	int ret;
};

static void *gap_sleeper_fn(void *arg)
{
	struct gap_sleeper *g = arg;
	/* No partition 250: refused, but only after the delay. */
	struct lpar_config_entry e = { .id = 250, .size = 2 << 20 };
	struct lpar_config c = {
		.argsz = sizeof(c),
		.nr = 1,
		.entries_ptr = (uintptr_t)&e,
		.delay_ms = g->inside_ms,
	};

	msleep(g->start_ms);
	g->t_enter = now_ms();
	g->ret = ioctl(g->fd, LPAR_CONFIG_APPLY, &c) ? -errno : 0;
	g->t_exit = now_ms();
	return NULL;
}

/*
 * The stack check's blind spot: a task asleep (in user space) while the
 * stacks are checked enters the target before the stop window and sleeps
 * in it.  olp_test_gap_ms widens the time between check and window; the
 * handlers' entry accounting must catch the task, so the apply waits
 * until it has left the old function.  freeze.olp replaces
 * lpar_relocate_ioctl(), in which LPAR_CONFIG_APPLY sleeps its delay.
 */
TEST_F_TIMEOUT(olp, entered_between_check_and_window, 300)
{
	struct gap_sleeper g = {
		.fd = self->fd, .start_ms = 150, .inside_ms = 1500,
	};
	struct lpar_config_entry e = { .id = 250, .size = 2 << 20 };
	struct lpar_config cfg = {
		.argsz = sizeof(cfg), .nr = 1, .entries_ptr = (uintptr_t)&e,
	};
	struct lpar_olp_cmd c;
	__u64 t0, t1;
	pthread_t t;
	int ret;

	ASSERT_OK(olp_load_file(self->fd, self->dir, "freeze"));
	ASSERT_OK(lpar_param_write("olp_test_gap_ms", "600"));
	ASSERT_EQ(0, pthread_create(&t, NULL, gap_sleeper_fn, &g));
	t0 = now_ms();
	ret = olp_cmd(self->fd, LPAR_OLP_APPLY, 10000, &c);
	t1 = now_ms();
	pthread_join(t, NULL);
	lpar_param_write("olp_test_gap_ms", "0");
	ASSERT_OK(ret);
	EXPECT_EQ(1, c.applied);
	TH_LOG("apply %llu..%llu ms, the task inside %llu..%llu ms",
	       0ULL, (unsigned long long)(t1 - t0),
	       (unsigned long long)(g.t_enter - t0),
	       (unsigned long long)(g.t_exit - t0));
	/* It ran the old function, whole: refused by its validation. */
	EXPECT_EQ(-ENOENT, g.ret);
	/* The window came only after it had left. */
	EXPECT_LE(g.t_exit, t1);
	/* The scenario happened: it entered after the check began. */
	EXPECT_LE(t0 + 100, g.t_enter);
	/* The replacement runs now, */
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_CONFIG_APPLY, &cfg));
	EXPECT_EQ(EBUSY, errno);
	/* ... and nobody is inside it: revert passes at once. */
	ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 2000, &c));
	EXPECT_EQ(0, c.applied);
	EXPECT_EQ(-1, ioctl(self->fd, LPAR_CONFIG_APPLY, &cfg));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * The olp_window benchmark as a test: rounds of apply and revert of the
 * ten-entry patch while a partition runs and asks its service call, then
 * unload; again, twice.  The partition keeps running throughout and
 * deact and undefine end it within their bounds.  (This scenario hung a
 * vCPU thread of the test VM at a call site that unload had rewritten:
 * the sites now stay armed from the first load until lpar.ko unloads.)
 */
TEST_F_TIMEOUT(olp, window_rounds_then_unload, 600)
{
	struct lpar_olp_cmd c;
	struct lpar_status st;
	struct lpar_def d;
	unsigned int cycle, round;
	__u64 t0;
	int ret;

	lpar_def_init(&d, 4, "rounds", lpar_test_size(), 1, "olp");
	ASSERT_OK(lpar_start(self->fd, &d, LPAR_REPORT_PROGRESS, 1, &st));
	ASSERT_OK(wait_metric(self->fd, 4, 0, 5, true, T_GUEST_MS, &st));
	for (cycle = 0; cycle < 3; cycle++) {
		ASSERT_OK(olp_load_file(self->fd, self->dir, "bench10"));
		for (round = 0; round < 9; round++) {
			ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_APPLY, 2000, &c));
			EXPECT_EQ(10, c.applied);
			msleep(20);
			ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_REVERT, 2000, &c));
			EXPECT_EQ(0, c.applied);
			msleep(20);
		}
		ASSERT_OK(olp_cmd(self->fd, LPAR_OLP_UNLOAD, 2000, &c));
		/* The guest still gets its answers. */
		ASSERT_OK(lpar_status(self->fd, 4, &st));
		ret = wait_metric(self->fd, 4, 0, st.guest_metric[0] + 20,
				  true, 30000, &st);
		ASSERT_EQ(0, ret)
			TH_LOG("cycle %u: the guest stopped after unload", cycle);
		EXPECT_EQ(LPAR_STATE_OPERATING, st.state)
			TH_LOG("cycle %u: %s", cycle, st.reason);
	}
	t0 = now_ms();
	ASSERT_OK(lpar_deact(self->fd, 4, 0, 0));
	ASSERT_OK(lpar_wait_state(self->fd, 4, LPAR_STATE_DEACTIVATED,
				  T_DEACT_MS, NULL));
	ASSERT_OK(lpar_undefine(self->fd, 4));
	TH_LOG("deact + undefine: %llu ms", (unsigned long long)(now_ms() - t0));
	/* Nothing of the patch pins anything: the patch module can go. */
	EXPECT_OK(mod_remove());
}
