#!/bin/sh
# make refresh BASE=<base> TO=<major.minor>: the newest base moved to the
# next version in one command, on two copies of the repository (a git
# checkout and a plain tree). PTEMARK_TEST_ARCHIVE stands for the archive
# (the packages it holds): nothing is fetched, and apt-get and apt-cache
# are stubs that fail if called. Every file is a copy; the tree is never
# written to.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$TOP/build/tests/basemove
# make check exports the user's options, and make's own (MAKEFLAGS).
unset ARCHES PATCHES TESTS KERNEL_SRC KERNEL_PKG_VERSION BASE TO BUILD RESULTS PTEMARK_TOP PTEMARK_TEST_ARCHIVE
unset MAKEFLAGS MFLAGS MAKELEVEL
rm -rf "$T" && mkdir -p "$T/bin"
n=0 failed=0
. "$TOP/tests/lib.sh"
for t in apt-get apt-cache; do
	printf '#!/bin/sh\necho "%s $*" >>%s/apt.calls\nexit 1\n' "$t" "$T" >"$T/bin/$t"
	chmod +x "$T/bin/$t"
done
PATH=$T/bin:$PATH
export PATH

# The newest base moves to the next minor version; the others stay.
bases=$(ls "$TOP/generic/bases" | sed -n 's/\.conf$//p' | sort -V)
FROM=$(echo "$bases" | tail -n 1)
TO=$(echo "$FROM" | awk -F. '{ print $1 "." $2 + 1 }')
OTHERS=$(echo "$bases" | sed '$d')
LTS=$(echo "$bases" | head -n 1)
PKG=$(sed -n 's/^KERNEL_PKG=//p' "$TOP/generic/bases/$FROM.conf")
NEWPKG=${PKG%"$FROM"}$TO
re() { echo "$1" | sed 's/\./\\./g'; }

# base_files DIR BASE: every file DIR keys by BASE (a directory or a file
# suffix named after it, and generic/bases/<base>.conf), outside build/.
base_files() {
	(cd "$1" && find . \( -path ./.git -o -path ./build -o -path ./results \) -prune -o -type f -print) |
		sed 's|^\./||' | grep -E "(^|/)$(re "$2")/|\\.$(re "$2")\$|^generic/bases/$(re "$2")\\.conf\$" | sort
}
# moved BASE TO: the paths on stdin as they are named once BASE is TO.
moved() {
	sed -E "s#(^|/)$(re "$1")/#\\1$2/#; s#\\.$(re "$1")\$#.$2#; s#^generic/bases/$(re "$1")\\.conf\$#generic/bases/$2.conf#"
}
# series DIR BASE: each arch's series on BASE, relative to DIR.
series() {
	(export PTEMARK_TOP=$1 BASE=$2; . "$1/scripts/lib.sh"; . "$1/scripts/series.sh"
	 for a in $(all_arches); do load_arch "$a"; series_list | sed "s|^|$a |; s| $1/| |"; done) | sort
}

# G: a git checkout of the tree's files as they are; N: the same, no git.
G=$T/git N=$T/plain
mkdir -p "$G" "$N"
(cd "$TOP" && git ls-files -z -co --exclude-standard | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$G"
cp -R "$G/." "$N/"
(cd "$G" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm copy) >/dev/null 2>&1
base_files "$G" "$FROM" >"$T/from.files"
series "$G" "$FROM" | moved "$FROM" "$TO" | sort >"$T/series.expected"
cp "$G/generic/bases/$FROM.conf" "$T/from.conf"
unchanged() { [ -z "$(git -C "$G" status --porcelain)" ] || { git -C "$G" status --porcelain; false; }; }

# The move must never reach make's setup (apt-get, the fetch of $FROM):
# before anything runs for real, make's dry run says what it would do.
make -s -n -C "$G" refresh BASE="$FROM" TO="$TO" >"$T/dry" 2>&1
if ! grep -q 'scripts/move-base\.sh' "$T/dry" || grep -q 'scripts/setup\.sh\|scripts/source\.sh' "$T/dry"; then
	echo "not ok 1 - make refresh BASE=$FROM TO=$TO runs the move and no setup of $FROM"
	sed 's/^/# /' "$T/dry"
	echo "Bail out! make refresh does not know TO=: the rest would run apt-get and fetch for real"
	exit 1
fi
check "make refresh BASE=$FROM TO=$TO runs the move and no setup of $FROM" true

# Refusals: each by a clear message, each before anything is renamed.
refused() {	# refused "message" make-arguments...: fails with the message, tree unchanged
	msg=$1; shift
	! PTEMARK_TEST_ARCHIVE=$NEWPKG make -s -C "$G" refresh "$@" >"$T/refused" 2>&1 &&
	cat "$T/refused" && grep -qF -- "$msg" "$T/refused" && unchanged
}
check "TO that is not <major>.<minor> is refused" \
	refused "TO='next': a base is named by its version, <major>.<minor> (e.g. $TO)" BASE="$FROM" TO=next
check "a base that does not exist is refused" \
	refused "no base '5.4' to move (known: $(echo $bases))" BASE=5.4 TO=5.5
check "TO= with more than one base is refused" \
	refused "TO= moves one base: give one BASE= (not '$(echo $bases)')" BASE="$(echo $bases)" TO="$TO"
check "TO that is an existing base is refused" \
	refused "base $LTS exists already (generic/bases/$LTS.conf): nothing was moved" BASE="$FROM" TO="$LTS"
a=$(ls -d "$G"/arch-* | head -n 1)
check "TO with one file of its own already is refused, naming it" sh -c "
	: >$a/expect.$TO
	! PTEMARK_TEST_ARCHIVE=$NEWPKG make -s -C $G refresh BASE=$FROM TO=$TO >$T/refused 2>&1; r=\$?
	rm -f $a/expect.$TO; cat $T/refused
	[ \$r = 0 ] && grep -qF 'base $TO exists already (${a#"$G"/}/expect.$TO): nothing was moved' $T/refused &&
	[ -z \"\$(git -C $G status --porcelain)\" ]"
check "a package the archive does not have is refused before anything is renamed" sh -c "
	! PTEMARK_TEST_ARCHIVE='$PKG linux-source-$LTS' make -s -C $G refresh BASE=$FROM TO=$TO >$T/refused 2>&1 &&
	cat $T/refused && grep -q 'has no $NEWPKG (it has: .*$PKG.*)' $T/refused && grep -q 'nothing was moved' $T/refused &&
	[ -z \"\$(git -C $G status --porcelain)\" ]"

# When the archive has dropped the base's package, source.sh names the
# command: with the newest linux-source the lists know of, else generic.
if [ -n "$(sed -n 's/^APT_SOURCE=//p' "$G/generic/bases/$FROM.conf" | tr -d '"')" ]; then
	check "a base whose package the archive dropped: the message names make refresh BASE=$FROM TO=$TO" sh -c "
		! PTEMARK_TEST_ARCHIVE='linux-source-$LTS $NEWPKG' BASE=$FROM sh $G/scripts/source.sh >$T/dropped 2>&1 &&
		cat $T/dropped && grep -qF 'has no $PKG' $T/dropped &&
		grep -qF 'make refresh BASE=$FROM TO=$TO' $T/dropped && grep -qF 'docs/PORTING.md' $T/dropped"
	check "... and without a newer linux-source in the lists, the command with TO=<major>.<minor>" sh -c "
		! PTEMARK_TEST_ARCHIVE='linux-source-$LTS' BASE=$FROM sh $G/scripts/source.sh >$T/dropped 2>&1 &&
		cat $T/dropped && grep -qF 'make refresh BASE=$FROM TO=<major>.<minor>' $T/dropped"
fi

# The move, in the git checkout: no source of $TO in build/, so the
# refresh is left out (the test archive fetches nothing).
t_move() {
	PTEMARK_TEST_ARCHIVE=$NEWPKG make -s -C "$G" refresh BASE="$FROM" TO="$TO"
}
t_renamed() {
	[ -s "$T/from.files" ] && moved "$FROM" "$TO" <"$T/from.files" >"$T/to.files" &&
	base_files "$G" "$TO" >"$T/to.now" && sort "$T/to.files" | diff - "$T/to.now" &&
	paste -d' ' "$T/from.files" "$T/to.files" | sort >"$T/pairs" &&
	while read -r f t; do
		[ "$t" = "generic/bases/$TO.conf" ] ||
			git -C "$G" show "HEAD:$f" | cmp -s - "$G/$t" || { echo "changed: $f -> $t"; return 1; }
	done <"$T/pairs" &&
	git -C "$G" diff --cached -M --name-status | sed -n 's/^R[0-9]*	//p' | tr '\t' ' ' | sort >"$T/renames" &&
	diff "$T/pairs" "$T/renames"
}
t_none_left() {
	[ -z "$(base_files "$G" "$FROM")" ] &&
	[ -z "$(cd "$G" && find . -path ./build -prune -o \( -name "$FROM" -o -name "*.$FROM" \) -print)" ]
}
t_others() {
	for b in $OTHERS; do
		[ -n "$(base_files "$G" "$b")" ] || return 1
		[ -z "$(git -C "$G" status --porcelain | grep -F "$b")" ] || return 1
	done
}
t_conf() {
	grep -qx "KERNEL_PKG=$NEWPKG" "$G/generic/bases/$TO.conf" &&
	{ diff "$T/from.conf" "$G/generic/bases/$TO.conf"; true; } | grep '^[<>]' >"$T/conf.diff" &&
	printf '< KERNEL_PKG=%s\n> KERNEL_PKG=%s\n' "$PKG" "$NEWPKG" | diff - "$T/conf.diff"
}
first=$(sed -n 's/^ARCH_NAME=//p' "$G"/arch-*/arch.conf | head -n 1)
t_make() {
	make -s -n -C "$G" matrix BASE="$TO" ARCHES="$first" >"$T/matrix.n" 2>&1 &&
	grep -q "^env BASE=$TO scripts/arch.sh $first run" "$T/matrix.n" &&
	make -s -n -C "$G" check BASE="$TO" ARCHES="$first" >"$T/check.n" 2>&1 &&
	grep -q -- "--expect $TO/$first=arch-[a-z0-9]*/expect.$TO " "$T/check.n" &&
	! (PTEMARK_TOP=$G BASE=$FROM; . "$G/scripts/lib.sh"; load_base) >"$T/load.old" 2>&1 &&
	grep -qF "unknown base '$FROM' (known: $(echo $OTHERS $TO)" "$T/load.old" &&
	series "$G" "$TO" | diff "$T/series.expected" -
}
t_ci() {	# each CI file that lists the bases (GitLab's CELL_BASE) lists $TO, not $FROM
	for f in .gitlab-ci.yml .github/workflows/matrix.yml; do
		for k in '- CELL_BASE' base; do
			git -C "$G" show "HEAD:$f" 2>/dev/null | grep -q "^ *$k: *\\[.*\"$FROM\"" || continue
			grep -q "^ *$k: *\\[.*\"$TO\"" "$G/$f" && ! grep -q "^ *$k: *\\[.*\"$FROM\"" "$G/$f" ||
				{ echo "$f: $k"; return 1; }
		done
	done
}
t_number() {
	[ "$(PTEMARK_TOP=$G; . "$G/scripts/lib.sh"; base_number "$TO")" = "$(echo "$TO" | awk -F. '{ print $1 * 100 + $2 }')" ] &&
	grep -q base_number "$G/scripts/kernel.sh" && grep -q base_number "$G/tests/host/run.sh" &&
	[ -z "$(grep -n '\* 100 + ' "$G/scripts/kernel.sh" "$G/tests/host/run.sh" | grep -v ':[0-9]*:[[:space:]]*#')" ]
}
check "make refresh BASE=$FROM TO=$TO moves the base" t_move
check "every file of $FROM is now $TO's, content kept, renamed with git mv" t_renamed
check "no path of $FROM is left" t_none_left
check "the other bases ($(echo $OTHERS)) are untouched" t_others
check "generic/bases/$TO.conf names $NEWPKG and keeps APT_SOURCE" t_conf
check "make's dry runs know $TO and no more $FROM; each arch's series on $TO is the one it had on $FROM" t_make
check "the CI matrices that list the bases list $TO in place of $FROM" t_ci
check "ENC_KERNEL_BASE comes from one function, base_number, for $TO too" t_number

# The plain tree, with a source of $TO that the series does not apply to:
# the base is moved (mv), the refresh fails naming the patch, and the
# message says what is left to do.
mkdir -p "$N/build/$TO/src/$NEWPKG/mm"
# Its top Makefile as kbuild's: the version read from it, or printed by it.
printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = 99\nEXTRAVERSION =\nkernelversion:\n\t@echo %s.99\n' \
	"${TO%.*}" "${TO#*.}" "$TO" >"$N/build/$TO/src/$NEWPKG/Makefile"
t_plain() {
	! PTEMARK_TEST_ARCHIVE=$NEWPKG make -s -C "$N" refresh BASE="$FROM" TO="$TO" >"$T/plain.out" 2>&1
	r=$?; cat "$T/plain.out"; [ $r = 0 ] &&
	grep -q "refresh: .*\.patch does not apply to linux $TO\.99" "$T/plain.out" &&
	grep -qF "base $FROM is now $TO" "$T/plain.out" && grep -qF "make refresh BASE=$TO" "$T/plain.out" &&
	grep -qF "expect.$TO" "$T/plain.out" &&
	moved "$FROM" "$TO" <"$T/from.files" | sort >"$T/plain.expected" && base_files "$N" "$TO" | diff "$T/plain.expected" - &&
	[ -z "$(base_files "$N" "$FROM")" ]
}
check "in a plain tree the move renames with mv; a patch that does not apply is named, the move stays" t_plain

check "apt-get and apt-cache were never called" sh -c "[ ! -e $T/apt.calls ] || { cat $T/apt.calls; false; }"

echo "1..$n"
[ "$failed" -eq 0 ]
