// SPDX-License-Identifier: GPL-2.0
/*
 * lparctl - parsing and formatting helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lparctl.h"

bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * parse_size - "32M", "1G", "0x40000000", "512k", "2MiB", "4096".
 * Suffixes K, M, G, T (powers of 1024), case-insensitive, optionally
 * followed by "B" or "iB".  Returns 0 or -EINVAL / -ERANGE.
 */
int parse_size(const char *s, __u64 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	case 'B':
		if (end[1])
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (shift) {
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
	}
	*out = v;
	return 0;
}

int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = (__u32)v;
	return 0;
}

/* parse_cpulist - "0-3,6,8-9" into a 64-bit mask (CPUs 0..63). */
int parse_cpulist(const char *s, __u64 *mask)
{
	unsigned long a, b;
	__u64 m = 0;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (!isdigit((unsigned char)*s))
				return -EINVAL;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (a > b)
			return -EINVAL;
		if (b > 63)
			return -ERANGE;
		for (; a <= b; a++)
			m |= 1ULL << a;
		if (!*s)
			break;
		if (*s != ',')
			return -EINVAL;
		s++;
	}
	*mask = m;
	return 0;
}

/* fmt_size - exact sizes with the largest fitting suffix: "32M", "1536K". */
const char *fmt_size(__u64 bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;
	__u64 v = bytes;

	while (v && !(v & 1023) && u < 5) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", v);
	else
		snprintf(buf, len, "%llu%c", v, units[u]);
	return buf;
}

const char *fmt_cpulist(__u64 mask, char *buf, size_t len)
{
	size_t off = 0;
	int i = 0, j;

	buf[0] = '\0';
	while (i < 64) {
		if (!(mask & (1ULL << i))) {
			i++;
			continue;
		}
		j = i;
		while (j + 1 < 64 && (mask & (1ULL << (j + 1))))
			j++;
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%d",
					off ? "," : "", i);
		if (j > i && off < len)
			off += snprintf(buf + off, len - off, "-%d", j);
		i = j + 1;
	}
	if (!off)
		snprintf(buf, len, "-");
	return buf;
}

/* fmt_ns - "12.345 ms", "1.203 s", "830 us"; "-" for 0 (not measured). */
const char *fmt_ns(__u64 ns, char *buf, size_t len)
{
	if (!ns)
		snprintf(buf, len, "-");
	else if (ns < 1000000ULL)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 10000000000ULL)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

/* fmt_rate - throughput of @bytes in @ns: "188.0 MiB/s"; "-" if unknown. */
const char *fmt_rate(__u64 bytes, __u64 ns, char *buf, size_t len)
{
	double mib_s;

	if (!ns || !bytes) {
		snprintf(buf, len, "-");
		return buf;
	}
	mib_s = (double)bytes / (1024.0 * 1024.0) / ((double)ns / 1e9);
	if (mib_s >= 10240.0)
		snprintf(buf, len, "%.1f GiB/s", mib_s / 1024.0);
	else
		snprintf(buf, len, "%.1f MiB/s", mib_s);
	return buf;
}

const char *state_name(__u32 state)
{
	switch (state) {
	case LPAR_STATE_UNDEFINED:
		return "undefined";
	case LPAR_STATE_DEACTIVATED:
		return "deactivated";
	case LPAR_STATE_ACTIVATING:
		return "activating";
	case LPAR_STATE_OPERATING:
		return "operating";
	case LPAR_STATE_STOPPED:
		return "stopped";
	case LPAR_STATE_DEACTIVATING:
		return "deactivating";
	case LPAR_STATE_FAILED:
		return "failed";
	}
	return "unknown";
}

bool state_owns_storage(__u32 state)
{
	return state >= LPAR_STATE_ACTIVATING && state <= LPAR_STATE_FAILED;
}

const char *report_name(__u32 code)
{
	switch (code) {
	case LPAR_REPORT_NONE:
		return "none";
	case LPAR_REPORT_PASS:
		return "pass";
	case LPAR_REPORT_FAIL:
		return "fail";
	case LPAR_REPORT_PROGRESS:
		return "progress";
	}
	return "unknown";
}

const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ERANGE, "ERANGE" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOTTY, "ENOTTY" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EALREADY, "EALREADY" }, { EINPROGRESS, "EINPROGRESS" },
		{ ECANCELED, "ECANCELED" }, { EOVERFLOW, "EOVERFLOW" },
		{ ECHILD, "ECHILD" }, { EPIPE, "EPIPE" },
		{ EDEADLK, "EDEADLK" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

__u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
