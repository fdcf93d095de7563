# kcidb.jq - results/matrix.json (the combined form, docs/RESULTS.md) as a
# KCIDB v5.3 submission (docs/kcidb/schema-v5.3.json) for KernelCI
# dashboards.  The one reader of matrix.json for the export; run it through
# tools/kcidb.sh (make kcidb), which checks the arguments and validates.
#
#   jq --arg origin ORIGIN --arg run RUN -f tools/kcidb.jq results/matrix.json
#
# One checkout per base, one build per cell (base/arch), one test for the
# cell's boot and one per test result.  IDs are ORIGIN:RUN:BASE[:ARCH[:PATH]],
# unique within one RUN.  docs/RESULTS.md, "KCIDB", says what maps to what.

# A deterministic 32-bit hash of a string's code points, as 8 hex digits:
# h = (h * 1000003 + c) mod 4294967291, from 0.  Only to tell apart names
# that sanitizing made equal; jq 1.6 has no digest and no bit operations.
def hash8:
	reduce explode[] as $c (0; (. * 1000003 + $c) % 4294967291)
	| . as $h
	| [range(7; -1; -1) as $i | ($h / pow(16; $i) | floor) % 16]
	| map("0123456789abcdef"[.:. + 1]) | add;

# One path segment.  A name made only of [A-Za-z0-9_-] stays as it is,
# unless it ends like a hashed segment ("-h" and 8 hex digits).  Any other
# name becomes its runs of other characters replaced by "_" (trimmed at the
# ends; "x" if nothing is left) plus "-h" and the hash of the name itself.
# Kept names never end in -hXXXXXXXX and changed ones always do, so the two
# kinds never meet; two changed names meet only if both their sanitized
# text and their hash agree, and tests_of refuses that, naming both.
def seg:
	if test("^[A-Za-z0-9_-]+$") and (test("-h[0-9a-f]{8}$") | not) then .
	else (gsub("[^A-Za-z0-9_-]+"; "_") | ltrimstr("_") | rtrimstr("_")) as $s
	     | (if $s == "" then "x" else $s end) + "-h" + hash8
	end;

# A test's path: ptemark.SUITE.NAME, the name split at "/" (kselftest's
# "group/variant") into segments.  The boot is "ptemark.boot": one segment
# fewer than any test, so no suite name can reach it.
def test_path: "ptemark." + (.suite | seg) + "." + (.name | split("/") | map(seg) | join("."));

# matrix.json's result as a KCIDB status.  A lost result (docs/RESULTS.md:
# an error whose result line never came) is MISS: the harness lost it and
# nothing is known about the code; an error the test gave itself is ERROR.
def status: {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[.result]
	// (if .lost == true then "MISS" else "ERROR" end);

# No null anywhere in a submission (the schema's rule): drop them.
def nonull: with_entries(select(.value != null));
def num: if type == "number" then . else null end;
def excerpt: if type == "string" and . != "" then .[0:16000] else null end;

# The cell did not leave its directory (a missing artifact): the report
# says "no results" and the build is MISS, not FAIL.
def no_results: (.reason // "") | startswith("no results");

($origin | test("^[a-z0-9_]+$")) as $ok
| if $ok | not then error("kcidb: origin '\($origin)' must match [a-z0-9_]+") else . end
| if (.bases | type) != "object"
  then error("kcidb: not a combined matrix.json (no \"bases\"; make matrix writes one)") else . end
| [.bases | to_entries[] | .key as $base | .value as $b
   | ($origin + ":" + $run + ":" + $base) as $ck
   | {checkout: ({id: $ck, origin: $origin,
		  comment: ("ptemark base \($base): " + ($b.kernel_package // "kernel \($b.kernel // "unknown")")),
		  misc: ({base: $base, kernel: $b.kernel, kernel_package: $b.kernel_package} | nonull)} | nonull),
      cells: [$b.arches | to_entries[] | .key as $arch | .value as $a
	      | ($ck + ":" + $arch) as $bid
	      | {build: ({id: $bid, origin: $origin, checkout_id: $ck,
			  architecture: ($arch | ascii_downcase | gsub("[^a-z0-9_]"; "_")),
			  status: (if $a | no_results then "MISS"
				   elif $a.build == "pass" then "PASS" else "FAIL" end),
			  duration: ($a.seconds.build | num),
			  comment: (if $a | no_results then $a.reason else ($a.build_reason | excerpt) end),
			  log_excerpt: ($a.build_reason | excerpt),
			  misc: ({base: $base, arch: $arch, kernel: $a.kernel,
				  kernel_package: $a.kernel_package, kernel_source: $a.kernel_source,
				  series: $a.series} | nonull)} | nonull),
		 tests: ([{path: "ptemark.boot",
			   status: (if ($a | no_results) or $a.build != "pass" or $a.reason == "not run" then "MISS"
				    else {"pass": "PASS", "fail": "FAIL", "panic": "FAIL", "timeout": "ERROR"}[$a.boot] // "ERROR" end),
			   duration: ($a.seconds.boot | num),
			   comment: ($a.reason | excerpt),
			   misc: ({boot: $a.boot, complete: $a.complete, uffd_wp: $a.uffd_wp,
				   features: $a.features} | nonull)}]
			 + [$a.tests[]? | {path: test_path, status: status,
					   comment: (.reason | excerpt),
					   misc: ({suite, name, lost} | nonull)}]
			 | map(. + {id: ($bid + ":" + .path), origin: $origin, build_id: $bid} | nonull)
			 | (group_by(.id) | map(select(length > 1)) | first) as $dup
			 | if $dup then error("kcidb: \($base)/\($arch): tests \([$dup[].misc.name] | tojson) share the path \($dup[0].path)")
			   else . end)}]}]
| {version: {major: 5, minor: 3},
   checkouts: map(.checkout),
   builds: [.[].cells[].build],
   tests: [.[].cells[].tests[]]}
