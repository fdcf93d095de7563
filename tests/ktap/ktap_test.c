// SPDX-License-Identifier: GPL-2.0
/*
 * tools/ktap.c, line by line: every status rule of ktap.h, escapes,
 * numbering and plans. Prints TAP.
 */
#include <stdio.h>
#include <string.h>

#include "../../tools/ktap.h"

static int n, bad;

static void expect(const char *what, bool cond)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	bad += !cond;
}

static void result(const char *line, enum ktap_status st, long num,
		   const char *name, const char *reason)
{
	struct ktap_line k;
	char what[300];

	ktap_read(line, &k);
	snprintf(what, sizeof(what), "'%s' is %s, #%ld, name '%s', reason '%s'",
		 line, ktap_status_name(st), num, name, reason);
	expect(what, k.kind == KTAP_RESULT && k.status == st && k.number == num &&
	       !strcmp(k.name, name) && !strcmp(k.reason, reason));
	if (k.kind == KTAP_RESULT && (k.status != st || strcmp(k.name, name) ||
				      strcmp(k.reason, reason)))
		printf("# got %s, #%ld, name '%s', reason '%s'\n",
		       ktap_status_name(k.status), k.number, k.name, k.reason);
}

int main(void)
{
	struct ktap_count c;
	struct ktap_line k;
	char why[KTAP_WHY_MAX];

	result("ok 1 a test", KTAP_PASS, 1, "a test", "");
	result("not ok 2 a test", KTAP_FAIL, 2, "a test", "");
	result("ok 3 - kselftest style", KTAP_PASS, 3, "kselftest style", "");
	result("ok 4 skipped # SKIP no swap", KTAP_SKIP, 4, "skipped", "no swap");
	result("not ok 5 skipped anyway # SKIP why", KTAP_SKIP, 5, "skipped anyway", "why");
	result("ok 6 # SKIP", KTAP_SKIP, 6, "", "");
	result("not ok 7 known # TODO fix later", KTAP_SKIP, 7, "known", "fix later");
	result("ok 8 fixed # TODO", KTAP_PASS, 8, "fixed", "");
	result("ok 9 xf # XFAIL expected", KTAP_PASS, 9, "xf", "expected");
	result("not ok 10 slow # TIMEOUT 30 seconds", KTAP_ERROR, 10, "slow", "30 seconds");
	result("not ok 11 broke # 8 of 8 pages lost", KTAP_FAIL, 11, "broke", "8 of 8 pages lost");
	result("ok 12 a \\# b", KTAP_PASS, 12, "a # b", "");
	result("ok 13 c\\\\d # SKIP e", KTAP_SKIP, 13, "c\\d", "e");
	result("ok 14 issue#5 stays", KTAP_PASS, 14, "issue#5 stays", "");
	result("    ok 15 nested", KTAP_PASS, 15, "nested", "");
	result("ok no number", KTAP_PASS, -1, "no number", "");
	result("ok 16 skip: # skip: lower case", KTAP_SKIP, 16, "skip:", "lower case");

	ktap_read("    KTAP version 1", &k);
	expect("a version line, indent 4", k.kind == KTAP_VERSION && k.indent == 4);
	ktap_read("TAP version 13", &k);
	expect("a TAP 13 version line", k.kind == KTAP_VERSION);
	ktap_read("  # Subtest: regress", &k);
	expect("a subtest header", k.kind == KTAP_SUBTEST && !strcmp(k.text, "regress"));
	ktap_read("1..66", &k);
	expect("a plan", k.kind == KTAP_PLAN && k.plan == 66 && !k.plan_skip);
	ktap_read("1..0 # SKIP no userfaultfd", &k);
	expect("a skip plan", k.kind == KTAP_PLAN && !k.plan && k.plan_skip &&
	       !strcmp(k.text, "no userfaultfd"));
	ktap_read("# Totals: pass:1", &k);
	expect("a diagnostic", k.kind == KTAP_DIAG && !strcmp(k.text, "Totals: pass:1"));
	ktap_read("Bail out! no memory", &k);
	expect("a bail-out", k.kind == KTAP_BAIL);
	ktap_read("okay then", &k);
	expect("'okay then' is text, not a result", k.kind == KTAP_TEXT);
	ktap_read("[   12.5] not okay", &k);
	expect("a kernel message is text", k.kind == KTAP_TEXT);

	ktap_count_init(&c);
	ktap_count_plan(&c, 3);
	expect("1 after plan 3 is in order", !ktap_count_result(&c, 1, why, sizeof(why)));
	expect("3 after 1 is out of order", ktap_count_result(&c, 3, why, sizeof(why)) &&
	       !strcmp(why, "expected 2, found 3"));
	expect("4 after 3 is in order again: one gap, one error",
	       !ktap_count_result(&c, 4, why, sizeof(why)));
	ktap_count_init(&c);
	ktap_count_plan(&c, 66);
	for (int i = 1; i <= 65; i++)
		ktap_count_result(&c, i, why, sizeof(why));
	expect("plan 66 with 65 results", ktap_count_end(&c, why, sizeof(why)) &&
	       !strcmp(why, "planned 66, got 65"));
	ktap_count_result(&c, 66, why, sizeof(why));
	expect("plan 66 with 66 results", !ktap_count_end(&c, why, sizeof(why)));
	ktap_count_init(&c);
	expect("no plan: nothing to check", !ktap_count_end(&c, why, sizeof(why)));

	printf("1..%d\n", n);
	return bad != 0;
}
