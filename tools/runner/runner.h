/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lpar-runner - the LIP runner: executes one partition's vCPUs with KVM
 * on the orders of lpar.ko.  See Documentation/lpar/design.rst.
 */
#ifndef LPAR_RUNNER_H
#define LPAR_RUNNER_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kvm.h>
#include <linux/lpar.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes. */
enum runner_exit {
	RUNNER_EXIT_OK = 0,		/* LPAR_ORDER_EXIT carried out */
	RUNNER_EXIT_USAGE = 1,		/* bad command line */
	RUNNER_EXIT_SETUP = 2,		/* attach, mmap or KVM setup failed */
	RUNNER_EXIT_PARTITION = 3,	/* error on the partition fd */
	RUNNER_EXIT_KVM = 4,		/* KVM failed while running */
	RUNNER_EXIT_STUCK = 5,		/* vCPUs did not stop in time */
};

/* Signal used to kick a vCPU thread out of KVM_RUN. */
#define RUNNER_KICK_SIGNAL	SIGUSR1

/* How long a STOP may take before the runner gives up (ms). */
#define RUNNER_HOLD_TIMEOUT_MS	3000

/* LPAR_RUNNER_WAIT timeout (ms, the module accepts at most 1000). */
#define RUNNER_WAIT_MS		500

struct runner;

struct vcpu {
	struct runner *r;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_created;
	pid_t tid;		/* the thread's id, for placement changes */
	int cpu;		/* host CPU (dedicated placement), else -1 */
	int nice;		/* nice value (shared placement) */
	/* protected by r->lock */
	bool started;		/* thread placed, about to run */
	int start_err;		/* errno of a failed placement */
	bool held;		/* waiting while r->hold */
	bool parked;		/* check-stopped: waits for the EXIT order */
};

struct runner {
	unsigned int id;
	uint64_t token;
	bool verbose;

	int pfd;		/* partition fd */
	struct lpar_runner_info info;
	void *mem;		/* the partition's storage, info.size bytes */

	cpu_set_t shared_cpus;	/* where shared vCPUs may run (our start mask) */

	int kvm_fd;
	int vm_fd;
	unsigned int nr_slots;	/* KVM memslots in use for the storage */
	size_t run_size;
	struct kvm_cpuid2 *cpuid;
	unsigned int nr_vcpus;
	struct vcpu vcpus[LPAR_MAX_VCPUS];

	pthread_mutex_t lock;
	pthread_cond_t vcpu_cond;	/* vCPUs wait here while held/parked */
	pthread_cond_t ctl_cond;	/* the control thread waits here */
	bool go;			/* RUNNING reported: vCPUs may run */
	bool hold;			/* STOP in force */
	bool exiting;			/* EXIT order: threads end */
};

/* log.c */
void log_init(unsigned int id, bool verbose);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) runner_exit(int code);

/* main.c */
void runner_event(struct runner *r, __u32 event, __u32 vcpu, __u64 seq,
		  const char *reason);

/* kvm.c */
int kvm_setup(struct runner *r, char *why, size_t why_len);
int kvm_map_storage(struct runner *r, void *mem, __u64 size, char *why,
		    size_t why_len);

/* vcpu.c */
int vcpus_start(struct runner *r, char *why, size_t why_len);
void vcpus_go(struct runner *r);
int vcpus_hold(struct runner *r);
void vcpus_release(struct runner *r);
void vcpus_end(struct runner *r);
int vcpus_place(struct runner *r, char *why, size_t why_len);

#endif /* LPAR_RUNNER_H */
