// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 004: "mm/userfaultfd: fix memory corruption due to writeprotect"
 * (Nadav Amit, Yu Zhao, Andrea Arcangeli, 2020). UFFDIO_WRITEPROTECT runs
 * under mmap_lock for read and defers its TLB flush. A write fault in that
 * window (do_wp_page() copying the page for COW) could copy the page while
 * another CPU still wrote to the old one through a stale writable TLB
 * entry, and the write was lost. The fix: do_wp_page() flushes first when
 * userfaultfd_wp(vma) && mm_tlb_flush_pending(mm).
 *
 * Here: writer threads keep rewriting checksummed pages (each thread owns
 * its pages and knows what it last wrote) while the monitor, in a loop,
 * write-protects the whole range, snapshots it, collects faults for a
 * moment, checks nothing changed, and unprotects (all of it, or only the
 * faulting pages, as a real monitor would). A forked child keeps some pages
 * COW-shared now and then, so writes go through wp_page_copy().
 *   004-*-no-write-while-protected  after UFFDIO_WRITEPROTECT returned, no
 *                                   write lands until the monitor resolves
 *                                   a fault (memory equals the snapshot);
 *                                   every fault is a wp fault in the range;
 *   004-*-no-lost-or-torn-data      every page holds exactly the version
 *                                   its writer last wrote, words and
 *                                   checksum consistent, at every check
 *                                   and at the end.
 * On anonymous memory and, where offered, shmem.
 *
 * Kernel changes that make these tests fail: change_protection() not
 * flushing the TLB before UFFDIO_WRITEPROTECT returns (a vCPU keeps writing
 * through its stale entry: no-write-while-protected; QEMU's TCG keeps a
 * software TLB per vCPU, so a missing flush shows); do_wp_page() without
 * the flush-before-copy above; an arch pte_mkuffd_wp() that sets the bit
 * but leaves the PTE writable; unprotect clearing the write bit of a PTE
 * that was writable (the demotion the seed describes) combined with a
 * missing flush; wakeups lost on unprotect (writers hang: watchdog).
 * The single-CPU timing of a guest makes the original race rare; the
 * assertions are the ones that race would violate. Demonstrated failing by
 * leaving one page unprotected after each UFFDIO_WRITEPROTECT (a
 * deliberately broken condition): no-write-while-protected then reports
 * "page 0 changed while write-protected".
 */
#include "regress.h"

#define NP 32
#define NWRITERS 3
/* per soak() unit */
#define MAX_CYCLES 200
#define BUDGET_S 3.0

struct ctx {
	char *area;
	int uffd;
	bool shmem;
	volatile int stop;
	uint64_t version[NP];	/* last version written, per page (writer's own) */
	unsigned lost[NWRITERS];
	char lost_msg[NWRITERS][200];
	unsigned long writes[NWRITERS];
};

struct wargs {
	struct ctx *c;
	int id;
};

static void *writer(void *arg)
{
	struct wargs *wa = arg;
	struct ctx *c = wa->c;
	char why[128];
	size_t p;

	while (!c->stop) {
		for (p = wa->id; p < NP && !c->stop; p += NWRITERS) {
			char *pg = c->area + p * psize;

			/* only this thread writes page p: it must hold our last write */
			if (page_check(pg, p, c->version[p], why, sizeof(why)) &&
			    !c->lost[wa->id]++)
				snprintf(c->lost_msg[wa->id], sizeof(c->lost_msg[0]),
					 "page %zu before rewrite (version %" PRIu64 "): %s",
					 p, c->version[p], why);
			page_fill(pg, p, c->version[p] + 1);
			c->version[p]++;
			c->writes[wa->id]++;
		}
	}
	return NULL;
}

/* Read all pending messages: wp faults inside the range, anything else bad. */
static void drain(struct ctx *c, bool *faulted, unsigned *nfault, unsigned *bad)
{
	struct uffd_msg msg;

	while (read(c->uffd, &msg, sizeof(msg)) == sizeof(msg)) {
		uint64_t a = msg.arg.pagefault.address;
		char *p = (char *)(uintptr_t)(a & ~((uint64_t)psize - 1));

		if (msg.event != UFFD_EVENT_PAGEFAULT ||
		    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP) ||
		    p < c->area || p >= c->area + NP * psize) {
			(*bad)++;
			continue;
		}
		faulted[(p - c->area) / psize] = true;
		(*nfault)++;
	}
}

static void run(bool shmem)
{
	char na[64], nb[64], why[128];
	struct result ra = { .name = na }, rb = { .name = nb };
	struct wargs wa[NWRITERS];
	pthread_t th[NWRITERS];
	struct ctx *c = calloc(1, sizeof(*c));
	char *snap = malloc(NP * psize);
	unsigned cycles = 0, nfault = 0, bad = 0, forks = 0;
	unsigned long total = 0;
	int memfd = -1, i;
	pid_t child = 0;
	double t0;
	size_t p;

	snprintf(na, sizeof(na), "004-%s-no-write-while-protected",
		 shmem ? "shmem" : "anon");
	snprintf(nb, sizeof(nb), "004-%s-no-lost-or-torn-data",
		 shmem ? "shmem" : "anon");
	if (!c || !snap) {
		ktap_fail(na, "out of memory");
		ktap_fail(nb, "out of memory");
		return;
	}
	c->shmem = shmem;
	c->area = shmem ? map_shmem(NP, &memfd) : map_anon(NP);
	c->uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			   (shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0));
	if (!c->area || c->uffd < 0 || uffd_register_wp(c->uffd, c->area, NP * psize)) {
		ktap_fail(na, "set-up: %s", strerror(errno));
		ktap_fail(nb, "set-up failed");
		return;
	}
	for (p = 0; p < NP; p++) {
		c->version[p] = 1;
		page_fill(c->area + p * psize, p, 1);
	}
	for (i = 0; i < NWRITERS; i++) {
		wa[i] = (struct wargs){ .c = c, .id = i };
		pthread_create(&th[i], NULL, writer, &wa[i]);
	}

	t0 = now_s();
	ktap_watchdog(60 * soak(), na);
	for (cycles = 0; cycles < MAX_CYCLES * soak(); cycles++) {
		bool faulted[NP] = { 0 };
		unsigned nf = 0;
		int spin;

		if (cycles >= 20 && now_s() - t0 > BUDGET_S * soak())
			break;
		/* anon: now and then a child shares the pages (COW) for a while */
		if (!shmem && cycles % 16 == 0) {
			if (child > 0) {
				kill(child, SIGKILL);
				waitpid(child, NULL, 0);
				child = 0;
			}
			fflush(stdout);
			child = fork();
			if (child == 0) {
				signal(SIGALRM, SIG_DFL);
				alarm(30);
				for (;;)
					pause();
			}
			forks += child > 0;
		}
		if (uffd_wp(c->uffd, c->area, NP * psize, true)) {
			res_bad(&ra, "cycle %u: protect: %s", cycles, strerror(errno));
			break;
		}
		/* protected: from here until we resolve, nothing may change */
		memcpy(snap, c->area, NP * psize);
		for (spin = 0; spin < 4; spin++) {
			struct pollfd pf = { .fd = c->uffd, .events = POLLIN };

			poll(&pf, 1, 1);
			drain(c, faulted, &nf, &bad);
		}
		for (p = 0; p < NP; p++)
			if (memcmp(snap + p * psize, c->area + p * psize, psize)) {
				res_bad(&ra, "cycle %u: page %zu changed while "
					"write-protected (a write landed without a "
					"fault)", cycles, p);
				break;
			}
		nfault += nf;
		/* resolve: odd cycles page by page (faulting pages first) */
		if (cycles & 1) {
			for (p = 0; p < NP; p++)
				if (faulted[p] &&
				    uffd_wp(c->uffd, c->area + p * psize, psize, false))
					res_bad(&ra, "cycle %u: unprotect page %zu: %s",
						cycles, p, strerror(errno));
		}
		if (uffd_wp(c->uffd, c->area, NP * psize, false))
			res_bad(&ra, "cycle %u: unprotect: %s", cycles, strerror(errno));
		sleep_ms(1);
		if (ra.nbad > 10)
			break;
	}
	c->stop = 1;
	/* writers may be blocked on a fault still queued: resolve until done */
	for (i = 0; i < NWRITERS; i++) {
		uffd_wp(c->uffd, c->area, NP * psize, false);
		pthread_join(th[i], NULL);
	}
	ktap_watchdog(0, NULL);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	{
		bool faulted[NP];
		unsigned nf = 0;

		drain(c, faulted, &nf, &bad);
	}
	if (bad)
		res_bad(&ra, "%u messages that were not wp faults in the range", bad);
	for (i = 0; i < NWRITERS; i++) {
		total += c->writes[i];
		if (c->lost[i])
			res_bad(&rb, "writer %d found %u lost or torn pages, first: %s",
				i, c->lost[i], c->lost_msg[i]);
	}
	for (p = 0; p < NP; p++)
		if (page_check(c->area + p * psize, p, c->version[p], why, sizeof(why)))
			res_bad(&rb, "page %zu at the end: %s", p, why);
	ktap_diag("%s: %u protect cycles in %.1fs, %lu page writes, %u wp faults, %u forks",
		  shmem ? "shmem" : "anon", cycles, now_s() - t0, total, nfault, forks);
	if (!nfault)
		res_bad(&ra, "no wp fault in %u cycles: the writers never met a "
			"protected page, the test proves nothing", cycles);
	res_report(&ra);
	res_report(&rb);
	close(c->uffd);
	munmap(c->area, NP * psize);
	if (memfd >= 0)
		close(memfd);
	free(snap);
	free(c);
}

int main(void)
{
	static const char *names[] = {
		"004-anon-no-write-while-protected", "004-anon-no-lost-or-torn-data",
		"004-shmem-no-write-while-protected", "004-shmem-no-lost-or-torn-data",
	};
	char reason[300];

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	if (!uffd_wp_offered(false, reason, sizeof(reason))) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	run(false);
	if (uffd_wp_offered(true, reason, sizeof(reason))) {
		run(true);
	} else {
		ktap_skip(names[2], "%s", reason);
		ktap_skip(names[3], "%s", reason);
	}
	return ktap_exit();
}
