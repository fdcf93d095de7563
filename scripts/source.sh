#!/bin/sh
# Resolve the kernel source, make its pristine tree once, and install its
# arch-independent uapi headers once as a seed for every arch's prep.
#   KERNEL_SRC=<dir>           a kernel tree of the user's, used in place
#                              (linked per arch, never written to)
#   KERNEL_SRC=<file.tar.xz>   a tarball of one, extracted into build/src
#   KERNEL_PKG_VERSION=<ver>   that version of Debian's package, fetched
#                              with apt-get download into build/pkg
#   neither                    the installed package (scripts/setup.sh), or
#                              for a base whose package Debian 12 lacks
#                              (APT_SOURCE), the newest in that suite
# scripts/source.sh --has PKG only prints the newest version of PKG the
# base's archive has, or fails naming what it has (scripts/move-base.sh
# asks it before renaming anything).
# PTEMARK_TEST_ARCHIVE="<package>..." (tests only) stands for the archive,
# each package at version 1: apt is not asked and nothing is fetched.
# The base is $BASE (generic/bases/<base>.conf); its tree goes to
# build/<base>/src. Writes build/<base>/src/source.id: kernel_pkg=<package
# version> (empty for KERNEL_SRC) and kernel_source=<what was used>, for
# results and hashes.
set -u
. "$(dirname "$0")/lib.sh"
load_base
SRC=$(kernel_src)
SEED=$(uapi_seed)
ID=$(source_id)
mkdir -p "$BASE_BUILD/src"

# A kernel tree has a top Makefile with VERSION, Kconfig, mm/ and arch/.
is_kernel_tree() {
	[ -f "$1/Makefile" ] && grep -q '^VERSION = [0-9]' "$1/Makefile" &&
		[ -f "$1/Kconfig" ] && [ -d "$1/mm" ] && [ -d "$1/arch" ]
}

# extract TARBALL ID: the tarball's one top directory becomes $SRC, unless
# the last extraction was of the same tarball.
extract() {
	stamp="$1 $(stat -c '%s %Y' "$1")"
	[ -f "$SRC/.ptemark-extracted" ] && [ "$(cat "$SRC/.ptemark-extracted")" = "$stamp" ] && return 0
	say all source "extracting $1"
	X=$BASE_BUILD/src/.x
	rm -rf "$X" && mkdir -p "$X"
	# Debian's tarball has 62 xz blocks: xz can decompress them in parallel
	# (10.7 s serial, 8.9 s with two threads, here).
	tar -C "$X" --use-compress-program="xz -T$(nproc)" -xf "$1" ||
		die "could not extract $1"
	top=$(ls "$X")
	[ "$(echo "$top" | wc -l)" = 1 ] && is_kernel_tree "$X/$top" ||
		{ rm -rf "$X"; die "$1 is not a kernel tree (no top Makefile with VERSION, Kconfig, mm/ and arch/ in one top directory)"; }
	rm -rf "$SRC" "$SEED" && mv "$X/$top" "$SRC" && rmdir "$X"
	echo "$stamp" >"$SRC/.ptemark-extracted"
	say all source "linux $(kernel_version)"
}

# apt for $APT_SOURCE without touching the machine's configuration: a
# private sources list, lists and cache under build/apt/<suite>, the
# archive's keyring and the mirror the machine's own sources name.
APT_OPTS=
if [ -n "${APT_SOURCE:-}" ]; then
	A=$BUILD/apt/$(echo "$APT_SOURCE" | tr -c 'A-Za-z0-9.\n-' _)
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's|^deb \(\[[^]]*\] \)\{0,1\}\(https\{0,1\}://[^ ]*/debian\)/\{0,1\} .*|\2|p' \
			-e 's|^URIs: *\(https\{0,1\}://[^ ]*/debian\)/\{0,1\}$|\1|p' | head -n 1)
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} $APT_SOURCE" >"$A/sources.list"
	APT_OPTS="-o Dir::Etc::sourcelist=$A/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$A/lists
		-o Dir::Cache=$A/cache -o Dir::State::status=/dev/null -o Debug::NoLocking=1"
fi
apt_q() {	# apt_q COMMAND ARGS...: apt-get/apt-cache with the base's sources
	cmd=$1; shift
	# shellcheck disable=SC2086
	$cmd $APT_OPTS "$@"
}
testing() { [ -n "${PTEMARK_TEST_ARCHIVE+set}" ]; }
apt_update() {
	testing && return 0
	say all source "apt-get update${APT_SOURCE:+ of $APT_SOURCE (private lists in ${A#"$PTEMARK_TOP"/})}" >&2
	apt_q apt-get update -qq >"$BUILD/apt-$BASE.log" 2>&1
}
versions() {	# versions [PKG]: the archive's versions of PKG (the base's package), newest first
	if testing; then
		case " $PTEMARK_TEST_ARCHIVE " in *" ${1:-$KERNEL_PKG} "*) echo 1 ;; esac
		return 0
	fi
	apt_q apt-cache madison "${1:-$KERNEL_PKG}" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'
}
# Every linux-source-<major>.<minor> the lists know of, oldest first.
sources() {
	if testing; then
		# shellcheck disable=SC2086
		printf '%s\n' $PTEMARK_TEST_ARCHIVE
	else
		apt_q apt-cache pkgnames linux-source- 2>/dev/null
	fi | grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V
}
# What to run when the archive has dropped the base's package: the move to
# the newest linux-source the lists know of, when it is newer than the base.
move_hint() {
	new=$(sources | tail -n 1)
	to=${new#linux-source-}
	if [ "$KERNEL_PKG" = "linux-source-$BASE" ] && [ -n "$new" ] && [ "$new" != "$KERNEL_PKG" ] &&
		[ "$(printf '%s\n' "$BASE" "$to" | sort -V | tail -n 1)" = "$to" ] &&
		[ ! -f "$PTEMARK_TOP/generic/bases/$to.conf" ] && [ -n "$(versions "$new")" ]; then
		echo "make refresh BASE=$BASE TO=$to, for its newest, $new"
	else
		echo "make refresh BASE=$BASE TO=<major>.<minor>, for the linux-source-<major>.<minor> it has"
	fi
}

if [ "${1:-}" = --has ]; then
	[ -n "${2:-}" ] || die "usage: scripts/source.sh --has PACKAGE"
	v=$(versions "$2" | head -n 1)
	if [ -z "$v" ] && [ -n "${APT_SOURCE:-}" ]; then	# the lists may be old
		apt_update || die "apt-get update of $APT_SOURCE failed (see $BUILD/apt-$BASE.log)"
		v=$(versions "$2" | head -n 1)
	fi
	have=$(sources | tr '\n' ' ' | sed 's/ $//')
	[ -n "$v" ] || die "${APT_SOURCE:-"the apt sources of this machine"} has no $2 (it has: ${have:-no linux-source-<major>.<minor>})"
	echo "$v"
	exit 0
fi

# The package version asked for, fetched unless it is the installed one.
fetch_pkg() {
	v=$1
	d=$BUILD/pkg/$KERNEL_PKG/$v
	if [ ! -f "$d/root/usr/src/$KERNEL_PKG.tar.xz" ]; then
		testing && die "PTEMARK_TEST_ARCHIVE: a test archive has nothing to fetch ($KERNEL_PKG $v)"
		have=$(versions)
		if ! echo "$have" | grep -qxF -- "$v"; then	# the lists may be old
			apt_update
			have=$(versions)
		fi
		echo "$have" | grep -qxF -- "$v" ||
			die "KERNEL_PKG_VERSION=$v: the archive has no $KERNEL_PKG $v any more (it has: $(echo $have)); pick one of those, or run apt-get update"
		say all source "fetching $KERNEL_PKG $v" >&2
		rm -rf "$d" && mkdir -p "$d"
		(cd "$d" && apt_q apt-get download -q "$KERNEL_PKG=$v") >"$d/download.log" 2>&1 &&
			dpkg -x "$d"/*.deb "$d/root" && rm -f "$d"/*.deb ||
			die "could not fetch $KERNEL_PKG $v (see $d/download.log)"
	fi
	echo "$d/root/usr/src/$KERNEL_PKG.tar.xz"
}

installed=$(dpkg-query -W -f='${Version}' "$KERNEL_PKG" 2>/dev/null)
if [ -n "${KERNEL_SRC:-}" ]; then
	pkg=
	if [ -d "$KERNEL_SRC" ]; then
		is_kernel_tree "$SRC" || die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree (no top Makefile with VERSION, Kconfig, mm/ and arch/)"
		[ ! -f "$SRC/.config" ] && [ ! -d "$SRC/include/config" ] ||
			die "KERNEL_SRC=$KERNEL_SRC was configured in place: ptemark builds out of tree, run 'make mrproper' there first"
		# What the tree holds: its commit and local changes, or its newest file.
		if [ "$(git -C "$SRC" rev-parse --show-toplevel 2>/dev/null)" = "$SRC" ]; then
			state="git $(git -C "$SRC" rev-parse HEAD) $(git -C "$SRC" status --porcelain | sha256sum | cut -c1-16)"
		else
			state="mtime $(find "$SRC" -type f -printf '%T@\n' | sort -n | tail -n 1)"
		fi
		source="$SRC ($state)"
	elif [ -f "$KERNEL_SRC" ]; then
		extract "$(cd "$(dirname "$KERNEL_SRC")" && pwd -P)/$(basename "$KERNEL_SRC")"
		source="$KERNEL_SRC ($(sha256sum <"$KERNEL_SRC" | cut -c1-16))"
	else
		die "KERNEL_SRC=$KERNEL_SRC: no such directory or file"
	fi
elif [ -n "${APT_SOURCE:-}" ]; then
	# The suite's newest; its lists are read again once a day, so that a
	# no-change run needs no network.
	v=${KERNEL_PKG_VERSION:-}
	if [ -z "$v" ]; then
		[ -n "$(find "$A/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ] || apt_update ||
			echo "ptemark: warning: apt-get update of $APT_SOURCE failed (see $BUILD/apt-$BASE.log); using the lists there are" >&2
		v=$(versions | head -n 1)
		[ -n "$v" ] || die "$APT_SOURCE has no $KERNEL_PKG (see $BUILD/apt-$BASE.log): the base has moved on; run $(move_hint) (docs/PORTING.md, \"Bases\")"
	fi
	tar=$(fetch_pkg "$v") || exit 1
	extract "$tar"
	pkg="$KERNEL_PKG $v"
	source="$tar ($APT_SOURCE)"
elif [ -n "${KERNEL_PKG_VERSION:-}" ] && [ "$KERNEL_PKG_VERSION" != "$installed" ]; then
	tar=$(fetch_pkg "$KERNEL_PKG_VERSION") || exit 1
	extract "$tar"
	pkg="$KERNEL_PKG $KERNEL_PKG_VERSION"
	source=$tar
else
	tar=/usr/src/$KERNEL_PKG.tar.xz
	[ -f "$tar" ] && [ -n "$installed" ] || die "$tar missing: install the $KERNEL_PKG package (scripts/setup.sh)"
	extract "$tar"
	pkg="$KERNEL_PKG $installed"
	source=$tar
fi
printf 'kernel_pkg=%s\nkernel_source=%s\n' "$pkg" "$source" >"$ID.new"
cmp -s "$ID.new" "$ID" && rm -f "$ID.new" || mv "$ID.new" "$ID"

# Every header outside asm/ comes out of headers_install the same for every
# arch, and kbuild makes them one process chain per file: 10 CPU-seconds of
# each arch's prep. Made once here from the pristine tree (for the host's
# arch, whose asm/ is not used), they seed each arch's install (kernel.sh);
# kbuild then redoes only the headers a patch touched.
if [ ! -f "$SEED/ready" ] || ! cmp -s "$ID" "$SEED/ready"; then
	rm -rf "$SEED"
	say all source "uapi headers, once for every arch"
	if make -C "$SRC" O="$SEED" -j"$(nproc)" headers >"$SEED.log" 2>&1; then
		cp "$ID" "$SEED/ready"
	else
		echo "ptemark: no shared uapi headers (see $SEED.log): each arch installs all of its own" >&2
	fi
fi
exit 0
