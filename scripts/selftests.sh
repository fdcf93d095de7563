#!/bin/sh
# Cross-compile the upstream uffd selftests and the project's own guest
# tests (tests/regress/*.c) statically for one arch, against that arch's
# installed kernel headers. Output: build/<arch>/bin/.
# Usage: scripts/selftests.sh ARCH_NAME
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"

SRC=$OUT/src
MM=$SRC/tools/testing/selftests/mm
BIN=$OUT/bin
LOG=$OUT/selftests.log
[ -d "$OUT/headers/include" ] || die "$ARCH_NAME: no kernel headers in $OUT/headers (run scripts/arch.sh $ARCH_NAME prep first)"
mkdir -p "$BIN"

CC="ccache ${CROSS_COMPILE}gcc"
CFLAGS="-Wall -O2 -static -U_FORTIFY_SOURCE -I $SRC -isystem $OUT/headers/include -isystem $SRC/tools/include/uapi"
LIBS="-lrt -lpthread -lm"

# name: sources, as upstream's mm/Makefile links them.
PROGS="uffd-unit-tests:uffd-unit-tests.c,uffd-common.c
uffd-stress:uffd-stress.c,uffd-common.c
pagemap_ioctl:pagemap_ioctl.c
soft-dirty:soft-dirty.c"

REGRESS=$PTEMARK_TOP/tests/regress
inputs=$( { cat "$OUT/prep.inputs" 2>/dev/null; echo "$CC $CFLAGS $LIBS $PROGS"; cat "$0";
	cat "$REGRESS"/*.c "$REGRESS"/*.h 2>/dev/null; } | sha256sum | cut -c1-16)
if [ "$(cat "$BIN/.inputs" 2>/dev/null)" = "$inputs" ]; then
	exit 0
fi
say "$ARCH_NAME" selftests "cross-compiling $(echo "$PROGS" | cut -d: -f1 | tr '\n' ' ')"
: >"$LOG"
echo "$PROGS" | while IFS=: read -r name srcs; do
	files=$(echo "$srcs,vm_util.c,thp_settings.c" | tr ',' ' ')
	(cd "$MM" && $CC $CFLAGS -o "$BIN/$name" $files $LIBS) >>"$LOG" 2>&1 ||
		{ echo "FAILED: $name" >>"$LOG"; exit 1; }
done || die "$ARCH_NAME: selftest build failed, see $LOG: $(grep -m1 error: "$LOG")"
for c in "$REGRESS"/*.c; do
	[ -f "$c" ] || continue
	name=regress-$(basename "$c" .c)
	$CC $CFLAGS -I "$REGRESS" -o "$BIN/$name" "$c" $LIBS >>"$LOG" 2>&1 ||
		die "$ARCH_NAME: $c does not build, see $LOG: $(grep -m1 error: "$LOG")"
done
echo "$inputs" >"$BIN/.inputs"
