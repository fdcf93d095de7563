/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel names the pte_marker KUnit suite needs, for a mainline
 * 7.3 base: markers through the softleaf API (include/linux/leafops.h),
 * uffd-wp bits through pte_uffd() and friends, run-time support through
 * pgtable_supports_uffd_mm() (include/asm-generic/pgtable_uffd.h, added by
 * generic/patches/7.3 with pte_unused(mm, pte)), and the empty PTE and
 * marker drop that generic/patches/7.3 adds (pte_empty(), pte_marker_drop()).
 * scripts/kernel.sh copies this file to mm/ptemark_api.h; the other base
 * has its own, with the same names.
 */
#ifndef PTEMARK_API_H
#define PTEMARK_API_H

#include <linux/leafops.h>
#include <linux/pgtable.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

/* Markers and swap entries */
static inline bool ptemark_is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

#define ptemark_is_marker(pte)			pte_is_marker(pte)
/* The decode the bit tests of pte_is_marker() must agree with */
#define ptemark_decode_is_marker(pte)		softleaf_is_marker(softleaf_from_pte(pte))

static inline bool ptemark_none_mostly(pte_t pte)
{
	return pte_none(pte) || pte_is_marker(pte);
}

/*
 * Decode any PTE as a swap entry, as 6.12's pte_to_swp_entry() did.
 * softleaf_from_pte() answers "none" for a none or present PTE, and a swap
 * entry of type 0 may encode as the none PTE (x86 stores the offset
 * inverted), so the suite's offset-width probe decodes by hand, as
 * generic_max_swapfile_size() does.
 */
static inline swp_entry_t ptemark_pte_to_swp_entry(pte_t pte)
{
	swp_entry_t arch = __pte_to_swp_entry(pte_swp_clear_flags(pte));

	return swp_entry(__swp_type(arch), __swp_offset(arch));
}

static inline pte_marker ptemark_marker_get(pte_t pte)
{
	return softleaf_to_marker(softleaf_from_pte(pte));
}

/*
 * What mm asks: pte_is_uffd_wp_marker() and pte_is_uffd_marker() for the
 * masks they stand for (a constant mask folds to one of them), else the
 * decode that other callers write out.
 */
static inline bool ptemark_marker_test(pte_t pte, pte_marker mask)
{
	softleaf_t entry;

	if (mask == PTE_MARKER_UFFD_WP)
		return pte_is_uffd_wp_marker(pte);
	if (mask == (PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED))
		return pte_is_uffd_marker(pte);
	entry = softleaf_from_pte(pte);
	return softleaf_is_marker(entry) && (softleaf_to_marker(entry) & mask);
}

/* The empty PTE (generic 0005), a constant (checked at build time) */
#define ptemark_pte_empty()			pte_empty()

/* Markers dropped in the PTE's bits (generic 0006), as mremap does. */
#define ptemark_marker_drop(pte, mask)		pte_marker_drop(pte, mask)

#define ptemark_marker_uffd_wp(pte)		pte_is_uffd_wp_marker(pte)
/* pte_is_uffd_wp_marker() reads the marker whatever the config */
#define PTEMARK_WP_MARKER_NEEDS_CONFIG		0

/* uffd-wp bits: 7.3 names them pte_uffd() etc. (shared with uffd-rwp) */
#define ptemark_pte_uffd_wp(pte)		pte_uffd(pte)
#define ptemark_pte_mkuffd_wp(pte)		pte_mkuffd(pte)
#define ptemark_pte_clear_uffd_wp(pte)		pte_clear_uffd(pte)
#define ptemark_pte_swp_uffd_wp(pte)		pte_swp_uffd(pte)
#define ptemark_pte_swp_mkuffd_wp(pte)		pte_swp_mkuffd(pte)
#define ptemark_pte_swp_clear_uffd_wp(pte)	pte_swp_clear_uffd(pte)
#define ptemark_pmd_uffd_wp(pmd)		pmd_uffd(pmd)
#define ptemark_pmd_mkuffd_wp(pmd)		pmd_mkuffd(pmd)
#define ptemark_pmd_clear_uffd_wp(pmd)		pmd_clear_uffd(pmd)
#define ptemark_pmd_swp_uffd_wp(pmd)		pmd_swp_uffd(pmd)
#define ptemark_pmd_swp_mkuffd_wp(pmd)		pmd_swp_mkuffd(pmd)

/*
 * Run-time support: riscv has uffd-wp (and soft-dirty) bits only on CPUs
 * with Svrsw60t59b; without it even the swap-PTE helpers set nothing.
 */
#define ptemark_uffd_wp_supported()		pgtable_supports_uffd_mm(&init_mm, NULL)
#define ptemark_swp_uffd_wp_active()		pgtable_supports_uffd()
#define ptemark_swp_soft_dirty_active()		pgtable_supports_soft_dirty()
/* plain 7.3 has no s390 uffd-wp although its ptemark encoding describes one */
#define PTEMARK_UFFD_WP_OPTIONAL		1

#define ptemark_pte_unused(pte)			pte_unused(&init_mm, pte)

#endif /* PTEMARK_API_H */
