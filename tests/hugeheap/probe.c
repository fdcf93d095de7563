// SPDX-License-Identifier: GPL-2.0
/*
 * Maps what gcc's heap maps (anonymous, writable) and a few things it
 * does not, then prints, per mapping, whether the kernel holds
 * MADV_HUGEPAGE for it ("hg" in /proc/self/smaps' VmFlags).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int advised(void *p)
{
	char line[512];
	unsigned long start, end;
	int in = 0, hg = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line: "start-end perms ..." */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= (unsigned long)p && (unsigned long)p < end;
		if (in && !strncmp(line, "VmFlags:", 8)) {
			hg = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return hg;
}

static void report(const char *name, void *p)
{
	int hg = advised(p);

	printf("%s %s\n", name, hg == 1 ? "hg" : hg == 0 ? "-" : "unknown");
}

static void probe(const char *name, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		printf("%s mmap-failed\n", name);
	else
		report(name, p);
}

int main(void)
{
	void *p;

	probe("heap-2m", 2UL << 20, PROT_READ | PROT_WRITE);
	probe("heap-8m", 8UL << 20, PROT_READ | PROT_WRITE);
	probe("small-1m", 1UL << 20, PROT_READ | PROT_WRITE);
	probe("readonly-8m", 8UL << 20, PROT_READ);
	/* glibc maps a block this big with its internal mmap() */
	p = malloc(8UL << 20);
	if (!p)
		printf("malloc-8m malloc-failed\n");
	else
		report("malloc-8m", p);
	return 0;
}
