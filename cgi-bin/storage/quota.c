/* GET /v1/storage/quota - the caller's storage: {used, total, available,
 * usage_percentage}. used counts completed files and pending uploads;
 * total is STORAGE_QUOTA_BYTES; available = max(total - used, 0);
 * usage_percentage = 100 * used / total with two decimals (100 when total is
 * 0; above 100 when the quota was lowered under what is stored). */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"

#include <stdio.h>
#include <string.h>

/* The caller's storage counter; no row once the account is deleted. */
static const char SQL_USED[] =
    "SELECT storage_used_bytes FROM users WHERE user_id = $1::uuid AND deleted_at IS NULL";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[1] = { req->user.user_id }, *v;
	long long used, total = sc_config_int(SC_CFG_STORAGE_QUOTA_BYTES);
	double pct;
	char pcts[32];
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_USED, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	v = PQgetvalue(res, 0, 0);
	if (sc_parse_i64(v, strlen(v), 0, (long long)9e18, &used) < 0)
		return sc_resp_fail(resp, "storage_used_bytes unreadable");
	pct = total > 0 ? (double)used * 100.0 / (double)total : 100.0;
	/* two decimals, written as such (json-c would print 17 digits) */
	snprintf(pcts, sizeof(pcts), "%.2f", pct);
	o = json_object_new_object();
	json_object_object_add(o, "used", json_object_new_int64(used));
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "available", json_object_new_int64(used < total ? total - used : 0));
	json_object_object_add(o, "usage_percentage", json_object_new_double_s(pct, pcts));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "storage/quota", .pattern = "/v1/storage/quota", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
