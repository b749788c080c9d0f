/* sc_buf.c - capped buffers, string views, number parsing, UTF-8. */
#include "sc_buf.h"
#include "sc_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

sc_str sc_str_c(const char *s)
{
	sc_str r = { s, s ? strlen(s) : 0 };
	return r;
}

int sc_str_eq(sc_str a, sc_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int sc_str_eq_nocase(sc_str a, sc_str b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.ptr, b.ptr, a.len) == 0);
}

void sc_buf_init(sc_buf *b, size_t cap)
{
	b->ptr = NULL;
	b->len = 0;
	b->size = 0;
	b->cap = cap;
	b->toobig = 0;
}

void sc_buf_cleanup(sc_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->size = 0;
	b->toobig = 0;
}

void sc_buf_reset(sc_buf *b)
{
	b->len = 0;
	b->toobig = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int reserve(sc_buf *b, size_t more)
{
	size_t want;
	if (more > b->cap || b->len > b->cap - more) {
		b->toobig = 1;
		return -1;
	}
	want = b->len + more + 1;
	if (want > b->size) {
		size_t size = b->size ? b->size : 256;
		while (size < want)
			size = size > (size_t)-1 / 2 ? want : size * 2;
		if (size > b->cap + 1)
			size = b->cap + 1;
		b->ptr = sc_xrealloc(b->ptr, size);
		b->size = size;
	}
	return 0;
}

int sc_buf_append(sc_buf *b, const void *p, size_t n)
{
	if (reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int sc_buf_puts(sc_buf *b, const char *s)
{
	return sc_buf_append(b, s, strlen(s));
}

int sc_buf_putc(sc_buf *b, char c)
{
	return sc_buf_append(b, &c, 1);
}

int sc_buf_vprintf(sc_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int sc_buf_printf(sc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = sc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

sc_str sc_buf_str(const sc_buf *b)
{
	sc_str s = { b->ptr ? b->ptr : "", b->len };
	return s;
}

/* Decode one UTF-8 sequence at p (n bytes left). Returns its length, or 0 when
 * invalid; *cp gets the code point. */
static size_t utf8_next(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2; min = 0x80; c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; min = 0x800; c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; min = 0x10000; c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int sc_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t l;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		l = utf8_next(p + i, n - i, &cp);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

size_t sc_utf8_len(const char *s, size_t n)
{
	size_t i, count = 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

int sc_buf_json_str(sc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (sc_buf_putc(b, '"') < 0)
		return -1;
	while (i < n) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char ubuf[7];
		size_t l = 1;
		unsigned cp = c;

		if (c >= 0x80) {
			l = utf8_next(p + i, n - i, &cp);
			if (l == 0) {
				esc = "\xef\xbf\xbd"; /* U+FFFD */
				l = 1;
			} else if (cp == 0x2028 || cp == 0x2029) {
				esc = cp == 0x2028 ? "\\u2028" : "\\u2029";
			}
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c == '\n') {
			esc = "\\n";
		} else if (c == '\r') {
			esc = "\\r";
		} else if (c == '\t') {
			esc = "\\t";
		} else if (c < 0x20 || c == 0x7f) {
			ubuf[0] = '\\'; ubuf[1] = 'u'; ubuf[2] = '0'; ubuf[3] = '0';
			ubuf[4] = hex[c >> 4]; ubuf[5] = hex[c & 15]; ubuf[6] = '\0';
			esc = ubuf;
		}
		if (esc != NULL) {
			if (run && sc_buf_append(b, s + i - run, run) < 0)
				return -1;
			run = 0;
			if (sc_buf_puts(b, esc) < 0)
				return -1;
		} else {
			run += l;
		}
		i += l;
	}
	if (run && sc_buf_append(b, s + n - run, run) < 0)
		return -1;
	return sc_buf_putc(b, '"');
}

int sc_parse_i64(const char *s, size_t n, long long min, long long max, long long *out)
{
	size_t i = 0;
	int neg = 0;
	unsigned long long v = 0, limit;

	if (s == NULL || n == 0 || n > 20)
		return -1;
	if (s[0] == '-') {
		if (min >= 0)
			return -1;
		neg = 1;
		i = 1;
		if (n == 1)
			return -1;
	}
	if (!neg && max < 0)
		return -1;
	limit = neg ? (unsigned long long)(-(min + 1)) + 1 : (unsigned long long)max;
	for (; i < n; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > limit / 10 || (v == limit / 10 && d > limit % 10))
			return -1;
		v = v * 10 + d;
	}
	if (neg) {
		long long r = v == 0 ? 0 : -(long long)(v - 1) - 1;
		if (r < min || r > max)
			return -1;
		*out = r;
	} else {
		if (v > (unsigned long long)max || (long long)v < min)
			return -1;
		*out = (long long)v;
	}
	return 0;
}
