// SPDX-License-Identifier: GPL-2.0
/*
 * lpar_olp_mypatch - template of an lpar on-line patch module.
 *
 * Each replacement has exactly the prototype of the lpar.ko function it
 * replaces (copy it from the source lpar.ko was built from).  It may use
 * kernel exports and lpar's structures (lpar.h), but not lpar.ko's own
 * functions unless exported: copy the helpers it needs.  List it in
 * mypatch_funcs[] under the name mypatch.spec uses.
 */
#include <linux/module.h>

#include "lpar.h"
#include "olp.h"

/* Replaces lpar_sc_info(): the service call answers code level 2. */
static u16 mypatch_sc_info(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	sccb->args[0] = p->def.id;
	sccb->args[1] = p->size;
	sccb->args[2] = p->def.vcpus;
	sccb->args[3] = LPAR_SC_LEVEL + 1;
	return LPAR_SCCB_OK;
}

static const struct lpar_olp_func mypatch_funcs[] = {
	{ .name = "mypatch_sc_info", .addr = mypatch_sc_info },
};

static struct lpar_olp_table mypatch_table = {
	.owner = THIS_MODULE,
	.funcs = mypatch_funcs,
	.nr = ARRAY_SIZE(mypatch_funcs),
};

static int __init mypatch_init(void)
{
	return lpar_olp_register(&mypatch_table);
}

static void __exit mypatch_exit(void)
{
	lpar_olp_unregister(&mypatch_table);
}

module_init(mypatch_init);
module_exit(mypatch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lpar on-line patch: mypatch");
