// SPDX-License-Identifier: GPL-2.0
/*
 * mvstor - SPEC section 12: MVSTOR of a running partition.
 *
 *  - mvstor_throughput: bytes / time of LPAR_MVSTOR (module's own
 *    figures, struct lpar_move_result) against a user-space memcpy() of
 *    the same size in the same VM; target ratio >= 0.8.
 *  - mvstor_pause: the longest time one chunk was unavailable to the
 *    guest against the whole move's time; target ratio <= 1/50.
 *
 * The partition runs guest_spin.bin (busy vCPU, checks a memory pattern
 * and reports LPAR_REPORT_FAIL if a move corrupts it); it is moved back
 * and forth between its first-fit origin and one OFFSET above, N times.
 * With --tsc-khz the partition runs selftests/guest/mover.bin instead,
 * which time-stamps every 64 KiB step of its own pattern loop: the
 * longest gap it saw (guest metric 0, TSC ticks) is the pause measured
 * from inside the guest, printed as mvstor_guest_pause against the median
 * move time.
 * Medians are printed as
 *   bench: NAME value=X baseline=Y ratio=R target=T unit=U
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

#define MAX_RUNS	50

static struct {
	unsigned int runs;
	unsigned int id;
	unsigned long long size;
	unsigned long long offset;
	unsigned long long chunk;
	const char *image;
	unsigned long long tsc_khz;
} opt = {
	.runs = 5,
	.id = LPAR_MAX_PARTITIONS - 3,
	.size = 64ULL << 20,
	.offset = 128ULL << 20,
};

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s --image guest_spin.bin [--runs N] [--id ID]\n"
		"	[--size MiB] [--offset MiB] [--chunk KiB] [--tsc-khz KHZ]\n",
		"mvstor");
	exit(2);
}

/* memcpy() of opt.size bytes, in ns (median of opt.runs, warm buffers). */
static __u64 memcpy_ns(void)
{
	static __u64 t[MAX_RUNS];
	unsigned int i;
	char *a, *b;
	__u64 t0;

	a = mmap(NULL, opt.size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, opt.size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		perror("mmap");
		return 0;
	}
	memset(a, 0x5a, opt.size);
	memset(b, 0xa5, opt.size);
	memcpy(b, a, opt.size);			/* warm-up */
	for (i = 0; i < opt.runs; i++) {
		t0 = now_ns();
		memcpy(i & 1 ? a : b, i & 1 ? b : a, opt.size);
		t[i] = now_ns() - t0;
		/* the copy must not be optimised away: look at it */
		if (memcmp(a, b, 64))
			fprintf(stderr, "mvstor: memcpy went wrong\n");
	}
	munmap(a, opt.size);
	munmap(b, opt.size);
	return median_u64(t, opt.runs);
}

/* Signs of life: heartbeats (guest_spin) or verified rounds (mover). */
static __u64 heartbeats(int fd)
{
	struct lpar_status st;

	if (lpar_status(fd, opt.id, &st) < 0)
		return 0;
	return st.heartbeats + (st.report_code == LPAR_REPORT_PROGRESS ?
				st.report_value : 0);
}

static int wait_heartbeats(int fd, __u64 n)
{
	__u64 end = now_ns() + 30 * NSEC_PER_SEC;

	while (heartbeats(fd) < n) {
		if (now_ns() > end) {
			fprintf(stderr, "mvstor: the guest does not run\n");
			return -1;
		}
		sleep_us(1000);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "id", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 's' },
		{ "offset", required_argument, NULL, 'o' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'I' },
		{ "tsc-khz", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	static __u64 total[MAX_RUNS], pause[MAX_RUNS], tput[MAX_RUNS];
	__u64 copy_ns, origin[2], t, p, bw, base_bw;
	struct lpar_mvstor mv;
	struct lpar_status st;
	char image[PATH_MAX];
	unsigned int i;
	int c, fd, ret = 1;

	while ((c = getopt_long(argc, argv, "n:i:s:o:c:I:k:", lopts,
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
		case 'o':
			opt.offset = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'c':
			opt.chunk = strtoull(optarg, NULL, 0) << 10;
			break;
		case 'I':
			opt.image = optarg;
			break;
		case 'k':
			opt.tsc_khz = strtoull(optarg, NULL, 0);
			break;
		default:
			print_usage();
		}
	}
	if (!opt.image || !opt.runs || opt.runs > MAX_RUNS)
		print_usage();
	if (!realpath(opt.image, image)) {
		fprintf(stderr, "mvstor: %s: %s\n", opt.image, strerror(errno));
		return 1;
	}

	copy_ns = memcpy_ns();
	if (!copy_ns)
		return 1;

	fd = lpar_open();
	if (fd < 0)
		return 1;
	if (lpar_remove(fd, opt.id) < 0) {
		fprintf(stderr, "mvstor: cannot clear partition %u: %s\n",
			opt.id, strerror(errno));
		return 1;
	}
	if (lpar_define_flat(fd, opt.id, "mvbench", 1, opt.size, image,
			     0x100000) < 0) {
		fprintf(stderr, "mvstor: LPAR_DEFINE: %s\n", strerror(errno));
		return 1;
	}
	if (lpar_cmd(fd, LPAR_ACT, opt.id, 0, 0) < 0) {
		fprintf(stderr, "mvstor: LPAR_ACT: %s\n", strerror(errno));
		goto out;
	}
	if (wait_heartbeats(fd, 2) || lpar_status(fd, opt.id, &st) < 0)
		goto out;
	origin[0] = st.origin;
	origin[1] = st.origin + opt.offset;

	for (i = 0; i < opt.runs; i++) {
		memset(&mv, 0, sizeof(mv));
		mv.argsz = sizeof(mv);
		mv.id = opt.id;
		mv.origin = origin[(i + 1) & 1];
		mv.chunk = opt.chunk;
		if (ioctl(fd, LPAR_MVSTOR, &mv) < 0 || mv.res.result) {
			fprintf(stderr, "mvstor: LPAR_MVSTOR to %#llx: %s (result %d)\n",
				(unsigned long long)mv.origin, strerror(errno),
				mv.res.result);
			goto out;
		}
		if (!mv.res.time_ns || mv.res.bytes != opt.size) {
			fprintf(stderr, "mvstor: odd result: %llu bytes in %llu ns\n",
				(unsigned long long)mv.res.bytes,
				(unsigned long long)mv.res.time_ns);
			goto out;
		}
		total[i] = mv.res.time_ns;
		pause[i] = mv.res.max_pause_ns;
		tput[i] = mv.res.bytes * 1000000000ULL / mv.res.time_ns;
		fprintf(stderr,
			"# move %u: %llu MiB in %.3f ms, %llu chunks, longest pause %.3f ms\n",
			i + 1, (unsigned long long)mv.res.bytes >> 20,
			mv.res.time_ns / 1e6, (unsigned long long)mv.res.chunks,
			mv.res.max_pause_ns / 1e6);
	}
	if (wait_heartbeats(fd, heartbeats(fd) + 2) ||
	    lpar_status(fd, opt.id, &st) < 0)
		goto out;
	if (st.state != LPAR_STATE_OPERATING ||
	    st.report_code == LPAR_REPORT_FAIL) {
		fprintf(stderr, "mvstor: guest after the moves: %s, report %u/%#llx\n",
			lpar_state_name(st.state), st.report_code,
			(unsigned long long)st.report_value);
		goto out;
	}

	bw = median_u64(tput, opt.runs);
	base_bw = opt.size * 1000000000ULL / copy_ns;
	t = median_u64(total, opt.runs);
	p = median_u64(pause, opt.runs);
	fprintf(stderr, "# memcpy of %llu MiB: %.3f ms\n", opt.size >> 20,
		copy_ns / 1e6);
	/* The mover guest writes all its storage: a busier partition. */
	printf("bench: %s value=%.1f baseline=%.1f ratio=%.4f %s\n",
	       opt.tsc_khz ? "mvstor_throughput_busy" : "mvstor_throughput",
	       bw / 1048576.0, base_bw / 1048576.0, (double)bw / base_bw,
	       "target=0.8 unit=MiB/s");
	if (opt.tsc_khz) {
		/* The guest's own longest gap between two loop steps. */
		double gp = st.guest_metric[0] / (double)opt.tsc_khz;

		fprintf(stderr, "# guest: longest step gap %llu ticks, shortest step %llu ticks, TSC %llu kHz\n",
			(unsigned long long)st.guest_metric[0],
			(unsigned long long)st.guest_metric[1], opt.tsc_khz);
		printf("bench: mvstor_guest_pause value=%.3f baseline=%.3f ratio=%.4f target=0.02 unit=ms\n",
		       gp, t / 1e6, gp / (t / 1e6));
	} else {
		printf("bench: mvstor_pause value=%.3f baseline=%.3f ratio=%.4f target=0.02 unit=ms\n",
		       p / 1e6, t / 1e6, (double)p / t);
	}
	ret = 0;
out:
	if (lpar_remove(fd, opt.id) < 0)
		fprintf(stderr, "mvstor: cleanup of partition %u: %s\n",
			opt.id, strerror(errno));
	close(fd);
	return ret;
}
