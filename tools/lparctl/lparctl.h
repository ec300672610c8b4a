/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lparctl - the operator's command line for lpar.ko.
 *
 * Shared declarations of the command modules.
 */
#ifndef LPARCTL_H
#define LPARCTL_H

/* __u64 is unsigned long long on every architecture: print it with %ll. */
#ifndef __SANE_USERSPACE_TYPES__
#define __SANE_USERSPACE_TYPES__
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/lpar.h>

#define LPAR_DEV_DEFAULT	"/dev/lpar"

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * struct ctx - what every command gets.
 * @prog: argv[0] basename, for messages.
 * @dev_path: control device path.
 * @fd: open control device (-1 until opened).
 * @json: machine output.
 * @ver: LPAR_GET_VERSION answer.
 * @cmd: the command being run.
 */
struct ctx {
	const char *prog;
	const char *dev_path;
	int fd;
	bool json;
	struct lpar_version ver;
	const struct command *cmd;
};

/**
 * struct command - one subcommand.
 * @name: what the operator types.
 * @synopsis: argument summary for usage lines.
 * @summary: one line for "lparctl help".
 * @help: the detailed text for "lparctl help NAME" (may be NULL).
 * @run: the implementation; argv[0] is the command name.  It parses its
 *	options first, then opens the device (open_device() or
 *	resolve_partition()).  Returns an EXIT_* code.
 */
struct command {
	const char *name;
	const char *synopsis;
	const char *summary;
	const char *help;
	int (*run)(struct ctx *ctx, int argc, char **argv);
};

/* lparctl.c: messages, device, partitions. */
__printf(2, 3) void err_msg(const struct ctx *ctx, const char *fmt, ...);
__printf(2, 3) void note_msg(const struct ctx *ctx, const char *fmt, ...);
__printf(2, 3) int usage_error(const struct ctx *ctx, const char *fmt, ...);
void print_command_usage(FILE *f, const struct ctx *ctx,
			 const struct command *cmd);
__printf(4, 5) int cmd_fail(const struct ctx *ctx, int err, const char *what,
			    const char *fmt, ...);
int sys_fail(const struct ctx *ctx, int err, const char *what);
__printf(5, 6) int part_fail(const struct ctx *ctx, int err, const char *what,
			     const struct lpar_def *def, const char *fmt, ...);
int common_fail(const struct ctx *ctx, int err, const char *what,
		const struct lpar_def *def);
int open_device(struct ctx *ctx);
int get_def(const struct ctx *ctx, unsigned int id, struct lpar_def *def);
int get_status(const struct ctx *ctx, unsigned int id, struct lpar_status *st);
int resolve_partition(struct ctx *ctx, const char *arg, struct lpar_def *def);
int bad_option(const struct ctx *ctx, int c, char **argv, int optind_now,
	       int optopt_now);
int want_args(const struct ctx *ctx, int argc, char **argv, int optind_now,
	      int min, int max);
int read_pool(const struct ctx *ctx, struct lpar_pool_info *pool,
	      struct lpar_extent **ext, unsigned int *next);
const char *fmt_extents(const struct lpar_extent *ext, unsigned int next,
			char *buf, size_t len);

/* util.c: parsing and formatting. */
int parse_size(const char *s, __u64 *out);
int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
int parse_cpulist(const char *s, __u64 *mask);
const char *fmt_size(__u64 bytes, char *buf, size_t len);
const char *fmt_cpulist(__u64 mask, char *buf, size_t len);
const char *fmt_ns(__u64 ns, char *buf, size_t len);
const char *fmt_rate(__u64 bytes, __u64 ns, char *buf, size_t len);
const char *state_name(__u32 state);
const char *report_name(__u32 code);
const char *errno_name(int err);
bool state_owns_storage(__u32 state);
bool is_number(const char *s);
void sleep_ms(unsigned int ms);
__u64 now_ms(void);

/* json.c: a small streaming JSON writer. */
void json_begin(bool pretty);
void json_end(void);
void json_obj_open(const char *key);
void json_obj_close(void);
void json_arr_open(const char *key);
void json_arr_close(void);
void json_str(const char *key, const char *val);
void json_strn(const char *key, const char *val, size_t len);
void json_u64(const char *key, __u64 val);
void json_s64(const char *key, long long val);
void json_hex(const char *key, __u64 val);
void json_bool(const char *key, bool val);
void json_null(const char *key);

/* Command implementations. */
int cmd_define(struct ctx *ctx, int argc, char **argv);
int cmd_undefine(struct ctx *ctx, int argc, char **argv);
int cmd_act(struct ctx *ctx, int argc, char **argv);
int cmd_deact(struct ctx *ctx, int argc, char **argv);
int cmd_stop(struct ctx *ctx, int argc, char **argv);
int cmd_resume(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_show(struct ctx *ctx, int argc, char **argv);
int cmd_console(struct ctx *ctx, int argc, char **argv);
int cmd_pool(struct ctx *ctx, int argc, char **argv);
int cmd_version(struct ctx *ctx, int argc, char **argv);
int cmd_mvstor(struct ctx *ctx, int argc, char **argv);
int cmd_keys(struct ctx *ctx, int argc, char **argv);
int cmd_exchange(struct ctx *ctx, int argc, char **argv);
int cmd_resize(struct ctx *ctx, int argc, char **argv);
int cmd_config(struct ctx *ctx, int argc, char **argv);
int cmd_slot(struct ctx *ctx, int argc, char **argv);
int cmd_pci(struct ctx *ctx, int argc, char **argv);
int cmd_olp(struct ctx *ctx, int argc, char **argv);

/* JSON helpers shared by the info and life-cycle commands. */
void json_def_fields(const struct lpar_def *def);
void json_status_fields(const struct lpar_status *st);
void json_move_fields(const struct lpar_move_result *r);
bool move_recorded(const struct lpar_move_result *r);

#endif /* LPARCTL_H */
