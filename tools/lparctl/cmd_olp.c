// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl olp - on-line patch of lpar.ko (Documentation/lpar/olp.rst).
 *
 *   olp load FILE        validate and keep a patch file
 *   olp apply            apply it (stack check, then the stop window)
 *   olp revert           take it back
 *   olp status           K0/K1, the patch, its entries
 *   olp unload           forget the (reverted) patch
 *   olp calibrate [N]    median of N empty stop_machine windows
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "lparctl.h"

static const char *kind_name(__u32 kind)
{
	return kind == LPAR_OLP_FUNC ? "func" :
	       kind == LPAR_OLP_DATA ? "data" : "?";
}

/* What to do about an errno of the OLP commands. */
static const char *olp_hint(int err)
{
	switch (err) {
	case EILSEQ:
		return "old data differ from memory (see dmesg): wrong lpar.ko?";
	case ETIMEDOUT:
		return "a task stayed in a function (see dmesg): retry / --timeout";
	case ENXIO:
		return "the patch module is not loaded: insmod it first";
	case ENOENT:
		return "no patch is loaded, or a symbol is unknown (see dmesg)";
	case EBUSY:
		return "a patch is loaded or still applied: revert / unload it first";
	case ERANGE:
		return "an entry's target is outside lpar.ko (see dmesg)";
	case EEXIST:
		return "two entries overlap (see dmesg)";
	case EINVAL:
		return "malformed patch file or argument (see dmesg)";
	case EPERM:
	case EACCES:
		return "needs CAP_SYS_ADMIN (run as root)";
	default:
		return NULL;
	}
}

static int olp_fail(const struct ctx *ctx, int err, const char *what)
{
	const char *hint = olp_hint(err);

	if (hint)
		return cmd_fail(ctx, err, what, "olp %s failed: %s: %s", what,
				strerror(err), hint);
	return cmd_fail(ctx, err, what, "olp %s failed: %s", what,
			strerror(err));
}

static int olp_load(struct ctx *ctx, const char *path)
{
	struct lpar_olp_load l;
	unsigned char *buf;
	struct stat sb;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cmd_fail(ctx, errno, "load", "cannot open %s: %s", path,
				strerror(errno));
	if (fstat(fd, &sb) || sb.st_size <= 0 ||
	    sb.st_size > LPAR_OLP_MAX_FILE) {
		close(fd);
		return cmd_fail(ctx, EFBIG, "load",
				"%s: not a patch file (size 1..%u bytes)", path,
				LPAR_OLP_MAX_FILE);
	}
	buf = malloc(sb.st_size);
	if (!buf) {
		close(fd);
		return cmd_fail(ctx, ENOMEM, "load", "out of memory");
	}
	n = read(fd, buf, sb.st_size);
	err = errno;
	close(fd);
	if (n != sb.st_size) {
		free(buf);
		return cmd_fail(ctx, n < 0 ? err : EIO, "load",
				"cannot read %s", path);
	}
	memset(&l, 0, sizeof(l));
	l.argsz = sizeof(l);
	l.len = n;
	l.data_ptr = (uintptr_t)buf;
	if (ioctl(ctx->fd, LPAR_OLP_LOAD, &l)) {
		err = errno;
		free(buf);
		return olp_fail(ctx, err, "load");
	}
	free(buf);
	if (ctx->json) {
		json_begin(false);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("file", path);
		json_obj_close();
		json_end();
	} else {
		printf("loaded %s\n", path);
	}
	return EXIT_OK;
}

static int olp_run(struct ctx *ctx, unsigned long req, const char *what,
		   __u32 timeout_ms, __u32 count)
{
	struct lpar_olp_cmd c;
	char w[32], s[32];
	int ret, err = 0;

	memset(&c, 0, sizeof(c));
	c.argsz = sizeof(c);
	c.timeout_ms = timeout_ms;
	c.count = count;
	ret = ioctl(ctx->fd, req, &c);
	if (ret)
		err = errno;
	if (err && !(err == EILSEQ && ctx->json))
		return olp_fail(ctx, err, what);
	if (ctx->json) {
		json_begin(false);
		json_obj_open(NULL);
		json_bool("ok", !err);
		json_str("operation", what);
		if (err)
			json_str("error", errno_name(err));
		json_u64("window_ns", c.window_ns);
		json_u64("switch_ns", c.switch_ns);
		json_u64("applied", c.applied);
		json_u64("mismatches", c.mismatches);
		json_obj_close();
		json_end();
		return err ? EXIT_FAIL : EXIT_OK;
	}
	if (req == LPAR_OLP_CALIBRATE)
		printf("empty stop_machine: median %s over %u calls\n",
		       fmt_ns(c.window_ns, w, sizeof(w)), count);
	else if (req == LPAR_OLP_UNLOAD)
		printf("unloaded\n");
	else if (!c.window_ns)
		printf("%s: nothing to do (%u entries applied)\n", what,
		       c.applied);
	else
		printf("%s: done, %u entries applied; stop window %s (%s of it switching)\n",
		       what, c.applied, fmt_ns(c.window_ns, w, sizeof(w)),
		       fmt_ns(c.switch_ns, s, sizeof(s)));
	return EXIT_OK;
}

static int olp_show(struct ctx *ctx)
{
	struct lpar_olp_entry_status es[LPAR_OLP_MAX_ENTRIES];
	struct lpar_olp_status s;
	char w[32];
	__u32 i, n;

	memset(&s, 0, sizeof(s));
	s.argsz = sizeof(s);
	s.nr_max = LPAR_OLP_MAX_ENTRIES;
	s.entries_ptr = (uintptr_t)es;
	if (ioctl(ctx->fd, LPAR_OLP_STATUS, &s))
		return olp_fail(ctx, errno, "status");
	n = s.nr_entries < LPAR_OLP_MAX_ENTRIES ? s.nr_entries :
						  LPAR_OLP_MAX_ENTRIES;
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("k0", s.flags & LPAR_OLP_K0);
		json_bool("k1", s.flags & LPAR_OLP_K1);
		json_bool("loaded", s.flags & LPAR_OLP_LOADED);
		json_str("name", s.name);
		json_str("module", s.module);
		json_u64("nr_entries", s.nr_entries);
		json_u64("nr_applied", s.nr_applied);
		json_u64("last_window_ns", s.last_window_ns);
		json_s64("last_result", s.last_result);
		json_arr_open("entries");
		for (i = 0; i < n; i++) {
			json_obj_open(NULL);
			json_str("kind", kind_name(es[i].kind));
			json_str("target", es[i].target);
			json_u64("offset", es[i].offset);
			json_u64("length", es[i].length);
			json_str("new", es[i].new_sym);
			json_bool("applied", es[i].applied);
			json_bool("mismatch", es[i].mismatch);
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	printf("K0 %d  K1 %d\n", !!(s.flags & LPAR_OLP_K0),
	       !!(s.flags & LPAR_OLP_K1));
	if (!(s.flags & LPAR_OLP_LOADED)) {
		printf("no patch loaded\n");
		return EXIT_OK;
	}
	printf("patch %s (module %s): %u of %u entries applied\n", s.name,
	       s.module[0] ? s.module : "none", s.nr_applied, s.nr_entries);
	if (s.last_result)
		printf("last apply/revert: %s\n", errno_name(-s.last_result));
	else if (s.last_window_ns)
		printf("last stop window: %s\n",
		       fmt_ns(s.last_window_ns, w, sizeof(w)));
	printf("%3s %-4s %-28s %6s %6s %-28s %s\n", "#", "KIND", "TARGET",
	       "OFFSET", "LENGTH", "NEW", "STATE");
	for (i = 0; i < n; i++)
		printf("%3u %-4s %-28s %6u %6u %-28s %s\n", i,
		       kind_name(es[i].kind), es[i].target, es[i].offset,
		       es[i].length, es[i].new_sym[0] ? es[i].new_sym : "-",
		       es[i].applied ? "applied" :
		       es[i].mismatch ? "MISMATCH" : "-");
	return EXIT_OK;
}

int cmd_olp(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	__u32 timeout = 0, count = 101;
	const char *sub;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":t:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_u32(optarg, 1, 60000, &timeout))
				return usage_error(ctx, "--timeout: 1..60000 ms");
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 1, 2);
	if (ret)
		return ret;
	sub = argv[optind];
	if (strcmp(sub, "load") && strcmp(sub, "apply") &&
	    strcmp(sub, "revert") && strcmp(sub, "status") &&
	    strcmp(sub, "unload") && strcmp(sub, "calibrate"))
		return usage_error(ctx, "unknown olp command '%s'", sub);
	if (strcmp(sub, "load") && strcmp(sub, "calibrate") &&
	    argc - optind > 1)
		return usage_error(ctx, "unexpected argument '%s'",
				   argv[optind + 1]);
	if (!strcmp(sub, "load") && argc - optind != 2)
		return usage_error(ctx, "olp load FILE");
	if (!strcmp(sub, "calibrate") && argc - optind == 2 &&
	    parse_u32(argv[optind + 1], 1, 1000, &count))
		return usage_error(ctx, "calibrate: N is 1..1000");
	ret = open_device(ctx);
	if (ret)
		return ret;
	if (!strcmp(sub, "load"))
		return olp_load(ctx, argv[optind + 1]);
	if (!strcmp(sub, "apply"))
		return olp_run(ctx, LPAR_OLP_APPLY, "apply", timeout, 0);
	if (!strcmp(sub, "revert"))
		return olp_run(ctx, LPAR_OLP_REVERT, "revert", timeout, 0);
	if (!strcmp(sub, "unload"))
		return olp_run(ctx, LPAR_OLP_UNLOAD, "unload", 0, 0);
	if (!strcmp(sub, "calibrate"))
		return olp_run(ctx, LPAR_OLP_CALIBRATE, "calibrate", 0, count);
	if (!strcmp(sub, "status"))
		return olp_show(ctx);
	return usage_error(ctx, "unknown olp command '%s'", sub);
}
