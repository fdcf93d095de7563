// SPDX-License-Identifier: GPL-2.0
/* report: expectations files (tools/EXPECT.md) and the check. */

#include "report.h"

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

void default_expect(struct expect *e, const char *file)
{
	memset(e, 0, sizeof(*e));
	e->file = file;
	e->build = 1u << 0;
	e->boot = 1u << B_PASS;
	e->uffd_wp = -1;
	/* Without a file a skip is fine; with one, every skip is written down. */
	e->unmatched = file ? 1u << R_PASS : (1u << R_PASS) | (1u << R_SKIP);
}

void load_expect(struct expect *e, const char *file)
{
	size_t len;
	char *buf = slurp(file, &len), *line;
	struct lines it;
	int lineno = 0;

	if (!buf)
		die("%s: %s", file, strerror(ENOENT));
	default_expect(e, file);
	lines_init(&it, buf, len, false);
	while ((line = lines_next(&it))) {
		char *tok[4] = { NULL }, *p, *last, *name_end;
		int ntok = 0;
		bool require = false;

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
	free(buf);
}

/* Print a MISS line for everything in @a its expectations do not allow. */
int check(struct arch *a, FILE *out)
{
	struct expect *e = &a->exp;
	int misses = 0;
	size_t t, r;
	char *s;

	if (!(e->build & (1u << !a->build_pass))) {
		s = set_text(e->build, build_names, 2);
		fprintf(out, "MISS %s: build: got %s, expected %s (%s)\n", a->label,
		       build_names[!a->build_pass], s,
		       a->build_reason ? a->build_reason : a->reason);
		free(s);
		misses++;
	}
	/* A failed build already said it all: boot is checked after a build. */
	if (a->build_pass && !(e->boot & (1u << a->boot))) {
		s = set_text(e->boot, boot_names, B_NR);
		fprintf(out, "MISS %s: boot: got %s, expected %s (%s)\n", a->label,
		       boot_names[a->boot], s, *a->reason ? a->reason : "booted");
		free(s);
		misses++;
	}
	if (e->uffd_wp >= 0 && e->uffd_wp != a->uffd_wp) {
		fprintf(out, "MISS %s: uffd_wp: got %s, expected %s (features %s)\n", a->label,
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
		fprintf(out, "MISS %s: %s %s: got %s, expected %s (%s)\n", a->label, x->suite,
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
		       a->label, p->patch);
		misses++;
	}
	for (r = 0; r < e->nrules; r++) {
		struct rule *u = &e->rules[r];

		if (!u->require || u->hits)
			continue;
		s = set_text(u->allowed, result_names, R_NR);
		fprintf(out, "MISS %s: %s %s: got nothing, expected %s (required by %s:%d)\n",
		       a->label, u->suite, u->name, s, e->file, u->line);
		free(s);
		misses++;
	}
	return misses;
}
