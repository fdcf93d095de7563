#!/bin/sh
# make bench: what uffd-wp costs in each arch's guest against the paths it
# replaces (tests/bench/uffd_bench.c), how fast the matrix is, and the zero
# cost of the marker API; a table on stdout, results/bench.json and
# results/bench.svg. Figures are compared within one run and never judged:
# only a real error (a guest that does not boot or finish, a tracker that
# finds the wrong pages) makes it fail.
# Usage: scripts/bench.sh [ARCH_NAME...]   (default: $ARCHES, else every arch)
#   BENCH_COLD=1          also measure a cold build of the whole matrix and a
#                         rebuild of each arch after its patches change (20+ min)
#   BENCH_TIMEOUT=<s>     limit for one bench guest (default 600)
# Writes only results/bench* and build/bench/; each arch's kernel comes from
# build/<arch>/ (make matrix ARCHES=<arch> builds it).
set -u
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- ${ARCHES:-$(all_arches)}
for a in "$@"; do arch_dir "$a" >/dev/null || die "unknown arch '$a' (known: $(all_arches | tr '\n' ' '))"; done

T=$PTEMARK_TOP/tests/bench
B=$RESULTS/bench
BB=$BUILD/bench
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
say host bench "uffd_bench natively on $(uname -r) ($(uname -m)), for reference"
if gcc -static -O2 -Wall -pthread -o "$BB/host/uffd_bench" "$T/uffd_bench.c" 2>"$BB/host/build.log"; then
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
		say "$ARCH_NAME" bench "no kernel in $OUT: run make matrix ARCHES=$ARCH_NAME first"
		rec guest "$ARCH_NAME" - status "not built (make matrix ARCHES=$ARCH_NAME)"
		return 0
	fi
	mkdir -p "$o"
	rm -f "$o/initramfs.cpio" "$o/kernel.img"
	CC="${CROSS_COMPILE}gcc"
	command -v ccache >/dev/null && CC="ccache $CC"
	CFLAGS="-static -O2 -Wall -isystem $OUT/headers/include"
	: >"$o/build.log"
	if ! $CC $CFLAGS -o "$o/init" "$PTEMARK_TOP/guest/init.c" "$PTEMARK_TOP/guest/classify.c" >>"$o/build.log" 2>&1 ||
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
	if grep -q '^ptemark-init: done' "$log"; then
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
