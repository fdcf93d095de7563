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
# As the selftests' lib.mk builds them (7.3 relies on its -D_GNU_SOURCE=).
CFLAGS="-Wall -O2 -static -U_FORTIFY_SOURCE -D_GNU_SOURCE= -I $SRC -I $SRC/tools/testing/selftests -isystem $OUT/headers/include -isystem $SRC/tools/include/uapi"
LIBS="-lrt -lpthread -lm"

# The uffd-wp suites of every base; a base whose tree lacks one (6.12 has
# no uffd-wp-mremap) does not build it, and the guest reports it missing.
# Each is linked as the tree's own mm/Makefile says: its common sources
# ("$(TEST_GEN_PROGS): ...") and its own ("$(OUTPUT)/<name>: ...").
SUITES="uffd-unit-tests uffd-stress pagemap_ioctl soft-dirty uffd-wp-mremap"
common=$(sed -n 's/^\$(TEST_GEN_PROGS): *//p' "$MM/Makefile" | head -n 1)
PROGS=$(for name in $SUITES; do
	[ -f "$MM/$name.c" ] || continue
	own=$(sed -n "s|^\\\$(OUTPUT)/$name: *||p" "$MM/Makefile" | head -n 1)
	echo "$name:$name.c $own $common"
done)

REGRESS=$PTEMARK_TOP/tests/regress
inputs=$( { cat "$OUT/prep.inputs" 2>/dev/null; echo "$CC $CFLAGS $LIBS $PROGS"; cat "$0";
	cat "$REGRESS"/*.c "$REGRESS"/*.h 2>/dev/null; } | sha256sum | cut -c1-16)
if [ "$(cat "$BIN/.inputs" 2>/dev/null)" = "$inputs" ]; then
	exit 0
fi
say "$ARCH_NAME" selftests "cross-compiling $(echo "$PROGS" | cut -d: -f1 | tr '\n' ' ')"
: >"$LOG"
rm -f "$BIN"/*
echo "$PROGS" | while IFS=: read -r name files; do
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
