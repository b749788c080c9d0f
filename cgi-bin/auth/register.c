/* POST /v1/auth/register (public) - create an account and its first session.
 * 201 {user, access_token, refresh_token, token_type, expires_in, session_id};
 * 400 naming the field; 409 when the e-mail or the username is taken.
 * The same statement writes a verify_email token and its mail to the outbox;
 * the mail is sent after the response (sc_mail_send_later). */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_password.h"
#include "sc_mail.h"
#include "sc_session.h"
#include "sc_token.h"
#include "sc_user.h"

#include <openssl/crypto.h>
#include <string.h>
#include <strings.h>

/* Inserts the user, the session, the verification token and its mail in one
 * statement; returns the user and the mail's id. */
static const char SQL_REGISTER[] =
    "WITH u AS (INSERT INTO users (email, username, password_hash, display_name, status) "
    "           VALUES ($1, $2, $3, $4, 'online') RETURNING *), "
    "s AS (INSERT INTO sessions (session_id, user_id, refresh_hash, refresh_expires_at, "
    "                            user_agent, ip) "
    "      SELECT $5, user_id, $6, now() + make_interval(secs => $7::int), $8, $9 FROM u), "
    "t AS (INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) "
    "      SELECT $10::bytea, user_id, 'verify_email', email, "
    "             now() + make_interval(secs => $11::int) FROM u), "
    "m AS (" SC_MAIL_SQL_OUTBOX("u", "verify_email", "u.email", "$12", "$13", "$14", "$15") ") "
    "SELECT " SC_USER_SELF_COLS ", (SELECT mail_id FROM m) FROM u";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *email, *username, *password, *display;
	size_t elen, ulen, plen;
	char norm[256], hash[SC_PASSWORD_HASH_MAX], sid[SC_UUID_STRLEN + 1], ttl[24];
	char refresh[SC_REFRESH_LEN + 1], rhash[SC_REFRESH_HASH], agent[513];
	char tok[SC_TOKEN_LEN + 1], thash[SC_TOKEN_HASH], tlife[24], mlife[24], hours[24];
	sc_mail_msg m;
	const char *ua = sc_req_header(req, "User-Agent");
	PGresult *res;
	sc_db_err err;
	sc_verr e;

	if (sc_json_get_str(req->json, "email", SC_REQUIRED, 3, 254, &email, &elen, &e) < 0 ||
	    sc_json_get_str(req->json, "username", SC_REQUIRED, 3, 30, &username, &ulen, &e) < 0 ||
	    sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &password,
	    &plen, &e) < 0 ||
	    sc_json_get_str(req->json, "display_name", SC_REQUIRED, 1, 100, &display, NULL, &e) < 0)
		return sc_resp_verr(resp, &e);
	/* .invalid is never deliverable (RFC 2606); deleted accounts are renamed into it. */
	if (sc_user_email_normalize(email, elen, norm) < 0 ||
	    (strlen(norm) > 8 && strcmp(norm + strlen(norm) - 8, ".invalid") == 0))
		return sc_verr_set(&e, "email", "must be an e-mail address"), sc_resp_verr(resp, &e);
	if (ulen >= 8 && strncasecmp(username, "deleted_", 8) == 0)
		return sc_verr_set(&e, "username", "is reserved"), sc_resp_verr(resp, &e);
	if (!sc_user_username_valid(username, ulen))
		return sc_verr_set(&e, "username", "must be 3..30 of A-Z, a-z, 0-9, '_' and '.'"),
		    sc_resp_verr(resp, &e);
	if (!sc_password_acceptable(password, plen))
		return sc_verr_set(&e, "password", "must be 8..1024 bytes of UTF-8"),
		    sc_resp_verr(resp, &e);
	if (sc_password_hash(password, plen, hash) < 0)
		return sc_resp_fail(resp, "password hashing failed");

	sc_token_new(tok, thash);
	snprintf(tlife, sizeof(tlife), "%lld", sc_config_int(SC_CFG_EMAIL_VERIFY_TOKEN_SECONDS));
	snprintf(mlife, sizeof(mlife), "%lld", sc_config_int(SC_CFG_MAIL_OUTBOX_EXPIRY_SECONDS));
	snprintf(hours, sizeof(hours), "%lld",
	    sc_config_int(SC_CFG_EMAIL_VERIFY_TOKEN_SECONDS) / 3600);
	{
		const sc_mail_var v[] = { { "name", display }, { "email", norm },
		    { "link", sc_mail_link(req->arena, "verify-email", tok) }, { "token", tok },
		    { "hours", hours }, { "app_url", sc_config_str(SC_CFG_APP_URL) } };
		if (sc_mail_render(req->arena, "verify_email", v, sizeof(v) / sizeof(v[0]), &m) < 0)
			return OPENSSL_cleanse(hash, sizeof(hash)),
			    sc_resp_fail(resp, "mail template verify_email unavailable");
	}
	sc_uuid_v4(sid);
	sc_session_refresh_new(refresh, rhash);
	snprintf(ttl, sizeof(ttl), "%lld", sc_config_int(SC_CFG_JWT_REFRESH_TTL_SECONDS));
	snprintf(agent, sizeof(agent), "%s", ua ? ua : "");
	{
		const char *p[15] = { norm, username, hash, display, sid, rhash, ttl, agent,
		    req->client_ip, thash, tlife, m.subject, m.text, m.html, mlife };
		int rc = sc_db_exec(req->db, req->arena, SQL_REGISTER, 15, p, 0, &res, &err);
		OPENSSL_cleanse(hash, sizeof(hash));
		if (rc < 0 && strcmp(err.sqlstate, "23505") == 0) {
			int is_email = strcmp(err.constraint, "users_email_key") == 0;
			sc_resp_error(resp, 409, is_email ? "email already registered" :
			    "username already taken");
			resp->err_field = is_email ? "email" : "username";
			return -1;
		}
		if (rc < 0)
			return sc_app_db_error(resp, &err);
	}
	sc_mail_send_later(req->arena, PQgetvalue(res, 0, SC_USER_SELF_NCOLS));
	return sc_session_respond(resp, 201, sc_user_json(res, 0, 0, SC_USER_SELF),
	    PQgetvalue(res, 0, 0), sid, PQgetvalue(res, 0, 6), refresh);
}

static const sc_endpoint ep = {
	.name = "auth/register", .pattern = "/v1/auth/register", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
