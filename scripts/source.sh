#!/bin/sh
# Extract Debian's linux-source-6.12 once into build/src, and install its
# arch-independent uapi headers once as a seed for every arch's prep.
set -u
. "$(dirname "$0")/lib.sh"
TAR=/usr/src/linux-source-6.12.tar.xz
SRC=$(kernel_src)
SEED=$(uapi_seed)
[ -f "$TAR" ] || die "$TAR missing: install the linux-source-6.12 package (scripts/setup.sh)"
if [ ! -f "$SRC/.ptemark-extracted" ] || [ "$TAR" -nt "$SRC/.ptemark-extracted" ]; then
	say all source "extracting $TAR"
	rm -rf "$SRC" "$SEED" && mkdir -p "$BUILD/src"
	# Debian's tarball has 62 xz blocks: xz can decompress them in parallel
	# (10.7 s serial, 8.9 s with two threads, here).
	tar -C "$BUILD/src" --use-compress-program="xz -T$(nproc)" -xf "$TAR" ||
		die "could not extract $TAR"
	touch "$SRC/.ptemark-extracted"
	say all source "linux $(kernel_version)"
fi

# Every header outside asm/ comes out of headers_install the same for every
# arch, and kbuild makes them one process chain per file: 10 CPU-seconds of
# each arch's prep. Made once here from the pristine tree (for the host's
# arch, whose asm/ is not used), they seed each arch's install (kernel.sh);
# kbuild then redoes only the headers a patch touched.
if [ ! -f "$SEED/ready" ] || [ "$SRC/.ptemark-extracted" -nt "$SEED/ready" ]; then
	rm -rf "$SEED"
	say all source "uapi headers, once for every arch"
	if make -C "$SRC" O="$SEED" -j"$(nproc)" headers >"$SEED.log" 2>&1; then
		touch "$SEED/ready"
	else
		echo "ptemark: no shared uapi headers (see $SEED.log): each arch installs all of its own" >&2
	fi
fi
exit 0
