// SPDX-License-Identifier: GPL-2.0
/*
 * lpar-runner: logging to /dev/kmsg (the runner is started by the module
 * with no terminal) and to stderr when that is a terminal; orderly exit.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

#define LOG_LINE_MAX	512

static int kmsg_fd = -1;
static bool log_tty;
static bool log_verbose;
static unsigned int log_id;

void log_init(unsigned int id, bool verbose)
{
	log_id = id;
	log_verbose = verbose;
	log_tty = isatty(STDERR_FILENO);
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

static void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	char line[LOG_LINE_MAX + 64];
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/*
	 * One kernel log line, whatever went into the message (a reason a
	 * device or a guest influenced): no newline, no control character.
	 */
	for (n = 0; msg[n]; n++)
		if ((unsigned char)msg[n] < 0x20 || (unsigned char)msg[n] > 0x7e)
			msg[n] = '?';
	if (kmsg_fd >= 0) {
		n = snprintf(line, sizeof(line), "<%d>lpar-runner[%u]: %s\n",
			     prio, log_id, msg);
		/* On failure there is nothing left to report to. */
		if (n > 0 && write(kmsg_fd, line, strlen(line)) < 0)
			n = 0;
	}
	if (log_tty || kmsg_fd < 0)
		fprintf(stderr, "lpar-runner[%u]: %s\n", log_id, msg);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(3, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(6, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vmsg(7, fmt, ap);
	va_end(ap);
}

/*
 * Leave the process from any thread.  Only the first caller runs exit();
 * another thread racing with it waits to be torn down by exit_group.
 */
void runner_exit(int code)
{
	static pthread_mutex_t exit_lock = PTHREAD_MUTEX_INITIALIZER;

	if (pthread_mutex_trylock(&exit_lock) != 0) {
		for (;;)
			pause();
	}
	exit(code);
}
