#!/bin/sh
# Host test of the benchmark: uffd_bench built and run natively in its quick
# mode (-q, well under a second), its output well-formed, each figure's
# correctness checks holding, a figure the host kernel cannot measure
# skipped; and report.awk on recorded records. Prints TAP.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${BUILD:-$TOP/build}/tests/bench
mkdir -p "$OUT"

n=0 failed=0
. "$TOP/tests/lib.sh"

if gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$OUT/uffd_bench" "$HERE/uffd_bench.c" \
	2>"$OUT/build.log"; then
	ok "uffd_bench builds (static, -Werror)"
else
	not_ok "uffd_bench builds: $(grep -m1 error: "$OUT/build.log")"
	exit 1
fi

timeout 60 "$OUT/uffd_bench" -q >"$OUT/quick.log" 2>&1
rc=$?
case $rc in
0 | 4) ok "uffd_bench -q exits $rc" ;;
*) not_ok "uffd_bench -q exits $rc: $(grep -m1 '^# [a-z_]*: ' "$OUT/quick.log")" ;;
esac
if head -n 2 "$OUT/quick.log" | tr '\n' ' ' | grep -qx 'KTAP version 1 1\.\.4 ' &&
	[ "$(grep -cE '^(not )?ok [0-9]+ ' "$OUT/quick.log")" = 4 ]; then
	ok "KTAP: plan 1..4 and four results"
else
	not_ok "KTAP: want 'KTAP version 1', '1..4' and four results"
fi

# Each figure: passed with a well-formed "# bench:" line, or skipped with
# a reason. A pass means its correctness checks held (the tracker found
# exactly the written pages, every fault was resolved).
for f in wp_anon wp_shmem wp_fault dirty; do
	res=$(grep -E "^(not )?ok [0-9]+ $f( |\$)" "$OUT/quick.log")
	line=$(grep "^# bench: $f " "$OUT/quick.log")
	case $res in
	"ok "*"# SKIP "*)
		skip "$f" "host kernel: ${res#*# SKIP }"
		;;
	"ok "*)
		if printf '%s\n' "$line" | grep -qE ' ratio=[0-9]+\.[0-9]{3}( ratio_min=[0-9.]+ ratio_max=[0-9.]+)? ratio_best=[0-9.]+$' &&
			printf '%s\n' "$line" | grep -qE ' [a-z_]+_ns=[1-9][0-9]* '; then
			ok "$f: measured, its checks held ($(printf '%s' "$line" | grep -oE 'ratio=[0-9.]+'))"
		else
			not_ok "$f passed but its '# bench:' line is malformed: $line"
		fi
		;;
	*)
		not_ok "$f: $(grep -m1 "^# $f: " "$OUT/quick.log" || echo "no result")"
		;;
	esac
done

# The dirty checks catch a tracker that reports a page nobody wrote: -x
# writes one the checks do not expect.
timeout 60 "$OUT/uffd_bench" -q -x >"$OUT/extra.log" 2>&1
rc=$?
# (a dirty SKIP naming two reasons: both trackers are missing)
if grep -q '^ok 4 dirty # SKIP .*; ' "$OUT/quick.log"; then
	skip "dirty checks catch an unexpected page" "host kernel has neither tracker"
elif [ $rc -eq 1 ] && grep -q '^not ok 4 dirty' "$OUT/extra.log" &&
	grep -q '^# dirty: .*found 21, not the same pages' "$OUT/extra.log"; then
	ok "dirty checks catch an unexpected page ($(grep -m1 -o '[a-z-]* [a-z]* round 0: .*' "$OUT/extra.log"))"
else
	not_ok "uffd_bench -q -x: want exit 1 and dirty failing, got exit $rc"
fi

# The clock check: one coarse-looking try is tried again (a clock once
# looked 10 us coarse on s390x, then fine on the same kernel); a clock
# coarse in every try still stops every figure. -c fakes the coarse tries.
timeout 60 "$OUT/uffd_bench" -q -c 1 >"$OUT/clock1.log" 2>&1
rc1=$?
timeout 60 "$OUT/uffd_bench" -q -c 99 >"$OUT/clock99.log" 2>&1
rc99=$?
if { [ $rc1 -eq 0 ] || [ $rc1 -eq 4 ]; } &&
	grep -q '^# bench: info clock_monotonic_step_ns=[0-9]* clock_tries=2$' "$OUT/clock1.log" &&
	! grep -q 'too coarse' "$OUT/clock1.log" &&
	[ $rc99 -eq 1 ] && [ "$(grep -c '^not ok [1-4] .*' "$OUT/clock99.log")" -eq 4 ] &&
	[ "$(grep -c '^# [a-z_]*: CLOCK_MONOTONIC moves in steps of 10000 ns in 5 tries: too coarse' "$OUT/clock99.log")" -eq 4 ]; then
	ok "clock check: a coarse try is tried again; coarse in all 5 stops every figure"
else
	not_ok "clock check: want -c 1 measured in 2 tries and -c 99 refused after 5 (exit $rc1/$rc99, see $OUT/clock1.log)"
fi

# report NAME TSV: report.awk on TSV; $OUT/NAME.txt, NAME.svg, NAME-derived.tsv
report() {
	awk -F '\t' -v svg="$OUT/$1.svg" -v derived="$OUT/$1-derived.tsv" -v ref=x86_64 \
		-f "$HERE/report.awk" "$2" >"$OUT/$1.txt" 2>&1
}

# report.awk on recorded records: the table's rows and a whole SVG.
if report report "$HERE/sample.tsv" &&
	grep -q '^x86_64   6\.12\.117 ' "$OUT/report.txt" &&
	grep -q '^  arm64    wp_anon [0-9.]* vs [0-9.]* ([-+][0-9]*%) \(yes\|no\)' "$OUT/report.txt" &&
	grep -q '^riscv64 .*skip\[' "$OUT/report.txt" &&
	head -n 1 "$OUT/report.svg" | grep -q '^<svg ' && tail -n 1 "$OUT/report.svg" | grep -qx '</svg>' &&
	grep -q '^compare	arm64	wp_anon	within_10pct	\(yes\|no\)$' "$OUT/report-derived.tsv"; then
	ok "report.awk: table, x86_64 comparison, skips, SVG"
else
	not_ok "report.awk on sample.tsv (see $OUT/report.txt)"
fi

# The range figures' explanation follows the figures: arm64's wp_anon made
# 1.30x (fastest pair 1.28x) must be called more than the bit operation.
sed -e 's/^\(fig	arm64	wp_anon	ratio	\).*/\11.300/' \
	-e 's/^\(fig	arm64	wp_anon	ratio_best	\).*/\11.280/' "$HERE/sample.tsv" >"$OUT/far.tsv"
if report far "$OUT/far.tsv" &&
	grep -q '^  over 5% (arm64 wp_anon): ' "$OUT/far.txt" &&
	grep -q '^  within 5%, median or fastest pair (.*x86_64 wp_anon' "$OUT/report.txt"; then
	ok "report.awk: explains each range figure above 1, by its size"
else
	not_ok "report.awk: explains each range figure above 1, by its size (see $OUT/far.txt)"
fi

# x86_64 below 1 on a range figure: the report says the comparison
# carries an emulator effect; the sample (x86_64 above 1) not.
sed -e 's/^\(fig	x86_64	wp_shmem	ratio	\).*/\10.922/' "$HERE/sample.tsv" >"$OUT/below.tsv"
if report below "$OUT/below.tsv" &&
	grep -q "^  x86_64's wp_shmem is below 1 (0.922); natively 1.259: the other arches are set against a base that TCG" "$OUT/below.txt" &&
	! grep -q "below 1" "$OUT/report.txt"; then
	ok "report.awk: a base below 1 is called an emulator effect"
else
	not_ok "report.awk: a base below 1 is called an emulator effect (see $OUT/below.txt)"
fi

# scripts/bench.sh end to end on a fake arch whose "QEMU" prints a recorded
# console: the guest's figures reach bench.json; a guest that panics, and
# only that, makes it fail; an arch without a kernel is reported, not fatal.
P=$OUT/proj
rm -rf "$P" && mkdir -p "$P/arch-fake/patches" "$P/tests" "$P/generic/bases"
cp -r "$TOP/scripts" "$TOP/guest" "$TOP/tools" "$P/"
printf 'KERNEL_PKG=linux-source-6.12\nAPT_SOURCE=\n' >"$P/generic/bases/6.12.conf"
export BASE=6.12
cp -r "$HERE" "$P/tests/bench"
fake_arch_conf "$P/arch-fake" fake64 "$P/qemu.sh"
FB0=$OUT/fakebuild FR0=$OUT/fakeresults
rm -rf "$FB0" "$FR0"
# The base's part of them: bench.sh's build/<base> and results/<base>.
FB=$FB0/$BASE FR=$FR0/$BASE
mkdir -p "$FB/fake64/obj/usr" "$FB/fake64/headers/include"
: >"$FB/fake64/kernel.img"
printf '#!/bin/sh\ncat "$3"\n' >"$FB/fake64/obj/usr/gen_init_cpio"
chmod +x "$FB/fake64/obj/usr/gen_init_cpio"
cat >"$OUT/console.fake" <<'LOG'
ptemark-init: start uptime 0.50
ptemark-init: kernel 6.12.99 uffd_api_features 0x14ffe uffd_wp 0
KTAP version 1
1..1
    KTAP version 1
    # Subtest: bench
    # | # bench: dirty mib=64 written=163 rounds=15 soft_dirty_ns=5000000 soft_dirty_collect_ns=4000000
    1..4
    ok 1 wp_anon # SKIP no uffd-wp: UFFDIO_API features 0x14ffe lack PAGEFAULT_FLAG_WP
    ok 2 wp_shmem # SKIP no uffd-wp: UFFDIO_API features 0x14ffe lack PAGEFAULT_FLAG_WP
    ok 3 wp_fault # SKIP no uffd-wp: UFFDIO_API features 0x14ffe lack PAGEFAULT_FLAG_WP
    ok 4 dirty # SKIP no async wp: UFFDIO_API features 0x14ffe lack WP_ASYNC
ok 1 bench # SKIP no uffd-wp
ptemark-init: done
LOG
echo "cat $OUT/console.fake" >"$P/qemu.sh"
if BENCH_HOST=0 PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh "$P/scripts/bench.sh" fake64 >"$OUT/fake.out" 2>&1 &&
	jq -e '.guest.fake64.status == "ran" and .fig.fake64.dirty.result == "skip" and
		.fig.fake64.dirty.soft_dirty_ns == 5000000 and .guest.fake64.boot_to_init_s == 0.5 and
		(.fig.fake64.wp_anon.reason | test("lack PAGEFAULT_FLAG_WP"))' "$FR/bench.json" >/dev/null &&
	grep -q '^fake64 .*skip\[' "$OUT/fake.out" && [ -s "$FR/bench.svg" ]; then
	ok "bench.sh: a fake guest's skips and figures reach the table and bench.json"
else
	not_ok "bench.sh on a fake guest (see $OUT/fake.out)"
fi
printf 'echo "ptemark-init: start uptime 0.50"\necho "Kernel panic - not syncing: test"\n' >"$P/qemu.sh"
if ! BENCH_HOST=0 PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh "$P/scripts/bench.sh" fake64 >"$OUT/panic.out" 2>&1 &&
	grep -q 'bench guest(s) did not run' "$OUT/panic.out" &&
	jq -e '.guest.fake64.status | test("kernel panic")' "$FR/bench.json" >/dev/null; then
	ok "bench.sh: a guest that panics fails the run, with the reason"
else
	not_ok "bench.sh with a panicking guest (see $OUT/panic.out)"
fi
rm -f "$FB/fake64/kernel.img"
if BENCH_HOST=0 PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh "$P/scripts/bench.sh" fake64 >"$OUT/nokernel.out" 2>&1 &&
	grep -q 'run make matrix ARCHES=fake64 first' "$OUT/nokernel.out"; then
	ok "bench.sh: an arch without a kernel is reported, not fatal"
else
	not_ok "bench.sh without a kernel (see $OUT/nokernel.out)"
fi

# BENCH_COLD=1 and the no-change rerun, with the project's make matrix and
# arch.sh stubbed: the figures are recorded, and reported as recorded later.
echo "cat $OUT/console.fake" >"$P/qemu.sh"
: >"$FB/fake64/kernel.img"
cat >"$P/Makefile" <<'MK'
matrix:
	@mkdir -p $(BUILD)/$(BASE)/fake64 $(RESULTS)/$(BASE)/fake64
	@[ -f $(BUILD)/$(BASE)/fake64/build.seconds ] && echo 0 >$(BUILD)/$(BASE)/fake64/build.seconds || echo 42 >$(BUILD)/$(BASE)/fake64/build.seconds
	@echo abc >$(BUILD)/$(BASE)/fake64/kernel.inputs
	@echo run_seconds=7 >$(RESULTS)/$(BASE)/fake64/meta
	@echo "fake64 kernel up to date"
	@echo "ccache_disable=$$CCACHE_DISABLE" >>$(RESULTS)/ccache.env
	@echo "$(ARCHES)" >>$(RESULTS)/arches.env
MK
# A second arch, without a kernel, named as the base the ratios are set
# against (bench.sh puts it first): the cold matrix keeps the order given.
mkdir -p "$P/arch-fakebase"
sed 's/^ARCH_NAME=.*/ARCH_NAME=x86_64/' "$P/arch-fake/arch.conf" >"$P/arch-fakebase/arch.conf"
# a rebuild "after its patches change" must redo the prep
rm -f "$OUT/prep.redone"
printf '#!/bin/sh\nsleep 1\n[ "$(cat "$BUILD/$BASE/$1/prep.inputs" 2>/dev/null)" = changed ] && echo redone >%s\ntrue\n' \
	"$OUT/prep.redone" >"$P/scripts/arch.sh"
mkdir -p "$FR/fake64"
cp "$OUT/console.fake" "$FR/fake64/console.log"
printf 'build_seconds=0\nrun_seconds=9\n' >"$FR/fake64/meta"
# ... a complete run of fake64, up to date (lib.sh, cell_stale_reason):
# its stamp is newer than the files written above (a clock tick later).
: >"$FB/fake64/initramfs.cpio"; echo ran=1 >"$FR/fake64/run.meta"
sleep 0.1
PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh -c '. "$PTEMARK_TOP/scripts/lib.sh"; load_arch fake64
	cell_stamp_begin && mv "$OUT/cell.stamp.new" "$OUT/cell.stamp"'
if BENCH_COLD=1 BENCH_HOST=0 PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh "$P/scripts/bench.sh" fake64 x86_64 \
	>"$OUT/cold.out" 2>&1 &&
	[ "$(head -n 1 "$FR/bench/cold/arches.env")" = "fake64 x86_64" ] &&
	[ "$(cat "$OUT/prep.redone" 2>/dev/null)" = redone ] &&
	jq -e '.cold.fake64.build_seconds == 42 and .cold.fake64.suites_seconds == 7 and
		.cold.fake64.patch_rebuild_seconds >= 1 and (.cold.all.seconds | type) == "number" and
		.rerun.all.arches == "fake64" and (.rerun.all.seconds | type) == "number" and
		(.cold.all.rerun_seconds | type) == "number" and
		.speed.fake64.last_suites_seconds == 9' "$FR/bench.json" >/dev/null &&
	grep -q '^Cold matrix (fake64 x86_64, ccache off): [0-9]* s, measured now' "$OUT/cold.out" &&
	[ "$(cat "$FR/bench/cold/ccache.env" "$FR/bench/rerun/ccache.env" | tr '\n' ' ')" = \
		"ccache_disable=1 ccache_disable= ccache_disable= " ] &&
	BENCH_HOST=0 PTEMARK_TOP=$P BUILD=$FB0 RESULTS=$FR0 sh "$P/scripts/bench.sh" fake64 >"$OUT/recorded.out" 2>&1 &&
	grep -q '^Cold matrix (fake64 x86_64, ccache off): [0-9]* s, recorded by BENCH_COLD=1 on 20' "$OUT/recorded.out"; then
	ok "bench.sh: BENCH_COLD measures and records, later runs report it as recorded; rerun timed"
else
	not_ok "bench.sh BENCH_COLD / rerun (see $OUT/cold.out, $OUT/recorded.out)"
fi

echo "1..$n"
