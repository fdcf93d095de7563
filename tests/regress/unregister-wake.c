// SPDX-License-Identifier: GPL-2.0
/*
 * A fault that sleeps in handle_userfault() must not outlive the
 * registration it slept on. UFFDIO_UNREGISTER is documented to wake "any
 * concurrent pending userfault" so nobody hangs; in 6.12 it misses two:
 *
 *   unregister-wakes-wp-fault/anon, .../shmem
 *       a write blocked on a uffd-wp fault (the monitor saw it and did not
 *       resolve it) when the range is unregistered. 6.12 wakes only for
 *       ranges registered for MISSING, so the writer sleeps until the
 *       uffd is closed. Deterministic.
 *   unregister-wakes-missing-race
 *       a MISSING fault racing UFFDIO_UNREGISTER. The fault runs under the
 *       per-VMA lock, which mmap_write_lock() does not exclude; 6.12 wakes
 *       the range before write-locking the VMA, so a fault that checked
 *       the registration just before can queue itself after the wake and
 *       sleep for ever, while the monitor reads a fault for a range that is
 *       no longer registered (UFFDIO_COPY: -ENOENT; likely the occasional
 *       "events" failure of uffd-unit-tests). A race: bounded rounds,
 *       random offsets.
 *
 * A sleeper is woken with UFFDIO_WAKE (which needs no registration) after
 * the verdict, so a failure still ends cleanly.
 * Fixed by generic/patches 0013 (wake after the VMA is write-locked) and
 * 0014 (wake whatever the mode).
 */
#include "regress.h"

#define WAKE_WAIT_S 3.0
/* per soak() unit */
#define RACE_ROUNDS 2000
#define RACE_BUDGET_S 10.0

struct sleeper {
	volatile char *addr;
	volatile int done;
	pthread_barrier_t go;
	volatile int quit;
	volatile unsigned spin;
};

static void spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

static void *write_once(void *arg)
{
	struct sleeper *s = arg;

	*s->addr = 'b';
	s->done = 1;
	return NULL;
}

static bool wait_done(volatile int *done, double secs)
{
	double end = now_s() + secs;

	while (!*done && now_s() < end)
		sleep_ms(1);
	return *done;
}

static bool wait_msg(int uffd, double secs)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };

	return poll(&p, 1, (int)(secs * 1000)) == 1;
}

static void uffd_wake(int uffd, void *addr, size_t len)
{
	struct uffdio_range r = { .start = (uintptr_t)addr, .len = len };

	ioctl(uffd, UFFDIO_WAKE, &r);
}

static void test_wp(bool shmem)
{
	const char *name = shmem ? "unregister-wakes-wp-fault/shmem" :
				   "unregister-wakes-wp-fault/anon";
	struct sleeper s = { 0 };
	char why[200];
	char *p;
	int uffd;
	pthread_t th;

	if (!uffd_wp_offered(shmem, why, sizeof(why))) {
		ktap_skip(name, "%s", why);
		return;
	}
	p = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		 MAP_ANONYMOUS | (shmem ? MAP_SHARED : MAP_PRIVATE), -1, 0);
	uffd = uffd_new(UFFD_FEATURE_PAGEFAULT_FLAG_WP |
			(shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0));
	if (p == MAP_FAILED || uffd < 0) {
		ktap_fail(name, "set-up: %s", strerror(errno));
		return;
	}
	*p = 'a';
	if (uffd_register_wp(uffd, p, psize) || uffd_wp(uffd, p, psize, true)) {
		ktap_fail(name, "register/protect: %s", strerror(errno));
		return;
	}
	s.addr = p;
	if (pthread_create(&th, NULL, write_once, &s)) {
		ktap_fail(name, "pthread_create failed");
		return;
	}
	if (!wait_msg(uffd, WAKE_WAIT_S)) {
		ktap_fail(name, "the write to a protected page raised no fault");
	} else if (uffd_unregister(uffd, p, psize)) {
		ktap_fail(name, "UFFDIO_UNREGISTER: %s", strerror(errno));
	} else if (!wait_done(&s.done, WAKE_WAIT_S)) {
		ktap_fail(name, "a write waiting on a uffd-wp fault still sleeps "
			  "%.0fs after UFFDIO_UNREGISTER of its range", WAKE_WAIT_S);
	} else if (*p != 'b') {
		ktap_fail(name, "the woken write did not land (page holds '%c')", *p);
	} else {
		ktap_ok(name);
	}
	uffd_wake(uffd, p, psize);
	pthread_join(th, NULL);
	close(uffd);
	munmap(p, psize);
}

static void *race_toucher(void *arg)
{
	struct sleeper *s = arg;

	for (;;) {
		pthread_barrier_wait(&s->go);
		if (s->quit)
			return NULL;
		spin(s->spin);
		(void)*s->addr;
		s->done = 1;
	}
}

static int register_missing(int uffd, char *p)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = psize },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg);
}

/* Loop iterations that take about as long as one register+unregister. */
static unsigned calibrate(int uffd, char *p)
{
	double t0, t_ioctl, t_loop;
	int i;

	t0 = now_s();
	for (i = 0; i < 50; i++) {
		register_missing(uffd, p);
		uffd_unregister(uffd, p, psize);
	}
	t_ioctl = (now_s() - t0) / 50;
	t0 = now_s();
	spin(1000000);
	t_loop = (now_s() - t0) / 1000000;
	return t_loop > 0 ? (unsigned)(t_ioctl / t_loop) + 1 : 1000;
}

static void test_missing_race(void)
{
	const char *name = "unregister-wakes-missing-race";
	struct sleeper s = { 0 };
	unsigned span, round, msgs = 0;
	double end = now_s() + RACE_BUDGET_S * soak();
	bool hung = false;
	char *p = NULL;
	pthread_t th;
	int uffd;

	uffd = uffd_new(0);
	if (uffd < 0) {
		ktap_skip(name, "userfaultfd unavailable: %s", strerror(errno));
		return;
	}
	pthread_barrier_init(&s.go, NULL, 2);
	if (pthread_create(&th, NULL, race_toucher, &s)) {
		ktap_fail(name, "pthread_create failed");
		return;
	}
	srand(1);
	span = 0;
	for (round = 0; round < RACE_ROUNDS * soak() && now_s() < end; round++) {
		struct uffd_msg msg;

		p = mmap(NULL, psize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			p = NULL;
			break;
		}
		if (!span)
			span = 2 * calibrate(uffd, p);
		if (register_missing(uffd, p))
			break;
		s.addr = p;
		s.done = 0;
		s.spin = rand() % span;
		pthread_barrier_wait(&s.go);
		spin(rand() % span);
		uffd_unregister(uffd, p, psize);
		if (!wait_done(&s.done, WAKE_WAIT_S)) {
			hung = true;
			break;
		}
		/* A fault woken by the unregister may have left its message. */
		while (read(uffd, &msg, sizeof(msg)) == sizeof(msg))
			msgs++;
		munmap(p, psize);
		p = NULL;
	}
	ktap_diag("%s: %u rounds, spin span %u, %u fault messages read", name,
		  round, span, msgs);
	if (hung)
		ktap_fail(name, "round %u: a fault racing UFFDIO_UNREGISTER still "
			  "sleeps %.0fs later, on a range no longer registered",
			  round, WAKE_WAIT_S);
	else if (round < 100)
		ktap_fail(name, "set-up failed after %u rounds: %s", round,
			  strerror(errno));
	else
		ktap_ok(name);
	if (p) {
		uffd_wake(uffd, p, psize);
		wait_done(&s.done, WAKE_WAIT_S);
	}
	s.quit = 1;
	pthread_barrier_wait(&s.go);
	pthread_join(th, NULL);
	close(uffd);
}

int main(void)
{
	psize = sysconf(_SC_PAGESIZE);
	ktap_plan(3);
	ktap_watchdog(120 * soak(), "unregister-wake");
	test_wp(false);
	test_wp(true);
	test_missing_race();
	return ktap_exit();
}
