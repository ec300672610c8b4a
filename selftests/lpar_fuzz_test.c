// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: bounded random-ioctl fuzz of /dev/lpar.
 *
 * Thousands of ioctls with random command numbers (in lpar's magic 0xB8
 * and anywhere), random sizes, flags and struct contents, and mutated
 * valid structs that reach deeper (define, act, deact ... of partitions
 * in a range of ids the fuzz owns, small hello.bin guests).  Seeded and
 * printed: LPAR_FUZZ_SEED=<n> replays the same command sequence;
 * LPAR_FUZZ_SECS bounds the time (default 30), LPAR_FUZZ_ITERS the calls.
 * User pointers inside structs only ever point into a scratch area
 * followed by a guard page, or nowhere valid.  Afterwards every
 * definition the fuzz made is removed and the module must still work.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lpar_test.h"

#define SCRATCH		0x100000U
#define FUZZ_IDS	8

static __u64 rng_state;

static __u64 rnd(void)
{
	__u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static __u64 rnd_below(__u64 n)
{
	return n ? rnd() % n : 0;
}

static const unsigned long known_cmds[] = {
	LPAR_GET_VERSION, LPAR_POOL_INFO, LPAR_DEFINE, LPAR_UNDEFINE,
	LPAR_GET_DEF, LPAR_GET_STATUS, LPAR_ACT, LPAR_DEACT, LPAR_STOP,
	LPAR_RESUME, LPAR_CONSOLE_READ, LPAR_ATTACH,
#ifdef LPAR_GET_SKEYS
	LPAR_GET_SKEYS, LPAR_SET_SKEYS, LPAR_RESET_REF,
#endif
#ifdef LPAR_MVSTOR
	LPAR_MVSTOR, LPAR_EXCHANGE, LPAR_RESIZE, LPAR_CONFIG_APPLY,
#endif
	LPAR_RUNNER_INFO, LPAR_RUNNER_WAIT, LPAR_RUNNER_EVENT, LPAR_IO,
};

#define NR_KNOWN ARRAY_SIZE(known_cmds)

/* Interesting values for integer fields. */
static __u64 rnd_u64(void)
{
	static const __u64 special[] = {
		0, 1, 2, 7, 8, 0x10, 0x7f, 0x80, 0xff, 0x1000, 0x80000,
		0x100000, 0x200000, 0x1000000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, ~0ULL - 1,
	};

	switch (rnd_below(4)) {
	case 0:
		return special[rnd_below(ARRAY_SIZE(special))];
	case 1:
		return rnd_below(256);
	case 2:
		return rnd() >> rnd_below(64);
	default:
		return rnd();
	}
}

struct fuzz {
	struct lpar_version v;
	struct lpar_extent ext;		/* the pool's first extent */
	unsigned int id0;		/* first fuzz-owned id */
	char *scratch;			/* SCRATCH bytes, then a guard page */
	char image[LPAR_PATH_LEN];
	unsigned long calls, ok, by_errno[256];
	unsigned long known_calls, known_ok;
	unsigned long ok_by_nr[0x44];		/* successes of _IO(0xB8, nr) */
	/* The last calls, for a report if the worker dies or hangs. */
	struct {
		unsigned long n, cmd;
		__u64 ptr;
		unsigned char arg[64];
	} ring[8];
};

/* Record a call before making it (the ring is in shared memory). */
static void note_call(struct fuzz *f, unsigned long cmd, __u64 ptr,
		      const void *arg, size_t len)
{
	unsigned int i = f->calls % ARRAY_SIZE(f->ring);

	f->ring[i].n = f->calls;
	f->ring[i].cmd = cmd;
	f->ring[i].ptr = ptr;
	memset(f->ring[i].arg, 0, sizeof(f->ring[i].arg));
	memcpy(f->ring[i].arg, arg,
	       len < sizeof(f->ring[i].arg) ? len : sizeof(f->ring[i].arg));
}

static void print_ring(const struct fuzz *f)
{
	unsigned int i, k, j;

	for (k = 0; k < ARRAY_SIZE(f->ring); k++) {
		i = (f->calls + 1 + k) % ARRAY_SIZE(f->ring);
		if (!f->ring[i].cmd && !f->ring[i].n)
			continue;
		printf("# fuzz: call %lu: ioctl(cmd 0x%lx, arg 0x%llx):",
		       f->ring[i].n, f->ring[i].cmd,
		       (unsigned long long)f->ring[i].ptr);
		for (j = 0; j < sizeof(f->ring[i].arg); j++)
			printf("%s%02x", j % 8 ? "" : " ", f->ring[i].arg[j]);
		printf("\n");
	}
}

/* An increment-aligned origin in the pool, or nearly. */
static __u64 fuzz_origin(struct fuzz *f)
{
	__u64 inc = f->v.increment ? f->v.increment : 0x200000;

	if (rnd_below(8) == 0)
		return rnd_u64();
	return f->ext.start + rnd_below(f->ext.size / inc + 1) * inc +
	       (rnd_below(8) == 0 ? 4096 : 0);
}

static unsigned int fuzz_id(struct fuzz *f)
{
	if (rnd_below(16) == 0)
		return (unsigned int)rnd_u64();
	return f->id0 + rnd_below(FUZZ_IDS);
}

/* A pointer for a struct field: mostly into scratch, sometimes invalid. */
static __u64 fuzz_ptr(struct fuzz *f, __u64 *room)
{
	__u64 off;

	switch (rnd_below(10)) {
	case 0:
		*room = 0;
		return 0;
	case 1:
		*room = 0;
		return 0xffff888000000000ULL + (rnd() & 0xfffff000);	/* kernel */
	case 2:
		*room = 0;
		return rnd_below(0x10000);			/* low, unmapped */
	case 3:
		/* Right before the guard page: overruns must fault. */
		*room = rnd_below(64);
		return (uintptr_t)f->scratch + SCRATCH - *room;
	default:
		off = rnd_below(SCRATCH / 2);
		*room = SCRATCH - off;
		return (uintptr_t)f->scratch + off;
	}
}

static void fill_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)rnd();
}

/*
 * Bytes the argument of @cmd may take: lpar's numbers carry no size (the
 * structs have argsz), so known numbers get their struct's size.
 */
static size_t arg_size(unsigned long cmd)
{
	static const size_t sizes[0x44] = {
		[0x00] = sizeof(struct lpar_version),
		[0x01] = sizeof(struct lpar_pool_info),
		[0x02] = sizeof(struct lpar_def),
		[0x03] = sizeof(struct lpar_cmd),
		[0x04] = sizeof(struct lpar_def),
		[0x05] = sizeof(struct lpar_status),
		[0x06 ... 0x09] = sizeof(struct lpar_cmd),
		[0x0a] = sizeof(struct lpar_console),
		[0x0b] = sizeof(struct lpar_attach),
#ifdef LPAR_GET_SKEYS
		[0x0c ... 0x0e] = sizeof(struct lpar_skeys),
#endif
#ifdef LPAR_MVSTOR
		[0x0f] = sizeof(struct lpar_mvstor),
		[0x10] = sizeof(struct lpar_exchange),
		[0x11] = sizeof(struct lpar_resize),
		[0x12] = sizeof(struct lpar_config),
#endif
		[0x40] = sizeof(struct lpar_runner_info),
		[0x41] = sizeof(struct lpar_order),
		[0x42] = sizeof(struct lpar_runner_event),
		[0x43] = sizeof(struct lpar_io),
	};
	size_t size = _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 64;

	if (_IOC_TYPE(cmd) == LPAR_IOC_MAGIC && _IOC_NR(cmd) < 0x44 &&
	    sizes[_IOC_NR(cmd)] > size)
		size = sizes[_IOC_NR(cmd)];
	return size > 4096 ? 4096 : size;
}

/* Build a mostly-valid argument for a known command in @buf. */
static void build_known(struct fuzz *f, unsigned long cmd, void *buf)
{
	__u64 room;

	switch (_IOC_NR(cmd)) {
	case 0x00: {
		struct lpar_version *v = buf;

		v->argsz = sizeof(*v);
		break;
	}
	case 0x01: {
		struct lpar_pool_info *p = buf;

		p->argsz = sizeof(*p);
		p->extents_ptr = fuzz_ptr(f, &room);
		p->nr_extents_max = rnd_below(3) ? room / sizeof(struct lpar_extent)
						 : (__u32)rnd_u64();
		break;
	}
	case 0x02: {
		struct lpar_def *d = buf;
		static const unsigned long long sizes[] = {
			2 << 20, 4 << 20, 6 << 20, 0, 4096, 3 << 20,
		};
		unsigned int id = fuzz_id(f);

		lpar_def_init(d, id, "fz", sizes[rnd_below(6)], 1, NULL);
		snprintf(d->name, sizeof(d->name), "fz%u", id);
		snprintf(d->image, sizeof(d->image), "%s", f->image);
		if (rnd_below(4) == 0)
			d->vcpus = 1 + rnd_below(f->v.max_vcpus + 1);
		if (rnd_below(8) == 0) {
			d->flags = LPAR_DEF_ORIGIN;
			d->origin = rnd_u64();
		}
		if (rnd_below(8) == 0)
			d->weight = rnd_below(1200);
		if (rnd_below(8) == 0) {
			d->flags |= LPAR_DEF_DEDICATED;
			d->cpumask = rnd_u64();
		}
		if (rnd_below(16) == 0)
			snprintf(d->image, sizeof(d->image), "/proc/self/%s",
				 rnd_below(2) ? "mem" : "environ");
		break;
	}
	case 0x03: case 0x06: case 0x07: case 0x08: case 0x09: {
		struct lpar_cmd *c = buf;

		c->argsz = sizeof(*c);
		c->id = fuzz_id(f);
		if (rnd_below(4) == 0)
			c->flags = rnd_below(4);
		if (rnd_below(4) == 0)
			c->timeout_ms = rnd_below(3000);
		break;
	}
	case 0x04: {
		struct lpar_def *d = buf;

		d->argsz = sizeof(*d);
		d->id = fuzz_id(f);
		break;
	}
	case 0x05: {
		struct lpar_status *s = buf;

		s->argsz = sizeof(*s);
		s->id = fuzz_id(f);
		break;
	}
	case 0x0a: {
		struct lpar_console *c = buf;

		c->argsz = sizeof(*c);
		c->id = fuzz_id(f);
		c->buf_ptr = fuzz_ptr(f, &room);
		c->len = rnd_below(3) ? rnd_below(room + 1) : (__u32)rnd_u64();
		c->pos = rnd_below(2) ? 0 : rnd_u64();
		break;
	}
	case 0x0b: {
		struct lpar_attach *a = buf;

		a->argsz = sizeof(*a);
		a->id = fuzz_id(f);
		a->token = rnd();
		break;
	}
#ifdef LPAR_GET_SKEYS
	case 0x0c: case 0x0d: case 0x0e: {
		struct lpar_skeys *k = buf;

		k->argsz = sizeof(*k);
		k->id = fuzz_id(f);
		k->start_gfn = rnd_below(2) ? rnd_below(4096) : rnd_u64();
		k->skeydata_addr = fuzz_ptr(f, &room);
		k->count = rnd_below(3) ? rnd_below(room + 1) : rnd_u64();
		if (_IOC_NR(cmd) == 0x0d)	/* SET: valid-looking keys */
			fill_random(f->scratch, SCRATCH / 16);
		break;
	}
#endif
#ifdef LPAR_MVSTOR
	case 0x0f: {
		struct lpar_mvstor *m = buf;

		m->argsz = sizeof(*m);
		m->id = fuzz_id(f);
		m->origin = fuzz_origin(f);
		m->chunk = rnd_below(2) ? 0 : 1ULL << rnd_below(24);
		m->quiesce_ms = rnd_below(100);
		break;
	}
	case 0x10: {
		struct lpar_exchange *x = buf;

		x->argsz = sizeof(*x);
		x->id = fuzz_id(f);
		x->id2 = fuzz_id(f);
		x->chunk = rnd_below(2) ? 0 : 1ULL << rnd_below(24);
		break;
	}
	case 0x11: {
		struct lpar_resize *r = buf;

		r->argsz = sizeof(*r);
		r->id = fuzz_id(f);
		r->size = (1 + rnd_below(8)) * f->v.increment +
			  (rnd_below(8) == 0 ? 4096 : 0);
		r->timeout_ms = 1 + rnd_below(500);
		break;
	}
	case 0x12: {
		struct lpar_config *c = buf;
		struct lpar_config_entry *e;
		unsigned int i;

		c->argsz = sizeof(*c);
		c->nr = rnd_below(4);
		c->timeout_ms = 1 + rnd_below(500);
		c->entries_ptr = (uintptr_t)f->scratch;
		e = (struct lpar_config_entry *)f->scratch;
		memset(e, 0, 4 * sizeof(*e));
		for (i = 0; i < 4; i++) {
			e[i].id = fuzz_id(f);
			e[i].size = (1 + rnd_below(8)) * f->v.increment;
			if (rnd_below(2)) {
				e[i].flags = LPAR_DEF_ORIGIN;
				e[i].origin = fuzz_origin(f);
			}
			e[i].weight = rnd_below(1000);
		}
		break;
	}
#endif
	default:
		*(__u32 *)buf = arg_size(cmd);
		break;
	}
}

/* Flip a few bytes or set a field-sized word to an interesting value. */
static void mutate(void *buf, size_t len)
{
	unsigned int i, n = rnd_below(4);
	unsigned char *p = buf;

	for (i = 0; i < n && len; i++) {
		size_t off = rnd_below(len);

		switch (rnd_below(3)) {
		case 0:
			p[off] ^= 1 << rnd_below(8);
			break;
		case 1:
			p[off] = (unsigned char)rnd();
			break;
		default: {
			__u64 v = rnd_u64();

			off &= ~(size_t)3;
			memcpy(p + off, &v, off + 4 <= len ? 4 : len - off);
			break;
		}
		}
	}
}

/* A user pointer field: keep it out of this process's own memory. */
static void fix_ptr(struct fuzz *f, void *field)
{
	__u64 ptr, room;

	if ((char *)field + 8 > f->scratch + SCRATCH)
		return;		/* beyond the argument: the kernel faults */
	memcpy(&ptr, field, sizeof(ptr));
	if (ptr >= 0x10000 && ptr < 0x800000000000ULL &&
	    !(ptr >= (uintptr_t)f->scratch &&
	      ptr < (uintptr_t)f->scratch + SCRATCH)) {
		ptr = fuzz_ptr(f, &room);
		memcpy(field, &ptr, sizeof(ptr));
	}
}

/* A timeout field (u32 ms or u64 ms): at most @max. */
static void clamp_ms(struct fuzz *f, void *field, size_t len, __u64 max)
{
	__u64 v = 0;

	if ((char *)field + len > f->scratch + SCRATCH)
		return;		/* beyond the argument: the kernel faults */
	memcpy(&v, field, len);
	if (v > max) {
		v = rnd_below(max);
		memcpy(field, &v, len);
	}
}

/*
 * Whatever the struct contents, pointer fields never point at this
 * process's own memory and time-outs stay short (a resize of a guest
 * that never acknowledges waits its whole timeout_ms).
 */
static void sanitize(struct fuzz *f, unsigned long cmd, void *buf)
{
	char *b = buf;

	if (_IOC_TYPE(cmd) != LPAR_IOC_MAGIC)
		return;
	switch (_IOC_NR(cmd)) {
	case 0x01:
		fix_ptr(f, b + offsetof(struct lpar_pool_info, extents_ptr));
		break;
	case 0x07:
		clamp_ms(f, b + offsetof(struct lpar_cmd, timeout_ms), 4, 3000);
		break;
	case 0x0a:
		fix_ptr(f, b + offsetof(struct lpar_console, buf_ptr));
		break;
#ifdef LPAR_GET_SKEYS
	case 0x0c: case 0x0d: case 0x0e:
		fix_ptr(f, b + offsetof(struct lpar_skeys, skeydata_addr));
		break;
#endif
#ifdef LPAR_MVSTOR
	case 0x0f:
		clamp_ms(f, b + offsetof(struct lpar_mvstor, quiesce_ms), 4, 2000);
		break;
	case 0x11:
		clamp_ms(f, b + offsetof(struct lpar_resize, timeout_ms), 4, 2000);
		break;
	case 0x12:
		clamp_ms(f, b + offsetof(struct lpar_config, timeout_ms), 4, 2000);
		clamp_ms(f, b + offsetof(struct lpar_config, delay_ms), 8, 1000);
		fix_ptr(f, b + offsetof(struct lpar_config, entries_ptr));
		break;
#endif
	}
}

/* Generic VFS ioctls that must not be thrown at a device node. */
static bool dangerous(unsigned long cmd)
{
	unsigned int type = _IOC_TYPE(cmd);

	return type == 'X' || type == 0x94 || type == 'f' ||
	       (cmd & 0xffff) == 0x5452 || (cmd & 0xffff) == 0x5451 ||
	       (cmd & 0xffff) == 0x5450 || (cmd & 0xffff) == 0x5421;
}

static void one_call(struct fuzz *f, int fd)
{
	/* The argument lives at the end of scratch... or not. */
	unsigned long cmd;
	size_t size, room;
	__u64 ptr;
	char *arg;
	bool known = false;
	int r, mode = rnd_below(10);

	if (mode < 5) {
		cmd = known_cmds[rnd_below(NR_KNOWN)];
		known = true;
	} else if (mode < 8) {
		cmd = _IOC(rnd_below(4), LPAR_IOC_MAGIC, rnd_below(0x60),
			   rnd_below(2) ? rnd_below(512) : rnd_below(1U << 14));
	} else {
		do
			cmd = (__u32)rnd();
		while (dangerous(cmd));
	}
	size = arg_size(cmd);
	/* Put the argument so that it ends at the guard page at times. */
	if (rnd_below(8) == 0)
		arg = f->scratch + SCRATCH - size + rnd_below(size);
	else
		arg = f->scratch + SCRATCH - 8192;
	room = (size_t)(f->scratch + SCRATCH - arg);
	memset(arg, 0, room);
	if (known && room >= size && rnd_below(5)) {
		build_known(f, cmd, arg);
		if (rnd_below(2))
			mutate(arg, size);
	} else {
		fill_random(arg, room < size ? room : size);
		if (room >= 4 && rnd_below(2))
			*(__u32 *)arg = rnd_below(2) ? size : rnd_u64();
	}
	sanitize(f, cmd, arg);

	switch (rnd_below(20)) {
	case 0:
		note_call(f, cmd, 0, arg, 0);
		r = ioctl(fd, cmd, NULL);
		break;
	case 1:
		/* A wild pointer, but never into this process's memory. */
		ptr = rnd_u64();
		if (ptr >= 0x10000 && ptr < 0x800000000000ULL)
			ptr |= 0xffff800000000000ULL;
		note_call(f, cmd, ptr, arg, 0);
		r = ioctl(fd, cmd, (void *)(uintptr_t)ptr);
		break;
	default:
		note_call(f, cmd, (uintptr_t)arg, arg, room < size ? room : size);
		r = ioctl(fd, cmd, arg);
		break;
	}
	f->calls++;
	if (known)
		f->known_calls++;
	if (r >= 0) {
		f->ok++;
		if (known)
			f->known_ok++;
		if (_IOC_TYPE(cmd) == LPAR_IOC_MAGIC && _IOC_NR(cmd) < 0x44)
			f->ok_by_nr[_IOC_NR(cmd)]++;
		/* Never keep an fd the fuzz might have been handed. */
		if (cmd == LPAR_ATTACH && r > 2)
			close(r);
	} else if (errno < 256) {
		f->by_errno[errno]++;
	}
}

FIXTURE(fuzz) {
	int fd;
	char *map;
	size_t maplen;
};

FIXTURE_SETUP(fuzz)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = lpar_open();

	ASSERT_LE(0, fd) TH_LOG("open %s: %s", LPAR_DEV, errname(fd));
	self->fd = fd;
	lpar_cleanup_all(fd);
	self->maplen = SCRATCH + pg;
	self->map = mmap(NULL, self->maplen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	ASSERT_EQ(0, mprotect(self->map + SCRATCH, pg, PROT_NONE));
}

FIXTURE_TEARDOWN(fuzz)
{
	lpar_cleanup_all(self->fd);
	munmap(self->map, self->maplen);
	close(self->fd);
}

TEST_F_TIMEOUT(fuzz, random_ioctls, 240)
{
	struct lpar_pool_info before, after;
	struct fuzz *f;
	pid_t worker;
	int status, r;
	const char *s;
	__u64 seed, end;
	unsigned long secs, max_iters, i;
	unsigned int id;
	int removed, e;
	struct lpar_def d;

	s = getenv("LPAR_FUZZ_SEED");
	seed = s ? strtoull(s, NULL, 0) : ((__u64)time(NULL) << 20) ^ getpid();
	s = getenv("LPAR_FUZZ_SECS");
	secs = s ? strtoul(s, NULL, 0) : 30;
	s = getenv("LPAR_FUZZ_ITERS");
	max_iters = s ? strtoul(s, NULL, 0) : 1000000;
	printf("# fuzz: seed %llu (LPAR_FUZZ_SEED=%llu reproduces), %lu s, at most %lu calls\n",
	       (unsigned long long)seed, (unsigned long long)seed, secs,
	       max_iters);
	fflush(stdout);
	rng_state = seed ? seed : 1;

	/*
	 * The calls run in a worker process whose counters and last calls
	 * live in shared memory: if an ioctl kills it (a kernel oops) or
	 * never returns, the test still says which calls came last.
	 */
	f = mmap(NULL, sizeof(*f), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f);
	f->scratch = self->map;
	ASSERT_OK(lpar_version(self->fd, &f->v));
	ASSERT_OK(lpar_pool_extent(self->fd, &f->ext));
	ASSERT_OK(lpar_pool(self->fd, &before));
	ASSERT_LE(FUZZ_IDS, f->v.max_partitions);
	f->id0 = f->v.max_partitions - FUZZ_IDS;
	lpar_guest_path("hello", f->image, sizeof(f->image));

	fflush(stdout);
	worker = fork();
	ASSERT_LE(0, worker);
	if (worker == 0) {
		struct lpar_version v;

		end = now_ms() + secs * 1000;
		for (i = 0; i < max_iters && now_ms() < end; i++) {
			one_call(f, self->fd);
			if (i % 256 == 255 &&
			    (lpar_version(self->fd, &v) || v.api != f->v.api))
				_exit(2);
		}
		_exit(0);
	}
	/* Calls are bounded (time-outs clamped): allow a minute more. */
	end = now_ms() + (secs + 60) * 1000;
	while ((r = waitpid(worker, &status, WNOHANG)) == 0 && now_ms() < end)
		msleep(100);
	if (r == 0) {
		TH_LOG("fuzz worker stuck after %lu calls; its last calls:", f->calls);
		print_ring(f);
		kill(worker, SIGKILL);
		ASSERT_EQ(worker, r);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		TH_LOG("fuzz worker %s %d after %lu calls; its last calls:",
		       WIFEXITED(status) ? "exited with" : "killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		       f->calls);
		print_ring(f);
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	printf("# fuzz: %lu calls, %lu succeeded; %lu known commands, %lu succeeded\n",
	       f->calls, f->ok, f->known_calls, f->known_ok);
	printf("# fuzz: succeeded by command number:");
	for (e = 0; e < 0x44; e++)
		if (f->ok_by_nr[e])
			printf(" 0x%02x:%lu", e, f->ok_by_nr[e]);
	printf("\n");
	for (e = 1; e < 256; e++)
		if (f->by_errno[e])
			printf("# fuzz:   %-12s %lu\n", errname(e), f->by_errno[e]);
	EXPECT_LE(1000, f->calls) TH_LOG("too few calls in %lu s", secs);

	/* Remove what the fuzz made; the module must still be sane. */
	removed = lpar_cleanup_all(self->fd);
	printf("# fuzz: removed %d definitions left by the fuzz\n", removed);
	for (id = 0; id < f->v.max_partitions; id++)
		EXPECT_ERRNO(lpar_get_def(self->fd, id, &d), ENOENT);
	ASSERT_OK(lpar_pool(self->fd, &after));
	EXPECT_EQ(before.total, after.total);
	EXPECT_EQ(before.free, after.free);
	EXPECT_EQ(before.largest_free, after.largest_free);

	/* A normal partition still works end to end. */
	lpar_def_init(&d, 0, "afterfuzz", lpar_test_size(), 1, "hello");
	ASSERT_START(self->fd, &d, LPAR_REPORT_PASS, 1);
	ASSERT_OK(lpar_deact(self->fd, 0, 0, 0));
	ASSERT_STATE(self->fd, 0, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	ASSERT_OK(lpar_undefine(self->fd, 0));
}

