#!/bin/sh
# make matrix again with nothing changed starts no step of any cell; a
# change to any input of a cell runs that cell's steps again, which then
# rebuild or boot only what the change reaches. On the fake project of
# tests/lib.sh (two fake arches on two fake bases), whose "QEMU" writes
# down each boot. Prints TAP.
set -u
unset ARCHES PATCHES TESTS RERUN GUEST_TIMEOUT GUEST_SUITES GUEST_CMDLINE GUEST_SMP GUEST_MEM BASE BUILD RESULTS \
	PTEMARK_TOP MAKEFLAGS MFLAGS MAKELEVEL
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$TOP/build/tests/rerun
rm -rf "$T" && mkdir -p "$T"
n=0 failed=0
. "$TOP/tests/lib.sh"
CHECK_TAIL=30

P=$T/proj
fake_project "$P" "$TOP"
# Each boot: a line "<base>/<arch>" in $P/boots.
for d in fa fb; do
	printf 'k=""; while [ $# -gt 0 ]; do [ "$1" = -kernel ] && k=$2; shift; done\n%s\n%s\n' \
		'k=${k%%/kernel.img}; echo "${k##*/build/}" >>"$(dirname "$0")/../boots"' \
		'cat "$(dirname "$0")/guest.log"' >"$P/arch-$d/qemu.sh"
done
: >"$P/boots"

mk() {	# mk NAME [VAR=value...]: make matrix in the fake project, output in $T/NAME.log
	_name=$1; shift
	_before=$(wc -l <"$P/boots")
	(cd "$P" && make --no-print-directory matrix "$@") >"$T/$_name.log" 2>&1
	echo "make exit $?" >>"$T/$_name.log"
	tail -n "+$((_before + 1))" "$P/boots" | sort >"$T/$_name.boots"
}
# booted NAME "cells": exactly those cells ("<base>/<arch>", sorted) booted in run NAME
booted() {
	printf '%s\n' $2 | sed '/^$/d' | sort >"$T/$1.want"
	diff "$T/$1.want" "$T/$1.boots" || { echo "(booted above, right: wanted left)"; cat "$T/$1.log"; return 1; }
}
# fresh NAME "cells": exactly those cells were up to date, no step of theirs ran
fresh() {
	for c in $2; do
		grep -q "] $c *cell *up to date" "$T/$1.log" || { echo "$c not up to date"; cat "$T/$1.log"; return 1; }
		! grep -E "] $c +(source|config|prepare|kernel|initramfs|selftests|boot) " "$T/$1.log" || { echo "a step of $c ran"; return 1; }
	done
	[ "$(grep -c ' cell *up to date' "$T/$1.log")" -eq "$(echo $2 | wc -w)" ] || { cat "$T/$1.log"; return 1; }
}
ALL="6.12/fakea64 6.12/fakeb64 7.3/fakea64 7.3/fakeb64"
CELLS="fakea64@6.12 fakeb64@6.12 fakea64@7.3 fakeb64@7.3"

ran_ok() { grep -q '^make exit 0' "$T/$1.log" || { cat "$T/$1.log"; return 1; }; }
first_run() { ran_ok first && booted first "$ALL"; }
mk first
check "a first run builds and boots every cell" first_run

# Nothing changed: no step of any cell, no boot, the same report.
cp "$P/results/matrix.md" "$T/first.md"
nochange() { ran_ok same && booted same "" && fresh same "$CELLS" && diff "$T/first.md" "$P/results/matrix.md"; }
mk same
check "nothing changed: every cell up to date, no step run, nothing booted, the same report" nochange

# one_line_patch FILE OLD NEW: a patch turning the fake tree's "int OLD;" into "int NEW;"
one_line_patch() {
	printf 'Subject: [PATCH] mm: %s\n\n--- a/file.c\n+++ b/file.c\n@@ -1 +1 @@\n-int %s;\n+int %s;\n' \
		"$3" "$2" "$3" >"$1"
}
# slow NAME "cells": those cells' steps ran (each through its kernel step)
slow() {
	for c in $2; do
		grep -qE "] $c +kernel " "$T/$1.log" || { echo "no kernel step of $c"; cat "$T/$1.log"; return 1; }
	done
}
# A new patch for one arch on one base: that cell rebuilt and booted; the
# arch's cell on the other base ran its steps (its directory changed) but
# rebuilt nothing; the other arch's cells stayed up to date.
mkdir -p "$P/arch-fa/patches/7.3"
one_line_patch "$P/arch-fa/patches/7.3/0001-a-change.patch" x y
newpatch() {
	ran_ok patch && booted patch "7.3/fakea64" && fresh patch "fakeb64@6.12 fakeb64@7.3" &&
	grep -q 'fakea64@7.3 *kernel *building' "$T/patch.log" && grep -q 'fakea64@6.12 *kernel *up to date' "$T/patch.log"
}
mk patch
check "a new patch: its cell rebuilt and booted, the other arch's cells up to date" newpatch
rm "$P/arch-fa/patches/7.3/0001-a-change.patch"
gone() { ran_ok gone && booted gone "7.3/fakea64" && grep -q 'fakea64@7.3 *kernel *building' "$T/gone.log"; }
mk gone
check "a patch removed: its cell rebuilt and booted again" gone

# A file touched but not changed: every cell's steps run (each input is
# read again), nothing is rebuilt or booted.
touch "$P/scripts/boot.sh"
touched() { ran_ok touched && booted touched "" && slow touched "$CELLS" && ! grep -q 'kernel *building' "$T/touched.log"; }
mk touched
check "an input touched, not changed: every cell's steps run, nothing rebuilt or booted" touched
mk after
check "... and the run after it finds every cell up to date" fresh after "$CELLS"

# Options: a guest option boots every guest again; the same option again
# is a no-change run; dropping it boots them again.
mk opt GUEST_CMDLINE=quiet
check "a guest option changed: every guest booted again" booted opt "$ALL"
mk opt2 GUEST_CMDLINE=quiet
check "... the same option again: every cell up to date" fresh opt2 "$CELLS"
mk opt3
check "... the option dropped: every guest booted again" booted opt3 "$ALL"
mk rerun RERUN=1
check "RERUN=1 boots every guest again" booted rerun "$ALL"

# A cell's results gone: that cell boots again, the others stay up to date.
rm "$P/results/7.3/fakeb64/console.log"
lost() { ran_ok lost && booted lost "7.3/fakeb64" && fresh lost "fakea64@6.12 fakeb64@6.12 fakea64@7.3"; }
mk lost
check "a cell's console log removed: that cell boots again, the others up to date" lost

# A last run over a day ago: the base's archive is asked again (source.sh),
# so the cell runs its steps.
touch -d '2 days ago' "$P/build/6.12/fakea64/cell.stamp"
old() { ran_ok old && booted old "" && slow old "fakea64@6.12" && fresh old "fakeb64@6.12 fakea64@7.3 fakeb64@7.3"; }
mk old
check "a cell last run over a day ago runs its steps" old

# A guest that did not finish is booted again on every run.
cp "$TOP/tests/report/logs/truncated/x86_64/console.log" "$P/arch-fb/guest.log"
mk trunc1 RERUN=1
mk trunc2
trunc() { booted trunc2 "6.12/fakeb64 7.3/fakeb64" && fresh trunc2 "fakea64@6.12 fakea64@7.3"; }
check "a guest that did not finish is booted again on the next run" trunc
cp "$TOP/tests/report/logs/clean/s390x/console.log" "$P/arch-fb/guest.log"

# The user's own patches (PATCHES=) are inputs too: with DIR as PATCHES=,
# a second run is up to date, and a patch added to TARGET (DIR itself, or
# what DIR links to) rebuilds and boots every cell.
user_patches() {	# user_patches NAME DIR TARGET PATCH OLD NEW
	mk "$1.1" PATCHES="$2"
	mk "$1.2" PATCHES="$2"
	one_line_patch "$3/$4" "$5" "$6"
	mk "$1.3" PATCHES="$2"
	fresh "$1.2" "$CELLS" && booted "$1.3" "$ALL"
}
mkdir -p "$T/mine"
check "PATCHES=: the same directory again is up to date, a patch added there rebuilds" \
	user_patches mine "$T/mine" "$T/mine" 0001-mine.patch x z
ln -s "$T/mine" "$T/mine-link"
check "PATCHES= a link to a directory: a patch added there rebuilds" \
	user_patches link "$T/mine-link" "$T/mine" 0002-more.patch z w

echo "1..$n"
[ "$failed" -eq 0 ]
