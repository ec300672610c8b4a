// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - sysfs: /sys/kernel/lpar.
 *
 * One value per file (the pool map is the one table, as a map must be).
 * The command files run the same code as the ioctls, with the same checks.
 * See Documentation/ABI/testing/sysfs-kernel-lpar.
 */
#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "lpar.h"

static struct kobject *lpar_kobj;
static struct kobject *pool_kobj;
static struct kset *parts_kset;

#define to_part(k) container_of(k, struct lpar_partition, kobj)

/* Top level and pool. */

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", LPAR_API_VERSION);
}

static ssize_t increment_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", lpar_pool.increment);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute increment_attr = __ATTR_RO(increment);

static struct attribute *lpar_attrs[] = {
	&version_attr.attr,
	&increment_attr.attr,
	NULL,
};

static const struct attribute_group lpar_group = {
	.attrs = lpar_attrs,
};

static ssize_t total_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%llu\n", lpar_pool.total);
}

static ssize_t free_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	u64 free;

	mutex_lock(&lpar_mutex);
	free = lpar_pool_free_bytes(NULL);
	mutex_unlock(&lpar_mutex);
	return sysfs_emit(buf, "%llu\n", free);
}

static ssize_t largest_free_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	u64 largest;

	mutex_lock(&lpar_mutex);
	lpar_pool_free_bytes(&largest);
	mutex_unlock(&lpar_mutex);
	return sysfs_emit(buf, "%llu\n", largest);
}

static ssize_t map_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return lpar_pool_map_show(buf);
}

static struct kobj_attribute total_attr = __ATTR_RO(total);
static struct kobj_attribute free_attr = __ATTR_RO(free);
static struct kobj_attribute largest_free_attr = __ATTR_RO(largest_free);
static struct kobj_attribute map_attr = __ATTR_RO(map);

static struct attribute *pool_attrs[] = {
	&total_attr.attr,
	&free_attr.attr,
	&largest_free_attr.attr,
	&map_attr.attr,
	NULL,
};

static const struct attribute_group pool_group = {
	.attrs = pool_attrs,
};

/* Partitions. */

struct part_attr {
	struct attribute attr;
	ssize_t (*show)(struct lpar_partition *p, char *buf);
	ssize_t (*store)(struct lpar_partition *p, const char *buf,
			 size_t len);
};

#define PART_RO(_name)							\
	static struct part_attr part_attr_##_name = {			\
		.attr = { .name = __stringify(_name), .mode = 0444 },	\
		.show = _name##_show,					\
	}
#define PART_WO(_name)							\
	static struct part_attr part_attr_##_name = {			\
		.attr = { .name = __stringify(_name), .mode = 0200 },	\
		.store = _name##_store,					\
	}

/*
 * The definition is immutable while the partition exists and the status
 * fields are read under lpar_mutex, so each file is one consistent value.
 */
#define PART_SHOW(_name, _fmt, _val)					\
	static ssize_t _name##_show(struct lpar_partition *p, char *buf)\
	{								\
		ssize_t n;						\
									\
		mutex_lock(&lpar_mutex);				\
		n = sysfs_emit(buf, _fmt "\n", _val);			\
		mutex_unlock(&lpar_mutex);				\
		return n;						\
	}								\
	PART_RO(_name)

PART_SHOW(name, "%s", p->def.name);
PART_SHOW(state, "%s", lpar_state_name(p->state));
PART_SHOW(size, "%llu", p->size);
PART_SHOW(vcpus, "%u", p->def.vcpus);
PART_SHOW(placement, "%s",
	  p->def.flags & LPAR_DEF_DEDICATED ? "dedicated" : "shared");
PART_SHOW(weight, "%u", p->def.weight);
PART_SHOW(image, "%s", p->def.image);
PART_SHOW(load_addr, "%#llx", p->def.load_addr);
PART_SHOW(entry, "%#llx", p->def.entry);

/* Under the partition's lock, as every writer of it (lpar_set_reason()). */
static ssize_t reason_show(struct lpar_partition *p, char *buf)
{
	char why[LPAR_REASON_LEN];

	lpar_get_reason(p, why, sizeof(why));
	return sysfs_emit(buf, "%s\n", why);
}

PART_RO(reason);

PART_SHOW(runner_pid, "%d", pid_nr(p->runner_pid));
PART_SHOW(activations, "%u", p->stats.activations);

static ssize_t origin_show(struct lpar_partition *p, char *buf)
{
	ssize_t n;

	mutex_lock(&lpar_mutex);
	if (p->has_storage)
		n = sysfs_emit(buf, "%#llx\n", (u64)p->origin);
	else if (p->def.flags & LPAR_DEF_ORIGIN)
		n = sysfs_emit(buf, "%#llx\n", p->def.origin);
	else
		n = sysfs_emit(buf, "none\n");
	mutex_unlock(&lpar_mutex);
	return n;
}

PART_RO(origin);

static ssize_t cpus_show(struct lpar_partition *p, char *buf)
{
	unsigned long mask = p->def.cpumask;

	return sysfs_emit(buf, "%*pbl\n", BITS_PER_LONG, &mask);
}

PART_RO(cpus);

/*
 * The newest bytes of the log, at most a page less one: sysfs takes no
 * more (a full page is a "bad count" and is cut from the end, losing the
 * newest bytes).  lparctl console (LPAR_CONSOLE_READ) reads all of it.
 */
static ssize_t console_show(struct lpar_partition *p, char *buf)
{
	return lpar_console_tail(p, buf, PAGE_SIZE - 1);
}

/* What a guest prints may be a password typed at it: root only. */
static struct part_attr part_attr_console = {
	.attr = { .name = "console", .mode = 0400 },
	.show = console_show,
};

/* Command files take "1"; the result is the command's errno or @len. */
static ssize_t run_cmd(struct lpar_partition *p, const char *buf, size_t len,
		       int (*cmd)(struct lpar_partition *p))
{
	int ret;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	ret = cmd(p);
	return ret ? ret : len;
}

static ssize_t act_store(struct lpar_partition *p, const char *buf, size_t len)
{
	return run_cmd(p, buf, len, lpar_act);
}

PART_WO(act);

static ssize_t deact_store(struct lpar_partition *p, const char *buf,
			   size_t len)
{
	u32 flags;
	int ret;

	if (sysfs_streq(buf, "1"))
		flags = 0;
	else if (sysfs_streq(buf, "force"))
		flags = LPAR_DEACT_FORCE;
	else
		return -EINVAL;
	ret = lpar_deact(p, flags, 0);
	return ret ? ret : len;
}

PART_WO(deact);

static ssize_t stop_store(struct lpar_partition *p, const char *buf, size_t len)
{
	return run_cmd(p, buf, len, lpar_stop);
}

PART_WO(stop);

static ssize_t resume_store(struct lpar_partition *p, const char *buf,
			    size_t len)
{
	return run_cmd(p, buf, len, lpar_resume);
}

PART_WO(resume);

static ssize_t mvstor_store(struct lpar_partition *p, const char *buf,
			    size_t len)
{
	u64 origin;
	int ret;

	ret = kstrtou64(buf, 0, &origin);
	if (ret)
		return ret;
	ret = lpar_mvstor_store(p, origin);
	return ret ? ret : len;
}

PART_WO(mvstor);

/* The last storage move, one value per file under last_move/. */
#define MOVE_SHOW(_name, _fmt)						\
	static ssize_t move_##_name##_show(struct lpar_partition *p,	\
					   char *buf)			\
	{								\
		struct lpar_move_result r;				\
									\
		spin_lock(&p->lock);					\
		r = p->mv_last;						\
		spin_unlock(&p->lock);					\
		return sysfs_emit(buf, _fmt "\n", r._name);		\
	}								\
	static struct part_attr move_attr_##_name = {			\
		.attr = { .name = __stringify(_name), .mode = 0444 },	\
		.show = move_##_name##_show,				\
	}

MOVE_SHOW(old_origin, "%#llx");
MOVE_SHOW(new_origin, "%#llx");
MOVE_SHOW(bytes, "%llu");
MOVE_SHOW(time_ns, "%llu");
MOVE_SHOW(chunks, "%llu");
MOVE_SHOW(max_pause_ns, "%llu");
MOVE_SHOW(result, "%d");

static struct attribute *move_attrs[] = {
	&move_attr_old_origin.attr,
	&move_attr_new_origin.attr,
	&move_attr_bytes.attr,
	&move_attr_time_ns.attr,
	&move_attr_chunks.attr,
	&move_attr_max_pause_ns.attr,
	&move_attr_result.attr,
	NULL,
};

static const struct attribute_group move_group = {
	.name = "last_move",
	.attrs = move_attrs,
};

static struct attribute *part_attrs[] = {
	&part_attr_name.attr,
	&part_attr_state.attr,
	&part_attr_origin.attr,
	&part_attr_size.attr,
	&part_attr_vcpus.attr,
	&part_attr_placement.attr,
	&part_attr_cpus.attr,
	&part_attr_weight.attr,
	&part_attr_image.attr,
	&part_attr_load_addr.attr,
	&part_attr_entry.attr,
	&part_attr_reason.attr,
	&part_attr_runner_pid.attr,
	&part_attr_activations.attr,
	&part_attr_console.attr,
	&part_attr_act.attr,
	&part_attr_deact.attr,
	&part_attr_stop.attr,
	&part_attr_resume.attr,
	&part_attr_mvstor.attr,
	NULL,
};

static const struct attribute_group part_group = {
	.attrs = part_attrs,
};

static const struct attribute_group *part_groups[] = {
	&part_group,
	&move_group,
	NULL,
};

static ssize_t part_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct part_attr *pa = container_of(attr, struct part_attr, attr);

	return pa->show ? pa->show(to_part(kobj), buf) : -EIO;
}

static ssize_t part_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t len)
{
	struct part_attr *pa = container_of(attr, struct part_attr, attr);

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return pa->store ? pa->store(to_part(kobj), buf, len) : -EIO;
}

static const struct sysfs_ops part_sysfs_ops = {
	.show = part_attr_show,
	.store = part_attr_store,
};

static struct kobj_type part_ktype = {
	.release = lpar_part_release,
	.sysfs_ops = &part_sysfs_ops,
	.default_groups = part_groups,
};

static const char *parts_uevent_name(struct kobject *kobj)
{
	return "lpar";
}

static const struct kset_uevent_ops parts_uevent_ops = {
	.name = parts_uevent_name,
};

/**
 * lpar_sysfs_add() - publish a new partition.
 * @p: the partition; on failure it is freed through its kobject.
 *
 * Return: 0 or a negative errno.
 */
int lpar_sysfs_add(struct lpar_partition *p)
{
	int ret;

	p->kobj.kset = parts_kset;
	ret = kobject_init_and_add(&p->kobj, &part_ktype, NULL, "%u",
				   p->def.id);
	if (ret) {
		kobject_put(&p->kobj);
		return ret;
	}
	kobject_uevent(&p->kobj, KOBJ_ADD);
	return 0;
}

/**
 * lpar_sysfs_uevent() - tell user space the partition changed state.
 * @p: the partition.
 *
 * Context: lpar_mutex held (the state cannot change under us).
 */
void lpar_sysfs_uevent(struct lpar_partition *p)
{
	char id[24], name[16 + LPAR_NAME_LEN], state[32];
	char *envp[4];

	lockdep_assert_held(&lpar_mutex);
	snprintf(id, sizeof(id), "LPAR_ID=%u", p->def.id);
	snprintf(name, sizeof(name), "LPAR_NAME=%s", p->def.name);
	snprintf(state, sizeof(state), "LPAR_STATE=%s",
		 lpar_state_name(p->state));
	envp[0] = id;
	envp[1] = name;
	envp[2] = state;
	envp[3] = NULL;
	kobject_uevent_env(&p->kobj, KOBJ_CHANGE, envp);
}

/**
 * lpar_sysfs_root() - the lpar directory in sysfs, for parts that add theirs.
 *
 * Return: the kobject; valid between lpar_sysfs_init() and lpar_sysfs_exit().
 */
struct kobject *lpar_sysfs_root(void)
{
	return lpar_kobj;
}

/**
 * lpar_sysfs_init() - create /sys/kernel/lpar.
 *
 * Return: 0 or a negative errno.
 */
int lpar_sysfs_init(void)
{
	int ret = -ENOMEM;

	lpar_kobj = kobject_create_and_add("lpar", kernel_kobj);
	if (!lpar_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(lpar_kobj, &lpar_group);
	if (ret)
		goto err;
	pool_kobj = kobject_create_and_add("pool", lpar_kobj);
	if (!pool_kobj) {
		ret = -ENOMEM;
		goto err;
	}
	ret = sysfs_create_group(pool_kobj, &pool_group);
	if (ret)
		goto err_pool;
	parts_kset = kset_create_and_add("partitions", &parts_uevent_ops,
					 lpar_kobj);
	if (!parts_kset) {
		ret = -ENOMEM;
		goto err_pool;
	}
	return 0;

err_pool:
	kobject_put(pool_kobj);
err:
	kobject_put(lpar_kobj);
	return ret;
}

/**
 * lpar_sysfs_exit() - remove /sys/kernel/lpar; no partition is left.
 */
void lpar_sysfs_exit(void)
{
	kset_unregister(parts_kset);
	kobject_put(pool_kobj);
	kobject_put(lpar_kobj);
}
