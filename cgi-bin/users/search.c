/* GET /v1/users/search?q=&limit=&cursor= - find users to talk to.
 * q: 2..100 characters after trimming. With an '@' it is an e-mail address and
 * matches only the exact normalized address; otherwise it matches usernames
 * and display names containing it or similar to it (pg_trgm), best first
 * (greatest similarity, then user_id). Never deleted users, users with
 * searchable=false, the caller, or a block (SC_SQL_NOT_BLOCKED) either way.
 * Keyset pages on (rank, user_id): {users:[public profile], next_cursor,
 * has_more}. 400 naming q, limit or cursor. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_page.h"
#include "sc_user.h"
#include "sc_uuid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "users.search"

/* Public profiles whose username or display name contains $3 (a LIKE-escaped
 * q) or is similar to $1, after the position ($4 rank, $5 user_id); the last
 * column is the rank. */
static const char SQL_SIMILAR[] =
    "SELECT " SC_USER_PUBLIC_COLS ", r.rank::float8 FROM users u "
    "CROSS JOIN LATERAL (SELECT greatest(similarity(lower(u.username), lower($1)), "
    "                   similarity(lower(u.display_name), lower($1))) AS rank) r "
    "WHERE u.deleted_at IS NULL AND u.searchable AND u.user_id <> $2::uuid "
    "  AND " SC_SQL_NOT_BLOCKED("$2::uuid", "u.user_id") " "
    "  AND (lower(u.username) LIKE '%' || lower($3) || '%' OR lower(u.username) % lower($1) "
    "    OR lower(u.display_name) LIKE '%' || lower($3) || '%' "
    "    OR lower(u.display_name) % lower($1)) "
    "  AND ($4::real IS NULL OR r.rank < $4::real OR (r.rank = $4::real AND u.user_id > $5::uuid)) "
    "ORDER BY r.rank DESC, u.user_id LIMIT $6";

/* The public profile with exactly the e-mail $1 (rank 1), after the position. */
static const char SQL_EMAIL[] =
    "SELECT " SC_USER_PUBLIC_COLS ", 1::float8 FROM users u "
    "WHERE lower(u.email) = $1 AND u.deleted_at IS NULL AND u.searchable "
    "  AND u.user_id <> $2::uuid AND " SC_SQL_NOT_BLOCKED("$2::uuid", "u.user_id") " "
    "  AND ($3::real IS NULL OR 1 < $3::real OR (1 = $3::real AND u.user_id > $4::uuid)) "
    "ORDER BY u.user_id LIMIT $5";

/* q trimmed, into the arena; NULL when it is not 2..100 characters */
static char *query_text(sc_req *req)
{
	const char *q = sc_req_query(req, "q"), *e;
	size_t chars;

	if (q == NULL)
		return NULL;
	while (*q == ' ' || (*q >= '\t' && *q <= '\r'))
		q++;
	e = q + strlen(q);
	while (e > q && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
		e--;
	chars = sc_utf8_len(q, (size_t)(e - q));
	return chars < 2 || chars > 100 ? NULL : sc_arena_strndup(req->arena, q, (size_t)(e - q));
}

static char *like_escaped(sc_arena *a, const char *q)
{
	char *out = sc_arena_alloc(a, 2 * strlen(q) + 1), *o = out;
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o = '\0';
	return out;
}

static int handle(sc_req *req, sc_resp *resp)
{
	const char *after[2] = { NULL, NULL };
	char *q = query_text(req), norm[256], lim[24], *end;
	long long limit;
	int rows = 0, i, rc;
	PGresult *res = NULL;
	sc_db_err err;
	sc_verr e;
	json_object *list;

	if (q == NULL)
		return sc_verr_set(&e, "q", "must be 2..100 characters"), sc_resp_verr(resp, &e);
	if (sc_page_limit(req, &limit, &e) < 0 || sc_page_cursor(req, KIND, 2, after, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (after[0] != NULL) {
		double r = strtod(after[0], &end);
		if (*end != '\0' || !isfinite(r) || r < 0 || r > 1 || !sc_uuid_parse(after[1],
		    strlen(after[1]), NULL))
			return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	}
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	if (strchr(q, '@') == NULL) {
		const char *p[6] = { q, req->user.user_id, like_escaped(req->arena, q), after[0],
		    after[1], lim };
		rc = sc_db_exec(req->db, req->arena, SQL_SIMILAR, 6, p, SC_DB_RETRY, &res, &err);
	} else if (sc_user_email_normalize(q, strlen(q), norm) == 0) {
		const char *p[5] = { norm, req->user.user_id, after[0], after[1], lim };
		rc = sc_db_exec(req->db, req->arena, SQL_EMAIL, 5, p, SC_DB_RETRY, &res, &err);
	} else {
		rc = 0;   /* not an address anyone can have: no match */
	}
	if (rc < 0)
		return sc_app_db_error(resp, &err);
	if (res != NULL)
		rows = PQntuples(res);
	list = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++)
		json_object_array_add(list, sc_user_json(res, i, 0, SC_USER_PUBLIC));
	return sc_page_answer(req, resp, "users", list, res, limit, KIND, 2,
	    (const int[]){ SC_USER_PUBLIC_NCOLS, 0 });
}

static const sc_endpoint ep = {
	.name = "users/search", .pattern = "/v1/users/search", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
