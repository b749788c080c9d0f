/* GET /v1/auth/sessions - the caller's active sessions, newest first:
 * {sessions:[{session_id, user_agent, ip, created_at, last_used_at, current}]}.
 * Active: not revoked and its refresh token not expired (the current session
 * is always listed while it is not revoked: its access token still works).
 * At most SESSIONS_MAX are listed (logout-all ends the rest too). */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_user.h"

#define SESSIONS_MAX "200"

/* The caller's active sessions, newest first, with a flag for the current one. */
static const char SQL_SESSIONS[] =
    "SELECT session_id, user_agent, ip, " SC_SQL_TS("created_at") ", "
    SC_SQL_TS("last_used_at") ", session_id = $2 "
    "FROM sessions WHERE user_id = $1 AND revoked_at IS NULL "
    "  AND (refresh_expires_at > now() OR session_id = $2) "
    "ORDER BY created_at DESC, session_id DESC LIMIT " SESSIONS_MAX;

static int handle(sc_req *req, sc_resp *resp)
{
	static const char *const names[5] = { "session_id", "user_agent", "ip", "created_at",
	    "last_used_at" };
	const char *p[2] = { req->user.user_id, req->user.session_id };
	PGresult *res;
	sc_db_err err;
	json_object *o, *list;
	int i, c;

	if (sc_db_exec(req->db, req->arena, SQL_SESSIONS, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	list = json_object_new_array_ext(PQntuples(res));
	for (i = 0; i < PQntuples(res); i++) {
		json_object *s = json_object_new_object();
		for (c = 0; c < 5; c++)
			json_object_object_add(s, names[c], json_object_new_string(PQgetvalue(res, i, c)));
		json_object_object_add(s, "current",
		    json_object_new_boolean(PQgetvalue(res, i, 5)[0] == 't'));
		json_object_array_add(list, s);
	}
	o = json_object_new_object();
	json_object_object_add(o, "sessions", list);
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/sessions", .pattern = "/v1/auth/sessions", .methods = SC_M_GET,
	.flags = SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
