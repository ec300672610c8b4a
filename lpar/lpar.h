/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lpar - internal interfaces between the parts of lpar.ko.
 */
#ifndef _LPAR_INTERNAL_H
#define _LPAR_INTERNAL_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/ratelimit_types.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/types.h>
#include <linux/lpar.h>

#define LPAR_MAX_EXTENTS	16
/* Guest text in the host log: bytes per line, lines per interval. */
#define LPAR_GUEST_LOG_MAX	128
#define LPAR_GUEST_LOG_BURST	10
#define LPAR_GUEST_LOG_INTERVAL	(5 * HZ)
#define LPAR_CONSOLE_SIZE	(64 * 1024)

struct pid;
struct inode;
struct lpar_move;
struct eventfd_ctx;
struct lpar_pci_req;
struct device;

/**
 * struct lpar_gpe - a partition's GPE0 block, PCI hot-plug registers, SCI.
 * @lock: protects the registers and the eventfd pointers; innermost (no
 *	lock is taken inside it).  A spinlock: the resample wake-up runs
 *	under the eventfd's wait-queue lock.
 * @sts: GPE0 status (LPAR_GPE_*), write 1 to clear.
 * @en: GPE0 enable.
 * @up: insertions not yet read by the guest (bit s = slot s).
 * @down: eject requests not yet read by the guest.
 * @ej: slots the guest released (EJ writes) since the last eject request.
 * @present: slots assigned to the partition and enabled (RNM).
 * @sci_mutex: held while @trigger is signalled or replaced; outside @lock.
 * @trigger: the runner's SCI irqfd (LPAR_RUNNER_SCI), or NULL.
 * @resample: that irqfd's resample eventfd, or NULL.
 * @wait: our entry on @resample's wait queue.
 * @pt: the poll table that hooks @wait.
 * @inject: asserts SCI again after a resample (not from the wake-up:
 *	eventfd_signal() may not nest in another eventfd's wake-up).
 * @asserts: times SCI was signalled (debugging, sysfs).
 */
struct lpar_gpe {
	spinlock_t lock;		/* see above */
	u16 sts;
	u16 en;
	u32 up;
	u32 down;
	u32 ej;
	u32 present;
	struct mutex sci_mutex;		/* see above */
	struct eventfd_ctx *trigger;
	struct eventfd_ctx *resample;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
	u64 asserts;
};

/**
 * struct lpar_pool_extent - one physically contiguous piece of main storage.
 * @start: host physical address.
 * @size: bytes, a multiple of the increment.
 * @vaddr: kernel mapping (write-back) of the whole extent.
 * @flags: LPAR_EXTENT_BOOT or LPAR_EXTENT_HOST.
 * @res: the claimed iomem resource (boot extents).
 * @clean: one bit per increment, set while the increment is known zeroed.
 * @keys: one storage key byte per 4 KiB frame.  A frame's key is written
 *	by whoever owns the frame: the fault path (R, C) under the owner's
 *	mv_sem, the key ioctls and the mover with the chunk held busy.
 */
struct lpar_pool_extent {
	phys_addr_t start;
	u64 size;
	void *vaddr;
	unsigned int flags;
	struct resource *res;
	unsigned long *clean;
	u8 *keys;
};

/**
 * struct lpar_pool - all main storage lpar.ko owns.
 * @ext: the extents, sorted by start address.
 * @nr_ext: extents in use.
 * @increment: storage increment in bytes.
 * @total: sum of the extent sizes.
 *
 * The set of extents is fixed after module load.  Which increments are
 * owned is derived from the partitions' storage ranges, under lpar_mutex.
 */
struct lpar_pool {
	struct lpar_pool_extent ext[LPAR_MAX_EXTENTS];
	unsigned int nr_ext;
	u64 increment;
	u64 total;
};

/**
 * struct lpar_partition - a defined partition.
 * @kobj: /sys/kernel/lpar/partitions/N; the last put frees the partition.
 * @def: the definition as accepted (argsz/flags normalized).  Changed
 *	only under lpar_mutex, and only while deactivated.
 * @op_mutex: serializes the long commands on this partition (act, deact,
 *	stop, resume).  Taken before lpar_mutex.
 * @state: enum lpar_state; written under lpar_mutex.
 * @reason: why it failed, or why the last command failed.  Written only
 *	by lpar_set_reason() / lpar_clear_reason(), read only through
 *	lpar_get_reason(): both under @lock, so that a reader never sees
 *	half of one reason and half of another, whatever lock the writer
 *	holds.
 * @has_storage: owns [@origin, @origin + @size) of @ext; lpar_mutex to
 *	change, @lock as well so the fault path can read it.
 * @origin: host physical origin of its storage.
 * @size: storage bytes (equals def.size today).
 * @grow_to: while a resize grows the storage, the size it grows to: the
 *	range [@origin + @size, @origin + @grow_to) is reserved (the pool
 *	counts it as this partition's) but not yet part of the storage the
 *	fault path maps, until it has been zeroed.  0 otherwise.  lpar_mutex.
 * @ext: the pool extent holding the storage.
 * @mv_sem: the placement of the storage as the fault path sees it:
 *	@has_storage, @origin, @size, @ext and @mv.  Read by faults and by
 *	kernel accesses to guest storage; written (briefly) by act, release,
 *	resize and each step of a move.  Taken after lpar_mutex.
 * @mv: the move in flight, or NULL.
 * @busy_lo: start of the guest-physical range being copied (mv_sem).
 * @busy_hi: its end; equal to @busy_lo when nothing is being copied.
 * @mv_done: bytes moved so far (@lock).
 * @mv_total: bytes to move (@lock).
 * @mv_last: result of the last move (@lock).
 * @dma_users: what can DMA into the storage (struct lpar_dma_user), which
 *	a move must quiesce and re-point (SALE); @op_mutex, because the
 *	callbacks may sleep for seconds and must not hold up other
 *	partitions.
 * @gev: event pending for the guest (LPAR_SC_EVENT), @lock.
 * @gpe: GPE block and SCI (gpe_emul.c).
 * @pci_work: takes the slots of a partition whose runner went away back
 *	into the pool (pci_assign.c).
 * @pci_gone_gen: the activation whose runner went away (@pci_work).
 * @pci_reqs: the guest's LPAR_SC_PCI requests, newest first (@lock).
 * @pci_req_seq: number of the last LPAR_SC_PCI request (@lock).
 * @inode: private inode whose mapping the runner's mmap uses, so that
 *	unmap_mapping_range() reaches only this partition's mappings.
 * @gen: activation generation; a partition fd only works for its own.
 * @token: the secret the runner of generation @gen attaches with.
 * @attached: the runner of @gen holds a partition fd.
 * @running: the runner reported LPAR_EVENT_RUNNING.
 * @runner_pid: the attached runner's thread-group pid (reference held).
 * @launched: the process started for the last act (reference held; @lock).
 * @lock: protects the fields below, the console ring and the storage
 *	placement as read by the fault handler.  Innermost lock.
 * @order: pending order (LPAR_ORDER_*), LPAR_ORDER_NONE if none.
 * @order_slot: the slot of a pending LPAR_ORDER_SLOT_* / LPAR_ORDER_DMA_*.
 * @order_seq: sequence number of the last order given.
 * @acked_seq: last order the runner acknowledged.
 * @nacked_seq: last order the runner answered with LPAR_EVENT_NACK.
 * @last_wait: jiffies of the runner's last LPAR_RUNNER_WAIT.
 * @wq: woken on orders, acks, attach, runner events and runner exit.
 * @watchdog: checks that the runner keeps answering.
 * @t_act: ktime of the start of the last act.
 * @stats: counters reported by LPAR_GET_STATUS.
 * @uart_lcr: the guest's UART line-control register (DLAB bit).
 * @con: console ring buffer, LPAR_CONSOLE_SIZE bytes.
 * @con_head: bytes ever written to the console.
 * @log_rs: rate limit of the guest's LPAR_SC_LOG lines in the host log.
 * @log_missed: guest log lines dropped by @log_rs since the last one
 *	printed (under @lock).
 */
struct lpar_partition {
	struct kobject kobj;
	struct lpar_def def;
	struct mutex op_mutex;		/* see above: long commands */

	enum lpar_state state;
	char reason[LPAR_REASON_LEN];
	bool has_storage;
	phys_addr_t origin;
	u64 size;
	u64 grow_to;
	struct lpar_pool_extent *ext;
	struct rw_semaphore mv_sem;
	struct lpar_move *mv;
	u64 busy_lo;
	u64 busy_hi;
	u64 mv_done;
	u64 mv_total;
	struct lpar_move_result mv_last;
	struct list_head dma_users;
	struct {
		u32 type;
		u64 seq;
		u64 size;
		u64 acked;
	} gev;
	u64 resize_to;
	struct inode *inode;
	struct lpar_gpe gpe;
	struct work_struct pci_work;
	u64 pci_gone_gen;
	struct list_head pci_reqs;
	u64 pci_req_seq;

	u64 gen;
	u64 token;
	bool attached;
	bool running;
	struct pid *runner_pid;
	struct pid *launched;

	spinlock_t lock;		/* see above: runner fast paths */
	u32 order;
	u32 order_slot;
	u64 order_seq;
	u64 acked_seq;
	u64 nacked_seq;
	unsigned long last_wait;
	wait_queue_head_t wq;
	struct delayed_work watchdog;

	ktime_t t_act;
	struct {
		u32 activations;
		u64 act_ns;
		u64 first_insn_ns;
		u64 sc_count;
		u32 report_code;
		u64 report_value;
		u64 heartbeats;
		u64 metric[4];
	} stats;
	u8 uart_lcr;
	char *con;
	u64 con_head;
	struct ratelimit_state log_rs;
	unsigned int log_missed;
};

/* core.c */
extern struct mutex lpar_mutex;
extern struct lpar_pool lpar_pool;
extern struct lpar_partition *lpar_parts[LPAR_MAX_PARTITIONS];
extern unsigned int lpar_deact_timeout_ms;
extern unsigned int lpar_watchdog_ms;

/*
 * Fault injection for the selftests (module parameter fault_inject, in
 * mm_relocate.c): bit 0 fails SALE after the copy (the move must be
 * undone), bit 1 reports a device that does not quiesce, bit 2 makes every
 * quiesce take LPAR_FI_SLOW_MS longer (a slow device: the window in which
 * other commands race a move), bit 3 waits as long before the DMA check
 * after SALE (the window in which the old frames must stay out of the
 * pool), bit 4 makes act wait as long after it took the partition and
 * before it checks and reserves anything (the window in which an
 * undefine races it).
 */
extern unsigned int lpar_fault_inject;
#define LPAR_FI_SALE		BIT(0)
#define LPAR_FI_BUSY		BIT(1)
#define LPAR_FI_SLOW_QUIESCE	BIT(2)
#define LPAR_FI_SLOW_CHECK	BIT(3)
#define LPAR_FI_SLOW_ACT	BIT(4)
#define LPAR_FI_SLOW_MS		200

const char *lpar_state_name(enum lpar_state state);
void lpar_set_state(struct lpar_partition *p, enum lpar_state state);
void lpar_fail(struct lpar_partition *p, const char *fmt, ...) __printf(2, 3);
void lpar_set_reason(struct lpar_partition *p, const char *fmt, ...)
	__printf(2, 3);
void lpar_clear_reason(struct lpar_partition *p);
void lpar_get_reason(struct lpar_partition *p, char *buf, size_t len);
int lpar_cmd_error(struct lpar_partition *p, int err, const char *fmt, ...)
	__printf(3, 4);
int lpar_act(struct lpar_partition *p);
int lpar_deact(struct lpar_partition *p, u32 flags, u32 timeout_ms);
int lpar_stop(struct lpar_partition *p);
int lpar_resume(struct lpar_partition *p);
void lpar_part_release(struct kobject *kobj);
struct lpar_partition *lpar_get_part(u32 id);

/* pool.c */
int lpar_pool_init(const char *boot_pool, const char *host_pool, u64 increment);
void lpar_pool_exit(void);
struct lpar_pool_extent *lpar_pool_find(phys_addr_t start, u64 size);
struct lpar_partition *lpar_pool_owner(phys_addr_t start, u64 size,
				       const struct lpar_partition *except);
int lpar_pool_place(u64 size, phys_addr_t *origin);
u64 lpar_pool_free_bytes(u64 *largest);
void lpar_copy_frames(void *dst, const void *src, u64 len);
void lpar_pool_scrub(struct lpar_pool_extent *ext, phys_addr_t start, u64 size,
		     bool dirty_only);
void lpar_pool_mark_dirty(struct lpar_pool_extent *ext, phys_addr_t start,
			  u64 size);
void *lpar_storage_va(struct lpar_partition *p, u64 gpa);
ssize_t lpar_pool_map_show(char *buf);

/* storage.c */
int lpar_storage_init(void);
void lpar_storage_exit(void);
int lpar_storage_inode(struct lpar_partition *p);
void lpar_storage_zap(struct lpar_partition *p);
int lpar_storage_load(struct lpar_partition *p);
int lpar_partition_fd(struct lpar_partition *p);
struct lpar_partition *lpar_pfile_part(struct file *file, u64 *gen);

/* runner.c */
int lpar_runner_start(struct lpar_partition *p);
int lpar_runner_attach(struct lpar_attach *a);
bool lpar_runner_launched_alive(struct lpar_partition *p);
void lpar_runner_order(struct lpar_partition *p, u32 order);
int lpar_runner_order_wait(struct lpar_partition *p, u32 order, u64 size,
			   u32 slot, unsigned int timeout_ms);
bool lpar_runner_is_current(struct lpar_partition *p, u64 gen);
void lpar_runner_kill(struct lpar_partition *p, const char *why);
int lpar_runner_end(struct lpar_partition *p, bool force, u32 timeout_ms);
u16 lpar_sc_info(struct lpar_partition *p, struct lpar_sccb *sccb);
long lpar_runner_ioctl(struct file *file, unsigned int cmd,
		       unsigned long arg);
void lpar_runner_release(struct file *file);
void lpar_watchdog_fn(struct work_struct *work);

/**
 * struct lpar_dma_user - something that DMAs into a partition's storage.
 * @node: on the partition's @dma_users.
 * @name: for reports ("0000:00:04.0").
 * @dev: the device whose IOMMU domain holds the DMA mappings (IOVA =
 *	guest-physical address), which the module reads back after SALE.
 * @quiesce: stop starting DMA and wait (up to @timeout_ms) for DMA in
 *	flight; -EBUSY if it is still busy.
 * @sale: re-point the DMA mappings at the storage's new origin.
 * @resume: DMA may go on.
 * @fence: stop the device's DMA without the runner's help and take the
 *	device back; takes @node off the list.  0 once the device can no
 *	longer reach any storage.
 *
 * The callbacks run under the owner's op_mutex.
 */
struct lpar_dma_user {
	struct list_head node;
	const char *name;
	struct device *dev;
	int (*quiesce)(struct lpar_dma_user *u, unsigned int timeout_ms);
	int (*sale)(struct lpar_dma_user *u, phys_addr_t new_origin);
	void (*resume)(struct lpar_dma_user *u);
	int (*fence)(struct lpar_dma_user *u);
};

/**
 * struct lpar_range - a range of main storage a partition holds.
 * @start: host physical address.
 * @size: bytes.
 * @ext: its extent.
 */
struct lpar_range {
	phys_addr_t start;
	u64 size;
	struct lpar_pool_extent *ext;
};

/* skeys.c */
long lpar_skeys_ioctl(unsigned int cmd, unsigned long arg);
void lpar_skeys_touch(struct lpar_pool_extent *ext, phys_addr_t pa, bool write);

/* mm_relocate.c */
int lpar_frame(struct lpar_partition *p, u64 gpa, phys_addr_t *pa,
	       struct lpar_pool_extent **ext);
void lpar_wait_chunk(struct lpar_partition *p, u64 gpa);
void *lpar_storage_get(struct lpar_partition *p, u64 gpa);
void lpar_storage_put(struct lpar_partition *p);
bool lpar_part_owns(const struct lpar_partition *p, phys_addr_t start, u64 size);
unsigned int lpar_part_ranges(const struct lpar_partition *p,
			      struct lpar_range r[2]);
void lpar_move_release(struct lpar_partition *p);
long lpar_relocate_ioctl(unsigned int cmd, unsigned long arg);
int lpar_mvstor_store(struct lpar_partition *p, phys_addr_t origin);
int lpar_guest_event(struct lpar_partition *p, u32 type, u64 size,
		     u32 timeout_ms);
int lpar_runner_sync(struct lpar_partition *p, u32 order, u64 size);

/* console.c */
void lpar_console_put(struct lpar_partition *p, const char *s, size_t len);
ssize_t lpar_console_copy(struct lpar_partition *p, u64 *pos, char *buf,
			  size_t len, u64 *head);
ssize_t lpar_console_tail(struct lpar_partition *p, char *buf, size_t len);

/*
 * params.c: parameters changed at run time need CAP_SYS_ADMIN.  An
 * unsigned int: module_param_cb(name, &lpar_param_ops_uint, &var, perm);
 * one with its own ops: module_param_cb(name, &lpar_param_ops_wrap,
 * (&(struct lpar_param_wrap){ &ops, &var }), perm) (the parentheses keep
 * the commas from the macro).
 */

/**
 * struct lpar_param_wrap - a parameter's own ops behind the privilege check.
 * @ops: the ops that parse and print the value.
 * @arg: their argument (the variable).
 */
struct lpar_param_wrap {
	const struct kernel_param_ops *ops;
	void *arg;
};

extern const struct kernel_param_ops lpar_param_ops_uint;
extern const struct kernel_param_ops lpar_param_ops_wrap;
int lpar_param_may_set(const struct kernel_param *kp);

/* sysfs.c */
int lpar_sysfs_init(void);
void lpar_sysfs_exit(void);
int lpar_sysfs_add(struct lpar_partition *p);
void lpar_sysfs_uevent(struct lpar_partition *p);

struct kobject *lpar_sysfs_root(void);

/* pci_assign.c: slot table, VFIO rebinding, add_pci / rem_pci */
int lpar_pci_init(void);
void lpar_pci_exit(void);
long lpar_pci_ioctl(unsigned int cmd, unsigned long arg);
void lpar_pci_part_init(struct lpar_partition *p);
void lpar_pci_part_end(struct lpar_partition *p);
void lpar_pci_runner_gone(struct lpar_partition *p);
void lpar_pci_part_free(struct lpar_partition *p);
long lpar_pci_runner_slot(struct lpar_partition *p, u64 gen,
			  unsigned long arg);
u16 lpar_pci_sc(struct lpar_partition *p, struct lpar_sccb *sccb);

/* gpe_emul.c: GPE0 block, PCI hot-plug registers, SCI */
void lpar_gpe_init(struct lpar_partition *p);
void lpar_gpe_reset(struct lpar_partition *p);
bool lpar_gpe_port(u16 port);
u64 lpar_gpe_io(struct lpar_partition *p, const struct lpar_io *io);
void lpar_gpe_raise(struct lpar_partition *p, u16 bits);
void lpar_gpe_slot_insert(struct lpar_partition *p, unsigned int slot);
void lpar_gpe_slot_eject(struct lpar_partition *p, unsigned int slot);
void lpar_gpe_slot_gone(struct lpar_partition *p, unsigned int slot);
bool lpar_gpe_slot_released(struct lpar_partition *p, unsigned int slot);
long lpar_gpe_set_sci(struct lpar_partition *p, unsigned long arg);
void lpar_gpe_sci_release(struct lpar_partition *p);

/* livepatch_olp.c: on-line patch */
int lpar_olp_init(void);
void lpar_olp_exit(void);
long lpar_olp_ioctl(unsigned int cmd, unsigned long arg);

/* uaccess helpers shared by the ioctl handlers (core.c) */
int lpar_copy_in(void *dst, size_t ksize, size_t minsz, unsigned long arg);
int lpar_copy_out(unsigned long arg, const void *src, size_t ksize);

#endif /* _LPAR_INTERNAL_H */
