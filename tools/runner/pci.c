// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner: the guest's PCI machine -- configuration mechanism #1 on
 * ports 0xcf8 / 0xcfc..0xcff (bus 0, slot s = device s function 0),
 * the slots' BARs in the MMIO window (KVM memslots over the VFIO
 * regions, or trapped), and the slot orders of the module (attach,
 * detach, DMA quiesce / SALE / resume).  See
 * Documentation/lpar/runner-pci.rst.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

/* Config space registers (type 0 header). */
#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_BAR_END		0x28
#define PCI_ROM_ADDRESS		0x30
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11

/* The MSI capability (offsets from its start). */
#define PCI_MSI_FLAGS		0x02
#define  PCI_MSI_FLAGS_ENABLE	0x0001
#define  PCI_MSI_FLAGS_64BIT	0x0080
#define  PCI_MSI_FLAGS_MASKBIT	0x0100
#define PCI_MSI_ADDRESS_LO	0x04
#define PCI_MSI_ADDRESS_HI	0x08	/* 64-bit only */
#define PCI_MSI_DATA_32		0x08
#define PCI_MSI_DATA_64		0x0c
#define PCI_MSI_MASK_32		0x0c
#define PCI_MSI_MASK_64		0x10

/* How a config space byte is served (struct pci_slot.cfg_virt). */
enum {
	PCI_CFG_PASS = 0,	/* the device's, through VFIO */
	PCI_CFG_HIDDEN,		/* reads 0, writes ignored */
	PCI_CFG_NEXT,		/* a capability's next pointer: cap_next[] */
	PCI_CFG_MSI,		/* the MSI capability: struct pci_msi */
};

/* QEMU's edu device: BAR0 0x98 bit 0 = DMA running. */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_DMA_CMD		0x98
#define EDU_DMA_RUN		0x1

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

void pci_init(struct runner *r)
{
	unsigned int i;

	r->kvm_vfio_fd = -1;
	r->sci_trigger = -1;
	r->sci_resample = -1;
	for (i = 0; i < LPAR_MAX_SLOTS; i++) {
		struct pci_slot *s = &r->slots[i];

		memset(s, 0, sizeof(*s));
		pthread_mutex_init(&s->lock, NULL);
		s->num = i;
		s->group_fd = -1;
		s->container_fd = -1;
		s->device_fd = -1;
		s->intx_trigger = -1;
		s->intx_resample = -1;
		s->msi.trigger = -1;
		s->msi.gsi = -1;
	}
}

static bool slot_is_attached(struct runner *r, unsigned int slot)
{
	return __atomic_load_n(&r->pci_attached, __ATOMIC_ACQUIRE) &
	       (1U << slot);
}

/* --- BARs --------------------------------------------------------------- */

static bool bar_in_window(const struct pci_bar *b)
{
	return b->size && b->addr >= LPAR_PCI_MMIO_BASE &&
	       b->addr + b->size <= LPAR_PCI_MMIO_BASE + LPAR_PCI_MMIO_SIZE &&
	       b->addr + b->size > b->addr;
}

/* The BAR decodes: memory enabled, programmed inside the window. */
static bool bar_decodes(const struct pci_slot *s, const struct pci_bar *b)
{
	return s->attached && (s->command & PCI_COMMAND_MEMORY) &&
	       !b->upper && bar_in_window(b);
}

static void bar_unslot(struct runner *r, struct pci_slot *s, unsigned int i)
{
	struct pci_bar *b = &s->bars[i];
	char why[LPAR_REASON_LEN];

	if (!b->slotted)
		return;
	if (kvm_set_memslot(r, RUNNER_BAR_MEMSLOT(s->num, i), b->slot_gpa, 0,
			    NULL, why, sizeof(why)))
		log_err("slot %u: BAR%u: %s", s->num, i, why);
	b->slotted = false;
}

/*
 * Make the memslots match the BARs: a decoding, mmap-able, page-sized
 * BAR of a slot that is not quiesced is a memslot at its guest address;
 * everything else is left to MMIO exits (pci_mmio).  Slot lock held.
 */
static void bars_update(struct runner *r, struct pci_slot *s)
{
	char why[LPAR_REASON_LEN];
	unsigned int i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &s->bars[i];
		bool want = bar_decodes(s, b) && b->map && !s->quiesced &&
			    !(b->size & (page_size() - 1)) &&
			    !(b->addr & (page_size() - 1));

		if (b->slotted && (!want || b->slot_gpa != b->addr))
			bar_unslot(r, s, i);
		if (!want || b->slotted)
			continue;
		if (kvm_set_memslot(r, RUNNER_BAR_MEMSLOT(s->num, i), b->addr,
				    b->size, b->map, why, sizeof(why))) {
			/* Overlaps storage or another BAR: trap it instead. */
			log_info("slot %u: BAR%u not mapped (%s): trapped",
				 s->num, i, why);
			continue;
		}
		b->slotted = true;
		b->slot_gpa = b->addr;
		log_debug("slot %u: BAR%u at 0x%llx+0x%llx mapped", s->num, i,
			  (unsigned long long)b->addr,
			  (unsigned long long)b->size);
	}
}

static void bars_unslot_all(struct runner *r, struct pci_slot *s)
{
	unsigned int i;

	for (i = 0; i < PCI_NUM_BARS; i++)
		bar_unslot(r, s, i);
}

static __u32 bar_read(const struct pci_slot *s, unsigned int i)
{
	const struct pci_bar *b = &s->bars[i];
	const struct pci_bar *lo;

	if (b->upper) {
		lo = &s->bars[i - 1];
		return (__u32)((lo->addr & ~(lo->size - 1)) >> 32);
	}
	if (!b->size)
		return 0;
	return ((__u32)b->addr & (__u32)~(b->size - 1) & ~0xfU) | b->flags;
}

static void bar_write(struct pci_slot *s, unsigned int i, __u32 val)
{
	struct pci_bar *b = &s->bars[i];
	struct pci_bar *lo;

	if (b->upper) {
		lo = &s->bars[i - 1];
		lo->addr = ((lo->addr & 0xffffffffULL) | ((__u64)val << 32)) &
			   ~(lo->size - 1);
		return;
	}
	if (!b->size)
		return;
	b->addr = ((b->addr & ~0xffffffffULL) | (val & ~0xfU)) &
		  ~(b->size - 1);
}

/* The BARs as the device has them (flags) and VFIO sizes them. */
static int bars_init(struct pci_slot *s, char *why, size_t len)
{
	unsigned int i;
	__u32 raw;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &s->bars[i];

		if (b->upper)
			continue;
		if (vfio_cfg_read(s, PCI_BAR0 + 4 * i, 4, &raw)) {
			snprintf(why, len, "slot %u: config read of BAR%u failed",
				 s->num, i);
			return -1;
		}
		b->addr = 0;
		if (raw & 0x1 || !b->reg_size) {	/* I/O BAR: not offered */
			b->size = 0;
			if (raw & 0x1 && b->reg_size)
				log_info("slot %u: I/O BAR%u (%llu bytes) not supported",
					 s->num, i,
					 (unsigned long long)b->reg_size);
			continue;
		}
		if (b->reg_size & (b->reg_size - 1)) {
			snprintf(why, len, "slot %u: BAR%u size 0x%llx not a power of 2",
				 s->num, i, (unsigned long long)b->reg_size);
			return -1;
		}
		b->size = b->reg_size < 16 ? 16 : b->reg_size;
		b->flags = raw & 0xf;
		b->is64 = ((raw >> 1) & 0x3) == 0x2 && i < PCI_NUM_BARS - 1;
		if (b->is64) {
			s->bars[i + 1].upper = true;
			s->bars[i + 1].size = 0;
		} else {
			b->flags &= ~0x6U;	/* 32-bit */
		}
	}
	return 0;
}

/* --- capabilities ------------------------------------------------------- */

static __u8 cfg8(struct pci_slot *s, unsigned int off)
{
	__u32 v;

	vfio_cfg_read(s, off, 1, &v);
	return v;
}

static __u16 cfg16(struct pci_slot *s, unsigned int off)
{
	__u32 v;

	vfio_cfg_read(s, off, 2, &v);
	return v;
}

static unsigned int msi_cap_len(__u16 ctl)
{
	unsigned int len = 10;

	if (ctl & PCI_MSI_FLAGS_64BIT)
		len += 4;
	if (ctl & PCI_MSI_FLAGS_MASKBIT)
		len += 10;
	return len;
}

static unsigned int msi_data_off(const struct pci_msi *m)
{
	return m->is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;
}

static unsigned int msi_mask_off(const struct pci_msi *m)
{
	return m->is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;
}

static __u32 msi_le(const struct pci_msi *m, unsigned int off,
		    unsigned int size)
{
	__u32 v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (__u32)m->regs[off + i] << (8 * i);
	return v;
}

/*
 * The guest's MSI capability at @pos as after reset: disabled, message
 * 0.  One vector only (Multiple Message Capable 0), whatever the device
 * has: each vector would need a route and an eventfd of its own, and
 * single-vector drivers are the rule.  The device's 64-bit and
 * per-vector-mask bits stay, so the layout is the device's.
 */
static void msi_init(struct pci_slot *s, unsigned int pos)
{
	struct pci_msi *m = &s->msi;
	__u16 ctl = cfg16(s, pos + PCI_MSI_FLAGS);
	unsigned int k;

	memset(m->regs, 0, sizeof(m->regs));
	memset(m->wmask, 0, sizeof(m->wmask));
	m->pos = pos;
	m->len = msi_cap_len(ctl);
	m->is64 = ctl & PCI_MSI_FLAGS_64BIT;
	m->maskable = ctl & PCI_MSI_FLAGS_MASKBIT;
	m->regs[0] = PCI_CAP_ID_MSI;
	m->regs[PCI_MSI_FLAGS] = ctl & PCI_MSI_FLAGS_64BIT;
	m->regs[PCI_MSI_FLAGS + 1] = (ctl & PCI_MSI_FLAGS_MASKBIT) >> 8;
	m->wmask[PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE;
	/* The address is dword aligned: its low two bits read 0. */
	m->wmask[PCI_MSI_ADDRESS_LO] = 0xfc;
	for (k = 1; k < 4; k++)
		m->wmask[PCI_MSI_ADDRESS_LO + k] = 0xff;
	for (k = 0; m->is64 && k < 4; k++)
		m->wmask[PCI_MSI_ADDRESS_HI + k] = 0xff;
	m->wmask[msi_data_off(m)] = 0xff;
	m->wmask[msi_data_off(m) + 1] = 0xff;
	if (m->maskable)
		m->wmask[msi_mask_off(m)] = 0x01;
	for (k = 0; k < m->len && pos + k < 256; k++)
		s->cfg_virt[pos + k] = PCI_CFG_MSI;
}

/* A byte of the guest's MSI capability; the pending bit is live. */
static __u8 msi_read(struct pci_slot *s, unsigned int b)
{
	struct pci_msi *m = &s->msi;
	unsigned int k = b - m->pos;

	if (m->maskable && k == msi_mask_off(m) + 4)
		return vfio_msi_pending(s);
	return m->regs[k];
}

/*
 * Carry out what the guest's MSI registers now say: enable, disable, a
 * new message or mask bit.  A failed enable leaves the enable bit clear
 * (the guest can see it did not take) and INTx on.
 */
static void msi_apply(struct runner *r, struct pci_slot *s)
{
	struct pci_msi *m = &s->msi;
	char why[LPAR_REASON_LEN];
	bool want = m->regs[PCI_MSI_FLAGS] & PCI_MSI_FLAGS_ENABLE;
	bool masked = m->maskable && (m->regs[msi_mask_off(m)] & 1);
	__u64 addr = msi_le(m, PCI_MSI_ADDRESS_LO, 4);
	__u32 data = msi_le(m, msi_data_off(m), 2);

	if (m->is64)
		addr |= (__u64)msi_le(m, PCI_MSI_ADDRESS_HI, 4) << 32;
	if (want && !m->enabled) {
		if (vfio_msi_enable(r, s, addr, data, masked, why,
				    sizeof(why))) {
			log_err("%s", why);
			m->regs[PCI_MSI_FLAGS] &= ~PCI_MSI_FLAGS_ENABLE;
		}
	} else if (want) {
		if (vfio_msi_update(r, s, addr, data, masked, why, sizeof(why)))
			log_err("%s", why);
	} else if (m->enabled) {
		vfio_msi_disable(r, s);
		if (s->irq_pin && vfio_intx_enable(r, s, why, sizeof(why)))
			log_err("%s", why);
	}
}

/*
 * The guest's capability list: MSI emulated by the runner (msi_init);
 * MSI-X unlinked from the list and its registers hidden -- it is not
 * offered.
 */
static void caps_init(struct pci_slot *s)
{
	__u8 visible[48];
	unsigned int n = 0, pos, i, hops = 0;
	__u8 id;

	memset(s->cfg_virt, PCI_CFG_PASS, sizeof(s->cfg_virt));
	memset(s->cap_next, 0, sizeof(s->cap_next));
	s->cap_first = 0;
	s->msi.pos = 0;
	if (!(cfg16(s, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	pos = cfg8(s, PCI_CAPABILITY_LIST) & 0xfc;
	while (pos >= 0x40 && hops++ < 48) {
		id = cfg8(s, pos);
		if (id == PCI_CAP_ID_MSIX) {
			for (i = 0; i < 12 && pos + i < 256; i++)
				s->cfg_virt[pos + i] = PCI_CFG_HIDDEN;
			log_debug("slot %u: MSI-X capability at 0x%x hidden",
				  s->num, pos);
		} else if (n < ARRAY_SIZE(visible)) {
			if (id == PCI_CAP_ID_MSI && !s->msi.pos) {
				msi_init(s, pos);
				log_debug("slot %u: MSI capability at 0x%x (%s%s)",
					  s->num, pos,
					  s->msi.is64 ? "64-bit" : "32-bit",
					  s->msi.maskable ? ", maskable" : "");
			}
			visible[n++] = pos;
		}
		pos = cfg8(s, pos + 1) & 0xfc;
	}
	if (!n)
		return;
	s->cap_first = visible[0];
	for (i = 0; i < n; i++) {
		s->cfg_virt[visible[i] + 1] = PCI_CFG_NEXT;
		s->cap_next[visible[i] + 1] = i + 1 < n ? visible[i + 1] : 0;
	}
}

/* --- config space ------------------------------------------------------- */

/* The guest's view of config dword @d (slot lock held). */
static __u32 cfg_read_dword(struct pci_slot *s, unsigned int d)
{
	__u32 v, out = 0;
	unsigned int i, b;
	__u8 byte;

	if (d >= PCI_BAR0 && d < PCI_BAR_END)
		return bar_read(s, (d - PCI_BAR0) / 4);
	if (d == PCI_ROM_ADDRESS)
		return 0;		/* no expansion ROM */
	if (d == PCI_CAPABILITY_LIST)
		return s->cap_first;
	if (vfio_cfg_read(s, d, 4, &v))
		return 0xffffffffU;
	if (d == PCI_COMMAND) {
		if (!s->cap_first)
			v &= ~((__u32)PCI_STATUS_CAP_LIST << 16);
		return v;
	}
	if (d == (PCI_HEADER_TYPE & ~3U))
		return v & ~(0x80U << 16);	/* function 0 only */
	if (d == PCI_INTERRUPT_LINE) {
		v &= ~0xffU;
		v |= s->irq_pin ? LPAR_PCI_INTX_GSI(s->num) : 0xff;
		return v;
	}
	for (i = 0; i < 4; i++) {
		b = d + i;
		byte = v >> (8 * i);
		if (s->cfg_virt[b] == PCI_CFG_HIDDEN)
			byte = 0;
		else if (s->cfg_virt[b] == PCI_CFG_MSI)
			byte = msi_read(s, b);
		else if (s->cfg_virt[b] == PCI_CFG_NEXT)
			byte = s->cap_next[b];
		out |= (__u32)byte << (8 * i);
	}
	return out;
}

static bool cfg_byte_passes(struct pci_slot *s, unsigned int b)
{
	if (b >= PCI_BAR0 && b < PCI_BAR_END)
		return false;
	if (b >= PCI_ROM_ADDRESS && b < PCI_ROM_ADDRESS + 4)
		return false;
	if (b == PCI_CAPABILITY_LIST || b == PCI_INTERRUPT_LINE ||
	    b == PCI_INTERRUPT_PIN)
		return false;
	return s->cfg_virt[b] == PCI_CFG_PASS;
}

/*
 * A guest write of @size bytes at @off (inside one dword).  Emulated
 * bytes are taken here; runs of the others go to the device with their
 * own size, so that write-1-to-clear status bits see only what the guest
 * wrote.  Slot lock held.
 */
static void cfg_write(struct runner *r, struct pci_slot *s, unsigned int off,
		      unsigned int size, __u32 val)
{
	unsigned int d = off & ~3U, shift = 8 * (off & 3), i, run, k;
	__u32 cur, mask;
	__u16 old_cmd = s->command;
	bool msi = false;
	__u8 byte;

	if (d >= PCI_BAR0 && d < PCI_BAR_END) {
		mask = (size == 4 ? 0xffffffffU : ((1U << (8 * size)) - 1))
		       << shift;
		cur = bar_read(s, (d - PCI_BAR0) / 4);
		bar_write(s, (d - PCI_BAR0) / 4,
			  (cur & ~mask) | ((val << shift) & mask));
		bars_update(r, s);
		return;
	}
	for (i = 0; i < size; ) {
		if (s->cfg_virt[off + i] == PCI_CFG_MSI) {
			k = off + i - s->msi.pos;
			byte = val >> (8 * i);
			s->msi.regs[k] = (s->msi.regs[k] & ~s->msi.wmask[k]) |
					 (byte & s->msi.wmask[k]);
			msi = true;
		}
		if (!cfg_byte_passes(s, off + i)) {
			i++;
			continue;
		}
		for (run = 1; i + run < size && cfg_byte_passes(s, off + i + run);
		     run++)
			;
		if (vfio_cfg_write(s, off + i, run, val >> (8 * i)))
			log_debug("slot %u: config write 0x%x+%u failed",
				  s->num, off + i, run);
		i += run;
	}
	if (msi)
		msi_apply(r, s);
	if (off <= PCI_COMMAND + 1 && off + size > PCI_COMMAND) {
		__u32 v;

		if (!vfio_cfg_read(s, PCI_COMMAND, 2, &v))
			s->command = v;
		if ((s->command ^ old_cmd) & PCI_COMMAND_MEMORY)
			bars_update(r, s);
	}
}

/* Ports 0xcf8 (address, dword) and 0xcfc..0xcff (data). */
bool pci_port_io(struct vcpu *v, __u16 port, unsigned int size, bool out,
		 __u8 *data)
{
	struct runner *r = v->r;
	struct pci_slot *s;
	unsigned int dev, off, i;
	__u32 addr, val = 0, dw;

	if (port == LPAR_PORT_PCI_CONFIG && size == 4) {
		if (out) {
			memcpy(&val, data, 4);
			__atomic_store_n(&r->pci_address, val, __ATOMIC_RELEASE);
		} else {
			val = __atomic_load_n(&r->pci_address,
					      __ATOMIC_ACQUIRE);
			memcpy(data, &val, 4);
		}
		return true;
	}
	if (port < LPAR_PORT_PCI_CONFIG + 4 || port > LPAR_PORT_PCI_CONFIG + 7)
		return false;

	addr = __atomic_load_n(&r->pci_address, __ATOMIC_ACQUIRE);
	off = (addr & 0xfc) + (port - (LPAR_PORT_PCI_CONFIG + 4));
	dev = (addr >> 11) & 0x1f;
	if (out)
		memcpy(&val, data, size);
	/* Enabled, bus 0, function 0, a slot, no extended register bits. */
	if (!(addr & 0x80000000U) || (addr & 0x7fff0700U) || !dev ||
	    off + size > 256 || !slot_is_attached(r, dev))
		goto none;
	s = &r->slots[dev];
	pthread_mutex_lock(&s->lock);
	if (!s->attached) {
		pthread_mutex_unlock(&s->lock);
		goto none;
	}
	if (out) {
		/* Split at dword boundaries (a 4-byte access at 0xcfd). */
		for (i = 0; i < size; ) {
			unsigned int n = 4 - ((off + i) & 3);

			if (n > size - i)
				n = size - i;
			cfg_write(r, s, off + i, n, val >> (8 * i));
			i += n;
		}
	} else {
		for (i = 0; i < size; i++) {
			dw = cfg_read_dword(s, (off + i) & ~3U);
			val |= ((dw >> (8 * ((off + i) & 3))) & 0xff) << (8 * i);
		}
		memcpy(data, &val, size);
	}
	pthread_mutex_unlock(&s->lock);
	return true;
none:
	if (!out)
		memset(data, 0xff, size);
	return true;
}

/*
 * An MMIO exit: a BAR that decodes without a memslot (not mmap-able,
 * not page-sized, or the slot is quiesced).  Writes to a quiesced slot
 * wait for DMA_RESUME.  False when no BAR claims @gpa.
 */
bool pci_mmio(struct vcpu *v, __u64 gpa, unsigned int len, bool is_write,
	      __u8 *data)
{
	struct runner *r = v->r;
	unsigned int n, i;
	__u32 attached;

	if (gpa < LPAR_PCI_MMIO_BASE ||
	    gpa >= LPAR_PCI_MMIO_BASE + LPAR_PCI_MMIO_SIZE)
		return false;
again:
	attached = __atomic_load_n(&r->pci_attached, __ATOMIC_ACQUIRE);
	for (n = 1; n < LPAR_MAX_SLOTS; n++) {
		struct pci_slot *s = &r->slots[n];

		if (!(attached & (1U << n)))
			continue;
		pthread_mutex_lock(&s->lock);
		for (i = 0; i < PCI_NUM_BARS; i++) {
			struct pci_bar *b = &s->bars[i];

			if (!bar_decodes(s, b) || gpa < b->addr ||
			    gpa + len > b->addr + b->size)
				continue;
			if (is_write && s->quiesced) {
				pthread_mutex_unlock(&s->lock);
				if (vcpu_wait_slot(v, s))
					return true;	/* exiting: dropped */
				goto again;
			}
			if (vfio_bar_rw(s, i, gpa - b->addr, data, len,
					is_write) && !is_write)
				memset(data, 0xff, len);
			pthread_mutex_unlock(&s->lock);
			return true;
		}
		pthread_mutex_unlock(&s->lock);
	}
	return false;
}

/* --- orders ------------------------------------------------------------- */

bool pci_order_is_slot(__u32 order)
{
	return order == LPAR_ORDER_SLOT_ATTACH ||
	       order == LPAR_ORDER_SLOT_DETACH ||
	       order == LPAR_ORDER_DMA_QUIESCE ||
	       order == LPAR_ORDER_DMA_SALE ||
	       order == LPAR_ORDER_DMA_RESUME;
}

static void set_quiesced(struct runner *r, struct pci_slot *s, bool on)
{
	pthread_mutex_lock(&r->lock);
	s->quiesced = on;
	if (!on)
		pthread_cond_broadcast(&r->vcpu_cond);
	pthread_mutex_unlock(&r->lock);
}

/* Tear down an attached slot: accesses read all ones from now on. */
static void slot_teardown(struct runner *r, struct pci_slot *s)
{
	__atomic_and_fetch(&r->pci_attached, ~(1U << s->num),
			   __ATOMIC_RELEASE);
	s->attached = false;
	bars_unslot_all(r, s);
	vfio_msi_disable(r, s);
	vfio_intx_disable(r, s);
	vfio_close(r, s);
	/* vCPUs held by a quiesce find the slot gone. */
	set_quiesced(r, s, false);
}

static int slot_attach(struct runner *r, struct pci_slot *s, char *why,
		       size_t len)
{
	unsigned long long t0 = now_ms();
	struct lpar_runner_slot rs;
	__u32 v;

	if (s->attached) {
		snprintf(why, len, "slot %u already attached (%s)", s->num,
			 s->bdf);
		return -1;
	}
	memset(&rs, 0, sizeof(rs));
	rs.argsz = sizeof(rs);
	rs.slot = s->num;
	if (ioctl(r->pfd, LPAR_RUNNER_SLOT, &rs) < 0) {
		snprintf(why, len, "slot %u: LPAR_RUNNER_SLOT: %s", s->num,
			 strerror(errno));
		return -1;
	}
	memset(s->bars, 0, sizeof(s->bars));
	memcpy(s->bdf, rs.bdf, sizeof(s->bdf));
	s->bdf[sizeof(s->bdf) - 1] = '\0';
	s->vendor = rs.vendor;
	s->device = rs.device;
	s->group = rs.group;
	s->intx_trigger = -1;
	s->intx_resample = -1;
	memset(&s->msi, 0, sizeof(s->msi));
	s->msi.trigger = -1;
	s->msi.gsi = -1;
	s->quiesced = false;
	if (vfio_open(r, s, rs.fd, why, len))	/* closes rs.fd on failure */
		return -1;
	if (vfio_cfg_read(s, PCI_VENDOR_ID, 4, &v) || (v & 0xffff) == 0xffff) {
		snprintf(why, len, "slot %u: %s: config space unreadable",
			 s->num, s->bdf);
		goto fail;
	}
	if ((cfg8(s, PCI_HEADER_TYPE) & 0x7f) != 0) {
		snprintf(why, len, "slot %u: %s: header type 0x%x not supported",
			 s->num, s->bdf, cfg8(s, PCI_HEADER_TYPE) & 0x7f);
		goto fail;
	}
	if (bars_init(s, why, len))
		goto fail;
	caps_init(s);
	s->irq_pin = cfg8(s, PCI_INTERRUPT_PIN);
	if (s->irq_pin > 4)
		s->irq_pin = 0;
	/* The guest finds the device with decoding and mastering off. */
	if (vfio_cfg_read(s, PCI_COMMAND, 2, &v) == 0 &&
	    v & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		vfio_cfg_write(s, PCI_COMMAND, 2,
			       v & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
				     PCI_COMMAND_MASTER));
	s->command = cfg16(s, PCI_COMMAND);
	if (s->irq_pin && vfio_intx_enable(r, s, why, len))
		goto fail;
	s->attached = true;
	__atomic_or_fetch(&r->pci_attached, 1U << s->num, __ATOMIC_RELEASE);
	log_info("slot %u: attached %s (%04x:%04x, IOMMU group %u), INTx %s, MSI %s, %llu ms",
		 s->num, s->bdf, s->vendor, s->device, s->group,
		 s->irq_pin ? "on" : "none", s->msi.pos ? "offered" : "none",
		 now_ms() - t0);
	return 0;
fail:
	vfio_intx_disable(r, s);
	vfio_close(r, s);
	return -1;
}

/*
 * Wait until the device has no DMA in flight.  The edu device says so in
 * its DMA command register; for any other device, a fixed grace period
 * after its writes were held (none if bus mastering is off).
 */
static int slot_wait_idle(struct runner *r, struct pci_slot *s, char *why,
			  size_t len)
{
	unsigned long long deadline = now_ms() + RUNNER_QUIESCE_TIMEOUT_MS;
	bool edu = s->vendor == EDU_VENDOR && s->device == EDU_DEVICE;
	__u32 cmd;
	int ret;

	(void)r;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		if (!(s->command & PCI_COMMAND_MASTER)) {
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		ret = edu ? vfio_bar_rw(s, 0, EDU_DMA_CMD, &cmd, 4, false) : -1;
		pthread_mutex_unlock(&s->lock);
		if (ret) {
			/* Cannot ask the device (memory decoding off). */
			usleep(RUNNER_QUIESCE_GRACE_MS * 1000);
			return 0;
		}
		if (!(cmd & EDU_DMA_RUN))
			return 0;
		if (now_ms() >= deadline) {
			snprintf(why, len,
				 "slot %u: %s: DMA still running after %u ms",
				 s->num, s->bdf, RUNNER_QUIESCE_TIMEOUT_MS);
			return -1;
		}
		usleep(2000);
	}
}

static int slot_quiesce(struct runner *r, struct pci_slot *s, char *why,
			size_t len)
{
	unsigned long long t0 = now_ms();

	pthread_mutex_lock(&s->lock);
	set_quiesced(r, s, true);
	bars_update(r, s);	/* BAR accesses trap from now on */
	pthread_mutex_unlock(&s->lock);
	if (slot_wait_idle(r, s, why, len)) {
		/* Not quiesced after all: the guest goes on. */
		pthread_mutex_lock(&s->lock);
		set_quiesced(r, s, false);
		bars_update(r, s);
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	log_debug("slot %u: DMA quiesced after %llu ms", s->num,
		  now_ms() - t0);
	return 0;
}

/*
 * LPAR_RUNNER_FAULT=sale-skip in our environment (the module's test-only
 * runner_fault parameter): acknowledge SALE without re-mapping, as a
 * buggy or hostile runner could.  The module must not believe us: it
 * reads the IOMMU mappings back and fences the slot.
 */
static bool fault_sale_skip(void)
{
	const char *f = getenv("LPAR_RUNNER_FAULT");

	return f && !strcmp(f, "sale-skip");
}

static int slot_sale(struct runner *r, struct pci_slot *s, char *why,
		     size_t len)
{
	unsigned long long t0 = now_ms();
	int ret;

	if (fault_sale_skip()) {
		log_info("slot %u: SALE acknowledged without re-mapping (LPAR_RUNNER_FAULT=sale-skip)",
			 s->num);
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	ret = vfio_dma_unmap(r, s, why, len);
	if (!ret)
		ret = vfio_dma_map(r, s, why, len);
	pthread_mutex_unlock(&s->lock);
	if (!ret)
		log_debug("slot %u: DMA re-mapped (SALE) in %llu ms", s->num,
			  now_ms() - t0);
	return ret;
}

static void slot_resume(struct runner *r, struct pci_slot *s)
{
	pthread_mutex_lock(&s->lock);
	set_quiesced(r, s, false);
	bars_update(r, s);
	pthread_mutex_unlock(&s->lock);
}

/* A slot order of the module: 0 to ACK, -1 to NACK with @why. */
int pci_order(struct runner *r, const struct lpar_order *o, char *why,
	      size_t len)
{
	struct pci_slot *s;
	int ret = 0;

	if (o->slot < 1 || o->slot >= LPAR_MAX_SLOTS) {
		snprintf(why, len, "bad slot number %u", o->slot);
		return -1;
	}
	s = &r->slots[o->slot];
	if (o->order == LPAR_ORDER_SLOT_ATTACH) {
		pthread_mutex_lock(&s->lock);
		ret = slot_attach(r, s, why, len);
		pthread_mutex_unlock(&s->lock);
		return ret;
	}
	if (!slot_is_attached(r, o->slot)) {
		if (o->order == LPAR_ORDER_SLOT_DETACH) {
			log_info("slot %u: detach: not attached", o->slot);
			return 0;
		}
		snprintf(why, len, "slot %u not attached", o->slot);
		return -1;
	}
	switch (o->order) {
	case LPAR_ORDER_SLOT_DETACH:
		pthread_mutex_lock(&s->lock);
		log_info("slot %u: detaching %s", s->num, s->bdf);
		slot_teardown(r, s);
		pthread_mutex_unlock(&s->lock);
		break;
	case LPAR_ORDER_DMA_QUIESCE:
		ret = slot_quiesce(r, s, why, len);
		break;
	case LPAR_ORDER_DMA_SALE:
		ret = slot_sale(r, s, why, len);
		break;
	case LPAR_ORDER_DMA_RESUME:
		slot_resume(r, s);
		break;
	default:
		snprintf(why, len, "order %u is no slot order", o->order);
		ret = -1;
	}
	return ret;
}

/*
 * The storage was re-mapped at a new size (RESIZE, vCPUs held): map it
 * again for every attached slot's DMA.
 */
int pci_storage_resized(struct runner *r, char *why, size_t len)
{
	unsigned int n;
	int ret = 0;

	for (n = 1; n < LPAR_MAX_SLOTS && !ret; n++) {
		struct pci_slot *s = &r->slots[n];

		if (!slot_is_attached(r, n))
			continue;
		pthread_mutex_lock(&s->lock);
		ret = vfio_dma_unmap(r, s, why, len);
		if (!ret)
			ret = vfio_dma_map(r, s, why, len);
		pthread_mutex_unlock(&s->lock);
	}
	return ret;
}

/*
 * The EXIT order, vCPUs ended: every slot is torn down as a detach
 * would, so that nothing of the device's interrupts outlives the VM by
 * the order of fd closing at exit.
 */
void pci_exit(struct runner *r)
{
	unsigned int n;

	for (n = 1; n < LPAR_MAX_SLOTS; n++) {
		struct pci_slot *s = &r->slots[n];

		if (!slot_is_attached(r, n))
			continue;
		pthread_mutex_lock(&s->lock);
		slot_teardown(r, s);
		pthread_mutex_unlock(&s->lock);
	}
}
