// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - PCI slots: the slot allocation table, VFIO rebinding, ownership,
 * add_pci / rem_pci and the DMA side of MVSTOR.
 *
 * A slot is a host PCI function the administrator handed to lpar.ko.  We
 * bind it to vfio-pci (driver_override + reprobe) and open its VFIO group
 * ourselves: a 6.1 VFIO group can be opened only once, so the struct file
 * we keep is the only way to the device.  The owning partition's runner
 * gets a dup of it (LPAR_RUNNER_SLOT), only while the slot is enabled; it
 * sets a container of its own, maps the partition's storage for DMA and
 * opens the device.  To take the device back we unset the group's
 * container from here: that succeeds only once no device fd is open, and
 * it tears down the runner's IOMMU mappings with it.
 *
 * Locking, outermost first (see also core.c):
 *   lpar_partition.op_mutex   add_pci, rem_pci, enable, partition end and
 *                             the DMA-user callbacks run under the owner's
 *   slot_mutex                the slot table and every slot's fields
 *   lpar_mutex                partition states
 *   lpar_partition.lock, lpar_gpe.lock
 * The waits for the runner and the guest hold only op_mutex; a slot being
 * worked on is marked by its state (ATTACHING, REMOVING), which makes the
 * other commands on it fail with EBUSY instead of waiting.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "lpar.h"

static unsigned int pci_eject_timeout_ms = 5000;
module_param_cb(pci_eject_timeout_ms, &lpar_param_ops_uint, &pci_eject_timeout_ms, 0644);
MODULE_PARM_DESC(pci_eject_timeout_ms, "How long rem_pci waits for the guest to release a slot (default)");

static unsigned int pci_order_timeout_ms = 10000;
module_param_cb(pci_order_timeout_ms, &lpar_param_ops_uint, &pci_order_timeout_ms, 0644);
MODULE_PARM_DESC(pci_order_timeout_ms, "How long the runner has to attach or detach a slot");

/* How long a dying runner may keep device fds open before we give up. */
#define TAKE_BACK_MS		10000
#define SC_PCI_MAX_REQS		16

/**
 * struct lpar_pci_slot - one entry of the slot allocation table.
 * @kobj: /sys/kernel/lpar/slots/N; the last put frees the slot.
 * @nr: slot number, 1 .. LPAR_MAX_SLOTS - 1.
 * @pdev: the host device (reference held).
 * @bdf: its name, "dddd:bb:dd.f".
 * @driver: the host driver bound before the slot was made ("" if none).
 * @group: host IOMMU group number.
 * @group_file: the VFIO group, opened by us.
 * @owner: the owning partition (kobject reference held), or NULL.
 * @state: LPAR_SLOT_*.
 * @enable: the owner may obtain the device.
 * @attached: the owner's runner may hold the group (an attach was
 *	ordered and the device not yet taken back).
 * @dma: the DMA user registered with the owner while assigned.
 * @dma_on: @dma is on the owner's dma_users.
 * @removed: no longer in the table (sysfs stores fail).
 *
 * All fields but @kobj, @nr, @pdev, @bdf, @group are protected by
 * slot_mutex; @dma's list linkage by the owner's op_mutex.
 */
struct lpar_pci_slot {
	struct kobject kobj;
	unsigned int nr;
	struct pci_dev *pdev;
	char bdf[LPAR_SLOT_NAME_LEN];
	char driver[LPAR_DRIVER_LEN];
	int group;
	struct file *group_file;
	struct lpar_partition *owner;
	u32 state;
	bool enable;
	bool attached;
	struct lpar_dma_user dma;
	bool dma_on;
	bool removed;
};

/**
 * struct lpar_pci_req - an LPAR_SC_PCI request of a guest.
 * @node: on the requesting partition's pci_reqs (its @lock).
 * @work: runs the request on lpar_pci_wq.
 * @p: the requesting partition (kobject reference held while queued).
 * @nr: request number, answered to the guest.
 * @op: LPAR_SC_PCI_ADD or LPAR_SC_PCI_REM.
 * @slot: slot number.
 * @id: target partition.
 * @status: 0 while running, 1 done, 2 + errno failed (@p's @lock).
 */
struct lpar_pci_req {
	struct list_head node;
	struct work_struct work;
	struct lpar_partition *p;
	u64 nr;
	u32 op;
	u32 slot;
	u32 id;
	u32 status;
};

/* The slot table; see the locking comment above. */
static DEFINE_MUTEX(slot_mutex);
static struct lpar_pci_slot *slots[LPAR_MAX_SLOTS];
static struct kobject *slots_kobj;
static struct workqueue_struct *lpar_pci_wq;

static const char * const slot_state_names[] = {
	[LPAR_SLOT_FREE] = "free",
	[LPAR_SLOT_ATTACHING] = "attaching",
	[LPAR_SLOT_ASSIGNED] = "assigned",
	[LPAR_SLOT_REMOVING] = "removing",
	[LPAR_SLOT_DISABLED] = "disabled",
};

static struct lpar_pci_slot *slot_find(u32 nr)
{
	lockdep_assert_held(&slot_mutex);
	if (nr == 0 || nr >= LPAR_MAX_SLOTS)
		return NULL;
	return slots[nr];
}

/*
 * The slot @nr that @p owns, settled (assigned or disabled): what rem_pci
 * and enable work on.  Any other case is the command's error.
 */
static int owned_slot(struct lpar_partition *p, u32 nr, const char *what,
		      struct lpar_pci_slot **sp)
{
	struct lpar_pci_slot *s;

	lockdep_assert_held(&slot_mutex);
	s = slot_find(nr);
	if (!s)
		return lpar_cmd_error(p, -ENOENT, "%s: slot %u does not exist",
				      what, nr);
	if (s->state == LPAR_SLOT_FREE)
		return lpar_cmd_error(p, -EINVAL, "%s: slot %u is not assigned",
				      what, nr);
	if (s->owner != p)
		return lpar_cmd_error(p, -EPERM,
				      "%s: slot %u belongs to partition %u",
				      what, nr, s->owner->def.id);
	if (s->state != LPAR_SLOT_ASSIGNED && s->state != LPAR_SLOT_DISABLED)
		return lpar_cmd_error(p, -EBUSY, "%s: slot %u is %s", what, nr,
				      slot_state_names[s->state]);
	*sp = s;
	return 0;
}

static bool part_active(struct lpar_partition *p)
{
	bool ok;

	mutex_lock(&lpar_mutex);
	ok = p->state == LPAR_STATE_OPERATING || p->state == LPAR_STATE_STOPPED;
	mutex_unlock(&lpar_mutex);
	return ok;
}

/* --- VFIO group: give and take back ------------------------------------- */

/* Unset the group's container; 0 also when none was set. */
static int group_unset(struct lpar_pci_slot *s)
{
	struct file *f = s->group_file;
	long ret;

	ret = f->f_op->unlocked_ioctl(f, VFIO_GROUP_UNSET_CONTAINER, 0);
	return ret == -EINVAL ? 0 : ret;
}

static int fd_is(const void *file, struct file *f, unsigned int fd)
{
	return f == file ? fd + 1 : 0;
}

/* Does the partition's runner still have the group in its fd table? */
static bool runner_holds_group(struct lpar_partition *p,
			       struct lpar_pci_slot *s)
{
	struct task_struct *t;
	struct pid *pid;
	bool holds = false;

	mutex_lock(&lpar_mutex);
	pid = get_pid(p->runner_pid);
	mutex_unlock(&lpar_mutex);
	if (!pid)
		return false;
	t = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	if (!t)
		return false;
	task_lock(t);
	if (t->files)
		holds = iterate_fd(t->files, 0, fd_is, s->group_file) != 0;
	task_unlock(t);
	put_task_struct(t);
	return holds;
}

/*
 * Kill the owner's runner and return a reference to its pid (or NULL if
 * it had none), so that the caller can wait until it is gone for good.
 */
static struct pid *take_back_kill(struct lpar_partition *p, const char *why)
{
	struct pid *pid;

	mutex_lock(&lpar_mutex);
	pid = get_pid(p->runner_pid);
	mutex_unlock(&lpar_mutex);
	lpar_runner_kill(p, why);
	return pid;
}

/*
 * Wait (until @deadline) for a killed runner to be reaped: its last
 * thread has then released every file, its VFIO container fd included.
 * The container must be gone before the module detaches the group from
 * it: VFIO (6.1) lets vfio_fops_release() read the container's IOMMU
 * driver without the container's lock while vfio_group_detach_container()
 * releases it -- make check-debug's KASAN caught the use-after-free in
 * vfio_iommu_type1_notify() when a fence raced the runner's exit.  The
 * runner is a user-mode helper reaped by kthreadd at once.
 */
static void take_back_wait_reaped(struct pid *pid, unsigned long deadline)
{
	if (!pid)
		return;
	while (pid_has_task(pid, PIDTYPE_TGID) && !time_after(jiffies, deadline))
		msleep(20);
}

/*
 * Take the device back from the owner's runner: no device fd may be open
 * (a runner that keeps one is killed, which fails its partition, and is
 * waited for until it is gone), the runner's container goes, and the
 * device is reset.  Owner's op_mutex.
 */
static int slot_take_back(struct lpar_pci_slot *s, struct lpar_partition *p)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(TAKE_BACK_MS);
	struct pid *victim = NULL;
	bool killed = false;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	if (runner_holds_group(p, s)) {
		victim = take_back_kill(p,
					"runner kept the VFIO group of a slot it was told to give up");
		killed = true;
	}
	for (;;) {
		take_back_wait_reaped(victim, deadline);
		ret = group_unset(s);
		if (ret != -EBUSY)
			break;
		if (!killed) {
			victim = take_back_kill(p,
						"runner kept a slot's device open after giving it up");
			killed = true;
		}
		if (time_after(jiffies, deadline))
			break;
		msleep(20);
	}
	put_pid(victim);
	if (ret) {
		pr_err("slot %u (%s): cannot take the device back from partition %u (%d); it stays disabled\n",
		       s->nr, s->bdf, p->def.id, ret);
		return ret;
	}
	ret = pci_reset_function(s->pdev);
	if (ret && ret != -ENOTTY)
		pr_info("slot %u (%s): reset failed (%d)\n", s->nr, s->bdf, ret);
	mutex_lock(&slot_mutex);
	s->attached = false;
	mutex_unlock(&slot_mutex);
	return 0;
}

/* --- DMA user: MVSTOR's quiesce, SALE and resume ---------------------- */

static int dma_order(struct lpar_dma_user *u, u32 order, unsigned int ms)
{
	struct lpar_pci_slot *s = container_of(u, struct lpar_pci_slot, dma);
	struct lpar_partition *p = s->owner;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	ret = lpar_runner_order_wait(p, order, 0, s->nr, ms);
	if (ret == -ENODEV || ret == -EIO)
		return -EBUSY;	/* runner gone: the slot is being taken back */
	if (ret == -EREMOTEIO || ret == -ETIMEDOUT)
		return -EBUSY;
	return ret;
}

static int dma_quiesce(struct lpar_dma_user *u, unsigned int timeout_ms)
{
	return dma_order(u, LPAR_ORDER_DMA_QUIESCE, timeout_ms);
}

/*
 * The runner unmaps and maps the whole storage again in its container;
 * its VFIO_IOMMU_MAP_DMA faults the storage mapping through our fault
 * handler, so nothing the fault path needs is held here (only op_mutex).
 */
static int dma_sale(struct lpar_dma_user *u, phys_addr_t new_origin)
{
	int ret = dma_order(u, LPAR_ORDER_DMA_SALE, pci_order_timeout_ms);

	return ret == -EBUSY ? -EIO : ret;
}

static void dma_resume(struct lpar_dma_user *u)
{
	dma_order(u, LPAR_ORDER_DMA_RESUME, pci_order_timeout_ms);
}

static void dma_unregister(struct lpar_pci_slot *s, struct lpar_partition *p);

/*
 * The gatekeeper (mm_relocate.c) found the device's IOMMU mappings going
 * outside the partition's storage after a move: the runner did not do
 * SALE, whatever it answered.  Stop the device without asking it: bus
 * mastering off at once, then what enable 0 does -- the slot disabled,
 * the device taken back from the runner (which is killed if it keeps
 * it: the partition is failed anyway) and reset.
 */
static int dma_fence(struct lpar_dma_user *u)
{
	struct lpar_pci_slot *s = container_of(u, struct lpar_pci_slot, dma);
	struct lpar_partition *p = s->owner;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	pci_clear_master(s->pdev);
	mutex_lock(&slot_mutex);
	s->enable = false;
	s->state = LPAR_SLOT_DISABLED;
	mutex_unlock(&slot_mutex);
	dma_unregister(s, p);
	lpar_gpe_slot_gone(p, s->nr);
	ret = slot_take_back(s, p);
	if (ret)
		pr_err("partition %u (%s): slot %u (%s) could not be fenced (%d): its old storage stays out of the pool\n",
		       p->def.id, p->def.name, s->nr, s->bdf, ret);
	else
		pr_warn("partition %u (%s): slot %u (%s) fenced: disabled, taken back and reset\n",
			p->def.id, p->def.name, s->nr, s->bdf);
	return ret;
}

static void dma_register(struct lpar_pci_slot *s, struct lpar_partition *p)
{
	lockdep_assert_held(&p->op_mutex);
	if (s->dma_on)
		return;
	s->dma.name = s->bdf;
	s->dma.dev = &s->pdev->dev;
	s->dma.quiesce = dma_quiesce;
	s->dma.sale = dma_sale;
	s->dma.resume = dma_resume;
	s->dma.fence = dma_fence;
	list_add_tail(&s->dma.node, &p->dma_users);
	s->dma_on = true;
}

static void dma_unregister(struct lpar_pci_slot *s, struct lpar_partition *p)
{
	lockdep_assert_held(&p->op_mutex);
	if (!s->dma_on)
		return;
	list_del(&s->dma.node);
	s->dma_on = false;
}

/* --- add_pci / rem_pci / enable ----------------------------------------- */

/* Forget the owner; slot_mutex held. */
static void slot_free_owner(struct lpar_pci_slot *s)
{
	lockdep_assert_held(&slot_mutex);
	if (s->owner)
		kobject_put(&s->owner->kobj);
	s->owner = NULL;
	s->enable = false;
	s->state = LPAR_SLOT_FREE;
}

/*
 * Give the slot to @p's runner and tell the guest.  The caller set the
 * state to ATTACHING with enable 1.  On failure the device is taken back
 * and the slot is left in @fail_state (FREE forgets the owner).
 */
static int slot_attach(struct lpar_pci_slot *s, struct lpar_partition *p,
		       u32 fail_state)
{
	int ret, tb;

	lockdep_assert_held(&p->op_mutex);
	mutex_lock(&slot_mutex);
	s->attached = true;
	mutex_unlock(&slot_mutex);
	ret = lpar_runner_order_wait(p, LPAR_ORDER_SLOT_ATTACH, 0, s->nr,
				     pci_order_timeout_ms);
	if (!ret) {
		mutex_lock(&slot_mutex);
		s->state = LPAR_SLOT_ASSIGNED;
		mutex_unlock(&slot_mutex);
		dma_register(s, p);
		lpar_gpe_slot_insert(p, s->nr);
		return 0;
	}
	mutex_lock(&slot_mutex);
	s->enable = false;
	mutex_unlock(&slot_mutex);
	tb = slot_take_back(s, p);
	mutex_lock(&slot_mutex);
	if (tb || fail_state != LPAR_SLOT_FREE)
		s->state = LPAR_SLOT_DISABLED;
	else
		slot_free_owner(s);
	mutex_unlock(&slot_mutex);
	switch (ret) {
	case -EREMOTEIO:
		return lpar_cmd_error(p, -EIO, "runner could not attach slot %u (%s)",
				      s->nr, s->bdf);
	case -ETIMEDOUT:
		return lpar_cmd_error(p, ret, "runner did not attach slot %u within %u ms",
				      s->nr, pci_order_timeout_ms);
	default:
		return lpar_cmd_error(p, -EIO, "runner went away while attaching slot %u",
				      s->nr);
	}
}

/* Order the runner to let go of the device and take it back. */
static int slot_detach(struct lpar_pci_slot *s, struct lpar_partition *p)
{
	int ret;

	lockdep_assert_held(&p->op_mutex);
	dma_unregister(s, p);
	ret = lpar_runner_order_wait(p, LPAR_ORDER_SLOT_DETACH, 0, s->nr,
				     pci_order_timeout_ms);
	if (ret && ret != -ENODEV && ret != -EIO)
		pr_info("partition %u (%s): runner did not detach slot %u cleanly (%d), taking it\n",
			p->def.id, p->def.name, s->nr, ret);
	return slot_take_back(s, p);
}

static int get_part_locked(u32 id, struct lpar_partition **pp)
{
	struct lpar_partition *p = lpar_get_part(id);

	if (!p) {
		pr_info("pci: partition %u is not defined (%d)\n", id, -ENOENT);
		return -ENOENT;
	}
	if (mutex_lock_killable(&p->op_mutex)) {
		kobject_put(&p->kobj);
		return -EINTR;
	}
	*pp = p;
	return 0;
}

static void put_part_locked(struct lpar_partition *p)
{
	mutex_unlock(&p->op_mutex);
	kobject_put(&p->kobj);
}

/* Quick refusal before waiting for the partition: the slot is busy. */
static int slot_precheck(u32 nr, const char *what)
{
	struct lpar_pci_slot *s;
	int ret = 0;

	mutex_lock(&slot_mutex);
	s = slot_find(nr);
	if (!s) {
		ret = -ENOENT;
		pr_info("%s: slot %u does not exist (%d)\n", what, nr, ret);
	} else if (s->state == LPAR_SLOT_ATTACHING ||
		   s->state == LPAR_SLOT_REMOVING) {
		ret = -EBUSY;
		pr_info("%s: slot %u: %s in progress (%d)\n", what, nr,
			s->state == LPAR_SLOT_ATTACHING ? "add_pci" : "rem_pci",
			ret);
	}
	mutex_unlock(&slot_mutex);
	return ret;
}

/*
 * The prologue of the commands on an assigned slot: @id's op_mutex, then
 * slot_mutex, and @nr owned by @id in a settled state.  On success both
 * are held (drop with mutex_unlock(&slot_mutex), put_part_locked()).
 */
static int lock_owned_slot(u32 nr, u32 id, const char *what,
			   struct lpar_partition **pp, struct lpar_pci_slot **sp)
{
	int ret;

	ret = slot_precheck(nr, what);
	if (ret)
		return ret;
	ret = get_part_locked(id, pp);
	if (ret)
		return ret;
	mutex_lock(&slot_mutex);
	ret = owned_slot(*pp, nr, what, sp);
	if (ret) {
		mutex_unlock(&slot_mutex);
		put_part_locked(*pp);
	}
	return ret;
}

/**
 * lpar_pci_add() - add_pci: give slot @nr to running partition @id.
 * @nr: slot number.
 * @id: partition number.
 *
 * Return: 0 once the runner holds the device and the guest got its
 * insertion SCI; -ENOENT (no such slot or partition), -EBUSY (owned by
 * another partition, or a command on it in progress), -EALREADY (already
 * the partition's), -EINVAL (partition not operating), -EIO/-ETIMEDOUT
 * (the runner did not attach it; nothing changed).
 */
static int lpar_pci_add(u32 nr, u32 id)
{
	struct lpar_partition *p;
	struct lpar_pci_slot *s;
	int ret;

	ret = slot_precheck(nr, "add_pci");
	if (ret)
		return ret;
	ret = get_part_locked(id, &p);
	if (ret)
		return ret;
	mutex_lock(&slot_mutex);
	s = slot_find(nr);
	if (!s) {
		ret = lpar_cmd_error(p, -ENOENT, "add_pci: slot %u does not exist", nr);
		goto out_unlock;
	}
	if (s->owner == p && s->state != LPAR_SLOT_FREE) {
		ret = lpar_cmd_error(p, -EALREADY,
				     "add_pci: slot %u is already the partition's (%s)",
				     nr, slot_state_names[s->state]);
		goto out_unlock;
	}
	if (s->state != LPAR_SLOT_FREE) {
		ret = lpar_cmd_error(p, -EBUSY, "add_pci: slot %u belongs to partition %u",
				     nr, s->owner ? s->owner->def.id : 0);
		goto out_unlock;
	}
	mutex_lock(&lpar_mutex);
	ret = p->state == LPAR_STATE_OPERATING && p->attached && p->running;
	mutex_unlock(&lpar_mutex);
	if (!ret) {
		ret = lpar_cmd_error(p, -EINVAL, "add_pci: slot %u: partition is %s",
				     nr, lpar_state_name(p->state));
		goto out_unlock;
	}
	kobject_get(&p->kobj);
	s->owner = p;
	s->enable = true;
	s->state = LPAR_SLOT_ATTACHING;
	mutex_unlock(&slot_mutex);

	ret = slot_attach(s, p, LPAR_SLOT_FREE);
	if (!ret)
		pr_info("partition %u (%s): slot %u (%s) added\n", p->def.id,
			p->def.name, nr, s->bdf);
	put_part_locked(p);
	return ret;

out_unlock:
	mutex_unlock(&slot_mutex);
	put_part_locked(p);
	return ret;
}

static bool eject_done(struct lpar_partition *p, unsigned int nr)
{
	return lpar_gpe_slot_released(p, nr) || !READ_ONCE(p->attached);
}

/**
 * lpar_pci_rem() - rem_pci: take slot @nr back from partition @id.
 * @nr: slot number.
 * @id: the owning partition.
 * @flags: LPAR_PCI_FORCE: take it even if the guest does not release it.
 * @timeout_ms: how long the guest has (0: pci_eject_timeout_ms).
 *
 * Return: 0 with the slot free; -ENOENT, -EINVAL (not assigned), -EPERM
 * (owned by another partition), -EBUSY (add_pci or rem_pci in progress),
 * -ETIMEDOUT (the guest did not release it; nothing changed).
 */
static int lpar_pci_rem(u32 nr, u32 id, u32 flags, u32 timeout_ms)
{
	struct lpar_partition *p;
	struct lpar_pci_slot *s;
	bool ask_guest;
	long left = 1;
	u32 was;
	int ret;

	if (!timeout_ms)
		timeout_ms = pci_eject_timeout_ms;
	ret = lock_owned_slot(nr, id, "rem_pci", &p, &s);
	if (ret)
		return ret;
	was = s->state;
	if (was == LPAR_SLOT_DISABLED && !s->attached) {
		/* Surprise-removed already: nothing to ask anyone. */
		slot_free_owner(s);
		mutex_unlock(&slot_mutex);
		lpar_gpe_slot_gone(p, nr);
		goto done;
	}
	s->enable = false;
	s->state = LPAR_SLOT_REMOVING;
	mutex_unlock(&slot_mutex);

	ask_guest = was == LPAR_SLOT_ASSIGNED && part_active(p) &&
		    READ_ONCE(p->attached);
	if (ask_guest) {
		lpar_gpe_slot_eject(p, nr);
		/* The guest may take all of timeout_ms: stay killable. */
		left = wait_event_killable_timeout(p->wq, eject_done(p, nr),
						   msecs_to_jiffies(timeout_ms));
		if (!lpar_gpe_slot_released(p, nr) && READ_ONCE(p->attached) &&
		    !(flags & LPAR_PCI_FORCE)) {
			/* Withdraw the request: the slot stays the guest's. */
			lpar_gpe_slot_gone(p, nr);
			lpar_gpe_slot_insert(p, nr);
			mutex_lock(&slot_mutex);
			s->enable = true;
			s->state = LPAR_SLOT_ASSIGNED;
			mutex_unlock(&slot_mutex);
			if (left < 0)
				ret = lpar_cmd_error(p, -EINTR,
						     "rem_pci: caller killed while the guest had not released slot %u yet",
						     nr);
			else
				ret = lpar_cmd_error(p, -ETIMEDOUT,
						     "rem_pci: guest did not release slot %u within %u ms (force takes it anyway)",
						     nr, timeout_ms);
			put_part_locked(p);
			return ret;
		}
	}
	ret = slot_detach(s, p);
	lpar_gpe_slot_gone(p, nr);
	mutex_lock(&slot_mutex);
	if (ret)
		s->state = LPAR_SLOT_DISABLED;
	else
		slot_free_owner(s);
	mutex_unlock(&slot_mutex);
	if (ret) {
		ret = lpar_cmd_error(p, -EIO, "rem_pci: slot %u could not be taken back",
				     nr);
		put_part_locked(p);
		return ret;
	}
done:
	pr_info("partition %u (%s): slot %u (%s) removed\n", p->def.id,
		p->def.name, nr, s->bdf);
	put_part_locked(p);
	return 0;
}

/**
 * lpar_pci_enable() - set a slot's enable flag.
 * @nr: slot number.
 * @id: the owning partition.
 * @value: 0: surprise removal (the runner lets go, the guest is not
 *	asked; the owner stays); 1: attach again with an insertion SCI.
 *
 * Return: 0 (also when the flag already has the value), -ENOENT,
 * -EINVAL (not assigned, or @value not 0/1), -EPERM (not the owner),
 * -EBUSY, or the attach's error.
 */
static int lpar_pci_enable(u32 nr, u32 id, u32 value)
{
	struct lpar_partition *p;
	struct lpar_pci_slot *s;
	int ret;

	if (value > 1)
		return -EINVAL;
	ret = lock_owned_slot(nr, id, "slot enable", &p, &s);
	if (ret)
		return ret;
	if (s->enable == value) {
		ret = 0;
		goto out_unlock;
	}
	if (!value) {
		s->enable = false;
		s->state = LPAR_SLOT_DISABLED;
		mutex_unlock(&slot_mutex);
		lpar_gpe_slot_gone(p, nr);
		ret = slot_detach(s, p);
		if (!ret)
			pr_info("partition %u (%s): slot %u disabled\n",
				p->def.id, p->def.name, nr);
		else
			ret = lpar_cmd_error(p, -EIO, "enable: slot %u could not be taken back",
					     nr);
		put_part_locked(p);
		return ret;
	}
	mutex_lock(&lpar_mutex);
	ret = p->state == LPAR_STATE_OPERATING && p->attached && p->running;
	mutex_unlock(&lpar_mutex);
	if (!ret || s->attached) {
		ret = lpar_cmd_error(p, -EINVAL, "enable: slot %u: partition is %s",
				     nr, lpar_state_name(p->state));
		goto out_unlock;
	}
	s->enable = true;
	s->state = LPAR_SLOT_ATTACHING;
	mutex_unlock(&slot_mutex);
	ret = slot_attach(s, p, LPAR_SLOT_DISABLED);
	if (!ret)
		pr_info("partition %u (%s): slot %u enabled\n", p->def.id,
			p->def.name, nr);
	put_part_locked(p);
	return ret;

out_unlock:
	mutex_unlock(&slot_mutex);
	put_part_locked(p);
	return ret;
}

/* --- partition hooks --------------------------------------------------- */

static void part_work_fn(struct work_struct *work);

/**
 * lpar_pci_part_init() - per-partition PCI and GPE state of a new partition.
 * @p: the partition being defined.
 */
void lpar_pci_part_init(struct lpar_partition *p)
{
	INIT_WORK(&p->pci_work, part_work_fn);
	INIT_LIST_HEAD(&p->pci_reqs);
	lpar_gpe_init(p);
}

/**
 * lpar_pci_part_end() - every slot of a partition goes back to the pool.
 * @p: a partition whose runner is gone (deact, failed act, runner death).
 *
 * Each device is taken back (a runner still holding one is killed) and
 * reset; the hot-plug registers return to their power-on state.
 *
 * Context: op_mutex held; sleeps.
 */
void lpar_pci_part_end(struct lpar_partition *p)
{
	unsigned int nr;

	lockdep_assert_held(&p->op_mutex);
	for (nr = 1; nr < LPAR_MAX_SLOTS; nr++) {
		struct lpar_pci_slot *s;
		bool attached;
		int ret = 0;

		mutex_lock(&slot_mutex);
		s = slots[nr];
		if (!s || s->owner != p) {
			mutex_unlock(&slot_mutex);
			continue;
		}
		kobject_get(&s->kobj);
		attached = s->attached;
		s->enable = false;
		mutex_unlock(&slot_mutex);
		dma_unregister(s, p);
		if (attached)
			ret = slot_take_back(s, p);
		mutex_lock(&slot_mutex);
		if (ret)
			s->state = LPAR_SLOT_DISABLED;
		else
			slot_free_owner(s);
		mutex_unlock(&slot_mutex);
		if (!ret)
			pr_info("partition %u (%s): slot %u (%s) back in the pool\n",
				p->def.id, p->def.name, nr, s->bdf);
		kobject_put(&s->kobj);
	}
	lpar_gpe_reset(p);
}

static void part_work_fn(struct work_struct *work)
{
	struct lpar_partition *p = container_of(work, struct lpar_partition,
						pci_work);

	mutex_lock(&p->op_mutex);
	/* A deact that came first already did it, maybe a new act since. */
	if (READ_ONCE(p->gen) == p->pci_gone_gen && !READ_ONCE(p->attached))
		lpar_pci_part_end(p);
	mutex_unlock(&p->op_mutex);
	kobject_put(&p->kobj);
}

/**
 * lpar_pci_runner_gone() - the runner of the current activation went away.
 * @p: the partition.
 *
 * Its slots are taken back on a work item: the caller (the partition fd's
 * release) must not wait for op_mutex.
 */
void lpar_pci_runner_gone(struct lpar_partition *p)
{
	kobject_get(&p->kobj);
	WRITE_ONCE(p->pci_gone_gen, READ_ONCE(p->gen));
	if (!queue_work(lpar_pci_wq, &p->pci_work))
		kobject_put(&p->kobj);
}

/**
 * lpar_pci_part_free() - free what the PCI part keeps for a partition.
 * @p: the partition, last reference gone.
 */
void lpar_pci_part_free(struct lpar_partition *p)
{
	struct lpar_pci_req *r, *n;

	list_for_each_entry_safe(r, n, &p->pci_reqs, node)
		kfree(r);
}

/* --- the runner's side ------------------------------------------------ */

/**
 * lpar_pci_runner_slot() - LPAR_RUNNER_SLOT: the runner obtains a slot.
 * @p: the partition.
 * @gen: the activation of the partition fd.
 * @arg: user pointer to struct lpar_runner_slot.
 *
 * Return: 0 with a new fd of the VFIO group in @fd, -ENOENT (no such
 * slot), -EACCES (not the owner's current runner), -EPERM (enable 0).
 */
long lpar_pci_runner_slot(struct lpar_partition *p, u64 gen,
			  unsigned long arg)
{
	struct lpar_runner_slot rs;
	struct lpar_pci_slot *s;
	struct file *f;
	long ret;
	int fd;

	ret = lpar_copy_in(&rs, sizeof(rs), sizeof(rs), arg);
	if (ret)
		return ret;
	if (rs.flags || rs.pad)
		return -EINVAL;
	if (!lpar_runner_is_current(p, gen)) {
		pr_info("partition %u (%s): slot %u refused: not the partition's current runner (%d)\n",
			p->def.id, p->def.name, rs.slot, -EACCES);
		return -EACCES;
	}
	mutex_lock(&slot_mutex);
	s = slot_find(rs.slot);
	if (!s) {
		mutex_unlock(&slot_mutex);
		return -ENOENT;
	}
	if (s->owner != p) {
		mutex_unlock(&slot_mutex);
		pr_info("partition %u (%s): runner asked for slot %u, which it does not own (%d)\n",
			p->def.id, p->def.name, rs.slot, -EACCES);
		return -EACCES;
	}
	if (!s->enable || (s->state != LPAR_SLOT_ATTACHING &&
			   s->state != LPAR_SLOT_ASSIGNED)) {
		mutex_unlock(&slot_mutex);
		pr_info("partition %u (%s): runner asked for slot %u, which is disabled (%d)\n",
			p->def.id, p->def.name, rs.slot, -EPERM);
		return -EPERM;
	}
	f = get_file(s->group_file);
	memset(&rs, 0, sizeof(rs));
	rs.argsz = sizeof(rs);
	rs.slot = s->nr;
	rs.group = s->group;
	strscpy(rs.bdf, s->bdf, sizeof(rs.bdf));
	rs.vendor = s->pdev->vendor;
	rs.device = s->pdev->device;
	mutex_unlock(&slot_mutex);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fput(f);
		return fd;
	}
	rs.fd = fd;
	ret = lpar_copy_out(arg, &rs, sizeof(rs));
	if (ret) {
		put_unused_fd(fd);
		fput(f);
		return ret;
	}
	fd_install(fd, f);
	return 0;
}

/* --- guest requests (LPAR_SC_PCI) --------------------------------------- */

static void req_work_fn(struct work_struct *work)
{
	struct lpar_pci_req *r = container_of(work, struct lpar_pci_req, work);
	struct lpar_partition *p = r->p;
	int ret;

	if (r->op == LPAR_SC_PCI_ADD)
		ret = lpar_pci_add(r->slot, r->id);
	else
		ret = lpar_pci_rem(r->slot, r->id, 0, 0);
	spin_lock(&p->lock);
	r->status = ret ? 2 - ret : 1;
	spin_unlock(&p->lock);
	kobject_put(&p->kobj);
}

/**
 * lpar_pci_sc() - LPAR_SC_PCI from a guest.
 * @p: the calling partition.
 * @sccb: the call's block (kernel copy).
 *
 * ADD / REM start a request on a work queue (the caller's vCPU must keep
 * running: the guest has to answer the hot-plug events) and answer its
 * number in args[3]; STATUS answers args[3] = 0 running, 1 done, 2 +
 * errno failed (2 + ENOENT for an unknown number).
 *
 * Return: the SCCB status; LPAR_SCCB_BAD_CMD if the partition's definition
 * does not allow it (LPAR_DEF_PCI_CONTROL), the request is malformed, or
 * SC_PCI_MAX_REQS of its requests are still running.
 */
u16 lpar_pci_sc(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	struct lpar_pci_req *r, *n, *req;
	unsigned int count = 0, running = 0;

	if (!(p->def.flags & LPAR_DEF_PCI_CONTROL)) {
		pr_info_ratelimited("partition %u (%s): LPAR_SC_PCI refused: the definition does not allow it\n",
				    p->def.id, p->def.name);
		return LPAR_SCCB_BAD_CMD;
	}
	if (sccb->args[0] == LPAR_SC_PCI_STATUS) {
		sccb->args[3] = 2 + ENOENT;
		spin_lock(&p->lock);
		list_for_each_entry(r, &p->pci_reqs, node)
			if (r->nr == sccb->args[1])
				sccb->args[3] = r->status;
		spin_unlock(&p->lock);
		return LPAR_SCCB_OK;
	}
	if ((sccb->args[0] != LPAR_SC_PCI_ADD &&
	     sccb->args[0] != LPAR_SC_PCI_REM) ||
	    sccb->args[1] >= LPAR_MAX_SLOTS ||
	    sccb->args[2] >= LPAR_MAX_PARTITIONS)
		return LPAR_SCCB_BAD_CMD;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return LPAR_SCCB_BAD_CMD;
	INIT_WORK(&req->work, req_work_fn);
	req->p = p;
	req->op = sccb->args[0];
	req->slot = sccb->args[1];
	req->id = sccb->args[2];
	spin_lock(&p->lock);
	/*
	 * A guest must not queue work without bound: at most
	 * SC_PCI_MAX_REQS run at a time; of the finished ones the newest
	 * are kept for LPAR_SC_PCI_STATUS.
	 */
	list_for_each_entry_safe(r, n, &p->pci_reqs, node) {
		if (!r->status) {
			running++;
		} else if (++count >= SC_PCI_MAX_REQS) {
			list_del(&r->node);
			kfree(r);
		}
	}
	if (running >= SC_PCI_MAX_REQS) {
		spin_unlock(&p->lock);
		kfree(req);
		pr_info_ratelimited("partition %u (%s): LPAR_SC_PCI refused: %u requests still running\n",
				    p->def.id, p->def.name, running);
		return LPAR_SCCB_BAD_CMD;
	}
	req->nr = ++p->pci_req_seq;
	list_add(&req->node, &p->pci_reqs);
	spin_unlock(&p->lock);
	kobject_get(&p->kobj);
	sccb->args[3] = req->nr;
	queue_work(lpar_pci_wq, &req->work);
	return LPAR_SCCB_OK;
}

/* --- slot add / remove: VFIO rebinding --------------------------------- */

static int count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

static bool bound_to(struct pci_dev *pdev, const char *name)
{
	bool ret;

	device_lock(&pdev->dev);
	ret = pdev->dev.driver && !strcmp(pdev->dev.driver->name, name);
	device_unlock(&pdev->dev);
	return ret;
}

/* Back to the host driver it had (or none). */
static void restore_driver(struct lpar_pci_slot *s)
{
	struct device *dev = &s->pdev->dev;

	driver_set_override(dev, &s->pdev->driver_override, "", 0);
	device_release_driver(dev);
	if (!s->driver[0])
		return;
	if (device_attach(dev) < 0 || !bound_to(s->pdev, s->driver))
		pr_warn("slot %u (%s): host driver %s not bound again\n",
			s->nr, s->bdf, s->driver);
}

static struct file *open_group(int group)
{
	char path[32];
	struct file *f;
	int i;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	/* devtmpfs creates the node at once; udev may be slower. */
	for (i = 0; i < 50; i++) {
		f = filp_open(path, O_RDWR, 0);
		if (!IS_ERR(f) || PTR_ERR(f) != -ENOENT)
			break;
		msleep(20);
	}
	if (!IS_ERR(f) && (!f->f_op || !f->f_op->unlocked_ioctl)) {
		fput(f);
		f = ERR_PTR(-ENODEV);
	}
	return f;
}

static void slot_release(struct kobject *kobj)
{
	struct lpar_pci_slot *s = container_of(kobj, struct lpar_pci_slot,
					       kobj);

	pci_dev_put(s->pdev);
	kfree(s);
}

static const struct kobj_type slot_ktype;

static int parse_bdf(const char *str, struct pci_dev **pdev)
{
	unsigned int dom = 0, bus, dev, fn;
	int n = 0;

	if (sscanf(str, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &n) != 4) {
		dom = 0;
		n = 0;
		if (sscanf(str, "%x:%x.%x%n", &bus, &dev, &fn, &n) != 3)
			return -EINVAL;
	}
	if ((str[n] && str[n] != '\n') || (str[n] == '\n' && str[n + 1]) ||
	    dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(dev, fn));
	return *pdev ? 0 : -ENODEV;
}

/**
 * lpar_slot_add() - make a host PCI function a slot.
 * @bdf: "dddd:bb:dd.f" or "bb:dd.f".
 * @nr: slot number wanted, 0 for the lowest free one.
 * @out: filled with the new entry.
 *
 * Return: 0, -EINVAL (bad name or number, a bridge, no IOMMU group or a
 * shared one), -ENODEV (no such device, or vfio-pci would not take it),
 * -EEXIST (already a slot, or the number is taken), -ENOSPC, -EBUSY (the
 * VFIO group is open elsewhere).  Nothing changes on failure.
 */
static int lpar_slot_add(const char *bdf, u32 nr, struct lpar_slot *out)
{
	struct iommu_group *ig;
	struct lpar_pci_slot *s;
	struct pci_dev *pdev;
	unsigned int ndev = 0, i;
	struct file *f;
	int ret;

	ret = parse_bdf(bdf, &pdev);
	if (ret) {
		pr_info("slot add %.16s: %s (%d)\n", bdf,
			ret == -ENODEV ? "no such PCI device" : "not a PCI address (dddd:bb:dd.f)",
			ret);
		return ret;
	}
	if (nr >= LPAR_MAX_SLOTS) {
		ret = -EINVAL;
		pr_info("slot add %s: slot number %u out of range 1..%u (%d)\n",
			pci_name(pdev), nr, LPAR_MAX_SLOTS - 1, ret);
		goto err_put;
	}
	if (pdev->subordinate || pdev->hdr_type != PCI_HEADER_TYPE_NORMAL ||
	    (pdev->class >> 16) == PCI_BASE_CLASS_BRIDGE) {
		ret = -EINVAL;
		pr_info("slot add %s: bridges cannot be slots (%d)\n",
			pci_name(pdev), ret);
		goto err_put;
	}
	ig = iommu_group_get(&pdev->dev);
	if (!ig) {
		ret = -EINVAL;
		pr_info("slot add %s: no IOMMU group (boot with intel_iommu=on / amd_iommu=on) (%d)\n",
			pci_name(pdev), ret);
		goto err_put;
	}
	iommu_group_for_each_dev(ig, &ndev, count_dev);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		iommu_group_put(ig);
		ret = -ENOMEM;
		goto err_put;
	}
	s->group = iommu_group_id(ig);
	iommu_group_put(ig);
	if (ndev != 1) {
		ret = -EINVAL;
		pr_info("slot add %s: IOMMU group %d holds %u devices; only a device alone in its group can be a slot (%d)\n",
			pci_name(pdev), s->group, ndev, ret);
		goto err_free;
	}
	s->pdev = pdev;
	strscpy(s->bdf, pci_name(pdev), sizeof(s->bdf));
	s->state = LPAR_SLOT_FREE;

	mutex_lock(&slot_mutex);
	for (i = 1; i < LPAR_MAX_SLOTS; i++) {
		if (slots[i] && slots[i]->pdev == pdev) {
			ret = -EEXIST;
			pr_info("slot add %s: already slot %u (%d)\n",
				s->bdf, i, ret);
			goto err_unlock;
		}
	}
	if (!nr) {
		for (nr = 1; nr < LPAR_MAX_SLOTS && slots[nr]; nr++)
			;
		if (nr == LPAR_MAX_SLOTS) {
			ret = -ENOSPC;
			pr_info("slot add %s: all %u slots are in use (%d)\n",
				s->bdf, LPAR_MAX_SLOTS - 1, ret);
			goto err_unlock;
		}
	} else if (slots[nr]) {
		ret = -EEXIST;
		pr_info("slot add %s: slot %u is %s (%d)\n", s->bdf, nr,
			slots[nr]->bdf, ret);
		goto err_unlock;
	}
	s->nr = nr;

	device_lock(&pdev->dev);
	if (pdev->dev.driver)
		strscpy(s->driver, pdev->dev.driver->name, sizeof(s->driver));
	device_unlock(&pdev->dev);
	if (strcmp(s->driver, "vfio-pci")) {
		request_module("vfio-pci");
		ret = driver_set_override(&pdev->dev, &pdev->driver_override,
					  "vfio-pci", strlen("vfio-pci"));
		if (ret)
			goto err_unlock;
		device_release_driver(&pdev->dev);
		ret = device_attach(&pdev->dev);
		if (ret < 0 || !bound_to(pdev, "vfio-pci")) {
			ret = -ENODEV;
			pr_info("slot add %s: vfio-pci did not bind (is it available?) (%d)\n",
				s->bdf, ret);
			goto err_restore;
		}
	}
	f = open_group(s->group);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		pr_info("slot add %s: cannot open /dev/vfio/%d%s (%d)\n",
			s->bdf, s->group,
			ret == -EBUSY ? ": the group is in use" : "", ret);
		goto err_restore;
	}
	s->group_file = f;
	kobject_init(&s->kobj, &slot_ktype);
	ret = kobject_add(&s->kobj, slots_kobj, "%u", nr);
	if (ret) {
		/* The release frees s and drops pdev: take them back first. */
		pci_dev_get(pdev);
		s->pdev = pdev;
		fput(f);
		restore_driver(s);
		mutex_unlock(&slot_mutex);
		kobject_put(&s->kobj);
		pci_dev_put(pdev);
		return ret;
	}
	slots[nr] = s;
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->slot = nr;
	out->owner = LPAR_SLOT_NO_OWNER;
	out->state = LPAR_SLOT_FREE;
	strscpy(out->bdf, s->bdf, sizeof(out->bdf));
	out->vendor = pdev->vendor;
	out->device = pdev->device;
	out->group = s->group;
	strscpy(out->driver, s->driver, sizeof(out->driver));
	mutex_unlock(&slot_mutex);
	kobject_uevent(&s->kobj, KOBJ_ADD);
	pr_info("slot %u: %s [%04x:%04x] IOMMU group %d, was %s, now vfio-pci\n",
		nr, s->bdf, pdev->vendor, pdev->device, s->group,
		s->driver[0] ? s->driver : "unbound");
	return 0;

err_restore:
	restore_driver(s);
err_unlock:
	mutex_unlock(&slot_mutex);
err_free:
	kfree(s);
err_put:
	pci_dev_put(pdev);
	return ret;
}

/* Tear a slot down; it is out of the table already. */
static void slot_destroy(struct lpar_pci_slot *s)
{
	fput(s->group_file);
	s->group_file = NULL;
	restore_driver(s);
	pr_info("slot %u (%s) removed, host driver %s\n", s->nr, s->bdf,
		s->driver[0] ? s->driver : "none");
	kobject_del(&s->kobj);
	kobject_put(&s->kobj);
}

/**
 * lpar_slot_remove() - give a free slot back to the host.
 * @nr: slot number.
 *
 * Return: 0 with the original driver bound again; -ENOENT, -EBUSY (the
 * slot has an owner).
 */
static int lpar_slot_remove(u32 nr)
{
	struct lpar_pci_slot *s;
	int ret = 0;

	mutex_lock(&slot_mutex);
	s = slot_find(nr);
	if (!s) {
		ret = -ENOENT;
		pr_info("slot remove %u: no such slot (%d)\n", nr, ret);
	} else if (s->state != LPAR_SLOT_FREE || s->attached) {
		ret = -EBUSY;
		pr_info("slot remove %u: slot is %s, owned by partition %u (%d)\n",
			nr, slot_state_names[s->state],
			s->owner ? s->owner->def.id : 0, ret);
	} else {
		slots[nr] = NULL;
		s->removed = true;
	}
	mutex_unlock(&slot_mutex);
	if (!ret)
		slot_destroy(s);
	return ret;
}

static void slot_fill(struct lpar_pci_slot *s, struct lpar_slot *out)
{
	lockdep_assert_held(&slot_mutex);
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->slot = s->nr;
	out->owner = s->owner ? s->owner->def.id : LPAR_SLOT_NO_OWNER;
	out->state = s->state;
	out->enable = s->enable;
	strscpy(out->bdf, s->bdf, sizeof(out->bdf));
	out->vendor = s->pdev->vendor;
	out->device = s->pdev->device;
	out->group = s->group;
	strscpy(out->driver, s->driver, sizeof(out->driver));
}

/* --- ioctls ----------------------------------------------------------- */

static long ioc_slot_add(unsigned long arg)
{
	struct lpar_slot sl;
	char bdf[LPAR_SLOT_NAME_LEN];
	long ret;

	ret = lpar_copy_in(&sl, sizeof(sl), sizeof(sl), arg);
	if (ret)
		return ret;
	if (sl.flags || sl.owner || sl.state || sl.enable || sl.vendor ||
	    sl.device || sl.group || sl.driver[0])
		return -EINVAL;
	if (!memchr(sl.bdf, 0, sizeof(sl.bdf)))
		return -EINVAL;
	strscpy(bdf, sl.bdf, sizeof(bdf));
	ret = lpar_slot_add(bdf, sl.slot, &sl);
	if (ret)
		return ret;
	return lpar_copy_out(arg, &sl, sizeof(sl));
}

static long ioc_slot_info(unsigned long arg)
{
	struct lpar_pci_slot *s;
	struct lpar_slot sl;
	long ret;

	ret = lpar_copy_in(&sl, sizeof(sl), offsetofend(struct lpar_slot, slot),
			   arg);
	if (ret)
		return ret;
	if (sl.flags)
		return -EINVAL;
	mutex_lock(&slot_mutex);
	s = slot_find(sl.slot);
	if (s)
		slot_fill(s, &sl);
	mutex_unlock(&slot_mutex);
	if (!s)
		return -ENOENT;
	return lpar_copy_out(arg, &sl, sizeof(sl));
}

static long ioc_slot_cmd(unsigned int cmd, unsigned long arg)
{
	struct lpar_slot_cmd c;
	long ret;

	ret = lpar_copy_in(&c, sizeof(c), sizeof(c), arg);
	if (ret)
		return ret;
	if ((cmd == LPAR_PCI_REM && (c.flags & ~LPAR_PCI_FORCE)) ||
	    (cmd != LPAR_PCI_REM && (c.flags || c.timeout_ms)) ||
	    (cmd != LPAR_SLOT_ENABLE && c.value) ||
	    (cmd == LPAR_SLOT_REMOVE && c.id))
		return -EINVAL;
	switch (cmd) {
	case LPAR_SLOT_REMOVE:
		return lpar_slot_remove(c.slot);
	case LPAR_PCI_ADD:
		return lpar_pci_add(c.slot, c.id);
	case LPAR_PCI_REM:
		return lpar_pci_rem(c.slot, c.id, c.flags, c.timeout_ms);
	default:
		return lpar_pci_enable(c.slot, c.id, c.value);
	}
}

/**
 * lpar_pci_ioctl() - the slot commands of /dev/lpar.
 * @cmd: LPAR_SLOT_* or LPAR_PCI_*.
 * @arg: user pointer to the command's struct.
 *
 * Context: the caller checked CAP_SYS_ADMIN for all but LPAR_SLOT_INFO.
 * Return: 0 or a negative errno.
 */
long lpar_pci_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LPAR_SLOT_ADD:
		return ioc_slot_add(arg);
	case LPAR_SLOT_INFO:
		return ioc_slot_info(arg);
	case LPAR_SLOT_REMOVE:
	case LPAR_PCI_ADD:
	case LPAR_PCI_REM:
	case LPAR_SLOT_ENABLE:
		return ioc_slot_cmd(cmd, arg);
	default:
		return -ENOTTY;
	}
}

/* --- sysfs: /sys/kernel/lpar/slots ------------------------------------ */

struct slot_attribute {
	struct attribute attr;
	ssize_t (*show)(struct lpar_pci_slot *s, char *buf);
	ssize_t (*store)(struct lpar_pci_slot *s, const char *buf, size_t len);
};

#define to_slot(k) container_of(k, struct lpar_pci_slot, kobj)

static ssize_t bdf_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "%s\n", s->bdf);
}

static ssize_t vendor_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", s->pdev->vendor);
}

static ssize_t device_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", s->pdev->device);
}

static ssize_t group_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "%d\n", s->group);
}

static ssize_t driver_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "%s\n", s->driver);
}

static ssize_t owner_show(struct lpar_pci_slot *s, char *buf)
{
	ssize_t ret;

	mutex_lock(&slot_mutex);
	if (s->owner)
		ret = sysfs_emit(buf, "%u\n", s->owner->def.id);
	else
		ret = sysfs_emit(buf, "none\n");
	mutex_unlock(&slot_mutex);
	return ret;
}

static ssize_t state_show(struct lpar_pci_slot *s, char *buf)
{
	ssize_t ret;

	mutex_lock(&slot_mutex);
	ret = sysfs_emit(buf, "%s\n", slot_state_names[s->state]);
	mutex_unlock(&slot_mutex);
	return ret;
}

static ssize_t enable_show(struct lpar_pci_slot *s, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(s->enable));
}

static int slot_owner_id(struct lpar_pci_slot *s, u32 *id)
{
	int ret = 0;

	mutex_lock(&slot_mutex);
	if (s->removed)
		ret = -ENODEV;
	else if (!s->owner)
		ret = -EINVAL;
	else
		*id = s->owner->def.id;
	mutex_unlock(&slot_mutex);
	return ret;
}

static ssize_t enable_store(struct lpar_pci_slot *s, const char *buf,
			    size_t len)
{
	unsigned int v;
	u32 id;
	int ret;

	ret = kstrtouint(buf, 0, &v);
	if (ret)
		return ret;
	ret = slot_owner_id(s, &id);
	if (!ret)
		ret = lpar_pci_enable(s->nr, id, v);
	return ret ? ret : len;
}

static ssize_t pci_add_store(struct lpar_pci_slot *s, const char *buf,
			     size_t len)
{
	unsigned int id;
	int ret;

	ret = kstrtouint(buf, 0, &id);
	if (ret)
		return ret;
	ret = READ_ONCE(s->removed) ? -ENODEV : lpar_pci_add(s->nr, id);
	return ret ? ret : len;
}

/* "ID" or "ID force" */
static ssize_t pci_rem_store(struct lpar_pci_slot *s, const char *buf,
			     size_t len)
{
	char word[8] = "";
	unsigned int id;
	u32 flags = 0;
	int n;
	int ret;

	n = sscanf(buf, "%u %7s", &id, word);
	if (n < 1)
		return -EINVAL;
	if (n == 2) {
		if (strcmp(word, "force"))
			return -EINVAL;
		flags = LPAR_PCI_FORCE;
	}
	ret = READ_ONCE(s->removed) ? -ENODEV :
	      lpar_pci_rem(s->nr, id, flags, 0);
	return ret ? ret : len;
}

#define SLOT_ATTR_RO(_name) \
	static struct slot_attribute slot_attr_##_name = __ATTR_RO(_name)
#define SLOT_ATTR_WO(_name) \
	static struct slot_attribute slot_attr_##_name = __ATTR_WO(_name)

SLOT_ATTR_RO(bdf);
SLOT_ATTR_RO(vendor);
SLOT_ATTR_RO(device);
SLOT_ATTR_RO(group);
SLOT_ATTR_RO(driver);
SLOT_ATTR_RO(owner);
SLOT_ATTR_RO(state);
static struct slot_attribute slot_attr_enable = __ATTR_RW(enable);
SLOT_ATTR_WO(pci_add);
SLOT_ATTR_WO(pci_rem);

static struct attribute *slot_attrs[] = {
	&slot_attr_bdf.attr,
	&slot_attr_vendor.attr,
	&slot_attr_device.attr,
	&slot_attr_group.attr,
	&slot_attr_driver.attr,
	&slot_attr_owner.attr,
	&slot_attr_state.attr,
	&slot_attr_enable.attr,
	&slot_attr_pci_add.attr,
	&slot_attr_pci_rem.attr,
	NULL,
};
ATTRIBUTE_GROUPS(slot);

static ssize_t slot_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct slot_attribute *a = container_of(attr, struct slot_attribute,
						attr);

	return a->show ? a->show(to_slot(kobj), buf) : -EIO;
}

static ssize_t slot_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t len)
{
	struct slot_attribute *a = container_of(attr, struct slot_attribute,
						attr);

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return a->store ? a->store(to_slot(kobj), buf, len) : -EIO;
}

static const struct sysfs_ops slot_sysfs_ops = {
	.show = slot_attr_show,
	.store = slot_attr_store,
};

static const struct kobj_type slot_ktype = {
	.release = slot_release,
	.sysfs_ops = &slot_sysfs_ops,
	.default_groups = slot_groups,
};

/* /sys/kernel/lpar/slots/add: "BDF" or "BDF SLOT" */
static ssize_t add_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t len)
{
	char bdf[LPAR_SLOT_NAME_LEN + 1];
	struct lpar_slot out;
	unsigned int nr = 0;
	int n, ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	n = sscanf(buf, "%16s %u", bdf, &nr);
	if (n < 1 || strlen(bdf) >= LPAR_SLOT_NAME_LEN)
		return -EINVAL;
	ret = lpar_slot_add(bdf, nr, &out);
	return ret ? ret : len;
}

/* /sys/kernel/lpar/slots/remove: "SLOT" */
static ssize_t remove_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t len)
{
	unsigned int nr;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtouint(buf, 0, &nr);
	if (ret)
		return ret;
	ret = lpar_slot_remove(nr);
	return ret ? ret : len;
}

static struct kobj_attribute add_attr = __ATTR_WO(add);
static struct kobj_attribute remove_attr = __ATTR_WO(remove);

static struct attribute *slots_attrs[] = {
	&add_attr.attr,
	&remove_attr.attr,
	NULL,
};

static const struct attribute_group slots_group = {
	.attrs = slots_attrs,
};

/* --- init / exit ------------------------------------------------------- */

/**
 * lpar_pci_init() - the slot table and /sys/kernel/lpar/slots.
 *
 * Return: 0 or a negative errno.
 */
int lpar_pci_init(void)
{
	int ret;

	lpar_pci_wq = alloc_workqueue("lpar_pci", WQ_UNBOUND, 0);
	if (!lpar_pci_wq)
		return -ENOMEM;
	slots_kobj = kobject_create_and_add("slots", lpar_sysfs_root());
	if (!slots_kobj) {
		ret = -ENOMEM;
		goto err_wq;
	}
	ret = sysfs_create_group(slots_kobj, &slots_group);
	if (ret)
		goto err_kobj;
	return 0;

err_kobj:
	kobject_put(slots_kobj);
err_wq:
	destroy_workqueue(lpar_pci_wq);
	return ret;
}

/**
 * lpar_pci_exit() - give every slot back to the host.
 *
 * No runner is left (each held the module); the work items that take
 * slots back from runners that went away are finished first.
 */
void lpar_pci_exit(void)
{
	unsigned int nr;

	destroy_workqueue(lpar_pci_wq);
	for (nr = 1; nr < LPAR_MAX_SLOTS; nr++) {
		struct lpar_pci_slot *s;

		mutex_lock(&slot_mutex);
		s = slots[nr];
		slots[nr] = NULL;
		if (s) {
			s->removed = true;
			if (s->owner) {
				pr_warn("slot %u (%s): still owned by partition %u at unload\n",
					nr, s->bdf, s->owner->def.id);
				if (s->attached)
					group_unset(s);
				slot_free_owner(s);
			}
		}
		mutex_unlock(&slot_mutex);
		if (s)
			slot_destroy(s);
	}
	kobject_put(slots_kobj);
}
