/* sc_page.c - limit parsing and the opaque keyset cursor.
 *
 * A cursor is base64url (no padding) of "kind\nfield1\nfield2...". The kind
 * keeps a cursor of one list from being read as another's. */
#include "sc_page.h"
#include "sc_buf.h"
#include "sc_b64.h"

#include <limits.h>
#include <string.h>

int sc_page_limit(const sc_req *req, long long *limit, sc_verr *e)
{
	const char *s = sc_req_query(req, "limit");
	size_t i, n;
	long long v;

	*limit = SC_PAGE_DEFAULT;
	if (s == NULL)
		return 0;
	n = strlen(s);
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (n == 0 || i < n)
		return sc_verr_set(e, "limit", "must be an integer from 1 to %d", SC_PAGE_MAX);
	/* all digits: too long for 64 bits is still "more than 100" */
	if (sc_parse_i64(s, n, 0, LLONG_MAX, &v) < 0)
		v = SC_PAGE_MAX;
	if (v < 1)
		return sc_verr_set(e, "limit", "must be an integer from 1 to %d", SC_PAGE_MAX);
	*limit = v > SC_PAGE_MAX ? SC_PAGE_MAX : v;
	return 0;
}

static int plain_field(const char *s, size_t n)
{
	size_t i;
	if (!sc_utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

char *sc_page_cursor_encode(sc_arena *a, const char *kind, int n, const char *const *fields)
{
	char raw[SC_PAGE_CURSOR_MAX], *out;
	size_t len = 0;
	int f;

	if (n < 1 || n > SC_PAGE_FIELDS_MAX)
		return NULL;
	for (f = -1; f < n; f++) {
		const char *s = f < 0 ? kind : fields[f];
		size_t sl = strlen(s);
		if (!plain_field(s, sl) || len + sl + 1 > sizeof(raw))
			return NULL;
		if (f >= 0)
			raw[len++] = '\n';
		memcpy(raw + len, s, sl);
		len += sl;
	}
	if ((len + 2) / 3 * 4 > SC_PAGE_CURSOR_MAX)
		return NULL;
	out = sc_arena_alloc(a, (len + 2) / 3 * 4 + 1);
	sc_b64url_encode((const unsigned char *)raw, len, out);
	return out;
}

int sc_page_bad_cursor(sc_verr *e)
{
	return sc_verr_set(e, "cursor", "malformed; use next_cursor of a previous page");
}

int sc_page_cursor(const sc_req *req, const char *kind, int n, const char **fields,
    sc_verr *e)
{
	const char *s = sc_req_query(req, "cursor");
	char raw[SC_PAGE_CURSOR_MAX];
	size_t len, kl = strlen(kind), start, dl;
	int f = 0;

	if (s == NULL || *s == '\0')
		return 0;
	len = strlen(s);
	if (len > SC_PAGE_CURSOR_MAX ||
	    sc_b64url_decode(s, len, (unsigned char *)raw, sizeof(raw), &dl) < 0)
		return sc_page_bad_cursor(e);
	len = dl;
	/* "kind\n" then exactly n non-empty fields separated by '\n' */
	if (len <= kl || memcmp(raw, kind, kl) != 0 || raw[kl] != '\n')
		return sc_page_bad_cursor(e);
	start = kl + 1;
	for (size_t i = start; i <= len; i++) {
		if (i < len && raw[i] != '\n')
			continue;
		if (f == n || i == start || !plain_field(raw + start, i - start))
			return sc_page_bad_cursor(e);
		fields[f++] = sc_arena_strndup(req->arena, raw + start, i - start);
		start = i + 1;
	}
	return f == n ? 1 : sc_page_bad_cursor(e);
}

void sc_page_finish(json_object *data, const char *next)
{
	json_object_object_add(data, "next_cursor", json_object_new_string(next ? next : ""));
	json_object_object_add(data, "has_more", json_object_new_boolean(next != NULL));
}

int sc_page_answer(sc_req *req, sc_resp *resp, const char *key, json_object *list,
    const PGresult *res, long long limit, const char *kind, int n, const int *cols)
{
	json_object *o = json_object_new_object();
	const char *last[SC_PAGE_FIELDS_MAX];
	char *next = NULL;
	int i;

	json_object_object_add(o, key, list);
	if (PQntuples(res) > limit) {
		for (i = 0; i < n && i < SC_PAGE_FIELDS_MAX; i++)
			last[i] = PQgetvalue(res, (int)limit - 1, cols[i]);
		if ((next = sc_page_cursor_encode(req->arena, kind, n, last)) == NULL) {
			json_object_put(o);
			return sc_resp_fail(resp, "cannot encode the cursor");
		}
	}
	sc_page_finish(o, next);
	sc_resp_json(resp, 200, o);
	return 0;
}
