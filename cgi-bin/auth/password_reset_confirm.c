/* POST /v1/auth/password-reset/confirm (public) - set a new password with the
 * token of a password_reset mail. {token, new_password}; 200
 * {password_reset: true, sessions_revoked: N}: in ONE statement the token is
 * used, the Argon2id hash of the new password stored, every other reset token
 * of the account retired and EVERY session revoked (then marked in Redis, so
 * access tokens stop at once). 400 naming new_password when it is not 8..1024
 * bytes of UTF-8 (the token stays usable); 401 for a token that is unknown,
 * used, expired, or was sent to an address the account no longer has.
 * Two-factor settings are not touched: a login afterwards still asks for the
 * code. Opening the link proves the mailbox, so the address becomes verified. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_password.h"
#include "sc_token.h"

#include <openssl/crypto.h>
#include <string.h>

/* One row per revoked session (one NULL row when there was none) with the
 * user's id; no row when the token does not hold. */
static const char SQL_CONFIRM[] =
    "WITH t AS (" SC_TOKEN_SQL_USE("$1", "'reset_password'") "), "
    "u AS (UPDATE users x SET password_hash = $2, email_verified = true, status = 'offline', "
    "      updated_at = now() FROM t "
    "      WHERE x.user_id = t.user_id AND x.email = t.email AND x.deleted_at IS NULL "
    "      RETURNING x.user_id), "
    "r AS (UPDATE account_tokens a SET used_at = now() FROM u "
    "      WHERE a.user_id = u.user_id AND a.purpose = 'reset_password' "
    "        AND a.used_at IS NULL AND a.token_hash <> $1::bytea), "
    "s AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'password reset' "
    "      FROM u WHERE x.user_id = u.user_id AND x.revoked_at IS NULL "
    "      RETURNING x.session_id) "
    "SELECT u.user_id, s.session_id FROM u LEFT JOIN s ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *tok, *pw;
	size_t tlen, plen;
	char th[SC_TOKEN_HASH], hash[SC_PASSWORD_HASH_MAX];
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;
	int n, rc;

	if (sc_json_get_str(req->json, "token", SC_REQUIRED, 1, 256, &tok, &tlen, &e) < 0 ||
	    sc_json_get_str(req->json, "new_password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &pw,
	    &plen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (!sc_password_acceptable(pw, plen))
		return sc_resp_bad(resp, "new_password", "must be 8..1024 bytes of UTF-8");
	if (sc_token_hash(tok, tlen, th) < 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	if (sc_password_hash(pw, plen, hash) < 0)
		return sc_resp_fail(resp, "password hashing failed");
	{
		const char *p[2] = { th, hash };
		rc = sc_db_exec(req->db, req->arena, SQL_CONFIRM, 2, p, 0, &res, &err);
		OPENSSL_cleanse(hash, sizeof(hash));
		if (rc < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	/* public endpoint: the account is the token's (presence:{user} goes too) */
	snprintf(req->user.user_id, sizeof(req->user.user_id), "%s", PQgetvalue(res, 0, 0));
	n = sc_account_revoked(req, resp, res, 1, 1);
	memset(&req->user, 0, sizeof(req->user));
	if (n < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "password_reset", json_object_new_boolean(1));
	json_object_object_add(o, "sessions_revoked", json_object_new_int(n));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/password_reset_confirm", .pattern = "/v1/auth/password-reset/confirm",
	.methods = SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
