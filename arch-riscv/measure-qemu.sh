#!/bin/sh
# How does QEMU treat PTE bit 60 (the riscv uffd-wp bit) in a valid PTE?
# Boots the built riscv64 kernel with only tools/probe/wp_read_probe.c,
# once per CPU/device-tree variant, and tabulates what the probe saw.
# Usage: arch-riscv/measure-qemu.sh   (after `make matrix ARCHES=riscv64`)
# Output: results/riscv64/qemu-bits.txt and one console log per variant.
set -u
cd "$(dirname "$0")/.." || exit 1
. scripts/lib.sh
load_arch riscv64
GUEST_MEM=${GUEST_MEM:-512}
GUEST_SMP=1
M=$OUT/measure
mkdir -p "$M" "$RES"
[ -f "$OUT/kernel.img" ] && [ -x "$OUT/init" ] || die "build riscv64 first: make matrix ARCHES=riscv64"

${CROSS_COMPILE}gcc -static -O2 -Wall -o "$M/wp_read_probe" tools/probe/wp_read_probe.c -lpthread ||
	die "probe does not build"
echo "probe - 30 tap /bin/wp_read_probe" >"$M/suites"
cat >"$M/list" <<EOL
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /bin 0755 0 0
dir /etc 0755 0 0
dir /etc/ptemark 0755 0 0
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 0755 0 0
file /init $OUT/init 0755 0 0
file /etc/ptemark/suites $M/suites 0644 0 0
file /bin/wp_read_probe $M/wp_read_probe 0755 0 0
EOL
"$OUT/obj/usr/gen_init_cpio" -t 0 "$M/list" >"$M/initramfs.cpio" || die "gen_init_cpio failed"

BIOS=/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin
# variant: cpu options | Svrsw60t59b in the device tree (yes/no)
variants="rv64|no
rv64|yes
rv64,svpbmt=on|yes
rv64,svnapot=on|yes"
out=$RES/qemu-bits.txt
{
printf '%-18s %-12s %-10s %s\n' cpu dt-ext uffd-wp probe
echo "$variants" | while IFS='|' read -r cpu ext; do
	tag=$(echo "$cpu-$ext" | tr ',=' '__')
	q="qemu-system-riscv64 -M virt -cpu $cpu -bios $BIOS"
	dtb=""
	if [ "$ext" = yes ]; then
		mkdir -p "$M/$tag"
		dtb=$(QEMU_SYSTEM=$q GUEST_MEM=$GUEST_MEM GUEST_SMP=$GUEST_SMP \
			arch-riscv/qemu-dtb.sh "$M/$tag") || die "qemu-dtb.sh failed"
	fi
	log=$M/console-$tag.log
	# shellcheck disable=SC2086
	timeout -k 5 90 $q -m "$GUEST_MEM" -smp 1 -nographic -no-reboot \
		-kernel "$OUT/kernel.img" -initrd "$M/initramfs.cpio" $dtb \
		-append "console=$CONSOLE panic=-1 oops=panic" </dev/null >"$log" 2>&1
	rc=$?
	wp=$(sed -n 's/.*uffd_wp \([01]\).*/\1/p' "$log" | head -n 1)
	res=$(grep -E '^ *(not )?ok [0-9]+ wp-(read|write)' "$log" | sed 's/^ *//' | tr '\n' ';')
	[ $rc -eq 124 ] && res="TIMEOUT after 90s; $res"
	printf '%-18s %-12s %-10s %s\n' "$cpu" "$ext" "${wp:-?}" "${res:-no result (see $log)}"
done
} | tee "$out"
