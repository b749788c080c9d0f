/* sc_route.h - a program matches the request path against its own pattern.
 *
 * Patterns are literal segments and ":name" parameters, as in cgi-bin/routes.
 * The pattern "/" "*" (slash-star) matches every path (the catch-all). A parameter named "id" or ending in
 * "_id" must be a UUID (stored lower case); other parameters are
 * percent-decoded and must be non-empty valid UTF-8. No match -> 404. */
#ifndef SC_ROUTE_H
#define SC_ROUTE_H

#include <stddef.h>
#include "sc_arena.h"
#include "sc_limits.h"

typedef struct sc_route_params {
	size_t      count;
	const char *names[SC_LIMIT_ROUTE_PARAMS];   /* point into the pattern... */
	size_t      name_lens[SC_LIMIT_ROUTE_PARAMS];
	const char *values[SC_LIMIT_ROUTE_PARAMS];  /* arena strings */
} sc_route_params;

/* 1 on a match (params filled), 0 otherwise. path excludes the query string. */
int sc_route_match(sc_arena *a, const char *pattern, const char *path, size_t path_len,
    sc_route_params *out);
/* The value of :name, or NULL. */
const char *sc_route_param(const sc_route_params *p, const char *name);

#endif
