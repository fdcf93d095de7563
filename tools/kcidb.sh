#!/bin/sh
# kcidb.sh - write a KCIDB v5.3 submission from a combined matrix.json
# (make kcidb: results/matrix.json -> results/kcidb.json), then validate it
# offline against docs/kcidb/schema-v5.3.json.
#
#   tools/kcidb.sh MATRIX_JSON OUT_JSON
#   KCIDB_ORIGIN=<[a-z0-9_]+>   the submitting CI system (default ptemark)
#   KCIDB_RUN=<id>              makes the IDs unique per run (default the
#                               CI's pipeline or run id, else "local")
# The mapping is tools/kcidb.jq; docs/RESULTS.md, "KCIDB", documents it.
# Exit 0 written and valid, 1 refused or invalid, 2 usage.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 MATRIX_JSON OUT_JSON" >&2; exit 2; }
in=$1 out=$2
origin=${KCIDB_ORIGIN:-ptemark}
run=${KCIDB_RUN:-${CI_PIPELINE_ID:-${GITHUB_RUN_ID:-local}}}
case $origin in
*[!a-z0-9_]*)
	echo "kcidb: error: KCIDB_ORIGIN='$origin': an origin is lower-case letters, digits and _ only ([a-z0-9_]+, KCIDB's rule)" >&2
	exit 1 ;;
esac
[ -f "$in" ] || { echo "kcidb: error: $in: no such file (make matrix writes it)" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || apt-get install -y -qq jq >/dev/null 2>&1
jq --arg origin "$origin" --arg run "$run" -f "$TOP/tools/kcidb.jq" "$in" >"$out.tmp" ||
	{ rm -f "$out.tmp"; echo "kcidb: error: $in not exported" >&2; exit 1; }
mv "$out.tmp" "$out"
"$TOP/scripts/validate-json.sh" "$TOP/docs/kcidb/schema-v5.3.json" "$out" >"$out.check" 2>&1
rc=$?
sed 's/^/kcidb: schema: /' "$out.check" >&2
rm -f "$out.check"
[ "$rc" -eq 0 ] || exit 1
jq -r '"kcidb: \(.checkouts | length) checkout(s), \(.builds | length) build(s), \(.tests | length) test(s) -> '"$out"'"' "$out"
