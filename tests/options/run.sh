#!/bin/sh
# The matrix's option handling and fault paths, without building a kernel:
# a fake arch (its "QEMU" is a shell script) and a fake kernel tree.
set -u
# make check exports the user's options; these checks set their own.
unset ARCHES PATCHES TESTS RERUN GUEST_TIMEOUT GUEST_SUITES GUEST_CMDLINE GUEST_SMP GUEST_MEM
# ... and make's own (make check BASE=7.3 hands BASE on in MAKEFLAGS).
unset MAKEFLAGS MFLAGS MAKELEVEL
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$TOP/build/tests/options
rm -rf "$T" && mkdir -p "$T"
n=0 failed=0
. "$TOP/tests/lib.sh"
# The tree's bases, the LTS (the oldest) and mainline (the newest): named
# here by position only, since a base moves to its next version by a
# rename (make refresh BASE=<base> TO=<version>).
TREE_BASES=$(ls "$TOP/generic/bases" | sed -n 's/\.conf$//p' | sort -V | tr '\n' ' ' | sed 's/ $//')
LTS=${TREE_BASES%% *} MAIN=${TREE_BASES##* }

# A project copy with one fake arch whose machine is a script.
P=$T/proj
mkdir -p "$P/arch-fake/patches/6.12" "$P/generic/patches/6.12" "$P/generic/bases"
cp -r "$TOP/scripts" "$P/"
mkdir -p "$P/tools" && cp "$TOP/tools/hugeheap.c" "$P/tools/"
printf 'KERNEL_PKG=linux-source-6.12\nAPT_SOURCE=\n' >"$P/generic/bases/6.12.conf"
: >"$P/generic/ptemark.config"
: >"$P/arch-fake/arch.config"
fake_arch_conf "$P/arch-fake" fake64 "$P/qemu.sh"
export PTEMARK_TOP="$P" BUILD="$T/build" RESULTS="$T/results" BASE=6.12
# One base's part of them, where the scripts put an arch's files.
B=$BUILD/$BASE R=$RESULTS/$BASE
mkdir -p "$B/fake64" "$B/src/linux-source-6.12/mm" "$B/src/linux-source-6.12/scripts/kconfig"
# A fake kbuild: configuring and preparing work, the compile fails.
cat >"$B/src/linux-source-6.12/Makefile" <<'MK'
.DEFAULT_GOAL := all
kernelversion:
	@echo 6.12.99
tinyconfig olddefconfig usr/:
	@mkdir -p $(O) && touch $(O)/.config
# Headers as kbuild's: one is made when its source is newer than it is.
hdrs := $(patsubst $(CURDIR)/include/uapi/%,$(O)/usr/include/%,$(wildcard $(CURDIR)/include/uapi/*/*.h))
headers_install: $(hdrs)
	@mkdir -p $(INSTALL_HDR_PATH)/include
	@[ -z "$(hdrs)" ] || cp -r $(O)/usr/include/. $(INSTALL_HDR_PATH)/include/
$(O)/usr/include/%.h: $(CURDIR)/include/uapi/%.h
	@mkdir -p $(dir $@); echo "HDRINST $*"; cp $< $@
all:
	@echo "compiler: $(CC)"; echo "preload: $$LD_PRELOAD"; echo "mm/fake.c:1:1: error: fake compile failure"; exit 1
MK
printf '#!/bin/sh\n' >"$B/src/linux-source-6.12/scripts/kconfig/merge_config.sh"
chmod +x "$B/src/linux-source-6.12/scripts/kconfig/merge_config.sh"
mkdir -p "$P/tests/kunit"
: >"$P/tests/kunit/fake_kunit.c"
: >"$P/generic/pte_marker_model.h"
: >"$P/arch-fake/encoding.h"
echo hello >"$B/src/linux-source-6.12/file.c"
: >"$B/fake64/kernel.img"
: >"$B/fake64/initramfs.cpio"

# make exports every option, empty when unset; an arch.conf that assigned
# one (GUEST_TIMEOUT) changed it for every arch loaded after it in the
# same shell (bench.sh's no-change rerun then booted every guest again).
check "loading every arch leaves the exported GUEST_ options as they were" sh -c "
	export PTEMARK_TOP=$TOP GUEST_TIMEOUT= GUEST_CMDLINE= GUEST_SUITES=
	. $TOP/scripts/lib.sh
	before=\$(env | grep '^GUEST_' | sort)
	for a in \$(all_arches); do load_arch \$a; done
	after=\$(env | grep '^GUEST_' | sort)
	[ \"\$after\" = \"\$before\" ] || { echo \"before: \$before\"; echo \"after: \$after\"; false; }"

# An optional arch.conf setting (x86_64's KERNEL_CMDLINE, riscv64's
# QEMU_PREPARE) must not carry over to the arch loaded after it.
check "an arch's optional settings do not carry over to the next arch loaded" sh -c "
	export PTEMARK_TOP=$TOP
	. $TOP/scripts/lib.sh
	for a in \$(all_arches); do
		(load_arch \$a; echo \$a \${KERNEL_CMDLINE:-} \${ARCH_GUEST_MEM:-} \${QEMU_PREPARE:-})
	done >$T/alone
	for a in \$(all_arches); do
		load_arch \$a; echo \$a \${KERNEL_CMDLINE:-} \${ARCH_GUEST_MEM:-} \${QEMU_PREPARE:-}
	done >$T/first
	diff $T/alone $T/first"

# An architecture is a directory: a copy of one under a new name is a new
# arch for make, the scripts and the report, with no other file changed.
C=$T/copy
rm -rf "$C" && mkdir -p "$C"
(cd "$TOP" && git ls-files -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$C"
src=$(ls -d "$C"/arch-* | head -n 1)
cp -r "$src" "$C/arch-newarch"
sed -i 's/^ARCH_NAME=.*/ARCH_NAME=newarch64/' "$C/arch-newarch/arch.conf"
(cd "$C" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm copy) >/dev/null 2>&1
check "a copied arch directory is a new arch for make's dry run, on every base, and nothing else changes" sh -c "
	env -u BASE -u BUILD -u RESULTS -u PTEMARK_TOP make -s -n -C $C ARCHES=newarch64 check >$T/copy.n 2>&1 &&
	for b in \$(ls $C/generic/bases | sed 's/\\.conf\$//'); do
		grep -q \"scripts/arch.sh newarch64 run\" $T/copy.n &&
		grep -q -- \"--expect \$b/newarch64=arch-newarch/expect.\$b\" $T/copy.n &&
		(export PTEMARK_TOP=$C BASE=\$b; . $C/scripts/lib.sh; . $C/scripts/series.sh; load_arch newarch64 &&
		 [ \"\$ARCH_DIR\" = $C/arch-newarch ] && series_list | grep -q arch-newarch/patches/\$b/ ||
		 [ ! -d $C/arch-newarch/patches/\$b ]) || exit 1
	done &&
	env -u BASE -u BUILD -u RESULTS -u PTEMARK_TOP make -s -C $C cells-json | grep -q '\"arch\":\"newarch64\"' &&
	[ -z \"\$(git -C $C status --porcelain | grep -v '^?? build/')\" ]"
check "no generic file names an arch outside comments" sh -c "
	! grep -n -E 'x86_64|x86|arm64|aarch64|riscv|s390' $TOP/Makefile $TOP/scripts/*.sh $TOP/tools/*.c $TOP/tools/*.h \
		$TOP/tools/report/*.c $TOP/tools/report/*.h $TOP/guest/*.c $TOP/guest/*.h $TOP/generic/*.h \
		$TOP/generic/*.config $TOP/generic/bases/*.conf $TOP/.ci/run |
		grep -v -E ':[0-9]+:[[:space:]]*(#|\\*|//|/\\*)'"

# arch.conf keys are declared once (scripts/lib.sh): a key nobody reads, or
# a required one left out, is refused by name instead of silently ignored.
check "an arch.conf with an unknown key is refused, naming it" sh -c "
	echo 'QEMU_MACHINE=virt' >>$P/arch-fake/arch.conf;
	! sh $P/scripts/arch.sh fake64 user >$T/key.out 2>&1;
	r=\$?; sed -i '/^QEMU_MACHINE=/d' $P/arch-fake/arch.conf;
	[ \$r -eq 0 ] && grep -q \"arch-fake/arch.conf: unknown key 'QEMU_MACHINE' (known: ARCH_NAME\" $T/key.out"
check "an arch.conf without a required key is refused, naming it" sh -c "
	cp $P/arch-fake/arch.conf $T/arch.conf.keep && sed -i '/^CONSOLE=/d' $P/arch-fake/arch.conf;
	! sh $P/scripts/arch.sh fake64 user >$T/key.out 2>&1;
	r=\$?; cp $T/arch.conf.keep $P/arch-fake/arch.conf;
	[ \$r -eq 0 ] && grep -q 'arch-fake/arch.conf: required key CONSOLE is missing' $T/key.out"

# Unknown arch names are refused by name, with the known ones listed.
check "unknown arch is refused with a clear message" \
	sh -c "! sh $P/scripts/arch.sh nosucharch >$T/unknown.out 2>&1 &&
		grep -q \"unknown arch 'nosucharch' (known: fake64\" $T/unknown.out"
check "make refuses an unknown ARCHES entry" \
	sh -c "make -s -C $TOP setup ARCHES='x86_64 vax' 2>&1 | grep -q \"unknown arch 'vax'\""

# A series that does not apply: build fail, the patch named, the pristine tree untouched.
mkdir -p "$T/bad"
cat >"$T/bad/0001-bad.patch" <<'PATCH'
Subject: [PATCH] mm: a patch that cannot apply

diff --git a/file.c b/file.c
--- a/file.c
+++ b/file.c
@@ -1 +1 @@
-goodbye
+world
PATCH
check "a rejected patch fails the build and names the patch" sh -c "
	! PATCHES=$T/bad sh $P/scripts/kernel.sh fake64 &&
	grep -qx fail $B/fake64/build.status &&
	grep -q 'patch does not apply: 0001-bad.patch (\[PATCH\] mm: a patch that cannot apply): patch failed: file.c:1\$' $R/fake64/build.log &&
	grep -qx hello $B/src/linux-source-6.12/file.c"

# A series that applies replaces only the patched file in the per-arch tree.
mkdir -p "$T/good"
sed -e 's/-goodbye/-hello/' "$T/bad/0001-bad.patch" >"$T/good/0001-good.patch"
check "an applied patch leaves the pristine tree untouched" sh -c "
	PATCHES=$T/good sh $P/scripts/kernel.sh fake64;
	grep -qx world $B/fake64/src/file.c && grep -qx hello $B/src/linux-source-6.12/file.c"

# A series change gives a new time only to the files whose content changed:
# one patch changed rebuilds what it changes, not all the series touches.
# A file whose patch is dropped is newer than its objects again, and that
# does not reach the pristine tree (every arch's tree links to it).
S=$B/src/linux-source-6.12
for f in a b; do echo "$f" >"$S/$f.c"; done
touch -d 2020-01-01 "$S/a.c" "$S/b.c"
mkdir -p "$T/keep1" "$T/keep2" "$T/keep3"
for f in a b; do printf 'Subject: [PATCH] %s\n\n--- a/%s.c\n+++ b/%s.c\n@@ -1 +1 @@\n-%s\n+%s1\n' $f $f $f $f $f >"$T/keep1/000$f.patch"; done
cp "$T/keep1/000a.patch" "$T/keep2/"
sed 's/+b1/+b2/' "$T/keep1/000b.patch" >"$T/keep2/000b.patch"
cp "$T/keep1/000a.patch" "$T/keep3/"
keep_prep() { PATCHES=$1 sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1; }
old=$(date -d 2021-01-01 +%s)
keep_prep "$T/keep1"
# As if the objects were built after: the patched files' times are old.
touch -d 2021-01-01 "$B/fake64/src/a.c" "$B/fake64/src/b.c"
keep_prep "$T/keep2"
check "a changed patch: only its file gets a new time" sh -c "
	grep -qx b2 $B/fake64/src/b.c && [ \$(stat -c %Y $B/fake64/src/b.c) -gt $old ] &&
	grep -qx a1 $B/fake64/src/a.c && [ \$(stat -c %Y $B/fake64/src/a.c) -eq $old ]"
touch -d 2021-01-01 "$B/fake64/src/b.c"
keep_prep "$T/keep3"
check "a dropped patch: its file is newer again, the pristine tree keeps its time" sh -c "
	grep -qx b $B/fake64/src/b.c && [ \$(stat -c %Y $B/fake64/src/b.c) -gt $old ] &&
	[ \$(stat -c %Y $S/b.c) -eq \$(date -d 2020-01-01 +%s) ] && [ \$(stat -c %h $B/fake64/src/b.c) -eq 1 ] &&
	[ \$(stat -c %Y $B/fake64/src/a.c) -eq $old ]"
rm -f "$S/a.c" "$S/b.c"

# The shared uapi headers (source.sh) seed a first install: kbuild redoes
# only what a patch touched, and asm/ stays the arch's own.
S=$B/src/linux-source-6.12
mkdir -p "$S/include/uapi/linux" "$B/src/uapi/usr/include/linux" "$B/src/uapi/usr/include/asm" "$T/uapi"
echo plain >"$S/include/uapi/linux/plain.h"
echo old >"$S/include/uapi/linux/patched.h"
touch -d 2024-01-01 "$S/include/uapi/linux/plain.h" "$S/include/uapi/linux/patched.h"
touch "$S/.ptemark-extracted"
cp "$S/include/uapi/linux/"*.h "$B/src/uapi/usr/include/linux/"
echo host >"$B/src/uapi/usr/include/asm/host.h"
cat >"$T/uapi/0001-uapi.patch" <<'PATCH'
Subject: [PATCH] uapi: a changed header

--- a/include/uapi/linux/patched.h
+++ b/include/uapi/linux/patched.h
@@ -1 +1 @@
-old
+new
PATCH
check "a first header install starts from the shared seed, redoing what a patch touched" sh -c "
	touch $B/src/uapi/ready; rm -rf $B/fake64/obj $B/fake64/headers $B/fake64/prep.inputs;
	PATCHES=$T/uapi sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1 &&
	grep -qx 'HDRINST linux/patched' $B/fake64/prep.log && ! grep -q 'HDRINST linux/plain' $B/fake64/prep.log &&
	grep -qx new $B/fake64/headers/include/linux/patched.h &&
	grep -qx plain $B/fake64/headers/include/linux/plain.h && [ ! -e $B/fake64/headers/include/asm ]"
check "without a seed every header is installed" sh -c "
	rm -f $B/src/uapi/ready; rm -rf $B/fake64/obj $B/fake64/headers $B/fake64/prep.inputs;
	PATCHES=$T/uapi sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1 &&
	grep -qx 'HDRINST linux/plain' $B/fake64/prep.log && grep -qx new $B/fake64/headers/include/linux/patched.h"
rm -rf "$S/include" "$B/src/uapi" "$B/fake64/obj"

# kernel.sh removed the image when the build failed; boot needs one again.
: >"$B/fake64/kernel.img"
# A guest that hangs is killed at GUEST_TIMEOUT and what it printed is kept.
cat >"$P/qemu.sh" <<'QEMU'
echo "ptemark-init: start uptime 0.5"
echo "    # | still going"
sleep 30
QEMU
check "a hung guest is killed at GUEST_TIMEOUT, its output kept" sh -c "
	GUEST_TIMEOUT=2 sh $P/scripts/boot.sh fake64 &&
	grep -qx timed_out=1 $R/fake64/run.meta &&
	grep -q 'still going' $R/fake64/console.log"

# A guest that finishes is not a timeout.
printf 'echo "ptemark-init: start uptime 0.5"\necho "ptemark-init: done"\n' >"$P/qemu.sh"
check "a finished guest is recorded as such" sh -c "
	GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -qx timed_out=0 $R/fake64/run.meta && grep -qx qemu_exit=0 $R/fake64/run.meta"

# A guest that finished its tests but does not power off is stopped after
# the grace period, with its results, and that is not a timeout.
printf 'echo "ptemark-init: start uptime 0.5"\necho "ptemark-init: done"\nsleep 30\n' >"$P/qemu.sh"
check "a guest that does not power off after its last line is stopped, not timed out" sh -c "
	t0=\$(date +%s); GUEST_TIMEOUT=20 POWEROFF_GRACE=1 sh $P/scripts/boot.sh fake64 >$T/stuck.out 2>&1 &&
	[ \$((\$(date +%s) - t0)) -lt 10 ] &&
	grep -qx timed_out=0 $R/fake64/run.meta && grep -qx stopped_after_done=1 $R/fake64/run.meta &&
	grep -q 'did not power off: stopped 1s after its last line' $T/stuck.out"

check "TESTS that is not a directory is refused, before anything is built" sh -c "
	mkdir -p $B/fake64/bin $B/fake64/headers/include;
	! TESTS=$T/nonexistent sh $P/scripts/initramfs.sh fake64 >$T/tests.out 2>&1 &&
	grep -qx 'ptemark: error: TESTS=$T/nonexistent is not a directory' $T/tests.out"

# The run phase never boots what a failed build phase left behind.
printf 'echo booted >%s/booted\necho "ptemark-init: done"\n' "$T" >"$P/qemu.sh"
check "a failed build phase is not followed by a boot" sh -c "
	rm -f $T/booted; : >$B/fake64/initramfs.cpio;
	! PATCHES=$T/bad sh $P/scripts/arch.sh fake64 build >/dev/null 2>&1 &&
	! sh $P/scripts/arch.sh fake64 run >/dev/null 2>&1 &&
	[ ! -e $T/booted ] && grep -qx build=fail $R/fake64/meta"
# The same when the phases run one by one, as make matrix runs them: after
# a failed prep neither the compile nor the selftests even start.
check "a failed prep phase: no kernel phase, no user phase, no boot" sh -c "
	rm -f $T/booted $B/fake64/selftests.err; : >$B/fake64/initramfs.cpio;
	touch $B/fake64/prep.ready $B/fake64/kernel.ready $B/fake64/user.ready;
	! PATCHES=$T/bad sh $P/scripts/arch.sh fake64 prep >/dev/null 2>&1 &&
	[ ! -e $B/fake64/prep.ready ] && [ ! -e $B/fake64/kernel.ready ] &&
	[ ! -e $B/fake64/user.ready ] &&
	! sh $P/scripts/arch.sh fake64 kernel >$T/kernel.out 2>&1 && ! grep -q building $T/kernel.out &&
	! sh $P/scripts/arch.sh fake64 user >/dev/null 2>&1 &&
	[ ! -e $B/fake64/selftests.err ] &&
	! sh $P/scripts/arch.sh fake64 run >/dev/null 2>&1 &&
	[ ! -e $T/booted ] && grep -qx build=fail $R/fake64/meta"
# A compile that fails after a good prep: the failure is named, the user
# phase (which needs only the prep) still runs, and nothing boots.
check "a failed compile: named in meta, user phase still runs, no boot" sh -c "
	rm -rf $T/booted $B/fake64/selftests.err $B/fake64/headers;
	sh $P/scripts/arch.sh fake64 prep >/dev/null 2>&1 &&
	[ -e $B/fake64/prep.ready ] && [ -d $B/fake64/headers/include ] &&
	! sh $P/scripts/arch.sh fake64 kernel >/dev/null 2>&1 && [ ! -e $B/fake64/kernel.ready ] &&
	grep -qx build=fail $R/fake64/meta && grep -q 'build_reason=.*fake compile failure' $R/fake64/meta &&
	{ sh $P/scripts/arch.sh fake64 user >/dev/null 2>&1; [ -e $B/fake64/selftests.err ]; } &&
	! sh $P/scripts/arch.sh fake64 run >/dev/null 2>&1 && [ ! -e $T/booted ]"
# A second compile after a good prep starts from the prep, not from a
# fresh tree, and its log is the prep's plus its own, not the last one's.
check "a compile after a prep reuses it and logs only its own try" sh -c "
	! sh $P/scripts/kernel.sh fake64 >$T/again.out 2>&1 &&
	! grep -q 'linking tree' $T/again.out &&
	[ \$(grep -c 'fake compile failure' $R/fake64/build.log) -eq 2 ]"

# QEMU_PREPARE: an arch's script adds QEMU arguments; its failure is named.
: >"$B/fake64/kernel.img"
cat >"$P/qemu.sh" <<QEMU
echo "\$*" >$T/qemu.args
echo "ptemark-init: done"
QEMU
printf 'echo "-dtb $1/x.dtb"\n' >"$P/arch-fake/prep-ok.sh"
printf 'echo "no dtc here" >&2\nexit 1\n' >"$P/arch-fake/prep-bad.sh"
chmod +x "$P/arch-fake/prep-ok.sh" "$P/arch-fake/prep-bad.sh"
check "QEMU_PREPARE's output reaches QEMU's command line" sh -c "
	echo QEMU_PREPARE=prep-ok.sh >>$P/arch-fake/arch.conf &&
	GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -q -- '-dtb $B/fake64/x.dtb' $T/qemu.args"
check "a failing QEMU_PREPARE is an error that names it" sh -c "
	sed -i 's/prep-ok.sh/prep-bad.sh/' $P/arch-fake/arch.conf &&
	! GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 2>$T/prep.err &&
	grep -q 'prep-bad.sh failed: no dtc here' $T/prep.err"
sed -i '/^QEMU_PREPARE=/d' "$P/arch-fake/arch.conf"

# A slow arch stretches its suites in KERNEL_CMDLINE; GUEST_CMDLINE comes
# after it, and the init takes a parameter's last value.
echo 'KERNEL_CMDLINE="ptemark.timeout_scale=3"' >>"$P/arch-fake/arch.conf"
check "an arch's timeout_scale reaches the guest, GUEST_CMDLINE's after it" sh -c "
	GUEST_CMDLINE=ptemark.timeout_scale=5 GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -q -- 'ptemark.timeout_scale=3 ptemark.timeout_scale=5' $T/qemu.args"
sed -i '/^KERNEL_CMDLINE=/d' "$P/arch-fake/arch.conf"

# -smp is the bare count, unless the arch's QEMU_SYSTEM gives a topology.
check "without an -smp of the arch's, -smp is the bare count" sh -c "
	GUEST_SMP=3 GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -q -- '-smp 3 ' $T/qemu.args"
check "an arch's -smp @GUEST_SMP@,sockets=@GUEST_SMP@ gives every vCPU its own socket" sh -c "
	sed -i 's|^QEMU_SYSTEM=\"\\(.*\\)\"|QEMU_SYSTEM=\"\\1 -smp @GUEST_SMP@,sockets=@GUEST_SMP@\"|' $P/arch-fake/arch.conf &&
	GUEST_SMP=3 GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -q -- '-smp 3,sockets=3 ' $T/qemu.args && [ \$(grep -o -- '-smp' $T/qemu.args | wc -l) = 1 ]"
sed -i 's| -smp @GUEST_SMP@,sockets=@GUEST_SMP@||' "$P/arch-fake/arch.conf"
check "an arch's ARCH_GUEST_MEM is the guest's memory, GUEST_MEM wins" sh -c "
	echo ARCH_GUEST_MEM=777 >>$P/arch-fake/arch.conf &&
	GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 && grep -q -- '-m 777 ' $T/qemu.args &&
	GUEST_MEM=555 GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 && grep -q -- '-m 555 ' $T/qemu.args"
sed -i '/^ARCH_GUEST_MEM=/d' "$P/arch-fake/arch.conf"

# An arch's KERNEL_CMDLINE reaches the guest's command line.
check "an arch's KERNEL_CMDLINE reaches the guest command line" sh -c "
	echo 'KERNEL_CMDLINE=\"tsc=reliable nokaslr\"' >>$P/arch-fake/arch.conf &&
	GUEST_TIMEOUT=20 sh $P/scripts/boot.sh fake64 &&
	grep -q -- 'oops=panic tsc=reliable nokaslr' $T/qemu.args"
sed -i '/^KERNEL_CMDLINE=/d' "$P/arch-fake/arch.conf"

# ccache costs a cold build 4% and gains only on a clean clone: opt-in.
check "kernels compile without ccache unless PTEMARK_CCACHE=1" sh -c "
	! sh $P/scripts/kernel.sh fake64 >/dev/null 2>&1 && grep -qx 'compiler: gcc' $R/fake64/build.log &&
	! PTEMARK_CCACHE=1 sh $P/scripts/kernel.sh fake64 >/dev/null 2>&1 &&
	grep -qx 'compiler: ccache gcc' $R/fake64/build.log"

# The compile runs with the compilers' heaps in huge pages, unless told not.
check "kernels compile with tools/hugeheap.so preloaded unless PTEMARK_HUGEHEAP=0" sh -c "
	! sh $P/scripts/kernel.sh fake64 >/dev/null 2>&1 &&
	grep -qx 'preload: $BUILD/tools/hugeheap.so' $R/fake64/build.log &&
	! PTEMARK_HUGEHEAP=0 sh $P/scripts/kernel.sh fake64 >/dev/null 2>&1 &&
	grep -qx 'preload: ' $R/fake64/build.log"

# With MATRIX_JOBS=2 everything but the guest runs niced (the guest beside
# it keeps its CPU); with 1 nothing is. make -n shows the recipes.
check "MATRIX_JOBS=2 builds at nice 19 and boots at 0, MATRIX_JOBS=1 does not nice" sh -c "
	make -s -n -C $TOP MATRIX_JOBS=2 ARCHES=x86_64 BASE=$LTS run-x86_64@$LTS >$T/make-n2 &&
	grep -q '^nice -n 19 env BASE=$LTS scripts/arch.sh x86_64 prep' $T/make-n2 &&
	grep -q '^nice -n 19 env BASE=$LTS scripts/arch.sh x86_64 kernel' $T/make-n2 &&
	grep -q '^nice -n 19 env BASE=$LTS scripts/arch.sh x86_64 user' $T/make-n2 &&
	grep -q '^env BASE=$LTS scripts/arch.sh x86_64 run' $T/make-n2 &&
	make -s -n -C $TOP MATRIX_JOBS=1 ARCHES=x86_64 BASE=$LTS run-x86_64@$LTS >$T/make-n1 &&
	grep -q '^env BASE=$LTS scripts/arch.sh x86_64 kernel' $T/make-n1 && ! grep -q nice $T/make-n1"

# A compile waits only for the one before it, across bases too; the user
# phase only for its prep; a prep for the one two before it. make -p prints
# the rules make read.
check "compiles chain across bases, user phases and preps run ahead of them" sh -c "
	make -s -n -C $TOP MATRIX_JOBS=2 ARCHES='x86_64 arm64' BASE='$LTS $MAIN' matrix-run >$T/make-chain &&
	grep -q -- '^scripts/cells.sh x86_64@$LTS arm64@$LTS x86_64@$MAIN arm64@$MAIN ' $T/make-chain &&
	grep -q -- '-j5 CELLS=\"\$todo\" cells' $T/make-chain &&
	make -s -n -C $TOP MATRIX_JOBS=1 ARCHES='x86_64 arm64' BASE=$LTS matrix-run | grep -q -- '-j1 CELLS=\"\$todo\" cells' &&
	make -p -n -C $TOP ARCHES='x86_64 arm64 s390x' BASE='$LTS $MAIN' run-s390x@$LTS 2>/dev/null >$T/make-p &&
	grep -q '^kernel-arm64@$LTS: prep-arm64@$LTS .*| kernel-x86_64@$LTS\$' $T/make-p &&
	grep -q '^kernel-x86_64@$MAIN: .*| kernel-s390x@$LTS\$' $T/make-p &&
	grep -q '^user-arm64@$LTS: prep-arm64@$LTS FORCE\$' $T/make-p &&
	grep -q '^prep-arm64@$LTS: setup FORCE\$' $T/make-p &&
	grep -q '^prep-s390x@$LTS: setup FORCE | prep-x86_64@$LTS\$' $T/make-p &&
	grep -q '^run-arm64@$LTS: kernel-arm64@$LTS user-arm64@$LTS FORCE | run-x86_64@$LTS\$' $T/make-p"

check "make refuses an unknown BASE, and KERNEL_SRC with two bases" sh -c "
	make -s -C $TOP setup BASE='$LTS 5.4' 2>&1 | grep -q \"unknown base '5.4' (known: $TREE_BASES)\" &&
	make -s -C $TOP setup BASE='$LTS $MAIN' KERNEL_SRC=/nonexistent 2>&1 | grep -q 'give one BASE= too'"

# The user's own inputs are checked before anything is installed, built or
# booted: a PATCHES= or TESTS= that is not there used to give a run without
# them (PATCHES=) or a build failure in every cell (TESTS=).
mkdir -p "$T/user-empty" "$T/user-lts/$LTS"
: >"$T/user-lts/$LTS/0001-x.patch"
check "make refuses a PATCHES= or TESTS= that is not a directory, and an unknown GUEST_SUITES entry" sh -c "
	! make -s -C $TOP options BASE=$LTS PATCHES=$T/nonexistent >$T/opt1 2>&1 &&
	grep -qx 'ptemark: error: PATCHES=$T/nonexistent is not a directory' $T/opt1 &&
	! make -s -C $TOP options BASE=$LTS TESTS=$T/nonexistent >$T/opt2 2>&1 &&
	grep -qx 'ptemark: error: TESTS=$T/nonexistent is not a directory' $T/opt2 &&
	! make -s -C $TOP options BASE=$LTS GUEST_SUITES='regress bogus' >$T/opt3 2>&1 &&
	grep -q \"ptemark: error: GUEST_SUITES: unknown suite 'bogus' (guest/suites has: .*regress\" $T/opt3"
check "make warns of a PATCHES= or TESTS= that gives a base nothing, and goes on" sh -c "
	make -s -C $TOP options BASE='$LTS $MAIN' PATCHES=$T/user-lts TESTS=$T/user-empty >$T/opt4 2>&1 &&
	grep -qx 'ptemark: warning: PATCHES=$T/user-lts has no \\*.patch for $MAIN' $T/opt4 &&
	! grep -q 'PATCHES=.* for $LTS' $T/opt4 &&
	grep -qx 'ptemark: warning: TESTS=$T/user-empty has no \\*.c for $LTS' $T/opt4 &&
	grep -qx 'ptemark: warning: TESTS=$T/user-empty has no \\*.c for $MAIN' $T/opt4 &&
	make -s -C $TOP options BASE=$LTS GUEST_SUITES=regress PATCHES=$T/user-lts >$T/opt5 2>&1 && [ ! -s $T/opt5 ]"

check "each base has its own series, expectations and report cells" sh -c "
	make -s -n -C $TOP ARCHES='x86_64 s390x' BASE='$LTS $MAIN' check >$T/make-check &&
	grep -q -- '--expect $LTS/x86_64=arch-x86/expect.$LTS --expect $LTS/s390x=arch-s390/expect.$LTS --expect $MAIN/x86_64=arch-x86/expect.$MAIN --expect $MAIN/s390x=arch-s390/expect.$MAIN .* $LTS/x86_64 $LTS/s390x $MAIN/x86_64 $MAIN/s390x\$' $T/make-check &&
	(export PTEMARK_TOP=$TOP BASE=$MAIN; . $TOP/scripts/lib.sh; . $TOP/scripts/series.sh; load_arch s390x;
	 series_list) >$T/series.$MAIN &&
	! grep -q '/$LTS/' $T/series.$MAIN &&
	(export PTEMARK_TOP=$TOP BASE=$LTS; . $TOP/scripts/lib.sh; . $TOP/scripts/series.sh; load_arch s390x;
	 series_list) >$T/series.$LTS &&
	grep -q 'arch-s390/patches/$LTS/0001-' $T/series.$LTS && ! grep -q '/$MAIN/' $T/series.$LTS"

mkdir -p "$T/userdir/$MAIN"
: >"$T/userdir/$MAIN/0001-x.patch"
: >"$T/userdir/0001-y.patch"
check "PATCHES= with a <base>/ subdirectory serves that base, else the whole directory" sh -c "
	(export PTEMARK_TOP=$TOP BASE=$MAIN PATCHES=$T/userdir; . $TOP/scripts/lib.sh; . $TOP/scripts/series.sh;
	 load_arch x86_64; series_list) | grep '^user' >$T/user.$MAIN &&
	[ \"\$(cat $T/user.$MAIN)\" = 'user $T/userdir/$MAIN/0001-x.patch' ] &&
	(export PTEMARK_TOP=$TOP BASE=$LTS PATCHES=$T/userdir; . $TOP/scripts/lib.sh; . $TOP/scripts/series.sh;
	 load_arch x86_64; series_list) | grep '^user' >$T/user.$LTS &&
	[ \"\$(cat $T/user.$LTS)\" = 'user $T/userdir/0001-y.patch' ]"

# On a fresh machine the host tests need the cross compilers and
# qemu-user that setup.sh installs: packages come before them.
first=$(sed -n 's/^ARCH_NAME=//p' "$TOP"/arch-*/arch.conf | head -n 1)
check "make check and make test-host install packages before the host tests" sh -c "
	for t in check test-host; do
		make -s -n -C $TOP ARCHES=$first \$t >$T/make-\$t || exit 1
		s=\$(grep -n '^BASES=\".*\" scripts/setup.sh $first\$' $T/make-\$t | head -n 1 | cut -d: -f1)
		h=\$(grep -n '^scripts/test-host.sh' $T/make-\$t | head -n 1 | cut -d: -f1)
		[ -n \"\$s\" ] && [ -n \"\$h\" ] && [ \"\$s\" -lt \"\$h\" ] || exit 1
	done"

# The base moves: a project patch whose context drifted applies with fuzz,
# is recorded so, and makes the expectations check (make check) red; one
# whose target is gone fails the build by name; make refresh makes the
# fuzzed one clean again without touching its message.
seq 1 9 | sed 's/^/line /' >"$S/ctx.c"
sed -i 's/^line 3$/line 3, changed by a point release/' "$S/ctx.c"
cat >"$P/generic/patches/6.12/0001-ctx.patch" <<'PATCH'
From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A Developer <dev@example.org>
Subject: [PATCH] mm: a patch made before the point release

Its message, which a refresh must keep.

Signed-off-by: A Developer <dev@example.org>
---
 ctx.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/ctx.c b/ctx.c
index 1111111..2222222 100644
--- a/ctx.c
+++ b/ctx.c
@@ -3,6 +3,7 @@
 line 3
 line 4
 line 5
+line 5.5
 line 6
 line 7
 line 8
-- 
2.39.5

PATCH
cp "$P/generic/patches/6.12/0001-ctx.patch" "$T/ctx.orig"
printf 'build pass,fail\nboot pass,fail,timeout,panic\ntest * * any\n' >"$T/expect.any"
REPORT_BIN=$T/report
gcc -O2 -I"$TOP/tools" -I"$TOP/tools/report" -o "$REPORT_BIN" "$TOP"/tools/report/*.c "$TOP/tools/ktap.c" 2>"$T/report.cc" || cat "$T/report.cc"
check "a drifted context applies with fuzz, is recorded so and named once" sh -c "
	rm -rf $B/fake64/prep.inputs; sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1;
	grep -q '^line 5.5\$' $B/fake64/src/ctx.c && ! grep -q 5.5 $S/ctx.c &&
	grep -qx '0001-ctx.patch	fuzz	project' $R/fake64/series.tsv &&
	$REPORT_BIN $R fake64 >$T/rep.out; grep -c 'warning: .*refresh.*0001-ctx.patch (on fake64)' $T/rep.out | grep -qx 1 &&
	! grep -q '^MISS fake64: series' $T/rep.out &&
	grep -q '\"series\": \[{\"patch\": \"0001-ctx.patch\", \"applied\": \"fuzz\", \"origin\": \"project\"}\]' $R/matrix.json"
check "a project patch with fuzz fails the expectations check (make check)" sh -c "
	! $REPORT_BIN --expect fake64=$T/expect.any $R fake64 >$T/rep.out &&
	grep -qx 'MISS fake64: series 0001-ctx.patch: applied with fuzz, expected clean or offset (make refresh)' $T/rep.out"
mkdir -p "$T/userfuzz"
mv "$P/generic/patches/6.12/0001-ctx.patch" "$T/userfuzz/"
check "a PATCHES= patch with fuzz warns but does not fail the check" sh -c "
	rm -rf $B/fake64/prep.inputs; PATCHES=$T/userfuzz sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1;
	grep -qx '0001-ctx.patch	fuzz	user' $R/fake64/series.tsv &&
	$REPORT_BIN --expect fake64=$T/expect.any $R fake64 >$T/rep.out &&
	grep -q 'warning: .*0001-ctx.patch' $T/rep.out"
mv "$T/userfuzz/0001-ctx.patch" "$P/generic/patches/6.12/"
check "make refresh makes the fuzzed patch clean and keeps its message" sh -c "
	sh $P/scripts/refresh.sh >$T/refresh.out 2>&1 &&
	grep -q 'refreshed generic/patches/6.12/0001-ctx.patch (it applied: fuzz)' $T/refresh.out &&
	[ \"\$(sed '/^diff --git/,\$d' $P/generic/patches/6.12/0001-ctx.patch)\" = \"\$(sed '/^diff --git/,\$d' $T/ctx.orig)\" ] &&
	[ \"\$(tail -n 3 $P/generic/patches/6.12/0001-ctx.patch)\" = \"\$(tail -n 3 $T/ctx.orig)\" ] &&
	grep -qx '+line 5.5' $P/generic/patches/6.12/0001-ctx.patch &&
	grep -qx ' line 3, changed by a point release' $P/generic/patches/6.12/0001-ctx.patch &&
	rm -f $B/fake64/prep.inputs && sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1;
	grep -qx '0001-ctx.patch	clean	project' $R/fake64/series.tsv &&
	$REPORT_BIN --expect fake64=$T/expect.any $R fake64 >$T/rep.out && ! grep -q warning $T/rep.out"
check "a second refresh changes nothing" sh -c "
	cp $P/generic/patches/6.12/0001-ctx.patch $T/ctx.once && sh $P/scripts/refresh.sh >$T/refresh.out 2>&1 &&
	cmp $T/ctx.once $P/generic/patches/6.12/0001-ctx.patch && grep -q '0 patch(es) refreshed, 1 already clean' $T/refresh.out"
rm "$S/ctx.c"
check "a hunk whose file is gone: the build fails, naming the patch and the file" sh -c "
	rm -f $B/fake64/prep.inputs; ! sh $P/scripts/kernel.sh fake64 prep >/dev/null 2>&1 &&
	grep -qx fail $B/fake64/build.status &&
	grep -q 'patch does not apply: 0001-ctx.patch (\[PATCH\] mm: a patch made before the point release): ctx.c: No such file' $R/fake64/build.log &&
	grep -qx '0001-ctx.patch	failed	project' $R/fake64/series.tsv"
check "make refresh refuses a patch that fails outright, naming it, and writes nothing" sh -c "
	cp $P/generic/patches/6.12/0001-ctx.patch $T/ctx.before;
	! sh $P/scripts/refresh.sh >$T/refresh.out 2>&1 && grep -q 'refresh: 0001-ctx.patch does not apply' $T/refresh.out &&
	cmp $T/ctx.before $P/generic/patches/6.12/0001-ctx.patch"
rm "$P/generic/patches/6.12/0001-ctx.patch"

# KERNEL_SRC and KERNEL_PKG_VERSION: another source, or a clear no.
mkdir -p "$T/notkernel/src" && echo 'all:' >"$T/notkernel/Makefile"
tar -C "$T" -cJf "$T/notkernel.tar.xz" notkernel
check "KERNEL_SRC that is not a kernel tree is refused clearly" sh -c "
	! KERNEL_SRC=$T/notkernel sh $P/scripts/source.sh 2>$T/src.err &&
	grep -q 'KERNEL_SRC=$T/notkernel is not a kernel tree' $T/src.err"
check "a KERNEL_SRC tarball that is not a kernel tree is refused clearly" sh -c "
	! KERNEL_SRC=$T/notkernel.tar.xz sh $P/scripts/source.sh 2>$T/src.err &&
	grep -q 'notkernel.tar.xz is not a kernel tree' $T/src.err"
check "KERNEL_SRC that does not exist is refused clearly" sh -c "
	! KERNEL_SRC=$T/nowhere sh $P/scripts/source.sh 2>$T/src.err &&
	grep -q 'KERNEL_SRC=$T/nowhere: no such directory or file' $T/src.err"
check "a KERNEL_SRC tree is used in place and named in the results" sh -c "
	mkdir -p $T/ktree/mm $T/ktree/arch && cp -r $S/Makefile $S/file.c $S/scripts $T/ktree/ && : >$T/ktree/Kconfig &&
	sed -i '1i VERSION = 6' $T/ktree/Makefile &&
	KERNEL_SRC=$T/ktree sh $P/scripts/source.sh >/dev/null 2>&1 &&
	grep -qx 'kernel_pkg=' $B/src/source.id && grep -q '^kernel_source=$T/ktree (mtime ' $B/src/source.id &&
	rm -f $B/fake64/prep.inputs && KERNEL_SRC=$T/ktree sh $P/scripts/arch.sh fake64 prep >/dev/null 2>&1 &&
	grep -qx hello $B/fake64/src/file.c && [ \$(stat -c %i $B/fake64/src/file.c) = \$(stat -c %i $T/ktree/file.c) ] &&
	! KERNEL_SRC=$T/ktree sh $P/scripts/arch.sh fake64 kernel >/dev/null 2>&1 &&
	grep -q '^kernel_source=$T/ktree' $R/fake64/meta && grep -qx 'kernel_pkg=' $R/fake64/meta"
check "KERNEL_PKG_VERSION the archive does not have is refused clearly" sh -c "
	! KERNEL_PKG_VERSION=0.0.1-nosuch sh $P/scripts/source.sh 2>$T/src.err &&
	grep -q 'KERNEL_PKG_VERSION=0.0.1-nosuch: the archive has no linux-source-6.12 0.0.1-nosuch' $T/src.err"
rm -f "$B/src/source.id"

# The initramfs is rebuilt when anything under TESTS= changes, a header too.
check "the initramfs cache follows every file under TESTS, not only *.c" sh -c "
	mkdir -p $T/xt && echo '#define X 1' >$T/xt/x.h && echo 'int main(void){return 0;}' >$T/xt/t.c &&
	cp $TOP/scripts/initramfs.sh $P/scripts/inputs.sh && sed -i '/^if \[ -f \"\$OUT\/initramfs.cpio\" \]/,\$d' $P/scripts/inputs.sh &&
	echo 'echo \$inputs' >>$P/scripts/inputs.sh && mkdir -p $B/fake64/bin && : >$B/fake64/bin/.inputs &&
	a=\$(TESTS=$T/xt PTEMARK_TOP=$P sh $P/scripts/inputs.sh fake64) && echo '#define X 2' >$T/xt/x.h &&
	b=\$(TESTS=$T/xt PTEMARK_TOP=$P sh $P/scripts/inputs.sh fake64) && [ -n \"\$a\" ] && [ \"\$a\" != \"\$b\" ]"

# A phase name the script does not know is an error, not a silent no-op.
check "arch.sh rejects an unknown phase" sh -c "
	! sh $P/scripts/arch.sh fake64 bogus 2>$T/phase.err && grep -q \"unknown phase 'bogus'\" $T/phase.err"

# make zerocost counts instructions per marker op; an api function that
# calls a helper gcc left out of line is not all counted, and says so.
mkdir -p "$B/fake64/obj/mm"
cat >"$T/cost.c" <<'EOF2'
unsigned long helper(unsigned long v);
unsigned long ptemark_api_test(unsigned long v) { return helper(v) & 1; }
unsigned long ptemark_hand_test(unsigned long v) { return (v >> 3) & (v >> 7) & 1; }
unsigned long ptemark_api_make(void) { return 0x400; }
unsigned long ptemark_hand_make(void) { return 0x400; }
EOF2
check "zerocost does not score an api op that calls out as zero cost" sh -c "
	gcc -O2 -fno-inline -fno-ipa-icf -fcf-protection=none -c -o $B/fake64/obj/mm/pte_marker_cost.o $T/cost.c &&
	RESULTS=$R sh $P/scripts/zerocost.sh fake64 >$T/zc.out 2>&1 &&
	grep -Eq '^fake64 +test .*NO, uses helper\$' $T/zc.out &&
	grep -Eq '^fake64 +make .*same code\$' $T/zc.out"

# make series: posting needs a person, and what it writes applies.
SP=$T/post
rm -rf "$SP" && mkdir -p "$SP/home" "$SP/tree"
mkdir -p "$SP/tree/tools/testing/selftests/mm" "$SP/tree/mm" "$SP/tree/scripts"
echo 'int x;' >"$SP/tree/mm/a.c"; echo 'int y;' >"$SP/tree/tools/testing/selftests/mm/t.c"
printf '#!/usr/bin/perl\nexit 0;\n' >"$SP/tree/scripts/checkpatch.pl"
echo "VERSION = 6" >"$SP/tree/Makefile"
(cd "$SP/tree" && git init -q && git add -A && git -c user.name=a -c user.email=a@a commit -qm base &&
	echo 'int y = 1;' >tools/testing/selftests/mm/t.c &&
	git -c user.name='ptemark developers' -c user.email=dev@ptemark.invalid commit -qam 'selftests/mm: skip t without y' -m 'Why.' -m 'Signed-off-by: ptemark developers <dev@ptemark.invalid>' &&
	echo 'int x = 1;' >mm/a.c &&
	git -c user.name='ptemark developers' -c user.email=dev@ptemark.invalid commit -qam 'mm: keep x' -m 'Why, seen with stale-wp-fork-unread.' \
		-m 'Fixes: 0123456789ab ("mm: lose x")
Signed-off-by: ptemark developers <dev@ptemark.invalid>' &&
	echo 'int z;' >mm/b.c && git add mm/b.c &&
	git -c user.name='ptemark developers' -c user.email=dev@ptemark.invalid commit -qm 'mm: make z cheaper' -m 'Why, measured.' \
		-m 'Signed-off-by: ptemark developers <dev@ptemark.invalid>' &&
	git format-patch -q -N -o "$SP/patches" HEAD~3 && git reset -q --hard HEAD~3 && rm -rf .git) >"$SP/setup.log" 2>&1
mkdir -p "$P/generic/patches/6.12" && cp "$SP/patches"/*.patch "$P/generic/patches/6.12/"
mkdir -p "$R" && printf '| arch | regress |\n|---|---|\n| fake64 | 1/0/0 |\n' >"$R/matrix.md"
echo '{"arches": {"fake64": {"tests": [{"suite": "regress", "name": "stale-wp-fork-unread"}]}}}' >"$R/matrix.json"
check "make series stops without a person to sign off, and refuses the project's placeholder" sh -c "
	! env -u AUTHOR HOME=$SP/home GIT_CONFIG_NOSYSTEM=1 KERNEL_SRC=$SP/tree sh $P/scripts/post.sh 2>$T/post.err &&
	grep -q 'make series needs a person for Author and Signed-off-by (a DCO)' $T/post.err &&
	! AUTHOR='ptemark developers <dev@ptemark.invalid>' KERNEL_SRC=$SP/tree sh $P/scripts/post.sh 2>$T/post.err &&
	grep -q 'is a placeholder' $T/post.err"
# A generic patch that is no fix, no selftest and no port's hook is posted
# only when generic/patches/<base>/standalone names it (topic mm).
check "make series stops on a generic patch that no topic takes" sh -c "
	! AUTHOR='Ada Lovelace <ada@example.org>' KERNEL_SRC=$SP/tree sh $P/scripts/post.sh >$T/post.out 2>&1 &&
	grep -q '0003-mm-make-z-cheaper.patch is in no topic' $T/post.out"
echo 0003-mm-make-z-cheaper.patch >"$P/generic/patches/6.12/standalone"
check "make series writes each topic with a cover letter, signed by AUTHOR, and git am checks it" sh -c "
	AUTHOR='Ada Lovelace <ada@example.org>' KERNEL_SRC=$SP/tree sh $P/scripts/post.sh >$T/post.out 2>&1 &&
	o=$RESULTS/series/6.12 &&
	[ \"\$(ls \$o)\" = \"\$(printf 'mm\nmm-fixes\nselftests')\" ] &&
	grep -q '^Subject: \[PATCH 0/1\] mm: make z cheaper' \$o/mm/0000-cover-letter.patch &&
	grep -q '^Subject: \[PATCH 1/1\] mm: make z cheaper' \$o/mm/0001-*.patch &&
	! grep -q 'make z cheaper' \$o/mm-fixes/0000-cover-letter.patch &&
	grep -q '^Subject: \[PATCH 0/1\] mm/userfaultfd: uffd-wp fixes' \$o/mm-fixes/0000-cover-letter.patch &&
	grep -q 'fails without it: stale-wp-fork-unread' \$o/mm-fixes/0000-cover-letter.patch &&
	grep -q '^| fake64 | 1/0/0 |' \$o/mm-fixes/0000-cover-letter.patch &&
	grep -q '^Subject: \[PATCH 1/1\] mm: keep x' \$o/mm-fixes/0001-*.patch &&
	grep -qx 'From: Ada Lovelace <ada@example.org>' \$o/mm-fixes/0001-*.patch &&
	grep -qx 'Signed-off-by: Ada Lovelace <ada@example.org>' \$o/mm-fixes/0001-*.patch &&
	! grep -rq ptemark.invalid \$o && grep -q 'mm-fixes: 1 patch(es), checkpatch --strict clean, git am on a fresh 6.12 tree ok' $T/post.out"
rm -f "$P/generic/patches/6.12"/*.patch "$P/generic/patches/6.12/standalone" "$R/matrix.md" "$R/matrix.json"

echo "1..$n"
[ "$failed" -eq 0 ]
