// SPDX-License-Identifier: GPL-2.0
/*
 * report - turn ptemark's per-arch results into the test matrix
 *
 *   report [--expect ARCH=FILE]... RESULTS_DIR ARCH...
 *   report --host RESULTS_DIR
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
