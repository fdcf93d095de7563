// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 004, white-box: with a uffd-wp TLB flush pending, a write fault in a
 * uffd-wp VMA must flush the page in do_wp_page() before it reuses or
 * copies it.
 *
 * Why not black-box like 004-wp-write-race: since 5.19 do_wp_page() reuses
 * every PageAnonExclusive page and a writable anon PTE implies an exclusive
 * page, so by the time a page can be copied no stale writable TLB entry for
 * it survives; taking the flush out loses no data that a test could see
 * (tests/mutants/wp-page-no-flush.patch says more). So this test watches
 * the flush itself, through the kernel's test-only probe
 * (tests/kunit/pte_marker_flush_probe.c, CONFIG_PTE_MARKER_FLUSH_PROBE):
 * it counts the flushes of one address that reach the mm's notifiers, and
 * can hold the mm's flush-pending count raised, as UFFDIO_WRITEPROTECT does
 * while it works.
 *
 * Each case takes the same write fault twice, on fresh pages: once with no
 * flush pending, once with one pending. The pending fault must flush more
 * often; whatever else flushes on the way (the copy's ptep_clear_flush(),
 * arm64's ptep_set_access_flags()) flushes in both.
 *   004-flush-pending-async-reuse  UFFD_FEATURE_WP_ASYNC, a protected
 *                                  populated anon page: the fault clears
 *                                  the wp bit and reuses the page
 *   004-flush-pending-copy         registered for wp, not protected: a
 *                                  write to the zero page copies it
 * First the probe is calibrated: flush_tlb_page() called from the probe
 * must be counted. An arch whose flush_tlb_page() does nothing (s390: its
 * PTE updates flush as they go) has no flush to see: SKIP with that reason.
 *
 * Demonstrated failing with tests/mutants/wp-page-no-flush.patch.
 */
#include "regress.h"

#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

#define PROBE "/sys/kernel/debug/ptemark_flush_probe"

enum kind { ASYNC_REUSE, COPY, NKIND };

static const char *names[NKIND] = {
	"004-flush-pending-async-reuse", "004-flush-pending-copy",
};

static int probe_cmd(int fd, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return write(fd, buf, n) == n ? 0 : -1;
}

static long probe_hits(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * One write fault of this kind on a fresh page, a flush pending or not.
 * Returns the flushes of that page the fault made, or -1 with why set.
 */
static long one_fault(int probe, enum kind k, bool pending, char *why, size_t n)
{
	uint64_t feat = k == ASYNC_REUSE ? UFFD_FEATURE_WP_ASYNC : 0;
	volatile char *page;
	long before, after = -1;
	int uffd;

	page = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		snprintf(why, n, "mmap: %s", strerror(errno));
		return -1;
	}
	uffd = uffd_new(feat);
	if (uffd < 0) {
		snprintf(why, n, "UFFDIO_API: %s", strerror(errno));
		goto out_unmap;
	}
	if (k == ASYNC_REUSE)
		page[0] = 1;		/* an exclusive anon page ... */
	else
		(void)page[0];		/* the shared zero page */
	if (uffd_register_wp(uffd, (void *)page, psize) ||
	    (k == ASYNC_REUSE && uffd_wp(uffd, (void *)page, psize, true))) {
		snprintf(why, n, "register/protect: %s", strerror(errno));
		goto out;
	}
	if (probe_cmd(probe, "watch %lx", (unsigned long)page) ||
	    (pending && probe_cmd(probe, "pending 1"))) {
		snprintf(why, n, "probe: %s", strerror(errno));
		goto out;
	}
	before = probe_hits(probe);
	page[0] = 2;			/* the write fault under test */
	after = probe_hits(probe);
	if (pending && probe_cmd(probe, "pending 0")) {
		snprintf(why, n, "probe: pending 0: %s", strerror(errno));
		after = -1;
	} else if (before < 0 || after < 0) {
		snprintf(why, n, "probe: read failed");
		after = -1;
	} else if (page[0] != 2) {
		snprintf(why, n, "the write did not land");
		after = -1;
	}
out:
	close(uffd);
out_unmap:
	munmap((void *)page, psize);
	return after < 0 ? -1 : after - before;
}

/* Does flush_tlb_page() reach the probe here at all? */
static bool calibrate(int probe, char *why, size_t n)
{
	char *page = mmap(NULL, psize, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long hits = -1;

	if (page == MAP_FAILED) {
		snprintf(why, n, "mmap: %s", strerror(errno));
		return false;
	}
	page[0] = 1;
	if (probe_cmd(probe, "watch %lx", (unsigned long)page) ||
	    probe_cmd(probe, "flush"))
		snprintf(why, n, "probe: %s", strerror(errno));
	else if ((hits = probe_hits(probe)) < 1)
		snprintf(why, n, "flush_tlb_page() does not reach the mm's notifiers "
			 "on this arch (counted %ld): no flush to watch", hits);
	munmap(page, psize);
	return hits >= 1;
}

int main(void)
{
	char why[300] = "";
	bool usable = false;
	int probe = -1, k;

	psize = sysconf(_SC_PAGESIZE);
	ktap_plan(NKIND);
	ktap_watchdog(60, "004-flush-pending");

	if (uffd_wp_offered(false, why, sizeof(why))) {
		probe = open(PROBE, O_RDWR | O_CLOEXEC);
		if (probe < 0)
			snprintf(why, sizeof(why), "no " PROBE " (%s): kernel without "
				 "CONFIG_PTE_MARKER_FLUSH_PROBE", strerror(errno));
		else
			usable = calibrate(probe, why, sizeof(why));
	}

	for (k = 0; k < NKIND; k++) {
		long plain, pend;

		if (!usable) {
			ktap_skip(names[k], "%s", why);
			continue;
		}
		if (k == ASYNC_REUSE && !uffd_has(UFFD_FEATURE_WP_ASYNC)) {
			ktap_skip(names[k], "UFFD_FEATURE_WP_ASYNC not offered");
			continue;
		}
		plain = one_fault(probe, k, false, why, sizeof(why));
		pend = plain < 0 ? -1 : one_fault(probe, k, true, why, sizeof(why));
		ktap_diag("%s: flushes of the page by the fault: %ld without a "
			  "uffd-wp flush pending, %ld with one", names[k], plain, pend);
		if (plain < 0 || pend < 0)
			ktap_fail(names[k], "%s", why);
		else if (pend <= plain)
			ktap_fail(names[k], "a write fault with a uffd-wp TLB flush "
				  "pending flushed the page %ld time(s), no more than "
				  "without one (%ld): do_wp_page() skipped its flush",
				  pend, plain);
		else
			ktap_ok(names[k]);
	}
	ktap_watchdog(0, NULL);
	if (probe >= 0)
		close(probe);
	return ktap_exit();
}
