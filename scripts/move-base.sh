#!/bin/sh
# Move a base to a new version when the archive replaces its package
# (linux-source-7.3 by linux-source-7.4): make refresh BASE=7.3 TO=7.4.
# Every path the tree names after the base is renamed, with git mv (mv
# outside a git checkout): generic/bases/<base>.conf, whose KERNEL_PKG is
# rewritten (APT_SOURCE stays), and each directory called <base>
# (generic/patches/, arch-*/patches/, arch-*/mutants/, tests/kunit/,
# tests/mutants/) and file ending in .<base> (arch-*/expect.<base>),
# wherever they are; the CI matrices' lists of bases follow. Then
# make refresh BASE=<to> fetches the new source and refreshes the series
# against it (docs/PORTING.md, "Bases").
# Nothing is renamed unless the old base exists, the new one has no path
# yet and the archive has the new package. A refresh that fails leaves the
# move in place: the patch it names needs work by hand.
# PTEMARK_TEST_ARCHIVE (tests only, see source.sh): nothing is fetched, and
# the refresh runs only on a source already in build/<to>/src.
# Usage: scripts/move-base.sh FROM TO    (make refresh BASE=FROM TO=TO)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: make refresh BASE=<base> TO=<major>.<minor>"
FROM=$1 TO=$2
TOP=$PTEMARK_TOP

case $FROM in
'' | *[[:space:]]*) die "TO= moves one base: give one BASE= (not '$FROM')" ;;
*[!0-9A-Za-z._-]*) die "BASE='$FROM': no such base (known: $(all_bases | tr '\n' ' ' | sed 's/ $//'))" ;;
esac
[ -f "$TOP/generic/bases/$FROM.conf" ] ||
	die "no base '$FROM' to move (known: $(all_bases | tr '\n' ' ' | sed 's/ $//'))"
base_number "$TO" >/dev/null ||
	die "TO='$TO': a base is named by its version, <major>.<minor> (e.g. $(echo "$FROM" | awk -F. '/^[0-9]+\.[0-9]+$/ { print $1 "." $2 + 1; exit } { print "7.4" }'))"

# base_paths BASE: every path the tree names after BASE, the outermost
# only, relative to the top: directories named BASE, files named *.BASE,
# generic/bases/BASE.conf. build/, results/, .git/ and the pipeline's job
# copies (.gitlab-ci-local/) are not the tree's.
base_paths() {
	(cd "$TOP" && find . \( -path ./.git -o -path ./build -o -path ./results -o -path ./.gitlab-ci-local \) -prune -o \
		\( -name "$1" -o -name "*.$1" -o -path "./generic/bases/$1.conf" \) -print -prune) | sed 's|^\./||' | sort
}
# renamed PATH: PATH with its last part named after TO instead of FROM.
renamed() {
	b=${1##*/}
	case $b in
	"$FROM") b=$TO ;;
	"$FROM.conf") b=$TO.conf ;;
	*".$FROM") b=${b%."$FROM"}.$TO ;;
	esac
	case $1 in */*) echo "${1%/*}/$b" ;; *) echo "$b" ;; esac
}

taken=$(base_paths "$TO")
if [ -n "$taken" ]; then
	[ -f "$TOP/generic/bases/$TO.conf" ] && taken=generic/bases/$TO.conf
	die "base $TO exists already ($(echo "$taken" | tr '\n' ' ' | sed 's/ $//')): nothing was moved"
fi

# shellcheck disable=SC2034	# load_base reads BASE; say reads BASE_BUILD
BASE=$FROM
load_base
# shellcheck disable=SC2034
BASE_BUILD=	# progress lines name no base: there are two
case $KERNEL_PKG in
*-"$FROM") NEWPKG=${KERNEL_PKG%"$FROM"}$TO ;;
*) die "generic/bases/$FROM.conf: KERNEL_PKG=$KERNEL_PKG is not named after the base, so the new one is not known: move it by hand (docs/PORTING.md, \"Bases\")" ;;
esac

archive=${APT_SOURCE:-"the apt sources of this machine"}
say all move "$FROM to $TO: does $archive have $NEWPKG?"
v=$(BASE=$FROM "$TOP/scripts/source.sh" --has "$NEWPKG") ||
	die "nothing was moved: make refresh BASE=$FROM TO=$TO once the archive has $NEWPKG, or move to a version it has"
say all move "$NEWPKG $v is there"

# The renames, undone if one fails.
git=
[ "$(git -C "$TOP" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$TOP" && pwd -P)" ] && git=1
mv_one() {	# mv_one OLD NEW, relative to the top
	if [ -n "$git" ] && [ -n "$(git -C "$TOP" ls-files -- "$1" | head -n 1)" ]; then
		git -C "$TOP" mv -- "$1" "$2"
	else
		mv -- "$TOP/$1" "$TOP/$2"
	fi
}
done=
paths=$(base_paths "$FROM")
while read -r p; do
	t=$(renamed "$p")
	if ! mv_one "$p" "$t"; then
		printf '%s' "$done" | while read -r d o; do mv_one "$d" "$o"; done
		die "could not rename $p to $t: the renames before it were undone, nothing was moved"
	fi
	say all move "$p -> $t"
	done="$t $p
$done"
done <<EOF
$paths
EOF

conf=$TOP/generic/bases/$TO.conf
sed -i "s|^KERNEL_PKG=.*|KERNEL_PKG=$NEWPKG|" "$conf" || die "could not rewrite $conf"
# The CI matrices list every base (tests/ci checks them against make's).
re=$(echo "$FROM" | sed 's/\./\\./g')
for f in .gitlab-ci.yml .github/workflows/matrix.yml; do
	[ -f "$TOP/$f" ] || continue
	sed -i -e "/^ *- CELL_BASE: *\[/s/\"$re\"/\"$TO\"/" -e "/^ *base: *\[/s/\"$re\"/\"$TO\"/" "$TOP/$f" ||
		die "could not rewrite the list of bases in $f"
done
say all move "generic/bases/$TO.conf: KERNEL_PKG=$NEWPKG; the CI matrices list $TO"

# The fetch and the refresh, as make refresh BASE=<to> does them.
if [ -n "${PTEMARK_TEST_ARCHIVE+set}" ]; then
	if [ -f "$BUILD/$TO/src/$NEWPKG/Makefile" ]; then
		BASE=$TO "$TOP/scripts/refresh.sh"
	else
		say all move "test archive: no source of $TO in $BUILD, no refresh"
	fi
else
	make -C "$TOP" --no-print-directory refresh BASE="$TO" TO=
fi || {
	echo "ptemark: error: base $FROM is now $TO (the renames stay), but make refresh BASE=$TO failed:"
	echo "ptemark: what it names above needs work (a patch that no longer applies: make it apply to $NEWPKG by hand),"
	echo "ptemark: then make refresh BASE=$TO again, and make check BASE=$TO: its misses are the expectations to review (arch-*/expect.$TO)"
	exit 1
} >&2

# What is left is words: comments and docs that name the old version.
if [ -n "$git" ]; then
	mentions=$(git -C "$TOP" grep -l -w -F -e "$FROM" | wc -l)
	grep_cmd="git grep -lwF $FROM"
	echo "ptemark: base $FROM is now $TO: the renames are staged (git status); the rewritten conf, CI lists and refreshed patches are for review (git diff)"
else
	mentions=$(cd "$TOP" && grep -rlwF --exclude-dir=.git --exclude-dir=build --exclude-dir=results -e "$FROM" . | wc -l)
	grep_cmd="grep -rlwF --exclude-dir=build $FROM ."
	echo "ptemark: base $FROM is now $TO: its files renamed, its conf and the CI lists rewritten, its patches refreshed"
fi
echo "ptemark: next, make check BASE=$TO: its misses are the expectations to review (arch-*/expect.$TO)"
[ "$mentions" -eq 0 ] || echo "ptemark: $mentions files still name $FROM in comments and docs, to read ($grep_cmd)"
