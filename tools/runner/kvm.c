// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner: build the KVM VM and its vCPUs as design.rst step 3 says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

#define KVM_DEV			"/dev/kvm"
#define RUNNER_TSS_ADDR		0xfffbd000UL

/*
 * The PC's MMIO window below 4 GiB (I/O APIC, HPET, local APIC, BIOS):
 * storage there is not mapped to the guest, so that KVM's in-kernel
 * devices see the accesses; storage above it continues at 4 GiB.
 */
#define RUNNER_HOLE_START	0xfec00000ULL
#define RUNNER_HOLE_END		0x100000000ULL

#define X86_CR0_PE		(1ULL << 0)
#define X86_CR0_MP		(1ULL << 1)
#define X86_CR0_ET		(1ULL << 4)
#define X86_CR0_NE		(1ULL << 5)
#define X86_CR0_WP		(1ULL << 16)
#define X86_CR0_PG		(1ULL << 31)
#define X86_CR4_PAE		(1ULL << 5)
#define X86_CR4_OSFXSR		(1ULL << 9)
#define X86_CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_SCE		(1ULL << 0)
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)

#define GDT_SEL_CODE64		0x08
#define GDT_SEL_DATA		0x10
#define GDT_LIMIT		0x17

#define CPUID_MAX_ENTRIES	4096

static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

static int kvm_open(struct runner *r, char *why, size_t len)
{
	unsigned int i;
	int ret;

	r->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (r->kvm_fd < 0) {
		snprintf(why, len, "open %s: %s", KVM_DEV, strerror(errno));
		return -1;
	}
	ret = ioctl(r->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		snprintf(why, len, "KVM_GET_API_VERSION: %d (%s), want %d",
			 ret, ret < 0 ? strerror(errno) : "mismatch",
			 KVM_API_VERSION);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(required_caps); i++) {
		ret = ioctl(r->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap);
		if (ret <= 0) {
			snprintf(why, len, "KVM lacks %s", required_caps[i].name);
			return -1;
		}
	}
	ret = ioctl(r->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < (int)sizeof(struct kvm_run)) {
		snprintf(why, len, "KVM_GET_VCPU_MMAP_SIZE: %d (%s)", ret,
			 ret < 0 ? strerror(errno) : "too small");
		return -1;
	}
	r->run_size = ret;
	return 0;
}

static int kvm_get_cpuid(struct runner *r, char *why, size_t len)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent = 128;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
				  nent * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid) {
			snprintf(why, len, "out of memory");
			return -1;
		}
		cpuid->nent = nent;
		if (ioctl(r->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		free(cpuid);
		if (errno != E2BIG || nent >= CPUID_MAX_ENTRIES) {
			snprintf(why, len, "KVM_GET_SUPPORTED_CPUID: %s",
				 strerror(errno));
			return -1;
		}
		nent *= 2;
	}
	r->cpuid = cpuid;
	return 0;
}

int kvm_set_memslot(struct runner *r, __u32 slot, __u64 gpa, __u64 size,
		    void *hva, char *why, size_t len)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(uintptr_t)hva,
	};

	if (ioctl(r->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		snprintf(why, len,
			 "KVM_SET_USER_MEMORY_REGION(slot %u, 0x%llx+0x%llx): %s",
			 slot, (unsigned long long)gpa,
			 (unsigned long long)size, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Register @size bytes of storage mapped at @mem as guest-physical 0
 * (memslot 0; above the MMIO hole, slot 1), replacing what was there:
 * KVM cannot resize a slot or change its address, so the old slots are
 * deleted first.  The vCPUs must be held when storage is replaced.
 */
int kvm_map_storage(struct runner *r, void *mem, __u64 size, char *why,
		    size_t len)
{
	__u8 *hva = mem;

	while (r->nr_slots) {
		if (kvm_set_memslot(r, r->nr_slots - 1, 0, 0, NULL, why, len))
			return -1;
		r->nr_slots--;
	}
	if (size <= RUNNER_HOLE_START) {
		if (kvm_set_memslot(r, 0, 0, size, hva, why, len))
			return -1;
		r->nr_slots = 1;
		return 0;
	}
	if (kvm_set_memslot(r, 0, 0, RUNNER_HOLE_START, hva, why, len))
		return -1;
	r->nr_slots = 1;
	if (size > RUNNER_HOLE_END) {
		if (kvm_set_memslot(r, 1, RUNNER_HOLE_END,
				    size - RUNNER_HOLE_END, hva + RUNNER_HOLE_END,
				    why, len))
			return -1;
		r->nr_slots = 2;
	}
	return 0;
}

/*
 * The routing KVM_CREATE_IRQCHIP installs (kvm_setup_default_irq_routing):
 * GSI n is IOAPIC pin n (0..23) and, below 16, also pin n % 8 of the
 * master or slave PIC.  Every KVM_SET_GSI_ROUTING must carry it again.
 */
static void routes_init(struct runner *r)
{
	struct kvm_irq_routing_entry *e;
	unsigned int gsi;

	r->nr_routes = 0;
	for (gsi = 0; gsi < RUNNER_IOAPIC_PINS; gsi++) {
		e = &r->routes[r->nr_routes++];
		memset(e, 0, sizeof(*e));
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e->u.irqchip.pin = gsi;
		if (gsi >= RUNNER_PIC_PINS)
			continue;
		e = &r->routes[r->nr_routes++];
		memset(e, 0, sizeof(*e));
		e->gsi = gsi;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
						 KVM_IRQCHIP_PIC_SLAVE;
		e->u.irqchip.pin = gsi % 8;
	}
}

static int kvm_create_vm(struct runner *r, char *why, size_t len)
{
	__u64 size = r->info.size;

	r->vm_fd = ioctl(r->kvm_fd, KVM_CREATE_VM, 0);
	if (r->vm_fd < 0) {
		snprintf(why, len, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (ioctl(r->vm_fd, KVM_SET_TSS_ADDR, RUNNER_TSS_ADDR) < 0) {
		snprintf(why, len, "KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	if (ioctl(r->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		snprintf(why, len, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	routes_init(r);
	return kvm_map_storage(r, r->mem, size, why, len);
}

static void set_seg(struct kvm_segment *s, __u16 sel, bool code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = code ? 0xb : 0x3;	/* execute/read or read/write, accessed */
	s->present = 1;
	s->dpl = 0;
	s->db = code ? 0 : 1;
	s->s = 1;
	s->l = code ? 1 : 0;
	s->g = 1;
}

/* The vCPU's CPUID: what KVM supports, with its own APIC ID. */
static int vcpu_set_cpuid(struct runner *r, struct vcpu *v, char *why,
			  size_t len)
{
	size_t sz = sizeof(*r->cpuid) +
		    r->cpuid->nent * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = malloc(sz);
	struct kvm_cpuid_entry2 *e;
	unsigned int i;
	int ret;

	if (!c) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	memcpy(c, r->cpuid, sz);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (v->index << 24);
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = v->index;
	}
	ret = ioctl(v->fd, KVM_SET_CPUID2, c);
	free(c);
	if (ret < 0) {
		snprintf(why, len, "vCPU %u: KVM_SET_CPUID2: %s", v->index,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int vcpu_set_state(struct runner *r, struct vcpu *v, char *why,
			  size_t len)
{
	const struct lpar_runner_info *info = &r->info;
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, len, "vCPU %u: KVM_GET_SREGS: %s", v->index,
			 strerror(errno));
		return -1;
	}
	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		    X86_CR0_WP | X86_CR0_PG;
	sregs.cr3 = info->cr3;
	sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA | EFER_SCE;
	set_seg(&sregs.cs, GDT_SEL_CODE64, true);
	set_seg(&sregs.ds, GDT_SEL_DATA, false);
	sregs.es = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.gdt.base = info->gdt;
	sregs.gdt.limit = GDT_LIMIT;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(why, len, "vCPU %u: KVM_SET_SREGS: %s", v->index,
			 strerror(errno));
		return -1;
	}

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = info->entry;
	regs.rsp = info->stack_top - v->index * LPAR_BOOT_STACK_SIZE;
	regs.rdi = info->boot_info;
	regs.rsi = v->index;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(why, len, "vCPU %u: KVM_SET_REGS: %s", v->index,
			 strerror(errno));
		return -1;
	}

	/* APs would otherwise wait for INIT/SIPI. */
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
		snprintf(why, len, "vCPU %u: KVM_SET_MP_STATE: %s", v->index,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int kvm_create_vcpu(struct runner *r, struct vcpu *v, char *why,
			   size_t len)
{
	void *run;

	v->fd = ioctl(r->vm_fd, KVM_CREATE_VCPU, v->index);
	if (v->fd < 0) {
		snprintf(why, len, "KVM_CREATE_VCPU(%u): %s", v->index,
			 strerror(errno));
		return -1;
	}
	run = mmap(NULL, r->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->fd, 0);
	if (run == MAP_FAILED) {
		snprintf(why, len, "vCPU %u: mmap of kvm_run: %s", v->index,
			 strerror(errno));
		return -1;
	}
	v->run = run;
	if (vcpu_set_cpuid(r, v, why, len))
		return -1;
	return vcpu_set_state(r, v, why, len);
}

int kvm_setup(struct runner *r, char *why, size_t len)
{
	unsigned int i;

	if (kvm_open(r, why, len) || kvm_get_cpuid(r, why, len) ||
	    kvm_create_vm(r, why, len))
		return -1;
	for (i = 0; i < r->nr_vcpus; i++) {
		r->vcpus[i].r = r;
		r->vcpus[i].index = i;
		r->vcpus[i].fd = -1;
		if (kvm_create_vcpu(r, &r->vcpus[i], why, len))
			return -1;
	}
	return 0;
}

/*
 * Connect eventfd @fd to GSI @gsi, or disconnect it: an IOAPIC input
 * (level, with @resample_fd signalled at the guest's EOI when it is
 * >= 0) or an MSI route (edge, @resample_fd -1).
 */
int kvm_irqfd(struct runner *r, int fd, int resample_fd, __u32 gsi,
	      bool deassign, char *why, size_t len)
{
	struct kvm_irqfd irqfd;

	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = fd;
	irqfd.gsi = gsi;
	if (deassign) {
		irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (resample_fd >= 0) {
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = resample_fd;
	}
	if (ioctl(r->vm_fd, KVM_IRQFD, &irqfd) < 0) {
		snprintf(why, len, "KVM_IRQFD(gsi %u%s): %s", gsi,
			 deassign ? ", deassign" : "", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The SCI: a level-triggered irqfd with resample on LPAR_SCI_GSI whose
 * two eventfds the module signals and watches (LPAR_RUNNER_SCI).  A
 * module without the ioctl (ENOTTY) leaves the partition without SCI.
 */
int kvm_setup_sci(struct runner *r, char *why, size_t len)
{
	struct lpar_runner_sci sci;
	int trigger, resample;
	char tmp[LPAR_REASON_LEN];

	r->sci_trigger = -1;
	r->sci_resample = -1;
	trigger = eventfd(0, EFD_CLOEXEC);
	resample = eventfd(0, EFD_CLOEXEC);
	if (trigger < 0 || resample < 0) {
		snprintf(why, len, "SCI: eventfd: %s", strerror(errno));
		goto fail;
	}
	if (kvm_irqfd(r, trigger, resample, LPAR_SCI_GSI, false, why, len))
		goto fail;
	memset(&sci, 0, sizeof(sci));
	sci.argsz = sizeof(sci);
	sci.trigger_fd = trigger;
	sci.resample_fd = resample;
	if (ioctl(r->pfd, LPAR_RUNNER_SCI, &sci) < 0) {
		if (errno == ENOTTY) {
			log_info("module has no LPAR_RUNNER_SCI: no SCI for this partition");
			kvm_irqfd(r, trigger, -1, LPAR_SCI_GSI, true, tmp, sizeof(tmp));
			close(trigger);
			close(resample);
			return 0;
		}
		snprintf(why, len, "LPAR_RUNNER_SCI: %s", strerror(errno));
		kvm_irqfd(r, trigger, -1, LPAR_SCI_GSI, true, tmp, sizeof(tmp));
		goto fail;
	}
	r->sci_trigger = trigger;
	r->sci_resample = resample;
	log_debug("SCI on GSI %u", LPAR_SCI_GSI);
	return 0;
fail:
	if (trigger >= 0)
		close(trigger);
	if (resample >= 0)
		close(resample);
	return -1;
}

/* Hand our table to KVM (route_lock held). */
static int routes_commit(struct runner *r, char *why, size_t len)
{
	struct kvm_irq_routing *tab;
	int ret = 0;

	tab = calloc(1, sizeof(*tab) + r->nr_routes * sizeof(tab->entries[0]));
	if (!tab) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	tab->nr = r->nr_routes;
	memcpy(tab->entries, r->routes, r->nr_routes * sizeof(tab->entries[0]));
	if (ioctl(r->vm_fd, KVM_SET_GSI_ROUTING, tab) < 0) {
		snprintf(why, len, "KVM_SET_GSI_ROUTING(%u entries): %s",
			 r->nr_routes, strerror(errno));
		ret = -1;
	}
	free(tab);
	return ret;
}

static struct kvm_irq_routing_entry *route_of(struct runner *r, int gsi)
{
	unsigned int i;

	for (i = 0; i < r->nr_routes; i++)
		if (r->routes[i].gsi == (__u32)gsi &&
		    r->routes[i].type == KVM_IRQ_ROUTING_MSI)
			return &r->routes[i];
	return NULL;
}

/* The lowest GSI above the IOAPIC's pins that no route uses. */
static int route_free_gsi(struct runner *r)
{
	unsigned int i;
	__u32 gsi = RUNNER_IOAPIC_PINS;

again:
	for (i = 0; i < r->nr_routes; i++) {
		if (r->routes[i].gsi == gsi) {
			gsi++;
			goto again;
		}
	}
	return gsi;
}

/*
 * Route an MSI message @addr / @data: on a free GSI when *@gsi is -1
 * (set on success), else the route of *@gsi takes the new message.  A
 * failure leaves the table (ours and KVM's) as it was.
 */
int kvm_msi_route(struct runner *r, int *gsi, __u64 addr, __u32 data,
		  char *why, size_t len)
{
	struct kvm_irq_routing_entry *e, old;
	bool added = false;
	int ret;

	pthread_mutex_lock(&r->route_lock);
	e = *gsi >= 0 ? route_of(r, *gsi) : NULL;
	if (!e) {
		if (r->nr_routes == RUNNER_MAX_ROUTES) {
			pthread_mutex_unlock(&r->route_lock);
			snprintf(why, len, "no free MSI route");
			return -1;
		}
		e = &r->routes[r->nr_routes++];
		memset(e, 0, sizeof(*e));
		e->gsi = route_free_gsi(r);
		e->type = KVM_IRQ_ROUTING_MSI;
		added = true;
	}
	old = *e;
	e->u.msi.address_lo = (__u32)addr;
	e->u.msi.address_hi = (__u32)(addr >> 32);
	e->u.msi.data = data;
	ret = routes_commit(r, why, len);
	if (ret && added)
		r->nr_routes--;
	else if (ret)
		*e = old;
	else
		*gsi = e->gsi;
	pthread_mutex_unlock(&r->route_lock);
	return ret;
}

/* Remove the MSI route of @gsi (its irqfd must be gone already). */
void kvm_msi_route_del(struct runner *r, int gsi)
{
	struct kvm_irq_routing_entry *e;
	char why[LPAR_REASON_LEN];

	pthread_mutex_lock(&r->route_lock);
	e = route_of(r, gsi);
	if (e) {
		*e = r->routes[--r->nr_routes];
		if (routes_commit(r, why, sizeof(why)))
			log_err("MSI route of GSI %d: %s", gsi, why);
	}
	pthread_mutex_unlock(&r->route_lock);
}
