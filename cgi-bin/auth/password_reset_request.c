/* POST /v1/auth/password-reset/request (public) - mail a password reset link.
 * {email}; 200 {sent: true} ALWAYS, whether an account has that address or not
 * (no account oracle): the mail is rendered and the same statement runs for
 * an unknown address, it just writes nothing. 400 when email is missing or is
 * not an address; 429 (Retry-After) beyond PASSWORD_RESET_IP_PER_HOUR from
 * one client address or PASSWORD_RESET_PER_HOUR for one e-mail address.
 * The token lives PASSWORD_RESET_TOKEN_SECONDS; a new one retires the older. */
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mail.h"
#include "sc_rand.h"
#include "sc_token.h"
#include "sc_user.h"

#include <openssl/evp.h>
#include <string.h>

/* For the account with address $1 (if any): older reset tokens retired, a new
 * one and its mail written; returns the mail's id, or no row. */
static const char SQL_RESET[] =
    "WITH u AS (SELECT user_id, email FROM users "
    "           WHERE lower(email) = lower($1) AND deleted_at IS NULL), "
    "r AS (" SC_TOKEN_SQL_RETIRE("(SELECT user_id FROM u)", "'reset_password'") "), "
    "t AS (INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) "
    "      SELECT $2::bytea, user_id, 'reset_password', email, "
    "             now() + make_interval(secs => $3::int) FROM u), "
    "m AS (" SC_MAIL_SQL_OUTBOX("u", "password_reset", "u.email", "$4", "$5", "$6", "$7") ") "
    "SELECT mail_id FROM m";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *email;
	size_t elen;
	char norm[256], tok[SC_TOKEN_LEN + 1], hash[SC_TOKEN_HASH], tlife[24], mlife[24];
	char mins[24], subj[65];
	unsigned char md[32];
	long long life = sc_config_int(SC_CFG_PASSWORD_RESET_TOKEN_SECONDS);
	PGresult *res;
	sc_db_err err;
	sc_mail_msg m;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "email", SC_REQUIRED, 3, 254, &email, &elen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_user_email_normalize(email, elen, norm) < 0)
		return sc_resp_bad(resp, "email", "must be an e-mail address");
	if (!sc_auth_limit_hourly(req, resp, "pwreset_ip", req->client_ip,
	    sc_config_int(SC_CFG_PASSWORD_RESET_IP_PER_HOUR)))
		return -1;
	/* the address's bucket is named by its hash: no addresses in Redis */
	EVP_Digest(norm, strlen(norm), md, NULL, EVP_sha256(), NULL);
	sc_hex_encode(md, 32, subj);
	if (!sc_auth_limit_hourly(req, resp, "pwreset_addr", subj,
	    sc_config_int(SC_CFG_PASSWORD_RESET_PER_HOUR)))
		return -1;

	sc_token_new(tok, hash);
	snprintf(tlife, sizeof(tlife), "%lld", life);
	snprintf(mlife, sizeof(mlife), "%lld", sc_config_int(SC_CFG_MAIL_OUTBOX_EXPIRY_SECONDS));
	snprintf(mins, sizeof(mins), "%lld", life / 60);
	{
		const sc_mail_var v[] = { { "email", norm },
		    { "link", sc_mail_link(req->arena, "reset-password", tok) }, { "token", tok },
		    { "minutes", mins }, { "app_url", sc_config_str(SC_CFG_APP_URL) } };
		if (sc_mail_render(req->arena, "password_reset", v, sizeof(v) / sizeof(v[0]), &m) < 0)
			return sc_resp_fail(resp, "mail template password_reset unavailable");
	}
	{
		const char *p[7] = { norm, hash, tlife, m.subject, m.text, m.html, mlife };
		if (sc_db_exec(req->db, req->arena, SQL_RESET, 7, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	/* sent after the response: the answer takes as long with or without an account */
	if (PQntuples(res) == 1)
		sc_mail_send_later(req->arena, PQgetvalue(res, 0, 0));
	o = json_object_new_object();
	json_object_object_add(o, "message", json_object_new_string(
	    "if an account has this address, a reset link is on its way"));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/password_reset_request", .pattern = "/v1/auth/password-reset/request",
	.methods = SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
