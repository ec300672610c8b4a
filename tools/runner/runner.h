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

/* LPAR_ORDER_DMA_QUIESCE: how long a device may take to go idle (ms). */
#define RUNNER_QUIESCE_TIMEOUT_MS	3000
/* ... and how long a device we cannot ask is given (ms). */
#define RUNNER_QUIESCE_GRACE_MS		200

/* KVM memslots of slot s's BAR b: above the storage's (0 and 1). */
#define RUNNER_BAR_MEMSLOT(s, b)	(8 + (s) * 8 + (b))

#define PCI_NUM_BARS		6

/*
 * KVM's GSI routing as the runner keeps it: the IRQCHIP pins that
 * KVM_CREATE_IRQCHIP installs (IOAPIC 0..23, PIC 0..15) and one MSI
 * route per slot with MSI enabled, on a GSI above the IOAPIC's pins.
 */
#define RUNNER_IOAPIC_PINS	24
#define RUNNER_PIC_PINS		16
#define RUNNER_MAX_ROUTES	(RUNNER_IOAPIC_PINS + RUNNER_PIC_PINS + \
				 LPAR_MAX_SLOTS)

/* The size of an MSI capability with 64-bit address and masking. */
#define PCI_MSI_CAP_MAX		24

struct runner;

/* One BAR of an attached slot (see pci.c). */
struct pci_bar {
	__u64 size;		/* 0: no memory BAR here (none, or I/O) */
	__u32 flags;		/* the low, read-only bits of the BAR */
	bool is64;		/* 64-bit memory BAR: the next BAR is its top */
	bool upper;		/* the top half of the previous 64-bit BAR */
	__u64 addr;		/* the guest's programmed base */
	/* the VFIO region */
	__u64 reg_offset;
	__u64 reg_size;
	__u32 reg_flags;
	void *map;		/* mmap of the region, NULL if not mmap-able */
	__u64 slot_gpa;		/* memslot in place at this address ... */
	bool slotted;		/* ... when true */
};

/*
 * The guest's MSI capability, emulated in full (nothing of it reaches
 * the device: vfio-pci programs the host's message itself).  @regs is
 * the guest's view of the capability's bytes, @wmask what it may write.
 * The host side -- VFIO MSI with @trigger, KVM route @gsi and the irqfd
 * on it -- exists while @enabled; the irqfd only while the vector is
 * not masked.  See vfio_msi_*().
 */
struct pci_msi {
	__u8 pos;		/* capability offset, 0: none */
	__u8 len;
	bool is64;
	bool maskable;		/* per-vector masking */
	__u8 regs[PCI_MSI_CAP_MAX];
	__u8 wmask[PCI_MSI_CAP_MAX];
	bool enabled;
	bool irqfd;
	int trigger;		/* eventfd VFIO signals, -1 if none */
	int gsi;		/* KVM MSI route, -1 if none */
	__u64 addr;		/* the message routed now */
	__u32 data;
};

/*
 * A PCI slot of the partition as its runner holds it.  @lock serialises
 * the vCPUs' config / BAR accesses with the control thread's orders;
 * @quiesced is read and written under r->lock (the vCPUs wait on
 * r->vcpu_cond for it, like for a STOP).
 */
struct pci_slot {
	pthread_mutex_t lock;
	unsigned int num;
	bool attached;
	bool quiesced;		/* DMA_QUIESCE .. DMA_RESUME (r->lock) */
	int group_fd;
	int container_fd;
	int device_fd;
	bool kvm_vfio;		/* group registered with the kvm-vfio device */
	char bdf[LPAR_SLOT_NAME_LEN];
	__u16 vendor;
	__u16 device;
	__u32 group;
	__u32 dev_flags;	/* VFIO_DEVICE_FLAGS_* */
	__u64 cfg_offset;	/* VFIO config region */
	__u64 cfg_size;
	struct pci_bar bars[PCI_NUM_BARS];
	__u16 command;		/* the guest's command register */
	__u8 cfg_virt[256];	/* PCI_CFG_*: how each config byte is served */
	__u8 cap_next[256];	/* virtual "next" pointers (MSI/MSI-X hidden) */
	__u8 cap_first;		/* virtual capabilities pointer (0x34) */
	__u8 irq_pin;		/* INTA# .. INTD#, 0: none */
	int intx_trigger;	/* eventfds of the INTx irqfd, -1 if none */
	int intx_resample;
	struct pci_msi msi;
	/* DMA: the storage ranges mapped in the container */
	__u64 dma_size;		/* storage size mapped, 0 if none */
};

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

	/* PCI (pci.c, vfio.c) */
	__u32 pci_address;		/* 0xcf8 (atomic) */
	__u32 pci_attached;		/* bit s: slot s attached (atomic) */
	struct pci_slot slots[LPAR_MAX_SLOTS];
	int kvm_vfio_fd;		/* the kvm-vfio device, -1 if none */
	int sci_trigger;		/* LPAR_RUNNER_SCI eventfds, -1 if none */
	int sci_resample;
	/* KVM_SET_GSI_ROUTING replaces the whole table: ours (kvm.c) */
	pthread_mutex_t route_lock;
	unsigned int nr_routes;
	struct kvm_irq_routing_entry routes[RUNNER_MAX_ROUTES];

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

/* kvm.c (continued) */
int kvm_set_memslot(struct runner *r, __u32 slot, __u64 gpa, __u64 size,
		    void *hva, char *why, size_t why_len);
int kvm_irqfd(struct runner *r, int fd, int resample_fd, __u32 gsi,
	      bool deassign, char *why, size_t why_len);
int kvm_setup_sci(struct runner *r, char *why, size_t why_len);
int kvm_msi_route(struct runner *r, int *gsi, __u64 addr, __u32 data,
		  char *why, size_t why_len);
void kvm_msi_route_del(struct runner *r, int gsi);

/* pci.c */
void pci_init(struct runner *r);
bool pci_port_io(struct vcpu *v, __u16 port, unsigned int size, bool out,
		 __u8 *data);
bool pci_mmio(struct vcpu *v, __u64 gpa, unsigned int len, bool is_write,
	      __u8 *data);
int pci_order(struct runner *r, const struct lpar_order *o, char *why,
	      size_t why_len);
int pci_storage_resized(struct runner *r, char *why, size_t why_len);
void pci_exit(struct runner *r);
bool pci_order_is_slot(__u32 order);

/* vfio.c */
int vfio_open(struct runner *r, struct pci_slot *s, int group_fd, char *why,
	      size_t why_len);
void vfio_close(struct runner *r, struct pci_slot *s);
int vfio_dma_map(struct runner *r, struct pci_slot *s, char *why,
		 size_t why_len);
int vfio_dma_unmap(struct runner *r, struct pci_slot *s, char *why,
		   size_t why_len);
int vfio_intx_enable(struct runner *r, struct pci_slot *s, char *why,
		     size_t why_len);
void vfio_intx_disable(struct runner *r, struct pci_slot *s);
int vfio_msi_enable(struct runner *r, struct pci_slot *s, __u64 addr,
		    __u32 data, bool masked, char *why, size_t why_len);
int vfio_msi_update(struct runner *r, struct pci_slot *s, __u64 addr,
		    __u32 data, bool masked, char *why, size_t why_len);
void vfio_msi_disable(struct runner *r, struct pci_slot *s);
bool vfio_msi_pending(struct pci_slot *s);
int vfio_cfg_read(struct pci_slot *s, unsigned int off, unsigned int size,
		  __u32 *val);
int vfio_cfg_write(struct pci_slot *s, unsigned int off, unsigned int size,
		   __u32 val);
int vfio_bar_rw(struct pci_slot *s, unsigned int bar, __u64 off, void *buf,
		unsigned int len, bool write);

/* vcpu.c */
int vcpu_wait_slot(struct vcpu *v, struct pci_slot *s);
int vcpus_start(struct runner *r, char *why, size_t why_len);
void vcpus_go(struct runner *r);
int vcpus_hold(struct runner *r);
void vcpus_release(struct runner *r);
void vcpus_end(struct runner *r);
int vcpus_place(struct runner *r, char *why, size_t why_len);

#endif /* LPAR_RUNNER_H */
