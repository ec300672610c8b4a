// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - the operator's command line for lpar.ko.
 *
 * lparctl [--json] [--device PATH] COMMAND [ARGS]
 *
 * Talks to /dev/lpar with the ioctls of <linux/lpar.h>.  Exit codes:
 * 0 ok, 1 the command failed, 2 usage error.
 *
 * Adding a command: write "int cmd_foo(struct ctx *, int, char **)" in a
 * cmd_*.c file, declare it in lparctl.h and add one entry to commands[]
 * below.  Partition arguments go through resolve_partition(), failures
 * through cmd_fail(), machine output through the json_*() writer.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lparctl.h"

static int cmd_help(struct ctx *ctx, int argc, char **argv);

static const struct command commands[] = {
	{
		.name = "list",
		.synopsis = "",
		.summary = "list the defined partitions",
		.help = "Columns: ID NAME STATE ORIGIN SIZE VCPUS PLACEMENT RUNNER.\n"
			"ORIGIN is the storage origin while the partition owns storage,\n"
			"the requested origin otherwise (\"auto\" = first fit at act).\n",
		.run = cmd_list,
	},
	{
		.name = "show",
		.synopsis = "ID|NAME",
		.summary = "show a partition's definition and status",
		.run = cmd_show,
	},
	{
		.name = "define",
		.synopsis = "ID NAME --size SIZE --image PATH [--origin ADDR] [--vcpus N]\n"
			    "       [--cpus LIST | --weight W] [--load ADDR] [--entry ADDR]\n"
			    "       [--pci-control]",
		.summary = "define a partition",
		.help = "  ID             partition number, 0 .. max_partitions-1\n"
			"  NAME           [A-Za-z0-9._-], starts with a letter or digit, unique\n"
			"  --size SIZE    storage size, a multiple of the increment (K/M/G/T)\n"
			"  --image PATH   flat 64-bit image, loaded at --load, started at --entry\n"
			"  --origin ADDR  host physical origin inside the pool (default: first\n"
			"                 fit at act)\n"
			"  --vcpus N      logical processors (default 1, or the --cpus count)\n"
			"  --cpus LIST    dedicated host CPUs, e.g. 2-3 or 1,4\n"
			"  --weight W     shared placement weight 1..999 (default 100)\n"
			"  --load ADDR    guest-physical load address (default 0x100000)\n"
			"  --entry ADDR   guest-physical entry point (default: --load)\n"
			"  --pci-control  the guest may add_pci / rem_pci itself through the\n"
			"                 service call (LPAR_SC_PCI), e.g. cluster software\n"
			"                 moving a slot at failover\n"
			"\nExample:\n"
			"  lparctl define 0 LPAR1 --size 32M --vcpus 1 --image /srv/lpar/hello.bin\n",
		.run = cmd_define,
	},
	{
		.name = "undefine",
		.synopsis = "ID|NAME",
		.summary = "remove a deactivated partition's definition",
		.run = cmd_undefine,
	},
	{
		.name = "act",
		.synopsis = "ID|NAME",
		.summary = "activate: reserve storage, load the image, start the LIPs",
		.help = "Returns once the partition is operating, or with the reason it\n"
			"could not be activated (the module waits attach_timeout_ms for\n"
			"the runner).\n",
		.run = cmd_act,
	},
	{
		.name = "deact",
		.synopsis = "ID|NAME [--force] [--timeout MS]",
		.summary = "deactivate: end the LIPs, scrub and release the storage",
		.help = "  --timeout MS   graceful period before the runner is killed\n"
			"                 (default: the module's deact_timeout_ms)\n"
			"  --force        kill the runner at once\n",
		.run = cmd_deact,
	},
	{
		.name = "stop",
		.synopsis = "ID|NAME",
		.summary = "hold an operating partition's LIPs",
		.run = cmd_stop,
	},
	{
		.name = "resume",
		.synopsis = "ID|NAME",
		.summary = "let a stopped partition's LIPs run again",
		.run = cmd_resume,
	},
	{
		.name = "mvstor",
		.synopsis = "ID|NAME ORIGIN [--chunk SIZE] [--quiesce MS]",
		.summary = "move a partition's storage to a new origin while it runs",
		.help = "  ORIGIN         the new host physical origin: aligned to the increment,\n"
			"                 inside one pool extent, owned by no other partition\n"
			"                 (it may overlap the partition's own range)\n"
			"  --chunk SIZE   bytes moved per step, a power of two from 4K to the\n"
			"                 increment (default: the module's mv_chunk_kb); the\n"
			"                 guest waits at most one chunk's copy\n"
			"  --quiesce MS   how long the partition's devices get to stop DMA\n"
			"                 (default 10000)\n"
			"Operating, stopped and failed partitions are moved; a deactivated one\n"
			"only gets a new defined origin.  A progress line is drawn on stderr\n"
			"when it is a terminal; a move cannot be cancelled.\n"
			"\nExample:\n"
			"  lparctl mvstor LPAR1 0x48000000\n",
		.run = cmd_mvstor,
	},
	{
		.name = "exchange",
		.synopsis = "A B [--chunk SIZE]",
		.summary = "swap the storage places of two partitions",
		.help = "Both must own storage; they may run.  Equal sizes: each takes the\n"
			"other's origin, chunk by chunk.  Different sizes: the two ranges must\n"
			"be adjacent; they trade order inside the range they cover together,\n"
			"through a free range as large as the lower one.\n"
			"  --chunk SIZE   bytes per step (as for mvstor)\n",
		.run = cmd_exchange,
	},
	{
		.name = "resize",
		.synopsis = "ID|NAME SIZE [--timeout MS]",
		.summary = "grow or shrink a partition's storage",
		.help = "Growing takes the free range right above the storage; shrinking\n"
			"gives up the top.  A running guest must acknowledge the change\n"
			"(LPAR_GEV_STORAGE); without it nothing changes.  A deactivated\n"
			"partition gets a new defined size.\n"
			"  --timeout MS   how long the guest has to acknowledge (default 10000)\n",
		.run = cmd_resize,
	},
	{
		.name = "config",
		.synopsis = "apply FILE [--delay MS] [--timeout MS]",
		.summary = "apply a table of sizes, origins and weights as one transaction",
		.help = "FILE (- for stdin) has one line per partition:\n"
			"    ID|NAME  SIZE  ORIGIN|-  WEIGHT|-\n"
			"'-' keeps the origin (or the weight); '#' starts a comment.  The module\n"
			"validates the final layout whole, shrinks, moves, grows and re-weights,\n"
			"and undoes the steps done if one fails.  The partitions must be\n"
			"operating.\n"
			"  --delay MS     apply after this long (^C before then cancels)\n"
			"  --timeout MS   per guest acknowledgment (default 10000)\n"
			"\nExample (shrink 2, move it up, grow 1 into the gap):\n"
			"    1  48M  -           900\n"
			"    2  16M  0x43000000  100\n",
		.run = cmd_config,
	},
	{
		.name = "keys",
		.synopsis = "ID|NAME get ADDR COUNT | set ADDR COUNT KEY | rrbe ADDR COUNT",
		.summary = "show, set or reset the storage keys of a partition's frames",
		.help = "  ADDR    guest-physical byte address, 4 KiB aligned\n"
			"  COUNT   number of 4 KiB frames\n"
			"  KEY     key byte: ACC 0xf0, F 0x08, R 0x04, C 0x02 (bit 0 is 0)\n"
			"get prints one line per frame: guest address, key, ACC, F, R, C.\n"
			"set gives every frame KEY; clearing R or C makes the next guest\n"
			"access set them again.  rrbe resets R and prints how many frames\n"
			"had it set.\n"
			"\nExamples:\n"
			"  lparctl keys LPAR1 get 0x100000 16\n"
			"  lparctl keys LPAR1 set 0x100000 16 0x38\n"
			"  lparctl keys LPAR1 rrbe 0x100000 16\n",
		.run = cmd_keys,
	},
	{
		.name = "slot",
		.synopsis = "add BDF [--slot N] | remove SLOT | list | show SLOT | enable SLOT 0|1",
		.summary = "manage PCI slots: host devices lpar.ko hands to partitions",
		.help = "  add BDF        take the host PCI function BDF (e.g. 0000:00:03.0) from\n"
			"                 its host driver and bind it to vfio-pci as a slot (the\n"
			"                 lowest free number, or --slot N, 1..31)\n"
			"  remove SLOT    release a slot that no partition owns: the device\n"
			"                 goes back to the host driver it had before\n"
			"  list           the slot table: slot, device, state, enable, owner\n"
			"  show SLOT      one slot in detail\n"
			"  enable SLOT 0|1\n"
			"                 the owner's enable flag: with 0 the partition keeps the\n"
			"                 slot but cannot reach the device\n"
			"\nExamples:\n"
			"  lparctl slot add 0000:00:03.0\n"
			"  lparctl slot list\n",
		.run = cmd_slot,
	},
	{
		.name = "pci",
		.synopsis = "add SLOT ID|NAME | rem SLOT ID|NAME [--force] [--timeout MS]",
		.summary = "add_pci / rem_pci: move a slot into or out of a running partition",
		.help = "  add            give a free slot to an operating partition; its guest\n"
			"                 gets an ACPI hot-plug insertion (SCI, GPE0 bit 1,\n"
			"                 PCIHP_UP) and configures the device itself\n"
			"  rem            ask the guest to eject the device (SCI, PCIHP_DOWN),\n"
			"                 wait until it writes PCIHP_EJ, take the device back;\n"
			"                 the slot is free again\n"
			"  --timeout MS   how long the guest has to release it (default: the\n"
			"                 module's pci_eject_timeout_ms); when it expires the\n"
			"                 slot stays with the partition\n"
			"  --force        take the device even if the guest does not release it\n"
			"\nExample (move slot 1 from LPAR1 to LPAR2):\n"
			"  lparctl pci rem 1 LPAR1 && lparctl pci add 1 LPAR2\n",
		.run = cmd_pci,
	},
	{
		.name = "console",
		.synopsis = "ID|NAME [-f] [--raw]",
		.summary = "print a partition's console log",
		.help = "  -f, --follow   keep printing new output until interrupted (^C)\n"
			"  --raw          do not filter terminal control characters\n"
			"With --json, one object per chunk read (JSON lines with -f).\n",
		.run = cmd_console,
	},
	{
		.name = "olp",
		.synopsis = "load FILE|apply|revert|status|unload|calibrate [N] [--timeout MS]",
		.summary = "on-line patch of lpar.ko (Documentation/lpar/olp.rst)",
		.help = "  load FILE      validate a patch file (made by olp/mkpatch) and keep it\n"
			"  apply          stack check, then one stop window: compare old data,\n"
			"                 switch every entry (all or nothing); K0/K1 meanwhile\n"
			"  revert         the same backwards\n"
			"  status         K0/K1, the loaded patch and its entries\n"
			"  unload         forget the loaded patch (nothing may be applied)\n"
			"  calibrate [N]  median of N empty stop_machine windows (default 101)\n"
			"  --timeout MS   how long the stack check may retry (apply, revert;\n"
			"                 default: the module's olp_timeout_ms)\n"
			"\nThe patch module named by the file must be loaded first (insmod).\n",
		.run = cmd_olp,
	},
	{
		.name = "pool",
		.synopsis = "",
		.summary = "show main storage: total, free, extents and a map",
		.run = cmd_pool,
	},
	{
		.name = "version",
		.synopsis = "",
		.summary = "show lparctl's and the module's interface versions",
		.run = cmd_version,
	},
	{
		.name = "help",
		.synopsis = "[COMMAND]",
		.summary = "show this help, or a command's",
		.run = cmd_help,
	},
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void vmsg(const struct ctx *ctx, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (ctx->cmd)
		fprintf(stderr, "%s %s: ", ctx->prog, ctx->cmd->name);
	else
		fprintf(stderr, "%s: ", ctx->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void err_msg(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
}

/* A note on stderr, so machine output on stdout stays clean. */
void note_msg(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
}

/*
 * cmd_fail - report a failed command and return EXIT_FAIL.
 * @err: the errno (0 if none).
 * @what: what failed, for --json ("act", "open /dev/lpar"); NULL = command.
 *
 * The message goes to stderr; with --json an error object also goes to
 * stdout so scripts see the failure in the stream they parse.
 */
int cmd_fail(const struct ctx *ctx, int err, const char *what,
	     const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_msg(ctx, "%s", msg);
	if (ctx->json) {
		json_begin(false);
		json_obj_open(NULL);
		json_bool("ok", false);
		json_str("command", ctx->cmd ? ctx->cmd->name : NULL);
		json_str("operation", what ? what :
			 (ctx->cmd ? ctx->cmd->name : NULL));
		json_u64("errno", err > 0 ? (__u64)err : 0);
		json_str("error", err > 0 ? errno_name(err) : NULL);
		json_str("message", msg);
		json_obj_close();
		json_end();
	}
	return EXIT_FAIL;
}

void print_command_usage(FILE *f, const struct ctx *ctx,
			 const struct command *cmd)
{
	fprintf(f, "usage: %s [--json] %s%s%s\n", ctx->prog, cmd->name,
		*cmd->synopsis ? " " : "", cmd->synopsis);
}

int usage_error(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, fmt, ap);
	va_end(ap);
	if (ctx->cmd) {
		fprintf(stderr, "Try '%s help %s' for details.\n", ctx->prog,
			ctx->cmd->name);
	} else {
		fprintf(stderr, "Try '%s help'.\n", ctx->prog);
	}
	return EXIT_USAGE;
}

/*
 * Report a getopt_long() failure: @c is ':' for a missing argument
 * (option strings start with ':'), '?' for an unknown option.
 */
int bad_option(const struct ctx *ctx, int c, char **argv, int optind_now,
	       int optopt_now)
{
	const char *arg = argv[optind_now - 1];
	bool is_long = arg && arg[0] == '-' && arg[1] == '-';

	if (c == ':') {
		if (is_long)
			return usage_error(ctx, "option '%s' needs an argument",
					   arg);
		return usage_error(ctx, "option -%c needs an argument",
				   optopt_now);
	}
	if (!is_long && optopt_now)
		return usage_error(ctx, "unknown option -%c", optopt_now);
	return usage_error(ctx, "unknown option '%s'", arg);
}

/* Check the number of positional arguments left after the options. */
int want_args(const struct ctx *ctx, int argc, char **argv, int optind_now,
	      int min, int max)
{
	int n = argc - optind_now;

	if (n < min) {
		print_command_usage(stderr, ctx, ctx->cmd);
		return usage_error(ctx, "missing argument");
	}
	if (max >= 0 && n > max)
		return usage_error(ctx, "unexpected argument '%s'",
				   argv[optind_now + max]);
	return 0;
}

/* Suggest the insmod line from a memmap= reservation on the command line. */
static void load_hint(char *buf, size_t len)
{
	char cmdline[4096], *p, *e;
	ssize_t n = -1;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, cmdline, sizeof(cmdline) - 1);
		close(fd);
	}
	if (n > 0) {
		cmdline[n] = '\0';
		p = strstr(cmdline, "memmap=");
		if (p) {
			p += strlen("memmap=");
			e = p + strcspn(p, "\n\t ");
			*e = '\0';
			e = strchr(p, '$');
			if (e) {
				*e = '@';
				snprintf(buf, len, "insmod lpar.ko boot_pool=%s",
					 p);
				return;
			}
		}
	}
	snprintf(buf, len,
		 "insmod lpar.ko host_pool=SIZE (or boot with memmap=SIZE$ADDR and use boot_pool=SIZE@ADDR)");
}

/* Open the control device once; returns 0 or an EXIT_* code. */
int open_device(struct ctx *ctx)
{
	struct stat sb;
	char hint[256];
	int err;

	if (ctx->fd >= 0)
		return 0;
	ctx->fd = open(ctx->dev_path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		err = errno;
		switch (err) {
		case ENOENT:
			if (!stat("/sys/module/lpar", &sb))
				return cmd_fail(ctx, err, "open",
						"lpar.ko is loaded but %s does not exist; check udev and dmesg",
						ctx->dev_path);
			load_hint(hint, sizeof(hint));
			return cmd_fail(ctx, err, "open",
					"lpar.ko is not loaded: %s", hint);
		case EACCES:
		case EPERM:
			return cmd_fail(ctx, err, "open",
					"cannot open %s: needs root (CAP_SYS_ADMIN)",
					ctx->dev_path);
		case ENXIO:
		case ENODEV:
			return cmd_fail(ctx, err, "open",
					"%s has no driver behind it: is lpar.ko being unloaded? reload it",
					ctx->dev_path);
		default:
			return cmd_fail(ctx, err, "open", "cannot open %s: %s",
					ctx->dev_path, strerror(err));
		}
	}
	memset(&ctx->ver, 0, sizeof(ctx->ver));
	ctx->ver.argsz = sizeof(ctx->ver);
	if (ioctl(ctx->fd, LPAR_GET_VERSION, &ctx->ver)) {
		err = errno;
		return cmd_fail(ctx, err, "version",
				"%s does not answer LPAR_GET_VERSION (%s): is it the lpar device?",
				ctx->dev_path, strerror(err));
	}
	if (ctx->ver.api != LPAR_API_VERSION)
		note_msg(ctx,
			 "warning: lpar.ko speaks API %u, lparctl was built for %u; rebuild lparctl against the module's lpar.h",
			 ctx->ver.api, LPAR_API_VERSION);
	if (!ctx->ver.max_partitions ||
	    ctx->ver.max_partitions > LPAR_MAX_PARTITIONS)
		ctx->ver.max_partitions = LPAR_MAX_PARTITIONS;
	return 0;
}

/*
 * sys_fail - an ioctl failed for a reason that does not depend on the
 * command: permissions, or a module that does not know the request.
 */
int sys_fail(const struct ctx *ctx, int err, const char *what)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return cmd_fail(ctx, err, what,
				"%s needs root (CAP_SYS_ADMIN); run it with sudo",
				what);
	case ENOTTY:
		/* The ioctl numbers encode the struct sizes of lpar.h. */
		return cmd_fail(ctx, err, what,
				"%s: the loaded lpar.ko does not know this request; lparctl and lpar.ko were built from different <linux/lpar.h> (module API %u, lparctl API %u): rebuild and reload them together",
				what, ctx->ver.api, LPAR_API_VERSION);
	}
	return cmd_fail(ctx, err, what, "%s failed: %s", what, strerror(err));
}

/*
 * part_fail - a failed command on a partition: the message, plus the
 * module's reason for it when it recorded one.
 */
int part_fail(const struct ctx *ctx, int err, const char *what,
	      const struct lpar_def *def, const char *fmt, ...)
{
	struct lpar_status st;
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (def && !get_status(ctx, def->id, &st) && st.reason[0])
		return cmd_fail(ctx, err, what, "%s\n  module says: %s", msg,
				st.reason);
	return cmd_fail(ctx, err, what, "%s", msg);
}

/*
 * common_fail - messages for errors that mean the same whatever the
 * command.  Returns an EXIT_* code, or -1 when @err is not one of them.
 */
int common_fail(const struct ctx *ctx, int err, const char *what,
		const struct lpar_def *def)
{
	switch (err) {
	case EPERM:
	case EACCES:
	case ENOTTY:
		return sys_fail(ctx, err, what);
	case EINTR:
		return cmd_fail(ctx, err, what,
				"interrupted; 'lparctl show %s' tells where it stopped",
				def ? def->name : "N");
	}
	return -1;
}

/*
 * read_pool - LPAR_POOL_INFO with every extent.  On success *@ext is a
 * malloc()ed array of *@next extents (free() it; NULL when there are
 * none).  Returns 0 or -errno.
 */
int read_pool(const struct ctx *ctx, struct lpar_pool_info *pool,
	      struct lpar_extent **ext, unsigned int *next)
{
	unsigned int n;

	*ext = NULL;
	*next = 0;
	memset(pool, 0, sizeof(*pool));
	pool->argsz = sizeof(*pool);
	if (ioctl(ctx->fd, LPAR_POOL_INFO, pool))
		return -errno;
	if (!pool->nr_extents)
		return 0;
	/* Second call with room for every extent. */
	n = pool->nr_extents;
	*ext = calloc(n, sizeof(**ext));
	if (!*ext)
		return -ENOMEM;
	memset(pool, 0, sizeof(*pool));
	pool->argsz = sizeof(*pool);
	pool->nr_extents_max = n;
	pool->extents_ptr = (uintptr_t)*ext;
	if (ioctl(ctx->fd, LPAR_POOL_INFO, pool)) {
		int err = errno;

		free(*ext);
		*ext = NULL;
		return -err;
	}
	*next = pool->nr_extents_ret < n ? pool->nr_extents_ret : n;
	return 0;
}

/*
 * fmt_extents - the pool extents as "0x40000000-0x5fffffff (512M)",
 * comma separated, for messages.
 */
const char *fmt_extents(const struct lpar_extent *ext, unsigned int next,
			char *buf, size_t len)
{
	size_t off = 0;
	unsigned int e;
	char sz[32];

	buf[0] = '\0';
	for (e = 0; e < next && off < len; e++)
		off += snprintf(buf + off, len - off, "%s0x%llx-0x%llx (%s)",
				e ? ", " : "", ext[e].start,
				ext[e].start + ext[e].size - 1,
				fmt_size(ext[e].size, sz, sizeof(sz)));
	if (!next)
		snprintf(buf, len, "none");
	return buf;
}

/* Returns 0 or -errno. */
int get_def(const struct ctx *ctx, unsigned int id, struct lpar_def *def)
{
	memset(def, 0, sizeof(*def));
	def->argsz = sizeof(*def);
	def->id = id;
	if (ioctl(ctx->fd, LPAR_GET_DEF, def))
		return -errno;
	def->name[LPAR_NAME_LEN - 1] = '\0';
	def->image[LPAR_PATH_LEN - 1] = '\0';
	return 0;
}

int get_status(const struct ctx *ctx, unsigned int id, struct lpar_status *st)
{
	char *c;

	memset(st, 0, sizeof(*st));
	st->argsz = sizeof(*st);
	st->id = id;
	if (ioctl(ctx->fd, LPAR_GET_STATUS, st))
		return -errno;
	st->reason[LPAR_REASON_LEN - 1] = '\0';
	/* One line of text: it goes into messages and tables. */
	for (c = st->reason; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	return 0;
}

/* Errors that mean "this number is not defined" rather than a real failure. */
static bool undefined_errno(int err)
{
	return err == ENOENT || err == ENXIO || err == ESRCH || err == ENODEV;
}

/*
 * resolve_partition - a partition by number or by name.
 * Opens the control device first if needed.
 * Returns 0 with @def filled in, or an EXIT_* code after a message.
 */
int resolve_partition(struct ctx *ctx, const char *arg, struct lpar_def *def)
{
	__u32 id;
	unsigned int i;
	int ret;

	ret = open_device(ctx);
	if (ret)
		return ret;
	if (is_number(arg)) {
		if (parse_u32(arg, 0, ctx->ver.max_partitions - 1, &id))
			return cmd_fail(ctx, ERANGE, "resolve",
					"partition number %s is out of range 0..%u",
					arg, ctx->ver.max_partitions - 1);
		ret = get_def(ctx, id, def);
		if (!ret)
			return 0;
		if (undefined_errno(-ret) || -ret == EINVAL)
			return cmd_fail(ctx, -ret, "resolve",
					"partition %u is not defined; 'lparctl list' shows the defined ones, 'lparctl define' makes one",
					id);
		return sys_fail(ctx, -ret, "reading the partition");
	}
	for (i = 0; i < ctx->ver.max_partitions; i++) {
		ret = get_def(ctx, i, def);
		if (ret == -EPERM || ret == -EACCES || ret == -ENOTTY ||
		    ret == -EFAULT)
			return sys_fail(ctx, -ret, "reading the partitions");
		if (!ret && !strcmp(def->name, arg))
			return 0;
	}
	return cmd_fail(ctx, ENOENT, "resolve",
			"no partition is named '%s'; 'lparctl list' shows the defined ones",
			arg);
}

static void print_overview(FILE *f, const struct ctx *ctx)
{
	size_t i;

	fprintf(f,
		"usage: %s [--json] [--device PATH] COMMAND [ARGS]\n"
		"\n"
		"Operate logical partitions of lpar.ko through %s.\n"
		"Partitions are named by number or by name.\n"
		"\n"
		"Commands:\n",
		ctx->prog, LPAR_DEV_DEFAULT);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  --json          machine-readable output on stdout\n"
		"  --device PATH   control device (default %s, or $LPARCTL_DEVICE)\n"
		"  -h, --help      this help; 'COMMAND --help' for a command's\n"
		"\n"
		"Exit status: 0 ok, 1 the command failed, 2 usage error.\n",
		LPAR_DEV_DEFAULT);
}

static void print_command_help(FILE *f, const struct ctx *ctx,
			       const struct command *cmd)
{
	print_command_usage(f, ctx, cmd);
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)cmd->summary[0]),
		cmd->summary + 1);
	if (cmd->help)
		fprintf(f, "\n%s", cmd->help);
}

static int cmd_help(struct ctx *ctx, int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		print_overview(stdout, ctx);
		return EXIT_OK;
	}
	if (argc > 2)
		return usage_error(ctx, "unexpected argument '%s'", argv[2]);
	cmd = find_command(argv[1]);
	if (!cmd) {
		ctx->cmd = NULL;
		return usage_error(ctx, "unknown command '%s'", argv[1]);
	}
	print_command_help(stdout, ctx, cmd);
	return EXIT_OK;
}

/*
 * Pull the options that are valid everywhere (--json, --help) out of a
 * command's arguments, so every command accepts them in any position.
 * Returns the new argc; *help is set for -h/--help.
 */
static int strip_global_opts(struct ctx *ctx, int argc, char **argv,
			     bool *help)
{
	int i, j = 1;
	bool dashdash = false;

	for (i = 1; i < argc; i++) {
		if (!dashdash && !strcmp(argv[i], "--")) {
			dashdash = true;
		} else if (!dashdash && !strcmp(argv[i], "--json")) {
			ctx->json = true;
			continue;
		} else if (!dashdash && (!strcmp(argv[i], "-h") ||
					 !strcmp(argv[i], "--help"))) {
			*help = true;
			continue;
		}
		argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx ctx = { .fd = -1 };
	const struct command *cmd;
	bool help = false;
	const char *p;
	int c, ret;

	p = strrchr(argv[0], '/');
	ctx.prog = p ? p + 1 : argv[0];
	ctx.dev_path = getenv("LPARCTL_DEVICE");
	if (!ctx.dev_path || !*ctx.dev_path)
		ctx.dev_path = LPAR_DEV_DEFAULT;

	/* Global options stop at the first non-option: the command. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx.json = true;
			break;
		case 'd':
			ctx.dev_path = optarg;
			break;
		case 'h':
			print_overview(stdout, &ctx);
			return EXIT_OK;
		default:
			return bad_option(&ctx, c, argv, optind, optopt);
		}
	}
	if (optind >= argc) {
		print_overview(stderr, &ctx);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;

	cmd = find_command(argv[0]);
	if (!cmd)
		return usage_error(&ctx, "unknown command '%s'", argv[0]);
	ctx.cmd = cmd;
	argc = strip_global_opts(&ctx, argc, argv, &help);
	if (help) {
		print_command_help(stdout, &ctx, cmd);
		return EXIT_OK;
	}
	/*
	 * Each command runs its own getopt_long() from argv[0], then opens
	 * the device (open_device(), or resolve_partition() does it), so
	 * usage errors come out as usage errors (2) even without lpar.ko.
	 */
	optind = 0;
	opterr = 0;
	ret = cmd->run(&ctx, argc, argv);
	if (ctx.fd >= 0)
		close(ctx.fd);
	if (fflush(stdout) && ret == EXIT_OK) {
		err_msg(&ctx, "writing output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	return ret;
}
