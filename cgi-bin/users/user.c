/* GET /v1/users/:id - another user's public profile:
 * {user_id, username, display_name, avatar_url, status}; 404 when the id is
 * unknown, not a UUID, or the account is deleted, and
 * when either user blocked the other. searchable=false only hides a user
 * from search, not from a lookup by id. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_user.h"

/* The public profile of $1 as seen by the caller $2; no row when it is
 * unknown, deleted, or a block (SC_SQL_NOT_BLOCKED) stands between them. */
static const char SQL_USER[] =
    "SELECT " SC_USER_PUBLIC_COLS " FROM users u "
    "WHERE u.user_id = $1 AND u.deleted_at IS NULL "
    "  AND " SC_SQL_NOT_BLOCKED("$2::uuid", "u.user_id");

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[2] = { sc_route_param(&req->params, "id"), req->user.user_id };
	PGresult *res;
	sc_db_err err;

	if (sc_db_exec(req->db, req->arena, SQL_USER, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "no such user");
	sc_resp_json(resp, 200, sc_user_json(res, 0, 0, SC_USER_PUBLIC));
	return 0;
}

static const sc_endpoint ep = {
	.name = "users/user", .pattern = "/v1/users/:id", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
