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
#define LPAR_DEF_FLAGS		(LPAR_DEF_ORIGIN | LPAR_DEF_DEDICATED)

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
 * @name: NUL-terminated; [A-Za-z0-9_-], starts with a letter, unique.
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
 */
struct lpar_order {
	__u32 argsz;
	__u32 flags;
	__u32 order;
	__u32 timeout_ms;
	__u64 seq;
	__u64 size;
};

/* struct lpar_runner_event.event */
#define LPAR_EVENT_ACK		1	/* order @seq carried out */
#define LPAR_EVENT_RUNNING	2	/* all vCPUs created and started */
#define LPAR_EVENT_CHECKSTOP	3	/* guest cannot go on: @reason says why */

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
 * and later the GPE block); unknown ports read as all ones and ignore
 * writes.
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

/* partition fd (runner) */
#define LPAR_RUNNER_INFO	_IO(LPAR_IOC_MAGIC, 0x40)
#define LPAR_RUNNER_WAIT	_IO(LPAR_IOC_MAGIC, 0x41)
#define LPAR_RUNNER_EVENT	_IO(LPAR_IOC_MAGIC, 0x42)
#define LPAR_IO			_IO(LPAR_IOC_MAGIC, 0x43)

#endif /* _UAPI_LINUX_LPAR_H */
