/* sc_mfa.c - second-factor checks and the stored forms of their secrets. */
#include "sc_mfa.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sc_app.h"
#include "sc_auth.h"
#include "sc_config.h"
#include "sc_db.h"
#include "sc_rand.h"
#include "sc_session.h"

static const char RECOVERY_ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";   /* 32 */

/* The sealed secret and the last accepted step of a user with 2FA on. */
static const char SQL_SECRET[] =
    "SELECT totp_secret, totp_last_step FROM users "
    "WHERE user_id = $1 AND deleted_at IS NULL AND two_factor_enabled AND totp_secret IS NOT NULL";

/* Records the accepted step if it is later than the last one and the secret
 * is still the one checked; a row when it won. */
static const char SQL_STEP[] =
    "UPDATE users SET totp_last_step = $2 "
    "WHERE user_id = $1 AND totp_last_step < $2::bigint AND totp_secret = $3 RETURNING 1";

/* Uses an unused recovery code of a user with 2FA on; a row when it did. */
static const char SQL_RECOVERY[] =
    "UPDATE recovery_codes r SET used_at = now() FROM users u "
    "WHERE r.user_id = $1 AND r.code_hash = $2 AND r.used_at IS NULL "
    "  AND u.user_id = r.user_id AND u.two_factor_enabled AND u.deleted_at IS NULL RETURNING 1";

/* Stores a login challenge and, when $6 is not NULL, a new password hash. */
static const char SQL_CHALLENGE[] =
    "WITH c AS (INSERT INTO login_challenges (token_hash, user_id, expires_at, user_agent, ip) "
    "           VALUES ($1, $2, now() + make_interval(secs => $3::int), $4, $5)) "
    "UPDATE users SET password_hash = COALESCE($6, password_hash) WHERE user_id = $2";

static void sha256_text(const char *s, size_t n, char hash[SC_MFA_HASH_TEXT])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(s, n, md, &len, EVP_sha256(), NULL);
	sc_mfa_bytea_text(md, sizeof(md), hash);
}

void sc_mfa_recovery_new(char code[SC_MFA_RECOVERY_LEN + 1], char hash[SC_MFA_HASH_TEXT])
{
	unsigned char r[SC_MFA_RECOVERY_CHARS];
	char plain[SC_MFA_RECOVERY_CHARS];
	int i;

	sc_rand_bytes(r, sizeof(r));
	for (i = 0; i < SC_MFA_RECOVERY_CHARS; i++)
		plain[i] = RECOVERY_ALPHABET[r[i] & 31];   /* 32 letters: no bias */
	memcpy(code, plain, 5);
	code[5] = '-';
	memcpy(code + 6, plain + 5, 5);
	code[SC_MFA_RECOVERY_LEN] = '\0';
	sha256_text(plain, sizeof(plain), hash);
	OPENSSL_cleanse(r, sizeof(r));
	OPENSSL_cleanse(plain, sizeof(plain));
}

int sc_mfa_recovery_hash(const char *s, size_t n, char hash[SC_MFA_HASH_TEXT])
{
	char plain[SC_MFA_RECOVERY_CHARS];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-' && i == 5 && n == SC_MFA_RECOVERY_LEN)
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (k == sizeof(plain) || c == '\0' || strchr(RECOVERY_ALPHABET, c) == NULL)
			return -1;
		plain[k++] = c;
	}
	if (k != sizeof(plain))
		return -1;
	sha256_text(plain, sizeof(plain), hash);
	OPENSSL_cleanse(plain, sizeof(plain));
	return 0;
}

void sc_mfa_bytea_text(const unsigned char *in, size_t n, char *out)
{
	out[0] = '\\';
	out[1] = 'x';
	sc_hex_encode(in, n, out + 2);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sc_mfa_bytea_decode(const char *text, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = strlen(text), i;

	if (n < 2 || text[0] != '\\' || text[1] != 'x' || (n - 2) % 2 != 0 || (n - 2) / 2 > cap)
		return -1;
	for (i = 0; i < (n - 2) / 2; i++) {
		int hi = hexval(text[2 + 2 * i]), lo = hexval(text[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = (n - 2) / 2;
	return 0;
}

int sc_mfa_secret_new(const char *user_id, unsigned char secret[SC_TOTP_SECRET_LEN],
    char b32[SC_TOTP_B32_LEN + 1], char sealed[SC_MFA_SEALED_TEXT])
{
	unsigned char box[SC_MFA_SEALED_LEN];

	sc_rand_bytes(secret, SC_TOTP_SECRET_LEN);
	sc_base32_encode(secret, SC_TOTP_SECRET_LEN, b32);
	if (sc_seal(secret, SC_TOTP_SECRET_LEN, user_id, box) < 0)
		return -1;
	sc_mfa_bytea_text(box, sizeof(box), sealed);
	return 0;
}

int sc_mfa_secret_open(const char *stored, const char *user_id,
    unsigned char secret[SC_TOTP_SECRET_LEN])
{
	unsigned char box[SC_MFA_SEALED_LEN];
	size_t n, len;

	if (sc_mfa_bytea_decode(stored, box, sizeof(box), &n) < 0 ||
	    sc_seal_open(box, n, user_id, secret, SC_TOTP_SECRET_LEN, &len) < 0 ||
	    len != SC_TOTP_SECRET_LEN)
		return -1;
	return 0;
}

int sc_mfa_login_next(int require_verified, int email_verified, int two_factor)
{
	if (require_verified && !email_verified)
		return SC_LOGIN_UNVERIFIED;
	return two_factor ? SC_LOGIN_MFA : SC_LOGIN_SESSION;
}

int sc_mfa_get_factor(json_object *o, const char **code, size_t *clen, const char **rec,
    size_t *rlen, sc_verr *e)
{
	*code = *rec = NULL;
	*clen = *rlen = 0;
	if (sc_json_get_str(o, "code", SC_OPTIONAL, 1, 16, code, clen, e) < 0 ||
	    sc_json_get_str(o, "recovery_code", SC_OPTIONAL, 1, 32, rec, rlen, e) < 0)
		return -1;
	if (*code == NULL && *rec == NULL)
		return sc_verr_set(e, "code", "is required (or recovery_code)");
	if (*code != NULL && *rec != NULL)
		return sc_verr_set(e, "recovery_code", "must not come with code");
	return 0;
}

/* The per-account limit: sc_auth_limit keys on the caller, which on the
 * public login/2fa is nobody yet, so the account is put in its place. */
static int limit(sc_req *req, sc_resp *resp, const char *user_id)
{
	char saved[sizeof(req->user.user_id)];
	int ok;

	memcpy(saved, req->user.user_id, sizeof(saved));
	snprintf(req->user.user_id, sizeof(req->user.user_id), "%s", user_id);
	ok = sc_auth_limit(req, resp, "mfa", sc_config_int(SC_CFG_MFA_PER_MINUTE),
	    sc_config_int(SC_CFG_MFA_BURST));
	memcpy(req->user.user_id, saved, sizeof(saved));
	return ok;
}

static int check_recovery(sc_req *req, sc_resp *resp, const char *user_id, const char *rec,
    size_t rlen, const char *wrong)
{
	char hash[SC_MFA_HASH_TEXT];
	const char *p[2] = { user_id, hash };
	PGresult *res;
	sc_db_err err;

	if (sc_mfa_recovery_hash(rec, rlen, hash) < 0)
		return sc_resp_error(resp, 401, wrong);
	if (sc_db_exec(req->db, req->arena, SQL_RECOVERY, 2, p, 0, &res, &err) < 0)
		return sc_app_db_error(resp, &err);
	return PQntuples(res) == 1 ? 0 : sc_resp_error(resp, 401, wrong);
}

int sc_mfa_check(sc_req *req, sc_resp *resp, const char *user_id, const char *code,
    size_t clen, const char *rec, size_t rlen, const char *wrong)
{
	unsigned char secret[SC_TOTP_SECRET_LEN];
	long long last, step;
	char stepbuf[24];
	PGresult *res;
	sc_db_err err;
	const char *stored;

	if (!limit(req, resp, user_id))
		return -1;
	if (rec != NULL)
		return check_recovery(req, resp, user_id, rec, rlen, wrong);
	{
		const char *p[1] = { user_id };
		if (sc_db_exec(req->db, req->arena, SQL_SECRET, 1, p, SC_DB_RETRY, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	if (PQntuples(res) != 1)
		return sc_resp_error(resp, 401, wrong);
	stored = PQgetvalue(res, 0, 0);
	if (sc_parse_i64(PQgetvalue(res, 0, 1), strlen(PQgetvalue(res, 0, 1)), 0, (1LL << 62),
	    &last) < 0)
		return sc_resp_fail(resp, "totp_last_step unreadable");
	if (sc_mfa_secret_open(stored, user_id, secret) < 0)
		return sc_resp_fail(resp, "the TOTP secret does not open (TOTP_KEY changed?)");
	step = sc_totp_verify(secret, sizeof(secret), code, clen, time(NULL), last);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (step < 0)
		return sc_resp_error(resp, 401, wrong);
	snprintf(stepbuf, sizeof(stepbuf), "%lld", step);
	{
		const char *p[3] = { user_id, stepbuf, stored };
		if (sc_db_exec(req->db, req->arena, SQL_STEP, 3, p, 0, &res, &err) < 0)
			return sc_app_db_error(resp, &err);
	}
	return PQntuples(res) == 1 ? 0 : sc_resp_error(resp, 401, wrong);
}

int sc_mfa_challenge(sc_req *req, sc_resp *resp, const char *user_id, const char *new_hash)
{
	char token[SC_REFRESH_LEN + 1], hash[SC_REFRESH_HASH], ttl[24], agent[513];
	const char *ua = sc_req_header(req, "User-Agent");
	long long secs = sc_config_int(SC_CFG_MFA_TOKEN_SECONDS);
	sc_db_err err;
	json_object *o;

	/* the same shape as a refresh token: 32 random bytes, base64url, SHA-256 stored */
	sc_session_refresh_new(token, hash);
	snprintf(ttl, sizeof(ttl), "%lld", secs);
	snprintf(agent, sizeof(agent), "%s", ua ? ua : "");
	{
		const char *p[6] = { hash, user_id, ttl, agent, req->client_ip, new_hash };
		if (sc_db_exec(req->db, req->arena, SQL_CHALLENGE, 6, p, 0, NULL, &err) < 0) {
			OPENSSL_cleanse(token, sizeof(token));
			return sc_app_db_error(resp, &err);
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "mfa_required", json_object_new_boolean(1));
	json_object_object_add(o, "mfa_token", json_object_new_string(token));
	json_object_object_add(o, "expires_in", json_object_new_int64(secs));
	OPENSSL_cleanse(token, sizeof(token));
	sc_resp_json(resp, 200, o);
	return 0;
}
