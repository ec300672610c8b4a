/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lpar - logical partitioning for Linux: user-space interface.
 *
 * Two kinds of file descriptors carry these ioctls:
 *
 *  - /dev/lpar (mode 0600): the administrator's control device.  Every
 *    mutating command needs CAP_SYS_ADMIN.
 *  - a partition fd, returned by LPAR_ATTACH to the LIP runner that the
 *    module launched for an activating partition.  It maps the
 *    partition's storage (mmap, offset 0, length = storage size) and
 *    carries the runner's side of the protocol.
 *
 * Every struct starts with @argsz (the size user space passes; the kernel
 * accepts any size that covers the fields it needs and rejects a smaller
 * one with EINVAL) and @flags (unknown bits are rejected with EINVAL).
 * Reserved fields must be zero.  User pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_LPAR_H
#define _UAPI_LINUX_LPAR_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define LPAR_API_VERSION	1

#define LPAR_MAX_PARTITIONS	64
#define LPAR_MAX_VCPUS		16
#define LPAR_NAME_LEN		32
#define LPAR_PATH_LEN		256
#define LPAR_REASON_LEN		128

/* Guest-physical layout a flat image is started with (see lpar-boot). */
#define LPAR_BOOT_PT_GPA	0x1000ULL	/* PML4, PDPT, 4 x PD */
#define LPAR_BOOT_GDT_GPA	0x7000ULL
#define LPAR_BOOT_INFO_GPA	0x7800ULL
#define LPAR_BOOT_STACK_TOP	0x80000ULL	/* vCPU n: TOP - n * 16 KiB */
#define LPAR_BOOT_STACK_SIZE	0x4000ULL
#define LPAR_BOOT_MIN_LOAD	0x80000ULL	/* images load at or above */

/* I/O ports the partition sees. */
#define LPAR_PORT_COM1		0x3f8	/* 8250 UART, 8 ports */
#define LPAR_PORT_SERVICE	0x510	/* service call: 32-bit OUT of an SCCB gpa */

/**
 * enum lpar_state - life-cycle states of a partition.
 * @LPAR_STATE_UNDEFINED: number not defined (never reported for a defined one).
 * @LPAR_STATE_DEACTIVATED: defined, owns no storage, no runner.
 * @LPAR_STATE_ACTIVATING: storage reserved, runner starting.
 * @LPAR_STATE_OPERATING: LIPs running.
 * @LPAR_STATE_STOPPED: LIPs held by an LPAR_STOP.
 * @LPAR_STATE_DEACTIVATING: runner being ended, storage being released.
 * @LPAR_STATE_FAILED: runner died, stopped answering or the guest check-stopped;
 *	storage kept until deact.
 */
enum lpar_state {
	LPAR_STATE_UNDEFINED = 0,
	LPAR_STATE_DEACTIVATED = 1,
	LPAR_STATE_ACTIVATING = 2,
	LPAR_STATE_OPERATING = 3,
	LPAR_STATE_STOPPED = 4,
	LPAR_STATE_DEACTIVATING = 5,
	LPAR_STATE_FAILED = 6,
};

/**
 * struct lpar_version - LPAR_GET_VERSION: what this module supports.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @api: LPAR_API_VERSION of the module.
 * @max_partitions: highest partition number + 1.
 * @max_vcpus: vCPUs a partition may have.
 * @pad: reserved, 0.
 * @increment: storage increment in bytes.
 */
struct lpar_version {
	__u32 argsz;
	__u32 flags;
	__u32 api;
	__u32 max_partitions;
	__u32 max_vcpus;
	__u32 pad;
	__u64 increment;
};

/**
 * struct lpar_pool_info - LPAR_POOL_INFO: main storage owned by the module.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @increment: storage increment in bytes.
 * @total: bytes in the pool.
 * @free: bytes not owned by any partition.
 * @largest_free: largest contiguous free range in bytes.
 * @nr_extents: physically contiguous pieces the pool is made of.
 * @nr_extents_ret: pieces written to @extents_ptr (at most @nr_extents_max).
 * @nr_extents_max: room at @extents_ptr, in struct lpar_extent.
 * @pad: reserved, 0.
 * @extents_ptr: user pointer to an array of struct lpar_extent, or 0.
 */
struct lpar_pool_info {
	__u32 argsz;
	__u32 flags;
	__u64 increment;
	__u64 total;
	__u64 free;
	__u64 largest_free;
	__u32 nr_extents;
	__u32 nr_extents_ret;
	__u32 nr_extents_max;
	__u32 pad;
	__u64 extents_ptr;
};

#define LPAR_EXTENT_BOOT	0x1U	/* reserved with memmap= */
#define LPAR_EXTENT_HOST	0x2U	/* taken from the running host */

/**
 * struct lpar_extent - one physically contiguous piece of the pool.
 * @start: host physical address.
 * @size: bytes.
 * @flags: LPAR_EXTENT_*.
 * @pad: reserved, 0.
 */
struct lpar_extent {
	__u64 start;
	__u64 size;
	__u32 flags;
	__u32 pad;
};

/* struct lpar_def.flags */
#define LPAR_DEF_ORIGIN		0x1U	/* @origin is explicit */
#define LPAR_DEF_DEDICATED	0x2U	/* vCPUs on dedicated host CPUs */
#define LPAR_DEF_PCI_CONTROL	0x4U	/* guest may add_pci / rem_pci (LPAR_SC_PCI) */
#define LPAR_DEF_FLAGS		(LPAR_DEF_ORIGIN | LPAR_DEF_DEDICATED | \
				 LPAR_DEF_PCI_CONTROL)

#define LPAR_IMAGE_FLAT64	1	/* flat binary, started in 64-bit mode */

#define LPAR_WEIGHT_MIN		1
#define LPAR_WEIGHT_MAX		999
#define LPAR_WEIGHT_DEFAULT	100

/**
 * struct lpar_def - LPAR_DEFINE / LPAR_GET_DEF: a partition's definition.
 * @argsz: size of the struct passed.
 * @flags: LPAR_DEF_*.
 * @id: partition number, 0 .. max_partitions - 1.
 * @vcpus: number of LIPs, 1 .. max_vcpus.
 * @name: NUL-terminated, unique; 1-31 characters of [A-Za-z0-9._-] (ASCII),
 *	the first a letter or a digit.
 * @size: storage bytes, a multiple of the increment.
 * @origin: host physical start of the storage, with LPAR_DEF_ORIGIN;
 *	otherwise placed first-fit at act (reported by LPAR_GET_STATUS).
 * @cpumask: with LPAR_DEF_DEDICATED, the host CPUs (bit n = CPU n), at
 *	least @vcpus of them, online; vCPU i runs on the i-th set bit.
 * @weight: shared placement weight, LPAR_WEIGHT_MIN .. LPAR_WEIGHT_MAX
 *	(0 means LPAR_WEIGHT_DEFAULT).
 * @image_format: LPAR_IMAGE_*.
 * @load_addr: guest-physical address the image is loaded at.
 * @entry: guest-physical entry point (0 means @load_addr).
 * @image: path of the image file, absolute.
 * @reserved: must be 0.
 */
struct lpar_def {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 vcpus;
	char name[LPAR_NAME_LEN];
	__u64 size;
	__u64 origin;
	__u64 cpumask;
	__u32 weight;
	__u32 image_format;
	__u64 load_addr;
	__u64 entry;
	char image[LPAR_PATH_LEN];
	__u64 reserved[4];
};

/**
 * struct lpar_cmd - LPAR_UNDEFINE, LPAR_ACT, LPAR_DEACT, LPAR_STOP, LPAR_RESUME.
 * @argsz: size of the struct passed.
 * @flags: LPAR_DEACT_FORCE for LPAR_DEACT; otherwise 0.
 * @id: partition number.
 * @timeout_ms: LPAR_DEACT: graceful period before the runner is killed
 *	(0 = module default); otherwise 0.
 */
struct lpar_cmd {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 timeout_ms;
};

#define LPAR_DEACT_FORCE	0x1U	/* kill the runner at once */

/**
 * struct lpar_move_result - what a storage move did.
 * @old_origin: origin before.
 * @new_origin: origin after (equals @old_origin if it failed).
 * @bytes: bytes copied.
 * @time_ns: the whole move, validation to resume.
 * @chunks: chunks moved.
 * @max_pause_ns: the longest time a chunk was unavailable to the guest.
 * @result: 0 or the negative errno it failed with.
 * @pad: reserved, 0.
 */
struct lpar_move_result {
	__u64 old_origin;
	__u64 new_origin;
	__u64 bytes;
	__u64 time_ns;
	__u64 chunks;
	__u64 max_pause_ns;
	__s32 result;
	__u32 pad;
};

/**
 * struct lpar_status - LPAR_GET_STATUS: a partition's current state.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number (in).
 * @state: enum lpar_state.
 * @origin: host physical start of its storage (valid while it owns storage).
 * @size: storage bytes.
 * @runner_pid: pid of the LIP runner (in the init namespace), 0 if none.
 * @activations: successful activations since definition.
 * @act_ns: time act took until the runner attached, ns.
 * @first_insn_ns: act start to the guest's first I/O instruction, ns.
 * @sc_count: service calls made by the guest since act.
 * @report_code: last LPAR_SC_REPORT code (LPAR_REPORT_*).
 * @report_value: last LPAR_SC_REPORT value.
 * @heartbeats: LPAR_SC_HEARTBEAT calls since act.
 * @console_bytes: bytes the guest wrote to its console since definition.
 * @reason: why it failed or the last command on it failed, NUL-terminated.
 * @mv_active: 1 while MVSTOR/exchange/resize moves its storage.
 * @mv_pad: reserved, 0.
 * @mv_done: bytes moved so far by the running move.
 * @mv_total: bytes the running move has to move.
 * @mv_last: result of the last completed move (struct lpar_mvstor out
 *	fields: @mv_last.bytes, .time_ns, .chunks, .max_pause_ns, .result).
 * @guest_metric: values the guest reported with LPAR_SC_METRIC.
 */
struct lpar_status {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 state;
	__u64 origin;
	__u64 size;
	__u32 runner_pid;
	__u32 activations;
	__u64 act_ns;
	__u64 first_insn_ns;
	__u64 sc_count;
	__u32 report_code;
	__u32 pad;
	__u64 report_value;
	__u64 heartbeats;
	__u64 console_bytes;
	char reason[LPAR_REASON_LEN];
	__u32 mv_active;
	__u32 mv_pad;
	__u64 mv_done;
	__u64 mv_total;
	struct lpar_move_result mv_last;
	__u64 guest_metric[4];
};

/**
 * struct lpar_console - LPAR_CONSOLE_READ: read a partition's console log.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number.
 * @len: room at @buf_ptr (in), bytes written (out).
 * @pos: byte position to read from (in); position after the data (out).
 *	The log keeps the last 64 KiB; reading from a position that has
 *	been overwritten starts at the oldest byte kept.
 * @buf_ptr: user pointer to the buffer.
 * @head: total bytes ever written (out): the position of the next byte.
 */
struct lpar_console {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 len;
	__u64 pos;
	__u64 buf_ptr;
	__u64 head;
};

/**
 * struct lpar_attach - LPAR_ATTACH: the runner takes its partition.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number.
 * @pad: reserved, 0.
 * @token: the token the module gave the runner on its command line.
 *
 * Returns a new partition fd (O_CLOEXEC).  Only the runner the module
 * launched for this activation can attach, once.
 */
struct lpar_attach {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 pad;
	__u64 token;
};

/**
 * struct lpar_runner_info - LPAR_RUNNER_INFO (partition fd): what to build.
 * @argsz: size of the struct passed.
 * @flags: LPAR_DEF_DEDICATED when the vCPUs are pinned.
 * @id: partition number.
 * @vcpus: number of vCPUs to create.
 * @size: storage bytes; mmap the partition fd at offset 0 for this length
 *	and register it as guest-physical 0.
 * @cpumask: with LPAR_DEF_DEDICATED, the host CPUs; vCPU i on the i-th bit.
 * @weight: shared placement weight.
 * @pad: reserved, 0.
 * @entry: guest RIP of every vCPU.
 * @cr3: guest CR3 (identity page tables built by the module).
 * @gdt: guest-physical GDT (null, code64 at 0x08, data at 0x10).
 * @boot_info: guest-physical struct lpar_boot_info; passed in RDI.
 * @stack_top: RSP of vCPU 0; vCPU n gets @stack_top - n * LPAR_BOOT_STACK_SIZE.
 */
struct lpar_runner_info {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 vcpus;
	__u64 size;
	__u64 cpumask;
	__u32 weight;
	__u32 pad;
	__u64 entry;
	__u64 cr3;
	__u64 gdt;
	__u64 boot_info;
	__u64 stack_top;
};

/**
 * struct lpar_boot_info - written by the module at LPAR_BOOT_INFO_GPA.
 * @magic: LPAR_BOOT_MAGIC.
 * @id: partition number.
 * @vcpus: number of vCPUs.
 * @size: storage bytes.
 * @load_addr: where the image was loaded.
 * @image_size: bytes loaded.
 * @activation: activation count (1 on the first act).
 * @name: partition name.
 */
struct lpar_boot_info {
	__u32 magic;
	__u32 id;
	__u32 vcpus;
	__u32 activation;
	__u64 size;
	__u64 load_addr;
	__u64 image_size;
	char name[LPAR_NAME_LEN];
};

#define LPAR_BOOT_MAGIC		0x5241504cU	/* "LPAR" */

/* struct lpar_order.order */
#define LPAR_ORDER_NONE		0	/* nothing to do: call again */
#define LPAR_ORDER_STOP		1	/* hold all vCPUs, then LPAR_RUNNER_ACK */
#define LPAR_ORDER_RESUME	2	/* run the vCPUs again, then ACK */
#define LPAR_ORDER_EXIT		3	/* end the VM and exit */
#define LPAR_ORDER_RESIZE	4	/* storage is now @size: re-map it, then ACK */
#define LPAR_ORDER_PLACEMENT	5	/* re-read LPAR_RUNNER_INFO placement, ACK */
#define LPAR_ORDER_SLOT_ATTACH	6	/* LPAR_RUNNER_SLOT @slot, attach it, ACK */
#define LPAR_ORDER_SLOT_DETACH	7	/* detach @slot, close its fds, ACK */
#define LPAR_ORDER_DMA_QUIESCE	8	/* hold BAR writes of @slot, wait idle, ACK */
#define LPAR_ORDER_DMA_SALE	9	/* re-map all storage for @slot's DMA, ACK */
#define LPAR_ORDER_DMA_RESUME	10	/* release held BAR writes of @slot, ACK */

/**
 * struct lpar_order - LPAR_RUNNER_WAIT (partition fd): the runner's order.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @order: LPAR_ORDER_* (out).
 * @timeout_ms: how long to wait for an order (in, at most 1000); the
 *	module counts a runner that does not call within its watchdog
 *	period as not answering.
 * @seq: sequence number of the order (out); echo it in LPAR_RUNNER_ACK.
 * @size: LPAR_ORDER_RESIZE: the storage size to map from now on (out).
 *	Hold the vCPUs, mmap the partition fd again at the new size,
 *	replace memslot 0 with it, unmap the old mapping, run again, ACK.
 * @slot: LPAR_ORDER_SLOT_* and LPAR_ORDER_DMA_*: the slot concerned (out).
 * @pad: reserved, 0.
 *
 * An order the runner cannot carry out is answered with LPAR_EVENT_NACK
 * instead of LPAR_EVENT_ACK.
 */
struct lpar_order {
	__u32 argsz;
	__u32 flags;
	__u32 order;
	__u32 timeout_ms;
	__u64 seq;
	__u64 size;
	__u32 slot;
	__u32 pad;
};

/* struct lpar_runner_event.event */
#define LPAR_EVENT_ACK		1	/* order @seq carried out */
#define LPAR_EVENT_RUNNING	2	/* all vCPUs created and started */
#define LPAR_EVENT_CHECKSTOP	3	/* guest cannot go on: @reason says why */
#define LPAR_EVENT_NACK		4	/* order @seq failed: @reason says why */

/**
 * struct lpar_runner_event - LPAR_RUNNER_EVENT (partition fd).
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @event: LPAR_EVENT_*.
 * @vcpu: the vCPU concerned (LPAR_EVENT_CHECKSTOP).
 * @seq: the order carried out (LPAR_EVENT_ACK).
 * @reason: NUL-terminated text (LPAR_EVENT_CHECKSTOP).
 */
struct lpar_runner_event {
	__u32 argsz;
	__u32 flags;
	__u32 event;
	__u32 vcpu;
	__u64 seq;
	char reason[LPAR_REASON_LEN];
};

#define LPAR_IO_WRITE		0x1U	/* guest OUT; else IN */

/**
 * struct lpar_io - LPAR_IO (partition fd): a trapped port access.
 * @argsz: size of the struct passed.
 * @flags: LPAR_IO_WRITE for OUT.
 * @port: I/O port.
 * @size: 1, 2 or 4.
 * @vcpu: vCPU that made the access.
 * @data: OUT: the value written; IN: the value to return (out).
 *
 * The module owns every port it emulates (console UART, service call,
 * GPE0 block and PCI hot-plug registers); unknown ports read as all ones
 * and ignore writes.
 */
struct lpar_io {
	__u32 argsz;
	__u32 flags;
	__u16 port;
	__u8 size;
	__u8 pad;
	__u32 vcpu;
	__u64 data;
};

/*
 * Service call: the guest writes the guest-physical address of an SCCB
 * (8-byte aligned, inside its storage, not crossing a 4 KiB page) to
 * LPAR_PORT_SERVICE with a 32-bit OUT.  The module executes it and sets
 * @status before the OUT completes.
 */
#define LPAR_SC_INFO		1	/* out: args[0]=id, [1]=size, [2]=vcpus */
#define LPAR_SC_REPORT		2	/* args[0]=LPAR_REPORT_*, args[1]=value */
#define LPAR_SC_HEARTBEAT	3	/* args[0]=sequence number */
#define LPAR_SC_LOG		4	/* data: text, length in args[0] */
#define LPAR_SC_EVENT		5	/* poll: out args[0]=LPAR_GEV_*, [1]=seq, [2]=size */
#define LPAR_SC_ACK		6	/* args[0]=seq of the event carried out */
#define LPAR_SC_METRIC		7	/* args[0]=index (0..3), args[1]=value */
#define LPAR_SC_PCI		8	/* args[0]=LPAR_SC_PCI_*, [1]=slot, [2]=partition */

/*
 * LPAR_SC_INFO also answers args[3] = the code level of the service-call
 * handler (LPAR_SC_LEVEL in an unpatched lpar.ko); an on-line patch that
 * replaces the handler may answer another level.
 */
#define LPAR_SC_LEVEL		1

/*
 * LPAR_SC_PCI: a partition whose definition has LPAR_DEF_PCI_CONTROL asks
 * for add_pci / rem_pci (the seed's cluster software moving a slot).  The
 * request runs asynchronously: the call answers args[3] = request number;
 * LPAR_SC_PCI_STATUS with args[1] = that number answers args[3] = 0 while
 * it runs, 1 when done, or 2 + errno when it failed.
 */
#define LPAR_SC_PCI_ADD		1
#define LPAR_SC_PCI_REM		2
#define LPAR_SC_PCI_STATUS	3

/* Events the manager has for the guest (LPAR_SC_EVENT). */
#define LPAR_GEV_NONE		0
/* storage size becomes args[2]: stop using what lies above, then ACK */
#define LPAR_GEV_STORAGE	1

#define LPAR_REPORT_NONE	0
#define LPAR_REPORT_PASS	1
#define LPAR_REPORT_FAIL	2
#define LPAR_REPORT_PROGRESS	3

#define LPAR_SCCB_OK		0x0010
#define LPAR_SCCB_BAD_CMD	0x01f0
#define LPAR_SCCB_BAD_LEN	0x0300

/**
 * struct lpar_sccb - service-call control block, in guest storage.
 * @len: bytes of the block, header included (40 .. 4096).
 * @cmd: LPAR_SC_*.
 * @status: LPAR_SCCB_* (set by the module).
 * @args: arguments and results.
 * @data: command data (LPAR_SC_LOG text).
 */
struct lpar_sccb {
	__u32 len;
	__u16 cmd;
	__u16 status;
	__u64 args[4];
	__u8 data[];
};

/* Storage keys: one byte per 4 KiB frame, s390 layout. */
#define LPAR_SKEY_ACC		0xf0	/* access-control key, 4 bits */
#define LPAR_SKEY_F		0x08	/* fetch protection */
#define LPAR_SKEY_R		0x04	/* referenced */
#define LPAR_SKEY_C		0x02	/* changed */
#define LPAR_SKEYS_MAX		0x100000U	/* frames per call */

/**
 * struct lpar_skeys - LPAR_GET_SKEYS, LPAR_SET_SKEYS, LPAR_RESET_REF.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number; it must own storage.
 * @pad: reserved, 0.
 * @start_gfn: first guest frame (4 KiB).
 * @count: frames, 1 .. LPAR_SKEYS_MAX, inside the storage.
 * @skeydata_addr: user pointer to @count key bytes (GET: out, SET: in;
 *	bit 0 must be 0; unused by RESET_REF).
 * @referenced: RESET_REF: frames whose R bit was set before (out).
 *
 * R and C are kept by the module conservatively: a frame is marked
 * referenced when it is mapped for the guest and changed when it is
 * mapped writable (every guest mapping is writable, so both are set).
 * Clearing R or C (RESET_REF, or SET without them) unmaps the frame so
 * the next access sets them again.  ACC and F are
 * stored and reported; x86 has no hardware to enforce them.
 */
struct lpar_skeys {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 pad;
	__u64 start_gfn;
	__u64 count;
	__u64 skeydata_addr;
	__u64 referenced;
};

/**
 * struct lpar_mvstor - LPAR_MVSTOR: move a partition's storage.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number.
 * @quiesce_ms: how long to wait for the partition's devices to stop DMA
 *	(0: 10000).
 * @origin: the new origin (host physical; may overlap the old range).
 * @chunk: bytes moved per step (0: module default; a power of two,
 *	4 KiB .. the increment).  The guest waits at most one chunk's copy.
 * @res: the result (out), also kept as LPAR_GET_STATUS mv_last.
 */
struct lpar_mvstor {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 quiesce_ms;
	__u64 origin;
	__u64 chunk;
	struct lpar_move_result res;
};

/**
 * struct lpar_exchange - LPAR_EXCHANGE: two partitions swap places.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: first partition.
 * @id2: second partition.
 * @chunk: bytes per step (0: default).
 * @res: the first partition's move (out).
 * @res2: the second partition's move (out).
 *
 * Equal sizes: each takes the other's origin, swapped chunk by chunk.
 * Adjacent ranges of different sizes: they swap order inside the range
 * they cover together (the lower one ends up on top), through a free
 * range of the pool as large as the lower partition.
 */
struct lpar_exchange {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 id2;
	__u64 chunk;
	struct lpar_move_result res;
	struct lpar_move_result res2;
};

/**
 * struct lpar_resize - LPAR_RESIZE: grow or shrink a partition's storage.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @id: partition number.
 * @timeout_ms: how long a running guest has to acknowledge (0: 10000).
 * @size: the new size, a multiple of the increment.  Growing takes the
 *	free range right above the storage; shrinking gives up the top.
 */
struct lpar_resize {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 timeout_ms;
	__u64 size;
};

/**
 * struct lpar_config_entry - one partition's place in a configuration.
 * @id: partition number.
 * @flags: LPAR_DEF_ORIGIN if @origin is given (else: keep or first fit).
 * @size: storage bytes after the change.
 * @origin: storage origin after the change.
 * @weight: shared weight after the change (0: unchanged).
 * @pad: reserved, 0.
 */
struct lpar_config_entry {
	__u32 id;
	__u32 flags;
	__u64 size;
	__u64 origin;
	__u32 weight;
	__u32 pad;
};

#define LPAR_CONFIG_MAX_ENTRIES	LPAR_MAX_PARTITIONS

/**
 * struct lpar_config - LPAR_CONFIG_APPLY: a configuration as one transaction.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @nr: entries at @entries_ptr, 1 .. LPAR_CONFIG_MAX_ENTRIES.
 * @timeout_ms: per guest acknowledgment (0: 10000).
 * @entries_ptr: user pointer to struct lpar_config_entry[@nr].
 * @delay_ms: apply after this long (0: now); the ioctl waits.
 * @steps: steps carried out (out).
 *
 * The module plans the steps (shrinks, then moves, then grows, as seed
 * 004 does), validates the final layout whole, and on a failed step undoes
 * the steps done, in reverse.
 */
struct lpar_config {
	__u32 argsz;
	__u32 flags;
	__u32 nr;
	__u32 timeout_ms;
	__u64 entries_ptr;
	__u64 delay_ms;
	__u64 steps;
};

/*
 * PCI slots (issue 4).  A slot is a host PCI function lpar.ko has bound to
 * vfio-pci; it belongs to at most one partition at a time.
 *
 * What a partition's guest sees (its "machine"):
 *  - PCI configuration mechanism #1 at ports 0xcf8 / 0xcfc..0xcff, bus 0
 *    only; slot s appears as device s, function 0 (slots 1..31).  The
 *    runner answers these from the device it holds.
 *  - BARs: the guest assigns them inside [LPAR_PCI_MMIO_BASE,
 *    + LPAR_PCI_MMIO_SIZE) (memory BARs only) and enables memory decoding
 *    in the command register; the runner maps them there.
 *  - INTx of slot s (INTA#) is level-triggered IOAPIC input
 *    LPAR_PCI_INTX_GSI(s), active high.  The device's MSI capability
 *    (one vector) may be enabled instead; MSI-X is not offered.
 *  - DMA: the device's bus addresses are the partition's guest-physical
 *    addresses; it reaches only its owner's storage (IOMMU).
 *  - GPE0 block and PCI hot-plug registers below, answered by lpar.ko;
 *    SCI is level-triggered IOAPIC input LPAR_SCI_GSI, active high,
 *    asserted while GPE0_STS & GPE0_EN is non-zero.
 */
#define LPAR_MAX_SLOTS		32	/* slot numbers 1 .. 31 */
#define LPAR_PCI_MMIO_BASE	0xe0000000ULL
#define LPAR_PCI_MMIO_SIZE	0x10000000ULL
#define LPAR_PCI_INTX_GSI(s)	(16 + ((s) - 1) % 8)
#define LPAR_SCI_GSI		9

#define LPAR_PORT_PCI_CONFIG	0xcf8	/* 0xcf8 address, 0xcfc..0xcff data */
#define LPAR_PORT_GPE0_STS	0xafe0	/* 16 bit; write 1 to clear */
#define LPAR_PORT_GPE0_EN	0xafe2	/* 16 bit */
#define LPAR_PORT_PCIHP_UP	0xae00	/* 32 bit, read: insertions pending (read clears) */
#define LPAR_PORT_PCIHP_DOWN	0xae04	/* 32 bit, read: eject requests pending (read clears) */
#define LPAR_PORT_PCIHP_EJ	0xae08	/* 32 bit, write: bit s = slot s released */
#define LPAR_PORT_PCIHP_RNM	0xae0c	/* 32 bit, read: slots present and enabled */
#define LPAR_PORT_PCIHP_SEL	0xae10	/* 32 bit, bus select: only 0 */

/* GPE0 status / enable bits */
#define LPAR_GPE_PCI_HOTPLUG	0x0002	/* _E01: read UP / DOWN */
#define LPAR_GPE_SERVICE	0x0004	/* _E02: LPAR_SC_EVENT has an event */

/* struct lpar_slot.state */
#define LPAR_SLOT_FREE		0	/* in the pool, no owner */
#define LPAR_SLOT_ATTACHING	1	/* add_pci in progress */
#define LPAR_SLOT_ASSIGNED	2	/* owned and attached to the runner */
#define LPAR_SLOT_REMOVING	3	/* rem_pci: eject requested */
#define LPAR_SLOT_DISABLED	4	/* owned, enable 0: no access */

#define LPAR_SLOT_NAME_LEN	16	/* "dddd:bb:dd.f" */
#define LPAR_DRIVER_LEN		32

/**
 * struct lpar_slot - LPAR_SLOT_ADD / LPAR_SLOT_INFO: one slot table entry.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @slot: slot number (LPAR_SLOT_ADD: 0 = the lowest free one; out: the
 *	number given); LPAR_SLOT_INFO: in.
 * @owner: owning partition, or LPAR_SLOT_NO_OWNER (out).
 * @state: LPAR_SLOT_* (out).
 * @enable: 1 while the owner may use the device (out).
 * @bdf: host PCI address, "dddd:bb:dd.f" (LPAR_SLOT_ADD: in; out).
 * @vendor: PCI vendor ID (out).
 * @device: PCI device ID (out).
 * @group: host IOMMU group number (out).
 * @driver: host driver bound before the slot was made (out; "" if none);
 *	restored by LPAR_SLOT_REMOVE.
 */
struct lpar_slot {
	__u32 argsz;
	__u32 flags;
	__u32 slot;
	__u32 owner;
	__u32 state;
	__u32 enable;
	char bdf[LPAR_SLOT_NAME_LEN];
	__u16 vendor;
	__u16 device;
	__u32 group;
	char driver[LPAR_DRIVER_LEN];
};

#define LPAR_SLOT_NO_OWNER	0xffffffffU

/* struct lpar_slot_cmd.flags */
#define LPAR_PCI_FORCE		0x1U	/* rem_pci: take it even if the guest did not release it */

/**
 * struct lpar_slot_cmd - LPAR_SLOT_REMOVE, LPAR_PCI_ADD, LPAR_PCI_REM,
 *	LPAR_SLOT_ENABLE.
 * @argsz: size of the struct passed.
 * @flags: LPAR_PCI_FORCE (LPAR_PCI_REM only), else 0.
 * @slot: slot number.
 * @id: partition number (LPAR_PCI_ADD / LPAR_PCI_REM; LPAR_SLOT_ENABLE:
 *	must be the owner).
 * @value: LPAR_SLOT_ENABLE: the new enable flag (0 or 1); else 0.
 * @timeout_ms: LPAR_PCI_REM: how long the guest has to release the device
 *	(0 = the module's pci_eject_timeout_ms); else 0.
 */
struct lpar_slot_cmd {
	__u32 argsz;
	__u32 flags;
	__u32 slot;
	__u32 id;
	__u32 value;
	__u32 timeout_ms;
};

/**
 * struct lpar_runner_slot - LPAR_RUNNER_SLOT (partition fd): obtain a slot.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @slot: slot number (in).
 * @fd: an O_CLOEXEC fd of the slot's VFIO group (out); only the owning
 *	partition's runner gets it, only while the slot is enabled.  Set a
 *	container of the runner's own, map the whole storage for DMA
 *	(IOVA = guest-physical address) and get the device fd by @bdf.
 * @group: host IOMMU group number (out).
 * @bdf: the device's host name for VFIO_GROUP_GET_DEVICE_FD (out).
 * @vendor: PCI vendor ID (out).
 * @device: PCI device ID (out).
 * @pad: reserved, 0.
 */
struct lpar_runner_slot {
	__u32 argsz;
	__u32 flags;
	__u32 slot;
	__s32 fd;
	__u32 group;
	char bdf[LPAR_SLOT_NAME_LEN];
	__u16 vendor;
	__u16 device;
	__u32 pad;
};

/**
 * struct lpar_runner_sci - LPAR_RUNNER_SCI (partition fd): the SCI line.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @trigger_fd: eventfd registered with KVM_IRQFD for LPAR_SCI_GSI with
 *	KVM_IRQFD_FLAG_RESAMPLE; the module signals it to assert SCI.
 * @resample_fd: that irqfd's resample eventfd; the module re-asserts SCI
 *	when the guest's EOI finds GPE0_STS & GPE0_EN still non-zero.
 *
 * Register it once, before LPAR_EVENT_RUNNING.
 */
struct lpar_runner_sci {
	__u32 argsz;
	__u32 flags;
	__s32 trigger_fd;
	__s32 resample_fd;
};

/*
 * On-line patch (issue 5).  The patch file format is described in
 * Documentation/lpar/olp.rst; LPAR_OLP_LOAD takes the whole file.
 */
#define LPAR_OLP_MAX_ENTRIES	64
#define LPAR_OLP_MAX_FILE	0x100000U
#define LPAR_OLP_SYM_LEN	64
#define LPAR_OLP_MAX_LEN	16384	/* bytes of old / new data per entry */

#define LPAR_OLP_MAGIC		0x504c4f4cU	/* "LOLP" in file byte order */
#define LPAR_OLP_VERSION	1

/**
 * struct lpar_olp_file_hdr - start of a patch file (all fields little-endian).
 * @magic: LPAR_OLP_MAGIC.
 * @version: LPAR_OLP_VERSION.
 * @hdr_size: sizeof(struct lpar_olp_file_hdr).
 * @nr_entries: entries that follow (1..LPAR_OLP_MAX_ENTRIES).
 * @file_size: bytes of the whole file.
 * @name: the patch's name, NUL-terminated.
 * @module: the patch module holding the FUNC entries' replacements,
 *	NUL-terminated; empty if the patch has only DATA entries.
 *
 * The entries follow, each a struct lpar_olp_file_entry and its data.
 */
struct lpar_olp_file_hdr {
	__le32 magic;
	__le16 version;
	__le16 hdr_size;
	__le32 nr_entries;
	__le32 file_size;
	char name[LPAR_OLP_SYM_LEN];
	char module[LPAR_OLP_SYM_LEN];
};

/**
 * struct lpar_olp_file_entry - one entry of a patch file (little-endian).
 * @size: bytes of this entry: sizeof(struct lpar_olp_file_entry) +
 *	2 * @length.
 * @kind: LPAR_OLP_FUNC or LPAR_OLP_DATA.
 * @flags: 0.
 * @offset: byte offset into @target (FUNC: 0).
 * @length: bytes of old data (1..LPAR_OLP_MAX_LEN).
 * @target: a symbol of lpar.ko, NUL-terminated.
 * @new_sym: FUNC: the replacement's name in the patch module; DATA: empty.
 *
 * Followed by @length bytes of old data, then @length bytes that are, for
 * FUNC, the compare mask (non-zero: byte not compared -- relocations and
 * other sites the kernel rewrites when it loads lpar.ko) and, for DATA,
 * the new data.
 */
struct lpar_olp_file_entry {
	__le32 size;
	__le16 kind;
	__le16 flags;
	__le32 offset;
	__le32 length;
	char target[LPAR_OLP_SYM_LEN];
	char new_sym[LPAR_OLP_SYM_LEN];
};

/*
 * struct lpar_olp_cmd.flags of LPAR_OLP_CALIBRATE: before each empty
 * stop_machine, prepare and check the loaded patch as LPAR_OLP_APPLY does
 * (then undo it), so that the baseline starts from the same state as a
 * real window.
 */
#define LPAR_OLP_CAL_PREPARED	0x1U

/* struct lpar_olp_status.flags (out) */
#define LPAR_OLP_K0		0x1U	/* start requested */
#define LPAR_OLP_K1		0x2U	/* in progress */
#define LPAR_OLP_LOADED		0x4U	/* a patch is loaded */

/**
 * struct lpar_olp_load - LPAR_OLP_LOAD: load (validate, resolve) a patch.
 * @argsz: size of the struct passed.
 * @flags: must be 0.
 * @len: bytes at @data_ptr (at most LPAR_OLP_MAX_FILE).
 * @pad: reserved, 0.
 * @data_ptr: user pointer to the patch file's contents.
 */
struct lpar_olp_load {
	__u32 argsz;
	__u32 flags;
	__u32 len;
	__u32 pad;
	__u64 data_ptr;
};

/**
 * struct lpar_olp_cmd - LPAR_OLP_APPLY, LPAR_OLP_REVERT, LPAR_OLP_UNLOAD,
 *	LPAR_OLP_CALIBRATE.
 * @argsz: size of the struct passed.
 * @flags: 0; LPAR_OLP_CALIBRATE: LPAR_OLP_CAL_PREPARED or 0.
 * @timeout_ms: how long the stack check may retry before the command is
 *	aborted (0 = the module's olp_timeout_ms).
 * @count: LPAR_OLP_CALIBRATE: empty stop_machine calls to make (1..1000).
 * @window_ns: the stop window of the command (out; CALIBRATE: median).
 * @applied: entries applied after the command (out).
 * @mismatches: entries whose old data did not match (out).
 * @switch_ns: APPLY / REVERT: of @window_ns, the time the CPU doing the
 *	work spent checking the stack of on-CPU tasks, comparing and
 *	switching (out).
 */
struct lpar_olp_cmd {
	__u32 argsz;
	__u32 flags;
	__u32 timeout_ms;
	__u32 count;
	__u64 window_ns;
	__u32 applied;
	__u32 mismatches;
	__u64 switch_ns;
};

/**
 * struct lpar_olp_entry_status - one entry of the loaded patch.
 * @target: lpar.ko symbol.
 * @new_sym: FUNC: the replacement in the patch module.
 * @offset: offset into @target.
 * @length: bytes of old / new data.
 * @kind: LPAR_OLP_FUNC or LPAR_OLP_DATA.
 * @applied: 1 once applied.
 * @mismatch: 1 if the last apply found the old data different.
 * @pad: reserved, 0.
 */
struct lpar_olp_entry_status {
	char target[LPAR_OLP_SYM_LEN];
	char new_sym[LPAR_OLP_SYM_LEN];
	__u32 offset;
	__u32 length;
	__u32 kind;
	__u8 applied;
	__u8 mismatch;
	__u16 pad;
};

#define LPAR_OLP_FUNC		1	/* redirect a function (ftrace) */
#define LPAR_OLP_DATA		2	/* replace bytes of lpar.ko's writable data */

/**
 * struct lpar_olp_status - LPAR_OLP_STATUS: K0/K1 and the loaded patch.
 * @argsz: size of the struct passed.
 * @flags: LPAR_OLP_K0 | LPAR_OLP_K1 | LPAR_OLP_LOADED (out).
 * @name: the loaded patch's name (out).
 * @module: its patch module, empty for a DATA-only patch (out).
 * @nr_entries: entries in the loaded patch (out).
 * @nr_max: room at @entries_ptr, in struct lpar_olp_entry_status (in).
 * @entries_ptr: user pointer, or 0.
 * @last_window_ns: stop window of the last apply or revert (out).
 * @last_result: errno of the last apply or revert, 0 on success (out).
 * @nr_applied: entries of the loaded patch applied now (out).
 */
struct lpar_olp_status {
	__u32 argsz;
	__u32 flags;
	char name[LPAR_OLP_SYM_LEN];
	char module[LPAR_OLP_SYM_LEN];
	__u32 nr_entries;
	__u32 nr_max;
	__u64 entries_ptr;
	__u64 last_window_ns;
	__s32 last_result;
	__u32 nr_applied;
};

/*
 * The ioctl numbers do not encode the struct size: the structs grow at
 * their end and carry their size in argsz (as VFIO does), so a number
 * stays the same for old and new binaries.
 */
#define LPAR_IOC_MAGIC		0xB8

/* /dev/lpar */
#define LPAR_GET_VERSION	_IO(LPAR_IOC_MAGIC, 0x00)
#define LPAR_POOL_INFO		_IO(LPAR_IOC_MAGIC, 0x01)
#define LPAR_DEFINE		_IO(LPAR_IOC_MAGIC, 0x02)
#define LPAR_UNDEFINE		_IO(LPAR_IOC_MAGIC, 0x03)
#define LPAR_GET_DEF		_IO(LPAR_IOC_MAGIC, 0x04)
#define LPAR_GET_STATUS		_IO(LPAR_IOC_MAGIC, 0x05)
#define LPAR_ACT		_IO(LPAR_IOC_MAGIC, 0x06)
#define LPAR_DEACT		_IO(LPAR_IOC_MAGIC, 0x07)
#define LPAR_STOP		_IO(LPAR_IOC_MAGIC, 0x08)
#define LPAR_RESUME		_IO(LPAR_IOC_MAGIC, 0x09)
#define LPAR_CONSOLE_READ	_IO(LPAR_IOC_MAGIC, 0x0a)
#define LPAR_ATTACH		_IO(LPAR_IOC_MAGIC, 0x0b)
#define LPAR_GET_SKEYS		_IO(LPAR_IOC_MAGIC, 0x0c)
#define LPAR_SET_SKEYS		_IO(LPAR_IOC_MAGIC, 0x0d)
#define LPAR_RESET_REF		_IO(LPAR_IOC_MAGIC, 0x0e)
#define LPAR_MVSTOR		_IO(LPAR_IOC_MAGIC, 0x0f)
#define LPAR_EXCHANGE		_IO(LPAR_IOC_MAGIC, 0x10)
#define LPAR_RESIZE		_IO(LPAR_IOC_MAGIC, 0x11)
#define LPAR_CONFIG_APPLY	_IO(LPAR_IOC_MAGIC, 0x12)
#define LPAR_SLOT_ADD		_IO(LPAR_IOC_MAGIC, 0x13)
#define LPAR_SLOT_REMOVE	_IO(LPAR_IOC_MAGIC, 0x14)
#define LPAR_SLOT_INFO		_IO(LPAR_IOC_MAGIC, 0x15)
#define LPAR_PCI_ADD		_IO(LPAR_IOC_MAGIC, 0x16)
#define LPAR_PCI_REM		_IO(LPAR_IOC_MAGIC, 0x17)
#define LPAR_SLOT_ENABLE	_IO(LPAR_IOC_MAGIC, 0x18)
#define LPAR_OLP_LOAD		_IO(LPAR_IOC_MAGIC, 0x20)
#define LPAR_OLP_APPLY		_IO(LPAR_IOC_MAGIC, 0x21)
#define LPAR_OLP_REVERT		_IO(LPAR_IOC_MAGIC, 0x22)
#define LPAR_OLP_STATUS		_IO(LPAR_IOC_MAGIC, 0x23)
#define LPAR_OLP_UNLOAD		_IO(LPAR_IOC_MAGIC, 0x24)
#define LPAR_OLP_CALIBRATE	_IO(LPAR_IOC_MAGIC, 0x25)

/* partition fd (runner) */
#define LPAR_RUNNER_INFO	_IO(LPAR_IOC_MAGIC, 0x40)
#define LPAR_RUNNER_WAIT	_IO(LPAR_IOC_MAGIC, 0x41)
#define LPAR_RUNNER_EVENT	_IO(LPAR_IOC_MAGIC, 0x42)
#define LPAR_IO			_IO(LPAR_IOC_MAGIC, 0x43)
#define LPAR_RUNNER_SLOT	_IO(LPAR_IOC_MAGIC, 0x44)
#define LPAR_RUNNER_SCI		_IO(LPAR_IOC_MAGIC, 0x45)

#endif /* _UAPI_LINUX_LPAR_H */
