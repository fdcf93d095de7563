// SPDX-License-Identifier: GPL-2.0
/* report: junit.xml. */

#include "report.h"

static void write_host_junit(FILE *f);

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

void write_junit(FILE *f, struct arch *arches, int n)
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
		cls = xasprintf("%s.ptemark", a->label);
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
			cls = xasprintf("%s.%s", a->label, suites[s]);
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
