/* SPDX-License-Identifier: GPL-2.0 */
/*
 * riscv64 PTE encoding: Linux 6.12 (Sv39/48/57, 4K pages) plus the ptemark
 * uffd-wp port (arch-riscv/patches/6.12, reasoning in UFFD-WP.md), which is
 * also upstream's from 6.19 (7.3 here). 6.12 has no soft-dirty on riscv;
 * 7.3 has it on the same CPUs (ENC_KERNEL_BASE >= 703, below).
 *
 * uffd-wp: bit 60 in a present PTE (and huge PMD), a software bit only on
 * CPUs with Svrsw60t59b; the kernel refuses uffd-wp at run time on others.
 * Bit 4 (_PAGE_USER, meaningless there) in a swap PTE. RSW 8-9 are SPECIAL
 * and DEVMAP; bit 59 stays free.
 *
 * The one description of this layout: the host tests, tools/layout.c and the
 * in-kernel KUnit test all compile this text. It is freestanding on purpose
 * (no includes): keep it that way.
 *
 * Sources: arch/riscv/include/asm/pgtable.h, pgtable-bits.h, pgtable-64.h.
 */
#ifndef ENC_RISCV64_H
#define ENC_RISCV64_H

#ifdef ENC_ARCH
#error "only one arch encoding per translation unit"
#endif

#define ENC_ARCH		"riscv64"

typedef unsigned long long enc_val_t;

/* No casts here: these are also evaluated by #if. */
#define ENC_BIT(n)		(1ULL << (n))
#define ENC_GENMASK(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))

#define ENC_PAGE_PRESENT	ENC_BIT(0)
#define ENC_PAGE_PROT_NONE	ENC_BIT(5)	/* _PAGE_GLOBAL, read when !V */

/*
 * Bits the MMU ignores: RSW (8-9) always, 59-60 with Svrsw60t59b, which
 * uffd-wp requires.
 */
#define ENC_PTE_SW_MASK		(ENC_GENMASK(9, 8) | ENC_GENMASK(60, 59))

#define ENC_HAS_UFFD_WP		1
#define ENC_PTE_UFFD_WP		ENC_BIT(60)	/* _PAGE_UFFD_WP */
#define ENC_PMD_UFFD_WP		ENC_BIT(60)	/* PMDs use the PTE format */
#define ENC_SWP_UFFD_WP		ENC_BIT(4)	/* _PAGE_SWP_UFFD_WP */
#define ENC_PMD_SWP_UFFD_WP	ENC_BIT(4)

#define ENC_PTE_NONE		0ULL
#define ENC_PTE_NONE_P(v)	((v) == 0)
#define ENC_PTE_PRESENT_P(v)	(((v) & (ENC_PAGE_PRESENT | ENC_PAGE_PROT_NONE)) != 0)

/*
 * Swap PTE: bit 0 and R/W/X (1-3) zero, 5 (PROT_NONE) zero, 6 exclusive,
 * 7-11 type, 12-63 offset.
 */
#define ENC_SWP_TYPE_BITS	5
#define ENC_SWP_OFFSET_BITS	52
#define ENC_SWP_TYPE_MASK	ENC_GENMASK(11, 7)
#define ENC_SWP_OFFSET_MASK	ENC_GENMASK(63, 12)
#define ENC_SWP_EXCLUSIVE	ENC_BIT(6)	/* _PAGE_ACCESSED */
/*
 * Soft-dirty, from 7.3 (ENC_KERNEL_BASE: major * 100 + minor of the kernel
 * base; scripts/kernel.sh defines it, the host tests build each base):
 * bit 59 of a present PTE, bit 3 (X, meaningless there) of a swap PTE.
 */
#if defined(ENC_KERNEL_BASE) && ENC_KERNEL_BASE >= 703
#define ENC_SWP_SOFT_DIRTY	ENC_BIT(3)
#define ENC_RISCV_P59(F)	F(59, 1, SW, "SOFT_DIRTY", "soft-dirty (Svrsw60t59b software bit)")
#define ENC_RISCV_S3(F)							\
	F(3, 1, FLAG, "SOFT_DIRTY", "soft-dirty (X has no meaning here)") \
	F(1, 2, ZERO, "R/W", "0: not a leaf")
#else
#define ENC_SWP_SOFT_DIRTY	0ULL
#define ENC_RISCV_P59(F)	F(59, 1, FREE, "-", "Svrsw60t59b software bit, unused")
#define ENC_RISCV_S3(F)		F(1, 3, ZERO, "R/W/X", "0: not a leaf")
#endif

#define ENC_SWP_ENTRY(type, off)					\
	((((enc_val_t)(type) & 0x1f) << 7) | ((enc_val_t)(off) << 12))
#define ENC_SWP_TYPE(v)		(((enc_val_t)(v) >> 7) & 0x1f)
#define ENC_SWP_OFFSET(v)	((enc_val_t)(v) >> 12)

/*
 * Field lists: F(first bit, width, kind, name, description). Kinds: HW, SW,
 * UFFD (uffd-wp), FREE, RSVD (don't use), ZERO/ONE (fixed), TYPE, OFFSET,
 * FLAG. Listed from bit 63 down; each list covers all 64 bits once.
 */
#define ENC_PRESENT_FIELDS(F)						\
	F(63, 1, HW, "N", "Svnapot: NAPOT range")			\
	F(61, 2, HW, "PBMT", "Svpbmt: memory type")			\
	F(60, 1, UFFD, "UFFD_WP", "uffd-wp (Svrsw60t59b software bit)") \
	ENC_RISCV_P59(F)						\
	F(54, 5, RSVD, "RSVD", "must be 0")				\
	F(10, 44, HW, "PPN", "physical page number")			\
	F(9, 1, SW, "DEVMAP", "RSW: ZONE_DEVICE mapping")		\
	F(8, 1, SW, "SPECIAL", "RSW: no struct page")			\
	F(7, 1, HW, "D", "dirty")					\
	F(6, 1, HW, "A", "accessed")					\
	F(5, 1, HW, "G", "global; PROT_NONE when V=0 (still pte_present)") \
	F(4, 1, HW, "U", "user")					\
	F(3, 1, HW, "X", "executable")					\
	F(2, 1, HW, "W", "writable")					\
	F(1, 1, HW, "R", "readable")					\
	F(0, 1, HW, "V", "valid")

#define ENC_SWAP_FIELDS(F)						\
	F(12, 52, OFFSET, "OFFSET", "swap offset")			\
	F(7, 5, TYPE, "TYPE", "swap type")				\
	F(6, 1, FLAG, "EXCL", "PG_anon_exclusive (A)")			\
	F(5, 1, ZERO, "PROTNONE", "0 (_PAGE_PROT_NONE), else present") \
	F(4, 1, UFFD, "UFFD_WP", "uffd-wp (U has no meaning here)")	\
	ENC_RISCV_S3(F)							\
	F(0, 1, ZERO, "V", "0: not valid")

#endif /* ENC_RISCV64_H */
