// SPDX-License-Identifier: GPL-2.0
/*
 * uffd_bench.c - what userfaultfd write-protect costs, against the paths it
 * replaces, measured as ratios within one run (issue #7):
 *
 *   wp_anon    UFFDIO_WRITEPROTECT protect + unprotect of a populated anon
 *              range vs mprotect(PROT_READ) + mprotect(PROT_READ|PROT_WRITE)
 *   wp_shmem   the same on a memfd (shmem) range
 *   wp_fault   one write-fault round trip: writer faults, a monitor thread
 *              reads the event and unprotects the page, the writer resumes;
 *              vs mprotect(PROT_READ) and a SIGSEGV handler that mprotect()s
 *              the page writable again; both threads on one CPU
 *   dirty      dirty tracking with 1% of the pages written: async wp
 *              (UFFD_FEATURE_WP_ASYNC + PAGEMAP_SCAN collecting and
 *              re-protecting the written pages) vs soft-dirty (clear_refs 4
 *              + reading bit 55 of /proc/self/pagemap); both must find
 *              exactly the pages written
 *
 * Every figure is a median over repetitions (the ratio: the median of
 * each back-to-back pair's ratio, with its min and max, and ratio_best:
 * the fastest of each path against each other; dirty: the ratio of the
 * medians, its trackers cannot alternate), printed as a diagnostic line
 * "# bench: <figure> key=value ..." (ns are nanoseconds; ratio = uffd path
 * / replaced path) before its KTAP result. A figure the kernel cannot
 * measure (no uffd-wp, no WP_ASYNC, no soft-dirty...) is skipped with the
 * reason, never estimated. Transparent huge pages are disabled on every
 * range (MADV_NOHUGEPAGE): the figures are about 4 KiB PTEs, and soft-dirty
 * would report a whole huge page for one written byte.
 *
 * Exit status: 0 when it ran, 4 when every figure was skipped, 1 when a
 * figure failed (a syscall that should work did not, or a tracker reported
 * the wrong pages).
 *
 * Usage: uffd_bench [-q] [-x] [-c tries] [-m MiB] [-r reps] [-f faults]
 *   -q  quick: 8 MiB, 3 repetitions, 256 faults (host test)
 *   -x  write one page the dirty checks do not expect: they must fail
 *   -c  the clock check's first <tries> tries see a 10 us clock (host test)
 *
 * Build: gcc -static -O2 -Wall -pthread -isystem <uapi headers> \
 *        -o uffd_bench uffd_bench.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/fs.h>
#include <linux/userfaultfd.h>

/* Older uapi headers (the host's libc headers): these values are ABI. */
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC		(1 << 15)
#endif
#ifndef PAGEMAP_SCAN
#define PAGEMAP_SCAN	_IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_WRITTEN		(1 << 1)
#define PM_SCAN_WP_MATCHING	(1 << 0)
#define PM_SCAN_CHECK_WPASYNC	(1 << 1)
struct page_region {
	__u64 start;
	__u64 end;
	__u64 categories;
};
struct pm_scan_arg {
	__u64 size;
	__u64 flags;
	__u64 start;
	__u64 end;
	__u64 walk_end;
	__u64 vec;
	__u64 vec_len;
	__u64 max_pages;
	__u64 category_inverted;
	__u64 category_mask;
	__u64 category_anyof_mask;
	__u64 return_mask;
};
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC	0x0001U
#endif

#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_UFFD_WP	(1ULL << 57)

enum status { PASS, SKIP, FAIL };

struct fig {
	const char *name;
	enum status st;
	char why[300];
};

static size_t psize;
static size_t range_bytes = 64UL << 20;	/* wp_anon, wp_shmem, dirty */
static int reps = 31;			/* repetitions of range figures */
static int dirty_rounds = 15;
static size_t nfaults = 2048;		/* pages faulted per wp_fault round */
static int fault_rounds = 7;
static uint64_t features;		/* what UFFDIO_API offers */
static int uffd_errno;			/* why userfaultfd() failed, if it did */
static int pagemap_fd = -1;

/* ---- helpers ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static enum status __attribute__((format(printf, 3, 4)))
set(struct fig *f, enum status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	return f->st = st;
}

#define skip(f, ...)	set(f, SKIP, __VA_ARGS__)
#define fail(f, ...)	set(f, FAIL, __VA_ARGS__)

static void __attribute__((format(printf, 2, 3)))
bench_line(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("# bench: %s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * "ratio=<median> ratio_min=.. ratio_max=.." of the pairwise ratios
 * u[i] / m[i]: a pair ran back to back, so a machine that slows down
 * between pairs (other jobs on the host) cancels out.
 */
static const char *ratios(const uint64_t *u, const uint64_t *m, int n)
{
	static char buf[120];
	uint64_t umin = u[0], mmin = m[0];
	double r[n], med;
	int i;

	for (i = 0; i < n; i++) {
		r[i] = m[i] ? (double)u[i] / m[i] : 0;
		umin = u[i] < umin ? u[i] : umin;
		mmin = m[i] < mmin ? m[i] : mmin;
	}
	qsort(r, n, sizeof(*r), cmp_double);
	med = n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
	/* ratio_best: fastest against fastest, what interruptions cannot inflate */
	snprintf(buf, sizeof(buf), "ratio=%.3f ratio_min=%.3f ratio_max=%.3f ratio_best=%.3f",
		 med, r[0], r[n - 1], mmin ? (double)umin / mmin : 0);
	return buf;
}

/* A populated range without huge pages; memfd-backed when shmem. */
static char *map_range(size_t len, bool shmem)
{
	int fd = -1, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p;
	size_t i;

	if (shmem) {
		fd = syscall(__NR_memfd_create, "uffd_bench", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, len)) {
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		flags = MAP_SHARED;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += psize)
		p[i] = 1;
	return p;
}

/* A userfaultfd with the given features, or -errno. */
static int uffd_open(uint64_t want, bool nonblock)
{
	struct uffdio_api api = { .api = UFFD_API, .features = want };
	int fd, e;

	fd = syscall(__NR_userfaultfd, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static int uffd_register_wp(int fd, void *p, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	return ioctl(fd, UFFDIO_REGISTER, &reg);
}

static int uffd_wp(int fd, void *p, size_t len, bool protect)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = protect ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(fd, UFFDIO_WRITEPROTECT, &wp);
}

static void probe_features(void)
{
	int fd = uffd_open(0, true);
	struct uffdio_api api = { .api = UFFD_API };

	if (fd < 0) {
		uffd_errno = -fd;
		return;
	}
	close(fd);
	/* UFFDIO_API answers once per fd: ask a fresh one what it offers */
	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && !ioctl(fd, UFFDIO_API, &api))
		features = api.features;
	if (fd >= 0)
		close(fd);
}

/* The reason a figure needing these features cannot run, or NULL. */
static const char *lacks(uint64_t need)
{
	static char why[200];

	if (uffd_errno) {
		snprintf(why, sizeof(why), "userfaultfd(): %s", strerror(uffd_errno));
		return why;
	}
	if (!(features & UFFD_FEATURE_PAGEFAULT_FLAG_WP) &&
	    (need & UFFD_FEATURE_PAGEFAULT_FLAG_WP)) {
		snprintf(why, sizeof(why),
			 "no uffd-wp: UFFDIO_API features 0x%llx lack PAGEFAULT_FLAG_WP",
			 (unsigned long long)features);
		return why;
	}
	if (!(features & UFFD_FEATURE_WP_HUGETLBFS_SHMEM) &&
	    (need & UFFD_FEATURE_WP_HUGETLBFS_SHMEM)) {
		snprintf(why, sizeof(why),
			 "no uffd-wp on shmem: UFFDIO_API features 0x%llx lack WP_HUGETLBFS_SHMEM",
			 (unsigned long long)features);
		return why;
	}
	if (!(features & UFFD_FEATURE_WP_ASYNC) && (need & UFFD_FEATURE_WP_ASYNC)) {
		snprintf(why, sizeof(why),
			 "no async wp: UFFDIO_API features 0x%llx lack WP_ASYNC",
			 (unsigned long long)features);
		return why;
	}
	return NULL;
}

/*
 * How many of the pages pagemap shows uffd-wp protected (bit 57); -1 when
 * pagemap cannot be read (the check is then left out), -2 out of memory.
 */
static long count_wp(char *p, size_t npages)
{
	uint64_t *buf = calloc(npages, sizeof(*buf));
	size_t want = npages * sizeof(*buf), got = 0, i;
	off_t off = (uintptr_t)p / psize * sizeof(*buf);
	long n = 0;
	ssize_t r;

	if (!buf)
		return -2;
	while (pagemap_fd >= 0 && got < want) {
		r = pread(pagemap_fd, (char *)buf + got, want - got, off + got);
		if (r <= 0)
			break;
		got += r;
	}
	if (got < want)
		n = -1;
	for (i = 0; n >= 0 && i < npages; i++)
		n += !!(buf[i] & PM_UFFD_WP);
	free(buf);
	return n;
}

/* ---- wp_anon, wp_shmem: protect + unprotect a whole range ---------------- */

static enum status fig_range(struct fig *f, bool shmem)
{
	uint64_t want = UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0);
	uint64_t *tu, *tm, t0, t1, mu, mm;
	char *a = NULL, *b = NULL;
	const char *rs;
	const char *why;
	int fd = -1, i;
	long n;

	why = lacks(want);
	if (why)
		return skip(f, "%s", why);
	tu = calloc(reps, sizeof(*tu));
	tm = calloc(reps, sizeof(*tm));
	a = map_range(range_bytes, shmem);
	b = map_range(range_bytes, shmem);
	if (!tu || !tm || !a || !b) {
		fail(f, "cannot map and populate 2 x %zu MiB: %s", range_bytes >> 20,
		     strerror(errno));
		goto out;
	}
	fd = uffd_open(want, true);
	if (fd < 0) {
		fail(f, "UFFDIO_API with features 0x%llx: %s",
		     (unsigned long long)want, strerror(-fd));
		goto out;
	}
	if (uffd_register_wp(fd, a, range_bytes)) {
		if (errno == EINVAL && shmem)
			skip(f, "UFFDIO_REGISTER MODE_WP on shmem: %s", strerror(errno));
		else
			fail(f, "UFFDIO_REGISTER MODE_WP: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < reps; i++) {
		/* alternate the order, so neither path always goes first */
		bool mfirst = i & 1;
		uint64_t tm0 = 0;

		if (mfirst) {
			tm0 = now_ns();
			if (mprotect(b, range_bytes, PROT_READ) ||
			    mprotect(b, range_bytes, PROT_READ | PROT_WRITE))
				goto mprot_err;
			tm[i] = now_ns() - tm0;
		}
		t0 = now_ns();
		if (uffd_wp(fd, a, range_bytes, true)) {
			fail(f, "UFFDIO_WRITEPROTECT (protect): %s", strerror(errno));
			goto out;
		}
		if (uffd_wp(fd, a, range_bytes, false)) {
			fail(f, "UFFDIO_WRITEPROTECT (unprotect): %s", strerror(errno));
			goto out;
		}
		t1 = now_ns();
		tu[i] = t1 - t0;
		if (!mfirst) {
			tm0 = now_ns();
			if (mprotect(b, range_bytes, PROT_READ) ||
			    mprotect(b, range_bytes, PROT_READ | PROT_WRITE))
				goto mprot_err;
			tm[i] = now_ns() - tm0;
		}
	}
	/* what the kernel reports must match: all protected, then none */
	n = count_wp(a, range_bytes / psize);
	if (n == -2 || (n >= 0 && uffd_wp(fd, a, range_bytes, true))) {
		fail(f, "%s", n == -2 ? "out of memory" : strerror(errno));
		goto out;
	}
	if (n >= 0) {
		size_t on = count_wp(a, range_bytes / psize);

		uffd_wp(fd, a, range_bytes, false);
		if (n || on != range_bytes / psize) {
			fail(f, "pagemap shows %ld pages uffd-wp after unprotect, %zu of %zu after protect",
			     n, on, range_bytes / psize);
			goto out;
		}
	}
	rs = ratios(tu, tm, reps);
	mu = median(tu, reps);
	mm = median(tm, reps);
	bench_line(f->name, "mib=%zu reps=%d uffd_ns=%llu mprotect_ns=%llu %s",
		   range_bytes >> 20, reps, (unsigned long long)mu,
		   (unsigned long long)mm, rs);
	f->st = PASS;
	goto out;
mprot_err:
	fail(f, "mprotect: %s", strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (a)
		munmap(a, range_bytes);
	if (b)
		munmap(b, range_bytes);
	free(tu);
	free(tm);
	return f->st;
}

/* ---- wp_fault: the write-fault round trip -------------------------------- */

struct monitor {
	int uffd, stop;		/* stop: read end of a pipe, written at the end */
	char *base;		/* the registered range */
	size_t len;
	size_t handled, bad;	/* events unprotected; events not a wp fault */
	int err;
};

/* The monitor failed: unregister, which wakes the writer, so it cannot hang. */
static void *monitor_fail(struct monitor *m, int err)
{
	struct uffdio_range r = { .start = (uintptr_t)m->base, .len = m->len };

	m->err = err;
	ioctl(m->uffd, UFFDIO_UNREGISTER, &r);
	return NULL;
}

static void *monitor_main(void *arg)
{
	struct monitor *m = arg;
	struct pollfd pf[2] = {
		{ .fd = m->uffd, .events = POLLIN },
		{ .fd = m->stop, .events = POLLIN },
	};
	struct uffd_msg msg;

	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return monitor_fail(m, errno);
		}
		if (pf[1].revents)
			return NULL;
		if (read(m->uffd, &msg, sizeof(msg)) != sizeof(msg)) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return monitor_fail(m, errno);
		}
		if (msg.event != UFFD_EVENT_PAGEFAULT ||
		    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP)) {
			m->bad++;
			continue;
		}
		/* unprotecting wakes the writer (no DONTWAKE) */
		if (uffd_wp(m->uffd, (void *)(uintptr_t)(msg.arg.pagefault.address &
				~(uint64_t)(psize - 1)), psize, false))
			return monitor_fail(m, errno);
		m->handled++;
	}
}

static char *segv_base;
static size_t segv_len;
static volatile size_t segv_faults;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	char *addr = si->si_addr;

	(void)uc;
	if (addr >= segv_base && addr < segv_base + segv_len &&
	    !mprotect((void *)((uintptr_t)addr & ~(uintptr_t)(psize - 1)), psize,
		      PROT_READ | PROT_WRITE)) {
		segv_faults++;
		return;
	}
	/* not ours: die of it on return */
	signal(sig, SIG_DFL);
}

static enum status fig_fault(struct fig *f)
{
	size_t len = nfaults * psize, i;
	uint64_t *tu, *tm, t0, mu, mm;
	struct sigaction sa = { 0 }, old;
	char *a = NULL, *b = NULL;
	const char *why, *rs;
	int fd = -1, r, p[2] = { -1, -1 }, cpu;
	bool have_old = false, pinned = false;
	cpu_set_t cpus, oldcpus;

	why = lacks(UFFD_FEATURE_PAGEFAULT_FLAG_WP);
	if (why)
		return skip(f, "%s", why);
	/*
	 * Writer and monitor share one CPU: the round trip is then the
	 * kernel's path (fault, switch, read, unprotect, switch back), not
	 * how fast an idle CPU wakes up, which under QEMU TCG is the
	 * emulator's and would swamp the comparison between arches.
	 */
	cpu = sched_getcpu();
	CPU_ZERO(&cpus);
	if (cpu >= 0)
		CPU_SET(cpu, &cpus);
	if (cpu < 0 || sched_getaffinity(0, sizeof(oldcpus), &oldcpus) ||
	    sched_setaffinity(0, sizeof(cpus), &cpus)) {
		fail(f, "cannot pin to one CPU: %s", strerror(errno));
		return f->st;
	}
	pinned = true;
	tu = calloc(fault_rounds, sizeof(*tu));
	tm = calloc(fault_rounds, sizeof(*tm));
	a = map_range(len, false);
	b = map_range(len, false);
	if (!tu || !tm || !a || !b) {
		fail(f, "cannot map and populate 2 x %zu pages: %s", nfaults,
		     strerror(errno));
		goto out;
	}
	fd = uffd_open(UFFD_FEATURE_PAGEFAULT_FLAG_WP, true);
	if (fd < 0) {
		fail(f, "UFFDIO_API: %s", strerror(-fd));
		goto out;
	}
	if (uffd_register_wp(fd, a, len)) {
		fail(f, "UFFDIO_REGISTER MODE_WP: %s", strerror(errno));
		goto out;
	}
	sa.sa_sigaction = segv_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old)) {
		fail(f, "sigaction: %s", strerror(errno));
		goto out;
	}
	have_old = true;
	segv_base = b;
	segv_len = len;

	for (r = 0; r < fault_rounds; r++) {
		struct monitor m = { .uffd = fd, .base = a, .len = len };
		pthread_t th;
		int e;

		/* uffd: the monitor waits before the clock starts */
		if (uffd_wp(fd, a, len, true)) {
			fail(f, "UFFDIO_WRITEPROTECT: %s", strerror(errno));
			goto out;
		}
		if (pipe(p)) {
			fail(f, "pipe: %s", strerror(errno));
			goto out;
		}
		m.stop = p[0];
		e = pthread_create(&th, NULL, monitor_main, &m);
		if (e) {
			fail(f, "pthread_create: %s", strerror(e));
			goto out;
		}
		t0 = now_ns();
		for (i = 0; i < len; i += psize)
			((volatile char *)a)[i] = r + 2;
		tu[r] = (now_ns() - t0) / nfaults;
		if (write(p[1], "", 1) != 1)
			m.err = errno;
		pthread_join(th, NULL);
		close(p[0]);
		close(p[1]);
		p[0] = p[1] = -1;
		if (m.err) {
			fail(f, "monitor: %s", strerror(m.err));
			goto out;
		}
		if (m.handled != nfaults || m.bad) {
			fail(f, "round %d: %zu pages written, %zu wp faults resolved, %zu other events",
			     r, nfaults, m.handled, m.bad);
			goto out;
		}

		/* mprotect + SIGSEGV */
		if (mprotect(b, len, PROT_READ)) {
			fail(f, "mprotect: %s", strerror(errno));
			goto out;
		}
		segv_faults = 0;
		t0 = now_ns();
		for (i = 0; i < len; i += psize)
			((volatile char *)b)[i] = r + 2;
		tm[r] = (now_ns() - t0) / nfaults;
		if (segv_faults != nfaults) {
			fail(f, "round %d: %zu pages written, %zu SIGSEGVs handled", r,
			     nfaults, (size_t)segv_faults);
			goto out;
		}
	}
	for (i = 0; i < len; i += psize)
		if (a[i] != fault_rounds + 1 || b[i] != fault_rounds + 1) {
			fail(f, "page %zu lost a write", i / psize);
			goto out;
		}
	rs = ratios(tu, tm, fault_rounds);
	mu = median(tu, fault_rounds);
	mm = median(tm, fault_rounds);
	bench_line(f->name, "faults=%zu rounds=%d one_cpu=1 uffd_ns=%llu mprotect_ns=%llu %s",
		   nfaults, fault_rounds, (unsigned long long)mu,
		   (unsigned long long)mm, rs);
	f->st = PASS;
out:
	if (pinned)
		sched_setaffinity(0, sizeof(oldcpus), &oldcpus);
	if (have_old)
		sigaction(SIGSEGV, &old, NULL);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	if (fd >= 0)
		close(fd);
	if (a)
		munmap(a, len);
	if (b)
		munmap(b, len);
	free(tu);
	free(tm);
	return f->st;
}

/* ---- dirty: async wp + PAGEMAP_SCAN vs soft-dirty ------------------------ */

/* Round r writes one page in each block of 100, at a round-dependent offset. */
static size_t dirty_page(size_t i, int r, size_t npages)
{
	size_t pg = i * 100 + (i * 37 + r * 13) % 100;

	return pg < npages ? pg : npages - 1 - i;
}

static bool write_extra;	/* -x: one unexpected write, the checks must fail */

static void write_dirty(char *p, size_t nw, int r, size_t npages)
{
	size_t i;

	for (i = 0; i < nw; i++)
		((volatile char *)p)[dirty_page(i, r, npages) * psize] = r + 3;
	/* the page after the one written in block 0 */
	if (write_extra)
		((volatile char *)p)[(dirty_page(0, r, npages) + 1) * psize] = 9;
}

/* Are exactly the pages of round r marked in seen[]? */
static bool exact(const unsigned char *seen, size_t npages, size_t nw, int r,
		  size_t *found)
{
	unsigned char *want = calloc(npages, 1);
	bool ok = want != NULL;
	size_t i;

	*found = 0;
	for (i = 0; want && i < nw; i++)
		want[dirty_page(i, r, npages)] = 1;
	for (i = 0; i < npages; i++) {
		*found += seen[i];
		if (want && want[i] != seen[i])
			ok = false;
	}
	free(want);
	return ok;
}

/* Collect the written pages into seen[] and write-protect them again. */
static int scan_written(char *p, size_t npages, struct page_region *vec,
			size_t vlen, unsigned char *seen)
{
	struct pm_scan_arg arg = {
		.size = sizeof(arg),
		.flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + npages * psize,
		.vec = (uintptr_t)vec,
		.vec_len = vlen,
		.category_mask = PAGE_IS_WRITTEN,
		.return_mask = PAGE_IS_WRITTEN,
	};
	uint64_t a;
	long n, j;

	/* a full vec stops the walk early: go on from walk_end */
	while (arg.start < arg.end) {
		n = ioctl(pagemap_fd, PAGEMAP_SCAN, &arg);
		if (n < 0)
			return -errno;
		for (j = 0; j < n; j++)
			for (a = vec[j].start; a < vec[j].end; a += psize)
				seen[(a - (uintptr_t)p) / psize] = 1;
		arg.start = arg.walk_end;
	}
	return 0;
}

static int clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "4", 1) != 1)
		e = -errno;
	close(fd);
	return e;
}

/* seen[i] = soft-dirty bit of page i, from /proc/self/pagemap */
static int read_soft_dirty(char *p, size_t npages, uint64_t *buf,
			   unsigned char *seen)
{
	size_t want = npages * sizeof(*buf), got = 0, i;
	off_t off = (uintptr_t)p / psize * sizeof(*buf);
	ssize_t n;

	while (got < want) {
		n = pread(pagemap_fd, (char *)buf + got, want - got, off + got);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += n;
	}
	for (i = 0; i < npages; i++)
		seen[i] = !!(buf[i] & PM_SOFT_DIRTY);
	return 0;
}

static enum status fig_dirty(struct fig *f)
{
	uint64_t want = UFFD_FEATURE_PAGEFAULT_FLAG_WP | UFFD_FEATURE_WP_ASYNC;
	size_t npages = range_bytes / psize, nw = npages / 100, found, vlen;
	uint64_t *ta, *tac, *ts, *tsc, *pm, t0, t1, t2;
	char why_a[200] = "", why_s[200] = "", keys[400] = "", rs[128] = "";
	struct page_region *vec;
	unsigned char *seen;
	char *a = NULL, *b = NULL;
	const char *why;
	int fd = -1, r, e;
	size_t used = 0;

	if (!nw)
		nw = 1;
	vlen = nw + 1;
	ta = calloc(dirty_rounds, sizeof(*ta));
	tac = calloc(dirty_rounds, sizeof(*tac));
	ts = calloc(dirty_rounds, sizeof(*ts));
	tsc = calloc(dirty_rounds, sizeof(*tsc));
	pm = calloc(npages, sizeof(*pm));
	vec = calloc(vlen, sizeof(*vec));
	seen = calloc(npages, 1);
	if (!ta || !tac || !ts || !tsc || !pm || !vec || !seen) {
		fail(f, "out of memory");
		goto out;
	}
	if (pagemap_fd < 0) {
		fail(f, "cannot open /proc/self/pagemap: %s", strerror(errno));
		goto out;
	}

	/* async wp: faults resolve in the kernel, PAGEMAP_SCAN collects */
	why = lacks(want);
	if (why)
		snprintf(why_a, sizeof(why_a), "%s", why);
	if (!why_a[0]) {
		a = map_range(range_bytes, false);
		if (!a) {
			fail(f, "cannot map %zu MiB: %s", range_bytes >> 20, strerror(errno));
			goto out;
		}
		fd = uffd_open(want, true);
		if (fd < 0) {
			fail(f, "UFFDIO_API with WP_ASYNC: %s", strerror(-fd));
			goto out;
		}
		if (uffd_register_wp(fd, a, range_bytes) ||
		    uffd_wp(fd, a, range_bytes, true)) {
			fail(f, "UFFDIO_REGISTER/WRITEPROTECT for async wp: %s",
			     strerror(errno));
			goto out;
		}
	}
	for (r = 0; !why_a[0] && r < dirty_rounds; r++) {
		memset(seen, 0, npages);
		t0 = now_ns();
		write_dirty(a, nw, r, npages);
		t1 = now_ns();
		e = scan_written(a, npages, vec, vlen, seen);
		t2 = now_ns();
		if (e == -ENOTTY || (e == -EINVAL && !r)) {
			snprintf(why_a, sizeof(why_a), "PAGEMAP_SCAN ioctl: %s",
				 strerror(-e));
			break;
		}
		if (e) {
			fail(f, "PAGEMAP_SCAN: %s", strerror(-e));
			goto out;
		}
		if (!exact(seen, npages, nw, r, &found)) {
			fail(f, "async wp round %d: %zu pages written, PAGEMAP_SCAN found %zu, not the same pages",
			     r, nw, found);
			goto out;
		}
		ta[r] = t2 - t0;
		tac[r] = t2 - t1;
	}
	if (a) {
		close(fd);
		fd = -1;
		munmap(a, range_bytes);
		a = NULL;
	}

	/* soft-dirty: clear_refs write-protects, pagemap bit 55 collects */
	b = map_range(range_bytes, false);
	if (!b) {
		fail(f, "cannot map %zu MiB: %s", range_bytes >> 20, strerror(errno));
		goto out;
	}
	e = clear_refs();
	if (e)
		snprintf(why_s, sizeof(why_s), "no soft-dirty: clear_refs 4: %s",
			 strerror(-e));
	for (r = 0; !why_s[0] && r < dirty_rounds; r++) {
		t0 = now_ns();
		write_dirty(b, nw, r, npages);
		t1 = now_ns();
		e = read_soft_dirty(b, npages, pm, seen);
		if (!e)
			e = clear_refs();
		t2 = now_ns();
		if (e) {
			fail(f, "soft-dirty: pagemap or clear_refs: %s", strerror(-e));
			goto out;
		}
		if (!exact(seen, npages, nw, r, &found)) {
			if (!found && !r) {
				snprintf(why_s, sizeof(why_s),
					 "no soft-dirty: pagemap bit 55 never set after writes");
				break;
			}
			fail(f, "soft-dirty round %d: %zu pages written, pagemap found %zu, not the same pages",
			     r, nw, found);
			goto out;
		}
		ts[r] = t2 - t0;
		tsc[r] = t2 - t1;
	}

	/*
	 * Not pairwise: clear_refs walks the whole process, so the two
	 * trackers run one after the other, each on its own range.
	 * Before median(), which sorts.
	 */
	if (!why_a[0] && !why_s[0]) {
		uint64_t amin = ta[0], smin = ts[0];

		for (r = 0; r < dirty_rounds; r++) {
			amin = ta[r] < amin ? ta[r] : amin;
			smin = ts[r] < smin ? ts[r] : smin;
		}
		snprintf(rs, sizeof(rs), " ratio=%.3f ratio_best=%.3f",
			 (double)median(ta, dirty_rounds) / median(ts, dirty_rounds),
			 (double)amin / smin);
	}
	if (!why_a[0])
		used += snprintf(keys + used, sizeof(keys) - used,
				 " wp_async_ns=%llu wp_async_collect_ns=%llu",
				 (unsigned long long)median(ta, dirty_rounds),
				 (unsigned long long)median(tac, dirty_rounds));
	if (!why_s[0])
		used += snprintf(keys + used, sizeof(keys) - used,
				 " soft_dirty_ns=%llu soft_dirty_collect_ns=%llu",
				 (unsigned long long)median(ts, dirty_rounds),
				 (unsigned long long)median(tsc, dirty_rounds));
	snprintf(keys + used, sizeof(keys) - used, "%s", rs);
	if (!why_a[0] || !why_s[0])
		bench_line(f->name, "mib=%zu written=%zu rounds=%d%s",
			   range_bytes >> 20, nw, dirty_rounds, keys);
	if (why_a[0] && why_s[0])
		skip(f, "%s; %s", why_a, why_s);
	else if (why_a[0] || why_s[0])
		skip(f, "%s", why_a[0] ? why_a : why_s);
	else
		f->st = PASS;
out:
	if (fd >= 0)
		close(fd);
	if (a)
		munmap(a, range_bytes);
	if (b)
		munmap(b, range_bytes);
	free(ta);
	free(tac);
	free(ts);
	free(tsc);
	free(pm);
	free(vec);
	free(seen);
	return f->st;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: uffd_bench [-q] [-x] [-c tries] [-m MiB] [-r reps] [-f faults]\n");
	exit(2);
}

#define MAX_CLOCK_NS 1000ULL
#define CLOCK_TRIES 5

/* Test hook (-c N): the first N tries see a clock that steps in 10 us. */
static int coarse_tries;

/* The smallest step CLOCK_MONOTONIC makes (clock_getres() gives the timer
 * resolution instead: the tick without high-resolution timers). A try
 * takes the best of 20 steps; a clock that is fine can still look coarse
 * for one try (s390x under TCG once saw 10143 ns, then 136 ns on the same
 * kernel), so up to CLOCK_TRIES tries, 100 ms apart, and the best one. */
static unsigned long long clock_step_ns(int *tries)
{
	unsigned long long best = ~0ULL;
	int k, t;

	for (t = 1; t <= CLOCK_TRIES; t++) {
		for (k = 0; k < 20; k++) {
			uint64_t a = now_ns(), b;
			long spins = 0;

			while ((b = now_ns()) == a && ++spins < 100000000L)
				;
			if (t <= coarse_tries)
				b = a + 10000;
			if (b > a && b - a < best)
				best = b - a;
		}
		*tries = t;
		if (best <= MAX_CLOCK_NS)
			break;
		usleep(100000);
	}
	return best;
}

int main(int argc, char **argv)
{
	struct fig figs[] = {
		{ .name = "wp_anon" }, { .name = "wp_shmem" },
		{ .name = "wp_fault" }, { .name = "dirty" },
	};
	int nfig = sizeof(figs) / sizeof(figs[0]), i, c, npass = 0, nfail = 0;
	struct utsname u;
	uint64_t t0 = now_ns();
	unsigned long long clock_ns;
	int clock_tries;

	while ((c = getopt(argc, argv, "qxm:r:f:c:")) != -1) {
		switch (c) {
		case 'c':
			coarse_tries = atoi(optarg);
			break;
		case 'x':
			write_extra = true;
			break;
		case 'q':
			range_bytes = 8UL << 20;
			reps = 3;
			dirty_rounds = 3;
			nfaults = 256;
			fault_rounds = 2;
			break;
		case 'm':
			range_bytes = strtoul(optarg, NULL, 10) << 20;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'f':
			nfaults = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !range_bytes || reps < 1 || !nfaults)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	psize = sysconf(_SC_PAGESIZE);
	probe_features();
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uname(&u);

	printf("KTAP version 1\n1..%d\n", nfig);
	bench_line("info", "kernel=%s machine=%s page_size=%zu uffd_features=0x%llx%s%s",
		   u.release, u.machine, psize, (unsigned long long)features,
		   uffd_errno ? " userfaultfd_errno=" : "",
		   uffd_errno ? strerrorname_np(uffd_errno) : "");
	/* A tick-based clocksource (jiffies) makes every figure a multiple of
	 * the tick: refuse to time with it. */
	clock_ns = clock_step_ns(&clock_tries);
	bench_line("info", "clock_monotonic_step_ns=%llu clock_tries=%d", clock_ns, clock_tries);
	for (i = 0; i < nfig; i++) {
		struct fig *f = &figs[i];
		uint64_t t = now_ns();

		if (clock_ns > MAX_CLOCK_NS)
			fail(f, "CLOCK_MONOTONIC moves in steps of %llu ns in %d tries: too "
			     "coarse to time anything (a tick-based clocksource?)",
			     clock_ns, clock_tries);
		else if (i <= 1)
			fig_range(f, i == 1);	/* anon, then shmem */
		else if (i == 2)
			fig_fault(f);
		else
			fig_dirty(f);
		printf("# %s took %.1f s\n", f->name, (now_ns() - t) / 1e9);
		if (f->st == PASS) {
			printf("ok %d %s\n", i + 1, f->name);
			npass++;
		} else if (f->st == SKIP) {
			printf("ok %d %s # SKIP %s\n", i + 1, f->name, f->why);
		} else {
			printf("# %s: %s\nnot ok %d %s\n", f->name, f->why, i + 1, f->name);
			nfail++;
		}
	}
	printf("# bench: total seconds=%.1f\n", (now_ns() - t0) / 1e9);
	if (nfail)
		return 1;
	return npass ? 0 : 4;
}
