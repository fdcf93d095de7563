/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report - the results model and what its parts share. tools/report/:
 *   util.c    allocation, files, line cleaning, numbers
 *   model.c   the results model: an arch's meta, series and console read
 *             into tests (KTAP through tools/ktap.c), the host's tests
 *   json.c    matrix.json            junit.c   junit.xml
 *   table.c   the table (stdout and matrix.md), the refresh warning
 *   expect.c  expectations files and the check against them
 *   main.c    options, and the order of it all
 */
#ifndef PTEMARK_REPORT_H
#define PTEMARK_REPORT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktap.h"


#define TAIL_LINES	3	/* kernel lines quoted when boot fails */
#define TAIL_LEN	160
#define REASON_LEN	200
#define MAX_DEPTH	16	/* KTAP nesting we follow; deeper is ignored */
#define MAX_PLAN	100000	/* a bigger plan is junk, not a suite count */

enum result { R_PASS, R_FAIL, R_SKIP, R_ERROR, R_NR };
extern const char *const result_names[R_NR];

enum boot { B_PASS, B_FAIL, B_TIMEOUT, B_PANIC, B_NR };
extern const char *const boot_names[B_NR];

extern const char *const build_names[2];

struct test {
	char *suite;
	char *name;
	enum result res;
	char *reason;
	bool lost;	/* error: its result line never came (stream cut short) */
};

struct rule {
	char *suite;
	char *name;
	unsigned int allowed;	/* bit per enum result */
	bool require;
	unsigned int hits;
	int line;
};

struct expect {
	const char *file;	/* NULL: the defaults */
	unsigned int build;	/* bit 0 pass, bit 1 fail */
	unsigned int boot;	/* bit per enum boot */
	int uffd_wp;		/* -1: not checked */
	unsigned int unmatched;	/* allowed results of a test no rule matches */
	struct rule *rules;
	size_t nrules, cap;
};

/* One line of RESULTS_DIR/ARCH/series.tsv: how a patch applied. */
struct applied {
	char *patch;
	char *how;		/* clean, offset, fuzz or failed */
	bool project;		/* the project's own series, not PATCHES= */
};

struct arch {
	const char *name;
	const char *base;	/* the kernel base of a "BASE/ARCH" cell; NULL: none */
	const char *label;	/* what lines name it by: "ARCH" or "BASE/ARCH" */
	const char *dir;	/* the results directory ARCH/ is in */
	struct expect exp;

	/* meta */
	bool have_meta;
	char *kernel;
	char *kernel_pkg;	/* "linux-source-6.12 6.12.118-1~deb12u1"; NULL: none */
	char *kernel_source;
	char *build;
	char *build_reason;
	double build_s, run_s;	/* < 0: unknown */
	bool timed_out;
	int ran;		/* -1: not said */
	bool have_qemu_exit;
	long qemu_exit;

	/* console.log */
	bool have_log;
	size_t log_len;
	bool started, done, panic;
	char *panic_msg;
	double uptime, last_ts;	/* < 0: unknown */
	char *guest_kernel;
	char *features;
	char *init_warn;	/* the init's last "# ptemark-init: ..." */
	bool uffd_wp;
	char *tail[TAIL_LINES];
	unsigned int ntail;

	/* judged */
	bool build_pass;
	enum boot boot;
	bool complete;
	char *reason;
	struct test *tests;
	size_t ntests, cap;
	unsigned int counts[R_NR];

	/* series.tsv */
	struct applied *series;
	size_t nseries, series_cap;
};

/* The host's own tests (scripts/test-host.sh), from RESULTS_DIR/host/. */
struct host_test {
	char *area, *name, *reason;
	enum result res;
};

/* Make room for one more element in a growing array. */
#define GROW(arr, n, cap) do {						\
	if ((n) >= (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : 8;				\
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));	\
	}								\
} while (0)

extern char **suites;		/* every suite seen, in the order first seen */
extern size_t nsuites;
extern struct host_test *host;
extern size_t nhost;
extern unsigned int host_counts[R_NR];
extern bool have_host;
extern const char *check_text;	/* the MISS lines, with expectations */

/*
 * A buffer's lines, one at a time, each without its '\n' (the last may
 * have none) and through clean_line() unless raw:
 *	lines_init(&it, buf, len, false);
 *	while ((line = lines_next(&it)))
 * The line is the iterator's own, writable until the next call; the loop
 * runs to the end, where lines_next() frees it.
 */
struct lines {
	const char *buf;
	size_t len, pos;
	bool raw;
	char *line;
};

/* util.c */
void lines_init(struct lines *it, const char *buf, size_t len, bool raw);
char *lines_next(struct lines *it);
void die(const char *fmt, ...);
void *xrealloc(void *p, size_t n);
void *xzalloc(size_t n);
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);
char *xstrndup_utf8(const char *s, size_t n);
char *xasprintf(const char *fmt, ...);
char *slurp(const char *path, size_t *len);
void clean_line(char *out, const char *in_, size_t n);
bool strip_printk(char **sp, double *ts);
double parse_num(const char *s);
const char *fmt_num(char *buf, size_t len, double v);

/* model.c */
void move_suite(size_t from, size_t to);
bool bad_result(enum result r);
void load_arch(struct arch *a);
const char *arch_kernel(struct arch *a);
double tests_seconds(struct arch *a);
const char *first_pkg(struct arch *arches, int n);
void suite_counts(struct arch *a, const char *suite, unsigned int c[R_NR]);
void load_host(const char *dir);

/* json.c, junit.c, table.c */
#define SCHEMA_VERSION 2	/* docs/RESULTS.md; docs/matrix.schema.json */
void write_json(FILE *f, const char *kernel, struct arch *arches, int n);
void write_json_tail(FILE *f);
void write_junit(FILE *f, struct arch *arches, int n);
void write_table(FILE *f, bool md, const char *kernel, struct arch *arches, int n);
void refresh_warning(struct arch *arches, int n);

/* expect.c */
void default_expect(struct expect *e, const char *file);
void load_expect(struct expect *e, const char *file);
int check(struct arch *a, FILE *out);

#endif
