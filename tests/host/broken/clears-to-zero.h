/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Broken on purpose: the empty PTE is taken to be a literal 0. Where
 * pte_none() wants bits set in an empty PTE, clearing the last marker
 * leaves a PTE that is not empty but a swap entry of type 0, offset 0.
 * Included after any arch encoding; tests/host/run.sh expects it to fail.
 *
 * expect: ENC_PTE_NONE is not the empty PTE
 */
#if ENC_PTE_NONE == 0
#error "ptemark-noop: the empty PTE is 0 already"
#endif
#undef ENC_PTE_NONE
#define ENC_PTE_NONE	0ULL
