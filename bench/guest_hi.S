/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_hi - a flat 64-bit lpar test guest, loaded and linked at 1 MiB.
 *
 * Entered in long mode as design.rst describes: RDI = struct
 * lpar_boot_info, RSI = vCPU index, RSP = its stack, interrupts off.
 *
 * Its very first instruction is a port write (to the unused debug port
 * 0xe9): that is what "act -> first guest instruction" measures.
 *
 * vCPU 0 writes "hi\n" to COM1 (byte by byte, then a string OUT),
 * checks a few ports and an MMIO read outside storage, then makes a
 * service call LPAR_SC_REPORT (PASS, boot_info->magic) -- or FAIL with
 * the number of the check that failed.  Every other vCPU makes one
 * LPAR_SC_HEARTBEAT with its index.  Then all halt.
 */
#define LPAR_PORT_COM1		0x3f8
#define LPAR_PORT_SERVICE	0x510
#define LPAR_SC_REPORT		2
#define LPAR_SC_HEARTBEAT	3
#define LPAR_REPORT_PASS	1
#define LPAR_REPORT_FAIL	2
#define BOOT_MAGIC		0x5241504c
#define NOT_STORAGE		0xc0000000	/* above the test storage */

#define SCCB_LEN	0
#define SCCB_CMD	4
#define SCCB_STATUS	6
#define SCCB_ARG0	8
#define SCCB_ARG1	16
#define SCCB_SIZE	40

	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	outb	%al, $0xe9		/* first instruction: an I/O */
	push	%rdi			/* the stack works */
	pop	%rdi
	test	%esi, %esi
	jnz	ap

	/* vCPU 0: console, byte by byte */
	mov	$LPAR_PORT_COM1, %dx
	lea	hi(%rip), %rcx
1:	movb	(%rcx), %al
	test	%al, %al
	jz	2f
	outb	%al, %dx
	inc	%rcx
	jmp	1b
2:	/* string I/O: one exit, several elements */
	lea	str(%rip), %rsi
	mov	$(str_end - str), %ecx
	cld
	rep outsb

	mov	$1, %r8d		/* check 1: boot info magic */
	cmpl	$BOOT_MAGIC, (%rdi)
	jne	fail
	mov	$2, %r8d		/* check 2: LSR says THR empty */
	mov	$(LPAR_PORT_COM1 + 5), %dx
	inb	%dx, %al
	test	$0x20, %al
	jz	fail
	mov	$3, %r8d		/* check 3: unknown port reads ones */
	mov	$0x2f8, %dx
	inl	%dx, %eax
	cmp	$0xffffffff, %eax
	jne	fail
	mov	$4, %r8d		/* check 4: not storage reads ones */
	mov	$NOT_STORAGE, %rbx
	movl	$0, (%rbx)		/* dropped */
	mov	(%rbx), %eax
	cmp	$0xffffffff, %eax
	jne	fail

	lea	sccb0(%rip), %rbx
	movq	$LPAR_REPORT_PASS, SCCB_ARG0(%rbx)
	mov	(%rdi), %eax
	mov	%rax, SCCB_ARG1(%rbx)
	jmp	call

fail:	lea	sccb0(%rip), %rbx
	movq	$LPAR_REPORT_FAIL, SCCB_ARG0(%rbx)
	mov	%r8, SCCB_ARG1(%rbx)
	jmp	call

ap:	/* vCPU n > 0: a heartbeat with its index */
	cmp	$15, %esi
	ja	halt
	lea	sccb_ap(%rip), %rbx
	mov	%esi, %eax
	shl	$6, %eax
	add	%rax, %rbx
	movl	$SCCB_SIZE, SCCB_LEN(%rbx)
	movw	$LPAR_SC_HEARTBEAT, SCCB_CMD(%rbx)
	mov	%rsi, SCCB_ARG0(%rbx)

call:	mov	%ebx, %eax
	mov	$LPAR_PORT_SERVICE, %dx
	outl	%eax, %dx

halt:	cli
	hlt
	jmp	halt

	.section .rodata
hi:	.asciz	"hi\n"
str:	.ascii	"lpar guest ok\n"
str_end:

	.data
	.balign	64
sccb0:	.long	SCCB_SIZE
	.word	LPAR_SC_REPORT
	.word	0
	.quad	0, 0, 0, 0
	.balign	64
sccb_ap:
	.fill	16 * 64, 1, 0
