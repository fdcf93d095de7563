#!/bin/sh
# Resolve the kernel source, make its pristine tree once, and install its
# arch-independent uapi headers once as a seed for every arch's prep.
#   KERNEL_SRC=<dir>           a kernel tree of the user's, used in place
#                              (linked per arch, never written to)
#   KERNEL_SRC=<file.tar.xz>   a tarball of one, extracted into build/src
#   KERNEL_PKG_VERSION=<ver>   that version of Debian's package, fetched
#                              with apt-get download into build/pkg
#   neither                    the installed package (scripts/setup.sh)
# Writes build/src/source.id: kernel_pkg=<package version> (empty for
# KERNEL_SRC) and kernel_source=<what was used>, for results and hashes.
set -u
. "$(dirname "$0")/lib.sh"
SRC=$(kernel_src)
SEED=$(uapi_seed)
ID=$(source_id)
mkdir -p "$BUILD/src"

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
	rm -rf "$BUILD/src/.x" && mkdir -p "$BUILD/src/.x"
	# Debian's tarball has 62 xz blocks: xz can decompress them in parallel
	# (10.7 s serial, 8.9 s with two threads, here).
	tar -C "$BUILD/src/.x" --use-compress-program="xz -T$(nproc)" -xf "$1" ||
		die "could not extract $1"
	top=$(ls "$BUILD/src/.x")
	[ "$(echo "$top" | wc -l)" = 1 ] && is_kernel_tree "$BUILD/src/.x/$top" ||
		{ rm -rf "$BUILD/src/.x"; die "$1 is not a kernel tree (no top Makefile with VERSION, Kconfig, mm/ and arch/ in one top directory)"; }
	rm -rf "$SRC" "$SEED" && mv "$BUILD/src/.x/$top" "$SRC" && rmdir "$BUILD/src/.x"
	echo "$stamp" >"$SRC/.ptemark-extracted"
	say all source "linux $(kernel_version)"
}

# The package version asked for, fetched unless it is the installed one.
fetch_pkg() {
	v=$1
	d=$BUILD/pkg/$KERNEL_PKG/$v
	if [ ! -f "$d/root/usr/src/$KERNEL_PKG.tar.xz" ]; then
		have=$(apt-cache madison "$KERNEL_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}')
		if ! echo "$have" | grep -qxF -- "$v"; then	# the lists may be old
			apt-get update -qq >"$BUILD/apt.log" 2>&1
			have=$(apt-cache madison "$KERNEL_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}')
		fi
		echo "$have" | grep -qxF -- "$v" ||
			die "KERNEL_PKG_VERSION=$v: the archive has no $KERNEL_PKG $v any more (it has: $(echo $have)); pick one of those, or run apt-get update"
		say all source "fetching $KERNEL_PKG $v" >&2
		rm -rf "$d" && mkdir -p "$d"
		(cd "$d" && apt-get download -q "$KERNEL_PKG=$v") >"$d/download.log" 2>&1 &&
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
