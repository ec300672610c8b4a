/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny freestanding library for the lpar test guests: COM1 output, the
 * service call (struct lpar_sccb through port LPAR_PORT_SERVICE), reports,
 * heartbeats, a TSC delay and a spin lock.
 */
#ifndef LPAR_GUEST_LIB_H
#define LPAR_GUEST_LIB_H

#include <linux/lpar.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define NULL ((void *)0)
#define __packed	__attribute__((packed))
#define __aligned(x)	__attribute__((aligned(x)))
/* Shared with interrupt handlers: one plain access each. */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sccb_buf {
	struct lpar_sccb hdr;
	u8 data[512 - sizeof(struct lpar_sccb)];
};

/* Linker-script symbols. */
extern char __image_start[], __ro_end[], __image_end[], __end[];
extern struct sccb_buf __sccb_page[];	/* a page of its own */

/* Each guest provides this; called on every vCPU by start.S. */
void guest_main(struct lpar_boot_info *bi, u32 vcpu, u64 rsp);

static inline void io_out8(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 io_in8(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void io_out32(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void io_out16(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline u16 io_in16(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline u32 io_in32(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* One plain 4-byte MMIO load / store. */
static inline u32 mmio_rd32(u64 a)
{
	u32 v;

	asm volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_wr32(u64 a, u32 v)
{
	asm volatile("movl %0, (%1)" : : "r"(v), "r"(a) : "memory");
}

static inline u64 mmio_rd64(u64 a)
{
	u64 v;

	asm volatile("movq (%1), %0" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void mmio_wr64(u64 a, u64 v)
{
	asm volatile("movq %0, (%1)" : : "r"(v), "r"(a) : "memory");
}

static inline void irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

/* Wait for an interrupt: "sti; hlt" opens the window for one atomically. */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/* One plain 8-byte load / store: KVM can emulate it as MMIO. */
static inline u64 ld64(u64 gpa)
{
	u64 v;

	asm volatile("movq (%1), %0" : "=r"(v) : "r"(gpa) : "memory");
	return v;
}

static inline void st64(u64 gpa, u64 v)
{
	asm volatile("movq %0, (%1)" : : "r"(v), "r"(gpa) : "memory");
}

static inline u32 atomic_inc_return(u32 *p)
{
	u32 v = 1;

	asm volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v + 1;
}

void spin_lock(u32 *lock);
void spin_unlock(u32 *lock);

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
unsigned long strlen(const char *s);

void com_putc(char c);
void com_puts(const char *s);
/* printf subset: %s %c %d %u %x %llu %llx %lld %%, no widths. */
void gprintf(const char *fmt, ...);

/* Service calls.  Return the SCCB status (LPAR_SCCB_*). */
u16 sc_call(u16 cmd, u64 a0, u64 a1, u64 a2, u64 a3, const void *data,
	    u32 dlen, u64 *out);
u16 sc_report(u32 code, u64 value);
u16 sc_heartbeat(u64 seq);
u16 sc_log(const char *text);

void delay_ticks(u64 ticks);
void halt_forever(void);
void triple_fault(void);

/*
 * Check the boot protocol for this vCPU: magic, index, RSP, load address.
 * Returns 0 or a non-zero code (also printed on COM1).
 */
u32 boot_check(const struct lpar_boot_info *bi, u32 vcpu, u64 rsp);

/* Report FAIL with @value, say why on COM1 and in the log, and stop. */
void fail_stop(u64 value, const char *why);

/*
 * Interrupts (lib.c): an IDT whose exception vectors (0..31) print the
 * vector and the faulting RIP and report FAIL; the LAPIC (xAPIC at
 * 0xfee00000) and the in-kernel IOAPIC (0xfec00000).
 */
#define LAPIC_BASE	0xfee00000UL
#define IOAPIC_BASE	0xfec00000UL

struct irq_frame {
	u64 rip;
	u64 cs;
	u64 rflags;
	u64 rsp;
	u64 ss;
};

typedef void (*irq_handler_t)(struct irq_frame *f);

/* Load the IDT (exception handlers installed); call once per vCPU. */
void idt_init(void);
/* Install an interrupt handler (declared __attribute__((interrupt))). */
void idt_set(u8 vector, irq_handler_t handler);
/*
 * Enable this vCPU's LAPIC (spurious vector 0xff), mask LINT0/LINT1 and
 * the 8259 PICs; returns the LAPIC ID.
 */
u32 lapic_init(void);
void lapic_eoi(void);
/* Periodic LAPIC timer on @vector, @count bus ticks, divide by 16. */
void lapic_timer_periodic(u8 vector, u32 count);
/* IOAPIC redirection: @gsi -> @vector on APIC ID @dest, fixed delivery. */
#define IOAPIC_LEVEL		0x1
#define IOAPIC_ACTIVE_LOW	0x2
#define IOAPIC_MASKED		0x4
void ioapic_route(u32 gsi, u8 vector, u32 dest, u32 flags);
u32 ioapic_pins(void);		/* number of redirection entries */
u64 ioapic_read_redir(u32 gsi);

/* PCI configuration mechanism #1, bus 0, function 0 of @dev. */
u32 pci_cfg_rd32(u32 dev, u32 off);
u16 pci_cfg_rd16(u32 dev, u32 off);
u8 pci_cfg_rd8(u32 dev, u32 off);
void pci_cfg_wr32(u32 dev, u32 off, u32 v);
void pci_cfg_wr16(u32 dev, u32 off, u16 v);
void pci_cfg_wr8(u32 dev, u32 off, u8 v);

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x1
#define  PCI_COMMAND_MEMORY	0x2
#define  PCI_COMMAND_MASTER	0x4
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS		0x06
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

/* A partition heartbeats about every HEARTBEAT_TICKS TSC ticks. */
#define HEARTBEAT_TICKS	0x20000000ULL

#endif
