// SPDX-License-Identifier: GPL-2.0
/*
 * classify.c - turn one test run's output into results; see classify.h.
 *
 * The formats are read the way upstream 6.12 prints them:
 *  - uffd-unit-tests.c: uffd_test_start() prints "Testing <test> on <mem>... "
 *    and flushes; the verdict "done", "skipped [reason: R]" or
 *    "failed [reason: R]" plus '\n' follows later, possibly after other text
 *    of the test body (stderr is unbuffered, so err()'s "ERROR: ..." lands
 *    right after the "... "). err() exits 1 with no verdict.
 *    Later ones (7.3) print kselftest TAP instead: "ok N <test> on <mem>",
 *    "ok N # SKIP <test> on <mem> (reason)", a "# failed reason: [R]" line
 *    before "not ok N <test> on <mem>"; named the same way as the above.
 *  - kselftest.h: "ok N desc", "not ok N desc", "ok N # SKIP desc",
 *    "not ok N # error desc", "ok N name # SKIP msg" (result_code),
 *    "1..0 # SKIP reason" (exit_skip before any test), "Bail out! msg"
 *    (exit_fail_msg), "# msg" diagnostics, exit status 4 for skip.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "ktap.h"

#define KSFT_SKIP	4

static void copy(char *dst, size_t n, const char *s)
{
	size_t len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* "a/b" into dst, cut to size n */
static void join(char *dst, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > n - 1)
		la = n - 1;
	memcpy(dst, a, la);
	if (la < n - 1)
		dst[la++] = '/';
	if (lb > n - 1 - la)
		lb = n - 1 - la;
	memcpy(dst + la, b, lb);
	dst[la + lb] = '\0';
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Last occurrence of needle in s, or NULL. */
static const char *rstrstr(const char *s, const char *needle)
{
	const char *p, *last = NULL;

	for (p = strstr(s, needle); p; p = strstr(p + 1, needle))
		last = p;
	return last;
}

void cl_clean(char *dst, size_t n, const char *s)
{
	size_t i, len;

	s = skip_ws(s);
	for (i = 0; *s && i + 1 < n; s++, i++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		dst[i] = c;
	}
	dst[i] = '\0';
	len = i;
	while (len && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

/* Drop a leading "# " (TAP diagnostic) from a reason. */
static const char *undiag(const char *s)
{
	s = skip_ws(s);
	if (*s == '#')
		s = skip_ws(s + 1);
	return s;
}

int cl_parse_format(const char *s, enum cl_format *fmt)
{
	if (!strcmp(s, "uffd"))
		*fmt = CL_FMT_UFFD;
	else if (!strcmp(s, "tap"))
		*fmt = CL_FMT_TAP;
	else if (!strcmp(s, "exit"))
		*fmt = CL_FMT_EXIT;
	else
		return -1;
	return 0;
}

void cl_init(struct classifier *cl, enum cl_format fmt, const char *prefix,
	     const char *fallback)
{
	memset(cl, 0, sizeof(*cl));
	cl->fmt = fmt;
	cl_clean(cl->prefix, sizeof(cl->prefix), prefix ? prefix : "");
	cl_clean(cl->fallback, sizeof(cl->fallback), fallback ? fallback : "");
	if (!cl->fallback[0])
		copy(cl->fallback, sizeof(cl->fallback), "run");
	cl->tap_indent = -1;
	cl->plan = -1;
	ktap_count_init(&cl->tap_count);
}

void cl_free(struct classifier *cl)
{
	free(cl->res);
	cl->res = NULL;
	cl->nres = cl->cap = 0;
}

static const char *run_name(const struct classifier *cl)
{
	return cl->prefix[0] ? cl->prefix : cl->fallback;
}

/* Store a result; parsed names get the prefix, the run's own result not. */
static void add(struct classifier *cl, enum ktap_status st, bool parsed,
		const char *name, const char *reason)
{
	char tmp[CL_NAME_MAX];
	struct cl_result *r;

	if (cl->nres == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 32;
		struct cl_result *n = realloc(cl->res, cap * sizeof(*n));

		if (!n) {
			cl->oom = true;
			return;
		}
		cl->res = n;
		cl->cap = cap;
	}
	r = &cl->res[cl->nres++];
	r->status = st;
	r->timeout = st == KTAP_ERROR && cl->timed_out;
	if (parsed && cl->prefix[0]) {
		join(tmp, sizeof(tmp), cl->prefix, name);
		cl_clean(r->name, sizeof(r->name), tmp);
	} else {
		cl_clean(r->name, sizeof(r->name), name);
	}
	if (!r->name[0])
		copy(r->name, sizeof(r->name), run_name(cl));
	cl_clean(r->reason, sizeof(r->reason), reason ? reason : "");
}

static bool any_failed(const struct classifier *cl)
{
	size_t i;

	for (i = 0; i < cl->nres; i++)
		if (cl->res[i].status == KTAP_FAIL || cl->res[i].status == KTAP_ERROR)
			return true;
	return false;
}

/* ---- uffd-unit-tests ---------------------------------------------------- */

/*
 * "wp-fork on anon" -> "wp-fork/anon";
 * "UFFDIO_API (with /dev/userfaultfd)" -> "UFFDIO_API/dev-userfaultfd".
 */
static void uffd_name(char *dst, size_t n, const char *desc, size_t len)
{
	char d[CL_NAME_MAX], *p, *q;

	if (len >= sizeof(d))
		len = sizeof(d) - 1;
	memcpy(d, desc, len);
	d[len] = '\0';

	p = (char *)rstrstr(d, " on ");
	if (p) {
		*p = '\0';
		join(dst, n, d, skip_ws(p + 4));
		return;
	}
	p = strstr(d, " (with ");
	if (p && len && d[len - 1] == ')') {
		d[len - 1] = '\0';
		*p = '\0';
		q = p + 7;
		while (*q == '/')
			q++;
		for (p = q; *p; p++)
			if (*p == '/' || *p == ' ')
				*p = '-';
		join(dst, n, d, q);
		return;
	}
	copy(dst, n, d);
}

static void uffd_close(struct classifier *cl, enum ktap_status st,
		       const char *reason)
{
	add(cl, st, true, cl->open_name, reason);
	cl->open = false;
	cl->open_err[0] = '\0';
}

/* Text printed while a test is open: a verdict ends the line. */
static void uffd_verdict(struct classifier *cl, const char *text)
{
	char reason[CL_REASON_MAX];
	const char *p, *e;
	size_t len;

	p = rstrstr(text, "failed [reason: ");
	if (!p)
		p = rstrstr(text, "skipped [reason: ");
	if (p) {
		bool fail = *p == 'f';

		p = strchr(p, ':') + 2;
		len = strlen(p);
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			len--;
		if (len && p[len - 1] == ']')
			len--;
		if (len >= sizeof(reason))
			len = sizeof(reason) - 1;
		memcpy(reason, p, len);
		reason[len] = '\0';
		uffd_close(cl, fail ? KTAP_FAIL : KTAP_SKIP, reason);
		return;
	}

	/* "done" must be a word at the end of the line */
	len = strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;
	if (len >= 4 && !strncmp(text + len - 4, "done", 4)) {
		e = text + len - 4;
		if (e == text || !isalnum((unsigned char)e[-1])) {
			uffd_close(cl, KTAP_PASS, "");
			return;
		}
	}

	/* err()'s message: the first one is the cause */
	p = strstr(text, "ERROR: ");
	if (p && !cl->open_err[0])
		cl_clean(cl->open_err, sizeof(cl->open_err), p);
}

static void tap_line(struct classifier *cl, const char *line);
static void tap_finish(struct classifier *cl, const struct cl_end *end,
		       const char *killed);

static void uffd_line(struct classifier *cl, const char *line)
{
	const char *p, *dots;

	if (!cl->uffd_tap && !cl->open && !cl->nres &&
	    (starts(line, "TAP version") || starts(line, "KTAP version")))
		cl->uffd_tap = true;
	if (cl->uffd_tap) {
		tap_line(cl, line);
		return;
	}

	if (starts(line, "Testing ")) {
		p = line + 8;
		dots = strstr(p, "... ");
		if (!dots) {
			/* trailing space lost: "Testing X on Y..." */
			size_t len = strlen(p);

			if (len >= 3 && !strcmp(p + len - 3, "..."))
				dots = p + len - 3;
		}
		if (dots) {
			if (cl->open)
				uffd_close(cl, KTAP_ERROR,
					   "no verdict before the next test started");
			uffd_name(cl->open_name, sizeof(cl->open_name), p,
				  dots - p);
			cl->open = true;
			cl->open_err[0] = '\0';
			p = dots[3] ? dots + 4 : dots + 3;
			if (*p)
				uffd_verdict(cl, p);
			return;
		}
	}

	if (starts(line, "Userfaults unit tests: ")) {
		if (cl->open)
			uffd_close(cl, KTAP_ERROR, "no verdict before the summary");
		if (sscanf(line, "Userfaults unit tests: pass=%u, skip=%u, fail=%u (total=%u)",
			   &cl->sum_pass, &cl->sum_skip, &cl->sum_fail,
			   &cl->sum_total) == 4)
			cl->summary = true;
		return;
	}

	if (starts(line, "Userfaultfd not supported")) {
		if (cl->open)
			uffd_close(cl, KTAP_ERROR, "no verdict");
		cl_clean(cl->skip_all, sizeof(cl->skip_all), line);
		return;
	}

	if (cl->open)
		uffd_verdict(cl, line);
}

static void uffd_finish(struct classifier *cl, const struct cl_end *end,
			const char *killed)
{
	char why[CL_REASON_MAX + 64];
	unsigned int pass = 0, skip = 0, fail = 0;
	size_t i;

	if (cl->uffd_tap) {
		tap_finish(cl, end, killed);
		return;
	}
	if (cl->open) {
		if (killed) {
			uffd_close(cl, KTAP_ERROR, killed);
		} else if (cl->open_err[0]) {
			snprintf(why, sizeof(why), "%s (exit status %d)",
				 cl->open_err, end->code);
			uffd_close(cl, KTAP_FAIL, why);
		} else {
			snprintf(why, sizeof(why),
				 "no verdict, output ended (exit status %d)",
				 end->code);
			uffd_close(cl, KTAP_ERROR, why);
		}
		return;
	}
	if (killed) {
		add(cl, KTAP_ERROR, false, run_name(cl), killed);
		return;
	}
	if (end->code == KSFT_SKIP && !cl->nres) {
		add(cl, KTAP_SKIP, false, run_name(cl),
		    cl->last_line[0] ? cl->last_line : "exit status 4 (skip)");
		return;
	}
	if (end->code && end->code != KSFT_SKIP && !any_failed(cl)) {
		snprintf(why, sizeof(why), "%s (exit status %d)",
			 cl->last_err[0] ? cl->last_err : cl->last_line,
			 end->code);
		add(cl, KTAP_FAIL, false, run_name(cl), why);
		return;
	}
	if (!cl->nres) {
		snprintf(why, sizeof(why), "no test results (exit status %d)",
			 end->code);
		add(cl, KTAP_ERROR, false, run_name(cl), why);
		return;
	}
	if (cl->skip_all[0])
		return;
	if (!cl->summary) {
		add(cl, KTAP_ERROR, false, run_name(cl),
		    "no summary line: output truncated?");
		return;
	}
	for (i = 0; i < cl->nres; i++) {
		switch (cl->res[i].status) {
		case KTAP_PASS:
			pass++;
			break;
		case KTAP_SKIP:
			skip++;
			break;
		default:
			fail++;
			break;
		}
	}
	if (pass != cl->sum_pass || skip != cl->sum_skip ||
	    fail != cl->sum_fail) {
		snprintf(why, sizeof(why),
			 "summary says pass=%u skip=%u fail=%u, output shows pass=%u skip=%u fail=%u",
			 cl->sum_pass, cl->sum_skip, cl->sum_fail,
			 pass, skip, fail);
		add(cl, KTAP_ERROR, false, run_name(cl), why);
	}
}

/* ---- kselftest TAP / KTAP: read by tools/ktap.c -------------------------- */

static void tap_result(struct classifier *cl, const struct ktap_line *k)
{
	char name[CL_NAME_MAX], why[KTAP_WHY_MAX];
	char uffd_desc[CL_NAME_MAX], uffd_why[CL_REASON_MAX];
	enum ktap_status st = k->status;
	const char *text = k->reason;

	if (k->name[0]) {
		cl_clean(name, sizeof(name), k->name);
	} else if (*text) {
		/* "ok 3 # SKIP desc": the text names the test, no reason */
		cl_clean(name, sizeof(name), text);
		text = "";
	} else {
		snprintf(name, sizeof(name), "test %ld", k->number);
	}
	if (cl->fmt == CL_FMT_UFFD) {
		char *open = NULL, *q;
		size_t len = strlen(name);

		/* "wp-fork on hugetlb (reason)": the reason is a skip's */
		if (!*text && len && name[len - 1] == ')')
			for (q = strstr(name, " ("); q; q = strstr(q + 1, " ("))
				open = q;
		if (open && open != strstr(name, " (with ")) {
			name[len - 1] = '\0';
			copy(uffd_why, sizeof(uffd_why), open + 2);
			text = uffd_why;
			*open = '\0';
		}
		copy(uffd_desc, sizeof(uffd_desc), name);
		uffd_name(name, sizeof(name), uffd_desc, strlen(uffd_desc));
	}
	if (st == KTAP_PASS)
		text = "";
	else if (st != KTAP_SKIP && !*text)
		text = cl->diag_since;
	/* A result out of order: one lost, or one twice. Never silent. */
	if (ktap_count_result(&cl->tap_count, k->number, why, sizeof(why)))
		add(cl, KTAP_ERROR, false, run_name(cl), why);
	add(cl, st, true, name, text);
	cl->tap_results++;
	cl->diag_since[0] = '\0';
}

static void tap_line(struct classifier *cl, const char *line)
{
	struct ktap_line k;

	ktap_read(line, &k);
	if (k.kind == KTAP_VERSION) {
		if (cl->tap_indent < 0)
			cl->tap_indent = k.indent;
		return;
	}
	/* deeper levels are summed up by their parent's result line */
	if (k.indent != (cl->tap_indent < 0 ? 0 : cl->tap_indent))
		return;

	switch (k.kind) {
	case KTAP_PLAN:
		if (cl->plan < 0) {
			cl->plan = k.plan;
			ktap_count_plan(&cl->tap_count, k.plan);
		}
		if (k.plan_skip) {
			cl->skip_plan_seen = true;
			cl_clean(cl->skip_plan, sizeof(cl->skip_plan), k.text);
		}
		break;
	case KTAP_BAIL:
		cl->bail = true;
		copy(cl->bail_msg, sizeof(cl->bail_msg), k.text);
		break;
	case KTAP_DIAG:
	case KTAP_SUBTEST:
		/* kselftest's counters are not a reason */
		if (!*k.text || starts(k.text, "Totals:"))
			break;
		copy(cl->last_diag, sizeof(cl->last_diag), k.text);
		copy(cl->diag_since, sizeof(cl->diag_since), cl->last_diag);
		break;
	case KTAP_RESULT:
		tap_result(cl, &k);
		break;
	default:
		break;
	}
}

static void tap_finish(struct classifier *cl, const struct cl_end *end,
		       const char *killed)
{
	char why[CL_REASON_MAX + 64];
	const char *r;

	if (cl->skip_plan_seen)
		copy(cl->skip_all, sizeof(cl->skip_all),
		     cl->skip_plan[0] ? cl->skip_plan : "skipped");
	if (killed) {
		add(cl, KTAP_ERROR, false, run_name(cl), killed);
		return;
	}
	if (!cl->nres && (end->code == KSFT_SKIP || cl->skip_plan_seen)) {
		if (cl->skip_plan[0])
			r = cl->skip_plan;
		else if (cl->last_diag[0])
			r = cl->last_diag;
		else if (cl->last_line[0])
			r = undiag(cl->last_line);
		else
			r = "skipped (exit status 4)";
		add(cl, KTAP_SKIP, false, run_name(cl), r);
		return;
	}
	if (cl->bail) {
		add(cl, KTAP_FAIL, false, run_name(cl), cl->bail_msg);
		return;
	}
	if (end->code && end->code != KSFT_SKIP && !any_failed(cl)) {
		if (cl->last_err[0])
			r = cl->last_err;
		else if (cl->last_diag[0])
			r = cl->last_diag;
		else
			r = undiag(cl->last_line);
		snprintf(why, sizeof(why), "%s (exit status %d)", r, end->code);
		add(cl, KTAP_FAIL, false, run_name(cl), why);
		return;
	}
	if (!cl->nres) {
		snprintf(why, sizeof(why), "no test results (exit status %d)",
			 end->code);
		add(cl, KTAP_ERROR, false, run_name(cl), why);
		return;
	}
	if (!end->code && ktap_count_end(&cl->tap_count, why, sizeof(why)))
		add(cl, KTAP_ERROR, false, run_name(cl), why);
}

/* ---- exit status only --------------------------------------------------- */

static void exit_finish(struct classifier *cl, const struct cl_end *end,
			const char *killed)
{
	char why[CL_REASON_MAX + 64];
	const char *text;

	if (killed) {
		add(cl, KTAP_ERROR, false, run_name(cl), killed);
		return;
	}
	if (end->code == 0) {
		add(cl, KTAP_PASS, false, run_name(cl), "");
	} else if (end->code == KSFT_SKIP) {
		add(cl, KTAP_SKIP, false, run_name(cl),
		    cl->last_line[0] ? undiag(cl->last_line) :
		    "skipped (exit status 4)");
	} else {
		text = cl->last_err[0] ? cl->last_err : undiag(cl->last_line);
		if (*text)
			snprintf(why, sizeof(why), "%s (exit status %d)", text,
				 end->code);
		else
			snprintf(why, sizeof(why), "exit status %d", end->code);
		add(cl, KTAP_FAIL, false, run_name(cl), why);
	}
}

/* ---- entry points ------------------------------------------------------- */

void cl_line(struct classifier *cl, const char *line)
{
	char buf[CL_LINE_MAX];
	const char *p;
	size_t len;

	if (cl->finished)
		return;
	len = strlen(line);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	while (len && (buf[len - 1] == '\r' || buf[len - 1] == '\n'))
		len--;
	buf[len] = '\0';

	/* kept raw; add() cleans whatever becomes a reason */
	if (*skip_ws(buf))
		copy(cl->last_line, sizeof(cl->last_line), skip_ws(buf));
	p = strstr(buf, "ERROR: ");
	if (p)
		copy(cl->last_err, sizeof(cl->last_err), p);
	else if (starts(skip_ws(buf), "Bail out!"))
		copy(cl->last_err, sizeof(cl->last_err), skip_ws(buf));

	if (cl->fmt == CL_FMT_UFFD)
		uffd_line(cl, buf);
	else
		tap_line(cl, buf);
}

void cl_finish(struct classifier *cl, const struct cl_end *end)
{
	char killed[CL_REASON_MAX];
	const char *k = NULL;

	if (cl->finished)
		return;
	cl->finished = true;

	switch (end->how) {
	case CL_NOT_RUN:
	case CL_SKIPPED:
		/* nothing ran: one result for the run */
		add(cl, end->how == CL_SKIPPED ? KTAP_SKIP : KTAP_ERROR, false,
		    run_name(cl), end->why ? end->why : "not run");
		return;
	case CL_TIMEOUT:
		snprintf(killed, sizeof(killed), "timeout after %us",
			 end->timeout);
		k = killed;
		cl->timed_out = true;
		break;
	case CL_SIGNALED:
		snprintf(killed, sizeof(killed), "crashed: killed by signal %d",
			 end->code);
		k = killed;
		break;
	case CL_EXITED:
		break;
	}

	switch (cl->fmt) {
	case CL_FMT_UFFD:
		uffd_finish(cl, end, k);
		break;
	case CL_FMT_TAP:
		tap_finish(cl, end, k);
		break;
	case CL_FMT_EXIT:
		if (cl->tap_results || cl->skip_plan_seen)
			tap_finish(cl, end, k);
		else
			exit_finish(cl, end, k);
		break;
	}
}
