/* GET /v1/notifications/count - {unread_count}: the caller's notifications
 * with read_at IS NULL (the badge). */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_notif.h"
#include "sc_row.h"

/* $1 caller: the unread count. */
static const char SQL_COUNT[] = "SELECT " SC_SQL_NOTIF_UNREAD("$1::uuid");

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_COUNT, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "unread_count", sc_row_int(res, 0, 0));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "notifications/count", .pattern = "/v1/notifications/count",
	.methods = SC_M_GET, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
