// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - storage commands: mvstor, keys, exchange, resize, config.
 *
 * MVSTOR and exchange run their ioctl in a second thread; meanwhile the
 * main thread polls LPAR_GET_STATUS (mv_active, mv_done, mv_total) every
 * PROGRESS_POLL_MS and draws a progress line on stderr when it is a
 * terminal.  A move cannot be cancelled: ^C only says so.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lparctl.h"

#define PROGRESS_POLL_MS	100
#define FRAME_SIZE		4096ULL
#define MIB			(1024.0 * 1024.0)
#define MS_MAX			3600000U	/* one hour */
#define DELAY_MS_MAX		(24U * 3600U * 1000U)
#define CONFIG_LINE_MAX		1024

enum { OPT_CHUNK = 256, OPT_QUIESCE, OPT_TIMEOUT, OPT_DELAY };

/* ---- helpers ------------------------------------------------------ */

/* Storage size that matters for a move: the current one if it owns some. */
static __u64 part_size(const struct lpar_def *def, const struct lpar_status *st)
{
	return state_owns_storage(st->state) && st->size ? st->size : def->size;
}

static __u64 part_origin(const struct lpar_def *def,
			 const struct lpar_status *st)
{
	return state_owns_storage(st->state) && st->size ? st->origin :
	       def->origin;
}

/* Is @x a power of two? */
static bool pow2(__u64 x)
{
	return x && !(x & (x - 1));
}

#define CHUNK_USAGE \
	"bad --chunk '%s': give a power of two from 4K up to the storage increment, e.g. 256K"

/* --chunk before the device is open: a power of two, at least 4K. */
static bool chunk_syntax_ok(const char *arg)
{
	__u64 chunk;

	return !parse_size(arg, &chunk) && pow2(chunk) && chunk >= FRAME_SIZE;
}

/* Parse --chunk: a power of two, 4K .. the increment. */
static int parse_chunk(const struct ctx *ctx, const char *arg, __u64 *chunk)
{
	char sz[32];

	if (!chunk_syntax_ok(arg) || parse_size(arg, chunk))
		return usage_error(ctx, CHUNK_USAGE, arg);
	if (ctx->ver.increment && *chunk > ctx->ver.increment)
		return usage_error(ctx,
				   "--chunk %s is larger than the storage increment %s; give 4K .. %s",
				   arg, fmt_size(ctx->ver.increment, sz,
						 sizeof(sz)), sz);
	return 0;
}

/*
 * The other partition whose storage overlaps [start, end), if any;
 * moves in flight are not visible here (the module's reason names them).
 */
static bool overlap_owner(const struct ctx *ctx, unsigned int self,
			  __u64 start, __u64 end, struct lpar_def *who,
			  struct lpar_status *whost)
{
	unsigned int i;

	for (i = 0; i < ctx->ver.max_partitions; i++) {
		if (i == self || get_status(ctx, i, whost))
			continue;
		if (!state_owns_storage(whost->state) || !whost->size)
			continue;
		if (whost->origin < end && start < whost->origin + whost->size) {
			if (get_def(ctx, i, who))
				snprintf(who->name, sizeof(who->name), "?");
			return true;
		}
	}
	return false;
}

/*
 * Where in the pool a range of @size can start: "0x40000000 .. 0x5e000000"
 * per extent that is large enough, joined with " or ".
 */
static const char *fmt_origin_choices(const struct lpar_extent *ext,
				      unsigned int next, __u64 size,
				      char *buf, size_t len)
{
	size_t off = 0;
	unsigned int e;
	int n = 0;

	buf[0] = '\0';
	for (e = 0; e < next && off < len; e++) {
		if (ext[e].size < size)
			continue;
		off += snprintf(buf + off, len - off, "%s0x%llx .. 0x%llx",
				n++ ? " or " : "", ext[e].start,
				ext[e].start + ext[e].size - size);
	}
	if (!n)
		snprintf(buf, len, "none (no extent is that large)");
	return buf;
}

/* ---- running a move while showing its progress -------------------- */

struct bg_ioctl {
	int fd;
	unsigned long req;
	void *arg;
	int err;
	int wake[2];
};

static void *bg_run(void *data)
{
	struct bg_ioctl *op = data;
	char c = 1;

	op->err = ioctl(op->fd, op->req, op->arg) ? errno : 0;
	while (write(op->wake[1], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static atomic_int stor_signal;

static void on_stor_signal(int sig)
{
	stor_signal = sig;
}

struct progress {
	bool draw;
	bool drawn;
	bool seen;
	__u64 t0;
	__u64 done0;
	__u64 total;
};

static void progress_clear(struct progress *pg)
{
	if (pg->drawn)
		fputs("\r\033[K", stderr);
	pg->drawn = false;
}

static void progress_show(struct progress *pg, const char *label,
			  const struct lpar_status *st)
{
	__u64 now = now_ms(), pct;
	double rate = 0;

	if (!pg->draw)
		return;
	if (!st) {
		fprintf(stderr, "\r\033[K%s: %s", label,
			pg->seen ? "finishing" :
			"starting (waiting for DMA to quiesce)");
		pg->drawn = true;
		return;
	}
	/* A new move (exchange of different sizes: several in a row). */
	if (!pg->seen || st->mv_total != pg->total || st->mv_done < pg->done0) {
		pg->seen = true;
		pg->t0 = now;
		pg->done0 = st->mv_done;
		pg->total = st->mv_total;
	}
	pct = st->mv_total ? st->mv_done * 100 / st->mv_total : 0;
	if (now > pg->t0)
		rate = (double)(st->mv_done - pg->done0) / MIB /
		       ((double)(now - pg->t0) / 1000.0);
	fprintf(stderr, "\r\033[K%s: %3llu%%  %.1f of %.1f MiB  %.1f MiB/s",
		label, pct, (double)st->mv_done / MIB,
		(double)st->mv_total / MIB, rate);
	pg->drawn = true;
}

/*
 * run_watched - issue @req in a second thread and show the progress of
 * the move of @defs[0..@n-1] meanwhile.  Returns 0 or the errno.
 */
static int run_watched(const struct ctx *ctx, unsigned long req, void *arg,
		       const struct lpar_def *defs, int n, const char *label)
{
	struct bg_ioctl op = { .fd = ctx->fd, .req = req, .arg = arg };
	struct sigaction sa = { .sa_handler = on_stor_signal };
	struct sigaction old_int, old_term;
	struct progress pg = {
		.draw = !ctx->json && isatty(STDERR_FILENO),
	};
	struct lpar_status st;
	sigset_t block, oldmask;
	struct pollfd pfd;
	bool noted = false;
	pthread_t th;
	char c;
	int i, ret;

	if (pipe2(op.wake, O_CLOEXEC))
		return errno;
	sigemptyset(&sa.sa_mask);
	stor_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* The ioctl thread takes no signals: they reach the watcher. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &oldmask);
	ret = pthread_create(&th, NULL, bg_run, &op);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	if (ret) {
		/* No thread: do it here, without progress. */
		op.err = ioctl(ctx->fd, req, arg) ? errno : 0;
		goto out;
	}
	pfd.fd = op.wake[0];
	pfd.events = POLLIN;
	for (;;) {
		ret = poll(&pfd, 1, PROGRESS_POLL_MS);
		if (ret > 0)
			break;
		if (stor_signal && !noted) {
			progress_clear(&pg);
			note_msg(ctx,
				 "a storage move cannot be interrupted; waiting for it to finish");
			noted = true;
		}
		for (i = 0; i < n; i++)
			if (!get_status(ctx, defs[i].id, &st) && st.mv_active)
				break;
		progress_show(&pg, label, i < n ? &st : NULL);
	}
	pthread_join(th, NULL);
	while (read(op.wake[0], &c, 1) < 0 && errno == EINTR)
		;
out:
	progress_clear(&pg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(op.wake[0]);
	close(op.wake[1]);
	return op.err;
}

/* "  NAME  0x40000000 -> 0x48000000  32M in 128 chunks, ..." */
static void print_move_line(const char *name, int wname,
			    const struct lpar_move_result *r)
{
	char a[32], b[32], c[32], d[32];

	printf("  %-*s  0x%llx -> 0x%llx", wname, name, r->old_origin,
	       r->new_origin);
	if (!r->bytes) {
		printf("  (nothing copied)\n");
		return;
	}
	printf("  %s in %llu chunk%s, %s (%s), longest pause %s\n",
	       fmt_size(r->bytes, a, sizeof(a)), r->chunks,
	       r->chunks == 1 ? "" : "s", fmt_ns(r->time_ns, b, sizeof(b)),
	       fmt_rate(r->bytes, r->time_ns, c, sizeof(c)),
	       fmt_ns(r->max_pause_ns, d, sizeof(d)));
}

/* ---- mvstor ------------------------------------------------------- */

static int mvstor_fail(const struct ctx *ctx, int err,
		       const struct lpar_def *def, __u64 origin,
		       unsigned int quiesce_ms)
{
	char a[32], b[32], buf[512], *p;
	struct lpar_pool_info pool;
	struct lpar_status st, ost;
	struct lpar_extent *ext;
	struct lpar_def other;
	unsigned int next;
	__u64 size, inc = ctx->ver.increment;
	int ret;

	ret = common_fail(ctx, err, "mvstor", def);
	if (ret >= 0)
		return ret;
	if (get_status(ctx, def->id, &st))
		return cmd_fail(ctx, err, NULL,
				"%s (partition %u) is no longer defined",
				def->name, def->id);
	size = part_size(def, &st);
	switch (err) {
	case EBUSY:
		p = strstr(st.reason, "overlaps partition");
		if (p)
			return cmd_fail(ctx, err, NULL,
					"cannot move %s to 0x%llx: 0x%llx-0x%llx %s; choose a free range ('lparctl pool' shows the map) or move that partition away first",
					def->name, origin, origin,
					origin + size - 1, p);
		if (strstr(st.reason, "another command"))
			return cmd_fail(ctx, err, NULL,
					"another command (mvstor, exchange, resize or config) is in progress on %s; wait until it ends ('lparctl show %s' shows a move's progress), then retry",
					def->name, def->name);
		if (strstr(st.reason, "DMA"))
			return part_fail(ctx, err, NULL, def,
					 "the devices of %s did not stop DMA within %u ms, so nothing was moved; retry with a longer --quiesce, or stop their I/O",
					 def->name, quiesce_ms);
		if (overlap_owner(ctx, def->id, origin, origin + size, &other,
				  &ost))
			return cmd_fail(ctx, err, NULL,
					"cannot move %s to 0x%llx: 0x%llx-0x%llx overlaps partition %u (%s) at 0x%llx-0x%llx; choose a free range ('lparctl pool' shows the map)",
					def->name, origin, origin,
					origin + size - 1, other.id, other.name,
					ost.origin, ost.origin + ost.size - 1);
		return part_fail(ctx, err, NULL, def,
				 "cannot move %s to 0x%llx: the target or the partition is busy; 'lparctl pool' shows the map",
				 def->name, origin);
	case ERANGE:
		ret = read_pool(ctx, &pool, &ext, &next);
		if (ret)
			break;
		ret = cmd_fail(ctx, err, NULL,
			       "0x%llx-0x%llx (%s of %s at 0x%llx) is not inside one pool extent; the pool is %s, so %s can start at %s",
			       origin, origin + size - 1,
			       fmt_size(size, a, sizeof(a)), def->name, origin,
			       fmt_extents(ext, next, buf, sizeof(buf) / 2),
			       def->name,
			       fmt_origin_choices(ext, next, size,
						  buf + sizeof(buf) / 2,
						  sizeof(buf) / 2));
		free(ext);
		return ret;
	case EINVAL:
		if (inc && origin % inc)
			return cmd_fail(ctx, err, NULL,
					"origin 0x%llx is not aligned to the storage increment %s; use a multiple of 0x%llx, e.g. 0x%llx or 0x%llx",
					origin, fmt_size(inc, a, sizeof(a)),
					inc, origin / inc * inc,
					(origin / inc + 1) * inc);
		if (!strncmp(st.reason, "cannot move", 11))
			return cmd_fail(ctx, err, NULL,
					"%s (partition %u) is %s: storage moves while a partition is operating, stopped or failed (a deactivated one gets a new defined origin); wait until the %s ends and retry",
					def->name, def->id,
					state_name(st.state),
					st.state == LPAR_STATE_ACTIVATING ?
					"act" : "deact");
		break;
	case EIO:
		return part_fail(ctx, err, NULL, def,
				 "the move of %s failed after the copy and was undone: it runs at its old origin 0x%llx on intact storage; retry, and check dmesg",
				 def->name, st.origin);
	case ENOMEM:
		return cmd_fail(ctx, err, NULL,
				"lpar.ko could not allocate what the move needs; nothing was moved, %s is still at 0x%llx; retry later",
				def->name, part_origin(def, &st));
	case ENOENT:
		return cmd_fail(ctx, err, NULL,
				"%s (partition %u) is no longer defined",
				def->name, def->id);
	}
	return part_fail(ctx, err, NULL, def,
			 "moving %s to 0x%llx failed: %s (%s is still at 0x%llx)",
			 def->name, origin, strerror(err),
			 fmt_size(size, b, sizeof(b)), part_origin(def, &st));
}

int cmd_mvstor(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "chunk", required_argument, NULL, OPT_CHUNK },
		{ "quiesce", required_argument, NULL, OPT_QUIESCE },
		{ NULL, 0, NULL, 0 },
	};
	const char *chunk_arg = NULL;
	char a[32], b[32], c[32], d[32], label[96];
	struct lpar_status st, after;
	struct lpar_move_result *r;
	struct lpar_mvstor mv;
	struct lpar_def def;
	__u64 origin;
	int opt, ret, err;

	memset(&mv, 0, sizeof(mv));
	mv.argsz = sizeof(mv);
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_CHUNK:
			chunk_arg = optarg;
			break;
		case OPT_QUIESCE:
			if (parse_u32(optarg, 1, MS_MAX, &mv.quiesce_ms))
				return usage_error(ctx,
						   "bad --quiesce '%s': give 1..%u ms",
						   optarg, MS_MAX);
			break;
		default:
			return bad_option(ctx, opt, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	if (parse_size(argv[optind + 1], &origin))
		return usage_error(ctx,
				   "bad origin '%s': give a host physical address, e.g. 0x48000000",
				   argv[optind + 1]);
	if (chunk_arg && !chunk_syntax_ok(chunk_arg))
		return usage_error(ctx, CHUNK_USAGE, chunk_arg);
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	if (chunk_arg) {
		ret = parse_chunk(ctx, chunk_arg, &mv.chunk);
		if (ret)
			return ret;
	}
	ret = get_status(ctx, def.id, &st);
	if (ret)
		return sys_fail(ctx, -ret, "reading the status");
	mv.id = def.id;
	mv.origin = origin;

	snprintf(label, sizeof(label), "moving %s", def.name);
	err = run_watched(ctx, LPAR_MVSTOR, &mv, &def, 1, label);
	if (err)
		return mvstor_fail(ctx, err, &def, origin,
				   mv.quiesce_ms ? mv.quiesce_ms : 10000);
	r = &mv.res;
	if (get_status(ctx, def.id, &after))
		after = st;

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_str("state", state_name(after.state));
		json_u64("size", part_size(&def, &after));
		json_obj_open("result");
		json_move_fields(r);
		json_obj_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	if (st.state == LPAR_STATE_DEACTIVATED) {
		printf("%s (partition %u) is deactivated: defined origin now 0x%llx\n",
		       def.name, def.id, r->new_origin);
		return EXIT_OK;
	}
	if (r->old_origin == r->new_origin) {
		printf("%s (partition %u) is already at 0x%llx: nothing moved\n",
		       def.name, def.id, r->new_origin);
		return EXIT_OK;
	}
	printf("%s (partition %u) moved: 0x%llx -> 0x%llx (%s, %s)\n",
	       def.name, def.id, r->old_origin, r->new_origin,
	       fmt_size(part_size(&def, &after), a, sizeof(a)),
	       state_name(after.state));
	printf("  copied          %s in %llu chunk%s of %s\n",
	       fmt_size(r->bytes, a, sizeof(a)), r->chunks,
	       r->chunks == 1 ? "" : "s",
	       fmt_size(r->chunks ? r->bytes / r->chunks : 0, b, sizeof(b)));
	printf("  time            %s (%s)\n",
	       fmt_ns(r->time_ns, c, sizeof(c)),
	       fmt_rate(r->bytes, r->time_ns, d, sizeof(d)));
	printf("  longest pause   %s (the longest a chunk was unavailable to the guest)\n",
	       fmt_ns(r->max_pause_ns, a, sizeof(a)));
	return EXIT_OK;
}

/* ---- keys --------------------------------------------------------- */

enum keys_op { KEYS_GET, KEYS_SET, KEYS_RRBE };

static int keys_fail(const struct ctx *ctx, int err, const struct lpar_def *def,
		     __u64 addr, __u64 count)
{
	struct lpar_status st;
	char sz[32];
	int ret;

	ret = common_fail(ctx, err, "keys", def);
	if (ret >= 0)
		return ret;
	switch (err) {
	case ENXIO:
		if (!get_status(ctx, def->id, &st))
			return cmd_fail(ctx, err, NULL,
					"%s (partition %u) is %s and owns no storage; keys exist while a partition owns storage: 'lparctl act %s' first",
					def->name, def->id,
					state_name(st.state), def->name);
		break;
	case ERANGE:
		if (!get_status(ctx, def->id, &st))
			return cmd_fail(ctx, err, NULL,
					"frames 0x%llx-0x%llx are beyond the storage of %s (%s: guest addresses 0x0-0x%llx)",
					addr, addr + count * FRAME_SIZE - 1,
					def->name,
					fmt_size(st.size, sz, sizeof(sz)),
					st.size - 1);
		break;
	case ENOENT:
		return cmd_fail(ctx, err, NULL,
				"%s (partition %u) is no longer defined",
				def->name, def->id);
	case EINVAL:
		return cmd_fail(ctx, err, NULL,
				"lpar.ko rejected the request (%s): COUNT must be 1..%u and a key's bit 0 (0x01) must be 0",
				strerror(err), LPAR_SKEYS_MAX);
	}
	return cmd_fail(ctx, err, NULL, "keys of %s: %s", def->name,
			strerror(err));
}

static void print_keys(const struct ctx *ctx, const struct lpar_def *def,
		       __u64 addr, __u64 count, const __u8 *keys)
{
	unsigned int nr = 0, nc = 0, nf = 0, w;
	__u64 i, last = addr + (count - 1) * FRAME_SIZE;

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_u64("id", def->id);
		json_str("name", def->name);
		json_hex("start", addr);
		json_u64("count", count);
		json_arr_open("keys");
		for (i = 0; i < count; i++) {
			json_obj_open(NULL);
			json_hex("addr", addr + i * FRAME_SIZE);
			json_hex("key", keys[i]);
			json_u64("acc", keys[i] >> 4);
			json_bool("fetch_protected", keys[i] & LPAR_SKEY_F);
			json_bool("referenced", keys[i] & LPAR_SKEY_R);
			json_bool("changed", keys[i] & LPAR_SKEY_C);
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return;
	}
	/* Guest addresses as wide as the last one, at least 8 digits. */
	for (w = 8; w < 16 && (last >> (4 * w)); w++)
		;
	printf("%-*s  %-4s  %3s  %s  %s  %s\n", w + 2, "GUEST ADDR", "KEY",
	       "ACC", "F", "R", "C");
	for (i = 0; i < count; i++) {
		__u8 k = keys[i];

		printf("0x%0*llx  0x%02x  %3u  %d  %d  %d\n", w,
		       addr + i * FRAME_SIZE, k, k >> 4,
		       !!(k & LPAR_SKEY_F), !!(k & LPAR_SKEY_R),
		       !!(k & LPAR_SKEY_C));
		nf += !!(k & LPAR_SKEY_F);
		nr += !!(k & LPAR_SKEY_R);
		nc += !!(k & LPAR_SKEY_C);
	}
	if (count > 1)
		printf("%llu frames of %s: %u referenced, %u changed, %u fetch-protected\n",
		       count, def->name, nr, nc, nf);
}

int cmd_keys(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_status st;
	struct lpar_skeys k;
	struct lpar_def def;
	enum keys_op op;
	const char *verb;
	__u8 *keys = NULL;
	__u32 count, key = 0;
	__u64 addr;
	char sz[32];
	int c, ret, nargs;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1)
		return bad_option(ctx, c, argv, optind, optopt);
	ret = want_args(ctx, argc, argv, optind, 4, 5);
	if (ret)
		return ret;
	verb = argv[optind + 1];
	if (!strcmp(verb, "get")) {
		op = KEYS_GET;
		nargs = 4;
	} else if (!strcmp(verb, "set")) {
		op = KEYS_SET;
		nargs = 5;
	} else if (!strcmp(verb, "rrbe")) {
		op = KEYS_RRBE;
		nargs = 4;
	} else {
		return usage_error(ctx,
				   "unknown keys operation '%s': give get, set or rrbe",
				   verb);
	}
	ret = want_args(ctx, argc, argv, optind, nargs, nargs);
	if (ret)
		return ret;
	if (parse_size(argv[optind + 2], &addr) || addr % FRAME_SIZE)
		return usage_error(ctx,
				   "bad ADDR '%s': give a guest-physical byte address aligned to 4 KiB, e.g. 0x100000",
				   argv[optind + 2]);
	if (parse_u32(argv[optind + 3], 1, LPAR_SKEYS_MAX, &count))
		return usage_error(ctx, "bad COUNT '%s': give 1..%u frames",
				   argv[optind + 3], LPAR_SKEYS_MAX);
	if (op == KEYS_SET) {
		if (parse_u32(argv[optind + 4], 0, 0xff, &key))
			return usage_error(ctx,
					   "bad KEY '%s': give a key byte 0x00..0xfe (ACC 0xf0, F 0x08, R 0x04, C 0x02)",
					   argv[optind + 4]);
		if (key & 0x01)
			return usage_error(ctx,
					   "bad KEY 0x%02x: bit 0 (0x01) must be 0",
					   key);
	}
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	/* Say it in guest terms before the module says ERANGE. */
	if (!get_status(ctx, def.id, &st) && state_owns_storage(st.state) &&
	    st.size && (addr >= st.size ||
			count > (st.size - addr) / FRAME_SIZE))
		return cmd_fail(ctx, ERANGE, NULL,
				"frames 0x%llx-0x%llx are beyond the storage of %s (%s: guest addresses 0x0-0x%llx)",
				addr, addr + (__u64)count * FRAME_SIZE - 1,
				def.name, fmt_size(st.size, sz, sizeof(sz)),
				st.size - 1);

	memset(&k, 0, sizeof(k));
	k.argsz = sizeof(k);
	k.id = def.id;
	k.start_gfn = addr / FRAME_SIZE;
	k.count = count;
	if (op != KEYS_RRBE) {
		keys = malloc(count);
		if (!keys)
			return cmd_fail(ctx, ENOMEM, NULL, "out of memory");
		memset(keys, key, count);
		k.skeydata_addr = (uintptr_t)keys;
	}
	switch (op) {
	case KEYS_GET:
		ret = ioctl(ctx->fd, LPAR_GET_SKEYS, &k);
		break;
	case KEYS_SET:
		ret = ioctl(ctx->fd, LPAR_SET_SKEYS, &k);
		break;
	default:
		ret = ioctl(ctx->fd, LPAR_RESET_REF, &k);
		break;
	}
	if (ret) {
		ret = keys_fail(ctx, errno, &def, addr, count);
		free(keys);
		return ret;
	}

	if (op == KEYS_GET) {
		print_keys(ctx, &def, addr, count, keys);
	} else if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_str("operation", verb);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_hex("start", addr);
		json_u64("count", count);
		if (op == KEYS_SET)
			json_hex("key", key);
		else
			json_u64("referenced", k.referenced);
		json_obj_close();
		json_end();
	} else if (op == KEYS_SET) {
		printf("%s: key 0x%02x (ACC %u%s%s%s) set on %u frame%s at 0x%llx-0x%llx\n",
		       def.name, key, key >> 4,
		       key & LPAR_SKEY_F ? ", F" : "",
		       key & LPAR_SKEY_R ? ", R" : "",
		       key & LPAR_SKEY_C ? ", C" : "", count,
		       count == 1 ? "" : "s", addr,
		       addr + (__u64)count * FRAME_SIZE - 1);
	} else {
		printf("%s: %llu of %u frame%s at 0x%llx-0x%llx had R set (now reset)\n",
		       def.name, k.referenced, count, count == 1 ? "" : "s",
		       addr, addr + (__u64)count * FRAME_SIZE - 1);
	}
	free(keys);
	return EXIT_OK;
}

/* ---- exchange ----------------------------------------------------- */

static int exchange_fail(const struct ctx *ctx, int err,
			 const struct lpar_def *d)
{
	struct lpar_status st[2];
	struct lpar_pool_info pool;
	char a[32], b[32], c[32];
	bool have;
	int ret;

	ret = common_fail(ctx, err, "exchange", &d[0]);
	if (ret >= 0)
		return ret;
	have = !get_status(ctx, d[0].id, &st[0]) &&
	       !get_status(ctx, d[1].id, &st[1]);
	switch (err) {
	case EINVAL:
		if (!have)
			break;
		if (!state_owns_storage(st[0].state) ||
		    !state_owns_storage(st[1].state) ||
		    st[0].state == LPAR_STATE_ACTIVATING ||
		    st[1].state == LPAR_STATE_ACTIVATING)
			return cmd_fail(ctx, err, NULL,
					"both partitions must own storage (operating, stopped or failed): %s is %s, %s is %s",
					d[0].name, state_name(st[0].state),
					d[1].name, state_name(st[1].state));
		if (st[0].size != st[1].size)
			return cmd_fail(ctx, err, NULL,
					"%s (%s at 0x%llx) and %s (%s at 0x%llx) differ in size and are not adjacent; partitions of different sizes swap places only when one ends where the other begins: use 'lparctl mvstor'",
					d[0].name,
					fmt_size(st[0].size, a, sizeof(a)),
					st[0].origin, d[1].name,
					fmt_size(st[1].size, b, sizeof(b)),
					st[1].origin);
		break;
	case EBUSY:
		return cmd_fail(ctx, err, NULL,
				"another command (mvstor, exchange, resize or config) is in progress on %s or %s; wait until it ends, then retry",
				d[0].name, d[1].name);
	case ENOSPC:
		memset(&pool, 0, sizeof(pool));
		pool.argsz = sizeof(pool);
		if (have && !ioctl(ctx->fd, LPAR_POOL_INFO, &pool)) {
			int lo = st[0].origin < st[1].origin ? 0 : 1;

			return cmd_fail(ctx, err, NULL,
					"exchanging partitions of different sizes goes through a free range as large as the lower one (%s, %s), but the largest free range is %s; free some storage first",
					d[lo].name,
					fmt_size(st[lo].size, a, sizeof(a)),
					fmt_size(pool.largest_free, c,
						 sizeof(c)));
		}
		break;
	case ENOENT:
		return cmd_fail(ctx, err, NULL,
				"%s or %s is no longer defined", d[0].name,
				d[1].name);
	}
	return part_fail(ctx, err, NULL, &d[0],
			 "exchanging %s and %s failed: %s; both stay where they were",
			 d[0].name, d[1].name, strerror(err));
}

int cmd_exchange(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "chunk", required_argument, NULL, OPT_CHUNK },
		{ NULL, 0, NULL, 0 },
	};
	const char *chunk_arg = NULL;
	struct lpar_status st[2];
	struct lpar_exchange x;
	struct lpar_def d[2];
	char label[128];
	int c, ret, err, w;

	memset(&x, 0, sizeof(x));
	x.argsz = sizeof(x);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CHUNK:
			chunk_arg = optarg;
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	if (chunk_arg && !chunk_syntax_ok(chunk_arg))
		return usage_error(ctx, CHUNK_USAGE, chunk_arg);
	ret = resolve_partition(ctx, argv[optind], &d[0]);
	if (ret)
		return ret;
	ret = resolve_partition(ctx, argv[optind + 1], &d[1]);
	if (ret)
		return ret;
	if (d[0].id == d[1].id)
		return usage_error(ctx,
				   "%s and %s are the same partition; give two different ones",
				   argv[optind], argv[optind + 1]);
	if (chunk_arg) {
		ret = parse_chunk(ctx, chunk_arg, &x.chunk);
		if (ret)
			return ret;
	}
	x.id = d[0].id;
	x.id2 = d[1].id;
	snprintf(label, sizeof(label), "exchanging %s and %s", d[0].name,
		 d[1].name);
	err = run_watched(ctx, LPAR_EXCHANGE, &x, d, 2, label);
	if (err)
		return exchange_fail(ctx, err, d);
	if (get_status(ctx, d[0].id, &st[0]))
		st[0].state = LPAR_STATE_UNDEFINED;
	if (get_status(ctx, d[1].id, &st[1]))
		st[1].state = LPAR_STATE_UNDEFINED;

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_arr_open("partitions");
		for (c = 0; c < 2; c++) {
			json_obj_open(NULL);
			json_u64("id", d[c].id);
			json_str("name", d[c].name);
			json_str("state", state_name(st[c].state));
			json_obj_open("result");
			json_move_fields(c ? &x.res2 : &x.res);
			json_obj_close();
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	printf("%s (partition %u) and %s (partition %u) exchanged their storage:\n",
	       d[0].name, d[0].id, d[1].name, d[1].id);
	w = strlen(d[0].name) > strlen(d[1].name) ? strlen(d[0].name) :
	    strlen(d[1].name);
	print_move_line(d[0].name, w, &x.res);
	print_move_line(d[1].name, w, &x.res2);
	return EXIT_OK;
}

/* ---- resize ------------------------------------------------------- */

static int resize_fail(const struct ctx *ctx, int err,
		       const struct lpar_def *def, __u64 size,
		       unsigned int timeout_ms)
{
	char a[32], b[32], c[32];
	struct lpar_status st;
	int ret;

	ret = common_fail(ctx, err, "resize", def);
	if (ret >= 0)
		return ret;
	if (get_status(ctx, def->id, &st))
		return cmd_fail(ctx, err, NULL,
				"%s (partition %u) is no longer defined",
				def->name, def->id);
	switch (err) {
	case EINVAL:
		if (st.state == LPAR_STATE_STOPPED)
			return cmd_fail(ctx, err, NULL,
					"%s is stopped, and its guest must acknowledge a resize: 'lparctl resume %s' first",
					def->name, def->name);
		if (!ctx->ver.increment || size % ctx->ver.increment ||
		    size <= def->load_addr)
			return cmd_fail(ctx, err, NULL,
					"%s is not a valid size for %s: give a multiple of the storage increment %s above the image's load address 0x%llx",
					fmt_size(size, a, sizeof(a)), def->name,
					fmt_size(ctx->ver.increment, b,
						 sizeof(b)), def->load_addr);
		return part_fail(ctx, err, NULL, def,
				 "%s (partition %u) is %s and cannot be resized now; wait until the %s ends",
				 def->name, def->id, state_name(st.state),
				 st.state == LPAR_STATE_ACTIVATING ?
				 "act" : "deact");
	case ERANGE:
		return part_fail(ctx, err, NULL, def,
				 "%s of %s at 0x%llx would leave its pool extent ('lparctl pool' shows the extents); move it first with 'lparctl mvstor'",
				 fmt_size(size, a, sizeof(a)), def->name,
				 st.origin);
	case EBUSY:
		if (strstr(st.reason, "owned by partition"))
			return part_fail(ctx, err, NULL, def,
					 "%s grows into the free range right above its storage (0x%llx-0x%llx), but that is not free; move one of them first ('lparctl mvstor' or 'lparctl exchange')",
					 def->name, st.origin + st.size,
					 st.origin + size - 1);
		return cmd_fail(ctx, err, NULL,
				"another command (mvstor, exchange, resize or config) is in progress on %s; wait until it ends, then retry",
				def->name);
	case ETIMEDOUT:
		return part_fail(ctx, err, NULL, def,
				 "the guest of %s did not acknowledge the new size %s within %u ms, so nothing changed (it stays %s). The guest learns of it with the LPAR_SC_EVENT service call and answers LPAR_SC_ACK; a guest that does not poll cannot be resized while it runs: raise --timeout, or deact it and resize the definition",
				 def->name, fmt_size(size, a, sizeof(a)),
				 timeout_ms, fmt_size(st.size, c, sizeof(c)));
	case EIO:
		return part_fail(ctx, err, NULL, def,
				 "the runner of %s went away during the resize; 'lparctl show %s' tells its state",
				 def->name, def->name);
	}
	return part_fail(ctx, err, NULL, def, "resizing %s to %s failed: %s",
			 def->name, fmt_size(size, a, sizeof(a)),
			 strerror(err));
}

int cmd_resize(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_status st, after;
	struct lpar_resize rs;
	struct lpar_def def;
	char a[32], b[32];
	__u64 old;
	int c, ret;

	memset(&rs, 0, sizeof(rs));
	rs.argsz = sizeof(rs);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TIMEOUT:
			if (parse_u32(optarg, 1, MS_MAX, &rs.timeout_ms))
				return usage_error(ctx,
						   "bad --timeout '%s': give 1..%u ms",
						   optarg, MS_MAX);
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	if (parse_size(argv[optind + 1], &rs.size) || !rs.size)
		return usage_error(ctx,
				   "bad SIZE '%s': give bytes with an optional K/M/G/T suffix, e.g. 48M",
				   argv[optind + 1]);
	ret = resolve_partition(ctx, argv[optind], &def);
	if (ret)
		return ret;
	ret = get_status(ctx, def.id, &st);
	if (ret)
		return sys_fail(ctx, -ret, "reading the status");
	old = part_size(&def, &st);
	rs.id = def.id;
	if (ioctl(ctx->fd, LPAR_RESIZE, &rs))
		return resize_fail(ctx, errno, &def, rs.size,
				   rs.timeout_ms ? rs.timeout_ms : 10000);
	if (get_status(ctx, def.id, &after))
		after = st;

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_u64("id", def.id);
		json_str("name", def.name);
		json_u64("old_size", old);
		json_u64("size", rs.size);
		json_obj_open("status");
		json_status_fields(&after);
		json_obj_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	if (old == rs.size) {
		printf("%s (partition %u) is already %s: nothing changed\n",
		       def.name, def.id, fmt_size(old, a, sizeof(a)));
		return EXIT_OK;
	}
	printf("%s (partition %u) resized: %s -> %s", def.name, def.id,
	       fmt_size(old, a, sizeof(a)), fmt_size(rs.size, b, sizeof(b)));
	if (state_owns_storage(after.state) && after.size)
		printf(", storage 0x%llx-0x%llx\n", after.origin,
		       after.origin + after.size - 1);
	else
		printf(" (its definition: it owns no storage now)\n");
	return EXIT_OK;
}

/* ---- config ------------------------------------------------------- */

struct cfg_line {
	struct lpar_def def;
	struct lpar_status st;
	unsigned int line;
};

/* A partition by number or name without messages: 0 or -errno. */
static int lookup_partition(const struct ctx *ctx, const char *arg,
			    struct lpar_def *def)
{
	unsigned int i;
	__u32 id;

	if (is_number(arg)) {
		if (parse_u32(arg, 0, ctx->ver.max_partitions - 1, &id))
			return -ERANGE;
		return get_def(ctx, id, def) ? -ENOENT : 0;
	}
	for (i = 0; i < ctx->ver.max_partitions; i++)
		if (!get_def(ctx, i, def) && !strcmp(def->name, arg))
			return 0;
	return -ENOENT;
}

static int __printf(4, 5)
file_error(const struct ctx *ctx, const char *file, unsigned int line,
	   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cmd_fail(ctx, EINVAL, "config file", "%s:%u: %s", file, line,
			msg);
}

/*
 * Read a configuration table: "ID|NAME SIZE ORIGIN|- WEIGHT|-" per line,
 * '#' starts a comment.  Returns the number of entries, or -EXIT_* after
 * a message.
 */
static int read_config(const struct ctx *ctx, const char *file,
		       struct lpar_config_entry *e, struct cfg_line *cl)
{
	char buf[CONFIG_LINE_MAX], sz[32], *tok[5], *s, *save;
	unsigned int line = 0, i;
	__u64 inc = ctx->ver.increment;
	int n = 0, nt, ret;
	FILE *f;

	f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	if (!f)
		return -cmd_fail(ctx, errno, "config file", "cannot read %s: %s",
				 file, strerror(errno));
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ret = file_error(ctx, file, line,
					 "line longer than %d characters",
					 CONFIG_LINE_MAX - 2);
			goto err;
		}
		s = strchr(buf, '#');
		if (s)
			*s = '\0';
		nt = 0;
		for (s = strtok_r(buf, " \t\r\n", &save); s && nt < 5;
		     s = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = s;
		if (!nt)
			continue;
		if (nt != 4) {
			ret = file_error(ctx, file, line,
					 "want 4 fields 'ID|NAME SIZE ORIGIN|- WEIGHT|-', found %s",
					 nt > 4 ? "more" : "fewer");
			goto err;
		}
		if (n >= (int)LPAR_CONFIG_MAX_ENTRIES) {
			ret = file_error(ctx, file, line,
					 "more than %u partitions",
					 LPAR_CONFIG_MAX_ENTRIES);
			goto err;
		}
		memset(&e[n], 0, sizeof(e[n]));
		cl[n].line = line;
		ret = lookup_partition(ctx, tok[0], &cl[n].def);
		if (ret) {
			ret = file_error(ctx, file, line,
					 "no partition %s '%s'; 'lparctl list' shows the defined ones",
					 is_number(tok[0]) ? "number" : "named",
					 tok[0]);
			goto err;
		}
		for (i = 0; i < (unsigned int)n; i++)
			if (cl[i].def.id == cl[n].def.id) {
				ret = file_error(ctx, file, line,
						 "%s (partition %u) is already on line %u",
						 cl[n].def.name, cl[n].def.id,
						 cl[i].line);
				goto err;
			}
		if (get_status(ctx, cl[n].def.id, &cl[n].st))
			memset(&cl[n].st, 0, sizeof(cl[n].st));
		e[n].id = cl[n].def.id;
		if (parse_size(tok[1], &e[n].size) || !e[n].size ||
		    (inc && e[n].size % inc)) {
			ret = file_error(ctx, file, line,
					 "bad SIZE '%s': give a multiple of the storage increment %s, e.g. 32M",
					 tok[1], fmt_size(inc, sz, sizeof(sz)));
			goto err;
		}
		if (strcmp(tok[2], "-")) {
			if (parse_size(tok[2], &e[n].origin) ||
			    (inc && e[n].origin % inc)) {
				ret = file_error(ctx, file, line,
						 "bad ORIGIN '%s': give a host physical address aligned to %s, or - to keep it",
						 tok[2],
						 fmt_size(inc, sz, sizeof(sz)));
				goto err;
			}
			e[n].flags = LPAR_DEF_ORIGIN;
		}
		if (strcmp(tok[3], "-") &&
		    parse_u32(tok[3], LPAR_WEIGHT_MIN, LPAR_WEIGHT_MAX,
			      &e[n].weight)) {
			ret = file_error(ctx, file, line,
					 "bad WEIGHT '%s': give %u..%u, or - to keep it",
					 tok[3], LPAR_WEIGHT_MIN,
					 LPAR_WEIGHT_MAX);
			goto err;
		}
		n++;
	}
	if (ferror(f)) {
		ret = cmd_fail(ctx, errno, "config file", "reading %s: %s",
			       file, strerror(errno));
		goto err;
	}
	if (f != stdin)
		fclose(f);
	if (!n)
		return -cmd_fail(ctx, EINVAL, "config file",
				 "%s has no entries; each line is 'ID|NAME SIZE ORIGIN|- WEIGHT|-'",
				 file);
	return n;
err:
	if (f != stdin)
		fclose(f);
	return -ret;
}

/* Where an entry ends up: its origin, or where it is now. */
static __u64 cfg_origin(const struct lpar_config_entry *e,
			const struct cfg_line *cl)
{
	return e->flags & LPAR_DEF_ORIGIN ? e->origin : cl->st.origin;
}

/*
 * The module says only the errno of a configuration that it refused:
 * find the entry that explains it.
 */
static int config_fail(const struct ctx *ctx, int err, const char *file,
		       const struct lpar_config_entry *e, struct cfg_line *cl,
		       int n, char (*reason)[LPAR_REASON_LEN])
{
	struct lpar_pool_info pool;
	struct lpar_extent *ext;
	struct lpar_status ost;
	struct lpar_def other;
	char a[32], b[512];
	unsigned int next, x;
	__u64 o, oo;
	int i, j, ret;

	if (err == EINTR)
		return cmd_fail(ctx, err, NULL,
				"interrupted while waiting for --delay: nothing was applied");
	ret = common_fail(ctx, err, "config", NULL);
	if (ret >= 0)
		return ret;
	for (i = 0; i < n; i++)
		if (get_status(ctx, cl[i].def.id, &cl[i].st))
			return cmd_fail(ctx, err, NULL,
					"%s (partition %u, line %u) is no longer defined",
					cl[i].def.name, cl[i].def.id,
					cl[i].line);
	/* A step failed: the partition whose reason changed says why. */
	for (i = 0; i < n; i++)
		if (cl[i].st.reason[0] && strcmp(cl[i].st.reason, reason[i]))
			return cmd_fail(ctx, err, NULL,
					"applying %s failed at %s (partition %u, line %u): %s; every step done was undone",
					file, cl[i].def.name, cl[i].def.id,
					cl[i].line, cl[i].st.reason);
	switch (err) {
	case EINVAL:
		for (i = 0; i < n; i++)
			if (cl[i].st.state != LPAR_STATE_OPERATING)
				return cmd_fail(ctx, err, NULL,
						"%s (line %u) is %s: a configuration applies to operating partitions; act or resume it, or leave it out",
						cl[i].def.name, cl[i].line,
						state_name(cl[i].st.state));
		for (i = 0; i < n; i++)
			if (e[i].size <= cl[i].def.load_addr)
				return cmd_fail(ctx, err, NULL,
						"%s (line %u): %s does not hold its image at 0x%llx",
						cl[i].def.name, cl[i].line,
						fmt_size(e[i].size, a, sizeof(a)),
						cl[i].def.load_addr);
		break;
	case ERANGE:
		if (read_pool(ctx, &pool, &ext, &next))
			break;
		for (i = 0; i < n; i++) {
			o = cfg_origin(&e[i], &cl[i]);
			for (x = 0; x < next; x++)
				if (o >= ext[x].start &&
				    o + e[i].size <= ext[x].start + ext[x].size)
					break;
			if (x == next) {
				ret = cmd_fail(ctx, err, NULL,
					       "%s (line %u): 0x%llx-0x%llx is not inside one pool extent; the pool is %s",
					       cl[i].def.name, cl[i].line, o,
					       o + e[i].size - 1,
					       fmt_extents(ext, next, b,
							   sizeof(b)));
				free(ext);
				return ret;
			}
		}
		free(ext);
		break;
	case EBUSY:
		for (i = 0; i < n; i++) {
			o = cfg_origin(&e[i], &cl[i]);
			for (j = 0; j < n; j++) {
				oo = cfg_origin(&e[j], &cl[j]);
				if (j != i && oo < o + e[i].size &&
				    o < oo + e[j].size)
					return cmd_fail(ctx, err, NULL,
							"%s (line %u, 0x%llx-0x%llx) and %s (line %u, 0x%llx-0x%llx) would overlap; fix the table",
							cl[i].def.name,
							cl[i].line, o,
							o + e[i].size - 1,
							cl[j].def.name,
							cl[j].line, oo,
							oo + e[j].size - 1);
			}
			if (!overlap_owner(ctx, cl[i].def.id, o, o + e[i].size,
					   &other, &ost))
				continue;
			for (j = 0; j < n; j++)
				if (cl[j].def.id == other.id)
					break;
			if (j < n)
				continue;
			return cmd_fail(ctx, err, NULL,
					"%s (line %u): 0x%llx-0x%llx overlaps partition %u (%s), which is not in the table; add it or choose another origin",
					cl[i].def.name, cl[i].line, o,
					o + e[i].size - 1, other.id,
					other.name);
		}
		return cmd_fail(ctx, err, NULL,
				"another command (mvstor, exchange, resize or config) is in progress on a partition of the table; wait until it ends, then retry");
	case EDEADLK:
		return cmd_fail(ctx, err, NULL,
				"the moves of %s form a cycle (partitions that want each other's places); exchange them first with 'lparctl exchange', or route one through a free range; every step done was undone",
				file);
	case ETIMEDOUT:
		return cmd_fail(ctx, err, NULL,
				"a guest did not acknowledge its storage change in time (--timeout); every step done was undone. Guests must answer LPAR_GEV_STORAGE events");
	}
	return cmd_fail(ctx, err, NULL,
			"applying %s failed: %s; every step done was undone (dmesg names the step)",
			file, strerror(err));
}

static void on_config_signal(int sig)
{
	(void)sig;
}

static void print_config_row(const struct cfg_line *cl,
			     const struct lpar_config_entry *e)
{
	char a[32], b[32], sz[72], o[48], w[32];
	__u32 wnow = cl->def.weight ? cl->def.weight : LPAR_WEIGHT_DEFAULT;

	fmt_size(cl->st.size, a, sizeof(a));
	fmt_size(e->size, b, sizeof(b));
	if (cl->st.size != e->size)
		snprintf(sz, sizeof(sz), "%s -> %s", a, b);
	else
		snprintf(sz, sizeof(sz), "%s", b);
	if ((e->flags & LPAR_DEF_ORIGIN) && e->origin != cl->st.origin)
		snprintf(o, sizeof(o), "0x%llx -> 0x%llx", cl->st.origin,
			 e->origin);
	else
		snprintf(o, sizeof(o), "0x%llx", cl->st.origin);
	if (cl->def.flags & LPAR_DEF_DEDICATED)
		snprintf(w, sizeof(w), "dedicated");
	else if (e->weight && e->weight != wnow)
		snprintf(w, sizeof(w), "%u -> %u", wnow, e->weight);
	else
		snprintf(w, sizeof(w), "%u", wnow);
	printf("  %3u  %-12s  %-12s  %-28s  %s\n", cl->def.id, cl->def.name,
	       sz, o, w);
}

int cmd_config(struct ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	struct lpar_config_entry e[LPAR_CONFIG_MAX_ENTRIES];
	struct cfg_line cl[LPAR_CONFIG_MAX_ENTRIES];
	char reason[LPAR_CONFIG_MAX_ENTRIES][LPAR_REASON_LEN];
	struct sigaction sa = { .sa_handler = on_config_signal };
	struct sigaction old_int, old_term;
	struct lpar_config cfg;
	struct lpar_status st;
	char a[32];
	const char *file;
	__u32 delay = 0;
	int c, i, n, ret, err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.argsz = sizeof(cfg);
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DELAY:
			if (parse_u32(optarg, 0, DELAY_MS_MAX, &delay))
				return usage_error(ctx,
						   "bad --delay '%s': give 0..%u ms",
						   optarg, DELAY_MS_MAX);
			break;
		case OPT_TIMEOUT:
			if (parse_u32(optarg, 1, MS_MAX, &cfg.timeout_ms))
				return usage_error(ctx,
						   "bad --timeout '%s': give 1..%u ms",
						   optarg, MS_MAX);
			break;
		default:
			return bad_option(ctx, c, argv, optind, optopt);
		}
	}
	ret = want_args(ctx, argc, argv, optind, 2, 2);
	if (ret)
		return ret;
	if (strcmp(argv[optind], "apply"))
		return usage_error(ctx,
				   "unknown config operation '%s': this lparctl knows 'apply'",
				   argv[optind]);
	file = argv[optind + 1];
	ret = open_device(ctx);
	if (ret)
		return ret;
	n = read_config(ctx, file, e, cl);
	if (n < 0)
		return -n;
	for (i = 0; i < n; i++)
		memcpy(reason[i], cl[i].st.reason, LPAR_REASON_LEN);

	if (!ctx->json) {
		printf("%s: %d partition%s\n", file, n, n == 1 ? "" : "s");
		printf("  %3s  %-12s  %-12s  %-28s  %s\n", "ID", "NAME", "SIZE",
		       "ORIGIN", "WEIGHT");
		for (i = 0; i < n; i++)
			print_config_row(&cl[i], &e[i]);
		if (delay)
			printf("applying in %u ms (^C cancels) ...\n", delay);
		fflush(stdout);
	}

	cfg.nr = n;
	cfg.entries_ptr = (uintptr_t)e;
	cfg.delay_ms = delay;
	/* ^C during --delay cancels it: the ioctl returns EINTR. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = ioctl(ctx->fd, LPAR_CONFIG_APPLY, &cfg);
	err = errno;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (ret)
		return config_fail(ctx, err, file, e, cl, n, reason);

	if (ctx->json) {
		json_begin(true);
		json_obj_open(NULL);
		json_bool("ok", true);
		json_str("command", ctx->cmd->name);
		json_str("file", file);
		json_u64("steps", cfg.steps);
		json_arr_open("partitions");
		for (i = 0; i < n; i++) {
			struct lpar_def def;

			json_obj_open(NULL);
			json_u64("id", cl[i].def.id);
			json_str("name", cl[i].def.name);
			if (!get_status(ctx, cl[i].def.id, &st)) {
				json_hex("origin", st.origin);
				json_u64("size", st.size);
			}
			if (!get_def(ctx, cl[i].def.id, &def) &&
			    !(def.flags & LPAR_DEF_DEDICATED))
				json_u64("weight", def.weight ? def.weight :
					 LPAR_WEIGHT_DEFAULT);
			json_obj_close();
		}
		json_arr_close();
		json_obj_close();
		json_end();
		return EXIT_OK;
	}
	printf("applied in %llu step%s; now:\n", cfg.steps,
	       cfg.steps == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		struct lpar_def def;

		if (get_status(ctx, cl[i].def.id, &st) ||
		    get_def(ctx, cl[i].def.id, &def))
			continue;
		printf("  %3u  %-12s  %-6s  0x%llx-0x%llx  ", def.id, def.name,
		       fmt_size(st.size, a, sizeof(a)), st.origin,
		       st.origin + st.size - 1);
		if (def.flags & LPAR_DEF_DEDICATED)
			printf("dedicated\n");
		else
			printf("weight %u\n", def.weight ? def.weight :
			       LPAR_WEIGHT_DEFAULT);
	}
	return EXIT_OK;
}
