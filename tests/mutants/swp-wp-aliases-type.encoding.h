/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-layer form of the swp-wp-aliases-type mutant, for scripts/mutants.sh:
 * included after an arch's encoding.h, it moves the swap-PTE uffd-wp bit
 * onto the lowest bit of the swap type, as each arch's kernel mutant
 * arch-<name>/mutants/<base>/swp-wp-aliases-type.patch does to its
 * headers. The generic contract (generic/pte_marker_model.h) must refuse
 * it at compile time.
 *
 * Applies-if: ENC_SWP_UFFD_WP
 * (every arch whose encoding.h has a swap uffd-wp bit)
 */
#undef ENC_SWP_UFFD_WP
#define ENC_SWP_UFFD_WP	(ENC_SWP_TYPE_MASK & (~ENC_SWP_TYPE_MASK + 1))
