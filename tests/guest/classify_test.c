// SPDX-License-Identifier: GPL-2.0
/*
 * classify_test - feed a recorded log to guest/classify.c, print the results.
 *
 * Usage: classify_test FORMAT PREFIX FALLBACK END LOG
 *   FORMAT  uffd | tap | exit
 *   PREFIX  name prefix, or - for none
 *   END     exit:N | signal:N | timeout:N | notrun:WHY | skipped:WHY
 *   LOG     the run's output, one line per line
 *
 * Output, one line per result: "<status> <name>" plus " [<reason>]" when
 * there is a reason; then "skip_all [<reason>]" if the whole run skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static int usage(void)
{
	fprintf(stderr, "usage: classify_test FORMAT PREFIX FALLBACK END LOG\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct classifier cl;
	struct cl_end end = { 0 };
	enum cl_format fmt;
	char *line = NULL, *colon;
	size_t cap = 0, i;
	ssize_t n;
	FILE *f;

	if (argc != 6 || cl_parse_format(argv[1], &fmt))
		return usage();
	colon = strchr(argv[4], ':');
	if (!colon)
		return usage();
	*colon++ = '\0';
	if (!strcmp(argv[4], "exit")) {
		end.how = CL_EXITED;
		end.code = atoi(colon);
	} else if (!strcmp(argv[4], "signal")) {
		end.how = CL_SIGNALED;
		end.code = atoi(colon);
	} else if (!strcmp(argv[4], "timeout")) {
		end.how = CL_TIMEOUT;
		end.timeout = atoi(colon);
	} else if (!strcmp(argv[4], "notrun")) {
		end.how = CL_NOT_RUN;
		end.why = colon;
	} else if (!strcmp(argv[4], "skipped")) {
		end.how = CL_SKIPPED;
		end.why = colon;
	} else {
		return usage();
	}

	f = fopen(argv[5], "r");
	if (!f) {
		perror(argv[5]);
		return 2;
	}
	cl_init(&cl, fmt, strcmp(argv[2], "-") ? argv[2] : NULL, argv[3]);
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		cl_line(&cl, line);
	}
	free(line);
	fclose(f);
	cl_finish(&cl, &end);

	for (i = 0; i < cl.nres; i++) {
		printf("%s %s", ktap_status_name(cl.res[i].status), cl.res[i].name);
		if (cl.res[i].reason[0])
			printf(" [%s]", cl.res[i].reason);
		printf("\n");
	}
	if (cl.skip_all[0])
		printf("skip_all [%s]\n", cl.skip_all);
	cl_free(&cl);
	return 0;
}
