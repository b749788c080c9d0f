/* POST /v1/auth/logout-all - end every active session of the caller, the
 * current one included. 200 {revoked: N} (N sessions ended now); 503 when Redis
 * cannot record the revocations (those in PostgreSQL stand; a retry is
 * harmless). Afterwards the user is offline: status 'offline', no presence
 * key. No body is read. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"

/* Revokes the caller's live sessions (and the current one, whose access token
 * works even if its refresh token expired) and sets the user offline; returns
 * the ids revoked. */
static const char SQL_LOGOUT_ALL[] =
    "WITH r AS (UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout all' "
    "           WHERE user_id = $1 AND revoked_at IS NULL "
    "             AND (refresh_expires_at > now() OR session_id = $2) "
    "           RETURNING session_id), "
    "o AS (UPDATE users SET status = 'offline' "
    "      WHERE user_id = $1 AND deleted_at IS NULL AND status <> 'offline') "
    "SELECT session_id FROM r";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[2] = { req->user.user_id, req->user.session_id };
	PGresult *res;
	sc_db_err err;
	json_object *o;

	if (sc_db_exec(req->db, req->arena, SQL_LOGOUT_ALL, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (sc_account_revoked(req, resp, res, 0, 1) < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "revoked", json_object_new_int(PQntuples(res)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/logout_all", .pattern = "/v1/auth/logout-all", .methods = SC_M_POST,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
