/* POST /v1/auth/2fa/enable - confirm the pending setup with a code.
 * {code, end_other_sessions? (default true)} -> 200 {recovery_codes: [10],
 * sessions_revoked: N}: the pending secret becomes the active one,
 * two_factor_enabled is set, ten new single-use recovery codes are stored
 * hashed (shown this once), the code's time step is recorded (it cannot log
 * in again) and, unless end_other_sessions is false, every OTHER session of
 * the caller ends. 400 VALIDATION_ERROR naming `code` when it is not a
 * current code of the pending secret; 409 when there is no setup pending or
 * 2FA is already enabled. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_db.h"
#include "sc_mfa.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The pending secret, whether 2FA is on, the last accepted step. */
static const char SQL_PENDING[] =
    "SELECT totp_pending, two_factor_enabled, totp_last_step FROM users "
    "WHERE user_id = $1 AND deleted_at IS NULL";

/* Activates the secret if it is still the one checked ($3), replaces the
 * recovery codes ($4: comma-separated hex hashes) and, when $5, revokes the
 * other sessions; one row per revoked session (one NULL row when none), no
 * row when the setup changed meanwhile. */
static const char SQL_ENABLE[] =
    "WITH u AS (UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, "
    "                  two_factor_enabled = true, updated_at = now(), "
    "                  totp_last_step = GREATEST(totp_last_step, $2::bigint) "
    "           WHERE user_id = $1 AND deleted_at IS NULL AND NOT two_factor_enabled "
    "             AND totp_pending = $3 RETURNING user_id), "
    "d AS (DELETE FROM recovery_codes r USING u WHERE r.user_id = u.user_id), "
    "i AS (INSERT INTO recovery_codes (user_id, code_hash) "
    "      SELECT u.user_id, decode(h, 'hex') FROM u, unnest(string_to_array($4, ',')) h), "
    "s AS (UPDATE sessions x SET revoked_at = now(), revoked_reason = 'two-factor login enabled' "
    "      FROM u WHERE $5::boolean AND x.user_id = u.user_id AND x.session_id <> $6 "
    "        AND x.revoked_at IS NULL RETURNING x.session_id) "
    "SELECT s.session_id FROM u LEFT JOIN s ON true";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *code;
	size_t clen, i;
	int end_others = 1;
	long long last, step;
	unsigned char secret[SC_TOTP_SECRET_LEN];
	char shown[SC_MFA_RECOVERY_N][SC_MFA_RECOVERY_LEN + 1], hash[SC_MFA_HASH_TEXT];
	char hashes[SC_MFA_RECOVERY_N * 65], stepbuf[24];
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o, *arr;

	if (sc_json_get_str(req->json, "code", SC_REQUIRED, 1, 16, &code, &clen, &e) < 0 ||
	    sc_json_get_bool(req->json, "end_other_sessions", SC_OPTIONAL, &end_others, &e) < 0)
		return sc_resp_verr(resp, &e);
	{
		const char *p[1] = { req->user.user_id };
		if (sc_db_exec(req->db, req->arena, SQL_PENDING, 1, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 404, "account not found");
	if (PQgetvalue(res, 0, 1)[0] == 't')
		return sc_resp_error(resp, 409, "two-factor login is already enabled");
	if (PQgetisnull(res, 0, 0))
		return sc_resp_error(resp, 409, "no two-factor setup pending: call /v1/auth/2fa/setup");
	if (sc_parse_i64(PQgetvalue(res, 0, 2), strlen(PQgetvalue(res, 0, 2)), 0, 1LL << 62,
	    &last) < 0 || sc_mfa_secret_open(PQgetvalue(res, 0, 0), req->user.user_id, secret) < 0)
		return sc_resp_fail(resp, "the pending TOTP secret does not open");
	/* a new secret: every step of the window counts, the replay rule starts now */
	step = sc_totp_verify(secret, sizeof(secret), code, clen, time(NULL), 0);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (step < 0)
		return sc_resp_bad(resp, "code", "is not a current code of the pending secret");
	snprintf(stepbuf, sizeof(stepbuf), "%lld", step);
	for (i = 0; i < SC_MFA_RECOVERY_N; i++) {
		sc_mfa_recovery_new(shown[i], hash);
		memcpy(hashes + i * 65, hash + 2, 64);   /* hex without "\x" */
		hashes[i * 65 + 64] = i + 1 < SC_MFA_RECOVERY_N ? ',' : '\0';
	}
	{
		const char *p[6] = { req->user.user_id, stepbuf, PQgetvalue(res, 0, 0), hashes,
		    end_others ? "true" : "false", req->user.session_id };
		if (sc_db_exec(req->db, req->arena, SQL_ENABLE, 6, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 409, "the two-factor setup changed meanwhile, try again");
	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < SC_MFA_RECOVERY_N; i++)
		json_object_array_add(arr, json_object_new_string(shown[i]));
	OPENSSL_cleanse(shown, sizeof(shown));
	json_object_object_add(o, "recovery_codes", arr);
	return sc_account_revoked_answer(req, resp, res, o);
}

static const sc_endpoint ep = {
	.name = "auth/tfa_enable", .pattern = "/v1/auth/2fa/enable", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
