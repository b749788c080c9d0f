/* sc_ids.h - lists of user/object ids from a JSON array or a comma list in
 * a query string, checked, lower-cased, de-duplicated (first occurrence
 * kept), and written as a PostgreSQL array literal "{id,id}" for a $n::uuid[]
 * parameter. */
#ifndef SC_IDS_H
#define SC_IDS_H

#include <json-c/json.h>
#include <stddef.h>

#include "sc_arena.h"
#include "sc_json.h"

typedef struct sc_ids {
	int          n;        /* distinct ids */
	const char **id;       /* n lower-case UUID strings (arena) */
	const char  *pg;       /* "{...}" (arena) */
} sc_ids;

/* The array o[key] of 0..max UUID strings (at least min after removing
 * duplicates). Returns 1 when present, 0 when absent and optional (out->n =
 * 0, out->pg "{}"), -1 with e naming key when not an array, an item is not a
 * UUID string, or the count is outside min..max. */
int sc_ids_from_json(sc_arena *a, json_object *o, const char *key, int required,
    int min, int max, sc_ids *out, sc_verr *e);

/* The same from a comma-separated text (a query parameter named `field` in
 * errors); spaces around items are not allowed; empty items are errors. */
int sc_ids_from_csv(sc_arena *a, const char *s, const char *field, int min, int max,
    sc_ids *out, sc_verr *e);

#endif
