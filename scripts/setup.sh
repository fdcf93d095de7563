#!/bin/sh
# Install what the matrix needs from Debian's archive, for the given arches.
# Usage: BASES="<base>..." scripts/setup.sh ARCH_NAME...
# (fast no-op when all is installed)
set -u
. "$(dirname "$0")/lib.sh"

pkgs="make gcc libc6-dev ccache flex bison bc libelf-dev libssl-dev cpio xz-utils lz4 rsync
	kmod jq git patch qemu-user-static python3-jsonschema"
# The kernel source: each base's Debian package, unless the user names
# another (scripts/source.sh fetches a KERNEL_PKG_VERSION itself, and a
# package from another suite, APT_SOURCE).
for BASE in ${BASES:-}; do
	load_base
	[ -z "${KERNEL_SRC:-}" ] && [ -z "${KERNEL_PKG_VERSION:-}" ] && [ -z "${APT_SOURCE:-}" ] &&
		pkgs="$pkgs $KERNEL_PKG"
done
for a in "$@"; do
	load_arch "$a"
	pkgs="$pkgs $APT_PACKAGES"
done

# One dpkg-query for all: the no-change run asks on every make.
# shellcheck disable=SC2086
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
	sed -n 's/ install ok installed$//p' | tr '\n' ' ')"
missing=""
for p in $pkgs; do
	case $installed in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

say all setup "installing:$missing"
[ "$(id -u)" = 0 ] || die "need root to install:$missing"
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$BUILD"
apt-get update -qq >"$BUILD/apt.log" 2>&1
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >>"$BUILD/apt.log" 2>&1 ||
	die "apt-get could not install:$missing (see $BUILD/apt.log)"
