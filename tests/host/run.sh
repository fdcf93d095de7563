#!/bin/sh
# The host layer: every arch-*/encoding.h against the generic marker
# contract (pte_marker_test.c), built with the host gcc and with each arch's
# cross compiler, run natively and under that arch's qemu-user. Then the
# broken encodings in broken/, each of which must fail, at compile time and
# (with the compile-time contract off) at run time.
#
# Prints TAP, one line per build; the full output of each is kept under
# $BUILD/tests/host. Exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PTEMARK_TOP=$top
. "$top/scripts/lib.sh"
out=${BUILD:-$top/build}/tests/host
src=$here/pte_marker_test.c
cflags="-std=gnu11 -O2 -Wall -Wextra -Werror -I$top/generic"
n=0 failed=0

mkdir -p "$out" || exit 1

# tap ok|fail|skip name [file whose lines become diagnostics]
tap() {
	n=$((n + 1))
	case $1 in
	ok)	echo "ok $n - $2" ;;
	skip)	echo "ok $n - $2 # SKIP ${3:-}"; return ;;
	*)	echo "not ok $n - $2"; failed=$((failed + 1)) ;;
	esac
	[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3"
	return 0
}

# conf_get file key: a value from an arch.conf, without sourcing it
conf_get() {
	sed -n "s/^$2=//p" "$1" | sed 's/^"\(.*\)"$/\1/'
}

# The encodings, and a name for each: the ARCH_NAME its directory declares.
encs=
for e in "$top"/arch-*/encoding.h; do
	[ -f "$e" ] && encs="$encs $e"
done
[ -n "$encs" ] || { echo "not ok 1 - no arch-*/encoding.h found"; exit 1; }

enc_name() {
	d=$(dirname "$1")
	name=$(conf_get "$d/arch.conf" ARCH_NAME 2>/dev/null)
	echo "${name:-$(basename "$d")}"
}

# summarize tap-file: "17 ok, 2 skipped" / the not-ok lines, into $sum / $bad
summarize() {
	total=$(grep -cE '^(not )?ok ' "$1")
	skipped=$(grep -E '^ok ' "$1" | grep -c '# SKIP')
	grep -A3 -E '^not ok ' "$1" | grep -vE '^(ok |--)' >"$1.bad"
	nbad=$(grep -c '^not ok' "$1.bad")
	sum="$total properties"
	[ "$skipped" -gt 0 ] && sum="$sum, $skipped skipped"
	[ "$nbad" -gt 0 ] && sum="$sum, $nbad FAILED"
	return 0
}

# run_enc label dir cc extra-flags runner encoding
run_enc() {
	label=$1 dir=$2 cc=$3 extra=$4 runner=$5 enc=$6
	name=$(enc_name "$enc")
	bin=$dir/pte_marker_test-$name
	# shellcheck disable=SC2086
	if ! $cc $cflags $extra -include "$enc" -o "$bin" "$src" 2>"$bin.log"; then
		tap fail "$label: $name encoding does not build" "$bin.log"
		return
	fi
	$runner "$bin" >"$bin.tap" 2>&1
	rc=$?
	summarize "$bin.tap"
	if [ "$rc" -ne 0 ] || [ "$nbad" -gt 0 ] || [ "$total" -eq 0 ]; then
		[ -s "$bin.bad" ] || tail -n 5 "$bin.tap" >"$bin.bad"
		tap fail "$label: $name encoding: $sum (exit $rc)" "$bin.bad"
		return
	fi
	# Same seed, same arithmetic: every CPU must print the same results.
	native=${native_dir:-$out/native}/pte_marker_test-$name.tap
	if [ "$bin.tap" != "$native" ] && [ -f "$native" ] &&
	   ! cmp -s "$native" "$bin.tap"; then
		diff "$native" "$bin.tap" | head -n 6 >"$bin.bad"
		tap fail "$label: $name encoding: results differ from the native build" "$bin.bad"
		return
	fi
	tap ok "$label: $name encoding: $sum"
}

# 0. The headers as the kernel will compile them: no libc, kernel warnings.
mkdir -p "$out/native"
kflags="-std=gnu11 -ffreestanding -nostdinc -fsyntax-only -Wall -Wextra -Wundef
	-Wstrict-prototypes -Wmissing-prototypes -Wdeclaration-after-statement
	-Wshadow -Wpointer-arith -Werror"
for enc in $encs; do
	name=$(enc_name "$enc")
	log=$out/native/freestanding-$name.log
	# shellcheck disable=SC2086
	if gcc $kflags -include "$enc" -include "$top/generic/pte_marker_model.h" \
	       -x c /dev/null 2>"$log"; then
		tap ok "freestanding: $name encoding and the generic layer need no headers"
	else
		tap fail "freestanding: $name encoding and the generic layer" "$log"
	fi
done

# 1. Native, with UBSan: an out-of-range shift in an encoding is a bug too.
for enc in $encs; do
	run_enc "native gcc" "$out/native" gcc \
		"-fsanitize=undefined -fno-sanitize-recover=all" "" "$enc"
done

# 1b. Each kernel base's form of every encoding: ENC_KERNEL_BASE is the
#     base as major * 100 + minor (base_number, scripts/lib.sh), as
#     scripts/kernel.sh defines it for the kernel's copy (an encoding may
#     differ between bases: riscv64 7.3's soft-dirty bits).
for b in $(all_bases); do
	nb=$(base_number "$b") || { tap fail "base $b: not <major>.<minor>, no ENC_KERNEL_BASE for it"; continue; }
	native_dir=$out/native-$b
	mkdir -p "$native_dir"
	for enc in $encs; do
		run_enc "native gcc, base $b" "$native_dir" gcc \
			"-DENC_KERNEL_BASE=$nb -fsanitize=undefined -fno-sanitize-recover=all" "" "$enc"
	done
	native_dir=
done

# 2. Each arch's toolchain, static, under its qemu-user: all encodings.
host_target=$(gcc -dumpmachine)
for conf in "$top"/arch-*/arch.conf; do
	arch=$(conf_get "$conf" ARCH_NAME)
	cc=$(conf_get "$conf" CROSS_COMPILE)gcc
	runner=$(conf_get "$conf" QEMU_USER)
	label="$arch ($cc${runner:+, $runner})"
	if ! command -v "$cc" >/dev/null 2>&1; then
		tap skip "$label" "$cc not installed"
		continue
	fi
	if [ -z "$runner" ] && [ "$($cc -dumpmachine)" = "$host_target" ]; then
		echo "# $arch: $cc targets this host, covered by the native build"
		continue
	fi
	if [ -n "$runner" ] && ! command -v "$runner" >/dev/null 2>&1; then
		tap skip "$label" "$runner not installed"
		continue
	fi
	mkdir -p "$out/$arch"
	for enc in $encs; do
		run_enc "$label" "$out/$arch" "$cc" "-static" "$runner" "$enc"
	done
done

# 3. Broken encodings: the contract must reject them at compile time, and
#    with the compile-time contract off, the run-time tests must fail.
mkdir -p "$out/broken"
for broken in "$here"/broken/*.h; do
	[ -f "$broken" ] || continue
	what=$(basename "$broken" .h)
	expect=$(sed -n 's/^ \* expect: //p' "$broken")
	for enc in $encs; do
		name=$(enc_name "$enc")
		bin=$out/broken/$what-$name
		# shellcheck disable=SC2086
		if gcc $cflags -include "$enc" -include "$broken" -o "$bin" "$src" \
		       2>"$bin.log"; then
			tap fail "broken $what on $name: builds, the contract missed it"
			continue
		fi
		if grep -q 'ptemark-noop' "$bin.log"; then
			echo "# broken $what on $name: not applicable, $(sed -n 's/.*ptemark-noop: \(.*\)"$/\1/p' "$bin.log" | head -n 1)"
			continue
		fi
		if [ -n "$expect" ] && grep -qF "$expect" "$bin.log"; then
			tap ok "broken $what on $name: rejected at compile time ($expect)"
		else
			grep 'error' "$bin.log" | head -n 3 >"$bin.bad"
			tap fail "broken $what on $name: build failed, but not with '$expect'" "$bin.bad"
		fi
		# shellcheck disable=SC2086
		if ! gcc $cflags -DPM_NO_STATIC_CONTRACT -include "$enc" -include "$broken" \
		     -o "$bin" "$src" 2>"$bin.log"; then
			tap fail "broken $what on $name: does not build without the contract" "$bin.log"
			continue
		fi
		"$bin" >"$bin.tap" 2>&1
		rc=$?
		summarize "$bin.tap"
		if [ "$rc" -ne 0 ] && [ "$nbad" -gt 0 ]; then
			tap ok "broken $what on $name: run-time tests fail too ($nbad of $total)"
		else
			tap fail "broken $what on $name: run-time tests pass (exit $rc)"
		fi
	done
done

echo "1..$n"
[ "$failed" -eq 0 ]
