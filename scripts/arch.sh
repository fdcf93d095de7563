#!/bin/sh
# Everything for one arch: kernel, selftests, initramfs, boot. Each step
# skips itself when its inputs are unchanged; results/<arch>/meta always
# says how far it got, so the report can tell build, boot and test failures.
# Usage: scripts/arch.sh ARCH_NAME [build|prep|kernel|user|run]  (default: all)
#   prep    patched tree, config, kbuild prepare, uapi headers
#   kernel  the compile (after prep)
#   user    selftests and initramfs (after prep: they need only the headers)
#   run     the guest (after kernel and user)
#   build = prep + kernel + user; all = build + run.
# The Makefile runs the phases separately, so that one arch's guest boots
# while the next arch's kernel compiles, and the arches after it prepare.
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"
phase=${2:-all}
S=$PTEMARK_TOP/scripts
mkdir -p "$RES" "$OUT"
# Whatever runs now, the cell's no-change stamp no longer holds (lib.sh).
rm -f "$OUT/cell.stamp"

write_meta() {	# write_meta build-status [reason]
	{
		echo "arch=$ARCH_NAME"
		echo "kernel=$(kernel_version)"
		cat "$(source_id)" 2>/dev/null
		echo "build=$1"
		echo "build_reason=${2:-}"
		echo "build_seconds=$(cat "$OUT/build.seconds" 2>/dev/null || echo 0)"
		cat "$RES/run.meta" 2>/dev/null || echo "ran=0"
	} >"$RES/meta"
}

build_failed() {	# build_failed reason: no results from an old guest stay
	rm -f "$RES/run.meta" "$RES/console.log"
	write_meta fail "$1"
	exit 1
}

case $phase in
all) phases="prep kernel user run" ;;
build) phases="prep kernel user" ;;
prep|kernel|user|run) phases=$phase ;;
*) die "unknown phase '$phase' (prep kernel user run build)" ;;
esac

# $OUT/<phase>.ready: that phase succeeded. A phase that fails writes meta;
# the phases after it then stop without a word.
for p in $phases; do
	case $p in
	prep)
		rm -f "$OUT/prep.ready" "$OUT/kernel.ready" "$OUT/user.ready"
		cell_stamp_begin
		"$S/kernel.sh" "$ARCH_NAME" prep || build_failed "$(tail -n 1 "$OUT/build.log")"
		;;
	kernel)
		rm -f "$OUT/kernel.ready"
		[ -f "$OUT/prep.ready" ] || exit 1
		"$S/kernel.sh" "$ARCH_NAME" || build_failed "$(tail -n 1 "$OUT/build.log")"
		;;
	user)
		rm -f "$OUT/user.ready"
		[ -f "$OUT/prep.ready" ] || exit 1
		for step in selftests initramfs; do
			if ! "$S/$step.sh" "$ARCH_NAME" 2>"$OUT/$step.err"; then
				cat "$OUT/$step.err" >&2
				cp "$OUT/$step.err" "$RES/user.log"
				build_failed "$step: $(tail -n 1 "$OUT/$step.err")"
			fi
		done
		;;
	run)
		[ -f "$OUT/kernel.ready" ] && [ -f "$OUT/user.ready" ] || exit 1
		# Reuse the last results when neither the kernel nor the initramfs
		# changed (initramfs.inputs: what initramfs.sh made it from).
		run_inputs=$( { cat "$OUT/kernel.inputs" "$OUT/initramfs.inputs";
			[ -n "${QEMU_PREPARE:-}" ] && cat "$ARCH_DIR/$QEMU_PREPARE";
			env | grep -E '^GUEST_[A-Z_]*=.' | sort; } | sha256sum | cut -c1-16)
		if [ -z "${RERUN:-}" ] && [ "$(cat "$OUT/run.inputs" 2>/dev/null)" = "$run_inputs" ] &&
			[ -f "$RES/run.meta" ] && guest_finished "$RES/console.log"; then
			say "$ARCH_NAME" boot "up to date: results of $(date -r "$RES/console.log" '+%F %T') reused (RERUN=1 boots again)"
		else
			rm -f "$OUT/run.inputs"
			"$S/boot.sh" "$ARCH_NAME"
			echo "$run_inputs" >"$OUT/run.inputs"
		fi
		write_meta pass
		# Results the next run would reuse: the cell is up to date.
		if [ -f "$OUT/cell.stamp.new" ] && guest_finished "$RES/console.log"; then
			mv "$OUT/cell.stamp.new" "$OUT/cell.stamp"
		fi
		;;
	esac
	touch "$OUT/$p.ready"
done
