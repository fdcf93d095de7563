// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: pairs of functions for scripts/zerocost.sh to disassemble.
 * Each pair does one marker operation through the kernel's API and through
 * hand-written bit operations on the arch's encoding (ptemark_model.h);
 * the API costs nothing when both compile to the same instruction count.
 */
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#define PM_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#include "ptemark_encoding.h"
#include "ptemark_model.h"

#define PAIR(name, type, api, hand, ...)				\
	type ptemark_api_##name(__VA_ARGS__);				\
	type ptemark_hand_##name(__VA_ARGS__);				\
	noinline type ptemark_api_##name(__VA_ARGS__) { return api; }	\
	noinline type ptemark_hand_##name(__VA_ARGS__) { return hand; }

PAIR(make, unsigned long,
     pte_val(make_pte_marker(PTE_MARKER_UFFD_WP)),
     PM_MAKE(PM_MARKER_UFFD_WP), void);
PAIR(test, bool,
     pte_marker_test(__pte(v), PTE_MARKER_UFFD_WP),
     pm_test(v, PM_MARKER_UFFD_WP), unsigned long v);
PAIR(drop, unsigned long,
     pte_val(pte_marker_drop(__pte(v), PTE_MARKER_UFFD_WP)),
     pm_clear(v, PM_MARKER_UFFD_WP), unsigned long v);
