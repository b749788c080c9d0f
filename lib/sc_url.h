/* sc_url.h - percent-decoding and query strings. */
#ifndef SC_URL_H
#define SC_URL_H

#include <stddef.h>
#include "sc_arena.h"
#include "sc_limits.h"

/* Decode s[0..n) into out (at least n+1 bytes). plus_is_space for query
 * strings. Returns the decoded length, or -1 on a bad %-escape, a decoded NUL
 * or invalid UTF-8. out is NUL-terminated. */
long sc_url_decode(const char *s, size_t n, int plus_is_space, char *out);

typedef struct sc_query {
	size_t      count;
	const char *keys[SC_LIMIT_QUERY_PARAMS];
	const char *values[SC_LIMIT_QUERY_PARAMS];
} sc_query;

/* Parse "a=1&b=x%20y" into q (strings on the arena). Returns 0, or -1 when the
 * string is longer than SC_LIMIT_QUERY, has more than SC_LIMIT_QUERY_PARAMS
 * pairs, or an escape is bad. A key without '=' has the value "". */
int sc_url_query_parse(sc_arena *a, const char *qs, sc_query *q);
/* First value of key, or NULL. */
const char *sc_url_query_get(const sc_query *q, const char *key);

#endif
