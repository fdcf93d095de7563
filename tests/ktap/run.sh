#!/bin/sh
# The shared KTAP reader (tools/ktap.c), natively: its status rules,
# escapes, numbering and plan checks.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build/tests/ktap
mkdir -p "$B"
gcc -O2 -Wall -Wextra -o "$B/ktap_test" "$TOP/tests/ktap/ktap_test.c" "$TOP/tools/ktap.c" 2>"$B/cc.log" ||
	{ echo "not ok 1 - ktap_test builds"; sed 's/^/# /' "$B/cc.log"; echo "1..1"; exit 1; }
"$B/ktap_test"
