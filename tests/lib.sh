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
