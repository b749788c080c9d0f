/* POST /v1/auth/verify-email/resend - send the caller a new verification mail.
 * 202 {email, expires_in}: a new verify_email token (the older unused ones
 * retired) and its mail written in one statement, the mail sent after the
 * response; 409 when the address is verified already; 429 beyond
 * MAIL_RESEND_PER_HOUR for the caller (Retry-After). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mail.h"
#include "sc_token.h"

/* The caller's address and name, and whether it is verified already. */
static const char SQL_WHO[] =
    "SELECT email, display_name, email_verified FROM users "
    "WHERE user_id = $1 AND deleted_at IS NULL";

/* A new token for the address read before ($2; nothing when it changed or was
 * verified meanwhile), the older ones retired, the mail queued; returns the
 * mail's id. */
static const char SQL_RESEND[] =
    "WITH u AS (SELECT user_id, email FROM users WHERE user_id = $1 AND email = $2 "
    "           AND NOT email_verified AND deleted_at IS NULL), "
    "r AS (" SC_TOKEN_SQL_RETIRE("(SELECT user_id FROM u)", "'verify_email'") "), "
    "t AS (INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) "
    "      SELECT $3::bytea, user_id, 'verify_email', email, "
    "             now() + make_interval(secs => $4::int) FROM u), "
    "m AS (" SC_MAIL_SQL_OUTBOX("u", "verify_email", "u.email", "$5", "$6", "$7", "$8") ") "
    "SELECT mail_id FROM m";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *p[8], *email;
	char tok[SC_TOKEN_LEN + 1], hash[SC_TOKEN_HASH], tlife[24], mlife[24], hours[24];
	long long life = sc_config_int(SC_CFG_EMAIL_VERIFY_TOKEN_SECONDS);
	PGresult *res;
	sc_db_err err;
	sc_mail_msg m;
	json_object *o;

	if (!sc_auth_limit_hourly(req, resp, "mailresend", req->user.user_id,
	    sc_config_int(SC_CFG_MAIL_RESEND_PER_HOUR)))
		return -1;
	p[0] = req->user.user_id;
	if (sc_db_exec(req->db, req->arena, SQL_WHO, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 404, "account not found");
	if (PQgetvalue(res, 0, 2)[0] == 't')
		return sc_resp_error(resp, 409, "email already verified");
	email = PQgetvalue(res, 0, 0);
	sc_token_new(tok, hash);
	snprintf(tlife, sizeof(tlife), "%lld", life);
	snprintf(mlife, sizeof(mlife), "%lld", sc_config_int(SC_CFG_MAIL_OUTBOX_EXPIRY_SECONDS));
	snprintf(hours, sizeof(hours), "%lld", life / 3600);
	{
		const sc_mail_var v[] = { { "name", PQgetvalue(res, 0, 1) }, { "email", email },
		    { "link", sc_mail_link(req->arena, "verify-email", tok) }, { "token", tok },
		    { "hours", hours }, { "app_url", sc_config_str(SC_CFG_APP_URL) } };
		if (sc_mail_render(req->arena, "verify_email", v, sizeof(v) / sizeof(v[0]), &m) < 0)
			return sc_resp_fail(resp, "mail template verify_email unavailable");
	}
	p[1] = email; p[2] = hash; p[3] = tlife;
	p[4] = m.subject; p[5] = m.text; p[6] = m.html; p[7] = mlife;
	if (sc_db_exec(req->db, req->arena, SQL_RESEND, 8, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 409, "the address changed or was verified meanwhile");
	sc_mail_send_later(req->arena, PQgetvalue(res, 0, 0));
	o = json_object_new_object();
	json_object_object_add(o, "email", json_object_new_string(email));
	json_object_object_add(o, "expires_in", json_object_new_int64(life));
	sc_resp_json(resp, 202, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/verify_email_resend", .pattern = "/v1/auth/verify-email/resend",
	.methods = SC_M_POST, .flags = SC_EP_JSON | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
