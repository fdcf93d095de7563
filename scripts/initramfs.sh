#!/bin/sh
# Pack one arch's initramfs: the static init, the suites and their list,
# and the user's extra tests (TESTS=<dir>, every *.c cross-compiled).
# Usage: scripts/initramfs.sh ARCH_NAME
# GUEST_SUITES="regress soft-dirty" packs only those suites' lines of
# guest/suites (first column); default: all.
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"

G=$PTEMARK_TOP/guest
CC="ccache ${CROSS_COMPILE}gcc"
CFLAGS="-static -O2 -Wall -isystem $OUT/headers/include"
LOG=$OUT/initramfs.log
: >"$LOG"
mkdir -p "$OUT/extra"

# Nothing to do when the init, the suites and the extra tests are unchanged:
# an identical initramfs lets scripts/arch.sh reuse the last results.
[ -z "${TESTS:-}" ] || [ -d "$TESTS" ] || die "TESTS=$TESTS is not a directory"
TESTS=$(user_dir "${TESTS:-}")	# its <base>/ when it has one

# Every file under DIR, named and in full: a header a test includes counts
# as much as the test.
tree_text() {
	find "$1" -type f ! -name '*.md' | LC_ALL=C sort | while read -r f; do echo "== $f"; cat "$f"; done
}
inputs=$( { tree_text "$G"; cat "$PTEMARK_TOP/tools/ktap.c" "$PTEMARK_TOP/tools/ktap.h" "$0" "$OUT/bin/.inputs" "$OUT/prep.inputs";
	echo "$CC $CFLAGS ${TESTS:-}"; echo "suites: ${GUEST_SUITES:-}";
	[ -n "${TESTS:-}" ] && tree_text "$TESTS"; } | sha256sum | cut -c1-16)
if [ -f "$OUT/initramfs.cpio" ] && [ "$(cat "$OUT/initramfs.inputs" 2>/dev/null)" = "$inputs" ]; then
	exit 0
fi
rm -f "$OUT/initramfs.inputs"

# The suite list the guest gets: guest/suites, or only GUEST_SUITES' lines.
suites=$OUT/suites
if [ -n "${GUEST_SUITES:-}" ]; then
	check_guest_suites
	awk -v want=" $(echo "$GUEST_SUITES" | tr -s '[:space:]' ' ') " '/^#/ || /^[[:space:]]*$/ || index(want, " " $1 " ")' \
		"$G/suites" >"$suites"
else
	cp "$G/suites" "$suites"
fi

say "$ARCH_NAME" initramfs "static init, $(ls "$OUT/bin" | wc -l) suite binaries${TESTS:+, extra tests from $TESTS}"
$CC $CFLAGS -I"$PTEMARK_TOP/tools" -o "$OUT/init" "$G/init.c" "$G/classify.c" \
	"$PTEMARK_TOP/tools/ktap.c" >>"$LOG" 2>&1 ||
	die "$ARCH_NAME: guest init does not build, see $LOG"

rm -f "$OUT/extra"/*
if [ -n "${TESTS:-}" ]; then
	for c in "$TESTS"/*.c; do
		[ -f "$c" ] || continue
		n=$(basename "$c" .c)
		$CC $CFLAGS -o "$OUT/extra/$n" "$c" -lpthread >>"$LOG" 2>&1 ||
			die "$ARCH_NAME: extra test $c does not build: $(grep -m1 error: "$LOG")"
	done
fi

# gen_init_cpio (built by the prep phase) needs no root for the device node.
list=$OUT/initramfs.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /etc /etc/ptemark /extra /proc /sys /tmp; do echo "dir $d 0755 0 0"; done
	echo "file /init $OUT/init 0755 0 0"
	echo "file /etc/ptemark/suites $suites 0644 0 0"
	for b in "$OUT/bin"/*; do echo "file /bin/$(basename "$b") $b 0755 0 0"; done
	for b in "$OUT/extra"/*; do [ -f "$b" ] && echo "file /extra/$(basename "$b") $b 0755 0 0"; done
} >"$list"
# -t 0: the same files give the same bytes, whatever their mtimes.
"$OUT/obj/usr/gen_init_cpio" -t 0 "$list" >"$OUT/initramfs.cpio.new" 2>>"$LOG" ||
	die "$ARCH_NAME: gen_init_cpio failed, see $LOG"
mv "$OUT/initramfs.cpio.new" "$OUT/initramfs.cpio"
echo "$inputs" >"$OUT/initramfs.inputs"
