// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 000: "We can't rely only on the RW bit of the mapped pagetable
 * because that information is destroyed by fork() or KSM or swap" (Andrea
 * Arcangeli, userfaultfd: wp: add WP pagetable tracking to x86, 2019).
 * uffd-wp therefore keeps its own bit in the present PTE and another in the
 * swap PTE. A page that the monitor write-protected must stay protected
 * through fork, KSM merging and swap-out/swap-in, and a page it never
 * protected must not fault, although all three take write permission away.
 *
 * Checked two ways: the uffd-wp bit of /proc/self/pagemap (bit 57), and the
 * write-protect fault the monitor receives when the page is written
 * (exactly one per protected page, none for the others).
 *
 * Kernel changes that make these tests fail:
 * - an arch's pte_swp_mkuffd_wp()/pte_swp_uffd_wp() that do nothing, or a
 *   swap PTE layout whose uffd-wp bit overlaps the swap type/offset
 *   (000-swap-*: the bit is gone after MADV_PAGEOUT, no fault on write, or
 *   the page comes back wrong);
 * - do_swap_page() not turning the swap bit into pte_mkuffd_wp()
 *   (000-swap-in-wp-bit, 000-swap-wp-fault);
 * - copy_present_pte()/copy_nonpresent_pte() keeping the bit for a child
 *   whose VMA is not registered, or dropping it for one that is
 *   (000-fork-*-child), or do_wp_page() treating the COW read-only PTE as
 *   a uffd-wp one (spurious faults on unprotected pages, 000-fork-*-parent);
 * - KSM's replace_page() building the new PTE from vm_page_prot alone,
 *   without carrying pte_uffd_wp() over (000-ksm-*). NOTE: that is what
 *   upstream does: 6.12.117 (x86_64 and arm64 guests) and the 6.18
 *   host kernel both fail 000-ksm-wp-bit and 000-ksm-wp-fault - every
 *   protected page KSM maps onto another page's KSM copy loses its bit and
 *   the next write breaks COW without a userfault (only the page that
 *   itself became the KSM page keeps it). Carrying the bit over in
 *   replace_page() (if (pte_uffd_wp(orig_pte)) newpte =
 *   pte_mkuffd_wp(newpte);) makes both pass;
 * - a marker (protected, never populated page, UFFD_FEATURE_WP_UNPOPULATED)
 *   lost or kept wrongly across fork.
 * To see the fork test fail, flip the expectation of pages 4-5 ("never
 * protected") to protected: 000-fork-*-parent then reports "write landed
 * without a wp fault" for them.
 */
#include "regress.h"

#define NP 10
#define NTESTS 9

static char why[128];

/* Page roles in the fork test. */
enum role { PROT_PRESENT, PROT_SWAPPED, FREE_PRESENT, FREE_SWAPPED, PROT_MARKER };

static const enum role fork_role[NP] = {
	PROT_PRESENT, PROT_PRESENT, PROT_SWAPPED, PROT_SWAPPED,
	FREE_PRESENT, FREE_PRESENT, FREE_SWAPPED, FREE_SWAPPED,
	PROT_MARKER, PROT_MARKER,
};

static const char *role_name(enum role r)
{
	switch (r) {
	case PROT_PRESENT: return "protected";
	case PROT_SWAPPED: return "protected+swapped";
	case FREE_PRESENT: return "unprotected";
	case FREE_SWAPPED: return "unprotected+swapped";
	case PROT_MARKER: return "protected+unpopulated";
	}
	return "?";
}

/* What the child of a fork saw, in a MAP_SHARED page. */
struct child_report {
	uint64_t pm[NP];	/* its pagemap before touching anything */
	int content_before;	/* pages not as the parent left them at fork */
	int content_after;	/* changed by the parent's later writes */
	int own_write;		/* its own writes did not stick */
	char msg[300];
	int done;
};

static bool prot_of(enum role r, bool markers)
{
	return r == PROT_PRESENT || r == PROT_SWAPPED ||
	       (r == PROT_MARKER && markers);
}

static void check_faults(struct result *r, unsigned *faults,
			 const bool *prot, size_t n, const char *who)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned f = mon_get(&faults[i]);

		if (prot[i] && f == 0)
			res_bad(r, "%s page %zu (protected): write landed without a wp fault",
				who, i);
		else if (prot[i] && f > 1)
			res_bad(r, "%s page %zu: %u wp faults for one write", who, i, f);
		else if (!prot[i] && f)
			res_bad(r, "%s page %zu (never protected): %u spurious wp fault(s)",
				who, i, f);
	}
}

/*
 * Write generation 2 to every page under a watchdog, then check that the
 * protected pages, and only they, faulted once, and that every write landed.
 */
static void write_and_check(struct result *r, struct mon *m, char *area,
			    const bool *prot, size_t n, const char *who)
{
	size_t i;

	ktap_watchdog(30, r->name);
	for (i = 0; i < n; i++)
		page_fill(area + i * psize, i, 2);
	ktap_watchdog(0, NULL);
	check_faults(r, m->faults, prot, n, who);
	for (i = 0; i < n; i++)
		if (page_check(area + i * psize, i, 2, why, sizeof(why)))
			res_bad(r, "%s page %zu after the write: %s", who, i, why);
}

static void check_monitor(struct result *r, struct mon *m)
{
	if (mon_get(&m->stray))
		res_bad(r, "%u wp fault(s) outside the area", mon_get(&m->stray));
	if (mon_get(&m->missing))
		res_bad(r, "%u fault(s) without the WP flag", mon_get(&m->missing));
	if (m->err[0])
		res_bad(r, "monitor: %s", m->err);
}

static void child_main(char *area, int pipe_rd, struct child_report *rep,
		       bool markers)
{
	int pm = pagemap_open();
	size_t i;
	char c;

	signal(SIGALRM, SIG_DFL);
	alarm(20);	/* killed by it if a write hangs: the parent reports that */
	for (i = 0; i < NP; i++)
		rep->pm[i] = pagemap_get(pm, area + i * psize);
	for (i = 0; i < NP; i++) {
		char *p = area + i * psize;
		int bad = fork_role[i] == PROT_MARKER ? !page_is_zero(p) :
			  page_check(p, i, 1, why, sizeof(why));

		if (bad && !rep->content_before++)
			snprintf(rep->msg, sizeof(rep->msg), "page %zu at fork: %s",
				 i, fork_role[i] == PROT_MARKER ? "not zero" : why);
	}
	/* the parent writes its copies now */
	if (read(pipe_rd, &c, 1) != 1)
		_exit(2);
	for (i = 0; i < NP; i++) {
		char *p = area + i * psize;
		int bad = fork_role[i] == PROT_MARKER ? !page_is_zero(p) :
			  page_check(p, i, 1, why, sizeof(why));

		if (bad && !rep->content_after++ && !rep->msg[0])
			snprintf(rep->msg, sizeof(rep->msg),
				 "page %zu after the parent wrote: %s", i, why);
	}
	/* its own writes: with EVENT_FORK the protected ones fault first */
	for (i = 0; i < NP; i++)
		page_fill(area + i * psize, 0x100 + i, 3);
	for (i = 0; i < NP; i++)
		if (page_check(area + i * psize, 0x100 + i, 3, why, sizeof(why)) &&
		    !rep->own_write++ && !rep->msg[0])
			snprintf(rep->msg, sizeof(rep->msg),
				 "page %zu after its own write: %s", i, why);
	rep->done = 1;
	(void)markers;
	_exit(0);
}

static void test_fork(bool with_event)
{
	struct result rp = { .name = with_event ? "000-fork-event-parent" :
						  "000-fork-noevent-parent" };
	struct result rc = { .name = with_event ? "000-fork-event-child" :
						  "000-fork-noevent-child" };
	bool markers = uffd_has(UFFD_FEATURE_WP_UNPOPULATED);
	uint64_t features = UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			    (with_event ? UFFD_FEATURE_EVENT_FORK : 0) |
			    (markers ? UFFD_FEATURE_WP_UNPOPULATED : 0);
	bool prot[NP], want_swap[NP];
	struct child_report *rep;
	int uffd, pm, pfd[2], st;
	size_t i, nswapped, nwant = 0;
	struct mon m;
	char *area;
	pid_t pid;

	if (with_event && !uffd_has(UFFD_FEATURE_EVENT_FORK)) {
		ktap_skip(rp.name, "UFFD_FEATURE_EVENT_FORK not offered");
		ktap_skip(rc.name, "UFFD_FEATURE_EVENT_FORK not offered");
		return;
	}
	area = map_anon(NP);
	rep = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uffd = uffd_new(features);
	pm = pagemap_open();
	if (!area || rep == MAP_FAILED || uffd < 0 || pm < 0 || pipe(pfd) ||
	    uffd_register_wp(uffd, area, NP * psize)) {
		ktap_fail(rp.name, "set-up: %s", strerror(errno));
		ktap_fail(rc.name, "set-up failed");
		return;
	}
	memset(rep, 0, sizeof(*rep));
	for (i = 0; i < NP; i++) {
		prot[i] = prot_of(fork_role[i], markers);
		want_swap[i] = fork_role[i] == PROT_SWAPPED ||
			       fork_role[i] == FREE_SWAPPED;
		nwant += want_swap[i];
		if (fork_role[i] != PROT_MARKER)
			page_fill(area + i * psize, i, 1);
	}
	if (mon_start(&m, uffd, area, NP)) {
		ktap_fail(rp.name, "monitor: %s", strerror(errno));
		ktap_fail(rc.name, "set-up failed");
		return;
	}
	for (i = 0; i < NP; i++)
		if (prot[i] && uffd_wp(uffd, area + i * psize, psize, true))
			res_bad(&rp, "UFFDIO_WRITEPROTECT page %zu: %s", i,
				strerror(errno));
	nswapped = swap_out(pm, area, NP, want_swap);
	if (nswapped != nwant)
		ktap_diag("%s: only %zu of %zu pages went to swap", rp.name,
			  nswapped, nwant);
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, area + i * psize);

		if (!!(e & PM_UFFD_WP) != prot[i])
			res_bad(&rp, "before fork: page %zu (%s) pagemap %#" PRIx64
				" uffd-wp bit %s", i, role_name(fork_role[i]), e,
				prot[i] ? "clear" : "set");
	}

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		child_main(area, pfd[0], rep, markers);
	}
	close(pfd[0]);
	if (pid < 0) {
		ktap_fail(rp.name, "fork: %s", strerror(errno));
		ktap_fail(rc.name, "fork failed");
		mon_stop(&m);
		return;
	}
	ktap_watchdog(30, rp.name);
	/* the parent keeps its protection across fork ... */
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, area + i * psize);

		if (!!(e & PM_UFFD_WP) != prot[i])
			res_bad(&rp, "after fork: page %zu (%s) pagemap %#" PRIx64
				" uffd-wp bit %s", i, role_name(fork_role[i]), e,
				prot[i] ? "clear" : "set");
	}
	ktap_watchdog(0, NULL);
	/* ... and its writes fault exactly where it protected, COW or not */
	write_and_check(&rp, &m, area, prot, NP, "parent");

	if (write(pfd[1], "g", 1) != 1)
		res_bad(&rc, "cannot signal the child");
	close(pfd[1]);
	st = wait_child(pid, 30);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) || !rep->done) {
		res_bad(&rc, "child did not finish (%s): a write in it hangs or crashed",
			st == -1 ? "killed after 30s" :
			WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exit status");
	} else {
		for (i = 0; i < NP; i++) {
			/* registered child (EVENT_FORK) keeps the bits, else not */
			bool exp = with_event && prot[i];

			if (!!(rep->pm[i] & PM_UFFD_WP) != exp)
				res_bad(&rc, "child page %zu (%s) pagemap %#" PRIx64
					" uffd-wp bit %s, expected %s", i,
					role_name(fork_role[i]), rep->pm[i],
					exp ? "clear" : "set", exp ? "set" : "clear");
		}
		if (rep->content_before || rep->content_after || rep->own_write)
			res_bad(&rc, "child data: %s", rep->msg);
		if (with_event) {
			if (mon_get(&m.forks) != 1)
				res_bad(&rc, "%u fork events, expected 1", m.forks);
			check_faults(&rc, m.child_faults, prot, NP, "child");
		} else if (mon_get(&m.forks)) {
			res_bad(&rc, "fork event without UFFD_FEATURE_EVENT_FORK");
		}
	}
	mon_stop(&m);
	check_monitor(&rp, &m);
	res_report(&rp);
	res_report(&rc);
	uffd_unregister(uffd, area, NP * psize);
	close(uffd);
	close(pm);
	munmap(area, NP * psize);
	munmap(rep, psize);
}

/* ---- KSM ------------------------------------------------------------------ */

#define KSM "/sys/kernel/mm/ksm/"
#define KSM_NP 8
#define KSM_WAIT_S 20

static void test_ksm(void)
{
	struct result rb = { .name = "000-ksm-wp-bit" };
	struct result rf = { .name = "000-ksm-wp-fault" };
	long old_run, old_scan, old_sleep, shared = 0;
	uint64_t pfn[KSM_NP];
	bool prot[KSM_NP];
	size_t i, j, best = 0;
	int uffd, pm;
	struct mon m;
	char *area;
	double t0;
	char buf[32];

	old_run = sys_read_long(KSM "run");
	if (old_run < 0) {
		ktap_skip(rb.name, "no KSM (" KSM "run missing: CONFIG_KSM off)");
		ktap_skip(rf.name, "no KSM (" KSM "run missing: CONFIG_KSM off)");
		return;
	}
	old_scan = sys_read_long(KSM "pages_to_scan");
	old_sleep = sys_read_long(KSM "sleep_millisecs");
	area = map_anon(KSM_NP);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	pm = pagemap_open();
	if (!area || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, area, KSM_NP * psize)) {
		ktap_fail(rb.name, "set-up: %s", strerror(errno));
		ktap_fail(rf.name, "set-up failed");
		return;
	}
	/* identical contents: KSM merges them all into one page */
	for (i = 0; i < KSM_NP; i++) {
		page_fill(area + i * psize, 0x4b534d, 1);
		prot[i] = i < KSM_NP / 2;
	}
	if (madvise(area, KSM_NP * psize, MADV_MERGEABLE)) {
		ktap_skip(rb.name, "MADV_MERGEABLE: %s", strerror(errno));
		ktap_skip(rf.name, "MADV_MERGEABLE: %s", strerror(errno));
		goto out_nomon;
	}
	if (mon_start(&m, uffd, area, KSM_NP)) {
		ktap_fail(rb.name, "monitor: %s", strerror(errno));
		ktap_fail(rf.name, "set-up failed");
		goto out_nomon;
	}
	for (i = 0; i < KSM_NP; i++)
		if (prot[i] && uffd_wp(uffd, area + i * psize, psize, true))
			res_bad(&rb, "UFFDIO_WRITEPROTECT page %zu: %s", i,
				strerror(errno));

	sys_write_str(KSM "pages_to_scan", "1000");
	sys_write_str(KSM "sleep_millisecs", "10");
	if (sys_write_str(KSM "run", "1")) {
		ktap_skip(rb.name, "cannot start ksmd (" KSM "run): %s", strerror(errno));
		ktap_skip(rf.name, "cannot start ksmd");
		goto out;
	}
	/* bounded wait until all KSM_NP pages map one physical page */
	t0 = now_s();
	for (;;) {
		size_t same;

		for (i = 0; i < KSM_NP; i++) {
			uint64_t e = pagemap_get(pm, area + i * psize);

			pfn[i] = (e & PM_PRESENT) ? (e & PM_PFN_MASK) : 0;
		}
		best = 0;
		for (i = 0; i < KSM_NP; i++) {
			for (same = 0, j = 0; j < KSM_NP; j++)
				same += pfn[i] && pfn[j] == pfn[i];
			if (same > best)
				best = same;
		}
		if (best == KSM_NP || now_s() - t0 > KSM_WAIT_S)
			break;
		sleep_ms(100);
	}
	shared = sys_read_long(KSM "pages_sharing");
	ktap_diag("ksm: %zu of %d pages merged after %.1fs, pages_sharing %ld",
		  best < 2 ? 0 : best, KSM_NP, now_s() - t0, shared);
	/* ksmd off again before anything is checked or written */
	snprintf(buf, sizeof(buf), "%ld", old_run == 1 ? 1L : 0L);
	sys_write_str(KSM "run", buf);
	if (best < 2) {
		ktap_skip(rb.name, "KSM merged no pages within %ds (pages_sharing %ld)",
			  KSM_WAIT_S, shared);
		ktap_skip(rf.name, "KSM merged no pages within %ds", KSM_WAIT_S);
		goto out;
	}
	for (i = 0; i < KSM_NP; i++) {
		uint64_t e = pagemap_get(pm, area + i * psize);

		if (!!(e & PM_UFFD_WP) != prot[i])
			res_bad(&rb, "merged page %zu (%s) pagemap %#" PRIx64
				" uffd-wp bit %s", i,
				prot[i] ? "protected" : "never protected", e,
				prot[i] ? "lost" : "set");
		if (page_check(area + i * psize, 0x4b534d, 1, why, sizeof(why)))
			res_bad(&rb, "merged page %zu: %s", i, why);
	}
	write_and_check(&rf, &m, area, prot, KSM_NP, "merged");
	check_monitor(&rf, &m);
	res_report(&rb);
	res_report(&rf);
out:
	mon_stop(&m);
out_nomon:
	if (old_scan > 0) {
		snprintf(buf, sizeof(buf), "%ld", old_scan);
		sys_write_str(KSM "pages_to_scan", buf);
	}
	if (old_sleep > 0) {
		snprintf(buf, sizeof(buf), "%ld", old_sleep);
		sys_write_str(KSM "sleep_millisecs", buf);
	}
	close(uffd);
	close(pm);
	munmap(area, KSM_NP * psize);
}

/* ---- swap ------------------------------------------------------------------ */

#define SW_NP 8

static void test_swap(void)
{
	struct result ro = { .name = "000-swap-out-wp-bit" };
	struct result ri = { .name = "000-swap-in-wp-bit" };
	struct result rf = { .name = "000-swap-wp-fault" };
	/* pages 0-3 protected; 0,1,4,5 come back by a read, the rest by a write */
	static const bool prot[SW_NP] = { 1, 1, 1, 1, 0, 0, 0, 0 };
	static const bool read_in[SW_NP] = { 1, 1, 0, 0, 1, 1, 0, 0 };
	long swap_kb = meminfo_kb("SwapTotal");
	size_t i, n;
	int uffd, pm;
	struct mon m;
	char *area;

	if (swap_kb <= 0) {
		ktap_skip(ro.name, "no swap (SwapTotal %ld kB)", swap_kb);
		ktap_skip(ri.name, "no swap");
		ktap_skip(rf.name, "no swap");
		return;
	}
	area = map_anon(SW_NP);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	pm = pagemap_open();
	if (!area || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, area, SW_NP * psize) ||
	    mon_start(&m, uffd, area, SW_NP)) {
		ktap_fail(ro.name, "set-up: %s", strerror(errno));
		ktap_fail(ri.name, "set-up failed");
		ktap_fail(rf.name, "set-up failed");
		return;
	}
	for (i = 0; i < SW_NP; i++) {
		page_fill(area + i * psize, i, 1);
		if (prot[i] && uffd_wp(uffd, area + i * psize, psize, true))
			res_bad(&ro, "UFFDIO_WRITEPROTECT page %zu: %s", i,
				strerror(errno));
	}
	n = swap_out(pm, area, SW_NP, NULL);
	if (n != SW_NP)
		res_bad(&ro, "MADV_PAGEOUT: only %zu of %d pages went to swap "
			"(pagemap bit 62)", n, SW_NP);
	for (i = 0; i < SW_NP; i++) {
		uint64_t e = pagemap_get(pm, area + i * psize);

		if ((e & PM_SWAP) && !!(e & PM_UFFD_WP) != prot[i])
			res_bad(&ro, "swapped page %zu (%s) pagemap %#" PRIx64
				" uffd-wp bit %s", i,
				prot[i] ? "protected" : "never protected", e,
				prot[i] ? "lost" : "set");
	}
	/* swap-in by read: the page comes back read-only, still protected */
	for (i = 0; i < SW_NP; i++) {
		uint64_t e;

		if (!read_in[i])
			continue;
		if (page_check(area + i * psize, i, 1, why, sizeof(why)))
			res_bad(&ri, "page %zu after swap-in: %s", i, why);
		e = pagemap_get(pm, area + i * psize);
		if (!(e & PM_PRESENT))
			res_bad(&ri, "page %zu not present after a read", i);
		else if (!!(e & PM_UFFD_WP) != prot[i])
			res_bad(&ri, "page %zu (%s) after swap-in pagemap %#" PRIx64
				" uffd-wp bit %s", i,
				prot[i] ? "protected" : "never protected", e,
				prot[i] ? "lost" : "set");
	}
	/* writes: the rest come back through the write fault itself */
	mon_reset(&m);
	write_and_check(&rf, &m, area, prot, SW_NP, "swapped");
	mon_stop(&m);
	check_monitor(&rf, &m);
	if (n != SW_NP && !ri.nbad)
		ktap_diag("%s: only %zu pages were swapped", ri.name, n);
	res_report(&ro);
	res_report(&ri);
	res_report(&rf);
	close(uffd);
	close(pm);
	munmap(area, SW_NP * psize);
}

int main(void)
{
	static const char *names[NTESTS] = {
		"000-fork-noevent-parent", "000-fork-noevent-child",
		"000-fork-event-parent", "000-fork-event-child",
		"000-ksm-wp-bit", "000-ksm-wp-fault",
		"000-swap-out-wp-bit", "000-swap-in-wp-bit", "000-swap-wp-fault",
	};
	char reason[300];
	int i;

	regress_init();
	ktap_plan(NTESTS);
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		for (i = 0; i < NTESTS; i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	test_fork(false);
	test_fork(true);
	test_ksm();
	test_swap();
	return ktap_exit();
}
