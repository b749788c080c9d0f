/* DELETE /v1/push/tokens/:device_id - forget one of the caller's push devices.
 *
 * 200 {device_id, deleted: true}; 403 when the device is another account's;
 * 404 when there is no such device. The ownership check is in the statement
 * that deletes. */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_row.h"

/* $1 device, $2 caller: no row when the device does not exist, else one row:
 * whether it was the caller's (and so deleted). */
static const char SQL_DELETE[] =
    "WITH d AS (SELECT device_id, user_id FROM push_devices WHERE device_id = $1::uuid), "
    "del AS (DELETE FROM push_devices p USING d WHERE p.device_id = d.device_id "
    "        AND d.user_id = $2::uuid RETURNING p.device_id) "
    "SELECT d.user_id = $2::uuid FROM d";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *id = sc_route_param(&req->params, "device_id");
	const char *p[2] = { id, req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_DELETE, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 404, "no such push device");
	if (!sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "this push device belongs to another account");
	o = json_object_new_object();
	json_object_object_add(o, "device_id", json_object_new_string(id));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "push/token", .pattern = "/v1/push/tokens/:device_id", .methods = SC_M_DELETE,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
