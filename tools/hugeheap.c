// SPDX-License-Identifier: GPL-2.0
/*
 * hugeheap.so: preloaded into the kernel builds (scripts/kernel.sh), it
 * asks for transparent huge pages on every anonymous writable mapping a
 * program maps itself that can hold one. gcc's cc1 maps its
 * garbage-collected heap that way, 2 MiB at a time, and a kernel object
 * touches 30-160 MB of it. With THP in "madvise" mode (Debian's default)
 * that heap is otherwise faulted in 4 KiB at a time, and on a VM where a
 * fault is dear that is a fifth of a heavy object's compile
 * (docs/PERFORMANCE.md).
 *
 * Only the program's own mmap() calls pass through here (glibc's malloc
 * calls its internal one), and nothing but the advice changes: a kernel
 * with THP off, or one that cannot place a huge page in the range,
 * ignores it. The hook allocates nothing and looks nothing up: an
 * allocator's own mmap() (jemalloc's, in rustc, which kconfig runs) may
 * come before any constructor, and a lookup that allocates would call
 * back into it (rustc hung that way).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static size_t huge = 2UL << 20;

__attribute__((constructor)) static void hugeheap_init(void)
{
	char buf[32];
	unsigned long v;
	ssize_t n;
	int fd = open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", O_RDONLY);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtoul(buf, NULL, 10);
		if (v)
			huge = v;
	}
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && (prot & PROT_WRITE) && len >= huge)
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}
