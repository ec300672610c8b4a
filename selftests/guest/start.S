/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of every lpar test guest.  The boot protocol (lpar-boot) starts
 * each vCPU here in 64-bit mode with identity paging and interrupts off:
 * RDI = struct lpar_boot_info, RSI = vCPU index, RSP = its stack top.
 */
	.section .text.start, "ax"
	.code64
	.globl	_start
_start:
	cli
	/* The first I/O instruction comes at once: read the COM1 LSR. */
	movw	$0x3fd, %dx
	inb	%dx, %al
	movq	%rsp, %rdx		/* 3rd argument: RSP at entry */
	andq	$-16, %rsp
	call	guest_entry
1:	cli
	hlt
	jmp	1b

	/* Load an empty IDT and raise #UD: #UD -> #DF -> triple fault. */
	.text
	.globl	triple_fault
triple_fault:
	cli
	lidt	empty_idt(%rip)
	ud2
	jmp	triple_fault

	.section .rodata
	.balign	16
empty_idt:
	.word	0
	.quad	0
