# The patch series and how it applies to a tree; sourced by kernel.sh and
# refresh.sh after lib.sh and load_arch.
# shellcheck shell=sh

# The series for the loaded arch on $BASE, in order, one "ORIGIN PATH" a
# line: project (generic/patches/<base>, arch-*/patches/<base>,
# tests/kunit/<base>) or user (PATCHES=; its <base>/ subdirectory when it
# has one, so that one PATCHES= serves several bases).
series_list() {
	for d in "$PTEMARK_TOP/generic/patches/$BASE" "$ARCH_DIR/patches/$BASE" "$PTEMARK_TOP/tests/kunit/$BASE"; do
		[ -d "$d" ] && ls "$d"/*.patch 2>/dev/null | sort | sed 's/^/project /'
	done
	_u=$(user_dir "${PATCHES:-}")
	if [ -n "$_u" ]; then
		ls "$_u"/*.patch 2>/dev/null | sort | sed 's/^/user /'
	fi
}

# apply_patch TREE PATCH LOG: apply PATCH inside TREE and print how it
# went: clean, offset (hunks moved, context intact), fuzz (context lines
# differed) or failed. git apply first, as the series was made; when it
# refuses, GNU patch with quilt's fuzz of 2, tried dry first so that a
# patch that fails leaves no half-applied files. Both replace a file
# rather than write into it, so a tree of hard links keeps its source.
# On failure the last line of LOG says which file (and line) refused it.
apply_patch() {
	_tree=$1 _p=$2 _log=$3
	_out=$(cd "$_tree" && GIT_CEILING_DIRECTORIES=$(dirname "$_tree") \
		git apply -v --whitespace=nowarn "$_p" 2>&1)
	_rc=$?
	printf '%s\n' "$_out" >>"$_log"
	if [ $_rc -eq 0 ]; then
		if printf '%s\n' "$_out" | grep -q '^Hunk #[0-9]* succeeded at .*(offset'; then
			echo offset
		else
			echo clean
		fi
		return 0
	fi
	# git names the file and line of the first hunk that failed, after a
	# "while searching for:" block; else (a file that is gone) the file.
	_why=$(printf '%s\n' "$_out" | sed -n 's/^error: \(patch failed: .*\)/\1/p' | head -n 1)
	[ -n "$_why" ] || _why=$(printf '%s\n' "$_out" | sed -n 's/^error: //p' | grep -v '^while searching for' | head -n 1)
	if _out=$(cd "$_tree" && patch -p1 -F2 -f --dry-run <"$_p" 2>&1) &&
		_out=$(cd "$_tree" && patch -p1 -F2 -f --no-backup-if-mismatch <"$_p" 2>&1); then
		printf 'git apply refused it; GNU patch (fuzz 2):\n%s\n' "$_out" >>"$_log"
		if printf '%s\n' "$_out" | grep -q 'with fuzz [0-9]'; then
			echo fuzz
		elif printf '%s\n' "$_out" | grep -q 'offset'; then
			echo offset
		else
			echo clean
		fi
		return 0
	fi
	printf '%s\n' "$_out" >>"$_log"
	echo "refused: ${_why:-see above}" >>"$_log"
	echo failed
	return 1
}
