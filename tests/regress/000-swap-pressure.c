// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 000, under pressure: uffd-wp state must survive swap because the
 * RW bit does not (Andrea Arcangeli's reason for a swap-PTE uffd-wp bit).
 * Many rounds of: write-protect a random half of the pages, MADV_PAGEOUT
 * everything (the guest swaps to zram), check the uffd-wp bit of every page
 * in pagemap against the model, write a random third of the pages (each
 * write to a protected page must fault exactly once, the monitor then
 * unprotects it; a write to any other page must not fault), unprotect a
 * random part, spot-check contents. At the end everything is unprotected,
 * paged out once more and every page's checksum verified.
 *   000-pressure-*-wp-state    pagemap bit 57 and the faults follow the
 *                              model in every round;
 *   000-pressure-*-integrity   zero corrupted pages: each holds the last
 *                              version written to it, checksum intact.
 * On anonymous memory (the swap PTE carries the bit; pagemap bit 62 shows
 * the page really went to swap) and on shmem (the PTE is zapped to a
 * marker, the page goes to swap through the page cache).
 *
 * Kernel changes that make these tests fail: a swap-PTE uffd-wp bit that
 * overlaps the swap offset or type (pages come back from the wrong slot:
 * integrity; or the bit reads wrong: wp-state); try_to_unmap_one() not
 * carrying the bit into the swap PTE or not installing a marker for shmem;
 * do_swap_page()/unuse_pte()/shmem swap-in dropping it; the marker of an
 * unprotected page left behind (spurious faults); change_pte_range() on a
 * swap entry not toggling pte_swp_mkuffd_wp()/pte_swp_clear_uffd_wp().
 * Demonstrated failing by marking one page protected in the model that the
 * test never protected (a deliberately wrong expectation): wp-state reports
 * its missing bit and missing fault.
 *
 * First, the harness itself:
 *   000-swap-out-other-cpu     pages written on one CPU and paged out from
 *                              another all reach swap. They wait in the
 *                              first CPU's LRU batch, where MADV_PAGEOUT
 *                              on the second cannot take them: swap_out()
 *                              has to move between CPUs (regress.h), or
 *                              every test built on it fails by chance
 *                              whenever the scheduler moves it.
 */
#include "regress.h"

/* per soak() unit */
#define MAX_ROUNDS 100
#define BUDGET_S 4.0
/* fewer than an LRU batch holds */
#define NP_OTHER_CPU 8

static uint64_t rng = 0x5eed2024c0ffee11ULL;

static inline uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void run(bool shmem, size_t np)
{
	char ns[64], ni[64], why[128];
	struct result rs = { .name = ns }, ri = { .name = ni };
	uint64_t *version = calloc(np, sizeof(uint64_t));
	bool *prot = calloc(np, sizeof(bool));
	size_t p, nswapped_max = 0, writes = 0, wfaults = 0;
	long swap_used_max = 0, swap_free0 = meminfo_kb("SwapFree");
	int uffd, pm, memfd = -1, round;
	struct mon m;
	char *area;
	double t0;

	snprintf(ns, sizeof(ns), "000-pressure-%s-wp-state", shmem ? "shmem" : "anon");
	snprintf(ni, sizeof(ni), "000-pressure-%s-integrity", shmem ? "shmem" : "anon");
	area = shmem ? map_shmem(np, &memfd) : map_anon(np);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0));
	pm = pagemap_open();
	if (!version || !prot || !area || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, area, np * psize) || mon_start(&m, uffd, area, np)) {
		ktap_fail(ns, "set-up: %s", strerror(errno));
		ktap_fail(ni, "set-up failed");
		return;
	}
	for (p = 0; p < np; p++) {
		version[p] = 1;
		page_fill(area + p * psize, p, 1);
	}
	t0 = now_s();
	ktap_watchdog(120 * soak(), ns);
	for (round = 0; round < MAX_ROUNDS * (int)soak(); round++) {
		size_t nsw = 0;
		long used;

		if (round >= 5 && now_s() - t0 > BUDGET_S * soak())
			break;
		/* protect a random half */
		for (p = 0; p < np; p++)
			if (!prot[p] && (rnd() & 1)) {
				if (uffd_wp(uffd, area + p * psize, psize, true))
					res_bad(&rs, "round %d: protect page %zu: %s",
						round, p, strerror(errno));
				prot[p] = true;
			}
		/* everything to swap */
		madvise(area, np * psize, MADV_PAGEOUT);
		used = meminfo_kb("SwapTotal") - meminfo_kb("SwapFree");
		if (used > swap_used_max)
			swap_used_max = used;
		for (p = 0; p < np; p++) {
			uint64_t e = pagemap_get(pm, area + p * psize);

			nsw += !!(e & PM_SWAP);
			if (!!(e & PM_UFFD_WP) != prot[p])
				res_bad(&rs, "round %d: page %zu (%s) after pageout: "
					"pagemap %#" PRIx64 " uffd-wp bit %s", round, p,
					prot[p] ? "protected" : "unprotected", e,
					prot[p] ? "lost" : "set");
		}
		if (nsw > nswapped_max)
			nswapped_max = nsw;
		/* write a random third: faults exactly where protected */
		for (p = 0; p < np; p++) {
			unsigned before;

			if (rnd() % 3)
				continue;
			before = mon_get(&m.faults[p]);
			page_fill(area + p * psize, p, ++version[p]);
			writes++;
			if (mon_get(&m.faults[p]) - before != (unsigned)prot[p])
				res_bad(&rs, "round %d: page %zu (%s): %u wp faults "
					"for one write", round, p,
					prot[p] ? "protected" : "unprotected",
					mon_get(&m.faults[p]) - before);
			wfaults += prot[p];
			prot[p] = false;	/* the monitor unprotected it */
		}
		/* unprotect a random quarter of the rest */
		for (p = 0; p < np; p++)
			if (prot[p] && !(rnd() & 3)) {
				if (uffd_wp(uffd, area + p * psize, psize, false))
					res_bad(&rs, "round %d: unprotect page %zu: %s",
						round, p, strerror(errno));
				prot[p] = false;
			}
		/* spot-check an eighth (reads swap them in) */
		for (p = 0; p < np; p++)
			if (!(rnd() & 7) &&
			    page_check(area + p * psize, p, version[p], why, sizeof(why)))
				res_bad(&ri, "round %d: page %zu: %s", round, p, why);
		if (rs.nbad + ri.nbad > 20)
			break;
	}
	/* the end: all unprotected, all to swap once more, all checked */
	if (uffd_wp(uffd, area, np * psize, false))
		res_bad(&rs, "final unprotect: %s", strerror(errno));
	madvise(area, np * psize, MADV_PAGEOUT);
	{
		size_t bad = 0;

		for (p = 0; p < np; p++)
			if (page_check(area + p * psize, p, version[p], why, sizeof(why)) &&
			    bad++ < 4)
				res_bad(&ri, "page %zu at the end: %s", p, why);
		if (bad)
			res_bad(&ri, "%zu of %zu pages corrupted", bad, np);
	}
	ktap_watchdog(0, NULL);
	mon_stop(&m);
	if (mon_get(&m.stray) || mon_get(&m.missing) || m.err[0])
		res_bad(&rs, "monitor: %u stray, %u non-wp faults %s", m.stray,
			m.missing, m.err);
	ktap_diag("%s: %d rounds of %zu pages in %.1fs, %zu writes (%zu faulted), "
		  "up to %zu pages swapped at once (pagemap), up to %ld kB swap used "
		  "(%ld kB free at start)", shmem ? "shmem" : "anon", round, np,
		  now_s() - t0, writes, wfaults, nswapped_max, swap_used_max, swap_free0);
	/* anon: the round trips must really have gone through swap */
	if (!shmem && nswapped_max == 0)
		res_bad(&rs, "MADV_PAGEOUT never put a page into swap (pagemap bit 62): "
			"the test proved nothing");
	if (shmem && swap_used_max <= 0)
		res_bad(&rs, "MADV_PAGEOUT never put a shmem page into swap "
			"(no swap used): the test proved nothing");
	res_report(&rs);
	res_report(&ri);
	close(uffd);
	close(pm);
	munmap(area, np * psize);
	if (memfd >= 0)
		close(memfd);
	free(version);
	free(prot);
}

/* Pin this thread to the n-th CPU it may use; false if there is none. */
static bool pin_nth(const cpu_set_t *allowed, int n)
{
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, allowed) && !n--)
			return pin_to_cpu(cpu);
	return false;
}

static void swap_out_other_cpu(void)
{
	static const char *name = "000-swap-out-other-cpu";
	struct result r = { .name = name };
	cpu_set_t allowed;
	size_t i, n;
	char *p;
	int pm;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) || CPU_COUNT(&allowed) < 2) {
		ktap_skip(name, "one CPU: no other CPU's LRU batch to miss");
		return;
	}
	pm = open("/proc/self/pagemap", O_RDONLY);
	p = map_anon(NP_OTHER_CPU);
	if (pm < 0 || !p || !pin_nth(&allowed, 0)) {
		res_bad(&r, "set-up: %s", strerror(errno));
	} else {
		for (i = 0; i < NP_OTHER_CPU; i++)
			memset(p + i * psize, 0x5a + i, psize);
		/* onto the second CPU, then free to run anywhere: it stays there */
		if (!pin_nth(&allowed, 1) || sched_setaffinity(0, sizeof(allowed), &allowed))
			res_bad(&r, "set-up: sched_setaffinity: %s", strerror(errno));
		else if ((n = swap_out(pm, p, NP_OTHER_CPU, NULL)) != NP_OTHER_CPU)
			res_bad(&r, "written on one CPU, paged out from another: "
				"%zu of %d pages reached swap (pagemap bit 62)", n, NP_OTHER_CPU);
	}
	sched_setaffinity(0, sizeof(allowed), &allowed);
	res_report(&r);
	if (p)
		munmap(p, NP_OTHER_CPU * psize);
	if (pm >= 0)
		close(pm);
}

int main(void)
{
	static const char *names[] = {
		"000-pressure-anon-wp-state", "000-pressure-anon-integrity",
		"000-pressure-shmem-wp-state", "000-pressure-shmem-integrity",
	};
	long swap_kb;
	char reason[300];
	size_t i;

	regress_init();
	ktap_plan(ARRAY_SIZE(names) + 1);
	swap_kb = meminfo_kb("SwapTotal");
	if (swap_kb > 0)
		swap_out_other_cpu();
	else
		ktap_skip("000-swap-out-other-cpu", "no swap (SwapTotal %ld kB)", swap_kb);
	if (!uffd_wp_offered(false, reason, sizeof(reason)) || swap_kb <= 0) {
		if (swap_kb <= 0 && !reason[0])
			snprintf(reason, sizeof(reason), "no swap (SwapTotal %ld kB)",
				 swap_kb);
		for (i = 0; i < ARRAY_SIZE(names); i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	run(false, 256);
	if (uffd_wp_offered(true, reason, sizeof(reason))) {
		run(true, 128);
	} else {
		ktap_skip(names[2], "%s", reason);
		ktap_skip(names[3], "%s", reason);
	}
	return ktap_exit();
}
