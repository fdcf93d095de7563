// SPDX-License-Identifier: GPL-2.0
/*
 * init.c - PID 1 of a ptemark guest.
 *
 * Sets the machine up (mounts, huge pages, zram swap), reports what the
 * kernel's userfaultfd offers, runs every test listed in /etc/ptemark/suites
 * and every executable in /extra/, and prints the results as KTAP on the
 * console (guest/PROTOCOL.md). Then it reboots; QEMU runs with -no-reboot,
 * so that ends the guest.
 *
 * PID 1 must never exit (the kernel would panic), so every failure is
 * printed as a "# " line and the run goes on.
 *
 * Host test mode (PTEMARK_INIT_TEST=1): no mounts, no huge pages, no swap,
 * no reboot; the suites file, /extra, the kernel command line, the tests'
 * working directory and the free huge page size come from PTEMARK_SUITES,
 * PTEMARK_EXTRA, PTEMARK_CMDLINE, PTEMARK_TMP and PTEMARK_HUGE_HALF_MB;
 * PTEMARK_SWAPFILE=<file> writes the zram swap header into that file.
 *
 * Build: gcc -static -O2 -Wall -isystem <arch kernel headers>/include \
 *        -o init init.c classify.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "classify.h"
#include "ktap.h"

#ifndef UFFD_FEATURE_PAGEFAULT_FLAG_WP
#define UFFD_FEATURE_PAGEFAULT_FLAG_WP	(1 << 0)
#endif

#define SUITE_MAX	64
#define HUGE_TOKEN	"@HUGE_HALF_MB@"
/* a partial line is shown after this much silence, so a hang is visible */
#define IDLE_ECHO_S	1.0
/* after the main process ended, how long leftovers may hold the pipe */
#define DRAIN_S		2.0
/* how long a SIGKILLed process may take to die before we give up on it */
#define REAP_S		10.0

struct run {
	char suite[SUITE_MAX];
	char name[CL_NAME_MAX];
	unsigned int timeout;
	enum cl_format fmt;
	char **argv;
	char err[CL_REASON_MAX];	/* set: not runnable, error result */
	bool optional;			/* "?/bin/x": a skip when x is absent */
	struct classifier cl;
};

static bool test_mode;
static const char *suites_path = "/etc/ptemark/suites";
static const char *extra_dir = "/extra";
static const char *work_dir = "/tmp";
static char cmdline[4096];

static struct run *runs;
static size_t nruns, cap_runs;

/* ---- output ------------------------------------------------------------- */

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= n;
	}
}

/* One console line per write(), so kernel messages do not split it. */
static void __attribute__((format(printf, 1, 2))) out(const char *fmt, ...)
{
	char buf[CL_LINE_MAX + 512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	if (n == 0 || buf[n - 1] != '\n')
		buf[n++] = '\n';
	write_all(1, buf, n);
}

#define warn(fmt, ...)	out("# ptemark-init: " fmt, ##__VA_ARGS__)

/* ---- small file helpers ------------------------------------------------- */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = 0, r;

	if (fd < 0)
		return -errno;
	while ((size_t)len < n - 1) {
		r = read(fd, buf + len, n - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/* A "Key:   123 kB" value of /proc/meminfo, or -1. */
static long meminfo(const char *key)
{
	static char buf[8192];
	size_t klen = strlen(key);
	char *p;

	if (read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	return -1;
}

/* An unsigned "ptemark.<key>=N" from the kernel command line. */
static unsigned long param(const char *key, unsigned long def)
{
	char want[64];
	const char *p = cmdline;
	unsigned long v = def;
	size_t n;

	/* The last value given wins: GUEST_CMDLINE comes after the arch's. */
	n = snprintf(want, sizeof(want), "ptemark.%s=", key);
	while ((p = strstr(p, want))) {
		if (p == cmdline || p[-1] == ' ') {
			char *end;
			unsigned long x = strtoul(p + n, &end, 10);

			if (end != p + n && (*end == ' ' || *end == '\n' || !*end))
				v = x;
			else
				warn("bad value for %s in the kernel command line", want);
		}
		p += n;
	}
	return v;
}

/*
 * ptemark.soak=N: the race tests run N times their rounds (regress.h),
 * and every suite's timeout grows as much. 0 counts as 1.
 */
static unsigned long soak_factor(void)
{
	return param("soak", 1) ?: 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- machine setup ------------------------------------------------------ */

/* The kernel opens /dev/console for us only if the initramfs has it. */
static void ensure_console(void)
{
	int fd;

	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static bool mounted(const char *target, const char *type)
{
	static char buf[16384];
	char want[256];

	if (read_file("/proc/self/mounts", buf, sizeof(buf)) <= 0)
		return false;
	snprintf(want, sizeof(want), " %s %s ", target, type);
	return strstr(buf, want) != NULL;
}

static void do_mount(const char *type, const char *target, const char *data)
{
	if (mkdir(target, 0755) && errno != EEXIST)
		warn("mkdir %s: %s", target, strerror(errno));
	if (mounted(target, type))
		return;
	if (mount(type, target, type, MS_NOSUID, data))
		warn("mount %s on %s: %s", type, target, strerror(errno));
}

static void print_start(void)
{
	char buf[128];
	struct timespec ts;

	if (read_file("/proc/uptime", buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, " \n")] = '\0';
	} else {
		clock_gettime(CLOCK_BOOTTIME, &ts);
		snprintf(buf, sizeof(buf), "%ld.%02ld", (long)ts.tv_sec,
			 ts.tv_nsec / 10000000);
	}
	out("ptemark-init: start uptime %s", buf);
}

static void setup_mounts(void)
{
	do_mount("sysfs", "/sys", NULL);
	do_mount("devtmpfs", "/dev", NULL);
	do_mount("tmpfs", "/tmp", "mode=1777");
	do_mount("debugfs", "/sys/kernel/debug", NULL);
	do_mount("hugetlbfs", "/dev/hugepages", NULL);
}

/* ptemark.hugepages_mb=N: N MiB of default-size huge pages, whatever their size. */
static void setup_hugepages(void)
{
	unsigned long mb = param("hugepages_mb", 256), want;
	long size = meminfo("Hugepagesize");
	char buf[64];
	int ret;

	if (size <= 0) {
		warn("no huge pages: no Hugepagesize in /proc/meminfo");
		return;
	}
	want = mb * 1024 / size;
	snprintf(buf, sizeof(buf), "%lu\n", want);
	ret = write_file("/proc/sys/vm/nr_hugepages", buf);
	if (ret)
		warn("write /proc/sys/vm/nr_hugepages: %s", strerror(-ret));
	out("ptemark-init: hugepages %ld of %lu size %ld kB",
	    meminfo("HugePages_Total"), want, size);
}

/*
 * A swap v2 header, as mkswap writes it: union swap_header's info part at
 * offset 1024 (version 1, last usable page, no bad pages), the magic in the
 * last 10 bytes of the first page. Native endianness.
 */
static int write_swap_header(int fd, unsigned long bytes)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned char *page;
	uint32_t info[3];
	int ret = 0;

	page = calloc(1, psz);
	if (!page)
		return -ENOMEM;
	info[0] = 1;				/* version */
	info[1] = bytes / psz - 1;		/* last_page */
	info[2] = 0;				/* nr_badpages */
	memcpy(page + 1024, info, sizeof(info));
	memcpy(page + psz - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, psz, 0) != psz || fsync(fd))
		ret = errno ? -errno : -EIO;
	free(page);
	return ret;
}

static void setup_zram(void)
{
	unsigned long mb = param("zram_mb", 256);
	unsigned long bytes = mb << 20;
	const char *dev = "/dev/zram0";
	char buf[64];
	int fd, ret;

	if (!mb) {
		out("ptemark-init: swap off (ptemark.zram_mb=0)");
		return;
	}
	snprintf(buf, sizeof(buf), "%lu\n", bytes);
	ret = write_file("/sys/block/zram0/disksize", buf);
	if (ret) {
		warn("swap: /sys/block/zram0/disksize: %s", strerror(-ret));
		return;
	}
	if (access(dev, F_OK)) {
		/* no devtmpfs node: make one from sysfs' major:minor */
		unsigned int maj, min;

		dev = "/tmp/zram0";
		if (read_file("/sys/block/zram0/dev", buf, sizeof(buf)) <= 0 ||
		    sscanf(buf, "%u:%u", &maj, &min) != 2 ||
		    mknod(dev, S_IFBLK | 0600, makedev(maj, min))) {
			warn("swap: no /dev/zram0");
			return;
		}
	}
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		warn("swap: open %s: %s", dev, strerror(errno));
		return;
	}
	ret = write_swap_header(fd, bytes);
	close(fd);
	if (ret) {
		warn("swap: write header to %s: %s", dev, strerror(-ret));
		return;
	}
	if (swapon(dev, 0)) {
		warn("swap: swapon %s: %s", dev, strerror(errno));
		return;
	}
	out("ptemark-init: swap zram0 %lu MiB on, SwapTotal %ld kB", mb,
	    meminfo("SwapTotal"));
}

/* Test mode: the same header, written into a file, for mkswap to compare. */
static void test_swap_header(const char *path)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		warn("swap test: %s: %s", path, strerror(errno));
	} else {
		ret = write_swap_header(fd, st.st_size);
		if (ret)
			warn("swap test: %s: %s", path, strerror(-ret));
		else
			out("ptemark-init: swap header written to %s", path);
	}
	if (fd >= 0)
		close(fd);
}

static void probe_uffd(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	struct utsname u;
	int fd = -1;

	if (uname(&u))
		strcpy(u.release, "unknown");
#ifdef __NR_userfaultfd
	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
#else
	errno = ENOSYS;
#endif
	if (fd < 0) {
		warn("userfaultfd: %s", strerror(errno));
		api.features = 0;
	} else if (ioctl(fd, UFFDIO_API, &api)) {
		warn("UFFDIO_API: %s", strerror(errno));
		api.features = 0;
	}
	if (fd >= 0)
		close(fd);
	out("ptemark-init: kernel %s uffd_api_features 0x%llx uffd_wp %d",
	    u.release, (unsigned long long)api.features,
	    !!(api.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP));
}

/* ---- the run list ------------------------------------------------------- */

static struct run *new_run(const char *suite, const char *name)
{
	struct run *r;

	if (nruns == cap_runs) {
		size_t cap = cap_runs ? cap_runs * 2 : 32;
		struct run *n = realloc(runs, cap * sizeof(*n));

		if (!n)
			return NULL;
		runs = n;
		cap_runs = cap;
	}
	r = &runs[nruns++];
	memset(r, 0, sizeof(*r));
	cl_clean(r->suite, sizeof(r->suite), suite);
	cl_clean(r->name, sizeof(r->name), name);
	r->fmt = CL_FMT_EXIT;
	return r;
}

/* "<suite> <name> <timeout-seconds> <format> <argv...>" per line */
static void read_suites(void)
{
	char *line = NULL, *tok[256], *save, *end;
	size_t lcap = 0;
	int lineno = 0, n;
	struct run *r;
	FILE *f;

	f = fopen(suites_path, "re");
	if (!f) {
		r = new_run("ptemark-init", "suites");
		if (r)
			snprintf(r->err, sizeof(r->err), "cannot read %s: %s",
				 suites_path, strerror(errno));
		return;
	}
	while (getline(&line, &lcap, f) >= 0) {
		lineno++;
		n = 0;
		for (tok[n] = strtok_r(line, " \t\r\n", &save); tok[n] && n < 255;
		     tok[++n] = strtok_r(NULL, " \t\r\n", &save))
			;
		if (!n || tok[0][0] == '#')
			continue;
		r = new_run(tok[0], n > 1 ? tok[1] : "line");
		if (!r)
			break;
		if (n < 5) {
			snprintf(r->err, sizeof(r->err),
				 "%s:%d: want <suite> <name> <timeout> <format> <argv...>",
				 suites_path, lineno);
			continue;
		}
		r->timeout = strtoul(tok[2], &end, 10);
		if (*end || !r->timeout) {
			snprintf(r->err, sizeof(r->err), "%s:%d: bad timeout '%s'",
				 suites_path, lineno, tok[2]);
			continue;
		}
		/*
		 * A slower emulated machine (or a loaded host) stretches them
		 * all; so does a soak, which lengthens the race tests' loops.
		 */
		r->timeout *= (param("timeout_scale", 1) ?: 1) * soak_factor();
		if (cl_parse_format(tok[3], &r->fmt)) {
			snprintf(r->err, sizeof(r->err), "%s:%d: bad format '%s'",
				 suites_path, lineno, tok[3]);
			continue;
		}
		r->argv = calloc(n - 3, sizeof(char *));
		if (!r->argv) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			continue;
		}
		/* Not every base's selftests have every program. */
		r->optional = tok[4][0] == '?';
		for (int i = 4; i < n; i++)
			r->argv[i - 4] = strdup(tok[i] + (i == 4 && r->optional));
	}
	free(line);
	fclose(f);
}

static int exec_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void read_extra(void)
{
	unsigned long timeout = param("extra_timeout", 300);
	struct dirent **list;
	char path[4096];
	struct stat st;
	struct run *r;
	int n, i;

	if (!extra_dir)
		return;
	n = scandir(extra_dir, &list, exec_filter, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", extra_dir, list[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK)) {
			r = new_run("extra", list[i]->d_name);
			if (r) {
				r->timeout = timeout ? timeout : 300;
				r->argv = calloc(2, sizeof(char *));
				if (r->argv)
					r->argv[0] = strdup(path);
				else
					snprintf(r->err, sizeof(r->err), "out of memory");
			}
		}
		free(list[i]);
	}
	free(list);
}

/* ---- running one test --------------------------------------------------- */

/* Half the MiB of free huge pages, as run_vmtests.sh gives uffd-stress. */
static unsigned long huge_half_mb(void)
{
	const char *e = getenv("PTEMARK_HUGE_HALF_MB");
	long freepgs, size;

	if (test_mode && e)
		return strtoul(e, NULL, 10);
	freepgs = meminfo("HugePages_Free");
	size = meminfo("Hugepagesize");
	if (freepgs <= 0 || size <= 0)
		return 0;
	return (unsigned long)freepgs * size / 1024 / 2;
}

/* Replace HUGE_TOKEN in argv; false if it is there but the value is 0. */
static bool substitute(char **argv)
{
	unsigned long mb = 0;
	bool got = false;
	char val[32], *p, *s;
	int i;

	for (i = 0; argv[i]; i++) {
		while ((p = strstr(argv[i], HUGE_TOKEN))) {
			if (!got) {
				mb = huge_half_mb();
				got = true;
			}
			snprintf(val, sizeof(val), "%lu", mb);
			s = malloc(strlen(argv[i]) + strlen(val) + 1);
			if (!s)
				return false;
			sprintf(s, "%.*s%s%s", (int)(p - argv[i]), argv[i], val,
				p + strlen(HUGE_TOKEN));
			free(argv[i]);
			argv[i] = s;
		}
	}
	return !got || mb;
}

/* Echo raw output: printable ASCII only, so no byte confuses a reader. */
static void echo(const char *prefix, const char *s, size_t len)
{
	char buf[CL_LINE_MAX];
	size_t i;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		buf[i] = (c == '\t' || (c >= 0x20 && c < 0x7f)) ? c : '?';
	}
	buf[len] = '\0';
	out("    # | %s%s", prefix, buf);
}

/* The line being assembled from a run's output. */
struct linebuf {
	char b[CL_LINE_MAX];
	size_t len;
	size_t echoed;		/* bytes already shown as a partial line */
};

static void line_end(struct linebuf *lb, struct classifier *cl)
{
	size_t len = lb->len;

	if (len && lb->b[len - 1] == '\r')
		len--;
	if (len > lb->echoed || !lb->echoed)
		echo(lb->echoed ? "... " : "", lb->b + lb->echoed,
		     len > lb->echoed ? len - lb->echoed : 0);
	lb->b[len] = '\0';
	cl_line(cl, lb->b);
	lb->len = lb->echoed = 0;
}

static void feed(struct linebuf *lb, struct classifier *cl, const char *s,
		 size_t n)
{
	for (; n; s++, n--) {
		if (*s == '\n') {
			line_end(lb, cl);
			continue;
		}
		if (lb->len == sizeof(lb->b) - 1)
			line_end(lb, cl);
		lb->b[lb->len++] = *s;
	}
}

/* Show a partial line (e.g. "Testing X on Y... ") while the test works. */
static void echo_partial(struct linebuf *lb)
{
	if (lb->len > lb->echoed) {
		echo(lb->echoed ? "... " : "", lb->b + lb->echoed,
		     lb->len - lb->echoed);
		lb->echoed = lb->len;
	}
}

static void child(struct run *r, int outfd, int errfd)
{
	static char soak[40];
	static char *env[] = {
		"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/tmp", "TMPDIR=/tmp",
		"TERM=dumb", soak, NULL,
	};
	sigset_t all;
	int sig, fd, e;

	/* init's crash handlers and ignored signals must not leak into tests */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setsid();
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(outfd, 1);
	dup2(outfd, 2);
	if (chdir(work_dir))
		fprintf(stderr, "ptemark-init: chdir %s: %s\n", work_dir,
			strerror(errno));
	snprintf(soak, sizeof(soak), "PTEMARK_SOAK=%lu", soak_factor());
	if (!test_mode)
		environ = env;
	else
		putenv(soak);
	execvp(r->argv[0], r->argv);
	e = errno;
	write_all(errfd, (char *)&e, sizeof(e));
	_exit(127);
}

static int pidfd_open_(pid_t pid)
{
#ifdef __NR_pidfd_open
	return syscall(__NR_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Wait for a SIGKILLed process, but not forever: it may be stuck in D. */
static bool reap(pid_t pid, int *status, double secs)
{
	double end = now() + secs;

	do {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid || (w < 0 && errno == ECHILD))
			return w == pid;
		poll(NULL, 0, 50);
	} while (now() < end);
	return false;
}

static void run_one(struct run *r)
{
	const char *base, *prefix = strcmp(r->name, "-") ? r->name : NULL;
	struct cl_end end = { .how = CL_EXITED };
	struct linebuf *lb;
	int p[2], ep[2], pidfd, status = 0, e;
	double t0, deadline, drain_until = 0, last_data;
	bool exited = false, eof = false;
	char args[1024] = "", why[CL_REASON_MAX];
	size_t used = 0;
	pid_t pid;
	int i;

	base = r->argv && r->argv[0] ? strrchr(r->argv[0], '/') : NULL;
	base = base ? base + 1 : (r->argv && r->argv[0] ? r->argv[0] : r->name);
	cl_init(&r->cl, r->fmt, prefix, base);
	if (!prefix)
		cl_clean(r->name, sizeof(r->name), base);

	if (r->err[0]) {
		out("    # ptemark: %s: %s", r->name, r->err);
		end.how = CL_NOT_RUN;
		end.why = r->err;
		cl_finish(&r->cl, &end);
		return;
	}
	if (r->optional && access(r->argv[0], X_OK)) {
		end.how = CL_SKIPPED;
		end.why = "not in this kernel's selftests";
		cl_finish(&r->cl, &end);
		out("    # ptemark: %s: skipped, %s is not in this kernel's selftests",
		    r->name, r->argv[0]);
		return;
	}
	if (!substitute(r->argv)) {
		end.how = CL_SKIPPED;
		end.why = "no free huge pages";
		cl_finish(&r->cl, &end);
		out("    # ptemark: %s: skipped, no free huge pages", r->name);
		return;
	}
	for (i = 0; r->argv[i] && used < sizeof(args) - 1; i++)
		used += snprintf(args + used, sizeof(args) - used, "%s%s",
				 i ? " " : "", r->argv[i]);
	out("    # ptemark: run %s: %s (timeout %us)", r->name, args, r->timeout);

	lb = calloc(1, sizeof(*lb));
	if (!lb || pipe2(p, O_CLOEXEC)) {
		free(lb);
		end.how = CL_NOT_RUN;
		end.why = "cannot create a pipe";
		cl_finish(&r->cl, &end);
		return;
	}
	if (pipe2(ep, O_CLOEXEC)) {
		close(p[0]);
		close(p[1]);
		free(lb);
		end.how = CL_NOT_RUN;
		end.why = "cannot create a pipe";
		cl_finish(&r->cl, &end);
		return;
	}
	t0 = now();
	pid = fork();
	if (pid == 0)
		child(r, p[1], ep[1]);
	close(p[1]);
	close(ep[1]);
	if (pid < 0) {
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
		close(p[0]);
		close(ep[0]);
		free(lb);
		end.how = CL_NOT_RUN;
		end.why = why;
		cl_finish(&r->cl, &end);
		return;
	}
	/* EOF here means exec succeeded (the pipe is close-on-exec) */
	if (read(ep[0], &e, sizeof(e)) == sizeof(e)) {
		snprintf(why, sizeof(why), "cannot execute %s: %s", r->argv[0],
			 strerror(e));
		close(p[0]);
		close(ep[0]);
		free(lb);
		waitpid(pid, NULL, 0);
		out("    # ptemark: %s: %s", r->name, why);
		end.how = CL_NOT_RUN;
		end.why = why;
		cl_finish(&r->cl, &end);
		return;
	}
	close(ep[0]);

	pidfd = pidfd_open_(pid);
	deadline = t0 + r->timeout;
	last_data = t0;
	for (;;) {
		struct pollfd pf[2];
		siginfo_t si = { 0 };
		double t, limit;
		int nfd = 0, ms, pipe_idx = -1;

		/* main process ended: kill what it left behind, then reap it */
		if (!exited && !waitid(P_PID, pid, &si,
				       WEXITED | WNOHANG | WNOWAIT) && si.si_pid) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			exited = true;
			drain_until = now() + DRAIN_S;
		}
		if (exited && eof)
			break;
		t = now();
		if (!exited && t >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			end.how = CL_TIMEOUT;
			end.timeout = r->timeout;
			if (!reap(pid, &status, REAP_S))
				out("    # ptemark: %s: pid %d does not die after SIGKILL",
				    r->name, pid);
			exited = true;
			drain_until = now() + DRAIN_S;
			continue;
		}
		if (exited && t >= drain_until)
			break;
		limit = exited ? drain_until : deadline;
		if (lb->len > lb->echoed && last_data + IDLE_ECHO_S < limit)
			limit = last_data + IDLE_ECHO_S;
		if ((pidfd < 0 || eof) && !exited && t + 0.2 < limit)
			limit = t + 0.2;
		ms = (int)((limit - t) * 1000) + 1;
		if (ms < 0)
			ms = 0;
		if (ms > 1000)
			ms = 1000;
		if (!eof) {
			pf[nfd].fd = p[0];
			pf[nfd].events = POLLIN;
			pipe_idx = nfd++;
		}
		if (!exited && pidfd >= 0) {
			pf[nfd].fd = pidfd;
			pf[nfd].events = POLLIN;
			nfd++;
		}
		if (poll(pf, nfd, ms) < 0 && errno != EINTR)
			poll(NULL, 0, 100);
		if (pipe_idx >= 0 && pf[pipe_idx].revents) {
			char buf[4096];
			ssize_t n = read(p[0], buf, sizeof(buf));

			if (n > 0) {
				feed(lb, &r->cl, buf, n);
				last_data = now();
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				eof = true;
			}
		}
		if (now() >= last_data + IDLE_ECHO_S)
			echo_partial(lb);
	}
	if (lb->len)
		line_end(lb, &r->cl);
	close(p[0]);
	if (pidfd >= 0)
		close(pidfd);
	free(lb);
	/* orphans of the test were reparented to us */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	if (end.how == CL_TIMEOUT) {
		out("    # ptemark: %s: timeout after %us, killed", r->name,
		    r->timeout);
	} else if (WIFSIGNALED(status)) {
		end.how = CL_SIGNALED;
		end.code = WTERMSIG(status);
		out("    # ptemark: %s: killed by signal %d after %.1fs", r->name,
		    end.code, now() - t0);
	} else {
		end.code = WEXITSTATUS(status);
		out("    # ptemark: %s: exit status %d after %.1fs", r->name,
		    end.code, now() - t0);
	}
	cl_finish(&r->cl, &end);
}

/* ---- KTAP --------------------------------------------------------------- */

static void print_result(int num, const struct cl_result *res,
			 const char *raw)
{
	char name[2 * (CL_NAME_MAX + 16)];

	ktap_escape(name, sizeof(name), raw);
	switch (res->status) {
	case KTAP_PASS:
		out("    ok %d %s", num, name);
		break;
	case KTAP_SKIP:
		out("    ok %d %s # SKIP%s%s", num, name, res->reason[0] ? " " : "",
		    res->reason);
		break;
	case KTAP_FAIL:
		out("    not ok %d %s%s%s", num, name, res->reason[0] ? " # " : "",
		    res->reason);
		break;
	case KTAP_ERROR:
		/* KTAP's one directive for a test without a verdict */
		if (res->timeout)
			out("    not ok %d %s # TIMEOUT %s", num, name, res->reason);
		else
			out("    not ok %d %s # %s", num, name,
			    res->reason[0] ? res->reason : "no verdict");
		break;
	}
}

/* Run runs[first..last) as KTAP suite number num. */
static void run_suite(int num, size_t first, size_t last)
{
	const struct cl_result **seen;
	const char *skip_reason = NULL;
	char name[CL_NAME_MAX + 16];
	size_t i, j, k, total = 0, nseen = 0;
	bool bad = false, all_skip = true;
	int dup;

	out("    KTAP version 1");
	out("    # Subtest: %s", runs[first].suite);
	for (i = first; i < last; i++) {
		run_one(&runs[i]);
		total += runs[i].cl.nres;
	}
	seen = calloc(total ? total : 1, sizeof(*seen));

	out("    1..%zu", total);
	for (i = first; i < last; i++) {
		struct classifier *cl = &runs[i].cl;

		if (cl->skip_all[0] && !skip_reason)
			skip_reason = cl->skip_all;
		if (cl->oom)
			bad = true;
		for (j = 0; j < cl->nres; j++) {
			const struct cl_result *res = &cl->res[j];

			/* same name twice in a suite: number the later ones */
			dup = 1;
			for (k = 0; seen && k < nseen; k++)
				if (!strcmp(seen[k]->name, res->name))
					dup++;
			if (seen)
				seen[nseen++] = res;
			if (dup > 1)
				snprintf(name, sizeof(name), "%s (%d)", res->name, dup);
			else
				snprintf(name, sizeof(name), "%s", res->name);
			print_result((int)nseen, res, name);

			if (res->status == KTAP_FAIL || res->status == KTAP_ERROR)
				bad = true;
			if (res->status != KTAP_SKIP)
				all_skip = false;
			else if (!skip_reason && res->reason[0])
				skip_reason = res->reason;
		}
	}
	free(seen);
	if (bad)
		out("not ok %d %s", num, runs[first].suite);
	else if (all_skip && total)
		out("ok %d %s # SKIP %s", num, runs[first].suite,
		    skip_reason ? skip_reason : "");
	else
		out("ok %d %s", num, runs[first].suite);

	for (i = first; i < last; i++)
		cl_free(&runs[i].cl);
}

static void run_all(void)
{
	size_t i, start;
	int nsuites = 0, num = 0;

	for (i = 0; i < nruns; i++)
		if (!i || strcmp(runs[i].suite, runs[i - 1].suite))
			nsuites++;
	out("KTAP version 1");
	out("1..%d", nsuites);
	for (start = 0, i = 1; i <= nruns; i++) {
		if (i < nruns && !strcmp(runs[i].suite, runs[start].suite))
			continue;
		run_suite(++num, start, i);
		start = i;
	}
}

/* ---- PID 1 -------------------------------------------------------------- */

static void wake(int sig)
{
	(void)sig;
}

/*
 * Wait until the console's tty has sent everything, at most 5 s: before
 * the drain the kernel's "reboot: Restarting system" once landed inside a
 * result line, and a reset could cut off what was still queued.
 */
static void drain_console(void)
{
	struct sigaction sa = { .sa_handler = wake };	/* no SA_RESTART */

	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	tcdrain(1);
	alarm(0);
}

static void finish(void)
{
	out("ptemark-init: done");
	sync();
	if (test_mode)
		exit(0);
	drain_console();
	reboot(RB_AUTOBOOT);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/*
 * init itself crashed: no "done", so the host reports the suite that was
 * running and the ones not reached as errors; but no panic either.
 */
static void crashed(int sig)
{
	char msg[] = "# ptemark-init: init crashed with signal NN, rebooting\n";
	char *p = strstr(msg, "NN");

	p[0] = '0' + sig / 10 % 10;
	p[1] = '0' + sig % 10;
	write_all(1, msg, sizeof(msg) - 1);
	sync();
	drain_console();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	const char *e;
	size_t i;

	test_mode = getenv("PTEMARK_INIT_TEST") != NULL;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IONBF, 0);

	if (test_mode) {
		e = getenv("PTEMARK_SUITES");
		if (e)
			suites_path = e;
		extra_dir = getenv("PTEMARK_EXTRA");
		e = getenv("PTEMARK_TMP");
		if (e)
			work_dir = e;
		e = getenv("PTEMARK_CMDLINE");
		snprintf(cmdline, sizeof(cmdline), "%s", e ? e : "");
		/* like PID 1, collect the tests' orphans */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		print_start();
		e = getenv("PTEMARK_SWAPFILE");
		if (e)
			test_swap_header(e);
	} else {
		for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			signal(fatal[i], crashed);
		ensure_console();
		do_mount("proc", "/proc", NULL);
		print_start();
		setup_mounts();
		if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
			warn("cannot read /proc/cmdline");
		setup_hugepages();
		setup_zram();
		/*
		 * No brk randomization (mmap and stack stay random): on most
		 * 64-bit arches the heap of a static binary starts anywhere in
		 * the 1 GiB above it, and upstream's uffd-stress maps its shmem
		 * areas at the fixed hint 0x40000000; a heap there made it fail
		 * "mmap of memfd failed at 0x40000000" once in a CI run.
		 */
		if (write_file("/proc/sys/kernel/randomize_va_space", "1\n"))
			warn("cannot turn off brk randomization");
	}
	probe_uffd();
	read_suites();
	read_extra();
	run_all();
	finish();
	return 0;
}
