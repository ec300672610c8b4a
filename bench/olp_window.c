// SPDX-License-Identifier: GPL-2.0
/*
 * olp_window - the stop window of a 10-entry on-line patch against an
 * empty stop_machine on the same CPUs (SPEC section 12, target ratio 2).
 *
 *	olp_window --patch olp/example/bench10.olp [--runs N]
 *		   [--image guest_spin.bin]
 *
 * The patch module (lpar_olp_example) must be loaded.  With --image a
 * partition runs throughout (its vCPU keeps a CPU busy, as in
 * production).  Each round applies the patch, reverts it and makes one
 * empty stop_machine, each after the same pause.  The empty one is
 * LPAR_OLP_CALIBRATE with LPAR_OLP_CAL_PREPARED: the module prepares and
 * checks the patch exactly as for an apply, then stops the machine with a
 * callback that returns at once -- so the baseline starts from the same
 * CPU state, and only the window's work differs.  value = median of the
 * apply and revert windows, baseline = median of the empty ones.  The
 * back-to-back median of plain CALIBRATE and the time spent inside the
 * windows are printed as notes.
 *
 * Prints: bench: olp_stop_window value=X baseline=Y ratio=R target=2 unit=us
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "common.h"

#define MAX_RUNS	100
#define PART_ID		61
#define PAUSE_US	20000

static int olp_cmd(int fd, unsigned long req, unsigned int count,
		   struct lpar_olp_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->argsz = sizeof(*c);
	c->count = count;
	return ioctl(fd, req, c);
}

static int load_patch(int fd, const char *path)
{
	static unsigned char buf[LPAR_OLP_MAX_FILE];
	struct lpar_olp_load l;
	ssize_t n;
	int pfd = open(path, O_RDONLY);

	if (pfd < 0)
		return -1;
	n = read(pfd, buf, sizeof(buf));
	close(pfd);
	if (n <= 0)
		return -1;
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.len = n;
	l.data_ptr = (uintptr_t)buf;
	return ioctl(fd, LPAR_OLP_LOAD, &l);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "patch", required_argument, NULL, 'p' },
		{ "runs", required_argument, NULL, 'n' },
		{ "image", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	__u64 win[2 * MAX_RUNS], work[2 * MAX_RUNS], base[MAX_RUNS];
	__u64 value, baseline;
	const char *patch = NULL, *image = NULL;
	unsigned int runs = 9, i, nwin = 0;
	struct lpar_olp_cmd c;
	struct lpar_status st;
	int fd, opt, rc = 1;

	while ((opt = getopt_long(argc, argv, "p:n:i:", lopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			patch = optarg;
			break;
		case 'n':
			runs = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			image = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!patch || !runs || runs > MAX_RUNS)
		goto usage;
	fd = lpar_open();
	if (fd < 0) {
		perror("olp_window: /dev/lpar");
		return 1;
	}
	lpar_remove(fd, PART_ID);
	/*
	 * Loaded before the partition starts: loading arms the targets'
	 * ftrace sites (the only step that rewrites text), and nothing
	 * executes them yet.  Apply and revert, which are measured, rewrite
	 * nothing.  (Multi-threaded TCG, which "make bench" uses, can keep
	 * stale code of a site rewritten while another vCPU runs it.)
	 */
	olp_cmd(fd, LPAR_OLP_UNLOAD, 0, &c);
	if (load_patch(fd, patch) < 0) {
		fprintf(stderr, "olp_window: LPAR_OLP_LOAD %s: %s\n", patch,
			strerror(errno));
		goto out;
	}
	if (image) {
		if (lpar_define_flat(fd, PART_ID, "olpbench", 1, 16ULL << 20,
				     image, 0x100000) < 0 ||
		    lpar_cmd(fd, LPAR_ACT, PART_ID, 0, 0) < 0 ||
		    lpar_wait_state(fd, PART_ID, LPAR_STATE_OPERATING, 60000,
				    &st) < 0) {
			fprintf(stderr, "olp_window: partition: %s\n",
				strerror(errno));
			goto out_unload;
		}
	}
	for (i = 0; i < runs; i++) {
		sleep_us(PAUSE_US);
		if (olp_cmd(fd, LPAR_OLP_APPLY, 0, &c) < 0 || c.applied != 10) {
			fprintf(stderr, "olp_window: apply: %s (applied %u)\n",
				strerror(errno), c.applied);
			goto out_unload;
		}
		work[nwin] = c.switch_ns;
		win[nwin++] = c.window_ns;
		sleep_us(PAUSE_US);
		if (olp_cmd(fd, LPAR_OLP_REVERT, 0, &c) < 0 || c.applied) {
			fprintf(stderr, "olp_window: revert: %s\n",
				strerror(errno));
			goto out_unload;
		}
		work[nwin] = c.switch_ns;
		win[nwin++] = c.window_ns;
		sleep_us(PAUSE_US);
		memset(&c, 0, sizeof(c));
		c.argsz = sizeof(c);
		c.count = 1;
		c.flags = LPAR_OLP_CAL_PREPARED;
		if (ioctl(fd, LPAR_OLP_CALIBRATE, &c) < 0) {
			fprintf(stderr, "olp_window: calibrate: %s\n",
				strerror(errno));
			goto out_unload;
		}
		base[i] = c.window_ns;
	}
	if (olp_cmd(fd, LPAR_OLP_CALIBRATE, 101, &c) == 0)
		printf("# olp_window: empty stop_machine back to back: median %.1f us\n",
		       c.window_ns / 1000.0);
	value = median_u64(win, nwin);
	baseline = median_u64(base, runs);
	printf("# olp_window: %u rounds%s; windows %.1f..%.1f us, switching in them %.1f us\n",
	       runs, image ? ", one partition running" : "",
	       win[0] / 1000.0, win[nwin - 1] / 1000.0,
	       median_u64(work, nwin) / 1000.0);
	printf("bench: olp_stop_window value=%.1f baseline=%.1f ratio=%.2f target=2 unit=us\n",
	       value / 1000.0, baseline / 1000.0,
	       baseline ? (double)value / baseline : 0.0);
	rc = 0;
out_unload:
	olp_cmd(fd, LPAR_OLP_REVERT, 0, &c);
	olp_cmd(fd, LPAR_OLP_UNLOAD, 0, &c);
out:
	if (image)
		lpar_remove(fd, PART_ID);
	close(fd);
	return rc;
usage:
	fprintf(stderr, "usage: %s --patch FILE [--runs N] [--image GUEST]\n",
		argv[0]);
	return 2;
}
