// SPDX-License-Identifier: GPL-2.0
/*
 * uffd-wp bits left behind in a vma that is no longer wp-registered, and
 * what reclaim then does with the page.
 *
 * Generic mm is meant to clear every uffd-wp bit when a vma loses
 * VM_UFFD_WP. Three paths did not:
 *   stale-wp-reregister-missing  a wp range registered again for MISSING
 *                                only: the flags are replaced, the PTEs
 *                                keep their bits, and the later unregister
 *                                clears nothing (it only looks at vmas that
 *                                are still wp);
 *   stale-wp-fork-unread         EVENT_FORK, and the uffd released while
 *                                the fork event is pending: the child's
 *                                vmas are reset, its PTEs are not;
 *   stale-wp-move-swap           UFFDIO_MOVE of a swapped-out protected
 *                                page into a vma registered for MISSING
 *                                only: the swap PTE's flag moves along and
 *                                swap-in restores it.
 *   stale-wp-unregister          the control: a plain unregister.
 * A kernel that refuses the re-registration (EBUSY) cannot leak by it.
 *
 * Each test protects NP pages of anonymous memory, takes its path, and then
 * checks, once the vma is no longer wp-registered:
 *   - pagemap bit 57 is 0 on every page;
 *   - MADV_PAGEOUT (zram) swaps every page out (pagemap bit 62);
 *   - every page reads back byte for byte as written.
 *
 * On x86_64, arm64 and riscv64 a stale bit costs wrong pagemap output and
 * an extra fault. On s390x the present-PTE bit is _PAGE_UNUSED, and reclaim
 * (try_to_unmap_one()) discards a page whose PTE says "unused" outside a
 * userfaultfd-armed vma: the page is dropped, not swapped, and reads back
 * as zeros. That is data loss, and the last two checks see it.
 */
#include "regress.h"

#include <sched.h>

#define NP 8

#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE (1 << 16)
#endif

static char why[120];

/* What a path left behind, counted by after(): the test's verdict. */
struct outcome {
	unsigned wp;		/* pages with pagemap bit 57 */
	unsigned swapped;	/* pages MADV_PAGEOUT put in swap */
	unsigned bad;		/* pages that did not read back as written */
	unsigned zero;		/* of those, pages that read back as zeros */
	char first[200];	/* the first bad page's story */
};

/*
 * The checks, on a range no longer wp-registered: bit 57, then page-out,
 * then the data. Runs in whichever process owns the pages.
 */
static void after(char *base, uint64_t version, struct outcome *o)
{
	int pm = pagemap_open();
	size_t i;

	memset(o, 0, sizeof(*o));
	if (pm < 0) {
		o->bad = NP;
		snprintf(o->first, sizeof(o->first), "pagemap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++)
		if (pagemap_get(pm, base + i * psize) & PM_UFFD_WP)
			o->wp++;
	o->swapped = swap_out(pm, base, NP, NULL);
	for (i = 0; i < NP; i++) {
		char *p = base + i * psize;

		if (!page_check(p, i, version, why, sizeof(why)))
			continue;
		if (page_is_zero(p))
			o->zero++;
		if (!o->bad++)
			snprintf(o->first, sizeof(o->first), "page %zu: %s%s", i,
				 page_is_zero(p) ? "reads back as zeros: " : "", why);
	}
	close(pm);
}

static void judge(struct result *r, const struct outcome *o)
{
	if (o->wp)
		res_bad(r, "%u of %d pages still carry the uffd-wp bit (pagemap bit 57) "
			"in a vma that is not wp-registered", o->wp, NP);
	if (o->swapped != NP)
		res_bad(r, "MADV_PAGEOUT swapped %u of %d pages (pagemap bit 62)%s",
			o->swapped, NP, o->zero ? ": the others were discarded" : "");
	if (o->bad)
		res_bad(r, "%u of %d pages lost their data, %u read back as zeros (%s)",
			o->bad, NP, o->zero, o->first);
}

/* A protected range of NP filled pages: the start of every path. */
static char *protected_range(struct result *r, int uffd)
{
	char *p = map_anon(NP);
	size_t i;

	if (!p || uffd_register_wp(uffd, p, NP * psize)) {
		res_bad(r, "set-up: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < NP; i++)
		page_fill(p + i * psize, i, 1);
	if (uffd_wp(uffd, p, NP * psize, true)) {
		res_bad(r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * Every test's start: a userfaultfd with these features (a skip where the
 * kernel lacks one the test is about) and, unless range is NULL, a
 * protected range of NP filled pages in *range. Returns the uffd, or -1
 * with the test's result reported.
 */
static int start(struct result *r, uint64_t features, char **range)
{
	int uffd;

	if ((features & UFFD_FEATURE_MOVE) && !uffd_has(UFFD_FEATURE_MOVE)) {
		ktap_skip(r->name, "UFFDIO_MOVE not offered (no UFFD_FEATURE_MOVE)");
		return -1;
	}
	uffd = uffd_new_for(r, features);
	if (uffd < 0 || !range)
		return uffd;
	*range = protected_range(r, uffd);
	if (!*range) {
		res_report(r);
		close(uffd);
		return -1;
	}
	return uffd;
}

/* The end of a path on a range still registered: unregister, check, report. */
static void unregister_and_judge(struct result *r, int uffd, char *p)
{
	struct outcome o;

	if (uffd_unregister(uffd, p, NP * psize))
		res_bad(r, "UFFDIO_UNREGISTER: %s", strerror(errno));
	after(p, 1, &o);
	judge(r, &o);
	res_report(r);
	close(uffd);
	munmap(p, NP * psize);
}

static int register_missing(int uffd, void *addr, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg);
}

static void test_unregister(void)
{
	struct result r = { .name = "stale-wp-unregister" };
	char *p;
	int uffd = start(&r, UFFD_FEATURE_PAGEFAULT_FLAG_WP, &p);

	if (uffd < 0)
		return;
	unregister_and_judge(&r, uffd, p);
}

static void test_reregister(void)
{
	struct result r = { .name = "stale-wp-reregister-missing" };
	char *p;
	int pm, uffd = start(&r, UFFD_FEATURE_PAGEFAULT_FLAG_WP, &p);
	size_t i;
	unsigned wp = 0;

	if (uffd < 0)
		return;
	/*
	 * The vma's uffd flags become MISSING alone. A kernel may refuse
	 * that with EBUSY instead (7.3 does): the range then stays
	 * wp-registered, its bits are right, and the unregister below must
	 * clear them, which the checks after it see.
	 */
	pm = -1;
	if (register_missing(uffd, p, NP * psize)) {
		if (errno == EBUSY)
			ktap_diag("the kernel refuses to drop WP by re-registering (EBUSY)");
		else
			res_bad(&r, "UFFDIO_REGISTER (MISSING): %s", strerror(errno));
	} else {
		pm = pagemap_open();
	}
	for (i = 0; pm >= 0 && i < NP; i++)
		if (pagemap_get(pm, p + i * psize) & PM_UFFD_WP)
			wp++;
	if (wp)
		res_bad(&r, "after re-registering for MISSING only, %u of %d pages "
			"still carry the uffd-wp bit", wp, NP);
	close(pm);
	unregister_and_judge(&r, uffd, p);
}

/*
 * The holder process keeps the only reference to the uffd besides the
 * parent's; the parent closes its own before forking, so the child has
 * none. The holder waits until the fork event is pending (the uffd turns
 * readable) and closes it unread: the last reference goes while the event
 * waits, which releases the child's new context.
 */
static void holder(int uffd, int ready)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	char c = 0;

	if (write(ready, &c, 1) != 1)
		_exit(1);
	if (poll(&pfd, 1, 20000) != 1)
		_exit(2);
	close(uffd);
	_exit(0);
}

static void test_fork_unread(void)
{
	struct result r = { .name = "stale-wp-fork-unread" };
	/* No range yet: the holder must be there before anything is registered. */
	int uffd = start(&r, UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_EVENT_FORK, NULL);
	int ready[2];
	cpu_set_t all, one;
	struct child ch;
	pid_t h, c;
	struct outcome o;
	char *p;
	char b;
	int st = 0;

	if (uffd < 0)
		return;
	if (pipe(ready)) {
		ktap_fail(r.name, "pipe: %s", strerror(errno));
		return;
	}
	/*
	 * One CPU for all three: the parent's new pages wait in its CPU's LRU
	 * batch, and MADV_PAGEOUT drains only the batch of the CPU it runs on
	 * (it skips a folio not yet on the LRU). From another CPU the child
	 * could swap nothing, whatever the uffd-wp bits (seen on 7.3).
	 */
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	h = fork();	/* nothing registered yet: no fork event */
	if (h == 0)
		holder(uffd, ready[1]);
	if (h < 0 || read(ready[0], &b, 1) != 1) {
		ktap_fail(r.name, "holder: %s", strerror(errno));
		return;
	}
	p = protected_range(&r, uffd);
	if (!p) {
		kill(h, SIGKILL);
		waitpid(h, NULL, 0);
		res_report(&r);
		return;
	}
	close(uffd);
	ktap_watchdog(30, r.name);
	c = child_fork(&ch);	/* waits until the holder lets go of the uffd */
	if (c == 0) {
		if (child_await_go(&ch))
			_exit(1);
		after(p, 1, &o);
		child_exit(&ch, &o, sizeof(o));
	}
	if (c < 0) {
		ktap_watchdog(0, NULL);
		ktap_fail(r.name, "fork: %s", strerror(errno));
		return;
	}
	/* The parent's copy goes, so that the child's pages are its alone. */
	munmap(p, NP * psize);
	if (child_go(&ch) || child_result(&ch, &o, sizeof(o)))
		res_bad(&r, "the child reported nothing");
	else
		judge(&r, &o);
	ktap_watchdog(0, NULL);
	if (child_end(&ch, 10) < 0)
		res_bad(&r, "the child hung");
	if (waitpid(h, &st, 0) != h || !WIFEXITED(st) || WEXITSTATUS(st))
		res_bad(&r, "the holder never saw the fork event pending (status %#x)", st);
	sched_setaffinity(0, sizeof(all), &all);
	res_report(&r);
}

static void test_move_swap(void)
{
	struct result r = { .name = "stale-wp-move-swap" };
	struct uffdio_move mv;
	struct outcome o;
	char *src, *dst;
	int pm, uffd = start(&r, UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_MOVE, &src);
	size_t n;

	if (uffd < 0)
		return;
	dst = map_anon(NP);
	pm = pagemap_open();
	if (!dst || pm < 0) {
		res_bad(&r, "set-up: %s", strerror(errno));
		res_report(&r);
		return;
	}
	n = swap_out(pm, src, NP, NULL);
	if (n != NP) {
		res_bad(&r, "set-up: MADV_PAGEOUT swapped %zu of %d protected pages", n, NP);
		res_report(&r);
		return;
	}
	if (register_missing(uffd, dst, NP * psize)) {
		res_bad(&r, "UFFDIO_REGISTER (MISSING) of the destination: %s", strerror(errno));
		res_report(&r);
		return;
	}
	mv = (struct uffdio_move){ .dst = (uintptr_t)dst, .src = (uintptr_t)src,
				   .len = NP * psize };
	if (ioctl(uffd, UFFDIO_MOVE, &mv) || mv.move != (int64_t)(NP * psize)) {
		res_bad(&r, "UFFDIO_MOVE: %s (moved %lld bytes)", strerror(errno),
			(long long)mv.move);
		res_report(&r);
		return;
	}
	if (uffd_unregister(uffd, dst, NP * psize) || uffd_unregister(uffd, src, NP * psize))
		res_bad(&r, "UFFDIO_UNREGISTER: %s", strerror(errno));
	/* Swap in (a read), then the usual checks. */
	for (n = 0; n < NP; n++)
		(void)*(volatile char *)(dst + n * psize);
	after(dst, 1, &o);
	judge(&r, &o);
	res_report(&r);
	close(pm);
	close(uffd);
	munmap(dst, NP * psize);
	munmap(src, NP * psize);
}

int main(void)
{
	static const char *names[] = {
		"stale-wp-unregister", "stale-wp-reregister-missing",
		"stale-wp-fork-unread", "stale-wp-move-swap",
	};
	char reason[300];
	long swap;

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		ktap_skip_all(names, ARRAY_SIZE(names), reason);
		return ktap_exit();
	}
	swap = meminfo_kb("SwapTotal");
	if (swap <= 0) {
		snprintf(reason, sizeof(reason), "no swap (SwapTotal %ld kB)", swap);
		ktap_skip_all(names, ARRAY_SIZE(names), reason);
		return ktap_exit();
	}
	test_unregister();
	test_reregister();
	test_fork_unread();
	test_move_swap();
	return ktap_exit();
}
