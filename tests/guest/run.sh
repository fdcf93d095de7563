#!/bin/sh
# Host tests of the guest side: the output classifier against recorded
# logs, init.c's native and cross builds, and init's suite runner in its
# host test mode (PTEMARK_INIT_TEST=1). Prints TAP; exits 1 if any failed.
#
# Each tests/guest/logs/*.expect starts with
#   args: FORMAT PREFIX FALLBACK LOG END
# (PREFIX - for none; END exit:N, signal:N, timeout:N, notrun:WHY or
# skipped:WHY, the rest of the line) and then lists the results expected,
# written by hand from the upstream sources, as classify_test prints them.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
G=$TOP/guest
OUT=${BUILD:-$TOP/build}/tests/guest
LOGS=$HERE/logs
mkdir -p "$OUT"

n=0
failed=0
. "$TOP/tests/lib.sh"
# Show a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$1"
}

# ---- the classifier ----------------------------------------------------

CFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror"
if gcc $CFLAGS -I "$G" -I "$TOP/tools" -o "$OUT/classify_test" "$HERE/classify_test.c" \
	"$G/classify.c" "$TOP/tools/ktap.c" 2>"$OUT/classify_test.build"; then
	ok "classify_test builds"
else
	not_ok "classify_test builds"
	diag "$OUT/classify_test.build"
fi

for exp in "$LOGS"/*.expect; do
	case=$(basename "$exp" .expect)
	# shellcheck disable=SC2034
	read -r tag fmt prefix fallback log end <"$exp"
	tail -n +2 "$exp" >"$OUT/$case.want"
	if [ -x "$OUT/classify_test" ] &&
		"$OUT/classify_test" "$fmt" "$prefix" "$fallback" "$end" \
			"$LOGS/$log" >"$OUT/$case.got" 2>&1 &&
		cmp -s "$OUT/$case.want" "$OUT/$case.got"; then
		ok "classify $case"
	else
		not_ok "classify $case"
		diff -u "$OUT/$case.want" "$OUT/$case.got" >"$OUT/$case.diff"
		diag "$OUT/$case.diff"
	fi
done

# ---- init builds -------------------------------------------------------

if gcc -std=gnu11 -static -O2 -Wall -Wextra -Werror -I "$TOP/tools" -o "$OUT/init" \
	"$G/init.c" "$G/classify.c" "$TOP/tools/ktap.c" 2>"$OUT/init.build"; then
	ok "init builds natively (gcc -static -Wall -Wextra -Werror)"
else
	not_ok "init builds natively (gcc -static -Wall -Wextra -Werror)"
	diag "$OUT/init.build"
fi

# Every arch that runs under qemu-user (the host's own needs none), as
# "<cross prefix without the dash>:<qemu-user binary>", from arch-*/arch.conf.
CROSSES=$(for conf in "$TOP"/arch-*/arch.conf; do
	(. "$conf"; [ -n "${QEMU_USER:-}" ] && echo "${CROSS_COMPILE%-}:$QEMU_USER")
done)

for cross in $CROSSES; do
	cross=${cross%%:*}
	name="init cross-builds with $cross-gcc -static"
	if ! command -v "$cross-gcc" >/dev/null 2>&1; then
		ok "$name # SKIP no compiler"
		continue
	fi
	if "$cross-gcc" -std=gnu11 -static -O2 -Wall -Wextra -Werror \
		-I "$TOP/tools" -o "$OUT/init.$cross" "$G/init.c" "$G/classify.c" "$TOP/tools/ktap.c" \
		2>"$OUT/init.$cross.build"; then
		ok "$name"
	else
		not_ok "$name"
		diag "$OUT/init.$cross.build"
	fi
done

# ---- init's suite runner, host test mode -------------------------------

SMOKE=$OUT/smoke
rm -rf "$SMOKE"
mkdir -p "$SMOKE/extra" "$SMOKE/work"

script() {
	f=$SMOKE/$1
	cat >"$f"
	chmod +x "$f"
}

# a uffd-unit-tests look-alike whose second test hangs past the timeout
script uffdish.sh <<'EOF'
#!/bin/sh
echo "Testing quick on anon... done"
printf 'Testing slow on anon... '
sleep 30
echo done
EOF
script crasher.sh <<'EOF'
#!/bin/sh
echo "about to crash"
kill -SEGV $$
EOF
script tapper.sh <<'EOF'
#!/bin/sh
echo "TAP version 13"
echo "1..3"
echo "ok 1 alpha"
echo "# beta went wrong"
echo "not ok 2 beta"
echo "ok 3 # SKIP gamma"
exit 1
EOF
# leaves a child holding the output pipe: init must kill it, not wait
script leaver.sh <<'EOF'
#!/bin/sh
sleep 101 &
echo $! >leftover.pid
echo "left a child behind"
EOF
# a child that escapes the process group: init must stop waiting for EOF
script escaper.sh <<'EOF'
#!/bin/sh
setsid sleep 6 &
sleep 0.5	# let it leave the group before we exit
echo "escaped"
EOF
script echoargs.sh <<'EOF'
#!/bin/sh
echo "args: $*"
EOF
script extra/zz-extra.sh <<'EOF'
#!/bin/sh
echo "extra says hi"
EOF
echo "not executable" >"$SMOKE/extra/README"

cat >"$SMOKE/suites" <<EOF
# suites for the host smoke test of init
uffdish - 2 uffd $SMOKE/uffdish.sh
crash crasher 30 exit $SMOKE/crasher.sh
tap - 30 tap $SMOKE/tapper.sh
tap named 30 tap $SMOKE/tapper.sh
misc leaver 30 exit $SMOKE/leaver.sh
misc escaper 30 exit $SMOKE/escaper.sh
misc missing 30 exit $SMOKE/does-not-exist
misc huge 30 exit $SMOKE/echoargs.sh mb=@HUGE_HALF_MB@

bad line here
EOF
cat >"$SMOKE/suites0" <<EOF
huge zero 30 exit $SMOKE/echoargs.sh mb=@HUGE_HALF_MB@
EOF

# What init prints, minus the lines that vary (uptime, kernel, timings).
# Hand-written from PROTOCOL.md and the scripts above.
cat >"$SMOKE/want" <<'EOF'
KTAP version 1
1..6
    KTAP version 1
    # Subtest: uffdish
    # | Testing quick on anon... done
    # | Testing slow on anon... 
    1..2
    ok 1 quick/anon
    not ok 2 slow/anon # TIMEOUT timeout after 2s
not ok 1 uffdish
    KTAP version 1
    # Subtest: crash
    # | about to crash
    1..1
    not ok 1 crasher # crashed: killed by signal 11
not ok 2 crash
    KTAP version 1
    # Subtest: tap
    # | TAP version 13
    # | 1..3
    # | ok 1 alpha
    # | # beta went wrong
    # | not ok 2 beta
    # | ok 3 # SKIP gamma
    # | TAP version 13
    # | 1..3
    # | ok 1 alpha
    # | # beta went wrong
    # | not ok 2 beta
    # | ok 3 # SKIP gamma
    1..6
    ok 1 alpha
    not ok 2 beta # beta went wrong
    ok 3 gamma # SKIP
    ok 4 named/alpha
    not ok 5 named/beta # beta went wrong
    ok 6 named/gamma # SKIP
not ok 3 tap
    KTAP version 1
    # Subtest: misc
    # | left a child behind
    # | escaped
    # | args: mb=7
    1..4
    ok 1 leaver
    ok 2 escaper
    not ok 3 missing # cannot execute SMOKE/does-not-exist: No such file or directory
    ok 4 huge
not ok 4 misc
    KTAP version 1
    # Subtest: bad
    1..1
    not ok 1 line # SMOKE/suites:11: want <suite> <name> <timeout> <format> <argv...>
not ok 5 bad
    KTAP version 1
    # Subtest: extra
    # | extra says hi
    1..1
    ok 1 zz-extra.sh
ok 6 extra
ptemark-init: done
EOF
cat >"$SMOKE/want0" <<'EOF'
KTAP version 1
1..1
    KTAP version 1
    # Subtest: huge
    1..1
    ok 1 zero # SKIP no free huge pages
ok 1 huge # SKIP no free huge pages
ptemark-init: done
EOF

# keep the lines that do not vary from run to run
stable() {
	grep -v -e '^    # ptemark: ' -e '^ptemark-init: start ' \
		-e '^ptemark-init: kernel ' -e '^# ptemark-init: ' "$1" |
		sed "s|$SMOKE|SMOKE|g"
}

if [ -x "$OUT/init" ]; then
	ulimit -c 0
	t0=$(date +%s)
	PTEMARK_INIT_TEST=1 PTEMARK_SUITES=$SMOKE/suites \
		PTEMARK_EXTRA=$SMOKE/extra PTEMARK_TMP=$SMOKE/work \
		PTEMARK_HUGE_HALF_MB=7 PTEMARK_CMDLINE="ptemark.extra_timeout=20" \
		"$OUT/init" >"$SMOKE/out" 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - t0))

	if [ $rc -eq 0 ] && grep -q '^ptemark-init: start uptime [0-9.]*$' "$SMOKE/out"; then
		ok "init test mode: starts with 'ptemark-init: start uptime N', exits 0"
	else
		not_ok "init test mode: starts with 'ptemark-init: start uptime N', exits 0 (rc $rc)"
		diag "$SMOKE/out"
	fi
	if grep -q '^ptemark-init: kernel [^ ]* uffd_api_features 0x[0-9a-f]* uffd_wp [01]$' "$SMOKE/out"; then
		ok "init test mode: prints the kernel and uffd feature line"
	else
		not_ok "init test mode: prints the kernel and uffd feature line"
	fi
	stable "$SMOKE/out" >"$SMOKE/got"
	same_file "init test mode: KTAP for timeout, crash, TAP, leftovers, missing binary, bad line, /extra" \
		"$SMOKE/want" "$SMOKE/got"
	# 2 s timeout + 2 s for the escaped child's pipe + a little
	if [ "$secs" -le 10 ]; then
		ok "init test mode: leftover children do not hang the runner (${secs}s)"
	else
		not_ok "init test mode: leftover children do not hang the runner (${secs}s)"
	fi
	left=$(cat "$SMOKE/work/leftover.pid" 2>/dev/null)
	if [ -z "$left" ] || kill -0 "$left" 2>/dev/null; then
		not_ok "init test mode: the child left behind was killed"
	else
		ok "init test mode: the child left behind was killed"
	fi

	# ptemark.soak=N reaches the tests as PTEMARK_SOAK and stretches the
	# suites' timeouts; without it, PTEMARK_SOAK=1
	script soak.sh <<'EOF'
#!/bin/sh
echo "soak=$PTEMARK_SOAK"
EOF
	echo "soak s 10 exit $SMOKE/soak.sh" >"$SMOKE/suites-soak"
	for want in 3 1; do
		PTEMARK_INIT_TEST=1 PTEMARK_SUITES=$SMOKE/suites-soak \
			PTEMARK_TMP=$SMOKE/work PTEMARK_HUGE_HALF_MB=0 \
			PTEMARK_CMDLINE="$([ $want = 1 ] || echo ptemark.soak=$want)" \
			"$OUT/init" >"$SMOKE/out-soak" 2>&1 </dev/null
		if grep -q "^    # | soak=$want\$" "$SMOKE/out-soak" &&
			grep -q "^    # ptemark: run s: .* (timeout $((10 * want))s)\$" "$SMOKE/out-soak"; then
			ok "init test mode: soak $want: PTEMARK_SOAK=$want, timeout $((10 * want))s"
		else
			not_ok "init test mode: soak $want: PTEMARK_SOAK=$want, timeout $((10 * want))s"
			diag "$SMOKE/out-soak"
		fi
	done

	PTEMARK_INIT_TEST=1 PTEMARK_SUITES=$SMOKE/suites0 \
		PTEMARK_TMP=$SMOKE/work PTEMARK_HUGE_HALF_MB=0 \
		"$OUT/init" >"$SMOKE/out0" 2>&1 </dev/null
	stable "$SMOKE/out0" >"$SMOKE/got0"
	same_file "init test mode: @HUGE_HALF_MB@ of 0 skips the run" "$SMOKE/want0" "$SMOKE/got0"
else
	not_ok "init test mode: no init binary"
fi

# init's swap header against mkswap's: same version, last_page, bad pages
# and magic (mkswap also writes a random UUID, which init leaves zero).
swap_fields() {
	# version, last_page, nr_badpages; then the magic at page end
	od -A n -t u4 -j 1024 -N 12 "$1" | tr -s ' '
	tail -c +$(($2 - 9)) "$1" | head -c 10
	echo
}
if [ -x "$OUT/init" ] && command -v mkswap >/dev/null 2>&1; then
	pg=$(getconf PAGESIZE)
	rm -f "$SMOKE/swap.init" "$SMOKE/swap.mkswap"
	dd if=/dev/zero of="$SMOKE/swap.init" bs=1M count=4 2>/dev/null
	dd if=/dev/zero of="$SMOKE/swap.mkswap" bs=1M count=4 2>/dev/null
	mkswap "$SMOKE/swap.mkswap" >/dev/null 2>&1
	PTEMARK_INIT_TEST=1 PTEMARK_SUITES=/nonexistent \
		PTEMARK_SWAPFILE=$SMOKE/swap.init "$OUT/init" >"$SMOKE/out.swap" 2>&1
	swap_fields "$SMOKE/swap.init" "$pg" >"$SMOKE/swap.init.fields"
	swap_fields "$SMOKE/swap.mkswap" "$pg" >"$SMOKE/swap.mkswap.fields"
	# 4 MiB of 4 KiB pages: last_page 1023
	if cmp -s "$SMOKE/swap.init.fields" "$SMOKE/swap.mkswap.fields" &&
		grep -q "^ 1 $((4 * 1048576 / pg - 1)) 0 *$" "$SMOKE/swap.init.fields" &&
		grep -qx SWAPSPACE2 "$SMOKE/swap.init.fields"; then
		ok "init's swap header matches mkswap's"
	else
		not_ok "init's swap header matches mkswap's"
		diag "$SMOKE/swap.init.fields"
		diag "$SMOKE/swap.mkswap.fields"
	fi
	if command -v blkid >/dev/null 2>&1; then
		if [ "$(blkid -p -o value -s TYPE "$SMOKE/swap.init" 2>/dev/null)" = swap ]; then
			ok "blkid sees init's swap header as swap"
		else
			not_ok "blkid sees init's swap header as swap"
		fi
	fi
else
	ok "init's swap header matches mkswap's # SKIP no mkswap"
fi

# The cross-built inits run the same smoke test under qemu-user: s390x is
# big-endian, and qemu-user has no pidfd_open, so init's polling fallback
# runs too. (qemu-user has no userfaultfd either: that line is filtered.)
for cross in $CROSSES; do
	c=${cross%%:*}
	q=${cross##*:}
	name="init ($c) test mode under $q: same KTAP"
	if [ ! -x "$OUT/init.$c" ] || ! command -v "$q" >/dev/null 2>&1; then
		ok "$name # SKIP no $q or no $c build"
		continue
	fi
	PTEMARK_INIT_TEST=1 PTEMARK_SUITES=$SMOKE/suites \
		PTEMARK_EXTRA=$SMOKE/extra PTEMARK_TMP=$SMOKE/work \
		PTEMARK_HUGE_HALF_MB=7 PTEMARK_CMDLINE="ptemark.extra_timeout=20" \
		"$q" "$OUT/init.$c" >"$SMOKE/out.$c" 2>&1 </dev/null
	stable "$SMOKE/out.$c" >"$SMOKE/got.$c"
	same_file "$name" "$SMOKE/want" "$SMOKE/got.$c"
done

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
