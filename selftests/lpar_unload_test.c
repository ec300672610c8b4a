// SPDX-License-Identifier: GPL-2.0
/*
 * lpar: the module cannot be unloaded while a partition is active; once
 * every partition is deactivated it unloads cleanly (definitions are
 * dropped, the pool released).  This test leaves the module UNLOADED:
 * run_all.sh loads it again afterwards.
 */
#include <stdint.h>
#include <sys/syscall.h>

#include "lpar_test.h"

static bool module_loaded(void)
{
	return access("/sys/module/lpar", F_OK) == 0;
}

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool iomem_has_lpar(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/iomem", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "lpar"))
			found = true;
	fclose(f);
	return found;
}

FIXTURE(unload) {
	int unused;
};

FIXTURE_SETUP(unload)
{
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F_TIMEOUT(unload, refused_while_active, 400)
{
	struct lpar_status st;
	struct lpar_def d;
	__u64 end;
	int fd, r;
	pid_t runner;
	bool had_iomem;

	ASSERT_TRUE(module_loaded());
	had_iomem = iomem_has_lpar();
	fd = lpar_open();
	ASSERT_LE(0, fd);
	lpar_cleanup_all(fd);
	lpar_def_init(&d, 1, "unloadme", lpar_test_size(), 1, "hello");
	ASSERT_START(fd, &d, LPAR_REPORT_PASS, 1);
	lpar_def_init(&d, 2, "defined", lpar_test_size(), 1, "hello");
	ASSERT_OK(lpar_define(fd, &d));
	ASSERT_OK(lpar_status(fd, 1, &st));
	runner = st.runner_pid;
	close(fd);	/* our fd must not be what holds the module */

	/* Active partition: unload refused, partition untouched. */
	r = delete_module("lpar");
	EXPECT_TRUE(r == -EBUSY || r == -EAGAIN)
		TH_LOG("rmmod with an active partition: %s", errname(r));
	ASSERT_TRUE(module_loaded()) TH_LOG("module unloaded under an active partition");
	fd = lpar_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(lpar_status(fd, 1, &st));
	EXPECT_EQ(LPAR_STATE_OPERATING, st.state);
	EXPECT_EQ(runner, st.runner_pid);
	EXPECT_EQ(0, lpar_wait_heartbeats(fd, 1, st.heartbeats + 1, 60000, &st));

	/* Also refused while it is stopped. */
	ASSERT_OK(lpar_cmd(fd, LPAR_STOP, 1, 0, 0));
	ASSERT_STATE(fd, 1, LPAR_STATE_STOPPED, 30000);
	close(fd);
	r = delete_module("lpar");
	EXPECT_TRUE(r == -EBUSY || r == -EAGAIN)
		TH_LOG("rmmod with a stopped partition: %s", errname(r));
	ASSERT_TRUE(module_loaded());

	/* Deactivated (one still defined): unload works. */
	fd = lpar_open();
	ASSERT_LE(0, fd);
	ASSERT_OK(lpar_deact(fd, 1, 0, 0));
	ASSERT_STATE(fd, 1, LPAR_STATE_DEACTIVATED, T_DEACT_MS);
	close(fd);
	end = now_ms() + lpar_ms(20000);
	do {
		r = delete_module("lpar");
		if (r != -EBUSY && r != -EAGAIN)
			break;
		msleep(200);
	} while (now_ms() < end);
	ASSERT_EQ(0, r) TH_LOG("rmmod after deact: %s", errname(r));
	EXPECT_FALSE(module_loaded());
	EXPECT_FALSE(pid_alive(runner));
	end = now_ms() + 5000;
	while (access(LPAR_DEV, F_OK) == 0 && now_ms() < end)
		msleep(100);
	EXPECT_NE(0, access(LPAR_DEV, F_OK)) TH_LOG("%s still there", LPAR_DEV);
	EXPECT_NE(0, access(LPAR_SYSFS, F_OK)) TH_LOG("%s still there", LPAR_SYSFS);
	if (had_iomem)
		EXPECT_FALSE(iomem_has_lpar()) TH_LOG("pool still claimed in /proc/iomem");
}

