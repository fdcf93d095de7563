#!/bin/sh
# tools/hugeheap.so, as scripts/kernel.sh preloads it into the kernel
# builds: the anonymous writable mappings a program makes itself, from one
# huge page up, get MADV_HUGEPAGE; smaller or read-only ones do not; and
# without it nothing does (the probe can tell); and a program whose
# allocator maps memory under its own locks still runs. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PTEMARK_TOP=$top
. "$top/scripts/lib.sh"
T=$BUILD/tests/hugeheap
rm -rf "$T" && mkdir -p "$T" || exit 1
n=0 failed=0
. "$top/tests/lib.sh"

pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size 2>/dev/null)
if [ "$pmd" != 2097152 ]; then
	echo "1..1"
	echo "ok 1 - hugeheap.so advises gcc-sized heaps # SKIP the probe maps 2 MiB huge pages; this kernel's are '${pmd:-none (no THP)}'"
	exit 0
fi
echo "1..6"
check "the probe builds" gcc -O2 -Wall -Wextra -Werror -o "$T/probe" "$top/tests/hugeheap/probe.c"
unset GLIBC_TUNABLES
pre=$(hugeheap_preload)
check "hugeheap_preload builds build/tools/hugeheap.so" test "$pre" = "GLIBC_TUNABLES=glibc.malloc.hugetlb=1 LD_PRELOAD=$BUILD/tools/hugeheap.so"
"$T/probe" >"$T/plain" 2>&1
env $pre "$T/probe" >"$T/preloaded" 2>&1
printf '%s\n' "heap-2m -" "heap-8m -" "small-1m -" "readonly-8m -" "malloc-8m -" >"$T/want-plain"
printf '%s\n' "heap-2m hg" "heap-8m hg" "small-1m -" "readonly-8m -" "malloc-8m hg" >"$T/want-preloaded"
same_file "without it, no mapping is advised" "$T/want-plain" "$T/plain"
same_file "with it, the program's and malloc's writable anonymous mappings of 2 MiB and more are, the rest not" "$T/want-preloaded" "$T/preloaded"
check "PTEMARK_HUGEHEAP=0 preloads nothing" test -z "$(PTEMARK_HUGEHEAP=0 hugeheap_preload)"
# kconfig runs rustc, whose jemalloc maps memory from inside its own
# locks: a hook that allocated there hung it.
if command -v rustc >/dev/null; then
	check "rustc (jemalloc) runs under it" timeout 30 env $pre rustc --version
else
	ok "rustc (jemalloc) runs under it # SKIP no rustc on this machine"
fi
[ "$failed" = 0 ]
