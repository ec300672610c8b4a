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

/* A partition heartbeats about every HEARTBEAT_TICKS TSC ticks. */
#define HEARTBEAT_TICKS	0x20000000ULL

#endif
