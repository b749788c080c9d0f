/* POST /v1/auth/refresh (public) - rotate a refresh token.
 * 200 {access_token, refresh_token, token_type, expires_in, session_id}; 401
 * for an unknown, expired or revoked token. A token that was already rotated
 * out is a replay: its whole session (the family) is revoked at once, in
 * PostgreSQL and in Redis, and the answer is 401. */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_log.h"
#include "sc_presence.h"
#include "sc_session.h"

#include <stdio.h>

/* Rotates a live token and records the old one; returns the session. */
static const char SQL_ROTATE[] =
    "WITH cur AS (UPDATE sessions s SET refresh_hash = $2, last_used_at = now(), "
    "                    refresh_expires_at = now() + make_interval(secs => $3::int) "
    "             FROM users u "
    "             WHERE s.refresh_hash = $1 AND s.revoked_at IS NULL "
    "               AND s.refresh_expires_at > now() "
    "               AND u.user_id = s.user_id AND u.deleted_at IS NULL "
    "             RETURNING s.session_id, s.user_id, u.role), "
    "used AS (INSERT INTO refresh_tokens_used (token_hash, session_id) "
    "         SELECT $1, session_id FROM cur) "
    "SELECT session_id, user_id, role FROM cur";

/* A rotated-out token came back: revoke its family; returns the session ids. */
static const char SQL_REUSE[] =
    "UPDATE sessions s SET revoked_at = now(), revoked_reason = 'refresh token reuse' "
    "FROM refresh_tokens_used r "
    "WHERE r.token_hash = $1 AND s.session_id = r.session_id AND s.revoked_at IS NULL "
    "RETURNING s.session_id";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *token;
	size_t len;
	char old[SC_REFRESH_HASH], refresh[SC_REFRESH_LEN + 1], rhash[SC_REFRESH_HASH], ttl[24];
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_str(req->json, "refresh_token", SC_REQUIRED, 1, 512, &token, &len, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_session_refresh_hash(token, len, old) < 0)
		return sc_resp_error(resp, 401, "invalid or expired refresh token");
	sc_session_refresh_new(refresh, rhash);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_REFRESH_TTL_SECONDS));
	{
		const char *p[3] = { old, rhash, ttl };
		if (sc_db_exec(req->db, req->arena, SQL_ROTATE, 3, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 1) {
		/* for the relay's presence events; best effort, logged */
		sc_presence_peers_refresh(req->db, req->redis, req->arena, PQgetvalue(res, 0, 1));
		return sc_session_respond(resp, 200, NULL, PQgetvalue(res, 0, 1),
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2), refresh);
	}
	{
		const char *p[1] = { old };
		if (sc_db_exec(req->db, req->arena, SQL_REUSE, 1, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) > 0) {
		sc_log(SC_LOG_WARN, "refresh token reuse: session revoked", "\"sessions\":%d",
		    PQntuples(res));
		sc_session_revoke_redis(req, res, 0);
	}
	return sc_resp_error(resp, 401, "invalid or expired refresh token");
}

static const sc_endpoint ep = {
	.name = "auth/refresh", .pattern = "/v1/auth/refresh", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
