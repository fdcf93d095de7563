#!/bin/sh
# Regenerate every patch of the project's series for $BASE
# (generic/patches/<base>, arch-*/patches/<base>, tests/kunit/<base>)
# against that base's current source, in place. A patch keeps its
# header (author, date, message, diffstat), its place in the series and
# its changes; only the diff's context, line numbers and index lines are
# made anew. Each patch is applied as the matrix applies it (git apply,
# then GNU patch with fuzz), to a small git tree holding just the files it
# touches as the series left them, and git diff writes it back out.
# Nothing is written unless every patch of every arch applied.
# Usage: scripts/refresh.sh    (after scripts/source.sh; make refresh)
set -u
. "$(dirname "$0")/lib.sh"
. "$PTEMARK_TOP/scripts/series.sh"
load_base
unset PATCHES	# the user's series is theirs to refresh
SRC=$(kernel_src)
[ -f "$SRC/Makefile" ] || die "kernel source missing at $SRC (run scripts/source.sh)"
W=$BASE_BUILD/refresh
rm -rf "$W" && mkdir -p "$W/new"
LOG=$W/refresh.log
: >"$LOG"
KVER=$(kernel_version)
GIT="git -c core.quotepath=off -c diff.noprefix=false -c diff.mnemonicPrefix=false -c color.ui=never"
GIT="$GIT -c user.name=ptemark -c user.email=ptemark@invalid -c init.defaultBranch=base"

# The part of a patch before its first diff, and the signature after it.
header() { sed '/^diff --git /,$d' "$1"; }
trailer() { awk '/^-- $/ { n = NR } { l[NR] = $0 } END { if (n) for (i = n; i <= NR; i++) print l[i] }' "$1"; }

# regenerate PATCH TREE OUT: OUT is PATCH made against TREE's files.
regenerate() {
	r=$W/repo
	rm -rf "$r" && mkdir -p "$r"
	(cd "$r" && $GIT init -q) || die "git init failed in $r"
	[ -f "$2/.gitattributes" ] && cp "$2/.gitattributes" "$r/"
	sed -n 's|^--- a/||p; s|^+++ b/||p' "$1" | sort -u | while read -r f; do
		if [ -e "$2/$f" ]; then
			mkdir -p "$r/$(dirname "$f")" && cp "$2/$f" "$r/$f"
		fi
	done
	(cd "$r" && $GIT add -A && $GIT commit -q --allow-empty -m base) >>"$LOG" 2>&1 || die "git commit failed in $r"
	how=$(apply_patch "$r" "$1" "$LOG")
	[ "$how" = failed ] &&
		die "refresh: $(basename "$1") does not apply to linux $KVER: $(tail -n 1 "$LOG" | sed 's/^refused: //') (nothing was written; see $LOG)"
	{
		header "$1"
		(cd "$r" && $GIT add -A && $GIT diff --cached --no-ext-diff --no-color) ||
			die "git diff failed in $r"
		trailer "$1"
	} >"$3"
	echo "$how"
}

refreshed=0 kept=0
for a in $(all_arches); do
	load_arch "$a"
	say "$a" refresh "applying the series to linux $KVER"
	tree=$W/tree
	rm -rf "$tree"
	cp -al "$SRC" "$tree" 2>/dev/null || { rm -rf "$tree"; cp -a "$SRC" "$tree"; } || die "could not link $SRC"
	rm -rf "$tree/.git"
	series_list >"$W/series.list"
	while read -r origin p; do
		rel=${p#"$PTEMARK_TOP"/}
		new=$W/new/$rel
		if [ ! -f "$new" ]; then	# first seen on this arch: made anew
			mkdir -p "$(dirname "$new")"
			how=$(regenerate "$p" "$tree" "$new") || exit 1
			# New blob names alone are no reason to rewrite a patch.
			if [ "$(grep -v '^index ' "$p")" = "$(grep -v '^index ' "$new")" ]; then
				cp "$p" "$new"
				kept=$((kept + 1))
			else
				refreshed=$((refreshed + 1))
				echo "refreshed $rel (it applied: $how)"
			fi
		fi
		# Every arch's tree gets the new patch, which must apply cleanly.
		how=$(apply_patch "$tree" "$new" "$LOG")
		[ "$how" = clean ] ||
			die "refresh: $rel, regenerated, applies to $a's tree as '$how', not clean (nothing was written; see $LOG)"
	done <"$W/series.list"
done
rm -rf "$W/tree" "$W/repo"

(cd "$W/new" && find . -name '*.patch') | while read -r rel; do
	cmp -s "$W/new/$rel" "$PTEMARK_TOP/$rel" || cp "$W/new/$rel" "$PTEMARK_TOP/$rel"
done
say all refresh "linux $KVER: $refreshed patch(es) refreshed, $kept already clean"
