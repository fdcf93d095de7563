/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap - the one reader of KTAP and TAP lines in ptemark, shared by the
 * guest's init (guest/classify.c, cross-compiled for every arch) and the
 * host's report (tools/report/). Documentation/dev-tools/ktap.rst is the
 * format; kselftest's TAP 13 is read the same way.
 *
 * ktap_read() sorts one line into version, subtest header, plan, result,
 * "Bail out!", diagnostic or other text, and for a result gives the
 * number, the unescaped name, the directive and the status. The status
 * rules live only here:
 *
 *   ok                         pass
 *   not ok                     fail
 *   ... # SKIP [reason]        skip, whether ok or not ok
 *   not ok ... # TODO          skip: a known failure, not a regression
 *   ok ... # TODO              pass
 *   ... # XFAIL / # XPASS      as ok or not ok says (kselftest's xfail is ok)
 *   not ok ... # TIMEOUT       error: the test never gave a verdict
 *   ... # any other text       as ok or not ok says; the text is the reason
 *
 * "\#" in a name is a literal '#', "\\" a backslash; the directive starts
 * at the first unescaped '#' that begins a word.
 *
 * struct ktap_count checks one level's numbering and plan. A result whose
 * number is not the next one, or a plan that disagrees with the results
 * when the level ends, gives a reason ("expected 2, found 3", "planned 66,
 * got 65") that the caller turns into an error result: never silent.
 *
 * No allocation and no I/O: the guest's init links it statically.
 */
#ifndef PTEMARK_KTAP_H
#define PTEMARK_KTAP_H

#include <stdbool.h>
#include <stddef.h>

#define KTAP_NAME_MAX	256
#define KTAP_WHY_MAX	96

enum ktap_status { KTAP_PASS, KTAP_FAIL, KTAP_SKIP, KTAP_ERROR };

enum ktap_kind {
	KTAP_TEXT,	/* anything else: raw output, kernel messages */
	KTAP_VERSION,	/* "KTAP version 1", "TAP version 13" */
	KTAP_SUBTEST,	/* "# Subtest: name"; text is the name */
	KTAP_PLAN,	/* "1..N"; plan, and a "# SKIP why" in text */
	KTAP_RESULT,	/* "ok N name # DIRECTIVE reason" */
	KTAP_BAIL,	/* "Bail out! why"; text is the whole line */
	KTAP_DIAG,	/* "# text"; text after the '#' */
};

struct ktap_line {
	enum ktap_kind kind;
	int indent;		/* leading spaces */
	const char *text;	/* into the line read; "" when none */

	/* KTAP_PLAN */
	long plan;
	bool plan_skip;		/* "1..0 # SKIP": everything skipped */

	/* KTAP_RESULT */
	bool ok;
	long number;		/* -1: the line has none */
	char name[KTAP_NAME_MAX];	/* unescaped, trimmed; may be "" */
	char directive[8];	/* SKIP, TODO, XFAIL, XPASS, TIMEOUT or "" */
	const char *reason;	/* after the directive, or after '#'; "" if none */
	enum ktap_status status;
};

/* Read one line (no newline). Never fails: unknown lines are KTAP_TEXT. */
void ktap_read(const char *line, struct ktap_line *out);

const char *ktap_status_name(enum ktap_status st);

/* A name as a result line writes it: '#' and '\\' escaped. */
void ktap_escape(char *dst, size_t n, const char *name);

/* One level's numbering and plan. */
struct ktap_count {
	long plan;		/* -1: none seen */
	long seen;		/* results read */
	long next;		/* the number the next result should have */
};

void ktap_count_init(struct ktap_count *c);
void ktap_count_plan(struct ktap_count *c, long plan);
/*
 * A result numbered n (-1: none) arrived. True, with why, if out of order;
 * the count then follows the number found, so one gap is one error.
 */
bool ktap_count_result(struct ktap_count *c, long n, char *why, size_t len);
/* The level ended. True, with why, if the plan disagrees with the results. */
bool ktap_count_end(const struct ktap_count *c, char *why, size_t len);

#endif
