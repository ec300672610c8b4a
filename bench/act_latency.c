// SPDX-License-Identifier: GPL-2.0
/*
 * act_latency - SPEC section 12: act -> the guest's first instruction,
 * against QEMU (-accel kvm) starting the same first instruction.
 *
 * lpar side: LPAR_DEFINE a partition with a flat image whose first
 * instruction is a port write, then N times: LPAR_ACT, poll
 * LPAR_GET_STATUS until the module has seen that first I/O
 * (first_insn_ns: act start -> first guest I/O, measured by the module;
 * the poll also gives a user-space figure), deact.
 *
 * QEMU side: N times fork/exec qemu-system-x86_64 -accel kvm with a -bios
 * whose reset vector writes to isa-debugcon (port 0xe9) as its very first
 * instruction; time from fork to the first byte on the debugcon pipe,
 * then kill QEMU.
 *
 * Prints, per figure (medians):
 *   bench: NAME value=X baseline=Y ratio=R target=T unit=ms
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define MAX_RUNS	100
#define QEMU_TIMEOUT_MS	60000
#define ACT_TIMEOUT_MS	30000

static struct {
	unsigned int runs;
	unsigned int id;
	unsigned long long size;
	const char *image;
	const char *bios;
	const char *qemu;
	const char *qemu_log;
	double target;
	bool lpar_only;
} opt = {
	.runs = 5,
	.id = LPAR_MAX_PARTITIONS - 1,
	.size = 64ULL << 20,
	.qemu = "qemu-system-x86_64",
	.qemu_log = "/tmp/act_latency-qemu.log",
	.target = 0.25,
};

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s --image FLAT.bin --bios BIOS.bin [--runs N]\n"
		"	[--id ID] [--size MiB] [--qemu PATH] [--target T] [--lpar-only]\n",
		"act_latency");
	exit(2);
}

/* One QEMU start: fork -> first debugcon byte, in ns; 0 on failure. */
static __u64 qemu_once(void)
{
	const char * const argv[] = {
		opt.qemu, "-accel", "kvm", "-nodefaults", "-nographic",
		"-M", "pc", "-m", "64", "-bios", opt.bios,
		"-debugcon", "stdio", "-no-reboot", NULL,
	};
	struct pollfd pfd;
	__u64 t0, t1 = 0;
	int p[2], status, n, logfd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("pipe2");
		return 0;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 0;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		logfd = open(opt.qemu_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	n = poll(&pfd, 1, QEMU_TIMEOUT_MS);
	if (n == 1 && read(p[0], &c, 1) == 1)
		t1 = now_ns();
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[0]);
	if (!t1) {
		fprintf(stderr,
			"act_latency: qemu gave no debugcon byte (%s); see %s\n",
			n == 0 ? "timeout" : "it exited", opt.qemu_log);
		return 0;
	}
	return t1 - t0;
}

/*
 * One act: returns 0 and the module's and the user-space figure, in ns.
 */
static int lpar_once(int fd, __u64 *mod_ns, __u64 *user_ns)
{
	struct lpar_status st;
	__u32 acts;
	__u64 t0, end;

	if (lpar_status(fd, opt.id, &st) < 0) {
		perror("LPAR_GET_STATUS");
		return -1;
	}
	acts = st.activations;
	t0 = now_ns();
	if (lpar_cmd(fd, LPAR_ACT, opt.id, 0, 0) < 0) {
		fprintf(stderr, "act_latency: LPAR_ACT: %s\n", strerror(errno));
		lpar_status(fd, opt.id, &st);
		fprintf(stderr, "act_latency: reason: %s\n", st.reason);
		return -1;
	}
	end = t0 + ACT_TIMEOUT_MS * NSEC_PER_MSEC;
	for (;;) {
		if (lpar_status(fd, opt.id, &st) < 0) {
			perror("LPAR_GET_STATUS");
			return -1;
		}
		if (st.first_insn_ns && st.activations != acts) {
			*user_ns = now_ns() - t0;
			*mod_ns = st.first_insn_ns;
			break;
		}
		if (st.state == LPAR_STATE_FAILED ||
		    st.state == LPAR_STATE_DEACTIVATED) {
			fprintf(stderr, "act_latency: partition %s: %s\n",
				lpar_state_name(st.state), st.reason);
			return -1;
		}
		if (now_ns() > end) {
			fprintf(stderr,
				"act_latency: no first instruction after %d ms (state %s)\n",
				ACT_TIMEOUT_MS, lpar_state_name(st.state));
			return -1;
		}
		sleep_us(50);
	}
	if (lpar_cmd(fd, LPAR_DEACT, opt.id, 0, 0) < 0) {
		fprintf(stderr, "act_latency: LPAR_DEACT: %s\n", strerror(errno));
		return -1;
	}
	if (lpar_wait_state(fd, opt.id, LPAR_STATE_DEACTIVATED, 20000, &st)) {
		fprintf(stderr, "act_latency: deact: %s (state %s)\n",
			strerror(errno), lpar_state_name(st.state));
		return -1;
	}
	return 0;
}

static void print_line(const char *name, __u64 value, __u64 baseline)
{
	printf("bench: %s value=%.3f baseline=%.3f ratio=%.4f target=%g unit=ms\n",
	       name, value / 1e6, baseline / 1e6,
	       baseline ? (double)value / baseline : 0.0, opt.target);
}

static void print_runs(const char *what, const __u64 *v, unsigned int n)
{
	unsigned int i;

	fprintf(stderr, "# %s:", what);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %.3f", v[i] / 1e6);
	fprintf(stderr, " ms\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "id", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 's' },
		{ "image", required_argument, NULL, 'I' },
		{ "bios", required_argument, NULL, 'b' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "target", required_argument, NULL, 't' },
		{ "lpar-only", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	static __u64 mod[MAX_RUNS], user[MAX_RUNS], qemu[MAX_RUNS];
	char image[PATH_MAX];
	__u64 m, u, q;
	unsigned int i;
	int c, fd, ret = 0;

	while ((c = getopt_long(argc, argv, "n:i:s:I:b:q:t:L", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.runs = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			opt.id = strtoul(optarg, NULL, 0);
			break;
		case 's':
			opt.size = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'I':
			opt.image = optarg;
			break;
		case 'b':
			opt.bios = optarg;
			break;
		case 'q':
			opt.qemu = optarg;
			break;
		case 't':
			opt.target = strtod(optarg, NULL);
			break;
		case 'L':
			opt.lpar_only = true;
			break;
		default:
			print_usage();
		}
	}
	if (!opt.image || !opt.bios || !opt.runs || opt.runs > MAX_RUNS)
		print_usage();
	if (!realpath(opt.image, image)) {
		fprintf(stderr, "act_latency: %s: %s\n", opt.image,
			strerror(errno));
		return 1;
	}
	if (access(opt.bios, R_OK)) {
		fprintf(stderr, "act_latency: %s: %s\n", opt.bios,
			strerror(errno));
		return 1;
	}

	fd = lpar_open();
	if (fd < 0)
		return 1;
	if (lpar_remove(fd, opt.id) < 0) {
		fprintf(stderr, "act_latency: cannot clear partition %u: %s\n",
			opt.id, strerror(errno));
		return 1;
	}
	if (lpar_define_flat(fd, opt.id, "actbench", 1, opt.size, image,
			     0x100000) < 0) {
		fprintf(stderr, "act_latency: LPAR_DEFINE: %s\n",
			strerror(errno));
		return 1;
	}

	/* One warm-up run each (page cache, module paths), not counted. */
	if (lpar_once(fd, &m, &u) || (!opt.lpar_only && !qemu_once())) {
		ret = 1;
		goto out;
	}
	for (i = 0; i < opt.runs; i++) {
		if (lpar_once(fd, &mod[i], &user[i])) {
			ret = 1;
			goto out;
		}
		if (opt.lpar_only)
			continue;
		qemu[i] = qemu_once();
		if (!qemu[i]) {
			ret = 1;
			goto out;
		}
	}
	print_runs("lpar act->first insn (module)", mod, opt.runs);
	print_runs("lpar act->first insn (user poll)", user, opt.runs);
	if (!opt.lpar_only)
		print_runs("qemu exec->first insn", qemu, opt.runs);
	m = median_u64(mod, opt.runs);
	u = median_u64(user, opt.runs);
	q = median_u64(qemu, opt.runs);
	print_line("act_latency", m, q);
	print_line("act_latency_user", u, q);
out:
	if (lpar_remove(fd, opt.id) < 0)
		fprintf(stderr, "act_latency: cleanup of partition %u: %s\n",
			opt.id, strerror(errno));
	close(fd);
	return ret;
}
