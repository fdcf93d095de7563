#!/bin/sh
# Instruction counts of each marker operation five ways (tests/kunit/
# pte_marker_cost.c: api, open-coded as 6.12 callers did, the host model's
# decode, hand-written bit operations on the encoding, and those over the
# arch's own pte_none()/pte_present()), from each built kernel's
# mm/pte_marker_cost.o. Zero cost: api <= hand. An api that is longer but
# the same code as hpred says so: the difference is the arch's predicates.
# Usage: scripts/zerocost.sh [ARCH_NAME...]   (default: every built arch)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- $(all_arches)
mkdir -p "$RESULTS"
out=$RESULTS/zerocost.txt
{
	printf '%-8s %-5s %5s %5s %5s %5s %5s  %s\n' arch op api open model hand hpred 'api<=hand'
	for a in "$@"; do
		load_arch "$a"
		obj=$OUT/obj/mm/pte_marker_cost.o
		if [ ! -f "$obj" ]; then
			printf '%-8s (not built: %s missing)\n' "$a" "$obj"
			continue
		fi
		# One line per instruction; labels and blank lines are not counted.
		# A function that calls out (a helper gcc did not inline) is not
		# all counted: its relocations name what it calls.
		"${CROSS_COMPILE}objdump" -dr --no-show-raw-insn "$obj" | awk -v arch="$a" '
			# A symbol starts a function; local .L labels (riscv keeps
			# them as symbols) continue the current one.
			/^[0-9a-f]+ <[^>]+>:$/ {
				name = $2; gsub(/[<>:]/, "", name)
				if (name !~ /^\.L/)
					fn = (name ~ /^ptemark_(api|open|model|hand|hpred)_[a-z]+$/) ? name : ""
				next
			}
			# A relocation to a symbol, not to a local label, is a call
			# or a load from outside the function.
			fn != "" && /^\t+[0-9a-f]+: R_/ {
				sym = $NF; sub(/[+-]0x[0-9a-f]+$/, "", sym)
				if (sym !~ /^\.L/ && sym !~ /ABS/ && index(" " ext[fn] " ", " " sym " ") == 0)
					ext[fn] = ext[fn] (ext[fn] == "" ? "" : " ") sym
				next
			}
			# Alignment padding after the return is not code.
			fn != "" && /^ *[0-9a-f]+:\t/ && !/\t((cs|ds|data16) )*(nop|c\.nop)|\tdata16/ {
				n[fn]++
				# The instruction with addresses made relative, to
				# tell identical code apart from equally long code.
				ins = $0; sub(/^ *[0-9a-f]+:\t/, "", ins)
				gsub(/[0-9a-f]+ <[^>+]*/, "<", ins)
				code[fn] = code[fn] ins ";"
			}
			END {
				split("make test drop", ops, " ")
				for (i = 1; i <= 3; i++) {
					a = n["ptemark_api_" ops[i]]; o = n["ptemark_open_" ops[i]]
					m = n["ptemark_model_" ops[i]]; h = n["ptemark_hand_" ops[i]]
					p = n["ptemark_hpred_" ops[i]]
					same = code["ptemark_api_" ops[i]] == code["ptemark_hand_" ops[i]]
					v = same ? "same code" : (a <= h ? "yes" : "NO")
					if (v == "NO" && p > 0 && code["ptemark_api_" ops[i]] == code["ptemark_hpred_" ops[i]])
						v = "NO (same code as hpred)"
					x = ext["ptemark_api_" ops[i]]
					if (x != "" && x != ext["ptemark_hand_" ops[i]])
						v = "NO, uses " x
					printf "%-8s %-5s %5d %5d %5d %5d %5d  %s\n", arch, ops[i], a, o, m, h, p, v
				}
			}'
	done
} | tee "$out"
