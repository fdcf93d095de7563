# The bench report: reads scripts/bench.sh's records (section, arch, item,
# key, value; tab-separated), prints the tables (bench.sh then adds the one
# of scripts/zerocost.sh), writes the SVG chart to -v svg=FILE and the
# comparisons it derives, as records, to -v derived=FILE. POSIX awk
# (Debian's mawk). Nothing here judges: the issue's targets are reported,
# never enforced.

function add_arch(a) {
	if (a == "all" || a in seen_arch)
		return
	seen_arch[a] = 1
	arches[++narch] = a
}

function drec(s, a, i, k, v) {
	printf "%s\t%s\t%s\t%s\t%s\n", s, a, i, k, v >derived
}

function has(a, f) {
	return ((a SUBSEP f SUBSEP "ratio") in fig) && fig[a, f, "result"] == "ok"
}

# A figure's cell: its ratio, "skip[n]" / "FAIL[n]" with a numbered note.
function cell(a, f,    r, why) {
	r = fig[a, f, "result"]
	if (r == "ok" && ((a SUBSEP f SUBSEP "ratio") in fig))
		return sprintf("%.3f%s", fig[a, f, "ratio"], noisy(a, f) ? "~" : "")
	why = fig[a, f, "reason"]
	if (r == "")
		return "-"
	if (r == "ok")
		return "ok"
	return (r == "skip" ? "skip" : "FAIL") "[" note(why) "]"
}

function note(why) {
	if (!(why in note_no)) {
		note_no[why] = ++nnotes
		notes[nnotes] = why
	}
	return note_no[why]
}

# The pairs' ratios spread over more than 2x: other jobs interrupted some.
function noisy(a, f) {
	if (fig[a, f, "ratio_max"] > 2 * fig[a, f, "ratio_min"]) {
		any_noisy = 1
		return 1
	}
	return 0
}

function us(ns) {
	return ns == "" ? "-" : sprintf("%.1f", ns / 1000)
}

function yes(b) {
	return b ? "yes" : "no"
}

function y_of(r,    l) {
	l = log(r) / log(2)
	if (l > 3)
		l = 3
	if (l < -3)
		l = -3
	return plot_y0 + (3 - l) / 6 * plot_h
}

BEGIN {
	nfig = split("wp_anon wp_shmem wp_fault dirty", figs, " ")
	what["wp_anon"] = "UFFDIO_WRITEPROTECT on+off vs mprotect RO+RW, 64 MiB anon"
	what["wp_shmem"] = "the same on 64 MiB shmem (memfd)"
	what["wp_fault"] = "write-fault round trip: uffd monitor thread vs SIGSEGV handler"
	what["dirty"] = "dirty tracking, 1% of 64 MiB: async wp + PAGEMAP_SCAN vs soft-dirty"
	printf "" >derived
}

{
	s = $1; a = $2; i = $3; k = $4; v = $5
	if (s == "guest") {
		add_arch(a)
		guest[a, k] = v
	} else if (s == "fig") {
		add_arch(a)
		fig[a, i, k] = v
	} else if (s == "speed") {
		speed[a, k] = v
	} else if (s == "rerun") {
		rerun[a, k] = v
	} else if (s == "cold") {
		cold[a, k] = v
	}
}

END {
	# ---- run-time cost ----
	print ""
	print "Run-time cost: uffd-wp path / the path it replaces (medians, one run; < 1 = uffd-wp cheaper)"
	printf "%-8s %-16s %-7s %-9s %-9s %-9s %-9s %s\n", "arch", "kernel", "uffd_wp",
	       "wp_anon", "wp_shmem", "wp_fault", "dirty", "guest"
	for (n = 1; n <= narch; n++) {
		a = arches[n]
		st = guest[a, "status"]
		if (a != "host" && st != "ran" && st != "") {
			printf "%-8s %s\n", a, st
			continue
		}
		printf "%-8s %-16.16s %-7s", a, guest[a, "kernel"],
		       a == "host" ? "native" : guest[a, "uffd_wp"]
		for (j = 1; j <= nfig; j++)
			printf " %-9s", cell(a, figs[j])
		if (a == "host")
			printf " (native, for reference)\n"
		else
			printf " %ss, boot to init %ss\n", guest[a, "run_seconds"], guest[a, "boot_to_init_s"]
	}
	for (n = 1; n <= nnotes; n++)
		printf "  [%d] %s\n", n, notes[n]
	if (any_noisy)
		print "  ~ noisy: its back-to-back pairs' ratios spread over more than 2x (other jobs on the host)"
	print "Fastest against fastest (ratio_best; interruptions cannot inflate it):"
	for (n = 1; n <= narch; n++) {
		a = arches[n]
		line = ""
		for (j = 1; j <= nfig; j++)
			if (has(a, figs[j]))
				line = line sprintf("  %s %.3f", figs[j], fig[a, figs[j], "ratio_best"])
		if (line != "")
			printf "  %-8s%s\n", a, line
	}
	print "Absolute, microseconds (uffd-wp / replaced; wp_fault per fault; dirty per cycle):"
	for (n = 1; n <= narch; n++) {
		a = arches[n]
		line = ""
		for (j = 1; j <= nfig; j++) {
			f = figs[j]
			if (f == "dirty") {
				u = fig[a, f, "wp_async_ns"]; m = fig[a, f, "soft_dirty_ns"]
			} else {
				u = fig[a, f, "uffd_ns"]; m = fig[a, f, "mprotect_ns"]
			}
			if (u != "" || m != "")
				line = line sprintf("  %s %s/%s", f, us(u), us(m))
		}
		if (line != "")
			printf "  %-8s%s\n", a, line
	}
	for (j = 1; j <= nfig; j++)
		printf "  %-9s %s\n", figs[j], what[figs[j]]

	# ---- against the reference arch (bench.sh's BENCH_REF), and where uffd-wp is slower ----
	print ""
	base = ref
	nbase = 0
	for (j = 1; j <= nfig; j++)
		if (has(base, figs[j]))
			nbase++
	if (!nbase) {
		printf "Against %s (target: within 10%%): no %s figures in this run\n", base, base
	} else {
		printf "Against %s (target: each arch's ratio within 10%% of %s's):\n", base, base
		nother = 0
		for (n = 1; n <= narch; n++)
			if (arches[n] != base && arches[n] != "host")
				nother++
		if (!nother)
			print "  no other arch in this run"
		for (n = 1; n <= narch; n++) {
			a = arches[n]
			if (a == base || a == "host")
				continue
			if (guest[a, "status"] != "ran") {
				printf "  %-8s not run: %s\n", a, guest[a, "status"]
				continue
			}
			line = best = ""
			for (j = 1; j <= nfig; j++) {
				f = figs[j]
				if (!has(base, f))
					continue
				if (has(a, f) && fig[a, f, "ratio_best"] != "" && fig[base, f, "ratio_best"] > 0) {
					rb = fig[a, f, "ratio_best"] / fig[base, f, "ratio_best"] - 1
					best = best sprintf(", %s %+.0f%% %s", f, rb * 100, yes(rb <= 0.10 && rb >= -0.10))
					drec("compare", a, f, "best_rel_pct", sprintf("%.1f", rb * 100))
				}
				if (!has(a, f)) {
					line = line sprintf("; %s %s", f, cell(a, f))
					continue
				}
				rel = fig[a, f, "ratio"] / fig[base, f, "ratio"] - 1
				within = (rel <= 0.10 && rel >= -0.10)
				line = line sprintf("; %s %.3f vs %.3f (%+.0f%%) %s", f, fig[a, f, "ratio"],
						    fig[base, f, "ratio"], rel * 100, yes(within))
				drec("compare", a, f, "ratio", fig[a, f, "ratio"])
				drec("compare", a, f, "ref_ratio", fig[base, f, "ratio"])
				drec("compare", a, f, "rel_pct", sprintf("%.1f", rel * 100))
				drec("compare", a, f, "within_10pct", yes(within))
			}
			printf "  %-8s %s\n", a, substr(line, 3)
			if (best != "")
				printf "  %-8s fastest against fastest:%s\n", "", substr(best, 2)
		}
	}
	# A base below 1: uffd-wp cheaper than what it replaces; docs/PERFORMANCE.md
	# says how such a figure was profiled.
	for (j = 1; j <= nfig; j++) {
		f = figs[j]
		if (nbase && nother && (f == "wp_anon" || f == "wp_shmem") && has(base, f) &&
		    fig[base, f, "ratio"] < 1)
			printf "  %s's %s is below 1 (%.3f)%s: the other arches are set against a base that TCG\n" \
			       "  makes cheap (docs/PERFORMANCE.md: a guest profile of such a figure found the gap in\n" \
			       "  how TCG runs the same change_protection() loop)\n",
			       base, f, fig[base, f, "ratio"],
			       has("host", f) ? sprintf("; natively %.3f", fig["host", f, "ratio"]) : ""
	}
	if (nbase && nother)
		print "  (under QEMU TCG each arch emulates signal delivery and TLB flushes at its own cost: the\n" \
		      "  wp_fault and dirty ratios across arches say as much about the emulator as the kernel)"
	line = ""
	for (n = 1; n <= narch; n++) {
		a = arches[n]
		for (j = 1; j <= nfig; j++) {
			f = figs[j]
			if (has(a, f) && fig[a, f, "ratio"] > 1) {
				line = line sprintf(", %s %s %.3fx", a, f, fig[a, f, "ratio"])
				drec("slower", a, f, "ratio", fig[a, f, "ratio"])
				if (f == "wp_fault")
					why_fault = 1
				if (f == "wp_anon" || f == "wp_shmem") {
					# the fastest pair equal: spread, not cost
					if (fig[a, f, "ratio"] <= 1.05 ||
					    (fig[a, f, "ratio_best"] != "" && fig[a, f, "ratio_best"] <= 1.05))
						near = near sprintf(", %s %s", a, f)
					else
						far = far sprintf(", %s %s", a, f)
				}
			}
		}
	}
	if (line == "")
		print "uffd-wp slower than the path it replaces: nowhere in this run"
	else
		print "uffd-wp slower than the path it replaces:" substr(line, 2)
	if (why_fault)
		print "  wp_fault: the uffd round trip switches to the monitor thread and back (read + ioctl there),\n" \
		      "  the SIGSEGV path stays in the faulting thread (signal frame + one mprotect)"
	# Both range figures are one change_protection() walk; uffd-wp adds a
	# bit operation per PTE, so more than a few % means more than that.
	if (near != "")
		print "  within 5%, median or fastest pair (" substr(near, 3) "): the same change_protection()\n" \
		      "  walk as mprotect plus one uffd-wp bit operation per PTE; the rest is run-to-run spread"
	if (far != "")
		print "  over 5% (" substr(far, 3) "): more than one bit operation per PTE; look for a PTE helper\n" \
		      "  the compiler did not inline (objdump mm/mprotect.o: a function call inside the PTE loop)"

	# ---- matrix speed ----
	print ""
	print "Matrix speed, seconds (recorded: from the last make matrix, build/<arch>/ and results/<arch>/)"
	printf "%-8s %-26s %-13s %-8s %s\n", "arch", "last kernel build, ccache", "boot to init", "suites", "last matrix run"
	for (n = 1; n <= narch; n++) {
		a = arches[n]
		if (a == "host")
			continue
		b = speed[a, "last_build_seconds"]
		printf "%-8s %-26s %-13s %-8s %s\n", a,
		       b == "" ? "-" : b " (" speed[a, "last_build_at"] ")",
		       speed[a, "last_boot_to_init_s"] == "" ? "-" : speed[a, "last_boot_to_init_s"],
		       speed[a, "last_suites_seconds"] == "" ? "-" : speed[a, "last_suites_seconds"],
		       speed[a, "last_run_at"] == "" ? "-" : speed[a, "last_run_at"]
	}
	if (("all" SUBSEP "seconds") in rerun) {
		printf "No-change rerun of make matrix (%s): %.1f s, measured now%s\n", rerun["all", "arches"],
		       rerun["all", "seconds"], rerun["all", "exit"] ? " (make exited " rerun["all", "exit"] ")" : ""
		if (rerun["all", "note"] != "")
			printf "  %s\n", rerun["all", "note"]
		rerun_ok = rerun["all", "note"] == "" && !rerun["all", "exit"]
	} else {
		printf "No-change rerun of make matrix: not measured now: %s\n", rerun["all", "skipped"]
	}
	if (("all" SUBSEP "rerun_seconds") in cold)
		printf "No-change rerun in the BENCH_COLD sandbox (%s): %.1f s, %s%s\n", cold["all", "arches"],
		       cold["all", "rerun_seconds"], cold["all", "source"],
		       cold["all", "rerun_note"] == "" ? "" : " (" cold["all", "rerun_note"] ")"
	for (n = 1; n <= narch; n++)
		if ((arches[n] SUBSEP "skipped") in rerun)
			printf "  %s left out: %s\n", arches[n], rerun[arches[n], "skipped"]
	if (("all" SUBSEP "seconds") in cold) {
		printf "Cold matrix (%s, ccache off): %d s, %s, tree %s\n", cold["all", "arches"], cold["all", "seconds"],
		       cold["all", "source"], cold["all", "tree"]
		for (n = 1; n <= narch; n++) {
			a = arches[n]
			if ((a SUBSEP "build_seconds") in cold)
				printf "  %-8s cold kernel build %s s, suites %s s, rebuild after its patches change %s s\n",
				       a, cold[a, "build_seconds"], cold[a, "suites_seconds"],
				       cold[a, "patch_rebuild_seconds"] == "" ? "-" : cold[a, "patch_rebuild_seconds"]
		}
	} else {
		printf "Cold matrix and rebuild after one arch's patch: %s\n", cold["all", "source"]
	}
	printf "Targets (reported, not enforced): cold four-arch matrix <= 900 s: "
	if (("all" SUBSEP "seconds") in cold && cold["all", "arches"] ~ /^[^ ]+ [^ ]+ [^ ]+ [^ ]+$/) {
		printf "%s (%d s)", yes(cold["all", "seconds"] <= 900), cold["all", "seconds"]
		drec("targets", "all", "-", "cold_matrix_within_15min", yes(cold["all", "seconds"] <= 900))
	} else {
		printf "unknown"
	}
	printf "; no-change rerun <= 60 s: "
	if (("all" SUBSEP "seconds") in rerun && rerun_ok) {
		printf "%s (%.1f s)\n", yes(rerun["all", "seconds"] <= 60), rerun["all", "seconds"]
		drec("targets", "all", "-", "rerun_within_1min", yes(rerun["all", "seconds"] <= 60))
	} else if (("all" SUBSEP "rerun_seconds") in cold && cold["all", "rerun_note"] == "") {
		printf "%s (%.1f s, BENCH_COLD sandbox)\n", yes(cold["all", "rerun_seconds"] <= 60),
		       cold["all", "rerun_seconds"]
		drec("targets", "all", "-", "rerun_within_1min", yes(cold["all", "rerun_seconds"] <= 60))
	} else {
		printf "unknown\n"
	}

	write_svg()
}

# Grouped bars, one group per figure, one bar per arch, on a log2 scale
# centred on 1: a bar going up is uffd-wp slower than the replaced path.
function write_svg(    W, H, x0, gw, bw, j, n, a, f, x, y, y1, r, col, tick, lab) {
	W = 780; H = 420
	plot_y0 = 70; plot_h = 280; x0 = 70
	gw = (W - x0 - 20) / nfig
	bw = (gw - 20) / (narch ? narch : 1)
	split("#4e79a7 #f28e2b #59a14f #e15759 #76b7b2 #b07aa1 #9c755f", col, " ")
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H >svg
	printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H >svg
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\">uffd-wp cost / the path it replaces, per arch (log scale; above 1: uffd-wp slower)</text>\n", x0 - 50 >svg
	for (n = 1; n <= narch; n++) {
		printf "<rect x=\"%d\" y=\"36\" width=\"12\" height=\"12\" fill=\"%s\"/>", x0 + (n - 1) * 110, col[n] >svg
		printf "<text x=\"%d\" y=\"46\">%s</text>\n", x0 + (n - 1) * 110 + 16, arches[n] (arches[n] == "host" ? " (native)" : "") >svg
	}
	for (tick = 0.125; tick <= 8; tick *= 2) {
		y = y_of(tick)
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x0, W - 20, y, y,
		       tick == 1 ? "black" : "#ddd" >svg
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", x0 - 6, y + 4, tick >svg
	}
	for (j = 1; j <= nfig; j++) {
		f = figs[j]
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x0 + (j - 0.5) * gw,
		       plot_y0 + plot_h + 22, f >svg
		for (n = 1; n <= narch; n++) {
			a = arches[n]
			x = x0 + (j - 1) * gw + 10 + (n - 1) * bw
			y1 = y_of(1)
			if (!has(a, f)) {
				lab = fig[a, f, "result"] == "fail" ? "FAIL" : "skip"
				if (a != "host" && guest[a, "status"] != "ran")
					lab = "not run"
				printf "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" font-size=\"10\" fill=\"#888\">%s</text>\n",
				       x + bw / 2 + 3, y1 - 4, lab >svg
				continue
			}
			r = fig[a, f, "ratio"]
			y = y_of(r > 0 ? r : 0.125)
			printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %.3f</title></rect>\n",
			       x, y < y1 ? y : y1, bw - 2, (y < y1 ? y1 - y : y - y1) + 0.5, col[n], a, f, r >svg
			printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%.2f</text>\n",
			       x + (bw - 2) / 2, y < y1 ? y - 3 : y + 11, r >svg
		}
	}
	printf "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">medians of one make bench run under QEMU TCG; skip: the kernel lacks the feature (results/bench.json has the reasons)</text>\n",
	       x0 - 50, H - 12 >svg
	print "</svg>" >svg
}
