/* DELETE /v1/notifications/:id - delete one of the caller's notifications.
 * 200 {notification_id, deleted: true, unread_count}; 403 another user's, 404
 * no such notification; the ownership check is in the statement that
 * deletes. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_notif.h"
#include "sc_row.h"

/* $1 notification, $2 caller: no row when it does not exist, else: mine, the
 * unread count after the delete. */
static const char SQL_DELETE[] =
    "WITH " SC_SQL_NOTIF_ONE ", "
    "del AS (DELETE FROM notifications n USING one "
    "        WHERE n.notification_id = one.notification_id AND one.user_id = $2::uuid "
    "        RETURNING n.read_at IS NULL AS unread) "
    "SELECT one.user_id = $2::uuid, " SC_SQL_NOTIF_UNREAD("$2::uuid") " - "
    "  (SELECT count(*) FROM del WHERE del.unread) "
    "FROM one";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "id");
	PGresult *res;
	json_object *o;

	if (sc_notif_change(req, resp, SQL_DELETE, &res) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "notification_id", json_object_new_string(id));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	json_object_object_add(o, "unread_count", sc_row_int(res, 0, 1));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "notifications/notification", .pattern = "/v1/notifications/:id",
	.methods = SC_M_DELETE, .flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
