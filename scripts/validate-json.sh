#!/bin/sh
# Validate JSON files against a JSON Schema, with Debian's python3-jsonschema
# (scripts/setup.sh installs it; /usr/bin/python3 is the interpreter it
# installs into). Prints "FILE: ok" or "FILE: <path>: <what is wrong>".
# Usage: scripts/validate-json.sh SCHEMA FILE...    exit 1 if any is invalid
set -u
[ $# -ge 2 ] || { echo "usage: $0 SCHEMA FILE..." >&2; exit 2; }
/usr/bin/python3 - "$@" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("validate-json: python3-jsonschema is not installed (scripts/setup.sh)")
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft7Validator(schema)
bad = 0
for f in sys.argv[2:]:
    try:
        doc = json.load(open(f))
    except (OSError, ValueError) as e:
        print(f"{f}: not JSON: {e}"); bad += 1; continue
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:5]:
        print(f"{f}: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
    bad += bool(errs)
    if not errs:
        print(f"{f}: ok")
sys.exit(1 if bad else 0)
PY
