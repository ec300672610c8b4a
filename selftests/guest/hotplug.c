// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug.bin: a guest that takes PCI slots through ACPI-style hot-plug
 * (uapi/linux/lpar.h, "PCI slots (issue 4)") and proves each device works
 * with an edu (1234:11e8) DMA round trip into its own storage.
 *
 * Set-up (vCPU 0; others park): IDT, LAPIC (periodic timer, 100 ms),
 * 8259s masked, IOAPIC: SCI (GSI 9) and the INTx lines (GSI 16..23),
 * level-triggered, active high; GPE0_EN = LPAR_GPE_PCI_HOTPLUG.  Devices
 * present at boot are configured like insertions.
 *
 * SCI handler: GPE0_STS is cleared (write 1 to clear) before PCIHP_UP and
 * PCIHP_DOWN are read (both clear on read), so an event that comes in
 * between raises SCI again rather than getting lost.
 *
 * Insertion of slot s: config space of bus 0 device s; an edu gets BAR0
 * sized and assigned inside the guest's window (LPAR_PCI_MMIO_BASE +
 * s * 8 MiB), memory decoding and bus mastering enabled, its ID register
 * and liveness register checked; then one DMA round trip: a pattern
 * derived from (partition, slot, round) goes RAM -> device buffer, then
 * device buffer -> another (poisoned) RAM buffer, each transfer ending
 * with the edu's completion interrupt on the slot's INTx (or its MSI,
 * below); the second buffer is verified word by word.
 *
 * MSI (a partition name containing "-msi", e.g. "PCIA-msi"): at
 * insertion the edu's MSI capability is programmed -- address 0xfee00000
 * with our LAPIC ID as destination, data = vector 0x60 + (s - 1) % 8,
 * fixed, edge -- and enabled; the completion interrupts must then come
 * on that vector, and one on the slot's INTx line is an error.  The
 * eject disables MSI again.  Either way the MSI capability, when there
 * is one, must be found as after reset (disabled, message 0) at every
 * insertion: a previous owner's setting must not show.
 *
 * Eject request of slot s: wait for its DMA to end, disable decoding and
 * bus mastering, write bit s to PCIHP_EJ.
 *
 * dmaloop.bin (this file with DMA_CONTINUOUS): after the first round
 * trip, round trips go on back to back, with a new pattern each round,
 * through eight buffer pairs spread over the storage (so that a storage
 * move relocates them), each destination re-verified before it is reused.
 *
 * Every ~2 s a configured slot is probed (config vendor ID and BAR0 ID
 * register); "slot S: device gone" / "slot S: device back" on COM1 when
 * that changes (enable = 0 must make the device vanish).
 *
 * pcictl.bin (this file with SC_CONTROL): the partition's own cluster
 * software.  After boot it carries out the LPAR_SC_PCI requests its
 * partition name spells, in order: "-rS" (rem_pci of slot S), "-aS"
 * (add_pci of slot S), each optionally followed by "pN" for partition N
 * (default: itself), e.g. "CTL-r5p20-a5" takes slot 5 from partition 20
 * and adds it to itself.  Each request is polled with LPAR_SC_PCI_STATUS
 * until it ends; COM1 gets "pcictl: op I rem|add slot S partition N:
 * status X" (1 done, 2 + errno failed) or "...: refused, sccb 0xNNNN"
 * when the call itself fails, then "pcictl: ops done (N)".  The
 * insertion SCI that its own add raises is handled as usual.
 *
 * Metrics (LPAR_SC_METRIC): 0 = insertions configured, 1 = DMA round
 * trips verified, 2 = errors, 3 = ejects done.  Reports: PROGRESS(0) when
 * ready for events, PASS(insertions) after each insertion's round trip,
 * FAIL(code) on every error (the guest goes on).  Heartbeats every 0.5 s.
 */
#include "lib.h"

#ifndef DMA_CONTINUOUS
#define DMA_CONTINUOUS	0
#endif
#ifndef SC_CONTROL
#define SC_CONTROL	0
#endif
#ifndef GUEST
#define GUEST		"hotplug"
#endif

#define VEC_TIMER	0x40
#define VEC_SCI		0x41
#define VEC_INTX	0x50	/* + GSI - 16 */
#define VEC_MSI		0x60	/* + (slot - 1) % 8 */
#define TIMER_COUNT	6250000	/* x16 at KVM's 1 GHz APIC bus: 100 ms */
#define TICK_MS		100
#define HB_TICKS	5
#define PROBE_TICKS	20
#define DMA_TICKS	100	/* a transfer's deadline: 10 s */

#define SLOT_WIN	0x800000UL	/* BAR window per slot: 8 MiB */

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_LIVE	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_DMA_IRQ	0x4
#define EDU_IRQ_DMA	0x100
#define EDU_BUF		0x40000UL
/*
 * Bytes per transfer: QEMU 7.2's edu refuses (hw_error, which aborts the
 * whole VM) a transfer that ends exactly at the end of its 4 KiB buffer
 * (off-by-one in edu_check_range), so stay 8 bytes short of it.
 */
#define XFER		4088UL
#define BUF		4096UL

#define NR_PAIRS	8

/* Error codes: FAIL report value = code << 8 | slot. */
enum {
	E_EMPTY = 1, E_HEADER, E_BAR, E_BARSIZE, E_ID, E_LIVE, E_DMA_TIMEOUT,
	E_NO_INTX, E_DMA_BUSY, E_VERIFY, E_SRC, E_KEEP, E_GPE_EN,
	E_NO_MSI_CAP, E_MSI_STALE, E_MSI_PROG, E_MSI_ENABLE, E_NO_MSI,
	E_INTX_NOT_MSI,
};

/* The MSI capability (offsets from its start). */
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_CAP_ID_MSI		0x05
#define MSI_FLAGS		0x02
#define  MSI_ENABLE		0x0001
#define  MSI_64BIT		0x0080
#define  MSI_MASKBIT		0x0100
#define MSI_ADDR_LO		0x04
#define MSI_ADDR_HI		0x08
#define MSI_ADDR_BASE		0xfee00000U

struct slot {
	int present;		/* configured by us */
	int gone;		/* the last probe found it inaccessible */
	u64 bar;
	u64 bar_size;
	u64 round;
	u32 irq_seen;		/* edu status bits seen on the expected path */
	u32 msi;		/* MSI enabled by us: completions come by MSI */
	u32 msi_cap;		/* its offset, 0: none */
	u32 intx_seen;		/* edu status bits seen by INTx in MSI mode */
};

static struct slot slots[LPAR_MAX_SLOTS];
/* Written by the interrupt handlers: READ_ONCE / WRITE_ONCE elsewhere. */
static u32 ticks;
static u32 pend_up, pend_down;
static u32 sci_count, intx_count;
static u64 m_ins, m_dma, m_err, m_ej;
static u32 part_id;
static u64 mem_size;
static u32 apic_id;
static int use_msi;

static u8 buf_src[BUF] __aligned(4096);
static u8 buf_dst[BUF] __aligned(4096);

static inline u64 pat(u64 seed, u64 a)
{
	u64 v = (a ^ seed) * 0x9E3779B97F4A7C15UL;

	return v ^ (v >> 29);
}

static void metric(u32 idx, u64 v)
{
	sc_call(LPAR_SC_METRIC, idx, v, 0, 0, NULL, 0, NULL);
}

static void error(u32 code, u32 s, const char *why, u64 a, u64 b)
{
	m_err++;
	gprintf("lpar: " GUEST ": ERROR slot %u: %s (0x%llx 0x%llx)\n", s, why,
		a, b);
	metric(2, m_err);
	sc_log(why);
	sc_report(LPAR_REPORT_FAIL, (u64)code << 8 | s);
}

/* ---- interrupt handlers: no locks, no service calls ------------------ */

static __attribute__((interrupt)) void timer_irq(struct irq_frame *f)
{
	ticks++;
	lapic_eoi();
}

static __attribute__((interrupt)) void sci_irq(struct irq_frame *f)
{
	u16 sts = io_in16(LPAR_PORT_GPE0_STS);

	sci_count++;
	if (sts)
		io_out16(LPAR_PORT_GPE0_STS, sts);	/* W1C first */
	if (sts & LPAR_GPE_PCI_HOTPLUG) {
		pend_up |= io_in32(LPAR_PORT_PCIHP_UP);
		pend_down |= io_in32(LPAR_PORT_PCIHP_DOWN);
	}
	lapic_eoi();
}

/*
 * Slot @s's edu interrupt status, taken and acknowledged: by the path the
 * slot expects (MSI when it enabled MSI), or noted as INTx in MSI mode.
 */
static void edu_irq(u32 s, u32 by_msi)
{
	struct slot *sl = &slots[s];
	u32 st;

	if (!sl->present || (by_msi && !sl->msi))
		return;
	st = mmio_rd32(sl->bar + EDU_IRQ_STATUS);
	if (st == 0xffffffffU || !st)
		return;
	mmio_wr32(sl->bar + EDU_IRQ_ACK, st);
	if (sl->msi && !by_msi)
		sl->intx_seen |= st;
	else
		sl->irq_seen |= st;
}

static void intx(u32 gsi)
{
	u32 s;

	intx_count++;
	for (s = 1; s < LPAR_MAX_SLOTS; s++)
		if ((u32)LPAR_PCI_INTX_GSI(s) == gsi)
			edu_irq(s, 0);
	lapic_eoi();
}

/* MSI vector VEC_MSI + @k: the slots s with (s - 1) % 8 == k. */
static void msi(u32 k)
{
	u32 s;

	for (s = 1 + k; s < LPAR_MAX_SLOTS; s += 8)
		edu_irq(s, 1);
	lapic_eoi();
}

/* Handlers of INTx GSI 16 + n and of MSI vector VEC_MSI + n. */
#define IRQ_HANDLERS(n)							\
static __attribute__((interrupt)) void intx_##n(struct irq_frame *f)	\
{									\
	intx(16 + (n));							\
}									\
static __attribute__((interrupt)) void msi_##n(struct irq_frame *f)	\
{									\
	msi(n);								\
}

IRQ_HANDLERS(0)
IRQ_HANDLERS(1)
IRQ_HANDLERS(2)
IRQ_HANDLERS(3)
IRQ_HANDLERS(4)
IRQ_HANDLERS(5)
IRQ_HANDLERS(6)
IRQ_HANDLERS(7)

static const irq_handler_t intx_handlers[8] = {
	intx_0, intx_1, intx_2, intx_3, intx_4, intx_5, intx_6, intx_7,
};

static const irq_handler_t msi_handlers[8] = {
	msi_0, msi_1, msi_2, msi_3, msi_4, msi_5, msi_6, msi_7,
};

/* ---- edu --------------------------------------------------------------- */

/* One transfer with the completion interrupt; 0 or an error code. */
static u32 dma_xfer(u32 s, u64 src, u64 dst, u32 to_ram)
{
	struct slot *sl = &slots[s];
	u64 cmd;
	u32 t0;

	if (mmio_rd64(sl->bar + EDU_DMA_CMD) & EDU_DMA_RUN)
		return E_DMA_BUSY;
	irq_disable();
	sl->irq_seen &= ~EDU_IRQ_DMA;
	sl->intx_seen &= ~EDU_IRQ_DMA;
	irq_enable();
	mmio_wr64(sl->bar + EDU_DMA_SRC, src);
	mmio_wr64(sl->bar + EDU_DMA_DST, dst);
	mmio_wr64(sl->bar + EDU_DMA_CNT, XFER);
	mmio_wr64(sl->bar + EDU_DMA_CMD, EDU_DMA_RUN | EDU_DMA_IRQ |
		  (to_ram ? EDU_DMA_TO_RAM : 0));
	t0 = READ_ONCE(ticks);
	for (;;) {
		irq_disable();
		if (READ_ONCE(sl->irq_seen) & EDU_IRQ_DMA) {
			sl->irq_seen &= ~EDU_IRQ_DMA;
			irq_enable();
			break;
		}
		if (READ_ONCE(ticks) - t0 > DMA_TICKS) {
			irq_enable();
			if (READ_ONCE(sl->intx_seen) & EDU_IRQ_DMA)
				return E_INTX_NOT_MSI;
			cmd = mmio_rd64(sl->bar + EDU_DMA_CMD);
			if (!(cmd & EDU_DMA_RUN) &&
			    (mmio_rd32(sl->bar + EDU_IRQ_STATUS) & EDU_IRQ_DMA))
				return sl->msi ? E_NO_MSI : E_NO_INTX;
			return E_DMA_TIMEOUT;
		}
		safe_halt();
	}
	cmd = mmio_rd64(sl->bar + EDU_DMA_CMD);
	if (cmd & EDU_DMA_RUN)
		return E_DMA_BUSY;
	if (READ_ONCE(sl->intx_seen))
		return E_INTX_NOT_MSI;
	return 0;
}

static const char *xfer_error(u32 e)
{
	switch (e) {
	case E_NO_INTX:
		return "DMA done but no INTx";
	case E_NO_MSI:
		return "DMA done but no MSI";
	case E_INTX_NOT_MSI:
		return "interrupt by INTx while MSI is enabled";
	case E_DMA_BUSY:
		return "DMA engine busy";
	default:
		return "DMA timed out";
	}
}

/*
 * One round trip through @src and @dst (guest-physical, XFER bytes):
 * returns 0 after verifying, else an error (already counted).
 */
static int dma_round(u32 s, u64 src, u64 dst)
{
	struct slot *sl = &slots[s];
	u64 seed = (u64)part_id << 48 | (u64)s << 40 | ++sl->round;
	u64 i, v;
	u32 e;

	for (i = 0; i < XFER; i += 8) {
		st64(src + i, pat(seed, i));
		st64(dst + i, ~pat(seed, i));
	}
	e = dma_xfer(s, src, EDU_BUF, 0);
	if (!e)
		e = dma_xfer(s, EDU_BUF, dst, 1);
	if (e) {
		error(e, s, xfer_error(e), src, dst);
		return -1;
	}
	for (i = 0; i < XFER; i += 8) {
		v = ld64(dst + i);
		if (v != pat(seed, i)) {
			error(E_VERIFY, s, "DMA data wrong", dst + i, v);
			return -1;
		}
		v = ld64(src + i);
		if (v != pat(seed, i)) {
			error(E_SRC, s, "DMA source changed", src + i, v);
			return -1;
		}
	}
	m_dma++;
	metric(1, m_dma);
	return 0;
}

/* ---- MSI ------------------------------------------------------------- */

static u32 find_cap(u32 s, u8 id)
{
	u32 pos, n = 0;

	if (!(pci_cfg_rd16(s, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_cfg_rd8(s, PCI_CAPABILITY_LIST) & 0xfc;
	while (pos >= 0x40 && n++ < 48) {
		if (pci_cfg_rd8(s, pos) == id)
			return pos;
		pos = pci_cfg_rd8(s, pos + 1) & 0xfc;
	}
	return 0;
}

static u32 msi_data_off(u16 ctl)
{
	return ctl & MSI_64BIT ? 0x0c : 0x08;
}

/*
 * The MSI capability as a new owner must find it: disabled, message 0.
 * Returns its offset (0: none) or -1 (error counted).
 */
static int msi_check_reset(u32 s)
{
	u32 cap = find_cap(s, PCI_CAP_ID_MSI);
	u16 ctl;
	u32 addr, data;

	slots[s].msi_cap = cap;
	if (!cap)
		return 0;
	ctl = pci_cfg_rd16(s, cap + MSI_FLAGS);
	addr = pci_cfg_rd32(s, cap + MSI_ADDR_LO);
	data = pci_cfg_rd16(s, cap + msi_data_off(ctl));
	if ((ctl & MSI_ENABLE) || addr || data) {
		error(E_MSI_STALE, s, "MSI capability not as after reset",
		      ctl, (u64)addr << 32 | data);
		return -1;
	}
	return cap;
}

/* Program and enable MSI: vector VEC_MSI + (s - 1) % 8 on our LAPIC. */
static int msi_enable(u32 s)
{
	struct slot *sl = &slots[s];
	u32 cap = sl->msi_cap, addr, a, v, vec = VEC_MSI + (s - 1) % 8;
	u16 ctl;

	if (!cap) {
		error(E_NO_MSI_CAP, s, "no MSI capability", 0, 0);
		return -1;
	}
	ctl = pci_cfg_rd16(s, cap + MSI_FLAGS);
	addr = MSI_ADDR_BASE | apic_id << 12;
	pci_cfg_wr32(s, cap + MSI_ADDR_LO, addr);
	if (ctl & MSI_64BIT)
		pci_cfg_wr32(s, cap + MSI_ADDR_HI, 0);
	pci_cfg_wr16(s, cap + msi_data_off(ctl), vec);
	if (ctl & MSI_MASKBIT)
		pci_cfg_wr32(s, cap + msi_data_off(ctl) + 4, 0);
	a = pci_cfg_rd32(s, cap + MSI_ADDR_LO);
	v = pci_cfg_rd16(s, cap + msi_data_off(ctl));
	if (a != addr || v != vec) {
		error(E_MSI_PROG, s, "MSI address / data do not hold",
		      a, v);
		return -1;
	}
	/* Multiple Message Enable 0: one vector. */
	pci_cfg_wr16(s, cap + MSI_FLAGS, (ctl & ~0x70) | MSI_ENABLE);
	v = pci_cfg_rd16(s, cap + MSI_FLAGS);
	if (!(v & MSI_ENABLE)) {
		error(E_MSI_ENABLE, s, "MSI enable did not take", v, 0);
		return -1;
	}
	sl->msi = 1;
	gprintf("lpar: " GUEST ": slot %u MSI: cap 0x%x, %s, vectors %u, vector 0x%x to APIC %u\n",
		s, cap, ctl & MSI_64BIT ? "64-bit" : "32-bit",
		1U << ((ctl >> 1) & 7), vec, apic_id);
	return 0;
}

static void msi_disable(u32 s)
{
	struct slot *sl = &slots[s];

	if (!sl->msi)
		return;
	pci_cfg_wr16(s, sl->msi_cap + MSI_FLAGS,
		     pci_cfg_rd16(s, sl->msi_cap + MSI_FLAGS) & ~MSI_ENABLE);
	sl->msi = 0;
}

/* ---- hot-plug -------------------------------------------------------- */

static void insert(u32 s)
{
	struct slot *sl = &slots[s];
	u32 id = pci_cfg_rd32(s, PCI_VENDOR_ID), v, size, lo;
	u64 base;

	gprintf("lpar: " GUEST ": slot %u inserted: %x:%x (sci %u)\n", s,
		id & 0xffff, id >> 16, sci_count);
	if (id == 0xffffffffU || !id) {
		error(E_EMPTY, s, "inserted slot reads empty", id, 0);
		return;
	}
	if ((id & 0xffff) != EDU_VENDOR || id >> 16 != EDU_DEVICE) {
		gprintf("lpar: " GUEST ": slot %u: not an edu, left alone\n", s);
		return;
	}
	if (sl->present)
		gprintf("lpar: " GUEST ": slot %u was configured: again\n", s);
	sl->present = 0;
	sl->msi = 0;
	if ((pci_cfg_rd8(s, PCI_HEADER_TYPE) & 0x7f) != 0) {
		error(E_HEADER, s, "not a type 0 header", id, 0);
		return;
	}
	pci_cfg_wr16(s, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
	lo = pci_cfg_rd32(s, PCI_BAR0);
	pci_cfg_wr32(s, PCI_BAR0, 0xffffffffU);
	v = pci_cfg_rd32(s, PCI_BAR0);
	pci_cfg_wr32(s, PCI_BAR0, lo);
	if ((v & 1) || !(v & ~0xfU)) {
		error(E_BAR, s, "BAR0 is not a memory BAR", v, 0);
		return;
	}
	size = ~(v & ~0xfU) + 1;
	if (size > SLOT_WIN) {
		error(E_BARSIZE, s, "BAR0 too large for the window", size, 0);
		return;
	}
	base = LPAR_PCI_MMIO_BASE + (u64)s * SLOT_WIN;
	pci_cfg_wr32(s, PCI_BAR0, (u32)base);
	if (((v >> 1) & 3) == 2)
		pci_cfg_wr32(s, PCI_BAR0 + 4, 0);
	v = pci_cfg_rd32(s, PCI_BAR0) & ~0xfU;
	if (v != (u32)base) {
		error(E_BAR, s, "BAR0 does not hold its address", v, base);
		return;
	}
	pci_cfg_wr8(s, PCI_INTERRUPT_LINE, LPAR_PCI_INTX_GSI(s));
	pci_cfg_wr16(s, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	sl->bar = base;
	sl->bar_size = size;

	v = mmio_rd32(base + EDU_ID);
	if ((v & 0xffff) != 0x00ed) {
		error(E_ID, s, "edu ID register wrong", v, base);
		return;
	}
	mmio_wr32(base + EDU_LIVE, 0x5a00a500U ^ s);
	v = mmio_rd32(base + EDU_LIVE);
	if (v != ~(0x5a00a500U ^ s)) {
		error(E_LIVE, s, "edu liveness check failed", v, base);
		return;
	}
	/* Leftover interrupt status from a previous owner. */
	v = mmio_rd32(base + EDU_IRQ_STATUS);
	if (v)
		mmio_wr32(base + EDU_IRQ_ACK, v);
	sl->irq_seen = 0;
	sl->intx_seen = 0;
	sl->gone = 0;
	if (msi_check_reset(s) < 0)
		return;
	sl->present = 1;
	if (use_msi && msi_enable(s)) {
		sl->present = 0;
		return;
	}
	m_ins++;
	metric(0, m_ins);
	gprintf("lpar: " GUEST ": slot %u configured: BAR0 0x%llx (%u KiB), INTx GSI %u, insertion %llu\n",
		s, base, size >> 10, (u32)LPAR_PCI_INTX_GSI(s), m_ins);
	if (dma_round(s, (u64)buf_src, (u64)buf_dst))
		return;
	gprintf("lpar: " GUEST ": slot %u DMA round trip verified (%llu) by %s\n",
		s, m_dma, sl->msi ? "MSI" : "INTx");
	sc_report(LPAR_REPORT_PASS, m_ins);
}

static void eject(u32 s)
{
	struct slot *sl = &slots[s];
	u32 n = 0;

	gprintf("lpar: " GUEST ": slot %u eject request (sci %u)\n", s,
		sci_count);
	if (sl->present) {
		/* Our transfers are synchronous; still, never leave one running. */
		while ((mmio_rd64(sl->bar + EDU_DMA_CMD) & EDU_DMA_RUN) &&
		       n++ < 1000)
			delay_ticks(0x100000);
		msi_disable(s);
		pci_cfg_wr16(s, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
		sl->present = 0;
	}
	/* Counted before the acknowledgment: rem_pci returns on it. */
	m_ej++;
	metric(3, m_ej);
	gprintf("lpar: " GUEST ": slot %u released, eject %llu\n", s, m_ej);
	io_out32(LPAR_PORT_PCIHP_EJ, 1U << s);
}

/* Is a configured slot still accessible?  Log the changes. */
static void probe(void)
{
	u32 s, id, bid;
	int gone;

	for (s = 1; s < LPAR_MAX_SLOTS; s++) {
		if (!slots[s].present)
			continue;
		id = pci_cfg_rd32(s, PCI_VENDOR_ID);
		bid = mmio_rd32(slots[s].bar + EDU_ID);
		gone = id == 0xffffffffU || bid == 0xffffffffU;
		if (gone != slots[s].gone)
			gprintf("lpar: " GUEST ": slot %u: device %s (config 0x%x, BAR 0x%x)\n",
				s, gone ? "gone" : "back", id, bid);
		slots[s].gone = gone;
	}
}

/* dmaloop: the next round trip on slot @s through pair (round % NR_PAIRS). */
static u64 pair_seed[LPAR_MAX_SLOTS][NR_PAIRS];

static void dma_continuous(u32 s, u64 lo, u64 hi)
{
	struct slot *sl = &slots[s];
	u32 k = (u32)(sl->round % NR_PAIRS);
	u64 step = ((hi - lo) / NR_PAIRS) & ~0xfffUL;
	/* Each slot its own 8 KiB inside the pair's area. */
	u64 src = lo + k * step + (u64)s * 2 * BUF, dst = src + BUF, i, v;
	u64 old = pair_seed[s][k];

	if (old) {
		for (i = 0; i < XFER; i += 8) {
			v = ld64(dst + i);
			if (v != pat(old, i)) {
				error(E_KEEP, s, "an earlier DMA result changed",
				      dst + i, v);
				break;
			}
		}
	}
	pair_seed[s][k] = 0;
	if (dma_round(s, src, dst))
		return;
	pair_seed[s][k] = (u64)part_id << 48 | (u64)s << 40 | sl->round;
	if (m_dma % 16 == 0)
		gprintf("lpar: " GUEST ": %llu DMA round trips verified\n",
			m_dma);
}

/* pcictl: the LPAR_SC_PCI requests spelled by the partition name. */
#define SC_POLL_TICKS	600	/* a request's deadline: 60 s */

static u32 name_num(const char **pp)
{
	const char *p = *pp;
	u32 v = 0;

	while (*p >= '0' && *p <= '9')
		v = v * 10 + (u32)(*p++ - '0');
	*pp = p;
	return v;
}

static int name_has(const char *name, const char *what)
{
	unsigned long n = strlen(what), i, k;

	for (i = 0; i + n <= LPAR_NAME_LEN && name[i]; i++) {
		k = 0;
		while (k < n && name[i + k] == what[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static const char *op_name(u32 op)
{
	return op == LPAR_SC_PCI_REM ? "rem" : "add";
}

static void sc_control(const char *name)
{
	const char *p = name;
	u64 out[4], req, status;
	u32 op, s, id, n = 0, t0;
	u16 st;

	for (; *p; p++) {
		if (p[0] != '-' || (p[1] != 'r' && p[1] != 'a'))
			continue;
		op = p[1] == 'r' ? LPAR_SC_PCI_REM : LPAR_SC_PCI_ADD;
		p += 2;
		s = name_num(&p);
		id = part_id;
		if (*p == 'p') {
			p++;
			id = name_num(&p);
		}
		p--;	/* the loop steps on to what follows */
		n++;
		st = sc_call(LPAR_SC_PCI, op, s, id, 0, NULL, 0, out);
		if (st != LPAR_SCCB_OK) {
			gprintf("lpar: " GUEST ": op %u %s slot %u partition %u: refused, sccb 0x%x\n",
				n, op_name(op), s, id, st);
			continue;
		}
		req = out[3];
		gprintf("lpar: " GUEST ": op %u %s slot %u partition %u: request %llu\n",
			n, op_name(op), s, id, req);
		t0 = READ_ONCE(ticks);
		for (;;) {
			st = sc_call(LPAR_SC_PCI, LPAR_SC_PCI_STATUS, req, 0, 0,
				     NULL, 0, out);
			status = out[3];
			if (st != LPAR_SCCB_OK || status ||
			    READ_ONCE(ticks) - t0 > SC_POLL_TICKS)
				break;
			safe_halt();	/* the 100 ms timer wakes us */
		}
		gprintf("lpar: " GUEST ": op %u %s slot %u partition %u: status %llu (sccb 0x%x)\n",
			n, op_name(op), s, id, status, st);
	}
	gprintf("lpar: " GUEST ": ops done (%u)\n", n);
}

void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u32 err = boot_check(bi, vcpu, rsp), apic, g, s, up, down;
	u32 last_hb = 0, last_probe = 0, hb = 0;
	u64 lo, hi;
	int busy;

	if (err)
		fail_stop(0xB0070000UL | err, GUEST ": boot check failed");
	if (vcpu != 0)
		halt_forever();
	part_id = bi->id;
	mem_size = bi->size;
	use_msi = name_has(bi->name, "-msi");
	lo = ((u64)__end + 0x1fffffUL) & ~0x1fffffUL;
	hi = mem_size;
	if (DMA_CONTINUOUS && lo + NR_PAIRS * 0x10000UL > hi)
		fail_stop(hi, GUEST ": storage too small");

	idt_init();
	idt_set(VEC_TIMER, timer_irq);
	idt_set(VEC_SCI, sci_irq);
	for (g = 0; g < 8; g++) {
		idt_set(VEC_INTX + g, intx_handlers[g]);
		idt_set(VEC_MSI + g, msi_handlers[g]);
	}
	apic = lapic_init();
	apic_id = apic;
	if (ioapic_pins() < 24)
		fail_stop(ioapic_pins(), GUEST ": IOAPIC has fewer than 24 pins");
	ioapic_route(LPAR_SCI_GSI, VEC_SCI, apic, IOAPIC_LEVEL);
	for (g = 0; g < 8; g++)
		ioapic_route(16 + g, VEC_INTX + g, apic, IOAPIC_LEVEL);
	lapic_timer_periodic(VEC_TIMER, TIMER_COUNT);

	io_out16(LPAR_PORT_GPE0_EN, LPAR_GPE_PCI_HOTPLUG);
	if (!(io_in16(LPAR_PORT_GPE0_EN) & LPAR_GPE_PCI_HOTPLUG))
		error(E_GPE_EN, 0, "GPE0_EN does not hold the hot-plug bit",
		      io_in16(LPAR_PORT_GPE0_EN), 0);
	gprintf("lpar: " GUEST ": partition %u ready: SCI GSI %u, slots present 0x%x, %s\n",
		part_id, LPAR_SCI_GSI, io_in32(LPAR_PORT_PCIHP_RNM),
		use_msi ? "MSI" : "INTx");
	/* What is there at boot is configured as if it had been inserted. */
	for (s = 1; s < LPAR_MAX_SLOTS; s++)
		if (pci_cfg_rd16(s, PCI_VENDOR_ID) != 0xffff)
			insert(s);
	irq_enable();
	sc_report(LPAR_REPORT_PROGRESS, 0);
	if (SC_CONTROL)
		sc_control(bi->name);

	for (;;) {
		irq_disable();
		up = READ_ONCE(pend_up);
		down = READ_ONCE(pend_down);
		WRITE_ONCE(pend_up, 0);
		WRITE_ONCE(pend_down, 0);
		irq_enable();
		for (s = 1; s < LPAR_MAX_SLOTS; s++)
			if (down & (1U << s))
				eject(s);
		for (s = 1; s < LPAR_MAX_SLOTS; s++)
			if (up & (1U << s))
				insert(s);
		busy = 0;
		if (DMA_CONTINUOUS) {
			for (s = 1; s < LPAR_MAX_SLOTS; s++) {
				if (!slots[s].present || slots[s].gone)
					continue;
				dma_continuous(s, lo, hi);
				busy = 1;
			}
		}
		if (READ_ONCE(ticks) - last_hb >= HB_TICKS) {
			last_hb = READ_ONCE(ticks);
			sc_heartbeat(++hb);
		}
		if (READ_ONCE(ticks) - last_probe >= PROBE_TICKS) {
			last_probe = READ_ONCE(ticks);
			probe();
		}
		irq_disable();
		if (!busy && !READ_ONCE(pend_up) && !READ_ONCE(pend_down))
			safe_halt();
		else
			irq_enable();
	}
}
