/* /v1/push/tokens - the caller's push devices.
 *
 * POST {type, platform?, token | subscription, device_id?} (sc_push_dev.h) -
 *   register a device. 201 {device_id, type, platform, created_at} for a new
 *   device; 200 with the same when an existing one was updated: the caller's
 *   device_id (a rotated token), or the same token of the same type, also one
 *   another account had (the phone changed accounts: the device moves to the
 *   caller). When the caller's device_id takes a token another row holds, that
 *   row is deleted. 403 when device_id is another account's device (and not
 *   the row of this token); 409 when the caller would have more than
 *   PUSH_MAX_DEVICES devices; 400 naming the field for a malformed body.
 * GET - {devices:[{device_id, type, platform, token_hint, created_at,
 *   updated_at}]}, oldest first; never a whole token (sc_push_dev_hint).
 * DELETE - every device of the caller: 200 {deleted: count}. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_push_dev.h"
#include "sc_row.h"

#include <string.h>

/* $1 caller: the devices, oldest first. */
static const char SQL_LIST[] =
    "SELECT " SC_PUSH_DEV_COLS " FROM push_devices d WHERE d.user_id = $1::uuid "
    "ORDER BY d.created_at, d.device_id LIMIT 1000";

/* $1 caller: one row per device deleted. */
static const char SQL_DELETE_ALL[] =
    "DELETE FROM push_devices WHERE user_id = $1::uuid RETURNING device_id";

static int post(sc_req *req, sc_resp *resp)
{
	sc_push_dev d;
	sc_verr e;
	PGresult *res;
	sc_db_err err;
	json_object *o;
	int rc;

	if (sc_push_dev_parse(req->arena, req->json, &d, &e) < 0)
		return sc_resp_verr(resp, &e);
	rc = sc_push_dev_register(req->db, req->arena, req->user.user_id, &d, &res, &err);
	if (rc < 0 && strcmp(err.sqlstate, "23505") == 0)
		return sc_resp_error(resp, 409, "registered concurrently; try again");
	if (rc < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "push device registration returned no row");
	if (sc_row_is_true(res, 0, 0))
		return sc_resp_error(resp, 403, "device_id belongs to another account's device");
	if (PQgetisnull(res, 0, 1))
		return sc_resp_error(resp, 409, sc_arena_printf(req->arena, "too many push devices: "
		    "at most %lld per account; delete one first",
		    sc_config_int(SC_CFG_PUSH_MAX_DEVICES)));
	o = json_object_new_object();
	json_object_object_add(o, "device_id", sc_row_text(res, 0, 1));
	json_object_object_add(o, "type", sc_row_text(res, 0, 2));
	json_object_object_add(o, "platform", sc_row_text(res, 0, 3));
	json_object_object_add(o, "created_at", sc_row_text(res, 0, 4));
	sc_resp_json(resp, sc_row_is_true(res, 0, 5) ? 201 : 200, o);
	return 0;
}

static int list(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o, *arr;
	int i;

	if (sc_db_exec(req->db, req->arena, SQL_LIST, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++)
		json_object_array_add(arr, sc_push_dev_json(res, i, 0));
	o = json_object_new_object();
	json_object_object_add(o, "devices", arr);
	sc_resp_json(resp, 200, o);
	return 0;
}

static int delete_all(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_DELETE_ALL, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	o = json_object_new_object();
	json_object_object_add(o, "deleted", json_object_new_int(PQntuples(res)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static int handle(sc_req *req, sc_resp *resp)
{
	switch (req->method_bit) {
	case SC_M_GET:
	case SC_M_HEAD:
		return list(req, resp);
	case SC_M_POST:
		return post(req, resp);
	case SC_M_DELETE:
		return delete_all(req, resp);
	}
	return sc_resp_error(resp, 405, "method not allowed");
}

static const sc_endpoint ep = {
	.name = "push/tokens", .pattern = "/v1/push/tokens",
	.methods = SC_M_GET | SC_M_POST | SC_M_DELETE,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
