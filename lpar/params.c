// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - module parameters that may change while the module is loaded.
 *
 * The files under /sys/module/lpar/parameters/ belong to uid 0, so
 * file permissions let any uid-0 process write them, even one that gave
 * up CAP_SYS_ADMIN (a container's root, a confined service).  Those
 * parameters decide what lpar.ko executes with full privileges at act
 * (runner=) and how long commands wait, or inject faults: changing them
 * is as privileged as the commands on /dev/lpar, so their setters check
 * CAP_SYS_ADMIN.  Parameters fixed at load (boot_pool, host_pool,
 * increment) are mode 0444 instead.  See the privilege model in
 * Documentation/lpar/admin-guide.rst.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "lpar.h"

/**
 * lpar_param_may_set() - may the caller change a parameter now?
 * @kp: the parameter.
 *
 * At load the parameters come from insmod/modprobe, already privileged
 * (CAP_SYS_MODULE) and not necessarily holding CAP_SYS_ADMIN; once the
 * module is live, a write through sysfs needs CAP_SYS_ADMIN.
 *
 * Return: 0 or -EPERM.
 */
int lpar_param_may_set(const struct kernel_param *kp)
{
	if (kp->mod && kp->mod->state != MODULE_STATE_LIVE)
		return 0;
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

static int admin_set_uint(const char *val, const struct kernel_param *kp)
{
	int ret = lpar_param_may_set(kp);

	return ret ? ret : param_set_uint(val, kp);
}

/* An unsigned int that only CAP_SYS_ADMIN changes after load. */
const struct kernel_param_ops lpar_param_ops_uint = {
	.set = admin_set_uint,
	.get = param_get_uint,
};

/*
 * A parameter with its own ops (validation) behind the CAP_SYS_ADMIN
 * check: @kp->arg is a struct lpar_param_wrap naming the ops and their
 * argument (see lpar_module_param_admin_cb()).
 */
static int wrap_set(const char *val, const struct kernel_param *kp)
{
	const struct lpar_param_wrap *w = kp->arg;
	struct kernel_param inner = *kp;
	int ret = lpar_param_may_set(kp);

	if (ret)
		return ret;
	inner.arg = w->arg;
	return w->ops->set(val, &inner);
}

static int wrap_get(char *buf, const struct kernel_param *kp)
{
	const struct lpar_param_wrap *w = kp->arg;
	struct kernel_param inner = *kp;

	inner.arg = w->arg;
	return w->ops->get(buf, &inner);
}

const struct kernel_param_ops lpar_param_ops_wrap = {
	.set = wrap_set,
	.get = wrap_get,
};
