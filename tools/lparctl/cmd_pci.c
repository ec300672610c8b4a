// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - PCI slot commands (issue 4):
 *
 *   slot add BDF [--slot N] | slot remove SLOT | slot list | slot show SLOT
 *   slot enable SLOT 0|1
 *   pci add SLOT PARTITION | pci rem SLOT PARTITION [--force] [--timeout MS]
 *
 * A slot is a host PCI function lpar.ko has taken from its host driver and
 * bound to vfio-pci; add_pci gives it to a running partition (the guest
 * gets an ACPI hot-plug insertion), rem_pci asks the guest to eject it
 * and takes it back.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lparctl.h"

#define MS_MAX		3600000U

enum { OPT_SLOT = 256, OPT_FORCE, OPT_TIMEOUT };

static const char *slot_state_name(__u32 state)
{
	switch (state) {
	case LPAR_SLOT_FREE: return "free";
	case LPAR_SLOT_ATTACHING: return "attaching";
	case LPAR_SLOT_ASSIGNED: return "assigned";
	case LPAR_SLOT_REMOVING: return "removing";
	case LPAR_SLOT_DISABLED: return "disabled";
	}
	return "unknown";
}

/* 0 or -errno. */
static int slot_info(const struct ctx *ctx, __u32 slot, struct lpar_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->argsz = sizeof(*s);
	s->slot = slot;
	if (ioctl(ctx->fd, LPAR_SLOT_INFO, s))
		return -errno;
	s->bdf[LPAR_SLOT_NAME_LEN - 1] = '\0';
	s->driver[LPAR_DRIVER_LEN - 1] = '\0';
	return 0;
}

static int slot_cmd(const struct ctx *ctx, unsigned long req, __u32 slot,
		    __u32 id, __u32 flags, __u32 value, __u32 timeout_ms)
{
	struct lpar_slot_cmd c = {
		.argsz = sizeof(c), .flags = flags, .slot = slot, .id = id,
		.value = value, .timeout_ms = timeout_ms,
	};

	return ioctl(ctx->fd, req, &c) ? -errno : 0;
}

static int parse_slot(const struct ctx *ctx, const char *arg, __u32 *slot)
{
	if (parse_u32(arg, 1, LPAR_MAX_SLOTS - 1, slot))
		return usage_error(ctx,
				   "bad SLOT '%s': give a slot number 1..%u ('lparctl slot list' shows them)",
				   arg, LPAR_MAX_SLOTS - 1);
	return 0;
}

/* No options: let getopt set optind (and catch stray options). */
static int no_opts(const struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		return bad_option(ctx, c, argv, optind, optopt);
	return 0;
}

/* "dddd:bb:dd.f" or "bb:dd.f" (domain 0): normalised into @out. */
static bool parse_bdf(const char *arg, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (sscanf(arg, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) == 4) {
		if (strchr(arg, ':') == strrchr(arg, ':'))
			return false;
	} else if (sscanf(arg, "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3) {
		dom = 0;
	} else {
		return false;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

static void owner_name(const struct ctx *ctx, __u32 owner, char *buf,
		       size_t len)
{
	struct lpar_def def;

	if (owner == LPAR_SLOT_NO_OWNER) {
		snprintf(buf, len, "-");
		return;
	}
	if (!get_def(ctx, owner, &def))
		snprintf(buf, len, "%u (%s)", owner, def.name);
	else
		snprintf(buf, len, "%u", owner);
}

static void json_slot_fields(const struct lpar_slot *s)
{
	json_u64("slot", s->slot);
	json_str("bdf", s->bdf);
	json_hex("vendor", s->vendor);
	json_hex("device", s->device);
	json_u64("iommu_group", s->group);
	json_str("host_driver", s->driver);
	json_str("state", slot_state_name(s->state));
	if (s->owner == LPAR_SLOT_NO_OWNER)
		json_null("owner");
	else
		json_u64("owner", s->owner);
	json_bool("enable", s->enable);
}

static void json_slot(const struct ctx *ctx, const struct lpar_slot *s,
		      const char *action)
{
	json_begin(true);
	json_obj_open(NULL);
	json_bool("ok", true);
	json_str("command", ctx->cmd->name);
	if (action)
		json_str("action", action);
	json_obj_open("slot");
	json_slot_fields(s);
	json_obj_close();
	json_obj_close();
	json_end();
}

/* ---- failures ---------------------------------------------------------- */

static int slot_fail(const struct ctx *ctx, int err, const char *what,
		     __u32 slot, const char *bdf)
{
	int ret = common_fail(ctx, err, what, NULL);

	if (ret >= 0)
		return ret;
	switch (err) {
	case ENODEV:
	case ENOENT:
		if (bdf)
			return cmd_fail(ctx, err, what,
					"%s: no such PCI device on this host; 'lspci -D' lists them",
					bdf);
		return cmd_fail(ctx, err, what,
				"slot %u does not exist; 'lparctl slot list' shows the slots",
				slot);
	case EEXIST:
	case EBUSY:
		if (bdf)
			return cmd_fail(ctx, err, what,
					"%s is already a slot, or slot %u is taken; 'lparctl slot list' shows them",
					bdf, slot);
		return cmd_fail(ctx, err, what,
				"slot %u is owned by a partition; 'lparctl pci rem %u PARTITION' first",
				slot, slot);
	case EINVAL:
		return cmd_fail(ctx, err, what,
				"%s refused: invalid argument (check dmesg for lpar's reason)",
				what);
	}
	return cmd_fail(ctx, err, what, "%s failed: %s", what, strerror(err));
}

static int pci_fail(const struct ctx *ctx, int err, const char *what,
		    __u32 slot, const struct lpar_def *def)
{
	int ret = common_fail(ctx, err, what, def);

	if (ret >= 0)
		return ret;
	switch (err) {
	case ENOENT:
	case ENODEV:
		return part_fail(ctx, err, what, def,
				 "slot %u does not exist; 'lparctl slot add BDF' makes one",
				 slot);
	case EALREADY:
		return part_fail(ctx, err, what, def,
				 "slot %u already belongs to %s (partition %u): nothing to do",
				 slot, def->name, def->id);
	case EBUSY:
	case EEXIST:
		return part_fail(ctx, err, what, def,
				 "slot %u is owned by a partition or being moved; 'lparctl slot show %u' tells which",
				 slot, slot);
	case ESRCH:
		return part_fail(ctx, err, what, def,
				 "%s (partition %u) is not operating; 'lparctl act %s' first",
				 def->name, def->id, def->name);
	case ETIMEDOUT:
		return part_fail(ctx, err, what, def,
				 "%s (partition %u) did not release slot %u in time; the slot stays with it. Retry with a longer --timeout, or --force to take it anyway",
				 def->name, def->id, slot);
	case EPERM:
		return part_fail(ctx, err, what, def,
				 "slot %u does not belong to %s (partition %u); 'lparctl slot show %u' tells the owner",
				 slot, def->name, def->id, slot);
	case EINVAL:
		return part_fail(ctx, err, what, def,
				 "%s refused for slot %u and %s (partition %u): the slot is not in a state for it, or the partition is not operating; 'lparctl slot show %u' and 'lparctl show %s'",
				 what, slot, def->name, def->id, slot, def->name);
	}
	return part_fail(ctx, err, what, def, "%s failed: %s", what,
			 strerror(err));
}

/* ---- slot ------------------------------------------------------------- */

static int slot_add(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, OPT_SLOT },
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_slot s;
	char bdf[LPAR_SLOT_NAME_LEN];
	__u32 slot = 0;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SLOT:
			ret = parse_slot(ctx, optarg, &slot);
			if (ret)
				return ret;
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 1, 1);
	if (ret)
		return ret;
	if (!parse_bdf(argv[optind], bdf, sizeof(bdf)))
		return usage_error(ctx,
				   "bad BDF '%s': give a PCI address like 0000:00:03.0 ('lspci -D')",
				   argv[optind]);
	ret = open_device(ctx);
	if (ret)
		return ret;
	memset(&s, 0, sizeof(s));
	s.argsz = sizeof(s);
	s.slot = slot;
	memcpy(s.bdf, bdf, sizeof(s.bdf));
	if (ioctl(ctx->fd, LPAR_SLOT_ADD, &s))
		return slot_fail(ctx, errno, "slot add", slot, bdf);
	slot_info(ctx, s.slot, &s);
	if (ctx->json) {
		json_slot(ctx, &s, "add");
		return EXIT_OK;
	}
	printf("slot %u: %s [%04x:%04x] bound to vfio-pci (host driver %s, IOMMU group %u)\n",
	       s.slot, s.bdf, s.vendor, s.device,
	       s.driver[0] ? s.driver : "none", s.group);
	printf("give it to a partition with 'lparctl pci add %u PARTITION'\n",
	       s.slot);
	return EXIT_OK;
}

static int slot_remove(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_slot s;
	__u32 slot;
	int ret, have;

	ret = no_opts(ctx, argc, argv);
	if (ret)
		return ret;
	ret = want_args(ctx, argc, argv, optind, 1, 1);
	if (ret)
		return ret;
	ret = parse_slot(ctx, argv[optind], &slot);
	if (ret)
		return ret;
	ret = open_device(ctx);
	if (ret)
		return ret;
	have = !slot_info(ctx, slot, &s);
	ret = slot_cmd(ctx, LPAR_SLOT_REMOVE, slot, 0, 0, 0, 0);
	if (ret)
		return slot_fail(ctx, -ret, "slot remove", slot, NULL);
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_str("action", "remove");
		json_u64("slot", slot);
		if (have) {
			json_str("bdf", s.bdf);
			json_str("host_driver", s.driver);
		}
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	if (have)
		printf("slot %u released: %s back to %s\n", slot, s.bdf,
		       s.driver[0] ? s.driver : "no host driver");
	else
		printf("slot %u released\n", slot);
	return EXIT_OK;
}

static int slot_list(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_slot s[LPAR_MAX_SLOTS];
	char own[64];
	__u32 i, n = 0;
	int ret;

	ret = no_opts(ctx, argc, argv);
	if (ret)
		return ret;
	ret = want_args(ctx, argc, argv, optind, 0, 0);
	if (ret)
		return ret;
	ret = open_device(ctx);
	if (ret)
		return ret;
	for (i = 1; i < LPAR_MAX_SLOTS; i++) {
		ret = slot_info(ctx, i, &s[n]);
		if (!ret) {
			n++;
			continue;
		}
		if (ret == -EPERM || ret == -EACCES || ret == -ENOTTY)
			return sys_fail(ctx, -ret, "reading the slots");
	}
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_arr_open("slots");
		for (i = 0; i < n; i++) {
			json_obj_open(NULL);
			json_slot_fields(&s[i]);
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	if (!n) {
		printf("(no slots; 'lparctl slot add BDF' makes one)\n");
		return EXIT_OK;
	}
	printf("%4s  %-12s  %-9s  %5s  %-10s  %-6s  %-16s  %s\n", "SLOT", "BDF",
	       "ID", "GROUP", "STATE", "ENABLE", "OWNER", "HOST DRIVER");
	for (i = 0; i < n; i++) {
		char id[16];

		snprintf(id, sizeof(id), "%04x:%04x", s[i].vendor, s[i].device);
		owner_name(ctx, s[i].owner, own, sizeof(own));
		printf("%4u  %-12s  %-9s  %5u  %-10s  %-6s  %-16s  %s\n",
		       s[i].slot, s[i].bdf, id, s[i].group,
		       slot_state_name(s[i].state), s[i].enable ? "1" : "0",
		       own, s[i].driver[0] ? s[i].driver : "-");
	}
	return EXIT_OK;
}

static int slot_show(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_slot s;
	char own[64];
	__u32 slot;
	int ret;

	ret = no_opts(ctx, argc, argv);
	if (ret)
		return ret;
	ret = want_args(ctx, argc, argv, optind, 1, 1);
	if (ret)
		return ret;
	ret = parse_slot(ctx, argv[optind], &slot);
	if (ret)
		return ret;
	ret = open_device(ctx);
	if (ret)
		return ret;
	ret = slot_info(ctx, slot, &s);
	if (ret)
		return slot_fail(ctx, -ret, "slot show", slot, NULL);
	if (ctx->json) {
		json_slot(ctx, &s, NULL);
		return EXIT_OK;
	}
	owner_name(ctx, s.owner, own, sizeof(own));
	printf("slot %u\n", s.slot);
	printf("  device          %s [%04x:%04x], IOMMU group %u\n", s.bdf,
	       s.vendor, s.device, s.group);
	printf("  state           %s\n", slot_state_name(s.state));
	printf("  owner           %s\n", own);
	printf("  enable          %u\n", s.enable);
	printf("  host driver     %s (restored by 'lparctl slot remove %u')\n",
	       s.driver[0] ? s.driver : "none", s.slot);
	printf("  guest sees it   bus 0 device %u, INTx = IOAPIC GSI %u\n",
	       s.slot, LPAR_PCI_INTX_GSI(s.slot));
	return EXIT_OK;
}

static int slot_enable(struct ctx *ctx, int argc, char **argv)
{
	struct lpar_slot s;
	__u32 slot, value;
	int ret;

	ret = no_opts(ctx, argc, argv);
	if (ret)
		return ret;
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	ret = parse_slot(ctx, argv[optind], &slot);
	if (ret)
		return ret;
	if (parse_u32(argv[optind + 1], 0, 1, &value))
		return usage_error(ctx, "bad enable flag '%s': give 0 or 1",
				   argv[optind + 1]);
	ret = open_device(ctx);
	if (ret)
		return ret;
	ret = slot_info(ctx, slot, &s);
	if (ret)
		return slot_fail(ctx, -ret, "slot enable", slot, NULL);
	if (s.owner == LPAR_SLOT_NO_OWNER)
		return cmd_fail(ctx, EINVAL, "slot enable",
				"slot %u has no owner: the enable flag belongs to an assigned slot; 'lparctl pci add %u PARTITION' first",
				slot, slot);
	ret = slot_cmd(ctx, LPAR_SLOT_ENABLE, slot, s.owner, 0, value, 0);
	if (ret)
		return slot_fail(ctx, -ret, "slot enable", slot, NULL);
	slot_info(ctx, slot, &s);
	if (ctx->json) {
		json_slot(ctx, &s, "enable");
		return EXIT_OK;
	}
	printf("slot %u (%s): enable %u, %s\n", slot, s.bdf, s.enable,
	       slot_state_name(s.state));
	return EXIT_OK;
}

int cmd_slot(struct ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct ctx *ctx, int argc, char **argv);
	} sub[] = {
		{ "add", slot_add }, { "remove", slot_remove },
		{ "list", slot_list }, { "show", slot_show },
		{ "enable", slot_enable },
	};
	size_t i;

	if (argc < 2) {
		print_command_usage(stderr, ctx, ctx->cmd);
		return usage_error(ctx, "missing subcommand");
	}
	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		if (strcmp(argv[1], sub[i].name))
			continue;
		/* getopt over "SUB ARGS": argv[0] of it is the subcommand. */
		optind = 0;
		return sub[i].run(ctx, argc - 1, argv + 1);
	}
	return usage_error(ctx, "unknown subcommand '%s'", argv[1]);
}

/* ---- pci --------------------------------------------------------------- */

int cmd_pci(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_def def;
	struct lpar_slot s;
	__u32 slot, timeout = 0, flags = 0;
	bool add;
	__u64 t0;
	int c, ret;

	if (argc < 2) {
		print_command_usage(stderr, ctx, ctx->cmd);
		return usage_error(ctx, "missing subcommand (add or rem)");
	}
	if (!strcmp(argv[1], "add"))
		add = true;
	else if (!strcmp(argv[1], "rem") || !strcmp(argv[1], "remove"))
		add = false;
	else
		return usage_error(ctx, "unknown subcommand '%s': give add or rem",
				   argv[1]);
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORCE:
			flags |= LPAR_PCI_FORCE;
			break;
		case OPT_TIMEOUT:
			if (parse_u32(optarg, 1, MS_MAX, &timeout))
				return usage_error(ctx, "bad --timeout '%s': give 1..%u ms",
						   optarg, MS_MAX);
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	if (add && (flags || timeout))
		return usage_error(ctx, "--force and --timeout go with 'pci rem' only");
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	ret = parse_slot(ctx, argv[optind], &slot);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind + 1], &def);
	if (ret)
		return ret;
	t0 = now_ms();
	ret = slot_cmd(ctx, add ? LPAR_PCI_ADD : LPAR_PCI_REM, slot, def.id,
		       flags, 0, timeout);
	if (ret)
		return pci_fail(ctx, -ret, add ? "pci add" : "pci rem", slot,
				&def);
	t0 = now_ms() - t0;
	if (slot_info(ctx, slot, &s)) {
		memset(&s, 0, sizeof(s));
		s.slot = slot;
		s.owner = LPAR_SLOT_NO_OWNER;
	}
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_str("action", add ? "add" : "rem");
		json_u64("id", def.id);
		json_str("name", def.name);
		json_bool("force", flags & LPAR_PCI_FORCE);
		json_u64("time_ms", t0);
		json_obj_open("slot");
		json_slot_fields(&s);
		json_obj_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	if (add)
		printf("slot %u (%s) added to %s (partition %u): insertion signalled, the guest configures it as bus 0 device %u\n",
		       slot, s.bdf, def.name, def.id, slot);
	else
		printf("slot %u (%s) removed from %s (partition %u)%s in %llu ms; it is %s\n",
		       slot, s.bdf, def.name, def.id,
		       flags & LPAR_PCI_FORCE ? " (forced)" : ", released by the guest",
		       (unsigned long long)t0, slot_state_name(s.state));
	return EXIT_OK;
}
