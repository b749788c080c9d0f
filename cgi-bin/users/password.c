/* POST /v1/users/me/password - change the caller's password.
 * {old_password, new_password, end_other_sessions? (default true)}; 400 naming a missing or unacceptable field
 * (new_password: 8..1024 bytes of UTF-8); 401 "old password is wrong"; 409
 * when the password changed meanwhile. On success the new Argon2id hash is
 * stored and every OTHER session of the caller is revoked in the same
 * statement (and in Redis: their access tokens stop at once), unless
 * end_other_sessions is false; the current session stays. Two-factor login
 * is left as it is. 200 {sessions_revoked: N}. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_password.h"

#include <openssl/crypto.h>

/* Replaces the hash if it is still the verified one ($3) and, when $5, revokes
 * the other sessions; one row per revoked session (one NULL row when there was none),
 * no row when the hash changed or the account was deleted meanwhile. */
static const char SQL_CHANGE[] =
    "WITH u AS (UPDATE users SET password_hash = $2, updated_at = now() "
    "           WHERE user_id = $1 AND deleted_at IS NULL AND password_hash = $3 "
    "           RETURNING user_id), "
    "s AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'password changed' "
    "      FROM u WHERE $5::boolean AND x.user_id = u.user_id AND x.session_id <> $4 AND x.revoked_at IS NULL "
    "      RETURNING x.session_id) "
    "SELECT s.session_id FROM u LEFT JOIN s ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *old, *new_pw, *verified;
	size_t olen, nlen;
	char hash[SC_PASSWORD_HASH_MAX];
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	int rc, end_others = 1;

	if (sc_json_get_str(req->json, "old_password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &old,
	    &olen, &e) < 0 ||
	    sc_json_get_str(req->json, "new_password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &new_pw,
	    &nlen, &e) < 0 ||
	    sc_json_get_bool(req->json, "end_other_sessions", SC_OPTIONAL, &end_others, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (!sc_password_acceptable(new_pw, nlen))
		return sc_verr_set(&e, "new_password", "must be 8..1024 bytes of UTF-8"),
		    sc_resp_verr(resp, &e);
	if (sc_account_password(req, resp, old, olen, "old password is wrong", &verified) < 0)
		return -1;
	if (sc_password_hash(new_pw, nlen, hash) < 0)
		return sc_resp_fail(resp, "password hashing failed");
	{
		const char *p[5] = { req->user.user_id, hash, verified, req->user.session_id,
		    end_others ? "true" : "false" };
		rc = sc_db_exec(req->db, req->arena, SQL_CHANGE, 5, p, 0, &res, &err);
		OPENSSL_cleanse(hash, sizeof(hash));
		if (rc < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 409, "the password changed meanwhile, try again");
	return sc_account_revoked_answer(req, resp, res, NULL);
}

static const sc_endpoint ep = {
	.name = "users/password", .pattern = "/v1/users/me/password", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
