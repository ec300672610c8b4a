// SPDX-License-Identifier: GPL-2.0
/*
 * lpar - per-partition console log.
 *
 * What a partition writes to its serial port is kept in a ring of
 * LPAR_CONSOLE_SIZE bytes.  Readers address it by absolute byte position
 * (like /dev/kmsg sequence numbers), so a follower never misses or repeats
 * bytes while they are kept, and learns when it fell behind.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "lpar.h"

/**
 * lpar_console_put() - append guest output.
 * @p: the partition.
 * @s: bytes.
 * @len: how many.
 */
void lpar_console_put(struct lpar_partition *p, const char *s, size_t len)
{
	spin_lock(&p->lock);
	while (len--) {
		p->con[p->con_head % LPAR_CONSOLE_SIZE] = *s++;
		p->con_head++;
	}
	spin_unlock(&p->lock);
	wake_up_all(&p->wq);
}

/**
 * lpar_console_copy() - read console bytes from a position.
 * @p: the partition.
 * @pos: position to start at (in); position after the last byte (out).
 *	A position older than what is kept starts at the oldest byte kept.
 * @buf: kernel buffer.
 * @len: room in @buf.
 * @head: total bytes ever written (out).
 *
 * Return: bytes copied.
 */
ssize_t lpar_console_copy(struct lpar_partition *p, u64 *pos, char *buf,
			  size_t len, u64 *head)
{
	u64 start, n, i;

	spin_lock(&p->lock);
	*head = p->con_head;
	start = *pos;
	if (p->con_head > LPAR_CONSOLE_SIZE &&
	    start < p->con_head - LPAR_CONSOLE_SIZE)
		start = p->con_head - LPAR_CONSOLE_SIZE;
	if (start > p->con_head)
		start = p->con_head;
	n = min_t(u64, len, p->con_head - start);
	for (i = 0; i < n; i++)
		buf[i] = p->con[(start + i) % LPAR_CONSOLE_SIZE];
	spin_unlock(&p->lock);
	*pos = start + n;
	return n;
}

/**
 * lpar_console_tail() - the newest console bytes.
 * @p: the partition.
 * @buf: kernel buffer.
 * @len: room in @buf: at most this many of the newest bytes are copied.
 *
 * One snapshot under @p->lock, so the bytes end at the head as it was
 * (a writer appending meanwhile does not shift them).
 *
 * Return: bytes copied.
 */
ssize_t lpar_console_tail(struct lpar_partition *p, char *buf, size_t len)
{
	u64 start, n, i;

	spin_lock(&p->lock);
	n = min3((u64)len, p->con_head, (u64)LPAR_CONSOLE_SIZE);
	start = p->con_head - n;
	for (i = 0; i < n; i++)
		buf[i] = p->con[(start + i) % LPAR_CONSOLE_SIZE];
	spin_unlock(&p->lock);
	return n;
}
