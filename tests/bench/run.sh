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

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

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
		if printf '%s\n' "$line" | grep -qE ' ratio=[0-9]+\.[0-9]{3} ratio_min=[0-9.]+ ratio_max=[0-9.]+ ratio_best=[0-9.]+$' &&
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

# report.awk on recorded records: the table's rows and a whole SVG.
if awk -F '\t' -v svg="$OUT/bench.svg" -v derived="$OUT/derived.tsv" -f "$HERE/report.awk" \
	"$HERE/sample.tsv" >"$OUT/report.txt" 2>&1 &&
	grep -q '^x86_64   6\.12\.117 ' "$OUT/report.txt" &&
	grep -q '^  arm64    wp_anon [0-9.]* vs [0-9.]* ([-+][0-9]*%) \(yes\|no\)' "$OUT/report.txt" &&
	grep -q '^riscv64 .*skip\[' "$OUT/report.txt" &&
	head -n 1 "$OUT/bench.svg" | grep -q '^<svg ' && tail -n 1 "$OUT/bench.svg" | grep -qx '</svg>' &&
	grep -q '^compare	arm64	wp_anon	within_10pct	\(yes\|no\)$' "$OUT/derived.tsv"; then
	ok "report.awk: table, x86_64 comparison, skips, SVG"
else
	not_ok "report.awk on sample.tsv (see $OUT/report.txt)"
fi
