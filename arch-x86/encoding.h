/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 PTE encoding, as Linux 6.12 defines it (4-level or 5-level paging,
 * 4K pages), with CONFIG_MEM_SOFT_DIRTY=y and CONFIG_HAVE_ARCH_USERFAULTFD_WP=y.
 *
 * The one description of this layout: the host tests, tools/layout.c and the
 * in-kernel KUnit test all compile this text. It is freestanding on purpose
 * (no includes): keep it that way.
 *
 * Sources: arch/x86/include/asm/pgtable_types.h, pgtable_64.h,
 * pgtable_64_types.h, pgtable.h.
 */
#ifndef ENC_X86_64_H
#define ENC_X86_64_H

#ifdef ENC_ARCH
#error "only one arch encoding per translation unit"
#endif

#define ENC_ARCH		"x86_64"

typedef unsigned long long enc_val_t;

/* No casts here: these are also evaluated by #if. */
#define ENC_BIT(n)		(1ULL << (n))
#define ENC_GENMASK(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

/* Present PTE (hardware bits unless noted) */
#define ENC_PAGE_PRESENT	ENC_BIT(0)
#define ENC_PAGE_PROTNONE	ENC_BIT(8)	/* _PAGE_GLOBAL, read when !P */
#define ENC_PAGE_KNL_ERRATUM	(ENC_BIT(5) | ENC_BIT(6))	/* A | D */

/*
 * Bits the MMU ignores in a valid 4K PTE: 11:9 and 58:52 (SDM vol. 3,
 * table 4-19). Linux names 9-11 and 57-58 _PAGE_SOFTW1..5; 52-56 are unused.
 * 62:59 are protection keys, not ignored once CR4.PKE is set.
 */
#define ENC_PTE_SW_MASK		(ENC_GENMASK(11, 9) | ENC_GENMASK(58, 52))

#define ENC_HAS_UFFD_WP		1
#define ENC_PTE_UFFD_WP		ENC_BIT(10)	/* _PAGE_SOFTW2 */
#define ENC_PMD_UFFD_WP		ENC_BIT(10)
#define ENC_SWP_UFFD_WP		ENC_BIT(2)	/* _PAGE_USER */
#define ENC_PMD_SWP_UFFD_WP	ENC_BIT(2)

/*
 * The empty PTE. pte_none() also ignores A and D: Knights Landing may set
 * them in a non-present entry (erratum), so they are never used by swap
 * entries either.
 */
#define ENC_PTE_NONE		0ULL
#define ENC_PTE_NONE_P(v)	(((v) & ~ENC_PAGE_KNL_ERRATUM) == 0)
#define ENC_PTE_PRESENT_P(v)	(((v) & (ENC_PAGE_PRESENT | ENC_PAGE_PROTNONE)) != 0)

/*
 * Swap PTE: type in bits 59-63, offset in bits 9-58 stored inverted (L1TF:
 * a non-present entry must not point at real memory, so its high address
 * bits are set). Bits 0 (P) and 8 (PROTNONE) stay clear.
 */
#define ENC_SWP_TYPE_BITS	5
#define ENC_SWP_OFFSET_BITS	50
#define ENC_SWP_TYPE_MASK	ENC_GENMASK(63, 59)
#define ENC_SWP_OFFSET_MASK	ENC_GENMASK(58, 9)
#define ENC_SWP_EXCLUSIVE	ENC_BIT(3)	/* _PAGE_PWT */
#define ENC_SWP_SOFT_DIRTY	ENC_BIT(1)	/* _PAGE_RW */

#define ENC_SWP_ENTRY(type, off)					\
	((~(enc_val_t)(off) << 14 >> 5) | ((enc_val_t)(type) << 59))
#define ENC_SWP_TYPE(v)		((enc_val_t)(v) >> 59)
#define ENC_SWP_OFFSET(v)	(~(enc_val_t)(v) << 5 >> 14)

/*
 * Field lists: F(first bit, width, kind, name, description). Kinds: HW, SW,
 * UFFD (uffd-wp), FREE, RSVD (don't use), ZERO/ONE (fixed), TYPE, OFFSET,
 * FLAG. Listed from bit 63 down; each list covers all 64 bits once.
 */
#define ENC_PRESENT_FIELDS(F)						\
	F(63, 1, HW, "NX", "no-execute")				\
	F(59, 4, HW, "PKEY", "protection key (CR4.PKE)")		\
	F(58, 1, SW, "SAVED_DIRTY", "SOFTW5: dirty of a read-only pte (shadow stacks)") \
	F(57, 1, SW, "DEVMAP", "SOFTW4: ZONE_DEVICE mapping")		\
	F(52, 5, FREE, "-", "ignored by the MMU, unused by Linux")	\
	F(12, 40, HW, "PFN", "page frame (inverted when PROT_NONE, L1TF)") \
	F(11, 1, SW, "SOFT_DIRTY", "SOFTW3: soft-dirty")		\
	F(10, 1, UFFD, "UFFD_WP", "SOFTW2: uffd write-protected")	\
	F(9, 1, SW, "SPECIAL", "SOFTW1: no struct page")		\
	F(8, 1, HW, "G", "global; PROTNONE when P=0 (still pte_present)") \
	F(7, 1, HW, "PAT", "page attribute table")			\
	F(6, 1, HW, "D", "dirty")					\
	F(5, 1, HW, "A", "accessed")					\
	F(4, 1, HW, "PCD", "cache disable")				\
	F(3, 1, HW, "PWT", "write-through")				\
	F(2, 1, HW, "U", "user")					\
	F(1, 1, HW, "RW", "writable")					\
	F(0, 1, HW, "P", "present")

#define ENC_SWAP_FIELDS(F)						\
	F(59, 5, TYPE, "TYPE", "swap type")				\
	F(9, 50, OFFSET, "OFFSET", "swap offset, stored inverted (~offset)") \
	F(8, 1, ZERO, "PROTNONE", "0, else pte_present()")		\
	F(7, 1, ZERO, "PSE", "0: a swap pmd with PSE is pmd_present()") \
	F(5, 2, RSVD, "A/D", "Knights Landing erratum may set these")	\
	F(4, 1, FREE, "-", "unused (PCD)")				\
	F(3, 1, FLAG, "EXCL", "PG_anon_exclusive (PWT)")		\
	F(2, 1, UFFD, "UFFD_WP", "uffd write-protected (U)")		\
	F(1, 1, FLAG, "SOFT_DIRTY", "soft-dirty (RW)")			\
	F(0, 1, ZERO, "P", "0: not present")

#endif /* ENC_X86_64_H */
