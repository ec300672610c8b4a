// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner - the LIP runner of lpar.ko.
 *
 *	lpar-runner --id N --token HEX [--verbose]
 *
 * The module starts it (call_usermodehelper) when a partition is
 * activated.  It attaches to the partition, maps its storage, builds a
 * KVM VM with the partition's vCPUs, runs them, forwards their port I/O
 * to the module and obeys the module's STOP / RESUME / EXIT orders.  It
 * decides nothing: storage, devices and state belong to the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define LPAR_DEV	"/dev/lpar"

static struct runner runner = {
	.pfd = -1,
	.kvm_fd = -1,
	.vm_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.route_lock = PTHREAD_MUTEX_INITIALIZER,
	.vcpu_cond = PTHREAD_COND_INITIALIZER,
	.ctl_cond = PTHREAD_COND_INITIALIZER,
};

/* Started by the kernel, fds 0-2 may be closed: keep them taken. */
static void fix_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) < 0)
			return;
	}
}

static void kick_handler(int sig)
{
	(void)sig;
}

static int setup_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: KVM_RUN returns EINTR */
	if (sigaction(RUNNER_KICK_SIGNAL, &sa, NULL) < 0) {
		log_err("sigaction(SIGUSR1): %s", strerror(errno));
		return -1;
	}
	/* Only vCPU threads take the kick; they unblock it themselves. */
	sigemptyset(&set);
	sigaddset(&set, RUNNER_KICK_SIGNAL);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL)) {
		log_err("pthread_sigmask: failed");
		return -1;
	}
	/* The umh environment may leave SIGPIPE and friends odd: be sure. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

#define USAGE	"lpar-runner --id N --token HEX [--verbose]"

static void print_usage(FILE *f)
{
	fprintf(f, "usage: %s\n%s\n", USAGE,
		"The LIP runner of lpar.ko; started by the module at act.");
}

static int parse_args(struct runner *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "token", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool have_id = false, have_token = false;
	unsigned long long v;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "i:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    v >= LPAR_MAX_PARTITIONS) {
				log_err("bad --id '%s'", optarg);
				return -1;
			}
			r->id = v;
			have_id = true;
			break;
		case 't':
			errno = 0;
			v = strtoull(optarg, &end, 16);
			if (errno || end == optarg || *end) {
				log_err("bad --token '%s'", optarg);
				return -1;
			}
			r->token = v;
			have_token = true;
			break;
		case 'v':
			r->verbose = true;
			break;
		case 'h':
			print_usage(stdout);
			exit(RUNNER_EXIT_OK);
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !have_id || !have_token) {
		log_err("usage: %s", USAGE);
		return -1;
	}
	return 0;
}

/* Send an event to the module; an error there means the partition is gone. */
void runner_event(struct runner *r, __u32 event, __u32 vcpu, __u64 seq,
		  const char *reason)
{
	struct lpar_runner_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.argsz = sizeof(ev);
	ev.event = event;
	ev.vcpu = vcpu;
	ev.seq = seq;
	if (reason)
		snprintf(ev.reason, sizeof(ev.reason), "%s", reason);
	while (ioctl(r->pfd, LPAR_RUNNER_EVENT, &ev) < 0) {
		if (errno == EINTR)
			continue;
		log_err("LPAR_RUNNER_EVENT(%u): %s: partition gone, exiting",
			event, strerror(errno));
		runner_exit(RUNNER_EXIT_PARTITION);
	}
}

/*
 * A setup step failed: tell the module why (as a check-stop of vCPU 0, so
 * the reason shows in the partition's status), then leave.
 */
static void __attribute__((noreturn)) setup_failed(struct runner *r,
						   const char *why)
{
	struct lpar_runner_event ev;

	log_err("setup failed: %s", why);
	if (r->pfd >= 0) {
		memset(&ev, 0, sizeof(ev));
		ev.argsz = sizeof(ev);
		ev.event = LPAR_EVENT_CHECKSTOP;
		snprintf(ev.reason, sizeof(ev.reason), "runner: %s", why);
		if (ioctl(r->pfd, LPAR_RUNNER_EVENT, &ev) < 0)
			log_err("LPAR_RUNNER_EVENT(CHECKSTOP): %s",
				strerror(errno));
	}
	runner_exit(RUNNER_EXIT_SETUP);
}

static int attach(struct runner *r, char *why, size_t len)
{
	struct lpar_attach at;
	int fd;

	fd = open(LPAR_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "open %s: %s", LPAR_DEV, strerror(errno));
		return -1;
	}
	memset(&at, 0, sizeof(at));
	at.argsz = sizeof(at);
	at.id = r->id;
	at.token = r->token;
	r->pfd = ioctl(fd, LPAR_ATTACH, &at);
	if (r->pfd < 0) {
		snprintf(why, len, "LPAR_ATTACH(id %u): %s", r->id,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int get_info(struct runner *r, char *why, size_t len)
{
	struct lpar_runner_info *info = &r->info;
	long page = sysconf(_SC_PAGESIZE);

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(r->pfd, LPAR_RUNNER_INFO, info) < 0) {
		snprintf(why, len, "LPAR_RUNNER_INFO: %s", strerror(errno));
		return -1;
	}
	if (info->vcpus < 1 || info->vcpus > LPAR_MAX_VCPUS) {
		snprintf(why, len, "bad vCPU count %u", info->vcpus);
		return -1;
	}
	if (!info->size || info->size & (page - 1) ||
	    info->size > (__u64)SIZE_MAX) {
		snprintf(why, len, "bad storage size 0x%llx",
			 (unsigned long long)info->size);
		return -1;
	}
	if ((info->flags & LPAR_DEF_DEDICATED) &&
	    (unsigned int)__builtin_popcountll(info->cpumask) < info->vcpus) {
		snprintf(why, len, "cpumask 0x%llx has fewer CPUs than %u vCPUs",
			 (unsigned long long)info->cpumask, info->vcpus);
		return -1;
	}
	r->nr_vcpus = info->vcpus;
	return 0;
}

static int map_storage(struct runner *r, char *why, size_t len)
{
	/* Shared vCPUs run where the module started us. */
	if (sched_getaffinity(0, sizeof(r->shared_cpus), &r->shared_cpus)) {
		snprintf(why, len, "sched_getaffinity: %s", strerror(errno));
		return -1;
	}
	/* Never pinned: the module moves the frames under us (MVSTOR). */
	r->mem = mmap(NULL, r->info.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      r->pfd, 0);
	if (r->mem == MAP_FAILED) {
		r->mem = NULL;
		snprintf(why, len, "mmap of %llu bytes of storage: %s",
			 (unsigned long long)r->info.size, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * LPAR_ORDER_RESIZE: hold the vCPUs, map the partition fd again at the
 * new size, replace the memslots, drop the old mapping, run again.
 */
static int storage_resize(struct runner *r, __u64 size, char *why,
			  size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	bool was_held = r->hold;
	void *mem;
	int ret = -1;

	if (!size || size & (page - 1) || size > (__u64)SIZE_MAX) {
		snprintf(why, len, "resize to bad size 0x%llx",
			 (unsigned long long)size);
		return -1;
	}
	if (!was_held && vcpus_hold(r)) {
		snprintf(why, len, "vCPUs did not stop for the resize");
		return -1;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->pfd, 0);
	if (mem == MAP_FAILED) {
		snprintf(why, len, "resize: mmap of %llu bytes: %s",
			 (unsigned long long)size, strerror(errno));
		goto out;
	}
	if (kvm_map_storage(r, mem, size, why, len)) {
		munmap(mem, size);
		goto out;
	}
	munmap(r->mem, r->info.size);
	r->mem = mem;
	r->info.size = size;
	/* Devices' DMA reaches the storage at its new size. */
	if (pci_storage_resized(r, why, len))
		goto out;
	ret = 0;
out:
	if (!was_held)
		vcpus_release(r);
	return ret;
}

/* LPAR_ORDER_PLACEMENT: read the placement again and apply it. */
static int placement_update(struct runner *r, char *why, size_t len)
{
	struct lpar_runner_info info;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (ioctl(r->pfd, LPAR_RUNNER_INFO, &info) < 0) {
		log_err("LPAR_RUNNER_INFO: %s: partition gone, exiting",
			strerror(errno));
		runner_exit(RUNNER_EXIT_PARTITION);
	}
	if ((info.flags & LPAR_DEF_DEDICATED) &&
	    (unsigned int)__builtin_popcountll(info.cpumask) < r->nr_vcpus) {
		snprintf(why, len, "cpumask 0x%llx has fewer CPUs than %u vCPUs",
			 (unsigned long long)info.cpumask, r->nr_vcpus);
		return -1;
	}
	r->info.flags = info.flags;
	r->info.cpumask = info.cpumask;
	r->info.weight = info.weight;
	return vcpus_place(r, why, len);
}

static const char *order_name(__u32 order)
{
	switch (order) {
	case LPAR_ORDER_SLOT_ATTACH:
		return "attach";
	case LPAR_ORDER_SLOT_DETACH:
		return "detach";
	case LPAR_ORDER_DMA_QUIESCE:
		return "DMA quiesce";
	case LPAR_ORDER_DMA_SALE:
		return "DMA SALE";
	case LPAR_ORDER_DMA_RESUME:
		return "DMA resume";
	default:
		return "?";
	}
}

/* The control loop: wait for orders, carry them out, acknowledge. */
static void __attribute__((noreturn)) control_loop(struct runner *r)
{
	char why[LPAR_REASON_LEN];
	struct lpar_order o;

	for (;;) {
		memset(&o, 0, sizeof(o));
		o.argsz = sizeof(o);
		o.timeout_ms = RUNNER_WAIT_MS;
		if (ioctl(r->pfd, LPAR_RUNNER_WAIT, &o) < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ETIMEDOUT)
				continue;
			log_err("LPAR_RUNNER_WAIT: %s: partition gone, exiting",
				strerror(errno));
			runner_exit(RUNNER_EXIT_PARTITION);
		}
		switch (o.order) {
		case LPAR_ORDER_NONE:
			break;
		case LPAR_ORDER_STOP:
			log_debug("order %llu: stop",
				  (unsigned long long)o.seq);
			if (vcpus_hold(r)) {
				log_err("vCPUs did not stop within %u ms",
					RUNNER_HOLD_TIMEOUT_MS);
				runner_exit(RUNNER_EXIT_STUCK);
			}
			runner_event(r, LPAR_EVENT_ACK, 0, o.seq, NULL);
			break;
		case LPAR_ORDER_RESUME:
			log_debug("order %llu: resume",
				  (unsigned long long)o.seq);
			vcpus_release(r);
			runner_event(r, LPAR_EVENT_ACK, 0, o.seq, NULL);
			break;
		case LPAR_ORDER_RESIZE:
			log_debug("order %llu: resize to %llu bytes",
				  (unsigned long long)o.seq,
				  (unsigned long long)o.size);
			if (storage_resize(r, o.size, why, sizeof(why))) {
				/* The guest's storage view is now unsure. */
				log_err("%s", why);
				runner_event(r, LPAR_EVENT_CHECKSTOP, 0, 0, why);
				break;
			}
			runner_event(r, LPAR_EVENT_ACK, 0, o.seq, NULL);
			log_debug("order %llu: storage now %llu MiB",
				  (unsigned long long)o.seq,
				  (unsigned long long)(r->info.size >> 20));
			break;
		case LPAR_ORDER_PLACEMENT:
			log_debug("order %llu: placement",
				  (unsigned long long)o.seq);
			if (placement_update(r, why, sizeof(why))) {
				/* Not carried out: no ACK, the module times out. */
				log_err("placement: %s", why);
				break;
			}
			runner_event(r, LPAR_EVENT_ACK, 0, o.seq, NULL);
			break;
		case LPAR_ORDER_SLOT_ATTACH:
		case LPAR_ORDER_SLOT_DETACH:
		case LPAR_ORDER_DMA_QUIESCE:
		case LPAR_ORDER_DMA_SALE:
		case LPAR_ORDER_DMA_RESUME:
			log_debug("order %llu: %s slot %u",
				  (unsigned long long)o.seq,
				  order_name(o.order), o.slot);
			if (pci_order(r, &o, why, sizeof(why))) {
				log_err("order %llu: %s slot %u: %s",
					(unsigned long long)o.seq,
					order_name(o.order), o.slot, why);
				runner_event(r, LPAR_EVENT_NACK, 0, o.seq, why);
				break;
			}
			runner_event(r, LPAR_EVENT_ACK, 0, o.seq, NULL);
			break;
		case LPAR_ORDER_EXIT:
			log_debug("order %llu: exit",
				  (unsigned long long)o.seq);
			vcpus_end(r);
			pci_exit(r);
			runner_exit(RUNNER_EXIT_OK);
		default:
			log_err("unknown order %u (seq %llu) ignored", o.order,
				(unsigned long long)o.seq);
			break;
		}
	}
}

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct runner *r = &runner;
	char why[LPAR_REASON_LEN];
	unsigned long long t[4];

	fix_std_fds();
	log_init(0, false);
	if (parse_args(r, argc, argv))
		return RUNNER_EXIT_USAGE;
	log_init(r->id, r->verbose);
	if (setup_signals())
		return RUNNER_EXIT_SETUP;

	t[0] = now_us();
	if (attach(r, why, sizeof(why)))
		setup_failed(r, why);
	t[1] = now_us();
	pci_init(r);
	if (get_info(r, why, sizeof(why)) || map_storage(r, why, sizeof(why)) ||
	    kvm_setup(r, why, sizeof(why)) || kvm_setup_sci(r, why, sizeof(why)))
		setup_failed(r, why);
	t[2] = now_us();
	if (vcpus_start(r, why, sizeof(why)))
		setup_failed(r, why);
	t[3] = now_us();

	/* Every vCPU thread is placed and waits at the start line. */
	runner_event(r, LPAR_EVENT_RUNNING, 0, 0, NULL);
	vcpus_go(r);
	log_debug("running: %u vCPU(s), %llu MiB, %s; attach %llu us, kvm %llu us, threads %llu us",
		  r->nr_vcpus, (unsigned long long)(r->info.size >> 20),
		  r->info.flags & LPAR_DEF_DEDICATED ? "dedicated" : "shared",
		  t[1] - t[0], t[2] - t[1], t[3] - t[2]);
	control_loop(r);
}
