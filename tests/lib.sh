# Helpers of the host tests' run.sh scripts, sourced (". tests/lib.sh").
# check, ok, not_ok and skip print TAP and count in n and failed (the caller
# sets both to 0); check keeps each command's output in $T/out.<n>.

# check "name" command...: "ok" when the command succeeds, else "not ok"
# and its output as diagnostics (only the last CHECK_TAIL lines when set).
check() {
	n=$((n + 1))
	name=$1; shift
	if "$@" >"$T/out.$n" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		tail -n "${CHECK_TAIL:-+1}" "$T/out.$n" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

# ok "name", not_ok "name": a result the caller decided
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}

# same_file "name" WANT GOT: ok when GOT is WANT, else not_ok and the
# diff (kept in GOT.diff) as diagnostics
same_file() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$2" "$3" >"$3.diff"
		sed 's/^/# /' "$3.diff"
	fi
}

# skip "name" "why"
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# fake_arch_conf DIR NAME QEMU_SCRIPT [LINE...]: DIR/arch.conf of a fake
# arch NAME, no cross compiler, whose "QEMU" is a shell script (its path
# as arch.conf should read it); each LINE is added as it is.
fake_arch_conf() {
	conf=$1/arch.conf
	printf '%s\n' "ARCH_NAME=$2" KERNEL_ARCH=fake CROSS_COMPILE= KERNEL_IMAGE=img \
		'APT_PACKAGES=""' "QEMU_SYSTEM=\"sh $3\"" CONSOLE=ttyFAKE >"$conf"
	shift 3
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$conf"
}

# fake_project DIR SRC: at DIR, a copy of the project SRC (its Makefile,
# scripts, tools, docs and CI files) whose two arches (fakea64 in arch-fa,
# fakeb64 in arch-fb) and two bases (6.12, 7.3) are fakes: a fake kbuild
# tree (fake-kernel/, which source.sh copies), empty selftests and
# initramfs, and a "QEMU" (arch-*/qemu.sh) that prints a recorded guest
# log (tests/report/logs) whose suites all pass or skip.
fake_project() {
	P=$1 SRC=$2
	mkdir -p "$P"
	for f in Makefile scripts tools docs .gitlab-ci.yml .gitlab .github; do cp -R "$SRC/$f" "$P/"; done
	cp "$TOP/scripts/validate-json.sh" "$P/scripts/"
	printf '/build/\n/results/\n/.gitlab-ci-local/\n' >"$P/.gitignore"
	mkdir -p "$P/generic/bases" "$P/tests/kunit" "$P/tests/fake" "$P/fake-kernel/scripts/kconfig" "$P/fake-kernel/mm" "$P/fake-kernel/arch"
	: >"$P/generic/ptemark.config"; : >"$P/generic/pte_marker_model.h"; : >"$P/tests/kunit/fake_kunit.c"
	printf '#!/bin/sh\necho 1..2\necho "ok 1 - a host test"\necho "ok 2 - another # SKIP not here"\n' >"$P/tests/fake/run.sh"
	for b in 6.12 7.3; do printf 'KERNEL_PKG=fake-linux-source-%s\nAPT_SOURCE=fake\n' $b >"$P/generic/bases/$b.conf"; done
	cat >"$P/fake-kernel/Makefile" <<'MK'
VERSION = 6
.DEFAULT_GOAL := all
kernelversion:
	@cat $(CURDIR)/version
tinyconfig olddefconfig usr/:
	@mkdir -p $(O) && touch $(O)/.config
headers_install:
	@mkdir -p $(INSTALL_HDR_PATH)/include
all:
	@echo "  LD      vmlinux"; touch $(O)/img
MK
	echo 'int x;' >"$P/fake-kernel/file.c"
	printf '#!/bin/sh\n' >"$P/fake-kernel/scripts/kconfig/merge_config.sh"
	chmod +x "$P/fake-kernel/scripts/kconfig/merge_config.sh"
	: >"$P/fake-kernel/Kconfig"; : >"$P/fake-kernel/mm/.keep"; : >"$P/fake-kernel/arch/.keep"
	cat >"$P/scripts/source.sh" <<'SH'
#!/bin/sh
# Fake (tests/ci): the base's "package" is fake-kernel/, its version the base's.
set -u
. "$(dirname "$0")/lib.sh"
load_base
d=$BASE_BUILD/src/$KERNEL_PKG
rm -rf "$d" && mkdir -p "$d" && cp -R "$PTEMARK_TOP/fake-kernel/." "$d/" && echo "$BASE.99" >"$d/version"
printf 'kernel_pkg=%s 1.0-fake\nkernel_source=fake\n' "$KERNEL_PKG" >"$BASE_BUILD/src/source.id"
SH
	cat >"$P/scripts/selftests.sh" <<'SH'
#!/bin/sh
# Fake (tests/ci): nothing to cross-compile.
exit 0
SH
	cat >"$P/scripts/initramfs.sh" <<'SH'
#!/bin/sh
# Fake (tests/ci): an empty initramfs.
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"
: >"$OUT/initramfs.cpio"
echo fake >"$OUT/initramfs.inputs"
SH
	for a in fa:fakea64:clean/x86_64 fb:fakeb64:clean/s390x; do
		d=${a%%:*} rest=${a#*:}; name=${rest%%:*} log=${rest#*:}
		mkdir -p "$P/arch-$d"
		fake_arch_conf "$P/arch-$d" "$name" "\$PTEMARK_TOP/arch-$d/qemu.sh" ARCH_GUEST_TIMEOUT=60
		: >"$P/arch-$d/arch.config"; : >"$P/arch-$d/encoding.h"
		# A recorded guest: what a real one printed (tests/report/logs).
		cp "$TOP/tests/report/logs/$log/console.log" "$P/arch-$d/guest.log"
		printf 'cat "$(dirname "$0")/guest.log"\n' >"$P/arch-$d/qemu.sh"
		for b in 6.12 7.3; do printf 'build pass\nboot pass\ntest * * pass,skip\n' >"$P/arch-$d/expect.$b"; done
	done
}
