// SPDX-License-Identifier: GPL-2.0
/*
 * runner_smoke - drive lpar.ko + lpar-runner through the real path once:
 * act a 2-vCPU flat guest (guest_hi.bin), check its console, service
 * calls, stop / resume, deact, re-act, kill the runner, and a guest that
 * triple-faults (guest_crash.bin).  TAP-ish output; exit 0 when all pass.
 *
 *	runner_smoke DIR	(DIR holds guest_hi.bin and guest_crash.bin)
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"

#define ID		(LPAR_MAX_PARTITIONS - 2)
#define SIZE		(32ULL << 20)

static int fd;
static unsigned int nr_test, nr_fail;

static bool check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", ok ? "ok" : "not ok", ++nr_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		nr_fail++;
	return ok;
}

/* A call returning 0 or -1/errno: passes when it returns 0. */
static bool try_ok(int ret, const char *what)
{
	if (ret)
		return check(false, "%s: %s", what, strerror(errno));
	return check(true, "%s", what);
}

/* Wait for @state; passes when it comes, says where it got stuck if not. */
static bool wait_ok(unsigned int state, unsigned int ms,
		    struct lpar_status *st, const char *what)
{
	if (lpar_wait_state(fd, ID, state, ms, st))
		return check(false, "%s: %s, state %s, reason '%s'", what,
			     strerror(errno), lpar_state_name(st->state),
			     st->reason);
	return check(true, "%s (reason '%s')", what, st->reason);
}

static void show(const struct lpar_status *st)
{
	printf("# metrics 0x%llx 0x%llx\n",
	       (unsigned long long)st->guest_metric[0],
	       (unsigned long long)st->guest_metric[1]);
	printf("# state %s pid %u acts %u act %.3f ms first insn %.3f ms\n",
	       lpar_state_name(st->state), st->runner_pid, st->activations,
	       st->act_ns / 1e6, st->first_insn_ns / 1e6);
	printf("# sc %llu report %u/0x%llx hb %llu console %llu reason '%s'\n",
	       (unsigned long long)st->sc_count, st->report_code,
	       (unsigned long long)st->report_value,
	       (unsigned long long)st->heartbeats,
	       (unsigned long long)st->console_bytes, st->reason);
}

static int wait_report(struct lpar_status *st, unsigned int ms)
{
	__u64 end = now_ns() + ms * NSEC_PER_MSEC;

	for (;;) {
		if (lpar_status(fd, ID, st) < 0)
			return -1;
		if (st->report_code != LPAR_REPORT_NONE && st->heartbeats)
			return 0;
		if (st->state == LPAR_STATE_FAILED || now_ns() > end)
			return -1;
		sleep_us(1000);
	}
}

static void act_and_check(unsigned int activation)
{
	struct lpar_status st;
	char con[4096], what[32];
	long n;

	snprintf(what, sizeof(what), "act #%u", activation);
	if (!try_ok(lpar_cmd(fd, LPAR_ACT, ID, 0, 0), what))
		return;
	check(wait_report(&st, 30000) == 0, "guest reported and AP heartbeat");
	show(&st);
	check(st.state == LPAR_STATE_OPERATING, "state operating");
	check(st.activations == activation, "activations %u", st.activations);
	check(st.report_code == LPAR_REPORT_PASS, "guest checks pass (code %u value %llu)",
	      st.report_code, (unsigned long long)st.report_value);
	check(st.report_value == LPAR_BOOT_MAGIC, "boot info magic seen by guest");
	check(st.runner_pid != 0, "runner pid %u", st.runner_pid);
	check(st.first_insn_ns != 0 && st.act_ns != 0,
	      "act_ns %llu first_insn_ns %llu",
	      (unsigned long long)st.act_ns,
	      (unsigned long long)st.first_insn_ns);
	memset(con, 0, sizeof(con));
	n = lpar_console(fd, ID, con, sizeof(con) - 1);
	check(n > 0 && strstr(con, "hi\nlpar guest ok\n"),
	      "console has the guest's text (%ld bytes: '%.40s')", n, con);
}

static char hi[PATH_MAX], crash[PATH_MAX], spin[PATH_MAX];

static void round_hi(void)
{
	struct lpar_status st;
	pid_t pid;

	try_ok(lpar_define_flat(fd, ID, "smoke", 2, SIZE, hi, 0x100000),
	       "define a 2-vCPU partition");
	act_and_check(1);

	try_ok(lpar_cmd(fd, LPAR_STOP, ID, 0, 0), "stop");
	wait_ok(LPAR_STATE_STOPPED, 10000, &st, "state stopped");
	try_ok(lpar_cmd(fd, LPAR_RESUME, ID, 0, 0), "resume");
	wait_ok(LPAR_STATE_OPERATING, 10000, &st, "state operating again");

	try_ok(lpar_cmd(fd, LPAR_DEACT, ID, 0, 0), "deact");
	wait_ok(LPAR_STATE_DEACTIVATED, 10000, &st, "state deactivated");

	act_and_check(2);
	lpar_status(fd, ID, &st);
	pid = st.runner_pid;
	check(pid && kill(pid, SIGKILL) == 0, "kill runner %d", pid);
	wait_ok(LPAR_STATE_FAILED, 10000, &st, "runner killed -> failed");
	try_ok(lpar_cmd(fd, LPAR_DEACT, ID, 0, 0), "deact failed one");
	wait_ok(LPAR_STATE_DEACTIVATED, 10000, &st, "state deactivated");
	try_ok(lpar_cmd(fd, LPAR_UNDEFINE, ID, 0, 0), "undefine");
}

static void round_crash(void)
{
	struct lpar_status st;
	char con[4096];

	try_ok(lpar_define_flat(fd, ID, "crash", 1, SIZE, crash, 0x100000),
	       "define a crashing guest");
	try_ok(lpar_cmd(fd, LPAR_ACT, ID, 0, 0), "act it");
	wait_ok(LPAR_STATE_FAILED, 30000, &st, "triple fault -> failed");
	show(&st);
	check(strstr(st.reason, "shutdown"),
	      "reason names the shutdown: '%s'", st.reason);
	memset(con, 0, sizeof(con));
	lpar_console(fd, ID, con, sizeof(con) - 1);
	check(strstr(con, "crash\n"), "console '%.40s'", con);
	try_ok(lpar_cmd(fd, LPAR_DEACT, ID, 0, 0), "deact");
	wait_ok(LPAR_STATE_DEACTIVATED, 10000, &st, "state deactivated");
	try_ok(lpar_cmd(fd, LPAR_UNDEFINE, ID, 0, 0), "undefine");
}

static __u64 heartbeats(void)
{
	struct lpar_status st;

	if (lpar_status(fd, ID, &st) < 0)
		return 0;
	return st.heartbeats;
}

static bool wait_heartbeats(__u64 n, unsigned int ms)
{
	__u64 end = now_ns() + ms * NSEC_PER_MSEC;

	while (heartbeats() < n) {
		if (now_ns() > end)
			return false;
		sleep_us(1000);
	}
	return true;
}

static int wait_progress(__u64 value, unsigned int ms, struct lpar_status *st)
{
	__u64 end = now_ns() + ms * NSEC_PER_MSEC;

	for (;;) {
		if (lpar_status(fd, ID, st) < 0)
			return -1;
		if (st->report_code == LPAR_REPORT_FAIL)
			return -1;
		if (st->report_code == LPAR_REPORT_PROGRESS &&
		    st->report_value == value)
			return 0;
		if (now_ns() > end)
			return -1;
		sleep_us(1000);
	}
}

static int resize(__u64 size)
{
	struct lpar_resize rs = {
		.argsz = sizeof(rs),
		.id = ID,
		.timeout_ms = 20000,
		.size = size,
	};

	return ioctl(fd, LPAR_RESIZE, &rs);
}

/* RESIZE (runner remaps) and MVSTOR (module moves) under a busy guest. */
static void storage_checks(void)
{
	struct lpar_mvstor mv = { .argsz = sizeof(mv), .id = ID };
	struct lpar_status st;
	__u64 hb;

	int ret;

	try_ok(resize(2 * SIZE), "grow to 64 MiB");
	ret = wait_progress(2 * SIZE, 10000, &st);
	show(&st);
	check(ret == 0, "guest wrote the new top (report %u/0x%llx)",
	      st.report_code, (unsigned long long)st.report_value);
	check(st.size == 2 * SIZE, "size now %llu MiB",
	      (unsigned long long)st.size >> 20);
	sleep_us(1000000);
	lpar_status(fd, ID, &st);
	show(&st);
	try_ok(resize(SIZE), "shrink to 32 MiB");
	ret = wait_progress(SIZE, 10000, &st);
	show(&st);
	check(ret == 0, "guest gave up the top (report %u/0x%llx)",
	      st.report_code, (unsigned long long)st.report_value);
	check(st.size == SIZE, "size now %llu MiB",
	      (unsigned long long)st.size >> 20);

	lpar_status(fd, ID, &st);
	mv.origin = st.origin + (256ULL << 20);
	try_ok(ioctl(fd, LPAR_MVSTOR, &mv), "mvstor by 256 MiB");
	printf("# mvstor: %llu bytes in %.3f ms, longest pause %.3f ms, result %d\n",
	       (unsigned long long)mv.res.bytes, mv.res.time_ns / 1e6,
	       mv.res.max_pause_ns / 1e6, mv.res.result);
	hb = heartbeats();
	check(wait_heartbeats(hb + 4, 30000), "heartbeats after the move");
	lpar_status(fd, ID, &st);
	check(st.state == LPAR_STATE_OPERATING &&
	      st.report_code != LPAR_REPORT_FAIL,
	      "guest content intact after the move (state %s, report %u/0x%llx)",
	      lpar_state_name(st.state), st.report_code,
	      (unsigned long long)st.report_value);
}

/* The nice value of each vCPU thread of @pid (all but the main thread). */
static int thread_nices(pid_t pid, int *nice, int max)
{
	char path[PATH_MAX], buf[512], *p;
	struct dirent *de;
	int n = 0, i;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid,
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			/* field 19 is nice; skip "pid (comm)" first */
			p = strrchr(buf, ')');
			for (i = 0; p && i < 17; i++)
				p = strchr(p + 1, ' ');
			if (p)
				nice[n++] = atoi(p + 1);
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

/* A weight change through a configuration table: LPAR_ORDER_PLACEMENT. */
static void placement_checks(void)
{
	struct lpar_config_entry e = { .id = ID, .size = SIZE, .weight = 900 };
	struct lpar_config c = {
		.argsz = sizeof(c),
		.nr = 1,
		.entries_ptr = (uintptr_t)&e,
	};
	struct lpar_status st;
	int nice[LPAR_MAX_VCPUS], n, i;

	lpar_status(fd, ID, &st);
	n = thread_nices(st.runner_pid, nice, LPAR_MAX_VCPUS);
	check(n == 2 && nice[0] == 0 && nice[1] == 0,
	      "weight 100: vCPU threads at nice 0 (%d threads)", n);
	try_ok(ioctl(fd, LPAR_CONFIG_APPLY, &c), "config: weight 900");
	n = thread_nices(st.runner_pid, nice, LPAR_MAX_VCPUS);
	for (i = 0; i < n && nice[i] == -10; i++)
		;
	check(n == 2 && i == n, "weight 900: vCPU threads at nice -10 (%d %d)",
	      n > 0 ? nice[0] : 99, n > 1 ? nice[1] : 99);
	e.weight = 100;
	try_ok(ioctl(fd, LPAR_CONFIG_APPLY, &c), "config: weight 100 again");
	n = thread_nices(st.runner_pid, nice, LPAR_MAX_VCPUS);
	for (i = 0; i < n && nice[i] == 0; i++)
		;
	check(n == 2 && i == n, "weight 100: nice 0 again");
}

/* STOP must hold vCPUs that are busy in the guest; RESUME lets them go. */
static void round_spin(void)
{
	struct lpar_status st;
	__u64 hb, hb2;
	int i;

	try_ok(lpar_define_flat(fd, ID, "spin", 2, SIZE, spin, 0x100000),
	       "define a 2-vCPU spinning guest");
	try_ok(lpar_cmd(fd, LPAR_ACT, ID, 0, 0), "act it");
	check(wait_heartbeats(4, 30000), "heartbeats come (%llu)",
	      (unsigned long long)heartbeats());
	sleep_us(500000);
	lpar_status(fd, ID, &st);
	show(&st);
	check(st.sc_count > st.heartbeats + 2,
	      "vCPU 0 polls for events too (%llu calls, %llu heartbeats)",
	      (unsigned long long)st.sc_count,
	      (unsigned long long)st.heartbeats);
	for (i = 0; i < 3; i++) {
		try_ok(lpar_cmd(fd, LPAR_STOP, ID, 0, 0), "stop");
		wait_ok(LPAR_STATE_STOPPED, 10000, &st, "state stopped");
		hb = heartbeats();
		sleep_us(300000);
		hb2 = heartbeats();
		check(hb2 == hb, "no heartbeat while stopped (%llu -> %llu)",
		      (unsigned long long)hb, (unsigned long long)hb2);
		try_ok(lpar_cmd(fd, LPAR_RESUME, ID, 0, 0), "resume");
		wait_ok(LPAR_STATE_OPERATING, 10000, &st, "state operating");
		check(wait_heartbeats(hb2 + 2, 30000),
		      "heartbeats again after resume (%llu)",
		      (unsigned long long)heartbeats());
	}
	storage_checks();
	placement_checks();

	/* Graceful deact of busy vCPUs: the EXIT order must kick them. */
	try_ok(lpar_cmd(fd, LPAR_DEACT, ID, 0, 0), "deact while spinning");
	wait_ok(LPAR_STATE_DEACTIVATED, 10000, &st, "state deactivated");
	try_ok(lpar_cmd(fd, LPAR_UNDEFINE, ID, 0, 0), "undefine");
}

/* The CPUs each vCPU thread of @pid may run on, as masks. */
static int thread_cpus(pid_t pid, __u64 *mask, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	cpu_set_t set;
	int n = 0, cpu;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == pid)
			continue;
		if (sched_getaffinity(atoi(de->d_name), sizeof(set), &set))
			continue;
		mask[n] = 0;
		for (cpu = 0; cpu < 64; cpu++)
			if (CPU_ISSET(cpu, &set))
				mask[n] |= 1ULL << cpu;
		n++;
	}
	closedir(d);
	return n;
}

/* Dedicated placement: vCPU i pinned to the i-th CPU of the mask. */
static void round_dedicated(void)
{
	struct lpar_def d;
	struct lpar_status st;
	__u64 mask[LPAR_MAX_VCPUS];
	int n;

	memset(&d, 0, sizeof(d));
	d.argsz = sizeof(d);
	d.flags = LPAR_DEF_DEDICATED;
	d.id = ID;
	d.vcpus = 2;
	snprintf(d.name, sizeof(d.name), "dedicated");
	d.size = SIZE;
	d.cpumask = 0x3;
	d.image_format = LPAR_IMAGE_FLAT64;
	d.load_addr = 0x100000;
	snprintf(d.image, sizeof(d.image), "%.*s", (int)sizeof(d.image) - 1, spin);
	try_ok(ioctl(fd, LPAR_DEFINE, &d), "define 2 vCPUs on CPUs 0-1");
	try_ok(lpar_cmd(fd, LPAR_ACT, ID, 0, 0), "act it");
	check(wait_heartbeats(4, 30000), "heartbeats come");
	lpar_status(fd, ID, &st);
	n = thread_cpus(st.runner_pid, mask, LPAR_MAX_VCPUS);
	/* readdir order is not thread order: the set must be {0x1, 0x2} */
	check(n == 2 && (mask[0] | mask[1]) == 0x3 && mask[0] != mask[1] &&
	      __builtin_popcountll(mask[0]) == 1,
	      "vCPU threads pinned (%d threads: %#llx %#llx)", n,
	      n > 0 ? (unsigned long long)mask[0] : 0ULL,
	      n > 1 ? (unsigned long long)mask[1] : 0ULL);
	try_ok(lpar_cmd(fd, LPAR_DEACT, ID, 0, 0), "deact");
	wait_ok(LPAR_STATE_DEACTIVATED, 10000, &st, "state deactivated");
	try_ok(lpar_cmd(fd, LPAR_UNDEFINE, ID, 0, 0), "undefine");
}

static int image_path(const char *dir, const char *name, char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	if (!realpath(buf, path)) {
		perror(buf);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds = 1, i;
	const char *only;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: runner_smoke DIR [ROUNDS]\n");
		return 2;
	}
	if (argc == 3)
		rounds = strtoul(argv[2], NULL, 0);
	if (image_path(argv[1], "guest_hi.bin", hi) ||
	    image_path(argv[1], "guest_crash.bin", crash) ||
	    image_path(argv[1], "guest_spin.bin", spin))
		return 2;
	fd = lpar_open();
	if (fd < 0)
		return 4;
	lpar_remove(fd, ID);

	only = getenv("SMOKE_ONLY");
	for (i = 0; i < rounds; i++) {
		printf("# round %u\n", i + 1);
		if (!only || !strcmp(only, "hi"))
			round_hi();
		if (!only || !strcmp(only, "crash"))
			round_crash();
		if (!only || !strcmp(only, "spin"))
			round_spin();
		if (!only || !strcmp(only, "dedicated"))
			round_dedicated();
	}
	printf("1..%u\n# %u failed\n", nr_test, nr_fail);
	return nr_fail ? 1 : 0;
}
