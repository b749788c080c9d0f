/* POST /v1/notifications/read-all - mark every unread notification of the
 * caller read: 200 {marked_read: how many were unread, unread_count: 0}. */
#include "sc_app.h"
#include "sc_db.h"

/* $1 caller: one row per notification marked. */
static const char SQL_READ_ALL[] =
    "UPDATE notifications SET read_at = now() WHERE user_id = $1::uuid AND read_at IS NULL "
    "RETURNING notification_id";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_READ_ALL, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "marked_read", json_object_new_int(PQntuples(res)));
	json_object_object_add(o, "unread_count", json_object_new_int(0));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "notifications/read_all", .pattern = "/v1/notifications/read-all",
	.methods = SC_M_POST, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
