/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-layer form of the s390-marker-clears-to-zero mutant, for
 * scripts/mutants.sh: included after arch-s390/encoding.h, the empty PTE
 * that dropping the last marker gives is a literal 0, as in the kernel
 * patch. The generic contract must refuse it at compile time.
 * Applies where s390-marker-clears-to-zero.patch does (its Arches: line).
 */
#undef ENC_PTE_NONE
#define ENC_PTE_NONE	0ULL
