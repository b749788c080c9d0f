/* POST /v1/notifications/:id/read - mark one of the caller's notifications
 * read. 200 {notification_id, read: true, read_at, unread_count}; marking it
 * again keeps the first read_at. 403 another user's, 404 no such
 * notification; the ownership check is in the statement that writes. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_notif.h"
#include "sc_row.h"

/* $1 notification, $2 caller: no row when it does not exist, else: mine,
 * read_at (the first), the unread count after the change. */
static const char SQL_READ[] =
    "WITH " SC_SQL_NOTIF_ONE ", "
    "upd AS (UPDATE notifications n SET read_at = now() FROM one "
    "        WHERE n.notification_id = one.notification_id AND one.user_id = $2::uuid "
    "          AND n.read_at IS NULL RETURNING n.read_at) "
    "SELECT one.user_id = $2::uuid, " SC_SQL_TS("COALESCE(one.read_at, upd.read_at)") ", "
    "  " SC_SQL_NOTIF_UNREAD("$2::uuid") " - (SELECT count(*) FROM upd) "
    "FROM one LEFT JOIN upd ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");
	PGresult *res;
	json_object *o;

	/* marking read twice ends the same way: safe to retry */
	if (sc_notif_change(req, resp, SQL_READ, &res) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "notification_id", json_object_new_string(id));
	json_object_object_add(o, "read", json_object_new_boolean(1));
	json_object_object_add(o, "read_at", sc_row_text(res, 0, 1));
	json_object_object_add(o, "unread_count", sc_row_int(res, 0, 2));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "notifications/read", .pattern = "/v1/notifications/:id/read",
	.methods = SC_M_POST, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
