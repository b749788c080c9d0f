/* POST /v1/auth/login (public) - e-mail and password -> a new session.
 * 200 as register; 401 "invalid email or password" for an unknown e-mail and
 * a wrong password alike (same text, same work: a dummy hash is verified);
 * 429 with Retry-After while the account is locked (LOGIN_MAX_FAILURES within
 * LOGIN_LOCK_SECONDS), even with the right password. Imported bcrypt hashes
 * and weaker Argon2id hashes are replaced on success.
 * After the password (never before: no account oracle): 403
 * EMAIL_NOT_VERIFIED when AUTH_REQUIRE_VERIFIED_EMAIL is on and the address is
 * not verified; with two-factor login on, no session yet but 200
 * {mfa_required: true, mfa_token, expires_in}, finished by
 * POST /v1/auth/login/2fa. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_lockout.h"
#include "sc_mfa.h"
#include "sc_password.h"
#include "sc_presence.h"
#include "sc_session.h"
#include "sc_user.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* The account of an e-mail: id, hash, e-mail verified, 2FA on. */
static const char SQL_FIND[] =
    "SELECT user_id, password_hash, email_verified, two_factor_enabled FROM users "
    "WHERE lower(email) = $1 AND deleted_at IS NULL";

/* Opens the session and records the login (and a new hash) in one statement;
 * returns the user. */
static const char SQL_OPEN[] =
    "WITH s AS (INSERT INTO sessions (session_id, user_id, refresh_hash, refresh_expires_at, "
    "                                 user_agent, ip) "
    "           VALUES ($1, $2, $3, now() + make_interval(secs => $4::int), $5, $6)) "
    "UPDATE users u SET last_login_at = now(), password_hash = COALESCE($7, u.password_hash), "
    "       status = CASE WHEN u.status = 'offline' THEN 'online' ELSE u.status END "
    "WHERE u.user_id = $2 AND u.deleted_at IS NULL RETURNING " SC_USER_SELF_COLS;

static int handle(sc_req *req, sc_resp *resp)
{
	const char *email, *password, *ua = sc_req_header(req, "User-Agent");
	size_t elen, plen;
	char norm[256], newhash[SC_PASSWORD_HASH_MAX], sid[SC_UUID_STRLEN + 1], ttl[24];
	char refresh[SC_REFRESH_LEN + 1], rhash[SC_REFRESH_HASH], agent[513];
	long long locked = 0;
	int unavailable = 0, ok = 0, rehash = 0, next;
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_str(req->json, "email", SC_REQUIRED, 1, 254, &email, &elen, &e) < 0 ||
	    sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &password,
	    &plen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_user_email_normalize(email, elen, norm) < 0)
		snprintf(norm, sizeof(norm), "%s", "invalid@invalid.invalid");

	if (sc_lockout_check(req->redis, norm, &locked, &unavailable) < 0)
		return sc_account_redis_down(resp);
	if (locked > 0) {
		char v[24];
		snprintf(v, sizeof(v), "%lld", locked);
		sc_resp_error(resp, 429, "too many failed logins, try again later");
		sc_resp_header(resp, "Retry-After", v);
		return -1;
	}
	{
		const char *p[1] = { norm };
		if (sc_db_exec(req->db, req->arena, SQL_FIND, 1, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 1)
		ok = sc_password_verify(password, plen, PQgetvalue(res, 0, 1), &rehash) == 1;
	else
		sc_password_verify_dummy(password, plen);
	if (!ok) {
		if (sc_lockout_fail(req->redis, norm, &unavailable) < 0)
			return sc_account_redis_down(resp);
		return sc_resp_error(resp, 401, "invalid email or password");
	}
	if (rehash && sc_password_hash(password, plen, newhash) < 0)
		rehash = 0;
	if (sc_lockout_clear(req->redis, norm, &unavailable) < 0)
		return sc_account_redis_down(resp);
	next = sc_mfa_login_next(sc_config_bool(SC_CFG_AUTH_REQUIRE_VERIFIED_EMAIL),
	    PQgetvalue(res, 0, 2)[0] == 't', PQgetvalue(res, 0, 3)[0] == 't');
	if (next == SC_LOGIN_UNVERIFIED) {
		OPENSSL_cleanse(newhash, sizeof(newhash));
		return sc_resp_error_code(resp, 403, "EMAIL_NOT_VERIFIED",
		    "verify your e-mail address before logging in");
	}
	if (next == SC_LOGIN_MFA) {
		int rc = sc_mfa_challenge(req, resp, PQgetvalue(res, 0, 0), rehash ? newhash : NULL);
		OPENSSL_cleanse(newhash, sizeof(newhash));
		return rc;
	}

	sc_uuid_v4(sid);
	sc_session_refresh_new(refresh, rhash);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_REFRESH_TTL_SECONDS));
	snprintf(agent, sizeof(agent), "%s", ua ? ua : "");
	{
		const char *p[7] = { sid, PQgetvalue(res, 0, 0), rhash, ttl, agent, req->client_ip,
		    rehash ? newhash : NULL };
		int rc = sc_db_exec(req->db, req->arena, SQL_OPEN, 7, p, 0, &res, &err);
		OPENSSL_cleanse(newhash, sizeof(newhash));
		if (rc < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)   /* deleted between the two statements */
		return sc_resp_error(resp, 401, "invalid email or password");
	/* for the relay's presence events; best effort, logged */
	sc_presence_peers_refresh(req->db, req->redis, req->arena, PQgetvalue(res, 0, 0));
	return sc_session_respond(resp, 200, sc_user_json(res, 0, 0, SC_USER_SELF),
	    PQgetvalue(res, 0, 0), sid, PQgetvalue(res, 0, 6), refresh);
}

/* The dummy hash costs one Argon2id run: make it before the first request, so
 * the first unknown-user login is not slower than the others. */
static int warm_up(void)
{
	sc_password_verify_dummy("warm-up", 7);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/login", .pattern = "/v1/auth/login", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle, .init = warm_up,
};

int main(void)
{
	return sc_app_run(&ep);
}
