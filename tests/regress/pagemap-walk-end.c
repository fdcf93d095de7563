// SPDX-License-Identifier: GPL-2.0
/*
 * PAGEMAP_SCAN's walk_end after a walk that took more than one round
 * (generic/patches/6.12 and 7.3, 0013). do_pagemap_scan() walks in rounds
 * whose bounce buffer holds PMD_SIZE / PAGE_SIZE regions; a round that fills
 * it stops and records walk_end, the next resumes from there. Before the
 * fix a later round that completed the range left the first round's stop in
 * walk_end: the ioctl returned every region, yet said it had stopped half
 * way, and a caller resuming from walk_end (as the interface asks) got the
 * second half twice. pagemap_ioctl's own test needs more regions than a
 * round only where PMDs are small (s390's 1M segments); here the count is
 * taken from the THP PMD size, so every arch crosses a round.
 *
 * The range holds one more region than two rounds: every other page is
 * populated (MADV_NOHUGEPAGE, so each is its own PTE and region).
 *   pagemap-walk-end-one-call  a vector larger than all regions: one
 *                              call returns every region, and walk_end is
 *                              the end of the range;
 *   pagemap-walk-end-resume    a vector of 100: calls resumed from walk_end
 *                              until it reaches the end report every
 *                              populated page exactly once (the interface
 *                              as a caller uses it).
 *
 * On an unfixed 6.18 host kernel (x86_64): "walk_end at page 2048 of 2050
 * after a walk that returned 1025 regions".
 */
#include "regress.h"
#include <linux/fs.h>

static size_t round_regions(void)
{
	long pmd = -1;
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");

	if (f) {
		if (fscanf(f, "%ld", &pmd) != 1)
			pmd = -1;
		fclose(f);
	}
	/* without THP: the largest round any arch has (2M of 4K pages) */
	return pmd > 0 ? (size_t)pmd / psize : 512;
}

/* Scan [base, end) for present pages from *start on; returns the regions. */
static long scan(int pm, struct page_region *vec, size_t vec_len,
		 char *start, char *end, uint64_t *walk_end)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (uintptr_t)start,
		.end = (uintptr_t)end,
		.vec = (uintptr_t)vec,
		.vec_len = vec_len,
		.category_mask = PAGE_IS_PRESENT,
		.return_mask = PAGE_IS_PRESENT,
	};
	long n = ioctl(pm, PAGEMAP_SCAN, &arg);

	*walk_end = arg.walk_end;
	return n;
}

/*
 * Add the pages of vec[0..n) to seen[]; every region must be one populated
 * page (an even index) not seen before.
 */
static void account(struct result *r, char *base, size_t npages,
		    const struct page_region *vec, long n, unsigned char *seen)
{
	long i;

	for (i = 0; i < n; i++) {
		uint64_t a;

		for (a = vec[i].start; a < vec[i].end; a += psize) {
			size_t pg = (size_t)(a - (uintptr_t)base) / psize;

			if (a < (uintptr_t)base || pg >= npages || pg % 2) {
				res_bad(r, "region %#" PRIx64 "-%#" PRIx64
					": page %zu was never populated",
					(uint64_t)vec[i].start, (uint64_t)vec[i].end, pg);
				return;
			}
			if (seen[pg]++) {
				res_bad(r, "page %zu reported twice (region %ld of a call)",
					pg, i);
				return;
			}
		}
	}
}

static void check_all_seen(struct result *r, const unsigned char *seen, size_t npages)
{
	size_t pg;

	for (pg = 0; pg < npages; pg += 2)
		if (!seen[pg]) {
			res_bad(r, "page %zu populated but never reported", pg);
			return;
		}
}

static void one_call(int pm, char *base, size_t npages, size_t nregions)
{
	struct result r = { .name = "pagemap-walk-end-one-call" };
	char *end = base + npages * psize;
	size_t vec_len = nregions + 8;
	struct page_region *vec = calloc(vec_len, sizeof(*vec));
	unsigned char *seen = calloc(npages, 1);
	uint64_t walk_end;
	long n;

	if (!vec || !seen) {
		ktap_fail(r.name, "out of memory");
		goto out;
	}
	n = scan(pm, vec, vec_len, base, end, &walk_end);
	if (n < 0) {
		ktap_fail(r.name, "PAGEMAP_SCAN: %s", strerror(errno));
		goto out;
	}
	if ((size_t)n != nregions)
		res_bad(&r, "%ld regions, %zu populated pages", n, nregions);
	if (walk_end != (uintptr_t)end)
		res_bad(&r, "walk_end at page %" PRIu64 " of %zu after a walk that "
			"returned %ld regions: a caller would scan the rest again",
			(walk_end - (uintptr_t)base) / psize, npages, n);
	account(&r, base, npages, vec, n, seen);
	check_all_seen(&r, seen, npages);
	res_report(&r);
out:
	free(vec);
	free(seen);
}

static void resumed(int pm, char *base, size_t npages)
{
	struct result r = { .name = "pagemap-walk-end-resume" };
	char *end = base + npages * psize, *at = base;
	struct page_region vec[100];
	unsigned char *seen = calloc(npages, 1);
	unsigned calls = 0;
	uint64_t walk_end;

	if (!seen) {
		ktap_fail(r.name, "out of memory");
		return;
	}
	while (at < end && !r.nbad) {
		long n = scan(pm, vec, ARRAY_SIZE(vec), at, end, &walk_end);

		if (n < 0) {
			res_bad(&r, "PAGEMAP_SCAN from page %zu: %s",
				(size_t)(at - base) / psize, strerror(errno));
			break;
		}
		if (walk_end <= (uintptr_t)at || walk_end > (uintptr_t)end) {
			res_bad(&r, "walk_end %#" PRIx64 " outside (%p, %p]",
				walk_end, (void *)at, (void *)end);
			break;
		}
		account(&r, base, npages, vec, n, seen);
		at = (char *)(uintptr_t)walk_end;
		if (++calls > npages) {
			res_bad(&r, "no end after %u calls", calls);
			break;
		}
	}
	if (!r.nbad)
		check_all_seen(&r, seen, npages);
	res_report(&r);
	free(seen);
}

int main(void)
{
	size_t nregions, npages, i;
	char *base;
	int pm;

	regress_init();
	ktap_plan(2);
	nregions = 2 * round_regions() + 1;
	npages = 2 * nregions;
	base = map_anon(npages);
	pm = pagemap_open();
	if (!base || pm < 0) {
		ktap_fail("pagemap-walk-end-one-call", "set-up: %s", strerror(errno));
		ktap_fail("pagemap-walk-end-resume", "set-up: %s", strerror(errno));
		return ktap_exit();
	}
	for (i = 0; i < npages; i += 2)
		base[i * psize] = 1;
	ktap_diag("%zu pages, %zu populated regions, rounds of %zu",
		  npages, nregions, round_regions());

	one_call(pm, base, npages, nregions);
	resumed(pm, base, npages);
	return ktap_exit();
}
