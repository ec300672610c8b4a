/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_crash - a flat 64-bit lpar test guest that writes "crash\n" to
 * COM1 and then triple-faults (an exception with an empty IDT), so the
 * runner must report LPAR_EVENT_CHECKSTOP.
 */
	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	outb	%al, $0xe9
	mov	$0x3f8, %dx
	lea	msg(%rip), %rsi
	mov	$(msg_end - msg), %ecx
	cld
	rep outsb
	lidt	null_idt(%rip)
	int3
1:	hlt
	jmp	1b

	.section .rodata
msg:	.ascii	"crash\n"
msg_end:
	.balign	16
null_idt:
	.word	0
	.quad	0
