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
