#!/bin/sh
# Mutants: put each known uffd-wp bug back on one base, build
# and boot the kernel with it, and check that some test which passes
# without it now fails. Writes results/mutants.json and prints a table.
#
# Usage: scripts/mutants.sh [MUTANT...]     (or MUTANTS="a b")
#   ARCHES="x86_64 arm64"  the arches to try (default: all)
#   GUEST_SUITES           suites packed into the guest (default
#                          "regress soft-dirty"; the KUnit suite always
#                          runs, it is built in)
#   GUEST_TIMEOUT          host limit for one guest (default: 3 x the
#                          baseline's run, at least 300 s)
#
# A mutant is a kernel patch for the base: tests/mutants/<base>/<name>.patch
# (its "Arches:" line says where it applies: "all" or arch names), and/or
# an arch's own, arch-<name>/mutants/<base>/<name>.patch, which wins there.
# <name>.encoding.h (tests/mutants/, or the arch's mutants/), if there, is
# its host-layer form: included after the arch's encoding.h,
# tests/host/pte_marker_test.c must then fail to build or fail. It applies
# where a patch does, or where
# its "Applies-if: EXPR" holds (#if EXPR on the arch's encoding.h).
#
# Per arch, a separate tree build/<base>/mutants/<base>/<arch> is built
# first without a mutant (the baseline, results/<base>/mutants/baseline/) and then once per
# mutant with PATCHES=<that mutant>; ccache (PTEMARK_CCACHE=1 unless set)
# keeps those rebuilds short: going back to the baseline hits the cache.
# caught: the build stops on a compile-time contract check (BUILD_BUG_ON,
# static_assert), or a test that passes on the baseline fails or errors,
# or the kernel panics, or the guest hangs where the baseline did not, or
# the host layer refuses the encoding. missed: none of that. error: the
# mutant could not be tried (does not apply, build broke otherwise,
# baseline unusable). Exit status 1 when any mutant tried was missed or
# in error.
set -u
. "$(dirname "$0")/lib.sh"
load_base

M=$PTEMARK_TOP/tests/mutants		# host-layer forms; $M/<base>: kernel patches
MB=$BASE_BUILD/mutants
MR=$BASE_RESULTS/mutants
REPORT=${REPORT:-$BUILD/tools/report}
JSON=$BASE_RESULTS/mutants.json
export GUEST_SUITES="${GUEST_SUITES:-regress soft-dirty}"
USER_TIMEOUT=${GUEST_TIMEOUT:-}
unset PATCHES RERUN
export LC_ALL=C	# sort and comm agree on the order
export PTEMARK_CCACHE="${PTEMARK_CCACHE:-1}"

[ -x "$REPORT" ] || die "no $REPORT (make builds it: make mutants)"
[ -d "$M" ] || die "no mutants directory $M"

# An arch's own mutants: <arch dir>/mutants/<base>/*.patch, mutants/*.encoding.h.
arch_mutants() {
	echo "$(arch_dir "$1")/mutants"
}

# Every mutant's name: the patch and host-layer file names, wherever they are.
all_mutants() {
	for f in "$M/$BASE"/*.patch "$M"/*.encoding.h "$PTEMARK_TOP"/arch-*/mutants/"$BASE"/*.patch \
		"$PTEMARK_TOP"/arch-*/mutants/*.encoding.h; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .patch)
		echo "${n%.encoding.h}"
	done | sort -u
}

arches_line() {	# the "Arches:" value of a patch
	sed -n 's/^Arches:[[:space:]]*//p' "$1" | head -n 1
}

# The patch that puts mutant $1 back on arch $2, or nothing.
patch_for() {
	if [ -f "$(arch_mutants "$2")/$BASE/$1.patch" ]; then
		echo "$(arch_mutants "$2")/$BASE/$1.patch"
	elif [ -f "$M/$BASE/$1.patch" ]; then
		for w in $(arches_line "$M/$BASE/$1.patch"); do
			if [ "$w" = all ] || [ "$w" = "$2" ]; then
				echo "$M/$BASE/$1.patch"
				return
			fi
		done
	fi
}

# The host-layer form of mutant $1 for arch $2: the arch's, else the generic one.
encoding_for() {
	if [ -f "$(arch_mutants "$2")/$1.encoding.h" ]; then
		echo "$(arch_mutants "$2")/$1.encoding.h"
	elif [ -f "$M/$1.encoding.h" ]; then
		echo "$M/$1.encoding.h"
	fi
}

# Does the host-layer form of mutant $1 apply to arch $2 (patch there: yes)?
encoding_applies() {
	enc=$(encoding_for "$1" "$2")
	[ -n "$enc" ] || return 1
	[ -n "$(patch_for "$1" "$2")" ] && return 0
	cond=$(sed -n 's/^[ *]*Applies-if:[[:space:]]*//p' "$enc" | head -n 1)
	[ -n "$cond" ] || return 1
	printf '#include "%s"\n#if %s\nyes\n#endif\n' "$(arch_dir "$2")/encoding.h" "$cond" |
		gcc -E -P -x c - 2>/dev/null | grep -qx yes
}

# Host layer: the arch's encoding with mutant $1's edit against the generic
# contract. Prints what caught it, nothing when the host tests pass.
host_layer() {	# mutant arch workdir
	w=$3/host
	mkdir -p "$w"
	printf '#include "%s"\n#include "%s"\n' "$(arch_dir "$2")/encoding.h" \
		"$(encoding_for "$1" "$2")" >"$w/encoding.h"
	if ! gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$PTEMARK_TOP/generic" \
		-include "$w/encoding.h" -o "$w/pte_marker_test" \
		"$PTEMARK_TOP/tests/host/pte_marker_test.c" >"$w/build.log" 2>&1; then
		if grep -q 'static assertion failed' "$w/build.log"; then
			echo "host/contract"
		else
			echo "host/build"
		fi
		return
	fi
	if ! "$w/pte_marker_test" >"$w/test.tap" 2>&1 || grep -q '^not ok' "$w/test.tap"; then
		echo "host/pte_marker_test"
	fi
}

# "result suite/name" for every test of the one arch in a matrix.json.
tests_of() {
	jq -r '.arches[].tests[] | "\(.result) \(.suite)/\(.name)"' "$1"
}

field_of() {	# field_of matrix.json key: a field of the one arch ("" when null)
	jq -r --arg k "$2" '.arches[][$k] // "" | tostring' "$1" | head -n 1
}

# Build, boot and report one arch into $2 (a results dir), with PATCHES=$3.
run_arch() {	# arch results-dir [patch-dir]
	# arch.sh writes to RESULTS/<base>/<arch>: here, $2/<arch>.
	mkdir -p "$2/$1" "$2/$BASE" && ln -sfn "../$1" "$2/$BASE/$1"
	(
		export BUILD="$MB" RESULTS="$2"
		[ -n "${3:-}" ] && export PATCHES="$3"
		"$PTEMARK_TOP/scripts/arch.sh" "$1"
	)
	rc=$?
	if [ -f "$2/$1/console.log" ] && [ -f "$2/$1/meta" ] && grep -q '^ran=1' "$2/$1/meta"; then
		"$REPORT" "$2" "$1" >"$2/$1/report.txt" 2>&1
		mv "$2/matrix.json" "$2/$1/matrix.json"
		mv "$2/matrix.md" "$2/$1/matrix.md"
		rm -f "$2/junit.xml"
	else
		rm -f "$2/$1/matrix.json"
	fi
	return $rc
}

# One record: results/mutants/<mutant>/<arch>/record, key=value lines,
# one "by=" line per catcher (test names may hold spaces).
record() {	# dir result seconds by-lines reason
	mkdir -p "$1"
	{
		echo "result=$2"
		echo "seconds=$3"
		printf '%s\n' "$4" | sed '/^$/d; s/^/by=/'
		echo "reason=$5"
	} >"$1/record"
	tried="$tried $2"
}

baseline() {	# arch: prints nothing; sets base_ok, base_json, base_boot, base_secs, base_why
	base_ok=0 base_why=
	base_json=$MR/baseline/$1/matrix.json
	if ! run_arch "$1" "$MR/baseline" || [ ! -f "$base_json" ]; then
		base_why="baseline did not build or boot, see $MR/baseline/$1/build.log"
		return
	fi
	base_boot=$(field_of "$base_json" boot)
	base_secs=$(sed -n 's/^run_seconds=//p' "$MR/baseline/$1/meta")
	base_uffd=$(field_of "$base_json" uffd_wp)
	tests_of "$base_json" | sed -n 's/^pass //p' | sort -u >"$MR/baseline/$1/passes"
	base_secs=${base_secs:-100}
	if [ ! -s "$MR/baseline/$1/passes" ]; then
		base_why="no test passes on the baseline"
		return
	fi
	base_ok=1
	say "$1" mutants "baseline: $(wc -l <"$MR/baseline/$1/passes") passing tests, boot $base_boot, ${base_secs}s, uffd_wp $base_uffd"
}

# The Caught-by: tests of a patch (suite/name, globs allowed) when none of
# them passes on arch $2's baseline and some skip there (the arch lacks
# the feature, e.g. soft-dirty on arm64): those skipped, else nothing.
catchers_skip() {	# patch arch
	base=$MR/baseline/$2/matrix.json
	sk=
	for t in $(sed -n 's/^Caught-by:[[:space:]]*//p' "$1"); do
		case $t in */*) ;; *) continue ;; esac
		tests_of "$base" | while read -r res name; do
			# shellcheck disable=SC2254
			case $name in $t) echo "$res $name" ;; esac
		done
	done >"$MR/baseline/$2/catchers.$$"
	grep -q '^pass ' "$MR/baseline/$2/catchers.$$" ||
		sk=$(sed -n 's/^skip //p' "$MR/baseline/$2/catchers.$$" | paste -sd' ' -)
	rm -f "$MR/baseline/$2/catchers.$$"
	echo "$sk"
}

# Try mutant $1 on arch $2 (the baseline is loaded).
try_mutant() {
	mut=$1 arch=$2
	dir=$MR/$mut/$arch
	t0=$(date +%s)
	kpatch=$(patch_for "$mut" "$arch")
	by='' why=''
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -z "$kpatch" ] && ! encoding_applies "$mut" "$arch"; then
		cond=$(sed -n 's/^[ *]*Applies-if:[[:space:]]*//p' "$(encoding_for "$mut" "$arch")" 2>/dev/null | head -n 1)
		if [ -n "$cond" ]; then
			why="no patch for $arch, and $(basename "$(arch_dir "$arch")")/encoding.h does not have $cond (yet)"
		else
			why="no patch for $arch on $BASE (tests/mutants/$BASE/$mut.patch Arches: $(arches_line "$M/$BASE/$mut.patch" 2>/dev/null))"
		fi
		record "$dir" not-applicable 0 "" "$why"
		say "$arch" mutants "$mut: not applicable ($why)"
		return
	fi
	if [ -n "$(encoding_for "$mut" "$arch")" ] && encoding_applies "$mut" "$arch"; then
		by=$(host_layer "$mut" "$arch" "$dir")
		say "$arch" mutants "$mut: host layer: ${by:-passed (not caught there)}"
	fi
	if [ -z "$kpatch" ]; then
		if [ -n "$by" ]; then
			record "$dir" caught $(($(date +%s) - t0)) "$by" \
				"host layer only: no $BASE patch for $arch yet"
		else
			record "$dir" missed $(($(date +%s) - t0)) "" \
				"host layer passed; no $BASE patch for $arch yet"
		fi
		return
	fi
	if [ "$base_ok" != 1 ]; then
		record "$dir" error 0 "$by" "$base_why"
		return
	fi

	pdir=$MB/patches/$mut.$arch
	rm -rf "$pdir"
	mkdir -p "$pdir"
	cp "$kpatch" "$pdir/"
	say "$arch" mutants "$mut: $(basename "$kpatch"), suites: $GUEST_SUITES"
	timeout=${USER_TIMEOUT:-$((base_secs * 3 > 300 ? base_secs * 3 : 300))}
	GUEST_TIMEOUT=$timeout run_arch "$arch" "$MR/$mut" "$pdir"
	secs=$(($(date +%s) - t0))
	blog=$dir/build.log
	if grep -q '^build=fail' "$dir/meta" 2>/dev/null || [ ! -f "$dir/meta" ]; then
		if grep -q 'patch does not apply' "$blog" 2>/dev/null; then
			record "$dir" error "$secs" "$by" "$(basename "$kpatch") does not apply (see $blog)"
		elif grep -qE 'BUILD_BUG_ON failed|static assertion failed|__compiletime_assert' "$blog" 2>/dev/null; then
			check=$(grep -m1 -oE "BUILD_BUG_ON failed[^']*|static assertion failed: \"[^\"]*\"" "$blog" | cut -c1-120)
			record "$dir" caught "$secs" "$(printf '%s\nbuild' "$by")" "caught by build: ${check:-a compile-time assertion}"
		else
			record "$dir" error "$secs" "$by" "build failed, not on a contract check: $(grep -m1 -E 'error:|Error [0-9]' "$blog" 2>/dev/null)"
		fi
		return
	fi
	json=$dir/matrix.json
	if [ ! -f "$json" ]; then
		record "$dir" error "$secs" "$by" "no results (see $dir)"
		return
	fi
	boot=$(field_of "$json" boot)
	tests_of "$json" >"$dir/tests"
	sed -n 's/^\(fail\|error\) //p' "$dir/tests" | sort -u >"$dir/broken"
	sed 's/^[a-z-]* //' "$dir/tests" | sort -u >"$dir/present"
	# Passes of the baseline with no result at all (a log cut short)
	lost=$(comm -23 "$MR/baseline/$arch/passes" "$dir/present")
	# baseline passes that now fail or error
	by=$(printf '%s\n%s\n' "$by" "$(comm -12 "$MR/baseline/$arch/passes" "$dir/broken")")
	case $boot in
	panic)	by=$(printf '%s\nboot/panic' "$by") ;;
	timeout)
		[ "$base_boot" != timeout ] && by=$(printf '%s\nboot/timeout' "$by") ;;
	esac
	by=$(echo "$by" | sed '/^$/d')
	if [ -n "$by" ]; then
		record "$dir" caught "$secs" "$by" "$(echo "$by" | wc -l) catcher(s), boot $boot"
	elif [ "$boot" = timeout ]; then
		record "$dir" error "$secs" "" "guest hung, and so does the baseline"
	elif [ "$(field_of "$json" uffd_wp)" != true ]; then
		record "$dir" not-applicable "$secs" "" "no uffd-wp in $arch's kernel yet (UFFDIO_API)"
	elif skipped=$(catchers_skip "$kpatch" "$arch") && [ -n "$skipped" ]; then
		record "$dir" not-applicable "$secs" "" \
			"the tests meant to catch it skip on $arch's baseline, none passes: $skipped"
	elif [ -n "$lost" ]; then
		# neither caught nor missed: the run cannot say
		record "$dir" error "$secs" "" "$(echo "$lost" | wc -l) baseline pass(es) have no result: $(echo "$lost" | head -n 3 | paste -sd' ' -)"
	else
		record "$dir" missed "$secs" "" "every baseline pass still passes (boot $boot)"
	fi
	say "$arch" mutants "$mut: $(sed -n 's/^result=//p' "$dir/record") in ${secs}s: $(sed -n 's/^by=//p' "$dir/record" | head -n 3 | paste -sd' ' -)"
}

json_str() {	# a JSON string literal
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr '\t\n' '  ')"
}

# results/mutants.json from every record present (earlier runs included).
write_json() {
	{
		printf '{\n  "kernel": %s,\n  "guest_suites": %s,\n  "mutants": {' \
			"$(json_str "$(kernel_version)")" "$(json_str "$GUEST_SUITES")"
		sep=
		for jm in $(all_mutants); do
			printf '%s\n    %s: {' "$sep" "$(json_str "$jm")"
			sep=, asep=
			for ja in $(all_arches); do
				r=$MR/$jm/$ja/record
				[ -f "$r" ] || continue
				g() { sed -n "s/^$1=//p" "$r"; }
				bys=$(g by | while IFS= read -r b; do json_str "$b"; echo; done | paste -sd, - | sed 's/",/", /g')
				printf '%s\n      %s: {"result": %s, "by": [%s], "seconds": %s, "reason": %s}' \
					"$asep" "$(json_str "$ja")" "$(json_str "$(g result)")" "$bys" \
					"$(g seconds)" "$(json_str "$(g reason)")"
				asep=,
			done
			printf '\n    }'
		done
		printf '\n  }\n}\n'
	} >"$JSON.$$" && mv "$JSON.$$" "$JSON"
}

print_table() {
	printf '%-28s' mutant
	for ja in $(all_arches); do printf ' %-16s' "$ja"; done
	echo
	for jm in $(all_mutants); do
		printf '%-28s' "$jm"
		for ja in $(all_arches); do
			r=$MR/$jm/$ja/record
			if [ -f "$r" ]; then
				res=$(sed -n 's/^result=//p' "$r")
				[ "$res" = not-applicable ] && res=n/a
				printf ' %-16s' "$res $(sed -n 's/^seconds=//p' "$r")s"
			else
				printf ' %-16s' -
			fi
		done
		echo
	done
	echo
	for jm in $(all_mutants); do
		for ja in $(all_arches); do
			r=$MR/$jm/$ja/record
			[ -f "$r" ] || continue
			case $(sed -n 's/^result=//p' "$r") in
			caught) echo "$jm $ja: caught by $(sed -n 's/^by=//p' "$r" | head -n 4 | paste -sd' ' -)$([ "$(grep -c '^by=' "$r")" -gt 4 ] && echo ' ...')" ;;
			not-applicable) ;;
			*) echo "$jm $ja: $(sed -n 's/^result=//p' "$r"): $(sed -n 's/^reason=//p' "$r")" ;;
			esac
		done
	done
}

mutants=${*:-${MUTANTS:-}}
[ -n "$mutants" ] || mutants=$(all_mutants)
for mut in $mutants; do
	all_mutants | grep -qxF "$mut" || die "unknown mutant '$mut' (known: $(all_mutants | tr '\n' ' '))"
done
arches=${ARCHES:-$(all_arches)}
for arch in $arches; do
	arch_dir "$arch" >/dev/null || die "unknown arch '$arch' (known: $(all_arches | tr '\n' ' '))"
done

tried=
mkdir -p "$MR" "$MB"
# the same extracted Debian tree: kernel.sh links it from build/<base>/src
mkdir -p "$MB/$BASE"
[ -e "$MB/$BASE/src" ] || ln -s "$BASE_BUILD/src" "$MB/$BASE/src" || die "cannot link $BASE_BUILD/src into $MB/$BASE"
for arch in $arches; do
	need_guest=0
	for mut in $mutants; do
		[ -n "$(patch_for "$mut" "$arch")" ] && need_guest=1
	done
	base_ok=0 base_why="no mutant patch for $arch" base_secs=0 base_boot=
	if [ $need_guest = 1 ]; then
		say "$arch" mutants "baseline: no mutant, suites: $GUEST_SUITES"
		baseline "$arch"
		[ "$base_ok" = 1 ] || say "$arch" mutants "baseline unusable: $base_why"
	fi
	for mut in $mutants; do
		try_mutant "$mut" "$arch"
		write_json
	done
done
write_json
echo
print_table
echo
echo "results: $JSON (logs: $MR/<mutant>/<arch>/)"
case " $tried " in
*" missed "* | *" error "*) exit 1 ;;
esac
exit 0
