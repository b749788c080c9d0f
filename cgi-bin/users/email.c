/* POST /v1/users/me/email - start changing the caller's e-mail address.
 * {new_email, password}; 202 {pending_email, expires_in}: a change_email token
 * for the new address (older ones retired) and its mail TO THE NEW ADDRESS
 * written in one statement, sent after the response; the account keeps its
 * address until POST /v1/users/me/email/verify. 400 naming the field (not an
 * address, or the account's own address); 401 wrong password; 409 when another
 * account has the address; 429 beyond MAIL_RESEND_PER_HOUR for the caller. */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mail.h"
#include "sc_password.h"
#include "sc_token.h"
#include "sc_user.h"

#include <string.h>

/* Unless an account has the address $2: older change tokens retired, the new
 * token and its mail written. Returns (the account holding $2 or NULL, the
 * mail's id or NULL). */
static const char SQL_CHANGE[] =
    "WITH taken AS (SELECT user_id FROM users WHERE lower(email) = lower($2) LIMIT 1), "
    "u AS (SELECT user_id FROM users WHERE user_id = $1 AND deleted_at IS NULL "
    "      AND NOT EXISTS (SELECT 1 FROM taken)), "
    "r AS (" SC_TOKEN_SQL_RETIRE("(SELECT user_id FROM u)", "'change_email'") "), "
    "t AS (INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) "
    "      SELECT $3::bytea, user_id, 'change_email', $2, "
    "             now() + make_interval(secs => $4::int) FROM u), "
    "m AS (" SC_MAIL_SQL_OUTBOX("u", "email_change", "$2", "$5", "$6", "$7", "$8") ") "
    "SELECT (SELECT user_id FROM taken), (SELECT mail_id FROM m)";

/* The caller's display name, for the mail. */
static const char SQL_NAME[] =
    "SELECT display_name FROM users WHERE user_id = $1 AND deleted_at IS NULL";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *email, *pw, *verified, *p[8];
	size_t elen, plen, n;
	char norm[256], tok[SC_TOKEN_LEN + 1], hash[SC_TOKEN_HASH], tlife[24], mlife[24];
	char hours[24];
	long long life = sc_config_int(SC_CFG_EMAIL_VERIFY_TOKEN_SECONDS);
	PGresult *res;
	sc_db_err err;
	sc_mail_msg m;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "new_email", SC_REQUIRED, 3, 254, &email, &elen, &e) < 0 ||
	    sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &pw, &plen,
	    &e) < 0)
		return sc_resp_verr(resp, &e);
	n = sc_user_email_normalize(email, elen, norm) < 0 ? 0 : strlen(norm);
	if (n == 0 || (n > 8 && strcmp(norm + n - 8, ".invalid") == 0))
		return sc_resp_bad(resp, "new_email", "must be an e-mail address");
	if (!sc_auth_limit_hourly(req, resp, "mailresend", req->user.user_id,
	    sc_config_int(SC_CFG_MAIL_RESEND_PER_HOUR)))
		return -1;
	if (sc_account_password(req, resp, pw, plen, "password is wrong", &verified) < 0)
		return -1;
	p[0] = req->user.user_id;
	if (sc_db_exec(req->db, req->arena, SQL_NAME, 1, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 404, "account not found");
	sc_token_new(tok, hash);
	snprintf(tlife, sizeof(tlife), "%lld", life);
	snprintf(mlife, sizeof(mlife), "%lld", sc_config_int(SC_CFG_MAIL_OUTBOX_EXPIRY_SECONDS));
	snprintf(hours, sizeof(hours), "%lld", life / 3600);
	{
		const sc_mail_var v[] = { { "name", PQgetvalue(res, 0, 0) }, { "new_email", norm },
		    { "link", sc_mail_link(req->arena, "confirm-email", tok) }, { "token", tok },
		    { "hours", hours }, { "app_url", sc_config_str(SC_CFG_APP_URL) } };
		if (sc_mail_render(req->arena, "email_change", v, sizeof(v) / sizeof(v[0]), &m) < 0)
			return sc_resp_fail(resp, "mail template email_change unavailable");
	}
	p[1] = norm; p[2] = hash; p[3] = tlife;
	p[4] = m.subject; p[5] = m.text; p[6] = m.html; p[7] = mlife;
	if (sc_db_exec(req->db, req->arena, SQL_CHANGE, 8, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (!PQgetisnull(res, 0, 0))
		return strcmp(PQgetvalue(res, 0, 0), req->user.user_id) == 0
		    ? sc_resp_bad(resp, "new_email", "is the account's address already")
		    : (sc_resp_error(resp, 409, "email already registered"),
		       resp->err_field = "new_email", -1);
	if (PQgetisnull(res, 0, 1))
		return sc_resp_error(resp, 404, "account not found");
	sc_mail_send_later(req->arena, PQgetvalue(res, 0, 1));
	o = json_object_new_object();
	json_object_object_add(o, "pending_email", json_object_new_string(norm));
	json_object_object_add(o, "expires_in", json_object_new_int64(life));
	sc_resp_json(resp, 202, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "users/email", .pattern = "/v1/users/me/email", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
