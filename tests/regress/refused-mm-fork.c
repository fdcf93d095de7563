// SPDX-License-Identifier: GPL-2.0
/*
 * An arch may refuse uffd-wp per mm (arch_uffd_wp_supported()). Where a
 * new mm's answer depends on a sysctl read at mm creation, fork included,
 * a child can be refused what its parent has. vm.allocate_pgste is such a
 * sysctl: an mm created while it is 1 gets page status table extensions,
 * and in such an mm the present-PTE uffd-wp bit means "unused" to reclaim.
 * uffd-wp state and that meaning must never share an mm, whatever order
 * the registration, the sysctl write and the fork come in.
 *
 *   refused-mm-api         a child forked while the sysctl is 1: UFFDIO_API
 *                          offers no uffd-wp, and a wp registration fails;
 *   refused-mm-fork-event  a parent protects pages with EVENT_FORK, the
 *                          sysctl goes to 1, the parent forks and its
 *                          monitor takes the fork event: the child must
 *                          hold no uffd-wp bit and no VM_UFFD_WP ("uw" in
 *                          smaps' VmFlags), and its writes must not fault.
 *
 * Skips where the kernel has no vm.allocate_pgste. The sysctl is put back
 * to its old value in every case.
 */
#include "regress.h"

#define NP 8
#define SYSCTL "/proc/sys/vm/allocate_pgste"

static char why[120];
static long old_sysctl = -1;

static void restore(void)
{
	if (old_sysctl >= 0)
		sys_write_str(SYSCTL, old_sysctl ? "1" : "0");
}

/* Does the smaps entry of the vma at addr list VM_UFFD_WP ("uw")? */
static int vma_has_uw(void *addr)
{
	char line[512], want[32];
	bool in = false;
	int found = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = true;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			found = strstr(line, " uw") != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

static void test_api(void)
{
	struct result r = { .name = "refused-mm-api" };
	struct child ch;
	uint64_t f = 0;
	pid_t c;

	if (sys_write_str(SYSCTL, "1")) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	c = child_fork(&ch);
	if (c == 0) {
		char w[200];
		uint64_t g = uffd_features(w, sizeof(w));
		int fd = uffd_new(0);
		char *m = map_anon(1);
		int reg = fd >= 0 && m ? uffd_register_wp(fd, m, psize) : -1;

		/* bit 63: the registration was accepted */
		g |= reg == 0 ? 1ULL << 63 : 0;
		child_exit(&ch, &g, sizeof(g));
	}
	restore();
	if (c < 0 || child_result(&ch, &f, sizeof(f)))
		res_bad(&r, "the child reported nothing: %s", strerror(errno));
	else if (f & UFFD_FEATURE_PAGEFAULT_FLAG_WP)
		res_bad(&r, "UFFDIO_API in a child forked under vm.allocate_pgste=1 "
			"offers uffd-wp (features %#" PRIx64 ")", (uint64_t)(f & ~(1ULL << 63)));
	if (f & 1ULL << 63)
		res_bad(&r, "the child registered a range for uffd-wp");
	child_end(&ch, 10);
	res_report(&r);
}

struct child_view {
	unsigned wp;		/* pages with pagemap bit 57 */
	int uw;			/* VM_UFFD_WP on the vma: 1, 0, -1 unknown */
	unsigned bad;		/* pages that did not read back */
};

static void test_fork_event(void)
{
	struct result r = { .name = "refused-mm-fork-event" };
	int pm, uffd = uffd_new_for(&r, UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_EVENT_FORK);
	struct child_view v = { 0 };
	struct child ch;
	struct mon m;
	char *a;
	size_t i;
	pid_t c;

	if (uffd < 0)
		return;
	a = map_anon(NP);
	if (!a || uffd_register_wp(uffd, a, NP * psize) ||
	    mon_start(&m, uffd, a, NP)) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++)
		page_fill(a + i * psize, i, 1);
	if (uffd_wp(uffd, a, NP * psize, true))
		res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
	if (sys_write_str(SYSCTL, "1")) {
		ktap_fail(r.name, "writing 1 to " SYSCTL ": %s", strerror(errno));
		mon_stop(&m);
		return;
	}
	ktap_watchdog(30, r.name);
	c = child_fork(&ch);	/* the monitor thread reads the fork event */
	if (c == 0) {
		pm = pagemap_open();
		for (i = 0; pm >= 0 && i < NP; i++)
			if (pagemap_get(pm, a + i * psize) & PM_UFFD_WP)
				v.wp++;
		v.uw = vma_has_uw(a);
		for (i = 0; i < NP; i++) {
			page_fill(a + i * psize, i, 2);
			if (page_check(a + i * psize, i, 2, why, sizeof(why)))
				v.bad++;
		}
		child_exit(&ch, &v, sizeof(v));
	}
	restore();
	if (c < 0 || child_result(&ch, &v, sizeof(v))) {
		res_bad(&r, "the child reported nothing");
	} else {
		if (v.wp)
			res_bad(&r, "%u of %d pages of the child, whose mm the arch "
				"refuses uffd-wp, carry the uffd-wp bit", v.wp, NP);
		if (v.uw)
			res_bad(&r, "the child's vma %s VM_UFFD_WP (smaps \"uw\")",
				v.uw > 0 ? "has" : "could not be checked for");
		if (v.bad)
			res_bad(&r, "%u child pages did not read back after a write", v.bad);
	}
	if (c > 0 && child_end(&ch, 10) < 0)
		res_bad(&r, "the child hung");
	ktap_watchdog(0, NULL);
	mon_stop(&m);
	for (i = 0; i < NP; i++)
		if (m.child_faults[i])
			res_bad(&r, "page %zu: %u wp fault(s) from the child", i,
				m.child_faults[i]);
	res_report(&r);
	close(uffd);
	munmap(a, NP * psize);
}

int main(void)
{
	static const char *names[] = { "refused-mm-api", "refused-mm-fork-event" };
	char reason[300];

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	old_sysctl = sys_read_long(SYSCTL);
	if (old_sysctl < 0) {
		ktap_skip_all(names, ARRAY_SIZE(names), "no vm.allocate_pgste: no per-mm "
			      "refusal decided at fork on this kernel");
		return ktap_exit();
	}
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		ktap_skip_all(names, ARRAY_SIZE(names), reason);
		return ktap_exit();
	}
	test_api();
	test_fork_event();
	restore();
	return ktap_exit();
}
