/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel names the pte_marker KUnit suite needs, for a 6.12 base
 * with ptemark's generic patches (pte_empty(), pte_marker_test(),
 * pte_marker_drop(), arch_uffd_wp_supported(), pte_unused(mm, pte)).
 * scripts/kernel.sh copies this file to mm/ptemark_api.h; the other base
 * has its own, with the same names.
 */
#ifndef PTEMARK_API_H
#define PTEMARK_API_H

#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

/* Markers and swap entries */
#define ptemark_is_swap_pte(pte)		is_swap_pte(pte)
#define ptemark_is_marker(pte)			is_pte_marker(pte)
/* is_pte_marker() decodes the swap entry: the oracle for the bit tests */
#define ptemark_decode_is_marker(pte)		is_pte_marker(pte)
#define ptemark_none_mostly(pte)		pte_none_mostly(pte)
#define ptemark_pte_to_swp_entry(pte)		pte_to_swp_entry(pte)
#define ptemark_marker_get(pte)			pte_marker_get(pte_to_swp_entry(pte))
#define ptemark_marker_test(pte, mask)		pte_marker_test(pte, mask)
#define ptemark_marker_drop(pte, mask)		pte_marker_drop(pte, mask)
#define ptemark_marker_uffd_wp(pte)		pte_marker_uffd_wp(pte)
/* pte_marker_uffd_wp() answers false without CONFIG_PTE_MARKER_UFFD_WP */
#define PTEMARK_WP_MARKER_NEEDS_CONFIG		1

/* The empty PTE, a constant (the suite checks it at build time) */
#define ptemark_pte_empty()			pte_empty()

/* uffd-wp bits */
#define ptemark_pte_uffd_wp(pte)		pte_uffd_wp(pte)
#define ptemark_pte_mkuffd_wp(pte)		pte_mkuffd_wp(pte)
#define ptemark_pte_clear_uffd_wp(pte)		pte_clear_uffd_wp(pte)
#define ptemark_pte_swp_uffd_wp(pte)		pte_swp_uffd_wp(pte)
#define ptemark_pte_swp_mkuffd_wp(pte)		pte_swp_mkuffd_wp(pte)
#define ptemark_pte_swp_clear_uffd_wp(pte)	pte_swp_clear_uffd_wp(pte)
#define ptemark_pmd_uffd_wp(pmd)		pmd_uffd_wp(pmd)
#define ptemark_pmd_mkuffd_wp(pmd)		pmd_mkuffd_wp(pmd)
#define ptemark_pmd_clear_uffd_wp(pmd)		pmd_clear_uffd_wp(pmd)
#define ptemark_pmd_swp_uffd_wp(pmd)		pmd_swp_uffd_wp(pmd)
#define ptemark_pmd_swp_mkuffd_wp(pmd)		pmd_swp_mkuffd_wp(pmd)

/* Can this kernel, on this CPU, hold uffd-wp in a present PTE? */
#define ptemark_uffd_wp_supported()		arch_uffd_wp_supported(&init_mm, NULL)
/* Do the swap-PTE uffd-wp and soft-dirty helpers set their bit? */
#define ptemark_swp_uffd_wp_active()		IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP)
#define ptemark_swp_soft_dirty_active()		IS_ENABLED(CONFIG_MEM_SOFT_DIRTY)
/* Every arch's encoding here describes a kernel with uffd-wp. */
#define PTEMARK_UFFD_WP_OPTIONAL		0

#define ptemark_pte_unused(pte)			pte_unused(&init_mm, pte)

#endif /* PTEMARK_API_H */
