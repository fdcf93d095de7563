#!/bin/sh
# Run every tests/<area>/run.sh (each prints TAP lines) and sum them up.
# Ends with "N passed, N failed, N skipped"; exits non-zero on any failure.
set -u
. "$(dirname "$0")/lib.sh"
pass=0 fail=0 skip=0
for t in "$PTEMARK_TOP"/tests/*/run.sh; do
	area=$(basename "$(dirname "$t")")
	say tests "$area" "running"
	out=$(sh "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/    [$area] /"
	p=$(printf '%s\n' "$out" | grep -E '^ok [0-9]+' | grep -vc '# SKIP')
	s=$(printf '%s\n' "$out" | grep -E '^ok [0-9]+' | grep -c '# SKIP')
	f=$(printf '%s\n' "$out" | grep -cE '^not ok [0-9]+')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "    [$area] not ok - run.sh exited $rc without a failing test line"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "host tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
