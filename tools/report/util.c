// SPDX-License-Identifier: GPL-2.0
/* report: allocation that never fails, files, line cleaning, numbers. */

#include "report.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

void *xzalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		die("out of memory");
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		die("out of memory");
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* At most @n bytes of valid UTF-8 @s, never ending inside a character. */
char *xstrndup_utf8(const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	if (s[len])
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	return xstrndup(s, len);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		die("out of memory");
	return s;
}

/* A whole file, NUL-terminated; NULL if it does not exist. */
char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 0, r;
	char *buf = NULL;

	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NULL;
		die("%s: %s", path, strerror(errno));
	}
	do {
		if (cap - n < 65536) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Copy one console line into @out as printable UTF-8, so that everything
 * later code sees can go into JSON and XML as it is.  A serial console ends
 * lines with CR LF, and a progress meter inside raw output rewrites its line
 * with bare CRs: drop CRs (and NULs) rather than split on them, so such a
 * line stays one "# |" diagnostic.  Colour escapes go; other control bytes
 * and invalid UTF-8 become '?'.
 */
void clean_line(char *out, const char *in_, size_t n)
{
	const unsigned char *in = (const unsigned char *)in_;
	size_t i = 0, o = 0, l;

	while (i < n) {
		unsigned char c = in[i];

		if (c == '\0' || c == '\r') {
			i++;
		} else if (c == 0x1b) {
			i++;
			if (i < n && in[i] == '[') {
				i++;
				while (i < n && in[i] >= 0x20 && in[i] < 0x40)
					i++;
				if (i < n && in[i] >= 0x40 && in[i] < 0x7f)
					i++;
			}
		} else if (c == '\t') {
			out[o++] = ' ';
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '?';
			i++;
		} else if (c < 0x80) {
			out[o++] = c;
			i++;
		} else if ((l = utf8_len(in + i, n - i))) {
			memcpy(out + o, in + i, l);
			o += l;
			i += l;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

void lines_init(struct lines *it, const char *buf, size_t len, bool raw)
{
	it->buf = buf;
	it->len = len;
	it->pos = 0;
	it->raw = raw;
	it->line = xrealloc(NULL, len + 1);
}

char *lines_next(struct lines *it)
{
	const char *nl;
	size_t end;

	if (it->pos >= it->len) {
		free(it->line);
		it->line = NULL;
		return NULL;
	}
	nl = memchr(it->buf + it->pos, '\n', it->len - it->pos);
	end = nl ? (size_t)(nl - it->buf) : it->len;
	if (it->raw) {
		memcpy(it->line, it->buf + it->pos, end - it->pos);
		it->line[end - it->pos] = '\0';
	} else {
		clean_line(it->line, it->buf + it->pos, end - it->pos);
	}
	it->pos = end + 1;
	return it->line;
}

/*
 * Strip a printk prefix, "[    1.234567] ", and with CONFIG_PRINTK_CALLER
 * also "[    T1] ".  Exactly one space goes with it: what follows may be
 * KTAP indentation.
 */
bool strip_printk(char **sp, double *ts)
{
	char *p = *sp, *q;

	if (*p++ != '[')
		return false;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	q = p;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q++ != '.' || !isdigit((unsigned char)*q))
		return false;
	while (isdigit((unsigned char)*q))
		q++;
	if (*q++ != ']')
		return false;
	*ts = strtod(p, NULL);
	if (*q == '[') {
		p = q + 1;
		while (*p == ' ')
			p++;
		if (*p == 'T' || *p == 'C') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
			if (*p == ']')
				q = p + 1;
		}
	}
	if (*q == ' ')
		q++;
	*sp = q;
	return true;
}

double parse_num(const char *s)
{
	char *e;
	double v;

	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &e);
	return e > s ? v : -1;
}

/* "1.5" for 1.5, "42" for 42.0: seconds to the millisecond. */
const char *fmt_num(char *buf, size_t len, double v)
{
	char *e;

	snprintf(buf, len, "%.3f", v);
	e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	return buf;
}
