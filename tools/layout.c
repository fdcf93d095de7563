// SPDX-License-Identifier: GPL-2.0
/*
 * Bit maps of one arch's PTEs: a present PTE, a swap PTE and a marker PTE,
 * from that arch's encoding.h (given with -include; this file names no
 * architecture).
 *
 *   layout name   the arch name
 *   layout text   the maps as text
 *   layout svg    the maps as an SVG page
 */
#define PM_FIELD_TABLES
#include "pte_marker_model.h"

#include <stdio.h>
#include <string.h>

#define NF(t)	((int)(sizeof(t) / sizeof((t)[0])))

#ifndef ENC_DOC_MSB0
#define ENC_DOC_MSB0	0
#endif

static const struct {
	char letter;
	const char *label;
	const char *color;
} kinds[] = {
	[ENC_K_HW]	= { 'h', "hardware", "#cfe2f3" },
	[ENC_K_SW]	= { 's', "software", "#d9ead3" },
	[ENC_K_UFFD]	= { 'W', "uffd-wp", "#e06666" },
	[ENC_K_FREE]	= { '.', "free", "#ffffff" },
	[ENC_K_RSVD]	= { 'r', "reserved", "#bdbdbd" },
	[ENC_K_ZERO]	= { '0', "fixed 0", "#eeeeee" },
	[ENC_K_ONE]	= { '1', "fixed 1", "#eeeeee" },
	[ENC_K_TYPE]	= { 't', "swap type", "#fce5cd" },
	[ENC_K_OFFSET]	= { 'o', "swap offset", "#fff2cc" },
	[ENC_K_FLAG]	= { 'f', "swap flag", "#d9d2e9" },
};

struct map {
	const char *title;
	const struct enc_field *f;
	int n;
	int marker;		/* show the marker's value and marker bits */
};

static const struct map maps[] = {
	{ "present PTE", enc_present_fields, NF(enc_present_fields), 0 },
	{ "swap PTE", enc_swap_fields, NF(enc_swap_fields), 0 },
	{ "marker PTE", enc_swap_fields, NF(enc_swap_fields), 1 },
};

static enc_val_t bit(int b)
{
	return 1ULL << b;
}

static const struct enc_field *field_at(const struct map *m, int b)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (b >= m->f[i].lsb && b < m->f[i].lsb + m->f[i].width)
			return &m->f[i];
	return NULL;
}

/* Which marker (if any) a PTE bit carries: the bits make() flips for it */
static enc_val_t marker_bits(pm_marker_t marker)
{
	return pm_make(marker) ^ pm_make(0);
}

/* "a bit at 0x400" -> 10; -1 if none or not a single bit */
static int bit_index(enc_val_t m)
{
	if (!m || (m & (m - 1)))
		return -1;
	return __builtin_ctzll(m);
}

static void bits_str(char *buf, size_t len, int lsb, int width)
{
	int msb = lsb + width - 1;

	if (width == 1)
		snprintf(buf, len, "%d", lsb);
	else
		snprintf(buf, len, "%d-%d", msb, lsb);
	if (ENC_DOC_MSB0) {
		size_t l = strlen(buf);

		if (width == 1)
			snprintf(buf + l, len - l, " (IBM %d)", 63 - lsb);
		else
			snprintf(buf + l, len - l, " (IBM %d-%d)", 63 - msb, 63 - lsb);
	}
}

static void text_ruler(void)
{
	int b;

	printf("  %-8s", "");
	for (b = 63; b >= 0; b--)
		printf("%d%s", b / 10, b % 8 || !b ? "" : " ");
	printf("\n  %-8s", "");
	for (b = 63; b >= 0; b--)
		printf("%d%s", b % 10, b % 8 || !b ? "" : " ");
	printf("\n");
}

static void text_row(const char *label, const struct map *m, int values)
{
	enc_val_t v = pm_make(PM_MARKER_MASK);
	enc_val_t wp = marker_bits(PM_MARKER_UFFD_WP);
	enc_val_t po = marker_bits(PM_MARKER_POISONED);
	int b;

	printf("  %-8s", label);
	for (b = 63; b >= 0; b--) {
		const struct enc_field *f = field_at(m, b);
		char c = f ? kinds[f->kind].letter : '?';

		if (values)
			c = v & bit(b) ? '1' : '0';
		else if (m->marker && (wp & bit(b)))
			c = 'U';
		else if (m->marker && (po & bit(b)))
			c = 'P';
		printf("%c%s", c, b % 8 || !b ? "" : " ");
	}
	printf("\n");
}

static void text_fields(const struct map *m)
{
	char bits[40];
	int i;

	for (i = 0; i < m->n; i++) {
		const struct enc_field *f = &m->f[i];

		bits_str(bits, sizeof(bits), f->lsb, f->width);
		printf("    %-17s %-11s %-11s %s%s\n", bits, f->name, kinds[f->kind].label,
		       f->desc, f->kind == ENC_K_UFFD ? "   <== uffd-wp" : "");
	}
}

static void free_bits(char *buf, size_t len, const struct map *m)
{
	size_t l = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < m->n && l < len; i++) {
		if (m->f[i].kind != ENC_K_FREE)
			continue;
		l += snprintf(buf + l, len - l, "%s", l ? ", " : "");
		if (l < len)
			bits_str(buf + l, len - l, m->f[i].lsb, m->f[i].width);
		l = strlen(buf);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void wp_summary(char *buf, size_t len)
{
	if (!ENC_HAS_UFFD_WP) {
		snprintf(buf, len, "uffd-wp: none in this encoding yet");
		return;
	}
	snprintf(buf, len, "uffd-wp: present bit %d (%#llx), swap bit %d (%#llx)",
		 bit_index(ENC_PTE_UFFD_WP), ENC_PTE_UFFD_WP,
		 bit_index(ENC_SWP_UFFD_WP), ENC_SWP_UFFD_WP);
}

static void marker_summary(char *buf, size_t len)
{
	snprintf(buf, len, "marker: swap type %d; make(UFFD_WP) = %#llx, "
		 "make(POISONED) = %#llx, both = %#llx; clearing the last gives %#llx",
		 PM_SWP_PTE_MARKER, pm_make(PM_MARKER_UFFD_WP), pm_make(PM_MARKER_POISONED),
		 pm_make(PM_MARKER_MASK), pm_clear(pm_make(PM_MARKER_UFFD_WP), PM_MARKER_UFFD_WP));
}

static int text(void)
{
	char buf[300];
	int i;

	printf("== %s ==\n", ENC_ARCH);
	wp_summary(buf, sizeof(buf));
	printf("%s; empty PTE %#llx\n", buf, ENC_PTE_NONE);
	printf("letters: h hardware, s software, W uffd-wp, . free, r reserved, "
	       "0/1 fixed,\n         t swap type, o swap offset, f swap flag, "
	       "U/P marker bit UFFD_WP/POISONED\n");
	for (i = 0; i < NF(maps); i++) {
		const struct map *m = &maps[i];

		printf("\n%s\n", m->title);
		text_ruler();
		text_row("bits", m, 0);
		if (m->marker) {
			text_row("value", m, 1);
			marker_summary(buf, sizeof(buf));
			printf("  %s\n", buf);
			continue;
		}
		text_fields(m);
		free_bits(buf, sizeof(buf), m);
		printf("  free: %s\n", buf);
	}
	printf("\n");
	return 0;
}

/* SVG: one row of 64 cells per map, bit 63 on the left. */
#define CELL	18
#define LEFT	120
#define TOP	70
#define ROW_H	100
#define ROW_GAP	60
#define BOX_H	80
#define WIDTH	(LEFT + 64 * CELL + 30)

static void xml(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
	}
}

static int cell_x(int b)
{
	return LEFT + (63 - b) * CELL;
}

static void svg_field(const struct map *m, const struct enc_field *f, int y)
{
	int x = cell_x(f->lsb + f->width - 1), w = f->width * CELL;
	int len = (int)strlen(f->name), b;
	char bits[40];

	bits_str(bits, sizeof(bits), f->lsb, f->width);
	printf("<g><title>bits %s: %s (%s) - ", bits, f->name, kinds[f->kind].label);
	xml(f->desc);
	printf("</title>\n<rect x='%d' y='%d' width='%d' height='%d' fill='%s'%s/>\n",
	       x, y, w, BOX_H, kinds[f->kind].color,
	       f->kind == ENC_K_FREE ? " style='fill:url(#free)'" : "");
	for (b = 1; b < f->width; b++)
		printf("<line x1='%d' y1='%d' x2='%d' y2='%d' class='tick'/>\n",
		       x + b * CELL, y + BOX_H - 6, x + b * CELL, y + BOX_H);
	/* horizontal if it fits (about 6.6 px a character), else vertical */
	if (len * 7 + 4 <= w) {
		printf("<text x='%d' y='%d' class='name' text-anchor='middle'>",
		       x + w / 2, y + (m->marker ? BOX_H / 2 - 4 : BOX_H / 2 + 4));
		xml(f->name);
		printf("</text>\n");
	} else {
		/* in a marker row, the bottom of the box holds the values */
		printf("<text transform='translate(%d,%d) rotate(-90)' class='vname' "
		       "text-anchor='middle'>", x + w / 2 + 4,
		       y + (m->marker ? (BOX_H - 22) / 2 : BOX_H / 2));
		xml(f->name);
		printf("</text>\n");
	}
	printf("<rect x='%d' y='%d' width='%d' height='%d' class='%s'/></g>\n",
	       x, y, w, BOX_H, f->kind == ENC_K_UFFD ? "wp" : "box");
}

static void svg_row(const struct map *m, int y)
{
	enc_val_t v = pm_make(PM_MARKER_MASK);
	enc_val_t wp = marker_bits(PM_MARKER_UFFD_WP);
	enc_val_t po = marker_bits(PM_MARKER_POISONED);
	int i, b;

	printf("<text x='10' y='%d' class='row'>", y + BOX_H / 2 + 5);
	xml(m->title);
	printf("</text>\n");
	for (b = 63; b >= 0; b--)
		printf("<text x='%d' y='%d' class='bitno' text-anchor='middle'>%d</text>\n",
		       cell_x(b) + CELL / 2, y - 4, b);
	if (ENC_DOC_MSB0)
		for (b = 63; b >= 0; b--)
			printf("<text x='%d' y='%d' class='ibm' text-anchor='middle'>%d</text>\n",
			       cell_x(b) + CELL / 2, y - 15, 63 - b);
	for (i = 0; i < m->n; i++)
		svg_field(m, &m->f[i], y);
	if (!m->marker)
		return;
	for (b = 63; b >= 0; b--) {
		const char *cls = (wp & bit(b)) ? "mwp" : (po & bit(b)) ? "mpo" : NULL;

		if (cls)
			printf("<rect x='%d' y='%d' width='%d' height='%d' class='%s'/>\n",
			       cell_x(b) + 2, y + BOX_H - 24, CELL - 4, 20, cls);
		printf("<text x='%d' y='%d' class='val' text-anchor='middle'>%d</text>\n",
		       cell_x(b) + CELL / 2, y + BOX_H - 9, !!(v & bit(b)));
	}
}

static int svg(void)
{
	int rows = NF(maps), height = TOP + rows * (ROW_H + ROW_GAP) + 70;
	char buf[300];
	int i, y;

	printf("<?xml version='1.0' encoding='UTF-8'?>\n");
	printf("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
	       "viewBox='0 0 %d %d' font-family='DejaVu Sans, Helvetica, Arial, sans-serif'>\n",
	       WIDTH, height, WIDTH, height);
	printf("<defs><pattern id='free' width='6' height='6' patternUnits='userSpaceOnUse' "
	       "patternTransform='rotate(45)'><rect width='6' height='6' fill='#fff'/>"
	       "<line x1='0' y1='0' x2='0' y2='6' stroke='#9fc5e8' stroke-width='2'/>"
	       "</pattern></defs>\n");
	printf("<style>"
	       ".box{fill:none;stroke:#444;stroke-width:1}"
	       ".wp{fill:none;stroke:#c00;stroke-width:3}"
	       ".tick{stroke:#888;stroke-width:1}"
	       ".name{font-size:12px}.vname{font-size:9.5px}"
	       ".bitno{font-size:9px;fill:#555}.ibm{font-size:8px;fill:#a61c00}"
	       ".row{font-size:14px;font-weight:bold}.title{font-size:20px;font-weight:bold}"
	       ".note{font-size:12px}.val{font-size:11px;font-family:monospace}"
	       ".mwp{fill:#ea9999;stroke:#c00}.mpo{fill:#b4a7d6;stroke:#351c75}"
	       "</style>\n");
	printf("<rect width='100%%' height='100%%' fill='white'/>\n");
	printf("<text x='10' y='28' class='title'>");
	xml(ENC_ARCH);
	printf(": PTE bit maps (Linux 6.12%s)</text>\n",
	       ENC_HAS_UFFD_WP ? "" : ", no uffd-wp yet");
	wp_summary(buf, sizeof(buf));
	printf("<text x='10' y='48' class='note'>");
	xml(buf);
	printf("; empty PTE %#llx%s</text>\n", ENC_PTE_NONE,
	       ENC_DOC_MSB0 ? "; red numbers: the arch's own (IBM) bit numbering" : "");

	for (i = 0, y = TOP + 24; i < rows; i++, y += ROW_H + ROW_GAP) {
		const struct map *m = &maps[i];

		svg_row(m, y);
		if (m->marker)
			marker_summary(buf, sizeof(buf));
		else {
			char fb[200];

			free_bits(fb, sizeof(fb), m);
			snprintf(buf, sizeof(buf), "free bits: %s", fb);
		}
		printf("<text x='%d' y='%d' class='note'>", LEFT, y + BOX_H + 18);
		xml(buf);
		printf("</text>\n");
	}

	/* legend */
	y = TOP + rows * (ROW_H + ROW_GAP) + 20;
	for (i = 0; i < NF(kinds); i++) {
		int x = 10 + i * 118;

		printf("<rect x='%d' y='%d' width='16' height='16' fill='%s'%s/>", x, y,
		       kinds[i].color, i == ENC_K_FREE ? " style='fill:url(#free)'" : "");
		printf("<rect x='%d' y='%d' width='16' height='16' class='%s'/>", x, y,
		       i == ENC_K_UFFD ? "wp" : "box");
		printf("<text x='%d' y='%d' class='note'>%s</text>\n", x + 22, y + 13,
		       kinds[i].label);
	}
	y += 30;
	printf("<rect x='10' y='%d' width='14' height='14' class='mwp'/>"
	       "<text x='30' y='%d' class='note'>marker bit PTE_MARKER_UFFD_WP</text>"
	       "<rect x='260' y='%d' width='14' height='14' class='mpo'/>"
	       "<text x='280' y='%d' class='note'>marker bit PTE_MARKER_POISONED "
	       "(0/1: the bits of a marker holding both)</text>\n", y, y + 12, y, y + 12);
	printf("</svg>\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "text";

	if (!strcmp(cmd, "name"))
		return puts(ENC_ARCH) < 0;
	if (!strcmp(cmd, "text"))
		return text();
	if (!strcmp(cmd, "svg"))
		return svg();
	fprintf(stderr, "usage: %s name|text|svg\n", argv[0]);
	return 2;
}
