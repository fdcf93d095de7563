/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 PTE encoding, as Linux 6.12 defines it for 4K pages and 48-bit
 * VA/PA, with CONFIG_HAVE_ARCH_USERFAULTFD_WP=y. arm64 has no soft-dirty.
 *
 * The one description of this layout: the host tests, tools/layout.c and the
 * in-kernel KUnit test all compile this text. It is freestanding on purpose
 * (no includes): keep it that way.
 *
 * Sources: arch/arm64/include/asm/pgtable.h, pgtable-prot.h,
 * pgtable-hwdef.h.
 */
#ifndef ENC_ARM64_H
#define ENC_ARM64_H

#ifdef ENC_ARCH
#error "only one arch encoding per translation unit"
#endif

#define ENC_ARCH		"arm64"

typedef unsigned long long enc_val_t;

/* No casts here: these are also evaluated by #if. */
#define ENC_BIT(n)		(1ULL << (n))
#define ENC_GENMASK(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#define ENC_PTE_VALID		ENC_BIT(0)
/* PROT_NONE: valid clear, nG set; pte_present() is still true */
#define ENC_PTE_PRESENT_INVALID	ENC_BIT(11)

/* PTE_SWBITS_MASK: bits 55-58 and 63 are reserved for software */
#define ENC_PTE_SW_MASK		(ENC_BIT(63) | ENC_GENMASK(58, 55))

#define ENC_HAS_UFFD_WP		1
#define ENC_PTE_UFFD_WP		ENC_BIT(58)
#define ENC_PMD_UFFD_WP		ENC_BIT(58)	/* pmd helpers reuse the pte ones */
#define ENC_SWP_UFFD_WP		ENC_BIT(3)
#define ENC_PMD_SWP_UFFD_WP	ENC_BIT(3)

#define ENC_PTE_NONE		0ULL
#define ENC_PTE_NONE_P(v)	((v) == 0)
/* pte_valid() || pte_present_invalid(), which reduces to either bit set */
#define ENC_PTE_PRESENT_P(v)						\
	(((v) & ENC_PTE_VALID) != 0 ||					\
	 ((v) & (ENC_PTE_VALID | ENC_PTE_PRESENT_INVALID)) == ENC_PTE_PRESENT_INVALID)

/*
 * Swap PTE: bits 0-1 zero, 2 exclusive, 3 uffd-wp, 6-10 type, 11 zero
 * (PTE_PRESENT_INVALID), 12-61 offset. Bits 4-5 and 62-63 are free.
 */
#define ENC_SWP_TYPE_BITS	5
#define ENC_SWP_OFFSET_BITS	50
#define ENC_SWP_TYPE_MASK	ENC_GENMASK(10, 6)
#define ENC_SWP_OFFSET_MASK	ENC_GENMASK(61, 12)
#define ENC_SWP_EXCLUSIVE	ENC_BIT(2)
#define ENC_SWP_SOFT_DIRTY	0ULL

#define ENC_SWP_ENTRY(type, off)					\
	(((enc_val_t)(type) << 6) | ((enc_val_t)(off) << 12))
#define ENC_SWP_TYPE(v)		(((enc_val_t)(v) >> 6) & 0x1f)
#define ENC_SWP_OFFSET(v)	(((enc_val_t)(v) >> 12) & ((1ULL << 50) - 1))

/*
 * Field lists: F(first bit, width, kind, name, description). Kinds: HW, SW,
 * UFFD (uffd-wp), FREE, RSVD (don't use), ZERO/ONE (fixed), TYPE, OFFSET,
 * FLAG. Listed from bit 63 down; each list covers all 64 bits once.
 */
#define ENC_PRESENT_FIELDS(F)						\
	F(63, 1, FREE, "-", "reserved for software, unused")		\
	F(59, 4, HW, "PBHA/PO", "hw attributes; 60-62 POIndex with POE") \
	F(58, 1, UFFD, "UFFD_WP", "uffd write-protected")		\
	F(57, 1, SW, "DEVMAP", "ZONE_DEVICE mapping")			\
	F(56, 1, SW, "SPECIAL", "no struct page")			\
	F(55, 1, SW, "DIRTY", "software dirty")				\
	F(54, 1, HW, "UXN", "user execute-never")			\
	F(53, 1, HW, "PXN", "privileged execute-never")			\
	F(52, 1, HW, "CONT", "contiguous hint")				\
	F(51, 1, HW, "DBM", "dirty bit modifier (PTE_WRITE)")		\
	F(50, 1, HW, "GP", "BTI guarded page")				\
	F(48, 2, RSVD, "RES0", "output address bits with 52-bit PA")	\
	F(12, 36, HW, "OA", "output address")				\
	F(11, 1, HW, "nG", "not global; PRESENT_INVALID when !VALID")	\
	F(10, 1, HW, "AF", "access flag")				\
	F(8, 2, HW, "SH", "shareability")				\
	F(7, 1, HW, "RDONLY", "AP[2]")					\
	F(6, 1, HW, "USER", "AP[1]")					\
	F(5, 1, HW, "NS", "non-secure")					\
	F(2, 3, HW, "ATTRIDX", "memory attribute index")		\
	F(1, 1, HW, "TABLE", "1 for a page descriptor")			\
	F(0, 1, HW, "VALID", "valid")

#define ENC_SWAP_FIELDS(F)						\
	F(62, 2, FREE, "-", "unused")					\
	F(12, 50, OFFSET, "OFFSET", "swap offset")			\
	F(11, 1, ZERO, "PRES_INV", "0, else pte_present()")		\
	F(6, 5, TYPE, "TYPE", "swap type")				\
	F(4, 2, FREE, "-", "unused")					\
	F(3, 1, UFFD, "UFFD_WP", "uffd write-protected")		\
	F(2, 1, FLAG, "EXCL", "PG_anon_exclusive")			\
	F(0, 2, ZERO, "VALID", "0: not valid, not a table")

#endif /* ENC_ARM64_H */
