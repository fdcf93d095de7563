// SPDX-License-Identifier: GPL-2.0
/*
 * Does the MMU ignore the present-PTE uffd-wp bit? Write-protect one
 * populated anon page with uffd-wp, then read it (must not fault to the
 * monitor, must not hang) and write it (must reach the monitor exactly
 * once). A CPU that treats the bit as reserved or as part of the address
 * hangs or crashes the read. Prints KTAP; exit 0 pass, 1 fail, 4 skip.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile char *page;
static long psz;

static void on_alarm(int sig)
{
	(void)sig;
	printf("not ok 1 wp-read # reading a uffd-wp page hung\n");
	fflush(stdout);
	_exit(1);
}

static void *writer(void *arg)
{
	(void)arg;
	page[1] = 0x5a;
	return NULL;
}

static int pagemap_wp(void)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)page / psz * 8) != 8)
		return -1;
	close(fd);
	return (e >> 57) & 1;
}

int main(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register reg = { 0 };
	struct uffdio_writeprotect wp = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd;
	pthread_t t;
	int uffd, n, ok1;
	char c;

	psz = sysconf(_SC_PAGESIZE);
	printf("KTAP version 1\n1..2\n");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		printf("ok 1 wp-read # SKIP no uffd-wp: UFFDIO_API refuses PAGEFAULT_FLAG_WP\n");
		printf("ok 2 wp-write # SKIP no uffd-wp\n");
		return 4;
	}
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset((void *)page, 0xa5, psz);
	reg.range.start = (uintptr_t)page;
	reg.range.len = psz;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) || ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) {
		printf("not ok 1 wp-read # FAIL register/protect: %m\n");
		return 1;
	}
	signal(SIGALRM, on_alarm);
	alarm(10);
	c = page[0];
	alarm(0);
	pfd.fd = uffd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, 0);
	ok1 = (unsigned char)c == 0xa5 && n == 0 && pagemap_wp() == 1;
	printf("%s 1 wp-read # value %#x, pagemap uffd-wp %d, monitor events %d\n",
	       ok1 ? "ok" : "not ok",
	       (unsigned char)c, pagemap_wp(), n);
	pthread_create(&t, NULL, writer, NULL);
	n = poll(&pfd, 1, 10000);
	if (n != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    !(msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP)) {
		printf("not ok 2 wp-write # FAIL no wp fault reached the monitor\n");
		return 1;
	}
	wp.mode = 0;
	ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
	pthread_join(t, NULL);
	printf("%s 2 wp-write # value after resume %#x\n", page[1] == 0x5a ? "ok" : "not ok",
	       (unsigned char)page[1]);
	return ok1 && page[1] == 0x5a ? 0 : 1;
}
