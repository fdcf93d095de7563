/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classify.h - turn one test run's output into results.
 *
 * Pure code: no I/O, no clock, no globals. The guest init feeds every output
 * line of a run with cl_line(), tells how the run ended with cl_finish(), and
 * prints cl->res[] as KTAP. The host tests feed recorded logs the same way.
 *
 * Formats (see guest/PROTOCOL.md):
 *   uffd  upstream uffd-unit-tests: "Testing X on Y... done|skipped|failed"
 *   tap   kselftest TAP / KTAP result lines
 *   exit  one result from the exit status, unless the output holds TAP
 *         result lines, which are then read as tap
 */
#ifndef PTEMARK_CLASSIFY_H
#define PTEMARK_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "ktap.h"

#define CL_NAME_MAX	160
#define CL_REASON_MAX	320
#define CL_LINE_MAX	4096

enum cl_format {
	CL_FMT_UFFD,
	CL_FMT_TAP,
	CL_FMT_EXIT,
};

/* A result's status is KTAP's: enum ktap_status (tools/ktap.h). */

/* How a run ended; code is the exit status or the signal number. */
enum cl_how {
	CL_EXITED,	/* exit status in code */
	CL_SIGNALED,	/* killed by signal code (not by us) */
	CL_TIMEOUT,	/* killed by the runner after timeout seconds */
	CL_NOT_RUN,	/* could not be started: error, reason in why */
	CL_SKIPPED,	/* deliberately not started: skip, reason in why */
};

struct cl_end {
	enum cl_how how;
	int code;
	unsigned int timeout;
	const char *why;
};

struct cl_result {
	enum ktap_status status;
	bool timeout;		/* an error because the runner killed it */
	char name[CL_NAME_MAX];
	char reason[CL_REASON_MAX];
};

struct classifier {
	enum cl_format fmt;
	/* "prefix/" before every parsed name, when prefix[0] */
	char prefix[CL_NAME_MAX];
	/* name of a result that stands for the whole run */
	char fallback[CL_NAME_MAX];

	struct cl_result *res;
	size_t nres, cap;
	bool oom;		/* a result could not be stored */

	/* whole run skipped, e.g. "Userfaultfd not supported ..." */
	char skip_all[CL_REASON_MAX];

	/* text kept for reasons */
	char last_line[CL_REASON_MAX];	/* last non-empty line */
	char last_err[CL_REASON_MAX];	/* last "ERROR: " / "Bail out!" line */
	char last_diag[CL_REASON_MAX];	/* last TAP "# " line */
	char diag_since[CL_REASON_MAX];	/* "# " line since the last result */

	/* uffd: a test that printed "Testing ..." but no verdict yet */
	bool open;
	char open_name[CL_NAME_MAX];
	char open_err[CL_REASON_MAX];
	bool summary;
	unsigned int sum_pass, sum_skip, sum_fail, sum_total;
	bool uffd_tap;		/* a later uffd-unit-tests: kselftest TAP */

	/* tap */
	int tap_indent;		/* indentation of the top level, -1 unknown */
	long plan;		/* -1: none seen */
	struct ktap_count tap_count;	/* numbering and plan (tools/ktap.h) */
	bool timed_out;		/* the run ended at its timeout */
	size_t tap_results;
	bool bail;
	char bail_msg[CL_REASON_MAX];
	char skip_plan[CL_REASON_MAX];	/* "1..0 # SKIP reason" */
	bool skip_plan_seen;

	bool finished;
};

/*
 * prefix: if non-NULL and non-empty, parsed names become "prefix/name" and
 * the run's own result is named prefix; otherwise parsed names are bare and
 * the run's own result is named fallback.
 */
void cl_init(struct classifier *cl, enum cl_format fmt, const char *prefix,
	     const char *fallback);
/* One output line, without its newline. */
void cl_line(struct classifier *cl, const char *line);
/* The run ended; adds the results that depend on how. */
void cl_finish(struct classifier *cl, const struct cl_end *end);
void cl_free(struct classifier *cl);

/* "uffd", "tap", "exit" -> format; returns -1 if unknown. */
int cl_parse_format(const char *s, enum cl_format *fmt);

/*
 * Copy s into dst (size n) as a KTAP-safe single line: control characters
 * become spaces, '#' becomes '_' (it would start a directive), outer
 * whitespace is trimmed.
 */
void cl_clean(char *dst, size_t n, const char *s);

#endif /* PTEMARK_CLASSIFY_H */
