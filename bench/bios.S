/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bios - a 64 KiB -bios blob for the QEMU baseline of act_latency.  The
 * CPU starts in real mode at the reset vector (F000:FFF0); its very first
 * instruction writes a byte to the isa-debugcon port 0xe9, as the lpar
 * guest's first instruction does.  Then it halts.
 */
	.code16
	.section .text
	.globl _start
_start:
	.org	0xfff0
reset:
	outb	%al, $0xe9
1:	cli
	hlt
	jmp	1b
	.org	0x10000, 0xff
