// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner: the VFIO side of a PCI slot -- the container that holds
 * the slot's group, the DMA mappings of the partition's storage (IOVA =
 * guest-physical address), the device fd with its regions, and INTx or
 * MSI wired through eventfds into KVM irqfds.  See
 * Documentation/lpar/runner-pci.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "runner.h"

#define VFIO_CONTAINER_DEV	"/dev/vfio/vfio"

/* Storage the guest cannot see (the PC's MMIO hole) is not mapped. */
#define DMA_HOLE_START		0xfec00000ULL
#define DMA_HOLE_END		0x100000000ULL

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The guest-visible storage ranges [gpa, gpa + len) of @size bytes. */
static unsigned int dma_ranges(__u64 size, __u64 gpa[2], __u64 len[2])
{
	if (size <= DMA_HOLE_START) {
		gpa[0] = 0;
		len[0] = size;
		return 1;
	}
	gpa[0] = 0;
	len[0] = DMA_HOLE_START;
	if (size <= DMA_HOLE_END)
		return 1;
	gpa[1] = DMA_HOLE_END;
	len[1] = size - DMA_HOLE_END;
	return 2;
}

/*
 * Map the whole storage for the device's DMA: IOVA = guest-physical
 * address, vaddr = our mapping of the partition fd.  That mapping is
 * VM_PFNMAP (the module's fault handler): type1 faults each page in and
 * maps the pool frame it finds; the frames are reserved pages, so
 * nothing is pinned or charged to RLIMIT_MEMLOCK.  The mapping does not
 * follow a move of the frames: DMA_SALE maps again.
 */
int vfio_dma_map(struct runner *r, struct pci_slot *s, char *why, size_t len)
{
	struct vfio_iommu_type1_dma_map map;
	__u64 gpa[2], sz[2];
	unsigned int n, i;
	char tmp[LPAR_REASON_LEN];

	n = dma_ranges(r->info.size, gpa, sz);
	for (i = 0; i < n; i++) {
		memset(&map, 0, sizeof(map));
		map.argsz = sizeof(map);
		map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
		map.vaddr = (__u64)(uintptr_t)r->mem + gpa[i];
		map.iova = gpa[i];
		map.size = sz[i];
		if (ioctl(s->container_fd, VFIO_IOMMU_MAP_DMA, &map) < 0) {
			snprintf(why, len,
				 "slot %u: VFIO_IOMMU_MAP_DMA(0x%llx+0x%llx): %s",
				 s->num, (unsigned long long)gpa[i],
				 (unsigned long long)sz[i], strerror(errno));
			if (i) {
				s->dma_size = r->info.size;
				vfio_dma_unmap(r, s, tmp, sizeof(tmp));
			}
			return -1;
		}
	}
	s->dma_size = r->info.size;
	return 0;
}

/* Remove every DMA mapping of the container (the size we mapped). */
int vfio_dma_unmap(struct runner *r, struct pci_slot *s, char *why,
		   size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap;
	__u64 gpa[2], sz[2];
	unsigned int n, i;
	int ret = 0;

	(void)r;
	if (!s->dma_size)
		return 0;
	n = dma_ranges(s->dma_size, gpa, sz);
	for (i = 0; i < n; i++) {
		memset(&unmap, 0, sizeof(unmap));
		unmap.argsz = sizeof(unmap);
		unmap.iova = gpa[i];
		unmap.size = sz[i];
		if (ioctl(s->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0 &&
		    !ret) {
			snprintf(why, len,
				 "slot %u: VFIO_IOMMU_UNMAP_DMA(0x%llx+0x%llx): %s",
				 s->num, (unsigned long long)gpa[i],
				 (unsigned long long)sz[i], strerror(errno));
			ret = -1;
		}
	}
	if (!ret)
		s->dma_size = 0;
	return ret;
}

static int region_info(struct pci_slot *s, unsigned int index,
		       struct vfio_region_info *ri, char *why, size_t len)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(s->device_fd, VFIO_DEVICE_GET_REGION_INFO, ri) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_GET_REGION_INFO(%u): %s",
			 s->num, index, strerror(errno));
		return -1;
	}
	return 0;
}

/* The device's regions: config space and the six BARs' VFIO regions. */
static int vfio_regions(struct pci_slot *s, char *why, size_t len)
{
	struct vfio_region_info ri;
	unsigned int i;
	long page = sysconf(_SC_PAGESIZE);

	if (region_info(s, VFIO_PCI_CONFIG_REGION_INDEX, &ri, why, len))
		return -1;
	if (ri.size < 0x40) {
		snprintf(why, len, "slot %u: config region of %llu bytes",
			 s->num, (unsigned long long)ri.size);
		return -1;
	}
	s->cfg_offset = ri.offset;
	s->cfg_size = ri.size;
	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &s->bars[i];

		if (region_info(s, VFIO_PCI_BAR0_REGION_INDEX + i, &ri, why,
				len))
			return -1;
		b->reg_offset = ri.offset;
		b->reg_size = ri.size;
		b->reg_flags = ri.flags;
		b->map = NULL;
		if (!ri.size || !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) ||
		    ri.size & (page - 1))
			continue;
		/*
		 * A region with sparse mmap areas (MSI-X table inside) is
		 * trapped as a whole: simpler, and only slower.
		 */
		if (ri.flags & VFIO_REGION_INFO_FLAG_CAPS)
			continue;
		b->map = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			      s->device_fd, ri.offset);
		if (b->map == MAP_FAILED) {
			log_info("slot %u: BAR%u: mmap: %s (trapped instead)",
				 s->num, i, strerror(errno));
			b->map = NULL;
		}
	}
	return 0;
}

/*
 * Give the group (fd from LPAR_RUNNER_SLOT) a container of its own, map
 * the storage for DMA, open the device and read its regions.  On failure
 * everything done is undone (the group fd too) and @why says why.
 */
int vfio_open(struct runner *r, struct pci_slot *s, int group_fd, char *why,
	      size_t len)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct kvm_device_attr attr;
	int ret;

	s->group_fd = group_fd;
	s->container_fd = -1;
	s->device_fd = -1;
	s->dma_size = 0;
	s->kvm_vfio = false;
	if (ioctl(group_fd, VFIO_GROUP_GET_STATUS, &gs) < 0) {
		snprintf(why, len, "slot %u: VFIO_GROUP_GET_STATUS: %s",
			 s->num, strerror(errno));
		goto fail;
	}
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(why, len,
			 "slot %u: IOMMU group %u not viable (a device of it is bound to a host driver)",
			 s->num, s->group);
		goto fail;
	}
	s->container_fd = open(VFIO_CONTAINER_DEV, O_RDWR | O_CLOEXEC);
	if (s->container_fd < 0) {
		snprintf(why, len, "slot %u: open %s: %s", s->num,
			 VFIO_CONTAINER_DEV, strerror(errno));
		goto fail;
	}
	ret = ioctl(s->container_fd, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		snprintf(why, len, "slot %u: VFIO API version %d, want %d",
			 s->num, ret, VFIO_API_VERSION);
		goto fail;
	}
	if (ioctl(s->container_fd, VFIO_CHECK_EXTENSION,
		  VFIO_TYPE1v2_IOMMU) <= 0) {
		snprintf(why, len, "slot %u: no VFIO type1v2 IOMMU", s->num);
		goto fail;
	}
	if (ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &s->container_fd) < 0) {
		snprintf(why, len, "slot %u: VFIO_GROUP_SET_CONTAINER: %s",
			 s->num, strerror(errno));
		goto fail;
	}
	if (ioctl(s->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		snprintf(why, len, "slot %u: VFIO_SET_IOMMU(type1v2): %s",
			 s->num, strerror(errno));
		goto fail_unset;
	}
	if (vfio_dma_map(r, s, why, len))
		goto fail_unset;
	s->device_fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, s->bdf);
	if (s->device_fd < 0) {
		snprintf(why, len, "slot %u: VFIO_GROUP_GET_DEVICE_FD(%s): %s",
			 s->num, s->bdf, strerror(errno));
		goto fail_unmap;
	}
	if (ioctl(s->device_fd, VFIO_DEVICE_GET_INFO, &di) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_GET_INFO: %s", s->num,
			 strerror(errno));
		goto fail_unmap;
	}
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		snprintf(why, len, "slot %u: %s is not a VFIO PCI device",
			 s->num, s->bdf);
		goto fail_unmap;
	}
	s->dev_flags = di.flags;
	if (vfio_regions(s, why, len))
		goto fail_unmap;
	/* A clean device for the guest (the previous owner's state gone). */
	if ((di.flags & VFIO_DEVICE_FLAGS_RESET) &&
	    ioctl(s->device_fd, VFIO_DEVICE_RESET) < 0)
		log_info("slot %u: VFIO_DEVICE_RESET: %s", s->num,
			 strerror(errno));

	/* Let KVM know (coherency of the device's DMA); optional. */
	if (r->kvm_vfio_fd < 0) {
		struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

		if (ioctl(r->vm_fd, KVM_CREATE_DEVICE, &cd) == 0)
			r->kvm_vfio_fd = cd.fd;
		else
			log_info("KVM_CREATE_DEVICE(vfio): %s", strerror(errno));
	}
	if (r->kvm_vfio_fd >= 0) {
		memset(&attr, 0, sizeof(attr));
		attr.group = KVM_DEV_VFIO_GROUP;
		attr.attr = KVM_DEV_VFIO_GROUP_ADD;
		attr.addr = (__u64)(uintptr_t)&s->group_fd;
		if (ioctl(r->kvm_vfio_fd, KVM_SET_DEVICE_ATTR, &attr) == 0)
			s->kvm_vfio = true;
		else
			log_info("slot %u: kvm-vfio GROUP_ADD: %s", s->num,
				 strerror(errno));
	}
	return 0;

fail_unmap:
	{
		char tmp[LPAR_REASON_LEN];

		vfio_dma_unmap(r, s, tmp, sizeof(tmp));
	}
fail_unset:
	vfio_close(r, s);
	return -1;
fail:
	vfio_close(r, s);
	return -1;
}

/* Undo vfio_open (INTx must be off already); all fds closed. */
void vfio_close(struct runner *r, struct pci_slot *s)
{
	struct kvm_device_attr attr;
	char tmp[LPAR_REASON_LEN];
	unsigned int i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		if (s->bars[i].map)
			munmap(s->bars[i].map, s->bars[i].reg_size);
		s->bars[i].map = NULL;
	}
	if (s->kvm_vfio && r->kvm_vfio_fd >= 0) {
		memset(&attr, 0, sizeof(attr));
		attr.group = KVM_DEV_VFIO_GROUP;
		attr.attr = KVM_DEV_VFIO_GROUP_DEL;
		attr.addr = (__u64)(uintptr_t)&s->group_fd;
		if (ioctl(r->kvm_vfio_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
			log_info("slot %u: kvm-vfio GROUP_DEL: %s", s->num,
				 strerror(errno));
		s->kvm_vfio = false;
	}
	/* Closing the device fd resets the device (vfio-pci). */
	close_fd(&s->device_fd);
	if (s->container_fd >= 0 && s->dma_size &&
	    vfio_dma_unmap(r, s, tmp, sizeof(tmp)))
		log_info("%s", tmp);
	s->dma_size = 0;
	if (s->group_fd >= 0 && s->container_fd >= 0 &&
	    ioctl(s->group_fd, VFIO_GROUP_UNSET_CONTAINER) < 0 &&
	    errno != EINVAL)
		log_info("slot %u: VFIO_GROUP_UNSET_CONTAINER: %s", s->num,
			 strerror(errno));
	close_fd(&s->container_fd);
	close_fd(&s->group_fd);
}

static int set_irqs(struct pci_slot *s, __u32 index, __u32 action, int fd,
		    __u32 count)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(__s32)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = count ? sizeof(buf) : sizeof(*set);
	set->flags = action |
		     (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	set->index = index;
	set->start = 0;
	set->count = count;
	if (count)
		memcpy(set->data, &fd, sizeof(__s32));
	return ioctl(s->device_fd, VFIO_DEVICE_SET_IRQS, set);
}

/*
 * INTx: VFIO signals @intx_trigger and masks the line when the device
 * asserts it; KVM's irqfd raises the slot's GSI (level) from it, and at
 * the guest's EOI signals @intx_resample, which VFIO takes as "unmask":
 * if the device still asserts, it fires again.  Nothing passes through
 * the runner.
 */
int vfio_intx_enable(struct runner *r, struct pci_slot *s, char *why,
		     size_t len)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	char tmp[LPAR_REASON_LEN];
	__u32 gsi = LPAR_PCI_INTX_GSI(s->num);

	s->intx_trigger = -1;
	s->intx_resample = -1;
	ii.index = VFIO_PCI_INTX_IRQ_INDEX;
	if (ioctl(s->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_GET_IRQ_INFO(INTx): %s",
			 s->num, strerror(errno));
		return -1;
	}
	if (!ii.count)		/* no interrupt pin */
		return 0;
	s->intx_trigger = eventfd(0, EFD_CLOEXEC);
	s->intx_resample = eventfd(0, EFD_CLOEXEC);
	if (s->intx_trigger < 0 || s->intx_resample < 0) {
		snprintf(why, len, "slot %u: eventfd: %s", s->num,
			 strerror(errno));
		goto fail;
	}
	if (kvm_irqfd(r, s->intx_trigger, s->intx_resample, gsi, false, why,
		      len))
		goto fail;
	if (set_irqs(s, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER,
		     s->intx_trigger, 1) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_SET_IRQS(INTx trigger): %s",
			 s->num, strerror(errno));
		goto fail_irqfd;
	}
	if (set_irqs(s, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK,
		     s->intx_resample, 1) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_SET_IRQS(INTx unmask): %s",
			 s->num, strerror(errno));
		set_irqs(s, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_ACTION_TRIGGER, -1, 0);
		goto fail_irqfd;
	}
	log_debug("slot %u: INTx on GSI %u", s->num, gsi);
	return 0;

fail_irqfd:
	kvm_irqfd(r, s->intx_trigger, -1, gsi, true, tmp, sizeof(tmp));
fail:
	close_fd(&s->intx_trigger);
	close_fd(&s->intx_resample);
	return -1;
}

/* Stop INTx: VFIO lets go of the eventfds, KVM of the irqfd. */
void vfio_intx_disable(struct runner *r, struct pci_slot *s)
{
	char tmp[LPAR_REASON_LEN];

	if (s->intx_trigger < 0)
		return;
	if (s->device_fd >= 0 &&
	    set_irqs(s, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER,
		     -1, 0) < 0)
		log_info("slot %u: VFIO_DEVICE_SET_IRQS(INTx off): %s", s->num,
			 strerror(errno));
	if (kvm_irqfd(r, s->intx_trigger, -1, LPAR_PCI_INTX_GSI(s->num), true,
		      tmp, sizeof(tmp)))
		log_info("slot %u: %s", s->num, tmp);
	close_fd(&s->intx_trigger);
	close_fd(&s->intx_resample);
}

/*
 * MSI, one vector: VFIO signals @trigger for each message of the device
 * (the host's own, vfio-pci programs it); KVM's irqfd turns the signal
 * into the guest's message through MSI route @gsi, edge-triggered, no
 * resample.  A masked vector is an irqfd deassigned: signals accumulate
 * in the eventfd (the pending bit) and the assign at unmask delivers
 * them.  VFIO takes MSI only with INTx off: INTx goes first.
 */
static int msi_irqfd(struct runner *r, struct pci_slot *s, bool on,
		     char *why, size_t len)
{
	struct pci_msi *m = &s->msi;
	__u64 stale;

	if (m->irqfd == on)
		return 0;
	if (kvm_irqfd(r, m->trigger, -1, m->gsi, !on, why, len))
		return -1;
	m->irqfd = on;
	/*
	 * A signal pending at the assign was injected by it, but KVM reads
	 * the counter only at later signals: drop the count, or the next
	 * unmask would deliver it again.
	 */
	if (on && read(m->trigger, &stale, sizeof(stale)) < 0 &&
	    errno != EAGAIN)
		log_info("slot %u: MSI eventfd: %s", s->num, strerror(errno));
	return 0;
}

int vfio_msi_enable(struct runner *r, struct pci_slot *s, __u64 addr,
		    __u32 data, bool masked, char *why, size_t len)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	struct pci_msi *m = &s->msi;
	char tmp[LPAR_REASON_LEN];

	ii.index = VFIO_PCI_MSI_IRQ_INDEX;
	if (ioctl(s->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0 ||
	    !ii.count || !(ii.flags & VFIO_IRQ_INFO_EVENTFD)) {
		snprintf(why, len, "slot %u: VFIO has no MSI for %s", s->num,
			 s->bdf);
		return -1;
	}
	vfio_intx_disable(r, s);
	m->gsi = -1;
	m->irqfd = false;
	m->trigger = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (m->trigger < 0) {
		snprintf(why, len, "slot %u: eventfd: %s", s->num,
			 strerror(errno));
		goto fail;
	}
	if (kvm_msi_route(r, &m->gsi, addr, data, why, len))
		goto fail;
	if (!masked && msi_irqfd(r, s, true, why, len))
		goto fail;
	if (set_irqs(s, VFIO_PCI_MSI_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER,
		     m->trigger, 1) < 0) {
		snprintf(why, len, "slot %u: VFIO_DEVICE_SET_IRQS(MSI): %s",
			 s->num, strerror(errno));
		goto fail;
	}
	m->enabled = true;
	m->addr = addr;
	m->data = data;
	log_info("slot %u: MSI on, GSI %d (address 0x%llx data 0x%x%s)",
		 s->num, m->gsi, (unsigned long long)addr, data,
		 masked ? ", masked" : "");
	return 0;
fail:
	msi_irqfd(r, s, false, tmp, sizeof(tmp));
	if (m->gsi >= 0)
		kvm_msi_route_del(r, m->gsi);
	m->gsi = -1;
	close_fd(&m->trigger);
	if (s->irq_pin && vfio_intx_enable(r, s, tmp, sizeof(tmp)))
		log_err("%s", tmp);
	return -1;
}

/* The guest changed the message or the mask bit while MSI is on. */
int vfio_msi_update(struct runner *r, struct pci_slot *s, __u64 addr,
		    __u32 data, bool masked, char *why, size_t len)
{
	struct pci_msi *m = &s->msi;

	if (addr != m->addr || data != m->data) {
		if (kvm_msi_route(r, &m->gsi, addr, data, why, len))
			return -1;
		m->addr = addr;
		m->data = data;
		log_debug("slot %u: MSI GSI %d now address 0x%llx data 0x%x",
			  s->num, m->gsi, (unsigned long long)addr, data);
	}
	return msi_irqfd(r, s, !masked, why, len);
}

/*
 * MSI off, in the order that leaves nothing dangling: no injection
 * (irqfd), no signal (VFIO), then the route.  INTx stays off.
 */
void vfio_msi_disable(struct runner *r, struct pci_slot *s)
{
	struct pci_msi *m = &s->msi;
	char tmp[LPAR_REASON_LEN];

	if (!m->enabled)
		return;
	if (msi_irqfd(r, s, false, tmp, sizeof(tmp)))
		log_err("slot %u: %s", s->num, tmp);
	if (s->device_fd >= 0 &&
	    set_irqs(s, VFIO_PCI_MSI_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER,
		     -1, 0) < 0)
		log_info("slot %u: VFIO_DEVICE_SET_IRQS(MSI off): %s", s->num,
			 strerror(errno));
	kvm_msi_route_del(r, m->gsi);
	log_info("slot %u: MSI off, GSI %d route removed", s->num, m->gsi);
	m->gsi = -1;
	close_fd(&m->trigger);
	m->enabled = false;
}

/* A masked vector's pending bit: a signal waits in the eventfd. */
bool vfio_msi_pending(struct pci_slot *s)
{
	struct pollfd p = { .fd = s->msi.trigger, .events = POLLIN };

	return s->msi.enabled && !s->msi.irqfd && poll(&p, 1, 0) == 1 &&
	       (p.revents & POLLIN);
}

/* Config space of the device through VFIO; little endian. */
int vfio_cfg_read(struct pci_slot *s, unsigned int off, unsigned int size,
		  __u32 *val)
{
	__u32 v = 0;

	if (off + size > s->cfg_size ||
	    pread(s->device_fd, &v, size, s->cfg_offset + off) != (ssize_t)size) {
		*val = 0xffffffffU;
		return -1;
	}
	*val = v;
	return 0;
}

int vfio_cfg_write(struct pci_slot *s, unsigned int off, unsigned int size,
		   __u32 val)
{
	if (off + size > s->cfg_size ||
	    pwrite(s->device_fd, &val, size, s->cfg_offset + off) !=
	    (ssize_t)size)
		return -1;
	return 0;
}

/* A trapped BAR access, @len bytes at @off into BAR @bar. */
int vfio_bar_rw(struct pci_slot *s, unsigned int bar, __u64 off, void *buf,
		unsigned int len, bool write)
{
	struct pci_bar *b = &s->bars[bar];
	ssize_t n;

	if (off + len > b->reg_size)
		return -1;
	if (write)
		n = pwrite(s->device_fd, buf, len, b->reg_offset + off);
	else
		n = pread(s->device_fd, buf, len, b->reg_offset + off);
	return n == (ssize_t)len ? 0 : -1;
}
