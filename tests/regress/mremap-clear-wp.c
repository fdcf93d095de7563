// SPDX-License-Identifier: GPL-2.0
/*
 * Related to the seeds: CVE-2025-21696, "mm: clear uffd-wp PTE/PMD state on
 * mremap()" (fixed in 6.12.11). mremap() of a range registered for uffd-wp,
 * when the context lacks UFFD_FEATURE_EVENT_REMAP, leaves the new VMA
 * unregistered - but the PTEs moved with their uffd-wp bits (present,
 * swap, marker). The stale state then contradicts the VMA: pagemap still
 * says "protected", a later registration of the new range gets faults on
 * pages its monitor never protected, and a stale marker in a VMA that is
 * not registered at all is a page the kernel no longer knows how to fault
 * in.
 *
 * Here the protected range is moved with MREMAP_MAYMOVE|MREMAP_FIXED to an
 * address no registration follows it to:
 *   mremap-present-wp-cleared   populated protected anon pages;
 *   mremap-swapped-wp-cleared   protected anon pages swapped out first
 *                               (MADV_PAGEOUT, checked via pagemap bit 62);
 *   mremap-marker-wp-cleared    shmem pages zapped (MADV_DONTNEED) while
 *                               protected, i.e. uffd-wp markers;
 * each checks pagemap bit 57 clear at the new address, contents intact,
 * writes that complete (alarm() watchdog: a hang fails, never eats the
 * suite's timeout) with no fault reaching the old monitor;
 *   mremap-reregister-no-spurious  the moved range registered again with a
 *                               new userfaultfd, nothing protected: writes
 *                               must produce no wp fault at all;
 *   mremap-event-remap-keeps-wp the control: with UFFD_FEATURE_EVENT_REMAP
 *                               the registration follows, so the bit must
 *                               still be set and every write must fault -
 *                               this proves the checks above can see a set
 *                               bit and a fault.
 *
 * Kernel changes that make these tests fail: move_ptes() without the
 * need_clear_uffd_wp handling (the CVE: bits survive, spurious faults after
 * re-registration); an arch pte_swp_clear_uffd_wp() that does nothing, or
 * clears a bit of the swap offset (the swapped page comes back wrong); a
 * marker cleared to a literal 0 on an arch whose empty PTE is not 0 (s390:
 * 0x400); mremap_userfaultfd_prep() keeping the context without
 * EVENT_REMAP, or dropping it with EVENT_REMAP (the control fails).
 * Demonstrated failing by creating the first three tests' userfaultfd with
 * UFFD_FEATURE_EVENT_REMAP (a deliberately broken condition: the
 * registration then follows the move): each reports "moved page N ... still
 * has the uffd-wp bit", for present, swap and marker PTEs alike.
 */
#include "regress.h"

#define NP 8

static char why[128];

enum kind { K_PRESENT, K_SWAPPED, K_MARKER };

/* Reserve a destination of NP pages far from src (mremap will replace it). */
static char *reserve(void)
{
	void *p = mmap(NULL, NP * psize, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void test_moved(enum kind kind)
{
	static const char *names[] = { "mremap-present-wp-cleared",
				       "mremap-swapped-wp-cleared",
				       "mremap-marker-wp-cleared" };
	struct result r = { .name = names[kind] };
	bool shmem = kind == K_MARKER;
	int uffd, pm, memfd = -1;
	char *src, *dst, *res;
	struct mon m;
	size_t i;

	if (kind == K_SWAPPED && meminfo_kb("SwapTotal") <= 0) {
		ktap_skip(r.name, "no swap (SwapTotal %ld kB)", meminfo_kb("SwapTotal"));
		return;
	}
	if (shmem && !uffd_has(UFFD_FEATURE_WP_HUGETLBFS_SHMEM)) {
		ktap_skip(r.name, "uffd-wp on shmem not offered: UFFDIO_API lacks "
			  "UFFD_FEATURE_WP_HUGETLBFS_SHMEM");
		return;
	}
	src = shmem ? map_shmem(NP, &memfd) : map_anon(NP);
	dst = reserve();
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0));
	pm = pagemap_open();
	if (!src || !dst || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, src, NP * psize) ||
	    mon_start(&m, uffd, src, NP)) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++)
		page_fill(src + i * psize, i, 1);
	if (uffd_wp(uffd, src, NP * psize, true))
		res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
	if (kind == K_SWAPPED) {
		size_t n = swap_out(pm, src, NP, NULL);

		if (n != NP)
			res_bad(&r, "MADV_PAGEOUT: only %zu of %d pages went to swap "
				"(pagemap bit 62)", n, NP);
	}
	if (kind == K_MARKER && madvise(src, NP * psize, MADV_DONTNEED))
		res_bad(&r, "MADV_DONTNEED: %s", strerror(errno));
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, src + i * psize);

		if (!(e & PM_UFFD_WP))
			res_bad(&r, "before mremap: page %zu pagemap %#" PRIx64
				" not protected", i, e);
	}
	res = mremap(src, NP * psize, NP * psize, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (res != dst) {
		ktap_fail(r.name, "mremap: %s", strerror(errno));
		mon_stop(&m);
		return;
	}
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, dst + i * psize);

		if (e & PM_UFFD_WP)
			res_bad(&r, "moved page %zu pagemap %#" PRIx64
				" still has the uffd-wp bit", i, e);
	}
	ktap_watchdog(20, r.name);
	for (i = 0; i < NP; i++) {
		char *p = dst + i * psize;

		if (page_check(p, i, 1, why, sizeof(why)))
			res_bad(&r, "moved page %zu: %s", i, why);
		page_fill(p, i, 2);
	}
	ktap_watchdog(0, NULL);
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, dst + i * psize);

		if (page_check(dst + i * psize, i, 2, why, sizeof(why)))
			res_bad(&r, "moved page %zu after the write: %s", i, why);
		if (e & PM_UFFD_WP)
			res_bad(&r, "moved page %zu after the write: pagemap %#" PRIx64
				" has the uffd-wp bit", i, e);
	}
	mon_stop(&m);
	for (i = 0; i < NP; i++)
		if (m.faults[i])
			res_bad(&r, "page %zu: a fault reached the old monitor", i);
	if (m.stray)
		res_bad(&r, "%u wp fault(s) of the moved range reached the old "
			"monitor", m.stray);
	if (m.missing || m.err[0])
		res_bad(&r, "monitor: %u non-wp faults %s", m.missing, m.err);
	res_report(&r);
	close(uffd);
	close(pm);
	munmap(dst, NP * psize);
	if (memfd >= 0)
		close(memfd);
}

/* Moved range registered again, nothing protected: no fault may come. */
static void test_reregister(void)
{
	struct result r = { .name = "mremap-reregister-no-spurious" };
	bool swap = meminfo_kb("SwapTotal") > 0;
	int uffd, uffd2, pm;
	char *src, *dst;
	struct mon m;
	size_t i;

	src = map_anon(NP);
	dst = reserve();
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	uffd2 = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	pm = pagemap_open();
	if (!src || !dst || uffd < 0 || uffd2 < 0 || pm < 0 ||
	    uffd_register_wp(uffd, src, NP * psize)) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++)
		page_fill(src + i * psize, i, 1);
	if (uffd_wp(uffd, src, NP * psize, true))
		res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
	/* half of them swapped: stale swap bits count too */
	if (swap) {
		bool want[NP];

		for (i = 0; i < NP; i++)
			want[i] = i & 1;
		swap_out(pm, src, NP, want);
	}
	if (mremap(src, NP * psize, NP * psize, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst) != dst) {
		ktap_fail(r.name, "mremap: %s", strerror(errno));
		return;
	}
	close(uffd);
	if (uffd_register_wp(uffd2, dst, NP * psize) ||
	    mon_start(&m, uffd2, dst, NP)) {
		ktap_fail(r.name, "register the moved range: %s", strerror(errno));
		return;
	}
	ktap_watchdog(20, r.name);
	for (i = 0; i < NP; i++)
		page_fill(dst + i * psize, i, 2);
	ktap_watchdog(0, NULL);
	mon_stop(&m);
	for (i = 0; i < NP; i++) {
		if (m.faults[i])
			res_bad(&r, "page %zu%s: %u spurious wp fault(s) for a page "
				"the new monitor never protected (stale uffd-wp "
				"state moved with it)", i,
				swap && (i & 1) ? " (was swapped)" : "", m.faults[i]);
		if (page_check(dst + i * psize, i, 2, why, sizeof(why)))
			res_bad(&r, "page %zu after the write: %s", i, why);
	}
	if (m.stray || m.missing || m.err[0])
		res_bad(&r, "monitor: %u stray, %u non-wp faults %s", m.stray,
			m.missing, m.err);
	res_report(&r);
	close(uffd2);
	close(pm);
	munmap(dst, NP * psize);
}

/* The control: with EVENT_REMAP the registration and the protection follow. */
static void test_event_remap(void)
{
	struct result r = { .name = "mremap-event-remap-keeps-wp" };
	int uffd, pm;
	char *src, *dst;
	struct mon m;
	size_t i;

	if (!uffd_has(UFFD_FEATURE_EVENT_REMAP)) {
		ktap_skip(r.name, "UFFD_FEATURE_EVENT_REMAP not offered");
		return;
	}
	src = map_anon(NP);
	dst = reserve();
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_EVENT_REMAP);
	pm = pagemap_open();
	if (!src || !dst || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, src, NP * psize) ||
	    mon_start(&m, uffd, dst, NP)) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++)
		page_fill(src + i * psize, i, 1);
	if (uffd_wp(uffd, src, NP * psize, true))
		res_bad(&r, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
	ktap_watchdog(20, r.name);
	/* the monitor thread reads the remap event mremap() waits for */
	if (mremap(src, NP * psize, NP * psize, MREMAP_MAYMOVE | MREMAP_FIXED,
		   dst) != dst) {
		ktap_fail(r.name, "mremap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < NP; i++) {
		uint64_t e = pagemap_get(pm, dst + i * psize);

		if (!(e & PM_UFFD_WP))
			res_bad(&r, "moved page %zu pagemap %#" PRIx64 " lost the "
				"uffd-wp bit although the registration followed", i, e);
	}
	for (i = 0; i < NP; i++)
		page_fill(dst + i * psize, i, 2);
	ktap_watchdog(0, NULL);
	mon_stop(&m);
	if (m.remaps != 1)
		res_bad(&r, "%u remap events, expected 1", m.remaps);
	for (i = 0; i < NP; i++) {
		if (m.faults[i] != 1)
			res_bad(&r, "moved page %zu: %u wp faults, expected 1", i,
				m.faults[i]);
		if (page_check(dst + i * psize, i, 2, why, sizeof(why)))
			res_bad(&r, "page %zu after the write: %s", i, why);
	}
	res_report(&r);
	close(uffd);
	close(pm);
	munmap(dst, NP * psize);
}

int main(void)
{
	static const char *names[] = {
		"mremap-present-wp-cleared", "mremap-swapped-wp-cleared",
		"mremap-marker-wp-cleared", "mremap-reregister-no-spurious",
		"mremap-event-remap-keeps-wp",
	};
	char reason[300];
	size_t i;

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	test_moved(K_PRESENT);
	test_moved(K_SWAPPED);
	test_moved(K_MARKER);
	test_reregister();
	test_event_remap();
	return ktap_exit();
}
