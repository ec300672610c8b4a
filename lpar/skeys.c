// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - storage keys.
 *
 * One key byte per 4 KiB frame of main storage, in the s390 layout: ACC
 * (4 bits), F, R, C.  The keys live with the frames (per pool extent), so
 * a move copies them with the data.  x86 cannot enforce ACC and F; they
 * are stored and reported.  R and C are kept honestly by the fault path
 * (storage.c): mapping a frame for the guest sets R; a frame whose C is
 * clear is mapped read-only, and the first write to it faults again and
 * sets C.  So a frame the guest only reads keeps C=0.  Clearing R or C
 * unmaps the frame first, so that the next access sets them again --
 * there is no access the module does not see.  What the module cannot
 * see, DMA by an assigned device, is counted as changing every frame
 * (lpar_skeys_dma_begin()).
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "lpar.h"

/* Set @bits in a key the fault path shares with other faults: no bit lost. */
static u8 key_set(u8 *key, u8 bits)
{
	u8 old = READ_ONCE(*key), prev;

	while ((old & bits) != bits) {
		prev = cmpxchg(key, old, old | bits);
		if (prev == old)
			break;
		old = prev;
	}
	return old;
}

/**
 * lpar_skeys_touch() - the fault path maps a frame for the guest.
 * @p: the owner.
 * @ext: the frame's extent.
 * @pa: the frame.
 * @write: the access is a write.
 *
 * Sets R, and C for a write.  The frame is to be mapped writable when
 * its C is (now) set: the first write after C was reset must come back
 * to us.  While a DMA mapping may cover the storage every frame counts
 * as changed (see lpar_skeys_dma_begin()), so it is mapped writable too.
 *
 * Context: @p->mv_sem held for reading, the frame not busy.
 * Return: map it writable.
 */
bool lpar_skeys_touch(struct lpar_partition *p, struct lpar_pool_extent *ext,
		      phys_addr_t pa, bool write)
{
	u8 *key = &ext->keys[(pa - ext->start) >> PAGE_SHIFT];
	u8 set = LPAR_SKEY_R;

	lockdep_assert_held(&p->mv_sem);
	if (write || p->dma_maps)
		set |= LPAR_SKEY_C;
	return (key_set(key, set) | set) & LPAR_SKEY_C;
}

/**
 * lpar_skeys_changed() - frames the module itself wrote: set their C.
 * @p: a partition that owns storage and is not being moved.
 * @gpa: guest-physical address.
 * @len: bytes.
 *
 * The loader writes the boot block.  Its frames are changed, and being
 * so they are mapped writable from the first access on: the boot page
 * tables get their accessed and dirty bits set by the processor's page
 * walk, which KVM cannot carry out on a frame mapped read-only (see
 * Documentation/lpar/storage.rst).
 *
 * Context: may sleep; takes @p->mv_sem.
 */
void lpar_skeys_changed(struct lpar_partition *p, u64 gpa, u64 len)
{
	struct lpar_pool_extent *ext;
	u64 a, end = gpa + len;
	phys_addr_t pa;

	down_write(&p->mv_sem);
	for (a = gpa & PAGE_MASK; p->has_storage && a < end && a < p->size;
	     a += PAGE_SIZE) {
		if (lpar_frame(p, a, &pa, &ext))
			continue;	/* not while it is being moved */
		ext->keys[(pa - ext->start) >> PAGE_SHIFT] |= LPAR_SKEY_C;
	}
	up_write(&p->mv_sem);
}

/* Unmap [@gpa, @gpa + @len) of the guest's storage; see keys_walk(). */
static void keys_zap(struct lpar_partition *p, u64 gpa, u64 len)
{
	lockdep_assert_held_write(&p->mv_sem);
	unmap_mapping_range(p->inode->i_mapping, gpa, len, 1);
}

/**
 * lpar_skeys_dma_begin() - a device is about to map the partition's storage.
 * @p: the partition.
 *
 * The runner's VFIO container maps the whole storage for the device's
 * DMA, and we see nothing of what the device writes.  So from now until
 * lpar_skeys_dma_end() every frame is conservatively changed: C is set
 * for all frames now, faults map writable and set C, LPAR_SET_SKEYS
 * cannot clear C and LPAR_GET_SKEYS reports C=1.  Setting C here, not
 * only reporting it, keeps it after the device is gone: the frames it
 * wrote stay changed.  The storage is unmapped first: VFIO's
 * VFIO_IOMMU_MAP_DMA refuses a page that is mapped read-only
 * (follow_fault_pfn() only faults a page in when it is not mapped at
 * all), and every mapping from now on is writable.
 *
 * Context: @p->op_mutex held (no move in flight); may sleep.
 */
void lpar_skeys_dma_begin(struct lpar_partition *p)
{
	lockdep_assert_held(&p->op_mutex);
	down_write(&p->mv_sem);
	p->dma_maps++;
	if (p->has_storage) {
		u8 *keys = p->ext->keys + ((p->origin - p->ext->start) >> PAGE_SHIFT);
		u64 i;

		keys_zap(p, 0, p->size);
		for (i = 0; i < p->size >> PAGE_SHIFT; i++)
			keys[i] |= LPAR_SKEY_C;
	}
	up_write(&p->mv_sem);
}

/**
 * lpar_skeys_dma_end() - a device no longer DMAs into the storage.
 * @p: the partition.
 *
 * C stays set where it is: the device may have written any frame.
 *
 * Context: @p->op_mutex held; may sleep.
 */
void lpar_skeys_dma_end(struct lpar_partition *p)
{
	lockdep_assert_held(&p->op_mutex);
	down_write(&p->mv_sem);
	if (!WARN_ON_ONCE(!p->dma_maps))
		p->dma_maps--;
	up_write(&p->mv_sem);
}

/*
 * Visit the key bytes of @count frames from @gfn, a run of frames in one
 * extent at a time, with mv_sem held for writing so no fault or move step
 * changes them meanwhile (a move in flight splits runs at chunk edges).
 *
 * Clearing R or C (@zap) must not lose an access: a frame whose bit is
 * clear must not be mapped, or an access through the mapping would go
 * unseen.  So the range is unmapped first and the bits are cleared after,
 * all under mv_sem held for writing: a guest access after the unmap
 * faults, and its fault waits for mv_sem and sets the bits again after
 * we cleared them.  (The other way round, clear then unmap, an access
 * between the two went through the old mapping and was lost.)  If we
 * have to let go of mv_sem to wait for a chunk being moved, faults may
 * map frames again meanwhile: what is left of the range is unmapped
 * again before we go on.
 */
struct keys_op {
	u8 *buf;		/* the user's key bytes, NULL for rrbe */
	bool dma;		/* C is kept set: a DMA mapping exists */
	u64 acc;		/* rrbe: frames that had R */
};

typedef void (*key_fn)(u8 *keys, u64 n, u8 *buf, struct keys_op *op);

static int keys_walk(struct lpar_partition *p, u64 gfn, u64 count, bool zap,
		     key_fn fn, struct keys_op *op)
{
	bool need_zap = zap;
	u64 done = 0;
	int ret = 0;

	down_write(&p->mv_sem);
	if (!p->has_storage) {
		ret = -ENXIO;
		goto out;
	}
	if (gfn >= p->size >> PAGE_SHIFT ||
	    count > (p->size >> PAGE_SHIFT) - gfn) {
		ret = -ERANGE;
		goto out;
	}
	op->dma = p->dma_maps;
	while (done < count) {
		struct lpar_pool_extent *ext;
		u64 gpa = (gfn + done) << PAGE_SHIFT, n;
		phys_addr_t pa;

		/*
		 * Holding mv_sem for writing, no chunk can become busy; one
		 * that is busy now belongs to a move that holds op_mutex,
		 * which the key ioctls do not take: wait it out.
		 */
		if (lpar_frame(p, gpa, &pa, &ext)) {
			up_write(&p->mv_sem);
			lpar_wait_chunk(p, gpa);
			down_write(&p->mv_sem);
			if (!p->has_storage) {
				ret = -ENXIO;
				goto out;
			}
			need_zap = zap;
			op->dma = p->dma_maps;
			continue;
		}
		if (need_zap) {
			keys_zap(p, gpa, (count - done) << PAGE_SHIFT);
			need_zap = false;
		}
		/* Up to the next chunk edge (moves) or the end. */
		n = min_t(u64, count - done,
			  (lpar_pool.increment - (gpa & (lpar_pool.increment - 1)))
			  >> PAGE_SHIFT);
		if (p->mv)
			n = 1;
		fn(&ext->keys[(pa - ext->start) >> PAGE_SHIFT], n,
		   op->buf ? op->buf + done : NULL, op);
		done += n;
	}
out:
	up_write(&p->mv_sem);
	return ret;
}

static void get_fn(u8 *keys, u64 n, u8 *buf, struct keys_op *op)
{
	u64 i;

	memcpy(buf, keys, n);
	/* Belt and braces: lpar_skeys_dma_begin() set them already. */
	if (op->dma)
		for (i = 0; i < n; i++)
			buf[i] |= LPAR_SKEY_C;
}

static void set_fn(u8 *keys, u64 n, u8 *buf, struct keys_op *op)
{
	u64 i;

	for (i = 0; i < n; i++)
		keys[i] = buf[i] | (op->dma ? LPAR_SKEY_C : 0);
}

static void rrbe_fn(u8 *keys, u64 n, u8 *buf, struct keys_op *op)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if (keys[i] & LPAR_SKEY_R) {
			keys[i] &= ~LPAR_SKEY_R;
			op->acc++;
		}
	}
}

/**
 * lpar_skeys_ioctl() - LPAR_GET_SKEYS, LPAR_SET_SKEYS, LPAR_RESET_REF.
 * @cmd: the command.
 * @arg: user pointer to struct lpar_skeys.
 *
 * Return: 0 or a negative errno (-ENXIO: the partition owns no storage).
 */
long lpar_skeys_ioctl(unsigned int cmd, unsigned long arg)
{
	struct lpar_partition *p = NULL;
	struct keys_op op = { };
	struct lpar_skeys k;
	bool zap = false;
	u64 i;
	long ret;

	ret = lpar_copy_in(&k, sizeof(k), offsetofend(struct lpar_skeys,
						      skeydata_addr), arg);
	if (ret)
		return ret;
	if (k.flags || k.pad || !k.count || k.count > LPAR_SKEYS_MAX ||
	    k.id >= LPAR_MAX_PARTITIONS)
		return -EINVAL;
	if (cmd != LPAR_RESET_REF) {
		op.buf = kvmalloc(k.count, GFP_KERNEL);
		if (!op.buf)
			return -ENOMEM;
	}
	if (cmd == LPAR_SET_SKEYS) {
		ret = -EFAULT;
		if (copy_from_user(op.buf, u64_to_user_ptr(k.skeydata_addr),
				   k.count))
			goto out;
		/* Validate whole before changing anything: bit 0 is unused. */
		ret = -EINVAL;
		for (i = 0; i < k.count; i++) {
			if (op.buf[i] & 0x01)
				goto out;
			/* R or C may be cleared: unmap first (keys_walk()). */
			if ((op.buf[i] & (LPAR_SKEY_R | LPAR_SKEY_C)) !=
			    (LPAR_SKEY_R | LPAR_SKEY_C))
				zap = true;
		}
	}
	p = lpar_get_part(k.id);
	ret = -ENOENT;
	if (!p)
		goto out;
	switch (cmd) {
	case LPAR_GET_SKEYS:
		ret = keys_walk(p, k.start_gfn, k.count, false, get_fn, &op);
		if (!ret && copy_to_user(u64_to_user_ptr(k.skeydata_addr),
					 op.buf, k.count))
			ret = -EFAULT;
		break;
	case LPAR_SET_SKEYS:
		ret = keys_walk(p, k.start_gfn, k.count, zap, set_fn, &op);
		break;
	default:
		ret = keys_walk(p, k.start_gfn, k.count, true, rrbe_fn, &op);
		k.referenced = op.acc;
		if (!ret)
			ret = lpar_copy_out(arg, &k, sizeof(k));
		break;
	}
out:
	if (p)
		kobject_put(&p->kobj);
	kvfree(op.buf);
	return ret;
}
