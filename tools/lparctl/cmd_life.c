// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - life-cycle commands: define, undefine, act, deact, stop, resume.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lparctl.h"

#define ACT_SETTLE_MS		5000
#define STATE_POLL_MS		20

static int simple_args(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		return bad_option(ctx, c, argv, optind, optopt);
	return want_args(ctx, argc, argv, optind, 1, 1);
}

/* As the module: 1-31 of [A-Za-z0-9._-], the first a letter or digit. */
static bool name_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= LPAR_NAME_LEN || !name_alnum(s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!name_alnum(s[i]) && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return true;
}

/* Host CPUs online, as a mask of CPUs 0..63 (all ones if unknown). */
static __u64 online_cpus(void)
{
	char buf[512];
	__u64 mask;
	ssize_t n;
	int fd;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_cpulist(buf, &mask))
		return ~0ULL;
	return mask;
}

static void print_def_summary(const struct lpar_def *def)
{
	char sz[32], cpus[128];

	printf("  storage   %s, ", fmt_size(def->size, sz, sizeof(sz)));
	if (def->flags & LPAR_DEF_ORIGIN)
		printf("origin 0x%llx\n", def->origin);
	else
		printf("placed first-fit at act\n");
	printf("  vcpus     %u, ", def->vcpus);
	if (def->flags & LPAR_DEF_DEDICATED)
		printf("dedicated on CPUs %s\n",
		       fmt_cpulist(def->cpumask, cpus, sizeof(cpus)));
	else
		printf("shared, weight %u\n",
		       def->weight ? def->weight : LPAR_WEIGHT_DEFAULT);
	if (def->flags & LPAR_DEF_PCI_CONTROL)
		printf("  pci       the guest may add_pci / rem_pci (--pci-control)\n");
	printf("  image     %s\n", def->image);
	printf("            loaded at 0x%llx, entry 0x%llx\n",
	       def->load_addr,
	       def->entry ? def->entry : def->load_addr);
}

static int print_result(const struct ctx *ctx, const struct lpar_def *def,
			const char *verb)
{
	struct lpar_status st;
	struct lpar_def now;
	bool have_st;

	have_st = !get_status(ctx, def->id, &st);
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_u64("id", def->id);
		json_str("name", def->name);
		if (have_st) {
			json_str("state", state_name(st.state));
			json_obj_open("status");
			json_status_fields(&st);
			json_obj_close();
		}
		if (!get_def(ctx, def->id, &now)) {
			json_obj_open("definition");
			json_def_fields(&now);
			json_obj_close();
		}
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	printf("%s (partition %u) %s", def->name, def->id, verb);
	if (have_st && state_owns_storage(st.state) && st.size) {
		char sz[32], t[32];

		printf(": storage 0x%llx-0x%llx (%s)",
		       st.origin, st.origin + st.size - 1,
		       fmt_size(st.size, sz, sizeof(sz)));
		if (st.runner_pid)
			printf(", runner pid %u", st.runner_pid);
		if (st.act_ns && !strcmp(ctx->cmd->name, "act"))
			printf(", act took %s", fmt_ns(st.act_ns, t, sizeof(t)));
	}
	printf("\n");
	return EXIT_OK;
}

/*
 * wait_state - poll until the partition leaves @transient (or reaches
 * @want).  Returns 0 with @st filled in, or -ETIMEDOUT / -errno.
 */
static int wait_state(const struct ctx *ctx, unsigned int id, __u32 want,
		      __u32 transient, unsigned int timeout_ms,
		      struct lpar_status *st)
{
	__u64 end = now_ms() + timeout_ms;
	int ret;

	for (;;) {
		ret = get_status(ctx, id, st);
		if (ret)
			return ret;
		if (st->state == want || st->state != transient)
			return 0;
		if (now_ms() >= end)
			return -ETIMEDOUT;
		sleep_ms(STATE_POLL_MS);
	}
}

/* ---- define ------------------------------------------------------- */

enum {
	OPT_SIZE = 256, OPT_ORIGIN, OPT_VCPUS, OPT_CPUS, OPT_WEIGHT,
	OPT_IMAGE, OPT_LOAD, OPT_ENTRY, OPT_FORMAT, OPT_FORCE, OPT_TIMEOUT,
	OPT_PCI_CONTROL,
};

static int define_fail(const struct ctx *ctx, int err,
		       const struct lpar_def *def)
{
	struct lpar_status st;
	struct lpar_def other;
	unsigned int i;
	char inc[32];
	int ret;

	ret = common_fail(ctx, err, "define", NULL);
	if (ret >= 0)
		return ret;
	switch (err) {
	case EEXIST:
		if (!get_def(ctx, def->id, &other))
			return cmd_fail(ctx, err, NULL,
					"partition %u is already defined as %s; 'lparctl undefine %u' first, or choose another number",
					def->id, other.name, def->id);
		for (i = 0; i < ctx->ver.max_partitions; i++)
			if (!get_def(ctx, i, &other) &&
			    !strcmp(other.name, def->name))
				return cmd_fail(ctx, err, NULL,
						"the name %s is already used by partition %u; choose another name",
						def->name, i);
		break;
	case EBUSY:
		if (!get_status(ctx, def->id, &st))
			return cmd_fail(ctx, err, NULL,
					"partition %u is %s; a definition changes only while deactivated: 'lparctl deact %u' first",
					def->id, state_name(st.state), def->id);
		break;
	case ENOSPC:
		return cmd_fail(ctx, err, NULL,
				"%s of storage is more than the largest pool extent holds; 'lparctl pool' shows the extents",
				fmt_size(def->size, inc, sizeof(inc)));
	case ERANGE:
		return cmd_fail(ctx, err, NULL,
				"0x%llx-0x%llx is not inside one pool extent; 'lparctl pool' shows the extents (or leave out --origin for first fit)",
				def->origin,
				def->origin + def->size - 1);
	case ENOENT:
		return cmd_fail(ctx, err, NULL,
				"the module cannot find the image %s; give an absolute path the kernel can read",
				def->image);
	case EINVAL:
		return cmd_fail(ctx, err, NULL,
				"lpar.ko rejected the definition (%s); dmesg names the field. Check: size a multiple of %s inside the pool, origin aligned and inside the pool, vcpus 1..%u, CPUs online, load address >= 0x%llx",
				strerror(err),
				fmt_size(ctx->ver.increment, inc, sizeof(inc)),
				ctx->ver.max_vcpus, LPAR_BOOT_MIN_LOAD);
	}
	return cmd_fail(ctx, err, NULL, "defining partition %u (%s) failed: %s",
			def->id, def->name, strerror(err));
}

int cmd_define(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "origin", required_argument, NULL, OPT_ORIGIN },
		{ "vcpus", required_argument, NULL, OPT_VCPUS },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "weight", required_argument, NULL, OPT_WEIGHT },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "pci-control", no_argument, NULL, OPT_PCI_CONTROL },
		{ NULL, 0, NULL, 0 },
	};
	const char *image = NULL, *name;
	char resolved[PATH_MAX], a[32], b[32];
	bool have_vcpus = false, have_weight = false;
	__u64 inc, online, loadend;
	struct lpar_def def;
	struct stat sb;
	__u32 id;
	int c, ret, ncpus;

	memset(&def, 0, sizeof(def));
	def.argsz = sizeof(def);
	def.image_format = LPAR_IMAGE_FLAT64;
	def.load_addr = 0x100000;
	def.vcpus = 1;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SIZE:
			if (parse_size(optarg, &def.size) || !def.size)
				return usage_error(ctx,
						   "bad --size '%s': give bytes with an optional K/M/G/T suffix, e.g. 32M",
						   optarg);
			break;
		case OPT_ORIGIN:
			if (parse_size(optarg, &def.origin))
				return usage_error(ctx,
						   "bad --origin '%s': give a host physical address, e.g. 0x40000000 or 1G",
						   optarg);
			def.flags |= LPAR_DEF_ORIGIN;
			break;
		case OPT_VCPUS:
			if (parse_u32(optarg, 1, LPAR_MAX_VCPUS, &def.vcpus))
				return usage_error(ctx,
						   "bad --vcpus '%s': give 1..%u",
						   optarg, LPAR_MAX_VCPUS);
			have_vcpus = true;
			break;
		case OPT_CPUS:
			if (parse_cpulist(optarg, &def.cpumask) || !def.cpumask)
				return usage_error(ctx,
						   "bad --cpus '%s': give a CPU list such as 2-3 or 1,4 (CPUs 0..63)",
						   optarg);
			def.flags |= LPAR_DEF_DEDICATED;
			break;
		case OPT_WEIGHT:
			if (parse_u32(optarg, LPAR_WEIGHT_MIN, LPAR_WEIGHT_MAX,
				      &def.weight))
				return usage_error(ctx,
						   "bad --weight '%s': give %u..%u",
						   optarg, LPAR_WEIGHT_MIN,
						   LPAR_WEIGHT_MAX);
			have_weight = true;
			break;
		case OPT_IMAGE:
			image = optarg;
			break;
		case OPT_LOAD:
			if (parse_size(optarg, &def.load_addr))
				return usage_error(ctx, "bad --load '%s'",
						   optarg);
			break;
		case OPT_ENTRY:
			if (parse_size(optarg, &def.entry))
				return usage_error(ctx, "bad --entry '%s'",
						   optarg);
			break;
		case OPT_PCI_CONTROL:
			def.flags |= LPAR_DEF_PCI_CONTROL;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "flat64"))
				return usage_error(ctx,
						   "unknown --format '%s': this lparctl knows flat64",
						   optarg);
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	if (parse_u32(argv[optind], 0, LPAR_MAX_PARTITIONS - 1, &id))
		return usage_error(ctx,
				   "bad partition number '%s': give 0..%u",
				   argv[optind], LPAR_MAX_PARTITIONS - 1);
	name = argv[optind + 1];
	if (!valid_name(name))
		return usage_error(ctx,
				   "bad name '%s': up to %d characters of [A-Za-z0-9._-], starting with a letter or digit",
				   name, LPAR_NAME_LEN - 1);
	def.id = id;
	strcpy(def.name, name);

	if (!def.size)
		return usage_error(ctx, "--size is required");
	if (!image)
		return usage_error(ctx, "--image is required");
	if (have_weight && (def.flags & LPAR_DEF_DEDICATED))
		return usage_error(ctx,
				   "--cpus (dedicated) and --weight (shared) exclude each other");

	/* What follows depends on the module's limits. */
	ret = open_device(ctx);
	if (ret)
		return ret;
	inc = ctx->ver.increment;
	if (id >= ctx->ver.max_partitions)
		return usage_error(ctx,
				   "bad partition number %u: this module has 0..%u",
				   id, ctx->ver.max_partitions - 1);
	if (ctx->ver.max_vcpus && def.vcpus > ctx->ver.max_vcpus)
		return usage_error(ctx,
				   "--vcpus %u is more than this module's %u",
				   def.vcpus, ctx->ver.max_vcpus);
	if (inc && def.size % inc)
		return usage_error(ctx,
				   "--size %s is not a multiple of the storage increment %s",
				   fmt_size(def.size, a, sizeof(a)),
				   fmt_size(inc, b, sizeof(b)));
	if (inc && (def.flags & LPAR_DEF_ORIGIN) && def.origin % inc)
		return usage_error(ctx,
				   "--origin 0x%llx is not aligned to the storage increment %s",
				   def.origin,
				   fmt_size(inc, b, sizeof(b)));
	if (def.flags & LPAR_DEF_DEDICATED) {
		ncpus = __builtin_popcountll(def.cpumask);
		if (!have_vcpus)
			def.vcpus = ncpus;
		if ((__u32)ncpus < def.vcpus)
			return usage_error(ctx,
					   "--cpus lists %d CPU(s) for %u vCPUs; each dedicated vCPU needs its own CPU",
					   ncpus, def.vcpus);
		online = online_cpus();
		if (def.cpumask & ~online)
			return usage_error(ctx,
					   "CPUs %s are not online (online: %s)",
					   fmt_cpulist(def.cpumask & ~online, a,
						       sizeof(a)),
					   fmt_cpulist(online, b, sizeof(b)));
	}
	if (def.load_addr < LPAR_BOOT_MIN_LOAD)
		return usage_error(ctx,
				   "--load 0x%llx is below 0x%llx, where the boot page tables, GDT and stacks live",
				   def.load_addr, LPAR_BOOT_MIN_LOAD);

	/* The module reads the image by path: make it absolute. */
	if (!realpath(image, resolved))
		return cmd_fail(ctx, errno, NULL, "image %s: %s", image,
				strerror(errno));
	if (stat(resolved, &sb) || !S_ISREG(sb.st_mode))
		return cmd_fail(ctx, EINVAL, NULL,
				"image %s is not a regular file", resolved);
	if (strlen(resolved) >= LPAR_PATH_LEN)
		return cmd_fail(ctx, ENAMETOOLONG, NULL,
				"image path %s is longer than %d bytes; move or link the image to a shorter path",
				resolved, LPAR_PATH_LEN - 1);
	strcpy(def.image, resolved);
	loadend = def.load_addr + (__u64)sb.st_size;
	if (loadend > def.size)
		return usage_error(ctx,
				   "the image (%s bytes at 0x%llx) does not fit in %s of storage",
				   fmt_size((__u64)sb.st_size, a, sizeof(a)),
				   def.load_addr,
				   fmt_size(def.size, b, sizeof(b)));
	if (def.entry && (def.entry < def.load_addr || def.entry >= loadend))
		return usage_error(ctx,
				   "--entry 0x%llx is outside the image (0x%llx-0x%llx)",
				   def.entry, def.load_addr,
				   loadend - 1);
	if (!sb.st_size)
		return usage_error(ctx, "the image %s is empty", resolved);

	if (ioctl(ctx->fd, LPAR_DEFINE, &def))
		return define_fail(ctx, errno, &def);
	if (!ctx->json) {
		print_result(ctx, &def, "defined");
		print_def_summary(&def);
		return EXIT_OK;
	}
	return print_result(ctx, &def, "defined");
}

/* ---- undefine ----------------------------------------------------- */

int cmd_undefine(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_status st;
	struct lpar_def def;
	struct lpar_cmd cmd;
	int ret, err;

	ret = simple_args(ctx, argc, argv);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	memset(&cmd, 0, sizeof(cmd));
	cmd.argsz = sizeof(cmd);
	cmd.id = def.id;
	if (ioctl(ctx->fd, LPAR_UNDEFINE, &cmd)) {
		err = errno;
		ret = common_fail(ctx, err, "undefine", &def);
		if (ret >= 0)
			return ret;
		if (err == EBUSY && !get_status(ctx, def.id, &st))
			return part_fail(ctx, err, NULL, &def,
					 "%s (partition %u) is %s; 'lparctl deact %s' first",
					 def.name, def.id, state_name(st.state),
					 def.name);
		return part_fail(ctx, err, NULL, &def,
				 "undefining %s (partition %u) failed: %s",
				 def.name, def.id, strerror(err));
	}
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_str("state", state_name(LPAR_STATE_UNDEFINED));
		json_obj_close();
		json_end();
	} else {
		printf("%s (partition %u) undefined\n", def.name, def.id);
	}
	return EXIT_OK;
}

/* ---- act ---------------------------------------------------------- */

/* Which other partition holds storage overlapping [start, end)? */
static bool find_overlap(const struct ctx *ctx, unsigned int self,
			 __u64 start, __u64 end, unsigned int *who,
			 struct lpar_def *whodef)
{
	struct lpar_status st;
	unsigned int i;

	for (i = 0; i < ctx->ver.max_partitions; i++) {
		if (i == self || get_status(ctx, i, &st))
			continue;
		if (!state_owns_storage(st.state) || !st.size)
			continue;
		if (st.origin < end && start < st.origin + st.size) {
			*who = i;
			if (get_def(ctx, i, whodef))
				strcpy(whodef->name, "?");
			return true;
		}
	}
	return false;
}

/* Which other active partition has dedicated CPUs that @def wants? */
static bool find_cpu_owner(const struct ctx *ctx, const struct lpar_def *def,
			   unsigned int *who, struct lpar_def *whodef)
{
	struct lpar_status st;
	unsigned int i;

	for (i = 0; i < ctx->ver.max_partitions; i++) {
		if (i == def->id || get_def(ctx, i, whodef) ||
		    get_status(ctx, i, &st))
			continue;
		if (st.state != LPAR_STATE_DEACTIVATED &&
		    (whodef->flags & LPAR_DEF_DEDICATED) &&
		    (whodef->cpumask & def->cpumask)) {
			*who = i;
			return true;
		}
	}
	return false;
}

static void read_param(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/lpar/parameters/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static int act_fail(const struct ctx *ctx, int err, const struct lpar_def *def)
{
	struct lpar_pool_info pool;
	struct lpar_status st;
	struct lpar_def other;
	unsigned int who;
	char a[32], b[32], runner[LPAR_PATH_LEN];
	int ret;

	ret = common_fail(ctx, err, "act", def);
	if (ret >= 0)
		return ret;
	switch (err) {
	case EBUSY:
		if ((def->flags & LPAR_DEF_ORIGIN) &&
		    find_overlap(ctx, def->id, def->origin,
				 def->origin + def->size, &who, &other))
			return part_fail(ctx, err, NULL, def,
					 "storage at origin 0x%llx (%s) is in use by partition %u (%s); choose another origin or deact it",
					 def->origin,
					 fmt_size(def->size, a, sizeof(a)),
					 who, other.name);
		if ((def->flags & LPAR_DEF_DEDICATED) &&
		    find_cpu_owner(ctx, def, &who, &other))
			return part_fail(ctx, err, NULL, def,
					 "dedicated CPU(s) %s in use by partition %u (%s); define other CPUs or deact it",
					 fmt_cpulist(def->cpumask & other.cpumask,
						     a, sizeof(a)),
					 who, other.name);
		if (!get_status(ctx, def->id, &st) &&
		    st.state != LPAR_STATE_DEACTIVATED)
			return part_fail(ctx, err, NULL, def,
					 "%s (partition %u) is %s; only a deactivated partition can be activated%s",
					 def->name, def->id,
					 state_name(st.state),
					 st.state == LPAR_STATE_FAILED ?
					 " ('lparctl deact' it first)" : "");
		break;
	case ENOSPC:
	case ENOMEM:
		memset(&pool, 0, sizeof(pool));
		pool.argsz = sizeof(pool);
		if (!ioctl(ctx->fd, LPAR_POOL_INFO, &pool))
			return part_fail(ctx, err, NULL, def,
					 "not enough free storage for %s: the largest free range is %s; deact a partition or define a smaller size",
					 fmt_size(def->size, a, sizeof(a)),
					 fmt_size(pool.largest_free, b,
						  sizeof(b)));
		break;
	case ERANGE:
		return part_fail(ctx, err, NULL, def,
				 "origin 0x%llx + %s is not inside the pool; 'lparctl pool' shows its extents",
				 def->origin,
				 fmt_size(def->size, a, sizeof(a)));
	case ETIMEDOUT:
		read_param("runner", runner, sizeof(runner));
		return part_fail(ctx, err, NULL, def,
				 "the LIP runner did not attach in time; check that the module's runner= (%s) exists and runs, and dmesg",
				 runner);
	case EIO:
		return part_fail(ctx, err, NULL, def,
				 "%s (partition %u) failed while starting and was deactivated again; 'lparctl console %s' may show why",
				 def->name, def->id, def->name);
	case ENOENT:
	case ENOEXEC:
		read_param("runner", runner, sizeof(runner));
		return part_fail(ctx, err, NULL, def,
				 "cannot start %s (partition %u): the image %s or the runner %s is missing or not executable (%s)",
				 def->name, def->id, def->image, runner,
				 strerror(err));
	case EFBIG:
	case E2BIG:
		return part_fail(ctx, err, NULL, def,
				 "the image %s does not fit in %s of storage at load address 0x%llx; redefine with a larger --size",
				 def->image, fmt_size(def->size, a, sizeof(a)),
				 def->load_addr);
	}
	return part_fail(ctx, err, NULL, def,
			 "activating %s (partition %u) failed: %s", def->name,
			 def->id, strerror(err));
}

int cmd_act(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_status st;
	struct lpar_def def;
	struct lpar_cmd cmd;
	int ret;

	ret = simple_args(ctx, argc, argv);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	if (!get_status(ctx, def.id, &st) && st.state != LPAR_STATE_DEACTIVATED)
		return cmd_fail(ctx, EALREADY, NULL,
				"%s (partition %u) is %s; %s",
				def.name, def.id, state_name(st.state),
				st.state == LPAR_STATE_FAILED ?
				"'lparctl deact' it first, then act" :
				"only a deactivated partition can be activated");

	/* LPAR_ACT returns once the partition operates, or has failed. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.argsz = sizeof(cmd);
	cmd.id = def.id;
	if (ioctl(ctx->fd, LPAR_ACT, &cmd))
		return act_fail(ctx, errno, &def);

	ret = wait_state(ctx, def.id, LPAR_STATE_OPERATING,
			 LPAR_STATE_ACTIVATING, ACT_SETTLE_MS, &st);
	if (ret == -ETIMEDOUT)
		return part_fail(ctx, ETIMEDOUT, NULL, &def,
				 "%s (partition %u) is still activating; 'lparctl show %s' and dmesg tell why",
				 def.name, def.id, def.name);
	if (ret)
		return sys_fail(ctx, -ret, "reading the status");
	if (st.state != LPAR_STATE_OPERATING && st.state != LPAR_STATE_STOPPED)
		return cmd_fail(ctx, EIO, NULL,
				"%s (partition %u) went %s instead of operating%s%s; 'lparctl console %s' may show more, then 'lparctl deact %s'",
				def.name, def.id, state_name(st.state),
				st.reason[0] ? ": " : "", st.reason,
				def.name, def.name);
	return print_result(ctx, &def, state_name(st.state));
}

/* ---- deact -------------------------------------------------------- */

int cmd_deact(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_status st;
	struct lpar_def def;
	struct lpar_cmd cmd;
	unsigned int wait_ms;
	int c, ret, err;

	memset(&cmd, 0, sizeof(cmd));
	cmd.argsz = sizeof(cmd);
	while ((c = getopt_long(argc, argv, ":f", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		case OPT_FORCE:
			cmd.flags |= LPAR_DEACT_FORCE;
			break;
		case OPT_TIMEOUT:
			if (parse_u32(optarg, 1, 3600000, &cmd.timeout_ms))
				return usage_error(ctx,
						   "bad --timeout '%s': give 1..3600000 ms",
						   optarg);
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 1, 1);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	cmd.id = def.id;
	if (!get_status(ctx, def.id, &st) &&
	    st.state == LPAR_STATE_DEACTIVATED) {
		if (!ctx->json)
			note_msg(ctx, "%s (partition %u) is already deactivated",
				 def.name, def.id);
		return print_result(ctx, &def, "deactivated");
	}

	if (ioctl(ctx->fd, LPAR_DEACT, &cmd)) {
		err = errno;
		ret = common_fail(ctx, err, "deact", &def);
		if (ret >= 0)
			return ret;
		if (err == EALREADY || err == EINPROGRESS)
			return part_fail(ctx, err, NULL, &def,
					 "%s (partition %u) is already being deactivated; wait, or 'lparctl deact --force %s'",
					 def.name, def.id, def.name);
		if (err == ETIMEDOUT)
			return part_fail(ctx, err, NULL, &def,
					 "the runner of %s (partition %u) did not end in time; try 'lparctl deact --force %s' and check dmesg",
					 def.name, def.id, def.name);
		return part_fail(ctx, err, NULL, &def,
				 "deactivating %s (partition %u) failed: %s",
				 def.name, def.id, strerror(err));
	}
	/* LPAR_DEACT normally returns when it is done; allow for slack. */
	wait_ms = (cmd.timeout_ms ? cmd.timeout_ms : 5000) + 15000;
	ret = wait_state(ctx, def.id, LPAR_STATE_DEACTIVATED,
			 LPAR_STATE_DEACTIVATING, wait_ms, &st);
	if (ret == -ETIMEDOUT)
		return part_fail(ctx, ETIMEDOUT, NULL, &def,
				 "%s (partition %u) is still deactivating after %u ms; check dmesg",
				 def.name, def.id, wait_ms);
	if (ret)
		return sys_fail(ctx, -ret, "reading the status");
	if (st.state != LPAR_STATE_DEACTIVATED)
		return part_fail(ctx, EIO, NULL, &def,
				 "%s (partition %u) is %s after deact",
				 def.name, def.id, state_name(st.state));
	return print_result(ctx, &def, "deactivated, storage released");
}

/* ---- stop / resume ------------------------------------------------ */

static int stop_resume(struct ctx *ctx, int argc, char **argv, bool stop)
{
	unsigned long req = stop ? LPAR_STOP : LPAR_RESUME;
	__u32 from = stop ? LPAR_STATE_OPERATING : LPAR_STATE_STOPPED;
	__u32 to = stop ? LPAR_STATE_STOPPED : LPAR_STATE_OPERATING;
	struct lpar_status st;
	struct lpar_def def;
	struct lpar_cmd cmd;
	int ret, err;

	ret = simple_args(ctx, argc, argv);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	if (!get_status(ctx, def.id, &st) && st.state == to) {
		if (!ctx->json)
			note_msg(ctx, "%s (partition %u) is already %s",
				 def.name, def.id, state_name(to));
		return print_result(ctx, &def, state_name(to));
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.argsz = sizeof(cmd);
	cmd.id = def.id;
	if (ioctl(ctx->fd, req, &cmd)) {
		err = errno;
		ret = common_fail(ctx, err, ctx->cmd->name, &def);
		if (ret >= 0)
			return ret;
		if ((err == EBUSY || err == EINVAL) &&
		    !get_status(ctx, def.id, &st) && st.state != from)
			return part_fail(ctx, err, NULL, &def,
					 "%s (partition %u) is %s; %s needs %s %s partition",
					 def.name, def.id, state_name(st.state),
					 ctx->cmd->name,
					 from == LPAR_STATE_OPERATING ? "an" : "a",
					 state_name(from));
		if (err == ETIMEDOUT)
			return part_fail(ctx, err, NULL, &def,
					 "the runner of %s (partition %u) did not acknowledge the %s order; the module may mark it failed, check 'lparctl show %s'",
					 def.name, def.id, ctx->cmd->name,
					 def.name);
		return part_fail(ctx, err, NULL, &def, "%s of %s failed: %s",
				 ctx->cmd->name, def.name, strerror(err));
	}
	ret = wait_state(ctx, def.id, to, from, 10000, &st);
	if (!ret && st.state != to)
		return part_fail(ctx, EIO, NULL, &def,
				 "%s (partition %u) is %s after %s",
				 def.name, def.id, state_name(st.state),
				 ctx->cmd->name);
	if (ret == -ETIMEDOUT)
		return part_fail(ctx, ETIMEDOUT, NULL, &def,
				 "%s (partition %u) did not become %s within 10 s",
				 def.name, def.id, state_name(to));
	return print_result(ctx, &def, state_name(to));
}

int cmd_stop(struct ctx *ctx, int argc, char **argv)
{
	return stop_resume(ctx, argc, argv, true);
}

int cmd_resume(struct ctx *ctx, int argc, char **argv)
{
	return stop_resume(ctx, argc, argv, false);
}
