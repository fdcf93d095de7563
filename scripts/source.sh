#!/bin/sh
# Extract Debian's linux-source-6.12 once into build/src.
set -u
. "$(dirname "$0")/lib.sh"
TAR=/usr/src/linux-source-6.12.tar.xz
SRC=$(kernel_src)
[ -f "$TAR" ] || die "$TAR missing: install the linux-source-6.12 package (scripts/setup.sh)"
if [ -f "$SRC/.ptemark-extracted" ] && [ "$SRC/.ptemark-extracted" -nt "$TAR" ]; then
	exit 0
fi
say all source "extracting $TAR"
rm -rf "$SRC" && mkdir -p "$BUILD/src"
# Debian's tarball has 62 xz blocks: xz can decompress them in parallel
# (10.7 s serial, 8.9 s with two threads, here).
tar -C "$BUILD/src" --use-compress-program="xz -T$(nproc)" -xf "$TAR" ||
	die "could not extract $TAR"
touch "$SRC/.ptemark-extracted"
say all source "linux $(kernel_version)"
