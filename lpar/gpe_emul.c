// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - per-partition ACPI GPE0 block, PCI hot-plug registers and SCI.
 *
 * The guest's port accesses reach us through the runner (LPAR_IO).  The
 * registers (see "PCI slots (issue 4)" in uapi/linux/lpar.h and
 * Documentation/lpar/pci.rst):
 *
 *   0xafe0  GPE0_STS  16 bit, write 1 to clear
 *   0xafe2  GPE0_EN   16 bit
 *   0xae00  UP        32 bit, insertions pending, read clears
 *   0xae04  DOWN      32 bit, eject requests pending, read clears
 *   0xae08  EJ        32 bit, write: bit s = slot s released
 *   0xae0c  RNM       32 bit, slots present and enabled
 *   0xae10  SEL       32 bit, bus select (only bus 0)
 *
 * Byte and word accesses inside a register work (ACPICA reads the GPE
 * block a byte at a time).
 *
 * SCI is GSI 9, level-triggered.  The runner registers an irqfd with
 * KVM_IRQFD_FLAG_RESAMPLE and gives us both eventfds (LPAR_RUNNER_SCI).
 * Signalling the trigger asserts the line; KVM lowers it at the guest's
 * EOI and signals the resample eventfd, on which we hang a wait-queue
 * entry (as KVM's own irqfd does): if GPE0_STS & GPE0_EN is still
 * non-zero then, we assert again.  A write-1-to-clear that leaves nothing
 * pending therefore deasserts the line at the next EOI.
 *
 * Locking: struct lpar_gpe.sci_mutex (outer) serializes signalling the
 * trigger with its replacement; struct lpar_gpe.lock (a spinlock, irq-safe
 * because the resample wake-up runs with interrupts off under the
 * resample eventfd's wait-queue lock) protects the registers and the
 * eventfd pointers.  Nothing is taken inside the spinlock, and
 * eventfd_signal() is never called under it.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "lpar.h"

#define GPE0_BASE	LPAR_PORT_GPE0_STS
#define GPE0_LEN	4
#define PCIHP_BASE	LPAR_PORT_PCIHP_UP
#define PCIHP_LEN	(LPAR_PORT_PCIHP_SEL + 4 - LPAR_PORT_PCIHP_UP)

/* Something pending and enabled?  gpe lock held. */
static bool gpe_pending(struct lpar_gpe *g)
{
	lockdep_assert_held(&g->lock);
	return (g->sts & g->en) != 0;
}

/*
 * Assert SCI if something is pending and enabled.  Process context, gpe
 * lock not held: eventfd_signal() takes the trigger's wait-queue lock,
 * and the resample wake-up takes the gpe lock inside the resample's,
 * which lockdep sees as the same lock class.  @sci_mutex keeps @trigger
 * alive while it is signalled.
 */
static void gpe_kick(struct lpar_gpe *g)
{
	unsigned long flags;
	bool pending;

	mutex_lock(&g->sci_mutex);
	spin_lock_irqsave(&g->lock, flags);
	pending = gpe_pending(g) && g->trigger;
	if (pending)
		g->asserts++;
	spin_unlock_irqrestore(&g->lock, flags);
	if (pending)
		eventfd_signal(g->trigger, 1);
	mutex_unlock(&g->sci_mutex);
}

static void gpe_inject_fn(struct work_struct *work)
{
	gpe_kick(container_of(work, struct lpar_gpe, inject));
}

/**
 * lpar_gpe_init() - set up a new partition's GPE block.
 * @p: the partition being defined.
 */
void lpar_gpe_init(struct lpar_partition *p)
{
	struct lpar_gpe *g = &p->gpe;

	spin_lock_init(&g->lock);
	mutex_init(&g->sci_mutex);
	INIT_WORK(&g->inject, gpe_inject_fn);
}

/**
 * lpar_gpe_reset() - power-on state of the registers (act, partition end).
 * @p: the partition.
 *
 * The SCI eventfds are not touched: they go with the runner.
 */
void lpar_gpe_reset(struct lpar_partition *p)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	g->sts = 0;
	g->en = 0;
	g->up = 0;
	g->down = 0;
	g->ej = 0;
	g->present = 0;
	spin_unlock_irqrestore(&g->lock, flags);
}

/**
 * lpar_gpe_port() - is @port one of the GPE block's or hot-plug ports?
 * @port: I/O port.
 *
 * Return: true if lpar_gpe_io() answers it.
 */
bool lpar_gpe_port(u16 port)
{
	return (port >= GPE0_BASE && port < GPE0_BASE + GPE0_LEN) ||
	       (port >= PCIHP_BASE && port < PCIHP_BASE + PCIHP_LEN);
}

/* GPE0: bytes 0-1 status (W1C), 2-3 enable. */
static u64 gpe0_io(struct lpar_gpe *g, unsigned int off, unsigned int size,
		   bool write, u64 data)
{
	u32 regs = g->sts | (u32)g->en << 16;
	u32 mask, val;

	lockdep_assert_held(&g->lock);
	if (off + size > GPE0_LEN)
		size = GPE0_LEN - off;
	mask = (u32)GENMASK_ULL(size * 8 - 1, 0) << (off * 8);
	if (!write)
		return (regs & mask) >> (off * 8);
	val = ((u32)data << (off * 8)) & mask;
	g->sts &= ~(u16)(val & mask & 0xffff);
	g->en = (g->en & ~(u16)(mask >> 16)) | (u16)(val >> 16);
	return 0;
}

/* A 32-bit hot-plug register; @off is the byte offset inside it. */
static u64 pcihp_io(struct lpar_partition *p, unsigned int port,
		    unsigned int off, unsigned int size, bool write, u64 data)
{
	struct lpar_gpe *g = &p->gpe;
	u32 mask, val = 0;

	lockdep_assert_held(&g->lock);
	if (off + size > 4)
		size = 4 - off;
	mask = (u32)GENMASK_ULL(size * 8 - 1, 0) << (off * 8);
	switch (port) {
	case LPAR_PORT_PCIHP_UP:
		if (write)
			return 0;
		val = g->up & mask;
		g->up &= ~mask;
		break;
	case LPAR_PORT_PCIHP_DOWN:
		if (write)
			return 0;
		val = g->down & mask;
		g->down &= ~mask;
		break;
	case LPAR_PORT_PCIHP_EJ:
		if (!write)
			return 0;
		/* Slot 0 does not exist; the bits record released slots. */
		g->ej |= ((u32)data << (off * 8)) & mask & ~1U;
		return 0;
	case LPAR_PORT_PCIHP_RNM:
		if (write)
			return 0;
		val = g->present & mask;
		break;
	default:		/* SEL: one bus, number 0 */
		return 0;
	}
	return val >> (off * 8);
}

/**
 * lpar_gpe_io() - a guest access to the GPE block or hot-plug registers.
 * @p: the partition.
 * @io: the access (lpar_gpe_port(@io->port) is true).
 *
 * Return: the value an IN reads (0 for an OUT).
 */
u64 lpar_gpe_io(struct lpar_partition *p, const struct lpar_io *io)
{
	struct lpar_gpe *g = &p->gpe;
	bool write = io->flags & LPAR_IO_WRITE;
	unsigned long flags;
	u64 val;

	spin_lock_irqsave(&g->lock, flags);
	if (io->port >= GPE0_BASE && io->port < GPE0_BASE + GPE0_LEN) {
		val = gpe0_io(g, io->port - GPE0_BASE, io->size, write,
			      io->data);
	} else {
		unsigned int reg = io->port & ~3U;

		val = pcihp_io(p, reg, io->port - reg, io->size, write,
			       io->data);
	}
	spin_unlock_irqrestore(&g->lock, flags);
	if (write && io->port >= GPE0_BASE && io->port < GPE0_BASE + GPE0_LEN)
		gpe_kick(g);	/* enabling a pending event raises SCI now */
	else if (write && (io->port & ~3U) == LPAR_PORT_PCIHP_EJ)
		wake_up_all(&p->wq);	/* rem_pci waits for the release */
	return val;
}

/**
 * lpar_gpe_raise() - set GPE0 status bits; SCI if they are enabled.
 * @p: the partition.
 * @bits: LPAR_GPE_*.
 */
void lpar_gpe_raise(struct lpar_partition *p, u16 bits)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	g->sts |= bits;
	spin_unlock_irqrestore(&g->lock, flags);
	gpe_kick(g);
}

/**
 * lpar_gpe_slot_insert() - a slot appears: UP bit, RNM bit, SCI.
 * @p: the partition.
 * @slot: slot number, 1 .. LPAR_MAX_SLOTS - 1.
 */
void lpar_gpe_slot_insert(struct lpar_partition *p, unsigned int slot)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	g->present |= BIT(slot);
	g->down &= ~BIT(slot);
	g->ej &= ~BIT(slot);
	g->up |= BIT(slot);
	g->sts |= LPAR_GPE_PCI_HOTPLUG;
	spin_unlock_irqrestore(&g->lock, flags);
	gpe_kick(g);
}

/**
 * lpar_gpe_slot_eject() - ask the guest to release a slot: DOWN bit, SCI.
 * @p: the partition.
 * @slot: slot number.
 *
 * The slot stays in RNM until it is gone: the guest's eject method still
 * finds it.
 */
void lpar_gpe_slot_eject(struct lpar_partition *p, unsigned int slot)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	g->ej &= ~BIT(slot);
	g->up &= ~BIT(slot);
	g->down |= BIT(slot);
	g->sts |= LPAR_GPE_PCI_HOTPLUG;
	spin_unlock_irqrestore(&g->lock, flags);
	gpe_kick(g);
}

/**
 * lpar_gpe_slot_gone() - a slot left the partition (or the eject request
 *	was withdrawn when @present stays): forget its pending bits.
 * @p: the partition.
 * @slot: slot number.
 */
void lpar_gpe_slot_gone(struct lpar_partition *p, unsigned int slot)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;

	spin_lock_irqsave(&g->lock, flags);
	g->present &= ~BIT(slot);
	g->up &= ~BIT(slot);
	g->down &= ~BIT(slot);
	g->ej &= ~BIT(slot);
	spin_unlock_irqrestore(&g->lock, flags);
}

/**
 * lpar_gpe_slot_released() - did the guest write EJ for @slot?
 * @p: the partition.
 * @slot: slot number.
 *
 * Return: true once the guest released the slot after the last eject
 * request.
 */
bool lpar_gpe_slot_released(struct lpar_partition *p, unsigned int slot)
{
	struct lpar_gpe *g = &p->gpe;
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&g->lock, flags);
	done = g->ej & BIT(slot);
	spin_unlock_irqrestore(&g->lock, flags);
	return done;
}

/*
 * The guest's EOI: KVM lowered the line and signalled the resample
 * eventfd.  Called with that eventfd's wait-queue lock held.
 */
static int gpe_resample_wake(wait_queue_entry_t *wait, unsigned int mode,
			     int sync, void *key)
{
	struct lpar_gpe *g = container_of(wait, struct lpar_gpe, wait);
	__poll_t events = key_to_poll(key);
	u64 cnt;

	if (!(events & EPOLLIN))
		return 0;
	/* Our own resample fd: keep its counter from growing. */
	eventfd_ctx_do_read(g->resample, &cnt);
	spin_lock(&g->lock);
	if (gpe_pending(g))
		schedule_work(&g->inject);
	spin_unlock(&g->lock);
	return 0;
}

static void gpe_queue_proc(struct file *file, wait_queue_head_t *wqh,
			   poll_table *pt)
{
	struct lpar_gpe *g = container_of(pt, struct lpar_gpe, pt);

	add_wait_queue(wqh, &g->wait);
}

/**
 * lpar_gpe_set_sci() - LPAR_RUNNER_SCI: the runner's SCI irqfd.
 * @p: the partition.
 * @arg: user pointer to struct lpar_runner_sci.
 *
 * Return: 0, -EBUSY if this activation already registered one, -EBADF or
 * -EINVAL for fds that are not eventfds.
 */
long lpar_gpe_set_sci(struct lpar_partition *p, unsigned long arg)
{
	struct lpar_gpe *g = &p->gpe;
	struct eventfd_ctx *trigger, *resample;
	struct lpar_runner_sci s;
	unsigned long flags;
	__poll_t events;
	struct fd f;
	long ret;

	ret = lpar_copy_in(&s, sizeof(s), sizeof(s), arg);
	if (ret)
		return ret;
	if (s.flags)
		return -EINVAL;
	trigger = eventfd_ctx_fdget(s.trigger_fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	f = fdget(s.resample_fd);
	if (!f.file) {
		ret = -EBADF;
		goto err_trigger;
	}
	resample = eventfd_ctx_fileget(f.file);
	if (IS_ERR(resample)) {
		ret = PTR_ERR(resample);
		goto err_fd;
	}
	if (resample == trigger) {
		ret = -EINVAL;
		goto err_resample;
	}
	mutex_lock(&g->sci_mutex);
	spin_lock_irqsave(&g->lock, flags);
	if (g->trigger || g->resample) {
		spin_unlock_irqrestore(&g->lock, flags);
		mutex_unlock(&g->sci_mutex);
		ret = -EBUSY;
		goto err_resample;
	}
	g->trigger = trigger;
	g->resample = resample;
	spin_unlock_irqrestore(&g->lock, flags);
	mutex_unlock(&g->sci_mutex);

	init_waitqueue_func_entry(&g->wait, gpe_resample_wake);
	init_poll_funcptr(&g->pt, gpe_queue_proc);
	events = vfs_poll(f.file, &g->pt);
	fdput(f);
	/* An EOI before we listened, or events raised before the irqfd. */
	if (events & EPOLLIN)
		schedule_work(&g->inject);
	gpe_kick(g);
	return 0;

err_resample:
	eventfd_ctx_put(resample);
err_fd:
	fdput(f);
err_trigger:
	eventfd_ctx_put(trigger);
	return ret;
}

/**
 * lpar_gpe_sci_release() - the runner is gone: let go of its eventfds.
 * @p: the partition.
 *
 * The order KVM's irqfd shutdown uses: off the wait queue, flush the
 * injection, then drop the references.
 */
void lpar_gpe_sci_release(struct lpar_partition *p)
{
	struct lpar_gpe *g = &p->gpe;
	struct eventfd_ctx *trigger, *resample;
	unsigned long flags;
	u64 cnt;

	mutex_lock(&g->sci_mutex);
	spin_lock_irqsave(&g->lock, flags);
	trigger = g->trigger;
	resample = g->resample;
	g->trigger = NULL;
	spin_unlock_irqrestore(&g->lock, flags);
	mutex_unlock(&g->sci_mutex);
	if (resample)
		eventfd_ctx_remove_wait_queue(resample, &g->wait, &cnt);
	flush_work(&g->inject);
	spin_lock_irqsave(&g->lock, flags);
	g->resample = NULL;
	spin_unlock_irqrestore(&g->lock, flags);
	if (resample)
		eventfd_ctx_put(resample);
	if (trigger)
		eventfd_ctx_put(trigger);
}
