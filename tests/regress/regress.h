/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the regression suite (tests/regress/): KTAP output,
 * userfaultfd set-up and a fault-monitor thread, /proc/self/pagemap, page
 * checksums, swap-out, child processes with a time limit.
 *
 * Everything is static: every test program includes this header once and is
 * linked on its own (scripts/selftests.sh builds /bin/regress-<name>).
 *
 * KTAP: ktap_plan(n), then exactly n of ktap_ok/ktap_fail/ktap_skip, then
 * return ktap_exit(): 0 when everything passed or skipped (at least one
 * pass), 4 when everything skipped, 1 when anything failed. A failure prints
 * its reason as a "# name: reason" diagnostic right before "not ok", which
 * is where the guest's classifier takes the reason from.
 */
#ifndef PTEMARK_REGRESS_H
#define PTEMARK_REGRESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
/* older uapi headers (the host's): the values are ABI */
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM (1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

/* /proc/pid/pagemap bits (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_MMAP_EXCL	(1ULL << 56)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_FILE		(1ULL << 61)
#define PM_SWAP		(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static size_t psize;

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The race tests' rounds and time budgets are sized for the matrix (the
 * mutants they catch fail in round 0). A soak run (ptemark.soak=N on the
 * guest command line, which the init passes as PTEMARK_SOAK) multiplies
 * both to hunt longer. Read once: the loops ask on every round.
 */
static inline unsigned soak(void)
{
	static unsigned n;

	if (!n) {
		const char *e = getenv("PTEMARK_SOAK");
		unsigned long v = e ? strtoul(e, NULL, 10) : 1;

		n = v >= 1 && v <= 1000 ? v : 1;
	}
	return n;
}

static inline void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- KTAP ---------------------------------------------------------------- */

static int ktap_planned, ktap_num, ktap_npass, ktap_nfail, ktap_nskip;
static char ktap_wd_line[512];

static inline void ktap_plan(int n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap_planned = n;
	printf("KTAP version 1\n1..%d\n", n);
	fflush(stdout);
}

static inline void __attribute__((format(printf, 1, 2))) ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline void ktap_ok(const char *name)
{
	printf("ok %d %s\n", ++ktap_num, name);
	ktap_npass++;
	fflush(stdout);
}

/* A result with a reason: a failure (the reason a diagnostic) or a skip. */
static inline void __attribute__((format(printf, 3, 4)))
ktap_result(bool fail, const char *name, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (fail) {
		printf("# %s: %s\nnot ok %d %s\n", name, why, ++ktap_num, name);
		ktap_nfail++;
	} else {
		printf("ok %d %s # SKIP %s\n", ++ktap_num, name, why);
		ktap_nskip++;
	}
	fflush(stdout);
}

#define ktap_fail(name, ...)	ktap_result(true, name, __VA_ARGS__)
#define ktap_skip(name, ...)	ktap_result(false, name, __VA_ARGS__)

/* Every test of the program skipped, for one reason. */
static inline void ktap_skip_all(const char *const *names, size_t n, const char *why)
{
	size_t i;

	for (i = 0; i < n; i++)
		ktap_skip(names[i], "%s", why);
}

static inline int ktap_exit(void)
{
	while (ktap_num < ktap_planned)
		ktap_fail("missing-result", "test %d never reported", ktap_num + 1);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       ktap_npass, ktap_nfail, ktap_nskip);
	fflush(stdout);
	if (ktap_nfail)
		return 1;
	return ktap_npass ? 0 : 4;
}

/*
 * A test result built up from checks: the first failing check's message is
 * the reason, later ones are printed as diagnostics (up to a limit).
 */
struct result {
	const char *name;
	int nbad;
	char why[300];
};

static inline void __attribute__((format(printf, 2, 3)))
res_bad(struct result *r, const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!r->nbad)
		snprintf(r->why, sizeof(r->why), "%s", buf);
	else if (r->nbad < 8)
		ktap_diag("%s: also: %s", r->name, buf);
	r->nbad++;
}

static inline void res_report(struct result *r)
{
	if (!r->nbad)
		ktap_ok(r->name);
	else if (r->nbad == 1)
		ktap_fail(r->name, "%s", r->why);
	else
		ktap_fail(r->name, "%s (and %d more)", r->why, r->nbad - 1);
}

/*
 * Watchdog: a write that hangs (a fault nobody resolves) must end the
 * program with a result, not eat the suite's timeout.
 */
static inline void ktap_wd_fire(int sig)
{
	ssize_t n;

	(void)sig;
	n = write(1, ktap_wd_line, strlen(ktap_wd_line));
	(void)n;
	_exit(1);
}

static inline void ktap_watchdog(unsigned secs, const char *name)
{
	if (!secs) {
		alarm(0);
		return;
	}
	snprintf(ktap_wd_line, sizeof(ktap_wd_line),
		 "# %s: watchdog: no progress after %us (a write or a fault hangs)\n"
		 "not ok %d %s\n# Totals: watchdog fired\n",
		 name, secs, ktap_num + 1, name);
	signal(SIGALRM, ktap_wd_fire);
	alarm(secs);
}

/* ---- userfaultfd --------------------------------------------------------- */

static inline int uffd_open_raw(void)
{
	int fd = -1;

#ifdef __NR_userfaultfd
	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
#else
	errno = ENOSYS;
#endif
	if (fd < 0) {
		int e = errno, dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev < 0) {
			errno = e;
			return -1;
		}
		fd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
		close(dev);
		if (fd < 0)
			errno = e;
	}
	return fd;
}

/* What UFFDIO_API offers; 0 and a reason when userfaultfd is not there. */
static inline uint64_t uffd_features(char *why, size_t n)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = uffd_open_raw();

	if (fd < 0) {
		snprintf(why, n, "userfaultfd unavailable: %s", strerror(errno));
		return 0;
	}
	if (ioctl(fd, UFFDIO_API, &api)) {
		snprintf(why, n, "UFFDIO_API: %s", strerror(errno));
		close(fd);
		return 0;
	}
	close(fd);
	return api.features;
}

/*
 * uffd-wp usable here? shmem additionally needs WP_HUGETLBFS_SHMEM. Returns
 * false with the reason for a SKIP.
 */
static inline bool uffd_wp_offered(bool shmem, char *why, size_t n)
{
	uint64_t f;

	why[0] = '\0';
	f = uffd_features(why, n);
	if (why[0])
		return false;
	if (!(f & UFFD_FEATURE_PAGEFAULT_FLAG_WP)) {
		snprintf(why, n,
			 "uffd-wp not offered: UFFDIO_API features 0x%" PRIx64
			 " lack UFFD_FEATURE_PAGEFAULT_FLAG_WP", f);
		return false;
	}
	if (shmem && !(f & UFFD_FEATURE_WP_HUGETLBFS_SHMEM)) {
		snprintf(why, n,
			 "uffd-wp on shmem not offered: UFFDIO_API features 0x%" PRIx64
			 " lack UFFD_FEATURE_WP_HUGETLBFS_SHMEM", f);
		return false;
	}
	return true;
}

static inline bool uffd_has(uint64_t feature)
{
	char why[200];

	return uffd_features(why, sizeof(why)) & feature;
}

/* A userfaultfd with exactly these features enabled, or -1. */
static inline int uffd_new(uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = uffd_open_raw();

	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * A userfaultfd with these features for the test r, or -1 with r's result
 * reported: a skip where EVENT_FORK is refused for want of CAP_SYS_PTRACE,
 * else a set-up failure.
 */
static inline int uffd_new_for(struct result *r, uint64_t features)
{
	int fd = uffd_new(features);

	if (fd >= 0)
		return fd;
	if (errno == EPERM && (features & UFFD_FEATURE_EVENT_FORK)) {
		ktap_skip(r->name, "UFFD_FEATURE_EVENT_FORK needs CAP_SYS_PTRACE");
		return -1;
	}
	res_bad(r, "set-up: %s", strerror(errno));
	res_report(r);
	return -1;
}

static inline int uffd_register_wp(int fd, void *addr, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		return -1;
	if (!(reg.ioctls & (1ULL << _UFFDIO_WRITEPROTECT))) {
		errno = ENOTSUP;
		return -1;
	}
	return 0;
}

static inline int uffd_unregister(int fd, void *addr, size_t len)
{
	struct uffdio_range r = { .start = (uintptr_t)addr, .len = len };

	return ioctl(fd, UFFDIO_UNREGISTER, &r);
}

/* Protect (on) or unprotect a range; unprotecting wakes the waiters. */
static inline int uffd_wp(int fd, void *addr, size_t len, bool on)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};
	int tries = 0;

	while (ioctl(fd, UFFDIO_WRITEPROTECT, &wp)) {
		/* EAGAIN: the mm is changing (fork, mremap), try again */
		if (errno != EAGAIN || ++tries > 1000)
			return -1;
		sleep_ms(1);
	}
	return 0;
}

/* ---- the monitor ---------------------------------------------------------
 *
 * One thread reads a userfaultfd (and the ones fork events hand it), counts
 * write-protect faults per page of an area and resolves each by
 * unprotecting the faulting page, as a live-snapshot or dirty-tracking
 * monitor would. A hook may look at the page first (it is still protected
 * then, so the write has not landed).
 */
#define MON_MAX_CHILD 8

struct mon;
typedef void (*mon_hook)(struct mon *m, bool child, size_t page);

struct mon {
	int uffd;
	int child_uffd[MON_MAX_CHILD];
	int nchild;
	char *base;		/* faults in [base, base + npages pages) are counted */
	size_t npages;
	unsigned *faults;	/* per page, faults on uffd */
	unsigned *child_faults;	/* per page, faults on the uffds of fork children */
	unsigned stray;		/* wp faults outside the area */
	unsigned missing;	/* faults without the WP flag */
	unsigned forks, remaps, others;
	bool resolve;		/* unprotect the faulting page (default) */
	mon_hook hook;
	void *priv;
	int efd;
	volatile int stop;
	pthread_t th;
	char err[200];
};

static inline void mon_note_err(struct mon *m, const char *what)
{
	if (!m->err[0])
		snprintf(m->err, sizeof(m->err), "%s: %s", what, strerror(errno));
}

static inline void mon_fault(struct mon *m, int fd, bool child,
		      const struct uffd_msg *msg)
{
	uint64_t addr = msg->arg.pagefault.address & ~((uint64_t)psize - 1);
	uint64_t flags = msg->arg.pagefault.flags;
	char *p = (char *)(uintptr_t)addr;
	bool in = p >= m->base && p < m->base + m->npages * psize;
	size_t pg = in ? (size_t)(p - m->base) / psize : 0;

	if (!(flags & UFFD_PAGEFAULT_FLAG_WP)) {
		__atomic_fetch_add(&m->missing, 1, __ATOMIC_SEQ_CST);
		/* nothing registered for missing faults: just wake it */
		struct uffdio_range r = { .start = addr, .len = psize };

		ioctl(fd, UFFDIO_WAKE, &r);
		return;
	}
	if (!in) {
		__atomic_fetch_add(&m->stray, 1, __ATOMIC_SEQ_CST);
	} else {
		if (m->hook)
			m->hook(m, child, pg);
		__atomic_fetch_add(child ? &m->child_faults[pg] : &m->faults[pg],
				   1, __ATOMIC_SEQ_CST);
	}
	if (m->resolve || !in)
		if (uffd_wp(fd, p, psize, false))
			mon_note_err(m, "UFFDIO_WRITEPROTECT (resolve)");
}

static inline void mon_read(struct mon *m, int fd, bool child)
{
	struct uffd_msg msg;

	for (;;) {
		ssize_t n = read(fd, &msg, sizeof(msg));

		if (n != sizeof(msg)) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				mon_note_err(m, "read(uffd)");
			return;
		}
		switch (msg.event) {
		case UFFD_EVENT_PAGEFAULT:
			mon_fault(m, fd, child, &msg);
			break;
		case UFFD_EVENT_FORK:
			__atomic_fetch_add(&m->forks, 1, __ATOMIC_SEQ_CST);
			if (m->nchild < MON_MAX_CHILD)
				m->child_uffd[m->nchild++] = (int)msg.arg.fork.ufd;
			else
				close((int)msg.arg.fork.ufd);
			break;
		case UFFD_EVENT_REMAP:
			__atomic_fetch_add(&m->remaps, 1, __ATOMIC_SEQ_CST);
			break;
		default:
			__atomic_fetch_add(&m->others, 1, __ATOMIC_SEQ_CST);
			break;
		}
	}
}

static inline void *mon_thread(void *arg)
{
	struct mon *m = arg;

	while (!m->stop) {
		struct pollfd pf[2 + MON_MAX_CHILD];
		int i, n = 0, nchild = m->nchild;

		pf[n++] = (struct pollfd){ .fd = m->efd, .events = POLLIN };
		pf[n++] = (struct pollfd){ .fd = m->uffd, .events = POLLIN };
		for (i = 0; i < nchild; i++)
			pf[n++] = (struct pollfd){ .fd = m->child_uffd[i],
						   .events = POLLIN };
		if (poll(pf, n, 100) < 0) {
			if (errno != EINTR)
				mon_note_err(m, "poll");
			continue;
		}
		if (pf[1].revents & POLLIN)
			mon_read(m, m->uffd, false);
		for (i = 0; i < nchild; i++)
			if (pf[2 + i].revents & POLLIN)
				mon_read(m, m->child_uffd[i], true);
		if (pf[1].revents & (POLLERR | POLLHUP))
			break;
	}
	return NULL;
}

/* Start a monitor on uffd counting faults in [base, base + npages pages). */
static inline int mon_start(struct mon *m, int uffd, void *base, size_t npages)
{
	memset(m, 0, sizeof(*m));
	m->uffd = uffd;
	m->base = base;
	m->npages = npages;
	m->resolve = true;
	m->faults = calloc(npages, sizeof(unsigned));
	m->child_faults = calloc(npages, sizeof(unsigned));
	m->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!m->faults || !m->child_faults || m->efd < 0)
		return -1;
	if (pthread_create(&m->th, NULL, mon_thread, m)) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

static inline void mon_reset(struct mon *m)
{
	size_t i;

	for (i = 0; i < m->npages; i++) {
		__atomic_store_n(&m->faults[i], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&m->child_faults[i], 0, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&m->stray, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&m->missing, 0, __ATOMIC_SEQ_CST);
}

static inline unsigned mon_get(unsigned *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline void mon_stop(struct mon *m)
{
	uint64_t one = 1;
	int i;

	m->stop = 1;
	if (write(m->efd, &one, sizeof(one)) < 0)
		perror("eventfd");
	pthread_join(m->th, NULL);
	for (i = 0; i < m->nchild; i++)
		close(m->child_uffd[i]);
	close(m->efd);
	/* the counters stay readable after the stop (a few bytes per test) */
}

/* ---- pagemap -------------------------------------------------------------- */

static inline int pagemap_open(void)
{
	return open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

static inline uint64_t pagemap_get(int fd, const void *addr)
{
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)addr / psize) * 8;

	if (pread(fd, &e, sizeof(e), off) != sizeof(e))
		return 0;
	return e;
}

/* ---- page contents -------------------------------------------------------- */

static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * A checksummed page: word 0 the page's tag, word 1 its version, the words
 * after a function of (tag, version, index), the last word the checksum of
 * all others.
 */
static inline void page_fill(void *page, uint64_t tag, uint64_t version)
{
	volatile uint64_t *w = page;
	size_t i, n = psize / 8;
	uint64_t sum = 0;

	w[0] = tag;
	w[1] = version;
	for (i = 2; i < n - 1; i++)
		w[i] = mix64(tag * 0x100000001b3ULL ^ version << 20 ^ i);
	for (i = 0; i < n - 1; i++)
		sum = mix64(sum ^ w[i]);
	w[n - 1] = sum;
}

/*
 * Check a page written by page_fill(tag, version): 0 if right, else a short
 * description in why.
 */
static inline int page_check(const void *page, uint64_t tag, uint64_t version,
		      char *why, size_t n)
{
	const volatile uint64_t *w = page;
	size_t i, nw = psize / 8;
	uint64_t sum = 0;

	if (w[0] != tag || w[1] != version) {
		snprintf(why, n, "holds tag %#" PRIx64 " version %" PRIu64
			 ", expected tag %#" PRIx64 " version %" PRIu64,
			 (uint64_t)w[0], (uint64_t)w[1], tag, version);
		return -1;
	}
	for (i = 2; i < nw - 1; i++)
		if (w[i] != mix64(tag * 0x100000001b3ULL ^ version << 20 ^ i)) {
			snprintf(why, n, "word %zu corrupt (torn or stale data)", i);
			return -1;
		}
	for (i = 0; i < nw - 1; i++)
		sum = mix64(sum ^ w[i]);
	if (w[nw - 1] != sum) {
		snprintf(why, n, "checksum mismatch");
		return -1;
	}
	return 0;
}

static inline bool page_is_zero(const void *page)
{
	const volatile uint64_t *w = page;
	size_t i;

	for (i = 0; i < psize / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* ---- memory ---------------------------------------------------------------- */

static inline void *map_anon(size_t npages)
{
	void *p = mmap(NULL, npages * psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* 4 KiB PTEs, not a THP the PTE-level paths never see */
	madvise(p, npages * psize, MADV_NOHUGEPAGE);
	return p;
}

/* A shmem (memfd) mapping of npages; *fdp gets the memfd. */
static inline void *map_shmem(size_t npages, int *fdp)
{
	int fd = memfd_create("ptemark-regress", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, npages * psize)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, npages * psize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	madvise(p, npages * psize, MADV_NOHUGEPAGE);
	*fdp = fd;
	return p;
}

static inline long meminfo_kb(const char *key)
{
	char line[256];
	size_t kl = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Run this thread on that CPU only; false if the kernel refuses. */
static inline bool pin_to_cpu(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return !sched_setaffinity(0, sizeof(one), &one);
}

/*
 * MADV_PAGEOUT the pages listed (want[i] true) until pagemap shows them
 * swapped (bit 62), a few tries. Returns how many of them are swapped.
 * A page faulted in on another CPU can wait in that CPU's LRU batch,
 * out of MADV_PAGEOUT's reach (madvise drains only its own CPU's batch):
 * each retry runs on the next CPU this thread may use.
 */
static inline size_t swap_out(int pmfd, char *base, size_t npages, const bool *want)
{
	size_t i, nwant = 0, nswapped = 0;
	cpu_set_t allowed;
	bool hop = !sched_getaffinity(0, sizeof(allowed), &allowed), moved = false;
	int tries, cpu = -1;

	for (i = 0; i < npages; i++)
		nwant += !want || want[i];
	for (tries = 0; tries < 8; tries++) {
		nswapped = 0;
		for (i = 0; i < npages; i++) {
			char *p = base + i * psize;

			if (want && !want[i])
				continue;
			if (!(pagemap_get(pmfd, p) & PM_SWAP))
				madvise(p, psize, MADV_PAGEOUT);
			if (pagemap_get(pmfd, p) & PM_SWAP)
				nswapped++;
		}
		if (nswapped == nwant)
			break;
		if (hop) {
			do
				cpu = (cpu + 1) % CPU_SETSIZE;
			while (!CPU_ISSET(cpu, &allowed));
			moved = pin_to_cpu(cpu) || moved;
		}
		sleep_ms(20);
	}
	if (moved)
		sched_setaffinity(0, sizeof(allowed), &allowed);
	return nswapped;
}

/* ---- processes -------------------------------------------------------------- */

/*
 * Wait for a child at most secs seconds, then kill it. Returns its wait
 * status, or -1 if it had to be killed.
 */
static inline int wait_child(pid_t pid, double secs)
{
	double end = now_s() + secs;
	int st;

	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_s() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		sleep_ms(5);
	}
}

/*
 * A child that sends its parent one result: child_fork() makes the pipes
 * and forks. The child may wait for the parent's go (child_await_go()) and
 * ends with child_exit(), which sends the result; the parent gives the go
 * (child_go()), reads the result (child_result()) and reaps the child
 * (child_end()). Each side closes the other's ends, so a child that dies
 * without a word is an end of file, not a wait.
 */
struct child {
	pid_t pid;
	int res[2];		/* child to parent: the result */
	int go[2];		/* parent to child: go on */
};

static inline void child_close(struct child *c)
{
	int i, e = errno;

	for (i = 0; i < 2; i++) {
		if (c->res[i] >= 0)
			close(c->res[i]);
		if (c->go[i] >= 0)
			close(c->go[i]);
		c->res[i] = c->go[i] = -1;
	}
	errno = e;
}

/* As fork(): 0 in the child, its pid in the parent, -1 on failure. */
static inline pid_t child_fork(struct child *c)
{
	c->pid = -1;
	c->res[0] = c->res[1] = c->go[0] = c->go[1] = -1;
	if (!pipe(c->res) && !pipe(c->go))
		c->pid = fork();
	if (c->pid < 0) {
		child_close(c);
	} else if (c->pid == 0) {
		close(c->res[0]);
		close(c->go[1]);
		c->res[0] = c->go[1] = -1;
	} else {
		close(c->res[1]);
		close(c->go[0]);
		c->res[1] = c->go[0] = -1;
	}
	return c->pid;
}

static inline int child_await_go(struct child *c)
{
	char b;

	return read(c->go[0], &b, 1) == 1 ? 0 : -1;
}

static inline void __attribute__((noreturn))
child_exit(struct child *c, const void *res, size_t n)
{
	_exit(write(c->res[1], res, n) == (ssize_t)n ? 0 : 1);
}

static inline int child_go(struct child *c)
{
	return write(c->go[1], "g", 1) == 1 ? 0 : -1;
}

/* 0 when the child's result came whole. */
static inline int child_result(struct child *c, void *res, size_t n)
{
	return read(c->res[0], res, n) == (ssize_t)n ? 0 : -1;
}

/* Reap the child (killed after secs seconds): as wait_child(). */
static inline int child_end(struct child *c, double secs)
{
	int st = c->pid > 0 ? wait_child(c->pid, secs) : -1;

	child_close(c);
	return st;
}

static inline void regress_init(void)
{
	psize = (size_t)sysconf(_SC_PAGESIZE);
	/* fault handlers must not be stopped by a reader closing stdout */
	signal(SIGPIPE, SIG_IGN);
}

static inline int sys_write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static inline long sys_read_long(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

#endif /* PTEMARK_REGRESS_H */
