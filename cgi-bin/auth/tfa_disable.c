/* POST /v1/auth/2fa/disable - turn two-factor login off.
 * {password, code | recovery_code, end_other_sessions? (default true)} -> 200
 * {sessions_revoked: N}: needs the password AND a second factor (a current
 * code, accepted once like at login, or an unused recovery code, for a lost
 * phone); the secret, any pending setup and the recovery codes are removed
 * and, unless end_other_sessions is false, every OTHER session of the caller
 * ends. 401 wrong password or factor; 409 when 2FA is not enabled; 429 when
 * the account's code checks are rate-limited (MFA_PER_MINUTE / MFA_BURST). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_mfa.h"
#include "sc_password.h"

/* Whether 2FA is on. */
static const char SQL_STATE[] =
    "SELECT two_factor_enabled FROM users WHERE user_id = $1 AND deleted_at IS NULL";

/* Turns 2FA off if the password is still the verified one ($2), removes the
 * recovery codes and, when $3, revokes the other sessions; one row per revoked
 * session (one NULL row when none), no row when nothing changed. */
static const char SQL_DISABLE[] =
    "WITH u AS (UPDATE users SET two_factor_enabled = false, totp_secret = NULL, "
    "                  totp_pending = NULL, updated_at = now() "
    "           WHERE user_id = $1 AND deleted_at IS NULL AND two_factor_enabled "
    "             AND password_hash = $2 RETURNING user_id), "
    "d AS (DELETE FROM recovery_codes r USING u WHERE r.user_id = u.user_id), "
    "s AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'two-factor login disabled' "
    "      FROM u WHERE $3::boolean AND x.user_id = u.user_id AND x.session_id <> $4 "
    "        AND x.revoked_at IS NULL RETURNING x.session_id) "
    "SELECT s.session_id FROM u LEFT JOIN s ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *pw, *verified, *code, *rec;
	size_t plen, clen, rlen;
	int end_others = 1;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &pw, &plen,
	    &e) < 0 || sc_mfa_get_factor(req->json, &code, &clen, &rec, &rlen, &e) < 0 ||
	    sc_json_get_bool(req->json, "end_other_sessions", SC_OPTIONAL, &end_others, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_account_password(req, resp, pw, plen, "password or code is wrong", &verified) < 0)
		return -1;
	{
		const char *p[1] = { req->user.user_id };
		if (sc_db_exec(req->db, req->arena, SQL_STATE, 1, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1 || PQgetvalue(res, 0, 0)[0] != 't')
		return sc_resp_error(resp, 409, "two-factor login is not enabled");
	if (sc_mfa_check(req, resp, req->user.user_id, code, clen, rec, rlen,
	    "password or code is wrong") < 0)
		return -1;
	{
		const char *p[4] = { req->user.user_id, verified, end_others ? "true" : "false",
		    req->user.session_id };
		if (sc_db_exec(req->db, req->arena, SQL_DISABLE, 4, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 409, "the account changed meanwhile, try again");
	return sc_account_revoked_answer(req, resp, res, NULL);
}

static const sc_endpoint ep = {
	.name = "auth/tfa_disable", .pattern = "/v1/auth/2fa/disable", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
