#!/bin/sh
# Tests for tools/report (tools/report/*.c): feed it recorded logs, check what it writes and
# how it exits.  Every expected value below was written from the logs in
# tests/report/logs, never copied from the tool's output.
#
# Usage: tests/report/run.sh
#   REPORT_SRC=/path/to/report-sources tests/report/run.sh   tests another copy
#   (to show these tests fail on a broken tool).
# Prints TAP; exits non-zero if any test failed.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/report
OUT=$TOP/build/tests/report
SRC=${REPORT_SRC:-$TOP/tools/report}
REPORT=$OUT/report
EXP=$HERE/expect

if ! command -v jq >/dev/null 2>&1; then
	apt-get install -y jq >/dev/null 2>&1 || { echo "Bail out! jq is missing"; exit 1; }
fi
mkdir -p "$OUT"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$TOP/tools" -I"$SRC" -o "$REPORT" "$SRC"/*.c "$TOP/tools/ktap.c" ||
	{ echo "Bail out! $SRC does not build"; exit 1; }

n=0
failed=0

ok() {		# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

same() {	# same DESCRIPTION ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		printf '%s\n' "$3" >"$OUT/want"
		printf '%s\n' "$2" >"$OUT/got"
		diff -u "$OUT/want" "$OUT/got" | sed 's/^/# /'
	fi
}

# run CASE [OPTION...] -- ARCH...: report on a fresh copy of the case (the
# tool writes into the results directory); sets $rc, $res, $stdout.
run() {
	c=$1
	shift
	res=$OUT/$c
	rm -rf "$res"
	mkdir -p "$res"
	cp -R "$HERE/logs/$c/." "$res/"
	# The results directory goes where the "--" is: after the options.
	for a; do
		shift
		if [ "$a" = -- ]; then
			set -- "$@" "$res"
		else
			set -- "$@" "$a"
		fi
	done
	"$REPORT" "$@" >"$res.stdout" 2>"$res.stderr"
	rc=$?
	stdout=$(cat "$res.stdout")
}

q() {		# q FILTER: one jq query on the last run's matrix.json
	jq -r "$1" "$res/matrix.json"
}

tests_of() {	# tests_of ARCH: "suite|name|result|reason", a test a line
	q ".arches[\"$1\"].tests[] | [.suite, .name, .result, .reason] | join(\"|\")"
}

arch_line() {	# arch_line ARCH: the arch's fields but tests, as one line
	q ".arches[\"$1\"] | [.build, .boot, .uffd_wp, .features, .seconds.build,
		.seconds.boot, .seconds.tests, .seconds.run, .reason, .complete] |
		map(tostring) | join(\"|\")"
}

valid() {	# valid DESCRIPTION: the three files exist, JSON and XML parse
	jq -e . "$res/matrix.json" >/dev/null 2>&1 && xmllint --noout "$res/junit.xml" 2>/dev/null &&
		[ -s "$res/matrix.md" ]
	ok $? "$1: matrix.json and junit.xml parse, matrix.md written"
}

# --- a kernel message spliced into the init's kernel line ------------------
# The console interleaves printk with the init's output: a riscv64 guest's
# "uffd_wp 1" line went on with "Adding 262140k swap on /dev/zram0...".
run spliced -- x86_64
same "spliced: uffd_wp is still read from the init's line" "$(q '.arches.x86_64.uffd_wp')" true

# --- a clean run: two arches, KUnit with and without printk stamps ---------
run clean -- x86_64 s390x
same "clean: exit 0 (a skip is not a failure)" "$rc" 0
# Without expectation files the verdict says what it held the results to.
same "clean: the verdict without expectations names the default" \
	"$(echo "$stdout" | tail -n 1)" "PASS: 0 misses (no expectation files: build, boot and every test pass or skip)"
valid clean
same "clean: top-level kernel" "$(q .kernel)" 6.12.117
same "clean: arches in matrix.json" "$(q '.arches | keys_unsorted | join(",")')" "x86_64,s390x"
same "clean: x86_64 fields" "$(arch_line x86_64)" \
	"pass|pass|true|0x1ffff|115|1.52|40.98|42.5||true"
same "clean: s390x fields" "$(arch_line s390x)" \
	"pass|pass|false|0x149fe|111|0.9|29.1|30||true"
same "clean: x86_64 tests, KUnit first, raw '# |' output never a result" "$(tests_of x86_64)" \
"kunit-pte_marker|pte_marker_roundtrip|pass|
kunit-pte_marker|pte_marker_not_none|pass|
kunit-pte_marker|pte_marker_clear_gives_empty|pass|
kunit-pte_marker|pte_marker_swap_bit|skip|no swap PTE wp bit on this config
uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|wp-fork/anon|pass|
uffd-unit-tests|wp-fork/shmem|pass|
uffd-unit-tests|wp-fork/hugetlb|skip|feature missing
uffd-stress|anon|pass|
uffd-stress|shmem|pass|
pagemap_ioctl|PAGEMAP_SCAN ioctl with anon|pass|
pagemap_ioctl|Hugetlb shmem page test|skip|no huge pages
soft-dirty|Test soft-dirty after wp unregister|pass|
extra|extra|skip|not built for this arch
regress|000-wp-survives-fork|pass|
regress|001-fault-around-shmem|pass|
regress|004-deferred-tlb-flush|pass|"
same "clean: s390x tests, KUnit without printk stamps" "$(tests_of s390x)" \
"kunit-pte_marker|pte_marker_roundtrip|pass|
kunit-pte_marker|pte_marker_empty_is_0x400|pass|
uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|wp-fork/anon|skip|uffd-wp not supported
uffd-unit-tests|wp-fork/shmem|skip|uffd-wp not supported
regress|000-wp-survives-fork|skip|uffd-wp not supported"
same "clean: x86_64 counts" "$(q '.arches.x86_64.counts | [.pass, .fail, .skip, .error] | join(" ")')" "13 0 4 0"
same "clean: matrix.md rows" "$(grep -E '^\| (arch|x86_64|s390x) ' "$res/matrix.md")" \
"| arch | kunit-pte_marker | uffd-unit-tests | uffd-stress | pagemap_ioctl | soft-dirty | extra | regress | build | boot | uffd_wp | features | kernel |
| x86_64 | 3/0/1 | 3/0/1 | 2/0/0 | 1/0/1 | 1/0/0 | 0/0/1 | 3/0/0 | pass | pass | true | 0x1ffff | 6.12.117 |
| s390x | 2/0/0 | 1/0/2 | - | - | - | - | 0/0/1 | pass | pass | false | 0x149fe | 6.12.117 |"
echo "$stdout" | grep -Eq '^x86_64 +3/0/1 +3/0/1 +2/0/0 +1/0/1 +1/0/0 +0/0/1 +3/0/0 +pass +pass +true +0x1ffff +6\.12\.117$'
ok $? "clean: the table on stdout"
same "clean: junit.xml totals" \
	"$(xmllint --xpath 'concat(/testsuites/@tests, " ", /testsuites/@failures, " ", /testsuites/@errors, " ", /testsuites/@skipped)' "$res/junit.xml")" \
	"27 0 0 7"
same "clean: junit testsuite and classname per arch+suite" \
	"$(xmllint --xpath 'string(//testsuite[@name="s390x.uffd-unit-tests"]/testcase[@name="wp-fork/anon"]/@classname)' "$res/junit.xml")" \
	"s390x.uffd-unit-tests"
same "clean: junit <skipped message=>" \
	"$(xmllint --xpath 'string(//testcase[@classname="x86_64.uffd-unit-tests"][@name="wp-fork/hugetlb"]/skipped/@message)' "$res/junit.xml")" \
	"feature missing"

run clean --expect x86_64="$EXP"/clean-x86_64.expect --expect s390x="$EXP"/clean-s390x.expect -- x86_64 s390x
same "expect: files that hold: exit 0" "$rc" 0
same "expect: the verdict with expectations names them" \
	"$(echo "$stdout" | tail -n 1)" "PASS: 0 misses (against 2 expectation files)"
echo "$stdout" | grep -q '^MISS'
ok $((!$?)) "expect: files that hold: no MISS line"

# --- each kind of miss -----------------------------------------------------
run clean --expect x86_64="$EXP"/miss-x86_64.expect --expect s390x="$EXP"/miss-s390x.expect -- x86_64 s390x
same "expect: misses: exit 1" "$rc" 1
same "expect: misses: wrong result, unmatched skip, missing required test, uffd_wp" \
	"$(echo "$stdout" | grep '^MISS')" \
"MISS x86_64: kunit-pte_marker pte_marker_swap_bit: got skip, expected pass (no swap PTE wp bit on this config)
MISS x86_64: uffd-unit-tests wp-fork/hugetlb: got skip, expected pass (feature missing)
MISS x86_64: regress 005-*: got nothing, expected pass (required by $EXP/miss-x86_64.expect:6)
MISS s390x: uffd_wp: got false, expected true (features 0x149fe)"

# --- kernel panic in the middle of a suite ---------------------------------
run panic -- arm64
same "panic: exit 1" "$rc" 1
valid panic
same "panic: arm64 fields" "$(arch_line arm64)" \
	"pass|panic|true|0x1ffff|120|1.2|18.8|20|Kernel panic - not syncing: Oops: Fatal exception|false"
same "panic: results so far kept, in-flight suite and the rest are errors" "$(tests_of arm64)" \
"kunit-pte_marker|pte_marker_roundtrip|pass|
uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|wp-fork/shmem|fail|wp bit lost after fork
uffd-stress|uffd-stress|error|kernel panic
ptemark-init|suites-not-reached|error|1 of 3 suites not reached: kernel panic"
echo "$stdout" | grep -qx 'MISS arm64: boot: got panic, expected pass (Kernel panic - not syncing: Oops: Fatal exception)'
ok $? "panic: boot miss without --expect"

run panic --expect arm64="$EXP"/panic-arm64.expect -- arm64
same "expect: a tracked panic is as expected: exit 0" "$rc" 0

# --- timeouts: before init, and in the middle of a suite -------------------
run timeout -- riscv64 x86_64
same "timeout: exit 1" "$rc" 1
valid timeout
same "timeout: riscv64 never reached init" "$(arch_line riscv64)" \
	"pass|timeout|false|null|130|null|null|600|timed out after 600s; never reached init: Machine model: riscv-virtio,qemu | riscv-timer: riscv_timer_init_dt: Registering clocksource cpuid [0] hartid [0] | clocksource: Switched to clocksource riscv_clocksource|false"
same "timeout: riscv64 has no tests" "$(q '.arches.riscv64.tests | length')" 0
same "timeout: x86_64 timed out in uffd-stress" "$(arch_line x86_64)" \
	"pass|timeout|true|0x1ffff|115|1.5|598.5|600|timed out after 600s; no done line|false"
same "timeout: x86_64 in-flight suite is an error" "$(tests_of x86_64)" "uffd-stress|uffd-stress|error|timeout"

# --- a truncated log -------------------------------------------------------
run truncated -- x86_64 arm64
same "truncated: exit 1" "$rc" 1
valid truncated
same "truncated: x86_64 booted, incomplete; boot seconds from the last printk stamp" \
	"$(arch_line x86_64)" "pass|pass|true|0x1ffff|115|1.25|8.75|10|truncated log: no done line|false"
same "truncated: x86_64 open suite gets 'truncated log', unreached suite counted" "$(tests_of x86_64)" \
"uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|wp-fork/anon|pass|
uffd-stress|anon|pass|
uffd-stress|uffd-stress|error|truncated log
ptemark-init|suites-not-reached|error|1 of 3 suites not reached: truncated log"
# "lost" marks the errors whose result line never came (docs/RESULTS.md):
# the cut suite, the unreached ones, the missing done line.
same "truncated: lost marks only the results that never came" \
	"$(q '[.arches[].tests[] | select(.lost) | .suite + "|" + .name] | join(" ")')" \
	"uffd-stress|uffd-stress ptemark-init|suites-not-reached ptemark-init|done"
same "truncated: arm64 reason quotes the init's last word" "$(q .arches.arm64.reason)" \
	"truncated log: no done line (init said: init crashed with signal 11, rebooting)"
same "truncated: arm64 every suite done but no done line" "$(tests_of arm64)" \
"soft-dirty|Test soft-dirty after wp unregister|pass|
ptemark-init|done|error|no done line: truncated log"
same "truncated: matrix.md error cells" "$(grep -E '^\| x86_64 ' "$res/matrix.md")" \
	"| x86_64 | 2/0/0 | 1/0/0 +1E | - | 0/0/0 +1E | pass | pass | true | 0x1ffff | 6.12.117 |"

# --- boot failures: never reached init, empty log, not run, no results -----
run bootfail -- s390x x86_64 arm64 riscv64 loongarch64
same "bootfail: exit 1" "$rc" 1
valid bootfail
same "bootfail: s390x reason is the last meaningful kernel lines" "$(arch_line s390x)" \
	"pass|fail|false|null|111|null|null|3|never reached init: Freeing unused kernel image (initmem) memory: 2048K | Run /init as init process | Failed to execute /init (error -8)|false"
same "bootfail: x86_64 empty console.log" "$(q '.arches.x86_64 | [.boot, .reason] | join("|")')" \
	"fail|never reached init: empty console log"
same "bootfail: arm64 ran=0" "$(q '.arches.arm64 | [.boot, .reason] | join("|")')" "fail|not run"
same "bootfail: riscv64 has no results directory" "$(q '.arches.riscv64 | [.build, .boot, .reason] | join("|")')" \
	"fail|fail|no results (no meta, no console.log)"
# 159 ASCII bytes, then a two-byte character across the 160-byte quote limit.
same "bootfail: any arch name; a quoted line is never cut inside a character" \
	"$(q '.arches.loongarch64.reason')" \
	"never reached init: $(printf '%159s' '' | tr ' ' A)"
iconv -f UTF-8 -t UTF-8 "$res/junit.xml" >/dev/null 2>&1 && iconv -f UTF-8 -t UTF-8 "$res/matrix.json" >/dev/null 2>&1
ok $? "bootfail: junit.xml and matrix.json are valid UTF-8"
same "bootfail: junit boot failure" \
	"$(xmllint --xpath 'string(//testcase[@classname="s390x.ptemark"][@name="boot"]/failure/@message)' "$res/junit.xml")" \
	"boot fail: never reached init: Freeing unused kernel image (initmem) memory: 2048K | Run /init as init process | Failed to execute /init (error -8)"

# --- a build failure (and a stale console.log that must be ignored) --------
run buildfail -- riscv64
same "buildfail: exit 1" "$rc" 1
valid buildfail
same "buildfail: riscv64" "$(q '.arches.riscv64 | [.build, .boot, .reason, .build_reason, (.tests | length), .seconds.build] | map(tostring) | join("|")')" \
	"fail|fail|not built|patch does not apply: 0003-riscv-mm-uffd-wp.patch (riscv: mm: add uffd-wp PTE bits)|0|12"
same "buildfail: build miss, and no boot miss on top" "$(echo "$stdout" | grep '^MISS')" \
	"MISS riscv64: build: got fail, expected pass (patch does not apply: 0003-riscv-mm-uffd-wp.patch (riscv: mm: add uffd-wp PTE bits))"
run buildfail --expect riscv64="$EXP"/buildfail-riscv64.expect -- riscv64
same "expect: an expected build failure: exit 0" "$rc" 0

# --- KUnit three levels deep, and a panic inside a parameterised case -------
run kunit3 -- x86_64 arm64
same "kunit3: exit 1 (a KUnit case fails)" "$rc" 1
valid kunit3
same "kunit3: x86_64 leaves named case/param, printk caller ids stripped" "$(tests_of x86_64)" \
"kunit-pte_marker|pte_marker_encode/swp_type 0|pass|
kunit-pte_marker|pte_marker_encode/swp_type 31|pass|
kunit-pte_marker|pte_marker_encode/huge|skip|no hugetlb
kunit-pte_marker|pte_marker_none|pass|
kunit-pte_marker|pte_marker_clear/anon|pass|
kunit-pte_marker|pte_marker_clear/shmem|fail|
kunit-pte_marker_s390|pte_marker_s390_empty|skip|not s390
soft-dirty|Test soft-dirty after wp unregister|pass|"
same "kunit3: arm64 panic in a parameterised case" "$(tests_of arm64)" \
"kunit-pte_marker|pte_marker_encode/swp_type 0|pass|
kunit-pte_marker|pte_marker_encode|error|kernel panic
kunit|suites-not-reached|error|1 of 2 suites not reached: kernel panic"
same "kunit3: arm64 boot" "$(q '.arches.arm64 | [.boot, .complete, .seconds.boot] | map(tostring) | join("|")')" \
	"panic|false|null"

# --- garbage: CR LF, NULs, escapes, invalid UTF-8, specials to escape -------
run garbage -- x86_64
same "garbage: exit 1 (a test fails)" "$rc" 1
same "garbage: a test's own TIMEOUT is an error, not lost" \
	"$(q '[.arches.x86_64.tests[] | select(.result == "error") | [.name, (.lost // false | tostring)] | join("|")] | join(" ")')" \
	"minor/shmem|false"
valid garbage
same "garbage: x86_64 fields" "$(arch_line x86_64)" "pass|pass|true|0x1ffff|115|2.5|6.5|9||true"
same "garbage: results and reasons survive the noise" "$(tests_of x86_64)" \
"kunit-pte_marker|pte_marker_roundtrip|pass|
uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|wp-fork/shmem|fail|expected \"0x1\" got <0x0> & 'x' \\ tab here
uffd-unit-tests|minor/shmem|error|killed after 600s
uffd-unit-tests|café/?anon|pass|"
same "garbage: junit <failure message=> escaped and read back" \
	"$(xmllint --xpath 'string(//testcase[@name="wp-fork/shmem"]/failure/@message)' "$res/junit.xml")" \
	"expected \"0x1\" got <0x0> & 'x' \\ tab here"
same "garbage: junit <error message=>" \
	"$(xmllint --xpath 'string(//testcase[@name="minor/shmem"]/error/@message)' "$res/junit.xml")" \
	"killed after 600s"
LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$res/matrix.json" "$res/junit.xml" "$res/matrix.md"
ok $((!$?)) "garbage: no control bytes in any output"
iconv -f UTF-8 -t UTF-8 "$res/matrix.json" >/dev/null 2>&1
ok $? "garbage: matrix.json is valid UTF-8"

# --- the first rule that matches a test decides ---------------------------
run clean --expect x86_64="$EXP"/first-wins-a.expect -- x86_64
same "first rule wins: the specific skip rule before the general one: no miss" "$rc" 0
run clean --expect x86_64="$EXP"/first-wins-b.expect -- x86_64
same "first rule wins: the general pass rule first decides the skipped test" \
	"$(grep '^MISS' "$res.stdout")" \
	"MISS x86_64: uffd-unit-tests wp-fork/hugetlb: got skip, expected pass (feature missing)"

# --- a lost line can never vanish silently --------------------------------
# The clean x86_64 log with one result line deleted (a garbled serial line):
# uffd-unit-tests planned 4 and numbers 1..4; "ok 2 wp-fork/anon" goes.
lost() {	# lost CASE PATTERN: the clean case with the lines matching PATTERN gone
	rm -rf "$OUT/src-$1"
	cp -R "$HERE/logs/clean" "$OUT/src-$1"
	sed -i "/$2/d" "$OUT/src-$1/x86_64/console.log"
}
run_dir() {	# run_dir DIR OPTION... -- ARCH...: as run, on a directory of ours
	d=$1; shift
	res=$OUT/$(basename "$d").res; rm -rf "$res"; mkdir -p "$res"; cp -R "$d/." "$res/"
	for a; do shift; if [ "$a" = -- ]; then set -- "$@" "$res"; else set -- "$@" "$a"; fi; done
	"$REPORT" "$@" >"$res.stdout" 2>"$res.stderr"; rc=$?; stdout=$(cat "$res.stdout")
}
lost lostline '^    ok 2 wp-fork\/anon$'
run_dir "$OUT/src-lostline" -- x86_64
same "lost line: exit 1" "$rc" 1
same "lost line: numbering and plan both say so" \
	"$(tests_of x86_64 | grep '^uffd-unit-tests|')" \
"uffd-unit-tests|register-ioctls/anon|pass|
uffd-unit-tests|ktap-numbering|error|expected 2, found 3
uffd-unit-tests|wp-fork/shmem|pass|
uffd-unit-tests|wp-fork/hugetlb|skip|feature missing
uffd-unit-tests|ktap-plan|error|planned 4, got 3"
run_dir "$OUT/src-lostline" --expect x86_64="$EXP"/clean-x86_64.expect -- x86_64
same "lost line: make check's expectations (a glob still matches the rest) are red" "$rc" 1
lost lastline '^    ok 3 004-deferred-tlb-flush$'
run_dir "$OUT/src-lastline" -- x86_64
same "lost last line of a suite: the plan says so" \
	"$(tests_of x86_64 | grep '^regress|ktap')" "regress|ktap-plan|error|planned 3, got 2"
lost lostsuite '^ok 2 uffd-stress$'
run_dir "$OUT/src-lostsuite" -- x86_64
same "lost suite result line: the top-level numbering says so" \
	"$(tests_of x86_64 | grep 'ktap-numbering')" "ptemark-init|ktap-numbering|error|expected 2, found 3"

# --- kunit.py as an oracle -------------------------------------------------
# Wherever both read the input, ptemark's pass/fail/skip per stream equals
# what the kernel's own KTAP parser (tools/testing/kunit/kunit.py parse)
# counts. The console holds two streams: KUnit's, before the init starts,
# and the init's. Differences, listed and justified:
#   - kunit.py counts a cut-off or missing result as an error of its parent
#     ("missing subtest result line"); ptemark gives the cut test itself an
#     error result, named, with the cause (panic, timeout, truncated log):
#     logs with a cut stream (panic, timeout, truncated, kunit3) compare
#     pass/fail/skip only, errors are ptemark's own (tested above);
#   - "not ok ... # TODO": a skip here (TAP: a known failure), a failure to
#     kunit.py, which knows no TODO. No recorded log has one.
#   - "not ok ... # TIMEOUT": an error here, a failure to kunit.py;
#   - the garbage case is not compared: kunit.py does not finish on its
#     invalid UTF-8 and escape bytes (it grew past 8 GB in 9 minutes).
# Any base's extracted tree has it (make setup extracts them to build/<base>/src).
KUNITPY=$(ls "$TOP"/build/*/src/linux-source-*/tools/testing/kunit/kunit.py 2>/dev/null | head -n 1)
KUNITPY=${KUNITPY:-$TOP/build/<base>/src/linux-source-<version>/tools/testing/kunit/kunit.py}
kcounts() {	# kcounts FILE: "pass fail skip" as kunit.py parse counts them
	# Bounded: kunit.py never ends on some binary junk (the garbage case).
	(ulimit -v 1000000; timeout 30 python3 "$KUNITPY" parse "$1" 2>/dev/null) | sed -n 's/.*Testing complete\. Ran [0-9]* tests\{0,1\}: //p' |
		awk -F', ' '{p=f=s=0; for (i=1;i<=NF;i++) { split($i,kv,": "); if (kv[1]=="passed") p=kv[2];
			else if (kv[1]=="failed") f=kv[2]; else if (kv[1]=="skipped") s=kv[2] } print p, f, s}'
}
pcounts() {	# pcounts ARCH kunit|init: the same, from ptemark's matrix.json
	q "[.arches[\"$1\"].tests[] | select((.suite | startswith(\"kunit\")) == (\"$2\" == \"kunit\"))
		| select(.name | startswith(\"ktap-\") | not)] as \$t |
		[(\$t | map(select(.result == \"pass\")) | length),
		 (\$t | map(select(.result == \"fail\")) | length),
		 (\$t | map(select(.result == \"skip\")) | length)] | map(tostring) | join(\" \")"
}
if [ ! -f "$KUNITPY" ]; then
	n=$((n + 1)); echo "ok $n - kunit.py oracle # SKIP no extracted kernel tree at $KUNITPY (make setup)"
else
	# Not buildfail: its console.log is left from an earlier run, which the
	# report must not read once the build failed (kunit.py cannot know).
	for c in clean lostline lastline lostsuite kunit3 panic timeout truncated bootfail; do
		dir=$HERE/logs/$c; [ -d "$dir" ] || dir=$OUT/src-$c
		run_dir "$dir" -- $(ls "$dir")
		for a in $(ls "$dir"); do
			log=$dir/$a/console.log
			[ -f "$log" ] || continue
			sed '/ptemark-init: start/,$d' "$log" >"$OUT/k.kunit"
			sed -n '/ptemark-init: start/,$p' "$log" >"$OUT/k.init"
			for part in kunit init; do
				grep -q 'KTAP version\|TAP version' "$OUT/k.$part" || continue
				same "kunit.py oracle: $c/$a $part stream, pass fail skip" \
					"$(pcounts "$a" $part)" "$(kcounts "$OUT/k.$part")"
			done
		done
	done
fi

# --- kernel bases: BASE/ARCH cells, each base's files and the combined ones --
# 6.12 holds the clean run's two arches, 7.3 the panic's arm64.
res=$OUT/bases
rm -rf "$res" && mkdir -p "$res/6.12" "$res/7.3"
cp -R "$HERE/logs/clean/." "$res/6.12/"
cp -R "$HERE/logs/panic/." "$res/7.3/"
"$REPORT" --expect 6.12/x86_64="$EXP"/miss-x86_64.expect --expect 6.12/s390x="$EXP"/clean-s390x.expect \
	--expect 7.3/arm64="$EXP"/panic-arm64.expect "$res" 6.12/x86_64 6.12/s390x 7.3/arm64 >"$res.stdout" 2>"$res.stderr"
same "bases: a miss in one base fails the run" "$?" 1
same "bases: the combined matrix.json has each base under \"bases\"" \
	"$(jq -r '[.schema, (.bases | keys_unsorted | join(",")), (.bases["6.12"].arches | keys_unsorted | join(",")),
		(.bases["7.3"].arches | keys_unsorted | join(",")), .bases["6.12"].kernel, .bases["7.3"].arches.arm64.boot] |
		map(tostring) | join("|")' "$res/matrix.json")" "2|6.12,7.3|x86_64,s390x|arm64|6.12.117|panic"
same "bases: each base's own matrix.json holds only its arches" \
	"$(jq -r '.arches | keys_unsorted | join(",")' "$res/6.12/matrix.json") $(jq -r '.arches | keys_unsorted | join(",")' "$res/7.3/matrix.json")" \
	"x86_64,s390x arm64"
grep -q '^MISS 6.12/x86_64: regress 005-\*: got nothing, expected pass' "$res.stdout" &&
	jq -e '.check.misses | any(startswith("MISS 6.12/x86_64: regress 005-*"))' "$res/matrix.json" >/dev/null &&
	jq -e '.check.misses | any(startswith("MISS x86_64: regress 005-*"))' "$res/6.12/matrix.json" >/dev/null &&
	jq -e '.check.misses == []' "$res/7.3/matrix.json" >/dev/null
ok $? "bases: a miss names its base and arch; each base's file keeps its own, by arch"
grep -q 'classname="6.12/x86_64.ptemark"' "$res/junit.xml" && grep -q 'classname="7.3/arm64.kunit-pte_marker"' "$res/junit.xml" &&
	grep -q 'classname="x86_64.ptemark"' "$res/6.12/junit.xml" && ! grep -q '6.12/' "$res/6.12/junit.xml"
ok $? "bases: junit classnames carry the base in the combined file, not in a base's own"
same "bases: matrix.md has one table per base" "$(grep -c '^# ptemark matrix, kernel' "$res/matrix.md")" 2
"$REPORT" "$res" 6.12/x86_64 x86_64 >/dev/null 2>&1
same "usage: cells with and without a base: exit 2" "$?" 2
"$REPORT" "$res" 6.12/x86_64 7.3/arm64 6.12/s390x >/dev/null 2>&1
same "usage: one base's cells apart: exit 2" "$?" 2
for f in "$res/matrix.json" "$res/6.12/matrix.json" "$res/7.3/matrix.json"; do
	cp "$f" "$OUT/bases.$(basename "$(dirname "$f")").res.json"
done

# --- series.tsv: patch<TAB>how<TAB>origin, odd lines skipped ---------------
# The last lines of series.tsv and meta have no newline; a line without a
# tab, an unknown way of applying and an empty patch name are skipped.
run series -- x86_64
same "series: every well-formed line, the last one too; no origin is the project's" \
	"$(q '.arches.x86_64.series[] | [.patch, .applied, .origin] | join("|")')" \
"0001-mm-a.patch|clean|project
0002-mm b.patch|fuzz|project
0004-user.patch|offset|user
0005-last.patch|failed|project"
same "series: meta's last line, without a newline, is read" "$(q .arches.x86_64.seconds.run)" 42.5
run series --expect x86_64="$EXP"/clean-x86_64.expect -- x86_64
same "series: a project patch applied with fuzz is a miss" "$rc:$(echo "$stdout" | grep '^MISS')" \
	"1:MISS x86_64: series 0002-mm b.patch: applied with fuzz, expected clean or offset (make refresh)"

# --- every matrix.json written above keeps docs/matrix.schema.json --------
SCHEMA=$TOP/docs/matrix.schema.json
found=$(ls "$OUT"/*/matrix.json "$OUT"/*.res/matrix.json "$OUT"/*.res.json 2>/dev/null | wc -l)
"$TOP/scripts/validate-json.sh" "$SCHEMA" "$OUT"/*/matrix.json "$OUT"/*.res/matrix.json "$OUT"/*.res.json >"$OUT/schema.out" 2>&1
r=$?
[ "$found" -ge 10 ] && [ $r -eq 0 ]
ok $? "schema: all $found matrix.json files written here are valid"
[ $r -eq 0 ] || grep -v ': ok$' "$OUT/schema.out" | sed 's/^/# /'
jq '.arches.x86_64.tests[0].result = "passed" | .schema = 1' "$OUT/clean/matrix.json" >"$OUT/bad-matrix.json"
"$TOP/scripts/validate-json.sh" "$SCHEMA" "$OUT/bad-matrix.json" >"$OUT/schema-bad.out" 2>&1
[ $? -eq 1 ] && grep -q 'tests/0/result' "$OUT/schema-bad.out" && grep -q '/schema' "$OUT/schema-bad.out"
ok $? "schema: a matrix.json with a result 'passed' and schema 1 is refused, both named"

# --- usage errors: exit 2 --------------------------------------------------
run clean -- x86_64 x86_64
same "usage: an arch given twice: exit 2" "$rc" 2
run clean --expect arm64="$EXP"/clean-x86_64.expect -- x86_64
same "usage: --expect for an arch not given: exit 2" "$rc" 2
run clean --expect x86_64="$EXP"/bad-key.expect -- x86_64
same "usage: unknown key in an expectations file: exit 2" "$rc" 2
grep -q 'bad-key.expect:2' "$res.stderr"
ok $? "usage: the error names the file and line"
run clean --expect x86_64="$EXP"/bad-result.expect -- x86_64
same "usage: unknown result word: exit 2" "$rc" 2
run clean --expect x86_64="$EXP"/no-such.expect -- x86_64
same "usage: missing expectations file: exit 2" "$rc" 2
"$REPORT" >/dev/null 2>&1
same "usage: no arguments: exit 2" "$?" 2

echo "1..$n"
[ "$failed" -eq 0 ] || echo "# $failed of $n failed"
[ "$failed" -eq 0 ]
