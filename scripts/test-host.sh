#!/bin/sh
# Run every tests/<area>/run.sh (each prints TAP) and keep what it printed
# in results/host/<area>.tap; tools/report reads those with the shared KTAP
# reader (tools/ktap.c), prints "host tests: N passed, N failed, N skipped",
# writes results/host/counts.json, and puts them in junit.xml.
# Exits non-zero on any failure, a plan not kept, or a run.sh that failed
# without saying which test.
set -u
. "$(dirname "$0")/lib.sh"
H=$RESULTS/host
rm -rf "$H" && mkdir -p "$H"
for t in "$PTEMARK_TOP"/tests/*/run.sh; do
	area=$(basename "$(dirname "$t")")
	say tests "$area" "running"
	sh "$t" >"$H/$area.tap" 2>"$H/$area.stderr"
	rc=$?
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok [0-9]' "$H/$area.tap"; then
		echo "Bail out! run.sh exited $rc without a failing test line" >>"$H/$area.tap"
	fi
	sed "s/^/    [$area] /" "$H/$area.tap"
	sed "s/^/    [$area] stderr: /" "$H/$area.stderr"
done
"$BUILD/tools/report" --host "$RESULTS"
