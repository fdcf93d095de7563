/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-layer form of the swp-wp-aliases-type mutant, for scripts/mutants.sh:
 * included after an arch's encoding.h, it moves the swap-PTE uffd-wp bit
 * onto the lowest bit of the swap type, as the kernel patches
 * swp-wp-aliases-type.<arch>.patch do to the arch headers. The generic
 * contract (generic/pte_marker_model.h) must refuse it at compile time.
 *
 * Applies-if: ENC_SWP_UFFD_WP
 * (every arch whose encoding.h has a swap uffd-wp bit; riscv64 and s390x
 * join once their ports define one)
 */
#undef ENC_SWP_UFFD_WP
#define ENC_SWP_UFFD_WP	(ENC_SWP_TYPE_MASK & (~ENC_SWP_TYPE_MASK + 1))
