// SPDX-License-Identifier: GPL-2.0
/*
 * A test-only window on one kind of TLB flush, for ptemark's regression
 * suite (tests/regress/004-flush-pending.c).
 *
 * do_wp_page() must flush the faulting page when userfaultfd write-protect
 * has a TLB flush pending (seed 004). No user-visible effect tells whether
 * it did: since 5.19 a page with a stale writable TLB entry elsewhere is
 * always reused, never copied. So the test watches the flush itself.
 * Every arch that sends flush_tlb_page() to other CPUs also tells the mm's
 * notifiers (mmu_notifier_arch_invalidate_secondary_tlbs()); this file
 * subscribes to that for the caller's mm and counts the calls that cover
 * one address.
 *
 * /sys/kernel/debug/ptemark_flush_probe, per open file:
 *   write "watch ADDR"  subscribe the caller's mm, count flushes of ADDR
 *   write "pending 1"   hold the mm's TLB-flush-pending count raised
 *   write "pending 0"   drop it again
 *   write "flush"       flush_tlb_page() on ADDR here, to calibrate
 *   read                the count so far
 * Closing the file undoes all of it.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/tlbflush.h>

struct flush_probe {
	struct mmu_notifier mn;
	struct mm_struct *mm;	/* set once subscribed */
	unsigned long addr;
	atomic_long_t hits;
	bool pending;
	struct mutex lock;
};

static void probe_secondary_tlbs(struct mmu_notifier *mn, struct mm_struct *mm,
				 unsigned long start, unsigned long end)
{
	struct flush_probe *p = container_of(mn, struct flush_probe, mn);
	unsigned long addr = READ_ONCE(p->addr);

	if (start <= addr && addr < end)
		atomic_long_inc(&p->hits);
}

static const struct mmu_notifier_ops probe_ops = {
	.arch_invalidate_secondary_tlbs = probe_secondary_tlbs,
};

static int probe_open(struct inode *inode, struct file *file)
{
	struct flush_probe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->mn.ops = &probe_ops;
	mutex_init(&p->lock);
	file->private_data = p;
	return 0;
}

static int probe_release(struct inode *inode, struct file *file)
{
	struct flush_probe *p = file->private_data;

	if (p->pending)
		dec_tlb_flush_pending(p->mm);
	if (p->mm)
		mmu_notifier_unregister(&p->mn, p->mm);
	kfree(p);
	return 0;
}

static int probe_watch(struct flush_probe *p, unsigned long addr)
{
	int ret;

	if (p->mm && p->mm != current->mm)
		return -EINVAL;
	if (!p->mm) {
		if (!current->mm)
			return -EINVAL;
		ret = mmu_notifier_register(&p->mn, current->mm);
		if (ret)
			return ret;
		p->mm = current->mm;
	}
	WRITE_ONCE(p->addr, addr);
	atomic_long_set(&p->hits, 0);
	return 0;
}

/* What flush_tlb_page() on the watched address does here, counted or not. */
static int probe_flush(struct flush_probe *p)
{
	struct vm_area_struct *vma;

	if (p->mm != current->mm)
		return -EINVAL;
	mmap_read_lock(p->mm);
	vma = vma_lookup(p->mm, p->addr);
	if (vma)
		flush_tlb_page(vma, p->addr);
	mmap_read_unlock(p->mm);
	return vma ? 0 : -EFAULT;
}

static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *off)
{
	struct flush_probe *p = file->private_data;
	unsigned long val;
	char buf[64];
	int ret = -EINVAL;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&p->lock);
	if (sscanf(buf, "watch %lx", &val) == 1) {
		ret = probe_watch(p, val);
	} else if (sscanf(buf, "pending %lu", &val) == 1 && p->mm == current->mm) {
		if (val && !p->pending)
			inc_tlb_flush_pending(p->mm);
		else if (!val && p->pending)
			dec_tlb_flush_pending(p->mm);
		p->pending = !!val;
		ret = 0;
	} else if (!strncmp(buf, "flush", 5)) {
		ret = probe_flush(p);
	}
	mutex_unlock(&p->lock);
	return ret ? ret : len;
}

static ssize_t probe_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *off)
{
	struct flush_probe *p = file->private_data;
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%ld\n", atomic_long_read(&p->hits));

	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.open = probe_open,
	.release = probe_release,
	.read = probe_read,
	.write = probe_write,
	.llseek = default_llseek,
};

static int __init flush_probe_init(void)
{
	debugfs_create_file("ptemark_flush_probe", 0600, NULL, NULL, &probe_fops);
	return 0;
}
late_initcall(flush_probe_init);
