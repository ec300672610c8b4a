// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - the module's side of the LIP runner protocol.
 *
 * The module starts the runner itself at act, so act works the same from
 * an ioctl, sysfs or lparctl.  The runner proves it is the one started for
 * this activation with a random token, gets a partition fd and from then on
 * only executes: it asks for orders (LPAR_RUNNER_WAIT, which doubles as its
 * heartbeat), reports events and forwards the guest's port accesses, which
 * the module answers (console UART, service call).
 */
#define pr_fmt(fmt) "lpar: " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/umh.h>

#include "lpar.h"

static char runner_path[PATH_MAX] = "/usr/local/libexec/lpar/lpar-runner";

/*
 * "echo PATH > .../parameters/runner" must not keep the newline.  The
 * runner runs with full privileges: only CAP_SYS_ADMIN chooses it.
 */
static int runner_param_set(const char *val, const struct kernel_param *kp)
{
	char *path;
	int ret = lpar_param_may_set(kp);

	if (ret)
		return ret;
	path = kstrdup(val, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	strim(path);
	if (path[0] != '/' || strlen(path) >= sizeof(runner_path))
		ret = -EINVAL;
	else
		strscpy(runner_path, path, sizeof(runner_path));
	kfree(path);
	return ret;
}

static int runner_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", runner_path);
}

static const struct kernel_param_ops runner_param_ops = {
	.set = runner_param_set,
	.get = runner_param_get,
};

module_param_cb(runner, &runner_param_ops, NULL, 0644);
MODULE_PARM_DESC(runner, "Absolute path of the LIP runner the module starts at act");

/*
 * Test only: a fault the runners started from now on simulate, passed in
 * their environment as LPAR_RUNNER_FAULT.  "sale-skip": acknowledge
 * LPAR_ORDER_DMA_SALE without re-mapping, as a buggy or hostile runner
 * could (the gatekeeper in mm_relocate.c must catch it).  Nothing the
 * module relies on is weakened: a runner is untrusted either way, and
 * like every parameter only CAP_SYS_ADMIN changes it after load.
 */
static char runner_fault[16];

static int runner_fault_set(const char *val, const struct kernel_param *kp)
{
	char v[sizeof(runner_fault)], *t;
	int ret = lpar_param_may_set(kp);

	if (ret)
		return ret;
	strscpy(v, val, sizeof(v));
	t = strim(v);
	if (t[0] && strcmp(t, "sale-skip"))
		return -EINVAL;
	strscpy(runner_fault, t, sizeof(runner_fault));
	return 0;
}

static int runner_fault_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", runner_fault);
}

static const struct kernel_param_ops runner_fault_ops = {
	.set = runner_fault_set,
	.get = runner_fault_get,
};

module_param_cb(runner_fault, &runner_fault_ops, NULL, 0600);
MODULE_PARM_DESC(runner_fault, "Test only: fault the runners started from now on simulate (\"sale-skip\" or empty)");

/* In the new process, before exec: remember it, so act sees it die. */
static int runner_umh_init(struct subprocess_info *info, struct cred *new)
{
	struct lpar_partition *p = info->data;
	struct pid *pid = get_task_pid(current, PIDTYPE_PID);

	spin_lock(&p->lock);
	put_pid(p->launched);
	p->launched = pid;
	spin_unlock(&p->lock);
	return 0;
}

/**
 * lpar_runner_launched_alive() - is the process started for act alive?
 * @p: the partition.
 *
 * Return: false once the launched runner exited (before attaching, this
 * means act cannot succeed).
 */
bool lpar_runner_launched_alive(struct lpar_partition *p)
{
	struct task_struct *t;
	struct pid *pid;
	bool alive;

	spin_lock(&p->lock);
	pid = get_pid(p->launched);
	spin_unlock(&p->lock);
	if (!pid)
		return true;	/* not yet forked: UMH_WAIT_EXEC will tell */
	rcu_read_lock();
	t = pid_task(pid, PIDTYPE_PID);
	alive = t && !t->exit_state;
	rcu_read_unlock();
	put_pid(pid);
	return alive;
}

/**
 * lpar_runner_start() - launch the runner for the activating partition.
 * @p: the partition, in state activating with a fresh @p->gen and token.
 *
 * Context: op_mutex held.
 * Return: 0 once the runner was exec'ed, or a negative errno with
 * @p->reason set.
 */
int lpar_runner_start(struct lpar_partition *p)
{
	struct subprocess_info *info;
	char **argv, **envp;
	bool fault;
	int ret;

	lockdep_assert_held(&p->op_mutex);
	/* argv[0..4], NULL, then envp[0..2], NULL */
	argv = kcalloc(10, sizeof(*argv), GFP_KERNEL);
	if (!argv)
		return -ENOMEM;
	envp = argv + 6;
	envp[0] = "HOME=/";
	envp[1] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	/* Copies: the parameters may be rewritten while the runner starts. */
	kernel_param_lock(THIS_MODULE);
	argv[0] = kstrdup(runner_path, GFP_KERNEL);
	fault = runner_fault[0];
	if (fault)
		envp[2] = kasprintf(GFP_KERNEL, "LPAR_RUNNER_FAULT=%s",
				    runner_fault);
	kernel_param_unlock(THIS_MODULE);
	argv[1] = "--id";
	argv[2] = kasprintf(GFP_KERNEL, "%u", p->def.id);
	argv[3] = "--token";
	argv[4] = kasprintf(GFP_KERNEL, "%llx", p->token);
	ret = -ENOMEM;
	if (!argv[0] || !argv[2] || !argv[4] || (fault && !envp[2]))
		goto out;
	info = call_usermodehelper_setup(argv[0], argv, envp, GFP_KERNEL,
					 runner_umh_init, NULL, p);
	if (!info)
		goto out;
	ret = call_usermodehelper_exec(info, UMH_WAIT_EXEC);
	if (ret)
		lpar_set_reason(p,
				"cannot start runner %s (%d): set the module parameter runner=PATH",
				argv[0], ret);
out:
	kfree(argv[0]);
	kfree(argv[2]);
	kfree(argv[4]);
	kfree(envp[2]);
	kfree(argv);
	return ret;
}

/**
 * lpar_runner_attach() - LPAR_ATTACH: the started runner takes its partition.
 * @a: the validated request.
 *
 * Return: a partition fd, or a negative errno.
 */
int lpar_runner_attach(struct lpar_attach *a)
{
	struct lpar_partition *p;
	int fd;

	if (a->id >= LPAR_MAX_PARTITIONS)
		return -EINVAL;
	mutex_lock(&lpar_mutex);
	p = lpar_parts[a->id];
	if (!p || p->state != LPAR_STATE_ACTIVATING || p->attached ||
	    a->token != p->token) {
		fd = p ? -EPERM : -ENOENT;
		goto out;
	}
	fd = lpar_partition_fd(p);
	if (fd < 0)
		goto out;
	spin_lock(&p->lock);
	p->attached = true;
	p->last_wait = jiffies;
	spin_unlock(&p->lock);
	p->runner_pid = get_task_pid(current, PIDTYPE_TGID);
	wake_up_all(&p->wq);
	schedule_delayed_work(&p->watchdog, msecs_to_jiffies(1000));
out:
	mutex_unlock(&lpar_mutex);
	return fd;
}

/**
 * lpar_runner_order() - give the runner an order.
 * @p: the partition.
 * @order: LPAR_ORDER_*; LPAR_ORDER_EXIT overrides a pending order.
 */
void lpar_runner_order(struct lpar_partition *p, u32 order)
{
	spin_lock(&p->lock);
	p->order = order;
	p->order_seq++;
	spin_unlock(&p->lock);
	wake_up_all(&p->wq);
}

static bool runner_gone(struct lpar_partition *p)
{
	bool gone;

	spin_lock(&p->lock);
	gone = !p->attached;
	spin_unlock(&p->lock);
	return gone;
}

static void runner_kill(struct lpar_partition *p)
{
	mutex_lock(&lpar_mutex);
	if (p->runner_pid)
		kill_pid(p->runner_pid, SIGKILL, 1);
	mutex_unlock(&lpar_mutex);
}

/**
 * lpar_runner_kill() - fence a misbehaving runner: fail the partition, kill.
 * @p: the partition.
 * @why: the failure reason.
 */
void lpar_runner_kill(struct lpar_partition *p, const char *why)
{
	mutex_lock(&lpar_mutex);
	if (p->state == LPAR_STATE_OPERATING || p->state == LPAR_STATE_STOPPED ||
	    p->state == LPAR_STATE_ACTIVATING)
		lpar_fail(p, "%s", why);
	else
		pr_warn("partition %u (%s): killing runner: %s\n", p->def.id,
			p->def.name, why);
	if (p->runner_pid)
		kill_pid(p->runner_pid, SIGKILL, 1);
	mutex_unlock(&lpar_mutex);
}

/**
 * lpar_runner_is_current() - is the caller the partition's attached runner?
 * @p: the partition.
 * @gen: the activation of the partition fd the caller used.
 *
 * Return: true if @gen is current, a runner is attached and the calling
 * process is it (a partition fd passed to another process does not count).
 */
bool lpar_runner_is_current(struct lpar_partition *p, u64 gen)
{
	bool ok;

	mutex_lock(&lpar_mutex);
	ok = gen == p->gen && p->attached && p->runner_pid &&
	     p->runner_pid == task_tgid(current);
	mutex_unlock(&lpar_mutex);
	return ok;
}

static bool order_answered(struct lpar_partition *p, u64 seq)
{
	bool done;

	spin_lock(&p->lock);
	done = p->acked_seq >= seq || p->nacked_seq >= seq || !p->attached;
	spin_unlock(&p->lock);
	return done;
}

/**
 * lpar_runner_order_wait() - give the runner an order and wait for the answer.
 * @p: the partition.
 * @order: LPAR_ORDER_*.
 * @size: LPAR_ORDER_RESIZE: the size to map.
 * @slot: LPAR_ORDER_SLOT_* and LPAR_ORDER_DMA_*: the slot.
 * @timeout_ms: how long the runner has.
 *
 * Context: op_mutex held (orders are given one at a time); sleeps.
 * Return: 0 on LPAR_EVENT_ACK; -ENODEV if no runner is attached;
 * -EREMOTEIO on LPAR_EVENT_NACK; -ETIMEDOUT; -EIO if the runner went away.
 */
int lpar_runner_order_wait(struct lpar_partition *p, u32 order, u64 size,
			   u32 slot, unsigned int timeout_ms)
{
	int ret = 0;
	u64 seq;

	lockdep_assert_held(&p->op_mutex);
	spin_lock(&p->lock);
	if (!p->attached) {
		spin_unlock(&p->lock);
		return -ENODEV;
	}
	p->resize_to = size;
	p->order_slot = slot;
	p->order = order;
	seq = ++p->order_seq;
	spin_unlock(&p->lock);
	wake_up_all(&p->wq);
	/*
	 * Not killable, but bounded by the watchdog's or the PCI order's
	 * limit (seconds): undo paths depend on the runner's answer, and a
	 * caller killed while an undo waits would leave the runner's
	 * mappings and the module's view apart.  Waits on the guest, which
	 * may last as long as the caller asked, are killable.
	 */
	if (!wait_event_timeout(p->wq, order_answered(p, seq),
				msecs_to_jiffies(timeout_ms)))
		return -ETIMEDOUT;
	spin_lock(&p->lock);
	if (p->acked_seq >= seq)
		ret = 0;
	else if (p->nacked_seq >= seq)
		ret = -EREMOTEIO;
	else
		ret = -EIO;
	spin_unlock(&p->lock);
	return ret;
}

/**
 * lpar_runner_end() - make the partition's runner exit.
 * @p: the partition.
 * @force: kill at once instead of ordering an exit first.
 * @timeout_ms: how long the ordered exit may take before the kill.
 *
 * The caller may be killed while it waits (a user's deact with a long
 * @timeout_ms must not hold op_mutex beyond its own life): then the
 * runner, already told to exit, is killed and left to go on its own.
 *
 * Context: op_mutex held; sleeps, killable.
 * Return: 0 once the runner's partition fd is closed, -ETIMEDOUT if even
 * a killed runner did not let go of it, -EINTR if the caller got a fatal
 * signal first (the runner is killed but may still hold the partition).
 */
int lpar_runner_end(struct lpar_partition *p, bool force, u32 timeout_ms)
{
	long left;

	lockdep_assert_held(&p->op_mutex);
	cancel_delayed_work_sync(&p->watchdog);
	if (runner_gone(p))
		return 0;
	if (!force) {
		lpar_runner_order(p, LPAR_ORDER_EXIT);
		left = wait_event_killable_timeout(p->wq, runner_gone(p),
						   msecs_to_jiffies(timeout_ms));
		if (left > 0)
			return 0;
		if (left < 0) {
			runner_kill(p);
			return -EINTR;
		}
		pr_info("partition %u (%s): runner did not exit within %u ms, killing it\n",
			p->def.id, p->def.name, timeout_ms);
	}
	runner_kill(p);
	/* Tearing down a VM with its storage mapping can take a while. */
	left = wait_event_killable_timeout(p->wq, runner_gone(p), 60 * HZ);
	if (left > 0)
		return 0;
	return left < 0 ? -EINTR : -ETIMEDOUT;
}

/**
 * lpar_runner_release() - the runner's partition fd is closed.
 * @file: the partition fd.
 *
 * A runner that goes away while its partition should be running leaves the
 * partition failed; its storage is kept until deact.
 */
void lpar_runner_release(struct file *file)
{
	struct lpar_partition *p;
	u64 gen;

	p = lpar_pfile_part(file, &gen);
	mutex_lock(&lpar_mutex);
	if (gen != p->gen) {
		mutex_unlock(&lpar_mutex);
		return;
	}
	spin_lock(&p->lock);
	p->attached = false;
	p->running = false;
	spin_unlock(&p->lock);
	put_pid(p->runner_pid);
	p->runner_pid = NULL;
	if (p->state == LPAR_STATE_ACTIVATING ||
	    p->state == LPAR_STATE_OPERATING || p->state == LPAR_STATE_STOPPED)
		lpar_fail(p, "runner exited");
	mutex_unlock(&lpar_mutex);
	wake_up_all(&p->wq);
	/* Its SCI eventfds, then its slots (on a work item: op_mutex). */
	lpar_gpe_sci_release(p);
	lpar_pci_runner_gone(p);
}

/**
 * lpar_watchdog_fn() - fail a partition whose runner stopped answering.
 * @work: the partition's watchdog.
 */
void lpar_watchdog_fn(struct work_struct *work)
{
	struct lpar_partition *p = container_of(to_delayed_work(work),
						struct lpar_partition, watchdog);
	unsigned long quiet;
	bool attached;

	spin_lock(&p->lock);
	attached = p->attached;
	quiet = jiffies - p->last_wait;
	spin_unlock(&p->lock);
	if (!attached)
		return;
	if (quiet <= msecs_to_jiffies(lpar_watchdog_ms)) {
		schedule_delayed_work(&p->watchdog, msecs_to_jiffies(1000));
		return;
	}
	mutex_lock(&lpar_mutex);
	if (p->state == LPAR_STATE_OPERATING || p->state == LPAR_STATE_STOPPED ||
	    p->state == LPAR_STATE_ACTIVATING) {
		lpar_fail(p, "runner not answering for %u ms",
			  jiffies_to_msecs(quiet));
		/* Fence it: a runner we cannot reach must not run the guest. */
		if (p->runner_pid)
			kill_pid(p->runner_pid, SIGKILL, 1);
	}
	mutex_unlock(&lpar_mutex);
	wake_up_all(&p->wq);
}

static bool order_ready(struct lpar_partition *p, u64 gen)
{
	bool ready;

	spin_lock(&p->lock);
	ready = p->order != LPAR_ORDER_NONE || gen != p->gen;
	spin_unlock(&p->lock);
	return ready;
}

/* Out of line: the OLP selftests patch the path a runner sleeps in. */
static noinline long runner_wait(struct lpar_partition *p, u64 gen,
				 unsigned long arg)
{
	struct lpar_order o;
	long ret;

	ret = lpar_copy_in(&o, sizeof(o), offsetofend(struct lpar_order, seq),
			   arg);
	if (ret)
		return ret;
	if (o.flags || o.timeout_ms > 1000)
		return -EINVAL;
	spin_lock(&p->lock);
	p->last_wait = jiffies;
	spin_unlock(&p->lock);
	ret = wait_event_interruptible_timeout(p->wq, order_ready(p, gen),
					       msecs_to_jiffies(o.timeout_ms));
	if (ret < 0)
		return ret;
	spin_lock(&p->lock);
	p->last_wait = jiffies;
	if (gen != p->gen) {
		o.order = LPAR_ORDER_EXIT;
	} else {
		o.order = p->order;
		/* EXIT stays pending: every later call must see it too. */
		if (p->order != LPAR_ORDER_EXIT)
			p->order = LPAR_ORDER_NONE;
	}
	o.seq = p->order_seq;
	o.size = p->resize_to;
	o.slot = p->order_slot;
	o.pad = 0;
	spin_unlock(&p->lock);
	return lpar_copy_out(arg, &o, sizeof(o));
}

static long runner_event(struct lpar_partition *p, unsigned long arg)
{
	struct lpar_runner_event ev;
	long ret;

	ret = lpar_copy_in(&ev, sizeof(ev), sizeof(ev), arg);
	if (ret)
		return ret;
	if (ev.flags)
		return -EINVAL;
	ev.reason[sizeof(ev.reason) - 1] = 0;
	switch (ev.event) {
	case LPAR_EVENT_ACK:
		spin_lock(&p->lock);
		p->acked_seq = ev.seq;
		spin_unlock(&p->lock);
		break;
	case LPAR_EVENT_NACK:
		spin_lock(&p->lock);
		p->nacked_seq = ev.seq;
		spin_unlock(&p->lock);
		/* Escaped: the reason may carry what a device or guest said. */
		pr_info("partition %u (%s): runner could not carry out order %llu: %*pE\n",
			p->def.id, p->def.name, ev.seq,
			(int)strnlen(ev.reason, sizeof(ev.reason)), ev.reason);
		break;
	case LPAR_EVENT_RUNNING:
		spin_lock(&p->lock);
		p->running = true;
		spin_unlock(&p->lock);
		break;
	case LPAR_EVENT_CHECKSTOP:
		mutex_lock(&lpar_mutex);
		if (p->state == LPAR_STATE_OPERATING ||
		    p->state == LPAR_STATE_STOPPED ||
		    p->state == LPAR_STATE_ACTIVATING)
			lpar_fail(p, "check stop on vCPU %u: %s", ev.vcpu,
				  ev.reason);
		mutex_unlock(&lpar_mutex);
		lpar_runner_order(p, LPAR_ORDER_EXIT);
		break;
	default:
		return -EINVAL;
	}
	wake_up_all(&p->wq);
	return 0;
}

/* The 8250 the guest sees: transmit only, always ready. */
static u64 uart_io(struct lpar_partition *p, struct lpar_io *io)
{
	unsigned int reg = io->port - LPAR_PORT_COM1;
	char c = io->data;

	if (io->flags & LPAR_IO_WRITE) {
		if (reg == 3)
			WRITE_ONCE(p->uart_lcr, io->data);
		else if (reg == 0 && !(READ_ONCE(p->uart_lcr) & 0x80))
			lpar_console_put(p, &c, 1);
		return 0;
	}
	switch (reg) {
	case 2:		/* IIR: no interrupt pending */
		return 0x01;
	case 3:
		return READ_ONCE(p->uart_lcr);
	case 5:		/* LSR: transmitter empty, holding register empty */
		return 0x60;
	case 6:		/* MSR: DCD, DSR, CTS */
		return 0xb0;
	default:
		return 0;
	}
}

/**
 * lpar_sc_info() - answer LPAR_SC_INFO.
 * @p: the calling partition.
 * @sccb: the call's block (a kernel copy).
 *
 * Kept out of line and global: it is the service-call path an on-line
 * patch replaces in the tests and in the documentation's example.
 *
 * Return: the SCCB status.
 */
noinline u16 lpar_sc_info(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	sccb->args[0] = p->def.id;
	sccb->args[1] = p->size;
	sccb->args[2] = p->def.vcpus;
	sccb->args[3] = LPAR_SC_LEVEL;
	return LPAR_SCCB_OK;
}

/*
 * May a line the guest caused go to the host log?  Per partition, so one
 * guest cannot crowd out another's lines; what was dropped is counted and
 * said, with the partition, before the next line that may go.
 */
static bool guest_log_allowed(struct lpar_partition *p)
{
	unsigned int missed;

	if (!__ratelimit(&p->log_rs)) {
		spin_lock(&p->lock);
		p->log_missed++;
		spin_unlock(&p->lock);
		return false;
	}
	spin_lock(&p->lock);
	missed = p->log_missed;
	p->log_missed = 0;
	spin_unlock(&p->lock);
	if (missed)
		pr_info("partition %u (%s): %u guest log lines suppressed\n",
			p->def.id, p->def.name, missed);
	return true;
}

/*
 * A guest's text in the host log (LPAR_SC_LOG): printable ASCII only,
 * anything else as \xNN and the backslash as \\ (so the escaping is
 * unambiguous), one line of at most LPAR_GUEST_LOG_MAX bytes of the text,
 * prefixed with the partition, and rate-limited per partition.  A guest
 * can neither write a line that looks like the kernel's own nor flood the
 * log, nor crowd out another partition's lines.
 */
static void guest_log(struct lpar_partition *p, const u8 *text, size_t len)
{
	char out[LPAR_GUEST_LOG_MAX * 4 + 1];
	size_t i, o = 0, n = min_t(size_t, len, LPAR_GUEST_LOG_MAX);

	if (!guest_log_allowed(p))
		return;
	for (i = 0; i < n; i++) {
		u8 c = text[i];

		if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (c >= 0x20 && c <= 0x7e) {
			out[o++] = c;
		} else {
			o += scnprintf(out + o, sizeof(out) - o, "\\x%02x", c);
		}
	}
	out[o] = '\0';
	pr_info("partition %u (%s) guest: %s%s\n", p->def.id, p->def.name, out,
		len > n ? " [truncated]" : "");
}

static u16 service_call(struct lpar_partition *p, struct lpar_sccb *sccb)
{
	size_t text;

	switch (sccb->cmd) {
	case LPAR_SC_INFO:
		return lpar_sc_info(p, sccb);
	case LPAR_SC_REPORT:
		spin_lock(&p->lock);
		p->stats.report_code = sccb->args[0];
		p->stats.report_value = sccb->args[1];
		spin_unlock(&p->lock);
		if (sccb->args[0] == LPAR_REPORT_FAIL && guest_log_allowed(p))
			pr_info("partition %u (%s): guest reports failure, value %#llx\n",
				p->def.id, p->def.name, sccb->args[1]);
		wake_up_all(&p->wq);
		return LPAR_SCCB_OK;
	case LPAR_SC_HEARTBEAT:
		spin_lock(&p->lock);
		p->stats.heartbeats++;
		spin_unlock(&p->lock);
		return LPAR_SCCB_OK;
	case LPAR_SC_EVENT:
		spin_lock(&p->lock);
		if (p->gev.type != LPAR_GEV_NONE && p->gev.acked < p->gev.seq) {
			sccb->args[0] = p->gev.type;
			sccb->args[1] = p->gev.seq;
			sccb->args[2] = p->gev.size;
		} else {
			sccb->args[0] = LPAR_GEV_NONE;
		}
		spin_unlock(&p->lock);
		return LPAR_SCCB_OK;
	case LPAR_SC_ACK:
		spin_lock(&p->lock);
		if (sccb->args[0] <= p->gev.seq)
			p->gev.acked = max(p->gev.acked, sccb->args[0]);
		spin_unlock(&p->lock);
		wake_up_all(&p->wq);
		return LPAR_SCCB_OK;
	case LPAR_SC_METRIC:
		if (sccb->args[0] >= ARRAY_SIZE(p->stats.metric))
			return LPAR_SCCB_BAD_CMD;
		spin_lock(&p->lock);
		p->stats.metric[sccb->args[0]] = sccb->args[1];
		spin_unlock(&p->lock);
		return LPAR_SCCB_OK;
	case LPAR_SC_PCI:
		return lpar_pci_sc(p, sccb);
	case LPAR_SC_LOG:
		text = sccb->args[0];
		if (text > sccb->len - sizeof(*sccb))
			return LPAR_SCCB_BAD_LEN;
		guest_log(p, sccb->data, text);
		return LPAR_SCCB_OK;
	default:
		return LPAR_SCCB_BAD_CMD;
	}
}

/*
 * The SCCB lives in guest storage: copy it in whole, execute, copy it back,
 * so a guest changing it under us sees only its own confusion.
 */
static int service_port(struct lpar_partition *p, u64 gpa)
{
	struct lpar_sccb *sccb;
	void *va;
	u32 len;

	/*
	 * A bad SCCB address is the guest's mistake: the call does nothing
	 * (there is no block to put a status in), the partition goes on.
	 */
	if (!IS_ALIGNED(gpa, 8) ||
	    offset_in_page(gpa) + sizeof(*sccb) > PAGE_SIZE)
		return 0;
	sccb = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!sccb)
		return -ENOMEM;
	/* The page may be moving: access it through the move-safe path. */
	va = lpar_storage_get(p, gpa);
	if (!va) {
		kfree(sccb);
		return 0;
	}
	len = READ_ONCE(*(u32 *)va);
	if (len < sizeof(*sccb) || offset_in_page(gpa) + len > PAGE_SIZE) {
		((struct lpar_sccb *)va)->status = LPAR_SCCB_BAD_LEN;
		lpar_storage_put(p);
		kfree(sccb);
		return 0;
	}
	memcpy(sccb, va, len);
	lpar_storage_put(p);
	sccb->len = len;
	/*
	 * Counted before it takes effect: whoever sees its effect (a
	 * report, a heartbeat) also sees it counted.
	 */
	spin_lock(&p->lock);
	p->stats.sc_count++;
	spin_unlock(&p->lock);
	sccb->status = service_call(p, sccb);
	va = lpar_storage_get(p, gpa);
	if (va) {
		memcpy(va, sccb, len);
		lpar_storage_put(p);
	}
	kfree(sccb);
	return 0;
}

static long runner_io(struct lpar_partition *p, unsigned long arg)
{
	struct lpar_io io;
	long ret;

	ret = lpar_copy_in(&io, sizeof(io), sizeof(io), arg);
	if (ret)
		return ret;
	if ((io.flags & ~LPAR_IO_WRITE) || io.pad ||
	    (io.size != 1 && io.size != 2 && io.size != 4) ||
	    io.vcpu >= p->def.vcpus)
		return -EINVAL;
	spin_lock(&p->lock);
	if (!p->stats.first_insn_ns)
		p->stats.first_insn_ns = ktime_to_ns(ktime_sub(ktime_get(),
							       p->t_act));
	spin_unlock(&p->lock);
	if (io.port >= LPAR_PORT_COM1 && io.port < LPAR_PORT_COM1 + 8) {
		io.data = uart_io(p, &io);
	} else if (lpar_gpe_port(io.port)) {
		io.data = lpar_gpe_io(p, &io);
	} else if (io.port == LPAR_PORT_SERVICE && io.size == 4 &&
		   (io.flags & LPAR_IO_WRITE)) {
		ret = service_port(p, (u32)io.data);
		if (ret)
			return ret;
	} else if (!(io.flags & LPAR_IO_WRITE)) {
		io.data = GENMASK_ULL(io.size * 8 - 1, 0);
	}
	return lpar_copy_out(arg, &io, sizeof(io));
}

static long runner_info(struct lpar_partition *p, unsigned long arg)
{
	struct lpar_runner_info info;
	long ret;

	ret = lpar_copy_in(&info, sizeof(info), sizeof(info), arg);
	if (ret)
		return ret;
	if (info.flags)
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.flags = p->def.flags & LPAR_DEF_DEDICATED;
	info.id = p->def.id;
	info.vcpus = p->def.vcpus;
	down_read(&p->mv_sem);
	info.size = p->size;
	up_read(&p->mv_sem);
	info.cpumask = p->def.cpumask;
	info.weight = p->def.weight;
	info.entry = p->def.entry;
	info.cr3 = LPAR_BOOT_PT_GPA;
	info.gdt = LPAR_BOOT_GDT_GPA;
	info.boot_info = LPAR_BOOT_INFO_GPA;
	info.stack_top = LPAR_BOOT_STACK_TOP;
	return lpar_copy_out(arg, &info, sizeof(info));
}

/**
 * lpar_runner_ioctl() - ioctls on a partition fd.
 * @file: the partition fd.
 * @cmd: LPAR_RUNNER_* or LPAR_IO.
 * @arg: user pointer to the command's struct.
 *
 * Return: 0 or a negative errno; -ENODEV once the activation the fd was
 * made for has ended.
 */
long lpar_runner_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lpar_partition *p;
	u64 gen;

	p = lpar_pfile_part(file, &gen);
	if (READ_ONCE(p->gen) != gen)
		return -ENODEV;
	switch (cmd) {
	case LPAR_RUNNER_INFO:
		return runner_info(p, arg);
	case LPAR_RUNNER_WAIT:
		return runner_wait(p, gen, arg);
	case LPAR_RUNNER_EVENT:
		return runner_event(p, arg);
	case LPAR_IO:
		return runner_io(p, arg);
	case LPAR_RUNNER_SLOT:
		return lpar_pci_runner_slot(p, gen, arg);
	case LPAR_RUNNER_SCI:
		return lpar_gpe_set_sci(p, arg);
	default:
		return -ENOTTY;
	}
}
