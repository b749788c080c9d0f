/* sc_contact.c - the contact lists and the self check. */
#include "sc_contact.h"
#include "sc_app.h"
#include "sc_buf.h"
#include "sc_db.h"
#include "sc_page.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

/* Cursor times are microseconds since the epoch; anything outside
 * 0..2^53 (exact in a float8 interval product, beyond year 2255) cannot
 * come from us. */
#define POS_MAX (1LL << 53)

int sc_contact_list(sc_req *req, sc_resp *resp, const char *kind, const char *sql,
    const char *key, sc_contact_item_fn item)
{
	const char *after[2] = { NULL, NULL }, *p[4], *last[2];
	char lim[24], *next = NULL;
	long long limit, pos;
	int rows, i;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o, *list;

	if (sc_page_limit(req, &limit, &e) < 0 || sc_page_cursor(req, kind, 2, after, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (after[0] != NULL && (sc_parse_i64(after[0], strlen(after[0]), 0, POS_MAX, &pos) < 0 ||
	    !sc_uuid_parse(after[1], strlen(after[1]), NULL)))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = after[0];
	p[2] = after[1];
	p[3] = lim;
	if (sc_db_exec(req->db, req->arena, sql, 4, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	if (rows > limit) {
		last[0] = PQgetvalue(res, (int)limit - 1, SC_CONTACT_COL_POS);
		last[1] = PQgetvalue(res, (int)limit - 1, 0);
		next = sc_page_cursor_encode(req->arena, kind, 2, last);
		if (next == NULL)
			return sc_resp_fail(resp, "cannot encode the cursor");
	}
	list = json_object_new_array();
	for (i = 0; i < rows && i < limit; i++)
		json_object_array_add(list, item(res, i));
	o = json_object_new_object();
	json_object_object_add(o, key, list);
	sc_page_finish(o, next);
	sc_resp_json(resp, 200, o);
	return 0;
}

int sc_contact_not_self(const sc_req *req, sc_resp *resp, const char *target,
    const char *what)
{
	sc_verr e;

	if (target == NULL || strcmp(target, req->user.user_id) != 0)
		return 0;
	sc_verr_set(&e, "id", "%s", what);
	return sc_resp_verr(resp, &e);
}
