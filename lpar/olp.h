/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lpar on-line patch (OLP): what a patch module sees of lpar.ko.
 *
 * A patch module carries the replacement functions of a patch file's
 * FUNC entries.  It registers them by name when it loads; lpar.ko looks
 * them up when a patch file naming the module is loaded and applied.
 * See Documentation/lpar/olp.rst.
 */
#ifndef _LPAR_OLP_H
#define _LPAR_OLP_H

#include <linux/list.h>
#include <linux/module.h>

/**
 * struct lpar_olp_func - one replacement function.
 * @name: the name the patch file's entries use for it.
 * @addr: the function; same prototype as the function it replaces.
 */
struct lpar_olp_func {
	const char *name;
	void *addr;
};

/**
 * struct lpar_olp_table - a patch module's replacement functions.
 * @owner: THIS_MODULE; its name is what a patch file's header names.
 * @funcs: the functions.
 * @nr: how many.
 * @node: lpar.ko's list of registered tables (private).
 */
struct lpar_olp_table {
	struct module *owner;
	const struct lpar_olp_func *funcs;
	unsigned int nr;
	struct list_head node;
};

int lpar_olp_register(struct lpar_olp_table *table);
void lpar_olp_unregister(struct lpar_olp_table *table);

#endif /* _LPAR_OLP_H */
