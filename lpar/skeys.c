// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - storage keys.
 *
 * One key byte per 4 KiB frame of main storage, in the s390 layout: ACC
 * (4 bits), F, R, C.  The keys live with the frames (per pool extent), so
 * a move copies them with the data.  x86 cannot enforce ACC and F; they
 * are stored and reported.  R and C are kept honestly and conservatively
 * by the fault path: mapping a frame for the guest sets R, mapping it
 * writable sets C.  Clearing R or C unmaps the frame, so that the next
 * access sets them again -- there is no access the module does not see.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "lpar.h"

/**
 * lpar_skeys_touch() - the fault path maps a frame for the guest.
 * @ext: the frame's extent.
 * @pa: the frame.
 * @write: it is mapped writable.
 *
 * Context: the owner's mv_sem held for reading, the frame not busy.
 */
void lpar_skeys_touch(struct lpar_pool_extent *ext, phys_addr_t pa, bool write)
{
	u8 *key = &ext->keys[(pa - ext->start) >> PAGE_SHIFT];
	u8 set = LPAR_SKEY_R | (write ? LPAR_SKEY_C : 0);

	/* Faults on one frame may race; both only ever set bits. */
	if ((READ_ONCE(*key) & set) != set)
		WRITE_ONCE(*key, READ_ONCE(*key) | set);
}

/*
 * Visit the key bytes of @count frames from @gfn, a run of frames in one
 * extent at a time, with mv_sem held for writing so no fault or move step
 * changes them meanwhile (a move in flight splits runs at chunk edges).
 */
typedef void (*key_fn)(u8 *keys, u64 n, u8 *buf, u64 *acc);

static int keys_walk(struct lpar_partition *p, u64 gfn, u64 count, u8 *buf,
		     key_fn fn, u64 *acc)
{
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
			continue;
		}
		/* Up to the next chunk edge (moves) or the end. */
		n = min_t(u64, count - done,
			  (lpar_pool.increment - (gpa & (lpar_pool.increment - 1)))
			  >> PAGE_SHIFT);
		if (p->mv)
			n = 1;
		fn(&ext->keys[(pa - ext->start) >> PAGE_SHIFT], n,
		   buf ? buf + done : NULL, acc);
		done += n;
	}
out:
	up_write(&p->mv_sem);
	return ret;
}

static void get_fn(u8 *keys, u64 n, u8 *buf, u64 *acc)
{
	memcpy(buf, keys, n);
}

static void set_fn(u8 *keys, u64 n, u8 *buf, u64 *acc)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if ((keys[i] & ~buf[i]) & (LPAR_SKEY_R | LPAR_SKEY_C))
			(*acc)++;
		keys[i] = buf[i];
	}
}

static void rrbe_fn(u8 *keys, u64 n, u8 *buf, u64 *acc)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if (keys[i] & LPAR_SKEY_R) {
			keys[i] &= ~LPAR_SKEY_R;
			(*acc)++;
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
	struct lpar_skeys k;
	u8 *buf = NULL;
	u64 acc = 0, i;
	long ret;

	ret = lpar_copy_in(&k, sizeof(k), offsetofend(struct lpar_skeys,
						      skeydata_addr), arg);
	if (ret)
		return ret;
	if (k.flags || k.pad || !k.count || k.count > LPAR_SKEYS_MAX ||
	    k.id >= LPAR_MAX_PARTITIONS)
		return -EINVAL;
	if (cmd != LPAR_RESET_REF) {
		buf = kvmalloc(k.count, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	if (cmd == LPAR_SET_SKEYS) {
		ret = -EFAULT;
		if (copy_from_user(buf, u64_to_user_ptr(k.skeydata_addr),
				   k.count))
			goto out;
		/* Validate whole before changing anything: bit 0 is unused. */
		ret = -EINVAL;
		for (i = 0; i < k.count; i++)
			if (buf[i] & 0x01)
				goto out;
	}
	p = lpar_get_part(k.id);
	ret = -ENOENT;
	if (!p)
		goto out;
	switch (cmd) {
	case LPAR_GET_SKEYS:
		ret = keys_walk(p, k.start_gfn, k.count, buf, get_fn, &acc);
		if (!ret && copy_to_user(u64_to_user_ptr(k.skeydata_addr), buf,
					 k.count))
			ret = -EFAULT;
		break;
	case LPAR_SET_SKEYS:
		ret = keys_walk(p, k.start_gfn, k.count, buf, set_fn, &acc);
		break;
	default:
		ret = keys_walk(p, k.start_gfn, k.count, NULL, rrbe_fn, &acc);
		k.referenced = acc;
		if (!ret)
			ret = lpar_copy_out(arg, &k, sizeof(k));
		break;
	}
	/*
	 * R or C cleared: unmap the frames so the next guest access faults
	 * and sets them again (KVM drops its entries through its notifier).
	 */
	if (!ret && acc && cmd != LPAR_GET_SKEYS)
		unmap_mapping_range(p->inode->i_mapping,
				    k.start_gfn << PAGE_SHIFT,
				    k.count << PAGE_SHIFT, 1);
out:
	if (p)
		kobject_put(&p->kobj);
	kvfree(buf);
	return ret;
}
