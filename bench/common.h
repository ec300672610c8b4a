/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the lpar benchmark and smoke programs. */
#ifndef LPAR_BENCH_COMMON_H
#define LPAR_BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/lpar.h>

#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

__u64 now_ns(void);
void sleep_us(unsigned int us);
int lpar_open(void);
const char *lpar_state_name(unsigned int state);
int lpar_status(int fd, unsigned int id, struct lpar_status *st);
int lpar_cmd(int fd, unsigned long req, unsigned int id, unsigned int flags,
	     unsigned int timeout_ms);
int lpar_define_flat(int fd, unsigned int id, const char *name,
		     unsigned int vcpus, __u64 size, const char *image,
		     __u64 load_addr);
int lpar_wait_state(int fd, unsigned int id, unsigned int state,
		    unsigned int timeout_ms, struct lpar_status *st);
int lpar_remove(int fd, unsigned int id);
long lpar_console(int fd, unsigned int id, char *buf, unsigned int len);
int cmp_u64(const void *a, const void *b);
__u64 median_u64(__u64 *v, unsigned int n);

#endif /* LPAR_BENCH_COMMON_H */
