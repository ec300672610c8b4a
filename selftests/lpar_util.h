/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the lpar selftests: /dev/lpar ioctls with errno
 * results, waits with timeouts, sysfs, guest image paths, snapshots of
 * the pool and the partition table, and cleanup.
 *
 * Conventions: functions returning int give 0 or -errno.
 */
#ifndef LPAR_UTIL_H
#define LPAR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/lpar.h>

#define LPAR_DEV		"/dev/lpar"
#define LPAR_SYSFS		"/sys/kernel/lpar"
#define SZ_1M			0x100000ULL

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* Timeouts in ms; all scaled by $LPAR_TIMEOUT_SCALE (default 1). */
#define T_ACT_MS		60000	/* act -> operating */
#define T_REPORT_MS		120000	/* act -> first guest report */
#define T_DEACT_MS		60000	/* deact -> deactivated */
#define T_FAIL_MS		60000	/* fault -> failed */

/* Sizes of test partitions (MiB); $LPAR_TEST_MIB overrides. */
#define TEST_MIB		16

unsigned int lpar_ms(unsigned int ms);	/* scaled timeout */
unsigned long long lpar_test_size(void);	/* TEST_MIB in bytes */
__u64 now_ms(void);
void msleep(unsigned int ms);

int lpar_open(void);			/* fd or -errno */
int lpar_version(int fd, struct lpar_version *v);
int lpar_pool(int fd, struct lpar_pool_info *p);
/* First extent of the pool (start, size) or -errno. */
int lpar_pool_extent(int fd, struct lpar_extent *e);

/* Fill a definition: flat64 image from selftests/guest/<guest>.bin. */
void lpar_def_init(struct lpar_def *d, unsigned int id, const char *name,
		   unsigned long long size, unsigned int vcpus,
		   const char *guest);
/* Absolute path of selftests/guest/<guest>.bin (static buffer per call). */
const char *lpar_guest_path(const char *guest, char *buf, size_t len);

int lpar_define(int fd, struct lpar_def *d);
int lpar_get_def(int fd, unsigned int id, struct lpar_def *d);
int lpar_cmd(int fd, unsigned long req, unsigned int id, unsigned int flags,
	     unsigned int timeout_ms);
int lpar_undefine(int fd, unsigned int id);
int lpar_act(int fd, unsigned int id);
int lpar_deact(int fd, unsigned int id, unsigned int flags,
	       unsigned int timeout_ms);
int lpar_status(int fd, unsigned int id, struct lpar_status *st);

const char *lpar_state_name(unsigned int state);

/*
 * Wait until partition @id is in @state.  Returns 0, -ETIMEDOUT, or
 * -EIO if it went to failed (or deactivated while waiting for operating)
 * instead; @st (may be NULL) gets the last status.
 */
int lpar_wait_state(int fd, unsigned int id, unsigned int state,
		    unsigned int timeout_ms, struct lpar_status *st);
/*
 * Wait until the guest's last report is @code with value >= @min.
 * Returns 0, -ETIMEDOUT, -EIO on a FAIL report (when @code is not FAIL)
 * or if the partition left operating/stopped.
 */
int lpar_wait_report(int fd, unsigned int id, unsigned int code,
		     unsigned long long min, unsigned int timeout_ms,
		     struct lpar_status *st);
/* Wait for heartbeats >= @min. */
int lpar_wait_heartbeats(int fd, unsigned int id, unsigned long long min,
			 unsigned int timeout_ms, struct lpar_status *st);

/*
 * Read the console log from @pos (0 = oldest kept) into @buf (NUL
 * terminated); returns bytes read or -errno.
 */
ssize_t lpar_console(int fd, unsigned int id, char *buf, size_t len);
/* Wait until the console contains @needle. 0 / -ETIMEDOUT / -errno. */
int lpar_wait_console(int fd, unsigned int id, const char *needle,
		      unsigned int timeout_ms);

/* define + act + wait operating + wait first report (@code, @min). */
int lpar_start(int fd, struct lpar_def *d, unsigned int code,
	       unsigned long long min, struct lpar_status *st);

/* sysfs: /sys/kernel/lpar/<rel> or /sys/kernel/lpar/partitions/<id>/<attr> */
/*
 * A mover guest (selftests/guest/mover.c: writes and verifies a pattern
 * over its storage every round) of @size bytes at @origin, started and
 * past its first round; 0 or -errno.
 */
int lpar_start_mover(int fd, unsigned int id, const char *name,
		     unsigned long long origin, unsigned long long size);
/* The last round a pattern or mover guest reported (LPAR_REPORT_PROGRESS; 0 if none). */
unsigned long long lpar_progress_round(int fd, unsigned int id);
int sysfs_read(const char *rel, char *buf, size_t len);	/* trims \n */
int sysfs_write(const char *rel, const char *val);
/* lpar.ko's module parameters: 0 or -errno; "" empties a string one. */
int lpar_param_write(const char *name, const char *val);
int lpar_param_get(const char *name, char *buf, size_t len);
long lpar_param_read(const char *name);	/* -1 if unreadable */
int part_attr_read(unsigned int id, const char *attr, char *buf, size_t len);
int part_attr_write(unsigned int id, const char *attr, const char *val);
bool part_dir_exists(unsigned int id);
int part_wait_attr(unsigned int id, const char *attr, const char *want,
		   unsigned int timeout_ms);

/* Force-deact and undefine every partition; returns how many it removed. */
int lpar_cleanup_all(int fd);

/* Is process @pid alive (and not a zombie)? */
bool pid_alive(pid_t pid);

/* The pool and the whole partition table, to check "nothing changed". */
struct lpar_part_snap {
	bool defined;
	struct lpar_def def;
	unsigned int state;
	unsigned long long origin;
	unsigned long long size;
	unsigned int runner_pid;
	unsigned int activations;
};

struct lpar_snapshot {
	struct lpar_pool_info pool;
	unsigned int nr;
	struct lpar_part_snap part[LPAR_MAX_PARTITIONS];
	char map[4096];			/* sysfs pool/map */
};

int lpar_snapshot(int fd, struct lpar_snapshot *s);
/* 0 if equal, else 1 and a description in @why. */
int lpar_snapshot_cmp(const struct lpar_snapshot *a,
		      const struct lpar_snapshot *b, char *why, size_t len);

/* errno name for messages. */
const char *errname(int err);

#endif
