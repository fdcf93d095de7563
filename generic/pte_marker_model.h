/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The portable PTE-marker layer, over one arch encoding (arch-<name>/
 * encoding.h, included first). It names no architecture and includes
 * nothing, so the host tests and the kernel compile the same text.
 *
 * A marker is a swap entry of type PM_SWP_PTE_MARKER whose offset holds the
 * marker bits (include/linux/swapops.h). Every encoding must provide:
 *
 *   enc_val_t, ENC_ARCH, ENC_PTE_NONE (the empty PTE)
 *   ENC_PTE_NONE_P(v), ENC_PTE_PRESENT_P(v)  pte_none()/pte_present() as
 *       constant expressions (this file adds enc_pte_none(),
 *       enc_pte_present(), enc_is_swap_pte() as functions)
 *   ENC_SWP_TYPE_BITS, ENC_SWP_OFFSET_BITS, ENC_SWP_TYPE_MASK,
 *       ENC_SWP_OFFSET_MASK (where type and offset sit in the PTE)
 *   ENC_SWP_ENTRY(t, o), ENC_SWP_TYPE(v), ENC_SWP_OFFSET(v):
 *       __swp_entry_to_pte(__swp_entry()) and back (function forms here)
 *   ENC_SWP_EXCLUSIVE, ENC_SWP_SOFT_DIRTY, ENC_SWP_UFFD_WP  swap-PTE bits
 *   ENC_PTE_UFFD_WP, ENC_PMD_UFFD_WP, ENC_PMD_SWP_UFFD_WP, ENC_HAS_UFFD_WP
 *   ENC_PTE_SW_MASK (bits the MMU ignores in a valid PTE)
 *   ENC_PRESENT_FIELDS(F), ENC_SWAP_FIELDS(F)  the bit map, for tools
 *
 * Flag masks that an arch lacks are 0. The contract below checks what can
 * be checked at compile time; tests/host checks the rest at run time.
 */
#ifndef PTE_MARKER_MODEL_H
#define PTE_MARKER_MODEL_H

#ifndef ENC_ARCH
#error "include an arch-<name>/encoding.h first"
#endif

/* Function forms of the encoding's macros, the same for every arch. */
static inline int enc_pte_none(enc_val_t v)
{
	return ENC_PTE_NONE_P(v);
}

static inline int enc_pte_present(enc_val_t v)
{
	return ENC_PTE_PRESENT_P(v);
}

static inline int enc_is_swap_pte(enc_val_t v)
{
	return !enc_pte_none(v) && !enc_pte_present(v);
}

static inline enc_val_t enc_swp_entry(enc_val_t type, enc_val_t offset)
{
	return ENC_SWP_ENTRY(type, offset);
}

static inline enc_val_t enc_swp_type(enc_val_t v)
{
	return ENC_SWP_TYPE(v);
}

static inline enc_val_t enc_swp_offset(enc_val_t v)
{
	return ENC_SWP_OFFSET(v);
}

/*
 * SWP_PTE_MARKER = MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM +
 * SWP_DEVICE_NUM, and MAX_SWAPFILES = (1 << MAX_SWAPFILES_SHIFT) - those
 * three - SWP_PTE_MARKER_NUM (1). Whatever the config, the marker type is
 * therefore (1 << 5) - 1 = 31, the last type.
 */
#define PM_MAX_SWAPFILES_SHIFT	5
#define PM_SWP_PTE_MARKER	((1 << PM_MAX_SWAPFILES_SHIFT) - 1)

/* The generic swp_entry_t keeps 58 offset bits (BITS_PER_XA_VALUE - 5). */
#define PM_SWP_OFFSET_MASK	((1ULL << 58) - 1)

#define PM_MARKER_UFFD_WP	(1ULL << 0)
#define PM_MARKER_POISONED	(1ULL << 1)
#define PM_MARKER_MASK		((1ULL << 2) - 1)

#define PM_SWP_FLAGS		(ENC_SWP_EXCLUSIVE | ENC_SWP_SOFT_DIRTY | ENC_SWP_UFFD_WP)

/* make_pte_marker() as a constant expression */
#define PM_MAKE(m)		ENC_SWP_ENTRY(PM_SWP_PTE_MARKER, (m))

typedef enc_val_t pm_marker_t;

/* pte_to_swp_entry(): drop the arch flag bits, then decode */
static inline enc_val_t pm_swp_type(enc_val_t v)
{
	return enc_swp_type(v & ~PM_SWP_FLAGS);
}

static inline enc_val_t pm_swp_offset(enc_val_t v)
{
	return enc_swp_offset(v & ~PM_SWP_FLAGS) & PM_SWP_OFFSET_MASK;
}

static inline enc_val_t pm_make(pm_marker_t markers)
{
	return enc_swp_entry(PM_SWP_PTE_MARKER, markers);
}

static inline int pm_is_marker(enc_val_t v)
{
	return enc_is_swap_pte(v) && pm_swp_type(v) == PM_SWP_PTE_MARKER;
}

static inline pm_marker_t pm_get(enc_val_t v)
{
	return pm_is_marker(v) ? pm_swp_offset(v) & PM_MARKER_MASK : 0;
}

static inline int pm_test(enc_val_t v, pm_marker_t marker)
{
	return (pm_get(v) & marker) != 0;
}

/* pte_none_mostly() */
static inline int pm_none_mostly(enc_val_t v)
{
	return enc_pte_none(v) || pm_is_marker(v);
}

/*
 * Drop some markers. What is left stays a marker; with none left the PTE
 * becomes the arch's empty PTE, which is not 0 everywhere (pte_clear()).
 * Anything that is not a marker is returned unchanged.
 */
static inline enc_val_t pm_clear(enc_val_t v, pm_marker_t marker)
{
	pm_marker_t left;

	if (!pm_is_marker(v))
		return v;
	left = pm_get(v) & ~marker;
	return left ? pm_make(left) : ENC_PTE_NONE;
}

/* Field lists as tables, for host tools (the kernel has no use for them) */
#ifdef PM_FIELD_TABLES
enum enc_kind {
	ENC_K_HW, ENC_K_SW, ENC_K_UFFD, ENC_K_FREE, ENC_K_RSVD,
	ENC_K_ZERO, ENC_K_ONE, ENC_K_TYPE, ENC_K_OFFSET, ENC_K_FLAG,
};

struct enc_field {
	int lsb;
	int width;
	enum enc_kind kind;
	const char *name;
	const char *desc;
};

#define PM_FIELD_ENTRY(lsb, width, kind, name, desc)	\
	{ lsb, width, ENC_K_##kind, name, desc },

static const struct enc_field enc_present_fields[] = {
	ENC_PRESENT_FIELDS(PM_FIELD_ENTRY)
};
static const struct enc_field enc_swap_fields[] = {
	ENC_SWAP_FIELDS(PM_FIELD_ENTRY)
};
#define ENC_N_PRESENT_FIELDS	(sizeof(enc_present_fields) / sizeof(enc_present_fields[0]))
#define ENC_N_SWAP_FIELDS	(sizeof(enc_swap_fields) / sizeof(enc_swap_fields[0]))
#endif /* PM_FIELD_TABLES */

/*
 * The contract, at compile time. The kernel may map PM_STATIC_ASSERT to
 * static_assert. PM_NO_STATIC_CONTRACT exists only so that tests/host can
 * show its run-time tests catch a broken encoding on their own.
 */
#ifndef PM_STATIC_ASSERT
#define PM_STATIC_ASSERT(expr, msg)	_Static_assert(expr, msg)
#endif

#define PM_ONE_BIT_OR_NONE(m)	(((m) & ((m) - 1)) == 0)
#define PM_NEITHER_NONE_NOR_PRESENT(v) \
	(!ENC_PTE_NONE_P(v) && !ENC_PTE_PRESENT_P(v))

#ifndef PM_NO_STATIC_CONTRACT
PM_STATIC_ASSERT(sizeof(enc_val_t) == 8, "ptemark contract: a PTE is 64 bits");
PM_STATIC_ASSERT(ENC_SWP_TYPE_BITS >= PM_MAX_SWAPFILES_SHIFT,
		 "ptemark contract: swap type too narrow for MAX_SWAPFILES_SHIFT");
PM_STATIC_ASSERT(__builtin_popcountll(ENC_SWP_TYPE_MASK) == ENC_SWP_TYPE_BITS,
		 "ptemark contract: swap type mask and width disagree");
PM_STATIC_ASSERT(__builtin_popcountll(ENC_SWP_OFFSET_MASK) == ENC_SWP_OFFSET_BITS,
		 "ptemark contract: swap offset mask and width disagree");
PM_STATIC_ASSERT((ENC_SWP_TYPE_MASK & ENC_SWP_OFFSET_MASK) == 0,
		 "ptemark contract: swap type overlaps swap offset");
PM_STATIC_ASSERT(PM_ONE_BIT_OR_NONE(ENC_SWP_EXCLUSIVE) &&
		 PM_ONE_BIT_OR_NONE(ENC_SWP_SOFT_DIRTY) &&
		 PM_ONE_BIT_OR_NONE(ENC_SWP_UFFD_WP) &&
		 PM_ONE_BIT_OR_NONE(ENC_PTE_UFFD_WP) &&
		 PM_ONE_BIT_OR_NONE(ENC_PMD_UFFD_WP) &&
		 PM_ONE_BIT_OR_NONE(ENC_PMD_SWP_UFFD_WP),
		 "ptemark contract: a flag is more than one bit");
PM_STATIC_ASSERT((ENC_SWP_EXCLUSIVE & (ENC_SWP_TYPE_MASK | ENC_SWP_OFFSET_MASK |
				       ENC_SWP_SOFT_DIRTY)) == 0,
		 "ptemark contract: exclusive swap bit overlaps type, offset or soft-dirty");
PM_STATIC_ASSERT((ENC_SWP_SOFT_DIRTY & (ENC_SWP_TYPE_MASK | ENC_SWP_OFFSET_MASK)) == 0,
		 "ptemark contract: soft-dirty swap bit overlaps type or offset");
PM_STATIC_ASSERT((ENC_SWP_UFFD_WP & ENC_SWP_TYPE_MASK) == 0,
		 "ptemark contract: uffd-wp swap bit overlaps the swap type");
PM_STATIC_ASSERT((ENC_SWP_UFFD_WP & ENC_SWP_OFFSET_MASK) == 0,
		 "ptemark contract: uffd-wp swap bit overlaps the swap offset");
PM_STATIC_ASSERT((ENC_SWP_UFFD_WP & (ENC_SWP_EXCLUSIVE | ENC_SWP_SOFT_DIRTY)) == 0,
		 "ptemark contract: uffd-wp swap bit overlaps exclusive or soft-dirty");
PM_STATIC_ASSERT((ENC_PTE_UFFD_WP & ~ENC_PTE_SW_MASK) == 0,
		 "ptemark contract: present uffd-wp bit is not a software bit");
PM_STATIC_ASSERT(ENC_HAS_UFFD_WP ?
		 (ENC_PTE_UFFD_WP && ENC_SWP_UFFD_WP) :
		 (!ENC_PTE_UFFD_WP && !ENC_SWP_UFFD_WP),
		 "ptemark contract: ENC_HAS_UFFD_WP disagrees with the wp bits");
PM_STATIC_ASSERT(ENC_PTE_NONE_P(ENC_PTE_NONE) && !ENC_PTE_PRESENT_P(ENC_PTE_NONE),
		 "ptemark contract: ENC_PTE_NONE is not the empty PTE, pte_none() disagrees");
PM_STATIC_ASSERT(PM_MARKER_MASK <= (ENC_SWP_OFFSET_MASK >> __builtin_ctzll(ENC_SWP_OFFSET_MASK)),
		 "ptemark contract: marker bits do not fit the swap offset");
PM_STATIC_ASSERT(PM_NEITHER_NONE_NOR_PRESENT(PM_MAKE(PM_MARKER_UFFD_WP)) &&
		 PM_NEITHER_NONE_NOR_PRESENT(PM_MAKE(PM_MARKER_POISONED)) &&
		 PM_NEITHER_NONE_NOR_PRESENT(PM_MAKE(PM_MARKER_MASK)) &&
		 PM_NEITHER_NONE_NOR_PRESENT(PM_MAKE(PM_MARKER_MASK) | PM_SWP_FLAGS),
		 "ptemark contract: a marker is none or present");
PM_STATIC_ASSERT(ENC_SWP_TYPE(PM_MAKE(PM_MARKER_MASK)) == PM_SWP_PTE_MARKER &&
		 ENC_SWP_OFFSET(PM_MAKE(PM_MARKER_MASK)) == PM_MARKER_MASK,
		 "ptemark contract: a marker does not decode to itself");
#endif /* PM_NO_STATIC_CONTRACT */

#endif /* PTE_MARKER_MODEL_H */
