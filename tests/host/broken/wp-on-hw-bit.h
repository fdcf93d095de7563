/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Broken on purpose: the present uffd-wp bit is the lowest bit the MMU
 * reads, so marking a page write-protected changes how it is mapped.
 * Included after any arch encoding; tests/host/run.sh expects it to fail.
 *
 * expect: present uffd-wp bit is not a software bit
 */
#undef ENC_PTE_UFFD_WP
#define ENC_PTE_UFFD_WP	(~ENC_PTE_SW_MASK & -~ENC_PTE_SW_MASK)
