// SPDX-License-Identifier: GPL-2.0
/* report: the table on stdout and in matrix.md; the refresh warning. */

#include "report.h"

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

void write_table(FILE *f, bool md, const char *kernel, struct arch *arches, int n)
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
				a->label, boot_label(a), why);
		for (t = 0; md && t < a->ntests; t++) {
			struct test *x = &a->tests[t];

			if (bad_result(x->res))
				fprintf(f, "\n- %s: %s %s: %s%s%s%s", a->label, x->suite,
					x->name, result_names[x->res],
					*x->reason ? " (" : "", x->reason,
					*x->reason ? ")" : "");
		}
	}
	if (md)
		fputc('\n', f);
}

/* One line naming every patch that applied with fuzz, and where. */
void refresh_warning(struct arch *arches, int n)
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
						printf(" %s", arches[k].label);
			putchar(')');
			seen = true;
		}
	}
	if (seen)
		putchar('\n');
}
