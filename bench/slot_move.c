// SPDX-License-Identifier: GPL-2.0
/*
 * slot_move - SPEC section 12: a PCI slot moved between running partitions,
 * until the receiving guest acknowledges, against QEMU device_del +
 * device_add of the same device passed through with vfio-pci.
 *
 * lpar side: partitions A and B run selftests/guest/hotplug.bin; the edu
 * device (1234:11e8) becomes a slot and goes to A.  Each run moves it to
 * the other one: LPAR_PCI_REM (returns once the guest has ejected it) +
 * LPAR_PCI_ADD, then LPAR_GET_STATUS polled until the receiving guest's
 * insertion metric (guest_metric[0]: device found in config space, BAR
 * assigned, decoding on, liveness register answered) goes up.
 *
 * QEMU side: qemu-system-x86_64 -accel kvm -M pc (ACPI PCI hot-plug,
 * PIIX4) boots the distribution kernel with a tiny initramfs (busybox):
 * its init runs "busybox uevent" and prints "SLOTMOVE: add" on the serial
 * line for the PCI add uevent of 1234:11E8.  The edu is bound to vfio-pci
 * on the host; through QMP (unix socket): device_add once (warm-up), then
 * each run: device_del until DEVICE_DELETED (the guest ejected it through
 * ACPI _EJ0) + device_add until the guest's serial line says so.  One
 * guest, not two: the guest-visible work is the same eject + insertion.
 *
 * Prints: bench: slot_move value=X baseline=Y ratio=R target=1 unit=ms
 * (medians).  Before each run both sides are left SETTLE_MS (untimed) to
 * finish what the previous insertion started: our guest its DMA round
 * trip, the Linux guest its uevent processing.  Exit 1 if a side could
 * not be measured (no fake numbers).
 */
#include <dirent.h>
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

#define MAX_RUNS	50
#define ACK_TIMEOUT_MS	120000
#define BOOT_TIMEOUT_MS	600000
#define ID_A		(LPAR_MAX_PARTITIONS - 3)
#define ID_B		(LPAR_MAX_PARTITIONS - 4)

static struct {
	unsigned int runs;
	const char *guest;
	const char *kernel;
	const char *busybox;
	const char *qemu;
	const char *workdir;
	double target;
	bool lpar_only;
	bool qemu_only;
} opt = {
	.runs = 5,
	.busybox = "/bin/busybox",
	.qemu = "qemu-system-x86_64",
	.workdir = "/tmp/slot_move",
	.target = 1,
};

static char edu[64];

static void usage(void)
{
	fprintf(stderr,
		"usage: slot_move --guest hotplug.bin [--runs N] [--kernel VMLINUZ]\n"
		"	[--busybox PATH] [--qemu PATH] [--workdir DIR] [--target T]\n"
		"	[--lpar-only | --qemu-only]\n");
	exit(2);
}

/* ---- host PCI ----------------------------------------------------------- */

static int read_hex(const char *path, unsigned int *v)
{
	char buf[32];
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -1;
	*v = strtoul(buf, NULL, 16);
	return 0;
}

static int find_edu(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char p[PATH_MAX];
	unsigned int v, dv;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(edu))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (read_hex(p, &v) || v != 0x1234)
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (read_hex(p, &dv) || dv != 0x11e8)
			continue;
		memcpy(edu, e->d_name, strlen(e->d_name) + 1);
		closedir(d);
		return 0;
	}
	closedir(d);
	return -1;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void edu_driver(char *drv, size_t len)
{
	char p[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", edu);
	n = readlink(p, link, sizeof(link) - 1);
	drv[0] = 0;
	if (n > 0) {
		link[n] = 0;
		snprintf(drv, len, "%.31s", strrchr(link, '/') + 1);
	}
}

/* Bind (or unbind) the edu to vfio-pci for QEMU. */
static int edu_vfio(bool bind)
{
	char p[PATH_MAX], drv[64];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver_override", edu);
	if (!bind) {
		edu_driver(drv, sizeof(drv));
		if (!strcmp(drv, "vfio-pci"))
			write_str("/sys/bus/pci/drivers/vfio-pci/unbind", edu);
		write_str(p, "\n");
		return 0;
	}
	if (system("modprobe vfio-pci >/dev/null 2>&1") != 0)
		fprintf(stderr, "slot_move: modprobe vfio-pci failed\n");
	edu_driver(drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	if (drv[0]) {
		char u[PATH_MAX];

		snprintf(u, sizeof(u), "/sys/bus/pci/drivers/%s/unbind", drv);
		write_str(u, edu);
	}
	if (write_str(p, "vfio-pci") ||
	    write_str("/sys/bus/pci/drivers_probe", edu)) {
		fprintf(stderr, "slot_move: cannot bind %s to vfio-pci: %s\n",
			edu, strerror(errno));
		return -1;
	}
	edu_driver(drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		fprintf(stderr, "slot_move: %s is bound to '%s', not vfio-pci\n",
			edu, drv);
		return -1;
	}
	return 0;
}

/* ---- lpar side ---------------------------------------------------------- */

static int slot_cmd(int fd, unsigned long req, unsigned int slot,
		    unsigned int id)
{
	struct lpar_slot_cmd c = {
		.argsz = sizeof(c), .slot = slot, .id = id,
	};

	return ioctl(fd, req, &c) ? -errno : 0;
}

static __u64 metric_n(int fd, unsigned int id, unsigned int n,
		       struct lpar_status *st)
{
	if (lpar_status(fd, id, st) < 0)
		return ~0ULL;
	return st->guest_metric[n];
}

static __u64 ins_metric(int fd, unsigned int id, struct lpar_status *st)
{
	return metric_n(fd, id, 0, st);
}

/* Wait until @id's metric @n exceeds @m0; 0 or -1. */
static int wait_metric(int fd, unsigned int id, unsigned int n, __u64 m0)
{
	__u64 end = now_ns() + ACK_TIMEOUT_MS * NSEC_PER_MSEC, m;
	struct lpar_status st;

	for (;;) {
		m = metric_n(fd, id, n, &st);
		if (m == ~0ULL) {
			perror("slot_move: LPAR_GET_STATUS");
			return -1;
		}
		if (m > m0)
			return 0;
		if (st.report_code == LPAR_REPORT_FAIL ||
		    st.state != LPAR_STATE_OPERATING) {
			fprintf(stderr, "slot_move: partition %u: %s, report %u/0x%llx: %s\n",
				id, lpar_state_name(st.state), st.report_code,
				(unsigned long long)st.report_value, st.reason);
			return -1;
		}
		if (now_ns() > end) {
			fprintf(stderr, "slot_move: partition %u did not configure the slot in %d ms\n",
				id, ACK_TIMEOUT_MS);
			return -1;
		}
		sleep_us(200);
	}
}

/* The insertion metric: device configured. */
static int wait_ack(int fd, unsigned int id, __u64 m0)
{
	return wait_metric(fd, id, 0, m0);
}

/*
 * Untimed, between runs: the guest has also finished the DMA round trip
 * it does after each insertion (it would hold up the next eject), and
 * both sides get SETTLE_MS of quiet.
 */
#define SETTLE_MS	300

static int settle(int fd, unsigned int id, __u64 d0)
{
	int r = wait_metric(fd, id, 1, d0);

	sleep_us(SETTLE_MS * 1000);
	return r;
}

static int start_part(int fd, unsigned int id, const char *name)
{
	struct lpar_status st;
	__u64 end;

	lpar_remove(fd, id);
	if (lpar_define_flat(fd, id, name, 1, 16ULL << 20, opt.guest, 0x100000) ||
	    lpar_cmd(fd, LPAR_ACT, id, 0, 0)) {
		fprintf(stderr, "slot_move: define/act %s: %s\n", name,
			strerror(errno));
		return -1;
	}
	/* Ready: its first report (PROGRESS 0) comes after GPE0_EN is set. */
	end = now_ns() + ACK_TIMEOUT_MS * NSEC_PER_MSEC;
	while (!lpar_status(fd, id, &st) && st.report_code == LPAR_REPORT_NONE &&
	       st.state != LPAR_STATE_FAILED && now_ns() < end)
		sleep_us(10000);
	if (st.report_code != LPAR_REPORT_PROGRESS) {
		fprintf(stderr, "slot_move: %s not ready: %s, report %u: %s\n",
			name, lpar_state_name(st.state), st.report_code, st.reason);
		return -1;
	}
	return 0;
}

/* Median of the moves in ns, or 0. */
static __u64 lpar_side(void)
{
	static __u64 t[MAX_RUNS], rem[MAX_RUNS];
	struct lpar_slot s = { .argsz = sizeof(s) };
	struct lpar_status st;
	unsigned int i, from = ID_A, to = ID_B, k;
	__u64 m0, d0, t0, t1, med = 0;
	int fd, r;

	fd = lpar_open();
	if (fd < 0) {
		perror("slot_move: /dev/lpar");
		return 0;
	}
	if (start_part(fd, ID_A, "SLOTMVA") || start_part(fd, ID_B, "SLOTMVB"))
		goto out;
	snprintf(s.bdf, sizeof(s.bdf), "%.15s", edu);
	if (ioctl(fd, LPAR_SLOT_ADD, &s)) {
		fprintf(stderr, "slot_move: LPAR_SLOT_ADD %s: %s\n", edu,
			strerror(errno));
		goto out;
	}
	m0 = ins_metric(fd, ID_A, &st);
	d0 = metric_n(fd, ID_A, 1, &st);
	r = slot_cmd(fd, LPAR_PCI_ADD, s.slot, ID_A);
	if (r || wait_ack(fd, ID_A, m0) || settle(fd, ID_A, d0)) {
		fprintf(stderr, "slot_move: first add to A: %s\n", strerror(-r));
		goto out_slot;
	}
	for (i = 0; i < opt.runs; i++) {
		m0 = ins_metric(fd, to, &st);
		d0 = metric_n(fd, to, 1, &st);
		t0 = now_ns();
		r = slot_cmd(fd, LPAR_PCI_REM, s.slot, from);
		t1 = now_ns();
		if (r) {
			fprintf(stderr, "slot_move: LPAR_PCI_REM from %u: %s\n",
				from, strerror(-r));
			goto out_slot;
		}
		r = slot_cmd(fd, LPAR_PCI_ADD, s.slot, to);
		if (r) {
			fprintf(stderr, "slot_move: LPAR_PCI_ADD to %u: %s\n",
				to, strerror(-r));
			goto out_slot;
		}
		if (wait_ack(fd, to, m0))
			goto out_slot;
		t[i] = now_ns() - t0;
		rem[i] = t1 - t0;
		if (settle(fd, to, d0))
			goto out_slot;
		k = from;
		from = to;
		to = k;
	}
	fprintf(stderr, "# lpar rem+add until ack:");
	for (i = 0; i < opt.runs; i++)
		fprintf(stderr, " %.3f", t[i] / 1e6);
	fprintf(stderr, " ms\n# lpar rem alone:");
	for (i = 0; i < opt.runs; i++)
		fprintf(stderr, " %.3f", rem[i] / 1e6);
	fprintf(stderr, " ms\n");
	med = median_u64(t, opt.runs);
out_slot:
	slot_cmd(fd, LPAR_PCI_REM, s.slot, from);
	if (slot_cmd(fd, LPAR_SLOT_REMOVE, s.slot, 0))
		fprintf(stderr, "slot_move: LPAR_SLOT_REMOVE: %s\n",
			strerror(errno));
out:
	lpar_remove(fd, ID_A);
	lpar_remove(fd, ID_B);
	close(fd);
	return med;
}

/* ---- QEMU side: initramfs ---------------------------------------------- */

static const char init_sh[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox mkdir -p /proc /sys /dev\n"
	"/bin/busybox mount -t proc proc /proc\n"
	"/bin/busybox mount -t sysfs sysfs /sys\n"
	"/bin/busybox mount -t devtmpfs dev /dev\n"
	"/bin/busybox uevent /hp &\n"
	"/bin/busybox sleep 1\n"
	"echo \"SLOTMOVE: ready\" >/dev/ttyS0\n"
	"exec /bin/busybox sleep 1000000\n";

static const char hp_sh[] =
	"#!/bin/busybox sh\n"
	"[ \"$SUBSYSTEM\" = pci ] || exit 0\n"
	"[ \"$PCI_ID\" = 1234:11E8 ] || exit 0\n"
	"echo \"SLOTMOVE: $ACTION $PCI_SLOT_NAME\" >/dev/ttyS0\n";

static unsigned int ino = 1;

static int cpio_entry(FILE *f, const char *name, unsigned int mode,
		      unsigned int rmaj, unsigned int rmin, const void *data,
		      size_t len)
{
	size_t nlen = strlen(name) + 1;
	static const char zero[4];

	fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		ino++, mode, 0, 0, 1, 0, len, 0, 0, rmaj, rmin, nlen, 0);
	fwrite(name, 1, nlen, f);
	fwrite(zero, 1, (4 - ((110 + nlen) & 3)) & 3, f);
	if (len) {
		fwrite(data, 1, len, f);
		fwrite(zero, 1, (4 - (len & 3)) & 3, f);
	}
	return ferror(f) ? -1 : 0;
}

static int make_initramfs(const char *path)
{
	FILE *f = fopen(path, "w"), *b;
	char *bb = NULL;
	long n;
	int ret = 0;

	if (!f)
		return -1;
	b = fopen(opt.busybox, "r");
	n = b && !fseek(b, 0, SEEK_END) ? ftell(b) : -1;
	if (n > 0)
		bb = malloc(n);
	if (!bb || fseek(b, 0, SEEK_SET) || fread(bb, 1, n, b) != (size_t)n) {
		fprintf(stderr, "slot_move: cannot read %s (busybox-static)\n",
			opt.busybox);
		ret = -1;
		n = 0;
	}
	if (b)
		fclose(b);
	ret |= cpio_entry(f, "bin", S_IFDIR | 0755, 0, 0, NULL, 0);
	ret |= cpio_entry(f, "dev", S_IFDIR | 0755, 0, 0, NULL, 0);
	ret |= cpio_entry(f, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	ret |= cpio_entry(f, "proc", S_IFDIR | 0755, 0, 0, NULL, 0);
	ret |= cpio_entry(f, "sys", S_IFDIR | 0755, 0, 0, NULL, 0);
	ret |= cpio_entry(f, "bin/busybox", S_IFREG | 0755, 0, 0, bb, n);
	ret |= cpio_entry(f, "init", S_IFREG | 0755, 0, 0, init_sh,
			  strlen(init_sh));
	ret |= cpio_entry(f, "hp", S_IFREG | 0755, 0, 0, hp_sh, strlen(hp_sh));
	ret |= cpio_entry(f, "TRAILER!!!", 0, 0, 0, NULL, 0);
	free(bb);
	if (fclose(f))
		ret = -1;
	return ret;
}

/* ---- QEMU side: serial and QMP ---------------------------------------- */

struct lines {
	int fd;
	char buf[65536];
	size_t len;
	FILE *log;
};

/*
 * Wait until a line from @l contains @a (and @b if given); lines before
 * it are consumed.  0, or -1 on timeout / EOF.
 */
static int wait_line(struct lines *l, const char *a, const char *b,
		     unsigned int ms, char *got, size_t gotlen)
{
	__u64 end = now_ns() + (__u64)ms * NSEC_PER_MSEC;
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	char *nl;
	ssize_t n;

	for (;;) {
		while ((nl = memchr(l->buf, '\n', l->len))) {
			size_t ll = nl - l->buf + 1;
			bool hit;

			*nl = 0;
			if (l->log)
				fprintf(l->log, "%s\n", l->buf);
			hit = strstr(l->buf, a) && (!b || strstr(l->buf, b));
			if (hit && got) {
				size_t m = strnlen(l->buf, gotlen - 1);

				memcpy(got, l->buf, m);
				got[m] = 0;
			}
			memmove(l->buf, l->buf + ll, l->len - ll);
			l->len -= ll;
			if (hit)
				return 0;
		}
		if (l->len == sizeof(l->buf))
			l->len = 0;
		if (now_ns() > end)
			return -1;
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			return -1;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len);
		if (n <= 0)
			return -1;
		l->len += n;
	}
}

static int qmp_send(int fd, const char *cmd)
{
	size_t n = strlen(cmd);

	return write(fd, cmd, n) == (ssize_t)n ? 0 : -1;
}

/* A command and its answer ("return" or "error"). */
static int qmp_cmd(struct lines *q, const char *cmd)
{
	char got[1024];

	if (qmp_send(q->fd, cmd) ||
	    wait_line(q, "\"return\"", NULL, 30000, got, sizeof(got)))
		return -1;
	return 0;
}

static __u64 qemu_side(void)
{
	static __u64 t[MAX_RUNS], del[MAX_RUNS];
	char initrd[PATH_MAX], sock[PATH_MAX], qlog[PATH_MAX], slog[PATH_MAX];
	char kernel[PATH_MAX], qmpopt[PATH_MAX + 64], add[256], host[80];
	struct lines ser = { .fd = -1 }, qmp = { .fd = -1 };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct utsname u;
	unsigned int i;
	__u64 t0, t1, med = 0, tb;
	int p[2], status, logfd;
	pid_t pid = -1;

	mkdir(opt.workdir, 0755);
	snprintf(initrd, sizeof(initrd), "%s/initrd.cpio", opt.workdir);
	snprintf(sock, sizeof(sock), "%s/qmp.sock", opt.workdir);
	snprintf(qlog, sizeof(qlog), "%s/qemu.log", opt.workdir);
	snprintf(slog, sizeof(slog), "%s/serial.log", opt.workdir);
	if (opt.kernel) {
		snprintf(kernel, sizeof(kernel), "%s", opt.kernel);
	} else {
		uname(&u);
		snprintf(kernel, sizeof(kernel), "/boot/vmlinuz-%s", u.release);
	}
	if (make_initramfs(initrd)) {
		fprintf(stderr, "slot_move: cannot write %s\n", initrd);
		return 0;
	}
	if (edu_vfio(true))
		return 0;
	unlink(sock);
	snprintf(qmpopt, sizeof(qmpopt), "unix:%s,server=on,wait=off", sock);
	snprintf(host, sizeof(host), "%s", edu);
	snprintf(add, sizeof(add),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"vfio-pci\",\"host\":\"%s\",\"id\":\"edu0\",\"bus\":\"pci.0\",\"addr\":\"0x5\"}}\n",
		 host);
	if (pipe2(p, O_CLOEXEC) < 0)
		goto out;
	tb = now_ns();
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		const char *argv[] = {
			opt.qemu, "-accel", "kvm", "-cpu", "host", "-M", "pc",
			"-m", "256", "-smp", "1", "-nodefaults", "-display", "none",
			"-kernel", kernel, "-initrd", initrd,
			"-append", "console=ttyS0 panic=-1 quiet",
			"-serial", "stdio", "-monitor", "none",
			"-qmp", qmpopt, "-no-reboot", NULL,
		};
		int null = open("/dev/null", O_RDONLY);

		logfd = open(qlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	close(p[1]);
	ser.fd = p[0];
	ser.log = fopen(slog, "w");
	if (ser.log)
		setvbuf(ser.log, NULL, _IOLBF, 0);
	if (wait_line(&ser, "SLOTMOVE: ready", NULL, BOOT_TIMEOUT_MS, NULL, 0)) {
		fprintf(stderr, "slot_move: the QEMU guest did not come up; see %s and %s\n",
			slog, qlog);
		goto out;
	}
	fprintf(stderr, "# qemu guest booted in %.1f s\n", (now_ns() - tb) / 1e9);
	qmp.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "slot_move: %s: path too long for a socket\n", sock);
		goto out;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (qmp.fd < 0 || connect(qmp.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    wait_line(&qmp, "\"QMP\"", NULL, 30000, NULL, 0) ||
	    qmp_cmd(&qmp, "{\"execute\":\"qmp_capabilities\"}\n")) {
		fprintf(stderr, "slot_move: QMP on %s does not answer\n", sock);
		goto out;
	}
	/* Warm-up: the first insertion. */
	if (qmp_cmd(&qmp, add) ||
	    wait_line(&ser, "SLOTMOVE: add", NULL, ACK_TIMEOUT_MS, NULL, 0)) {
		fprintf(stderr, "slot_move: first device_add of %s not seen by the guest; see %s\n",
			edu, slog);
		goto out;
	}
	for (i = 0; i < opt.runs; i++) {
		sleep_us(SETTLE_MS * 1000);
		t0 = now_ns();
		if (qmp_cmd(&qmp, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"edu0\"}}\n") ||
		    wait_line(&qmp, "DEVICE_DELETED", "edu0", ACK_TIMEOUT_MS, NULL, 0)) {
			fprintf(stderr, "slot_move: device_del: no DEVICE_DELETED\n");
			goto out;
		}
		t1 = now_ns();
		if (qmp_cmd(&qmp, add) ||
		    wait_line(&ser, "SLOTMOVE: add", NULL, ACK_TIMEOUT_MS, NULL, 0)) {
			fprintf(stderr, "slot_move: device_add not seen by the guest; see %s\n",
				slog);
			goto out;
		}
		t[i] = now_ns() - t0;
		del[i] = t1 - t0;
	}
	fprintf(stderr, "# qemu device_del+device_add until ack:");
	for (i = 0; i < opt.runs; i++)
		fprintf(stderr, " %.3f", t[i] / 1e6);
	fprintf(stderr, " ms\n# qemu device_del alone:");
	for (i = 0; i < opt.runs; i++)
		fprintf(stderr, " %.3f", del[i] / 1e6);
	fprintf(stderr, " ms\n");
	med = median_u64(t, opt.runs);
out:
	if (qmp.fd >= 0)
		close(qmp.fd);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (ser.fd >= 0)
		close(ser.fd);
	if (ser.log)
		fclose(ser.log);
	edu_vfio(false);
	return med;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "guest", required_argument, NULL, 'g' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "busybox", required_argument, NULL, 'b' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "target", required_argument, NULL, 't' },
		{ "lpar-only", no_argument, NULL, 'L' },
		{ "qemu-only", no_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 ours = 0, base = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.runs = atoi(optarg);
			if (opt.runs < 1 || opt.runs > MAX_RUNS)
				usage();
			break;
		case 'g':
			opt.guest = optarg;
			break;
		case 'k':
			opt.kernel = optarg;
			break;
		case 'b':
			opt.busybox = optarg;
			break;
		case 'q':
			opt.qemu = optarg;
			break;
		case 'w':
			opt.workdir = optarg;
			break;
		case 't':
			opt.target = atof(optarg);
			break;
		case 'L':
			opt.lpar_only = true;
			break;
		case 'Q':
			opt.qemu_only = true;
			break;
		default:
			usage();
		}
	}
	if (!opt.guest && !opt.qemu_only)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (find_edu()) {
		fprintf(stderr, "slot_move: no edu device (1234:11e8) here: run it in the test VM\n");
		return 1;
	}
	if (!opt.qemu_only)
		ours = lpar_side();
	if (!opt.lpar_only)
		base = qemu_side();
	if (opt.lpar_only && ours) {
		printf("bench: slot_move value=%.3f target=%g unit=ms (no baseline: --lpar-only)\n",
		       ours / 1e6, opt.target);
		return 0;
	}
	if (opt.qemu_only && base) {
		printf("bench: slot_move baseline=%.3f unit=ms (--qemu-only)\n",
		       base / 1e6);
		return 0;
	}
	if (!ours || !base) {
		fprintf(stderr, "slot_move: not measured: %s%s\n",
			ours ? "" : "lpar side failed ",
			base ? "" : "QEMU baseline failed");
		return 1;
	}
	printf("bench: slot_move value=%.3f baseline=%.3f ratio=%.4f target=%g unit=ms\n",
	       ours / 1e6, base / 1e6, (double)ours / base, opt.target);
	return 0;
}
