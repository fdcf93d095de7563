// SPDX-License-Identifier: GPL-2.0
/*
 * report - turn ptemark's per-arch results into the test matrix
 *
 *   report [--expect ARCH=FILE]... RESULTS_DIR ARCH...
 *
 * For each ARCH it reads RESULTS_DIR/ARCH/meta (key=value lines written by
 * the host scripts) and RESULTS_DIR/ARCH/console.log (all the guest printed,
 * read as guest/PROTOCOL.md says), writes RESULTS_DIR/matrix.json,
 * RESULTS_DIR/junit.xml and RESULTS_DIR/matrix.md, prints the matrix, and
 * prints one "MISS <arch>: ..." line for everything that is not as expected.
 *
 * Exit status: 0 when every arch is as expected, 1 when anything is not,
 * 2 on a usage error, a bad expectations file or an I/O error.
 *
 * Without --expect, an arch is expected to build, boot, and pass or skip
 * every test.  With --expect ARCH=FILE, ARCH is checked against FILE
 * (tools/EXPECT.md has examples):
 *
 *   # a comment: whole lines only
 *   build pass                 allowed build results, of pass,fail
 *   boot pass                  allowed boot results, of pass,fail,timeout,panic
 *   uffd_wp true               true or false; not checked when absent
 *   test SUITE NAME RESULTS [require]
 *
 * SUITE and NAME are fnmatch(3) globs; '*' also matches '/', and NAME may
 * contain spaces (kselftest names do): it is everything between SUITE and
 * RESULTS.  RESULTS is a comma-separated list of pass, fail, skip, error,
 * or "any".  The first rule matching a test decides; a test matched by no
 * rule must pass.  "require" makes it a miss when no test matches the rule,
 * so a suite that silently disappears is caught.  build and boot default to
 * pass.  With a FILE, a patch of the project's own series that applied only
 * with fuzz (RESULTS_DIR/ARCH/series.tsv) is a miss too: it wants make
 * refresh.
 *
 * matrix.json is read by other checks; its shape is stable:
 *   {"kernel": "6.12.N", "kernel_package": "<package> <Debian version>",
 *    "arches": {"<arch>": {"build": "pass|fail",
 *    "boot": "pass|fail|timeout|panic", "uffd_wp": bool, "features": "0x..",
 *    "seconds": {"build", "boot", "tests", "run"}, "kernel",
 *    "kernel_package", "kernel_source", "series": [{"patch", "applied":
 *    "clean|offset|fuzz|failed", "origin": "project|user"}], "reason",
 *    "build_reason", "complete", "qemu_exit", "counts", "tests": [{"suite",
 *    "name", "result": "pass|fail|skip|error", "reason"}]}}}
 * Unknown values (features never printed, a time not measured) are null.
 */
#define _GNU_SOURCE
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
static const char *const result_names[R_NR] = { "pass", "fail", "skip", "error" };

enum boot { B_PASS, B_FAIL, B_TIMEOUT, B_PANIC, B_NR };
static const char *const boot_names[B_NR] = { "pass", "fail", "timeout", "panic" };

static const char *const build_names[] = { "pass", "fail" };

struct test {
	char *suite;
	char *name;
	enum result res;
	char *reason;
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

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		die("out of memory");
	return d;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* At most @n bytes of valid UTF-8 @s, never ending inside a character. */
static char *xstrndup_utf8(const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	if (s[len])
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	return xstrndup(s, len);
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		die("out of memory");
	return s;
}

/* Make room for one more element in a growing array. */
#define GROW(arr, n, cap) do {						\
	if ((n) >= (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : 8;				\
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));	\
	}								\
} while (0)

/* A whole file, NUL-terminated; NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 0, r;
	char *buf = NULL;

	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NULL;
		die("%s: %s", path, strerror(errno));
	}
	do {
		if (cap - n < 65536) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Copy one console line into @out as printable UTF-8, so that everything
 * later code sees can go into JSON and XML as it is.  A serial console ends
 * lines with CR LF, and a progress meter inside raw output rewrites its line
 * with bare CRs: drop CRs (and NULs) rather than split on them, so such a
 * line stays one "# |" diagnostic.  Colour escapes go; other control bytes
 * and invalid UTF-8 become '?'.
 */
static void clean_line(char *out, const char *in_, size_t n)
{
	const unsigned char *in = (const unsigned char *)in_;
	size_t i = 0, o = 0, l;

	while (i < n) {
		unsigned char c = in[i];

		if (c == '\0' || c == '\r') {
			i++;
		} else if (c == 0x1b) {
			i++;
			if (i < n && in[i] == '[') {
				i++;
				while (i < n && in[i] >= 0x20 && in[i] < 0x40)
					i++;
				if (i < n && in[i] >= 0x40 && in[i] < 0x7f)
					i++;
			}
		} else if (c == '\t') {
			out[o++] = ' ';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '?';
			i++;
		} else if (c < 0x80) {
			out[o++] = c;
			i++;
		} else if ((l = utf8_len(in + i, n - i))) {
			memcpy(out + o, in + i, l);
			o += l;
			i += l;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/*
 * Strip a printk prefix, "[    1.234567] ", and with CONFIG_PRINTK_CALLER
 * also "[    T1] ".  Exactly one space goes with it: what follows may be
 * KTAP indentation.
 */
static bool strip_printk(char **sp, double *ts)
{
	char *p = *sp, *q;

	if (*p++ != '[')
		return false;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	q = p;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q++ != '.' || !isdigit((unsigned char)*q))
		return false;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q++ != ']')
		return false;
	*ts = strtod(p, NULL);
	if (*q == '[') {
		p = q + 1;
		while (*p == ' ')
			p++;
		if (*p == 'T' || *p == 'C') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == ']')
				q = p + 1;
		}
	}
	if (*q == ' ')
		q++;
	*sp = q;
	return true;
}

static double parse_num(const char *s)
{
	char *e;
	double v;

	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &e);
	return e > s ? v : -1;
}

/* "1.5" for 1.5, "42" for 42.0: seconds to the millisecond. */
static const char *fmt_num(char *buf, size_t len, double v)
{
	char *e;

	snprintf(buf, len, "%.3f", v);
	e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	return buf;
}

static char **suites;	/* every suite seen, in the order first seen */
static size_t nsuites, suites_cap;

static void add_test(struct arch *a, const char *suite, const char *name,
		     enum result res, const char *reason)
{
	struct test *t;
	size_t i;

	GROW(a->tests, a->ntests, a->cap);
	t = &a->tests[a->ntests++];
	t->suite = xstrdup(suite);
	t->name = xstrdup(name);
	t->res = res;
	t->reason = xstrdup(reason ? reason : "");
	a->counts[res]++;

	for (i = 0; i < nsuites; i++)
		if (!strcmp(suites[i], suite))
			return;
	GROW(suites, nsuites, suites_cap);
	suites[nsuites++] = xstrdup(suite);
}

/* Move suites[from] to suites[to], to <= from, keeping the others' order. */
static void move_suite(size_t from, size_t to)
{
	char *s = suites[from];

	memmove(&suites[to + 1], &suites[to], (from - to) * sizeof(*suites));
	suites[to] = s;
}

/*
 * KTAP.  A result line comes after its subtests, so results are collected
 * per indentation level until the parent's result line arrives and adopts
 * them.  Level 0 holds the suites (the init's, or KUnit's); level 1 their
 * tests; anything deeper (KUnit parameters) is folded into "case/param"
 * names.  A level whose result line never comes was cut: by a panic, a
 * timeout or the end of the log.
 */
struct node {
	char *name;
	enum result res;
	char *reason;
	bool cut;		/* no result line: it was in flight */
	struct node **kids;
	size_t nkids, cap;
};

struct level {
	int indent;
	char *name;		/* from "# Subtest:" */
	bool plan;
	struct ktap_count count;	/* numbering and plan (tools/ktap.h) */
	struct node **kids;
	size_t nkids, cap;
};

struct ktap {
	struct arch *a;
	const char *prefix;	/* of suite names */
	const char *self;	/* suite for the stream's own errors */
	bool seen;
	int plan;		/* suites announced, -1 before any plan */
	int nsuites;		/* suites reported */
	int top;
	struct level lv[MAX_DEPTH];
};

static struct node *node_new(const char *name, enum result res, const char *reason)
{
	struct node *n = xzalloc(sizeof(*n));

	n->name = xstrdup(name);
	n->res = res;
	n->reason = xstrdup(reason);
	return n;
}

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->reason);
	free(n);
}

static bool bad_result(enum result r)
{
	return r == R_FAIL || r == R_ERROR;
}

/*
 * Report the leaves under @n, named by their path below the suite.  A
 * parent's own verdict is reported only when no leaf carries it: a cut
 * parent when nothing below it was cut (so the in-flight test is reported
 * once, at the deepest level known), a failed parent when no leaf failed.
 */
static void emit_node(struct arch *a, const char *suite, struct node *n,
		      const char *path, bool *cut, bool *bad)
{
	bool kcut = false, kbad = false;
	size_t i;

	if (!n->nkids) {
		add_test(a, suite, path ? path : n->name, n->res, n->reason);
	} else {
		for (i = 0; i < n->nkids; i++) {
			struct node *k = n->kids[i];
			/* Tests of a suite (@path NULL) are named without it. */
			char *kp = path ? xasprintf("%s/%s", path, k->name) :
					  xstrdup(k->name);

			emit_node(a, suite, k, kp, &kcut, &kbad);
			free(kp);
		}
		if (n->cut ? !kcut : bad_result(n->res) && !kbad)
			add_test(a, suite, path ? path : n->name, n->res, n->reason);
	}
	*cut |= kcut || n->cut;
	*bad |= kbad || bad_result(n->res);
}

static void attach(struct ktap *k, int d, struct node *n)
{
	struct level *l = &k->lv[d];
	bool cut = false, bad = false;
	char *suite;

	if (d > 0) {
		GROW(l->kids, l->nkids, l->cap);
		l->kids[l->nkids++] = n;
		return;
	}
	suite = xasprintf("%s%s", k->prefix, n->name);
	emit_node(k->a, suite, n, NULL, &cut, &bad);
	free(suite);
	node_free(n);
	k->nsuites++;
}

static bool push(struct ktap *k, int indent)
{
	if (k->top + 1 >= MAX_DEPTH)
		return false;
	k->top++;
	memset(&k->lv[k->top], 0, sizeof(k->lv[k->top]));
	k->lv[k->top].indent = indent;
	ktap_count_init(&k->lv[k->top].count);
	return true;
}

/*
 * Close the deepest level: its results become @n's children, and a plan
 * they disagree with one more, an error.
 */
static void pop_into(struct ktap *k, struct node *n)
{
	struct level *l = &k->lv[k->top];
	char why[KTAP_WHY_MAX];

	/* A cut level already is an error: its plan says nothing more. */
	if (!n->cut && ktap_count_end(&l->count, why, sizeof(why))) {
		GROW(l->kids, l->nkids, l->cap);
		l->kids[l->nkids++] = node_new("ktap-plan", R_ERROR, why);
	}

	n->kids = l->kids;
	n->nkids = l->nkids;
	n->cap = l->cap;
	free(l->name);
	memset(l, 0, sizeof(*l));
	k->top--;
}

/* The subtest open at the deepest level will get no result line. */
static void cut_top(struct ktap *k, const char *cause)
{
	struct level *l = &k->lv[k->top];
	struct node *n = node_new(l->name ? l->name : "unknown", R_ERROR, cause);

	n->cut = true;
	pop_into(k, n);
	attach(k, k->top, n);
}

/*
 * The level a line indented by @ind belongs to: the open level with that
 * indent, or top + 1 for a new one.  Odd indents snap to the deeper level.
 */
static int level_of(struct ktap *k, int ind)
{
	int d = k->top;

	while (d > 0 && k->lv[d].indent > ind)
		d--;
	if (k->lv[d].indent < ind)
		d++;
	return d;
}

static enum result from_ktap(enum ktap_status st)
{
	switch (st) {
	case KTAP_PASS:
		return R_PASS;
	case KTAP_FAIL:
		return R_FAIL;
	case KTAP_SKIP:
		return R_SKIP;
	case KTAP_ERROR:
		break;
	}
	return R_ERROR;
}

/* A result numbered out of order at level @d is an error, never silent. */
static void check_number(struct ktap *k, int d, long num)
{
	char why[KTAP_WHY_MAX];

	if (!ktap_count_result(&k->lv[d].count, num, why, sizeof(why)))
		return;
	if (d > 0)
		attach(k, d, node_new("ktap-numbering", R_ERROR, why));
	else
		add_test(k->a, k->self, "ktap-numbering", R_ERROR, why);
}

static void ktap_line(struct ktap *k, const char *line)
{
	struct ktap_line kl;
	struct level *l;
	struct node *n;
	char *name;
	long plan = 0;
	int d;

	ktap_read(line, &kl);
	switch (kl.kind) {
	case KTAP_VERSION:
	case KTAP_SUBTEST:
	case KTAP_RESULT:
		break;
	case KTAP_PLAN:
		plan = kl.plan > MAX_PLAN ? MAX_PLAN : kl.plan;
		break;
	default:
		return;		/* diagnostics ("# |" raw output), kernel messages, junk */
	}

	if (!k->seen) {
		k->seen = true;
		k->lv[0].indent = kl.indent;
	}
	d = level_of(k, kl.indent);
	if (kl.kind != KTAP_RESULT) {
		/* A header or plan here means nothing deeper will finish. */
		while (k->top > d)
			cut_top(k, "missing result line");
		l = &k->lv[d];
		/* A new subtest where one is still open: that one was cut. */
		if (kl.kind != KTAP_PLAN && d > 0 && d == k->top &&
		    (l->nkids || l->plan || (kl.kind == KTAP_SUBTEST && l->name)))
			cut_top(k, "missing result line");
		if (d > k->top && !push(k, kl.indent))
			return;
		l = &k->lv[d];
		if (kl.kind == KTAP_SUBTEST && d > 0) {
			free(l->name);
			l->name = xstrdup(kl.text);
		} else if (kl.kind == KTAP_PLAN) {
			l->plan = true;
			ktap_count_plan(&l->count, plan);
			if (d == 0)
				k->plan = k->nsuites + plan;
		}
		return;
	}

	if (d > k->top && !push(k, kl.indent))
		return;
	while (k->top > d + 1)
		cut_top(k, "missing result line");
	name = kl.name[0] ? xstrdup(kl.name) : xasprintf("test-%ld", kl.number);
	n = node_new(name, from_ktap(kl.status), kl.reason);
	free(name);
	/* This result closes the subtest one level down. */
	if (k->top == d + 1)
		pop_into(k, n);
	check_number(k, d, kl.number);
	attach(k, d, n);
}

/*
 * The stream ended: KUnit's when the init starts, the init's at its done
 * line or at the end of the log.  What is still open was cut by @cause, and
 * suites announced by the plan but never seen were not reached.
 */
static void ktap_close(struct ktap *k, const char *cause, bool need_plan)
{
	char *r = NULL;

	while (k->top > 0)
		cut_top(k, cause);
	if (k->seen && k->plan > k->nsuites)
		r = xasprintf("%d of %d suites not reached: %s",
			      k->plan - k->nsuites, k->plan, cause);
	else if (need_plan && k->plan < 0)
		r = xasprintf("no suite plan: %s", cause);
	if (r)
		add_test(k->a, k->self, "suites-not-reached", R_ERROR, r);
	free(r);
}

static bool is_comment(const char *s)
{
	while (*s == ' ')
		s++;
	return *s == '#';
}

/* Where marker @m ends in line @s, as a word; never in raw test output. */
static const char *marker(const char *s, const char *m)
{
	const char *p;

	if (is_comment(s) || !(p = strstr(s, m)))
		return NULL;
	p += strlen(m);
	return *p == '\0' || *p == ' ' ? p : NULL;
}

/*
 * A panic message.  Raw test output may talk about panics; there, only
 * a printk-stamped one that cut into the line counts.
 */
static const char *panic_at(const char *s)
{
	const char *p = strstr(s, "Kernel panic");

	if (p && is_comment(s) && !(p - s >= 2 && p[-1] == ' ' && p[-2] == ']'))
		return NULL;
	return p;
}

/* "start uptime 1.52" (or "uptime=1.52s", or a bare number). */
static double parse_uptime(const char *p, double fallback)
{
	const char *u = strstr(p, "uptime");
	double v;

	if (u) {
		p = u + 6;
		while (*p == ' ' || *p == '=' || *p == ':')
			p++;
	}
	v = parse_num(p);
	return v >= 0 ? v : fallback;
}

/* "6.12.117 uffd_api_features 0x1ffff uffd_wp 1"; key=value also does. */
static void parse_info(struct arch *a, const char *p)
{
	char *copy = xstrdup(p), *save, *tok, *val, *key = NULL;

	tok = strtok_r(copy, " ", &save);
	if (tok && !a->guest_kernel)
		a->guest_kernel = xstrdup(tok);
	while ((tok = strtok_r(NULL, " ", &save))) {
		val = strchr(tok, '=');
		if (val) {
			*val++ = '\0';
			key = tok;
		} else if (key) {
			val = tok;
		} else {
			key = tok;
			continue;
		}
		if (!strcmp(key, "uffd_api_features")) {
			free(a->features);
			a->features = xstrdup(val);
		} else if (!strcmp(key, "uffd_wp")) {
			a->uffd_wp = !strcmp(val, "1") || !strcasecmp(val, "true") ||
				     !strcasecmp(val, "yes");
		}
		key = NULL;
	}
	free(copy);
}

/* Keep the last few lines that say something, for a failed boot. */
static void remember(struct arch *a, const char *s)
{
	unsigned int alnum = 0;
	const char *p;

	for (p = s; *p; p++)
		alnum += !!isalnum((unsigned char)*p);
	if (alnum < 3)
		return;
	while (*s == ' ')
		s++;
	free(a->tail[a->ntail % TAIL_LINES]);
	a->tail[a->ntail++ % TAIL_LINES] = xstrndup_utf8(s, TAIL_LEN);
}

static char *tail_text(struct arch *a)
{
	unsigned int i = a->ntail > TAIL_LINES ? a->ntail - TAIL_LINES : 0;
	char *s = xstrdup(""), *t;

	for (; i < a->ntail; i++) {
		t = xasprintf("%s%s%s", s, *s ? " | " : "", a->tail[i % TAIL_LINES]);
		free(s);
		s = t;
	}
	return s;
}

static void parse_log(struct arch *a, const char *buf, size_t len)
{
	struct ktap kunit = { .a = a, .prefix = "kunit-", .self = "kunit", .plan = -1 };
	struct ktap init = { .a = a, .prefix = "", .self = "ptemark-init", .plan = -1 };
	struct ktap *cur = &kunit;
	char *line = xrealloc(NULL, len + 1);
	const char *p, *cause;
	size_t pos = 0, end, before;
	double ts;

	ktap_count_init(&kunit.lv[0].count);
	ktap_count_init(&init.lv[0].count);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		char *s = line;

		end = nl ? (size_t)(nl - buf) : len;
		clean_line(line, buf + pos, end - pos);
		pos = end + 1;
		if (strip_printk(&s, &ts))
			a->last_ts = ts;

		if (!a->started && (p = marker(s, "ptemark-init: start"))) {
			a->started = true;
			/* No uptime printed: the last kernel timestamp is close. */
			a->uptime = parse_uptime(p, a->last_ts);
			ktap_close(&kunit, "truncated log", false);
			cur = &init;
			continue;
		}
		if (a->started && !a->done && marker(s, "ptemark-init: done")) {
			a->done = true;
			ktap_close(&init, "no result line before done", true);
			cur = NULL;
			continue;
		}
		if ((p = marker(s, "ptemark-init: kernel"))) {
			parse_info(a, p);
			continue;
		}
		if (!a->panic && (p = panic_at(s))) {
			a->panic = true;
			a->panic_msg = xstrndup_utf8(p, REASON_LEN);
		}
		if (!is_comment(s)) {
			remember(a, s);
		} else if ((p = strstr(s, "# ptemark-init: ")) && a->started) {
			free(a->init_warn);
			a->init_warn = xstrndup_utf8(p + 16, REASON_LEN);
		}
		if (cur)
			ktap_line(cur, s);
	}
	free(line);

	cause = a->panic ? "kernel panic" : a->timed_out ? "timeout" : "truncated log";
	if (cur == &kunit) {
		ktap_close(&kunit, cause, false);
	} else if (cur == &init) {
		before = a->ntests;
		ktap_close(&init, cause, true);
		/* Every suite finished, yet no done line: still not complete. */
		if (a->ntests == before) {
			char *r = xasprintf("no done line: %s", cause);

			add_test(a, init.self, "done", R_ERROR, r);
			free(r);
		}
	}
}

static void parse_meta(struct arch *a, const char *buf, size_t len)
{
	char *line = xrealloc(NULL, len + 1), *v, *k;
	size_t pos = 0, end;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - buf) : len;
		clean_line(line, buf + pos, end - pos);
		pos = end + 1;
		k = line;
		while (*k == ' ')
			k++;
		v = strchr(k, '=');
		if (!v || *k == '#')
			continue;
		*v++ = '\0';
		if (!strcmp(k, "kernel")) {
			free(a->kernel);
			a->kernel = *v ? xstrdup(v) : NULL;
		} else if (!strcmp(k, "kernel_pkg")) {
			free(a->kernel_pkg);
			a->kernel_pkg = *v ? xstrdup(v) : NULL;
		} else if (!strcmp(k, "kernel_source")) {
			free(a->kernel_source);
			a->kernel_source = *v ? xstrdup(v) : NULL;
		} else if (!strcmp(k, "build")) {
			free(a->build);
			a->build = xstrdup(v);
		} else if (!strcmp(k, "build_reason")) {
			free(a->build_reason);
			a->build_reason = xstrdup(v);
		} else if (!strcmp(k, "build_seconds")) {
			a->build_s = parse_num(v);
		} else if (!strcmp(k, "run_seconds")) {
			a->run_s = parse_num(v);
		} else if (!strcmp(k, "qemu_exit")) {
			char *e;

			a->qemu_exit = strtol(v, &e, 10);
			a->have_qemu_exit = e > v && !*e;
		} else if (!strcmp(k, "timed_out")) {
			a->timed_out = atoi(v) != 0;
		} else if (!strcmp(k, "ran")) {
			a->ran = atoi(v) != 0;
		}
	}
	free(line);
}

static bool applied_known(const char *how)
{
	return !strcmp(how, "clean") || !strcmp(how, "offset") ||
	       !strcmp(how, "fuzz") || !strcmp(how, "failed");
}

/* "patch<TAB>how<TAB>origin" lines (scripts/kernel.sh); others are skipped. */
static void parse_series(struct arch *a, const char *buf, size_t len)
{
	char *line = xrealloc(NULL, len + 1), *how, *origin;
	size_t pos = 0, end;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - buf) : len;
		memcpy(line, buf + pos, end - pos);
		line[end - pos] = '\0';
		pos = end + 1;
		how = strchr(line, '\t');
		if (!how)
			continue;
		*how++ = '\0';
		origin = strchr(how, '\t');
		if (origin)
			*origin++ = '\0';
		if (!*line || !applied_known(how))
			continue;
		GROW(a->series, a->nseries, a->series_cap);
		a->series[a->nseries].patch = xstrdup(line);
		a->series[a->nseries].how = xstrdup(how);
		a->series[a->nseries].project = !origin || strcmp(origin, "user");
		a->nseries++;
	}
	free(line);
}

static void load_arch(struct arch *a, const char *dir)
{
	char *path, *buf, *tail;
	size_t len;

	a->build_s = a->run_s = a->uptime = a->last_ts = -1;
	a->ran = -1;

	path = xasprintf("%s/%s/meta", dir, a->name);
	buf = slurp(path, &len);
	free(path);
	if (buf) {
		a->have_meta = true;
		parse_meta(a, buf, len);
		free(buf);
	}
	path = xasprintf("%s/%s/series.tsv", dir, a->name);
	buf = slurp(path, &len);
	free(path);
	if (buf) {
		parse_series(a, buf, len);
		free(buf);
	}
	path = xasprintf("%s/%s/console.log", dir, a->name);
	buf = slurp(path, &len);
	free(path);
	a->have_log = buf != NULL;
	a->log_len = buf ? len : 0;

	a->build_pass = a->build ? !strcmp(a->build, "pass") : a->have_log;
	if (a->ran < 0)
		a->ran = a->have_log;
	a->boot = B_FAIL;
	/* A console.log left from an earlier run must not be read. */
	if (!a->have_meta && !a->have_log) {
		a->reason = xstrdup("no results (no meta, no console.log)");
	} else if (!a->build_pass) {
		a->reason = xstrdup("not built");
	} else if (!a->ran) {
		a->reason = xstrdup("not run");
	} else {
		if (buf)
			parse_log(a, buf, len);
		tail = a->ntail ? tail_text(a) :
		       xstrdup(!a->have_log ? "no console.log" :
			       !a->log_len ? "empty console log" : "no readable line");
		if (a->panic) {
			a->boot = B_PANIC;
			a->reason = xstrdup(a->panic_msg);
		} else if (a->timed_out) {
			char num[32];

			a->boot = B_TIMEOUT;
			a->reason = xasprintf("timed out%s%s%s; %s%s",
				a->run_s >= 0 ? " after " : "",
				a->run_s >= 0 ? fmt_num(num, sizeof(num), a->run_s) : "",
				a->run_s >= 0 ? "s" : "",
				!a->started ? "never reached init: " :
				!a->done ? "no done line" : "after the done line",
				!a->started ? tail : "");
		} else if (!a->started) {
			a->reason = xasprintf("never reached init: %s", tail);
		} else {
			a->boot = B_PASS;
			a->reason = a->done ? xstrdup("") : a->init_warn ?
				xasprintf("truncated log: no done line (init said: %s)",
					  a->init_warn) :
				xstrdup("truncated log: no done line");
		}
		free(tail);
	}
	a->complete = a->started && a->done;
	free(buf);
}

/* Output. */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		json_str(f, s);
	else
		fputs("null", f);
}

static void json_num(FILE *f, double v)
{
	char buf[64];

	fputs(v < 0 ? "null" : fmt_num(buf, sizeof(buf), v), f);
}

static const char *arch_kernel(struct arch *a)
{
	return a->kernel ? a->kernel : a->guest_kernel;
}

static double tests_seconds(struct arch *a)
{
	if (!a->started || a->uptime < 0 || a->run_s < 0)
		return -1;
	return a->run_s > a->uptime ? a->run_s - a->uptime : 0;
}

/* The package the first arch that names one was built from. */
static const char *first_pkg(struct arch *arches, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (arches[i].kernel_pkg)
			return arches[i].kernel_pkg;
	return NULL;
}

#define SCHEMA_VERSION 2	/* docs/RESULTS.md; docs/matrix.schema.json */

struct host_test;
static struct host_test *host;
static size_t nhost, host_cap;
static unsigned int host_counts[R_NR];
static bool have_host;
static void write_host_json(FILE *f);
static void write_host_junit(FILE *f);
static const char *check_text;	/* the MISS lines, when expectations were given */

static void write_check_json(FILE *f)
{
	const char *p = check_text, *nl;
	bool first = true;

	fputs(",\n  \"check\": {\"misses\": [", f);
	for (; p && *p; p = nl + 1) {
		char *l;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		l = xstrndup(p, nl - p);
		fputs(first ? "\n    " : ",\n    ", f);
		json_str(f, l);
		free(l);
		first = false;
		if (!*nl)
			break;
	}
	fputs(first ? "]}" : "\n  ]}", f);
}

static void write_json(FILE *f, const char *kernel, struct arch *arches, int n)
{
	int i, r;
	size_t t;

	fprintf(f, "{\n  \"schema\": %d,\n  \"kernel\": ", SCHEMA_VERSION);
	json_str_or_null(f, kernel);
	fputs(",\n  \"kernel_package\": ", f);
	json_str_or_null(f, first_pkg(arches, n));
	fputs(",\n  \"arches\": {", f);
	for (i = 0; i < n; i++) {
		struct arch *a = &arches[i];

		fprintf(f, "%s\n    ", i ? "," : "");
		json_str(f, a->name);
		fprintf(f, ": {\n      \"build\": \"%s\",\n      \"boot\": \"%s\",\n",
			build_names[!a->build_pass], boot_names[a->boot]);
		fprintf(f, "      \"uffd_wp\": %s,\n      \"features\": ",
			a->uffd_wp ? "true" : "false");
		json_str_or_null(f, a->features);
		fputs(",\n      \"seconds\": {\"build\": ", f);
		json_num(f, a->build_s);
		fputs(", \"boot\": ", f);
		json_num(f, a->started ? a->uptime : -1);
		fputs(", \"tests\": ", f);
		json_num(f, tests_seconds(a));
		fputs(", \"run\": ", f);
		json_num(f, a->run_s);
		fputs("},\n      \"kernel\": ", f);
		json_str_or_null(f, arch_kernel(a));
		fputs(",\n      \"kernel_package\": ", f);
		json_str_or_null(f, a->kernel_pkg);
		fputs(",\n      \"kernel_source\": ", f);
		json_str_or_null(f, a->kernel_source);
		fputs(",\n      \"series\": [", f);
		for (t = 0; t < a->nseries; t++) {
			fprintf(f, "%s{\"patch\": ", t ? ", " : "");
			json_str(f, a->series[t].patch);
			fprintf(f, ", \"applied\": \"%s\", \"origin\": \"%s\"}",
				a->series[t].how, a->series[t].project ? "project" : "user");
		}
		fputc(']', f);
		fputs(",\n      \"reason\": ", f);
		json_str(f, a->reason);
		fputs(",\n      \"build_reason\": ", f);
		json_str(f, a->build_reason ? a->build_reason : "");
		fprintf(f, ",\n      \"complete\": %s,\n      \"qemu_exit\": ",
			a->complete ? "true" : "false");
		if (a->have_qemu_exit)
			fprintf(f, "%ld", a->qemu_exit);
		else
			fputs("null", f);
		fputs(",\n      \"counts\": {", f);
		for (r = 0; r < R_NR; r++)
			fprintf(f, "%s\"%s\": %u", r ? ", " : "", result_names[r], a->counts[r]);
		fputs("},\n      \"tests\": [", f);
		for (t = 0; t < a->ntests; t++) {
			struct test *x = &a->tests[t];

			fprintf(f, "%s\n        {\"suite\": ", t ? "," : "");
			json_str(f, x->suite);
			fputs(", \"name\": ", f);
			json_str(f, x->name);
			fprintf(f, ", \"result\": \"%s\", \"reason\": ", result_names[x->res]);
			json_str(f, x->reason);
			fputc('}', f);
		}
		fprintf(f, "%s]\n    }", a->ntests ? "\n      " : "");
	}
	fprintf(f, "%s}", n ? "\n  " : "");
	if (have_host)
		write_host_json(f);
	if (check_text)
		write_check_json(f);
	fputs("\n}\n", f);
}

static void xml_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\n': fputs("&#10;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void suite_counts(struct arch *a, const char *suite, unsigned int c[R_NR])
{
	size_t t;

	memset(c, 0, R_NR * sizeof(*c));
	for (t = 0; t < a->ntests; t++)
		if (!strcmp(a->tests[t].suite, suite))
			c[a->tests[t].res]++;
}

static void xml_case(FILE *f, const char *cls, const char *name, double secs,
		     const char *elem, const char *msg)
{
	char buf[64];

	fputs("    <testcase classname=\"", f);
	xml_str(f, cls);
	fputs("\" name=\"", f);
	xml_str(f, name);
	if (secs >= 0)
		fprintf(f, "\" time=\"%s", fmt_num(buf, sizeof(buf), secs));
	if (!elem) {
		fputs("\"/>\n", f);
		return;
	}
	fprintf(f, "\">\n      <%s message=\"", elem);
	xml_str(f, msg);
	fputs("\"/>\n    </testcase>\n", f);
}

static void xml_suite_open(FILE *f, const char *name, unsigned int c[R_NR])
{
	fputs("  <testsuite name=\"", f);
	xml_str(f, name);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
		c[R_PASS] + c[R_FAIL] + c[R_SKIP] + c[R_ERROR],
		c[R_FAIL], c[R_ERROR], c[R_SKIP]);
}

static void write_junit(FILE *f, struct arch *arches, int n)
{
	unsigned int tot[R_NR] = { 0 }, c[R_NR];
	static const char *const elem[R_NR] = { NULL, "failure", "skipped", "error" };
	char *cls, *msg;
	size_t s, t;
	int i, r;

	/* build and boot are a test case each, in "<arch>.ptemark". */
	for (i = 0; i < n; i++) {
		tot[arches[i].build_pass ? R_PASS : R_FAIL]++;
		tot[!arches[i].build_pass ? R_SKIP : arches[i].boot ? R_FAIL : R_PASS]++;
		for (r = 0; r < R_NR; r++)
			tot[r] += arches[i].counts[r];
	}
	for (r = 0; r < R_NR; r++)
		tot[r] += host_counts[r];
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"ptemark\" tests=\"%u\" failures=\"%u\" "
		"errors=\"%u\" skipped=\"%u\">\n",
		tot[R_PASS] + tot[R_FAIL] + tot[R_SKIP] + tot[R_ERROR],
		tot[R_FAIL], tot[R_ERROR], tot[R_SKIP]);

	for (i = 0; i < n; i++) {
		struct arch *a = &arches[i];

		memset(c, 0, sizeof(c));
		c[a->build_pass ? R_PASS : R_FAIL]++;
		c[!a->build_pass ? R_SKIP : a->boot ? R_FAIL : R_PASS]++;
		cls = xasprintf("%s.ptemark", a->name);
		xml_suite_open(f, cls, c);
		fputs("    <properties>\n      <property name=\"kernel\" value=\"", f);
		xml_str(f, arch_kernel(a) ? arch_kernel(a) : "");
		fprintf(f, "\"/>\n      <property name=\"uffd_wp\" value=\"%s\"/>\n",
			a->uffd_wp ? "true" : "false");
		fputs("      <property name=\"features\" value=\"", f);
		xml_str(f, a->features ? a->features : "");
		fputs("\"/>\n    </properties>\n", f);
		msg = xasprintf("build failed: %s", a->build_reason ? a->build_reason : a->reason);
		xml_case(f, cls, "build", a->build_s, a->build_pass ? NULL : "failure", msg);
		free(msg);
		msg = xasprintf("boot %s: %s", boot_names[a->boot], a->reason);
		xml_case(f, cls, "boot", a->started ? a->uptime : -1,
			 !a->build_pass ? "skipped" : a->boot ? "failure" : NULL,
			 a->build_pass ? msg : "not built");
		free(msg);
		fputs("  </testsuite>\n", f);
		free(cls);

		for (s = 0; s < nsuites; s++) {
			suite_counts(a, suites[s], c);
			if (!(c[R_PASS] + c[R_FAIL] + c[R_SKIP] + c[R_ERROR]))
				continue;
			cls = xasprintf("%s.%s", a->name, suites[s]);
			xml_suite_open(f, cls, c);
			for (t = 0; t < a->ntests; t++) {
				struct test *x = &a->tests[t];

				if (strcmp(x->suite, suites[s]))
					continue;
				xml_case(f, cls, x->name, -1, elem[x->res], x->reason);
			}
			fputs("  </testsuite>\n", f);
			free(cls);
		}
	}
	if (have_host)
		write_host_junit(f);
	fputs("</testsuites>\n", f);
}

/*
 * The matrix: a row an arch, a column a suite, each cell pass/fail/skip
 * counts with errors added as " +NE"; markdown for the file, padded plain
 * text for the terminal.
 */
static const char *boot_label(struct arch *a)
{
	if (!a->build_pass)
		return "build fail";
	return a->boot == B_PASS ? "run" : a->boot == B_PANIC ? "boot panic" :
	       a->boot == B_TIMEOUT ? "boot timeout" : "boot fail";
}

static void md_cell(FILE *f, const char *s)
{
	fputs("| ", f);
	for (; *s; s++) {
		if (*s == '|')		/* would end the cell */
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc(' ', f);
}

static void write_table(FILE *f, bool md, const char *kernel, struct arch *arches, int n)
{
	static const char *const tailhdr[] = { "build", "boot", "uffd_wp", "features", "kernel" };
	int ncols = (int)nsuites + 6, i, c;
	char ***cell = xzalloc((n + 1) * sizeof(*cell));
	int *w = xzalloc(ncols * sizeof(*w));
	unsigned int k[R_NR];
	const char *pkg;
	size_t t;

	for (i = 0; i <= n; i++)
		cell[i] = xzalloc(ncols * sizeof(**cell));
	cell[0][0] = xstrdup("arch");
	for (c = 0; c < (int)nsuites; c++)
		cell[0][c + 1] = xstrdup(suites[c]);
	for (c = 0; c < 5; c++)
		cell[0][nsuites + 1 + c] = xstrdup(tailhdr[c]);
	for (i = 0; i < n; i++) {
		struct arch *a = &arches[i];
		char **row = cell[i + 1];

		row[0] = xstrdup(a->name);
		for (c = 0; c < (int)nsuites; c++) {
			suite_counts(a, suites[c], k);
			if (!(k[R_PASS] + k[R_FAIL] + k[R_SKIP] + k[R_ERROR]))
				row[c + 1] = xstrdup("-");
			else if (k[R_ERROR])
				row[c + 1] = xasprintf("%u/%u/%u +%uE", k[R_PASS],
						       k[R_FAIL], k[R_SKIP], k[R_ERROR]);
			else
				row[c + 1] = xasprintf("%u/%u/%u", k[R_PASS],
						       k[R_FAIL], k[R_SKIP]);
		}
		c = nsuites + 1;
		row[c++] = xstrdup(build_names[!a->build_pass]);
		row[c++] = xstrdup(boot_names[a->boot]);
		row[c++] = xstrdup(a->uffd_wp ? "true" : "false");
		row[c++] = xstrdup(a->features ? a->features : "-");
		row[c++] = xstrdup(arch_kernel(a) ? arch_kernel(a) : "-");
	}
	for (i = 0; i <= n; i++)
		for (c = 0; c < ncols; c++)
			if ((int)strlen(cell[i][c]) > w[c])
				w[c] = strlen(cell[i][c]);

	pkg = first_pkg(arches, n);
	if (md)
		fprintf(f, "# ptemark matrix, kernel %s%s%s%s\n\n"
			"Cells: pass/fail/skip, \"+NE\" for N errors, "
			"\"-\" where the suite did not run.\n\n",
			kernel ? kernel : "unknown", pkg ? " (" : "", pkg ? pkg : "",
			pkg ? ")" : "");
	else
		fprintf(f, "kernel %s%s%s%s (cells: pass/fail/skip, +NE for N errors)\n",
			kernel ? kernel : "unknown", pkg ? " (" : "", pkg ? pkg : "",
			pkg ? ")" : "");
	for (i = 0; i <= n; i++) {
		for (c = 0; c < ncols; c++) {
			if (md)
				md_cell(f, cell[i][c]);
			else if (c == ncols - 1)
				fprintf(f, "  %s", cell[i][c]);
			else
				fprintf(f, "%s%-*s", c ? "  " : "", w[c], cell[i][c]);
		}
		fputs(md ? "|\n" : "\n", f);
		if (md && i == 0) {
			for (c = 0; c < ncols; c++)
				fputs("|---", f);
			fputs("|\n", f);
		}
	}
	for (i = 0; i <= n; i++) {
		for (c = 0; c < ncols; c++)
			free(cell[i][c]);
		free(cell[i]);
	}
	free(cell);
	free(w);

	/* Why an arch did not build, boot or finish; in the file, what failed. */
	for (i = 0; i < n; i++) {
		struct arch *a = &arches[i];
		const char *why = !a->build_pass && a->build_reason ? a->build_reason : a->reason;

		if (*a->reason)
			fprintf(f, md ? "\n- **%s**: %s: %s" : "%s: %s: %s\n",
				a->name, boot_label(a), why);
		for (t = 0; md && t < a->ntests; t++) {
			struct test *x = &a->tests[t];

			if (bad_result(x->res))
				fprintf(f, "\n- %s: %s %s: %s%s%s%s", a->name, x->suite,
					x->name, result_names[x->res],
					*x->reason ? " (" : "", x->reason,
					*x->reason ? ")" : "");
		}
	}
	if (md)
		fputc('\n', f);
}

static void write_file(const char *dir, const char *name, const char *kernel,
		       struct arch *arches, int n,
		       void (*fn)(FILE *, const char *, struct arch *, int))
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");

	if (!f)
		die("%s: %s", tmp, strerror(errno));
	fn(f, kernel, arches, n);
	if (ferror(f) | fclose(f))
		die("%s: write error", tmp);
	/* Readers never see half a file. */
	if (rename(tmp, path))
		die("%s: %s", path, strerror(errno));
	free(path);
	free(tmp);
}

static void json_fn(FILE *f, const char *kernel, struct arch *a, int n)
{
	write_json(f, kernel, a, n);
}

static void junit_fn(FILE *f, const char *kernel, struct arch *a, int n)
{
	(void)kernel;
	write_junit(f, a, n);
}

static void md_fn(FILE *f, const char *kernel, struct arch *a, int n)
{
	write_table(f, true, kernel, a, n);
}

/* Expectations. */

/* "pass,skip" into a bit mask over @names; 0 if a word is unknown. */
static unsigned int parse_set(const char *s, const char *const *names, int nnames)
{
	unsigned int set = 0;
	const char *e;
	int i;

	if (!strcmp(s, "any"))
		return (1u << nnames) - 1;
	for (; *s; s = *e ? e + 1 : e) {
		e = strchrnul(s, ',');
		for (i = 0; i < nnames; i++)
			if ((size_t)(e - s) == strlen(names[i]) && !strncmp(s, names[i], e - s))
				break;
		if (i == nnames)
			return 0;
		set |= 1u << i;
	}
	return set;
}

static char *set_text(unsigned int set, const char *const *names, int nnames)
{
	char *s = xstrdup(""), *t;
	int i;

	for (i = 0; i < nnames; i++) {
		if (!(set & (1u << i)))
			continue;
		t = xasprintf("%s%s%s", s, *s ? "," : "", names[i]);
		free(s);
		s = t;
	}
	return s;
}

static void default_expect(struct expect *e, const char *file)
{
	memset(e, 0, sizeof(*e));
	e->file = file;
	e->build = 1u << 0;
	e->boot = 1u << B_PASS;
	e->uffd_wp = -1;
	/* Without a file a skip is fine; with one, every skip is written down. */
	e->unmatched = file ? 1u << R_PASS : (1u << R_PASS) | (1u << R_SKIP);
}

static void load_expect(struct expect *e, const char *file)
{
	size_t len, pos = 0, end;
	char *buf = slurp(file, &len), *line;
	int lineno = 0;

	if (!buf)
		die("%s: %s", file, strerror(ENOENT));
	default_expect(e, file);
	line = xrealloc(NULL, len + 1);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		char *tok[4] = { NULL }, *p, *last, *name_end;
		int ntok = 0;
		bool require = false;

		end = nl ? (size_t)(nl - buf) : len;
		clean_line(line, buf + pos, end - pos);
		pos = end + 1;
		lineno++;
		p = line;
		while (*p == ' ')
			p++;
		if (!*p || *p == '#')
			continue;

		/* key, then the rest; for "test", split from both ends. */
		tok[ntok++] = p;
		p = strchrnul(p, ' ');
		if (*p)
			*p++ = '\0';
		while (*p == ' ')
			p++;
		if (strcmp(tok[0], "test")) {
			if (!*p || strchr(p, ' '))
				die("%s:%d: expected \"%s VALUE\"", file, lineno, tok[0]);
			if (!strcmp(tok[0], "build")) {
				e->build = parse_set(p, build_names, 2);
				if (!e->build)
					die("%s:%d: build: want pass,fail", file, lineno);
			} else if (!strcmp(tok[0], "boot")) {
				e->boot = parse_set(p, boot_names, B_NR);
				if (!e->boot)
					die("%s:%d: boot: want pass,fail,timeout,panic", file, lineno);
			} else if (!strcmp(tok[0], "uffd_wp")) {
				if (!strcmp(p, "true") || !strcmp(p, "1"))
					e->uffd_wp = 1;
				else if (!strcmp(p, "false") || !strcmp(p, "0"))
					e->uffd_wp = 0;
				else
					die("%s:%d: uffd_wp: want true or false", file, lineno);
			} else {
				die("%s:%d: unknown key \"%s\"", file, lineno, tok[0]);
			}
			continue;
		}

		/* test SUITE NAME... RESULTS [require] */
		last = strrchr(p, ' ');
		if (last && !strcmp(last + 1, "require")) {
			require = true;
			while (last > p && *last == ' ')
				*last-- = '\0';
			last = strrchr(p, ' ');
		}
		name_end = last;
		tok[1] = p;
		p = strchrnul(p, ' ');
		if (!last || p >= last)
			die("%s:%d: expected \"test SUITE NAME RESULTS [require]\"", file, lineno);
		*p++ = '\0';
		while (*p == ' ')
			p++;
		tok[2] = p;
		tok[3] = last + 1;
		while (name_end > p && *name_end == ' ')
			*name_end-- = '\0';

		GROW(e->rules, e->nrules, e->cap);
		e->rules[e->nrules] = (struct rule){
			.suite = xstrdup(tok[1]),
			.name = xstrdup(tok[2]),
			.allowed = parse_set(tok[3], result_names, R_NR),
			.require = require,
			.line = lineno,
		};
		if (!e->rules[e->nrules].allowed)
			die("%s:%d: results: want a list of pass,fail,skip,error or any",
			    file, lineno);
		e->nrules++;
	}
	free(line);
	free(buf);
}

/* Print a MISS line for everything in @a its expectations do not allow. */
static int check(struct arch *a, FILE *out)
{
	struct expect *e = &a->exp;
	int misses = 0;
	size_t t, r;
	char *s;

	if (!(e->build & (1u << !a->build_pass))) {
		s = set_text(e->build, build_names, 2);
		fprintf(out, "MISS %s: build: got %s, expected %s (%s)\n", a->name,
		       build_names[!a->build_pass], s,
		       a->build_reason ? a->build_reason : a->reason);
		free(s);
		misses++;
	}
	/* A failed build already said it all: boot is checked after a build. */
	if (a->build_pass && !(e->boot & (1u << a->boot))) {
		s = set_text(e->boot, boot_names, B_NR);
		fprintf(out, "MISS %s: boot: got %s, expected %s (%s)\n", a->name,
		       boot_names[a->boot], s, *a->reason ? a->reason : "booted");
		free(s);
		misses++;
	}
	if (e->uffd_wp >= 0 && e->uffd_wp != a->uffd_wp) {
		fprintf(out, "MISS %s: uffd_wp: got %s, expected %s (features %s)\n", a->name,
		       a->uffd_wp ? "true" : "false", e->uffd_wp ? "true" : "false",
		       a->features ? a->features : "unknown");
		misses++;
	}
	for (t = 0; t < a->ntests; t++) {
		struct test *x = &a->tests[t];
		unsigned int allowed = e->unmatched;

		for (r = 0; r < e->nrules; r++) {
			if (!fnmatch(e->rules[r].suite, x->suite, 0) &&
			    !fnmatch(e->rules[r].name, x->name, 0)) {
				e->rules[r].hits++;
				allowed = e->rules[r].allowed;
				break;
			}
		}
		if (allowed & (1u << x->res))
			continue;
		s = set_text(allowed, result_names, R_NR);
		fprintf(out, "MISS %s: %s %s: got %s, expected %s (%s)\n", a->name, x->suite,
		       x->name, result_names[x->res], s,
		       *x->reason ? x->reason : "no reason given");
		free(s);
		misses++;
	}
	/* A project patch that needed fuzz is due for make refresh. */
	for (t = 0; e->file && t < a->nseries; t++) {
		struct applied *p = &a->series[t];

		if (!p->project || strcmp(p->how, "fuzz"))
			continue;
		fprintf(out, "MISS %s: series %s: applied with fuzz, expected clean or offset (make refresh)\n",
		       a->name, p->patch);
		misses++;
	}
	for (r = 0; r < e->nrules; r++) {
		struct rule *u = &e->rules[r];

		if (!u->require || u->hits)
			continue;
		s = set_text(u->allowed, result_names, R_NR);
		fprintf(out, "MISS %s: %s %s: got nothing, expected %s (required by %s:%d)\n",
		       a->name, u->suite, u->name, s, e->file, u->line);
		free(s);
		misses++;
	}
	return misses;
}

/* One line naming every patch that applied with fuzz, and where. */
static void refresh_warning(struct arch *arches, int n)
{
	int i, k, l;
	size_t t, u;
	bool seen;

	for (i = 0, seen = false; i < n; i++) {
		for (t = 0; t < arches[i].nseries; t++) {
			struct applied *p = &arches[i].series[t];

			if (strcmp(p->how, "fuzz"))
				continue;
			/* Named once: skip it if an earlier arch or line had it. */
			for (k = 0, l = 0; k <= i && !l; k++)
				for (u = 0; u < (k < i ? arches[k].nseries : t); u++)
					if (!strcmp(arches[k].series[u].how, "fuzz") &&
					    !strcmp(arches[k].series[u].patch, p->patch))
						l = 1;
			if (l)
				continue;
			printf("%s %s (on", seen ? ";" :
			       "ptemark: warning: applied with fuzz, need a refresh (make refresh):", p->patch);
			for (k = i; k < n; k++)
				for (u = 0; u < arches[k].nseries; u++)
					if (!strcmp(arches[k].series[u].how, "fuzz") &&
					    !strcmp(arches[k].series[u].patch, p->patch))
						printf(" %s", arches[k].name);
			putchar(')');
			seen = true;
		}
	}
	if (seen)
		putchar('\n');
}

/*
 * The host's own tests (scripts/test-host.sh): RESULTS_DIR/host/AREA.tap,
 * each one program's TAP, read with the same reader as the guests'.
 */
struct host_test {
	char *area, *name, *reason;
	enum result res;
};

static void host_add(const char *area, const char *name, enum result res, const char *reason)
{
	GROW(host, nhost, host_cap);
	host[nhost].area = xstrdup(area);
	host[nhost].name = xstrdup(name);
	host[nhost].reason = xstrdup(reason);
	host[nhost].res = res;
	host_counts[res]++;
	nhost++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_host(const char *dir)
{
	char *hd = xasprintf("%s/host", dir), **names = NULL, *path, *buf, *line;
	size_t nnames = 0, cap = 0, k, pos, end, len;
	struct dirent *de;
	DIR *d = opendir(hd);

	if (!d) {
		free(hd);
		return;
	}
	have_host = true;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".tap")) {
			GROW(names, nnames, cap);
			names[nnames++] = xstrndup(de->d_name, l - 4);
		}
	}
	closedir(d);
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (k = 0; k < nnames; k++) {
		struct ktap_count cnt;
		struct ktap_line kl;
		char why[KTAP_WHY_MAX], *area = names[k];

		path = xasprintf("%s/%s.tap", hd, area);
		buf = slurp(path, &len);
		free(path);
		if (!buf) {
			host_add(area, "results", R_ERROR, "unreadable results file");
			continue;
		}
		line = xrealloc(NULL, len + 1);
		ktap_count_init(&cnt);
		for (pos = 0; pos < len; pos = end + 1) {
			const char *nl = memchr(buf + pos, '\n', len - pos);

			end = nl ? (size_t)(nl - buf) : len;
			clean_line(line, buf + pos, end - pos);
			ktap_read(line, &kl);
			if (kl.indent)
				continue;
			if (kl.kind == KTAP_PLAN) {
				ktap_count_plan(&cnt, kl.plan);
			} else if (kl.kind == KTAP_RESULT) {
				if (ktap_count_result(&cnt, kl.number, why, sizeof(why)))
					host_add(area, "ktap-numbering", R_ERROR, why);
				host_add(area, kl.name[0] ? kl.name : "unnamed",
					 from_ktap(kl.status), kl.reason);
			} else if (kl.kind == KTAP_BAIL) {
				host_add(area, "bail-out", R_ERROR, kl.text);
			}
		}
		if (cnt.plan < 0)
			host_add(area, "ktap-plan", R_ERROR, "no plan: the run was cut short");
		else if (ktap_count_end(&cnt, why, sizeof(why)))
			host_add(area, "ktap-plan", R_ERROR, why);
		free(line);
		free(buf);
	}
	for (k = 0; k < nnames; k++)
		free(names[k]);
	free(names);
	free(hd);
}

static void write_host_json(FILE *f)
{
	size_t t;
	int r;

	fputs(",\n  \"host\": {\"counts\": {", f);
	for (r = 0; r < R_NR; r++)
		fprintf(f, "%s\"%s\": %u", r ? ", " : "", result_names[r], host_counts[r]);
	fputs("}, \"tests\": [", f);
	for (t = 0; t < nhost; t++) {
		fprintf(f, "%s\n    {\"area\": ", t ? "," : "");
		json_str(f, host[t].area);
		fputs(", \"name\": ", f);
		json_str(f, host[t].name);
		fprintf(f, ", \"result\": \"%s\", \"reason\": ", result_names[host[t].res]);
		json_str(f, host[t].reason);
		fputc('}', f);
	}
	fprintf(f, "%s]}", nhost ? "\n  " : "");
}

/* One <testsuite> per host test area, classname "host.<area>". */
static void write_host_junit(FILE *f)
{
	static const char *const elem[R_NR] = { NULL, "failure", "skipped", "error" };
	unsigned int c[R_NR];
	size_t t, u;
	char *cls;
	int r;

	for (t = 0; t < nhost; t = u) {
		memset(c, 0, sizeof(c));
		for (u = t; u < nhost && !strcmp(host[u].area, host[t].area); u++)
			c[host[u].res]++;
		cls = xasprintf("host.%s", host[t].area);
		xml_suite_open(f, cls, c);
		for (r = t; r < (int)u; r++)
			xml_case(f, cls, host[r].name, -1, elem[host[r].res], host[r].reason);
		fputs("  </testsuite>\n", f);
		free(cls);
	}
}

/*
 * --host: the host tests' line, "host tests: N passed, N failed, N
 * skipped", from RESULTS_DIR/host/AREA.tap, and RESULTS_DIR/host/counts.json.
 * Exit 1 when any failed or erred.
 */
static int host_summary(const char *dir)
{
	char *path = xasprintf("%s/host/counts.json", dir);
	FILE *f;
	int r;

	load_host(dir);
	if (!have_host)
		die("%s/host: no host test results", dir);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fputc('{', f);
	for (r = 0; r < R_NR; r++)
		fprintf(f, "%s\"%s\": %u", r ? ", " : "", result_names[r], host_counts[r]);
	fputs("}\n", f);
	if (ferror(f) | fclose(f))
		die("%s: write error", path);
	free(path);
	printf("host tests: %u passed, %u failed, %u skipped\n", host_counts[R_PASS],
	       host_counts[R_FAIL] + host_counts[R_ERROR], host_counts[R_SKIP]);
	return host_counts[R_FAIL] + host_counts[R_ERROR] ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: report [--expect ARCH=FILE]... RESULTS_DIR ARCH...\n"
	      "       report --host RESULTS_DIR\n"
	      "Reads RESULTS_DIR/ARCH/{meta,console.log}; writes matrix.json, junit.xml\n"
	      "and matrix.md in RESULTS_DIR. Exit 0: all as expected; 1: a miss; 2: usage.\n", f);
}

static bool good_arch_name(const char *s)
{
	const char *p;

	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect", required_argument, NULL, 'e' },
		{ "host", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct arch *arches;
	char **exp = NULL;
	size_t nexp = 0, expcap = 0, j;
	const char *dir, *kernel = NULL;
	int c, i, n, misses = 0;
	bool host_only = false;
	char *missbuf = NULL;
	size_t misslen = 0;
	FILE *mf;

	while ((c = getopt_long(argc, argv, "e:hH", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host_only = true;
			break;
		case 'e':
			if (!strchr(optarg, '=') || *optarg == '=')
				die("--expect wants ARCH=FILE, not \"%s\"", optarg);
			GROW(exp, nexp, expcap);
			exp[nexp++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (host_only) {
		if (argc - optind != 1) {
			usage(stderr);
			return 2;
		}
		return host_summary(argv[optind]);
	}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	dir = argv[optind++];
	n = argc - optind;
	arches = xzalloc(n * sizeof(*arches));
	for (i = 0; i < n; i++) {
		arches[i].name = argv[optind + i];
		if (!good_arch_name(arches[i].name))
			die("bad arch name \"%s\" (letters, digits, ._+- only)", arches[i].name);
		for (c = 0; c < i; c++)
			if (!strcmp(arches[c].name, arches[i].name))
				die("arch %s given twice", arches[i].name);
		default_expect(&arches[i].exp, NULL);
	}
	for (j = 0; j < nexp; j++) {
		char *eq = strchr(exp[j], '=');

		*eq = '\0';
		for (i = 0; i < n; i++)
			if (!strcmp(arches[i].name, exp[j]))
				break;
		if (i == n)
			die("--expect %s: not one of the arches given", exp[j]);
		load_expect(&arches[i].exp, eq + 1);
	}

	for (i = 0; i < n; i++)
		load_arch(&arches[i], dir);
	load_host(dir);
	/* The kernel the scripts built, else what the guest said it runs. */
	for (i = 0; i < n && !kernel; i++)
		kernel = arches[i].kernel;
	for (i = 0; i < n && !kernel; i++)
		kernel = arches[i].guest_kernel;

	/* The streams' own errors (not reached, no done line) go last. */
	for (j = 0, c = 0; j < nsuites; j++)
		if (strcmp(suites[j], "kunit") && strcmp(suites[j], "ptemark-init"))
			move_suite(j, c++);

	/* Checked first: matrix.json carries the misses that make check counts. */
	mf = open_memstream(&missbuf, &misslen);
	if (!mf)
		die("open_memstream: %s", strerror(errno));
	for (i = 0; i < n; i++)
		misses += check(&arches[i], mf);
	if (fclose(mf))
		die("open_memstream: write error");
	if (nexp)
		check_text = missbuf;

	write_file(dir, "matrix.json", kernel, arches, n, json_fn);
	write_file(dir, "junit.xml", kernel, arches, n, junit_fn);
	write_file(dir, "matrix.md", kernel, arches, n, md_fn);

	write_table(stdout, false, kernel, arches, n);
	refresh_warning(arches, n);
	fputs(missbuf, stdout);
	free(missbuf);
	printf("%s: %d miss%s\n", misses ? "FAIL" : "PASS", misses, misses == 1 ? "" : "es");
	if (fflush(stdout))
		die("stdout: write error");
	return misses ? 1 : 0;
}
