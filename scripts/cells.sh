#!/bin/sh
# Which of the matrix's cells have to run: every cell given ("<arch>@<base>")
# that is not up to date (lib.sh, cell_stale_reason) goes to
# $BUILD/cells.todo, one line; each up-to-date cell gets a progress line.
# One shell for all cells, and a find for each: a no-change make matrix
# starts no step at all.
# Usage: scripts/cells.sh CELL...
set -u
. "$(dirname "$0")/lib.sh"
CELL_OPTIONS=$(cell_options)
todo=""
for c in "$@"; do
	BASE=${c#*@}
	load_arch "${c%@*}"
	why=$(cell_stale_reason)
	if [ -z "$why" ]; then
		say "$ARCH_NAME" cell "up to date: nothing changed since its last complete run (RERUN=1 runs it again)"
	else
		say "$ARCH_NAME" cell "to run: $why"
		todo="$todo $c"
	fi
done
mkdir -p "$BUILD"
echo "${todo# }" >"$BUILD/cells.todo"
