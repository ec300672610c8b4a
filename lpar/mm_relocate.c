// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - MVSTOR: moving a running partition's storage; exchange; resize;
 * configuration tables.
 *
 * A move is done chunk by chunk, the way mm/migrate.c moves a page:
 * mark the chunk busy, unmap it (unmap_mapping_range(): KVM's MMU
 * notifier drops the guest's NPT/EPT entries for it), copy the data and
 * the storage keys, then switch the chunk to its new frames.  A guest
 * access to the busy chunk faults into lpar_storage_fault() and waits for
 * that chunk only; every other chunk stays mapped, at its old or its new
 * frames.  Chunks are taken top-down when moving up and bottom-up when
 * moving down, so a move that overlaps its own old range never copies
 * over data not yet moved.
 *
 * A failed move leaves the partition on its old storage: nothing is
 * copied before the last check that can fail except SALE (re-pointing
 * DMA at the new frames), and a failed SALE is undone by moving back.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "lpar.h"

static unsigned int mv_chunk_kb = 256;

/* Validated here, so every move can rely on a usable default chunk. */
static int mv_chunk_set(const char *val, const struct kernel_param *kp)
{
	unsigned int kb;
	int ret = kstrtouint(val, 0, &kb);

	if (ret)
		return ret;
	if (!is_power_of_2(kb) || kb < PAGE_SIZE / 1024 || kb > SZ_2M / 1024)
		return -EINVAL;
	*(unsigned int *)kp->arg = kb;
	return 0;
}

static const struct kernel_param_ops mv_chunk_ops = {
	.set = mv_chunk_set,
	.get = param_get_uint,
};

module_param_cb(mv_chunk_kb, &lpar_param_ops_wrap,
		(&(struct lpar_param_wrap){ &mv_chunk_ops, &mv_chunk_kb }), 0644);
MODULE_PARM_DESC(mv_chunk_kb, "Default MVSTOR chunk in KiB (power of two, 4..2048)");

/* Fault injection for the selftests: see LPAR_FI_* in lpar.h. */
unsigned int lpar_fault_inject;
module_param_cb(fault_inject, &lpar_param_ops_uint, &lpar_fault_inject, 0644);
MODULE_PARM_DESC(fault_inject, "Test only: 1 = fail SALE, 2 = a busy device, 4 = slow quiesce, 8 = slow DMA check, 16 = slow act");

#define LPAR_QUIESCE_DEFAULT_MS	10000
#define LPAR_ACK_DEFAULT_MS	10000

/**
 * struct lpar_move - a move in flight.
 * @src: origin the storage is leaving.
 * @dst: origin it goes to.
 * @src_ext: extent of @src.
 * @dst_ext: extent of @dst.
 * @size: bytes.
 * @chunk: bytes per step, a power of two.
 * @nr: chunks.
 * @moved: bit per chunk: its data is at @dst.
 */
struct lpar_move {
	phys_addr_t src;
	phys_addr_t dst;
	struct lpar_pool_extent *src_ext;
	struct lpar_pool_extent *dst_ext;
	u64 size;
	u64 chunk;
	unsigned long nr;
	unsigned long *moved;
};

static void *ext_va(struct lpar_pool_extent *ext, phys_addr_t pa)
{
	return ext->vaddr + (pa - ext->start);
}

static u8 *ext_keys(struct lpar_pool_extent *ext, phys_addr_t pa)
{
	return ext->keys + ((pa - ext->start) >> PAGE_SHIFT);
}

/**
 * lpar_frame() - where a guest-physical byte is now.
 * @p: a partition that owns storage; @gpa below its size.
 * @gpa: guest-physical address.
 * @pa: host physical address (out).
 * @ext: its extent (out).
 *
 * Context: @p->mv_sem held for reading.
 * Return: 0, or -EAGAIN while the chunk holding @gpa is being copied
 * (drop mv_sem, lpar_wait_chunk(), try again).
 */
int lpar_frame(struct lpar_partition *p, u64 gpa, phys_addr_t *pa,
	       struct lpar_pool_extent **ext)
{
	struct lpar_move *mv = p->mv;

	lockdep_assert_held(&p->mv_sem);
	if (gpa >= p->busy_lo && gpa < p->busy_hi)
		return -EAGAIN;
	if (!mv || gpa >= mv->size) {
		*pa = p->origin + gpa;
		*ext = p->ext;
	} else if (test_bit(gpa >> ilog2(mv->chunk), mv->moved)) {
		*pa = mv->dst + gpa;
		*ext = mv->dst_ext;
	} else {
		*pa = mv->src + gpa;
		*ext = mv->src_ext;
	}
	return 0;
}

static bool chunk_free(struct lpar_partition *p, u64 gpa)
{
	return gpa < READ_ONCE(p->busy_lo) || gpa >= READ_ONCE(p->busy_hi);
}

/**
 * lpar_wait_chunk() - wait until the chunk holding @gpa is not being copied.
 * @p: the partition.
 * @gpa: guest-physical address.
 *
 * Context: no lpar lock held.
 */
void lpar_wait_chunk(struct lpar_partition *p, u64 gpa)
{
	wait_event(p->wq, chunk_free(p, gpa));
}

/**
 * lpar_storage_get() - map one guest page for the kernel, move-safe.
 * @p: the partition.
 * @gpa: guest-physical address; the access must not cross its page.
 *
 * Return: the kernel address of @gpa with @p->mv_sem held for reading
 * (release with lpar_storage_put()), or NULL if @gpa is not storage.
 */
void *lpar_storage_get(struct lpar_partition *p, u64 gpa)
{
	struct lpar_pool_extent *ext;
	phys_addr_t pa;

	for (;;) {
		down_read(&p->mv_sem);
		if (!p->has_storage || gpa >= p->size) {
			up_read(&p->mv_sem);
			return NULL;
		}
		if (!lpar_frame(p, gpa, &pa, &ext))
			return ext_va(ext, pa);
		up_read(&p->mv_sem);
		lpar_wait_chunk(p, gpa);
	}
}

/**
 * lpar_storage_put() - end an access started with lpar_storage_get().
 * @p: the partition.
 */
void lpar_storage_put(struct lpar_partition *p)
{
	up_read(&p->mv_sem);
}

/**
 * lpar_part_owns() - does @p own (or is it moving into) part of a range?
 * @p: a partition.
 * @start: host physical address.
 * @size: bytes.
 *
 * Context: lpar_mutex held.
 * Return: true if [@start, @start + @size) overlaps its storage or the
 * target of its move in flight.
 */
bool lpar_part_owns(const struct lpar_partition *p, phys_addr_t start, u64 size)
{
	struct lpar_range r[2];
	unsigned int i, n = lpar_part_ranges(p, r);

	for (i = 0; i < n; i++)
		if (r[i].start < start + size && start < r[i].start + r[i].size)
			return true;
	return false;
}

/**
 * lpar_part_ranges() - the ranges of main storage a partition holds.
 * @p: a partition.
 * @r: its storage and, during a move, the move's target (out).
 *
 * Context: lpar_mutex held.
 * Return: how many ranges were written (0, 1 or 2).
 */
unsigned int lpar_part_ranges(const struct lpar_partition *p,
			      struct lpar_range r[2])
{
	lockdep_assert_held(&lpar_mutex);
	if (!p->has_storage)
		return 0;
	r[0].start = p->origin;
	/* A range being grown into is reserved before it is zeroed. */
	r[0].size = max(p->size, p->grow_to);
	r[0].ext = p->ext;
	if (!p->mv)
		return 1;
	/*
	 * The move's other end: its target, or, while a failed move is
	 * undone (the move back ends at the origin), where the data comes
	 * back from.  Held from the check that claimed it to the end of the
	 * move, so no one else can be given it meanwhile.
	 */
	if (p->mv->dst != p->origin) {
		r[1].start = p->mv->dst;
		r[1].ext = p->mv->dst_ext;
	} else {
		r[1].start = p->mv->src;
		r[1].ext = p->mv->src_ext;
	}
	r[1].size = p->mv->size;
	return 2;
}

/* DMA: quiesce every device of the partition, or none. */
static int dma_quiesce(struct lpar_partition *p, unsigned int timeout_ms)
{
	struct lpar_dma_user *u, *v;
	char busy[LPAR_REASON_LEN] = "";
	int ret = 0;

	lockdep_assert_held(&p->op_mutex);
	if (lpar_fault_inject & LPAR_FI_SLOW_QUIESCE)
		msleep(LPAR_FI_SLOW_MS);
	list_for_each_entry(u, &p->dma_users, node) {
		int r = u->quiesce(u, timeout_ms);

		if (r) {
			strlcat(busy, busy[0] ? ", " : "", sizeof(busy));
			strlcat(busy, u->name, sizeof(busy));
			ret = r;
			/* Undo the ones already quiesced. */
			list_for_each_entry(v, &p->dma_users, node) {
				if (v == u)
					break;
				v->resume(v);
			}
			break;
		}
	}
	if (!ret && (lpar_fault_inject & LPAR_FI_BUSY)) {
		strscpy(busy, "fault-inject", sizeof(busy));
		ret = -EBUSY;
	}
	if (ret)
		lpar_set_reason(p, "devices still doing DMA after %u ms: %s", timeout_ms,
				busy);
	return ret;
}

static void dma_resume(struct lpar_partition *p)
{
	struct lpar_dma_user *u;

	lockdep_assert_held(&p->op_mutex);
	list_for_each_entry(u, &p->dma_users, node)
		u->resume(u);
}

/* SALE: tell the I/O side where the storage is now. */
static int dma_sale(struct lpar_partition *p, phys_addr_t origin)
{
	struct lpar_dma_user *u;
	int ret = 0;

	lockdep_assert_held(&p->op_mutex);
	list_for_each_entry(u, &p->dma_users, node) {
		ret = u->sale(u, origin);
		if (ret) {
			lpar_set_reason(p, "SALE failed for %s (%d)", u->name, ret);
			break;
		}
	}
	if (!ret && (lpar_fault_inject & LPAR_FI_SALE) && origin != p->origin) {
		lpar_set_reason(p, "%s", "SALE failed (fault injection)");
		ret = -EIO;
	}
	return ret;
}

/*
 * The runner maps the storage for its devices with IOVA = guest-physical
 * address, leaving out the x86 interrupt and MMIO hole below 4 GiB
 * (tools/runner/vfio.c); an IOVA in the hole may be unmapped.
 */
#define LPAR_DMA_HOLE_START	0xfec00000ULL
#define LPAR_DMA_HOLE_END	0x100000000ULL

/*
 * Read back through @u's IOMMU domain where every IOVA of @p's storage
 * goes: it must be the frame at @base.  Every page, not a sample: the
 * runner's mappings are made from a VM_PFNMAP mapping that the fault
 * handler fills page by page, so a single stale 4 KiB page is as
 * possible as a stale range, and a sample every 2 MiB would miss it.  A
 * lookup is a walk of the IOMMU page table: 16384 of them for 64 MiB
 * take a few milliseconds, under the quiesce the devices are in anyway.
 * Return: 0, or -EIO with @why naming the first IOVA that goes elsewhere.
 */
static int dma_check(struct lpar_partition *p, struct lpar_dma_user *u,
		     phys_addr_t base, char *why, size_t len)
{
	struct iommu_domain *dom;
	u64 gpa;

	lockdep_assert_held(&p->op_mutex);
	dom = iommu_get_domain_for_dev(u->dev);
	if (!dom) {
		snprintf(why, len, "%s has no IOMMU domain to check", u->name);
		return -EIO;
	}
	for (gpa = 0; gpa < p->size; gpa += PAGE_SIZE) {
		phys_addr_t pa = iommu_iova_to_phys(dom, gpa);

		if (pa == base + gpa)
			continue;
		if (!pa && gpa >= LPAR_DMA_HOLE_START && gpa < LPAR_DMA_HOLE_END)
			continue;
		snprintf(why, len, "IOVA %#llx of %s goes to %#llx, not %#llx",
			 gpa, u->name, (u64)pa, (u64)(base + gpa));
		return -EIO;
	}
	return 0;
}

/*
 * The DMA gatekeeper, after SALE.  SALE is the runner's (its VFIO
 * container holds the mappings), and isolation must not depend on the
 * runner doing it: check every device's mappings against the storage at
 * @base.  A device that fails is fenced (bus mastering off, taken back,
 * reset) and its partition failed with the reason.  The caller keeps the
 * frames the storage left out of the pool until this returns; if a device
 * could not be fenced, *@held says to keep them until deact.
 * Return: 0 when every device was verified, -EIO when one was fenced.
 */
static int dma_gate(struct lpar_partition *p, phys_addr_t base, bool *held)
{
	struct lpar_dma_user *u, *n;
	char why[LPAR_REASON_LEN];
	int ret = 0;

	lockdep_assert_held(&p->op_mutex);
	*held = false;
	if (list_empty(&p->dma_users))
		return 0;
	if (lpar_fault_inject & LPAR_FI_SLOW_CHECK)
		msleep(LPAR_FI_SLOW_MS);
	list_for_each_entry_safe(u, n, &p->dma_users, node) {
		if (!dma_check(p, u, base, why, sizeof(why)))
			continue;
		mutex_lock(&lpar_mutex);
		lpar_fail(p, "DMA not re-pointed after the move (SALE): %s; slot fenced",
			  why);
		mutex_unlock(&lpar_mutex);
		if (u->fence(u))
			*held = true;
		ret = -EIO;
	}
	return ret;
}

static struct lpar_move *move_alloc(struct lpar_partition *p, phys_addr_t dst,
				    u64 chunk)
{
	struct lpar_move *mv = kzalloc(sizeof(*mv), GFP_KERNEL);

	if (!mv)
		return NULL;
	mv->src = p->origin;
	mv->src_ext = p->ext;
	mv->dst = dst;
	mv->dst_ext = lpar_pool_find(dst, p->size);
	mv->size = p->size;
	mv->chunk = chunk;
	mv->nr = DIV_ROUND_UP(p->size, chunk);
	mv->moved = bitmap_zalloc(mv->nr, GFP_KERNEL);
	if (!mv->moved) {
		kfree(mv);
		return NULL;
	}
	return mv;
}

static void move_free(struct lpar_move *mv)
{
	if (mv)
		bitmap_free(mv->moved);
	kfree(mv);
}

/**
 * lpar_move_release() - forget a move left installed as storage goes.
 * @p: a partition releasing its storage.
 *
 * A move whose device could not be fenced stays installed, so that both
 * its ranges stay out of the pool; they go back with the partition's
 * storage (deact, after its slots were taken back).  The range the data
 * was copied to is marked dirty and is zeroed before anyone gets it.
 *
 * Context: lpar_mutex and @p->mv_sem (for writing) held.
 */
void lpar_move_release(struct lpar_partition *p)
{
	lockdep_assert_held(&lpar_mutex);
	lockdep_assert_held_write(&p->mv_sem);
	move_free(p->mv);
	p->mv = NULL;
}

static void set_busy(struct lpar_partition *p, u64 lo, u64 hi)
{
	down_write(&p->mv_sem);
	WRITE_ONCE(p->busy_lo, lo);
	WRITE_ONCE(p->busy_hi, hi);
	up_write(&p->mv_sem);
}

/* Take a chunk away from the guest: busy first, so no fault maps it again. */
static void chunk_hold(struct lpar_partition *p, u64 off, u64 len)
{
	set_busy(p, off, off + len);
	unmap_mapping_range(p->inode->i_mapping, off, len, 1);
}

static void chunk_release(struct lpar_partition *p, struct lpar_move *mv,
			  unsigned long c)
{
	down_write(&p->mv_sem);
	set_bit(c, mv->moved);
	WRITE_ONCE(p->busy_lo, 0);
	WRITE_ONCE(p->busy_hi, 0);
	up_write(&p->mv_sem);
	wake_up_all(&p->wq);
}

static void progress(struct lpar_partition *p, u64 done)
{
	spin_lock(&p->lock);
	p->mv_done = done;
	spin_unlock(&p->lock);
}

/* Copy every chunk of @mv in the order that is safe for overlap. */
static void move_copy(struct lpar_partition *p, struct lpar_move *mv,
		      struct lpar_move_result *res)
{
	bool down = mv->dst > mv->src && mv->src_ext == mv->dst_ext;
	unsigned long i;

	for (i = 0; i < mv->nr; i++) {
		unsigned long c = down ? mv->nr - 1 - i : i;
		u64 off = (u64)c * mv->chunk;
		u64 len = min(mv->chunk, mv->size - off);
		ktime_t t0 = ktime_get();
		u64 pause;

		chunk_hold(p, off, len);
		lpar_copy_frames(ext_va(mv->dst_ext, mv->dst + off),
				 ext_va(mv->src_ext, mv->src + off), len);
		memcpy(ext_keys(mv->dst_ext, mv->dst + off),
		       ext_keys(mv->src_ext, mv->src + off), len >> PAGE_SHIFT);
		chunk_release(p, mv, c);
		pause = ktime_to_ns(ktime_sub(ktime_get(), t0));
		res->max_pause_ns = max(res->max_pause_ns, pause);
		res->bytes += len;
		res->chunks++;
		progress(p, res->bytes);
		cond_resched();
	}
}

/*
 * Make @mv the partition's move in flight (or clear it).  From here on
 * the pool counts @mv's target as the partition's (lpar_part_ranges()).
 * Before any chunk is marked moved, lpar_frame() finds every byte at
 * the old origin, so the fault path is unchanged by an installed move
 * that has not started copying.
 */
static void move_set(struct lpar_partition *p, struct lpar_move *mv)
{
	lockdep_assert_held(&lpar_mutex);
	down_write(&p->mv_sem);
	p->mv = mv;
	up_write(&p->mv_sem);
	spin_lock(&p->lock);
	p->mv_done = 0;
	p->mv_total = mv ? mv->size : 0;
	spin_unlock(&p->lock);
}

static void move_install(struct lpar_partition *p, struct lpar_move *mv)
{
	mutex_lock(&lpar_mutex);
	move_set(p, mv);
	mutex_unlock(&lpar_mutex);
}

/* A reserved move that will not run: its target goes back to the pool. */
static void move_drop(struct lpar_partition *p, struct lpar_move *mv)
{
	move_install(p, NULL);
	move_free(mv);
}

/*
 * The storage is wholly at @mv->dst: make that the origin and forget the
 * move.  What the partition left behind stays marked dirty in the pool:
 * act, resize and unload scrub dirty increments before anyone else gets
 * them, so the move does not pay for zeroing.
 */
static void move_finish(struct lpar_partition *p, struct lpar_move *mv)
{
	mutex_lock(&lpar_mutex);
	down_write(&p->mv_sem);
	p->origin = mv->dst;
	p->ext = mv->dst_ext;
	p->mv = NULL;
	up_write(&p->mv_sem);
	if (p->def.flags & LPAR_DEF_ORIGIN)
		p->def.origin = mv->dst;
	mutex_unlock(&lpar_mutex);
}

static u64 chunk_bytes(u64 want)
{
	u64 c = want ? want : (u64)mv_chunk_kb << 10;

	if (!is_power_of_2(c) || c < PAGE_SIZE || c > lpar_pool.increment)
		return 0;
	return c;
}

/*
 * A move left installed because a device could not be fenced: its
 * storage is held as it is until deact.  lpar_mutex held.
 */
static bool held_check(struct lpar_partition *p)
{
	lockdep_assert_held(&lpar_mutex);
	if (!p->mv)
		return false;
	lpar_set_reason(p, "storage held until deact: a device could not be fenced after a move");
	return true;
}

/* Validate an MVSTOR target for @p; lpar_mutex held. */
static int mvstor_check(struct lpar_partition *p, phys_addr_t dst, u64 size)
{
	struct lpar_partition *q;

	lockdep_assert_held(&lpar_mutex);
	if (!IS_ALIGNED(dst, lpar_pool.increment)) {
		lpar_set_reason(p, "origin %#llx is not aligned to the increment",
				(u64)dst);
		return -EINVAL;
	}
	if (!lpar_pool_find(dst, size)) {
		lpar_set_reason(p, "%#llx-%#llx is not inside one pool extent", (u64)dst,
				(u64)dst + size - 1);
		return -ERANGE;
	}
	q = lpar_pool_owner(dst, size, p);
	if (q) {
		lpar_set_reason(p, "%#llx-%#llx overlaps partition %u (%s)", (u64)dst,
				(u64)dst + size - 1, q->def.id, q->def.name);
		return -EBUSY;
	}
	return 0;
}

/*
 * Claim @dst for a move of @p: check it and install the move in one
 * lpar_mutex section, before anything sleeps.  Checking, dropping the
 * lock for the quiesce (up to seconds) and claiming afterwards would let
 * an act, a move or a grow of another partition be given the same
 * frames in between.  Release with move_drop() if the move does not run.
 */
static int move_reserve(struct lpar_partition *p, phys_addr_t dst, u64 chunk,
			struct lpar_move **mvp)
{
	struct lpar_move *mv;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	lockdep_assert_held(&lpar_mutex);
	if (held_check(p))
		return -EBUSY;
	ret = mvstor_check(p, dst, p->size);
	if (ret)
		return ret;
	mv = move_alloc(p, dst, chunk);
	if (!mv) {
		lpar_set_reason(p, "no memory for the move's bookkeeping");
		return -ENOMEM;
	}
	move_set(p, mv);
	*mvp = mv;
	return 0;
}

/*
 * @mv is copied and SALE answered: switch to the new frames once the
 * gatekeeper has verified (or fenced) every device.  Until then the old
 * frames stay the partition's (@mv installed); if a device could not be
 * fenced, they stay so until deact (lpar_move_release()).
 * Return: 0, or -EIO when a device was fenced (the partition failed).
 */
static int move_settle(struct lpar_partition *p, struct lpar_move *mv)
{
	bool held;
	int ret = dma_gate(p, mv->dst, &held);

	if (held)
		return ret;
	move_finish(p, mv);
	move_free(mv);
	return ret;
}

/* The whole MVSTOR of one partition to the target @mv reserved. */
static int move_run(struct lpar_partition *p, struct lpar_move *mv,
		    u32 quiesce_ms, struct lpar_move_result *res)
{
	phys_addr_t dst = mv->dst;
	u64 chunk = mv->chunk;
	struct lpar_move *back;
	ktime_t t0 = ktime_get();
	int ret;

	lockdep_assert_held(&p->op_mutex);
	res->old_origin = p->origin;
	res->new_origin = p->origin;
	ret = dma_quiesce(p, quiesce_ms);
	if (ret) {
		move_drop(p, mv);
		goto out;
	}
	lpar_pool_mark_dirty(mv->dst_ext, dst, mv->size);
	move_copy(p, mv, res);
	ret = dma_sale(p, dst);
	if (!ret) {
		ret = move_settle(p, mv);
		res->new_origin = dst;
		if (!ret)
			lpar_clear_reason(p);
		dma_resume(p);
		goto out;
	}
	/* SALE failed: move back, so the partition ends where it was. */
	back = move_alloc(p, mv->src, chunk);
	if (back) {
		struct lpar_move_result undo = {};

		back->src = mv->dst;
		back->src_ext = mv->dst_ext;
		move_install(p, back);
		move_free(mv);
		move_copy(p, back, &undo);
		dma_sale(p, back->dst);
		move_settle(p, back);
	} else {
		/* Cannot undo: stay at the new place rather than lose data. */
		move_settle(p, mv);
		res->new_origin = dst;
	}
	dma_resume(p);
out:
	res->time_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	res->result = ret;
	spin_lock(&p->lock);
	p->mv_last = *res;
	spin_unlock(&p->lock);
	return ret;
}

static bool has_storage_state(struct lpar_partition *p)
{
	return p->state == LPAR_STATE_OPERATING ||
	       p->state == LPAR_STATE_STOPPED || p->state == LPAR_STATE_FAILED;
}

/* MVSTOR with op_mutex held. */
static int do_mvstor(struct lpar_partition *p, phys_addr_t dst, u64 chunk,
		     u32 quiesce_ms, struct lpar_move_result *res)
{
	struct lpar_move *mv;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	memset(res, 0, sizeof(*res));
	if (!chunk)
		chunk = chunk_bytes(0);
	mutex_lock(&lpar_mutex);
	if (p->state == LPAR_STATE_DEACTIVATED) {
		/* No storage to move: the definition's origin changes. */
		ret = mvstor_check(p, dst, p->def.size);
		if (!ret) {
			res->old_origin = p->def.origin;
			p->def.origin = dst;
			p->def.flags |= LPAR_DEF_ORIGIN;
			res->new_origin = dst;
		}
		res->result = ret;
		spin_lock(&p->lock);
		p->mv_last = *res;
		spin_unlock(&p->lock);
		mutex_unlock(&lpar_mutex);
		return ret;
	}
	if (!has_storage_state(p)) {
		lpar_set_reason(p, "cannot move storage: partition is %s",
				lpar_state_name(p->state));
		mutex_unlock(&lpar_mutex);
		return -EINVAL;
	}
	if (dst == p->origin) {
		ret = mvstor_check(p, dst, p->size);
		mutex_unlock(&lpar_mutex);
		res->old_origin = dst;
		res->new_origin = dst;
		return ret;
	}
	ret = move_reserve(p, dst, chunk, &mv);
	mutex_unlock(&lpar_mutex);
	if (ret)
		return ret;
	return move_run(p, mv, quiesce_ms, res);
}

/* MVSTOR as one step of a longer command: claim, then run. */
static int move_to(struct lpar_partition *p, phys_addr_t dst, u64 chunk,
		   struct lpar_move_result *res)
{
	struct lpar_move *mv;
	int ret;

	mutex_lock(&lpar_mutex);
	ret = move_reserve(p, dst, chunk, &mv);
	mutex_unlock(&lpar_mutex);
	if (ret)
		return ret;
	return move_run(p, mv, LPAR_QUIESCE_DEFAULT_MS, res);
}

/* Exchange of two equal-sized partitions: swap chunk by chunk. */
static int swap_run(struct lpar_partition *a, struct lpar_partition *b,
		    u64 chunk, struct lpar_move_result *ra,
		    struct lpar_move_result *rb)
{
	struct lpar_move *ma, *mb;
	ktime_t t0 = ktime_get();
	unsigned long c;
	bool held;
	void *tmp;
	int ret;

	ra->old_origin = a->origin;
	rb->old_origin = b->origin;
	ra->new_origin = a->origin;
	rb->new_origin = b->origin;
	ret = dma_quiesce(a, LPAR_QUIESCE_DEFAULT_MS);
	if (ret)
		goto out;
	ret = dma_quiesce(b, LPAR_QUIESCE_DEFAULT_MS);
	if (ret)
		goto out_a;
	ret = -ENOMEM;
	tmp = vmalloc(chunk);	/* page-aligned, for lpar_copy_frames() */
	ma = move_alloc(a, b->origin, chunk);
	mb = move_alloc(b, a->origin, chunk);
	if (!tmp || !ma || !mb)
		goto out_free;
	move_install(a, ma);
	move_install(b, mb);
	for (c = 0; c < ma->nr; c++) {
		u64 off = (u64)c * chunk, len = min(chunk, ma->size - off);
		void *va = ext_va(ma->src_ext, ma->src + off);
		void *vb = ext_va(mb->src_ext, mb->src + off);
		u8 *ka = ext_keys(ma->src_ext, ma->src + off);
		u8 *kb = ext_keys(mb->src_ext, mb->src + off);
		ktime_t t1 = ktime_get();
		u64 pause;

		chunk_hold(a, off, len);
		chunk_hold(b, off, len);
		lpar_copy_frames(tmp, va, len);
		lpar_copy_frames(va, vb, len);
		lpar_copy_frames(vb, tmp, len);
		memcpy(tmp, ka, len >> PAGE_SHIFT);
		memcpy(ka, kb, len >> PAGE_SHIFT);
		memcpy(kb, tmp, len >> PAGE_SHIFT);
		chunk_release(a, ma, c);
		chunk_release(b, mb, c);
		pause = ktime_to_ns(ktime_sub(ktime_get(), t1));
		ra->max_pause_ns = max(ra->max_pause_ns, pause);
		ra->bytes += len;
		ra->chunks++;
		progress(a, ra->bytes);
		progress(b, ra->bytes);
		cond_resched();
	}
	rb->max_pause_ns = ra->max_pause_ns;
	rb->bytes = ra->bytes;
	rb->chunks = ra->chunks;
	/* Both ranges stay owned by the pair throughout: no scrub needed. */
	mutex_lock(&lpar_mutex);
	down_write(&a->mv_sem);
	a->origin = ma->dst;
	a->mv = NULL;
	up_write(&a->mv_sem);
	down_write(&b->mv_sem);
	b->origin = mb->dst;
	b->mv = NULL;
	up_write(&b->mv_sem);
	if (a->def.flags & LPAR_DEF_ORIGIN)
		a->def.origin = a->origin;
	if (b->def.flags & LPAR_DEF_ORIGIN)
		b->def.origin = b->origin;
	mutex_unlock(&lpar_mutex);
	/*
	 * Equal sizes, non-overlapping: no undo copy.  The frames are
	 * already each other's, so nothing can be held back here; but no
	 * device resumes before the gatekeeper has checked it, and one still
	 * pointing at its old frames (the other partition's now) is fenced,
	 * its partition failed.  A SALE that failed but left the mappings
	 * right is no failure of the exchange.
	 */
	dma_sale(a, a->origin);
	ret = dma_gate(a, a->origin, &held);
	dma_sale(b, b->origin);
	ret = dma_gate(b, b->origin, &held) ?: ret;
	ra->new_origin = a->origin;
	rb->new_origin = b->origin;
out_free:
	move_free(ma);
	move_free(mb);
	vfree(tmp);
	dma_resume(b);
out_a:
	dma_resume(a);
out:
	ra->time_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	rb->time_ns = ra->time_ns;
	ra->result = ret;
	rb->result = ret;
	spin_lock(&a->lock);
	a->mv_last = *ra;
	spin_unlock(&a->lock);
	spin_lock(&b->lock);
	b->mv_last = *rb;
	spin_unlock(&b->lock);
	return ret;
}

/*
 * Exchange of adjacent partitions of different sizes: the lower one goes
 * to a free range, the upper one moves down, the lower one comes back on
 * top.  Each step is an MVSTOR; a failed step undoes the earlier ones.
 */
static int rotate_run(struct lpar_partition *lo, struct lpar_partition *hi,
		      u64 chunk, struct lpar_move_result *rlo,
		      struct lpar_move_result *rhi)
{
	phys_addr_t base = lo->origin, tmp;
	struct lpar_move_result r;
	struct lpar_move *mv;
	int ret;

	/*
	 * Each step claims its target when it checks it (move_reserve()):
	 * the range a step vacates is free meanwhile, and a step whose
	 * target someone else took fails (and the earlier ones are undone)
	 * instead of copying over that partition.
	 */
	mutex_lock(&lpar_mutex);
	ret = lpar_pool_place(lo->size, &tmp);
	if (ret)
		lpar_set_reason(lo, "exchange needs a free range of %llu MiB", lo->size >> 20);
	else
		ret = move_reserve(lo, tmp, chunk, &mv);
	mutex_unlock(&lpar_mutex);
	if (ret)
		return ret;
	ret = move_run(lo, mv, LPAR_QUIESCE_DEFAULT_MS, rlo);
	if (ret)
		return ret;
	ret = move_to(hi, base, chunk, rhi);
	if (ret) {
		move_to(lo, base, chunk, &r);
		return ret;
	}
	ret = move_to(lo, base + hi->size, chunk, &r);
	if (ret) {
		move_to(hi, base + lo->size, chunk, &r);
		move_to(lo, base, chunk, &r);
		return ret;
	}
	rlo->bytes += r.bytes;
	rlo->chunks += r.chunks;
	rlo->time_ns += r.time_ns;
	rlo->max_pause_ns = max(rlo->max_pause_ns, r.max_pause_ns);
	rlo->old_origin = base;
	rlo->new_origin = lo->origin;
	return 0;
}

static int do_exchange(struct lpar_partition *a, struct lpar_partition *b,
		       u64 chunk, struct lpar_move_result *ra,
		       struct lpar_move_result *rb)
{
	int ret = 0;

	memset(ra, 0, sizeof(*ra));
	memset(rb, 0, sizeof(*rb));
	mutex_lock(&lpar_mutex);
	if (!has_storage_state(a) || !has_storage_state(b)) {
		lpar_set_reason(a, "exchange needs two partitions that own storage");
		ret = -EINVAL;
	} else if (held_check(a) || held_check(b)) {
		if (b->mv) {
			char why[LPAR_REASON_LEN];

			lpar_get_reason(b, why, sizeof(why));
			lpar_set_reason(a, "%s", why);
		}
		ret = -EBUSY;
	} else if (a->size != b->size &&
		   a->origin + a->size != b->origin &&
		   b->origin + b->size != a->origin) {
		lpar_set_reason(a, "partitions of different sizes must be adjacent to exchange");
		ret = -EINVAL;
	}
	mutex_unlock(&lpar_mutex);
	if (ret)
		return ret;
	if (a->size == b->size)
		return swap_run(a, b, chunk, ra, rb);
	if (a->origin < b->origin)
		return rotate_run(a, b, chunk, ra, rb);
	return rotate_run(b, a, chunk, rb, ra);
}

/* Guest events (service call LPAR_SC_EVENT / LPAR_SC_ACK). */

static bool gev_acked(struct lpar_partition *p, u64 seq)
{
	bool done;

	spin_lock(&p->lock);
	done = p->gev.acked >= seq || !p->attached;
	spin_unlock(&p->lock);
	return done;
}

/**
 * lpar_guest_event() - tell the guest something and wait for its ACK.
 * @p: the partition.
 * @type: LPAR_GEV_*.
 * @size: the event's size argument.
 * @timeout_ms: how long the guest has.
 *
 * Return: 0 once acknowledged, -ETIMEDOUT, or -EIO if the runner went away.
 */
int lpar_guest_event(struct lpar_partition *p, u32 type, u64 size,
		     u32 timeout_ms)
{
	long left;
	u64 seq;
	int ret = 0;

	spin_lock(&p->lock);
	seq = ++p->gev.seq;
	p->gev.type = type;
	p->gev.size = size;
	spin_unlock(&p->lock);
	/* A guest with an SCI handler learns of it at once (_E02). */
	lpar_gpe_raise(p, LPAR_GPE_SERVICE);
	/* The guest may take all of timeout_ms: the caller stays killable. */
	left = wait_event_killable_timeout(p->wq, gev_acked(p, seq),
					   msecs_to_jiffies(timeout_ms));
	spin_lock(&p->lock);
	if (p->gev.acked < seq)
		ret = left < 0 ? -EINTR : left ? -EIO : -ETIMEDOUT;
	p->gev.type = LPAR_GEV_NONE;
	spin_unlock(&p->lock);
	return ret;
}

/**
 * lpar_runner_sync() - give the runner an order and wait for its ACK.
 * @p: the partition.
 * @order: LPAR_ORDER_RESIZE or LPAR_ORDER_PLACEMENT.
 * @size: for LPAR_ORDER_RESIZE, the size to map.
 *
 * Return: 0 (also when no runner is attached: nothing to tell),
 * -ETIMEDOUT or -EIO (the runner went away or answered LPAR_EVENT_NACK).
 */
int lpar_runner_sync(struct lpar_partition *p, u32 order, u64 size)
{
	int ret = lpar_runner_order_wait(p, order, size, 0, lpar_watchdog_ms);

	if (ret == -ENODEV)
		return 0;
	if (ret == -EREMOTEIO)
		return -EIO;
	return ret;
}

/* Change the size the fault path and the pool see; lpar_mutex held. */
static void set_size_locked(struct lpar_partition *p, u64 size)
{
	lockdep_assert_held(&lpar_mutex);
	down_write(&p->mv_sem);
	p->size = size;
	up_write(&p->mv_sem);
	p->def.size = size;
}

static void set_size(struct lpar_partition *p, u64 size)
{
	mutex_lock(&lpar_mutex);
	set_size_locked(p, size);
	mutex_unlock(&lpar_mutex);
}

static bool guest_can_ack(struct lpar_partition *p)
{
	return p->state == LPAR_STATE_OPERATING;
}

/* Grow into the free range right above, or shrink from the top. */
static int do_resize(struct lpar_partition *p, u64 size, u32 timeout_ms)
{
	u64 old;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	mutex_lock(&lpar_mutex);
	old = p->state == LPAR_STATE_DEACTIVATED ? p->def.size : p->size;
	ret = -EINVAL;
	if (!size || !IS_ALIGNED(size, lpar_pool.increment) ||
	    size <= p->def.load_addr) {
		lpar_set_reason(p, "size %llu is not a multiple of the increment above the image",
				size);
		goto out_unlock;
	}
	if (p->state == LPAR_STATE_DEACTIVATED) {
		/* Only the definition changes: validate it as define does. */
		u64 max_size = 0;
		unsigned int i;

		for (i = 0; i < lpar_pool.nr_ext; i++)
			max_size = max(max_size, lpar_pool.ext[i].size);
		if ((p->def.flags & LPAR_DEF_ORIGIN) &&
		    !lpar_pool_find(p->def.origin, size)) {
			ret = -ERANGE;
			lpar_set_reason(p, "%llu MiB at %#llx is not inside one pool extent",
					size >> 20, p->def.origin);
			goto out_unlock;
		}
		if (size > max_size) {
			ret = -ENOSPC;
			lpar_set_reason(p, "%llu MiB exceeds the largest pool extent",
					size >> 20);
			goto out_unlock;
		}
		p->def.size = size;
		p->size = size;
		ret = 0;
		goto out_unlock;
	}
	if (held_check(p)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!has_storage_state(p) || p->state == LPAR_STATE_STOPPED) {
		lpar_set_reason(p, "cannot resize: partition is %s%s",
				lpar_state_name(p->state),
				p->state == LPAR_STATE_STOPPED ?
				" (resume it: the guest must acknowledge)" : "");
		goto out_unlock;
	}
	if (size > old) {
		struct lpar_partition *q;

		if (!lpar_pool_find(p->origin, size)) {
			ret = -ERANGE;
			lpar_set_reason(p, "growing to %llu MiB leaves the pool extent",
					size >> 20);
			goto out_unlock;
		}
		q = lpar_pool_owner(p->origin + old, size - old, p);
		if (q) {
			ret = -EBUSY;
			lpar_set_reason(p, "storage above is owned by partition %u (%s)",
					q->def.id, q->def.name);
			goto out_unlock;
		}
		/*
		 * Reserve it in the section that checked it: the scrub and
		 * the runner's ACK below sleep, and the range must not be
		 * given to anyone else meanwhile.  The fault path does not
		 * see it (p->size) until it has been zeroed, so no guest or
		 * runner access can read what the last owner left there.
		 */
		p->grow_to = size;
	}
	mutex_unlock(&lpar_mutex);
	if (size == old)
		return 0;

	if (size > old) {
		/* Reserved: zero it, make it storage, map it, tell the guest. */
		lpar_pool_scrub(p->ext, p->origin + old, size - old, true);
		lpar_pool_mark_dirty(p->ext, p->origin + old, size - old);
		mutex_lock(&lpar_mutex);
		set_size_locked(p, size);
		p->grow_to = 0;
		mutex_unlock(&lpar_mutex);
		ret = lpar_runner_sync(p, LPAR_ORDER_RESIZE, size);
		if (!ret && guest_can_ack(p))
			ret = lpar_guest_event(p, LPAR_GEV_STORAGE, size,
					       timeout_ms);
		if (!ret)
			return 0;
		lpar_set_reason(p, "grow to %llu MiB not acknowledged%s", size >> 20,
				ret == -ETIMEDOUT ? " in time" : "");
		lpar_runner_sync(p, LPAR_ORDER_RESIZE, old);
		unmap_mapping_range(p->inode->i_mapping, old, size - old, 1);
		lpar_pool_scrub(p->ext, p->origin + old, size - old, false);
		set_size(p, old);
		return ret;
	}
	/* Shrink: the guest gives up the top first. */
	if (guest_can_ack(p)) {
		ret = lpar_guest_event(p, LPAR_GEV_STORAGE, size, timeout_ms);
		if (ret) {
			lpar_set_reason(p, "guest did not give up storage above %llu MiB%s",
					size >> 20,
					ret == -ETIMEDOUT ? " in time" : "");
			return ret;
		}
	}
	ret = lpar_runner_sync(p, LPAR_ORDER_RESIZE, size);
	if (ret) {
		lpar_set_reason(p, "runner did not remap its storage");
		if (guest_can_ack(p))
			lpar_guest_event(p, LPAR_GEV_STORAGE, old, timeout_ms);
		return ret;
	}
	unmap_mapping_range(p->inode->i_mapping, size, old - size, 1);
	lpar_pool_scrub(p->ext, p->origin + size, old - size, false);
	set_size(p, size);
	return 0;

out_unlock:
	mutex_unlock(&lpar_mutex);
	return ret;
}

/* Configuration tables (seed 004): a planned, undoable transaction. */

enum step_kind { STEP_RESIZE, STEP_MOVE, STEP_WEIGHT };

struct cfg_step {
	enum step_kind kind;
	struct lpar_partition *p;
	u64 before;
};

struct cfg_plan {
	struct lpar_config_entry *e;
	struct lpar_partition *part[LPAR_CONFIG_MAX_ENTRIES];
	u64 to_origin[LPAR_CONFIG_MAX_ENTRIES];
	struct cfg_step done[3 * LPAR_CONFIG_MAX_ENTRIES];
	unsigned int nr, nr_done;
};

static int cfg_undo_step(struct cfg_step *s, u32 timeout_ms)
{
	struct lpar_move_result r;

	switch (s->kind) {
	case STEP_RESIZE:
		return do_resize(s->p, s->before, timeout_ms);
	case STEP_MOVE:
		return do_mvstor(s->p, s->before, 0, LPAR_QUIESCE_DEFAULT_MS,
				 &r);
	default:
		mutex_lock(&lpar_mutex);
		s->p->def.weight = s->before;
		mutex_unlock(&lpar_mutex);
		return lpar_runner_sync(s->p, LPAR_ORDER_PLACEMENT, 0);
	}
}

/* Validate the final layout whole; lpar_mutex held. */
static int cfg_validate(struct cfg_plan *pl)
{
	unsigned int i, j, k;

	lockdep_assert_held(&lpar_mutex);
	for (i = 0; i < pl->nr; i++) {
		struct lpar_config_entry *e = &pl->e[i];
		struct lpar_partition *p;

		if (e->id >= LPAR_MAX_PARTITIONS || !lpar_parts[e->id])
			return -ENOENT;
		p = lpar_parts[e->id];
		for (k = 0; k < i; k++)
			if (pl->part[k] == p)
				return -EINVAL;
		if ((e->flags & ~LPAR_DEF_ORIGIN) || e->pad ||
		    !e->size || !IS_ALIGNED(e->size, lpar_pool.increment) ||
		    e->size <= p->def.load_addr || e->weight > LPAR_WEIGHT_MAX)
			return -EINVAL;
		if (!has_storage_state(p) || p->state != LPAR_STATE_OPERATING)
			return -EINVAL;
		pl->part[i] = p;
		pl->to_origin[i] = e->flags & LPAR_DEF_ORIGIN ? e->origin :
				   p->origin;
		if (!IS_ALIGNED(pl->to_origin[i], lpar_pool.increment) ||
		    !lpar_pool_find(pl->to_origin[i], e->size))
			return -ERANGE;
	}
	/* Final ranges must not overlap each other or anyone else's. */
	for (i = 0; i < pl->nr; i++) {
		u64 a = pl->to_origin[i], as = pl->e[i].size;

		for (j = 0; j < pl->nr; j++)
			if (j != i && pl->to_origin[j] < a + as &&
			    a < pl->to_origin[j] + pl->e[j].size)
				return -EBUSY;
		for (k = 0; k < LPAR_MAX_PARTITIONS; k++) {
			struct lpar_partition *q = lpar_parts[k];

			for (j = 0; j < pl->nr; j++)
				if (pl->part[j] == q)
					break;
			if (q && j == pl->nr && lpar_part_owns(q, a, as))
				return -EBUSY;
		}
	}
	return 0;
}

static int cfg_run(struct cfg_plan *pl, u32 timeout_ms)
{
	struct lpar_move_result r;
	unsigned int i, left;
	int ret = 0;

#define DONE(_k, _p, _b) (pl->done[pl->nr_done++] = \
			  (struct cfg_step){ .kind = _k, .p = _p, .before = _b })
	/* 1: shrinks, in place. */
	for (i = 0; i < pl->nr && !ret; i++) {
		struct lpar_partition *p = pl->part[i];

		if (pl->e[i].size < p->size) {
			u64 before = p->size;

			ret = do_resize(p, pl->e[i].size, timeout_ms);
			if (!ret)
				DONE(STEP_RESIZE, p, before);
		}
	}
	/* 2: moves, each once its target is free. */
	for (left = pl->nr; !ret && left;) {
		bool moved = false;

		left = 0;
		for (i = 0; i < pl->nr && !ret; i++) {
			struct lpar_partition *p = pl->part[i], *q;
			u64 before = p->origin;

			if (p->origin == pl->to_origin[i])
				continue;
			mutex_lock(&lpar_mutex);
			q = lpar_pool_owner(pl->to_origin[i], p->size, p);
			mutex_unlock(&lpar_mutex);
			if (q) {
				left++;
				continue;
			}
			ret = do_mvstor(p, pl->to_origin[i], 0,
					LPAR_QUIESCE_DEFAULT_MS, &r);
			if (!ret)
				DONE(STEP_MOVE, p, before);
			moved = true;
		}
		if (!ret && left && !moved)
			ret = -EDEADLK;	/* a cycle: use LPAR_EXCHANGE */
	}
	/* 3: grows, at the new places. */
	for (i = 0; i < pl->nr && !ret; i++) {
		struct lpar_partition *p = pl->part[i];

		if (pl->e[i].size > p->size) {
			u64 before = p->size;

			ret = do_resize(p, pl->e[i].size, timeout_ms);
			if (!ret)
				DONE(STEP_RESIZE, p, before);
		}
	}
	/* 4: CPU weights. */
	for (i = 0; i < pl->nr && !ret; i++) {
		struct lpar_partition *p = pl->part[i];
		u32 before = p->def.weight;

		if (!pl->e[i].weight || (p->def.flags & LPAR_DEF_DEDICATED) ||
		    pl->e[i].weight == before)
			continue;
		mutex_lock(&lpar_mutex);
		p->def.weight = pl->e[i].weight;
		mutex_unlock(&lpar_mutex);
		DONE(STEP_WEIGHT, p, before);
		ret = lpar_runner_sync(p, LPAR_ORDER_PLACEMENT, 0);
	}
#undef DONE
	if (!ret)
		return 0;
	pr_info("configuration change failed (%d) after %u steps: undoing\n",
		ret, pl->nr_done);
	for (i = pl->nr_done; i-- > 0;)
		if (cfg_undo_step(&pl->done[i], timeout_ms))
			pr_warn("partition %u (%s): undo of configuration step %u failed\n",
				pl->done[i].p->def.id, pl->done[i].p->def.name,
				i);
	return ret;
}

/* op_mutex of several partitions, in id order, or none: -EBUSY. */
static int lock_parts(struct lpar_partition **parts, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < LPAR_MAX_PARTITIONS; i++)
		for (j = 0; j < nr; j++)
			if (parts[j]->def.id == i &&
			    !mutex_trylock(&parts[j]->op_mutex))
				goto busy;
	return 0;
busy:
	while (i-- > 0)
		for (j = 0; j < nr; j++)
			if (parts[j]->def.id == i)
				mutex_unlock(&parts[j]->op_mutex);
	return -EBUSY;
}

static void unlock_parts(struct lpar_partition **parts, unsigned int nr)
{
	unsigned int j;

	for (j = 0; j < nr; j++)
		mutex_unlock(&parts[j]->op_mutex);
}

static int report(struct lpar_partition *p, int ret, const char *what)
{
	char why[LPAR_REASON_LEN];

	if (ret) {
		lpar_get_reason(p, why, sizeof(why));
		pr_info("partition %u (%s): %s failed: %s (%d)\n", p->def.id,
			p->def.name, what, why, ret);
	}
	return ret;
}

static long ioc_mvstor(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_mvstor m;
	u64 chunk;
	long ret;

	ret = lpar_copy_in(&m, sizeof(m), offsetofend(struct lpar_mvstor, chunk),
			   arg);
	if (ret)
		return ret;
	chunk = chunk_bytes(m.chunk);
	if (m.flags || !chunk)
		return -EINVAL;
	p = lpar_get_part(m.id);
	if (!p)
		return -ENOENT;
	ret = lock_parts(&p, 1);
	if (ret) {
		lpar_set_reason(p, "another command is in progress on the partition");
		report(p, ret, "MVSTOR");
		goto out;
	}
	ret = do_mvstor(p, m.origin, chunk,
			m.quiesce_ms ? m.quiesce_ms : LPAR_QUIESCE_DEFAULT_MS,
			&m.res);
	mutex_unlock(&p->op_mutex);
	report(p, ret, "MVSTOR");
	if (!ret)
		ret = lpar_copy_out(arg, &m, sizeof(m));
out:
	kobject_put(&p->kobj);
	return ret;
}

static long ioc_exchange(unsigned long arg)
{
	struct lpar_partition *pp[2] = {};
	struct lpar_exchange x;
	u64 chunk;
	long ret;

	ret = lpar_copy_in(&x, sizeof(x), offsetofend(struct lpar_exchange,
						      chunk), arg);
	if (ret)
		return ret;
	chunk = chunk_bytes(x.chunk);
	if (x.flags || !chunk || x.id == x.id2)
		return -EINVAL;
	pp[0] = lpar_get_part(x.id);
	pp[1] = lpar_get_part(x.id2);
	ret = -ENOENT;
	if (!pp[0] || !pp[1])
		goto out;
	ret = lock_parts(pp, 2);
	if (ret) {
		lpar_set_reason(pp[0], "another command is in progress on partition %u or %u",
				x.id, x.id2);
		report(pp[0], ret, "exchange");
		goto out;
	}
	ret = do_exchange(pp[0], pp[1], chunk, &x.res, &x.res2);
	unlock_parts(pp, 2);
	report(pp[0], ret, "exchange");
	if (!ret)
		ret = lpar_copy_out(arg, &x, sizeof(x));
out:
	if (pp[0])
		kobject_put(&pp[0]->kobj);
	if (pp[1])
		kobject_put(&pp[1]->kobj);
	return ret;
}

static long ioc_resize(unsigned long arg)
{
	struct lpar_partition *p;
	struct lpar_resize r;
	long ret;

	ret = lpar_copy_in(&r, sizeof(r), sizeof(r), arg);
	if (ret)
		return ret;
	if (r.flags)
		return -EINVAL;
	p = lpar_get_part(r.id);
	if (!p)
		return -ENOENT;
	ret = lock_parts(&p, 1);
	if (!ret) {
		ret = do_resize(p, r.size, r.timeout_ms ? r.timeout_ms :
				LPAR_ACK_DEFAULT_MS);
		mutex_unlock(&p->op_mutex);
	} else {
		lpar_set_reason(p, "another command is in progress on the partition");
	}
	report(p, ret, "resize");
	kobject_put(&p->kobj);
	return ret;
}

static long ioc_config(unsigned long arg)
{
	struct lpar_config c;
	struct cfg_plan *pl;
	unsigned int i;
	long ret;

	ret = lpar_copy_in(&c, sizeof(c), sizeof(c), arg);
	if (ret)
		return ret;
	if (c.flags || !c.nr || c.nr > LPAR_CONFIG_MAX_ENTRIES ||
	    c.delay_ms > 24ULL * 3600 * 1000)
		return -EINVAL;
	pl = kzalloc(sizeof(*pl), GFP_KERNEL);
	if (!pl)
		return -ENOMEM;
	pl->nr = c.nr;
	pl->e = memdup_user(u64_to_user_ptr(c.entries_ptr),
			    c.nr * sizeof(*pl->e));
	if (IS_ERR(pl->e)) {
		ret = PTR_ERR(pl->e);
		pl->e = NULL;
		goto out;
	}
	/* The event that applies the table: a time. */
	if (c.delay_ms && msleep_interruptible(c.delay_ms)) {
		ret = -EINTR;
		goto out;
	}
	mutex_lock(&lpar_mutex);
	ret = cfg_validate(pl);
	for (i = 0; !ret && i < pl->nr; i++)
		kobject_get(&pl->part[i]->kobj);
	mutex_unlock(&lpar_mutex);
	if (ret) {
		pr_info("configuration change refused: the new layout is invalid (%ld)\n",
			ret);
		goto out;
	}
	ret = lock_parts(pl->part, pl->nr);
	if (!ret) {
		/* Re-check: a command may have run before we got the locks. */
		mutex_lock(&lpar_mutex);
		ret = cfg_validate(pl);
		mutex_unlock(&lpar_mutex);
		if (!ret)
			ret = cfg_run(pl, c.timeout_ms ? c.timeout_ms :
				      LPAR_ACK_DEFAULT_MS);
		unlock_parts(pl->part, pl->nr);
	}
	c.steps = pl->nr_done;
	for (i = 0; i < pl->nr; i++)
		kobject_put(&pl->part[i]->kobj);
	if (!ret)
		ret = lpar_copy_out(arg, &c, sizeof(c));
out:
	kfree(pl->e);
	kfree(pl);
	return ret;
}

/**
 * lpar_relocate_ioctl() - LPAR_MVSTOR, LPAR_EXCHANGE, LPAR_RESIZE,
 * LPAR_CONFIG_APPLY.
 * @cmd: the command.
 * @arg: user pointer.
 *
 * Return: 0 or a negative errno; a failed command leaves every partition
 * on intact storage at its old place.
 */
long lpar_relocate_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LPAR_MVSTOR:
		return ioc_mvstor(arg);
	case LPAR_EXCHANGE:
		return ioc_exchange(arg);
	case LPAR_RESIZE:
		return ioc_resize(arg);
	case LPAR_CONFIG_APPLY:
		return ioc_config(arg);
	default:
		return -ENOTTY;
	}
}

/**
 * lpar_mvstor_store() - the sysfs "mvstor" file: MVSTOR to an origin.
 * @p: the partition.
 * @origin: the new origin.
 *
 * Return: 0 or a negative errno.
 */
int lpar_mvstor_store(struct lpar_partition *p, phys_addr_t origin)
{
	struct lpar_move_result r;
	int ret;

	if (!mutex_trylock(&p->op_mutex))
		return -EBUSY;
	ret = do_mvstor(p, origin, chunk_bytes(0), LPAR_QUIESCE_DEFAULT_MS, &r);
	mutex_unlock(&p->op_mutex);
	return report(p, ret, "MVSTOR");
}
