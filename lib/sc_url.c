/* sc_url.c - percent-decoding and query parsing. */
#include "sc_url.h"
#include "sc_buf.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

long sc_url_decode(const char *s, size_t n, int plus_is_space, char *out)
{
	size_t i, o = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int h, l;
			if (n - i < 3)
				return -1;
			h = hexval(s[i + 1]);
			l = hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h * 16 + l);
			if (c == '\0')
				return -1;
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		out[o++] = c;
	}
	out[o] = '\0';
	if (!sc_utf8_valid(out, o))
		return -1;
	return (long)o;
}

int sc_url_query_parse(sc_arena *a, const char *qs, sc_query *q)
{
	size_t n = qs ? strlen(qs) : 0;
	const char *p, *end;

	q->count = 0;
	if (n == 0)
		return 0;
	p = qs;
	end = qs + n;
	if (n > SC_LIMIT_QUERY)
		return -1;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		const char *ke = eq ? eq : e;
		char *k, *v;
		if (e > p) {
			if (q->count == SC_LIMIT_QUERY_PARAMS)
				return -1;
			k = sc_arena_alloc(a, (size_t)(ke - p) + 1);
			if (sc_url_decode(p, (size_t)(ke - p), 1, k) < 0)
				return -1;
			if (eq) {
				v = sc_arena_alloc(a, (size_t)(e - eq - 1) + 1);
				if (sc_url_decode(eq + 1, (size_t)(e - eq - 1), 1, v) < 0)
					return -1;
			} else {
				v = sc_arena_strdup(a, "");
			}
			q->keys[q->count] = k;
			q->values[q->count] = v;
			q->count++;
		}
		p = amp ? amp + 1 : end;
	}
	return 0;
}

const char *sc_url_query_get(const sc_query *q, const char *key)
{
	size_t i;
	for (i = 0; i < q->count; i++)
		if (strcmp(q->keys[i], key) == 0)
			return q->values[i];
	return NULL;
}
