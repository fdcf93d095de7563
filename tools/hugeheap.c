// SPDX-License-Identifier: GPL-2.0
/*
 * hugeheap.so: preloaded into the kernel builds (scripts/kernel.sh), it
 * asks for transparent huge pages on every anonymous mapping a program
 * maps itself that can hold one. gcc's cc1 maps its garbage-collected
 * heap that way, 2 MiB at a time, and a kernel object touches 30-160 MB
 * of it. With THP in "madvise" mode (Debian's default) that heap is
 * otherwise faulted in 4 KiB at a time, and on a VM where a fault is
 * dear that is a fifth of a compile (docs/PERFORMANCE.md).
 *
 * Only the program's own mmap() calls pass through here (glibc's malloc
 * calls its internal one), and nothing but the advice changes: a kernel
 * with THP off, or one that cannot place a huge page in the range,
 * ignores it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>

static void *(*next_mmap)(void *, size_t, int, int, int, off_t);
static size_t huge = 2UL << 20;

__attribute__((constructor)) static void hugeheap_init(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	unsigned long v;

	if (f) {
		if (fscanf(f, "%lu", &v) == 1 && v)
			huge = v;
		fclose(f);
	}
	next_mmap = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!next_mmap)
		hugeheap_init();
	p = next_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && (flags & MAP_ANONYMOUS) && (prot & PROT_WRITE) && len >= huge)
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}
