// SPDX-License-Identifier: GPL-2.0
/*
 * ktap - the one reader of KTAP and TAP lines (see ktap.h for the rules).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktap.h"

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* A directive word, case-insensitive, followed by a blank, ':' or the end. */
static bool word(const char *s, const char *w, const char **rest)
{
	size_t n = strlen(w);

	if (strncasecmp(s, w, n) || (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != ':'))
		return false;
	s += n;
	while (*s == ' ' || *s == '\t' || *s == ':')
		s++;
	*rest = s;
	return true;
}

const char *ktap_status_name(enum ktap_status st)
{
	switch (st) {
	case KTAP_PASS:
		return "pass";
	case KTAP_FAIL:
		return "fail";
	case KTAP_SKIP:
		return "skip";
	case KTAP_ERROR:
		return "error";
	}
	return "?";
}

void ktap_escape(char *dst, size_t n, const char *name)
{
	size_t i = 0;

	for (; *name && i + 2 < n; name++) {
		if (*name == '#' || *name == '\\')
			dst[i++] = '\\';
		dst[i++] = *name;
	}
	if (n)
		dst[i < n ? i : n - 1] = '\0';
}

static void read_result(const char *s, struct ktap_line *k)
{
	static const char *const dirs[] = { "SKIP", "TODO", "XFAIL", "XPASS", "TIMEOUT" };
	const char *p, *q, *rest;
	size_t i, n = 0;

	s = skip_ws(s);
	if (isdigit((unsigned char)*s)) {
		k->number = strtol(s, (char **)&p, 10);
		s = skip_ws(p);
	}
	if (s[0] == '-' && (s[1] == ' ' || s[1] == '\t' || !s[1]))	/* "ok 1 - name" */
		s = skip_ws(s + 1);

	/* The name runs to the first unescaped '#' that begins a word. */
	for (q = s; *q; q++) {
		if (*q == '\\' && (q[1] == '#' || q[1] == '\\'))
			q++;
		else if (*q == '#' && (q == s || q[-1] == ' ' || q[-1] == '\t'))
			break;
	}
	for (p = s; p < q && n + 1 < sizeof(k->name); p++) {
		if (*p == '\\' && (p[1] == '#' || p[1] == '\\'))
			p++;
		k->name[n++] = *p;
	}
	while (n && (k->name[n - 1] == ' ' || k->name[n - 1] == '\t'))
		n--;
	k->name[n] = '\0';

	k->status = k->ok ? KTAP_PASS : KTAP_FAIL;
	if (!*q)
		return;
	q = skip_ws(q + 1);
	k->reason = q;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!word(q, dirs[i], &rest))
			continue;
		strcpy(k->directive, dirs[i]);
		k->reason = rest;
		break;
	}
	if (!strcmp(k->directive, "SKIP"))
		k->status = KTAP_SKIP;
	else if (!strcmp(k->directive, "TODO") && !k->ok)
		k->status = KTAP_SKIP;
	else if (!strcmp(k->directive, "TIMEOUT") && !k->ok)
		k->status = KTAP_ERROR;
}

void ktap_read(const char *line, struct ktap_line *k)
{
	const char *s = line, *rest;

	memset(k, 0, sizeof(*k));
	k->kind = KTAP_TEXT;
	k->text = "";
	k->reason = "";
	k->number = -1;
	k->plan = -1;
	while (*s == ' ')
		s++, k->indent++;

	if (starts(s, "KTAP version ") || starts(s, "TAP version ")) {
		k->kind = KTAP_VERSION;
	} else if (starts(s, "# Subtest:")) {
		k->kind = KTAP_SUBTEST;
		k->text = skip_ws(s + 10);
	} else if (*s == '#') {
		k->kind = KTAP_DIAG;
		k->text = skip_ws(s + 1);
	} else if (starts(s, "1..") && isdigit((unsigned char)s[3])) {
		k->kind = KTAP_PLAN;
		k->plan = strtol(s + 3, (char **)&rest, 10);
		rest = skip_ws(rest);
		if (*rest == '#') {
			rest = skip_ws(rest + 1);
			if (word(rest, "SKIP", &rest)) {
				k->plan_skip = true;
				k->text = rest;
			}
		}
	} else if (starts(s, "Bail out!")) {
		k->kind = KTAP_BAIL;
		k->text = s;
	} else if (starts(s, "ok") && (s[2] == ' ' || s[2] == '\t' || !s[2])) {
		k->kind = KTAP_RESULT;
		k->ok = true;
		read_result(s + 2, k);
	} else if (starts(s, "not ok") && (s[6] == ' ' || s[6] == '\t' || !s[6])) {
		k->kind = KTAP_RESULT;
		read_result(s + 6, k);
	} else {
		k->text = s;
	}
}

void ktap_count_init(struct ktap_count *c)
{
	c->plan = -1;
	c->seen = 0;
	c->next = 1;
}

void ktap_count_plan(struct ktap_count *c, long plan)
{
	if (c->plan < 0)
		c->plan = plan;
}

bool ktap_count_result(struct ktap_count *c, long n, char *why, size_t len)
{
	bool bad = n >= 0 && n != c->next;

	if (bad)
		snprintf(why, len, "expected %ld, found %ld", c->next, n);
	c->seen++;
	c->next = (n >= 0 ? n : c->next) + 1;
	return bad;
}

bool ktap_count_end(const struct ktap_count *c, char *why, size_t len)
{
	if (c->plan < 0 || c->plan == c->seen)
		return false;
	snprintf(why, len, "planned %ld, got %ld", c->plan, c->seen);
	return true;
}
