/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390x PTE encoding, as Linux 6.12 defines it, with CONFIG_MEM_SOFT_DIRTY=y,
 * plus the uffd-wp bits of arch-s390/patches (UFFD-WP.md says why these).
 *
 * Bit numbers here count from the least significant bit, as everywhere in
 * ptemark; the Principles of Operation counts from the most significant
 * (IBM bit n is our bit 63 - n, so IBM bit 63 is 0x001).
 *
 * Two things differ from every other arch:
 *  - The empty PTE is _PAGE_INVALID (0x400), not 0. A literal 0 is not
 *    pte_none(); it is a swap entry of type 0, offset 0.
 *  - A swap PTE has _PAGE_INVALID and _PAGE_PROTECT set: (pte & 0x201) ==
 *    0x200.
 *
 * uffd-wp: 0x080 (IBM 56, _PAGE_UNUSED) in a present PTE, the same position
 * in a swap PTE, 0x800 (IBM 52, fetch protection) in a large segment entry.
 * 0x080 only means something else in mms with PGSTEs (KVM), and those are
 * refused uffd-wp; 0x800 (IBM 52) could not be used in a PTE: it must be 0
 * in a valid one. 0x100 (IBM 55) stays free in a swap PTE. s390 has no swap
 * or migration entries at PMD level, hence no PMD swap bit.
 *
 * The one description of this layout: the host tests, tools/layout.c and the
 * in-kernel KUnit test all compile this text. It is freestanding on purpose
 * (no includes): keep it that way.
 *
 * Source: arch/s390/include/asm/pgtable.h.
 */
#ifndef ENC_S390X_H
#define ENC_S390X_H

#ifdef ENC_ARCH
#error "only one arch encoding per translation unit"
#endif

#define ENC_ARCH		"s390x"
/* The arch's manuals number bits from the MSB; tools show both. */
#define ENC_DOC_MSB0		1

typedef unsigned long long enc_val_t;

/* No casts here: these are also evaluated by #if. */
#define ENC_BIT(n)		(1ULL << (n))
#define ENC_GENMASK(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#define ENC_PAGE_PRESENT	0x001ULL	/* software bit */
#define ENC_PAGE_PROTECT	0x200ULL
#define ENC_PAGE_INVALID	0x400ULL

/* _PAGE_SW_BITS: IBM bits 56-63 */
#define ENC_PTE_SW_MASK		0x0ffULL

#define ENC_HAS_UFFD_WP		1
#define ENC_PTE_UFFD_WP		0x080ULL	/* _PAGE_UFFD_WP = _PAGE_UNUSED */
#define ENC_PMD_UFFD_WP		0x800ULL	/* _SEGMENT_ENTRY_UFFD_WP */
#define ENC_SWP_UFFD_WP		0x080ULL	/* _PAGE_SWP_UFFD_WP */
/*
 * PMD swap entries: none in 6.12; 7.3 has segment swap entries, and its
 * port keeps the uffd bit there in 0x800 too (ENC_KERNEL_BASE: the base as
 * major * 100 + minor, defined by scripts/kernel.sh and the host tests).
 */
#if defined(ENC_KERNEL_BASE) && ENC_KERNEL_BASE >= 703
#define ENC_PMD_SWP_UFFD_WP	0x800ULL
#else
#define ENC_PMD_SWP_UFFD_WP	0ULL
#endif

#define ENC_PTE_NONE		0x400ULL
/* pte_none() compares with _PAGE_INVALID; spelt out so ENC_PTE_NONE is checked */
#define ENC_PTE_NONE_P(v)	((v) == 0x400)
#define ENC_PTE_PRESENT_P(v)	(((v) & ENC_PAGE_PRESENT) != 0)

/*
 * Swap PTE (mk_swap_pte()): offset in bits 12-63 (IBM 0-51), exclusive in
 * 0x800 (IBM 52), 0x400 and 0x200 set, uffd-wp in 0x080 (IBM 56), type in
 * bits 2-6 (IBM 57-61), soft-dirty in 0x002 (IBM 62), 0x001 clear.
 */
#define ENC_SWP_TYPE_BITS	5
#define ENC_SWP_OFFSET_BITS	52
#define ENC_SWP_TYPE_MASK	ENC_GENMASK(6, 2)
#define ENC_SWP_OFFSET_MASK	ENC_GENMASK(63, 12)
#define ENC_SWP_EXCLUSIVE	0x800ULL	/* _PAGE_LARGE */
#define ENC_SWP_SOFT_DIRTY	0x002ULL	/* same bit as _PAGE_SOFT_DIRTY */

#define ENC_SWP_ENTRY(type, off)					\
	(ENC_PAGE_INVALID | ENC_PAGE_PROTECT |				\
	 (((enc_val_t)(off) & ((1ULL << 52) - 1)) << 12) |		\
	 (((enc_val_t)(type) & 0x1f) << 2))
#define ENC_SWP_TYPE(v)		(((enc_val_t)(v) >> 2) & 0x1f)
#define ENC_SWP_OFFSET(v)	(((enc_val_t)(v) >> 12) & ((1ULL << 52) - 1))

/*
 * Field lists: F(first bit, width, kind, name, description). Kinds: HW, SW,
 * UFFD (uffd-wp), FREE, RSVD (don't use), ZERO/ONE (fixed), TYPE, OFFSET,
 * FLAG. Listed from bit 63 down; each list covers all 64 bits once.
 */
#define ENC_PRESENT_FIELDS(F)						\
	F(12, 52, HW, "PFRA", "page frame real address")		\
	F(11, 1, RSVD, "LARGE", "must be 0 for the MMU; marks a large pte") \
	F(10, 1, HW, "I", "invalid (hardware)")				\
	F(9, 1, HW, "P", "protect: read-only (hardware)")		\
	F(8, 1, HW, "NOEXEC", "instruction-execution protection")	\
	F(7, 1, UFFD, "UFFD_WP", "uffd-wp; UNUSED (KVM) with PGSTEs") \
	F(6, 1, SW, "SPECIAL", "no struct page")			\
	F(5, 1, SW, "WRITE", "software write")				\
	F(4, 1, SW, "READ", "software read")				\
	F(3, 1, SW, "DIRTY", "software dirty")				\
	F(2, 1, SW, "YOUNG", "software young")				\
	F(1, 1, SW, "SOFT_DIRTY", "soft-dirty")				\
	F(0, 1, SW, "PRESENT", "software present bit")

#define ENC_SWAP_FIELDS(F)						\
	F(12, 52, OFFSET, "OFFSET", "swap offset")			\
	F(11, 1, FLAG, "EXCL", "PG_anon_exclusive (_PAGE_LARGE)")	\
	F(10, 1, ONE, "I", "1: invalid")				\
	F(9, 1, ONE, "P", "1: protect, marks a swap pte")		\
	F(8, 1, FREE, "-", "unused")					\
	F(7, 1, UFFD, "UFFD_WP", "uffd-wp")				\
	F(2, 5, TYPE, "TYPE", "swap type")				\
	F(1, 1, FLAG, "SOFT_DIRTY", "soft-dirty")			\
	F(0, 1, ZERO, "PRESENT", "0: not present")

#endif /* ENC_S390X_H */
