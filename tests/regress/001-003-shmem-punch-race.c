// SPDX-License-Identifier: GPL-2.0
/*
 * Seeds 001 and 003: "mm: Don't fault around userfaultfd-registered regions
 * on reads" (Peter Xu, Andrea Arcangeli, Hugh Dickins, 2020). Punching a
 * hole in uffd-wp registered shmem first unmaps the range
 * (unmap_mapping_range() in shmem_fallocate()) and only then truncates the
 * page cache. A read fault near the hole in that window could fault around
 * and map the doomed pages again - without the uffd-wp bit, which the unmap
 * had thrown away - so a later write landed without the monitor seeing a
 * fault: data loss for a live-snapshot monitor. The answer upstream was to
 * keep per-PTE uffd-wp state across zaps (PTE markers) and to disable
 * fault-around on uffd-wp VMAs (uffd_disable_fault_around()).
 *
 * Here: a memfd mapping, all pages written and write-protected; several
 * threads race a hole punch (001: fallocate(PUNCH_HOLE|KEEP_SIZE); 003:
 * madvise(MADV_REMOVE), plus MADV_DONTNEED zaps of the neighbours so their
 * re-faults are fault-around candidates) against reads of the hole and its
 * neighbours, many rounds. After each round:
 *   *-wp-bit    every page of the protected range still shows the uffd-wp
 *               bit in pagemap (bit 57: a protected PTE or a marker);
 *   *-wp-fault  a writer thread writes every page: the monitor must get a
 *               write-protect fault for each before its write lands;
 *   *-data      the pages outside the hole keep their checksummed contents,
 *               the hole reads zero, and every write sticks.
 * And the upstream answer itself, directly:
 *   001-no-fault-around  a read fault in a uffd-wp registered shmem VMA maps
 *               that one page, not its cached neighbours. With PTE markers
 *               the races above stay safe even with fault-around back (it
 *               never installs over a marker), so only this test sees
 *               uffd_disable_fault_around() lose VM_UFFD_WP (mutant
 *               fault-around-uffd-wp).
 *
 * Kernel changes that make these tests fail:
 * - zap_pte_range()/zap_install_uffd_wp_if_needed() not leaving a uffd-wp
 *   marker behind for shmem (or a ZAP_FLAG_DROP_MARKER on the hole-punch or
 *   MADV_DONTNEED path): the zapped pages re-fault without the bit, the
 *   writes land without a fault (wp-bit, wp-fault);
 * - an arch marker encoding that pte_none() takes for empty (e.g. s390,
 *   where an empty PTE is 0x400 and not 0, if clearing a marker wrote 0 or
 *   a marker looked like 0x400): fault-around and the fault path then treat
 *   the protected page as never mapped (wp-bit, wp-fault);
 * - removing uffd_disable_fault_around() together with filemap_map_pages()
 *   installing over markers, or set_pte_range() ignoring the marker's
 *   uffd-wp bit (vmf_orig_pte_uffd_wp()) when the page comes back;
 * - a truncation that leaves a stale page mapped (data: the hole is not
 *   zero, or a write goes to a page that is no longer in the file).
 * Demonstrated failing by unprotecting one page per round before the writes
 * (a deliberately broken test condition): *-wp-fault then reports "write
 * landed without a wp fault" for that page.
 */
#include "regress.h"

#define NP 32		/* two fault-around windows of 64 KiB with 4 KiB pages */
#define NREADERS 2
/* per soak() unit */
#define MAX_ROUNDS 1000
#define ROUND_BUDGET_S 4.0

enum punch { PUNCH_FALLOCATE, PUNCH_MADV_REMOVE };

struct race {
	enum punch how;
	int memfd;
	char *area;
	int round;
	size_t hole, hole_len;
	volatile int punch_done;
	volatile int quit;
	pthread_barrier_t start, end;
	int punch_err;
};

static void *puncher(void *arg)
{
	struct race *r = arg;

	for (;;) {
		pthread_barrier_wait(&r->start);
		if (r->quit)
			return NULL;
		if (r->how == PUNCH_FALLOCATE) {
			if (fallocate(r->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				      r->hole * psize, r->hole_len * psize))
				r->punch_err = errno;
		} else {
			if (madvise(r->area + r->hole * psize, r->hole_len * psize,
				    MADV_REMOVE))
				r->punch_err = errno;
		}
		__atomic_store_n(&r->punch_done, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&r->end);
	}
}

struct reader {
	struct race *r;
	int id;
	pthread_t th;
};

static void *reader(void *arg)
{
	struct reader *rd = arg;
	struct race *r = rd->r;
	volatile uint64_t sink = 0;

	for (;;) {
		size_t lo, hi, p;
		int extra = 0;

		pthread_barrier_wait(&r->start);
		if (r->quit)
			return NULL;
		lo = r->hole >= 3 ? r->hole - 3 : 0;
		hi = r->hole + r->hole_len + 3;
		if (hi > NP)
			hi = NP;
		/* read around the hole until a few passes after the punch */
		while (extra < 3) {
			if (__atomic_load_n(&r->punch_done, __ATOMIC_SEQ_CST))
				extra++;
			for (p = lo; p < hi; p++) {
				sink += *(volatile uint64_t *)(r->area + p * psize + 8 * rd->id);
				/*
				 * 003: the second reader zaps neighbours too, so
				 * their next read is a fresh read fault, the kind
				 * that faults around.
				 */
				if (r->how == PUNCH_MADV_REMOVE && rd->id == 1 &&
				    (p < r->hole || p >= r->hole + r->hole_len) &&
				    (p & 1))
					madvise(r->area + p * psize, psize, MADV_DONTNEED);
			}
		}
		pthread_barrier_wait(&r->end);
	}
	return NULL;
}

struct writer {
	char *area;
	int version;
	pthread_barrier_t go, done;
	volatile int quit;
};

static void *writer(void *arg)
{
	struct writer *w = arg;
	size_t p;

	for (;;) {
		pthread_barrier_wait(&w->go);
		if (w->quit)
			return NULL;
		for (p = 0; p < NP; p++)
			page_fill(w->area + p * psize, p, w->version);
		pthread_barrier_wait(&w->done);
	}
}

static void run(enum punch how, const char *tag)
{
	char nb[64], nf[64], nd[64], why[128];
	struct result rb = { .name = nb }, rf = { .name = nf }, rd = { .name = nd };
	struct reader rdr[NREADERS];
	struct race r = { .how = how };
	struct writer w = { 0 };
	pthread_t tp, tw;
	int uffd, pm, i;
	unsigned rounds = 0, holes_faulted = 0;
	struct mon m;
	double t0;
	size_t p;

	snprintf(nb, sizeof(nb), "%s-race-wp-bit", tag);
	snprintf(nf, sizeof(nf), "%s-race-wp-fault", tag);
	snprintf(nd, sizeof(nd), "%s-race-data", tag);

	r.area = map_shmem(NP, &r.memfd);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	pm = pagemap_open();
	if (!r.area || uffd < 0 || pm < 0 ||
	    uffd_register_wp(uffd, r.area, NP * psize) ||
	    mon_start(&m, uffd, r.area, NP)) {
		ktap_fail(nb, "set-up: %s", strerror(errno));
		ktap_fail(nf, "set-up failed");
		ktap_fail(nd, "set-up failed");
		return;
	}
	w.area = r.area;
	pthread_barrier_init(&r.start, NULL, 2 + NREADERS);
	pthread_barrier_init(&r.end, NULL, 2 + NREADERS);
	pthread_barrier_init(&w.go, NULL, 2);
	pthread_barrier_init(&w.done, NULL, 2);
	pthread_create(&tp, NULL, puncher, &r);
	for (i = 0; i < NREADERS; i++) {
		rdr[i] = (struct reader){ .r = &r, .id = i };
		pthread_create(&rdr[i].th, NULL, reader, &rdr[i]);
	}
	pthread_create(&tw, NULL, writer, &w);

	t0 = now_s();
	for (r.round = 0; r.round < MAX_ROUNDS * (int)soak(); r.round++) {
		int v = r.round + 1;

		if (r.round >= 10 && now_s() - t0 > ROUND_BUDGET_S * soak())
			break;
		rounds++;
		/* fresh contents, all pages populated, all protected */
		if (uffd_wp(uffd, r.area, NP * psize, false))
			res_bad(&rf, "round %d: unprotect: %s", v, strerror(errno));
		for (p = 0; p < NP; p++)
			page_fill(r.area + p * psize, p, v);
		if (uffd_wp(uffd, r.area, NP * psize, true))
			res_bad(&rf, "round %d: protect: %s", v, strerror(errno));
		mon_reset(&m);

		/* the race: punch a hole, read around it */
		r.hole = 1 + (size_t)(r.round * 7) % (NP - 3);
		r.hole_len = 1 + r.round % 2;
		r.punch_done = 0;
		r.punch_err = 0;
		ktap_watchdog(30, nf);
		pthread_barrier_wait(&r.start);
		pthread_barrier_wait(&r.end);
		if (r.punch_err) {
			res_bad(&rd, "round %d: %s: %s", v,
				how == PUNCH_FALLOCATE ? "fallocate(PUNCH_HOLE)" :
				"madvise(MADV_REMOVE)", strerror(r.punch_err));
			break;
		}

		/* still protected everywhere, hole included */
		for (p = 0; p < NP; p++) {
			uint64_t e = pagemap_get(pm, r.area + p * psize);

			if (!(e & PM_UFFD_WP))
				res_bad(&rb, "round %d: page %zu (%s) pagemap %#" PRIx64
					" has no uffd-wp bit after the race", v, p,
					p >= r.hole && p < r.hole + r.hole_len ?
					"hole" : "outside the hole", e);
		}
		/* contents: the hole is gone, the rest untouched */
		for (p = 0; p < NP; p++) {
			char *pg = r.area + p * psize;

			if (p >= r.hole && p < r.hole + r.hole_len) {
				if (!page_is_zero(pg))
					res_bad(&rd, "round %d: hole page %zu not zero "
						"after the punch", v, p);
			} else if (page_check(pg, p, v, why, sizeof(why))) {
				res_bad(&rd, "round %d: page %zu next to the hole: %s",
					v, p, why);
			}
		}

		/* every write must be seen by the monitor first */
		w.version = 1000 + v;
		pthread_barrier_wait(&w.go);
		pthread_barrier_wait(&w.done);
		ktap_watchdog(0, NULL);
		for (p = 0; p < NP; p++) {
			unsigned f = mon_get(&m.faults[p]);
			bool in_hole = p >= r.hole && p < r.hole + r.hole_len;

			if (!f)
				res_bad(&rf, "round %d: page %zu (%s): write landed "
					"without a wp fault", v, p,
					in_hole ? "hole" : "outside the hole");
			else if (f > 1)
				res_bad(&rf, "round %d: page %zu: %u wp faults for "
					"one write", v, p, f);
			else if (in_hole)
				holes_faulted++;
			if (page_check(r.area + p * psize, p, 1000 + v, why, sizeof(why)))
				res_bad(&rd, "round %d: page %zu after the write: %s",
					v, p, why);
		}
		if (rb.nbad + rf.nbad + rd.nbad > 20)
			break;
	}
	ktap_diag("%s: %u rounds in %.1fs, %u hole pages faulted as expected",
		  tag, rounds, now_s() - t0, holes_faulted);

	r.quit = 1;
	w.quit = 1;
	pthread_barrier_wait(&r.start);
	pthread_barrier_wait(&w.go);
	pthread_join(tp, NULL);
	for (i = 0; i < NREADERS; i++)
		pthread_join(rdr[i].th, NULL);
	pthread_join(tw, NULL);
	mon_stop(&m);
	if (mon_get(&m.stray) || mon_get(&m.missing) || m.err[0])
		res_bad(&rf, "monitor: %u stray, %u non-wp faults%s%s",
			m.stray, m.missing, m.err[0] ? ", " : "", m.err);
	res_report(&rb);
	res_report(&rf);
	res_report(&rd);
	uffd_unregister(uffd, r.area, NP * psize);
	close(uffd);
	close(pm);
	munmap(r.area, NP * psize);
	close(r.memfd);
}

/* ---- fault-around ----------------------------------------------------------- */

#define FA_NP	32	/* two 64 KiB fault-around windows with 4 KiB pages */
#define FA_PAGE	8	/* the page read: inside the first window */

/* Zap the mapping, read one page: how many other pages got mapped? */
static size_t fa_neighbours(int pm, char *area)
{
	size_t p, n = 0;

	madvise(area, FA_NP * psize, MADV_DONTNEED);
	(void)*(volatile char *)(area + FA_PAGE * psize);
	for (p = 0; p < FA_NP; p++)
		if (p != FA_PAGE && (pagemap_get(pm, area + p * psize) & PM_PRESENT))
			n++;
	return n;
}

/*
 * The same memfd mapped twice: unregistered (the control: fault-around
 * maps the cached neighbours there, else it is off on this kernel and the
 * test cannot tell) and registered for uffd-wp, nothing protected.
 */
static void test_no_fault_around(void)
{
	const char *name = "001-no-fault-around";
	size_t p, n_ctl, n_reg;
	char *ctl, *reg;
	int memfd, uffd, pm;

	ctl = map_shmem(FA_NP, &memfd);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	pm = pagemap_open();
	reg = ctl ? mmap(NULL, FA_NP * psize, PROT_READ | PROT_WRITE, MAP_SHARED,
			 memfd, 0) : MAP_FAILED;
	if (!ctl || reg == MAP_FAILED || uffd < 0 || pm < 0 ||
	    madvise(reg, FA_NP * psize, MADV_NOHUGEPAGE) ||
	    uffd_register_wp(uffd, reg, FA_NP * psize)) {
		ktap_fail(name, "set-up: %s", strerror(errno));
		return;
	}
	for (p = 0; p < FA_NP; p++)
		page_fill(ctl + p * psize, p, 1);	/* all in the page cache */
	n_ctl = fa_neighbours(pm, ctl);
	n_reg = fa_neighbours(pm, reg);
	ktap_diag("%s: a read fault mapped %zu neighbours unregistered, %zu registered",
		  name, n_ctl, n_reg);
	if (n_reg)
		ktap_fail(name, "a read fault in a uffd-wp registered VMA mapped %zu "
			  "neighbouring pages (fault-around; unregistered: %zu)",
			  n_reg, n_ctl);
	else if (!n_ctl)
		ktap_skip(name, "no fault-around on this kernel, not even unregistered");
	else
		ktap_ok(name);
	uffd_unregister(uffd, reg, FA_NP * psize);
	close(uffd);
	close(pm);
	munmap(reg, FA_NP * psize);
	munmap(ctl, FA_NP * psize);
	close(memfd);
}

int main(void)
{
	static const char *names[] = {
		"001-punch-race-wp-bit", "001-punch-race-wp-fault",
		"001-punch-race-data", "003-remove-race-wp-bit",
		"003-remove-race-wp-fault", "003-remove-race-data",
		"001-no-fault-around",
	};
	char reason[300];
	size_t i;

	regress_init();
	ktap_plan(ARRAY_SIZE(names));
	if (!uffd_wp_offered(true, reason, sizeof(reason))) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			ktap_skip(names[i], "%s", reason);
		return ktap_exit();
	}
	run(PUNCH_FALLOCATE, "001-punch");
	run(PUNCH_MADV_REMOVE, "003-remove");
	test_no_fault_around();
	return ktap_exit();
}
