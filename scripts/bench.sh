#!/bin/sh
# make bench: what uffd-wp costs in each arch's guest against the paths it
# replaces (tests/bench/uffd_bench.c), how fast the matrix is, and the zero
# cost of the marker API; a table on stdout, results/bench.json and
# results/bench.svg. Figures are compared within one run and never judged:
# only a real error (a guest that does not boot or finish, a tracker that
# finds the wrong pages) makes it fail.
# Usage: BASE=<base> scripts/bench.sh [ARCH_NAME...]
#   (default: $ARCHES, else every arch; make bench runs it per base)
#   BENCH_REF=<arch>      the arch the others' ratios are compared with
#                         (default: the host's own arch when it is one of
#                         them, else the first)
#   BENCH_COLD=1          also measure a cold build of the whole matrix and a
#                         rebuild of each arch after its patches change (20+ min)
#   BENCH_TIMEOUT=<s>     limit for one bench guest (default 600)
#   BENCH_HOST=0          leave out the native run on the host's kernel
# Writes only results/<base>/bench* and build/<base>/bench/; each arch's
# kernel comes from build/<base>/<arch>/ (make matrix ARCHES=<arch> BASE=<base>
# builds it).
set -u
. "$(dirname "$0")/lib.sh"
load_base
[ $# -gt 0 ] || set -- ${ARCHES:-$(all_arches)}
for a in "$@"; do arch_dir "$a" >/dev/null || die "unknown arch '$a' (known: $(all_arches | tr '\n' ' '))"; done
# A cold matrix runs in make's own order; the ratios in the reference arch's first.
matrix_order="$*"
if [ -z "${BENCH_REF:-}" ]; then
	BENCH_REF=$1
	for a in "$@"; do [ "$a" = "$(uname -m)" ] && BENCH_REF=$a; done
fi
case " $* " in *" $BENCH_REF "*) ;; *) die "BENCH_REF=$BENCH_REF is not one of the arches benched ($*)" ;; esac
set -- "$BENCH_REF" $(for a in "$@"; do [ "$a" != "$BENCH_REF" ] && echo "$a"; done)

T=$PTEMARK_TOP/tests/bench
R=$BASE_RESULTS
B=$R/bench
BB=$BASE_BUILD/bench
DATA=$B/data.tsv
mkdir -p "$B" "$BB"
: >"$DATA"
errors=0

# One record: section, arch, item, key, value (tab-separated; report.awk
# turns them into the table, bench.json and bench.svg).
rec() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(printf '%s' "$5" | tr '\t\n' '  ')" >>"$DATA"
}

# Records from uffd_bench's output: its "# bench:" lines and its results.
# indent: the results' indent (4 in a guest's console, where the init
# re-prints them; 0 natively).
parse_output() {	# parse_output ARCH FILE INDENT
	awk -v arch="$1" -v ind="$3" '
		function rec(s, a, i, k, v) { gsub(/[\t\n]/, " ", v); printf "%s\t%s\t%s\t%s\t%s\n", s, a, i, k, v }
		BEGIN { started = (ind == 0); pre = sprintf("%" ind "s", "") }
		{ sub(/\r$/, "") }
		/^ptemark-init: start/ {
			started = 1
			if (match($0, /uptime [0-9.]+/))
				rec("guest", arch, "-", "boot_to_init_s", substr($0, RSTART + 7, RLENGTH - 7))
		}
		/^ptemark-init: done/ { rec("guest", arch, "-", "finished", "yes") }
		!started { next }
		/# bench: / {
			s = $0; sub(/.*# bench: /, "", s)
			n = split(s, w, " ")
			for (i = 2; i <= n; i++)
				if ((p = index(w[i], "=")) > 1)
					rec("fig", arch, w[1], substr(w[i], 1, p - 1), substr(w[i], p + 1))
			next
		}
		index($0, pre) == 1 && substr($0, ind + 1) ~ /^(not )?ok [0-9]+ / {
			s = substr($0, ind + 1)
			st = (s ~ /^not /) ? "fail" : "ok"
			sub(/^(not )?ok [0-9]+ /, "", s)
			why = ""
			if ((p = index(s, " # ")) > 0) {
				why = substr(s, p + 3); s = substr(s, 1, p - 1)
				if (why ~ /^SKIP/) { st = "skip"; sub(/^SKIP ?/, "", why) }
				else sub(/^(FAIL|ERROR) ?/, "", why)
			}
			rec("fig", arch, s, "result", st)
			if (why != "") rec("fig", arch, s, "reason", why)
		}' "$2" >>"$DATA"
}

# ---- 1. run-time cost: natively, then in each guest ------------------------

mkdir -p "$BB/host"
if [ "${BENCH_HOST:-1}" = 0 ]; then
	:
elif say host bench "uffd_bench natively on $(uname -r) ($(uname -m)), for reference" &&
	gcc -static -O2 -Wall -pthread -o "$BB/host/uffd_bench" "$T/uffd_bench.c" 2>"$BB/host/build.log"; then
	"$BB/host/uffd_bench" >"$B/host.log" 2>&1
	rc=$?
	rec guest host - exit "$rc"
	rec guest host - kernel "$(uname -r)"
	parse_output host "$B/host.log" 0
	[ "$rc" = 0 ] || [ "$rc" = 4 ] || say host bench "uffd_bench exited $rc, see $B/host.log"
else
	say host bench "uffd_bench does not build natively, see $BB/host/build.log"
	rec guest host - status "no native build"
fi

# Build and boot one arch's bench guest: the static init, uffd_bench and a
# suites file naming only it. Everything else comes from build/<arch>/.
bench_guest() {
	load_arch "$1"
	o=$BB/$ARCH_NAME
	if [ ! -f "$OUT/kernel.img" ] || [ ! -x "$OUT/obj/usr/gen_init_cpio" ] ||
		[ ! -d "$OUT/headers/include" ]; then
		say "$ARCH_NAME" bench "no kernel in $OUT: run make matrix ARCHES=$ARCH_NAME first (or wait for the one building it)"
		rec guest "$ARCH_NAME" - status "not built (make matrix ARCHES=$ARCH_NAME)"
		return 0
	fi
	mkdir -p "$o"
	rm -f "$o/initramfs.cpio" "$o/kernel.img"
	CC="${CROSS_COMPILE}gcc"
	command -v ccache >/dev/null && CC="ccache $CC"
	CFLAGS="-static -O2 -Wall -isystem $OUT/headers/include"
	: >"$o/build.log"
	if ! $CC $CFLAGS -I"$PTEMARK_TOP/tools" -o "$o/init" "$PTEMARK_TOP/guest/init.c" \
		"$PTEMARK_TOP/guest/classify.c" "$PTEMARK_TOP/tools/ktap.c" >>"$o/build.log" 2>&1 ||
		! $CC $CFLAGS -pthread -o "$o/uffd_bench" "$T/uffd_bench.c" >>"$o/build.log" 2>&1; then
		say "$ARCH_NAME" bench "ERROR: init or uffd_bench does not build, see $o/build.log"
		rec guest "$ARCH_NAME" - status "error: does not build ($(grep -m1 error: "$o/build.log"))"
		errors=$((errors + 1))
		return 0
	fi
	# format: guest/suites; tap: the figures are uffd_bench's KTAP results
	echo "bench - 300 tap /bin/uffd_bench" >"$o/suites"
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		for d in /bin /etc /etc/ptemark /proc /sys /tmp; do echo "dir $d 0755 0 0"; done
		echo "file /init $o/init 0755 0 0"
		echo "file /etc/ptemark/suites $o/suites 0644 0 0"
		echo "file /bin/uffd_bench $o/uffd_bench 0755 0 0"
	} >"$o/initramfs.list"
	# a copy of the kernel: a matrix run rebuilding it meanwhile removes it
	cp "$OUT/kernel.img" "$o/kernel.img" &&
		"$OUT/obj/usr/gen_init_cpio" -t 0 "$o/initramfs.list" >"$o/initramfs.cpio" 2>>"$o/build.log" || {
		say "$ARCH_NAME" bench "ERROR: cannot pack the bench initramfs, see $o/build.log"
		rec guest "$ARCH_NAME" - status "error: initramfs"
		errors=$((errors + 1))
		return 0
	}
	rec guest "$ARCH_NAME" - kernel_inputs "$(cat "$OUT/kernel.inputs" 2>/dev/null)"
	rec guest "$ARCH_NAME" - kernel_built "$(date -u -r "$OUT/kernel.img" '+%FT%TZ')"

	# scripts/boot.sh as the matrix uses it, pointed at build/bench and
	# results/bench, so the matrix's own files are never touched
	rm -f "$B/$ARCH_NAME/console.log" "$B/$ARCH_NAME/run.meta"
	# (boot.sh looks in BUILD/<base>/<arch> and writes RESULTS/<base>/<arch>.)
	mkdir -p "$BB/$BASE" "$B/$BASE" "$B/$ARCH_NAME" && ln -sfn "../$ARCH_NAME" "$BB/$BASE/$ARCH_NAME" &&
		ln -sfn "../$ARCH_NAME" "$B/$BASE/$ARCH_NAME"
	BUILD=$BB RESULTS=$B GUEST_TIMEOUT=${BENCH_TIMEOUT:-600} "$PTEMARK_TOP/scripts/boot.sh" "$ARCH_NAME" ||
		say "$ARCH_NAME" bench "boot.sh failed"
	log=$B/$ARCH_NAME/console.log
	[ -f "$B/$ARCH_NAME/run.meta" ] &&
		rec guest "$ARCH_NAME" - run_seconds "$(sed -n 's/^run_seconds=//p' "$B/$ARCH_NAME/run.meta")"
	[ -f "$log" ] || { rec guest "$ARCH_NAME" - status "error: no console log"; errors=$((errors + 1)); return 0; }
	sed -n 's/^ptemark-init: kernel \([^ ]*\) uffd_api_features \([^ ]*\) uffd_wp \([0-9]*\).*/\1 \2 \3/p' "$log" |
		tr -d '\r' | head -n 1 | { read -r k f w && rec guest "$ARCH_NAME" - kernel "$k" &&
		rec guest "$ARCH_NAME" - uffd_api_features "$f" && rec guest "$ARCH_NAME" - uffd_wp "$w"; }
	parse_output "$ARCH_NAME" "$log" 4
	if guest_finished "$log"; then
		rec guest "$ARCH_NAME" - status ran
	elif grep -q 'Kernel panic' "$log"; then
		rec guest "$ARCH_NAME" - status "error: kernel panic (see $log)"
		errors=$((errors + 1))
	elif grep -q '^ptemark-init: start' "$log"; then
		rec guest "$ARCH_NAME" - status "error: guest did not finish (see $log)"
		errors=$((errors + 1))
	else
		rec guest "$ARCH_NAME" - status "error: guest did not reach init (see $log)"
		errors=$((errors + 1))
	fi
}

for a in "$@"; do
	bench_guest "$a"
done

# ---- 2. matrix speed -------------------------------------------------------

# What the last matrix run left: its kernel build (build.log's last "built
# ... in Ns": build.seconds is ~0 when the kernel was up to date), its
# suites' time and the boot to init, from results/<arch>/.
for a in "$@"; do
	load_arch "$a"
	b=$(sed -n 's/^built .* in \([0-9]*\)s$/\1/p' "$OUT/build.log" 2>/dev/null | tail -n 1)
	if [ -n "$b" ]; then
		rec speed "$a" - last_build_seconds "$b"
		rec speed "$a" - last_build_at "$(date -u -r "$OUT/build.log" '+%FT%TZ')"
	fi
	if [ -f "$RES/meta" ]; then
		rec speed "$a" - last_run_at "$(date -u -r "$RES/meta" '+%FT%TZ')"
		rec speed "$a" - last_arch_build_step_seconds "$(sed -n 's/^build_seconds=//p' "$RES/meta")"
		s=$(sed -n 's/^run_seconds=//p' "$RES/meta")
		[ -n "$s" ] && rec speed "$a" - last_suites_seconds "$s"
	fi
	u=$(sed -n 's/^ptemark-init: start uptime \([0-9.]*\).*/\1/p' "$RES/console.log" 2>/dev/null | head -n 1)
	[ -n "$u" ] && rec speed "$a" - last_boot_to_init_s "$u"
done

# A no-change rerun of make matrix, timed now. Only for arches that are up
# to date (lib.sh, cell_stale_reason; else it would rebuild or boot, which
# is not what this measures, and would cost minutes); into a copy of their
# results, so the matrix's own are never rewritten.
fresh="" stale=""
for a in "$@"; do
	load_arch "$a"
	if pgrep -f "scripts/arch\.sh $a( |\$)" >/dev/null 2>&1; then
		why="a matrix or mutants run of $a is in progress"
	else
		why=$(cell_stale_reason)
	fi
	if [ -n "$why" ]; then
		stale="$stale $a"
		rec rerun "$a" - skipped "$why"
	else
		fresh="$fresh $a"
	fi
done
fresh=${fresh# }
if [ -z "$fresh" ]; then
	say all bench "no-change rerun not measured: no arch is up to date and idle (make matrix first)"
	rec rerun all - skipped "no arch up to date and idle"
else
	say all bench "no-change rerun: make matrix ARCHES=\"$fresh\""
	rm -rf "$B/rerun"
	mkdir -p "$B/rerun"
	mkdir -p "$B/rerun/$BASE"
	for a in $fresh; do cp -r "$R/$a" "$B/rerun/$BASE/$a"; done
	t0=$(date +%s.%N)
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$PTEMARK_TOP" --no-print-directory \
		matrix ARCHES="$fresh" BASE="$BASE" RESULTS="$B/rerun" >"$B/rerun.log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
	rec rerun all - seconds "$secs"
	rec rerun all - arches "$fresh"
	rec rerun all - exit "$rc"
	# it was only a no-change rerun if nothing was built or booted
	if grep -qE ' (kernel +building|boot +qemu)' "$B/rerun.log"; then
		rec rerun all - note "not a no-change rerun: it rebuilt or booted (see $B/rerun.log)"
	fi
	say all bench "no-change rerun took ${secs}s"
fi

# Cold build and a rebuild after one arch's patches change: only on demand.
# They run on a snapshot of the project: others may edit it meanwhile, and
# a cold build takes long enough for that to matter.
COLD=$B/cold.tsv
if [ -n "${BENCH_COLD:-}" ]; then
	cb=$BB/cold cr=$B/cold snap=$BB/cold-tree
	say all bench "BENCH_COLD=1: cold make matrix in $cb (ccache off), then a rebuild per arch"
	rm -rf "$cb" "$cr" "$snap"
	mkdir -p "$cb" "$cr" "$snap"
	(cd "$PTEMARK_TOP" && tar cf - --exclude=./build --exclude=./results --exclude=./.git .) |
		(cd "$snap" && tar xf -) || die "cannot snapshot the project into $snap"
	tree=$(git -C "$PTEMARK_TOP" rev-parse --short HEAD 2>/dev/null)
	[ -z "$(git -C "$PTEMARK_TOP" status --porcelain 2>/dev/null)" ] || tree="$tree + uncommitted changes"
	now=$(date -u '+%FT%TZ')
	: >"$COLD.new"
	cold_make() {	# cold_make VAR=VALUE ARCH...: make matrix on the snapshot, in the sandbox
		e=$1
		shift
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u PTEMARK_TOP "$e" make -C "$snap" \
			--no-print-directory matrix ARCHES="$*" BASE="$BASE" BUILD="$cb" RESULTS="$cr"
	}
	t0=$(date +%s)
	# shellcheck disable=SC2086
	cold_make CCACHE_DISABLE=1 $matrix_order >"$B/cold.log" 2>&1
	rc=$?
	# the cold compile times, before the rerun below rewrites build.seconds
	for a in "$@"; do
		printf 'cold\t%s\t-\tbuild_seconds\t%s\n' "$a" "$(cat "$cb/$BASE/$a/build.seconds" 2>/dev/null)"
	done >>"$COLD.new"
	printf 'cold\tall\t-\t%s\t%s\n' seconds "$(($(date +%s) - t0))" arches "$matrix_order" at "$now" \
		exit "$rc" tree "${tree:-unknown}" >>"$COLD.new"
	# nothing changed since: a no-change rerun there is one for sure
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	cold_make BENCH_PHASE=rerun $matrix_order >"$B/cold-rerun.log" 2>&1
	printf 'cold\tall\t-\trerun_seconds\t%s\n' "$(echo "$t0 $(date +%s.%N)" |
		awk '{ printf "%.2f", $2 - $1 }')" >>"$COLD.new"
	grep -qE ' (kernel +building|boot +qemu)' "$B/cold-rerun.log" &&
		printf 'cold\tall\t-\trerun_note\trebuilt or booted: not a no-change rerun\n' >>"$COLD.new"
	for a in "$@"; do
		load_arch "$a"
		printf 'cold\t%s\t-\tsuites_seconds\t%s\n' "$a" \
			"$(sed -n 's/^run_seconds=//p' "$cr/$BASE/$a/meta" 2>/dev/null)" >>"$COLD.new"
		# as if its patches changed: the inputs hash no longer matches, so
		# the tree is relinked, re-patched and the patched files rebuilt
		[ -f "$cb/$BASE/$a/kernel.inputs" ] || continue
		# prep.inputs too: else the prep is kept and the compile finds nothing to do
		echo changed >"$cb/$BASE/$a/kernel.inputs"
		echo changed >"$cb/$BASE/$a/prep.inputs"
		t0=$(date +%s)
		env -u PTEMARK_TOP BUILD="$cb" RESULTS="$cr" "$snap/scripts/arch.sh" "$a" >>"$B/cold.log" 2>&1
		printf 'cold\t%s\t-\t%s\t%s\n' "$a" patch_rebuild_seconds "$(($(date +%s) - t0))" >>"$COLD.new"
	done
	mv "$COLD.new" "$COLD"
	# a sandbox for the measurement only (a whole source tree per arch)
	rm -rf "$cb" "$snap"
	rec cold all - source "measured now (BENCH_COLD=1)"
	cat "$COLD" >>"$DATA"
elif [ -f "$COLD" ]; then
	rec cold all - source "recorded by BENCH_COLD=1 on $(sed -n 's/^cold	all	-	at	//p' "$COLD")"
	cat "$COLD" >>"$DATA"
else
	rec cold all - source "never measured (BENCH_COLD=1 measures it, 20+ min)"
fi

# ---- 3. zero cost ----------------------------------------------------------

RESULTS=$B "$PTEMARK_TOP/scripts/zerocost.sh" "$@" >/dev/null 2>&1
# Its columns by its header: the counts, then a verdict (maybe two words).
awk '
	NR == 1 { for (i = 3; i <= NF; i++) col[i] = $i; last = col[NF]; next }
	/\(not built/ { printf "zerocost\t%s\t-\tnote\t%s\n", $1, substr($0, index($0, "(")); next }
	NF >= 3 {
		for (i = 3; i <= NF && $i ~ /^[0-9]+$/; i++)
			printf "zerocost\t%s\t%s\t%s\t%s\n", $1, $2, col[i], $i
		v = ""
		for (; i <= NF; i++)
			v = v (v == "" ? "" : " ") $i
		printf "zerocost\t%s\t%s\t%s\t%s\n", $1, $2, last, v
	}' "$B/zerocost.txt" >>"$DATA"

# ---- 4. the table, bench.json, bench.svg -------------------------------------

awk -F '\t' -v svg="$R/bench.svg" -v derived="$B/derived.tsv" -v ref="$BENCH_REF" -f "$T/report.awk" "$DATA" ||
	die "tests/bench/report.awk failed on $DATA"
cat "$DATA" "$B/derived.tsv" | jq -Rn --arg date "$(date -u '+%FT%TZ')" '
	def val($k): if ($k | test("^(kernel|kernel_inputs|uffd_api_features|reason|status|note|rerun_note|source|skipped|arches|tree)$"))
		then . else (tonumber? // (if . == "yes" then true elif . == "no" then false else . end)) end;
	reduce (inputs | split("\t")) as $r ({ generated: $date };
		if $r[2] == "-" then setpath([$r[0], $r[1], $r[3]]; $r[4] | val($r[3]))
		else setpath([$r[0], $r[1], $r[2], $r[3]]; $r[4] | val($r[3])) end)' \
	>"$R/bench.json" || die "jq could not write $R/bench.json"
echo
echo "Zero cost: instructions per marker op, from each kernel's mm/pte_marker_cost.o (scripts/zerocost.sh)"
cat "$B/zerocost.txt"
say all bench "${R#"$PTEMARK_TOP"/}/bench.json, bench.svg, logs in ${B#"$PTEMARK_TOP"/}/"
bad=$(awk -F '\t' '$1 == "fig" && $4 == "result" && $5 == "fail" { printf " %s/%s", $2, $3 }' "$DATA")
[ -z "$bad" ] || die "figures failed (a syscall or a tracker's correctness check):$bad; see results/bench/<arch>/console.log"
[ "$errors" -eq 0 ] || die "$errors bench guest(s) did not run (see above)"
