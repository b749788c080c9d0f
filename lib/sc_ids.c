/* sc_ids.c - id lists (sc_ids.h). */
#include "sc_ids.h"
#include "sc_uuid.h"

#include <string.h>

/* add s[0..n) to out unless already there; -1 when not a UUID */
static int add(sc_ids *out, char *buf, const char *s, size_t n)
{
	int i;

	if (!sc_uuid_parse(s, n, buf))
		return -1;
	for (i = 0; i < out->n; i++)
		if (strcmp(out->id[i], buf) == 0)
			return 0;
	out->id[out->n++] = buf;
	return 0;
}

static void finish(sc_arena *a, sc_ids *out)
{
	char *pg = sc_arena_alloc(a, (size_t)out->n * (SC_UUID_STRLEN + 1) + 3), *p = pg;
	int i;

	*p++ = '{';
	for (i = 0; i < out->n; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, out->id[i], SC_UUID_STRLEN);
		p += SC_UUID_STRLEN;
	}
	*p++ = '}';
	*p = '\0';
	out->pg = pg;
}

int sc_ids_from_json(sc_arena *a, json_object *o, const char *key, int required,
    int min, int max, sc_ids *out, sc_verr *e)
{
	json_object *arr;
	size_t i, len;
	int x;

	out->n = 0;
	out->id = NULL;
	out->pg = "{}";
	x = sc_json_get_array(o, key, required, 0, (size_t)max, &arr, e);
	if (x <= 0) {
		if (x == 0 && min > 0)
			return sc_verr_set(e, key, "is required");
		return x;
	}
	len = json_object_array_length(arr);
	out->id = sc_arena_alloc(a, (len ? len : 1) * sizeof(*out->id));
	for (i = 0; i < len; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) ||
		    add(out, sc_arena_alloc(a, SC_UUID_STRLEN + 1), json_object_get_string(v),
		        (size_t)json_object_get_string_len(v)) < 0)
			return sc_verr_set(e, key, "must be an array of user ids (UUID strings)");
	}
	if (out->n < min)
		return sc_verr_set(e, key, "needs at least %d distinct id%s", min, min == 1 ? "" : "s");
	finish(a, out);
	return 1;
}

int sc_ids_from_csv(sc_arena *a, const char *s, const char *field, int min, int max,
    sc_ids *out, sc_verr *e)
{
	size_t items = 1;
	const char *p, *c;

	out->n = 0;
	out->pg = "{}";
	if (s == NULL)
		s = "";
	for (p = s; *p; p++)
		items += *p == ',';
	if (*s == '\0')
		items = 0;
	if (items > (size_t)max)
		return sc_verr_set(e, field, "takes at most %d ids", max);
	out->id = sc_arena_alloc(a, (items ? items : 1) * sizeof(*out->id));
	for (p = s; items > 0; p = c + 1) {
		c = p + strcspn(p, ",");
		if (add(out, sc_arena_alloc(a, SC_UUID_STRLEN + 1), p, (size_t)(c - p)) < 0)
			return sc_verr_set(e, field, "must be a comma-separated list of UUIDs");
		if (*c == '\0')
			break;
	}
	if (out->n < min)
		return sc_verr_set(e, field, "needs at least %d id%s", min, min == 1 ? "" : "s");
	finish(a, out);
	return 1;
}
