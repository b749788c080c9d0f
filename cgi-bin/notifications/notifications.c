/* GET /v1/notifications?limit=&cursor=&unread_only= - the caller's
 * notifications, newest first: {notifications:[notification], unread_count,
 * next_cursor, has_more} (sc_notif.h). unread_only: true | false (default
 * false; anything else is 400). Keyset on (created_at, notification_id) over
 * notifications_user; unread_count counts every unread row, not the page. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_notif.h"
#include "sc_page.h"
#include "sc_row.h"
#include "sc_uuid.h"

#include <stdio.h>
#include <string.h>

#define KIND "notifications"

/* $1 caller, $2 position (created_at in microseconds; NULL: the first page),
 * $3 its notification_id, $4 unread only, $5 rows. Always one row or more:
 * the unread count, then a notification and its position (NULLs when the
 * page is empty). */
static const char SQL_LIST[] =
    "SELECT uc.unread, " SC_NOTIF_COLS ", "
    "  (extract(epoch FROM n.created_at) * 1000000)::bigint "
    "FROM (SELECT " SC_SQL_NOTIF_UNREAD("$1::uuid") " AS unread) uc "
    "LEFT JOIN LATERAL (SELECT * FROM notifications x WHERE x.user_id = $1::uuid "
    "  AND (NOT $4::boolean OR x.read_at IS NULL) "
    "  AND ($2::bigint IS NULL OR (x.created_at, x.notification_id) < "
    "      (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid)) "
    "  ORDER BY x.created_at DESC, x.notification_id DESC LIMIT $5::int) n ON true "
    "ORDER BY n.created_at DESC, n.notification_id DESC";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *after[2] = { NULL, NULL }, *p[5], *uo = sc_req_query(req, "unread_only");
	const char *last[2];
	char lim[24], nid[SC_UUID_STRLEN + 1], *next = NULL;
	long long limit, pos;
	int have, rows, i;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *arr, *o;

	if (sc_page_limit(req, &limit, &e) < 0 ||
	    (have = sc_page_cursor(req, KIND, 2, after, &e)) < 0)
		return sc_resp_verr(resp, &e);
	if (have && (sc_parse_i64(after[0], strlen(after[0]), 0, (long long)9e18, &pos) < 0 ||
	    !sc_uuid_parse(after[1], strlen(after[1]), nid)))
		return sc_page_bad_cursor(&e), sc_resp_verr(resp, &e);
	if (uo != NULL && strcmp(uo, "true") != 0 && strcmp(uo, "false") != 0)
		return sc_verr_set(&e, "unread_only", "must be true or false"), sc_resp_verr(resp, &e);
	snprintf(lim, sizeof(lim), "%lld", limit + 1);
	p[0] = req->user.user_id;
	p[1] = have ? after[0] : NULL;
	p[2] = have ? nid : NULL;
	p[3] = uo != NULL && strcmp(uo, "true") == 0 ? "true" : "false";
	p[4] = lim;
	if (sc_db_exec(req->db, req->arena, SQL_LIST, 5, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	rows = PQntuples(res);
	if (rows < 1)
		return sc_resp_fail(resp, "notification list returned no row");
	arr = json_object_new_array();
	for (i = 0; i < rows && i < limit && !PQgetisnull(res, i, 1); i++)
		json_object_array_add(arr, sc_notif_json(res, i, 1));
	if (rows > limit) {
		last[0] = PQgetvalue(res, (int)limit - 1, 1 + SC_NOTIF_NCOLS);
		last[1] = PQgetvalue(res, (int)limit - 1, 1);
		if ((next = sc_page_cursor_encode(req->arena, KIND, 2, last)) == NULL) {
			json_object_put(arr);
			return sc_resp_fail(resp, "cannot encode the cursor");
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "notifications", arr);
	json_object_object_add(o, "unread_count", sc_row_int(res, 0, 0));
	sc_page_finish(o, next);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "notifications/notifications", .pattern = "/v1/notifications",
	.methods = SC_M_GET, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
