#!/bin/sh
# make layout: for every arch-*/encoding.h, the bit maps of a present, a
# swap and a marker PTE (what each bit is, which are free, where uffd-wp
# sits). Text on stdout; an SVG page per arch, its text and an index.html
# under $RESULTS/layout.
set -eu
. "$(dirname "$0")/lib.sh"

out=$RESULTS/layout
bin=$BUILD/tools/layout
mkdir -p "$out" "$bin"

html_escape() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

arches=
for enc in "$PTEMARK_TOP"/arch-*/encoding.h; do
	[ -f "$enc" ] || continue
	exe=$bin/layout-$(basename "$(dirname "$enc")")
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$PTEMARK_TOP/generic" \
		-include "$enc" -o "$exe" "$PTEMARK_TOP/tools/layout.c" ||
		die "layout: $enc does not build"
	arch=$("$exe" name)
	"$exe" text | tee "$out/$arch.txt"
	"$exe" svg >"$out/$arch.svg"
	arches="$arches $arch"
done
[ -n "$arches" ] || die "layout: no arch-*/encoding.h"

version=$(kernel_version || true)
{
	cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ptemark: PTE bit maps</title>
<style>body{font-family:sans-serif;margin:2em}img{max-width:100%;border:1px solid #ccc}
pre{font-size:12px;background:#f6f6f6;padding:1em;overflow-x:auto}</style>
</head><body>
<h1>PTE bit maps, per architecture</h1>
<p>From each <code>arch-*/encoding.h</code>, the one description of that
architecture's PTE layout that the host tests and the kernel compile
(Linux ${version:-6.12}). Bits count from the least significant.
A marker is a swap PTE of type 31 whose offset holds the marker bits.</p>
<ul>
EOF
	for arch in $arches; do
		echo "<li><a href=\"#$arch\">$arch</a></li>"
	done
	echo "</ul>"
	for arch in $arches; do
		echo "<h2 id=\"$arch\">$arch</h2>"
		echo "<p><a href=\"$arch.svg\"><img src=\"$arch.svg\" alt=\"$arch PTE bit maps\"></a></p>"
		echo "<details><summary>as text</summary><pre>"
		html_escape <"$out/$arch.txt"
		echo "</pre></details>"
	done
	echo "</body></html>"
} >"$out/index.html"
echo "layout: $out/index.html"
