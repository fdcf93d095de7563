// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 002: "mm/userfaultfd: rely on vma->vm_page_prot in uffd_wp_range()"
 * (David Hildenbrand, 2022). uffd_wp_range() computed the new protection
 * from the VMA flags alone and so ignored every other reason to keep a PTE
 * write-protected, soft-dirty tracking among them. On shmem the sequence
 *   1) write to the page, 2) clear soft-dirty (echo 4 > clear_refs),
 *   3) register uffd-wp, 4) unregister, 5) write again
 * left the page writable after 4), so the write in 5) did not fault and the
 * page was never marked soft-dirty: a checkpoint (CRIU) misses the change.
 * Protect-then-unprotect instead of register/unregister did the same.
 *
 * Tests, each on shmem (memfd) and on anonymous memory:
 *   002-*-register-unregister   steps 1-5 as above;
 *   002-*-protect-unprotect     1, 2, register, protect, unprotect, write;
 *   002-*-wp-fault              1, 2, register, protect, write: the write
 *                               faults, the monitor unprotects, the retried
 *                               write must still go through the soft-dirty
 *                               fault (the unprotect must not map the page
 *                               writable behind soft-dirty's back).
 * Each checks pagemap bit 55 (soft-dirty): clear after clear_refs and after
 * the uffd operations, set after the final write.
 *
 * Where the kernel has no soft-dirty (no CONFIG_MEM_SOFT_DIRTY, or an arch
 * without HAVE_ARCH_SOFT_DIRTY such as arm64) bit 55 never sets after a
 * plain write; that is detected first and the tests SKIP with that reason.
 *
 * Kernel changes that make these tests fail: uffd_wp_range() building the
 * new protection without vma->vm_page_prot or always passing
 * MM_CP_TRY_CHANGE_WRITABLE; can_change_pte_writable() ignoring
 * pte_soft_dirty(); an arch whose pte_mkuffd_wp()/pte_clear_uffd_wp()
 * clears or sets the soft-dirty bit, or whose uffd-wp bit aliases the
 * soft-dirty bit. Demonstrated failing by expecting the bit clear after
 * the final write (a deliberately wrong expectation).
 */
#include "regress.h"

enum seq { SEQ_REG_UNREG, SEQ_PROT_UNPROT, SEQ_WP_FAULT };

static int clear_soft_dirty(void)
{
	return sys_write_str("/proc/self/clear_refs", "4");
}

/* Does a plain write set bit 55 after clear_refs? 1 yes, 0 no, -1 error. */
static int soft_dirty_works(bool shmem, char *why, size_t n)
{
	int fd = -1, pm = pagemap_open(), ret = -1;
	char *p = shmem ? map_shmem(1, &fd) : map_anon(1);
	uint64_t e;

	if (!p || pm < 0) {
		snprintf(why, n, "set-up: %s", strerror(errno));
		goto out;
	}
	p[0] = 1;
	if (clear_soft_dirty()) {
		snprintf(why, n, "cannot write /proc/self/clear_refs: %s",
			 strerror(errno));
		goto out;
	}
	p[0] = 2;
	e = pagemap_get(pm, p);
	ret = !!(e & PM_SOFT_DIRTY);
	if (!ret)
		snprintf(why, n, "no soft-dirty: pagemap bit 55 not set by a write "
			 "after clear_refs (kernel without CONFIG_MEM_SOFT_DIRTY "
			 "or arch without soft-dirty)");
out:
	if (p)
		munmap(p, psize);
	if (fd >= 0)
		close(fd);
	if (pm >= 0)
		close(pm);
	return ret;
}

static void run(bool shmem, enum seq seq)
{
	static const char *sname[] = { "register-unregister", "protect-unprotect",
				       "wp-fault" };
	char name[80];
	struct result r = { .name = name };
	int fd = -1, pm = pagemap_open(), uffd = -1;
	bool mon_on = false;
	struct mon m;
	uint64_t e;
	char *p;

	snprintf(name, sizeof(name), "002-%s-%s", shmem ? "shmem" : "anon",
		 sname[seq]);
	/* one page, one VMA: registering splits nothing */
	p = shmem ? map_shmem(1, &fd) : map_anon(1);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0));
	if (!p || pm < 0 || uffd < 0) {
		ktap_fail(name, "set-up: %s", strerror(errno));
		goto out;
	}
	/* 1) write */
	memset(p, 0x11, psize);
	/* 2) clear soft-dirty */
	if (clear_soft_dirty()) {
		ktap_fail(name, "clear_refs: %s", strerror(errno));
		goto out;
	}
	e = pagemap_get(pm, p);
	if (e & PM_SOFT_DIRTY) {
		ktap_fail(name, "soft-dirty still set after clear_refs (pagemap %#"
			  PRIx64 ")", e);
		goto out;
	}
	/* 3) register */
	if (uffd_register_wp(uffd, p, psize)) {
		ktap_fail(name, "UFFDIO_REGISTER: %s", strerror(errno));
		goto out;
	}
	switch (seq) {
	case SEQ_REG_UNREG:
		/* 4) unregister */
		if (uffd_unregister(uffd, p, psize))
			res_bad(&r, "UFFDIO_UNREGISTER: %s", strerror(errno));
		break;
	case SEQ_PROT_UNPROT:
		if (uffd_wp(uffd, p, psize, true) || uffd_wp(uffd, p, psize, false))
			res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		break;
	case SEQ_WP_FAULT:
		if (mon_start(&m, uffd, p, 1)) {
			res_bad(&r, "monitor: %s", strerror(errno));
			break;
		}
		mon_on = true;
		if (uffd_wp(uffd, p, psize, true))
			res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		break;
	}
	e = pagemap_get(pm, p);
	if (e & PM_SOFT_DIRTY)
		res_bad(&r, "soft-dirty set before the second write (pagemap %#"
			PRIx64 "): the test cannot tell", e);
	/* 5) write again */
	ktap_watchdog(20, name);
	memset(p, 0x22, psize);
	ktap_watchdog(0, NULL);
	e = pagemap_get(pm, p);
	if (!(e & PM_SOFT_DIRTY))
		res_bad(&r, "page written after %s is not soft-dirty (pagemap %#"
			PRIx64 "): the write did not go through the soft-dirty fault",
			sname[seq], e);
	if (p[0] != 0x22 || p[psize - 1] != 0x22)
		res_bad(&r, "the write did not stick");
	if (mon_on) {
		mon_stop(&m);
		if (mon_get(&m.faults[0]) != 1)
			res_bad(&r, "%u wp faults for one write to a protected page",
				m.faults[0]);
		if (m.err[0])
			res_bad(&r, "monitor: %s", m.err);
	}
	res_report(&r);
out:
	if (uffd >= 0)
		close(uffd);
	if (p)
		munmap(p, psize);
	if (fd >= 0)
		close(fd);
	if (pm >= 0)
		close(pm);
}

int main(void)
{
	static const char *names[] = {
		"002-shmem-register-unregister", "002-shmem-protect-unprotect",
		"002-shmem-wp-fault", "002-anon-register-unregister",
		"002-anon-protect-unprotect", "002-anon-wp-fault",
	};
	char reason[300], why[300];
	bool shmem_ok, anon_ok;
	int sd;
	size_t i;

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	sd = soft_dirty_works(false, why, sizeof(why));
	if (sd == 1)
		sd = soft_dirty_works(true, why, sizeof(why));
	if (sd != 1) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			ktap_skip(names[i], "%s", why);
		return ktap_exit();
	}
	shmem_ok = uffd_wp_offered(true, reason, sizeof(reason));
	for (i = 0; i < 3; i++) {
		if (shmem_ok)
			run(true, (enum seq)i);
		else
			ktap_skip(names[i], "%s", reason);
	}
	anon_ok = uffd_wp_offered(false, reason, sizeof(reason));
	for (i = 0; i < 3; i++) {
		if (anon_ok)
			run(false, (enum seq)i);
		else
			ktap_skip(names[3 + i], "%s", reason);
	}
	return ktap_exit();
}
