// SPDX-License-Identifier: GPL-2.0
/*
 * lpar_olp_example - the patch module of the example and test patches.
 *
 * Replacement functions for lpar.ko, registered with lpar_olp_register().
 * A replacement has the prototype of the function it replaces and may use
 * kernel exports and lpar's structures (lpar/lpar.h), but no function of
 * lpar.ko that is not exported: what it needs of those it carries itself.
 *
 *   sc_level2.spec  lpar_sc_info() answers code level 2; a DATA entry
 *                   sets attach_timeout_ms to 12345.
 *   busy.spec       runner_wait(), where every runner sleeps: the stack
 *                   check cannot pass while partitions run.
 *   bench10.spec    ten functions replaced by faithful copies (the stop
 *                   window benchmark).
 *   freeze.spec     lpar_relocate_ioctl(): storage moves, resizes and
 *                   configuration tables are refused with EBUSY while the
 *                   patch is applied (a storage freeze; the selftest of
 *                   the stack check's entry accounting).
 */
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "lpar.h"
#include "olp.h"

/* sc_level2: the service call now answers code level 2. */
static u16 new_sc_info_level2(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	sccb->args[0] = p->def.id;
	sccb->args[1] = p->size;
	sccb->args[2] = p->def.vcpus;
	sccb->args[3] = LPAR_SC_LEVEL + 1;
	return LPAR_SCCB_OK;
}

/* Faithful copies (bench10, busy). */
static u16 new_sc_info(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	sccb->args[0] = p->def.id;
	sccb->args[1] = p->size;
	sccb->args[2] = p->def.vcpus;
	sccb->args[3] = LPAR_SC_LEVEL;
	return LPAR_SCCB_OK;
}

static int new_copy_in(void *dst, size_t ksize, size_t minsz, unsigned long arg)
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

static int new_copy_out(unsigned long arg, const void *src, size_t ksize)
{
	size_t n = min_t(size_t, *(const u32 *)src, ksize);

	return copy_to_user((void __user *)arg, src, n) ? -EFAULT : 0;
}

static const char * const new_state_names[] = {
	[LPAR_STATE_UNDEFINED] = "undefined",
	[LPAR_STATE_DEACTIVATED] = "deactivated",
	[LPAR_STATE_ACTIVATING] = "activating",
	[LPAR_STATE_OPERATING] = "operating",
	[LPAR_STATE_STOPPED] = "stopped",
	[LPAR_STATE_DEACTIVATING] = "deactivating",
	[LPAR_STATE_FAILED] = "failed",
};

static const char *new_state_name(enum lpar_state state)
{
	if (state >= ARRAY_SIZE(new_state_names))
		return "unknown";
	return new_state_names[state];
}

static void new_console_put(struct lpar_partition *p, const char *s, size_t len)
{
	spin_lock(&p->lock);
	while (len--) {
		p->con[p->con_head % LPAR_CONSOLE_SIZE] = *s++;
		p->con_head++;
	}
	spin_unlock(&p->lock);
	wake_up_all(&p->wq);
}

static ssize_t new_console_copy(struct lpar_partition *p, u64 *pos, char *buf,
				size_t len, u64 *head)
{
	u64 start, n, i;

	spin_lock(&p->lock);
	*head = p->con_head;
	start = *pos;
	if (p->con_head > LPAR_CONSOLE_SIZE &&
	    start < p->con_head - LPAR_CONSOLE_SIZE)
		start = p->con_head - LPAR_CONSOLE_SIZE;
	if (start > p->con_head)
		start = p->con_head;
	n = min_t(u64, len, p->con_head - start);
	for (i = 0; i < n; i++)
		buf[i] = p->con[(start + i) % LPAR_CONSOLE_SIZE];
	spin_unlock(&p->lock);
	*pos = start + n;
	return n;
}

static void new_skeys_touch(struct lpar_pool_extent *ext, phys_addr_t pa,
			    bool write)
{
	u8 *key = &ext->keys[(pa - ext->start) >> PAGE_SHIFT];
	u8 set = LPAR_SKEY_R | (write ? LPAR_SKEY_C : 0);

	if ((READ_ONCE(*key) & set) != set)
		WRITE_ONCE(*key, READ_ONCE(*key) | set);
}

static void *new_storage_va(struct lpar_partition *p, u64 gpa)
{
	return p->ext->vaddr + (p->origin - p->ext->start) + gpa;
}

static void new_runner_order(struct lpar_partition *p, u32 order)
{
	spin_lock(&p->lock);
	p->order = order;
	p->order_seq++;
	spin_unlock(&p->lock);
	wake_up_all(&p->wq);
}

static void new_storage_put(struct lpar_partition *p)
{
	up_read(&p->mv_sem);
}

static bool new_order_ready(struct lpar_partition *p, u64 gen)
{
	bool ready;

	spin_lock(&p->lock);
	ready = p->order != LPAR_ORDER_NONE || gen != p->gen;
	spin_unlock(&p->lock);
	return ready;
}

static long new_runner_wait(struct lpar_partition *p, u64 gen,
			    unsigned long arg)
{
	struct lpar_order o;
	long ret;

	ret = new_copy_in(&o, sizeof(o), offsetofend(struct lpar_order, seq),
			  arg);
	if (ret)
		return ret;
	if (o.flags || o.timeout_ms > 1000)
		return -EINVAL;
	spin_lock(&p->lock);
	p->last_wait = jiffies;
	spin_unlock(&p->lock);
	ret = wait_event_interruptible_timeout(p->wq, new_order_ready(p, gen),
					       msecs_to_jiffies(o.timeout_ms));
	if (ret < 0)
		return ret;
	spin_lock(&p->lock);
	p->last_wait = jiffies;
	if (gen != p->gen) {
		o.order = LPAR_ORDER_EXIT;
	} else {
		o.order = p->order;
		if (p->order != LPAR_ORDER_EXIT)
			p->order = LPAR_ORDER_NONE;
	}
	o.seq = p->order_seq;
	o.size = p->resize_to;
	spin_unlock(&p->lock);
	return new_copy_out(arg, &o, sizeof(o));
}

/* freeze: the storage layout stays as it is while applied. */
static long new_relocate_frozen(unsigned int cmd, unsigned long arg)
{
	return -EBUSY;
}

#define OLP_FUNC(f) { .name = #f, .addr = f }

static const struct lpar_olp_func example_funcs[] = {
	OLP_FUNC(new_sc_info_level2),
	OLP_FUNC(new_sc_info),
	OLP_FUNC(new_copy_in),
	OLP_FUNC(new_copy_out),
	OLP_FUNC(new_state_name),
	OLP_FUNC(new_console_put),
	OLP_FUNC(new_console_copy),
	OLP_FUNC(new_skeys_touch),
	OLP_FUNC(new_storage_va),
	OLP_FUNC(new_runner_order),
	OLP_FUNC(new_storage_put),
	OLP_FUNC(new_runner_wait),
	OLP_FUNC(new_relocate_frozen),
};

static struct lpar_olp_table example_table = {
	.owner = THIS_MODULE,
	.funcs = example_funcs,
	.nr = ARRAY_SIZE(example_funcs),
};

static int __init example_init(void)
{
	return lpar_olp_register(&example_table);
}

static void __exit example_exit(void)
{
	lpar_olp_unregister(&example_table);
}

module_init(example_init);
module_exit(example_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lpar OLP example and test patches");
