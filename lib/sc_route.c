/* sc_route.c - match a request path against a route pattern. */
#include "sc_route.h"
#include "sc_url.h"
#include "sc_uuid.h"

#include <string.h>

static int is_id_name(const char *name, size_t n)
{
	return (n == 2 && memcmp(name, "id", 2) == 0) ||
	    (n > 3 && memcmp(name + n - 3, "_id", 3) == 0);
}

int sc_route_match(sc_arena *a, const char *pattern, const char *path, size_t path_len,
    sc_route_params *out)
{
	const char *pp = pattern, *sp = path, *send = path + path_len;

	out->count = 0;
	if (strcmp(pattern, "/*") == 0)
		return path_len > 0 && path[0] == '/';
	if (path_len == 0 || path_len > SC_LIMIT_PATH || path[0] != '/' || pattern[0] != '/')
		return 0;
	while (*pp == '/' && sp < send && *sp == '/') {
		const char *pe, *se;
		size_t pl, sl;

		pp++;
		sp++;
		pe = strchr(pp, '/');
		if (pe == NULL)
			pe = pp + strlen(pp);
		se = memchr(sp, '/', (size_t)(send - sp));
		if (se == NULL)
			se = send;
		pl = (size_t)(pe - pp);
		sl = (size_t)(se - sp);
		if (pl > 1 && pp[0] == ':') {
			char *v;
			if (sl == 0 || out->count == SC_LIMIT_ROUTE_PARAMS)
				return 0;
			v = sc_arena_alloc(a, sl + 1);
			if (is_id_name(pp + 1, pl - 1)) {
				if (!sc_uuid_parse(sp, sl, v))
					return 0;
			} else if (sc_url_decode(sp, sl, 0, v) <= 0) {
				return 0;
			}
			out->names[out->count] = pp + 1;
			out->name_lens[out->count] = pl - 1;
			out->values[out->count] = v;
			out->count++;
		} else if (pl != sl || memcmp(pp, sp, pl) != 0) {
			return 0;
		}
		pp = pe;
		sp = se;
	}
	return *pp == '\0' && sp == send;
}

const char *sc_route_param(const sc_route_params *p, const char *name)
{
	size_t i, n = strlen(name);
	for (i = 0; i < p->count; i++)
		if (p->name_lens[i] == n && memcmp(p->names[i], name, n) == 0)
			return p->values[i];
	return NULL;
}
