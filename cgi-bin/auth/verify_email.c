/* POST /v1/auth/verify-email (public) - confirm an account's e-mail address
 * with the token of a verify_email mail. {token}; 200 {email_verified: true,
 * email}; 401 for a token that is unknown, used, expired, or was sent to an
 * address the account no longer has; 400 when token is missing. The token is
 * used and the account marked verified in one statement (sc_token.h). */
#include "sc_app.h"
#include "sc_db.h"
#include "sc_token.h"

/* Uses the token and marks the account verified; one row (email) on success. */
static const char SQL_VERIFY[] =
    "WITH t AS (" SC_TOKEN_SQL_USE("$1", "'verify_email'") ") "
    "UPDATE users u SET email_verified = true, updated_at = now() FROM t "
    "WHERE u.user_id = t.user_id AND u.email = t.email AND u.deleted_at IS NULL "
    "RETURNING u.email";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *tok;
	size_t tlen;
	char hash[SC_TOKEN_HASH];
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "token", SC_REQUIRED, 1, 256, &tok, &tlen, &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_token_hash(tok, tlen, hash) < 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	{
		const char *p[1] = { hash };
		if (sc_db_exec(req->db, req->arena, SQL_VERIFY, 1, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) == 0)
		return sc_resp_error(resp, 401, "invalid or expired token");
	o = json_object_new_object();
	json_object_object_add(o, "email_verified", json_object_new_boolean(1));
	json_object_object_add(o, "email", json_object_new_string(PQgetvalue(res, 0, 0)));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/verify_email", .pattern = "/v1/auth/verify-email", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_PUBLIC, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
