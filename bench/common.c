// SPDX-License-Identifier: GPL-2.0
/* Small helpers shared by the lpar benchmark and smoke programs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void sleep_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000L,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int lpar_open(void)
{
	int fd = open("/dev/lpar", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "open /dev/lpar: %s\n", strerror(errno));
	return fd;
}

const char *lpar_state_name(unsigned int state)
{
	static const char * const names[] = {
		"undefined", "deactivated", "activating", "operating",
		"stopped", "deactivating", "failed",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

int lpar_status(int fd, unsigned int id, struct lpar_status *st)
{
	memset(st, 0, sizeof(*st));
	st->argsz = sizeof(*st);
	st->id = id;
	return ioctl(fd, LPAR_GET_STATUS, st);
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

	return ioctl(fd, req, &c);
}

int lpar_define_flat(int fd, unsigned int id, const char *name,
		     unsigned int vcpus, __u64 size, const char *image,
		     __u64 load_addr)
{
	struct lpar_def d;

	memset(&d, 0, sizeof(d));
	d.argsz = sizeof(d);
	d.id = id;
	d.vcpus = vcpus;
	snprintf(d.name, sizeof(d.name), "%s", name);
	d.size = size;
	d.image_format = LPAR_IMAGE_FLAT64;
	d.load_addr = load_addr;
	snprintf(d.image, sizeof(d.image), "%s", image);
	return ioctl(fd, LPAR_DEFINE, &d);
}

int lpar_wait_state(int fd, unsigned int id, unsigned int state,
		    unsigned int timeout_ms, struct lpar_status *st)
{
	__u64 end = now_ns() + timeout_ms * NSEC_PER_MSEC;

	for (;;) {
		if (lpar_status(fd, id, st) < 0)
			return -1;
		if (st->state == state)
			return 0;
		if (now_ns() > end) {
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_us(1000);
	}
}

/* Deactivate (forced) and undefine partition @id if it exists. */
int lpar_remove(int fd, unsigned int id)
{
	struct lpar_status st;

	if (lpar_status(fd, id, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (st.state == LPAR_STATE_UNDEFINED)
		return 0;
	if (st.state != LPAR_STATE_DEACTIVATED) {
		lpar_cmd(fd, LPAR_DEACT, id, LPAR_DEACT_FORCE, 0);
		if (lpar_wait_state(fd, id, LPAR_STATE_DEACTIVATED, 10000, &st))
			return -1;
	}
	return lpar_cmd(fd, LPAR_UNDEFINE, id, 0, 0);
}

long lpar_console(int fd, unsigned int id, char *buf, unsigned int len)
{
	struct lpar_console c = {
		.argsz = sizeof(c),
		.id = id,
		.len = len,
		.pos = 0,
		.buf_ptr = (uintptr_t)buf,
	};

	if (ioctl(fd, LPAR_CONSOLE_READ, &c) < 0)
		return -1;
	return c.len;
}

int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

__u64 median_u64(__u64 *v, unsigned int n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
