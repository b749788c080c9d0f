/* POST /v1/users/me/email/verify - finish an e-mail change with the token of
 * the email_change mail (sent to the new address). {token}; 200 the user
 * (email changed, email_verified true); in the same statement the token is
 * used and a notice (email_changed) to the OLD address is queued, sent after
 * the response. 401 for a token that is unknown, used, expired or another
 * user's; 409 when another account took the address meanwhile (the token
 * stays usable: the statement is rolled back). */
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mail.h"
#include "sc_token.h"
#include "sc_user.h"

#include <string.h>

/* The caller's current address and name, and the new address of the token
 * (only an unused, unexpired change_email token of the caller). */
static const char SQL_PEEK[] =
    "SELECT u.email, u.display_name, t.email FROM account_tokens t "
    "JOIN users u ON u.user_id = t.user_id "
    "WHERE t.token_hash = $1::bytea AND t.user_id = $2 AND t.purpose = 'change_email' "
    "  AND t.used_at IS NULL AND t.expires_at > now() AND u.deleted_at IS NULL";

/* Uses the token (the caller's), moves the account to the new address if it
 * still has the old one ($3), queues the notice to the old address; returns the
 * user and the notice's id. A unique violation (address taken) rolls it all back. */
static const char SQL_CHANGE[] =
    "WITH t AS (" SC_TOKEN_SQL_USE("$1", "'change_email'") "), "
    "u AS (UPDATE users x SET email = t.email, email_verified = true, updated_at = now() "
    "      FROM t WHERE x.user_id = t.user_id AND t.user_id = $2 AND x.email = $3 "
    "        AND x.deleted_at IS NULL RETURNING x.*), "
    "v AS (" SC_TOKEN_SQL_RETIRE("(SELECT user_id FROM u)", "'verify_email'") "), "
    "m AS (" SC_MAIL_SQL_OUTBOX("u", "email_changed", "$3", "$4", "$5", "$6", "$7") ") "
    "SELECT " SC_USER_SELF_COLS ", (SELECT mail_id FROM m) FROM u";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *tok, *p[7];
	size_t tlen;
	char th[SC_TOKEN_HASH], mlife[24];
	PGresult *res;
	sc_db_err err;
	sc_mail_msg m;
	sc_verr e;

	if (sc_json_get_str(req->json, "token", SC_REQUIRED, 1, 256, &tok, &tlen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_token_hash(tok, tlen, th) < 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	p[0] = th;
	p[1] = req->user.user_id;
	if (sc_db_exec(req->db, req->arena, SQL_PEEK, 2, p, SC_DB_RETRY, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	{
		const sc_mail_var v[] = { { "name", PQgetvalue(res, 0, 1) },
		    { "old_email", PQgetvalue(res, 0, 0) }, { "new_email", PQgetvalue(res, 0, 2) },
		    { "app_url", sc_config_str(SC_CFG_APP_URL) } };
		if (sc_mail_render(req->arena, "email_changed", v, sizeof(v) / sizeof(v[0]), &m) < 0)
			return sc_resp_fail(resp, "mail template email_changed unavailable");
	}
	snprintf(mlife, sizeof(mlife), "%lld", sc_config_int(SC_CFG_MAIL_OUTBOX_EXPIRY_SECONDS));
	p[2] = PQgetvalue(res, 0, 0);
	p[3] = m.subject; p[4] = m.text; p[5] = m.html; p[6] = mlife;
	if (sc_db_exec(req->db, req->arena, SQL_CHANGE, 7, p, 0, &res, &err) < 0) {
		if (strcmp(err.sqlstate, "23505") == 0) {
			sc_resp_error(resp, 409, "email already registered");
			resp->err_field = "email";
			return -1;
		}
		return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	sc_mail_send_later(req->arena, PQgetvalue(res, 0, SC_USER_SELF_NCOLS));
	sc_resp_json(resp, 200, sc_user_json(res, 0, 0, SC_USER_SELF));
	return 0;
}

static const sc_endpoint ep = {
	.name = "users/email_verify", .pattern = "/v1/users/me/email/verify",
	.methods = SC_M_POST, .flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
