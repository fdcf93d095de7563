#!/bin/sh
# Everything for one arch: kernel, selftests, initramfs, boot. Each step
# skips itself when its inputs are unchanged; results/<arch>/meta always
# says how far it got, so the report can tell build, boot and test failures.
# Usage: scripts/arch.sh ARCH_NAME [build|kernel|user|run]   (default: all)
# build = kernel (the kernel) + user (selftests, initramfs). The Makefile runs
# the phases separately: one arch's guest boots, and its user phase runs,
# while the next arch's kernel builds.
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"
phase=${2:-all}
S=$PTEMARK_TOP/scripts
mkdir -p "$RES"

write_meta() {	# write_meta build-status [reason]
	{
		echo "arch=$ARCH_NAME"
		echo "kernel=$(kernel_version)"
		echo "build=$1"
		echo "build_reason=${2:-}"
		echo "build_seconds=$(cat "$OUT/build.seconds" 2>/dev/null || echo 0)"
		cat "$RES/run.meta" 2>/dev/null || echo "ran=0"
	} >"$RES/meta"
}

case $phase in all|build|kernel|user|run) ;; *) die "unknown phase '$phase' (build kernel user run)" ;; esac

# $OUT/ready: the build phase succeeded; when it failed it wrote meta.
# $OUT/kernel.ready: the same for the kernel phase alone.
if [ "$phase" = run ]; then
	[ -f "$OUT/ready" ] || exit 1
elif [ "$phase" = user ]; then
	rm -f "$OUT/ready"
	[ -f "$OUT/kernel.ready" ] || exit 1
elif ! rm -f "$OUT/ready" "$OUT/kernel.ready" || ! "$S/kernel.sh" "$ARCH_NAME"; then
	rm -f "$RES/run.meta" "$RES/console.log"
	write_meta fail "$(tail -n 1 "$OUT/build.log")"
	exit 1
else
	touch "$OUT/kernel.ready"
	[ "$phase" = kernel ] && exit 0
fi
[ "$phase" = run ] || for step in selftests initramfs; do
	if ! "$S/$step.sh" "$ARCH_NAME" 2>"$OUT/$step.err"; then
		cat "$OUT/$step.err" >&2
		cat "$OUT/$step.err" >>"$RES/build.log"
		rm -f "$RES/run.meta" "$RES/console.log"
		write_meta fail "$step: $(tail -n 1 "$OUT/$step.err")"
		exit 1
	fi
done

[ "$phase" = run ] || touch "$OUT/ready"
[ "$phase" = build ] || [ "$phase" = user ] && exit 0

# Reuse the last results when neither the kernel nor the initramfs changed.
run_inputs=$( { cat "$OUT/kernel.inputs"; sha256sum <"$OUT/initramfs.cpio";
	[ -n "${QEMU_PREPARE:-}" ] && cat "$ARCH_DIR/$QEMU_PREPARE";
	env | grep -E '^GUEST_' | sort; } | sha256sum | cut -c1-16)
if [ -z "${RERUN:-}" ] && [ "$(cat "$OUT/run.inputs" 2>/dev/null)" = "$run_inputs" ] &&
	[ -f "$RES/run.meta" ] && grep -q '^ptemark-init: done' "$RES/console.log" 2>/dev/null; then
	say "$ARCH_NAME" boot "up to date: results of $(date -r "$RES/console.log" '+%F %T') reused (RERUN=1 boots again)"
else
	rm -f "$OUT/run.inputs"
	"$S/boot.sh" "$ARCH_NAME"
	echo "$run_inputs" >"$OUT/run.inputs"
fi
write_meta pass
