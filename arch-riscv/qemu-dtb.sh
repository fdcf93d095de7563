#!/bin/sh
# Print the extra QEMU arguments riscv64 boots with: a device tree whose
# riscv,isa also names Svrsw60t59b. QEMU 7.2 does not know the extension,
# but with Svpbmt on it masks PTE bits 54-60 out of the physical address
# and ignores them, which is what Svrsw60t59b asks of bits 59 and 60; see
# UFFD-WP.md for the measurement. Without this the kernel finds no
# Svrsw60t59b and (rightly) offers no uffd-wp.
# Called by scripts/boot.sh as: qemu-dtb.sh OUTDIR, with QEMU_SYSTEM,
# GUEST_MEM and GUEST_SMP in the environment.
set -eu
out=$1
command -v dtc >/dev/null || { echo "qemu-dtb.sh: dtc missing (device-tree-compiler)" >&2; exit 1; }
# The machine's own tree, for the same memory and CPUs as the real boot.
# shellcheck disable=SC2086
$QEMU_SYSTEM -m "$GUEST_MEM" -smp "$GUEST_SMP" -nographic \
	-machine dumpdtb="$out/virt.dtb" >/dev/null 2>&1 </dev/null
dtc -q -I dtb -O dts -o "$out/virt.dts" "$out/virt.dtb"
sed 's/\(riscv,isa = "rv64[a-z0-9_]*\)"/\1_svrsw60t59b"/' "$out/virt.dts" >"$out/virt-ext.dts"
grep -q '_svrsw60t59b"' "$out/virt-ext.dts" ||
	{ echo "qemu-dtb.sh: no riscv,isa property in QEMU's device tree" >&2; exit 1; }
dtc -q -I dts -O dtb -o "$out/virt-ext.dtb" "$out/virt-ext.dts"
echo "-dtb $out/virt-ext.dtb"
