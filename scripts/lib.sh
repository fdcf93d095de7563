# Shared shell helpers; sourced by the other scripts.
# shellcheck shell=sh

PTEMARK_TOP=${PTEMARK_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$PTEMARK_TOP/build}
RESULTS=${RESULTS:-$PTEMARK_TOP/results}
JOBS=${JOBS:-$(($(nproc) + 1))}
: "${PTEMARK_T0:=$(date +%s)}"
export PTEMARK_T0

# One progress line: "[  42s] x86_64@7.3  kernel  building" (the base
# once one is loaded).
say() {
	printf '[%4ss] %-12s %-10s %s\n' "$(($(date +%s) - PTEMARK_T0))" "$1${BASE_BUILD:+@$BASE}" "$2" "$3"
}

die() {
	printf 'ptemark: error: %s\n' "$*" >&2
	exit 1
}

# Find the arch directory whose arch.conf declares ARCH_NAME=$1.
arch_dir() {
	_conf=$(grep -lx "ARCH_NAME=$1" "$PTEMARK_TOP"/arch-*/arch.conf 2>/dev/null | head -n 1)
	[ -n "$_conf" ] && echo "${_conf%/*}"
}

# List every arch name, in directory order.
all_arches() {
	sed -n 's/^ARCH_NAME=//p' "$PTEMARK_TOP"/arch-*/arch.conf
}

# Load one arch's declarations into the environment.
# Every key an arch.conf may set, declared once: the required ones, then
# the optional ones with their defaults ("KEY=default"; values without
# spaces). docs/PORTING.md gives each one's meaning. A machine's quirks are
# values of these (QEMU arguments in QEMU_SYSTEM, guest parameters in
# KERNEL_CMDLINE), never keys of their own.
ARCH_KEYS_REQUIRED="ARCH_NAME KERNEL_ARCH CROSS_COMPILE KERNEL_IMAGE APT_PACKAGES QEMU_SYSTEM CONSOLE"
ARCH_KEYS_DEFAULTS="QEMU_USER= KERNEL_CMDLINE= QEMU_PREPARE= ARCH_GUEST_TIMEOUT=900 ARCH_GUEST_MEM=1536 CCACHE_IGNORE="

load_arch() {
	ARCH_DIR=$(arch_dir "$1") || die "unknown arch '$1' (known: $(all_arches | tr '\n' ' '))"
	_conf=$ARCH_DIR/arch.conf
	_known="$ARCH_KEYS_REQUIRED $(for _kv in $ARCH_KEYS_DEFAULTS; do printf '%s ' "${_kv%%=*}"; done)"
	# Every key known, every required key there: one pass over the file.
	_bad=$(awk -v known=" $_known " -v req="$ARCH_KEYS_REQUIRED" '
		/^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*=/ {
			k = $0; sub(/^[[:space:]]*/, "", k); sub(/=.*/, "", k); seen[k] = 1
			if (!bad && index(known, " " k " ") == 0) bad = "unknown key \047" k "\047 (known: " list ")"
		}
		BEGIN { list = known; gsub(/^ +| +$/, "", list); gsub(/  +/, " ", list) }
		END {
			n = split(req, r, " ")
			for (i = 1; i <= n && !bad; i++)
				if (!(r[i] in seen)) bad = "required key " r[i] " is missing (docs/PORTING.md)"
			print bad
		}' "$_conf")
	[ -z "$_bad" ] || die "$_conf: $_bad"
	# What an arch.conf leaves out takes its default, never the last arch's.
	for _kv in $ARCH_KEYS_DEFAULTS; do
		eval "${_kv%%=*}=\${_kv#*=}"
	done
	# shellcheck disable=SC1090
	. "$_conf"
	load_base
	OUT=$BASE_BUILD/$ARCH_NAME
	RES=$BASE_RESULTS/$ARCH_NAME
}

# user_dir DIR: a user's PATCHES= or TESTS= directory for $BASE: DIR/<base>
# when it has one, else DIR itself (empty when DIR is).
user_dir() {
	if [ -n "$1" ] && [ -d "$1/$BASE" ]; then
		echo "$1/$BASE"
	else
		echo "$1"
	fi
}

# guest_finished LOG: the guest's init reached its end in LOG
# (guest/PROTOCOL.md: its last line is "ptemark-init: done").
guest_finished() {
	grep -q '^ptemark-init: done' "$1" 2>/dev/null
}

# check_guest_suites: every name in GUEST_SUITES is a suite the guest
# knows (guest/suites' first column); dies naming the first that is not.
check_guest_suites() {
	_known=$(sed -n 's/^\([^#[:space:]][^[:space:]]*\).*/\1/p' "$PTEMARK_TOP/guest/suites" | sort -u)
	for _s in ${GUEST_SUITES:-}; do
		echo "$_known" | grep -qxF -- "$_s" ||
			die "GUEST_SUITES: unknown suite '$_s' (guest/suites has: $(echo "$_known" | tr '\n' ' '))"
	done
}

# Every base, in order: generic/bases/<base>.conf.
all_bases() {
	ls "$PTEMARK_TOP"/generic/bases/*.conf | sed 's|.*/||; s|\.conf$||' | sort -V
}

# base_number BASE: the base as one number, major * 100 + minor (7.3 is
# 703), which an encoding compares as ENC_KERNEL_BASE; fails for a name
# that is not <major>.<minor>, the only names a base moves to.
base_number() {
	echo "$1" | awk -F. '/^[0-9]+\.[0-9]+$/ && $2 < 100 { printf "%d\n", $1 * 100 + $2; ok = 1 } END { exit !ok }'
}

# Load the base named by $BASE (one of all_bases): KERNEL_PKG, the package
# the source comes from, and APT_SOURCE, the suite that has it when the
# machine's own apt sources do not ("trixie-backports main"). Everything
# built or found for a base lives in build/<base>/ and results/<base>/.
BASE_KEYS="KERNEL_PKG APT_SOURCE"
load_base() {
	[ -n "${BASE:-}" ] || die "BASE is not set (one of: $(all_bases | tr '\n' ' '); make sets it)"
	case $BASE in *[!0-9A-Za-z._-]*) die "BASE='$BASE': one base here (known: $(all_bases | tr '\n' ' '))" ;; esac
	_conf=$PTEMARK_TOP/generic/bases/$BASE.conf
	[ -f "$_conf" ] || die "unknown base '$BASE' (known: $(all_bases | tr '\n' ' '))"
	# shellcheck disable=SC2086
	unset $BASE_KEYS
	# shellcheck disable=SC1090
	. "$_conf"
	[ -n "${KERNEL_PKG:-}" ] || die "$_conf: KERNEL_PKG is missing"
	BASE_BUILD=$BUILD/$BASE
	BASE_RESULTS=$RESULTS/$BASE
}

# The pristine tree: KERNEL_SRC when it is a directory, else the tarball
# (Debian's, or KERNEL_SRC's) extracted once by source.sh.
kernel_src() {
	if [ -n "${KERNEL_SRC:-}" ] && [ -d "$KERNEL_SRC" ]; then
		(cd "$KERNEL_SRC" && pwd -P)
	else
		echo "$BASE_BUILD/src/$KERNEL_PKG"
	fi
}

# What source.sh resolved: "key=value" lines (kernel_pkg, kernel_source)
# that name the exact source; results and input hashes include it.
source_id() {
	echo "$BASE_BUILD/src/source.id"
}

# The pristine tree's uapi headers, made once by source.sh (kbuild's obj dir).
uapi_seed() {
	echo "$BASE_BUILD/src/uapi"
}

# The tree's version as kbuild's "make kernelversion" prints it, read from
# its top Makefile: that make costs a tenth of a second, and the version is
# asked for in every step of every cell.
kernel_version() {
	awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2 } /^NAME/ { exit }
		END { if (v == "") exit 1
		      printf "%s", v; if (p != "") { printf ".%s", p; if (s != "") printf ".%s", s }
		      print e }' "$(kernel_src)/Makefile" 2>/dev/null
}

# hugeheap_preload: the environment that puts the compilers' heaps in
# transparent huge pages (where page faults are dear: a fifth less CPU for
# a heavy object, 6% for a cold matrix; docs/PERFORMANCE.md): the
# LD_PRELOAD of <build>/tools/hugeheap.so (built here from
# tools/hugeheap.c when missing or older) for what a program maps
# itself, glibc's malloc.hugetlb tunable for what malloc maps.
# Nothing when PTEMARK_HUGEHEAP=0, when it does not build, or when the
# path has a space or colon (LD_PRELOAD splits there).
hugeheap_preload() {
	_so=$BUILD/tools/hugeheap.so
	[ "${PTEMARK_HUGEHEAP:-1}" = 1 ] || return 0
	case $_so in *[[:space:]:]*) return 0 ;; esac
	if [ ! -f "$_so" ] || [ "$PTEMARK_TOP/tools/hugeheap.c" -nt "$_so" ]; then
		mkdir -p "${_so%/*}" &&
			gcc -O2 -Wall -shared -fPIC -o "$_so.$$" "$PTEMARK_TOP/tools/hugeheap.c" &&
			mv -f "$_so.$$" "$_so" || { rm -f "$_so.$$"; return 0; }
	fi
	echo "GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1 LD_PRELOAD=$_so"
}

# ---- A cell's no-change check -------------------------------------------
# A cell (one arch on one base) that ran to the end leaves $OUT/cell.stamp:
# its time is that of the start of its prep, less a nanosecond (a file
# written in the same clock tick has the same time, and must count as
# newer), its text the options it ran with. scripts/cells.sh then finds the cell up to date,
# without a process per step, while no input is newer than the stamp.
# Every phase of arch.sh removes the stamp; only a run phase whose guest
# finished (the results the slow path would reuse) puts it back.

# The options that change what a cell builds or runs, one a line.
cell_options() {
	printf 'PATCHES=%s\nTESTS=%s\nKERNEL_SRC=%s\nKERNEL_PKG_VERSION=%s\n' \
		"${PATCHES:-}" "${TESTS:-}" "${KERNEL_SRC:-}" "${KERNEL_PKG_VERSION:-}"
	env | grep -E '^GUEST_[A-Z_]*=.' | sort
}

# cell_stamp_begin: the stamp to be, $OUT/cell.stamp.new, before any input
# is read (arch.sh's prep); its run phase makes it the stamp.
cell_stamp_begin() {
	cell_options >"$OUT/cell.stamp.new" &&
		touch -d "$(stat -c %.9Y "$OUT/cell.stamp.new" | awk -F. '{ s = $1; n = $2 - 1
			if (n < 0) { n += 1000000000; s-- }; printf "@%d.%09d\n", s, n }')" "$OUT/cell.stamp.new"
}

# Where a cell's inputs live (after load_arch): whole directories, a
# superset of what kernel.sh, selftests.sh, initramfs.sh and arch.sh's run
# phase hash, so that a file added to one of them is covered too. The
# package database stands for the installed kernel source, compilers and
# QEMU; build/apt and build/pkg for a base's own archive. (Not source.sh's
# source.id: it is made from these, just before the first prep.)
cell_input_paths() {
	for _p in "$PTEMARK_TOP/Makefile" "$PTEMARK_TOP/scripts" "$PTEMARK_TOP/tools" \
		"$PTEMARK_TOP/guest" "$PTEMARK_TOP/generic" "$PTEMARK_TOP/tests/kunit" \
		"$PTEMARK_TOP/tests/regress" "$ARCH_DIR" /var/lib/dpkg/status \
		"$BUILD/apt" "$BUILD/pkg" "${PATCHES:-}" "${TESTS:-}" "${KERNEL_SRC:-}"; do
		[ -n "$_p" ] && [ -e "$_p" ] && echo "$_p"
	done
}

# cell_stale_reason: empty when the loaded cell is up to date, else why not.
# A base from an archive is asked again once a day (source.sh), so a stamp
# older than that is stale too.
cell_stale_reason() {
	_s=$OUT/cell.stamp
	[ -z "${RERUN:-}" ] || { echo "RERUN is set"; return; }
	[ -z "${KERNEL_SRC:-}" ] || [ ! -d "$KERNEL_SRC" ] || { echo "KERNEL_SRC is a tree"; return; }
	[ -f "$_s" ] || { echo "no complete run"; return; }
	for _f in "$OUT/kernel.img" "$OUT/initramfs.cpio" "$RES/meta" "$RES/run.meta" "$RES/console.log"; do
		[ -f "$_f" ] || { echo "${_f##*/} missing"; return; }
	done
	# (read, not cat: scripts/cells.sh asks for every cell, and on a
	# no-change run each process counts)
	[ "${CELL_OPTIONS:-$(cell_options)}" = "$(while IFS= read -r _l; do echo "$_l"; done <"$_s")" ] ||
		{ echo "options changed"; return; }
	_ifs=$IFS; IFS='
'
	# shellcheck disable=SC2046
	_new=$(find -H "$_s" $(cell_input_paths) \( \( -samefile "$_s" -mmin +1439 \) -o -newer "$_s" \) -print -quit 2>/dev/null)
	IFS=$_ifs
	[ -z "$_new" ] && return
	[ "$_new" = "$_s" ] && echo "last run over a day ago" || echo "newer: ${_new#"$PTEMARK_TOP"/}"
}
