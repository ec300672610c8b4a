// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - information commands: list, show, pool, console, version.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lparctl.h"

#define CONSOLE_CHUNK		4096
#define CONSOLE_POLL_MS		100
#define POOL_BAR_WIDTH		64

enum { OPT_RAW = 256 };

void json_def_fields(const struct lpar_def *def)
{
	char cpus[128];

	json_u64("id", def->id);
	json_str("name", def->name);
	json_u64("size", def->size);
	if (def->flags & LPAR_DEF_ORIGIN)
		json_hex("origin", def->origin);
	else
		json_null("origin");
	json_u64("vcpus", def->vcpus);
	if (def->flags & LPAR_DEF_DEDICATED) {
		json_str("placement", "dedicated");
		json_str("cpus", fmt_cpulist(def->cpumask, cpus, sizeof(cpus)));
		json_null("weight");
	} else {
		json_str("placement", "shared");
		json_null("cpus");
		json_u64("weight", def->weight ? def->weight :
			 LPAR_WEIGHT_DEFAULT);
	}
	json_bool("pci_control", !!(def->flags & LPAR_DEF_PCI_CONTROL));
	json_str("image", def->image);
	json_str("image_format", def->image_format == LPAR_IMAGE_FLAT64 ?
		 "flat64" : "unknown");
	json_hex("load_addr", def->load_addr);
	json_hex("entry", def->entry ? def->entry : def->load_addr);
}

void json_status_fields(const struct lpar_status *st)
{
	size_t i;

	json_str("state", state_name(st->state));
	if (state_owns_storage(st->state) && st->size)
		json_hex("origin", st->origin);
	else
		json_null("origin");
	json_u64("size", st->size);
	if (st->runner_pid)
		json_u64("runner_pid", st->runner_pid);
	else
		json_null("runner_pid");
	json_u64("activations", st->activations);
	json_u64("act_ns", st->act_ns);
	json_u64("first_insn_ns", st->first_insn_ns);
	json_u64("service_calls", st->sc_count);
	json_u64("heartbeats", st->heartbeats);
	json_obj_open("last_report");
	json_str("code", report_name(st->report_code));
	json_u64("code_value", st->report_code);
	json_u64("value", st->report_value);
	json_obj_close();
	json_u64("console_bytes", st->console_bytes);
	json_str("reason", st->reason);
	json_obj_open("move");
	json_bool("active", st->mv_active);
	json_u64("done", st->mv_done);
	json_u64("total", st->mv_total);
	json_obj_close();
	if (move_recorded(&st->mv_last)) {
		json_obj_open("last_move");
		json_move_fields(&st->mv_last);
		json_obj_close();
	} else {
		json_null("last_move");
	}
	json_arr_open("guest_metrics");
	for (i = 0; i < ARRAY_SIZE(st->guest_metric); i++)
		json_u64(NULL, st->guest_metric[i]);
	json_arr_close();
}

/* Has a move been recorded in @r (LPAR_GET_STATUS mv_last)? */
bool move_recorded(const struct lpar_move_result *r)
{
	return r->old_origin || r->new_origin || r->time_ns || r->result;
}

void json_move_fields(const struct lpar_move_result *r)
{
	json_hex("old_origin", r->old_origin);
	json_hex("new_origin", r->new_origin);
	json_u64("bytes", r->bytes);
	json_u64("time_ns", r->time_ns);
	json_u64("chunks", r->chunks);
	json_u64("max_pause_ns", r->max_pause_ns);
	json_s64("result", r->result);
	json_str("error", r->result ? errno_name(-r->result) : NULL);
	if (r->time_ns && r->bytes)
		json_u64("bytes_per_s", (__u64)((double)r->bytes * 1e9 /
						(double)r->time_ns));
	else
		json_null("bytes_per_s");
}

/* A command without arguments: check there are none, open the device. */
static int no_args(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};

	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		return bad_option(ctx, c, argv, optind, optopt);
	ret = want_args(ctx, argc, argv, optind, 0, 0);
	if (ret)
		return ret;
	return open_device(ctx);
}

/* ---- list --------------------------------------------------------- */

struct part {
	struct lpar_def def;
	struct lpar_status st;
	bool have_st;
};

/* All defined partitions; returns the count or -errno. */
static int load_partitions(const struct ctx *ctx, struct part *parts)
{
	unsigned int i;
	int n = 0, ret;

	for (i = 0; i < ctx->ver.max_partitions; i++) {
		ret = get_def(ctx, i, &parts[n].def);
		if (ret == -EPERM || ret == -EACCES || ret == -ENOTTY ||
		    ret == -EFAULT)
			return ret;
		if (ret)
			continue;
		parts[n].have_st = !get_status(ctx, i, &parts[n].st);
		n++;
	}
	return n;
}

static const char *fmt_placement(const struct lpar_def *def, char *buf,
				 size_t len)
{
	char cpus[96];

	if (def->flags & LPAR_DEF_DEDICATED)
		snprintf(buf, len, "dedicated:%s",
			 fmt_cpulist(def->cpumask, cpus, sizeof(cpus)));
	else
		snprintf(buf, len, "shared:%u",
			 def->weight ? def->weight : LPAR_WEIGHT_DEFAULT);
	return buf;
}

static const char *fmt_origin(const struct part *p, char *buf, size_t len)
{
	if (p->have_st && state_owns_storage(p->st.state) && p->st.size)
		snprintf(buf, len, "0x%llx", p->st.origin);
	else if (p->def.flags & LPAR_DEF_ORIGIN)
		snprintf(buf, len, "0x%llx", p->def.origin);
	else
		snprintf(buf, len, "auto");
	return buf;
}

int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct part parts[LPAR_MAX_PARTITIONS];
	char org[32], sz[32], pl[128], pid[16];
	int i, n, ret, wname = 4;

	ret = no_args(ctx, argc, argv);
	if (ret)
		return ret;
	n = load_partitions(ctx, parts);
	if (n < 0)
		return sys_fail(ctx, -n, "reading the partitions");

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_u64("max_partitions", ctx->ver.max_partitions);
		json_arr_open("partitions");
		for (i = 0; i < n; i++) {
			json_obj_open(NULL);
			json_def_fields(&parts[i].def);
			if (parts[i].have_st) {
				json_obj_open("status");
				json_status_fields(&parts[i].st);
				json_obj_close();
			}
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}

	for (i = 0; i < n; i++)
		if ((int)strlen(parts[i].def.name) > wname)
			wname = strlen(parts[i].def.name);
	printf("%3s  %-*s  %-12s  %-12s  %6s  %5s  %-14s  %s\n", "ID", wname,
	       "NAME", "STATE", "ORIGIN", "SIZE", "VCPUS", "PLACEMENT",
	       "RUNNER");
	for (i = 0; i < n; i++) {
		const struct part *p = &parts[i];

		if (p->have_st && p->st.runner_pid)
			snprintf(pid, sizeof(pid), "%u", p->st.runner_pid);
		else
			snprintf(pid, sizeof(pid), "-");
		printf("%3u  %-*s  %-12s  %-12s  %6s  %5u  %-14s  %s\n",
		       p->def.id, wname, p->def.name,
		       p->have_st ? state_name(p->st.state) : "?",
		       fmt_origin(p, org, sizeof(org)),
		       fmt_size(p->def.size, sz, sizeof(sz)), p->def.vcpus,
		       fmt_placement(&p->def, pl, sizeof(pl)), pid);
	}
	if (!n)
		printf("(no partitions defined; 'lparctl define' makes one)\n");
	return EXIT_OK;
}

/* ---- show --------------------------------------------------------- */

static void print_last_move(const struct lpar_move_result *r)
{
	char a[32], b[32], c[32], d[32];

	printf("  last move       0x%llx -> 0x%llx", r->old_origin,
	       r->new_origin);
	if (r->result) {
		printf(", failed: %s (%s), storage left at 0x%llx\n",
		       errno_name(-r->result), strerror(-r->result),
		       r->new_origin);
		return;
	}
	printf(", %s in %llu chunk%s\n", fmt_size(r->bytes, a, sizeof(a)),
	       r->chunks, r->chunks == 1 ? "" : "s");
	printf("                  took %s (%s), longest pause %s\n",
	       fmt_ns(r->time_ns, b, sizeof(b)),
	       fmt_rate(r->bytes, r->time_ns, c, sizeof(c)),
	       fmt_ns(r->max_pause_ns, d, sizeof(d)));
}

int cmd_show(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	char a[32], b[32], pl[128];
	struct lpar_status st;
	struct lpar_def def;
	size_t i;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		return bad_option(ctx, c, argv, optind, optopt);
	ret = want_args(ctx, argc, argv, optind, 1, 1);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	ret = get_status(ctx, def.id, &st);
	if (ret)
		return sys_fail(ctx, -ret, "reading the status");

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_obj_open("definition");
		json_def_fields(&def);
		json_obj_close();
		json_obj_open("status");
		json_status_fields(&st);
		json_obj_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}

	printf("partition %u: %s\n", def.id, def.name);
	printf("Definition\n");
	printf("  size            %s\n", fmt_size(def.size, a, sizeof(a)));
	if (def.flags & LPAR_DEF_ORIGIN)
		printf("  origin          0x%llx\n", def.origin);
	else
		printf("  origin          auto (first fit at act)\n");
	printf("  vcpus           %u\n", def.vcpus);
	printf("  placement       %s\n", fmt_placement(&def, pl, sizeof(pl)));
	printf("  pci control     %s\n", def.flags & LPAR_DEF_PCI_CONTROL ?
	       "yes (the guest may add_pci / rem_pci)" : "no");
	printf("  image           %s (%s)\n", def.image,
	       def.image_format == LPAR_IMAGE_FLAT64 ? "flat64" : "unknown");
	printf("  load address    0x%llx\n", def.load_addr);
	printf("  entry           0x%llx\n",
	       def.entry ? def.entry : def.load_addr);
	printf("Status\n");
	printf("  state           %s\n", state_name(st.state));
	printf("  reason          %s\n", st.reason[0] ? st.reason : "-");
	if (state_owns_storage(st.state) && st.size)
		printf("  storage         0x%llx-0x%llx (%s)\n",
		       st.origin, st.origin + st.size - 1,
		       fmt_size(st.size, a, sizeof(a)));
	else
		printf("  storage         none\n");
	if (st.runner_pid)
		printf("  runner pid      %u\n", st.runner_pid);
	else
		printf("  runner pid      -\n");
	printf("  activations     %u\n", st.activations);
	printf("  act time        %s\n", fmt_ns(st.act_ns, a, sizeof(a)));
	printf("  first insn      %s\n", fmt_ns(st.first_insn_ns, b, sizeof(b)));
	printf("  service calls   %llu (heartbeats %llu)\n",
	       st.sc_count, st.heartbeats);
	if (st.report_code == LPAR_REPORT_NONE)
		printf("  last report     -\n");
	else
		printf("  last report     %s, value %llu (0x%llx)\n",
		       report_name(st.report_code), st.report_value,
		       st.report_value);
	printf("  console         %llu bytes\n",
	       st.console_bytes);
	if (st.mv_active)
		printf("  moving          %llu%% (%.1f of %.1f MiB)\n",
		       st.mv_total ? st.mv_done * 100 / st.mv_total : 0ULL,
		       st.mv_done / 1048576.0, st.mv_total / 1048576.0);
	if (move_recorded(&st.mv_last))
		print_last_move(&st.mv_last);
	for (i = 0; i < ARRAY_SIZE(st.guest_metric); i++)
		if (st.guest_metric[i])
			break;
	if (i < ARRAY_SIZE(st.guest_metric)) {
		printf("  guest metrics  ");
		for (i = 0; i < ARRAY_SIZE(st.guest_metric); i++)
			printf(" [%zu] %llu", i, st.guest_metric[i]);
		printf("\n");
	}
	return EXIT_OK;
}

/* ---- pool --------------------------------------------------------- */

static char part_char(unsigned int id)
{
	static const char chars[] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	return id < sizeof(chars) - 1 ? chars[id] : '@';
}

static int cmp_origin(const void *a, const void *b)
{
	const struct part *pa = a, *pb = b;

	if (pa->st.origin != pb->st.origin)
		return pa->st.origin < pb->st.origin ? -1 : 1;
	return 0;
}

static const char *extent_kind(__u32 flags)
{
	if (flags & LPAR_EXTENT_BOOT)
		return "boot (memmap=)";
	if (flags & LPAR_EXTENT_HOST)
		return "host (taken at load)";
	return "-";
}

/* One line of the map: [start, end) owned by @p, or free when NULL. */
static void map_line(const struct ctx *ctx, __u64 start, __u64 end,
		     const struct part *p)
{
	char sz[32];

	if (ctx->json) {
		json_obj_open(NULL);
		json_hex("start", start);
		json_hex("end", end - 1);
		json_u64("size", end - start);
		if (p) {
			json_u64("owner", p->def.id);
			json_str("name", p->def.name);
			json_str("state", state_name(p->st.state));
		} else {
			json_null("owner");
		}
		json_obj_close();
		return;
	}
	printf("  0x%010llx-0x%010llx  %6s  ", start, end - 1,
	       fmt_size(end - start, sz, sizeof(sz)));
	if (p)
		printf("%u %s (%s)\n", p->def.id, p->def.name,
		       state_name(p->st.state));
	else
		printf("free\n");
}

static void print_map(const struct ctx *ctx, const struct lpar_extent *ext,
		      unsigned int next, const struct part *own, int nown)
{
	unsigned int e;
	__u64 pos, end;
	int i;

	for (e = 0; e < next; e++) {
		pos = ext[e].start;
		end = ext[e].start + ext[e].size;
		for (i = 0; i < nown; i++) {
			__u64 ps = own[i].st.origin;
			__u64 pe = ps + own[i].st.size;

			if (pe <= pos || ps >= end)
				continue;
			if (ps > pos)
				map_line(ctx, pos, ps, NULL);
			map_line(ctx, ps > pos ? ps : pos, pe < end ? pe : end,
				 &own[i]);
			pos = pe;
		}
		if (pos < end)
			map_line(ctx, pos, end, NULL);
	}
}

static void print_bar(const struct lpar_extent *ext, unsigned int next,
		      __u64 total, const struct part *own, int nown)
{
	__u64 cell = (total + POOL_BAR_WIDTH - 1) / POOL_BAR_WIDTH;
	__u64 off = 0, cs, ce, s, t;
	char bar[POOL_BAR_WIDTH + 1], sz[32];
	unsigned int e;
	int c, i;

	if (!cell)
		return;
	memset(bar, '.', POOL_BAR_WIDTH);
	bar[POOL_BAR_WIDTH] = '\0';
	/* Lay the extents end to end; map each cell back to addresses. */
	for (e = 0; e < next; e++) {
		for (c = 0; c < POOL_BAR_WIDTH; c++) {
			cs = (__u64)c * cell;
			ce = cs + cell;
			if (ce <= off || cs >= off + ext[e].size)
				continue;
			s = ext[e].start + (cs > off ? cs - off : 0);
			t = ext[e].start + (ce - off < ext[e].size ?
					    ce - off : ext[e].size);
			for (i = 0; i < nown; i++) {
				if (own[i].st.origin >= t ||
				    own[i].st.origin + own[i].st.size <= s)
					continue;
				if (bar[c] == '.' ||
				    bar[c] == part_char(own[i].def.id))
					bar[c] = part_char(own[i].def.id);
				else
					bar[c] = '+';
			}
		}
		off += ext[e].size;
	}
	printf("  [%s]\n", bar);
	printf("  one character = %s; 0-9a-zA-Z partition number, '.' free, '+' several\n",
	       fmt_size(cell, sz, sizeof(sz)));
}

int cmd_pool(struct ctx *ctx, int argc, char **argv)
{
	struct part parts[LPAR_MAX_PARTITIONS], own[LPAR_MAX_PARTITIONS];
	struct lpar_extent *ext = NULL;
	struct lpar_pool_info pool;
	char a[32], b[32], c[32], d[32];
	unsigned int e, next;
	int i, n, nown = 0, ret;

	ret = no_args(ctx, argc, argv);
	if (ret)
		return ret;
	ret = read_pool(ctx, &pool, &ext, &next);
	if (ret == -ENOMEM)
		return cmd_fail(ctx, ENOMEM, NULL, "out of memory");
	if (ret)
		return sys_fail(ctx, -ret, "reading the pool");

	n = load_partitions(ctx, parts);
	if (n < 0) {
		free(ext);
		return sys_fail(ctx, -n, "reading the partitions");
	}
	for (i = 0; i < n; i++)
		if (parts[i].have_st && state_owns_storage(parts[i].st.state) &&
		    parts[i].st.size)
			own[nown++] = parts[i];
	qsort(own, nown, sizeof(own[0]), cmp_origin);

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_u64("increment", pool.increment);
		json_u64("total", pool.total);
		json_u64("free", pool.free);
		json_u64("largest_free", pool.largest_free);
		json_u64("nr_extents", pool.nr_extents);
		json_arr_open("extents");
		for (e = 0; e < next; e++) {
			json_obj_open(NULL);
			json_hex("start", ext[e].start);
			json_hex("end", ext[e].start + ext[e].size - 1);
			json_u64("size", ext[e].size);
			json_str("kind", ext[e].flags & LPAR_EXTENT_BOOT ?
				 "boot" : ext[e].flags & LPAR_EXTENT_HOST ?
				 "host" : "unknown");
			json_obj_close();
		}
		json_arr_close();
		json_arr_open("map");
		print_map(ctx, ext, next, own, nown);
		json_arr_close();
		json_obj_close();
		json_end();
		free(ext);
		return EXIT_OK;
	}

	printf("pool: total %s, free %s, largest free %s, increment %s\n",
	       fmt_size(pool.total, a, sizeof(a)),
	       fmt_size(pool.free, b, sizeof(b)),
	       fmt_size(pool.largest_free, c, sizeof(c)),
	       fmt_size(pool.increment, d, sizeof(d)));
	printf("extents: %u\n", pool.nr_extents);
	for (e = 0; e < next; e++)
		printf("  0x%010llx-0x%010llx  %6s  %s\n",
		       ext[e].start,
		       ext[e].start + ext[e].size - 1,
		       fmt_size(ext[e].size, a, sizeof(a)),
		       extent_kind(ext[e].flags));
	printf("map:\n");
	print_map(ctx, ext, next, own, nown);
	print_bar(ext, next, pool.total, own, nown);
	free(ext);
	return EXIT_OK;
}

/* ---- console ------------------------------------------------------ */

/* Set by SIGINT/SIGTERM; lock-free, so safe in a signal handler. */
static atomic_int interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Terminal-safe copy: keep printable text, \n and \t; drop \r; ^X others. */
static void write_filtered(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n' || p[i] == '\t' || (p[i] >= 0x20 && p[i] != 0x7f))
			putchar(p[i]);
		else if (p[i] == '\r')
			continue;
		else
			printf("^%c", p[i] == 0x7f ? '?' : p[i] + '@');
	}
}

int cmd_console(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned char buf[CONSOLE_CHUNK], last = '\n';
	char *acc = NULL, *nacc;
	size_t acc_len = 0;
	bool follow = false, raw = false;
	struct lpar_console con;
	struct lpar_def def;
	__u64 pos = 0, start = 0, head = 0;
	bool first = true;
	int c, ret, err;

	while ((c = getopt_long(argc, argv, ":f", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case OPT_RAW:
			raw = true;
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
	if (follow) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}

	while (!interrupted) {
		memset(&con, 0, sizeof(con));
		con.argsz = sizeof(con);
		con.id = def.id;
		con.len = sizeof(buf);
		con.pos = pos;
		con.buf_ptr = (uintptr_t)buf;
		if (ioctl(ctx->fd, LPAR_CONSOLE_READ, &con)) {
			err = errno;
			if (err == EINTR)
				continue;
			free(acc);
			if (err == ENOENT || err == ENXIO)
				return cmd_fail(ctx, err, NULL,
						"%s (partition %u) is no longer defined",
						def.name, def.id);
			return sys_fail(ctx, err, "reading the console");
		}
		if (con.len > sizeof(buf))
			con.len = sizeof(buf);
		if (first)
			start = con.pos - con.len;
		else if (con.pos - con.len > pos)
			note_msg(ctx, "[%llu bytes were overwritten before they were read]",
				 con.pos - con.len - pos);
		first = false;
		pos = con.pos;
		head = con.head;
		if (con.len) {
			last = buf[con.len - 1];
			if (ctx->json && follow) {
				json_begin(false);
				json_obj_open(NULL);
				json_u64("id", def.id);
				json_str("name", def.name);
				json_u64("pos", con.pos - con.len);
				json_strn("text", (char *)buf, con.len);
				json_obj_close();
				json_end();
			} else if (ctx->json) {
				nacc = realloc(acc, acc_len + con.len);
				if (!nacc) {
					free(acc);
					return cmd_fail(ctx, ENOMEM, NULL,
							"out of memory");
				}
				acc = nacc;
				memcpy(acc + acc_len, buf, con.len);
				acc_len += con.len;
			} else if (raw) {
				fwrite(buf, 1, con.len, stdout);
			} else {
				write_filtered(buf, con.len);
			}
			continue;
		}
		/* Caught up with the log. */
		if (!follow)
			break;
		fflush(stdout);
		sleep_ms(CONSOLE_POLL_MS);
	}

	if (ctx->json && !follow) {
		json_begin(true);
		json_obj_open(NULL);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_u64("start", start);
		json_u64("head", head);
		json_strn("text", acc ? acc : "", acc_len);
		json_obj_close();
		json_end();
	} else if (!ctx->json && !raw && last != '\n' && isatty(1)) {
		putchar('\n');
	}
	free(acc);
	return EXIT_OK;
}

/* ---- version ------------------------------------------------------ */

/* The loaded module's release (MODULE_VERSION), or "unknown". */
static void module_release(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/lpar/version", "re");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

int cmd_version(struct ctx *ctx, int argc, char **argv)
{
	char inc[32], release[64];
	int ret;

	ret = no_args(ctx, argc, argv);
	if (ret)
		return ret;
	module_release(release, sizeof(release));
	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_str("lparctl_version", LPAR_VERSION);
		json_str("module_version", release);
		json_u64("lparctl_api", LPAR_API_VERSION);
		json_u64("module_api", ctx->ver.api);
		json_u64("max_partitions", ctx->ver.max_partitions);
		json_u64("max_vcpus", ctx->ver.max_vcpus);
		json_u64("increment", ctx->ver.increment);
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	printf("lparctl %s (API %u), lpar.ko %s (API %u)\n", LPAR_VERSION,
	       LPAR_API_VERSION, release, ctx->ver.api);
	printf("max partitions %u, max vCPUs %u, storage increment %s\n",
	       ctx->ver.max_partitions, ctx->ver.max_vcpus,
	       fmt_size(ctx->ver.increment, inc, sizeof(inc)));
	return EXIT_OK;
}
