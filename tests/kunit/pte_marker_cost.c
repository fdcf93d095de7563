// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: functions for scripts/zerocost.sh to disassemble. Each marker
 * operation is written four ways:
 *   api   - the generic helpers (make_pte_marker, pte_marker_test/_drop),
 *   open  - open-coded the way 6.12 callers did it before the helpers,
 *   model - the host model's decode (pm_*: type and offset taken apart),
 *   hand  - the fewest bit operations on this arch's encoding (encoding.h)
 *           a person would write: compare the type bits with the marker's,
 *           test the marker bit.
 *   hpred - hand, with the arch's own pte_none() and pte_present(), which
 *           the helpers call too: where api is longer than hand but the
 *           same code as hpred, the extra instructions are the arch's.
 * The helpers cost nothing when api has no more instructions than hand.
 * On 7.3, open reads the markers through softleaf_to_marker(), as fork
 * still does.
 */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#define PM_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#include "ptemark_encoding.h"
#include "ptemark_model.h"
#include "ptemark_api.h"

#define DEFINE_COST(kind, name, type, body, ...)			\
	type ptemark_##kind##_##name(__VA_ARGS__);			\
	noinline type ptemark_##kind##_##name(__VA_ARGS__) { body; }

DEFINE_COST(api, make, unsigned long,
	    return pte_val(make_pte_marker(PTE_MARKER_UFFD_WP)), void)
DEFINE_COST(open, make, unsigned long,
	    return pte_val(swp_entry_to_pte(swp_entry(SWP_PTE_MARKER, PTE_MARKER_UFFD_WP))),
	    void)
DEFINE_COST(model, make, unsigned long,
	    return pm_make(PM_MARKER_UFFD_WP), void)
DEFINE_COST(hand, make, unsigned long,
	    return PM_MAKE(PM_MARKER_UFFD_WP), void)
DEFINE_COST(hpred, make, unsigned long,
	    return PM_MAKE(PM_MARKER_UFFD_WP), void)

/* x86 stores the offset inverted: XOR with the empty marker undoes that. */
#define HAND_BASE	PM_MAKE(0)
#define HAND_BITS(m)	(PM_MAKE(m) ^ HAND_BASE)

/* The type bits are a marker's */
static inline bool hand_marker_type(enc_val_t v)
{
	return !((v ^ HAND_BASE) & ENC_SWP_TYPE_MASK);
}

static inline bool hand_is_marker(enc_val_t v)
{
	return enc_is_swap_pte(v) && hand_marker_type(v);
}

static inline bool hpred_is_marker(enc_val_t v)
{
	return !pte_none(__pte(v)) && !pte_present(__pte(v)) && hand_marker_type(v);
}

/* The test and the drop by hand, once @marker says whether @v is a marker */
static inline bool hand_test(bool marker, enc_val_t v)
{
	return marker && ((v ^ HAND_BASE) & HAND_BITS(PM_MARKER_UFFD_WP));
}

static inline enc_val_t hand_drop(bool marker, enc_val_t v)
{
	enc_val_t left = (v ^ HAND_BASE) & HAND_BITS(PTE_MARKER_MASK & ~PTE_MARKER_UFFD_WP);

	if (!marker)
		return v;
	return left ? left ^ HAND_BASE : ENC_PTE_NONE;
}

DEFINE_COST(api, test, bool,
	    return ptemark_marker_test(__pte(v), PTE_MARKER_UFFD_WP), unsigned long v)
DEFINE_COST(open, test, bool,
	    return ptemark_is_marker(__pte(v)) &&
		   (ptemark_marker_get(__pte(v)) & PTE_MARKER_UFFD_WP),
	    unsigned long v)
DEFINE_COST(model, test, bool,
	    return pm_test(v, PM_MARKER_UFFD_WP), unsigned long v)
DEFINE_COST(hand, test, bool, return hand_test(hand_is_marker(v), v), unsigned long v)
DEFINE_COST(hpred, test, bool, return hand_test(hpred_is_marker(v), v), unsigned long v)

DEFINE_COST(api, drop, unsigned long,
	    return pte_val(ptemark_marker_drop(__pte(v), PTE_MARKER_UFFD_WP)), unsigned long v)
DEFINE_COST(open, drop, unsigned long,
	    pte_marker left;
	    pte_t pte = __pte(v);
	    if (!ptemark_is_marker(pte))
		return v;
	    left = ptemark_marker_get(pte) & ~PTE_MARKER_UFFD_WP;
	    if (left)
		return pte_val(make_pte_marker(left));
	    pte_clear(&init_mm, 0, &pte);
	    return pte_val(pte), unsigned long v)
DEFINE_COST(model, drop, unsigned long,
	    return pm_clear(v, PM_MARKER_UFFD_WP), unsigned long v)
DEFINE_COST(hand, drop, unsigned long, return hand_drop(hand_is_marker(v), v), unsigned long v)
DEFINE_COST(hpred, drop, unsigned long, return hand_drop(hpred_is_marker(v), v), unsigned long v)
