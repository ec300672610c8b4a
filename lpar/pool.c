// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - main storage pool.
 *
 * The pool is made of physically contiguous extents: one reserved at boot
 * with memmap=SIZE$ADDR and claimed here (boot_pool=SIZE@ADDR), and pieces
 * taken from the running host with alloc_contig_range() (host_pool=SIZE),
 * as virtio-mem does for its device blocks.  A partition's storage is one
 * increment-aligned range inside one extent.  Which ranges are owned is
 * not stored twice: it is derived from the partitions' placements, which
 * only change under lpar_mutex.
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "lpar.h"

struct lpar_pool lpar_pool;

static unsigned long incr_index(struct lpar_pool_extent *ext, phys_addr_t pa)
{
	return (pa - ext->start) / lpar_pool.increment;
}

static int add_extent(phys_addr_t start, u64 size, void *vaddr,
		      unsigned int flags, struct resource *res)
{
	struct lpar_pool_extent *ext;
	unsigned long nr = size / lpar_pool.increment;
	unsigned int i;

	if (lpar_pool.nr_ext == LPAR_MAX_EXTENTS)
		return -ENOSPC;
	/* Keep the extents sorted by address so the map reads naturally. */
	for (i = lpar_pool.nr_ext; i > 0 && lpar_pool.ext[i - 1].start > start; i--)
		lpar_pool.ext[i] = lpar_pool.ext[i - 1];
	ext = &lpar_pool.ext[i];
	memset(ext, 0, sizeof(*ext));
	ext->clean = bitmap_zalloc(nr, GFP_KERNEL);
	ext->keys = vzalloc(size >> PAGE_SHIFT);
	if (!ext->clean || !ext->keys) {
		bitmap_free(ext->clean);
		vfree(ext->keys);
		for (; i < lpar_pool.nr_ext; i++)
			lpar_pool.ext[i] = lpar_pool.ext[i + 1];
		return -ENOMEM;
	}
	ext->start = start;
	ext->size = size;
	ext->vaddr = vaddr;
	ext->flags = flags;
	ext->res = res;
	lpar_pool.nr_ext++;
	lpar_pool.total += size;
	return 0;
}

static int claim_boot_pool(const char *spec)
{
	unsigned long long size, start;
	struct resource *res;
	char *end;
	void *va;
	int ret;

	size = memparse(spec, &end);
	if (*end != '@') {
		pr_err("boot_pool=%s: expected SIZE@ADDR, e.g. boot_pool=512M@0x40000000\n",
		       spec);
		return -EINVAL;
	}
	start = memparse(end + 1, &end);
	if (*end || !size || !IS_ALIGNED(start, lpar_pool.increment) ||
	    !IS_ALIGNED(size, lpar_pool.increment)) {
		pr_err("boot_pool=%s: SIZE and ADDR must be multiples of the increment (%llu KiB)\n",
		       spec, lpar_pool.increment >> 10);
		return -EINVAL;
	}
	/*
	 * memmap=SIZE$ADDR leaves the range out of System RAM; if it is RAM,
	 * the kernel owns it and we must not.
	 */
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("boot_pool %#llx-%#llx is host RAM: add memmap=%lluM$%#llx to the kernel command line and reboot\n",
		       start, start + size - 1, size >> 20, start);
		return -EBUSY;
	}
	if (region_intersects(start, size, IORESOURCE_MEM, IORES_DESC_RESERVED) !=
	    REGION_INTERSECTS) {
		pr_err("boot_pool %#llx-%#llx is not reserved memory: add memmap=%lluM$%#llx to the kernel command line and reboot\n",
		       start, start + size - 1, size >> 20, start);
		return -ENODEV;
	}
	res = request_mem_region(start, size, "lpar main storage");
	if (!res) {
		pr_err("boot_pool %#llx-%#llx is claimed by another driver\n",
		       start, start + size - 1);
		return -EBUSY;
	}
	/*
	 * A write-back memremap() also registers the range as write-back
	 * with PAT, so the runner's PFN mappings and KVM's NPT/EPT entries
	 * for partition storage are cacheable rather than UC-.
	 */
	va = memremap(start, size, MEMREMAP_WB);
	if (!va) {
		ret = -ENOMEM;
		pr_err("boot_pool %#llx-%#llx: memremap failed\n", start,
		       start + size - 1);
		goto err_release;
	}
	ret = add_extent(start, size, va, LPAR_EXTENT_BOOT, res);
	if (ret)
		goto err_unmap;
	pr_info("main storage: %llu MiB at %#llx (boot reservation)\n",
		size >> 20, start);
	return 0;

err_unmap:
	memunmap(va);
err_release:
	release_mem_region(start, size);
	return ret;
}

struct ram_range {
	u64 start;
	u64 end;
};

struct ram_ranges {
	struct ram_range r[32];
	unsigned int nr;
};

static int collect_ram(struct resource *res, void *arg)
{
	struct ram_ranges *rr = arg;

	if (rr->nr < ARRAY_SIZE(rr->r)) {
		rr->r[rr->nr].start = res->start;
		rr->r[rr->nr].end = res->end + 1;
		rr->nr++;
	}
	return 0;
}

/* Try to take @size bytes somewhere in host RAM, highest address first. */
static int take_host_chunk(struct ram_ranges *rr, u64 size)
{
	u64 align = max_t(u64, lpar_pool.increment, PAGE_SIZE << (MAX_ORDER - 1));
	int i;

	for (i = rr->nr - 1; i >= 0; i--) {
		u64 lo = ALIGN(rr->r[i].start, align);
		u64 pa;

		if (rr->r[i].end < size || rr->r[i].end - size < lo)
			continue;
		for (pa = ALIGN_DOWN(rr->r[i].end - size, align); pa >= lo;
		     pa -= align) {
			unsigned long pfn = PHYS_PFN(pa), n = size >> PAGE_SHIFT;
			unsigned long k;
			int ret;

			if (fatal_signal_pending(current))
				return -EINTR;
			ret = alloc_contig_range(pfn, pfn + n, MIGRATE_MOVABLE,
						 GFP_KERNEL | __GFP_NOWARN);
			cond_resched();
			if (ret)
				goto next;
			/*
			 * Reserved pages are left alone by the rest of the
			 * kernel and KVM maps them without taking references.
			 */
			for (k = 0; k < n; k++)
				SetPageReserved(pfn_to_page(pfn + k));
			ret = add_extent(pa, size, phys_to_virt(pa),
					 LPAR_EXTENT_HOST, NULL);
			if (ret) {
				for (k = 0; k < n; k++)
					ClearPageReserved(pfn_to_page(pfn + k));
				free_contig_range(pfn, n);
				return ret;
			}
			return 0;
next:
			if (pa < align)
				break;
		}
	}
	return -ENOMEM;
}

static int take_host_pool(const char *spec)
{
	u64 want, chunk, avail, got = 0;
	struct ram_ranges *rr;
	char *end;
	int ret = 0;

	want = memparse(spec, &end);
	if (*end || !want || !IS_ALIGNED(want, lpar_pool.increment)) {
		pr_err("host_pool=%s: expected a size that is a multiple of the increment\n",
		       spec);
		return -EINVAL;
	}
	/*
	 * Never drain the host: what it cannot spare is refused before a
	 * page is taken (trying would migrate and take every free page,
	 * then give them all back).
	 */
	avail = (u64)si_mem_available() << PAGE_SHIFT;
	if (want > avail) {
		pr_err("host_pool: %llu MiB asked for, the host has %llu MiB available; take less, or use memmap= and boot_pool=\n",
		       want >> 20, avail >> 20);
		return -ENOMEM;
	}
	rr = kzalloc(sizeof(*rr), GFP_KERNEL);
	if (!rr)
		return -ENOMEM;
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, -1, rr,
			    collect_ram);
	/* As few extents as possible: halve the piece size on failure. */
	chunk = want;
	while (got < want) {
		chunk = min(chunk, want - got);
		ret = take_host_chunk(rr, chunk);
		if (!ret) {
			got += chunk;
			continue;
		}
		if (ret != -ENOMEM || chunk <= lpar_pool.increment)
			break;
		chunk = rounddown_pow_of_two(chunk / 2);
		chunk = max(chunk, lpar_pool.increment);
	}
	kfree(rr);
	if (got < want) {
		pr_err("host_pool: took only %llu of %llu MiB from the host (%d); free or offline memory, or use memmap= and boot_pool=\n",
		       got >> 20, want >> 20, ret);
		return ret ? ret : -ENOMEM;
	}
	pr_info("main storage: %llu MiB taken from the host\n", want >> 20);
	return 0;
}

static void put_extent(struct lpar_pool_extent *ext)
{
	if (ext->flags & LPAR_EXTENT_BOOT) {
		/* Leave no partition data behind in the reservation either. */
		lpar_pool_scrub(ext, ext->start, ext->size, true);
		memunmap(ext->vaddr);
		release_mem_region(ext->start, ext->size);
	} else {
		unsigned long pfn = PHYS_PFN(ext->start);
		unsigned long n = ext->size >> PAGE_SHIFT, k;

		/* No data leaves lpar: give the host zeroed pages back. */
		lpar_pool_scrub(ext, ext->start, ext->size, true);
		for (k = 0; k < n; k++)
			ClearPageReserved(pfn_to_page(pfn + k));
		free_contig_range(pfn, n);
	}
	bitmap_free(ext->clean);
	vfree(ext->keys);
}

/**
 * lpar_pool_init() - build the pool from the module parameters.
 * @boot_pool: "SIZE@ADDR" of a memmap= reservation, or NULL/empty.
 * @host_pool: "SIZE" to take from the host, or NULL/empty.
 * @increment: storage increment, a power of two >= 2 MiB.
 *
 * Return: 0 or a negative errno; nothing is held on failure.
 */
int lpar_pool_init(const char *boot_pool, const char *host_pool, u64 increment)
{
	int ret;

	memset(&lpar_pool, 0, sizeof(lpar_pool));
	lpar_pool.increment = increment;
	if ((!boot_pool || !*boot_pool) && (!host_pool || !*host_pool)) {
		pr_err("no main storage: load with boot_pool=SIZE@ADDR (after booting with memmap=SIZE$ADDR) and/or host_pool=SIZE\n");
		return -EINVAL;
	}
	if (boot_pool && *boot_pool) {
		ret = claim_boot_pool(boot_pool);
		if (ret)
			return ret;
	}
	if (host_pool && *host_pool) {
		ret = take_host_pool(host_pool);
		if (ret) {
			lpar_pool_exit();
			return ret;
		}
	}
	return 0;
}

/**
 * lpar_pool_exit() - give every extent back.  No partition owns storage.
 */
void lpar_pool_exit(void)
{
	unsigned int i;

	for (i = 0; i < lpar_pool.nr_ext; i++)
		put_extent(&lpar_pool.ext[i]);
	lpar_pool.nr_ext = 0;
	lpar_pool.total = 0;
}

/**
 * lpar_pool_find() - the extent that holds all of [@start, @start + @size).
 * @start: host physical address.
 * @size: bytes.
 *
 * Return: the extent, or NULL when the range is not wholly inside one.
 */
struct lpar_pool_extent *lpar_pool_find(phys_addr_t start, u64 size)
{
	unsigned int i;

	for (i = 0; i < lpar_pool.nr_ext; i++) {
		struct lpar_pool_extent *ext = &lpar_pool.ext[i];

		if (start >= ext->start && size <= ext->size &&
		    start - ext->start <= ext->size - size)
			return ext;
	}
	return NULL;
}

/**
 * lpar_pool_owner() - a partition whose storage overlaps a range.
 * @start: host physical address.
 * @size: bytes.
 * @except: a partition to ignore (the one being placed), or NULL.
 *
 * Context: lpar_mutex held.
 * Return: the first overlapping owner, or NULL if the range is free.
 */
struct lpar_partition *lpar_pool_owner(phys_addr_t start, u64 size,
				       const struct lpar_partition *except)
{
	unsigned int i;

	lockdep_assert_held(&lpar_mutex);
	for (i = 0; i < LPAR_MAX_PARTITIONS; i++) {
		struct lpar_partition *p = lpar_parts[i];

		if (p && p != except && lpar_part_owns(p, start, size))
			return p;
	}
	return NULL;
}

/* The owned range that starts lowest at or above @from within @ext. */
/*
 * The owned range (a partition's storage or the target of its move) that
 * starts lowest among those ending above @from within @ext.
 */
static bool next_owned(struct lpar_pool_extent *ext, phys_addr_t from,
		       struct lpar_range *best)
{
	struct lpar_range r[2];
	unsigned int i, k, n;
	bool found = false;

	for (i = 0; i < LPAR_MAX_PARTITIONS; i++) {
		if (!lpar_parts[i])
			continue;
		n = lpar_part_ranges(lpar_parts[i], r);
		for (k = 0; k < n; k++) {
			if (r[k].ext != ext || r[k].start + r[k].size <= from)
				continue;
			if (!found || r[k].start < best->start)
				*best = r[k];
			found = true;
		}
	}
	return found;
}

/*
 * Walk the free ranges of every extent in address order, calling @fn for
 * each; stop when it returns true.
 */
typedef bool (*lpar_free_fn)(struct lpar_pool_extent *ext, phys_addr_t start,
			     u64 size, void *arg);

static void walk_free(lpar_free_fn fn, void *arg)
{
	unsigned int i;

	for (i = 0; i < lpar_pool.nr_ext; i++) {
		struct lpar_pool_extent *ext = &lpar_pool.ext[i];
		phys_addr_t pos = ext->start, end = ext->start + ext->size;

		while (pos < end) {
			struct lpar_range r;
			bool owned = next_owned(ext, pos, &r);
			phys_addr_t stop = owned ? max(r.start, pos) : end;

			if (stop > pos && fn(ext, pos, stop - pos, arg))
				return;
			if (!owned)
				break;
			pos = max(pos, r.start + r.size);
		}
	}
}

struct place_arg {
	u64 size;
	phys_addr_t origin;
	bool found;
};

static bool place_fn(struct lpar_pool_extent *ext, phys_addr_t start,
		     u64 size, void *arg)
{
	struct place_arg *pa = arg;

	if (size < pa->size)
		return false;
	pa->origin = start;
	pa->found = true;
	return true;
}

/**
 * lpar_pool_place() - first-fit placement.
 * @size: bytes, a multiple of the increment.
 * @origin: the lowest free origin that fits (out).
 *
 * Context: lpar_mutex held.
 * Return: 0, or -ENOSPC when no free range is large enough.
 */
int lpar_pool_place(u64 size, phys_addr_t *origin)
{
	struct place_arg pa = { .size = size };

	lockdep_assert_held(&lpar_mutex);
	walk_free(place_fn, &pa);
	if (!pa.found)
		return -ENOSPC;
	*origin = pa.origin;
	return 0;
}

struct free_arg {
	u64 total;
	u64 largest;
};

static bool free_fn(struct lpar_pool_extent *ext, phys_addr_t start, u64 size,
		    void *arg)
{
	struct free_arg *fa = arg;

	fa->total += size;
	fa->largest = max(fa->largest, size);
	return false;
}

/**
 * lpar_pool_free_bytes() - bytes no partition owns.
 * @largest: if not NULL, the largest free contiguous range (out).
 *
 * Context: lpar_mutex held.
 * Return: free bytes.
 */
u64 lpar_pool_free_bytes(u64 *largest)
{
	struct free_arg fa = {};

	lockdep_assert_held(&lpar_mutex);
	walk_free(free_fn, &fa);
	if (largest)
		*largest = fa.largest;
	return fa.total;
}

/*
 * Whole pages are copied and zeroed 64 bytes per round through eight
 * registers: what copy_page() does on CPUs without fast string moves.
 * copy_page(), clear_page(), memcpy() and memset() use "rep movs" /
 * "rep stos" where the CPU says those are fast, and an emulated CPU (TCG,
 * our test VM) runs them one element at a time: measured there, this loop
 * moves 64 MiB five times faster than copy_page().  On hardware the two
 * are within a few percent.
 */

/**
 * lpar_copy_frames() - copy whole pages of partition storage.
 * @dst: target, page-aligned.
 * @src: source, page-aligned; must not overlap @dst.
 * @len: bytes, a multiple of PAGE_SIZE.
 */
void lpar_copy_frames(void *dst, const void *src, u64 len)
{
	const u64 *s = src;
	u64 *d = dst;
	u64 i, a0, a1, a2, a3, a4, a5, a6, a7;

	for (i = 0; i < len / sizeof(u64); i += 8) {
		a0 = s[i];
		a1 = s[i + 1];
		a2 = s[i + 2];
		a3 = s[i + 3];
		a4 = s[i + 4];
		a5 = s[i + 5];
		a6 = s[i + 6];
		a7 = s[i + 7];
		d[i] = a0;
		d[i + 1] = a1;
		d[i + 2] = a2;
		d[i + 3] = a3;
		d[i + 4] = a4;
		d[i + 5] = a5;
		d[i + 6] = a6;
		d[i + 7] = a7;
	}
}

/* Zero whole pages (@len a multiple of PAGE_SIZE), as lpar_copy_frames(). */
static void zero_frames(void *va, u64 len)
{
	u64 *d = va;
	u64 i;

	for (i = 0; i < len / sizeof(u64); i += 8) {
		d[i] = 0;
		d[i + 1] = 0;
		d[i + 2] = 0;
		d[i + 3] = 0;
		d[i + 4] = 0;
		d[i + 5] = 0;
		d[i + 6] = 0;
		d[i + 7] = 0;
	}
}

/**
 * lpar_pool_scrub() - zero storage so no data crosses partitions.
 * @ext: the extent.
 * @start: host physical start, increment-aligned.
 * @size: bytes, a multiple of the increment.
 * @dirty_only: skip increments already known to be zero.
 *
 * Context: may sleep; the caller owns the range (no one else writes it).
 */
void lpar_pool_scrub(struct lpar_pool_extent *ext, phys_addr_t start, u64 size,
		     bool dirty_only)
{
	unsigned long i = incr_index(ext, start);
	unsigned long n = size / lpar_pool.increment;

	for (; n; n--, i++) {
		if (dirty_only && test_bit(i, ext->clean))
			continue;
		zero_frames(ext->vaddr + i * lpar_pool.increment,
			    lpar_pool.increment);
		memset(ext->keys + ((i * lpar_pool.increment) >> PAGE_SHIFT), 0,
		       lpar_pool.increment >> PAGE_SHIFT);
		set_bit(i, ext->clean);
		cond_resched();
	}
}

/**
 * lpar_pool_mark_dirty() - storage is being handed to a partition.
 * @ext: the extent.
 * @start: host physical start, increment-aligned.
 * @size: bytes.
 */
void lpar_pool_mark_dirty(struct lpar_pool_extent *ext, phys_addr_t start,
			  u64 size)
{
	bitmap_clear(ext->clean, incr_index(ext, start),
		     size / lpar_pool.increment);
}

/**
 * lpar_storage_va() - kernel address of a partition's guest-physical byte.
 * @p: the partition; it owns storage.
 * @gpa: guest-physical address below @p->size.
 *
 * Return: the address in the extent's write-back kernel mapping.
 */
void *lpar_storage_va(struct lpar_partition *p, u64 gpa)
{
	return p->ext->vaddr + (p->origin - p->ext->start) + gpa;
}

struct map_arg {
	struct lpar_range r[2 * LPAR_MAX_PARTITIONS];
	struct lpar_partition *owner[2 * LPAR_MAX_PARTITIONS];
	unsigned int nr;
	char *buf;
	ssize_t len;
	unsigned int more;	/* ranges left out: no room */
};

static int cmp_start(const void *a, const void *b)
{
	const struct lpar_range *ra = a, *rb = b;

	return ra->start < rb->start ? -1 : ra->start > rb->start;
}

/*
 * What a partition holds, as the map shows it: its storage and, during a
 * move, the move's other end (reserved from the moment the move was
 * checked); one line when the two overlap.
 */
static void map_add(struct map_arg *ma, struct lpar_partition *p)
{
	struct lpar_range r[2];
	unsigned int n = lpar_part_ranges(p, r);

	if (n == 2 && r[0].ext == r[1].ext && r[1].start < r[0].start + r[0].size &&
	    r[0].start < r[1].start + r[1].size) {
		phys_addr_t lo = min(r[0].start, r[1].start);
		phys_addr_t hi = max(r[0].start + r[0].size,
				     r[1].start + r[1].size);

		r[0].start = lo;
		r[0].size = hi - lo;
		n = 1;
	}
	while (n--) {
		ma->r[ma->nr] = r[n];
		ma->owner[ma->nr++] = p;
	}
}

/*
 * Room kept for the last line, "... N more ranges, see lparctl pool": a
 * sysfs file is at most a page less one, and a map that does not fit
 * says so instead of ending in the middle of a line.
 */
#define MAP_TAIL_ROOM	64

/* One line, if it fits before the room for the last line; else count it. */
static __printf(2, 3) void map_line(struct map_arg *ma, const char *fmt, ...)
{
	char line[128];
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(line, sizeof(line), fmt, args);
	va_end(args);
	if (ma->more || ma->len + n > PAGE_SIZE - 1 - MAP_TAIL_ROOM) {
		ma->more++;
		return;
	}
	memcpy(ma->buf + ma->len, line, n);
	ma->len += n;
}

/**
 * lpar_pool_map_show() - the pool map for sysfs, one range per line.
 * @buf: a sysfs page.
 *
 * As many ranges as fit in a page less one; when some do not, the last
 * line says how many were left out (lparctl pool shows the whole map).
 *
 * Context: takes lpar_mutex.
 * Return: bytes written, less than PAGE_SIZE.
 */
ssize_t lpar_pool_map_show(char *buf)
{
	struct map_arg *ma;
	unsigned int i, j, k;
	ssize_t len;

	ma = kzalloc(sizeof(*ma), GFP_KERNEL);
	if (!ma)
		return -ENOMEM;
	ma->buf = buf;
	mutex_lock(&lpar_mutex);
	for (i = 0; i < LPAR_MAX_PARTITIONS; i++)
		if (lpar_parts[i])
			map_add(ma, lpar_parts[i]);
	/* Sort by start, keeping each range with its owner. */
	for (i = 1; i < ma->nr; i++)
		for (j = i; j > 0 && cmp_start(&ma->r[j - 1], &ma->r[j]) > 0; j--) {
			swap(ma->r[j - 1], ma->r[j]);
			swap(ma->owner[j - 1], ma->owner[j]);
		}
	for (i = 0; i < lpar_pool.nr_ext; i++) {
		struct lpar_pool_extent *ext = &lpar_pool.ext[i];
		phys_addr_t pos = ext->start, end = ext->start + ext->size;

		for (k = 0; k < ma->nr && pos < end; k++) {
			struct lpar_range *r = &ma->r[k];
			struct lpar_partition *p = ma->owner[k];

			if (r->ext != ext)
				continue;
			if (r->start > pos)
				map_line(ma, "%#llx-%#llx free\n", (u64)pos,
					 (u64)r->start - 1);
			map_line(ma, "%#llx-%#llx %u %s\n", (u64)r->start,
				 (u64)(r->start + r->size - 1), p->def.id,
				 p->def.name);
			pos = r->start + r->size;
		}
		if (pos < end)
			map_line(ma, "%#llx-%#llx free\n", (u64)pos,
				 (u64)end - 1);
	}
	mutex_unlock(&lpar_mutex);
	if (ma->more)
		ma->len += scnprintf(buf + ma->len, PAGE_SIZE - ma->len,
				     "... %u more ranges, see lparctl pool\n",
				     ma->more);
	len = ma->len;
	kfree(ma);
	return len;
}
