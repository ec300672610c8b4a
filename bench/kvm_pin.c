// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_pin: hold one idle KVM VM with one vCPU until killed.
 *
 * Why: the first KVM VM of the host enables the static keys KVM keeps
 * for "some VM exists" (preempt notifiers, inlined into __schedule; the
 * local APIC's disabled-state keys), and the last one to go disables
 * them; each flip rewrites kernel text with text_poke_bp() while the
 * other CPU runs it.  QEMU 7.2's multi-threaded TCG, which "make bench"
 * uses, can keep the breakpoint's stale translation of such a site: the
 * vCPU then loops on the int3 for good (seen as both CPUs of the test VM
 * stuck at __schedule+0x2ab after a benchmark's last partition ended).
 * Keeping one VM alive for the whole run pins those keys on, so no
 * benchmark rewrites kernel text behind the other vCPU's back.  The VM
 * never runs: it costs a file descriptor and a few pages, and every
 * measured path (lpar and its QEMU baselines alike) sees the same keys.
 *
 * Usage: kvm_pin (prints "ready" once the VM and vCPU exist, then waits
 * for a signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm, vm, vcpu;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm_pin: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm_pin: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	/* An in-kernel local APIC, as every measured guest has one. */
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) {
		fprintf(stderr, "kvm_pin: KVM_CREATE_IRQCHIP: %s\n", strerror(errno));
		return 1;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		fprintf(stderr, "kvm_pin: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
