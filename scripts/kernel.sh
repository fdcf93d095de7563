#!/bin/sh
# Build one arch's kernel: patched tree, merged config, image and uapi headers.
# Usage: scripts/kernel.sh ARCH_NAME [prep]
# prep stops after the mostly serial part: the patched tree, the config,
# kbuild's prepare, the uapi headers and gen_init_cpio, which is all the
# selftests and the initramfs need. Without it the compile follows (after
# a prep, unless one for the same inputs already succeeded).
# Skips all work when the inputs (kernel version, patches, fragments) are
# unchanged since the last successful build.
set -u
. "$(dirname "$0")/lib.sh"
load_arch "$1"
mode=${2:-all}
case $mode in prep|all) ;; *) die "unknown kernel.sh mode '$mode' (prep, or none)" ;; esac

mkdir -p "$OUT" "$RES"
LOG=$OUT/build.log
STATUS=$OUT/build.status
t0=$(date +%s)
SRC=$(kernel_src)
[ -f "$SRC/Makefile" ] || die "kernel source missing at $SRC (run scripts/source.sh)"
KVER=$(kernel_version)
ENC_BASE=$(base_number "$BASE") || die "BASE=$BASE: the encodings need a base named <major>.<minor> (ENC_KERNEL_BASE)"

. "$PTEMARK_TOP/scripts/series.sh"
KUNIT=$PTEMARK_TOP/tests/kunit
series() {
	series_list | cut -d' ' -f2-
}

finish() {	# finish pass|fail "message"
	echo "$1" >"$STATUS"
	echo "$(($(date +%s) - t0 + prep_seconds))" >"$OUT/build.seconds"
	[ -n "${2:-}" ] && echo "$2" >>"$LOG"
	cp "$LOG" "$RES/build.log"
	cp "$OUT/series.tsv" "$RES/series.tsv" 2>/dev/null
	say "$ARCH_NAME" kernel "$1${2:+: $2}"
	[ "$1" = pass ]
	exit $?
}

# The KUnit suite, the base's names for what it calls (tests/kunit/<base>/
# *.h), and the one text of the encoding it checks, which the host tests
# compile too.
overlay() {
	for f in "$KUNIT"/*.c $(ls "$KUNIT/$BASE"/*.h 2>/dev/null); do
		cp "$f" "$OUT/src/mm/" && echo "mm/${f##*/}" || return 1
	done &&
	{ echo "#define ENC_KERNEL_BASE $ENC_BASE";
	  cat "$ARCH_DIR/encoding.h"; } >"$OUT/src/mm/ptemark_encoding.h" &&
	cp "$PTEMARK_TOP/generic/pte_marker_model.h" "$OUT/src/mm/ptemark_model.h" &&
	echo mm/ptemark_encoding.h && echo mm/ptemark_model.h
}

inputs=$( { echo "$KVER"; cat "$(source_id)" 2>/dev/null; series | xargs -r cat; cat "$PTEMARK_TOP/generic/ptemark.config" \
	"$ARCH_DIR/arch.config" "$ARCH_DIR/arch.conf" "$0" "$KUNIT"/*.c $(ls "$KUNIT/$BASE"/*.h 2>/dev/null) \
	"$ARCH_DIR/encoding.h" "$PTEMARK_TOP/generic/pte_marker_model.h"; } | sha256sum | cut -c1-16)

# kbuild's commands, the same in both modes: a different CC would make
# the compile redo what prep built.
# A generated header that names its generator by __FILE__ (one arch's is
# included nearly everywhere) would differ per checkout, and every object
# would miss ccache in a fresh one: host tools see their sources relative
# to the tree. The compilers get huge pages for their heaps (lib.sh).
KMAKE="env $(hugeheap_preload) make -C $OUT/src O=$OUT/obj ARCH=$KERNEL_ARCH CROSS_COMPILE=$CROSS_COMPILE HOSTCFLAGS=-fmacro-prefix-map=$OUT/src/="
export KBUILD_BUILD_TIMESTAMP="ptemark" KBUILD_BUILD_USER=ptemark KBUILD_BUILD_HOST=ptemark
# ccache pays only when the cache holds the objects already. On an empty
# one it cost an x86_64 kernel 9-13 CPU-seconds of 252 (4%), and the
# incremental builds in build/<arch>/obj need no cache. PTEMARK_CCACHE=1
# uses it: a clean clone then builds from the cache, and so do mutants.
KCC="${CROSS_COMPILE}gcc"
[ "${PTEMARK_CCACHE:-0}" = 1 ] && KCC="ccache $KCC"
# ccache's depend mode skips the preprocessor run that its default mode
# adds to every miss: a cold build of mm/ kernel/ fs/ took 91 s by default,
# 70 s in depend mode, 65 s without ccache. A base_dir makes the cache's
# paths relative, so that another checkout hits it too.
# Options with paths base_dir does not rewrite stay out of the hash where
# an arch.conf says so (CCACHE_IGNORE).
export CCACHE_DEPEND="${CCACHE_DEPEND:-1}" CCACHE_BASEDIR="${CCACHE_BASEDIR:-$OUT}"
export CCACHE_IGNOREOPTIONS="${CCACHE_IGNOREOPTIONS:-${CCACHE_IGNORE:-}}"

# A first install starts from the shared headers (source.sh). kbuild keeps
# a header whose command line is unchanged and which is newer than its
# source. The seed is older than any file a patch touches (source.sh runs
# before every prep); its commands name the pristine tree, this arch's here.
# kbuild writes both trees' real paths (mutants reach build/src by a link).
seed_headers() {
	seed=$(uapi_seed)
	[ -f "$seed/ready" ] && [ ! -d "$OUT/obj/usr/include" ] || return 0
	mkdir -p "$OUT/obj/usr/include"
	for d in $(ls "$SRC/include/uapi" 2>/dev/null); do
		[ -d "$seed/usr/include/$d" ] && cp -a "$seed/usr/include/$d" "$OUT/obj/usr/include/"
	done
	find "$OUT/obj/usr/include" -name '.*.cmd' -exec \
		sed -i "s|$(cd "$SRC" && pwd -P)/|$(cd "$OUT/src" && pwd -P)/|g" {} +
	echo "uapi headers seeded from $seed" >>"$LOG"
}

# The mostly serial part, which is all the user phase needs.
prepare() {
	: >"$LOG"
	rm -f "$OUT/kernel.img" "$OUT/kernel.inputs" "$OUT/prep.inputs"

	# A fresh tree of hard links to the pristine source; applying a patch
	# replaces a link with a new file, so the pristine tree is never touched.
	say "$ARCH_NAME" source "linking tree, applying $(series | wc -l) patch(es)"
	touched=$OUT/touched
	# The last tree's patched and overlaid files, with their times: one
	# that comes out the same keeps its time, so a change to one patch
	# rebuilds what that patch changes, not what every patch touches.
	keep=$OUT/src.kept
	rm -rf "$keep" && mkdir -p "$keep"
	[ -d "$OUT/src" ] && [ -s "$touched" ] &&
		(cd "$OUT/src" && sort -u "$touched" | while read -r f; do [ -f "$f" ] && echo "$f"; done |
			tar -cf - -T - 2>/dev/null) | tar -C "$keep" -xf - 2>/dev/null
	rm -rf "$OUT/src"
	# A KERNEL_SRC on another file system cannot be linked: copy it.
	cp -al "$SRC" "$OUT/src" 2>/dev/null || { rm -rf "$OUT/src"; cp -a "$SRC" "$OUT/src"; } ||
		finish fail "could not link or copy the source tree $SRC"
	rm -rf "$OUT/src/.git"	# a KERNEL_SRC checkout's: patches go to the files, not to its index
	# How each patch applied: "patch<TAB>clean|offset|fuzz|failed<TAB>project|user".
	: >"$OUT/series.tsv"
	: >"$touched.new"
	series_list >"$OUT/series.list"
	while read -r origin p; do
		subj=$(sed -n 's/^Subject: //p' "$p" | head -n 1)
		echo "applying $p: $subj" >>"$LOG"
		how=$(apply_patch "$OUT/src" "$p" "$LOG")
		printf '%s\t%s\t%s\n' "$(basename "$p")" "$how" "$origin" >>"$OUT/series.tsv"
		[ "$how" = failed ] &&
			finish fail "patch does not apply: $(basename "$p") ($subj): $(tail -n 1 "$LOG" | sed 's/^refused: //')"
		sed -n 's|^+++ b/||p' "$p" >>"$touched.new"
	done <"$OUT/series.list"
	overlay >>"$touched.new" || finish fail "could not copy the KUnit suite into the tree"
	# A file patched now or by the last series: the same content as before
	# keeps its time; other content must look newer than its objects, also
	# a pristine link again (its patch dropped), which first becomes a copy
	# of its own: a link's time is the pristine tree's and every arch's.
	cat "$touched" "$touched.new" 2>/dev/null | sort -u | while read -r f; do
		n=$OUT/src/$f
		[ -e "$n" ] || continue
		if [ -f "$keep/$f" ] && cmp -s "$keep/$f" "$n"; then
			[ "$(stat -c %h "$n")" != 1 ] || touch -r "$keep/$f" "$n"
		else
			[ "$(stat -c %h "$n")" = 1 ] || { cp -p "$n" "$n.ptemark" && mv "$n.ptemark" "$n"; }
			touch "$n"
		fi
	done
	rm -rf "$keep"
	sort -u "$touched.new" >"$touched" && rm -f "$touched.new"

	say "$ARCH_NAME" config "tinyconfig + generic/ptemark.config + $(basename "$ARCH_DIR")/arch.config"
	mkdir -p "$OUT/obj"
	# -j: the first make builds kconfig's own tools (9 s of a cold build when
	# serial).
	$KMAKE -j"$JOBS" tinyconfig >>"$LOG" 2>&1 || finish fail "make tinyconfig failed"
	(cd "$OUT/obj" && ARCH=$KERNEL_ARCH CROSS_COMPILE=$CROSS_COMPILE \
		"$OUT/src/scripts/kconfig/merge_config.sh" -m -O "$OUT/obj" "$OUT/obj/.config" \
		"$PTEMARK_TOP/generic/ptemark.config" "$ARCH_DIR/arch.config") >>"$LOG" 2>&1 ||
		finish fail "merge_config.sh failed"
	$KMAKE -j"$JOBS" olddefconfig >>"$LOG" 2>&1 || finish fail "make olddefconfig failed"
	# An option the fragments ask for but the arch cannot have is worth a line, not a failure.
	for opt in $(cat "$PTEMARK_TOP/generic/ptemark.config" "$ARCH_DIR/arch.config" | sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p'); do
		grep -qx "$opt=y" "$OUT/obj/.config" || echo "config: $opt=y requested, not set on $ARCH_NAME" >>"$LOG"
	done
	for opt in $(cat "$PTEMARK_TOP/generic/ptemark.config" "$ARCH_DIR/arch.config" | sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p'); do
		grep -qx "$opt=[ym]" "$OUT/obj/.config" && echo "config: $opt off requested, still on for $ARCH_NAME (selected?)" >>"$LOG"
	done

	# usr/ is kbuild's prepare (generated headers, host tools, asm-offsets:
	# the serial start of every build) plus gen_init_cpio for the initramfs.
	say "$ARCH_NAME" prepare "kbuild prepare, uapi headers, gen_init_cpio"
	$KMAKE -j"$JOBS" CC="$KCC" usr/ >>"$LOG" 2>&1 ||
		finish fail "kbuild prepare failed: $(grep -m1 -E 'error:|Error [0-9]' "$LOG")"
	seed_headers
	$KMAKE headers_install INSTALL_HDR_PATH="$OUT/headers" >>"$LOG" 2>&1 ||
		finish fail "headers_install failed"
	echo "$(($(date +%s) - t0))" >"$OUT/prep.seconds"
	echo "$inputs" >"$OUT/prep.inputs"
	cp "$LOG" "$OUT/prep.log"
	cp "$LOG" "$RES/build.log"
	cp "$OUT/series.tsv" "$RES/series.tsv"
}

prep_seconds=0  # added to build.seconds when an earlier run prepared
if [ -f "$OUT/kernel.img" ] && [ "$(cat "$OUT/kernel.inputs" 2>/dev/null)" = "$inputs" ] &&
	[ "$(cat "$STATUS" 2>/dev/null)" = pass ]; then
	[ "$mode" = prep ] || say "$ARCH_NAME" kernel "up to date ($KVER, inputs $inputs)"
	# A build directory from before prep existed has no prep.inputs.
	[ "$(cat "$OUT/prep.inputs" 2>/dev/null)" = "$inputs" ] || echo "$inputs" >"$OUT/prep.inputs"
	[ "$mode" = prep ] || echo "$(($(date +%s) - t0))" >"$OUT/build.seconds"
	cp "$LOG" "$RES/build.log" 2>/dev/null
	cp "$OUT/series.tsv" "$RES/series.tsv" 2>/dev/null
	exit 0
fi

if [ "$(cat "$OUT/prep.inputs" 2>/dev/null)" != "$inputs" ]; then
	prepare
	[ "$mode" = prep ] && exit 0
elif [ "$mode" = prep ]; then
	exit 0
else
	# The log of a compile that failed before goes (a build directory from
	# before prep existed has no prep.log).
	cp "$OUT/prep.log" "$LOG" 2>/dev/null || : >"$LOG"
	prep_seconds=$(cat "$OUT/prep.seconds" 2>/dev/null || echo 0)
fi

say "$ARCH_NAME" kernel "building $KVER with -j$JOBS (log: $RES/build.log)"
$KMAKE -j"$JOBS" CC="$KCC" >>"$LOG" 2>&1 ||
	finish fail "kernel build failed: $(grep -m1 -E 'error:|Error [0-9]' "$LOG")"
cp "$OUT/obj/$KERNEL_IMAGE" "$OUT/kernel.img" || finish fail "no image at $KERNEL_IMAGE"
echo "$inputs" >"$OUT/kernel.inputs"
finish pass "built $KVER in $(($(date +%s) - t0 + prep_seconds))s"
