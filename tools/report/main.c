// SPDX-License-Identifier: GPL-2.0
/*
 * report - turn ptemark's per-arch results into the test matrix
 *
 *   report [--expect CELL=FILE]... RESULTS_DIR CELL...
 *   report --host RESULTS_DIR
 *
 * A CELL is ARCH, or BASE/ARCH for one arch on one kernel base. For each
 * it reads DIR/ARCH/meta (key=value lines written by the host scripts) and
 * DIR/ARCH/console.log (all the guest printed, read as guest/PROTOCOL.md
 * says), where DIR is RESULTS_DIR, or RESULTS_DIR/BASE for a BASE/ARCH
 * cell. It writes matrix.json, junit.xml and matrix.md into RESULTS_DIR
 * and, with bases, each base's own into RESULTS_DIR/BASE (the combined
 * matrix.json then holds them under "bases"); it prints the matrix, and
 * one "MISS <cell>: ..." line for everything that is not as expected.
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
 * matrix.json's shape: docs/RESULTS.md and docs/matrix.schema.json.
 * Unknown values (features never printed, a time not measured) are null.
 */

#include "report.h"

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
	fputs("usage: report [--expect CELL=FILE]... RESULTS_DIR CELL...  (CELL: ARCH or BASE/ARCH)\n"
	      "       report --host RESULTS_DIR\n"
	      "Reads RESULTS_DIR/[BASE/]ARCH/{meta,console.log}; writes matrix.json, junit.xml\n"
	      "and matrix.md in RESULTS_DIR. Exit 0: all as expected; 1: a miss; 2: usage.\n", f);
}

static bool good_name(const char *s)
{
	const char *p;

	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			return false;
	return true;
}

/* The kernel the scripts built, else what a guest said it runs. */
static const char *kernel_of(struct arch *a, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i].kernel)
			return a[i].kernel;
	for (i = 0; i < n; i++)
		if (a[i].guest_kernel)
			return a[i].guest_kernel;
	return NULL;
}

/* Cells name themselves by arch alone (one base's files) or by cell. */
static void label_cells(struct arch *a, int n, bool with_base)
{
	int i;

	for (i = 0; i < n; i++)
		a[i].label = with_base && a[i].base ?
			xasprintf("%s/%s", a[i].base, a[i].name) : a[i].name;
}

/* The lines of MISSES that are about BASE's cells, named by arch alone. */
static char *misses_of(const char *misses, const char *base)
{
	char *prefix, *out = NULL;
	size_t len = 0, pl;
	const char *p, *nl;
	FILE *f;

	if (!misses)
		return NULL;
	prefix = xasprintf("MISS %s/", base);
	pl = strlen(prefix);
	f = open_memstream(&out, &len);
	if (!f)
		die("open_memstream: %s", strerror(errno));
	for (p = misses; *p; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (!strncmp(p, prefix, pl))
			fprintf(f, "MISS %.*s", (int)(nl - p - pl), p + pl);
	}
	if (fclose(f))
		die("open_memstream: write error");
	free(prefix);
	return out;
}

/* FN's whole output, indented by two spaces after its first line. */
static void write_nested(FILE *f, const char *kernel, struct arch *a, int n,
			 void (*fn)(FILE *, const char *, struct arch *, int))
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		die("open_memstream: %s", strerror(errno));
	fn(m, kernel, a, n);
	if (fclose(m))
		die("open_memstream: write error");
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (p = buf; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fputs("    ", f);
	}
	free(buf);
}

static struct arch *g_cells;
static int g_ncells;
static const char **g_bases;
static int g_nbases;
static char *g_misses;

/* With bases, matrix.md: one table per base, cells named by arch. */
static void bases_md_fn(FILE *f, const char *kernel, struct arch *a, int n)
{
	int b, i = 0, j;

	(void)kernel;
	label_cells(a, n, false);
	for (b = 0; b < g_nbases; b++, i = j) {
		for (j = i; j < n && !strcmp(a[j].base, g_bases[b]); j++)
			;
		if (b)
			fputc('\n', f);
		write_table(f, true, kernel_of(a + i, j - i), a + i, j - i);
	}
	label_cells(a, n, true);
}

/*
 * With bases, the combined matrix.json: each base's own document under
 * "bases", then the host's tests and every miss.
 */
static void bases_json_fn(FILE *f, const char *kernel, struct arch *a, int n)
{
	int b, i, j;

	(void)kernel;
	(void)a;
	(void)n;
	fprintf(f, "{\n  \"schema\": %d,\n  \"bases\": {", SCHEMA_VERSION);
	for (b = 0; b < g_nbases; b++) {
		for (i = 0; i < g_ncells && strcmp(g_cells[i].base, g_bases[b]); i++)
			;
		for (j = i; j < g_ncells && !strcmp(g_cells[j].base, g_bases[b]); j++)
			;
		fprintf(f, "%s\n    \"%s\": ", b ? "," : "", g_bases[b]);
		check_text = misses_of(g_misses, g_bases[b]);
		write_nested(f, kernel_of(g_cells + i, j - i), g_cells + i, j - i, json_fn);
	}
	fputs("\n  }", f);
	check_text = g_misses;
	write_json_tail(f);
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
	const char *dir, **bases = NULL;
	int c, i, b, n, nbases = 0, misses = 0;
	bool host_only = false, saved_host;
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
				die("--expect wants CELL=FILE, not \"%s\"", optarg);
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
	bases = xzalloc(n * sizeof(*bases));
	for (i = 0; i < n; i++) {
		struct arch *a = &arches[i];
		char *cell = xstrdup(argv[optind + i]), *slash = strchr(cell, '/');

		a->name = cell;
		a->dir = dir;
		if (slash) {
			*slash = '\0';
			a->base = cell;
			a->name = slash + 1;
			if (!good_name(a->base))
				die("bad base name \"%s\" (letters, digits, ._+- only)", a->base);
			a->dir = xasprintf("%s/%s", dir, a->base);
			for (b = 0; b < nbases && strcmp(bases[b], a->base); b++)
				;
			if (b == nbases)
				bases[nbases++] = a->base;
			else if (strcmp(arches[i - 1].base, a->base))
				die("cells of base %s are not together", a->base);
		}
		if (!good_name(a->name))
			die("bad arch name \"%s\" (letters, digits, ._+- only)", a->name);
		if (i && !a->base != !arches[0].base)
			die("give every cell as BASE/ARCH, or none");
		label_cells(a, 1, true);
		for (c = 0; c < i; c++)
			if (!strcmp(arches[c].label, a->label))
				die("%s given twice", a->label);
		default_expect(&a->exp, NULL);
	}
	for (j = 0; j < nexp; j++) {
		char *eq = strchr(exp[j], '=');

		*eq = '\0';
		for (i = 0; i < n; i++)
			if (!strcmp(arches[i].label, exp[j]))
				break;
		if (i == n)
			die("--expect %s: not one of the cells given", exp[j]);
		load_expect(&arches[i].exp, eq + 1);
	}

	for (i = 0; i < n; i++)
		load_arch(&arches[i]);

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

	/* Each base's own files, without the host's tests. */
	load_host(dir);
	saved_host = have_host;
	have_host = false;
	label_cells(arches, n, false);
	for (b = 0, i = 0; b < nbases; b++, i = c) {
		char *bdir = xasprintf("%s/%s", dir, bases[b]);
		const char *k;

		for (c = i; c < n && !strcmp(arches[c].base, bases[b]); c++)
			;
		k = kernel_of(arches + i, c - i);
		check_text = nexp ? misses_of(missbuf, bases[b]) : NULL;
		write_file(bdir, "matrix.json", k, arches + i, c - i, json_fn);
		write_file(bdir, "junit.xml", k, arches + i, c - i, junit_fn);
		write_file(bdir, "matrix.md", k, arches + i, c - i, md_fn);
		free(bdir);
	}
	have_host = saved_host;
	check_text = nexp ? missbuf : NULL;

	/* The whole run: every cell named by its base, one table per base. */
	if (nbases) {
		g_cells = arches;
		g_ncells = n;
		g_bases = bases;
		g_nbases = nbases;
		g_misses = nexp ? missbuf : NULL;
		write_file(dir, "matrix.json", NULL, arches, n, bases_json_fn);
		label_cells(arches, n, true);
		write_file(dir, "junit.xml", NULL, arches, n, junit_fn);
		write_file(dir, "matrix.md", NULL, arches, n, bases_md_fn);
	} else {
		write_file(dir, "matrix.json", kernel_of(arches, n), arches, n, json_fn);
		write_file(dir, "junit.xml", NULL, arches, n, junit_fn);
		write_file(dir, "matrix.md", kernel_of(arches, n), arches, n, md_fn);
	}

	label_cells(arches, n, false);
	for (b = 0, i = 0; b < (nbases ? nbases : 1); b++, i = c) {
		for (c = i; c < n && (!nbases || !strcmp(arches[c].base, bases[b])); c++)
			;
		if (nbases)
			printf("%sbase %s: ", b ? "\n" : "", bases[b]);
		write_table(stdout, false, kernel_of(arches + i, c - i), arches + i, c - i);
	}
	label_cells(arches, n, true);
	refresh_warning(arches, n);
	fputs(missbuf, stdout);
	free(missbuf);
	printf("%s: %d miss%s", misses ? "FAIL" : "PASS", misses, misses == 1 ? "" : "es");
	if (nexp)
		printf(" (against %zu expectation file%s)\n", nexp, nexp == 1 ? "" : "s");
	else
		puts(" (no expectation files: build, boot and every test pass or skip)");
	if (fflush(stdout))
		die("stdout: write error");
	return misses ? 1 : 0;
}
