// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - partition storage as the runner (and through it KVM) sees it.
 *
 * The runner maps its partition fd; the fault handler installs 4 KiB PFN
 * mappings of the frames the partition owns *now*.  Nothing is pinned:
 * KVM resolves these mappings through the host page tables and, through
 * its MMU notifier, drops its NPT/EPT entries when we zap the range with
 * unmap_mapping_range().  Each partition has its own inode on a private
 * pseudo filesystem so that a zap reaches only that partition's mappings.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/fs.h>
#include <linux/file.h>
#include <linux/kernel_read_file.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/vmalloc.h>

#include "lpar.h"

#define LPAR_FS_MAGIC	0x4c504152

static struct vfsmount *lpar_mnt;
static int lpar_mnt_count;

static int lpar_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, LPAR_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: a mount would pin the module for good.  The type is never
 * registered, so only this module mounts it, and it unmounts before unload.
 */
static struct file_system_type lpar_fs_type = {
	.name = "lpar",
	.init_fs_context = lpar_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * lpar_storage_init() - mount the private pseudo filesystem.
 *
 * Return: 0 or a negative errno.
 */
int lpar_storage_init(void)
{
	return simple_pin_fs(&lpar_fs_type, &lpar_mnt, &lpar_mnt_count);
}

/**
 * lpar_storage_exit() - unmount it; every partition inode is gone.
 */
void lpar_storage_exit(void)
{
	simple_release_fs(&lpar_mnt, &lpar_mnt_count);
}

/**
 * lpar_storage_inode() - give a new partition its private inode.
 * @p: the partition being defined.
 *
 * Return: 0 or a negative errno.
 */
int lpar_storage_inode(struct lpar_partition *p)
{
	struct inode *inode = alloc_anon_inode(lpar_mnt->mnt_sb);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	p->inode = inode;
	return 0;
}

/**
 * lpar_storage_zap() - remove every user mapping of the partition's storage.
 * @p: the partition.
 *
 * The next access faults back into lpar_storage_fault(); KVM drops its
 * shadow entries through its MMU notifier before this returns.
 */
void lpar_storage_zap(struct lpar_partition *p)
{
	unmap_mapping_range(p->inode->i_mapping, 0, 0, 1);
}

struct lpar_pfile {
	struct lpar_partition *part;
	u64 gen;
};

/*
 * Map the frame that holds the faulting guest page now, writable, and set
 * its R and C key bits: C is kept conservatively ("mapped writable").  A
 * read-only mapping cannot be used to catch the first write: KVM answers a
 * guest write to a present read-only PFN mapping by emulating the
 * instruction (KVM_PFN_ERR_RO_FAULT) instead of faulting it writable.  A
 * chunk being moved is waited for; mv_sem held for reading across the
 * insert keeps a move step from zapping before we have mapped.
 */
static vm_fault_t lpar_storage_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct lpar_pfile *pf = vma->vm_file->private_data;
	struct lpar_partition *p = pf->part;
	u64 gpa = (u64)vmf->pgoff << PAGE_SHIFT;
	struct lpar_pool_extent *ext;
	vm_fault_t ret;
	phys_addr_t pa;

	for (;;) {
		down_read(&p->mv_sem);
		if (!p->has_storage || pf->gen != p->gen || gpa >= p->size) {
			up_read(&p->mv_sem);
			return VM_FAULT_SIGBUS;
		}
		if (!lpar_frame(p, gpa, &pa, &ext))
			break;
		up_read(&p->mv_sem);
		lpar_wait_chunk(p, gpa);
	}
	lpar_skeys_touch(ext, pa, vma->vm_flags & VM_WRITE);
	ret = vmf_insert_pfn(vma, vmf->address, PHYS_PFN(pa));
	up_read(&p->mv_sem);
	return ret;
}

static const struct vm_operations_struct lpar_storage_vm_ops = {
	.fault = lpar_storage_fault,
};

static int lpar_pfile_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lpar_pfile *pf = file->private_data;
	struct lpar_partition *p = pf->part;
	unsigned long len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    len > p->size)
		return -EINVAL;
	/*
	 * PFN mappings, not copied on fork, not dumped, never grown: the
	 * frames belong to the partition, not to the runner.
	 */
	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	vma->vm_ops = &lpar_storage_vm_ops;
	return 0;
}

static int lpar_pfile_release(struct inode *inode, struct file *file)
{
	struct lpar_pfile *pf = file->private_data;

	lpar_runner_release(file);
	kobject_put(&pf->part->kobj);
	kfree(pf);
	return 0;
}

static const struct file_operations lpar_pfile_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lpar_runner_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = lpar_pfile_mmap,
	.release = lpar_pfile_release,
	.llseek = noop_llseek,
};

/**
 * lpar_partition_fd() - a new partition fd for the attaching runner.
 * @p: the partition; the caller checked the attach under lpar_mutex.
 *
 * Context: lpar_mutex held.
 * Return: the fd, or a negative errno.
 */
int lpar_partition_fd(struct lpar_partition *p)
{
	struct lpar_pfile *pf;
	struct file *file;
	int fd, ret;

	lockdep_assert_held(&lpar_mutex);
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	pf->part = p;
	pf->gen = p->gen;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free;
	}
	/* alloc_file_pseudo() does not take the fops owner: we must. */
	if (!try_module_get(THIS_MODULE)) {
		ret = -ENODEV;
		goto err_fd;
	}
	ihold(p->inode);
	file = alloc_file_pseudo(p->inode, lpar_mnt, "lpar-partition", O_RDWR,
				 &lpar_pfile_fops);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		iput(p->inode);
		module_put(THIS_MODULE);
		goto err_fd;
	}
	file->private_data = pf;
	kobject_get(&p->kobj);
	fd_install(fd, file);
	return fd;

err_fd:
	put_unused_fd(fd);
err_free:
	kfree(pf);
	return ret;
}

/**
 * lpar_pfile_part() - the partition and generation behind a partition fd.
 * @file: a partition fd.
 * @gen: the activation it was made for (out).
 *
 * Return: the partition.
 */
struct lpar_partition *lpar_pfile_part(struct file *file, u64 *gen)
{
	struct lpar_pfile *pf = file->private_data;

	*gen = pf->gen;
	return pf->part;
}

/* Identity map of 0..4 GiB with 2 MiB pages, a GDT and the boot info. */
static void write_boot_block(struct lpar_partition *p, size_t image_size)
{
	u64 *pml4 = lpar_storage_va(p, LPAR_BOOT_PT_GPA);
	u64 *pdpt = lpar_storage_va(p, LPAR_BOOT_PT_GPA + 0x1000);
	u64 *gdt = lpar_storage_va(p, LPAR_BOOT_GDT_GPA);
	struct lpar_boot_info *bi = lpar_storage_va(p, LPAR_BOOT_INFO_GPA);
	const u64 pte = 0x3;		/* present, writable */
	unsigned int i, j;

	pml4[0] = (LPAR_BOOT_PT_GPA + 0x1000) | pte;
	for (i = 0; i < 4; i++) {
		u64 pd_gpa = LPAR_BOOT_PT_GPA + 0x2000 + i * 0x1000;
		u64 *pd = lpar_storage_va(p, pd_gpa);

		pdpt[i] = pd_gpa | pte;
		for (j = 0; j < 512; j++)
			pd[j] = ((u64)i << 30 | (u64)j << 21) | pte | 0x80;
	}
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;	/* 0x08: 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL;	/* 0x10: data */

	bi->magic = LPAR_BOOT_MAGIC;
	bi->id = p->def.id;
	bi->vcpus = p->def.vcpus;
	bi->activation = p->stats.activations + 1;
	bi->size = p->size;
	bi->load_addr = p->def.load_addr;
	bi->image_size = image_size;
	memcpy(bi->name, p->def.name, sizeof(bi->name));
}

/* Bytes of the image read per kernel_read(): a bound on each step only. */
#define LPAR_IMAGE_CHUNK	SZ_1M

/**
 * lpar_storage_load() - load the boot image and the boot block.
 * @p: an activating partition that owns scrubbed storage.
 *
 * The image file may have changed since define: its size is checked
 * against the storage above load_addr before anything is read, and it is
 * read straight into the partition's storage a chunk at a time, never
 * buffered whole (an image is as large as the partition at most, and a
 * sparse file claims any size it likes).  Writers are kept out while it
 * is read, as kernel_read_file() does.
 *
 * Context: op_mutex held; may sleep.
 * Return: 0, -EFBIG if the image does not fit, or another negative errno;
 * @p->reason says why.
 */
int lpar_storage_load(struct lpar_partition *p)
{
	u64 room = p->size - p->def.load_addr;
	struct file *file;
	loff_t size, pos = 0;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	file = filp_open(p->def.image, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		lpar_set_reason(p, "cannot open image %s (%d)", p->def.image,
				ret);
		return ret;
	}
	if (!S_ISREG(file_inode(file)->i_mode)) {
		ret = -EINVAL;
		lpar_set_reason(p, "image %s is not a regular file",
				p->def.image);
		goto out_put;
	}
	ret = deny_write_access(file);
	if (ret) {
		lpar_set_reason(p, "image %s is open for writing (%d)",
				p->def.image, ret);
		goto out_put;
	}
	size = i_size_read(file_inode(file));
	if (size <= 0 || size > room) {
		ret = size <= 0 ? -ENOEXEC : -EFBIG;
		lpar_set_reason(p, "image %s is %lld bytes: %s %llu bytes above load_addr %#llx",
				p->def.image, (long long)size,
				size <= 0 ? "empty, storage has" :
				"larger than the storage's", room,
				p->def.load_addr);
		goto out_allow;
	}
	if (p->def.entry >= p->def.load_addr + size) {
		ret = -ENOEXEC;
		lpar_set_reason(p, "entry %#llx is outside the %lld-byte image",
				p->def.entry, (long long)size);
		goto out_allow;
	}
	/* What an LSM (IMA, LoadPin) checks of any file the kernel reads. */
	ret = security_kernel_read_file(file, READING_UNKNOWN, false);
	if (ret) {
		lpar_set_reason(p, "image %s refused by security policy (%d)",
				p->def.image, ret);
		goto out_allow;
	}
	while (pos < size) {
		size_t chunk = min_t(loff_t, size - pos, LPAR_IMAGE_CHUNK);
		ssize_t n;

		n = kernel_read(file, lpar_storage_va(p, p->def.load_addr + pos),
				chunk, &pos);
		if (n <= 0) {
			ret = n ? n : -EIO;
			lpar_set_reason(p, "reading image %s failed at %lld (%d)",
					p->def.image, (long long)pos, ret);
			goto out_allow;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			lpar_set_reason(p, "act interrupted while loading the image");
			goto out_allow;
		}
		cond_resched();
	}
	write_boot_block(p, size);
	ret = 0;
out_allow:
	allow_write_access(file);
out_put:
	fput(file);
	return ret;
}
