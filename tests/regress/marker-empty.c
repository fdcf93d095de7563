// SPDX-License-Identifier: GPL-2.0
/*
 * Where a uffd-wp marker goes away, the PTE must become the arch's empty
 * PTE, pte_none(), whatever that value is. On most arches it is 0; on s390
 * it is _PAGE_INVALID (0x400), and a literal 0 there is not empty at all:
 * it is a swap entry of type 0, offset 0. A path that clears a marker by
 * writing 0 instead of going through pte_clear()/pte_empty() would leave
 * such an entry behind: pagemap then reports a swapped page (bit 62) where
 * there is none, and touching it faults in slot 0 of the first swap device
 * (its header) or dies of SIGBUS.
 *
 * Each case installs markers, checks that pagemap sees them (bit 57 with
 * bit 62: a marker is a swap-format entry), removes them one way, then
 * checks every page: pagemap shows neither swap, present nor uffd-wp; the
 * page reads back as it should (zero for anon, the old contents for shmem,
 * whose data stays in the page cache); a write completes (alarm() watchdog)
 * and reads back.
 *
 *   unprotect-anon    UFFD_FEATURE_WP_UNPOPULATED markers, UFFDIO_WRITEPROTECT
 *                     without MODE_WP (change_pte_range(), uffd_wp_resolve)
 *   unregister-anon   the same markers, UFFDIO_UNREGISTER (uffd_wp_range())
 *   zap-anon          the same markers, MADV_DONTNEED (zap_pte_range())
 *   unprotect-shmem   shmem pages zapped while protected, then unprotected
 *   release-shmem     the same shmem markers, the userfaultfd closed
 *                     (userfaultfd_release())
 *   mremap-anon       markers moved by mremap() to where no registration
 *                     follows (move_ptes(), CVE-2025-21696's path)
 *   fork-anon         markers in a parent whose child is not registered
 *                     (no UFFD_FEATURE_EVENT_FORK: copy_nonpresent_pte()
 *                     must leave the child's PTE empty)
 *
 * On an arch whose empty PTE is 0 a literal 0 is harmless and these pass
 * either way; they exist for the arches where it is not. Demonstrated
 * failing on s390x with change_pte_range() dropping markers as
 * set_pte_at(.., __pte(0)) instead of pte_clear(): the unprotect,
 * unregister and release cases report "pagemap 0x4080000000000000: a
 * swap-format entry where the PTE should be empty"; zap, mremap and fork
 * take other paths and pass. (On x86_64: checking the pages before the
 * markers go away fails every case but fork the same way.)
 */
#include "regress.h"

#define NP 8

enum how { UNPROTECT_ANON, UNREGISTER_ANON, ZAP_ANON, UNPROTECT_SHMEM,
	   RELEASE_SHMEM, MREMAP_ANON, FORK_ANON, NHOW };

static const char *names[NHOW] = {
	"marker-empty-unprotect-anon", "marker-empty-unregister-anon",
	"marker-empty-zap-anon", "marker-empty-unprotect-shmem",
	"marker-empty-release-shmem", "marker-empty-mremap-anon",
	"marker-empty-fork-anon",
};

/*
 * The pages of [base, base + n pages) after their markers went away: empty
 * PTEs, contents right (zero, or version 1 when filled), writable. first
 * skips pages that are not markers in this case.
 */
static void check_empty(struct result *r, int pm, char *base, size_t first,
			bool filled, bool wd)
{
	bool bogus[NP] = { false };
	char why[128];
	size_t i;

	/* all of them first: touching one may fault its neighbours around */
	for (i = first; i < NP; i++) {
		uint64_t e = pagemap_get(pm, base + i * psize);

		if (e & (PM_SWAP | PM_PRESENT | PM_UFFD_WP)) {
			res_bad(r, "page %zu: pagemap %#" PRIx64 ": %s", i, e,
				(e & PM_SWAP) ?
				"a swap-format entry where the PTE should be empty" :
				"not empty");
			/* touching a bogus swap entry may kill us: don't */
			bogus[i] = true;
		}
	}
	for (i = first; i < NP; i++) {
		if (bogus[i])
			continue;
		if (wd)
			ktap_watchdog(20, r->name);
		if (filled ? page_check(base + i * psize, i, 1, why, sizeof(why)) :
			     !page_is_zero(base + i * psize))
			res_bad(r, "page %zu: %s", i, filled ? why :
				"not zero-filled after the marker went away");
		page_fill(base + i * psize, i, 2);
		if (wd)
			ktap_watchdog(0, NULL);
		if (page_check(base + i * psize, i, 2, why, sizeof(why)))
			res_bad(r, "page %zu after the write: %s", i, why);
	}
}

static void check_markers(struct result *r, int pm, char *base, size_t first)
{
	size_t i;

	for (i = first; i < NP; i++) {
		uint64_t e = pagemap_get(pm, base + i * psize);

		if ((e & (PM_UFFD_WP | PM_SWAP)) != (PM_UFFD_WP | PM_SWAP))
			res_bad(r, "set-up: page %zu pagemap %#" PRIx64
				" is not a uffd-wp marker", i, e);
	}
}

/* The child of FORK_ANON: its own pagemap, its own pages. */
static int fork_child(char *base)
{
	struct result r = { .name = names[FORK_ANON] };
	int pm = pagemap_open();

	if (pm < 0)
		return 2;
	/* no watchdog: its "not ok" line is the parent's to print */
	check_empty(&r, pm, base, 1, false, false);
	if (r.nbad)
		printf("# %s: child: %s\n", r.name, r.why);
	return r.nbad ? 1 : 0;
}

static void test_one(enum how how)
{
	struct result r = { .name = names[how] };
	bool shmem = how == UNPROTECT_SHMEM || how == RELEASE_SHMEM;
	/* fork copies an anon vma's page table only once it has an anon_vma */
	size_t first = how == FORK_ANON ? 1 : 0;
	int uffd, pm, memfd = -1, st;
	char *base, *dst = NULL;
	pid_t pid;
	size_t i;

	if (!shmem && !uffd_has(UFFD_FEATURE_WP_UNPOPULATED)) {
		ktap_skip(r.name, "UFFDIO_API lacks UFFD_FEATURE_WP_UNPOPULATED");
		return;
	}
	if (shmem && !uffd_has(UFFD_FEATURE_WP_HUGETLBFS_SHMEM)) {
		ktap_skip(r.name, "UFFDIO_API lacks UFFD_FEATURE_WP_HUGETLBFS_SHMEM");
		return;
	}
	base = shmem ? map_shmem(NP, &memfd) : map_anon(NP);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM :
				 UFFD_FEATURE_WP_UNPOPULATED));
	pm = pagemap_open();
	if (how == MREMAP_ANON) {
		dst = mmap(NULL, NP * psize, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (dst == MAP_FAILED)
			dst = NULL;
	}
	if (!base || uffd < 0 || pm < 0 || (how == MREMAP_ANON && !dst) ||
	    uffd_register_wp(uffd, base, NP * psize)) {
		ktap_fail(r.name, "set-up: %s", strerror(errno));
		return;
	}
	if (shmem)
		for (i = 0; i < NP; i++)
			page_fill(base + i * psize, i, 1);
	if (first)
		base[0] = 1;
	if (uffd_wp(uffd, base, NP * psize, true)) {
		ktap_fail(r.name, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
		return;
	}
	/* shmem keeps its markers over a zap; anon gets them unpopulated */
	if (shmem && madvise(base, NP * psize, MADV_DONTNEED))
		res_bad(&r, "MADV_DONTNEED: %s", strerror(errno));
	check_markers(&r, pm, base, first);

	switch (how) {
	case UNPROTECT_ANON:
	case UNPROTECT_SHMEM:
		if (uffd_wp(uffd, base, NP * psize, false))
			res_bad(&r, "unprotect: %s", strerror(errno));
		break;
	case UNREGISTER_ANON:
		if (uffd_unregister(uffd, base, NP * psize))
			res_bad(&r, "UFFDIO_UNREGISTER: %s", strerror(errno));
		break;
	case ZAP_ANON:
		if (madvise(base, NP * psize, MADV_DONTNEED))
			res_bad(&r, "MADV_DONTNEED: %s", strerror(errno));
		break;
	case RELEASE_SHMEM:
		close(uffd);
		uffd = -1;
		break;
	case MREMAP_ANON:
		if (mremap(base, NP * psize, NP * psize,
			   MREMAP_MAYMOVE | MREMAP_FIXED, dst) != dst) {
			ktap_fail(r.name, "mremap: %s", strerror(errno));
			return;
		}
		base = dst;
		break;
	case FORK_ANON:
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			res_bad(&r, "fork: %s", strerror(errno));
			break;
		}
		if (!pid)
			_exit(fork_child(base));
		st = wait_child(pid, 30);
		if (st < 0)
			res_bad(&r, "the child hung (killed after 30s)");
		else if (WIFSIGNALED(st))
			res_bad(&r, "the child died of signal %d touching its "
				"pages", WTERMSIG(st));
		else if (WEXITSTATUS(st))
			res_bad(&r, "the child found its pages not empty "
				"(exit %d)", WEXITSTATUS(st));
		break;
	default:
		break;
	}
	/* the parent's markers stay (it is still registered): skip them */
	if (how != FORK_ANON)
		check_empty(&r, pm, base, first, shmem, true);
	res_report(&r);
	if (uffd >= 0)
		close(uffd);
	close(pm);
	munmap(base, NP * psize);
	if (memfd >= 0)
		close(memfd);
}

int main(void)
{
	char reason[300];
	int i;

	regress_init();
	ktap_plan(NHOW);
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		for (i = 0; i < NHOW; i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	for (i = 0; i < NHOW; i++)
		test_one(i);
	return ktap_exit();
}
