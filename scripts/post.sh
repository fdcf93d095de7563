#!/bin/sh
# make series: the project's patches for $BASE as series ready to post, one
# per topic, in results/series/<base>/<topic>/ (git format-patch output with
# 0000-cover-letter.patch):
#   selftests       generic patches whose subject is "selftests/..."
#   mm-fixes        the other generic patches with a Fixes: tag
#   mm              generic patches named in generic/patches/<base>/standalone
#                   (no port needs them, no Fixes:)
#   <arch>-uffd-wp  per arch with patches/<base>/: the remaining generic
#                   patches (the hooks a port needs), then the arch's
# The KUnit hook-up (tests/kunit) is the project's test harness, not sent.
# Author and Signed-off-by: AUTHOR="Name <email>", else the user's git
# configuration; a placeholder is refused (a Signed-off-by is a DCO).
# Each series is made with git am on a fresh tree of the base, checked with
# checkpatch --strict, and checked again by git am of the written files on
# another fresh tree. A topic that does not apply alone is made on top of
# the topics before it, and its cover letter says so.
# Usage: BASE=<base> scripts/post.sh   (after make matrix BASE=<base>: the
# cover letters carry its table)
set -u
. "$(dirname "$0")/lib.sh"
load_base
. "$PTEMARK_TOP/scripts/series.sh"
unset PATCHES

if [ -n "${AUTHOR:-}" ]; then
	who=$AUTHOR
else
	n=$(git config user.name 2>/dev/null) e=$(git config user.email 2>/dev/null)
	[ -n "$n" ] && [ -n "$e" ] && who="$n <$e>" || who=
fi
[ -n "$who" ] || die "make series needs a person for Author and Signed-off-by (a DCO):" \
	"AUTHOR='Name <email>', or git config --global user.name and user.email"
case $who in
*"<"*@*">"*) ;;
*) die "AUTHOR='$who': want 'Name <email>'" ;;
esac
case $who in
*ptemark*|*.invalid\>*) die "AUTHOR='$who' is a placeholder: a Signed-off-by needs a person" ;;
esac

SRC=$(kernel_src)
[ -f "$SRC/Makefile" ] || die "no $BASE source at $SRC (make matrix BASE=$BASE first)"
MD=$BASE_RESULTS/matrix.md
[ -f "$MD" ] || die "no $MD: the cover letters carry the matrix table (make matrix BASE=$BASE first)"
OUTD=$RESULTS/series/$BASE
W=$BASE_BUILD/series
# Every commit and the cover letters are the person's too.
who_mail=${who##*<}
export GIT_AUTHOR_NAME="${who%% <*}" GIT_AUTHOR_EMAIL="${who_mail%>}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
GIT="git -c core.quotepath=off -c color.ui=never -c init.defaultBranch=base"
rm -rf "$OUTD" "$W"
mkdir -p "$OUTD" "$W"
LOG=$W/series.log
: >"$LOG"

subject() {	# a patch's subject, unfolded, without [PATCH ...]
	awk '/^Subject: / { s = $0; f = 1; next }
	     f && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
	     f { exit } END { sub(/^Subject: (\[[^]]*\] )?/, "", s); print s }' "$1"
}

# Generic changes that no port needs and that fix nothing, named one a
# line in generic/patches/<base>/standalone: their own topic, mm.
GP=$PTEMARK_TOP/generic/patches/$BASE
standalone=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$GP/standalone" 2>/dev/null)
for f in $standalone; do
	[ -f "$GP/$f" ] || die "generic/patches/$BASE/standalone names $f, which is not a patch there"
done

# Each generic patch's topic, "topic<TAB>patch": selftests, mm-fixes, mm,
# or hook (a port's topic carries it, before the arch's own patches).
for p in "$GP"/*.patch; do
	[ -f "$p" ] || continue
	t=hook
	grep -q '^Fixes: ' "$p" && t=mm-fixes
	case $(subject "$p") in selftests/*) t=selftests ;; esac
	if printf '%s\n' $standalone | grep -qxF "$(basename "$p")"; then
		[ "$t" = hook ] || die "generic/patches/$BASE/standalone: $(basename "$p") belongs to topic $t (selftests/ or Fixes:)"
		t=mm
	fi
	printf '%s\t%s\n' "$t" "$p"
done >"$W/generic.tsv"

# Topics: "topic<TAB>patch" lines, in posting order.
{
	for t in selftests mm-fixes mm; do
		awk -F '\t' -v t="$t" '$1 == t' "$W/generic.tsv"
	done
	ports=0
	for conf in "$PTEMARK_TOP"/arch-*/arch.conf; do
		load_arch "$(sed -n 's/^ARCH_NAME=//p' "$conf")"
		ls "$ARCH_DIR/patches/$BASE"/*.patch >/dev/null 2>&1 || continue
		ports=$((ports + 1))
		{ awk -F '\t' '$1 == "hook" { print $2 }' "$W/generic.tsv"; ls "$ARCH_DIR/patches/$BASE"/*.patch; } |
			awk -v t="$ARCH_NAME-uffd-wp" '{ print t "\t" $0 }'
	done
	# A generic patch in no topic would never be posted.
	h=$(awk -F '\t' '$1 == "hook" { print $2; exit }' "$W/generic.tsv")
	[ "$ports" -gt 0 ] || [ -z "$h" ] ||
		die "generic/patches/$BASE/$(basename "$h") is in no topic: no Fixes:, not selftests/, no port with patches for $BASE uses it; name it in generic/patches/$BASE/standalone"
} >"$W/topics.tsv"
[ -s "$W/topics.tsv" ] || die "no project patches for $BASE"
topics=$(cut -f1 "$W/topics.tsv" | awk '!seen[$0]++')

# One git repository of the pristine tree; each topic is a branch from it.
say all series "$BASE: a git tree of $(basename "$SRC") for git am (once)"
R=$W/repo
cp -al "$SRC" "$R" 2>/dev/null || cp -a "$SRC" "$R" || die "cannot copy $SRC"
rm -rf "$R/.git" "$R/.ptemark-extracted"
(cd "$R" && $GIT init -q && $GIT add -f -A && $GIT commit -q -m "$BASE") >>"$LOG" 2>&1 ||
	die "git could not commit the $BASE tree (see $LOG)"

# am_all BRANCH PATCH...: a branch from the base with the patches applied.
am_all() {
	b=$1
	shift
	(cd "$R" && $GIT checkout -q -f base && $GIT clean -q -fdx && { $GIT branch -q -D "$b" 2>/dev/null; true; } &&
		$GIT checkout -q -b "$b" && $GIT am -q --keep-cr "$@") >>"$LOG" 2>&1 ||
		{ (cd "$R" && $GIT am --abort) >/dev/null 2>&1; return 1; }
}

# The test names a patch's message names, of those the base's results hold.
jq -r '.arches[].tests[] | select(.name != .suite) | .name' "$BASE_RESULTS/matrix.json" 2>/dev/null |
	awk 'length($0) >= 8' | sort -u >"$W/tests.txt"
caught_by() {	# in the message, before the diffstat; names of 8 characters or more
	[ -s "$W/tests.txt" ] || return 0
	sed '/^---$/q' "$1" | tr '\n' ' ' | grep -oF -f "$W/tests.txt" | sort -u | paste -sd, - | sed 's/,/, /g'
}

CHECKPATCH=$SRC/scripts/checkpatch.pl
done_topics=
bad=0
for t in $topics; do
	# Author and Signed-off-by: the person posting, not the project's.
	mkdir -p "$W/in/$t"
	ps=$(awk -F '\t' -v t="$t" '$1 == t { print $2 }' "$W/topics.tsv" | while read -r p; do
		q=$W/in/$t/$(basename "$p")
		sed -e "s|^From: ptemark developers <dev@ptemark.invalid>\$|From: $who|" \
			-e "s|^Signed-off-by: ptemark developers <dev@ptemark.invalid>\$|Signed-off-by: $who|" "$p" >"$q"
		echo "$q"
	done)
	n=$(echo "$ps" | wc -l)
	on=
	# shellcheck disable=SC2086
	if ! am_all "$t" $ps; then
		# on top of the topics before it, as the matrix applies them
		pre=$(for d in $done_topics; do ls "$OUTD/$d"/0*.patch | grep -v 0000-cover-letter; done)
		# shellcheck disable=SC2086
		if [ -n "$pre" ] && am_all "$t" $pre $ps; then
			on=$done_topics
		else
			echo "ptemark: series: $t does not apply to $BASE (see $LOG)" >&2
			bad=$((bad + 1))
			continue
		fi
	fi
	case $t in
	selftests) title="selftests/mm: uffd-wp and pagemap selftests that hold on every machine" ;;
	mm-fixes) title="mm/userfaultfd: uffd-wp fixes" ;;
	mm) [ "$n" = 1 ] && title=$(subject "$(echo "$ps" | head -n 1)") || title="mm: generic changes beside uffd-wp" ;;
	*) title="${t%-uffd-wp}: userfaultfd write-protect (uffd-wp) support" ;;
	esac
	rm -rf "$OUTD/$t"
	(cd "$R" && $GIT format-patch -q --cover-letter --zero-commit -o "$OUTD/$t" HEAD~"$n") >>"$LOG" 2>&1 ||
		die "git format-patch failed for $t (see $LOG)"

	# The cover letter: what and why, each patch and the test that fails
	# without it, the table the base's matrix gave, what it applies on.
	{
		case $t in
		selftests) echo "Upstream's mm selftests assume a machine with THP, hugetlb and uffd-wp,"
			echo "and an access_ok() that refuses a wild pointer. Where that does not"
			echo "hold they divide by zero, bail out of the whole program or report a"
			echo "pass; these patches make each such case a skip that says why, or a"
			echo "check that holds everywhere, so that a missing feature is never a"
			echo "failure and a failure is never hidden. Results whose names carried"
			echo "run-varying figures get fixed names, which CI systems can follow." ;;
		mm-fixes) echo "Bugs in uffd-wp found while porting it to more architectures: each"
			echo "loses write-protection, leaves a stale uffd-wp bit, leaves a fault"
			echo "asleep or reports the wrong range. Each patch has a Fixes: tag and"
			echo "names the test that fails without it." ;;
		mm) echo "Generic mm changes that stand on their own: no architecture's port"
			echo "needs them and none fixes a bug. Each patch says what it improves and"
			echo "how that was measured." ;;
		*) echo "userfaultfd write-protect for ${t%-uffd-wp}: the PTE bits, the refusals the page"
			echo "tables need, and the Kconfig select, with the generic hooks it needs"
			echo "first. The bit choice and every refusal are argued in the patches."
		esac
		echo
		echo "Patches:"
		i=0
		for p in $(ls "$OUTD/$t"/0*.patch | grep -v 0000-cover-letter); do
			i=$((i + 1))
			c=$(caught_by "$p")
			printf '  %d/%d %s\n' "$i" "$n" "$(subject "$p")"
			grep -q '^Fixes: ' "$p" && printf '       fails without it: %s\n' "${c:-(no test of the matrix names it)}"
		done
		echo
		echo "Tested with ptemark: each arch's kernel cross-built, booted under"
		echo "QEMU (TCG), the uffd selftests, the regression tests and a KUnit suite"
		echo "run inside (cells: pass/fail/skip):"
		echo
		sed -n '/^|/p' "$MD"
		if [ -n "$on" ]; then
			echo
			echo "It applies on top of:$(for d in $on; do printf ' %s' "$d"; done) (posted beside it)."
		fi
	} >"$W/blurb"
	awk -v title="$title" -v blurb="$W/blurb" '
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, title) }
		/\*\*\* BLURB HERE \*\*\*/ { while ((getline l < blurb) > 0) print l; next }
		{ print }' "$OUTD/$t/0000-cover-letter.patch" >"$W/cover" &&
		mv "$W/cover" "$OUTD/$t/0000-cover-letter.patch"

	# checkpatch --strict, from outside any git tree (it reads one if it is
	# in one). Without Linux's history no Fixes: id can be looked up.
	cp_bad=0
	for p in $(ls "$OUTD/$t"/0*.patch | grep -v 0000-cover-letter); do
		(cd /tmp && perl "$CHECKPATCH" --strict --no-tree --no-signoff -q - <"$p") 2>&1 |
			grep -E '^(ERROR|WARNING|CHECK):' | grep -v 'Unknown commit id' >"$W/cp.out"
		if [ -s "$W/cp.out" ]; then
			echo "ptemark: series: checkpatch: $(basename "$p"): $(head -n 1 "$W/cp.out")" >&2
			cp_bad=$((cp_bad + 1))
		fi
	done
	# The written files, with git am on a fresh tree of the base.
	pre=$(for d in $on; do ls "$OUTD/$d"/0*.patch | grep -v 0000-cover-letter; done)
	# shellcheck disable=SC2086
	if am_all "check-$t" $pre $(ls "$OUTD/$t"/0*.patch | grep -v 0000-cover-letter); then
		am=ok
	else
		am=FAILED
		bad=$((bad + 1))
	fi
	[ "$cp_bad" -eq 0 ] || bad=$((bad + 1))
	say all series "$t: $n patch(es), checkpatch --strict $([ "$cp_bad" -eq 0 ] && echo clean || echo "$cp_bad with remarks"), git am on a fresh $BASE tree $am${on:+ (on top of$on)}"
	done_topics="$done_topics $t"
done
(cd "$R" && $GIT checkout -q -f base) >/dev/null 2>&1
echo "series in ${OUTD#"$PTEMARK_TOP"/}/<topic>/, author $who"
[ "$bad" -eq 0 ]
