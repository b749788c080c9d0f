/* ws_hs_query.c - ws_hs_query (declared in ws_handshake.h): one parameter of
 * the upgrade request's query string, decoded.
 *
 * The relay reads a handful of parameters (ticket, since, conversation_id,
 * call_id), each by name, so there is no table to build: one pass finds the
 * name, decodes its value into the caller's buffer and keeps going to make
 * sure the name does not come twice (two tickets or two call ids would leave
 * the caller guessing which one a proxy or a log saw). Keys are compared
 * decoded, so "call%5Fid" is call_id; a key that does not decode matches no
 * name. */
#include "ws_handshake.h"

#include <limits.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The byte at p[*i] decoded ('+' is a space, %xx a byte); *i moves past it.
 * -1 for a '%' not followed by two hex digits. */
static int next_byte(const char *p, size_t n, size_t *i)
{
	int hi, lo;
	char c = p[(*i)++];
	if (c == '+')
		return ' ';
	if (c != '%')
		return (unsigned char)c;
	if (n - *i < 2 || (hi = hexval(p[*i])) < 0 || (lo = hexval(p[*i + 1])) < 0)
		return -1;
	*i += 2;
	return hi << 4 | lo;
}

static int key_is(const char *p, size_t n, const char *name)
{
	size_t i = 0, k = 0;
	while (i < n) {
		int c = next_byte(p, n, &i);
		if (c <= 0 || name[k] == '\0' || (unsigned char)name[k] != c)
			return 0;
		k++;
	}
	return name[k] == '\0';
}

int ws_hs_query(const char *q, size_t qn, const char *name, char *out, size_t cap)
{
	size_t pos = 0, end, eq, i, len;
	int found = -1;

	if (cap == 0)
		return -2;
	out[0] = '\0';
	if (q == NULL)
		return -1;
	for (; pos < qn; pos = end + 1) {
		for (end = pos; end < qn && q[end] != '&'; end++)
			;
		for (eq = pos; eq < end && q[eq] != '='; eq++)
			;
		if (!key_is(q + pos, eq - pos, name))
			continue;
		if (found >= 0)
			goto bad;                /* the name appears twice */
		len = 0;
		for (i = eq < end ? eq + 1 : end; i < end;) {
			int c = next_byte(q, end, &i);
			if (c <= 0 || len + 1 >= cap || len >= INT_MAX)
				goto bad;            /* bad escape, decoded NUL, no room */
			out[len++] = (char)c;
		}
		out[len] = '\0';
		found = (int)len;
	}
	return found;
bad:
	out[0] = '\0';
	return -2;
}
