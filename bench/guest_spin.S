/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_spin - a flat 64-bit lpar test guest that never halts.
 *
 * Every vCPU loops forever, making an LPAR_SC_HEARTBEAT service call
 * (args[0] = its vCPU index, args[1] = its count) every SPIN iterations.
 * vCPU 0 also fills PAT_START..PAT_END with a pattern at start and checks
 * one page of it per iteration (storage moved under it must keep its
 * contents), and polls LPAR_SC_EVENT: on LPAR_GEV_STORAGE it writes and
 * reads back the last quadword below the new size (the runner must have
 * mapped it), acknowledges with LPAR_SC_ACK and reports
 * LPAR_REPORT_PROGRESS with the new size.  A bad pattern or top word is
 * reported as LPAR_REPORT_FAIL with the address, then the vCPU halts.
 *
 * Used to check that STOP holds running vCPUs, RESUME releases them,
 * RESIZE remaps storage, and MVSTOR moves it unnoticed.
 */
#define LPAR_PORT_SERVICE	0x510
#define LPAR_SC_REPORT		2
#define LPAR_SC_HEARTBEAT	3
#define LPAR_SC_EVENT		5
#define LPAR_SC_ACK		6
#define LPAR_SC_METRIC		7
#define LPAR_GEV_STORAGE	1
#define LPAR_REPORT_FAIL	2
#define LPAR_REPORT_PROGRESS	3
#define SCCB_SIZE		40
#define SPIN			20000
#define PAT_START		0x200000
#define PAT_END			0x600000
#define PAT_XOR			0x5a5a5a5a00000000
#define TOP_MARK		0x1badc0de2badf00d

	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	outb	%al, $0xe9
	and	$15, %esi
	lea	sccbs(%rip), %rbx
	mov	%esi, %eax
	shl	$6, %eax
	add	%rax, %rbx		/* this vCPU's SCCB */
	xor	%r9, %r9		/* heartbeat count */
	movabs	$PAT_XOR, %r13
	test	%esi, %esi
	jnz	loop

	/* vCPU 0: lay down the pattern */
	mov	$PAT_START, %rax
1:	mov	%rax, %rdx
	xor	%r13, %rdx
	mov	%rdx, (%rax)
	add	$8, %rax
	cmp	$PAT_END, %rax
	jb	1b
	mov	$PAT_START, %r12	/* next page to check */

loop:	movl	$SCCB_SIZE, 0(%rbx)
	movw	$LPAR_SC_HEARTBEAT, 4(%rbx)
	mov	%rsi, 8(%rbx)
	inc	%r9
	mov	%r9, 16(%rbx)
	mov	%ebx, %eax
	mov	$LPAR_PORT_SERVICE, %dx
	outl	%eax, %dx
	test	%esi, %esi
	jnz	spin

	/* vCPU 0: check a page of the pattern */
	mov	%r12, %rax
	lea	4096(%r12), %rcx
2:	mov	%rax, %rdx
	xor	%r13, %rdx
	cmp	(%rax), %rdx
	jne	fail
	add	$8, %rax
	cmp	%rcx, %rax
	jb	2b
	add	$4096, %r12
	cmp	$PAT_END, %r12
	jb	3f
	mov	$PAT_START, %r12

3:	/* vCPU 0: any event for us? */
	lea	ev_sccb(%rip), %r14
	movl	$SCCB_SIZE, 0(%r14)
	movw	$LPAR_SC_EVENT, 4(%r14)
	movq	$0, 8(%r14)
	mov	%r14d, %eax
	mov	$LPAR_PORT_SERVICE, %dx
	outl	%eax, %dx
	/* metric 0: last event poll's status << 32 | args[0] (debug aid) */
	movzwq	6(%r14), %rax
	shl	$32, %rax
	or	8(%r14), %rax
	lea	met_sccb(%rip), %rcx
	movl	$SCCB_SIZE, 0(%rcx)
	movw	$LPAR_SC_METRIC, 4(%rcx)
	movq	$0, 8(%rcx)
	mov	%rax, 16(%rcx)
	mov	%ecx, %eax
	outl	%eax, %dx
	movq	$1, 8(%rcx)		/* metric 1: vCPU 0's loop count */
	mov	%r9, 16(%rcx)
	outl	%eax, %dx
	cmpq	$LPAR_GEV_STORAGE, 8(%r14)
	jne	spin
	mov	24(%r14), %r15		/* the new size */
	lea	-8(%r15), %rax
	movabs	$TOP_MARK, %rdx
	mov	%rdx, (%rax)
	cmp	(%rax), %rdx
	jne	fail
	mov	16(%r14), %rcx		/* ack the event's seq */
	movw	$LPAR_SC_ACK, 4(%r14)
	mov	%rcx, 8(%r14)
	mov	%r14d, %eax
	mov	$LPAR_PORT_SERVICE, %dx
	outl	%eax, %dx
	lea	rep_sccb(%rip), %r14
	movl	$SCCB_SIZE, 0(%r14)
	movw	$LPAR_SC_REPORT, 4(%r14)
	movq	$LPAR_REPORT_PROGRESS, 8(%r14)
	mov	%r15, 16(%r14)
	mov	%r14d, %eax
	outl	%eax, %dx

spin:	mov	$SPIN, %ecx
4:	pause
	dec	%ecx
	jnz	4b
	jmp	loop

fail:	lea	rep_sccb(%rip), %r14
	movl	$SCCB_SIZE, 0(%r14)
	movw	$LPAR_SC_REPORT, 4(%r14)
	movq	$LPAR_REPORT_FAIL, 8(%r14)
	mov	%rax, 16(%r14)
	mov	%r14d, %eax
	mov	$LPAR_PORT_SERVICE, %dx
	outl	%eax, %dx
5:	cli
	hlt
	jmp	5b

	.data
	.balign	64
sccbs:	.fill	16 * 64, 1, 0
ev_sccb:
	.fill	64, 1, 0
rep_sccb:
	.fill	64, 1, 0
met_sccb:
	.fill	64, 1, 0
