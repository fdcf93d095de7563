// SPDX-License-Identifier: GPL-2.0
/*
 * report: the results model. Reads RESULTS_DIR/ARCH/{meta,series.tsv,
 * console.log} (guest/PROTOCOL.md) into an arch's tests, and the host's
 * tests from RESULTS_DIR/host/; every KTAP line through tools/ktap.c.
 */

#include "report.h"

const char *const result_names[R_NR] = { "pass", "fail", "skip", "error" };
const char *const boot_names[B_NR] = { "pass", "fail", "timeout", "panic" };
const char *const build_names[] = { "pass", "fail" };

char **suites;
size_t nsuites;
static size_t suites_cap;
struct host_test *host;
size_t nhost;
static size_t host_cap;
unsigned int host_counts[R_NR];
bool have_host;

static void add_lost(struct arch *a, const char *suite, const char *name,
		     enum result res, const char *reason, bool lost)
{
	struct test *t;
	size_t i;

	GROW(a->tests, a->ntests, a->cap);
	t = &a->tests[a->ntests++];
	t->suite = xstrdup(suite);
	t->name = xstrdup(name);
	t->res = res;
	t->reason = xstrdup(reason ? reason : "");
	t->lost = lost;
	a->counts[res]++;

	for (i = 0; i < nsuites; i++)
		if (!strcmp(suites[i], suite))
			return;
	GROW(suites, nsuites, suites_cap);
	suites[nsuites++] = xstrdup(suite);
}

static void add_test(struct arch *a, const char *suite, const char *name,
		     enum result res, const char *reason)
{
	add_lost(a, suite, name, res, reason, false);
}

/* Move suites[from] to suites[to], to <= from, keeping the others' order. */
void move_suite(size_t from, size_t to)
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

bool bad_result(enum result r)
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
		add_lost(a, suite, path ? path : n->name, n->res, n->reason, n->cut);
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
			add_lost(a, suite, path ? path : n->name, n->res, n->reason, n->cut);
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
		add_lost(k->a, k->self, "suites-not-reached", R_ERROR, r, true);
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
			/* A kernel message may go on right after the value: the
			 * console interleaves printk with the init's output. */
			a->uffd_wp = (val[0] == '1' && !isdigit((unsigned char)val[1])) ||
				     !strcasecmp(val, "true") || !strcasecmp(val, "yes");
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
	struct lines it;
	const char *p, *cause;
	char *s;
	size_t before;
	double ts;

	ktap_count_init(&kunit.lv[0].count);
	ktap_count_init(&init.lv[0].count);
	lines_init(&it, buf, len, false);
	while ((s = lines_next(&it))) {
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

	cause = a->panic ? "kernel panic" : a->timed_out ? "timeout" : "truncated log";
	if (cur == &kunit) {
		ktap_close(&kunit, cause, false);
	} else if (cur == &init) {
		before = a->ntests;
		ktap_close(&init, cause, true);
		/* Every suite finished, yet no done line: still not complete. */
		if (a->ntests == before) {
			char *r = xasprintf("no done line: %s", cause);

			add_lost(a, init.self, "done", R_ERROR, r, true);
			free(r);
		}
	}
}

static void parse_meta(struct arch *a, const char *buf, size_t len)
{
	struct lines it;
	char *v, *k;

	lines_init(&it, buf, len, false);
	while ((k = lines_next(&it))) {
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
}

static bool applied_known(const char *how)
{
	return !strcmp(how, "clean") || !strcmp(how, "offset") ||
	       !strcmp(how, "fuzz") || !strcmp(how, "failed");
}

/* "patch<TAB>how<TAB>origin" lines (scripts/kernel.sh); others are skipped. */
static void parse_series(struct arch *a, const char *buf, size_t len)
{
	struct lines it;
	char *line, *how, *origin;

	/* Raw: clean_line() would make the tabs spaces. */
	lines_init(&it, buf, len, true);
	while ((line = lines_next(&it))) {
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
}

void load_arch(struct arch *a)
{
	char *path, *buf, *tail;
	size_t len;

	a->build_s = a->run_s = a->uptime = a->last_ts = -1;
	a->ran = -1;

	path = xasprintf("%s/%s/meta", a->dir, a->name);
	buf = slurp(path, &len);
	free(path);
	if (buf) {
		a->have_meta = true;
		parse_meta(a, buf, len);
		free(buf);
	}
	path = xasprintf("%s/%s/series.tsv", a->dir, a->name);
	buf = slurp(path, &len);
	free(path);
	if (buf) {
		parse_series(a, buf, len);
		free(buf);
	}
	path = xasprintf("%s/%s/console.log", a->dir, a->name);
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

const char *arch_kernel(struct arch *a)
{
	return a->kernel ? a->kernel : a->guest_kernel;
}

double tests_seconds(struct arch *a)
{
	if (!a->started || a->uptime < 0 || a->run_s < 0)
		return -1;
	return a->run_s > a->uptime ? a->run_s - a->uptime : 0;
}

/* The package the first arch that names one was built from. */
const char *first_pkg(struct arch *arches, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (arches[i].kernel_pkg)
			return arches[i].kernel_pkg;
	return NULL;
}

void suite_counts(struct arch *a, const char *suite, unsigned int c[R_NR])
{
	size_t t;

	memset(c, 0, R_NR * sizeof(*c));
	for (t = 0; t < a->ntests; t++)
		if (!strcmp(a->tests[t].suite, suite))
			c[a->tests[t].res]++;
}

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

void load_host(const char *dir)
{
	char *hd = xasprintf("%s/host", dir), **names = NULL, *path, *buf, *line;
	size_t nnames = 0, cap = 0, k, len;
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
		struct lines it;
		char why[KTAP_WHY_MAX], *area = names[k];

		path = xasprintf("%s/%s.tap", hd, area);
		buf = slurp(path, &len);
		free(path);
		if (!buf) {
			host_add(area, "results", R_ERROR, "unreadable results file");
			continue;
		}
		ktap_count_init(&cnt);
		lines_init(&it, buf, len, false);
		while ((line = lines_next(&it))) {
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
		free(buf);
	}
	for (k = 0; k < nnames; k++)
		free(names[k]);
	free(names);
	free(hd);
}
