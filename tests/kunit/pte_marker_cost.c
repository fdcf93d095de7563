// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: functions for scripts/zerocost.sh to disassemble. Each marker
 * operation is written three ways:
 *   api  - the generic helpers (make_pte_marker, pte_marker_test/_drop),
 *   open - open-coded the way 6.12 callers did it before the helpers,
 *   hand - bit operations straight on the arch's encoding (the model).
 * The helpers cost nothing when api == open; hand shows what the generic
 * swp_entry_t decoding (pte_to_swp_entry) itself costs on top.
 */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#define PM_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#include "ptemark_encoding.h"
#include "ptemark_model.h"

#define DEFINE_COST(kind, name, type, body, ...)			\
	type ptemark_##kind##_##name(__VA_ARGS__);			\
	noinline type ptemark_##kind##_##name(__VA_ARGS__) { body; }

DEFINE_COST(api, make, unsigned long,
	    return pte_val(make_pte_marker(PTE_MARKER_UFFD_WP)), void)
DEFINE_COST(open, make, unsigned long,
	    return pte_val(swp_entry_to_pte(swp_entry(SWP_PTE_MARKER, PTE_MARKER_UFFD_WP))),
	    void)
DEFINE_COST(hand, make, unsigned long,
	    return PM_MAKE(PM_MARKER_UFFD_WP), void)

DEFINE_COST(api, test, bool,
	    return pte_marker_test(__pte(v), PTE_MARKER_UFFD_WP), unsigned long v)
DEFINE_COST(open, test, bool,
	    return is_pte_marker(__pte(v)) &&
		   (pte_marker_get(pte_to_swp_entry(__pte(v))) & PTE_MARKER_UFFD_WP),
	    unsigned long v)
DEFINE_COST(hand, test, bool,
	    return pm_test(v, PM_MARKER_UFFD_WP), unsigned long v)

DEFINE_COST(api, drop, unsigned long,
	    return pte_val(pte_marker_drop(__pte(v), PTE_MARKER_UFFD_WP)), unsigned long v)
DEFINE_COST(open, drop, unsigned long,
	    pte_marker left;
	    pte_t pte = __pte(v);
	    if (!is_pte_marker(pte))
		return v;
	    left = pte_marker_get(pte_to_swp_entry(pte)) & ~PTE_MARKER_UFFD_WP;
	    if (left)
		return pte_val(make_pte_marker(left));
	    pte_clear(&init_mm, 0, &pte);
	    return pte_val(pte), unsigned long v)
DEFINE_COST(hand, drop, unsigned long,
	    return pm_clear(v, PM_MARKER_UFFD_WP), unsigned long v)
