// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner: vCPU threads -- placement, the KVM_RUN loop, exit
 * handling, and holding / releasing / ending them for the control thread.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runner.h"

/* The kernel's sched_prio_to_weight[]: CFS weight of nice -20 .. 19. */
static const int nice_weight[40] = {
	88761, 71755, 56483, 46273, 36291,
	29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906,
	3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423,
	335, 272, 215, 172, 137,
	110, 87, 70, 56, 45,
	36, 29, 23, 18, 15,
};

/*
 * Shared placement: weight 100 is nice 0 (CFS weight 1024); otherwise the
 * nice value whose CFS weight is nearest (by ratio) to weight/100 * 1024,
 * so that two partitions' CPU shares follow their weights.
 */
static int weight_to_nice(unsigned int weight)
{
	double target, ratio, best_ratio = 0;
	int i, best = 20;

	if (!weight)
		weight = LPAR_WEIGHT_DEFAULT;
	target = weight * 1024.0 / 100.0;
	for (i = 0; i < 40; i++) {
		ratio = nice_weight[i] > target ? nice_weight[i] / target :
						  target / nice_weight[i];
		if (i == 0 || ratio < best_ratio) {
			best_ratio = ratio;
			best = i;
		}
	}
	return best - 20;
}

/* Dedicated placement: vCPU i on the i-th set bit of the mask. */
static int nth_cpu(__u64 mask, unsigned int n)
{
	int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		if (!(mask & (1ULL << cpu)))
			continue;
		if (!n--)
			return cpu;
	}
	return -1;
}

static void __attribute__((noreturn)) partition_gone(const char *what)
{
	log_err("%s: %s: partition gone, exiting", what, strerror(errno));
	runner_exit(RUNNER_EXIT_PARTITION);
}

/* Check-stopped: wait for the EXIT order (the control thread exits). */
static void vcpu_park(struct vcpu *v)
{
	struct runner *r = v->r;

	pthread_mutex_lock(&r->lock);
	v->parked = true;
	pthread_cond_broadcast(&r->ctl_cond);
	while (!r->exiting)
		pthread_cond_wait(&r->vcpu_cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

static void vcpu_checkstop(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vcpu_checkstop(struct vcpu *v, const char *fmt, ...)
{
	char reason[LPAR_REASON_LEN];
	struct kvm_regs regs;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* After a shutdown (SVM) the vCPU is reset: its RIP says nothing. */
	if (v->run->exit_reason != KVM_EXIT_SHUTDOWN &&
	    n >= 0 && (size_t)n < sizeof(reason) &&
	    ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
		snprintf(reason + n, sizeof(reason) - n, " at rip 0x%llx",
			 (unsigned long long)regs.rip);
	log_err("vCPU %u check-stopped: %s", v->index, reason);
	runner_event(v->r, LPAR_EVENT_CHECKSTOP, v->index, 0, reason);
	vcpu_park(v);
}

/* KVM_EXIT_IO: one LPAR_IO per element (string I/O has count > 1). */
static int vcpu_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned int size = run->io.size, count = run->io.count, i;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	struct lpar_io io;
	__u8 *p;

	if ((size != 1 && size != 2 && size != 4) ||
	    run->io.data_offset >= v->r->run_size ||
	    (__u64)count * size > v->r->run_size - run->io.data_offset) {
		vcpu_checkstop(v, "bad I/O exit: port 0x%x size %u count %u",
			       run->io.port, size, count);
		return -1;
	}
	p = (__u8 *)run + run->io.data_offset;
	for (i = 0; i < count; i++, p += size) {
		/* PCI configuration mechanism #1 is the runner's own. */
		if (pci_port_io(v, run->io.port, size, out, p))
			continue;
		memset(&io, 0, sizeof(io));
		io.argsz = sizeof(io);
		io.flags = out ? LPAR_IO_WRITE : 0;
		io.port = run->io.port;
		io.size = size;
		io.vcpu = v->index;
		if (out)
			memcpy(&io.data, p, size);	/* x86: little endian */
		while (ioctl(v->r->pfd, LPAR_IO, &io) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENODEV || errno == EIO || errno == EBADF)
				partition_gone("LPAR_IO");
			/* The module refused this access: the guest stops. */
			vcpu_checkstop(v, "%s of port 0x%x (0x%llx) refused: %s",
				       out ? "OUT" : "IN", io.port,
				       (unsigned long long)io.data,
				       strerror(errno));
			return -1;
		}
		if (!out)
			memcpy(p, &io.data, size);
	}
	return 0;
}

static const char *system_event_name(__u32 type)
{
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return "shutdown";
	case KVM_SYSTEM_EVENT_RESET:
		return "reset";
	case KVM_SYSTEM_EVENT_CRASH:
		return "crash";
	default:
		return "unknown";
	}
}

/* Returns 0 to run again, -1 when the vCPU is parked for good. */
static int vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return vcpu_io(v);
	case KVM_EXIT_MMIO:
		if (run->mmio.len <= sizeof(run->mmio.data) &&
		    pci_mmio(v, run->mmio.phys_addr, run->mmio.len,
			     run->mmio.is_write, run->mmio.data))
			return 0;
		/* Not storage nor a BAR: reads all ones, writes dropped. */
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return 0;
	case KVM_EXIT_INTR:
	case KVM_EXIT_HLT:
		return 0;
	case KVM_EXIT_SHUTDOWN:
		vcpu_checkstop(v, "shutdown (triple fault)");
		return -1;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_checkstop(v, "entry failed: reason 0x%llx on cpu %u",
			       (unsigned long long)
			       run->fail_entry.hardware_entry_failure_reason,
			       run->fail_entry.cpu);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_checkstop(v, "KVM internal error, suberror %u",
			       run->internal.suberror);
		return -1;
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_checkstop(v, "system event %u (%s)", run->system_event.type,
			       system_event_name(run->system_event.type));
		return -1;
	case KVM_EXIT_EXCEPTION:
		vcpu_checkstop(v, "exception %u, error code 0x%x",
			       run->ex.exception, run->ex.error_code);
		return -1;
	default:
		vcpu_checkstop(v, "unhandled KVM exit %u", run->exit_reason);
		return -1;
	}
}

static int vcpu_place(struct vcpu *v)
{
	if (v->cpu >= 0)	/* pinned at pthread_create */
		return 0;
	if (setpriority(PRIO_PROCESS, gettid(), v->nice) < 0)
		return errno;
	return 0;
}

/* Consecutive spurious EFAULTs from KVM_RUN tolerated (see below). */
#define VCPU_EFAULT_RETRIES	10000

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct runner *r = v->r;
	unsigned int efaults = 0;
	sigset_t set;
	int err;

	sigemptyset(&set);
	sigaddset(&set, RUNNER_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	err = vcpu_place(v);
	pthread_mutex_lock(&r->lock);
	v->tid = gettid();
	v->start_err = err;
	v->started = true;
	pthread_cond_broadcast(&r->ctl_cond);
	pthread_mutex_unlock(&r->lock);
	if (err)
		return NULL;

	for (;;) {
		pthread_mutex_lock(&r->lock);
		while ((r->hold || !r->go) && !r->exiting) {
			if (!v->held) {
				v->held = true;
				pthread_cond_broadcast(&r->ctl_cond);
			}
			pthread_cond_wait(&r->vcpu_cond, &r->lock);
		}
		v->held = false;
		if (r->exiting) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		/* A kick from now on sets it again and KVM_RUN returns EINTR. */
		v->run->immediate_exit = 0;
		pthread_mutex_unlock(&r->lock);

		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/*
			 * KVM faults a storage page in through lpar's fault
			 * handler, then looks the PTE up again; a storage
			 * move that zaps the page in between makes KVM_RUN
			 * fail with EFAULT although nothing is wrong.  The
			 * guest has not moved: enter again.  Only a fault
			 * that persists is the guest's (or ours).
			 */
			if (errno == EFAULT && ++efaults < VCPU_EFAULT_RETRIES) {
				sched_yield();
				continue;
			}
			vcpu_checkstop(v, "KVM_RUN: %s", strerror(errno));
			break;
		}
		efaults = 0;
		if (vcpu_handle_exit(v))
			break;
	}
	return NULL;
}

/*
 * A guest write to a BAR of slot @s while its DMA is quiesced: wait,
 * out of KVM_RUN, until DMA_RESUME (or detach).  A STOP meanwhile finds
 * this vCPU held.  -1 when the runner is ending (the write is dropped).
 */
int vcpu_wait_slot(struct vcpu *v, struct pci_slot *s)
{
	struct runner *r = v->r;
	int ret;

	log_debug("vCPU %u: BAR write to slot %u held (DMA quiesced)",
		  v->index, s->num);
	pthread_mutex_lock(&r->lock);
	while ((s->quiesced || r->hold) && !r->exiting) {
		if (!v->held) {
			v->held = true;
			pthread_cond_broadcast(&r->ctl_cond);
		}
		pthread_cond_wait(&r->vcpu_cond, &r->lock);
	}
	v->held = false;
	ret = r->exiting ? -1 : 0;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/* Called with r->lock held. */
static void vcpus_kick(struct runner *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_vcpus; i++) {
		struct vcpu *v = &r->vcpus[i];

		if (!v->thread_created)
			continue;
		v->run->immediate_exit = 1;
		pthread_kill(v->thread, RUNNER_KICK_SIGNAL);
	}
}

int vcpus_start(struct runner *r, char *why, size_t len)
{
	bool dedicated = r->info.flags & LPAR_DEF_DEDICATED;
	int nice = weight_to_nice(r->info.weight);
	pthread_attr_t attr;
	unsigned int i;
	cpu_set_t cpus;
	int err;

	for (i = 0; i < r->nr_vcpus; i++) {
		struct vcpu *v = &r->vcpus[i];

		v->cpu = dedicated ? nth_cpu(r->info.cpumask, i) : -1;
		v->nice = dedicated ? 0 : nice;
		err = pthread_attr_init(&attr);
		if (!err && v->cpu >= 0) {
			CPU_ZERO(&cpus);
			CPU_SET(v->cpu, &cpus);
			err = pthread_attr_setaffinity_np(&attr, sizeof(cpus),
							  &cpus);
		}
		if (!err)
			err = pthread_create(&v->thread, &attr, vcpu_thread, v);
		pthread_attr_destroy(&attr);
		if (err) {
			if (v->cpu >= 0)
				snprintf(why, len,
					 "vCPU %u: thread on CPU %d: %s",
					 i, v->cpu, strerror(err));
			else
				snprintf(why, len, "vCPU %u: thread: %s", i,
					 strerror(err));
			return -1;
		}
		v->thread_created = true;
	}

	/* All placed and about to run? */
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->nr_vcpus; i++) {
		while (!r->vcpus[i].started)
			pthread_cond_wait(&r->ctl_cond, &r->lock);
		err = r->vcpus[i].start_err;
		if (err) {
			pthread_mutex_unlock(&r->lock);
			snprintf(why, len, "vCPU %u: setpriority(nice %d): %s",
				 i, r->vcpus[i].nice, strerror(err));
			return -1;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static bool vcpus_all_held(struct runner *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_vcpus; i++) {
		if (!r->vcpus[i].held && !r->vcpus[i].parked)
			return false;
	}
	return true;
}

/* STOP: every vCPU out of KVM_RUN and waiting.  0, or -1 on timeout. */
int vcpus_hold(struct runner *r)
{
	struct timespec now, deadline, tick;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += RUNNER_HOLD_TIMEOUT_MS / 1000;
	deadline.tv_nsec += (RUNNER_HOLD_TIMEOUT_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&r->lock);
	r->hold = true;
	vcpus_kick(r);
	while (!vcpus_all_held(r)) {
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec &&
		     now.tv_nsec >= deadline.tv_nsec)) {
			ret = -1;
			break;
		}
		/* Wake up every 100 ms and kick again, to be safe. */
		tick = now;
		tick.tv_nsec += 100000000L;
		if (tick.tv_nsec >= 1000000000L) {
			tick.tv_sec++;
			tick.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&r->ctl_cond, &r->lock, &tick) ==
		    ETIMEDOUT)
			vcpus_kick(r);
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/*
 * The module knows the partition runs: let the vCPUs enter the guest.  A
 * guest that fails at once is then a failed partition, never a failed act.
 */
void vcpus_go(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->go = true;
	pthread_cond_broadcast(&r->vcpu_cond);
	pthread_mutex_unlock(&r->lock);
}

/* RESUME: let the held vCPUs run again (parked ones stay parked). */
void vcpus_release(struct runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->hold = false;
	pthread_cond_broadcast(&r->vcpu_cond);
	pthread_mutex_unlock(&r->lock);
}

/* EXIT: end every vCPU thread; give them a second, then leave anyway. */
void vcpus_end(struct runner *r)
{
	struct timespec deadline;
	unsigned int i;

	pthread_mutex_lock(&r->lock);
	r->exiting = true;
	vcpus_kick(r);
	pthread_cond_broadcast(&r->vcpu_cond);
	pthread_mutex_unlock(&r->lock);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	for (i = 0; i < r->nr_vcpus; i++) {
		if (!r->vcpus[i].thread_created)
			continue;
		if (pthread_timedjoin_np(r->vcpus[i].thread, NULL, &deadline))
			log_err("vCPU %u did not end", i);
	}
}

/*
 * LPAR_ORDER_PLACEMENT: apply the placement of a fresh LPAR_RUNNER_INFO
 * to the running vCPU threads.
 */
int vcpus_place(struct runner *r, char *why, size_t len)
{
	bool dedicated = r->info.flags & LPAR_DEF_DEDICATED;
	int nice = weight_to_nice(r->info.weight);
	unsigned int i;
	cpu_set_t cpus;

	for (i = 0; i < r->nr_vcpus; i++) {
		struct vcpu *v = &r->vcpus[i];

		if (!v->thread_created || !v->tid)
			continue;
		v->cpu = dedicated ? nth_cpu(r->info.cpumask, i) : -1;
		v->nice = dedicated ? 0 : nice;
		if (v->cpu >= 0) {
			CPU_ZERO(&cpus);
			CPU_SET(v->cpu, &cpus);
		} else {
			cpus = r->shared_cpus;
		}
		if (sched_setaffinity(v->tid, sizeof(cpus), &cpus) < 0) {
			if (v->cpu >= 0)
				snprintf(why, len,
					 "vCPU %u: sched_setaffinity(CPU %d): %s",
					 i, v->cpu, strerror(errno));
			else
				snprintf(why, len,
					 "vCPU %u: sched_setaffinity(shared): %s",
					 i, strerror(errno));
			return -1;
		}
		if (setpriority(PRIO_PROCESS, v->tid, v->nice) < 0) {
			snprintf(why, len, "vCPU %u: setpriority(nice %d): %s",
				 i, v->nice, strerror(errno));
			return -1;
		}
	}
	return 0;
}
