// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - on-line patch (OLP) of lpar.ko under stop_machine.
 *
 * A patch file (Documentation/lpar/olp.rst) lists entries: a target in
 * lpar.ko (symbol + offset), its old data, and either a replacement
 * function from a patch module (FUNC) or new bytes (DATA).  LPAR_OLP_LOAD
 * validates and resolves the whole file and keeps it; LPAR_OLP_APPLY and
 * LPAR_OLP_REVERT switch the entries that are not yet in the wanted state:
 *
 *  1. K0 (start) and K1 (in progress) are set: sysfs and LPAR_OLP_STATUS
 *     show them from then until the command ends.
 *  2. Everything that can be prepared is prepared.  At load already,
 *     every target has its site: an ftrace_ops registered on it with the
 *     handler switched off (it redirects only while the site's @on is
 *     set); we never write the text of lpar.ko, and apply and revert do
 *     not make ftrace rewrite it either.  At apply, the replacements are
 *     resolved and the patch module is pinned.
 *  3. Stack check: no sleeping task may be inside a function being
 *     replaced (apply) or inside a replacement being removed (revert).
 *     A task's stack is scanned for any word in the range of those
 *     functions first; only a task with such a word is unwound (ORC).
 *     Retried every OLP_RETRY_MS until the timeout, then the command
 *     is aborted and everything prepared is undone.  Tasks that are on a
 *     CPU cannot be unwound here; they are checked inside the window,
 *     where every task is off its CPU.
 *     A task asleep during the check may wake up and enter a function
 *     before the window.  The ftrace handlers account for that: from
 *     before the check until the window, every handler notes the task
 *     that passes it (entering a target, or a replacement through the
 *     redirect).  After the check the noted tasks and the tasks that
 *     were on a CPU are looked at once more, outside the window: only
 *     those that are on a CPU then, or that pass a handler after that,
 *     are unwound inside it.
 *  4. stop_machine(): one CPU compares every entry's old data (FUNC:
 *     masked) with memory and, only if all match, switches the FUNC
 *     entries on, writes the DATA entries, sets the applied bits and
 *     clears K0/K1; the other CPUs spin with interrupts off.  A mismatch
 *     anywhere applies nothing of the patch and is reported per entry.
 *
 * Revert runs the same steps backwards; after its window the patch module
 * is released once no task can be inside a replacement any more
 * (synchronize_rcu_tasks() for tasks preempted in a trampoline, then the
 * stack check).
 *
 * Sites stay registered after unload, until lpar.ko itself goes: each
 * registration rewrites a call site (breakpoint, then the new bytes) that
 * the partitions' threads may be executing at that moment, so lpar does
 * it once per function and not at every load and unload (livepatch too
 * keeps one ftrace_ops per function for all its patches).  A site whose
 * @on is clear costs a call to its trampoline and two loads.
 *
 * Locking: olp_mutex serializes the commands and the registered tables;
 * olp_lock (a spinlock, innermost) guards the publication of the loaded
 * patch for readers that must not wait for a command that may take
 * seconds (sysfs, LPAR_OLP_STATUS).  K0/K1 are bits of olp_flags.  The
 * applied, mismatch and on fields of an entry change only inside the
 * stop window; readers use READ_ONCE.
 */
#define pr_fmt(fmt) "lpar: olp: " fmt

#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/elf.h>
#include <linux/ftrace.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/unaligned.h>
#include <asm/unwind.h>

#include "lpar.h"
#include "olp.h"

#define OLP_RETRY_MS		10
#define OLP_MAX_TIMEOUT_MS	60000
#define OLP_MAX_RUNNING		64	/* on-CPU tasks checked in the window */
#define OLP_MAX_CALIBRATE	1000
#define OLP_MAX_ENTERED		128	/* tasks noted by the handlers */
#define OLP_MAX_GAP_MS		5000

static unsigned int olp_timeout_ms = 1000;
module_param_cb(olp_timeout_ms, &lpar_param_ops_uint, &olp_timeout_ms, 0644);
MODULE_PARM_DESC(olp_timeout_ms, "How long an OLP apply / revert retries its stack check (ms)");

/*
 * Test knob: a pause between the stack check and the stop window, so that
 * a selftest can enter a function in between (the race the handlers'
 * entry accounting closes).  0 in production.
 */
static unsigned int olp_test_gap_ms;
module_param_cb(olp_test_gap_ms, &lpar_param_ops_uint, &olp_test_gap_ms, 0644);
MODULE_PARM_DESC(olp_test_gap_ms, "Test only: pause between the OLP stack check and the stop window (ms, max 5000)");

static_assert(sizeof(struct lpar_olp_file_hdr) == 144);
static_assert(sizeof(struct lpar_olp_file_entry) == 144);

/**
 * struct olp_site - the ftrace hook on one function of lpar.ko.
 * @ops: registered on @addr from the first load of a patch that targets
 *	it until lpar.ko unloads; its handler redirects only while @on.
 * @node: in olp_sites.
 * @addr: the target (its ftrace location).
 * @new_addr: where the handler redirects; set in the stop window.
 * @on: the handler redirects; only changed in the stop window.
 * @used: a FUNC entry of the loaded patch uses the site.
 */
struct olp_site {
	struct ftrace_ops ops;
	struct list_head node;
	unsigned long addr;
	unsigned long new_addr;
	bool on;
	bool used;
};

/**
 * struct olp_entry - one entry of the loaded patch.
 * @site: FUNC: the ftrace hook on the target.
 * @kind: LPAR_OLP_FUNC or LPAR_OLP_DATA.
 * @offset: offset into @target.
 * @length: bytes of @old (and @aux).
 * @target: lpar.ko symbol.
 * @new_sym: FUNC: the replacement's name in the patch module.
 * @addr: the target's address plus @offset.
 * @size: FUNC: the target function's size, for the stack check.
 * @new_addr: FUNC: the replacement, resolved when applying.
 * @new_size: FUNC: its size.
 * @old: the old data.
 * @aux: FUNC: the file's mask (non-zero: ignore); DATA: the new data.
 * @cmp: 0xff for each byte compared, 0 for each ignored; like @old and
 *	@aux padded with zeros to whole words, so that the window compares
 *	a word at a time.
 * @applied: the entry is applied; only changed in the stop window.
 * @mismatch: the last apply / revert found the data different.
 * @draining: reverted, its replacement may still run on some stack.
 */
struct olp_entry {
	struct olp_site *site;
	u32 kind;
	u32 offset;
	u32 length;
	char target[LPAR_OLP_SYM_LEN];
	char new_sym[LPAR_OLP_SYM_LEN];
	unsigned long addr;
	unsigned long size;
	unsigned long new_addr;
	unsigned long new_size;
	u8 *old;
	u8 *aux;
	u8 *cmp;
	bool applied;
	bool mismatch;
	bool draining;
};

/**
 * struct olp_patch - the loaded patch.
 * @name: from the file's header.
 * @module: name of the patch module; empty if there are no FUNC entries.
 * @nr: entries.
 * @nr_func: FUNC entries.
 * @e: the entries.
 * @held: the patch module, pinned while any FUNC entry is applied or
 *	draining.
 * @entries_kobj: /sys/kernel/lpar/olp/entries.
 * @entry_kobj: entries/N.
 */
struct olp_patch {
	char name[LPAR_OLP_SYM_LEN];
	char module[LPAR_OLP_SYM_LEN];
	unsigned int nr;
	unsigned int nr_func;
	struct olp_entry *e;
	struct module *held;
	struct kobject *entries_kobj;
	struct kobject **entry_kobj;
};

/* What the stack check looks for. */
enum olp_check {
	OLP_CHECK_OLD,		/* targets of FUNC entries not applied */
	OLP_CHECK_NEW,		/* replacements of applied FUNC entries */
	OLP_CHECK_DRAIN,	/* replacements of entries just reverted */
};

/**
 * struct olp_window - what the stop window works on.
 * @p: the patch.
 * @revert: apply or revert.
 * @check: the stack check's mode for the on-CPU tasks.
 * @check_only: the window only checks the on-CPU tasks (drain).
 * @dry: the window does nothing at all (LPAR_OLP_CAL_PREPARED).
 * @lo: lowest address the stack check looks for.
 * @hi: highest.
 * @nr_run: tasks that were on a CPU during the stack check.
 * @run: those tasks (references held).
 * @mismatches: entries found different (out).
 * @switch_ns: time the window's CPU spent checking and switching (out).
 * @warm: what olp_warm() found (only so that its reads are not dropped).
 * @busy: a task found inside a function being switched (out).
 * @busy_addr: where (out).
 * @self: the task running the command (never inside, and not checked).
 * @watched: the handlers' entry accounting runs for this window.
 */
struct olp_window {
	struct olp_patch *p;
	bool revert;
	enum olp_check check;
	bool check_only;
	bool dry;
	unsigned long lo;
	unsigned long hi;
	unsigned int nr_run;
	struct task_struct *run[OLP_MAX_RUNNING];
	unsigned int mismatches;
	u64 switch_ns;
	unsigned int warm;
	struct task_struct *busy;
	unsigned long busy_addr;
	struct task_struct *self;
	bool watched;
};

static DEFINE_MUTEX(olp_mutex);
static DEFINE_SPINLOCK(olp_lock);
static LIST_HEAD(olp_tables);		/* olp_mutex */
static LIST_HEAD(olp_sites);		/* olp_mutex */
static struct olp_patch *olp_cur;	/* written under both locks */
static unsigned long olp_flags;		/* OLP_K0_BIT, OLP_K1_BIT */
static u64 olp_last_window_ns;		/* olp_lock */
static int olp_last_result;		/* olp_lock */
static struct kobject *olp_kobj;

/*
 * Entry accounting (see the top of the file).  olp_watch is set, with a
 * full barrier, before the stack check and cleared inside the window; the
 * handlers run with preemption disabled, so none is half-way through
 * olp_note() while the window runs.  Slots [olp_checked, olp_nr_entered)
 * are the tasks noted since the last re-check; each holds a task
 * reference, dropped by olp_watch_stop().  olp_noting counts the
 * handlers inside olp_note(), so that stopping outside the window can wait
 * for them.  olp_mutex serializes the commands that start and stop
 * watching.
 */
static bool olp_watch;
static atomic_t olp_noting;
static atomic_t olp_nr_entered;
static unsigned int olp_checked;
static struct task_struct *olp_entered[OLP_MAX_ENTERED];

#define OLP_K0_BIT	0
#define OLP_K1_BIT	1

/* ------------------------------------------------------------------ */
/* Symbols and layout of lpar.ko and of the patch module              */

/*
 * Look @name up in @mod's own symbol table (kallsyms_lookup_name() is not
 * exported).  Returns the number of matches; the first one's address and
 * size in *@addr and *@size.
 */
static unsigned int olp_mod_lookup(struct module *mod, const char *name,
				   unsigned long *addr, unsigned long *size)
{
	struct mod_kallsyms *ks;
	unsigned int i, n = 0;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 1; i < ks->num_symtab; i++) {
		const typeof(*ks->symtab) *sym = &ks->symtab[i];

		if (sym->st_shndx == SHN_UNDEF ||
		    strcmp(ks->strtab + sym->st_name, name))
			continue;
		if (!n++) {
			*addr = sym->st_value;
			*size = sym->st_size;
		}
	}
	preempt_enable();
	return n;
}

/* The size of the function of @mod's symbol table that starts at @addr. */
static unsigned long olp_mod_func_size(struct module *mod, unsigned long addr)
{
	struct mod_kallsyms *ks;
	unsigned long size = 0;
	unsigned int i;

	preempt_disable();
	ks = rcu_dereference_sched(mod->kallsyms);
	for (i = 1; i < ks->num_symtab; i++) {
		const typeof(*ks->symtab) *sym = &ks->symtab[i];

		if (sym->st_shndx != SHN_UNDEF && sym->st_value == addr &&
		    ELF_ST_TYPE(sym->st_info) == STT_FUNC) {
			size = sym->st_size;
			break;
		}
	}
	preempt_enable();
	return size;
}

static bool olp_in(unsigned long a, unsigned long len, unsigned long start,
		   unsigned long end)
{
	return a >= start && len <= end - start && a - start <= end - start - len;
}

static bool olp_mod_text(struct module *mod, unsigned long a, unsigned long len)
{
	unsigned long base = (unsigned long)mod->core_layout.base;

	return olp_in(a, len, base, base + mod->core_layout.text_size);
}

/* Writable data: after text, rodata and ro_after_init. */
static bool olp_mod_data(struct module *mod, unsigned long a, unsigned long len)
{
	unsigned long base = (unsigned long)mod->core_layout.base;

	return olp_in(a, len, base + mod->core_layout.ro_after_init_size,
		      base + mod->core_layout.size);
}

/* ------------------------------------------------------------------ */
/* Registered patch modules                                            */

/**
 * lpar_olp_register() - offer a patch module's replacement functions.
 * @table: the functions; @table->owner must be THIS_MODULE of the caller.
 *
 * Called from the patch module's init.  A patch file whose header names
 * the module can then be loaded; its FUNC entries name the functions of
 * @table.  The table must stay valid until lpar_olp_unregister().
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL (no owner, no functions, a function outside the
 * module's text), -EEXIST (the module registered a table already).
 */
int lpar_olp_register(struct lpar_olp_table *table)
{
	struct lpar_olp_table *t;
	unsigned int i;
	int ret = 0;

	if (!table || !table->owner || !table->funcs || !table->nr)
		return -EINVAL;
	for (i = 0; i < table->nr; i++) {
		if (!table->funcs[i].name ||
		    !olp_mod_text(table->owner,
				  (unsigned long)table->funcs[i].addr, 1)) {
			pr_err("register: %s: function %u is not in the module's text\n",
			       table->owner->name, i);
			return -EINVAL;
		}
	}
	mutex_lock(&olp_mutex);
	list_for_each_entry(t, &olp_tables, node) {
		if (t->owner == table->owner) {
			ret = -EEXIST;
			goto out;
		}
	}
	list_add_tail(&table->node, &olp_tables);
	pr_info("patch module %s registered %u function(s)\n",
		table->owner->name, table->nr);
out:
	mutex_unlock(&olp_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(lpar_olp_register);

/**
 * lpar_olp_unregister() - withdraw a patch module's functions.
 * @table: as registered.
 *
 * Called from the patch module's exit.  lpar.ko pins a patch module while
 * any of its functions is applied, so this never finds one in use.
 *
 * Context: process context, may sleep.
 */
void lpar_olp_unregister(struct lpar_olp_table *table)
{
	mutex_lock(&olp_mutex);
	list_del(&table->node);
	mutex_unlock(&olp_mutex);
}
EXPORT_SYMBOL_GPL(lpar_olp_unregister);

static struct lpar_olp_table *olp_find_table(const char *module)
{
	struct lpar_olp_table *t;

	lockdep_assert_held(&olp_mutex);
	list_for_each_entry(t, &olp_tables, node)
		if (!strcmp(t->owner->name, module))
			return t;
	return NULL;
}

static const struct lpar_olp_func *olp_find_func(struct lpar_olp_table *t,
						 const char *name)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->funcs[i].name, name))
			return &t->funcs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The redirection                                                      */

/*
 * A task passes a handler while a command watches: note it, once per
 * re-check.  Interrupt handlers are not noted: none can still be inside a
 * function when its CPU runs the stopper.  A full table is noted too (the
 * slot number past the end), and makes the window refuse.
 */
static void notrace olp_note(void)
{
	unsigned int i, n, from;

	if (!in_task())
		return;
	/* Not preempted half-way: the window never sees a slot being filled. */
	preempt_disable_notrace();
	atomic_inc(&olp_noting);
	smp_mb__after_atomic();		/* pairs with olp_watch_stop() */
	if (!READ_ONCE(olp_watch))
		goto out;
	from = READ_ONCE(olp_checked);
	n = min_t(unsigned int, atomic_read(&olp_nr_entered), OLP_MAX_ENTERED);
	for (i = from; i < n; i++)
		if (READ_ONCE(olp_entered[i]) == current)
			goto out;
	i = atomic_inc_return(&olp_nr_entered) - 1;
	if (i < OLP_MAX_ENTERED) {
		get_task_struct(current);
		WRITE_ONCE(olp_entered[i], current);
	}
out:
	atomic_dec(&olp_noting);
	preempt_enable_notrace();
}

static void notrace olp_ftrace_handler(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *ops,
				       struct ftrace_regs *fregs)
{
	struct olp_site *site = container_of(ops, struct olp_site, ops);

	/* Switched on and off only while every other CPU is stopped. */
	if (READ_ONCE(site->on))
		ftrace_instruction_pointer_set(fregs, READ_ONCE(site->new_addr));
	if (unlikely(READ_ONCE(olp_watch)))
		olp_note();
}

/* ------------------------------------------------------------------ */
/* Stack check                                                          */

/* The function of @e the check looks for: false if none. */
static bool olp_range(const struct olp_entry *e, enum olp_check check,
		      unsigned long *start, unsigned long *size)
{
	if (e->kind != LPAR_OLP_FUNC)
		return false;
	switch (check) {
	case OLP_CHECK_OLD:
		if (e->applied)
			return false;
		*start = e->addr;
		*size = e->size;
		return true;
	case OLP_CHECK_NEW:
		if (!e->applied)
			return false;
		break;
	default:
		if (!e->draining)
			return false;
		break;
	}
	*start = e->new_addr;
	*size = e->new_size;
	return true;
}

static bool olp_hit(struct olp_patch *p, enum olp_check check,
		    unsigned long a)
{
	unsigned long start, size;
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		/* A return address may point just past a final call. */
		if (olp_range(&p->e[i], check, &start, &size) &&
		    a >= start && a <= start + size)
			return true;
	}
	return false;
}

/* [*lo, *hi]: every address the check looks for. */
static void olp_bounds(struct olp_patch *p, enum olp_check check,
		       unsigned long *lo, unsigned long *hi)
{
	unsigned long start, size;
	unsigned int i;

	*lo = ULONG_MAX;
	*hi = 0;
	for (i = 0; i < p->nr; i++) {
		if (!olp_range(&p->e[i], check, &start, &size))
			continue;
		*lo = min(*lo, start);
		*hi = max(*hi, start + size);
	}
}

/*
 * Quick test of a task that is not running: does any word of its stack
 * hold a value in [@lo, @hi]?  If none does, no frame can be in one of the
 * functions; if one does (maybe a stale value), the task is unwound.
 */
static bool olp_stack_may_hit(struct task_struct *t, unsigned long lo,
			      unsigned long hi)
{
	unsigned long *bottom = task_stack_page(t);
	unsigned long *top = bottom + THREAD_SIZE / sizeof(long);
	unsigned long *sp = (unsigned long *)READ_ONCE(t->thread.sp);
	unsigned long v;

	if (sp < bottom || sp >= top)
		return true;
	for (; sp < top; sp++) {
		v = READ_ONCE_NOCHECK(*sp);
		if (v >= lo && v <= hi)
			return true;
	}
	return false;
}

/*
 * Is the task, which is not on a CPU, inside one of the functions?  The
 * ORC unwinder stays on the task's stack; a task that wakes up meanwhile
 * gives a wrong answer at worst, which the window's check or the next
 * round catches.
 */
static bool olp_task_busy(struct olp_window *w, struct task_struct *t,
			  unsigned long *where)
{
	struct olp_patch *p = w->p;
	enum olp_check check = w->check;
	struct unwind_state state;
	unsigned long a;

	if (t->exit_state || !task_stack_page(t))
		return false;
	if (!olp_stack_may_hit(t, w->lo, w->hi))
		return false;
	for (unwind_start(&state, t, NULL, NULL); !unwind_done(&state);
	     unwind_next_frame(&state)) {
		a = unwind_get_return_address(&state);
		if (!a)
			break;
		if (olp_hit(p, check, a)) {
			*where = a;
			return true;
		}
	}
	return false;
}

static void olp_put_running(struct olp_window *w)
{
	while (w->nr_run)
		put_task_struct(w->run[--w->nr_run]);
}

static void olp_window_free(struct olp_window *w)
{
	olp_put_running(w);
	if (w->busy)
		put_task_struct(w->busy);
	kfree(w);
}

/*
 * @t is inside at @where: report it.  In the window @w->busy is always
 * clear (a round that found one does not stop the machine), so nothing is
 * put there.
 */
static int olp_set_busy(struct olp_window *w, struct task_struct *t,
			unsigned long where)
{
	if (w->busy)
		put_task_struct(w->busy);
	get_task_struct(t);
	w->busy = t;
	w->busy_addr = where;
	return -EBUSY;
}

/*
 * Look at @t outside the window: unwound if it is off its CPU, else
 * remembered for the window.  Returns 0 or -EBUSY.
 */
static int olp_examine(struct olp_window *w, struct task_struct *t)
{
	unsigned long where;

	if (READ_ONCE(t->on_cpu)) {
		if (w->nr_run == OLP_MAX_RUNNING)
			return -EBUSY;
		get_task_struct(t);
		w->run[w->nr_run++] = t;
		return 0;
	}
	if (olp_task_busy(w, t, &where))
		return olp_set_busy(w, t, where);
	return 0;
}

/*
 * Check every sleeping task; remember the ones on a CPU for the window.
 * Returns 0 or -EBUSY (a task is inside; reported in @w).
 */
static int olp_stack_check(struct olp_window *w)
{
	struct task_struct *g, *t;
	int ret = 0;

	olp_put_running(w);
	olp_bounds(w->p, w->check, &w->lo, &w->hi);
	rcu_read_lock();
	/* Two loops in one: a break would only end the inner one. */
	for_each_process_thread(g, t) {
		if (t == current)
			continue;
		ret = olp_examine(w, t);
		if (ret)
			goto out;
	}
out:
	rcu_read_unlock();
	return ret;
}

/* Start the entry accounting; before the stack check. */
static void olp_watch_start(struct olp_window *w)
{
	lockdep_assert_held(&olp_mutex);
	atomic_set(&olp_nr_entered, 0);
	WRITE_ONCE(olp_checked, 0);
	WRITE_ONCE(olp_watch, true);
	/*
	 * A task the check finds asleep must be scheduled to enter a
	 * function, and scheduling orders its handler's read of olp_watch
	 * after this barrier.
	 */
	smp_mb();
	w->watched = true;
}

/* Stop it (the window may have already) and drop the noted tasks. */
static void olp_watch_stop(struct olp_window *w)
{
	unsigned int i, n;

	if (!w->watched)
		return;
	WRITE_ONCE(olp_watch, false);
	smp_mb();			/* pairs with olp_note() */
	/* Preemption is off in there: a few instructions at most. */
	while (atomic_read(&olp_noting))
		cpu_relax();
	n = min_t(unsigned int, atomic_read(&olp_nr_entered), OLP_MAX_ENTERED);
	for (i = 0; i < n; i++) {
		if (olp_entered[i])
			put_task_struct(olp_entered[i]);
		olp_entered[i] = NULL;
	}
	atomic_set(&olp_nr_entered, 0);
	WRITE_ONCE(olp_checked, 0);
	w->watched = false;
}

static bool olp_is_running(struct olp_window *w, struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < w->nr_run; i++)
		if (w->run[i] == t)
			return true;
	return false;
}

/*
 * The second look, outside the window: the tasks that were on a CPU
 * during the stack check and the tasks noted since it began are unwound
 * now, unless they are on a CPU (then the window does).  Tasks that pass
 * a handler from now on are noted after olp_checked and unwound inside
 * the window.  Returns 0 or -EBUSY.
 */
static int olp_recheck(struct olp_window *w)
{
	unsigned int i, n, spins, nr_run;
	unsigned long where;
	struct task_struct *t;
	int ret = 0;

	lockdep_assert_held(&olp_mutex);
	n = atomic_read(&olp_nr_entered);
	if (n > OLP_MAX_ENTERED)
		return -EBUSY;
	WRITE_ONCE(olp_checked, n);
	smp_mb();		/* a task noted before is unwound after */
	nr_run = w->nr_run;
	rcu_read_lock();
	/*
	 * The tasks that were on a CPU during the check and are not now are
	 * unwound here rather than in the window; one that enters a function
	 * after this is noted after olp_checked.
	 */
	for (i = 0; i < w->nr_run && !ret; ) {
		t = w->run[i];
		if (READ_ONCE(t->on_cpu)) {
			i++;
			continue;
		}
		if (olp_task_busy(w, t, &where)) {
			ret = olp_set_busy(w, t, where);
			break;
		}
		/*
		 * Not inside: the window need not look at it again.  Kept past
		 * nr_run and put after the RCU section.
		 */
		w->run[i] = w->run[--w->nr_run];
		w->run[w->nr_run] = t;
	}
	rcu_read_unlock();
	for (i = w->nr_run; i < nr_run; i++)
		put_task_struct(w->run[i]);
	rcu_read_lock();
	for (i = 0; i < n && !ret; i++) {
		/* A slot being filled: its handler runs with preemption off. */
		for (spins = 0; !(t = READ_ONCE(olp_entered[i])); spins++) {
			if (spins > 100000) {
				ret = -EBUSY;
				break;
			}
			cpu_relax();
		}
		if (t && t != w->self && !olp_is_running(w, t))
			ret = olp_examine(w, t);
	}
	rcu_read_unlock();
	return ret;
}

/*
 * In the window: the tasks noted since olp_recheck().  No handler is
 * inside olp_note() now (preemption is off there), so every slot is
 * filled.
 */
static int olp_window_noted(struct olp_window *w)
{
	unsigned int i, n = atomic_read(&olp_nr_entered);
	unsigned long where;
	struct task_struct *t;

	WRITE_ONCE(olp_watch, false);
	if (n > OLP_MAX_ENTERED)
		return -EBUSY;
	for (i = READ_ONCE(olp_checked); i < n; i++) {
		t = olp_entered[i];
		if (!t)
			return -EBUSY;
		if (t == w->self || olp_is_running(w, t))
			continue;
		if (olp_task_busy(w, t, &where))
			return olp_set_busy(w, t, where);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The stop window                                                      */

/* Does memory hold @want (a copy padded like @e->cmp) where compared? */
static bool olp_same(const struct olp_entry *e, const u8 *want)
{
	const u8 *mem = (const u8 *)e->addr;
	u32 i, words = e->length & ~7U;

	for (i = 0; i < words; i += 8)
		if ((get_unaligned((const u64 *)(mem + i)) ^
		     get_unaligned((const u64 *)(want + i))) &
		    get_unaligned((const u64 *)(e->cmp + i)))
			return false;
	/* The tail byte by byte: never read past the target. */
	for (; i < e->length; i++)
		if ((mem[i] ^ want[i]) & e->cmp[i])
			return false;
	return true;
}

static bool olp_pending(const struct olp_entry *e, bool revert)
{
	return revert ? e->applied : !e->applied;
}

/* Runs on one CPU with every other CPU spinning, interrupts off. */
static int olp_window_fn(void *data)
{
	struct olp_window *w = data;
	struct olp_patch *p = w->p;
	unsigned long where;
	unsigned int i;
	u64 t0;

	if (w->dry)
		return 0;
	t0 = ktime_get_ns();

	/*
	 * The tasks the stack check could not unwind are stopped now.  One
	 * that exited since has its exit_state set, and its stack, freed
	 * only after a grace period, cannot go while every CPU is here.
	 */
	for (i = 0; i < w->nr_run; i++) {
		if (olp_task_busy(w, w->run[i], &where))
			return olp_set_busy(w, w->run[i], where);
	}
	if (w->watched && olp_window_noted(w))
		return -EBUSY;
	if (w->check_only)
		return 0;

	w->mismatches = 0;
	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];
		bool same;

		if (!olp_pending(e, w->revert))
			continue;
		if (e->kind == LPAR_OLP_DATA && w->revert)
			same = olp_same(e, e->aux);
		else
			same = olp_same(e, e->old);
		WRITE_ONCE(e->mismatch, !same);
		w->mismatches += !same;
	}
	if (w->mismatches)
		return -EILSEQ;

	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];

		if (!olp_pending(e, w->revert))
			continue;
		if (e->kind == LPAR_OLP_FUNC) {
			WRITE_ONCE(e->site->new_addr, e->new_addr);
			WRITE_ONCE(e->site->on, !w->revert);
		} else {
			memcpy((void *)e->addr, w->revert ? e->old : e->aux,
			       e->length);
		}
		WRITE_ONCE(e->applied, !w->revert);
		e->draining = w->revert && e->kind == LPAR_OLP_FUNC;
	}
	clear_bit(OLP_K1_BIT, &olp_flags);
	clear_bit(OLP_K0_BIT, &olp_flags);
	w->switch_ns = ktime_get_ns() - t0;
	return 0;
}

static int olp_nop_fn(void *data)
{
	return 0;
}

/* ------------------------------------------------------------------ */
/* Apply and revert                                                     */

static void olp_set_result(int ret, u64 window_ns)
{
	spin_lock(&olp_lock);
	olp_last_result = ret;
	if (window_ns)
		olp_last_window_ns = window_ns;
	spin_unlock(&olp_lock);
}

static void olp_report_busy(struct olp_patch *p, struct olp_window *w,
			    const char *what, int ret)
{
	if (!w->busy)
		return;
	pr_err("%s %s: task %s (pid %d) is inside %pS%s\n", what, p->name,
	       w->busy->comm, task_pid_nr(w->busy), (void *)w->busy_addr,
	       ret == -ETIMEDOUT ? ": timed out, nothing changed" : "");
	put_task_struct(w->busy);
	w->busy = NULL;
}

/*
 * Stack check with retries, then the window.  Returns 0, -ETIMEDOUT,
 * -EILSEQ (mismatch), -EINTR; *@window_ns gets the stop window.
 */
/*
 * Read what the window will read, on the CPU that will do the window's
 * work, so that the window does not wait for cache and TLB misses.
 */
static unsigned int olp_warm(struct olp_window *w)
{
	struct olp_patch *p = w->p;
	unsigned int i, same = 0;

	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];

		if (!olp_pending(e, w->revert))
			continue;
		if (e->kind == LPAR_OLP_DATA && w->revert)
			same += olp_same(e, e->aux);
		else
			same += olp_same(e, e->old);
	}
	/*
	 * A task we hold may have exited since the check: its stack is freed
	 * after an RCU grace period, so it is read only under RCU and only
	 * while the task has not exited.
	 */
	rcu_read_lock();
	for (i = 0; i < w->nr_run; i++)
		if (!READ_ONCE(w->run[i]->exit_state) &&
		    task_stack_page(w->run[i]))
			same += olp_stack_may_hit(w->run[i], w->lo, w->hi);
	rcu_read_unlock();
	return same;
}

static int olp_stop(struct olp_window *w, u64 *window_ns)
{
	unsigned int cpu;
	u64 t0;
	int ret;

	/* The window's work runs on this CPU: warm it here. */
	cpu = get_cpu();
	WRITE_ONCE(w->warm, olp_warm(w));
	put_cpu();
	t0 = ktime_get_ns();
	ret = stop_machine(olp_window_fn, w, cpumask_of(cpu));
	*window_ns = ktime_get_ns() - t0;
	return ret;
}

static int olp_switch(struct olp_window *w, unsigned int timeout_ms,
		      u64 *window_ns)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	const char *what = w->revert ? "revert" : "apply";
	int ret;

	lockdep_assert_held(&olp_mutex);
	w->self = current;
	for (;;) {
		/* Only the last round's busy task is reported. */
		if (w->busy) {
			put_task_struct(w->busy);
			w->busy = NULL;
		}
		olp_watch_start(w);
		ret = olp_stack_check(w);
		if (!ret)
			ret = olp_recheck(w);
		if (!ret && READ_ONCE(olp_test_gap_ms))
			msleep(min(READ_ONCE(olp_test_gap_ms), OLP_MAX_GAP_MS));
		if (!ret)
			ret = olp_stop(w, window_ns);
		olp_watch_stop(w);
		olp_put_running(w);
		if (ret != -EBUSY)
			return ret;
		if (time_after(jiffies, deadline)) {
			olp_report_busy(w->p, w, what, -ETIMEDOUT);
			return -ETIMEDOUT;
		}
		if (fatal_signal_pending(current)) {
			olp_report_busy(w->p, w, what, -EINTR);
			return -EINTR;
		}
		msleep(OLP_RETRY_MS);
	}
}

static unsigned int olp_count_applied(struct olp_patch *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->nr; i++)
		n += READ_ONCE(p->e[i].applied);
	return n;
}

static void olp_report_mismatches(struct olp_patch *p, const char *what)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];

		if (e->mismatch)
			pr_err("%s %s: entry %u (%s+%#x, %u bytes): %s data does not match\n",
			       what, p->name, i, e->target, e->offset,
			       e->length,
			       !strcmp(what, "revert") &&
			       e->kind == LPAR_OLP_DATA ? "new" : "old");
	}
}

/* Resolve the FUNC entries to apply against the registered table. */
static int olp_resolve_new(struct olp_patch *p)
{
	struct lpar_olp_table *t;
	unsigned int i;

	lockdep_assert_held(&olp_mutex);
	t = olp_find_table(p->module);
	if (!t) {
		pr_err("apply %s: patch module %s is not loaded\n", p->name,
		       p->module);
		return -ENXIO;
	}
	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];
		const struct lpar_olp_func *f;

		if (e->kind != LPAR_OLP_FUNC || e->applied)
			continue;
		f = olp_find_func(t, e->new_sym);
		if (!f) {
			pr_err("apply %s: entry %u: %s has no function %s\n",
			       p->name, i, p->module, e->new_sym);
			return -ENOENT;
		}
		e->new_addr = (unsigned long)f->addr;
		e->new_size = olp_mod_func_size(t->owner, e->new_addr);
		if (!e->new_size)
			e->new_size = 1;
	}
	if (!p->held) {
		if (!try_module_get(t->owner)) {
			pr_err("apply %s: patch module %s is going away\n",
			       p->name, p->module);
			return -ENXIO;
		}
		p->held = t->owner;
	}
	return 0;
}

static bool olp_any_applied_func(struct olp_patch *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		if (p->e[i].kind == LPAR_OLP_FUNC && p->e[i].applied)
			return true;
	return false;
}

/* Some replacement is applied, or may still run on some stack. */
static bool olp_needs_module(struct olp_patch *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		if (p->e[i].draining)
			return true;
	return olp_any_applied_func(p);
}

/*
 * Release the patch module once no task runs a reverted replacement.
 * A task still inside one keeps it pinned; the next revert or the
 * unload tries again.
 */
static void olp_drain(struct olp_patch *p, unsigned int timeout_ms)
{
	struct olp_window *w;
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	unsigned int i;
	int ret;

	lockdep_assert_held(&olp_mutex);
	if (!p->held || olp_any_applied_func(p))
		return;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	w->p = p;
	w->check = OLP_CHECK_DRAIN;
	/* A window that switches nothing checks the on-CPU tasks. */
	w->check_only = true;
	for (;;) {
		ret = olp_stack_check(w);
		if (!ret && w->nr_run)
			ret = stop_machine(olp_window_fn, w, NULL);
		olp_put_running(w);
		if (ret != -EBUSY || time_after(jiffies, deadline))
			break;
		msleep(OLP_RETRY_MS);
	}
	if (ret) {
		olp_report_busy(p, w, "drain", ret);
		pr_warn("%s: a task still runs a replacement: %s stays pinned\n",
			p->name, p->module);
	} else {
		for (i = 0; i < p->nr; i++)
			p->e[i].draining = false;
		module_put(p->held);
		p->held = NULL;
	}
	olp_window_free(w);
}

/*
 * Apply or revert the entries not yet in that state.  @dry: prepare and
 * check as for real, then stop the machine with an empty window, and undo
 * (the baseline of the window's cost).
 */
static int olp_do(bool revert, bool dry, struct lpar_olp_cmd *c)
{
	struct olp_patch *p = olp_cur;
	const char *what = revert ? "revert" : "apply";
	unsigned int i, pending = 0, pending_func = 0;
	unsigned int timeout = c->timeout_ms ?: READ_ONCE(olp_timeout_ms);
	struct olp_window *w;
	u64 window_ns = 0;
	int ret;

	lockdep_assert_held(&olp_mutex);
	if (!p)
		return -ENOENT;
	for (i = 0; i < p->nr; i++) {
		if (olp_pending(&p->e[i], revert)) {
			pending++;
			pending_func += p->e[i].kind == LPAR_OLP_FUNC;
		}
	}
	c->window_ns = 0;
	c->switch_ns = 0;
	c->mismatches = 0;
	if (!pending) {
		/* Applying an applied patch (reverting a reverted one). */
		c->applied = olp_count_applied(p);
		return dry ? -EINVAL : 0;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->p = p;
	w->revert = revert;
	w->dry = dry;
	w->check = revert ? OLP_CHECK_NEW : OLP_CHECK_OLD;

	if (!dry) {
		set_bit(OLP_K0_BIT, &olp_flags);
		set_bit(OLP_K1_BIT, &olp_flags);
	}

	if (!revert && pending_func) {
		ret = olp_resolve_new(p);
		if (ret)
			goto out_undo;
	}

	ret = olp_switch(w, timeout, &window_ns);
	c->window_ns = window_ns;
	c->switch_ns = w->switch_ns;
	c->mismatches = w->mismatches;
	if (ret == -EILSEQ) {
		olp_report_mismatches(p, what);
		pr_err("%s %s: %u entr%s did not match: nothing changed\n",
		       what, p->name, w->mismatches,
		       w->mismatches == 1 ? "y" : "ies");
	}
	if (ret || dry)
		goto out_undo;

	if (revert && pending_func) {
		/*
		 * A task may have passed the handler before the window and
		 * been preempted in the trampoline, on its way into a
		 * replacement: wait until every task has scheduled
		 * voluntarily, then for the stacks to be clear.
		 */
		synchronize_rcu_tasks();
		olp_drain(p, timeout);
	}
	pr_info("%s %s: %u entr%s switched, stop window %llu ns (%llu ns checking and switching)\n",
		what, p->name, pending, pending == 1 ? "y" : "ies", window_ns,
		w->switch_ns);
	goto out;

out_undo:
	/* The patch module is not pinned for nothing. */
	if (!revert && p->held && !olp_needs_module(p)) {
		module_put(p->held);
		p->held = NULL;
	}
	if (dry)
		goto out_dry;
out:
	clear_bit(OLP_K1_BIT, &olp_flags);
	clear_bit(OLP_K0_BIT, &olp_flags);
	olp_set_result(ret, window_ns);
out_dry:
	c->applied = olp_count_applied(p);
	olp_window_free(w);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Loading a patch file                                                 */

static bool olp_str_ok(const char *s, size_t len, bool may_be_empty)
{
	size_t n = strnlen(s, len);

	return n < len && (may_be_empty || n);
}

static void olp_free(struct olp_patch *p)
{
	unsigned int i;

	if (!p)
		return;
	if (p->e) {
		for (i = 0; i < p->nr; i++) {
			/* Never applied here: the site is off; it stays. */
			if (p->e[i].site)
				p->e[i].site->used = false;
			kvfree(p->e[i].old);
		}
	}
	if (p->held)
		module_put(p->held);
	kvfree(p->e);
	kfree(p->entry_kobj);
	kfree(p);
}

/* Check one entry against lpar.ko and the entries before it. */
static int olp_locate(struct olp_patch *p, unsigned int idx)
{
	struct olp_entry *e = &p->e[idx];
	unsigned long sym, size;
	unsigned int n, i;

	if (!strncmp(e->target, "olp_", 4) ||
	    !strncmp(e->target, "lpar_olp_", 9)) {
		pr_err("load %s: entry %u: %s is part of OLP itself\n", p->name,
		       idx, e->target);
		return -EPERM;
	}
	n = olp_mod_lookup(THIS_MODULE, e->target, &sym, &size);
	if (!n) {
		pr_err("load %s: entry %u: unknown symbol %s in lpar.ko\n",
		       p->name, idx, e->target);
		return -ENOENT;
	}
	if (n > 1) {
		pr_err("load %s: entry %u: symbol %s is ambiguous in lpar.ko\n",
		       p->name, idx, e->target);
		return -ENOTUNIQ;
	}
	e->addr = sym + e->offset;
	if (e->kind == LPAR_OLP_FUNC) {
		if (e->offset) {
			pr_err("load %s: entry %u: a FUNC entry starts at its function (offset %#x)\n",
			       p->name, idx, e->offset);
			return -EINVAL;
		}
		if (!olp_mod_text(THIS_MODULE, sym, 1)) {
			pr_err("load %s: entry %u: %s is not a function of lpar.ko\n",
			       p->name, idx, e->target);
			return -ERANGE;
		}
		if (e->length > size ||
		    !olp_mod_text(THIS_MODULE, e->addr, e->length)) {
			pr_err("load %s: entry %u: %u bytes at %s are outside the function (%lu bytes)\n",
			       p->name, idx, e->length, e->target, size);
			return -ERANGE;
		}
		e->size = size;
	} else {
		if ((size && (e->offset >= size || e->length > size - e->offset)) ||
		    !olp_mod_data(THIS_MODULE, e->addr, e->length)) {
			pr_err("load %s: entry %u: %s+%#x, %u bytes, is outside lpar.ko's writable data\n",
			       p->name, idx, e->target, e->offset, e->length);
			return -ERANGE;
		}
	}
	for (i = 0; i < idx; i++) {
		struct olp_entry *o = &p->e[i];

		if (e->addr < o->addr + o->length && o->addr < e->addr + e->length) {
			pr_err("load %s: entry %u (%s+%#x) overlaps entry %u (%s+%#x)\n",
			       p->name, idx, e->target, e->offset, i, o->target,
			       o->offset);
			return -EEXIST;
		}
	}
	return 0;
}

static int olp_parse(const u8 *buf, u32 len, struct olp_patch **out)
{
	const struct lpar_olp_file_hdr *h = (const void *)buf;
	struct olp_patch *p;
	u32 pos, nr, i;
	int ret;

	if (len < sizeof(*h)) {
		pr_err("load: file truncated: %u bytes, the header alone has %zu\n",
		       len, sizeof(*h));
		return -EINVAL;
	}
	if (le32_to_cpu(h->magic) != LPAR_OLP_MAGIC ||
	    le16_to_cpu(h->version) != LPAR_OLP_VERSION ||
	    le16_to_cpu(h->hdr_size) != sizeof(*h)) {
		pr_err("load: not an OLP patch file of version %u (magic %#x, version %u, header %u bytes)\n",
		       LPAR_OLP_VERSION, le32_to_cpu(h->magic),
		       le16_to_cpu(h->version), le16_to_cpu(h->hdr_size));
		return -EINVAL;
	}
	if (le32_to_cpu(h->file_size) != len) {
		pr_err("load: file is %u bytes, its header says %u (truncated?)\n",
		       len, le32_to_cpu(h->file_size));
		return -EINVAL;
	}
	nr = le32_to_cpu(h->nr_entries);
	if (!nr || nr > LPAR_OLP_MAX_ENTRIES) {
		pr_err("load: %u entries (1..%u)\n", nr, LPAR_OLP_MAX_ENTRIES);
		return -EINVAL;
	}
	if (!olp_str_ok(h->name, sizeof(h->name), false) ||
	    !olp_str_ok(h->module, sizeof(h->module), true) ||
	    strlen(h->module) >= MODULE_NAME_LEN) {
		pr_err("load: patch or module name not terminated, or too long\n");
		return -EINVAL;
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	strscpy(p->name, h->name, sizeof(p->name));
	strscpy(p->module, h->module, sizeof(p->module));
	p->e = kvcalloc(nr, sizeof(*p->e), GFP_KERNEL);
	p->entry_kobj = kcalloc(nr, sizeof(*p->entry_kobj), GFP_KERNEL);
	if (!p->e || !p->entry_kobj) {
		ret = -ENOMEM;
		goto err;
	}
	p->nr = nr;

	pos = sizeof(*h);
	for (i = 0; i < nr; i++) {
		struct lpar_olp_file_entry hdr, *fe = &hdr;
		struct olp_entry *e = &p->e[i];
		u32 size, padded, j;

		if (len - pos < sizeof(*fe)) {
			pr_err("load %s: entry %u truncated\n", p->name, i);
			ret = -EINVAL;
			goto err;
		}
		/* Entries are not aligned: their data has any length. */
		memcpy(fe, buf + pos, sizeof(*fe));
		size = le32_to_cpu(fe->size);
		e->kind = le16_to_cpu(fe->kind);
		e->offset = le32_to_cpu(fe->offset);
		e->length = le32_to_cpu(fe->length);
		if (!e->length || e->length > LPAR_OLP_MAX_LEN ||
		    size != sizeof(*fe) + 2 * e->length) {
			pr_err("load %s: entry %u: wrong lengths (entry %u bytes, data %u bytes)\n",
			       p->name, i, size, e->length);
			ret = -EINVAL;
			goto err;
		}
		if (size > len - pos) {
			pr_err("load %s: entry %u truncated (%u of %u bytes)\n",
			       p->name, i, len - pos, size);
			ret = -EINVAL;
			goto err;
		}
		if ((e->kind != LPAR_OLP_FUNC && e->kind != LPAR_OLP_DATA) ||
		    fe->flags ||
		    !olp_str_ok(fe->target, sizeof(fe->target), false) ||
		    !olp_str_ok(fe->new_sym, sizeof(fe->new_sym),
				e->kind == LPAR_OLP_DATA) ||
		    (e->kind == LPAR_OLP_DATA && fe->new_sym[0])) {
			pr_err("load %s: entry %u: bad kind %u, flags or names\n",
			       p->name, i, e->kind);
			ret = -EINVAL;
			goto err;
		}
		if (e->kind == LPAR_OLP_FUNC && !p->module[0]) {
			pr_err("load %s: entry %u: a FUNC entry needs a patch module in the header\n",
			       p->name, i);
			ret = -EINVAL;
			goto err;
		}
		strscpy(e->target, fe->target, sizeof(e->target));
		strscpy(e->new_sym, fe->new_sym, sizeof(e->new_sym));
		padded = round_up(e->length, 8);
		e->old = kvzalloc(3 * padded, GFP_KERNEL);
		if (!e->old) {
			ret = -ENOMEM;
			goto err;
		}
		e->aux = e->old + padded;
		e->cmp = e->aux + padded;
		memcpy(e->old, buf + pos + sizeof(*fe), e->length);
		memcpy(e->aux, buf + pos + sizeof(*fe) + e->length, e->length);
		for (j = 0; j < e->length; j++)
			e->cmp[j] = e->kind == LPAR_OLP_FUNC && e->aux[j] ? 0 : 0xff;
		pos += size;

		ret = olp_locate(p, i);
		if (ret)
			goto err;
		p->nr_func += e->kind == LPAR_OLP_FUNC;
	}
	if (pos != len) {
		pr_err("load %s: %u bytes after the last entry\n", p->name,
		       len - pos);
		ret = -EINVAL;
		goto err;
	}
	*out = p;
	return 0;

err:
	olp_free(p);
	return ret;
}

/*
 * The site of entry @i's target: found, or registered now (the only time
 * the text of lpar.ko is rewritten for it).
 */
static int olp_site_get(struct olp_entry *e, const char *name, unsigned int i)
{
	struct olp_site *site;
	int ret;

	lockdep_assert_held(&olp_mutex);
	list_for_each_entry(site, &olp_sites, node) {
		if (site->addr != e->addr)
			continue;
		if (site->used || site->on) {
			pr_err("load %s: entry %u: %s is already redirected\n",
			       name, i, e->target);
			return -EBUSY;
		}
		goto found;
	}
	site = kzalloc(sizeof(*site), GFP_KERNEL);
	if (!site)
		return -ENOMEM;
	site->addr = e->addr;
	site->ops.func = olp_ftrace_handler;
	site->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY;
	ret = ftrace_set_filter_ip(&site->ops, e->addr, 0, 0);
	if (ret) {
		pr_err("load %s: entry %u: %s cannot be traced (%d): not an ftrace location\n",
		       name, i, e->target, ret);
		goto err_free;
	}
	ret = register_ftrace_function(&site->ops);
	if (ret) {
		pr_err("load %s: entry %u: ftrace on %s: %d\n", name, i,
		       e->target, ret);
		goto err_filter;
	}
	list_add(&site->node, &olp_sites);
found:
	site->used = true;
	e->site = site;
	return 0;

err_filter:
	ftrace_free_filter(&site->ops);
err_free:
	kfree(site);
	return ret;
}

/*
 * lpar.ko goes: no partition runs and no command is in flight, so no
 * thread executes the call sites being rewritten.
 */
static void olp_sites_free(void)
{
	struct olp_site *site, *n;

	list_for_each_entry_safe(site, n, &olp_sites, node) {
		WARN_ON_ONCE(site->on);
		unregister_ftrace_function(&site->ops);
		ftrace_free_filter(&site->ops);
		list_del(&site->node);
		kfree(site);
	}
}

/* Resolve the patch module's functions and set the ftrace filters. */
static int olp_prepare(struct olp_patch *p)
{
	struct lpar_olp_table *t = NULL;
	unsigned int i;
	int ret;

	lockdep_assert_held(&olp_mutex);
	if (p->nr_func) {
		t = olp_find_table(p->module);
		if (!t) {
			pr_err("load %s: patch module %s is not loaded\n",
			       p->name, p->module);
			return -ENXIO;
		}
	}
	for (i = 0; i < p->nr; i++) {
		struct olp_entry *e = &p->e[i];

		if (e->kind != LPAR_OLP_FUNC)
			continue;
		if (!olp_find_func(t, e->new_sym)) {
			pr_err("load %s: entry %u: %s has no function %s\n",
			       p->name, i, p->module, e->new_sym);
			return -ENOENT;
		}
		ret = olp_site_get(e, p->name, i);
		if (ret)
			return ret;
	}
	return 0;
}

static int olp_sysfs_add(struct olp_patch *p);
static void olp_sysfs_del(struct olp_patch *p);

static int olp_load(unsigned long arg)
{
	struct lpar_olp_load l;
	struct olp_patch *p = NULL;
	u8 *buf;
	int ret;

	ret = lpar_copy_in(&l, sizeof(l), sizeof(l), arg);
	if (ret)
		return ret;
	if (l.flags || l.pad)
		return -EINVAL;
	if (!l.len || l.len > LPAR_OLP_MAX_FILE)
		return -EFBIG;
	buf = kvmalloc(l.len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(l.data_ptr), l.len)) {
		ret = -EFAULT;
		goto out_buf;
	}

	mutex_lock(&olp_mutex);
	if (olp_cur) {
		pr_err("load: patch %s is loaded: unload it first\n",
		       olp_cur->name);
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = olp_parse(buf, l.len, &p);
	if (ret)
		goto out_unlock;
	ret = olp_prepare(p);
	if (ret)
		goto err_free;
	spin_lock(&olp_lock);
	olp_cur = p;
	olp_last_result = 0;
	olp_last_window_ns = 0;
	spin_unlock(&olp_lock);
	ret = olp_sysfs_add(p);
	if (ret) {
		spin_lock(&olp_lock);
		olp_cur = NULL;
		spin_unlock(&olp_lock);
		goto err_free;
	}
	pr_info("loaded patch %s: %u entr%s (%u FUNC), patch module %s\n",
		p->name, p->nr, p->nr == 1 ? "y" : "ies", p->nr_func,
		p->module[0] ? p->module : "none");
	goto out_unlock;

err_free:
	olp_free(p);
out_unlock:
	mutex_unlock(&olp_mutex);
out_buf:
	kvfree(buf);
	return ret;
}

/* Drop the loaded patch; nothing of it may be applied. */
static int olp_unload_locked(void)
{
	struct olp_patch *p = olp_cur;

	lockdep_assert_held(&olp_mutex);
	if (!p)
		return -ENOENT;
	if (olp_count_applied(p)) {
		pr_err("unload %s: %u entr%s applied: revert first\n", p->name,
		       olp_count_applied(p),
		       olp_count_applied(p) == 1 ? "y" : "ies");
		return -EBUSY;
	}
	olp_drain(p, READ_ONCE(olp_timeout_ms));
	if (p->held) {
		pr_err("unload %s: a task still runs a replacement\n", p->name);
		return -EBUSY;
	}
	olp_sysfs_del(p);
	spin_lock(&olp_lock);
	olp_cur = NULL;
	spin_unlock(&olp_lock);
	pr_info("unloaded patch %s\n", p->name);
	olp_free(p);
	return 0;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                               */

static int olp_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int olp_calibrate(struct lpar_olp_cmd *c)
{
	u64 *ns, t0;
	unsigned int i;
	int ret = 0;

	if (!c->count || c->count > OLP_MAX_CALIBRATE)
		return -EINVAL;
	ns = kvcalloc(c->count, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	mutex_lock(&olp_mutex);
	for (i = 0; i < c->count && !ret; i++) {
		if (c->flags & LPAR_OLP_CAL_PREPARED) {
			struct lpar_olp_cmd dry = { .timeout_ms = c->timeout_ms };

			ret = olp_do(false, true, &dry);
			ns[i] = dry.window_ns;
		} else {
			t0 = ktime_get_ns();
			ret = stop_machine(olp_nop_fn, NULL, NULL);
			ns[i] = ktime_get_ns() - t0;
		}
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	mutex_unlock(&olp_mutex);
	if (!ret) {
		sort(ns, c->count, sizeof(*ns), olp_cmp_u64, NULL);
		c->window_ns = ns[c->count / 2];
	}
	kvfree(ns);
	return ret;
}

static int olp_cmd(unsigned int cmd, unsigned long arg)
{
	struct lpar_olp_cmd c;
	int ret;

	ret = lpar_copy_in(&c, sizeof(c), offsetofend(struct lpar_olp_cmd, count),
			   arg);
	if (ret)
		return ret;
	if ((c.flags && (cmd != LPAR_OLP_CALIBRATE ||
			 c.flags & ~LPAR_OLP_CAL_PREPARED)) ||
	    c.timeout_ms > OLP_MAX_TIMEOUT_MS)
		return -EINVAL;
	if (cmd != LPAR_OLP_CALIBRATE && c.count)
		return -EINVAL;
	switch (cmd) {
	case LPAR_OLP_APPLY:
	case LPAR_OLP_REVERT:
		mutex_lock(&olp_mutex);
		ret = olp_do(cmd == LPAR_OLP_REVERT, false, &c);
		mutex_unlock(&olp_mutex);
		break;
	case LPAR_OLP_UNLOAD:
		mutex_lock(&olp_mutex);
		ret = olp_unload_locked();
		mutex_unlock(&olp_mutex);
		break;
	default:
		ret = olp_calibrate(&c);
		break;
	}
	/* The counters tell what happened, also when it failed. */
	if (lpar_copy_out(arg, &c, sizeof(c)))
		return -EFAULT;
	return ret;
}

static void olp_fill_entry(struct lpar_olp_entry_status *s,
			   const struct olp_entry *e)
{
	memset(s, 0, sizeof(*s));
	strscpy(s->target, e->target, sizeof(s->target));
	strscpy(s->new_sym, e->new_sym, sizeof(s->new_sym));
	s->offset = e->offset;
	s->length = e->length;
	s->kind = e->kind;
	s->applied = READ_ONCE(e->applied);
	s->mismatch = READ_ONCE(e->mismatch);
}

/* Read-only; never waits for a command in progress. */
static int olp_status(unsigned long arg)
{
	struct lpar_olp_entry_status *es = NULL;
	struct lpar_olp_status s;
	unsigned int i, n = 0;
	int ret;

	ret = lpar_copy_in(&s, sizeof(s),
			   offsetofend(struct lpar_olp_status, entries_ptr), arg);
	if (ret)
		return ret;
	if (s.flags)
		return -EINVAL;
	if (s.entries_ptr && s.nr_max) {
		es = kcalloc(min_t(u32, s.nr_max, LPAR_OLP_MAX_ENTRIES),
			     sizeof(*es), GFP_KERNEL);
		if (!es)
			return -ENOMEM;
	}
	memset(s.name, 0, sizeof(s.name));
	memset(s.module, 0, sizeof(s.module));
	s.nr_entries = 0;
	s.nr_applied = 0;
	spin_lock(&olp_lock);
	s.flags = (test_bit(OLP_K0_BIT, &olp_flags) ? LPAR_OLP_K0 : 0) |
		  (test_bit(OLP_K1_BIT, &olp_flags) ? LPAR_OLP_K1 : 0);
	if (olp_cur) {
		s.flags |= LPAR_OLP_LOADED;
		strscpy(s.name, olp_cur->name, sizeof(s.name));
		strscpy(s.module, olp_cur->module, sizeof(s.module));
		s.nr_entries = olp_cur->nr;
		s.nr_applied = olp_count_applied(olp_cur);
		if (es) {
			n = min3(s.nr_max, olp_cur->nr,
				 (u32)LPAR_OLP_MAX_ENTRIES);
			for (i = 0; i < n; i++)
				olp_fill_entry(&es[i], &olp_cur->e[i]);
		}
	}
	s.last_window_ns = olp_last_window_ns;
	s.last_result = olp_last_result;
	spin_unlock(&olp_lock);

	if (n && copy_to_user(u64_to_user_ptr(s.entries_ptr), es,
			      n * sizeof(*es)))
		ret = -EFAULT;
	kfree(es);
	if (!ret)
		ret = lpar_copy_out(arg, &s, sizeof(s));
	return ret;
}

/**
 * lpar_olp_ioctl() - the OLP commands of /dev/lpar.
 * @cmd: LPAR_OLP_*.
 * @arg: user pointer to the command's struct.
 *
 * Context: process context; every command but LPAR_OLP_STATUS has been
 * checked for CAP_SYS_ADMIN by the caller.
 * Return: 0 or a negative errno; -ENOTTY for other commands.
 */
long lpar_olp_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LPAR_OLP_STATUS:
		return olp_status(arg);
	case LPAR_OLP_LOAD:
		return olp_load(arg);
	case LPAR_OLP_APPLY:
	case LPAR_OLP_REVERT:
	case LPAR_OLP_UNLOAD:
	case LPAR_OLP_CALIBRATE:
		return olp_cmd(cmd, arg);
	default:
		return -ENOTTY;
	}
}

/* ------------------------------------------------------------------ */
/* sysfs: /sys/kernel/lpar/olp                                          */

static const char *olp_state_word(void)
{
	unsigned int n;

	lockdep_assert_held(&olp_lock);
	if (test_bit(OLP_K1_BIT, &olp_flags))
		return "in-progress";
	if (!olp_cur)
		return "none";
	n = olp_count_applied(olp_cur);
	if (!n)
		return "loaded";
	return n == olp_cur->nr ? "applied" : "partial";
}

static ssize_t olp_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	const char *a = attr->attr.name;
	ssize_t n;

	if (!strcmp(a, "k0"))
		return sysfs_emit(buf, "%d\n", test_bit(OLP_K0_BIT, &olp_flags));
	if (!strcmp(a, "k1"))
		return sysfs_emit(buf, "%d\n", test_bit(OLP_K1_BIT, &olp_flags));
	spin_lock(&olp_lock);
	if (!strcmp(a, "state"))
		n = sysfs_emit(buf, "%s\n", olp_state_word());
	else if (!strcmp(a, "name"))
		n = sysfs_emit(buf, "%s\n", olp_cur ? olp_cur->name : "");
	else if (!strcmp(a, "module"))
		n = sysfs_emit(buf, "%s\n", olp_cur ? olp_cur->module : "");
	else if (!strcmp(a, "nr_entries"))
		n = sysfs_emit(buf, "%u\n", olp_cur ? olp_cur->nr : 0);
	else if (!strcmp(a, "nr_applied"))
		n = sysfs_emit(buf, "%u\n",
			       olp_cur ? olp_count_applied(olp_cur) : 0);
	else if (!strcmp(a, "last_result"))
		n = sysfs_emit(buf, "%d\n", olp_last_result);
	else
		n = sysfs_emit(buf, "%llu\n", olp_last_window_ns);
	spin_unlock(&olp_lock);
	return n;
}

/* apply, revert, unload: write 1 (apply / revert: or a timeout in ms). */
static ssize_t olp_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	const char *a = attr->attr.name;
	struct lpar_olp_cmd c = { .argsz = sizeof(c) };
	unsigned int v;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtouint(buf, 0, &v);
	if (ret)
		return ret;
	if (!v || v > OLP_MAX_TIMEOUT_MS)
		return -EINVAL;
	c.timeout_ms = v == 1 ? 0 : v;
	mutex_lock(&olp_mutex);
	if (!strcmp(a, "unload"))
		ret = v == 1 ? olp_unload_locked() : -EINVAL;
	else
		ret = olp_do(!strcmp(a, "revert"), false, &c);
	mutex_unlock(&olp_mutex);
	return ret ?: count;
}

#define OLP_RO(_name) \
	static struct kobj_attribute olp_attr_##_name = __ATTR(_name, 0444, olp_show, NULL)
#define OLP_WO(_name) \
	static struct kobj_attribute olp_attr_##_name = __ATTR(_name, 0200, NULL, olp_store)

OLP_RO(k0);
OLP_RO(k1);
OLP_RO(state);
OLP_RO(name);
OLP_RO(module);
OLP_RO(nr_entries);
OLP_RO(nr_applied);
OLP_RO(last_result);
OLP_RO(last_window_ns);
OLP_WO(apply);
OLP_WO(revert);
OLP_WO(unload);

static struct attribute *olp_attrs[] = {
	&olp_attr_k0.attr,
	&olp_attr_k1.attr,
	&olp_attr_state.attr,
	&olp_attr_name.attr,
	&olp_attr_module.attr,
	&olp_attr_nr_entries.attr,
	&olp_attr_nr_applied.attr,
	&olp_attr_last_result.attr,
	&olp_attr_last_window_ns.attr,
	&olp_attr_apply.attr,
	&olp_attr_revert.attr,
	&olp_attr_unload.attr,
	NULL
};

static const struct attribute_group olp_group = {
	.attrs = olp_attrs,
};

static const char * const olp_kind_names[] = {
	[LPAR_OLP_FUNC] = "func",
	[LPAR_OLP_DATA] = "data",
};

/* entries/N/...: N is the kobject's name; the patch may be going away. */
static ssize_t olp_entry_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	const char *a = attr->attr.name;
	struct olp_entry *e;
	unsigned int idx;
	ssize_t n = -ENODEV;

	if (kstrtouint(kobject_name(kobj), 10, &idx))
		return -ENODEV;
	spin_lock(&olp_lock);
	if (!olp_cur || idx >= olp_cur->nr)
		goto out;
	e = &olp_cur->e[idx];
	if (!strcmp(a, "target"))
		n = sysfs_emit(buf, "%s\n", e->target);
	else if (!strcmp(a, "new"))
		n = sysfs_emit(buf, "%s\n", e->new_sym);
	else if (!strcmp(a, "offset"))
		n = sysfs_emit(buf, "%u\n", e->offset);
	else if (!strcmp(a, "length"))
		n = sysfs_emit(buf, "%u\n", e->length);
	else if (!strcmp(a, "kind"))
		n = sysfs_emit(buf, "%s\n", olp_kind_names[e->kind]);
	else if (!strcmp(a, "applied"))
		n = sysfs_emit(buf, "%d\n", READ_ONCE(e->applied));
	else
		n = sysfs_emit(buf, "%d\n", READ_ONCE(e->mismatch));
out:
	spin_unlock(&olp_lock);
	return n;
}

#define OLP_ERO(_name) \
	static struct kobj_attribute olp_eattr_##_name = \
		__ATTR(_name, 0444, olp_entry_show, NULL)

OLP_ERO(target);
OLP_ERO(new);
OLP_ERO(offset);
OLP_ERO(length);
OLP_ERO(kind);
OLP_ERO(applied);
OLP_ERO(mismatch);

static struct attribute *olp_entry_attrs[] = {
	&olp_eattr_target.attr,
	&olp_eattr_new.attr,
	&olp_eattr_offset.attr,
	&olp_eattr_length.attr,
	&olp_eattr_kind.attr,
	&olp_eattr_applied.attr,
	&olp_eattr_mismatch.attr,
	NULL
};

static const struct attribute_group olp_entry_group = {
	.attrs = olp_entry_attrs,
};

static void olp_sysfs_del(struct olp_patch *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++) {
		if (!p->entry_kobj[i])
			continue;
		sysfs_remove_group(p->entry_kobj[i], &olp_entry_group);
		kobject_put(p->entry_kobj[i]);
		p->entry_kobj[i] = NULL;
	}
	kobject_put(p->entries_kobj);
	p->entries_kobj = NULL;
}

static int olp_sysfs_add(struct olp_patch *p)
{
	char name[12];
	unsigned int i;
	int ret;

	p->entries_kobj = kobject_create_and_add("entries", olp_kobj);
	if (!p->entries_kobj)
		return -ENOMEM;
	for (i = 0; i < p->nr; i++) {
		snprintf(name, sizeof(name), "%u", i);
		p->entry_kobj[i] = kobject_create_and_add(name, p->entries_kobj);
		if (!p->entry_kobj[i]) {
			ret = -ENOMEM;
			goto err;
		}
		ret = sysfs_create_group(p->entry_kobj[i], &olp_entry_group);
		if (ret) {
			kobject_put(p->entry_kobj[i]);
			p->entry_kobj[i] = NULL;
			goto err;
		}
	}
	return 0;
err:
	olp_sysfs_del(p);
	return ret;
}

/**
 * lpar_olp_init() - create /sys/kernel/lpar/olp.
 *
 * Context: module init, after lpar_sysfs_init().
 * Return: 0 or a negative errno.
 */
int lpar_olp_init(void)
{
	int ret;

	olp_kobj = kobject_create_and_add("olp", lpar_sysfs_root());
	if (!olp_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(olp_kobj, &olp_group);
	if (ret) {
		kobject_put(olp_kobj);
		olp_kobj = NULL;
	}
	return ret;
}

/**
 * lpar_olp_exit() - drop the loaded patch and the sysfs directory.
 *
 * A patch module depends on lpar.ko, and it is pinned while any of its
 * functions is applied, so only DATA entries can still be applied here;
 * they go with the module's data.
 *
 * Context: module exit, before lpar_sysfs_exit().
 */
void lpar_olp_exit(void)
{
	struct olp_patch *p;

	mutex_lock(&olp_mutex);
	p = olp_cur;
	if (p) {
		olp_sysfs_del(p);
		spin_lock(&olp_lock);
		olp_cur = NULL;
		spin_unlock(&olp_lock);
		olp_free(p);
	}
	olp_sites_free();
	mutex_unlock(&olp_mutex);
	sysfs_remove_group(olp_kobj, &olp_group);
	kobject_put(olp_kobj);
	olp_kobj = NULL;
}
