#!/bin/sh
# Boot one arch's kernel and initramfs under QEMU (TCG) and capture the console.
# Usage: scripts/boot.sh ARCH_NAME
# The guest powers itself off (reboot + -no-reboot); a guest that does not
# within GUEST_TIMEOUT seconds is killed and reported as a timeout, one
# that finished its tests but does not power off is stopped after
# POWEROFF_GRACE seconds (default 30).
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"

# The user's values, else the arch's (arch.conf; scripts/lib.sh has the
# defaults). The guest's command line: the arch's KERNEL_CMDLINE, then
# GUEST_CMDLINE, whose values win (the init takes a parameter's last).
GUEST_TIMEOUT=${GUEST_TIMEOUT:-$ARCH_GUEST_TIMEOUT}
GUEST_MEM=${GUEST_MEM:-$ARCH_GUEST_MEM}
GUEST_SMP=${GUEST_SMP:-2}
POWEROFF_GRACE=${POWEROFF_GRACE:-30}
# An arch that needs its own -smp (a topology) says so in QEMU_SYSTEM,
# with @GUEST_SMP@ for the count.
QEMU_SYSTEM=$(printf '%s\n' "$QEMU_SYSTEM" | sed "s/@GUEST_SMP@/$GUEST_SMP/g")
case " $QEMU_SYSTEM " in *" -smp "*) smp_args= ;; *) smp_args="-smp $GUEST_SMP" ;; esac
LOGF=$RES/console.log
mkdir -p "$RES"
[ -f "$OUT/kernel.img" ] && [ -f "$OUT/initramfs.cpio" ] || die "$ARCH_NAME: nothing to boot"

qemu=${QEMU_SYSTEM%% *}
command -v "$qemu" >/dev/null || die "$ARCH_NAME: $qemu not found (scripts/setup.sh installs it)"

# An arch may need extra arguments made at boot time (arch.conf QEMU_PREPARE).
extra=""
if [ -n "${QEMU_PREPARE:-}" ]; then
	extra=$(GUEST_MEM=$GUEST_MEM GUEST_SMP=$GUEST_SMP QEMU_SYSTEM=$QEMU_SYSTEM \
		"$ARCH_DIR/$QEMU_PREPARE" "$OUT" 2>"$RES/prepare.err") ||
		die "$ARCH_NAME: $QEMU_PREPARE failed: $(tail -n 1 "$RES/prepare.err")"
fi

say "$ARCH_NAME" boot "$qemu, ${GUEST_SMP} cpus, ${GUEST_MEM}M, timeout ${GUEST_TIMEOUT}s (console: $LOGF)"
t0=$(date +%s)
# A guest that printed its done line (all its results in) but did not
# power off was seen once, an s390x guest under TCG.
stopped=$RES/stopped-after-done
rm -f "$stopped"
# shellcheck disable=SC2086
timeout -k 10 "$GUEST_TIMEOUT" $QEMU_SYSTEM -m "$GUEST_MEM" $smp_args \
	-nographic -no-reboot -kernel "$OUT/kernel.img" -initrd "$OUT/initramfs.cpio" $extra \
	-append "console=$CONSOLE panic=-1 oops=panic ${KERNEL_CMDLINE:+$KERNEL_CMDLINE }${GUEST_CMDLINE:-}" \
	</dev/null >"$LOGF" 2>"$RES/qemu.stderr" &
qpid=$!
(
	until guest_finished "$LOGF"; do
		sleep 1
		kill -0 "$qpid" 2>/dev/null || exit 0
	done
	i=0
	while [ $i -lt "$POWEROFF_GRACE" ]; do
		sleep 1
		kill -0 "$qpid" 2>/dev/null || exit 0
		i=$((i + 1))
	done
	: >"$stopped" && kill "$qpid" 2>/dev/null
) &
wpid=$!
wait "$qpid"
rc=$?
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
secs=$(($(date +%s) - t0))
timed_out=0
[ $rc -eq 124 ] || [ $rc -eq 137 ] && timed_out=1
[ -f "$stopped" ] && timed_out=0
{
	echo "run_seconds=$secs"
	echo "qemu_exit=$rc"
	echo "timed_out=$timed_out"
	[ -f "$stopped" ] && echo "stopped_after_done=$POWEROFF_GRACE"
	echo "ran=1"
} >"$RES/run.meta"
if [ $timed_out = 1 ]; then
	say "$ARCH_NAME" boot "TIMEOUT after ${secs}s, QEMU killed"
elif [ -f "$stopped" ]; then
	say "$ARCH_NAME" boot "guest finished, did not power off: stopped ${POWEROFF_GRACE}s after its last line (${secs}s)"
elif guest_finished "$LOGF"; then
	say "$ARCH_NAME" boot "guest finished in ${secs}s"
else
	say "$ARCH_NAME" boot "guest ended after ${secs}s without finishing (qemu exit $rc, see $LOGF)"
fi
