// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - logical partitioning for Linux: partitions, states, /dev/lpar.
 *
 * Locking, outermost first:
 *  - lpar_partition.op_mutex serializes the long commands on one partition
 *    (act, deact, stop, resume, add_pci, rem_pci), which wait for the
 *    runner without holding anything else;
 *  - the slot table's slot_mutex (pci_assign.c);
 *  - lpar_mutex protects the partition table, every definition and state,
 *    and the pool's ownership map (derived from the partitions' storage);
 *  - lpar_partition.lock (a spinlock) protects what the runner's fast paths
 *    touch: orders, counters, console ring, placement seen by the fault
 *    handler.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/preempt.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "lpar.h"

/* The partition table, definitions, states and pool ownership. */
DEFINE_MUTEX(lpar_mutex);
struct lpar_partition *lpar_parts[LPAR_MAX_PARTITIONS];

static char *boot_pool;
module_param(boot_pool, charp, 0444);
MODULE_PARM_DESC(boot_pool, "SIZE@ADDR of a memmap=SIZE$ADDR reservation to use as main storage");
static char *host_pool;
module_param(host_pool, charp, 0444);
MODULE_PARM_DESC(host_pool, "SIZE of main storage to take from the running host");
static char *increment = "2M";
module_param(increment, charp, 0444);
MODULE_PARM_DESC(increment, "Storage increment (power of two, >= 2M)");
static unsigned int attach_timeout_ms = 20000;
module_param_cb(attach_timeout_ms, &lpar_param_ops_uint, &attach_timeout_ms, 0644);
MODULE_PARM_DESC(attach_timeout_ms, "How long act waits for the runner to start the partition");
unsigned int lpar_deact_timeout_ms = 5000;
module_param_cb(deact_timeout_ms, &lpar_param_ops_uint, &lpar_deact_timeout_ms, 0644);
MODULE_PARM_DESC(deact_timeout_ms, "Graceful deact period before the runner is killed");
unsigned int lpar_watchdog_ms = 5000;
module_param_cb(watchdog_ms, &lpar_param_ops_uint, &lpar_watchdog_ms, 0644);
MODULE_PARM_DESC(watchdog_ms, "A runner silent this long is not answering");

static const char * const state_names[] = {
	[LPAR_STATE_UNDEFINED] = "undefined",
	[LPAR_STATE_DEACTIVATED] = "deactivated",
	[LPAR_STATE_ACTIVATING] = "activating",
	[LPAR_STATE_OPERATING] = "operating",
	[LPAR_STATE_STOPPED] = "stopped",
	[LPAR_STATE_DEACTIVATING] = "deactivating",
	[LPAR_STATE_FAILED] = "failed",
};

/**
 * lpar_state_name() - the sysfs and uevent word for a state.
 * @state: enum lpar_state.
 *
 * Return: a static string.
 */
const char *lpar_state_name(enum lpar_state state)
{
	if (state >= ARRAY_SIZE(state_names))
		return "unknown";
	return state_names[state];
}

/**
 * lpar_set_state() - change state and tell user space.
 * @p: the partition.
 * @state: the new state.
 *
 * Context: lpar_mutex held.
 */
void lpar_set_state(struct lpar_partition *p, enum lpar_state state)
{
	lockdep_assert_held(&lpar_mutex);
	if (p->state == state)
		return;
	p->state = state;
	lpar_sysfs_uevent(p);
}

/**
 * lpar_fail() - put a partition in the failed state with a reason.
 * @p: the partition.
 * @fmt: printf-style reason.
 *
 * The storage stays owned until deact: it may be wanted for a dump or a
 * failover.
 *
 * Context: lpar_mutex held.
 */
void lpar_fail(struct lpar_partition *p, const char *fmt, ...)
{
	char msg[LPAR_REASON_LEN];
	va_list args;

	lockdep_assert_held(&lpar_mutex);
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	lpar_set_reason(p, "%s", msg);
	pr_warn("partition %u (%s) failed: %s\n", p->def.id, p->def.name, msg);
	lpar_set_state(p, LPAR_STATE_FAILED);
}

/**
 * lpar_set_reason() - record why a partition failed or a command failed.
 * @p: the partition.
 * @fmt: the reason, printf style.
 *
 * The one writer of @p->reason: formatted outside, copied under @p->lock,
 * so that it can be called with or without lpar_mutex.
 *
 * Context: process context; @p->lock not held.
 */
void lpar_set_reason(struct lpar_partition *p, const char *fmt, ...)
{
	char msg[LPAR_REASON_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	spin_lock(&p->lock);
	strscpy(p->reason, msg, LPAR_REASON_LEN);
	spin_unlock(&p->lock);
}

/**
 * lpar_clear_reason() - the last command succeeded: no reason.
 * @p: the partition.
 *
 * Context: process context; @p->lock not held.
 */
void lpar_clear_reason(struct lpar_partition *p)
{
	spin_lock(&p->lock);
	p->reason[0] = '\0';
	spin_unlock(&p->lock);
}

/**
 * lpar_get_reason() - copy the reason out, whole.
 * @p: the partition.
 * @buf: destination.
 * @len: its size.
 *
 * Context: process context; @p->lock not held.
 */
void lpar_get_reason(struct lpar_partition *p, char *buf, size_t len)
{
	spin_lock(&p->lock);
	strscpy(buf, p->reason, len);
	spin_unlock(&p->lock);
}

/**
 * lpar_cmd_error() - record why a command on a partition failed.
 * @p: the partition.
 * @err: the negative errno the command returns.
 * @fmt: the reason, printf style.
 *
 * One dmesg line naming the partition and the reason; the reason is also
 * kept for the partition's status.
 *
 * Context: process context; @p->lock not held.
 * Return: @err.
 */
int lpar_cmd_error(struct lpar_partition *p, int err, const char *fmt, ...)
{
	char msg[LPAR_REASON_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_info("partition %u (%s): %s (%d)\n", p->def.id, p->def.name, msg,
		err);
	lpar_set_reason(p, "%s", msg);
	return err;
}

/**
 * lpar_copy_in() - copy an extensible ioctl struct from user space.
 * @dst: kernel struct, @ksize bytes.
 * @ksize: size of the kernel's struct.
 * @minsz: the least argsz that carries every field the kernel needs.
 * @arg: user pointer; the struct starts with __u32 argsz.
 *
 * Bytes beyond @ksize that a newer user space passes must be zero.
 *
 * Return: 0, -EFAULT, -EINVAL (argsz too small) or -E2BIG (unknown
 * non-zero tail).
 */
int lpar_copy_in(void *dst, size_t ksize, size_t minsz, unsigned long arg)
{
	void __user *up = (void __user *)arg;
	u32 argsz;
	int ret;

	if (get_user(argsz, (u32 __user *)up))
		return -EFAULT;
	if (argsz < minsz || argsz > PAGE_SIZE)
		return -EINVAL;
	ret = copy_struct_from_user(dst, ksize, up, argsz);
	if (ret)
		return ret;
	*(u32 *)dst = argsz;
	return 0;
}

/**
 * lpar_copy_out() - copy an ioctl struct back, no more than argsz bytes.
 * @arg: user pointer.
 * @src: kernel struct; its first __u32 is the caller's argsz.
 * @ksize: size of the kernel's struct.
 *
 * Return: 0 or -EFAULT.
 */
int lpar_copy_out(unsigned long arg, const void *src, size_t ksize)
{
	size_t n = min_t(size_t, *(const u32 *)src, ksize);

	return copy_to_user((void __user *)arg, src, n) ? -EFAULT : 0;
}

/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
static bool name_char_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/*
 * A name is a sysfs value, a uevent variable and part of kernel log lines:
 * 1-31 of [A-Za-z0-9._-], starting with a letter or digit (so never ".",
 * "..", an option or a hidden file).
 */
static bool name_ok(const char *name)
{
	size_t i, len = strnlen(name, LPAR_NAME_LEN);

	if (!len || len == LPAR_NAME_LEN || !name_char_alnum(name[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!name_char_alnum(name[i]) && name[i] != '.' &&
		    name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

static struct lpar_partition *find_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < LPAR_MAX_PARTITIONS; i++)
		if (lpar_parts[i] && !strcmp(lpar_parts[i]->def.name, name))
			return lpar_parts[i];
	return NULL;
}

/* One dmesg line naming the partition and the reason; no state touched. */
static int def_reject(const struct lpar_def *d, int err, const char *fmt, ...)
	__printf(3, 4);
static int def_reject(const struct lpar_def *d, int err, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	/* The name is not checked yet: escaped, it stays on this line. */
	pr_info("define partition %u (%*pE): %pV (%d)\n", d->id,
		(int)strnlen(d->name, LPAR_NAME_LEN), d->name, &vaf, err);
	va_end(args);
	return err;
}

/*
 * Validate a whole definition.  Everything that can be checked without
 * the pool's current occupancy is checked here; overlap with running
 * partitions is act's business, as on PR/SM.
 */
static int def_validate(struct lpar_def *d)
{
	u64 inc = lpar_pool.increment, max_size = 0, isize;
	struct path path;
	unsigned int i;
	int ret;

	lockdep_assert_held(&lpar_mutex);
	if (d->flags & ~LPAR_DEF_FLAGS)
		return def_reject(d, -EINVAL, "unknown flags %#x", d->flags);
	for (i = 0; i < ARRAY_SIZE(d->reserved); i++)
		if (d->reserved[i])
			return def_reject(d, -EINVAL, "reserved fields must be 0");
	if (d->id >= LPAR_MAX_PARTITIONS)
		return def_reject(d, -EINVAL, "number must be below %u",
				  LPAR_MAX_PARTITIONS);
	if (!name_ok(d->name))
		return def_reject(d, -EINVAL,
				  "bad name: 1-31 of [A-Za-z0-9._-], starting with a letter or digit");
	if (lpar_parts[d->id])
		return def_reject(d, -EEXIST, "number %u is already defined",
				  d->id);
	if (find_name(d->name))
		return def_reject(d, -EEXIST, "name is already used by partition %u",
				  find_name(d->name)->def.id);
	if (!d->vcpus || d->vcpus > LPAR_MAX_VCPUS)
		return def_reject(d, -EINVAL, "%u vCPUs: must be 1..%u",
				  d->vcpus, LPAR_MAX_VCPUS);
	if (d->flags & LPAR_DEF_DEDICATED) {
		u64 online = 0;

		for (i = 0; i < min_t(unsigned int, nr_cpu_ids, 64); i++)
			if (cpu_online(i))
				online |= BIT_ULL(i);
		if (d->cpumask & ~online)
			return def_reject(d, -EINVAL, "CPUs %#llx are not online",
					  d->cpumask & ~online);
		if (hweight64(d->cpumask) < d->vcpus)
			return def_reject(d, -EINVAL,
					  "%u vCPUs need %u dedicated CPUs, cpumask has %u",
					  d->vcpus, d->vcpus,
					  (unsigned int)hweight64(d->cpumask));
		if (d->weight)
			return def_reject(d, -EINVAL, "weight is for shared placement");
	} else {
		if (d->cpumask)
			return def_reject(d, -EINVAL, "cpumask is for dedicated placement");
		if (!d->weight)
			d->weight = LPAR_WEIGHT_DEFAULT;
		if (d->weight > LPAR_WEIGHT_MAX)
			return def_reject(d, -EINVAL, "weight must be %u..%u",
					  LPAR_WEIGHT_MIN, LPAR_WEIGHT_MAX);
	}
	for (i = 0; i < lpar_pool.nr_ext; i++)
		max_size = max(max_size, lpar_pool.ext[i].size);
	if (!d->size || !IS_ALIGNED(d->size, inc))
		return def_reject(d, -EINVAL,
				  "size %llu is not a positive multiple of the %llu KiB increment",
				  d->size, inc >> 10);
	if (d->size > max_size)
		return def_reject(d, -ENOSPC,
				  "size %llu MiB exceeds the largest pool extent (%llu MiB)",
				  d->size >> 20, max_size >> 20);
	if (d->flags & LPAR_DEF_ORIGIN) {
		if (!IS_ALIGNED(d->origin, inc))
			return def_reject(d, -EINVAL,
					  "origin %#llx is not aligned to the increment",
					  d->origin);
		if (!lpar_pool_find(d->origin, d->size))
			return def_reject(d, -ERANGE,
					  "%#llx-%#llx is not inside one pool extent",
					  d->origin, d->origin + d->size - 1);
	} else if (d->origin) {
		return def_reject(d, -EINVAL, "origin given without LPAR_DEF_ORIGIN");
	}
	if (d->image_format != LPAR_IMAGE_FLAT64)
		return def_reject(d, -EINVAL, "unknown image format %u",
				  d->image_format);
	if (strnlen(d->image, LPAR_PATH_LEN) == LPAR_PATH_LEN ||
	    d->image[0] != '/')
		return def_reject(d, -EINVAL, "image path must be absolute");
	ret = kern_path(d->image, LOOKUP_FOLLOW, &path);
	if (ret)
		return def_reject(d, ret, "image %s not found", d->image);
	ret = d_is_reg(path.dentry) ? 0 : -EINVAL;
	isize = i_size_read(d_inode(path.dentry));
	path_put(&path);
	if (ret)
		return def_reject(d, ret, "image %s is not a file", d->image);
	if (!d->entry)
		d->entry = d->load_addr;
	if (d->load_addr < LPAR_BOOT_MIN_LOAD || d->load_addr >= d->size ||
	    !isize)
		return def_reject(d, -EINVAL,
				  "image of %llu bytes at %#llx does not fit storage above %#llx",
				  isize, d->load_addr, LPAR_BOOT_MIN_LOAD);
	/* act checks again: the file may change in between. */
	if (isize > d->size - d->load_addr)
		return def_reject(d, -EFBIG,
				  "image of %llu bytes is larger than the %llu bytes of storage above load_addr %#llx",
				  isize, d->size - d->load_addr, d->load_addr);
	if (d->entry < d->load_addr || d->entry >= d->load_addr + isize)
		return def_reject(d, -EINVAL, "entry %#llx is outside the image",
				  d->entry);
	return 0;
}

/**
 * lpar_part_release() - free a partition after its last kobject put.
 * @kobj: the partition's kobject.
 */
void lpar_part_release(struct kobject *kobj)
{
	struct lpar_partition *p = container_of(kobj, struct lpar_partition,
						kobj);

	if (p->inode)
		iput(p->inode);
	put_pid(p->launched);
	lpar_pci_part_free(p);
	vfree(p->con);
	kfree(p);
}

static int do_define(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_def d;
	int ret;

	ret = lpar_copy_in(&d, sizeof(d), sizeof(d), arg);
	if (ret)
		return ret;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->con = vzalloc(LPAR_CONSOLE_SIZE);
	if (!p->con) {
		kfree(p);
		return -ENOMEM;
	}
	mutex_init(&p->op_mutex);
	init_rwsem(&p->mv_sem);
	INIT_LIST_HEAD(&p->dma_users);
	spin_lock_init(&p->lock);
	init_waitqueue_head(&p->wq);
	INIT_DELAYED_WORK(&p->watchdog, lpar_watchdog_fn);
	ratelimit_state_init(&p->log_rs, LPAR_GUEST_LOG_INTERVAL,
			     LPAR_GUEST_LOG_BURST);
	/* guest_log() counts and reports what it drops, naming the partition. */
	ratelimit_set_flags(&p->log_rs, RATELIMIT_MSG_ON_RELEASE);
	lpar_pci_part_init(p);
	p->state = LPAR_STATE_DEACTIVATED;

	mutex_lock(&lpar_mutex);
	ret = def_validate(&d);
	if (ret)
		goto err_unlock;
	d.argsz = sizeof(d);
	p->def = d;
	p->size = d.size;
	ret = lpar_storage_inode(p);
	if (ret)
		goto err_unlock;
	ret = lpar_sysfs_add(p);	/* consumes p on failure */
	if (ret) {
		mutex_unlock(&lpar_mutex);
		return ret;
	}
	lpar_parts[d.id] = p;
	pr_info("partition %u (%s) defined: %llu MiB, %u vCPU(s), %s\n", d.id,
		d.name, d.size >> 20, d.vcpus, d.image);
	mutex_unlock(&lpar_mutex);
	return 0;

err_unlock:
	mutex_unlock(&lpar_mutex);
	lpar_part_release(&p->kobj);
	return ret;
}

/**
 * lpar_get_part() - look a partition up by number and hold it.
 * @id: partition number (any value; out of range finds nothing).
 *
 * Return: the partition with a kobject reference (kobject_put() it), or
 * NULL if the number is not defined.
 */
struct lpar_partition *lpar_get_part(u32 id)
{
	struct lpar_partition *p = NULL;

	if (id >= LPAR_MAX_PARTITIONS)
		return NULL;
	mutex_lock(&lpar_mutex);
	if (lpar_parts[id]) {
		p = lpar_parts[id];
		kobject_get(&p->kobj);
	}
	mutex_unlock(&lpar_mutex);
	return p;
}

static int do_undefine(struct lpar_partition *p)
{
	mutex_lock(&lpar_mutex);
	if (lpar_parts[p->def.id] != p) {
		mutex_unlock(&lpar_mutex);
		return -ENOENT;
	}
	if (p->state != LPAR_STATE_DEACTIVATED) {
		mutex_unlock(&lpar_mutex);
		return lpar_cmd_error(p, -EBUSY, "cannot undefine: partition is %s",
				      lpar_state_name(p->state));
	}
	lpar_parts[p->def.id] = NULL;
	/*
	 * Commands that looked @p up before this still hold it and check its
	 * state under lpar_mutex before they take anything: "undefined"
	 * fails them all (an act would otherwise reserve storage the pool
	 * no longer sees as owned).  No uevent: KOBJ_REMOVE says it.
	 */
	p->state = LPAR_STATE_UNDEFINED;
	mutex_unlock(&lpar_mutex);
	pr_info("partition %u (%s) undefined\n", p->def.id, p->def.name);
	/* Outside lpar_mutex: removal waits for sysfs readers that take it. */
	kobject_uevent(&p->kobj, KOBJ_REMOVE);
	kobject_del(&p->kobj);
	kobject_put(&p->kobj);
	return 0;
}

/* Give up the storage a partition owns, zeroed, and forget its runner. */
static void release_storage(struct lpar_partition *p)
{
	lockdep_assert_held(&p->op_mutex);
	if (!p->has_storage)
		return;
	lpar_storage_zap(p);
	lpar_pool_scrub(p->ext, p->origin, p->size, false);
	mutex_lock(&lpar_mutex);
	down_write(&p->mv_sem);
	p->has_storage = false;
	if (p->mv)
		lpar_move_release(p);
	up_write(&p->mv_sem);
	mutex_unlock(&lpar_mutex);
}

/* Dedicated CPUs may belong to one running partition at a time. */
static struct lpar_partition *cpu_owner(struct lpar_partition *p)
{
	unsigned int i;

	lockdep_assert_held(&lpar_mutex);
	if (!(p->def.flags & LPAR_DEF_DEDICATED))
		return NULL;
	for (i = 0; i < LPAR_MAX_PARTITIONS; i++) {
		struct lpar_partition *q = lpar_parts[i];

		if (q && q != p && q->state != LPAR_STATE_DEACTIVATED &&
		    (q->def.flags & LPAR_DEF_DEDICATED) &&
		    (q->def.cpumask & p->def.cpumask))
			return q;
	}
	return NULL;
}

static bool act_settled(struct lpar_partition *p)
{
	bool running;

	spin_lock(&p->lock);
	running = p->running;
	spin_unlock(&p->lock);
	return running || READ_ONCE(p->state) == LPAR_STATE_FAILED;
}

/*
 * Wait for the runner to report its vCPUs running.  A runner that dies
 * before attaching is noticed within a poll period, not at the timeout.
 */
static int act_wait(struct lpar_partition *p)
{
	unsigned long end = jiffies + msecs_to_jiffies(attach_timeout_ms);
	long left;

	/* Killable: attach_timeout_ms is the administrator's, maybe long. */
	for (;;) {
		bool attached;

		left = wait_event_killable_timeout(p->wq, act_settled(p),
						   HZ / 10);
		if (left)
			break;

		spin_lock(&p->lock);
		attached = p->attached;
		spin_unlock(&p->lock);
		if (!attached && !lpar_runner_launched_alive(p)) {
			lpar_set_reason(p,
					"runner exited before attaching (see its messages in the kernel log)");
			return -EIO;
		}
		if (time_after(jiffies, end)) {
			lpar_set_reason(p, "runner did not start the partition within %u ms",
					attach_timeout_ms);
			return -ETIMEDOUT;
		}
	}
	if (left < 0) {
		lpar_set_reason(p, "act interrupted by a fatal signal while the runner started");
		return -EINTR;
	}
	return 0;
}

/*
 * The image may have changed since define: refuse one that no longer fits
 * before any storage is taken.  lpar_storage_load() checks again on the
 * file it reads (it may still change in between).
 */
static int act_image_fits(struct lpar_partition *p)
{
	u64 room = p->def.size - p->def.load_addr;
	struct path path;
	loff_t isize;
	int ret;

	ret = kern_path(p->def.image, LOOKUP_FOLLOW, &path);
	if (ret) {
		lpar_set_reason(p, "image %s not found (%d)", p->def.image, ret);
		return ret;
	}
	isize = i_size_read(d_inode(path.dentry));
	path_put(&path);
	if (isize > room) {
		lpar_set_reason(p,
				"image %s is %lld bytes: larger than the storage's %llu bytes above load_addr %#llx",
				p->def.image, (long long)isize, room,
				p->def.load_addr);
		return -EFBIG;
	}
	return 0;
}

/* Reserve storage and enter activating; all or nothing. */
static int act_reserve(struct lpar_partition *p)
{
	struct lpar_partition *q;
	phys_addr_t origin;
	int ret;

	mutex_lock(&lpar_mutex);
	if (p->state == LPAR_STATE_UNDEFINED) {
		/* Undefined since the caller looked it up. */
		ret = -ENOENT;
		goto out;
	}
	if (p->state != LPAR_STATE_DEACTIVATED) {
		ret = -EBUSY;
		pr_info("partition %u (%s): cannot act: partition is %s\n",
			p->def.id, p->def.name, lpar_state_name(p->state));
		goto out;
	}
	ret = act_image_fits(p);
	if (ret)
		goto out_log;
	q = cpu_owner(p);
	if (q) {
		ret = -EBUSY;
		lpar_set_reason(p, "dedicated CPUs in use by partition %u (%s)",
				q->def.id, q->def.name);
		goto out_log;
	}
	if (p->def.flags & LPAR_DEF_ORIGIN) {
		origin = p->def.origin;
		q = lpar_pool_owner(origin, p->def.size, p);
		if (q) {
			ret = -EBUSY;
			lpar_set_reason(p, "storage %#llx-%#llx overlaps partition %u (%s)",
					(u64)origin, (u64)origin + p->def.size - 1,
					q->def.id, q->def.name);
			goto out_log;
		}
	} else {
		ret = lpar_pool_place(p->def.size, &origin);
		if (ret) {
			lpar_set_reason(p, "no free storage range of %llu MiB in the pool",
					p->def.size >> 20);
			goto out_log;
		}
	}
	down_write(&p->mv_sem);
	p->ext = lpar_pool_find(origin, p->def.size);
	p->origin = origin;
	p->size = p->def.size;
	p->has_storage = true;
	up_write(&p->mv_sem);
	spin_lock(&p->lock);
	p->gen++;
	p->token = get_random_u64();
	p->attached = false;
	p->running = false;
	p->order = LPAR_ORDER_NONE;
	p->acked_seq = p->order_seq;
	p->stats.first_insn_ns = 0;
	p->stats.sc_count = 0;
	p->stats.report_code = LPAR_REPORT_NONE;
	p->stats.report_value = 0;
	p->stats.heartbeats = 0;
	memset(p->stats.metric, 0, sizeof(p->stats.metric));
	p->gev.type = LPAR_GEV_NONE;
	p->gev.acked = p->gev.seq;
	p->t_act = ktime_get();
	spin_unlock(&p->lock);
	p->uart_lcr = 0;
	lpar_clear_reason(p);
	lpar_set_state(p, LPAR_STATE_ACTIVATING);
	ret = 0;
	goto out;
out_log:
	{
		char why[LPAR_REASON_LEN];

		lpar_get_reason(p, why, sizeof(why));
		pr_info("partition %u (%s): cannot act: %s (%d)\n", p->def.id,
			p->def.name, why, ret);
	}
out:
	mutex_unlock(&lpar_mutex);
	return ret;
}

/**
 * lpar_act() - activate a partition: storage, image, runner, run.
 * @p: the partition.
 *
 * Return: 0 once the partition is operating, or a negative errno with the
 * partition back in deactivated (nothing held) and @p->reason set.
 */
int lpar_act(struct lpar_partition *p)
{
	int ret;

	mutex_lock(&p->op_mutex);
	if (lpar_fault_inject & LPAR_FI_SLOW_ACT)
		msleep(LPAR_FI_SLOW_MS);
	ret = act_reserve(p);
	if (ret)
		goto out;
	lpar_gpe_reset(p);
	lpar_pool_scrub(p->ext, p->origin, p->size, true);
	lpar_pool_mark_dirty(p->ext, p->origin, p->size);
	ret = lpar_storage_load(p);
	if (ret)
		goto err;
	ret = lpar_runner_start(p);
	if (ret)
		goto err;
	ret = act_wait(p);
	if (ret)
		goto err;
	mutex_lock(&lpar_mutex);
	if (p->state != LPAR_STATE_ACTIVATING) {
		/* lpar_fail() already said why. */
		mutex_unlock(&lpar_mutex);
		ret = -EIO;
		goto err;
	}
	p->stats.activations++;
	p->stats.act_ns = ktime_to_ns(ktime_sub(ktime_get(), p->t_act));
	lpar_set_state(p, LPAR_STATE_OPERATING);
	mutex_unlock(&lpar_mutex);
	pr_info("partition %u (%s) operating: %llu MiB at %#llx, runner pid %d\n",
		p->def.id, p->def.name, p->size >> 20, (u64)p->origin,
		pid_nr(p->runner_pid));
	goto out;

err:
	{
		char why[LPAR_REASON_LEN];

		lpar_get_reason(p, why, sizeof(why));
		/* Out of activating: a late runner can no longer attach. */
		mutex_lock(&lpar_mutex);
		lpar_set_state(p, LPAR_STATE_DEACTIVATING);
		mutex_unlock(&lpar_mutex);
		if (lpar_runner_end(p, true, 0)) {
			/*
			 * Killed, or the runner hangs on to the partition:
			 * failed, storage kept until a deact ends it.
			 */
			mutex_lock(&lpar_mutex);
			lpar_fail(p,
				  "act failed (%s) and runner pid %d has not exited yet: deact to release the storage",
				  why, pid_nr(p->runner_pid));
			mutex_unlock(&lpar_mutex);
			goto out;
		}
		lpar_pci_part_end(p);
		release_storage(p);
		mutex_lock(&lpar_mutex);
		p->gen++;
		lpar_set_state(p, LPAR_STATE_DEACTIVATED);
		lpar_set_reason(p, "%s", why);
		mutex_unlock(&lpar_mutex);
		pr_info("partition %u (%s): act failed: %s (%d)\n", p->def.id,
			p->def.name, why, ret);
	}
out:
	mutex_unlock(&p->op_mutex);
	return ret;
}

/**
 * lpar_deact() - deactivate: end the runner, scrub and release storage.
 * @p: the partition.
 * @flags: LPAR_DEACT_FORCE to kill the runner at once.
 * @timeout_ms: graceful period (0: module default).
 *
 * Return: 0 once deactivated; -EINVAL if it was not active; -ETIMEDOUT if
 * the runner could not be ended (the partition is left failed).
 */
int lpar_deact(struct lpar_partition *p, u32 flags, u32 timeout_ms)
{
	enum lpar_state was;
	int ret;

	mutex_lock(&p->op_mutex);
	mutex_lock(&lpar_mutex);
	was = p->state;
	if (was != LPAR_STATE_OPERATING && was != LPAR_STATE_STOPPED &&
	    was != LPAR_STATE_FAILED) {
		mutex_unlock(&lpar_mutex);
		ret = lpar_cmd_error(p, -EINVAL, "cannot deact: partition is %s",
				     lpar_state_name(was));
		goto out;
	}
	lpar_set_state(p, LPAR_STATE_DEACTIVATING);
	mutex_unlock(&lpar_mutex);

	ret = lpar_runner_end(p, flags & LPAR_DEACT_FORCE,
			      timeout_ms ? timeout_ms : lpar_deact_timeout_ms);
	if (ret == -EINTR) {
		/*
		 * The caller was killed after the runner was told to exit
		 * (the guest's power button is pressed, it cannot be taken
		 * back): the runner is killed, and the partition is failed
		 * with its storage kept until a deact that completes.
		 */
		mutex_lock(&lpar_mutex);
		lpar_fail(p,
			  "deact interrupted by a fatal signal: runner pid %d killed, storage kept until deact",
			  pid_nr(p->runner_pid));
		mutex_unlock(&lpar_mutex);
		goto out;
	}
	if (ret) {
		mutex_lock(&lpar_mutex);
		lpar_fail(p, "runner pid %d did not exit after SIGKILL",
			  pid_nr(p->runner_pid));
		mutex_unlock(&lpar_mutex);
		goto out;
	}
	/* Devices first: none may DMA into storage given to someone else. */
	lpar_pci_part_end(p);
	release_storage(p);
	mutex_lock(&lpar_mutex);
	p->gen++;
	lpar_set_state(p, LPAR_STATE_DEACTIVATED);
	mutex_unlock(&lpar_mutex);
	pr_info("partition %u (%s) deactivated (was %s)\n", p->def.id,
		p->def.name, lpar_state_name(was));
out:
	mutex_unlock(&p->op_mutex);
	return ret;
}

static bool order_done(struct lpar_partition *p, u64 seq)
{
	bool done;

	spin_lock(&p->lock);
	done = p->acked_seq >= seq || !p->attached;
	spin_unlock(&p->lock);
	return done;
}

/* STOP and RESUME: give the order, wait for the runner to carry it out. */
static int stop_resume(struct lpar_partition *p, u32 order,
		       enum lpar_state from, enum lpar_state to)
{
	const char *what = order == LPAR_ORDER_STOP ? "stop" : "resume";
	long left;
	u64 seq;
	int ret = 0;

	mutex_lock(&p->op_mutex);
	mutex_lock(&lpar_mutex);
	if (p->state != from) {
		mutex_unlock(&lpar_mutex);
		ret = lpar_cmd_error(p, -EINVAL, "cannot %s: partition is %s", what,
				     lpar_state_name(p->state));
		goto out;
	}
	mutex_unlock(&lpar_mutex);
	lpar_runner_order(p, order);
	spin_lock(&p->lock);
	seq = p->order_seq;
	spin_unlock(&p->lock);
	left = wait_event_killable_timeout(p->wq, order_done(p, seq),
					   msecs_to_jiffies(lpar_watchdog_ms));
	if (!left) {
		mutex_lock(&lpar_mutex);
		lpar_fail(p, "runner did not carry out %s within %u ms", what,
			  lpar_watchdog_ms);
		mutex_unlock(&lpar_mutex);
		ret = -ETIMEDOUT;
		goto out;
	}
	/*
	 * Killed while the runner carries the order out: the order stands
	 * (the runner does not take it back), so the state follows it; a
	 * runner that never does is failed by the watchdog.
	 */
	if (left < 0)
		ret = -EINTR;
	mutex_lock(&lpar_mutex);
	if (p->state == from)
		lpar_set_state(p, to);
	else
		ret = -EIO;
	mutex_unlock(&lpar_mutex);
out:
	mutex_unlock(&p->op_mutex);
	return ret;
}

/**
 * lpar_stop() - hold all LIPs of an operating partition.
 * @p: the partition.
 *
 * Return: 0 or a negative errno.
 */
int lpar_stop(struct lpar_partition *p)
{
	return stop_resume(p, LPAR_ORDER_STOP, LPAR_STATE_OPERATING,
			   LPAR_STATE_STOPPED);
}

/**
 * lpar_resume() - let a stopped partition run again.
 * @p: the partition.
 *
 * Return: 0 or a negative errno.
 */
int lpar_resume(struct lpar_partition *p)
{
	return stop_resume(p, LPAR_ORDER_RESUME, LPAR_STATE_STOPPED,
			   LPAR_STATE_OPERATING);
}

static long do_cmd(unsigned int cmd, unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_cmd c;
	long ret;

	ret = lpar_copy_in(&c, sizeof(c), sizeof(c), arg);
	if (ret)
		return ret;
	if ((cmd == LPAR_DEACT && (c.flags & ~LPAR_DEACT_FORCE)) ||
	    (cmd != LPAR_DEACT && (c.flags || c.timeout_ms)))
		return -EINVAL;
	p = lpar_get_part(c.id);
	if (!p)
		return -ENOENT;
	switch (cmd) {
	case LPAR_UNDEFINE:
		ret = do_undefine(p);
		break;
	case LPAR_ACT:
		ret = lpar_act(p);
		break;
	case LPAR_DEACT:
		ret = lpar_deact(p, c.flags, c.timeout_ms);
		break;
	case LPAR_STOP:
		ret = lpar_stop(p);
		break;
	default:
		ret = lpar_resume(p);
		break;
	}
	kobject_put(&p->kobj);
	return ret;
}

static long do_get_def(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_def d;
	u32 argsz;
	long ret;

	ret = lpar_copy_in(&d, sizeof(d), offsetofend(struct lpar_def, id),
			   arg);
	if (ret)
		return ret;
	if (d.flags)
		return -EINVAL;
	argsz = d.argsz;
	p = lpar_get_part(d.id);
	if (!p)
		return -ENOENT;
	mutex_lock(&lpar_mutex);
	d = p->def;
	mutex_unlock(&lpar_mutex);
	kobject_put(&p->kobj);
	d.argsz = argsz;
	return lpar_copy_out(arg, &d, sizeof(d));
}

static long do_get_status(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_status s;
	u32 argsz;
	long ret;

	ret = lpar_copy_in(&s, sizeof(s), offsetofend(struct lpar_status, id),
			   arg);
	if (ret)
		return ret;
	if (s.flags)
		return -EINVAL;
	argsz = s.argsz;
	p = lpar_get_part(s.id);
	if (!p)
		return -ENOENT;
	memset(&s, 0, sizeof(s));
	s.argsz = argsz;
	mutex_lock(&lpar_mutex);
	s.id = p->def.id;
	s.state = p->state;
	s.origin = p->has_storage ? p->origin : 0;
	s.size = p->size;
	s.runner_pid = pid_nr(p->runner_pid);
	lpar_get_reason(p, s.reason, sizeof(s.reason));
	spin_lock(&p->lock);
	s.activations = p->stats.activations;
	s.act_ns = p->stats.act_ns;
	s.first_insn_ns = p->stats.first_insn_ns;
	s.sc_count = p->stats.sc_count;
	s.report_code = p->stats.report_code;
	s.report_value = p->stats.report_value;
	s.heartbeats = p->stats.heartbeats;
	s.console_bytes = p->con_head;
	s.mv_active = !!p->mv;
	s.mv_done = p->mv_done;
	s.mv_total = p->mv_total;
	s.mv_last = p->mv_last;
	memcpy(s.guest_metric, p->stats.metric, sizeof(s.guest_metric));
	spin_unlock(&p->lock);
	mutex_unlock(&lpar_mutex);
	kobject_put(&p->kobj);
	return lpar_copy_out(arg, &s, sizeof(s));
}

static long do_console(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_console c;
	char *buf;
	ssize_t n;
	long ret;

	ret = lpar_copy_in(&c, sizeof(c), sizeof(c), arg);
	if (ret)
		return ret;
	if (c.flags)
		return -EINVAL;
	c.len = min_t(u32, c.len, LPAR_CONSOLE_SIZE);
	p = lpar_get_part(c.id);
	if (!p)
		return -ENOENT;
	ret = -ENOMEM;
	buf = kvmalloc(max_t(u32, c.len, 1), GFP_KERNEL);
	if (!buf)
		goto out;
	n = lpar_console_copy(p, &c.pos, buf, c.len, &c.head);
	ret = -EFAULT;
	if (copy_to_user(u64_to_user_ptr(c.buf_ptr), buf, n))
		goto out_free;
	c.len = n;
	ret = lpar_copy_out(arg, &c, sizeof(c));
out_free:
	kvfree(buf);
out:
	kobject_put(&p->kobj);
	return ret;
}

static long do_pool_info(unsigned long arg)
{
	struct lpar_pool_info pi;
	struct lpar_extent e;
	unsigned int i;
	long ret;

	ret = lpar_copy_in(&pi, sizeof(pi), sizeof(pi), arg);
	if (ret)
		return ret;
	if (pi.flags || pi.pad)
		return -EINVAL;
	mutex_lock(&lpar_mutex);
	pi.increment = lpar_pool.increment;
	pi.total = lpar_pool.total;
	pi.free = lpar_pool_free_bytes(&pi.largest_free);
	pi.nr_extents = lpar_pool.nr_ext;
	pi.nr_extents_ret = 0;
	mutex_unlock(&lpar_mutex);
	/* The extents never change after load: no lock needed to copy them. */
	for (i = 0; pi.extents_ptr && i < lpar_pool.nr_ext &&
	     i < pi.nr_extents_max; i++) {
		memset(&e, 0, sizeof(e));
		e.start = lpar_pool.ext[i].start;
		e.size = lpar_pool.ext[i].size;
		e.flags = lpar_pool.ext[i].flags;
		if (copy_to_user(u64_to_user_ptr(pi.extents_ptr) + i * sizeof(e),
				 &e, sizeof(e)))
			return -EFAULT;
		pi.nr_extents_ret++;
	}
	return lpar_copy_out(arg, &pi, sizeof(pi));
}

static long do_version(unsigned long arg)
{
	struct lpar_version v;
	long ret;

	ret = lpar_copy_in(&v, sizeof(v), offsetofend(struct lpar_version, flags),
			   arg);
	if (ret)
		return ret;
	if (v.flags)
		return -EINVAL;
	v.api = LPAR_API_VERSION;
	v.max_partitions = LPAR_MAX_PARTITIONS;
	v.max_vcpus = LPAR_MAX_VCPUS;
	v.pad = 0;
	v.increment = lpar_pool.increment;
	return lpar_copy_out(arg, &v, sizeof(v));
}

static long do_attach(unsigned long arg)
{
	struct lpar_attach a;
	long ret;

	ret = lpar_copy_in(&a, sizeof(a), sizeof(a), arg);
	if (ret)
		return ret;
	if (a.flags || a.pad)
		return -EINVAL;
	return lpar_runner_attach(&a);
}

static long lpar_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LPAR_GET_VERSION:
		return do_version(arg);
	case LPAR_POOL_INFO:
		return do_pool_info(arg);
	case LPAR_GET_DEF:
		return do_get_def(arg);
	case LPAR_GET_STATUS:
		return do_get_status(arg);
	case LPAR_CONSOLE_READ:
		return do_console(arg);
	case LPAR_SLOT_INFO:
		return lpar_pci_ioctl(cmd, arg);
	case LPAR_OLP_STATUS:
		return lpar_olp_ioctl(cmd, arg);
	case LPAR_DEFINE:
	case LPAR_UNDEFINE:
	case LPAR_ACT:
	case LPAR_DEACT:
	case LPAR_STOP:
	case LPAR_RESUME:
	case LPAR_ATTACH:
	case LPAR_GET_SKEYS:
	case LPAR_SET_SKEYS:
	case LPAR_RESET_REF:
	case LPAR_MVSTOR:
	case LPAR_EXCHANGE:
	case LPAR_RESIZE:
	case LPAR_CONFIG_APPLY:
	case LPAR_SLOT_ADD:
	case LPAR_SLOT_REMOVE:
	case LPAR_PCI_ADD:
	case LPAR_PCI_REM:
	case LPAR_SLOT_ENABLE:
	case LPAR_OLP_LOAD:
	case LPAR_OLP_APPLY:
	case LPAR_OLP_REVERT:
	case LPAR_OLP_UNLOAD:
	case LPAR_OLP_CALIBRATE:
		break;
	default:
		return -ENOTTY;
	}
	/* Everything below changes the machine (keys are its state too). */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case LPAR_DEFINE:
		return do_define(arg);
	case LPAR_ATTACH:
		return do_attach(arg);
	case LPAR_GET_SKEYS:
	case LPAR_SET_SKEYS:
	case LPAR_RESET_REF:
		return lpar_skeys_ioctl(cmd, arg);
	case LPAR_MVSTOR:
	case LPAR_EXCHANGE:
	case LPAR_RESIZE:
	case LPAR_CONFIG_APPLY:
		return lpar_relocate_ioctl(cmd, arg);
	case LPAR_SLOT_ADD:
	case LPAR_SLOT_REMOVE:
	case LPAR_PCI_ADD:
	case LPAR_PCI_REM:
	case LPAR_SLOT_ENABLE:
		return lpar_pci_ioctl(cmd, arg);
	case LPAR_OLP_LOAD:
	case LPAR_OLP_APPLY:
	case LPAR_OLP_REVERT:
	case LPAR_OLP_UNLOAD:
	case LPAR_OLP_CALIBRATE:
		return lpar_olp_ioctl(cmd, arg);
	default:
		return do_cmd(cmd, arg);
	}
}

static const struct file_operations lpar_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lpar_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice lpar_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lpar",
	.fops = &lpar_fops,
	.mode = 0600,
};

static int __init lpar_init(void)
{
	unsigned long long inc;
	char *end;
	int ret;

	inc = memparse(increment, &end);
	if (*end || !is_power_of_2(inc) || inc < SZ_2M) {
		pr_err("increment=%s: must be a power of two of at least 2M\n",
		       increment);
		return -EINVAL;
	}
	ret = lpar_pool_init(boot_pool, host_pool, inc);
	if (ret)
		return ret;
	/*
	 * Every act creates a KVM VM and every deact destroys one; KVM flips
	 * the preempt-notifier static key (text_poke on __schedule, with all
	 * CPUs synchronised) whenever the first VM appears or the last goes.
	 * Hold the key while lpar is loaded, so partitions come and go
	 * without patching the scheduler.
	 */
	preempt_notifier_inc();
	ret = lpar_storage_init();
	if (ret)
		goto err_pool;
	ret = lpar_sysfs_init();
	if (ret)
		goto err_storage;
	ret = lpar_pci_init();
	if (ret)
		goto err_sysfs;
	ret = lpar_olp_init();
	if (ret)
		goto err_pci;
	ret = misc_register(&lpar_misc);
	if (ret)
		goto err_olp;
	pr_info("loaded: %llu MiB of main storage in %u extent(s), increment %llu KiB\n",
		lpar_pool.total >> 20, lpar_pool.nr_ext, inc >> 10);
	return 0;

err_olp:
	lpar_olp_exit();
err_pci:
	lpar_pci_exit();
err_sysfs:
	lpar_sysfs_exit();
err_storage:
	lpar_storage_exit();
err_pool:
	preempt_notifier_dec();
	lpar_pool_exit();
	return ret;
}

static void __exit lpar_exit(void)
{
	unsigned int i;

	misc_deregister(&lpar_misc);
	/* Slots back to their host drivers before the partitions go. */
	lpar_pci_exit();
	/*
	 * Every runner held /dev/lpar or a partition fd, so none is left;
	 * a failed partition may still own storage, which is scrubbed here.
	 */
	for (i = 0; i < LPAR_MAX_PARTITIONS; i++) {
		struct lpar_partition *p = lpar_parts[i];

		if (!p)
			continue;
		cancel_delayed_work_sync(&p->watchdog);
		mutex_lock(&p->op_mutex);
		release_storage(p);
		mutex_unlock(&p->op_mutex);
		lpar_parts[i] = NULL;
		kobject_del(&p->kobj);
		kobject_put(&p->kobj);
	}
	lpar_olp_exit();
	lpar_sysfs_exit();
	lpar_storage_exit();
	preempt_notifier_dec();
	lpar_pool_exit();
	pr_info("unloaded\n");
}

module_init(lpar_init);
module_exit(lpar_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(LPAR_VERSION);
MODULE_DESCRIPTION("Logical partitioning: partitions with physically placed storage on KVM");
MODULE_AUTHOR("The lpar developers");
