/* POST /v1/auth/2fa/setup - start enabling two-factor login.
 * {password} -> 200 {secret (base32), otpauth_uri, qr_svg}: a new TOTP secret,
 * stored sealed (AES-256-GCM, lib/sc_seal.h) in users.totp_pending; nothing is
 * active until POST /v1/auth/2fa/enable confirms a code. A new setup replaces
 * a pending one. 401 wrong password; 409 when 2FA is already enabled (disable
 * it first). */
#include "sc_account.h"
#include "sc_app.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_mfa.h"
#include "sc_password.h"
#include "sc_qr.h"

#include <openssl/crypto.h>
#include <stdio.h>

/* Stores the pending secret unless 2FA is on; returns the e-mail (the
 * account name in the authenticator app), no row when 2FA is on. */
static const char SQL_PENDING[] =
    "UPDATE users SET totp_pending = $2 "
    "WHERE user_id = $1 AND deleted_at IS NULL AND NOT two_factor_enabled RETURNING email";

static int handle(sc_req *req, sc_resp *resp)
{
	const char *pw, *verified;
	size_t plen;
	unsigned char secret[SC_TOTP_SECRET_LEN];
	char b32[SC_TOTP_B32_LEN + 1], sealed[SC_MFA_SEALED_TEXT], uri[512];
	char *svg;
	PGresult *res;
	sc_db_err err;
	sc_verr e;
	json_object *o;

	if (sc_json_get_str(req->json, "password", SC_REQUIRED, 1, SC_PASSWORD_MAX, &pw, &plen,
	    &e) < 0)
		return sc_resp_verr(resp, &e);
	if (sc_account_password(req, resp, pw, plen, "password is wrong", &verified) < 0)
		return -1;
	if (sc_mfa_secret_new(req->user.user_id, secret, b32, sealed) < 0)
		return sc_resp_fail(resp, "sealing the TOTP secret failed");
	OPENSSL_cleanse(secret, sizeof(secret));
	{
		const char *p[2] = { req->user.user_id, sealed };
		if (sc_db_exec(req->db, req->arena, SQL_PENDING, 2, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 409, "two-factor login is already enabled");
	if (sc_totp_uri(uri, sizeof(uri), sc_config_str(SC_CFG_TOTP_ISSUER), PQgetvalue(res, 0, 0),
	    b32) < 0)
		return sc_resp_fail(resp, "otpauth URI too long");
	svg = sc_arena_alloc(req->arena, SC_QR_SVG_MAX + 1);
	if (sc_qr_svg(uri, svg, SC_QR_SVG_MAX + 1, NULL) < 0)
		return sc_resp_fail(resp, "QR code failed");
	o = json_object_new_object();
	json_object_object_add(o, "secret", json_object_new_string(b32));
	json_object_object_add(o, "otpauth_uri", json_object_new_string(uri));
	json_object_object_add(o, "qr_svg", json_object_new_string(svg));
	OPENSSL_cleanse(b32, sizeof(b32));
	sc_resp_json(resp, 200, o);
	return 0;
}

static const sc_endpoint ep = {
	.name = "auth/tfa_setup", .pattern = "/v1/auth/2fa/setup", .methods = SC_M_POST,
	.flags = SC_EP_JSON_REQUIRED | SC_EP_AUTH, .handler = handle,
};

int main(void)
{
	return sc_app_run(&ep);
}
