/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Broken on purpose: the swap uffd-wp bit is the lowest swap-type bit, so
 * write-protecting a swapped-out page changes which swap device it is on.
 * Included after any arch encoding; tests/host/run.sh expects it to fail.
 *
 * expect: uffd-wp swap bit overlaps the swap type
 */
#undef ENC_SWP_UFFD_WP
#define ENC_SWP_UFFD_WP	(ENC_SWP_TYPE_MASK & -ENC_SWP_TYPE_MASK)
