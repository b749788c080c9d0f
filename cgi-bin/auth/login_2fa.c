/* POST /v1/auth/login/2fa (public) - finish a login with two-factor login on.
 * {mfa_token, code | recovery_code} -> 200 exactly as POST /v1/auth/login
 * without 2FA (a new session and its tokens). 401 for an unknown, expired,
 * used or worn-out mfa_token (SC_MFA_MAX_ATTEMPTS tries each) and for a wrong
 * code, a code of a time step already accepted (replay), or a used recovery
 * code; 429 with Retry-After when the account's code checks are rate-limited
 * (MFA_PER_MINUTE / MFA_BURST). */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mfa.h"
#include "sc_presence.h"
#include "sc_session.h"
#include "sc_user.h"

#include <stdio.h>

/* Counts an attempt on a live challenge; returns its user, no row when the
 * token is unknown, expired, used or out of attempts. */
static const char SQL_ATTEMPT[] =
    "UPDATE login_challenges SET attempts = attempts + 1 "
    "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2::int "
    "RETURNING user_id";

/* Uses the challenge and opens the session in one statement; returns the
 * user, no row when the challenge was used meanwhile or the account is gone. */
static const char SQL_OPEN[] =
    "WITH c AS (UPDATE login_challenges SET used_at = now() "
    "           WHERE token_hash = $1 AND used_at IS NULL RETURNING user_id), "
    "s AS (INSERT INTO sessions (session_id, user_id, refresh_hash, refresh_expires_at, "
    "                            user_agent, ip) "
    "      SELECT $2, c.user_id, $3, now() + make_interval(secs => $4::int), $5, $6 FROM c) "
    "UPDATE users u SET last_login_at = now(), "
    "       status = CASE WHEN u.status = 'offline' THEN 'online' ELSE u.status END "
    "FROM c WHERE u.user_id = c.user_id AND u.deleted_at IS NULL RETURNING " SC_USER_SELF_COLS;

static int handle(sc_req *req, sc_resp *resp)
{
	const char *token, *code, *rec, *ua = sc_req_header(req, "User-Agent");
	size_t tlen, clen, rlen;
	char thash[SC_REFRESH_HASH], sid[SC_UUID_STRLEN + 1], ttl[24], max[8], agent[513];
	char refresh[SC_REFRESH_LEN + 1], rhash[SC_REFRESH_HASH], *user_id;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_str(req->json, "mfa_token", SC_REQUIRED, 1, 64, &token, &tlen, &e) < 0 ||
	    sc_mfa_get_factor(req->json, &code, &clen, &rec, &rlen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_session_refresh_hash(token, tlen, thash) < 0)
		return sc_resp_error(resp, 401, "invalid or expired mfa_token");
	snprintf(max, sizeof(max), "%d", SC_MFA_MAX_ATTEMPTS);
	{
		const char *p[2] = { thash, max };
		if (sc_db_exec(req->db, req->arena, SQL_ATTEMPT, 2, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 401, "invalid or expired mfa_token");
	user_id = PQgetvalue(res, 0, 0);
	if (sc_mfa_check(req, resp, user_id, code, clen, rec, rlen, "wrong code") < 0)
		return -1;

	sc_uuid_v4(sid);
	sc_session_refresh_new(refresh, rhash);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_REFRESH_TTL_SECONDS));
	snprintf(agent, sizeof(agent), "%s", ua ? ua : "");
	{
		const char *p[6] = { thash, sid, rhash, ttl, agent, req->client_ip };
		if (sc_db_exec(req->db, req->arena, SQL_OPEN, 6, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 401, "invalid or expired mfa_token");
	/* for the relay's presence events; best effort, logged */
	sc_presence_peers_refresh(req->db, req->redis, req->arena, PQgetvalue(res, 0, 0));
	return sc_session_respond(resp, 200, sc_user_json(res, 0, 0, SC_USER_SELF),
	    PQgetvalue(res, 0, 0), sid, PQgetvalue(res, 0, 6), refresh);
}

static const sc_endpoint ep = {
	.name = "auth/login_2fa", .pattern = "/v1/auth/login/2fa", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
