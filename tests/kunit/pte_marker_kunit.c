// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: PTE markers and the arch encoding they rely on, checked through
 * the kernel's own macros on whatever architecture this is built for.
 *
 * ptemark_encoding.h and ptemark_model.h are the arch's encoding and the
 * generic marker model that the host tests compile too (scripts/kernel.sh
 * copies them here). The model's contract is checked at build time by its
 * static_asserts, here as on the host; each case below checks at run time
 * that the kernel's macros and the model agree, so the host tests test what
 * the kernel runs. (Most of the kernel's macros do not fold to constants,
 * so BUILD_BUG_ON on them is not an option on every arch.)
 *
 * ptemark_api.h maps the few kernel names that differ between the bases
 * (6.12 with ptemark's patches, mainline 7.3 with its softleaf API) to one
 * set of ptemark_* names; this file is the same for both.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

#define PM_STATIC_ASSERT(expr, msg)	static_assert(expr, msg)
#include "ptemark_encoding.h"
#include "ptemark_model.h"
#include "ptemark_api.h"

static const pte_marker markers[] = {
	PTE_MARKER_UFFD_WP,
	PTE_MARKER_POISONED,
	PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED,
#ifdef PTE_MARKER_GUARD
	PTE_MARKER_GUARD,
	PTE_MARKER_UFFD_WP | PTE_MARKER_GUARD,
#endif
};

/* Offsets worth trying within @bits: edges, single bits, all ones. */
static unsigned long offset_at(unsigned int i, unsigned int bits)
{
	unsigned long max = bits >= BITS_PER_LONG ? ~0UL : (1UL << bits) - 1;

	if (i < bits)
		return 1UL << i;
	switch (i - bits) {
	case 0: return 0;
	case 1: return max;
	case 2: return max >> 1;
	case 3: return 0x5555555555555555UL & max;
	default: return 0xaaaaaaaaaaaaaaaaUL & max;
	}
}
#define N_OFFSETS(bits)	((bits) + 5)

static unsigned int offset_bits(void)
{
	/* What the arch keeps of an all-ones offset is its offset width. */
	swp_entry_t e = swp_entry(0, ~0UL);

	return fls_long(swp_offset(ptemark_pte_to_swp_entry(swp_entry_to_pte(e))));
}

static void pte_marker_offset_width(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offset_bits(), (unsigned int)ENC_SWP_OFFSET_BITS);
	KUNIT_EXPECT_EQ(test, SWP_PTE_MARKER, PM_SWP_PTE_MARKER);
}

/* Every swap type x offset: the kernel's PTE is the model's, both ways. */
static void pte_marker_swap_roundtrip(struct kunit *test)
{
	unsigned int bits = min_t(unsigned int, offset_bits(), ENC_SWP_OFFSET_BITS);
	unsigned int type, i, bad = 0;

	for (type = 0; type < (1U << MAX_SWAPFILES_SHIFT); type++) {
		for (i = 0; i < N_OFFSETS(bits); i++) {
			unsigned long off = offset_at(i, bits);
			pte_t pte = swp_entry_to_pte(swp_entry(type, off));
			swp_entry_t back = ptemark_pte_to_swp_entry(pte);

			if (pte_val(pte) != enc_swp_entry(type, off) ||
			    swp_type(back) != type || swp_offset(back) != off) {
				if (bad++ < 4)
					KUNIT_FAIL(test, "type %u offset %#lx: pte %#llx, model %#llx, back %u/%#lx",
						   type, off, (u64)pte_val(pte),
						   enc_swp_entry(type, off),
						   swp_type(back), swp_offset(back));
			}
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* The swap flag bits are the model's, and decoding ignores them. */
static void pte_marker_swap_flags(struct kunit *test)
{
	pte_t base = swp_entry_to_pte(swp_entry(1, 0x1234));
	u64 sd = ptemark_swp_soft_dirty_active() ? ENC_SWP_SOFT_DIRTY : 0;
	u64 wp = ptemark_swp_uffd_wp_active() ? ENC_SWP_UFFD_WP : 0;
	pte_t all = ptemark_pte_swp_mkuffd_wp(pte_swp_mksoft_dirty(pte_swp_mkexclusive(base)));

	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_swp_mkexclusive(base)),
			(u64)pte_val(base) | ENC_SWP_EXCLUSIVE);
	KUNIT_EXPECT_EQ(test, (u64)pte_val(pte_swp_mksoft_dirty(base)),
			(u64)pte_val(base) | sd);
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_pte_swp_mkuffd_wp(base)),
			(u64)pte_val(base) | wp);
	KUNIT_EXPECT_EQ(test, swp_type(ptemark_pte_to_swp_entry(all)), 1U);
	KUNIT_EXPECT_EQ(test, swp_offset(ptemark_pte_to_swp_entry(all)), 0x1234UL);
	KUNIT_EXPECT_TRUE(test, ptemark_is_swap_pte(all));
	if (wp) {
		KUNIT_EXPECT_TRUE(test, ptemark_pte_swp_uffd_wp(ptemark_pte_swp_mkuffd_wp(base)));
		KUNIT_EXPECT_FALSE(test,
				   ptemark_pte_swp_uffd_wp(ptemark_pte_swp_clear_uffd_wp(all)));
		KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_pte_swp_clear_uffd_wp(all)),
				(u64)pte_val(all) & ~wp);
	}
}

/* A marker is a swap PTE, neither none nor present, the model's value. */
static void pte_marker_make_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(markers); i++) {
		pte_t pte = make_pte_marker(markers[i]);

		KUNIT_EXPECT_EQ(test, (u64)pte_val(pte), pm_make(markers[i]));
		KUNIT_EXPECT_FALSE(test, pte_none(pte));
		KUNIT_EXPECT_FALSE(test, pte_present(pte));
		KUNIT_EXPECT_TRUE(test, ptemark_is_swap_pte(pte));
		KUNIT_EXPECT_TRUE(test, ptemark_is_marker(pte));
		KUNIT_EXPECT_TRUE(test, ptemark_none_mostly(pte));
		KUNIT_EXPECT_EQ(test, ptemark_marker_get(pte), markers[i]);
		KUNIT_EXPECT_EQ(test, ptemark_marker_test(pte, PTE_MARKER_UFFD_WP),
				!!(markers[i] & PTE_MARKER_UFFD_WP));
		KUNIT_EXPECT_EQ(test, ptemark_marker_test(pte, PTE_MARKER_POISONED),
				!!(markers[i] & PTE_MARKER_POISONED));
		KUNIT_EXPECT_EQ(test, ptemark_marker_uffd_wp(pte),
				(!PTEMARK_WP_MARKER_NEEDS_CONFIG ||
				 IS_ENABLED(CONFIG_PTE_MARKER_UFFD_WP)) &&
				(markers[i] & PTE_MARKER_UFFD_WP));
	}
}

/* No real swap entry, with any flags, is taken for a marker. */
static void pte_marker_distinct(struct kunit *test)
{
	unsigned int bits = min_t(unsigned int, offset_bits(), ENC_SWP_OFFSET_BITS);
	unsigned int type, i, bad = 0;

	for (type = 0; type < SWP_PTE_MARKER; type++) {
		for (i = 0; i < N_OFFSETS(bits); i++) {
			pte_t pte = swp_entry_to_pte(swp_entry(type, offset_at(i, bits)));

			pte = ptemark_pte_swp_mkuffd_wp(pte_swp_mkexclusive(pte));
			if (ptemark_is_marker(pte) || ptemark_marker_uffd_wp(pte))
				bad++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_FALSE(test, ptemark_is_marker(ptemark_pte_empty()));
}

/* Dropping markers: the others stay; the last leaves the arch's empty PTE. */
static void pte_marker_drop_test(struct kunit *test)
{
	pte_t both = make_pte_marker(PTE_MARKER_UFFD_WP | PTE_MARKER_POISONED);
	pte_t wp = make_pte_marker(PTE_MARKER_UFFD_WP);
	pte_t cleared = wp, empty;

	/* The empty PTE is a constant: a wrong one fails the build. */
	BUILD_BUG_ON(!pte_none(ptemark_pte_empty()));

	pte_clear(&init_mm, 0, &cleared);
	empty = ptemark_marker_drop(wp, PTE_MARKER_UFFD_WP);

	KUNIT_EXPECT_TRUE(test, pte_none(empty));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(empty), (u64)ENC_PTE_NONE);
	KUNIT_EXPECT_EQ(test, (u64)pte_val(empty), (u64)pte_val(cleared));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_pte_empty()), (u64)ENC_PTE_NONE);
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_marker_drop(wp, PTE_MARKER_UFFD_WP)),
			pm_clear(pm_make(PTE_MARKER_UFFD_WP), PTE_MARKER_UFFD_WP));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_marker_drop(both, PTE_MARKER_UFFD_WP)),
			(u64)pte_val(make_pte_marker(PTE_MARKER_POISONED)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_marker_drop(both, PTE_MARKER_POISONED)),
			(u64)pte_val(wp));
	/* Not a marker: untouched. */
	KUNIT_EXPECT_EQ(test,
			(u64)pte_val(ptemark_marker_drop(ptemark_pte_empty(), PTE_MARKER_UFFD_WP)),
			(u64)ENC_PTE_NONE);
}

/*
 * A marker may also carry the swap-pte uffd-wp flag (PAGEMAP_SCAN sets it
 * on any swap pte): it still drops to the arch's empty PTE. And a literal
 * 0, what a path that wrote __pte(0) would leave, is empty only where the
 * model says so (not on s390, where it is a swap entry).
 */
static void pte_marker_drop_flagged(struct kunit *test)
{
	pte_t flagged = ptemark_pte_swp_mkuffd_wp(make_pte_marker(PTE_MARKER_UFFD_WP));
	pte_t cleared = flagged;

	pte_clear(&init_mm, 0, &cleared);
	KUNIT_EXPECT_TRUE(test, ptemark_is_marker(flagged));
	KUNIT_EXPECT_TRUE(test, ptemark_marker_test(flagged, PTE_MARKER_UFFD_WP));
	KUNIT_EXPECT_TRUE(test, pte_none(ptemark_marker_drop(flagged, PTE_MARKER_UFFD_WP)));
	KUNIT_EXPECT_EQ(test, (u64)pte_val(ptemark_marker_drop(flagged, PTE_MARKER_UFFD_WP)),
			(u64)ENC_PTE_NONE);
	KUNIT_EXPECT_EQ(test, (u64)pte_val(cleared), (u64)ENC_PTE_NONE);
	KUNIT_EXPECT_EQ(test, (bool)pte_none(__pte(0)), (bool)enc_pte_none(0));
	KUNIT_EXPECT_EQ(test, (bool)ptemark_is_swap_pte(__pte(0)), (bool)enc_is_swap_pte(0));
}

static pte_t sample_present_pte(void)
{
	return pfn_pte(0x1234, vm_get_page_prot(VM_READ));
}

/* The present uffd-wp bit is the model's, and nothing else changes. */
static void pte_marker_present_wp(struct kunit *test)
{
	pte_t pte = sample_present_pte();

	/* Where the arch may lack uffd-wp, the encoding may describe a port. */
	if (PTEMARK_UFFD_WP_OPTIONAL && !IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP))
		kunit_skip(test, "no HAVE_ARCH_USERFAULTFD_WP on this arch in this kernel");
	KUNIT_EXPECT_EQ(test, IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP),
			(bool)ENC_HAS_UFFD_WP);
	if (!IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP))
		kunit_skip(test, "no HAVE_ARCH_USERFAULTFD_WP on this arch");
	/* The arch can need a CPU feature for its present-PTE bit. */
	if (!ptemark_uffd_wp_supported()) {
		KUNIT_EXPECT_FALSE(test, ptemark_pte_uffd_wp(ptemark_pte_mkuffd_wp(pte)));
		kunit_skip(test, "this CPU cannot hold uffd-wp in a present PTE");
	}

	KUNIT_EXPECT_TRUE(test, pte_present(pte));
	KUNIT_EXPECT_FALSE(test, ptemark_pte_uffd_wp(pte));
	KUNIT_EXPECT_TRUE(test, ptemark_pte_uffd_wp(ptemark_pte_mkuffd_wp(pte)));
	KUNIT_EXPECT_EQ(test,
			(u64)(pte_val(ptemark_pte_mkuffd_wp(pte)) ^ pte_val(pte_wrprotect(pte))),
			(u64)ENC_PTE_UFFD_WP);
	KUNIT_EXPECT_EQ(test,
			(u64)pte_val(ptemark_pte_clear_uffd_wp(ptemark_pte_mkuffd_wp(pte))),
			(u64)pte_val(pte_wrprotect(pte)));
	KUNIT_EXPECT_TRUE(test, pte_present(ptemark_pte_mkuffd_wp(pte)));
	KUNIT_EXPECT_FALSE(test, pte_write(ptemark_pte_mkuffd_wp(pte)));
}

/*
 * Reclaim and migration drop a page whose PTE reads as unused outside a
 * userfaultfd-armed vma. A uffd-wp bit that generic mm left behind in such
 * a vma must never read so in an mm that has uffd-wp, or its data is gone.
 */
static void pte_marker_wp_not_unused(struct kunit *test)
{
	pte_t pte = sample_present_pte();

	if (!IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP) ||
	    !ptemark_uffd_wp_supported())
		kunit_skip(test, "no uffd-wp in a present PTE here");
	KUNIT_EXPECT_FALSE(test, ptemark_pte_unused(pte));
	KUNIT_EXPECT_FALSE(test, ptemark_pte_unused(ptemark_pte_mkuffd_wp(pte)));
}

static void pte_marker_pmd_wp(struct kunit *test)
{
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(CONFIG_HAVE_ARCH_USERFAULTFD_WP)
	pmd_t pmd = pmd_mkhuge(pfn_pmd(0x200, vm_get_page_prot(VM_READ)));

	if (!has_transparent_hugepage())
		kunit_skip(test, "no transparent huge pages on this machine");
	if (!ptemark_uffd_wp_supported())
		kunit_skip(test, "this CPU cannot hold uffd-wp in a present PMD");
	KUNIT_EXPECT_TRUE(test, ptemark_pmd_uffd_wp(ptemark_pmd_mkuffd_wp(pmd)));
	KUNIT_EXPECT_EQ(test,
			(u64)(pmd_val(ptemark_pmd_mkuffd_wp(pmd)) ^ pmd_val(pmd_wrprotect(pmd))),
			(u64)ENC_PMD_UFFD_WP);
	pmd = ptemark_pmd_clear_uffd_wp(ptemark_pmd_mkuffd_wp(pmd));
	KUNIT_EXPECT_FALSE(test, ptemark_pmd_uffd_wp(pmd));
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	{
		pmd_t swp = swp_entry_to_pmd(swp_entry(1, 0x1234));

		KUNIT_EXPECT_EQ(test,
				(u64)(pmd_val(ptemark_pmd_swp_mkuffd_wp(swp)) ^ pmd_val(swp)),
				(u64)ENC_PMD_SWP_UFFD_WP);
		KUNIT_EXPECT_TRUE(test, ptemark_pmd_swp_uffd_wp(ptemark_pmd_swp_mkuffd_wp(swp)));
	}
#endif
#else
	kunit_skip(test, "no THP or no HAVE_ARCH_USERFAULTFD_WP in this config");
#endif
}

/*
 * The marker test and drop of ptemark_api.h (pte_marker_test() and
 * pte_marker_drop() read the PTE bits directly) must answer exactly as the
 * decode into a marker and pte_clear() that callers open-code, for markers
 * (with swap flags too), every swap type, none and present, and a present
 * PTE that has a marker's bits where a swap PTE keeps its type and offset.
 */
static bool open_test(pte_t pte, pte_marker mask)
{
	return ptemark_decode_is_marker(pte) && (ptemark_marker_get(pte) & mask);
}

static u64 open_drop(pte_t pte, pte_marker mask)
{
	pte_t cleared = pte;
	pte_marker left;

	if (!ptemark_decode_is_marker(pte))
		return pte_val(pte);
	left = ptemark_marker_get(pte) & ~mask;
	if (left)
		return pte_val(make_pte_marker(left));
	pte_clear(&init_mm, 0, &cleared);
	return pte_val(cleared);
}

static void pte_marker_api_matches_open(struct kunit *test)
{
	pte_t ptes[ARRAY_SIZE(markers) * 4 + MAX_SWAPFILES_SHIFT * 8 + 3];
	pte_t present_marker_bits;
	unsigned int n = 0, i, j, t, m;

	for (i = 0; i < ARRAY_SIZE(markers); i++) {
		pte_t mk = make_pte_marker(markers[i]);

		ptes[n++] = mk;
		ptes[n++] = pte_swp_mkexclusive(mk);
		ptes[n++] = pte_swp_mksoft_dirty(mk);
		ptes[n++] = ptemark_pte_swp_mkuffd_wp(mk);
	}
	for (t = 0; t < MAX_SWAPFILES_SHIFT; t++) {
		unsigned int type = (1U << t) | (t ? 1 : 0);

		for (j = 0; j < 8; j++)
			ptes[n++] = swp_entry_to_pte(swp_entry(type, offset_at(j, 8)));
	}
	ptes[n++] = ptemark_pte_empty();
	ptes[n++] = sample_present_pte();
	present_marker_bits = __pte(pte_val(make_pte_marker(PTE_MARKER_MASK)) |
				    pte_val(sample_present_pte()));
	KUNIT_EXPECT_TRUE(test, pte_present(present_marker_bits));
	ptes[n++] = present_marker_bits;
	KUNIT_ASSERT_LE(test, n, (unsigned int)ARRAY_SIZE(ptes));

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ptemark_is_marker(ptes[i]),
				    ptemark_decode_is_marker(ptes[i]),
				    "pte %#llx", (u64)pte_val(ptes[i]));
		for (m = 1; m <= PTE_MARKER_MASK; m++) {
			KUNIT_EXPECT_EQ_MSG(test, ptemark_marker_test(ptes[i], m),
					    open_test(ptes[i], m),
					    "pte %#llx mask %u", (u64)pte_val(ptes[i]), m);
			KUNIT_EXPECT_EQ_MSG(test, (u64)pte_val(ptemark_marker_drop(ptes[i], m)),
					    open_drop(ptes[i], m),
					    "pte %#llx mask %u", (u64)pte_val(ptes[i]), m);
		}
	}
}

static struct kunit_case pte_marker_cases[] = {
	KUNIT_CASE(pte_marker_offset_width),
	KUNIT_CASE(pte_marker_swap_roundtrip),
	KUNIT_CASE(pte_marker_swap_flags),
	KUNIT_CASE(pte_marker_make_test),
	KUNIT_CASE(pte_marker_distinct),
	KUNIT_CASE(pte_marker_drop_test),
	KUNIT_CASE(pte_marker_drop_flagged),
	KUNIT_CASE(pte_marker_present_wp),
	KUNIT_CASE(pte_marker_wp_not_unused),
	KUNIT_CASE(pte_marker_pmd_wp),
	KUNIT_CASE(pte_marker_api_matches_open),
	{}
};

static struct kunit_suite pte_marker_suite = {
	.name = "pte_marker",
	.test_cases = pte_marker_cases,
};
kunit_test_suite(pte_marker_suite);

MODULE_DESCRIPTION("KUnit tests for PTE markers and the arch encoding");
MODULE_LICENSE("GPL");
