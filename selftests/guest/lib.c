// SPDX-License-Identifier: GPL-2.0
/* Freestanding helpers for the lpar test guests (see lib.h). */
#include <stdarg.h>
#include "lib.h"

#define LSR_THRE	0x20

/*
 * One SCCB for all vCPUs, under a lock, in a page of its own that the
 * linker script reserves after the bss: it never crosses a page.
 */
#define sccb (__sccb_page[0])
static u32 sccb_lock;
static u32 com_lock;

void spin_lock(u32 *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			cpu_relax();
}

void spin_unlock(u32 *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

void *memset(void *s, int c, unsigned long n)
{
	u8 *p = s;

	while (n--)
		*p++ = (u8)c;
	return s;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	u8 *dp = d;
	const u8 *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

unsigned long strlen(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void com_putc_raw(char c)
{
	unsigned int spins = 0;

	/* LSR bit 5: transmitter holding register empty. */
	while (!(io_in8(LPAR_PORT_COM1 + 5) & LSR_THRE) && ++spins < 100000)
		cpu_relax();
	io_out8(LPAR_PORT_COM1, (u8)c);
}

void com_putc(char c)
{
	com_putc_raw(c);
}

void com_puts(const char *s)
{
	while (*s)
		com_putc_raw(*s++);
}

/* Format into buf (at most len - 1 chars); returns the length. */
static unsigned long vformat(char *buf, unsigned long len, const char *fmt,
			     va_list ap)
{
	unsigned long n = 0;

#define PUT(ch) do { if (n + 1 < len) buf[n] = (ch); n++; } while (0)
	for (; *fmt; fmt++) {
		int lng = 0;
		u64 v;
		char tmp[24];
		int i = 0;

		if (*fmt != '%') {
			PUT(*fmt);
			continue;
		}
		fmt++;
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			while (*s)
				PUT(*s++);
			break;
		}
		case 'c':
			PUT((char)va_arg(ap, int));
			break;
		case 'd':
		case 'u':
		case 'x': {
			int base = *fmt == 'x' ? 16 : 10;
			int neg = 0;

			if (*fmt == 'd') {
				long long sv = lng ? va_arg(ap, long long) : va_arg(ap, int);

				if (sv < 0) {
					neg = 1;
					v = -(u64)sv;
				} else {
					v = sv;
				}
			} else {
				v = lng ? va_arg(ap, u64) : va_arg(ap, u32);
			}
			do {
				tmp[i++] = "0123456789abcdef"[v % base];
				v /= base;
			} while (v);
			if (neg)
				PUT('-');
			while (i)
				PUT(tmp[--i]);
			break;
		}
		case '%':
			PUT('%');
			break;
		case 0:
			fmt--;
			break;
		default:
			PUT('%');
			PUT(*fmt);
			break;
		}
	}
#undef PUT
	if (len)
		buf[n < len ? n : len - 1] = 0;
	return n < len ? n : len - 1;
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	spin_lock(&com_lock);
	com_puts(buf);
	spin_unlock(&com_lock);
}

u16 sc_call(u16 cmd, u64 a0, u64 a1, u64 a2, u64 a3, const void *data,
	    u32 dlen, u64 *out)
{
	u16 status;
	int i;

	if (dlen > sizeof(sccb.data))
		dlen = sizeof(sccb.data);
	spin_lock(&sccb_lock);
	sccb.hdr.len = sizeof(struct lpar_sccb) + dlen;
	sccb.hdr.cmd = cmd;
	sccb.hdr.status = 0;
	sccb.hdr.args[0] = a0;
	sccb.hdr.args[1] = a1;
	sccb.hdr.args[2] = a2;
	sccb.hdr.args[3] = a3;
	if (dlen)
		memcpy(sccb.data, data, dlen);
	io_out32(LPAR_PORT_SERVICE, (u32)(u64)&sccb);
	status = __atomic_load_n(&sccb.hdr.status, __ATOMIC_ACQUIRE);
	if (out)
		for (i = 0; i < 4; i++)
			out[i] = sccb.hdr.args[i];
	spin_unlock(&sccb_lock);
	return status;
}

u16 sc_report(u32 code, u64 value)
{
	return sc_call(LPAR_SC_REPORT, code, value, 0, 0, NULL, 0, NULL);
}

u16 sc_heartbeat(u64 seq)
{
	return sc_call(LPAR_SC_HEARTBEAT, seq, 0, 0, 0, NULL, 0, NULL);
}

u16 sc_log(const char *text)
{
	u32 n = strlen(text);

	if (n > sizeof(sccb.data))
		n = sizeof(sccb.data);
	return sc_call(LPAR_SC_LOG, n, 0, 0, 0, text, n, NULL);
}

void delay_ticks(u64 ticks)
{
	u64 t0 = rdtsc();
	u64 spins = 0;

	/* Bounded even if the TSC were to stand still. */
	while (rdtsc() - t0 < ticks && ++spins < (1UL << 32))
		cpu_relax();
}

void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}

void fail_stop(u64 value, const char *why)
{
	gprintf("lpar: FAIL %s (0x%llx)\n", why, value);
	sc_log(why);
	sc_report(LPAR_REPORT_FAIL, value);
	halt_forever();
}

u32 boot_check(const struct lpar_boot_info *bi, u32 vcpu, u64 rsp)
{
	u32 err = 0;

	if ((u64)bi != LPAR_BOOT_INFO_GPA)
		err = 1;
	else if (bi->magic != LPAR_BOOT_MAGIC)
		err = 2;
	else if (vcpu >= bi->vcpus || bi->vcpus > LPAR_MAX_VCPUS)
		err = 3;
	else if (rsp != LPAR_BOOT_STACK_TOP - (u64)vcpu * LPAR_BOOT_STACK_SIZE)
		err = 4;
	else if (bi->load_addr != (u64)__image_start)
		err = 5;
	else if (bi->image_size < (u64)(__image_end - __image_start) ||
		 bi->size < (u64)__end || bi->activation == 0)
		err = 6;
	if (err)
		gprintf("lpar: boot check failed on vcpu %u: code %u (rdi 0x%llx rsp 0x%llx)\n",
			vcpu, err, (u64)bi, rsp);
	return err;
}

/* start.S calls this on every vCPU. */
void guest_entry(struct lpar_boot_info *bi, u64 vcpu, u64 rsp);
void guest_entry(struct lpar_boot_info *bi, u64 vcpu, u64 rsp)
{
	guest_main(bi, (u32)vcpu, rsp);
	halt_forever();
}

/* ---- interrupts: IDT, LAPIC, IOAPIC -------------------------------- */

struct idt_gate {
	u16 off0;
	u16 sel;
	u8 ist;
	u8 type;	/* 0x8e: present, DPL 0, 64-bit interrupt gate */
	u16 off1;
	u32 off2;
	u32 zero;
} __packed;

static struct idt_gate idt[256] __aligned(16);

static void set_gate(u8 vector, u64 addr)
{
	struct idt_gate *g = &idt[vector];

	g->off0 = (u16)addr;
	g->sel = 0x08;
	g->ist = 0;
	g->type = 0x8e;
	g->off1 = (u16)(addr >> 16);
	g->off2 = (u32)(addr >> 32);
	g->zero = 0;
}

void idt_set(u8 vector, irq_handler_t handler)
{
	set_gate(vector, (u64)handler);
}

static void exception(u32 vector, const struct irq_frame *f, u64 err)
{
	u64 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	gprintf("lpar: vector %u at rip 0x%llx error 0x%llx cr2 0x%llx\n",
		vector, f->rip, err, cr2);
	fail_stop(0xE0000000UL | vector << 16, "guest: unexpected CPU fault");
}

#define EXC(n)								\
static __attribute__((interrupt)) void exc_##n(struct irq_frame *f)	\
{									\
	exception((n), f, 0);						\
}

#define EXC_ERR(n)							\
static __attribute__((interrupt)) void exc_##n(struct irq_frame *f,	\
						 unsigned long err)	\
{									\
	exception((n), f, err);						\
}

EXC(0)
EXC(1)
EXC(2)
EXC(3)
EXC(4)
EXC(5)
EXC(6)
EXC(7)
EXC_ERR(8)
EXC(9)
EXC_ERR(10)
EXC_ERR(11)
EXC_ERR(12)
EXC_ERR(13)
EXC_ERR(14)
EXC(15)
EXC(16)
EXC_ERR(17)
EXC(18)
EXC(19)

static __attribute__((interrupt)) void spurious_irq(struct irq_frame *f)
{
	/* The LAPIC's spurious vector: no EOI. */
}

static __attribute__((interrupt)) void stray_irq(struct irq_frame *f)
{
	lapic_eoi();
}

void idt_init(void)
{
	static const u64 exc[] = {
		(u64)exc_0, (u64)exc_1, (u64)exc_2, (u64)exc_3, (u64)exc_4,
		(u64)exc_5, (u64)exc_6, (u64)exc_7, (u64)exc_8, (u64)exc_9,
		(u64)exc_10, (u64)exc_11, (u64)exc_12, (u64)exc_13,
		(u64)exc_14, (u64)exc_15, (u64)exc_16, (u64)exc_17,
		(u64)exc_18, (u64)exc_19,
	};
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = { sizeof(idt) - 1, (u64)idt };
	unsigned int v;

	for (v = 0; v < 256; v++) {
		if (v < ARRAY_SIZE(exc))
			set_gate(v, exc[v]);
		else if (v < 32)
			set_gate(v, exc[15]);
		else if (!idt[v].type)
			set_gate(v, (u64)stray_irq);
	}
	set_gate(0xff, (u64)spurious_irq);
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERR	0x370
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#define APIC_MASKED	0x10000

static inline u32 lapic_rd(u32 reg)
{
	return mmio_rd32(LAPIC_BASE + reg);
}

static inline void lapic_wr(u32 reg, u32 v)
{
	mmio_wr32(LAPIC_BASE + reg, v);
}

u32 lapic_init(void)
{
	/* Both 8259s: mask every line (they stay uninitialised otherwise). */
	io_out8(0x21, 0xff);
	io_out8(0xa1, 0xff);
	lapic_wr(APIC_SVR, 0x100 | 0xff);
	lapic_wr(APIC_LVT_LINT0, APIC_MASKED);
	lapic_wr(APIC_LVT_LINT1, APIC_MASKED);
	lapic_wr(APIC_LVT_ERR, APIC_MASKED);
	lapic_wr(APIC_EOI, 0);
	return lapic_rd(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_wr(APIC_EOI, 0);
}

void lapic_timer_periodic(u8 vector, u32 count)
{
	lapic_wr(APIC_TDCR, 0x3);		/* divide by 16 */
	lapic_wr(APIC_LVT_TIMER, 0x20000 | vector);	/* periodic */
	lapic_wr(APIC_TMICT, count);
}

static u32 ioapic_lock;

static u32 ioapic_rd(u32 reg)
{
	mmio_wr32(IOAPIC_BASE, reg);
	return mmio_rd32(IOAPIC_BASE + 0x10);
}

static void ioapic_wr(u32 reg, u32 v)
{
	mmio_wr32(IOAPIC_BASE, reg);
	mmio_wr32(IOAPIC_BASE + 0x10, v);
}

u32 ioapic_pins(void)
{
	u32 v;

	spin_lock(&ioapic_lock);
	v = ((ioapic_rd(1) >> 16) & 0xff) + 1;
	spin_unlock(&ioapic_lock);
	return v;
}

void ioapic_route(u32 gsi, u8 vector, u32 dest, u32 flags)
{
	u32 lo = vector;	/* fixed delivery, physical destination */

	if (flags & IOAPIC_LEVEL)
		lo |= 1 << 15;
	if (flags & IOAPIC_ACTIVE_LOW)
		lo |= 1 << 13;
	if (flags & IOAPIC_MASKED)
		lo |= 1 << 16;
	spin_lock(&ioapic_lock);
	/* Mask first, then the destination, then the rest. */
	ioapic_wr(0x10 + 2 * gsi, 1 << 16);
	ioapic_wr(0x11 + 2 * gsi, dest << 24);
	ioapic_wr(0x10 + 2 * gsi, lo);
	spin_unlock(&ioapic_lock);
}

u64 ioapic_read_redir(u32 gsi)
{
	u64 v;

	spin_lock(&ioapic_lock);
	v = ioapic_rd(0x10 + 2 * gsi) | (u64)ioapic_rd(0x11 + 2 * gsi) << 32;
	spin_unlock(&ioapic_lock);
	return v;
}

/* ---- PCI configuration mechanism #1 -------------------------------- */

static u32 pci_lock;

static void pci_addr(u32 dev, u32 off)
{
	io_out32(LPAR_PORT_PCI_CONFIG,
		 0x80000000U | (dev & 0x1f) << 11 | (off & 0xfc));
}

u32 pci_cfg_rd32(u32 dev, u32 off)
{
	u32 v;

	spin_lock(&pci_lock);
	pci_addr(dev, off);
	v = io_in32(0xcfc);
	spin_unlock(&pci_lock);
	return v;
}

u16 pci_cfg_rd16(u32 dev, u32 off)
{
	u16 v;

	spin_lock(&pci_lock);
	pci_addr(dev, off);
	v = io_in16(0xcfc + (off & 2));
	spin_unlock(&pci_lock);
	return v;
}

u8 pci_cfg_rd8(u32 dev, u32 off)
{
	u8 v;

	spin_lock(&pci_lock);
	pci_addr(dev, off);
	v = io_in8(0xcfc + (off & 3));
	spin_unlock(&pci_lock);
	return v;
}

void pci_cfg_wr32(u32 dev, u32 off, u32 v)
{
	spin_lock(&pci_lock);
	pci_addr(dev, off);
	io_out32(0xcfc, v);
	spin_unlock(&pci_lock);
}

void pci_cfg_wr16(u32 dev, u32 off, u16 v)
{
	spin_lock(&pci_lock);
	pci_addr(dev, off);
	io_out16(0xcfc + (off & 2), v);
	spin_unlock(&pci_lock);
}

void pci_cfg_wr8(u32 dev, u32 off, u8 v)
{
	spin_lock(&pci_lock);
	pci_addr(dev, off);
	io_out8(0xcfc + (off & 3), v);
	spin_unlock(&pci_lock);
}
