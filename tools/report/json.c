// SPDX-License-Identifier: GPL-2.0
/* report: matrix.json (docs/RESULTS.md, docs/matrix.schema.json). */

#include "report.h"


const char *check_text;

static void write_host_json(FILE *f);

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

void write_json(FILE *f, const char *kernel, struct arch *arches, int n)
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
			if (x->lost)
				fputs(", \"lost\": true", f);
			fputc('}', f);
		}
		fprintf(f, "%s]\n    }", a->ntests ? "\n      " : "");
	}
	fprintf(f, "%s}", n ? "\n  " : "");
	write_json_tail(f);
}

/* What follows the arches (or the bases): the host's tests, the misses. */
void write_json_tail(FILE *f)
{
	if (have_host)
		write_host_json(f);
	if (check_text)
		write_check_json(f);
	fputs("\n}\n", f);
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
