/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common include of every lpar selftest binary: the kselftest harness
 * from the distribution's kernel source (-I$(KSRC)/tools/testing/selftests),
 * lpar_util and a few assertion helpers.
 */
#ifndef LPAR_TEST_H
#define LPAR_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "lpar_util.h"

/* Why the suite cannot run here, or NULL. */
static inline const char *lpar_unavailable(void)
{
	static char why[256];

	if (geteuid() != 0)
		return "lpar selftests must run as root";
	if (access(LPAR_DEV, F_OK)) {
		snprintf(why, sizeof(why), "%s: %s (lpar.ko not loaded?)",
			 LPAR_DEV, strerror(errno));
		return why;
	}
	return NULL;
}

/* Is @name one of the comma-separated names in @list? */
static inline int lpar__listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/*
 * $LPAR_TEST_ONLY=name[,name...]: run only those test cases of the binary
 * (the 6.1 harness has no filter of its own), to iterate on one test.
 */
static inline void lpar__filter_tests(const char *only)
{
	struct __fixture_metadata *f;

	for (f = __fixture_list; f; f = f->next) {
		struct __test_metadata *t, *next, *keep = NULL, **tail = &keep;

		for (t = f->tests; t; t = next) {
			next = t->next;
			if (!lpar__listed(only, t->name))
				continue;
			*tail = t;
			tail = &t->next;
		}
		*tail = NULL;
		f->tests = keep;
	}
}

/*
 * main() of every test binary (this header is included once per binary):
 * skip the whole binary (exit 4) when lpar is not there.
 */
int main(int argc, char **argv)
{
	const char *why = lpar_unavailable();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("LPAR_TEST_ONLY"))
		lpar__filter_tests(getenv("LPAR_TEST_ONLY"));
	if (why) {
		ksft_print_header();
		ksft_exit_skip("%s\n", why);
	}
	return test_harness_run(argc, argv);
}

static inline int lpar__errno_in(int ret, const int *errs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ret == -errs[i])
			return 1;
	return 0;
}

static inline const char *lpar__errlist(const int *errs, size_t n)
{
	static char buf[256];
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? "/" : "", errname(errs[i]));
	return buf;
}

/* EXPECT_ERRNO(expr, EINVAL, ...): expr returned -one of them. */
#define EXPECT_ERRNO(expr, ...) do {					\
	static const int __errs[] = { __VA_ARGS__ };			\
	size_t __n = ARRAY_SIZE(__errs);		\
	int __r = (expr);						\
	if (!lpar__errno_in(__r, __errs, __n)) {			\
		TH_LOG("%s: got %s, want %s", #expr, errname(__r),	\
		       lpar__errlist(__errs, __n));			\
		_metadata->passed = 0;					\
	}								\
} while (0)

#define ASSERT_OK(expr) do {						\
	int __r = (expr);						\
	if (__r) {							\
		TH_LOG("%s: %s", #expr, errname(__r));			\
		ASSERT_EQ(0, __r);					\
	}								\
} while (0)

#define EXPECT_OK(expr) do {						\
	int __r = (expr);						\
	if (__r) {							\
		TH_LOG("%s: %s", #expr, errname(__r));			\
		_metadata->passed = 0;					\
	}								\
} while (0)

/* Scratch for the macros below; one test process at a time uses them. */
struct lpar_snapshot lpar__snap_before, lpar__snap_after;
char lpar__why[16384];

/*
 * EXPECT_REFUSED(fd, expr, EINVAL, ...): expr fails with one of the
 * errnos and neither LPAR_POOL_INFO nor the partition table (definitions,
 * states, origins, runners, activation counts, sysfs pool/map) changed.
 */
#define EXPECT_REFUSED(fd, expr, ...) do {				\
	int __sfd = (fd);						\
	ASSERT_EQ(0, lpar_snapshot(__sfd, &lpar__snap_before));	\
	EXPECT_ERRNO(expr, __VA_ARGS__);				\
	ASSERT_EQ(0, lpar_snapshot(__sfd, &lpar__snap_after));		\
	if (lpar_snapshot_cmp(&lpar__snap_before, &lpar__snap_after,	\
			      lpar__why, sizeof(lpar__why))) {		\
		TH_LOG("%s changed something: %s", #expr, lpar__why);	\
		_metadata->passed = 0;					\
	}								\
} while (0)

/* Log a partition's status and console (for failures). */
static inline void lpar__log_status(struct __test_metadata *_metadata,
				    const struct lpar_status *st)
{
	TH_LOG("partition %u: state %s origin 0x%llx size %llu runner %u act %u",
	       st->id, lpar_state_name(st->state),
	       (unsigned long long)st->origin, (unsigned long long)st->size,
	       st->runner_pid, st->activations);
	TH_LOG("  report %u/0x%llx heartbeats %llu service calls %llu reason '%s'",
	       st->report_code, (unsigned long long)st->report_value,
	       (unsigned long long)st->heartbeats,
	       (unsigned long long)st->sc_count, st->reason);
}

#define LOG_STATUS(st) lpar__log_status(_metadata, (st))

static inline void lpar__log_console(struct __test_metadata *_metadata,
				     int fd, unsigned int id)
{
	static char buf[4096];

	if (lpar_console(fd, id, buf, sizeof(buf)) > 0)
		TH_LOG("console of %u:\n%s", id, buf);
}

/* Wait for a state; log the status and the console on failure. */
static inline int lpar__wait_state(struct __test_metadata *_metadata, int fd,
				   unsigned int id, unsigned int state,
				   unsigned int ms)
{
	struct lpar_status st;
	int r = lpar_wait_state(fd, id, state, ms, &st);

	if (r) {
		TH_LOG("waiting for partition %u to be %s: %s", id,
		       lpar_state_name(state), errname(r));
		lpar__log_status(_metadata, &st);
		lpar__log_console(_metadata, fd, id);
	}
	return r;
}

/* Wait for a report; log the status and the console on failure. */
static inline int lpar__wait_report(struct __test_metadata *_metadata, int fd,
				    unsigned int id, unsigned int code,
				    unsigned long long min, unsigned int ms)
{
	struct lpar_status st;
	int r = lpar_wait_report(fd, id, code, min, ms, &st);

	if (r) {
		TH_LOG("waiting for report %u >= %llu from %u: %s", code, min,
		       id, errname(r));
		lpar__log_status(_metadata, &st);
		lpar__log_console(_metadata, fd, id);
	}
	return r;
}

#define ASSERT_STATE(fd, id, state, ms) \
	ASSERT_EQ(0, lpar__wait_state(_metadata, (fd), (id), (state), (ms)))

#define ASSERT_REPORT(fd, id, code, min, ms) \
	ASSERT_EQ(0, lpar__wait_report(_metadata, (fd), (id), (code), (min), (ms)))

/* define + act + operating + first report; logs on failure. */
static inline int lpar__start(struct __test_metadata *_metadata, int fd,
			      struct lpar_def *d, unsigned int code,
			      unsigned long long min)
{
	int r = lpar_define(fd, d);

	if (r) {
		TH_LOG("define %u (%s): %s", d->id, d->name, errname(r));
		return r;
	}
	r = lpar_act(fd, d->id);
	if (r) {
		TH_LOG("act %u (%s): %s", d->id, d->name, errname(r));
		return r;
	}
	r = lpar__wait_state(_metadata, fd, d->id, LPAR_STATE_OPERATING,
			     T_ACT_MS);
	if (r)
		return r;
	return lpar__wait_report(_metadata, fd, d->id, code, min, T_REPORT_MS);
}

#define ASSERT_START(fd, def, code, min) \
	ASSERT_EQ(0, lpar__start(_metadata, (fd), (def), (code), (min)))

#endif
