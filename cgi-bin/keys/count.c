/* GET /v1/keys/count - how many one-time prekeys the caller has left, and the
 * ids of the current signed and Kyber prekeys: {one_time_keys,
 * signed_pre_key_id, kyber_pre_key_id} (ids null when none, e.g. before the
 * first upload). */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_row.h"

/* $1 caller: one row (count, signed key id or NULL, Kyber key id or NULL) */
static const char SQL_COUNT[] =
    "SELECT (SELECT count(*) FROM e2ee_one_time_keys o WHERE o.user_id = $1::uuid), "
    "  k.signed_key_id, k.kyber_key_id "
    "FROM (SELECT 1) one LEFT JOIN e2ee_keys k ON k.user_id = $1::uuid";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_COUNT, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_fail(resp, "keys: count returned no row");
	o = json_object_new_object();
	json_object_object_add(o, "one_time_keys", sc_row_int(res, 0, 0));
	json_object_object_add(o, "signed_pre_key_id", sc_row_int(res, 0, 1));
	json_object_object_add(o, "kyber_pre_key_id", sc_row_int(res, 0, 2));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "keys/count", .pattern = "/v1/keys/count", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
