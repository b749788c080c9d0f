/* GET /v1/auth/profile - who the access token belongs to, from the database:
 * {user_id, email, username, role}; 404 when the account was deleted. */
#include "sc_app.h"
#include "sc_db.h"

/* The caller's identity; no row once the account is deleted. */
static const char SQL_PROFILE[] =
    "SELECT user_id, email, username, role FROM users "
    "WHERE user_id = $1 AND deleted_at IS NULL";

static int handle(sc_req *req, sc_resp *resp)
{
	static const char *const names[4] = { "user_id", "email", "username", "role" };
	const char *p[1] = { req->user.user_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;
	int c;

	if (sc_db_exec(req->db, req->arena, SQL_PROFILE, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	o = json_object_new_object();
	for (c = 0; c < 4; c++)
		json_object_object_add(o, names[c], json_object_new_string(PQgetvalue(res, 0, c)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/profile", .pattern = "/v1/auth/profile", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
