// SPDX-License-Identifier: GPL-2.0
/*
 * lpar_cleanup: force-deactivate and undefine every partition (used by
 * run_all.sh between test binaries, after a test that timed out).
 */
#include <stdio.h>
#include <unistd.h>

#include "lpar_util.h"

int main(void)
{
	int fd = lpar_open(), n;

	if (fd < 0) {
		fprintf(stderr, "lpar_cleanup: %s: %s\n", LPAR_DEV, errname(fd));
		return 1;
	}
	n = lpar_cleanup_all(fd);
	if (n)
		printf("# lpar_cleanup: removed %d partition(s)\n", n);
	close(fd);
	return 0;
}
