// SPDX-License-Identifier: GPL-2.0
/*
 * Exhaustive host test of one arch encoding against the generic marker
 * contract. The encoding comes from the command line
 * (-include arch-<name>/encoding.h); this file names no architecture.
 *
 * Prints TAP: "ok N - <arch>: <property>". Exit status 1 if anything failed.
 */
#define PM_FIELD_TABLES
#include "pte_marker_model.h"

#include <stdarg.h>
#include <stdio.h>

#define N_TYPES		(1 << ENC_SWP_TYPE_BITS)
#define N_PRESENT	4096

/* Offsets are capped by the arch field and by the generic swp_entry_t. */
#define MAX_OFFSET							\
	((ENC_SWP_OFFSET_BITS >= 64 ? ~0ULL :				\
	  (1ULL << ENC_SWP_OFFSET_BITS) - 1) & PM_SWP_OFFSET_MASK)

static int tap_n, tap_failed;

/* One property at a time: count failures, keep the first few for the log. */
static int prop_fails;
static char prop_diag[3][200];

static void prop_begin(void)
{
	prop_fails = 0;
}

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	if (prop_fails < 3) {
		va_start(ap, fmt);
		vsnprintf(prop_diag[prop_fails], sizeof(prop_diag[0]), fmt, ap);
		va_end(ap);
	}
	prop_fails++;
}

#define CHECK(cond, ...)			\
	do {					\
		if (!(cond))			\
			fail(__VA_ARGS__);	\
	} while (0)

static void __attribute__((format(printf, 1, 2))) prop_end(const char *fmt, ...)
{
	char name[200];
	va_list ap;
	int i;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	tap_n++;
	printf("%sok %d - %s: %s\n", prop_fails ? "not " : "", tap_n, ENC_ARCH, name);
	for (i = 0; i < prop_fails && i < 3; i++)
		printf("#   %s\n", prop_diag[i]);
	if (prop_fails > 3)
		printf("#   ... %d failures in all\n", prop_fails);
	if (prop_fails)
		tap_failed++;
}

static void skip(const char *name, const char *why)
{
	tap_n++;
	printf("ok %d - %s: %s # SKIP %s\n", tap_n, ENC_ARCH, name, why);
}

/* splitmix64: a fixed seed, so every run and every arch sees the same values */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rng(void)
{
	unsigned long long z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static enc_val_t offsets[512];
static int n_offsets;

static void add_offset(enc_val_t off)
{
	int i;

	if (off > MAX_OFFSET || n_offsets == (int)(sizeof(offsets) / sizeof(offsets[0])))
		return;
	for (i = 0; i < n_offsets; i++)
		if (offsets[i] == off)
			return;
	offsets[n_offsets++] = off;
}

/*
 * Type 0 entries that no swap device can hand out: offset 0 is the swap
 * header, and a header's last_page is 32 bits wide. An encoding may map one
 * of them to the empty PTE (offset 0 when the offset is stored as is, the
 * maximum when it is stored inverted): harmless only because it never occurs.
 */
static int no_such_slot(int type, enc_val_t off)
{
	return type == 0 && (off == 0 || off >> 32);
}

/* 0-7, 2^k and its neighbours, bit patterns, the maximum, random ones */
static void make_offsets(void)
{
	int k;

	for (k = 0; k < 8; k++)
		add_offset(k);
	for (k = 3; k < 64; k++) {
		add_offset(1ULL << k);
		add_offset((1ULL << k) - 1);
		add_offset((1ULL << k) + 1);
	}
	add_offset(0x5555555555555555ULL & MAX_OFFSET);
	add_offset(0xaaaaaaaaaaaaaaaaULL & MAX_OFFSET);
	add_offset(MAX_OFFSET & ~PM_MARKER_MASK);
	add_offset(MAX_OFFSET - 1);
	add_offset(MAX_OFFSET);
	for (k = 0; k < 64; k++)
		add_offset(rng() & MAX_OFFSET);
	/* random values of random width, so short offsets get their share */
	for (k = 0; k < 64; k++) {
		/* two statements: the order of two calls in one is unspecified */
		enc_val_t r = rng() & MAX_OFFSET;

		add_offset(r & (~0ULL >> (rng() % 64)));
	}
}

static enc_val_t swp_flags[3];
static int n_swp_flags;

static enc_val_t flag_set(int subset)
{
	enc_val_t f = 0;
	int i;

	for (i = 0; i < n_swp_flags; i++)
		if (subset & (1 << i))
			f |= swp_flags[i];
	return f;
}

static const pm_marker_t markers[] = {
	PM_MARKER_UFFD_WP, PM_MARKER_POISONED, PM_MARKER_UFFD_WP | PM_MARKER_POISONED,
};
#define N_MARKERS	((int)(sizeof(markers) / sizeof(markers[0])))

static enc_val_t kind_mask(const struct enc_field *f, int n, enum enc_kind kind)
{
	enc_val_t m = 0;
	int i;

	for (i = 0; i < n; i++)
		if (f[i].kind == kind)
			m |= ((f[i].width == 64 ? ~0ULL : (1ULL << f[i].width) - 1)
			      << f[i].lsb);
	return m;
}

/* Every bit in exactly one field, and fields that fit in 64 bits. */
static void check_tiling(const struct enc_field *f, int n, const char *what)
{
	enc_val_t seen = 0, m;
	int i;

	for (i = 0; i < n; i++) {
		CHECK(f[i].width > 0 && f[i].lsb >= 0 && f[i].lsb + f[i].width <= 64,
		      "%s field %s: bits %d+%d out of range", what, f[i].name,
		      f[i].lsb, f[i].width);
		if (f[i].width <= 0 || f[i].lsb < 0 || f[i].lsb + f[i].width > 64)
			continue;
		m = (f[i].width == 64 ? ~0ULL : (1ULL << f[i].width) - 1) << f[i].lsb;
		CHECK(!(seen & m), "%s field %s overlaps another field", what, f[i].name);
		seen |= m;
	}
	CHECK(seen == ~0ULL, "%s fields leave bits %#llx undescribed", what, ~seen);
}

static void test_present_map(void)
{
	const struct enc_field *f = enc_present_fields;
	int n = ENC_N_PRESENT_FIELDS;
	enc_val_t sw;

	prop_begin();
	check_tiling(f, n, "present");
	CHECK(kind_mask(f, n, ENC_K_UFFD) == ENC_PTE_UFFD_WP,
	      "map has uffd-wp at %#llx, ENC_PTE_UFFD_WP is %#llx",
	      kind_mask(f, n, ENC_K_UFFD), ENC_PTE_UFFD_WP);
	sw = kind_mask(f, n, ENC_K_SW) | kind_mask(f, n, ENC_K_UFFD) |
	     kind_mask(f, n, ENC_K_FREE);
	CHECK(sw == ENC_PTE_SW_MASK, "map's software+free bits %#llx, ENC_PTE_SW_MASK %#llx",
	      sw, ENC_PTE_SW_MASK);
	prop_end("present bit map covers bits 0-63 once and matches the masks");
}

static void test_swap_map(void)
{
	const struct enc_field *f = enc_swap_fields;
	int n = ENC_N_SWAP_FIELDS;

	prop_begin();
	check_tiling(f, n, "swap");
	CHECK(kind_mask(f, n, ENC_K_TYPE) == ENC_SWP_TYPE_MASK,
	      "map type %#llx, mask %#llx", kind_mask(f, n, ENC_K_TYPE), ENC_SWP_TYPE_MASK);
	CHECK(kind_mask(f, n, ENC_K_OFFSET) == ENC_SWP_OFFSET_MASK,
	      "map offset %#llx, mask %#llx", kind_mask(f, n, ENC_K_OFFSET),
	      ENC_SWP_OFFSET_MASK);
	CHECK(kind_mask(f, n, ENC_K_FLAG) == (ENC_SWP_EXCLUSIVE | ENC_SWP_SOFT_DIRTY),
	      "map flags %#llx, exclusive|soft-dirty %#llx", kind_mask(f, n, ENC_K_FLAG),
	      ENC_SWP_EXCLUSIVE | ENC_SWP_SOFT_DIRTY);
	CHECK(kind_mask(f, n, ENC_K_UFFD) == ENC_SWP_UFFD_WP,
	      "map uffd-wp %#llx, ENC_SWP_UFFD_WP %#llx", kind_mask(f, n, ENC_K_UFFD),
	      ENC_SWP_UFFD_WP);
	prop_end("swap bit map covers bits 0-63 once and matches the masks");
}

static void test_empty(void)
{
	prop_begin();
	CHECK(enc_pte_none(ENC_PTE_NONE), "ENC_PTE_NONE %#llx is not pte_none", ENC_PTE_NONE);
	CHECK(!enc_pte_present(ENC_PTE_NONE), "ENC_PTE_NONE is present");
	CHECK(!enc_is_swap_pte(ENC_PTE_NONE), "ENC_PTE_NONE is a swap pte");
	CHECK(!pm_is_marker(ENC_PTE_NONE), "ENC_PTE_NONE is a marker");
	CHECK(pm_none_mostly(ENC_PTE_NONE), "ENC_PTE_NONE is not none_mostly");
	prop_end("empty PTE %#llx is none, not present, not swap", ENC_PTE_NONE);
}

/* Failures of one property over many entries: a count and the first one */
struct tally {
	long fails;
	char diag[200];
};

static void __attribute__((format(printf, 2, 3)))
tally(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	if (t->fails++)
		return;
	va_start(ap, fmt);
	vsnprintf(t->diag, sizeof(t->diag), fmt, ap);
	va_end(ap);
}

static struct tally t_trip, t_kind, t_fixed, t_marker;
static long n_entries, n_alias, bad_alias;
static enc_val_t alias_off, fixed0, fixed1;

static void check_entry(int t, enc_val_t off, enc_val_t fl)
{
	enc_val_t v = enc_swp_entry(t, off) | fl;
	int i;

	n_entries++;
	if (pm_swp_type(v) != (enc_val_t)t || pm_swp_offset(v) != off ||
	    enc_swp_type(v) != (enc_val_t)t || enc_swp_offset(v) != off ||
	    (v & PM_SWP_FLAGS) != fl || ENC_SWP_ENTRY(t, off) != (v & ~fl))
		tally(&t_trip, "type %d offset %#llx flags %#llx -> %#llx -> type %llu/%llu "
		      "offset %#llx/%#llx (raw/flags cleared)", t, off, fl, v,
		      enc_swp_type(v), pm_swp_type(v), enc_swp_offset(v), pm_swp_offset(v));
	if (enc_pte_none(v)) {
		if (!no_such_slot(t, off))
			bad_alias++;
		else if (!n_alias++)
			alias_off = off;
		return;
	}
	if (!enc_is_swap_pte(v) || enc_pte_present(v))
		tally(&t_kind, "type %d offset %#llx flags %#llx -> %#llx is present",
		      t, off, fl, v);
	if ((v & fixed0) || (v & fixed1) != fixed1)
		tally(&t_fixed, "type %d offset %#llx flags %#llx -> %#llx: fixed 0 %#llx, 1 %#llx",
		      t, off, fl, v, fixed0, fixed1);
	if (t == PM_SWP_PTE_MARKER)
		return;
	for (i = 0; i < N_MARKERS; i++)
		if (v == pm_make(markers[i]) || pm_is_marker(v) || pm_none_mostly(v))
			break;
	if (i < N_MARKERS)
		tally(&t_marker, "type %d offset %#llx flags %#llx -> %#llx looks like a marker",
		      t, off, fl, v);
}

static void tally_end(const struct tally *t)
{
	prop_begin();
	if (t->fails)
		fail("%ld of %ld: %s", t->fails, n_entries, t->diag);
}

/* The big loop: every type x every offset x every flag set. */
static void test_swap_entries(void)
{
	int t, o, s;

	fixed0 = kind_mask(enc_swap_fields, ENC_N_SWAP_FIELDS, ENC_K_ZERO) |
		 kind_mask(enc_swap_fields, ENC_N_SWAP_FIELDS, ENC_K_FREE);
	fixed1 = kind_mask(enc_swap_fields, ENC_N_SWAP_FIELDS, ENC_K_ONE);
	for (t = 0; t < N_TYPES; t++)
		for (o = 0; o < n_offsets; o++)
			for (s = 0; s < (1 << n_swp_flags); s++)
				check_entry(t, offsets[o], flag_set(s));

	tally_end(&t_trip);
	prop_end("swap round trip: %d types x %d offsets (max %#llx) x %d flag sets = %ld entries",
		 N_TYPES, n_offsets, MAX_OFFSET, 1 << n_swp_flags, n_entries);
	tally_end(&t_kind);
	prop_end("every swap entry is a swap pte, except ones that alias the empty PTE");
	prop_begin();
	if (bad_alias)
		fail("%ld entries of a usable slot encode to the empty PTE", bad_alias);
	if (n_alias > 1)
		fail("%ld different entries encode to the empty PTE", n_alias);
	if (n_alias)
		prop_end("only type 0 offset %#llx aliases the empty PTE: no swap device "
			 "has that slot", alias_off);
	else
		prop_end("no swap entry aliases the empty PTE");
	tally_end(&t_fixed);
	prop_end("swap entries keep fixed bits fixed and free bits clear");
	tally_end(&t_marker);
	prop_end("no real swap entry (types 0-%d, all offsets and flags) is a marker",
		 PM_SWP_PTE_MARKER - 1);
}

/* Each swap flag sets and clears its own bit and nothing else. */
static void test_swap_flag(const char *name, enc_val_t flag)
{
	int t, o, s;

	if (!flag) {
		char what[80];

		snprintf(what, sizeof(what), "swap %s bit", name);
		skip(what, "encoding has none");
		return;
	}
	prop_begin();
	for (t = 0; t < N_TYPES; t++) {
		for (o = 0; o < n_offsets; o++) {
			for (s = 0; s < (1 << n_swp_flags); s++) {
				enc_val_t v = enc_swp_entry(t, offsets[o]) | (flag_set(s) & ~flag);
				enc_val_t w = v | flag;

				CHECK((v ^ w) == flag, "%s on %#llx gives %#llx", name, v, w);
				CHECK(pm_swp_type(w) == (enc_val_t)t &&
				      pm_swp_offset(w) == offsets[o],
				      "%s on %#llx changes type/offset", name, v);
				CHECK(enc_is_swap_pte(w), "%s on %#llx: not a swap pte", name, v);
				CHECK((w & ~flag) == v, "clearing %s from %#llx", name, w);
			}
		}
	}
	prop_end("swap %s bit %#llx sets and clears only itself", name, flag);
}

static void test_markers(void)
{
	int i;

	prop_begin();
	for (i = 0; i < N_MARKERS; i++) {
		enc_val_t v = pm_make(markers[i]);

		CHECK(pm_is_marker(v), "make(%#llx) = %#llx is not a marker", markers[i], v);
		CHECK(pm_get(v) == markers[i], "get(make(%#llx)) = %#llx", markers[i], pm_get(v));
		CHECK(pm_test(v, PM_MARKER_UFFD_WP) == !!(markers[i] & PM_MARKER_UFFD_WP) &&
		      pm_test(v, PM_MARKER_POISONED) == !!(markers[i] & PM_MARKER_POISONED),
		      "test() on make(%#llx)", markers[i]);
		CHECK(pm_swp_type(v) == PM_SWP_PTE_MARKER, "make(%#llx) has type %llu",
		      markers[i], pm_swp_type(v));
		CHECK(pm_none_mostly(v), "make(%#llx) is not none_mostly", markers[i]);
		CHECK(v == PM_MAKE(markers[i]), "PM_MAKE and pm_make disagree");
	}
	prop_end("markers: make/get/test round trip for every combination");

	prop_begin();
	for (i = 0; i < N_MARKERS; i++) {
		enc_val_t v = pm_make(markers[i]);

		CHECK(!enc_pte_none(v), "make(%#llx) = %#llx is pte_none", markers[i], v);
		CHECK(!enc_pte_present(v), "make(%#llx) = %#llx is present", markers[i], v);
		CHECK(v != ENC_PTE_NONE, "make(%#llx) is the empty PTE", markers[i]);
	}
	prop_end("markers are neither none nor present");
}

static void test_clear(void)
{
	enc_val_t both = pm_make(PM_MARKER_UFFD_WP | PM_MARKER_POISONED);
	enc_val_t other[4];
	int i, j;

	prop_begin();
	for (i = 0; i < N_MARKERS; i++) {
		enc_val_t v = pm_clear(pm_make(markers[i]), markers[i]);

		CHECK(v == ENC_PTE_NONE, "clear(make(%#llx)) = %#llx, empty PTE is %#llx",
		      markers[i], v, ENC_PTE_NONE);
		CHECK(enc_pte_none(v), "clear(make(%#llx)) = %#llx is not pte_none", markers[i], v);
		CHECK(!enc_is_swap_pte(v), "clear(make(%#llx)) = %#llx is a swap pte (type %llu)",
		      markers[i], v, enc_swp_type(v));
	}
	CHECK(pm_clear(both, PM_MARKER_MASK) == ENC_PTE_NONE, "clearing both at once");
	prop_end("clearing the last marker gives the empty PTE");

	prop_begin();
	CHECK(pm_clear(both, PM_MARKER_UFFD_WP) == pm_make(PM_MARKER_POISONED),
	      "clear uffd-wp of both = %#llx", pm_clear(both, PM_MARKER_UFFD_WP));
	CHECK(pm_clear(both, PM_MARKER_POISONED) == pm_make(PM_MARKER_UFFD_WP),
	      "clear poisoned of both = %#llx", pm_clear(both, PM_MARKER_POISONED));
	CHECK(pm_clear(pm_make(PM_MARKER_UFFD_WP), PM_MARKER_POISONED) ==
	      pm_make(PM_MARKER_UFFD_WP), "clearing an absent marker changed the PTE");
	/* not markers: an empty PTE, a swap entry, a present PTE */
	other[0] = ENC_PTE_NONE;
	other[1] = enc_swp_entry(0, 1);
	other[2] = enc_swp_entry(PM_SWP_PTE_MARKER - 1, PM_MARKER_MASK);
	other[3] = 0;
	for (i = 0; i < 1000 && !enc_pte_present(other[3]); i++)
		other[3] = rng();
	for (i = 0; i < 4; i++)
		for (j = 0; j < N_MARKERS; j++)
			CHECK(pm_clear(other[i], markers[j]) == other[i],
			      "clear(%#llx) on non-marker %#llx changed it", markers[j], other[i]);
	prop_end("clearing one marker keeps the other; non-markers untouched");
}

static void test_present(void)
{
	int i, j, n = 0;

	prop_begin();
	for (i = 0; n < N_PRESENT && i < 64 * N_PRESENT; i++) {
		enc_val_t v = rng();

		if (!enc_pte_present(v))
			continue;
		n++;
		CHECK(!pm_is_marker(v) && !enc_is_swap_pte(v) && !enc_pte_none(v),
		      "present %#llx classified as marker/swap/none", v);
		for (j = 0; j < N_MARKERS; j++)
			CHECK(v != pm_make(markers[j]), "present %#llx equals a marker", v);
	}
	CHECK(n == N_PRESENT, "only %d random present PTEs", n);
	prop_end("%d random present PTEs are not markers", n);

	if (!ENC_PTE_UFFD_WP) {
		skip("present uffd-wp bit", "encoding has none");
		return;
	}
	prop_begin();
	CHECK((ENC_PTE_UFFD_WP & ~ENC_PTE_SW_MASK) == 0,
	      "uffd-wp %#llx outside the software bits %#llx", ENC_PTE_UFFD_WP, ENC_PTE_SW_MASK);
	for (i = 0, n = 0; n < N_PRESENT && i < 64 * N_PRESENT; i++) {
		enc_val_t v = rng() & ~ENC_PTE_UFFD_WP, w = v | ENC_PTE_UFFD_WP;

		if (!enc_pte_present(v))
			continue;
		n++;
		CHECK((v ^ w) == ENC_PTE_UFFD_WP && enc_pte_present(w),
		      "uffd-wp on present %#llx gives %#llx", v, w);
		CHECK((w & ~ENC_PTE_UFFD_WP) == v, "clearing uffd-wp from %#llx", w);
	}
	prop_end("present uffd-wp bit %#llx is a software bit; sets/clears only itself",
		 ENC_PTE_UFFD_WP);
}

int main(void)
{
	if (ENC_SWP_EXCLUSIVE)
		swp_flags[n_swp_flags++] = ENC_SWP_EXCLUSIVE;
	if (ENC_SWP_SOFT_DIRTY)
		swp_flags[n_swp_flags++] = ENC_SWP_SOFT_DIRTY;
	if (ENC_SWP_UFFD_WP)
		swp_flags[n_swp_flags++] = ENC_SWP_UFFD_WP;
	make_offsets();

	test_present_map();
	test_swap_map();
	test_empty();
	test_swap_entries();
	test_swap_flag("exclusive", ENC_SWP_EXCLUSIVE);
	test_swap_flag("soft-dirty", ENC_SWP_SOFT_DIRTY);
	test_swap_flag("uffd-wp", ENC_SWP_UFFD_WP);
	test_markers();
	test_clear();
	test_present();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
