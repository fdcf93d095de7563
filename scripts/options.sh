#!/bin/sh
# The user's own inputs, checked before anything is installed, built or
# booted (make's options target runs this when one of them is given):
# PATCHES= and TESTS= are directories, GUEST_SUITES= names suites of
# guest/suites. A directory that gives a base of BASES nothing is only
# warned of: one PATCHES= may hold <base>/ subdirectories for some bases.
set -u
. "$(dirname "$0")/lib.sh"

# user_input NAME DIR EXT: DIR exists; say which bases it gives no *.EXT
user_input() {
	[ -n "$2" ] || return 0
	[ -d "$2" ] || die "$1=$2 is not a directory"
	for BASE in ${BASES:-}; do
		ls "$(user_dir "$2")"/*."$3" >/dev/null 2>&1 ||
			printf 'ptemark: warning: %s=%s has no *.%s for %s\n' "$1" "$2" "$3" "$BASE" >&2
	done
}

user_input PATCHES "${PATCHES:-}" patch
user_input TESTS "${TESTS:-}" c
check_guest_suites
exit 0
